//! The input data model: an [`Enterprise`] with its identity, ratings, financial signals and
//! public credit [`Record`]s.
//!
//! Read enterprises with [`Enterprise::from_json`]: it validates everything once (USCC, amounts,
//! dates, record kinds and the fields each kind allows) and returns typed errors that name the
//! offending JSON path, e.g. `records[3].repaired_on`. The JSON format is documented in
//! `docs/records.md`.

mod kinds;
mod wire;

pub(crate) use wire::{from_json_text, syntax_error};

use std::collections::BTreeMap;

use chrono::Datelike;
use serde::{Deserialize, Serialize};

pub(crate) use kinds::vocabulary;
pub use kinds::{
    Arrears, ArrearsKind, Commitment, CommitmentStatus, Domain, Honour, HonourKind, ListKind,
    Listing, Measure, Penalty, Record, RecordClass, RecordDetail, Severity,
};
pub use wire::MAX_JSON_DEPTH;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::num::Amount;
use crate::uscc::Uscc;

vocabulary! {
    /// Registration status (登记状态).
    Status {
        /// 存续 / 在业.
        Operating = "operating",
        /// 停业.
        Suspended = "suspended",
        /// 清算.
        Liquidating = "liquidating",
        /// 吊销.
        Revoked = "revoked",
        /// 注销.
        Cancelled = "cancelled",
        /// 迁出.
        MovedOut = "moved_out",
    }
}

#[allow(clippy::derivable_impls)] // the vocabulary macro declares the enum
impl Default for Status {
    /// Operating, the state of nearly every enterprise a platform evaluates.
    fn default() -> Self {
        Status::Operating
    }
}

vocabulary! {
    /// Enterprise size class (大中小微企业划型).
    Size {
        /// 微型.
        Micro = "micro",
        /// 小型.
        Small = "small",
        /// 中型.
        Medium = "medium",
        /// 大型.
        Large = "large",
    }
}

vocabulary! {
    /// Tax credit grade (纳税信用等级), published each April for the previous year.
    TaxGrade {
        /// 90 points and above.
        A = "A",
        /// 70 to 89.
        B = "B",
        /// New firms, or no revenue and 70 or above.
        M = "M",
        /// 40 to 69.
        C = "C",
        /// Below 40, or judged directly.
        D = "D",
    }
}

vocabulary! {
    /// Customs credit class.
    CustomsClass {
        /// 高级认证企业 (AEO).
        AdvancedCertified = "advanced_certified",
        /// 一般信用企业.
        Ordinary = "ordinary",
        /// 失信企业.
        Dishonest = "dishonest",
    }
}

vocabulary! {
    /// SAMR enterprise credit-risk class.
    SamrRiskClass {
        /// Low risk.
        A = "A",
        /// Ordinary risk.
        B = "B",
        /// Elevated risk.
        C = "C",
        /// High risk.
        D = "D",
    }
}

/// Ratings other authorities have given the enterprise.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratings {
    /// Tax credit grade by assessment year (`{"2025": "A"}`).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "tax_grade_years"
    )]
    pub tax_grades: BTreeMap<u16, TaxGrade>,
    /// Customs credit class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customs: Option<CustomsClass>,
    /// SAMR credit-risk class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samr_risk: Option<SamrRiskClass>,
}

/// Reads `{"2025": "A", ...}`: four-digit years from 1980 to 2199, each at most once.
fn tax_grade_years<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<u16, TaxGrade>, D::Error> {
    struct Years;
    impl<'de> serde::de::Visitor<'de> for Years {
        type Value = BTreeMap<u16, TaxGrade>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object of tax grades by four-digit year")
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            use serde::de::Error as _;
            let mut grades = BTreeMap::new();
            while let Some(year) = map.next_key_seed(YearKey)? {
                let year = year.map_err(A::Error::custom)?;
                let grade = map.next_value::<TaxGrade>()?;
                if grades.insert(year, grade).is_some() {
                    return Err(A::Error::custom(format!("year {year} is given twice")));
                }
            }
            Ok(grades)
        }
    }
    d.deserialize_map(Years)
}

