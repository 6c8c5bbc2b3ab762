//! Beneficial owners (受益所有人) of a firm, in the order the rules prescribe: natural persons
//! owning at least the threshold, else the actual controllers, else the legal representative.

use rust_decimal::Decimal;
use serde::Serialize;

use super::chains::{Chain as FoundChain, Chains};
use super::{Ownership, OwnershipMethod, UnresolvableCycle, round6};
use crate::error::Result;
use crate::graph::model::Role;

pub use super::chains::Chain;

/// Which rule identified the beneficial owners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerBasis {
    /// Persons whose stake, measured by the configured method, reaches the threshold.
    Ownership,
    /// Persons who ultimately control the firm by majority or agreement.
    Control,
    /// No owner or controller qualifies: the legal representative stands in.
    LegalRepresentative,
    /// Nothing in the graph identifies anyone.
    None,
}

/// One beneficial owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BeneficialOwner {
    /// The person's key.
    pub person: String,
    /// The person's stake in the firm by the configured
    /// [`OwnershipMethod`](super::OwnershipMethod) (by default the absorbing-chain share
    /// `U = W_PC (I − W_CC)⁻¹`), rounded to six decimals; zero for a legal representative
    /// without equity.
    #[serde(with = "crate::num::decimal")]
    pub share: Decimal,
    /// The largest chains of holdings that carry the share (at most
    /// [`OwnershipConfig::max_chains`](super::OwnershipConfig::max_chains)).
    pub chains: Vec<FoundChain>,
    /// Whether the chain search hit its step budget.
    pub chains_truncated: bool,
}

/// The beneficial owners of one firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BeneficialOwners {
    /// The firm.
    pub firm: String,
    /// Which rule applied.
    pub basis: OwnerBasis,
    /// The owners, in node order.
    pub owners: Vec<BeneficialOwner>,
    /// Ultimate controllers of the firm (enterprises included), in node order.
    pub controllers: Vec<String>,
    /// Cross-holding cycles among the holders that could not be solved.
    pub unresolvable: Vec<UnresolvableCycle>,
}

impl Ownership<'_> {
    /// Identifies the beneficial owners of a firm.
    pub fn beneficial_owners(&self, firm: &str) -> Result<BeneficialOwners> {
        let t = self.firm_index(firm)?;
        let column = self.column(t)?;
        let controllers = self.controller_indices(t)?;
        let qualifies = |share: Decimal| {
            share > self.config.threshold
                || (self.config.threshold_inclusive && share == self.config.threshold)
        };
        // Every person in the ownership tree, with the stake the configured method gives.
        let mut measured: Vec<(u32, Decimal, Option<Chains>)> = column
            .ancestors
            .iter()
            .filter(|&&p| self.graph.is_person(p))
            .map(|&p| match self.config.method {
                OwnershipMethod::Matrix => {
                    let x = column.values.iter().find(|(v, _)| *v == p).map_or(0.0, |e| e.1);
                    (p, round6(x), None)
                }
                OwnershipMethod::SimplePaths => {
                    let found = self.chains(p, t, &column.ancestors);
                    (p, round6(found.product_sum), Some(found))
                }
                OwnershipMethod::WeakestLink => {
                    let found = self.chains(p, t, &column.ancestors);
                    (p, round6(found.weakest_link), Some(found))
                }
            })
            .collect();
        let by_share: Vec<u32> = measured.iter().filter(|m| qualifies(m.1)).map(|m| m.0).collect();
        let by_control: Vec<u32> =
            controllers.iter().copied().filter(|&v| self.graph.is_person(v)).collect();
        let (basis, persons) = if !by_share.is_empty() {
            (OwnerBasis::Ownership, by_share)
        } else if !by_control.is_empty() {
            (OwnerBasis::Control, by_control)
        } else {
            let roles = self.graph.key_roles();
            let mut reps: Vec<u32> = roles
                .edges()
                .reverse()
                .arcs(t)
                .filter(|&(_, e)| roles.role(e) == Some(Role::LegalRepresentative))
                .map(|(v, _)| v)
                .collect();
            reps.sort_unstable();
            reps.dedup();
            let basis =
                if reps.is_empty() { OwnerBasis::None } else { OwnerBasis::LegalRepresentative };
            (basis, reps)
        };
        let owners = persons
            .into_iter()
            .map(|p| {
                let entry = measured.iter_mut().find(|m| m.0 == p);
                let share = entry.as_ref().map_or(Decimal::ZERO, |m| m.1);
                let found = entry
                    .and_then(|m| m.2.take())
                    .unwrap_or_else(|| self.chains(p, t, &column.ancestors));
                BeneficialOwner {
                    person: self.graph.key_str(p).to_owned(),
                    share,
                    chains: found.chains,
                    chains_truncated: found.truncated,
                }
            })
            .collect();
        Ok(BeneficialOwners {
            firm: self.graph.key_str(t).to_owned(),
            basis,
            owners,
            controllers: controllers.iter().map(|&v| self.graph.key_str(v).to_owned()).collect(),
            unresolvable: column
                .unresolvable
                .iter()
                .filter_map(|&c| self.cycle_report(c))
                .collect(),
        })
    }
}
