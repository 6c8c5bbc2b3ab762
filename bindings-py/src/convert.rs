//! Conversions between Python objects and the engine's values.
//!
//! Helpers for every binding module (`pub(crate)`):
//! - [`py_to_json_text`]: plain Python objects (dict, list, str, int, float, bool, None) as JSON
//!   text, keys in dict order; also accepts `decimal.Decimal` (written as a decimal
//!   string, which the engine reads exactly) and `datetime.date` (written as `YYYY-MM-DD`).
//! - [`serde_to_py`]: any engine value that serialises (results, summaries) as Python objects, in
//!   the same shape as its JSON.
//! - [`json_text`]: a record argument (`dict` or JSON `str`/`bytes`) as JSON text for the engine's
//!   own parsers, so every surface reports the same errors with the same paths.
//! - [`date_arg`]: a `datetime.date` or an ISO `YYYY-MM-DD` string as an engine date.
//! - [`text_or_path`]: a `str` of content, or an `os.PathLike` naming a file to read.
//! - [`lang_arg`]: `"zh"` or `"en"`.
//!
//! `rust_decimal::Decimal` and `chrono::NaiveDate` convert to `decimal.Decimal` and
//! `datetime.date` through PyO3's own conversions (the `rust_decimal` and `chrono` features), so
//! returning them from a `#[pyfunction]` or getter is enough.

use chrono::NaiveDate;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use std::cell::RefCell;

use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType,
};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use xinyong::evaluate::Lang;

use crate::errors::EngineResult;

/// Any serialisable engine value as plain Python objects, in the shape (and key order) of its
/// JSON.
pub(crate) fn serde_to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(PyErr::from)
}

/// The `decimal.Decimal` class, imported once.
fn decimal_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    static CLASS: PyOnceLock<Py<PyType>> = PyOnceLock::new();
    CLASS.import(py, "decimal", "Decimal")
}

/// A plain Python object written as JSON text, keys in the dict's order (see the file comment
/// for the accepted types). A Python error met on the way is kept and returned as itself, so a
/// `TypeError` stays a `TypeError`.
pub(crate) fn py_to_json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    let failure = RefCell::new(None);
    let text = serde_json::to_string(&PyJson { obj, failure: &failure, depth: 0 });
    match (text, failure.into_inner()) {
        (_, Some(err)) => Err(err),
        (Ok(text), None) => Ok(text),
        (Err(e), None) => {
            Err(PyValueError::new_err(format!("cannot write the record as JSON: {e}")))
        }
    }
}

/// Serialises a Python object; the first Python error is parked in `failure`.
struct PyJson<'a, 'py> {
    obj: &'a Bound<'py, PyAny>,
    failure: &'a RefCell<Option<PyErr>>,
    depth: usize,
}

/// Deepest nesting written: the engine's own JSON depth limit, so a Python object too deep for
/// the engine gets the same `limit_exceeded` error the engine gives for text, and no
/// pathological object can exhaust the stack here.
const MAX_DEPTH: usize = xinyong::record::MAX_JSON_DEPTH;

impl PyJson<'_, '_> {
    fn child<'b, 'py>(&'b self, obj: &'b Bound<'py, PyAny>) -> PyJson<'b, 'py> {
        PyJson { obj, failure: self.failure, depth: self.depth + 1 }
    }
}

impl Serialize for PyJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fail = |err: PyErr| {
            let message = err.to_string();
            self.failure.borrow_mut().get_or_insert(err);
            S::Error::custom(message)
        };
        let obj = self.obj;
        if self.depth > MAX_DEPTH {
            let error = xinyong::Error::LimitExceeded {
                what: "JSON nesting depth".to_owned(),
                limit: MAX_DEPTH,
                found: self.depth,
            };
            return Err(fail(crate::errors::to_py_err(error)));
        }
        if obj.is_none() {
            serializer.serialize_unit()
        } else if let Ok(b) = obj.cast::<PyBool>() {
            serializer.serialize_bool(b.is_true())
        } else if let Ok(s) = obj.cast::<PyString>() {
            serializer.serialize_str(&s.to_cow().map_err(fail)?)
        } else if let Ok(i) = obj.cast::<PyInt>() {
            if let Ok(v) = i.extract::<i64>() {
                serializer.serialize_i64(v)
            } else if let Ok(v) = i.extract::<u64>() {
                serializer.serialize_u64(v)
            } else {
                // Beyond 64 bits: the digits as a string, which decimal fields accept.
                serializer.collect_str(&i.str().map_err(fail)?.to_cow().map_err(fail)?)
            }
        } else if let Ok(f) = obj.cast::<PyFloat>() {
            let v = f.value();
            if !v.is_finite() {
                return Err(fail(PyValueError::new_err(
                    "NaN and infinite floats have no JSON form",
                )));
            }
            serializer.serialize_f64(v)
        } else if let Ok(dict) = obj.cast::<PyDict>() {
            let mut map = serializer.serialize_map(Some(dict.len()))?;
            for (key, item) in dict.iter() {
                let key = key
                    .cast::<PyString>()
                    .map_err(|_| fail(PyTypeError::new_err("record keys must be strings")))?;
                map.serialize_entry(&*key.to_cow().map_err(fail)?, &self.child(&item))?;
            }
            map.end()
        } else if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
            let mut seq = serializer.serialize_seq(None)?;
            for item in obj.try_iter().map_err(fail)? {
                seq.serialize_element(&self.child(&item.map_err(fail)?))?;
            }
            seq.end()
        } else if obj.is_instance(decimal_class(obj.py()).map_err(fail)?).map_err(fail)? {
            // The engine reads decimals exactly from strings.
            serializer.collect_str(&obj.str().map_err(fail)?.to_cow().map_err(fail)?)
        } else if obj.is_instance_of::<PyDate>() {
            // A `datetime.datetime` is a `date` too; its `isoformat()` has a time part the
            // engine rejects, the honest answer for a timestamp where a date is expected.
            let text: String =
                obj.call_method0("isoformat").and_then(|t| t.extract()).map_err(fail)?;
            serializer.serialize_str(&text)
        } else {
            let name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            Err(fail(PyTypeError::new_err(format!(
                "cannot convert a `{name}` to JSON (expected dict, list, str, int, float, bool, \
                 None, Decimal or date)"
            ))))
        }
    }
}

