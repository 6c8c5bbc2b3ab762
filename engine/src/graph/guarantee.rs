//! Guarantee circles (擔(dān)保圈): firms tied by mutual, chained or cyclic loan guarantees.
//!
//! Only guarantees in force on the evaluation date count: a released or expired contract no
//! longer transmits a borrower's default to its guarantor. Circles are the strongly connected
//! components (two firms or more) of the active guarantees, found with the crate's iterative
//! Tarjan ([`scc`](super::scc)); inside each circle short cycles are enumerated by a bounded
//! depth-first search, because full enumeration is exponential on the large circles real
//! registries contain (Changzhou: 4,868 firms in one circle).
//!
//! ```
//! use std::collections::BTreeMap;
//! use rust_decimal::Decimal;
//! use xinyong::graph::guarantee::{GuaranteeConfig, analyse};
//! use xinyong::graph::{BuildPolicy, GraphBuilder};
//!
//! let (a, b) = ("91210100MA1ENJ9KXL", "91210100MA1G966FX9");
//! let mut builder = GraphBuilder::new(BuildPolicy::default());
//! builder.read_jsonl(&format!(
//!     r#"{{"edge": {{"kind": "guarantee", "from": "{a}", "to": "{b}", "amount": "5000000", "start": "2024-03-01"}}}}
//! {{"edge": {{"kind": "guarantee", "from": "{b}", "to": "{a}", "amount": "3000000", "start": "2024-03-01"}}}}"#
//! ))?;
//! let (graph, _) = builder.freeze()?;
//! let as_of = xinyong::date::Date::from_ymd_opt(2025, 6, 30).unwrap_or_default();
//! let net_assets = BTreeMap::from([(a.to_owned(), Decimal::from(20_000_000))]);
//! let result = analyse(&graph, &net_assets, GuaranteeConfig::new(as_of))?;
//! assert_eq!(result.circles[0].mutual_pairs.len(), 1);
//! assert_eq!(result.firms[0].exposure_ratio, Some(Decimal::new(25, 2))); // 5,000,000 / 20,000,000
//! # Ok::<(), xinyong::Error>(())
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::close_links::{CloseLink, close_links_of};
use super::csr::Csr;
use super::model::GuaranteeStatus;
use super::ownership::{Ownership, OwnershipConfig};
use super::relation::RelationGraph;
use super::scc::strongly_connected;
use crate::date::Date;
use crate::error::{Error, Result};

/// Settings of the guarantee analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GuaranteeConfig {
    /// The evaluation date: a guarantee counts when it is `active`, started on or before this
    /// day and ends on or after it (the end date is the last day in force) or has no end.
    #[serde(with = "crate::date::iso")]
    pub as_of: Date,
    /// Longest cycle reported, in firms (default 4; at least 2, a mutual pair).
    pub max_cycle_length: usize,
    /// Most cycles reported per circle (default 100).
    pub max_cycles: usize,
    /// Most search steps spent on the cycles of one circle (default 1,000,000).
    pub max_cycle_steps: usize,
    /// Whether to test guarantor and borrower for close links (default `true`); the test
    /// runs the ownership analysis with its default settings.
    pub close_links: bool,
}

impl GuaranteeConfig {
    /// The defaults, on the evaluation date `as_of`.
    pub fn new(as_of: Date) -> GuaranteeConfig {
        GuaranteeConfig {
            as_of,
            max_cycle_length: 4,
            max_cycles: 100,
            max_cycle_steps: 1_000_000,
            close_links: true,
        }
    }
}

/// All contracts from one guarantor to one borrower inside a circle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuaranteePair {
    /// The guarantor.
    pub guarantor: String,
    /// The borrower.
    pub borrower: String,
    /// Number of active contracts.
    pub contracts: usize,
    /// Their total amount in yuan.
    #[serde(with = "crate::num::decimal")]
    pub amount: Decimal,
}

/// A firm outside a circle that guarantees, directly or through other guarantors, the debt of
/// a member: distress in the circle reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainFirm {
    /// The firm.
    pub firm: String,
    /// Fewest guarantees from the firm to a member (1: it guarantees a member directly).
    pub hops: u32,
}

