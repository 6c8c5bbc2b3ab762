//! Financing matching (信易贷 / 银税互动): which bank products fit a firm's financing demand, at
//! what estimated limit and rate, ranked; and for each product it narrowly misses, which
//! conditions failed and by how much, and whether the improvement plan would close them.
//!
//! The catalog format, conditions, limit formula and ranking are documented in
//! `docs/finance.md`.
//!
//! ```
//! use xinyong::finance::{Catalog, Demand, Matcher, MatchOptions};
//! use xinyong::{Evaluator, date::parse_date};
//! let evaluator = Evaluator::default_model();
//! let catalog = Catalog::from_json(r#"{"products": [{"id": "p1", "bank": "示例银行",
//!     "name": "税易贷", "amount": {"min": "10000", "max": "1000000"},
//!     "term_months": {"min": 1, "max": 12}, "rate": {"spread": "0.5"}}]}"#,
//!     evaluator.model())?;
//! let demand = Demand::from_json(r#"{"amount": "300000", "term_months": 12,
//!     "enterprise": {"uscc": "91350900587527783P", "name": "宁德示例制造有限公司",
//!                    "established_on": "2012-05-18"}}"#)?;
//! let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
//! let result = matcher.match_demand(&demand, parse_date("2026-06-30").unwrap_or_default())?;
//! assert_eq!(result.eligible[0].rate_percent.to_string(), "3.50");
//! # Ok::<(), xinyong::Error>(())
//! ```

mod columns;
mod compiled;
mod conditions;
mod demand;
mod gap;
mod graph_facts;
mod index;
mod limit;
mod matching;
mod offer;
mod product;
mod screen;
mod screened;
pub(crate) mod synthetic;
mod validate;

pub use conditions::{ConditionId, yuan};
pub use demand::Demand;
pub use gap::Gap;
pub use graph_facts::{GraphFacts, GraphSource};
pub use index::CatalogIndex;
pub use limit::{Bound, BoundKind, Bounds};
pub use matching::{DemandMatch, MatchOptions, RankKey, ReferenceRate};
pub use offer::{NearMiss, Offer, ProductRef};
pub use product::{
    AmountRange, Catalog, Collateral, Conditions, Industries, LimitRule, Product, RateRule,
    TermRange,
};

use std::io::BufRead;

use crate::batch::{BatchSummary, LineLimits};
use crate::date::Date;
use crate::error::Result;
use crate::evaluate::{Evaluation, EvaluationScratch, Evaluator};
use compiled::CompiledCatalog;
use screened::{Compiled, MatchBuffers};

/// A catalog indexed for matching, with an evaluator and the ranking options.
#[derive(Debug, Clone)]
pub struct Matcher<'a> {
    evaluator: &'a Evaluator,
    catalog: &'a Catalog,
    index: CatalogIndex,
    /// The catalog compiled for the screen, index for index.
    compiled: CompiledCatalog,
    options: MatchOptions,
    /// Where graph facts come from; without it, from the demands.
    graph: Option<&'a GraphSource<'a>>,
}

impl<'a> Matcher<'a> {
    /// Indexes and compiles the catalog once for many demands.
    pub fn new(evaluator: &'a Evaluator, catalog: &'a Catalog, options: MatchOptions) -> Self {
        let index = CatalogIndex::new(catalog);
        let reference = options.reference_rate.percent;
        let compiled = CompiledCatalog::new(catalog, &index, reference);
        Matcher { evaluator, catalog, index, compiled, options, graph: None }
    }

    /// Computes the graph facts of every demand from a relationship graph (guarantee circles
    /// on the source's date, close links of the guarantor named), ignoring any facts the
    /// demands state.
    pub fn with_graph(mut self, source: &'a GraphSource<'a>) -> Self {
        self.graph = Some(source);
        self
    }

    /// Evaluates the demand's enterprise on `as_of` and matches it against the index's
    /// candidates, screened through the compiled catalog. Fails only when the evaluation fails
    /// (a date after `as_of`).
    pub fn match_demand(&self, demand: &Demand, as_of: Date) -> Result<DemandMatch> {
        self.match_reusing(demand, as_of, &mut MatchScratch::default())
    }

