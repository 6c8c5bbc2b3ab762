"""Batches: count in == count out, error entries with their index, and the Arrow/pandas path."""

from __future__ import annotations

import decimal
import json
from pathlib import Path

import pytest

import xinyong
from support import FIXTURES, registry_lines

AS_OF = "2026-06-30"
LINES = registry_lines()
BAD_ROW = '{"uscc": "123", "name": "坏", "established_on": "2020-01-01"}'


def mixed_rows() -> tuple[list[str], dict[int, str]]:
    """Registry rows with bad rows put in at known places: (rows, index -> kind)."""
    rows = list(LINES[:50])
    bad = {3: "invalid_uscc", 17: "malformed_json", 49: "future_date"}
    rows[3] = BAD_ROW
    rows[17] = "{"
    rows[49] = json.dumps({**json.loads(LINES[49]), "established_on": "2030-01-01"})
    return rows, bad


def test_evaluate_many_counts_and_error_indices(evaluator: xinyong.Evaluator) -> None:
    rows, bad = mixed_rows()
    results = evaluator.evaluate_many(iter(rows), AS_OF)
    assert len(results) == len(rows)
    for index, result in enumerate(results):
        if index in bad:
            assert isinstance(result, xinyong.XinyongError)
            assert result.kind == bad[index]
            assert result.index == index
        else:
            assert isinstance(result, xinyong.Evaluation)
            assert result == evaluator.evaluate(rows[index], AS_OF)


def test_evaluate_many_accepts_dicts_and_raises_on_request(evaluator: xinyong.Evaluator) -> None:
    rows, _ = mixed_rows()
    dicts = [json.loads(r) if r != "{" else r for r in rows]
    assert len(evaluator.evaluate_many(dicts, AS_OF)) == len(rows)
    with pytest.raises(xinyong.InvalidUsccError) as info:
        evaluator.evaluate_many(rows, AS_OF, errors="raise")
    assert info.value.index == 3
    with pytest.raises(ValueError):
        evaluator.evaluate_many(rows, AS_OF, errors="ignore")  # type: ignore[arg-type]
    assert evaluator.evaluate_many([], AS_OF) == []


def test_evaluate_jsonl_text_and_path(evaluator: xinyong.Evaluator, tmp_path: Path) -> None:
    rows, bad = mixed_rows()
    text = "\n".join(rows[:10]) + "\n\n" + "\n".join(rows[10:]) + "\n"
    path = tmp_path / "batch.jsonl"
    path.write_text(text, "utf-8")
    from_text = evaluator.evaluate_jsonl(text, AS_OF)
    from_path = evaluator.evaluate_jsonl(path, AS_OF)
    assert len(from_text) == len(from_path) == len(rows)
    for index, (a, b) in enumerate(zip(from_text, from_path)):
        if index in bad:
            assert isinstance(a, xinyong.XinyongError) and isinstance(b, xinyong.XinyongError)
            assert a.kind == b.kind == bad[index]
            assert a.index == index
            # The blank line after row 9 shifts later line numbers by one.
            assert a.line == index + (1 if index < 10 else 2)
        else:
            assert a == b
            assert isinstance(a, xinyong.Evaluation)


def test_registry_jsonl_matches_one_by_one(evaluator: xinyong.Evaluator) -> None:
    results = evaluator.evaluate_jsonl(FIXTURES / "registry" / "registry.jsonl", AS_OF)
    assert len(results) == len(LINES)
    for line, result in zip(LINES, results):
        assert isinstance(result, xinyong.Evaluation)
        assert result.to_json() == evaluator.evaluate(line, AS_OF).to_json()


def expected_frame_row(evaluator: xinyong.Evaluator, text: str) -> dict[str, object]:
    """What one output row must hold, from the one-by-one evaluation."""
    try:
        ev = evaluator.evaluate(text, AS_OF)
    except xinyong.XinyongError as error:
        return {"uscc": None, "grade": None, "error_kind": error.kind, "error_path": error.path}
    row: dict[str, object] = {
        "uscc": ev.uscc,
        "score": float(ev.score),
        "grade": ev.grade,
        "grade_by_score": ev.grade_by_score,
        "reasons": [r["code"] for r in ev.reasons],
        "error_kind": None,
        "error_path": None,
    }
    for dimension, points in ev.dimensions.items():
        row[f"dim_{dimension}"] = float(points)
    return row


