//! The estimated limit and rate of a product for a firm.
//!
//! `limit = min(product cap, grade cap, k_tax · tax paid 12m, k_sales · revenue 12m,
//! max_total_debt − existing loans)`, each factor present only when the product sets it. Every
//! bound is reported with its value, so the firm sees which one binds. A value the firm does
//! not report counts as zero for a multiple and as no headroom for debt: unknown data never
//! raises a limit.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use super::conditions::yuan;
use super::product::Product;
use crate::evaluate::Label;
use crate::record::Enterprise;

/// One term of the limit's minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundKind {
    /// The product's largest loan.
    ProductCap,
    /// The cap for the firm's credit grade.
    GradeCap,
    /// `k_tax` times tax paid in 12 months.
    TaxMultiple,
    /// `k_sales` times revenue in 12 months.
    SalesMultiple,
    /// Total debt allowed minus existing loans, not below zero.
    DebtHeadroom,
}

/// A bound and its value, yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bound {
    /// Which bound.
    pub bound: BoundKind,
    /// Its value.
    #[serde(with = "crate::num::decimal")]
    pub value: Decimal,
}

/// How many kinds of bound there are: a product sets each at most once.
const BOUND_KINDS: usize = 5;

/// Every bound a product sets, in [`BoundKind`] order: at most one of each kind, held in
/// place rather than on the heap, since a batch keeps one list per offer and an allocation
/// (and its release) would cost more than the bounds themselves. Reads as a slice of
/// [`Bound`] and serializes as a list.
#[derive(Clone, Copy)]
pub struct Bounds {
    len: u8,
    items: [Bound; BOUND_KINDS],
}

impl Bounds {
    /// No bounds.
    pub const fn new() -> Bounds {
        let none = Bound { bound: BoundKind::ProductCap, value: Decimal::ZERO };
        Bounds { len: 0, items: [none; BOUND_KINDS] }
    }

    /// The bounds, in [`BoundKind`] order.
    pub fn as_slice(&self) -> &[Bound] {
        self.items.get(..usize::from(self.len)).unwrap_or(&[])
    }

    /// Adds a bound; one beyond [`BOUND_KINDS`] (never: each kind comes once) is dropped.
    fn push(&mut self, bound: Bound) {
        if let Some(slot) = self.items.get_mut(usize::from(self.len)) {
            *slot = bound;
            self.len += 1;
        }
    }
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds::new()
    }
}

impl std::ops::Deref for Bounds {
    type Target = [Bound];

