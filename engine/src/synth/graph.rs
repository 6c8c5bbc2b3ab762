//! Deterministic synthetic relationship graphs: the shareholdings, key roles, control
//! agreements and guarantees of a registry of `firms` enterprises, as the JSON Lines that
//! [`GraphBuilder::read_jsonl`](crate::graph::GraphBuilder::read_jsonl) reads.
//!
//! The shapes are those of a real provincial registry, sparse and mostly acyclic:
//! - about two firms in three are held by one to three natural persons, the rest are
//!   subsidiaries held 51–80% by a recent firm, with a person holding part of the rest, so
//!   pyramids of several levels form;
//! - a few subsidiaries (2% of parents) hold 5–10% of their own parent back: cross-holdings,
//!   cycles that leak equity to the float;
//! - every firm has a legal representative, a third of them a director; a few hub persons
//!   (one per 5,000 firms) are legal representative of one firm in twenty;
//! - one firm in seven guarantees a nearby firm's loan, one in two hundred forms a mutual pair
//!   with its neighbour and one in five hundred starts a guarantee circle of three to six
//!   firms; a tenth of the guarantees are released;
//! - one firm in a thousand is controlled by agreement (a VIE-style contract).
//!
//! Holders of a firm never sum above 1 (at most 0.9 before a cross-holding, which takes at
//! most 0.1), so the default build policy accepts the graph as it is.
//!
//! Each firm's lines depend only on the seed, the number of firms, the firm's index and the
//! date (its own ChaCha8 stream, integer draws only, no `usize` draws), and a parent is a pure
//! function of the child's index, so the graph is the same byte for byte on every platform and
//! is streamed in constant memory.
//!
//! ```
//! use xinyong::date::parse_date;
//! use xinyong::graph::{BuildPolicy, GraphBuilder};
//! use xinyong::synth::graph::{GraphSynthConfig, graph_lines};
//! let config = GraphSynthConfig::new(200, 7, parse_date("2026-06-30").unwrap_or_default());
//! let text: String = graph_lines(&config).map(|l| l + "\n").collect();
//! let mut builder = GraphBuilder::new(BuildPolicy::default());
//! builder.read_jsonl(&text)?;
//! let (graph, _) = builder.freeze()?;
//! assert!(graph.node_count() >= 200);
//! # Ok::<(), xinyong::Error>(())
//! ```

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::organisation_code;
use crate::date::Date;
use crate::uscc::Uscc;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphSynthConfig {
    /// Number of enterprises (at most 100,000,000: their codes stay distinct below that).
    pub firms: usize,
    /// Seed: the same seed gives the same lines on every platform.
    pub seed: u64,
    /// The date the graph describes: guarantees start before it.
    pub as_of: Date,
}

impl GraphSynthConfig {
    /// A graph of `firms` enterprises.
    pub fn new(firms: usize, seed: u64, as_of: Date) -> Self {
        GraphSynthConfig { firms, seed, as_of }
    }

    /// Number of ordinary persons (half the firms, at least one).
    pub fn persons(&self) -> usize {
        (self.firms / 2).max(1)
    }

    /// Number of hub persons (one per 5,000 firms, at least one).
    pub fn hubs(&self) -> usize {
        (self.firms / 5000).max(1)
    }
}

/// Basis points: shares are drawn as integers and written with four decimals.
const WHOLE: u32 = 10_000;
/// Streams of the per-firm generators: one for the structure (parent), one for the rest.
const STRUCTURE: u64 = 1 << 40;

