//! Determinism: the fixture set gives byte-identical output whatever the input order and
//! however many threads share one evaluator or one graph; `Evaluator`, `RelationGraph` and
//! `Ownership` are `Send + Sync`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};
use xinyong::date::parse_date;
use xinyong::graph::ownership::{Ownership, OwnershipConfig};
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};
use xinyong::{Enterprise, Evaluator};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn the_shared_types_are_send_and_sync() {
    assert_send_sync::<Evaluator>();
    assert_send_sync::<RelationGraph>();
    assert_send_sync::<Ownership<'static>>();
}

/// (name, enterprise JSON, as_of) of every golden case.
fn golden_inputs() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(fixtures().join("cases.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let file = fixtures().join(c["enterprise"].as_str().unwrap());
            let name = c["name"].as_str().unwrap().to_owned();
            (name, std::fs::read_to_string(file).unwrap(), c["as_of"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// Evaluates `inputs` on `threads` threads sharing one evaluator, each taking every
/// `threads`-th input; output keyed by case name.
fn evaluate_all(
    evaluator: &Evaluator,
    inputs: &[(String, String, String)],
    threads: usize,
) -> BTreeMap<String, String> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    inputs
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .map(|(name, text, as_of)| {
                            let firm = Enterprise::from_json(text).unwrap();
                            let as_of = parse_date(as_of).unwrap();
                            (name.clone(), evaluator.evaluate(&firm, as_of).unwrap().to_json())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn golden_cases_give_the_same_bytes_in_any_order_on_any_number_of_threads() {
    let evaluator = Evaluator::default_model();
    let inputs = golden_inputs();
    let baseline = evaluate_all(&evaluator, &inputs, 1);
    assert_eq!(baseline.len(), inputs.len());
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    for threads in [1, 3, 8] {
        let mut shuffled = inputs.clone();
        shuffled.shuffle(&mut rng);
        assert_eq!(evaluate_all(&evaluator, &shuffled, threads), baseline, "{threads} threads");
    }
}

#[test]
fn the_sample_registry_evaluates_identically_when_shuffled() {
    let text = std::fs::read_to_string(fixtures().join("registry/registry.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let as_of = parse_date("2026-06-30").unwrap();
    let evaluator = Evaluator::default_model();
    let run = |lines: &[&str]| -> BTreeMap<String, String> {
        lines
            .iter()
            .map(|l| {
                let e = evaluator.evaluate_json(l, as_of).unwrap();
                (e.uscc.to_string(), e.to_json())
            })
            .collect()
    };
    let first = run(&lines);
    assert_eq!(first.len(), lines.len(), "one evaluation per firm");
    lines.shuffle(&mut ChaCha8Rng::seed_from_u64(7));
    assert_eq!(run(&lines), first);
}

/// The golden document of a graph case (see `tests/graph.rs`), from its lines in the given order.
fn graph_document(lines: &[&str]) -> String {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&lines.join("\n")).unwrap();
    let (graph, report) = builder.freeze().unwrap();
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let mut firms: Vec<Value> = (0..graph.node_count() as u32)
        .filter(|&v| !graph.is_person(v))
        .map(|v| {
            let key = graph.key_str(v);
            json!({
                "ownership": ownership.of(key).unwrap(),
                "beneficial_owners": ownership.beneficial_owners(key).unwrap(),
            })
        })
        .collect();
    // Listed by key: node numbering follows the input, the analysis must not.
    firms.sort_by_key(|f| f["ownership"]["firm"].as_str().unwrap_or_default().to_owned());
    json!({ "report": report, "unresolvable": ownership.unresolvable(), "firms": firms })
        .to_string()
}

#[test]
fn graph_analyses_do_not_depend_on_line_order() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut cases = 0;
    for entry in std::fs::read_dir(fixtures().join("graph")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        cases += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        // Nodes first (an edge may name a person only after its declaration is read), each
        // group shuffled on its own.
        let (mut nodes, mut edges): (Vec<&str>, Vec<&str>) =
            lines.iter().partition(|l| l.contains(r#""node""#));
        let baseline = graph_document(&[nodes.clone(), edges.clone()].concat());
        for _ in 0..3 {
            nodes.shuffle(&mut rng);
            edges.shuffle(&mut rng);
            let shuffled = graph_document(&[nodes.clone(), edges.clone()].concat());
            assert_eq!(shuffled, baseline, "{}", path.display());
        }
    }
    assert!(cases >= 5, "every graph fixture is shuffled ({cases})");
}

#[test]
fn one_graph_serves_several_threads() {
    let text = std::fs::read_to_string(fixtures().join("graph/worked_example.jsonl")).unwrap();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&text).unwrap();
    let (graph, _) = builder.freeze().unwrap();
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let firms: Vec<String> = (0..graph.node_count() as u32)
        .filter(|&v| !graph.is_person(v))
        .map(|v| graph.key_str(v).to_owned())
        .collect();
    let one = |firm: &str| serde_json::to_string(&ownership.of(firm).unwrap()).unwrap();
    let expected: Vec<String> = firms.iter().map(|f| one(f)).collect();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                let got: Vec<String> = firms.iter().map(|f| one(f)).collect();
                assert_eq!(got, expected);
            });
        }
    });
}
