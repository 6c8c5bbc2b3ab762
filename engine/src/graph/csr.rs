//! Compressed sparse row adjacency: the frozen form every graph algorithm walks.
//!
//! Two flat `u32` arrays per direction instead of a `Vec` per node keep a million-node graph in a
//! few tens of megabytes and make neighbour scans cache-friendly. Two further savings matter for
//! the relationship graph, whose five edge tables share one node numbering: a table stored
//! sorted by source needs no edge-id array (the id of an arc is its position), and a table
//! whose arcs leave few of the nodes needs no offset per node (see [`Csr::compact`]).

use std::iter::FusedIterator;
use std::ops::Range;

use crate::error::{Error, Result};

/// Adjacency of `n` nodes: the out-neighbours of `v` are `targets[start(v)..end(v)]`, and the
/// edge ids (rows of the edge columns) at the same positions are `edges`, or the positions
/// themselves when `edges` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csr {
    rows: Rows,
    targets: Vec<u32>,
    /// Edge id of each arc; empty when every arc's id is its position (the edges were given
    /// sorted by source), which saves 4 bytes per arc. Always empty in that case, so equal
    /// adjacencies compare equal.
    edges: Vec<u32>,
}

impl Default for Csr {
    fn default() -> Csr {
        Csr { rows: Rows::Dense { offsets: vec![0] }, targets: Vec::new(), edges: Vec::new() }
    }
}

/// Where each node's arcs start and end.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rows {
    /// One offset per node plus one: `offsets[v]..offsets[v + 1]`.
    Dense { offsets: Vec<u32> },
    /// Only the nodes with arcs (the rows) have offsets. Bit `v` of `present` says whether `v`
    /// is a row; `before[w]` counts the rows below node `64 w`, so a row's rank costs one
    /// popcount; its arcs are `offsets[rank]..offsets[rank + 1]`. `present` stops at the last
    /// word with a row, so an empty table holds no bitmap at all.
    Sparse { nodes: u32, present: Vec<u64>, before: Vec<u32>, offsets: Vec<u32> },
}

