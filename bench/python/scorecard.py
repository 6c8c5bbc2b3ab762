"""Scorecard scoring: xinyong.Scorecard against a plain NumPy scorer, on one synthetic card and
one synthetic sample, in one run.

The card has ``--characteristics`` numeric characteristics of five bins each (cut points and
points drawn from a seed), written as PMML and read by ``xinyong.Scorecard.from_pmml``. The NumPy
scorer is what a data scientist writes for the same card: ``np.searchsorted`` per
characteristic, a points lookup, a sum. Both must give the same score for every row (checked
before the timings print). xinyong also ranks reason codes for every row and works in exact
decimals, which the NumPy scorer does not; the table says what each side computed.

    python bench/python/scorecard.py --rows 1000000 --characteristics 10 --seed 3

Needs xinyong, numpy and (for the DataFrame variant) pandas.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import xinyong


def card(characteristics: int, seed: int) -> tuple[str, list[np.ndarray], list[np.ndarray]]:
    """PMML text, and per characteristic its 4 cut points and 5 integer points."""
    rng = np.random.default_rng(seed)
    cuts = [np.sort(rng.choice(np.arange(1, 100), size=4, replace=False)).astype(float) for _ in range(characteristics)]
    points = [rng.integers(-20, 40, size=5) for _ in range(characteristics)]
    fields = "".join(
        f'<DataField name="x{i}" optype="continuous" dataType="double"/>' for i in range(characteristics)
    )
    mining = "".join(f'<MiningField name="x{i}" usageType="active"/>' for i in range(characteristics))
    chars = []
    for i in range(characteristics):
        attributes = []
        for b in range(4):
            attributes.append(
                f'<Attribute partialScore="{points[i][b]}"><SimplePredicate field="x{i}" '
                f'operator="lessThan" value="{cuts[i][b]:g}"/></Attribute>'
            )
        attributes.append(f'<Attribute partialScore="{points[i][4]}"><True/></Attribute>')
        chars.append(
            f'<Characteristic name="c{i}" reasonCode="RC{i}" baselineScore="{int(points[i].max())}">'
            + "".join(attributes)
            + "</Characteristic>"
        )
    pmml = (
        '<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">'
        f"<DataDictionary>{fields}</DataDictionary>"
        '<Scorecard functionName="regression" initialScore="600" useReasonCodes="true" '
        'reasonCodeAlgorithm="pointsBelow" baselineMethod="max">'
        f"<MiningSchema>{mining}</MiningSchema>"
        f"<Characteristics>{''.join(chars)}</Characteristics>"
        "</Scorecard></PMML>"
    )
    return pmml, cuts, points


def numpy_score(columns: dict[str, np.ndarray], cuts: list[np.ndarray], points: list[np.ndarray]) -> np.ndarray:
    """600 + the points of each value's bin (bins ``[-inf, c1), [c1, c2), ..., [c4, inf)``)."""
    total = np.full(len(next(iter(columns.values()))), 600, dtype=np.int64)
    for i, (c, p) in enumerate(zip(cuts, points)):
        total += p[np.searchsorted(c, columns[f"x{i}"], side="right")]
    return total


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--characteristics", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    pmml, cuts, points = card(args.characteristics, args.seed)
    scorecard = xinyong.Scorecard.from_pmml(pmml)
    rng = np.random.default_rng(args.seed + 1)
    # Values on a 0.5 grid, so many fall exactly on a cut point (the boundary rule matters).
    columns = {f"x{i}": rng.integers(0, 200, size=args.rows) / 2.0 for i in range(args.characteristics)}

    expected, numpy_s = timed(numpy_score, columns, cuts, points)
    result, ours_s = timed(scorecard.score_columns, columns)
    scores = np.asarray(result["score"], dtype=float)
    assert np.array_equal(scores, expected.astype(float)), "scores differ"
    print(f"{args.rows} rows, {args.characteristics} characteristics: identical scores")
    print(f"{'':44} {'seconds':>9} {'rows/s':>12}")
    print(f"{'NumPy scorer (score only)':44} {numpy_s:9.3f} {args.rows / numpy_s:12,.0f}")
    print(f"{'xinyong score_columns (exact, reason codes)':44} {ours_s:9.3f} {args.rows / ours_s:12,.0f}")
    print(f"xinyong / NumPy time: {ours_s / numpy_s:.1f}x")
    try:
        import pandas as pd
    except ImportError:
        return
    frame = pd.DataFrame(columns)
    _, frame_s = timed(scorecard.score_columns, frame)
    print(f"{'xinyong score_columns on a pandas DataFrame':44} {frame_s:9.3f} {args.rows / frame_s:12,.0f}")


if __name__ == "__main__":
    main()
