//! `xinyong.Graph`: the relationship graph built from edge tables (pandas, Arrow, lists of
//! dicts), JSON Lines or CSV, and its analyses: integrated ownership, beneficial owners,
//! control, group clients, close links, guarantee circles and DebtRank contagion.
//!
//! Rows of a table are written as the `{"node": ...}` / `{"edge": ...}` lines of the engine's
//! JSON Lines format and read by `GraphBuilder::read_jsonl`, so a DataFrame, a JSON Lines file
//! and the CLI all go through one parser and report the same errors at the same paths
//! (`edges[12].share`). Per-row results are tables: a pandas DataFrame when pandas is
//! installed, else a list of dicts with the same keys. Whole documents (guarantee circles,
//! DebtRank, one firm's ownership) are dicts in the engine's JSON shape, equal to what the Rust
//! tests compare against the golden files.

use std::collections::BTreeMap;

use pyo3::exceptions::{PyImportError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyFloat, PyList, PyTuple, PyType};
use rust_decimal::Decimal;
use xinyong::graph::close_links::close_links;
use xinyong::graph::contagion::{ContagionConfig, debt_rank};
use xinyong::graph::groups::{GroupConfig, groups};
use xinyong::graph::guarantee::{GuaranteeConfig, analyse};
use xinyong::graph::ownership::{BeneficialOwners, Ownership, OwnershipConfig, OwnershipMethod};
use xinyong::graph::{
    BuildPolicy, BuildReport, DuplicatePolicy, GraphBuilder, OversubscribedPolicy, RelationGraph,
    Role,
};

use crate::convert::{GcPause, date_arg, py_to_json_text, serde_to_py, text_or_path};
use crate::errors::EngineResult;

/// An engine document as plain Python objects in exactly its JSON shape and key order: through
/// its JSON text and `json.loads`, so fixed-size pairs are lists, as in the golden files (a
/// direct conversion makes them tuples, and `serde_json::Value` would sort the keys).
pub(crate) fn document<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    py.import("json")?.call_method1("loads", (text,))
}

/// Rows as a pandas DataFrame with `columns` in order, or, without pandas, the list itself.
pub(crate) fn table<'py>(
    py: Python<'py>,
    columns: &[&str],
    rows: Vec<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    match py.import("pandas") {
        Ok(pandas) => {
            // Column lists, not records: pandas builds a frame from a dict of lists several
            // times faster than from a list of dicts.
            let data = PyDict::new(py);
            for &name in columns {
                let mut values = Vec::with_capacity(rows.len());
                for row in &rows {
                    values.push(row.get_item(name)?.unwrap_or_else(|| py.None().into_bound(py)));
                }
                data.set_item(name, PyList::new(py, values)?)?;
            }
            let kwargs = PyDict::new(py);
            kwargs.set_item("columns", PyList::new(py, columns)?)?;
            pandas.getattr("DataFrame")?.call((data,), Some(&kwargs))
        }
        Err(e) if e.is_instance_of::<PyImportError>(py) => Ok(PyList::new(py, rows)?.into_any()),
        Err(e) => Err(e),
    }
}

/// A dict from `(key, value)` pairs, keys in the order given.
fn row<'py>(py: Python<'py>, items: &[(&str, Bound<'py, PyAny>)]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in items {
        dict.set_item(key, value)?;
    }
    Ok(dict)
}

/// The rows of a table-like object as a list: a list or tuple as given, a pandas DataFrame by
/// `to_dict("records")`, a pyarrow Table or RecordBatch by `to_pylist()`, a polars DataFrame by
/// `to_dicts()`, anything else by iterating it.
pub(crate) fn rows_of<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let list = if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        obj.clone()
    } else if obj.hasattr("to_dict")? && obj.hasattr("columns")? && obj.hasattr("iloc")? {
        return pandas_rows(obj);
    } else if obj.hasattr("to_pylist")? {
        obj.call_method0("to_pylist")?
    } else if obj.hasattr("to_dicts")? {
        obj.call_method0("to_dicts")?
    } else if obj.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(
            "expected rows (a DataFrame, an Arrow table or a list of dicts), got a single dict",
        ));
    } else {
        obj.clone()
    };
    list.try_iter()?.collect()
}

