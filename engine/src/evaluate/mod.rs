//! Evaluation: a [`Model`] compiled into an [`Evaluator`], applied to an [`Enterprise`] on a
//! date, giving an [`Evaluation`].
//!
//! ```
//! use xinyong::{Enterprise, Evaluator, date::parse_date};
//! let evaluator = Evaluator::default_model();
//! let firm = Enterprise::from_json(r#"{"uscc": "91350900587527783P", "name": "宁德示例制造有限公司",
//!     "established_on": "2012-05-18",
//!     "records": [{"kind": "penalty", "severity": "ordinary", "decided_on": "2026-03-02"}]}"#)?;
//! let evaluation = evaluator.evaluate(&firm, parse_date("2026-06-30").unwrap_or_default())?;
//! assert_eq!(evaluation.reasons[0].code.as_ref(), "tax_grade");
//! assert!(evaluation.plan.steps.iter().any(|s| s.class.to_string() == "penalty.ordinary"));
//! # Ok::<(), xinyong::Error>(())
//! ```

mod assemble;
mod card;
mod compile;
mod explain;
pub(crate) mod fixed;
mod grading;
mod output;
mod plan;
mod related;
mod scratch;
pub(crate) mod work;

use std::sync::Arc;

use rust_decimal::Decimal;

pub use grading::Grading;
pub use output::{
    AppliedVeto, Contribution, DimensionScore, Evaluation, Label, Lang, ModelStamp, Plan, PlanStep,
    Reason, ReasonCode, Summary,
};
pub use related::{RelatedParty, RelatedPartyCause, RelatedPartyPart};
pub use scratch::EvaluationScratch;

use crate::date::Date;
use crate::decay::{DecayOn, Weight};
use crate::error::Result;
use crate::model::Model;
use crate::model::features::FeatureValue;
use crate::record::Enterprise;
use assemble::AssemblyBuffers;
use compile::{Compiled, Rule};
use fixed::{Points, Threshold};
use scratch::TallyBuffers;

/// A model compiled for evaluation. Cheap to clone (shared), `Send + Sync`.
#[derive(Clone)]
pub struct Evaluator {
    inner: Arc<Compiled>,
    model: Arc<Model>,
    limits: EvaluationLimits,
}

/// Size limits of one evaluation, so one hostile enterprise cannot hold a batch worker for
/// long. Evaluation time grows linearly with the records, so the default admits any real firm
/// with room to spare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvaluationLimits {
    /// Most records one enterprise may carry, else `limit_exceeded` (`what`: `records of one
    /// enterprise`). Default 100,000.
    pub max_records: usize,
}

impl Default for EvaluationLimits {
    fn default() -> Self {
        EvaluationLimits { max_records: 100_000 }
    }
}

impl std::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator").field("model", &self.inner.stamp).finish()
    }
}

/// One record that counted: which indicator, how many points (before the indicator's cap).
#[derive(Clone, Copy)]
struct Hit {
    record: u32,
    indicator: usize,
    points: Points,
    /// Counting in full, not as a residual: only such records can still be repaired.
    in_force: bool,
}

/// Everything the score depends on, kept so the plan can recompute it without a record.
pub(crate) struct Tally<'a> {
    c: &'a Compiled,
    /// Per indicator: points of bins and category rules, uncapped sums of record rules.
    raw: Vec<Points>,
    hits: Vec<Hit>,
    /// Per veto: the records in force that trigger it.
    veto_records: Vec<Vec<u32>>,
    /// Per veto: whether a feature triggers it.
    veto_feature: Vec<bool>,
    /// Reason codes of scorecard indicators with the points they cost: (indicator, code,
    /// points), each card's codes in its ranking.
    card_reasons: Vec<(usize, Arc<str>, Points)>,
    /// Whether the evaluation has a related-party context (else related-party indicators are
    /// left out of the contributions).
    related_context: bool,
    /// Per related-party indicator that deducted points: the parts that did.
    related_causes: Vec<(usize, Vec<RelatedPartyCause>)>,
}

