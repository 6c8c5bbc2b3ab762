//! `Evaluator.evaluate_frame`: a table of enterprises in, a table of results out, through the
//! Arrow PyCapsule interface (`__arrow_c_stream__`), so pyarrow, polars and pandas all hand their
//! data over without a Python loop.
//!
//! Column conventions. By default (`column="enterprise"`) the input has one string column
//! (`utf8`, `large_utf8` or `utf8_view`) holding one enterprise JSON document per row, the same
//! documents as the JSON Lines batch. The text is read in place from the Arrow buffers (no copy) and handed
//! to the engine's own parser, so a row gives exactly the evaluation or error the CLI gives for
//! that line. Other columns are ignored. A null cell is read as empty text (a `malformed_json`
//! error). With `column=None`, the table's columns are the enterprise's top-level fields
//! instead (`uscc`, `name`, `established_on`, `records` as a list of structs, ...): each row is
//! written as the JSON object the engine reads (see [`crate::columns`]) and parsed by the same
//! parser.
//!
//! Output, one row per input row in order: `uscc`, `score`, `grade`, `grade_by_score`, one
//! `dim_<id>` column per model dimension (points), `reasons` (list of reason codes, most
//! important first), and `error_kind`, `error_message`, `error_path` (null when the row
//! evaluated). Scores are `float64` here for analysis; the exact decimals are in `Evaluation`.
//! Rows are evaluated on `threads` threads (every core by default), the interpreter released.

use std::sync::Arc;

use arrow_array::builder::{Float64Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema};
use pyo3::exceptions::{PyKeyError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use pyo3_arrow::PyTable;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use xinyong::batch::RelatedParties;
use xinyong::date::Date;

use crate::columns::{Row, unsupported};
use crate::parallel::map_ranges;

/// The input rows: each string column's values, read in place.
enum TextColumn<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    Utf8View(&'a arrow_array::StringViewArray),
}

impl<'a> TextColumn<'a> {
    fn new(array: &'a dyn Array) -> Option<Self> {
        match array.data_type() {
            DataType::Utf8 => Some(TextColumn::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Some(TextColumn::LargeUtf8(array.as_string::<i64>())),
            DataType::Utf8View => Some(TextColumn::Utf8View(array.as_string_view())),
            _ => None,
        }
    }

    fn text(&self, row: usize) -> &'a str {
        let null = match self {
            TextColumn::Utf8(a) => a.is_null(row),
            TextColumn::LargeUtf8(a) => a.is_null(row),
            TextColumn::Utf8View(a) => a.is_null(row),
        };
        if null {
            return "";
        }
        match self {
            TextColumn::Utf8(a) => a.value(row),
            TextColumn::LargeUtf8(a) => a.value(row),
            TextColumn::Utf8View(a) => a.value(row),
        }
    }
}

/// Builders of the output columns.
struct Output {
    uscc: StringBuilder,
    score: Float64Builder,
    grade: StringBuilder,
    grade_by_score: StringBuilder,
    dimensions: Vec<Float64Builder>,
    reasons: ListBuilder<StringBuilder>,
    error_kind: StringBuilder,
    error_message: StringBuilder,
    error_path: StringBuilder,
}

fn float(value: Decimal) -> Option<f64> {
    value.to_f64()
}

impl Output {
    fn new(dimensions: usize, rows: usize) -> Self {
        Output {
            uscc: StringBuilder::with_capacity(rows, rows * 18),
            score: Float64Builder::with_capacity(rows),
            grade: StringBuilder::with_capacity(rows, rows * 2),
            grade_by_score: StringBuilder::with_capacity(rows, rows * 2),
            dimensions: (0..dimensions).map(|_| Float64Builder::with_capacity(rows)).collect(),
            reasons: ListBuilder::new(StringBuilder::new()),
            error_kind: StringBuilder::new(),
            error_message: StringBuilder::new(),
            error_path: StringBuilder::new(),
        }
    }

    fn push(&mut self, result: &xinyong::Result<xinyong::Evaluation>) {
        match result {
            Ok(ev) => {
                self.uscc.append_value(ev.uscc.as_str());
                self.score.append_option(float(ev.score));
                self.grade.append_value(&*ev.grade);
                self.grade_by_score.append_value(&*ev.grade_by_score);
                // Subtotals are in model order, one per dimension, which is the column order.
                for (builder, dimension) in self.dimensions.iter_mut().zip(&ev.dimensions) {
                    builder.append_option(float(dimension.points));
                }
                for reason in &ev.reasons {
                    self.reasons.values().append_value(&*reason.code);
                }
                self.reasons.append(true);
                self.error_kind.append_null();
                self.error_message.append_null();
                self.error_path.append_null();
            }
            Err(error) => {
                self.uscc.append_null();
                self.score.append_null();
                self.grade.append_null();
                self.grade_by_score.append_null();
                for builder in &mut self.dimensions {
                    builder.append_null();
                }
                self.reasons.append(false);
                self.error_kind.append_value(error.kind());
                self.error_message.append_value(error.to_string());
                self.error_path.append_option(error.path());
            }
        }
    }

    fn finish(mut self, schema: Arc<Schema>) -> Result<RecordBatch, ArrowError> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.uscc.finish()),
            Arc::new(self.score.finish()),
            Arc::new(self.grade.finish()),
            Arc::new(self.grade_by_score.finish()),
        ];
        columns.extend(self.dimensions.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef));
        columns.push(Arc::new(self.reasons.finish()));
        columns.push(Arc::new(self.error_kind.finish()));
        columns.push(Arc::new(self.error_message.finish()));
        columns.push(Arc::new(self.error_path.finish()));
        RecordBatch::try_new(schema, columns)
    }
}

