//! `xinyong.Evaluator`, `xinyong.Evaluation` and `xinyong.explain`: evaluating enterprises one by
//! one, from Python iterables and from JSON Lines.

use std::fmt::Write as _;
use std::io::BufReader;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyMapping};
use rust_decimal::Decimal;
use xinyong::batch::{BatchItem, LineLimits, RelatedParties};
use xinyong::date::Date;
use xinyong::evaluate::{EvaluationScratch, Grading};
use xinyong::parallel::Chunking;
use xinyong::{Enterprise, RelatedParty};

use crate::convert::{date_arg, json_text, lang_arg, path_arg, serde_to_py};
use crate::errors::{EngineResult, exception_value, to_py_err_at};
use crate::model::Model;
use crate::parallel::{in_pool, map_ranges, thread_count};

/// A compiled model, ready to evaluate enterprises. Cheap to share between threads: evaluation
/// releases the interpreter, so threads evaluate in parallel.
///
/// `Evaluator()` uses the embedded default model; `Evaluator(model)` compiles `model` (raising
/// `InvalidModelError` when it is not valid).
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Evaluator {
    pub(crate) inner: xinyong::Evaluator,
}

impl Evaluator {
    /// Compiles a model.
    pub(crate) fn from_model(model: &xinyong::Model) -> PyResult<Self> {
        Ok(Evaluator { inner: xinyong::Evaluator::new(model.clone()).py()? })
    }

    fn wrap(&self, evaluation: xinyong::Evaluation) -> Evaluation {
        Evaluation { inner: evaluation, evaluator: self.inner.clone() }
    }

    /// Converts batch evaluations, raising the first error when `raise_first` (else the error
    /// object takes the row's place).
    fn batch_output<'py>(
        &self,
        py: Python<'py>,
        items: Vec<BatchItem>,
        raise_first: bool,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        batch_values(py, items, raise_first, |evaluation| {
            Ok(Bound::new(py, self.wrap(evaluation))?.into_any())
        })
    }
}

/// Converts batch results with `value`, raising the first error when `raise_first` (else the
/// error object takes the row's place).
fn batch_values<'py, T>(
    py: Python<'py>,
    items: Vec<BatchItem<T>>,
    raise_first: bool,
    value: impl Fn(T) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.result {
            Ok(result) => out.push(value(result)?),
            Err(error) if raise_first => {
                return Err(to_py_err_at(&error, Some(item.index), Some(item.line)));
            }
            Err(error) => out.push(exception_value(py, &error, Some(item.index), Some(item.line))?),
        }
    }
    Ok(out)
}

/// A grading as a dict: `uscc`, `score` (a `decimal.Decimal`), `grade`, `grade_by_score` and
/// `vetoes` (the ids of the vetoes applied).
fn grading_dict<'py>(py: Python<'py>, grading: &Grading) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item("uscc", grading.uscc.as_str())?;
    dict.set_item("score", grading.score.normalize())?;
    dict.set_item("grade", &*grading.grade)?;
    dict.set_item("grade_by_score", &*grading.grade_by_score)?;
    dict.set_item("vetoes", grading.vetoes.iter().map(|v| &**v).collect::<Vec<&str>>())?;
    Ok(dict.into_any())
}

/// The arguments of a batch call over an iterable of records, converted once the call begins.
struct BatchArgs {
    raise_first: bool,
    threads: usize,
    as_of: Date,
    related: RelatedParties,
    texts: Vec<String>,
}

impl BatchArgs {
    fn read<'py>(
        records: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        errors: &str,
        threads: Option<usize>,
        related_parties: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<BatchArgs> {
        Ok(BatchArgs {
            raise_first: raise_first(errors)?,
            threads: thread_count(threads)?,
            as_of: date_arg(as_of)?,
            related: related_parties.map(related_parties_arg).transpose()?.unwrap_or_default(),
            texts: records.try_iter()?.map(|r| json_text(&r?)).collect::<PyResult<Vec<_>>>()?,
        })
    }
}

