//! The catalog compiled once for many demands: what matching reads of each product, in the
//! form that is cheapest to test per demand.
//!
//! Amounts become whole fen (`i128`), so that a condition is an integer comparison rather
//! than a `Decimal` one with rescaling; the minimum grade becomes a rank; limit factors become
//! a mantissa and a decimal scale; what an offer names of its product (id, bank, name) and the
//! words of its explanation are built once, in one handle every offer of the product shares. A
//! product with an amount that is not a whole number of fen has no screen and is checked by
//! the reference path, so the compiled form never rounds.

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::columns::ChainColumns;
use super::conditions::yuan;
use super::index::CatalogIndex;
use super::limit::{self, Bound, BoundKind, LimitTerms};
use super::offer::{LimitWords, ProductRef};
use super::product::{Catalog, Collateral, Industries, Product, TermRange};
use crate::evaluate::Label;
use crate::num::Amount;
use crate::record::{Industry, TaxGrade};

/// The products of a catalog, compiled, in catalog order. The screens, read for every
/// candidate, are kept apart from what only offers and near misses read, so that a demand's
/// candidates touch as little memory as possible.
#[derive(Debug, Clone)]
pub(super) struct CompiledCatalog {
    pub screens: Vec<Option<Screen>>,
    pub products: Vec<CompiledProduct>,
    /// The screens of each chain of the index, by column, by chain number.
    pub columns: Vec<ChainColumns>,
    /// By product, by grade rank: the rate spread as an integer at one scale for the whole
    /// catalog, which orders rates as the decimals do; `None` when a spread or the
    /// reference rate does not fit (none in practice) and offers are ranked by decimals.
    pub rate_keys: Option<RateKeys>,
    /// By product, by grade rank: what an offer reads of the product's terms.
    pub terms: GradeTable,
    /// By product, the place of its id among the catalog's ids in order: ties in ranking
    /// fall to it as to the ids.
    pub id_rank: Vec<u32>,
}

impl CompiledCatalog {
    /// Compiles a catalog, its index's chains laid out by column; `reference` is the
    /// reference rate the rates are quoted over.
    pub fn new(catalog: &Catalog, index: &CatalogIndex, reference: Decimal) -> CompiledCatalog {
        let grades = catalog.grades();
        let screens: Vec<Option<Screen>> =
            catalog.products().iter().map(|p| Screen::new(p, grades)).collect();
        let columns = (index.chains().iter())
            .map(|chain| ChainColumns::new(chain, &screens, grades.len()))
            .collect();
        let mut shared = Shared::default();
        let products: Vec<CompiledProduct> = (catalog.products().iter())
            .map(|p| CompiledProduct::new(p, grades, &mut shared))
            .collect();
        let terms = GradeTable::new(catalog.products(), grades, reference);
        let rate_keys = rate_keys(&terms, reference);
        let mut by_id: Vec<usize> = (0..products.len()).collect();
        by_id.sort_unstable_by(|&a, &b| products[a].product.id.cmp(&products[b].product.id));
        let mut id_rank = vec![u32::MAX; products.len()];
        for (rank, &i) in by_id.iter().enumerate() {
            id_rank[i] = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        CompiledCatalog { screens, products, columns, rate_keys, terms, id_rank }
    }
}

/// Spreads as integers at the largest scale among them and the reference rate. Each and
/// the reference stay below 2^62 there, so that every rate (reference plus spread) is an
/// exact decimal sum below 2^63 at that scale, and two rates compare as their spreads do.
fn rate_keys(table: &GradeTable, reference: Decimal) -> Option<RateKeys> {
    const LARGEST_SCALE: u32 = 18;
    let spreads = table.terms.iter().filter_map(|g| g.spread);
    let scale = spreads.map(|s| s.scale()).fold(reference.scale(), u32::max);
    if scale > LARGEST_SCALE {
        return None;
    }
    let at = |d: Decimal| -> Option<i64> {
        let m = d.mantissa().checked_mul(10_i128.checked_pow(scale - d.scale())?)?;
        i64::try_from(m).ok().filter(|m| m.unsigned_abs() < 1 << 62)
    };
    at(reference)?;
    let mut keys = Vec::with_capacity(table.terms.len());
    for terms in &table.terms {
        keys.push(match terms.spread {
            Some(spread) => at(spread)?,
            None => RateKeys::NONE,
        });
    }
    Some(RateKeys { grades: table.grades, keys })
}

/// The rate keys of every product and grade in one list, a product's grades side by side:
/// ranking a demand's offers reads one key each, where a list per product cost a second,
/// dependent read from elsewhere in memory.
#[derive(Debug, Clone)]
pub(super) struct RateKeys {
    /// Keys per product (the most grades any product lists).
    grades: usize,
    keys: Vec<i64>,
}

impl RateKeys {
    /// A product that does not price the grade: no key is this small (every key lies
    /// within ±2^62).
    const NONE: i64 = i64::MIN;

