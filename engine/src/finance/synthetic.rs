//! Deterministic synthetic product catalogs and financing demands, for demos, tests and the
//! matching benchmark (re-exported from [`crate::synth`]).
//!
//! Like the synthetic registry, each product depends only on the seed and its index, and each
//! demand only on the registry's configuration and its firm's index, drawn with integer draws
//! from ChaCha8: the same seed gives the same bytes on every platform.
//!
//! ```
//! use xinyong::date::parse_date;
//! use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands};
//! let products = catalog(&CatalogConfig::new(50, 1));
//! let catalog = xinyong::finance::Catalog::new(products, &xinyong::Model::default_model())?;
//! assert_eq!(catalog.products().len(), 50);
//! let registry = SynthConfig::new(3, 1, parse_date("2026-06-30").unwrap_or_default());
//! assert_eq!(demands(&registry).count(), 3);
//! # Ok::<(), xinyong::Error>(())
//! ```

use std::collections::BTreeMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

use super::demand::Demand;
use super::graph_facts::GraphFacts;
use super::product::{
    AmountRange, Collateral, Conditions, Industries, LimitRule, Product, RateRule, TermRange,
};
use crate::num::Amount;
use crate::record::{Industry, TaxGrade};
use crate::synth::{SynthConfig, enterprise};

/// What catalog to draw: how many products, from which seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogConfig {
    /// Number of products.
    pub products: usize,
    /// Seed: the same seed gives the same catalog, byte for byte.
    pub seed: u64,
}

impl CatalogConfig {
    /// A catalog of `products` products from `seed`.
    pub fn new(products: usize, seed: u64) -> CatalogConfig {
        CatalogConfig { products, seed }
    }
}

/// Keeps product draws apart from the registry's draws under the same seed.
const CATALOG_SALT: u64 = 0x5EED_CA7A_10C0_0001;
/// Keeps demand draws apart from the firm's own draws.
const DEMAND_SALT: u64 = 0x5EED_DE3A_4D00_0002;

const BANKS: [&str; 8] = [
    "示例建设银行",
    "示例工商银行",
    "示例农业银行",
    "示例中国银行",
    "示例招商银行",
    "示例兴业银行",
    "示例农商银行",
    "示例城商银行",
];

const KINDS: [&str; 6] = ["税易贷", "信易贷", "科创贷", "首贷通", "惠企贷", "经营快贷"];

/// Provinces of the synthetic registry's cities.
const PROVINCES: [&str; 13] =
    ["33", "32", "35", "44", "51", "50", "21", "42", "37", "34", "43", "41", "61"];

/// Prefecture-level prefixes of the synthetic registry's cities.
const CITIES: [&str; 21] = [
    "3301", "3302", "3303", "3201", "3204", "3205", "3501", "3502", "3509", "4401", "4403", "5101",
    "5000", "2101", "4201", "3701", "3702", "3401", "4301", "4101", "6101",
];

/// Industry prefixes products include (GB/T 4754 sections and classes of the registry).
const INCLUDES: [&str; 9] = ["C", "C39", "C34", "F", "I", "A", "E", "G", "M"];

/// Industry exclusions of tax-credit loans: real estate, investment management.
const EXCLUDES: [&str; 3] = ["K70", "L72", "H62"];

const GRADES: [&str; 4] = ["A", "B", "C", "D"];

fn rng_for(seed: u64, salt: u64, index: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ salt);
    rng.set_stream(index as u64);
    rng
}

fn chance(rng: &mut ChaCha8Rng, percent: u32) -> bool {
    rng.random_range(0..100) < percent
}

/// One of `items`; the draw is a `u32`, so that 32-bit targets draw the same.
fn pick<T: Copy, const N: usize>(rng: &mut ChaCha8Rng, items: &[T; N]) -> T {
    const { assert!(N > 0) };
    items[rng.random_range(0..N as u32) as usize]
}

fn yuan(value: u64) -> Amount {
    Amount::new(Decimal::from(value)).unwrap_or_default()
}

