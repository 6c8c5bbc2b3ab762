//! Core numbers (k-core decomposition) by the Batagelj–Zaversnik bucket algorithm, O(n + m).
//!
//! The k-core is the largest subgraph in which every node has degree at least k; a node's core
//! number is the largest k whose core contains it. Arc directions are ignored: the degree of a
//! node is its in-degree plus its out-degree, as networkx counts on a directed graph, so two
//! firms that guarantee each other are two neighbours of each other. Parallel arcs count with
//! their multiplicity; self-loops are left out (networkx refuses them; a firm guaranteeing
//! itself ties it to no one).
//!
//! The algorithm keeps the nodes sorted by current degree in one array with bucket starts, and
//! peels the node of smallest degree, moving each neighbour of higher degree one bucket down in
//! constant time. No recursion, four `u32` arrays of length `n`.

use super::csr::Csr;
use crate::error::{Error, Result};

/// The core number of every node of the graph whose forward adjacency is `forward` and reverse
/// adjacency `reverse` (its transpose).
pub fn core_numbers(forward: &Csr, reverse: &Csr) -> Result<Vec<u32>> {
    let n = forward.node_count();
    if reverse.node_count() != n || reverse.edge_count() != forward.edge_count() {
        return Err(Error::field("reverse", "the reverse adjacency is not of the same graph"));
    }
    let neighbours = |v: u32| {
        forward.neighbours(v).iter().chain(reverse.neighbours(v)).copied().filter(move |&w| w != v)
    };
    let mut degree: Vec<u32> = (0..n as u32).map(|v| neighbours(v).count() as u32).collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0) as usize;
    // bin[k]: where the nodes of degree k start in `order`.
    let mut bin = vec![0u32; max_degree + 2];
    for &k in &degree {
        bin[k as usize + 1] += 1;
    }
    for k in 0..=max_degree {
        bin[k + 1] += bin[k];
    }
    let mut order = vec![0u32; n];
    let mut position = vec![0u32; n];
    let mut fill = bin.clone();
    for v in 0..n {
        let k = degree[v] as usize;
        position[v] = fill[k];
        order[fill[k] as usize] = v as u32;
        fill[k] += 1;
    }
    for i in 0..n {
        let v = order[i];
        let dv = degree[v as usize];
        for w in neighbours(v) {
            let dw = degree[w as usize];
            if dw > dv {
                // Swap w with the first node of its bucket, then shrink the bucket from the left.
                let start = bin[dw as usize];
                let first = order[start as usize];
                let pw = position[w as usize];
                if first != w {
                    order[pw as usize] = first;
                    position[first as usize] = pw;
                    order[start as usize] = w;
                    position[w as usize] = start;
                }
                bin[dw as usize] += 1;
                degree[w as usize] = dw - 1;
            }
        }
    }
    Ok(degree)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cores(n: usize, arcs: &[(u32, u32)]) -> Vec<u32> {
        let (from, to): (Vec<u32>, Vec<u32>) = arcs.iter().copied().unzip();
        let g = Csr::from_edges(n, &from, &to);
        core_numbers(&g, &g.transpose()).unwrap()
    }

    #[test]
    fn triangle_with_a_tail_and_an_isolated_node() {
        // 0-1-2 triangle (2-core), 3 hangs off 2 (1-core), 4 alone (0-core).
        assert_eq!(cores(5, &[(0, 1), (1, 2), (2, 0), (2, 3)]), vec![2, 2, 2, 1, 0]);
    }

    #[test]
    fn clique_of_four_inside_a_ring() {
        // 0..4 form K4 (3-core); 4-5-6-7-4 is a ring (2-core) touching the clique at 0 via 4-0.
        let mut arcs = vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)];
        arcs.extend([(4, 5), (5, 6), (6, 7), (7, 4), (4, 0)]);
        assert_eq!(cores(8, &arcs), vec![3, 3, 3, 3, 2, 2, 2, 2]);
    }

    #[test]
    fn mutual_arcs_count_twice_and_self_loops_not_at_all() {
        // 0 <-> 1: each has degree 2 in the undirected multigraph, so both are in the 2-core,
        // as networkx reports on a DiGraph; the self-loop on 2 leaves it in the 0-core.
        assert_eq!(cores(3, &[(0, 1), (1, 0), (2, 2)]), vec![2, 2, 0]);
    }

    #[test]
    fn a_long_chain_needs_no_recursion() {
        let n = 200_000u32;
        let arcs: Vec<(u32, u32)> = (0..n - 1).map(|v| (v, v + 1)).collect();
        assert!(cores(n as usize, &arcs).iter().all(|&k| k == 1));
    }

    #[test]
    fn mismatched_reverse_is_an_error() {
        let g = Csr::from_edges(2, &[0], &[1]);
        assert!(core_numbers(&g, &Csr::from_edges(3, &[0], &[1])).is_err());
    }
}
