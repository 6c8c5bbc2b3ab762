//! Graph indicators per enterprise: what a credit officer reads off the relationship graph
//! before lending to a firm.
//!
//! For each enterprise, given the set of keys on a dishonest list (firms, and persons where the
//! list names them) and, where known, net assets:
//! - the dishonest firms within one and two hops, walking shareholdings, control agreements, key
//!   roles and active guarantees in either direction; a person is a node like any other, so two
//!   firms sharing a legal representative are two hops apart;
//! - the size of the firm's guarantee circle and its guarantee exposure ratio (active
//!   guarantees given over net assets), as [`guarantee::analyse`] computes them;
//! - whether an ultimate controller or a beneficial owner of the firm is on the dishonest list;
//! - its DebtRank distress when every dishonest firm defaults ([`contagion::debt_rank`], with net
//!   assets as equity).
//!
//! Supply-chain links are left out of the hops: they are arm's-length trade, not the
//! non-arm's-length ties the group-client guideline counts. The hop search runs from the few
//! dishonest firms outward, not from every firm, so a whole registry costs the two-hop
//! neighbourhoods of the listed firms only.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::contagion::{ContagionConfig, debt_rank};
use super::csr::Csr;
use super::guarantee::{Active, GuaranteeConfig, analyse};
use super::ownership::{Ownership, OwnershipConfig};
use super::relation::RelationGraph;
use crate::date::Date;
use crate::error::{Error, Result};

/// What the indicators are computed from besides the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureInput {
    /// Keys (USCCs in any accepted spelling, or person keys) on a dishonest list.
    pub dishonest: BTreeSet<String>,
    /// Net assets of firms in yuan, by USCC; used for the exposure ratio and as the equity of
    /// DebtRank. Firms missing from it have no ratio and pass on no distress.
    pub net_assets: BTreeMap<String, Decimal>,
    /// The evaluation date: only guarantees in force on it count.
    pub as_of: Date,
}

/// A dishonest firm near the enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedDishonest {
    /// The dishonest firm.
    pub firm: String,
    /// Fewest ties between the two (1 or 2).
    pub hops: u32,
}

/// The graph indicators of one enterprise; one line of `xinyong graph features`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirmFeatures {
    /// The firm.
    pub firm: String,
    /// Whether the firm itself is on the dishonest list.
    pub dishonest: bool,
    /// Dishonest firms one tie away.
    pub dishonest_within_1: usize,
    /// Dishonest firms one or two ties away.
    pub dishonest_within_2: usize,
    /// Those firms, nearest first, then in node order.
    pub related_dishonest: Vec<RelatedDishonest>,
    /// Size of the firm's guarantee circle (0 outside any circle).
    pub guarantee_circle_size: usize,
    /// Active guarantees given over net assets, six decimals; absent without positive net
    /// assets.
    #[serde(with = "crate::num::opt_decimal")]
    pub guarantee_exposure_ratio: Option<Decimal>,
    /// Ultimate controllers and beneficial owners of the firm that are on the dishonest list,
    /// in node order.
    pub dishonest_controllers: Vec<String>,
    /// Final DebtRank distress when every dishonest firm defaults, six decimals.
    #[serde(with = "crate::num::decimal")]
    pub debt_rank_distress: Decimal,
}

