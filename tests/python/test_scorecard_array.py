"""`Scorecard.score_array`: scores of columnar data as a NumPy float64 array, read in place from
NumPy, pandas and Arrow float64 columns. Every row must get the float nearest to the exact score
`score` gives on the same values (NaN, values on cut points and beside them, values outside the
fast path's range, fractions in an integer field), and the same reason codes and errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import xinyong

# Plain numeric inputs binned by cut points (the columnar kernel applies): a cut written with 34
# digits next to its nearest float, an integer field, a missing bin, points of two scales.
CARD = """<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="integer"/>
    <DataField name="c" optype="continuous" dataType="double"/>
  </DataDictionary>
  <Scorecard functionName="regression" initialScore="600.25" useReasonCodes="true" baselineScore="30">
    <MiningSchema>
      <MiningField name="a"/><MiningField name="b"/><MiningField name="c"/>
    </MiningSchema>
    <Characteristics>
      <Characteristic name="A" reasonCode="RA">
        <Attribute partialScore="-10"><SimplePredicate field="a" operator="lessThan" value="0.1"/></Attribute>
        <Attribute partialScore="5"><SimplePredicate field="a" operator="lessOrEqual" value="0.1000000000000000055511151231257827"/></Attribute>
        <Attribute partialScore="12.5">
          <CompoundPredicate booleanOperator="and">
            <SimplePredicate field="a" operator="greaterThan" value="0.1000000000000000055511151231257827"/>
            <SimplePredicate field="a" operator="lessThan" value="13"/>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="40"><True/></Attribute>
      </Characteristic>
      <Characteristic name="B" reasonCode="RB" baselineScore="10">
        <Attribute partialScore="0"><SimplePredicate field="b" operator="isMissing"/></Attribute>
        <Attribute partialScore="7"><SimplePredicate field="b" operator="lessOrEqual" value="3"/></Attribute>
        <Attribute partialScore="11"><True/></Attribute>
      </Characteristic>
      <Characteristic name="C" reasonCode="RC">
        <Attribute partialScore="31"><SimplePredicate field="c" operator="lessThan" value="50"/></Attribute>
        <Attribute partialScore="2"><SimplePredicate field="c" operator="greaterOrEqual" value="50"/></Attribute>
      </Characteristic>
    </Characteristics>
  </Scorecard>
</PMML>"""

SPECIAL = [
    0.1, np.nextafter(0.1, 0), np.nextafter(0.1, 1), 13.0, np.nextafter(13.0, 0), 12.5, 3.0,
    3.5, 50.0, np.nextafter(50.0, 0), np.nan, 1e-12, 1e30, -1e30, -0.0, 0.0, np.inf, -np.inf,
    4.0, -7.0, 99.5,
]


def columns(rows: int, seed: int) -> dict[str, np.ndarray]:
    """Values on a 0.5 grid (many on a cut point) with the special values mixed in."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in "abc":
        grid = rng.integers(-20, 200, rows) / 2.0
        special = rng.random(rows) < 0.2
        grid[special] = rng.choice(np.array(SPECIAL), special.sum())
        out[name] = grid
    return out


def exact(card: xinyong.Scorecard, data: dict[str, np.ndarray]) -> list:
    """Row by row: (score as float, reason codes) or the error, from Python floats."""
    rows = [dict(zip(data, values)) for values in zip(*(data[k].tolist() for k in data))]
    out = []
    for result in card.score_many(rows):
        if isinstance(result, xinyong.XinyongError):
            out.append(result)
        else:
            out.append((float(result["score"]), result["reason_codes"]))
    return out


def same_scores(scores: np.ndarray, expected: list) -> None:
    assert scores.dtype == np.float64 and scores.shape == (len(expected),)
    for i, (got, want) in enumerate(zip(scores.tolist(), expected)):
        if isinstance(want, xinyong.XinyongError):
            assert got != got, f"row {i}: {got} where {want} was expected"
        else:
            assert got == want[0], f"row {i}: {got} != {want[0]}"


def test_every_row_scores_like_the_exact_path() -> None:
    card = xinyong.Scorecard.from_pmml(CARD)
    data = columns(5000, 11)  # several chunks of the columnar kernel
    expected = exact(card, data)
    failed = [i for i, e in enumerate(expected) if isinstance(e, xinyong.XinyongError)]
    # Both outcomes occur, so the comparison is not vacuous.
    assert 0 < len(failed) < len(expected)
    same_scores(card.score_array(data, errors="nan"), expected)
    with pytest.raises(xinyong.InvalidFieldError) as raised:
        card.score_array(data)
    assert raised.value.index == failed[0]
    assert raised.value.kind == expected[failed[0]].kind


