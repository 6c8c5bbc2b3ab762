//! Every firm's ultimate person shares in one pass down the condensation.
//!
//! The absorbing-chain share `U = W_PC (I − W_CC)⁻¹` satisfies, for a firm `t` outside any
//! cycle, `U[·][t] = Σ_h W[h][t] · U[·][h]` over its holders `h` (a person's own vector being
//! itself with share 1). Components are numbered holders first, so walking them in order finds
//! every holder's vector already made: each firm's vector is one merge of its holders' sparse
//! vectors, where the per-firm query walks the firm's whole ownership tree again. A cycle `S`
//! takes the vectors flowing in from outside, `b`, and solves `u_S = b (I − W_SS)⁻¹` with the
//! inverse [`Ownership::new`] made once.
//!
//! A cycle without a solution gives its members no vector; every firm below it records it, so
//! that the persons whose stake runs through it are left out as the per-firm query leaves them
//! out (see [`Ownership::tainted_persons`]).

use std::collections::HashSet;

use super::node_bits::NodeBits;
use super::{CycleSolution, Ownership};
use crate::error::{Error, Result};

/// Marks a node whose holders include no unsolvable cycle.
const NO_CYCLES: u32 = u32::MAX;

/// The sparse person-share vector of every node and the unsolvable cycles above it.
pub(crate) struct PersonShares {
    /// Per node, `[start, length]` of its vector in `entries`.
    ranges: Vec<[u32; 2]>,
    /// `(person, share)` pairs, each node's run sorted by person index.
    entries: Vec<(u32, f64)>,
    /// Per node, an index into `cycle_sets`, or [`NO_CYCLES`].
    cycles_of: Vec<u32>,
    /// The nodes whose `cycles_of` is set: most have no unsolvable cycle above them, and this
    /// says so from cache where `cycles_of` would cost a miss per holder.
    below_cycles: NodeBits,
    /// Sorted component numbers of unsolvable cycles; shared by every node below the same ones.
    cycle_sets: Vec<Vec<u32>>,
}

impl PersonShares {
    /// The `(person, share)` pairs of node `v`, sorted by person (empty for a person: its
    /// vector is implicit).
    pub(crate) fn of(&self, v: u32) -> &[(u32, f64)] {
        let Some(&[start, len]) = self.ranges.get(v as usize) else { return &[] };
        self.entries.get(start as usize..start as usize + len as usize).unwrap_or(&[])
    }

    /// The unsolvable cycles among the holders of `v` (its own included), sorted.
    pub(crate) fn unresolvable(&self, v: u32) -> &[u32] {
        match self.cycles_of.get(v as usize) {
            Some(&set) if set != NO_CYCLES => {
                self.cycle_sets.get(set as usize).map_or(&[], Vec::as_slice)
            }
            _ => &[],
        }
    }
}

/// The person-share pass between two components: the vectors made so far and the buffers
/// reused.
pub(crate) struct PersonPass {
    out: PersonShares,
    scratch: Vec<(u32, f64)>,
    inflow: Vec<(u32, usize, f64)>,
}

impl PersonPass {
    /// The vectors made so far: those of every component visited.
    pub(crate) fn so_far(&self) -> &PersonShares {
        &self.out
    }

    /// Every node's vector, once every component has been visited.
    pub(crate) fn finish(self) -> PersonShares {
        self.out
    }
}

