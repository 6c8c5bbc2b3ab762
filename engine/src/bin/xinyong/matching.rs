//! `xinyong match`: financing demands (JSON Lines) against a product catalog.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use xinyong::batch::{LineLimits, push_failure_line, push_json_line};
use xinyong::date::Date;
use xinyong::evaluate::Lang;
use xinyong::finance::{
    Catalog, Demand, DemandMatch, GraphSource, MatchOptions, MatchScratch, Matcher, ReferenceRate,
    yuan,
};
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};
use xinyong::parallel::{Chunking, for_each_line_parallel};

use crate::evaluate::load_evaluator;
use crate::io::{
    Jobs, Output, WriteFailure, engine_error, finish_lines, line_or_failure, open_input, read_text,
};
use crate::table::{cell, right};
use crate::{Outcome, date_arg, lang_arg, today};

/// How results are written.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per demand.
    Jsonl,
    /// A readable summary per demand.
    Table,
}

#[derive(clap::Args)]
pub struct Args {
    /// Product catalog (JSON).
    #[arg(long)]
    catalog: PathBuf,
    /// The 1-year LPR in percent per year (default 3.00, set 2025-05-20); given with
    /// `--lpr-date`, so that a rate is never quoted with another rate's date.
    #[arg(long, requires = "lpr_date", value_name = "PERCENT", allow_negative_numbers = true)]
    lpr: Option<Decimal>,
    /// Date the LPR given with `--lpr` was set; not after `--as-of`.
    #[arg(long, value_parser = date_arg, requires = "lpr", value_name = "DATE")]
    lpr_date: Option<Date>,
    /// Report only the best N eligible offers of each demand (every eligible product when
    /// absent); near misses are reported as before.
    #[arg(long, value_name = "N")]
    offers: Option<usize>,
    /// Evaluation and matching date; today when absent.
    #[arg(long, value_parser = date_arg)]
    as_of: Option<Date>,
    /// Model file (JSON); the embedded default model when absent.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Demands as JSON Lines; stdin when absent or `-`.
    #[arg(long, short, default_value = "-")]
    input: PathBuf,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Language of the table.
    #[arg(long, default_value = "zh", value_parser = lang_arg)]
    lang: Lang,
    /// Relationship graph as JSON Lines (the format of `xinyong graph`): the engine computes
    /// each demand's guarantee circle and guarantor close links from it, on the matching date.
    #[arg(long)]
    graph: Option<PathBuf>,
    #[command(flatten)]
    jobs: Jobs,
}

/// The catalog at `path`, validated against the evaluator's model; each product it holds
/// that can never be offered is told on standard error (the catalog is still used).
pub fn load_catalog(path: &Path, evaluator: &xinyong::Evaluator) -> io::Result<Catalog> {
    let catalog = Catalog::from_json(&read_text(path)?, evaluator.model()).map_err(engine_error)?;
    for never in catalog.never_offered() {
        eprintln!("xinyong: note: {}: {never}", path.display());
    }
    Ok(catalog)
}

/// A readable summary of one demand's match.
pub fn write_table(out: &mut impl Write, m: &DemandMatch, lang: Lang) -> io::Result<()> {
    let id = m.demand.as_deref().unwrap_or("-");
    writeln!(
        out,
        "{id} {} grade {} ({}), after plan {}",
        m.uscc, m.grade, m.score, m.plan_grade_after
    )?;
    if m.eligible.is_empty() {
        writeln!(out, "  no eligible product")?;
    }
    for offer in &m.eligible {
        writeln!(
            out,
            "  + {} {} {} {:>6}%  {}",
            cell(offer.product(), 14),
            cell(offer.name(), 24),
            right(&yuan(offer.limit), 12),
            offer.rate_percent,
            offer.explanation_in(lang)
        )?;
    }
    for miss in &m.near_misses {
        let plan = if miss.plan_makes_eligible { " [plan closes it]" } else { "" };
        write!(
            out,
            "  - {} {} {} failed: ",
            cell(miss.product(), 14),
            cell(miss.name(), 24),
            miss.failed.len()
        )?;
        if let Some(first) = miss.failed.first() {
            write!(out, "{}", first.text_in(lang))?;
        }
        writeln!(out, "{plan}")?;
    }
    Ok(())
}

/// The relationship graph at `path` (JSON Lines), with the default build policies.
fn load_graph(path: &Path) -> io::Result<RelationGraph> {
    let located = |e: xinyong::Error| {
        let error = engine_error(e);
        io::Error::new(error.kind(), format!("{}: {error}", path.display()))
    };
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&read_text(path)?).map_err(located)?;
    builder.freeze().map(|(graph, _)| graph).map_err(located)
}

/// One demand's result as the chosen format writes it, appended to `out`.
fn lay_out(out: &mut Vec<u8>, m: &DemandMatch, args: &Args) -> io::Result<()> {
    match args.format {
        Format::Jsonl => {
            push_json_line(out, m);
            Ok(())
        }
        Format::Table => write_table(out, m, args.lang),
    }
}

pub fn run(args: Args) -> io::Result<Outcome> {
    let evaluator = load_evaluator(args.model.as_deref())?;
    let catalog = load_catalog(&args.catalog, &evaluator)?;
    let mut options = MatchOptions { offers: args.offers, ..MatchOptions::default() };
    let as_of = args.as_of.unwrap_or_else(today);
    if let (Some(percent), Some(since)) = (args.lpr, args.lpr_date) {
        if since > as_of {
            let message = format!(
                "--lpr-date {since} is after the matching date {as_of}: \
                 quote the rate in force on that date"
            );
            return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
        }
        options.reference_rate = ReferenceRate::new(percent, since).map_err(engine_error)?;
    }
    let graph = args.graph.as_deref().map(load_graph).transpose()?;
    let source = graph.as_ref().map(|g| GraphSource::new(g, as_of)).transpose();
    let source = source.map_err(engine_error)?;
    let mut matcher = Matcher::new(&evaluator, &catalog, options);
    if let Some(source) = &source {
        matcher = matcher.with_graph(source);
    }
    let mut out = Output::open(args.output.as_deref())?;
    let mut failure = WriteFailure::default();
    let input = open_input(&args.input)?;
    let limits = LineLimits::default();
    let summary = if args.jobs.parallel()? {
        // Each demand's output is laid out on the thread that matched it, into a buffer of
        // the size the thread's previous demand took; the outputs come back in input order.
        let state = || (MatchScratch::default(), 0);
        let demand = |(scratch, size): &mut (MatchScratch, usize), text: &str| {
            let m = matcher.match_reusing(&Demand::from_json(text)?, as_of, scratch)?;
            let mut laid_out = Vec::with_capacity(*size);
            lay_out(&mut laid_out, &m, &args)?;
            scratch.recycle(m);
            *size = laid_out.len();
            Ok(laid_out)
        };
        let chunking = Chunking::MATCHING;
        for_each_line_parallel(input, limits, chunking, state, demand, |i, n, r| {
            failure.keep(out.write_all(&line_or_failure(r, i, n)))
        })
    } else {
        // One buffer holds each demand's output in turn.
        let mut laid_out = Vec::new();
        matcher.match_jsonl_lending(input, as_of, limits, |index, line, result| {
            laid_out.clear();
            let laid = match result {
                Ok(m) => lay_out(&mut laid_out, m, &args),
                Err(error) => {
                    push_failure_line(&mut laid_out, index, line, error);
                    Ok(())
                }
            };
            failure.keep(laid.and_then(|()| out.write_all(&laid_out)))
        })
    };
    finish_lines(summary, failure, out, "demands could not be matched")
}
