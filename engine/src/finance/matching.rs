//! Matching one demand against the catalog: eligible offers ranked, near misses with their gaps.

use std::cmp::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::compiled::CompiledCatalog;
use super::conditions::{self, Firm};
use super::demand::Demand;
use super::gap::Gap;
use super::graph_facts::GraphFacts;
use super::limit::{self, Bound, Bounds};
use super::offer::{Explained, NearMiss, Offer, ProductRef};
use super::product::{Catalog, Product, TermRange};
use crate::date::Date;
use crate::evaluate::{Evaluation, Evaluator};
use crate::uscc::Uscc;

/// The reference rate rates are quoted over: the 1-year Loan Prime Rate and the date it was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceRate {
    /// Percent per year (`3.00`).
    #[serde(with = "crate::num::decimal")]
    pub percent: Decimal,
    /// Date from which it applies.
    #[serde(with = "crate::date::iso")]
    pub since: Date,
}

impl ReferenceRate {
    /// A reference rate of `percent` set on `since`. A negative rate is refused
    /// (`invalid_field` at `reference_rate.percent`): the LPR is never below zero, and a sign
    /// slip would lower every rate quoted. Every surface that takes a rate checks it here.
    pub fn new(percent: Decimal, since: Date) -> crate::Result<ReferenceRate> {
        if percent.is_sign_negative() && !percent.is_zero() {
            let message =
                format!("the reference rate {percent} is negative: it must be at least 0");
            return Err(crate::Error::field("reference_rate.percent", message));
        }
        Ok(ReferenceRate { percent, since })
    }
}

impl Default for ReferenceRate {
    /// The 1-year LPR of 3.00% set on 2025-05-20.
    fn default() -> Self {
        let since = Date::from_ymd_opt(2025, 5, 20).unwrap_or_default();
        ReferenceRate { percent: Decimal::new(300, 2), since }
    }
}

/// A key of the offer ranking; the product id always breaks the last tie.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankKey {
    /// Larger share of the requested amount covered by the limit first.
    Coverage,
    /// Lower rate first.
    Rate,
    /// Fewer months between the requested term and the product's term range first.
    TermFit,
}

/// How matching ranks and how much it reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchOptions {
    /// The reference rate.
    pub reference_rate: ReferenceRate,
    /// Ranking keys, most important first (default: coverage, rate, term fit).
    pub order: Vec<RankKey>,
    /// How many near misses to report (default 3).
    pub near_misses: usize,
    /// How many offers to report, the best ranked first; `None` (the default) reports every
    /// eligible product. A platform showing a firm its few best offers saves the pricing
    /// and wording of the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offers: Option<usize>,
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            reference_rate: ReferenceRate::default(),
            order: vec![RankKey::Coverage, RankKey::Rate, RankKey::TermFit],
            near_misses: 3,
            offers: None,
        }
    }
}

/// The result of matching one demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemandMatch {
    /// The demand's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub demand: Option<String>,
    /// The enterprise.
    pub uscc: Uscc,
    /// Matching and evaluation date.
    #[serde(with = "crate::date::iso")]
    pub as_of: Date,
    /// The reference rate the rates are quoted over.
    pub reference_rate: ReferenceRate,
    /// Credit grade of the evaluation.
    pub grade: Arc<str>,
    /// Score of the evaluation.
    #[serde(with = "crate::num::decimal")]
    pub score: Decimal,
    /// Grade once the improvement plan is carried out.
    pub plan_grade_after: Arc<str>,
    /// Eligible products, ranked.
    pub eligible: Vec<Offer>,
    /// Closest ineligible products: fewest failed conditions, then smallest gaps.
    pub near_misses: Vec<NearMiss>,
}