impl Ownership<'_> {
    /// A person-share pass before any component.
    pub(crate) fn person_pass(&self) -> PersonPass {
        let n = self.graph.node_count();
        PersonPass {
            out: PersonShares {
                ranges: vec![[0, 0]; n],
                entries: Vec::new(),
                cycles_of: vec![NO_CYCLES; n],
                below_cycles: NodeBits::new(n),
                cycle_sets: Vec::new(),
            },
            scratch: Vec::new(),
            inflow: Vec::new(),
        }
    }

    /// Computes the vectors of the members of component `c`, every earlier component (its
    /// holders) being done.
    pub(crate) fn person_component(&self, c: u32, pass: &mut PersonPass) -> Result<()> {
        let PersonPass { out, scratch, inflow } = pass;
        let members = self.components.members(c);
        self.record_cycles(c, members, out);
        // A single node is never a cycle (self-holdings are removed when building).
        let solution = if members.len() > 1 { self.cycles.get(&c) } else { None };
        match solution {
            None => {
                for &t in members {
                    if self.person(t) {
                        continue;
                    }
                    scratch.clear();
                    self.gather(t, out, |_| true, |p, x| scratch.push((p, x)));
                    let start = out.entries.len();
                    merge_sorted(scratch, &mut out.entries);
                    set_range(out, t, start)?;
                }
            }
            Some(CycleSolution::Inverse(inv)) => {
                inflow.clear();
                for (j, &s) in members.iter().enumerate() {
                    let outside = |h| self.components.of(h) != c;
                    self.gather(s, out, outside, |p, x| inflow.push((p, j, x)));
                }
                self.solve_inflow(members, inv, inflow, out)?;
            }
            // No vector: every firm below records the cycle instead.
            Some(CycleSolution::Unresolvable(_)) => {}
        }
        Ok(())
    }

    /// Calls `push(person, share)` for every contribution of `t`'s holders with a positive
    /// stake that `counts`: a person holder directly, a firm holder through its vector scaled by
    /// the stake.
    fn gather(
        &self,
        t: u32,
        out: &PersonShares,
        counts: impl Fn(u32) -> bool,
        mut push: impl FnMut(u32, f64),
    ) {
        for (h, e) in self.graph.shareholdings().edges().reverse().arcs(t) {
            let w = self.weight.get(e as usize).copied().unwrap_or(0.0);
            if w <= 0.0 || !counts(h) {
                continue;
            }
            if self.person(h) {
                push(h, w);
            } else {
                for &(p, x) in out.of(h) {
                    push(p, w * x);
                }
            }
        }
    }

    /// `u_S = b (I − W_SS)⁻¹` for every person flowing into the cycle `members`, `inflow`
    /// holding `(person, member, share)`; appends each member's vector.
    fn solve_inflow(
        &self,
        members: &[u32],
        inv: &[f64],
        inflow: &mut [(u32, usize, f64)],
        out: &mut PersonShares,
    ) -> Result<()> {
        let m = members.len();
        inflow.sort_by_key(|&(p, j, _)| (p, j));
        // One row `b` per person, in person order.
        let mut persons: Vec<u32> = Vec::new();
        let mut rows: Vec<f64> = Vec::new();
        for &(p, j, x) in inflow.iter() {
            if persons.last() != Some(&p) {
                persons.push(p);
                rows.extend(std::iter::repeat_n(0.0, m));
            }
            let base = (persons.len() - 1) * m;
            if let Some(slot) = rows.get_mut(base + j) {
                *slot += x;
            }
        }
        for (s, &member) in members.iter().enumerate() {
            let start = out.entries.len();
            for (i, &p) in persons.iter().enumerate() {
                let b = rows.get(i * m..(i + 1) * m).unwrap_or(&[]);
                let value: f64 = b
                    .iter()
                    .enumerate()
                    .map(|(j, &bj)| bj * inv.get(j * m + s).copied().unwrap_or(0.0))
                    .sum();
                out.entries.push((p, value));
            }
            set_range(out, member, start)?;
        }
        Ok(())
    }

    /// Records, for the members of component `c`, the unsolvable cycles above them: those of
    /// every holder outside `c`, and `c` itself when it has no solution.
    fn record_cycles(&self, c: u32, members: &[u32], out: &mut PersonShares) {
        let reverse = self.graph.shareholdings().edges().reverse();
        let mut sets: Vec<u32> = Vec::new();
        for &s in members {
            for &h in reverse.neighbours(s) {
                if !out.below_cycles.contains(h) {
                    continue;
                }
                let set = out.cycles_of.get(h as usize).copied().unwrap_or(NO_CYCLES);
                if set != NO_CYCLES && self.components.of(h) != c && !sets.contains(&set) {
                    sets.push(set);
                }
            }
        }
        let own = members.len() > 1
            && matches!(self.cycles.get(&c), Some(CycleSolution::Unresolvable(_)));
        let set = match (sets.as_slice(), own) {
            ([], false) => return,
            ([one], false) => *one,
            _ => {
                let mut union: Vec<u32> = sets
                    .iter()
                    .flat_map(|&s| out.cycle_sets.get(s as usize).into_iter().flatten().copied())
                    .collect();
                if own {
                    union.push(c);
                }
                union.sort_unstable();
                union.dedup();
                out.cycle_sets.push(union);
                (out.cycle_sets.len() - 1) as u32
            }
        };
        for &s in members {
            if let Some(slot) = out.cycles_of.get_mut(s as usize) {
                *slot = set;
                out.below_cycles.insert(s);
            }
        }
    }

    /// The persons whose stake runs through the unsolvable cycle `c`: those reaching it by
    /// positive holdings, where reaching one member of a component reaches all of them (the
    /// per-firm query taints a whole cycle at once). Sorted.
    pub(crate) fn tainted_persons(&self, c: u32) -> Vec<u32> {
        let reverse = self.graph.shareholdings().edges().reverse();
        let mut seen: HashSet<u32> = HashSet::new();
        let mut queue: Vec<u32> = Vec::new();
        let reach = |comp: u32, queue: &mut Vec<u32>, seen: &mut HashSet<u32>| {
            if seen.insert(comp) {
                queue.extend_from_slice(self.components.members(comp));
            }
        };
        reach(c, &mut queue, &mut seen);
        let mut persons = Vec::new();
        while let Some(k) = queue.pop() {
            if self.person(k) {
                persons.push(k);
            }
            let ck = self.components.of(k);
            for (s, e) in reverse.arcs(k) {
                let w = self.weight.get(e as usize).copied().unwrap_or(0.0);
                let cs = self.components.of(s);
                if w > 0.0 && cs != ck {
                    reach(cs, &mut queue, &mut seen);
                }
            }
        }
        persons.sort_unstable();
        persons
    }
}

/// Sorts `scratch` by person (keeping the holder order among equal persons, so sums are
/// reproducible) and appends one summed pair per person to `entries`.
fn merge_sorted(scratch: &mut [(u32, f64)], entries: &mut Vec<(u32, f64)>) {
    scratch.sort_by_key(|&(p, _)| p);
    let start = entries.len();
    for &(p, x) in scratch.iter() {
        let started = entries.len() > start;
        match entries.last_mut() {
            Some(last) if started && last.0 == p => last.1 += x,
            _ => entries.push((p, x)),
        }
    }
}

/// Records that `v`'s vector is `entries[start..]`.
fn set_range(out: &mut PersonShares, v: u32, start: usize) -> Result<()> {
    let too_many = || Error::LimitExceeded {
        what: "person shares of a registry".to_owned(),
        limit: u32::MAX as usize,
        found: out.entries.len(),
    };
    let begin = u32::try_from(start).map_err(|_| too_many())?;
    let len = u32::try_from(out.entries.len() - start).map_err(|_| too_many())?;
    u32::try_from(out.entries.len()).map_err(|_| too_many())?;
    if let Some(slot) = out.ranges.get_mut(v as usize) {
        *slot = [begin, len];
    }
    Ok(())
}
