//! Close links between a guarantor and its borrower.
//!
//! Firms that own 20% or more of each other, directly or indirectly, or that have a common
//! holder of 20% or more of both, should not guarantee each other's loans: the guarantee adds
//! little protection when one shock hits both. The test reads the integrated ownership of
//! [`Ownership::of`], so indirect stakes through chains and cross-holding cycles count.

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use super::guarantee::Active;
use super::ownership::Ownership;
use super::relation::RelationGraph;
use crate::date::Date;
use crate::error::Result;

/// Why a guarantor and its borrower are closely linked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseLinkBasis {
    /// The guarantor owns at least 20% of the borrower, directly or indirectly.
    GuarantorOwnsBorrower,
    /// The borrower owns at least 20% of the guarantor, directly or indirectly.
    BorrowerOwnsGuarantor,
    /// A third party owns at least 20% of both.
    CommonHolder,
}

/// An active guarantee between closely linked firms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloseLink {
    /// The guarantor.
    pub guarantor: String,
    /// The borrower.
    pub borrower: String,
    /// The first basis that applies, in the order of [`CloseLinkBasis`].
    pub basis: CloseLinkBasis,
    /// The common holder (the first in node order), for [`CloseLinkBasis::CommonHolder`].
    pub via: Option<String>,
    /// The integrated share behind the link (for a common holder, the smaller of its two
    /// stakes), rounded to six decimals.
    #[serde(with = "crate::num::decimal")]
    pub share: Decimal,
}

/// The close-link threshold: 20%, inclusive.
fn threshold() -> Decimal {
    Decimal::new(2, 1)
}

/// Every pair of enterprises tied by an active guarantee on `as_of` that is closely linked,
/// sorted by (guarantor, borrower) in node order. Stakes that run through an unsolvable
/// ownership cycle are unknown to [`Ownership::of`] and do not count.
pub fn close_links(
    graph: &RelationGraph,
    ownership: &Ownership<'_>,
    as_of: Date,
) -> Result<Vec<CloseLink>> {
    close_links_of(graph, &Active::new(graph, as_of), ownership)
}

pub(crate) fn close_links_of(
    graph: &RelationGraph,
    active: &Active,
    ownership: &Ownership<'_>,
) -> Result<Vec<CloseLink>> {
    let mut pairs = BTreeSet::new();
    for g in 0..graph.node_count() as u32 {
        for &b in active.forward.neighbours(g) {
            if g != b && !graph.is_person(g) && !graph.is_person(b) {
                pairs.insert((g, b));
            }
        }
    }
    let mut owners: HashMap<u32, Vec<(String, Decimal)>> = HashMap::new();
    let mut out = Vec::new();
    for (g, b) in pairs {
        for v in [g, b] {
            if let std::collections::hash_map::Entry::Vacant(slot) = owners.entry(v) {
                let of = ownership.of(graph.key_str(v))?;
                slot.insert(of.owners.into_iter().map(|o| (o.owner, o.integrated)).collect());
            }
        }
        let (gk, bk) = (graph.key_str(g), graph.key_str(b));
        let empty = Vec::new();
        let of_g = owners.get(&g).unwrap_or(&empty);
        let of_b = owners.get(&b).unwrap_or(&empty);
        if let Some((basis, via, share)) = link_between(gk, of_g, bk, of_b) {
            out.push(CloseLink {
                guarantor: gk.to_owned(),
                borrower: bk.to_owned(),
                basis,
                via: via.map(str::to_owned),
                share,
            });
        }
    }
    Ok(out)
}

/// The close-link test for one pair, given each side's key and its integrated holders with
/// their shares: the guarantor holds 20% or more of the borrower, or the borrower of the
/// guarantor, or a third holder 20% or more of both (then `via` names it and the share is the
/// smaller of its two). `None` when the pair is not closely linked. The financing matcher's
/// graph conditions apply the same test to a guarantor and a borrower a demand names.
pub(crate) fn link_between<'a>(
    guarantor: &str,
    guarantor_holders: &'a [(String, Decimal)],
    borrower: &str,
    borrower_holders: &[(String, Decimal)],
) -> Option<(CloseLinkBasis, Option<&'a str>, Decimal)> {
    let stake = |list: &[(String, Decimal)], who: &str| {
        list.iter().find(|(k, _)| k == who).map_or(Decimal::ZERO, |(_, s)| *s)
    };
    let (in_b, in_g) = (stake(borrower_holders, guarantor), stake(guarantor_holders, borrower));
    if in_b >= threshold() {
        return Some((CloseLinkBasis::GuarantorOwnsBorrower, None, in_b));
    }
    if in_g >= threshold() {
        return Some((CloseLinkBasis::BorrowerOwnsGuarantor, None, in_g));
    }
    guarantor_holders.iter().find_map(|(x, sg)| {
        let sb = stake(borrower_holders, x);
        (x != guarantor && x != borrower && *sg >= threshold() && sb >= threshold())
            .then(|| (CloseLinkBasis::CommonHolder, Some(x.as_str()), (*sg).min(sb)))
    })
}
