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
//! The iteration pulls along the reverse adjacency with `1/outdeg` precomputed: each round reads
//! every arc once, sequentially per node, and writes each score once, with no scatter. Sums run
//! in a fixed order (in-neighbours by index), so results are identical from run to run.
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

/// PageRank of `forward`, computing the reverse adjacency it pulls along.
pub fn page_rank(forward: &Csr, config: PageRankConfig) -> Result<PageRank> {
    page_rank_with_reverse(forward, &forward.transpose(), config)
}

/// PageRank of `forward` when its reverse adjacency is already at hand (the edge tables of a
/// [`RelationGraph`](super::RelationGraph) keep both). `reverse` must be `forward.transpose()`
/// up to the order of neighbours; node and arc counts are checked.
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
    if n == 0 {
        return Ok(PageRank { scores: Vec::new(), iterations: 0, residual: 0.0, converged: true });
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
    let mut x = vec![uniform; n];
    let mut share = vec![0.0f64; n];
    let mut next = vec![0.0f64; n];
    let (mut iterations, mut residual) = (0u32, f64::INFINITY);
    while iterations < config.max_iterations {
        iterations += 1;
        for ((s, &xv), &inv) in share.iter_mut().zip(&x).zip(&inverse_degree) {
            *s = xv * inv;
        }
        let dangling_mass: f64 = dangling.iter().map(|&v| x[v as usize]).sum();
        let base = (1.0 - d) * uniform + d * dangling_mass * uniform;
        // Offsets are increasing and end at the arc count (the CSR invariant), so each window
        // is a valid range of `sources`.
        let (offsets, sources) = reverse.raw();
        for (slot, bounds) in next.iter_mut().zip(offsets.windows(2)) {
            let arcs = sources.get(bounds[0] as usize..bounds[1] as usize).unwrap_or(&[]);
            let pulled: f64 = arcs.iter().map(|&u| share[u as usize]).sum();
            *slot = base + d * pulled;
        }
        residual = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
        std::mem::swap(&mut x, &mut next);
        if residual < config.tolerance {
            break;
        }
    }
    Ok(PageRank { scores: x, iterations, residual, converged: residual < config.tolerance })
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