    /// [`match_demand`](Self::match_demand), reusing `scratch` from one call to the next: a
    /// batch keeps the evaluation's cut-offs of its date and the working vectors of
    /// matching rather than allocating them for every demand. Gives exactly what
    /// `match_demand` gives.
    pub fn match_reusing(
        &self,
        demand: &Demand,
        as_of: Date,
        scratch: &mut MatchScratch,
    ) -> Result<DemandMatch> {
        let (evaluation, facts) = self.firm(demand, as_of, Some(&mut scratch.evaluation))?;
        let c = Compiled {
            catalog: self.catalog,
            evaluator: self.evaluator,
            compiled: &self.compiled,
            index: &self.index,
        };
        let firm = (&evaluation, facts);
        let matched =
            screened::match_indexed(&c, &self.options, demand, firm, as_of, &mut scratch.matching);
        // The result keeps what it needs of the evaluation; the next demand's is written into
        // its vectors.
        scratch.evaluation.recycle(evaluation);
        Ok(matched)
    }

    /// As [`Matcher::match_demand`], but testing every product, condition by condition in
    /// `Decimal`: the naive reference that the index and the screen are checked against.
    pub fn match_demand_full_scan(&self, demand: &Demand, as_of: Date) -> Result<DemandMatch> {
        let (evaluation, facts) = self.firm(demand, as_of, None)?;
        let all = 0..self.catalog.products().len();
        let c = (self.catalog, self.evaluator, &self.compiled);
        let firm = (&evaluation, facts);
        Ok(matching::match_candidates(c, &self.options, demand, firm, as_of, all))
    }

    /// The evaluation of the demand's enterprise and its graph facts; a batch hands its
    /// evaluation scratch.
    fn firm(
        &self,
        demand: &Demand,
        as_of: Date,
        scratch: Option<&mut EvaluationScratch>,
    ) -> Result<(Evaluation, GraphFacts)> {
        let e = &demand.enterprise;
        let evaluation = match scratch {
            // Matching reads the score, the grade and the plan; the reference path below
            // evaluates in full.
            Some(scratch) => self.evaluator.evaluate_plan_reusing(e, as_of, scratch)?,
            None => self.evaluator.evaluate(e, as_of)?,
        };
        let facts = match self.graph {
            Some(source) => {
                let backed = demand.collateral == Collateral::Guarantee;
                let guarantor = demand.guarantor.as_deref().filter(|_| backed);
                source.facts(demand.enterprise.uscc.as_str(), guarantor)?
            }
            None => demand.graph_facts,
        };
        Ok((evaluation, facts))
    }

    /// Matches many demands; one result per demand, in order, errors included.
    pub fn match_all(&self, demands: &[Demand], as_of: Date) -> Vec<Result<DemandMatch>> {
        let mut scratch = MatchScratch::default();
        demands.iter().map(|d| self.match_reusing(d, as_of, &mut scratch)).collect()
    }

    /// Reads and matches demands given as JSON texts (one per item, e.g. JSON Lines); a text
    /// that does not read yields its error and the batch goes on, so the count out equals the
    /// count in.
    pub fn match_texts<'t>(
        &self,
        texts: impl IntoIterator<Item = &'t str>,
        as_of: Date,
    ) -> Vec<Result<DemandMatch>> {
        let mut scratch = MatchScratch::default();
        let one = |t: &str| self.match_reusing(&Demand::from_json(t)?, as_of, &mut scratch);
        texts.into_iter().map(one).collect()
    }

    /// Streams demands as JSON Lines from `reader`, handing `(index, line number, result)` to `emit` in
    /// input order; memory stays flat whatever the input size. A line that does not read or
    /// match yields its error and the stream goes on; it stops early only if the reader fails
    /// (an [`Error::Io`](crate::Error::Io)) or `emit` returns an error.
    pub fn match_jsonl<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        limits: LineLimits,
        emit: impl FnMut(usize, usize, Result<DemandMatch>) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        let mut scratch = MatchScratch::default();
        let work = |text: &str| self.match_reusing(&Demand::from_json(text)?, as_of, &mut scratch);
        crate::batch::for_each_line(reader, limits, work, emit)
    }

    /// [`match_jsonl`](Self::match_jsonl) lending each result to `emit` and taking it back
    /// afterwards ([`MatchScratch::recycle`]): for a caller that only reads the results (writes
    /// them out, counts them), the next demand's offers are written into the same vectors.
    /// The results, their order and the errors are the same as `match_jsonl`'s.
    pub fn match_jsonl_lending<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        limits: LineLimits,
        mut emit: impl FnMut(usize, usize, &Result<DemandMatch>) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        let mut scratch = MatchScratch::default();
        // The result last lent, on its way back to the scratch.
        let returned: std::cell::Cell<Option<DemandMatch>> = std::cell::Cell::new(None);
        let work = |text: &str| {
            let demand = Demand::from_json(text)?;
            if let Some(used) = returned.take() {
                scratch.recycle(used);
            }
            self.match_reusing(&demand, as_of, &mut scratch)
        };
        let lend = |index, line, result: Result<DemandMatch>| {
            let written = emit(index, line, &result);
            returned.set(result.ok());
            written
        };
        crate::batch::for_each_line(reader, limits, work, lend)
    }
}

