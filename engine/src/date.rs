//! Civil dates: fast `YYYY-MM-DD` reading and month arithmetic for disclosure periods.

use chrono::{Datelike, Months, NaiveDate};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// A calendar date without time zone; re-exported from chrono.
pub type Date = NaiveDate;

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day, a real calendar day).
pub fn parse_date(text: &str) -> Option<Date> {
    let b: &[u8; 10] = text.as_bytes().try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // Every other byte a digit, each digit's value taken once: the whole check is one pass
    // over a fixed-size array, with no bounds to test.
    let mut digits = [0u8; 10];
    for (value, &byte) in digits.iter_mut().zip(b) {
        *value = byte.wrapping_sub(b'0');
    }
    let mut at_dashes = digits;
    at_dashes[4] = 0;
    at_dashes[7] = 0;
    if at_dashes.iter().any(|&d| d > 9) {
        return None;
    }
    let d = |i: usize| i32::from(digits[i]);
    let year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
    let month = digits[5] * 10 + digits[6];
    let day = digits[8] * 10 + digits[9];
    NaiveDate::from_ymd_opt(year, u32::from(month), u32::from(day))
}

/// Adds whole calendar months, clamping to the month's last day (2024-02-29 + 12 months =
/// 2025-02-28). Saturates at chrono's maximum date rather than failing.
pub fn add_months(date: Date, months: u32) -> Date {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// Whole years completed between `from` and `to` (0 when `to` is before `from`): whole
/// months divided by twelve, so that a firm founded on 29 February is a year old on 28 February
/// of the next year, the day a twelve-month disclosure period from that date is over.
pub fn whole_years(from: Date, to: Date) -> u32 {
    whole_months(from, to) / 12
}

/// Whole months completed between `from` and `to` (0 when `to` is before `from`): the largest
/// `n` with [`add_months`]`(from, n) <= to`.
///
/// A month is complete on the same day of the month, or on the last day of a month that has no
/// such day (2025-01-31 to 2025-02-28 is one month; the civil code's rule for periods, and the
/// clamp of [`add_months`]), so ages and months since a payment count as disclosure periods do.
pub fn whole_months(from: Date, to: Date) -> u32 {
    if to < from {
        return 0;
    }
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    // Short of the month's day, and not the last day of the month, which stands for the
    // missing days: the current month is not complete yet. No month ends before the 28th, so
    // most days are told without the calendar.
    let last_day = || to.day() >= 28 && to.succ_opt().is_none_or(|next| next.day() == 1);
    let short = to.day() < from.day() && !last_day();
    let months = if short { months - 1 } else { months };
    u32::try_from(months).unwrap_or(0)
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a date as YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Date, E> {
        parse_date(v).ok_or_else(|| {
            let shown: String = v.chars().take(40).collect();
            E::custom(format!("`{shown}` is not a calendar date in the form YYYY-MM-DD"))
        })
    }
}

/// `#[serde(with = "crate::date::iso")]` for [`Date`] fields.
pub mod iso {
    use super::*;

    /// Writes `YYYY-MM-DD`.
    ///
    /// Through the date's `Display`, which is that very format: `format("%Y-%m-%d")` would
    /// read the pattern again for every date written.
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Reads `YYYY-MM-DD` strictly.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        d.deserialize_str(DateVisitor)
    }
}

/// `#[serde(with = "crate::date::opt_iso")]` for `Option<Date>` fields.
pub mod opt_iso {
    use super::*;

    /// Writes `YYYY-MM-DD` or `null`.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => iso::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD` or `null`.
    ///
    /// One visitor straight over the option rather than serde's `Option` of a newtype: the same
    /// reading and the same errors (`null` is the only non-date the option takes, and anything
    /// else meets [`DateVisitor`]), without the layers between.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        struct OptDate;
        impl<'de> Visitor<'de> for OptDate {
            type Value = Option<Date>;

            // The words of serde's own `Option`, which this replaces.
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("option")
            }

