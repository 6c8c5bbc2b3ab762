//! Matching one demand against the catalog: eligible offers ranked, near misses with their gaps.

use std::cmp::Ordering;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::conditions::{self, Firm, Gap};
use super::demand::Demand;
use super::graph_facts::GraphFacts;
use super::limit::{self, Bound, BoundKind};
use super::product::{Catalog, Product};
use crate::date::Date;
use crate::evaluate::{Evaluation, Label};
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
}

impl Default for MatchOptions {
    fn default() -> Self {
        MatchOptions {
            reference_rate: ReferenceRate::default(),
            order: vec![RankKey::Coverage, RankKey::Rate, RankKey::TermFit],
            near_misses: 3,
        }
    }
}

/// An eligible product with its estimated limit and rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    /// Product id.
    pub product: Arc<str>,
    /// Bank.
    pub bank: Arc<str>,
    /// Product name.
    pub name: Arc<str>,
    /// Estimated limit, yuan: the smallest of `bounds`.
    #[serde(with = "crate::num::decimal")]
    pub limit: Decimal,
    /// The bound that sets the limit.
    pub binding: BoundKind,
    /// Every bound with its value.
    pub bounds: Vec<Bound>,
    /// Which bound sets the limit, and how it is computed.
    pub explanation: Label,
    /// Rate, percent per year: reference rate plus the grade's spread.
    #[serde(with = "crate::num::decimal")]
    pub rate_percent: Decimal,
    /// Share of the requested amount the limit covers, 0 to 1.
    #[serde(with = "crate::num::decimal")]
    pub coverage: Decimal,
    /// Months between the requested term and the product's range (0 inside it).
    pub term_gap_months: u32,
}

/// A product the firm is in scope for but fails, with every failed condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    /// Product id.
    pub product: Arc<str>,
    /// Bank.
    pub bank: Arc<str>,
    /// Product name.
    pub name: Arc<str>,
    /// Failed conditions.
    pub failed: Vec<Gap>,
    /// Whether the improvement plan closes every failed condition.
    pub plan_makes_eligible: bool,
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
    catalog: &Catalog,
    options: &MatchOptions,
    demand: &Demand,
    (evaluation, facts): (&Evaluation, GraphFacts),
    as_of: Date,
    candidates: impl Iterator<Item = usize>,
) -> DemandMatch {
    let e = &demand.enterprise;
    let grades = catalog.grades();
    // Measured first, worded after: only the reported near misses need their words.
    let firm = Firm { demand, evaluation, as_of, grades, facts, explain: false };
    let mut eligible = Vec::new();
    let mut misses: Vec<(usize, Decimal, &Product)> = Vec::new();
    let mut failed = Vec::new();
    for product in candidates.filter_map(|i| catalog.products().get(i)) {
        if !product.in_scope(e.region_code(), e.industry.as_ref()) {
            continue;
        }
        let (count, sum) = measure(product, &firm, &mut failed);
        let spread = product.rate.spread_for(&evaluation.grade);
        match spread {
            Some(spread) if count == 0 => {
                let bounds = limit::bounds(product, e, &evaluation.grade);
                let binding = limit::binding_of(product, e, &evaluation.grade);
                let explanation = limit::explain(binding, product, e, &evaluation.grade);
                let names = Names::of(product);
                let priced = Priced { bounds, binding, explanation, spread };
                eligible.push(offer(product, names, demand, options, priced));
            }
            _ => misses.push((count, sum, product)),
        }
    }
    // The closest few, without sorting every miss: ids are unique, so the order is total.
    let closest = |a: &(usize, Decimal, &Product), b: &(usize, Decimal, &Product)| {
        (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id))
    };
    let keep = options.near_misses.min(misses.len());
    if keep > 0 && keep < misses.len() {
        misses.select_nth_unstable_by(keep - 1, closest);
    }
    misses.truncate(keep);
    misses.sort_unstable_by(closest);
    let near_misses =
        misses.into_iter().map(|(_, _, p)| worded_near_miss(p, Names::of(p), &firm)).collect();
    result(options, demand, evaluation, as_of, eligible, near_misses)
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
    let binding = limit::binding_of(product, e, &firm.evaluation.grade);
    failed.extend(conditions::limit_gap(false, product, binding.value));
    let add = |sum: Decimal, g: &Gap| sum.checked_add(g.relative).unwrap_or(Decimal::MAX);
    (failed.len(), failed.iter().fold(Decimal::ZERO, add))
}

/// A reported near miss, with every failed condition worded.
pub(super) fn worded_near_miss(product: &Product, names: Names, firm: &Firm<'_>) -> NearMiss {
    let e = &firm.demand.enterprise;
    let firm = Firm { explain: true, ..*firm };
    let mut failed = conditions::check(product, &firm);
    let binding = limit::binding_of(product, e, &firm.evaluation.grade);
    failed.extend(conditions::limit_gap(true, product, binding.value));
    NearMiss {
        product: names.id,
        bank: names.bank,
        name: names.name,
        plan_makes_eligible: failed.iter().all(|g| g.closable_by_plan),
        failed,
    }
}

/// The result, eligible offers ranked.
pub(super) fn result(
    options: &MatchOptions,
    demand: &Demand,
    evaluation: &Evaluation,
    as_of: Date,
    mut eligible: Vec<Offer>,
    near_misses: Vec<NearMiss>,
) -> DemandMatch {
    eligible.sort_by(|a, b| rank(&options.order, a, b));
    DemandMatch {
        demand: demand.id.clone(),
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

/// The names a result repeats for a product.
pub(super) struct Names {
    pub id: Arc<str>,
    pub bank: Arc<str>,
    pub name: Arc<str>,
}

impl Names {
    fn of(product: &Product) -> Names {
        Names {
            id: Arc::from(product.id.as_str()),
            bank: Arc::from(product.bank.as_str()),
            name: Arc::from(product.name.as_str()),
        }
    }
}

/// What an eligible product offers the firm: its limit's bounds, the binding one explained,
/// and the rate spread.
pub(super) struct Priced {
    pub bounds: Vec<Bound>,
    pub binding: Bound,
    pub explanation: Label,
    pub spread: Decimal,
}

pub(super) fn offer(
    product: &Product,
    names: Names,
    demand: &Demand,
    options: &MatchOptions,
    priced: Priced,
) -> Offer {
    let Priced { bounds, binding, explanation, spread } = priced;
    let requested = demand.amount.value();
    // A limit covering the whole request is a coverage of exactly 1, without a division.
    let coverage = if binding.value >= requested {
        Decimal::ONE
    } else {
        binding.value.checked_div(requested).unwrap_or(Decimal::ZERO).round_dp(6)
    };
    let term = &product.term_months;
    let t = demand.term_months;
    let term_gap_months = if t < term.min { term.min - t } else { t.saturating_sub(term.max) };
    let rate = options.reference_rate.percent.checked_add(spread).unwrap_or(Decimal::MAX);
    Offer {
        product: names.id,
        bank: names.bank,
        name: names.name,
        limit: binding.value,
        binding: binding.bound,
        bounds,
        explanation,
        rate_percent: rate,
        coverage,
        term_gap_months,
    }
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
        .then_with(|| a.product.cmp(&b.product))
}
