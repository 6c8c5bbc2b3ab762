//! Validation metrics of scores and grades: discrimination, stability, WOE/IV, calibration.
//!
//! Outcomes are given as numbers, `1` for a bad (a default) and `0` for a good; counts as whole
//! non-negative numbers. Anything else is an `invalid_field` error naming the element.

use wasm_bindgen::prelude::*;
use xinyong::metrics::{self, Direction, WoeOptions};

use crate::convert::{IntoJs, invalid, options, to_js};
use crate::error::OrThrow;

fn outcomes(values: &[f64], name: &str) -> Result<Vec<bool>, JsValue> {
    let read = |(i, x): (usize, &f64)| match *x {
        0.0 => Ok(false),
        1.0 => Ok(true),
        _ => Err(invalid(&format!("{name}[{i}]"), "must be 0 (good) or 1 (bad)").into_js()),
    };
    values.iter().enumerate().map(read).collect()
}

fn counts(values: &[f64], name: &str) -> Result<Vec<u64>, JsValue> {
    values.iter().enumerate().map(|(i, x)| count(*x, &format!("{name}[{i}]"))).collect()
}

pub(crate) fn count(x: f64, path: &str) -> Result<u64, JsValue> {
    // 2^53: above it not every whole number is representable, so the count may be wrong.
    if x >= 0.0 && x.fract() == 0.0 && x <= 9_007_199_254_740_992.0 {
        Ok(x as u64)
    } else {
        Err(invalid(path, "must be a whole number of at least 0").into_js())
    }
}

/// A count argument as `usize`: JavaScript numbers would otherwise wrap (`-1` becoming 2^32 − 1).
pub(crate) fn size(x: f64, path: &str) -> Result<usize, JsValue> {
    usize::try_from(count(x, path)?).map_err(|_| invalid(path, "is too large").into_js())
}

fn direction(name: &str) -> Result<Direction, JsValue> {
    match name {
        "higher_is_bad" => Ok(Direction::HigherIsBad),
        "higher_is_good" => Ok(Direction::HigherIsGood),
        _ => Err(invalid("direction", "expected higher_is_bad or higher_is_good").into_js()),
    }
}

/// Kolmogorov–Smirnov statistic `{statistic, threshold, bad_share, good_share}`.
#[wasm_bindgen(unchecked_return_type = "Ks")]
pub fn ks(scores: &[f64], labels: &[f64]) -> Result<JsValue, JsValue> {
    to_js(&metrics::ks(scores, &outcomes(labels, "labels")?).or_throw()?)
}

/// Area under the ROC curve; `direction` says whether a higher score is `"higher_is_bad"` (a
/// PD) or `"higher_is_good"` (a credit score).
#[wasm_bindgen]
pub fn auc(
    scores: &[f64],
    labels: &[f64],
    #[wasm_bindgen(js_name = direction, unchecked_param_type = "Direction")] direction_name: &str,
) -> Result<f64, JsValue> {
    metrics::auc(scores, &outcomes(labels, "labels")?, direction(direction_name)?).or_throw()
}

/// Gini coefficient `2·AUC − 1`; `direction` as for `auc`.
#[wasm_bindgen]
pub fn gini(
    scores: &[f64],
    labels: &[f64],
    #[wasm_bindgen(js_name = direction, unchecked_param_type = "Direction")] direction_name: &str,
) -> Result<f64, JsValue> {
    metrics::gini(scores, &outcomes(labels, "labels")?, direction(direction_name)?).or_throw()
}

/// Population stability index. Without `bins`, `expected` and `actual` are two binnings (counts
/// or shares, bin by bin); with `bins`, they are raw scores, binned at `bins` quantiles of
/// `expected` (the result then also has the cut points and counts).
#[wasm_bindgen(unchecked_return_type = "Psi | ScorePsi")]
pub fn psi(expected: &[f64], actual: &[f64], bins: Option<f64>) -> Result<JsValue, JsValue> {
    match bins {
        None => to_js(&metrics::psi(expected, actual).or_throw()?),
        Some(bins) => {
            let bins = size(bins, "bins")?;
            to_js(&metrics::psi_from_scores(expected, actual, bins).or_throw()?)
        }
    }
}

/// Characteristic stability index from counts per bin.
#[wasm_bindgen(unchecked_return_type = "Psi")]
pub fn csi(
    #[wasm_bindgen(js_name = expectedCounts)] expected_counts: &[f64],
    #[wasm_bindgen(js_name = actualCounts)] actual_counts: &[f64],
) -> Result<JsValue, JsValue> {
    let expected = counts(expected_counts, "expected_counts")?;
    let actual = counts(actual_counts, "actual_counts")?;
    to_js(&metrics::csi(&expected, &actual).or_throw()?)
}

/// Weight of evidence and information value from the goods and bads of each bin. `options`
/// may set `convention` (`"good_over_bad"` | `"bad_over_good"`) and `zero_count`.
#[wasm_bindgen(js_name = woeIv, unchecked_return_type = "IvTable")]
pub fn woe_iv(
    goods: &[f64],
    bads: &[f64],
    #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "WoeOptions")]
    options_value: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let options = options::<WoeOptions>(options_value, "options")?;
    let table = metrics::woe_iv(&counts(goods, "goods")?, &counts(bads, "bads")?, options);
    to_js(&table.or_throw()?)
}

/// Brier score of predicted default probabilities against outcomes.
#[wasm_bindgen]
pub fn brier(probabilities: &[f64], labels: &[f64]) -> Result<f64, JsValue> {
    metrics::brier(probabilities, &outcomes(labels, "labels")?).or_throw()
}

/// Hosmer–Lemeshow test of predicted probabilities in `groups` groups.
#[wasm_bindgen(js_name = hosmerLemeshow, unchecked_return_type = "HosmerLemeshow")]
pub fn hosmer_lemeshow(
    probabilities: &[f64],
    labels: &[f64],
    groups: f64,
) -> Result<JsValue, JsValue> {
    let (labels, groups) = (outcomes(labels, "labels")?, size(groups, "groups")?);
    to_js(&metrics::hosmer_lemeshow(probabilities, &labels, groups).or_throw()?)
}

/// One-sided binomial test of `defaults` out of `n` obligors at the grade's PD, with its
/// traffic light.
#[wasm_bindgen(js_name = binomialTest, unchecked_return_type = "Binomial")]
pub fn binomial_test(defaults: f64, n: f64, pd: f64) -> Result<JsValue, JsValue> {
    let (defaults, n) = (count(defaults, "defaults")?, count(n, "n")?);
    to_js(&metrics::binomial_test(defaults, n, pd).or_throw()?)
}

/// Score cut-offs that give each grade its target share of `scores`.
#[wasm_bindgen(js_name = calibrateCutoffs, unchecked_return_type = "number[]")]
pub fn calibrate_cutoffs(
    scores: &[f64],
    #[wasm_bindgen(js_name = targetShares)] target_shares: &[f64],
) -> Result<JsValue, JsValue> {
    to_js(&metrics::calibrate_cutoffs(scores, target_shares).or_throw()?)
}

/// Grade migration matrix between two gradings of the same obligors.
#[wasm_bindgen(unchecked_return_type = "MigrationMatrix")]
pub fn migration(
    #[wasm_bindgen(js_name = fromGrades)] from_grades: Vec<String>,
    #[wasm_bindgen(js_name = toGrades)] to_grades: Vec<String>,
    grades: Vec<String>,
) -> Result<JsValue, JsValue> {
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let matrix = metrics::migration(&refs(&from_grades), &refs(&to_grades), &refs(&grades));
    to_js(&matrix.or_throw()?)
}