/// A whole number of thousands of yuan in `low..=high` (thousands).
fn thousands(rng: &mut ChaCha8Rng, low: u64, high: u64) -> Amount {
    yuan(rng.random_range(low..=high) * 1000)
}

/// The whole catalog, products in index order (ids `syn-00000`, `syn-00001` ...).
pub fn catalog(config: &CatalogConfig) -> Vec<Product> {
    (0..config.products).map(|i| product(config.seed, i)).collect()
}

/// The `index`-th product of the catalog drawn from `seed`; it always validates against the
/// default model (grades A to D).
pub fn product(seed: u64, index: usize) -> Product {
    let rng = &mut rng_for(seed, CATALOG_SALT, index);
    let regions = match rng.random_range(0..10) {
        0 => Vec::new(),
        1..=4 => vec![pick(rng, &PROVINCES).to_owned()],
        _ => vec![pick(rng, &CITIES).to_owned()],
    };
    let industries = industries(rng);
    let collateral = match rng.random_range(0..10) {
        0..=6 => Collateral::None,
        7 | 8 => Collateral::Guarantee,
        _ => Collateral::Mortgage,
    };
    let max = pick(rng, &[300u64, 500, 1000, 2000, 3000, 5000, 10_000]) * 1000;
    let amount =
        AmountRange { min: yuan(pick(rng, &[10_000u64, 50_000, 100_000])), max: yuan(max) };
    let term_months = TermRange { min: rng.random_range(1..=6), max: pick(rng, &[12, 24, 36, 60]) };
    let conditions = conditions(rng, collateral);
    let admitted = conditions
        .min_grade
        .as_deref()
        .and_then(|g| GRADES.iter().position(|x| *x == g))
        .map_or(GRADES.len(), |k| k + 1);
    let limit = limit(rng, max);
    let base = Decimal::new(rng.random_range(20..=150), 2);
    let rate = RateRule {
        spread: Some(base),
        spread_by_grade: if chance(rng, 40) {
            (0..admitted)
                .map(|k| (GRADES[k].to_owned(), base + Decimal::new(k as i64 * 25, 2)))
                .collect()
        } else {
            BTreeMap::new()
        },
    };
    Product {
        id: format!("syn-{index:05}"),
        bank: pick(rng, &BANKS).to_owned(),
        name: format!("{}（合成 {index}）", pick(rng, &KINDS)),
        amount,
        term_months,
        collateral,
        regions,
        industries,
        conditions,
        limit,
        rate,
    }
}

fn industries(rng: &mut ChaCha8Rng) -> Industries {
    let parse = |codes: &[&str]| codes.iter().filter_map(|c| Industry::parse(c)).collect();
    match rng.random_range(0..10) {
        0..=4 => Industries::default(),
        5..=7 => Industries { include: parse(&[pick(rng, &INCLUDES)]), exclude: Vec::new() },
        _ => Industries { include: Vec::new(), exclude: parse(&EXCLUDES) },
    }
}

fn conditions(rng: &mut ChaCha8Rng, collateral: Collateral) -> Conditions {
    let tax_grades: [&[TaxGrade]; 3] =
        [&[TaxGrade::A, TaxGrade::B], &[TaxGrade::A, TaxGrade::B, TaxGrade::M], &[TaxGrade::A]];
    Conditions {
        min_grade: chance(rng, 60).then(|| pick(rng, &["A", "B", "C"]).to_owned()),
        tax_grades: chance(rng, 50).then(|| pick(rng, &tax_grades).to_vec()),
        min_years_established: chance(rng, 50).then(|| rng.random_range(1..=3)),
        min_tax_paid_12m: chance(rng, 50).then(|| thousands(rng, 10, 50)),
        tax_payment_within_months: chance(rng, 40).then(|| pick(rng, &[3, 6, 12])),
        no_tax_arrears: chance(rng, 60),
        no_dishonest_listing: chance(rng, 70),
        max_existing_loans: chance(rng, 40).then(|| thousands(rng, 2000, 10_000)),
        max_registered_capital: chance(rng, 20).then(|| thousands(rng, 5000, 50_000)),
        max_staff: chance(rng, 20).then(|| rng.random_range(50..=500)),
        max_revenue_12m: chance(rng, 20).then(|| thousands(rng, 50_000, 400_000)),
        max_guarantee_circle_size: chance(rng, 10).then(|| pick(rng, &[0, 2, 5, 10])),
        guarantor_not_closely_linked: collateral == Collateral::Guarantee && chance(rng, 50),
    }
}

