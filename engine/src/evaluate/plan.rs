//! The improvement plan: which records can be repaired or cured, from when, and what each step
//! is worth. Each step's gain is the exact difference in score (caps, dimension bounds and vetoes
//! included): for one record, by updating its indicator and dimension; for all steps together, by
//! recomputing the tally without them.

use rust_decimal::Decimal;

use super::assemble::{share, share_label};
use super::compile::Rule;
use super::compile::{CountKind, Repair};
use super::fixed::{self, Points};
use super::{Now, Outcome, Plan, PlanStep, Tally, work};
use crate::date::{Date, add_months};
use crate::record::{Enterprise, RecordClass, RecordDetail};

/// The plan's working lists, kept by the scratch between evaluations.
#[derive(Default)]
pub(super) struct PlanBuffers {
    candidates: Vec<u32>,
    repairable: Vec<u32>,
    ranked: Vec<Ranked>,
    contributions: Vec<Points>,
    dimensions: Vec<Points>,
    /// Per record, whether the plan takes it away: all false between uses.
    taken: Vec<bool>,
    /// Strings of record ids no longer in use by the plan, to hold the next ids.
    spare_ids: Vec<String>,
    /// Steps a shorter plan left over, to be written over by a longer one rather than dropped
    /// and built anew (each holds three shared texts and perhaps an id).
    spare_steps: Vec<PlanStep>,
}

/// Sets `slot` to a copy of `id`, reusing a string from `spare` (and putting one back) rather
/// than allocating and freeing one as steps with and without ids change places.
fn set_id(slot: &mut Option<String>, id: &Option<String>, spare: &mut Vec<String>) {
    match (slot.as_mut(), id) {
        (Some(to), Some(from)) => to.clone_from(from),
        (Some(_), None) => spare.extend(slot.take()),
        (None, Some(from)) => {
            let mut to = spare.pop().unwrap_or_default();
            to.clone_from(from);
            *slot = Some(to);
        }
        (None, None) => {}
    }
}

/// Writes `step` of the record `record` into `item`, over whatever step it held.
fn write_step(
    item: &mut PlanStep,
    step: &Ranked,
    record: &crate::record::Record,
    repair: &Repair,
    grade_after: &std::sync::Arc<str>,
    score_now: Points,
    spare_ids: &mut Vec<String>,
) {
    item.record = step.index;
    set_id(&mut item.record_id, &record.id, spare_ids);
    item.class = step.class;
    share_label(&mut item.action, &repair.action);
    item.possible_from = step.from;
    item.gain = fixed::to_decimal(step.gain);
    item.score_after = fixed::to_decimal(score_now + step.gain);
    share(&mut item.grade_after, grade_after);
}

/// A step before it is written out: what ranks it, and the grade after it (its score after is
/// the score now plus its gain). Kept small, as the sort moves it about.
#[derive(Clone, Copy)]
struct Ranked {
    gain: Points,
    from: Date,
    index: u32,
    class: RecordClass,
    grade: u32,
}

/// Score and grade once some records are removed, from the outcome with every record counted:
/// only the record indicators that lose points, and their dimensions, change.
struct Single<'t, 'a> {
    tally: &'t Tally<'a>,
    now: &'t Now<'t>,
}

impl Single<'_, '_> {
    /// How much the unclamped subtotal of indicator `indicator`'s dimension changes when the
    /// indicator loses `lost` of its raw points (none unless it counts records).
    fn change(&self, indicator: usize, lost: Points) -> Points {
        let c = self.tally.c;
        match c.counting[indicator].kind {
            CountKind::AsIs => 0,
            _ => {
                c.counting[indicator].contribution(self.tally.raw[indicator] - lost)
                    - self.now.contributions[indicator]
            }
        }
    }

    /// The outcome of a score, with the vetoes that still apply.
    fn graded(&self, score: Points, veto_applies: impl Fn(usize) -> bool) -> Outcome {
        let c = self.tally.c;
        let grade_by_score = c.grade_of(score);
        let grade = (0..c.vetoes.len())
            .filter(|&v| veto_applies(v))
            .map(|v| c.vetoes[v].cap)
            .fold(grade_by_score, usize::max);
        Outcome { score, grade_by_score, grade }
    }

