//! What a batch reuses from one evaluation to the next: the decay cut-offs of its date and the
//! tally's working vectors.

use std::sync::Arc;

use super::assemble::AssemblyBuffers;
use super::compile::Compiled;
use super::fixed::Points;
use super::{Evaluation, Hit, Tally};
use crate::date::Date;
use crate::decay::DecayOn;

/// Reusable state for [`Evaluator::evaluate_with`](super::Evaluator::evaluate_with): one per
/// thread of a batch. Holds nothing of any enterprise between calls that could change a result.
#[derive(Default)]
pub struct EvaluationScratch {
    /// The cut-offs of one model's decay rules on one date (`None` inside when that date is at
    /// the far end of the calendar and the rules apply directly).
    decay: Option<(Arc<Compiled>, Date, Option<DecayOn>)>,
    buffers: TallyBuffers,
    /// A result handed back by the caller, whose vectors the next evaluation refills.
    pub(super) spare: Option<Evaluation>,
}

impl std::fmt::Debug for EvaluationScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvaluationScratch")
            .field("as_of", &self.decay.as_ref().map(|d| d.1))
            .finish()
    }
}

impl EvaluationScratch {
    /// A fresh scratch.
    pub fn new() -> EvaluationScratch {
        EvaluationScratch::default()
    }

    /// Hands back a result the caller has finished reading: the next
    /// [`evaluate_reusing`](super::Evaluator::evaluate_reusing) writes into its vectors
    /// (contributions and their records, vetoes, reasons, plan steps) instead of allocating new
    /// ones. Every field is overwritten; the result returned is the same either way.
    pub fn recycle(&mut self, evaluation: Evaluation) {
        self.spare = Some(evaluation);
    }

    /// The cut-offs for `compiled` on `as_of` (computed when either changed) and the buffers.
    pub(super) fn prepare(
        &mut self,
        compiled: &Arc<Compiled>,
        as_of: Date,
    ) -> (Option<&DecayOn>, &mut TallyBuffers) {
        let current = self
            .decay
            .as_ref()
            .is_some_and(|(model, date, _)| Arc::ptr_eq(model, compiled) && *date == as_of);
        if !current {
            let on = DecayOn::new(&compiled.decay, as_of);
            self.decay = Some((Arc::clone(compiled), as_of, on));
        }
        let decay = self.decay.as_ref().and_then(|(_, _, on)| on.as_ref());
        (decay, &mut self.buffers)
    }
}

/// The vectors of a [`Tally`] and of its outcome, kept empty between evaluations.
#[derive(Default)]
pub(super) struct TallyBuffers {
    raw: Vec<Points>,
    hits: Vec<Hit>,
    veto_records: Vec<Vec<u32>>,
    pub(super) veto_feature: Vec<bool>,
    pub(super) card_reasons: Vec<(usize, Arc<str>, Points)>,
    pub(super) contributions: Vec<Points>,
    pub(super) unclamped: Vec<Points>,
    pub(super) dimensions: Vec<Points>,
    /// The lists of the full evaluation's assembly and plan.
    pub(super) assembly: AssemblyBuffers,
}

impl TallyBuffers {
    /// An empty vector for the indicators' raw points.
    pub(super) fn raw(&mut self, indicators: usize) -> Vec<Points> {
        let mut raw = std::mem::take(&mut self.raw);
        raw.clear();
        raw.reserve(indicators);
        raw
    }

    /// An empty vector for the hits of `records` records.
    pub(super) fn hits(&mut self, records: usize) -> Vec<Hit> {
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        hits.reserve(records);
        hits
    }

    /// One empty list of records per veto.
    #[inline]
    pub(super) fn veto_records(&mut self, vetoes: usize) -> Vec<Vec<u32>> {
        let mut lists = std::mem::take(&mut self.veto_records);
        lists.truncate(vetoes);
        lists.iter_mut().for_each(Vec::clear);
        lists.resize_with(vetoes, Vec::new);
        lists
    }

    /// Takes the vectors back once an evaluation is assembled.
    #[inline]
    pub(super) fn keep(
        &mut self,
        tally: Tally<'_>,
        contributions: Vec<Points>,
        dimensions: Vec<Points>,
    ) {
        let Tally { raw, hits, veto_records, veto_feature, mut card_reasons, .. } = tally;
        card_reasons.clear();
        self.raw = raw;
        self.hits = hits;
        self.veto_records = veto_records;
        self.veto_feature = veto_feature;
        self.card_reasons = card_reasons;
        self.contributions = contributions;
        self.dimensions = dimensions;
    }
}
