//! Exact fixed-point arithmetic for the evaluation loop.
//!
//! Model points and factors are decimals with at most [`MAX_DECIMALS`] places (checked when the
//! model is validated), so a record's points, `points × standing × amount factor × domain
//! factor`, is an exact integer at scale 10^16. Summing and comparing `i128` instead of
//! `Decimal` makes the loop several times faster without losing a digit; values turn back into
//! `Decimal` only for output.

use rust_decimal::Decimal;

/// Most decimal places a model's points and factors may have.
pub(crate) const MAX_DECIMALS: u32 = 4;
/// Largest absolute value a model's points may have.
pub(crate) const MAX_POINTS: i64 = 1_000_000;
/// Largest value a model's factor may have.
pub(crate) const MAX_FACTOR: i64 = 100;

/// Points at scale 10^16.
pub(super) type Points = i128;
/// A factor at scale 10^4.
pub(crate) type Factor = i128;

/// A factor of one.
pub(crate) const FACTOR_ONE: Factor = 10_000;
const SCALE: u32 = 16;

/// Powers of ten up to 10^28, the largest scale of a `Decimal`.
const POW10: [i128; 29] = {
    let mut table = [1i128; 29];
    let mut i = 1;
    while i < 29 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `10^n`, for `n` up to 28 (a `Decimal`'s scale), saturating beyond.
fn pow10(n: u32) -> i128 {
    POW10.get(n as usize).copied().unwrap_or(i128::MAX)
}

/// `d` scaled by `10^scale`, exact when `d` has at most `scale` decimal places (else truncated
/// toward zero, the same whether or not `d` carries trailing zeros).
fn scaled(d: Decimal, scale: u32) -> i128 {
    let mantissa = d.mantissa();
    match scale.checked_sub(d.scale()) {
        Some(up) => mantissa.saturating_mul(pow10(up)),
        None => mantissa / pow10(d.scale() - scale),
    }
}

/// Model points to fixed point.
pub(super) fn points(d: Decimal) -> Points {
    scaled(d, SCALE)
}

/// A model factor (or a standing factor) to fixed point.
pub(crate) fn factor(d: Decimal) -> Factor {
    scaled(d, MAX_DECIMALS)
}

/// Points per record at scale 10^4: multiplied by three factors (scale 4 each) they land on
/// scale 16 without a division.
pub(super) type RecordPoints = i128;

/// Model points per record to [`RecordPoints`].
pub(super) fn per_record(d: Decimal) -> RecordPoints {
    scaled(d, MAX_DECIMALS)
}

/// Points of one record: exact at scale 16.
///
/// A validated model keeps points per record below 10^10 and factors below 10^6 at these
/// scales, so the product of the factors fits 64 bits and one widening multiplication gives
/// the result; anything larger takes the saturating 128-bit path.
#[inline]
pub(super) fn record_points(per_record: RecordPoints, factors: [Factor; 3]) -> Points {
    let small = |v: i128| i64::try_from(v).ok();
    let product = factors.iter().try_fold(1i64, |acc, &f| acc.checked_mul(small(f)?));
    match (small(per_record), product) {
        (Some(points), Some(product)) => i128::from(points) * i128::from(product),
        _ => factors.iter().fold(per_record, |acc, &f| acc.saturating_mul(f)),
    }
}

/// Back to a normalised decimal for output.
///
/// Scores are mostly whole numbers below 2^64 at scale 10^16 (1,844 points); those take a 64-bit
/// path, as 128-bit division and `Decimal::normalize` cost more than the rest of an evaluation.
#[inline]
pub(super) fn to_decimal(v: Points) -> Decimal {
    const ONE: u64 = 10u64.pow(SCALE);
    let magnitude = v.unsigned_abs();
    if let Ok(m) = u64::try_from(magnitude)
        && m % ONE == 0
    {
        let whole = Decimal::from(m / ONE);
        return if v < 0 { -whole } else { whole };
    }
    fraction_to_decimal(v)
}

/// [`to_decimal`] of a value that is not a whole number below 2^64 at scale 10^16.
#[inline(never)]
fn fraction_to_decimal(v: Points) -> Decimal {
    if let Ok(m) = u64::try_from(v.unsigned_abs()) {
        // A fraction (a residual's points, a bin of half points): its trailing zeros stripped
        // in 64 bits give what `normalize` gives, without its 96-bit divisions.
        let (mut m, mut scale) = (m, SCALE);
        for (step, power) in [(8, 100_000_000), (4, 10_000), (2, 100), (1, 10)] {
            if scale >= step && m % power == 0 {
                m /= power;
                scale -= step;
            }
        }
        let (lo, mid) = (m as u32, (m >> 32) as u32);
        return Decimal::from_parts(lo, mid, 0, v < 0, scale);
    }
    Decimal::try_from_i128_with_scale(v, SCALE).map(|d| d.normalize()).unwrap_or(Decimal::MAX)
}

/// Scale at which a feature value and a model threshold (a bin's upper bound, an amount tier)
/// are compared as integers.
const VALUE_SCALE: u32 = 8;

/// `d` as an integer at scale 10^8, when that is exact (at most 8 decimal places, which every
/// amount in yuan and every whole count has). A `Decimal` mantissa is below 2^96, so the product
/// stays far inside `i128`.
#[inline]
pub(super) fn exact_value(d: Decimal) -> Option<i128> {
    let up = VALUE_SCALE.checked_sub(d.scale())?;
    Some(d.mantissa() * pow10(up))
}

/// A model threshold: compared as an integer with a value that has an exact integer form too,
/// and as a `Decimal` otherwise. Both comparisons order numbers the same way, so the choice
/// changes no result; the integer one skips `Decimal`'s rescaling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Threshold {
    decimal: Decimal,
    exact: Option<i128>,
    /// The least whole number not below the threshold (saturated to `i64`): a whole number
    /// lies below the threshold exactly when it lies below this one.
    ceiling: i64,
}

impl Threshold {
    pub(super) fn new(decimal: Decimal) -> Threshold {
        let saturated = if decimal.is_sign_negative() { i64::MIN } else { i64::MAX };
        let ceiling = i64::try_from(decimal.ceil()).unwrap_or(saturated);
        Threshold { decimal, exact: exact_value(decimal), ceiling }
    }

    /// Whether the whole number `n` lies below the threshold: `Decimal::from(n) < threshold`
    /// as one integer comparison.
    #[inline]
    pub(super) fn exceeds(&self, n: u32) -> bool {
        i64::from(n) < self.ceiling
    }

    /// How `value` (with `exact`, its [`exact_value`]) compares with the threshold.
    #[inline]
    pub(super) fn compare(&self, value: Decimal, exact: Option<i128>) -> std::cmp::Ordering {
        match (exact, self.exact) {
            (Some(v), Some(t)) => v.cmp(&t),
            _ => value.cmp(&self.decimal),
        }
    }
}

/// Whether a model value fits the fixed-point representation.
pub(crate) fn fits(d: Decimal, max: i64) -> bool {
    d.normalize().scale() <= MAX_DECIMALS && d.abs() <= Decimal::from(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn round_trips_and_products_are_exact() {
        for s in [
            "0",
            "30",
            "-30",
            "0.5",
            "862.5",
            "1234.5678",
            "-0.0001",
            "1844",
            "-1844",
            "1845",
            "999999",
        ] {
            assert_eq!(to_decimal(points(dec(s))), dec(s).normalize(), "{s}");
        }
        let p = record_points(
            per_record(dec("30")),
            [factor(dec("0.5")), factor(dec("1.2")), factor(dec("1.5"))],
        );
        assert_eq!(to_decimal(p), dec("27"));
        let p = record_points(per_record(dec("0.3333")), [factor(dec("0.3333")); 3]);
        assert_eq!(to_decimal(p), dec("0.3333") * dec("0.3333") * dec("0.3333") * dec("0.3333"));
    }

    #[test]
    fn record_points_agree_with_the_saturating_product() {
        let slow = |p: i128, f: [i128; 3]| f.iter().fold(p, |acc, &x| acc.saturating_mul(x));
        let values =
            [0, 1, -1, FACTOR_ONE, 5_000, 10i128.pow(10), -(10i128.pow(10)), 10i128.pow(6)];
        let huge = [i128::MAX / 3, i128::MIN / 5, 10i128.pow(20), i128::from(i64::MAX) + 1];
        for &p in values.iter().chain(&huge) {
            for &a in values.iter().chain(&huge) {
                for &b in &values {
                    let f = [a, b, FACTOR_ONE];
                    assert_eq!(record_points(p, f), slow(p, f), "{p} × {f:?}");
                }
            }
        }
    }

    #[test]
    fn scaling_ignores_trailing_zeros() {
        for s in ["1", "1.0000", "0.5", "0.50000000", "1.23456", "1.2345600", "-3.00", "100"] {
            let d = dec(s);
            assert_eq!(factor(d), factor(d.normalize()), "{s}");
            assert_eq!(points(d), points(d.normalize()), "{s}");
        }
        assert_eq!(factor(Decimal::ONE), FACTOR_ONE);
    }

    #[test]
    fn fractions_come_back_as_normalize_gives_them() {
        let one = 10i128.pow(SCALE);
        let mut values = vec![1, -1, one / 2, -one / 2, one / 3, 5 * one + 1, 1844 * one - 7];
        for zeros in 0..16 {
            values.push(7 * 10i128.pow(zeros));
            values.push(-(123 * 10i128.pow(zeros) + one));
        }
        values.extend([i128::from(u64::MAX), -i128::from(u64::MAX), i128::from(u64::MAX) + 1]);
        for v in values {
            let expected = Decimal::try_from_i128_with_scale(v, SCALE).unwrap().normalize();
            let got = to_decimal(v);
            assert_eq!(got, expected, "{v}");
            assert_eq!((got.mantissa(), got.scale()), (expected.mantissa(), expected.scale()));
            assert_eq!(got.to_string(), expected.to_string(), "{v}");
        }
    }

    #[test]
    fn thresholds_compare_as_decimals_do() {
        let samples = [
            "0",
            "1",
            "-1",
            "0.5",
            "0.50",
            "2.0000000",
            "3",
            "99999.99",
            "100000",
            "100000.00000001",
            "1e-9",
            "0.000000001",
            "0.00000001",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "7922816251426433759354.3950335",
            "12.345678901",
        ];
        let samples: Vec<Decimal> = samples
            .iter()
            .map(|s| s.parse().or_else(|_| Decimal::from_scientific(s)).unwrap())
            .collect();
        for &t in &samples {
            let threshold = Threshold::new(t);
            for &v in &samples {
                assert_eq!(threshold.compare(v, exact_value(v)), v.cmp(&t), "{v} against {t}");
            }
            for n in [0, 1, 2, 3, 12, 99_999, 100_000, 100_001, u32::MAX] {
                assert_eq!(threshold.exceeds(n), Decimal::from(n) < t, "{n} against {t}");
            }
        }
    }

    /// Any decimal, from a mantissa of up to 96 bits and a scale of 0 to 28.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (any::<i64>(), any::<u32>(), any::<bool>(), 0u32..=28, 0usize..3).prop_map(
            |(low, high, negative, scale, shape)| {
                let lo = low as u32;
                let mid = (low >> 32) as u32;
                match shape {
                    // Small whole numbers and amounts in cents, the common case.
                    0 => Decimal::new(low % 1_000_000_000, scale.min(2)),
                    1 => Decimal::new(low, scale),
                    _ => Decimal::from_parts(lo, mid, high, negative, scale),
                }
            },
        )
    }

    proptest::proptest! {
        #[test]
        fn integer_and_decimal_comparisons_agree(t in any_decimal(), v in any_decimal()) {
            proptest::prop_assert_eq!(Threshold::new(t).compare(v, exact_value(v)), v.cmp(&t));
        }

        #[test]
        fn whole_numbers_compare_as_decimals_do(
            t in any_decimal(),
            (mantissa, scale) in (-30_000i64..30_000, 0u32..4),
            n in proptest::prelude::any::<u32>(),
            small in 0u32..300,
        ) {
            // Bounds near the counts a firm has (years, months, staff), and bounds of any size.
            for t in [t, Decimal::new(mantissa, scale)] {
                let threshold = Threshold::new(t);
                for n in [n, small] {
                    proptest::prop_assert_eq!(threshold.exceeds(n), Decimal::from(n) < t, "{} against {}", n, t);
                }
            }
        }

        /// Whole numbers of any sign and size come back bit for bit as `normalize` gives them
        /// (sign, mantissa and scale), as the 64-bit path's `Decimal::from` then negation did.
        #[test]
        fn whole_numbers_agree_with_normalize(
            n in -2_000i64..2_000,
            big in -7_000_000_000_000i64..7_000_000_000_000,
        ) {
            // Up to the largest whole numbers a `Decimal` holds at this scale.
            for n in [n, big] {
                let v = i128::from(n) * 10i128.pow(SCALE);
                let expected = Decimal::try_from_i128_with_scale(v, SCALE).unwrap().normalize();
                proptest::prop_assert_eq!(to_decimal(v).serialize(), expected.serialize(), "{}", n);
            }
        }

        #[test]
        fn fractions_agree_with_normalize(a in proptest::prelude::any::<i32>(), zeros in 0u32..20) {
            let v = i128::from(a) * 10i128.pow(zeros);
            let expected = Decimal::try_from_i128_with_scale(v, SCALE).unwrap().normalize();
            let got = to_decimal(v);
            proptest::prop_assert_eq!((got.mantissa(), got.scale()), (expected.mantissa(), expected.scale()));
        }
    }

    #[test]
    fn fits_checks_places_and_size() {
        assert!(fits(dec("1.2500"), MAX_FACTOR));
        assert!(!fits(dec("1.23456"), MAX_FACTOR));
        assert!(!fits(dec("101"), MAX_FACTOR));
    }
}
