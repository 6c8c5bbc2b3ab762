//! DebtRank (Battiston et al. 2012) over the guarantee network: how far the distress of some
//! borrowers spreads to the firms that guaranteed their loans.
//!
//! Distress flows against the guarantees, borrower → guarantor, with impact
//! `W(B → G) = min(1, LGD · guaranteed amount / equity of G)`: a guarantor that must pay
//! `LGD · amount` loses that share of its equity. Each node has a distress `h ∈ [0, 1]` and a
//! state (undistressed, distressed, inactive); a distressed node passes its distress once and
//! then becomes inactive, which is what keeps DebtRank from counting a loss twice around a
//! guarantee circle. This is inherently floating-point arithmetic; results are rounded to six
//! decimals before they leave the engine.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

use super::guarantee::{Active, add, by_node};
use super::ownership::round6;
use super::relation::RelationGraph;
use crate::date::Date;
use crate::error::{Error, Result};

/// Settings of a DebtRank run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ContagionConfig {
    /// The evaluation date: only guarantees in force on it transmit distress (same convention
    /// as [`GuaranteeConfig::as_of`](super::guarantee::GuaranteeConfig::as_of)).
    #[serde(with = "crate::date::iso")]
    pub as_of: Date,
    /// Loss given default of the guaranteed loans, in [0, 1] (default 1: the guarantor pays
    /// the whole amount).
    #[serde(with = "crate::num::decimal")]
    pub lgd: Decimal,
    /// Initial distress of every seed, in (0, 1] (default 1: the seed defaults).
    #[serde(with = "crate::num::decimal")]
    pub initial_distress: Decimal,
}

impl ContagionConfig {
    /// The defaults, on the evaluation date `as_of`.
    pub fn new(as_of: Date) -> ContagionConfig {
        ContagionConfig { as_of, lgd: Decimal::ONE, initial_distress: Decimal::ONE }
    }
}

/// How the economic weights `v` of the total impact were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightBasis {
    /// `v_i = E_i / Σ E`: every firm in the network has a positive equity.
    Equity,
    /// `v_i = 1 / n`: some firm's equity is unknown, so firms are counted, not weighed.
    Uniform,
}

/// The final distress of one firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmDistress {
    /// The firm.
    pub firm: String,
    /// Final distress `h(T)`, rounded to six decimals.
    #[serde(with = "crate::num::decimal")]
    pub distress: Decimal,
    /// Whether the caller named it as a seed.
    pub seed: bool,
    /// The round in which it became distressed (1 for seeds).
    pub round: u32,
}

/// The outcome of a DebtRank run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DebtRank {
    /// The settings used.
    pub config: ContagionConfig,
    /// Every firm with positive final distress, in node order.
    pub firms: Vec<FirmDistress>,
    /// `R = Σ h(T) v − Σ h(1) v`: the loss caused beyond the initial shock, as a share of the
    /// network's total weight, rounded to six decimals.
    #[serde(with = "crate::num::decimal")]
    pub total_impact: Decimal,
    /// How `v` was chosen.
    pub weights: WeightBasis,
    /// Number of firms in the network (endpoints of active guarantees, and the seeds).
    pub network_size: usize,
    /// Propagation steps until no firm was left distressed (`T − 1`).
    pub rounds: u32,
    /// Guarantors with no positive equity: no distress is passed to them, since the impact
    /// is undefined; they are listed so the caller can supply the figure.
    pub without_equity: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Undistressed,
    Distressed,
    Inactive,
}

