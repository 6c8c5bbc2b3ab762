//! Majority control of every firm in one pass down the condensation of holdings and control
//! agreements.
//!
//! For a fixed `X`, the per-firm search grows the set of firms `X` controls until nothing more
//! joins. Read the other way round, `X` controls `Y` (`X ≠ Y`) exactly when the holders of `Y`
//! that are `X` or controlled by `X` hold more than half of its votes, each holder counted once.
//! So the controllers of a firm follow from its holders' controllers: holders first, one
//! component of the holdings-and-agreements graph at a time, and inside a cycle by repeating
//! that rule from no controllers until nothing changes (the least fixpoint, which is what the
//! per-firm search reaches for every `X` at once). Stakes are summed in decimals, as there.

use rust_decimal::Decimal;

use super::Ownership;
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
        into.extend(found.filter(|&x| self.controlling(x).is_empty()));
        true
    }

    /// Whether `v` may have more holders than the per-firm query accepts.
    pub(crate) fn crowded(&self, v: u32) -> bool {
        self.nodes.get(v as usize).is_none_or(|node| node.crowded)
    }
}

impl Ownership<'_> {
    /// Finds the controllers of every node, or `None` when the registry has more control
    /// links than `u32` can number.
    pub(crate) fn registry_control(&self) -> Option<RegistryControl> {
        let n = self.graph.node_count();
        let holdings = self.graph.shareholdings().edges();
        let agreements = self.graph.control_agreements();
        // The holdings' components serve when every agreement runs from an earlier component
        // (or within one) or from a person: persons have no holders, so their place in the
        // order does not matter. Otherwise the agreements may close new cycles.
        let in_order = (0..agreements.len() as u32).all(|e| {
            agreements.endpoints(e).is_none_or(|(from, to)| {
                self.person(from) || self.components.of(from) <= self.components.of(to)
            })
        });
        let union;
        let components: &Components = if in_order {
            &self.components
        } else {
            let (mut from, mut to) = (Vec::new(), Vec::new());
            for table in [holdings.forward(), agreements.forward()] {
                for v in 0..n as u32 {
                    from.extend(table.neighbours(v).iter().map(|_| v));
                    to.extend_from_slice(table.neighbours(v));
                }
            }
            union = strongly_connected(&Csr::from_edges(n, &from, &to));
            &union
        };
        let limit = self.config.max_ancestors;
        let mut out = RegistryControl { nodes: vec![NodeControl::default(); n], arena: Vec::new() };
        // Holders number fewer than the nodes: the bound saturates there too, so it fits u32.
        let cap = limit.saturating_add(1).min(n);
        let mut stakes: Vec<(u32, Decimal)> = Vec::new();
        let mut found: Vec<u32> = Vec::new();
        for c in 0..components.count() as u32 {
            let members = components.members(c);
            let mut bound = members.len() - 1;
            let single = members.len() == 1;
            for &s in members {
                let reverse = holdings.reverse().neighbours(s);
                for &h in reverse.iter().chain(agreements.reverse().neighbours(s)) {
                    if if single { h != s } else { components.of(h) != c } {
                        let above =
                            out.nodes.get(h as usize).map_or(cap, |node| node.bound as usize);
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
                    continue;
                }
                if self.control_step(*t, &out, &[], &[], &mut stakes, &mut found) {
                    push_range(&mut out, *t, &found)?;
                } else if let Some(node) = out.nodes.get_mut(*t as usize) {
                    node.deep = true;
                }
                continue;
            }
            // A cycle: repeat the rule from no controllers until nothing changes.
            let mut inside: Vec<Vec<u32>> = vec![Vec::new(); members.len()];
            let mut deep = false;
            'fixpoint: loop {
                let mut changed = false;
                for (i, &t) in members.iter().enumerate() {
                    if !self.control_step(t, &out, members, &inside, &mut stakes, &mut found) {
                        deep = true;
                        break 'fixpoint;
                    }
                    if found != inside[i] {
                        inside[i].clone_from(&found);
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
                    push_range(&mut out, t, found)?;
                }
            }
        }
        Some(out)
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
        stakes: &mut Vec<(u32, Decimal)>,
        found: &mut Vec<u32>,
    ) -> bool {
        let holdings = self.graph.shareholdings();
        let agreements = self.graph.control_agreements();
        stakes.clear();
        let shares = holdings.edges().reverse().arcs(t).map(|(h, e)| (h, holdings.votes(e)));
        let deals = agreements.reverse().neighbours(t).iter().map(|&h| (h, Decimal::ONE));
        for (h, stake) in shares.chain(deals) {
            let above = match members.binary_search(&h) {
                Ok(i) => inside.get(i).map_or(&[][..], Vec::as_slice),
                Err(_) if out.deep(h) => return false,
                Err(_) => out.controlling(h),
            };
            stakes.push((h, stake));
            stakes.extend(above.iter().map(|&x| (x, stake)));
        }
        stakes.sort_by_key(|&(x, _)| x);
        let half = Decimal::new(5, 1);
        found.clear();
        let mut i = 0;
        while let Some(&(x, _)) = stakes.get(i) {
            let mut total = Decimal::ZERO;
            while let Some(&(y, stake)) = stakes.get(i) {
                if y != x {
                    break;
                }
                total += stake;
                i += 1;
            }
            if x != t && total > half {
                found.push(x);
            }
        }
        found.len() <= MAX_CONTROLLING
    }
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
    Some(())
}
