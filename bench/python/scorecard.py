"""Scorecard scoring: xinyong.Scorecard against a plain NumPy scorer, scorecardpy, toad and optbinning,
on one synthetic card and one synthetic sample, in one run.

The card has ``--characteristics`` numeric characteristics of five bins each (cut points and
points drawn from a seed), written as PMML and read by ``xinyong.Scorecard.from_pmml``. The NumPy
scorer is what a data scientist writes for the same card: ``np.searchsorted`` per
characteristic, a points lookup, a sum. xinyong also ranks reason codes for every row and works in
exact decimals, which the other scorers do not; the table says what each one computed.

The card's bins are ``[-inf, c1), [c1, c2), ..., [c4, inf)`` (PMML ``lessThan`` cut points), and the
values sit on a 0.5 grid, so many rows fall exactly on a cut point. Each library gets the same card
in its own format, with the same boundary rule:

- scorecardpy: the dict of DataFrames that ``scorecardpy.scorecard()`` returns (``basepoints``
  plus one table per variable with columns ``variable, bin, points``, bins written ``[a,b)`` the
  way scorecardpy writes them, e.g. ``[-inf,13.0)``), scored with
  ``scorecardpy.scorecard_ply(df, card, only_total_score=True)``. scorecardpy cuts with
  ``pd.cut(..., right=False)``: left-closed bins, the same rule.
- toad: ``toad.ScoreCard().load(card)`` from an exported card (``{variable: {"[a ~ b)": points}}``,
  toad's own export format), scored with ``.predict(df)``. toad bins with ``np.digitize`` (left-closed
  bins, the same rule). A toad card has no base points (toad spreads them over the variables), so
  the card's initial score of 600 is added to every bin of the first characteristic: the same
  total for every row.
- optbinning: ``optbinning.Scorecard`` cannot be built from a card table without fitting (its only
  loader unpickles a fitted object). So this benchmark fits one: a ``BinningProcess`` whose
  ``user_splits`` are the card's cut points, all fixed (``user_splits_fixed``, no monotonic trend,
  so the optimiser keeps exactly those four splits, which is checked), and a
  ``LogisticRegression``, on a separate synthetic training sample, with ``pdo_odds`` scaling and
  rounding to whole points. Its points therefore differ from the seed card's. A second xinyong
  card is written as PMML from optbinning's fitted table (its five numeric bins per variable; the
  ``Special`` and ``Missing`` bins are never hit, the sample has no missing values), and
  optbinning's ``scorecard.score(df)`` is compared with, and timed against, xinyong on that card.
  optbinning's numeric bins are ``[a, b)`` too (``np.digitize``).

xinyong is timed through ``Scorecard.score_array`` (scores only, a NumPy float64 array; NumPy,
pandas and Arrow float64 columns read in place) on a dict of NumPy columns, a pandas DataFrame and
a pyarrow Table, with ``reason_codes=True`` (an int32 array of code indices per row), and through
``score_columns`` (a DataFrame of exact scores as floats with the reason codes as lists of
strings, and with ``reason_codes=False``). ``score_array`` runs on one thread (``threads=1``) for
the per-core figures, and once more on every core (``threads=None``) when the installed xinyong
takes ``threads``. The last lines give the ratios of the issue's goals: 5x the NumPy scorer and
50x optbinning, on the scores alone, on one thread and on every core, in wall-clock time and per
CPU-second: beside each wall-clock time the table gives the least CPU time of the process over one
call (every thread), which on a shared machine does not count the time spent waiting for a core.

Every tool's score must equal xinyong's for every row (checked before any timing prints). Each tool
runs once (``--repeat N``: the fastest of N); only scoring is timed, not building the cards, the
frames or the optbinning fit. ``--library-rows scorecardpy=100000`` scores a slow library on the
first rows only; the table gives rows/s, so the ratio stays comparable.

    python bench/python/scorecard.py --rows 1000000 --characteristics 10 --seed 3
    python bench/python/scorecard.py --rows 1000000 --characteristics 20 --seed 3

Needs xinyong, numpy and (for the DataFrame variant and the libraries) pandas. scorecardpy, toad
and optbinning are optional (``--libraries``); one that cannot be imported is skipped with a line
saying so. Pinned versions: ``bench/python/requirements-compare.txt``.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import os
import platform
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

try:
    # Imported before any clock starts: score_columns returns a pandas DataFrame when pandas is
    # installed, and would otherwise pay for importing pandas inside its first timed call.
    import pandas as pd
except ImportError:  # pragma: no cover - the NumPy and dict-of-columns runs need no pandas
    pd = None

import xinyong

LIBRARIES = ("scorecardpy", "toad", "optbinning")
INITIAL_SCORE = 600


@dataclass
class Run:
    """One timed scoring run: what ran, what it computes, on how many rows, how long it took."""

    tool: str
    computes: str
    rows: int
    seconds: float
    reference: str  # the tool whose time this one is compared with
    cpu_seconds: float = float("nan")  # least CPU time of the process over one call, every thread

    @property
    def rows_per_second(self) -> float:
        """Rows scored per second."""
        return self.rows / self.seconds


def card_pmml(cuts: list[np.ndarray], points: list[np.ndarray], initial_score: int = INITIAL_SCORE) -> str:
    """PMML text of a card: characteristic ``i`` reads field ``x{i}``, bin ``b`` is ``x < cuts[i][b]``
    (first match wins) and the last bin takes the rest.
    """
    fields = "".join(f'<DataField name="x{i}" optype="continuous" dataType="double"/>' for i in range(len(cuts)))
    mining = "".join(f'<MiningField name="x{i}" usageType="active"/>' for i in range(len(cuts)))
    chars = []
    for i, (c, p) in enumerate(zip(cuts, points, strict=True)):
        attributes = [
            f'<Attribute partialScore="{p[b]}"><SimplePredicate field="x{i}" '
            f'operator="lessThan" value="{c[b]:g}"/></Attribute>'
            for b in range(len(c))
        ]
        attributes.append(f'<Attribute partialScore="{p[len(c)]}"><True/></Attribute>')
        chars.append(
            f'<Characteristic name="c{i}" reasonCode="RC{i}" baselineScore="{int(p.max())}">'
            + "".join(attributes)
            + "</Characteristic>"
        )
    return (
        '<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">'
        f"<DataDictionary>{fields}</DataDictionary>"
        f'<Scorecard functionName="regression" initialScore="{initial_score}" useReasonCodes="true" '
        'reasonCodeAlgorithm="pointsBelow" baselineMethod="max">'
        f"<MiningSchema>{mining}</MiningSchema>"
        f"<Characteristics>{''.join(chars)}</Characteristics>"
        "</Scorecard></PMML>"
    )


def card(characteristics: int, seed: int) -> tuple[str, list[np.ndarray], list[np.ndarray]]:
    """PMML text, and per characteristic its 4 cut points and 5 integer points."""
    rng = np.random.default_rng(seed)
    cuts = [np.sort(rng.choice(np.arange(1, 100), size=4, replace=False)).astype(float) for _ in range(characteristics)]
    points = [rng.integers(-20, 40, size=5) for _ in range(characteristics)]
    return card_pmml(cuts, points), cuts, points


def sample(rows: int, characteristics: int, seed: int) -> dict[str, np.ndarray]:
    """Values 0, 0.5, ..., 99.5: on a 0.5 grid, so many fall exactly on a cut point."""
    rng = np.random.default_rng(seed)
    return {f"x{i}": rng.integers(0, 200, size=rows) / 2.0 for i in range(characteristics)}


def numpy_score(columns: dict[str, np.ndarray], cuts: list[np.ndarray], points: list[np.ndarray]) -> np.ndarray:
    """600 + the points of each value's bin (bins ``[-inf, c1), [c1, c2), ..., [c4, inf)``)."""
    total = np.full(len(next(iter(columns.values()))), INITIAL_SCORE, dtype=np.int64)
    for i, (c, p) in enumerate(zip(cuts, points, strict=True)):
        total += p[np.searchsorted(c, columns[f"x{i}"], side="right")]
    return total


