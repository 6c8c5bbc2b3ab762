//! The synthetic-data fixtures of `fixtures/synth/` (recipe: `fixtures/synth/README.md`): the
//! library's generators, serialised as `xinyong synth` writes them, give the files byte for byte.
//! The Python and Node suites check the bindings against the same files.
//!
//! Regenerate them with `XINYONG_BLESS=1 cargo test -p xinyong --test synth_fixture` (or the
//! command lines of the README, which give the same bytes); review the diff.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use xinyong::Model;
use xinyong::date::parse_date;
use xinyong::finance::{Catalog, Demand};
use xinyong::record::Enterprise;
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands, registry};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/synth")
}

/// `xinyong synth --enterprises 5 --seed 7 --mean-records 3` (and `synth demands` with the same
/// flags): the default `--as-of`, 2026-06-30.
fn registry_config() -> SynthConfig {
    let mut config = SynthConfig::new(5, 7, parse_date("2026-06-30").unwrap());
    config.mean_records = 3;
    config
}

/// One document a line, each followed by a newline, as the command line writes them.
fn jsonl(lines: impl Iterator<Item = String>) -> String {
    lines.map(|line| line + "\n").collect()
}

fn registry_text() -> String {
    jsonl(registry(&registry_config()).map(|e| e.to_json()))
}

fn demands_text() -> String {
    jsonl(demands(&registry_config()).map(|d| d.to_json()))
}

/// `xinyong synth catalog --products 4 --seed 7`: validated against the default model, pretty
/// JSON and a newline.
fn catalog_text() -> String {
    let products = catalog(&CatalogConfig::new(4, 7));
    let checked = Catalog::new(products, &Model::default_model()).unwrap();
    checked.to_json_pretty() + "\n"
}

/// Compares `got` with the fixture `name` byte for byte, or writes it when blessing.
fn check(name: &str, got: &str) {
    let path = dir().join(name);
    if std::env::var_os("XINYONG_BLESS").is_some() {
        std::fs::create_dir_all(dir()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (bless with XINYONG_BLESS=1)", path.display()));
    assert!(
        got == want,
        "{name} differs from the library's output (bless with XINYONG_BLESS=1)\n--- fixture\n{want}\n--- library\n{got}"
    );
}

#[test]
fn registry_fixture_is_the_library_output() {
    check("registry.jsonl", &registry_text());
}

#[test]
fn demands_fixture_is_the_library_output() {
    check("demands.jsonl", &demands_text());
}

#[test]
fn catalog_fixture_is_the_library_output() {
    check("catalog.json", &catalog_text());
}

#[test]
fn fixtures_read_back_and_agree_with_each_other() {
    let enterprises: Vec<Enterprise> =
        registry_text().lines().map(|l| Enterprise::from_json(l).unwrap()).collect();
    assert_eq!(enterprises.len(), 5);
    let demands: Vec<Demand> =
        demands_text().lines().map(|l| Demand::from_json(l).unwrap()).collect();
    assert_eq!(demands.len(), 5);
    // Demands drawn with the registry's flags are for the registry's firms, in order.
    for (i, (demand, enterprise)) in demands.iter().zip(&enterprises).enumerate() {
        assert_eq!(demand.id.as_deref(), Some(format!("d-{i:06}").as_str()));
        assert_eq!(&demand.enterprise, enterprise);
    }
    // The written catalog reads back as the same catalog.
    let text = catalog_text();
    let read = Catalog::from_json(&text, &Model::default_model()).unwrap();
    assert_eq!(read.to_json_pretty() + "\n", text);
    assert_eq!(read.products().len(), 4);
    // With a target of 3 records a firm, the registry has records.
    let records: usize = enterprises.iter().map(|e| e.records.len()).sum();
    assert!(records > 0, "mean_records 3 gave no records");
}
