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
            // `.` is the whole line (a missing field); any other path continues after it.
            Error::InvalidField { path, message } => match path.as_str() {
                "." => Error::field(format!("lines[{i}]"), message),
                _ => Error::field(format!("lines[{i}].{path}"), message),
            },
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
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let next = self.next_line_into(&mut buf);
        self.buf = buf;
        let (line, span) = next?;
        // Validated once, the line alone.
        let text = span.and_then(|span| {
            let bytes = self.buf.get(span).unwrap_or_default();
            std::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8)
        });
        Some((line, text))
    }

    /// The next non-blank line appended to `out`, as `(line number, its span in out)`: the
    /// line without its ending, not yet checked for UTF-8 (see [`JsonLines::next_line`] for
    /// the errors). Reading straight into a caller's buffer spares a copy when many lines are
    /// gathered before they are worked on.
    pub(crate) fn next_line_into(
        &mut self,
        out: &mut Vec<u8>,
    ) -> Option<(usize, Result<std::ops::Range<usize>>)> {
        // Skip blank lines (JSON allows only ASCII whitespace between values).
        let start = out.len();
        loop {
            out.truncate(start);
            self.line += 1;
            match self.fill_line(out, start) {
                Err(e) => return Some((0, Err(e))),
                Ok(None) => return None,
                Ok(Some(false)) => {
                    out.truncate(start);
                    let limit = self.limits.max_line_bytes;
                    return Some((self.line, Err(Error::LineTooLong { limit })));
                }
                Ok(Some(true)) if out[start..].iter().all(u8::is_ascii_whitespace) => {}
                Ok(Some(true)) => break,
            }
        }
        // Every `\n` and `\r` at the end is dropped, as `trim_end_matches` would.
        let kept = out[start..].iter().rposition(|b| !matches!(b, b'\n' | b'\r'));
        let end = start + kept.map_or(0, |last| last + 1);
        out.truncate(end);
        Some((self.line, Ok(start..end)))
    }

    /// Reads one line onto the end of `out` (whose line starts at `start`): `Ok(None)` at end
    /// of input, `Ok(Some(true))` when read whole, `Ok(Some(false))` when it was too long (the
    /// rest of it is consumed and dropped).
    fn fill_line(&mut self, out: &mut Vec<u8>, start: usize) -> Result<Option<bool>> {
        let mut seen_any = false;
        let mut too_long = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if available.is_empty() {
                let fits = !too_long && content_len(&out[start..]) <= self.limits.max_line_bytes;
                return Ok(seen_any.then_some(fits));
            }
            seen_any = true;
            let (chunk, done) = match memchr::memchr(b'\n', available) {
                Some(end) => (&available[..=end], true),
                None => (available, false),
            };
            let used = chunk.len();
            if !too_long {
                if out.len() - start + used > self.limits.max_line_bytes.saturating_add(2) {
                    too_long = true;
                    out.truncate(start);
                } else {
                    out.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            if done {
                let fits = content_len(&out[start..]) <= self.limits.max_line_bytes;
                return Ok(Some(!too_long && fits));
            }
        }
    }
}

/// Length of `line` without its `\n` or `\r\n` ending.
fn content_len(line: &[u8]) -> usize {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line).len()
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

/// The entry of a failed record as JSON Lines write it, `{"index", "line", "error"}`.
#[derive(serde::Serialize)]
struct Failed<'a> {
    index: usize,
    line: usize,
    error: &'a Error,
}

/// Appends `value`'s JSON and a newline to `out`: one line of a JSON Lines output, written
/// into a buffer the caller reuses. The JSON is left out when it cannot be written (never for
/// this crate's results, whose map keys are all strings), as `to_json` then gives an empty
/// text.
pub fn push_json_line(out: &mut Vec<u8>, value: &impl serde::Serialize) {
    let start = out.len();
    if serde_json::to_writer(&mut *out, value).is_err() {
        out.truncate(start);
    }
    out.push(b'\n');
}

/// The line of an entry that failed, `{"index", "line", "error"}`, appended to `out`: what
/// every JSON Lines batch writes in place of a result.
pub fn push_failure_line(out: &mut Vec<u8>, index: usize, line: usize, error: &Error) {
    push_json_line(out, &Failed { index, line, error });
}

/// The line of an evaluation, the whole of it or its [summary](Evaluation::summary) when
/// `full` is false, appended to `out`.
pub fn push_evaluation_line(out: &mut Vec<u8>, evaluation: &Evaluation, full: bool) {
    if full {
        push_json_line(out, evaluation);
    } else {
        push_json_line(out, &evaluation.summary());
    }
}

/// `value`'s JSON text; empty when it cannot be written, as [`push_json_line`] leaves it out.
fn json_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

