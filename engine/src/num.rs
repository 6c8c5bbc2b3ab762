//! Exact numbers at the edge: money, points and shares are [`Decimal`], written as JSON strings and
//! read from strings or numbers.
//!
//! A JSON number is read through its shortest round-trip decimal form (`0.1` stays `0.1`), which
//! is exact for every literal of up to 15 significant digits; write longer values as strings.
//! Output is always a normalised string (`"30"`, not `"30.00"`), so every surface prints the same
//! bytes.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Parses a decimal from text, accepting plain and scientific notation.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    // Before trimming: digits alone have nothing to trim, and the trim is half the work.
    if let Some(whole) = plain_whole(text) {
        return Some(whole);
    }
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    Decimal::from_str(text).ok().or_else(|| Decimal::from_scientific(text).ok())
}

/// The value of up to 18 ASCII digits, the way nearly every amount is written: the same
/// decimal (scale 0) that [`Decimal::from_str`] makes of them, in a fraction of its work.
fn plain_whole(text: &str) -> Option<Decimal> {
    if text.is_empty() || text.len() > 18 {
        return None;
    }
    let value = text.bytes().try_fold(0u64, |acc, byte| {
        let digit = byte.wrapping_sub(b'0');
        (digit <= 9).then(|| acc * 10 + u64::from(digit))
    })?;
    Some(Decimal::from(value))
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom("a decimal must be finite"));
        }
        // `{}` prints the shortest text that reads back as the same f64: the literal as written.
        parse_decimal(&v.to_string()).ok_or_else(|| E::custom(format!("{v} is out of range")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).ok_or_else(|| E::custom(format!("`{}` is not a decimal number", clip(v))))
    }
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// Reads a string without allocating (serde's `Cow<str>` always copies) and converts it.
pub(crate) fn read_str<'de, D, T>(
    d: D,
    what: &'static str,
    convert: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct StrVisitor<F>(&'static str, F);
    impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for StrVisitor<F> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            (self.1)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(StrVisitor(what, convert))
}

/// The digits of every number below a thousand, three each with leading zeros: whole
/// digits are laid out a group at a time.
static TRIPLES: [[u8; 3]; 1000] = triples();

const fn triples() -> [[u8; 3]; 1000] {
    let mut table = [[0; 3]; 1000];
    let mut n = 0;
    while n < 1000 {
        // Each below ten, so the narrowing keeps it.
        let digits = [(n / 100) as u8, (n / 10 % 10) as u8, (n % 10) as u8];
        table[n] = [b'0' + digits[0], b'0' + digits[1], b'0' + digits[2]];
        n += 1;
    }
    table
}

/// The text of a decimal as `Display` writes it normalised (`30`, `-0.05`: the fraction's
/// trailing zeros dropped, at least one digit before the point), or with a separator every
/// three whole digits (`1,250,000.5`), laid out from the right in one pass, each character
/// written once.
///
/// Output writes a decimal for nearly every number it holds (an offer alone has eight, its
/// explanation two more) and matching words the amounts of every gap it reports. `Display`
/// is costly for both: it divides
/// the 96-bit mantissa by ten for each digit through the library, pads through the
/// formatter, and a serializer's `collect_str` escapes each piece it is handed. Property
/// tests hold this text to `Display`.
pub(crate) struct DecimalText {
    /// A sign, at most 29 digits (a 96-bit mantissa) and 9 separators before the point, at
    /// most 28 digits after it; right-aligned.
    text: [u8; 68],
    start: usize,
}

impl DecimalText {
    /// The text of `value`, with `grouped` separators; a sign before a value below zero.
    pub(crate) fn of(value: Decimal, grouped: bool) -> DecimalText {
        let (digits, scale) = (value.mantissa().unsigned_abs(), value.scale());
        let mut shown = DecimalText { text: [0; 68], start: 68 };
        match u64::try_from(digits) {
            // Every amount in practice: divisions in 64 bits are multiplications, where 128
            // bits call the library.
            Ok(small) => shown.write(small, scale, grouped),
            Err(_) => shown.write(digits, scale, grouped),
        }
        if value.is_sign_negative() && !value.is_zero() {
            shown.put(b'-');
        }
        shown
    }

    /// Lays out the mantissa `rest` at `scale`: the fraction without its trailing zeros, a
    /// digit at a time, then the whole digits three at a time (one division by a thousand and
    /// one group copied from [`TRIPLES`] rather than three divisions by ten).
    fn write<T>(&mut self, mut rest: T, mut scale: u32, grouped: bool)
    where
        T: Copy + PartialOrd + From<u16> + std::ops::Rem<Output = T> + std::ops::Div<Output = T>,
        u8: TryFrom<T>,
        usize: TryFrom<T>,
    {
        let (zero, ten, hundred, thousand) = (T::from(0), T::from(10), T::from(100), T::from(1000));
        let digit = |rest: T| b'0' + u8::try_from(rest % ten).unwrap_or(0);
        while scale > 0 && rest % ten == zero {
            rest = rest / ten;
            scale -= 1;
        }
        if scale > 0 {
            for _ in 0..scale {
                self.put(digit(rest));
                rest = rest / ten;
            }
            self.put(b'.');
        }
        let triple = |n: T| usize::try_from(n).ok().and_then(|n| TRIPLES.get(n)).copied();
        while rest >= thousand {
            let [a, b, c] = triple(rest % thousand).unwrap_or_default();
            rest = rest / thousand;
            for byte in [c, b, a] {
                self.put(byte);
            }
            if grouped {
                self.put(b',');
            }
        }
        // The leading group, without its leading zeros.
        let [a, b, c] = triple(rest).unwrap_or_default();
        self.put(c);
        if rest >= ten {
            self.put(b);
        }
        if rest >= hundred {
            self.put(a);
        }
    }

