//! Scorecard scoring: the row scorer (a map of named values per row) against the compiled card
//! (values by position; float columns through the threshold form's columnar kernel), on the
//! synthetic card of `bench/python/scorecard.py`: ten numeric characteristics of five bins
//! each, reason codes on; then a card of twenty such characteristics, float columns only,
//! with reason codes and for the scores alone (exact decimals, and the nearest floats).
//!
//! Run with `make bench`; figures are recorded in BENCHMARKS.md.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xinyong::Decimal;
use xinyong::scorecard::{Column, CompiledScorecard, Row, Scorecard, Value};

const ROWS: usize = 100_000;

/// A deterministic stream of numbers (a linear congruential generator: reproducible without a
/// dependency, and good enough to spread values over the bins).
struct Stream(u64);

impl Stream {
    fn next(&mut self, below: u64) -> u64 {
        self.0 =
            self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn card(stream: &mut Stream, characteristics: usize) -> Scorecard {
    let mut fields = String::new();
    let mut mining = String::new();
    let mut blocks = String::new();
    for i in 0..characteristics {
        fields += &format!(r#"<DataField name="x{i}" optype="continuous" dataType="double"/>"#);
        mining += &format!(r#"<MiningField name="x{i}" usageType="active"/>"#);
        let mut cuts: Vec<u64> = (0..4).map(|_| 1 + stream.next(99)).collect();
        cuts.sort_unstable();
        let mut attributes = String::new();
        for cut in cuts {
            let points = stream.next(60) as i64 - 20;
            attributes += &format!(
                r#"<Attribute partialScore="{points}"><SimplePredicate field="x{i}" operator="lessThan" value="{cut}"/></Attribute>"#
            );
        }
        attributes += r#"<Attribute partialScore="10"><True/></Attribute>"#;
        blocks += &format!(
            r#"<Characteristic name="c{i}" reasonCode="RC{i}" baselineScore="40">{attributes}</Characteristic>"#
        );
    }
    Scorecard::from_pmml(&format!(
        r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
        <DataDictionary>{fields}</DataDictionary>
        <Scorecard functionName="regression" initialScore="600" useReasonCodes="true">
        <MiningSchema>{mining}</MiningSchema><Characteristics>{blocks}</Characteristics>
        </Scorecard></PMML>"#
    ))
    .unwrap()
}

/// `characteristics` columns of `ROWS` values on a 0.5 grid over [0, 100), so many fall
/// exactly on a cut point.
fn grid(stream: &mut Stream, characteristics: usize) -> Vec<Vec<Value>> {
    (0..characteristics)
        .map(|_| {
            (0..ROWS).map(|_| Value::Number(Decimal::new(stream.next(200) as i64 * 5, 1))).collect()
        })
        .collect()
}

/// The same values as floats.
fn floats(columns: &[Vec<Value>]) -> Vec<Vec<f64>> {
    columns
        .iter()
        .map(|c| {
            c.iter()
                .map(|v| match v {
                    Value::Number(d) => d.to_string().parse().unwrap(),
                    _ => f64::NAN,
                })
                .collect()
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let mut stream = Stream(3);
    let card = card(&mut stream, 10);
    let compiled = CompiledScorecard::new(&card);
    let columns = grid(&mut stream, 10);
    let slices: Vec<&[Value]> = columns.iter().map(Vec::as_slice).collect();

    let mut group = c.benchmark_group("scorecard_100k");
    group.sample_size(10);
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("row_scorer", |b| {
        b.iter(|| {
            (0..ROWS)
                .map(|r| {
                    let row: Row = compiled
                        .fields()
                        .iter()
                        .zip(&columns)
                        .map(|(name, column)| (name.clone(), column[r].clone()))
                        .collect();
                    card.score(black_box(&row)).is_ok()
                })
                .filter(|ok| *ok)
                .count()
        })
    });
    group.bench_function("compiled_columns", |b| {
        b.iter(|| compiled.score_columns(black_box(&slices)).len())
    });
    float_benches(&mut group, &compiled, &floats(&columns));
    group.finish();

    // Twenty characteristics: the size of the issue's goal.
    let card = self::card(&mut stream, 20);
    let compiled = CompiledScorecard::new(&card);
    let columns = floats(&grid(&mut stream, 20));
    let mut group = c.benchmark_group("scorecard_20_characteristics_100k");
    group.sample_size(20);
    group.throughput(Throughput::Elements(ROWS as u64));
    float_benches(&mut group, &compiled, &columns);
    group.finish();
}

/// The float-column paths: every result with ranked reason codes, exact totals alone, and
/// totals as the nearest floats.
fn float_benches(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    compiled: &CompiledScorecard,
    floats: &[Vec<f64>],
) {
    let columns: Vec<Column<'_>> = floats.iter().map(|c| Column::Floats(c)).collect();
    group.bench_function("compiled_float_columns", |b| {
        b.iter(|| compiled.score_batch(black_box(&columns), ROWS).len())
    });
    group.bench_function("score_totals", |b| {
        b.iter(|| compiled.score_totals(black_box(&columns), ROWS).len())
    });
    let mut scores = vec![0.0; ROWS];
    group.bench_function("score_floats", |b| {
        b.iter(|| compiled.score_floats(black_box(&columns), &mut scores).len())
    });
}

criterion_group!(scorecard, benches);
criterion_main!(scorecard);
