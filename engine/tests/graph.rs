//! Relationship graph: hand-computed golden cases, the worked example of the domain brief, a
//! million-long ownership chain and property tests of integrated ownership.
//!
//! Regenerate the golden files with `XINYONG_BLESS=1 cargo test -p xinyong --test graph`; the
//! hand-computed values asserted below must still hold, and the diff must be reviewed.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use xinyong::Uscc;
use xinyong::graph::ownership::{
    OwnerBasis, Ownership, OwnershipConfig, OwnershipMethod, UnresolvableReason,
};
use xinyong::graph::scc::{condensation, strongly_connected};
use xinyong::graph::{BuildPolicy, Edge, GraphBuilder, Node, RelationGraph};

use common::code;

const A: &str = "91210100MA1ENJ9KXL";
const B: &str = "91210100MA1G966FX9";
const C: &str = "91210100MA1KJ8MK67";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/graph")
}

fn load(case: &str) -> (RelationGraph, xinyong::graph::BuildReport) {
    let text = std::fs::read_to_string(fixtures().join(format!("{case}.jsonl"))).unwrap();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&text).unwrap_or_else(|e| panic!("{case}: {e}"));
    builder.freeze().unwrap_or_else(|e| panic!("{case}: {e}"))
}

/// The golden document of a case: the build report, the unsolvable cycles, and for every
/// enterprise its integrated ownership and beneficial owners.
fn analyse(case: &str) -> Value {
    let (graph, report) = load(case);
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let firms: Vec<Value> = (0..graph.node_count() as u32)
        .filter(|&v| !graph.is_person(v))
        .map(|v| {
            let key = graph.key_str(v);
            json!({
                "ownership": ownership.of(key).unwrap(),
                "beneficial_owners": ownership.beneficial_owners(key).unwrap(),
            })
        })
        .collect();
    json!({ "report": report, "unresolvable": ownership.unresolvable(), "firms": firms })
}

fn firm<'a>(doc: &'a Value, key: &str) -> &'a Value {
    doc["firms"].as_array().unwrap().iter().find(|f| f["ownership"]["firm"] == key).unwrap()
}

fn integrated(doc: &Value, firm_key: &str, owner: &str) -> Option<String> {
    let owners = firm(doc, firm_key)["ownership"]["owners"].as_array().unwrap();
    owners
        .iter()
        .find(|o| o["owner"] == owner)
        .map(|o| o["integrated"].as_str().unwrap().to_owned())
}

#[test]
fn golden_cases_match_and_hold_their_hand_computed_values() {
    let bless = std::env::var_os("XINYONG_BLESS").is_some();
    let cases = ["worked_example", "closed_ring", "cycle_with_leakage", "pyramid"];
    for case in cases {
        let actual = analyse(case);
        let path = fixtures().join(format!("{case}.expected.json"));
        let pretty = serde_json::to_string_pretty(&actual).unwrap() + "\n";
        if bless {
            std::fs::write(&path, &pretty).unwrap();
        }
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(actual, expected, "{case} differs from {}", path.display());
    }
    // worked_example: 0.6 / 0.94 and 0.7 · 0.2 / 0.94 (see fixtures/graph/README.md).
    let doc = analyse("worked_example");
    assert_eq!(integrated(&doc, A, "p1").as_deref(), Some("0.638298"));
    assert_eq!(integrated(&doc, A, "p2").as_deref(), Some("0.148936"));
    assert_eq!(firm(&doc, A)["beneficial_owners"]["basis"], "ownership");
    // closed_ring: A and B are never inverted; C keeps p's direct half.
    let doc = analyse("closed_ring");
    assert_eq!(doc["unresolvable"][0]["reason"], "closed_ring");
    assert_eq!(firm(&doc, A)["ownership"]["owners"], json!([]));
    assert_eq!(integrated(&doc, C, "p").as_deref(), Some("0.5"));
    assert_eq!(firm(&doc, A)["beneficial_owners"]["basis"], "legal_representative");
    assert_eq!(firm(&doc, B)["beneficial_owners"]["basis"], "none");
    // cycle_with_leakage: 4/7, 2/7 and 1/7 of A.
    let doc = analyse("cycle_with_leakage");
    assert_eq!(integrated(&doc, A, "pa").as_deref(), Some("0.571429"));
    assert_eq!(integrated(&doc, A, "pc").as_deref(), Some("0.285714"));
    assert_eq!(integrated(&doc, A, "pb").as_deref(), Some("0.142857"));
    // pyramid: 0.51³ of cash flow, full control.
    let doc = analyse("pyramid");
    assert_eq!(integrated(&doc, C, "p").as_deref(), Some("0.132651"));
    assert_eq!(firm(&doc, C)["beneficial_owners"]["basis"], "control");
    assert_eq!(firm(&doc, C)["beneficial_owners"]["controllers"], json!(["p"]));
}

