"""`xinyong graph`: ownership, beneficial owners, control, guarantee circles and contagion of
the graph fixtures, checked against the hand-computed values of fixtures/graph/README.md."""

from __future__ import annotations

import json

from helpers import REPO_ROOT, describe, json_lines

GRAPHS = REPO_ROOT / "fixtures" / "graph"
A, B, C = "91210100MA1ENJ9KXL", "91210100MA1G966FX9", "91210100MA1KJ8MK67"
F1 = "91320500MA0000015D"


def graph(run, *args: object) -> list[dict]:
    proc = run("graph", *args)
    assert proc.returncode == 0, describe(proc)
    return json_lines(proc.stdout)


def test_beneficial_owners_of_the_worked_example(run) -> None:
    lines = graph(run, "owners", "--edges", GRAPHS / "worked_example.jsonl")
    by_firm = {line["firm"]: line for line in lines}
    assert set(by_firm) == {A, B}
    assert [(o["person"], o["share"]) for o in by_firm[A]["owners"]] == [("p1", "0.638298")]
    assert [(o["person"], o["share"]) for o in by_firm[B]["owners"]] == [("p2", "0.744681")]
    assert by_firm[A]["owners"][0]["chains"][0]["path"] == ["p1", A]


def test_integrated_ownership_of_one_firm(run) -> None:
    (line,) = graph(run, "ownership", "--edges", GRAPHS / "worked_example.jsonl", "--firm", A)
    shares = {o["owner"]: o["integrated"] for o in line["owners"]}
    assert shares == {"p1": "0.638298", "p2": "0.148936", B: "0.212766", A: "0.06383"}


def test_integrated_ownership_takes_no_beneficial_owner_options(run) -> None:
    for option in (["--threshold", "0.9"], ["--exclusive"], ["--method", "simple-paths"]):
        proc = run("graph", "ownership", "--edges", GRAPHS / "worked_example.jsonl", *option)
        assert proc.returncode == 2, describe(proc)
        assert option[0] in proc.stderr, proc.stderr


def test_a_stricter_threshold_changes_the_owners(run) -> None:
    lines = graph(run, "owners", "--edges", GRAPHS / "worked_example.jsonl", "--threshold", "0.7")
    by_firm = {line["firm"]: line for line in lines}
    # p1's 63.83% of A no longer qualifies by ownership, but p1 controls A by majority.
    assert by_firm[A]["basis"] == "control"
    assert [o["person"] for o in by_firm[A]["owners"]] == ["p1"]
    assert (by_firm[B]["basis"], [o["person"] for o in by_firm[B]["owners"]]) == ("ownership", ["p2"])


def test_control_runs_down_the_pyramid(run) -> None:
    lines = graph(run, "control", "--edges", GRAPHS / "pyramid.jsonl")
    assert {line["firm"]: line["controllers"] for line in lines} == {A: ["p"], B: ["p"], C: ["p"]}
    lines = graph(run, "owners", "--edges", GRAPHS / "pyramid.jsonl", "--firm", C)
    assert lines[0]["basis"] == "control"
    assert [(o["person"], o["share"]) for o in lines[0]["owners"]] == [("p", "0.132651")]


def test_circles_equal_the_golden_analysis(run) -> None:
    expected = json.loads((GRAPHS / "circle_of_five.expected.json").read_text(encoding="utf-8"))
    lines = graph(run, "circles", "--edges", GRAPHS / "circle_of_five.jsonl", "--as-of", "2025-06-30")
    assert lines == expected["circles"]
    proc = run("graph", "circles", "--edges", GRAPHS / "circle_of_five.jsonl", "--as-of", "2025-06-30",
               "--format", "table")
    assert proc.returncode == 0, describe(proc)
    assert "11 active guarantees, 1 circles" in proc.stdout
    assert "circle 1 (5 firms, 1 mutual pairs)" in proc.stdout


def test_contagion_starts_from_the_seed(run, tmp_path) -> None:
    equity = tmp_path / "equity.json"
    equity.write_text(json.dumps({F1: "1000", "91320500MA00000238": "500"}), encoding="utf-8")
    (result,) = graph(run, "contagion", "--edges", GRAPHS / "circle_of_five.jsonl", "--as-of", "2025-06-30",
                      "--seed", F1, "--equity", equity)
    seeds = [f for f in result["firms"] if f["seed"]]
    assert [(f["firm"], f["distress"]) for f in seeds] == [(F1, "1")]


