//! Integrated ownership, beneficial owners and control over the shareholding edges.
//!
//! Integrated ownership is `W̃ = (I − W)⁻¹ W`, where `W[i][j]` is the capital share of `j` held
//! by `i`: every chain of holdings, cycles included. For one firm `t` the column `x = W̃[·][t]`
//! satisfies `x = W[·][t] + W x`, which is solved one strongly connected component at a time,
//! from `t` upwards through its holders: a component without a cycle is a single substitution, a
//! cycle `S` is `x_S = (I − W_SS)⁻¹ b_S`, with the inverse computed once per cycle (see
//! [`linalg`](super::linalg) for why floating point is used there). Only the holders of `t` are
//! visited, so a query costs time proportional to its ownership tree, not to the registry.
//!
//! A cycle that leaks no equity outside (a closed cross-holding ring) makes `I − W_SS` singular:
//! it is detected from its column sums and reported, never inverted. Holders whose stake in `t`
//! runs through such a ring are left out of the result entirely, and the result says so.

mod chains;
mod control;
mod float;
mod node_bits;
mod owners;
mod person_shares;
mod registry;
mod registry_control;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::linalg::invert;
use super::model::NodeKind;
use super::relation::RelationGraph;
use super::scc::{Components, strongly_connected};
use crate::error::{Error, Result};
use node_bits::NodeBits;

pub use owners::{BeneficialOwner, BeneficialOwners, Chain, OwnerBasis};
pub use registry::{FirmOwners, RegistryOwners};

/// Tolerance for "this cycle keeps all of its equity inside".
const CLOSED_EPSILON: f64 = 1e-12;

/// How a person's stake is measured for the beneficial-owner test. Integrated ownership
/// ([`Ownership::of`]) is always the matrix method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnershipMethod {
    /// The absorbing-chain share `U = W_PC (I − W_CC)⁻¹`: every chain, walks around cycles
    /// included. The default.
    #[default]
    Matrix,
    /// Sum over simple chains of the product of their shares, the figure quoted in Chinese
    /// practice; it ignores walks around cycles and equals the matrix method without cycles.
    SimplePaths,
    /// The largest, over simple chains, of the smallest share on the chain: the academic
    /// control measure.
    WeakestLink,
}

/// Settings of the ownership analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OwnershipConfig {
    /// How stakes are measured for the beneficial-owner test (default: the matrix method).
    pub method: OwnershipMethod,
    /// Share from which a natural person is a beneficial owner (default 0.25).
    #[serde(with = "crate::num::decimal")]
    pub threshold: Decimal,
    /// Whether a share equal to the threshold qualifies. Default `true`: PBOC/SAMR order 2024
    /// No. 3 says "25% or more"; the 2017 notice said "more than 25%".
    pub threshold_inclusive: bool,
    /// Most chains reported per beneficial owner (the largest first).
    pub max_chains: usize,
    /// Most search steps spent enumerating the chains of one owner; beyond it the list is
    /// marked truncated.
    pub max_chain_steps: usize,
    /// Largest ownership cycle solved densely; a larger one is reported as unresolvable.
    pub max_cycle_size: usize,
    /// Most holders (direct and indirect) one query may visit.
    pub max_ancestors: usize,
}

impl Default for OwnershipConfig {
    fn default() -> Self {
        OwnershipConfig {
            method: OwnershipMethod::Matrix,
            threshold: Decimal::new(25, 2),
            threshold_inclusive: true,
            max_chains: 5,
            max_chain_steps: 100_000,
            max_cycle_size: 1_000,
            max_ancestors: 10_000,
        }
    }
}

/// Why a cycle of cross-holdings has no integrated ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnresolvableReason {
    /// Every member is wholly held inside the cycle: `I − W_SS` is singular.
    ClosedRing,
    /// `I − W_SS` is singular or the chain sum diverges (possible only with oversubscribed
    /// firms kept as given).
    Divergent,
    /// The cycle is larger than [`OwnershipConfig::max_cycle_size`].
    TooLarge,
}

/// A cycle of cross-holdings whose integrated ownership cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnresolvableCycle {
    /// Its members, sorted.
    pub members: Vec<String>,
    /// Why.
    pub reason: UnresolvableReason,
}

/// A firm whose direct holders sum above 1 (kept under `OversubscribedPolicy::Keep`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnSum {
    /// The firm.
    pub firm: String,
    /// Sum of its holders' capital shares.
    #[serde(with = "crate::num::decimal")]
    pub total: Decimal,
}