#[test]
fn worked_example_of_the_domain_brief() {
    let (graph, _) = load("worked_example");
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let of_a = ownership.of(A).unwrap();
    let p1 = of_a.raw("p1").unwrap();
    assert!((p1 - 0.6 / (1.0 - 0.2 * 0.3)).abs() < 1e-9, "{p1}");
    let owners = ownership.beneficial_owners(A).unwrap();
    assert_eq!(owners.basis, OwnerBasis::Ownership);
    assert_eq!(owners.owners.len(), 1);
    assert_eq!(owners.owners[0].person, "p1");
    assert_eq!(owners.owners[0].share.to_string(), "0.638298");
    // The only simple chain is the direct holding; the cycle adds the rest.
    assert_eq!(owners.owners[0].chains.len(), 1);
    assert_eq!(owners.owners[0].chains[0].path, vec!["p1".to_owned(), A.to_owned()]);
    // A holds itself through B: 0.3 · 0.2 / 0.94.
    assert!((of_a.raw(A).unwrap() - 0.06 / 0.94).abs() < 1e-12);
}

#[test]
fn threshold_is_inclusive_by_default_and_configurable() {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    for p in ["q1", "q2", "q3"] {
        builder.add_node(Node::person(p).unwrap()).unwrap();
    }
    builder.add_edge(Edge::shareholding("q1", A, Decimal::new(25, 2))).unwrap();
    builder.add_edge(Edge::shareholding("q2", A, Decimal::new(25, 2))).unwrap();
    builder.add_edge(Edge::shareholding("q3", A, Decimal::new(5, 1))).unwrap();
    let (graph, _) = builder.freeze().unwrap();
    let inclusive = Ownership::new(&graph, OwnershipConfig::default());
    let found: Vec<String> =
        inclusive.beneficial_owners(A).unwrap().owners.into_iter().map(|o| o.person).collect();
    assert_eq!(found, ["q1", "q2", "q3"]);
    let strict = OwnershipConfig { threshold_inclusive: false, ..OwnershipConfig::default() };
    let strict = Ownership::new(&graph, strict);
    let found: Vec<String> =
        strict.beneficial_owners(A).unwrap().owners.into_iter().map(|o| o.person).collect();
    assert_eq!(found, ["q3"]);
}

#[test]
fn the_measuring_method_is_a_choice() {
    let with = |method| OwnershipConfig { method, ..OwnershipConfig::default() };
    let (graph, _) = load("worked_example");
    let simple = Ownership::new(&graph, with(OwnershipMethod::SimplePaths));
    let owners = simple.beneficial_owners(A).unwrap();
    // Only the direct chain is simple: the cycle's extra 0.038298 is not counted.
    assert_eq!(owners.owners[0].share.to_string(), "0.6");
    let (graph, _) = load("pyramid");
    let weakest = Ownership::new(&graph, with(OwnershipMethod::WeakestLink));
    let owners = weakest.beneficial_owners(C).unwrap();
    assert_eq!(
        (owners.basis, owners.owners[0].share.to_string()),
        (OwnerBasis::Ownership, "0.51".to_owned())
    );
    let simple = Ownership::new(&graph, with(OwnershipMethod::SimplePaths));
    let owners = simple.beneficial_owners(C).unwrap();
    assert_eq!(
        (owners.basis, owners.owners[0].share.to_string()),
        (OwnerBasis::Control, "0.132651".to_owned())
    );
}

#[test]
fn closed_ring_is_reported_not_inverted() {
    let (graph, _) = load("closed_ring");
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let rings = ownership.unresolvable();
    assert_eq!(rings.len(), 1);
    assert_eq!(rings[0].reason, UnresolvableReason::ClosedRing);
    assert_eq!(rings[0].members, vec![A.to_owned(), B.to_owned()]);
    assert!(ownership.controllers(A).unwrap().is_empty());
}