    fn put(&mut self, byte: u8) {
        if let Some(at) = self.start.checked_sub(1)
            && let Some(slot) = self.text.get_mut(at)
        {
            *slot = byte;
            self.start = at;
        }
    }

    /// The text with `prefix` before it (a currency sign), laid out in the same buffer: a
    /// decimal's text takes at most 40 of its 68 bytes (a sign, a point, 29 digits and 9
    /// separators), so a short prefix always fits.
    pub(crate) fn prefixed(mut self, prefix: &str) -> DecimalText {
        prefix.bytes().rev().for_each(|b| self.put(b));
        self
    }

    /// Only ASCII and whole prefixes are written, so the bytes are always text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(self.text.get(self.start..).unwrap_or_default()).unwrap_or_default()
    }
}

/// `#[serde(with = "crate::num::decimal")]` for [`Decimal`] fields.
pub mod decimal {
    use super::*;

    /// Writes the normalised decimal as a string.
    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(DecimalText::of(*value, false).as_str())
    }

    /// Reads a decimal from a string or a number.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(DecimalVisitor)
    }
}

/// `#[serde(with = "crate::num::opt_decimal")]` for `Option<Decimal>` fields.
pub mod opt_decimal {
    use super::*;

    /// Writes the normalised decimal as a string, or `null`.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => decimal::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional decimal from a string, a number or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "decimal")] Decimal);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

/// A non-negative amount of money in yuan (or any non-negative quantity).
///
/// Validation happens once, when the value is read: inside the engine an `Amount` is never
/// negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(Decimal);

impl Amount {
    /// Zero yuan.
    pub const ZERO: Amount = Amount(Decimal::ZERO);

    /// Wraps a decimal, refusing negative values.
    pub fn new(value: Decimal) -> Option<Amount> {
        (!value.is_sign_negative() || value.is_zero()).then_some(Amount(value))
    }

    /// The amount as a decimal.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl From<u32> for Amount {
    fn from(v: u32) -> Self {
        Amount(Decimal::from(v))
    }
}

impl FromStr for Amount {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let d = parse_decimal(s).ok_or_else(|| format!("`{}` is not a decimal number", clip(s)))?;
        Amount::new(d).ok_or_else(|| format!("amount {d} must not be negative"))
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        decimal::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = decimal::deserialize(d)?;
        Amount::new(v).ok_or_else(|| de::Error::custom(format!("amount {v} must not be negative")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Serialize)]
    struct Holder {
        #[serde(with = "decimal")]
        d: Decimal,
    }

    fn read(json: &str) -> Result<Decimal, serde_json::Error> {
        serde_json::from_str::<Holder>(json).map(|h| h.d)
    }