/// Every line of the graph: person nodes first, then each firm's node and the edges it draws.
pub fn graph_lines(config: &GraphSynthConfig) -> impl Iterator<Item = String> + '_ {
    let persons = (0..config.persons()).map(|p| format!(r#"{{"node": {{"person": "p{p}"}}}}"#));
    let hubs = (0..config.hubs()).map(|h| format!(r#"{{"node": {{"person": "hub{h}"}}}}"#));
    persons.chain(hubs).chain((0..config.firms).flat_map(move |i| firm_lines(config, i)))
}

/// The USCC of firm `i` (Suzhou, post-2016 form).
pub fn firm_code(config: &GraphSynthConfig, i: usize) -> String {
    let prefix = format!("91320500{}", organisation_code(config.seed, i, true));
    Uscc::complete(&prefix).map_or_else(String::new, |code| code.as_str().to_owned())
}

/// The parent of firm `i`, if it is a subsidiary, and the parent's share in basis points:
/// drawn from a stream of its own, so any firm can ask who its children are.
fn parent(config: &GraphSynthConfig, i: usize) -> Option<(usize, u32)> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(STRUCTURE + i as u64);
    if i == 0 || rng.random_range(0..3u32) != 0 {
        return None;
    }
    let back = rng.random_range(1..=i.min(64) as u64) as usize;
    Some((i - back, rng.random_range(5100..=8000u32)))
}

fn share(bp: u32) -> String {
    format!("{}.{:04}", bp / WHOLE, bp % WHOLE)
}

fn holding(from: &str, to: &str, bp: u32) -> String {
    format!(
        r#"{{"edge": {{"kind": "shareholding", "from": "{from}", "to": "{to}", "share": "{}"}}}}"#,
        share(bp)
    )
}

fn role(person: &str, to: &str, role: &str) -> String {
    format!(
        r#"{{"edge": {{"kind": "key_role", "from": "{person}", "to": "{to}", "role": "{role}"}}}}"#
    )
}

fn guarantee(rng: &mut ChaCha8Rng, config: &GraphSynthConfig, from: &str, to: &str) -> String {
    let amount = rng.random_range(10..=5000u64) * 10_000;
    let start = super::days_before(config.as_of, rng.random_range(30..=1095u64)).format("%Y-%m-%d");
    let status = if rng.random_range(0..10u32) == 0 { "released" } else { "active" };
    format!(
        r#"{{"edge": {{"kind": "guarantee", "from": "{from}", "to": "{to}", "amount": "{amount}", "start": "{start}", "status": "{status}"}}}}"#
    )
}

fn firm_lines(config: &GraphSynthConfig, i: usize) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(i as u64);
    let rng = &mut rng;
    let n = config.firms;
    let code = firm_code(config, i);
    let person =
        |rng: &mut ChaCha8Rng| format!("p{}", rng.random_range(0..config.persons() as u64));
    let mut lines = vec![format!(r#"{{"node": {{"enterprise": "{code}"}}}}"#)];
    let mut first_holder = None;
    match parent(config, i) {
        Some((p, bp)) => {
            lines.push(holding(&firm_code(config, p), &code, bp));
            let rest = rng.random_range(0..=9000 - bp);
            if rest > 0 {
                let holder = person(rng);
                lines.push(holding(&holder, &code, rest));
            }
        }
        None => {
            let mut holders: Vec<String> = Vec::new();
            for _ in 0..rng.random_range(1..=3u32) {
                let holder = person(rng);
                if !holders.contains(&holder) {
                    holders.push(holder);
                }
            }
            // The first holder takes half to three quarters of what the persons hold, so at
            // least 1,500 basis points are left when a second one follows; the last takes the
            // rest. Every range drawn from is therefore non-empty.
            let mut left = rng.random_range(6000..=9000u32);
            for (k, holder) in holders.iter().enumerate() {
                let bp = if k + 1 == holders.len() {
                    left
                } else if k == 0 {
                    rng.random_range(left / 2..=left * 3 / 4)
                } else {
                    rng.random_range(1..=left / 2)
                };
                left -= bp;
                lines.push(holding(holder, &code, bp));
            }
            first_holder = holders.into_iter().next();
        }
    }
    // A cross-holding: a child of this firm holds part of it back.
    if rng.random_range(0..50u32) == 0 {
        let child =
            (i + 1..n.min(i + 65)).find(|&k| parent(config, k).is_some_and(|(p, _)| p == i));
        if let Some(k) = child {
            let bp = rng.random_range(500..=1000u32);
            lines.push(holding(&firm_code(config, k), &code, bp));
        }
    }
    let representative = if rng.random_range(0..20u32) == 0 {
        format!("hub{}", rng.random_range(0..config.hubs() as u64))
    } else {
        first_holder.unwrap_or_else(|| person(rng))
    };
    lines.push(role(&representative, &code, "legal_representative"));
    if rng.random_range(0..3u32) == 0 {
        let director = person(rng);
        if director != representative {
            lines.push(role(&director, &code, "director"));
        }
    }
    if rng.random_range(0..1000u32) == 0 {
        let controller = person(rng);
        lines.push(format!(
            r#"{{"edge": {{"kind": "control_agreement", "from": "{controller}", "to": "{code}"}}}}"#
        ));
    }
    let near = |rng: &mut ChaCha8Rng| {
        let lo = i.saturating_sub(100);
        let hi = (i + 100).min(n.saturating_sub(1));
        let k = rng.random_range(lo as u64..=hi as u64) as usize;
        (k != i).then_some(k)
    };
    if rng.random_range(0..7u32) == 0
        && let Some(k) = near(rng)
    {
        lines.push(guarantee(rng, config, &code, &firm_code(config, k)));
    }
    if rng.random_range(0..200u32) == 0 && i + 1 < n {
        let other = firm_code(config, i + 1);
        lines.push(guarantee(rng, config, &code, &other));
        lines.push(guarantee(rng, config, &other, &code));
    }
    if rng.random_range(0..500u32) == 0 {
        let size = rng.random_range(3..=6u32) as usize;
        if i + size <= n {
            let members: Vec<String> = (i..i + size).map(|k| firm_code(config, k)).collect();
            for (k, from) in members.iter().enumerate() {
                let to = &members[(k + 1) % size];
                lines.push(guarantee(rng, config, from, to));
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{BuildPolicy, GraphBuilder};
    use rust_decimal::prelude::ToPrimitive;

    fn config(firms: usize, seed: u64) -> GraphSynthConfig {
        GraphSynthConfig::new(firms, seed, Date::from_ymd_opt(2026, 6, 30).unwrap_or_default())
    }

    fn text(c: &GraphSynthConfig) -> String {
        graph_lines(c).map(|l| l + "\n").collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_another_seed_others() {
        let a = text(&config(3000, 11));
        assert_eq!(a, text(&config(3000, 11)));
        assert_ne!(a, text(&config(3000, 12)));
        // The first lines pin the format and the draws: a change of either shows here.
        let c = config(3000, 11);
        assert_eq!(a.lines().next(), Some(r#"{"node": {"person": "p0"}}"#));
        let first_firm = 1 + a.lines().position(|l| l.contains("enterprise")).unwrap_or(0);
        assert_eq!(first_firm, c.persons() + c.hubs() + 1);
    }

    /// Basis points held in `code` by persons and by firms, read back from the lines.
    fn stakes(lines: &str, code: &str) -> (Vec<u32>, Vec<u32>) {
        let (mut persons, mut firms) = (Vec::new(), Vec::new());
        for line in lines.lines() {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let edge = &value["edge"];
            if edge["kind"] != "shareholding" || edge["to"] != code {
                continue;
            }
            let share: rust_decimal::Decimal = edge["share"].as_str().unwrap().parse().unwrap();
            let bp = (share * rust_decimal::Decimal::from(WHOLE)).to_u32().unwrap();
            let from = edge["from"].as_str().unwrap();
            if from.starts_with('p') { &mut persons } else { &mut firms }.push(bp);
        }
        (persons, firms)
    }

    #[test]
    fn persons_split_the_whole_drawn_stake_even_when_they_repeat() {
        // With one or two ordinary persons the draws of a firm's holders repeat most of the
        // time. An earlier split drew each holder's part as it went and skipped repeats, so a
        // repeated last holder lost the remainder; the persons' parts must add up to the 60-90%
        // drawn, every part positive, whatever repeats. The smallest registries also exercise
        // every range drawn from at its narrowest.
        for firms in 1..=24 {
            for seed in 0..8 {
                let c = config(firms, seed);
                let lines = text(&c);
                for i in 0..firms {
                    let (persons, firm_holders) = stakes(&lines, &firm_code(&c, i));
                    assert!(persons.iter().all(|&bp| bp > 0), "{firms} {seed} {i}");
                    let total: u32 = persons.iter().chain(&firm_holders).sum();
                    assert!(total <= WHOLE, "{firms} {seed} {i}: {total}");
                    if parent(&c, i).is_none() {
                        let held: u32 = persons.iter().sum();
                        assert!((6000..=9000).contains(&held), "{firms} {seed} {i}: {held}");
                    }
                }
                let mut builder = GraphBuilder::new(BuildPolicy::default());
                builder.read_jsonl(&lines).unwrap();
                assert!(builder.freeze().is_ok());
            }
        }
    }

    #[test]
    fn the_graph_builds_with_default_policies_and_has_every_shape() {
        let c = config(20_000, 3);
        let mut builder = GraphBuilder::new(BuildPolicy::default());
        builder.read_jsonl(&text(&c)).unwrap();
        let (graph, report) = builder.freeze().unwrap();
        assert!(report.implied_enterprises.is_empty());
        assert!(report.oversubscribed.is_empty());
        assert_eq!(graph.node_count(), c.firms + c.persons() + c.hubs());
        let holdings = graph.shareholdings().edges();
        // Cross-holdings: some firm held by a firm it holds.
        let cycles = crate::graph::scc::strongly_connected(holdings.forward());
        assert!(cycles.nontrivial().count() > 0);
        // Pyramids: a firm held by a firm held by a firm.
        let firm_holders = |v: u32| {
            holdings.reverse().neighbours(v).iter().copied().filter(|&h| !graph.is_person(h))
        };
        let deep = (0..graph.node_count() as u32).any(|v| {
            firm_holders(v).any(|h| firm_holders(h).any(|g| firm_holders(g).next().is_some()))
        });
        assert!(deep);
        // Hub persons with many roles; guarantee circles.
        let roles = graph.key_roles().edges().forward();
        let hub = graph.index_of("hub0").unwrap();
        assert!(roles.degree(hub) >= 50, "{}", roles.degree(hub));
        let guarantees =
            crate::graph::scc::strongly_connected(graph.guarantees().edges().forward());
        assert!(guarantees.nontrivial().any(|c| guarantees.members(c).len() >= 3));
        let edges = holdings.len() + roles.edge_count() + graph.guarantees().edges().len();
        assert!(edges > 2 * c.firms && edges < 4 * c.firms, "{edges}");
    }
}
