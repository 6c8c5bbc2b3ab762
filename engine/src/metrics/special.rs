//! The few special functions the tests of calibration need: log-gamma, the chi-square upper tail
//! and binomial tails.
//!
//! Written here rather than taken from a statistics crate because the tails must stay accurate
//! *relative to their size* far out (p-values of 1e-12 and below): the binomial probabilities use
//! Loader's saddle-point form (as R's `dbinom`), which avoids the cancellation of
//! `ln Γ(n+1) − ln Γ(k+1) − ln Γ(n−k+1)` that costs a log-gamma-based formula about
//! `ln(n!)·ε` of relative accuracy (3e-9 at n = 10⁶). The values are checked against SciPy in
//! `fixtures/metrics/binomial.json` and `calibration.json`.

use std::f64::consts::PI;

/// Iteration cap of the series and continued fractions; convergence takes far fewer steps for
/// the degrees of freedom a Hosmer–Lemeshow test uses.
const MAX_ITERATIONS: usize = 100_000;

fn half_ln_2pi() -> f64 {
    0.5 * (2.0 * PI).ln()
}

/// `ln Γ(x)` for `x > 0`: Stirling's series with eight Bernoulli terms after shifting `x` to at
/// least 10 (truncation error below 3e-17 there). The absolute error is about 1e-14, which is
/// what the tails need: they use `ln Γ` only inside an exponent.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    let mut z = x;
    let mut shift = 1.0;
    while z < 10.0 {
        shift *= z;
        z += 1.0;
    }
    let inv = 1.0 / z;
    let inv2 = inv * inv;
    let series = inv
        * (1.0 / 12.0
            - inv2
                * (1.0 / 360.0
                    - inv2
                        * (1.0 / 1260.0
                            - inv2
                                * (1.0 / 1680.0
                                    - inv2
                                        * (1.0 / 1188.0
                                            - inv2
                                                * (691.0 / 360_360.0
                                                    - inv2
                                                        * (1.0 / 156.0
                                                            - inv2 * 3617.0 / 122_400.0)))))));
    (z - 0.5) * z.ln() - z + half_ln_2pi() + series - shift.ln()
}

/// `P(X > x)` for `X` chi-square with `df` degrees of freedom: the regularised upper incomplete
/// gamma `Q(df/2, x/2)`.
pub(crate) fn chi_square_sf(x: f64, df: f64) -> f64 {
    gamma_q(0.5 * df, 0.5 * x)
}

/// Regularised upper incomplete gamma `Q(a, x)`: a power series for `P = 1 − Q` below `a + 1`,
/// where `Q` is not small, and a continued fraction (modified Lentz) above, where it can be.
fn gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let prefactor = (a * x.ln() - x - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut ap = a;
        for _ in 0..MAX_ITERATIONS {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * f64::EPSILON {
                break;
            }
        }
        return (1.0 - sum * prefactor).clamp(0.0, 1.0);
    }
    let tiny = f64::MIN_POSITIVE / f64::EPSILON;
    let mut b = x + 1.0 - a;
    let mut c = 1.0 / tiny;
    let mut d = 1.0 / b;
    let mut h = d;
    for i in 1..MAX_ITERATIONS {
        let i = i as f64;
        let an = -i * (i - a);
        b += 2.0;
        d = an * d + b;
        if d.abs() < tiny {
            d = tiny;
        }
        c = b + an / c;
        if c.abs() < tiny {
            c = tiny;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < f64::EPSILON {
            break;
        }
    }
    (prefactor * h).clamp(0.0, 1.0)
}

