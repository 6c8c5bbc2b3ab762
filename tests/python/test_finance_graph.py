"""Graph conditions of financing matching from Python, against fixtures/finance/graph/.

Recipe of the goldens (fixtures/finance/README.md): the default model, the graph catalog,
default options and as_of 2026-06-30; `expected/<id>.with-graph.json` is the match with the
graph's facts (the relationship graph of `relations.jsonl`, guarantees in force on as_of),
`expected/<id>.without-graph.json` the match with the facts the demand states. Each is the
match as pretty JSON plus one newline, compared here byte for byte, as
engine/tests/finance_graph.rs does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import xinyong

ROOT = Path(__file__).resolve().parents[2]
GRAPH_FINANCE = ROOT / "fixtures" / "finance" / "graph"
AS_OF = "2026-06-30"
DEMAND_LINES = [
    line
    for line in (GRAPH_FINANCE / "demands.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
IDS = [json.loads(line)["id"] for line in DEMAND_LINES]
CASES = [(demand_id, suffix) for demand_id in IDS for suffix in ("with-graph", "without-graph")]


def golden(demand_id: str, suffix: str) -> str:
    return (GRAPH_FINANCE / "expected" / f"{demand_id}.{suffix}.json").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def catalog() -> xinyong.Catalog:
    return xinyong.Catalog.from_json(GRAPH_FINANCE / "catalog.json")


@pytest.fixture(scope="module")
def matcher(catalog: xinyong.Catalog) -> xinyong.Matcher:
    return xinyong.Matcher(xinyong.Evaluator(), catalog)


@pytest.fixture(scope="module")
def graph() -> xinyong.Graph:
    return xinyong.Graph.from_jsonl(GRAPH_FINANCE / "relations.jsonl")


def graph_for(suffix: str, graph: xinyong.Graph) -> xinyong.Graph | None:
    return graph if suffix == "with-graph" else None


def test_the_fixture_has_every_case() -> None:
    assert IDS == ["g-circle", "g-linked", "g-no-guarantor", "g-stated"]
    for demand_id, suffix in CASES:
        assert (GRAPH_FINANCE / "expected" / f"{demand_id}.{suffix}.json").is_file()


@pytest.mark.parametrize(("demand_id", "suffix"), CASES)
def test_golden_byte_for_byte(
    matcher: xinyong.Matcher, graph: xinyong.Graph, demand_id: str, suffix: str
) -> None:
    line = DEMAND_LINES[IDS.index(demand_id)]
    result = matcher.match(line, AS_OF, graph=graph_for(suffix, graph))
    assert result.to_json() + "\n" == golden(demand_id, suffix)
    # The dict form is the same document, and prints the same bytes.
    assert result.to_dict() == json.loads(golden(demand_id, suffix))
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert text == golden(demand_id, suffix)


@pytest.mark.parametrize("suffix", ["with-graph", "without-graph"])
def test_every_match_method_agrees_with_the_goldens(
    catalog: xinyong.Catalog, matcher: xinyong.Matcher, graph: xinyong.Graph, suffix: str
) -> None:
    chosen = graph_for(suffix, graph)
    expected = [golden(demand_id, suffix) for demand_id in IDS]
    demands = [xinyong.Demand(json.loads(line)) for line in DEMAND_LINES]
    batches = [
        matcher.match_many(demands, AS_OF, graph=chosen),
        matcher.match_many(DEMAND_LINES, AS_OF, "raise", graph=chosen),
        matcher.match_jsonl(GRAPH_FINANCE / "demands.jsonl", AS_OF, graph=chosen),
        matcher.match_jsonl("\n".join(DEMAND_LINES), AS_OF, graph=chosen),
        [xinyong.match_demand(catalog, d, AS_OF, graph=chosen) for d in demands],
    ]
    for batch in batches:
        assert [r.to_json() + "\n" for r in batch] == expected


def test_the_graph_overrides_stated_facts(matcher: xinyong.Matcher, graph: xinyong.Graph) -> None:
    stated = DEMAND_LINES[IDS.index("g-stated")]
    assert "graph_facts" in json.loads(stated)
    without = matcher.match(stated, AS_OF)
    assert [o["product"] for o in without.eligible] == ["circle-capped", "unrelated-guarantor"]
    with_graph = matcher.match(stated, AS_OF, graph=graph)
    assert "circle-capped" not in [o["product"] for o in with_graph.eligible]
    gap = next(m for m in with_graph.near_misses if m["product"] == "circle-capped")["failed"][0]
    assert (gap["required"], gap["actual"]) == ("2", "3")


def test_the_graph_counts_guarantees_on_the_match_date(
    matcher: xinyong.Matcher, graph: xinyong.Graph
) -> None:
    # The guarantee closing the cycle ends on 2027-05-31: the next day there is no circle.
    circle = DEMAND_LINES[IDS.index("g-circle")]
    during = matcher.match(circle, AS_OF, graph=graph)
    assert "circle-capped" not in [o["product"] for o in during.eligible]
    after = matcher.match(circle, "2027-06-01", graph=graph)
    assert "circle-capped" in [o["product"] for o in after.eligible]


def test_graph_must_be_a_graph(matcher: xinyong.Matcher) -> None:
    with pytest.raises(TypeError):
        matcher.match(DEMAND_LINES[0], AS_OF, graph="relations.jsonl")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        # Keyword only: a positional third argument of match is refused.
        matcher.match(DEMAND_LINES[0], AS_OF, None)  # type: ignore[misc]
