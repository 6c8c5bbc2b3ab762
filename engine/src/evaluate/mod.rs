//! Evaluation: a [`Model`] compiled into an [`Evaluator`], applied to an [`Enterprise`] on a
//! date, giving an [`Evaluation`].
//!
//! ```
//! use xinyong::{Enterprise, Evaluator, date::parse_date};
//! let evaluator = Evaluator::default_model();
//! let firm = Enterprise::from_json(r#"{"uscc": "91350900587527783P", "name": "寧德示例制造有限公司",
//!     "established_on": "2012-05-18",
//!     "records": [{"kind": "penalty", "severity": "ordinary", "decided_on": "2026-03-02"}]}"#)?;
//! let evaluation = evaluator.evaluate(&firm, parse_date("2026-06-30").unwrap_or_default())?;
//! assert_eq!(evaluation.reasons[0].code.as_ref(), "tax_grade");
//! assert!(evaluation.plan.steps.iter().any(|s| s.class == "penalty.ordinary"));
//! # Ok::<(), xinyong::Error>(())
//! ```

mod compile;
mod explain;
mod output;
mod plan;

use std::sync::Arc;

use rust_decimal::Decimal;

pub use output::{
    AppliedVeto, Contribution, DimensionScore, Evaluation, Label, Lang, ModelStamp, Plan, PlanStep,
    Reason, ReasonCode, Summary,
};

use crate::date::Date;
use crate::error::Result;
use crate::model::Model;
use crate::record::Enterprise;
use compile::{Compiled, Rule};

/// A model compiled for evaluation. Cheap to clone (shared), `Send + Sync`.
#[derive(Clone)]
pub struct Evaluator {
    inner: Arc<Compiled>,
    model: Arc<Model>,
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
    points: Decimal,
    /// Counting in full, not as a residual: only such records can still be repaired.
    in_force: bool,
}

/// Everything the score depends on, kept so the plan can recompute it without a record.
pub(crate) struct Tally<'a> {
    c: &'a Compiled,
    /// Per indicator: points of bins and category rules, uncapped sums of record rules.
    raw: Vec<Decimal>,
    hits: Vec<Hit>,
    /// Per veto: the records in force that trigger it.
    veto_records: Vec<Vec<u32>>,
    /// Per veto: whether a feature triggers it.
    veto_feature: Vec<bool>,
}

/// Score and grade of a tally.
#[derive(Clone)]
pub(crate) struct Outcome {
    contributions: Vec<Decimal>,
    dimensions: Vec<Decimal>,
    score: Decimal,
    grade_by_score: usize,
    grade: usize,
}

impl Evaluator {
    /// Validates and compiles a model.
    pub fn new(model: Model) -> Result<Evaluator> {
        model.validate()?;
        let inner = Arc::new(compile::compile(&model));
        Ok(Evaluator { inner, model: Arc::new(model) })
    }

    /// The embedded default model, compiled.
    pub fn default_model() -> Evaluator {
        let model = Model::default_model();
        let inner = Arc::new(compile::compile(&model));
        Evaluator { inner, model: Arc::new(model) }
    }

    /// The model this evaluator was compiled from.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Id, version and content hash of the model.
    pub fn stamp(&self) -> &ModelStamp {
        &self.inner.stamp
    }

    /// Evaluates one enterprise on `as_of`. Pure: the same inputs give the same result.
    ///
    /// Fails with [`Error::FutureDate`](crate::Error::FutureDate) when a date of the enterprise
    /// lies after `as_of`.
    pub fn evaluate(&self, enterprise: &Enterprise, as_of: Date) -> Result<Evaluation> {
        enterprise.check_dates(as_of)?;
        let tally = self.tally(enterprise, as_of);
        let now = tally.outcome(|_| false);
        let plan = plan::plan(&tally, &now, enterprise, as_of);
        Ok(self.assemble(enterprise, as_of, &tally, &now, plan))
    }

