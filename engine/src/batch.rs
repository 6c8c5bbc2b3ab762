//! Batch evaluation: many enterprises in memory, or a stream of JSON Lines in constant memory.
//!
//! A bad input never stops a batch: it yields an error entry with its position and the rest go
//! on, so the count out always equals the count in. Blank lines are not records and are skipped
//! (their line numbers still count, so errors point at the right line of the file).

use std::collections::BTreeMap;
use std::io::BufRead;

use crate::date::Date;
use crate::error::{Error, Result};
use crate::evaluate::{Evaluation, EvaluationScratch, Evaluator, Grading, RelatedParty};
use crate::graph::features::FirmFeatures;
use crate::record::Enterprise;
use crate::uscc::Uscc;

/// Related-party contexts by firm, for batches: a firm absent from it is evaluated without one.
pub type RelatedParties = BTreeMap<Uscc, RelatedParty>;

/// Reads the JSON Lines of `xinyong graph features` (one [`FirmFeatures`] per line) into
/// contexts keyed by the normalised USCC of each line's `firm`. Blank lines are skipped.
///
/// Fails at the first bad line: malformed JSON (with the line number in the file), a field
/// that is not a firm's graph indicator, a `firm` that is not a USCC or appears twice
/// (`lines[i].firm`), or an inconsistent context (`lines[i].related_party...`).
pub fn read_related_parties(text: &str) -> Result<RelatedParties> {
    let mut out = RelatedParties::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = |e: Error| match e {
            Error::MalformedJson { column, message, .. } => {
                Error::MalformedJson { line: i + 1, column, message }
            }
            Error::InvalidField { path, message } => {
                Error::field(format!("lines[{i}].{path}"), message)
            }
            other => other,
        };
        let features: FirmFeatures = crate::record::from_json_text(line).map_err(at)?;
        let firm = Uscc::parse_lenient(&features.firm)
            .map_err(|e| Error::field(format!("lines[{i}].firm"), e.to_string()))?
            .uscc;
        let context = RelatedParty::from(&features);
        context.check().map_err(at)?;
        if out.insert(firm, context).is_some() {
            return Err(Error::field(format!("lines[{i}].firm"), "this firm appears twice"));
        }
    }
    Ok(out)
}

/// Limits for reading JSON Lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineLimits {
    /// Longest line accepted, in bytes; a longer line yields [`Error::LineTooLong`] and is
    /// skipped without being held in memory.
    pub max_line_bytes: usize,
}

impl Default for LineLimits {
    fn default() -> Self {
        LineLimits { max_line_bytes: 16 * 1024 * 1024 }
    }
}

/// Reads JSON Lines one line at a time into a reused buffer.
pub struct JsonLines<R> {
    reader: R,
    buf: Vec<u8>,
    line: usize,
    limits: LineLimits,
}

impl<R: BufRead> JsonLines<R> {
    /// Wraps a reader.
    pub fn new(reader: R, limits: LineLimits) -> Self {
        JsonLines { reader, buf: Vec::new(), line: 0, limits }
    }

    /// The next non-blank line as `(line number, text)`; `None` at the end of input.
    ///
    /// A line that is too long or not UTF-8 comes back as an error for that line; reading
    /// continues after it. An I/O failure of the reader is returned as `Err` with line 0 and ends
    /// the stream.
    pub fn next_line(&mut self) -> Option<(usize, Result<&str>)> {
        // Skip blank lines (JSON allows only ASCII whitespace between values), then validate the
        // one line left in the buffer once.
        loop {
            self.buf.clear();
            self.line += 1;
            match self.fill_line() {
                Err(e) => return Some((0, Err(e))),
                Ok(None) => return None,
                Ok(Some(false)) => {
                    let limit = self.limits.max_line_bytes;
                    return Some((self.line, Err(Error::LineTooLong { limit })));
                }
                Ok(Some(true)) if self.buf.iter().all(u8::is_ascii_whitespace) => {}
                Ok(Some(true)) => break,
            }
        }
        let text = std::str::from_utf8(&self.buf).map_err(|_| Error::InvalidUtf8);
        Some((self.line, text.map(|t| t.trim_end_matches(['\n', '\r']))))
    }

    /// Reads one line into `buf`: `Ok(None)` at end of input, `Ok(Some(true))` when read whole,
    /// `Ok(Some(false))` when it was too long (the rest of it is consumed and dropped).
    fn fill_line(&mut self) -> Result<Option<bool>> {
        let mut seen_any = false;
        let mut too_long = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if available.is_empty() {
                let fits = !too_long && self.content_len() <= self.limits.max_line_bytes;
                return Ok(seen_any.then_some(fits));
            }
            seen_any = true;
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(end) => (&available[..=end], true),
                None => (available, false),
            };
            let used = chunk.len();
            if !too_long {
                if self.buf.len() + used > self.limits.max_line_bytes.saturating_add(2) {
                    too_long = true;
                    self.buf.clear();
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            if done {
                return Ok(Some(!too_long && self.content_len() <= self.limits.max_line_bytes));
            }
        }
    }