/// Reads a tax grade's year from its key in place (serde's `Cow<str>` copies every key into a
/// `String`). A key that is no year is handed back as its message, for the map to report as
/// its own error, where it always has been; a key that is no string meets the words of serde's
/// own `String`.
struct YearKey;

impl<'de> serde::de::DeserializeSeed<'de> for YearKey {
    type Value = std::result::Result<u16, String>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        crate::num::read_str(d, "a string", |key| Ok(tax_grade_year(key)))
    }
}

/// A four-digit year from 1980 to 2199, or why `key` is not one.
fn tax_grade_year(key: &str) -> std::result::Result<u16, String> {
    key.parse::<u16>().ok().filter(|y| key.len() == 4 && (1980..2200).contains(y)).ok_or_else(
        || {
            let shown: String = key.chars().take(20).collect();
            format!("`{shown}` is not a year from 1980 to 2199")
        },
    )
}

impl Ratings {
    /// The most recent tax grade and its year.
    pub fn latest_tax_grade(&self) -> Option<(u16, TaxGrade)> {
        self.tax_grades.iter().next_back().map(|(&y, &g)| (y, g))
    }

    /// The grade in force on `as_of` and its year: the latest grade, when it assesses one of
    /// the [`TAX_GRADE_YEARS_IN_FORCE`] years before `as_of`'s year. An older latest grade is
    /// not the firm's standing any more (at least one later assessment is missing from the
    /// record), so it reads as no grade at all.
    pub fn tax_grade_on(&self, as_of: Date) -> Option<(u16, TaxGrade)> {
        let years = as_of.year() - TAX_GRADE_YEARS_IN_FORCE..as_of.year();
        self.latest_tax_grade().filter(|&(year, _)| years.contains(&i32::from(year)))
    }

    /// How many consecutive years, counting back from the grade in force on `as_of`
    /// ([`tax_grade_on`](Self::tax_grade_on)), the tax grade was A: 0 when no grade is in
    /// force.
    pub fn consecutive_a_years(&self, as_of: Date) -> u32 {
        if self.tax_grade_on(as_of).is_none() {
            return 0;
        }
        let mut count = 0;
        let mut expected_year = None;
        for (&year, &grade) in self.tax_grades.iter().rev() {
            if grade != TaxGrade::A || expected_year.is_some_and(|y| y != year) {
                break;
            }
            count += 1;
            expected_year = year.checked_sub(1);
        }
        count
    }
}

/// How many assessment years before the day of evaluation a tax grade stays in force. The
/// grade of year Y is published each April of Y + 1 and holds until the next one, so from
/// January to the publication the grade in force assesses the year before last, and after it
/// the last year: two years cover both, and a publication running late.
pub const TAX_GRADE_YEARS_IN_FORCE: i32 = 2;

/// Financial signals the financing platforms collect (tax, revenue, social insurance, loans).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finance {
    /// Tax paid in the last 12 months, yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_paid_12m: Option<Amount>,
    /// Invoiced revenue in the last 12 months, yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revenue_12m: Option<Amount>,
    /// Date of the most recent tax payment.
    #[serde(default, with = "crate::date::opt_iso", skip_serializing_if = "Option::is_none")]
    pub last_tax_payment_on: Option<Date>,
    /// Staff covered by social insurance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_insurance_headcount: Option<u32>,
    /// Months of the last 12 in which social insurance was paid (0-12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub social_insurance_months_paid_12m: Option<u8>,
    /// Outstanding business loans, yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing_loans: Option<Amount>,
}

/// An industry code of GB/T 4754: a section letter A-T optionally followed by the two-digit
/// division, three-digit group or four-digit class (`C`, `C39`, `C391`, `C3911`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Industry(String);

impl Industry {
    /// Validates the code's shape.
    pub fn parse(code: &str) -> Option<Industry> {
        let b = code.as_bytes();
        let ok = matches!(b.first(), Some(b'A'..=b'T'))
            && matches!(b.len(), 1 | 3 | 4 | 5)
            && b[1..].iter().all(u8::is_ascii_digit);
        ok.then(|| Industry(code.to_owned()))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The section letter (`C` for manufacturing).
    pub fn section(&self) -> char {
        self.0.chars().next().unwrap_or('?')
    }
}

impl<'de> Deserialize<'de> for Industry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        crate::num::read_str(d, "a GB/T 4754 industry code", |text| {
            Industry::parse(text).ok_or_else(|| {
                format!(
                    "`{}` is not a GB/T 4754 code (a letter A-T and 0, 2, 3 or 4 digits)",
                    text.chars().take(20).collect::<String>()
                )
            })
        })
    }
}