/// One holder's integrated stake in a firm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntegratedShare {
    /// The holder's key.
    pub owner: String,
    /// Enterprise or person.
    pub kind: NodeKind,
    /// Direct capital share (0 if the stake is only indirect).
    #[serde(with = "crate::num::decimal")]
    pub direct: Decimal,
    /// Integrated share over all chains, rounded to six decimals.
    #[serde(with = "crate::num::decimal")]
    pub integrated: Decimal,
    /// The unrounded value, for callers that chain further computations.
    #[serde(skip)]
    pub raw: f64,
}

/// The integrated ownership of one firm: one column of `W̃`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirmOwnership {
    /// The firm.
    pub firm: String,
    /// Every direct or indirect holder with a positive stake, in node order (enterprises by
    /// USCC, then persons by key). The firm itself appears when it holds itself through a cycle.
    pub owners: Vec<IntegratedShare>,
    /// Cycles among the holders that could not be solved; holders whose stake runs through one
    /// are left out of `owners`.
    pub unresolvable: Vec<UnresolvableCycle>,
}

impl FirmOwnership {
    /// The unrounded integrated share of `owner`, if it has one.
    pub fn raw(&self, owner: &str) -> Option<f64> {
        self.owners.iter().find(|o| o.owner == owner).map(|o| o.raw)
    }
}

/// How a cycle is solved: its inverse, or why it has none.
enum CycleSolution {
    Inverse(Vec<f64>),
    Unresolvable(UnresolvableReason),
}

/// The ownership analysis of a graph: components and cycle inverses computed once, queries per
/// firm.
pub struct Ownership<'g> {
    graph: &'g RelationGraph,
    config: OwnershipConfig,
    weight: Vec<f64>,
    components: Components,
    cycles: HashMap<u32, CycleSolution>,
    /// Whether each node is a person: one bit per node, where the keys take tens of bytes, so
    /// that passes over the whole registry read it from cache.
    persons: NodeBits,
}