/// The outcome with every record counted, and the lists it was computed from.
pub(crate) struct Now<'b> {
    outcome: Outcome,
    /// Per indicator, its contribution (after caps).
    contributions: &'b [Points],
    /// Per dimension, its subtotal before clamping to `[0, max]`.
    unclamped: &'b [Points],
    /// Per dimension, its subtotal.
    dimensions: &'b [Points],
}

/// How much of an evaluation is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Detail {
    /// Everything: dimensions, contributions, vetoes, reasons and the plan.
    Full,
    /// Score, grade and the plan only ([`Evaluator::evaluate_plan_reusing`]).
    Plan,
}

/// Score and grade of a tally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Outcome {
    score: Points,
    grade_by_score: usize,
    grade: usize,
}

impl Evaluator {
    /// Validates and compiles a model.
    pub fn new(model: Model) -> Result<Evaluator> {
        model.validate()?;
        let inner = Arc::new(compile::compile(&model));
        Ok(Evaluator { inner, model: Arc::new(model), limits: EvaluationLimits::default() })
    }

    /// The embedded default model, compiled.
    pub fn default_model() -> Evaluator {
        let model = Model::default_model();
        let inner = Arc::new(compile::compile(&model));
        Evaluator { inner, model: Arc::new(model), limits: EvaluationLimits::default() }
    }

    /// The same evaluator with other size limits.
    pub fn with_limits(mut self, limits: EvaluationLimits) -> Evaluator {
        self.limits = limits;
        self
    }

    /// The size limits in force.
    pub fn limits(&self) -> EvaluationLimits {
        self.limits
    }

    /// The model this evaluator was compiled from.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The model's code of `grade` as its evaluations share it, if the model has the grade:
    /// a result naming a grade holds the shared text rather than a copy.
    pub(crate) fn grade_code(&self, grade: &str) -> Option<&Arc<str>> {
        self.inner.grades.iter().map(|g| &g.code).find(|code| code.as_ref() == grade)
    }

    /// Id, version and content hash of the model.
    pub fn stamp(&self) -> &ModelStamp {
        &self.inner.stamp
    }

    /// Evaluates one enterprise on `as_of`. Pure: the same inputs give the same result.
    ///
    /// Fails with [`Error::FutureDate`](crate::Error::FutureDate) when a date of the enterprise
    /// lies after `as_of`, and with [`Error::LimitExceeded`](crate::Error::LimitExceeded) when
    /// it carries more records than [`EvaluationLimits::max_records`].
    pub fn evaluate(&self, enterprise: &Enterprise, as_of: Date) -> Result<Evaluation> {
        self.evaluate_with(enterprise, as_of, None)
    }

    /// Evaluates one enterprise on `as_of` with what the relationship graph says about its
    /// related parties, read by the model's `related_party` indicators. With `None` this is
    /// [`Evaluator::evaluate`]: those indicators are left out and the result is the same as
    /// with a model without them.
    ///
    /// Fails as [`Evaluator::evaluate`] does, and with
    /// [`Error::InvalidField`](crate::Error::InvalidField) at `related_party.<field>` when the
    /// context is inconsistent ([`RelatedParty::check`]).
    pub fn evaluate_with(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
    ) -> Result<Evaluation> {
        let mut out = assemble::blank(&self.inner, enterprise, as_of);
        let buffers = &mut TallyBuffers::default();
        self.fill_evaluation(enterprise, as_of, (related, None), buffers, Detail::Full, &mut out)?;
        Ok(out)
    }

    /// [`evaluate_with`](Self::evaluate_with), reusing `scratch` from one call to the next: a
    /// batch (all its enterprises on one date) computes the decay cut-offs of its date once and
    /// keeps its working buffers. Gives exactly what `evaluate_with` gives; a scratch may be
    /// used with any evaluator and any date (it recomputes what it holds when either changes).
    ///
    /// A result handed back with [`EvaluationScratch::recycle`] once read is refilled by the
    /// next call instead of allocating a new one: what it returns is the same.
    pub fn evaluate_reusing(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
        scratch: &mut EvaluationScratch,
    ) -> Result<Evaluation> {
        self.refill(enterprise, as_of, related, scratch, Detail::Full)
    }

