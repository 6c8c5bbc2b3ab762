//! optbinning's card: `Scorecard.table()`, one row per bin with `Variable`, `Bin` and `Points`.
//!
//! Each variable lists its bins, then `Special` and `Missing`. Numeric bins are `(-inf, b)`,
//! `[a, b)` and `[a, inf)` (left-closed, cut with `np.digitize`), written with the `show_digits`
//! the card was fitted with: a label rounded there is read as written, so fit with enough digits
//! for the splits. Categorical bins are arrays of categories (lists, or NumPy's `['a' 'b']` text
//! in a CSV file, see [`categories`]). `Scorecard.score` bins by index and gives a category no bin names index −1:
//! the last row, the `Missing` bin. Special codes are not modelled: `Special` matches nothing.

use rust_decimal::Decimal;

use super::build::{Bin, End, Otherwise, Part, Variable, clip, group, number, scorecard};
use super::{BinLabel, CardRow};
use crate::error::{Error, Result};
use crate::scorecard::Scorecard;

/// See [`Scorecard::from_optbinning_table`].
pub(super) fn card(rows: &[CardRow]) -> Result<Scorecard> {
    let items = rows
        .iter()
        .enumerate()
        .filter(|(_, row)| !row.variable.is_empty())
        .map(|(i, row)| (row.variable.clone(), (i, row.bin.clone(), row.points)))
        .collect();
    let mut variables = Vec::new();
    for (name, rows) in group(items) {
        let numeric =
            rows.iter().any(|(_, bin, _)| matches!(bin, BinLabel::Text(t) if range(t).is_some()));
        let mut bins = Vec::with_capacity(rows.len());
        let mut missing_points = None;
        for (i, label, points) in rows {
            let path = format!("rows[{i}].bin");
            let part = match label {
                BinLabel::Categories(list) => {
                    bins.push(Bin {
                        parts: list.into_iter().map(Part::Category).collect(),
                        points,
                    });
                    continue;
                }
                BinLabel::Text(text) => match text.as_str() {
                    "Special" => Part::Nothing,
                    "Missing" => {
                        missing_points = Some(points);
                        Part::Missing
                    }
                    _ if numeric => numeric_bin(&text, &path)?,
                    _ => {
                        let list = categories(&text).ok_or_else(|| {
                            Error::field(&path, format!("`{}` is not a bin", clip(&text)))
                        })?;
                        bins.push(Bin {
                            parts: list.into_iter().map(Part::Category).collect(),
                            points,
                        });
                        continue;
                    }
                },
            };
            bins.push(Bin { parts: vec![part], points });
        }
        let otherwise = missing_points.map_or(Otherwise::Invalid, Otherwise::Points);
        variables.push(Variable { name, numeric, bins, otherwise });
    }
    scorecard("optbinning", Decimal::ZERO, variables)
}

fn numeric_bin(text: &str, path: &str) -> Result<Part> {
    let (low, high) = range(text).ok_or_else(|| {
        Error::field(path, format!("`{}` is not a range, `Special` or `Missing`", clip(text)))
    })?;
    let end = |t: &str, infinite: &str, closed: bool| -> Result<Option<End>> {
        if t == infinite {
            return Ok(None);
        }
        Ok(Some(End { value: number(t, path)?, closed }))
    };
    Ok(Part::Range { low: end(low, "-inf", true)?, high: end(high, "inf", false)? })
}

/// The two ends of `(-inf, b)` or `[a, b)`.
fn range(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('[').or_else(|| text.strip_prefix('('))?.strip_suffix(')')?;
    let (low, high) = inner.split_once(',')?;
    Some((low.trim(), high.trim()))
}

/// The text `to_csv` writes for an array of categories: NumPy's `['a' 'b']` (quoted with `"`
/// when a value holds `'`, wrapped over lines when long), or with pandas 3, whose categories are
/// Arrow strings, `<ArrowStringArray>\n['a', 'b']\nLength: 2, dtype: str`.
fn categories(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    let text = match text.strip_prefix('<') {
        Some(_) => text.get(text.find('[')?..=text.rfind(']')?)?,
        None => text,
    };
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let mut list = Vec::new();
    let mut chars = inner.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let Some(quote) = chars.next() else { break };
        if quote != '\'' && quote != '"' {
            return None;
        }
        let mut value = String::new();
        loop {
            match chars.next()? {
                '\\' => value.push(chars.next()?),
                c if c == quote => break,
                c => value.push(c),
            }
        }
        list.push(value);
    }
    (!list.is_empty()).then_some(list)
}

#[cfg(test)]
mod tests {
    use super::categories;

    #[test]
    fn reads_numpy_arrays_of_strings() {
        assert_eq!(categories("['A11' 'A12']"), Some(vec!["A11".into(), "A12".into()]));
        assert_eq!(
            categories("['a b' \"it's\"\n 'c']"),
            Some(vec!["a b".into(), "it's".into(), "c".into()])
        );
        let arrow = "<ArrowStringArray>\n['no account', '... < 0 DM']\nLength: 2, dtype: str";
        assert_eq!(categories(arrow), Some(vec!["no account".into(), "... < 0 DM".into()]));
        assert_eq!(categories("[1 2]"), None);
        assert_eq!(categories("[]"), None);
    }
}
