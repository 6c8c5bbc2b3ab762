//! Civil dates: fast `YYYY-MM-DD` reading and month arithmetic for disclosure periods.

use chrono::{Datelike, Months, NaiveDate};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// A calendar date without time zone; re-exported from chrono.
pub type Date = NaiveDate;

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day, a real calendar day).
pub fn parse_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?
            .iter()
            .try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, num(5..7)?, num(8..10)?)
}

/// Adds whole calendar months, clamping to the month's last day (2024-02-29 + 12 months =
/// 2025-02-28). Saturates at chrono's maximum date rather than failing.
pub fn add_months(date: Date, months: u32) -> Date {
    date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// Whole years completed between `from` and `to` (0 when `to` is before `from`).
pub fn whole_years(from: Date, to: Date) -> u32 {
    to.years_since(from).unwrap_or(0)
}

/// Whole months completed between `from` and `to` (0 when `to` is before `from`).
pub fn whole_months(from: Date, to: Date) -> u32 {
    if to < from {
        return 0;
    }
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    let months = if to.day() < from.day() { months - 1 } else { months };
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
    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&d.format("%Y-%m-%d"))
    }

    /// Reads `YYYY-MM-DD` strictly.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        d.deserialize_str(DateVisitor)
    }
}

/// `#[serde(with = "crate::date::opt_iso")]` for `Option<Date>` fields.
pub mod opt_iso {
    use serde::Deserialize;

    use super::*;

    /// Writes `YYYY-MM-DD` or `null`.
    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => iso::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD` or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "iso")] Date);
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
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

    #[test]
    fn month_arithmetic_clamps() {
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(add_months(d("2025-01-31"), 1), d("2025-02-28"));
        assert_eq!(whole_months(d("2025-01-31"), d("2025-02-28")), 0);
        assert_eq!(whole_months(d("2025-01-15"), d("2025-03-15")), 2);
        assert_eq!(whole_years(d("2020-06-30"), d("2026-06-29")), 5);
        assert_eq!(whole_years(d("2020-06-30"), d("2026-06-30")), 6);
        assert_eq!(whole_years(d("2026-06-30"), d("2020-06-30")), 0);
    }
}
