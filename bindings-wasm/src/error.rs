//! Engine errors as JavaScript `Error` objects.
//!
//! The `name` of the thrown error is the engine's stable kind (`xinyong::Error::kind`), so
//! callers can branch on `e.name === "invalid_field"`; the context the engine serialises with
//! the error (`path`, `line`, `column`, `problems`, ...) becomes properties of the same object,
//! so nothing the CLI prints is lost in JavaScript.

use js_sys::{Error as JsError, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::convert::to_js;

/// A JavaScript `Error` named after the engine error's kind, carrying its context fields.
pub(crate) fn engine_error(error: &xinyong::Error) -> JsValue {
    let js = JsError::new(&error.to_string());
    js.set_name(error.kind());
    // The engine's own serialisation is the single source of the context fields: a new variant
    // or field reaches JavaScript without a second list to keep in step here.
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(error) {
        for (key, value) in fields.iter().filter(|(k, _)| *k != "kind" && *k != "message") {
            set(&js, key, &value);
        }
    }
    js.into()
}

fn set(target: &JsError, key: &str, value: &impl Serialize) {
    if let Ok(value) = to_js(value) {
        // Setting a property on a fresh, unfrozen Error object cannot fail.
        let _ = Reflect::set(target, &JsValue::from_str(key), &value);
    }
}

/// A JavaScript `TypeError`: the caller passed a value of the wrong type (a programming error,
/// not an engine error, so it has no engine kind).
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Extension to turn engine results into results whose error is a thrown JavaScript value.
pub(crate) trait OrThrow<T> {
    /// Maps the engine error with [`engine_error`].
    fn or_throw(self) -> Result<T, JsValue>;
}

impl<T> OrThrow<T> for xinyong::Result<T> {
    fn or_throw(self) -> Result<T, JsValue> {
        self.map_err(|e| engine_error(&e))
    }
}
