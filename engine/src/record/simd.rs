//! The fast reader of enterprise lines: a SIMD JSON parser with serde support, tried first on the
//! platforms it supports.
//!
//! Reading JSON is most of the cost of evaluating JSON Lines (about four times the evaluation
//! itself), and nearly all of it is scanning strings and matching keys, which a SIMD parser does
//! several bytes at a time. The same serde types read the line, so a value it accepts is the
//! value serde_json gives (tests compare both on the synthetic registry and on mutated lines).
//!
//! It only ever answers "here is the value" or "not me": on any failure the caller reads the line
//! again with serde_json, so every error (kind, JSON path, message, position) is serde_json's on
//! every platform. A line whose brackets might nest deeper than [`MAX_JSON_DEPTH`] is not given
//! to it at all: its recursion is not bounded the way serde_json's is, and one line of deeply
//! nested arrays must give a typed error, not overflow the stack.

use std::cell::Cell;

use serde::de::DeserializeOwned;

use super::wire::{MAX_JSON_DEPTH, ObjectOnly};

thread_local! {
    /// Whether a JSON number was read as a float on this thread since the fast reader last
    /// started a line.
    static FLOAT_READ: Cell<bool> = const { Cell::new(false) };
}

/// Called by every visitor that takes a float (decimal amounts, extra features), whichever
/// parser drives it.
///
/// The two parsers may round a literal to different floats: serde_json's default reading is
/// off by one unit in the last place for some long or far-exponent literals (it is what the
/// engine has always read, and stays so), the SIMD parser rounds correctly. A line in which the
/// fast reader met a float is therefore read again by serde_json. Integers, strings and
/// everything else are read alike by both.
pub(crate) fn note_float() {
    FLOAT_READ.with(|seen| seen.set(true));
}

/// Reads `T` from `text` with the SIMD parser, or `None` for "read it with serde_json".
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub(super) fn read<T: DeserializeOwned>(text: &str) -> Option<T> {
    if !nesting_within(text.as_bytes(), MAX_JSON_DEPTH) || may_hold_negative_zero(text.as_bytes()) {
        return None;
    }
    FLOAT_READ.with(|seen| seen.set(false));
    let mut de = sonic_rs::Deserializer::from_str(text);
    let value = T::deserialize(ObjectOnly(&mut de)).ok()?;
    de.end().ok()?;
    (!FLOAT_READ.with(Cell::get)).then_some(value)
}

/// Elsewhere (WebAssembly) serde_json reads every line.
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
pub(super) fn read<T: DeserializeOwned>(_text: &str) -> Option<T> {
    None
}

