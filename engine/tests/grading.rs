//! The score-only path (`Evaluator::grade`) gives exactly the score, grades and vetoes of the
//! full evaluation, and fails exactly when it fails: on every golden case (default model,
//! related-party contexts, the scorecard model), on every line of the bundled registries at
//! several dates, and on arbitrary synthetic firms.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use xinyong::date::{Date, parse_date};
use xinyong::evaluate::EvaluationScratch;
use xinyong::synth::{SynthConfig, enterprise};
use xinyong::{Enterprise, Evaluator, Model, RelatedParty};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cases(file: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&read(file)).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

/// Both paths agree on `firm`, alone and through one scratch shared with other calls.
fn agree(
    evaluator: &Evaluator,
    firm: &Enterprise,
    as_of: Date,
    related: Option<&RelatedParty>,
    scratch: &mut EvaluationScratch,
) {
    let full = evaluator.evaluate_with(firm, as_of, related).map(|e| e.grading());
    let reused = evaluator.grade_reusing(firm, as_of, related, scratch);
    assert_eq!(reused, full, "{} on {as_of}", firm.uscc);
    if related.is_none() {
        assert_eq!(evaluator.grade(firm, as_of), full, "{} on {as_of}", firm.uscc);
    }
}

#[test]
fn golden_cases_grade_as_they_evaluate() {
    let evaluator = Evaluator::default_model();
    let mut scratch = EvaluationScratch::new();
    let golden = cases("cases.json");
    assert!(golden.len() >= 15);
    for case in &golden {
        let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
        let as_of = date(case["as_of"].as_str().unwrap());
        agree(&evaluator, &firm, as_of, None, &mut scratch);
        // The golden's own fields, as written.
        let expected: Value =
            serde_json::from_str(&read(case["expected"].as_str().unwrap())).unwrap();
        let grading = evaluator.grade(&firm, as_of).unwrap();
        assert_eq!(grading.score.to_string(), expected["score"].as_str().unwrap());
        assert_eq!(&*grading.grade, expected["grade"].as_str().unwrap());
        let vetoes: Vec<&str> = expected["vetoes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_str().unwrap())
            .collect();
        assert_eq!(grading.vetoes.iter().map(|v| &**v).collect::<Vec<_>>(), vetoes);
    }

    let related = cases("related_party/cases.json");
    assert!(!related.is_empty());
    for case in &related {
        let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
        let context =
            RelatedParty::from_json(&read(case["related_party"].as_str().unwrap())).unwrap();
        let as_of = date(case["as_of"].as_str().unwrap());
        agree(&evaluator, &firm, as_of, Some(&context), &mut scratch);
    }

    let card =
        Evaluator::new(Model::from_json(&read("scorecard_model/model.json")).unwrap()).unwrap();
    let mut graded = 0;
    for name in ["full_features", "missing_features", "points_lost", "unseen_values"] {
        let firm = Enterprise::from_json(&read(&format!("scorecard_model/{name}.json"))).unwrap();
        agree(&card, &firm, date("2026-06-30"), None, &mut scratch);
        graded += 1;
    }
    assert_eq!(graded, 4);
}

/// Every firm of the bundled registries, on the registries' date, years later, and before most
/// of them existed (where both paths fail with the same future-date errors).
#[test]
fn registry_firms_grade_as_they_evaluate() {
    let evaluator = Evaluator::default_model();
    let mut scratch = EvaluationScratch::new();
    let mut firms = Vec::new();
    for file in ["registry/registry.jsonl", "synth/registry.jsonl"] {
        firms.extend(read(file).lines().map(|l| Enterprise::from_json(l).unwrap()));
    }
    assert!(firms.len() > 300);
    let mut failures = 0;
    for as_of in ["2026-06-30", "2031-01-31", "2019-03-01"] {
        for firm in &firms {
            agree(&evaluator, firm, date(as_of), None, &mut scratch);
            failures += usize::from(evaluator.grade(firm, date(as_of)).is_err());
        }
    }
    // The early date exercises the error path, not only the scores.
    assert!(failures > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any synthetic firm, any number of records, any date after its records: the same
    /// grading, whether the scratch was last used on another date or not.
    #[test]
    fn synthetic_firms_grade_as_they_evaluate(
        seed in 0u64..10_000,
        mean_records in 0u32..40,
        days_later in 0u64..4_000,
        other_day in 0u64..4_000,
    ) {
        let base = date("2026-06-30");
        let mut config = SynthConfig::new(1, seed, base);
        config.mean_records = mean_records;
        let firm = enterprise(&config, 0);
        let evaluator = Evaluator::default_model();
        let mut scratch = EvaluationScratch::new();
        let _ = evaluator.grade_reusing(&firm, base + chrono::Days::new(other_day), None, &mut scratch);
        let as_of = base + chrono::Days::new(days_later);
        let full = evaluator.evaluate(&firm, as_of).map(|e| e.grading());
        prop_assert_eq!(evaluator.grade_reusing(&firm, as_of, None, &mut scratch), full.clone());
        prop_assert_eq!(evaluator.grade(&firm, as_of), full);
    }
}
