#![forbid(unsafe_code)]
#![doc = include_str!("../../README.md")]

// Input and identity.
pub mod date;
pub mod error;
pub mod num;
pub mod privacy;
pub mod record;
pub mod uscc;

// Evaluation.
pub mod batch;
pub mod decay;
pub mod evaluate;
pub mod finance;
pub mod model;
#[cfg(feature = "parallel")]
pub mod parallel;

// Relationship graph, statistical scorecards and model validation.
pub mod graph;
pub mod metrics;
pub mod scorecard;

// Synthetic registries for demos, tests and benchmarks.
pub mod synth;

pub use error::{Error, Problem, Result};
pub use evaluate::{Evaluation, EvaluationLimits, Evaluator, RelatedParty};
pub use model::Model;
pub use num::Amount;
pub use record::{Enterprise, Record, RecordClass, RecordDetail};
pub use rust_decimal::Decimal;
pub use uscc::{Uscc, UsccError};
