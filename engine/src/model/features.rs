//! The enterprise features a model's `bins` and `category` indicators can read.

use rust_decimal::Decimal;

use crate::date::{Date, whole_months, whole_years};
use crate::record::{CustomsClass, Enterprise, SamrRiskClass, Size, Status, TaxGrade};

/// A numeric feature of an enterprise on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericFeature {
    /// Whole years since establishment.
    AgeYears,
    /// Registered capital, yuan.
    RegisteredCapital,
    /// Tax paid in the last 12 months, yuan.
    TaxPaid12m,
    /// Revenue in the last 12 months, yuan.
    Revenue12m,
    /// Staff covered by social insurance.
    SocialInsuranceHeadcount,
    /// Months of the last 12 with social insurance paid.
    SocialInsuranceMonthsPaid12m,
    /// Consecutive years of tax grade A up to the latest.
    ConsecutiveATaxYears,
    /// Whole months since the last tax payment.
    MonthsSinceLastTaxPayment,
    /// Outstanding business loans, yuan.
    ExistingLoans,
}

/// A categorical feature of an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CategoryFeature {
    /// Registration status.
    Status,
    /// Size class.
    Size,
    /// Latest tax credit grade.
    TaxGrade,
    /// Customs credit class.
    CustomsClass,
    /// SAMR credit-risk class.
    SamrRiskClass,
    /// GB/T 4754 section letter.
    IndustrySection,
}

const NUMERIC: [(&str, NumericFeature); 9] = [
    ("age_years", NumericFeature::AgeYears),
    ("registered_capital", NumericFeature::RegisteredCapital),
    ("tax_paid_12m", NumericFeature::TaxPaid12m),
    ("revenue_12m", NumericFeature::Revenue12m),
    ("social_insurance_headcount", NumericFeature::SocialInsuranceHeadcount),
    ("social_insurance_months_paid_12m", NumericFeature::SocialInsuranceMonthsPaid12m),
    ("consecutive_a_tax_years", NumericFeature::ConsecutiveATaxYears),
    ("months_since_last_tax_payment", NumericFeature::MonthsSinceLastTaxPayment),
    ("existing_loans", NumericFeature::ExistingLoans),
];

const CATEGORY: [(&str, CategoryFeature); 6] = [
    ("status", CategoryFeature::Status),
    ("size", CategoryFeature::Size),
    ("tax_grade", CategoryFeature::TaxGrade),
    ("customs_class", CategoryFeature::CustomsClass),
    ("samr_risk_class", CategoryFeature::SamrRiskClass),
    ("industry_section", CategoryFeature::IndustrySection),
];

const SECTIONS: [&str; 20] = [
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S",
    "T",
];

/// Whether `name` is a built-in feature (numeric or categorical), computed from the record.
pub fn is_builtin(name: &str) -> bool {
    NumericFeature::from_name(name).is_some() || CategoryFeature::from_name(name).is_some()
}

impl NumericFeature {
    /// Looks a feature up by its model name.
    pub fn from_name(name: &str) -> Option<Self> {
        NUMERIC.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// Every numeric feature name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        NUMERIC.iter().map(|(n, _)| *n)
    }

    /// The feature's value, `None` when the enterprise does not report it.
    pub fn value(self, e: &Enterprise, as_of: Date) -> Option<Decimal> {
        self.read(e, as_of).map(Decimal::from)
    }

    /// [`value`](Self::value) as the enterprise keeps it: counts of years, months and staff
    /// stay whole numbers, so a bin bound can be compared with them without building a
    /// `Decimal` first.
    pub(crate) fn read(self, e: &Enterprise, as_of: Date) -> Option<FeatureValue> {
        let amount = |a: Option<crate::num::Amount>| a.map(|a| FeatureValue::Amount(a.value()));
        let whole = |n: Option<u32>| n.map(FeatureValue::Whole);
        match self {
            NumericFeature::AgeYears => whole(Some(whole_years(e.established_on, as_of))),
            NumericFeature::RegisteredCapital => amount(e.registered_capital),
            NumericFeature::TaxPaid12m => amount(e.finance.tax_paid_12m),
            NumericFeature::Revenue12m => amount(e.finance.revenue_12m),
            NumericFeature::SocialInsuranceHeadcount => whole(e.finance.social_insurance_headcount),
            NumericFeature::SocialInsuranceMonthsPaid12m => {
                whole(e.finance.social_insurance_months_paid_12m.map(u32::from))
            }
            NumericFeature::ConsecutiveATaxYears => {
                whole(Some(e.ratings.consecutive_a_years(as_of)))
            }
            NumericFeature::MonthsSinceLastTaxPayment => {
                whole(e.finance.last_tax_payment_on.map(|d| whole_months(d, as_of)))
            }
            NumericFeature::ExistingLoans => amount(e.finance.existing_loans),
        }
    }
}

/// A numeric feature's value: a whole count, or an amount in yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeatureValue {
    /// Years, months or staff.
    Whole(u32),
    /// Yuan, as the enterprise reported them.
    Amount(Decimal),
}

impl From<FeatureValue> for Decimal {
    fn from(value: FeatureValue) -> Decimal {
        match value {
            FeatureValue::Whole(n) => Decimal::from(n),
            FeatureValue::Amount(d) => d,
        }
    }
}

impl CategoryFeature {
    /// Looks a feature up by its model name.
    pub fn from_name(name: &str) -> Option<Self> {
        CATEGORY.iter().find(|(n, _)| *n == name).map(|&(_, f)| f)
    }

    /// Every categorical feature name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        CATEGORY.iter().map(|(n, _)| *n)
    }

    /// The values the feature can take, in index order.
    pub fn values(self) -> Vec<&'static str> {
        fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<&'static str> {
            all.iter().map(|&v| f(v)).collect()
        }
        match self {
            CategoryFeature::Status => names(Status::ALL, Status::as_str),
            CategoryFeature::Size => names(Size::ALL, Size::as_str),
            CategoryFeature::TaxGrade => names(TaxGrade::ALL, TaxGrade::as_str),
            CategoryFeature::CustomsClass => names(CustomsClass::ALL, CustomsClass::as_str),
            CategoryFeature::SamrRiskClass => names(SamrRiskClass::ALL, SamrRiskClass::as_str),
            CategoryFeature::IndustrySection => SECTIONS.to_vec(),
        }
    }

    /// The index of the enterprise's value on `as_of` in [`CategoryFeature::values`], `None`
    /// when missing (a tax grade no longer in force is missing: [`Ratings::tax_grade_on`]).
    ///
    /// [`Ratings::tax_grade_on`]: crate::record::Ratings::tax_grade_on
    pub fn value(self, e: &Enterprise, as_of: Date) -> Option<usize> {
        match self {
            CategoryFeature::Status => Some(e.status as usize),
            CategoryFeature::Size => e.size.map(|s| s as usize),
            CategoryFeature::TaxGrade => e.ratings.tax_grade_on(as_of).map(|(_, g)| g as usize),
            CategoryFeature::CustomsClass => e.ratings.customs.map(|c| c as usize),
            CategoryFeature::SamrRiskClass => e.ratings.samr_risk.map(|c| c as usize),
            CategoryFeature::IndustrySection => {
                e.industry.as_ref().map(|i| (i.section() as usize).saturating_sub('A' as usize))
            }
        }
    }
}
