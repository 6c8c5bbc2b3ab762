//! Reading a PMML 4.x document into a [`Scorecard`].
//!
//! Every element is either understood or refused with its path: a skipped transformation, target
//! rescaling or unknown predicate would change scores without anyone noticing. Only `Extension`
//! (ignorable by definition), `Header` and `MiningBuildTask` (metadata) are passed over.

use rust_decimal::Decimal;

use super::data::{
    DataField, DataType, FieldValue, Interval, InvalidValueTreatment, MiningField, UsageType,
    Value, ValueProperty,
};
use super::expr::{Expression, Function, Operator, Predicate};
use super::names::{
    ALGORITHMS, BASELINE_METHODS, BOOLEAN_OPERATORS, CLOSURES, DATA_TYPES, INVALID_TREATMENTS,
    MISSING_TREATMENTS, OPTYPES, PROPERTIES, SET_OPERATORS, USAGE_TYPES,
};
use super::names::{EXTENDER, INTERCEPT_PLACEMENTS, ODDS_DIRECTIONS, ROUNDINGS, SCALING_EXTENSION};
use super::scaling::Scaling;
use super::xml::{
    Node, array_entries, bad_value, boolean, choice, decimal, elements, name, path, required,
    unsupported,
};
use super::{
    Attribute, BaselineMethod, Characteristic, POLICY_EXTENDER, PartialScore, Policy,
    ReasonCodeAlgorithm, Scorecard,
};
use crate::error::{Error, Result};
use crate::num::parse_decimal;

/// See [`Scorecard::from_pmml`].
pub(super) fn scorecard_from_pmml(xml: &str) -> Result<Scorecard> {
    let document =
        roxmltree::Document::parse(xml).map_err(|e| Error::field("PMML", e.to_string()))?;
    let root = document.root_element();
    if name(root) != "PMML" {
        return Err(Error::field(path(root), "the root element must be `PMML`"));
    }
    let version = required(root, "version")?;
    if !version.starts_with("4.") {
        return Err(bad_value(root, "version", version));
    }
    let mut dictionary = None;
    let mut model = None;
    for child in elements(root) {
        match name(child) {
            "Header" | "MiningBuildTask" | "Extension" => {}
            "DataDictionary" if dictionary.is_none() => dictionary = Some(data_dictionary(child)?),
            "Scorecard" if model.is_none() => model = Some(child),
            _ => return Err(unsupported(child)),
        }
    }
    let dictionary =
        dictionary.ok_or_else(|| Error::field("PMML", "missing element `DataDictionary`"))?;
    let model = model.ok_or_else(|| Error::field("PMML", "missing element `Scorecard`"))?;
    scorecard(model, dictionary)
}

fn required_choice<T: Copy>(node: Node, attribute: &str, choices: &[(T, &str)]) -> Result<T> {
    choice(node, attribute, choices)?
        .ok_or_else(|| Error::field(path(node), format!("missing attribute `{attribute}`")))
}

/// Only `Extension` children are allowed: anything else would carry meaning we would drop.
fn no_children(node: Node) -> Result<()> {
    match elements(node).find(|c| name(*c) != "Extension") {
        Some(child) => Err(unsupported(child)),
        None => Ok(()),
    }
}

/// The `element` children of `node`, read by `read`, each named at most once; `Extension`
/// children are skipped and anything else is refused.
fn named_children<T>(
    node: Node,
    element: &str,
    mut read: impl FnMut(Node) -> Result<T>,
    name_of: impl Fn(&T) -> &str,
) -> Result<Vec<T>> {
    let mut items: Vec<T> = Vec::new();
    for child in elements(node) {
        match name(child) {
            n if n == element => {
                let item = read(child)?;
                if items.iter().any(|i| name_of(i) == name_of(&item)) {
                    return Err(Error::field(path(child), "duplicate field name"));
                }
                items.push(item);
            }
            "Extension" => {}
            _ => return Err(unsupported(child)),
        }
    }
    Ok(items)
}

fn data_dictionary(node: Node) -> Result<Vec<DataField>> {
    named_children(node, "DataField", data_field, |f| f.name.as_str())
}

