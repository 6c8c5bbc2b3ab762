//! `xinyong metrics`: validation metrics of a JSON Lines file of scores and outcomes.
//!
//! Each non-blank line is an object such as `{"score": 612.5, "bad": 1}`. A line that does not
//! read (bad JSON, a missing or non-finite score, an outcome other than 0/1/true/false, a
//! probability outside `[0, 1]`) is listed under `errors` with its index and line number and
//! left out: the metrics are computed over the lines that read, and the exit code is 1 so that a
//! script cannot mistake a partial report for a clean one. Leaving a bad line out is safer than
//! stopping at it: one corrupt line in a million should not hide the others' report, and it is
//! never silent.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};
use xinyong::Error;
use xinyong::metrics::{self, Direction, Ks, ScorePsi};

use crate::Outcome;
use crate::io::open_input;

/// At most this many bad lines are listed; `rejected` counts them all.
const LISTED_ERRORS: usize = 100;

#[derive(clap::Args)]
pub struct Args {
    /// JSON Lines of scores and outcomes (`-` for stdin).
    file: PathBuf,
    /// The member holding the score.
    #[arg(long, default_value = "score")]
    score: String,
    /// The member holding the outcome: 1 or true for a bad (default), 0 or false for a good.
    #[arg(long, default_value = "bad")]
    target: String,
    /// The member holding a predicted probability of default; adds the Brier score.
    #[arg(long)]
    probability: Option<String>,
    /// Which end of the score is risky, for AUC and Gini.
    #[arg(long, value_enum, default_value_t = DirectionArg::HigherIsGood)]
    direction: DirectionArg,
    /// A baseline JSON Lines file (scores under the same member): adds the PSI of this file's
    /// scores against the baseline's, binned at the baseline's deciles (see --bins).
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Bins of the PSI: quantiles of the baseline scores.
    #[arg(long, default_value_t = 10)]
    bins: usize,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DirectionArg {
    /// A higher score is a lower risk (credit scores, scorecard points).
    HigherIsGood,
    /// A higher score is a higher risk (probabilities of default, risk scores).
    HigherIsBad,
}

impl From<DirectionArg> for Direction {
    fn from(d: DirectionArg) -> Direction {
        match d {
            DirectionArg::HigherIsGood => Direction::HigherIsGood,
            DirectionArg::HigherIsBad => Direction::HigherIsBad,
        }
    }
}

/// A line that did not read.
#[derive(Serialize)]
struct Rejected {
    /// 0-based among the non-blank lines.
    index: usize,
    /// 1-based line number in the file.
    line: usize,
    error: Error,
}

/// The rows that read, and the lines that did not.
#[derive(Default)]
struct Sample {
    scores: Vec<f64>,
    bads: Vec<bool>,
    probabilities: Vec<f64>,
    rejected: Vec<Rejected>,
    rejected_count: usize,
}

/// What to read from each line.
struct Fields<'a> {
    score: &'a str,
    target: Option<&'a str>,
    probability: Option<&'a str>,
}

impl Sample {
    fn read(path: &Path, fields: &Fields<'_>) -> io::Result<Sample> {
        let mut sample = Sample::default();
        let mut index = 0;
        for (number, line) in open_input(path)?.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            if let Err(error) = sample.push(&line, fields) {
                sample.rejected_count += 1;
                if sample.rejected.len() < LISTED_ERRORS {
                    sample.rejected.push(Rejected { index, line: number + 1, error });
                }
            }
            index += 1;
        }
        Ok(sample)
    }

    /// Reads one line; nothing is kept unless every field reads.
    fn push(&mut self, line: &str, fields: &Fields<'_>) -> Result<(), Error> {
        let value: Value =
            serde_json::from_str(line).map_err(|e| Error::from_json_syntax(&e, 1))?;
        let Value::Object(object) = value else {
            return Err(invalid(".", format!("expected an object, got {}", kind(&value))));
        };
        let score = number(&object, fields.score)?;
        let bad = match fields.target {
            Some(name) => Some(outcome(&object, name)?),
            None => None,
        };
        let probability = match fields.probability {
            Some(name) => {
                let p = number(&object, name)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(invalid(name, format!("{p} is not a probability in [0, 1]")));
                }
                Some(p)
            }
            None => None,
        };
        self.scores.push(score);
        self.bads.extend(bad);
        self.probabilities.extend(probability);
        Ok(())
    }
}

fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::InvalidField { path: path.to_owned(), message: message.into() }
}

/// A finite JSON number.
fn number(object: &Map<String, Value>, name: &str) -> Result<f64, Error> {
    match object.get(name) {
        Some(Value::Number(n)) => {
            n.as_f64().filter(|x| x.is_finite()).ok_or_else(|| invalid(name, "not a finite number"))
        }
        Some(other) => Err(invalid(name, format!("expected a number, got {}", kind(other)))),
        None => Err(invalid(name, "missing")),
    }
}

/// What a JSON value is, for messages that must not echo input text (it may be personal).
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// 1 or `true` for a bad, 0 or `false` for a good.
fn outcome(object: &Map<String, Value>, name: &str) -> Result<bool, Error> {
    match object.get(name) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(true),
        Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(false),
        Some(Value::Number(n)) => Err(invalid(name, format!("expected 0 or 1, got {n}"))),
        Some(other) => {
            Err(invalid(name, format!("expected 0, 1, true or false, got {}", kind(other))))
        }
        None => Err(invalid(name, "missing")),
    }
}

/// The report, one JSON object.
#[derive(Serialize)]
struct Report {
    /// Lines that read.
    rows: usize,
    bads: usize,
    goods: usize,
    /// Lines that did not read (the first of them are under `errors`).
    rejected: usize,
    direction: Direction,
    #[serde(skip_serializing_if = "Option::is_none")]
    ks: Option<Ks>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auc: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gini: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    brier: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    psi: Option<BaselinePsi>,
    /// Why the metrics could not be computed (e.g. no bads), when they could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Error>,
    errors: Vec<Rejected>,
}

#[derive(Serialize)]
struct BaselinePsi {
    /// Baseline lines that read.
    baseline_rows: usize,
    /// Baseline lines that did not read.
    baseline_rejected: usize,
    baseline_errors: Vec<Rejected>,
    #[serde(flatten)]
    psi: ScorePsi,
}

pub fn run(args: Args) -> io::Result<Outcome> {
    let fields = Fields {
        score: &args.score,
        target: Some(&args.target),
        probability: args.probability.as_deref(),
    };
    let sample = Sample::read(&args.file, &fields)?;
    let baseline = match &args.baseline {
        Some(path) => {
            let only_scores = Fields { score: &args.score, target: None, probability: None };
            Some(Sample::read(path, &only_scores)?)
        }
        None => None,
    };
    let direction = Direction::from(args.direction);
    let bads = sample.bads.iter().filter(|&&b| b).count();
    let mut report = Report {
        rows: sample.scores.len(),
        bads,
        goods: sample.scores.len() - bads,
        rejected: sample.rejected_count,
        direction,
        ks: None,
        auc: None,
        gini: None,
        brier: None,
        psi: None,
        error: None,
        errors: Vec::new(),
    };
    let computed = compute(&mut report, &sample, baseline, args.bins);
    let clean = computed.is_ok() && report.rejected == 0;
    report.error = computed.err();
    report.errors = sample.rejected;
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, &report).map_err(io::Error::other)?;
    writeln!(out)?;
    Ok(if clean { Outcome::Clean } else { Outcome::SomeInvalid })
}

fn compute(
    report: &mut Report,
    sample: &Sample,
    baseline: Option<Sample>,
    bins: usize,
) -> Result<(), Error> {
    let (scores, bads) = (&sample.scores, &sample.bads);
    report.ks = Some(metrics::ks(scores, bads)?);
    report.auc = Some(metrics::auc(scores, bads, report.direction)?);
    report.gini = Some(metrics::gini(scores, bads, report.direction)?);
    if !sample.probabilities.is_empty() {
        report.brier = Some(metrics::brier(&sample.probabilities, bads)?);
    }
    if let Some(baseline) = baseline {
        let psi = metrics::psi_from_scores(&baseline.scores, scores, bins)?;
        report.psi = Some(BaselinePsi {
            baseline_rows: baseline.scores.len(),
            baseline_rejected: baseline.rejected_count,
            baseline_errors: baseline.rejected,
            psi,
        });
    }
    Ok(())
}
