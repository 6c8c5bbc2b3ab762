//! Building a [`RelationGraph`]: collect nodes and edges, validate them, apply the data-quality
//! policies and freeze into columnar, CSR-indexed form.
//!
//! Shares and dates are checked as each edge is added, so errors point at the input
//! (`edges[12].share`); key resolution happens at [`GraphBuilder::freeze`], so nodes may be
//! declared after the edges that use them.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::model::{Edge, EdgeKind, Node, NodeKey, Relation};
use super::relation::{EdgeTable, Guarantees, KeyRoles, RelationGraph};
use super::shares;
use crate::error::{Error, Result};
use crate::uscc::Uscc;

/// What to do with two edges of the same kind between the same nodes (guarantees excepted: two
/// guarantees between one pair are two contracts, and both are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicatePolicy {
    /// Merge them: shares (and vote shares, subscribed amounts) are summed, other kinds collapse.
    #[default]
    Merge,
    /// Refuse the input.
    Reject,
}

/// What to do when the holders of one firm sum to more than 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OversubscribedPolicy {
    /// Refuse the input: it is a data error.
    #[default]
    Reject,
    /// Divide every holder's capital share by the total.
    Renormalise,
    /// Keep the shares as given and only report them (integrated ownership may then be
    /// unresolvable for cycles through that firm).
    Keep,
}

/// The data-quality policies of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BuildPolicy {
    /// Duplicate edges.
    pub duplicates: DuplicatePolicy,
    /// Holders summing above 1.
    pub oversubscribed: OversubscribedPolicy,
    /// Create an enterprise node for a valid USCC that an edge names but no node declares.
    /// Persons are never implied: a misspelt person key must not become a new person.
    pub implicit_enterprises: bool,
}

impl Default for BuildPolicy {
    fn default() -> Self {
        BuildPolicy {
            duplicates: DuplicatePolicy::default(),
            oversubscribed: OversubscribedPolicy::default(),
            implicit_enterprises: true,
        }
    }
}

/// Size limits of a build: a platform loading files from many departments caps what one file
/// may make the process hold. Both default to the most `u32` indices can number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GraphLimits {
    /// Most nodes (declared and implied), else `limit_exceeded` (`what`: `nodes`).
    pub max_nodes: usize,
    /// Most edges, else `limit_exceeded` (`what`: `edges`).
    pub max_edges: usize,
}

/// The most nodes or edges `u32` indices can number (one value is kept free as a sentinel).
const INDEX_LIMIT: usize = u32::MAX as usize - 1;

impl Default for GraphLimits {
    fn default() -> Self {
        GraphLimits { max_nodes: INDEX_LIMIT, max_edges: INDEX_LIMIT }
    }
}

/// Everything a build changed or noticed, sorted by key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BuildReport {
    /// Enterprises created because an edge named them.
    pub implied_enterprises: Vec<String>,
    /// Firms whose self-holding (treasury shares) was removed, the other holders rescaled.
    pub treasury_removed: Vec<TreasuryRemoval>,
    /// Edges merged under [`DuplicatePolicy::Merge`].
    pub duplicates_merged: Vec<DuplicateMerge>,
    /// Firms whose holders summed above 1.
    pub oversubscribed: Vec<Oversubscription>,
}

/// A firm's treasury shares, removed before analysis: they carry no ownership or votes, so the
/// remaining holders are scaled by `1 / (1 − share)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreasuryRemoval {
    /// The firm.
    pub firm: String,
    /// Its self-held share.
    #[serde(with = "crate::num::decimal")]
    pub share: Decimal,
}

/// Several input edges merged into one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateMerge {
    /// Edge kind.
    pub kind: EdgeKind,
    /// Source node.
    pub from: String,
    /// Target node.
    pub to: String,
    /// How many input edges became one.
    pub count: usize,
}

/// A firm whose direct holders sum above 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Oversubscription {
    /// The firm.
    pub firm: String,
    /// Sum of its holders' capital shares (treasury included), after duplicate merging.
    #[serde(with = "crate::num::decimal")]
    pub total: Decimal,
    /// What the policy did.
    pub action: OversubscribedPolicy,
}

/// Collects nodes and edges; [`GraphBuilder::freeze`] turns them into a [`RelationGraph`].
#[derive(Debug, Default)]
pub struct GraphBuilder {
    policy: BuildPolicy,
    limits: GraphLimits,
    nodes: HashMap<String, u32>,
    slots: Vec<(NodeKey, Option<String>)>,
    node_inputs: usize,
    edges: Vec<Edge>,
}

