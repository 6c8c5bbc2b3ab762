//! `xinyong uscc`: validate codes, one JSON object per code.

use std::io::{self, BufRead, Write};

use crate::Outcome;

#[derive(clap::Args)]
pub struct Args {
    /// Codes to check; read one per line from stdin when none are given.
    codes: Vec<String>,
    /// Accept codes whose mod-31 check fails when their organisation-code check passes
    /// (pilot-era codes), flagging them with `"lenient": true`.
    #[arg(long)]
    lenient: bool,
}

/// One output line: the engine's verdict, serialised (the same object on every surface).
fn check(input: &str, lenient: bool) -> (bool, String) {
    let verdict = xinyong::uscc::check(input, lenient);
    (verdict.valid, serde_json::to_string(&verdict).unwrap_or_default())
}

pub fn run(args: Args) -> io::Result<Outcome> {
    let codes: Box<dyn Iterator<Item = io::Result<String>>> = if args.codes.is_empty() {
        Box::new(
            io::stdin()
                .lock()
                .lines()
                .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty())),
        )
    } else {
        Box::new(args.codes.into_iter().map(Ok))
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut all_valid = true;
    for code in codes {
        let (valid, value) = check(&code?, args.lenient);
        all_valid &= valid;
        writeln!(out, "{value}")?;
    }
    out.flush()?;
    Ok(if all_valid { Outcome::Clean } else { Outcome::SomeInvalid })
}