/// The rows of a pandas DataFrame as dicts, built from one `tolist()` per column: several
/// times faster than `to_dict("records")`, which boxes every cell through pandas.
fn pandas_rows<'py>(frame: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let py = frame.py();
    let names: Vec<Bound<'py, PyAny>> =
        frame.getattr("columns")?.try_iter()?.collect::<PyResult<_>>()?;
    let mut columns = Vec::with_capacity(names.len());
    for name in &names {
        let values = frame.get_item(name)?.call_method0("tolist")?;
        columns.push(values.cast_into::<PyList>()?);
    }
    let rows = frame.len()?;
    (0..rows)
        .map(|i| {
            let row = PyDict::new(py);
            for (name, column) in names.iter().zip(&columns) {
                row.set_item(name, column.get_item(i)?)?;
            }
            Ok(row.into_any())
        })
        .collect()
}

/// Whether a table cell means "absent": `None`, a float NaN, pandas' `NA` or `NaT`.
pub(crate) fn is_missing(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    if value.is_none() {
        return Ok(true);
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Ok(f.value().is_nan());
    }
    let name = value.get_type().name()?;
    Ok(name == "NAType" || name == "NaTType")
}

/// One table row as a JSON Lines line `{tag: {...}}`: absent cells dropped (an empty CSV field
/// means "absent" too), and timestamps at midnight (pandas' `datetime64` columns) written as
/// their date.
fn line(py: Python<'_>, tag: &str, row: &Bound<'_, PyAny>) -> PyResult<String> {
    let dict = match row.cast::<PyDict>() {
        Ok(dict) => dict.clone(),
        Err(_) => py.import("builtins")?.getattr("dict")?.call1((row,))?.cast_into::<PyDict>()?,
    };
    let clean = PyDict::new(py);
    for (key, value) in dict.iter() {
        if is_missing(&value)? {
            continue;
        }
        let value = if value.is_instance_of::<PyDateTime>() && at_midnight(&value)? {
            value.call_method0("date")?
        } else {
            value
        };
        clean.set_item(key, value)?;
    }
    let outer = PyDict::new(py);
    outer.set_item(tag, clean)?;
    py_to_json_text(&outer)
}

/// A naive timestamp whose time of day is 00:00: a date stored as a timestamp.
fn at_midnight(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    let zero = |name: &str| -> PyResult<bool> { Ok(value.getattr(name)?.extract::<i64>()? == 0) };
    Ok(value.getattr("tzinfo")?.is_none()
        && zero("hour")?
        && zero("minute")?
        && zero("second")?
        && zero("microsecond")?)
}

/// The build policies from keyword arguments.
fn policy(
    duplicates: &str,
    oversubscribed: &str,
    implicit_enterprises: bool,
) -> PyResult<BuildPolicy> {
    let duplicates = match duplicates {
        "merge" => DuplicatePolicy::Merge,
        "reject" => DuplicatePolicy::Reject,
        other => {
            return Err(PyValueError::new_err(format!(
                "duplicates must be \"merge\" or \"reject\", got {other:?}"
            )));
        }
    };
    let oversubscribed = match oversubscribed {
        "reject" => OversubscribedPolicy::Reject,
        "renormalise" | "renormalize" => OversubscribedPolicy::Renormalise,
        "keep" => OversubscribedPolicy::Keep,
        other => {
            return Err(PyValueError::new_err(format!(
                "oversubscribed must be \"reject\", \"renormalise\" or \"keep\", got {other:?}"
            )));
        }
    };
    Ok(BuildPolicy { duplicates, oversubscribed, implicit_enterprises })
}

/// A key role by its name in the edge format.
fn role(name: &str) -> PyResult<Role> {
    match name {
        "legal_representative" => Ok(Role::LegalRepresentative),
        "director" => Ok(Role::Director),
        "supervisor" => Ok(Role::Supervisor),
        "manager" => Ok(Role::Manager),
        other => Err(PyValueError::new_err(format!(
            "key roles are \"legal_representative\", \"director\", \"supervisor\" and \"manager\", got {other:?}"
        ))),
    }
}