def test_every_special_value_on_every_input() -> None:
    card = xinyong.Scorecard.from_pmml(CARD)
    n = len(SPECIAL)
    data = {
        "a": np.array(SPECIAL * n),
        "b": np.repeat(np.array(SPECIAL), n),
        "c": np.array(SPECIAL[::-1] * n),
    }
    same_scores(card.score_array(data, errors="nan"), exact(card, data))


def test_reason_codes_as_indices_into_the_names() -> None:
    card = xinyong.Scorecard.from_pmml(CARD)
    data = columns(3000, 12)
    expected = exact(card, data)
    scores, codes = card.score_array(data, reason_codes=True, errors="nan")
    same_scores(scores, expected)
    assert codes.dtype == np.int32 and codes.shape == (3000, 3)
    names = card.reason_code_names
    assert sorted(names) == ["RA", "RB", "RC"]
    for i, want in enumerate(expected):
        got = [names[c] for c in codes[i].tolist() if c >= 0]
        assert got == ([] if isinstance(want, xinyong.XinyongError) else want[1]), f"row {i}"
        # Padding only at the end.
        assert codes[i].tolist() == sorted(codes[i].tolist(), key=lambda c: c < 0)


def test_pandas_arrow_and_other_numeric_columns() -> None:
    card = xinyong.Scorecard.from_pmml(CARD)
    data = columns(2500, 13)
    want = card.score_array(data, errors="nan")
    assert np.array_equal(card.score_array(pd.DataFrame(data), errors="nan"), want, equal_nan=True)
    table = pa.table(data)
    assert np.array_equal(card.score_array(table, errors="nan"), want, equal_nan=True)
    # Read-only, strided, float32-free conversions and Arrow arrays of several chunks.
    frozen = {k: v.copy() for k, v in data.items()}
    for v in frozen.values():
        v.flags.writeable = False
    assert np.array_equal(card.score_array(frozen, errors="nan"), want, equal_nan=True)
    wide = {k: np.repeat(v, 2)[::2] for k, v in data.items()}
    assert np.array_equal(card.score_array(wide, errors="nan"), want, equal_nan=True)
    chunked = {k: pa.chunked_array([v[:1000], v[1000:]]) for k, v in data.items()}
    assert np.array_equal(card.score_array(chunked, errors="nan"), want, equal_nan=True)
    # The inputs are left as they were.
    for k in data:
        assert np.array_equal(frozen[k], data[k], equal_nan=True)
    # Integers (and Arrow nulls as missing values) go through the exact path.
    ints = {"a": np.arange(-5, 95), "b": pa.array([None if i % 7 == 0 else i % 9 for i in range(100)]),
            "c": list(range(100))}
    rows = [{"a": int(ints["a"][i]), "b": ints["b"][i].as_py(), "c": i} for i in range(100)]
    expected = [float(r["score"]) for r in card.score_many(rows, errors="raise")]
    assert card.score_array(ints).tolist() == expected


def test_a_card_outside_the_threshold_form() -> None:
    """Categorical inputs: the general path, the same array interface."""
    from pathlib import Path

    pmml = Path(__file__).resolve().parents[2] / "fixtures" / "pmml" / "kie_SimpleScorecardCategorical.pmml"
    card = xinyong.Scorecard.from_pmml(pmml)
    data = {"input1": ["engineering", "marketing", "business"] * 4,
            "input2": ["classA", "classB", "classA", "classB"] * 3}
    rows = [dict(zip(data, values)) for values in zip(*data.values())]
    results = card.score_many(rows)
    scores, codes = card.score_array(data, reason_codes=True, errors="nan")
    names = card.reason_code_names
    for i, result in enumerate(results):
        if isinstance(result, xinyong.XinyongError):
            assert scores[i] != scores[i]
        else:
            assert scores[i] == float(result["score"])
            assert [names[c] for c in codes[i] if c >= 0] == result["reason_codes"]


def test_missing_columns_uneven_columns_and_bad_arguments() -> None:
    card = xinyong.Scorecard.from_pmml(CARD)
    # b absent: missing in every row (its missing bin); c absent: no bin applies, an error.
    scores = card.score_array({"a": np.array([1.0, 20.0]), "c": np.array([1.0, 60.0])})
    assert scores.tolist() == [600.25 + 12.5 + 0 + 31, 600.25 + 40 + 0 + 2]
    assert np.isnan(card.score_array({"a": np.array([1.0]), "b": np.array([1.0])}, errors="nan")).all()
    with pytest.raises(ValueError):
        card.score_array({"a": np.array([1.0]), "b": np.array([1.0, 2.0])})
    with pytest.raises(ValueError):
        card.score_array({"a": np.array([1.0])}, errors="collect")
    assert card.score_array({"a": np.array([], dtype=np.float64)}).shape == (0,)


