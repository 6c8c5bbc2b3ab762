//! `xinyong.Uscc` and `xinyong.validate_uscc`: Unified Social Credit Codes.

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::convert::serde_to_py;
use crate::errors::to_py_err;

/// A validated Unified Social Credit Code (GB 32100).
///
/// `Uscc(code, lenient=False)` normalises and checks the code; it raises `InvalidUsccError`
/// (with `detail["reason"]` and `detail["position"]`) when the code is not valid. With
/// `lenient=True`, a code whose mod-31 check fails is accepted when its organisation-code check
/// passes (pilot-era codes); `check_character_expected` then holds the character the mod-31 check
/// wanted.
#[pyclass(module = "xinyong._xinyong", frozen, eq, hash, str)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Uscc {
    code: xinyong::Uscc,
    expected: Option<char>,
}

impl std::fmt::Display for Uscc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code.as_str())
    }
}

#[pymethods]
impl Uscc {
    #[new]
    #[pyo3(signature = (code, lenient = false))]
    fn new(code: &str, lenient: bool) -> PyResult<Self> {
        let parsed = if lenient {
            xinyong::Uscc::parse_lenient(code).map(|l| (l.uscc, l.check_character_expected))
        } else {
            xinyong::Uscc::parse(code).map(|u| (u, None))
        };
        let (code, expected) = parsed.map_err(|e| to_py_err(e.into()))?;
        Ok(Uscc { code, expected })
    }

    /// The normalised 18-character code.
    #[getter]
    fn code(&self) -> &str {
        self.code.as_str()
    }

    /// Registration authority code (position 1).
    #[getter]
    fn authority(&self) -> char {
        self.code.authority()
    }

    /// Name of the registration authority.
    #[getter]
    fn authority_name(&self) -> &'static str {
        self.code.authority_name()
    }

    /// Entity category code (position 2).
    #[getter]
    fn category(&self) -> char {
        self.code.category()
    }

    /// Name of the entity category, when the authority defines one for this code.
    #[getter]
    fn category_name(&self) -> Option<&'static str> {
        self.code.category_name()
    }

    /// Administrative division of registration (positions 3-8, GB/T 2260).
    #[getter]
    fn region(&self) -> &str {
        self.code.region()
    }

    /// Organisation code (positions 9-17, GB 11714).
    #[getter]
    fn organisation_code(&self) -> &str {
        self.code.organisation_code()
    }

    /// The mod-31 check character the code should have had, when it was accepted leniently.
    #[getter]
    fn check_character_expected(&self) -> Option<char> {
        self.expected
    }

    fn __repr__(&self) -> String {
        format!("Uscc('{}')", self.code.as_str())
    }

    fn __getnewargs__<'py>(&self, py: Python<'py>) -> (Bound<'py, PyString>, bool) {
        (PyString::new(py, self.code.as_str()), self.expected.is_some())
    }
}

/// Checks many codes without raising: one dict per code, the same objects (same fields, same
/// order) that `xinyong uscc` prints, so a code is judged alike on every surface.
#[pyfunction]
#[pyo3(signature = (codes, lenient = false))]
pub fn validate_uscc<'py>(
    py: Python<'py>,
    codes: Vec<String>,
    lenient: bool,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let checked: Vec<xinyong::uscc::UsccCheck<'_>> =
        py.detach(|| codes.iter().map(|code| xinyong::uscc::check(code, lenient)).collect());
    checked.iter().map(|value| serde_to_py(py, value)).collect()
}
