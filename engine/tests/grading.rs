//! The score-only path (`Evaluator::grade`) gives exactly the score, grades and vetoes of the
//! full evaluation, and fails exactly when it fails: on every golden case (default model,
//! related-party contexts, the scorecard model), on every line of the bundled registries at
//! several dates, and on arbitrary synthetic firms.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{cases, date, read};
use proptest::prelude::*;
use serde_json::Value;
use xinyong::batch::{LineLimits, RelatedParties};
use xinyong::date::Date;
use xinyong::evaluate::EvaluationScratch;
use xinyong::synth::{SynthConfig, enterprise};
use xinyong::{Enterprise, Evaluator, Model, RelatedParty};

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
    assert_eq!(evaluator.grade_with(firm, as_of, related), full, "{} on {as_of}", firm.uscc);
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
        assert_eq!(grading.uscc.as_str(), expected["uscc"].as_str().unwrap());
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

/// The score-only stream: one line per non-blank input line, in order, each equal to the full
/// stream's grading, bad lines as error entries with their index and line, and the related-party
/// context of each firm applied as in the full stream.
#[test]
fn graded_json_lines_follow_the_full_stream() {
    let evaluator = Evaluator::default_model();
    let mut input = read("registry/registry.jsonl");
    input.push_str("\n{\"uscc\": \"not a code\"}\nnot json\n");
    input.push_str(&read("registry/registry.jsonl"));
    let mut related = RelatedParties::new();
    let mut firms = Vec::new();
    for case in &cases("related_party/cases.json") {
        let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
        let context =
            RelatedParty::from_json(&read(case["related_party"].as_str().unwrap())).unwrap();
        input.push_str(&firm.to_json());
        input.push('\n');
        related.insert(firm.uscc, context);
        firms.push(firm);
    }
    let as_of = date("2026-06-30");
    let limits = LineLimits::default();
    let mut full = Vec::new();
    let full_summary = evaluator
        .evaluate_jsonl_with(input.as_bytes(), as_of, limits, &related, |item| {
            full.push(item);
            Ok(())
        })
        .unwrap();
    let mut graded = Vec::new();
    let summary = evaluator
        .grade_jsonl_with(input.as_bytes(), as_of, limits, &related, |item| {
            graded.push(item);
            Ok(())
        })
        .unwrap();
    assert_eq!(summary, full_summary);
    assert_eq!(summary.failed, 2);
    assert_eq!(graded.len(), full.len());
    assert_eq!(graded.len(), summary.records);
    for (g, f) in graded.iter().zip(&full) {
        assert_eq!((g.index, g.line), (f.index, f.line));
        assert_eq!(g.result, f.result.as_ref().map(|e| e.grading()).map_err(Clone::clone));
        if let Err(error) = &g.result {
            let line: Value = serde_json::from_str(&g.to_json()).unwrap();
            assert_eq!(line["index"], g.index);
            assert_eq!(line["line"], g.line);
            assert_eq!(line["error"]["kind"], error.kind());
        } else {
            let line: Value = serde_json::from_str(&g.to_json()).unwrap();
            let summary: Value = serde_json::from_str(&f.to_json(false)).unwrap();
            for key in ["uscc", "score", "grade", "grade_by_score"] {
                assert_eq!(line[key], summary[key], "{key}");
            }
        }
    }
    // The contexts were applied: some related-party firms grade lower than without one.
    let tail = &graded[graded.len() - firms.len()..];
    let lowered = firms
        .iter()
        .zip(tail)
        .filter(|(firm, g)| {
            let with = g.result.as_ref().unwrap();
            assert_eq!(with.uscc, firm.uscc);
            with.score < evaluator.grade(firm, as_of).unwrap().score
        })
        .count();
    assert!(lowered > 0);
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
