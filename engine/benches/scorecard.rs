//! Scorecard scoring: the row scorer (a map of named values per row) against the compiled card
//! (values by position; float columns on the threshold form's fast path), on the synthetic card of `bench/python/scorecard.py`: ten numeric
//! characteristics of five bins each, reason codes on.
//!
//! Run with `make bench`; figures are recorded in BENCHMARKS.md.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use xinyong::Decimal;
use xinyong::scorecard::{Column, CompiledScorecard, Row, Scorecard, Value};

const ROWS: usize = 100_000;
const CHARACTERISTICS: usize = 10;

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

fn card(stream: &mut Stream) -> Scorecard {
    let mut fields = String::new();
    let mut mining = String::new();
    let mut characteristics = String::new();
    for i in 0..CHARACTERISTICS {
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
        characteristics += &format!(
            r#"<Characteristic name="c{i}" reasonCode="RC{i}" baselineScore="40">{attributes}</Characteristic>"#
        );
    }
    Scorecard::from_pmml(&format!(
        r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
        <DataDictionary>{fields}</DataDictionary>
        <Scorecard functionName="regression" initialScore="600" useReasonCodes="true">
        <MiningSchema>{mining}</MiningSchema><Characteristics>{characteristics}</Characteristics>
        </Scorecard></PMML>"#
    ))
    .unwrap()
}

fn benches(c: &mut Criterion) {
    let mut stream = Stream(3);
    let card = card(&mut stream);
    let compiled = CompiledScorecard::new(&card);
    // Values on a 0.5 grid, so many fall exactly on a cut point.
    let columns: Vec<Vec<Value>> = (0..CHARACTERISTICS)
        .map(|_| {
            (0..ROWS).map(|_| Value::Number(Decimal::new(stream.next(200) as i64 * 5, 1))).collect()
        })
        .collect();
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
    // The same values as float columns: the threshold form's fast path.
    let floats: Vec<Vec<f64>> = columns
        .iter()
        .map(|c| {
            c.iter()
                .map(|v| match v {
                    Value::Number(d) => d.to_string().parse().unwrap(),
                    _ => f64::NAN,
                })
                .collect()
        })
        .collect();
    let float_columns: Vec<Column<'_>> = floats.iter().map(|c| Column::Floats(c)).collect();
    group.bench_function("compiled_float_columns", |b| {
        b.iter(|| compiled.score_batch(black_box(&float_columns), ROWS).len())
    });
    group.finish();
}

criterion_group!(scorecard, benches);
criterion_main!(scorecard);
