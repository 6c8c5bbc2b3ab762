//! The related-party context of an evaluation and the `related_party` indicator that reads it.
//!
//! A firm's own records say nothing about the dishonest firms it owns, guarantees or shares a
//! legal representative with; the relationship graph does ([`crate::graph::features`]). Those
//! indicators reach the evaluation as an optional [`RelatedParty`] context. Without a context the
//! indicator is not evaluated at all: it gives no contribution, so the evaluation is exactly the
//! one of a model without it. Related-party losses are not the firm's to repair, so they never
//! become improvement-plan steps.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::fixed::{self, Points};
use crate::error::{Error, Result};
use crate::graph::features::{FirmFeatures, RelatedDishonest};
use crate::model::{Bin, RelatedPartyRules};

/// What the relationship graph says about one firm's related parties: the indicators of
/// [`FirmFeatures`] that an evaluation reads. Every field may be left out (zero, empty or
/// unknown), so a caller without a graph of its own can still supply the parts it knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedParty {
    /// Dishonest firms one tie away.
    #[serde(default)]
    pub dishonest_within_1: usize,
    /// Dishonest firms one or two ties away (at least `dishonest_within_1`).
    #[serde(default)]
    pub dishonest_within_2: usize,
    /// Those firms with their distance, when known: they name what caused the deduction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_dishonest: Vec<RelatedDishonest>,
    /// Size of the firm's guarantee circle (0 outside any circle).
    #[serde(default)]
    pub guarantee_circle_size: usize,
    /// Active guarantees given over net assets; `null` when unknown.
    #[serde(default, with = "crate::num::opt_decimal")]
    pub guarantee_exposure_ratio: Option<Decimal>,
    /// Ultimate controllers and beneficial owners of the firm on a dishonest list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dishonest_controllers: Vec<String>,
    /// DebtRank distress (0 to 1) when every dishonest firm defaults.
    #[serde(default, with = "crate::num::decimal")]
    pub debt_rank_distress: Decimal,
}

impl From<&FirmFeatures> for RelatedParty {
    fn from(f: &FirmFeatures) -> Self {
        RelatedParty {
            dishonest_within_1: f.dishonest_within_1,
            dishonest_within_2: f.dishonest_within_2,
            related_dishonest: f.related_dishonest.clone(),
            guarantee_circle_size: f.guarantee_circle_size,
            guarantee_exposure_ratio: f.guarantee_exposure_ratio,
            dishonest_controllers: f.dishonest_controllers.clone(),
            debt_rank_distress: f.debt_rank_distress,
        }
    }
}

impl RelatedParty {
    /// Reads a context from JSON (the object documented in `docs/model.md`; a line of
    /// `xinyong graph features` without its `firm` and `dishonest` fields).
    pub fn from_json(text: &str) -> Result<RelatedParty> {
        let context: RelatedParty = crate::record::from_json_text(text)?;
        context.check()?;
        Ok(context)
    }

    /// Checks that the counts and ratios are consistent; errors have paths under
    /// `related_party`.
    pub fn check(&self) -> Result<()> {
        if self.dishonest_within_2 < self.dishonest_within_1 {
            return Err(Error::field(
                "related_party.dishonest_within_2",
                "must be at least dishonest_within_1 (it counts the firms one tie away too)",
            ));
        }
        if self.guarantee_exposure_ratio.is_some_and(|r| r < Decimal::ZERO) {
            return Err(Error::field(
                "related_party.guarantee_exposure_ratio",
                "must not be negative",
            ));
        }
        if self.debt_rank_distress < Decimal::ZERO || self.debt_rank_distress > Decimal::ONE {
            return Err(Error::field(
                "related_party.debt_rank_distress",
                "must lie between 0 and 1",
            ));
        }
        Ok(())
    }
}

/// Which part of a `related_party` indicator deducted points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelatedPartyPart {
    /// Dishonest firms one tie away.
    DishonestOneHop,
    /// Dishonest firms exactly two ties away.
    DishonestTwoHops,
    /// A dishonest ultimate controller or beneficial owner.
    DishonestController,
    /// The firm's guarantee circle.
    GuaranteeCircleSize,
    /// Its guarantee exposure ratio.
    GuaranteeExposureRatio,
    /// Its DebtRank distress.
    DebtRankDistress,
}

/// One part of a related-party deduction: what it measured, what it cost and who caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedPartyCause {
    /// The part.
    pub part: RelatedPartyPart,
    /// What it measured: a count of firms, a circle size, a ratio or a distress.
    #[serde(with = "crate::num::decimal")]
    pub value: Decimal,
    /// Points it deducted, before the indicator's cap.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
    /// The dishonest firms or controllers behind it, when the context names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
}

