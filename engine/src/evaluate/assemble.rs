//! Writing the full [`Evaluation`] of a tally: score, grade, dimensions, contributions with
//! their records, vetoes, ranked reasons (the improvement plan is [`super::plan`]'s).
//!
//! The result is written into an existing `Evaluation`, element by element: a batch that hands
//! its previous result back ([`EvaluationScratch::recycle`](super::EvaluationScratch::recycle))
//! refills that result's vectors instead of allocating a fresh set per firm, and a label or id
//! that already points at the model's text is left alone (no reference count touched). Every
//! field is overwritten, so nothing of the previous firm survives.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::compile::{Ceiling, Compiled, Rule};
use super::fixed::{self, Points};
use super::output::{AppliedVeto, Contribution, DimensionScore, Evaluation, Label, Plan, Reason};
use super::{Outcome, Tally, work};
use crate::date::Date;
use crate::record::Enterprise;

/// The assembly's working lists, kept by the scratch between evaluations.
#[derive(Default)]
pub(super) struct AssemblyBuffers {
    /// Vetoes applied, by index in the model.
    applied: Vec<usize>,
    /// Per dimension: the points it could still gain.
    headroom: Vec<Points>,
    /// The losses that become reasons, most first.
    top: Vec<Loss>,
    /// The plan's lists.
    pub(super) plan: super::plan::PlanBuffers,
}

/// An evaluation to be filled: the enterprise's identity and the model's stamp, nothing else.
pub(super) fn blank(c: &Compiled, e: &Enterprise, as_of: Date) -> Evaluation {
    let label = || Label { zh: c.blank.clone(), en: c.blank.clone() };
    Evaluation {
        uscc: e.uscc,
        name: String::new(),
        as_of,
        score: Decimal::ZERO,
        max_score: Decimal::ZERO,
        grade: c.blank.clone(),
        grade_label: label(),
        grade_by_score: c.blank.clone(),
        dimensions: Vec::new(),
        vetoes: Vec::new(),
        reasons: Vec::new(),
        plan: Plan { steps: Vec::new(), score_after: Decimal::ZERO, grade_after: c.blank.clone() },
        contributions: Vec::new(),
        model: c.stamp.clone(),
    }
}

/// Points `slot` at `value`, leaving it untouched when it already does.
pub(super) fn share(slot: &mut Arc<str>, value: &Arc<str>) {
    if !Arc::ptr_eq(slot, value) {
        slot.clone_from(value);
    }
}

/// [`share`] for both texts of a label.
pub(super) fn share_label(slot: &mut Label, value: &Label) {
    share(&mut slot.zh, &value.zh);
    share(&mut slot.en, &value.en);
}

/// Element `k` of `items`, which holds at least `k` elements: the existing one, or `new()`
/// pushed when there are exactly `k`. Callers fill elements in order from 0, then truncate.
pub(super) fn slot<T>(items: &mut Vec<T>, k: usize, new: impl FnOnce() -> T) -> &mut T {
    if k >= items.len() {
        items.push(new());
    }
    let last = items.len() - 1;
    &mut items[k.min(last)]
}

/// Writes everything but the plan into `out`. Kept out of line: inlined beside the plan and
/// the tally, the whole evaluation measured more instructions.
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub(super) fn fill(
    tally: &Tally<'_>,
    now: &Outcome,
    contributions: &[Points],
    dimensions: &[Points],
    e: &Enterprise,
    as_of: Date,
    buffers: &mut AssemblyBuffers,
    out: &mut Evaluation,
) {
    let c = tally.c;
    fill_header(c, now, e, as_of, out);
    fill_dimensions(c, dimensions, out);
    fill_contributions(tally, contributions, out);
    fill_vetoes(tally, &mut buffers.applied, out);
    fill_reasons(tally, contributions, dimensions, buffers, out);
}

/// Writes the firm, the score and the grades, and empties what explains them: the
/// evaluation financing matching reads (the plan is [`super::plan`]'s).
pub(super) fn fill_outline(
    c: &Compiled,
    now: &Outcome,
    e: &Enterprise,
    as_of: Date,
    out: &mut Evaluation,
) {
    fill_header(c, now, e, as_of, out);
    out.dimensions.clear();
    out.contributions.clear();
    out.vetoes.clear();
    out.reasons.clear();
}