impl<'g> Ownership<'g> {
    /// Prepares the analysis: finds the cycles and inverts each leaking one.
    pub fn new(graph: &'g RelationGraph, config: OwnershipConfig) -> Ownership<'g> {
        let holdings = graph.shareholdings();
        let weight: Vec<f64> = holdings.share.iter().map(|&s| float::decimal_to_f64(s)).collect();
        let components = strongly_connected(holdings.edges().forward());
        let mut persons = NodeBits::new(graph.node_count());
        for v in (0..graph.node_count() as u32).filter(|&v| graph.is_person(v)) {
            persons.insert(v);
        }
        let mut analysis =
            Ownership { graph, config, weight, components, cycles: HashMap::new(), persons };
        let cycles: Vec<u32> = analysis.components.nontrivial().collect();
        for c in cycles {
            let solution = analysis.solve_cycle(c);
            analysis.cycles.insert(c, solution);
        }
        analysis
    }

    /// Whether node `v` is a person (false for an unknown node).
    fn person(&self, v: u32) -> bool {
        self.persons.contains(v)
    }

    /// The settings in use.
    pub fn config(&self) -> &OwnershipConfig {
        &self.config
    }

    /// Firms whose direct holders sum above 1, in node order. Sums within 1e-20 of 1 are not
    /// flagged: they come from the 28-digit rounding of shares rescaled by the build.
    pub fn oversubscribed(&self) -> Vec<ColumnSum> {
        let limit = Decimal::ONE + Decimal::new(1, 20);
        let holdings = self.graph.shareholdings();
        let reverse = holdings.edges().reverse();
        (0..self.graph.node_count() as u32)
            .filter_map(|v| {
                let total: Decimal = reverse.edge_ids(v).map(|e| holdings.share(e)).sum();
                (total > limit).then(|| ColumnSum { firm: self.graph.key_str(v).to_owned(), total })
            })
            .collect()
    }

    /// Every cycle that cannot be solved, in component order.
    pub fn unresolvable(&self) -> Vec<UnresolvableCycle> {
        let mut cycles: Vec<u32> = self
            .cycles
            .iter()
            .filter_map(|(&c, s)| matches!(s, CycleSolution::Unresolvable(_)).then_some(c))
            .collect();
        cycles.sort_unstable();
        cycles.into_iter().filter_map(|c| self.cycle_report(c)).collect()
    }

    fn cycle_report(&self, c: u32) -> Option<UnresolvableCycle> {
        let Some(CycleSolution::Unresolvable(reason)) = self.cycles.get(&c) else { return None };
        let members =
            self.components.members(c).iter().map(|&v| self.graph.key_str(v).to_owned()).collect();
        Some(UnresolvableCycle { members, reason: *reason })
    }

    fn solve_cycle(&self, c: u32) -> CycleSolution {
        let members = self.components.members(c);
        let m = members.len();
        if m > self.config.max_cycle_size {
            return CycleSolution::Unresolvable(UnresolvableReason::TooLarge);
        }
        let local: HashMap<u32, usize> = members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
        // a = I − W_SS, row i = holder, column j = firm held.
        let mut a = vec![0.0; m * m];
        let mut held_inside = vec![0.0; m];
        let forward = self.graph.shareholdings().edges().forward();
        for (i, &v) in members.iter().enumerate() {
            a[i * m + i] = 1.0;
            for (w, e) in forward.arcs(v) {
                if let Some(&j) = local.get(&w) {
                    let share = self.weight.get(e as usize).copied().unwrap_or(0.0);
                    a[i * m + j] -= share;
                    held_inside[j] += share;
                }
            }
        }
        if held_inside.iter().all(|&h| h >= 1.0 - CLOSED_EPSILON) {
            return CycleSolution::Unresolvable(UnresolvableReason::ClosedRing);
        }
        match invert(a, m) {
            // For W ≥ 0, (I − W)⁻¹ is entrywise non-negative exactly when the chain sum
            // converges: a negative entry means the series diverges.
            Some(inv) if inv.iter().all(|&v| v >= -CLOSED_EPSILON) => CycleSolution::Inverse(inv),
            _ => CycleSolution::Unresolvable(UnresolvableReason::Divergent),
        }
    }

    /// The node index of an enterprise key, or an error naming the argument.
    fn firm_index(&self, firm: &str) -> Result<u32> {
        let v = self
            .graph
            .index_of(firm)
            .ok_or_else(|| Error::field("firm", format!("no node has the key `{firm}`")))?;
        if self.graph.is_person(v) {
            return Err(Error::field("firm", "a person has no shareholders"));
        }
        Ok(v)
    }

    /// All direct and indirect holders of `t` (including `t`), in node order, reached through
    /// the reverse adjacencies given.
    fn ancestors(&self, t: u32, reverse: &[&super::csr::Csr]) -> Result<Vec<u32>> {
        let mut seen = Visited::new(t);
        let mut queue = vec![t];
        while let Some(v) = queue.pop() {
            for csr in reverse {
                for &w in csr.neighbours(v) {
                    if seen.insert(w) {
                        // The firm itself is in `seen` but is not one of its holders.
                        let holders = seen.len() - 1;
                        if holders > self.config.max_ancestors {
                            return Err(Error::LimitExceeded {
                                what: "holders of one firm".to_owned(),
                                limit: self.config.max_ancestors,
                                found: holders,
                            });
                        }
                        queue.push(w);
                    }
                }
            }
        }
        let mut out = seen.nodes;
        out.sort_unstable();
        Ok(out)
    }

    /// The integrated ownership of one firm (a column of `W̃`).
    pub fn of(&self, firm: &str) -> Result<FirmOwnership> {
        let t = self.firm_index(firm)?;
        let column = self.column(t)?;
        let holdings = self.graph.shareholdings();
        let direct = |v: u32| -> Decimal {
            holdings
                .edges()
                .forward()
                .arcs(v)
                .filter(|&(w, _)| w == t)
                .map(|(_, e)| holdings.share(e))
                .sum()
        };
        let owners = column
            .values
            .iter()
            .filter(|(_, x)| *x > 0.0)
            .filter_map(|&(v, x)| {
                let key = self.graph.key(v)?;
                Some(IntegratedShare {
                    owner: key.as_str().to_owned(),
                    kind: key.kind(),
                    direct: direct(v),
                    integrated: round6(x),
                    raw: x,
                })
            })
            .collect();
        let unresolvable =
            column.unresolvable.iter().filter_map(|&c| self.cycle_report(c)).collect();
        Ok(FirmOwnership { firm: self.graph.key_str(t).to_owned(), owners, unresolvable })
    }

    /// Solves `x = W[·][t] + W x` over the holders of `t`, component by component from `t`
    /// upwards (decreasing component number: a holder's component is numbered lower).
    fn column(&self, t: u32) -> Result<Column> {
        let holdings = self.graph.shareholdings();
        let ancestors = self.ancestors(t, &[holdings.edges().reverse()])?;
        let local = Local(&ancestors);
        let mut x = vec![0.0; ancestors.len()];
        let mut tainted = vec![false; ancestors.len()];
        // What each holder's equation has collected so far: W[s][t], then W[s][k] · x_k pushed
        // from every solved k outside its component. Pushing along the reverse arcs of the
        // solved holders costs the edges among the holders of `t`; pulling along each holder's
        // own holdings would cost its whole portfolio, and a person holding a million firms
        // would make every query of those firms a million steps.
        let mut collected = vec![0.0; ancestors.len()];
        let mut collected_taint = vec![false; ancestors.len()];
        let reverse = holdings.edges().reverse();
        for (s, e) in reverse.arcs(t) {
            if let Some(i) = local.get(s) {
                collected[i] += self.weight.get(e as usize).copied().unwrap_or(0.0);
            }
        }
        let mut comps: Vec<u32> = ancestors.iter().map(|&v| self.components.of(v)).collect();
        comps.sort_unstable_by(|a, b| b.cmp(a));
        comps.dedup();
        let mut unresolvable = Vec::new();
        for c in comps {
            let members = self.components.members(c);
            // b_s = W[s][t] + Σ over holdings s → k outside the component of W[s][k] · x_k.
            let at = |s: &u32| local.get(*s);
            let b: Vec<f64> = members.iter().map(|s| at(s).map_or(0.0, |i| collected[i])).collect();
            let mut taint = members.iter().any(|s| at(s).is_some_and(|i| collected_taint[i]));
            let solved: Vec<f64> = match self.cycles.get(&c) {
                None => b,
                Some(CycleSolution::Inverse(inv)) => {
                    let m = members.len();
                    (0..m).map(|i| (0..m).map(|j| inv[i * m + j] * b[j]).sum()).collect()
                }
                Some(CycleSolution::Unresolvable(_)) => {
                    unresolvable.push(c);
                    taint = true;
                    vec![0.0; members.len()]
                }
            };
            for (&k, value) in members.iter().zip(solved) {
                let Some(i) = at(&k) else { continue };
                x[i] = value;
                tainted[i] = taint;
                for (s, e) in reverse.arcs(k) {
                    if self.components.of(s) == c {
                        continue;
                    }
                    if let Some(j) = local.get(s) {
                        let w = self.weight.get(e as usize).copied().unwrap_or(0.0);
                        collected[j] += w * value;
                        collected_taint[j] |= taint && w > 0.0;
                    }
                }
            }
        }
        unresolvable.sort_unstable();
        let values = ancestors
            .iter()
            .zip(x.iter().zip(&tainted))
            .filter(|(_, (_, t))| !**t)
            .map(|(&v, (&x, _))| (v, x))
            .collect();
        Ok(Column { ancestors, values, unresolvable })
    }
}

/// The nodes an ancestor search has reached, in the order reached. Most firms have a handful of
/// holders, for which a linear scan beats hashing; a set takes over past a few dozen.
struct Visited {
    nodes: Vec<u32>,
    set: Option<std::collections::HashSet<u32>>,
}

impl Visited {
    /// Past this many nodes, membership is looked up in a hash set.
    const LINEAR: usize = 32;

