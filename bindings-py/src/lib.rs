//! The native module `xinyong._xinyong` behind the `xinyong` Python package.
//!
//! Each function converts its inputs, calls one engine function (releasing the interpreter
//! around batch work) and converts the output; the logic lives in the `xinyong` crate. Shared
//! conversions are in [`convert`], the error mapping in [`errors`].

mod card_tables;
mod columns;
mod convert;
mod errors;
mod evaluate;
mod frame;
mod model;
mod parallel;
mod privacy;
mod synth;
mod uscc;

mod finance;
mod graph;
mod metrics;
mod scorecard;

use pyo3::prelude::*;

/// Credit evaluation engine: USCC codes, explainable evaluation, relationship graphs, financing
/// matching, scorecards and validation metrics.
#[pymodule(gil_used = false)]
mod _xinyong {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::uscc::{Uscc, validate_uscc};

    #[pymodule_export]
    use crate::privacy::{person_key, redact};

    #[pymodule_export]
    use crate::model::Model;

    #[pymodule_export]
    use crate::evaluate::{Evaluation, Evaluator, explain};

    // exports: graph
    #[pymodule_export]
    use crate::graph::Graph;

    // exports: finance
    #[pymodule_export]
    use crate::finance::{Catalog, Demand, MatchResult, Matcher, match_demand};

    // exports: synthetic data
    #[pymodule_export]
    use crate::synth::{
        synth_catalog, synth_demands, synth_demands_jsonl, synth_registry, synth_registry_jsonl,
    };

    // exports: scorecard
    #[pymodule_export]
    use crate::scorecard::Scorecard;

    // exports: metrics
    #[pymodule_export]
    use crate::metrics::{
        auc, binomial_test, brier, calibrate_cutoffs, csi, gini, hosmer_lemeshow, ks, migration,
        psi, psi_from_scores, woe_iv,
    };

    /// Module constants: the engine's version and its error kinds.
    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("ERROR_KINDS", xinyong::Error::KINDS.to_vec())?;
        Ok(())
    }
}
