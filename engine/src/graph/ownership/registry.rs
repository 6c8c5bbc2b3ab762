//! Beneficial owners of every firm of a registry in one pass.
//!
//! Asking [`Ownership::beneficial_owners`] firm by firm walks each firm's ownership tree again,
//! although the firm's holders were answered just before. The pass shares that work: every
//! firm's ultimate person shares are merged once from its holders' (see `person_shares`), its
//! controllers likewise (see `registry_control`), and the rules then pick the owners exactly as
//! the per-firm query does. The result is the per-firm result, owner for owner, share for share:
//!
//! - Shares are summed in floating point in another order than the per-firm query, so the two
//!   may differ in the last bits. Where such a difference could change the sixth decimal (a
//!   value within 1e-11 of a rounding step), the firm is answered by the per-firm query.
//! - A firm that may have more holders than [`OwnershipConfig::max_ancestors`] is also answered
//!   by the per-firm query, which reports the limit as it always does; so is a firm with more
//!   than 64 controllers (the foot of a long chain of majority stakes) and every firm below it,
//!   whose controller sets would otherwise grow with the square of the chain.
//! - The path-based methods ([`OwnershipMethod::SimplePaths`],
//!   [`OwnershipMethod::WeakestLink`]) measure each person by enumerating chains, which cannot
//!   be shared between firms; with them, and with a threshold of zero or less (every person
//!   with a path qualifies, even with no stake), every firm is answered by the per-firm query.
//!
//! Chains are not part of the pass: they explain a share and cost a search per owner. They are
//! found on demand, per firm, by [`RegistryOwners::report`].
//!
//! [`OwnershipConfig::max_ancestors`]: super::OwnershipConfig::max_ancestors

use std::collections::HashMap;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::owners::OwnerSelection;
use super::person_shares::PersonShares;
use super::registry_control::RegistryControl;
use super::{BeneficialOwners, OwnerBasis, Ownership, OwnershipMethod};
use crate::error::{Error, Result};

/// Values closer than this to a rounding step of the sixth decimal are left to the per-firm
/// query, whose summation order defines the reported digits.
const ROUNDING_GUARD: f64 = 1e-11;

/// The beneficial owners of every enterprise of a graph, in node order.
pub struct RegistryOwners<'a, 'g> {
    ownership: &'a Ownership<'g>,
    firms: Vec<FirmRecord>,
    owners: Vec<(u32, Decimal)>,
    controllers: Vec<u32>,
    unresolvable: Vec<u32>,
    /// The per-firm error of a firm, by position.
    errors: HashMap<usize, Error>,
    /// Firms answered by the per-firm query.
    per_firm: usize,
}

/// Where one firm's answer lies in the shared columns: `[start, end)` of its owners,
/// controllers and unsolvable cycles. Firms are answered in component order and recorded by
/// position, so each run is given by both ends.
#[derive(Clone, Copy)]
struct FirmRecord {
    firm: u32,
    basis: OwnerBasis,
    owners: [u32; 2],
    controllers: [u32; 2],
    unresolvable: [u32; 2],
}

/// One firm's beneficial owners as node indices, without keys or chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirmOwners<'r> {
    /// The firm's node index.
    pub firm: u32,
    /// Which rule applied.
    pub basis: OwnerBasis,
    /// The owners (node index, share rounded to six decimals), in node order.
    pub owners: &'r [(u32, Decimal)],
    /// The ultimate controllers, in node order.
    pub controllers: &'r [u32],
}