def bounds(c: np.ndarray) -> list[tuple[float, float]]:
    """The bins ``(lower, upper)`` of cut points ``c``, from ``-inf`` to ``inf``."""
    edges = [-np.inf, *(float(v) for v in c), np.inf]
    return list(itertools.pairwise(edges))


def scorecardpy_card(cuts: list[np.ndarray], points: list[np.ndarray]) -> dict[str, Any]:
    """The card in the format ``scorecardpy.scorecard()`` returns: ``basepoints`` and one
    ``variable, bin, points`` table per variable, bins as ``[a,b)`` with floats written the way
    scorecardpy formats its break points (``[-inf,13.0)``, ``[13.0,27.0)``, ...).
    """
    result: dict[str, Any] = {
        "basepoints": pd.DataFrame({"variable": "basepoints", "bin": np.nan, "points": INITIAL_SCORE}, index=[0])
    }
    for i, (c, p) in enumerate(zip(cuts, points, strict=True)):
        result[f"x{i}"] = pd.DataFrame(
            {"variable": f"x{i}", "bin": [f"[{lo},{hi})" for lo, hi in bounds(c)], "points": p}
        )
    return result


def toad_card(cuts: list[np.ndarray], points: list[np.ndarray]) -> dict[str, dict[str, int]]:
    """The card as toad exports it (``ScoreCard.export()``): ``{variable: {"[a ~ b)": points}}``.
    toad has no base points, so the initial score goes into every bin of ``x0``.
    """
    return {
        f"x{i}": {
            f"[{lo} ~ {hi})": int(v) + (INITIAL_SCORE if i == 0 else 0)
            for (lo, hi), v in zip(bounds(c), p, strict=True)
        }
        for i, (c, p) in enumerate(zip(cuts, points, strict=True))
    }


