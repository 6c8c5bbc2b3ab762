//! Graph analytics at scale, on one core: build the frozen adjacency, strongly connected
//! components and converged PageRank on an integer edge list, and beneficial owners of every
//! firm of a synthetic registry. `bench/python/graph_scale.py` runs the same steps with networkx,
//! rustworkx and igraph on the same edge file and prints the figures side by side.
//!
//! ```text
//! cargo run --release --example graph_scale -- random NODES EDGES SEED FILE   # write a random digraph
//! cargo run --release --example graph_scale -- synth FIRMS SEED FILE          # write the synthetic registry graph
//! cargo run --release --example graph_scale -- run FILE TOLERANCE [SCORES]    # time build + SCC + PageRank
//! cargo run --release --example graph_scale -- owners FIRMS SEED [PREFIX]     # time beneficial owners of every firm
//! cargo run --release --example graph_scale -- owners-per-firm FIRMS SEED [PREFIX]
//! ```
//!
//! `owners` times the whole-registry pass (`Ownership::registry_owners`: owners, shares, bases
//! and controllers of every firm), then, apart, every firm's full report with its chains found
//! on demand. `owners-per-firm` times the same answers asked firm by firm
//! (`Ownership::beneficial_owners`, chains included), for comparison.
//!
//! Given a `PREFIX`, `owners` also writes what `bench/python/graph_owners_registry.py` needs to
//! redo the analysis: `PREFIX.holdings` (little-endian: `u32` node count and shareholding
//! count, every holder, every firm held, every share as `f64`, then one byte per node, 1 for a
//! person) and `PREFIX.owners` (`u32` count, then per owner found on the ownership basis: firm,
//! person, and the share as `f64`), node indices being the graph's.
//!
//! Edge files are little-endian `u32`: the node count, the edge count, every source, then every
//! target (NumPy reads them with `fromfile`). `run` prints one JSON object and, given a third
//! argument, writes the PageRank scores there as little-endian `f64`.
#![allow(missing_docs)]

use std::io::{self, Write};
use std::time::Instant;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::prelude::ToPrimitive;
use xinyong::date::parse_date;
use xinyong::graph::csr::Csr;
use xinyong::graph::ownership::{OwnerBasis, Ownership, OwnershipConfig};
use xinyong::graph::pagerank::{PageRankConfig, page_rank_with_reverse};
use xinyong::graph::scc::strongly_connected;
use xinyong::graph::{BuildPolicy, GraphBuilder, RelationGraph};
use xinyong::synth::graph::{GraphSynthConfig, graph_lines};

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize| arg(i).parse::<u64>().unwrap_or(0);
    match arg(0).as_str() {
        "random" => write_random(num(1) as usize, num(2) as usize, num(3), &arg(4)),
        "synth" => write_synth(num(1) as usize, num(2), &arg(3)),
        "run" => run(&arg(1), arg(2).parse().unwrap_or(1e-6), args.get(3).map(String::as_str)),
        "owners" => owners(num(1) as usize, num(2), args.get(3).map(String::as_str), false),
        "owners-per-firm" => owners(num(1) as usize, num(2), args.get(3).map(String::as_str), true),
        _ => {
            Err(io::Error::new(io::ErrorKind::InvalidInput, "see the usage at the top of the file"))
        }
    }
}

/// Seconds of CPU time (user + system) this process has used, from `/proc/self/stat` (Linux;
/// clock ticks of 10 ms): on a shared machine wall-clock time measures the neighbours too.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<f64> = after.split_whitespace().map(|f| f.parse().unwrap_or(0.0)).collect();
    (fields.get(11).unwrap_or(&0.0) + fields.get(12).unwrap_or(&0.0)) / 100.0
}

/// Wall and CPU seconds of a step.
struct Clock(Instant, f64);

/// Wall and CPU seconds.
type Seconds = (f64, f64);

impl Clock {
    fn start() -> Clock {
        Clock(Instant::now(), cpu_seconds())
    }
    fn stop(&self) -> Seconds {
        (self.0.elapsed().as_secs_f64(), cpu_seconds() - self.1)
    }
}

fn write_edges(path: &str, n: usize, from: &[u32], to: &[u32]) -> io::Result<()> {
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    for x in [n as u32, from.len() as u32].iter().chain(from).chain(to) {
        out.write_all(&x.to_le_bytes())?;
    }
    out.flush()
}

fn read_edges(path: &str) -> io::Result<(usize, Vec<u32>, Vec<u32>)> {
    let bytes = std::fs::read(path)?;
    let words: Vec<u32> =
        bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
    let (n, m) = (words[0] as usize, words[1] as usize);
    Ok((n, words[2..2 + m].to_vec(), words[2 + m..2 + 2 * m].to_vec()))
}

