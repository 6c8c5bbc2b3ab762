"""`xinyong match`: financing demands against a product catalog, one result line per demand."""

from __future__ import annotations

import json
from decimal import Decimal

from helpers import REPO_ROOT, describe, json_lines, nonblank_lines

CATALOG = REPO_ROOT / "fixtures" / "finance" / "catalog.json"
DEMANDS = REPO_ROOT / "fixtures" / "finance" / "demands.jsonl"
AS_OF = "2026-06-30"


def test_every_demand_gets_one_ranked_result(run):
    demands = nonblank_lines(DEMANDS.read_text(encoding="utf-8"))
    proc = run("match", "--catalog", CATALOG, "--as-of", AS_OF, input="\n".join(demands) + "\n")
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(demands)
    for result in results:
        assert result["grade"] in {"A", "B", "C", "D"}
        offers = result["eligible"]
        for offer in offers:
            limit = Decimal(offer["limit"])
            assert limit == min(Decimal(b["value"]) for b in offer["bounds"]), offer
            assert Decimal(offer["rate_percent"]) >= Decimal("3"), offer
        coverage = [Decimal(o["coverage"]) for o in offers]
        assert coverage == sorted(coverage, reverse=True), "ranked by coverage first"
    assert any(r["eligible"] for r in results), "the sample demands include eligible firms"
    assert any(r["near_misses"] for r in results), "and near misses with their gaps"


def test_the_reference_rate_moves_every_rate(run):
    first = nonblank_lines(DEMANDS.read_text(encoding="utf-8"))[0] + "\n"
    base = json_lines(run("match", "--catalog", CATALOG, "--as-of", AS_OF, input=first).stdout)[0]
    raised = run("match", "--catalog", CATALOG, "--as-of", AS_OF, "--lpr", "3.5", "--lpr-date",
                 "2026-05-20", input=first)
    assert raised.returncode == 0, describe(raised)
    moved = json_lines(raised.stdout)[0]
    assert moved["reference_rate"] == {"percent": "3.5", "since": "2026-05-20"}
    for a, b in zip(base["eligible"], moved["eligible"]):
        assert Decimal(b["rate_percent"]) - Decimal(a["rate_percent"]) == Decimal("0.5")


def test_a_reference_rate_comes_with_its_own_date(run):
    first = nonblank_lines(DEMANDS.read_text(encoding="utf-8"))[0] + "\n"
    base = ("match", "--catalog", CATALOG, "--as-of", AS_OF)
    cases = {
        "rate alone": (("--lpr", "3.1"), "--lpr-date"),
        "date alone": (("--lpr-date", "2026-05-20"), "--lpr"),
        "negative rate": (("--lpr", "-0.5", "--lpr-date", "2026-05-20"), "negative"),
        "dated after the matching date": (("--lpr", "3.1", "--lpr-date", "2026-07-01"), "after"),
    }
    for name, (extra, said) in cases.items():
        proc = run(*base, *extra, input=first)
        assert proc.returncode == 2, f"{name}: {describe(proc)}"
        assert proc.stdout == "", name
        assert said in proc.stderr, f"{name}: {proc.stderr}"
    on_the_day = run(*base, "--lpr", "0", "--lpr-date", AS_OF, input=first)
    assert on_the_day.returncode == 0, describe(on_the_day)
    assert json_lines(on_the_day.stdout)[0]["reference_rate"] == {"percent": "0", "since": AS_OF}


def test_offers_keeps_the_best_ranked_of_each_demand(run):
    demands = "\n".join(nonblank_lines(DEMANDS.read_text(encoding="utf-8"))) + "\n"
    every = json_lines(run("match", "--catalog", CATALOG, "--as-of", AS_OF, input=demands).stdout)
    proc = run("match", "--catalog", CATALOG, "--as-of", AS_OF, "--offers", "1", input=demands)
    assert proc.returncode == 0, describe(proc)
    best = json_lines(proc.stdout)
    assert len(best) == len(every)
    assert any(len(r["eligible"]) > 1 for r in every), "some demand has several offers"
    for full, one in zip(every, best):
        assert one["eligible"] == full["eligible"][:1]
        assert one["near_misses"] == full["near_misses"]


def test_a_bad_demand_is_reported_and_the_rest_go_on(run):
    first = nonblank_lines(DEMANDS.read_text(encoding="utf-8"))[0]
    proc = run("match", "--catalog", CATALOG, "--as-of", AS_OF, input=f"{{bad\n{first}\n")
    assert proc.returncode == 1, describe(proc)
    error, ok = json_lines(proc.stdout)
    assert error["line"] == 1 and error["error"]["kind"] == "malformed_json"
    assert ok["uscc"], ok