def optbinning_scorecard(
    optbinning: ModuleType, cuts: list[np.ndarray], points: list[np.ndarray], seed: int, rows: int = 20_000
) -> tuple[Any, str]:
    """Fit an ``optbinning.Scorecard`` whose bins are exactly the card's, and the PMML of its
    fitted card (the points optbinning scores with, read from ``scorecard.table()``).

    The training target is drawn from a logistic model of the seed card's score, so the fitted
    points are a plausible card; the benchmark needs only that both sides score the same one.
    """
    from sklearn.linear_model import LogisticRegression

    names = [f"x{i}" for i in range(len(cuts))]
    train = pd.DataFrame(sample(rows, len(cuts), seed))
    score = numpy_score({n: train[n].to_numpy() for n in names}, cuts, points)
    rng = np.random.default_rng(seed + 1)
    target = (rng.random(rows) < 1 / (1 + np.exp((score - score.mean()) / 20))).astype(int)
    binning = optbinning.BinningProcess(
        names,
        binning_fit_params={
            n: {"user_splits": list(c), "user_splits_fixed": [True] * len(c), "monotonic_trend": None}
            for n, c in zip(names, cuts, strict=True)
        },
    )
    scorecard = optbinning.Scorecard(
        binning,
        LogisticRegression(),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": INITIAL_SCORE},
        rounding=True,
    )
    scorecard.fit(train, target)
    table = scorecard.table(style="summary")
    fitted_points = []
    for n, c in zip(names, cuts, strict=True):
        splits = np.asarray(scorecard.binning_process_.get_binned_variable(n).splits, dtype=float)
        if not np.array_equal(splits, c):
            raise AssertionError(f"optbinning: {n} was fitted with splits {splits}, not the card's {c}")
        # The numeric bins come first, in order, then Special and Missing.
        p = table.loc[table["Variable"] == n, "Points"].to_numpy()[: len(c) + 1]
        if not np.array_equal(p, np.rint(p)):
            raise AssertionError(f"optbinning: {n} has points that are not whole numbers: {p}")
        fitted_points.append(p.astype(np.int64))
    intercept = float(scorecard.intercept_)
    if intercept != int(intercept):
        raise AssertionError(f"optbinning: the intercept {intercept} is not a whole number")
    return scorecard, card_pmml(cuts, fitted_points, int(intercept))