impl DemandMatch {
    /// Pretty JSON, the format of golden files.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// Matches a demand against the given candidate products (indices into the catalog): the
/// reference path, condition by condition in `Decimal`, that the screened path must equal.
pub(super) fn match_candidates(
    (catalog, evaluator, compiled): (&Catalog, &Evaluator, &CompiledCatalog),
    options: &MatchOptions,
    demand: &Demand,
    (evaluation, facts): (&Evaluation, GraphFacts),
    as_of: Date,
    candidates: impl Iterator<Item = usize>,
) -> DemandMatch {
    let e = &demand.enterprise;
    let grades = catalog.grades();
    // Measured first, worded after: only the reported near misses need their words.
    let firm = Firm { demand, evaluation, evaluator, as_of, grades, facts, explain: false };
    let mut eligible = Vec::new();
    let mut misses: Vec<(usize, Decimal, &Product, &Arc<ProductRef>)> = Vec::new();
    let mut failed = Vec::new();
    let grade = (grades.iter().position(|g| **g == *evaluation.grade), &*evaluation.grade);
    let products = candidates
        .filter_map(|i| Some((catalog.products().get(i)?, &compiled.products.get(i)?.product)));
    for (product, named) in products {
        if !product.in_scope(e.region_code(), e.industry.as_ref()) {
            continue;
        }
        let (count, sum) = measure(product, &firm, &mut failed);
        let spread = product.rate.spread_for(&evaluation.grade);
        match spread {
            Some(spread) if count == 0 => {
                let bounds = limit::bounds(product, e, &evaluation.grade);
                let binding = limit::binding_of(product, e, &evaluation.grade);
                let explained = Explained::of(binding, grade, &limit::FirmAmounts::of(e));
                let priced = Priced { bounds, binding, explained, spread };
                eligible.push(offer(&product.term_months, named, demand, options, priced));
            }
            _ => misses.push((count, sum, product, named)),
        }
    }
    // The closest few, without sorting every miss: ids are unique, so the order is total.
    let closest = |a: &(usize, Decimal, &Product, _), b: &(usize, Decimal, &Product, _)| {
        (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id))
    };
    let keep = options.near_misses.min(misses.len());
    if keep > 0 && keep < misses.len() {
        misses.select_nth_unstable_by(keep - 1, closest);
    }
    misses.truncate(keep);
    misses.sort_unstable_by(closest);
    let near_misses = misses
        .into_iter()
        .map(|(_, _, p, named)| worded_near_miss(p, named.clone(), &firm, (false, Vec::new())))
        .collect();
    result(options, demand, evaluation, as_of, (eligible, near_misses, None))
}

/// The failed conditions of a product, measured but not worded: their count and the sum of
/// their relative gaps, which orders near misses. `failed` is a buffer reused across products.
pub(super) fn measure(
    product: &Product,
    firm: &Firm<'_>,
    failed: &mut Vec<Gap>,
) -> (usize, Decimal) {
    let e = &firm.demand.enterprise;
    failed.clear();
    conditions::check_into(product, firm, failed);
    let binding = limit::binding_of(product, e, conditions::limit_grade(product, firm));
    failed.extend(conditions::limit_gap(product, binding.value));
    let add = |sum: Decimal, g: &Gap| sum.checked_add(g.relative()).unwrap_or(Decimal::MAX);
    (failed.len(), failed.iter().fold(Decimal::ZERO, add))
}

/// A reported near miss, with every failed condition found again with its words (those
/// kept as figures are worded when read). `limit_met` says the estimated limit is already
/// known to reach the product's smallest loan (the screen compares them in integers), and
/// the limit's bounds are not computed again in decimals to tell it. The gaps are written
/// into `failed` (emptied first), a list a batch hands back from an earlier result.
pub(super) fn worded_near_miss(
    product: &Product,
    named: Arc<ProductRef>,
    firm: &Firm<'_>,
    (limit_met, mut failed): (bool, Vec<Gap>),
) -> NearMiss {
    let e = &firm.demand.enterprise;
    let firm = Firm { explain: true, ..*firm };
    failed.clear();
    conditions::check_into(product, &firm, &mut failed);
    if !limit_met {
        let binding = limit::binding_of(product, e, conditions::limit_grade(product, &firm));
        failed.extend(conditions::limit_gap(product, binding.value));
    }
    NearMiss {
        product: named,
        plan_makes_eligible: failed.iter().all(|g| g.closable_by_plan),
        failed,
    }
}

