//! Financing: product catalogs, demands and matching (`xinyong.Catalog`, `xinyong.Demand`,
//! `xinyong.Matcher`, `xinyong.match_demand`).
//!
//! A `Matcher` keeps the evaluator, the catalog and the options; the engine's
//! `finance::Matcher` borrows them and indexes the catalog, so it is built per call (per batch
//! for `match_many` and `match_jsonl`). Indexing is linear in the catalog, small next to one
//! evaluation. With `graph=`, the engine's `GraphSource` is built per call too, on the call's
//! `as_of`, and the graph facts of every demand are computed from it.

use std::io::BufReader;
use std::sync::Arc;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use rayon::prelude::*;
use rust_decimal::Decimal;
use xinyong::batch::LineLimits;
use xinyong::date::Date;
use xinyong::finance::{self, DemandMatch, GraphSource, MatchOptions, RankKey, ReferenceRate};
use xinyong::parallel::Chunking;

use crate::convert::{date_arg, json_text, path_arg, serde_to_py, text_or_path};
use crate::errors::{EngineResult, exception_value, to_py_err_at};
use crate::evaluate::Evaluator;
use crate::graph::{Graph, decimal_arg, document, table};
use crate::model::Model;
use crate::parallel::{in_pool, thread_count};

/// The engine model a catalog is checked against: the given one, else the default.
pub(crate) fn model_of(model: Option<&Bound<'_, Model>>) -> Arc<xinyong::Model> {
    match model {
        Some(model) => model.get().inner.clone(),
        None => Arc::new(xinyong::Model::default_model()),
    }
}

/// A validated product catalog (`{"products": [...]}`, see the financing documentation).
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Catalog {
    inner: Arc<finance::Catalog>,
}

impl Catalog {
    /// A catalog the engine has already validated (the synthetic catalogs).
    pub(crate) fn from_engine(catalog: finance::Catalog) -> Catalog {
        Catalog { inner: Arc::new(catalog) }
    }
}

#[pymethods]
impl Catalog {
    /// Reads and validates a catalog from JSON text (`str`) or a path (`os.PathLike`) against a
    /// model's grades (the default model when `model` is None). Raises `InvalidModelError`
    /// listing every problem (`.detail["problems"]`), or `MalformedJsonError` /
    /// `InvalidFieldError` for a document of the wrong shape.
    #[classmethod]
    #[pyo3(signature = (source, model = None))]
    fn from_json(
        _cls: &Bound<'_, PyType>,
        source: &Bound<'_, PyAny>,
        model: Option<&Bound<'_, Model>>,
    ) -> PyResult<Self> {
        let text = text_or_path(source)?;
        let model = model_of(model);
        let catalog = source.py().detach(|| finance::Catalog::from_json(&text, &model)).py()?;
        Ok(Catalog { inner: Arc::new(catalog) })
    }

    /// Every validation problem of a catalog document as `{"path", "message"}` dicts, without
    /// raising for them; empty when the catalog is valid. A document that does not read at all
    /// still raises.
    #[classmethod]
    #[pyo3(signature = (source, model = None))]
    fn problems<'py>(
        _cls: &Bound<'py, PyType>,
        source: &Bound<'py, PyAny>,
        model: Option<&Bound<'py, Model>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = source.py();
        let text = text_or_path(source)?;
        let model = model_of(model);
        match py.detach(|| finance::Catalog::from_json(&text, &model)) {
            Ok(_) => serde_to_py(py, &Vec::<xinyong::Problem>::new()),
            Err(xinyong::Error::InvalidModel { problems }) => serde_to_py(py, &problems),
            Err(other) => Err(crate::errors::to_py_err(other)),
        }
    }

    /// The products, sorted by id, as dicts in the catalog format.
    #[getter]
    fn products<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document(py, self.inner.products())
    }

    /// The model's grade codes the catalog was checked against, best first.
    #[getter]
    fn grades(&self) -> Vec<String> {
        self.inner.grades().to_vec()
    }

    /// The products that validate but no firm can ever be offered (a limit multiple of 0, a
    /// total debt allowed or every admitted grade's cap below the smallest loan), as
    /// `{"path", "message"}` dicts with paths in the document's order; empty when none.
    #[getter]
    fn never_offered<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, self.inner.never_offered())
    }

    /// The catalog as pretty JSON in the documented format.
    fn to_json(&self) -> String {
        self.inner.to_json_pretty()
    }

    fn __len__(&self) -> usize {
        self.inner.products().len()
    }

    fn __repr__(&self) -> String {
        format!("Catalog(products={})", self.inner.products().len())
    }
}

