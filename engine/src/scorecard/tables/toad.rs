//! toad's card: `ScoreCard.export()` gives `{variable: {bin: points}}`.
//!
//! Numeric bins are `[a ~ b)` (left-closed, `np.digitize` over the right ends) and `nan` for a
//! separate missing bin. toad fills a missing numeric value with −1 before binning, so without a
//! `nan` bin it lands in the bin holding −1. Categorical bins are the categories joined by `,`,
//! and `else` for every category no other bin names; a category in no bin (and no `else`) takes
//! the variable's lowest points (`predict`'s default `default='min'`).

use rust_decimal::Decimal;

use super::build::{Bin, End, Otherwise, Part, Variable, clip, group, number, scorecard};
use super::{BinLabel, CardRow};
use crate::error::{Error, Result};
use crate::scorecard::Scorecard;

/// See [`Scorecard::from_toad_card`].
pub(super) fn card(rows: &[CardRow]) -> Result<Scorecard> {
    let items = rows
        .iter()
        .enumerate()
        .map(|(i, row)| (row.variable.clone(), (i, row.bin.clone(), row.points)))
        .collect();
    let mut variables = Vec::new();
    for (name, bins) in group(items) {
        let numeric =
            bins.iter().any(|(_, bin, _)| matches!(bin, BinLabel::Text(t) if is_range(t)));
        variables.push(if numeric {
            numeric_variable(name, bins)?
        } else {
            categorical(name, bins)
        });
    }
    scorecard("toad", Decimal::ZERO, variables)
}

fn is_range(text: &str) -> bool {
    text.starts_with('[') && text.ends_with(')') && text.contains('~')
}

fn numeric_variable(name: String, rows: Vec<(usize, BinLabel, Decimal)>) -> Result<Variable> {
    let mut bins = Vec::with_capacity(rows.len());
    let mut has_nan = false;
    for (i, label, points) in rows {
        let path = format!("rows[{i}].bin");
        let text = match label {
            BinLabel::Text(text) => text,
            BinLabel::Categories(_) => {
                return Err(Error::field(path, "a numeric bin must be a label `[a ~ b)`"));
            }
        };
        if text == "nan" {
            has_nan = true;
            bins.push(Bin { parts: vec![Part::Missing], points });
            continue;
        }
        let inner = text.strip_prefix('[').and_then(|t| t.strip_suffix(')'));
        let (low, high) = inner.and_then(|t| t.split_once('~')).ok_or_else(|| {
            Error::field(&path, format!("`{}` is not a range `[a ~ b)`", clip(&text)))
        })?;
        let end = |t: &str, infinite: &str, closed: bool| -> Result<Option<End>> {
            let t = t.trim();
            if t == infinite {
                return Ok(None);
            }
            Ok(Some(End { value: number(t, &path)?, closed }))
        };
        let range = Part::Range { low: end(low, "-inf", true)?, high: end(high, "inf", false)? };
        bins.push(Bin { parts: vec![range], points });
    }
    if !has_nan {
        // Missing values are filled with −1 before binning: they join the bin that holds −1.
        let minus_one = Decimal::NEGATIVE_ONE;
        if let Some(bin) = bins.iter_mut().find(|b| holds(&b.parts, minus_one)) {
            bin.parts.push(Part::Missing);
        }
    }
    Ok(Variable { name, numeric: true, bins, otherwise: Otherwise::Invalid })
}

fn holds(parts: &[Part], x: Decimal) -> bool {
    parts.iter().any(|p| match p {
        Part::Range { low, high } => {
            low.is_none_or(|e| x >= e.value) && high.is_none_or(|e| x < e.value)
        }
        _ => false,
    })
}

fn categorical(name: String, rows: Vec<(usize, BinLabel, Decimal)>) -> Variable {
    let mut bins = Vec::with_capacity(rows.len());
    let mut otherwise = Otherwise::Lowest;
    for (_, label, points) in rows {
        let categories = match label {
            BinLabel::Text(text) if text == "else" => {
                otherwise = Otherwise::Points(points);
                continue;
            }
            BinLabel::Text(text) => text.split(',').map(str::to_string).collect(),
            BinLabel::Categories(list) => list,
        };
        bins.push(Bin { parts: categories.into_iter().map(Part::Category).collect(), points });
    }
    Variable { name, numeric: false, bins, otherwise }
}
