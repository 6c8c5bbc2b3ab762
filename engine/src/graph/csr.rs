//! Compressed sparse row adjacency: the frozen form every graph algorithm walks.
//!
//! Two flat `u32` arrays per direction instead of a `Vec` per node keep a million-node graph in a
//! few tens of megabytes and make neighbour scans cache-friendly.

use crate::error::{Error, Result};

/// Adjacency of `n` nodes: the out-neighbours of `v` are `targets[offsets[v]..offsets[v + 1]]`,
/// and `edges` holds, at the same positions, the id of the edge (its row in the edge columns).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Csr {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    edges: Vec<u32>,
}

impl Csr {
    /// Builds the adjacency of `n` nodes from edge `e = (from[e], to[e])`; neighbours of a node
    /// keep the order of the edge ids. Callers guarantee that every endpoint is below `n` and
    /// that there are fewer than `u32::MAX` edges (the builder checks both), which is why only
    /// the crate builds adjacency.
    pub(crate) fn from_edges(n: usize, from: &[u32], to: &[u32]) -> Csr {
        let mut offsets = vec![0u32; n + 1];
        for &f in from {
            offsets[f as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let mut next: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; from.len()];
        let mut edges = vec![0u32; from.len()];
        for (e, (&f, &t)) in from.iter().zip(to).enumerate() {
            let slot = &mut next[f as usize];
            targets[*slot as usize] = t;
            edges[*slot as usize] = e as u32;
            *slot += 1;
        }
        Csr { offsets, targets, edges }
    }

    /// Builds the adjacency of `n` nodes from the arcs `from[e] → to[e]`, refusing endpoints
    /// outside `0..n`, columns of different lengths and more arcs than `u32` can number. This
    /// is the entry point for integer edge lists that did not come through the graph builder.
    pub fn try_from_edges(n: usize, from: &[u32], to: &[u32]) -> Result<Csr> {
        if from.len() != to.len() {
            let message = format!("{} sources but {} targets", from.len(), to.len());
            return Err(Error::field("edges", message));
        }
        let limit = u32::MAX as usize - 1;
        if n > limit || from.len() > limit {
            let (what, found) = if n > limit { ("nodes", n) } else { ("edges", from.len()) };
            return Err(Error::LimitExceeded { what: what.to_owned(), limit, found });
        }
        for (end, column) in [("from", from), ("to", to)] {
            if let Some(e) = column.iter().position(|&v| v as usize >= n) {
                let message = format!("node {} is not below the node count {n}", column[e]);
                return Err(Error::field(format!("edges[{e}].{end}"), message));
            }
        }
        Ok(Csr::from_edges(n, from, to))
    }

    /// The reverse adjacency (every arc turned round), by one counting sort over the arcs; the
    /// edge ids are kept, so attribute columns index both directions alike. In-neighbours of a
    /// node come out in increasing order of their own index.
    pub fn transpose(&self) -> Csr {
        let n = self.node_count();
        let mut offsets = vec![0u32; n + 1];
        for &t in &self.targets {
            offsets[t as usize + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let mut next: Vec<u32> = offsets[..n].to_vec();
        let mut targets = vec![0u32; self.targets.len()];
        let mut edges = vec![0u32; self.targets.len()];
        for v in 0..n as u32 {
            for (w, e) in self.arcs(v) {
                let slot = &mut next[w as usize];
                targets[*slot as usize] = v;
                edges[*slot as usize] = e;
                *slot += 1;
            }
        }
        Csr { offsets, targets, edges }
    }

    /// Bytes held by the three arrays (their lengths, not spare capacity): what a frozen
    /// adjacency costs in memory.
    pub fn heap_bytes(&self) -> usize {
        size_of::<u32>() * (self.offsets.len() + self.targets.len() + self.edges.len())
    }

    /// The offsets and targets arrays, for loops that walk every node in order.
    pub(crate) fn raw(&self) -> (&[u32], &[u32]) {
        (&self.offsets, &self.targets)
    }

    /// Number of arcs leaving `v` (0 for an unknown node).
    pub fn degree(&self, v: u32) -> usize {
        self.range(v).len()
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    fn range(&self, v: u32) -> std::ops::Range<usize> {
        let v = v as usize;
        match (self.offsets.get(v), self.offsets.get(v + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The neighbours of `v` (empty for an unknown node).
    pub fn neighbours(&self, v: u32) -> &[u32] {
        self.targets.get(self.range(v)).unwrap_or(&[])
    }

    /// The edge ids leaving `v`, parallel to [`Csr::neighbours`].
    pub fn edge_ids(&self, v: u32) -> &[u32] {
        self.edges.get(self.range(v)).unwrap_or(&[])
    }

    /// `(neighbour, edge id)` pairs of `v`.
    pub fn arcs(&self, v: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.neighbours(v).iter().copied().zip(self.edge_ids(v).iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_follow_edge_order() {
        let csr = Csr::from_edges(3, &[0, 2, 0], &[1, 0, 2]);
        assert_eq!(csr.neighbours(0), &[1, 2]);
        assert_eq!(csr.edge_ids(0), &[0, 2]);
        assert_eq!(csr.neighbours(1), &[] as &[u32]);
        assert_eq!(csr.neighbours(2), &[0]);
        assert_eq!(csr.neighbours(9), &[] as &[u32]);
        assert_eq!((csr.node_count(), csr.edge_count()), (3, 3));
        assert_eq!(csr.degree(0), 2);
        assert_eq!(csr.heap_bytes(), 4 * (4 + 3 + 3));
    }

    #[test]
    fn transpose_turns_every_arc_round_and_keeps_edge_ids() {
        let csr = Csr::from_edges(3, &[0, 2, 0, 1], &[1, 0, 2, 2]);
        let rev = csr.transpose();
        assert_eq!(rev, Csr::from_edges(3, &[1, 0, 2, 2], &[0, 2, 0, 1]));
        assert_eq!(rev.neighbours(2), &[0, 1]);
        assert_eq!(rev.edge_ids(2), &[2, 3]);
        assert_eq!(rev.transpose(), csr);
    }

    #[test]
    fn checked_construction_refuses_bad_lists() {
        assert!(Csr::try_from_edges(2, &[0, 1], &[1, 0]).is_ok());
        let out_of_range = Csr::try_from_edges(2, &[0, 1], &[1, 2]).unwrap_err();
        assert_eq!(out_of_range.path(), Some("edges[1].to"));
        assert!(Csr::try_from_edges(2, &[0], &[]).is_err());
    }
}