    fn tally<'a>(&'a self, e: &Enterprise, as_of: Date) -> Tally<'a> {
        let c = &*self.inner;
        let mut raw = Vec::with_capacity(c.indicators.len());
        for ind in &c.indicators {
            raw.push(match &ind.rule {
                Rule::Bins { feature, bins, missing } => match feature.value(e, as_of) {
                    None => *missing,
                    Some(v) => bins
                        .iter()
                        .find(|(to, _)| to.is_none_or(|to| v < to))
                        .map_or(*missing, |b| b.1),
                },
                Rule::Category { feature, table, missing } => {
                    feature.value(e).and_then(|i| table.get(i)).copied().unwrap_or(*missing)
                }
                Rule::Records { .. } => Decimal::ZERO,
            });
        }
        let mut hits = Vec::new();
        let mut veto_records = vec![Vec::new(); c.vetoes.len()];
        for (index, record) in e.records.iter().enumerate() {
            let standing = c.decay.standing(&record.detail, as_of);
            if !standing.counts() {
                continue;
            }
            let index = u32::try_from(index).unwrap_or(u32::MAX);
            let class = record.class();
            if standing.in_force {
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
            let mut points = per_record * standing.factor;
            if let Some(value) = record_amount(record)
                && let Some(&(_, f)) = amount.iter().rev().find(|(from, _)| value >= *from)
            {
                points *= f;
            }
            if let crate::record::RecordDetail::Penalty(p) = &record.detail {
                points *= domain.get(p.domain as usize).copied().unwrap_or(Decimal::ONE);
            }
            raw[indicator] += points;
            hits.push(Hit { record: index, indicator, points, in_force: standing.in_force });
        }
        let veto_feature = c
            .vetoes
            .iter()
            .map(|v| {
                v.feature
                    .as_ref()
                    .is_some_and(|(f, values)| f.value(e).is_some_and(|x| values.contains(&x)))
            })
            .collect();
        Tally { c, raw, hits, veto_records, veto_feature }
    }

    fn assemble(
        &self,
        e: &Enterprise,
        as_of: Date,
        tally: &Tally<'_>,
        now: &Outcome,
        plan: Plan,
    ) -> Evaluation {
        let c = &*self.inner;
        let records_of = |indicator: usize| -> Vec<u32> {
            tally.hits.iter().filter(|h| h.indicator == indicator).map(|h| h.record).collect()
        };
        let contributions: Vec<Contribution> = c
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| Contribution {
                indicator: ind.id.clone(),
                dimension: c.dimensions[ind.dimension].id.clone(),
                points: now.contributions[i].normalize(),
                records: records_of(i),
            })
            .collect();
        let vetoes: Vec<AppliedVeto> = c
            .vetoes
            .iter()
            .enumerate()
            .filter(|&(v, _)| tally.veto_applies(v, &|_| false))
            .map(|(v, veto)| AppliedVeto {
                id: veto.id.clone(),
                cap: veto.cap_code.clone(),
                records: tally.veto_records[v].clone(),
            })
            .collect();
        let mut reasons: Vec<Reason> = c
            .vetoes
            .iter()
            .enumerate()
            .filter(|&(v, _)| tally.veto_applies(v, &|_| false))
            .map(|(v, veto)| Reason {
                code: veto.id.clone(),
                points_lost: None,
                text: veto.reason.clone(),
                records: tally.veto_records[v].clone(),
            })
            .collect();
        let mut lost: Vec<(Decimal, usize)> = c
            .indicators
            .iter()
            .enumerate()
            .map(|(i, ind)| {
                let lost = match ind.rule {
                    Rule::Records { bonus: true, .. } => Decimal::ZERO,
                    Rule::Records { bonus: false, .. } => -now.contributions[i],
                    _ => ind.best - now.contributions[i],
                };
                (lost, i)
            })
            .filter(|(lost, _)| *lost > Decimal::ZERO)
            .collect();
        // Most points lost first; ties keep model order (the sort is stable).
        lost.sort_by_key(|&(lost, _)| std::cmp::Reverse(lost));
        reasons.extend(lost.into_iter().map(|(points, i)| Reason {
            code: c.indicators[i].id.clone(),
            points_lost: Some(points.normalize()),
            text: c.indicators[i].reason.clone(),
            records: records_of(i),
        }));
        reasons.truncate(c.max_reasons);
        let grade = &c.grades[now.grade.min(c.grades.len().saturating_sub(1))];
        Evaluation {
            uscc: e.uscc,
            name: e.name.clone(),
            as_of,
            score: now.score.normalize(),
            max_score: c.max_points.normalize(),
            grade: grade.code.clone(),
            grade_label: grade.label.clone(),
            grade_by_score: c.grade_code(now.grade_by_score),
            dimensions: c
                .dimensions
                .iter()
                .zip(&now.dimensions)
                .map(|(d, &points)| DimensionScore {
                    id: d.id.clone(),
                    points: points.normalize(),
                    max_points: d.max.normalize(),
                })
                .collect(),
            vetoes,
            reasons,
            plan,
            contributions,
            model: c.stamp.clone(),
        }
    }
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
    fn grade_of(&self, score: Decimal) -> usize {
        self.grades
            .iter()
            .position(|g| score >= g.min)
            .unwrap_or(self.grades.len().saturating_sub(1))
    }

    fn grade_code(&self, index: usize) -> Arc<str> {
        self.grades.get(index).map_or_else(|| Arc::from(""), |g| g.code.clone())
    }
}

impl Tally<'_> {
    fn veto_applies(&self, v: usize, removed: &dyn Fn(u32) -> bool) -> bool {
        self.veto_feature[v] || self.veto_records[v].iter().any(|&r| !removed(r))
    }

    /// Score and grade with the records for which `removed` is true taken away.
    pub(crate) fn outcome(&self, removed: impl Fn(u32) -> bool) -> Outcome {
        let c = self.c;
        let mut raw = self.raw.clone();
        for hit in self.hits.iter().filter(|h| removed(h.record)) {
            raw[hit.indicator] -= hit.points;
        }
        let mut dimensions: Vec<Decimal> = c.dimensions.iter().map(|d| d.base).collect();
        let contributions: Vec<Decimal> = c
            .indicators
            .iter()
            .zip(&raw)
            .map(|(ind, &raw)| {
                let points = match &ind.rule {
                    Rule::Records { bonus, cap, .. } => {
                        let capped = cap.map_or(raw, |cap| raw.min(cap));
                        if *bonus { capped } else { -capped }
                    }
                    _ => raw,
                };
                dimensions[ind.dimension] += points;
                points
            })
            .collect();
        for (points, d) in dimensions.iter_mut().zip(&c.dimensions) {
            *points = (*points).clamp(Decimal::ZERO, d.max);
        }
        let score: Decimal = dimensions.iter().sum();
        let grade_by_score = c.grade_of(score);
        let grade = (0..c.vetoes.len())
            .filter(|&v| self.veto_applies(v, &removed))
            .map(|v| c.vetoes[v].cap)
            .fold(grade_by_score, usize::max);
        Outcome { contributions, dimensions, score, grade_by_score, grade }
    }
}
