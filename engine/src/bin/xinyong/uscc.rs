//! `xinyong uscc`: validate codes, one JSON object per code.

use std::io::{self, BufRead, Write};

use serde::Serialize;
use serde_json::json;
use xinyong::Uscc;

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

/// One output line, fields in the documented order.
#[derive(Serialize)]
struct Line<'a> {
    input: &'a str,
    valid: bool,
    normalized: Option<&'a str>,
    error: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lenient: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    check_character_expected: Option<String>,
}

fn check(input: &str, lenient: bool) -> (bool, String) {
    let result = if lenient {
        Uscc::parse_lenient(input).map(|l| (l.uscc, l.check_character_expected))
    } else {
        Uscc::parse(input).map(|u| (u, None))
    };
    let line = |line: Line<'_>| serde_json::to_string(&line).unwrap_or_default();
    match result {
        Ok((code, expected)) => (
            true,
            line(Line {
                input,
                valid: true,
                normalized: Some(code.as_str()),
                error: None,
                authority: Some(code.authority().to_string()),
                category: code.category_name(),
                region: Some(code.region()),
                lenient: expected.map(|_| true),
                check_character_expected: expected.map(String::from),
            }),
        ),
        Err(e) => (
            false,
            line(Line {
                input,
                valid: false,
                normalized: None,
                error: Some(
                    json!({"kind": e.kind(), "position": e.position(), "message": e.to_string()}),
                ),
                authority: None,
                category: None,
                region: None,
                lenient: None,
                check_character_expected: None,
            }),
        ),
    }
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
