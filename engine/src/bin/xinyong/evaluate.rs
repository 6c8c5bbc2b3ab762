//! `xinyong evaluate` (JSON Lines in, JSON Lines out) and `xinyong explain` (one readable report).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use xinyong::batch::{
    LineLimits, RelatedParties, push_evaluation_line, push_json_line, read_related_parties,
};
use xinyong::date::Date;
use xinyong::evaluate::{EvaluationScratch, Lang};
use xinyong::parallel::{Chunking, for_each_line_parallel};
use xinyong::{Enterprise, Evaluator, Model};

use crate::io::{
    Jobs, Output, WriteFailure, engine_error, finish_lines, line_or_failure, open_input, read_text,
};
use crate::{Outcome, date_arg, lang_arg, today};

#[derive(clap::Args)]
pub struct Args {
    /// Model file (JSON); the embedded default model when absent.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Evaluation date (YYYY-MM-DD); today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// Write full evaluations (reason texts, contributions, improvement plan) instead of the
    /// compact summary.
    #[arg(long)]
    explain: bool,
    /// Write only each firm's grading (`uscc`, `score`, `grade`, `grade_by_score`, `vetoes`),
    /// without contributions, reasons or plan: the same score and grade as a full evaluation at
    /// a fraction of the cost, for re-grading a whole registry.
    #[arg(long, conflicts_with = "explain")]
    score_only: bool,
    /// Input file of JSON Lines; stdin when absent or `-`.
    #[arg(long, short, default_value = "-")]
    input: PathBuf,
    /// Output file, written atomically (under a temporary name, renamed when complete); stdout
    /// when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Longest input line accepted, in bytes; longer lines are reported as errors.
    #[arg(long, default_value_t = LineLimits::default().max_line_bytes)]
    max_line_bytes: usize,
    /// Graph indicators (the JSON Lines `xinyong graph features` writes) to evaluate each firm
    /// with its related-party context; firms not in the file are evaluated without one.
    #[arg(long, value_name = "FILE")]
    graph_features: Option<PathBuf>,
    #[command(flatten)]
    jobs: Jobs,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// An enterprise as JSON (one object; `-` for stdin).
    file: PathBuf,
    /// Report language.
    #[arg(long, default_value = "zh", value_parser = lang_arg)]
    lang: Lang,
    /// Model file (JSON); the embedded default model when absent.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Evaluation date (YYYY-MM-DD); today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// Graph indicators (the JSON Lines `xinyong graph features` writes): the firm is evaluated
    /// with its related-party context when the file has a line for it.
    #[arg(long, value_name = "FILE")]
    graph_features: Option<PathBuf>,
}

/// The related-party contexts of `--graph-features`, none when absent; a bad file is an error
/// naming the file.
fn load_related(path: Option<&Path>) -> io::Result<RelatedParties> {
    let Some(path) = path else { return Ok(RelatedParties::new()) };
    read_related_parties(&read_text(path)?)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
}

/// The evaluator for `--model`, or the default.
pub fn load_evaluator(path: Option<&Path>) -> io::Result<Evaluator> {
    match path {
        None => Ok(Evaluator::default_model()),
        Some(path) => {
            let model = Model::from_json(&read_text(path)?).map_err(engine_error)?;
            Evaluator::new(model).map_err(engine_error)
        }
    }
}

fn progress() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {human_pos} evaluated ({per_sec}) {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

pub fn run(args: Args) -> io::Result<Outcome> {
    let evaluator = load_evaluator(args.model.as_deref())?;
    let related = load_related(args.graph_features.as_deref())?;
    let as_of = args.as_of.unwrap_or_else(today);
    let input = open_input(&args.input)?;
    let mut out = Output::open(args.output.as_deref())?;
    let limits = LineLimits { max_line_bytes: args.max_line_bytes };
    let bar = progress();
    let mut failure = WriteFailure::default();
    let tick = |index: usize| {
        if index.is_multiple_of(4096) {
            bar.set_position(index as u64);
        }
    };
    let summary = if args.jobs.parallel()? {
        // Each line's JSON is written on the thread that evaluated it, into a buffer of the
        // size the thread's previous line took; the lines come back in input order.
        let state = || (EvaluationScratch::new(), 0);
        let line = |(scratch, size): &mut (EvaluationScratch, usize), text: &str| {
            let enterprise = Enterprise::from_json(text)?;
            let context = related.get(&enterprise.uscc);
            let mut json = Vec::with_capacity(*size);
            if args.score_only {
                let grading = evaluator.grade_reusing(&enterprise, as_of, context, scratch)?;
                push_json_line(&mut json, &grading);
            } else {
                let evaluation =
                    evaluator.evaluate_reusing(&enterprise, as_of, context, scratch)?;
                push_evaluation_line(&mut json, &evaluation, args.explain);
                scratch.recycle(evaluation);
            }
            *size = json.len();
            Ok(json)
        };
        let chunking = Chunking::default();
        for_each_line_parallel(input, limits, chunking, state, line, |i, n, r| {
            tick(i);
            failure.keep(out.write_all(&line_or_failure(r, i, n)))
        })
    } else if args.score_only {
        // One buffer holds each line in turn.
        let mut line = Vec::new();
        evaluator.grade_jsonl_with(input, as_of, limits, &related, |item| {
            tick(item.index);
            line.clear();
            item.push_json_line(&mut line);
            failure.keep(out.write_all(&line))
        })
    } else {
        // Each result is written, then its vectors hold the next line's.
        let mut line = Vec::new();
        evaluator.evaluate_jsonl_lending(input, as_of, limits, &related, |item| {
            tick(item.index);
            line.clear();
            item.push_json_line(&mut line, args.explain);
            failure.keep(out.write_all(&line))
        })
    };
    bar.finish_and_clear();
    finish_lines(summary, failure, out, "records could not be evaluated (see their error lines)")
}

pub fn explain(args: ExplainArgs) -> io::Result<Outcome> {
    let evaluator = load_evaluator(args.model.as_deref())?;
    let related = load_related(args.graph_features.as_deref())?;
    let text = read_text(&args.file)?;
    let as_of = args.as_of.unwrap_or_else(today);
    let evaluation = Enterprise::from_json(&text)
        .and_then(|e| evaluator.evaluate_with(&e, as_of, related.get(&e.uscc)))
        .map_err(engine_error)?;
    print!("{}", evaluator.explain(&evaluation, args.lang));
    Ok(Outcome::Clean)
}
