//! Batch evaluation and matching on every core (feature `parallel`, native builds only).
//!
//! The results are the same as the sequential batches give, in the same order, errors
//! included: each line or item is worked on by itself, so only the time changes. Work runs
//! on the current rayon pool (the global one unless the caller runs inside
//! `rayon::ThreadPool::install`), which is how a caller bounds the threads.
//!
//! A stream is read in chunks of lines. While the cores work on one chunk, the calling thread
//! hands the previous chunk's results to `emit` and reads the next one, so reading and
//! writing overlap the work and memory stays bounded by a few chunks whatever the input size.

use std::io::BufRead;
use std::ops::Range;

use rayon::prelude::*;

use crate::batch::{BatchItem, BatchSummary, JsonLines, LineLimits, RelatedParties};
use crate::date::Date;
use crate::error::{Error, Result};
use crate::evaluate::{Evaluation, EvaluationScratch, Evaluator};
use crate::finance::{Demand, DemandMatch, MatchScratch, Matcher};
use crate::record::Enterprise;

/// How much of a stream is read before it is handed to the cores: a chunk ends after `lines`
/// non-blank lines or once it holds `bytes` of text, whichever comes first (a longer line is
/// still read whole, up to the [`LineLimits`]). Up to three chunks are held at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunking {
    /// Lines per chunk (at least one).
    pub lines: usize,
    /// Bytes of text per chunk.
    pub bytes: usize,
}

impl Default for Chunking {
    /// 1,024 lines or 4 MiB: enough work per chunk that handing it over costs nothing
    /// measurable (larger chunks were no faster), little enough that memory stays flat.
    fn default() -> Self {
        Chunking { lines: 1024, bytes: 4 * 1024 * 1024 }
    }
}

impl Chunking {
    /// For streams of demands to match: 256 lines or 4 MiB. A demand's output, every offer
    /// explained, is some fifteen times its line, so chunks of 1,024 demands held some 50 MB
    /// of output in all; a quarter as many lines per chunk matches as fast in half the memory.
    pub const MATCHING: Chunking = Chunking { lines: 256, bytes: 4 * 1024 * 1024 };
}

/// Lines read from a stream and not yet worked on: their numbers and bytes (one buffer,
/// spans into it), or the error of a line that could not be read.
#[derive(Default)]
struct Chunk {
    numbers: Vec<usize>,
    spans: Vec<Result<Range<usize>>>,
    bytes: Vec<u8>,
    /// The reader failed after these lines; nothing follows.
    failure: Option<Error>,
    /// The input ended after these lines.
    ended: bool,
}

impl Chunk {
    /// The next lines of `lines`, as many as `chunking` allows, read into the buffers of
    /// `spare` (a chunk already worked on).
    fn read<R: BufRead>(lines: &mut JsonLines<R>, chunking: Chunking, spare: Chunk) -> Chunk {
        let Chunk { mut numbers, mut spans, mut bytes, .. } = spare;
        numbers.clear();
        spans.clear();
        bytes.clear();
        let mut chunk = Chunk { numbers, spans, bytes, failure: None, ended: false };
        while chunk.numbers.len() < chunking.lines.max(1) && chunk.bytes.len() < chunking.bytes {
            let Some((number, span)) = lines.next_line_into(&mut chunk.bytes) else {
                chunk.ended = true;
                break;
            };
            if number == 0 {
                chunk.failure = span.err();
                break;
            }
            chunk.numbers.push(number);
            chunk.spans.push(span);
        }
        chunk
    }

    /// Whether no line follows this chunk.
    fn is_last(&self) -> bool {
        self.ended || self.failure.is_some()
    }

    /// Every line's result, in order, worked on by the pool. Each line is checked for UTF-8
    /// by the thread that works on it.
    fn work<S, T: Send>(
        &self,
        init: &(impl Fn() -> S + Sync),
        work: &(impl Fn(&mut S, &str) -> Result<T> + Sync),
    ) -> Vec<Result<T>> {
        self.spans
            .par_iter()
            .with_min_len(16)
            .map_init(init, |state, span| {
                let bytes = span.clone().map(|span| self.bytes.get(span).unwrap_or_default())?;
                let text = std::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8)?;
                work(state, text)
            })
            .collect()
    }
}

/// A chunk's line numbers with their results, waiting to be handed to `emit`.
struct Worked<T> {
    numbers: Vec<usize>,
    results: Vec<Result<T>>,
}