    /// Score, grade and improvement plan of an enterprise, without the contributions, vetoes
    /// and reasons that explain the score (left empty): what financing matching reads of an
    /// evaluation, written at less cost. Otherwise as
    /// [`evaluate_reusing`](Self::evaluate_reusing) without a related-party context.
    pub(crate) fn evaluate_plan_reusing(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        scratch: &mut EvaluationScratch,
    ) -> Result<Evaluation> {
        self.refill(enterprise, as_of, None, scratch, Detail::Plan)
    }

    /// Writes the evaluation into the scratch's spare result (a new one when it has none).
    fn refill(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
        scratch: &mut EvaluationScratch,
        detail: Detail,
    ) -> Result<Evaluation> {
        let spare = scratch.spare.take();
        let mut out = spare.unwrap_or_else(|| assemble::blank(&self.inner, enterprise, as_of));
        let (decay, buffers) = scratch.prepare(&self.inner, as_of);
        match self.fill_evaluation(enterprise, as_of, (related, decay), buffers, detail, &mut out) {
            Ok(()) => Ok(out),
            Err(error) => {
                scratch.spare = Some(out);
                Err(error)
            }
        }
    }

    /// Writes the evaluation into `out`; on an error `out` is left as it was.
    fn fill_evaluation(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        (related, decay): (Option<&RelatedParty>, Option<&DecayOn>),
        buffers: &mut TallyBuffers,
        detail: Detail,
        out: &mut Evaluation,
    ) -> Result<()> {
        self.scored(enterprise, as_of, related, decay, buffers, |tally, now, assembly| {
            plan::plan(tally, now, enterprise, as_of, &mut assembly.plan, &mut out.plan);
            let (outcome, contributions, dims) = (&now.outcome, now.contributions, now.dimensions);
            match detail {
                Detail::Full => assemble::fill(
                    tally,
                    outcome,
                    contributions,
                    dims,
                    enterprise,
                    as_of,
                    assembly,
                    out,
                ),
                Detail::Plan => assemble::fill_outline(tally.c, outcome, enterprise, as_of, out),
            }
        })
    }

    /// The steps every evaluation shares: checks, tally and the outcome with every record
    /// counted; `finish` reads them (the full evaluation builds its explanation, the score-only
    /// path stops at the grade), then the buffers go back to the scratch.
    fn scored<T>(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
        decay: Option<&DecayOn>,
        buffers: &mut TallyBuffers,
        finish: impl FnOnce(&Tally<'_>, &Now<'_>, &mut AssemblyBuffers) -> T,
    ) -> Result<T> {
        self.check(enterprise, as_of, related)?;
        let tally = self.tally(enterprise, as_of, related, decay, buffers)?;
        let mut contributions = std::mem::take(&mut buffers.contributions);
        let mut unclamped = std::mem::take(&mut buffers.unclamped);
        let mut dimensions = std::mem::take(&mut buffers.dimensions);
        let outcome = tally.outcome(&mut contributions, &mut unclamped, &mut dimensions);
        let now = Now {
            outcome,
            contributions: &contributions,
            unclamped: &unclamped,
            dimensions: &dimensions,
        };
        let out = finish(&tally, &now, &mut buffers.assembly);
        buffers.unclamped = unclamped;
        buffers.keep(tally, contributions, dimensions);
        Ok(out)
    }

    /// What every evaluation checks before the tally: the related-party context, the number of
    /// records and the enterprise's own dates.
    fn check(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
    ) -> Result<()> {
        if let Some(context) = related {
            context.check()?;
        }
        if enterprise.records.len() > self.limits.max_records {
            return Err(crate::Error::LimitExceeded {
                what: "records of one enterprise".to_owned(),
                limit: self.limits.max_records,
                found: enterprise.records.len(),
            });
        }
        // The records' own dates are checked as the tally reaches them.
        enterprise.check_own_dates(as_of)
    }

