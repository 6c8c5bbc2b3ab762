//! The related-party context of an evaluation: the golden cases of `fixtures/related_party/`
//! (recipe in its README), the proof that without a context every golden case of
//! `fixtures/cases.json` evaluates exactly as with a model without the `related_party`
//! indicator, the JSON Lines of `xinyong graph features` as contexts, and properties.
//!
//! Regenerate the golden files with `XINYONG_BLESS=1 cargo test -p xinyong --all-features --test
//! related_party` (part of `make goldens`); the hand-computed `expect` values must still hold.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use xinyong::batch::{RelatedParties, read_related_parties};
use xinyong::date::{Date, parse_date};
use xinyong::evaluate::{RelatedPartyCause, RelatedPartyPart};
use xinyong::graph::features::RelatedDishonest;
use xinyong::model::IndicatorKind;
use xinyong::synth::{SynthConfig, enterprise};
use xinyong::{Decimal, Enterprise, Error, Evaluation, Evaluator, Model, RelatedParty, Uscc};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cases(list: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&read(list)).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn golden_evaluations_with_a_context_match_byte_for_byte() {
    let bless = std::env::var_os("XINYONG_BLESS").is_some();
    let evaluator = Evaluator::default_model();
    let cases = cases("related_party/cases.json");
    assert!(cases.len() >= 6);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
        let context = RelatedParty::from_json(&read(case["related_party"].as_str().unwrap()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let as_of = date(case["as_of"].as_str().unwrap());
        let evaluation = evaluator.evaluate_with(&firm, as_of, Some(&context)).unwrap();
        let actual = evaluation.to_json_pretty() + "\n";
        let path = fixtures().join(case["expected"].as_str().unwrap());
        if bless {
            std::fs::write(&path, &actual).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != actual {
            failures.push(format!("{name}: output differs from {}", path.display()));
        }
        let expect = &case["expect"];
        let check = |field: &str, actual: String| {
            if let Some(want) = expect.get(field).and_then(Value::as_str) {
                assert_eq!(actual, want, "{name}: {field} (hand-computed)");
            }
        };
        check("score", evaluation.score.to_string());
        check("grade", evaluation.grade.to_string());
        check("plan_score_after", evaluation.plan.score_after.to_string());
        // Related-party losses are never plan steps: the plan is the one without a context.
        let without = evaluator.evaluate(&firm, as_of).unwrap();
        assert_eq!(
            evaluation.plan.steps.iter().map(|s| s.record).collect::<Vec<_>>(),
            without.plan.steps.iter().map(|s| s.record).collect::<Vec<_>>(),
            "{name}: plan steps"
        );
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (run `make goldens`):\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_one_hop_case_names_the_dishonest_firm_and_gives_a_reason() {
    let evaluator = Evaluator::default_model();
    let firm = Enterprise::from_json(&read("enterprises/clean.json")).unwrap();
    let context = RelatedParty::from_json(&read("related_party/contexts/one_hop.json")).unwrap();
    let ev = evaluator.evaluate_with(&firm, date("2026-06-30"), Some(&context)).unwrap();
    let contribution = ev.contributions.iter().find(|c| &*c.indicator == "related_parties");
    let contribution = contribution.unwrap();
    assert_eq!(&*contribution.dimension, "judicial");
    assert_eq!(contribution.points, dec("-30"));
    assert_eq!(
        contribution.related,
        vec![RelatedPartyCause {
            part: RelatedPartyPart::DishonestOneHop,
            value: dec("1"),
            points: dec("30"),
            parties: vec!["91320500MA000004XT".to_owned()],
        }]
    );
    let reason = ev.reasons.iter().find(|r| &*r.code == "related_parties").unwrap();
    assert_eq!(reason.points_lost, Some(dec("30")));
    assert!(reason.text.zh.contains("关联"), "{}", reason.text.zh);
    assert!(reason.text.en.contains("related"), "{}", reason.text.en);
    // The report names the cause under the reason.
    let report = evaluator.explain(&ev, xinyong::evaluate::Lang::En);
    assert!(
        report.contains("dishonest firms one tie away 1 (-30): 91320500MA000004XT"),
        "{report}"
    );
    let report = evaluator.explain(&ev, xinyong::evaluate::Lang::Zh);
    assert!(report.contains("一度关联失信企业 1 (-30): 91320500MA000004XT"), "{report}");
}

/// The default model as it was at 1.0.0: without its `related_party` indicators (added in
/// 1.1.0) and without list terms (1.2.0).
fn model_without_related_party() -> Model {
    let mut model = Model::default_model();
    for dimension in &mut model.dimensions {
        dimension.indicators.retain(|i| i.kind != IndicatorKind::RelatedParty);
    }
    model.decay.listing_max_months.clear();
    model.version = "1.0.0".to_owned();
    model
}

#[test]
fn without_a_context_every_golden_case_is_unchanged() {
    let evaluator = Evaluator::default_model();
    let before = Evaluator::new(model_without_related_party()).unwrap();
    // This model's hash as written today, with `listing_max_months: {}` (evaluations by the
    // 1.0.0 default model itself carried sha256:04587b43…, before the field existed).
    assert_eq!(
        &*before.stamp().hash,
        "sha256:934ed1a4c1a48400187a30daa7abc2e4a534032ec22aa7b0b7d955b8ed904475"
    );
    // No golden case has a listing past its list's term, so only the related parties could
    // tell the two models apart, and they need a context.
    for case in cases("cases.json") {
        let name = case["name"].as_str().unwrap();
        let firm = Enterprise::from_json(&read(case["enterprise"].as_str().unwrap())).unwrap();
        let as_of = date(case["as_of"].as_str().unwrap());
        let now = evaluator.evaluate(&firm, as_of).unwrap();
        assert_eq!(evaluator.evaluate_with(&firm, as_of, None).unwrap(), now, "{name}");
        let mut then = before.evaluate(&firm, as_of).unwrap();
        assert_ne!(then.model, now.model, "{name}");
        then.model = now.model.clone();
        assert_eq!(then, now, "{name}: only the model stamp may differ");
    }
}

#[test]
fn graph_features_lines_become_contexts_keyed_by_uscc() {
    let text = read("graph/features/expected.jsonl");
    let contexts = read_related_parties(&text).unwrap();
    assert_eq!(contexts.len(), 8);
    let f = Uscc::parse("91320500MA0000066M").unwrap();
    let from_file = RelatedParty::from_json(&read("related_party/contexts/capped_graph_firm.json"));
    assert_eq!(contexts[&f], from_file.unwrap());
    // Any accepted spelling of the code finds the same firm.
    let spaced = text.replace("91320500MA0000066M", "91320500 ma0000066m");
    assert_eq!(read_related_parties(&spaced).unwrap()[&f], contexts[&f]);
}

#[test]
fn bad_features_files_are_clear_errors() {
    let line = read("graph/features/expected.jsonl").lines().next().unwrap().to_owned();
    let path = |text: &str| match read_related_parties(text) {
        Err(Error::InvalidField { path, .. }) => path,
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(path(&format!("{line}\n\n{line}\n")), "lines[2].firm");
    assert_eq!(path(&line.replace("91320500MA0000015D", "nope")), "lines[0].firm");
    assert!(path(&line.replace("\"firm\"", "\"frim\"")).starts_with("lines[0]"));
    // A missing field is reported at the line itself, not at a path with an empty step.
    let missing = line.replacen("\"guarantee_circle_size\":0,", "", 1);
    assert_ne!(missing, line, "the fixture line names the field");
    assert_eq!(path(&missing), "lines[0]");
    let inverted = line.replace("\"dishonest_within_1\":0", "\"dishonest_within_1\":2");
    assert_eq!(path(&inverted), "lines[0].related_party.dishonest_within_2");
    match read_related_parties(&format!("{line}\n{{oops\n")) {
        Err(Error::MalformedJson { line, .. }) => assert_eq!(line, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn inconsistent_contexts_are_refused_with_their_path() {
    let evaluator = Evaluator::default_model();
    let firm = Enterprise::from_json(&read("enterprises/clean.json")).unwrap();
    let bad = [
        (r#"{"dishonest_within_1": 2, "dishonest_within_2": 1}"#, "dishonest_within_2"),
        (r#"{"guarantee_exposure_ratio": "-0.1"}"#, "guarantee_exposure_ratio"),
        (r#"{"debt_rank_distress": "1.5"}"#, "debt_rank_distress"),
    ];
    for (text, field) in bad {
        let context: RelatedParty = serde_json::from_str(text).unwrap();
        match evaluator.evaluate_with(&firm, date("2026-06-30"), Some(&context)) {
            Err(Error::InvalidField { path, .. }) => {
                assert_eq!(path, format!("related_party.{field}"))
            }
            other => panic!("{text}: {other:?}"),
        }
        assert!(RelatedParty::from_json(text).is_err());
    }
    assert!(RelatedParty::from_json(r#"{"dishonest_within_3": 1}"#).is_err());
}

#[test]
fn batches_use_each_firms_context() {
    let evaluator = Evaluator::default_model();
    let as_of = date("2026-06-30");
    let clean = Enterprise::from_json(&read("enterprises/clean.json")).unwrap();
    let other = Enterprise::from_json(&read("enterprises/honours.json")).unwrap();
    let context = RelatedParty::from_json(&read("related_party/contexts/one_hop.json")).unwrap();
    let related: RelatedParties = [(clean.uscc, context.clone())].into_iter().collect();
    let firms = [clean.clone(), other.clone()];
    let batch = evaluator.evaluate_batch_with(&firms, as_of, &related);
    assert_eq!(batch[0], evaluator.evaluate_with(&clean, as_of, Some(&context)));
    assert_eq!(batch[1], evaluator.evaluate(&other, as_of));
    let text = format!("{}\n{}\n", clean.to_json(), other.to_json());
    let mut lines = Vec::new();
    evaluator
        .evaluate_jsonl_with(text.as_bytes(), as_of, Default::default(), &related, |item| {
            lines.push(item.result);
            Ok(())
        })
        .unwrap();
    assert_eq!(lines, batch);
}

fn firm(seed: u64, index: usize) -> Enterprise {
    enterprise(
        &SynthConfig { mean_records: 3, ..SynthConfig::new(1, seed, date("2026-06-30")) },
        index,
    )
}

fn context() -> impl Strategy<Value = RelatedParty> {
    (0usize..4, 0usize..4, 0usize..9, proptest::option::of(0u32..300), any::<bool>(), 0u32..=100)
        .prop_map(|(one, two, circle, ratio, controller, distress)| RelatedParty {
            dishonest_within_1: one,
            dishonest_within_2: one + two,
            related_dishonest: (0..one + two)
                .map(|i| RelatedDishonest {
                    firm: format!("f{i}"),
                    hops: if i < one { 1 } else { 2 },
                })
                .collect(),
            guarantee_circle_size: circle,
            guarantee_exposure_ratio: ratio.map(|r| Decimal::new(i64::from(r), 2)),
            dishonest_controllers: if controller { vec!["p".to_owned()] } else { Vec::new() },
            debt_rank_distress: Decimal::new(i64::from(distress), 2),
        })
}

fn score(ev: &Evaluation) -> Decimal {
    ev.score
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn no_context_is_plain_evaluation(seed in 0u64..1000, index in 0usize..50) {
        let evaluator = Evaluator::default_model();
        let firm = firm(seed, index);
        let as_of = date("2026-06-30");
        prop_assert_eq!(evaluator.evaluate_with(&firm, as_of, None), evaluator.evaluate(&firm, as_of));
    }

    #[test]
    fn another_dishonest_related_firm_never_raises_the_score(
        seed in 0u64..1000, index in 0usize..50, context in context(), at_one_hop in any::<bool>()
    ) {
        let evaluator = Evaluator::default_model();
        let firm = firm(seed, index);
        let as_of = date("2026-06-30");
        let before = evaluator.evaluate_with(&firm, as_of, Some(&context)).unwrap();
        let mut more = context.clone();
        more.dishonest_within_2 += 1;
        if at_one_hop {
            more.dishonest_within_1 += 1;
        }
        let after = evaluator.evaluate_with(&firm, as_of, Some(&more)).unwrap();
        prop_assert!(score(&after) <= score(&before), "{} > {}", after.score, before.score);
        // A context never raises the score over no context either.
        let without = evaluator.evaluate(&firm, as_of).unwrap();
        prop_assert!(score(&before) <= score(&without));
    }

    #[test]
    fn evaluation_with_a_context_is_deterministic(
        seed in 0u64..1000, index in 0usize..50, context in context()
    ) {
        let evaluator = Evaluator::default_model();
        let firm = firm(seed, index);
        let as_of = date("2026-06-30");
        let first = evaluator.evaluate_with(&firm, as_of, Some(&context)).unwrap();
        let json = serde_json::to_string(&context).unwrap();
        let again = RelatedParty::from_json(&json).unwrap();
        let second = Evaluator::default_model().evaluate_with(&firm, as_of, Some(&again)).unwrap();
        prop_assert_eq!(first.to_json(), second.to_json());
    }
}

#[test]
fn model_validation_reports_related_party_problems_with_paths() {
    let mut model: Value = serde_json::from_str(xinyong::model::DEFAULT_MODEL_JSON).unwrap();
    let judicial = model["dimensions"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|d| d["id"] == "judicial")
        .unwrap();
    let indicators = judicial["indicators"].as_array_mut().unwrap();
    let at = indicators.iter().position(|i| i["kind"] == "related_party").unwrap();
    let base = format!("dimensions[3].indicators[{at}]");
    let ind = &mut indicators[at];
    ind["related_party"]["dishonest_one_hop"]["points"] = "-5".into();
    ind["related_party"]["dishonest_two_hops"]["cap"] = "250".into();
    ind["related_party"]["dishonest_controller"] = "0.00001".into();
    ind["related_party"]["debt_rank_distress"][1]["from"] = "0.2".into();
    ind["feature"] = "age_years".into();
    let model = Model::from_json(&model.to_string()).unwrap();
    let paths: Vec<String> = model.problems().into_iter().map(|p| p.path).collect();
    for want in [
        format!("{base}.related_party.dishonest_one_hop.points"),
        format!("{base}.related_party.dishonest_two_hops.cap"),
        format!("{base}.related_party.dishonest_controller"),
        format!("{base}.related_party.debt_rank_distress[1]"),
        format!("{base}.feature"),
    ] {
        assert!(paths.contains(&want), "{want} not in {paths:?}");
    }

    let empty: Value = serde_json::json!({
        "id": "r", "kind": "related_party", "name": {"zh": "r", "en": "r"},
        "reason": {"zh": "r", "en": "r"}
    });
    let mut model: Value = serde_json::from_str(xinyong::model::DEFAULT_MODEL_JSON).unwrap();
    model["dimensions"][3]["indicators"] = serde_json::json!([empty]);
    let model = Model::from_json(&model.to_string()).unwrap();
    let paths: Vec<String> = model.problems().into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["dimensions[3].indicators[0].related_party"]);
    // Related-party rules on another kind are refused.
    let mut model = Model::default_model();
    model.dimensions[0].indicators[0].related_party = Some(Default::default());
    let paths: Vec<String> = model.problems().into_iter().map(|p| p.path).collect();
    assert_eq!(paths, ["dimensions[0].indicators[0].related_party"]);
}
