//! Relationship-graph facts for the graph conditions of a product: the size of the guarantee
//! circle a firm is in, and whether the guarantor its demand names is closely linked to it.
//!
//! The facts come from one of two places. A caller holding a relationship graph builds a
//! [`GraphSource`] once and hands it to [`Matcher::with_graph`](super::Matcher::with_graph):
//! the engine then computes every demand's facts from the graph, with the same rules as
//! `graph::guarantee` and `graph::close_links`, and ignores facts written in the demand. A
//! caller without a graph may state the facts in the demand (`graph_facts`). A fact known from
//! neither never passes a condition on it, as with any figure a firm does not report: a bank
//! cannot lend against a guarantee circle it has not looked at.

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::conditions::{ConditionId, Firm, worded};
use super::gap::Gap;
use super::product::{Collateral, Product};
use crate::date::Date;
use crate::error::Result;
use crate::graph::RelationGraph;
use crate::graph::close_links::link_between;
use crate::graph::guarantee::{GuaranteeConfig, analyse};
use crate::graph::ownership::{Ownership, OwnershipConfig};

/// What the graph conditions read about one demand; `None` is "not known".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphFacts {
    /// Members of the guarantee circle the firm is in; 0 when it is in none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee_circle_size: Option<u32>,
    /// Whether the guarantor named in the demand is closely linked to the firm (20% or more
    /// held either way, directly or indirectly, or a common holder of 20% or more of both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantor_closely_linked: Option<bool>,
}

/// A relationship graph prepared once for many demands: guarantee circles on one date and the
/// ownership analysis for close links.
pub struct GraphSource<'g> {
    graph: &'g RelationGraph,
    as_of: Date,
    /// Circle size by node; nodes outside circles are absent.
    circle_size: HashMap<u32, u32>,
    ownership: Ownership<'g>,
}

impl std::fmt::Debug for GraphSource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphSource")
            .field("as_of", &self.as_of)
            .field("firms_in_circles", &self.circle_size.len())
            .finish_non_exhaustive()
    }
}

