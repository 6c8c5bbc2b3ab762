//! The frozen relationship graph: node keys, columnar edge attributes and CSR adjacency.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::column::SparseColumn;
use super::csr::{self, Csr};
use super::model::{GuaranteeStatus, NodeKey, Role};
use crate::date::Date;
use crate::num::Amount;
use crate::uscc::Uscc;

/// Edges of one kind as forward (`from` → `to`) and reverse (`to` → `from`) adjacency whose
/// edge ids index the attribute columns of the table.
///
/// The builder stores every table sorted by one endpoint, so one of the two adjacencies lists
/// the arcs in edge order: the endpoints of an edge are read from it (the other end by a binary
/// search over its offsets) and no endpoint column is kept. Only a table built from unsorted
/// columns keeps them.
#[derive(Debug, Clone, Default)]
pub struct EdgeTable {
    pub(crate) forward: Csr,
    pub(crate) reverse: Csr,
    /// `(from, to)` of every edge, kept only when neither adjacency is in edge order.
    unsorted_ends: Vec<(u32, u32)>,
}

impl EdgeTable {
    pub(crate) fn new(n: usize, from: Vec<u32>, to: Vec<u32>) -> EdgeTable {
        let forward = Csr::from_edges(n, &from, &to).compact();
        let reverse = Csr::from_edges(n, &to, &from).compact();
        let unsorted_ends = if csr::has_edge_order(&forward, &reverse) {
            Vec::new()
        } else {
            from.into_iter().zip(to).collect()
        };
        EdgeTable { forward, reverse, unsorted_ends }
    }

    /// Number of edges.
    pub fn len(&self) -> usize {
        self.forward.edge_count()
    }

    /// Whether the table has no edges.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `(from, to)` node indices of edge `e`.
    pub fn endpoints(&self, e: u32) -> Option<(u32, u32)> {
        if self.unsorted_ends.is_empty() {
            csr::endpoints_from(&self.forward, &self.reverse, e)
        } else {
            self.unsorted_ends.get(e as usize).copied()
        }
    }

    /// The edges `v → w` with `w` in `among` (sorted), as `(w, edge id)`, read from the smaller
    /// side: `v`'s own out-edges, or the in-edges of `among`. A query about the few holders of
    /// one firm never scans the whole portfolio of a holder that owns a million firms.
    pub(crate) fn arcs_among(&self, v: u32, among: &[u32]) -> Vec<(u32, u32)> {
        if self.forward.neighbours(v).len() <= among.len() {
            self.forward.arcs(v).filter(|(w, _)| among.binary_search(w).is_ok()).collect()
        } else {
            among
                .iter()
                .flat_map(|&w| {
                    self.reverse.arcs(w).filter(move |&(h, _)| h == v).map(move |(_, e)| (w, e))
                })
                .collect()
        }
    }

    /// Bytes of both adjacencies (and of the endpoint columns of an unsorted table).
    pub fn heap_bytes(&self) -> usize {
        self.forward.heap_bytes()
            + self.reverse.heap_bytes()
            + self.unsorted_ends.len() * size_of::<(u32, u32)>()
    }

    /// Adjacency from `from` to `to`.
    pub fn forward(&self) -> &Csr {
        &self.forward
    }

    /// Adjacency from `to` back to `from`.
    pub fn reverse(&self) -> &Csr {
        &self.reverse
    }
}

/// Shareholding edges (holder → firm) after merging, treasury removal and the
/// oversubscription policy.
#[derive(Debug, Clone, Default)]
pub struct Shareholdings {
    pub(crate) edges: EdgeTable,
    pub(crate) share: Vec<Decimal>,
    /// Stated vote shares, only for the edges that state one.
    pub(crate) vote_share: SparseColumn<Decimal>,
    /// Subscribed capital, only for the edges that state it.
    pub(crate) subscribed: SparseColumn<Amount>,
}

impl Shareholdings {
    /// Endpoints and adjacency.
    pub fn edges(&self) -> &EdgeTable {
        &self.edges
    }

    /// Capital share of edge `e`.
    pub fn share(&self, e: u32) -> Decimal {
        self.share.get(e as usize).copied().unwrap_or_default()
    }

