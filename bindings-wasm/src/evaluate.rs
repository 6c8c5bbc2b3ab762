//! Evaluating enterprises: one, many, and the readable explanation.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use xinyong::batch::{BatchItem, LineLimits, RelatedParties};
use xinyong::date::Date;
use xinyong::evaluate::{EvaluationScratch, Grading, Lang};
use xinyong::{Enterprise, Evaluation, Model, RelatedParty};

use crate::convert::{IntoJs, date, invalid, json_text, to_js};
use crate::error::{OrThrow, type_error};

/// A compiled model, ready to evaluate enterprises.
#[wasm_bindgen]
pub struct Evaluator {
    inner: xinyong::Evaluator,
}

/// One entry of [`Evaluator::evaluate_many`]: the evaluation or the error, with its position.
#[derive(Serialize)]
struct Entry<'a> {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation: Option<&'a Evaluation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a xinyong::Error>,
}

/// One entry of [`Evaluator::evaluate_jsonl`]: as [`Entry`], with the 1-based line number.
#[derive(Serialize)]
struct LineEntry<'a> {
    index: usize,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    evaluation: Option<&'a Evaluation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a xinyong::Error>,
}

/// One entry of [`Evaluator::grade_many`]: the grading or the error, with its position.
#[derive(Serialize)]
struct GradingEntry<'a> {
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    grading: Option<&'a Grading>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a xinyong::Error>,
}