/// The result, eligible offers ranked and, if the options say so, the best kept.
pub(super) fn result(
    options: &MatchOptions,
    demand: &Demand,
    evaluation: &Evaluation,
    as_of: Date,
    (mut eligible, near_misses, id): (Vec<Offer>, Vec<NearMiss>, Option<String>),
) -> DemandMatch {
    rank_offers(&options.order, &mut eligible);
    eligible.truncate(options.offers.unwrap_or(usize::MAX));
    result_ranked(options, demand, evaluation, as_of, (eligible, near_misses, id))
}

/// The result of offers already ranked (and cut to [`MatchOptions::offers`]); the demand's
/// id is copied into `id`, the id of a result handed back, when there is one.
pub(super) fn result_ranked(
    options: &MatchOptions,
    demand: &Demand,
    evaluation: &Evaluation,
    as_of: Date,
    (eligible, near_misses, mut id): (Vec<Offer>, Vec<NearMiss>, Option<String>),
) -> DemandMatch {
    id.clone_from(&demand.id);
    DemandMatch {
        demand: id,
        uscc: demand.enterprise.uscc,
        as_of,
        reference_rate: options.reference_rate,
        grade: evaluation.grade.clone(),
        score: evaluation.score,
        plan_grade_after: evaluation.plan.grade_after.clone(),
        eligible,
        near_misses,
    }
}

/// What an eligible product offers the firm: its limit's bounds, the binding one explained,
/// and the rate spread.
pub(super) struct Priced {
    pub bounds: Bounds,
    pub binding: Bound,
    pub explained: Explained,
    pub spread: Decimal,
}

/// The offer of an eligible product whose loan terms are `term`.
pub(super) fn offer(
    term: &TermRange,
    product: &Arc<ProductRef>,
    demand: &Demand,
    options: &MatchOptions,
    priced: Priced,
) -> Offer {
    let Priced { bounds, binding, explained, spread } = priced;
    let coverage = coverage(binding.value, demand.amount.value());
    let term_gap_months = term_gap(term, demand);
    let rate = rate(options.reference_rate.percent, spread);
    Offer {
        product: product.clone(),
        limit: binding.value,
        binding: binding.bound,
        bounds,
        explained,
        rate_percent: rate,
        coverage,
        term_gap_months,
    }
}

/// The rate of an offer, percent per year: the reference rate plus the grade's spread.
pub(super) fn rate(reference: Decimal, spread: Decimal) -> Decimal {
    reference.checked_add(spread).unwrap_or(Decimal::MAX)
}

/// Months between the requested term and the product's range (0 inside it).
pub(super) fn term_gap(term: &TermRange, demand: &Demand) -> u32 {
    let t = demand.term_months;
    if t < term.min { term.min - t } else { t.saturating_sub(term.max) }
}

/// Ranking keys without repeats, most important first: a key repeated after its first
/// place never decides anything. Held in place: matching reads them once per demand.
pub(super) fn distinct_keys(order: &[RankKey]) -> DistinctKeys {
    let mut keys = DistinctKeys { keys: [RankKey::Coverage; 3], len: 0 };
    for key in order {
        if !keys.contains(key)
            && let Some(slot) = keys.keys.get_mut(keys.len)
        {
            *slot = *key;
            keys.len += 1;
        }
    }
    keys
}

/// At most one of each [`RankKey`], in order.
pub(super) struct DistinctKeys {
    keys: [RankKey; 3],
    len: usize,
}

impl std::ops::Deref for DistinctKeys {
    type Target = [RankKey];

    fn deref(&self) -> &[RankKey] {
        self.keys.get(..self.len).unwrap_or(&[])
    }
}

