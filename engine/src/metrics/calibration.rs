//! Calibration: do predicted default probabilities match observed defaults (Brier score, binomial
//! test per grade, Hosmer–Lemeshow).

use serde::{Deserialize, Serialize};

use super::special::{binomial_lower, binomial_upper, chi_square_sf};
use super::{require_non_empty, require_probabilities, require_same_len, round_metric};
use crate::error::{Error, Result};

/// Cumulative probability from which an observed default count is no longer green.
const YELLOW_FROM: f64 = 0.95;
/// Cumulative probability from which an observed default count is red.
const RED_FROM: f64 = 0.9999;

/// Mean squared difference between predicted default probabilities and outcomes (0 is perfect).
///
/// `probabilities[i]` is the predicted PD of row `i`, `outcomes[i]` whether it defaulted. The
/// same value as scikit-learn's `brier_score_loss(outcomes, probabilities)`.
///
/// Errors: empty or mismatched input, a probability outside `[0, 1]`.
pub fn brier(probabilities: &[f64], outcomes: &[bool]) -> Result<f64> {
    require_non_empty("probabilities", probabilities)?;
    require_same_len("probabilities", probabilities, "outcomes", outcomes)?;
    require_probabilities("probabilities", probabilities)?;
    let sum: f64 = probabilities
        .iter()
        .zip(outcomes)
        .map(|(p, o)| {
            let d = p - if *o { 1.0 } else { 0.0 };
            d * d
        })
        .sum();
    Ok(round_metric(sum / probabilities.len() as f64))
}

/// Basel traffic light of an observed default count against its predicted PD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrafficLight {
    /// `P(X ≤ defaults) < 0.95`: the count is below the 95% quantile; consistent with the PD.
    Green,
    /// `0.95 ≤ P(X ≤ defaults) < 0.9999`: between the 95% and 99.99% quantiles; watch.
    Yellow,
    /// `P(X ≤ defaults) ≥ 0.9999`: at or above the 99.99% quantile; the PD is too low.
    Red,
}

impl TrafficLight {
    /// The light for a cumulative probability `P(X ≤ defaults)`.
    pub fn of(cumulative: f64) -> Self {
        if cumulative < YELLOW_FROM {
            TrafficLight::Green
        } else if cumulative < RED_FROM {
            TrafficLight::Yellow
        } else {
            TrafficLight::Red
        }
    }
}

/// One-sided binomial test of a grade's default count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binomial {
    /// Observed defaults, as given.
    pub defaults: u64,
    /// Obligors in the grade, as given.
    pub n: u64,
    /// Predicted probability of default, as given.
    pub pd: f64,
    /// `n·pd`.
    pub expected_defaults: f64,
    /// `defaults / n`.
    pub observed_rate: f64,
    /// `P(X ≥ defaults)` for `X ~ Binomial(n, pd)`: the chance of at least this many defaults if
    /// the PD were right (small: the PD is too low).
    pub p_value: f64,
    /// `P(X ≤ defaults)`, the cumulative probability the traffic light reads.
    pub cumulative: f64,
    /// Basel traffic light from `cumulative`.
    pub light: TrafficLight,
}

/// Exact one-sided binomial test: are there more defaults than the PD predicts?
///
/// The p-value is `P(X ≥ defaults)` (SciPy: `binom.sf(defaults − 1, n, pd)`, or
/// `binomtest(defaults, n, pd, alternative = "greater").pvalue`), computed from exact binomial
/// probabilities, not the normal approximation, which is poor for the small PDs of good grades.
///
/// The traffic light follows the Basel backtesting convention, read from the cumulative
/// probability `P(X ≤ defaults)` (rounded as returned): green below the 95% quantile, yellow up to
/// the 99.99% quantile, red from it (see [`TrafficLight`]). With 250 observations at 1% this gives
/// the Basel zones: 0–4 green, 5–9 yellow, 10 or more red.
///
/// The zones are coarse for small grades: a count equal to `n` always has `P(X ≤ defaults) = 1`
/// and is red (one obligor that defaults at a PD of 30% is red).
///
/// Errors: `n` = 0, `defaults > n`, `pd` not strictly between 0 and 1.
///
/// ```
/// use xinyong::metrics::{TrafficLight, binomial_test};
/// assert_eq!(binomial_test(4, 250, 0.01)?.light, TrafficLight::Green);
/// assert_eq!(binomial_test(5, 250, 0.01)?.light, TrafficLight::Yellow);
/// assert_eq!(binomial_test(10, 250, 0.01)?.light, TrafficLight::Red);
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn binomial_test(defaults: u64, n: u64, pd: f64) -> Result<Binomial> {
    if n == 0 {
        return Err(Error::field("n", "must be at least 1"));
    }
    if defaults > n {
        return Err(Error::field("defaults", format!("must not exceed n ({n})")));
    }
    if !(pd > 0.0 && pd < 1.0) {
        // A PD of 0 or 1 predicts with certainty: no count can test it, and every count would
        // sit at the top of its (one-point) distribution, which reads as red.
        return Err(Error::field("pd", "must be strictly between 0 and 1"));
    }
    let cumulative = round_metric(binomial_lower(defaults, n, pd));
    Ok(Binomial {
        defaults,
        n,
        pd,
        expected_defaults: round_metric(n as f64 * pd),
        observed_rate: round_metric(defaults as f64 / n as f64),
        p_value: round_metric(binomial_upper(defaults, n, pd)),
        cumulative,
        light: TrafficLight::of(cumulative),
    })
}

