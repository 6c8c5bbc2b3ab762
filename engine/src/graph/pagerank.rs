//! PageRank on a frozen adjacency, iterated until the scores move by less than an absolute L1
//! tolerance.
//!
//! The iteration is the one networkx runs, so the two agree to the tolerance: every node starts
//! at `1/n`; each round a node receives `d · x[u] / outdeg(u)` from each in-neighbour `u`, the
//! score of the dangling nodes (no out-arc) is spread uniformly, `d · Σ_dangling x / n` to every
//! node, and every node gets the teleport term `(1 − d) / n`. Scores always sum to 1.
//!
//! Two choices differ from the common libraries and are deliberate:
//! - The stopping rule is `Σ |x_new − x_old| < tolerance`, absolute. networkx and rustworkx stop
//!   at `n · tolerance`, so with their default `1e-6` a million-node run stops once the scores
//!   move by 1 in total, i.e. before it has converged; giving them `tolerance / n` makes the
//!   rules equal.
//! - The scores are `f64`, not decimals: PageRank is an iterative approximation whose error is
//!   the tolerance, far above the rounding of a double, and a decimal iteration over millions of
//!   arcs would be two orders of magnitude slower for no gain. Callers that publish scores round
//!   them.
//!
//! Each round is blocked for the cache. Gathering `x[u] / outdeg(u)` for the in-arcs of every
//! node in turn reads a score array of 8 MB per million nodes in random order, a cache miss per
//! arc on a graph without locality. Instead the nodes are cut into blocks of 65,536 targets:
//! one sequential pass over the sources writes each arc's contribution into its target block's
//! bin (a handful of sequential write streams), and each bin is then summed into an accumulator
//! of 512 KiB that stays in a core's L2 cache. The bins are laid out once per run. A source
//! writes its arcs in increasing source order, so every node's sum still runs over its
//! in-neighbours by increasing index, exactly as a pull along the reverse adjacency would:
//! results are identical from run to run and to the unblocked iteration, bit for bit.
//! Parallel arcs count with their multiplicity (a node with two arcs to the same target sends it
//! twice the share); self-loops count like any arc.

use serde::Serialize;

use super::csr::Csr;
use crate::error::{Error, Result};

/// Settings of a PageRank run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PageRankConfig {
    /// Probability of following an arc rather than teleporting, in [0, 1) (default 0.85).
    pub damping: f64,
    /// Stop when the scores moved by less than this in L1 norm over one round (default 1e-9,
    /// an absolute figure whatever the size of the graph).
    pub tolerance: f64,
    /// Most rounds before giving up (default 1,000); the result then says it did not converge.
    pub max_iterations: u32,
}

impl Default for PageRankConfig {
    fn default() -> Self {
        PageRankConfig { damping: 0.85, tolerance: 1e-9, max_iterations: 1000 }
    }
}

/// The scores and how they were reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PageRank {
    /// Score of each node, by index; they sum to 1 (up to rounding).
    pub scores: Vec<f64>,
    /// Rounds run.
    pub iterations: u32,
    /// L1 change of the last round.
    pub residual: f64,
    /// Whether the residual fell below the tolerance.
    pub converged: bool,
}

/// PageRank of `forward`.
pub fn page_rank(forward: &Csr, config: PageRankConfig) -> Result<PageRank> {
    check(config)?;
    Ok(iterate(forward, config))
}

/// PageRank of `forward` when its reverse adjacency is already at hand (the edge tables of a
/// [`RelationGraph`](super::RelationGraph) keep both). `reverse` must be `forward.transpose()`
/// up to the order of neighbours; node and arc counts are checked. The blocked iteration reads
/// only `forward`, so this gives exactly what [`page_rank`] gives; it stays for callers that
/// pulled along the reverse adjacency before the iteration was blocked.
pub fn page_rank_with_reverse(
    forward: &Csr,
    reverse: &Csr,
    config: PageRankConfig,
) -> Result<PageRank> {
    check(config)?;
    let n = forward.node_count();
    if reverse.node_count() != n || reverse.edge_count() != forward.edge_count() {
        return Err(Error::field("reverse", "the reverse adjacency is not of the same graph"));
    }
    Ok(iterate(forward, config))
}