    /// The outcome without `record`, whose hit (if it counted) is `hit`.
    fn without(&self, record: u32, hit: Option<&super::Hit>) -> Outcome {
        let c = self.tally.c;
        let mut score = self.now.outcome.score;
        if let Some(hit) = hit {
            let d = c.indicators[hit.indicator].dimension;
            let max = c.dimensions[d].max;
            let before = self.now.unclamped[d];
            let after = before + self.change(hit.indicator, hit.points);
            score += after.clamp(0, max) - before.clamp(0, max);
        }
        self.graded(score, |v| self.tally.veto_applies_without(v, record))
    }

    /// The outcome without every record for which `taken` is set: the points each indicator
    /// loses gathered in `lost` (per indicator) and the subtotals in `dimensions` (per
    /// dimension), both working lists.
    fn without_all(
        &self,
        taken: &[bool],
        lost: &mut Vec<Points>,
        dimensions: &mut Vec<Points>,
    ) -> Outcome {
        let c = self.tally.c;
        let removed = |r: u32| taken.get(r as usize).copied().unwrap_or(false);
        lost.clear();
        lost.resize(c.indicators.len(), 0);
        work::step(self.tally.hits.len());
        for hit in self.tally.hits.iter().filter(|h| removed(h.record)) {
            lost[hit.indicator] += hit.points;
        }
        dimensions.clear();
        dimensions.extend_from_slice(self.now.unclamped);
        // Only record indicators lose points; one that loses none changes nothing.
        for &i in &c.summed {
            let points = lost.get(i).copied().unwrap_or_default();
            if points != 0 {
                dimensions[c.counting[i].dimension] += self.change(i, points);
            }
        }
        let score: Points =
            dimensions.iter().zip(&c.dimensions).map(|(&p, d)| p.clamp(0, d.max)).sum();
        self.graded(score, |v| {
            self.tally.veto_applies(v, &|r| {
                work::step(1);
                removed(r)
            })
        })
    }
}

impl super::Evaluator {
    /// The grade of the enterprise on `as_of` once the records flagged in `taken` (by index)
    /// are taken away, computed as the plan computes its total ([`Plan::grade_after`] is this
    /// grade for every step's record): a caller asks what part of the plan reaches a grade,
    /// and when. Evaluated without a related-party context, as a matcher evaluates.
    pub(crate) fn grade_without(
        &self,
        firm: &Enterprise,
        as_of: Date,
        taken: &[bool],
    ) -> crate::Result<std::sync::Arc<str>> {
        let mut buffers = super::scratch::TallyBuffers::default();
        self.scored(firm, as_of, None, None, &mut buffers, |tally, now, _| {
            let after = Single { tally, now }.without_all(taken, &mut vec![], &mut vec![]);
            tally.c.grade_code_ref(after.grade).clone()
        })
    }
}

