"""`Evaluator.evaluate_frame` against the native Rust batch, side by side in one run.

Generates N synthetic enterprises with `xinyong synth`, then times, on the same JSON Lines:

- native: `xinyong evaluate` (the engine's streaming batch: read, evaluate, write summaries);
- arrow, 1 thread: `evaluate_frame(..., threads=1)` on a pyarrow table with one JSON text column
  (the table is built before the clock starts; the result is an Arrow table of score, grade,
  dimensions, reasons, errors): the like-for-like comparison with the single-threaded CLI;
- arrow, all cores: the same with the default thread count;
- pandas (with --pandas): a pandas DataFrame in and out, default threads.

Each timing is the best of `--repeat` runs; the ratio is Python time / native time.

Usage: python bench/python/evaluate_frame.py --xinyong target/release/xinyong [--enterprises N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import xinyong

AS_OF = "2026-06-30"


def best_of(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xinyong", required=True, help="the xinyong CLI binary (release build)")
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pandas", action="store_true", help="also time the pandas path")
    args = parser.parse_args()

    import pyarrow as pa

    with tempfile.TemporaryDirectory() as tmp:
        registry = Path(tmp) / "registry.jsonl"
        subprocess.run(
            [args.xinyong, "synth", "--enterprises", str(args.enterprises),
             "--seed", str(args.seed), "--as-of", AS_OF, "--output", str(registry)],
            check=True,
        )
        lines = registry.read_text("utf-8").splitlines()
        size = registry.stat().st_size

        def native() -> None:
            subprocess.run(
                [args.xinyong, "evaluate", "--as-of", AS_OF, "--input", str(registry),
                 "--output", os.devnull],
                check=True, stderr=subprocess.DEVNULL,
            )

        table = pa.table({"enterprise": pa.array(lines, type=pa.large_string())})
        evaluator = xinyong.Evaluator()
        result = evaluator.evaluate_frame(table, AS_OF)
        assert result.num_rows == len(lines)
        failed = result.num_rows - result.column("error_kind").null_count

        t_native = best_of(args.repeat, native)
        t_one = best_of(args.repeat, lambda: evaluator.evaluate_frame(table, AS_OF, threads=1))
        t_all = best_of(args.repeat, lambda: evaluator.evaluate_frame(table, AS_OF))
        rows = [
            ("native `xinyong evaluate`", t_native),
            ("evaluate_frame, 1 thread", t_one),
            (f"evaluate_frame, {os.cpu_count()} cores", t_all),
        ]
        if args.pandas:
            import pandas as pd

            frame = pd.DataFrame({"enterprise": lines})
            t_pandas = best_of(args.repeat, lambda: evaluator.evaluate_frame(frame, AS_OF))
            rows.append(("evaluate_frame, pandas", t_pandas))

    print(
        f"{len(lines)} enterprises, {size / len(lines):.0f} bytes of JSON each, {failed} failed"
        f" rows; best of {args.repeat}; python {sys.version.split()[0]}, xinyong {xinyong.__version__}"
    )
    print(f"{'path':<28} {'seconds':>9} {'enterprises/s':>14} {'vs native':>10}")
    for name, seconds in rows:
        rate = len(lines) / seconds
        print(f"{name:<28} {seconds:>9.3f} {rate:>14,.0f} {seconds / t_native:>9.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
