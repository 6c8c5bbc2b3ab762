//! A statistical scorecard as one indicator of an evaluation model.
//!
//! The card reads a row built from the enterprise: each active field of the card is a built-in
//! feature when it has a built-in name (`age_years`, `tax_grade`, ...), else the enterprise's
//! own `features` entry of that name, else missing (and then the card's missing policy, or
//! PMML's rule, decides). Its score is the indicator's points, added into the dimension like
//! any indicator's, so the dimension's clamp to `[0, max_points]` bounds it. Its reason codes
//! become principal reasons when they measure points lost (`pointsBelow`, the PMML default).

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::fixed::{self, MAX_POINTS, Points};
use super::output::Label;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::model::Indicator;
use crate::model::features::{CategoryFeature, NumericFeature};
use crate::record::Enterprise;
use crate::scorecard::{PartialScore, ReasonCodeAlgorithm, Row, Scorecard, UsageType, Value};

/// Where one input of the card comes from.
enum Source {
    Numeric(NumericFeature),
    Category(CategoryFeature),
    /// The enterprise's `features` entry of the field's name.
    Extra,
}

/// A compiled scorecard indicator.
pub(super) struct CardRule {
    /// The card with its policies applied once (a valid model's policies always apply).
    card: Scorecard,
    /// Each active field and where its value comes from.
    inputs: Vec<(String, Source)>,
    /// Whether the card's reason codes measure points lost, and so become principal reasons.
    itemised: bool,
    /// Reason texts by the card's reason code.
    texts: BTreeMap<String, Label>,
    /// The indicator's own reason text, for codes without one.
    fallback: Label,
}

/// What the card gave one enterprise.
pub(super) struct CardOutcome {
    pub points: Points,
    /// Reason codes with the points they cost, ranked as the card ranks them; empty unless
    /// the card's codes are itemised.
    pub reasons: Vec<(Arc<str>, Points)>,
}

impl CardRule {
    /// Compiles the card of a validated `scorecard` indicator.
    pub(super) fn new(ind: &Indicator, fallback: Label) -> CardRule {
        let card = ind.scorecard.as_deref().cloned().unwrap_or_else(empty_card);
        let card = card.with_policies_applied().unwrap_or(card);
        let inputs = card
            .mining_fields
            .iter()
            .filter(|m| m.usage_type == UsageType::Active)
            .map(|m| {
                let source =
                    match (NumericFeature::from_name(&m.name), CategoryFeature::from_name(&m.name))
                    {
                        (Some(f), _) => Source::Numeric(f),
                        (None, Some(f)) => Source::Category(f),
                        (None, None) => Source::Extra,
                    };
                (m.name.clone(), source)
            })
            .collect();
        let itemised =
            card.use_reason_codes && card.reasoncode_algorithm == ReasonCodeAlgorithm::PointsBelow;
        let texts = ind
            .reason_codes
            .iter()
            .flatten()
            .map(|(code, text)| (code.clone(), super::compile::label(text)))
            .collect();
        CardRule { card, inputs, itemised, texts, fallback }
    }

    /// The most points the card can give: the initial score plus each characteristic's highest
    /// fixed partial score; `None` when a computed partial score makes it unknown.
    pub(super) fn best(&self) -> Option<Points> {
        let mut best = self.card.initial_score;
        for characteristic in &self.card.characteristics {
            let mut top: Option<Decimal> = None;
            for attribute in &characteristic.attributes {
                let PartialScore::Fixed(points) = attribute.partial_score else { return None };
                top = Some(top.map_or(points, |t| t.max(points)));
            }
            best = best.checked_add(top?)?;
        }
        Some(to_points(best))
    }

    /// Whether the card's reason codes become principal reasons (one per code) instead of one
    /// reason for the whole indicator.
    pub(super) fn itemised(&self) -> bool {
        self.itemised
    }

    /// The reason text of one of the card's codes.
    pub(super) fn text(&self, code: &str) -> Label {
        self.texts.get(code).unwrap_or(&self.fallback).clone()
    }

