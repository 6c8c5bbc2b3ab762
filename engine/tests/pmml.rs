//! PMML scorecard conformance: every row of `fixtures/pmml/*_expected.csv` is scored with the
//! scorecard it names and must give the asserted score (exact decimal), the ranked reason codes,
//! or an `invalid_field` error naming the offending input where `expect_error` is true.
//!
//! The `ComplexPartialScoreTest` rows come from a reference test that asserts only the score, so
//! their blank reason-code cells mean "not asserted", not "no codes". Their codes are checked
//! against the values derived by hand in [`derived_codes`] instead.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use xinyong::num::parse_decimal;
use xinyong::scorecard::{Row, Scorecard, Value};
use xinyong::{Decimal, Error};

const PMML_FILES: [&str; 6] = [
    "jpmml_AttributeReasonCodeTest.pmml",
    "jpmml_CharacteristicReasonCodeTest.pmml",
    "jpmml_ComplexPartialScoreTest.pmml",
    "kie_SimpleScorecard.pmml",
    "kie_SimpleScorecardCategorical.pmml",
    "kie_SimpleScorecardMixedVariables.pmml",
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pmml")
}

fn load(file: &str) -> Scorecard {
    let xml = std::fs::read_to_string(dir().join(file)).unwrap();
    Scorecard::from_pmml(&xml).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One CSV row as (column, cell) pairs; the files hold no quoted cells.
fn read_csv(file: &str) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(dir().join(file)).unwrap();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines.next().unwrap().split(',').map(str::to_string).collect();
    lines
        .map(|line| {
            let cells: Vec<&str> = line.splitn(header.len(), ',').collect();
            assert_eq!(cells.len(), header.len(), "{file}: {line}");
            header.iter().cloned().zip(cells.iter().map(|c| c.to_string())).collect()
        })
        .collect()
}

fn cell<'a>(row: &'a [(String, String)], column: &str) -> Option<&'a str> {
    row.iter().find(|(c, _)| c == column).map(|(_, v)| v.as_str())
}

/// Input columns are everything that is not bookkeeping or an expectation.
fn inputs(row: &[(String, String)]) -> Row {
    row.iter()
        .filter(|(c, v)| {
            !v.is_empty() && !c.starts_with("expect") && c != "pmml_file" && c != "source_assertion"
        })
        .map(|(c, v)| {
            let value = parse_decimal(v).map_or_else(|| Value::Text(v.clone()), Value::Number);
            (c.clone(), value)
        })
        .collect()
}

fn expected_codes(row: &[(String, String)]) -> Vec<String> {
    row.iter()
        .filter(|(c, v)| c.starts_with("expected_reason_code_") && !v.is_empty())
        .map(|(_, v)| v.clone())
        .collect()
}

/// Reason codes for rows whose source asserts only the score. Every row has department and age
/// missing: RC1 = 19 − (−9) = 28, RC2 = 18 − (−1) = 19; RC3 = 10 − partial(income) is 7 when
/// income is missing (partial 3), −31 at 1000 (partial 41, dropped), 5 at 1500 (partial 5) and
/// −2 at 3000 (partial 12, dropped).
fn derived_codes(file: &str, income: &str) -> Option<Vec<&'static str>> {
    if file != "jpmml_ComplexPartialScoreTest.pmml" {
        return None;
    }
    Some(match income {
        "" | "1500" => vec!["RC1", "RC2", "RC3"],
        "1000" | "3000" => vec!["RC1", "RC2"],
        other => panic!("no derivation for income {other}"),
    })
}

