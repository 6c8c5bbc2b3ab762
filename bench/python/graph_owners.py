"""Beneficial owners of every firm: xinyong.Graph against networkx, on one synthetic graph, in
one run.

The graph is a layered (acyclic) ownership network: persons at the top, then layers of firms,
each firm held by one to three holders from the persons or the layers above, shares summing to at
most 1. Without cycles the engine's matrix method equals the sum over chains of the product of
shares, so both sides must find the same owners with the same shares (rounded to six decimals),
and the script checks that before it prints the timings.

The networkx side is the way a data scientist would write it with networkx: a DiGraph from the
pandas edge table, firms in topological order, each firm's owner vector accumulated from its
holders' vectors (dynamic programming, so it is linear in the chains, not exponential like
enumerating paths). Then the owners at or above 25%.

    python bench/python/graph_owners.py --firms 20000 --persons 10000 --seed 7

Needs xinyong, pandas, numpy and networkx.
"""

from __future__ import annotations

import argparse
import time
from decimal import Decimal

import networkx as nx
import numpy as np
import pandas as pd

import xinyong

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(i: int) -> str:
    """A valid USCC for firm ``i`` (organisation code MA + 6 digits, both check characters)."""
    code = f"91350000{i:08d}"
    weights = [3, 7, 9, 10, 5, 8, 4, 2]
    org = sum(ALPHABET.index(c) * w for c, w in zip(code[8:16], weights))
    check = 11 - org % 11
    code += {10: "X", 11: "0"}.get(check, str(check))
    total, weight = 0, 1
    for c in code:
        total += ALPHABET.index(c) * weight
        weight = weight * 3 % 31
    return code + ALPHABET[(31 - total % 31) % 31]


def synthetic(firms: int, persons: int, seed: int) -> pd.DataFrame:
    """Edges (``from``, ``to``, ``share`` as a 4-decimal string) of a layered ownership graph."""
    rng = np.random.default_rng(seed)
    keys = [f"p{i}" for i in range(persons)] + [uscc(i) for i in range(firms)]
    rows = []
    for f in range(firms):
        target = persons + f
        holders = rng.integers(1, 4)
        # Holders come from the persons and the firms numbered before this one (acyclic).
        picks = set(int(x) for x in rng.integers(0, target, size=holders))
        weights = rng.dirichlet(np.ones(len(picks))) * rng.uniform(0.5, 1.0)
        for holder, w in zip(sorted(picks), weights):
            share = max(int(w * 10_000), 1)
            rows.append((keys[holder], keys[target], f"{share / 10_000:.4f}"))
    return pd.DataFrame(rows, columns=["from", "to", "share"]).assign(kind="shareholding")


def networkx_graph(edges: pd.DataFrame) -> nx.DiGraph:
    """The DiGraph, shares as floats in ``w``."""
    g = nx.from_pandas_edgelist(edges, "from", "to", edge_attr="share", create_using=nx.DiGraph)
    for _, _, data in g.edges(data=True):
        data["w"] = float(data["share"])
    return g


def networkx_owners(g: nx.DiGraph, threshold: float = 0.25) -> dict[str, dict[str, float]]:
    """Persons owning at least ``threshold`` of each firm, by accumulating owner vectors."""
    owners: dict[str, dict[str, float]] = {}
    vectors: dict[str, dict[str, float]] = {}
    for node in nx.topological_sort(g):
        if node.startswith("p"):
            continue
        vector: dict[str, float] = {}
        for holder in g.predecessors(node):
            w = g[holder][node]["w"]
            if holder.startswith("p"):
                vector[holder] = vector.get(holder, 0.0) + w
            else:
                for person, share in vectors[holder].items():
                    vector[person] = vector.get(person, 0.0) + w * share
        vectors[node] = vector
        owners[node] = {p: s for p, s in vector.items() if round(s, 6) >= threshold}
    return owners


def xinyong_owners(table) -> dict[str, dict[str, float]]:
    """The same, from the engine's beneficial-owner table (ownership basis only)."""
    rows = table.to_dict("records") if hasattr(table, "to_dict") else table
    out: dict[str, dict[str, float]] = {}
    for row in rows:
        owners = out.setdefault(row["firm"], {})
        if row["basis"] == "ownership":
            owners[row["person"]] = float(row["share"])
    return out


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=20_000)
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    edges = synthetic(args.firms, args.persons, args.seed)
    nodes = pd.DataFrame({"person": [f"p{i}" for i in range(args.persons)]})
    print(f"{args.firms} firms, {args.persons} persons, {len(edges)} shareholdings")

    graph, build = timed(lambda: xinyong.Graph.from_edges(edges, nodes=nodes))
    table, analyse = timed(graph.beneficial_owners)
    ours = xinyong_owners(table)
    nx_graph, nx_build = timed(networkx_graph, edges)
    theirs, nx_analyse = timed(networkx_owners, nx_graph)
    nx_total = nx_build + nx_analyse

    # Same firms, same owners, same shares to six decimals.
    assert set(ours) == set(theirs), "firm sets differ"
    mismatches = 0
    for firm, owners in theirs.items():
        mine = ours[firm]
        if set(mine) != set(owners) or any(
            Decimal(str(mine[p])) != Decimal(f"{owners[p]:.6f}").normalize() for p in owners
        ):
            mismatches += 1
    assert mismatches == 0, f"{mismatches} firms differ"
    total = build + analyse
    print("identical beneficial owners for every firm")
    print(f"{'':28} {'build s':>9} {'owners s':>9} {'total s':>9}")
    print(f"{'xinyong.Graph':28} {build:9.3f} {analyse:9.3f} {total:9.3f}")
    print(f"{'networkx (DP, topological)':28} {nx_build:9.3f} {nx_analyse:9.3f} {nx_total:9.3f}")
    print(f"networkx / xinyong time: build {nx_build / build:.2f}x, owners {nx_analyse / analyse:.2f}x, total {nx_total / total:.2f}x")


if __name__ == "__main__":
    main()