impl<'g> GraphSource<'g> {
    /// Finds the guarantee circles in force on `as_of` (the guarantees counted are those of
    /// this date, whatever date a demand is matched on) and prepares the ownership analysis.
    ///
    /// Errors: those of [`analyse`] (a total guarantee amount out of range).
    pub fn new(graph: &'g RelationGraph, as_of: Date) -> Result<GraphSource<'g>> {
        // Only the sizes are read: no cycle enumeration, no close links of existing pairs.
        let config = GuaranteeConfig {
            max_cycles: 0,
            max_cycle_steps: 0,
            close_links: false,
            ..GuaranteeConfig::new(as_of)
        };
        let analysis = analyse(graph, &Default::default(), config)?;
        let circle_size = analysis
            .circles
            .iter()
            .flat_map(|c| {
                let size = u32::try_from(c.size).unwrap_or(u32::MAX);
                c.members.iter().filter_map(move |m| graph.index_of(m).map(|v| (v, size)))
            })
            .collect();
        let ownership = Ownership::new(graph, OwnershipConfig::default());
        Ok(GraphSource { graph, as_of, circle_size, ownership })
    }

    /// The date whose guarantees count.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// The facts of a firm (a USCC, any accepted spelling) and the guarantor it names. A firm
    /// the graph does not know is in no circle; a guarantor is linked only through holdings
    /// the graph records, so one it does not know is not closely linked.
    ///
    /// Errors: those of [`Ownership::of`] (more holders than its limit).
    pub fn facts(&self, firm: &str, guarantor: Option<&str>) -> Result<GraphFacts> {
        let node = self.graph.index_of(firm);
        let size = node.and_then(|v| self.circle_size.get(&v).copied()).unwrap_or(0);
        let linked = match guarantor {
            Some(g) => Some(self.closely_linked(node, self.graph.index_of(g))?),
            None => None,
        };
        Ok(GraphFacts { guarantee_circle_size: Some(size), guarantor_closely_linked: linked })
    }

    /// The test of `graph::close_links` for one pair, whether or not a guarantee joins them yet.
    fn closely_linked(&self, borrower: Option<u32>, guarantor: Option<u32>) -> Result<bool> {
        let (Some(b), Some(g)) = (borrower, guarantor) else { return Ok(false) };
        if b == g {
            return Ok(true);
        }
        let holders = |v: u32| -> Result<Vec<(String, Decimal)>> {
            if self.graph.is_person(v) {
                return Ok(Vec::new());
            }
            let of = self.ownership.of(self.graph.key_str(v))?;
            Ok(of.owners.into_iter().map(|o| (o.owner, o.integrated)).collect())
        };
        let (of_b, of_g) = (holders(b)?, holders(g)?);
        let (bk, gk) = (self.graph.key_str(b), self.graph.key_str(g));
        Ok(link_between(gk, &of_g, bk, &of_b).is_some())
    }
}

/// Failed graph conditions of `product`, in [`ConditionId`] order.
pub(super) fn check(product: &Product, firm: &Firm<'_>) -> Vec<Gap> {
    let c = &product.conditions;
    let mut gaps = Vec::new();
    if let Some(max) = c.max_guarantee_circle_size {
        gaps.extend(circle(firm.explain, max, firm.facts.guarantee_circle_size));
    }
    if c.guarantor_not_closely_linked && firm.demand.collateral == Collateral::Guarantee {
        let named = firm.demand.guarantor.is_some();
        gaps.extend(close_link(firm.explain, named, firm.facts.guarantor_closely_linked));
    }
    gaps
}

/// The gap of a fact neither the graph nor the demand gave.
fn not_provided(explain: bool, id: ConditionId, required: &str, [zh, en]: [&str; 2]) -> Gap {
    worded!(
        explain,
        id,
        required.to_owned(),
        None,
        format!("关系数据未提供（要求：{zh}）"),
        format!("relationship data not provided ({en})"),
    )
}

fn circle(explain: bool, max: u32, size: Option<u32>) -> Option<Gap> {
    let id = ConditionId::GuaranteeCircle;
    let Some(size) = size else {
        if !explain {
            return Some(Gap::unworded(id));
        }
        let need = [
            &*format!("担保圈不超过 {max} 家"),
            &*format!("guarantee circle of at most {max} firms"),
        ];
        return Some(not_provided(explain, id, &max.to_string(), need));
    };
    if size <= max {
        return None;
    }
    let over = size - max;
    let g = worded!(
        explain,
        id,
        max.to_string(),
        Some(size.to_string()),
        format!("所在担保圈 {size} 家企业，上限 {max} 家，超出 {over} 家"),
        format!("in a guarantee circle of {size} firms > {max} allowed: over by {over}"),
    );
    Some(g.measured(Decimal::from(over), Decimal::from(max)))
}

fn close_link(explain: bool, named: bool, linked: Option<bool>) -> Option<Gap> {
    let id = ConditionId::GuarantorCloseLink;
    let required = "not_closely_linked";
    let gap = match linked {
        Some(false) => return None,
        Some(true) => worded!(
            explain,
            id,
            required.to_owned(),
            Some("closely_linked".to_owned()),
            "担保人与企业关联密切（一方直接或间接持有另一方 20% 以上，或共同股东持有双方各 \
             20% 以上），要求无关联担保人"
                .to_owned(),
            "guarantor closely linked to the firm (20% or more held either way, or a common \
             holder of 20% of both): an unrelated guarantor required"
                .to_owned(),
        ),
        None if !named => worded!(
            explain,
            id,
            required.to_owned(),
            None,
            "未指明担保人（要求：与企业无密切关联的担保人）".to_owned(),
            "no guarantor named (a guarantor not closely linked to the firm required)".to_owned(),
        ),
        None => not_provided(
            explain,
            id,
            required,
            ["担保人与企业无密切关联", "a guarantor not closely linked to the firm"],
        ),
    };
    Some(gap)
}