impl<'g> Ownership<'g> {
    /// The beneficial owners of every enterprise, in one pass over the registry: the same
    /// owners, shares, bases, controllers and unsolvable cycles as
    /// [`Ownership::beneficial_owners`] asked for each firm, chains found on demand.
    ///
    /// A firm for which the per-firm query fails keeps its error (see
    /// [`RegistryOwners::owners`]); the pass itself fails only when the registry's share
    /// vectors outgrow `u32` positions.
    pub fn registry_owners(&self) -> Result<RegistryOwners<'_, 'g>> {
        let n = self.graph.node_count() as u32;
        // Each enterprise's position, in node order.
        let mut position = vec![u32::MAX; n as usize];
        let mut firms = Vec::new();
        for t in (0..n).filter(|&v| !self.person(v)) {
            position[t as usize] = firms.len() as u32;
            let empty = [0, 0];
            let basis = OwnerBasis::None;
            firms.push(FirmRecord {
                firm: t,
                basis,
                owners: empty,
                controllers: empty,
                unresolvable: empty,
            });
        }
        let mut out = RegistryOwners {
            ownership: self,
            firms,
            owners: Vec::new(),
            controllers: Vec::new(),
            unresolvable: Vec::new(),
            errors: HashMap::new(),
            per_firm: 0,
        };
        let shared =
            self.config.method == OwnershipMethod::Matrix && self.config.threshold > Decimal::ZERO;
        if !shared {
            for i in 0..out.firms.len() {
                let t = out.firms[i].firm;
                out.per_firm += 1;
                let decided = self.measure_and_select(t).map(|(selection, ..)| selection);
                out.push(i, decided)?;
            }
            return Ok(out);
        }
        let mut decider = Decider {
            // round6(x) ≤ x + 5e-7: below this floor no rounding reaches the threshold.
            floor: self.config.threshold.to_f64().unwrap_or(f64::INFINITY) - 1e-6,
            tainted_by: HashMap::new(),
            spare: (Vec::new(), Vec::new()),
        };
        let mut decide = |members: &[u32], pass: &Pass<'_>, out: &mut RegistryOwners<'_, 'g>| {
            for &t in members {
                if let Some(&i) = position.get(t as usize).filter(|&&i| i != u32::MAX) {
                    self.decide(t, i as usize, pass, &mut decider, out)?;
                }
            }
            Ok(())
        };
        let walked = self.shares_and_control(|members, shares, control| {
            decide(members, &Pass { shares, control }, &mut out)
        })?;
        if let Walked::Apart(shares, control) = walked {
            let pass = Pass { shares: &shares, control: &control };
            let firms: Vec<u32> = out.firms.iter().map(|r| r.firm).collect();
            decide(&firms, &pass, &mut out)?;
        }
        Ok(out)
    }

    /// Decides firm `t` at `position` from the pass, or by the per-firm query when the pass
    /// cannot be sure of it, and records the answer.
    fn decide(
        &self,
        t: u32,
        position: usize,
        pass: &Pass<'_>,
        decider: &mut Decider,
        out: &mut RegistryOwners<'_, '_>,
    ) -> Result<()> {
        let fast = if pass.control.crowded(t) {
            None
        } else {
            let (mut owners, mut controllers) = std::mem::take(&mut decider.spare);
            owners.clear();
            controllers.clear();
            self.select_from_pass(t, pass, decider, owners, controllers)
        };
        let decided = match fast {
            Some(selection) => Ok(selection),
            None => {
                out.per_firm += 1;
                self.measure_and_select(t).map(|(selection, ..)| selection)
            }
        };
        if let Some(selection) = out.push(position, decided)? {
            decider.spare = (selection.owners, selection.controllers);
        }
        Ok(())
    }

    /// Every node's person shares and controllers, calling `done` with the members of each
    /// component as soon as both are known for them. Both walk the components holders first;
    /// when control runs over the same components (no agreement closes a new cycle), one walk
    /// does both and `done` follows each component, so that what it reads of the members, just
    /// written, is still in cache. Otherwise the two are walked apart, `done` is not called and
    /// both are returned.
    fn shares_and_control(
        &self,
        mut done: impl FnMut(&[u32], &PersonShares, &RegistryControl) -> Result<()>,
    ) -> Result<Walked> {
        let too_many = || Error::LimitExceeded {
            what: "control links of a registry".to_owned(),
            limit: u32::MAX as usize,
            found: u32::MAX as usize,
        };
        let union = self.control_components();
        let mut shares = self.person_pass();
        let mut control = self.control_pass();
        let count = self.components.count() as u32;
        let Some(union) = union else {
            for c in 0..count {
                self.person_component(c, &mut shares)?;
                self.control_component(&self.components, c, &mut control).ok_or_else(too_many)?;
                done(self.components.members(c), shares.so_far(), control.so_far())?;
            }
            return Ok(Walked::Together);
        };
        for c in 0..count {
            self.person_component(c, &mut shares)?;
        }
        for c in 0..union.count() as u32 {
            self.control_component(&union, c, &mut control).ok_or_else(too_many)?;
        }
        Ok(Walked::Apart(shares.finish(), control.finish()))
    }

    /// One firm's owners from the shared vectors, or `None` when a share lies too close to a
    /// rounding step to be sure of its sixth decimal. `by_share` and `controllers` are empty
    /// lists to fill.
    fn select_from_pass(
        &self,
        t: u32,
        pass: &Pass<'_>,
        decider: &mut Decider,
        mut by_share: Vec<(u32, Decimal)>,
        mut controllers: Vec<u32>,
    ) -> Option<OwnerSelection> {
        let Pass { shares, control } = *pass;
        let Decider { floor, tainted_by, .. } = decider;
        let floor = *floor;
        let cycles = shares.unresolvable(t);
        // Persons whose stake runs through an unsolvable cycle above the firm are left out,
        // as the per-firm query leaves them out.
        let mut tainted: Vec<u32> = Vec::new();
        for &c in cycles {
            let persons = tainted_by.entry(c).or_insert_with(|| self.tainted_persons(c));
            tainted.extend_from_slice(persons);
        }
        tainted.sort_unstable();
        let is_tainted = |p: u32| !tainted.is_empty() && tainted.binary_search(&p).is_ok();
        let vector = shares.of(t);
        for &(p, x) in vector {
            if x < floor || is_tainted(p) {
                continue;
            }
            let share = rounded(x)?;
            if self.qualifies(share) {
                by_share.push((p, share));
            }
        }
        let mut sure = true;
        let share_of = |p: u32| {
            if is_tainted(p) {
                return Decimal::ZERO;
            }
            match vector.binary_search_by_key(&p, |e| e.0) {
                Ok(i) => {
                    let x = vector.get(i).map_or(0.0, |e| e.1);
                    rounded(x).unwrap_or_else(|| {
                        sure = false;
                        Decimal::ZERO
                    })
                }
                Err(_) => Decimal::ZERO,
            }
        };
        if !control.ultimate(t, &mut controllers) {
            return None;
        }
        let selection = self.select_owners(t, by_share, controllers, cycles.to_vec(), share_of);
        sure.then_some(selection)
    }
}