/// Whether the arrays and objects of `json` nest at most `limit` deep.
///
/// It errs on the safe side for text that is not JSON. First a bound: nesting is never deeper
/// than the number of `[` and `{` bytes, which a SIMD count finds in a few hundred instructions
/// for a 20-record line. Only a line with more openers than the limit (a firm with more than
/// about a hundred records) is walked byte by byte, skipping strings, to find its actual depth.
#[cfg_attr(not(any(target_arch = "x86_64", target_arch = "aarch64")), allow(dead_code))]
pub(super) fn nesting_within(json: &[u8], limit: usize) -> bool {
    if memchr::memchr2_iter(b'[', b'{', json).count() <= limit {
        return true;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return false;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// Whether `json` may hold a number starting `-0`, which the two parsers hand to serde
/// differently: serde_json as the float `-0.0` (a feature `-0` keeps its sign), the SIMD parser
/// as the integer 0. Such lines are left to serde_json.
///
/// Errs on the safe side: any `-0` not preceded by a letter or digit counts, even inside a string
/// (dates and record ids, `2026-06-01`, `A-0-1`, have a digit or letter before theirs).
#[cfg_attr(not(any(target_arch = "x86_64", target_arch = "aarch64")), allow(dead_code))]
fn may_hold_negative_zero(json: &[u8]) -> bool {
    memchr::memchr_iter(b'-', json).any(|at| {
        json.get(at + 1) == Some(&b'0')
            && at
                .checked_sub(1)
                .and_then(|before| json.get(before))
                .is_none_or(|b| !b.is_ascii_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::super::wire::{parse, parse_with_serde_json};
    use super::*;
    use crate::synth::{SynthConfig, registry};

    /// Every enterprise text of the fixtures (good and bad), the shared registry and a synthetic
    /// registry of 20-record firms.
    fn lines() -> Vec<String> {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        let mut lines = Vec::new();
        for dir in ["enterprises", "bad/enterprise"] {
            let mut files: Vec<_> = std::fs::read_dir(fixtures.join(dir))
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .collect();
            files.sort();
            lines.extend(files.iter().filter_map(|f| std::fs::read_to_string(f).ok()));
        }
        for file in ["registry/registry.jsonl", "synth/registry.jsonl"] {
            let text = std::fs::read_to_string(fixtures.join(file)).unwrap();
            lines.extend(text.lines().map(str::to_owned));
        }
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let mut config = SynthConfig::new(60, 7, as_of);
        config.mean_records = 20;
        lines.extend(registry(&config).map(|firm| firm.to_json()));
        lines
    }

    #[test]
    fn numbers_the_parsers_read_differently_are_left_to_serde_json() {
        let firm = |value: &str| {
            format!(
                r#"{{"uscc":"91350900587527783P","name":"n","established_on":"2010-01-01",
                "registered_capital":{value},"features":{{"a":{value}}}}}"#
            )
        };
        // serde_json reads the long literal one unit in the last place away from the nearest
        // float, and the engine keeps reading it so.
        let long = "20000000000103108000e-2";
        for value in ["-0", "-0.0", "-0e5", "-0.25", "0", "[-0]", long, "1.5e-25", "0.1", "7"] {
            assert_eq!(parse(&firm(value)), parse_with_serde_json(&firm(value)), "{value}");
        }
        assert_eq!(parse(&firm("-0")).unwrap().features["a"], "-0");
        assert_eq!(parse(&firm(long)).unwrap().features["a"], "200000000001031100");
        assert!(read::<super::super::wire::EnterpriseWire>(&firm("0.1")).is_none());
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        assert!(read::<super::super::wire::EnterpriseWire>(&firm("7")).is_some());
        assert!(may_hold_negative_zero(b"[1,-0]") && may_hold_negative_zero(b"-0"));
        assert!(!may_hold_negative_zero(br#"{"d":"2026-01-02","id":"A-0-1","x":-1}"#));
    }

    fn same_as_serde_json(text: &str) -> Result<(), TestCaseError> {
        prop_assert_eq!(parse(text), parse_with_serde_json(text), "{}", text);
        Ok(())
    }

    #[test]
    fn every_fixture_and_registry_line_reads_as_with_serde_json() {
        let lines = lines();
        assert!(lines.len() > 400, "{}", lines.len());
        let mut read_fast = 0;
        for line in &lines {
            assert_eq!(parse(line), parse_with_serde_json(line), "{line}");
            read_fast += usize::from(read::<super::super::wire::EnterpriseWire>(line).is_some());
        }
        // The fast reader really reads the good lines (none of them is left to serde_json).
        let good = lines.iter().filter(|l| parse(l).is_ok()).count();
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        assert!(read_fast >= good && good > 300, "{read_fast} read fast, {good} good");
    }

    /// Pieces that stress the places two JSON parsers may disagree: escapes, surrogates, control
    /// characters, number edges, structure.
    const PIECES: &[&str] = &[
        "\"",
        "\\",
        "\\u0000",
        "\\ud800",
        "\\uDC00",
        "\\ud83d\\ude00",
        "\\n",
        "\\/",
        "\\x",
        "\u{1}",
        "\u{7f}",
        "\n",
        "\t",
        " ",
        "[",
        "]",
        "{",
        "}",
        ",",
        ":",
        "null",
        "true",
        "1e400",
        "-0",
        "0.1",
        "-1",
        "1.5e-7",
        "18446744073709551616",
        "-9223372036854775809",
        "01",
        "1.",
        ".5",
        "1e",
        "+1",
        "NaN",
        "0x10",
        "é",
        "信用",
        "\u{feff}",
        "\"features\":{\"x\":0.30000000000000004}",
        "\"features\":{\"x\":123456789012345678901234567890}",
        "\"extra\":1",
    ];

    fn mutated() -> impl Strategy<Value = String> {
        let pool = lines();
        let edit = (any::<prop::sample::Index>(), 0usize..4, 0..PIECES.len(), 0usize..12);
        (prop::sample::select(pool), prop::collection::vec(edit, 1..4)).prop_map(|(line, edits)| {
            let mut chars: Vec<char> = line.chars().collect();
            for (at, how, piece, len) in edits {
                let at = at.index(chars.len() + 1);
                let end = (at + len).min(chars.len());
                let piece: Vec<char> = PIECES[piece].chars().collect();
                match how {
                    0 => drop(chars.splice(at..at, piece)),
                    1 => drop(chars.splice(at..end, piece)),
                    2 => drop(chars.drain(at..end)),
                    _ => {
                        let copy: Vec<char> = chars[at..end].to_vec();
                        chars.splice(at..at, copy);
                    }
                }
            }
            chars.into_iter().collect()
        })
    }

    /// A JSON number of many shapes, or text that is almost one.
    fn number() -> impl Strategy<Value = String> {
        "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?|[-+.0-9eE]{1,12}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn mutated_lines_read_as_with_serde_json(text in mutated()) {
            same_as_serde_json(&text)?;
        }

        #[test]
        fn numbers_read_as_with_serde_json(n in number(), m in number()) {
            let text = format!(
                r#"{{"uscc":"91350900587527783P","name":"n","established_on":"2010-01-01",
                "registered_capital":{n},"finance":{{"social_insurance_headcount":{m}}},
                "features":{{"a":{n},"b":{m}}},"records":[{{"kind":"arrears",
                "arrears":"tax","since":"2020-01-01","amount":{m}}}]}}"#
            );
            same_as_serde_json(&text)?;
        }

        #[test]
        fn strings_read_as_with_serde_json(s in r#"([^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4}|[\x00-\x1f]){0,40}"#) {
            let text = format!(
                r#"{{"uscc":"91350900587527783P","name":"{s}","established_on":"2010-01-01",
                "industry":"{s}","features":{{"{s}":"{s}"}},"records":[{{"kind":"penalty",
                "severity":"minor","decided_on":"2020-01-01","authority":"{s}","id":"{s}"}}]}}"#
            );
            same_as_serde_json(&text)?;
        }
    }

    #[test]
    fn nesting_is_measured_outside_strings() {
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert!(nesting_within(deep(128).as_bytes(), 128));
        assert!(!nesting_within(deep(129).as_bytes(), 128));
        assert!(!nesting_within("[".repeat(100_000).as_bytes(), 128));
        // Many openers side by side are not deep.
        let wide = format!("[{}]", vec!["{}"; 500].join(","));
        assert!(nesting_within(wide.as_bytes(), 128));
        // Brackets inside strings do not count, escaped quotes do not end a string, and
        // closers inside strings cannot hide real openers.
        let quoted = format!(r#"["{}", "\"[[[", 1]"#, "[".repeat(300));
        assert!(nesting_within(quoted.as_bytes(), 128));
        let hidden = format!(r#"["{}" {}"#, "]".repeat(300), "[".repeat(200));
        assert!(!nesting_within(hidden.as_bytes(), 128));
    }
}
