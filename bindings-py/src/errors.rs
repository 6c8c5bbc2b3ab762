//! Engine errors as Python exceptions.
//!
//! Helpers for every binding module (`pub(crate)`):
//! - [`to_py_err`]: an engine [`xinyong::Error`] as the exception of its kind.
//! - [`to_py_err_at`]: the same, tagged with the batch row (`index`) and input line it belongs to.
//! - [`exception_value`]: the exception object itself (not raised), for batch results that carry
//!   errors in place of values.
//! - [`EngineResult`]: `.py()` on an engine `Result` converts its error with [`to_py_err`].
//!
//! The classes live in `xinyong/errors.py` (a class with two built-in bases, such as
//! `XinyongError` + `ValueError`, cannot be declared from Rust); this file only picks the class
//! for a kind, in one `match` over the engine's enum.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};
use xinyong::Error;

use crate::convert::serde_to_py;

/// The Python class name of each engine error, in one exhaustive match: a new engine error
/// kind does not compile until it has its class here (and in `xinyong/errors.py`).
fn class_name(error: &Error) -> &'static str {
    match error {
        Error::InvalidUscc(_) => "InvalidUsccError",
        Error::MalformedJson { .. } => "MalformedJsonError",
        Error::InvalidField { .. } => "InvalidFieldError",
        Error::UnknownRecordKind { .. } => "UnknownRecordKindError",
        Error::InconsistentDates { .. } => "InconsistentDatesError",
        Error::FutureDate { .. } => "FutureDateError",
        Error::InvalidModel { .. } => "InvalidModelError",
        Error::LineTooLong { .. } => "LineTooLongError",
        Error::InvalidUtf8 => "InvalidUtf8Error",
        Error::LimitExceeded { .. } => "LimitExceededError",
        Error::Io { .. } => "IoError",
    }
}

/// The `xinyong.errors` module, imported once.
fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
    MODULE
        .get_or_try_init(py, || py.import("xinyong.errors").map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// The exception object for an engine error, with `kind`, `path`, `index`, `line` and `detail`.
pub(crate) fn exception_value<'py>(
    py: Python<'py>,
    error: &Error,
    index: Option<usize>,
    line: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let class = errors_module(py)?.getattr(class_name(error))?.cast_into::<PyType>()?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", error.kind())?;
    kwargs.set_item("path", error.path())?;
    kwargs.set_item("index", index)?;
    kwargs.set_item("line", line)?;
    kwargs.set_item("detail", serde_to_py(py, error)?)?;
    class.call((error.to_string(),), Some(&kwargs))
}

/// An engine error tagged with its batch row, ready to raise.
pub(crate) fn to_py_err_at(error: &Error, index: Option<usize>, line: Option<usize>) -> PyErr {
    Python::attach(|py| match exception_value(py, error, index, line) {
        Ok(value) => PyErr::from_value(value),
        Err(failed) => failed,
    })
}

/// An engine error, ready to raise.
pub(crate) fn to_py_err(error: Error) -> PyErr {
    to_py_err_at(&error, None, None)
}

/// `.py()` on engine results: the engine error becomes the exception of its kind.
pub(crate) trait EngineResult<T> {
    /// Converts the error with [`to_py_err`].
    fn py(self) -> PyResult<T>;
}

impl<T> EngineResult<T> for xinyong::Result<T> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_py_err)
    }
}
