"""Financing matching from Python against fixtures/finance/.

Recipe of the goldens (fixtures/finance/README.md): the default model, the sample catalog,
default options and as_of 2026-06-30; each `expected/<id>.json` is the match as pretty JSON plus
one newline, compared here byte for byte, as engine/tests/finance.rs does.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import xinyong

ROOT = Path(__file__).resolve().parents[2]
FINANCE = ROOT / "fixtures" / "finance"
AS_OF = "2026-06-30"
DEMAND_LINES = [
    line for line in (FINANCE / "demands.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()
]


def golden(demand_id: str) -> str:
    return (FINANCE / "expected" / f"{demand_id}.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def matcher() -> xinyong.Matcher:
    catalog = xinyong.Catalog.from_json(FINANCE / "catalog.json")
    return xinyong.Matcher(xinyong.Evaluator(), catalog)


def test_every_golden_byte_for_byte(matcher: xinyong.Matcher) -> None:
    assert len(DEMAND_LINES) == 4
    for line in DEMAND_LINES:
        demand_id = json.loads(line)["id"]
        result = matcher.match(line, AS_OF)
        assert result.to_json() + "\n" == golden(demand_id), demand_id
        # The dict form is the same document, and prints the same bytes.
        assert result.to_dict() == json.loads(golden(demand_id))
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
        assert text == golden(demand_id)


def test_demand_objects_dicts_batches_and_jsonl_agree(matcher: xinyong.Matcher) -> None:
    by_text = [matcher.match(line, AS_OF) for line in DEMAND_LINES]
    demands = [xinyong.Demand(json.loads(line)) for line in DEMAND_LINES]
    assert [d.id for d in demands] == ["xm-clean", "sh-trade", "xm-dishonest", "nd-young"]
    assert [matcher.match(d, AS_OF) for d in demands] == by_text
    assert matcher.match_many(demands, AS_OF) == by_text
    assert matcher.match_jsonl(FINANCE / "demands.jsonl", AS_OF) == by_text
    catalog = xinyong.Catalog.from_json((FINANCE / "catalog.json").read_text(encoding="utf-8"))
    one = xinyong.match_demand(catalog, demands[0], "2026-06-30")
    assert one == by_text[0]


def test_hand_computed_offers_for_xm_clean(matcher: xinyong.Matcher) -> None:
    result = matcher.match(DEMAND_LINES[0], AS_OF)
    assert (result.demand, result.grade) == ("xm-clean", "A")
    offers = result.offers()
    rows = offers.to_dict("records") if hasattr(offers, "to_dict") else offers
    assert [(r["product"], r["limit"], r["binding"], r["rate_percent"]) for r in rows] == [
        ("ccb-tax-cloud", Decimal("1500000"), "tax_multiple", Decimal("3.25")),
        ("fj-xinyidai", Decimal("1200000"), "tax_multiple", Decimal("3.35")),
        ("xm-tech-credit", Decimal("2400000"), "sales_multiple", Decimal("3.45")),
        ("tax-m-starter", Decimal("300000"), "product_cap", Decimal("3.8")),
    ]
    assert [m["product"] for m in result.near_misses] == [
        "specialised-sme",
        "guarantee-line",
        "mortgage-line",
    ]


def test_options_are_keywords() -> None:
    catalog = xinyong.Catalog.from_json(FINANCE / "catalog.json")
    by_rate = xinyong.Matcher(
        None, catalog, order=["rate"], reference_rate="3.5", reference_rate_since="2026-05-20",
        near_misses=1,
    )
    result = by_rate.match(DEMAND_LINES[0], AS_OF)
    rates = [o["rate_percent"] for o in result.eligible]
    assert rates == sorted(rates, key=Decimal)
    assert rates[0] == "3.75"  # 3.5 + the 0.25 spread of ccb-tax-cloud
    assert result.to_dict()["reference_rate"] == {"percent": "3.5", "since": "2026-05-20"}
    assert len(result.near_misses) == 1
    with pytest.raises(ValueError):
        xinyong.Matcher(None, catalog, order=["cheapest"])
    # A rate comes with the date it was set, and is not negative.
    with pytest.raises(TypeError, match="reference_rate_since"):
        xinyong.Matcher(None, catalog, reference_rate="3.5")
    with pytest.raises(TypeError, match="needs reference_rate"):
        xinyong.Matcher(None, catalog, reference_rate_since="2026-05-20")
    with pytest.raises(ValueError, match="at least 0"):
        xinyong.Matcher(None, catalog, reference_rate="-0.5", reference_rate_since="2026-05-20")


def test_offers_keeps_the_best_ranked(matcher: xinyong.Matcher) -> None:
    catalog = xinyong.Catalog.from_json(FINANCE / "catalog.json")
    every = matcher.match(DEMAND_LINES[0], AS_OF).to_dict()
    assert len(every["eligible"]) == 4
    for n in (0, 1, 2, 10):
        best = xinyong.Matcher(None, catalog, offers=n).match(DEMAND_LINES[0], AS_OF).to_dict()
        assert best["eligible"] == every["eligible"][:n]
        assert best["near_misses"] == every["near_misses"]
    one = xinyong.match_demand(catalog, DEMAND_LINES[0], AS_OF, offers=1)
    assert [o["product"] for o in one.eligible] == ["ccb-tax-cloud"]


def test_batch_errors_keep_their_place_and_index(matcher: xinyong.Matcher) -> None:
    future = json.loads(DEMAND_LINES[3])
    future["enterprise"]["established_on"] = "2027-01-01"
    batch = [DEMAND_LINES[0], "{not json", future]
    results = matcher.match_many(batch, AS_OF)
    assert len(results) == 3
    assert isinstance(results[0], xinyong.MatchResult)
    assert isinstance(results[1], xinyong.MalformedJsonError) and results[1].index == 1
    assert isinstance(results[2], xinyong.FutureDateError) and results[2].index == 2
    with pytest.raises(xinyong.MalformedJsonError) as caught:
        matcher.match_many(batch, AS_OF, errors="raise")
    assert caught.value.index == 1
    jsonl = "\n".join([DEMAND_LINES[0], "", '{"amount": 1}'])
    results = matcher.match_jsonl(jsonl, AS_OF)
    assert isinstance(results[1], xinyong.InvalidFieldError)
    assert (results[1].index, results[1].line) == (1, 3)


def test_batches_give_the_same_results_on_every_thread_count() -> None:
    """1,500 synthetic demands span two of the chunks `match_jsonl` shares out; bad lines keep
    their index and line number whatever the number of threads."""
    matcher = xinyong.Matcher(None, xinyong.synth_catalog(300))
    lines = xinyong.synth_demands_jsonl(1500, seed=3).splitlines()
    lines[700:700] = ["{not json", ""]
    text = "\n".join(lines) + "\n"

    def seen(results: list) -> list[object]:
        return [
            r.to_dict() if isinstance(r, xinyong.MatchResult) else (r.kind, r.index, r.line)
            for r in results
        ]

    one = seen(matcher.match_jsonl(text, AS_OF, threads=1))
    assert len(one) == 1501 and one[700] == ("malformed_json", 700, 701)
    demands = [line for line in lines if line.strip()]
    many_one = seen(matcher.match_many(demands, AS_OF, threads=1))
    assert many_one[700] == ("malformed_json", 700, 701)
    for threads in (2, 3, None):
        assert seen(matcher.match_jsonl(text, AS_OF, threads=threads)) == one
        assert seen(matcher.match_many(demands, AS_OF, threads=threads)) == many_one
    for call in (matcher.match_jsonl, matcher.match_many):
        with pytest.raises(ValueError):
            call(text if call == matcher.match_jsonl else demands, AS_OF, threads=0)


def test_catalog_problems_are_listed_with_paths() -> None:
    text = json.dumps(
        {
            "products": [
                {
                    "id": "p",
                    "bank": "b",
                    "name": "n",
                    "amount": {"min": "900", "max": "100"},
                    "term_months": {"min": 12, "max": 6},
                    "rate": {"spread": "0.5"},
                }
            ]
        }
    )
    problems = xinyong.Catalog.problems(text)
    assert {p["path"] for p in problems} >= {"products[0].amount", "products[0].term_months"}
    with pytest.raises(xinyong.InvalidModelError) as caught:
        xinyong.Catalog.from_json(text)
    assert {p["path"] for p in caught.value.detail["problems"]} == {p["path"] for p in problems}
    assert xinyong.Catalog.problems(FINANCE / "catalog.json") == []
    catalog = xinyong.Catalog.from_json(FINANCE / "catalog.json", xinyong.Model.default())
    assert len(catalog) == len(catalog.products) >= 12
    assert catalog.grades[0] == "A"
    assert json.loads(catalog.to_json())["products"] == catalog.products
    assert catalog.never_offered == []


def test_a_product_never_offered_is_named_and_kept() -> None:
    document = json.loads((FINANCE / "catalog.json").read_text(encoding="utf-8"))
    document["products"][2]["limit"] = {"k_sales": "0"}
    catalog = xinyong.Catalog.from_json(json.dumps(document))
    assert len(catalog) == len(document["products"])
    [never] = catalog.never_offered
    assert never["path"] == "products[2].limit.k_sales"
    assert "never offered" in never["message"]


def test_demand_errors_point_into_the_demand() -> None:
    line = json.loads(DEMAND_LINES[0])
    line["enterprise"]["established_on"] = "2010-13-01"
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.Demand(line)
    assert caught.value.path == "enterprise.established_on"
    demand = xinyong.Demand(DEMAND_LINES[0])
    assert (demand.uscc, demand.amount, demand.term_months, demand.collateral) == (
        "91350200155000013M",
        Decimal("1000000"),
        12,
        "none",
    )
