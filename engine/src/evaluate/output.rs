//! The result of an evaluation: score, grade, dimension subtotals, contributions, vetoes, ranked
//! reasons and the improvement plan. Serialises to the JSON every surface prints.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::uscc::Uscc;

/// A text in Chinese and English, shared with the compiled model rather than copied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Chinese.
    pub zh: Arc<str>,
    /// English.
    pub en: Arc<str>,
}

impl Label {
    /// The text in a language (`zh` or `en`).
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Language of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Chinese.
    #[default]
    Zh,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "zh" => Ok(Lang::Zh),
            "en" => Ok(Lang::En),
            _ => Err(format!("`{s}` is not a language (zh or en)")),
        }
    }
}

/// Which model produced an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelStamp {
    /// Model id.
    pub id: Arc<str>,
    /// Model version.
    pub version: Arc<str>,
    /// Content hash of the model (`sha256:...`).
    pub hash: Arc<str>,
}

/// A dimension's subtotal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DimensionScore {
    /// Dimension id.
    pub id: Arc<str>,
    /// Points earned, within `[0, max_points]`.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
    /// The dimension's maximum.
    #[serde(with = "crate::num::decimal")]
    pub max_points: Decimal,
}

/// What one indicator contributed, and the records that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// Indicator id.
    pub indicator: Arc<str>,
    /// Dimension id.
    pub dimension: Arc<str>,
    /// Points added (negative for deductions), after the indicator's cap.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
    /// Indices (in the enterprise's `records`) of the records counted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<u32>,
    /// For a related-party indicator: the parts that deducted points and the related firms or
    /// controllers behind them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<super::RelatedPartyCause>,
}

/// A veto that capped the grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedVeto {
    /// Veto id.
    pub id: Arc<str>,
    /// The best grade it allows.
    pub cap: Arc<str>,
    /// Records that triggered it (empty for a feature veto).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<u32>,
}

/// A principal reason: why the score or grade is not higher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Indicator or veto id.
    pub code: Arc<str>,
    /// Points the indicator cost (its maximum minus its points, or its deduction); `null` for
    /// a veto, which caps the grade rather than costing points.
    #[serde(with = "crate::num::opt_decimal")]
    pub points_lost: Option<Decimal>,
    /// The reason text.
    pub text: Label,
    /// Records behind the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<u32>,
}

/// One actionable step of the improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStep {
    /// Index of the record the step removes.
    pub record: u32,
    /// The record's id, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// The record's class (`penalty.ordinary`).
    pub class: crate::record::RecordClass,
    /// What to do.
    pub action: Label,
    /// First date on which the step can take effect.
    #[serde(with = "crate::date::iso")]
    pub possible_from: Date,
    /// Points gained by this step alone.
    #[serde(with = "crate::num::decimal")]
    pub gain: Decimal,
    /// Score after this step alone.
    #[serde(with = "crate::num::decimal")]
    pub score_after: Decimal,
    /// Grade after this step alone.
    pub grade_after: Arc<str>,
}

/// What the enterprise can do to raise its score, with the outcome of doing all of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// Steps, most valuable first (then earliest, then record order).
    pub steps: Vec<PlanStep>,
    /// Score once every step is taken.
    #[serde(with = "crate::num::decimal")]
    pub score_after: Decimal,
    /// Grade once every step is taken.
    pub grade_after: Arc<str>,
}

/// The evaluation of one enterprise on one date by one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// The enterprise.
    pub uscc: Uscc,
    /// Its name.
    pub name: String,
    /// Evaluation date.
    #[serde(with = "crate::date::iso")]
    pub as_of: Date,
    /// Total score.
    #[serde(with = "crate::num::decimal")]
    pub score: Decimal,
    /// Highest possible score.
    #[serde(with = "crate::num::decimal")]
    pub max_score: Decimal,
    /// Grade after vetoes.
    pub grade: Arc<str>,
    /// The grade's label.
    pub grade_label: Label,
    /// Grade the score alone would give.
    pub grade_by_score: Arc<str>,
    /// Dimension subtotals, in model order.
    pub dimensions: Vec<DimensionScore>,
    /// Vetoes applied.
    pub vetoes: Vec<AppliedVeto>,
    /// Principal reasons, most important first.
    pub reasons: Vec<Reason>,
    /// The improvement plan.
    pub plan: Plan,
    /// Every indicator's contribution, in model order.
    pub contributions: Vec<Contribution>,
    /// The model that produced this.
    pub model: ModelStamp,
}

impl Evaluation {
    /// Compact JSON, the format of one line of `xinyong evaluate` output.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Pretty JSON, the format of golden files.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A principal reason without its text: the compact form of batch output.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonCode<'a> {
    /// Indicator or veto id.
    pub code: &'a str,
    /// Points lost; `null` for a veto.
    #[serde(with = "crate::num::opt_decimal")]
    pub points_lost: Option<Decimal>,
}

/// The compact view of an evaluation: score, grade, dimensions, vetoes and reason codes, without
/// texts, contributions or plan. What `xinyong evaluate` prints unless asked to explain.
#[derive(Debug, Clone, Serialize)]
pub struct Summary<'a> {
    /// The enterprise.
    pub uscc: &'a Uscc,
    /// Its name.
    pub name: &'a str,
    /// Evaluation date.
    #[serde(with = "crate::date::iso")]
    pub as_of: Date,
    /// Total score.
    #[serde(with = "crate::num::decimal")]
    pub score: Decimal,
    /// Grade after vetoes.
    pub grade: &'a str,
    /// Grade the score alone would give.
    pub grade_by_score: &'a str,
    /// Dimension subtotals.
    pub dimensions: &'a [DimensionScore],
    /// Vetoes applied.
    pub vetoes: &'a [AppliedVeto],
    /// Principal reason codes.
    pub reasons: Vec<ReasonCode<'a>>,
    /// Points the plan could gain in all.
    #[serde(with = "crate::num::decimal")]
    pub plan_gain: Decimal,
    /// The model.
    pub model: &'a ModelStamp,
}

impl Evaluation {
    /// The compact view.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            uscc: &self.uscc,
            name: &self.name,
            as_of: self.as_of,
            score: self.score,
            grade: &self.grade,
            grade_by_score: &self.grade_by_score,
            dimensions: &self.dimensions,
            vetoes: &self.vetoes,
            reasons: self
                .reasons
                .iter()
                .map(|r| ReasonCode { code: &r.code, points_lost: r.points_lost })
                .collect(),
            plan_gain: (self.plan.score_after - self.score).normalize(),
            model: &self.model,
        }
    }
}