/// The share of `requested` that `limit` covers, to 6 decimals (half to even).
pub(super) fn coverage(limit: Decimal, requested: Decimal) -> Decimal {
    // A limit covering the whole request is a coverage of exactly 1, without a division.
    if limit >= requested {
        return Decimal::ONE;
    }
    coverage_in_integers(limit, requested)
        .unwrap_or_else(|| limit.checked_div(requested).unwrap_or(Decimal::ZERO).round_dp(6))
}

/// [`coverage`] by one integer division, for a limit above zero and below the request, when
/// the share has more than 6 decimals (most do): then the decimal division rounded to 6
/// decimals has scale 6, and this the same value. That division is exact to
/// 28 decimals, and a quotient of amounts below 2^62 fen lies at least 10^-25 from any
/// midpoint it does not equal, so rounding it first never moves it across one.
fn coverage_in_integers(limit: Decimal, requested: Decimal) -> Option<Decimal> {
    // A zero limit (the division writes it without decimals) or a negative one: left to it.
    if limit <= Decimal::ZERO || requested <= Decimal::ZERO {
        return None;
    }
    let scale = limit.scale().max(requested.scale());
    let at = |d: Decimal| d.mantissa().checked_mul(10_i128.checked_pow(scale - d.scale())?);
    let (l, r) = (at(limit)?, at(requested)?);
    if r >= 1 << 62 {
        return None;
    }
    let n = l.checked_mul(1_000_000)?;
    let (mut q, rest) = (n / r, n % r);
    if rest == 0 {
        // An exact quotient keeps a scale that depends on how the division reached it.
        return None;
    }
    if 2 * rest > r || (2 * rest == r && q % 2 == 1) {
        q += 1;
    }
    Decimal::try_from_i128_with_scale(q, 6).ok()
}

/// Sorts offers by [`rank`]. Each offer's keys are read once as integers (decimals brought
/// to the largest scale among the offers, which orders them exactly), so that the sort
/// compares integers rather than decimals; when a key does not fit, the decimals are compared.
/// Product ids are unique in a catalog, so the order is total and needs no stable sort.
fn rank_offers(order: &[RankKey], offers: &mut Vec<Offer>) {
    let keys = distinct_keys(order);
    let scale = |d: fn(&Offer) -> Decimal| offers.iter().map(|o| d(o).scale()).max();
    let (coverage_scale, rate_scale) = (scale(|o| o.coverage), scale(|o| o.rate_percent));
    let at = |d: Decimal, scale: Option<u32>| match scale?.checked_sub(d.scale())? {
        // Most offers of a demand share a scale.
        0 => Some(d.mantissa()),
        shift => d.mantissa().checked_mul(10_i128.checked_pow(shift)?),
    };
    let key_of = |o: &Offer| -> Option<[i128; 3]> {
        let mut out = [0; 3];
        for (slot, key) in out.iter_mut().zip(keys.iter()) {
            *slot = match key {
                RankKey::Coverage => at(o.coverage, coverage_scale)?.checked_neg()?,
                RankKey::Rate => at(o.rate_percent, rate_scale)?,
                RankKey::TermFit => i128::from(o.term_gap_months),
            };
        }
        Some(out)
    };
    let mut keyed: Vec<([i128; 3], usize)> = Vec::with_capacity(offers.len());
    let fits =
        offers.iter().enumerate().all(|(i, o)| key_of(o).map(|key| keyed.push((key, i))).is_some());
    if !fits {
        offers.sort_unstable_by(|a, b| rank(order, a, b));
        return;
    }
    let id = |i: usize| offers.get(i).map(Offer::product);
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id(a.1).cmp(&id(b.1))));
    let mut slots: Vec<Option<Offer>> = offers.drain(..).map(Some).collect();
    offers.extend(keyed.iter().filter_map(|&(_, i)| slots.get_mut(i).and_then(Option::take)));
}

