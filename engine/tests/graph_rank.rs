//! PageRank and core numbers against the values networkx gives on the same graph
//! (`fixtures/graph/rank/reference.json`, written by `make_reference.py` beside it), and on a
//! long chain that a recursive implementation could not walk.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use serde_json::Value;
use xinyong::graph::csr::Csr;
use xinyong::graph::kcore::core_numbers;
use xinyong::graph::pagerank::{PageRankConfig, page_rank};

fn reference() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/graph/rank/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn graph(doc: &Value) -> Csr {
    let n = doc["nodes"].as_u64().unwrap() as usize;
    let (from, to): (Vec<u32>, Vec<u32>) = doc["arcs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a[0].as_u64().unwrap() as u32, a[1].as_u64().unwrap() as u32))
        .unzip();
    Csr::try_from_edges(n, &from, &to).unwrap()
}

#[test]
fn page_rank_equals_networkx() {
    let doc = reference();
    let g = graph(&doc);
    let config = PageRankConfig { tolerance: 1e-13, ..PageRankConfig::default() };
    let rank = page_rank(&g, config).unwrap();
    assert!(rank.converged);
    let expected: Vec<f64> =
        doc["pagerank"].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect();
    assert_eq!(rank.scores.len(), expected.len());
    for (v, (a, b)) in rank.scores.iter().zip(&expected).enumerate() {
        assert!((a - b).abs() < 1e-9, "node {v}: {a} against networkx {b}");
    }
    // The isolated node 39 only gets the teleport term and its share of the dangling mass.
    assert!(rank.scores[39] > 0.0 && rank.scores[39] < 1.0 / 40.0);
}

#[test]
fn core_numbers_equal_networkx() {
    let doc = reference();
    let g = graph(&doc);
    let expected: Vec<u32> = doc["core_numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect();
    assert_eq!(core_numbers(&g, &g.transpose()).unwrap(), expected);
}

#[test]
fn a_long_chain_ranks_without_recursion_and_sums_to_one() {
    let n = 100_000u32;
    let from: Vec<u32> = (0..n - 1).collect();
    let to: Vec<u32> = (1..n).collect();
    let g = Csr::try_from_edges(n as usize, &from, &to).unwrap();
    let rank = page_rank(&g, PageRankConfig::default()).unwrap();
    assert!(rank.converged);
    assert!((rank.scores.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    // Scores grow along the chain: each node adds the teleport term to what flows in.
    assert!(rank.scores[1] > rank.scores[0] && rank.scores[50] > rank.scores[10]);
    assert!(core_numbers(&g, &g.transpose()).unwrap().iter().all(|&k| k == 1));
}
