#![forbid(unsafe_code)]
#![doc = include_str!("../../README.md")]

pub mod batch;
pub mod date;
pub mod decay;
pub mod error;
pub mod model;
pub mod num;
pub mod uscc;

pub use error::{Error, Problem, Result};
pub use num::Amount;
pub use rust_decimal::Decimal;
pub use uscc::{Uscc, UsccError};
pub mod record;
pub mod synth;
pub use record::{Enterprise, Record, RecordClass, RecordDetail};
pub mod evaluate;
pub mod metrics;
pub use evaluate::{Evaluation, Evaluator};
pub use model::Model;
