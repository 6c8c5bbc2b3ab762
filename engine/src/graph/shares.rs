//! Cleaning shareholdings before analysis: merge duplicates, apply the oversubscription policy,
//! remove treasury shares. Done in exact decimals, so the order of the input cannot matter.

use rust_decimal::Decimal;

use super::build::{
    BuildPolicy, BuildReport, DuplicateMerge, DuplicatePolicy, OversubscribedPolicy,
    Oversubscription, Resolved, TreasuryRemoval, duplicate_error,
};
use super::model::{EdgeKind, Relation};
use super::relation::{EdgeTable, RelationGraph, Shareholdings};
use crate::error::{Error, Result};
use crate::num::Amount;

#[derive(Clone, Copy)]
struct Row {
    to: u32,
    from: u32,
    share: Decimal,
    vote: Option<Decimal>,
    subscribed: Option<Amount>,
    input: usize,
}

/// Applies the policies to the shareholding edges of a graph whose nodes are already numbered.
pub(crate) fn normalise(
    graph: &RelationGraph,
    edges: &[&Resolved<'_>],
    policy: BuildPolicy,
    report: &mut BuildReport,
) -> Result<Shareholdings> {
    let mut rows: Vec<Row> = edges
        .iter()
        .filter_map(|e| match e.relation {
            Relation::Shareholding { share, vote_share, subscribed } => Some(Row {
                to: e.to,
                from: e.from,
                share: *share,
                vote: *vote_share,
                subscribed: *subscribed,
                input: e.input,
            }),
            _ => None,
        })
        .collect();
    rows.sort_unstable_by_key(|r| (r.to, r.from, r.input));
    let rows = merge(graph, rows, policy.duplicates, report)?;
    let mut out = Shareholdings::default();
    let (mut from, mut to) = (Vec::new(), Vec::new());
    for firm in rows.chunk_by(|a, b| a.to == b.to) {
        let total: Decimal = firm.iter().map(|r| r.share).sum();
        let clean = total <= Decimal::ONE && firm.iter().all(|r| r.from != r.to);
        let fixed =
            if clean { None } else { Some(firm_rows(graph, firm, policy.oversubscribed, report)?) };
        for r in fixed.as_deref().unwrap_or(firm) {
            from.push(r.from);
            to.push(r.to);
            // Rows are pushed in edge order, as the sparse columns require.
            let e = out.share.len() as u32;
            out.share.push(r.share);
            out.vote_share.push(e, r.vote);
            out.subscribed.push(e, r.subscribed);
        }
    }
    out.edges = EdgeTable::new(graph.node_count(), from, to);
    Ok(out)
}

/// Sums each run of rows with the same holder and firm into one.
fn merge(
    graph: &RelationGraph,
    rows: Vec<Row>,
    policy: DuplicatePolicy,
    report: &mut BuildReport,
) -> Result<Vec<Row>> {
    let mut merged: Vec<Row> = Vec::with_capacity(rows.len());
    for group in rows.chunk_by(|a, b| (a.to, a.from) == (b.to, b.from)) {
        let Some(first) = group.first() else { continue };
        if let (Some(second), DuplicatePolicy::Reject) = (group.get(1), policy) {
            return Err(duplicate_error(second.input, first.input));
        }
        let mut row = *first;
        if group.len() > 1 {
            row.share = group.iter().map(|r| r.share).sum();
            row.vote = group
                .iter()
                .any(|r| r.vote.is_some())
                .then(|| group.iter().map(|r| r.vote.unwrap_or(r.share)).sum());
            row.subscribed = group
                .iter()
                .map(|r| r.subscribed.map(Amount::value))
                .sum::<Option<Decimal>>()
                .and_then(Amount::new);
            report.duplicates_merged.push(DuplicateMerge {
                kind: EdgeKind::Shareholding,
                from: graph.key_str(row.from).to_owned(),
                to: graph.key_str(row.to).to_owned(),
                count: group.len(),
            });
        }
        merged.push(row);
    }
    Ok(merged)
}

/// The holders of one firm after the oversubscription check and treasury removal.
fn firm_rows(
    graph: &RelationGraph,
    firm: &[Row],
    policy: OversubscribedPolicy,
    report: &mut BuildReport,
) -> Result<Vec<Row>> {
    let mut rows = firm.to_vec();
    let Some(first) = rows.first().copied() else { return Ok(rows) };
    let name = graph.key_str(first.to).to_owned();
    let total: Decimal = rows.iter().map(|r| r.share).sum();
    if total > Decimal::ONE {
        if policy == OversubscribedPolicy::Reject {
            let message = format!("the holders of `{name}` sum to {}, above 1", total.normalize());
            return Err(Error::field(format!("edges[{}].share", first.input), message));
        }
        if policy == OversubscribedPolicy::Renormalise {
            for r in &mut rows {
                r.share /= total;
            }
        }
        report.oversubscribed.push(Oversubscription { firm: name.clone(), total, action: policy });
    }
    if let Some(pos) = rows.iter().position(|r| r.from == r.to) {
        let treasury = rows.remove(pos).share;
        let outstanding = Decimal::ONE - treasury;
        // Rescaling an oversubscribed firm kept as given would only push shares further
        // above 1, so it is left as reported.
        if outstanding > Decimal::ZERO && total <= Decimal::ONE {
            for r in &mut rows {
                r.share /= outstanding;
            }
        }
        report.treasury_removed.push(TreasuryRemoval { firm: name, share: treasury });
    }
    Ok(rows)
}