    /// The key of product `index` for grade rank `grade`, if the product prices it.
    pub fn get(&self, index: usize, grade: usize) -> Option<i64> {
        if grade >= self.grades {
            return None;
        }
        let key = *self.keys.get(index.checked_mul(self.grades)?.checked_add(grade)?)?;
        (key != RateKeys::NONE).then_some(key)
    }
}

/// One product, compiled.
#[derive(Debug, Clone)]
pub(super) struct CompiledProduct {
    /// The product as results name it, with the words of its offers' explanations: one
    /// handle shared by every offer and near miss of the product.
    pub product: Arc<ProductRef>,
    /// The limit's parameters, so that an offer's bounds are priced without reading the
    /// product.
    pub limit: LimitTerms,
    pub term_months: TermRange,
}

/// The texts many products share (a bank's name, the explanation of a cap of the same
/// amount), each kept once for the catalog rather than once per product. The texts are the
/// same either way.
#[derive(Default)]
struct Shared {
    banks: HashMap<String, Arc<str>>,
    /// By the Chinese text, which the amount and the grade word as the English does.
    caps: HashMap<Arc<str>, Label>,
}

impl Shared {
    fn bank(&mut self, bank: &str) -> Arc<str> {
        self.banks.entry(bank.to_owned()).or_insert_with(|| Arc::from(bank)).clone()
    }

    fn cap(&mut self, label: Label) -> Label {
        self.caps.entry(label.zh.clone()).or_insert(label).clone()
    }
}

impl CompiledProduct {
    fn new(p: &Product, grades: &[String], shared: &mut Shared) -> CompiledProduct {
        let cap = Bound { bound: BoundKind::ProductCap, value: p.amount.max.value() };
        let mut grade_cap = |g: &String| {
            let value = p.limit.grade_caps.get(g).map_or(Decimal::ZERO, |a| a.value());
            shared.cap(limit::explain_cap(Bound { bound: BoundKind::GradeCap, value }, g))
        };
        let grade_caps = if p.limit.grade_caps.is_empty() {
            Vec::new()
        } else {
            grades.iter().map(&mut grade_cap).collect()
        };
        let words = LimitWords {
            cap: shared.cap(limit::explain_cap(cap, "")),
            grade_caps,
            bound_words: [
                (BoundKind::TaxMultiple, factor_text(p.limit.k_tax)),
                (BoundKind::SalesMultiple, factor_text(p.limit.k_sales)),
                (
                    BoundKind::DebtHeadroom,
                    yuan(p.limit.max_total_debt.map_or(Decimal::ZERO, |a| a.value())),
                ),
            ]
            .map(|(kind, figure)| limit::bound_words(kind, &figure).map(String::into_boxed_str)),
        };
        let product = ProductRef {
            id: Arc::from(p.id.as_str()),
            bank: shared.bank(&p.bank),
            name: Arc::from(p.name.as_str()),
            words,
        };
        CompiledProduct {
            product: Arc::new(product),
            limit: LimitTerms::of(p),
            term_months: p.term_months.clone(),
        }
    }
}

/// What each product offers a firm of each grade, in one list, a product's grades side by
/// side: an offer reads its terms at a place worked out from the product's index, where a
/// list per product cost a second read that had to wait for the first.
#[derive(Debug, Clone)]
pub(super) struct GradeTable {
    /// Terms per product: the catalog's grades.
    grades: usize,
    terms: Vec<GradeTerms>,
}

impl GradeTable {
    fn new(products: &[Product], grades: &[String], reference: Decimal) -> GradeTable {
        let terms = (products.iter())
            .flat_map(|p| grades.iter().map(move |g| GradeTerms::new(p, g, reference)))
            .collect();
        GradeTable { grades: grades.len(), terms }
    }