/// `ln(n!) − [(n + ½)·ln n − n + ½·ln 2π]`, the error of Stirling's formula, for whole `n ≥ 1`.
fn stirling_error(n: f64) -> f64 {
    if n <= 15.0 {
        // n! is exact in f64 up to 22!; the cancellation leaves an absolute error near 1e-14.
        let mut factorial = 1.0;
        let mut k = 2.0;
        while k <= n {
            factorial *= k;
            k += 1.0;
        }
        return factorial.ln() - (n + 0.5) * n.ln() + n - half_ln_2pi();
    }
    let nn = n * n;
    let (s0, s1, s2, s3, s4) = (1.0 / 12.0, 1.0 / 360.0, 1.0 / 1260.0, 1.0 / 1680.0, 1.0 / 1188.0);
    if n > 500.0 {
        (s0 - s1 / nn) / n
    } else if n > 80.0 {
        (s0 - (s1 - s2 / nn) / nn) / n
    } else if n > 35.0 {
        (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n
    } else {
        (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
    }
}

/// `x·ln(x / m) + m − x` without cancellation when `x` is close to `m` (Loader's `bd0`).
fn deviance(x: f64, m: f64) -> f64 {
    if (x - m).abs() < 0.1 * (x + m) {
        let mut v = (x - m) / (x + m);
        let mut sum = (x - m) * v;
        let mut term = 2.0 * x * v;
        v *= v;
        for j in 1..MAX_ITERATIONS {
            term *= v;
            let next = sum + term / (2 * j + 1) as f64;
            if next == sum {
                return next;
            }
            sum = next;
        }
        return sum;
    }
    x * (x / m).ln() + m - x
}

/// `P(X = k)` for `X ~ Binomial(n, p)`, `0 < p < 1`, `k ≤ n`, by Loader's saddle-point method.
fn binomial_pmf(k: u64, n: u64, p: f64) -> f64 {
    let (kf, nf) = (k as f64, n as f64);
    if k == 0 {
        return (nf * (-p).ln_1p()).exp();
    }
    if k == n {
        return (nf * p.ln()).exp();
    }
    let q = 1.0 - p;
    let lc = stirling_error(nf)
        - stirling_error(kf)
        - stirling_error(nf - kf)
        - deviance(kf, nf * p)
        - deviance(nf - kf, nf * q);
    let lf = (2.0 * PI).ln() + kf.ln() + (-kf / nf).ln_1p();
    (lc - 0.5 * lf).exp()
}

/// `Σ P(X = j)` for `j` from `k` up to `n`, for `k` at or above the mean: the terms shrink, so the
/// sum stops once they no longer change it.
fn sum_up(k: u64, n: u64, p: f64) -> f64 {
    let ratio = p / (1.0 - p);
    let mode = ((n as f64 + 1.0) * p).floor();
    let mut term = binomial_pmf(k, n, p);
    let mut sum = term;
    let mut j = k;
    while j < n {
        term *= (n - j) as f64 / (j + 1) as f64 * ratio;
        j += 1;
        sum += term;
        if j as f64 > mode && term <= sum * f64::EPSILON * 1e-3 {
            break;
        }
    }
    sum
}

/// `Σ P(X = j)` for `j` from `k` down to 0, for `k` at or below the mean.
fn sum_down(k: u64, n: u64, p: f64) -> f64 {
    let ratio = (1.0 - p) / p;
    let mode = ((n as f64 + 1.0) * p).floor();
    let mut term = binomial_pmf(k, n, p);
    let mut sum = term;
    let mut j = k;
    while j > 0 {
        term *= j as f64 / (n - j + 1) as f64 * ratio;
        j -= 1;
        sum += term;
        if (j as f64) < mode && term <= sum * f64::EPSILON * 1e-3 {
            break;
        }
    }
    sum
}

/// `P(X ≥ k)` for `X ~ Binomial(n, p)`, accurate relative to its size when it is small.
pub(crate) fn binomial_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let tail = if k as f64 >= n as f64 * p { sum_up(k, n, p) } else { 1.0 - sum_down(k - 1, n, p) };
    tail.clamp(0.0, 1.0)
}

/// `P(X ≤ k)` for `X ~ Binomial(n, p)`, accurate relative to its size when it is small.
pub(crate) fn binomial_lower(k: u64, n: u64, p: f64) -> f64 {
    if k >= n || p <= 0.0 {
        return 1.0;
    }
    if p >= 1.0 {
        return 0.0;
    }
    let tail = if k as f64 <= n as f64 * p { sum_down(k, n, p) } else { 1.0 - sum_up(k + 1, n, p) };
    tail.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64, rel: f64) -> bool {
        (actual - expected).abs() <= rel * expected.abs()
    }

    #[test]
    fn ln_gamma_matches_factorials_and_half_integers() {
        assert!(ln_gamma(1.0).abs() < 1e-14, "{}", ln_gamma(1.0));
        assert!(ln_gamma(2.0).abs() < 1e-14, "{}", ln_gamma(2.0));
        assert!(close(ln_gamma(5.0), 24f64.ln(), 1e-15));
        assert!(close(ln_gamma(0.5), PI.sqrt().ln(), 1e-14));
        // ln(170!) (SciPy gammaln(171)).
        assert!(close(ln_gamma(171.0), 706.573_062_245_787_5, 1e-15));
    }

    #[test]
    fn chi_square_tail_matches_closed_forms() {
        // df = 2: Q = exp(−x/2).
        for x in [0.1, 1.0, 5.0, 40.0, 300.0] {
            assert!(close(chi_square_sf(x, 2.0), (-x / 2.0).exp(), 1e-13), "{x}");
        }
        // df = 4: Q = exp(−x/2)·(1 + x/2).
        for x in [0.5, 3.0, 9.0, 100.0] {
            assert!(close(chi_square_sf(x, 4.0), (-x / 2.0).exp() * (1.0 + x / 2.0), 1e-13));
        }
        assert_eq!(chi_square_sf(0.0, 8.0), 1.0);
    }

    #[test]
    fn binomial_tails_match_direct_sums_and_complement() {
        let (n, p) = (40u64, 0.2f64);
        // Direct sum of C(n, j) p^j q^(n−j) by the recurrence from j = 0.
        let mut pmf = vec![(1.0 - p).powi(40)];
        for j in 0..n {
            let next = pmf[j as usize] * (n - j) as f64 / (j + 1) as f64 * p / (1.0 - p);
            pmf.push(next);
        }
        for k in 0..=n {
            let upper: f64 = pmf[k as usize..].iter().sum();
            let lower: f64 = pmf[..=k as usize].iter().sum();
            assert!(close(binomial_upper(k, n, p), upper, 1e-12), "upper {k}");
            assert!(close(binomial_lower(k, n, p), lower, 1e-12), "lower {k}");
            assert!(close(binomial_pmf(k, n, p), pmf[k as usize], 1e-12), "pmf {k}");
        }
    }

    #[test]
    fn binomial_edges() {
        assert_eq!(binomial_upper(0, 10, 0.3), 1.0);
        assert_eq!(binomial_upper(11, 10, 0.3), 0.0);
        assert_eq!(binomial_upper(1, 10, 0.0), 0.0);
        assert_eq!(binomial_upper(10, 10, 1.0), 1.0);
        assert_eq!(binomial_lower(10, 10, 0.3), 1.0);
        assert_eq!(binomial_lower(0, 10, 0.0), 1.0);
        assert_eq!(binomial_lower(3, 10, 1.0), 0.0);
        // P(X ≥ 20) for Binomial(1000, 0.001), far below what 10 decimals show
        // (SciPy binom.sf(19, 1000, 0.001)).
        let far = binomial_upper(20, 1000, 0.001);
        assert!(close(far, 1.335_748_699_236_272_7e-19, 1e-12), "{far}");
    }

    /// Unrounded tails against SciPy's values in the reference fixtures, relative to their size
    /// (the public functions round to 10 decimals, which hides far tails).
    #[test]
    fn tails_match_scipy_relative_to_their_size() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/metrics");
        let read = |file: &str| -> serde_json::Value {
            let text = std::fs::read_to_string(dir.join(file)).unwrap();
            serde_json::from_str(&text).unwrap()
        };
        for case in read("binomial.json")["cases"].as_array().unwrap() {
            let k = case["defaults"].as_u64().unwrap();
            let n = case["n"].as_u64().unwrap();
            let p = case["pd"].as_f64().unwrap();
            let (sf, cdf) =
                (case["p_value"].as_f64().unwrap(), case["cumulative"].as_f64().unwrap());
            assert!(close(binomial_upper(k, n, p), sf, 1e-11), "upper {k} {n} {p}");
            assert!(close(binomial_lower(k, n, p), cdf, 1e-11), "lower {k} {n} {p}");
        }
        for case in read("calibration.json")["cases"].as_array().unwrap() {
            let hl = &case["hosmer_lemeshow"];
            if hl.is_null() {
                continue;
            }
            let x = hl["statistic"].as_f64().unwrap();
            let df = hl["degrees_of_freedom"].as_f64().unwrap();
            let p = hl["p_value"].as_f64().unwrap();
            assert!(close(chi_square_sf(x, df), p, 1e-12), "chi2 {x} {df}");
        }
    }
}