/// An enterprise and everything the engine knows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enterprise {
    /// Unified Social Credit Code.
    pub uscc: Uscc,
    /// Registered name.
    pub name: String,
    /// Date of establishment (成立日期).
    pub established_on: Date,
    /// Registration status.
    pub status: Status,
    /// Registered capital in yuan.
    pub registered_capital: Option<Amount>,
    /// Industry (GB/T 4754).
    pub industry: Option<Industry>,
    /// Administrative division (GB/T 2260, six digits) where it operates; defaults to the
    /// division in its USCC.
    pub region: Option<String>,
    /// Size class.
    pub size: Option<Size>,
    /// Ratings by other authorities.
    pub ratings: Ratings,
    /// Financial signals.
    pub finance: Finance,
    /// Public credit records.
    pub records: Vec<Record>,
    /// Further features by name (e.g. the inputs of a scorecard indicator), each kept as the
    /// text of the value given: a JSON number by its shortest exact text, a string as written.
    /// Names of the built-in features (`age_years`, `tax_grade`, ...) are refused, since those
    /// are computed from the record. Empty for most enterprises.
    pub features: BTreeMap<String, String>,
}

impl Enterprise {
    /// Reads and validates one enterprise from JSON text.
    ///
    /// Errors: [`Error::MalformedJson`] for syntax, [`Error::InvalidField`] (with the JSON path)
    /// for wrong types, unknown fields and out-of-domain values, [`Error::InvalidUscc`],
    /// [`Error::UnknownRecordKind`] and [`Error::InconsistentDates`].
    pub fn from_json(text: &str) -> Result<Enterprise> {
        wire::parse(text)
    }

    /// Writes the enterprise as compact JSON in the documented format.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The administrative division: the explicit `region`, else the one in the USCC.
    pub fn region_code(&self) -> &str {
        self.region.as_deref().unwrap_or_else(|| self.uscc.region())
    }

    /// Checks that no date lies after `as_of` (the establishment date and every record date
    /// except forward-looking ones: disclosure ends and honour expiry).
    pub fn check_dates(&self, as_of: Date) -> Result<()> {
        self.check_own_dates(as_of)?;
        for (i, record) in self.records.iter().enumerate() {
            crate::evaluate::work::step(1);
            record.check_dates(i, as_of)?;
        }
        Ok(())
    }

    /// The part of [`check_dates`](Self::check_dates) before the records: the evaluation
    /// checks each record as its tally reaches it, saving a second pass over them.
    pub(crate) fn check_own_dates(&self, as_of: Date) -> Result<()> {
        let future = |path: String, date: Date| future_date(path, date, as_of);
        if self.established_on > as_of {
            return Err(future("established_on".into(), self.established_on));
        }
        if let Some(date) = self.finance.last_tax_payment_on.filter(|&d| d > as_of) {
            return Err(future("finance.last_tax_payment_on".into(), date));
        }
        // The grade for year Y is assessed after Y ends (published each April of Y + 1).
        if let Some((year, _)) = self.ratings.latest_tax_grade()
            && i32::from(year) >= as_of.year()
        {
            // The first day such a grade could exist: after its year has ended.
            return Err(Error::FutureDate {
                path: format!("ratings.tax_grades.{year}"),
                date: format!("{}-01-01", i32::from(year) + 1),
                as_of: as_of.to_string(),
            });
        }
        Ok(())
    }
}

impl Record {
    /// Checks that no date of the record, the `index`-th of its enterprise, lies after
    /// `as_of` (as [`Enterprise::check_dates`] does for each record).
    #[inline]
    pub(crate) fn check_dates(&self, index: usize, as_of: Date) -> Result<()> {
        if self.latest_date() > as_of {
            return self.future_date(index, as_of);
        }
        Ok(())
    }