    /// The terms of product `index` for grade rank `grade`.
    pub fn get(&self, index: usize, grade: usize) -> Option<&GradeTerms> {
        if grade >= self.grades {
            return None;
        }
        self.terms.get(index.checked_mul(self.grades)?.checked_add(grade)?)
    }
}

/// What a product offers a firm of one grade.
#[derive(Debug, Clone, Copy)]
pub(super) struct GradeTerms {
    /// The rate spread, if the product prices the grade.
    pub spread: Option<Decimal>,
    /// The rate an offer shows (the reference rate plus the spread, as
    /// [`matching::offer`](super::matching::offer) adds them), added once for all demands.
    pub rate: Option<Decimal>,
    /// The grade's cap, as [`limit::grade_cap`] tells it.
    pub cap: Option<Decimal>,
}

impl GradeTerms {
    fn new(p: &Product, grade: &str, reference: Decimal) -> GradeTerms {
        let spread = p.rate.spread_for(grade);
        GradeTerms {
            spread,
            rate: spread.map(|s| super::matching::rate(reference, s)),
            cap: limit::grade_cap(p, grade),
        }
    }
}

/// A limit factor as explanations show it.
fn factor_text(k: Option<Decimal>) -> String {
    k.unwrap_or_default().normalize().to_string()
}

/// A multiple of a firm figure, `k = mantissa / 10^scale`, held as `mantissa ×
/// 10^(limit scale − scale)` so that every bound of the product is an integer in units of
/// 10^-(limit scale) fen.
#[derive(Debug, Clone, Copy)]
pub(super) struct Factor {
    /// Below 2^51 in size (a mantissa below [`FACTOR_LIMIT`] times at most 10^8).
    pub scaled: i64,
}

/// Limit factors the screen takes: at most this many decimals and a mantissa below
/// [`FACTOR_LIMIT`], so that a factor times an amount below [`FEN_LIMIT`] stays far inside an
/// `i128` and inside the 96-bit mantissa where `Decimal` multiplies exactly. Others (none in
/// practice) go through the reference path.
const FACTOR_SCALE_LIMIT: u32 = 8;
const FACTOR_LIMIT: i128 = 1 << 24;

/// The largest decimal scale of the product's factors, if the screen takes them all.
fn limit_scale(l: &super::product::LimitRule) -> Option<u32> {
    let mut scale = 0;
    for k in [l.k_tax, l.k_sales].into_iter().flatten() {
        if k.scale() > FACTOR_SCALE_LIMIT || k.mantissa().abs() >= FACTOR_LIMIT {
            return None;
        }
        scale = scale.max(k.scale());
    }
    Some(scale)
}

impl Factor {
    fn new(k: Decimal, scale: u32) -> Option<Factor> {
        let scaled = k.mantissa().checked_mul(10_i128.checked_pow(scale - k.scale())?)?;
        Some(Factor { scaled: i64::try_from(scaled).ok()? })
    }
}

/// What a firm must meet, in integers; fen for money.
///
/// Laid out for the matching's memory traffic: the fields [`screen`](super::screen::screen)
/// reads for every contender come first and are as narrow as exactness allows (amounts in
/// `i64`, which holds every whole-fen amount the screen takes, with a sentinel for "not
/// set"), so that a screen spans about four cache lines instead of nine; the industry rule,
/// read only while filing candidates, comes last. Each screen starts a cache line.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub(super) struct Screen {
    pub amount_min: i64,
    pub min_tax_paid: Fen,
    pub max_loans: Fen,
    pub max_capital: Fen,
    pub max_revenue: Fen,
    /// Total debt allowed, in fen (not scaled).
    pub max_debt: Fen,
    /// The tax grades admitted, as a mask of [`tax_grade_bit`]s.
    pub tax_grades: Option<u32>,
    pub min_years: Option<u32>,
    pub payment_within_months: Option<u32>,
    pub max_staff: Option<u32>,
    pub max_circle: Option<u32>,
    /// Rank of the worst grade admitted; `None` when the product sets none the model knows.
    pub min_grade: Option<usize>,
    pub collateral: Collateral,
    pub no_tax_arrears: bool,
    pub no_dishonest_listing: bool,
    pub unlinked_guarantor: bool,
    pub k_tax: Option<Factor>,
    pub k_sales: Option<Factor>,
    /// 10^(limit scale): the bounds below are in units of 10^-(limit scale) fen.
    pub unit: i128,
    /// The product cap, scaled.
    pub cap: i128,
    /// The smallest loan, scaled: the floor of the limit.
    pub floor: i128,
    /// By grade rank, the grade cap, scaled (0 for a grade the product does not name); empty
    /// when the product has no grade caps.
    pub grade_caps: Vec<i128>,
    /// Bit `r` set when the product prices the grade of rank `r` (ranks from 64 on: never).
    pub priced_grades: u64,
    /// The industries served.
    pub industries: IndustryRule,
}