/// What the pass computed once for every firm.
#[derive(Clone, Copy)]
struct Pass<'p> {
    shares: &'p PersonShares,
    control: &'p RegistryControl,
}

/// What deciding one firm from the pass carries from firm to firm.
struct Decider {
    /// Shares below this cannot round up to the threshold.
    floor: f64,
    /// The persons whose stake runs through each unsolvable cycle met so far.
    tainted_by: HashMap<u32, Vec<u32>>,
    /// The lists of the previous firm, emptied and reused.
    spare: (Vec<(u32, Decimal)>, Vec<u32>),
}

/// How the person shares and the controllers were walked.
enum Walked {
    /// In one walk, each component decided as it was done.
    Together,
    /// Apart, over different components: nothing decided yet.
    Apart(PersonShares, RegistryControl),
}

/// `round6(x)` computed without formatting, or `None` when `x` lies within
/// [`ROUNDING_GUARD`] of a rounding step (where only the per-firm sum decides).
fn rounded(x: f64) -> Option<Decimal> {
    if !x.is_finite() || x <= 0.0 {
        return Some(Decimal::ZERO);
    }
    let scaled = x * 1e6;
    let fraction = scaled - scaled.floor();
    if (fraction - 0.5).abs() < ROUNDING_GUARD * 1e6 {
        return None;
    }
    let mut units = scaled.round().to_i64()?;
    // Without trailing zeros, as `round6` gives them.
    let mut scale = 6;
    while scale > 0 && units % 10 == 0 {
        units /= 10;
        scale -= 1;
    }
    Some(Decimal::new(units, scale))
}

impl<'a, 'g> RegistryOwners<'a, 'g> {
    /// Records the answer of the firm at `position`; gives back the selection, whose lists
    /// may be reused. Fails when the shared columns outgrow `u32` positions.
    fn push(
        &mut self,
        position: usize,
        decided: Result<OwnerSelection>,
    ) -> Result<Option<OwnerSelection>> {
        let (basis, selection) = match decided {
            Ok(selection) => (selection.basis, Some(selection)),
            Err(error) => {
                self.errors.insert(position, error);
                (OwnerBasis::None, None)
            }
        };
        let (owners, controllers, unresolvable) = match &selection {
            Some(s) => (
                append(&mut self.owners, &s.owners)?,
                append(&mut self.controllers, &s.controllers)?,
                append(&mut self.unresolvable, &s.unresolvable)?,
            ),
            None => ([0, 0], [0, 0], [0, 0]),
        };
        if let Some(record) = self.firms.get_mut(position) {
            record.basis = basis;
            record.owners = owners;
            record.controllers = controllers;
            record.unresolvable = unresolvable;
        }
        Ok(selection)
    }

