//! The invariants every fuzz target checks, shared by the fuzz targets (`fuzz/fuzz_targets/`,
//! which include this file) and by `tests/fuzz_replay.rs`, which replays the committed corpus
//! and every crash ever found under `cargo test`.
//!
//! Each check takes arbitrary bytes and must return normally: no panic, and every error a typed
//! [`xinyong::Error`] whose kind is one of [`xinyong::Error::KINDS`]. Where the format has a
//! serializer, what parses must re-parse from its own serialization to the same value.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use xinyong::date::parse_date;
use xinyong::finance::{Catalog, Demand};
use xinyong::graph::ownership::{Ownership, OwnershipConfig};
use xinyong::graph::{BuildPolicy, GraphBuilder, GraphLimits};
use xinyong::scorecard::Scorecard;
use xinyong::{Decimal, Enterprise, Error, Evaluator, Model, Uscc};

/// The fuzz targets, by name (each is a file `fuzz/fuzz_targets/<name>.rs` and a folder of
/// `fuzz/corpus/<name>/` and `fuzz/regressions/<name>/`).
pub const TARGETS: [&str; 9] = [
    "record_json",
    "model_json",
    "uscc",
    "graph_jsonl",
    "graph_csv",
    "catalog",
    "demand",
    "pmml",
    "card_table",
];

/// Runs the check of `target` on `data`.
pub fn check(target: &str, data: &[u8]) {
    match target {
        "record_json" => record_json(data),
        "model_json" => model_json(data),
        "uscc" => uscc(data),
        "graph_jsonl" => graph(data, false),
        "graph_csv" => graph(data, true),
        "catalog" => catalog(data),
        "demand" => demand(data),
        "pmml" => pmml(data),
        "card_table" => card_table(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

fn typed<T>(result: xinyong::Result<T>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            assert!(Error::KINDS.contains(&error.kind()), "untyped error {error:?}");
            assert!(!error.to_string().is_empty());
            None
        }
    }
}

fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// An enterprise document: read, then evaluated on a fixed date with the default model.
pub fn record_json(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Some(firm) = typed(Enterprise::from_json(text)) else { return };
    let as_of = parse_date("2026-06-30").unwrap();
    if let Some(evaluation) = typed(Evaluator::default_model().evaluate(&firm, as_of)) {
        // The output is JSON that parses back.
        let json = evaluation.to_json();
        assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "{json}");
    }
}

/// A model document: read and validated; a valid one round-trips through its JSON.
pub fn model_json(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Some(model) = typed(Model::from_json(text)) else { return };
    let again = Model::from_json(&model.to_json_pretty()).expect("a model re-reads its own JSON");
    assert_eq!(again, model, "model JSON round trip");
    typed(Evaluator::new(model));
}

/// A USCC: strict and lenient parses agree, and a parsed code re-parses to itself.
pub fn uscc(data: &[u8]) {
    let Some(text) = text(data) else { return };
    match Uscc::parse(text) {
        Ok(code) => {
            assert_eq!(Uscc::parse(code.as_str()).as_ref(), Ok(&code), "normalised form re-parses");
            assert_eq!(code.as_str().len(), 18);
            assert!(Uscc::parse_lenient(text).is_ok(), "lenient accepts what strict accepts");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
}

/// A graph as JSON Lines or CSV edges: built under small limits, then every firm's ownership.
pub fn graph(data: &[u8], csv: bool) {
    let Some(text) = text(data) else { return };
    let limits = GraphLimits { max_nodes: 10_000, max_edges: 10_000 };
    let mut builder = GraphBuilder::new(BuildPolicy::default()).with_limits(limits);
    let read = if csv { builder.read_csv_edges(text) } else { builder.read_jsonl(text) };
    if typed(read).is_none() {
        return;
    }
    let Some((graph, _)) = typed(builder.freeze()) else { return };
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    for v in (0..graph.node_count() as u32).filter(|&v| !graph.is_person(v)) {
        if let Some(firm) = typed(ownership.of(graph.key_str(v))) {
            // Holders of each firm sum to at most 1 (oversubscription is rejected by default),
            // so no integrated share leaves [0, 1].
            for owner in &firm.owners {
                let share = owner.integrated;
                assert!(share >= Decimal::ZERO && share <= Decimal::ONE, "{owner:?}");
            }
        }
        typed(ownership.beneficial_owners(graph.key_str(v)));
    }
}

/// A product catalog for the default model.
pub fn catalog(data: &[u8]) {
    let Some(text) = text(data) else { return };
    typed(Catalog::from_json(text, &Model::default_model()));
}

/// One demand document.
pub fn demand(data: &[u8]) {
    let Some(text) = text(data) else { return };
    typed(Demand::from_json(text));
}

/// A PMML document: an imported card exports to PMML that re-imports to the same card.
/// A card table of any library, as CSV or JSON: typed errors only, and a card that reads
/// re-imports its own PMML equal (when its text can be XML at all: control characters cannot).
pub fn card_table(data: &[u8]) {
    use xinyong::scorecard::{CardLibrary, TableFormat};
    let Some(text) = text(data) else { return };
    let xml_safe = !text.chars().any(|c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    });
    for format in [TableFormat::Csv, TableFormat::Json] {
        for (library, _) in CardLibrary::NAMES {
            let Some(card) = typed(Scorecard::from_card_table(text, format, library)) else {
                continue;
            };
            if xml_safe {
                let again = Scorecard::from_pmml(&card.to_pmml()).expect("a card re-imports");
                assert_eq!(again, card, "PMML round trip of a card table");
            }
        }
    }
}

pub fn pmml(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Some(card) = typed(Scorecard::from_pmml(text)) else { return };
    let again = Scorecard::from_pmml(&card.to_pmml()).expect("a card re-imports its own PMML");
    assert_eq!(again, card, "PMML round trip");
}