#[test]
fn generated_codes_are_valid() {
    for i in [0, 1, 7, 999_999, 12_345_678] {
        assert_eq!(Uscc::parse(&code(i)).unwrap().as_str(), code(i));
    }
}

#[test]
fn a_million_long_chain_builds_and_runs_scc_without_recursion() {
    const N: usize = 1_000_000;
    let codes: Vec<String> = (0..N).map(code).collect();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    for pair in codes.windows(2) {
        builder.add_edge(Edge::shareholding(&pair[0], &pair[1], Decimal::ONE)).unwrap();
    }
    let (graph, report) = builder.freeze().unwrap();
    assert_eq!(graph.node_count(), N);
    assert_eq!(report.implied_enterprises.len(), N);
    let forward = graph.shareholdings().edges().forward();
    let components = strongly_connected(forward);
    assert_eq!(components.count(), N);
    assert_eq!(components.nontrivial().count(), 0);
    let first = graph.index_of(&codes[0]).unwrap();
    let last = graph.index_of(&codes[N - 1]).unwrap();
    assert!(components.of(first) < components.of(last));
    assert_eq!(condensation(forward, &components).edge_count(), N - 1);
}

#[test]
fn large_cycles_and_deep_queries_hit_limits_not_the_stack() {
    const N: usize = 12_000;
    let codes: Vec<String> = (0..N).map(code).collect();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    for i in 0..N {
        let (from, to) = (&codes[i], &codes[(i + 1) % N]);
        builder.add_edge(Edge::shareholding(from, to, Decimal::new(5, 1))).unwrap();
    }
    let (graph, _) = builder.freeze().unwrap();
    let components = strongly_connected(graph.shareholdings().edges().forward());
    assert_eq!(components.count(), 1);
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    assert_eq!(ownership.unresolvable()[0].reason, UnresolvableReason::TooLarge);
    assert_eq!(ownership.of(&codes[5]).unwrap_err().kind(), "limit_exceeded");
}

/// Adversarial hubs, counted rather than timed: each query runs under an `max_ancestors` budget
/// (holders visited), so a query that did more work than the shape needs fails with
/// `limit_exceeded` instead of only slowing down. Small sizes; the count is the assertion.
#[test]
fn hub_shapes_cost_each_query_exactly_the_holders_it_has() {
    const N: usize = 10_000;
    let codes: Vec<String> = (0..N).map(code).collect();
    let budget = |max_ancestors| OwnershipConfig { max_ancestors, ..OwnershipConfig::default() };

    // One person holding 60% of N firms: every query visits one holder, however large N is.
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.add_node(Node::person("hub").unwrap()).unwrap();
    for firm in &codes {
        builder.add_edge(Edge::shareholding("hub", firm, Decimal::new(6, 1))).unwrap();
    }
    let (graph, _) = builder.freeze().unwrap();
    let ownership = Ownership::new(&graph, budget(1));
    for firm in &codes {
        let owners = ownership.beneficial_owners(firm).unwrap();
        assert_eq!(owners.owners.len(), 1, "{firm}");
        assert_eq!(ownership.controllers(firm).unwrap(), vec!["hub".to_owned()]);
    }

    // One firm held by N persons (0.01% each): the query visits exactly N holders, no more.
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    for i in 0..N {
        let person = format!("p{i}");
        builder.add_node(Node::person(&person).unwrap()).unwrap();
        builder.add_edge(Edge::shareholding(&person, &codes[0], Decimal::new(1, 4))).unwrap();
    }
    let (graph, _) = builder.freeze().unwrap();
    let owned = Ownership::new(&graph, budget(N)).of(&codes[0]).unwrap();
    assert_eq!(owned.owners.len(), N);
    let short = Ownership::new(&graph, budget(N - 1)).of(&codes[0]).unwrap_err();
    assert_eq!(short.kind(), "limit_exceeded");
}