    /// Length of the line in `buf` without its `\n` or `\r\n` ending.
    fn content_len(&self) -> usize {
        let line = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        line.strip_suffix(b"\r").unwrap_or(line).len()
    }
}

/// One entry of a batch: its position and its evaluation (or, for a score-only batch, its
/// [`Grading`]) or error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchItem<T = Evaluation> {
    /// 0-based position among the records of the batch.
    pub index: usize,
    /// 1-based line number in the input (equal to `index + 1` for in-memory batches).
    pub line: usize,
    /// The result, or why this entry could not be evaluated.
    pub result: Result<T>,
}

impl<T> BatchItem<T> {
    /// The JSON line of a failed entry, `{"index", "line", "error"}`.
    fn failure_json(&self, error: &Error) -> String {
        #[derive(serde::Serialize)]
        struct Failed<'a> {
            index: usize,
            line: usize,
            error: &'a Error,
        }
        let failed = Failed { index: self.index, line: self.line, error };
        serde_json::to_string(&failed).unwrap_or_default()
    }
}

impl BatchItem {
    /// One JSON line: the full evaluation (or its [summary](Evaluation::summary) when `full` is
    /// false), or `{"index", "line", "error"}`.
    pub fn to_json(&self, full: bool) -> String {
        match &self.result {
            Ok(evaluation) if full => evaluation.to_json(),
            Ok(evaluation) => serde_json::to_string(&evaluation.summary()).unwrap_or_default(),
            Err(error) => self.failure_json(error),
        }
    }
}

impl BatchItem<Grading> {
    /// One JSON line: the grading (`uscc`, `score`, `grade`, `grade_by_score`, `vetoes`), or
    /// `{"index", "line", "error"}`.
    pub fn to_json(&self) -> String {
        match &self.result {
            Ok(grading) => serde_json::to_string(grading).unwrap_or_default(),
            Err(error) => self.failure_json(error),
        }
    }
}

/// Counts of a finished batch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSummary {
    /// Records read (non-blank lines).
    pub records: usize,
    /// Records evaluated.
    pub evaluated: usize,
    /// Records that failed.
    pub failed: usize,
}

impl Evaluator {
    /// Evaluates enterprises already in memory; one result per input, in order.
    pub fn evaluate_batch(
        &self,
        enterprises: &[Enterprise],
        as_of: Date,
    ) -> Vec<Result<Evaluation>> {
        self.evaluate_batch_with(enterprises, as_of, &RelatedParties::new())
    }

    /// Evaluates enterprises already in memory, each with its related-party context from
    /// `related` (by USCC) when it has one; one result per input, in order.
    pub fn evaluate_batch_with(
        &self,
        enterprises: &[Enterprise],
        as_of: Date,
        related: &RelatedParties,
    ) -> Vec<Result<Evaluation>> {
        let mut scratch = EvaluationScratch::new();
        enterprises
            .iter()
            .map(|e| self.evaluate_reusing(e, as_of, related.get(&e.uscc), &mut scratch))
            .collect()
    }

    /// Evaluates one line of JSON (an enterprise).
    pub fn evaluate_json(&self, line: &str, as_of: Date) -> Result<Evaluation> {
        self.evaluate_json_with(line, as_of, &RelatedParties::new())
    }

    /// Evaluates one line of JSON (an enterprise) with its related-party context from
    /// `related`, if it has one.
    pub fn evaluate_json_with(
        &self,
        line: &str,
        as_of: Date,
        related: &RelatedParties,
    ) -> Result<Evaluation> {
        let enterprise = Enterprise::from_json(line)?;
        self.evaluate_with(&enterprise, as_of, related.get(&enterprise.uscc))
    }