/// One risk group of a Hosmer–Lemeshow test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HosmerLemeshowGroup {
    /// Rows in the group.
    pub count: u64,
    /// Observed defaults.
    pub observed: u64,
    /// Expected defaults: the sum of the group's probabilities.
    pub expected: f64,
    /// Lowest probability in the group (from the input).
    pub min_probability: f64,
    /// Highest probability in the group (from the input).
    pub max_probability: f64,
}

/// Hosmer–Lemeshow goodness-of-fit test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HosmerLemeshow {
    /// `Σ (O − E)² / (E·(1 − E/n))` over the groups.
    pub statistic: f64,
    /// Non-empty groups − 2.
    pub degrees_of_freedom: u64,
    /// Chi-square upper tail of `statistic` (SciPy: `chi2.sf(statistic, df)`); small means the
    /// probabilities do not fit the outcomes.
    pub p_value: f64,
    /// The groups, from the lowest probabilities to the highest.
    pub groups: Vec<HosmerLemeshowGroup>,
}

/// Hosmer–Lemeshow test of predicted default probabilities against outcomes, over `groups` risk
/// groups ("deciles of risk" for 10).
///
/// Grouping, which implementations do differently and which changes the statistic: rows are
/// sorted by probability, and the row of rank `r` (0-based, of `n`) falls in group
/// `⌊r·groups / n⌋`, so groups have equal sizes up to one row; rows with the same probability are
/// never split: a run of ties goes wholly to the group of its first row. Groups left empty are
/// dropped, and the degrees of freedom are the non-empty groups − 2. (R's
/// `ResourceSelection::hoslem.test` cuts at interpolated quantiles instead.)
///
/// Errors: empty or mismatched input, a probability not strictly between 0 and 1 (a group of
/// certain predictions has no variance), `groups < 3`, fewer than 3 non-empty groups.
pub fn hosmer_lemeshow(
    probabilities: &[f64],
    outcomes: &[bool],
    groups: usize,
) -> Result<HosmerLemeshow> {
    require_non_empty("probabilities", probabilities)?;
    require_same_len("probabilities", probabilities, "outcomes", outcomes)?;
    if let Some(i) = probabilities.iter().position(|p| !(*p > 0.0 && *p < 1.0)) {
        return Err(Error::field(
            format!("probabilities[{i}]"),
            "must be strictly between 0 and 1 for a Hosmer-Lemeshow test",
        ));
    }
    if groups < 3 {
        return Err(Error::field("groups", "must be at least 3"));
    }
    let table = risk_groups(probabilities, outcomes, groups);
    if table.len() < 3 {
        return Err(Error::field(
            "probabilities",
            format!("only {} distinct risk groups; at least 3 are needed", table.len()),
        ));
    }
    let statistic: f64 = table
        .iter()
        .map(|g| {
            let (o, e, n) = (g.observed as f64, g.expected, g.count as f64);
            (o - e) * (o - e) / (e * (1.0 - e / n))
        })
        .sum();
    let df = table.len() as u64 - 2;
    let groups = table
        .into_iter()
        .map(|g| HosmerLemeshowGroup { expected: round_metric(g.expected), ..g })
        .collect();
    Ok(HosmerLemeshow {
        statistic: round_metric(statistic),
        degrees_of_freedom: df,
        p_value: round_metric(chi_square_sf(statistic, df as f64)),
        groups,
    })
}