/// Holdings `(holder, firm, basis points)` for a small random graph: `persons` persons keyed
/// `p0..`, `firms` firms with valid codes numbered from `code_base`, no self-holdings or repeated
/// pairs, each firm's holders summing to at most `cap_bp`. With `acyclic`, a holder is a person
/// or a firm listed before the firm it holds.
fn holdings(
    persons: usize,
    firms: usize,
    raw: &[(usize, usize, u32)],
    code_base: usize,
    cap_bp: u32,
    acyclic: bool,
) -> Vec<(String, String, u32)> {
    let key = |i: usize| if i < persons { format!("p{i}") } else { code(code_base + i - persons) };
    let mut taken = std::collections::HashMap::new();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &(holder, firm, bp) in raw {
        let (holder, firm) = (holder % (persons + firms), persons + firm % firms);
        let backwards = if acyclic { holder >= firm } else { holder == firm };
        if backwards || !seen.insert((holder, firm)) {
            continue;
        }
        let used = taken.entry(firm).or_insert(0u32);
        let bp = bp.min(cap_bp - *used);
        *used += bp;
        out.push((key(holder), key(firm), bp));
    }
    out
}

/// A small acyclic ownership graph with each firm's holders summing to at most 100%.
fn acyclic(
    persons: usize,
    firms: usize,
    raw: &[(usize, usize, u32)],
) -> Vec<(String, String, u32)> {
    holdings(persons, firms, raw, 1000, 10_000, true)
}

fn build_edges(persons: usize, edges: &[(String, String, u32)]) -> RelationGraph {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    for i in 0..persons {
        builder.add_node(Node::person(&format!("p{i}")).unwrap()).unwrap();
    }
    for (from, to, bp) in edges {
        builder.add_edge(Edge::shareholding(from, to, Decimal::new(i64::from(*bp), 4))).unwrap();
    }
    builder.freeze().unwrap().0
}