/// `errors="raise"` or `errors="collect"` as a flag.
fn raise_first(errors: &str) -> PyResult<bool> {
    match errors {
        "raise" => Ok(true),
        "collect" => Ok(false),
        other => Err(PyValueError::new_err(format!(
            "errors must be \"collect\" or \"raise\", not {other:?}"
        ))),
    }
}

#[pymethods]
impl Evaluator {
    #[new]
    #[pyo3(signature = (model = None))]
    fn new(model: Option<&Bound<'_, Model>>) -> PyResult<Self> {
        match model {
            None => Ok(Evaluator { inner: xinyong::Evaluator::default_model() }),
            Some(model) => Evaluator::from_model(&model.get().inner),
        }
    }

    /// The model this evaluator compiled.
    #[getter]
    fn model(&self) -> Model {
        Model { inner: std::sync::Arc::new(self.inner.model().clone()) }
    }

    /// Evaluates one enterprise (a dict, or JSON text) on `as_of` (a `datetime.date` or a
    /// `YYYY-MM-DD` string). Raises the exception of the engine's error kind when the record is
    /// not valid. `related_party` (a dict or JSON text: one line of `xinyong graph features`
    /// without `firm` and `dishonest`) is the firm's related-party context, read by the model's
    /// `related_party` indicators; without it they are left out.
    #[pyo3(signature = (record, as_of, *, related_party = None))]
    fn evaluate(
        &self,
        record: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
        related_party: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Evaluation> {
        let text = json_text(record)?;
        let as_of = date_arg(as_of)?;
        let context = related_party.map(related_party_arg).transpose()?;
        let evaluation = record
            .py()
            .detach(|| {
                let enterprise = Enterprise::from_json(&text)?;
                self.inner.evaluate_with(&enterprise, as_of, context.as_ref())
            })
            .py()?;
        Ok(self.wrap(evaluation))
    }

    /// Evaluates every enterprise of an iterable (dicts or JSON texts): one entry per input, in
    /// order. A row the engine rejects gives its exception object (with `.index`) in its place,
    /// or, with `errors="raise"`, raises it. The batch runs on `threads` threads (default:
    /// every available core) once the inputs are converted. `related_parties` maps USCCs to
    /// related-party contexts (as for `evaluate`); a firm not in it is evaluated without one.
    #[pyo3(signature = (records, as_of, errors = "collect", threads = None, *, related_parties = None))]
    fn evaluate_many<'py>(
        &self,
        records: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        errors: &str,
        threads: Option<usize>,
        related_parties: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = records.py();
        let a = BatchArgs::read(records, as_of, errors, threads, related_parties)?;
        let items =
            py.detach(|| evaluate_texts(&self.inner, &a.texts, a.as_of, &a.related, a.threads))?;
        self.batch_output(py, items, a.raise_first)
    }

