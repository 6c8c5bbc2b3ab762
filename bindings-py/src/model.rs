//! `xinyong.Model`: evaluation models (the embedded default or a JSON file).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::convert::{serde_to_py, text_or_path};
use crate::errors::EngineResult;
use crate::evaluate::Evaluator;

/// An evaluation model: dimensions, indicators, grade bands, vetoes and repair rules.
///
/// Build one with `Model.default()` or `Model.from_json(...)`; `problems()` lists what is wrong
/// with it and `evaluator()` compiles it (raising `InvalidModelError` when it is not valid).
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Model {
    pub(crate) inner: Arc<xinyong::Model>,
}

#[pymethods]
impl Model {
    /// The model embedded in the engine.
    #[classmethod]
    fn default(_cls: &Bound<'_, PyType>) -> Self {
        Model { inner: Arc::new(xinyong::Model::default_model()) }
    }

    /// Reads a model from JSON text (`str`) or from the file a path (`os.PathLike`) names.
    ///
    /// Only the structure is checked here (`MalformedJsonError`, `InvalidFieldError`); call
    /// `problems()` or `evaluator()` to validate it.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = text_or_path(source)?;
        let model = source.py().detach(|| xinyong::Model::from_json(&text)).py()?;
        Ok(Model { inner: Arc::new(model) })
    }

    /// The model as pretty JSON (the engine's own formatting).
    fn to_json(&self) -> String {
        self.inner.to_json_pretty()
    }

    /// Every problem of the model as `{"path", "message"}` dicts; empty when the model is valid.
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner.problems())
    }

    /// `sha256:` and the hex digest of the model's canonical JSON: equal hashes evaluate alike.
    #[getter]
    fn content_hash(&self) -> String {
        self.inner.content_hash()
    }

    /// Model id.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    /// Model version.
    #[getter]
    fn version(&self) -> &str {
        &self.inner.version
    }

    /// Compiles the model into an `Evaluator`; raises `InvalidModelError` listing every problem.
    fn evaluator(&self) -> PyResult<Evaluator> {
        Evaluator::from_model(&self.inner)
    }

    fn __repr__(&self) -> String {
        format!("Model(id='{}', version='{}')", self.inner.id, self.inner.version)
    }
}