/// A resolved edge: endpoints as node keys, attributes as given, position in the input.
pub(crate) struct Resolved<'a> {
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) relation: &'a Relation,
    pub(crate) input: usize,
}

impl GraphBuilder {
    /// An empty builder with the given policies.
    pub fn new(policy: BuildPolicy) -> GraphBuilder {
        GraphBuilder { policy, ..GraphBuilder::default() }
    }

    /// The same builder with other size limits (each capped at what `u32` indices can number).
    pub fn with_limits(mut self, limits: GraphLimits) -> GraphBuilder {
        self.limits = GraphLimits {
            max_nodes: limits.max_nodes.min(INDEX_LIMIT),
            max_edges: limits.max_edges.min(INDEX_LIMIT),
        };
        self
    }

    pub(crate) fn node_inputs(&self) -> usize {
        self.node_inputs
    }

    pub(crate) fn edge_inputs(&self) -> usize {
        self.edges.len()
    }

    /// Declares a node. Declaring a key again is allowed when the names agree (or one is absent).
    pub fn add_node(&mut self, node: Node) -> Result<()> {
        let input = self.node_inputs;
        self.node_inputs += 1;
        if matches!(node.key, NodeKey::Person(_)) && node.name.is_some() {
            let message = "persons are pseudonymous: give no name, only the opaque key";
            return Err(Error::field(format!("nodes[{input}].name"), message));
        }
        let Some(&slot) = self.nodes.get(node.key.as_str()) else {
            new_slot(&mut self.nodes, &mut self.slots, self.limits.max_nodes, node.key, node.name)?;
            return Ok(());
        };
        if let Some((key, name)) = self.slots.get_mut(slot as usize) {
            match (name.as_deref(), node.name) {
                (Some(old), Some(new)) if old != new => {
                    let key = key.as_str();
                    let message = format!("`{key}` was declared before with the name `{old}`");
                    return Err(Error::field(format!("nodes[{input}].name"), message));
                }
                (None, new) => *name = new,
                _ => {}
            }
        }
        Ok(())
    }

    /// Adds an edge after checking its shares (in [0, 1]) and dates (end not before start).
    pub fn add_edge(&mut self, edge: Edge) -> Result<()> {
        let path = |field: &str| format!("edges[{}]{field}", self.edges.len());
        match &edge.relation {
            Relation::Shareholding { share, vote_share, .. } => {
                check_share(*share, || path(".share"))?;
                if let Some(v) = vote_share {
                    check_share(*v, || path(".vote_share"))?;
                }
            }
            Relation::Guarantee { start, end: Some(end), .. } if end < start => {
                return Err(Error::dates(
                    path(""),
                    format!("guarantee ends ({end}) before it starts ({start})"),
                ));
            }
            _ => {}
        }
        if self.edges.len() >= self.limits.max_edges {
            return Err(Error::LimitExceeded {
                what: "edges".to_owned(),
                limit: self.limits.max_edges,
                found: self.edges.len() + 1,
            });
        }
        self.edges.push(edge);
        Ok(())
    }

    /// Resolves every key, applies the policies and freezes the graph.
    pub fn freeze(mut self) -> Result<(RelationGraph, BuildReport)> {
        let mut report = BuildReport::default();
        let mut ends: Vec<[u32; 2]> = Vec::with_capacity(self.edges.len());
        for (i, edge) in self.edges.iter().enumerate() {
            let mut pair = [0, 0];
            for (slot, (text, end)) in pair.iter_mut().zip([(&edge.from, "from"), (&edge.to, "to")])
            {
                let path = || format!("edges[{i}].{end}");
                *slot = resolve(
                    &mut self.nodes,
                    &mut self.slots,
                    self.policy,
                    self.limits.max_nodes,
                    text,
                    path,
                    &mut report,
                )?;
            }
            ends.push(pair);
        }
        report.implied_enterprises.sort_unstable();
        // Number the nodes in key order (enterprises by code, then persons by key), so that
        // indices, and every result computed from them, ignore the order of the input.
        let mut order: Vec<u32> = (0..self.slots.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.slots[a as usize].0.cmp(&self.slots[b as usize].0));
        let mut rank = vec![0u32; order.len()];
        let mut graph = RelationGraph::default();
        let mut slots: Vec<Option<(NodeKey, Option<String>)>> =
            std::mem::take(&mut self.slots).into_iter().map(Some).collect();
        for (i, &slot) in order.iter().enumerate() {
            rank[slot as usize] = i as u32;
            if let Some((key, name)) = slots[slot as usize].take() {
                graph.keys.push(key);
                graph.names.push(name);
            }
        }
        for index in self.nodes.values_mut() {
            *index = rank[*index as usize];
        }
        graph.index = std::mem::take(&mut self.nodes);
        let mut resolved = Vec::with_capacity(self.edges.len());
        for (input, (edge, [from, to])) in self.edges.iter().zip(&ends).enumerate() {
            let (from, to) = (rank[*from as usize], rank[*to as usize]);
            let r = Resolved { from, to, relation: &edge.relation, input };
            check_ends(&graph, &r)?;
            resolved.push(r);
        }
        self.split(&mut graph, &resolved, &mut report)?;
        report
            .duplicates_merged
            .sort_unstable_by(|a, b| (a.kind, &a.from, &a.to).cmp(&(b.kind, &b.from, &b.to)));
        Ok((graph, report))
    }