/// The iteration itself, on checked settings.
fn iterate(forward: &Csr, config: PageRankConfig) -> PageRank {
    let n = forward.node_count();
    if n == 0 {
        return PageRank { scores: Vec::new(), iterations: 0, residual: 0.0, converged: true };
    }
    let d = config.damping;
    let uniform = 1.0 / n as f64;
    let inverse_degree: Vec<f64> = (0..n as u32)
        .map(|v| match forward.degree(v) {
            0 => 0.0,
            k => 1.0 / k as f64,
        })
        .collect();
    let dangling: Vec<u32> = (0..n as u32).filter(|&v| forward.degree(v) == 0).collect();
    let mut bins = Bins::of(forward);
    let mut x = vec![uniform; n];
    let mut next = vec![0.0f64; n];
    let (mut iterations, mut residual) = (0u32, f64::INFINITY);
    while iterations < config.max_iterations {
        iterations += 1;
        let dangling_mass: f64 = dangling.iter().map(|&v| x[v as usize]).sum();
        let base = (1.0 - d) * uniform + d * dangling_mass * uniform;
        bins.spread(forward, &x, &inverse_degree);
        bins.collect(&mut next, |pulled| base + d * pulled);
        residual = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if residual < config.tolerance {
            break;
        }
    }
    PageRank { scores: x, iterations, residual, converged: residual < config.tolerance }
}

/// log2 of the nodes per target block: a node's place in its block fits a `u16`, and the
/// block's accumulator (512 KiB of `f64`) fits a core's L2 cache.
const BLOCK_BITS: u32 = 16;
const BLOCK: usize = 1 << BLOCK_BITS;

/// The arcs of a graph bucketed by target block, in the order a pass over the sources by
/// increasing index meets them: `place` holds each arc's target within its block, and a round
/// writes the arc's contribution at the same position of `values`.
struct Bins {
    /// Start of each block's arcs; one more entry than blocks.
    starts: Vec<usize>,
    place: Vec<u16>,
    /// This round's contribution of each arc, in the order of `place`.
    values: Vec<f64>,
    /// Where the next contribution of each block goes.
    cursor: Vec<usize>,
}

impl Bins {
    fn of(forward: &Csr) -> Bins {
        let blocks = forward.node_count().div_ceil(BLOCK).max(1);
        let targets = forward.targets();
        let mut starts = vec![0usize; blocks + 1];
        for &t in targets {
            starts[(t >> BLOCK_BITS) as usize + 1] += 1;
        }
        for b in 0..blocks {
            starts[b + 1] += starts[b];
        }
        let mut cursor = starts[..blocks].to_vec();
        let mut place = vec![0u16; targets.len()];
        for &t in targets {
            let next = &mut cursor[(t >> BLOCK_BITS) as usize];
            place[*next] = (t as usize % BLOCK) as u16;
            *next += 1;
        }
        Bins { starts, place, values: vec![0.0; targets.len()], cursor }
    }

    /// Writes `x[u] · inverse_degree[u]` for every arc leaving `u`, into its target's bin.
    fn spread(&mut self, forward: &Csr, x: &[f64], inverse_degree: &[f64]) {
        let Some((offsets, targets)) = forward.dense() else {
            return self.spread_sparse(forward, x, inverse_degree);
        };
        let Bins { starts, values, cursor, .. } = self;
        let blocks = cursor.len();
        cursor.copy_from_slice(&starts[..blocks]);
        // Offsets are increasing and end at the arc count (the CSR invariant), so each window
        // is a valid range of `targets`.
        for ((bounds, &xu), &inv) in offsets.windows(2).zip(x).zip(inverse_degree) {
            let share = xu * inv;
            for &t in targets.get(bounds[0] as usize..bounds[1] as usize).unwrap_or(&[]) {
                let next = &mut cursor[(t >> BLOCK_BITS) as usize];
                values[*next] = share;
                *next += 1;
            }
        }
    }