    /// Vote share of edge `e`: the stated vote share, else the capital share.
    pub fn votes(&self, e: u32) -> Decimal {
        self.vote_share.get(e).unwrap_or_else(|| self.share(e))
    }

    /// Subscribed capital of edge `e`, if known.
    pub fn subscribed(&self, e: u32) -> Option<Amount> {
        self.subscribed.get(e)
    }

    /// Bytes of the adjacency and the attribute columns.
    pub fn heap_bytes(&self) -> usize {
        self.edges.heap_bytes()
            + self.share.len() * size_of::<Decimal>()
            + self.vote_share.heap_bytes()
            + self.subscribed.heap_bytes()
    }
}

/// Guarantee edges (guarantor → borrower).
#[derive(Debug, Clone, Default)]
pub struct Guarantees {
    pub(crate) edges: EdgeTable,
    pub(crate) amount: Vec<Amount>,
    pub(crate) start: Vec<Date>,
    pub(crate) end: Vec<Option<Date>>,
    pub(crate) status: Vec<GuaranteeStatus>,
}

impl Guarantees {
    /// Endpoints and adjacency.
    pub fn edges(&self) -> &EdgeTable {
        &self.edges
    }

    /// `(amount, start, end, status)` of edge `e`.
    pub fn terms(&self, e: u32) -> Option<(Amount, Date, Option<Date>, GuaranteeStatus)> {
        let i = e as usize;
        Some((*self.amount.get(i)?, *self.start.get(i)?, *self.end.get(i)?, *self.status.get(i)?))
    }

    /// Bytes of the adjacency and the attribute columns.
    pub fn heap_bytes(&self) -> usize {
        self.edges.heap_bytes()
            + self.amount.len() * size_of::<Amount>()
            + self.start.len() * size_of::<Date>()
            + self.end.len() * size_of::<Option<Date>>()
            + self.status.len() * size_of::<GuaranteeStatus>()
    }
}

/// Key-role edges (person → firm).
#[derive(Debug, Clone, Default)]
pub struct KeyRoles {
    pub(crate) edges: EdgeTable,
    pub(crate) role: Vec<Role>,
}

impl KeyRoles {
    /// Endpoints and adjacency.
    pub fn edges(&self) -> &EdgeTable {
        &self.edges
    }

    /// The role of edge `e`.
    pub fn role(&self, e: u32) -> Option<Role> {
        self.role.get(e as usize).copied()
    }

    /// Bytes of the adjacency and the role column.
    pub fn heap_bytes(&self) -> usize {
        self.edges.heap_bytes() + self.role.len() * size_of::<Role>()
    }
}

/// A validated, immutable relationship graph. Nodes are numbered in key order (enterprises by
/// USCC, then persons by key), so the numbering, and every result computed from it, does not
/// depend on the input order.
#[derive(Debug, Clone, Default)]
pub struct RelationGraph {
    pub(crate) keys: Vec<NodeKey>,
    pub(crate) names: Vec<Option<String>>,
    pub(crate) index: HashMap<String, u32>,
    pub(crate) shareholdings: Shareholdings,
    pub(crate) control_agreements: EdgeTable,
    pub(crate) key_roles: KeyRoles,
    pub(crate) guarantees: Guarantees,
    pub(crate) supply_chain: EdgeTable,
}

