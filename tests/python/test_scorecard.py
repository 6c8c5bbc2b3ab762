"""PMML scorecards from Python: the conformance vectors of fixtures/pmml/, exactly as
engine/tests/pmml.rs checks them (exact score, ranked reason codes, or an invalid_field error
naming the offending input), a PMML round trip, and columnar scoring over pandas, Arrow and
NumPy columns giving the same results as row-by-row scoring.
"""

from __future__ import annotations

import csv
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

import xinyong

ROOT = Path(__file__).resolve().parents[2]
PMML = ROOT / "fixtures" / "pmml"
PMML_FILES = [
    "jpmml_AttributeReasonCodeTest.pmml",
    "jpmml_CharacteristicReasonCodeTest.pmml",
    "jpmml_ComplexPartialScoreTest.pmml",
    "kie_SimpleScorecard.pmml",
    "kie_SimpleScorecardCategorical.pmml",
    "kie_SimpleScorecardMixedVariables.pmml",
]
BOOKKEEPING = {"pmml_file", "source_assertion"}


def rows() -> list[dict[str, str]]:
    out = []
    for name in ["jpmml_scorecard_expected.csv", "kie_scorecard_expected.csv"]:
        with open(PMML / name, newline="", encoding="utf-8") as f:
            out.extend(csv.DictReader(f))
    return out


def inputs(row: dict[str, str]) -> dict:
    """Input cells as the Rust test reads them: a decimal where the text is one, else text."""
    out: dict = {}
    for column, cell in row.items():
        if not cell or column.startswith("expect") or column in BOOKKEEPING:
            continue
        try:
            value = Decimal(cell)
            out[column] = value if value.is_finite() else cell
        except InvalidOperation:
            out[column] = cell
    return out


def derived_codes(file: str, income: str):
    """Codes of the rows whose source asserts only the score (see engine/tests/pmml.rs)."""
    if file != "jpmml_ComplexPartialScoreTest.pmml":
        return None
    return {"": ["RC1", "RC2", "RC3"], "1500": ["RC1", "RC2", "RC3"]}.get(income, ["RC1", "RC2"])


def load(file: str) -> xinyong.Scorecard:
    return xinyong.Scorecard.from_pmml(PMML / file)


ROWS = rows()


def test_the_vectors_hold_23_rows_over_every_file() -> None:
    assert len(ROWS) == 23
    assert sorted({r["pmml_file"] for r in ROWS}) == PMML_FILES


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["source_assertion"])
def test_conformance_row(row: dict[str, str]) -> None:
    card = load(row["pmml_file"])
    if row.get("expect_error") == "true":
        with pytest.raises(xinyong.InvalidFieldError) as caught:
            card.score(inputs(row))
        assert caught.value.path in row, caught.value.path
        return
    result = card.score(inputs(row))
    expected_score = row.get("expected_score") or row["expected_final_score"]
    assert result["score"] == Decimal(expected_score)
    written = [v for k, v in row.items() if k.startswith("expected_reason_code_") and v]
    derived = derived_codes(row["pmml_file"], row.get("income", ""))
    if derived is not None:
        assert written == []
    assert result["reason_codes"] == (derived if derived is not None else written)


@pytest.mark.parametrize("file", PMML_FILES)
def test_pmml_round_trip(file: str) -> None:
    card = load(file)
    written = card.to_pmml()
    back = xinyong.Scorecard.from_pmml(written)
    assert back == card
    assert back.to_pmml() == written
    assert back.to_dict() == card.to_dict()


def test_python_values_convert_exactly() -> None:
    card = load("kie_SimpleScorecard.pmml")
    assert card.fields == ["input1", "input2", "input3"]
    as_floats = card.score({"input1": 5.0, "input2": 5, "input3": 34.1})
    as_text = card.score({"input1": Decimal("5"), "input2": Decimal("5"), "input3": "34.1"})
    assert as_floats == as_text == {"score": Decimal("25"), "reason_codes": ["Input1ReasonCode"]}
    for bad in [float("nan"), None, True]:
        with pytest.raises(xinyong.InvalidFieldError) as caught:
            card.score({"input1": 5, "input2": 5, "input3": bad})
        assert caught.value.path == "input3"
    with pytest.raises(TypeError):
        card.score({"input1": [5]})


def kie_inputs() -> list[dict]:
    return [inputs(r) for r in ROWS if r["pmml_file"] == "kie_SimpleScorecard.pmml"]


def test_score_many_keeps_errors_in_place() -> None:
    card = load("kie_SimpleScorecard.pmml")
    batch = kie_inputs()
    results = card.score_many(batch)
    assert len(results) == len(batch) == 8
    for i, (row, result) in enumerate(zip(batch, results)):
        if i >= 5:
            assert isinstance(result, xinyong.InvalidFieldError) and result.index == i
        else:
            assert result == card.score(row)
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        card.score_many(batch, errors="raise")
    assert caught.value.index == 5


def expected_columns(card: xinyong.Scorecard, batch: list[dict]) -> list[tuple]:
    out = []
    for result in card.score_many(batch):
        if isinstance(result, xinyong.XinyongError):
            out.append((None, [], result.kind))
        else:
            out.append((float(result["score"]), result["reason_codes"], None))
    return out


def observed(table) -> list[tuple]:
    if hasattr(table, "to_dict"):
        table = table.to_dict("list")
    scores = [None if s != s else s for s in table["score"]]
    kinds = [None if k != k else k for k in table["error_kind"]]  # pandas shows None as NaN
    return list(zip(scores, [list(c) for c in table["reason_codes"]], kinds))


