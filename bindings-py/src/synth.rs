//! Deterministic synthetic data (`xinyong.synth_registry`, `xinyong.synth_demands`,
//! `xinyong.synth_catalog` and the JSON Lines forms): the engine's generators behind
//! `xinyong synth`, with the command line's defaults, so the same arguments give the same
//! documents, byte for byte, on every surface.
//!
//! The documents are generated and written as the engine's JSON text with the interpreter
//! released, then read with `json.loads` (in one call for the whole list), so each dict has
//! exactly the shape and key order of the command line's lines.

use pyo3::prelude::*;
use xinyong::date::Date;
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands, registry};

use crate::convert::date_arg;
use crate::errors::EngineResult;
use crate::finance::{Catalog, model_of};
use crate::model::Model;

/// The command line's default reference date (`xinyong synth --as-of`).
const DEFAULT_AS_OF: &str = "2026-06-30";

/// The registry's configuration from the call's arguments, with the command line's defaults.
fn config(
    enterprises: usize,
    seed: u64,
    as_of: Option<&Bound<'_, PyAny>>,
    mean_records: u32,
) -> PyResult<SynthConfig> {
    let as_of: Date = match as_of {
        Some(value) => date_arg(value)?,
        // The constant is a valid date; the fallback keeps the conversion free of panics.
        None => xinyong::date::parse_date(DEFAULT_AS_OF).unwrap_or_default(),
    };
    let mut config = SynthConfig::new(enterprises, seed, as_of);
    config.mean_records = mean_records;
    Ok(config)
}

/// JSON Lines: one document a line, each line ending with a newline, as the command line writes.
fn jsonl(lines: impl Iterator<Item = String>) -> String {
    let mut out = String::new();
    for line in lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The documents as one JSON array, read with one `json.loads` call.
fn documents<'py>(
    py: Python<'py>,
    lines: impl Iterator<Item = String> + Send,
) -> PyResult<Bound<'py, PyAny>> {
    let text = py.detach(|| {
        let mut out = String::from("[");
        for (i, line) in lines.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&line);
        }
        out.push(']');
        out
    });
    py.import("json")?.call_method1("loads", (text,))
}

/// A deterministic synthetic registry: ``enterprises`` firms drawn from ``seed``, every date on
/// or before ``as_of`` (a ``datetime.date`` or a ``YYYY-MM-DD`` string) except penalty
/// disclosure ends and honour expiry, with ``mean_records`` records per firm on average (0: the
/// realistic mix, about two, most firms having none). Returns one dict per enterprise, in the
/// record format (``json.loads`` of each line of ``xinyong synth``); the same arguments give the
/// same registry on every platform and surface. Defaults are the command line's.
#[pyfunction]
#[pyo3(
    signature = (enterprises = 100, *, seed = 1, as_of = None, mean_records = 0),
    text_signature = "(enterprises=100, *, seed=1, as_of='2026-06-30', mean_records=0)"
)]
pub fn synth_registry<'py>(
    py: Python<'py>,
    enterprises: usize,
    seed: u64,
    as_of: Option<&Bound<'py, PyAny>>,
    mean_records: u32,
) -> PyResult<Bound<'py, PyAny>> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    documents(py, registry(&config).map(|e| e.to_json()))
}

/// The registry of ``synth_registry`` as JSON Lines text, byte for byte the output of
/// ``xinyong synth`` with the same arguments (one enterprise a line, each line ending with a
/// newline).
#[pyfunction]
#[pyo3(
    signature = (enterprises = 100, *, seed = 1, as_of = None, mean_records = 0),
    text_signature = "(enterprises=100, *, seed=1, as_of='2026-06-30', mean_records=0)"
)]
pub fn synth_registry_jsonl(
    py: Python<'_>,
    enterprises: usize,
    seed: u64,
    as_of: Option<&Bound<'_, PyAny>>,
    mean_records: u32,
) -> PyResult<String> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    Ok(py.detach(|| jsonl(registry(&config).map(|e| e.to_json()))))
}

/// One financing demand for each firm of the registry ``synth_registry`` gives with the same
/// arguments: ids ``d-000000``, ``d-000001`` ..., the firm's full record, an amount of 100,000
/// to 3,000,000 yuan, a usual term, mostly without collateral. Returns one dict per demand in
/// the demand format (``json.loads`` of each line of ``xinyong synth demands``), ready for
/// ``Demand`` or ``Matcher.match_many``.
#[pyfunction]
#[pyo3(
    signature = (enterprises = 100, *, seed = 1, as_of = None, mean_records = 0),
    text_signature = "(enterprises=100, *, seed=1, as_of='2026-06-30', mean_records=0)"
)]
pub fn synth_demands<'py>(
    py: Python<'py>,
    enterprises: usize,
    seed: u64,
    as_of: Option<&Bound<'py, PyAny>>,
    mean_records: u32,
) -> PyResult<Bound<'py, PyAny>> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    documents(py, demands(&config).map(|d| d.to_json()))
}

/// The demands of ``synth_demands`` as JSON Lines text, byte for byte the output of
/// ``xinyong synth demands`` with the same arguments (the text ``Matcher.match_jsonl`` and
/// ``xinyong match`` read).
#[pyfunction]
#[pyo3(
    signature = (enterprises = 100, *, seed = 1, as_of = None, mean_records = 0),
    text_signature = "(enterprises=100, *, seed=1, as_of='2026-06-30', mean_records=0)"
)]
pub fn synth_demands_jsonl(
    py: Python<'_>,
    enterprises: usize,
    seed: u64,
    as_of: Option<&Bound<'_, PyAny>>,
    mean_records: u32,
) -> PyResult<String> {
    let config = config(enterprises, seed, as_of, mean_records)?;
    Ok(py.detach(|| jsonl(demands(&config).map(|d| d.to_json()))))
}

/// A deterministic synthetic product catalog: ``products`` products drawn from ``seed`` (ids
/// ``syn-00000``, ``syn-00001`` ...), validated against ``model``'s grades (the default model
/// when None) like any catalog. ``.to_json()`` is the output of ``xinyong synth catalog`` with
/// the same arguments, without its final newline. Raises ``InvalidModelError`` when a product
/// names a grade the model does not have (the products use grades A to D).
#[pyfunction]
#[pyo3(signature = (products = 2000, *, seed = 1, model = None))]
pub fn synth_catalog(
    py: Python<'_>,
    products: usize,
    seed: u64,
    model: Option<&Bound<'_, Model>>,
) -> PyResult<Catalog> {
    let model = model_of(model);
    let checked = py
        .detach(|| {
            xinyong::finance::Catalog::new(catalog(&CatalogConfig::new(products, seed)), &model)
        })
        .py()?;
    Ok(Catalog::from_engine(checked))
}
