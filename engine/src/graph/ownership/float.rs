//! Shares as `f64` for the floating-point solve, bit for bit the value `Decimal::to_f64` gives,
//! without its 128-bit division.
//!
//! `to_f64` splits the mantissa into integral and fractional parts with a `u128` division and
//! rounds the sum again; per shareholding of a million-firm registry that is most of the set-up
//! of [`Ownership::new`](super::Ownership::new). For a mantissa `m` below 2^50 and a scale `s` of
//! at most 22, both `m` and `10^s` are exact in `f64`, so `m / 10^s` is one correctly rounded
//! division; `to_f64` then reaches the same value, because its intermediate errors stay below
//! half a unit of `m` and its last step is that same division. Every other decimal takes
//! `to_f64` itself. The unit test `agrees_with_to_f64` checks the equality on random decimals
//! of every scale.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// `10^s` for every scale whose power of ten is exact in `f64`.
const POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Mantissas below this take the single division: `to_f64`'s rounding errors then stay under
/// half a unit of the mantissa (three roundings of relative size 2^-53 each).
const EXACT_MANTISSA: u64 = 1 << 50;

/// `d.to_f64()`, computed by one division where that gives the same bits.
pub(crate) fn decimal_to_f64(d: Decimal) -> f64 {
    // Converted through `u64`: an `i128` to `f64` conversion is a library call.
    let magnitude = u64::try_from(d.mantissa().unsigned_abs()).unwrap_or(u64::MAX);
    let scale = d.scale();
    if magnitude < EXACT_MANTISSA {
        let negative = d.is_sign_negative();
        if scale == 0 {
            // `to_f64` converts the signed integer: a negative zero becomes +0.
            let value = magnitude as f64;
            return if negative && magnitude != 0 { -value } else { value };
        }
        if let Some(&power) = POWERS_OF_TEN.get(scale as usize) {
            let value = magnitude as f64 / power;
            return if negative { -value } else { value };
        }
    }
    d.to_f64().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn same(d: Decimal) -> bool {
        decimal_to_f64(d).to_bits() == d.to_f64().unwrap_or(0.0).to_bits()
    }

    #[test]
    fn agrees_on_shares_written_by_hand() {
        for text in ["0", "-0.000", "1", "0.25", "0.1", "0.3333333333333333333333333333", "-0.5"] {
            let d: Decimal = text.parse().unwrap_or_default();
            assert!(same(d), "{text}");
        }
        let largest_fast = Decimal::from_i128_with_scale((1 << 50) - 1, 22);
        assert!(same(largest_fast));
        assert!(same(Decimal::MAX) && same(Decimal::MIN));
        assert_eq!(decimal_to_f64(Decimal::new(638_298, 6)), 0.638_298);
    }

    /// A 96-bit magnitude with a random number of significant bits, so that both the single
    /// division (below 2^50) and the fallback are drawn often.
    fn decimal() -> impl Strategy<Value = Decimal> {
        (1u32..=96, any::<u128>(), 0u32..=28, any::<bool>()).prop_map(|(bits, raw, scale, neg)| {
            let magnitude = raw & ((1u128 << bits) - 1);
            let mut d = Decimal::from_i128_with_scale(magnitude as i128, scale);
            d.set_sign_negative(neg);
            d
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn agrees_with_to_f64(d in decimal()) {
            prop_assert_eq!(decimal_to_f64(d).to_bits(), d.to_f64().unwrap_or(0.0).to_bits(), "{}", d);
        }

        #[test]
        fn agrees_on_shares_between_zero_and_one(units in 0u64..=1_000_000_000_000, scale in 0u32..=12) {
            let d = Decimal::new(units as i64, 12).round_dp(scale);
            prop_assert!(same(d), "{}", d);
        }
    }
}
