//! Exact fixed-point arithmetic for the evaluation loop.
//!
//! Model points and factors are decimals with at most [`MAX_DECIMALS`] places (checked when the
//! model is validated), so a record's points, `points × standing × amount factor × domain
//! factor`, is an exact integer at scale 10^16. Summing and comparing `i128` instead of
//! `Decimal` makes the loop several times faster without losing a digit; values turn back into
//! `Decimal` only for output.

use rust_decimal::Decimal;

/// Most decimal places a model's points and factors may have.
pub(crate) const MAX_DECIMALS: u32 = 4;
/// Largest absolute value a model's points may have.
pub(crate) const MAX_POINTS: i64 = 1_000_000;
/// Largest value a model's factor may have.
pub(crate) const MAX_FACTOR: i64 = 100;

/// Points at scale 10^16.
pub(super) type Points = i128;
/// A factor at scale 10^4.
pub(super) type Factor = i128;

/// A factor of one.
pub(super) const FACTOR_ONE: Factor = 10_000;
const SCALE: u32 = 16;

/// `d` scaled by `10^scale`, exact when `d` has at most `scale` decimal places.
fn scaled(d: Decimal, scale: u32) -> i128 {
    let d = d.normalize();
    let mantissa = d.mantissa();
    match scale.checked_sub(d.scale()) {
        Some(up) => mantissa.saturating_mul(10i128.pow(up)),
        None => mantissa / 10i128.pow(d.scale() - scale),
    }
}

/// Model points to fixed point.
pub(super) fn points(d: Decimal) -> Points {
    scaled(d, SCALE)
}

/// A model factor (or a standing factor) to fixed point.
pub(super) fn factor(d: Decimal) -> Factor {
    if d == Decimal::ONE { FACTOR_ONE } else { scaled(d, MAX_DECIMALS) }
}

/// Points per record at scale 10^4: multiplied by three factors (scale 4 each) they land on
/// scale 16 without a division.
pub(super) type RecordPoints = i128;

/// Model points per record to [`RecordPoints`].
pub(super) fn per_record(d: Decimal) -> RecordPoints {
    scaled(d, MAX_DECIMALS)
}

/// Points of one record: exact at scale 16.
pub(super) fn record_points(per_record: RecordPoints, factors: [Factor; 3]) -> Points {
    factors.iter().fold(per_record, |acc, &f| acc.saturating_mul(f))
}

/// Back to a normalised decimal for output.
///
/// Scores are mostly whole numbers below 2^64 at scale 10^16 (1,844 points); those take a 64-bit
/// path, as 128-bit division and `Decimal::normalize` cost more than the rest of an evaluation.
pub(super) fn to_decimal(v: Points) -> Decimal {
    const ONE: u64 = 10u64.pow(SCALE);
    let magnitude = v.unsigned_abs();
    if let Ok(m) = u64::try_from(magnitude)
        && m % ONE == 0
    {
        let whole = Decimal::from(m / ONE);
        return if v < 0 { -whole } else { whole };
    }
    Decimal::try_from_i128_with_scale(v, SCALE).map(|d| d.normalize()).unwrap_or(Decimal::MAX)
}

/// Whether a model value fits the fixed-point representation.
pub(crate) fn fits(d: Decimal, max: i64) -> bool {
    d.normalize().scale() <= MAX_DECIMALS && d.abs() <= Decimal::from(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn round_trips_and_products_are_exact() {
        for s in [
            "0",
            "30",
            "-30",
            "0.5",
            "862.5",
            "1234.5678",
            "-0.0001",
            "1844",
            "-1844",
            "1845",
            "999999",
        ] {
            assert_eq!(to_decimal(points(dec(s))), dec(s).normalize(), "{s}");
        }
        let p = record_points(
            per_record(dec("30")),
            [factor(dec("0.5")), factor(dec("1.2")), factor(dec("1.5"))],
        );
        assert_eq!(to_decimal(p), dec("27"));
        let p = record_points(per_record(dec("0.3333")), [factor(dec("0.3333")); 3]);
        assert_eq!(to_decimal(p), dec("0.3333") * dec("0.3333") * dec("0.3333") * dec("0.3333"));
    }

    #[test]
    fn fits_checks_places_and_size() {
        assert!(fits(dec("1.2500"), MAX_FACTOR));
        assert!(!fits(dec("1.23456"), MAX_FACTOR));
        assert!(!fits(dec("101"), MAX_FACTOR));
    }
}
