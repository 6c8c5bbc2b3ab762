//! Predicates (which attribute of a characteristic applies) and the expressions of
//! `ComplexPartialScore`, both evaluated over prepared values.
//!
//! Predicates use PMML's three-valued logic: `Some(true)`, `Some(false)` or `None` for UNKNOWN.
//! A comparison with a missing field is UNKNOWN rather than false so that a scorecard can route
//! missing inputs to an explicit `isMissing` attribute (or to an error) instead of to whichever
//! range test happens to fail first.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::data::{Row, Value};
use crate::error::{Error, Result};

/// `SimplePredicate/@operator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// `field = value`.
    Equal,
    /// `field ≠ value`.
    NotEqual,
    /// `field < value`.
    LessThan,
    /// `field ≤ value`.
    LessOrEqual,
    /// `field > value`.
    GreaterThan,
    /// `field ≥ value`.
    GreaterOrEqual,
    /// The field is missing (never UNKNOWN).
    IsMissing,
    /// The field is present (never UNKNOWN).
    IsNotMissing,
}

impl Operator {
    /// Every operator with its PMML spelling, for reading and writing PMML.
    pub const PMML_NAMES: [(Operator, &'static str); 8] = [
        (Operator::Equal, "equal"),
        (Operator::NotEqual, "notEqual"),
        (Operator::LessThan, "lessThan"),
        (Operator::LessOrEqual, "lessOrEqual"),
        (Operator::GreaterThan, "greaterThan"),
        (Operator::GreaterOrEqual, "greaterOrEqual"),
        (Operator::IsMissing, "isMissing"),
        (Operator::IsNotMissing, "isNotMissing"),
    ];

    /// Whether the operator compares with a `value` (all but the two missing tests).
    pub fn needs_value(self) -> bool {
        !matches!(self, Operator::IsMissing | Operator::IsNotMissing)
    }
}

/// `SimpleSetPredicate/@booleanOperator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SetOperator {
    /// The field is one of the values.
    IsIn,
    /// The field is none of the values.
    IsNotIn,
}

/// `CompoundPredicate/@booleanOperator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BooleanOperator {
    /// FALSE if any child is FALSE, else UNKNOWN if any is UNKNOWN, else TRUE.
    And,
    /// TRUE if any child is TRUE, else UNKNOWN if any is UNKNOWN, else FALSE.
    Or,
    /// UNKNOWN if any child is UNKNOWN, else TRUE for an odd number of TRUE children.
    Xor,
    /// The first child that is not UNKNOWN decides; UNKNOWN if all are.
    Surrogate,
}

/// When an attribute applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Predicate {
    /// Always TRUE: the catch-all attribute.
    True,
    /// Always FALSE.
    False,
    /// Compares one field with one value.
    Simple {
        /// Field name.
        field: String,
        /// Comparison.
        op: Operator,
        /// Value typed as the field; `None` for `isMissing` and `isNotMissing`.
        #[serde(default)]
        value: Option<Value>,
    },
    /// Tests membership of one field in a set.
    SimpleSet {
        /// Field name.
        field: String,
        /// `isIn` or `isNotIn`.
        op: SetOperator,
        /// The set, typed as the field.
        values: Vec<Value>,
    },
    /// Combines predicates.
    Compound {
        /// How children combine.
        op: BooleanOperator,
        /// At least two predicates.
        children: Vec<Predicate>,
    },
}

impl Predicate {
    /// Evaluates over prepared values (see [`Scorecard::score`](super::Scorecard::score)):
    /// `None` is UNKNOWN.
    pub fn evaluate(&self, row: &Row) -> Result<Option<bool>> {
        match self {
            Predicate::True => Ok(Some(true)),
            Predicate::False => Ok(Some(false)),
            Predicate::Simple { field, op, value } => {
                simple(field, *op, value.as_ref(), row.get(field))
            }
            Predicate::SimpleSet { field, op, values } => {
                simple_set(field, *op, values, row.get(field))
            }
            Predicate::Compound { op, children } => {
                compound(*op, children.iter().map(|child| child.evaluate(row)))
            }
        }
    }
}

/// `SimplePredicate` on the field's prepared value `actual`.
pub(super) fn simple(
    field: &str,
    op: Operator,
    value: Option<&Value>,
    actual: &Value,
) -> Result<Option<bool>> {
    let missing = *actual == Value::Missing;
    let expected = match (op, value) {
        (Operator::IsMissing, _) => return Ok(Some(missing)),
        (Operator::IsNotMissing, _) => return Ok(Some(!missing)),
        (_, _) if missing => return Ok(None),
        (_, Some(v)) => v,
        (_, None) => return Err(Error::field(field, "the comparison has no value")),
    };
    Ok(Some(holds(op, compare(field, actual, expected)?)))
}

/// Whether a comparison `op` holds when the input compares to the value as `ordering`.
pub(super) fn holds(op: Operator, ordering: Ordering) -> bool {
    match op {
        Operator::Equal => ordering == Ordering::Equal,
        Operator::NotEqual => ordering != Ordering::Equal,
        Operator::LessThan => ordering == Ordering::Less,
        Operator::LessOrEqual => ordering != Ordering::Greater,
        Operator::GreaterThan => ordering == Ordering::Greater,
        Operator::GreaterOrEqual => ordering != Ordering::Less,
        Operator::IsMissing | Operator::IsNotMissing => false,
    }
}