/// A decimal argument: `decimal.Decimal`, `int`, `float` (by its shortest repr) or `str`.
pub(crate) fn decimal_arg(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Decimal> {
    let text = value.str()?.to_string();
    xinyong::num::parse_decimal(&text).ok_or_else(|| {
        PyValueError::new_err(format!("{name} must be a decimal number, got {text:?}"))
    })
}

/// The ownership settings from keyword arguments (`method`, `threshold`, `threshold_inclusive`,
/// `max_chains`, `max_chain_steps`, `max_cycle_size`, `max_ancestors`).
fn ownership_config(kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<OwnershipConfig> {
    let mut config = OwnershipConfig::default();
    let Some(kwargs) = kwargs else { return Ok(config) };
    for (key, value) in kwargs.iter() {
        let key: String = key.extract()?;
        match key.as_str() {
            "method" => {
                config.method = match value.extract::<String>()?.as_str() {
                    "matrix" => OwnershipMethod::Matrix,
                    "simple_paths" => OwnershipMethod::SimplePaths,
                    "weakest_link" => OwnershipMethod::WeakestLink,
                    other => {
                        return Err(PyValueError::new_err(format!(
                            "method must be \"matrix\", \"simple_paths\" or \"weakest_link\", \
                             got {other:?}"
                        )));
                    }
                }
            }
            "threshold" => config.threshold = decimal_arg(&value, "threshold")?,
            "threshold_inclusive" => config.threshold_inclusive = value.extract()?,
            "max_chains" => config.max_chains = value.extract()?,
            "max_chain_steps" => config.max_chain_steps = value.extract()?,
            "max_cycle_size" => config.max_cycle_size = value.extract()?,
            "max_ancestors" => config.max_ancestors = value.extract()?,
            other => {
                return Err(PyTypeError::new_err(format!(
                    "unexpected keyword argument {other:?} (ownership settings are method, \
                     threshold, threshold_inclusive, max_chains, max_chain_steps, \
                     max_cycle_size, max_ancestors)"
                )));
            }
        }
    }
    Ok(config)
}

/// A `{USCC: amount}` mapping (a dict or a pandas Series indexed by USCC) as decimals.
fn amounts(value: Option<&Bound<'_, PyAny>>, name: &str) -> PyResult<BTreeMap<String, Decimal>> {
    let mut out = BTreeMap::new();
    let Some(value) = value else { return Ok(out) };
    let items = if value.hasattr("items")? {
        value.call_method0("items")?
    } else {
        return Err(PyTypeError::new_err(format!("{name} must be a mapping of USCC to amount")));
    };
    for item in items.try_iter()? {
        let (key, amount): (String, Bound<'_, PyAny>) = item?.extract()?;
        if is_missing(&amount)? {
            continue;
        }
        let amount = decimal_arg(&amount, &format!("{name}[{key:?}]"))?;
        out.insert(key, amount);
    }
    Ok(out)
}

/// A relationship graph, frozen for analysis.
///
/// Build it with `Graph.from_edges(...)`, `Graph.from_jsonl(...)` or `Graph.from_csv(...)`.
/// Every build takes the data-quality policies as keywords: `duplicates` (`"merge"` or
/// `"reject"`), `oversubscribed` (`"reject"`, `"renormalise"` or `"keep"`) and
/// `implicit_enterprises` (create enterprises that edges name but no node declares). What the
/// build changed is in `report`.
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Graph {
    graph: RelationGraph,
    report: BuildReport,
}

impl Graph {
    /// The engine graph, for analyses that live elsewhere (graph facts of financing matching).
    pub(crate) fn relation_graph(&self) -> &RelationGraph {
        &self.graph
    }

    /// Reads JSON Lines texts into one builder, in order, and freezes it.
    fn build(
        py: Python<'_>,
        texts: &[String],
        csv: Option<&str>,
        policy: BuildPolicy,
    ) -> PyResult<Self> {
        let (graph, report) = py
            .detach(|| {
                let mut builder = GraphBuilder::new(policy);
                for text in texts {
                    builder.read_jsonl(text)?;
                }
                if let Some(csv) = csv {
                    builder.read_csv_edges(csv)?;
                }
                builder.freeze()
            })
            .py()?;
        Ok(Graph { graph, report })
    }

    /// The keys of every enterprise, in node order (by USCC).
    fn enterprise_keys(&self) -> Vec<&str> {
        (0..self.graph.node_count() as u32)
            .filter(|&v| !self.graph.is_person(v))
            .map(|v| self.graph.key_str(v))
            .collect()
    }

    /// The firms a per-firm table covers: one, or every enterprise.
    fn firms(&self, firm: Option<&str>) -> Vec<String> {
        match firm {
            Some(firm) => vec![firm.to_owned()],
            None => self.enterprise_keys().into_iter().map(str::to_owned).collect(),
        }
    }

    /// The beneficial-owner reports (with chains) of one firm, or of every enterprise in node
    /// order by the whole-registry pass (equal firm for firm), computed without the GIL.
    fn owner_reports(
        &self,
        py: Python<'_>,
        firm: Option<&str>,
        config: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Vec<BeneficialOwners>> {
        let config = ownership_config(config)?;
        py.detach(|| {
            let analysis = Ownership::new(&self.graph, config);
            match firm {
                None => analysis.registry_owners().and_then(|all| all.reports(true).collect()),
                Some(firm) => analysis.beneficial_owners(firm).map(|one| vec![one]),
            }
        })
        .py()
    }
}

/// Node rows (`{"person": ...}` or `{"enterprise": ..., "name": ...}`) as JSON Lines.
fn node_lines(py: Python<'_>, nodes: Option<&Bound<'_, PyAny>>) -> PyResult<String> {
    let Some(nodes) = nodes else { return Ok(String::new()) };
    let mut text = String::new();
    for row in rows_of(nodes)? {
        text.push_str(&line(py, "node", &row)?);
        text.push('\n');
    }
    Ok(text)
}

#[pymethods]
impl Graph {
    /// Builds a graph from an edge table: a pandas DataFrame, a pyarrow Table or RecordBatch, a
    /// polars DataFrame, or a list of dicts, with the columns of the engine's edge format
    /// (`kind`, `from`, `to`, and per kind `share`, `vote_share`, `subscribed`, `role`,
    /// `amount`, `start`, `end`, `status`). Empty cells (`None`, `NaN`, `NA`) mean absent.
    /// `nodes` declares persons and names enterprises (`person`, or `enterprise` and `name`).
    #[classmethod]
    #[pyo3(signature = (edges, nodes = None, *, duplicates = "merge", oversubscribed = "reject", implicit_enterprises = true))]
    fn from_edges(
        _cls: &Bound<'_, PyType>,
        edges: &Bound<'_, PyAny>,
        nodes: Option<&Bound<'_, PyAny>>,
        duplicates: &str,
        oversubscribed: &str,
        implicit_enterprises: bool,
    ) -> PyResult<Self> {
        let py = edges.py();
        let policy = policy(duplicates, oversubscribed, implicit_enterprises)?;
        let mut text = node_lines(py, nodes)?;
        for row in rows_of(edges)? {
            text.push_str(&line(py, "edge", &row)?);
            text.push('\n');
        }
        Graph::build(py, &[text], None, policy)
    }

    /// Builds a graph from JSON Lines (`{"node": ...}` / `{"edge": ...}` per line), given as text
    /// (`str`) or as a path (`os.PathLike`).
    #[classmethod]
    #[pyo3(signature = (source, *, duplicates = "merge", oversubscribed = "reject", implicit_enterprises = true))]
    fn from_jsonl(
        _cls: &Bound<'_, PyType>,
        source: &Bound<'_, PyAny>,
        duplicates: &str,
        oversubscribed: &str,
        implicit_enterprises: bool,
    ) -> PyResult<Self> {
        let policy = policy(duplicates, oversubscribed, implicit_enterprises)?;
        let text = text_or_path(source)?;
        Graph::build(source.py(), &[text], None, policy)
    }

    /// Builds a graph from a CSV edge table (header of edge columns, no quoting), given as text
    /// or as a path. Persons must be declared in `nodes` (rows as for `from_edges`).
    #[classmethod]
    #[pyo3(signature = (source, nodes = None, *, duplicates = "merge", oversubscribed = "reject", implicit_enterprises = true))]
    fn from_csv(
        _cls: &Bound<'_, PyType>,
        source: &Bound<'_, PyAny>,
        nodes: Option<&Bound<'_, PyAny>>,
        duplicates: &str,
        oversubscribed: &str,
        implicit_enterprises: bool,
    ) -> PyResult<Self> {
        let py = source.py();
        let policy = policy(duplicates, oversubscribed, implicit_enterprises)?;
        let csv = text_or_path(source)?;
        Graph::build(py, &[node_lines(py, nodes)?], Some(&csv), policy)
    }

    /// What the build changed or noticed: implied enterprises, removed treasury shares, merged
    /// duplicates and oversubscribed firms (the engine's `BuildReport` as a dict).
    #[getter]
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        document(py, &self.report)
    }

    /// Number of nodes (enterprises and persons).
    #[getter]
    fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// The USCC of every enterprise, in node order.
    fn enterprises(&self) -> Vec<&str> {
        self.enterprise_keys()
    }

    /// The key of every person, in node order.
    fn persons(&self) -> Vec<&str> {
        (0..self.graph.node_count() as u32)
            .filter(|&v| self.graph.is_person(v))
            .map(|v| self.graph.key_str(v))
            .collect()
    }

    /// Integrated ownership (every chain of holdings, cycles included) of one firm, or of every
    /// enterprise when `firm` is None: a table of `firm`, `owner`, `kind`, `direct`,
    /// `integrated` (decimals rounded to six places).
    #[pyo3(signature = (firm = None))]
    fn ownership<'py>(&self, py: Python<'py>, firm: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let firms = self.firms(firm);
        let results = py
            .detach(|| {
                let analysis = Ownership::new(&self.graph, OwnershipConfig::default());
                firms.iter().map(|f| analysis.of(f)).collect::<xinyong::Result<Vec<_>>>()
            })
            .py()?;
        let _pause = GcPause::new(py)?;
        let mut rows = Vec::new();
        for result in results {
            for owner in result.owners {
                rows.push(row(
                    py,
                    &[
                        ("firm", result.firm.clone().into_pyobject(py)?.into_any()),
                        ("owner", owner.owner.into_pyobject(py)?.into_any()),
                        ("kind", serde_to_py(py, &owner.kind)?),
                        ("direct", owner.direct.into_pyobject(py)?.into_any()),
                        ("integrated", owner.integrated.into_pyobject(py)?.into_any()),
                    ],
                )?);
            }
        }
        table(py, &["firm", "owner", "kind", "direct", "integrated"], rows)
    }

    /// One firm's integrated ownership as the engine's document (`firm`, `owners`,
    /// `unresolvable`), decimals as strings: the shape of the golden files. With `firm` None,
    /// the list of these documents for every enterprise, computed with one analysis (much
    /// faster than one call per firm, which prepares the analysis each time).
    #[pyo3(signature = (firm = None))]
    fn ownership_detail<'py>(
        &self,
        py: Python<'py>,
        firm: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let firms = self.firms(firm);
        let results = py
            .detach(|| {
                let analysis = Ownership::new(&self.graph, OwnershipConfig::default());
                firms.iter().map(|f| analysis.of(f)).collect::<xinyong::Result<Vec<_>>>()
            })
            .py()?;
        match (firm, results.first()) {
            (Some(_), Some(one)) => document(py, one),
            _ => document(py, &results),
        }
    }

    /// Beneficial owners of one firm, or of every enterprise when `firm` is None: a table of
    /// `firm`, `basis` (`ownership`, `control`, `legal_representative` or `none`), `person`,
    /// `share`, `chains` (lists of keys from the owner to the firm) and `chains_truncated`.
    /// A firm with no owner gets one row with `person` None, so its basis still shows.
    /// Keywords set the ownership analysis: `method`, `threshold`, `threshold_inclusive`,
    /// `max_chains`, `max_chain_steps`, `max_cycle_size`, `max_ancestors`.
    #[pyo3(signature = (firm = None, **config))]
    fn beneficial_owners<'py>(
        &self,
        py: Python<'py>,
        firm: Option<&str>,
        config: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let results = self.owner_reports(py, firm, config)?;
        let _pause = GcPause::new(py)?;
        let mut rows = Vec::new();
        for result in results {
            let basis = serde_to_py(py, &result.basis)?;
            if result.owners.is_empty() {
                let none = py.None().into_bound(py);
                rows.push(row(
                    py,
                    &[
                        ("firm", result.firm.clone().into_pyobject(py)?.into_any()),
                        ("basis", basis.clone()),
                        ("person", none.clone()),
                        ("share", none.clone()),
                        ("chains", PyList::empty(py).into_any()),
                        ("chains_truncated", false.into_pyobject(py)?.to_owned().into_any()),
                    ],
                )?);
            }
            for owner in result.owners {
                let chains: Vec<Vec<String>> = owner.chains.into_iter().map(|c| c.path).collect();
                rows.push(row(
                    py,
                    &[
                        ("firm", result.firm.clone().into_pyobject(py)?.into_any()),
                        ("basis", basis.clone()),
                        ("person", owner.person.into_pyobject(py)?.into_any()),
                        ("share", owner.share.into_pyobject(py)?.into_any()),
                        ("chains", chains.into_pyobject(py)?.into_any()),
                        (
                            "chains_truncated",
                            owner.chains_truncated.into_pyobject(py)?.to_owned().into_any(),
                        ),
                    ],
                )?);
            }
        }
        let columns = ["firm", "basis", "person", "share", "chains", "chains_truncated"];
        table(py, &columns, rows)
    }

    /// One firm's beneficial owners as the engine's document (`firm`, `basis`, `owners` with
    /// their chains, `controllers`, `unresolvable`), decimals as strings; with `firm` None, the
    /// list of these documents for every enterprise, computed with one analysis. Takes the same
    /// keywords as `beneficial_owners`.
    #[pyo3(signature = (firm = None, **config))]
    fn beneficial_owners_detail<'py>(
        &self,
        py: Python<'py>,
        firm: Option<&str>,
        config: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let results = self.owner_reports(py, firm, config)?;
        match (firm, results.first()) {
            (Some(_), Some(one)) => document(py, one),
            _ => document(py, &results),
        }
    }

    /// The ultimate controllers of a firm (majority of votes through chains of control, or a
    /// control agreement), in node order; empty when no one controls it.
    fn controllers(&self, py: Python<'_>, firm: &str) -> PyResult<Vec<String>> {
        py.detach(|| Ownership::new(&self.graph, OwnershipConfig::default()).controllers(firm)).py()
    }

    /// Cross-holding cycles whose integrated ownership cannot be computed: a list of
    /// `{"members", "reason"}` (`closed_ring`, `divergent` or `too_large`).
    #[pyo3(signature = (**config))]
    fn unresolvable<'py>(
        &self,
        py: Python<'py>,
        config: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let config = ownership_config(config)?;
        let cycles = py.detach(|| Ownership::new(&self.graph, config).unresolvable());
        document(py, &cycles)
    }

    /// Guarantees in force on `as_of` between closely linked firms (20% or more owned, either
    /// way or by a common holder): a table of `guarantor`, `borrower`, `basis`, `via`, `share`.
    fn close_links<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let as_of = date_arg(as_of)?;
        let links = py
            .detach(|| {
                let analysis = Ownership::new(&self.graph, OwnershipConfig::default());
                close_links(&self.graph, &analysis, as_of)
            })
            .py()?;
        let _pause = GcPause::new(py)?;
        let mut rows = Vec::new();
        for link in links {
            rows.push(row(
                py,
                &[
                    ("guarantor", link.guarantor.into_pyobject(py)?.into_any()),
                    ("borrower", link.borrower.into_pyobject(py)?.into_any()),
                    ("basis", serde_to_py(py, &link.basis)?),
                    ("via", link.via.into_pyobject(py)?.into_any()),
                    ("share", link.share.into_pyobject(py)?.into_any()),
                ],
            )?);
        }
        table(py, &["guarantor", "borrower", "basis", "via", "share"], rows)
    }

    /// Guarantee circles in force on `as_of`: the engine's `GuaranteeAnalysis` document
    /// (`circles` with members, pairs, mutual pairs, short cycles and chains; per-firm exposure
    /// in `firms`; `close_links`). `net_assets` maps USCCs to net assets (yuan) for the
    /// exposure ratio. `pd.DataFrame(result["firms"])` gives the per-firm table.
    #[pyo3(signature = (as_of, net_assets = None, *, max_cycle_length = 4, max_cycles = 100, max_cycle_steps = 1_000_000, close_links = true))]
    #[allow(clippy::too_many_arguments)] // keyword arguments mirror GuaranteeConfig's fields
    fn circles<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        net_assets: Option<&Bound<'py, PyAny>>,
        max_cycle_length: usize,
        max_cycles: usize,
        max_cycle_steps: usize,
        close_links: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut config = GuaranteeConfig::new(date_arg(as_of)?);
        config.max_cycle_length = max_cycle_length;
        config.max_cycles = max_cycles;
        config.max_cycle_steps = max_cycle_steps;
        config.close_links = close_links;
        let net_assets = amounts(net_assets, "net_assets")?;
        let result = py.detach(|| analyse(&self.graph, &net_assets, config)).py()?;
        document(py, &result)
    }

    /// DebtRank from the `seeds` (USCCs that default) over the guarantees in force on `as_of`:
    /// the engine's `DebtRank` document (`firms` with their final distress, `total_impact`,
    /// `weights`, `rounds`, `without_equity`). `equity` maps USCCs to equity (yuan); `lgd` and
    /// `initial_distress` default to 1. Without seeds nothing is distressed.
    #[pyo3(signature = (as_of, seeds = None, equity = None, *, lgd = None, initial_distress = None))]
    fn contagion<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        seeds: Option<Vec<String>>,
        equity: Option<&Bound<'py, PyAny>>,
        lgd: Option<&Bound<'py, PyAny>>,
        initial_distress: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut config = ContagionConfig::new(date_arg(as_of)?);
        if let Some(lgd) = lgd {
            config.lgd = decimal_arg(lgd, "lgd")?;
        }
        if let Some(h) = initial_distress {
            config.initial_distress = decimal_arg(h, "initial_distress")?;
        }
        let equity = amounts(equity, "equity")?;
        let seeds = seeds.unwrap_or_default();
        let result = py
            .detach(|| {
                let seeds: Vec<&str> = seeds.iter().map(String::as_str).collect();
                debt_rank(&self.graph, &equity, &seeds, config)
            })
            .py()?;
        document(py, &result)
    }

    /// Group clients on `as_of`: firms a bank must treat as one borrower, tied by control,
    /// a common controller, a shared key person or mutual guarantees. The engine's `Groups`
    /// document (`groups` with their members and the ties that justify them,
    /// `hubs_skipped`). Keywords switch the tests and set their limits; `key_roles` are
    /// `"legal_representative"`, `"director"`, `"supervisor"`, `"manager"`.
    #[pyo3(signature = (as_of, *, control = true, common_controller = true, key_persons = true, key_roles = None, mutual_guarantees = true, max_person_firms = 20, state_owners = None, state_by_authority = true))]
    #[allow(clippy::too_many_arguments)] // keyword arguments mirror GroupConfig's fields
    fn groups<'py>(
        &self,
        py: Python<'py>,
        as_of: &Bound<'py, PyAny>,
        control: bool,
        common_controller: bool,
        key_persons: bool,
        key_roles: Option<Vec<String>>,
        mutual_guarantees: bool,
        max_person_firms: usize,
        state_owners: Option<Vec<String>>,
        state_by_authority: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mut config = GroupConfig::new(date_arg(as_of)?);
        config.control = control;
        config.common_controller = common_controller;
        config.key_persons = key_persons;
        if let Some(roles) = key_roles {
            config.key_roles = roles.iter().map(|r| role(r)).collect::<PyResult<_>>()?;
        }
        config.mutual_guarantees = mutual_guarantees;
        config.max_person_firms = max_person_firms;
        config.state_owners = state_owners.unwrap_or_default();
        config.state_by_authority = state_by_authority;
        let result = py.detach(|| groups(&self.graph, config)).py()?;
        document(py, &result)
    }

    fn __repr__(&self) -> String {
        let persons =
            (0..self.graph.node_count() as u32).filter(|&v| self.graph.is_person(v)).count();
        format!("Graph(enterprises={}, persons={persons})", self.graph.node_count() - persons)
    }
}