            fn visit_none<E: de::Error>(self) -> Result<Option<Date>, E> {
                Ok(None)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Option<Date>, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Date>, D::Error> {
                d.deserialize_str(DateVisitor).map(Some)
            }
        }
        d.deserialize_option(OptDate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    /// Every date is written as the `%Y-%m-%d` pattern writes it, the way output wrote dates
    /// before: across the whole calendar, signed years beyond 9999 and before 0 included.
    #[test]
    fn dates_are_written_as_the_iso_pattern_writes_them() {
        let (first, last) = (NaiveDate::MIN.num_days_from_ce(), NaiveDate::MAX.num_days_from_ce());
        let every = (first..=last).step_by(997).chain([first, last, 0, 1, 719_163, 3_652_059]);
        for day in every {
            let Some(date) = NaiveDate::from_num_days_from_ce_opt(day) else { continue };
            #[derive(serde::Serialize)]
            struct Holder(#[serde(with = "iso")] Date);
            let written = serde_json::to_string(&Holder(date)).unwrap();
            assert_eq!(written, format!("\"{}\"", date.format("%Y-%m-%d")), "{day}");
        }
    }

    #[test]
    fn parses_strictly() {
        assert_eq!(d("2026-02-28").day(), 28);
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "26-02-28",
            "2026/02/28",
            "2026-13-01",
            "",
            "２０２６-01-01",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }

    /// The earlier reading, digit by digit through iterators: the reference for the fast one.
    fn parse_date_reference(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<u32> {
            b.get(range)?.iter().try_fold(0u32, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
            })
        };
        let year = i32::try_from(num(0..4)?).ok()?;
        NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
    }

    proptest::proptest! {
        /// Dates, near-dates and noise all read as the reference reads them.
        #[test]
        fn parse_date_agrees_with_reference(
            text in "[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9/:-]{8,11}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|.{0,12}",
        ) {
            proptest::prop_assert_eq!(parse_date(&text), parse_date_reference(&text));
        }
    }

    #[test]
    fn month_arithmetic_clamps() {
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-02-28"));
        // The last day of a month completes a month that began on a day it does not have.
        assert_eq!(whole_months(d("2025-01-31"), d("2025-02-27")), 0);
        assert_eq!(whole_months(d("2025-01-31"), d("2025-02-28")), 1);
        assert_eq!(whole_months(d("2025-01-30"), d("2025-02-28")), 1);
        assert_eq!(whole_months(d("2025-03-31"), d("2025-04-30")), 1);
        assert_eq!(whole_months(d("2025-01-15"), d("2025-03-14")), 1);
        assert_eq!(whole_months(d("2025-01-15"), d("2025-03-15")), 2);
        assert_eq!(whole_years(d("2024-02-29"), d("2025-02-27")), 0);
        assert_eq!(whole_years(d("2024-02-29"), d("2025-02-28")), 1);
        assert_eq!(whole_years(d("2020-06-30"), d("2026-06-29")), 5);
        assert_eq!(whole_years(d("2020-06-30"), d("2026-06-30")), 6);
        assert_eq!(whole_years(d("2026-06-30"), d("2020-06-30")), 0);
    }

    /// Whole months are what `add_months` says they are, for every start date of four years
    /// (a leap year among them) and every end date up to 400 days later or a few days before:
    /// an age and a disclosure period of the same length end on the same day.
    #[test]
    fn whole_months_agree_with_add_months() {
        let first = d("2023-01-01");
        for start in 0..(4 * 366) {
            let from = first + chrono::Days::new(start);
            for offset in -3i64..400 {
                let to = from + chrono::TimeDelta::days(offset);
                let expected = (0..=14).rev().find(|&n| add_months(from, n) <= to).unwrap_or(0);
                assert_eq!(whole_months(from, to), expected, "{from} to {to}");
                assert_eq!(whole_years(from, to), expected / 12, "{from} to {to}");
            }
            // Years, near each anniversary up to five years on.
            for offset in (1..=5).flat_map(|y| (365 * y - 3)..=(365 * y + 4)) {
                let to = from + chrono::TimeDelta::days(offset);
                let years = (0..=6).rev().find(|&n| add_months(from, 12 * n) <= to).unwrap_or(0);
                assert_eq!(whole_years(from, to), years, "{from} to {to}");
                assert_eq!(whole_months(from, to) / 12, years, "{from} to {to}");
            }
        }
    }
}