    /// The score-only evaluation of one enterprise (a dict, or JSON text) on `as_of`: a dict
    /// with `uscc`, `score` (a `decimal.Decimal`), `grade`, `grade_by_score` and `vetoes` (the
    /// ids of the vetoes applied), equal to the full evaluation's, without contributions,
    /// reasons or plan, at about a third of the full evaluation's cost (reading the record
    /// costs the same). Raises as `evaluate` does.
    /// `related_party` as for `evaluate`.
    #[pyo3(signature = (record, as_of, *, related_party = None))]
    fn grade<'py>(
        &self,
        record: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        related_party: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = json_text(record)?;
        let as_of = date_arg(as_of)?;
        let context = related_party.map(related_party_arg).transpose()?;
        let py = record.py();
        let grading = py
            .detach(|| {
                let enterprise = Enterprise::from_json(&text)?;
                self.inner.grade_with(&enterprise, as_of, context.as_ref())
            })
            .py()?;
        grading_dict(py, &grading)
    }

    /// `grade` for every enterprise of an iterable (dicts or JSON texts): one dict per input,
    /// in order, for re-grading a registry. Errors, `threads` and `related_parties` as for
    /// `evaluate_many`.
    #[pyo3(signature = (records, as_of, errors = "collect", threads = None, *, related_parties = None))]
    fn grade_many<'py>(
        &self,
        records: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        errors: &str,
        threads: Option<usize>,
        related_parties: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = records.py();
        let a = BatchArgs::read(records, as_of, errors, threads, related_parties)?;
        let items = py.detach(|| {
            texts_in_parallel(&a.texts, &a.related, a.threads, |firm, context, scratch| {
                self.inner.grade_reusing(firm, a.as_of, context, scratch)
            })
        })?;
        batch_values(py, items, a.raise_first, |grading| grading_dict(py, &grading))
    }

    /// Evaluates JSON Lines, given as text (`str`) or as a file path (`os.PathLike`), one entry
    /// per non-blank line. Errors are handled as in `evaluate_many`; error objects also carry
    /// the 1-based input `.line`. `related_parties` maps USCCs to related-party contexts, as for
    /// `evaluate_many`. The lines are evaluated on `threads` threads (default: every available
    /// core), chunk by chunk; the results are the same whatever the number.
    #[pyo3(signature = (source, as_of, errors = "collect", threads = None, *, related_parties = None))]
    fn evaluate_jsonl<'py>(
        &self,
        source: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        errors: &str,
        threads: Option<usize>,
        related_parties: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = source.py();
        let raise_first = raise_first(errors)?;
        let as_of = date_arg(as_of)?;
        let threads = thread_count(threads)?;
        let related = related_parties.map(related_parties_arg).transpose()?.unwrap_or_default();
        let mut items = Vec::new();
        let evaluator = &self.inner;
        let mut lines = |reader: &mut (dyn std::io::BufRead + Send)| {
            let collect = |item| {
                items.push(item);
                Ok(())
            };
            let limits = LineLimits::default();
            if threads == 1 {
                return evaluator.evaluate_jsonl_with(reader, as_of, limits, &related, collect);
            }
            let chunked = (limits, Chunking::default());
            in_pool(threads, || {
                evaluator.evaluate_jsonl_parallel(reader, as_of, chunked, &related, collect)
            })
        };
        let done = if let Ok(text) = source.extract::<String>() {
            py.detach(|| lines(&mut text.as_bytes()))
        } else {
            let path = path_arg(source)?;
            py.detach(|| lines(&mut BufReader::new(std::fs::File::open(&path)?)))
        };
        done.py()?;
        self.batch_output(py, items, raise_first)
    }

    /// Evaluates a table of enterprises: a pandas DataFrame, or any Arrow table or stream
    /// (pyarrow, polars, ...; anything with `__arrow_c_stream__`) whose `column` holds one
    /// enterprise JSON document per row. Returns a DataFrame for pandas input, else a pyarrow
    /// Table, with one row per input row: `uscc`, `score`, `grade`, `grade_by_score`,
    /// `dim_<id>` per dimension, `reasons`, and `error_kind`/`error_message`/`error_path`.
    /// Rows are evaluated on `threads` threads (default: every available core).
    /// With `column=None` the table's columns are the enterprise's top-level fields instead.
    /// `related_parties` maps USCCs to related-party contexts, as for `evaluate_many`.
    #[pyo3(
        signature = (data, as_of, column = Some("enterprise"), threads = None, *, related_parties = None),
        text_signature = "($self, data, as_of, column='enterprise', threads=None, *, related_parties=None)"
    )]
    fn evaluate_frame<'py>(
        &self,
        data: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        column: Option<&str>,
        threads: Option<usize>,
        related_parties: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let threads = thread_count(threads)?;
        let related = related_parties.map(related_parties_arg).transpose()?.unwrap_or_default();
        let as_of = date_arg(as_of)?;
        crate::frame::evaluate_frame(&self.inner, data, as_of, column, threads, &related)
    }

    fn __repr__(&self) -> String {
        let model = self.inner.model();
        format!("Evaluator(model='{}', version='{}')", model.id, model.version)
    }
}