def test_csv_edges_give_the_same_owners(run, tmp_path) -> None:
    rows = ["kind,from,to,share", f"shareholding,p1,{A},0.6", f"shareholding,{B},{A},0.2",
            f"shareholding,{A},{B},0.3", f"shareholding,p2,{B},0.7"]
    edges = tmp_path / "edges.csv"
    edges.write_text("\n".join(rows) + "\n", encoding="utf-8")
    nodes = tmp_path / "nodes.jsonl"
    nodes.write_text('{"node": {"person": "p1"}}\n{"node": {"person": "p2"}}\n', encoding="utf-8")
    from_csv = graph(run, "owners", "--edges", edges, "--nodes", nodes)
    from_jsonl = graph(run, "owners", "--edges", GRAPHS / "worked_example.jsonl")
    assert [line["owners"] for line in from_csv] == [line["owners"] for line in from_jsonl]


def test_bad_graphs_and_unknown_firms_are_clear_errors(run) -> None:
    bad = REPO_ROOT / "fixtures" / "bad" / "graph_jsonl" / "share_one_and_a_half.jsonl"
    proc = run("graph", "owners", "--edges", bad)
    assert proc.returncode == 2 and "edges[0].share" in proc.stderr, describe(proc)
    proc = run("graph", "owners", "--edges", GRAPHS / "pyramid.jsonl", "--firm", "91350900587527783P")
    assert proc.returncode == 2 and "no enterprise" in proc.stderr, describe(proc)
    proc = run("graph", "contagion", "--edges", GRAPHS / "pyramid.jsonl")
    assert proc.returncode == 2 and "--seed" in proc.stderr, describe(proc)


def test_groups_equal_the_golden_and_report_hubs(run) -> None:
    expected = json.loads((GRAPHS / "groups.expected.json").read_text(encoding="utf-8"))
    proc = run("graph", "groups", "--edges", GRAPHS / "groups.jsonl", "--as-of", "2026-06-30",
               "--max-person-firms", "2")
    assert proc.returncode == 0, describe(proc)
    assert json_lines(proc.stdout) == expected["groups"]
    assert "key person `x` holds roles in 3 firms" in proc.stderr
    # Switching the key-person test off leaves three groups; naming more roles joins H3.
    lines = graph(run, "groups", "--edges", GRAPHS / "groups.jsonl", "--as-of", "2026-06-30", "--no-key-persons")
    assert len(lines) == 3
    lines = graph(run, "groups", "--edges", GRAPHS / "groups.jsonl", "--as-of", "2026-06-30",
                  "--key-role", "legal-representative", "--key-role", "director")
    assert any("91330100MA000063XB" in line["members"] for line in lines)


def test_features_equal_the_golden_file(run) -> None:
    case = GRAPHS / "features"
    expected = json_lines((case / "expected.jsonl").read_text(encoding="utf-8"))
    args = ("--edges", case / "graph.jsonl", "--dishonest", case / "dishonest.json",
            "--net-assets", case / "net_assets.json", "--as-of", "2025-06-30")
    assert graph(run, "features", *args) == expected
    (one,) = graph(run, "features", *args, "--firm", F1)
    assert (one["dishonest_controllers"], one["dishonest_within_2"]) == (["p-bad"], 1)
    proc = run("graph", "features", *args, "--format", "table")
    assert proc.returncode == 0, describe(proc)
    assert "91320500MA000004XT*" in proc.stdout and "p-bad" in proc.stdout


def test_features_refuse_an_unknown_dishonest_key(run, tmp_path) -> None:
    listed = tmp_path / "dishonest.json"
    listed.write_text('["nobody"]', encoding="utf-8")
    proc = run("graph", "features", "--edges", GRAPHS / "features" / "graph.jsonl",
               "--dishonest", listed, "--as-of", "2025-06-30")
    assert proc.returncode != 0
    assert "dishonest.nobody" in proc.stderr