fn data_field(node: Node) -> Result<DataField> {
    let data_type = required_choice(node, "dataType", &DATA_TYPES)?;
    if let Some(cyclic) = node.attribute("isCyclic").filter(|c| *c != "0") {
        return Err(bad_value(node, "isCyclic", cyclic));
    }
    let mut field = DataField {
        name: required(node, "name")?.to_string(),
        optype: required_choice(node, "optype", &OPTYPES)?,
        data_type,
        intervals: Vec::new(),
        values: Vec::new(),
    };
    for child in elements(node) {
        match name(child) {
            "Interval" => {
                no_children(child)?;
                field.intervals.push(Interval {
                    closure: required_choice(child, "closure", &CLOSURES)?,
                    left_margin: decimal(child, "leftMargin")?,
                    right_margin: decimal(child, "rightMargin")?,
                });
            }
            "Value" => {
                no_children(child)?;
                let value = required(child, "value")?;
                let property =
                    choice(child, "property", &PROPERTIES)?.unwrap_or(ValueProperty::Valid);
                let text = Value::Text(value.to_string());
                if property != ValueProperty::Missing && data_type.convert(&text).is_none() {
                    return Err(bad_value(child, "value", value));
                }
                field.values.push(FieldValue { value: value.to_string(), property });
            }
            "Extension" => {}
            _ => return Err(unsupported(child)),
        }
    }
    Ok(field)
}

fn mining_schema(node: Node, dictionary: &[DataField]) -> Result<Vec<MiningField>> {
    named_children(node, "MiningField", |c| mining_field(c, dictionary), |f| f.name.as_str())
}

fn mining_field(node: Node, dictionary: &[DataField]) -> Result<MiningField> {
    no_children(node)?;
    let name = required(node, "name")?;
    let field = dictionary.iter().find(|f| f.name == name).ok_or_else(|| {
        Error::field(path(node), format!("field `{name}` is not in the DataDictionary"))
    })?;
    if let Some(outliers) = node.attribute("outliers").filter(|o| *o != "asIs") {
        return Err(bad_value(node, "outliers", outliers));
    }
    for refused in ["invalidValueReplacement", "optype"] {
        if let Some(value) = node.attribute(refused) {
            return Err(bad_value(node, refused, value));
        }
    }
    let replacement = match node.attribute("missingValueReplacement") {
        Some(text) => Some(
            field
                .data_type
                .convert(&Value::Text(text.to_string()))
                .ok_or_else(|| bad_value(node, "missingValueReplacement", text))?,
        ),
        None => None,
    };
    Ok(MiningField {
        name: name.to_string(),
        usage_type: choice(node, "usageType", &USAGE_TYPES)?.unwrap_or(UsageType::Active),
        missing_value_treatment: choice(node, "missingValueTreatment", &MISSING_TREATMENTS)?,
        missing_value_replacement: replacement,
        invalid_value_treatment: choice(node, "invalidValueTreatment", &INVALID_TREATMENTS)?
            .unwrap_or(InvalidValueTreatment::ReturnInvalid),
    })
}

/// What predicates and expressions need to know while being read.
struct Context<'s> {
    data_fields: &'s [DataField],
    mining_fields: &'s [MiningField],
    reason_codes: bool,
    baseline: Option<Decimal>,
}

impl Context<'_> {
    /// The type of a field a predicate or expression reads; it must be an active input.
    fn data_type(&self, node: Node, field: &str) -> Result<DataType> {
        let active =
            self.mining_fields.iter().any(|m| m.name == field && m.usage_type == UsageType::Active);
        let data_field = self.data_fields.iter().find(|f| f.name == field);
        match data_field {
            Some(f) if active => Ok(f.data_type),
            _ => Err(Error::field(
                path(node),
                format!("field `{field}` is not an active field of the MiningSchema"),
            )),
        }
    }

    /// A literal typed as `field`, read from attribute `attribute`.
    fn typed(&self, node: Node, field: &str, attribute: &str, text: &str) -> Result<Value> {
        match self.data_type(node, field)? {
            DataType::String => Ok(Value::Text(text.to_string())),
            _ => parse_decimal(text)
                .map(Value::Number)
                .ok_or_else(|| bad_value(node, attribute, text)),
        }
    }
}