/// One guarantee circle: a strongly connected component of the active guarantees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Circle {
    /// 1-based position when circles are ordered by their smallest member key.
    pub id: u32,
    /// Number of members.
    pub size: usize,
    /// The members, in node order (enterprises by USCC, then persons).
    pub members: Vec<String>,
    /// Guarantor–borrower pairs with both ends in the circle, in node order.
    pub pairs: Vec<GuaranteePair>,
    /// Pairs guaranteeing each other (互保), each once, smaller key first.
    pub mutual_pairs: Vec<[String; 2]>,
    /// Cycles of at most `max_cycle_length` firms, each starting at its smallest member and
    /// following the guarantees (guarantor → borrower); shorter first, then by path.
    pub cycles: Vec<Vec<String>>,
    /// Whether `max_cycles` or `max_cycle_steps` stopped the enumeration: more cycles exist
    /// (or may exist) than `cycles` lists.
    pub cycles_truncated: bool,
    /// Firms outside the circle that reach it through active guarantees, in node order.
    pub chains: Vec<ChainFirm>,
}

/// The guarantee position of one firm on the evaluation date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmGuarantees {
    /// The firm.
    pub firm: String,
    /// Active guarantees it has given (contracts).
    pub given: usize,
    /// Their total amount in yuan.
    #[serde(with = "crate::num::decimal")]
    pub given_amount: Decimal,
    /// Active guarantees it has received.
    pub received: usize,
    /// Their total amount in yuan.
    #[serde(with = "crate::num::decimal")]
    pub received_amount: Decimal,
    /// The circle it belongs to, if any.
    pub circle: Option<u32>,
    /// The size of that circle (0 outside circles).
    pub circle_size: usize,
    /// Net assets as passed by the caller.
    #[serde(with = "crate::num::opt_decimal")]
    pub net_assets: Option<Decimal>,
    /// `given_amount / net_assets`, rounded to six decimals; absent when net assets are
    /// unknown or not positive (the ratio means nothing for an insolvent firm).
    #[serde(with = "crate::num::opt_decimal")]
    pub exposure_ratio: Option<Decimal>,
    /// Whether it gives or receives an active guarantee to or from a closely linked firm.
    pub close_linked: bool,
}

/// The guarantee circles of a graph on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuaranteeAnalysis {
    /// The settings used.
    pub config: GuaranteeConfig,
    /// Guarantee contracts in force on the date.
    pub active_guarantees: usize,
    /// Contracts left out: released, not yet started or expired.
    pub inactive_guarantees: usize,
    /// The circles, by id.
    pub circles: Vec<Circle>,
    /// Every node with at least one active guarantee, in node order: natural persons who
    /// guarantee loans appear too, under their key, but never in close links.
    pub firms: Vec<FirmGuarantees>,
    /// Active guarantees between closely linked firms (empty unless `close_links`).
    pub close_links: Vec<CloseLink>,
}

/// Whether guarantee `e` is in force on `as_of`.
pub(crate) fn is_active(graph: &RelationGraph, e: u32, as_of: Date) -> bool {
    graph.guarantees().terms(e).is_some_and(|(_, start, end, status)| {
        status == GuaranteeStatus::Active && start <= as_of && end.is_none_or(|end| end >= as_of)
    })
}

/// The active guarantees as adjacency (guarantor → borrower) whose edge ids index `ids`, the
/// ids of the same edges in the graph's guarantee table.
pub(crate) struct Active {
    pub(crate) forward: Csr,
    pub(crate) reverse: Csr,
    pub(crate) ids: Vec<u32>,
}

impl Active {
    pub(crate) fn new(graph: &RelationGraph, as_of: Date) -> Active {
        let table = graph.guarantees().edges();
        let (mut from, mut to, mut ids) = (Vec::new(), Vec::new(), Vec::new());
        for e in 0..table.len() as u32 {
            if let (true, Some((f, t))) = (is_active(graph, e, as_of), table.endpoints(e)) {
                from.push(f);
                to.push(t);
                ids.push(e);
            }
        }
        let n = graph.node_count();
        Active {
            forward: Csr::from_edges(n, &from, &to),
            reverse: Csr::from_edges(n, &to, &from),
            ids,
        }
    }

    /// The amount of local edge `e`.
    pub(crate) fn amount(&self, graph: &RelationGraph, e: u32) -> Decimal {
        self.ids
            .get(e as usize)
            .and_then(|&id| graph.guarantees().terms(id))
            .map_or(Decimal::ZERO, |(amount, ..)| amount.value())
    }
}