/// The firm, date, score, grades and model of an evaluation.
fn fill_header(c: &Compiled, now: &Outcome, e: &Enterprise, as_of: Date, out: &mut Evaluation) {
    out.uscc = e.uscc;
    out.name.clone_from(&e.name);
    out.as_of = as_of;
    out.score = fixed::to_decimal(now.score);
    out.max_score = c.max_score;
    let grade = c.grade_after_vetoes(now.grade);
    share(&mut out.grade, &grade.code);
    share_label(&mut out.grade_label, &grade.label);
    share(&mut out.grade_by_score, c.grade_code_ref(now.grade_by_score));
    share(&mut out.model.id, &c.stamp.id);
    share(&mut out.model.version, &c.stamp.version);
    share(&mut out.model.hash, &c.stamp.hash);
}

fn fill_dimensions(c: &Compiled, dimensions: &[Points], out: &mut Evaluation) {
    let mut k = 0;
    for (d, &points) in c.dimensions.iter().zip(dimensions) {
        let item = slot(&mut out.dimensions, k, || DimensionScore {
            id: d.id.clone(),
            points: Decimal::ZERO,
            max_points: Decimal::ZERO,
        });
        share(&mut item.id, &d.id);
        item.points = fixed::to_decimal(points);
        item.max_points = d.max_decimal;
        k += 1;
    }
    out.dimensions.truncate(k);
}

/// Every evaluated indicator's contribution, in model order, each with its records in record
/// order. The list is brought to its length first, so each indicator writes its own element
/// without a search or a bounds check per step.
fn fill_contributions(tally: &Tally<'_>, contributions: &[Points], out: &mut Evaluation) {
    let c = tally.c;
    let context = tally.related_context;
    // Without a context, a related-party indicator was not evaluated: no contribution.
    let listed = c.listed(context);
    out.contributions.truncate(listed.len());
    while out.contributions.len() < listed.len() {
        out.contributions.push(Contribution {
            indicator: c.blank.clone(),
            dimension: c.blank.clone(),
            points: Decimal::ZERO,
            records: Vec::new(),
            related: Vec::new(),
        });
    }
    for (item, shown) in out.contributions.iter_mut().zip(listed) {
        let i = shown.indicator;
        share(&mut item.indicator, &shown.id);
        share(&mut item.dimension, &shown.dimension);
        item.points = fixed::to_decimal(contributions.get(i).copied().unwrap_or_default());
        item.records.clear();
        match tally.related_causes.iter().find(|(j, _)| *j == i) {
            Some((_, causes)) => item.related.clone_from(causes),
            None => item.related.clear(),
        }
    }
    // Each indicator's records, in record order, in one pass over the hits.
    work::step(tally.hits.len());
    for hit in &tally.hits {
        let slot = c.contribution_slot(hit.indicator, context);
        if let Some(item) = slot.and_then(|k| out.contributions.get_mut(k)) {
            item.records.push(hit.record);
        }
    }
}

fn fill_vetoes(tally: &Tally<'_>, applied: &mut Vec<usize>, out: &mut Evaluation) {
    let c = tally.c;
    applied.clear();
    applied.extend((0..c.vetoes.len()).filter(|&v| tally.veto_applies(v, &|_| false)));
    for (k, &v) in applied.iter().enumerate() {
        let rule = &c.vetoes[v];
        let item = slot(&mut out.vetoes, k, || AppliedVeto {
            id: rule.id.clone(),
            cap: rule.cap_code.clone(),
            records: Vec::new(),
        });
        share(&mut item.id, &rule.id);
        share(&mut item.cap, &rule.cap_code);
        work::step(tally.veto_records[v].len());
        item.records.clear();
        item.records.extend_from_slice(&tally.veto_records[v]);
    }
    out.vetoes.truncate(applied.len());
}

