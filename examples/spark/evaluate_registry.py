"""Evaluate an enterprise registry (JSON Lines) with xinyong inside Apache Spark.

Each Spark task receives Arrow record batches of raw JSON lines (``mapInArrow``), evaluates them
with one ``xinyong.Evaluator`` per task and returns Arrow batches of results: the position of the
line, the USCC, score and grade, the error kind of a line that does not evaluate, and the
evaluation as the engine's compact JSON, so the Spark result can be compared byte for byte with
a single-process run of the same engine.

Run it on the bundled synthetic registry in local mode::

    python examples/spark/evaluate_registry.py --master 'local[2]'

It prints how many enterprises were evaluated and exits non-zero if the Spark result differs from
the single-process result. On a cluster, the ``xinyong`` wheel must be installed where the
executors run (see README.md beside this file).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

import xinyong

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "fixtures" / "registry" / "registry.jsonl"
AS_OF = "2026-06-30"

#: The result schema, in Spark's DDL and as Arrow.
SCHEMA_DDL = "line long, uscc string, score string, grade string, error_kind string, evaluation string"
ARROW_SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("uscc", pa.string()),
        ("score", pa.string()),
        ("grade", pa.string()),
        ("error_kind", pa.string()),
        ("evaluation", pa.string()),
    ]
)


def evaluate_lines(lines: list[int], texts: list[str], as_of: str, evaluator: xinyong.Evaluator) -> pa.RecordBatch:
    """Evaluates JSON texts (one enterprise each); one result row per text, errors included."""
    results = evaluator.evaluate_many(texts, as_of)
    columns: dict[str, list] = {name: [] for name in ARROW_SCHEMA.names}
    for line, result in zip(lines, results):
        columns["line"].append(line)
        if isinstance(result, xinyong.XinyongError):
            row = (None, None, None, result.kind, None)
        else:
            row = (result.uscc, str(result.score), result.grade, None, result.to_json(pretty=False))
        for name, value in zip(ARROW_SCHEMA.names[1:], row):
            columns[name].append(value)
    return pa.RecordBatch.from_pydict(columns, schema=ARROW_SCHEMA)


def evaluate_batches(batches: Iterator[pa.RecordBatch], as_of: str) -> Iterator[pa.RecordBatch]:
    """The ``mapInArrow`` function: batches of ``(line, text)`` rows in, result batches out."""
    evaluator = xinyong.Evaluator()  # compiled once per task, shared by its batches
    for batch in batches:
        lines = batch.column("line").to_pylist()
        texts = batch.column("text").to_pylist()
        yield evaluate_lines(lines, texts, as_of, evaluator)


def single_process(path: Path, as_of: str) -> list[tuple]:
    """The reference: every line evaluated in this process, sorted by line."""
    texts = [t for t in path.read_text(encoding="utf-8").splitlines()]
    numbered = [(i + 1, t) for i, t in enumerate(texts) if t.strip()]
    batch = evaluate_lines([n for n, _ in numbered], [t for _, t in numbered], as_of, xinyong.Evaluator())
    return sorted(tuple(row.values()) for row in batch.to_pylist())


def spark_session(master: str):
    """A local Spark session whose Python workers use this interpreter (and so this xinyong)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master(master)
        .appName("xinyong-evaluate-registry")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
        .getOrCreate()
    )


def spark_run(spark, path: Path, as_of: str, partitions: int = 4) -> list[tuple]:
    """Every line evaluated by Spark tasks through ``mapInArrow``, sorted by line."""
    from pyspark import cloudpickle
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    # Ship this module's functions by value, so executors need only xinyong, not this file.
    if __name__ != "__main__":
        cloudpickle.register_pickle_by_value(sys.modules[__name__])

    text = spark.read.text(str(path)).withColumnRenamed("value", "text")
    # Number the lines 1.. in file order (a single-partition window is fine for a demo; a real
    # registry would key rows by USCC instead).
    order = F.monotonically_increasing_id()
    numbered = text.withColumn("line", F.row_number().over(Window.orderBy(order)).cast("long"))
    numbered = numbered.where(F.trim("text") != "").repartition(partitions)
    results = numbered.mapInArrow(lambda batches: evaluate_batches(batches, as_of), SCHEMA_DDL)
    return sorted(tuple(row) for row in results.collect())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, default=REGISTRY, help="JSON Lines of enterprises")
    parser.add_argument("--as-of", default=AS_OF, help="evaluation date (YYYY-MM-DD)")
    parser.add_argument("--master", default="local[2]", help="Spark master URL")
    parser.add_argument("--partitions", type=int, default=4)
    args = parser.parse_args(argv)

    spark = spark_session(args.master)
    try:
        distributed = spark_run(spark, args.registry, args.as_of, args.partitions)
    finally:
        spark.stop()
    reference = single_process(args.registry, args.as_of)
    failed = sum(1 for row in distributed if row[4] is not None)
    print(f"evaluated {len(distributed)} enterprises in Spark ({failed} errors)")
    if distributed != reference:
        print("the Spark result differs from the single-process result", file=sys.stderr)
        return 1
    print("identical to the single-process result, byte for byte")
    return 0


if __name__ == "__main__":
    sys.exit(main())