    /// [`Bins::spread`] over sparse rows (an edge table of the relationship graph), node by
    /// node.
    #[inline(never)]
    fn spread_sparse(&mut self, forward: &Csr, x: &[f64], inverse_degree: &[f64]) {
        let Bins { starts, values, cursor, .. } = self;
        let blocks = cursor.len();
        cursor.copy_from_slice(&starts[..blocks]);
        for (u, (&xu, &inv)) in x.iter().zip(inverse_degree).enumerate() {
            let share = xu * inv;
            for &t in forward.neighbours(u as u32) {
                let next = &mut cursor[(t >> BLOCK_BITS) as usize];
                values[*next] = share;
                *next += 1;
            }
        }
    }

    /// Sums each node's contributions, in the order they were written, and stores
    /// `finish(sum)` for it in `next`.
    fn collect(&self, next: &mut [f64], finish: impl Fn(f64) -> f64) {
        let values = &self.values;
        let mut sums = vec![0.0f64; BLOCK.min(next.len())];
        for (b, block) in next.chunks_mut(BLOCK).enumerate() {
            let sums = &mut sums[..block.len()];
            sums.fill(0.0);
            let arcs = self.starts[b]..self.starts[b + 1];
            for (&p, &value) in self.place[arcs.clone()].iter().zip(&values[arcs]) {
                sums[p as usize] += value;
            }
            for (slot, &sum) in block.iter_mut().zip(sums.iter()) {
                *slot = finish(sum);
            }
        }
    }
}

