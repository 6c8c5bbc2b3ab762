//! The one error type of the engine.
//!
//! Every fallible public function returns [`Result<T, Error>`](Result). Each variant has a stable
//! snake_case [`Error::kind`] that bindings map to an exception class or a JS error name, and
//! carries its context (a JSON path, a position, a line) in fields rather than in message text, so
//! callers can react to the kind and show the message.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::privacy::redact;
use crate::uscc::UsccError;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem found in a model file, with the JSON path where it was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON path of the offending value, e.g. `dimensions[2].indicators[0].bins[1]`.
    pub path: String,
    /// What is wrong, in one sentence.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Everything that can go wrong in the engine.
///
/// Deliberately exhaustive (not `#[non_exhaustive]`): each binding maps the kinds in one `match`,
/// so a new kind fails to compile until every surface handles it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A Unified Social Credit Code failed validation.
    #[error("invalid USCC: {0}")]
    InvalidUscc(#[from] UsccError),
    /// The input is not well-formed JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    MalformedJson {
        /// 1-based line inside the parsed text.
        line: usize,
        /// 1-based column inside the parsed text.
        column: usize,
        /// What the JSON parser reported.
        message: String,
    },
    /// A field is missing, has the wrong type, or holds a value outside its domain.
    #[error("invalid field `{path}`: {message}")]
    InvalidField {
        /// JSON path of the field, e.g. `records[3].amount`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A record names a `kind` the engine does not know.
    #[error("unknown record kind `{kind}` at `{path}`")]
    UnknownRecordKind {
        /// JSON path of the record, e.g. `records[3]`.
        path: String,
        /// The kind as given.
        kind: String,
    },
    /// Dates of one record (or of the enterprise) contradict each other.
    #[error("inconsistent dates at `{path}`: {message}")]
    InconsistentDates {
        /// JSON path of the record or field.
        path: String,
        /// Which dates disagree.
        message: String,
    },
    /// A date lies after the evaluation date.
    #[error("date {date} at `{path}` is after the evaluation date {as_of}")]
    FutureDate {
        /// JSON path of the date.
        path: String,
        /// The offending date (`YYYY-MM-DD`).
        date: String,
        /// The evaluation date (`YYYY-MM-DD`).
        as_of: String,
    },
    /// A model file failed validation; every problem found is listed.
    #[error("invalid model: {}", join_problems(.problems))]
    InvalidModel {
        /// All problems, each with its JSON path.
        problems: Vec<Problem>,
    },
    /// An input line is longer than the configured limit; the line was skipped.
    #[error("line is longer than the limit of {limit} bytes")]
    LineTooLong {
        /// The limit in bytes.
        limit: usize,
    },
    /// An input line is not valid UTF-8.
    #[error("input is not valid UTF-8")]
    InvalidUtf8,
    /// An input exceeds a configured size limit.
    #[error("limit exceeded: {what} is {found}, the limit is {limit}")]
    LimitExceeded {
        /// What was counted, e.g. `records`.
        what: String,
        /// The configured limit.
        limit: usize,
        /// The count found.
        found: usize,
    },
    /// Reading the caller's input failed.
    #[error("I/O error: {message}")]
    Io {
        /// The operating system's message.
        message: String,
    },
}

fn join_problems(problems: &[Problem]) -> String {
    let shown: Vec<String> = problems.iter().take(5).map(ToString::to_string).collect();
    let more = problems.len().saturating_sub(5);
    if more > 0 { format!("{}; and {more} more", shown.join("; ")) } else { shown.join("; ") }
}

/// `text` with resident identity numbers redacted, reusing the allocation when there are none.
pub(crate) fn redacted(text: String) -> String {
    match redact(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(clean) => clean,
    }
}

impl Error {
    /// The error of a JSON text serde_json could not read, `line` being the text's 1-based
    /// line in the caller's input: `limit_exceeded` when it nests too deep, else
    /// `malformed_json` with serde_json's message, which loses its trailing position (the
    /// error's fields carry it) and is clipped (it may quote a huge input). Every reader of
    /// JSON words its syntax errors this one way.
    pub fn from_json_syntax(err: &serde_json::Error, line: usize) -> Error {
        crate::record::syntax_error(err, line)
    }