/// The output schema for a model's dimensions.
fn output_schema(dimension_ids: &[String]) -> Arc<Schema> {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let mut fields = vec![
        text("uscc"),
        Field::new("score", DataType::Float64, true),
        text("grade"),
        text("grade_by_score"),
    ];
    fields.extend(
        dimension_ids.iter().map(|id| Field::new(format!("dim_{id}"), DataType::Float64, true)),
    );
    fields.push(Field::new(
        "reasons",
        DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
        true,
    ));
    fields.extend([text("error_kind"), text("error_message"), text("error_path")]);
    Arc::new(Schema::new(fields))
}

/// One row as enterprise JSON in `buf` (the field-columns convention).
fn row_json<'b>(batch: &RecordBatch, row: usize, buf: &'b mut Vec<u8>) -> xinyong::Result<&'b str> {
    buf.clear();
    serde_json::to_writer(&mut *buf, &Row { batch, row }).map_err(|e| {
        xinyong::Error::InvalidField { path: ".".to_owned(), message: e.to_string() }
    })?;
    std::str::from_utf8(buf).map_err(|_| xinyong::Error::InvalidUtf8)
}

/// Evaluates every row of every batch, each batch split over `threads`; output batches follow
/// the input order. `column` is the JSON text column, or `None` when the columns are the
/// enterprise's fields. Each firm in `related` is evaluated with its related-party context.
fn evaluate_batches(
    evaluator: &xinyong::Evaluator,
    batches: &[RecordBatch],
    column: Option<usize>,
    as_of: Date,
    related: &RelatedParties,
    schema: &Arc<Schema>,
    threads: usize,
) -> Result<Vec<RecordBatch>, ArrowError> {
    let dimensions = schema.fields().len() - 8;
    let mut output = Vec::with_capacity(batches.len());
    for batch in batches {
        let texts = match column {
            Some(index) => {
                Some(TextColumn::new(batch.column(index).as_ref()).ok_or_else(|| {
                    ArrowError::InvalidArgumentError(
                        "the enterprise column is not a string column".into(),
                    )
                })?)
            }
            None => None,
        };
        let parts = map_ranges(batch.num_rows(), threads, |rows| {
            let mut out = Output::new(dimensions, rows.len());
            let mut buf = Vec::new();
            for row in rows {
                let result = match &texts {
                    Some(texts) => evaluator.evaluate_json_with(texts.text(row), as_of, related),
                    None => row_json(batch, row, &mut buf)
                        .and_then(|text| evaluator.evaluate_json_with(text, as_of, related)),
                };
                out.push(&result);
            }
            out.finish(schema.clone())
        });
        for part in parts {
            output.push(
                part.ok_or_else(|| {
                    ArrowError::ComputeError("an evaluation thread failed".into())
                })??,
            );
        }
    }
    Ok(output)
}