/// An amount in whole fen that may be unset, in 8 bytes rather than the 32 of an
/// `Option<i128>`: [`fen`] keeps amounts below 2^62 in size, so `i64::MIN` never is one and
/// marks "not set".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fen(i64);

impl Fen {
    const UNSET: i64 = i64::MIN;

    /// The amount, if it fits (every amount from [`fen`] does); "not set" for `None`.
    pub fn new(amount: Option<i128>) -> Option<Fen> {
        match amount {
            None => Some(Fen(Fen::UNSET)),
            Some(a) => i64::try_from(a).ok().filter(|&a| a != Fen::UNSET).map(Fen),
        }
    }

    /// The amount, `None` when not set.
    pub fn get(self) -> Option<i128> {
        (self.0 != Fen::UNSET).then_some(i128::from(self.0))
    }
}

impl Screen {
    fn new(p: &Product, grades: &[String]) -> Option<Screen> {
        let c = &p.conditions;
        let l = &p.limit;
        // `Some(None)` is "not set"; `None` is "set but not whole fen".
        let opt = |a: Option<Amount>| Fen::new(a.map_or(Some(None), |a| fen(a.value()).map(Some))?);
        let rank = |g: &str| grades.iter().position(|x| x == g);
        let scale = limit_scale(l)?;
        let unit = 10_i128.pow(scale);
        let factor = |k: Option<Decimal>| k.map_or(Some(None), |k| Factor::new(k, scale).map(Some));
        let grade_caps = if l.grade_caps.is_empty() {
            Vec::new()
        } else {
            let cap = |g: &String| l.grade_caps.get(g).map_or(Some(0), |a| fen(a.value()));
            let caps = grades.iter().map(cap).collect::<Option<Vec<i128>>>()?;
            caps.into_iter().map(|c| c * unit).collect()
        };
        let (amount_min, amount_max) = (fen(p.amount.min.value())?, fen(p.amount.max.value())?);
        Some(Screen {
            amount_min: i64::try_from(amount_min).ok()?,
            unit,
            cap: amount_max * unit,
            floor: amount_min * unit,
            collateral: p.collateral,
            min_grade: c.min_grade.as_deref().and_then(rank),
            industries: IndustryRule::new(&p.industries)?,
            priced_grades: (grades.iter().enumerate().take(64))
                .filter(|(_, g)| p.rate.spread_for(g).is_some())
                .fold(0, |mask, (r, _)| mask | 1 << r),
            tax_grades: c
                .tax_grades
                .as_ref()
                .map(|a| a.iter().fold(0, |m, &g| m | tax_grade_bit(g))),
            min_years: c.min_years_established,
            min_tax_paid: opt(c.min_tax_paid_12m)?,
            payment_within_months: c.tax_payment_within_months,
            no_tax_arrears: c.no_tax_arrears,
            no_dishonest_listing: c.no_dishonest_listing,
            max_loans: opt(c.max_existing_loans)?,
            max_capital: opt(c.max_registered_capital)?,
            max_staff: c.max_staff,
            max_revenue: opt(c.max_revenue_12m)?,
            max_circle: c.max_guarantee_circle_size,
            unlinked_guarantor: c.guarantor_not_closely_linked,
            grade_caps,
            k_tax: factor(l.k_tax)?,
            k_sales: factor(l.k_sales)?,
            max_debt: opt(l.max_total_debt)?,
        })
    }
}

