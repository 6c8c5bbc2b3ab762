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

/// Where one firm's answer lies in the shared columns (each end is exclusive, the start being
/// the previous firm's end).
struct FirmRecord {
    firm: u32,
    basis: OwnerBasis,
    owners_end: usize,
    controllers_end: usize,
    unresolvable_end: usize,
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
        let mut out = RegistryOwners {
            ownership: self,
            firms: Vec::new(),
            owners: Vec::new(),
            controllers: Vec::new(),
            unresolvable: Vec::new(),
            errors: HashMap::new(),
            per_firm: 0,
        };
        let firms = (0..self.graph.node_count() as u32).filter(|&v| !self.person(v));
        let shared =
            self.config.method == OwnershipMethod::Matrix && self.config.threshold > Decimal::ZERO;
        if !shared {
            for t in firms {
                out.per_firm += 1;
                let decided = self.measure_and_select(t).map(|(selection, ..)| selection);
                out.push(t, decided);
            }
            return Ok(out);
        }
        let (shares, control) = self.shares_and_control()?;
        let mut tainted_by: HashMap<u32, Vec<u32>> = HashMap::new();
        // round6(x) ≤ x + 5e-7: below this floor no rounding reaches the threshold.
        let floor = self.config.threshold.to_f64().unwrap_or(f64::INFINITY) - 1e-6;
        // The lists of the previous firm, emptied and reused.
        let mut spare = (Vec::new(), Vec::new());
        for t in firms {
            let fast = if control.crowded(t) {
                None
            } else {
                let (mut owners, mut controllers) = std::mem::take(&mut spare);
                owners.clear();
                controllers.clear();
                let pass = Pass { floor, shares: &shares, control: &control };
                self.select_from_pass(t, &pass, &mut tainted_by, owners, controllers)
            };
            let decided = match fast {
                Some(selection) => Ok(selection),
                None => {
                    out.per_firm += 1;
                    self.measure_and_select(t).map(|(selection, ..)| selection)
                }
            };
            if let Some(selection) = out.push(t, decided) {
                spare = (selection.owners, selection.controllers);
            }
        }
        Ok(out)
    }

    /// Every node's person shares and controllers. Both walk the components holders first;
    /// when control runs over the same components (no agreement closes a new cycle), one walk
    /// does both, so that each component's holders, read for its person shares, are still in
    /// cache when its controllers are found.
    fn shares_and_control(&self) -> Result<(PersonShares, RegistryControl)> {
        let too_many = || Error::LimitExceeded {
            what: "control links of a registry".to_owned(),
            limit: u32::MAX as usize,
            found: u32::MAX as usize,
        };
        let union = self.control_components();
        let mut shares = self.person_pass();
        let mut control = self.control_pass();
        let count = self.components.count() as u32;
        match &union {
            None => {
                for c in 0..count {
                    self.person_component(c, &mut shares)?;
                    self.control_component(&self.components, c, &mut control)
                        .ok_or_else(too_many)?;
                }
            }
            Some(union) => {
                for c in 0..count {
                    self.person_component(c, &mut shares)?;
                }
                for c in 0..union.count() as u32 {
                    self.control_component(union, c, &mut control).ok_or_else(too_many)?;
                }
            }
        }
        Ok((shares.finish(), control.finish()))
    }

    /// One firm's owners from the shared vectors, or `None` when a share lies too close to a
    /// rounding step to be sure of its sixth decimal. `by_share` and `controllers` are empty
    /// lists to fill.
    fn select_from_pass(
        &self,
        t: u32,
        pass: &Pass<'_>,
        tainted_by: &mut HashMap<u32, Vec<u32>>,
        mut by_share: Vec<(u32, Decimal)>,
        mut controllers: Vec<u32>,
    ) -> Option<OwnerSelection> {
        let Pass { floor, shares, control } = *pass;
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
    /// Shares below this cannot round up to the threshold.
    floor: f64,
    shares: &'p PersonShares,
    control: &'p RegistryControl,
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
    /// Records one firm's answer; gives back the selection, whose lists may be reused.
    fn push(&mut self, firm: u32, decided: Result<OwnerSelection>) -> Option<OwnerSelection> {
        let (basis, selection) = match decided {
            Ok(selection) => {
                self.owners.extend_from_slice(&selection.owners);
                self.controllers.extend_from_slice(&selection.controllers);
                self.unresolvable.extend_from_slice(&selection.unresolvable);
                (selection.basis, Some(selection))
            }
            Err(error) => {
                self.errors.insert(self.firms.len(), error);
                (OwnerBasis::None, None)
            }
        };
        self.firms.push(FirmRecord {
            firm,
            basis,
            owners_end: self.owners.len(),
            controllers_end: self.controllers.len(),
            unresolvable_end: self.unresolvable.len(),
        });
        selection
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
        let (record, start) = self.record(position)?;
        Ok(FirmOwners {
            firm: record.firm,
            basis: record.basis,
            owners: self.owners.get(start.0..record.owners_end).unwrap_or(&[]),
            controllers: self.controllers.get(start.1..record.controllers_end).unwrap_or(&[]),
        })
    }

    /// The report of the enterprise at `position`: equal to [`Ownership::beneficial_owners`]
    /// of that firm when `chains` is set, and without chains (empty lists, not truncated)
    /// otherwise.
    pub fn report(&self, position: usize, chains: bool) -> Result<BeneficialOwners> {
        let (record, start) = self.record(position)?;
        let selection = OwnerSelection {
            basis: record.basis,
            owners: self.owners.get(start.0..record.owners_end).unwrap_or(&[]).to_vec(),
            controllers: self
                .controllers
                .get(start.1..record.controllers_end)
                .unwrap_or(&[])
                .to_vec(),
            unresolvable: self
                .unresolvable
                .get(start.2..record.unresolvable_end)
                .unwrap_or(&[])
                .to_vec(),
        };
        self.ownership.report_owners(record.firm, &selection, chains, None, |_| None)
    }

    /// The reports of every enterprise in node order (see [`RegistryOwners::report`]).
    pub fn reports(&self, chains: bool) -> impl Iterator<Item = Result<BeneficialOwners>> + '_ {
        (0..self.len()).map(move |i| self.report(i, chains))
    }

    /// The record at `position` and the starts of its runs (owners, controllers, cycles).
    fn record(&self, position: usize) -> Result<(&FirmRecord, (usize, usize, usize))> {
        if let Some(error) = self.errors.get(&position) {
            return Err(error.clone());
        }
        let record = self
            .firms
            .get(position)
            .ok_or_else(|| Error::field("firm", format!("no enterprise at position {position}")))?;
        let start = match position.checked_sub(1).and_then(|p| self.firms.get(p)) {
            Some(before) => (before.owners_end, before.controllers_end, before.unresolvable_end),
            None => (0, 0, 0),
        };
        Ok((record, start))
    }
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
