"""The Spark example as a test: the bundled registry evaluated by PySpark tasks through
``mapInArrow`` (local mode) equals the single-process evaluation, byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate_registry as example  # noqa: E402


@pytest.fixture(scope="module")
def spark():
    session = example.spark_session("local[2]")
    yield session
    session.stop()


def test_registry_in_spark_equals_single_process(spark) -> None:
    reference = example.single_process(example.REGISTRY, example.AS_OF)
    assert len(reference) == 300
    assert all(row[5] is not None for row in reference if row[4] is None)
    distributed = example.spark_run(spark, example.REGISTRY, example.AS_OF, partitions=4)
    assert [row[0] for row in distributed] == list(range(1, 301))
    assert distributed == reference


def test_a_bad_line_is_an_error_row_not_a_failed_job(spark, tmp_path: Path) -> None:
    lines = example.REGISTRY.read_text(encoding="utf-8").splitlines()[:3]
    lines.insert(1, '{"uscc": "not a code"}')
    path = tmp_path / "registry.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    distributed = example.spark_run(spark, path, example.AS_OF, partitions=2)
    kinds = [row[4] for row in distributed]
    assert kinds[0] is None and kinds[1] is not None and kinds[2:] == [None, None]
    assert distributed == example.single_process(path, example.AS_OF)


def test_main_reports_success(capsys) -> None:
    assert example.main(["--master", "local[2]"]) == 0
    assert "identical to the single-process result" in capsys.readouterr().out
