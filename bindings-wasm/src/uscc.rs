//! Unified Social Credit Code validation.

use wasm_bindgen::prelude::*;

use crate::convert::to_js;

/// Validates a code; never throws for a bad code, which is reported in the result instead.
///
/// With `lenient`, a pilot-era code whose mod-31 check fails but whose organisation-code check
/// passes is accepted and flagged with `lenient: true` and `check_character_expected`.
#[wasm_bindgen(js_name = validateUscc, unchecked_return_type = "UsccCheck")]
pub fn validate_uscc(code: &str, lenient: Option<bool>) -> Result<JsValue, JsValue> {
    let checked = xinyong::uscc::check(code, lenient.unwrap_or(false));
    to_js(&checked)
}
