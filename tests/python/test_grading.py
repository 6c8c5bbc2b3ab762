"""The score-only path from Python: `Evaluator.grade` and `grade_many` give the score, grades and
vetoes of the full evaluation, with the batch rules of `evaluate_many`."""

from __future__ import annotations

import decimal
import json
from typing import Any

import pytest

import xinyong
from support import FIXTURES, golden_cases, registry_lines

AS_OF = "2026-06-30"
CASES = golden_cases()
KEYS = {"uscc", "score", "grade", "grade_by_score", "vetoes"}


def expected_grading(evaluation: xinyong.Evaluation) -> dict[str, Any]:
    document = json.loads(evaluation.to_json())
    return {
        "uscc": document["uscc"],
        "score": decimal.Decimal(document["score"]),
        "grade": document["grade"],
        "grade_by_score": document["grade_by_score"],
        "vetoes": [v["id"] for v in document["vetoes"]],
    }


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_cases_grade_as_their_golden_evaluation(
    evaluator: xinyong.Evaluator, case: dict[str, Any]
) -> None:
    text = (FIXTURES / case["enterprise"]).read_text("utf-8")
    golden = json.loads((FIXTURES / case["expected"]).read_text("utf-8"))
    grading = evaluator.grade(json.loads(text), case["as_of"])
    assert set(grading) == KEYS
    assert isinstance(grading["score"], decimal.Decimal)
    assert grading["uscc"] == golden["uscc"]
    assert grading["score"] == decimal.Decimal(golden["score"])
    assert grading["grade"] == golden["grade"]
    assert grading["grade_by_score"] == golden["grade_by_score"]
    assert grading["vetoes"] == [v["id"] for v in golden["vetoes"]]


def test_the_golden_cases_include_vetoes() -> None:
    vetoed = [
        c for c in CASES if json.loads((FIXTURES / c["expected"]).read_text("utf-8"))["vetoes"]
    ]
    assert vetoed, "the vetoes must be exercised by the golden comparison above"


@pytest.mark.parametrize("threads", [1, 2])
def test_grade_many_matches_evaluate_many_with_errors_in_place(
    evaluator: xinyong.Evaluator, threads: int
) -> None:
    rows = list(registry_lines()) * 8  # enough rows for two threads to split them
    bad = {3: "invalid_uscc", 17: "malformed_json", 2049: "future_date"}
    rows[3] = '{"uscc": "123", "name": "坏", "established_on": "2020-01-01"}'
    rows[17] = "{"
    rows[2049] = json.dumps({**json.loads(rows[2049]), "established_on": "2030-01-01"})
    gradings = evaluator.grade_many(iter(rows), AS_OF, threads=threads)
    evaluations = evaluator.evaluate_many(rows, AS_OF, threads=threads)
    assert len(gradings) == len(evaluations) == len(rows)
    for index, (grading, evaluation) in enumerate(zip(gradings, evaluations)):
        if index in bad:
            assert isinstance(grading, xinyong.XinyongError)
            assert grading.kind == bad[index]
            assert grading.index == index
            assert isinstance(evaluation, xinyong.XinyongError)
            assert evaluation.kind == grading.kind
        else:
            assert isinstance(evaluation, xinyong.Evaluation)
            assert grading == expected_grading(evaluation)


def test_grade_many_raises_the_first_error_when_asked(evaluator: xinyong.Evaluator) -> None:
    rows = registry_lines()[:5] + ["{"] + registry_lines()[5:8]
    with pytest.raises(xinyong.MalformedJsonError) as caught:
        evaluator.grade_many(rows, AS_OF, errors="raise")
    assert caught.value.index == 5
    with pytest.raises(ValueError, match="collect"):
        evaluator.grade_many(rows, AS_OF, errors="ignore")  # type: ignore[arg-type]


def test_grade_raises_the_engine_error(evaluator: xinyong.Evaluator) -> None:
    with pytest.raises(xinyong.InvalidUsccError):
        evaluator.grade('{"uscc": "123", "name": "坏", "established_on": "2020-01-01"}', AS_OF)


def test_grade_reads_the_related_party_context(evaluator: xinyong.Evaluator) -> None:
    cases = json.loads((FIXTURES / "related_party" / "cases.json").read_text("utf-8"))["cases"]
    lowered = 0
    for case in cases:
        record = json.loads((FIXTURES / case["enterprise"]).read_text("utf-8"))
        context = json.loads((FIXTURES / case["related_party"]).read_text("utf-8"))
        with_context = evaluator.grade(record, case["as_of"], related_party=context)
        full = evaluator.evaluate(record, case["as_of"], related_party=context)
        assert with_context == expected_grading(full)
        many = evaluator.grade_many(
            [record], case["as_of"], related_parties={record["uscc"]: context}
        )
        assert many == [with_context]
        lowered += with_context["score"] < evaluator.grade(record, case["as_of"])["score"]
    assert lowered > 0
