"""Imported library cards: xinyong scoring the cards of scorecardpy, optbinning and toad (fitted on the
German credit data, fixtures/scorecard/) against each library's own scorer, on the same rows.

The rows are the first 200 rows of the data (fixtures/scorecard/rows.jsonl) repeated to
``--rows``; each card is read from its fixture file by ``xinyong.Scorecard.from_scorecardpy`` and
siblings (through pandas, as the libraries' own objects would be) and scored with
``score_columns``. The libraries score the cards they produce: scorecardpy ``scorecard_ply`` on the
card table, toad ``ScoreCard.load(card).predict``; optbinning needs a fitted object, so it is not
timed here (bench/python/scorecard.py times it). Scores are checked equal before anything prints.

    python bench/python/scorecard_tables.py --rows 100000
"""

from __future__ import annotations

import argparse
import json
import os
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import xinyong

warnings.simplefilter("ignore")
import scorecardpy as sc  # noqa: E402
import toad  # noqa: E402

CARDS = Path(__file__).resolve().parents[2] / "fixtures" / "scorecard"


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    base = pd.read_json(CARDS / "rows.jsonl", lines=True)
    frame = pd.concat([base] * (args.rows // len(base) + 1), ignore_index=True).head(args.rows)
    load = os.getloadavg()[0]

    table = pd.read_csv(CARDS / "scorecardpy_card.csv")
    card = {name: part for name, part in table.groupby("variable", sort=False)}
    ours = xinyong.Scorecard.from_scorecardpy(card)
    mine, mine_s = timed(ours.score_columns, frame)
    with pd.option_context("future.infer_string", False):
        theirs, theirs_s = timed(sc.scorecard_ply, frame, card, only_total_score=True)
    assert np.array_equal(mine["score"].to_numpy(), theirs["score"].to_numpy(dtype=float))
    print(f"scorecardpy card, {args.rows:,} rows: xinyong {args.rows / mine_s:,.0f} rows/s, "
          f"scorecard_ply {args.rows / theirs_s:,.0f} rows/s")

    exported = json.loads((CARDS / "toad_card.json").read_text())
    ours = xinyong.Scorecard.from_toad(exported)
    mine, mine_s = timed(ours.score_columns, frame)
    theirs, theirs_s = timed(toad.ScoreCard().load(exported).predict, frame)
    assert np.allclose(mine["score"].to_numpy(), theirs, rtol=0, atol=1e-9)
    print(f"toad card, {args.rows:,} rows: xinyong {args.rows / mine_s:,.0f} rows/s, "
          f"ScoreCard.predict {args.rows / theirs_s:,.0f} rows/s")
    print(f"load average (1 min) {load:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
