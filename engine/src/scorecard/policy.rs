//! What a characteristic gives when its input is missing, or present but matched by none of its
//! attributes.
//!
//! Binning tools leave both cases implicit: a card either has a `missing` bin and a catch-all, or
//! silently errs (or worse, scores a default) on a value it never saw in training. A
//! [`Policy`] states the choice on the characteristic itself, so it travels with the card
//! through JSON and PMML.
//!
//! Policies are applied by rewriting them once into ordinary attributes ([`lower`]): a `missing`
//! policy becomes a leading attribute that tests the characteristic's fields with `isMissing`,
//! an `unseen` policy a trailing attribute that applies when every field is present. The row
//! scorer and the compiled scorer (including its float fast path) then evaluate plain
//! attributes, so the two cannot disagree about a policy.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::expr::{BooleanOperator, Expression, Operator, Predicate};
use super::{Attribute, Characteristic, PartialScore, Scorecard, Value};
use crate::error::{Error, Result};
use crate::num::parse_decimal;

/// What a characteristic gives for an input its own attributes do not score.
///
/// In JSON: `"error"`, `"neutral"`, `"min"`, `"max"`, `{"points": "12.5"}` or
/// `{"attribute": 0}` (0-based position among the characteristic's attributes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// The result is invalid: an `invalid_field` error whose path names the characteristic.
    Error,
    /// The characteristic's baseline score (else the card's), or 0 points when there is none.
    ///
    /// The baseline is the point against which reason codes are measured, so the input costs
    /// nothing and earns nothing relative to it: the characteristic neither helps nor hurts,
    /// which is what "no information" should mean. With a `neutral` baseline method the
    /// baseline is the zero-WOE score, the textbook neutral value.
    Neutral,
    /// The lowest fixed partial score among the attributes, with that attribute's reason code
    /// (the first such attribute on ties): the most conservative choice.
    Min,
    /// The highest fixed partial score among the attributes, with that attribute's reason code
    /// (the first such attribute on ties).
    Max,
    /// These points, with the characteristic's reason code.
    Points(#[serde(with = "crate::num::decimal")] Decimal),
    /// Exactly what the attribute at this 0-based position gives: its partial score (fixed or
    /// computed) and its reason code.
    Attribute(usize),
}

impl fmt::Display for Policy {
    /// The spelling PMML extensions carry: `error`, `neutral`, `min`, `max`, `points:12.5`,
    /// `attribute:0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Policy::Error => f.write_str("error"),
            Policy::Neutral => f.write_str("neutral"),
            Policy::Min => f.write_str("min"),
            Policy::Max => f.write_str("max"),
            Policy::Points(points) => write!(f, "points:{}", points.normalize()),
            Policy::Attribute(index) => write!(f, "attribute:{index}"),
        }
    }
}

impl Policy {
    /// Reads the spelling [`Policy`]'s `Display` writes; `None` for anything else.
    pub fn parse(text: &str) -> Option<Policy> {
        match text {
            "error" => Some(Policy::Error),
            "neutral" => Some(Policy::Neutral),
            "min" => Some(Policy::Min),
            "max" => Some(Policy::Max),
            _ => match text.split_once(':')? {
                ("points", points) => parse_decimal(points).map(Policy::Points),
                ("attribute", index) if index.bytes().all(|b| b.is_ascii_digit()) => {
                    index.parse().ok().map(Policy::Attribute)
                }
                _ => None,
            },
        }
    }
}

/// The partial score of an attribute that refuses a missing input (the `error` policy): a
/// constant missing value, which both scorers already treat as an invalid result naming the
/// characteristic. [`partial_score_error`] gives it its own message.
fn refusal() -> PartialScore {
    PartialScore::Complex(Expression::Constant { value: Value::Missing })
}

/// The error for a partial score that evaluated to `value` (not a number), shared by both
/// scorers so that their messages agree.
pub(super) fn partial_score_error(label: &str, expression: &Expression, value: &Value) -> Error {
    if *expression == (Expression::Constant { value: Value::Missing }) {
        return Error::field(label, "the input is missing and the missing policy is `error`");
    }
    Error::field(label, format!("the partial score is {}", value.describe()))
}

/// The card with every policy rewritten into attributes; borrowed unchanged when no
/// characteristic has one. Errors name the characteristic whose policy cannot be applied
/// (`min`/`max` without a fixed partial score, `attribute` past the end).
pub(super) fn lower(card: &Scorecard) -> Result<Cow<'_, Scorecard>> {
    if card.characteristics.iter().all(|c| c.missing.is_none() && c.unseen.is_none()) {
        return Ok(Cow::Borrowed(card));
    }
    let mut lowered = card.clone();
    for (index, characteristic) in lowered.characteristics.iter_mut().enumerate() {
        *characteristic = lower_characteristic(characteristic, index, card.baseline_score)?;
    }
    Ok(Cow::Owned(lowered))
}

