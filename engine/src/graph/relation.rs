//! The frozen relationship graph: node keys, columnar edge attributes and CSR adjacency.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::csr::Csr;
use super::model::{GuaranteeStatus, NodeKey, Role};
use crate::date::Date;
use crate::num::Amount;
use crate::uscc::Uscc;

/// Edges of one kind as two endpoint columns, with forward (`from` → `to`) and reverse
/// (`to` → `from`) adjacency whose edge ids index the attribute columns of the table.
#[derive(Debug, Clone, Default)]
pub struct EdgeTable {
    pub(crate) from: Vec<u32>,
    pub(crate) to: Vec<u32>,
    pub(crate) forward: Csr,
    pub(crate) reverse: Csr,
}

impl EdgeTable {
    pub(crate) fn new(n: usize, from: Vec<u32>, to: Vec<u32>) -> EdgeTable {
        let forward = Csr::from_edges(n, &from, &to);
        let reverse = Csr::from_edges(n, &to, &from);
        EdgeTable { from, to, forward, reverse }
    }

    /// Number of edges.
    pub fn len(&self) -> usize {
        self.from.len()
    }

    /// Whether the table has no edges.
    pub fn is_empty(&self) -> bool {
        self.from.is_empty()
    }

    /// The `(from, to)` node indices of edge `e`.
    pub fn endpoints(&self, e: u32) -> Option<(u32, u32)> {
        Some((*self.from.get(e as usize)?, *self.to.get(e as usize)?))
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

    /// Bytes of the endpoint columns and both adjacencies.
    pub fn heap_bytes(&self) -> usize {
        size_of::<u32>() * (self.from.len() + self.to.len())
            + self.forward.heap_bytes()
            + self.reverse.heap_bytes()
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
    pub(crate) vote_share: Vec<Option<Decimal>>,
    pub(crate) subscribed: Vec<Option<Amount>>,
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
        self.vote_share.get(e as usize).copied().flatten().unwrap_or_else(|| self.share(e))
    }

    /// Subscribed capital of edge `e`, if known.
    pub fn subscribed(&self, e: u32) -> Option<Amount> {
        self.subscribed.get(e as usize).copied().flatten()
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

    /// Bytes the frozen edges hold: endpoint columns, forward and reverse adjacency and the
    /// attribute columns of every kind (lengths, not spare capacity). Node keys and the key
    /// index are not counted.
    pub fn edge_bytes(&self) -> usize {
        let h = &self.shareholdings;
        let g = &self.guarantees;
        h.edges.heap_bytes()
            + h.share.len() * size_of::<Decimal>()
            + h.vote_share.len() * size_of::<Option<Decimal>>()
            + h.subscribed.len() * size_of::<Option<Amount>>()
            + self.control_agreements.heap_bytes()
            + self.key_roles.edges.heap_bytes()
            + self.key_roles.role.len() * size_of::<Role>()
            + g.edges.heap_bytes()
            + g.amount.len() * size_of::<Amount>()
            + g.start.len() * size_of::<Date>()
            + g.end.len() * size_of::<Option<Date>>()
            + g.status.len() * size_of::<GuaranteeStatus>()
            + self.supply_chain.heap_bytes()
    }
}
