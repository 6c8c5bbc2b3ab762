//! The first pass of matching: for each in-scope product, only whether the firm fails it and
//! how closely, in integers, with the firm's figures read once per demand.
//!
//! The verdict counts the failed conditions exactly as [`conditions::check_into`] does and
//! sums their relative gaps in `f64`. The sum orders near misses; it equals the reference
//! `Decimal` sum exactly when every gap is a ratio whose value has few binary digits (whole
//! numbers, halves, quarters ...), which the verdict records. Otherwise the matcher recomputes
//! the few contenders with the reference path, so the order never depends on rounding.
//!
//! [`conditions::check_into`]: super::conditions::check_into

use super::compiled::{Factor, Screen, fen};
use super::conditions::{dishonest_listing, owes_tax};
use super::demand::Demand;
use super::graph_facts::GraphFacts;
use super::product::Collateral;
use crate::date::{Date, whole_months, whole_years};
use crate::evaluate::Evaluation;
use crate::num::Amount;
use crate::record::TaxGrade;

/// What the screen reads of one demand, computed once for all its candidates; fen for money.
#[derive(Debug, Clone)]
pub(super) struct FirmFacts {
    amount: i128,
    collateral: Collateral,
    /// Rank of the evaluation's grade.
    pub grade: usize,
    grade_count: usize,
    tax_grade: Option<TaxGrade>,
    years: u32,
    tax_paid: Option<i128>,
    months_since_payment: Option<u32>,
    tax_arrears: u32,
    dishonest_listings: u32,
    loans: Option<i128>,
    capital: Option<i128>,
    staff: Option<u32>,
    revenue: Option<i128>,
    circle: Option<u32>,
    guarantee_backed: bool,
    guarantor_closely_linked: Option<bool>,
}

impl FirmFacts {
    /// The facts of a demand; `None` when an amount is not whole fen or the grade is not one
    /// of the model's, and the reference path matches the demand instead.
    pub fn new(
        demand: &Demand,
        evaluation: &Evaluation,
        as_of: Date,
        facts: GraphFacts,
        grades: &[String],
    ) -> Option<FirmFacts> {
        let e = &demand.enterprise;
        let f = &e.finance;
        // `Some(None)` is "not reported"; `None` is "reported but not whole fen".
        let opt = |a: Option<Amount>| a.map_or(Some(None), |a| fen(a.value()).map(Some));
        let count = |hit: &dyn Fn(&crate::record::RecordDetail) -> bool| {
            let n = e.records.iter().filter(|r| hit(&r.detail)).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        Some(FirmFacts {
            amount: fen(demand.amount.value())?,
            collateral: demand.collateral,
            grade: grades.iter().position(|g| g.as_str() == &*evaluation.grade)?,
            grade_count: grades.len().max(1),
            tax_grade: e.ratings.latest_tax_grade().map(|(_, g)| g),
            years: whole_years(e.established_on, as_of),
            tax_paid: opt(f.tax_paid_12m)?,
            months_since_payment: f.last_tax_payment_on.map(|last| whole_months(last, as_of)),
            tax_arrears: count(&|r| owes_tax(r, as_of)),
            dishonest_listings: count(&|r| dishonest_listing(r, as_of)),
            loans: opt(f.existing_loans)?,
            capital: opt(e.registered_capital)?,
            staff: f.social_insurance_headcount,
            revenue: opt(f.revenue_12m)?,
            circle: facts.guarantee_circle_size,
            guarantee_backed: demand.collateral == Collateral::Guarantee,
            guarantor_closely_linked: facts.guarantor_closely_linked,
        })
    }
}

/// How a firm fares against one product.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Verdict {
    /// Failed conditions, the limit included; 0 when every condition holds.
    pub failed: u32,
    /// Sum of the relative gaps.
    pub closeness: f64,
    /// Whether `closeness` equals the reference `Decimal` sum exactly.
    pub exact: bool,
}

/// A relative gap equals its `Decimal` value in `f64` when it is a multiple of 2^-16 below
/// 2^32: then both hold it exactly (at most 26 digits), and so do sums of up to 16 of them.
const EXACT_BITS: u32 = 16;
const EXACT_BELOW: i128 = 1 << (32 + EXACT_BITS);

impl Verdict {
    fn fail(&mut self) {
        self.failed += 1;
        self.closeness += 1.0;
    }

