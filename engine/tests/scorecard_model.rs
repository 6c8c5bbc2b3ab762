//! A model whose first dimension is a statistical scorecard (`fixtures/scorecard_model/`):
//! each enterprise there, evaluated on 2026-06-30, must equal its golden file byte for byte,
//! and the card's points and reasons must match values computed by hand from the card.
//!
//! Regenerate the golden files with `XINYONG_BLESS=1 cargo test -p xinyong --test
//! scorecard_model`; review the diff.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use xinyong::date::parse_date;
use xinyong::{Decimal, Enterprise, Evaluation, Evaluator, Model};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scorecard_model")
}

fn model() -> Model {
    Model::from_json(&std::fs::read_to_string(dir().join("model.json")).unwrap()).unwrap()
}

fn evaluate(name: &str) -> Evaluation {
    let text = std::fs::read_to_string(dir().join(format!("{name}.json"))).unwrap();
    let firm = Enterprise::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let evaluator = Evaluator::new(model()).unwrap();
    evaluator.evaluate(&firm, parse_date("2026-06-30").unwrap()).unwrap()
}

const CASES: [&str; 4] = ["full_features", "missing_features", "unseen_values", "points_lost"];

#[test]
fn the_scorecard_model_is_valid_and_its_goldens_match() {
    model().validate().unwrap();
    let bless = std::env::var_os("XINYONG_BLESS").is_some();
    let mut failures = Vec::new();
    for name in CASES {
        let actual = evaluate(name).to_json_pretty() + "\n";
        let path = dir().join("expected").join(format!("{name}.json"));
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != actual {
            failures.push(format!("{name}: output differs from {}", path.display()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The card's points (the `basic_card` contribution) and its reasons, by hand:
/// age ≥ 10 gives 45, capital 5,000,000 gives 25 (baseline 35: 10 lost), operating gives 30,
/// utilisation below 0.3 gives 40.
#[test]
fn card_points_and_reasons_are_the_hand_computed_ones() {
    let card = |e: &Evaluation| {
        let c = e.contributions.iter().find(|c| c.indicator.as_ref() == "basic_card").unwrap();
        c.points
    };
    let codes = |e: &Evaluation| -> Vec<(String, Option<Decimal>)> {
        e.reasons
            .iter()
            .filter(|r| r.code.starts_with("basic_card"))
            .map(|r| (r.code.to_string(), r.points_lost))
            .collect()
    };
    let full = evaluate("full_features");
    assert_eq!(card(&full), Decimal::from(45 + 25 + 30 + 40));
    assert_eq!(full.dimensions[0].points, Decimal::from(140));
    assert_eq!(codes(&full), [("basic_card.CAPITAL".to_string(), Some(Decimal::from(10)))]);

    // Capital missing: `min` gives 10 (25 lost); utilisation missing: `neutral` gives the
    // baseline 40 (nothing lost).
    let missing = evaluate("missing_features");
    assert_eq!(card(&missing), Decimal::from(45 + 10 + 30 + 40));
    assert_eq!(codes(&missing), [("basic_card.CAPITAL".to_string(), Some(Decimal::from(25)))]);
    let capital = missing.reasons.iter().find(|r| r.code.as_ref() == "basic_card.CAPITAL").unwrap();
    assert_eq!(capital.text.en.as_ref(), "Small or undisclosed registered capital");

    // `revoked` is no status the card bins: unseen gives 0 (30 lost); utilisation 1.4 is
    // above every bin: unseen gives the third attribute, 5 points under its own code (35 lost).
    let unseen = evaluate("unseen_values");
    assert_eq!(card(&unseen), Decimal::from(45 + 25 + 5));
    let unseen_codes: Vec<String> = codes(&unseen).into_iter().map(|(c, _)| c).collect();
    assert!(unseen_codes.contains(&"basic_card.UTILISATION_HIGH".to_string()), "{unseen_codes:?}");

    // Established 2024-09-01 (age 1: 10, 35 lost), capital 800,000 (10, 25 lost),
    // utilisation 0.55 (25, 15 lost): 10 + 10 + 30 + 25.
    let lost = evaluate("points_lost");
    assert_eq!(card(&lost), Decimal::from(75));
    assert_eq!(
        codes(&lost),
        [
            ("basic_card.AGE".to_string(), Some(Decimal::from(35))),
            ("basic_card.CAPITAL".to_string(), Some(Decimal::from(25))),
            ("basic_card.UTILISATION".to_string(), Some(Decimal::from(15))),
        ]
    );
}

#[test]
fn a_refused_missing_input_is_an_error_naming_the_indicator_and_characteristic() {
    let mut model = model();
    let card = model.dimensions[0].indicators[0].scorecard.as_mut().unwrap();
    card.characteristics[3].missing = Some(xinyong::scorecard::Policy::Error);
    let evaluator = Evaluator::new(model).unwrap();
    let text = std::fs::read_to_string(dir().join("missing_features.json")).unwrap();
    let firm = Enterprise::from_json(&text).unwrap();
    let error = evaluator.evaluate(&firm, parse_date("2026-06-30").unwrap()).unwrap_err();
    assert_eq!(error.kind(), "invalid_field");
    assert_eq!(error.path(), Some("basic_card.utilisation"));
}

#[test]
fn validation_reports_scorecard_problems_with_their_paths() {
    let mut model = model();
    let indicator = &mut model.dimensions[0].indicators[0];
    indicator.feature = Some("age_years".into());
    indicator
        .reason_codes
        .as_mut()
        .unwrap()
        .insert("NOPE".into(), xinyong::model::Text { zh: "无".into(), en: "none".into() });
    let card = indicator.scorecard.as_mut().unwrap();
    card.characteristics[0].unseen = Some(xinyong::scorecard::Policy::Attribute(9));
    card.mining_fields[0].name = "not_in_dictionary".into();
    let problems: Vec<String> =
        model.problems().iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
    let expect = [
        "dimensions[0].indicators[0].feature: `feature` does not apply to a scorecard indicator",
        "dimensions[0].indicators[0].scorecard.mining_fields[0]: `not_in_dictionary` is not in the data dictionary",
        "dimensions[0].indicators[0].reason_codes.NOPE: `NOPE` is not a reason code of the card",
    ];
    for e in expect {
        assert!(problems.iter().any(|p| p == e), "{e} not in {problems:#?}");
    }
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("dimensions[0].indicators[0].scorecard.characteristics:")
                && p.contains("attribute 9")),
        "{problems:#?}"
    );
    model.dimensions[0].indicators[0].scorecard = None;
    let problems: Vec<String> = model.problems().iter().map(|p| p.path.clone()).collect();
    assert!(problems.contains(&"dimensions[0].indicators[0].scorecard".to_string()));
}

#[test]
fn enterprise_features_round_trip_and_refuse_built_in_names() {
    let text = std::fs::read_to_string(dir().join("full_features.json")).unwrap();
    let firm = Enterprise::from_json(&text).unwrap();
    assert_eq!(firm.features.get("credit_utilisation").map(String::as_str), Some("0.2"));
    let again = Enterprise::from_json(&firm.to_json()).unwrap();
    assert_eq!(again, firm);
    assert!(firm.to_json().contains(r#""features":{"credit_utilisation":"0.2"}"#));
    // Without features nothing is written.
    let plain = std::fs::read_to_string(dir().join("missing_features.json")).unwrap();
    assert!(!Enterprise::from_json(&plain).unwrap().to_json().contains("features"));
    let built_in = text.replace("credit_utilisation", "age_years");
    let error = Enterprise::from_json(&built_in).unwrap_err();
    assert_eq!(error.path(), Some("features.age_years"));
    let nested = text.replace("0.2", "[1]");
    assert_eq!(Enterprise::from_json(&nested).unwrap_err().kind(), "invalid_field");
}