/// A uniform random digraph (self-loops and parallel arcs allowed, as G(n, m) draws them).
fn write_random(n: usize, m: usize, seed: u64, path: &str) -> io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut draw = || rng.random_range(0..n as u32);
    let (from, to): (Vec<u32>, Vec<u32>) = (0..m).map(|_| (draw(), draw())).unzip();
    write_edges(path, n, &from, &to)
}

/// The synthetic registry graph, with the wall and CPU seconds of reading its JSON Lines and of
/// freezing it.
fn synth_graph(firms: usize, seed: u64) -> io::Result<(RelationGraph, Seconds, Seconds)> {
    let as_of = parse_date("2026-06-30").unwrap_or_default();
    let text: String =
        graph_lines(&GraphSynthConfig::new(firms, seed, as_of)).map(|l| l + "\n").collect();
    let clock = Clock::start();
    let mut builder = GraphBuilder::new(BuildPolicy::default());
    builder.read_jsonl(&text).map_err(io::Error::other)?;
    let parse = clock.stop();
    let clock = Clock::start();
    let (graph, _) = builder.freeze().map_err(io::Error::other)?;
    Ok((graph, parse, clock.stop()))
}

/// Every edge of the synthetic registry graph (holdings, control, roles, guarantees) as one
/// digraph on the builder's node indices.
fn write_synth(firms: usize, seed: u64, path: &str) -> io::Result<()> {
    let (graph, ..) = synth_graph(firms, seed)?;
    let (mut from, mut to) = (Vec::new(), Vec::new());
    let tables = [
        graph.shareholdings().edges(),
        graph.control_agreements(),
        graph.key_roles().edges(),
        graph.guarantees().edges(),
    ];
    for table in tables {
        for e in 0..table.len() as u32 {
            if let Some((f, t)) = table.endpoints(e) {
                from.push(f);
                to.push(t);
            }
        }
    }
    write_edges(path, graph.node_count(), &from, &to)
}

fn run(path: &str, tolerance: f64, scores: Option<&str>) -> io::Result<()> {
    let (n, from, to) = read_edges(path)?;
    let clock = Clock::start();
    let forward = Csr::try_from_edges(n, &from, &to).map_err(io::Error::other)?;
    let reverse = forward.transpose();
    let build = clock.stop();
    let clock = Clock::start();
    let components = strongly_connected(&forward);
    let scc = clock.stop();
    let clock = Clock::start();
    let config = PageRankConfig { tolerance, ..PageRankConfig::default() };
    let rank = page_rank_with_reverse(&forward, &reverse, config).map_err(io::Error::other)?;
    let pagerank = clock.stop();
    let largest = (0..components.count() as u32).map(|c| components.members(c).len()).max();
    // Frozen memory: both adjacencies plus the two endpoint columns kept for attributes.
    let bytes = forward.heap_bytes() + reverse.heap_bytes() + 4 * (from.len() + to.len());
    let top = rank.scores.iter().copied().fold(0.0f64, f64::max);
    if let Some(path) = scores {
        let bytes: Vec<u8> = rank.scores.iter().flat_map(|x| x.to_le_bytes()).collect();
        std::fs::write(path, bytes)?;
    }
    println!(
        "{}",
        serde_json::json!({
            "nodes": n, "edges": from.len(), "build_s": build.0, "scc_s": scc.0,
            "pagerank_s": pagerank.0, "build_cpu_s": build.1, "scc_cpu_s": scc.1,
            "pagerank_cpu_s": pagerank.1, "components": components.count(),
            "largest_component": largest, "iterations": rank.iterations,
            "residual": rank.residual, "top_score": top,
            "frozen_bytes": bytes, "bytes_per_edge": bytes as f64 / from.len().max(1) as f64,
        })
    );
    Ok(())
}

/// The shareholdings of `graph` as `PREFIX.holdings` (see the top of the file).
fn write_holdings(graph: &RelationGraph, path: &str) -> io::Result<()> {
    let holdings = graph.shareholdings();
    let table = holdings.edges();
    let (mut from, mut to, mut share) = (Vec::new(), Vec::new(), Vec::new());
    for e in 0..table.len() as u32 {
        if let Some((f, t)) = table.endpoints(e) {
            from.push(f);
            to.push(t);
            share.push(holdings.share(e).to_f64().unwrap_or(0.0));
        }
    }
    let mut out = io::BufWriter::new(std::fs::File::create(path)?);
    for x in [graph.node_count() as u32, from.len() as u32].iter().chain(&from).chain(&to) {
        out.write_all(&x.to_le_bytes())?;
    }
    for x in &share {
        out.write_all(&x.to_le_bytes())?;
    }
    for v in 0..graph.node_count() as u32 {
        out.write_all(&[u8::from(graph.is_person(v))])?;
    }
    out.flush()
}

