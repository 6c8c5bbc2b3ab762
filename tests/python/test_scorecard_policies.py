"""Scorecard missing/unseen policies and scorecard dimensions from Python: a PMML card whose
characteristics carry policies scores rows and float columns as the Rust engine does, keeps its
policies through a PMML round trip, and the model of fixtures/scorecard_model/ (a scorecard
dimension reading enterprise features) reproduces the Rust goldens byte for byte.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import xinyong

ROOT = Path(__file__).resolve().parents[2]
SCORECARD_MODEL = ROOT / "fixtures" / "scorecard_model"

# `a` leaves [50, 80) unbinned; a missing `a` takes the minimum, an unseen one 12.5 points.
POLICY_CARD = """<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="double"/>
  </DataDictionary>
  <Scorecard functionName="regression" initialScore="100" useReasonCodes="true">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
    <Characteristics>
      <Characteristic name="A" reasonCode="RA" baselineScore="20">
        <Extension extender="xinyong" name="missing" value="min"/>
        <Extension extender="xinyong" name="unseen" value="points:12.5"/>
        <Attribute partialScore="5" reasonCode="RA_LOW"><SimplePredicate field="a" operator="lessThan" value="10"/></Attribute>
        <Attribute partialScore="20">
          <CompoundPredicate booleanOperator="and">
            <SimplePredicate field="a" operator="greaterOrEqual" value="10"/>
            <SimplePredicate field="a" operator="lessThan" value="50"/>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="30"><SimplePredicate field="a" operator="greaterOrEqual" value="80"/></Attribute>
      </Characteristic>
      <Characteristic name="B" reasonCode="RB" baselineScore="10">
        <Extension extender="xinyong" name="missing" value="error"/>
        <Attribute partialScore="0"><SimplePredicate field="b" operator="lessThan" value="0"/></Attribute>
        <Attribute partialScore="10"><SimplePredicate field="b" operator="greaterOrEqual" value="0"/></Attribute>
      </Characteristic>
    </Characteristics>
  </Scorecard>
</PMML>"""


def test_policies_score_rows_as_the_engine_defines_them() -> None:
    card = xinyong.Scorecard.from_pmml(POLICY_CARD)
    assert card.score({"a": None, "b": 5}) == {"score": Decimal("115"), "reason_codes": ["RA_LOW", "RB"]}
    assert card.score({"a": 60, "b": 5}) == {"score": Decimal("122.5"), "reason_codes": ["RA", "RB"]}
    assert card.score({"a": 20, "b": 5}) == {"score": Decimal("130"), "reason_codes": ["RA", "RB"]}
    with pytest.raises(xinyong.InvalidFieldError) as error:
        card.score({"a": 20})
    assert error.value.path == "B"
    assert "missing policy is `error`" in str(error.value)


def test_policies_survive_a_pmml_round_trip() -> None:
    card = xinyong.Scorecard.from_pmml(POLICY_CARD)
    written = card.to_pmml()
    assert '<Extension extender="xinyong" name="unseen" value="points:12.5"/>' in written
    again = xinyong.Scorecard.from_pmml(written)
    assert again == card
    characteristic = card.to_dict()["characteristics"][0]
    assert characteristic["missing"] == "min"
    assert characteristic["unseen"] == {"points": "12.5"}


def test_float_columns_follow_the_policies_like_rows() -> None:
    import numpy as np

    card = xinyong.Scorecard.from_pmml(POLICY_CARD)
    a = np.array([np.nan, 60.0, 20.0, 79.5, 80.0, 5.0])
    b = np.array([5.0, 5.0, np.nan, -1.0, 0.0, 1.0])
    expected = []
    for x, y in zip(a.tolist(), b.tolist()):
        row = {"a": None if x != x else x, "b": None if y != y else y}
        try:
            result = card.score(row)
            expected.append((float(result["score"]), result["reason_codes"], None))
        except xinyong.XinyongError as e:
            expected.append((None, [], e.kind))
    table = card.score_columns({"a": a, "b": b})
    if hasattr(table, "to_dict"):
        table = table.to_dict("list")
    scores = [None if s != s else s for s in table["score"]]
    kinds = [None if k != k else k for k in table["error_kind"]]
    observed = list(zip(scores, [list(c) for c in table["reason_codes"]], kinds))
    assert observed == expected
    assert expected[0][0] == 115.0 and expected[1][0] == 122.5
    assert expected[2][2] == "invalid_field"


@pytest.mark.parametrize("name", ["full_features", "missing_features", "unseen_values", "points_lost"])
def test_a_scorecard_dimension_matches_the_rust_goldens(name: str) -> None:
    model = xinyong.Model.from_json(SCORECARD_MODEL / "model.json")
    assert model.problems() == []
    evaluator = xinyong.Evaluator(model)
    record = json.loads((SCORECARD_MODEL / f"{name}.json").read_text("utf-8"))
    golden = (SCORECARD_MODEL / "expected" / f"{name}.json").read_text("utf-8")
    evaluation = evaluator.evaluate(record, "2026-06-30")
    assert evaluation.to_json() + "\n" == golden