/// Share of the nodes at or below which a table's rows are indexed sparsely: the sparse index
/// costs 4 bytes per row plus 3 bits per node against 4 bytes per node, and a rank lookup
/// (a popcount) on every neighbour query, so it is used only when it saves at least half.
const SPARSE_ROWS_PER_NODE: f64 = 0.5;

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
        Csr { rows: Rows::Dense { offsets }, targets, edges: unless_positions(edges) }
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
    /// node come out in increasing order of their own index. The result has dense rows.
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
            for p in self.range(v) {
                let slot = &mut next[self.targets[p] as usize];
                targets[*slot as usize] = v;
                edges[*slot as usize] = self.edges.get(p).map_or(p as u32, |&e| e);
                *slot += 1;
            }
        }
        Csr { rows: Rows::Dense { offsets }, targets, edges: unless_positions(edges) }
    }

    /// The same adjacency with its offsets kept only for the nodes that have arcs, when at most
    /// half of the nodes do (control agreements or guarantees among a million firms; an empty
    /// table keeps no offsets at all). Results are unchanged; a neighbour query then costs a
    /// popcount more, which is why dense rows stay where most nodes have arcs.
    pub(crate) fn compact(self) -> Csr {
        let Rows::Dense { offsets } = &self.rows else { return self };
        let n = offsets.len().saturating_sub(1);
        let rows = offsets.windows(2).filter(|w| w[0] != w[1]).count();
        if rows as f64 > SPARSE_ROWS_PER_NODE * n as f64 {
            return self;
        }
        let last_word = offsets.windows(2).rposition(|w| w[0] != w[1]).map_or(0, |v| v / 64 + 1);
        let mut present = vec![0u64; last_word];
        let mut kept = Vec::with_capacity(rows + 1);
        kept.push(0);
        for (v, w) in offsets.windows(2).enumerate() {
            if w[0] != w[1] {
                present[v / 64] |= 1 << (v % 64);
                kept.push(w[1]);
            }
        }
        let mut before = Vec::with_capacity(last_word);
        let mut count = 0u32;
        for word in &present {
            before.push(count);
            count += word.count_ones();
        }
        let rows = Rows::Sparse { nodes: n as u32, present, before, offsets: kept };
        Csr { rows, targets: self.targets, edges: self.edges }
    }

    /// Bytes held by the arrays (their lengths, not spare capacity): what a frozen adjacency
    /// costs in memory.
    pub fn heap_bytes(&self) -> usize {
        let rows = match &self.rows {
            Rows::Dense { offsets } => size_of::<u32>() * offsets.len(),
            Rows::Sparse { present, before, offsets, .. } => {
                size_of::<u64>() * present.len() + size_of::<u32>() * (before.len() + offsets.len())
            }
        };
        rows + size_of::<u32>() * (self.targets.len() + self.edges.len())
    }

    /// The offsets and targets arrays, for loops that walk every node in order; `None` when
    /// the rows are indexed sparsely (see [`Csr::compact`]).
    pub(crate) fn dense(&self) -> Option<(&[u32], &[u32])> {
        match &self.rows {
            Rows::Dense { offsets } => Some((offsets, &self.targets)),
            Rows::Sparse { .. } => None,
        }
    }

    /// Every arc's target, sources in increasing order: the neighbours of every node, one
    /// after the other.
    pub(crate) fn targets(&self) -> &[u32] {
        &self.targets
    }

    /// Number of arcs leaving `v` (0 for an unknown node).
    #[inline]
    pub fn degree(&self, v: u32) -> usize {
        self.range(v).len()
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        match &self.rows {
            Rows::Dense { offsets } => offsets.len().saturating_sub(1),
            Rows::Sparse { nodes, .. } => *nodes as usize,
        }
    }

    /// Number of edges.
    pub fn edge_count(&self) -> usize {
        self.targets.len()
    }

    /// Positions of `v`'s arcs in `targets` (empty for an unknown node).
    #[inline]
    fn range(&self, v: u32) -> Range<usize> {
        let (offsets, rank) = match &self.rows {
            Rows::Dense { offsets } => (offsets, v as usize),
            Rows::Sparse { present, before, offsets, .. } => {
                let (w, bit) = (v as usize / 64, v % 64);
                match (present.get(w), before.get(w)) {
                    (Some(&word), Some(&below)) if word >> bit & 1 == 1 => {
                        let lower = word & ((1u64 << bit) - 1);
                        (offsets, below as usize + lower.count_ones() as usize)
                    }
                    _ => return 0..0,
                }
            }
        };
        match (offsets.get(rank), offsets.get(rank + 1)) {
            (Some(&a), Some(&b)) => a as usize..b as usize,
            _ => 0..0,
        }
    }

    /// The source of the arc at position `p` of `targets`: the node whose range holds `p`, by
    /// binary search over the offsets (and, for sparse rows, a select in the row bitmap).
    fn source_at(&self, p: usize) -> Option<u32> {
        if p >= self.targets.len() {
            return None;
        }
        let p = p as u32;
        let offsets = match &self.rows {
            Rows::Dense { offsets } | Rows::Sparse { offsets, .. } => offsets,
        };
        // The last offset at or below `p` starts the range that holds it: empty ranges before
        // it share its value, and the one after it starts above `p`.
        let rank = offsets.partition_point(|&o| o <= p).checked_sub(1)?;
        match &self.rows {
            Rows::Dense { .. } => u32::try_from(rank).ok(),
            Rows::Sparse { present, before, .. } => {
                let rank = u32::try_from(rank).ok()?;
                let w = before.partition_point(|&c| c <= rank).checked_sub(1)?;
                let mut word = *present.get(w)?;
                for _ in 0..rank.saturating_sub(*before.get(w)?) {
                    word &= word.wrapping_sub(1);
                }
                (word != 0).then(|| (w * 64) as u32 + word.trailing_zeros())
            }
        }
    }

    /// The target of the arc at position `p` of `targets`.
    fn target_at(&self, p: usize) -> Option<u32> {
        self.targets.get(p).copied()
    }

    /// Whether the id of every arc is its position (the edges were sorted by source).
    fn ids_are_positions(&self) -> bool {
        self.edges.is_empty()
    }

    /// The neighbours of `v` (empty for an unknown node).
    #[inline]
    pub fn neighbours(&self, v: u32) -> &[u32] {
        self.targets.get(self.range(v)).unwrap_or(&[])
    }

    /// The edge ids leaving `v`, parallel to [`Csr::neighbours`].
    #[inline(always)]
    pub fn edge_ids(&self, v: u32) -> EdgeIds<'_> {
        let range = self.range(v);
        if self.ids_are_positions() {
            EdgeIds::Positions(range.start as u32..range.end as u32)
        } else {
            EdgeIds::Listed(self.edges.get(range).unwrap_or(&[]).iter())
        }
    }

    /// `(neighbour, edge id)` pairs of `v`.
    #[inline(always)]
    pub fn arcs(&self, v: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.neighbours(v).iter().copied().zip(self.edge_ids(v))
    }
}