/// A compiled `related_party` indicator: every amount in fixed point.
pub(super) struct RelatedRule {
    one_hop: Option<(Points, Option<Points>)>,
    two_hops: Option<(Points, Option<Points>)>,
    controller: Option<Points>,
    circle: Vec<(Option<Decimal>, Points)>,
    exposure: Vec<(Option<Decimal>, Points)>,
    distress: Vec<(Option<Decimal>, Points)>,
    cap: Option<Points>,
}

fn bins(bins: &Option<Vec<Bin>>) -> Vec<(Option<Decimal>, Points)> {
    bins.iter().flatten().map(|b| (b.to, fixed::points(b.points))).collect()
}

/// Points of the bin `value` falls in (bins are contiguous, the last unbounded).
fn bin_points(bins: &[(Option<Decimal>, Points)], value: Decimal) -> Points {
    bins.iter().find(|(to, _)| to.is_none_or(|to| value < to)).map_or(0, |b| b.1)
}

impl RelatedRule {
    /// Compiles the rules of a validated indicator.
    pub(super) fn new(rules: Option<&RelatedPartyRules>, cap: Option<Decimal>) -> RelatedRule {
        let default = RelatedPartyRules::default();
        let rules = rules.unwrap_or(&default);
        let per_firm = |p: &Option<crate::model::PerFirm>| {
            p.as_ref().map(|p| (fixed::points(p.points), p.cap.map(fixed::points)))
        };
        RelatedRule {
            one_hop: per_firm(&rules.dishonest_one_hop),
            two_hops: per_firm(&rules.dishonest_two_hops),
            controller: rules.dishonest_controller.map(fixed::points),
            circle: bins(&rules.guarantee_circle_size),
            exposure: bins(&rules.guarantee_exposure_ratio),
            distress: bins(&rules.debt_rank_distress),
            cap: cap.map(fixed::points),
        }
    }

    /// The points deducted (non-negative, after the indicator's cap) and the parts that
    /// deducted them, in the order of the model's documentation.
    pub(super) fn deduct(&self, ctx: &RelatedParty) -> (Points, Vec<RelatedPartyCause>) {
        let mut causes = Vec::new();
        let mut total: Points = 0;
        let mut add = |part, value: Decimal, points: Points, parties: Vec<String>| {
            if points > 0 {
                total = total.saturating_add(points);
                causes.push(RelatedPartyCause {
                    part,
                    value: value.normalize(),
                    points: fixed::to_decimal(points),
                    parties,
                });
            }
        };
        let firms_at = |hops: u32| -> Vec<String> {
            ctx.related_dishonest
                .iter()
                .filter(|r| r.hops == hops)
                .map(|r| r.firm.clone())
                .collect()
        };
        let two_only = ctx.dishonest_within_2.saturating_sub(ctx.dishonest_within_1);
        for (rule, count, part, hops) in [
            (self.one_hop, ctx.dishonest_within_1, RelatedPartyPart::DishonestOneHop, 1),
            (self.two_hops, two_only, RelatedPartyPart::DishonestTwoHops, 2),
        ] {
            if let Some((per_firm, cap)) = rule {
                let count_points = Points::try_from(count).unwrap_or(Points::MAX);
                let raw = per_firm.saturating_mul(count_points);
                let points = cap.map_or(raw, |cap| raw.min(cap));
                add(part, Decimal::from(count), points, firms_at(hops));
            }
        }
        if let Some(points) = self.controller
            && !ctx.dishonest_controllers.is_empty()
        {
            let count = Decimal::from(ctx.dishonest_controllers.len());
            add(
                RelatedPartyPart::DishonestController,
                count,
                points,
                ctx.dishonest_controllers.clone(),
            );
        }
        let circle = Decimal::from(ctx.guarantee_circle_size);
        add(
            RelatedPartyPart::GuaranteeCircleSize,
            circle,
            bin_points(&self.circle, circle),
            Vec::new(),
        );
        if let Some(ratio) = ctx.guarantee_exposure_ratio {
            let points = bin_points(&self.exposure, ratio);
            add(RelatedPartyPart::GuaranteeExposureRatio, ratio, points, Vec::new());
        }
        let distress = ctx.debt_rank_distress;
        let points = bin_points(&self.distress, distress);
        add(RelatedPartyPart::DebtRankDistress, distress, points, Vec::new());
        let total = self.cap.map_or(total, |cap| total.min(cap));
        (total, causes)
    }
}