fn check(config: PageRankConfig) -> Result<()> {
    if !(0.0..1.0).contains(&config.damping) {
        return Err(Error::field("damping", "the damping factor must lie in [0, 1)"));
    }
    if !(config.tolerance.is_finite() && config.tolerance > 0.0) {
        return Err(Error::field("tolerance", "the tolerance must be a positive number"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn two_node_cycle_is_uniform() {
        let g = Csr::from_edges(2, &[0, 1], &[1, 0]);
        let r = page_rank(&g, PageRankConfig::default()).unwrap();
        assert!(r.converged);
        assert!(close(r.scores[0], 0.5) && close(r.scores[1], 0.5));
    }

    #[test]
    fn star_into_a_sink_matches_the_closed_form() {
        // 1 -> 0 and 2 -> 0; 0 is dangling. Nodes 1 and 2 only get the base term
        // b = (1 - d)/3 + d x0/3 (teleport plus 0's spread score), 0 gets x0 = b + 2 d b, and the
        // scores sum to 1: b = 1 / (3 + 2d) = 0.212766, x0 = (1 + 2d) b = 0.574468 for d = 0.85.
        let g = Csr::from_edges(3, &[1, 2], &[0, 0]);
        let r = page_rank(&g, PageRankConfig::default()).unwrap();
        let (d, n) = (0.85f64, 3.0f64);
        let b = 1.0 / (3.0 + 2.0 * d);
        let x0 = b * (1.0 + 2.0 * d);
        assert!(close(b, (1.0 - d) / n + d * x0 / n));
        assert!((x0 - 0.574468).abs() < 1e-6 && (b - 0.212766).abs() < 1e-6);
        assert!(close(r.scores[0], x0), "{} vs {x0}", r.scores[0]);
        assert!(close(r.scores[1], b) && close(r.scores[2], b));
        assert!(close(r.scores.iter().sum::<f64>(), 1.0));
    }

    #[test]
    fn tolerance_is_absolute_and_iterations_are_bounded() {
        let g = Csr::from_edges(3, &[0, 1, 2, 0], &[1, 2, 0, 2]);
        let loose = PageRankConfig { tolerance: 1e-3, ..PageRankConfig::default() };
        let tight = PageRankConfig { tolerance: 1e-12, ..PageRankConfig::default() };
        let (a, b) = (page_rank(&g, loose).unwrap(), page_rank(&g, tight).unwrap());
        assert!(a.iterations < b.iterations && a.residual < 1e-3 && b.residual < 1e-12);
        let capped = PageRankConfig { max_iterations: 2, ..tight };
        let c = page_rank(&g, capped).unwrap();
        assert_eq!((c.iterations, c.converged), (2, false));
    }

    /// The unblocked iteration: each node pulls `x[u] / outdeg(u)` along its in-arcs.
    fn pulled(forward: &Csr, config: PageRankConfig) -> PageRank {
        let (n, d) = (forward.node_count(), config.damping);
        let reverse = forward.transpose();
        let inverse: Vec<f64> = (0..n as u32)
            .map(|v| forward.degree(v))
            .map(|k| if k == 0 { 0.0 } else { 1.0 / k as f64 })
            .collect();
        let mut x = vec![1.0 / n as f64; n];
        let (mut iterations, mut residual) = (0, f64::INFINITY);
        while iterations < config.max_iterations && residual >= config.tolerance {
            iterations += 1;
            let dangling: f64 = (0..n).filter(|&v| inverse[v] == 0.0).map(|v| x[v]).sum();
            let uniform = 1.0 / n as f64;
            let base = (1.0 - d) * uniform + d * dangling * uniform;
            let next: Vec<f64> = (0..n as u32)
                .map(|v| {
                    let sum: f64 = reverse
                        .neighbours(v)
                        .iter()
                        .map(|&u| x[u as usize] * inverse[u as usize])
                        .sum();
                    base + d * sum
                })
                .collect();
            residual = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
            x = next;
        }
        PageRank { scores: x, iterations, residual, converged: residual < config.tolerance }
    }

    #[test]
    fn blocked_rounds_give_the_pulled_scores_bit_for_bit() {
        // Two target blocks, the last one partial; parallel arcs, self-loops and dangling
        // nodes; sources spread over every block so each bin is written from everywhere.
        use rand::{Rng, SeedableRng};
        let n = BLOCK + 4321;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let (mut from, mut to) = (Vec::new(), Vec::new());
        for _ in 0..2 * n {
            let u = rng.random_range(0..n as u32 / 2) * 2;
            from.push(u);
            to.push(if rng.random_range(0..50u32) == 0 {
                u
            } else {
                rng.random_range(0..n as u32)
            });
        }
        from.extend([7, 7]);
        to.extend([9, 9]);
        let g = Csr::from_edges(n, &from, &to);
        let config = PageRankConfig { tolerance: 1e-7, ..PageRankConfig::default() };
        let (blocked, reference) = (page_rank(&g, config).unwrap(), pulled(&g, config));
        assert!(blocked.converged && blocked.iterations > 10);
        assert_eq!(blocked, reference);
        let bits = |r: &PageRank| r.scores.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&blocked), bits(&reference));
        assert_eq!(page_rank_with_reverse(&g, &g.transpose(), config).unwrap(), blocked);
    }

    #[test]
    fn bad_settings_and_mismatched_reverse_are_errors() {
        let g = Csr::from_edges(2, &[0], &[1]);
        let bad = PageRankConfig { damping: 1.0, ..PageRankConfig::default() };
        assert_eq!(page_rank(&g, bad).unwrap_err().path(), Some("damping"));
        let bad = PageRankConfig { tolerance: 0.0, ..PageRankConfig::default() };
        assert_eq!(page_rank(&g, bad).unwrap_err().path(), Some("tolerance"));
        let other = Csr::from_edges(3, &[0], &[1]);
        assert!(page_rank_with_reverse(&g, &other, PageRankConfig::default()).is_err());
        let empty = page_rank(&Csr::default(), PageRankConfig::default()).unwrap();
        assert!(empty.scores.is_empty() && empty.converged);
    }
}