#[wasm_bindgen]
impl Evaluator {
    /// Compiles `modelJson`, or the embedded default model when it is omitted; an invalid model
    /// throws `invalid_model` with every problem in `problems`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(js_name = modelJson)] model_json: Option<String>,
    ) -> Result<Evaluator, JsValue> {
        let inner = match model_json {
            None => xinyong::Evaluator::default_model(),
            Some(text) => {
                xinyong::Evaluator::new(Model::from_json(&text).or_throw()?).or_throw()?
            }
        };
        Ok(Evaluator { inner })
    }

    /// Evaluates one enterprise (a plain object or its JSON text) on `asOf` (`YYYY-MM-DD`); the
    /// result is the engine's evaluation as a plain object. `relatedParty` (an object or its
    /// JSON text: a line of `xinyong graph features` without `firm` and `dishonest`) is the
    /// firm's related-party context; without it the model's `related_party` indicators are
    /// left out.
    #[wasm_bindgen(unchecked_return_type = "Evaluation")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Enterprise | string")] enterprise: &JsValue,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(js_name = relatedParty, unchecked_optional_param_type = "RelatedParty | string")]
        related_party: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.run(enterprise, as_of, related_party)?)
    }

    /// Evaluates one enterprise given as JSON text and returns the engine's pretty JSON and a
    /// final newline: byte for byte the golden files, and the CLI's output. `relatedParty` as
    /// for `evaluate`.
    #[wasm_bindgen(js_name = evaluateJson)]
    pub fn evaluate_json(
        &self,
        #[wasm_bindgen(js_name = enterpriseJson)] enterprise_json: &str,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(js_name = relatedParty, unchecked_optional_param_type = "RelatedParty | string")]
        related_party: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let enterprise = JsValue::from_str(enterprise_json);
        Ok(self.run(&enterprise, as_of, related_party)?.to_json_pretty() + "\n")
    }

    /// Evaluates every item (objects or JSON texts); one entry per item, in order:
    /// `{index, evaluation}` or `{index, error: {kind, message, path?}}`. A bad item never stops
    /// the batch, so the count out equals the count in. `relatedParties` maps USCCs (any
    /// accepted spelling) to related-party contexts as `evaluate` takes them; a firm not in it is
    /// evaluated without one.
    #[wasm_bindgen(js_name = evaluateMany, unchecked_return_type = "EvaluationEntry[]")]
    pub fn evaluate_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<Enterprise | string>")] items: &js_sys::Array,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(
            js_name = relatedParties,
            unchecked_optional_param_type = "Record<string, RelatedParty | string>"
        )]
        related_parties: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let as_of = date(as_of, "as_of")?;
        let related = related_parties_arg(related_parties)?;
        let texts = items
            .iter()
            .enumerate()
            .map(|(i, item)| json_text(&item, &format!("items[{i}]")))
            .collect::<Result<Vec<String>, JsValue>>()?;
        let results: Vec<_> =
            texts.iter().map(|t| self.inner.evaluate_json_with(t, as_of, &related)).collect();
        let entries: Vec<Entry<'_>> = results
            .iter()
            .enumerate()
            .map(|(index, r)| Entry { index, evaluation: r.as_ref().ok(), error: r.as_ref().err() })
            .collect();
        to_js(&entries)
    }

    /// Evaluates JSON Lines (a string, or the bytes of a file as a `Uint8Array`) with the
    /// engine's default line limits; one entry per non-blank line, in order: `{index, line,
    /// evaluation}` or `{index, line, error}`. A line that is too long or not UTF-8 yields its
    /// error entry and the batch goes on, as in `xinyong evaluate`. `relatedParties` as for
    /// `evaluateMany`.
    #[wasm_bindgen(js_name = evaluateJsonl, unchecked_return_type = "EvaluationLine[]")]
    pub fn evaluate_jsonl(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] input: &JsValue,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(
            js_name = relatedParties,
            unchecked_optional_param_type = "Record<string, RelatedParty | string>"
        )]
        related_parties: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let related = related_parties_arg(related_parties)?;
        let bytes = match input.as_string() {
            Some(text) => text.into_bytes(),
            None if input.is_instance_of::<js_sys::Uint8Array>() => {
                js_sys::Uint8Array::new(input).to_vec()
            }
            None => return Err(type_error("input: expected a string or a Uint8Array")),
        };
        let mut items: Vec<BatchItem> = Vec::new();
        let limits = LineLimits::default();
        self.inner
            .evaluate_jsonl_with(
                bytes.as_slice(),
                date(as_of, "as_of")?,
                limits,
                &related,
                |item| {
                    items.push(item);
                    Ok(())
                },
            )
            .or_throw()?;
        let entries: Vec<LineEntry<'_>> = items
            .iter()
            .map(|item| LineEntry {
                index: item.index,
                line: item.line,
                evaluation: item.result.as_ref().ok(),
                error: item.result.as_ref().err(),
            })
            .collect();
        to_js(&entries)
    }

    /// The readable report of an evaluation in Chinese (`"zh"`) or English (`"en"`): score,
    /// grade, dimensions, principal reasons and the improvement plan. `relatedParty` as for
    /// `evaluate`.
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Enterprise | string")] enterprise: &JsValue,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(unchecked_param_type = "Lang")] lang: &str,
        #[wasm_bindgen(js_name = relatedParty, unchecked_optional_param_type = "RelatedParty | string")]
        related_party: Option<JsValue>,
    ) -> Result<String, JsValue> {
        let lang: Lang = lang.parse().map_err(|m: String| invalid("lang", &m).into_js())?;
        Ok(self.inner.explain(&self.run(enterprise, as_of, related_party)?, lang))
    }

    /// The content hash of the compiled model (`sha256:...`), as stamped on every evaluation.
    #[wasm_bindgen(js_name = modelHash)]
    pub fn model_hash(&self) -> String {
        self.inner.stamp().hash.to_string()
    }

    /// The score-only evaluation of one enterprise (arguments as for `evaluate`): `{uscc, score,
    /// grade, grade_by_score, vetoes}`, the full evaluation's score, grades and veto ids without
    /// dimensions, reasons or plan, at about a third of the full evaluation's cost (reading the
    /// record costs the same); for re-grading a registry.
    #[wasm_bindgen(unchecked_return_type = "Grading")]
    pub fn grade(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Enterprise | string")] enterprise: &JsValue,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(js_name = relatedParty, unchecked_optional_param_type = "RelatedParty | string")]
        related_party: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let (enterprise, as_of, context) = arguments(enterprise, as_of, related_party)?;
        to_js(
            &self
                .inner
                .grade_reusing(&enterprise, as_of, context.as_ref(), &mut EvaluationScratch::new())
                .or_throw()?,
        )
    }

    /// `grade` for every item (objects or JSON texts); one entry per item, in order: `{index,
    /// grading}` or `{index, error}`, as `evaluateMany` gives them. `relatedParties` as for
    /// `evaluateMany`.
    #[wasm_bindgen(js_name = gradeMany, unchecked_return_type = "GradingEntry[]")]
    pub fn grade_many(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Array<Enterprise | string>")] items: &js_sys::Array,
        #[wasm_bindgen(js_name = asOf)] as_of: &str,
        #[wasm_bindgen(
            js_name = relatedParties,
            unchecked_optional_param_type = "Record<string, RelatedParty | string>"
        )]
        related_parties: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let as_of = date(as_of, "as_of")?;
        let related = related_parties_arg(related_parties)?;
        let mut scratch = EvaluationScratch::new();
        let mut results = Vec::with_capacity(items.length() as usize);
        for (i, item) in items.iter().enumerate() {
            let text = json_text(&item, &format!("items[{i}]"))?;
            results.push(Enterprise::from_json(&text).and_then(|firm| {
                self.inner.grade_reusing(&firm, as_of, related.get(&firm.uscc), &mut scratch)
            }));
        }
        let entries: Vec<GradingEntry<'_>> = results
            .iter()
            .enumerate()
            .map(|(index, r)| GradingEntry {
                index,
                grading: r.as_ref().ok(),
                error: r.as_ref().err(),
            })
            .collect();
        to_js(&entries)
    }

    fn run(
        &self,
        enterprise: &JsValue,
        as_of: &str,
        related_party: Option<JsValue>,
    ) -> Result<Evaluation, JsValue> {
        let (enterprise, as_of, context) = arguments(enterprise, as_of, related_party)?;
        self.inner.evaluate_with(&enterprise, as_of, context.as_ref()).or_throw()
    }
}

