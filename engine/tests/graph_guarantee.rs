//! Guarantee circles and DebtRank: hand-computed cases, the circle-of-five golden case,
//! determinism under shuffled input, and property tests of cycles and circles.
//!
//! Regenerate the golden file with `XINYONG_BLESS=1 cargo test -p xinyong --test
//! graph_guarantee`; the hand-computed values asserted below must still hold.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use xinyong::Uscc;
use xinyong::date::Date;
use xinyong::graph::contagion::{ContagionConfig, WeightBasis, debt_rank};
use xinyong::graph::guarantee::{GuaranteeAnalysis, GuaranteeConfig, analyse};
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};

/// Firm `i` (1-based); codes sort in the order of `i`.
fn f(i: u32) -> String {
    Uscc::complete(&format!("91320500MA00{i:04}")).unwrap().as_str().to_owned()
}

fn as_of() -> Date {
    Date::from_ymd_opt(2025, 6, 30).unwrap()
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

/// A guarantee line: guarantor `g`, borrower `b`, amount, start, optional end and status.
fn g(from: u32, to: u32, amount: u32, start: &str, end: Option<&str>, status: &str) -> String {
    let end = end.map(|e| format!(r#", "end": "{e}""#)).unwrap_or_default();
    format!(
        r#"{{"edge": {{"kind": "guarantee", "from": "{}", "to": "{}", "amount": "{amount}", "start": "{start}"{end}, "status": "{status}"}}}}"#,
        f(from),
        f(to)
    )
}

fn active(from: u32, to: u32, amount: u32) -> String {
    g(from, to, amount, "2024-01-01", None, "active")
}

fn build(lines: &[String]) -> RelationGraph {
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&lines.join("\n")).unwrap();
    builder.freeze().unwrap().0
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/graph")
}

fn keys(idx: &[u32]) -> Vec<String> {
    idx.iter().map(|&i| f(i)).collect()
}

/// Net assets of the circle-of-five case (also used by the golden test).
fn five_net_assets() -> BTreeMap<String, Decimal> {
    BTreeMap::from([(f(1), d("700")), (f(2), d("450")), (f(6), d("-10"))])
}

#[test]
fn mutual_pair_is_a_circle_of_two() {
    let graph = build(&[active(1, 2, 100), active(2, 1, 60)]);
    let a = analyse(&graph, &BTreeMap::new(), GuaranteeConfig::new(as_of())).unwrap();
    assert_eq!(a.circles.len(), 1);
    let c = &a.circles[0];
    assert_eq!((c.id, c.size), (1, 2));
    assert_eq!(c.members, keys(&[1, 2]));
    assert_eq!(c.mutual_pairs, vec![[f(1), f(2)]]);
    assert_eq!(c.cycles, vec![keys(&[1, 2])]);
    assert!(!c.cycles_truncated && c.chains.is_empty());
    assert_eq!(c.pairs.len(), 2);
    assert_eq!(a.firms[0].circle, Some(1));
    assert_eq!(a.firms[0].circle_size, 2);
    assert_eq!((a.firms[0].given, a.firms[0].given_amount), (1, d("100")));
    assert_eq!((a.firms[0].received, a.firms[0].received_amount), (1, d("60")));
    assert_eq!(a.firms[0].exposure_ratio, None);
}

/// The circle of five: 1→2→3→4→5→1, chords 2→1 (mutual pair) and 4→2 (cycle 2→3→4→2); two
/// contracts 3→4 (100 + 20); a chain 7→6→1 hanging off it; 1 also guarantees 8 (downstream,
/// not a chain). Released 3→5, expired 5→3 and not yet started 8→1 would add cycles and pull
/// 8 into the circle if they counted.
fn five_lines() -> Vec<String> {
    vec![
        active(1, 2, 100),
        active(2, 3, 100),
        active(3, 4, 100),
        active(3, 4, 20),
        active(4, 5, 100),
        active(5, 1, 100),
        active(2, 1, 50),
        active(4, 2, 80),
        g(6, 1, 200, "2025-06-30", None, "active"),
        g(7, 6, 30, "2024-01-01", Some("2025-06-30"), "active"),
        active(1, 8, 40),
        g(3, 5, 70, "2024-01-01", None, "released"),
        g(5, 3, 70, "2024-01-01", Some("2025-06-29"), "active"),
        g(8, 1, 70, "2025-07-01", None, "active"),
    ]
}

fn five() -> GuaranteeAnalysis {
    analyse(&build(&five_lines()), &five_net_assets(), GuaranteeConfig::new(as_of())).unwrap()
}

#[test]
fn circle_of_five_with_a_chain() {
    let a = five();
    assert_eq!((a.active_guarantees, a.inactive_guarantees), (11, 3));
    assert_eq!(a.circles.len(), 1);
    let c = &a.circles[0];
    assert_eq!(c.members, keys(&[1, 2, 3, 4, 5]));
    assert_eq!(c.mutual_pairs, vec![[f(1), f(2)]]);
    // Simple cycles: [1,2], [2,3,4], [1,2,3,4,5]; the last is longer than the default cap 4.
    assert_eq!(c.cycles, vec![keys(&[1, 2]), keys(&[2, 3, 4])]);
    assert!(!c.cycles_truncated);
    assert_eq!(c.pairs.len(), 7);
    let p34 = c.pairs.iter().find(|p| p.guarantor == f(3)).unwrap();
    assert_eq!((p34.contracts, p34.amount), (2, d("120")));
    let chains: Vec<(String, u32)> = c.chains.iter().map(|x| (x.firm.clone(), x.hops)).collect();
    assert_eq!(chains, vec![(f(6), 1), (f(7), 2)]);
    let firm = |i: u32| a.firms.iter().find(|x| x.firm == f(i)).unwrap();
    // 1 gives 1→2 (100) and 1→8 (40); receives 2→1, 5→1, 6→1 (50 + 100 + 200).
    assert_eq!((firm(1).given, firm(1).given_amount), (2, d("140")));
    assert_eq!((firm(1).received, firm(1).received_amount), (3, d("350")));
    assert_eq!(firm(1).exposure_ratio, Some(d("0.2"))); // 140 / 700
    assert_eq!(firm(2).exposure_ratio, Some(d("0.333333"))); // 150 / 450
    assert_eq!(firm(6).exposure_ratio, None); // negative net assets
    assert_eq!((firm(3).given, firm(3).given_amount), (2, d("120")));
    assert_eq!((firm(8).circle, firm(8).circle_size), (None, 0));
    assert_eq!(firm(5).circle, Some(1));
    assert_eq!(a.firms.len(), 8);
}

#[test]
fn cycle_length_and_count_caps() {
    let graph = build(&five_lines());
    let mut config = GuaranteeConfig::new(as_of());
    config.max_cycle_length = 5;
    let c = &analyse(&graph, &BTreeMap::new(), config).unwrap().circles[0];
    assert_eq!(c.cycles, vec![keys(&[1, 2]), keys(&[2, 3, 4]), keys(&[1, 2, 3, 4, 5])]);
    assert!(!c.cycles_truncated);
    config.max_cycles = 1;
    let c = &analyse(&graph, &BTreeMap::new(), config).unwrap().circles[0];
    assert_eq!(c.cycles.len(), 1);
    assert!(c.cycles_truncated);
    config.max_cycle_length = 1;
    assert_eq!(analyse(&graph, &BTreeMap::new(), config).unwrap_err().kind(), "invalid_field");
}

/// Every pair of 10 firms guarantees each other: Σ C(10, k)·(k − 1)! for k = 2 … 10 =
/// 1,112,073 simple cycles, far too many to list. The step budget stops the search early and
/// says so; the circle itself is still exact.
#[test]
fn step_budget_bounds_a_dense_circle() {
    let lines: Vec<String> = (1..=10)
        .flat_map(|a| (1..=10).filter(move |&b| b != a).map(move |b| active(a, b, 1)))
        .collect();
    let graph = build(&lines);
    let mut config = GuaranteeConfig::new(as_of());
    config.max_cycle_length = 10;
    config.max_cycles = usize::MAX;
    config.max_cycle_steps = 5_000;
    let a = analyse(&graph, &BTreeMap::new(), config).unwrap();
    let c = &a.circles[0];
    assert_eq!((c.size, c.pairs.len(), c.mutual_pairs.len()), (10, 90, 45));
    assert!(c.cycles_truncated);
    assert!(!c.cycles.is_empty() && c.cycles.len() < 5_000);
}

#[test]
fn released_and_expired_guarantees_are_ignored() {
    let graph = build(&[
        g(1, 2, 100, "2024-01-01", None, "active"),
        g(2, 1, 100, "2024-01-01", None, "released"),
        g(2, 1, 100, "2023-01-01", Some("2025-06-29"), "active"),
        g(2, 1, 100, "2025-07-01", None, "active"),
    ]);
    let a = analyse(&graph, &BTreeMap::new(), GuaranteeConfig::new(as_of())).unwrap();
    assert!(a.circles.is_empty());
    assert_eq!((a.active_guarantees, a.inactive_guarantees), (1, 3));
    assert_eq!(a.firms[1].received, 1);
    assert_eq!(a.firms[1].given, 0);
    // A year earlier the expired contract was in force: a mutual pair.
    let earlier = GuaranteeConfig::new(Date::from_ymd_opt(2024, 6, 30).unwrap());
    assert_eq!(analyse(&graph, &BTreeMap::new(), earlier).unwrap().circles.len(), 1);
}

#[test]
fn unknown_net_assets_key_is_an_error() {
    let graph = build(&[active(1, 2, 100)]);
    let assets = BTreeMap::from([(f(9), d("1"))]);
    let e = analyse(&graph, &assets, GuaranteeConfig::new(as_of())).unwrap_err();
    assert_eq!(e.path(), Some(format!("net_assets.{}", f(9)).as_str()));
}

fn holding(from: &str, to: u32, share: &str) -> String {
    format!(
        r#"{{"edge": {{"kind": "shareholding", "from": "{from}", "to": "{}", "share": "{share}"}}}}"#,
        f(to)
    )
}

/// 1 holds 30% of 2 and guarantees it; 4 holds 25% of 3, which guarantees 4; p holds 25% of 5
/// and 20% of 6, and 5 guarantees 6; 7 holds 50% of 9, which holds 40% of 8, so 7 owns
/// 0.5 · 0.4 = 20% of 8 (inclusive) and guarantees it; 10 guarantees 11 with no ties.
#[test]
fn close_links_from_integrated_ownership() {
    let graph = build(&[
        r#"{"node": {"person": "p"}}"#.to_owned(),
        holding(&f(1), 2, "0.3"),
        active(1, 2, 10),
        holding(&f(4), 3, "0.25"),
        active(3, 4, 10),
        holding("p", 5, "0.25"),
        holding("p", 6, "0.2"),
        active(5, 6, 10),
        holding(&f(7), 9, "0.5"),
        holding(&f(9), 8, "0.4"),
        active(7, 8, 10),
        active(10, 11, 10),
    ]);
    let a = analyse(&graph, &BTreeMap::new(), GuaranteeConfig::new(as_of())).unwrap();
    let got: Vec<Value> = a
        .close_links
        .iter()
        .map(|l| json!([l.guarantor, l.borrower, l.basis, l.via, l.share.to_string()]))
        .collect();
    assert_eq!(
        got,
        vec![
            json!([f(1), f(2), "guarantor_owns_borrower", null, "0.3"]),
            json!([f(3), f(4), "borrower_owns_guarantor", null, "0.25"]),
            json!([f(5), f(6), "common_holder", "p", "0.2"]),
            json!([f(7), f(8), "guarantor_owns_borrower", null, "0.2"]),
        ]
    );
    let flagged: Vec<bool> = a.firms.iter().map(|x| x.close_linked).collect();
    assert_eq!(flagged, [true, true, true, true, true, true, true, true, false, false]);
    let mut config = GuaranteeConfig::new(as_of());
    config.close_links = false;
    assert!(analyse(&graph, &BTreeMap::new(), config).unwrap().close_links.is_empty());
}

/// Three firms: B (1) borrows; G1 (2) guarantees B for 50; G2 (3) guarantees B for 30 and G1
/// for 30. Equity: B 100, G1 100, G2 60. Impacts (LGD 1): W(B→G1) = 50/100 = 0.5,
/// W(B→G2) = 30/60 = 0.5, W(G1→G2) = 30/60 = 0.5.
/// t=1: h = (1, 0, 0), B distressed.
/// t=2: G1 = 0.5·1 = 0.5, G2 = 0.5·1 = 0.5; B inactive, G1 and G2 distressed.
/// t=3: G2 = 0.5 + W(G1→G2)·h_G1 = 0.5 + 0.5·0.5 = 0.75; G1 and G2 inactive. Nothing left.
/// Weights v = equity / 260: R = (0.5·100 + 0.75·60) / 260 = 95/260 = 0.365385; 2 rounds.
fn three_lines() -> Vec<String> {
    vec![active(2, 1, 50), active(3, 1, 30), active(3, 2, 30)]
}

fn three_equity() -> BTreeMap<String, Decimal> {
    BTreeMap::from([(f(1), d("100")), (f(2), d("100")), (f(3), d("60"))])
}

#[test]
fn debt_rank_three_firms_by_hand() {
    let graph = build(&three_lines());
    let seed = f(1);
    let r = debt_rank(&graph, &three_equity(), &[seed.as_str()], ContagionConfig::new(as_of()))
        .unwrap();
    let got: Vec<(String, String, bool, u32)> =
        r.firms.iter().map(|x| (x.firm.clone(), x.distress.to_string(), x.seed, x.round)).collect();
    assert_eq!(
        got,
        vec![
            (f(1), "1".to_owned(), true, 1),
            (f(2), "0.5".to_owned(), false, 2),
            (f(3), "0.75".to_owned(), false, 2),
        ]
    );
    assert_eq!(r.total_impact, d("0.365385"));
    assert_eq!((r.rounds, r.weights, r.network_size), (2, WeightBasis::Equity, 3));
    assert!(r.without_equity.is_empty());

    // LGD 0.4: W = 0.2 everywhere; G1 = 0.2, G2 = 0.2 + 0.2·0.2 = 0.24;
    // R = (0.2·100 + 0.24·60) / 260 = 34.4/260 = 0.132308.
    let mut config = ContagionConfig::new(as_of());
    config.lgd = d("0.4");
    let r = debt_rank(&graph, &three_equity(), &[seed.as_str()], config).unwrap();
    assert_eq!(r.total_impact, d("0.132308"));
}

#[test]
fn guarantors_without_equity_are_skipped_and_reported() {
    let graph = build(&three_lines());
    let equity = BTreeMap::from([(f(1), d("100")), (f(2), d("100"))]);
    let seed = f(1);
    let r = debt_rank(&graph, &equity, &[seed.as_str()], ContagionConfig::new(as_of())).unwrap();
    // G2 gets nothing; G1 = 0.5; uniform weights 1/3: R = 0.5/3 = 0.166667.
    assert_eq!(r.without_equity, vec![f(3)]);
    assert_eq!(r.weights, WeightBasis::Uniform);
    assert_eq!(r.firms.len(), 2);
    assert_eq!(r.total_impact, d("0.166667"));
    let e = debt_rank(&graph, &equity, &["nobody"], ContagionConfig::new(as_of())).unwrap_err();
    assert_eq!(e.path(), Some("seeds[0]"));
    let mut config = ContagionConfig::new(as_of());
    config.lgd = d("1.5");
    assert_eq!(debt_rank(&graph, &equity, &[], config).unwrap_err().path(), Some("lgd"));
}

/// A mutual pair with full impacts (100 guaranteed, equity 100, so W = 1 both ways), seed 1:
/// step 1 gives 2 = 1 and retires 1; step 2 passes 2's distress back to 1, which is inactive
/// and already at 1 (capped), and retires 2. R = (1 + 1)/2 − 1/2 = 0.5: the loss is counted
/// once, not around the circle forever.
#[test]
fn debt_rank_stops_in_a_circle() {
    let graph = build(&[active(1, 2, 100), active(2, 1, 100)]);
    let equity = BTreeMap::from([(f(1), d("100")), (f(2), d("100"))]);
    let seed = f(1);
    let r = debt_rank(&graph, &equity, &[seed.as_str()], ContagionConfig::new(as_of())).unwrap();
    assert_eq!((r.rounds, r.total_impact), (2, d("0.5")));
    assert!(r.firms.iter().all(|x| x.distress == Decimal::ONE));
}

/// A chain of 2,000 guarantors, each guaranteeing the next with W = 1: distress travels the
/// whole chain, one firm per step, without recursion and without touching the whole network
/// at every step.
#[test]
fn debt_rank_runs_down_a_long_chain() {
    let n = 2_000u32;
    let lines: Vec<String> = (1..n).map(|i| active(i + 1, i, 10)).collect();
    let graph = build(&lines);
    let equity: BTreeMap<String, Decimal> = (1..=n).map(|i| (f(i), d("10"))).collect();
    let seed = f(1);
    let r = debt_rank(&graph, &equity, &[seed.as_str()], ContagionConfig::new(as_of())).unwrap();
    assert_eq!(r.rounds, n);
    assert_eq!(r.firms.len(), n as usize);
    assert_eq!(r.total_impact, d("0.9995")); // (n − 1) / n
    let a = analyse(&graph, &BTreeMap::new(), GuaranteeConfig::new(as_of())).unwrap();
    assert!(a.circles.is_empty());
}

#[test]
fn shuffled_input_gives_identical_output() {
    let lines = five_lines();
    let mut shuffled = lines.clone();
    shuffled.reverse();
    shuffled.rotate_left(5);
    let seed = f(3);
    let run = |lines: &[String]| {
        let graph = build(lines);
        let a = analyse(&graph, &five_net_assets(), GuaranteeConfig::new(as_of())).unwrap();
        let equity = BTreeMap::from([(f(1), d("700")), (f(2), d("450")), (f(6), d("90"))]);
        let r =
            debt_rank(&graph, &equity, &[seed.as_str()], ContagionConfig::new(as_of())).unwrap();
        serde_json::to_string(&json!({ "a": a, "r": r })).unwrap()
    };
    assert_eq!(run(&lines), run(&shuffled));
}

#[test]
fn golden_circle_of_five() {
    let text = std::fs::read_to_string(fixtures().join("circle_of_five.jsonl")).unwrap();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&text).unwrap();
    let (graph, _) = builder.freeze().unwrap();
    let actual = serde_json::to_value(
        analyse(&graph, &five_net_assets(), GuaranteeConfig::new(as_of())).unwrap(),
    )
    .unwrap();
    let path = fixtures().join("circle_of_five.expected.json");
    if std::env::var_os("XINYONG_BLESS").is_some() {
        std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
    }
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(actual, expected);
    // The fixture is the same graph as `five_lines`.
    assert_eq!(actual, serde_json::to_value(five()).unwrap());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn cycles_are_real_and_circles_partition(
        edges in prop::collection::vec((1u32..9, 1u32..9, prop::bool::ANY), 0..24),
        cap in 2usize..6,
    ) {
        let lines: Vec<String> = edges
            .iter()
            .map(|&(a, b, on)| g(a, b, 10, "2024-01-01", None, if on { "active" } else { "released" }))
            .collect();
        let graph = build(&lines);
        let mut config = GuaranteeConfig::new(as_of());
        config.max_cycle_length = cap;
        config.max_cycles = 100_000;
        let a = analyse(&graph, &BTreeMap::new(), config).unwrap();
        let live: BTreeSet<(String, String)> =
            edges.iter().filter(|e| e.2).map(|&(x, y, _)| (f(x), f(y))).collect();
        let mut seen = BTreeSet::new();
        for c in &a.circles {
            prop_assert!(c.size >= 2 && c.size == c.members.len());
            for m in &c.members {
                prop_assert!(seen.insert(m.clone()), "{} in two circles", m);
            }
            for cycle in &c.cycles {
                prop_assert!(cycle.len() >= 2 && cycle.len() <= cap);
                let distinct: BTreeSet<&String> = cycle.iter().collect();
                prop_assert_eq!(distinct.len(), cycle.len());
                prop_assert!(cycle.iter().all(|x| c.members.contains(x)));
                prop_assert!(cycle.iter().all(|x| x >= &cycle[0]));
                for (i, x) in cycle.iter().enumerate() {
                    let y = &cycle[(i + 1) % cycle.len()];
                    prop_assert!(live.contains(&(x.clone(), y.clone())));
                }
            }
        }
        for firm in &a.firms {
            let inside = a.circles.iter().find(|c| c.members.contains(&firm.firm));
            prop_assert_eq!(firm.circle, inside.map(|c| c.id));
        }
        // Every simple cycle within the cap is listed (no truncation at this size): count the
        // node sequences that start at their smallest node and follow live edges.
        let expected = brute_force_cycles(&live, cap);
        let listed: usize = a.circles.iter().map(|c| c.cycles.len()).sum();
        prop_assert!(a.circles.iter().all(|c| !c.cycles_truncated));
        prop_assert_eq!(listed, expected);
    }
}

/// Simple cycles of 2 to `cap` nodes over `live` (self-loops excluded), each counted once.
fn brute_force_cycles(live: &BTreeSet<(String, String)>, cap: usize) -> usize {
    let nodes: Vec<String> = live
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut count = 0;
    let mut paths: Vec<Vec<usize>> = (0..nodes.len()).map(|i| vec![i]).collect();
    while let Some(path) = paths.pop() {
        let (first, last) = (path[0], path[path.len() - 1]);
        if path.len() >= 2 && live.contains(&(nodes[last].clone(), nodes[first].clone())) {
            count += 1;
        }
        if path.len() < cap {
            for next in first + 1..nodes.len() {
                if !path.contains(&next)
                    && live.contains(&(nodes[last].clone(), nodes[next].clone()))
                {
                    let mut longer = path.clone();
                    longer.push(next);
                    paths.push(longer);
                }
            }
        }
    }
    count
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn debt_rank_is_bounded_and_order_free(
        edges in prop::collection::vec((1u32..8, 1u32..8, 1u32..200), 1..20),
        equity in prop::collection::vec(prop::option::of(1u32..300), 7),
        seed in 1u32..8,
    ) {
        let lines: Vec<String> = edges.iter().map(|&(a, b, x)| active(a, b, x)).collect();
        let graph = build(&lines);
        let equity: BTreeMap<String, Decimal> = equity
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.map(|e| (f(i as u32 + 1), Decimal::from(e))))
            .filter(|(k, _)| graph.index_of(k).is_some())
            .collect();
        let seed = f(seed);
        let seeds: Vec<&str> =
            if graph.index_of(&seed).is_some() { vec![seed.as_str()] } else { Vec::new() };
        let config = ContagionConfig::new(as_of());
        let r = debt_rank(&graph, &equity, &seeds, config).unwrap();
        prop_assert!(r.firms.iter().all(|x| x.distress > Decimal::ZERO && x.distress <= Decimal::ONE));
        prop_assert!(r.total_impact >= Decimal::ZERO && r.total_impact <= Decimal::ONE);
        prop_assert!(r.rounds as usize <= r.network_size);
        let mut reversed = lines.clone();
        reversed.reverse();
        let again = debt_rank(&build(&reversed), &equity, &seeds, config).unwrap();
        prop_assert_eq!(r, again);
    }
}
