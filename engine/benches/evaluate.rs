//! Evaluation throughput: one enterprise, a batch in memory, and a batch from JSON Lines.
//!
//! Run with `make bench`; figures are recorded in BENCHMARKS.md.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use xinyong::batch::LineLimits;
use xinyong::date::parse_date;
use xinyong::evaluate::EvaluationScratch;
use xinyong::synth::{SynthConfig, registry};
use xinyong::{Enterprise, Evaluator};

const BATCH: usize = 100_000;

fn config(n: usize) -> SynthConfig {
    let mut config = SynthConfig::new(n, 42, parse_date("2026-06-30").unwrap());
    config.mean_records = 20;
    config
}

fn benches(c: &mut Criterion) {
    let evaluator = Evaluator::default_model();
    let as_of = parse_date("2026-06-30").unwrap();
    let firms: Vec<Enterprise> = registry(&config(BATCH)).collect();
    let records: usize = firms.iter().map(|f| f.records.len()).sum();
    eprintln!("batch of {BATCH} enterprises, {:.1} records each", records as f64 / BATCH as f64);
    let jsonl: String = firms.iter().map(|f| f.to_json() + "\n").collect();
    eprintln!("JSON Lines input: {:.1} MB", jsonl.len() as f64 / 1e6);

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    let one = firms.iter().max_by_key(|f| f.records.len()).unwrap();
    group
        .bench_function("one_enterprise", |b| b.iter(|| evaluator.evaluate(black_box(one), as_of)));
    group.finish();

    let mut group = c.benchmark_group("batch_100k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(BATCH as u64));
    group.bench_function("in_memory", |b| {
        b.iter(|| {
            let mut graded = 0usize;
            for firm in &firms {
                graded += usize::from(evaluator.evaluate(firm, as_of).is_ok());
            }
            graded
        })
    });
    // The batch path: one scratch for the whole batch (decay cut-offs of the date computed
    // once, working vectors reused).
    group.bench_function("in_memory_with_scratch", |b| {
        let mut scratch = EvaluationScratch::new();
        b.iter(|| {
            let mut graded = 0usize;
            for firm in &firms {
                graded += usize::from(
                    evaluator.evaluate_reusing(firm, as_of, None, &mut scratch).is_ok(),
                );
            }
            graded
        })
    });
    // Score, grade and vetoes only (`grade_reusing`): not the full explained evaluation.
    group.bench_function("in_memory_score_only", |b| {
        let mut scratch = EvaluationScratch::new();
        b.iter(|| {
            let mut graded = 0usize;
            for firm in &firms {
                graded +=
                    usize::from(evaluator.grade_reusing(firm, as_of, None, &mut scratch).is_ok());
            }
            graded
        })
    });
    group.bench_function("jsonl_parse_and_evaluate", |b| {
        b.iter(|| {
            evaluator
                .evaluate_jsonl(jsonl.as_bytes(), as_of, LineLimits::default(), |_| Ok(()))
                .unwrap()
        })
    });
    group.bench_function("jsonl_parse_evaluate_write_summary", |b| {
        b.iter_batched(
            || Vec::with_capacity(jsonl.len()),
            |mut out: Vec<u8>| {
                evaluator
                    .evaluate_jsonl(jsonl.as_bytes(), as_of, LineLimits::default(), |item| {
                        item.push_json_line(&mut out, false);
                        Ok(())
                    })
                    .unwrap();
                out.len()
            },
            BatchSize::LargeInput,
        )
    });
    // The same batches on every core of the global pool (feature `parallel`).
    #[cfg(feature = "parallel")]
    {
        let related = xinyong::batch::RelatedParties::new();
        // Both keep every result, as a caller of `evaluate_batch*` does; the results are
        // dropped outside the timing.
        group.bench_function("in_memory_batch", |b| {
            b.iter_with_large_drop(|| evaluator.evaluate_batch_with(&firms, as_of, &related))
        });
        group.bench_function("in_memory_parallel", |b| {
            b.iter_with_large_drop(|| evaluator.evaluate_batch_parallel(&firms, as_of, &related))
        });
        group.bench_function("jsonl_parse_and_evaluate_parallel", |b| {
            let chunked = (LineLimits::default(), xinyong::parallel::Chunking::default());
            b.iter(|| {
                evaluator
                    .evaluate_jsonl_parallel(jsonl.as_bytes(), as_of, chunked, &related, |_| Ok(()))
                    .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(evaluate, benches);
criterion_main!(evaluate);
