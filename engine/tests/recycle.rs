//! A batch that hands each result back (`EvaluationScratch::recycle`) gets, from the refilled
//! result, exactly what a fresh evaluation gives: equal values and the same JSON bytes, whatever
//! the previous firm, date or model was, and errors leave the next result intact.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{cases, date, read};
use proptest::prelude::*;
use xinyong::batch::{LineLimits, RelatedParties};
use xinyong::date::Date;
use xinyong::evaluate::EvaluationScratch;
use xinyong::synth::{SynthConfig, enterprise};
use xinyong::{Enterprise, Evaluator, Model, RelatedParty};

/// Evaluates `firm` through `scratch`, compares with a fresh evaluation, and hands the result
/// back. Returns whether it evaluated (errors must be the same error).
fn same_as_fresh(
    evaluator: &Evaluator,
    firm: &Enterprise,
    as_of: Date,
    related: Option<&RelatedParty>,
    scratch: &mut EvaluationScratch,
) -> bool {
    let fresh = evaluator.evaluate_with(firm, as_of, related);
    let refilled = evaluator.evaluate_reusing(firm, as_of, related, scratch);
    match (fresh, refilled) {
        (Ok(fresh), Ok(refilled)) => {
            assert_eq!(refilled, fresh, "{} on {as_of}", firm.uscc);
            assert_eq!(refilled.to_json(), fresh.to_json(), "{} on {as_of}", firm.uscc);
            scratch.recycle(refilled);
            true
        }
        (Err(fresh), Err(refilled)) => {
            assert_eq!(refilled, fresh, "{} on {as_of}", firm.uscc);
            false
        }
        (fresh, refilled) => panic!("{} on {as_of}: {fresh:?} against {refilled:?}", firm.uscc),
    }
}

/// Every golden case, its related-party cases and the scorecard model's cases, through one
/// scratch: the recycled result moves between models, contexts and numbers of reasons.
#[test]
fn golden_cases_refill_as_they_evaluate() {
    let evaluator = Evaluator::default_model();
    let card =
        Evaluator::new(Model::from_json(&read("scorecard_model/model.json")).unwrap()).unwrap();
    let mut scratch = EvaluationScratch::new();
    let golden = cases("cases.json");
    assert!(golden.len() >= 15);
    let related = cases("related_party/cases.json");
    assert!(!related.is_empty());
    let mut evaluated = 0;
    for _ in 0..2 {
        for case in golden.iter().rev() {
            let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
            let as_of = date(case["as_of"].as_str().unwrap());
            assert!(same_as_fresh(&evaluator, &firm, as_of, None, &mut scratch));
            // The refilled result prints the golden itself.
            let result = evaluator.evaluate_reusing(&firm, as_of, None, &mut scratch).unwrap();
            let expected = read(case["expected"].as_str().unwrap());
            assert_eq!(result.to_json_pretty() + "\n", expected, "{case}");
            scratch.recycle(result);
            evaluated += 1;
        }
        for case in &related {
            let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
            let context =
                RelatedParty::from_json(&read(case["related_party"].as_str().unwrap())).unwrap();
            let as_of = date(case["as_of"].as_str().unwrap());
            assert!(same_as_fresh(&evaluator, &firm, as_of, Some(&context), &mut scratch));
            evaluated += 1;
        }
        for name in ["full_features", "missing_features", "points_lost", "unseen_values"] {
            let firm =
                Enterprise::from_json(&read(&format!("scorecard_model/{name}.json"))).unwrap();
            assert!(same_as_fresh(&card, &firm, date("2026-06-30"), None, &mut scratch));
            evaluated += 1;
        }
    }
    assert_eq!(evaluated, 2 * (golden.len() + related.len() + 4));
}

/// Every firm of the bundled registries, on three dates (the earliest fails for many of them
/// with a future-date error, which must leave the recycled result usable).
#[test]
fn registry_firms_refill_as_they_evaluate() {
    let evaluator = Evaluator::default_model();
    let mut scratch = EvaluationScratch::new();
    let mut firms = Vec::new();
    for file in ["registry/registry.jsonl", "synth/registry.jsonl"] {
        firms.extend(read(file).lines().map(|l| Enterprise::from_json(l).unwrap()));
    }
    assert!(firms.len() > 300);
    let (mut evaluated, mut failed) = (0, 0);
    for as_of in ["2026-06-30", "2019-03-01", "2031-01-31"] {
        for firm in &firms {
            if same_as_fresh(&evaluator, firm, date(as_of), None, &mut scratch) {
                evaluated += 1;
            } else {
                failed += 1;
            }
        }
    }
    assert!(evaluated > 600);
    assert!(failed > 0);
}

/// The lending stream prints, line for line, what the owning stream prints: full and summary
/// lines, error lines, related-party contexts applied.
#[test]
fn a_lending_stream_prints_what_the_owning_stream_prints() {
    let evaluator = Evaluator::default_model();
    let mut input = read("registry/registry.jsonl");
    input.push_str("\n{\"uscc\": \"not a code\"}\nnot json\n");
    input.push_str(&read("synth/registry.jsonl"));
    let mut related = RelatedParties::new();
    for case in &cases("related_party/cases.json") {
        let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
        let context =
            RelatedParty::from_json(&read(case["related_party"].as_str().unwrap())).unwrap();
        input.push_str(&firm.to_json());
        input.push('\n');
        related.insert(firm.uscc, context);
    }
    let (as_of, limits) = (date("2026-06-30"), LineLimits::default());
    let mut owned = Vec::new();
    let owned_summary = evaluator
        .evaluate_jsonl_with(input.as_bytes(), as_of, limits, &related, |item| {
            owned.push((item.to_json(true), item.to_json(false)));
            Ok(())
        })
        .unwrap();
    let mut lent = Vec::new();
    let summary = evaluator
        .evaluate_jsonl_lending(input.as_bytes(), as_of, limits, &related, |item| {
            lent.push((item.to_json(true), item.to_json(false)));
            Ok(())
        })
        .unwrap();
    assert_eq!(summary, owned_summary);
    assert_eq!(summary.failed, 2);
    assert!(summary.evaluated > 300);
    assert_eq!(lent.len(), summary.records);
    for (k, (lent, owned)) in lent.iter().zip(&owned).enumerate() {
        assert_eq!(lent, owned, "line {k}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// A run of synthetic firms of any size through one scratch, each result recycled into the
    /// next: every one equal to its fresh evaluation.
    #[test]
    fn synthetic_runs_refill_as_they_evaluate(
        seed in 0u64..10_000,
        sizes in proptest::collection::vec(0u32..40, 1..6),
        days_later in 0u64..4_000,
    ) {
        let evaluator = Evaluator::default_model();
        let mut scratch = EvaluationScratch::new();
        let as_of = date("2026-06-30") + chrono::Days::new(days_later);
        for (k, &mean_records) in sizes.iter().enumerate() {
            let mut config = SynthConfig::new(1, seed + k as u64, date("2026-06-30"));
            config.mean_records = mean_records;
            let firm = enterprise(&config, 0);
            prop_assert!(same_as_fresh(&evaluator, &firm, as_of, None, &mut scratch));
        }
    }
}