    /// Fails when a record carries a date after `as_of` (as [`Enterprise::check_dates`] would,
    /// before anything else) and when a scorecard indicator's card gives no result for the
    /// enterprise.
    /// `decay`, when given, holds the cut-offs of `as_of`; `buffers` lends its vectors.
    fn tally<'a>(
        &'a self,
        e: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
        decay: Option<&DecayOn>,
        buffers: &mut TallyBuffers,
    ) -> Result<Tally<'a>> {
        let c = &*self.inner;
        let mut raw = buffers.raw(c.indicators.len());
        // Record indicators start at nothing and gain their records' points; the others are
        // read after them, cards in model order (so a card's error is the first one met).
        raw.resize(c.indicators.len(), 0);
        let mut hits = buffers.hits(e.records.len());
        let mut veto_records = buffers.veto_records(c.vetoes.len());
        // Records first, each checked for future dates as it is reached, so a future date is
        // reported before any card error, as when every date was checked before the tally.
        for (index, record) in e.records.iter().enumerate() {
            work::step(1);
            record.check_dates(index, as_of)?;
            let weight = match decay {
                Some(on) => on.weight(&c.decay, &record.detail),
                None => Weight::of(c.decay.standing(&record.detail, as_of)),
            };
            // A record in force counts in full; only residuals carry another factor.
            let (in_force, standing_factor) = match weight {
                Weight::Nothing => continue,
                Weight::InForce => (true, fixed::FACTOR_ONE),
                Weight::Residual(factor) => (false, i128::from(factor)),
            };
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let class = record.class();
            if in_force && c.veto_classes & (1 << class.index()) != 0 {
                for (v, veto) in c.vetoes.iter().enumerate() {
                    if veto.classes & (1 << class.index()) != 0 {
                        veto_records[v].push(index);
                    }
                }
            }
            let Some((indicator, per_record)) = c.class_table[class.index()] else { continue };
            let Rule::Records { amount, domain, .. } = &c.indicators[indicator].rule else {
                continue;
            };
            let amount_factor = record_amount(record)
                .filter(|_| !amount.is_empty())
                .and_then(|value| {
                    let exact = fixed::exact_value(value);
                    amount.iter().rev().find(|(from, _)| from.compare(value, exact).is_ge())
                })
                .map_or(fixed::FACTOR_ONE, |&(_, f)| f);
            let domain_factor = match &record.detail {
                crate::record::RecordDetail::Penalty(p) => {
                    domain.get(p.domain as usize).copied().unwrap_or(fixed::FACTOR_ONE)
                }
                _ => fixed::FACTOR_ONE,
            };
            let points =
                fixed::record_points(per_record, [standing_factor, amount_factor, domain_factor]);
            raw[indicator] += points;
            hits.push(Hit { record: index, indicator, points, in_force });
        }
        let mut card_reasons = std::mem::take(&mut buffers.card_reasons);
        let mut related_causes = Vec::new();
        for read in &c.read_bins {
            if let Some(slot) = raw.get_mut(read.indicator) {
                let value = read.feature.read(e, as_of);
                *slot = value.and_then(|v| bin_points(&read.bins, v)).unwrap_or(read.missing);
            }
        }
        for read in &c.read_categories {
            if let Some(slot) = raw.get_mut(read.indicator) {
                let value = read.feature.value(e, as_of);
                *slot = value.and_then(|i| read.table.get(i)).copied().unwrap_or(read.missing);
            }
        }
        for &i in &c.read_others {
            let (Some(ind), Some(slot)) = (c.indicators.get(i), raw.get_mut(i)) else { continue };
            *slot = match &ind.rule {
                // Read above, or (records) summed already: never listed here.
                Rule::Bins { .. } | Rule::Category { .. } | Rule::Records { .. } => continue,
                Rule::Scorecard(card) => {
                    let outcome = card.score(&ind.id, e, as_of)?;
                    card_reasons.extend(outcome.reasons.into_iter().map(|(c, p)| (i, c, p)));
                    outcome.points
                }
                Rule::RelatedParty(rule) => match related {
                    None => 0,
                    Some(context) => {
                        let (points, causes) = rule.deduct(context);
                        if !causes.is_empty() {
                            related_causes.push((i, causes));
                        }
                        -points
                    }
                },
            };
        }
        let mut veto_feature = std::mem::take(&mut buffers.veto_feature);
        veto_feature.clear();
        veto_feature.extend(c.vetoes.iter().map(|v| {
            v.feature
                .as_ref()
                .is_some_and(|(f, values)| f.value(e, as_of).is_some_and(|x| values.contains(&x)))
        }));
        Ok(Tally {
            c,
            raw,
            hits,
            veto_records,
            veto_feature,
            card_reasons,
            related_context: related.is_some(),
            related_causes,
        })
    }
}