/// Computes the indicators of every enterprise of `graph`, in node order.
pub fn firm_features(graph: &RelationGraph, input: &FeatureInput) -> Result<Vec<FirmFeatures>> {
    let dishonest = dishonest_nodes(graph, &input.dishonest)?;
    let active = Active::new(graph, input.as_of);
    let hops = hops_to_dishonest(graph, &active, &dishonest);

    let mut guarantee_config = GuaranteeConfig::new(input.as_of);
    guarantee_config.close_links = false;
    let guarantees = analyse(graph, &input.net_assets, guarantee_config)?;
    let position: HashMap<&str, (usize, Option<Decimal>)> = guarantees
        .firms
        .iter()
        .map(|f| (f.firm.as_str(), (f.circle_size, f.exposure_ratio)))
        .collect();

    let seeds: Vec<&str> =
        dishonest.iter().filter(|&&v| !graph.is_person(v)).map(|&v| graph.key_str(v)).collect();
    let distress: HashMap<String, Decimal> = if seeds.is_empty() {
        HashMap::new()
    } else {
        debt_rank(graph, &input.net_assets, &seeds, ContagionConfig::new(input.as_of))?
            .firms
            .into_iter()
            .map(|f| (f.firm, f.distress))
            .collect()
    };

    let ownership = Ownership::new(graph, OwnershipConfig::default());
    // Owners and controllers of every firm in one pass; chains are not needed here.
    let registry = ownership.registry_owners()?;
    let mut out = Vec::new();
    for at in 0..registry.len() {
        let owners = registry.owners(at)?;
        let v = owners.firm;
        let firm = graph.key_str(v);
        let flagged: BTreeSet<u32> = owners
            .owners
            .iter()
            .map(|&(p, _)| p)
            .chain(owners.controllers.iter().copied())
            .filter(|u| dishonest.contains(u) && *u != v)
            .collect();
        let mut related: Vec<(u32, u32)> = hops.get(&v).cloned().unwrap_or_default();
        related.sort_unstable_by_key(|&(w, h)| (h, w));
        let (circle, ratio) = position.get(firm).copied().unwrap_or((0, None));
        out.push(FirmFeatures {
            firm: firm.to_owned(),
            dishonest: dishonest.contains(&v),
            dishonest_within_1: related.iter().filter(|r| r.1 == 1).count(),
            dishonest_within_2: related.len(),
            related_dishonest: related
                .iter()
                .map(|&(w, h)| RelatedDishonest { firm: graph.key_str(w).to_owned(), hops: h })
                .collect(),
            guarantee_circle_size: circle,
            guarantee_exposure_ratio: ratio,
            dishonest_controllers: flagged.iter().map(|&u| graph.key_str(u).to_owned()).collect(),
            debt_rank_distress: distress.get(firm).copied().unwrap_or(Decimal::ZERO),
        });
    }
    Ok(out)
}

/// Resolves the dishonest keys; a key that names no node is an error at `dishonest.<key>`.
fn dishonest_nodes(graph: &RelationGraph, keys: &BTreeSet<String>) -> Result<BTreeSet<u32>> {
    keys.iter()
        .map(|key| {
            graph.index_of(key).ok_or_else(|| {
                Error::field(format!("dishonest.{key}"), "no node in the graph has this key")
            })
        })
        .collect()
}

/// For every enterprise within two ties of a dishonest enterprise, the dishonest enterprises
/// near it with their distance (the enterprise itself excluded).
fn hops_to_dishonest(
    graph: &RelationGraph,
    active: &Active,
    dishonest: &BTreeSet<u32>,
) -> HashMap<u32, Vec<(u32, u32)>> {
    let tables: [&Csr; 8] = [
        graph.shareholdings().edges().forward(),
        graph.shareholdings().edges().reverse(),
        graph.control_agreements().forward(),
        graph.control_agreements().reverse(),
        graph.key_roles().edges().forward(),
        graph.key_roles().edges().reverse(),
        &active.forward,
        &active.reverse,
    ];
    let ties = |v: u32| tables.into_iter().flat_map(move |t| t.neighbours(v).iter().copied());
    let mut near: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    let mut seen: HashMap<u32, u32> = HashMap::new();
    for &d in dishonest.iter().filter(|&&d| !graph.is_person(d)) {
        seen.clear();
        seen.insert(d, 0);
        let first: Vec<u32> = ties(d).filter(|&w| w != d).collect();
        for &w in &first {
            seen.entry(w).or_insert(1);
        }
        for &w in &first {
            for x in ties(w) {
                seen.entry(x).or_insert(2);
            }
        }
        for (&w, &h) in &seen {
            if h > 0 && !graph.is_person(w) {
                near.entry(w).or_default().push((d, h));
            }
        }
    }
    near
}
