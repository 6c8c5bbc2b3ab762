//! Graph conditions of financing products: the guarantee circle cap and the unrelated guarantor,
//! with facts computed from a relationship graph or stated in the demand, and the policy for
//! facts known from neither.
//!
//! Regenerate the goldens in `fixtures/finance/graph/expected/` with `XINYONG_BLESS=1`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use xinyong::date::{Date, parse_date};
use xinyong::finance::{
    Catalog, ConditionId, Demand, DemandMatch, GraphFacts, GraphSource, MatchOptions, Matcher,
};
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};
use xinyong::{Evaluator, Model};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/finance/graph")
}

fn as_of() -> Date {
    parse_date("2026-06-30").unwrap()
}

fn read(name: &str) -> String {
    std::fs::read_to_string(dir().join(name)).unwrap()
}

fn catalog(evaluator: &Evaluator) -> Catalog {
    Catalog::from_json(&read("catalog.json"), evaluator.model()).unwrap()
}

fn demands() -> Vec<Demand> {
    read("demands.jsonl").lines().map(|l| Demand::from_json(l).unwrap()).collect()
}

fn graph() -> RelationGraph {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&read("relations.jsonl")).unwrap();
    builder.freeze().unwrap().0
}

fn options() -> MatchOptions {
    MatchOptions { near_misses: 10, ..MatchOptions::default() }
}

/// Failed condition ids of one product in a result; `None` when it is an offer.
fn failed(result: &DemandMatch, product: &str) -> Option<Vec<ConditionId>> {
    if result.eligible.iter().any(|o| o.product() == product) {
        return None;
    }
    let miss = result.near_misses.iter().find(|m| m.product() == product).unwrap();
    Some(miss.failed.iter().map(|g| g.condition).collect())
}

fn by_id<'r>(results: &'r [DemandMatch], id: &str) -> &'r DemandMatch {
    results.iter().find(|r| r.demand.as_deref() == Some(id)).unwrap()
}

#[test]
fn goldens_with_and_without_the_graph() {
    let bless = std::env::var_os("XINYONG_BLESS").is_some();
    let evaluator = Evaluator::default_model();
    let catalog = catalog(&evaluator);
    let graph = graph();
    let source = GraphSource::new(&graph, as_of()).unwrap();
    let plain = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let with_graph =
        Matcher::new(&evaluator, &catalog, MatchOptions::default()).with_graph(&source);
    let mut failures = Vec::new();
    for demand in demands() {
        let id = demand.id.clone().unwrap();
        for (suffix, matcher) in [("with-graph", &with_graph), ("without-graph", &plain)] {
            let actual = matcher.match_demand(&demand, as_of()).unwrap().to_json_pretty() + "\n";
            let path = dir().join(format!("expected/{id}.{suffix}.json"));
            if bless {
                std::fs::write(&path, &actual).unwrap();
            } else if std::fs::read_to_string(&path).unwrap_or_default() != actual {
                failures.push(path.display().to_string());
            }
        }
    }
    assert!(failures.is_empty(), "goldens differ (bless with XINYONG_BLESS=1):\n{failures:?}");
}

#[test]
fn each_graph_condition_fails_alone_with_the_graph() {
    let evaluator = Evaluator::default_model();
    let catalog = catalog(&evaluator);
    let graph = graph();
    let source = GraphSource::new(&graph, as_of()).unwrap();
    let matcher = Matcher::new(&evaluator, &catalog, options()).with_graph(&source);
    let results: Vec<DemandMatch> =
        demands().iter().map(|d| matcher.match_demand(d, as_of()).unwrap()).collect();
    // In a circle of three (a cycle of guarantees), with an unrelated guarantor.
    let circle = by_id(&results, "g-circle");
    assert_eq!(failed(circle, "circle-capped"), Some(vec![ConditionId::GuaranteeCircle]));
    assert_eq!(failed(circle, "unrelated-guarantor"), None);
    let gap = &circle.near_misses[0].failed[0];
    assert_eq!((gap.required().as_str(), gap.actual().as_deref()), ("2", Some("3")));
    assert_eq!(gap.text().en.as_ref(), "in a guarantee circle of 3 firms > 2 allowed: over by 1");
    assert!(gap.text().zh.contains("超出 1 家"));
    // In no circle (its only guarantee expired), with a guarantor sharing a 20%+ holder.
    let linked = by_id(&results, "g-linked");
    assert_eq!(failed(linked, "circle-capped"), None);
    assert_eq!(failed(linked, "unrelated-guarantor"), Some(vec![ConditionId::GuarantorCloseLink]));
    let gap = &linked.near_misses[0].failed[0];
    assert_eq!(gap.actual().as_deref(), Some("closely_linked"));
    assert!(gap.text().en.starts_with("guarantor closely linked to the firm"));
    // A guarantee offered, no guarantor named: the graph cannot clear an unnamed guarantor.
    let unnamed = by_id(&results, "g-no-guarantor");
    assert_eq!(failed(unnamed, "unrelated-guarantor"), Some(vec![ConditionId::GuarantorCloseLink]));
    assert!(unnamed.near_misses[0].failed[0].text().en.starts_with("no guarantor named"));
    // The graph's facts override those the demand states.
    let stated = by_id(&results, "g-stated");
    assert_eq!(failed(stated, "circle-capped"), Some(vec![ConditionId::GuaranteeCircle]));
}

