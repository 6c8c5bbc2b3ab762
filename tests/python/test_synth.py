"""Synthetic registries, demands and catalogs from Python: the fixtures of fixtures/synth/ (made
with `xinyong synth`, recipe in its README.md), byte for byte."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

import xinyong
from support import FIXTURES

SYNTH = FIXTURES / "synth"
# The flags of the fixtures: `--enterprises 5 --seed 7 --mean-records 3`, default `--as-of`.
REGISTRY_ARGS: dict[str, Any] = {"seed": 7, "mean_records": 3}


def fixture_lines(name: str) -> list[str]:
    return (SYNTH / name).read_text("utf-8").splitlines()


def compact(document: Any) -> str:
    """A document as the engine writes one enterprise: compact, non-ASCII as is."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def test_registry_jsonl_is_the_fixture_byte_for_byte() -> None:
    text = xinyong.synth_registry_jsonl(5, **REGISTRY_ARGS)
    assert text.encode("utf-8") == (SYNTH / "registry.jsonl").read_bytes()


def test_registry_dicts_are_the_fixture_lines() -> None:
    registry = xinyong.synth_registry(5, **REGISTRY_ARGS)
    lines = fixture_lines("registry.jsonl")
    assert isinstance(registry, list) and len(registry) == 5
    assert registry == [json.loads(line) for line in lines]
    # Enterprise lines are compact JSON: json.dumps gives the same bytes back, key order kept.
    assert [compact(e) for e in registry] == lines


def test_demands_jsonl_is_the_fixture_byte_for_byte() -> None:
    text = xinyong.synth_demands_jsonl(5, **REGISTRY_ARGS)
    assert text.encode("utf-8") == (SYNTH / "demands.jsonl").read_bytes()


def test_demands_dicts_are_the_fixture_documents() -> None:
    # A demand line separates its own members with ", " and ": " (the engine's demand writer)
    # around the compact enterprise, so the parsed documents are compared, with key order.
    demands = xinyong.synth_demands(5, **REGISTRY_ARGS)
    expected = [json.loads(line) for line in fixture_lines("demands.jsonl")]
    assert demands == expected
    assert [list(d) for d in demands] == [list(d) for d in expected]
    registry = xinyong.synth_registry(5, **REGISTRY_ARGS)
    assert [d["enterprise"] for d in demands] == registry
    assert [d["id"] for d in demands] == [f"d-{i:06}" for i in range(5)]
    # Each reads back as a Demand.
    for d in demands:
        assert xinyong.Demand(d).uscc == d["enterprise"]["uscc"]


def test_catalog_is_the_fixture_byte_for_byte() -> None:
    catalog = xinyong.synth_catalog(4, seed=7)
    assert isinstance(catalog, xinyong.Catalog)
    assert len(catalog) == 4
    assert (catalog.to_json() + "\n").encode("utf-8") == (SYNTH / "catalog.json").read_bytes()
    assert catalog.products == json.loads((SYNTH / "catalog.json").read_text("utf-8"))["products"]
    assert [p["id"] for p in catalog.products] == [f"syn-{i:05}" for i in range(4)]


def test_the_synthetic_catalog_matches_the_synthetic_demands() -> None:
    catalog = xinyong.synth_catalog(4, seed=7)
    matcher = xinyong.Matcher(None, catalog)
    results = matcher.match_many(xinyong.synth_demands(5, **REGISTRY_ARGS), "2026-06-30")
    assert len(results) == 5
    assert all(isinstance(r, xinyong.MatchResult) for r in results)


def test_defaults_are_the_command_line_defaults() -> None:
    # `xinyong synth`: --enterprises 100 --seed 1 --as-of 2026-06-30 --mean-records 0.
    assert xinyong.synth_registry_jsonl() == xinyong.synth_registry_jsonl(
        100, seed=1, as_of="2026-06-30", mean_records=0
    )
    assert len(xinyong.synth_registry()) == 100
    assert len(xinyong.synth_demands()) == 100
    # `xinyong synth catalog`: --products 2000 --seed 1.
    assert len(xinyong.synth_catalog()) == 2000


def test_as_of_as_date_or_text() -> None:
    as_of = datetime.date(2025, 12, 31)
    by_date = xinyong.synth_registry_jsonl(3, seed=2, as_of=as_of)
    assert by_date == xinyong.synth_registry_jsonl(3, seed=2, as_of="2025-12-31")
    assert by_date != xinyong.synth_registry_jsonl(3, seed=2)


def test_seed_and_size_change_the_output_deterministically() -> None:
    assert xinyong.synth_registry(3, seed=8) == xinyong.synth_registry(3, seed=8)
    assert xinyong.synth_registry(3, seed=8) != xinyong.synth_registry(3, seed=9)
    # Each firm depends only on the seed and its index: a longer registry extends a shorter one.
    assert xinyong.synth_registry(5, seed=8)[:3] == xinyong.synth_registry(3, seed=8)
    assert xinyong.synth_registry(0) == []
    assert xinyong.synth_demands_jsonl(0) == ""
    assert len(xinyong.synth_catalog(0)) == 0
    # The full 64-bit seed range is accepted.
    assert len(xinyong.synth_registry(1, seed=2**64 - 1)) == 1


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow", "2026-06-30T00:00:00"])
def test_bad_as_of_raises_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        xinyong.synth_registry(1, as_of=bad)
    with pytest.raises(ValueError, match="not a date"):
        xinyong.synth_demands_jsonl(1, as_of=bad)


def test_bad_arguments_raise() -> None:
    with pytest.raises(TypeError):
        xinyong.synth_registry(1, as_of=20260630)  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        xinyong.synth_registry(-1)
    with pytest.raises(OverflowError):
        xinyong.synth_catalog(1, seed=-1)
    with pytest.raises(TypeError):
        xinyong.synth_registry(1, 7)  # type: ignore[misc]


def test_catalog_checked_against_the_model_given() -> None:
    model = xinyong.Model.default()
    catalog = xinyong.synth_catalog(4, seed=7, model=model)
    assert catalog.to_json() == xinyong.synth_catalog(4, seed=7).to_json()
    assert catalog.grades[0] == "A"