/// A financing demand: the enterprise with everything known of it, the amount, the term, and
/// the collateral it offers.
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Demand {
    inner: finance::Demand,
}

#[pymethods]
impl Demand {
    /// Reads a demand from a dict or JSON text (`{"id"?, "enterprise", "amount",
    /// "term_months", "purpose"?, "collateral"?}`). Errors in the enterprise carry paths under
    /// `enterprise.`.
    #[new]
    fn new(demand: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(demand)?;
        let inner = demand.py().detach(|| finance::Demand::from_json(&text)).py()?;
        Ok(Demand { inner })
    }

    /// Reads a demand from JSON text (`str`) or a path (`os.PathLike`).
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = text_or_path(source)?;
        let inner = source.py().detach(|| finance::Demand::from_json(&text)).py()?;
        Ok(Demand { inner })
    }

    /// The platform's demand id, if given.
    #[getter]
    fn id(&self) -> Option<&str> {
        self.inner.id.as_deref()
    }

    /// The enterprise's USCC.
    #[getter]
    fn uscc(&self) -> &str {
        self.inner.enterprise.uscc.as_str()
    }

    /// Amount requested, yuan.
    #[getter]
    fn amount(&self) -> Decimal {
        self.inner.amount.value()
    }

    /// Term requested, months.
    #[getter]
    fn term_months(&self) -> u32 {
        self.inner.term_months
    }

    /// Purpose as stated, if given.
    #[getter]
    fn purpose(&self) -> Option<&str> {
        self.inner.purpose.as_deref()
    }

    /// Collateral offered: `none`, `guarantee` or `mortgage`.
    #[getter]
    fn collateral(&self) -> &'static str {
        self.inner.collateral.as_str()
    }

    fn __repr__(&self) -> String {
        let id = self.inner.id.as_deref().unwrap_or("-");
        format!("Demand(id='{id}', uscc='{}', amount=Decimal('{}'))", self.uscc(), self.amount())
    }
}

/// The match of one demand: the firm's grade, eligible offers ranked with limit and rate, and
/// the nearest misses with every failed condition. `to_json()` gives the engine's own bytes;
/// `to_dict()` the same data as plain Python objects.
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct MatchResult {
    inner: DemandMatch,
}

#[pymethods]
impl MatchResult {
    /// The demand's id, if it had one.
    #[getter]
    fn demand(&self) -> Option<&str> {
        self.inner.demand.as_deref()
    }

    /// The enterprise's USCC.
    #[getter]
    fn uscc(&self) -> &str {
        self.inner.uscc.as_str()
    }

    /// Matching and evaluation date.
    #[getter]
    fn as_of(&self) -> Date {
        self.inner.as_of
    }

    /// Credit grade of the evaluation.
    #[getter]
    fn grade(&self) -> &str {
        &self.inner.grade
    }

    /// Score of the evaluation.
    #[getter]
    fn score(&self) -> Decimal {
        self.inner.score.normalize()
    }

    /// Grade once the improvement plan is carried out.
    #[getter]
    fn plan_grade_after(&self) -> &str {
        &self.inner.plan_grade_after
    }

