//! Helpers shared by integration tests: valid codes for the relationship graph, and the fixtures.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use xinyong::date::{Date, parse_date};

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// A fixture file's text, by its path under `fixtures/`.
pub fn read(path: &str) -> String {
    std::fs::read_to_string(fixtures().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The `cases` array of a golden file.
pub fn cases(file: &str) -> Vec<Value> {
    let doc: Value = serde_json::from_str(&read(file)).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

/// A date written as the fixtures write it.
pub fn date(text: &str) -> Date {
    parse_date(text).unwrap()
}

/// The `i`-th of a family of valid codes (`i` below 10⁸): organisation code `MA` plus six
/// digits, both check characters computed here because `Uscc::complete` is slow in debug builds.
pub fn code(i: usize) -> String {
    const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
    let mut code = format!("91350000{:08}", i).into_bytes();
    let org: u32 =
        code[8..16].iter().zip([3, 7, 9, 10, 5, 8, 4, 2]).map(|(&c, w)| value(c) * w).sum();
    code.push(match 11 - org % 11 {
        10 => b'X',
        11 => b'0',
        d => b'0' + d as u8,
    });
    let mut weight = 1;
    let mut sum = 0;
    for &c in &code {
        sum += value(c) * weight;
        weight = weight * 3 % 31;
    }
    code.push(ALPHABET[((31 - sum % 31) % 31) as usize]);
    String::from_utf8(code).unwrap()
}
