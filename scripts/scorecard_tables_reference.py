"""Card tables of scorecardpy, optbinning and toad, with the libraries' own scores, for the engine's
card-table tests (fixtures/scorecard/, read by engine/tests/scorecard_tables.rs).

Each library fits a card on scorecardpy's bundled German credit data (1,000 rows; `creditability`
is the target, "bad" = 1) over the same seven variables, three numeric and four categorical. The
script writes, per library, the card table in the library's own output format and the first
ROWS rows with the library's score of each; and, in scaling.json, the WOE, coefficients and
scaling parameters each card was built from, with the library's points, so the engine's
points-from-coefficients function is checked against all three.

    python scripts/scorecard_tables_reference.py

Versions: those of tests/python/requirements.txt (scorecardpy 0.1.9.7, optbinning 1.0.0, toad 0.1.7,
scikit-learn 1.9.1, pandas 3.1.1, NumPy 2.4.6). The fits are deterministic (no random state
involved). scorecardpy 0.1.9.7 predates pandas 3: its binning runs only with pandas' string
inference off and with explicit numeric breaks (its automatic numeric binning assigns a
categorical column in place, which pandas 3 refuses); the breaks are the quartiles.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

warnings.simplefilter("ignore")

import optbinning  # noqa: E402
import scorecardpy as sc  # noqa: E402
import toad  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "fixtures" / "scorecard"
TARGET = "creditability"
NUMERIC = ["duration_in_month", "credit_amount", "age_in_years"]
CATEGORICAL = [
    "status_of_existing_checking_account",
    "credit_history",
    "purpose",
    "savings_account_and_bonds",
]
VARIABLES = NUMERIC + CATEGORICAL
ROWS = 200
RECIPE = "scripts/scorecard_tables_reference.py (scorecardpy 0.1.9.7, optbinning 1.0.0, toad 0.1.7, scikit-learn 1.9.1)"


def german_credit() -> pd.DataFrame:
    """The seven variables and the 0/1 target; categories as plain Python strings."""
    with pd.option_context("future.infer_string", False):
        data = sc.germancredit()
    frame = data[VARIABLES].copy()
    for name in CATEGORICAL:
        frame[name] = frame[name].astype(object).map(str)
    frame[TARGET] = (data[TARGET].astype(str) == "bad").astype(int)
    return frame


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The first ROWS rows as JSON objects of the card's variables."""
    out = []
    for record in frame[VARIABLES].head(ROWS).to_dict(orient="records"):
        out.append({k: (int(v) if isinstance(v, (np.integer, int)) else v) for k, v in record.items()})
    return out