    fn deref(&self) -> &[Bound] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Bounds {
    type Item = &'a Bound;
    type IntoIter = std::slice::Iter<'a, Bound>;

    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl PartialEq for Bounds {
    fn eq(&self, other: &Bounds) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Bounds {}

impl std::fmt::Debug for Bounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Serialize for Bounds {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice())
    }
}

impl FromIterator<Bound> for Bounds {
    /// The first [`BOUND_KINDS`] bounds (a product sets no more).
    fn from_iter<I: IntoIterator<Item = Bound>>(iter: I) -> Bounds {
        let mut out = Bounds::new();
        iter.into_iter().for_each(|b| out.push(b));
        out
    }
}

/// Every bound the product sets, in [`BoundKind`] order.
pub(super) fn bounds(product: &Product, firm: &Enterprise, grade: &str) -> Bounds {
    bounds_of(&LimitTerms::of(product), grade_cap(product, grade), firm)
}

/// [`bounds`] from a product's terms and its cap for the firm's grade (`None` when the
/// product caps no grade), which a compiled catalog keeps by grade rank: an offer is then
/// priced without reading the product.
pub(super) fn bounds_of(
    terms: &LimitTerms,
    grade_cap: Option<Decimal>,
    firm: &Enterprise,
) -> Bounds {
    let mut out = Bounds::new();
    refill_bounds(&mut out, terms, grade_cap, &FirmAmounts::of(firm));
    out
}

/// [`bounds_of`] written over `out`'s bounds, from the firm's amounts read once per
/// demand: an offer's own list is refilled where it lies, rather than a list of some 100
/// bytes being built, returned and copied in.
pub(super) fn refill_bounds(
    out: &mut Bounds,
    terms: &LimitTerms,
    grade_cap: Option<Decimal>,
    firm: &FirmAmounts,
) {
    out.len = 0;
    each_bound(terms, grade_cap, firm, |b| out.push(b));
}

/// The smallest bound (the first in [`BoundKind`] order wins a tie), without collecting the
/// others: a product the firm fails needs only this for its limit condition.
pub(super) fn binding_of(product: &Product, firm: &Enterprise, grade: &str) -> Bound {
    let mut min: Option<Bound> = None;
    let (terms, firm) = (LimitTerms::of(product), FirmAmounts::of(firm));
    each_bound(&terms, grade_cap(product, grade), &firm, |b| {
        if min.is_none_or(|m| b.value < m.value) {
            min = Some(b);
        }
    });
    min.unwrap_or(Bound { bound: BoundKind::ProductCap, value: Decimal::ZERO })
}

/// The parameters of a product's limit other than its grade caps, as the bounds read them.
#[derive(Debug, Clone, Copy)]
pub(super) struct LimitTerms {
    /// The product's largest loan.
    pub cap: Decimal,
    pub k_tax: Option<Operand>,
    pub k_sales: Option<Operand>,
    /// Total debt allowed.
    pub max_debt: Option<Decimal>,
}

impl LimitTerms {
    /// The product's terms.
    pub fn of(product: &Product) -> LimitTerms {
        let rule = &product.limit;
        LimitTerms {
            cap: product.amount.max.value(),
            k_tax: rule.k_tax.map(Operand::new),
            k_sales: rule.k_sales.map(Operand::new),
            max_debt: rule.max_total_debt.map(|a| a.value()),
        }
    }
}

/// The product's cap for `grade`: zero for a grade it does not name, `None` when it caps no
/// grade at all.
pub(super) fn grade_cap(product: &Product, grade: &str) -> Option<Decimal> {
    let caps = &product.limit.grade_caps;
    (!caps.is_empty()).then(|| caps.get(grade).map_or(Decimal::ZERO, |a| a.value()))
}

/// What the bounds read of a firm: tax paid and revenue in 12 months (zero when not
/// reported), existing loans.
#[derive(Debug, Clone, Copy)]
pub(super) struct FirmAmounts {
    tax_paid: Operand,
    revenue: Operand,
    loans: Option<Decimal>,
}

impl FirmAmounts {
    /// The firm's amounts, read once for all the products priced for it.
    pub fn of(firm: &Enterprise) -> FirmAmounts {
        let f = &firm.finance;
        let value = |a: Option<crate::num::Amount>| a.map_or(Decimal::ZERO, |a| a.value());
        FirmAmounts {
            tax_paid: Operand::new(value(f.tax_paid_12m)),
            revenue: Operand::new(value(f.revenue_12m)),
            loans: f.existing_loans.map(|a| a.value()),
        }
    }

