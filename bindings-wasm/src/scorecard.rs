//! PMML scorecards: import, scoring and export.

use wasm_bindgen::prelude::*;
use xinyong::scorecard::Row;

use crate::convert::{IntoJs, invalid, json_text, to_js};
use crate::error::OrThrow;

/// A scorecard read from PMML.
#[wasm_bindgen]
pub struct Scorecard {
    inner: xinyong::scorecard::Scorecard,
}

#[wasm_bindgen]
impl Scorecard {
    /// Reads a PMML 4.x document holding one `<Scorecard>`; a construct the importer does not
    /// evaluate is refused with its element path rather than skipped.
    #[wasm_bindgen(js_name = fromPmml)]
    pub fn from_pmml(xml: &str) -> Result<Scorecard, JsValue> {
        Ok(Scorecard { inner: xinyong::scorecard::Scorecard::from_pmml(xml).or_throw()? })
    }

    /// Scores one row (an object of field name to number, string or null) and returns
    /// `{score, reason_codes}`, the score as a decimal string.
    #[wasm_bindgen(unchecked_return_type = "ScorecardResult")]
    pub fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ScorecardRow")] row: &JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = json_text(row, "row")?;
        let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)
            .map_err(|_| invalid("row", "expected an object of field values").into_js())?;
        let row = Row::from_json_object(&object).or_throw()?;
        to_js(&self.inner.score(&row).or_throw()?)
    }

    /// The scorecard as a PMML 4.4 document that `fromPmml` reads back to an equal scorecard.
    #[wasm_bindgen(js_name = toPmml)]
    pub fn to_pmml(&self) -> String {
        self.inner.to_pmml()
    }
}
