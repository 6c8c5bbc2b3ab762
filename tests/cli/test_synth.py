"""`xinyong synth`: deterministic synthetic enterprise registries from a seed."""

from __future__ import annotations

import pytest

from helpers import describe, json_lines


@pytest.mark.parametrize("count", [1, 12])
def test_prints_one_enterprise_per_line(run, count: int) -> None:
    proc = run("synth", "--enterprises", count, "--seed", 42)
    assert proc.returncode == 0, describe(proc)
    records = json_lines(proc.stdout)
    assert len(records) == count, describe(proc)
    for record in records:
        assert isinstance(record.get("uscc"), str) and record["uscc"], record
        assert isinstance(record.get("name"), str) and record["name"], record


def test_same_seed_gives_identical_bytes(run) -> None:
    first = run("synth", "--enterprises", 20, "--seed", 7)
    second = run("synth", "--enterprises", 20, "--seed", 7)
    assert first.returncode == 0, describe(first)
    assert second.returncode == 0, describe(second)
    assert first.stdout == second.stdout


def test_different_seed_gives_different_output(run) -> None:
    first = run("synth", "--enterprises", 20, "--seed", 7)
    second = run("synth", "--enterprises", 20, "--seed", 8)
    assert first.returncode == 0, describe(first)
    assert second.returncode == 0, describe(second)
    assert first.stdout != second.stdout


def test_synthetic_codes_are_valid(run) -> None:
    synth = run("synth", "--enterprises", 30, "--seed", 3)
    assert synth.returncode == 0, describe(synth)
    codes = [record["uscc"] for record in json_lines(synth.stdout)]
    check = run("uscc", *codes)
    assert check.returncode == 0, describe(check)
    results = json_lines(check.stdout)
    assert [r["input"] for r in results] == codes
    assert all(r["valid"] is True and r["normalized"] == r["input"] for r in results), results


def test_catalog_and_demands_are_deterministic_and_match(run, tmp_path) -> None:
    catalog = tmp_path / "catalog.json"
    first = run("synth", "catalog", "--products", 60, "--seed", 3, "-o", catalog)
    assert first.returncode == 0, describe(first)
    again = run("synth", "catalog", "--products", 60, "--seed", 3)
    assert again.stdout == catalog.read_text(encoding="utf-8")
    demands = run("synth", "demands", "--enterprises", 25, "--seed", 3)
    assert demands.returncode == 0, describe(demands)
    assert demands.stdout == run("synth", "demands", "--enterprises", 25, "--seed", 3).stdout
    assert len(json_lines(demands.stdout)) == 25
    matched = run("match", "--catalog", catalog, "--as-of", "2026-06-30", input=demands.stdout)
    assert matched.returncode == 0, describe(matched)
    results = json_lines(matched.stdout)
    assert [r["demand"] for r in results] == [f"d-{i:06}" for i in range(25)]
    assert any(r["eligible"] for r in results)


def test_synthetic_graph_is_deterministic_and_reads_back(run, tmp_path) -> None:
    path = tmp_path / "graph.jsonl"
    first = run("synth", "graph", "--firms", 3000, "--seed", 5, "--output", path)
    assert first.returncode == 0, describe(first)
    again = run("synth", "graph", "--firms", 3000, "--seed", 5)
    assert again.returncode == 0, describe(again)
    assert path.read_text(encoding="utf-8") == again.stdout
    lines = json_lines(again.stdout)
    firms = [line["node"]["enterprise"] for line in lines if "enterprise" in line.get("node", {})]
    assert len(firms) == len(set(firms)) == 3000
    kinds = {line["edge"]["kind"] for line in lines if "edge" in line}
    assert kinds >= {"shareholding", "key_role", "guarantee"}
    # The graph commands read it as it is: the build report has nothing to say.
    report = run("graph", "report", "--edges", path)
    assert report.returncode == 0, describe(report)
    (doc,) = json_lines(report.stdout)
    assert doc["implied_enterprises"] == [] and doc["oversubscribed"] == []