/// A record argument as JSON text: a `str` or UTF-8 `bytes` of JSON as given, or a `dict`
/// (anything [`py_to_json_text`] accepts) serialised.
pub(crate) fn json_text(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        Ok(s.to_cow()?.into_owned())
    } else if let Ok(b) = obj.cast::<PyBytes>() {
        std::str::from_utf8(b.as_bytes())
            .map(str::to_owned)
            .map_err(|_| xinyong::Error::InvalidUtf8)
            .py()
    } else if obj.is_instance_of::<PyDict>() {
        py_to_json_text(obj)
    } else {
        Err(PyTypeError::new_err(format!(
            "expected an enterprise as a dict or JSON text, got `{}`",
            obj.get_type().name()?
        )))
    }
}

/// An evaluation date: a `datetime.date` or a `YYYY-MM-DD` string.
pub(crate) fn date_arg(obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    if let Ok(s) = obj.cast::<PyString>() {
        let text = &*s.to_cow()?;
        xinyong::date::parse_date(text)
            .ok_or_else(|| PyValueError::new_err(format!("`{text}` is not a date (YYYY-MM-DD)")))
    } else if obj.is_instance_of::<PyDate>() {
        // A datetime is a date too; keep only its date, as `datetime.date` methods do.
        let text: String = obj.call_method0("isoformat")?.extract()?;
        text.get(..10).and_then(xinyong::date::parse_date).ok_or_else(|| {
            PyValueError::new_err(format!("`{text}` is not a date the engine supports"))
        })
    } else {
        Err(PyTypeError::new_err(format!(
            "expected a datetime.date or a YYYY-MM-DD string, got `{}`",
            obj.get_type().name()?
        )))
    }
}

/// Content given as a `str`, or read from the file an `os.PathLike` names. Read failures are
/// the engine's `io` and `invalid_utf8` errors, as on every other surface.
pub(crate) fn text_or_path(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(s.to_cow()?.into_owned());
    }
    let path = path_arg(obj)?;
    let bytes = obj.py().detach(|| std::fs::read(&path)).map_err(xinyong::Error::from).py()?;
    String::from_utf8(bytes).map_err(|_| xinyong::Error::InvalidUtf8).py()
}

/// A filesystem path from an `os.PathLike` (a `str` is not accepted: it means content).
pub(crate) fn path_arg(obj: &Bound<'_, PyAny>) -> PyResult<std::path::PathBuf> {
    if obj.hasattr("__fspath__")? {
        obj.extract()
    } else {
        Err(PyTypeError::new_err(format!(
            "expected JSON text (str) or a path (os.PathLike), got `{}`",
            obj.get_type().name()?
        )))
    }
}

/// A report language, `"zh"` or `"en"`.
pub(crate) fn lang_arg(text: &str) -> PyResult<Lang> {
    text.parse().map_err(PyValueError::new_err)
}

/// Pauses Python's cyclic garbage collector while a result of millions of small containers is
/// built, and restores it when dropped (also on an early return with an error).
///
/// Each new list counts towards the collector's thresholds, so building one list per row of a
/// million-row result triggers repeated collections that traverse every list built so far:
/// a third of `score_columns`' time before this pause. None of these objects can form a cycle.
pub(crate) struct GcPause<'py> {
    gc: Option<Bound<'py, PyModule>>,
}

impl<'py> GcPause<'py> {
    pub(crate) fn new(py: Python<'py>) -> PyResult<GcPause<'py>> {
        let gc = py.import("gc")?;
        if gc.call_method0("isenabled")?.extract::<bool>()? {
            gc.call_method0("disable")?;
            return Ok(GcPause { gc: Some(gc) });
        }
        Ok(GcPause { gc: None })
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.gc {
            // Re-enabling cannot fail in practice; if it did, there is no caller to tell.
            let _ = gc.call_method0("enable");
        }
    }
}
