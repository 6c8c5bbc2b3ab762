//! Matching through the compiled catalog: a screen per candidate in integers, offers priced
//! only for the eligible, and the near misses worded only for the few reported. The result
//! equals that of the reference path ([`matching::match_candidates`]) for every demand; a
//! demand or product outside the screen's exact range goes through the reference checks.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::compiled::{CompiledCatalog, CompiledProduct};
use super::conditions::{Firm, yuan};
use super::demand::Demand;
use super::graph_facts::GraphFacts;
use super::limit::{self, Bound, BoundKind};
use super::matching::{
    self, DemandMatch, MatchOptions, Names, Offer, Priced, measure, worded_near_miss,
};
use super::product::{Catalog, Product};
use super::screen::{FirmFacts, Verdict, screen};
use crate::date::Date;
use crate::evaluate::{Evaluation, Label};

/// The catalog as matching reads it: products and their compiled form, index for index.
pub(super) struct Compiled<'c> {
    pub catalog: &'c Catalog,
    pub compiled: &'c CompiledCatalog,
}

/// A product the firm fails, by index, with how closely.
#[derive(Debug, Clone, Copy)]
struct Miss {
    index: usize,
    verdict: Verdict,
}

/// Closeness sums beyond this are left to the reference sum: far from any rounding of `f64`
/// that could reorder them, and far below where the `Decimal` sum saturates.
const TRUSTED_CLOSENESS: f64 = 1e12;

/// Matches a demand against candidates from the catalog index: each is in the firm's region
/// by construction, so only its industry rule is checked here.
pub(super) fn match_indexed(
    c: &Compiled<'_>,
    options: &MatchOptions,
    demand: &Demand,
    (evaluation, facts): (&Evaluation, GraphFacts),
    as_of: Date,
    candidates: impl Iterator<Item = usize>,
) -> DemandMatch {
    let grades = c.catalog.grades();
    let Some(figures) = FirmFacts::new(demand, evaluation, as_of, facts, grades) else {
        let firm = (evaluation, facts);
        return matching::match_candidates(c.catalog, options, demand, firm, as_of, candidates);
    };
    let e = &demand.enterprise;
    let firm = Firm { demand, evaluation, as_of, grades, facts, explain: false };
    let mut eligible = Vec::new();
    let mut misses = Vec::with_capacity(256);
    let mut buffer = Vec::new();
    let mut words = Words::default();
    for index in candidates {
        let screen_of = c.compiled.screens.get(index).and_then(Option::as_ref);
        if let Some(s) = screen_of {
            if !s.industries.admits(figures.industry) {
                continue;
            }
            if let Some(verdict) = screen(s, &figures, false)
                && !(verdict.failed == 0 && figures.priced(s))
            {
                // The common case, read from the screen alone: a miss.
                misses.push(Miss { index, verdict });
                continue;
            }
        }
        let (Some(product), Some(compiled)) =
            (c.catalog.products().get(index), c.compiled.products.get(index))
        else {
            continue;
        };
        if screen_of.is_none() && !product.industries.admits(e.industry.as_ref()) {
            continue;
        }
        let verdict = match screen_of.and_then(|s| screen(s, &figures, false)) {
            Some(v) => v,
            None => {
                let (count, sum) = measure(product, &firm, &mut buffer);
                let failed = u32::try_from(count).unwrap_or(u32::MAX);
                Verdict { failed, closeness: sum.to_f64().unwrap_or(f64::MAX), exact: false }
            }
        };
        match compiled.spread.get(figures.grade).copied().flatten() {
            Some(spread) if verdict.failed == 0 => {
                let priced = price(product, compiled, &firm, (figures.grade, spread), &mut words);
                eligible.push(offer(product, compiled, demand, options, priced));
            }
            _ => misses.push(Miss { index, verdict }),
        }
    }
    let near_misses = closest(c, (&firm, &figures), misses, options.near_misses)
        .into_iter()
        .filter_map(|i| Some((c.catalog.products().get(i)?, c.compiled.products.get(i)?)))
        .map(|(product, compiled)| worded_near_miss(product, names(compiled), &firm))
        .collect();
    matching::result(options, demand, evaluation, as_of, eligible, near_misses)
}

