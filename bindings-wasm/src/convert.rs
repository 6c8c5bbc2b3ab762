//! Conversions between JavaScript values and the engine's inputs and outputs.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::JsValue;
use xinyong::date::{Date, parse_date};

use crate::error::{OrThrow, type_error};

/// Serialises an engine value as a plain JSON-compatible object (maps as objects, no `Map`s or
/// `BigInt`s), so what JavaScript receives equals `JSON.parse` of the engine's JSON.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&Serializer::json_compatible())
        .map_err(|e| type_error(&format!("cannot convert the result: {e}")))
}

/// The JSON text of an argument that may be given as a string (used as is) or as a plain object
/// (serialised with `JSON.stringify`). Reading both through the engine's JSON reader gives one
/// behaviour and the same error paths whichever form the caller used.
pub(crate) fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if value.is_undefined() {
        return Err(type_error(&format!("{what}: expected an object or a JSON string")));
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| type_error(&format!("{what}: cannot be serialised as JSON")))
}

/// Reads an optional options object into `T`, starting from `T`'s serialised defaults so a
/// caller may give only the members it wants to change.
pub(crate) fn options<T: Serialize + DeserializeOwned + Default>(
    value: Option<JsValue>,
    what: &str,
) -> Result<T, JsValue> {
    let Some(value) = value.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(T::default());
    };
    let given: serde_json::Value =
        serde_json::from_str(&json_text(&value, what)?).map_err(|e| malformed(&e)).or_throw()?;
    let mut merged = serde_json::to_value(T::default()).map_err(|e| malformed(&e)).or_throw()?;
    if let (serde_json::Value::Object(base), serde_json::Value::Object(given)) =
        (&mut merged, given)
    {
        base.extend(given);
    } else {
        return Err(invalid(what, "expected an object").into_js());
    }
    serde_json::from_value(merged).map_err(|e| invalid(what, &e.to_string())).or_throw()
}

/// Parses a `YYYY-MM-DD` argument; a bad date is an `invalid_field` error at `path`.
pub(crate) fn date(text: &str, path: &str) -> Result<Date, JsValue> {
    parse_date(text)
        .ok_or_else(|| invalid(path, &format!("`{text}` is not a date (YYYY-MM-DD)")).into_js())
}

/// An `invalid_field` engine error for an argument of the binding itself.
pub(crate) fn invalid(path: &str, message: &str) -> xinyong::Error {
    xinyong::Error::InvalidField { path: path.to_owned(), message: message.to_owned() }
}

fn malformed(e: &serde_json::Error) -> xinyong::Error {
    xinyong::Error::from_json_syntax(e, e.line())
}

/// Conversion of an engine error into the thrown JavaScript value.
pub(crate) trait IntoJs {
    /// See [`crate::error::engine_error`].
    fn into_js(self) -> JsValue;
}

impl IntoJs for xinyong::Error {
    fn into_js(self) -> JsValue {
        crate::error::engine_error(&self)
    }
}