#[test]
fn facts_known_from_neither_never_pass() {
    let evaluator = Evaluator::default_model();
    let catalog = catalog(&evaluator);
    let matcher = Matcher::new(&evaluator, &catalog, options());
    let results: Vec<DemandMatch> =
        demands().iter().map(|d| matcher.match_demand(d, as_of()).unwrap()).collect();
    for id in ["g-circle", "g-linked"] {
        let r = by_id(&results, id);
        assert!(r.eligible.is_empty(), "{id}");
        for miss in &r.near_misses {
            let gap = &miss.failed[0];
            assert_eq!(miss.failed.len(), 1, "{id}");
            assert_eq!(gap.actual(), None);
            assert!(!gap.closable_by_plan);
            assert!(
                gap.text().en.starts_with("relationship data not provided"),
                "{}",
                gap.text().en
            );
            assert!(gap.text().zh.starts_with("关系数据未提供"), "{}", gap.text().zh);
        }
    }
    // Stated facts are used when there is no graph: a circle of 2 is within a cap of 2.
    let stated = by_id(&results, "g-stated");
    assert_eq!(stated.eligible.len(), 2, "{}", stated.to_json_pretty());
}

#[test]
fn stated_facts_read_with_defaults_and_refuse_unknown_fields() {
    let base = read("demands.jsonl").lines().next().unwrap().to_owned();
    let demand = Demand::from_json(&base).unwrap();
    assert_eq!(demand.graph_facts, GraphFacts::default());
    assert_eq!(demand.guarantor.as_deref(), Some("91440100874823905J"));
    let bad = base.replacen("\"id\"", "\"graph_facts\": {\"circle\": 3}, \"id\"", 1);
    let err = Demand::from_json(&bad).unwrap_err();
    assert_eq!(err.kind(), "invalid_field");
    assert!(err.path().unwrap().starts_with("graph_facts"), "{:?}", err.path());
}

#[test]
fn graph_conditions_are_validated_with_paths() {
    let text = r#"{"products": [
        {"id": "p", "bank": "b", "name": "n", "amount": {"min": "1", "max": "100"},
         "term_months": {"min": 1, "max": 6}, "collateral": "mortgage",
         "conditions": {"max_guarantee_circle_size": 1, "guarantor_not_closely_linked": true},
         "rate": {"spread": "0.5"}}]}"#;
    let err = Catalog::from_json(text, &Model::default_model()).unwrap_err();
    let xinyong::Error::InvalidModel { problems } = &err else { panic!("{err}") };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "products[0].conditions.max_guarantee_circle_size",
            "products[0].conditions.guarantor_not_closely_linked"
        ]
    );
}

#[test]
fn the_source_computes_circles_on_its_date_and_close_links_for_any_pair() {
    let graph = graph();
    let source = GraphSource::new(&graph, as_of()).unwrap();
    let facts = |firm: &str, g: Option<&str>| source.facts(firm, g).unwrap();
    let x = "91350200155000013M";
    assert_eq!(facts(x, None).guarantee_circle_size, Some(3));
    assert_eq!(facts(x, None).guarantor_closely_linked, None);
    // Before the guarantee closing the cycle started, there is no circle.
    let early = GraphSource::new(&graph, parse_date("2025-05-31").unwrap()).unwrap();
    assert_eq!(early.facts(x, None).unwrap().guarantee_circle_size, Some(0));
    // A firm or guarantor the graph does not know: no circle, no link.
    let unknown = facts("91350200155000021G", Some("91350200155000021G"));
    assert_eq!(unknown.guarantee_circle_size, Some(0));
    assert_eq!(unknown.guarantor_closely_linked, Some(false));
    // A person holding 30% of the borrower is closely linked as its guarantor.
    let y = "91350200155000128U";
    assert_eq!(facts(y, Some("p-holder-1")).guarantor_closely_linked, Some(true));
    assert_eq!(facts(y, Some("91370100MA31LWDE2M")).guarantor_closely_linked, Some(true));
    assert_eq!(facts(y, Some("91440100874823905J")).guarantor_closely_linked, Some(false));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn tightening_the_circle_cap_never_adds_a_match(
        k in 0u32..6, tighter in 0u32..6, size in proptest::option::of(0u32..6),
        linked in proptest::option::of(any::<bool>()),
    ) {
        let evaluator = Evaluator::default_model();
        let eligible = |cap: u32| {
            let mut products = catalog(&evaluator).products().to_vec();
            for p in &mut products {
                p.conditions.max_guarantee_circle_size = Some(if cap == 1 { 0 } else { cap });
            }
            let catalog = Catalog::new(products, evaluator.model()).unwrap();
            let matcher = Matcher::new(&evaluator, &catalog, options());
            let mut demand = demands().remove(3);
            demand.graph_facts =
                GraphFacts { guarantee_circle_size: size, guarantor_closely_linked: linked };
            let r = matcher.match_demand(&demand, as_of()).unwrap();
            r.eligible.into_iter().map(|o| o.product().to_string()).collect::<Vec<_>>()
        };
        // A cap of 1 is refused by validation (a circle has two firms or more): it is 0 above.
        let (loose, tight) = (k.max(tighter), k.min(tighter));
        let (before, after) = (eligible(loose), eligible(tight));
        prop_assert!(after.iter().all(|id| before.contains(id)), "{after:?} not within {before:?}");
    }
}
