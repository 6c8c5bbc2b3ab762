//! Writing a [`Scorecard`] back to PMML 4.4, so a card edited or built here can go to any other
//! PMML evaluator. Reading the output with [`Scorecard::from_pmml`] gives an equal scorecard.

use super::data::{DataField, MiningField, Value};
use super::expr::{Expression, Function, Operator, Predicate};
use super::names::{
    ALGORITHMS, BASELINE_METHODS, BOOLEAN_OPERATORS, CLOSURES, DATA_TYPES, EXTENDER,
    INTERCEPT_PLACEMENTS, INVALID_TREATMENTS, MISSING_TREATMENTS, ODDS_DIRECTIONS, OPTYPES,
    PROPERTIES, ROUNDINGS, SCALING_EXTENSION, SET_OPERATORS, USAGE_TYPES,
};
use super::scaling::Scaling;
use super::{Attribute, Characteristic, POLICY_EXTENDER, PartialScore, Scorecard};

type Attrs = Vec<(&'static str, String)>;

/// The PMML spelling of an enumerated value. The tables cover every variant (the round-trip
/// tests would fail otherwise), so the empty fallback is never written.
fn spelling<T: PartialEq + Copy>(table: &[(T, &'static str)], value: T) -> String {
    table.iter().find(|(v, _)| *v == value).map_or("", |(_, s)| s).to_string()
}

/// Escapes text for XML 1.0. Tabs and line breaks become character references so attribute
/// values keep them; other control characters cannot appear in XML 1.0 at all and are written
/// as U+FFFD.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if c < ' ' || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// An indenting XML writer; every element is closed by the method that opened it.
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn start(&mut self, name: &str, attrs: &Attrs) {
        self.out.push_str(&"  ".repeat(self.depth));
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push_str(&format!(" {key}=\"{}\"", escape(value)));
        }
    }

    fn empty(&mut self, name: &str, attrs: &Attrs) {
        self.start(name, attrs);
        self.out.push_str("/>\n");
    }

    fn text(&mut self, name: &str, attrs: &Attrs, text: &str) {
        self.start(name, attrs);
        self.out.push_str(&format!(">{}</{name}>\n", escape(text)));
    }

    fn nested(&mut self, name: &str, attrs: &Attrs, body: impl FnOnce(&mut Writer)) {
        self.start(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
        body(self);
        self.depth -= 1;
        self.out.push_str(&format!("{}</{name}>\n", "  ".repeat(self.depth)));
    }
}

/// See [`Scorecard::to_pmml`].
pub(super) fn scorecard_to_pmml(card: &Scorecard) -> String {
    let mut w =
        Writer { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), depth: 0 };
    let root =
        vec![("xmlns", "http://www.dmg.org/PMML-4_4".to_string()), ("version", "4.4".into())];
    w.nested("PMML", &root, |w| {
        w.empty("Header", &Vec::new());
        let count = vec![("numberOfFields", card.data_fields.len().to_string())];
        w.nested("DataDictionary", &count, |w| {
            card.data_fields.iter().for_each(|f| data_field(w, f))
        });
        w.nested("Scorecard", &scorecard_attrs(card), |w| {
            if let Some(scaling) = &card.scaling {
                scaling_extension(w, scaling);
            }
            w.nested("MiningSchema", &Vec::new(), |w| {
                card.mining_fields.iter().for_each(|f| mining_field(w, f));
            });
            w.nested("Characteristics", &Vec::new(), |w| {
                card.characteristics.iter().for_each(|c| characteristic(w, c));
            });
        });
    });
    w.out
}

fn scorecard_attrs(card: &Scorecard) -> Attrs {
    let mut attrs = Attrs::new();
    if let Some(name) = &card.model_name {
        attrs.push(("modelName", name.clone()));
    }
    attrs.push(("functionName", "regression".into()));
    attrs.push(("initialScore", card.initial_score.normalize().to_string()));
    attrs.push(("useReasonCodes", card.use_reason_codes.to_string()));
    attrs.push(("reasonCodeAlgorithm", spelling(&ALGORITHMS, card.reasoncode_algorithm)));
    attrs.push(("baselineMethod", spelling(&BASELINE_METHODS, card.baseline_method)));
    if let Some(baseline) = card.baseline_score {
        attrs.push(("baselineScore", baseline.normalize().to_string()));
    }
    attrs
}

/// The scaling as a `Scaling` element inside an `Extension` (the place PMML leaves for content
/// of its own, any elements allowed); [`Scorecard::from_pmml`] reads it back and other
/// evaluators skip it.
fn scaling_extension(w: &mut Writer, scaling: &Scaling) {
    let attrs = vec![
        ("pdo", scaling.pdo.normalize().to_string()),
        ("rate", scaling.rate.normalize().to_string()),
        ("odds", scaling.odds.normalize().to_string()),
        ("oddsDirection", spelling(&ODDS_DIRECTIONS, scaling.odds_direction)),
        ("points", scaling.points.normalize().to_string()),
        ("intercept", spelling(&INTERCEPT_PLACEMENTS, scaling.intercept)),
        ("rounding", spelling(&ROUNDINGS, scaling.rounding)),
    ];
    let extension =
        vec![("extender", EXTENDER.to_string()), ("name", SCALING_EXTENSION.to_string())];
    w.nested("Extension", &extension, |w| w.empty("Scaling", &attrs));
}

fn data_field(w: &mut Writer, field: &DataField) {
    let attrs = vec![
        ("name", field.name.clone()),
        ("optype", spelling(&OPTYPES, field.optype)),
        ("dataType", spelling(&DATA_TYPES, field.data_type)),
    ];
    if field.intervals.is_empty() && field.values.is_empty() {
        return w.empty("DataField", &attrs);
    }
    w.nested("DataField", &attrs, |w| {
        for interval in &field.intervals {
            let mut attrs = vec![("closure", spelling(&CLOSURES, interval.closure))];
            if let Some(left) = interval.left_margin {
                attrs.push(("leftMargin", left.normalize().to_string()));
            }
            if let Some(right) = interval.right_margin {
                attrs.push(("rightMargin", right.normalize().to_string()));
            }
            w.empty("Interval", &attrs);
        }
        for value in &field.values {
            let property = spelling(&PROPERTIES, value.property);
            w.empty("Value", &vec![("value", value.value.clone()), ("property", property)]);
        }
    });
}

fn mining_field(w: &mut Writer, field: &MiningField) {
    let mut attrs =
        vec![("name", field.name.clone()), ("usageType", spelling(&USAGE_TYPES, field.usage_type))];
    if let Some(treatment) = field.missing_value_treatment {
        attrs.push(("missingValueTreatment", spelling(&MISSING_TREATMENTS, treatment)));
    }
    if let Some(replacement) = &field.missing_value_replacement {
        attrs.push(("missingValueReplacement", replacement.to_text()));
    }
    let invalid = spelling(&INVALID_TREATMENTS, field.invalid_value_treatment);
    attrs.push(("invalidValueTreatment", invalid));
    w.empty("MiningField", &attrs);
}

fn characteristic(w: &mut Writer, characteristic: &Characteristic) {
    let mut attrs = Attrs::new();
    if let Some(name) = &characteristic.name {
        attrs.push(("name", name.clone()));
    }
    if let Some(code) = &characteristic.reason_code {
        attrs.push(("reasonCode", code.clone()));
    }
    if let Some(baseline) = characteristic.baseline_score {
        attrs.push(("baselineScore", baseline.normalize().to_string()));
    }
    w.nested("Characteristic", &attrs, |w| {
        let policies = [("missing", &characteristic.missing), ("unseen", &characteristic.unseen)];
        for (name, policy) in policies {
            if let Some(policy) = policy {
                let attrs = vec![
                    ("extender", POLICY_EXTENDER.to_string()),
                    ("name", name.to_string()),
                    ("value", policy.to_string()),
                ];
                w.empty("Extension", &attrs);
            }
        }
        characteristic.attributes.iter().for_each(|a| attribute(w, a));
    });
}

fn attribute(w: &mut Writer, attribute: &Attribute) {
    let mut attrs = Attrs::new();
    if let Some(code) = &attribute.reason_code {
        attrs.push(("reasonCode", code.clone()));
    }
    if let PartialScore::Fixed(points) = attribute.partial_score {
        attrs.push(("partialScore", points.normalize().to_string()));
    }
    w.nested("Attribute", &attrs, |w| {
        predicate(w, &attribute.predicate);
        if let PartialScore::Complex(e) = &attribute.partial_score {
            w.nested("ComplexPartialScore", &Vec::new(), |w| expression(w, e));
        }
    });
}

fn predicate(w: &mut Writer, node: &Predicate) {
    match node {
        Predicate::True => w.empty("True", &Vec::new()),
        Predicate::False => w.empty("False", &Vec::new()),
        Predicate::Simple { field, op, value } => {
            let mut attrs =
                vec![("field", field.clone()), ("operator", spelling(&Operator::PMML_NAMES, *op))];
            if let Some(value) = value.as_ref().filter(|_| op.needs_value()) {
                attrs.push(("value", value.to_text()));
            }
            w.empty("SimplePredicate", &attrs);
        }
        Predicate::SimpleSet { field, op, values } => {
            let attrs =
                vec![("field", field.clone()), ("booleanOperator", spelling(&SET_OPERATORS, *op))];
            w.nested("SimpleSetPredicate", &attrs, |w| {
                let numeric = values.iter().all(|v| matches!(v, Value::Number(_)));
                let kind = if numeric { "real" } else { "string" };
                let attrs = vec![("n", values.len().to_string()), ("type", kind.to_string())];
                let entries: Vec<String> = values.iter().map(array_entry).collect();
                w.text("Array", &attrs, &entries.join(" "));
            });
        }
        Predicate::Compound { op, children } => {
            let attrs = vec![("booleanOperator", spelling(&BOOLEAN_OPERATORS, *op))];
            w.nested("CompoundPredicate", &attrs, |w| {
                children.iter().for_each(|c| predicate(w, c))
            });
        }
    }
}

/// Numbers go bare; texts are quoted with `\"` for inner quotes, so spaces survive.
fn array_entry(value: &Value) -> String {
    match value {
        Value::Number(_) | Value::Missing => value.to_text(),
        Value::Text(text) => format!("\"{}\"", text.replace('"', "\\\"")),
    }
}

fn expression(w: &mut Writer, node: &Expression) {
    match node {
        Expression::Constant { value: Value::Missing } => {
            w.empty("Constant", &vec![("missing", "true".into())]);
        }
        Expression::Constant { value } => {
            let kind = if matches!(value, Value::Number(_)) { "double" } else { "string" };
            w.text("Constant", &vec![("dataType", kind.into())], &value.to_text());
        }
        Expression::FieldRef { field, map_missing_to } => {
            let mut attrs = vec![("field", field.clone())];
            if let Some(v) = map_missing_to {
                attrs.push(("mapMissingTo", v.to_text()));
            }
            w.empty("FieldRef", &attrs);
        }
        Expression::Apply { function, args, map_missing_to } => {
            let mut attrs = vec![("function", spelling(&Function::PMML_NAMES, *function))];
            if let Some(v) = map_missing_to {
                attrs.push(("mapMissingTo", v.to_text()));
            }
            w.nested("Apply", &attrs, |w| args.iter().for_each(|a| expression(w, a)));
        }
    }
}
