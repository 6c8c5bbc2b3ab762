//! Single-core figures for batch financing matching: synthetic demands against a synthetic
//! catalog, through the index (`match_all`) and through the naive all-pairs scan
//! (`match_demand_full_scan`), each timed once at full size. Near misses are explained (top 3
//! per demand, the default). Every eligible product is reported (the default), and in one
//! more stage only the best 5 (`MatchOptions::offers`), results kept and streamed. The
//! criterion bench `matching` is the reference.
//!
//! `cargo run --release --example matching -- [DEMANDS] [PRODUCTS] [FULL_SCAN_DEMANDS]`
//!
//! The streamed stages explain every gap of every near miss reported, in both languages, as
//! a caller showing them does: the goal of 100,000 demands a second includes those texts.
//!
//! With `MATCHING_ONLY_STREAMED=1` only the streamed stage runs (as the CLI matches), so that
//! a profile of `Matcher::match_reusing` counts that stage alone; `MATCHING_ONLY_STREAMED=best`
//! runs the streamed stage with the best 5 offers instead.
#![allow(missing_docs)]

use std::time::Instant;

use xinyong::Evaluator;
use xinyong::date::parse_date;
use xinyong::evaluate::Lang;
use xinyong::finance::{Catalog, Demand, MatchOptions, MatchScratch, Matcher};
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands};

/// Offers reported per demand in the opt-in stage.
const BEST_OFFERS: usize = 5;

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().unwrap_or(0));
    let n = args.next().filter(|&n| n > 0).unwrap_or(100_000);
    let products = args.next().filter(|&n| n > 0).unwrap_or(2_000);
    let full_n = args.next().filter(|&n| n > 0).unwrap_or(n).min(n);
    let as_of = parse_date("2026-06-30").unwrap_or_default();
    let evaluator = Evaluator::default_model();
    let Ok(catalog) = Catalog::new(catalog(&CatalogConfig::new(products, 1)), evaluator.model())
    else {
        eprintln!("the synthetic catalog does not validate");
        return;
    };
    let demands: Vec<Demand> = demands(&SynthConfig::new(n, 1, as_of)).collect();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    // The opt-in stages: only the best few offers of each demand reported
    // (`MatchOptions::offers`), near misses as before.
    let best = MatchOptions { offers: Some(BEST_OFFERS), ..MatchOptions::default() };
    let best_matcher = Matcher::new(&evaluator, &catalog, best);
    let best_label = format!("best {BEST_OFFERS} offers");
    println!("{n} demands, {products} products, as of {as_of}, one core");

    // Wall time, and the CPU time the process was given: on a shared machine the wall time
    // also counts the waits for a core.
    let report = |label: &str, count: usize, (secs, cpu): (f64, Option<f64>)| {
        let cpu = cpu.map_or(String::new(), |c| {
            format!("  cpu {c:>8.3} s ({:.2} us each)", c * 1e6 / count as f64)
        });
        println!(
            "{label:<34} {secs:>8.3} s  {:>10.0} demands/s  ({:.2} us each){cpu}",
            count as f64 / secs,
            secs * 1e6 / count as f64
        );
    };
    if let Some(only) = std::env::var_os("MATCHING_ONLY_STREAMED") {
        if only == "best" {
            streamed(&best_matcher, &demands, as_of, &report, &best_label);
        } else {
            streamed(&matcher, &demands, as_of, &report, "every offer");
        }
        return;
    }
    let start = Clock::start();
    let evaluated = demands.iter().filter(|d| evaluator.evaluate(&d.enterprise, as_of).is_ok());
    let evaluated = evaluated.count();
    report("evaluation alone", evaluated, start.elapsed());

    let start = Clock::start();
    let results = matcher.match_all(&demands, as_of);
    report("indexed (match_all)", n, start.elapsed());
    let ok: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    let offers: usize = ok.iter().map(|m| m.eligible.len()).sum();
    let misses: usize = ok.iter().map(|m| m.near_misses.len()).sum();
    println!(
        "  {} matched, {:.2} offers and {:.2} near misses per demand",
        ok.len(),
        offers as f64 / n as f64,
        misses as f64 / n as f64
    );

    streamed(&matcher, &demands, as_of, &report, "every offer");

    // The best offers, results kept.
    let start = Clock::start();
    let results_best = best_matcher.match_all(&demands, as_of);
    report(&format!("indexed, {best_label}"), n, start.elapsed());
    let same = results_best.iter().zip(&results).all(|(a, b)| match (a, b) {
        (Ok(a), Ok(b)) => {
            let k = BEST_OFFERS.min(b.eligible.len());
            a.eligible[..] == b.eligible[..k] && a.near_misses == b.near_misses
        }
        (Err(a), Err(b)) => a.kind() == b.kind(),
        _ => false,
    });
    println!("  the best offers are the first of the full ranking: {same}");
    drop(results_best);
    streamed(&best_matcher, &demands, as_of, &report, &best_label);

    let start = Clock::start();
    let full: Vec<_> =
        demands[..full_n].iter().map(|d| matcher.match_demand_full_scan(d, as_of)).collect();
    let (secs, cpu) = start.elapsed();
    report(&format!("full scan, {full_n} demands"), full_n, (secs, cpu));
    if full_n < n {
        println!("  (all {n} at this rate: {:.1} s)", secs * n as f64 / full_n as f64);
    }
    let same = full.iter().zip(&results).all(|(a, b)| match (a, b) {
        (Ok(a), Ok(b)) => a == b,
        (Err(a), Err(b)) => a.kind() == b.kind(),
        _ => false,
    });
    println!("  indexed results equal the full scan: {same}");
}

