//! The product catalog: what a bank offers, to whom, up to how much and at what rate.
//!
//! Products are read and validated once ([`Catalog::from_json`]); matching then never meets an
//! inverted range, an unknown grade or a negative factor.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::validate;
use crate::error::{Error, Problem, Result};
use crate::model::Model;
use crate::num::Amount;
use crate::record::{Industry, TaxGrade};

/// Collateral a product requires or a firm offers, weakest first: an offer satisfies a product
/// when it is at least as strong as what the product asks for.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Collateral {
    /// 信用贷款: no collateral.
    #[default]
    None,
    /// 保证: a guarantor.
    Guarantee,
    /// 抵押: a mortgage on property.
    Mortgage,
}

impl Collateral {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Collateral::None => "none",
            Collateral::Guarantee => "guarantee",
            Collateral::Mortgage => "mortgage",
        }
    }

    /// The Chinese name, for gap texts.
    pub fn name_zh(self) -> &'static str {
        match self {
            Collateral::None => "信用（无担保）",
            Collateral::Guarantee => "保证",
            Collateral::Mortgage => "抵押",
        }
    }
}

/// Loan amounts a product grants, yuan, both ends inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountRange {
    /// Smallest loan.
    pub min: Amount,
    /// Largest loan: the product cap of the limit.
    pub max: Amount,
}

/// Loan terms a product grants, months, both ends inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRange {
    /// Shortest term.
    pub min: u32,
    /// Longest term.
    pub max: u32,
}

/// Industries served, as GB/T 4754 prefixes (`C` covers all manufacturing, `K70` real estate).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Industries {
    /// Only these (empty: every industry not excluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<Industry>,
    /// Never these, even when included by a broader prefix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<Industry>,
}

impl Industries {
    /// Whether a firm of this industry is served. A bank cannot rule out an excluded industry
    /// for a firm it cannot place: an unknown industry fits only a product that names no
    /// industries, and a code coarser than an excluded prefix (`C` against `C3911`) is kept
    /// out as one under it is.
    pub fn admits(&self, industry: Option<&Industry>) -> bool {
        let Some(code) = industry.map(Industry::as_str) else {
            return self.include.is_empty() && self.exclude.is_empty();
        };
        let under = |p: &Industry| code.starts_with(p.as_str());
        let overlaps = |p: &Industry| under(p) || p.as_str().starts_with(code);
        (self.include.is_empty() || self.include.iter().any(under))
            && !self.exclude.iter().any(overlaps)
    }
}

/// Eligibility conditions; an absent condition is not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Worst credit grade of the evaluation admitted (grades ordered as in the model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_grade: Option<String>,
    /// Tax credit grades admitted (the latest grade counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_grades: Option<Vec<TaxGrade>>,
    /// Whole years since establishment, at least.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_years_established: Option<u32>,
    /// Tax paid in the last 12 months, at least, yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_tax_paid_12m: Option<Amount>,
    /// A tax payment within this many months before the matching date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_payment_within_months: Option<u32>,
    /// No outstanding tax arrears.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_tax_arrears: bool,
    /// No active entry on a serious-dishonesty list (dishonest judgment debtor, SAMR serious
    /// violation, major tax violation).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_dishonest_listing: bool,
    /// Outstanding business loans, at most, yuan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_existing_loans: Option<Amount>,
    /// Registered capital, at most, yuan (SME size limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_registered_capital: Option<Amount>,
    /// Staff covered by social insurance, at most (SME size limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_staff: Option<u32>,
    /// Revenue in the last 12 months, at most, yuan (SME size limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_revenue_12m: Option<Amount>,
    /// Members of the firm's guarantee circle, at most (0: in no circle). A large circle
    /// carries its members' defaults to the firm, whatever its own record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_guarantee_circle_size: Option<u32>,
    /// For a demand backed by a guarantee: the guarantor it names must not be closely linked
    /// to the firm, since one shock would hit both.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub guarantor_not_closely_linked: bool,
}

/// How the estimated limit is bounded beyond the product cap; every factor is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitRule {
    /// Cap by credit grade; when given, it must name every grade the product admits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub grade_caps: BTreeMap<String, Amount>,
    /// Multiple of tax paid in the last 12 months.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub k_tax: Option<Decimal>,
    /// Multiple of revenue in the last 12 months.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub k_sales: Option<Decimal>,
    /// Total business debt allowed; the headroom is this minus existing loans.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total_debt: Option<Amount>,
}

