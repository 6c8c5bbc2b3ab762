//! No resident identity number appears in any fixture or golden output: the goldens are the
//! engine's outputs on the fixture run (the golden tests keep them byte-identical), so a number
//! leaking into a report would show here. `fixtures/bad/` is skipped: it holds such numbers on
//! purpose, and its runner checks that none comes back in an error.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use xinyong::privacy::{REDACTED, redact};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "bad") {
                continue;
            }
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn no_fixture_or_golden_output_holds_a_resident_id_number() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut all = Vec::new();
    files(&root, &mut all);
    assert!(all.len() > 50, "the fixture tree is scanned ({} files)", all.len());
    let mut leaks = Vec::new();
    for path in all {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if redact(&text) != text {
            leaks.push(path.display().to_string());
        }
    }
    assert!(leaks.is_empty(), "resident ID numbers in: {leaks:?}");
}

#[test]
fn the_scan_would_see_a_number() {
    let report = r#"{"owner":"11010119900307109X","share":"0.6"}"#;
    assert!(redact(report).contains(REDACTED));
}
