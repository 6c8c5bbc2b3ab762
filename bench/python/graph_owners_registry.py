"""Beneficial owners of every firm of the synthetic registry (`xinyong synth graph`): the
`graph_scale` example against the networkx script a user would otherwise write, in one run.

    cargo build --release -p xinyong --example graph_scale
    python bench/python/graph_owners_registry.py --firms 1000000 --seed 1 --prefix target/registry

The example builds the registry graph from its JSON Lines, asks the engine for the beneficial
owners of every firm in one pass (`Ownership::registry_owners`: owners, shares, bases and the
firms' ultimate controllers; chains are found on demand and timed apart), and writes the
shareholdings and the owners it found on the ownership basis. This script then does what
DOMAIN.md section 7 defines with networkx: each firm's ultimate share of every natural person,
`U = W_PC (I - W_CC)^-1`, computed by propagating owner vectors down a topological order of the
condensation (strongly connected components); a cross-holding cycle `S` takes its members'
outside vectors `b` and solves `u_S = b (I - W_SS)^-1` with NumPy. The owners are the persons
at or above 25% (rounded to six decimals). Both sides must agree on every firm before the
timings are printed.

Timed on the networkx side: the DiGraph from the shareholding columns (in memory), then the
owner vectors. On the engine side: parsing the JSON Lines, freezing the graph, then the owners
pass (which also finds controllers, more than the script computes); apart, every firm's full
report with its chains, as `xinyong graph owners` prints it. CPU seconds, since the machine is
shared; one core each.

Needs numpy and networkx (versions in requirements-graph.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from pathlib import Path

import numpy as np

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import networkx as nx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "target" / "release" / "examples" / "graph_scale"
THRESHOLD = 0.25


def read_holdings(path: str):
    """Node count, holder, firm and share columns, and the person flags."""
    raw = Path(path).read_bytes()
    n, m = np.frombuffer(raw, dtype="<u4", count=2)
    n, m = int(n), int(m)
    ends = np.frombuffer(raw, dtype="<u4", count=2 * m, offset=8)
    share = np.frombuffer(raw, dtype="<f8", count=m, offset=8 + 8 * m)
    person = np.frombuffer(raw, dtype="u1", count=n, offset=8 + 16 * m).astype(bool)
    return n, ends[:m], ends[m:], share, person


def read_owners(path: str) -> dict[int, dict[int, float]]:
    raw = Path(path).read_bytes()
    count = int(np.frombuffer(raw, dtype="<u4", count=1)[0])
    rows = np.frombuffer(raw, dtype=[("firm", "<u4"), ("person", "<u4"), ("share", "<f8")],
                         count=count, offset=4)
    out: dict[int, dict[int, float]] = {}
    for firm, person, share in rows.tolist():
        out.setdefault(firm, {})[person] = share
    return out


class Clock:
    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def networkx_graph(holder, firm, share) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(holder.tolist(), firm.tolist(), share.tolist()))
    return g


def networkx_owners(g: nx.DiGraph, person: np.ndarray) -> dict[int, dict[int, float]]:
    """Persons holding at least 25% of each firm, over every chain, cycles included."""
    is_person = person.tolist()
    dag = nx.condensation(g)
    members = nx.get_node_attributes(dag, "members")
    vectors: dict[int, dict[int, float]] = {}
    owners: dict[int, dict[int, float]] = {}

    def outside(v: int, inside) -> dict[int, float]:
        """What `v` receives from holders outside its component."""
        vector: dict[int, float] = {}
        for h, data in g.pred[v].items():
            if h in inside:
                continue
            w = data["weight"]
            if is_person[h]:
                vector[h] = vector.get(h, 0.0) + w
            else:
                for p, s in vectors[h].items():
                    vector[p] = vector.get(p, 0.0) + w * s
        return vector

    for c in nx.topological_sort(dag):
        nodes = members[c]
        if len(nodes) == 1:
            (v,) = nodes
            if is_person[v]:
                continue
            solved = {v: outside(v, ())}
        else:
            cycle = sorted(nodes)
            at = {v: i for i, v in enumerate(cycle)}
            a = np.eye(len(cycle))
            for i, v in enumerate(cycle):
                for w, data in g.succ[v].items():
                    if w in at:
                        a[i, at[w]] -= data["weight"]
            inverse = np.linalg.inv(a)
            outer = [outside(v, at) for v in cycle]
            solved = {}
            for j, v in enumerate(cycle):
                vector: dict[int, float] = {}
                for i, b in enumerate(outer):
                    for p, s in b.items():
                        vector[p] = vector.get(p, 0.0) + s * inverse[i, j]
                solved[v] = vector
        for v, vector in solved.items():
            vectors[v] = vector
            found = {p: s for p, s in vector.items() if round(s, 6) >= THRESHOLD}
            if found:
                owners[v] = found
    return owners


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prefix", default=str(ROOT / "target" / "registry"))
    args = parser.parse_args()

    print(f"load average before: {os.getloadavg()}")
    proc = subprocess.run([str(EXAMPLE), "owners", str(args.firms), str(args.seed), args.prefix],
                          check=True, capture_output=True, text=True)
    ours = json.loads(proc.stdout)
    print(json.dumps(ours))
    n, holder, firm, share, person = read_holdings(args.prefix + ".holdings")
    expected = read_owners(args.prefix + ".owners")

    t = Clock()
    g = networkx_graph(holder, firm, share)
    build = t.stop()
    t = Clock()
    theirs = networkx_owners(g, person)
    analyse = t.stop()

    print(f"networkx: build {build[1]:.2f} s CPU ({build[0]:.2f} s wall), owners {analyse[1]:.2f} s "
          f"CPU ({analyse[0]:.2f} s wall)", flush=True)

    # The same firms with owners by share, the same owners, the same shares to six decimals. Both
    # sides sum in floating point in different orders, so a share within a rounding step of a
    # six-decimal boundary (or of the threshold) may round differently: such firms are listed
    # and counted, and more than one in 100,000 fails the check.
    def differs(f: int) -> bool:
        a, b = theirs.get(f, {}), expected.get(f, {})
        return set(a) != set(b) or any(f"{s:.6f}" != f"{b[p]:.6f}" for p, s in a.items())

    firms = set(theirs) | set(expected)
    different = sorted(f for f in firms if differs(f))
    for f in different[:10]:
        print(f"firm {f}: networkx {theirs.get(f)}, xinyong {expected.get(f)}")
    assert len(different) * 100_000 <= len(firms), f"{len(different)} firms differ"
    print(f"the same owners by share for {len(firms) - len(different)} of the {len(firms)} firms "
          f"that have one on either side ({n} nodes, {len(holder)} shareholdings, "
          f"networkx {nx.__version__})")

    ours_build = ours["parse_cpu_s"] + ours["freeze_cpu_s"]
    ours_total = ours_build + ours["owners_cpu_s"]
    their_total = build[1] + analyse[1]
    print("CPU seconds (wall-clock in parentheses):")
    print(f"{'':26} {'build':>16} {'owners':>16} {'total':>8}")
    print(f"{'xinyong (graph_scale)':26} {ours_build:7.2f} ({ours['parse_s'] + ours['freeze_s']:6.2f})"
          f" {ours['owners_cpu_s']:7.2f} ({ours['owners_s']:6.2f}) {ours_total:8.2f}")
    print(f"{'networkx':26} {build[1]:7.2f} ({build[0]:6.2f}) {analyse[1]:7.2f} ({analyse[0]:6.2f})"
          f" {their_total:8.2f}")
    print(f"networkx / xinyong CPU time: owners {analyse[1] / ours['owners_cpu_s']:.2f}x, "
          f"total {their_total / ours_total:.2f}x (xinyong's build parses JSON Lines, "
          f"networkx's reads in-memory columns)")
    print(f"xinyong, every firm's report with chains found on demand (not in the table): "
          f"{ours['reports_with_chains_cpu_s']:.2f} s CPU ({ours['reports_with_chains_s']:.2f} s "
          f"wall), {ours['chains']} chains; firms answered per firm: {ours['answered_per_firm']}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
