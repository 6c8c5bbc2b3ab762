//! The declarative evaluation model: dimensions, indicators, grade bands, vetoes, decay and
//! repair rules, with reason texts in Chinese and English.
//!
//! A model is data (JSON, documented in `docs/model.md`). [`Model::from_json`] reads it and
//! [`Model::validate`] reports every problem with its JSON path; an
//! [`Evaluator`](crate::evaluate::Evaluator) compiles a valid model for fast evaluation. The
//! default model ([`Model::default_model`]) is embedded in the crate.

pub mod features;
mod related;
mod validate;

pub use related::{PerFirm, RelatedPartyRules};

pub(crate) use validate::parse_selector;

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::decay::DecayRules;
use crate::error::{Error, Result};
use crate::scorecard::Scorecard;

/// The embedded default model (1000 points, five dimensions); see `docs/model.md`.
pub const DEFAULT_MODEL_JSON: &str = include_str!("default.json");

/// A text in Chinese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

/// What an indicator does with its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// Points by numeric bins of a feature.
    Bins,
    /// Points by the category of a feature.
    Category,
    /// Points deducted per counting record of a kind, capped.
    Deduction,
    /// Points added per counting record of a kind, capped.
    Bonus,
    /// Points of a statistical scorecard whose inputs are enterprise features.
    Scorecard,
    /// Points deducted for the firm's related parties, read from the evaluation's optional
    /// related-party context; nothing without one.
    RelatedParty,
}

/// One numeric bin: `from` inclusive, `to` exclusive, `null` for unbounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bin {
    /// Lower bound (inclusive); `null`: unbounded.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub from: Option<Decimal>,
    /// Upper bound (exclusive); `null`: unbounded.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub to: Option<Decimal>,
    /// Points for a value in the bin.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
}

/// A factor applied to records whose amount is at least `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmountFactor {
    /// Lowest amount (yuan, inclusive) the factor applies to.
    #[serde(with = "crate::num::decimal")]
    pub from: Decimal,
    /// The multiplier.
    #[serde(with = "crate::num::decimal")]
    pub factor: Decimal,
}

/// One indicator: a rule that turns part of an enterprise into points.
///
/// Fields beyond `id`, `kind`, `name` and `reason` depend on the kind: `bins` uses `feature`,
/// `bins`, `missing`; `category` uses `feature`, `points`, `other`, `missing`; `deduction` and
/// `bonus` use `records`, `points` (by subtype), `amount_factors`, `domain_factors`, `cap`;
/// `scorecard` uses `scorecard` and `reason_codes`; `related_party` uses `related_party` and
/// `cap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Unique id, also the reason code.
    pub id: String,
    /// What the indicator does.
    pub kind: IndicatorKind,
    /// Display name.
    pub name: Text,
    /// The principal-reason text shown when the indicator costs points.
    pub reason: Text,
    /// Feature read by `bins` and `category` indicators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// Bins of a `bins` indicator, ascending and contiguous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bins: Option<Vec<Bin>>,
    /// Record kind of a `deduction` or `bonus` indicator (`penalty`, `listing`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<String>,
    /// Points by category value (`category`) or by record subtype (`deduction`, `bonus`).
    #[serde(default, with = "opt_decimal_map", skip_serializing_if = "Option::is_none")]
    pub points: Option<BTreeMap<String, Decimal>>,
    /// Points for a category value not listed in `points`.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub other: Option<Decimal>,
    /// Points when the feature is missing.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub missing: Option<Decimal>,
    /// Multipliers by record amount, ascending by `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_factors: Option<Vec<AmountFactor>>,
    /// Multipliers by penalty domain.
    #[serde(default, with = "opt_decimal_map", skip_serializing_if = "Option::is_none")]
    pub domain_factors: Option<BTreeMap<String, Decimal>>,
    /// Most points the indicator can deduct or add.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub cap: Option<Decimal>,
    /// The card of a `scorecard` indicator (its JSON form), read from the enterprise's
    /// features and built-in features by field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<Box<Scorecard>>,
    /// Principal-reason texts of a `scorecard` indicator by the card's reason code; a code
    /// without one uses `reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_codes: Option<BTreeMap<String, Text>>,
    /// The parts of a `related_party` indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_party: Option<RelatedPartyRules>,
}