/// The vetoes applied, then the indicators by points lost (most first, ties in model order),
/// at most the model's `max_reasons`. Reads the contributions' records, so runs after them.
fn fill_reasons(
    tally: &Tally<'_>,
    contributions: &[Points],
    dimensions: &[Points],
    buffers: &mut AssemblyBuffers,
    out: &mut Evaluation,
) {
    let c = tally.c;
    let mut k = 0;
    for &v in &buffers.applied {
        let rule = &c.vetoes[v];
        let item = slot(&mut out.reasons, k, || Reason {
            code: rule.id.clone(),
            points_lost: None,
            text: rule.reason.clone(),
            records: Vec::new(),
        });
        share(&mut item.code, &rule.id);
        item.points_lost = None;
        share_label(&mut item.text, &rule.reason);
        work::step(tally.veto_records[v].len());
        item.records.clear();
        item.records.extend_from_slice(&tally.veto_records[v]);
        k += 1;
    }
    let room = c.max_reasons.saturating_sub(k);
    let AssemblyBuffers { headroom, top, .. } = buffers;
    headroom.clear();
    // What each dimension could still gain: no indicator costs more than that (a full
    // dimension costs nothing).
    headroom.extend(
        c.dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| dim.max - dimensions.get(d).copied().unwrap_or_default()),
    );
    let mut ranking = Ranking { top, room };
    ranking.top.clear();
    let per_indicator = c.ceilings.iter().zip(&c.counting).zip(contributions);
    for (i, ((ceiling, counting), &points)) in per_indicator.enumerate() {
        let room_left = headroom.get(counting.dimension).copied().unwrap_or_default();
        match ceiling {
            // What the indicator could still give, or what it took away.
            Ceiling::Best(best) => {
                ranking.offer(Loss {
                    points: (best - points).min(room_left),
                    indicator: i,
                    code: None,
                });
            }
            Ceiling::Reached => {}
            // A card that explains its points lost gives one reason per code.
            Ceiling::Itemised => {
                let codes = tally.card_reasons.iter().enumerate().filter(|(_, r)| r.0 == i);
                for (k, &(_, _, points)) in codes {
                    ranking.offer(Loss {
                        points: points.min(room_left),
                        indicator: i,
                        code: Some(k),
                    });
                }
            }
        }
    }
    for &Loss { points, indicator: i, code } in ranking.top.iter() {
        let ind = &c.indicators[i];
        let item = slot(&mut out.reasons, k, || Reason {
            code: ind.id.clone(),
            points_lost: None,
            text: ind.reason.clone(),
            records: Vec::new(),
        });
        item.points_lost = Some(fixed::to_decimal(points));
        item.records.clear();
        match (code.and_then(|k| tally.card_reasons.get(k)), &ind.rule) {
            (Some((_, code, _)), Rule::Scorecard(card)) => {
                item.code = Arc::from(format!("{}.{code}", ind.id));
                item.text = card.text(code);
            }
            _ => {
                share(&mut item.code, &ind.id);
                share_label(&mut item.text, &ind.reason);
                let slot = c.contribution_slot(i, tally.related_context);
                if let Some(contribution) = slot.and_then(|s| out.contributions.get(s)) {
                    item.records.extend_from_slice(&contribution.records);
                }
            }
        }
        k += 1;
    }
    out.reasons.truncate(k.min(c.max_reasons));
}

/// Points an indicator (or one code of an itemised card) cost: a candidate reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Loss {
    points: Points,
    indicator: usize,
    /// Which of its card's codes, when the card itemises its reasons.
    code: Option<usize>,
}

/// The losses that become reasons: the `room` largest, most first, ties in the order offered
/// (model order, then a card's code order), as a stable sort of every loss would leave them.
/// Kept in order as losses arrive, so no list of every loss is built and sorted.
struct Ranking<'a> {
    top: &'a mut Vec<Loss>,
    room: usize,
}

impl Ranking<'_> {
    /// Takes `loss` in when it costs points and ranks among the `room` largest so far.
    #[inline]
    fn offer(&mut self, loss: Loss) {
        if loss.points <= 0 || self.room == 0 {
            return;
        }
        if self.top.len() >= self.room {
            // Full: only a strictly larger loss displaces the last (an equal one came later).
            match self.top.last() {
                Some(last) if loss.points > last.points => {
                    self.top.pop();
                }
                _ => return,
            }
        }
        // After every loss at least as large: those were offered first.
        let at = self.top.partition_point(|t| t.points >= loss.points);
        self.top.insert(at, loss);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference ranking: every loss that costs points, stably sorted most first, cut to
    /// `room`.
    fn sorted(losses: &[Loss], room: usize) -> Vec<Loss> {
        let mut all: Vec<Loss> = losses.iter().copied().filter(|l| l.points > 0).collect();
        all.sort_by_key(|l| std::cmp::Reverse(l.points));
        all.truncate(room);
        all
    }

    proptest! {
        #[test]
        fn the_ranking_keeps_what_a_stable_sort_keeps(
            points in prop::collection::vec(-3i128..6, 0..30),
            room in 0usize..8,
        ) {
            let losses: Vec<Loss> = points
                .iter()
                .enumerate()
                .map(|(i, &p)| Loss { points: p * 10i128.pow(16), indicator: i, code: None })
                .collect();
            let mut top = Vec::new();
            let mut ranking = Ranking { top: &mut top, room };
            for &loss in &losses {
                ranking.offer(loss);
            }
            prop_assert_eq!(top, sorted(&losses, room));
        }
    }
}