    #[test]
    fn numbers_are_read_exactly() {
        assert_eq!(read(r#"{"d": 0.1}"#).unwrap().to_string(), "0.1");
        assert_eq!(read(r#"{"d": 12345.67}"#).unwrap().to_string(), "12345.67");
        assert_eq!(read(r#"{"d": "1e3"}"#).unwrap(), Decimal::from(1000));
        assert_eq!(read(r#"{"d": -7}"#).unwrap(), Decimal::from(-7));
    }

    #[test]
    fn junk_and_huge_numbers_are_refused() {
        assert!(read(r#"{"d": "abc"}"#).is_err());
        assert!(read(r#"{"d": 1e300}"#).is_err());
        assert!(read(&format!(r#"{{"d": "{}"}}"#, "9".repeat(400))).is_err());
        assert!(read(r#"{"d": true}"#).is_err());
    }

    #[test]
    fn output_is_normalised() {
        let h = Holder { d: Decimal::new(3000, 2) };
        assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"d":"30"}"#);
    }

    #[test]
    fn plain_whole_numbers_read_as_the_general_parser_reads_them() {
        for text in ["0", "000", "7", "0047000", "999999999999999999", "370000"] {
            let fast = plain_whole(text).unwrap();
            let general = Decimal::from_str(text).unwrap();
            assert_eq!((fast, fast.scale(), fast.to_string()), (general, 0, general.to_string()));
        }
        for not_plain in ["", "1.5", "+1", "-1", "1e3", " 1", "1_000", "9999999999999999999"] {
            assert!(plain_whole(not_plain).is_none(), "{not_plain}");
        }
    }

    /// The reading before plain whole numbers had a path of their own.
    fn parse_decimal_reference(text: &str) -> Option<Decimal> {
        let text = text.trim();
        if text.is_empty() || text.len() > 64 {
            return None;
        }
        Decimal::from_str(text).ok().or_else(|| Decimal::from_scientific(text).ok())
    }

    proptest::proptest! {
        /// Any text reads as it did before: the same value, scale and printed form, or nothing.
        #[test]
        fn parse_decimal_agrees_with_reference(
            text in "[0-9]{1,20}|[0-9+. e-]{0,20}|\\PC{0,24}",
        ) {
            let fast = parse_decimal(&text).map(|d| (d, d.scale(), d.to_string()));
            let reference =
                parse_decimal_reference(&text).map(|d| (d, d.scale(), d.to_string()));
            proptest::prop_assert_eq!(fast, reference);
        }

        /// Any decimal, of any mantissa, sign and scale, is written as `Display` writes it
        /// normalised, the way output wrote decimals before they had a path of their own.
        #[test]
        fn decimals_are_written_as_display_writes_them(
            lo: u32,
            mid: u32,
            hi: u32,
            negative: bool,
            scale in 0u32..=28,
            narrow in 0u32..4,
        ) {
            // Most amounts are small: a quarter of the mantissas are one word, a quarter
            // under a thousand, a quarter two words (laid out in 64 bits, three digits at a
            // time), the rest three.
            let (lo, mid, hi) = match narrow {
                0 => (lo, 0, 0),
                1 => (lo % 1000, 0, 0),
                2 => (lo, mid, 0),
                _ => (lo, mid, hi),
            };
            let value = Decimal::from_parts(lo, mid, hi, negative, scale);
            let text = DecimalText::of(value, false);
            proptest::prop_assert_eq!(text.as_str(), value.normalize().to_string());
            let grouped = DecimalText::of(value, true);
            proptest::prop_assert_eq!(grouped.as_str(), grouped_display(value));
        }
    }

    #[test]
    fn decimals_at_the_edges_are_written_as_display_writes_them() {
        let edges = [
            Decimal::ZERO,
            Decimal::from_parts(0, 0, 0, true, 5),
            Decimal::from_parts(0, 0, 0, false, 28),
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            Decimal::new(5, 1),
            Decimal::new(-5, 2),
            Decimal::new(123_450, 3),
            Decimal::new(3000, 2),
            Decimal::MAX,
            Decimal::MIN,
            Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 28),
            // The largest mantissa laid out in 64 bits, and the smallest beyond.
            Decimal::from_parts(u32::MAX, u32::MAX, 0, false, 0),
            Decimal::from_parts(0, 0, 1, false, 0),
            Decimal::from_parts(u32::MAX, u32::MAX, 0, true, 7),
            Decimal::new(1000, 0),
            Decimal::new(1_000_000, 0),
            Decimal::new(999_999, 0),
            Decimal::new(1_000_000_000, 2),
        ];
        for value in edges {
            let text = DecimalText::of(value, false);
            assert_eq!(text.as_str(), value.normalize().to_string(), "{value:?}");
            let grouped = DecimalText::of(value, true);
            assert_eq!(grouped.as_str(), grouped_display(value), "{value:?}");
        }
        assert_eq!(DecimalText::of(Decimal::new(1_234_567, 0), true).as_str(), "1,234,567");
        assert_eq!(DecimalText::of(Decimal::new(-10_000_005, 2), true).as_str(), "-100,000.05");
    }

    /// `Display`'s normalised text with a separator every three whole digits.
    fn grouped_display(value: Decimal) -> String {
        let text = value.normalize().to_string();
        let (sign, rest) = text.strip_prefix('-').map_or(("", text.as_str()), |r| ("-", r));
        let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
        let mut out = String::from(sign);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(digit);
        }
        if let Some(fraction) = fraction {
            out.push('.');
            out.push_str(fraction);
        }
        out
    }

    #[test]
    fn amounts_are_never_negative() {
        assert!(serde_json::from_str::<Amount>("\"-1\"").is_err());
        assert_eq!(serde_json::from_str::<Amount>("\"0\"").unwrap(), Amount::ZERO);
        assert_eq!("250000".parse::<Amount>().unwrap().to_string(), "250000");
    }
}

/// `#[serde(with = "crate::num::decimal_map")]` for `BTreeMap<String, Decimal>` fields.
pub mod decimal_map {
    use std::collections::BTreeMap;

    use super::*;

    #[derive(Deserialize, Serialize)]
    struct Wrap(#[serde(with = "decimal")] Decimal);

    /// Writes each value as a normalised decimal string.
    pub fn serialize<S: Serializer>(
        map: &BTreeMap<String, Decimal>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(k, v)| (k, Wrap(*v))))
    }

    /// Reads each value from a string or a number.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Decimal>, D::Error> {
        let raw = BTreeMap::<String, Wrap>::deserialize(d)?;
        Ok(raw.into_iter().map(|(k, w)| (k, w.0)).collect())
    }
}