def test_threads_give_the_same_results_whatever_the_split() -> None:
    card = xinyong.Scorecard.from_pmml(CARD)
    data = columns(9000, 14)  # several parts of whole kernel chunks, and a short last one
    expected = exact(card, data)
    failed = [i for i, e in enumerate(expected) if isinstance(e, xinyong.XinyongError)]
    assert 0 < len(failed) < len(expected)
    one = card.score_array(data, errors="nan", threads=1)
    same_scores(one, expected)
    one_codes = card.score_array(data, reason_codes=True, errors="nan", threads=1)
    for threads in (2, 3, 7, None):
        assert np.array_equal(card.score_array(data, errors="nan", threads=threads), one, equal_nan=True)
        scores, codes = card.score_array(data, reason_codes=True, errors="nan", threads=threads)
        assert np.array_equal(scores, one_codes[0], equal_nan=True)
        assert np.array_equal(codes, one_codes[1])
    # The first failing row in row order is raised, even when it lies in a later part.
    late = {k: v[failed[0] + 1 :].copy() for k, v in data.items()}
    late_failed = [i - failed[0] - 1 for i in failed[1:]]
    for reason_codes in (False, True):
        with pytest.raises(xinyong.InvalidFieldError) as raised:
            card.score_array(late, reason_codes=reason_codes, threads=3)
        assert raised.value.index == late_failed[0]
    with pytest.raises(ValueError):
        card.score_array(data, threads=0)


def benchmark_card(characteristics: int, seed: int) -> tuple[str, list[np.ndarray], list[np.ndarray]]:
    """A card like the benchmark's: four `lessThan` cuts and five whole points per characteristic."""
    rng = np.random.default_rng(seed)
    cuts = [np.sort(rng.choice(np.arange(1, 100), 4, replace=False)).astype(float) for _ in range(characteristics)]
    points = [rng.integers(-20, 40, 5) for _ in range(characteristics)]
    fields = "".join(f'<DataField name="x{i}" optype="continuous" dataType="double"/>' for i in range(characteristics))
    mining = "".join(f'<MiningField name="x{i}"/>' for i in range(characteristics))
    chars = "".join(
        f'<Characteristic name="c{i}" reasonCode="R{i}" baselineScore="40">'
        + "".join(
            f'<Attribute partialScore="{p[b]}"><SimplePredicate field="x{i}" operator="lessThan" value="{c[b]:g}"/></Attribute>'
            for b in range(4)
        )
        + f'<Attribute partialScore="{p[4]}"><True/></Attribute></Characteristic>'
        for i, (c, p) in enumerate(zip(cuts, points))
    )
    pmml = (
        '<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">'
        f"<DataDictionary>{fields}</DataDictionary>"
        '<Scorecard functionName="regression" initialScore="600" useReasonCodes="true">'
        f"<MiningSchema>{mining}</MiningSchema><Characteristics>{chars}</Characteristics></Scorecard></PMML>"
    )
    return pmml, cuts, points


def test_twenty_characteristics_in_every_input_form() -> None:
    """The benchmark's kind of card (every lane in steps): the same scores as a NumPy scorer from a
    dict of NumPy columns, a 2-D array's strided columns, a DataFrame, an Arrow table, on any
    number of threads."""
    pmml, cuts, points = benchmark_card(20, 5)
    card = xinyong.Scorecard.from_pmml(pmml)
    rng = np.random.default_rng(6)
    rows = 5000
    matrix = rng.integers(0, 200, size=(rows, 20)) / 2.0
    matrix[rng.random((rows, 20)) < 0.01] = np.nan  # missing: the catch-all bin
    data = {f"x{i}": np.ascontiguousarray(matrix[:, i]) for i in range(20)}
    want = np.full(rows, 600, dtype=np.int64)
    for i, (c, p) in enumerate(zip(cuts, points)):
        x = data[f"x{i}"]
        want += np.where(np.isnan(x), p[4], p[np.searchsorted(c, np.nan_to_num(x), side="right")])
    got = card.score_array(data)
    assert np.array_equal(got, want.astype(np.float64))
    strided = {f"x{i}": matrix[:, i] for i in range(20)}
    assert not strided["x0"].flags.c_contiguous
    for form in (strided, pd.DataFrame(data), pa.table(data)):
        for threads in (1, 2, None):
            assert np.array_equal(card.score_array(form, threads=threads), got)
