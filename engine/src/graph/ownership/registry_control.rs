//! Majority control of every firm in one pass down the condensation of holdings and control
//! agreements.
//!
//! For a fixed `X`, the per-firm search grows the set of firms `X` controls until nothing more
//! joins. Read the other way round, `X` controls `Y` (`X ≠ Y`) exactly when the holders of `Y`
//! that are `X` or controlled by `X` hold more than half of its votes, each holder counted once.
//! So the controllers of a firm follow from its holders' controllers: holders first, one
//! component of the holdings-and-agreements graph at a time, and inside a cycle by repeating
//! that rule from no controllers until nothing changes (the least fixpoint, which is what the
//! per-firm search reaches for every `X` at once). The per-firm search sums stakes in decimals;
//! here they are summed exactly as integers in units of 10^-28, which decides "more than half"
//! the same way (see [`vote_units`]).

use rust_decimal::Decimal;

use super::Ownership;
use super::node_bits::NodeBits;
use crate::graph::csr::Csr;
use crate::graph::scc::{Components, strongly_connected};

/// Most controllers kept for one node. A long chain of majority stakes gives the firm at its
/// foot every firm above as a controller, which would make the sets quadratic in the chain's
/// length; past this many, the per-firm query answers the firm and every firm below it.
const MAX_CONTROLLING: usize = 64;

/// Who controls whom across the registry.
pub(crate) struct RegistryControl {
    /// Per node, what a firm below it reads, together in one cache line.
    nodes: Vec<NodeControl>,
    arena: Vec<u32>,
    /// The nodes with at least one controller: [`RegistryControl::ultimate`] asks it of every
    /// controller found, which one bit per node answers from cache.
    controlled: NodeBits,
}

/// One node's controllers and holder count.
#[derive(Clone, Copy, Default)]
struct NodeControl {
    /// `[start, length]` of the sorted nodes controlling it in `arena`.
    start: u32,
    len: u32,
    /// An upper bound of its holders, saturated past the limit (and the node count).
    bound: u32,
    /// More than [`MAX_CONTROLLING`] controllers, or below such a node: the set is not kept,
    /// and the per-firm query answers the node.
    deep: bool,
    /// Its holders may exceed [`OwnershipConfig::max_ancestors`](super::OwnershipConfig) (the
    /// bound passed it): the per-firm query decides it, error included.
    crowded: bool,
}

impl RegistryControl {
    /// Every node controlling `v` (directly or through firms it controls), sorted.
    fn controlling(&self, v: u32) -> &[u32] {
        let Some(node) = self.nodes.get(v as usize) else { return &[] };
        let start = node.start as usize;
        self.arena.get(start..start + node.len as usize).unwrap_or(&[])
    }

    fn deep(&self, v: u32) -> bool {
        self.nodes.get(v as usize).is_none_or(|node| node.deep)
    }

    /// Fills `into` with the ultimate controllers of `v`: those controlling it that nobody
    /// controls, sorted; false for a node whose controllers were not kept.
    pub(crate) fn ultimate(&self, v: u32, into: &mut Vec<u32>) -> bool {
        if self.deep(v) {
            return false;
        }
        // A node controlling `v` is above it, so it is not deep either (deep spreads down).
        let found = self.controlling(v).iter().copied();
        into.extend(found.filter(|&x| !self.controlled.contains(x)));
        true
    }

    /// Whether `v` may have more holders than the per-firm query accepts.
    pub(crate) fn crowded(&self, v: u32) -> bool {
        self.nodes.get(v as usize).is_none_or(|node| node.crowded)
    }
}

/// The control pass between two components: what is found so far and the buffers reused.
pub(crate) struct ControlPass {
    out: RegistryControl,
    stakes: Vec<(u32, i128)>,
    found: Vec<u32>,
    /// Past this many holders, the per-firm query decides.
    limit: usize,
    /// Where the holder bound saturates.
    cap: usize,
}

impl ControlPass {
    /// The controllers found so far: those of every component visited.
    pub(crate) fn so_far(&self) -> &RegistryControl {
        &self.out
    }

    /// The controllers of every node, once every component has been visited.
    pub(crate) fn finish(self) -> RegistryControl {
        self.out
    }
}

