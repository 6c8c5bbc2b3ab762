//! The bad-input catalogue (`fixtures/bad/catalogue.json`): every malformed or hostile input gets
//! the error kind the catalogue names, on the surface it names, and never a panic. The same
//! catalogue runs through the Python and Node bindings, so all surfaces agree on each kind.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xinyong::batch::LineLimits;
use xinyong::date::{Date, parse_date};
use xinyong::finance::{Catalog, Demand};
use xinyong::graph::ownership::{Ownership, OwnershipConfig};
use xinyong::graph::{BuildPolicy, GraphBuilder};
use xinyong::privacy::redact;
use xinyong::scorecard::Scorecard;
use xinyong::{Enterprise, Error, Evaluator, Model, Result, Uscc};

fn bad() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bad")
}

fn catalogue() -> Value {
    let text = std::fs::read_to_string(bad().join("catalogue.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The input bytes of a case: its file, or `head + repeat × times + tail` with `{i}` replaced
/// by the repetition index.
fn input(case: &Value) -> Vec<u8> {
    if let Some(file) = case["file"].as_str() {
        return std::fs::read(bad().join(file)).unwrap();
    }
    let spec = &case["generate"];
    let (head, repeat, tail) = (
        spec["head"].as_str().unwrap(),
        spec["repeat"].as_str().unwrap(),
        spec["tail"].as_str().unwrap(),
    );
    let times = usize::try_from(spec["times"].as_u64().unwrap()).unwrap();
    let mut out = Vec::with_capacity(head.len() + repeat.len() * times + tail.len());
    out.extend_from_slice(head.as_bytes());
    if repeat.contains("{i}") {
        for i in 0..times {
            out.extend_from_slice(repeat.replace("{i}", &i.to_string()).as_bytes());
        }
    } else {
        out.extend_from_slice(repeat.repeat(times).as_bytes());
    }
    out.extend_from_slice(tail.as_bytes());
    out
}

fn text(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8)
}

/// Runs one case; `Ok(())` when the surface accepts the input.
fn run(surface: &str, bytes: &[u8], as_of: Date, case: &Value) -> Result<()> {
    match surface {
        "enterprise" => {
            Evaluator::default_model().evaluate(&Enterprise::from_json(text(bytes)?)?, as_of)?;
        }
        "enterprise_jsonl" => return run_batch(bytes, as_of, case),
        "model" => Evaluator::new(Model::from_json(text(bytes)?)?).map(drop)?,
        "uscc" => {
            let first = text(bytes)?.lines().next().unwrap_or("");
            Uscc::parse(first).map_err(Error::InvalidUscc)?;
        }
        "graph_jsonl" | "graph_csv" => {
            let mut builder = GraphBuilder::new(BuildPolicy::default());
            if surface == "graph_jsonl" {
                builder.read_jsonl(text(bytes)?)?;
            } else {
                builder.read_csv_edges(text(bytes)?)?;
            }
            let (graph, _) = builder.freeze()?;
            let ownership = Ownership::new(&graph, OwnershipConfig::default());
            for v in (0..graph.node_count() as u32).filter(|&v| !graph.is_person(v)) {
                ownership.of(graph.key_str(v))?;
                ownership.beneficial_owners(graph.key_str(v))?;
            }
        }
        "catalog" => Catalog::from_json(text(bytes)?, &Model::default_model()).map(drop)?,
        "demand" => Demand::from_json(text(bytes)?).map(drop)?,
        "pmml" => Scorecard::from_pmml(text(bytes)?).map(drop)?,
        other => panic!("unknown surface {other}"),
    }
    Ok(())
}

/// A batch never stops at a bad line: the count out equals the count in, the listed entry
/// carries the error, and every other entry evaluates.
fn run_batch(bytes: &[u8], as_of: Date, case: &Value) -> Result<()> {
    let name = case["name"].as_str().unwrap();
    let evaluator = Evaluator::default_model();
    let mut items = Vec::new();
    let summary = evaluator.evaluate_jsonl(bytes, as_of, LineLimits::default(), |item| {
        items.push(item);
        Ok(())
    })?;
    let count = usize::try_from(case["count"].as_u64().unwrap()).unwrap();
    let index = usize::try_from(case["index"].as_u64().unwrap()).unwrap();
    assert_eq!(items.len(), count, "{name}: count out equals count in");
    assert_eq!(summary.records, count, "{name}: summary count");
    assert_eq!(summary.failed, 1, "{name}: exactly one entry fails");
    for item in &items {
        if item.index != index {
            assert!(item.result.is_ok(), "{name}: entry {} should evaluate", item.index);
        }
    }
    items.into_iter().find(|item| item.index == index).unwrap().result.map(drop)
}

#[test]
fn every_bad_input_gets_its_error_kind() {
    let doc = catalogue();
    let as_of_default = doc["as_of"].as_str().unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 60, "the catalogue holds at least 60 inputs");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let surface = case["surface"].as_str().unwrap();
        let as_of = parse_date(case["as_of"].as_str().unwrap_or(as_of_default)).unwrap();
        let bytes = input(case);
        let want = case["kind"].as_str();
        let got = run(surface, &bytes, as_of, case).err();
        let got_kind = got.as_ref().map(Error::kind);
        if got_kind != want {
            failures.push(format!("{surface}/{name}: want {want:?}, got {got:?}"));
        }
        if let Some(error) = &got {
            assert!(!error.to_string().is_empty(), "{name}: the error says what is wrong");
            // No resident ID number leaves the engine in an error, however it was quoted.
            for shown in [error.to_string(), serde_json::to_string(error).unwrap()] {
                assert_eq!(redact(&shown), shown, "{name}: an ID number in the error");
            }
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_catalogue_covers_every_surface_and_names_unique_cases() {
    let doc = catalogue();
    let mut per_surface: BTreeMap<String, usize> = BTreeMap::new();
    let mut names = std::collections::BTreeSet::new();
    for case in doc["cases"].as_array().unwrap() {
        let key =
            format!("{}/{}", case["surface"].as_str().unwrap(), case["name"].as_str().unwrap());
        assert!(names.insert(key.clone()), "{key} appears twice");
        assert!(case["why"].as_str().is_some_and(|w| !w.is_empty()), "{key} says why");
        *per_surface.entry(case["surface"].as_str().unwrap().to_owned()).or_default() += 1;
    }
    for surface in [
        "enterprise",
        "enterprise_jsonl",
        "model",
        "uscc",
        "graph_jsonl",
        "graph_csv",
        "catalog",
        "demand",
        "pmml",
    ] {
        assert!(per_surface.get(surface).copied().unwrap_or(0) > 0, "no case for {surface}");
    }
}

#[test]
fn every_file_in_the_catalogue_folder_is_a_case() {
    let doc = catalogue();
    let listed: std::collections::BTreeSet<String> = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["file"].as_str().map(str::to_owned))
        .collect();
    for dir in std::fs::read_dir(bad()).unwrap() {
        let dir = dir.unwrap();
        if !dir.file_type().unwrap().is_dir() {
            continue;
        }
        let surface = dir.file_name().into_string().unwrap();
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let name = file.unwrap().file_name().into_string().unwrap();
            let rel = format!("{surface}/{name}");
            assert!(listed.contains(&rel), "{rel} is not in catalogue.json");
        }
    }
}