def scorecardpy_card(frame: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    breaks = {n: sorted(set(np.quantile(frame[n], [0.25, 0.5, 0.75]).tolist())) for n in NUMERIC}
    with pd.option_context("future.infer_string", False):
        bins = sc.woebin(frame, TARGET, breaks_list=breaks, ignore_datetime_cols=False)
        woe = sc.woebin_ply(frame, bins)
        x = woe.drop(columns=TARGET)
        model = LogisticRegression(max_iter=5000).fit(x, woe[TARGET])
        card = sc.scorecard(bins, model, x.columns, points0=600, odds0=1 / 19, pdo=50)
        scores = sc.scorecard_ply(frame.head(ROWS), card, only_total_score=True)["score"]
    table = pd.concat(card, ignore_index=True)
    table.to_csv(OUT / "scorecardpy_card.csv", index=False)
    characteristics = []
    for column, coef in zip(x.columns, model.coef_[0], strict=True):
        name = column.removesuffix("_woe")
        if coef == 0:
            continue
        characteristics.append(
            {
                "variable": name,
                "coefficient": float(coef),
                "woe": bins[name]["woe"].astype(float).tolist(),
                "points": card[name]["points"].astype(float).tolist(),
            }
        )
    scaling = {
        "scaling": {"pdo": "50", "rate": "2", "odds": repr(1 / 19), "odds_direction": "bad_to_good",
                    "points": "600", "intercept": "base_points", "rounding": "integer"},
        "intercept": float(model.intercept_[0]),
        "base_points": float(card["basepoints"]["points"].iloc[0]),
        "characteristics": characteristics,
    }
    return {"scores": scores.astype(float).tolist()}, scaling


def optbinning_card(frame: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    process = optbinning.BinningProcess(VARIABLES, categorical_variables=CATEGORICAL)
    card = optbinning.Scorecard(
        process,
        LogisticRegression(max_iter=5000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )
    # Enough digits for the splits (all halves here) to be written exactly.
    card.fit(frame[VARIABLES], frame[TARGET], show_digits=8)
    table = card.table(style="detailed")
    table.to_csv(OUT / "optbinning_card.csv", index=False)
    scores = card.score(frame[VARIABLES].head(ROWS))
    characteristics = []
    for name, coef in zip(VARIABLES, card.estimator_.coef_[0], strict=True):
        rows = table[table["Variable"] == name]
        woe = rows["WoE"].astype(float).to_numpy().copy()
        # Special and Missing take metric 0 (fit's metric_special and metric_missing defaults).
        woe[-2:] = 0.0
        characteristics.append(
            {"variable": name, "coefficient": float(coef), "woe": woe.tolist(),
             "points": rows["Points"].astype(float).tolist()}
        )
    scaling = {
        "scaling": {"pdo": "20", "rate": "2", "odds": "50", "odds_direction": "good_to_bad",
                    "points": "600", "intercept": "spread", "rounding": "none"},
        "intercept": float(card.estimator_.intercept_[0]),
        "base_points": 0.0,
        "characteristics": characteristics,
    }
    return {"scores": [float(s) for s in scores]}, scaling


def toad_card(frame: pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
    combiner = toad.transform.Combiner()
    combiner.fit(frame, y=TARGET, method="chi", min_samples=0.05)
    binned = combiner.transform(frame[VARIABLES])
    transer = toad.transform.WOETransformer()
    woe = transer.fit_transform(binned, frame[TARGET])
    card = toad.ScoreCard(combiner=combiner, transer=transer, pdo=60, rate=2, base_odds=35, base_score=750)
    card.fit(woe, frame[TARGET])
    exported = card.export()
    (OUT / "toad_card.json").write_text(json.dumps(exported, indent=1, ensure_ascii=False) + "\n")
    # The exported card (points to 2 decimals) is what a deployment loads: score with it.
    scores = toad.ScoreCard().load(exported).predict(frame[VARIABLES].head(ROWS))
    characteristics = [
        {"variable": name, "coefficient": float(rule["weight"]), "woe": [float(w) for w in rule["woes"]],
         "points": [float(s) for s in rule["scores"]]}
        for name, rule in card.rules.items()
    ]
    scaling = {
        "scaling": {"pdo": "60", "rate": "2", "odds": "35", "odds_direction": "good_to_bad",
                    "points": "750", "intercept": "spread", "rounding": "none"},
        "intercept": float(card.intercept_),
        "base_points": 0.0,
        "characteristics": characteristics,
    }
    return {"scores": [float(s) for s in scores]}, scaling


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    frame = german_credit()
    rows = rows_of(frame)
    scaling = {
        "_recipe": RECIPE,
        "_about": "Per library: the scaling a card was built with, the logistic intercept, and per "
                  "variable the coefficient, the WOE of each bin and the library's points for it.",
    }
    with open(OUT / "rows.jsonl", "w") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    for library, build in (("scorecardpy", scorecardpy_card), ("optbinning", optbinning_card), ("toad", toad_card)):
        scores, scaling[library] = build(frame)
        assert all(math.isfinite(s) for s in scores["scores"])
        document = {
            "_recipe": RECIPE,
            "_about": f"{library}'s score of each line of rows.jsonl (the first {ROWS} rows of the German "
                      f"credit data), from the card in the {library}_card file.",
            **scores,
        }
        (OUT / f"{library}_scores.json").write_text(json.dumps(document, indent=0) + "\n")
    (OUT / "scaling.json").write_text(json.dumps(scaling, indent=1) + "\n")


if __name__ == "__main__":
    main()