/// The most industry prefixes of each list the screen holds; a longer list (none in
/// practice) sends the product through the reference path.
const PREFIXES: usize = 4;

/// Industry prefixes packed into integers, so that "code starts with prefix" is a mask and
/// a comparison, without reading the product's strings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct IndustryRule {
    /// `(packed prefix, mask of its length)`; the first `included` are in use.
    include: [(u64, u64); PREFIXES],
    included: u8,
    exclude: [(u64, u64); PREFIXES],
    excluded: u8,
}

impl IndustryRule {
    pub(super) fn new(rule: &Industries) -> Option<IndustryRule> {
        let pack_all = |codes: &[Industry]| -> Option<([(u64, u64); PREFIXES], u8)> {
            let mut out = [(0, 0); PREFIXES];
            if codes.len() > PREFIXES {
                return None;
            }
            for (slot, code) in out.iter_mut().zip(codes) {
                let packed = industry_code(code)?;
                let len = u32::try_from(code.as_str().len()).ok()?;
                *slot = (packed, u64::MAX << (8 * (8 - len)));
            }
            Some((out, u8::try_from(codes.len()).ok()?))
        };
        let (include, included) = pack_all(&rule.include)?;
        let (exclude, excluded) = pack_all(&rule.exclude)?;
        Some(IndustryRule { include, included, exclude, excluded })
    }

    /// Whether the rule neither includes nor excludes codes: it admits every firm.
    pub fn admits_every_code(&self) -> bool {
        self.included == 0 && self.excluded == 0
    }

    /// As [`Industries::admits`], for a code packed by [`industry_code`].
    pub fn admits(&self, industry: Option<u64>) -> bool {
        let (include, exclude) = (
            &self.include[..usize::from(self.included)],
            &self.exclude[..usize::from(self.excluded)],
        );
        let Some(code) = industry else {
            return include.is_empty() && exclude.is_empty();
        };
        let under = |&(prefix, mask): &(u64, u64)| code & mask == prefix;
        // The firm's own mask: its code's bytes, the zeros after them cleared.
        let code_mask = u64::MAX.checked_shl(code.trailing_zeros() / 8 * 8).unwrap_or(0);
        let overlaps = |x: &(u64, u64)| under(x) || x.0 & code_mask == code;
        (include.is_empty() || include.iter().any(under)) && !exclude.iter().any(overlaps)
    }
}

/// An industry code (at most 5 ASCII bytes) packed from the top byte down, zeros after it.
pub(super) fn industry_code(code: &Industry) -> Option<u64> {
    let bytes = code.as_str().as_bytes();
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    Some(bytes.iter().enumerate().fold(0, |packed, (i, &b)| packed | u64::from(b) << (8 * (7 - i))))
}

/// A tax grade's bit in a mask of grades.
pub(super) fn tax_grade_bit(grade: TaxGrade) -> u32 {
    TaxGrade::ALL.iter().position(|&g| g == grade).map_or(0, |i| 1 << (i % 32))
}

/// Amounts at or beyond this many fen (about 4.6e16 yuan) are left to the reference path, so
/// that the screen's sums, differences and scaled products never overflow an `i128` and its
/// ratios convert to `f64` from an `i64`.
const FEN_LIMIT: i128 = 1 << 62;