CPU_SECONDS: dict[int, float] = {}  # id of a timed value -> least CPU seconds of its timed calls


def timed(fn: Callable[..., Any], *args: Any, repeat: int = 1, **kwargs: Any) -> tuple[Any, float]:
    """The value of ``fn(*args, **kwargs)`` and the seconds it took (the fastest of ``repeat`` calls).

    The least CPU time of those calls (the process's, summed over its threads) is kept in
    ``CPU_SECONDS`` under the value's ``id``: on a loaded machine the wall-clock time includes
    waiting for a core, the CPU time does not.
    """
    best, best_cpu = float("inf"), float("inf")
    for _ in range(max(1, repeat)):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn(*args, **kwargs)
        best, best_cpu = min(best, time.perf_counter() - start), min(best_cpu, time.process_time() - start_cpu)
    CPU_SECONDS[id(value)] = best_cpu
    return value, best


def cpu_of(value: Any) -> float:
    """The least CPU seconds of the timed calls that returned ``value``."""
    return CPU_SECONDS.get(id(value), float("nan"))


def check_equal(tool: str, got: Any, expected: np.ndarray, against: str) -> None:
    """Raise unless ``got`` equals ``expected`` row for row, saying how many rows differ."""
    got = np.asarray(got, dtype=float).reshape(-1)
    if got.shape != expected.shape:
        raise AssertionError(f"{tool}: {got.shape[0]:,} scores for {expected.shape[0]:,} rows")
    differ = np.flatnonzero(got != expected)
    if differ.size:
        first = differ[0]
        raise AssertionError(
            f"{tool}: {differ.size:,} of {expected.size:,} rows differ from {against} "
            f"(first at row {first}: {float(got[first])} against {float(expected[first])})"
        )


def dtype_name(values: Any) -> str:
    """The NumPy dtype a tool's scores come back in."""
    return str(np.asarray(values).dtype)


def load_libraries(requested: list[str]) -> dict[str, ModuleType]:
    """Import the requested libraries, printing a line for each one that cannot be imported."""
    found = {}
    for name in requested:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                found[name] = importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - a broken install is as good as a missing one here
            print(f"skipping {name}: cannot import it ({type(error).__name__}: {error})")
    return found


def parse_libraries(text: str) -> list[str]:
    """``all``, ``none`` or a comma-separated subset of scorecardpy, toad, optbinning."""
    if text == "all":
        return list(LIBRARIES)
    if text == "none":
        return []
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(LIBRARIES))
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown libraries {unknown}; choose from {', '.join(LIBRARIES)}")
    return names


def parse_library_rows(text: str) -> dict[str, int]:
    """``LIBRARY=ROWS,...``: score that library on the first ROWS rows only."""
    result = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        name, _, rows = item.partition("=")
        if name not in LIBRARIES or not rows.isdigit() or int(rows) <= 0:
            raise argparse.ArgumentTypeError(f"expected LIBRARY=ROWS with LIBRARY one of {LIBRARIES}, got {item!r}")
        result[name] = int(rows)
    return result


def print_table(runs: list[Run]) -> None:
    """One row per tool; the last column is the time per row relative to the reference xinyong run."""
    speed = {run.tool: run.rows_per_second for run in runs}
    tool_w = max(len(r.tool) for r in runs)
    what_w = max(len(r.computes) for r in runs)
    print(
        f"{'tool':{tool_w}}  {'computes':{what_w}}  {'rows':>9}  {'seconds':>8}  {'rows/s':>11}  "
        f"{'time vs xinyong':>15}  {'CPU s':>7}  {'rows/CPU-s':>11}"
    )
    for r in runs:
        ratio = speed[r.reference] / r.rows_per_second
        print(
            f"{r.tool:{tool_w}}  {r.computes:{what_w}}  {r.rows:9,}  {r.seconds:8.3f}  "
            f"{r.rows_per_second:11,.0f}  {ratio:14.2f}x  {r.cpu_seconds:7.3f}  {r.rows / r.cpu_seconds:11,.0f}"
        )