/// Writes the improvement plan into `out`, reusing its steps' storage. Kept out of line, as
/// the assembly is: inlined, the whole evaluation measured more instructions.
#[inline(never)]
pub(super) fn plan(
    tally: &Tally<'_>,
    now: &Now<'_>,
    e: &Enterprise,
    as_of: Date,
    buffers: &mut PlanBuffers,
    out: &mut Plan,
) {
    let c = tally.c;
    let PlanBuffers {
        candidates,
        repairable,
        ranked,
        contributions: all,
        dimensions,
        taken,
        spare_ids,
        spare_steps,
    } = buffers;
    candidates.clear();
    work::step(tally.hits.len());
    for h in &tally.hits {
        if h.in_force
            && matches!(c.indicators[h.indicator].rule, Rule::Records { bonus: false, .. })
        {
            candidates.push(h.record);
        }
    }
    // Hits come in record order, one per record, so the list is sorted and without repeats. A
    // veto's records are mostly counted by a costly indicator already: only the others are
    // added, and only then is the list sorted again.
    let counted = candidates.len();
    for &record in tally.veto_records.iter().flatten() {
        work::step(counted.max(1).ilog2() as usize + 1);
        if candidates[..counted].binary_search(&record).is_err() {
            candidates.push(record);
        }
    }
    if candidates.len() > counted {
        work::step(candidates.len());
        candidates.sort_unstable_by(|a, b| {
            work::step(1);
            a.cmp(b)
        });
        candidates.dedup();
    }

    repairable.clear();
    let single = Single { tally, now };
    ranked.clear();
    // Candidates and hits are both in record order: one cursor finds each candidate's hit.
    let mut cursor = 0;
    for &index in candidates.iter() {
        work::step(1);
        while tally.hits.get(cursor).is_some_and(|h| h.record < index) {
            work::step(1);
            cursor += 1;
        }
        let hit = tally.hits.get(cursor).filter(|h| h.record == index);
        let Some(record) = e.records.get(index as usize) else { continue };
        let class = record.class();
        let Some(repair) = &c.repairs[class.index()] else { continue };
        let from = match &record.detail {
            RecordDetail::Penalty(p) if !c.decay.repairable(p) => continue,
            // Repair never takes effect before the minimum disclosure period is over.
            RecordDetail::Penalty(p) => {
                let rule = repair.after_months.map(|m| add_months(p.decided_on, m));
                let from = c.decay.penalty_repair_from(p).max(rule.unwrap_or(p.decided_on));
                // A penalty that stops counting before repair could take effect (a given
                // disclosure end shorter than the minimum period) gains nothing by it: no step.
                // One that stops on that very day (repaired already, or disclosed until the
                // day before) keeps its step, dated when the gain comes. Without a given end
                // or a rule of its own, the end of the minimum period never comes after the
                // penalty's own end, so only those two are looked at.
                let may_end_first = p.disclosure_end.is_some() || rule.is_some();
                if may_end_first && from > c.decay.penalty_end(p) {
                    continue;
                }
                from
            }
            RecordDetail::Listing(l) => {
                let from = add_months(l.listed_on, repair.after_months.unwrap_or(0));
                // An entry in force has not been removed: its end, if any, is its list's term.
                // A step possible only once the list has let the entry go gains nothing.
                if c.decay.listing_end(l).is_some_and(|end| from >= end) {
                    continue;
                }
                from
            }
            _ => add_months(record.start(), repair.after_months.unwrap_or(0)),
        };
        repairable.push(index);
        let after = single.without(index, hit);
        ranked.push(Ranked {
            gain: after.score - now.outcome.score,
            from: from.max(as_of),
            index,
            class,
            grade: u32::try_from(after.grade).unwrap_or(u32::MAX),
        });
    }
    // Most valuable first, then earliest, then record order (stable sort), on the exact
    // fixed-point gains (the order of their decimals).
    ranked.sort_by(|a, b| {
        work::step(1);
        b.gain.cmp(&a.gain).then(a.from.cmp(&b.from))
    });
    let mut k = 0;
    for step in ranked.iter() {
        let Some(record) = e.records.get(step.index as usize) else { continue };
        let class = step.class;
        let Some(repair) = &c.repairs[class.index()] else { continue };
        let grade_after = c.grade_code_ref(step.grade as usize);
        if k == out.steps.len() {
            let item = spare_steps.pop().unwrap_or_else(|| PlanStep {
                record: step.index,
                record_id: None,
                class: step.class,
                action: repair.action.clone(),
                possible_from: step.from,
                gain: Decimal::ZERO,
                score_after: Decimal::ZERO,
                grade_after: grade_after.clone(),
            });
            out.steps.push(item);
        }
        if let Some(item) = out.steps.get_mut(k) {
            write_step(item, step, record, repair, grade_after, now.outcome.score, spare_ids);
        }
        k += 1;
    }
    // The steps beyond this plan stay, with their ids, for the next one.
    work::step(out.steps.len().saturating_sub(k));
    spare_steps.extend(out.steps.drain(k.min(out.steps.len())..));
    let all = if repairable.is_empty() {
        now.outcome
    } else {
        // One flag per record, so each hit and veto record asks in one load instead of a
        // search of the repairable list; the flags are all false again afterwards.
        if taken.len() < e.records.len() {
            taken.resize(e.records.len(), false);
        }
        for &r in repairable.iter() {
            if let Some(flag) = taken.get_mut(r as usize) {
                *flag = true;
            }
        }
        let all = single.without_all(taken, all, dimensions);
        work::step(repairable.len());
        for &r in repairable.iter() {
            if let Some(flag) = taken.get_mut(r as usize) {
                *flag = false;
            }
        }
        all
    };
    out.score_after = fixed::to_decimal(all.score);
    share(&mut out.grade_after, c.grade_code_ref(all.grade));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use crate::evaluate::Evaluation;
    use crate::evaluate::Evaluator;
    use crate::evaluate::scratch::TallyBuffers;
    use crate::synth::{SynthConfig, enterprise};
    use proptest::prelude::*;

    /// The outcome with the records for which `removed` is true taken away, recomputed from the
    /// tally indicator by indicator: what the plan's shortcuts must give.
    fn reference(tally: &Tally<'_>, removed: &dyn Fn(u32) -> bool) -> Outcome {
        let c = tally.c;
        let mut contributions = tally.raw.clone();
        for hit in tally.hits.iter().filter(|h| removed(h.record)) {
            contributions[hit.indicator] -= hit.points;
        }
        let mut dimensions: Vec<Points> = c.dimensions.iter().map(|d| d.base).collect();
        for (ind, points) in c.indicators.iter().zip(contributions.iter_mut()) {
            if let Rule::Records { bonus, cap, .. } = &ind.rule {
                let capped = cap.map_or(*points, |cap| (*points).min(cap));
                *points = if *bonus { capped } else { -capped };
            }
            dimensions[ind.dimension] += *points;
        }
        let score: Points =
            dimensions.iter().zip(&c.dimensions).map(|(&p, d)| p.clamp(0, d.max)).sum();
        let grade_by_score = c.grade_of(score);
        let grade = (0..c.vetoes.len())
            .filter(|&v| {
                tally.veto_feature[v] || tally.veto_records[v].iter().any(|&r| !removed(r))
            })
            .map(|v| c.vetoes[v].cap)
            .fold(grade_by_score, usize::max);
        Outcome { score, grade_by_score, grade }
    }

    /// Every shortcut of the plan against [`reference`] for one firm: the outcome now, each
    /// record taken away alone, the records picked by the bits of `subset` taken away together,
    /// and the steps and totals of the plan the evaluation writes.
    fn shortcuts_agree(firm: &Enterprise, as_of: Date, subset: u64) -> Result<(), TestCaseError> {
        let evaluator = Evaluator::default_model();
        let mut buffers = TallyBuffers::default();
        let tally = evaluator.tally(firm, as_of, None, None, &mut buffers).unwrap();
        let (mut contributions, mut unclamped, mut dimensions) = (vec![], vec![], vec![]);
        let outcome = tally.outcome(&mut contributions, &mut unclamped, &mut dimensions);
        prop_assert_eq!(outcome, reference(&tally, &|_| false));
        let now = Now {
            outcome,
            contributions: &contributions,
            unclamped: &unclamped,
            dimensions: &dimensions,
        };
        let single = Single { tally: &tally, now: &now };
        let records = u32::try_from(firm.records.len()).unwrap();
        for record in 0..records {
            let hit = tally.hits.iter().find(|h| h.record == record);
            prop_assert_eq!(single.without(record, hit), reference(&tally, &|r| r == record));
            for v in 0..tally.c.vetoes.len() {
                prop_assert_eq!(
                    tally.veto_applies_without(v, record),
                    tally.veto_applies(v, &|r| r == record)
                );
            }
        }
        let taken: Vec<bool> = (0..records).map(|r| subset >> (r % 64) & 1 == 1).collect();
        let all = single.without_all(&taken, &mut vec![7], &mut vec![7]);
        prop_assert_eq!(all, reference(&tally, &|r| taken[r as usize]));

        let ev = evaluator.evaluate(firm, as_of).unwrap();
        for step in &ev.plan.steps {
            let after = reference(&tally, &|r| r == step.record);
            prop_assert_eq!(step.score_after, fixed::to_decimal(after.score));
            prop_assert_eq!(step.gain, fixed::to_decimal(after.score - outcome.score));
            prop_assert_eq!(&step.grade_after, tally.c.grade_code_ref(after.grade));
        }
        let steps: Vec<u32> = ev.plan.steps.iter().map(|s| s.record).collect();
        let all = reference(&tally, &|r| steps.contains(&r));
        prop_assert_eq!(ev.plan.score_after, fixed::to_decimal(all.score));
        prop_assert_eq!(&ev.plan.grade_after, tally.c.grade_code_ref(all.grade));
        Ok(())
    }

    /// Plans of many lengths in turn, each result handed back: steps left over by a shorter plan
    /// are written over by the next longer one, and every result equals a fresh evaluation.
    #[test]
    fn steps_left_over_are_reused_without_changing_a_plan() {
        let evaluator = Evaluator::default_model();
        let as_of = parse_date("2026-06-30").unwrap();
        let mut scratch = crate::evaluate::EvaluationScratch::new();
        let mut lengths = Vec::new();
        for (index, mean) in [20u32, 0, 60, 3, 60, 0, 20, 60, 3, 20].into_iter().enumerate() {
            let mut config = SynthConfig::new(1, 7, as_of);
            config.mean_records = mean;
            let firm = enterprise(&config, index);
            let fresh = evaluator.evaluate(&firm, as_of).unwrap();
            let reused = evaluator.evaluate_reusing(&firm, as_of, None, &mut scratch).unwrap();
            assert_eq!(reused, fresh, "firm {index}");
            lengths.push(reused.plan.steps.len());
            scratch.recycle(reused);
        }
        assert!(lengths.windows(2).any(|w| w[0] > w[1]), "{lengths:?}");
        assert!(lengths.windows(2).any(|w| w[0] < w[1]), "{lengths:?}");
    }

    proptest! {
        #[test]
        fn the_plans_shortcuts_agree_with_a_full_recount(
            seed in any::<u64>(),
            index in 0usize..10_000,
            mean in prop::sample::select(vec![0u32, 3, 20, 60]),
            subset in any::<u64>(),
        ) {
            let as_of = parse_date("2026-06-30").unwrap();
            let mut config = SynthConfig::new(1, seed, as_of);
            config.mean_records = mean;
            shortcuts_agree(&enterprise(&config, index), as_of, subset)?;
        }
    }

    /// A firm with one ordinary penalty decided on 2026-05-01 (repair possible from
    /// 2026-08-01), disclosed until `end` when given, evaluated on 2026-06-15.
    fn penalty_until(end: Option<&str>) -> Evaluation {
        let end = end.map_or(String::new(), |d| format!(r#", "disclosure_end": "{d}""#));
        let firm = Enterprise::from_json(&format!(
            r#"{{"uscc": "91350900587527783P", "name": "t", "established_on": "2010-01-01",
                "records": [{{"kind": "penalty", "severity": "ordinary", "domain": "other",
                             "decided_on": "2026-05-01"{end}}}]}}"#
        ))
        .unwrap();
        Evaluator::default_model().evaluate(&firm, parse_date("2026-06-15").unwrap()).unwrap()
    }

    /// Repair is proposed only when the penalty still counts on the day it could take effect.
    #[test]
    fn no_repair_is_proposed_for_a_penalty_that_ends_first() {
        let from = parse_date("2026-08-01").unwrap();
        let proposed = |ev: &Evaluation| -> Vec<Date> {
            ev.plan.steps.iter().filter(|s| s.record == 0).map(|s| s.possible_from).collect()
        };
        // Disclosed past the minimum period, or until its last day: repair can end it from
        // 2026-08-01.
        for end in [None, Some("2026-08-01"), Some("2026-07-31")] {
            assert_eq!(proposed(&penalty_until(end)), [from], "disclosure ending {end:?}");
        }
        // Over before the day repair could take effect: no step.
        for end in ["2026-06-30", "2026-07-30"] {
            let ev = penalty_until(Some(end));
            assert!(ev.contributions.iter().any(|c| !c.records.is_empty()), "still counts");
            assert_eq!(proposed(&ev), [], "disclosure ending {end}");
            assert_eq!(ev.plan.score_after, ev.score, "disclosure ending {end}");
        }
    }

    /// A serious-violation entry may be removed early after a year; the list lets it go by
    /// itself after three. A rule that would date the step later than that proposes nothing.
    #[test]
    fn no_removal_is_proposed_after_the_list_lets_the_entry_go() {
        let firm = Enterprise::from_json(
            r#"{"uscc": "91350900587527783P", "name": "t", "established_on": "2010-01-01",
                "records": [{"kind": "listing", "list": "serious_violation", "listed_on": "2024-03-01"}]}"#,
        )
        .unwrap();
        let as_of = parse_date("2026-06-30").unwrap();
        let steps = |after_months: u32| {
            let mut model = crate::Model::default_model();
            let rule = model.repairs.iter_mut().find(|r| r.records == "listing.serious_violation");
            rule.unwrap().after_months = Some(after_months);
            let ev = Evaluator::new(model).unwrap().evaluate(&firm, as_of).unwrap();
            ev.plan.steps.iter().map(|s| s.possible_from.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(steps(12), ["2026-06-30"]);
        assert_eq!(steps(35), ["2027-02-01"]);
        assert_eq!(steps(36), Vec::<String>::new());
    }

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
