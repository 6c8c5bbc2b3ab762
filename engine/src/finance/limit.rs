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
    each_bound(terms, grade_cap, firm, |b| out.push(b));
    out
}

/// The smallest bound (the first in [`BoundKind`] order wins a tie), without collecting the
/// others: a product the firm fails needs only this for its limit condition.
pub(super) fn binding_of(product: &Product, firm: &Enterprise, grade: &str) -> Bound {
    let mut min: Option<Bound> = None;
    each_bound(&LimitTerms::of(product), grade_cap(product, grade), firm, |b| {
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
    pub k_tax: Option<Decimal>,
    pub k_sales: Option<Decimal>,
    /// Total debt allowed.
    pub max_debt: Option<Decimal>,
}

impl LimitTerms {
    /// The product's terms.
    pub fn of(product: &Product) -> LimitTerms {
        let rule = &product.limit;
        LimitTerms {
            cap: product.amount.max.value(),
            k_tax: rule.k_tax,
            k_sales: rule.k_sales,
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

/// Hands every bound the terms set to `emit`, in [`BoundKind`] order.
fn each_bound(
    terms: &LimitTerms,
    grade_cap: Option<Decimal>,
    firm: &Enterprise,
    mut emit: impl FnMut(Bound),
) {
    let f = &firm.finance;
    let value = |a: Option<crate::num::Amount>| a.map_or(Decimal::ZERO, |a| a.value());
    // A product asking for a larger multiple than Decimal holds is capped by its other bounds.
    let times = |k: Decimal, v: Decimal| k.checked_mul(v).unwrap_or(Decimal::MAX);
    emit(Bound { bound: BoundKind::ProductCap, value: terms.cap });
    if let Some(cap) = grade_cap {
        emit(Bound { bound: BoundKind::GradeCap, value: cap });
    }
    if let Some(k) = terms.k_tax {
        emit(Bound { bound: BoundKind::TaxMultiple, value: times(k, value(f.tax_paid_12m)) });
    }
    if let Some(k) = terms.k_sales {
        emit(Bound { bound: BoundKind::SalesMultiple, value: times(k, value(f.revenue_12m)) });
    }
    if let Some(max) = terms.max_debt {
        let headroom = match f.existing_loans {
            Some(loans) => (max - loans.value()).max(Decimal::ZERO),
            None => Decimal::ZERO,
        };
        emit(Bound { bound: BoundKind::DebtHeadroom, value: headroom });
    }
}

/// Says which bound sets the limit and how it is computed, for the firm to act on.
///
/// The texts are joined from their pieces rather than formatted: matching words a limit for
/// most offers it makes.
pub(super) fn explain(bound: Bound, product: &Product, firm: &Enterprise, grade: &str) -> Label {
    let f = &firm.finance;
    let shown = |a: Option<crate::num::Amount>| yuan(a.map_or(Decimal::ZERO, |a| a.value()));
    let k = |k: Option<Decimal>| k.unwrap_or_default().normalize().to_string();
    let l = &product.limit;
    // The two figures the words show.
    let (a, b) = match bound.bound {
        BoundKind::ProductCap | BoundKind::GradeCap => return explain_cap(bound, grade),
        BoundKind::TaxMultiple => (k(l.k_tax), shown(f.tax_paid_12m)),
        BoundKind::SalesMultiple => (k(l.k_sales), shown(f.revenue_12m)),
        BoundKind::DebtHeadroom => (shown(l.max_total_debt), shown(f.existing_loans)),
    };
    explain_with(bound, &a, &b)
}

/// [`explain`] for a bound other than a cap, given its two figures as worded: the factor (or
/// debt ceiling) and the firm's figure.
pub(super) fn explain_with(bound: Bound, a: &str, b: &str) -> Label {
    explain_in(bound, a, b, &mut String::new())
}

/// [`explain_with`], writing through `scratch` (any content; left unspecified) so that each
/// text is allocated once, as its shared string: a matcher words a limit for most offers.
pub(super) fn explain_in(bound: Bound, a: &str, b: &str, scratch: &mut String) -> Label {
    let [zh, en] = bound_words(bound.bound, a);
    explain_joined(bound, [&zh, &en], b, scratch)
}

/// The words of an explanation between the limit and the firm's figure (zh, en): what the
/// bound is and the product's figure `a` in it. They depend on the product alone, so a
/// compiled catalog words them once per product rather than once per offer.
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

/// The explanation of `bound` from its [`bound_words`] and the firm's figure `b`: the limit
/// is written once into `scratch` (any content; left unspecified) and each text joined
/// after it from four pieces, then copied once into its shared string.
pub(super) fn explain_joined(
    bound: Bound,
    [zh, en]: [&str; 2],
    b: &str,
    scratch: &mut String,
) -> Label {
    scratch.clear();
    super::conditions::push_yuan(scratch, bound.value);
    let limit_len = scratch.len();
    let mut join = |head: &str, words: &str| -> Arc<str> {
        scratch.truncate(limit_len);
        scratch.push_str(head);
        scratch.extend_from_within(..limit_len);
        scratch.push_str(words);
        scratch.push_str(b);
        Arc::from(scratch.get(limit_len..).unwrap_or_default())
    };
    Label { zh: join("估算额度 ", zh), en: join("estimated limit ", en) }
}

/// The explanation of a cap (the product's, or a grade's): it does not depend on the firm's
/// figures, so a matcher words it once per product and grade rather than once per offer.
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

    /// The explanations as they were first worded, by formatting each text whole.
    fn formatted(bound: Bound, a: &str, b: &str) -> (String, String) {
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

    proptest! {
        #[test]
        fn explanations_joined_from_the_product_s_words_read_as_formatted(
            kind in prop_oneof![
                Just(BoundKind::TaxMultiple), Just(BoundKind::SalesMultiple), Just(BoundKind::DebtHeadroom)
            ],
            mantissa in -1_000_000_000_000_i64..1_000_000_000_000, scale in 0_u32..6,
            a in "[0-9.¥,]{0,12}", b in "[0-9.¥,]{0,12}", stale in ".{0,40}",
        ) {
            let bound = Bound { bound: kind, value: Decimal::new(mantissa, scale) };
            let [zh_words, en_words] = bound_words(kind, &a);
            let mut scratch = stale;
            let joined = explain_joined(bound, [&zh_words, &en_words], &b, &mut scratch);
            let (zh, en) = formatted(bound, &a, &b);
            prop_assert_eq!(&*joined.zh, zh.as_str());
            prop_assert_eq!(&*joined.en, en.as_str());
            prop_assert_eq!(explain_with(bound, &a, &b), joined);
        }
    }
}
