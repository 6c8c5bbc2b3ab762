"""Build + strongly connected components + converged PageRank on one edge list, with xinyong
(the `graph_scale` example), networkx, rustworkx and igraph, side by side in one run.

    cargo build --release --example graph_scale
    target/release/examples/graph_scale random 1000000 3000000 42 random.edges
    python bench/python/graph_scale.py --edges random.edges --tolerance 1e-6

Every library runs in a child process of its own (one core: the machine's other work is what
it is, and BLAS threads are pinned to one), so its peak resident memory is its own. The steps
timed are the same for all:
- build: from two in-memory NumPy columns of `u32` node ids to the library's graph;
- SCC: the strongly connected components (counted);
- PageRank: damping 0.85 until the scores move by less than `--tolerance` in L1 norm. networkx
  and rustworkx stop at `n * tol`, so they get `tol = tolerance / n`; igraph's PRPACK solves the
  system directly and takes no tolerance.
Each library's PageRank is compared with xinyong's (L1 distance), which shows that both
converged to the same vector. networkx's DiGraph merges parallel arcs (a handful in a random
graph of this size); the others keep them.

Needs numpy, networkx, rustworkx, python-igraph (versions in requirements-graph.txt).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "target" / "release" / "examples" / "graph_scale"


def read_edges(path: str) -> tuple[int, np.ndarray, np.ndarray]:
    words = np.fromfile(path, dtype="<u4")
    n, m = int(words[0]), int(words[1])
    return n, words[2 : 2 + m], words[2 + m : 2 + 2 * m]


class Clock:
    """Wall and CPU seconds of a step: on a shared machine wall time measures the neighbours too."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_networkx(n, src, dst, tolerance):
    import networkx as nx

    t = Clock()
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    build = t.stop()
    t = Clock()
    count = sum(1 for _ in nx.strongly_connected_components(g))
    scc = t.stop()
    t = Clock()
    rank = nx.pagerank(g, alpha=0.85, tol=tolerance / n, max_iter=10_000)
    pagerank = t.stop()
    return build, scc, pagerank, count, np.array([rank[v] for v in range(n)]), nx.__version__


def run_rustworkx(n, src, dst, tolerance):
    import rustworkx as rx

    t = Clock()
    g = rx.PyDiGraph()
    g.add_nodes_from(range(n))
    g.extend_from_edge_list(list(zip(src.tolist(), dst.tolist())))
    build = t.stop()
    t = Clock()
    count = len(rx.strongly_connected_components(g))
    scc = t.stop()
    t = Clock()
    rank = rx.pagerank(g, alpha=0.85, tol=tolerance / n, max_iter=10_000)
    pagerank = t.stop()
    return build, scc, pagerank, count, np.array([rank[v] for v in range(n)]), rx.__version__


def run_igraph(n, src, dst, tolerance):
    import igraph as ig

    t = Clock()
    g = ig.Graph(n=n, edges=np.column_stack([src, dst]).astype(np.int64), directed=True)
    build = t.stop()
    t = Clock()
    count = len(g.connected_components(mode="strong"))
    scc = t.stop()
    t = Clock()
    rank = g.pagerank(damping=0.85, directed=True)
    pagerank = t.stop()
    return build, scc, pagerank, count, np.array(rank), ig.__version__


LIBS = {"networkx": run_networkx, "rustworkx": run_rustworkx, "igraph": run_igraph}


def child(lib: str, edges: str, tolerance: float, scores: str) -> None:
    n, src, dst = read_edges(edges)
    before = peak_mib()
    build, scc, pagerank, count, rank, version = LIBS[lib](n, src, dst, tolerance)
    ours = np.fromfile(scores, dtype="<f8")
    print(json.dumps({
        "lib": lib, "version": version, "build_s": build[0], "scc_s": scc[0],
        "pagerank_s": pagerank[0], "build_cpu_s": build[1], "scc_cpu_s": scc[1],
        "pagerank_cpu_s": pagerank[1],
        "components": count, "l1_to_xinyong": float(np.abs(rank - ours).sum()),
        "peak_mib": peak_mib(), "peak_before_mib": before,
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", required=True)
    parser.add_argument("--tolerance", type=float, default=1e-6)
    parser.add_argument("--libs", default="rustworkx,igraph,networkx")
    parser.add_argument("--child")
    parser.add_argument("--scores")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.edges, args.tolerance, args.scores)
        return
    scores = args.edges + ".scores"
    proc = subprocess.run([str(EXAMPLE), "run", args.edges, str(args.tolerance), scores],
                          check=True, capture_output=True, text=True)
    ours = json.loads(proc.stdout)
    print(f"load average before: {os.getloadavg()}")
    print(json.dumps(ours))
    cpu = lambda d: (d["build_cpu_s"], d["scc_cpu_s"], d["pagerank_cpu_s"])  # noqa: E731
    rows = [("xinyong", *cpu(ours), ours["components"], 0.0)]
    for lib in args.libs.split(","):
        proc = subprocess.run([sys.executable, __file__, "--edges", args.edges, "--tolerance",
                               str(args.tolerance), "--child", lib, "--scores", scores],
                              check=True, capture_output=True, text=True)
        doc = json.loads(proc.stdout)
        print(json.dumps(doc))
        rows.append((f"{lib} {doc['version']}", *cpu(doc), doc["components"], doc["l1_to_xinyong"]))
    total = sum(cpu(ours))
    print(f"\n{ours['nodes']} nodes, {ours['edges']} edges, PageRank L1 tolerance {args.tolerance}, "
          f"xinyong {ours['iterations']} rounds, frozen {ours['bytes_per_edge']:.1f} bytes per edge")
    print("CPU seconds of each step (wall-clock figures are in the JSON lines above):")
    print(f"{'':24} {'build':>8} {'SCC':>8} {'PageRank':>9} {'total':>8} {'× xinyong':>10} {'SCCs':>9} {'L1 to xinyong':>14}")
    for name, b, s, p, c, l1 in rows:
        t = b + s + p
        print(f"{name:24} {b:8.3f} {s:8.3f} {p:9.3f} {t:8.3f} {t / total:10.1f} {c:9d} {l1:14.2e}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