/// The amount in whole fen, if it is one (at most two decimals once trailing zeros go).
pub(super) fn fen(value: Decimal) -> Option<i128> {
    let v = if value.scale() > 2 { value.normalize() } else { value };
    let scale = v.scale();
    if scale > 2 {
        return None;
    }
    let fen = v.mantissa().checked_mul(10_i128.pow(2 - scale))?;
    (fen.abs() < FEN_LIMIT).then_some(fen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::offer::{Explained, Offer};

    #[test]
    fn what_the_screen_reads_per_contender_spans_four_cache_lines() {
        assert_eq!(align_of::<Option<Screen>>(), 64);
        assert!(std::mem::offset_of!(Screen, priced_grades) <= 4 * 64);
    }

    #[test]
    fn compiled_terms_price_the_bounds_the_product_does() {
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let firms = crate::synth::SynthConfig::new(40, 7, as_of);
        let demands: Vec<_> = super::super::synthetic::demands(&firms).collect();
        let reference = Decimal::new(300, 2);
        let mut capped = 0;
        for i in 0..300 {
            let p = super::super::synthetic::product(11, i);
            capped += usize::from(!p.limit.grade_caps.is_empty());
            let terms = LimitTerms::of(&p);
            for grade in ["A", "B", "C", "D", "not a grade"] {
                let cap = GradeTerms::new(&p, grade, reference).cap;
                for d in &demands {
                    let e = &d.enterprise;
                    let compiled = limit::bounds_of(&terms, cap, e);
                    let from_product = limit::bounds(&p, e, grade);
                    // As shown, scale included.
                    assert_eq!(format!("{compiled:?}"), format!("{from_product:?}"));
                }
            }
        }
        assert!(capped > 0, "some products cap grades");
    }

    #[test]
    fn offers_explain_their_limits_as_the_product_words_them() {
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let firms = crate::synth::SynthConfig::new(40, 7, as_of);
        let demands: Vec<_> = super::super::synthetic::demands(&firms).collect();
        let grades = ["A".to_string(), "B".to_string()];
        let mut worded = [0; 5];
        for i in 0..300 {
            let p = super::super::synthetic::product(11, i);
            let compiled = CompiledProduct::new(&p, &grades, &mut Shared::default());
            for d in &demands {
                let e = &d.enterprise;
                for (rank, grade) in grades.iter().enumerate() {
                    // Every bound as if it set the limit, caps included.
                    for b in limit::bounds(&p, e, grade).iter() {
                        let mut offer = Offer::blank(compiled.product.clone());
                        (offer.limit, offer.binding) = (b.value, b.bound);
                        offer.explained =
                            Explained::of(*b, (Some(rank), ""), &limit::FirmAmounts::of(e));
                        let expected = limit::explain(*b, &p, e, grade);
                        assert_eq!(offer.explanation(), expected, "product {i}, {b:?}");
                        worded[b.bound as usize] += 1;
                    }
                }
            }
        }
        assert!(worded.iter().all(|&n| n > 0), "every kind of bound worded: {worded:?}");
    }

    #[test]
    fn shared_texts_are_the_product_s_own_and_kept_once() {
        let model = crate::model::Model::default_model();
        let config = super::super::synthetic::CatalogConfig::new(400, 3);
        let products = super::super::synthetic::catalog(&config);
        let catalog = Catalog::new(products, &model).unwrap();
        let index = CatalogIndex::new(&catalog);
        let compiled = CompiledCatalog::new(&catalog, &index, Decimal::new(310, 2));
        let mut banks = HashMap::new();
        let mut caps = HashMap::new();
        for (p, c) in catalog.products().iter().zip(&compiled.products) {
            let (c, words) = (&c.product, &c.product.words);
            assert_eq!(
                (c.id(), c.bank(), c.name()),
                (p.id.as_str(), p.bank.as_str(), p.name.as_str())
            );
            let cap = Bound { bound: BoundKind::ProductCap, value: p.amount.max.value() };
            assert_eq!(words.cap, limit::explain_cap(cap, ""), "{}", p.id);
            for (g, label) in catalog.grades().iter().zip(&words.grade_caps) {
                let value = p.limit.grade_caps.get(g).map_or(Decimal::ZERO, |a| a.value());
                let grade_cap = Bound { bound: BoundKind::GradeCap, value };
                assert_eq!(*label, limit::explain_cap(grade_cap, g), "{} {g}", p.id);
            }
            // Equal texts are one string.
            let bank = banks.entry(p.bank.clone()).or_insert_with(|| c.bank.clone());
            assert!(Arc::ptr_eq(bank, &c.bank), "{}", p.bank);
            let zh = words.cap.zh.clone();
            let label = caps.entry(zh).or_insert_with(|| words.cap.clone());
            assert!(Arc::ptr_eq(&label.en, &words.cap.en), "{}", p.id);
        }
        assert!(banks.len() < catalog.products().len() / 4, "{} banks", banks.len());
        assert!(caps.len() < catalog.products().len() / 2, "{} caps", caps.len());
    }

    #[test]
    fn rate_keys_order_as_the_spreads_and_miss_the_grades_not_priced() {
        let grades: Vec<String> =
            ["A", "B", "C", "D", "not a grade"].iter().map(|g| g.to_string()).collect();
        let reference = Decimal::new(310, 2);
        let products: Vec<_> = (0..200)
            .map(|i| {
                let mut p = super::super::synthetic::product(5, i);
                // Every third prices only the grades it lists.
                if i % 3 == 0 {
                    p.rate.spread = None;
                }
                p
            })
            .collect();
        let table = GradeTable::new(&products, &grades, reference);
        let keys = rate_keys(&table, reference).unwrap();
        let mut priced = 0;
        let spreads = |i: usize, g: usize| table.get(i, g)?.spread;
        for i in 0..products.len() + 1 {
            for g in 0..grades.len() + 1 {
                assert_eq!(
                    keys.get(i, g).is_some(),
                    spreads(i, g).is_some(),
                    "product {i}, grade {g}"
                );
                priced += usize::from(keys.get(i, g).is_some());
                for (j, h) in [(0, 0), (7, 1), (i / 2, g / 2)] {
                    if let (Some(a), Some(b), Some(x), Some(y)) =
                        (keys.get(i, g), keys.get(j, h), spreads(i, g), spreads(j, h))
                    {
                        assert_eq!(a.cmp(&b), x.cmp(&y), "({i}, {g}) against ({j}, {h})");
                    }
                }
            }
        }
        assert!(priced > 0 && priced < products.len() * grades.len(), "{priced} keys");
    }

    #[test]
    fn unset_and_extreme_amounts_keep_their_value_in_eight_bytes() {
        for a in [None, Some(0), Some(-1), Some((1 << 62) - 1), Some(1 - (1 << 62))] {
            assert_eq!(Fen::new(a).map(Fen::get), Some(a));
        }
        assert_eq!(Fen::new(Some(i128::from(i64::MIN))), None);
        assert_eq!(Fen::new(Some(1 << 63)), None);
    }

    #[test]
    fn amounts_become_whole_fen_or_nothing() {
        let f = |t: &str| fen(t.parse().unwrap());
        assert_eq!(f("0"), Some(0));
        assert_eq!(f("12.5"), Some(1250));
        assert_eq!(f("12.50"), Some(1250));
        assert_eq!(f("12.500"), Some(1250));
        assert_eq!(f("1000000"), Some(100_000_000));
        assert_eq!(f("0.001"), None);
        assert_eq!(f("79228162514264337593543950335"), None);
    }

    #[test]
    fn packed_industry_rules_admit_as_the_strings_do() {
        let codes = |list: &[&str]| list.iter().map(|c| Industry::parse(c).unwrap()).collect();
        let rules = [
            Industries::default(),
            Industries { include: codes(&["C"]), exclude: Vec::new() },
            Industries { include: codes(&["C39", "F"]), exclude: codes(&["C3911"]) },
            Industries { include: Vec::new(), exclude: codes(&["K70", "L72", "H62"]) },
            Industries { include: Vec::new(), exclude: codes(&["C3911"]) },
            Industries { include: codes(&["C"]), exclude: codes(&["C39", "C3411"]) },
        ];
        let firms = [
            None,
            Some("C"),
            Some("C39"),
            Some("C391"),
            Some("C3911"),
            Some("C3912"),
            Some("C34"),
            Some("K"),
            Some("K7010"),
        ];
        for rule in &rules {
            let packed = IndustryRule::new(rule).unwrap();
            for firm in firms {
                let industry = firm.map(|c| Industry::parse(c).unwrap());
                let code = industry.as_ref().map(|i| industry_code(i).unwrap());
                assert_eq!(
                    packed.admits(code),
                    rule.admits(industry.as_ref()),
                    "{rule:?} {firm:?}"
                );
            }
        }
        // A code too coarse to rule out an excluded prefix is kept out, as no code is.
        let rule = &rules[4];
        let admits = |c: &str| rule.admits(Some(&Industry::parse(c).unwrap()));
        let admitted: Vec<&str> = firms.iter().flatten().copied().filter(|c| admits(c)).collect();
        assert_eq!(admitted, ["C3912", "C34", "K", "K7010"]);
    }
}