def check_rows(evaluator: xinyong.Evaluator, rows: list[str], got: list[dict[str, object]]) -> None:
    assert len(got) == len(rows)
    for text, out in zip(rows, got):
        expected = expected_frame_row(evaluator, text)
        for key, value in expected.items():
            assert out[key] == value, key


def test_evaluate_frame_pyarrow(evaluator: xinyong.Evaluator) -> None:
    import pyarrow as pa
    rows, bad = mixed_rows()
    for kind in (pa.string(), pa.large_string(), pa.string_view()):
        table = pa.table({"id": list(range(len(rows))), "enterprise": pa.array(rows, type=kind)})
        out = evaluator.evaluate_frame(table, AS_OF)
        assert isinstance(out, pa.Table)
        assert out.num_rows == len(rows)
        dims = [f"dim_{d}" for d in evaluator.evaluate(rows[0], AS_OF).dimensions]
        assert out.column_names == ["uscc", "score", "grade", "grade_by_score", *dims, "reasons",
                                    "error_kind", "error_message", "error_path"]
        check_rows(evaluator, rows, out.to_pylist())
        kinds = out.column("error_kind").to_pylist()
        assert {i: k for i, k in enumerate(kinds) if k is not None} == bad


def test_evaluate_frame_pyarrow_chunks_and_other_column(evaluator: xinyong.Evaluator) -> None:
    import pyarrow as pa
    rows = LINES[:30]
    chunked = pa.chunked_array([rows[:7], rows[7:20], rows[20:]])
    table = pa.table({"doc": chunked})
    out = evaluator.evaluate_frame(table, AS_OF, column="doc")
    check_rows(evaluator, rows, out.to_pylist())
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
    assert evaluator.evaluate_frame(reader, AS_OF, column="doc").equals(out)
    with pytest.raises(KeyError):
        evaluator.evaluate_frame(table, AS_OF)
    with pytest.raises(TypeError):
        evaluator.evaluate_frame(pa.table({"enterprise": [1, 2]}), AS_OF)


def test_evaluate_frame_pandas(evaluator: xinyong.Evaluator) -> None:
    import pandas as pd
    rows, bad = mixed_rows()
    df = pd.DataFrame({"enterprise": rows, "region": ["x"] * len(rows)})
    out = evaluator.evaluate_frame(df, AS_OF)
    assert isinstance(out, pd.DataFrame)
    assert len(out) == len(rows)
    records = out.to_dict("records")
    for i, record in enumerate(records):
        # pandas turns nulls into None/NaN and lists into arrays: normalise before comparing.
        if record["error_kind"] is None or record["error_kind"] != record["error_kind"]:
            assert i not in bad
            ev = evaluator.evaluate(rows[i], AS_OF)
            assert record["uscc"] == ev.uscc
            assert record["score"] == float(ev.score)
            assert record["grade"] == ev.grade
            assert list(record["reasons"]) == [r["code"] for r in ev.reasons]
        else:
            assert bad[i] == record["error_kind"]
    assert decimal.Decimal(str(out["score"].max())) <= evaluator.evaluate(rows[0], AS_OF).max_score


def test_evaluate_frame_rejects_non_tables(evaluator: xinyong.Evaluator) -> None:
    with pytest.raises(TypeError):
        evaluator.evaluate_frame([{"enterprise": LINES[0]}], AS_OF)


def test_thread_counts_give_identical_results(evaluator: xinyong.Evaluator) -> None:
    import pyarrow as pa
    rows = (LINES * 10)[:2600]
    rows[1500] = BAD_ROW
    table = pa.table({"enterprise": rows})
    one = evaluator.evaluate_frame(table, AS_OF, threads=1)
    for threads in (2, 3, 7, None):
        assert evaluator.evaluate_frame(table, AS_OF, threads=threads).equals(one)
    many_one = evaluator.evaluate_many(rows, AS_OF, threads=1)
    many_four = evaluator.evaluate_many(rows, AS_OF, threads=4)
    assert len(many_one) == len(many_four) == len(rows)
    for a, b in zip(many_one, many_four):
        if isinstance(a, xinyong.Evaluation):
            assert a == b
        else:
            assert isinstance(b, xinyong.XinyongError) and (a.kind, a.index) == (b.kind, b.index)
    assert many_four[1500].index == 1500  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        evaluator.evaluate_frame(table, AS_OF, threads=0)


