//! Replays the fuzz invariants (`fuzz_checks/`) on every seed input named in `fuzz/seeds.tsv`
//! and on every input a fuzzer ever crashed on (`fuzz/regressions/<target>/`), so a fixed crash
//! stays fixed without the nightly toolchain.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod fuzz_checks;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

/// (target, seed folders) from `fuzz/seeds.tsv`.
fn seeds() -> Vec<(String, Vec<PathBuf>)> {
    let text = std::fs::read_to_string(root().join("fuzz/seeds.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (target, dirs) = l.split_once('\t').unwrap();
            (target.to_owned(), dirs.split_whitespace().map(|d| root().join(d)).collect())
        })
        .collect()
}

#[test]
fn every_target_has_seeds_and_a_fuzz_target_file() {
    let seeds = seeds();
    let named: Vec<&str> = seeds.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(named, fuzz_checks::TARGETS, "fuzz/seeds.tsv lists every target once, in order");
    for (target, dirs) in &seeds {
        let inputs: usize = dirs.iter().map(|d| files_in(d).len()).sum();
        assert!(inputs > 0, "{target} has no seed inputs");
        let source = root().join(format!("fuzz/fuzz_targets/{target}.rs"));
        let text = std::fs::read_to_string(&source).unwrap();
        assert!(
            text.contains(&format!("check(\"{target}\"")),
            "{} checks {target}",
            source.display()
        );
    }
}

#[test]
fn seeds_and_regressions_hold_every_invariant() {
    let mut replayed = 0;
    for (target, mut dirs) in seeds() {
        dirs.push(root().join("fuzz/regressions").join(&target));
        for dir in dirs {
            for file in files_in(&dir) {
                let data = std::fs::read(&file).unwrap();
                let outcome = std::panic::catch_unwind(|| fuzz_checks::check(&target, &data));
                assert!(outcome.is_ok(), "{target} fails on {}", file.display());
                replayed += 1;
            }
        }
    }
    assert!(replayed > 100, "replayed {replayed} inputs");
}
