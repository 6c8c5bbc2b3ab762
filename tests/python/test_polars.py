"""polars hands its frames and series over as Arrow (the Arrow PyCapsule interface): every
columnar entry point takes them and gives the results it gives for pyarrow and pandas."""

from __future__ import annotations

import json

import polars as pl
import pyarrow as pa
import pytest

import xinyong
from support import FIXTURES
from test_batch import AS_OF, golden_records
from test_graph import CASES, document, expected, lines
from test_metrics import cases


def test_evaluate_frame_of_a_polars_frame_equals_the_arrow_result() -> None:
    evaluator = xinyong.Evaluator()
    texts = [json.dumps(r, ensure_ascii=False) for r in golden_records()]
    from_polars = evaluator.evaluate_frame(pl.DataFrame({"enterprise": texts}), AS_OF)
    from_arrow = evaluator.evaluate_frame(pa.table({"enterprise": texts}), AS_OF)
    assert from_polars.num_rows == len(texts)
    assert from_polars.equals(from_arrow)


@pytest.mark.parametrize("case", CASES)
def test_graph_from_polars_edges_and_nodes(case: str) -> None:
    nodes, edges = lines(case)
    # One schema for every row (read from all of them): kinds' unused columns are null there.
    frame = pl.DataFrame(edges, infer_schema_length=None)
    graph = xinyong.Graph.from_edges(frame, nodes=pl.DataFrame(nodes) if nodes else None)
    assert document(graph) == expected(case)


def test_score_columns_of_a_polars_frame() -> None:
    card = xinyong.Scorecard.from_pmml((FIXTURES / "pmml" / "kie_SimpleScorecard.pmml").read_text("utf-8"))
    frame = pl.DataFrame({"input1": [5.0, 20.5, 23.5], "input2": [5.0, 4.0, -12.0], "input3": [34.1, 34.1, None]})
    out = card.score_columns(frame).to_dict("list")
    rows = [card.score(r) for r in frame.head(2).to_dicts()]
    assert out["score"][:2] == [float(r["score"]) for r in rows]
    assert [list(c) for c in out["reason_codes"][:2]] == [r["reason_codes"] for r in rows]
    assert out["error_kind"][2] == "invalid_field"  # input3 is required


def test_metrics_take_polars_series() -> None:
    case = next(c for c in cases("discrimination.json") if len(c["scores"]) > 100)
    scores, bads = case["scores"], case["bads"]
    want = (xinyong.ks(scores, bads), xinyong.auc(scores, bads, direction="higher_is_good"))
    s, b = pl.Series(scores, dtype=pl.Float64), pl.Series([bool(x) for x in bads])
    assert (xinyong.ks(s, b), xinyong.auc(s, b, direction="higher_is_good")) == want