/// One characteristic with its policies as attributes (and the policies themselves cleared, so
/// lowering twice changes nothing).
fn lower_characteristic(
    c: &Characteristic,
    index: usize,
    card_baseline: Option<Decimal>,
) -> Result<Characteristic> {
    let label = c.label(index);
    let fields = fields(c);
    let mut attributes = Vec::with_capacity(c.attributes.len() + 2);
    if let Some(policy) = &c.missing
        && let Some(predicate) = any_missing(&fields)
    {
        let partial_score = match policy {
            Policy::Error => {
                Some(Attribute { predicate, partial_score: refusal(), reason_code: None })
            }
            other => {
                resolve(other, c, card_baseline, &label)?.map(|(partial_score, reason_code)| {
                    Attribute { predicate, partial_score, reason_code }
                })
            }
        };
        attributes.extend(partial_score);
    }
    attributes.extend(c.attributes.iter().cloned());
    if let Some(policy) = &c.unseen
        && let Some((partial_score, reason_code)) = resolve(policy, c, card_baseline, &label)?
    {
        attributes.push(Attribute { predicate: all_present(&fields), partial_score, reason_code });
    }
    Ok(Characteristic {
        name: c.name.clone(),
        reason_code: c.reason_code.clone(),
        baseline_score: c.baseline_score,
        attributes,
        missing: None,
        unseen: None,
    })
}

/// The points and reason code a policy gives; `None` for `error` when no attribute is needed
/// (no attribute applying is already an invalid result).
fn resolve(
    policy: &Policy,
    c: &Characteristic,
    card_baseline: Option<Decimal>,
    label: &str,
) -> Result<Option<(PartialScore, Option<String>)>> {
    let extreme = |pick_max: bool| -> Result<(PartialScore, Option<String>)> {
        let mut best: Option<(Decimal, &Attribute)> = None;
        for attribute in &c.attributes {
            let PartialScore::Fixed(points) = attribute.partial_score else { continue };
            let better = best.is_none_or(|(b, _)| if pick_max { points > b } else { points < b });
            if better {
                best = Some((points, attribute));
            }
        }
        let (points, attribute) = best.ok_or_else(|| {
            Error::field(
                label,
                "a `min` or `max` policy needs an attribute with a fixed partial score",
            )
        })?;
        Ok((PartialScore::Fixed(points), attribute.reason_code.clone()))
    };
    Ok(Some(match policy {
        Policy::Error => return Ok(None),
        Policy::Neutral => {
            let baseline = c.baseline_score.or(card_baseline).unwrap_or(Decimal::ZERO);
            (PartialScore::Fixed(baseline), None)
        }
        Policy::Min => extreme(false)?,
        Policy::Max => extreme(true)?,
        Policy::Points(points) => (PartialScore::Fixed(*points), None),
        Policy::Attribute(at) => {
            let attribute = c.attributes.get(*at).ok_or_else(|| {
                Error::field(
                    label,
                    format!(
                        "the policy names attribute {at} but the characteristic has {}",
                        c.attributes.len()
                    ),
                )
            })?;
            (attribute.partial_score.clone(), attribute.reason_code.clone())
        }
    }))
}

/// The fields the characteristic's predicates read, in first-mention order: the inputs a
/// `missing` policy watches. (A partial-score expression handles its own missing values with
/// `mapMissingTo`.)
fn fields(c: &Characteristic) -> Vec<&str> {
    fn walk<'p>(predicate: &'p Predicate, out: &mut Vec<&'p str>) {
        match predicate {
            Predicate::True | Predicate::False => {}
            Predicate::Simple { field, .. } | Predicate::SimpleSet { field, .. } => {
                if !out.contains(&field.as_str()) {
                    out.push(field);
                }
            }
            Predicate::Compound { children, .. } => children.iter().for_each(|c| walk(c, out)),
        }
    }
    let mut out = Vec::new();
    c.attributes.iter().for_each(|a| walk(&a.predicate, &mut out));
    out
}

fn test(field: &str, op: Operator) -> Predicate {
    Predicate::Simple { field: field.to_string(), op, value: None }
}

/// TRUE when any field is missing; `None` when the characteristic reads no field (its input is
/// never missing).
fn any_missing(fields: &[&str]) -> Option<Predicate> {
    match fields {
        [] => None,
        [field] => Some(test(field, Operator::IsMissing)),
        _ => Some(Predicate::Compound {
            op: BooleanOperator::Or,
            children: fields.iter().map(|f| test(f, Operator::IsMissing)).collect(),
        }),
    }
}

/// TRUE when every field is present (always, for a characteristic that reads none).
fn all_present(fields: &[&str]) -> Predicate {
    match fields {
        [] => Predicate::True,
        [field] => test(field, Operator::IsNotMissing),
        _ => Predicate::Compound {
            op: BooleanOperator::And,
            children: fields.iter().map(|f| test(f, Operator::IsNotMissing)).collect(),
        },
    }
}

#[cfg(test)]
mod tests;