/// Runs DebtRank from `seeds` (USCCs, any accepted spelling) over the active guarantees.
/// `equity` maps USCCs to equity in yuan; it sets both the impacts and the weights.
pub fn debt_rank(
    graph: &RelationGraph,
    equity: &BTreeMap<String, Decimal>,
    seeds: &[&str],
    config: ContagionConfig,
) -> Result<DebtRank> {
    if config.lgd < Decimal::ZERO || config.lgd > Decimal::ONE {
        return Err(Error::field("lgd", "the loss given default must lie in [0, 1]"));
    }
    if config.initial_distress <= Decimal::ZERO || config.initial_distress > Decimal::ONE {
        return Err(Error::field("initial_distress", "the initial distress must lie in (0, 1]"));
    }
    let equity = by_node(graph, equity, "equity")?;
    let positive = |v: u32| equity.get(&v).copied().filter(|e| *e > Decimal::ZERO);
    let mut seed_nodes = BTreeSet::new();
    for (i, &key) in seeds.iter().enumerate() {
        let v = graph.index_of(key).ok_or_else(|| {
            Error::field(format!("seeds[{i}]"), format!("no node has the key `{key}`"))
        })?;
        seed_nodes.insert(v);
    }
    let active = Active::new(graph, config.as_of);
    let n = graph.node_count();

    // impacts[j]: (guarantor i, W_ji) for borrower j, one entry per guarantor.
    let mut impacts: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    let mut without_equity = BTreeSet::new();
    let mut network: BTreeSet<u32> = seed_nodes.clone();
    for j in 0..n as u32 {
        let mut owed: BTreeMap<u32, Decimal> = BTreeMap::new();
        for (i, e) in active.reverse.arcs(j) {
            network.extend([i, j]);
            if i != j {
                let total = owed.entry(i).or_default();
                *total = add(*total, active.amount(graph, e), "guarantees")?;
            }
        }
        for (i, amount) in owed {
            let Some(e) = positive(i) else {
                without_equity.insert(i);
                continue;
            };
            let loss = config.lgd.checked_mul(amount).and_then(|l| l.checked_div(e));
            // An overflowing loss is far beyond the equity: the guarantor is wiped out.
            let w = loss.map_or(1.0, |l| l.to_f64().unwrap_or(1.0).min(1.0));
            if w > 0.0 {
                impacts[j as usize].push((i, w));
            }
        }
    }

    let h0 = config.initial_distress.to_f64().unwrap_or(1.0);
    let mut h = vec![0.0f64; n];
    let mut state = vec![State::Undistressed; n];
    let mut round = vec![0u32; n];
    for &s in &seed_nodes {
        h[s as usize] = h0;
        state[s as usize] = State::Distressed;
        round[s as usize] = 1;
    }
    let initial = h.clone();
    let mut distressed: Vec<u32> = seed_nodes.iter().copied().collect();
    let mut rounds = 0u32;
    // Each firm is distressed at most once, so this ends within `n` steps. A step touches only
    // the guarantors of the distressed firms, never the whole network: a long chain would
    // otherwise cost n² (h_j(t−1) is read before any h changes, as the formula requires).
    while !distressed.is_empty() {
        rounds += 1;
        let mut delta: Vec<(u32, f64)> = Vec::new();
        for &j in &distressed {
            let hj = h[j as usize];
            delta.extend(impacts[j as usize].iter().map(|&(i, w)| (i, w * hj)));
        }
        for &j in &distressed {
            state[j as usize] = State::Inactive;
        }
        let mut newly = Vec::new();
        for (i, dh) in delta {
            let i = i as usize;
            h[i] = (h[i] + dh).min(1.0);
            if state[i] == State::Undistressed && h[i] > 0.0 {
                state[i] = State::Distressed;
                round[i] = rounds + 1;
                newly.push(i as u32);
            }
        }
        newly.sort_unstable();
        distressed = newly;
    }

    let weight_of: HashMap<u32, f64> = weights(&network, &positive);
    let basis = if weight_of.is_empty() { WeightBasis::Uniform } else { WeightBasis::Equity };
    let uniform = 1.0 / network.len().max(1) as f64;
    let v = |x: u32| weight_of.get(&x).copied().unwrap_or(uniform);
    let total: f64 = network.iter().map(|&x| (h[x as usize] - initial[x as usize]) * v(x)).sum();
    let firms = (0..n as u32)
        .filter(|&x| h[x as usize] > 0.0)
        .map(|x| FirmDistress {
            firm: graph.key_str(x).to_owned(),
            distress: round6(h[x as usize]),
            seed: seed_nodes.contains(&x),
            round: round[x as usize],
        })
        .collect();
    Ok(DebtRank {
        config,
        firms,
        total_impact: round6(total),
        weights: basis,
        network_size: network.len(),
        rounds,
        without_equity: without_equity.iter().map(|&x| graph.key_str(x).to_owned()).collect(),
    })
}

/// Relative equity shares when every firm of the network has a positive equity, else nothing
/// (the caller then weighs firms uniformly).
fn weights(
    network: &BTreeSet<u32>,
    positive: &impl Fn(u32) -> Option<Decimal>,
) -> HashMap<u32, f64> {
    let known: Option<Vec<(u32, f64)>> =
        network.iter().map(|&x| Some((x, positive(x)?.to_f64()?))).collect();
    let Some(known) = known else { return HashMap::new() };
    let sum: f64 = known.iter().map(|(_, e)| e).sum();
    if !(sum > 0.0 && sum.is_finite()) {
        return HashMap::new();
    }
    known.into_iter().map(|(x, e)| (x, e / sum)).collect()
}
