//! Batches on every core give what one thread gives: the same items, in the same order,
//! errors included, and the same end of the stream when the reader or the writer fails.
#![cfg(feature = "parallel")]
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;

use xinyong::batch::{BatchItem, BatchSummary, LineLimits, RelatedParties};
use xinyong::date::{Date, parse_date};
use xinyong::finance::{Catalog, DemandMatch, MatchOptions, Matcher};
use xinyong::parallel::Chunking;
use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands};
use xinyong::{Enterprise, Evaluator, Result};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures").join(name);
    std::fs::read_to_string(path).unwrap()
}

fn as_of() -> Date {
    parse_date("2026-06-30").unwrap()
}

/// A pool of three threads on two cores or more, so chunks really are shared out.
fn in_pool<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap().install(work)
}

/// Small chunks, so that a few hundred lines span many of them; and the default.
fn chunkings() -> [Chunking; 3] {
    [Chunking { lines: 1, bytes: 1 }, Chunking { lines: 7, bytes: 20_000 }, Chunking::default()]
}

/// The bundled registries as JSON Lines with every kind of bad line among them: malformed,
/// not an enterprise, not UTF-8, too long, blank, and CRLF endings.
fn registry_with_bad_lines() -> Vec<u8> {
    let mut input = Vec::new();
    let text = fixture("registry/registry.jsonl") + &fixture("synth/registry.jsonl");
    for (i, line) in text.lines().enumerate() {
        input.extend_from_slice(line.as_bytes());
        input.extend_from_slice(if i % 5 == 0 { b"\r\n" } else { b"\n" });
        match i % 97 {
            3 => input.extend_from_slice(b"{not json\n"),
            11 => input.extend_from_slice(b"\n  \r\n"),
            29 => input.extend_from_slice(b"{\"uscc\": \"\xff\xfe\"}\n"),
            41 => input.extend_from_slice(b"{\"uscc\": \"91350100M000100Y43\"}\n"),
            53 => input.extend(std::iter::repeat_n(b'x', 70_000).chain([b'\n'])),
            _ => {}
        }
    }
    input
}

fn limits() -> LineLimits {
    LineLimits { max_line_bytes: 64 * 1024 }
}

#[test]
fn registry_lines_evaluate_as_in_one_thread() {
    let evaluator = Evaluator::default_model();
    let input = registry_with_bad_lines();
    let related = RelatedParties::new();
    let mut one = Vec::new();
    let summary = evaluator
        .evaluate_jsonl_with(&input[..], as_of(), limits(), &related, |item| {
            one.push(item);
            Ok(())
        })
        .unwrap();
    assert!(summary.evaluated > 250 && summary.failed >= 10, "{summary:?}");
    let kinds: std::collections::BTreeSet<_> =
        one.iter().filter_map(|item| item.result.as_ref().err().map(|e| e.kind())).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
    for chunking in chunkings() {
        let mut many = Vec::new();
        let parallel = in_pool(|| {
            let emit = |item: BatchItem| {
                many.push(item);
                Ok(())
            };
            evaluator.evaluate_jsonl_parallel(
                &input[..],
                as_of(),
                (limits(), chunking),
                &related,
                emit,
            )
        });
        assert_eq!(parallel.unwrap(), summary, "{chunking:?}");
        assert!(many == one, "{chunking:?}: the items differ");
    }
}

#[test]
fn batches_in_memory_are_the_sequential_ones() {
    let evaluator = Evaluator::default_model();
    let firms: Vec<Enterprise> = fixture("registry/registry.jsonl")
        .lines()
        .map(|line| Enterprise::from_json(line).unwrap())
        .collect();
    let related = RelatedParties::new();
    for as_of in ["2026-06-30", "2031-01-31"].map(|d| parse_date(d).unwrap()) {
        let one = evaluator.evaluate_batch_with(&firms, as_of, &related);
        assert!(one.iter().any(Result::is_ok));
        let many = in_pool(|| evaluator.evaluate_batch_parallel(&firms, as_of, &related));
        assert!(many == one);
    }

    let products = catalog(&CatalogConfig::new(300, 4));
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let firms = SynthConfig::new(400, 9, as_of());
    let demands: Vec<_> = demands(&firms).collect();
    let one = matcher.match_all(&demands, as_of());
    assert!(one.iter().any(|m| m.as_ref().is_ok_and(|m| !m.eligible.is_empty())));
    let many = in_pool(|| matcher.match_all_parallel(&demands, as_of()));
    assert!(many == one);
}

