//! Validation metrics for scorecards and credit grades: discrimination (KS, AUC, Gini), stability
//! (PSI, CSI), characteristic strength (WOE, IV), calibration (Brier, binomial test,
//! Hosmer–Lemeshow), grade migration and cut-off calibration.
//!
//! Every function is pure over slices and deterministic: the same input gives the same bits on
//! every platform. Metrics are floating point by nature, so every value a function returns is
//! passed through [`round_metric`] (10 decimal places): two platforms whose last-bit rounding of
//! an intermediate differs still print the same digits. Values copied from the input (a score
//! threshold, a cut-off, a count) are returned as given.
//!
//! Conventions shared by all functions:
//! - a *bad* is a default (`true` in `bads` / `outcomes`); a *good* is everything else;
//! - probabilities are probabilities of default, in `[0, 1]`;
//! - bad input is an [`Error::InvalidField`](crate::Error::InvalidField) naming the argument
//!   (`scores`, `bads[3]`, ...): empty input, mismatched lengths, values that are not finite or are
//!   outside their domain, a sample with no goods or no bads where both are needed.
//!
//! Where the Python libraries that data scientists use disagree, the item's documentation says how,
//! and `fixtures/metrics/` holds reference values from scikit-learn, SciPy and NumPy (made by
//! `scripts/metrics_reference.py`) that `engine/tests/metrics.rs` checks.

mod calibration;
mod cutoffs;
mod discrimination;
mod migration;
mod special;
mod stability;
mod woe;

pub use calibration::{
    Binomial, HosmerLemeshow, HosmerLemeshowGroup, TrafficLight, binomial_test, brier,
    hosmer_lemeshow,
};
pub use cutoffs::calibrate_cutoffs;
pub use discrimination::{Direction, Ks, auc, gini, ks};
pub use migration::{MigrationMatrix, migration};
pub use stability::{PSI_EMPTY_SHARE, Psi, PsiBin, PsiLevel, ScorePsi, csi, psi, psi_from_scores};
pub use woe::{IvBand, IvTable, WoeBin, WoeConvention, WoeOptions, woe_iv};

use crate::error::{Error, Result};

/// Decimal places of every metric value that leaves the engine.
pub const METRIC_DECIMALS: usize = 10;

/// Rounds a metric to [`METRIC_DECIMALS`] decimal places, so results print the same everywhere.
///
/// The result is the `f64` nearest to the decimal rounding of the exact binary value (Rust's
/// float formatting rounds exactly, half to even), not `(x * 1e10).round() / 1e10`, whose
/// multiplication rounds once more. Negative zero becomes zero, so `-0` is never printed;
/// non-finite values pass through (the functions of this module never return them).
pub fn round_metric(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let rounded: f64 = format!("{x:.METRIC_DECIMALS$}").parse().unwrap_or(x);
    if rounded == 0.0 { 0.0 } else { rounded }
}

/// Fails when a slice that must hold data is empty.
pub(crate) fn require_non_empty<T>(name: &str, values: &[T]) -> Result<()> {
    if values.is_empty() {
        return Err(Error::field(name, "must not be empty"));
    }
    Ok(())
}

/// Fails unless two slices that pair up element by element have the same length.
pub(crate) fn require_same_len<A, B>(name_a: &str, a: &[A], name_b: &str, b: &[B]) -> Result<()> {
    if a.len() != b.len() {
        return Err(Error::field(
            name_b,
            format!("has {} values but `{name_a}` has {}", b.len(), a.len()),
        ));
    }
    Ok(())
}

/// Fails on the first value that is NaN or infinite.
pub(crate) fn require_finite(name: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::field(format!("{name}[{i}]"), "must be a finite number")),
        None => Ok(()),
    }
}

/// Fails on the first value outside `[0, 1]` (or NaN).
pub(crate) fn require_probabilities(name: &str, values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !(0.0..=1.0).contains(v)) {
        Some(i) => Err(Error::field(format!("{name}[{i}]"), "must be a probability in [0, 1]")),
        None => Ok(()),
    }
}

/// Counts bads and goods, failing when either is absent: discrimination needs both.
pub(crate) fn count_bads_goods(name: &str, bads: &[bool]) -> Result<(u64, u64)> {
    let n_bad = bads.iter().filter(|b| **b).count() as u64;
    let n_good = bads.len() as u64 - n_bad;
    if n_bad == 0 || n_good == 0 {
        return Err(Error::field(name, "needs at least one bad and one good"));
    }
    Ok((n_bad, n_good))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_ten_decimals() {
        assert_eq!(round_metric(0.123_456_789_012_34), 0.123_456_789_0);
        assert_eq!(round_metric(0.999_999_999_96), 1.0);
        assert_eq!(round_metric(-1e-12), 0.0);
        assert!(round_metric(-1e-12).is_sign_positive());
        assert_eq!(round_metric(12_345.678), 12_345.678);
        assert_eq!(round_metric(1e300), 1e300);
        assert!(round_metric(f64::NAN).is_nan());
    }

    #[test]
    fn input_checks_name_the_argument() {
        let e = require_finite("scores", &[1.0, f64::NAN]).unwrap_err();
        assert_eq!(e.path(), Some("scores[1]"));
        let e = require_same_len("scores", &[1.0], "bads", &[true, false]).unwrap_err();
        assert_eq!(e.path(), Some("bads"));
        let e = require_probabilities("p", &[0.5, 1.5]).unwrap_err();
        assert_eq!(e.path(), Some("p[1]"));
        assert!(count_bads_goods("bads", &[true, true]).is_err());
        assert_eq!(count_bads_goods("bads", &[true, false, false]).ok(), Some((1, 2)));
    }
}