fn names(compiled: &CompiledProduct) -> Names {
    Names { id: compiled.id.clone(), bank: compiled.bank.clone(), name: compiled.name.clone() }
}

fn offer(
    product: &Product,
    compiled: &CompiledProduct,
    demand: &Demand,
    options: &MatchOptions,
    priced: Priced,
) -> Offer {
    matching::offer(product, names(compiled), demand, options, priced)
}

/// The limit's bounds of an eligible product; a cap is explained with the words compiled
/// once, any other bound is worded with the firm's figures.
fn price(
    product: &Product,
    compiled: &CompiledProduct,
    firm: &Firm<'_>,
    (grade_rank, spread): (usize, Decimal),
    words: &mut Words,
) -> Priced {
    let e = &firm.demand.enterprise;
    let grade = &firm.evaluation.grade;
    let bounds = limit::bounds(product, e, grade);
    // The smallest, the first in order winning a tie, as `limit::binding_of`.
    let least = |m: Bound, b: Bound| if b.value < m.value { b } else { m };
    let binding = bounds
        .iter()
        .copied()
        .reduce(least)
        .unwrap_or(Bound { bound: BoundKind::ProductCap, value: Decimal::ZERO });
    let explanation = match binding.bound {
        BoundKind::ProductCap => Some(compiled.cap_explanation.clone()),
        BoundKind::GradeCap => compiled.grade_cap_explanations.get(grade_rank).cloned(),
        kind => {
            // Worded from the firm's figures and one product parameter: products sharing
            // the parameter share the words.
            let l = &product.limit;
            let (parameter, slot) = match kind {
                BoundKind::TaxMultiple => (l.k_tax, 0),
                BoundKind::SalesMultiple => (l.k_sales, 1),
                _ => (l.max_total_debt.map(|a| a.value()), 2),
            };
            let key = (kind, parameter.unwrap_or_default());
            let known = words.known.iter().find(|(k, _)| *k == key).map(|(_, l)| l.clone());
            known.or_else(|| {
                let (ours, theirs) = (compiled.bound_figures.get(slot)?, words.figure(slot, e));
                let label = limit::explain_with(binding, ours, theirs);
                words.known.push((key, label.clone()));
                Some(label)
            })
        }
    }
    .unwrap_or_else(|| limit::explain(binding, product, e, grade));
    Priced { bounds, binding, explanation, spread }
}

/// Explanations of a demand's bounds already worded, by bound kind and product parameter, and
/// the firm's figures they show, each worded once.
#[derive(Default)]
struct Words {
    known: Vec<((BoundKind, Decimal), Label)>,
    /// Tax paid, revenue, existing loans: by [`BoundKind`] order from the tax multiple.
    figures: [Option<String>; 3],
}

impl Words {
    /// The firm's figure in the explanation of the bound at `slot`, as [`limit::explain`]
    /// words it.
    fn figure(&mut self, slot: usize, e: &crate::record::Enterprise) -> &str {
        let f = &e.finance;
        let amount = [f.tax_paid_12m, f.revenue_12m, f.existing_loans].get(slot).copied().flatten();
        match self.figures.get_mut(slot) {
            Some(w) => w.get_or_insert_with(|| yuan(amount.map_or(Decimal::ZERO, |a| a.value()))),
            None => "",
        }
    }
}

/// How many near misses a demand keeps in a small sorted array while scanning its misses;
/// beyond, the misses are partially sorted in place.
const FEW: usize = 8;