fn scorecard(node: Node, data_fields: Vec<DataField>) -> Result<Scorecard> {
    let function = required(node, "functionName")?;
    if function != "regression" {
        return Err(bad_value(node, "functionName", function));
    }
    if !boolean(node, "isScorable", true)? {
        return Err(Error::field(path(node), "the model is marked isScorable=\"false\""));
    }
    let schema = elements(node)
        .find(|c| name(*c) == "MiningSchema")
        .ok_or_else(|| Error::field(path(node), "missing element `MiningSchema`"))?;
    let mining_fields = mining_schema(schema, &data_fields)?;
    let use_reason_codes = boolean(node, "useReasonCodes", true)?;
    let baseline_score = decimal(node, "baselineScore")?;
    let context = Context {
        data_fields: &data_fields,
        mining_fields: &mining_fields,
        reason_codes: use_reason_codes,
        baseline: baseline_score,
    };
    let mut characteristics = None;
    let mut scaling = None;
    for child in elements(node) {
        match name(child) {
            "MiningSchema" if child == schema => {}
            "Output" => output(child)?,
            "Characteristics" if characteristics.is_none() => {
                characteristics = Some(characteristics_of(child, &context)?);
            }
            "Extension"
                if child.attribute("extender") == Some(EXTENDER)
                    && child.attribute("name") == Some(SCALING_EXTENSION) =>
            {
                scaling = scaling_extension(child)?;
            }
            "Extension" => {}
            _ => return Err(unsupported(child)),
        }
    }
    let characteristics = characteristics
        .ok_or_else(|| Error::field(path(node), "missing element `Characteristics`"))?;
    let card = Scorecard {
        model_name: node.attribute("modelName").map(str::to_string),
        initial_score: decimal(node, "initialScore")?.unwrap_or(Decimal::ZERO),
        use_reason_codes,
        reasoncode_algorithm: choice(node, "reasonCodeAlgorithm", &ALGORITHMS)?
            .unwrap_or(ReasonCodeAlgorithm::PointsBelow),
        baseline_method: choice(node, "baselineMethod", &BASELINE_METHODS)?
            .unwrap_or(BaselineMethod::Other),
        baseline_score,
        data_fields,
        mining_fields,
        characteristics,
        scaling,
    };
    card.check_policies()?;
    Ok(card)
}

/// Output fields are checked, not kept: a [`super::ScorecardResult`] always carries the score
/// and the ranked codes, which is all a scorecard's `predictedValue` and `reasonCode` give.
fn output(node: Node) -> Result<()> {
    for child in elements(node) {
        match name(child) {
            "OutputField" => {
                no_children(child)?;
                match child.attribute("feature") {
                    None | Some("predictedValue" | "reasonCode") => {}
                    Some(other) => return Err(bad_value(child, "feature", other)),
                }
            }
            "Extension" => {}
            _ => return Err(unsupported(child)),
        }
    }
    Ok(())
}

fn characteristics_of(node: Node, context: &Context) -> Result<Vec<Characteristic>> {
    let mut characteristics = Vec::new();
    for child in elements(node) {
        match name(child) {
            "Characteristic" => characteristics.push(characteristic(child, context)?),
            "Extension" => {}
            _ => return Err(unsupported(child)),
        }
    }
    if characteristics.is_empty() {
        return Err(Error::field(path(node), "at least one Characteristic is needed"));
    }
    Ok(characteristics)
}

fn characteristic(node: Node, context: &Context) -> Result<Characteristic> {
    let reason_code = node.attribute("reasonCode").map(str::to_string);
    let baseline_score = decimal(node, "baselineScore")?;
    if context.reason_codes && baseline_score.or(context.baseline).is_none() {
        return Err(Error::field(
            path(node),
            "baselineScore is required when useReasonCodes is true",
        ));
    }
    let mut attributes = Vec::new();
    let (mut missing, mut unseen) = (None, None);
    for child in elements(node) {
        match name(child) {
            "Attribute" => attributes.push(attribute(child, context, reason_code.is_some())?),
            "Extension" => policy_extension(child, &mut missing, &mut unseen)?,
            _ => return Err(unsupported(child)),
        }
    }
    if attributes.is_empty() {
        return Err(Error::field(path(node), "at least one Attribute is needed"));
    }
    Ok(Characteristic {
        name: node.attribute("name").map(str::to_string),
        reason_code,
        baseline_score,
        attributes,
        missing,
        unseen,
    })
}

