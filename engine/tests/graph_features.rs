//! Graph indicators per enterprise: the hand-computed golden case of `fixtures/graph/features/`
//! (recipe in its README), independence from the input order, and the errors.
//!
//! Regenerate the golden file with `XINYONG_BLESS=1 cargo test -p xinyong --test
//! graph_features`; the hand-computed values asserted below must still hold.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use rust_decimal::Decimal;
use serde_json::Value;
use xinyong::date::Date;
use xinyong::graph::features::{FeatureInput, FirmFeatures, firm_features};
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/graph/features")
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap()
}

fn graph_of(text: &str) -> RelationGraph {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(text).unwrap();
    builder.freeze().unwrap().0
}

fn input() -> FeatureInput {
    let dishonest: BTreeSet<String> = serde_json::from_str(&read("dishonest.json")).unwrap();
    let assets: BTreeMap<String, String> = serde_json::from_str(&read("net_assets.json")).unwrap();
    FeatureInput {
        dishonest,
        net_assets: assets.into_iter().map(|(k, v)| (k, v.parse().unwrap())).collect(),
        as_of: Date::from_ymd_opt(2025, 6, 30).unwrap(),
    }
}

fn by_name(features: &[FirmFeatures], graph: &RelationGraph, name: &str) -> FirmFeatures {
    let v = (0..graph.node_count() as u32).find(|&v| graph.name(v) == Some(name)).unwrap();
    features.iter().find(|f| f.firm == graph.key_str(v)).unwrap().clone()
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn golden_features_hold_their_hand_computed_values() {
    let graph = graph_of(&read("graph.jsonl"));
    let features = firm_features(&graph, &input()).unwrap();
    let path = dir().join("expected.jsonl");
    let actual: Vec<Value> = features.iter().map(|f| serde_json::to_value(f).unwrap()).collect();
    if std::env::var_os("XINYONG_BLESS").is_some() {
        let lines: Vec<String> = actual.iter().map(|v| v.to_string() + "\n").collect();
        std::fs::write(&path, lines.concat()).unwrap();
    }
    let expected: Vec<Value> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(actual, expected);

    let key = |name: &str| by_name(&features, &graph, name).firm;
    let f = |name: &str| by_name(&features, &graph, name);
    assert_eq!(features.len(), 8);
    // D is the listed firm; its neighbours one tie away are B (guarantor), F (mutual guarantee)
    // and G (51% held); A, C and E are two ties away (A -> B -> D, C <- r1 -> D, E -> B -> D).
    assert!(f("D").dishonest && f("D").related_dishonest.is_empty());
    for (name, hops) in [("B", 1), ("F", 1), ("G", 1), ("A", 2), ("C", 2), ("E", 2)] {
        let firm = f(name);
        assert_eq!(firm.related_dishonest.len(), 1, "{name}");
        assert_eq!(
            (firm.related_dishonest[0].firm.clone(), firm.related_dishonest[0].hops),
            (key("D"), hops)
        );
        assert_eq!(firm.dishonest_within_1, usize::from(hops == 1), "{name}");
        assert_eq!(firm.dishonest_within_2, 1, "{name}");
    }
    // H's guarantee of D was released: no tie.
    assert_eq!(f("H").dishonest_within_2, 0);
    // Circle {D, F}; exposure = guarantees given / net assets.
    assert_eq!((f("D").guarantee_circle_size, f("F").guarantee_circle_size), (2, 2));
    assert_eq!(f("B").guarantee_circle_size, 0);
    assert_eq!(f("B").guarantee_exposure_ratio, Some(d("0.2")));
    assert_eq!(f("D").guarantee_exposure_ratio, Some(d("0.25")));
    assert_eq!(f("E").guarantee_exposure_ratio, Some(d("0.25")));
    assert_eq!(f("F").guarantee_exposure_ratio, Some(d("0.8")));
    assert_eq!(f("A").guarantee_exposure_ratio, None);
    // p-bad controls A (60%); D controls G (51%).
    assert_eq!(f("A").dishonest_controllers, vec!["p-bad".to_owned()]);
    assert_eq!(f("G").dishonest_controllers, vec![key("D")]);
    assert!(f("B").dishonest_controllers.is_empty());
    // DebtRank from D: B 0.2, F 0.8, then E 0.25 · 0.2 = 0.05; D stays at 1.
    for (name, h) in [("D", "1"), ("B", "0.2"), ("F", "0.8"), ("E", "0.05"), ("A", "0"), ("G", "0")]
    {
        assert_eq!(f(name).debt_rank_distress, d(h), "{name}");
    }
}

#[test]
fn features_ignore_the_order_of_the_input() {
    let text = read("graph.jsonl");
    let mut lines: Vec<&str> = text.lines().collect();
    let forward = firm_features(&graph_of(&lines.join("\n")), &input()).unwrap();
    lines.reverse();
    let backward = firm_features(&graph_of(&lines.join("\n")), &input()).unwrap();
    assert_eq!(forward, backward);
}

#[test]
fn unknown_dishonest_keys_are_errors_and_no_list_means_no_risk() {
    let graph = graph_of(&read("graph.jsonl"));
    let mut bad = input();
    bad.dishonest.insert("nobody".to_owned());
    let error = firm_features(&graph, &bad).unwrap_err();
    assert_eq!(error.path(), Some("dishonest.nobody"));
    let mut none = input();
    none.dishonest.clear();
    let clean = firm_features(&graph, &none).unwrap();
    assert!(clean.iter().all(|f| f.dishonest_within_2 == 0
        && f.dishonest_controllers.is_empty()
        && f.debt_rank_distress.is_zero()));
}
