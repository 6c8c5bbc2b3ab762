"""Every golden case of fixtures/cases.json through Python: the same bytes as the Rust engine."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

import pytest

import xinyong
from support import FIXTURES, golden_cases

CASES = golden_cases()


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 10


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_bytes_from_dict(evaluator: xinyong.Evaluator, case: dict[str, Any]) -> None:
    record = json.loads((FIXTURES / case["enterprise"]).read_text("utf-8"))
    golden = (FIXTURES / case["expected"]).read_bytes()
    evaluation = evaluator.evaluate(record, datetime.date.fromisoformat(case["as_of"]))
    assert (evaluation.to_json() + "\n").encode("utf-8") == golden


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_golden_bytes_from_text_and_pins(
    evaluator: xinyong.Evaluator, case: dict[str, Any]
) -> None:
    text = (FIXTURES / case["enterprise"]).read_text("utf-8")
    golden = (FIXTURES / case["expected"]).read_text("utf-8")
    evaluation = evaluator.evaluate(text, case["as_of"])
    assert evaluation.to_json() + "\n" == golden
    # The typed view agrees with the golden document, with exact decimals.
    document = json.loads(golden)
    assert evaluation.score == decimal.Decimal(document["score"])
    assert isinstance(evaluation.score, decimal.Decimal)
    assert evaluation.grade == document["grade"]
    assert evaluation.as_of == datetime.date.fromisoformat(case["as_of"])
    assert evaluation.to_dict() == document
    assert list(evaluation.dimensions) == [d["id"] for d in document["dimensions"]]
    for expected_key, expected_value in case.get("expect", {}).items():
        if expected_key == "score":
            assert evaluation.score == decimal.Decimal(expected_value)
        elif expected_key == "grade":
            assert evaluation.grade == expected_value


def test_golden_bytes_through_jsonl_and_many(evaluator: xinyong.Evaluator) -> None:
    """The batch paths give the same evaluations as one-by-one evaluation."""
    by_date: dict[str, list[dict[str, Any]]] = {}
    for case in CASES:
        by_date.setdefault(case["as_of"], []).append(case)
    for as_of, cases in by_date.items():
        texts = [
            json.dumps(json.loads((FIXTURES / c["enterprise"]).read_text("utf-8")), ensure_ascii=False)
            for c in cases
        ]
        goldens = [(FIXTURES / c["expected"]).read_text("utf-8") for c in cases]
        from_jsonl = evaluator.evaluate_jsonl("\n".join(texts) + "\n", as_of)
        from_many = evaluator.evaluate_many(texts, as_of)
        for got_jsonl, got_many, golden in zip(from_jsonl, from_many, goldens):
            assert isinstance(got_jsonl, xinyong.Evaluation)
            assert isinstance(got_many, xinyong.Evaluation)
            assert got_jsonl.to_json() + "\n" == golden
            assert got_many.to_json() + "\n" == golden