/// Adds two amounts, refusing a sum beyond the range of the decimal type.
pub(crate) fn add(a: Decimal, b: Decimal, path: &str) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| Error::field(path, "the total amount is out of range"))
}

/// Reads a per-enterprise decimal map keyed by USCC (any accepted spelling) into node indices;
/// a key that names no node is an error at `<what>.<key>`.
pub(crate) fn by_node(
    graph: &RelationGraph,
    values: &BTreeMap<String, Decimal>,
    what: &str,
) -> Result<HashMap<u32, Decimal>> {
    values
        .iter()
        .map(|(key, &value)| {
            let v = graph.index_of(key).filter(|&v| !graph.is_person(v)).ok_or_else(|| {
                Error::field(format!("{what}.{key}"), "no enterprise in the graph has this key")
            })?;
            Ok((v, value))
        })
        .collect()
}

/// Finds the guarantee circles in force on `config.as_of`. `net_assets` maps USCCs to net
/// assets in yuan, for the exposure ratio; firms missing from it simply have no ratio.
pub fn analyse(
    graph: &RelationGraph,
    net_assets: &BTreeMap<String, Decimal>,
    config: GuaranteeConfig,
) -> Result<GuaranteeAnalysis> {
    if config.max_cycle_length < 2 {
        return Err(Error::field("max_cycle_length", "a cycle has at least 2 firms"));
    }
    let assets = by_node(graph, net_assets, "net_assets")?;
    let active = Active::new(graph, config.as_of);
    let components = strongly_connected(&active.forward);
    let mut circle_comps: Vec<u32> = components.nontrivial().collect();
    // Members are in node order, so the first member is the smallest key.
    circle_comps.sort_by_key(|&c| components.members(c).first().copied());
    let mut circle_of: HashMap<u32, (u32, usize)> = HashMap::new();
    let mut circles = Vec::with_capacity(circle_comps.len());
    for (i, &c) in circle_comps.iter().enumerate() {
        let id = i as u32 + 1;
        let members = components.members(c);
        for &v in members {
            circle_of.insert(v, (id, members.len()));
        }
        circles.push(circle(graph, &active, members, id, config)?);
    }
    let close_links = if config.close_links {
        close_links_of(graph, &active, &Ownership::new(graph, OwnershipConfig::default()))?
    } else {
        Vec::new()
    };
    let linked: std::collections::HashSet<&str> =
        close_links.iter().flat_map(|l| [l.guarantor.as_str(), l.borrower.as_str()]).collect();
    let mut firms = Vec::new();
    for v in 0..graph.node_count() as u32 {
        let (given, received) = (active.forward.edge_ids(v), active.reverse.edge_ids(v));
        let (given_count, received_count) = (given.len(), received.len());
        if given_count == 0 && received_count == 0 {
            continue;
        }
        let path = graph.key_str(v);
        let mut given_amount = Decimal::ZERO;
        for e in given {
            given_amount = add(given_amount, active.amount(graph, e), path)?;
        }
        let mut received_amount = Decimal::ZERO;
        for e in received {
            received_amount = add(received_amount, active.amount(graph, e), path)?;
        }
        let net = assets.get(&v).copied();
        let exposure_ratio = net.filter(|n| *n > Decimal::ZERO).and_then(|n| {
            given_amount.checked_div(n).map(|r| {
                r.round_dp_with_strategy(6, RoundingStrategy::MidpointNearestEven).normalize()
            })
        });
        let (circle, circle_size) = circle_of.get(&v).map_or((None, 0), |&(id, s)| (Some(id), s));
        firms.push(FirmGuarantees {
            firm: path.to_owned(),
            given: given_count,
            given_amount: given_amount.normalize(),
            received: received_count,
            received_amount: received_amount.normalize(),
            circle,
            circle_size,
            net_assets: net.map(|n| n.normalize()),
            exposure_ratio,
            close_linked: linked.contains(path),
        });
    }
    Ok(GuaranteeAnalysis {
        config,
        active_guarantees: active.ids.len(),
        inactive_guarantees: graph.guarantees().edges().len().saturating_sub(active.ids.len()),
        circles,
        firms,
        close_links,
    })
}