/// The non-empty groups, unrounded, lowest probabilities first.
fn risk_groups(
    probabilities: &[f64],
    outcomes: &[bool],
    groups: usize,
) -> Vec<HosmerLemeshowGroup> {
    let mut rows: Vec<(f64, bool)> =
        probabilities.iter().copied().zip(outcomes.iter().copied()).collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = rows.len() as u128;
    let mut table: Vec<(usize, HosmerLemeshowGroup)> = Vec::new();
    let mut group = 0usize;
    let mut previous: Option<f64> = None;
    for (rank, (p, defaulted)) in rows.into_iter().enumerate() {
        if previous != Some(p) {
            // A new run of equal probabilities: its first row decides its group.
            group = usize::try_from(rank as u128 * groups as u128 / n).unwrap_or(usize::MAX);
            previous = Some(p);
        }
        let open = table.last().is_some_and(|(g, _)| *g == group);
        if !open {
            let empty = HosmerLemeshowGroup {
                count: 0,
                observed: 0,
                expected: 0.0,
                min_probability: p,
                max_probability: p,
            };
            table.push((group, empty));
        }
        if let Some((_, g)) = table.last_mut() {
            g.count += 1;
            g.observed += u64::from(defaulted);
            g.expected += p;
            g.max_probability = p;
        }
    }
    table.into_iter().map(|(_, g)| g).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brier_by_hand() {
        // ((0.1−0)² + (0.8−1)² + (0.5−1)²) / 3 = (0.01 + 0.04 + 0.25) / 3 = 0.1.
        assert_eq!(brier(&[0.1, 0.8, 0.5], &[false, true, true]).unwrap(), 0.1);
        assert_eq!(brier(&[0.0, 1.0], &[false, true]).unwrap(), 0.0);
        assert_eq!(brier(&[1.5], &[true]).unwrap_err().path(), Some("probabilities[0]"));
        assert_eq!(brier(&[0.5], &[]).unwrap_err().path(), Some("outcomes"));
    }

    #[test]
    fn basel_zones_for_250_observations_at_one_percent() {
        let lights: Vec<TrafficLight> =
            (0..=12).map(|k| binomial_test(k, 250, 0.01).unwrap().light).collect();
        use TrafficLight::{Green as G, Red as R, Yellow as Y};
        assert_eq!(lights, [G, G, G, G, G, Y, Y, Y, Y, Y, R, R, R]);
    }

    #[test]
    fn binomial_by_hand() {
        // n = 2, pd = 0.5: P(X ≥ 1) = 0.75, P(X ≤ 1) = 0.75.
        let b = binomial_test(1, 2, 0.5).unwrap();
        assert_eq!((b.p_value, b.cumulative, b.expected_defaults), (0.75, 0.75, 1.0));
        let b = binomial_test(0, 10, 0.2).unwrap();
        assert_eq!(b.p_value, 1.0);
        assert_eq!(b.light, TrafficLight::Green);
        assert_eq!(binomial_test(3, 2, 0.5).unwrap_err().path(), Some("defaults"));
        assert_eq!(binomial_test(0, 0, 0.5).unwrap_err().path(), Some("n"));
        for pd in [f64::NAN, 0.0, 1.0, -0.1] {
            assert_eq!(binomial_test(1, 2, pd).unwrap_err().path(), Some("pd"), "{pd}");
        }
        assert_eq!(binomial_test(1, 1, 0.3).unwrap().light, TrafficLight::Red);
    }

    #[test]
    fn hosmer_lemeshow_groups_keep_ties_together() {
        // 9 rows, 3 groups of 3 by rank; the run of 0.4 starts at rank 2 (group 0) and takes
        // ranks 3 and 4 with it.
        let p = [0.1, 0.2, 0.4, 0.4, 0.4, 0.5, 0.6, 0.7, 0.8];
        let o = [false, false, true, false, false, true, false, true, true];
        let hl = hosmer_lemeshow(&p, &o, 3).unwrap();
        let counts: Vec<u64> = hl.groups.iter().map(|g| g.count).collect();
        assert_eq!(counts, [5, 1, 3]);
        assert_eq!(hl.degrees_of_freedom, 1);
        assert_eq!((hl.groups[0].min_probability, hl.groups[0].max_probability), (0.1, 0.4));
        assert_eq!(hl.groups[0].expected, 1.5);
    }

    #[test]
    fn hosmer_lemeshow_by_hand() {
        // Three groups of two: (0.2, 0.2) one default, (0.5, 0.5) one, (0.8, 0.8) two.
        let p = [0.2, 0.2, 0.5, 0.5, 0.8, 0.8];
        let o = [true, false, false, true, true, true];
        let hl = hosmer_lemeshow(&p, &o, 3).unwrap();
        // (1 − 0.4)²/(0.4·0.8) + 0 + (2 − 1.6)²/(1.6·0.2) = 1.125 + 0.5 = 1.625, df 1.
        assert_eq!(hl.statistic, 1.625);
        assert_eq!(hl.degrees_of_freedom, 1);
        assert_eq!(hl.p_value, round_metric(chi_square_sf(1.625, 1.0)));
        assert_eq!(hl.groups[2].observed, 2);
    }

    #[test]
    fn hosmer_lemeshow_refuses_what_it_cannot_test() {
        let o = [true, false, true];
        let path = |r: Result<HosmerLemeshow>| r.unwrap_err().path().map(str::to_owned);
        assert_eq!(path(hosmer_lemeshow(&[0.1, 0.0, 0.3], &o, 3)), Some("probabilities[1]".into()));
        assert_eq!(path(hosmer_lemeshow(&[0.1, 0.2, 0.3], &o, 2)), Some("groups".into()));
        assert_eq!(path(hosmer_lemeshow(&[0.2, 0.2, 0.3], &o, 3)), Some("probabilities".into()));
    }
}
