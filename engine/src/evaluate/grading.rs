//! Score-only evaluation: the score, the grade and the vetoes applied, without the explanation.
//!
//! Re-grading a whole registry every night needs only the grade of each firm; the contributions,
//! reasons and improvement plan of the full [`Evaluation`](super::Evaluation) cost more than the
//! score itself. [`Evaluator::grade`] runs the same checks and the same tally as
//! [`Evaluator::evaluate`] and stops at the outcome, so what it returns is, field for field,
//! [`Evaluation::grading`](super::Evaluation::grading) of the full result (and it fails exactly
//! when the full evaluation fails, with the same error).

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use super::scratch::TallyBuffers;
use super::{Evaluation, EvaluationScratch, Evaluator, RelatedParty, fixed};
use crate::date::Date;
use crate::decay::DecayOn;
use crate::error::Result;
use crate::record::Enterprise;
use crate::uscc::Uscc;

/// The score-only view of an evaluation: what [`Evaluator::grade`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grading {
    /// The enterprise's Unified Social Credit Code, so a batch of gradings joins back to the
    /// registry.
    pub uscc: Uscc,
    /// Total score.
    #[serde(with = "crate::num::decimal")]
    pub score: Decimal,
    /// Grade after vetoes.
    pub grade: Arc<str>,
    /// Grade the score alone would give.
    pub grade_by_score: Arc<str>,
    /// Ids of the vetoes applied, in model order.
    pub vetoes: Vec<Arc<str>>,
}

impl Evaluation {
    /// The score, grades and vetoes of this evaluation: what [`Evaluator::grade`] gives for the
    /// same enterprise and date.
    pub fn grading(&self) -> Grading {
        Grading {
            uscc: self.uscc,
            score: self.score,
            grade: self.grade.clone(),
            grade_by_score: self.grade_by_score.clone(),
            vetoes: self.vetoes.iter().map(|v| v.id.clone()).collect(),
        }
    }
}

impl Evaluator {
    /// Score, grade and vetoes of one enterprise on `as_of`, without contributions, reasons or
    /// plan: equal to `evaluate(enterprise, as_of).map(|e| e.grading())`, at a fraction of the
    /// cost. For batches, [`Evaluator::grade_reusing`] keeps a scratch from one call to the next.
    pub fn grade(&self, enterprise: &Enterprise, as_of: Date) -> Result<Grading> {
        self.grade_with(enterprise, as_of, None)
    }

    /// [`grade`](Self::grade) with a related-party context, as
    /// [`evaluate_with`](Self::evaluate_with) takes it: one firm, no scratch (a fresh scratch
    /// would compute every decay cut-off of the date for a single firm).
    pub fn grade_with(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
    ) -> Result<Grading> {
        self.grade_in(enterprise, as_of, related, None, &mut TallyBuffers::default())
    }

    /// [`grade`](Self::grade) with a related-party context (as
    /// [`evaluate_with`](Self::evaluate_with)) and a scratch reused across a batch (as
    /// [`evaluate_reusing`](Self::evaluate_reusing)).
    pub fn grade_reusing(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
        scratch: &mut EvaluationScratch,
    ) -> Result<Grading> {
        let (decay, buffers) = scratch.prepare(&self.inner, as_of);
        self.grade_in(enterprise, as_of, related, decay, buffers)
    }

    fn grade_in(
        &self,
        enterprise: &Enterprise,
        as_of: Date,
        related: Option<&RelatedParty>,
        decay: Option<&DecayOn>,
        buffers: &mut TallyBuffers,
    ) -> Result<Grading> {
        let c = &*self.inner;
        self.scored(enterprise, as_of, related, decay, buffers, |tally, now, _| Grading {
            uscc: enterprise.uscc,
            score: fixed::to_decimal(now.outcome.score),
            grade: c.grade_after_vetoes(now.outcome.grade).code.clone(),
            grade_by_score: c.grade_code(now.outcome.grade_by_score),
            vetoes: (0..c.vetoes.len())
                .filter(|&v| tally.veto_applies(v, &|_| false))
                .map(|v| c.vetoes[v].id.clone())
                .collect(),
        })
    }
}
