//! Input values and the PMML data dictionary and mining schema that decide how each raw input is
//! typed, validated and, when missing or invalid, replaced or refused before any predicate sees it.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::num::parse_decimal;

/// One input value. Numbers are exact decimals so that scores never pick up binary rounding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A number, written as a decimal string in JSON.
    Number(#[serde(with = "crate::num::decimal")] Decimal),
    /// A text, e.g. a category label.
    Text(String),
    /// No value: PMML's missing value.
    Missing,
}

impl Value {
    /// A float as the decimal its shortest round-trip text spells (`0.1` is 0.1, not
    /// 0.1000000000000000055511151231257827); `NaN` is missing, and a float the decimal range
    /// cannot hold (infinities, beyond ±7.9e28 or with more than 28 decimals) stays text, which
    /// a numeric field then refuses as invalid. The compiled card's float fast path and the
    /// Python binding both read floats through this one function, so a float column and a row
    /// of the same floats score alike. (JSON rows read numbers through their text instead, which
    /// gives the same decimal inside the range; beyond it a JSON row is refused outright.)
    pub fn from_f64(x: f64) -> Value {
        if x.is_nan() {
            return Value::Missing;
        }
        let text = x.to_string();
        parse_decimal(&text).map_or(Value::Text(text), Value::Number)
    }

    /// The value as PMML writes it in an attribute or array (empty for a missing value).
    pub fn to_text(&self) -> String {
        match self {
            Value::Number(d) => d.normalize().to_string(),
            Value::Text(s) => s.clone(),
            Value::Missing => String::new(),
        }
    }

    /// A short description for error messages, clipped so hostile input cannot bloat them.
    pub(crate) fn describe(&self) -> String {
        match self {
            Value::Number(d) => d.normalize().to_string(),
            Value::Text(s) => format!("`{}`", s.chars().take(40).collect::<String>()),
            Value::Missing => "missing".to_string(),
        }
    }
}

/// Stands in for fields a row does not mention: absent means missing.
static MISSING: Value = Value::Missing;

/// One case to score: field name to value; fields not mentioned are missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row(BTreeMap<String, Value>);

impl Row {
    /// An empty row: every field missing.
    pub fn new() -> Row {
        Row::default()
    }

    /// Sets one field, replacing any earlier value.
    pub fn insert(&mut self, field: impl Into<String>, value: Value) {
        self.0.insert(field.into(), value);
    }

    /// The value of a field; [`Value::Missing`] when the row does not mention it.
    pub fn get(&self, field: &str) -> &Value {
        self.0.get(field).unwrap_or(&MISSING)
    }

    /// Reads a JSON object: numbers become [`Value::Number`] (exactly, through their decimal
    /// text), strings and booleans [`Value::Text`], `null` [`Value::Missing`].
    ///
    /// Booleans are kept as text so that a numeric field refuses them as invalid rather than
    /// reading them as 0 or 1. Arrays and objects are refused with the member's name as path.
    pub fn from_json_object(object: &serde_json::Map<String, serde_json::Value>) -> Result<Row> {
        let mut row = Row::new();
        for (name, json) in object {
            let value = match json {
                serde_json::Value::Null => Value::Missing,
                serde_json::Value::Bool(b) => Value::Text(b.to_string()),
                serde_json::Value::String(s) => Value::Text(s.clone()),
                serde_json::Value::Number(n) => match parse_decimal(&n.to_string()) {
                    Some(d) => Value::Number(d),
                    None => return Err(Error::field(name, format!("{n} is out of range"))),
                },
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    return Err(Error::field(name, "expected a number, a string or null"));
                }
            };
            row.insert(name.clone(), value);
        }
        Ok(row)
    }
}

impl FromIterator<(String, Value)> for Row {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Row(iter.into_iter().collect())
    }
}

/// PMML `optype`: how a field's values may be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpType {
    /// Unordered labels.
    Categorical,
    /// Ordered labels.
    Ordinal,
    /// Numbers on a scale.
    Continuous,
}

