"""xinyong.Graph against the relationship-graph goldens of fixtures/graph/.

The golden document of a case is the one engine/tests/graph.rs builds: the build report, the
unsolvable cycles, and for every enterprise (in key order) its integrated ownership and
beneficial owners. The same document is rebuilt here from JSON Lines, from a pandas DataFrame,
from a pyarrow Table, from a list of dicts and from CSV, and must equal the golden file.

This file also runs the bad-input catalogue (fixtures/bad/catalogue.json) for every surface the
analytics bindings expose (graph, catalog, demand, PMML).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

import xinyong

ROOT = Path(__file__).resolve().parents[2]
GRAPH = ROOT / "fixtures" / "graph"
BAD = ROOT / "fixtures" / "bad"
CASES = ["worked_example", "closed_ring", "cycle_with_leakage", "pyramid"]

A = "91210100MA1ENJ9KXL"
B = "91210100MA1G966FX9"
C = "91210100MA1KJ8MK67"


def document(graph: xinyong.Graph) -> dict:
    """The golden document of engine/tests/graph.rs, built through the Python API."""
    doc = {
        "report": graph.report,
        "unresolvable": graph.unresolvable(),
        "firms": [
            {
                "ownership": graph.ownership_detail(firm),
                "beneficial_owners": graph.beneficial_owners_detail(firm),
            }
            for firm in graph.enterprises()
        ],
    }
    # Every firm at once (one analysis) gives the same documents, in key order.
    assert graph.ownership_detail() == [f["ownership"] for f in doc["firms"]]
    assert graph.beneficial_owners_detail() == [f["beneficial_owners"] for f in doc["firms"]]
    return doc


def expected(case: str) -> dict:
    return json.loads((GRAPH / f"{case}.expected.json").read_text(encoding="utf-8"))


def lines(case: str) -> tuple[list[dict], list[dict]]:
    """The node and edge objects of a JSON Lines case."""
    nodes, edges = [], []
    for line in (GRAPH / f"{case}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            (nodes if "node" in obj else edges).append(obj.get("node") or obj.get("edge"))
    return nodes, edges


@pytest.mark.parametrize("case", CASES)
def test_golden_from_jsonl_path_and_text(case: str) -> None:
    want = expected(case)
    assert document(xinyong.Graph.from_jsonl(GRAPH / f"{case}.jsonl")) == want
    text = (GRAPH / f"{case}.jsonl").read_text(encoding="utf-8")
    assert document(xinyong.Graph.from_jsonl(text)) == want


@pytest.mark.parametrize("case", CASES)
def test_golden_from_list_of_dicts(case: str) -> None:
    nodes, edges = lines(case)
    assert document(xinyong.Graph.from_edges(edges, nodes=nodes)) == expected(case)


@pytest.mark.parametrize("case", CASES)
def test_golden_from_pandas_and_arrow(case: str) -> None:
    import pandas as pd
    import pyarrow as pa
    nodes, edges = lines(case)
    # Columns a kind does not use hold NaN / null: they must read as absent.
    frame = pd.DataFrame(edges)
    assert document(xinyong.Graph.from_edges(frame, nodes=pd.DataFrame(nodes))) == expected(case)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert document(xinyong.Graph.from_edges(table, nodes=nodes)) == expected(case)


def test_golden_from_csv_with_declared_persons() -> None:
    nodes, edges = lines("worked_example")
    columns = ["kind", "from", "to", "share"]
    csv = ",".join(columns) + "\n" + "\n".join(",".join(e[c] for c in columns) for e in edges)
    graph = xinyong.Graph.from_csv(csv, nodes=nodes)
    assert document(graph) == expected("worked_example")


def test_worked_example_p1_owns_0_638298_of_a() -> None:
    graph = xinyong.Graph.from_jsonl(GRAPH / "worked_example.jsonl")
    rows = graph.ownership(A)
    rows = rows.to_dict("records") if hasattr(rows, "to_dict") else rows
    p1 = next(r for r in rows if r["owner"] == "p1")
    assert (p1["firm"], p1["kind"], p1["direct"], p1["integrated"]) == (
        A,
        "person",
        Decimal("0.6"),
        Decimal("0.638298"),
    )
    owners = graph.beneficial_owners(A)
    owners = owners.to_dict("records") if hasattr(owners, "to_dict") else owners
    assert [(o["person"], o["basis"], o["share"]) for o in owners] == [
        ("p1", "ownership", Decimal("0.638298"))
    ]
    assert owners[0]["chains"] == [["p1", A]]
    # The simple-paths method ignores the walks around the cycle.
    simple = graph.beneficial_owners_detail(A, method="simple_paths")
    assert simple["owners"][0]["share"] == "0.6"
    assert graph.controllers(A) == ["p1"]


def test_tables_cover_every_enterprise_and_keep_bases_without_owners() -> None:
    graph = xinyong.Graph.from_jsonl(GRAPH / "closed_ring.jsonl")
    table = graph.beneficial_owners()
    rows = table.to_dict("records") if hasattr(table, "to_dict") else table
    by_firm = {r["firm"]: r for r in rows}
    assert set(by_firm) == set(graph.enterprises())
    person = by_firm[B]["person"]
    assert by_firm[B]["basis"] == "none" and (person is None or person != person)  # None or NaN
    assert by_firm[A]["basis"] == "legal_representative"
    assert graph.unresolvable() == [{"members": [A, B], "reason": "closed_ring"}]
    owners_of_a = [r for r in _records(graph.ownership()) if r["firm"] == A]
    assert owners_of_a == []


def _records(table):
    return table.to_dict("records") if hasattr(table, "to_dict") else table


def test_circle_of_five_golden() -> None:
    graph = xinyong.Graph.from_jsonl(GRAPH / "circle_of_five.jsonl")
    net_assets = {
        "91320500MA0000015D": Decimal("700"),
        "91320500MA00000238": "450",
        "91320500MA0000066M": -10,
    }
    result = graph.circles("2025-06-30", net_assets)
    assert result == json.loads((GRAPH / "circle_of_five.expected.json").read_text("utf-8"))
    assert result["circles"][0]["size"] == 5


def test_group_clients_golden() -> None:
    # The recipe of engine/tests/graph_groups.rs: every test on, key persons capped at two firms.
    graph = xinyong.Graph.from_jsonl(GRAPH / "groups.jsonl")
    result = graph.groups("2026-06-30", max_person_firms=2)
    assert result == json.loads((GRAPH / "groups.expected.json").read_text("utf-8"))
    assert result["groups"], "the golden case has groups"
    only_control = graph.groups(
        "2026-06-30",
        common_controller=False,
        key_persons=False,
        mutual_guarantees=False,
        max_person_firms=2,
    )
    assert only_control["config"]["key_persons"] is False
    assert all(t["kind"] == "control" for g in only_control["groups"] for t in g["ties"])
    with pytest.raises(ValueError):
        graph.groups("2026-06-30", key_roles=["chairman"])


def test_debt_rank_three_firms_by_hand() -> None:
    # Firm codes of engine/tests/graph_guarantee.rs: B (1) borrows, G1 (2) and G2 (3) guarantee.
    b, g1, g2 = "91320500MA0000015D", "91320500MA00000238", "91320500MA00000313"
    edges = [
        {"kind": "guarantee", "from": g1, "to": b, "amount": "50", "start": "2024-01-01"},
        {"kind": "guarantee", "from": g2, "to": b, "amount": "30", "start": "2024-01-01"},
        {"kind": "guarantee", "from": g2, "to": g1, "amount": "30", "start": "2024-01-01"},
    ]
    graph = xinyong.Graph.from_edges(edges)
    equity = {b: 100, g1: 100, g2: 60}
    result = graph.contagion("2025-06-30", seeds=[b], equity=equity)
    assert result["total_impact"] == "0.365385"
    assert [(f["firm"], f["distress"], f["round"]) for f in result["firms"]] == [
        (b, "1", 1),
        (g1, "0.5", 2),
        (g2, "0.75", 2),
    ]
    lower = graph.contagion("2025-06-30", seeds=[b], equity=equity, lgd=Decimal("0.4"))
    assert lower["total_impact"] == "0.132308"
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        graph.contagion("2025-06-30", seeds=["nobody"], equity=equity)
    assert caught.value.path == "seeds[0]"


def test_close_links_table() -> None:
    f1, f2 = "91320500MA0000015D", "91320500MA00000238"
    edges = [
        {"kind": "shareholding", "from": f1, "to": f2, "share": 0.3},
        {"kind": "guarantee", "from": f1, "to": f2, "amount": 10, "start": "2024-01-01"},
    ]
    links = _records(xinyong.Graph.from_edges(edges).close_links("2025-06-30"))
    assert links == [
        {
            "guarantor": f1,
            "borrower": f2,
            "basis": "guarantor_owns_borrower",
            "via": None,
            "share": Decimal("0.3"),
        }
    ]


def test_pandas_dates_and_nan_cells_read_as_the_engine_expects() -> None:
    import pandas as pd
    f1, f2 = "91320500MA0000015D", "91320500MA00000238"
    frame = pd.DataFrame(
        {
            "kind": ["guarantee", "guarantee"],
            "from": [f1, f2],
            "to": [f2, f1],
            "amount": [100.0, 60.0],
            "start": pd.to_datetime(["2024-01-01", "2024-01-01"]),
            "end": pd.to_datetime([None, "2025-06-29"]),
        }
    )
    graph = xinyong.Graph.from_edges(frame)
    # The contract ending 2025-06-29 no longer counts on 2025-06-30: no circle.
    assert graph.circles("2025-06-30")["circles"] == []
    assert len(graph.circles("2025-06-01")["circles"]) == 1


def test_errors_are_exceptions_with_kind_and_path() -> None:
    edges = [{"kind": "shareholding", "from": "p1", "to": A, "share": "1.5"}]
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.Graph.from_edges(edges, nodes=[{"person": "p1"}])
    assert (caught.value.kind, caught.value.path) == ("invalid_field", "edges[0].share")
    assert isinstance(caught.value, ValueError)
    graph = xinyong.Graph.from_jsonl(GRAPH / "worked_example.jsonl")
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        graph.ownership("91350200155000013M")
    assert caught.value.path == "firm"
    with pytest.raises(xinyong.InvalidFieldError):
        xinyong.Graph.from_jsonl('{"edge": {"kind": "shareholding", "from": "x", "to": "y"}}')
    with pytest.raises(xinyong.MalformedJsonError):
        xinyong.Graph.from_jsonl('{"edge": ')
    with pytest.raises(ValueError):
        xinyong.Graph.from_edges(edges, duplicates="sometimes")
    with pytest.raises(TypeError):
        graph.beneficial_owners(A, colour="red")
    with pytest.raises(xinyong.IoError):
        xinyong.Graph.from_jsonl(GRAPH / "no_such_file.jsonl")


def test_duplicate_policy_is_a_keyword() -> None:
    edges = [
        {"kind": "shareholding", "from": "p1", "to": A, "share": "0.2"},
        {"kind": "shareholding", "from": "p1", "to": A, "share": "0.2"},
    ]
    merged = xinyong.Graph.from_edges(edges, nodes=[{"person": "p1"}])
    assert merged.report["duplicates_merged"][0]["count"] == 2
    with pytest.raises(xinyong.InvalidFieldError) as caught:
        xinyong.Graph.from_edges(edges, nodes=[{"person": "p1"}], duplicates="reject")
    assert caught.value.path == "edges[1]"


# ---- the bad-input catalogue ----------------------------------------------------------------

CATALOGUE = json.loads((BAD / "catalogue.json").read_text(encoding="utf-8"))


def _graph_jsonl(path: Path) -> None:
    graph = xinyong.Graph.from_jsonl(path)
    graph.ownership()
    graph.beneficial_owners()


def _graph_csv(path: Path) -> None:
    graph = xinyong.Graph.from_csv(path)
    graph.ownership()
    graph.beneficial_owners()


RUNNERS = {
    "graph_jsonl": _graph_jsonl,
    "graph_csv": _graph_csv,
    "catalog": lambda path: xinyong.Catalog.from_json(path),
    "demand": lambda path: xinyong.Demand.from_json(path),
    "pmml": lambda path: xinyong.Scorecard.from_pmml(path),
}

#: Surfaces of the catalogue these analytics bindings do not expose, and why.
NOT_APPLICABLE = {
    "enterprise": "bound by Evaluator.evaluate; run by the evaluation suite of tests/python",
    "enterprise_jsonl": "bound by Evaluator.evaluate_jsonl; run by the evaluation suite",
    "model": "bound by Model/Evaluator; run by the evaluation suite",
    "uscc": "bound by xinyong.Uscc; run by the USCC suite",
}


def _input(case: dict, tmp_path: Path) -> Path:
    """The case's file, or its generated input written to a temporary file."""
    if "file" in case:
        return BAD / case["file"]
    spec = case["generate"]
    repeat = spec["repeat"]
    if "{i}" in repeat:
        body = "".join(repeat.replace("{i}", str(i)) for i in range(spec["times"]))
    else:
        body = repeat * spec["times"]
    path = tmp_path / f"{case['name']}.input"
    path.write_text(spec["head"] + body + spec["tail"], encoding="utf-8")
    return path


def test_every_catalogue_surface_is_run_or_listed_as_not_applicable() -> None:
    surfaces = {case["surface"] for case in CATALOGUE["cases"]}
    assert surfaces <= set(RUNNERS) | set(NOT_APPLICABLE), surfaces
    assert not set(RUNNERS) & set(NOT_APPLICABLE)
    assert sum(case["surface"] in RUNNERS for case in CATALOGUE["cases"]) >= 20


@pytest.mark.parametrize(
    "case",
    [c for c in CATALOGUE["cases"] if c["surface"] in RUNNERS],
    ids=lambda c: f"{c['surface']}/{c['name']}",
)
def test_bad_input_gets_its_error_kind(case: dict, tmp_path: Path) -> None:
    run = RUNNERS[case["surface"]]
    path = _input(case, tmp_path)
    if case["kind"] is None:
        run(path)
        return
    with pytest.raises(xinyong.XinyongError) as caught:
        run(path)
    assert caught.value.kind == case["kind"], str(caught.value)
    assert str(caught.value)
