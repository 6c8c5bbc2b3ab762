//! Deterministic synthetic registries of enterprises, for demos, tests and benchmarks.
//!
//! Each enterprise depends only on the seed, its index, the reference date and the record
//! target, so a registry can be streamed, sliced or regenerated in any order. Every firm draws a
//! latent quality (0-99) that drives its tax grades, risk class, penalties, list entries,
//! arrears and honours together, so good and bad records correlate the way they do in real data.
//!
//! Product catalogs and financing demands for the registry's firms are drawn the same way
//! ([`catalog`], [`demands`]; see `docs/finance.md`), and so are relationship graphs of
//! shareholdings, key roles and guarantees ([`graph`]; see `docs/graph.md`).
//!
//! Output is identical on every platform (x86-64, WebAssembly): only integer arithmetic and
//! integer draws from ChaCha8 are used, never floating-point distributions.
//!
//! ```
//! use xinyong::date::parse_date;
//! use xinyong::synth::{SynthConfig, registry};
//! let as_of = parse_date("2026-06-30").unwrap_or_default();
//! let config = SynthConfig::new(3, 42, as_of);
//! assert_eq!(registry(&config).count(), 3);
//! ```

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;

pub use crate::finance::synthetic::{CatalogConfig, catalog, demand, demands, product};

use crate::date::{Date, add_months, whole_months, whole_years};
use crate::num::Amount;
use crate::record::Domain::{Drug, Environment, Fire, Food, Safety, SpecialEquipment};
use crate::record::{
    Arrears, ArrearsKind, Commitment, CommitmentStatus, CustomsClass, Domain, Enterprise, Finance,
    Honour, HonourKind, Industry, ListKind, Listing, Measure, Penalty, Ratings, Record,
    RecordDetail, SamrRiskClass, Severity, Size, Status, TaxGrade,
};
use crate::uscc::{ALPHABET, Uscc};

pub mod graph;

/// What to generate: how many enterprises, from which seed, as of which date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SynthConfig {
    /// Number of enterprises in the registry.
    pub enterprises: usize,
    /// Seed: the same seed gives the same registry, byte for byte, on every platform.
    pub seed: u64,
    /// Reference date: every generated date is on or before it, except the forward-looking
    /// ones (penalty disclosure ends and honour expiry).
    pub as_of: Date,
    /// Target mean number of records per enterprise; 0 means the realistic mix (about two on
    /// average, most firms have none).
    pub mean_records: u32,
}

impl SynthConfig {
    /// A registry of `enterprises` firms with the realistic record mix (`mean_records = 0`).
    pub fn new(enterprises: usize, seed: u64, as_of: Date) -> Self {
        SynthConfig { enterprises, seed, as_of, mean_records: 0 }
    }
}

/// The whole registry, generated lazily one enterprise at a time (constant memory).
pub fn registry(config: &SynthConfig) -> impl Iterator<Item = Enterprise> + '_ {
    (0..config.enterprises).map(move |index| enterprise(config, index))
}

/// The `index`-th enterprise of the registry; it does not depend on `config.enterprises`.
///
/// USCCs are distinct for every index below 100,000,000.
pub fn enterprise(config: &SynthConfig, index: usize) -> Enterprise {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    rng.set_stream(index as u64);
    let rng = &mut rng;
    let as_of = config.as_of;
    let band = band(quality(rng));
    let category =
        weighted(rng, &[(96, Category::Company), (3, Category::Shop), (1, Category::Coop)]);
    let city = pick(rng, &CITIES);
    let sector = match category {
        Category::Company => weighted(rng, &COMPANY_SECTORS),
        Category::Shop => weighted(rng, &SHOP_SECTORS),
        Category::Coop => weighted(rng, &COOP_SECTORS),
    };
    let size = match category {
        Category::Company => weighted(
            rng,
            &[(60, Size::Micro), (28, Size::Small), (10, Size::Medium), (2, Size::Large)],
        ),
        Category::Shop => Size::Micro,
        Category::Coop => weighted(rng, &[(80, Size::Micro), (20, Size::Small)]),
    };
    let firm =
        Firm { index, band, category, city, sector, size, established: established_on(rng, as_of) };
    let mut ratings = Ratings {
        tax_grades: tax_grades(rng, &firm, as_of),
        customs: customs(rng, &firm),
        samr_risk: samr_risk(rng, band),
    };
    let records = records(rng, &firm, &ratings, config);
    apply_tax_lists(&mut ratings, &records);
    Enterprise {
        uscc: uscc(config.seed, &firm),
        name: name(rng, &firm),
        established_on: firm.established,
        status: status(rng, band),
        registered_capital: registered_capital(rng, &firm),
        industry: Industry::parse(firm.sector.code),
        region: chance(rng, 1500).then(|| pick(rng, &city.districts).to_owned()),
        size: Some(size),
        ratings,
        finance: finance(rng, &firm, as_of),
        records,
        features: Default::default(),
    }
}

/// The facts drawn first, which everything else about a firm depends on.
struct Firm {
    index: usize,
    /// Quality band: 0 (worst, quality below 30) to 3 (best, 80 and above).
    band: usize,
    category: Category,
    city: City,
    sector: Sector,
    size: Size,
    established: Date,
}

/// USCC entity category under the market regulator (position 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    /// `91`: enterprise.
    Company,
    /// `92`: individual business.
    Shop,
    /// `93`: farmers' cooperative.
    Coop,
}