/// A characteristic's missing or unseen policy, written by [`Scorecard::to_pmml`] as
/// `<Extension extender="xinyong" name="missing" value="min"/>`. Extensions of other extenders
/// are passed over; one of ours that does not read is refused, since ignoring it would change
/// scores.
fn policy_extension(
    node: Node,
    missing: &mut Option<Policy>,
    unseen: &mut Option<Policy>,
) -> Result<()> {
    if node.attribute("extender") != Some(POLICY_EXTENDER) {
        return Ok(());
    }
    let slot = match required(node, "name")? {
        "missing" => missing,
        "unseen" => unseen,
        other => return Err(bad_value(node, "name", other)),
    };
    if slot.is_some() {
        return Err(Error::field(path(node), "the policy is given twice"));
    }
    let value = required(node, "value")?;
    *slot = Some(Policy::parse(value).ok_or_else(|| bad_value(node, "value", value))?);
    Ok(())
}

fn attribute(node: Node, context: &Context, inherits_code: bool) -> Result<Attribute> {
    let reason_code = node.attribute("reasonCode").map(str::to_string);
    if context.reason_codes && reason_code.is_none() && !inherits_code {
        return Err(Error::field(path(node), "reasonCode is required when useReasonCodes is true"));
    }
    let mut predicate_found = None;
    let mut complex = None;
    for child in elements(node) {
        match name(child) {
            "Extension" => {}
            "ComplexPartialScore" if complex.is_none() => {
                complex = Some(complex_partial_score(child, context)?);
            }
            _ if predicate_found.is_none() => predicate_found = Some(predicate(child, context, 0)?),
            _ => return Err(unsupported(child)),
        }
    }
    let predicate = predicate_found.ok_or_else(|| Error::field(path(node), "missing predicate"))?;
    // The spec lets ComplexPartialScore override partialScore when both are given.
    let partial_score = match (complex, decimal(node, "partialScore")?) {
        (Some(expression), _) => PartialScore::Complex(expression),
        (None, Some(points)) => PartialScore::Fixed(points),
        (None, None) => {
            return Err(Error::field(path(node), "needs partialScore or ComplexPartialScore"));
        }
    };
    Ok(Attribute { predicate, partial_score, reason_code })
}

fn predicate(node: Node, context: &Context, depth: usize) -> Result<Predicate> {
    nesting(node, depth)?;
    match name(node) {
        "True" => no_children(node).map(|()| Predicate::True),
        "False" => no_children(node).map(|()| Predicate::False),
        "SimplePredicate" => {
            no_children(node)?;
            let field = required(node, "field")?;
            let op = required_choice(node, "operator", &Operator::PMML_NAMES)?;
            context.data_type(node, field)?;
            let value = if op.needs_value() {
                Some(context.typed(node, field, "value", required(node, "value")?)?)
            } else {
                None
            };
            Ok(Predicate::Simple { field: field.to_string(), op, value })
        }
        "SimpleSetPredicate" => simple_set(node, context),
        "CompoundPredicate" => {
            let op = required_choice(node, "booleanOperator", &BOOLEAN_OPERATORS)?;
            let children = elements(node)
                .filter(|c| name(*c) != "Extension")
                .map(|c| predicate(c, context, depth + 1))
                .collect::<Result<Vec<_>>>()?;
            if children.len() < 2 {
                return Err(Error::field(path(node), "a CompoundPredicate needs two predicates"));
            }
            Ok(Predicate::Compound { op, children })
        }
        _ => Err(unsupported(node)),
    }
}

/// Predicates and expressions nest; a bound keeps reading and evaluating them off the end of the
/// stack whatever the document holds.
const MAX_NESTING: usize = 64;

fn nesting(node: Node, depth: usize) -> Result<()> {
    if depth >= MAX_NESTING {
        return Err(Error::field(path(node), format!("nested deeper than {MAX_NESTING} levels")));
    }
    Ok(())
}