/// Describes one circle with sorted `members`.
fn circle(
    graph: &RelationGraph,
    active: &Active,
    members: &[u32],
    id: u32,
    config: GuaranteeConfig,
) -> Result<Circle> {
    let local: HashMap<u32, usize> = members.iter().enumerate().map(|(i, &v)| (v, i)).collect();
    let key = |i: usize| members.get(i).map_or("", |&v| graph.key_str(v)).to_owned();
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    let mut pairs: Vec<GuaranteePair> = Vec::new();
    let mut mutual_pairs = Vec::new();
    for (i, &v) in members.iter().enumerate() {
        // Edges are sorted by (guarantor, borrower), so the contracts of one pair are adjacent.
        for (w, e) in active.forward.arcs(v) {
            // A firm guaranteeing itself ties it to no one.
            let Some(&j) = local.get(&w).filter(|_| w != v) else { continue };
            let amount = active.amount(graph, e);
            match pairs.last_mut() {
                Some(p) if adjacency[i].last() == Some(&j) && p.guarantor == graph.key_str(v) => {
                    p.contracts += 1;
                    p.amount = add(p.amount, amount, "guarantees")?;
                }
                _ => {
                    adjacency[i].push(j);
                    pairs.push(GuaranteePair {
                        guarantor: key(i),
                        borrower: key(j),
                        contracts: 1,
                        amount,
                    });
                }
            }
        }
    }
    for p in &mut pairs {
        p.amount = p.amount.normalize();
    }
    for (i, out) in adjacency.iter().enumerate() {
        for &j in out.iter().filter(|&&j| j > i) {
            if adjacency[j].contains(&i) {
                mutual_pairs.push([key(i), key(j)]);
            }
        }
    }
    let (mut found, cycles_truncated) = cycles(&adjacency, config);
    found.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
    let cycles = found.into_iter().map(|c| c.into_iter().map(key).collect()).collect();
    Ok(Circle {
        id,
        size: members.len(),
        members: members.iter().map(|&v| graph.key_str(v).to_owned()).collect(),
        pairs,
        mutual_pairs,
        cycles,
        cycles_truncated,
        chains: chains(graph, active, members, &local),
    })
}

/// Simple cycles of at most `max_cycle_length` nodes over local adjacency, each found once:
/// rooted at its smallest node and visiting only larger ones. Depth-first with an explicit
/// stack, stopped by the cycle cap or the step budget (then the second value is `true`).
fn cycles(adjacency: &[Vec<usize>], config: GuaranteeConfig) -> (Vec<Vec<usize>>, bool) {
    let m = adjacency.len();
    let mut found: Vec<Vec<usize>> = Vec::new();
    let mut on_path = vec![false; m];
    let mut steps = 0usize;
    for s in 0..m {
        let mut path = vec![s];
        let mut positions = vec![0usize];
        on_path[s] = true;
        while let (Some(&v), Some(pos)) = (path.last(), positions.last_mut()) {
            steps += 1;
            if steps > config.max_cycle_steps {
                return (found, true);
            }
            let Some(&w) = adjacency.get(v).and_then(|out| out.get(*pos)) else {
                on_path[v] = false;
                path.pop();
                positions.pop();
                continue;
            };
            *pos += 1;
            if w == s {
                if found.len() >= config.max_cycles {
                    return (found, true);
                }
                found.push(path.clone());
            } else if w > s && !on_path[w] && path.len() < config.max_cycle_length {
                on_path[w] = true;
                path.push(w);
                positions.push(0);
            }
        }
    }
    (found, false)
}

/// Firms outside the circle with a path of active guarantees into it, with the fewest hops:
/// a breadth-first search from the members against the direction of the guarantees.
fn chains(
    graph: &RelationGraph,
    active: &Active,
    members: &[u32],
    local: &HashMap<u32, usize>,
) -> Vec<ChainFirm> {
    let mut hops: HashMap<u32, u32> = HashMap::new();
    let mut queue: VecDeque<(u32, u32)> = members.iter().map(|&v| (v, 0)).collect();
    while let Some((v, d)) = queue.pop_front() {
        for &g in active.reverse.neighbours(v) {
            if !local.contains_key(&g) && !hops.contains_key(&g) {
                hops.insert(g, d + 1);
                queue.push_back((g, d + 1));
            }
        }
    }
    let mut out: Vec<(u32, u32)> = hops.into_iter().collect();
    out.sort_unstable();
    out.into_iter().map(|(v, hops)| ChainFirm { firm: graph.key_str(v).to_owned(), hops }).collect()
}