/// What a batch of matches reuses from one demand to the next (see
/// [`Matcher::match_reusing`]): the evaluation's scratch and the working vectors of
/// matching. One per thread; it holds nothing of a demand between calls that could change a
/// result, and may be used with any matcher and any date.
#[derive(Debug, Default)]
pub struct MatchScratch {
    evaluation: EvaluationScratch,
    matching: MatchBuffers,
}

impl MatchScratch {
    /// A fresh scratch.
    pub fn new() -> MatchScratch {
        MatchScratch::default()
    }

    /// Hands back a result the caller has finished reading: the next
    /// [`Matcher::match_reusing`] writes its offers and near misses into the result's vectors
    /// instead of allocating new ones (a demand's offers are some 8 KB, written into memory
    /// already in cache). The result returned is the same either way.
    pub fn recycle(&mut self, used: DemandMatch) {
        self.matching.recycle(used);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic demands as JSON Lines, bad lines and demands without an id mixed in, and a
    /// matcher of a synthetic catalog whose demands get from none to dozens of offers.
    fn synthetic_batch(offers: Option<usize>, f: impl FnOnce(&Matcher<'_>, &str, Date)) {
        let evaluator = Evaluator::default_model();
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let products = synthetic::catalog(&synthetic::CatalogConfig::new(300, 4));
        let catalog = Catalog::new(products, evaluator.model()).unwrap();
        let options = MatchOptions { offers, ..MatchOptions::default() };
        let matcher = Matcher::new(&evaluator, &catalog, options);
        let mut text = String::new();
        let firms = crate::synth::SynthConfig::new(150, 9, as_of);
        for (i, mut demand) in synthetic::demands(&firms).enumerate() {
            // Some without an id, after one with: a recycled result's id must not stay.
            if i % 3 == 1 {
                demand.id = None;
            }
            text.push_str(&demand.to_json());
            text.push('\n');
            if i % 40 == 7 {
                text.push_str("{\"amount\": \"1\"}\n");
            }
        }
        f(&matcher, &text, as_of);
    }

    #[test]
    fn lent_results_are_those_given_and_recycling_changes_none() {
        for offers in [None, Some(5)] {
            synthetic_batch(offers, |matcher, text, as_of| {
                let mut given = Vec::new();
                let limits = LineLimits::default();
                let summary = matcher
                    .match_jsonl(text.as_bytes(), as_of, limits, |index, line, result| {
                        given.push((index, line, result.map_err(|e| e.kind())));
                        Ok(())
                    })
                    .unwrap();
                let mut lent = Vec::new();
                let lent_summary = matcher
                    .match_jsonl_lending(text.as_bytes(), as_of, limits, |index, line, result| {
                        let result = match result {
                            Ok(m) => Ok(m.clone()),
                            Err(e) => Err(e.kind()),
                        };
                        lent.push((index, line, result));
                        Ok(())
                    })
                    .unwrap();
                assert_eq!(lent, given);
                assert_eq!(lent_summary, summary);
                assert!(summary.failed > 0 && summary.evaluated > 100, "{summary:?}");
                let counts: Vec<usize> = (given.iter())
                    .filter_map(|(_, _, r)| Some(r.as_ref().ok()?.eligible.len()))
                    .collect();
                let (least, most) = (counts.iter().min(), counts.iter().max());
                assert!(least < most, "offers per demand from {least:?} to {most:?}");
            });
        }
    }

    #[test]
    fn a_stream_of_demands_keeps_going_past_bad_lines() {
        let evaluator = Evaluator::default_model();
        let text = include_str!("../../../fixtures/finance/catalog.json");
        let catalog = Catalog::from_json(text, evaluator.model()).unwrap();
        let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
        let demands = include_str!("../../../fixtures/finance/demands.jsonl");
        let input = format!("{{\"amount\": 1}}\n\n{demands}");
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let mut seen = Vec::new();
        let summary = matcher
            .match_jsonl(input.as_bytes(), as_of, LineLimits::default(), |_, line, result| {
                seen.push((line, result.map(|m| m.demand).map_err(|e| e.kind())));
                Ok(())
            })
            .unwrap();
        assert_eq!((summary.records, summary.evaluated, summary.failed), (5, 4, 1));
        assert_eq!(seen[0], (1, Err("invalid_field")));
        assert_eq!(seen[1], (3, Ok(Some("xm-clean".to_owned()))));
        assert_eq!(seen.len(), 5);
    }
}