    /// The firm's figure an explanation of a limit set by `kind` shows: tax paid, revenue or
    /// existing loans, zero when not reported (and for a cap, which shows none).
    pub fn shown(&self, kind: BoundKind) -> Decimal {
        match kind {
            BoundKind::TaxMultiple => self.tax_paid.value,
            BoundKind::SalesMultiple => self.revenue.value,
            BoundKind::DebtHeadroom => self.loans.unwrap_or(Decimal::ZERO),
            BoundKind::ProductCap | BoundKind::GradeCap => Decimal::ZERO,
        }
    }
}

/// Hands every bound the terms set to `emit`, in [`BoundKind`] order.
fn each_bound(
    terms: &LimitTerms,
    grade_cap: Option<Decimal>,
    firm: &FirmAmounts,
    mut emit: impl FnMut(Bound),
) {
    emit(Bound { bound: BoundKind::ProductCap, value: terms.cap });
    if let Some(cap) = grade_cap {
        emit(Bound { bound: BoundKind::GradeCap, value: cap });
    }
    if let Some(k) = terms.k_tax {
        emit(Bound { bound: BoundKind::TaxMultiple, value: times(k, firm.tax_paid) });
    }
    if let Some(k) = terms.k_sales {
        emit(Bound { bound: BoundKind::SalesMultiple, value: times(k, firm.revenue) });
    }
    if let Some(max) = terms.max_debt {
        let headroom = match firm.loans {
            Some(loans) => (max - loans).max(Decimal::ZERO),
            None => Decimal::ZERO,
        };
        emit(Bound { bound: BoundKind::DebtHeadroom, value: headroom });
    }
}

/// A factor of a bound (a limit multiple, a firm's figure) with its mantissa and scale kept
/// when the mantissa is above zero and below 2^48, as factors and figures in yuan are: two
/// such multiply by one integer product.
#[derive(Debug, Clone, Copy)]
pub(super) struct Operand {
    value: Decimal,
    small: Option<(u64, u32)>,
}

impl Operand {
    const SMALL: u64 = 1 << 48;