/// `SimpleSetPredicate` on the field's prepared value `actual`.
pub(super) fn simple_set(
    field: &str,
    op: SetOperator,
    values: &[Value],
    actual: &Value,
) -> Result<Option<bool>> {
    if *actual == Value::Missing {
        return Ok(None);
    }
    let mut found = false;
    for v in values {
        found |= compare(field, actual, v)? == Ordering::Equal;
    }
    Ok(Some(found == (op == SetOperator::IsIn)))
}

/// Numbers compare by value (`19.0` equals `19`); texts by Unicode scalar order, which is
/// deterministic though rarely meaningful beyond equality.
fn compare(field: &str, actual: &Value, expected: &Value) -> Result<Ordering> {
    match (actual, expected) {
        (Value::Number(a), Value::Number(b)) => Ok(a.cmp(b)),
        (Value::Text(a), Value::Text(b)) => Ok(a.cmp(b)),
        _ => Err(Error::field(
            field,
            format!("cannot compare {} with {}", actual.describe(), expected.describe()),
        )),
    }
}

/// `CompoundPredicate` over its children's results, evaluated lazily in order: a child after
/// the deciding one is never evaluated (so its errors do not surface), as PMML prescribes.
pub(super) fn compound(
    op: BooleanOperator,
    children: impl Iterator<Item = Result<Option<bool>>>,
) -> Result<Option<bool>> {
    let mut unknown = false;
    let mut trues = 0usize;
    for child in children {
        match (op, child?) {
            (BooleanOperator::Surrogate, Some(b)) => return Ok(Some(b)),
            (BooleanOperator::And, Some(false)) => return Ok(Some(false)),
            (BooleanOperator::Or, Some(true)) => return Ok(Some(true)),
            (_, None) => unknown = true,
            (_, Some(true)) => trues += 1,
            (_, Some(false)) => {}
        }
    }
    Ok(match op {
        _ if unknown => None,
        BooleanOperator::And => Some(true),
        BooleanOperator::Or => Some(false),
        BooleanOperator::Xor => Some(trues % 2 == 1),
        BooleanOperator::Surrogate => None,
    })
}

/// `Apply/@function`: the arithmetic a `ComplexPartialScore` may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Function {
    /// `+`.
    Add,
    /// `-`.
    Subtract,
    /// `*`.
    Multiply,
    /// `/`; dividing by zero makes the result invalid.
    Divide,
}

impl Function {
    /// Every function with its PMML spelling.
    pub const PMML_NAMES: [(Function, &'static str); 4] = [
        (Function::Add, "+"),
        (Function::Subtract, "-"),
        (Function::Multiply, "*"),
        (Function::Divide, "/"),
    ];

    fn apply(self, a: Decimal, b: Decimal) -> Option<Decimal> {
        match self {
            Function::Add => a.checked_add(b),
            Function::Subtract => a.checked_sub(b),
            Function::Multiply => a.checked_mul(b),
            Function::Divide => a.checked_div(b),
        }
    }
}

/// A PMML expression, as used by `ComplexPartialScore`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expression {
    /// A literal.
    Constant {
        /// The literal; [`Value::Missing`] for `<Constant missing="true">`.
        value: Value,
    },
    /// The prepared value of a field.
    FieldRef {
        /// Field name.
        field: String,
        /// Used instead when the field is missing.
        #[serde(default)]
        map_missing_to: Option<Value>,
    },
    /// A function of two arguments; a missing argument makes the result missing.
    Apply {
        /// The function.
        function: Function,
        /// Exactly two arguments.
        args: Vec<Expression>,
        /// Used instead when the result is missing.
        #[serde(default)]
        map_missing_to: Option<Value>,
    },
}

impl Expression {
    /// Evaluates over prepared values; errors name `path` (the characteristic) and say why.
    pub fn evaluate(&self, row: &Row, path: &str) -> Result<Value> {
        self.evaluate_with(&|field| row.get(field), path)
    }

    /// Evaluates with `get` giving each field's prepared value.
    pub(super) fn evaluate_with<'v>(
        &self,
        get: &dyn Fn(&str) -> &'v Value,
        path: &str,
    ) -> Result<Value> {
        let (value, map_missing_to) = match self {
            Expression::Constant { value } => (value.clone(), None),
            Expression::FieldRef { field, map_missing_to } => {
                (get(field).clone(), map_missing_to.as_ref())
            }
            Expression::Apply { function, args, map_missing_to } => {
                (apply(*function, args, get, path)?, map_missing_to.as_ref())
            }
        };
        Ok(match (value, map_missing_to) {
            (Value::Missing, Some(replacement)) => replacement.clone(),
            (value, _) => value,
        })
    }
}

fn apply<'v>(
    function: Function,
    args: &[Expression],
    get: &dyn Fn(&str) -> &'v Value,
    path: &str,
) -> Result<Value> {
    let [left, right] = args else {
        return Err(Error::field(path, format!("{function:?} takes exactly two arguments")));
    };
    let (a, b) = match (left.evaluate_with(get, path)?, right.evaluate_with(get, path)?) {
        (Value::Number(a), Value::Number(b)) => (a, b),
        (Value::Missing, _) | (_, Value::Missing) => return Ok(Value::Missing),
        (a, b) => {
            return Err(Error::field(
                path,
                format!("{function:?} needs numbers, got {} and {}", a.describe(), b.describe()),
            ));
        }
    };
    if function == Function::Divide && b.is_zero() {
        return Err(Error::field(path, "division by zero"));
    }
    function
        .apply(a, b)
        .map(Value::Number)
        .ok_or_else(|| Error::field(path, format!("{function:?} overflows the decimal range")))
}