fn check_row(row: &[(String, String)]) -> Result<(), String> {
    let file = cell(row, "pmml_file").unwrap();
    let card = load(file);
    let input = inputs(row);
    let expect_error = cell(row, "expect_error") == Some("true");
    let outcome = card.score(&input);
    if expect_error {
        return match outcome {
            Err(Error::InvalidField { path, .. }) if row.iter().any(|(c, _)| *c == path) => Ok(()),
            other => Err(format!("expected an invalid_field error naming an input, got {other:?}")),
        };
    }
    let result = outcome.map_err(|e| format!("unexpected error: {e}"))?;
    let score_column = if cell(row, "expected_score").is_some() {
        "expected_score"
    } else {
        "expected_final_score"
    };
    let expected_score = Decimal::from_str(cell(row, score_column).unwrap()).unwrap();
    if result.score != expected_score {
        return Err(format!("score {} != {expected_score}", result.score));
    }
    let written = expected_codes(row);
    let codes: Vec<String> = match derived_codes(file, cell(row, "income").unwrap_or_default()) {
        Some(derived) => {
            assert!(written.is_empty(), "derived codes only for rows that assert none");
            derived.into_iter().map(str::to_string).collect()
        }
        None => written,
    };
    if result.reason_codes != codes {
        return Err(format!("reason codes {:?} != {codes:?}", result.reason_codes));
    }
    Ok(())
}

#[test]
fn every_conformance_row_passes() {
    let mut total = 0;
    let mut failures = Vec::new();
    for csv in ["jpmml_scorecard_expected.csv", "kie_scorecard_expected.csv"] {
        for row in read_csv(csv) {
            total += 1;
            if let Err(why) = check_row(&row) {
                failures.push(format!("{csv}: {}: {why}", cell(&row, "source_assertion").unwrap()));
            }
        }
    }
    assert_eq!(total, 23, "the vectors hold 23 rows");
    assert!(
        failures.is_empty(),
        "{} of {total} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_vector_file_is_used_and_saves_to_json() {
    let mut named: Vec<String> = ["jpmml_scorecard_expected.csv", "kie_scorecard_expected.csv"]
        .iter()
        .flat_map(|csv| read_csv(csv))
        .map(|row| cell(&row, "pmml_file").unwrap().to_string())
        .collect();
    named.sort();
    named.dedup();
    assert_eq!(named, PMML_FILES);
    for file in PMML_FILES {
        let card = load(file);
        let json = serde_json::to_string(&card).unwrap();
        let back: Scorecard = serde_json::from_str(&json).unwrap();
        assert_eq!(back, card, "{file}");
    }
}

#[test]
fn refused_inputs_name_the_field() {
    let card = load("kie_SimpleScorecard.pmml");
    for input3 in [None, Some(Value::Number(Decimal::new(41, 1))), Some(Value::Text("true".into()))]
    {
        let mut row = Row::new();
        row.insert("input1", Value::Number(Decimal::from(5)));
        row.insert("input2", Value::Number(Decimal::from(5)));
        if let Some(v) = input3 {
            row.insert("input3", v);
        }
        let error = card.score(&row).unwrap_err();
        assert_eq!(error.kind(), "invalid_field");
        assert_eq!(error.path(), Some("input3"));
    }
}

#[test]
fn json_rows_score_like_typed_rows() {
    let card = load("kie_SimpleScorecardMixedVariables.pmml");
    let object = serde_json::json!({"input1": 10, "input2": "classA", "unused": [1]});
    let object = object.as_object().unwrap();
    assert_eq!(Row::from_json_object(object).unwrap_err().path(), Some("unused"));
    let object = serde_json::json!({"input1": 10, "input2": "classA", "other": null});
    let row = Row::from_json_object(object.as_object().unwrap()).unwrap();
    let result = card.score(&row).unwrap();
    assert_eq!(result.score, Decimal::from(-15));
    assert_eq!(result.reason_codes, ["Input1ReasonCode", "Input2ReasonCode"]);
}

#[test]
fn every_vector_file_survives_a_pmml_round_trip() {
    for file in PMML_FILES {
        let card = load(file);
        let written = card.to_pmml();
        let back = Scorecard::from_pmml(&written).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(back, card, "{file}");
        assert_eq!(back.to_pmml(), written, "{file}: writing is deterministic");
    }
}