/// The rate: reference rate plus a spread in percentage points by credit grade.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    /// Spread for grades not in `spread_by_grade`, percentage points.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub spread: Option<Decimal>,
    /// Spread by credit grade, percentage points.
    #[serde(default, with = "crate::num::decimal_map", skip_serializing_if = "BTreeMap::is_empty")]
    pub spread_by_grade: BTreeMap<String, Decimal>,
}

impl RateRule {
    /// The spread for a grade, if the product prices it.
    pub fn spread_for(&self, grade: &str) -> Option<Decimal> {
        self.spread_by_grade.get(grade).copied().or(self.spread)
    }
}

/// One loan product of one bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// Unique id within the catalog; the last tie-breaker of every ranking.
    pub id: String,
    /// The lending bank.
    pub bank: String,
    /// Product name as the bank publishes it.
    pub name: String,
    /// Amounts granted.
    pub amount: AmountRange,
    /// Terms granted.
    pub term_months: TermRange,
    /// Collateral required.
    #[serde(default)]
    pub collateral: Collateral,
    /// Administrative-code prefixes served (`31` Shanghai, `3502` Xiamen); empty: everywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// Industries served.
    #[serde(default)]
    pub industries: Industries,
    /// Eligibility conditions.
    #[serde(default)]
    pub conditions: Conditions,
    /// Limit factors.
    #[serde(default)]
    pub limit: LimitRule,
    /// Pricing.
    #[serde(default)]
    pub rate: RateRule,
}

impl Product {
    /// Whether the product is offered where the firm operates.
    pub fn serves_region(&self, region: &str) -> bool {
        self.regions.is_empty() || self.regions.iter().any(|p| region.starts_with(p.as_str()))
    }

    /// Whether the firm is in the product's scope (region and industry): a firm outside it is
    /// not a candidate at all, not even a near miss.
    pub fn in_scope(&self, region: &str, industry: Option<&Industry>) -> bool {
        self.serves_region(region) && self.industries.admits(industry)
    }
}

/// A validated set of products with the grade order of the model they were checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    /// Products, sorted by id so that results never depend on the order of the input file.
    products: Vec<Product>,
    /// Grade codes of the model, best first.
    #[serde(skip)]
    grades: Vec<String>,
    /// Products that can never be offered, found when the catalog was read.
    #[serde(skip)]
    never_offered: Vec<Problem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogWire {
    products: Vec<Product>,
}

impl Catalog {
    /// Reads and validates a catalog (`{"products": [...]}`) against a model's grades.
    ///
    /// Errors: [`Error::MalformedJson`], [`Error::InvalidField`] for a wrong shape, and
    /// [`Error::InvalidModel`] listing every semantic problem with its JSON path.
    pub fn from_json(text: &str, model: &Model) -> Result<Catalog> {
        let wire: CatalogWire = crate::record::from_json_text(text)?;
        Catalog::new(wire.products, model)
    }

    /// Validates products built in code.
    pub fn new(products: Vec<Product>, model: &Model) -> Result<Catalog> {
        let grades: Vec<String> = model.grades.iter().map(|g| g.grade.clone()).collect();
        let problems = validate::problems(&products, &grades);
        if !problems.is_empty() {
            return Err(Error::InvalidModel { problems });
        }
        let never_offered = validate::never_offered(&products, &grades);
        let mut products = products;
        products.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(Catalog { products, grades, never_offered })
    }

    /// The products that validate but can never be offered, each with the JSON path (in the
    /// input's order) of the term that prevents it: a multiple of 0, a total debt allowed or
    /// every admitted grade's cap below the product's smallest loan. The catalog is not
    /// refused for them (a product withdrawn on purpose may look the same); a platform
    /// loading a bank's catalog should show them to whoever maintains it.
    pub fn never_offered(&self) -> &[Problem] {
        &self.never_offered
    }

    /// The products, sorted by id.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The model's grade codes, best first.
    pub fn grades(&self) -> &[String] {
        &self.grades
    }

    /// Position of a grade in the model's order (0 = best).
    pub fn grade_rank(&self, grade: &str) -> Option<usize> {
        self.grades.iter().position(|g| g == grade)
    }

    /// Writes the catalog as pretty JSON in the documented format.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
