"""Oracle check and speed comparison: xinyong against independent Python scorers.

Generates a synthetic registry with `xinyong synth`, scores it with `xinyong evaluate` and with
the Python reference scorer(s) of this folder, checks that score, grade and grade_by_score agree
for every enterprise, and prints the throughput of each tool measured in this one run.

    python3 bench/compare.py --enterprises 20000 --mean-records 20 --seed 8 --as-of 2026-06-30

Exit status: 0 when every enterprise matches, 1 on any mismatch, 2 when something could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
VENV_PYTHON = HERE / ".venv" / "bin" / "python"
sys.path.insert(0, str(HERE))

import perturb  # noqa: E402
import reference_scorer  # noqa: E402


def pandas_available() -> bool:
    try:
        import pandas  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def reexec_in_venv(argv: list[str]) -> None:
    """Run again under bench/.venv's interpreter when it has pandas and this one does not."""
    if pandas_available() or not VENV_PYTHON.exists() or os.environ.get("XINYONG_BENCH_REEXEC"):
        return
    os.environ["XINYONG_BENCH_REEXEC"] = "1"
    os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(Path(__file__).resolve()), *argv])


@dataclass
class Outcome:
    """What a tool said about one enterprise: a score and grades, or that it could not."""

    uscc: str | None
    score: Decimal | None = None
    grade: str | None = None
    grade_by_score: str | None = None
    error: bool = False

    def key(self):
        return ("error",) if self.error else (self.score, self.grade, self.grade_by_score)

    def show(self) -> str:
        if self.error:
            return "error"
        return f"score {self.score.normalize():f}, grade {self.grade}, grade_by_score {self.grade_by_score}"


@dataclass
class Timing:
    tool: str
    seconds: float
    note: str = ""


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def xinyong_outcomes(path: Path) -> list[Outcome]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            obj = json.loads(line)
            if "error" in obj:
                out.append(Outcome(uscc=None, error=True))
            else:
                out.append(Outcome(obj["uscc"], Decimal(obj["score"]), obj["grade"], obj["grade_by_score"]))
    return out


def time_reference(registry: Path, as_of: date) -> tuple[float, list[Outcome]]:
    start = time.perf_counter()
    results = reference_scorer.score_file(registry, as_of)
    seconds = time.perf_counter() - start
    # The enterprise's uscc is not part of the result; take it from the input for reporting.
    with open(registry, encoding="utf-8") as f:
        usccs = [json.loads(line)["uscc"] for line in f if line.strip()]
    outcomes = [
        Outcome(u, error=True) if isinstance(r, Exception) else Outcome(u, r.score, r.grade, r.grade_by_score)
        for u, r in zip(usccs, results, strict=True)
    ]
    return seconds, outcomes


def time_pandas(registry: Path, as_of: date) -> tuple[float, list[Outcome]]:
    import reference_pandas

    start = time.perf_counter()
    frame = reference_pandas.score_file(registry, as_of)
    seconds = time.perf_counter() - start
    outcomes = [
        Outcome(u, error=True) if e else Outcome(u, s, g, b)
        for u, s, g, b, e in zip(
            frame["uscc"],
            frame["score"],
            frame["grade"],
            frame["grade_by_score"],
            frame["error"],
            strict=True,
        )
    ]
    return seconds, outcomes


def compare(tool: str, expected: list[Outcome], actual: list[Outcome], show: int) -> int:
    """Number of enterprises on which `tool` disagrees with xinyong; prints the first few."""
    if len(expected) != len(actual):
        print(f"  {tool}: {len(actual)} results for {len(expected)} enterprises")
        return max(len(expected), len(actual))
    mismatches = 0
    for index, (x, y) in enumerate(zip(expected, actual, strict=True)):
        same_uscc = x.error or y.error or x.uscc == y.uscc
        if x.key() != y.key() or not same_uscc:
            mismatches += 1
            if mismatches <= show:
                print(f"  {tool} line {index + 1} uscc {y.uscc or x.uscc}:")
                print(f"      xinyong: {x.show()}")
                print(f"      {tool}: {y.show()}")
    return mismatches


