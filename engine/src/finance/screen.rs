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

use super::compiled::{Screen, fen, industry_code, tax_grade_bit};
use super::conditions::{dishonest_listing, owes_tax};
use super::demand::Demand;
use super::graph_facts::GraphFacts;
use super::limit::BoundKind;
use super::product::Collateral;
use crate::date::{Date, whole_months, whole_years};
use crate::decay::DecayRules;
use crate::evaluate::Evaluation;
use crate::num::Amount;

/// What the screen reads of one demand, computed once for all its candidates; fen for money.
#[derive(Debug, Clone)]
pub(super) struct FirmFacts {
    /// The industry code, packed; `None` when not reported.
    pub industry: Option<u64>,
    pub amount: i128,
    pub collateral: Collateral,
    /// Rank of the evaluation's grade.
    pub grade: usize,
    /// Rank of the grade once the improvement plan is carried out; `grade` when the model
    /// does not rank it.
    pub plan_grade: usize,
    pub grade_count: usize,
    /// The latest tax grade's bit; 0 when none is known.
    pub tax_grade: u32,
    pub years: u32,
    pub tax_paid: Option<i128>,
    pub months_since_payment: Option<u32>,
    pub tax_arrears: u32,
    pub dishonest_listings: u32,
    pub loans: Option<i128>,
    pub capital: Option<i128>,
    pub staff: Option<u32>,
    pub revenue: Option<i128>,
    pub circle: Option<u32>,
    pub guarantee_backed: bool,
    pub guarantor_closely_linked: Option<bool>,
}