def main() -> None:
    """Build the card and the sample, score with every tool, check the scores, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--characteristics", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--libraries",
        type=parse_libraries,
        default="all",
        help="all (default), none, or a comma-separated subset of " + ", ".join(LIBRARIES),
    )
    parser.add_argument(
        "--library-rows",
        type=parse_library_rows,
        default={},
        metavar="LIB=N,...",
        help="score a slow library on the first N rows only (e.g. scorecardpy=100000); rows/s stays comparable",
    )
    parser.add_argument("--repeat", type=int, default=1, help="time each tool N times and keep the fastest (default 1)")
    args = parser.parse_args()
    n = args.repeat
    load_before = os.getloadavg()

    pmml, cuts, points = card(args.characteristics, args.seed)
    scorecard = xinyong.Scorecard.from_pmml(pmml)
    columns = sample(args.rows, args.characteristics, args.seed + 1)
    ours = "xinyong score_array"
    only = "score only, exact total as float64"
    exact = "score + reason codes, exact decimals"

    # One thread for the per-core figures; an older xinyong without ``threads`` scores on one.
    threaded = supports_threads(scorecard)
    one: dict[str, Any] = {"threads": 1} if threaded else {}
    all_cores = f"{ours}, threads=None (every core)"

    def run(tool: str, computes: str, rows: int, value: Any, seconds: float, reference: str) -> Run:
        return Run(tool, computes, rows, seconds, reference, cpu_of(value))

    expected, numpy_s = timed(numpy_score, columns, cuts, points, repeat=n)
    scores, ours_s = timed(scorecard.score_array, columns, repeat=n, **one)
    check_equal("NumPy scorer", expected, scores, ours)
    runs = [
        run("NumPy scorer", f"score only, {dtype_name(expected)}", args.rows, expected, numpy_s, ours),
        run(ours, only, args.rows, scores, ours_s, ours),
    ]
    if threaded:
        every, every_s = timed(scorecard.score_array, columns, repeat=n, threads=None)
        check_equal(all_cores, every, scores, ours)
        runs.append(run(all_cores, only, args.rows, every, every_s, ours))
    codes_out, codes_s = timed(scorecard.score_array, columns, repeat=n, reason_codes=True, **one)
    check_equal("xinyong score_array with reason codes", codes_out[0], scores, ours)
    runs.append(run(f"{ours}, reason_codes=True", "score + reason code indices", args.rows, codes_out, codes_s, ours))
    result, columns_s = timed(scorecard.score_columns, columns, repeat=n)
    check_equal("xinyong score_columns", result["score"], scores, ours)
    runs.append(run("xinyong score_columns", exact, args.rows, result, columns_s, ours))
    lean, lean_s = timed(scorecard.score_columns, columns, repeat=n, reason_codes=False)
    check_equal("xinyong score_columns without reason codes", lean["score"], scores, ours)
    runs.append(
        run("xinyong score_columns, reason_codes=False", "score only, float64", args.rows, lean, lean_s, ours)
    )
    checked = ["NumPy scorer"]
    libraries: dict[str, ModuleType] = {}
    if pd is None:
        print("skipping the pandas DataFrame variant and every library: cannot import pandas")
    else:
        frame = pd.DataFrame(columns)
        frame_result, frame_s = timed(scorecard.score_array, frame, repeat=n, **one)
        check_equal("xinyong score_array on a DataFrame", frame_result, scores, ours)
        runs.append(run(f"{ours} on a pandas DataFrame", only, args.rows, frame_result, frame_s, ours))
        frame_result, frame_s = timed(scorecard.score_columns, frame, repeat=n)
        check_equal("xinyong score_columns on a DataFrame", frame_result["score"], scores, ours)
        runs.append(run("xinyong score_columns on a pandas DataFrame", exact, args.rows, frame_result, frame_s, ours))
        libraries = load_libraries(args.libraries)
    try:
        import pyarrow as pa
    except ImportError:
        print("skipping the Arrow table variant: cannot import pyarrow")
    else:
        table = pa.table(columns)
        table_result, table_s = timed(scorecard.score_array, table, repeat=n, **one)
        check_equal("xinyong score_array on an Arrow table", table_result, scores, ours)
        runs.append(run(f"{ours} on a pyarrow Table", only, args.rows, table_result, table_s, ours))

    for name, module in libraries.items():
        rows = min(args.rows, args.library_rows.get(name, args.rows))
        part = frame if rows == args.rows else frame.iloc[:rows].copy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pandas deprecation notices from inside the libraries
            if name == "scorecardpy":
                card_ = scorecardpy_card(cuts, points)
                out, seconds = timed(module.scorecard_ply, part, card_, repeat=n, only_total_score=True)
                got, reference, against = out["score"].to_numpy(), ours, scores[:rows]
                CPU_SECONDS[id(got)] = cpu_of(out)
            elif name == "toad":
                model = module.ScoreCard().load(toad_card(cuts, points))
                got, seconds = timed(model.predict, part, repeat=n)
                reference, against = ours, scores[:rows]
            else:
                model, fitted_pmml = optbinning_scorecard(module, cuts, points, args.seed + 2)
                fitted = xinyong.Scorecard.from_pmml(fitted_pmml)
                fitted_scores, fitted_s = timed(fitted.score_array, columns, repeat=n, **one)
                reference = f"{ours} (optbinning's card)"
                runs.append(run(reference, only, args.rows, fitted_scores, fitted_s, reference))
                if threaded:
                    every, every_s = timed(fitted.score_array, columns, repeat=n, threads=None)
                    check_equal(f"{all_cores} (optbinning's card)", every, fitted_scores, reference)
                    runs.append(run(f"{all_cores} (optbinning's card)", only, args.rows, every, every_s, reference))
                got, seconds = timed(model.score, part, repeat=n)
                against = fitted_scores[:rows]
        check_equal(name, got, against, reference)
        checked.append(name if reference == ours else f"{name} (on its fitted card)")
        runs.append(run(name, f"score only, {dtype_name(got)}", rows, got, seconds, reference))

    print(
        f"{args.rows:,} rows, {args.characteristics} characteristics: identical scores from xinyong and "
        + ", ".join(checked)
    )
    print_table(runs)
    load_after = os.getloadavg()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average (1 min) "
        f"{load_before[0]:.2f} before, {load_after[0]:.2f} after the timed runs."
    )
    print(
        "time vs xinyong: time per row relative to xinyong score_array on a dict of NumPy columns, "
        "on the same card (optbinning: on its fitted card); CPU s: the least CPU time of the "
        "process over one call, every thread (rows/CPU-s: rows per second of one fully used core)."
    )
    by_tool = {run.tool: run for run in runs}
    goals = [("NumPy scorer", ours, 5)]
    if "optbinning" in by_tool:
        goals.append(("optbinning", f"{ours} (optbinning's card)", 50))
    for tool, against, goal in goals:
        variants = [(against, "one thread")]
        if threaded:
            every_core = f"{all_cores} (optbinning's card)" if tool == "optbinning" else all_cores
            variants.append((every_core, "every core"))
        theirs = by_tool[tool]
        for name, how in variants:
            mine = by_tool[name]
            wall = mine.rows_per_second / theirs.rows_per_second
            cpu = (mine.rows / mine.cpu_seconds) / (theirs.rows / theirs.cpu_seconds)
            verdict = "met" if wall >= goal else "not met"
            print(
                f"{how}: xinyong is {wall:.1f}x the speed of {tool} in wall-clock time "
                f"(goal {goal}x: {verdict}), {cpu:.1f}x per CPU-second."
            )


def supports_threads(scorecard: Any) -> bool:
    """Whether this xinyong's ``score_array`` takes ``threads`` (older builds score on one thread)."""
    try:
        scorecard.score_array({}, threads=1)
    except TypeError:
        return False
    return True


if __name__ == "__main__":
    main()