    /// Scores the enterprise on `as_of`. Errors are the card's, with the indicator id in front
    /// of the path (e.g. `payment_card.income`).
    pub(super) fn score(&self, id: &str, e: &Enterprise, as_of: Date) -> Result<CardOutcome> {
        let row = self.row(e, as_of);
        let (result, points) = self.card.score_with_points(&row).map_err(|err| scoped(id, err))?;
        let reasons = if self.itemised {
            result
                .reason_codes
                .iter()
                .zip(points)
                .map(|(code, lost)| (Arc::from(code.as_str()), to_points(lost)))
                .collect()
        } else {
            Vec::new()
        };
        Ok(CardOutcome { points: to_points(result.score), reasons })
    }

    fn row(&self, e: &Enterprise, as_of: Date) -> Row {
        self.inputs
            .iter()
            .map(|(name, source)| {
                let value = match source {
                    Source::Numeric(f) => f.value(e, as_of).map_or(Value::Missing, Value::Number),
                    Source::Category(f) => f
                        .value(e, as_of)
                        .and_then(|i| f.values().get(i).map(|v| Value::Text((*v).to_owned())))
                        .unwrap_or(Value::Missing),
                    Source::Extra => {
                        e.features.get(name).map_or(Value::Missing, |t| Value::Text(t.clone()))
                    }
                };
                (name.clone(), value)
            })
            .collect()
    }
}

/// Card points to fixed point: bounded to the model's points range (the dimension clamps far
/// inside it anyway) and rounded to the fixed-point scale.
fn to_points(d: Decimal) -> Points {
    let bound = Decimal::from(MAX_POINTS);
    fixed::points(d.clamp(-bound, bound).round_dp(16))
}

fn scoped(id: &str, err: Error) -> Error {
    match err {
        Error::InvalidField { path, message } => Error::field(format!("{id}.{path}"), message),
        other => other,
    }
}

/// Stands in for the card of an indicator that has none, which validation refuses.
fn empty_card() -> Scorecard {
    Scorecard {
        model_name: None,
        initial_score: Decimal::ZERO,
        use_reason_codes: false,
        reasoncode_algorithm: ReasonCodeAlgorithm::PointsBelow,
        baseline_method: crate::scorecard::BaselineMethod::Other,
        baseline_score: None,
        data_fields: Vec::new(),
        mining_fields: Vec::new(),
        characteristics: Vec::new(),
        scaling: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    fn rule() -> CardRule {
        let text = include_str!("../../../fixtures/scorecard_model/model.json");
        let model = Model::from_json(text).unwrap_or_else(|e| panic!("{e}"));
        let ind = &model.dimensions[0].indicators[0];
        CardRule::new(ind, super::super::compile::label(&ind.reason))
    }

    #[test]
    fn the_best_score_is_each_characteristics_highest_fixed_points() {
        let rule = rule();
        assert_eq!(rule.best(), Some(fixed::points(Decimal::from(45 + 35 + 30 + 40))));
        assert!(rule.itemised());
        // Policies were applied once: the card scored holds their attributes.
        assert!(
            rule.card.characteristics.iter().all(|c| c.missing.is_none() && c.unseen.is_none())
        );
        assert_eq!(rule.card.characteristics[1].attributes.len(), 4);
    }

    #[test]
    fn card_points_are_bounded_and_rounded_to_the_fixed_point_scale() {
        assert_eq!(fixed::to_decimal(to_points(Decimal::new(125, 1))), Decimal::new(125, 1));
        let big = Decimal::from(10_000_000_000i64);
        assert_eq!(fixed::to_decimal(to_points(big)), Decimal::from(MAX_POINTS));
        assert_eq!(fixed::to_decimal(to_points(-big)), -Decimal::from(MAX_POINTS));
        let third = Decimal::ONE / Decimal::from(3);
        assert_eq!(fixed::to_decimal(to_points(third)), third.round_dp(16));
    }

    #[test]
    fn texts_fall_back_to_the_indicators_reason() {
        let rule = rule();
        assert_eq!(&*rule.text("AGE").en, "Short operating history");
        assert_eq!(&*rule.text("NOT_LISTED").en, "Points lost on the basic information scorecard");
    }
}
