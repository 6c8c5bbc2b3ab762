//! Golden cases: every fixture in `fixtures/cases.json` evaluated with the default model must
//! equal its golden file byte for byte, and match the hand-computed values of its `expect`.
//!
//! Regenerate the golden files with `make goldens` (sets `XINYONG_BLESS=1`); review the diff.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use xinyong::date::parse_date;
use xinyong::{Enterprise, Evaluator};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("cases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

#[test]
fn golden_evaluations_match_byte_for_byte() {
    let bless = std::env::var_os("XINYONG_BLESS").is_some();
    let evaluator = Evaluator::default_model();
    let cases = cases();
    assert!(cases.len() >= 15, "at least 15 golden cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let text =
            std::fs::read_to_string(fixtures().join(case["enterprise"].as_str().unwrap())).unwrap();
        let firm = Enterprise::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let as_of = parse_date(case["as_of"].as_str().unwrap()).unwrap();
        let evaluation = evaluator.evaluate(&firm, as_of).unwrap_or_else(|e| panic!("{name}: {e}"));
        let actual = evaluation.to_json_pretty() + "\n";
        let path = fixtures().join(case["expected"].as_str().unwrap());
        if bless {
            std::fs::write(&path, &actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if expected != actual {
                failures.push(format!("{name}: output differs from {}", path.display()));
            }
        }
        let expect = &case["expect"];
        let check = |field: &str, actual: String| {
            if let Some(want) = expect.get(field).and_then(Value::as_str) {
                assert_eq!(actual, want, "{name}: {field} (hand-computed)");
            }
        };
        check("score", evaluation.score.to_string());
        check("grade", evaluation.grade.to_string());
        check("grade_by_score", evaluation.grade_by_score.to_string());
        check("plan_score_after", evaluation.plan.score_after.to_string());
        if let Some(steps) = expect.get("plan_steps").and_then(Value::as_u64) {
            assert_eq!(evaluation.plan.steps.len() as u64, steps, "{name}: plan steps");
        }
    }
    assert!(
        failures.is_empty(),
        "golden mismatches (run `make goldens` and review):\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_enterprise_fixture_is_a_case() {
    let listed: Vec<String> =
        cases().iter().map(|c| c["enterprise"].as_str().unwrap().to_owned()).collect();
    for entry in std::fs::read_dir(fixtures().join("enterprises")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(listed.contains(&format!("enterprises/{name}")), "{name} is not in cases.json");
    }
}

#[test]
fn golden_cases_pin_each_record_kind_and_veto() {
    let evaluator = Evaluator::default_model();
    let mut kinds = std::collections::BTreeSet::new();
    let mut vetoes = std::collections::BTreeSet::new();
    for case in cases() {
        let text =
            std::fs::read_to_string(fixtures().join(case["enterprise"].as_str().unwrap())).unwrap();
        let firm = Enterprise::from_json(&text).unwrap();
        kinds.extend(firm.records.iter().map(|r| r.class().to_string()));
        let as_of = parse_date(case["as_of"].as_str().unwrap()).unwrap();
        let ev = evaluator.evaluate(&firm, as_of).unwrap();
        vetoes.extend(ev.vetoes.iter().map(|v| v.id.to_string()));
    }
    for veto in &evaluator.model().vetoes {
        assert!(vetoes.contains(&veto.id), "no case triggers veto {}", veto.id);
    }
    for kind in xinyong::RecordClass::KINDS {
        assert!(kinds.iter().any(|k| k.starts_with(kind)), "no case has a {kind} record");
    }
    for list in xinyong::record::ListKind::ALL {
        assert!(kinds.contains(&format!("listing.{list}")), "no case has listing.{list}");
    }
}
