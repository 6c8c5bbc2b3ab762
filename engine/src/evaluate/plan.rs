//! The improvement plan: which records can be repaired or cured, from when, and what each step
//! is worth. Each step's gain is the exact difference in score (caps, dimension bounds and vetoes
//! included): for one record, by updating its indicator and dimension; for all steps together, by
//! recomputing the tally without them.

use super::compile::Rule;
use super::fixed::{self, Points};
use super::{Outcome, Plan, PlanStep, Tally, work};
use crate::date::{Date, add_months};
use crate::record::{Enterprise, RecordDetail};

/// Score and grade once a single record is removed: only its indicator and dimension change.
struct Single<'t, 'a> {
    tally: &'t Tally<'a>,
    /// Per indicator, its contribution now (after caps).
    contributions: &'t [Points],
    /// Per dimension, its subtotal now before clamping to `[0, max]`.
    unclamped: Vec<Points>,
    now: Outcome,
}

impl Single<'_, '_> {
    fn without(&self, record: u32) -> Outcome {
        let c = self.tally.c;
        let mut score = self.now.score;
        let hits = &self.tally.hits;
        // Hits are in record order and a record counts for at most one indicator.
        let probe = |h: &super::Hit| {
            work::step(1);
            h.record
        };
        if let Ok(h) = hits.binary_search_by_key(&record, probe) {
            let hit = hits[h];
            let ind = &c.indicators[hit.indicator];
            if let Rule::Records { bonus, cap, .. } = &ind.rule {
                let raw = self.tally.raw[hit.indicator] - hit.points;
                let capped = cap.map_or(raw, |cap| raw.min(cap));
                let after = if *bonus { capped } else { -capped };
                let d = ind.dimension;
                let dim = &c.dimensions[d];
                let before_dim = self.unclamped[d].clamp(0, dim.max);
                let after_dim = (self.unclamped[d] - self.contributions[hit.indicator] + after)
                    .clamp(0, dim.max);
                score += after_dim - before_dim;
            }
        }
        let grade_by_score = c.grade_of(score);
        let grade = (0..c.vetoes.len())
            .filter(|&v| self.tally.veto_applies(v, &|r| r == record))
            .map(|v| c.vetoes[v].cap)
            .fold(grade_by_score, usize::max);
        Outcome { score, grade_by_score, grade }
    }
}

pub(super) fn plan(
    tally: &Tally<'_>,
    now: &Outcome,
    contributions: &[Points],
    e: &Enterprise,
    as_of: Date,
) -> Plan {
    let c = tally.c;
    let costly = tally.hits.iter().filter(|h| {
        h.in_force && matches!(c.indicators[h.indicator].rule, Rule::Records { bonus: false, .. })
    });
    let mut candidates: Vec<u32> = Vec::with_capacity(tally.hits.len());
    candidates.extend(costly.map(|h| h.record).chain(tally.veto_records.iter().flatten().copied()));
    work::step(candidates.len());
    candidates.sort_unstable_by(|a, b| {
        work::step(1);
        a.cmp(b)
    });
    candidates.dedup();

    let mut steps = Vec::with_capacity(candidates.len());
    let mut repairable = Vec::with_capacity(candidates.len());
    let mut unclamped: Vec<Points> = c.dimensions.iter().map(|d| d.base).collect();
    for (ind, &points) in c.indicators.iter().zip(contributions) {
        unclamped[ind.dimension] += points;
    }
    let unclamped_len = unclamped.len();
    let single = Single { tally, contributions, unclamped, now: *now };
    for &index in &candidates {
        work::step(1);
        let Some(record) = e.records.get(index as usize) else { continue };
        let class = record.class();
        let Some(repair) = &c.repairs[class.index()] else { continue };
        let from = match &record.detail {
            RecordDetail::Penalty(p) if !c.decay.repairable(p) => continue,
            // Repair never takes effect before the minimum disclosure period is over.
            RecordDetail::Penalty(p) => {
                let rule = repair.after_months.map(|m| add_months(p.decided_on, m));
                c.decay.penalty_repair_from(p).max(rule.unwrap_or(p.decided_on))
            }
            _ => add_months(record.start(), repair.after_months.unwrap_or(0)),
        };
        repairable.push(index);
        let after = single.without(index);
        steps.push(PlanStep {
            record: index,
            record_id: record.id.clone(),
            class,
            action: repair.action.clone(),
            possible_from: from.max(as_of),
            gain: fixed::to_decimal(after.score - now.score),
            score_after: fixed::to_decimal(after.score),
            grade_after: c.grade_code(after.grade),
        });
    }
    // Most valuable first, then earliest, then record order (stable sort).
    steps.sort_by(|a, b| {
        work::step(1);
        b.gain.cmp(&a.gain).then(a.possible_from.cmp(&b.possible_from))
    });
    let all = if repairable.is_empty() {
        *now
    } else {
        let removed = |r: u32| {
            work::step(repairable.len().max(1).ilog2() as usize + 1);
            repairable.binary_search(&r).is_ok()
        };
        let mut buffers =
            (Vec::with_capacity(c.indicators.len()), Vec::with_capacity(unclamped_len));
        tally.outcome(&removed, &mut buffers.0, &mut buffers.1)
    };
    Plan { steps, score_after: fixed::to_decimal(all.score), grade_after: c.grade_code(all.grade) }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::date::parse_date;
    use crate::evaluate::Evaluator;

    #[test]
    fn repairing_the_only_dishonesty_entry_lifts_the_veto() {
        let firm = Enterprise::from_json(
            r#"{"uscc": "91350900587527783P", "name": "t", "established_on": "2010-01-01",
                "ratings": {"tax_grades": {"2024": "A", "2025": "A"}, "samr_risk": "A"},
                "finance": {"tax_paid_12m": "2000000", "revenue_12m": "90000000",
                            "social_insurance_headcount": 80, "social_insurance_months_paid_12m": 12},
                "registered_capital": "20000000",
                "records": [{"kind": "listing", "list": "dishonest_debtor", "listed_on": "2026-01-05"}]}"#,
        )
        .unwrap();
        let as_of = parse_date("2026-06-30").unwrap();
        let ev = Evaluator::default_model().evaluate(&firm, as_of).unwrap();
        assert_eq!(ev.grade.as_ref(), "D");
        assert_eq!(ev.plan.steps.len(), 1);
        let step = &ev.plan.steps[0];
        assert_eq!(step.class.to_string(), "listing.dishonest_debtor");
        assert_eq!(step.possible_from, as_of);
        assert_eq!(step.gain, Decimal::from(200));
        assert_eq!(step.grade_after.as_ref(), "A");
        assert_eq!(ev.plan.grade_after.as_ref(), "A");
    }
}
