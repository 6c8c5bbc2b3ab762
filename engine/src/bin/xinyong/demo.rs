//! `xinyong demo`: the bundled sample registry, evaluated with the default model.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use xinyong::batch::{BatchItem, LineLimits};
use xinyong::date::Date;
use xinyong::evaluate::{Evaluation, Lang};
use xinyong::synth::{SynthConfig, registry};
use xinyong::{Enterprise, Evaluator};

use crate::io::{AtomicFile, open_input};
use crate::table::{cell, right};
use crate::{Outcome, date_arg, lang_arg};

/// The recipe of `fixtures/registry/registry.jsonl`: `xinyong synth --enterprises 300 --seed
/// 2026 --as-of 2026-06-30`.
const SAMPLE_SIZE: usize = 300;
const SAMPLE_SEED: u64 = 2026;
const SAMPLE_AS_OF: &str = "2026-06-30";

#[derive(clap::Args)]
pub struct Args {
    /// Registry (JSON Lines); when the file is missing, the same registry is generated.
    #[arg(long, default_value = "fixtures/registry/registry.jsonl")]
    registry: PathBuf,
    /// Evaluation date.
    #[arg(long, value_parser = date_arg, default_value = SAMPLE_AS_OF)]
    as_of: Date,
    /// Where to write the full evaluations (JSON Lines).
    #[arg(long, default_value = "out/demo-evaluations.jsonl")]
    out: PathBuf,
    /// Language of reasons and the sample report.
    #[arg(long, default_value = "en", value_parser = lang_arg)]
    lang: Lang,
    /// Product catalog for the financing section (skipped when the file is missing).
    #[arg(long, default_value = "fixtures/finance/catalog.json")]
    catalog: PathBuf,
    /// Financing demands (JSON Lines) matched against the catalog.
    #[arg(long, default_value = "fixtures/finance/demands.jsonl")]
    demands: PathBuf,
    /// Rows of the table to print.
    #[arg(long, default_value_t = 20)]
    rows: usize,
}

/// The registry's enterprises with their line numbers, and where they came from.
type Registry = (Vec<(usize, xinyong::Result<Enterprise>)>, String);

fn load(args: &Args) -> io::Result<Registry> {
    if args.registry.exists() {
        let mut lines =
            xinyong::batch::JsonLines::new(open_input(&args.registry)?, LineLimits::default());
        let mut firms = Vec::new();
        while let Some((line, text)) = lines.next_line() {
            firms.push((line, text.and_then(Enterprise::from_json)));
        }
        Ok((firms, args.registry.display().to_string()))
    } else {
        let as_of = xinyong::date::parse_date(SAMPLE_AS_OF).unwrap_or(args.as_of);
        let config = SynthConfig::new(SAMPLE_SIZE, SAMPLE_SEED, as_of);
        let firms = registry(&config).enumerate().map(|(i, e)| (i + 1, Ok(e))).collect();
        Ok((firms, format!("synthetic registry (seed {SAMPLE_SEED}, {SAMPLE_SIZE} firms)")))
    }
}

pub fn run(args: Args) -> io::Result<Outcome> {
    let evaluator = Evaluator::default_model();
    let (firms, source) = load(&args)?;
    let items: Vec<BatchItem> = firms
        .into_iter()
        .enumerate()
        .map(|(index, (line, firm))| BatchItem {
            index,
            line,
            result: firm.and_then(|e| evaluator.evaluate(&e, args.as_of)),
        })
        .collect();
    let mut file = AtomicFile::create(&args.out)?;
    for item in &items {
        writeln!(file, "{}", item.to_json(true))?;
    }
    file.commit()?;
    let results: Vec<Result<Evaluation, String>> =
        items.into_iter().map(|i| i.result.map_err(|e| format!("line {}: {e}", i.line))).collect();

    let stamp = evaluator.stamp();
    let out = &mut io::stdout().lock();
    writeln!(out, "xinyong demo: {} enterprises from {source}", results.len())?;
    writeln!(
        out,
        "model {} {} ({}), as of {}\n",
        stamp.id,
        stamp.version,
        &stamp.hash[..15],
        args.as_of
    )?;
    print_table(out, &results, args.rows, args.lang)?;
    print_distribution(out, &results)?;
    print_sample(out, &evaluator, &results, args.lang)?;
    print_matches(out, &evaluator, &args)?;
    writeln!(out, "\nfull evaluations written to {}", args.out.display())?;
    let failed = results.iter().filter(|r| r.is_err()).count();
    Ok(if failed == 0 { Outcome::Clean } else { Outcome::SomeInvalid })
}