/// The enterprise, date and optional related-party context of a one-firm call.
fn arguments(
    enterprise: &JsValue,
    as_of: &str,
    related_party: Option<JsValue>,
) -> Result<(Enterprise, Date, Option<RelatedParty>), JsValue> {
    let text = json_text(enterprise, "enterprise")?;
    let as_of = date(as_of, "as_of")?;
    let context = match related_party.filter(|v| !v.is_null() && !v.is_undefined()) {
        None => None,
        Some(value) => {
            Some(RelatedParty::from_json(&json_text(&value, "relatedParty")?).or_throw()?)
        }
    };
    Ok((Enterprise::from_json(&text).or_throw()?, as_of, context))
}

/// Related-party contexts from a plain object of USCC (any accepted spelling) to context;
/// `undefined` or `null` is none.
fn related_parties_arg(value: Option<JsValue>) -> Result<RelatedParties, JsValue> {
    let mut out = RelatedParties::new();
    let Some(value) = value.filter(|v| !v.is_null() && !v.is_undefined()) else {
        return Ok(out);
    };
    if !value.is_object() || js_sys::Array::is_array(&value) {
        return Err(type_error("relatedParties: expected an object of USCC to context"));
    }
    for entry in js_sys::Object::entries(&js_sys::Object::from(value)).iter() {
        let pair = js_sys::Array::from(&entry);
        let key = pair.get(0).as_string().unwrap_or_default();
        let uscc = xinyong::uscc::Uscc::parse_lenient(&key)
            .map_err(xinyong::Error::from)
            .map_err(|e| at_key(e, &key))
            .or_throw()?
            .uscc;
        let context = RelatedParty::from_json(&json_text(&pair.get(1), "relatedParties")?)
            .map_err(|e| at_key(e, &key))
            .or_throw()?;
        out.insert(uscc, context);
    }
    Ok(out)
}

/// An error about one entry of `relatedParties`, its path under that entry's key.
fn at_key(error: xinyong::Error, key: &str) -> xinyong::Error {
    match error {
        xinyong::Error::InvalidField { path, message } => {
            xinyong::Error::InvalidField { path: format!("relatedParties.{key}.{path}"), message }
        }
        other => other,
    }
}