impl Ownership<'_> {
    /// The components control is found over when they are not those of the holdings, which
    /// serve when every agreement runs from an earlier component (or within one) or from a
    /// person: persons have no holders, so their place in the order does not matter. Otherwise
    /// the agreements may close new cycles, and the components of holdings and agreements
    /// together are returned.
    pub(crate) fn control_components(&self) -> Option<Components> {
        let holdings = self.graph.shareholdings().edges();
        let agreements = self.graph.control_agreements();
        let in_order = (0..agreements.len() as u32).all(|e| {
            agreements.endpoints(e).is_none_or(|(from, to)| {
                self.person(from) || self.components.of(from) <= self.components.of(to)
            })
        });
        if in_order {
            return None;
        }
        let n = self.graph.node_count();
        let (mut from, mut to) = (Vec::new(), Vec::new());
        for table in [holdings.forward(), agreements.forward()] {
            for v in 0..n as u32 {
                from.extend(table.neighbours(v).iter().map(|_| v));
                to.extend_from_slice(table.neighbours(v));
            }
        }
        Some(strongly_connected(&Csr::from_edges(n, &from, &to)))
    }

    /// A control pass before any component.
    pub(crate) fn control_pass(&self) -> ControlPass {
        let n = self.graph.node_count();
        let limit = self.config.max_ancestors;
        ControlPass {
            out: RegistryControl {
                nodes: vec![NodeControl::default(); n],
                arena: Vec::new(),
                controlled: NodeBits::new(n),
            },
            stakes: Vec::new(),
            found: Vec::new(),
            limit,
            // Holders number fewer than the nodes: the bound saturates there too, so it fits
            // u32.
            cap: limit.saturating_add(1).min(n),
        }
    }

    /// Finds the controllers of the members of component `c` of `components`, every earlier
    /// component being done; `None` when the registry has more control links than `u32` can
    /// number.
    pub(crate) fn control_component(
        &self,
        components: &Components,
        c: u32,
        pass: &mut ControlPass,
    ) -> Option<()> {
        let holdings = self.graph.shareholdings().edges();
        let agreements = self.graph.control_agreements();
        let ControlPass { out, stakes, found, limit, cap } = pass;
        let (limit, cap) = (*limit, *cap);
        let members = components.members(c);
        let mut bound = members.len() - 1;
        let single = members.len() == 1;
        for &s in members {
            let reverse = holdings.reverse().neighbours(s);
            for &h in reverse.iter().chain(agreements.reverse().neighbours(s)) {
                if if single { h != s } else { components.of(h) != c } {
                    let above = out.nodes.get(h as usize).map_or(cap, |node| node.bound as usize);
                    bound = bound.saturating_add(above + 1).min(cap);
                }
            }
        }
        for &s in members {
            if let Some(node) = out.nodes.get_mut(s as usize) {
                node.bound = bound as u32;
                node.crowded = bound > limit;
            }
        }
        if let [t] = members {
            if self.person(*t) {
                return Some(());
            }
            if self.control_step(*t, out, &[], &[], stakes, found) {
                push_range(out, *t, found)?;
            } else if let Some(node) = out.nodes.get_mut(*t as usize) {
                node.deep = true;
            }
            return Some(());
        }
        // A cycle: repeat the rule from no controllers until nothing changes.
        let mut inside: Vec<Vec<u32>> = vec![Vec::new(); members.len()];
        let mut deep = false;
        'fixpoint: loop {
            let mut changed = false;
            for (i, &t) in members.iter().enumerate() {
                if !self.control_step(t, out, members, &inside, stakes, found) {
                    deep = true;
                    break 'fixpoint;
                }
                if *found != inside[i] {
                    inside[i].clone_from(found);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (&t, found) in members.iter().zip(&inside) {
            if deep {
                if let Some(node) = out.nodes.get_mut(t as usize) {
                    node.deep = true;
                }
            } else {
                push_range(out, t, found)?;
            }
        }
        Some(())
    }

    /// The nodes controlling `t` given its holders' controllers: those already recorded, or
    /// for holders among `members` (sorted) the current `inside` sets, written to `found`.
    /// False when a holder's set was not kept or this one grows past [`MAX_CONTROLLING`].
    fn control_step(
        &self,
        t: u32,
        out: &RegistryControl,
        members: &[u32],
        inside: &[Vec<u32>],
        stakes: &mut Vec<(u32, i128)>,
        found: &mut Vec<u32>,
    ) -> bool {
        let holdings = self.graph.shareholdings();
        let agreements = self.graph.control_agreements();
        stakes.clear();
        let shares =
            holdings.edges().reverse().arcs(t).map(|(h, e)| (h, vote_units(holdings.votes(e))));
        let deals = agreements.reverse().neighbours(t).iter().map(|&h| (h, WHOLE));
        for (h, stake) in shares.chain(deals) {
            let above = match members.binary_search(&h) {
                Ok(i) => inside.get(i).map_or(&[][..], Vec::as_slice),
                Err(_) if out.deep(h) => return false,
                Err(_) => out.controlling(h),
            };
            stakes.push((h, stake));
            stakes.extend(above.iter().map(|&x| (x, stake)));
        }
        // Integer sums are exact, so the order among one node's stakes does not matter.
        stakes.sort_unstable_by_key(|&(x, _)| x);
        found.clear();
        for run in stakes.chunk_by(|a, b| a.0 == b.0) {
            let x = run.first().map_or(t, |&(x, _)| x);
            let total = run.iter().fold(0i128, |sum, &(_, stake)| sum.saturating_add(stake));
            if x != t && total > WHOLE / 2 {
                found.push(x);
            }
        }
        found.len() <= MAX_CONTROLLING
    }
}

/// A whole vote in [`vote_units`].
const WHOLE: i128 = 10_i128.pow(28);

/// A vote share in units of 10^-28: exact for every decimal of at most 28 decimals (all of
/// them) up to about 10^10, so sums of these integers are exact where `Decimal` sums would round
/// past 7.9 (then far above one half either way). Shares and votes lie in [0, 1], checked when
/// the graph is built; anything larger saturates, which keeps it above one half.
fn vote_units(vote: Decimal) -> i128 {
    let scale = 28u32.saturating_sub(vote.scale());
    vote.mantissa().saturating_mul(10_i128.pow(scale))
}

/// Appends `found` as the controllers of `v`; `None` past `u32` positions.
fn push_range(out: &mut RegistryControl, v: u32, found: &[u32]) -> Option<()> {
    let start = u32::try_from(out.arena.len()).ok()?;
    let len = u32::try_from(found.len()).ok()?;
    out.arena.extend_from_slice(found);
    u32::try_from(out.arena.len()).ok()?;
    if let Some(node) = out.nodes.get_mut(v as usize) {
        node.start = start;
        node.len = len;
    }
    if len > 0 {
        out.controlled.insert(v);
    }
    Some(())
}