/// Points of the first bin whose upper bound lies above `value`, `None` when none does.
/// Whole counts are compared with each bound's ceiling, amounts as exact fixed-point integers
/// where they have one: both order values as `Decimal` does.
#[inline]
fn bin_points(bins: &[(Option<Threshold>, Points)], value: FeatureValue) -> Option<Points> {
    match value {
        FeatureValue::Whole(n) => first_bin_above(bins, |to| to.exceeds(n)),
        FeatureValue::Amount(v) => {
            let exact = fixed::exact_value(v);
            first_bin_above(bins, |to| to.compare(v, exact).is_lt())
        }
    }
}

/// Points of the first bin that is unbounded or whose bound `above` accepts.
#[inline]
fn first_bin_above(
    bins: &[(Option<Threshold>, Points)],
    above: impl Fn(&Threshold) -> bool,
) -> Option<Points> {
    bins.iter().find(|(to, _)| to.as_ref().is_none_or(&above)).map(|b| b.1)
}

fn record_amount(record: &crate::record::Record) -> Option<Decimal> {
    use crate::record::RecordDetail;
    match &record.detail {
        RecordDetail::Penalty(p) => p.amount.map(|a| a.value()),
        RecordDetail::Listing(l) => l.amount.map(|a| a.value()),
        RecordDetail::Arrears(a) => Some(a.amount.value()),
        RecordDetail::Honour(_) | RecordDetail::Commitment(_) => None,
    }
}

impl Compiled {
    fn grade_of(&self, score: Points) -> usize {
        self.grade_mins
            .iter()
            .position(|&min| score >= min)
            .unwrap_or(self.grades.len().saturating_sub(1))
    }

    /// The grade an outcome ends with (its index clamped to the model's lowest grade).
    fn grade_after_vetoes(&self, index: usize) -> &compile::Grade {
        &self.grades[index.min(self.grades.len().saturating_sub(1))]
    }

    fn grade_code(&self, index: usize) -> Arc<str> {
        self.grade_code_ref(index).clone()
    }

    /// The code of a grade by index, empty when out of range.
    fn grade_code_ref(&self, index: usize) -> &Arc<str> {
        self.grades.get(index).map_or(&self.blank, |g| &g.code)
    }
}