/// `edges`, or nothing when it is the identity (every id equal to its position).
fn unless_positions(edges: Vec<u32>) -> Vec<u32> {
    if edges.iter().enumerate().all(|(p, &e)| p == e as usize) { Vec::new() } else { edges }
}

/// The edge ids of one node's arcs, in the order of its neighbours: listed, or the arcs'
/// positions when those are the ids.
#[derive(Debug, Clone)]
pub enum EdgeIds<'a> {
    /// Ids read from the adjacency's edge-id array.
    Listed(std::slice::Iter<'a, u32>),
    /// Ids equal to the arcs' positions.
    Positions(Range<u32>),
}

impl Iterator for EdgeIds<'_> {
    type Item = u32;

    #[inline(always)]
    fn next(&mut self) -> Option<u32> {
        match self {
            EdgeIds::Listed(ids) => ids.next().copied(),
            EdgeIds::Positions(range) => range.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            EdgeIds::Listed(ids) => ids.size_hint(),
            EdgeIds::Positions(range) => range.size_hint(),
        }
    }
}

impl DoubleEndedIterator for EdgeIds<'_> {
    fn next_back(&mut self) -> Option<u32> {
        match self {
            EdgeIds::Listed(ids) => ids.next_back().copied(),
            EdgeIds::Positions(range) => range.next_back(),
        }
    }
}

impl ExactSizeIterator for EdgeIds<'_> {}

impl FusedIterator for EdgeIds<'_> {}

/// The two adjacencies of one edge table, with the endpoints of an edge found from whichever
/// of them lists arcs in edge order: no endpoint columns are kept for sorted tables.
pub(crate) fn endpoints_from(forward: &Csr, reverse: &Csr, e: u32) -> Option<(u32, u32)> {
    let p = e as usize;
    if forward.ids_are_positions() {
        Some((forward.source_at(p)?, forward.target_at(p)?))
    } else if reverse.ids_are_positions() {
        Some((reverse.target_at(p)?, reverse.source_at(p)?))
    } else {
        None
    }
}