    /// A measured gap: `short` relative to `required` (1 when nothing is required).
    fn short(&mut self, short: i128, required: i128) {
        self.failed += 1;
        if required == 0 {
            self.closeness += 1.0;
            return;
        }
        // Integer to float conversions: an approximation, recorded as such unless exact.
        #[allow(clippy::cast_precision_loss)]
        let ratio = short as f64 / required as f64;
        self.closeness += ratio;
        let scaled = short.checked_mul(1 << EXACT_BITS);
        self.exact &=
            scaled.is_some_and(|n| n % required == 0 && (n / required).abs() < EXACT_BELOW);
    }

    fn at_most(&mut self, allowed: Option<i128>, actual: Option<i128>) {
        let Some(allowed) = allowed else { return };
        match actual {
            Some(a) if a <= allowed => {}
            Some(a) => self.short(a - allowed, allowed),
            None => self.fail(),
        }
    }
}

/// Screens a product for a firm; `None` when the limit arithmetic leaves the range where it
/// is exact, and the reference path decides.
pub(super) fn screen(s: &Screen, f: &FirmFacts) -> Option<Verdict> {
    let mut v = Verdict { failed: 0, closeness: 0.0, exact: true };
    if f.amount < s.amount_min {
        v.short(s.amount_min - f.amount, s.amount_min);
    }
    if f.collateral < s.collateral {
        v.fail();
    }
    if let Some(need) = s.min_grade
        && f.grade > need
    {
        v.short(to_i128(f.grade - need), to_i128(f.grade_count));
    }
    if let Some(admitted) = &s.tax_grades
        && !f.tax_grade.is_some_and(|g| admitted.contains(&g))
    {
        v.fail();
    }
    if let Some(years) = s.min_years
        && f.years < years
    {
        v.short(i128::from(years - f.years), i128::from(years));
    }
    if let Some(min) = s.min_tax_paid {
        match f.tax_paid {
            Some(a) if a >= min => {}
            Some(a) => v.short(min - a, min),
            None => v.fail(),
        }
    }
    if let Some(months) = s.payment_within_months {
        match f.months_since_payment {
            Some(since) if since < months => {}
            Some(since) => v.short(i128::from(since + 1 - months), i128::from(months)),
            None => v.fail(),
        }
    }
    if s.no_tax_arrears && f.tax_arrears > 0 {
        v.short(i128::from(f.tax_arrears), 1);
    }
    if s.no_dishonest_listing && f.dishonest_listings > 0 {
        v.short(i128::from(f.dishonest_listings), 1);
    }
    v.at_most(s.max_loans, f.loans);
    v.at_most(s.max_capital, f.capital);
    v.at_most(s.max_staff.map(i128::from), f.staff.map(i128::from));
    v.at_most(s.max_revenue, f.revenue);
    v.at_most(s.max_circle.map(i128::from), f.circle.map(i128::from));
    if s.unlinked_guarantor && f.guarantee_backed && f.guarantor_closely_linked != Some(false) {
        v.fail();
    }
    limit(s, f, &mut v)?;
    Some(v)
}

/// The limit condition: the smallest bound against the product's smallest loan, every bound
/// scaled to the finest decimal scale of the product's factors so that it stays an integer.
fn limit(s: &Screen, f: &FirmFacts, v: &mut Verdict) -> Option<()> {
    let scale = [s.k_tax, s.k_sales].iter().flatten().map(|k| k.scale).max().unwrap_or(0);
    let unit = 10_i128.checked_pow(scale)?;
    let mut least = s.amount_max.checked_mul(unit)?;
    let mut bound = |value: i128| least = least.min(value);
    if !s.grade_caps.is_empty() {
        bound(s.grade_caps.get(f.grade)?.checked_mul(unit)?);
    }
    if let Some(k) = s.k_tax {
        bound(multiple(k, f.tax_paid.unwrap_or(0), scale)?);
    }
    if let Some(k) = s.k_sales {
        bound(multiple(k, f.revenue.unwrap_or(0), scale)?);
    }
    if let Some(max) = s.max_debt {
        let headroom = f.loans.map_or(0, |loans| (max - loans).max(0));
        bound(headroom.checked_mul(unit)?);
    }
    let floor = s.amount_min.checked_mul(unit)?;
    if least < floor {
        v.short(floor - least, floor);
    }
    Some(())
}

/// `k × value` in units of 10^-scale fen; `None` beyond where `Decimal` multiplies exactly
/// (a 96-bit mantissa), where the reference saturates or rounds.
fn multiple(k: Factor, value: i128, scale: u32) -> Option<i128> {
    let product = k.mantissa.checked_mul(value)?;
    if product.unsigned_abs() >= 1 << 96 {
        return None;
    }
    product.checked_mul(10_i128.checked_pow(scale - k.scale)?)
}

fn to_i128(n: usize) -> i128 {
    i128::try_from(n).unwrap_or(i128::MAX)
}