/// A related-party context from a dict or JSON text.
fn related_party_arg(obj: &Bound<'_, PyAny>) -> PyResult<RelatedParty> {
    let text = if obj.is_instance_of::<PyDict>() || obj.is_instance_of::<pyo3::types::PyString>() {
        json_text(obj)?
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "expected a related-party context as a dict or JSON text, got `{}`",
            obj.get_type().name()?
        )));
    };
    RelatedParty::from_json(&text).py()
}

/// Related-party contexts from a mapping of USCC (any accepted spelling) to context.
fn related_parties_arg(obj: &Bound<'_, PyAny>) -> PyResult<RelatedParties> {
    let mapping = obj.cast::<PyMapping>().map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err("related_parties must map USCCs to contexts")
    })?;
    let mut out = RelatedParties::new();
    for item in mapping.items()?.iter() {
        let (key, value): (String, Bound<'_, PyAny>) = item.extract()?;
        let uscc =
            xinyong::uscc::Uscc::parse_lenient(&key).map_err(xinyong::Error::from).py()?.uscc;
        out.insert(uscc, related_party_arg(&value)?);
    }
    Ok(out)
}

/// `work` applied to each text (its enterprise and related-party context read first) as batch
/// items (index = position, line = position + 1), split over `threads`, each thread with one
/// scratch reused from text to text.
fn texts_in_parallel<T: Send>(
    texts: &[String],
    related: &RelatedParties,
    threads: usize,
    work: impl Fn(&Enterprise, Option<&RelatedParty>, &mut EvaluationScratch) -> xinyong::Result<T>
    + Sync,
) -> PyResult<Vec<BatchItem<T>>> {
    let parts = map_ranges(texts.len(), threads, |rows| {
        let mut scratch = EvaluationScratch::new();
        rows.map(|index| BatchItem {
            index,
            line: index + 1,
            result: Enterprise::from_json(&texts[index])
                .and_then(|e| work(&e, related.get(&e.uscc), &mut scratch)),
        })
        .collect::<Vec<_>>()
    });
    let mut items = Vec::with_capacity(texts.len());
    for part in parts {
        items.extend(part.ok_or_else(|| PyRuntimeError::new_err("an evaluation thread failed"))?);
    }
    Ok(items)
}

/// The engine's evaluation of each text as batch items, each with its related-party context
/// from `related`, split over `threads`.
pub(crate) fn evaluate_texts(
    evaluator: &xinyong::Evaluator,
    texts: &[String],
    as_of: Date,
    related: &RelatedParties,
    threads: usize,
) -> PyResult<Vec<BatchItem>> {
    texts_in_parallel(texts, related, threads, |firm, context, scratch| {
        evaluator.evaluate_reusing(firm, as_of, context, scratch)
    })
}

/// The evaluation of one enterprise: score, grade, dimension subtotals, reasons and the
/// improvement plan. `to_json()` gives the engine's own bytes; `to_dict()` the same data as
/// plain Python objects (decimals as the engine's decimal strings, dates as ISO strings).
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Evaluation {
    pub(crate) inner: xinyong::Evaluation,
    evaluator: xinyong::Evaluator,
}

#[pymethods]
impl Evaluation {
    /// The enterprise's Unified Social Credit Code.
    #[getter]
    fn uscc(&self) -> &str {
        self.inner.uscc.as_str()
    }

    /// The enterprise's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The evaluation date.
    #[getter]
    fn as_of(&self) -> Date {
        self.inner.as_of
    }

    /// Total score.
    #[getter]
    fn score(&self) -> Decimal {
        self.inner.score.normalize()
    }

