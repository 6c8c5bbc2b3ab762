"""The related-party goldens of fixtures/related_party/cases.json through Python, byte for byte,
and evaluation without a context unchanged."""

from __future__ import annotations

import json
from typing import Any

import pytest

import xinyong
from support import FIXTURES

CASES: list[dict[str, Any]] = json.loads(
    (FIXTURES / "related_party" / "cases.json").read_text("utf-8")
)["cases"]


def test_there_are_related_party_cases() -> None:
    assert len(CASES) >= 6


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_related_party_golden_bytes(evaluator: xinyong.Evaluator, case: dict[str, Any]) -> None:
    record = json.loads((FIXTURES / case["enterprise"]).read_text("utf-8"))
    context_text = (FIXTURES / case["related_party"]).read_text("utf-8")
    golden = (FIXTURES / case["expected"]).read_text("utf-8")
    for context in (json.loads(context_text), context_text):
        evaluation = evaluator.evaluate(record, case["as_of"], related_party=context)
        assert evaluation.to_json() + "\n" == golden
        assert str(evaluation.score) == case["expect"]["score"]
        assert evaluation.grade == case["expect"]["grade"]
    plain = evaluator.evaluate(record, case["as_of"])
    assert plain == evaluator.evaluate(record, case["as_of"], related_party=None)
    assert all(c["indicator"] != "related_parties" for c in plain.to_dict()["contributions"])


def test_evaluate_many_uses_each_firms_context(evaluator: xinyong.Evaluator) -> None:
    case = next(c for c in CASES if c["name"] == "one_hop")
    clean = json.loads((FIXTURES / case["enterprise"]).read_text("utf-8"))
    other = json.loads((FIXTURES / "enterprises" / "honours.json").read_text("utf-8"))
    context = json.loads((FIXTURES / case["related_party"]).read_text("utf-8"))
    spelled = clean["uscc"].lower()
    got = evaluator.evaluate_many(
        [clean, other], case["as_of"], related_parties={spelled: context}
    )
    assert isinstance(got[0], xinyong.Evaluation) and isinstance(got[1], xinyong.Evaluation)
    assert got[0].to_json() + "\n" == (FIXTURES / case["expected"]).read_text("utf-8")
    assert got[1] == evaluator.evaluate(other, case["as_of"])


def test_evaluate_jsonl_uses_each_firms_context(
    evaluator: xinyong.Evaluator, tmp_path: Any
) -> None:
    case = next(c for c in CASES if c["name"] == "one_hop")
    clean = json.loads((FIXTURES / case["enterprise"]).read_text("utf-8"))
    other = json.loads((FIXTURES / "enterprises" / "honours.json").read_text("utf-8"))
    context = json.loads((FIXTURES / case["related_party"]).read_text("utf-8"))
    text = json.dumps(clean, ensure_ascii=False) + "\n\n" + json.dumps(other, ensure_ascii=False)
    path = tmp_path / "registry.jsonl"
    path.write_text(text, "utf-8")
    golden = (FIXTURES / case["expected"]).read_text("utf-8")
    for source in (text, path):
        related = {clean["uscc"]: context}
        got = evaluator.evaluate_jsonl(source, case["as_of"], related_parties=related)
        assert len(got) == 2
        assert isinstance(got[0], xinyong.Evaluation) and isinstance(got[1], xinyong.Evaluation)
        assert got[0].to_json() + "\n" == golden
        assert got[1] == evaluator.evaluate(other, case["as_of"])
        plain = evaluator.evaluate_jsonl(source, case["as_of"])
        assert plain[0] == evaluator.evaluate(clean, case["as_of"])
        assert plain[0] != got[0]
    with pytest.raises(TypeError):
        evaluator.evaluate_jsonl(text, case["as_of"], related_parties=[1])  # type: ignore[arg-type]


def test_evaluate_frame_uses_each_firms_context(evaluator: xinyong.Evaluator) -> None:
    import pyarrow as pa
    case = next(c for c in CASES if c["name"] == "one_hop")
    clean = (FIXTURES / case["enterprise"]).read_text("utf-8")
    other = (FIXTURES / "enterprises" / "honours.json").read_text("utf-8")
    context = json.loads((FIXTURES / case["related_party"]).read_text("utf-8"))
    uscc = json.loads(clean)["uscc"]
    table = pa.table({"enterprise": [clean, other]})
    with_context = evaluator.evaluate(clean, case["as_of"], related_party=context)
    for threads in (1, 2):
        out = evaluator.evaluate_frame(
            table, case["as_of"], threads=threads, related_parties={uscc: context}
        ).to_pylist()
        assert out[0]["score"] == float(with_context.score) == float(case["expect"]["score"])
        assert out[0]["grade"] == with_context.grade
        assert out[0]["reasons"] == [r["code"] for r in with_context.reasons]
        assert out[1]["score"] == float(evaluator.evaluate(other, case["as_of"]).score)
    plain = evaluator.evaluate_frame(table, case["as_of"]).to_pylist()
    assert plain[0]["score"] == float(evaluator.evaluate(clean, case["as_of"]).score)
    assert plain[0]["score"] != out[0]["score"]
    not_a_mapping: Any = [1]
    with pytest.raises(TypeError):
        evaluator.evaluate_frame(table, case["as_of"], related_parties=not_a_mapping)


def test_an_inconsistent_context_raises_with_its_path(evaluator: xinyong.Evaluator) -> None:
    record = (FIXTURES / "enterprises" / "clean.json").read_text("utf-8")
    with pytest.raises(xinyong.InvalidFieldError) as info:
        evaluator.evaluate(
            record, "2026-06-30", related_party={"dishonest_within_1": 2, "dishonest_within_2": 1}
        )
    assert info.value.path == "related_party.dishonest_within_2"
    with pytest.raises(TypeError):
        evaluator.evaluate(record, "2026-06-30", related_party=42)  # type: ignore[arg-type]