impl Tally<'_> {
    fn veto_applies(&self, v: usize, removed: &impl Fn(u32) -> bool) -> bool {
        self.veto_feature[v]
            || self.veto_records[v].iter().inspect(|_| work::step(1)).any(|&r| !removed(r))
    }

    /// [`veto_applies`](Self::veto_applies) with the single record `record` taken away, in one
    /// step: a veto's records are distinct (each pushed once, in record order), so another
    /// record holds it unless `record` is its only one.
    fn veto_applies_without(&self, v: usize, record: u32) -> bool {
        self.veto_feature[v]
            || match self.veto_records[v].as_slice() {
                [] => false,
                [only] => *only != record,
                _ => true,
            }
    }

    /// Score and grade with every record counted. Fills `contributions` (per indicator, after
    /// caps), `unclamped` (per dimension, the subtotal before clamping to `[0, max]`, from which
    /// the plan works out each step) and `dimensions` (the clamped subtotals).
    pub(crate) fn outcome(
        &self,
        contributions: &mut Vec<Points>,
        unclamped: &mut Vec<Points>,
        dimensions: &mut Vec<Points>,
    ) -> Outcome {
        let c = self.c;
        contributions.clear();
        contributions.extend_from_slice(&self.raw);
        unclamped.clear();
        unclamped.extend(c.dimensions.iter().map(|d| d.base));
        for (counting, points) in c.counting.iter().zip(contributions.iter_mut()) {
            *points = counting.contribution(*points);
            if let Some(subtotal) = unclamped.get_mut(counting.dimension) {
                *subtotal += *points;
            }
        }
        dimensions.clear();
        dimensions.extend(unclamped.iter().zip(&c.dimensions).map(|(&p, d)| p.clamp(0, d.max)));
        let score: Points = dimensions.iter().sum();
        let grade_by_score = c.grade_of(score);
        let grade = (0..c.vetoes.len())
            .filter(|&v| self.veto_applies(v, &|_| false))
            .map(|v| c.vetoes[v].cap)
            .fold(grade_by_score, usize::max);
        Outcome { score, grade_by_score, grade }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bins of every shape a model may have: bounds whole, fractional, negative, beyond `i64`,
    /// and finer than the fixed-point scale.
    fn bin_tables() -> Vec<Vec<(Option<Threshold>, Points)>> {
        let bound = |s: &str| Some(Threshold::new(s.parse().unwrap_or_default()));
        let mut tables: Vec<Vec<(Option<Threshold>, Points)>> = vec![
            vec![(bound("-1"), 1), (bound("0.5"), 2), (bound("3"), 3), (bound("12.000000001"), 4)],
            vec![(bound("1"), 1), (bound("1.00000000000000000001"), 2), (None, 3)],
            vec![(bound("79228162514264337593543950335"), 1)],
        ];
        let model = compile::compile(&Model::default_model());
        tables.extend(model.indicators.iter().filter_map(|ind| match &ind.rule {
            Rule::Bins { bins, .. } => Some(bins.clone()),
            _ => None,
        }));
        tables
    }

    /// A firm whose records are `records`, JSON objects.
    fn firm_with(records: &[String]) -> Enterprise {
        let json = format!(
            r#"{{"uscc": "91350100M000100Y43", "name": "t", "established_on": "2001-01-01",
                "records": [{}]}}"#,
            records.join(",")
        );
        Enterprise::from_json(&json).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Checking each record's dates as the tally reaches it fails exactly as checking every
    /// date first does: the same record, the same field, on every path.
    #[test]
    fn future_record_dates_fail_as_the_full_date_check_does() {
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let fine = [
            r#"{"kind": "penalty", "severity": "ordinary", "decided_on": "2026-03-02"}"#,
            r#"{"kind": "listing", "list": "dishonest_debtor", "listed_on": "2025-01-01"}"#,
            r#"{"kind": "arrears", "arrears": "tax", "amount": "1000", "since": "2024-05-01"}"#,
        ];
        let future = [
            r#"{"kind": "penalty", "severity": "minor", "decided_on": "2026-07-01"}"#,
            r#"{"kind": "penalty", "severity": "serious", "decided_on": "2025-01-01", "repaired_on": "2026-07-01"}"#,
            r#"{"kind": "listing", "list": "abnormal_operation", "listed_on": "2025-01-01", "removed_on": "2027-01-01"}"#,
            r#"{"kind": "arrears", "arrears": "tax", "amount": "1", "since": "2024-05-01", "paid_on": "2026-12-31"}"#,
            r#"{"kind": "honour", "honour": "high_tech", "awarded_on": "2026-07-01"}"#,
            r#"{"kind": "commitment", "made_on": "2020-01-01", "status": "breached", "resolved_on": "2026-07-01"}"#,
        ];
        let evaluator = Evaluator::default_model();
        let mut scratch = EvaluationScratch::default();
        for bad in future {
            for at in 0..=fine.len() {
                let mut records: Vec<String> = fine.iter().map(|r| r.to_string()).collect();
                records.insert(at, bad.to_owned());
                // A second future record after the first: the first is the one reported.
                records.push(future[0].to_owned());
                let firm = firm_with(&records);
                let expected = firm.check_dates(as_of).err().map(|e| e.to_string());
                assert!(expected.as_deref().is_some_and(|e| e.contains(&format!("records[{at}]"))));
                let full = evaluator.evaluate(&firm, as_of).err().map(|e| e.to_string());
                assert_eq!(full, expected, "{bad} at {at}");
                let reused = evaluator.evaluate_reusing(&firm, as_of, None, &mut scratch);
                assert_eq!(reused.err().map(|e| e.to_string()), expected);
                let plan = evaluator.evaluate_plan_reusing(&firm, as_of, &mut scratch);
                assert_eq!(plan.err().map(|e| e.to_string()), expected);
            }
        }
        // The scratch still gives what a fresh evaluation gives after those failures.
        let firm = firm_with(&fine.map(str::to_owned));
        let fresh = evaluator.evaluate(&firm, as_of).unwrap();
        assert_eq!(evaluator.evaluate_reusing(&firm, as_of, None, &mut scratch).unwrap(), fresh);
    }

    proptest::proptest! {
        /// A whole count finds the bin its `Decimal` finds.
        #[test]
        fn whole_counts_fall_in_the_bins_their_decimals_do(n in 0u32..400, big in proptest::prelude::any::<u32>()) {
            for bins in bin_tables() {
                for n in [n, big, u32::MAX] {
                    let reference = bin_points(&bins, FeatureValue::Amount(Decimal::from(n)));
                    proptest::prop_assert_eq!(bin_points(&bins, FeatureValue::Whole(n)), reference, "{}", n);
                }
            }
        }
    }

    /// A tax grade too old to be in force scores as no grade, and starts no run of A years.
    #[test]
    fn a_tax_grade_no_longer_in_force_scores_as_none() {
        let evaluator = Evaluator::default_model();
        let points = |grades: &str, as_of: &str| {
            let json = format!(
                r#"{{"uscc": "91350100M000100Y43", "name": "t", "established_on": "2001-01-01",
                    "ratings": {{"tax_grades": {grades}}}}}"#
            );
            let firm = Enterprise::from_json(&json).unwrap_or_else(|e| panic!("{e}"));
            let as_of = crate::date::parse_date(as_of).unwrap();
            let evaluation = evaluator.evaluate(&firm, as_of).unwrap();
            let of = |id: &str| {
                let c = evaluation.contributions.iter().find(|c| &*c.indicator == id);
                c.map(|c| c.points).unwrap_or_else(|| panic!("no {id}"))
            };
            (of("tax_grade"), of("consecutive_a_tax_years"))
        };
        let three_a = r#"{"2021": "A", "2022": "A", "2023": "A"}"#;
        let (in_force, run) = points(three_a, "2025-06-30");
        let (stale, no_run) = points(three_a, "2026-06-30");
        let (none, none_run) = points("{}", "2026-06-30");
        assert_eq!((in_force, stale), (Decimal::from(120), none));
        assert!(run > no_run, "{run} {no_run}");
        assert_eq!(no_run, none_run);
    }

    #[test]
    fn evaluators_and_results_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Evaluator>();
        send_sync::<Evaluation>();
        send_sync::<Enterprise>();
        let evaluator = Evaluator::default_model();
        let firm = crate::synth::enterprise(
            &crate::synth::SynthConfig::new(1, 3, crate::date::parse_date("2026-06-30").unwrap()),
            0,
        );
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let expected = evaluator.evaluate(&firm, as_of).unwrap();
        std::thread::scope(|s| {
            let handles: Vec<_> =
                (0..4).map(|_| s.spawn(|| evaluator.evaluate(&firm, as_of).unwrap())).collect();
            for h in handles {
                assert_eq!(h.join().unwrap(), expected);
            }
        });
    }
}
