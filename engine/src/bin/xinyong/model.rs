//! `xinyong model show` and `xinyong model validate`.

use std::io;
use std::path::PathBuf;

use xinyong::{Error, Model};

use crate::Outcome;
use crate::io::read_text;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Print a model as JSON: the embedded default, or FILE normalised.
    Show {
        /// A model file; the default model when absent.
        file: Option<PathBuf>,
    },
    /// Check a model file and list every problem with its JSON path.
    Validate {
        /// The model file (`-` for stdin).
        file: PathBuf,
    },
}

pub fn run(cmd: Command) -> io::Result<Outcome> {
    match cmd {
        Command::Show { file: None } => {
            println!("{}", Model::default_model().to_json_pretty());
            Ok(Outcome::Clean)
        }
        Command::Show { file: Some(path) } => {
            let model = Model::from_json(&read_text(&path)?)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            println!("{}", model.to_json_pretty());
            Ok(Outcome::Clean)
        }
        Command::Validate { file } => {
            let text = read_text(&file)?;
            let problems = match Model::from_json(&text) {
                Ok(model) if model.problems().is_empty() => {
                    println!(
                        "valid: {} {} ({} points, {})",
                        model.id,
                        model.version,
                        model.max_points().normalize(),
                        model.content_hash()
                    );
                    return Ok(Outcome::Clean);
                }
                Ok(model) => model.problems(),
                Err(e @ Error::MalformedJson { .. }) => {
                    println!("invalid: {e}");
                    return Ok(Outcome::SomeInvalid);
                }
                Err(e) => vec![xinyong::Problem {
                    path: e.path().unwrap_or(".").to_owned(),
                    message: e.to_string(),
                }],
            };
            println!("invalid: {} problem(s)", problems.len());
            for p in problems {
                println!("  {p}");
            }
            Ok(Outcome::SomeInvalid)
        }
    }
}
