"""The bad-input catalogue (fixtures/bad/catalogue.json) through the Python binding.

Every case whose surface this package exposes runs and must report the catalogue's error kind (or
be accepted when the kind is null); the others are listed below as not applicable, with the
reason, and a test fails if the catalogue gains a surface nobody has placed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import pytest

import xinyong
from support import FIXTURES

BAD = FIXTURES / "bad"
CATALOGUE: dict[str, Any] = json.loads((BAD / "catalogue.json").read_text("utf-8"))
DEFAULT_AS_OF: str = CATALOGUE.get("as_of", "2026-06-30")

# Surfaces run by this file.
RUN_HERE = {"enterprise", "enterprise_jsonl", "model", "uscc"}
# Surfaces run elsewhere, with the reason.
NOT_APPLICABLE = {
    "graph_jsonl": "relationship graph input: tests/python/test_graph.py runs these cases",
    "graph_csv": "relationship graph input: tests/python/test_graph.py runs these cases",
    "catalog": "financing product catalogs: tests/python/test_finance.py runs these cases",
    "demand": "financing demands: tests/python/test_finance.py runs these cases",
    "pmml": "PMML scorecards: tests/python/test_scorecard.py runs these cases",
}
CASES = [c for c in CATALOGUE["cases"] if c["surface"] in RUN_HERE]


def test_every_surface_is_placed() -> None:
    surfaces = {c["surface"] for c in CATALOGUE["cases"]}
    assert surfaces <= RUN_HERE | set(NOT_APPLICABLE), surfaces - RUN_HERE - set(NOT_APPLICABLE)
    assert CASES, "no catalogue case for the surfaces this package exposes"


def input_path(case: dict[str, Any], tmp_path: Path) -> Path:
    """The case's file, or its generated input written to a temporary file."""
    if "file" in case:
        return BAD / case["file"]
    spec = case["generate"]
    path = tmp_path / f"{case['name']}.input"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(spec["head"])
        if "{i}" in spec["repeat"]:
            for i in range(spec["times"]):
                out.write(spec["repeat"].replace("{i}", str(i)))
        else:
            out.write(spec["repeat"] * spec["times"])
        out.write(spec["tail"])
    return path


def run(case: dict[str, Any], path: Path) -> Optional[str]:
    """Runs one case on its surface: the error kind, or None when the input is accepted."""
    as_of = case.get("as_of", DEFAULT_AS_OF)
    surface = case["surface"]
    try:
        if surface == "enterprise":
            xinyong.Evaluator().evaluate(path.read_bytes(), as_of)
        elif surface == "enterprise_jsonl":
            return run_batch(case, path, as_of)
        elif surface == "model":
            xinyong.Model.from_json(path).evaluator()
        elif surface == "uscc":
            lines = path.read_bytes().decode("utf-8").splitlines()
            xinyong.Uscc(lines[0] if lines else "")
        else:
            raise AssertionError(f"surface {surface} is not run here")
    except xinyong.XinyongError as error:
        return error.kind
    return None


def run_batch(case: dict[str, Any], path: Path, as_of: str) -> Optional[str]:
    """A JSON Lines batch: `count` entries out, the error at `index`, every other line evaluated."""
    results = xinyong.Evaluator().evaluate_jsonl(path, as_of)
    assert len(results) == case["count"]
    kind = None
    for index, result in enumerate(results):
        if index == case.get("index"):
            assert isinstance(result, xinyong.XinyongError), result
            assert result.index == index
            kind = result.kind
        else:
            assert isinstance(result, xinyong.Evaluation), result
    return kind


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_catalogue_case(case: dict[str, Any], tmp_path: Path) -> None:
    assert run(case, input_path(case, tmp_path)) == case["kind"]
