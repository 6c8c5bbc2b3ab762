//! Financing matching throughput: synthetic demands against a synthetic catalog of 2,000
//! products, through the index (`match_all`) and the naive all-pairs scan
//! (`match_demand_full_scan`), near misses found (top 3 per demand); and streamed as the
//! command line matches (each result read and handed back to the scratch), with every offer
//! (also with the texts of its near misses' gaps written: `indexed_streamed_explained`) and
//! with the best 5, and with each result written as its JSON line.
//!
//! The full 100,000-demand batch takes many seconds per iteration, too slow for criterion's
//! sampling; the groups run smaller batches and report per-demand throughput. The example
//! `cargo run --release --example matching` times the full size once.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xinyong::Evaluator;
use xinyong::batch::push_json_line;
use xinyong::date::parse_date;
use xinyong::evaluate::Lang;
use xinyong::finance::{Catalog, Demand, MatchOptions, MatchScratch, Matcher};
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands};

const PRODUCTS: usize = 2_000;
/// Demands per iteration of the indexed batch.
const INDEXED: usize = 5_000;
/// Demands per iteration of the full scan.
const FULL_SCAN: usize = 500;
/// Offers a demand reports in the streamed group's second bench.
const BEST_OFFERS: usize = 5;

fn benches(c: &mut Criterion) {
    let evaluator = Evaluator::default_model();
    let as_of = parse_date("2026-06-30").unwrap();
    let products = catalog(&CatalogConfig::new(PRODUCTS, 1));
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let demands: Vec<Demand> = demands(&SynthConfig::new(INDEXED, 1, as_of)).collect();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());

    let mut group = c.benchmark_group("matching_2000_products");
    group.sample_size(10);
    group.throughput(Throughput::Elements(INDEXED as u64));
    group.bench_function("indexed_match_all", |b| {
        b.iter(|| matcher.match_all(black_box(&demands), as_of).len())
    });
    // The same on every core of the global pool (feature `parallel`).
    #[cfg(feature = "parallel")]
    group.bench_function("indexed_match_all_parallel", |b| {
        b.iter(|| matcher.match_all_parallel(black_box(&demands), as_of).len())
    });
    // As the command line matches: one scratch, each result read (its offers counted, and
    // with `explained_too` the gaps of its near misses worded in both languages, as a page
    // showing them does) and handed back to it.
    let streamed = |matcher: &Matcher, explained_too: bool| {
        let (mut scratch, mut explained) = (MatchScratch::new(), String::new());
        let (mut offers, mut explained_bytes) = (0, 0);
        for d in &demands {
            if let Ok(m) = matcher.match_reusing(d, as_of, &mut scratch) {
                offers += m.eligible.len();
                explained.clear();
                if explained_too {
                    for gap in m.near_misses.iter().flat_map(|miss| &miss.failed) {
                        for lang in [Lang::Zh, Lang::En] {
                            writeln!(explained, "{}", gap.text_in(lang)).unwrap();
                        }
                    }
                }
                explained_bytes += explained.len();
                scratch.recycle(m);
            }
        }
        (offers, explained_bytes)
    };
    group.bench_function("indexed_streamed", |b| b.iter(|| streamed(black_box(&matcher), false)));
    group.bench_function("indexed_streamed_explained", |b| {
        b.iter(|| streamed(black_box(&matcher), true))
    });
    // As the command line matches and writes: each result laid out as its JSON line in one
    // buffer reused from demand to demand (the writing is most of the command's work).
    group.bench_function("indexed_streamed_written", |b| {
        b.iter(|| {
            let (mut scratch, mut line, mut bytes) = (MatchScratch::new(), Vec::new(), 0);
            for d in &demands {
                if let Ok(m) = matcher.match_reusing(black_box(d), as_of, &mut scratch) {
                    line.clear();
                    push_json_line(&mut line, &m);
                    bytes += line.len();
                    scratch.recycle(m);
                }
            }
            bytes
        })
    });
    let best = MatchOptions { offers: Some(BEST_OFFERS), ..MatchOptions::default() };
    let best_matcher = Matcher::new(&evaluator, &catalog, best);
    group.bench_function("indexed_streamed_best_5", |b| {
        b.iter(|| streamed(black_box(&best_matcher), false))
    });
    group.throughput(Throughput::Elements(FULL_SCAN as u64));
    group.bench_function("full_scan", |b| {
        b.iter(|| {
            let scan = demands[..FULL_SCAN].iter();
            scan.filter(|d| matcher.match_demand_full_scan(black_box(d), as_of).is_ok()).count()
        })
    });
    group.finish();
}

criterion_group!(matching, benches);
criterion_main!(matching);