fn rank(order: &[RankKey], a: &Offer, b: &Offer) -> Ordering {
    order
        .iter()
        .map(|key| match key {
            RankKey::Coverage => b.coverage.cmp(&a.coverage),
            RankKey::Rate => a.rate_percent.cmp(&b.rate_percent),
            RankKey::TermFit => a.term_gap_months.cmp(&b.term_gap_months),
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.product().cmp(b.product()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::limit::BoundKind;
    use proptest::prelude::*;

    fn offer(i: usize, coverage: (i64, u32), rate: (i64, u32), gap: u32) -> Offer {
        Offer {
            product: ProductRef::named(&format!("p{:02}", 40 - i)),
            limit: Decimal::ZERO,
            binding: BoundKind::ProductCap,
            bounds: Bounds::new(),
            explained: Explained::ProductCap,
            rate_percent: Decimal::new(rate.0, rate.1),
            coverage: Decimal::new(coverage.0, coverage.1),
            term_gap_months: gap,
        }
    }

    proptest! {
        #[test]
        fn integer_keys_rank_as_the_decimals_do(
            drawn in proptest::collection::vec(
                ((0i64..12, 0u32..8), (-5i64..400, 0u32..29), 0u32..3), 0..40),
            order in proptest::collection::vec(
                prop_oneof![Just(RankKey::Coverage), Just(RankKey::Rate), Just(RankKey::TermFit)],
                0..5),
        ) {
            let mut offers: Vec<Offer> =
                drawn.iter().enumerate().map(|(i, &(c, r, g))| offer(i, c, r, g)).collect();
            let mut expected = offers.clone();
            expected.sort_by(|a, b| rank(&order, a, b));
            rank_offers(&order, &mut offers);
            prop_assert_eq!(offers, expected);
        }
    }

    fn coverage_by_decimals(limit: Decimal, requested: Decimal) -> Decimal {
        limit.checked_div(requested).unwrap_or(Decimal::ZERO).round_dp(6)
    }

    proptest! {
        #[test]
        fn coverage_in_integers_equals_the_decimal_division(
            limit in 0i64..4_000_000_000_000, limit_scale in 0u32..5,
            requested in 1i64..4_000_000_000_000, requested_scale in 0u32..5,
            small in proptest::bool::ANY,
        ) {
            let (limit, requested) = if small { (limit % 1000, requested % 1000 + 1) } else { (limit, requested) };
            let (l, r) = (Decimal::new(limit, limit_scale), Decimal::new(requested, requested_scale));
            prop_assume!(l < r);
            let (fast, slow) = (coverage(l, r), coverage_by_decimals(l, r));
            prop_assert_eq!(fast, slow);
            prop_assert_eq!(fast.to_string(), slow.to_string());
        }
    }

    #[test]
    fn coverage_rounds_half_to_even_and_keeps_the_division_s_scale() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        for (limit, requested) in [
            ("1", "3"),
            ("2", "3"),
            ("1.00", "4"),
            ("150.00", "300"),
            ("0", "7"),
            ("1", "8000000"),
            ("3", "8000000"),
            ("5", "16000000"),
            ("0.01", "100000000"),
            ("7", "1000000"),
            ("1", "2000000"),
            ("3", "2000000"),
            ("0.5", "1000000"),
            ("0.0", "2"),
            ("9.52", "35"),
            ("999999.5", "1000000"),
        ] {
            let (l, r) = (d(limit), d(requested));
            assert_eq!(
                coverage(l, r).to_string(),
                coverage_by_decimals(l, r).to_string(),
                "{limit} / {requested}"
            );
        }
    }

    #[test]
    fn rates_beyond_integer_keys_are_ranked_as_decimals() {
        let order = [RankKey::Rate, RankKey::Coverage];
        let mut offers = vec![
            offer(0, (1, 0), (i64::MAX, 0), 0),
            offer(1, (5, 1), (1, 28), 0),
            offer(2, (5, 1), (1, 28), 1),
        ];
        let mut expected = offers.clone();
        expected.sort_by(|a, b| rank(&order, a, b));
        rank_offers(&order, &mut offers);
        assert_eq!(offers, expected);
        assert_eq!(offers[0].product(), "p38");
    }
}
