//! Deterministic synthetic data: the engine's generators behind `xinyong synth`, with the
//! command line's defaults, so the same arguments give the same documents, byte for byte, on
//! every surface.
//!
//! Objects are `JSON.parse` of the engine's own JSON text (one parse for the whole array), so
//! they have exactly the shape and member order of the command line's lines; the `…Jsonl` and
//! `…Json` forms are the command line's bytes.

use wasm_bindgen::prelude::*;
use xinyong::Model;
use xinyong::date::Date;
use xinyong::finance::Catalog;
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands, registry};

use crate::convert::{IntoJs, date, invalid};
use crate::error::{OrThrow, type_error};
use crate::metrics::size;

/// The command line's default reference date (`xinyong synth --as-of`).
const DEFAULT_AS_OF: &str = "2026-06-30";

/// 2^53: above it not every whole number is a JavaScript number.
const MAX_SAFE: f64 = 9_007_199_254_740_992.0;

/// A seed: a whole number from 0 to 2^53, or a `bigint` for the full 64-bit range; absent, 1
/// (the command line's default).
fn seed(value: Option<JsValue>) -> Result<u64, JsValue> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(1);
    };
    if let Some(x) = value.as_f64() {
        if x >= 0.0 && x.fract() == 0.0 && x <= MAX_SAFE {
            return Ok(x as u64);
        }
        return Err(
            invalid("seed", "must be a whole number from 0 to 2^53 (or a bigint)").into_js()
        );
    }
    if value.is_bigint() {
        return u64::try_from(value)
            .map_err(|_| invalid("seed", "must be a bigint from 0 to 2^64 - 1").into_js());
    }
    Err(type_error("seed: expected a number or a bigint"))
}

/// The registry's configuration from the call's arguments, with the command line's defaults.
fn config(
    enterprises: f64,
    seed_value: Option<JsValue>,
    as_of: Option<String>,
    mean_records: Option<f64>,
) -> Result<SynthConfig, JsValue> {
    let enterprises = size(enterprises, "enterprises")?;
    let seed = seed(seed_value)?;
    let as_of: Date = date(as_of.as_deref().unwrap_or(DEFAULT_AS_OF), "as_of")?;
    let mean_records = match mean_records {
        None => 0,
        Some(m) if (0.0..=f64::from(u32::MAX)).contains(&m) && m.fract() == 0.0 => m as u32,
        Some(_) => {
            return Err(
                invalid("mean_records", "must be a whole number from 0 to 2^32 - 1").into_js()
            );
        }
    };
    let mut config = SynthConfig::new(enterprises, seed, as_of);
    config.mean_records = mean_records;
    Ok(config)
}

/// JSON Lines: one document a line, each line ending with a newline, as the command line writes.
fn jsonl(lines: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The documents as one array, through one `JSON.parse` of the engine's text.
fn parsed(lines: impl Iterator<Item = String>) -> Result<JsValue, JsValue> {
    let mut text = String::from("[");
    for (i, line) in lines.enumerate() {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&line);
    }
    text.push(']');
    js_sys::JSON::parse(&text)
}

/// A deterministic synthetic registry: `enterprises` firms drawn from `seed` (default 1), every
/// date on or before `asOf` (default `"2026-06-30"`) except penalty disclosure ends and honour
/// expiry, with `meanRecords` records per firm on average (default 0: the realistic mix, about
/// two, most firms having none). One record object per enterprise, `JSON.parse` of each line of
/// `xinyong synth` with the same arguments.
#[wasm_bindgen(js_name = synthRegistry, unchecked_return_type = "Enterprise[]")]
pub fn synth_registry(
    enterprises: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] seed: Option<JsValue>,
    #[wasm_bindgen(js_name = asOf, unchecked_optional_param_type = "string")] as_of: Option<String>,
    #[wasm_bindgen(js_name = meanRecords, unchecked_optional_param_type = "number")]
    mean_records: Option<f64>,
) -> Result<JsValue, JsValue> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    parsed(registry(&config).map(|e| e.to_json()))
}

/// The registry of `synthRegistry` as JSON Lines text, byte for byte the output of
/// `xinyong synth` with the same arguments.
#[wasm_bindgen(js_name = synthRegistryJsonl)]
pub fn synth_registry_jsonl(
    enterprises: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] seed: Option<JsValue>,
    #[wasm_bindgen(js_name = asOf, unchecked_optional_param_type = "string")] as_of: Option<String>,
    #[wasm_bindgen(js_name = meanRecords, unchecked_optional_param_type = "number")]
    mean_records: Option<f64>,
) -> Result<String, JsValue> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    Ok(jsonl(registry(&config).map(|e| e.to_json())))
}

/// One financing demand per firm of the registry `synthRegistry` gives with the same arguments
/// (ids `d-000000`, `d-000001` ...): `JSON.parse` of each line of `xinyong synth demands`, ready
/// for `Matcher.matchDemand` and `matchMany`.
#[wasm_bindgen(js_name = synthDemands, unchecked_return_type = "Demand[]")]
pub fn synth_demands(
    enterprises: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] seed: Option<JsValue>,
    #[wasm_bindgen(js_name = asOf, unchecked_optional_param_type = "string")] as_of: Option<String>,
    #[wasm_bindgen(js_name = meanRecords, unchecked_optional_param_type = "number")]
    mean_records: Option<f64>,
) -> Result<JsValue, JsValue> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    parsed(demands(&config).map(|d| d.to_json()))
}

/// The demands of `synthDemands` as JSON Lines text, byte for byte the output of
/// `xinyong synth demands` with the same arguments.
#[wasm_bindgen(js_name = synthDemandsJsonl)]
pub fn synth_demands_jsonl(
    enterprises: f64,
    #[wasm_bindgen(unchecked_optional_param_type = "number | bigint")] seed: Option<JsValue>,
    #[wasm_bindgen(js_name = asOf, unchecked_optional_param_type = "string")] as_of: Option<String>,
    #[wasm_bindgen(js_name = meanRecords, unchecked_optional_param_type = "number")]
    mean_records: Option<f64>,
) -> Result<String, JsValue> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    Ok(jsonl(demands(&config).map(|d| d.to_json())))
}

/// A deterministic synthetic product catalog of `products` products drawn from `seed` (default
/// 1), validated against the model (`modelJson`, or the embedded default) like any catalog:
/// pretty JSON and a final newline, byte for byte `xinyong synth catalog` with the same
/// arguments, ready for `new Matcher(...)`. Throws `invalid_model` when a product names a grade
/// the model does not have (the products use grades A to D).
#[wasm_bindgen(js_name = synthCatalogJson)]
pub fn synth_catalog_json(
    products: f64,
    #[wasm_bindgen(js_name = seed, unchecked_optional_param_type = "number | bigint")]
    seed_value: Option<JsValue>,
    #[wasm_bindgen(js_name = modelJson, unchecked_optional_param_type = "string")]
    model_json: Option<String>,
) -> Result<String, JsValue> {
    let products = size(products, "products")?;
    let seed = seed(seed_value)?;
    let model = match model_json {
        None => Model::default_model(),
        Some(text) => Model::from_json(&text).or_throw()?,
    };
    let checked = Catalog::new(catalog(&CatalogConfig::new(products, seed)), &model).or_throw()?;
    Ok(checked.to_json_pretty() + "\n")
}