/// As the CLI streams: each result is read (its offers counted, and the gaps of its near
/// misses explained in both languages, as a page showing them would) and handed back to the
/// scratch, which the next demand's result is written into.
fn streamed(
    matcher: &Matcher,
    demands: &[Demand],
    as_of: xinyong::date::Date,
    report: &impl Fn(&str, usize, (f64, Option<f64>)),
    offers_kept: &str,
) {
    let start = Clock::start();
    let mut scratch = MatchScratch::new();
    let mut explained = String::new();
    let mut explained_bytes = 0;
    let offers: usize = demands
        .iter()
        .filter_map(|d| {
            let m = matcher.match_reusing(d, as_of, &mut scratch).ok()?;
            let offers = m.eligible.len();
            explained.clear();
            explain_near_misses(&m, &mut explained);
            explained_bytes += explained.len();
            scratch.recycle(m);
            Some(offers)
        })
        .sum();
    report(&format!("indexed, streamed, {offers_kept}"), demands.len(), start.elapsed());
    println!("  {offers} offers, {explained_bytes} bytes of near-miss explanations");
}

/// Writes the explanation of every gap of a result's near misses, in both languages, into
/// `out`.
fn explain_near_misses(m: &xinyong::finance::DemandMatch, out: &mut String) {
    use std::fmt::Write;
    for gap in m.near_misses.iter().flat_map(|miss| &miss.failed) {
        for lang in [Lang::Zh, Lang::En] {
            // Writing into a string cannot fail.
            let _ = writeln!(out, "{}", gap.text_in(lang));
        }
    }
}

/// A wall clock and, where the system reports it, the process's CPU clock.
struct Clock {
    wall: Instant,
    cpu: Option<f64>,
}

impl Clock {
    fn start() -> Clock {
        Clock { wall: Instant::now(), cpu: cpu_seconds() }
    }

    /// Seconds elapsed: wall, and CPU if known.
    fn elapsed(&self) -> (f64, Option<f64>) {
        let cpu = cpu_seconds().zip(self.cpu).map(|(now, then)| now - then);
        (self.wall.elapsed().as_secs_f64(), cpu)
    }
}

/// CPU time of the process so far, from Linux's scheduler statistics (nanoseconds on a core).
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let nanos: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