/// The failed count and closeness of the `keep`-th closest miss (`keep` from 1 to the number
/// of misses), in the screen's approximate order.
fn kth_closest(
    misses: &mut [Miss],
    keep: usize,
    approx: impl Fn(&Miss, &Miss) -> std::cmp::Ordering,
) -> (u32, f64) {
    if keep > FEW {
        let (_, pivot, _) = misses.select_nth_unstable_by(keep - 1, approx);
        return (pivot.verdict.failed, pivot.verdict.closeness);
    }
    // The closest `keep` so far, closest first: one comparison for most misses.
    let mut best: Vec<Miss> = Vec::with_capacity(keep + 1);
    for m in misses.iter() {
        if best.len() == keep && best.last().is_some_and(|last| approx(m, last).is_ge()) {
            continue;
        }
        let at = best.partition_point(|b| approx(b, m).is_le());
        best.insert(at, *m);
        best.truncate(keep);
    }
    best.last().map_or((0, 0.0), |m| (m.verdict.failed, m.verdict.closeness))
}

/// The indices of the `keep` closest misses, closest first: fewest failed conditions, then
/// smallest sum of relative gaps, then product id, as the reference orders them.
///
/// The screen's `f64` sums pick the contenders: every miss that could rank among the first
/// `keep` once rounding is accounted for. When all contenders' sums are exact, they order
/// them; otherwise the contenders are measured again by the reference path, in `Decimal`.
fn closest(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    mut misses: Vec<Miss>,
    keep: usize,
) -> Vec<usize> {
    let keep = keep.min(misses.len());
    if keep == 0 {
        return Vec::new();
    }
    let approx = |a: &Miss, b: &Miss| {
        (a.verdict.failed.cmp(&b.verdict.failed))
            .then(a.verdict.closeness.total_cmp(&b.verdict.closeness))
    };
    let trusted = misses.iter().all(|m| m.verdict.closeness < TRUSTED_CLOSENESS);
    let (failed, sum) = kth_closest(&mut misses, keep, approx);
    let margin = sum + 1e-9 * sum.abs().max(1.0);
    misses.retain(|m| {
        let v = m.verdict;
        v.failed < failed || (v.failed == failed && (!trusted || v.closeness <= margin))
    });
    let id = |m: &Miss| c.compiled.products.get(m.index).map(|p| &*p.id);
    // The screen again, now telling whether each contender's closeness is exact.
    for m in &mut misses {
        let screen_of = c.compiled.screens.get(m.index).and_then(Option::as_ref);
        if let Some(v) = screen_of.and_then(|s| screen(s, figures, true)) {
            m.verdict = v;
        }
    }
    if misses.iter().all(|m| m.verdict.exact) {
        misses.sort_unstable_by(|a, b| approx(a, b).then_with(|| id(a).cmp(&id(b))));
        return misses.iter().take(keep).map(|m| m.index).collect();
    }
    let mut buffer = Vec::new();
    let mut measured: Vec<(usize, Decimal, &Product, usize)> = misses
        .iter()
        .filter_map(|m| {
            let product = c.catalog.products().get(m.index)?;
            let (count, sum) = measure(product, firm, &mut buffer);
            Some((count, sum, product, m.index))
        })
        .collect();
    let order = |a: &(usize, Decimal, &Product, usize), b: &(usize, Decimal, &Product, usize)| {
        (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id))
    };
    measured.sort_unstable_by(order);
    measured.iter().take(keep).map(|m| m.3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_kth_closest_is_that_of_the_sorted_misses(
            drawn in proptest::collection::vec((0u32..4, 0u32..6), 1..60),
            keep in 1usize..12,
        ) {
            let mut misses: Vec<Miss> = drawn
                .iter()
                .enumerate()
                .map(|(index, &(failed, quarters))| {
                    let closeness = f64::from(quarters) / 4.0;
                    Miss { index, verdict: Verdict { failed, closeness, exact: true } }
                })
                .collect();
            let keep = keep.min(misses.len());
            let approx = |a: &Miss, b: &Miss| {
                (a.verdict.failed.cmp(&b.verdict.failed))
                    .then(a.verdict.closeness.total_cmp(&b.verdict.closeness))
            };
            let mut sorted = misses.clone();
            sorted.sort_by(approx);
            let expected = sorted[keep - 1].verdict;
            let found = kth_closest(&mut misses, keep, approx);
            prop_assert_eq!(found, (expected.failed, expected.closeness));
        }
    }
}