def test_score_columns_over_pandas_arrow_numpy_and_lists() -> None:
    import pandas as pd
    import pyarrow as pa
    import numpy as np
    card = load("kie_SimpleScorecard.pmml")
    # input3 as floats with NaN for the missing row, and one non-numeric text.
    batch = kie_inputs()
    want = expected_columns(card, batch)
    frame = pd.DataFrame(
        {
            "input1": [float(r["input1"]) for r in batch],
            "input2": [float(r["input2"]) for r in batch],
            "input3": [str(r["input3"]) if "input3" in r else None for r in batch],
            "unused": ["x"] * len(batch),
        }
    )
    assert observed(card.score_columns(frame)) == want
    assert observed(card.score_columns(pa.Table.from_pandas(frame))) == want
    columns = {
        "input1": np.array([float(r["input1"]) for r in batch]),
        "input2": pa.array([int(r["input2"]) for r in batch]),
        "input3": [r.get("input3") for r in batch],
    }
    assert observed(card.score_columns(columns)) == want
    # A missing column is missing in every row: input3 is required, so every row fails.
    without = card.score_columns(frame.drop(columns=["input3"]))
    assert set(observed(without)[i][2] for i in range(len(batch))) == {"invalid_field"}


def test_categorical_columns_from_arrow_strings() -> None:
    import pyarrow as pa
    card = load("kie_SimpleScorecardCategorical.pmml")
    batch = [inputs(r) for r in ROWS if r["pmml_file"] == "kie_SimpleScorecardCategorical.pmml"]
    table = pa.table({"input1": [r["input1"] for r in batch], "input2": [r["input2"] for r in batch]})
    assert observed(card.score_columns(table)) == expected_columns(card, batch)
    assert observed(card.score_columns(table))[0] == (25.0, ["Input1ReasonCode"], None)


NUMERIC_CARD = """<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="integer"/>
  </DataDictionary>
  <Scorecard functionName="regression" initialScore="600" useReasonCodes="true" baselineScore="30">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
    <Characteristics>
      <Characteristic name="A" reasonCode="RA">
        <Attribute partialScore="-10"><SimplePredicate field="a" operator="lessThan" value="0.1"/></Attribute>
        <Attribute partialScore="5"><SimplePredicate field="a" operator="lessOrEqual" value="0.1000000000000000055511151231257827"/></Attribute>
        <Attribute partialScore="12.5"><SimplePredicate field="a" operator="lessThan" value="13"/></Attribute>
        <Attribute partialScore="40"><True/></Attribute>
      </Characteristic>
      <Characteristic name="B" reasonCode="RB" baselineScore="10">
        <Attribute partialScore="0"><SimplePredicate field="b" operator="isMissing"/></Attribute>
        <Attribute partialScore="7"><SimplePredicate field="b" operator="lessOrEqual" value="3"/></Attribute>
        <Attribute partialScore="11"><True/></Attribute>
      </Characteristic>
    </Characteristics>
  </Scorecard>
</PMML>"""


def test_float_columns_score_like_rows_on_and_off_cut_points() -> None:
    """A card of plain numeric inputs binned by cut points scores float columns on a fast path;
    every row must equal the row-by-row result on the decimal each float stands for, errors
    included (a fractional integer, an infinity)."""
    import numpy as np
    card = xinyong.Scorecard.from_pmml(NUMERIC_CARD)
    a = np.array([0.1, np.nextafter(0.1, 0), np.nextafter(0.1, 1), 13.0, 12.5, np.nan, 1e-12, 1e30, -0.0, np.inf])
    b = np.array([3.0, 3.5, 4.0, np.nan, -1.0, 2.0, 1e27, 0.0, 5.0, 1.0])
    frame = {"a": a, "b": b}
    expected = []
    for x, y in zip(a.tolist(), b.tolist()):
        row = {"a": None if x != x else Decimal(repr(x)) if abs(x) < 1e20 else x, "b": None if y != y else y}
        try:
            result = card.score(row)
            expected.append((float(result["score"]), result["reason_codes"], None))
        except xinyong.XinyongError as e:
            expected.append((None, [], e.kind))
    assert observed(card.score_columns(frame)) == expected
    # Some rows are valid, some are not: the comparison above is not vacuous.
    kinds = {row[2] for row in expected}
    assert None in kinds and "invalid_field" in kinds


def test_score_columns_restores_the_garbage_collector() -> None:
    import gc

    import numpy as np
    card = xinyong.Scorecard.from_pmml(NUMERIC_CARD)
    columns = {"a": np.array([1.0, 20.0]), "b": np.array([1.0, 9.0])}
    assert gc.isenabled()
    card.score_columns(columns)
    assert gc.isenabled()
    with pytest.raises(ValueError):
        card.score_columns({"a": np.array([1.0]), "b": np.array([1.0, 2.0])})
    assert gc.isenabled()
    gc.disable()
    try:
        card.score_columns(columns)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_score_columns_can_leave_out_the_reason_codes() -> None:
    import numpy as np
    card = xinyong.Scorecard.from_pmml(NUMERIC_CARD)
    columns = {"a": np.array([1.0, 20.0, np.inf]), "b": np.array([1.0, 9.0, 2.0])}
    full = card.score_columns(columns)
    lean = card.score_columns(columns, reason_codes=False)
    if hasattr(full, "to_dict"):
        full, lean = full.to_dict("list"), lean.to_dict("list")
    assert "reason_codes" not in lean
    assert sorted(lean) == sorted(k for k in full if k != "reason_codes")
    for key in lean:
        assert [None if v != v else v for v in lean[key]] == [None if v != v else v for v in full[key]]
    assert lean["error_kind"][2] == "invalid_field"