    /// Number of enterprises.
    pub fn len(&self) -> usize {
        self.firms.len()
    }

    /// Whether the graph has no enterprise.
    pub fn is_empty(&self) -> bool {
        self.firms.is_empty()
    }

    /// How many firms the per-firm query answered (see the module documentation).
    pub fn answered_per_firm(&self) -> usize {
        self.per_firm
    }

    /// The node index of the enterprise at `position` (enterprises in node order).
    pub fn firm(&self, position: usize) -> Option<u32> {
        self.firms.get(position).map(|r| r.firm)
    }

    /// The owners of the enterprise at `position`, or the error the per-firm query gives it.
    pub fn owners(&self, position: usize) -> Result<FirmOwners<'_>> {
        let record = self.record(position)?;
        Ok(FirmOwners {
            firm: record.firm,
            basis: record.basis,
            owners: run(&self.owners, record.owners),
            controllers: run(&self.controllers, record.controllers),
        })
    }

    /// The report of the enterprise at `position`: equal to [`Ownership::beneficial_owners`]
    /// of that firm when `chains` is set, and without chains (empty lists, not truncated)
    /// otherwise.
    pub fn report(&self, position: usize, chains: bool) -> Result<BeneficialOwners> {
        let record = self.record(position)?;
        let selection = OwnerSelection {
            basis: record.basis,
            owners: run(&self.owners, record.owners).to_vec(),
            controllers: run(&self.controllers, record.controllers).to_vec(),
            unresolvable: run(&self.unresolvable, record.unresolvable).to_vec(),
        };
        self.ownership.report_owners(record.firm, &selection, chains, None, |_| None)
    }

    /// The reports of every enterprise in node order (see [`RegistryOwners::report`]).
    pub fn reports(&self, chains: bool) -> impl Iterator<Item = Result<BeneficialOwners>> + '_ {
        (0..self.len()).map(move |i| self.report(i, chains))
    }

    /// The record at `position`.
    fn record(&self, position: usize) -> Result<&FirmRecord> {
        if let Some(error) = self.errors.get(&position) {
            return Err(error.clone());
        }
        self.firms
            .get(position)
            .ok_or_else(|| Error::field("firm", format!("no enterprise at position {position}")))
    }
}

/// Appends `items` to a shared column and gives their `[start, end)`.
fn append<T: Copy>(column: &mut Vec<T>, items: &[T]) -> Result<[u32; 2]> {
    let too_many = || Error::LimitExceeded {
        what: "owners of a registry".to_owned(),
        limit: u32::MAX as usize,
        found: column.len().saturating_add(items.len()),
    };
    let start = u32::try_from(column.len()).map_err(|_| too_many())?;
    let end = u32::try_from(column.len() + items.len()).map_err(|_| too_many())?;
    column.extend_from_slice(items);
    Ok([start, end])
}

/// The items of a shared column in `[start, end)`.
fn run<T>(column: &[T], [start, end]: [u32; 2]) -> &[T] {
    column.get(start as usize..end as usize).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::ownership::round6;

    #[test]
    fn rounding_without_formatting_agrees_away_from_the_steps() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let x = (state >> 11) as f64 / (1u64 << 53) as f64 * 1.2;
            if let Some(fast) = rounded(x) {
                assert_eq!(fast.to_string(), round6(x).to_string(), "{x}");
            }
        }
        for x in [1e-7, 4e-7, 0.1, 0.000_01, 1.0, 0.120_000_2] {
            assert_eq!(rounded(x).unwrap().to_string(), round6(x).to_string(), "{x}");
        }
        assert_eq!(rounded(0.638_297_872_340_425_5), Some(Decimal::new(638_298, 6)));
        assert_eq!(rounded(0.25), Some(Decimal::new(25, 2)));
        assert_eq!(rounded(-1e-17), Some(Decimal::ZERO));
        assert_eq!(rounded(f64::NAN), Some(Decimal::ZERO));
        // 0.5 · 0.500001 lies on a step: only the per-firm sum decides it.
        assert_eq!(rounded(0.5 * 0.500_001), None);
        assert_eq!(rounded(0.000_000_5), None);
    }
}