    /// Streams JSON Lines from `reader`, handing each result to `emit` in input order.
    ///
    /// Memory stays flat whatever the input size. Stops early only if the reader fails (an
    /// [`Error::Io`]) or `emit` returns an error.
    pub fn evaluate_jsonl<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        limits: LineLimits,
        emit: impl FnMut(BatchItem) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        self.evaluate_jsonl_with(reader, as_of, limits, &RelatedParties::new(), emit)
    }

    /// As [`Evaluator::evaluate_jsonl`], each enterprise with its related-party context from
    /// `related` (by USCC) when it has one.
    pub fn evaluate_jsonl_with<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        limits: LineLimits,
        related: &RelatedParties,
        mut emit: impl FnMut(BatchItem) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        let mut scratch = EvaluationScratch::new();
        for_each_line(
            reader,
            limits,
            |text| {
                let enterprise = Enterprise::from_json(text)?;
                let context = related.get(&enterprise.uscc);
                self.evaluate_reusing(&enterprise, as_of, context, &mut scratch)
            },
            |index, line, result| emit(BatchItem { index, line, result }),
        )
    }

    /// As [`Evaluator::evaluate_jsonl_with`], lending each result to `emit` instead of giving
    /// it away: once `emit` returns, the evaluation goes back to the scratch
    /// ([`EvaluationScratch::recycle`]) and the next line's result is written into its vectors,
    /// so a stream that writes each result and moves on allocates no result per line. The items
    /// are the same as `evaluate_jsonl_with` gives.
    pub fn evaluate_jsonl_lending<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        limits: LineLimits,
        related: &RelatedParties,
        mut emit: impl FnMut(&BatchItem) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        let mut scratch = EvaluationScratch::new();
        // The result last lent, on its way back to the scratch.
        let returned: std::cell::Cell<Option<Evaluation>> = std::cell::Cell::new(None);
        for_each_line(
            reader,
            limits,
            |text| {
                let enterprise = Enterprise::from_json(text)?;
                if let Some(evaluation) = returned.take() {
                    scratch.recycle(evaluation);
                }
                let context = related.get(&enterprise.uscc);
                self.evaluate_reusing(&enterprise, as_of, context, &mut scratch)
            },
            |index, line, result| {
                let item = BatchItem { index, line, result };
                let written = emit(&item);
                returned.set(item.result.ok());
                written
            },
        )
    }

    /// Score-only counterpart of [`Evaluator::evaluate_jsonl_with`], for re-grading a registry:
    /// each line's [`Grading`] (what [`Evaluator::grade_reusing`] gives, equal to the full
    /// evaluation's [`Evaluation::grading`]) in input order, errors included. Memory stays flat.
    pub fn grade_jsonl_with<R: BufRead>(
        &self,
        reader: R,
        as_of: Date,
        limits: LineLimits,
        related: &RelatedParties,
        mut emit: impl FnMut(BatchItem<Grading>) -> std::io::Result<()>,
    ) -> Result<BatchSummary> {
        let mut scratch = EvaluationScratch::new();
        for_each_line(
            reader,
            limits,
            |text| {
                let enterprise = Enterprise::from_json(text)?;
                let context = related.get(&enterprise.uscc);
                self.grade_reusing(&enterprise, as_of, context, &mut scratch)
            },
            |index, line, result| emit(BatchItem { index, line, result }),
        )
    }
}

/// The batch loop every JSON Lines reader shares: `work` runs on each non-blank line and
/// `emit` receives `(index, line, result)` in input order, errors included, so the count out
/// equals the count in. Memory stays flat. Stops early only if the reader fails (an
/// [`Error::Io`]) or `emit` returns an error.
pub fn for_each_line<R: BufRead, T>(
    reader: R,
    limits: LineLimits,
    mut work: impl FnMut(&str) -> Result<T>,
    mut emit: impl FnMut(usize, usize, Result<T>) -> std::io::Result<()>,
) -> Result<BatchSummary> {
    let mut lines = JsonLines::new(reader, limits);
    let mut summary = BatchSummary::default();
    while let Some((line, text)) = lines.next_line() {
        if line == 0 {
            return text.map(|_| summary);
        }
        let result = text.and_then(&mut work);
        match result {
            Ok(_) => summary.evaluated += 1,
            Err(_) => summary.failed += 1,
        }
        emit(summary.records, line, result)?;
        summary.records += 1;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(
        input: &[u8],
        limit: usize,
    ) -> Vec<(usize, std::result::Result<String, &'static str>)> {
        let mut reader = JsonLines::new(input, LineLimits { max_line_bytes: limit });
        let mut out = Vec::new();
        while let Some((n, r)) = reader.next_line() {
            out.push((n, r.map(str::to_owned).map_err(|e| e.kind())));
        }
        out
    }

    #[test]
    fn skips_blank_lines_and_keeps_numbers() {
        let got = lines(b"a\n\n  \r\nb\r\nc", 100);
        assert_eq!(got, vec![(1, Ok("a".into())), (4, Ok("b".into())), (5, Ok("c".into()))]);
    }

    #[test]
    fn overlong_and_invalid_lines_are_errors_for_that_line_only() {
        let mut input = b"ok\n".to_vec();
        input.extend(std::iter::repeat_n(b'x', 5000));
        input.extend(b"\n\xff\xfe\nlast\n");
        let got = lines(&input, 1000);
        assert_eq!(
            got,
            vec![
                (1, Ok("ok".into())),
                (2, Err("line_too_long")),
                (3, Err("invalid_utf8")),
                (4, Ok("last".into())),
            ]
        );
    }

    #[test]
    fn empty_input_gives_nothing() {
        assert!(lines(b"", 10).is_empty());
        assert!(lines(b"\n\n", 10).is_empty());
    }
}
