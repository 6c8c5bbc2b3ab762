//! The catalog compiled once for many demands: what matching reads of each product, in the
//! form that is cheapest to test per demand.
//!
//! Amounts become whole fen (`i128`), so that a condition is an integer comparison rather
//! than a `Decimal` one with rescaling; the minimum grade becomes a rank; limit factors become
//! a mantissa and a decimal scale; the strings an offer repeats (id, bank, name) and the
//! explanations of caps, which do not depend on the firm, are built once and shared. A
//! product with an amount that is not a whole number of fen has no screen and is checked by
//! the reference path, so the compiled form never rounds.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::limit::{self, Bound, BoundKind};
use super::product::{Catalog, Collateral, Product};
use crate::evaluate::Label;
use crate::num::Amount;
use crate::record::TaxGrade;

/// The products of a catalog, compiled, in catalog order.
#[derive(Debug, Clone)]
pub(super) struct CompiledCatalog {
    pub products: Vec<CompiledProduct>,
}

impl CompiledCatalog {
    pub fn new(catalog: &Catalog) -> CompiledCatalog {
        let grades = catalog.grades();
        CompiledCatalog {
            products: catalog.products().iter().map(|p| CompiledProduct::new(p, grades)).collect(),
        }
    }
}

/// One product, compiled.
#[derive(Debug, Clone)]
pub(super) struct CompiledProduct {
    pub id: Arc<str>,
    pub bank: Arc<str>,
    pub name: Arc<str>,
    /// The conditions and limit factors in integers; `None` when an amount is not whole fen.
    pub screen: Option<Screen>,
    /// The rate spread by grade rank, if the product prices that grade.
    pub spread: Vec<Option<Decimal>>,
    /// The explanation of an offer whose limit is the product cap.
    pub cap_explanation: Label,
    /// By grade rank, the explanation of an offer whose limit is that grade's cap.
    pub grade_cap_explanations: Vec<Label>,
}

impl CompiledProduct {
    fn new(p: &Product, grades: &[String]) -> CompiledProduct {
        let cap = Bound { bound: BoundKind::ProductCap, value: p.amount.max.value() };
        let grade_cap = |g: &String| {
            let value = p.limit.grade_caps.get(g).map_or(Decimal::ZERO, |a| a.value());
            limit::explain_cap(Bound { bound: BoundKind::GradeCap, value }, g)
        };
        CompiledProduct {
            id: Arc::from(p.id.as_str()),
            bank: Arc::from(p.bank.as_str()),
            name: Arc::from(p.name.as_str()),
            screen: Screen::new(p, grades),
            spread: grades.iter().map(|g| p.rate.spread_for(g)).collect(),
            cap_explanation: limit::explain_cap(cap, ""),
            grade_cap_explanations: if p.limit.grade_caps.is_empty() {
                Vec::new()
            } else {
                grades.iter().map(grade_cap).collect()
            },
        }
    }
}

/// A multiple of a firm figure: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Factor {
    pub mantissa: i128,
    pub scale: u32,
}

impl Factor {
    /// `None` for a factor so fine that its product with an amount in fen would pass the 28
    /// decimals of `Decimal`.
    fn new(k: Option<Decimal>) -> Option<Option<Factor>> {
        match k {
            None => Some(None),
            Some(k) if k.scale() <= 26 => {
                Some(Some(Factor { mantissa: k.mantissa(), scale: k.scale() }))
            }
            Some(_) => None,
        }
    }
}

/// What a firm must meet, in integers; fen for money.
#[derive(Debug, Clone)]
pub(super) struct Screen {
    pub amount_min: i128,
    pub amount_max: i128,
    pub collateral: Collateral,
    /// Rank of the worst grade admitted; `None` when the product sets none the model knows.
    pub min_grade: Option<usize>,
    pub tax_grades: Option<Vec<TaxGrade>>,
    pub min_years: Option<u32>,
    pub min_tax_paid: Option<i128>,
    pub payment_within_months: Option<u32>,
    pub no_tax_arrears: bool,
    pub no_dishonest_listing: bool,
    pub max_loans: Option<i128>,
    pub max_capital: Option<i128>,
    pub max_staff: Option<u32>,
    pub max_revenue: Option<i128>,
    pub max_circle: Option<u32>,
    pub unlinked_guarantor: bool,
    /// By grade rank, the grade cap (0 for a grade the product does not name); empty when the
    /// product has no grade caps.
    pub grade_caps: Vec<i128>,
    pub k_tax: Option<Factor>,
    pub k_sales: Option<Factor>,
    pub max_debt: Option<i128>,
}

impl Screen {
    fn new(p: &Product, grades: &[String]) -> Option<Screen> {
        let c = &p.conditions;
        let l = &p.limit;
        // `Some(None)` is "not set"; `None` is "set but not whole fen".
        let opt = |a: Option<Amount>| a.map_or(Some(None), |a| fen(a.value()).map(Some));
        let rank = |g: &str| grades.iter().position(|x| x == g);
        let grade_caps = if l.grade_caps.is_empty() {
            Vec::new()
        } else {
            let cap = |g: &String| l.grade_caps.get(g).map_or(Some(0), |a| fen(a.value()));
            grades.iter().map(cap).collect::<Option<Vec<i128>>>()?
        };
        Some(Screen {
            amount_min: fen(p.amount.min.value())?,
            amount_max: fen(p.amount.max.value())?,
            collateral: p.collateral,
            min_grade: c.min_grade.as_deref().and_then(rank),
            tax_grades: c.tax_grades.clone(),
            min_years: c.min_years_established,
            min_tax_paid: opt(c.min_tax_paid_12m)?,
            payment_within_months: c.tax_payment_within_months,
            no_tax_arrears: c.no_tax_arrears,
            no_dishonest_listing: c.no_dishonest_listing,
            max_loans: opt(c.max_existing_loans)?,
            max_capital: opt(c.max_registered_capital)?,
            max_staff: c.max_staff,
            max_revenue: opt(c.max_revenue_12m)?,
            max_circle: c.max_guarantee_circle_size,
            unlinked_guarantor: c.guarantor_not_closely_linked,
            grade_caps,
            k_tax: Factor::new(l.k_tax)?,
            k_sales: Factor::new(l.k_sales)?,
            max_debt: opt(l.max_total_debt)?,
        })
    }
}

/// Amounts at or beyond this many fen (about 1.2e25 yuan) are left to the reference path, so
/// that sums, differences and products of two of them never overflow an `i128`.
const FEN_LIMIT: i128 = 1 << 90;

/// The amount in whole fen, if it is one (at most two decimals once trailing zeros go).
pub(super) fn fen(value: Decimal) -> Option<i128> {
    let v = if value.scale() > 2 { value.normalize() } else { value };
    let scale = v.scale();
    if scale > 2 {
        return None;
    }
    let fen = v.mantissa().checked_mul(10_i128.pow(2 - scale))?;
    (fen.abs() < FEN_LIMIT).then_some(fen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_become_whole_fen_or_nothing() {
        let f = |t: &str| fen(t.parse().unwrap());
        assert_eq!(f("0"), Some(0));
        assert_eq!(f("12.5"), Some(1250));
        assert_eq!(f("12.50"), Some(1250));
        assert_eq!(f("12.500"), Some(1250));
        assert_eq!(f("1000000"), Some(100_000_000));
        assert_eq!(f("0.001"), None);
        assert_eq!(f("79228162514264337593543950335"), None);
    }
}