/// Whether one of the two adjacencies lists its arcs in edge order, so that
/// [`endpoints_from`] can answer.
pub(crate) fn has_edge_order(forward: &Csr, reverse: &Csr) -> bool {
    forward.ids_are_positions() || reverse.ids_are_positions()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbours_follow_edge_order() {
        let csr = Csr::from_edges(3, &[0, 2, 0], &[1, 0, 2]);
        assert_eq!(csr.neighbours(0), &[1, 2]);
        assert_eq!(csr.edge_ids(0).collect::<Vec<_>>(), [0, 2]);
        assert_eq!(csr.neighbours(1), &[] as &[u32]);
        assert_eq!(csr.neighbours(2), &[0]);
        assert_eq!(csr.neighbours(9), &[] as &[u32]);
        assert_eq!((csr.node_count(), csr.edge_count()), (3, 3));
        assert_eq!(csr.degree(0), 2);
        assert_eq!(csr.heap_bytes(), 4 * (4 + 3 + 3));
    }

    #[test]
    fn edges_sorted_by_source_keep_no_edge_ids() {
        let csr = Csr::from_edges(4, &[0, 0, 2, 3], &[1, 2, 0, 0]);
        assert_eq!(csr.heap_bytes(), 4 * (5 + 4));
        assert_eq!(csr.edge_ids(0).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(csr.edge_ids(0).len(), 2);
        assert_eq!(csr.edge_ids(3).rev().collect::<Vec<_>>(), [3]);
        assert_eq!(csr.edge_ids(1).len(), 0);
        assert_eq!(csr.edge_ids(7).len(), 0);
        assert_eq!(csr.arcs(2).collect::<Vec<_>>(), [(0, 2)]);
        // The same arcs listed through ids compare equal once turned round twice.
        assert_eq!(csr.transpose().transpose(), csr);
        assert_eq!(Csr::from_edges(2, &[], &[]), Csr::from_edges(2, &[], &[]).transpose());
    }

    #[test]
    fn transpose_turns_every_arc_round_and_keeps_edge_ids() {
        let csr = Csr::from_edges(3, &[0, 2, 0, 1], &[1, 0, 2, 2]);
        let rev = csr.transpose();
        assert_eq!(rev, Csr::from_edges(3, &[1, 0, 2, 2], &[0, 2, 0, 1]));
        assert_eq!(rev.neighbours(2), &[0, 1]);
        assert_eq!(rev.edge_ids(2).collect::<Vec<_>>(), [2, 3]);
        assert_eq!(rev.transpose(), csr);
    }

    #[test]
    fn checked_construction_refuses_bad_lists() {
        assert!(Csr::try_from_edges(2, &[0, 1], &[1, 0]).is_ok());
        let out_of_range = Csr::try_from_edges(2, &[0, 1], &[1, 2]).unwrap_err();
        assert_eq!(out_of_range.path(), Some("edges[1].to"));
        assert!(Csr::try_from_edges(2, &[0], &[]).is_err());
    }

    /// Every query of `sparse` answers as `dense` does, for known and unknown nodes.
    fn same_answers(dense: &Csr, sparse: &Csr) {
        assert_eq!(dense.node_count(), sparse.node_count());
        assert_eq!(dense.edge_count(), sparse.edge_count());
        for v in 0..dense.node_count() as u32 + 70 {
            assert_eq!(dense.neighbours(v), sparse.neighbours(v), "node {v}");
            assert_eq!(dense.arcs(v).collect::<Vec<_>>(), sparse.arcs(v).collect::<Vec<_>>());
            assert_eq!(dense.degree(v), sparse.degree(v));
        }
        for p in 0..dense.edge_count() + 2 {
            assert_eq!(dense.source_at(p), sparse.source_at(p), "position {p}");
        }
        assert_eq!(sparse.transpose(), dense.transpose());
    }

    #[test]
    fn sparse_rows_answer_as_dense_rows() {
        // Rows in the first and last words of the bitmap, across a word boundary, the last
        // node, and a node with several arcs.
        let n = 200;
        let (from, to) = (vec![0, 63, 64, 64, 130, 199], vec![5, 1, 2, 3, 199, 0]);
        let dense = Csr::from_edges(n, &from, &to);
        let sparse = dense.clone().compact();
        assert!(sparse.dense().is_none());
        same_answers(&dense, &sparse);
        assert_eq!(sparse.source_at(3), Some(64));
        assert_eq!(sparse.source_at(5), Some(199));
        // 4 words of bitmap, 4 counts, 6 row offsets: far below 201 dense offsets.
        assert_eq!(sparse.heap_bytes(), 8 * 4 + 4 * (4 + 6) + 4 * 6);
    }

    #[test]
    fn an_empty_table_keeps_no_offsets_and_one_edge_one_row() {
        let empty = Csr::from_edges(1000, &[], &[]).compact();
        assert_eq!(empty.heap_bytes(), 4);
        assert_eq!((empty.node_count(), empty.edge_count()), (1000, 0));
        same_answers(&Csr::from_edges(1000, &[], &[]), &empty);
        let one = Csr::from_edges(1000, &[999], &[3]);
        let compact = one.clone().compact();
        same_answers(&one, &compact);
        assert_eq!(compact.neighbours(999), &[3]);
        assert_eq!(compact.source_at(0), Some(999));
        assert_eq!(compact.source_at(1), None);
        // No nodes at all.
        same_answers(&Csr::default(), &Csr::default().compact());
    }

    #[test]
    fn tables_with_arcs_from_most_nodes_stay_dense() {
        let csr = Csr::from_edges(3, &[0, 1, 2], &[1, 2, 0]);
        assert!(csr.clone().compact().dense().is_some());
        let half = Csr::from_edges(4, &[0, 1], &[1, 2]).compact();
        assert!(half.dense().is_none());
    }

    #[test]
    fn endpoints_come_from_the_adjacency_listed_in_edge_order() {
        // Sorted by source: the forward adjacency is in edge order.
        let (from, to) = ([0, 0, 2, 5], [3, 1, 5, 2]);
        let forward = Csr::from_edges(6, &from, &to).compact();
        let reverse = Csr::from_edges(6, &to, &from).compact();
        for e in 0..4 {
            let ends = Some((from[e as usize], to[e as usize]));
            assert_eq!(endpoints_from(&forward, &reverse, e), ends);
            // Sorted by target, the same table seen from the other side.
            assert_eq!(endpoints_from(&reverse, &forward, e), ends.map(|(a, b)| (b, a)));
        }
        assert_eq!(endpoints_from(&forward, &reverse, 4), None);
        let shuffled = Csr::from_edges(3, &[2, 0], &[1, 0]);
        let turned = Csr::from_edges(3, &[1, 0], &[2, 0]);
        assert!(!has_edge_order(&shuffled, &turned));
        assert_eq!(endpoints_from(&shuffled, &turned, 0), None);
    }
}