impl RelationGraph {
    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.keys.len()
    }

    /// The index of a key; a USCC may be given in any spelling [`Uscc::parse`] accepts.
    pub fn index_of(&self, key: &str) -> Option<u32> {
        self.index.get(key).copied().or_else(|| {
            let code = Uscc::parse(key).ok()?;
            self.index.get(code.as_str()).copied()
        })
    }

    /// The key of node `v`.
    pub fn key(&self, v: u32) -> Option<&NodeKey> {
        self.keys.get(v as usize)
    }

    /// The key of node `v` as text (empty for an unknown index).
    pub fn key_str(&self, v: u32) -> &str {
        self.key(v).map_or("", NodeKey::as_str)
    }

    /// The display name of node `v`, if one was declared.
    pub fn name(&self, v: u32) -> Option<&str> {
        self.names.get(v as usize).and_then(Option::as_deref)
    }

    /// Whether node `v` is a natural person.
    pub fn is_person(&self, v: u32) -> bool {
        matches!(self.key(v), Some(NodeKey::Person(_)))
    }

    /// Shareholding edges.
    pub fn shareholdings(&self) -> &Shareholdings {
        &self.shareholdings
    }

    /// Control-agreement edges.
    pub fn control_agreements(&self) -> &EdgeTable {
        &self.control_agreements
    }

    /// Key-role edges.
    pub fn key_roles(&self) -> &KeyRoles {
        &self.key_roles
    }

    /// Guarantee edges.
    pub fn guarantees(&self) -> &Guarantees {
        &self.guarantees
    }

    /// Supply-chain edges.
    pub fn supply_chain(&self) -> &EdgeTable {
        &self.supply_chain
    }

    /// Number of edges of every kind.
    pub fn edge_count(&self) -> usize {
        self.shareholdings.edges.len()
            + self.control_agreements.len()
            + self.key_roles.edges.len()
            + self.guarantees.edges.len()
            + self.supply_chain.len()
    }

    /// Bytes the frozen edges hold: forward and reverse adjacency (sparse row indexes
    /// included) and the attribute columns of every kind, sparse ones included (lengths, not
    /// spare capacity). Node keys and the key index are not counted.
    pub fn edge_bytes(&self) -> usize {
        self.shareholdings.heap_bytes()
            + self.control_agreements.heap_bytes()
            + self.key_roles.heap_bytes()
            + self.guarantees.heap_bytes()
            + self.supply_chain.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(table: &EdgeTable) -> Vec<Option<(u32, u32)>> {
        (0..table.len() as u32 + 1).map(|e| table.endpoints(e)).collect()
    }

    #[test]
    fn endpoints_of_tables_sorted_either_way_or_not_at_all() {
        let (from, to) = (vec![0, 0, 3, 4], vec![2, 1, 4, 0]);
        let expected: Vec<_> =
            from.iter().zip(&to).map(|(&f, &t)| Some((f, t))).chain([None]).collect();
        let by_source = EdgeTable::new(5, from.clone(), to.clone());
        assert_eq!(ends(&by_source), expected);
        assert!(by_source.unsorted_ends.is_empty());
        // Sorted by target, as shareholdings are: the same edges turned round.
        let by_target = EdgeTable::new(5, to.clone(), from.clone());
        let turned: Vec<_> = expected.iter().map(|e| e.map(|(f, t)| (t, f))).collect();
        assert_eq!(ends(&by_target), turned);
        assert!(by_target.unsorted_ends.is_empty());
        // Neither: the endpoint columns are kept, and counted.
        let (from, to) = (vec![3, 0, 4], vec![0, 2, 1]);
        let unsorted = EdgeTable::new(5, from, to);
        assert_eq!(ends(&unsorted), [Some((3, 0)), Some((0, 2)), Some((4, 1)), None]);
        assert_eq!(
            unsorted.heap_bytes(),
            unsorted.forward.heap_bytes() + unsorted.reverse.heap_bytes() + 3 * 8
        );
    }

    #[test]
    fn an_empty_table_costs_almost_nothing_whatever_the_node_count() {
        let table = EdgeTable::new(1_000_000, Vec::new(), Vec::new());
        assert_eq!((table.len(), table.is_empty()), (0, true));
        assert_eq!(table.endpoints(0), None);
        assert_eq!(table.forward().node_count(), 1_000_000);
        assert_eq!(table.forward().neighbours(999_999), &[] as &[u32]);
        assert!(table.heap_bytes() <= 8, "{}", table.heap_bytes());
    }

    #[test]
    fn sparse_columns_answer_for_every_edge() {
        let mut holdings = Shareholdings {
            edges: EdgeTable::new(3, vec![0, 1], vec![2, 2]),
            share: vec![Decimal::new(3, 1), Decimal::new(4, 1)],
            ..Shareholdings::default()
        };
        holdings.vote_share.push(1, Some(Decimal::new(6, 1)));
        assert_eq!(holdings.votes(0), Decimal::new(3, 1));
        assert_eq!(holdings.votes(1), Decimal::new(6, 1));
        assert_eq!(holdings.votes(2), Decimal::ZERO);
        assert_eq!(holdings.subscribed(1), None);
        let columns = 2 * 16 + (4 + 16);
        assert_eq!(holdings.heap_bytes(), holdings.edges.heap_bytes() + columns);
    }
}