impl<T> Worked<T> {
    /// Hands every result to `emit` in order, counting them into `summary`.
    fn emit(
        self,
        summary: &mut BatchSummary,
        emit: &mut impl FnMut(usize, usize, Result<T>) -> std::io::Result<()>,
    ) -> Result<()> {
        for (line, result) in self.numbers.into_iter().zip(self.results) {
            match result {
                Ok(_) => summary.evaluated += 1,
                Err(_) => summary.failed += 1,
            }
            emit(summary.records, line, result)?;
            summary.records += 1;
        }
        Ok(())
    }
}

/// The parallel counterpart of [`for_each_line`](crate::batch::for_each_line): `work` runs on
/// each non-blank line on the pool's threads, each thread with its own state from `init`
/// (scratch space reused from line to line), and `emit` receives `(index, line, result)` on
/// the calling thread in input order, errors included, exactly as the sequential loop gives
/// them. Stops early only if the reader fails (an [`Error::Io`], after the lines read before
/// it are emitted) or `emit` returns an error.
pub fn for_each_line_parallel<R: BufRead, S, T: Send>(
    reader: R,
    limits: LineLimits,
    chunking: Chunking,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, &str) -> Result<T> + Sync,
    mut emit: impl FnMut(usize, usize, Result<T>) -> std::io::Result<()>,
) -> Result<BatchSummary> {
    let mut lines = JsonLines::new(reader, limits);
    let mut summary = BatchSummary::default();
    let mut current = Chunk::read(&mut lines, chunking, Chunk::default());
    let mut waiting: Option<Worked<T>> = None;
    // The buffers of the chunk worked on before `current`, for the next one read.
    let mut spare = Chunk::default();
    loop {
        let mut results = Vec::new();
        let mut next = None;
        let mut emitted = Ok(());
        rayon::in_place_scope(|scope| {
            let chunk = &current;
            let (init, work, results) = (&init, &work, &mut results);
            scope.spawn(move |_| *results = chunk.work(init, work));
            if let Some(worked) = waiting.take() {
                emitted = worked.emit(&mut summary, &mut emit);
            }
            if emitted.is_ok() && !chunk.is_last() {
                let spare = std::mem::take(&mut spare);
                next = Some(Chunk::read(&mut lines, chunking, spare));
            }
        });
        emitted?;
        let numbers = std::mem::take(&mut current.numbers);
        let worked = Worked { numbers, results };
        match next {
            Some(chunk) => {
                waiting = Some(worked);
                spare = std::mem::replace(&mut current, chunk);
            }
            None => {
                worked.emit(&mut summary, &mut emit)?;
                return current.failure.map_or(Ok(summary), Err);
            }
        }
    }
}

impl Evaluator {
    /// [`evaluate_batch_with`](Evaluator::evaluate_batch_with) on every core: the same
    /// results in the same order.
    pub fn evaluate_batch_parallel(
        &self,
        enterprises: &[Enterprise],
        as_of: Date,
        related: &RelatedParties,
    ) -> Vec<Result<Evaluation>> {
        enterprises
            .par_iter()
            .with_min_len(16)
            .map_init(EvaluationScratch::new, |scratch, e| {
                self.evaluate_reusing(e, as_of, related.get(&e.uscc), scratch)
            })
            .collect()
    }

    /// [`evaluate_jsonl_with`](Evaluator::evaluate_jsonl_with) on every core: the same items
    /// in the same order, handed to `emit` on the calling thread; memory stays bounded by a
    /// few [chunks](Chunking).
    pub fn evaluate_jsonl_parallel<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        (limits, chunking): (LineLimits, Chunking),
        related: &RelatedParties,
        mut emit: impl FnMut(BatchItem) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        for_each_line_parallel(
            reader,
            limits,
            chunking,
            EvaluationScratch::new,
            |scratch, text| {
                let enterprise = Enterprise::from_json(text)?;
                let context = related.get(&enterprise.uscc);
                self.evaluate_reusing(&enterprise, as_of, context, scratch)
            },
            |index, line, result| emit(BatchItem { index, line, result }),
        )
    }
}