    fn new(first: u32) -> Visited {
        Visited { nodes: vec![first], set: None }
    }

    /// Adds `v`; false if it was already there.
    fn insert(&mut self, v: u32) -> bool {
        let new = match &mut self.set {
            Some(set) => set.insert(v),
            None => !self.nodes.contains(&v),
        };
        if new {
            self.nodes.push(v);
            if self.set.is_none() && self.nodes.len() > Self::LINEAR {
                self.set = Some(self.nodes.iter().copied().collect());
            }
        }
        new
    }

    fn len(&self) -> usize {
        self.nodes.len()
    }
}

/// Position of a node among the sorted holders of a query: a binary search instead of a map
/// built for every query.
#[derive(Clone, Copy)]
pub(crate) struct Local<'a>(pub(crate) &'a [u32]);

impl Local<'_> {
    pub(crate) fn get(&self, v: u32) -> Option<usize> {
        self.0.binary_search(&v).ok()
    }
}

/// One solved column: the holders visited, their untainted values, and the unsolvable cycles.
struct Column {
    ancestors: Vec<u32>,
    values: Vec<(u32, f64)>,
    unresolvable: Vec<u32>,
}

/// Rounds to six decimals through the exact decimal expansion of the `f64`, so every platform
/// prints the same digits.
pub(crate) fn round6(x: f64) -> Decimal {
    if !x.is_finite() {
        return Decimal::ZERO;
    }
    format!("{:.6}", x.max(0.0)).parse::<Decimal>().map(|d| d.normalize()).unwrap_or_default()
}