mod opt_decimal_map {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Deserialize, Serialize)]
    struct Wrap(#[serde(with = "crate::num::decimal_map")] BTreeMap<String, Decimal>);

    pub fn serialize<S: Serializer>(
        map: &Option<BTreeMap<String, Decimal>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match map {
            Some(m) => crate::num::decimal_map::serialize(m, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<BTreeMap<String, Decimal>>, D::Error> {
        Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
    }
}

/// A dimension: a group of indicators with a points ceiling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: Text,
    /// Most points the dimension can give; its subtotal is clamped to `[0, max_points]`.
    #[serde(with = "crate::num::decimal")]
    pub max_points: Decimal,
    /// Points the dimension starts from before its indicators (deduction-style dimensions start
    /// at their maximum).
    #[serde(default, with = "crate::num::decimal")]
    pub base_points: Decimal,
    /// The indicators.
    pub indicators: Vec<Indicator>,
}

/// A grade band: scores at or above `min_points` (and below the next better band) get `grade`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// Grade code, e.g. `A`.
    pub grade: String,
    /// Lowest score of the band.
    #[serde(with = "crate::num::decimal")]
    pub min_points: Decimal,
    /// Grade label, e.g. 优 / Excellent.
    pub label: Text,
}

/// A veto (一票否决): while a condition holds, the grade is at best `cap`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    /// Unique id, also the reason code.
    pub id: String,
    /// Record classes (`listing.dishonest_debtor`) that trigger the veto while in force.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
    /// A categorical feature that triggers the veto when it takes one of `values`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The feature values that trigger the veto.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Best grade allowed while the veto applies.
    pub cap: String,
    /// The principal-reason text.
    pub reason: Text,
}

/// How a record can be repaired or cured, for the improvement plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RepairRule {
    /// Record kind (`arrears`) or class (`listing.serious_violation`); a class rule wins over a
    /// kind rule.
    pub records: String,
    /// Months after the record's start from which the step is possible; for penalties, absent
    /// means the end of the minimum disclosure period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_months: Option<u32>,
    /// What to do.
    pub action: Text,
}

/// A complete evaluation model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Model id.
    pub id: String,
    /// Model version.
    pub version: String,
    /// Display name.
    pub name: Text,
    /// Most principal reasons to report.
    #[serde(default = "default_max_reasons")]
    pub max_reasons: usize,
    /// The dimensions, in display order.
    pub dimensions: Vec<Dimension>,
    /// Grade bands, best first.
    pub grades: Vec<GradeBand>,
    /// Vetoes.
    #[serde(default)]
    pub vetoes: Vec<Veto>,
    /// Decay periods.
    #[serde(default)]
    pub decay: DecayRules,
    /// Repair and cure rules for the improvement plan.
    #[serde(default)]
    pub repairs: Vec<RepairRule>,
}

fn default_max_reasons() -> usize {
    4
}

impl Model {
    /// The embedded default model.
    pub fn default_model() -> Model {
        // The embedded file is checked by a unit test; it cannot fail at run time.
        #[allow(clippy::expect_used)]
        serde_json::from_str(DEFAULT_MODEL_JSON).expect("the embedded default model is valid JSON")
    }

    /// Reads a model from JSON text (structure only; call [`Model::validate`] or compile it).
    pub fn from_json(text: &str) -> Result<Model> {
        crate::record::from_json_text(text)
    }

    /// Every problem of the model, each with its JSON path; empty when valid.
    pub fn problems(&self) -> Vec<crate::error::Problem> {
        validate::problems(self)
    }

    /// Checks the model, returning [`Error::InvalidModel`] with every problem found.
    pub fn validate(&self) -> Result<()> {
        let problems = self.problems();
        if problems.is_empty() { Ok(()) } else { Err(Error::InvalidModel { problems }) }
    }

    /// Highest score the model can give: the sum of the dimension maxima.
    pub fn max_points(&self) -> Decimal {
        self.dimensions.iter().map(|d| d.max_points).sum()
    }

    /// The model as pretty JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// `sha256:` and the hex SHA-256 of the model's canonical compact JSON: two models with the
    /// same hash evaluate identically.
    pub fn content_hash(&self) -> String {
        let canonical = serde_json::to_string(self).unwrap_or_default();
        let digest = Sha256::digest(canonical.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }
}