    fn split(
        &self,
        graph: &mut RelationGraph,
        edges: &[Resolved<'_>],
        report: &mut BuildReport,
    ) -> Result<()> {
        let n = graph.node_count();
        let of = |kind: EdgeKind| edges.iter().filter(move |e| e.relation.kind() == kind);
        let pairs = |kind: EdgeKind, report: &mut BuildReport| -> Result<EdgeTable> {
            let mut rows: Vec<(u32, u32, usize)> =
                of(kind).map(|e| (e.from, e.to, e.input)).collect();
            rows.sort_unstable();
            let rows = dedupe(graph, kind, rows, self.policy.duplicates, report, |r| (r.0, r.1))?;
            Ok(EdgeTable::new(
                n,
                rows.iter().map(|r| r.0).collect(),
                rows.iter().map(|r| r.1).collect(),
            ))
        };
        let control = pairs(EdgeKind::ControlAgreement, report)?;
        let supply = pairs(EdgeKind::SupplyChain, report)?;
        let mut roles: Vec<(u32, u32, super::model::Role, usize)> = of(EdgeKind::KeyRole)
            .filter_map(|e| match e.relation {
                Relation::KeyRole { role } => Some((e.from, e.to, *role, e.input)),
                _ => None,
            })
            .collect();
        roles.sort_unstable();
        let roles = dedupe(graph, EdgeKind::KeyRole, roles, self.policy.duplicates, report, |r| {
            (r.0, r.1, r.2)
        })?;
        let key_roles = KeyRoles {
            edges: EdgeTable::new(
                n,
                roles.iter().map(|r| r.0).collect(),
                roles.iter().map(|r| r.1).collect(),
            ),
            role: roles.iter().map(|r| r.2).collect(),
        };
        let mut g = Guarantees::default();
        let mut guarantees: Vec<&Resolved<'_>> = of(EdgeKind::Guarantee).collect();
        guarantees.sort_by_key(|e| (e.from, e.to, e.input));
        let (mut from, mut to) = (Vec::new(), Vec::new());
        for e in guarantees {
            if let Relation::Guarantee { amount, start, end, status } = e.relation {
                from.push(e.from);
                to.push(e.to);
                g.amount.push(*amount);
                g.start.push(*start);
                g.end.push(*end);
                g.status.push(*status);
            }
        }
        g.edges = EdgeTable::new(n, from, to);
        let holdings: Vec<&Resolved<'_>> = of(EdgeKind::Shareholding).collect();
        let shareholdings = shares::normalise(graph, &holdings, self.policy, report)?;
        graph.control_agreements = control;
        graph.supply_chain = supply;
        graph.key_roles = key_roles;
        graph.guarantees = g;
        graph.shareholdings = shareholdings;
        Ok(())
    }
}

/// The slot of the node an edge end refers to, creating an implied enterprise if the policy
/// allows.
fn resolve(
    nodes: &mut HashMap<String, u32>,
    slots: &mut Vec<(NodeKey, Option<String>)>,
    policy: BuildPolicy,
    max_nodes: usize,
    text: &str,
    path: impl Fn() -> String,
    report: &mut BuildReport,
) -> Result<u32> {
    if let Some(&slot) = nodes.get(text) {
        return Ok(slot);
    }
    let code = Uscc::parse(text).map_err(|e| {
        let message = format!(
            "no node is declared with key `{}`, and it is not a valid USCC ({e})",
            text.chars().take(40).collect::<String>()
        );
        Error::field(path(), message)
    })?;
    let key = code.as_str();
    if let Some(&slot) = nodes.get(key) {
        return Ok(slot);
    }
    if !policy.implicit_enterprises {
        return Err(Error::field(path(), format!("no node is declared with key `{key}`")));
    }
    report.implied_enterprises.push(key.to_owned());
    new_slot(nodes, slots, max_nodes, NodeKey::Enterprise(code), None)
}

/// Registers a node under a new slot, refusing more than `max_nodes` (at most what `u32`
/// indices can number).
fn new_slot(
    nodes: &mut HashMap<String, u32>,
    slots: &mut Vec<(NodeKey, Option<String>)>,
    max_nodes: usize,
    key: NodeKey,
    name: Option<String>,
) -> Result<u32> {
    let slot = u32::try_from(slots.len())
        .ok()
        .filter(|&s| (s as usize) < max_nodes.min(INDEX_LIMIT))
        .ok_or_else(|| {
            let (what, found) = ("nodes".to_owned(), slots.len() + 1);
            Error::LimitExceeded { what, limit: max_nodes.min(INDEX_LIMIT), found }
        })?;
    nodes.insert(key.as_str().to_owned(), slot);
    slots.push((key, name));
    Ok(slot)
}

/// Keeps the first of each run of rows with the same identity (rows are sorted, the input
/// position last), refusing or reporting the rest.
fn dedupe<R, K: PartialEq>(
    graph: &RelationGraph,
    kind: EdgeKind,
    rows: Vec<R>,
    policy: DuplicatePolicy,
    report: &mut BuildReport,
    identity: impl Fn(&R) -> K,
) -> Result<Vec<R>>
where
    R: Copy + Ends,
{
    let mut kept: Vec<R> = Vec::with_capacity(rows.len());
    let mut count = 1usize;
    for row in rows {
        match kept.last() {
            Some(last) if identity(last) == identity(&row) => {
                if policy == DuplicatePolicy::Reject {
                    return Err(duplicate_error(row.input(), last.input()));
                }
                count += 1;
            }
            _ => {
                flush_merge(graph, kind, kept.last(), count, report);
                count = 1;
                kept.push(row);
            }
        }
    }
    flush_merge(graph, kind, kept.last(), count, report);
    Ok(kept)
}

fn flush_merge<R: Ends>(
    graph: &RelationGraph,
    kind: EdgeKind,
    row: Option<&R>,
    count: usize,
    report: &mut BuildReport,
) {
    if let (Some(row), true) = (row, count > 1) {
        let (from, to) = row.ends();
        let (from, to) = (graph.key_str(from).to_owned(), graph.key_str(to).to_owned());
        report.duplicates_merged.push(DuplicateMerge { kind, from, to, count });
    }
}

pub(crate) fn duplicate_error(input: usize, first: usize) -> Error {
    Error::field(
        format!("edges[{input}]"),
        format!("duplicates `edges[{first}]` (same kind and ends)"),
    )
}

/// Row shapes that carry their endpoints and input position last.
pub(crate) trait Ends {
    fn ends(&self) -> (u32, u32);
    fn input(&self) -> usize;
}

impl Ends for (u32, u32, usize) {
    fn ends(&self) -> (u32, u32) {
        (self.0, self.1)
    }
    fn input(&self) -> usize {
        self.2
    }
}

impl Ends for (u32, u32, super::model::Role, usize) {
    fn ends(&self) -> (u32, u32) {
        (self.0, self.1)
    }
    fn input(&self) -> usize {
        self.3
    }
}

fn check_share(value: Decimal, path: impl Fn() -> String) -> Result<()> {
    if value < Decimal::ZERO || value > Decimal::ONE {
        return Err(Error::field(path(), format!("a share must lie in [0, 1], found {value}")));
    }
    Ok(())
}

/// Persons are never held or controlled, and only persons hold key roles.
fn check_ends(graph: &RelationGraph, e: &Resolved<'_>) -> Result<()> {
    let path = |end: &str| format!("edges[{}].{end}", e.input);
    let to_person = graph.is_person(e.to);
    match e.relation.kind() {
        EdgeKind::Shareholding | EdgeKind::ControlAgreement if to_person => Err(Error::field(
            path("to"),
            "a person cannot be held or controlled; `to` must be an enterprise",
        )),
        EdgeKind::KeyRole if !graph.is_person(e.from) || to_person => {
            Err(Error::field(path("from"), "a key role runs from a person to an enterprise"))
        }
        _ => Ok(()),
    }
}