/// Σ_{k≥1} Wᵏ, which terminates on an acyclic graph after `n` terms.
fn power_series(graph: &RelationGraph) -> Vec<Vec<f64>> {
    let n = graph.node_count();
    let mut w = vec![vec![0.0; n]; n];
    let holdings = graph.shareholdings();
    for e in 0..holdings.edges().len() as u32 {
        let (from, to) = holdings.edges().endpoints(e).unwrap();
        w[from as usize][to as usize] = holdings.share(e).to_string().parse::<f64>().unwrap();
    }
    let mut total = w.clone();
    let mut power = w.clone();
    for _ in 1..n {
        power = (0..n)
            .map(|i| (0..n).map(|j| (0..n).map(|k| power[i][k] * w[k][j]).sum()).collect())
            .collect();
        for i in 0..n {
            for j in 0..n {
                total[i][j] += power[i][j];
            }
        }
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn integrated_ownership_is_the_power_series_and_ignores_edge_order(
        persons in 1usize..4,
        firms in 1usize..6,
        raw in proptest::collection::vec((0usize..9, 0usize..6, 0u32..7_000), 0..14),
        seed in any::<u64>(),
    ) {
        let edges = acyclic(persons, firms, &raw);
        let graph = build_edges(persons, &edges);
        let series = power_series(&graph);
        let analysis = Ownership::new(&graph, OwnershipConfig::default());
        let mut shuffled = edges.clone();
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let other_graph = build_edges(persons, &shuffled);
        let other = Ownership::new(&other_graph, OwnershipConfig::default());
        let simple_paths =
            OwnershipConfig { method: OwnershipMethod::SimplePaths, ..OwnershipConfig::default() };
        let simple = Ownership::new(&graph, simple_paths);
        for t in (0..graph.node_count() as u32).filter(|&v| !graph.is_person(v)) {
            let key = graph.key_str(t);
            let column = analysis.of(key).unwrap();
            let mut persons_total = 0.0;
            for v in 0..graph.node_count() as u32 {
                let raw = column.raw(graph.key_str(v)).unwrap_or(0.0);
                prop_assert!((raw - series[v as usize][t as usize]).abs() < 1e-9);
                if graph.is_person(v) {
                    persons_total += raw;
                }
            }
            prop_assert!(persons_total <= 1.0 + 1e-9);
            prop_assert_eq!(&column, &other.of(key).unwrap());
            // Without cycles every walk is a simple path: the product-and-sum method agrees.
            for owner in simple.beneficial_owners(key).unwrap().owners {
                let matrix = column.raw(&owner.person).unwrap_or(0.0);
                let simple_share: f64 = owner.share.to_string().parse().unwrap();
                prop_assert!((simple_share - matrix).abs() <= 0.5e-6 + 1e-12);
            }
            prop_assert_eq!(analysis.beneficial_owners(key).unwrap(), other.beneficial_owners(key).unwrap());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// With cycles allowed but every firm at most 90% held, the spectral radius is at most 0.9 and
    /// 400 terms of the series agree with the per-cycle inverse to far below 1e-9.
    #[test]
    fn integrated_ownership_with_cycles_is_the_converged_series(
        persons in 1usize..3,
        firms in 2usize..6,
        raw in proptest::collection::vec((0usize..8, 0usize..6, 0u32..6_000), 0..16),
    ) {
        let edges = holdings(persons, firms, &raw, 2000, 9_000, false);
        let graph = build_edges(persons, &edges);
        let n = graph.node_count();
        let mut w = vec![vec![0.0; n]; n];
        let holdings = graph.shareholdings();
        for e in 0..holdings.edges().len() as u32 {
            let (from, to) = holdings.edges().endpoints(e).unwrap();
            w[from as usize][to as usize] = holdings.share(e).to_string().parse::<f64>().unwrap();
        }
        let mut total = w.clone();
        let mut power = w.clone();
        for _ in 1..400 {
            power = (0..n)
                .map(|i| (0..n).map(|j| (0..n).map(|k| power[i][k] * w[k][j]).sum()).collect())
                .collect();
            for i in 0..n {
                for j in 0..n {
                    total[i][j] += power[i][j];
                }
            }
        }
        let analysis = Ownership::new(&graph, OwnershipConfig::default());
        prop_assert!(analysis.unresolvable().is_empty());
        for t in (0..n as u32).filter(|&v| !graph.is_person(v)) {
            let column = analysis.of(graph.key_str(t)).unwrap();
            let mut persons_total = 0.0;
            for v in 0..n as u32 {
                let raw = column.raw(graph.key_str(v)).unwrap_or(0.0);
                prop_assert!((raw - total[v as usize][t as usize]).abs() < 1e-9);
                if graph.is_person(v) {
                    persons_total += raw;
                }
            }
            prop_assert!(persons_total <= 1.0 + 1e-9);
        }
    }
}

/// Ultimate controllers by brute force: each controlled set recomputed globally until it stops
/// growing, then the nodes controlled by no one else.
fn brute_force_controllers(graph: &RelationGraph, t: u32) -> Vec<String> {
    let n = graph.node_count();
    let holdings = graph.shareholdings();
    let edges: Vec<(u32, u32, Decimal)> = (0..holdings.edges().len() as u32)
        .map(|e| {
            let (from, to) = holdings.edges().endpoints(e).unwrap();
            (from, to, holdings.votes(e))
        })
        .collect();
    let controlled: Vec<Vec<bool>> = (0..n as u32)
        .map(|x| {
            let mut set = vec![false; n];
            loop {
                let mut next = vec![false; n];
                for y in (0..n as u32).filter(|&y| y != x) {
                    let total: Decimal = edges
                        .iter()
                        .filter(|(from, to, _)| *to == y && (*from == x || set[*from as usize]))
                        .map(|e| e.2)
                        .sum();
                    next[y as usize] = total > Decimal::new(5, 1);
                }
                if next == set {
                    break set;
                }
                set = next;
            }
        })
        .collect();
    (0..n)
        .filter(|&x| controlled[x][t as usize])
        .filter(|&x| (0..n).all(|z| z == x || !controlled[z][x]))
        .map(|x| graph.key_str(x as u32).to_owned())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn majority_control_matches_a_brute_force_fixpoint(
        persons in 1usize..3,
        firms in 2usize..6,
        raw in proptest::collection::vec((0usize..8, 0usize..6, 0u32..8_000), 0..16),
    ) {
        let edges = holdings(persons, firms, &raw, 3000, 10_000, false);
        let graph = build_edges(persons, &edges);
        let analysis = Ownership::new(&graph, OwnershipConfig::default());
        for t in (0..graph.node_count() as u32).filter(|&v| !graph.is_person(v)) {
            let found = analysis.controllers(graph.key_str(t)).unwrap();
            prop_assert_eq!(found, brute_force_controllers(&graph, t));
        }
    }
}