    /// Eligible products, ranked, as dicts (`product`, `limit`, `binding`, `bounds`,
    /// `explanation`, `rate_percent`, `coverage`, `term_gap_months`, ...).
    #[getter]
    fn eligible<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document(py, &self.inner.eligible)
    }

    /// Closest ineligible products, as dicts with their failed conditions (`failed`) and
    /// whether the improvement plan closes them (`plan_makes_eligible`).
    #[getter]
    fn near_misses<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document(py, &self.inner.near_misses)
    }

    /// The eligible offers as a table (a DataFrame when pandas is installed): `product`,
    /// `bank`, `name`, `limit`, `binding`, `rate_percent`, `coverage`, `term_gap_months`, with
    /// decimals as `decimal.Decimal`.
    fn offers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut rows = Vec::with_capacity(self.inner.eligible.len());
        for offer in &self.inner.eligible {
            let row = PyDict::new(py);
            row.set_item("product", offer.product())?;
            row.set_item("bank", offer.bank())?;
            row.set_item("name", offer.name())?;
            row.set_item("limit", offer.limit.normalize())?;
            row.set_item("binding", serde_to_py(py, &offer.binding)?)?;
            row.set_item("rate_percent", offer.rate_percent.normalize())?;
            row.set_item("coverage", offer.coverage.normalize())?;
            row.set_item("term_gap_months", offer.term_gap_months)?;
            rows.push(row);
        }
        let columns = [
            "product",
            "bank",
            "name",
            "limit",
            "binding",
            "rate_percent",
            "coverage",
            "term_gap_months",
        ];
        table(py, &columns, rows)
    }

    /// The whole match as plain Python objects, in the shape of its JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document(py, &self.inner)
    }

    /// The engine's JSON: pretty (the golden-file format) by default, compact with
    /// `pretty=False`.
    #[pyo3(signature = (pretty = true))]
    fn to_json(&self, pretty: bool) -> PyResult<String> {
        if pretty {
            return Ok(self.inner.to_json_pretty());
        }
        serde_json::to_string(&self.inner).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<MatchResult>().is_ok_and(|other| other.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "MatchResult(uscc='{}', grade='{}', eligible={}, near_misses={})",
            self.inner.uscc,
            self.inner.grade,
            self.inner.eligible.len(),
            self.inner.near_misses.len()
        )
    }
}

/// The match options from keyword arguments.
fn options(
    reference_rate: Option<&Bound<'_, PyAny>>,
    reference_rate_since: Option<&Bound<'_, PyAny>>,
    order: Option<Vec<String>>,
    near_misses: usize,
    offers: Option<usize>,
) -> PyResult<MatchOptions> {
    let mut options = MatchOptions { near_misses, offers, ..MatchOptions::default() };
    // A rate and the date it was set come together: a rate alone would be quoted with the
    // default rate's date.
    match (reference_rate, reference_rate_since) {
        (Some(percent), Some(since)) => {
            let percent = decimal_arg(percent, "reference_rate")?;
            options.reference_rate = ReferenceRate::new(percent, date_arg(since)?).py()?;
        }
        (Some(_), None) => {
            let message = "reference_rate needs reference_rate_since, the date the rate was set";
            return Err(PyTypeError::new_err(message));
        }
        (None, Some(_)) => {
            return Err(PyTypeError::new_err("reference_rate_since needs reference_rate"));
        }
        (None, None) => {}
    }
    if let Some(order) = order {
        options.order = order
            .iter()
            .map(|key| match key.as_str() {
                "coverage" => Ok(RankKey::Coverage),
                "rate" => Ok(RankKey::Rate),
                "term_fit" => Ok(RankKey::TermFit),
                other => Err(PyValueError::new_err(format!(
                    "order keys are \"coverage\", \"rate\" and \"term_fit\", got {other:?}"
                ))),
            })
            .collect::<PyResult<_>>()?;
    }
    Ok(options)
}