/// A prefecture-level division with a few of its districts.
#[derive(Debug, Clone, Copy)]
struct City {
    code: &'static str,
    name: &'static str,
    districts: [&'static str; 3],
}

/// An industry: GB/T 4754 class, the word it puts in names, the domains its penalties fall in.
#[derive(Debug, Clone, Copy)]
struct Sector {
    code: &'static str,
    word: &'static str,
    domains: &'static [Domain],
    /// Eligible for the high-tech certification.
    tech: bool,
    /// Trades across the border, so may hold a customs class.
    trades: bool,
}

const fn sector(code: &'static str, word: &'static str, domains: &'static [Domain]) -> Sector {
    Sector { code, word, domains, tech: false, trades: false }
}

const fn tech(s: Sector) -> Sector {
    Sector { tech: true, ..s }
}

const fn trades(s: Sector) -> Sector {
    Sector { trades: true, ..s }
}

const fn city(code: &'static str, name: &'static str, districts: [&'static str; 3]) -> City {
    City { code, name, districts }
}

const CITIES: [City; 21] = [
    city("330100", "杭州", ["330106", "330108", "330110"]),
    city("330200", "宁波", ["330203", "330206", "330212"]),
    city("330300", "温州", ["330302", "330303", "330381"]),
    city("320100", "南京", ["320102", "320104", "320105"]),
    city("320400", "常州", ["320402", "320411", "320412"]),
    city("320500", "苏州", ["320506", "320508", "320583"]),
    city("350100", "福州", ["350102", "350104", "350111"]),
    city("350200", "厦门", ["350203", "350206", "350211"]),
    city("350900", "宁德", ["350902", "350981", "350982"]),
    city("440100", "广州", ["440104", "440106", "440111"]),
    city("440300", "深圳", ["440304", "440305", "440306"]),
    city("510100", "成都", ["510104", "510105", "510107"]),
    city("500000", "重庆", ["500103", "500105", "500112"]),
    city("210100", "沈阳", ["210102", "210103", "210106"]),
    city("420100", "武汉", ["420102", "420106", "420111"]),
    city("370100", "济南", ["370102", "370103", "370112"]),
    city("370200", "青岛", ["370202", "370203", "370211"]),
    city("340100", "合肥", ["340102", "340103", "340104"]),
    city("430100", "长沙", ["430102", "430103", "430104"]),
    city("410100", "郑州", ["410102", "410103", "410105"]),
    city("610100", "西安", ["610102", "610103", "610113"]),
];

const TRADE_NAMES: [&str; 40] = [
    "华信", "恒远", "鑫达", "瑞丰", "宏盛", "永泰", "金桥", "天成", "锦程", "众联", "博创", "新源",
    "安顺", "兴隆", "盛世", "海纳", "远航", "卓越", "嘉禾", "同创", "明德", "东升", "润达", "康源",
    "凯越", "启航", "铭泰", "弘毅", "佳信", "和畅", "立新", "腾跃", "智远", "华隆", "宏图", "德顺",
    "汇通", "聚力", "云帆", "信诚",
];

const COMPANY_SECTORS: [(u32, Sector); 20] = [
    (5, tech(trades(sector("C3911", "电子科技", &[Safety, Environment])))),
    (6, trades(sector("C3484", "机械制造", &[Safety, SpecialEquipment, Environment]))),
    (3, trades(sector("C3670", "汽车零部件", &[Safety, Environment, SpecialEquipment]))),
    (3, trades(sector("C2927", "塑料制品", &[Environment, Safety]))),
    (3, trades(sector("C1491", "食品", &[Food]))),
    (1, tech(trades(sector("C2710", "制药", &[Drug, Environment])))),
    (2, sector("C3311", "钢结构", &[Safety, SpecialEquipment])),
    (6, sector("E4710", "建设工程", &[Safety, Fire])),
    (2, sector("E4812", "路桥工程", &[Safety, Environment])),
    (1, sector("F5191", "再生资源", &[Environment, Fire])),
    (6, trades(sector("F5132", "服饰", &[Domain::Other]))),
    (5, trades(sector("F5174", "五金机电", &[Domain::Other, Fire]))),
    (6, sector("F5211", "商贸", &[Food, Fire])),
    (5, sector("G5431", "物流", &[Safety, Fire])),
    (2, sector("H6110", "酒店管理", &[Fire, Food])),
    (4, sector("H6210", "餐饮管理", &[Food, Fire])),
    (8, tech(sector("I6513", "网络科技", &[Domain::Other]))),
    (2, sector("K7010", "房地产开发", &[Safety, Fire])),
    (3, sector("L7212", "投资管理", &[Domain::Other])),
    (5, tech(sector("M7320", "科技", &[Safety, Environment]))),
];

const SHOP_SECTORS: [(u32, Sector); 5] = [
    (4, sector("F5211", "百货", &[Food, Fire])),
    (2, sector("F5123", "果蔬", &[Food])),
    (2, sector("F5174", "五金", &[Fire])),
    (2, sector("F5132", "服饰", &[Domain::Other])),
    (3, sector("H6210", "餐饮", &[Food, Fire])),
];

const COOP_SECTORS: [(u32, Sector); 4] = [
    (3, sector("A0141", "蔬菜种植", &[Food])),
    (2, sector("A0111", "粮食种植", &[Food])),
    (2, sector("A0164", "茶叶种植", &[Food])),
    (1, sector("A0311", "畜牧养殖", &[Food, Environment])),
];

/// Multiplier (per mille) on negative-record rates by quality band; averages about 1000.
const RISK: [u32; 4] = [7000, 2400, 500, 150];

/// Listing rates per 10,000 firms at average quality (customs listings follow the rating).
const LISTING_RATES: [(u32, ListKind); 8] = [
    (600, ListKind::AbnormalOperation),
    (400, ListKind::JudgmentDebtor),
    (150, ListKind::DishonestDebtor),
    (15, ListKind::ConsumptionRestriction),
    (200, ListKind::TaxAbnormal),
    (50, ListKind::SeriousViolation),
    (30, ListKind::MajorTaxViolation),
    (30, ListKind::SocialInsuranceDishonest),
];

/// Legal grounds of the abnormal-operation list, by frequency.
const GROUNDS: [(u32, &str); 4] = [
    (50, "no_annual_report"),
    (30, "unreachable_address"),
    (12, "no_disclosure"),
    (8, "false_disclosure"),
];

/// Arrears rates per 10,000 firms at average quality.
const ARREARS_RATES: [(u32, ArrearsKind); 4] = [
    (400, ArrearsKind::Tax),
    (400, ArrearsKind::SocialInsurance),
    (100, ArrearsKind::HousingFund),
    (300, ArrearsKind::Utility),
];

/// Latent quality 0-99: most firms are sound (55 and above), a few are poor.
fn quality(rng: &mut ChaCha8Rng) -> u64 {
    banded(rng, &[(5, 0, 29), (15, 30, 54), (50, 55, 79), (30, 80, 99)])
}

fn band(quality: u64) -> usize {
    match quality {
        0..30 => 0,
        30..55 => 1,
        55..80 => 2,
        _ => 3,
    }
}

/// True with probability `per_10k` / 10,000.
fn chance(rng: &mut ChaCha8Rng, per_10k: u32) -> bool {
    rng.random_range(0..10_000u32) < per_10k
}

/// A base rate (per 10,000) scaled by the firm's risk.
fn risky(rng: &mut ChaCha8Rng, band: usize, per_10k: u32) -> bool {
    chance(rng, per_10k * RISK[band] / 1000)
}

fn pick<T: Copy, const N: usize>(rng: &mut ChaCha8Rng, items: &[T; N]) -> T {
    const { assert!(N > 0) };
    items[rng.random_range(0..N as u32) as usize]
}

/// One value from a table of (weight, value).
fn weighted<T: Copy, const N: usize>(rng: &mut ChaCha8Rng, table: &[(u32, T); N]) -> T {
    const { assert!(N > 0) };
    let total: u32 = table.iter().map(|&(w, _)| w).sum();
    let mut roll = rng.random_range(0..total.max(1));
    for &(weight, value) in table {
        if roll < weight {
            return value;
        }
        roll -= weight;
    }
    table[N - 1].1
}

/// A skewed integer: pick a band (weight, low, high) by weight, then uniform inside it.
fn banded<const N: usize>(rng: &mut ChaCha8Rng, bands: &[(u32, u64, u64); N]) -> u64 {
    let (low, high) = weighted(rng, &bands.map(|(w, lo, hi)| (w, (lo, hi))));
    rng.random_range(low..=high.max(low))
}

fn yuan(value: u64) -> Amount {
    Amount::new(Decimal::from(value)).unwrap_or_default()
}

fn days_before(date: Date, days: u64) -> Date {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn months_before(date: Date, months: u32) -> Date {
    date.checked_sub_months(Months::new(months)).unwrap_or(NaiveDate::MIN)
}

/// A uniform date in `from..=to` (`to` if the range is empty).
fn date_between(rng: &mut ChaCha8Rng, from: Date, to: Date) -> Date {
    let span = u64::try_from(to.signed_duration_since(from).num_days()).unwrap_or(0);
    if span == 0 {
        return to;
    }
    from.checked_add_days(Days::new(rng.random_range(0..=span))).unwrap_or(to)
}

/// A date in the last `months` months, not before establishment.
fn recent_date(rng: &mut ChaCha8Rng, firm: &Firm, as_of: Date, months: u32) -> Date {
    date_between(rng, firm.established.max(months_before(as_of, months)), as_of)
}

/// Ages from two weeks to thirty years, most firms between one and eight years old.
fn established_on(rng: &mut ChaCha8Rng, as_of: Date) -> Date {
    let days = banded(
        rng,
        &[(8, 14, 364), (30, 365, 1094), (32, 1095, 2919), (18, 2920, 5474), (12, 5475, 10_957)],
    );
    days_before(as_of, days)
}

/// Organisation code: the index permuted over `0..10^8` (48271 is coprime to 10^8), written as
/// eight digits for firms registered before the 2016 reform and as `MA` + six base-31 symbols
/// after it. Both writings are injective and never collide (`M` is not a digit).
fn organisation_code(seed: u64, index: usize, modern: bool) -> String {
    const SPACE: u64 = 100_000_000;
    let offset = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) % SPACE;
    let permuted = ((index as u64 % SPACE) * 48_271 + offset) % SPACE;
    if !modern {
        return format!("{permuted:08}");
    }
    let mut symbols = [b'0'; 6];
    let mut rest = permuted;
    for symbol in symbols.iter_mut().rev() {
        *symbol = ALPHABET[(rest % 31) as usize];
        rest /= 31;
    }
    format!("MA{}", String::from_utf8_lossy(&symbols))
}

fn uscc(seed: u64, firm: &Firm) -> Uscc {
    let category = match firm.category {
        Category::Company => '1',
        Category::Shop => '2',
        Category::Coop => '3',
    };
    let modern = firm.established.year() >= 2016 || firm.category != Category::Company;
    let org = organisation_code(seed, firm.index, modern);
    let prefix = format!("9{category}{}{org}", firm.city.code);
    Uscc::complete(&prefix)
        .unwrap_or_else(|| unreachable!("16 characters of the USCC alphabet always complete"))
}

fn name(rng: &mut ChaCha8Rng, firm: &Firm) -> String {
    let stem = format!("{}{}{}", firm.city.name, pick(rng, &TRADE_NAMES), firm.sector.word);
    let suffix = match firm.category {
        Category::Shop => pick(rng, &["经营部", "商行"]),
        Category::Coop => "专业合作社",
        Category::Company => {
            let share_company = match firm.size {
                Size::Large => 4000,
                Size::Medium => 2000,
                _ => 200,
            };
            if chance(rng, share_company) { "股份有限公司" } else { "有限公司" }
        }
    };
    stem + suffix
}

/// About 96% operating; weaker firms are more often suspended, revoked or cancelled.
fn status(rng: &mut ChaCha8Rng, band: usize) -> Status {
    use Status::{Cancelled, Liquidating, Operating, Revoked, Suspended};
    if !chance(rng, [1200, 700, 300, 200][band]) {
        return Operating;
    }
    weighted(rng, &[(30, Suspended), (20, Liquidating), (20, Revoked), (30, Cancelled)])
}

/// Registered capital in whole units of 10,000 yuan, by size.
fn registered_capital(rng: &mut ChaCha8Rng, firm: &Firm) -> Option<Amount> {
    let wan = match (firm.category, firm.size) {
        (Category::Shop, _) => {
            return chance(rng, 5000).then(|| yuan(rng.random_range(1..=50u64) * 10_000));
        }
        (Category::Coop, _) => rng.random_range(10..=500),
        (_, Size::Micro) => banded(rng, &[(50, 10, 100), (35, 101, 500), (15, 501, 1000)]),
        (_, Size::Small) => banded(rng, &[(60, 100, 1000), (40, 1001, 5000)]),
        (_, Size::Medium) => banded(rng, &[(60, 1000, 5000), (40, 5001, 20_000)]),
        (_, Size::Large) => banded(rng, &[(70, 5000, 50_000), (30, 50_001, 500_000)]),
    };
    Some(yuan(wan * 10_000))
}

/// Whole years the firm has existed at the end of `year` (the tax-grade age rule).
fn years_old_at_end_of(established: Date, year: i32) -> u32 {
    NaiveDate::from_ymd_opt(year, 12, 31).map_or(0, |end| whole_years(established, end))
}

/// The last assessment year whose grade is published by `as_of` (each April 1 for the year
/// before).
fn last_graded_year(as_of: Date) -> i32 {
    let published = NaiveDate::from_ymd_opt(as_of.year(), 4, 1).is_some_and(|d| d <= as_of);
    if published { as_of.year() - 1 } else { as_of.year() - 2 }
}

/// Tax grades for up to five years: mostly the firm's usual grade, M in the founding year(s),
/// never A under three years old or the year after a D.
fn tax_grades(rng: &mut ChaCha8Rng, firm: &Firm, as_of: Date) -> BTreeMap<u16, TaxGrade> {
    use TaxGrade::{A, B, C, D, M};
    let mix = [
        [(0, A), (300, B), (500, C), (200, D)],
        [(60, A), (600, B), (280, C), (60, D)],
        [(430, A), (490, B), (70, C), (10, D)],
        [(780, A), (205, B), (15, C), (0, D)],
    ][firm.band];
    let usual = weighted(rng, &mix);
    let founded = firm.established.year();
    let mut grades = BTreeMap::new();
    let mut previous = None;
    for year in founded.max(as_of.year() - 5)..=last_graded_year(as_of) {
        let mut grade = if year == founded || (year == founded + 1 && chance(rng, 3000)) {
            M
        } else if chance(rng, 8000) {
            usual
        } else {
            weighted(rng, &mix)
        };
        if grade == A && (years_old_at_end_of(firm.established, year) < 3 || previous == Some(D)) {
            grade = B;
        }
        if let Ok(key) = u16::try_from(year) {
            grades.insert(key, grade);
        }
        previous = Some(grade);
    }
    grades
}

/// A customs class for about a quarter of trading firms and a few others.
fn customs(rng: &mut ChaCha8Rng, firm: &Firm) -> Option<CustomsClass> {
    use CustomsClass::{AdvancedCertified, Dishonest, Ordinary};
    if !chance(rng, if firm.sector.trades { 2500 } else { 300 }) {
        return None;
    }
    let mix = [
        [(0, AdvancedCertified), (80, Ordinary), (20, Dishonest)],
        [(0, AdvancedCertified), (95, Ordinary), (5, Dishonest)],
        [(5, AdvancedCertified), (95, Ordinary), (0, Dishonest)],
        [(15, AdvancedCertified), (85, Ordinary), (0, Dishonest)],
    ][firm.band];
    Some(weighted(rng, &mix))
}

fn samr_risk(rng: &mut ChaCha8Rng, band: usize) -> Option<SamrRiskClass> {
    use SamrRiskClass::{A, B, C, D};
    if chance(rng, 1000) {
        return None;
    }
    let mix = [
        [(0, A), (30, B), (45, C), (25, D)],
        [(0, A), (70, B), (25, C), (5, D)],
        [(10, A), (85, B), (5, C), (0, D)],
        [(40, A), (60, B), (0, C), (0, D)],
    ][band];
    Some(weighted(rng, &mix))
}

/// Revenue, tax, social insurance and loans, by size and quality; young firms earn less.
fn finance(rng: &mut ChaCha8Rng, firm: &Firm, as_of: Date) -> Finance {
    let full_year = match firm.size {
        Size::Micro => banded(rng, &[(50, 200, 1000), (35, 1001, 3000), (15, 3001, 5000)]),
        Size::Small => {
            banded(rng, &[(55, 5000, 15_000), (30, 15_001, 30_000), (15, 30_001, 50_000)])
        }
        Size::Medium => banded(rng, &[(60, 50_000, 150_000), (40, 150_001, 300_000)]),
        Size::Large => banded(rng, &[(70, 300_000, 1_000_000), (30, 1_000_001, 3_000_000)]),
    } * 1000;
    let months = u64::from(whole_months(firm.established, as_of).min(12));
    let revenue = full_year * months / 12;
    let pays_tax = revenue > 0 && !chance(rng, [2500, 1200, 600, 300][firm.band]);
    let tax = if pays_tax { revenue * rng.random_range(10..=60u64) / 1000 } else { 0 };
    let last_tax_payment_on = pays_tax.then(|| {
        let days = if chance(rng, [6000, 7500, 8800, 9300][firm.band]) {
            rng.random_range(0..=90)
        } else {
            rng.random_range(91..=360)
        };
        days_before(as_of, days).max(firm.established)
    });
    let headcount = match firm.size {
        Size::Micro => banded(rng, &[(20, 0, 0), (55, 1, 5), (25, 6, 19)]),
        Size::Small => banded(rng, &[(60, 10, 49), (40, 50, 99)]),
        Size::Medium => banded(rng, &[(70, 100, 299), (30, 300, 999)]),
        Size::Large => banded(rng, &[(70, 1000, 2999), (30, 3000, 20_000)]),
    };
    let months_paid = if chance(rng, [5500, 7500, 8800, 9500][firm.band]) {
        12
    } else {
        rng.random_range(3..=11)
    };
    let insured = headcount > 0 && months > 0;
    let loans = (chance(rng, 3000) && revenue > 0)
        .then(|| yuan((revenue * rng.random_range(5..=40u64) / 100).div_ceil(10_000) * 10_000));
    Finance {
        tax_paid_12m: Some(yuan(tax)),
        revenue_12m: Some(yuan(revenue / 100 * 100)),
        last_tax_payment_on,
        social_insurance_headcount: insured.then(|| u32::try_from(headcount).unwrap_or(u32::MAX)),
        social_insurance_months_paid_12m: insured
            .then(|| u8::try_from(months_paid.min(months)).unwrap_or(12)),
        existing_loans: loans,
    }
}

/// How many records of each kind a firm gets, before their details are drawn.
#[derive(Debug, Default)]
struct Plan {
    penalties: u32,
    listings: Vec<ListKind>,
    arrears: Vec<ArrearsKind>,
    honours: Vec<HonourKind>,
    commitments: u32,
}

/// Record counts at real-world rates: most firms clean, weak ones with many penalties.
fn realistic_plan(rng: &mut ChaCha8Rng, firm: &Firm, as_of: Date) -> Plan {
    let penalties = match firm.band {
        0 => banded(rng, &[(15, 0, 0), (15, 1, 2), (30, 3, 10), (40, 15, 60)]),
        1 => banded(rng, &[(45, 0, 0), (20, 1, 1), (20, 2, 6), (15, 8, 40)]),
        2 => banded(rng, &[(80, 0, 0), (11, 1, 1), (6, 2, 4), (3, 5, 15)]),
        _ => banded(rng, &[(92, 0, 0), (6, 1, 1), (2, 2, 3)]),
    };
    // Penalties count over four years; a younger firm has had less time to collect them.
    let window = 4 * 365;
    let exposed = u64::try_from((as_of - firm.established).num_days()).unwrap_or(0).min(window);
    let penalties = (penalties * exposed + rng.random_range(0..window)) / window;
    let mut plan = Plan { penalties: u32::try_from(penalties).unwrap_or(0), ..Plan::default() };
    for (rate, list) in LISTING_RATES {
        if risky(rng, firm.band, rate) {
            plan.listings.push(list);
            if list == ListKind::DishonestDebtor && chance(rng, 6000) {
                plan.listings.push(ListKind::ConsumptionRestriction);
            }
        }
    }
    for (rate, arrears) in ARREARS_RATES {
        if risky(rng, firm.band, rate) {
            plan.arrears.push(arrears);
        }
    }
    let size_factor = match firm.size {
        Size::Micro => 700,
        Size::Small => 1300,
        Size::Medium => 2000,
        Size::Large => 2500,
    };
    if chance(rng, [50, 200, 900, 2600][firm.band] * size_factor / 1000) {
        let count = if chance(rng, 2500) { 2 } else { 1 };
        plan.honours = (0..count).map(|_| honour_kind(rng, firm)).collect();
    }
    // Commitments come with credit repair and with applications for honours and subsidies.
    let involved = plan.penalties > 0 || !plan.listings.is_empty() || !plan.honours.is_empty();
    if chance(rng, if involved { 3500 } else { 400 }) {
        plan.commitments = weighted(rng, &[(70, 1), (20, 2), (10, 3)]);
    }
    plan
}

/// Record counts averaging `mean` over the registry, weighted towards weaker firms.
fn scaled_plan(rng: &mut ChaCha8Rng, firm: &Firm, mean: u32) -> Plan {
    // Band weights (per mille) average 990 over the quality distribution.
    let weight: u64 = [3000, 1800, 900, 400][firm.band];
    let count = rng.random_range(0..=2 * u64::from(mean) * weight / 990);
    let mut plan = Plan::default();
    for _ in 0..count {
        match rng.random_range(0..100u32) {
            0..70 => plan.penalties += 1,
            70..80 => plan.listings.push(weighted(rng, &LISTING_RATES)),
            80..88 => plan.arrears.push(weighted(rng, &ARREARS_RATES)),
            88..94 => plan.honours.push(honour_kind(rng, firm)),
            _ => plan.commitments += 1,
        }
    }
    plan
}

/// An honour the firm can hold: high-tech only in technology sectors, specialised SME only
/// for small and medium firms.
fn honour_kind(rng: &mut ChaCha8Rng, firm: &Firm) -> HonourKind {
    use HonourKind::{ContractAbiding, HighTech, Other, SpecialisedSme};
    match weighted(rng, &[(30, HighTech), (20, SpecialisedSme), (35, ContractAbiding), (15, Other)])
    {
        HighTech if !firm.sector.tech => ContractAbiding,
        SpecialisedSme if !matches!(firm.size, Size::Small | Size::Medium) => Other,
        kind => kind,
    }
}

/// All records of a firm in date order, with ids `<kind letter>-<index>-<n>` numbered in that
/// order within each kind.
fn records(
    rng: &mut ChaCha8Rng,
    firm: &Firm,
    ratings: &Ratings,
    config: &SynthConfig,
) -> Vec<Record> {
    let as_of = config.as_of;
    let mut plan = match config.mean_records {
        0 => realistic_plan(rng, firm, as_of),
        mean => scaled_plan(rng, firm, mean),
    };
    // Customs lists and certification follow the customs class.
    match ratings.customs {
        Some(CustomsClass::Dishonest) => plan.listings.push(ListKind::CustomsDishonest),
        Some(CustomsClass::AdvancedCertified) => plan.honours.push(HonourKind::Aeo),
        _ => {}
    }
    // Declaration order puts a dishonest-debtor listing before the consumption restriction
    // that shadows it.
    plan.listings.sort_unstable();
    let mut details = Vec::new();
    for _ in 0..plan.penalties {
        details.push(RecordDetail::Penalty(penalty(rng, firm, as_of)));
    }
    let mut dishonest = None;
    for &list in &plan.listings {
        let entry = listing(rng, firm, list, as_of, dishonest);
        if list == ListKind::DishonestDebtor {
            dishonest = Some((entry.listed_on, entry.removed_on));
        }
        details.push(RecordDetail::Listing(entry));
    }
    for &kind in &plan.arrears {
        details.push(RecordDetail::Arrears(arrears(rng, firm, kind, as_of)));
    }
    for &kind in &plan.honours {
        details.push(RecordDetail::Honour(honour(rng, firm, kind, as_of)));
    }
    for _ in 0..plan.commitments {
        details.push(RecordDetail::Commitment(commitment(rng, firm, as_of)));
    }
    let mut records: Vec<Record> =
        details.into_iter().map(|detail| Record { id: None, detail }).collect();
    records.sort_by_key(Record::start);
    let mut counts = BTreeMap::new();
    for record in &mut records {
        let kind = record.kind();
        let n = counts.entry(kind).and_modify(|n| *n += 1).or_insert(1);
        let letter = kind.chars().next().unwrap_or('R').to_ascii_uppercase();
        record.id = Some(format!("{letter}-{}-{n}", firm.index));
    }
    records
}

fn penalty(rng: &mut ChaCha8Rng, firm: &Firm, as_of: Date) -> Penalty {
    use Measure::{
        Closure, Confiscation, Criticism, Fine, LicenceRevocation, LicenceSuspension, Warning,
    };
    let decided_on = recent_date(rng, firm, as_of, 48);
    let severity =
        weighted(rng, &[(55, Severity::Minor), (38, Severity::Ordinary), (7, Severity::Serious)]);
    let domain = match rng.random_range(0..100u32) {
        0..55 => pick_domain(rng, firm.sector.domains),
        55..70 => Domain::Tax,
        70..80 => Fire,
        _ => Domain::Other,
    };
    let (measure, fine, disclosure, repair_after) = match severity {
        Severity::Minor => (
            weighted(rng, &[(45, Warning), (10, Criticism), (45, Fine)]),
            banded(rng, &[(60, 2, 20), (40, 21, 99)]) * 100,
            3,
            None,
        ),
        Severity::Ordinary => (
            weighted(rng, &[(80, Fine), (20, Confiscation)]),
            banded(rng, &[(60, 10, 50), (30, 51, 100), (10, 101, 200)]) * 1000,
            12,
            Some(3),
        ),
        Severity::Serious => (
            weighted(
                rng,
                &[(50, Fine), (25, LicenceSuspension), (15, LicenceRevocation), (10, Closure)],
            ),
            banded(rng, &[(60, 200, 800), (30, 801, 2000), (10, 2001, 5000)]) * 1000,
            36,
            Some(12),
        ),
    };
    // Revocation and closure in food, drug, safety and environment cases cannot be repaired.
    let repairable = !(matches!(measure, LicenceRevocation | Closure)
        && matches!(domain, Food | Drug | Safety | Environment));
    let repaired_on = repair_after
        .filter(|_| repairable && chance(rng, 2000))
        .map(|months| add_months(decided_on, months))
        .filter(|&earliest| earliest <= as_of)
        .map(|earliest| date_between(rng, earliest, add_months(earliest, 12).min(as_of)));
    Penalty {
        decided_on,
        severity,
        domain,
        measure: Some(measure),
        amount: matches!(measure, Fine | Confiscation).then(|| yuan(fine)),
        authority: Some(authority(firm.city, domain)),
        disclosure_end: chance(rng, 5000).then(|| add_months(decided_on, disclosure)),
        repaired_on,
    }
}

fn pick_domain(rng: &mut ChaCha8Rng, domains: &[Domain]) -> Domain {
    let n = u32::try_from(domains.len()).unwrap_or(0).max(1);
    domains.get(rng.random_range(0..n) as usize).copied().unwrap_or(Domain::Other)
}

/// The authority that decides penalties of a domain in the firm's city.
fn authority(city: City, domain: Domain) -> String {
    let office = match domain {
        Safety => "应急管理局",
        Fire => "消防救援支队",
        Environment => "生态环境局",
        Domain::Tax => return format!("国家税务总局{}市税务局", city.name),
        _ => "市场监督管理局",
    };
    format!("{}市{}", city.name, office)
}

/// A period on a list; a consumption restriction shadows the firm's dishonest-debtor period.
fn listing(
    rng: &mut ChaCha8Rng,
    firm: &Firm,
    list: ListKind,
    as_of: Date,
    dishonest: Option<(Date, Option<Date>)>,
) -> Listing {
    let (removal, amount) = match list {
        ListKind::AbnormalOperation => (5000, None),
        ListKind::JudgmentDebtor => (4500, Some(banded(rng, &[(70, 10, 500), (30, 501, 5000)]))),
        ListKind::DishonestDebtor | ListKind::ConsumptionRestriction => {
            (3500, Some(banded(rng, &[(70, 10, 500), (30, 501, 5000)])))
        }
        ListKind::MajorTaxViolation => (2000, Some(rng.random_range(1000..=20_000))),
        ListKind::TaxAbnormal => (5000, None),
        ListKind::SeriousViolation => (1500, None),
        ListKind::SocialInsuranceDishonest => (3000, None),
        ListKind::CustomsDishonest => (0, None),
    };
    let (listed_on, removed_on) = match dishonest {
        Some((start, end)) if list == ListKind::ConsumptionRestriction => {
            let listed_on = date_between(
                rng,
                start,
                start.checked_add_days(Days::new(30)).unwrap_or(start).min(as_of),
            );
            (listed_on, end.map(|end| end.max(listed_on)))
        }
        _ => {
            let months = if list == ListKind::CustomsDishonest { 24 } else { 60 };
            let listed_on = recent_date(rng, firm, as_of, months);
            let removed_on = chance(rng, removal).then(|| date_between(rng, listed_on, as_of));
            (listed_on, removed_on)
        }
    };
    let ground = (list == ListKind::AbnormalOperation).then(|| weighted(rng, &GROUNDS).to_owned());
    Listing { list, listed_on, removed_on, ground, amount: amount.map(|k| yuan(k * 1000)) }
}

fn arrears(rng: &mut ChaCha8Rng, firm: &Firm, kind: ArrearsKind, as_of: Date) -> Arrears {
    let amount = match kind {
        ArrearsKind::Tax => banded(rng, &[(70, 1, 50), (30, 51, 500)]) * 1000,
        ArrearsKind::SocialInsurance => banded(rng, &[(70, 5, 60), (30, 61, 300)]) * 1000,
        ArrearsKind::HousingFund => rng.random_range(5..=200) * 1000,
        ArrearsKind::Utility => banded(rng, &[(80, 500, 10_000), (20, 10_001, 50_000)]),
    };
    let since = recent_date(rng, firm, as_of, 36);
    let paid_on = chance(rng, 5000).then(|| date_between(rng, since, as_of));
    Arrears { arrears: kind, amount: yuan(amount), since, paid_on }
}

fn honour(rng: &mut ChaCha8Rng, firm: &Firm, honour: HonourKind, as_of: Date) -> Honour {
    let awarded_on = recent_date(rng, firm, as_of, 72);
    let valid_months = match honour {
        HonourKind::HighTech | HonourKind::SpecialisedSme => Some(36),
        HonourKind::ContractAbiding => Some(24),
        HonourKind::Aeo | HonourKind::Other => None,
    };
    Honour { honour, awarded_on, expires_on: valid_months.map(|m| add_months(awarded_on, m)) }
}

/// A credit commitment: pending ones are recent, weaker firms breach more often.
fn commitment(rng: &mut ChaCha8Rng, firm: &Firm, as_of: Date) -> Commitment {
    use CommitmentStatus::{Breached, Fulfilled, Pending};
    let breached = [25, 15, 6, 3][firm.band];
    let status = weighted(rng, &[(30, Pending), (70 - breached, Fulfilled), (breached, Breached)]);
    if status == Pending {
        let made_on = recent_date(rng, firm, as_of, 12);
        return Commitment { made_on, status, resolved_on: None };
    }
    let made_on = recent_date(rng, firm, as_of, 36);
    let resolved_on = date_between(rng, made_on, add_months(made_on, 12).min(as_of));
    Commitment { made_on, status, resolved_on: Some(resolved_on) }
}

/// An active major-tax-violation or tax-abnormal listing makes that year's tax grade D.
fn apply_tax_lists(ratings: &mut Ratings, records: &[Record]) {
    let Some((year, _)) = ratings.latest_tax_grade() else { return };
    let flagged = records.iter().any(|r| match &r.detail {
        RecordDetail::Listing(l) => {
            matches!(l.list, ListKind::MajorTaxViolation | ListKind::TaxAbnormal)
                && l.removed_on.is_none()
                && l.listed_on.year() <= i32::from(year)
        }
        _ => false,
    });
    if flagged {
        ratings.tax_grades.insert(year, TaxGrade::D);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::date::parse_date;

    fn config(enterprises: usize, seed: u64) -> SynthConfig {
        SynthConfig::new(enterprises, seed, parse_date("2026-06-30").unwrap())
    }

    fn json(config: &SynthConfig) -> Vec<String> {
        registry(config).map(|e| e.to_json()).collect()
    }

    #[test]
    fn same_config_gives_same_registry() {
        let cfg = config(200, 7);
        assert_eq!(json(&cfg), json(&cfg));
        assert_ne!(json(&cfg), json(&config(200, 8)));
        for (i, e) in registry(&cfg).enumerate().step_by(17) {
            assert_eq!(enterprise(&cfg, i), e);
        }
    }

    #[test]
    fn every_enterprise_is_valid_and_round_trips() {
        for cfg in [config(2000, 3), SynthConfig { mean_records: 20, ..config(300, 4) }] {
            let mut codes = HashSet::new();
            for e in registry(&cfg) {
                let text = e.to_json();
                assert_eq!(Enterprise::from_json(&text).unwrap(), e, "{text}");
                e.check_dates(cfg.as_of).unwrap();
                assert_eq!(Uscc::parse(e.uscc.as_str()).unwrap(), e.uscc);
                assert!(codes.insert(e.uscc.to_string()), "duplicate {}", e.uscc);
            }
        }
    }

    #[test]
    fn organisation_codes_are_distinct() {
        for modern in [false, true] {
            let codes: HashSet<String> =
                (0..300_000).map(|i| organisation_code(99, i, modern)).collect();
            assert_eq!(codes.len(), 300_000);
        }
    }

    #[test]
    fn realistic_mix_is_mostly_clean() {
        let cfg = config(4000, 11);
        let clean = registry(&cfg).filter(|e| e.records.is_empty()).count();
        assert!((1600..=3600).contains(&clean), "{clean} of 4000 firms have no records");
    }

    #[test]
    fn record_target_is_met() {
        let cfg = SynthConfig { mean_records: 20, ..config(1000, 5) };
        let total: usize = registry(&cfg).map(|e| e.records.len()).sum();
        assert!((15_000..=25_000).contains(&total), "{total} records over 1000 firms");
    }

    #[test]
    fn records_follow_their_rules() {
        let cfg = config(2000, 17);
        let four_years_ago = months_before(cfg.as_of, 48);
        for e in registry(&cfg) {
            let customs_listed = e.records.iter().any(|r| {
                matches!(&r.detail, RecordDetail::Listing(l) if l.list == ListKind::CustomsDishonest)
            });
            assert_eq!(customs_listed, e.ratings.customs == Some(CustomsClass::Dishonest));
            for r in &e.records {
                assert!(r.start() >= e.established_on && r.start() <= cfg.as_of);
                if let RecordDetail::Penalty(p) = &r.detail {
                    assert!(p.decided_on >= four_years_ago);
                    let minimum = match p.severity {
                        Severity::Minor => continue,
                        Severity::Ordinary => 3,
                        Severity::Serious => 12,
                    };
                    if let Some(repaired) = p.repaired_on {
                        assert!(repaired >= add_months(p.decided_on, minimum));
                    }
                }
            }
        }
    }

    #[test]
    fn tax_grades_follow_the_rules() {
        for as_of in ["2026-03-31", "2026-04-01"] {
            let cfg = SynthConfig::new(2000, 13, parse_date(as_of).unwrap());
            let latest_allowed = if as_of.ends_with("03-31") { 2024 } else { 2025 };
            for e in registry(&cfg) {
                let mut previous = None;
                for (&year, &grade) in &e.ratings.tax_grades {
                    assert!(year <= latest_allowed && i32::from(year) >= 2021);
                    assert!(i32::from(year) >= e.established_on.year());
                    if grade == TaxGrade::A {
                        assert!(years_old_at_end_of(e.established_on, i32::from(year)) >= 3);
                        assert_ne!(previous, Some(TaxGrade::D), "{}", e.to_json());
                    }
                    previous = Some(grade);
                }
            }
        }
    }
}
