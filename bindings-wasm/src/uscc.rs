//! Identity: Unified Social Credit Code validation, and pseudonyms for resident ID numbers.

use wasm_bindgen::prelude::*;

use crate::convert::to_js;
use crate::error::{OrThrow, type_error};

/// Validates a code; never throws for a bad code, which is reported in the result instead.
///
/// With `lenient`, a pilot-era code whose mod-31 check fails but whose organisation-code check
/// passes is accepted and flagged with `lenient: true` and `check_character_expected`.
#[wasm_bindgen(js_name = validateUscc, unchecked_return_type = "UsccCheck")]
pub fn validate_uscc(code: &str, lenient: Option<bool>) -> Result<JsValue, JsValue> {
    let checked = xinyong::uscc::check(code, lenient.unwrap_or(false));
    to_js(&checked)
}

/// The pseudonymous person key of a resident ID number (GB 11643): `pid-` and 32 hex digits of
/// HMAC-SHA-256 under `secret` (a string's UTF-8 bytes, or the bytes given; at least 16). Use
/// it as the person key of a graph file: raw ID numbers are refused there. Throws
/// `invalid_field` for a number whose check character or birth date is wrong, or a short
/// secret; the message never repeats the number.
#[wasm_bindgen(js_name = personKey)]
pub fn person_key(
    #[wasm_bindgen(js_name = idNumber)] id_number: &str,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] secret: JsValue,
) -> Result<String, JsValue> {
    let bytes = match secret.as_string() {
        Some(text) => text.into_bytes(),
        None => match secret.dyn_into::<js_sys::Uint8Array>() {
            Ok(array) => array.to_vec(),
            Err(_) => {
                return Err(type_error("personKey: the secret must be a string or a Uint8Array"));
            }
        },
    };
    xinyong::privacy::person_key(id_number, &bytes).or_throw()
}

/// `text` with every resident ID number in it replaced by `[ID number redacted]`.
#[wasm_bindgen]
pub fn redact(text: &str) -> String {
    xinyong::privacy::redact(text).into_owned()
}