/// PMML `dataType`, limited to the types scorecards use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataType {
    /// Text.
    String,
    /// Whole numbers; a fractional input is invalid.
    Integer,
    /// Single-precision numbers in PMML; evaluated here as exact decimals.
    Float,
    /// Double-precision numbers in PMML; evaluated here as exact decimals.
    Double,
}

impl DataType {
    /// Converts a raw input to this type; `None` when it cannot be (e.g. `true` for a double).
    pub fn convert(self, raw: &Value) -> Option<Value> {
        let number = |d: Decimal| match self {
            DataType::Integer if !d.fract().is_zero() => None,
            _ => Some(Value::Number(d)),
        };
        match (self, raw) {
            (_, Value::Missing) => Some(Value::Missing),
            (DataType::String, v) => Some(Value::Text(v.to_text())),
            (_, Value::Number(d)) => number(*d),
            (_, Value::Text(s)) => parse_decimal(s).and_then(number),
        }
    }

    /// The PMML spelling.
    pub fn pmml_name(self) -> &'static str {
        match self {
            DataType::String => "string",
            DataType::Integer => "integer",
            DataType::Float => "float",
            DataType::Double => "double",
        }
    }
}

/// PMML `Interval/@closure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closure {
    /// `(a, b)`.
    OpenOpen,
    /// `(a, b]`.
    OpenClosed,
    /// `[a, b)`.
    ClosedOpen,
    /// `[a, b]`.
    ClosedClosed,
}

/// A range of valid values of a numeric field; an absent margin is unbounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// Which ends are included.
    pub closure: Closure,
    /// Lower bound.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub left_margin: Option<Decimal>,
    /// Upper bound.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub right_margin: Option<Decimal>,
}

impl Interval {
    /// Whether `x` lies inside.
    pub fn contains(&self, x: Decimal) -> bool {
        let left_closed = matches!(self.closure, Closure::ClosedOpen | Closure::ClosedClosed);
        let right_closed = matches!(self.closure, Closure::OpenClosed | Closure::ClosedClosed);
        let above = self.left_margin.is_none_or(|l| if left_closed { x >= l } else { x > l });
        let below = self.right_margin.is_none_or(|r| if right_closed { x <= r } else { x < r });
        above && below
    }
}

/// PMML `Value/@property`: what a listed value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueProperty {
    /// A valid value; once any is listed, unlisted values are invalid.
    Valid,
    /// A value that is always invalid.
    Invalid,
    /// A marker that stands for a missing value (e.g. `NA`).
    Missing,
}

/// One `<Value>` of a data field, kept as written because missing markers need not be typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    /// The value as written.
    pub value: String,
    /// What it means.
    pub property: ValueProperty,
}

/// One `<DataField>` of the data dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataField {
    /// Field name, as rows name it.
    pub name: String,
    /// How values compare.
    pub optype: OpType,
    /// What values are.
    pub data_type: DataType,
    /// Valid numeric ranges; none means every number is valid.
    #[serde(default)]
    pub intervals: Vec<Interval>,
    /// Listed values: valid, invalid and missing markers.
    #[serde(default)]
    pub values: Vec<FieldValue>,
}

impl DataField {
    fn listed(&self, property: ValueProperty) -> impl Iterator<Item = &FieldValue> {
        self.values.iter().filter(move |v| v.property == property)
    }

    /// Whether `raw` is one of the field's missing markers, compared typed when it converts.
    fn is_missing_marker(&self, raw: &Value, typed: Option<&Value>) -> bool {
        self.listed(ValueProperty::Missing).any(|m| {
            let marker = Value::Text(m.value.clone());
            *raw == marker || (typed.is_some() && self.data_type.convert(&marker).as_ref() == typed)
        })
    }

    fn is_listed(&self, property: ValueProperty, typed: &Value) -> bool {
        self.listed(property)
            .any(|v| self.data_type.convert(&Value::Text(v.value.clone())).as_ref() == Some(typed))
    }