impl FirmFacts {
    /// The facts of a demand; `None` when an amount is not whole fen or the grade is not one
    /// of the model's, and the reference path matches the demand instead.
    pub fn new(
        demand: &Demand,
        evaluation: &Evaluation,
        as_of: Date,
        facts: GraphFacts,
        (grades, decay): (&[String], &DecayRules),
    ) -> Option<FirmFacts> {
        let e = &demand.enterprise;
        let f = &e.finance;
        // `Some(None)` is "not reported"; `None` is "reported but not whole fen".
        let opt = |a: Option<Amount>| a.map_or(Some(None), |a| fen(a.value()).map(Some));
        let count = |hit: &dyn Fn(&crate::record::RecordDetail) -> bool| {
            let n = e.records.iter().filter(|r| hit(&r.detail)).count();
            u32::try_from(n).unwrap_or(u32::MAX)
        };
        let industry = match &e.industry {
            Some(code) => Some(industry_code(code)?),
            None => None,
        };
        let grade = grades.iter().position(|g| g.as_str() == &*evaluation.grade)?;
        let plan_grade = grades.iter().position(|g| g.as_str() == &*evaluation.plan.grade_after);
        Some(FirmFacts {
            industry,
            amount: fen(demand.amount.value())?,
            collateral: demand.collateral,
            grade,
            plan_grade: plan_grade.unwrap_or(grade),
            grade_count: grades.len().max(1),
            tax_grade: e.ratings.tax_grade_on(as_of).map_or(0, |(_, g)| tax_grade_bit(g)),
            years: whole_years(e.established_on, as_of),
            tax_paid: opt(f.tax_paid_12m)?,
            months_since_payment: f.last_tax_payment_on.map(|last| whole_months(last, as_of)),
            tax_arrears: count(&|r| owes_tax(r, as_of)),
            dishonest_listings: count(&|r| dishonest_listing(r, decay, as_of)),
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

impl FirmFacts {
    /// Whether a product with this screen prices the firm's grade.
    pub fn priced(&self, s: &Screen) -> bool {
        self.grade < 64 && s.priced_grades & (1 << self.grade) != 0
    }

    /// The rank of the grade whose cap the limit condition reads, as
    /// [`conditions::limit_grade`](super::conditions::limit_grade) picks it: the plan's when
    /// the firm fails the product's minimum grade and the plan's grade meets it.
    pub fn limit_grade(&self, s: &Screen) -> usize {
        match s.min_grade {
            Some(need) if self.grade > need && self.plan_grade <= need => self.plan_grade,
            _ => self.grade,
        }
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
    /// The verdict of a product failing nothing, exactness asked.
    pub(super) const PASSED: Verdict = Verdict { failed: 0, closeness: 0.0, exact: true };

    /// A failed condition with no measure: a gap of 1.
    pub(super) fn fail(&mut self) {
        self.failed += 1;
        self.closeness += 1.0;
    }

    /// A measured gap: `short` relative to `required` (1 when nothing is required).
    pub(super) fn short(&mut self, short: i128, required: i128, exactness: bool) {
        self.failed += 1;
        if required == 0 {
            self.closeness += 1.0;
            return;
        }
        let term = float(short) / float(required);
        self.closeness += term;
        // Only contenders for the near misses ask.
        if exactness {
            self.exact &= exact_term(short, required, term);
        }
    }
}

/// Whether `term`, the `f64` quotient of `short / required`, is that ratio exactly and a
/// multiple of 2^-16 below 2^32 (see [`EXACT_BITS`]). Told by one multiplication of `i128`s
/// rather than a division (a library call): `term · 2^16` is a whole `units` (scaling by a
/// power of two is exact), and `units · required = short · 2^16` says the ratio is
/// `units / 2^16`, which `term` then is.
#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn exact_term(short: i128, required: i128, term: f64) -> bool {
    let scaled = term * f64::from(1_u32 << EXACT_BITS);
    if scaled.is_nan() || scaled.abs() >= EXACT_BELOW as f64 {
        return false;
    }
    // Below 2^48 in magnitude, so the conversion to `i64` does not saturate.
    let units = scaled as i64;
    let scaled_short = short.checked_mul(1 << EXACT_BITS);
    units as f64 == scaled
        && scaled_short.is_some()
        && scaled_short == i128::from(units).checked_mul(required)
}

/// Integer to float, from an `i64` (one instruction) when it fits; an approximation, which
/// [`Verdict::exact`] accounts for.
#[allow(clippy::cast_precision_loss)]
fn float(n: i128) -> f64 {
    match i64::try_from(n) {
        Ok(n) => n as f64,
        Err(_) => wide_float(n),
    }
}

/// Kept out of line: inlined, the compiler merges both arms of [`float`] into the library
/// call that converts an `i128`, and every gap pays for it.
#[cold]
#[inline(never)]
#[allow(clippy::cast_precision_loss)]
fn wide_float(n: i128) -> f64 {
    n as f64
}

/// Screens a product for a firm. `exactness` asks whether the closeness is exact (a few
/// divisions more); without it, `exact` is false. `None` when a bound leaves the range where
/// the screen is exact, and the reference path decides.
pub(super) fn screen(s: &Screen, f: &FirmFacts, exactness: bool) -> Option<Verdict> {
    let mut v = Verdict { failed: 0, closeness: 0.0, exact: exactness };
    let x = exactness;
    let amount_min = i128::from(s.amount_min);
    if f.amount < amount_min {
        v.short(amount_min - f.amount, amount_min, x);
    }
    if f.collateral < s.collateral {
        v.fail();
    }
    if let Some(need) = s.min_grade
        && f.grade > need
    {
        v.short(to_i128(f.grade - need), to_i128(f.grade_count), x);
    }
    if let Some(admitted) = &s.tax_grades
        && admitted & f.tax_grade == 0
    {
        v.fail();
    }
    if let Some(years) = s.min_years
        && f.years < years
    {
        v.short(i128::from(years - f.years), i128::from(years), x);
    }
    if let Some(min) = s.min_tax_paid.get() {
        match f.tax_paid {
            Some(a) if a >= min => {}
            Some(a) => v.short(min - a, min, x),
            None => v.fail(),
        }
    }
    if let Some(months) = s.payment_within_months {
        match f.months_since_payment {
            Some(since) if since < months => {}
            Some(since) => v.short(i128::from(since + 1 - months), i128::from(months), x),
            None => v.fail(),
        }
    }
    if s.no_tax_arrears && f.tax_arrears > 0 {
        v.short(i128::from(f.tax_arrears), 1, x);
    }
    if s.no_dishonest_listing && f.dishonest_listings > 0 {
        v.short(i128::from(f.dishonest_listings), 1, x);
    }
    let mut at_most = |allowed: Option<i128>, actual: Option<i128>| {
        let Some(allowed) = allowed else { return };
        match actual {
            Some(a) if a <= allowed => {}
            Some(a) => v.short(a - allowed, allowed, x),
            None => v.fail(),
        }
    };
    at_most(s.max_loans.get(), f.loans);
    at_most(s.max_capital.get(), f.capital);
    at_most(s.max_staff.map(i128::from), f.staff.map(i128::from));
    at_most(s.max_revenue.get(), f.revenue);
    at_most(s.max_circle.map(i128::from), f.circle.map(i128::from));
    if s.unlinked_guarantor && f.guarantee_backed && f.guarantor_closely_linked != Some(false) {
        v.fail();
    }
    let least = least_bound(s, f)?;
    if least < s.floor {
        v.short(s.floor - least, s.floor, x);
    }
    Some(v)
}

/// The verdict of a product whose only failed condition is its limit (the columns tell
/// it): the limit's gap as [`screen`] measures it, without checking the other conditions.
pub(super) fn limit_gap(s: &Screen, f: &FirmFacts) -> Option<Verdict> {
    let least = least_bound(s, f)?;
    let mut v = Verdict::PASSED;
    if least < s.floor {
        v.short(s.floor - least, s.floor, true);
    }
    Some(v)
}

/// The smallest bound of the limit, in the product's scaled units, the grade's cap read at
/// [`FirmFacts::limit_grade`]. Amounts are below 2^62 fen and factors below 2^51 once
/// scaled, so no product here overflows.
pub(super) fn least_bound(s: &Screen, f: &FirmFacts) -> Option<i128> {
    let mut least = s.cap;
    if !s.grade_caps.is_empty() {
        least = least.min(*s.grade_caps.get(f.limit_grade(s))?);
    }
    if let Some(k) = s.k_tax {
        least = least.min(i128::from(k.scaled) * f.tax_paid.unwrap_or(0));
    }
    if let Some(k) = s.k_sales {
        least = least.min(i128::from(k.scaled) * f.revenue.unwrap_or(0));
    }
    if let Some(max) = s.max_debt.get() {
        let headroom = f.loans.map_or(0, |loans| (max - loans).max(0));
        least = least.min(headroom * s.unit);
    }
    Some(least)
}

/// The bound that sets the limit, its value (as [`least_bound`]) and kind, as
/// [`limit::binding_of`] picks it (the smallest, the first in [`BoundKind`] order winning a
/// tie), compared in the product's scaled units rather than in decimals: the ranking reads
/// the value and the offer the kind.
///
/// [`limit::binding_of`]: super::limit::binding_of
pub(super) fn binding(s: &Screen, f: &FirmFacts) -> Option<(i128, BoundKind)> {
    let mut binding = (s.cap, BoundKind::ProductCap);
    let mut consider = |value: i128, kind: BoundKind| {
        if value < binding.0 {
            binding = (value, kind);
        }
    };
    if !s.grade_caps.is_empty() {
        consider(*s.grade_caps.get(f.grade)?, BoundKind::GradeCap);
    }
    if let Some(k) = s.k_tax {
        consider(i128::from(k.scaled) * f.tax_paid.unwrap_or(0), BoundKind::TaxMultiple);
    }
    if let Some(k) = s.k_sales {
        consider(i128::from(k.scaled) * f.revenue.unwrap_or(0), BoundKind::SalesMultiple);
    }
    if let Some(max) = s.max_debt.get() {
        let headroom = f.loans.map_or(0, |loans| (max - loans).max(0));
        consider(headroom * s.unit, BoundKind::DebtHeadroom);
    }
    Some(binding)
}

fn to_i128(n: usize) -> i128 {
    i128::try_from(n).unwrap_or(i128::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Exactness as a division tells it: the ratio is a multiple of 2^-16 below 2^32.
    fn exact_by_division(short: i128, required: i128) -> bool {
        short
            .checked_mul(1 << EXACT_BITS)
            .is_some_and(|n| n % required == 0 && (n / required).abs() < EXACT_BELOW)
    }

    proptest! {
        #[test]
        fn exactness_by_multiplication_is_exactness_by_division(
            units in 1_i64..(1 << 50), divisor in 1_i64..2_000, shift in 0_u32..24,
            short in 1_i64..(1 << 53), required in 1_i64..(1 << 53), ratio in any::<bool>(),
        ) {
            // Half the cases a ratio `units / 2^shift` (exact or not as its size says), half
            // any two figures the `f64`s hold exactly.
            let (short, required) = if ratio {
                let short = i128::from(units % (1 << 30)) * i128::from(divisor);
                (short, i128::from(divisor) << shift)
            } else {
                (i128::from(short), i128::from(required))
            };
            let term = float(short) / float(required);
            prop_assert_eq!(exact_term(short, required, term), exact_by_division(short, required));
        }

        #[test]
        fn exactness_is_never_claimed_for_a_rounded_term(
            short in any::<i128>(), required in any::<i128>(), nudge in -2_i32..=2,
        ) {
            prop_assume!(required != 0);
            let term = float(short) / float(required);
            // A term off by an ulp or two is never taken for the ratio.
            let nudged = f64::from_bits(term.to_bits().wrapping_add_signed(i64::from(nudge)));
            if exact_term(short, required, nudged) {
                prop_assert!(exact_by_division(short, required));
                prop_assert!(nudge == 0 || nudged == term);
            }
        }
    }
}