def test_the_table_format_lists_offers_and_gaps(run):
    proc = run("match", "--catalog", CATALOG, "--as-of", AS_OF, "--format", "table", "--lang",
               "en", input=DEMANDS.read_text(encoding="utf-8"))
    assert proc.returncode == 0, describe(proc)
    assert "estimated limit" in proc.stdout
    assert "required" in proc.stdout


def test_every_jobs_count_writes_the_same_bytes(run, tmp_path):
    """`--jobs`: demands are matched by several threads, chunk by chunk, but both formats write
    the bytes one thread writes, bad lines included; 3,000 synthetic demands span several
    chunks."""
    catalog = tmp_path / "catalog.json"
    proc = run("synth", "catalog", "--products", 300, "--output", catalog)
    assert proc.returncode == 0, describe(proc)
    proc = run("synth", "demands", "--enterprises", 3000, "--seed", 4)
    assert proc.returncode == 0, describe(proc)
    demands = proc.stdout.splitlines()
    text = "\n".join(demands[:1500] + ["{bad", "", '{"amount": "1"}'] + demands[1500:]) + "\n"
    for form in ("jsonl", "table"):
        args = ("match", "--catalog", catalog, "--as-of", AS_OF, "--format", form)
        one = run(*args, "--jobs", 1, input=text)
        assert one.returncode == 1 and one.stdout, describe(one)
        for jobs in (2, 3):
            many = run(*args, "--jobs", jobs, input=text)
            assert (many.returncode, many.stderr) == (one.returncode, one.stderr), describe(many)
            assert many.stdout == one.stdout, f"--jobs {jobs} --format {form}: the output differs"


GRAPH_FIXTURES = REPO_ROOT / "fixtures" / "finance" / "graph"


def test_a_relationship_graph_supplies_the_graph_facts(run):
    """With `--graph` the engine computes circles and close links: the with-graph goldens."""
    demands = GRAPH_FIXTURES / "demands.jsonl"
    args = ["match", "--catalog", GRAPH_FIXTURES / "catalog.json", "--as-of", AS_OF]
    proc = run(*args, "--graph", GRAPH_FIXTURES / "relations.jsonl", "--input", demands)
    assert proc.returncode == 0, describe(proc)
    results = json_lines(proc.stdout)
    assert len(results) == len(nonblank_lines(demands.read_text(encoding="utf-8")))
    for result in results:
        golden = GRAPH_FIXTURES / "expected" / f"{result['demand']}.with-graph.json"
        assert result == json.loads(golden.read_text(encoding="utf-8")), result["demand"]
    circle = next(r for r in results if r["demand"] == "g-circle")
    gaps = [g["condition"] for m in circle["near_misses"] for g in m["failed"]]
    assert gaps == ["guarantee_circle"]
    # Without the graph, facts the demands do not state never pass.
    plain = json_lines(run(*args, "--input", demands).stdout)
    unknown = next(r for r in plain if r["demand"] == "g-circle")
    assert not unknown["eligible"]
    assert all(g["actual"] is None for m in unknown["near_misses"] for g in m["failed"])


def test_an_unreadable_graph_is_a_usage_error(run, tmp_path):
    bad = tmp_path / "graph.jsonl"
    bad.write_text('{"edge": {"kind": "shareholding", "from": "nobody", "to": "x"}}\n',
                   encoding="utf-8")
    proc = run("match", "--catalog", GRAPH_FIXTURES / "catalog.json", "--as-of", AS_OF,
               "--graph", bad, input="")
    assert proc.returncode == 2, describe(proc)
    assert "graph.jsonl" in proc.stderr


def test_a_product_never_offered_is_noted_and_the_catalog_still_used(run, tmp_path):
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    first = catalog["products"][0]
    first["limit"]["k_tax"] = "0"
    if first["amount"]["min"] in ("0", 0):
        first["amount"]["min"] = "10000"
    changed = tmp_path / "catalog.json"
    changed.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    demands = nonblank_lines(DEMANDS.read_text(encoding="utf-8"))
    proc = run("match", "--catalog", changed, "--as-of", AS_OF, input="\n".join(demands) + "\n")
    assert proc.returncode == 0, describe(proc)
    notes = [line for line in proc.stderr.splitlines() if line.startswith("xinyong: note:")]
    assert len(notes) == 1, proc.stderr
    assert "products[0].limit.k_tax: a multiple of 0" in notes[0], notes
    results = json_lines(proc.stdout)
    assert len(results) == len(demands)
    offered = {o["product"] for r in results for o in r["eligible"]}
    assert first["id"] not in offered
    # The sample catalog itself has no such product, and offers this one to some demands.
    plain = run("match", "--catalog", CATALOG, "--as-of", AS_OF, input="\n".join(demands) + "\n")
    assert plain.returncode == 0 and "note:" not in plain.stderr, describe(plain)
    assert first["id"] in {o["product"] for r in json_lines(plain.stdout) for o in r["eligible"]}
