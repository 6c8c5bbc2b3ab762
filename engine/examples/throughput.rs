//! Quick single-core throughput figures for the three stages of batch evaluation: reading JSON,
//! evaluating, writing results. The criterion benches (`make bench`) are the reference; this is a
//! fast look while tuning.
//!
//! `cargo run --release --example throughput -- [ENTERPRISES] [MEAN_RECORDS]`
//!
//! One stage alone, for profilers: `THROUGHPUT_ONLY_SETUP` (the registry and its lines),
//! `THROUGHPUT_ONLY_EVALUATE` (with `THROUGHPUT_SCORE_ONLY` or `THROUGHPUT_ONE_SHOT`),
//! `THROUGHPUT_ONLY_PARSE`, `THROUGHPUT_ONLY_SYNTAX` (JSON read and nothing kept).
#![allow(missing_docs)]

use std::time::Instant;

use xinyong::date::parse_date;
use xinyong::synth::{SynthConfig, registry};
use xinyong::{Enterprise, Evaluator};

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().unwrap_or(0));
    let n = args.next().filter(|&n| n > 0).unwrap_or(100_000);
    let mean = args.next().unwrap_or(20);
    let as_of = parse_date("2026-06-30").unwrap_or_default();
    let mut config = SynthConfig::new(n, 42, as_of);
    config.mean_records = u32::try_from(mean).unwrap_or(20);
    let firms: Vec<Enterprise> = registry(&config).collect();
    let lines: Vec<String> = firms.iter().map(Enterprise::to_json).collect();
    let bytes: usize = lines.iter().map(String::len).sum();
    let records: usize = firms.iter().map(|f| f.records.len()).sum();
    println!(
        "{n} enterprises, {:.1} records and {} bytes of JSON each",
        records as f64 / n as f64,
        bytes / n
    );

    let rate = |label: &str, start: Instant| {
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{label:<28} {:>10.0} /s  ({:.2} us each)",
            n as f64 / secs,
            secs * 1e6 / n as f64
        );
    };
    if std::env::var_os("THROUGHPUT_ONLY_SETUP").is_some() {
        // The registry and its JSON lines only: the part every other mode shares, to subtract
        // from their CPU time.
        return;
    }
    if std::env::var_os("THROUGHPUT_ONLY_EVALUATE").is_some() {
        // One-shot calls (`evaluate`) or the batch path (`evaluate_reusing`, one scratch, each
        // result recycled).
        let evaluator = Evaluator::default_model();
        let one_shot = std::env::var_os("THROUGHPUT_ONE_SHOT").is_some();
        // The score-only path (`grade_reusing`) instead of the full evaluation.
        let score_only = std::env::var_os("THROUGHPUT_SCORE_ONLY").is_some();
        let mut scratch = xinyong::evaluate::EvaluationScratch::new();
        let ok = (0..20)
            .flat_map(|_| &firms)
            .filter(|f| {
                if score_only {
                    evaluator.grade_reusing(f, as_of, None, &mut scratch).is_ok()
                } else if one_shot {
                    evaluator.evaluate(f, as_of).is_ok()
                } else {
                    // The batch path, each result handed back once read.
                    let result = evaluator.evaluate_reusing(f, as_of, None, &mut scratch);
                    result.map(|evaluation| scratch.recycle(evaluation)).is_ok()
                }
            })
            .count();
        println!("{ok} evaluations");
        return;
    }
    if std::env::var_os("THROUGHPUT_ONLY_PARSE").is_some() {
        let ok = lines.iter().filter(|l| Enterprise::from_json(l).is_ok()).count();
        println!("{ok} parsed");
        return;
    }
    let syntax_only = || lines.iter().filter(|l| json_syntax_only(l)).count();
    if std::env::var_os("THROUGHPUT_ONLY_SYNTAX").is_some() {
        println!("{} lines of valid JSON", syntax_only());
        return;
    }
    let start = Instant::now();
    let parsed = lines.iter().filter(|l| Enterprise::from_json(l).is_ok()).count();
    rate("parse JSON", start);
    let start = Instant::now();
    let valid = syntax_only();
    rate("JSON syntax only (floor)", start);
    let evaluator = Evaluator::default_model();
    let start = Instant::now();
    let evaluations: Vec<_> =
        firms.iter().filter_map(|f| evaluator.evaluate(f, as_of).ok()).collect();
    rate("evaluate in memory", start);
    let mut scratch = xinyong::evaluate::EvaluationScratch::new();
    let start = Instant::now();
    let reused = firms
        .iter()
        .filter(|f| evaluator.evaluate_reusing(f, as_of, None, &mut scratch).is_ok())
        .count();
    rate("evaluate, batch scratch", start);
    let start = Instant::now();
    let graded = firms
        .iter()
        .filter(|f| evaluator.grade_reusing(f, as_of, None, &mut scratch).is_ok())
        .count();
    rate("score only (not explained)", start);
    let start = Instant::now();
    let out: usize = evaluations
        .iter()
        .map(|e| serde_json::to_string(&e.summary()).map_or(0, |s| s.len()))
        .sum();
    rate("write summary JSON", start);
    let start = Instant::now();
    let full: usize = evaluations.iter().map(|e| e.to_json().len()).sum();
    rate("write full JSON", start);
    println!(
        "checks: {parsed} parsed ({valid} valid JSON), {} evaluated ({reused} with the scratch, {graded} scored), \
         {out} + {full} bytes out",
        evaluations.len()
    );
}

/// Whether `line` is JSON, read by serde_json and nothing kept: every byte scanned, every
/// string and number checked, no value built. The least that reading a line through the
/// library costs, whatever the reader does with the values (the floor of the JSON Lines rate).
#[inline(never)]
fn json_syntax_only(line: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(line).is_ok()
}