impl BatchItem {
    /// One JSON line: the full evaluation (or its [summary](Evaluation::summary) when `full` is
    /// false), or `{"index", "line", "error"}`.
    pub fn to_json(&self, full: bool) -> String {
        match &self.result {
            Ok(evaluation) if full => json_text(evaluation),
            Ok(evaluation) => json_text(&evaluation.summary()),
            Err(error) => json_text(&Failed { index: self.index, line: self.line, error }),
        }
    }

    /// [`to_json`](Self::to_json) and a newline, appended to `out`: a stream reuses one
    /// buffer for every line rather than a string grown for each.
    pub fn push_json_line(&self, out: &mut Vec<u8>, full: bool) {
        match &self.result {
            Ok(evaluation) => push_evaluation_line(out, evaluation, full),
            Err(error) => push_failure_line(out, self.index, self.line, error),
        }
    }
}

impl BatchItem<Grading> {
    /// One JSON line: the grading (`uscc`, `score`, `grade`, `grade_by_score`, `vetoes`), or
    /// `{"index", "line", "error"}`.
    pub fn to_json(&self) -> String {
        match &self.result {
            Ok(grading) => json_text(grading),
            Err(error) => json_text(&Failed { index: self.index, line: self.line, error }),
        }
    }

    /// [`to_json`](Self::to_json) and a newline, appended to `out`: a stream reuses one
    /// buffer for every line rather than a string grown for each.
    pub fn push_json_line(&self, out: &mut Vec<u8>) {
        match &self.result {
            Ok(grading) => push_json_line(out, grading),
            Err(error) => push_failure_line(out, self.index, self.line, error),
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

    /// Lines appended to one reused buffer are the texts of `to_json`, each with its newline:
    /// full evaluations, summaries, gradings and errors alike.
    #[test]
    fn lines_pushed_into_one_buffer_are_the_json_texts() {
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let config = crate::synth::SynthConfig::new(40, 7, as_of);
        let mut input = String::new();
        for (i, e) in crate::synth::registry(&config).enumerate() {
            input.push_str(&e.to_json());
            input.push('\n');
            if i % 9 == 0 {
                input.push_str("{\"uscc\": \"not a code\"}\n[1, 2\n");
            }
        }
        let evaluator = Evaluator::default_model();
        let limits = LineLimits::default();
        for full in [false, true] {
            let (mut pushed, mut texts) = (Vec::new(), String::new());
            let summary = evaluator.evaluate_jsonl(input.as_bytes(), as_of, limits, |item| {
                item.push_json_line(&mut pushed, full);
                texts.push_str(&item.to_json(full));
                texts.push('\n');
                Ok(())
            });
            assert_eq!(summary.unwrap().failed, 10);
            assert_eq!(String::from_utf8(pushed).unwrap(), texts);
        }
        let (mut pushed, mut texts) = (Vec::new(), String::new());
        let related = RelatedParties::new();
        let summary =
            evaluator.grade_jsonl_with(input.as_bytes(), as_of, limits, &related, |item| {
                item.push_json_line(&mut pushed);
                texts.push_str(&item.to_json());
                texts.push('\n');
                Ok(())
            });
        assert_eq!(summary.unwrap().records, 50);
        assert_eq!(String::from_utf8(pushed).unwrap(), texts);
    }

    #[test]
    fn empty_input_gives_nothing() {
        assert!(lines(b"", 10).is_empty());
        assert!(lines(b"\n\n", 10).is_empty());
    }

    /// The lines as the format defines them: split at `\n`; a line longer than the limit
    /// without its `\n` or `\r\n` is an error (even a blank one); blank (ASCII whitespace)
    /// lines skipped but counted; every `\r` and `\n` at the end dropped; then checked for
    /// UTF-8.
    fn reference(input: &[u8], limit: usize) -> Vec<(usize, Result<String, &'static str>)> {
        let mut out = Vec::new();
        let mut pieces: Vec<&[u8]> = input.split(|b| *b == b'\n').collect();
        if pieces.last().is_some_and(|p| p.is_empty()) {
            pieces.pop();
        }
        for (i, piece) in pieces.into_iter().enumerate() {
            let content = piece.strip_suffix(b"\r").unwrap_or(piece);
            let result = if content.len() > limit {
                Err("line_too_long")
            } else if piece.iter().all(u8::is_ascii_whitespace) {
                continue;
            } else {
                let end = piece.iter().rposition(|b| *b != b'\r').map_or(0, |p| p + 1);
                std::str::from_utf8(&piece[..end]).map(str::to_owned).map_err(|_| "invalid_utf8")
            };
            out.push((i + 1, result));
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn lines_are_read_as_the_format_defines_them(
            bytes in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b'{', b' ', b'\t', b'\r', b'\n', 0xe4, 0xbf, 0xa1, 0xff]),
                0..300,
            ),
            limit in 0usize..12,
        ) {
            proptest::prop_assert_eq!(lines(&bytes, limit), reference(&bytes, limit));
        }
    }
}