fn print_table(
    out: &mut impl Write,
    results: &[Result<Evaluation, String>],
    rows: usize,
    lang: Lang,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {} {} {} top reason",
        cell("USCC", 18),
        cell("name", 30),
        right("score", 5),
        cell("grade", 12)
    )?;
    writeln!(out, "{}", "-".repeat(100))?;
    for result in results.iter().take(rows) {
        match result {
            Ok(ev) => {
                let reason = ev.reasons.first().map_or("-", |r| r.text.get(lang));
                writeln!(
                    out,
                    "{} {} {} {} {}",
                    ev.uscc,
                    cell(&ev.name, 30),
                    right(&ev.score.to_string(), 5),
                    cell(&format!("{} {}", ev.grade, ev.grade_label.get(lang)), 12),
                    cell(reason, 48)
                )?;
            }
            Err(e) => writeln!(out, "error: {e}")?,
        }
    }
    if results.len() > rows {
        writeln!(out, "... {} more", results.len() - rows)?;
    }
    Ok(())
}

fn print_distribution(
    out: &mut impl Write,
    results: &[Result<Evaluation, String>],
) -> io::Result<()> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = rust_decimal::Decimal::ZERO;
    let evaluated: Vec<&Evaluation> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    for ev in &evaluated {
        *counts.entry(ev.grade.to_string()).or_default() += 1;
        total += ev.score;
    }
    writeln!(out, "\ngrade distribution")?;
    let n = evaluated.len().max(1);
    for (grade, count) in &counts {
        let share = *count as f64 * 100.0 / n as f64;
        let bar = "#".repeat((count * 50).div_ceil(n));
        writeln!(out, "  {grade} {} {:>5.1}%  {bar}", right(&count.to_string(), 5), share)?;
    }
    if !evaluated.is_empty() {
        let mean = (total / rust_decimal::Decimal::from(evaluated.len())).round_dp(1);
        writeln!(out, "  mean score {mean}")?;
    }
    Ok(())
}

/// The report of the firm whose plan would gain the most: the engine's explanation at work.
fn print_sample(
    out: &mut impl Write,
    evaluator: &Evaluator,
    results: &[Result<Evaluation, String>],
    lang: Lang,
) -> io::Result<()> {
    let best = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .max_by_key(|ev| (ev.plan.score_after - ev.score, std::cmp::Reverse(ev.uscc)));
    if let Some(ev) = best {
        writeln!(out, "\nsample report (the firm its improvement plan helps most)\n")?;
        write!(out, "{}", evaluator.explain(ev, lang))?;
    }
    Ok(())
}

/// A few financing demands matched against the sample catalog: eligible products with limit and
/// rate, and near misses with the gap that keeps them out.
fn print_matches(out: &mut impl Write, evaluator: &Evaluator, args: &Args) -> io::Result<()> {
    if !args.catalog.exists() || !args.demands.exists() {
        return Ok(());
    }
    let catalog = crate::matching::load_catalog(&args.catalog, evaluator)?;
    let matcher = xinyong::finance::Matcher::new(evaluator, &catalog, Default::default());
    writeln!(
        out,
        "\nfinancing matches: {} against {} products of {}\n",
        args.demands.display(),
        catalog.products().len(),
        args.catalog.display()
    )?;
    let summary = matcher
        .match_jsonl_lending(
            open_input(&args.demands)?,
            args.as_of,
            LineLimits::default(),
            |_, line, result| match result {
                Ok(m) => crate::matching::write_table(out, m, args.lang),
                Err(e) => writeln!(out, "line {line}: {e}"),
            },
        )
        .map_err(crate::io::engine_error)?;
    writeln!(out, "{} demands matched, {} failed", summary.evaluated, summary.failed)
}
