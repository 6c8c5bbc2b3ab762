//! The chains (simple paths) of holdings that carry a person's stake into a firm.
//!
//! Chains explain a share; they do not compute it. Inside a cross-holding cycle the integrated
//! share also counts the walks around the cycle, so the listed chains can sum to less than the
//! share. Enumeration is depth-first with an explicit stack and a step budget, since the number
//! of simple paths grows exponentially with the density of the graph.

use super::{Ownership, round6};
use rust_decimal::Decimal;
use serde::Serialize;

/// One chain of holdings from an owner to a firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chain {
    /// Node keys from the owner to the firm.
    pub path: Vec<String>,
    /// Product of the capital shares along the path, rounded to six decimals.
    #[serde(with = "crate::num::decimal")]
    pub share: Decimal,
}

/// The chains found, largest first, and whether the search stopped early.
pub(crate) struct Chains {
    pub(crate) chains: Vec<Chain>,
    pub(crate) truncated: bool,
    /// Sum over every simple chain of the product of its shares.
    pub(crate) product_sum: f64,
    /// Largest, over every simple chain, of the smallest share on it.
    pub(crate) weakest_link: f64,
}

impl Ownership<'_> {
    /// The largest simple chains from `owner` to `t`, at most `max_chains`, walking only
    /// through `within` (the sorted holders of `t`).
    pub(crate) fn chains(&self, owner: u32, t: u32, within: &[u32]) -> Chains {
        // The holdings of `v` that stay among the holders of `t`, read from the smaller side.
        let edges = self.graph.shareholdings().edges();
        let arcs = |v: u32| edges.arcs_among(v, within);
        let mut found: Vec<(f64, Vec<u32>)> = Vec::new();
        let mut path = vec![owner];
        let mut products = vec![1.0f64];
        let mut minima = vec![1.0f64];
        let (mut product_sum, mut weakest_link) = (0.0f64, 0.0f64);
        let mut frames = vec![(arcs(owner), 0usize)];
        let mut steps = 0usize;
        let mut truncated = false;
        while let Some((candidates, pos)) = frames.last_mut() {
            let next = candidates.get(*pos).copied();
            *pos += 1;
            let Some((w, e)) = next else {
                path.pop();
                products.pop();
                minima.pop();
                frames.pop();
                continue;
            };
            steps += 1;
            if steps > self.config.max_chain_steps {
                truncated = true;
                break;
            }
            if path.contains(&w) {
                continue;
            }
            let share = self.weight.get(e as usize).copied().unwrap_or(0.0);
            let product = products.last().copied().unwrap_or(1.0) * share;
            let minimum = minima.last().copied().unwrap_or(1.0).min(share);
            if w == t {
                product_sum += product;
                weakest_link = weakest_link.max(minimum);
                let mut chain = path.clone();
                chain.push(w);
                found.push((product, chain));
            } else if product > 0.0 {
                path.push(w);
                products.push(product);
                minima.push(minimum);
                frames.push((arcs(w), 0));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let chains = found
            .into_iter()
            .take(self.config.max_chains)
            .map(|(product, nodes)| Chain {
                path: nodes.iter().map(|&v| self.graph.key_str(v).to_owned()).collect(),
                share: round6(product),
            })
            .collect();
        Chains { chains, truncated, product_sum, weakest_link }
    }
}