fn limit(rng: &mut ChaCha8Rng, max: u64) -> LimitRule {
    let grade_caps = if chance(rng, 20) {
        // Caps fall by grade: the product cap, then 80%, 50%, 20% of it.
        GRADES
            .iter()
            .zip([10u64, 8, 5, 2])
            .map(|(g, tenths)| ((*g).to_owned(), yuan(max / 10 * tenths)))
            .collect()
    } else {
        BTreeMap::new()
    };
    LimitRule {
        grade_caps,
        k_tax: chance(rng, 50).then(|| Decimal::from(rng.random_range(5..=20))),
        k_sales: chance(rng, 40).then(|| Decimal::new(rng.random_range(10..=30), 2)),
        max_total_debt: chance(rng, 30).then(|| thousands(rng, 5000, 30_000)),
    }
}

/// One demand per firm of the synthetic registry, in index order (ids `d-000000` ...).
pub fn demands(config: &SynthConfig) -> impl Iterator<Item = Demand> + '_ {
    (0..config.enterprises).map(move |index| demand(config, index))
}

/// The demand of the registry's `index`-th firm: an amount of ¥100,000 to ¥3m, a usual term,
/// mostly without collateral. No graph facts are stated.
pub fn demand(config: &SynthConfig, index: usize) -> Demand {
    let rng = &mut rng_for(config.seed, DEMAND_SALT, index);
    let amount = yuan(rng.random_range(10..=300) * 10_000);
    let term_months = pick(rng, &[6, 12, 12, 12, 24, 36]);
    let collateral = match rng.random_range(0..20) {
        0..=15 => Collateral::None,
        16..=18 => Collateral::Guarantee,
        _ => Collateral::Mortgage,
    };
    let purpose = pick(rng, &["working capital", "equipment", "raw materials", "payroll"]);
    Demand {
        id: Some(format!("d-{index:06}")),
        enterprise: enterprise(config, index),
        amount,
        term_months,
        purpose: Some(purpose.to_owned()),
        collateral,
        guarantor: None,
        graph_facts: GraphFacts::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use crate::finance::Catalog;
    use crate::model::Model;

    #[test]
    fn the_same_seed_gives_the_same_bytes_and_the_catalog_validates() {
        let model = Model::default_model();
        let a = Catalog::new(catalog(&CatalogConfig::new(600, 1)), &model).unwrap();
        let b = Catalog::new(catalog(&CatalogConfig::new(600, 1)), &model).unwrap();
        assert_eq!(a.to_json_pretty(), b.to_json_pretty());
        let c = Catalog::new(catalog(&CatalogConfig::new(600, 2)), &model).unwrap();
        assert_ne!(a.to_json_pretty(), c.to_json_pretty());
        // Written and read back, the catalog is the same.
        let again = Catalog::from_json(&a.to_json_pretty(), &model).unwrap();
        assert_eq!(again, a);
        // Every condition is drawn somewhere.
        let ps = a.products();
        assert!(ps.iter().any(|p| p.conditions.max_guarantee_circle_size.is_some()));
        assert!(ps.iter().any(|p| p.conditions.guarantor_not_closely_linked));
        assert!(
            ps.iter().any(|p| p.regions.is_empty())
                && ps.iter().any(|p| !p.limit.grade_caps.is_empty())
        );
    }

    #[test]
    fn demands_are_deterministic_and_read_back() {
        let config = SynthConfig::new(300, 9, parse_date("2026-06-30").unwrap());
        let texts: Vec<String> = demands(&config).map(|d| d.to_json()).collect();
        let again: Vec<String> = demands(&config).map(|d| d.to_json()).collect();
        assert_eq!(texts, again);
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(Demand::from_json(text).unwrap(), demand(&config, i), "{text}");
        }
    }
}
