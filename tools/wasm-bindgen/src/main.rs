//! A minimal `wasm-bindgen` command line over the `wasm-bindgen-cli-support` library.
//!
//! The official CLI takes minutes to compile on a small machine and its own lock file does not
//! resolve against the registry; this binary links the same library at the same version, so its
//! output is identical, and it builds in well under a minute. It accepts the subset of the CLI's
//! arguments that `scripts/build-wasm.sh` uses:
//!
//! ```text
//! wasm-bindgen --version
//! wasm-bindgen --target web|nodejs --out-dir DIR [--out-name NAME] [--no-typescript]
//!              [--remove-name-section] [--remove-producers-section] INPUT.wasm
//! ```

use std::error::Error;
use std::process::ExitCode;

use wasm_bindgen_cli_support::Bindgen;

/// The library version this tool links, printed as the official CLI prints its own.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The parsed command line.
struct Args {
    target: String,
    out_dir: String,
    out_name: Option<String>,
    typescript: bool,
    remove_name_section: bool,
    remove_producers_section: bool,
    input: String,
}

fn usage() -> String {
    "usage: wasm-bindgen --target web|nodejs --out-dir DIR [--out-name NAME] [--no-typescript] \
     [--remove-name-section] [--remove-producers-section] INPUT.wasm"
        .to_owned()
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut target, mut out_dir, mut out_name, mut input) = (None, None, None, None);
    let mut typescript = true;
    let (mut remove_name_section, mut remove_producers_section) = (false, false);
    while let Some(arg) = argv.next() {
        match arg.as_str() {
            "--target" => target = argv.next(),
            "--out-dir" => out_dir = argv.next(),
            "--out-name" => out_name = argv.next(),
            "--no-typescript" => typescript = false,
            "--remove-name-section" => remove_name_section = true,
            "--remove-producers-section" => remove_producers_section = true,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            _ => input = Some(arg),
        }
    }
    Ok(Args {
        target: target.ok_or_else(usage)?,
        out_dir: out_dir.ok_or_else(usage)?,
        out_name,
        typescript,
        remove_name_section,
        remove_producers_section,
        input: input.ok_or_else(usage)?,
    })
}

fn run(args: &Args) -> Result<(), Box<dyn Error + Send + Sync>> {
    let mut bindgen = Bindgen::new();
    bindgen
        .input_path(&args.input)
        .typescript(args.typescript)
        .remove_name_section(args.remove_name_section)
        .remove_producers_section(args.remove_producers_section);
    match args.target.as_str() {
        "web" => bindgen.web(true)?,
        "nodejs" => bindgen.nodejs(true)?,
        other => return Err(format!("unsupported target {other} (web or nodejs)").into()),
    };
    if let Some(name) = &args.out_name {
        bindgen.out_name(name);
    }
    bindgen.generate(&args.out_dir)?;
    Ok(())
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1).peekable();
    if argv.peek().is_some_and(|a| a == "--version" || a == "-V") {
        println!("wasm-bindgen {VERSION}");
        return ExitCode::SUCCESS;
    }
    let outcome = parse(argv).map_err(Into::into).and_then(|args| run(&args));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