fn simple_set(node: Node, context: &Context) -> Result<Predicate> {
    let field = required(node, "field")?;
    let op = required_choice(node, "booleanOperator", &SET_OPERATORS)?;
    let mut arrays = elements(node).filter(|c| name(*c) != "Extension");
    let array = match (arrays.next(), arrays.next()) {
        (Some(array), None) if name(array) == "Array" => array,
        (Some(other), _) if name(other) != "Array" => return Err(unsupported(other)),
        (_, Some(extra)) => return Err(unsupported(extra)),
        _ => return Err(Error::field(path(node), "missing element `Array`")),
    };
    let entries = array_entries(array.text().unwrap_or_default());
    if let Some(n) = array.attribute("n").filter(|n| *n != entries.len().to_string()) {
        return Err(bad_value(array, "n", n));
    }
    let values = entries
        .iter()
        .map(|entry| context.typed(array, field, "Array", entry))
        .collect::<Result<Vec<_>>>()?;
    Ok(Predicate::SimpleSet { field: field.to_string(), op, values })
}

fn complex_partial_score(node: Node, context: &Context) -> Result<Expression> {
    let mut children = elements(node).filter(|c| name(*c) != "Extension");
    match (children.next(), children.next()) {
        (Some(only), None) => expression(only, context, 0),
        (_, Some(extra)) => Err(unsupported(extra)),
        (None, _) => Err(Error::field(path(node), "missing expression")),
    }
}

/// A literal whose type is not fixed by a field: a number when it reads as one.
fn loose(text: &str) -> Value {
    parse_decimal(text).map_or_else(|| Value::Text(text.to_string()), Value::Number)
}

fn expression(node: Node, context: &Context, depth: usize) -> Result<Expression> {
    nesting(node, depth)?;
    match name(node) {
        "Constant" => {
            no_children(node)?;
            // A string constant keeps its spaces; a number may be padded.
            let raw = node.text().unwrap_or_default();
            let text = raw.trim();
            let value = match (boolean(node, "missing", false)?, node.attribute("dataType")) {
                (true, _) => Value::Missing,
                (false, None) => loose(text),
                (false, Some("string")) => Value::Text(raw.to_string()),
                (false, Some("integer" | "float" | "double")) => parse_decimal(text)
                    .map(Value::Number)
                    .ok_or_else(|| bad_value(node, "Constant", text))?,
                (false, Some(other)) => return Err(bad_value(node, "dataType", other)),
            };
            Ok(Expression::Constant { value })
        }
        "FieldRef" => {
            no_children(node)?;
            let field = required(node, "field")?;
            let map_missing_to = match node.attribute("mapMissingTo") {
                Some(text) => Some(context.typed(node, field, "mapMissingTo", text)?),
                None => None,
            };
            context.data_type(node, field)?;
            Ok(Expression::FieldRef { field: field.to_string(), map_missing_to })
        }
        "Apply" => {
            let function = required_choice(node, "function", &Function::PMML_NAMES)?;
            for refused in ["defaultValue", "invalidValueTreatment"] {
                if let Some(value) = node.attribute(refused) {
                    return Err(bad_value(node, refused, value));
                }
            }
            let args = elements(node)
                .filter(|c| name(*c) != "Extension")
                .map(|c| expression(c, context, depth + 1))
                .collect::<Result<Vec<_>>>()?;
            if args.len() != 2 {
                return Err(Error::field(path(node), "the function takes exactly two arguments"));
            }
            let map_missing_to = node.attribute("mapMissingTo").map(loose);
            Ok(Expression::Apply { function, args, map_missing_to })
        }
        _ => Err(unsupported(node)),
    }
}

/// The scaling the exporter writes: `<Extension extender="xinyong" name="scaling">` holding one
/// `<Scaling pdo=".." .../>`. An extension without that element carries no scaling.
fn scaling_extension(extension: Node) -> Result<Option<Scaling>> {
    let Some(node) = elements(extension).find(|c| name(*c) == "Scaling") else {
        return Ok(None);
    };
    let number = |attribute: &str| {
        decimal(node, attribute)?
            .ok_or_else(|| Error::field(path(node), format!("missing attribute `{attribute}`")))
    };
    let scaling = Scaling {
        pdo: number("pdo")?,
        rate: decimal(node, "rate")?.unwrap_or(Decimal::TWO),
        odds: number("odds")?,
        odds_direction: required_choice(node, "oddsDirection", &ODDS_DIRECTIONS)?,
        points: number("points")?,
        intercept: required_choice(node, "intercept", &INTERCEPT_PLACEMENTS)?,
        rounding: required_choice(node, "rounding", &ROUNDINGS)?,
    };
    scaling.validate().map_err(|e| Error::field(path(node), e.to_string()))?;
    Ok(Some(scaling))
}