fn owners(firms: usize, seed: u64, prefix: Option<&str>, per_firm: bool) -> io::Result<()> {
    let (graph, parse, freeze) = synth_graph(firms, seed)?;
    let clock = Clock::start();
    let ownership = Ownership::new(&graph, OwnershipConfig::default());
    let analysis = clock.stop();
    let (mut found, mut with_owner) = (0usize, 0usize);
    let mut by_share: Vec<(u32, u32, f64)> = Vec::new();
    let mut note = |firm: u32, basis: OwnerBasis, owners: &mut dyn Iterator<Item = (u32, f64)>| {
        let before = found;
        for (person, share) in owners {
            found += 1;
            if basis == OwnerBasis::Ownership {
                by_share.push((firm, person, share));
            }
        }
        with_owner += usize::from(found > before);
    };
    let mut answered_per_firm = 0;
    let mut reports = None;
    let mut timed = None;
    let mut gathered = None;
    if per_firm {
        for v in (0..graph.node_count() as u32).filter(|&v| !graph.is_person(v)) {
            let owners = ownership.beneficial_owners(graph.key_str(v)).map_err(io::Error::other)?;
            let mut shares = owners.owners.iter().map(|o| {
                (graph.index_of(&o.person).unwrap_or(u32::MAX), o.share.to_f64().unwrap_or(0.0))
            });
            note(v, owners.basis, &mut shares);
            answered_per_firm += 1;
        }
    } else {
        let registry = ownership.registry_owners().map_err(io::Error::other)?;
        // Every firm's owners, as a caller reads them; what is kept for the comparison file is
        // gathered in a second, untimed loop below.
        let mut answered = 0usize;
        for i in 0..registry.len() {
            answered +=
                std::hint::black_box(registry.owners(i).map_err(io::Error::other)?).owners.len();
        }
        let (owners_s, owners_cpu_s) = clock.stop();
        let gather = Clock::start();
        for i in 0..registry.len() {
            let firm = registry.owners(i).map_err(io::Error::other)?;
            let mut shares = firm.owners.iter().map(|&(p, s)| (p, s.to_f64().unwrap_or(0.0)));
            note(firm.firm, firm.basis, &mut shares);
        }
        debug_assert_eq!(answered, found);
        gathered = Some(gather.stop().1);
        timed = Some((owners_s, owners_cpu_s));
        answered_per_firm = registry.answered_per_firm();
        // Chains on demand: every firm's full report, as `xinyong graph owners` prints it.
        let clock = Clock::start();
        let mut chains = 0usize;
        for report in registry.reports(true) {
            let report = report.map_err(io::Error::other)?;
            chains += report.owners.iter().map(|o| o.chains.len()).sum::<usize>();
        }
        reports = Some((clock.stop(), chains));
    }
    let (owners_s, owners_cpu_s) = match timed {
        Some(times) => times,
        None => clock.stop(),
    };
    let (_, chains) = reports.unwrap_or(((0.0, 0.0), 0));
    let (reports_s, reports_cpu_s) = reports.map_or((0.0, 0.0), |r| r.0);
    if let Some(prefix) = prefix {
        write_holdings(&graph, &format!("{prefix}.holdings"))?;
        let mut out = io::BufWriter::new(std::fs::File::create(format!("{prefix}.owners"))?);
        out.write_all(&(by_share.len() as u32).to_le_bytes())?;
        for (firm, person, share) in &by_share {
            out.write_all(&firm.to_le_bytes())?;
            out.write_all(&person.to_le_bytes())?;
            out.write_all(&share.to_le_bytes())?;
        }
        out.flush()?;
    }
    println!(
        "{}",
        serde_json::json!({
            "firms": firms, "nodes": graph.node_count(), "parse_s": parse.0,
            "parse_cpu_s": parse.1, "freeze_s": freeze.0, "freeze_cpu_s": freeze.1,
            "parse_and_build_s": parse.0 + freeze.0, "owners_s": owners_s,
            "owners_cpu_s": owners_cpu_s, "analysis_s": analysis.0,
            "analysis_cpu_s": analysis.1, "per_firm": per_firm,
            "answered_per_firm": answered_per_firm, "reports_with_chains_s": reports_s,
            "reports_with_chains_cpu_s": reports_cpu_s, "chains": chains,
            "gathered_for_file_cpu_s": gathered,
            "owners": found, "firms_with_owner": with_owner, "edges": graph.edge_count(),
            "edge_bytes_per_edge": graph.edge_bytes() as f64 / graph.edge_count().max(1) as f64,
            "edge_bytes": graph.edge_bytes(), "edge_bytes_by_kind": {
                "shareholding": [graph.shareholdings().edges().len(), graph.shareholdings().heap_bytes()],
                "key_role": [graph.key_roles().edges().len(), graph.key_roles().heap_bytes()],
                "guarantee": [graph.guarantees().edges().len(), graph.guarantees().heap_bytes()],
                "control_agreement": [graph.control_agreements().len(), graph.control_agreements().heap_bytes()],
                "supply_chain": [graph.supply_chain().len(), graph.supply_chain().heap_bytes()],
            },
        })
    );
    Ok(())
}
