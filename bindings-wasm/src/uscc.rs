//! Unified Social Credit Code validation.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use xinyong::Uscc;

use crate::convert::to_js;

/// The object `xinyong uscc` prints for one code, field for field, so the CLI and JavaScript
/// agree.
#[derive(Serialize)]
struct Checked<'a> {
    input: &'a str,
    valid: bool,
    normalized: Option<&'a str>,
    error: Option<Failure>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lenient: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check_character_expected: Option<String>,
}

/// Why a code failed: the [`xinyong::UsccError`] kind, its 1-based position and its message.
#[derive(Serialize)]
struct Failure {
    kind: &'static str,
    position: Option<usize>,
    message: String,
}

/// Validates a code; never throws for a bad code, which is reported in the result instead.
///
/// With `lenient`, a pilot-era code whose mod-31 check fails but whose organisation-code check
/// passes is accepted and flagged with `lenient: true` and `check_character_expected`.
#[wasm_bindgen(js_name = validateUscc, unchecked_return_type = "UsccCheck")]
pub fn validate_uscc(code: &str, lenient: Option<bool>) -> Result<JsValue, JsValue> {
    let parsed = if lenient.unwrap_or(false) {
        Uscc::parse_lenient(code).map(|l| (l.uscc, l.check_character_expected))
    } else {
        Uscc::parse(code).map(|u| (u, None))
    };
    let checked = match &parsed {
        Ok((uscc, expected)) => Checked {
            input: code,
            valid: true,
            normalized: Some(uscc.as_str()),
            error: None,
            authority: Some(uscc.authority().to_string()),
            category: uscc.category_name(),
            region: Some(uscc.region()),
            lenient: expected.map(|_| true),
            check_character_expected: expected.map(String::from),
        },
        Err(e) => Checked {
            input: code,
            valid: false,
            normalized: None,
            error: Some(Failure { kind: e.kind(), position: e.position(), message: e.to_string() }),
            authority: None,
            category: None,
            region: None,
            lenient: None,
            check_character_expected: None,
        },
    };
    to_js(&checked)
}