    /// Highest possible score.
    #[getter]
    fn max_score(&self) -> Decimal {
        self.inner.max_score.normalize()
    }

    /// Grade after vetoes.
    #[getter]
    fn grade(&self) -> &str {
        &self.inner.grade
    }

    /// Grade the score alone would give.
    #[getter]
    fn grade_by_score(&self) -> &str {
        &self.inner.grade_by_score
    }

    /// Dimension subtotals: dimension id to points, in model order.
    #[getter]
    fn dimensions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for dimension in &self.inner.dimensions {
            dict.set_item(&*dimension.id, dimension.points.normalize())?;
        }
        Ok(dict)
    }

    /// Principal reasons, most important first, as dicts (`code`, `points_lost`, `text`, ...).
    #[getter]
    fn reasons<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner.reasons)
    }

    /// Vetoes applied, as dicts (`id`, `cap`, `records`).
    #[getter]
    fn vetoes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner.vetoes)
    }

    /// The improvement plan, as a dict (`steps`, `score_after`, `grade_after`).
    #[getter]
    fn plan<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner.plan)
    }

    /// The whole evaluation as plain Python objects, in the shape of its JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner)
    }

    /// The engine's JSON: pretty (the golden-file format) by default, compact with
    /// `pretty=False` (the format of one line of `xinyong evaluate --explain`).
    #[pyo3(signature = (pretty = true))]
    fn to_json(&self, pretty: bool) -> String {
        if pretty { self.inner.to_json_pretty() } else { self.inner.to_json() }
    }

    /// A readable report in Chinese (`"zh"`) or English (`"en"`).
    #[pyo3(signature = (lang = "zh"))]
    fn explain(&self, lang: &str) -> PyResult<String> {
        Ok(self.evaluator.explain(&self.inner, lang_arg(lang)?))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Evaluation>().is_ok_and(|other| other.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Evaluation(uscc='{}', score=Decimal('{}'), grade='{}')",
            self.inner.uscc,
            self.inner.score.normalize(),
            self.inner.grade
        )
    }

    /// An HTML summary for notebooks: score, grade, dimension subtotals and reasons.
    fn _repr_html_(&self) -> String {
        html_summary(&self.inner)
    }
}

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html_summary(ev: &xinyong::Evaluation) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<div class=\"xinyong-evaluation\"><p><b>{}</b> {}<br>score <b>{}</b> / {} &middot; \
         grade <b>{}</b> ({}) &middot; as of {}</p>",
        escape(&ev.name),
        escape(ev.uscc.as_str()),
        ev.score.normalize(),
        ev.max_score.normalize(),
        escape(&ev.grade),
        escape(&ev.grade_label.en),
        ev.as_of,
    );
    html.push_str("<table><tr><th>dimension</th><th>points</th><th>max</th></tr>");
    for d in &ev.dimensions {
        let _ = write!(
            html,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.id),
            d.points.normalize(),
            d.max_points.normalize()
        );
    }
    html.push_str("</table>");
    if !ev.reasons.is_empty() {
        html.push_str("<ol>");
        for r in &ev.reasons {
            let lost = r.points_lost.map(|p| format!(" (-{})", p.normalize())).unwrap_or_default();
            let _ =
                write!(html, "<li>{}{} &mdash; {}</li>", escape(&r.code), lost, escape(&r.text.en));
        }
        html.push_str("</ol>");
    }
    html.push_str("</div>");
    html
}

/// A readable report of an evaluation in Chinese (`"zh"`) or English (`"en"`), from the model
/// that produced it.
#[pyfunction]
#[pyo3(signature = (evaluation, lang = "zh"))]
pub fn explain(evaluation: &Bound<'_, Evaluation>, lang: &str) -> PyResult<String> {
    let evaluation = evaluation.get();
    Ok(evaluation.evaluator.explain(&evaluation.inner, lang_arg(lang)?))
}