def count_records(registry: Path) -> int:
    with open(registry, encoding="utf-8") as f:
        return sum(line.count('"kind":') for line in f)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=20000)
    parser.add_argument("--mean-records", type=int, default=0, help="0: realistic, about 2-3")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2026-06-30", type=date.fromisoformat)
    parser.add_argument("--xinyong", type=Path, default=REPO / "target" / "release" / "xinyong")
    parser.add_argument(
        "--perturb",
        action="store_true",
        help="move dates and amounts onto the model's boundaries (see perturb.py)",
    )
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas variant")
    parser.add_argument("--show", type=int, default=10, help="mismatches to print per tool")
    parser.add_argument("--repeat", type=int, default=1, help="time each tool N times and keep the fastest")
    parser.add_argument("--keep", type=Path, help="keep the registry and xinyong's output in this folder")
    args = parser.parse_args(argv)
    if not args.no_pandas:
        reexec_in_venv(argv)

    if not args.xinyong.exists():
        print(
            f"no xinyong binary at {args.xinyong}; build it with "
            "`cargo build --release -p xinyong --features cli`",
            file=sys.stderr,
        )
        return 2

    with tempfile.TemporaryDirectory(prefix="xinyong-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        registry = folder / "registry.jsonl"
        evaluated = folder / "xinyong.jsonl"
        as_of = args.as_of.isoformat()

        synth = run(
            [
                str(args.xinyong),
                "synth",
                "--enterprises",
                str(args.enterprises),
                "--seed",
                str(args.seed),
                "--as-of",
                as_of,
                "--mean-records",
                str(args.mean_records),
                "-o",
                str(registry),
            ]
        )
        if synth.returncode != 0:
            print(f"xinyong synth failed:\n{synth.stderr}", file=sys.stderr)
            return 2
        if args.perturb:
            synthetic = folder / "synthetic.jsonl"
            registry.replace(synthetic)
            perturb.perturb_file(synthetic, registry, args.as_of, args.seed)
        records = count_records(registry)
        size_mb = registry.stat().st_size / 1e6
        print(
            f"registry: {args.enterprises} enterprises, {records} records "
            f"({records / max(args.enterprises, 1):.1f} per enterprise), {size_mb:.1f} MB, "
            f"seed {args.seed}, as of {as_of}{', perturbed onto boundaries' if args.perturb else ''}"
        )
        load_before = os.getloadavg()

        def best(measure):
            """The fastest of `--repeat` runs, with the result of the last one."""
            runs = [measure() for _ in range(args.repeat)]
            return min(seconds for seconds, _ in runs), runs[-1][1]

        def xinyong_evaluate():
            start = time.perf_counter()
            done = run(
                [str(args.xinyong), "evaluate", "--as-of", as_of, "-i", str(registry), "-o", str(evaluated)]
            )
            return time.perf_counter() - start, done

        timings = []
        seconds, evaluate = best(xinyong_evaluate)
        if evaluate.returncode not in (0, 1):
            print(f"xinyong evaluate failed:\n{evaluate.stderr}", file=sys.stderr)
            return 2
        timings.append(Timing("xinyong evaluate", seconds, "Rust; one process, one thread"))
        expected = xinyong_outcomes(evaluated)

        seconds, reference = best(lambda: time_reference(registry, args.as_of))
        timings.append(Timing("reference_scorer.py", seconds, "pure Python, Decimal; one thread"))
        results = {"reference_scorer.py": reference}

        if args.no_pandas:
            pass
        elif pandas_available():
            seconds, vectorised = best(lambda: time_pandas(registry, args.as_of))
            note = "pandas + NumPy, int64 fixed point; Arrow JSON reader uses all cores"
            timings.append(Timing("reference_pandas.py", seconds, note))
            results["reference_pandas.py"] = vectorised
        else:
            print(
                "pandas variant skipped: pandas and pyarrow are not installed "
                "(python3 -m venv bench/.venv && bench/.venv/bin/pip install -r bench/requirements.txt)"
            )
        load_after = os.getloadavg()

        print()
        failed = False
        errors = sum(o.error for o in expected)
        print(f"oracle check ({len(expected)} enterprises, {errors} not evaluable):")
        for tool, outcomes in results.items():
            bad = compare(tool, expected, outcomes, args.show)
            failed |= bad > 0
            verdict = "all match" if bad == 0 else f"{bad} MISMATCHES"
            print(f"  {tool}: {verdict} (score, grade, grade_by_score)")

        print()
        runs = "one run each" if args.repeat == 1 else f"fastest of {args.repeat} runs each"
        print(
            f"timing (wall clock, {runs}; {os.cpu_count()} CPUs, load average "
            f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; Python {platform.python_version()}):"
        )
        base = timings[0].seconds
        header = f"  {'tool':<22}{'seconds':>9}{'enterprises/s':>15}{'time vs xinyong':>17}  notes"
        print(header)
        print("  " + "-" * (len(header) - 2))
        for t in timings:
            rate = args.enterprises / t.seconds if t.seconds > 0 else float("inf")
            print(f"  {t.tool:<22}{t.seconds:>9.2f}{rate:>15,.0f}{t.seconds / base:>16.1f}x  {t.note}")
        print(
            "  (each time includes reading and parsing the JSON Lines; xinyong's also includes "
            "process start and writing its output)"
        )
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