def test_evaluate_jsonl_gives_the_same_results_on_every_thread_count(
    evaluator: xinyong.Evaluator, tmp_path: Path
) -> None:
    """2,600 lines span several of the chunks the threads share out; bad and blank lines keep
    their index and line number whatever the number of threads."""
    rows = (LINES * 10)[:2600]
    rows[1500] = BAD_ROW
    rows[2100] = "{"
    text = "\n".join(rows[:1000]) + "\n\n" + "\n".join(rows[1000:]) + "\n"
    path = tmp_path / "registry.jsonl"
    path.write_text(text, "utf-8")

    def seen(results: list) -> list[object]:
        return [
            r.to_json() if isinstance(r, xinyong.Evaluation) else (r.kind, r.index, r.line)
            for r in results
        ]

    one = seen(evaluator.evaluate_jsonl(text, AS_OF, threads=1))
    assert len(one) == len(rows)
    assert one[1500] == ("invalid_uscc", 1500, 1502)
    assert one[2100] == ("malformed_json", 2100, 2102)
    for threads in (2, 3, None):
        assert seen(evaluator.evaluate_jsonl(text, AS_OF, threads=threads)) == one
        assert seen(evaluator.evaluate_jsonl(path, AS_OF, threads=threads)) == one
    with pytest.raises(ValueError):
        evaluator.evaluate_jsonl(text, AS_OF, threads=0)


def golden_records() -> list[dict[str, object]]:
    from support import golden_cases

    seen: dict[str, dict[str, object]] = {}
    for case in golden_cases():
        seen[case["enterprise"]] = json.loads((FIXTURES / case["enterprise"]).read_text("utf-8"))
    return list(seen.values()) + [json.loads(line) for line in LINES[:100]]


def test_evaluate_frame_field_columns_match_json_text(evaluator: xinyong.Evaluator) -> None:
    """`column=None`: the columns are the enterprise's fields (nested lists of structs)."""
    import pyarrow as pa
    records = golden_records()
    texts = [json.dumps(r, ensure_ascii=False) for r in records]
    by_fields = evaluator.evaluate_frame(pa.Table.from_pylist(records), AS_OF, column=None)
    by_text = evaluator.evaluate_frame(pa.table({"enterprise": texts}), AS_OF)
    assert by_fields.num_rows == len(records)
    assert by_fields.column("error_kind").null_count == len(records)
    assert by_fields.equals(by_text)


def test_evaluate_frame_field_columns_from_pandas(evaluator: xinyong.Evaluator) -> None:
    import pandas as pd
    records = golden_records()
    frame = pd.DataFrame(records)
    # pandas keeps dates as timestamps; midnight timestamps are read as dates.
    frame["established_on"] = pd.to_datetime(frame["established_on"])
    out = evaluator.evaluate_frame(frame, AS_OF, column=None)
    assert isinstance(out, pd.DataFrame)
    assert out["error_kind"].isna().all()
    for record, score, grade in zip(records, out["score"], out["grade"]):
        ev = evaluator.evaluate(record, AS_OF)
        assert (score, grade) == (float(ev.score), ev.grade)


def test_evaluate_frame_field_columns_report_engine_errors(evaluator: xinyong.Evaluator) -> None:
    import pyarrow as pa
    rows = [json.loads(LINES[0]), json.loads(LINES[1])]
    table = pa.table({
        "uscc": [r["uscc"] for r in rows],
        "name": [r["name"] for r in rows],
        "established_on": pa.array([r["established_on"] for r in rows]).cast(pa.date32()),
        # Decimal128 is written as an exact decimal string; a negative capital is invalid.
        "registered_capital": pa.array(["1234.50", "-5.00"]).cast(pa.decimal128(10, 2)),
    })
    out = evaluator.evaluate_frame(table, AS_OF, column=None).to_pylist()
    assert out[0]["error_kind"] is None
    assert (out[1]["error_kind"], out[1]["error_path"]) == ("invalid_field", "registered_capital")
    expected = evaluator.evaluate(
        {"uscc": rows[0]["uscc"], "name": rows[0]["name"],
         "established_on": rows[0]["established_on"], "registered_capital": "1234.5"},
        AS_OF,
    )
    assert out[0]["score"] == float(expected.score)
    with pytest.raises(TypeError):
        evaluator.evaluate_frame(pa.table({"uscc": pa.array([b"x"])}), AS_OF, column=None)
