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
    /// Per node, `[start, length]` of the sorted nodes controlling it in `arena`.
    ranges: Vec<[u32; 2]>,
    arena: Vec<u32>,
    /// Nodes with more than [`MAX_CONTROLLING`] controllers, or below one: their sets are not
    /// kept, and the per-firm query answers them.
    deep: Vec<bool>,
    /// Nodes whose holders may exceed [`OwnershipConfig::max_ancestors`](super::OwnershipConfig)
    /// (an upper bound passed it): the per-firm query decides them, error included.
    crowded: Vec<bool>,
}

impl RegistryControl {
    /// Every node controlling `v` (directly or through firms it controls), sorted.
    fn controlling(&self, v: u32) -> &[u32] {
        let Some(&[start, len]) = self.ranges.get(v as usize) else { return &[] };
        self.arena.get(start as usize..start as usize + len as usize).unwrap_or(&[])
    }

    /// Fills `into` with the ultimate controllers of `v`: those controlling it that nobody
    /// controls, sorted; false for a node whose controllers were not kept.
    pub(crate) fn ultimate(&self, v: u32, into: &mut Vec<u32>) -> bool {
        if self.deep.get(v as usize).copied().unwrap_or(true) {
            return false;
        }
        // A node controlling `v` is above it, so it is not deep either (deep spreads down).
        let found = self.controlling(v).iter().copied();
        into.extend(found.filter(|&x| self.controlling(x).is_empty()));
        true
    }

    /// Whether `v` may have more holders than the per-firm query accepts.
    pub(crate) fn crowded(&self, v: u32) -> bool {
        self.crowded.get(v as usize).copied().unwrap_or(true)
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
                self.graph.is_person(from) || self.components.of(from) <= self.components.of(to)
            })
        });
        let union;
        let components: &Components = if in_order {
            &self.components
        } else {
            let from: Vec<u32> = holdings.from.iter().chain(&agreements.from).copied().collect();
            let to: Vec<u32> = holdings.to.iter().chain(&agreements.to).copied().collect();
            union = strongly_connected(&Csr::from_edges(n, &from, &to));
            &union
        };
        let limit = self.config.max_ancestors;
        let mut out = RegistryControl {
            ranges: vec![[0, 0]; n],
            arena: Vec::new(),
            crowded: vec![false; n],
            deep: vec![false; n],
        };
        // An upper bound of each node's holders, saturated past the limit.
        let mut holders_bound = vec![0usize; n];
        let mut stakes: Vec<(u32, Decimal)> = Vec::new();
        let mut found: Vec<u32> = Vec::new();
        for c in 0..components.count() as u32 {
            let members = components.members(c);
            let mut bound = members.len() - 1;
            for &s in members {
                for &h in holdings
                    .reverse()
                    .neighbours(s)
                    .iter()
                    .chain(agreements.reverse().neighbours(s))
                {
                    if components.of(h) != c {
                        let above = holders_bound.get(h as usize).copied().unwrap_or(limit);
                        bound = bound
                            .saturating_add(above.saturating_add(1))
                            .min(limit.saturating_add(1));
                    }
                }
            }
            for &s in members {
                holders_bound[s as usize] = bound;
                out.crowded[s as usize] = bound > limit;
            }
            if let [t] = members {
                if self.graph.is_person(*t) {
                    continue;
                }
                if self.control_step(*t, &out, &[], &[], &mut stakes, &mut found) {
                    push_range(&mut out, *t, &found)?;
                } else {
                    out.deep[*t as usize] = true;
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
                    out.deep[t as usize] = true;
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
                Err(_) if out.deep.get(h as usize).copied().unwrap_or(false) => return false,
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
    if let Some(slot) = out.ranges.get_mut(v as usize) {
        *slot = [start, len];
    }
    Some(())
}
