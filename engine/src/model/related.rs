//! The rules of a `related_party` indicator: points deducted for what the relationship graph says
//! about the firm's related parties (dishonest firms nearby, its guarantee circle and exposure, a
//! listed controller, contagion distress). Every part is optional; the indicator deducts the sum
//! of its parts, capped by the indicator's `cap`.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::Bin;

/// Points deducted per related dishonest firm, with an optional cap for the part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerFirm {
    /// Points deducted per firm.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
    /// Most points the part deducts.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub cap: Option<Decimal>,
}

/// The parts of a `related_party` indicator; bins give the points deducted for a value in them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelatedPartyRules {
    /// Per dishonest firm one tie away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dishonest_one_hop: Option<PerFirm>,
    /// Per dishonest firm exactly two ties away (not also one tie away).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dishonest_two_hops: Option<PerFirm>,
    /// Once, when an ultimate controller or beneficial owner is on a dishonest list.
    #[serde(default, with = "crate::num::opt_decimal", skip_serializing_if = "Option::is_none")]
    pub dishonest_controller: Option<Decimal>,
    /// By the size of the firm's guarantee circle (0 outside any circle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee_circle_size: Option<Vec<Bin>>,
    /// By active guarantees given over net assets; nothing when the ratio is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee_exposure_ratio: Option<Vec<Bin>>,
    /// By DebtRank distress (0 to 1) when every dishonest firm defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt_rank_distress: Option<Vec<Bin>>,
}

impl RelatedPartyRules {
    /// Whether no part is given.
    pub fn is_empty(&self) -> bool {
        self == &RelatedPartyRules::default()
    }
}