/// A demand argument: a `Demand`, a dict or JSON text.
fn demand_arg(obj: &Bound<'_, PyAny>) -> PyResult<Result<finance::Demand, String>> {
    match obj.cast::<Demand>() {
        Ok(demand) => Ok(Ok(demand.get().inner.clone())),
        Err(_) => json_text(obj).map(Err),
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

/// Batch results as `MatchResult`s, an error's exception object (with `.index` and `.line`)
/// taking its row's place, or raised with `raise_first`.
fn batch_output<'py>(
    py: Python<'py>,
    items: Vec<(usize, usize, xinyong::Result<DemandMatch>)>,
    raise_first: bool,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let mut out = Vec::with_capacity(items.len());
    for (index, line, result) in items {
        match result {
            Ok(inner) => out.push(Bound::new(py, MatchResult { inner })?.into_any()),
            Err(error) if raise_first => return Err(to_py_err_at(&error, Some(index), Some(line))),
            Err(error) => out.push(exception_value(py, &error, Some(index), Some(line))?),
        }
    }
    Ok(out)
}

/// Matches financing demands against a catalog: evaluates each demand's enterprise, tests every
/// product in scope, estimates limit and rate, ranks the offers and explains the near misses.
///
/// `Matcher(evaluator, catalog)`; `evaluator` None means the default model. Options:
/// `reference_rate` (1-year LPR, percent, at least 0) with `reference_rate_since` (the date it
/// was set; the two come together; default 3.00 set 2025-05-20), `order` (ranking keys among `"coverage"`, `"rate"`, `"term_fit"`),
/// `near_misses` (how many to report, default 3), `offers` (report only the best N eligible
/// offers; default None: every eligible product).
///
/// Every match method takes `graph=` (a `Graph`): the guarantee circle and the guarantor's close
/// links of each demand are then computed from it (guarantees in force on `as_of`), and any
/// `graph_facts` the demands state are ignored. Without it, the stated facts are used.
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Matcher {
    evaluator: xinyong::Evaluator,
    catalog: Arc<finance::Catalog>,
    options: MatchOptions,
}

impl Matcher {
    fn engine(&self) -> finance::Matcher<'_> {
        finance::Matcher::new(&self.evaluator, &self.catalog, self.options.clone())
    }

    /// Runs `work` with the engine matcher; with a graph, its facts come from the graph's
    /// guarantees in force on `as_of`. Fails only when the graph cannot be prepared.
    fn with_engine<T>(
        &self,
        graph: Option<&xinyong::graph::RelationGraph>,
        as_of: Date,
        work: impl FnOnce(&finance::Matcher<'_>) -> xinyong::Result<T>,
    ) -> xinyong::Result<T> {
        match graph {
            None => work(&self.engine()),
            Some(graph) => {
                let source = GraphSource::new(graph, as_of)?;
                work(&self.engine().with_graph(&source))
            }
        }
    }

    /// Matches demands already read, or reads them (texts) first, on `threads` threads;
    /// `(index, line, result)` in input order.
    fn run(
        &self,
        demands: Vec<Result<finance::Demand, String>>,
        (as_of, threads): (Date, usize),
        graph: Option<&xinyong::graph::RelationGraph>,
    ) -> xinyong::Result<Vec<(usize, usize, xinyong::Result<DemandMatch>)>> {
        self.with_engine(graph, as_of, |matcher| {
            let one = |(i, demand)| (i, i + 1, match_read(matcher, demand, as_of));
            if threads == 1 {
                return Ok(demands.into_iter().enumerate().map(one).collect());
            }
            in_pool(threads, || Ok(demands.into_par_iter().enumerate().map(one).collect()))
        })
    }
}

/// The engine graph of an optional `graph=` argument.
fn graph_arg<'a>(graph: Option<&'a Bound<'_, Graph>>) -> Option<&'a xinyong::graph::RelationGraph> {
    graph.map(|g| g.get().relation_graph())
}

/// Matches a demand already read, or reads it from its JSON text first.
fn match_read(
    matcher: &finance::Matcher<'_>,
    demand: Result<finance::Demand, String>,
    as_of: Date,
) -> xinyong::Result<DemandMatch> {
    match demand {
        Ok(demand) => matcher.match_demand(&demand, as_of),
        Err(text) => {
            finance::Demand::from_json(&text).and_then(|d| matcher.match_demand(&d, as_of))
        }
    }
}

#[pymethods]
impl Matcher {
    #[new]
    #[pyo3(signature = (evaluator, catalog, *, reference_rate = None, reference_rate_since = None, order = None, near_misses = 3, offers = None))]
    fn new(
        evaluator: Option<&Bound<'_, Evaluator>>,
        catalog: &Bound<'_, Catalog>,
        reference_rate: Option<&Bound<'_, PyAny>>,
        reference_rate_since: Option<&Bound<'_, PyAny>>,
        order: Option<Vec<String>>,
        near_misses: usize,
        offers: Option<usize>,
    ) -> PyResult<Self> {
        let evaluator = match evaluator {
            Some(e) => e.get().inner.clone(),
            None => xinyong::Evaluator::default_model(),
        };
        let options = options(reference_rate, reference_rate_since, order, near_misses, offers)?;
        Ok(Matcher { evaluator, catalog: catalog.get().inner.clone(), options })
    }

    /// Matches one demand (a `Demand`, a dict or JSON text) on `as_of` (a `datetime.date` or a
    /// `YYYY-MM-DD` string), with graph facts from `graph` when given. Raises the exception of
    /// the engine's error kind when the demand does not read or its enterprise cannot be
    /// evaluated.
    #[pyo3(name = "match", signature = (demand, as_of, *, graph = None))]
    fn match_one(
        &self,
        demand: &Bound<'_, PyAny>,
        as_of: &Bound<'_, PyAny>,
        graph: Option<&Bound<'_, Graph>>,
    ) -> PyResult<MatchResult> {
        let py = demand.py();
        let demand = demand_arg(demand)?;
        let as_of = date_arg(as_of)?;
        let graph = graph_arg(graph);
        let inner =
            py.detach(|| self.with_engine(graph, as_of, |m| match_read(m, demand, as_of))).py()?;
        Ok(MatchResult { inner })
    }

    /// Matches every demand of an iterable (`Demand`s, dicts or JSON texts): one entry per
    /// input, in order. A demand that fails gives its exception object (with `.index`) in its
    /// place, or, with `errors="raise"`, raises it. The demands are matched on `threads`
    /// threads (default: every available core); the results are the same whatever the number.
    /// `graph` as for `match`.
    #[pyo3(signature = (demands, as_of, errors = "collect", threads = None, *, graph = None))]
    fn match_many<'py>(
        &self,
        demands: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        errors: &str,
        threads: Option<usize>,
        graph: Option<&Bound<'py, Graph>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = demands.py();
        let raise_first = raise_first(errors)?;
        let as_of = date_arg(as_of)?;
        let threads = thread_count(threads)?;
        let demands = demands.try_iter()?.map(|d| demand_arg(&d?)).collect::<PyResult<Vec<_>>>()?;
        let graph = graph_arg(graph);
        let items = py.detach(|| self.run(demands, (as_of, threads), graph)).py()?;
        batch_output(py, items, raise_first)
    }

    /// Matches demands given as JSON Lines, as text (`str`) or a path (`os.PathLike`), one
    /// entry per non-blank line; error objects also carry the 1-based input `.line`. Threads
    /// as for `match_many`, chunk by chunk; `graph` as for `match`.
    #[pyo3(signature = (source, as_of, errors = "collect", threads = None, *, graph = None))]
    fn match_jsonl<'py>(
        &self,
        source: &Bound<'py, PyAny>,
        as_of: &Bound<'py, PyAny>,
        errors: &str,
        threads: Option<usize>,
        graph: Option<&Bound<'py, Graph>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = source.py();
        let raise_first = raise_first(errors)?;
        let as_of = date_arg(as_of)?;
        let threads = thread_count(threads)?;
        let graph = graph_arg(graph);
        let mut items = Vec::new();
        let mut lines = |reader: &mut (dyn std::io::BufRead + Send)| {
            let collect = |index, line, result| {
                items.push((index, line, result));
                Ok(())
            };
            let limits = LineLimits::default();
            self.with_engine(graph, as_of, |m| {
                if threads == 1 {
                    return m.match_jsonl(reader, as_of, limits, collect);
                }
                let chunked = (limits, Chunking::MATCHING);
                in_pool(threads, || m.match_jsonl_parallel(reader, as_of, chunked, collect))
            })
        };
        let done = if let Ok(text) = source.extract::<String>() {
            py.detach(|| lines(&mut text.as_bytes()))
        } else {
            let path = path_arg(source)?;
            py.detach(|| lines(&mut BufReader::new(std::fs::File::open(&path)?)))
        };
        done.py()?;
        batch_output(py, items, raise_first)
    }

    fn __repr__(&self) -> String {
        let model = self.evaluator.model();
        format!("Matcher(model='{}', products={})", model.id, self.catalog.products().len())
    }
}

/// Matches one demand against a catalog in one call: `Matcher(evaluator, catalog, **options)
/// .match(demand, as_of, graph=graph)`.
#[pyfunction]
#[pyo3(signature = (catalog, demand, as_of, *, evaluator = None, reference_rate = None, reference_rate_since = None, order = None, near_misses = 3, offers = None, graph = None))]
#[allow(clippy::too_many_arguments)] // keyword arguments mirror Matcher(...) and its options
pub(crate) fn match_demand(
    catalog: &Bound<'_, Catalog>,
    demand: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    evaluator: Option<&Bound<'_, Evaluator>>,
    reference_rate: Option<&Bound<'_, PyAny>>,
    reference_rate_since: Option<&Bound<'_, PyAny>>,
    order: Option<Vec<String>>,
    near_misses: usize,
    offers: Option<usize>,
    graph: Option<&Bound<'_, Graph>>,
) -> PyResult<MatchResult> {
    let matcher = Matcher::new(
        evaluator,
        catalog,
        reference_rate,
        reference_rate_since,
        order,
        near_misses,
        offers,
    )?;
    matcher.match_one(demand, as_of, graph)
}