    pub fn new(value: Decimal) -> Operand {
        let small =
            u64::try_from(value.mantissa()).ok().filter(|m| (1..Operand::SMALL).contains(m));
        Operand { value, small: small.map(|m| (m, value.scale())) }
    }
}

/// `k · v` as `Decimal` multiplies them, scale included (a product asking for a larger
/// multiple than `Decimal` holds is capped by its other bounds): by one integer product when
/// both mantissas are small and the scales add up to at most 28, since each offer multiplies
/// up to two; by the decimal product otherwise, which a zero takes too (the decimal product
/// of a zero has scale 0).
fn times(k: Operand, v: Operand) -> Decimal {
    if let (Some((a, s)), Some((b, t))) = (k.small, v.small) {
        let scale = s + t;
        if scale <= Decimal::MAX_SCALE {
            // Below 2^96, as a decimal's mantissa must be.
            let p = u128::from(a) * u128::from(b);
            return Decimal::from_parts(p as u32, (p >> 32) as u32, (p >> 64) as u32, false, scale);
        }
    }
    k.value.checked_mul(v.value).unwrap_or(Decimal::MAX)
}

/// Says which bound sets the limit, and how it is computed, for the firm to act on: each
/// text formatted whole from the product and the firm. The reference that an offer's
/// explanation, worded from the product's [`bound_words`] as it is written, is held to.
#[cfg(test)]
pub(super) fn explain(bound: Bound, product: &Product, firm: &Enterprise, grade: &str) -> Label {
    let f = &firm.finance;
    let shown = |a: Option<crate::num::Amount>| yuan(a.map_or(Decimal::ZERO, |a| a.value()));
    let k = |k: Option<Decimal>| k.unwrap_or_default().normalize().to_string();
    let l = &product.limit;
    let (a, b) = match bound.bound {
        BoundKind::ProductCap | BoundKind::GradeCap => return explain_cap(bound, grade),
        BoundKind::TaxMultiple => (k(l.k_tax), shown(f.tax_paid_12m)),
        BoundKind::SalesMultiple => (k(l.k_sales), shown(f.revenue_12m)),
        BoundKind::DebtHeadroom => (shown(l.max_total_debt), shown(f.existing_loans)),
    };
    let (zh, en) = formatted(bound, &a, &b);
    Label { zh: Arc::from(zh), en: Arc::from(en) }
}

/// The explanation of a limit set by `bound`, neither cap, formatted whole from the
/// product's figure `a` (the factor or the debt ceiling) and the firm's `b`, as worded.
#[cfg(test)]
pub(super) fn formatted(bound: Bound, a: &str, b: &str) -> (String, String) {
    let limit = yuan(bound.value);
    let (zh, en) = match bound.bound {
        BoundKind::TaxMultiple => {
            (format!("{a} × 近12个月纳税 {b}"), format!("{a} × tax paid in 12 months {b}"))
        }
        BoundKind::SalesMultiple => {
            (format!("{a} × 近12个月营业收入 {b}"), format!("{a} × revenue in 12 months {b}"))
        }
        _ => (
            format!("负债上限 {a} − 现有贷款 {b}"),
            format!("debt ceiling {a} − existing loans {b}"),
        ),
    };
    (format!("估算额度 {limit}，受限于{zh}"), format!("estimated limit {limit}, set by {en}"))
}

/// The words of an explanation between the limit and the firm's figure (zh, en): what the
/// bound is and the product's figure `a` in it. They depend on the product alone, so a
/// compiled catalog words them once per product, and an offer's explanation joins them to
/// its limit and the firm's figure as it is written.
pub(super) fn bound_words(kind: BoundKind, a: &str) -> [String; 2] {
    let ([zh_head, zh_tail], [en_head, en_tail]) = match kind {
        BoundKind::TaxMultiple => ([a, " × 近12个月纳税 "], [a, " × tax paid in 12 months "]),
        BoundKind::SalesMultiple => ([a, " × 近12个月营业收入 "], [a, " × revenue in 12 months "]),
        _ => (["负债上限 ", a], ["debt ceiling ", a]),
    };
    let debt = !matches!(kind, BoundKind::TaxMultiple | BoundKind::SalesMultiple);
    let (zh_last, en_last) =
        if debt { (" − 现有贷款 ", " − existing loans ") } else { ("", "") };
    [
        ["，受限于", zh_head, zh_tail, zh_last].concat(),
        [", set by ", en_head, en_tail, en_last].concat(),
    ]
}

/// The explanation of a cap (the product's, or a grade's): it does not depend on the firm's
/// figures, so a compiled catalog words it once per product and grade.
pub(super) fn explain_cap(bound: Bound, grade: &str) -> Label {
    let limit = yuan(bound.value);
    match bound.bound {
        BoundKind::GradeCap => worded(
            &limit,
            &format!("信用等级 {grade} 的额度上限"),
            &format!("the cap for credit grade {grade}"),
        ),
        _ => worded(&limit, "产品最高额度", "the product cap"),
    }
}

fn worded(limit: &str, zh: &str, en: &str) -> Label {
    Label {
        zh: Arc::from(format!("估算额度 {limit}，受限于{zh}")),
        en: Arc::from(format!("estimated limit {limit}, set by {en}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_bound_s_product_is_the_decimal_product_scale_included(
            a in 0_i64..(1 << 50), a_scale in 0_u32..=28, b in 0_i64..(1 << 50), b_scale in 0_u32..=28,
            short in proptest::bool::ANY,
        ) {
            // Zeros a quarter of the time, short mantissas half of the rest.
            let (a, b) = if short { (a % 100_000, b % 10_000_000_000) } else { (a, b) };
            let (a, b) = (if a % 4 == 1 { 0 } else { a }, if b % 4 == 2 { 0 } else { b });
            let (k, v) = (Decimal::new(a, a_scale), Decimal::new(b, b_scale));
            let fast = times(Operand::new(k), Operand::new(v));
            let decimal = k.checked_mul(v).unwrap_or(Decimal::MAX);
            prop_assert_eq!(fast, decimal);
            prop_assert_eq!(format!("{fast:?}"), format!("{decimal:?}"));
        }
    }

    #[test]
    fn a_bound_s_product_keeps_the_decimal_scale_at_the_edges() {
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        for (k, v) in [
            ("0", "15000.00"),
            ("2.5", "0"),
            ("0.000", "0.00"),
            ("3", "0.0000000000000000000000000001"),
            ("0.5", "0.000000000000000000000000001"),
            ("281474976710655", "281474976710655"),
            ("281474976710656", "2"),
            ("79228162514264337593543950335", "1"),
            ("1.5", "79228162514264337593543950335"),
        ] {
            let fast = times(Operand::new(d(k)), Operand::new(d(v)));
            let decimal = d(k).checked_mul(d(v)).unwrap_or(Decimal::MAX);
            assert_eq!(format!("{fast:?}"), format!("{decimal:?}"), "{k} × {v}");
        }
    }
}
