//! Cut-off calibration: the score bounds that give each grade a target share of the population.

use super::{require_finite, require_non_empty};
use crate::error::{Error, Result};

/// How far the target shares may sum from 1.
const SHARE_SUM_TOLERANCE: f64 = 1e-6;

/// Score cut-offs that split `scores` into grades with the `target_shares`, best grade first.
///
/// Higher scores are better (a credit score; negate a PD first). With `K` target shares the result
/// has `K − 1` cut-offs `c₁ ≥ c₂ ≥ …`: grade 1 is `score ≥ c₁`, grade `k` is `c_k ≤ score <
/// c_(k−1)`, the last grade is `score < c_(K−1)`. Each cut-off is a score of the sample, so the
/// grades reproduce the shares on this sample as closely as its ties allow.
///
/// Ties are never split, since one score cannot fall in two grades: the cut-off `c_k` is the
/// distinct score whose count of scores `≥ c_k` is nearest to `(t₁ + … + t_k)·n`; when two are
/// equally near, the higher cut-off (the smaller better grade) is taken. Equal consecutive
/// cut-offs mean the grade between them is empty on this sample.
///
/// Errors: empty `scores` or `target_shares`, a score that is not finite, a share that is not a
/// positive finite number, shares not summing to 1 within 1e-6.
///
/// ```
/// use xinyong::metrics::calibrate_cutoffs;
/// let scores = [910.0, 880.0, 860.0, 820.0, 790.0, 760.0, 700.0, 650.0, 600.0, 540.0];
/// // A: top 20%, B: next 50%, C: last 30%.
/// assert_eq!(calibrate_cutoffs(&scores, &[0.2, 0.5, 0.3])?, vec![880.0, 700.0]);
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn calibrate_cutoffs(scores: &[f64], target_shares: &[f64]) -> Result<Vec<f64>> {
    require_non_empty("scores", scores)?;
    require_finite("scores", scores)?;
    require_non_empty("target_shares", target_shares)?;
    if let Some(i) = target_shares.iter().position(|t| !(t.is_finite() && *t > 0.0)) {
        return Err(Error::field(format!("target_shares[{i}]"), "must be a positive number"));
    }
    let total: f64 = target_shares.iter().sum();
    if (total - 1.0).abs() > SHARE_SUM_TOLERANCE {
        return Err(Error::field("target_shares", format!("must sum to 1 (they sum to {total})")));
    }
    let candidates = at_or_above(scores);
    let n = scores.len() as f64;
    let mut cumulative = 0.0;
    let mut cutoffs = Vec::with_capacity(target_shares.len().saturating_sub(1));
    for share in target_shares.iter().take(target_shares.len() - 1) {
        cumulative += share;
        let target = cumulative / total * n;
        // First candidate reaching the target, and the one before it (just short of it).
        let reach = candidates.partition_point(|(_, above)| (*above as f64) < target);
        let short = reach.checked_sub(1).and_then(|i| candidates.get(i));
        let chosen = match (short, candidates.get(reach)) {
            (Some(s), Some(r)) => {
                if target - s.1 as f64 <= r.1 as f64 - target {
                    s
                } else {
                    r
                }
            }
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => continue,
        };
        cutoffs.push(chosen.0);
    }
    Ok(cutoffs)
}

/// Distinct scores from the highest down, each with the number of scores at or above it.
fn at_or_above(scores: &[f64]) -> Vec<(f64, u64)> {
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    let mut out: Vec<(f64, u64)> = Vec::new();
    for (i, s) in sorted.into_iter().enumerate() {
        let above = i as u64 + 1;
        match out.last_mut() {
            Some(last) if last.0 == s => last.1 = above,
            _ => out.push((s, above)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares_of(scores: &[f64], cutoffs: &[f64]) -> Vec<usize> {
        let mut counts = vec![0; cutoffs.len() + 1];
        for s in scores {
            counts[cutoffs.iter().take_while(|c| s < c).count()] += 1;
        }
        counts
    }

    #[test]
    fn exact_shares_on_distinct_scores() {
        let scores: Vec<f64> = (1..=100).map(f64::from).collect();
        let cuts = calibrate_cutoffs(&scores, &[0.1, 0.2, 0.3, 0.4]).unwrap();
        assert_eq!(cuts, vec![91.0, 71.0, 41.0]);
        assert_eq!(shares_of(&scores, &cuts), vec![10, 20, 30, 40]);
    }

    #[test]
    fn ties_go_to_the_nearest_side() {
        // Top score tied three times: target 2 of 5 for grade A.
        let scores = [9.0, 9.0, 9.0, 5.0, 1.0];
        // Counts at or above: 9 → 3, 5 → 4, 1 → 5; target 2 is nearest to 3.
        assert_eq!(calibrate_cutoffs(&scores, &[0.4, 0.6]).unwrap(), vec![9.0]);
        // Target 4.5 is equally near 4 and 5: the higher cut-off wins.
        assert_eq!(calibrate_cutoffs(&scores, &[0.9, 0.1]).unwrap(), vec![5.0]);
    }

    #[test]
    fn zhejiang_like_grade_mix() {
        // 1000 distinct scores; 2.3% / 76.4% / 20.0% / 1.3%.
        let scores: Vec<f64> = (0..1000).map(|i| 406.0 + f64::from(i) * 0.5).collect();
        let cuts = calibrate_cutoffs(&scores, &[0.023, 0.764, 0.2, 0.013]).unwrap();
        assert_eq!(shares_of(&scores, &cuts), vec![23, 764, 200, 13]);
        assert!(cuts.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn one_grade_needs_no_cutoff() {
        assert_eq!(calibrate_cutoffs(&[1.0, 2.0], &[1.0]).unwrap(), Vec::<f64>::new());
    }

    #[test]
    fn bad_input_is_refused() {
        let path = |r: Result<Vec<f64>>| r.unwrap_err().path().map(str::to_owned);
        assert_eq!(path(calibrate_cutoffs(&[], &[1.0])), Some("scores".into()));
        assert_eq!(path(calibrate_cutoffs(&[1.0], &[])), Some("target_shares".into()));
        assert_eq!(path(calibrate_cutoffs(&[1.0], &[0.5, 0.4])), Some("target_shares".into()));
        assert_eq!(path(calibrate_cutoffs(&[1.0], &[1.0, 0.0])), Some("target_shares[1]".into()));
        assert_eq!(path(calibrate_cutoffs(&[f64::NAN], &[1.0])), Some("scores[0]".into()));
    }
}