impl Matcher<'_> {
    /// [`match_all`](Matcher::match_all) on every core: the same results in the same order.
    pub fn match_all_parallel(&self, demands: &[Demand], as_of: Date) -> Vec<Result<DemandMatch>> {
        demands
            .par_iter()
            .with_min_len(16)
            .map_init(MatchScratch::default, |scratch, d| self.match_reusing(d, as_of, scratch))
            .collect()
    }

    /// [`match_jsonl`](Matcher::match_jsonl) on every core: the same `(index, line number,
    /// result)` in the same order, handed to `emit` on the calling thread; memory stays
    /// bounded by a few [chunks](Chunking).
    pub fn match_jsonl_parallel<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        (limits, chunking): (LineLimits, Chunking),
        emit: impl FnMut(usize, usize, Result<DemandMatch>) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        let work = |scratch: &mut MatchScratch, text: &str| {
            self.match_reusing(&Demand::from_json(text)?, as_of, scratch)
        };
        for_each_line_parallel(reader, limits, chunking, MatchScratch::default, work, emit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::for_each_line;
    use proptest::prelude::*;

    type Seen = (Vec<(usize, usize, Result<usize>)>, Result<BatchSummary>);

    /// A line's work: its length when it is a JSON number, else an error; `stop` makes `emit`
    /// fail at that item.
    fn sequential(input: &[u8], limits: LineLimits, stop: usize) -> Seen {
        let mut seen = Vec::new();
        let end =
            for_each_line(input, limits, number, |i, n, r| emitted(&mut seen, stop, (i, n, r)));
        (seen, end)
    }

    fn parallel(input: &[u8], limits: LineLimits, chunking: Chunking, stop: usize) -> Seen {
        let mut seen = Vec::new();
        let pool =
            rayon::ThreadPoolBuilder::new().num_threads(3).build().map_err(|e| e.to_string());
        let run = || {
            let work = |calls: &mut usize, text: &str| {
                *calls += 1;
                number(text)
            };
            let emit = |i, n, r| emitted(&mut seen, stop, (i, n, r));
            for_each_line_parallel(input, limits, chunking, || 0usize, work, emit)
        };
        let end = pool.map(|pool| pool.install(run));
        (seen, end.unwrap_or_else(|e| Err(Error::from(std::io::Error::other(e)))))
    }

    fn number(text: &str) -> Result<usize> {
        let value: u64 =
            serde_json::from_str(text).map_err(|e| Error::from(std::io::Error::other(e)))?;
        Ok(text.len() + usize::from(value.is_multiple_of(2)))
    }

    fn emitted(
        seen: &mut Vec<(usize, usize, Result<usize>)>,
        stop: usize,
        item: (usize, usize, Result<usize>),
    ) -> std::io::Result<()> {
        if seen.len() == stop {
            return Err(std::io::Error::other("closed"));
        }
        seen.push(item);
        Ok(())
    }

    proptest! {
        #[test]
        fn chunks_give_what_one_thread_gives(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"0123456789 \r\n\n\nx\xff".to_vec()),
                0..400,
            ),
            limit in 1usize..10,
            (lines, chunk_bytes) in (1usize..9, 1usize..40),
            stop in proptest::option::of(0usize..60),
        ) {
            let limits = LineLimits { max_line_bytes: limit };
            let chunking = Chunking { lines, bytes: chunk_bytes };
            let stop = stop.unwrap_or(usize::MAX);
            prop_assert_eq!(parallel(&bytes, limits, chunking, stop), sequential(&bytes, limits, stop));
        }
    }

    #[test]
    fn a_chunk_ends_at_its_lines_or_its_bytes_and_a_long_line_is_read_whole() {
        let input = b"1\n22\n\n333\n4444\n55555\n";
        let mut lines = JsonLines::new(&input[..], LineLimits::default());
        let two = Chunking { lines: 2, bytes: 100 };
        let chunk = Chunk::read(&mut lines, two, Chunk::default());
        assert_eq!((chunk.numbers.as_slice(), chunk.bytes.as_slice()), (&[1, 2][..], &b"122"[..]));
        let three_bytes = Chunking { lines: 100, bytes: 3 };
        let chunk = Chunk::read(&mut lines, three_bytes, chunk);
        assert_eq!((chunk.numbers.as_slice(), chunk.bytes.as_slice()), (&[4][..], &b"333"[..]));
        let chunk = Chunk::read(&mut lines, three_bytes, chunk);
        assert_eq!((chunk.numbers.as_slice(), chunk.is_last()), (&[5][..], false));
        let chunk = Chunk::read(&mut lines, two, chunk);
        assert_eq!((chunk.numbers.as_slice(), chunk.is_last()), (&[6][..], true));
    }
}