    /// Whether a typed, non-missing value is valid: not listed invalid, and inside an interval or
    /// listed valid whenever the field restricts its values at all.
    fn is_valid(&self, typed: &Value) -> bool {
        if self.is_listed(ValueProperty::Invalid, typed) {
            return false;
        }
        let restricted =
            !self.intervals.is_empty() || self.listed(ValueProperty::Valid).count() > 0;
        let in_interval = match typed {
            Value::Number(d) => self.intervals.iter().any(|i| i.contains(*d)),
            Value::Text(_) | Value::Missing => false,
        };
        !restricted || in_interval || self.is_listed(ValueProperty::Valid, typed)
    }
}

/// PMML `MiningField/@usageType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageType {
    /// An input of the model.
    Active,
    /// The score field (PMML 4.1 name).
    Predicted,
    /// The score field (PMML 4.2+ name).
    Target,
    /// Carried along, not used.
    Supplementary,
}

/// PMML `MiningField/@missingValueTreatment`. Only `returnInvalid` changes evaluation; the others
/// record how the replacement value was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingValueTreatment {
    /// Keep the missing value (or use the replacement when one is given).
    AsIs,
    /// The replacement is the training mean.
    AsMean,
    /// The replacement is the training mode.
    AsMode,
    /// The replacement is the training median.
    AsMedian,
    /// The replacement is a chosen value.
    AsValue,
    /// A missing input makes the whole result invalid.
    ReturnInvalid,
}

/// PMML `MiningField/@invalidValueTreatment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidValueTreatment {
    /// An invalid input makes the whole result invalid (the PMML default).
    ReturnInvalid,
    /// Use the value anyway; it must still convert to the field's type.
    AsIs,
    /// Treat the value as missing, then apply the missing-value treatment.
    AsMissing,
}

/// One `<MiningField>`: how the model uses a field and treats missing or invalid inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiningField {
    /// Field name; must be in the data dictionary.
    pub name: String,
    /// Input, target or neither.
    pub usage_type: UsageType,
    /// What a missing input means.
    #[serde(default)]
    pub missing_value_treatment: Option<MissingValueTreatment>,
    /// Value used in place of a missing input.
    #[serde(default)]
    pub missing_value_replacement: Option<Value>,
    /// What an invalid input means.
    pub invalid_value_treatment: InvalidValueTreatment,
}

impl MiningField {
    /// Types, validates and treats one raw input as PMML prescribes, so that predicates only ever
    /// see values of the field's type or [`Value::Missing`].
    pub(crate) fn prepare(&self, field: &DataField, raw: &Value) -> Result<Value> {
        if *raw == Value::Missing {
            return self.missing();
        }
        let typed = field.data_type.convert(raw);
        if field.is_missing_marker(raw, typed.as_ref()) {
            return self.missing();
        }
        match typed {
            Some(v) if field.is_valid(&v) => Ok(v),
            typed => self.invalid(field, raw, typed),
        }
    }

    fn missing(&self) -> Result<Value> {
        if self.missing_value_treatment == Some(MissingValueTreatment::ReturnInvalid) {
            return Err(Error::field(
                &self.name,
                "the value is missing and missingValueTreatment is returnInvalid",
            ));
        }
        Ok(self.missing_value_replacement.clone().unwrap_or(Value::Missing))
    }

    fn invalid(&self, field: &DataField, raw: &Value, typed: Option<Value>) -> Result<Value> {
        let why = match typed {
            Some(_) => "is outside the field's valid values",
            None => "does not convert to the field's data type",
        };
        let message = |treatment: &str| {
            format!(
                "{} {why} ({}); invalidValueTreatment is {treatment}",
                raw.describe(),
                field.data_type.pmml_name()
            )
        };
        match (self.invalid_value_treatment, typed) {
            (InvalidValueTreatment::AsMissing, _) => self.missing(),
            (InvalidValueTreatment::AsIs, Some(v)) => Ok(v),
            (InvalidValueTreatment::AsIs, None) => Err(Error::field(&self.name, message("asIs"))),
            (InvalidValueTreatment::ReturnInvalid, _) => {
                Err(Error::field(&self.name, message("returnInvalid")))
            }
        }
    }
}
