//! `xinyong synth`: a deterministic synthetic registry as JSON Lines.

use std::io::{self, Write};
use std::path::PathBuf;

use xinyong::date::Date;
use xinyong::synth::{SynthConfig, registry};

use crate::io::Output;
use crate::{Outcome, date_arg};

#[derive(clap::Args)]
pub struct Args {
    /// Number of enterprises.
    #[arg(long, default_value_t = 100)]
    enterprises: usize,
    /// Seed; the same seed gives the same bytes on every platform.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Date the registry describes; every generated date is on or before it.
    #[arg(long, value_parser = date_arg, default_value = "2026-06-30")]
    as_of: Date,
    /// Target mean number of records per enterprise (0: realistic, about 2-3).
    #[arg(long, default_value_t = 0)]
    mean_records: u32,
    /// Output file, written atomically; stdout when absent.
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(args: Args) -> io::Result<Outcome> {
    let mut config = SynthConfig::new(args.enterprises, args.seed, args.as_of);
    config.mean_records = args.mean_records;
    let mut out = Output::open(args.output.as_deref())?;
    for enterprise in registry(&config) {
        writeln!(out, "{}", enterprise.to_json())?;
    }
    out.finish()?;
    Ok(Outcome::Clean)
}
