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

/// Who the beneficial owners of a firm are, by node index, before keys and chains are
/// attached: what the per-firm query and the whole-registry pass both decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnerSelection {
    pub(crate) basis: OwnerBasis,
    /// The owners with their shares, in node order.
    pub(crate) owners: Vec<(u32, Decimal)>,
    /// Ultimate controllers, in node order.
    pub(crate) controllers: Vec<u32>,
    /// Unsolvable cycles among the holders, by component number.
    pub(crate) unresolvable: Vec<u32>,
}

impl Ownership<'_> {
    /// Whether a share, rounded as reported, makes a person a beneficial owner.
    pub(crate) fn qualifies(&self, share: Decimal) -> bool {
        share > self.config.threshold
            || (self.config.threshold_inclusive && share == self.config.threshold)
    }

    /// Applies the order the rules prescribe: the persons `by_share` (those whose stake
    /// qualifies, in node order), else the persons among the ultimate `controllers`, else the
    /// legal representatives of `t`. `share_of` gives the stake reported for a controller or a
    /// legal representative.
    pub(crate) fn select_owners(
        &self,
        t: u32,
        by_share: Vec<(u32, Decimal)>,
        controllers: Vec<u32>,
        unresolvable: Vec<u32>,
        mut share_of: impl FnMut(u32) -> Decimal,
    ) -> OwnerSelection {
        let (basis, owners) = if !by_share.is_empty() {
            (OwnerBasis::Ownership, by_share)
        } else if controllers.iter().any(|&v| self.graph.is_person(v)) {
            let persons = controllers.iter().copied().filter(|&v| self.graph.is_person(v));
            (OwnerBasis::Control, persons.map(|p| (p, share_of(p))).collect())
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
            (basis, reps.into_iter().map(|p| (p, share_of(p))).collect())
        };
        OwnerSelection { basis, owners, controllers, unresolvable }
    }

    /// The report of a selection, with each owner's chains when `chains` is set (`within` the
    /// sorted holders of `t`; found again when not given) and empty chain lists otherwise.
    /// `found` holds chains already enumerated while measuring stakes.
    pub(crate) fn report_owners(
        &self,
        t: u32,
        selection: &OwnerSelection,
        chains: bool,
        within: Option<&[u32]>,
        mut found: impl FnMut(u32) -> Option<Chains>,
    ) -> Result<BeneficialOwners> {
        let searched;
        let within = match within {
            Some(within) => within,
            None if chains && !selection.owners.is_empty() => {
                let holdings = self.graph.shareholdings();
                searched = self.ancestors(t, &[holdings.edges().reverse()])?;
                &searched
            }
            None => &[],
        };
        let owners = selection
            .owners
            .iter()
            .map(|&(p, share)| {
                let (chains, chains_truncated) = if chains {
                    let found = found(p).unwrap_or_else(|| self.chains(p, t, within));
                    (found.chains, found.truncated)
                } else {
                    (Vec::new(), false)
                };
                BeneficialOwner {
                    person: self.graph.key_str(p).to_owned(),
                    share,
                    chains,
                    chains_truncated,
                }
            })
            .collect();
        Ok(BeneficialOwners {
            firm: self.graph.key_str(t).to_owned(),
            basis: selection.basis,
            owners,
            controllers: selection
                .controllers
                .iter()
                .map(|&v| self.graph.key_str(v).to_owned())
                .collect(),
            unresolvable: selection
                .unresolvable
                .iter()
                .filter_map(|&c| self.cycle_report(c))
                .collect(),
        })
    }

    /// Identifies the beneficial owners of a firm.
    pub fn beneficial_owners(&self, firm: &str) -> Result<BeneficialOwners> {
        let t = self.firm_index(firm)?;
        let (selection, ancestors, mut measured) = self.measure_and_select(t)?;
        let found = |p: u32| measured.iter_mut().find(|m| m.0 == p).and_then(|m| m.2.take());
        self.report_owners(t, &selection, true, Some(&ancestors), found)
    }

    /// The per-firm decision: solves the firm's column, searches its controllers and measures
    /// every person among its holders. Also returns the sorted holders and, for the path-based
    /// methods, the chains enumerated while measuring.
    #[allow(clippy::type_complexity)]
    pub(crate) fn measure_and_select(
        &self,
        t: u32,
    ) -> Result<(OwnerSelection, Vec<u32>, Vec<(u32, Decimal, Option<Chains>)>)> {
        let column = self.column(t)?;
        let controllers = self.controller_indices(t)?;
        // Every person in the ownership tree, with the stake the configured method gives.
        let measured: Vec<(u32, Decimal, Option<Chains>)> = column
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
        let by_share: Vec<(u32, Decimal)> =
            measured.iter().filter(|m| self.qualifies(m.1)).map(|m| (m.0, m.1)).collect();
        let share_of = |p: u32| measured.iter().find(|m| m.0 == p).map_or(Decimal::ZERO, |m| m.1);
        let selection =
            self.select_owners(t, by_share, controllers, column.unresolvable.clone(), share_of);
        Ok((selection, column.ancestors, measured))
    }
}