/// The module a Python object's type comes from (`pandas.core.frame` for a DataFrame).
fn type_module(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().getattr("__module__").and_then(|m| m.extract::<String>()).unwrap_or_default()
}

/// Reads the input table through the Arrow PyCapsule interface (pandas through pyarrow when the
/// DataFrame does not export it itself).
fn input_table(data: &Bound<'_, PyAny>, is_pandas: bool) -> PyResult<PyTable> {
    let py = data.py();
    if data.hasattr("__arrow_c_stream__")? {
        return data.extract();
    }
    if is_pandas {
        let kwargs = PyDict::new(py);
        kwargs.set_item("preserve_index", false)?;
        let table = py.import("pyarrow")?.getattr("Table")?.call_method(
            "from_pandas",
            (data,),
            Some(&kwargs),
        )?;
        return table.extract();
    }
    Err(PyTypeError::new_err(format!(
        "expected a pandas DataFrame or an Arrow table (any object with __arrow_c_stream__), got `{}`",
        data.get_type().name()?
    )))
}

/// The index of the JSON text column, checked to hold strings.
fn text_column(schema: &Schema, column: &str) -> PyResult<usize> {
    let index = schema.index_of(column).map_err(|_| {
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        PyKeyError::new_err(format!("no column `{column}` in the table (columns: {names:?})"))
    })?;
    let kind = schema.field(index).data_type();
    if !matches!(kind, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        return Err(PyTypeError::new_err(format!(
            "column `{column}` must hold enterprise JSON text (utf8, large_utf8 or utf8_view), \
             not {kind}"
        )));
    }
    Ok(index)
}

/// `Evaluator.evaluate_frame`: see the file comment.
pub(crate) fn evaluate_frame<'py>(
    evaluator: &xinyong::Evaluator,
    data: &Bound<'py, PyAny>,
    as_of: Date,
    column: Option<&str>,
    threads: usize,
    related: &RelatedParties,
) -> PyResult<Bound<'py, PyAny>> {
    let py = data.py();
    let is_pandas = type_module(data).starts_with("pandas");
    let (batches, input_schema) = input_table(data, is_pandas)?.into_inner();
    let index = match column {
        Some(column) => Some(text_column(&input_schema, column)?),
        None => {
            for field in input_schema.fields() {
                if let Some(why) = unsupported(field.data_type()) {
                    return Err(PyTypeError::new_err(format!(
                        "column `{}` cannot be read as an enterprise field: {why}",
                        field.name()
                    )));
                }
            }
            None
        }
    };
    let dimension_ids: Vec<String> =
        evaluator.model().dimensions.iter().map(|d| d.id.to_string()).collect();
    let schema = output_schema(&dimension_ids);
    let output = py
        .detach(|| evaluate_batches(evaluator, &batches, index, as_of, related, &schema, threads))
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    let table = PyTable::try_new(output, schema)?;
    if is_pandas {
        return table.into_pyarrow(py)?.call_method0("to_pandas");
    }
    match py.import("pyarrow") {
        Ok(_) => table.into_pyarrow(py),
        // Without pyarrow, hand back the table itself: it exports `__arrow_c_stream__`, which
        // polars and other Arrow libraries read directly.
        Err(_) => Ok(Bound::new(py, table)?.into_any()),
    }
}