    /// The stable, snake_case name of this error's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidUscc(_) => "invalid_uscc",
            Error::MalformedJson { .. } => "malformed_json",
            Error::InvalidField { .. } => "invalid_field",
            Error::UnknownRecordKind { .. } => "unknown_record_kind",
            Error::InconsistentDates { .. } => "inconsistent_dates",
            Error::FutureDate { .. } => "future_date",
            Error::InvalidModel { .. } => "invalid_model",
            Error::LineTooLong { .. } => "line_too_long",
            Error::InvalidUtf8 => "invalid_utf8",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::Io { .. } => "io",
        }
    }

    /// Every stable kind name, for bindings that build one exception class per kind.
    pub const KINDS: [&'static str; 11] = [
        "invalid_uscc",
        "malformed_json",
        "invalid_field",
        "unknown_record_kind",
        "inconsistent_dates",
        "future_date",
        "invalid_model",
        "line_too_long",
        "invalid_utf8",
        "limit_exceeded",
        "io",
    ];

    /// The JSON path the error points at, when it has one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::InvalidField { path, .. }
            | Error::UnknownRecordKind { path, .. }
            | Error::InconsistentDates { path, .. }
            | Error::FutureDate { path, .. } => Some(path),
            Error::InvalidUscc(_)
            | Error::MalformedJson { .. }
            | Error::InvalidModel { .. }
            | Error::LineTooLong { .. }
            | Error::InvalidUtf8
            | Error::LimitExceeded { .. }
            | Error::Io { .. } => None,
        }
    }

    /// An `invalid_field` error. Path and message pass through [`redact`]: both may quote the
    /// input, and a resident identity number must never leave the engine in an error.
    pub(crate) fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidField { path: redacted(path.into()), message: redacted(message.into()) }
    }

    /// An `inconsistent_dates` error (path and message redacted like [`Error::field`]).
    pub(crate) fn dates(path: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InconsistentDates { path: redacted(path.into()), message: redacted(message.into()) }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io { message: e.to_string() }
    }
}

/// Serialises as `{"kind": ..., "message": ..., <context fields>}`: the shape every surface
/// (CLI, Python, JavaScript) prints for an error.
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("kind", self.kind())?;
        map.serialize_entry("message", &self.to_string())?;
        match self {
            Error::InvalidUscc(e) => {
                map.serialize_entry("reason", e.kind())?;
                map.serialize_entry("position", &e.position())?;
            }
            Error::MalformedJson { line, column, .. } => {
                map.serialize_entry("line", line)?;
                map.serialize_entry("column", column)?;
            }
            Error::InvalidModel { problems } => map.serialize_entry("problems", problems)?,
            Error::FutureDate { path, date, as_of } => {
                map.serialize_entry("path", path)?;
                map.serialize_entry("date", date)?;
                map.serialize_entry("as_of", as_of)?;
            }
            Error::LineTooLong { limit } => map.serialize_entry("limit", limit)?,
            Error::LimitExceeded { what, limit, found } => {
                map.serialize_entry("what", what)?;
                map.serialize_entry("limit", limit)?;
                map.serialize_entry("found", found)?;
            }
            Error::InvalidField { path, .. }
            | Error::UnknownRecordKind { path, .. }
            | Error::InconsistentDates { path, .. } => map.serialize_entry("path", path)?,
            Error::InvalidUtf8 | Error::Io { .. } => {}
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_listed_once_each() {
        let mut kinds = Error::KINDS.to_vec();
        kinds.sort_unstable();
        kinds.dedup();
        assert_eq!(kinds.len(), Error::KINDS.len());
        assert!(Error::KINDS.contains(&Error::InvalidUtf8.kind()));
    }

    #[test]
    fn serialises_kind_message_and_path() {
        let e = Error::field("records[2].amount", "must not be negative");
        let json = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(json["kind"], "invalid_field");
        assert_eq!(json["path"], "records[2].amount");
        assert_eq!(json["message"], "invalid field `records[2].amount`: must not be negative");
    }
}