#[test]
fn demand_lines_match_as_in_one_thread() {
    let evaluator = Evaluator::default_model();
    let products = catalog(&CatalogConfig::new(300, 4));
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let firms = SynthConfig::new(400, 9, as_of());
    let mut input = String::new();
    for (i, demand) in demands(&firms).enumerate() {
        input.push_str(&demand.to_json());
        input.push('\n');
        if i % 37 == 5 {
            input.push_str("{\"amount\": \"1\"}\n\n{bad\n");
        }
    }
    type Item = (usize, usize, Result<DemandMatch>);
    let mut one: Vec<Item> = Vec::new();
    let summary = matcher
        .match_jsonl(input.as_bytes(), as_of(), limits(), |index, line, result| {
            one.push((index, line, result));
            Ok(())
        })
        .unwrap();
    assert!(summary.evaluated == 400 && summary.failed > 20, "{summary:?}");
    for chunking in chunkings() {
        let mut many: Vec<Item> = Vec::new();
        let parallel = in_pool(|| {
            let emit = |index, line, result| {
                many.push((index, line, result));
                Ok(())
            };
            matcher.match_jsonl_parallel(input.as_bytes(), as_of(), (limits(), chunking), emit)
        });
        assert_eq!(parallel.unwrap(), summary, "{chunking:?}");
        assert!(many == one, "{chunking:?}: the results differ");
    }
}

/// A reader that fails once `good` bytes have been read.
struct FailingAfter<'a> {
    good: &'a [u8],
}

impl Read for FailingAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.good.is_empty() {
            return Err(std::io::Error::other("disk gone"));
        }
        let n = buf.len().min(self.good.len()).min(1000);
        buf[..n].copy_from_slice(&self.good[..n]);
        self.good = &self.good[n..];
        Ok(n)
    }
}

/// What a stream gave before it ended: the line numbers and results as JSON, and its end.
type Ended = (Vec<(usize, usize, String)>, Result<BatchSummary>);

fn stream(parallel: Option<Chunking>, reader: impl BufRead + Send, stop_after: usize) -> Ended {
    let evaluator = Evaluator::default_model();
    let mut seen = Vec::new();
    let emit = |item: BatchItem| {
        if seen.len() == stop_after {
            return Err(std::io::Error::other("pipe closed"));
        }
        seen.push((item.index, item.line, item.to_json(false)));
        Ok(())
    };
    let related = RelatedParties::new();
    let end = match parallel {
        None => evaluator.evaluate_jsonl_with(reader, as_of(), limits(), &related, emit),
        Some(chunking) => in_pool(|| {
            evaluator.evaluate_jsonl_parallel(reader, as_of(), (limits(), chunking), &related, emit)
        }),
    };
    (seen, end)
}

#[test]
fn a_failing_reader_or_writer_ends_the_stream_where_one_thread_ends_it() {
    let input = registry_with_bad_lines();
    let cut = &input[..input.len() / 2];
    let reader = || BufReader::with_capacity(512, FailingAfter { good: cut });
    let (one, end) = stream(None, reader(), usize::MAX);
    assert!(one.len() > 100);
    assert!(matches!(&end, Err(xinyong::Error::Io { message }) if message == "disk gone"));
    for chunking in chunkings() {
        assert_eq!(stream(Some(chunking), reader(), usize::MAX), (one.clone(), end.clone()));
    }

    let (one, end) = stream(None, &input[..], 150);
    assert_eq!(one.len(), 150);
    assert!(matches!(&end, Err(xinyong::Error::Io { message }) if message == "pipe closed"));
    for chunking in chunkings() {
        assert_eq!(stream(Some(chunking), &input[..], 150), (one.clone(), end.clone()));
    }
}