    /// The error naming the record's first date after `as_of`; kept out of the loops that
    /// check every record, as it is rarely met.
    #[cold]
    #[inline(never)]
    fn future_date(&self, index: usize, as_of: Date) -> Result<()> {
        match self.dates().find(|&(_, d)| d > as_of) {
            Some((field, date)) => {
                Err(future_date(format!("records[{index}].{field}"), date, as_of))
            }
            None => Ok(()),
        }
    }
}

/// A date after the day of evaluation, at `path`.
fn future_date(path: String, date: Date, as_of: Date) -> Error {
    Error::FutureDate { path, date: date.to_string(), as_of: as_of.to_string() }
}

impl Serialize for Enterprise {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        wire::EnterpriseOut::from(self).serialize(s)
    }
}

/// Deserialising through serde accepts the same JSON as [`Enterprise::from_json`], but reports
/// errors as serde messages; prefer `from_json` for typed errors.
impl<'de> Deserialize<'de> for Enterprise {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = wire::EnterpriseWire::deserialize(wire::ObjectOnly(d))?;
        raw.into_enterprise().map_err(serde::de::Error::custom)
    }
}

impl Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        wire::RecordWire::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = wire::RecordWire::deserialize(wire::ObjectOnly(d))?;
        raw.into_record(wire::RecordPath::Alone).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_grades(grades: &str) -> Result<Enterprise> {
        Enterprise::from_json(&format!(
            r#"{{"uscc": "91350900587527783P", "name": "t", "established_on": "2010-01-01",
                "ratings": {{"tax_grades": {grades}}}}}"#
        ))
    }

    #[test]
    fn tax_grade_years_are_four_digit_years_given_once() {
        assert!(with_grades(r#"{"2024": "A", "2025": "B"}"#).is_ok());
        for bad in [
            r#"{"0": "A"}"#,
            r#"{"abc": "A"}"#,
            r#"{"20x5": "A"}"#,
            r#"{"2025": "A", "2025": "B"}"#,
        ] {
            let err = with_grades(bad).unwrap_err();
            assert_eq!(
                (err.kind(), err.path()),
                ("invalid_field", Some("ratings.tax_grades")),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_grade_for_an_unfinished_year_is_a_future_date() {
        let firm = with_grades(r#"{"2025": "A"}"#).unwrap();
        let as_of = crate::date::parse_date("2025-12-31").unwrap();
        let err = firm.check_dates(as_of).unwrap_err();
        assert_eq!(err.path(), Some("ratings.tax_grades.2025"));
        assert!(err.to_string().contains("date 2026-01-01"), "{err}");
        assert!(firm.check_dates(crate::date::parse_date("2026-01-01").unwrap()).is_ok());
    }

    #[test]
    fn a_grade_is_in_force_for_two_assessment_years() {
        let day = |d: &str| crate::date::parse_date(d).unwrap();
        let firm = with_grades(r#"{"2021": "A", "2022": "A", "2023": "A"}"#).unwrap();
        let ratings = &firm.ratings;
        // The 2023 grade is the latest there can be from 2024-01-01 (published in April), and
        // stays in force through 2025 should the 2024 one be missing; not in 2026. A grade for
        // the year of evaluation (which the date check refuses) is never in force.
        for (as_of, in_force) in [
            ("2024-01-01", true),
            ("2025-06-30", true),
            ("2025-12-31", true),
            ("2026-01-01", false),
            ("2030-06-30", false),
        ] {
            let expected = in_force.then_some((2023, TaxGrade::A));
            assert_eq!(ratings.tax_grade_on(day(as_of)), expected, "{as_of}");
            assert_eq!(ratings.consecutive_a_years(day(as_of)), if in_force { 3 } else { 0 });
        }
        assert_eq!(ratings.latest_tax_grade(), Some((2023, TaxGrade::A)));
        assert_eq!(ratings.tax_grade_on(day("2023-12-31")), None);
        let broken = with_grades(r#"{"2022": "A", "2024": "A", "2025": "B"}"#).unwrap();
        assert_eq!(broken.ratings.consecutive_a_years(day("2026-06-30")), 0);
        let gap = with_grades(r#"{"2022": "A", "2024": "A", "2025": "A"}"#).unwrap();
        assert_eq!(gap.ratings.consecutive_a_years(day("2026-06-30")), 2);
    }
}
