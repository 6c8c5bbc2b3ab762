//! The embedded default model and model validation.

use wasm_bindgen::prelude::*;
use xinyong::{Model, Problem};

use crate::convert::to_js;
use crate::error::engine_error;

/// The embedded default model as pretty JSON: a starting point for a custom model.
#[wasm_bindgen(js_name = defaultModelJson)]
pub fn default_model_json() -> String {
    Model::default_model().to_json_pretty()
}

/// Every problem of a model, each `{path, message}`; an empty array when the model is valid.
///
/// Text that is not JSON at all throws `malformed_json`; a structural error (a missing member, a
/// wrong type) is reported as one problem at its path, as `xinyong model validate` does.
#[wasm_bindgen(js_name = validateModel, unchecked_return_type = "ModelProblem[]")]
pub fn validate_model(
    #[wasm_bindgen(js_name = modelJson)] model_json: &str,
) -> Result<JsValue, JsValue> {
    let problems = match Model::from_json(model_json) {
        Ok(model) => model.problems(),
        Err(e @ xinyong::Error::MalformedJson { .. }) => return Err(engine_error(&e)),
        Err(e) => {
            vec![Problem { path: e.path().unwrap_or(".").to_owned(), message: e.to_string() }]
        }
    };
    to_js(&problems)
}
