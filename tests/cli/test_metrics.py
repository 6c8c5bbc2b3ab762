"""`xinyong metrics`: KS, AUC, Gini, Brier and PSI of JSON Lines of scores and outcomes, compared
with the reference values of fixtures/metrics/ (scikit-learn, SciPy, NumPy), and the handling of
bad lines (listed with their index and line, left out of the metrics, exit code 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import REPO_ROOT, describe

METRICS = REPO_ROOT / "fixtures" / "metrics"


def close(actual: float, reference: float) -> bool:
    """The tolerance of fixtures/metrics/README.md."""
    return abs(actual - reference) <= 1e-9 * abs(reference) + 5e-11


def cases(name: str) -> list[dict]:
    return json.loads((METRICS / f"{name}.json").read_text("utf-8"))["cases"]


def write_lines(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def report(proc) -> dict:
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, describe(proc)
    return json.loads(lines[0])


DISCRIMINATION = cases("discrimination")


@pytest.mark.parametrize("case", DISCRIMINATION, ids=[c["name"] for c in DISCRIMINATION])
def test_ks_auc_gini_match_the_references(run, tmp_path, case) -> None:
    # Custom member names, to exercise --score and --target.
    rows = [{"points": s, "default_flag": b} for s, b in zip(case["scores"], case["bads"])]
    path = write_lines(tmp_path / "scores.jsonl", rows)
    for direction in ["higher-is-good", "higher-is-bad"]:
        proc = run("metrics", path, "--score", "points", "--target", "default_flag", "--direction", direction)
        assert proc.returncode == 0, describe(proc)
        out = report(proc)
        suffix = direction.replace("-", "_")
        assert out["rows"] == len(rows) and out["rejected"] == 0 and out["errors"] == []
        assert out["bads"] == sum(case["bads"])
        assert close(out["ks"]["statistic"], case["ks"]), out["ks"]
        assert out["ks"]["threshold"] == case["ks_threshold"]
        assert close(out["ks"]["bad_share"], case["ks_bad_share"])
        assert close(out["ks"]["good_share"], case["ks_good_share"])
        assert close(out["auc"], case[f"auc_{suffix}"]), out["auc"]
        assert close(out["gini"], case[f"gini_{suffix}"]), out["gini"]
        assert out["direction"] == suffix
        assert "brier" not in out and "psi" not in out


CALIBRATION = cases("calibration")


@pytest.mark.parametrize("case", CALIBRATION, ids=[c["name"] for c in CALIBRATION])
def test_brier_matches_the_reference(run, tmp_path, case) -> None:
    # The probability doubles as the score (higher is bad) and booleans stand for the outcome.
    rows = [
        {"score": p, "bad": bool(o), "pd": p}
        for p, o in zip(case["probabilities"], case["outcomes"])
    ]
    path = write_lines(tmp_path / "pd.jsonl", rows)
    proc = run("metrics", path, "--probability", "pd", "--direction", "higher-is-bad")
    out = report(proc)
    if 0 < sum(case["outcomes"]) < len(case["outcomes"]):
        assert proc.returncode == 0, describe(proc)
        assert close(out["brier"], case["brier"]), (out["brier"], case["brier"])
    else:
        assert proc.returncode == 1 and out["error"]["kind"] == "invalid_field", describe(proc)


STABILITY = [c for c in cases("stability") if c["kind"] == "scores"]


@pytest.mark.parametrize("case", STABILITY, ids=[c["name"] for c in STABILITY])
def test_psi_against_a_baseline_matches_the_reference(run, tmp_path, case) -> None:
    baseline = write_lines(
        tmp_path / "baseline.jsonl", [{"score": s} for s in case["expected_scores"]]
    )
    # The outcomes of the current file do not matter to the PSI; alternate them.
    current = write_lines(
        tmp_path / "current.jsonl",
        [{"score": s, "bad": i % 2} for i, s in enumerate(case["actual_scores"])],
    )
    proc = run("metrics", current, "--baseline", baseline, "--bins", case["bins"])
    assert proc.returncode == 0, describe(proc)
    psi = report(proc)["psi"]
    assert psi["baseline_rows"] == len(case["expected_scores"]) and psi["baseline_rejected"] == 0
    assert psi["cut_points"] == case["cut_points"]
    assert psi["expected_counts"] == case["expected_counts"]
    assert psi["actual_counts"] == case["actual_counts"]
    assert close(psi["psi"]["value"], case["psi"]), (psi["psi"]["value"], case["psi"])
    for got, want in zip([b["contribution"] for b in psi["psi"]["bins"]], case["contributions"]):
        assert close(got, want)


def test_bad_lines_are_listed_and_the_rest_is_measured(run) -> None:
    case = DISCRIMINATION[0]
    good = [json.dumps({"score": s, "bad": b}) for s, b in zip(case["scores"], case["bads"])]
    bad = [
        '{"score": "612", "bad": 1}',  # a string score
        '{"bad": 0}',  # no score
        '{"score": 600, "bad": 2}',  # not an outcome
        "[600, 1]",  # not an object
        '{"score": 600, "bad": ',  # cut off
    ]
    # Bad lines in between good ones, and a blank line that is not counted.
    text = "\n".join(good[:3] + bad + [""] + good[3:]) + "\n"
    proc = run("metrics", "-", input=text)
    assert proc.returncode == 1, describe(proc)
    out = report(proc)
    assert out["rows"] == len(good) and out["rejected"] == len(bad)
    assert close(out["ks"]["statistic"], case["ks"])
    assert close(out["auc"], case["auc_higher_is_good"])
    listed = [(e["index"], e["line"], e["error"]["kind"], e["error"].get("path")) for e in out["errors"]]
    assert listed == [
        (3, 4, "invalid_field", "score"),
        (4, 5, "invalid_field", "score"),
        (5, 6, "invalid_field", "bad"),
        (6, 7, "invalid_field", "."),
        (7, 8, "malformed_json", None),
    ]
    # Messages do not echo the input (it may hold personal data).
    assert "612" not in json.dumps(out["errors"])


def test_no_bads_is_a_typed_error_in_the_report(run) -> None:
    proc = run("metrics", "-", input='{"score": 600, "bad": 0}\n{"score": 700, "bad": 0}\n')
    assert proc.returncode == 1, describe(proc)
    out = report(proc)
    assert out["error"]["kind"] == "invalid_field" and out["error"]["path"] == "bads"
    assert "ks" not in out


def test_an_unreadable_file_is_a_usage_error(run, tmp_path) -> None:
    proc = run("metrics", tmp_path / "absent.jsonl")
    assert proc.returncode == 2, describe(proc)
    assert "absent.jsonl" in proc.stderr
