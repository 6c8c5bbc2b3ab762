//! Card tables as files: CSV as pandas' `to_csv` writes them, or JSON.
//!
//! CSV: a header row naming the variable, bin and points columns (`variable`/`Variable`/`name`,
//! `bin`/`Bin`/`value`, `points`/`Points`/`score`, in any case and order; other columns such as
//! the index or optbinning's detailed statistics are ignored), then one row per bin. Fields
//! follow RFC 4180: quoted with `"`, `""` for a quote inside, line breaks allowed inside quotes.
//!
//! JSON: an array of row objects with the same keys (`DataFrame.to_json(orient="records")`), or,
//! for toad, the object `ScoreCard.export()` gives, `{variable: {bin: points}}`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{BinLabel, CardRow};
use crate::error::{Error, Result};
use crate::num::parse_decimal;

/// The format of a card table file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// JSON: rows, or toad's exported card.
    Json,
}

const VARIABLE: [&str; 2] = ["variable", "name"];
const BIN: [&str; 2] = ["bin", "value"];
const POINTS: [&str; 2] = ["points", "score"];

/// Reads the rows of a card table. Errors are `invalid_field` with the row's path (`rows[i]`,
/// counting data rows from 0) or `malformed_json`.
pub fn read_card_rows(text: &str, format: TableFormat) -> Result<Vec<CardRow>> {
    match format {
        TableFormat::Csv => csv_rows(text),
        TableFormat::Json => json_rows(text),
    }
}

fn csv_rows(text: &str) -> Result<Vec<CardRow>> {
    let records = parse_csv(text)?;
    let (header, data) =
        records.split_first().ok_or_else(|| Error::field("rows", "the file is empty"))?;
    let column = |names: [&str; 2]| {
        header
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
            .ok_or_else(|| {
                Error::field("header", format!("no `{}` column (or `{}`)", names[0], names[1]))
            })
    };
    let (variable, bin, points) = (column(VARIABLE)?, column(BIN)?, column(POINTS)?);
    let mut rows = Vec::with_capacity(data.len());
    for (i, record) in data.iter().enumerate() {
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let field = |index: usize| record.get(index).map_or("", String::as_str);
        let path = format!("rows[{i}]");
        let bin_text = field(bin);
        let points_text = field(points);
        let points = parse_decimal(points_text).ok_or_else(|| {
            Error::field(format!("{path}.points"), format!("`{points_text}` is not a number"))
        })?;
        let bin = BinLabel::Text(bin_text.to_string());
        rows.push(CardRow { variable: field(variable).to_string(), bin, points });
    }
    Ok(rows)
}

/// RFC 4180 records; a final line break does not start a record.
fn parse_csv(text: &str) -> Result<Vec<Vec<String>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut started = false;
    while let Some(c) = chars.next() {
        started = true;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                started = false;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(Error::field(
            format!("rows[{}]", records.len().saturating_sub(1)),
            "a quoted field is not closed",
        ));
    }
    if started {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[derive(Deserialize)]
struct JsonRow {
    #[serde(alias = "Variable", alias = "name")]
    variable: String,
    #[serde(alias = "Bin", alias = "value", default)]
    bin: Option<BinLabel>,
    #[serde(alias = "Points", alias = "score", with = "crate::num::decimal")]
    points: Decimal,
}

fn json_rows(text: &str) -> Result<Vec<CardRow>> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Error::from_json_syntax(&e, e.line()))?;
    match value {
        serde_json::Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let row: JsonRow = serde_json::from_value(item)
                    .map_err(|e| Error::field(format!("rows[{i}]"), e.to_string()))?;
                let bin = row.bin.unwrap_or_else(|| BinLabel::Text(String::new()));
                Ok(CardRow { variable: row.variable, bin, points: row.points })
            })
            .collect(),
        serde_json::Value::Object(card) => {
            let mut rows = Vec::new();
            for (variable, bins) in card {
                let serde_json::Value::Object(bins) = bins else {
                    return Err(Error::field(variable, "expected an object of bin to points"));
                };
                for (bin, points) in bins {
                    let points = match &points {
                        serde_json::Value::Number(n) => parse_decimal(&n.to_string()),
                        serde_json::Value::String(s) => parse_decimal(s),
                        _ => None,
                    }
                    .ok_or_else(|| {
                        Error::field(format!("{variable}.{bin}"), "the points are not a number")
                    })?;
                    rows.push(CardRow {
                        variable: variable.clone(),
                        bin: BinLabel::Text(bin),
                        points,
                    });
                }
            }
            Ok(rows)
        }
        _ => Err(Error::field("rows", "expected an array of rows or an object of variables")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_follows_rfc_4180() {
        let records =
            parse_csv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,\"two\nlines\",3\n").unwrap_or_default();
        assert_eq!(
            records,
            vec![
                vec!["a".to_string(), "b,c".into(), "say \"hi\"".into()],
                vec!["1".into(), "two\nlines".into(), "3".into()],
            ]
        );
        assert!(parse_csv("a,\"open\n").is_err());
        assert_eq!(parse_csv("").unwrap_or_default(), Vec::<Vec<String>>::new());
    }

    #[test]
    fn csv_columns_are_found_by_name() {
        let text = ",Variable,Bin id,Bin,Points\n0,age,0,\"(-inf, 25.50)\",-3.5\n";
        let rows = read_card_rows(text, TableFormat::Csv).unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].variable, "age");
        assert_eq!(rows[0].bin, BinLabel::Text("(-inf, 25.50)".into()));
        assert_eq!(rows[0].points, Decimal::new(-35, 1));
        let missing = read_card_rows("variable,points\n", TableFormat::Csv);
        assert_eq!(
            missing.err().and_then(|e| e.path().map(str::to_owned)).as_deref(),
            Some("header")
        );
    }

    #[test]
    fn json_reads_rows_and_toad_cards() {
        let rows = read_card_rows(
            r#"[{"variable":"basepoints","bin":null,"points":600},{"variable":"x","bin":"[-inf,1.0)","points":-5}]"#,
            TableFormat::Json,
        )
        .unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].points, Decimal::from(600));
        let toad =
            read_card_rows(r#"{"x": {"[-inf ~ 1.0)": 12.5, "[1.0 ~ inf)": 3}}"#, TableFormat::Json)
                .unwrap_or_default();
        assert_eq!(toad.len(), 2);
        let bad = read_card_rows("[1", TableFormat::Json);
        assert_eq!(bad.err().map(|e| e.kind()), Some("malformed_json"));
    }
}
