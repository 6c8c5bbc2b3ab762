//! What a match reports of a product: an offer (an eligible product, priced) or a near miss
//! (a product the firm fails, with its gaps).
//!
//! Both name their product through one shared [`ProductRef`]: a demand gets some 35 offers,
//! and one handle per offer is one count raised and lowered, where the id, bank, name and
//! the explanation's two texts as shared strings would be five. An offer's explanation is
//! worded only when it is read or written, from the product's words and the firm's figure it
//! keeps: a caller reading limits and rates never pays for it, and output writes each text
//! once, straight into the stream.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::ser::{Serialize, Serializer};

use super::conditions::{YuanText, serialize_label};
use super::gap::Gap;
use super::limit::FirmAmounts;
use super::limit::{self, Bound, BoundKind, Bounds};
use crate::evaluate::{Label, Lang};

/// A catalog product as results name it: its id, bank and name, shared by every offer and
/// near miss of the product rather than copied into each.
#[derive(Clone, PartialEq, Eq)]
pub struct ProductRef {
    pub(super) id: Arc<str>,
    pub(super) bank: Arc<str>,
    pub(super) name: Arc<str>,
    /// The product's words in the explanations of its offers' limits.
    pub(super) words: LimitWords,
}

impl ProductRef {
    /// The product id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The bank.
    pub fn bank(&self) -> &str {
        &self.bank
    }

    /// The product's name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(test)]
impl ProductRef {
    /// A product named `id` at a bank and with a name of the same, with no words to explain a
    /// limit: for tests of what reads only names.
    pub(super) fn named(id: &str) -> Arc<ProductRef> {
        let text: Arc<str> = Arc::from(id);
        let label = Label { zh: text.clone(), en: text.clone() };
        let words =
            LimitWords { cap: label, grade_caps: Vec::new(), bound_words: Default::default() };
        Arc::new(ProductRef { id: text.clone(), bank: text.clone(), name: text, words })
    }
}

impl fmt::Debug for ProductRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (id, bank, name) = (&*self.id, &*self.bank, &*self.name);
        f.debug_struct("ProductRef")
            .field("id", &id)
            .field("bank", &bank)
            .field("name", &name)
            .finish()
    }
}

/// What the explanation of an offer's limit says besides the firm's figure, worded once per
/// product when the catalog is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LimitWords {
    /// The explanation of a limit set by the product cap.
    pub cap: Label,
    /// By grade rank, the explanation of a limit set by that grade's cap; empty when the
    /// product caps no grade.
    pub grade_caps: Vec<Label>,
    /// The words (zh, en) between the limit and the firm's figure, for a limit set by each
    /// bound that is not a cap, by [`BoundKind`] order from the tax multiple
    /// ([`limit::bound_words`]).
    pub bound_words: [[Box<str>; 2]; 3],
}

/// Which words explain an offer's limit, and the figure they show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Explained {
    /// The product cap's explanation.
    ProductCap,
    /// The explanation of the cap of the grade of this rank among the catalog's grades.
    GradeCap(u32),
    /// The bound's words (the tax multiple, the sales multiple or the debt headroom: the
    /// offer's binding bound) and the firm's figure in it: tax paid, revenue or existing loans,
    /// zero when not reported.
    Figure(Decimal),
    /// Worded at once: the cap of a grade the catalog does not list, on the reference path.
    Given(Box<Label>),
}

impl Explained {
    /// How the limit set by `binding` is explained to a firm with these amounts, of grade
    /// rank `grade` (`None`: a grade the catalog does not list, worded as `grade_text`).
    pub fn of(
        binding: Bound,
        (grade, grade_text): (Option<usize>, &str),
        firm: &FirmAmounts,
    ) -> Explained {
        match binding.bound {
            BoundKind::ProductCap => Explained::ProductCap,
            BoundKind::GradeCap => match grade.and_then(|g| u32::try_from(g).ok()) {
                Some(rank) => Explained::GradeCap(rank),
                None => Explained::Given(Box::new(limit::explain_cap(binding, grade_text))),
            },
            kind => Explained::Figure(firm.shown(kind)),
        }
    }
}

/// The accessors of a result item that names its product through its `product` handle: the
/// same four for an offer and a near miss.
macro_rules! names_its_product {
    ($item:ty) => {
        impl $item {
            /// The product id.
            pub fn product(&self) -> &str {
                &self.product.id
            }

            /// The bank.
            pub fn bank(&self) -> &str {
                &self.product.bank
            }

            /// The product's name.
            pub fn name(&self) -> &str {
                &self.product.name
            }

            /// The product, as the catalog's results share it.
            pub fn product_ref(&self) -> &ProductRef {
                &self.product
            }
        }
    };
}

names_its_product!(Offer);

/// An eligible product with its estimated limit and rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub(super) product: Arc<ProductRef>,
    /// Estimated limit, yuan: the smallest of `bounds`.
    pub limit: Decimal,
    /// The bound that sets the limit.
    pub binding: BoundKind,
    /// Every bound with its value.
    pub bounds: Bounds,
    pub(super) explained: Explained,
    /// Rate, percent per year: reference rate plus the grade's spread.
    pub rate_percent: Decimal,
    /// Share of the requested amount the limit covers, 0 to 1.
    pub coverage: Decimal,
    /// Months between the requested term and the product's range (0 inside it).
    pub term_gap_months: u32,
}

impl Offer {
    /// An offer of `product` with nothing priced yet: a slot for matching to write into.
    pub(super) fn blank(product: Arc<ProductRef>) -> Offer {
        Offer {
            product,
            limit: Decimal::ZERO,
            binding: BoundKind::ProductCap,
            bounds: Bounds::new(),
            explained: Explained::ProductCap,
            rate_percent: Decimal::ZERO,
            coverage: Decimal::ZERO,
            term_gap_months: 0,
        }
    }

    /// Which bound sets the limit, and how it is computed ("估算额度 ¥500,000，受限于5 ×
    /// 近12个月纳税 ¥100,000"), in both languages: worded on each call, from `limit`,
    /// `binding` and the firm's figure the offer keeps (so an offer whose `limit` or
    /// `binding` is changed is explained as changed).
    pub fn explanation(&self) -> Label {
        let text = |lang| Arc::from(self.explanation_in(lang).to_string());
        Label { zh: text(Lang::Zh), en: text(Lang::En) }
    }

    /// The explanation in one language, worded as it is written: `to_string()` for the
    /// text, or format it into a writer without an intermediate string (width and fill are
    /// not applied).
    pub fn explanation_in(&self, lang: Lang) -> impl fmt::Display + '_ {
        ExplanationIn { offer: self, lang }
    }

    /// The texts of the explanation, the amounts of a joined one laid out once for both
    /// languages.
    fn texts(&self) -> Texts<'_> {
        let words = &self.product.words;
        let whole = match &self.explained {
            Explained::ProductCap => Some(&words.cap),
            Explained::GradeCap(rank) => {
                usize::try_from(*rank).ok().and_then(|r| words.grade_caps.get(r))
            }
            Explained::Given(label) => Some(&**label),
            Explained::Figure(figure) => {
                let slot = match self.binding {
                    BoundKind::TaxMultiple => Some(0),
                    BoundKind::SalesMultiple => Some(1),
                    BoundKind::DebtHeadroom => Some(2),
                    BoundKind::ProductCap | BoundKind::GradeCap => None,
                };
                if let Some(words) = slot.and_then(|s| words.bound_words.get(s)) {
                    let (limit, figure) = (YuanText::of(self.limit), YuanText::of(*figure));
                    return Texts::Joined { words, limit, figure };
                }
                None
            }
        };
        // Matching never leaves an offer without its words; one whose `binding` was changed
        // to a bound its figure does not explain is worded from the bound alone.
        let bound = Bound { bound: self.binding, value: self.limit };
        Texts::Whole(whole.map_or_else(|| Cow::Owned(limit::explain_cap(bound, "")), Cow::Borrowed))
    }
}

/// The texts of an offer's explanation: whole (a cap's), or the bound's words joined to the
/// limit and the firm's figure.
enum Texts<'a> {
    Whole(Cow<'a, Label>),
    Joined { words: &'a [Box<str>; 2], limit: YuanText, figure: YuanText },
}

impl Texts<'_> {
    fn in_lang(&self, lang: Lang) -> Text<'_> {
        match self {
            Texts::Whole(label) => Text::Whole(label.get(lang)),
            Texts::Joined { words: [zh, en], limit, figure } => {
                let (head, words) = match lang {
                    Lang::Zh => ("估算额度 ", zh),
                    Lang::En => ("estimated limit ", en),
                };
                Text::Joined([head, limit.as_str(), words, figure.as_str()])
            }
        }
    }
}

/// An explanation in one language: a whole text, or its pieces in order.
enum Text<'a> {
    Whole(&'a str),
    Joined([&'a str; 4]),
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Text::Whole(text) => f.write_str(text),
            Text::Joined(pieces) => pieces.iter().try_for_each(|p| f.write_str(p)),
        }
    }
}

impl Serialize for Text<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::Whole(text) => s.serialize_str(text),
            Text::Joined(_) => s.collect_str(self),
        }
    }
}

/// An offer's explanation in one language, as [`Offer::explanation_in`] gives it.
struct ExplanationIn<'a> {
    offer: &'a Offer,
    lang: Lang,
}

impl fmt::Display for ExplanationIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.offer.texts().in_lang(self.lang).fmt(f)
    }
}

/// An offer's explanation as a [`Label`] serializes: both texts, each written in place.
struct Explanation<'a>(&'a Offer);

impl Serialize for Explanation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let texts = self.0.texts();
        serialize_label(s, |lang| texts.in_lang(lang))
    }
}

impl Serialize for Offer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        #[serde(rename = "Offer")]
        struct Wire<'a> {
            product: &'a str,
            bank: &'a str,
            name: &'a str,
            #[serde(with = "crate::num::decimal")]
            limit: Decimal,
            binding: BoundKind,
            bounds: &'a Bounds,
            explanation: Explanation<'a>,
            #[serde(with = "crate::num::decimal")]
            rate_percent: Decimal,
            #[serde(with = "crate::num::decimal")]
            coverage: Decimal,
            term_gap_months: u32,
        }
        Wire {
            product: self.product(),
            bank: self.bank(),
            name: self.name(),
            limit: self.limit,
            binding: self.binding,
            bounds: &self.bounds,
            explanation: Explanation(self),
            rate_percent: self.rate_percent,
            coverage: self.coverage,
            term_gap_months: self.term_gap_months,
        }
        .serialize(s)
    }
}

/// A product the firm is in scope for but fails, with every failed condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    pub(super) product: Arc<ProductRef>,
    /// Failed conditions.
    pub failed: Vec<Gap>,
    /// Whether the improvement plan closes every failed condition.
    pub plan_makes_eligible: bool,
}

names_its_product!(NearMiss);

impl Serialize for NearMiss {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        #[serde(rename = "NearMiss")]
        struct Wire<'a> {
            product: &'a str,
            bank: &'a str,
            name: &'a str,
            failed: &'a [Gap],
            plan_makes_eligible: bool,
        }
        Wire {
            product: self.product(),
            bank: self.bank(),
            name: self.name(),
            failed: &self.failed,
            plan_makes_eligible: self.plan_makes_eligible,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::conditions::yuan;
    use proptest::prelude::*;

    /// A product whose words for each bound show `a` as its figure.
    fn product_showing(a: &str) -> Arc<ProductRef> {
        let mut named = ProductRef::named("p1");
        let kinds = [BoundKind::TaxMultiple, BoundKind::SalesMultiple, BoundKind::DebtHeadroom];
        if let Some(product) = Arc::get_mut(&mut named) {
            product.words.bound_words =
                kinds.map(|k| limit::bound_words(k, a).map(String::into_boxed_str));
        }
        named
    }

    proptest! {
        #[test]
        fn an_explanation_worded_as_written_reads_as_formatted_whole(
            kind in prop_oneof![
                Just(BoundKind::TaxMultiple), Just(BoundKind::SalesMultiple), Just(BoundKind::DebtHeadroom)
            ],
            limit in -1_000_000_000_000_i64..1_000_000_000_000, limit_scale in 0_u32..6,
            figure in 0_i64..1_000_000_000_000, figure_scale in 0_u32..6,
            a in "[0-9.¥,]{0,12}",
        ) {
            let bound = Bound { bound: kind, value: Decimal::new(limit, limit_scale) };
            let figure = Decimal::new(figure, figure_scale);
            let mut offer = Offer::blank(product_showing(&a));
            (offer.limit, offer.binding, offer.explained) = (bound.value, kind, Explained::Figure(figure));
            let (zh, en) = limit::formatted(bound, &a, &yuan(figure));
            let label = offer.explanation();
            prop_assert_eq!(&*label.zh, zh.as_str());
            prop_assert_eq!(&*label.en, en.as_str());
            prop_assert_eq!(offer.explanation_in(Lang::En).to_string(), en);
            // Written into JSON as the label is.
            let json = serde_json::to_value(&offer).unwrap();
            prop_assert_eq!(&json["explanation"], &serde_json::to_value(&label).unwrap());
        }
    }

    #[test]
    fn an_offer_and_a_near_miss_write_their_product_s_names_first() {
        let product = ProductRef::named("p1");
        let offer = Offer::blank(product.clone());
        let json = serde_json::to_string(&offer).unwrap();
        assert!(
            json.starts_with(r#"{"product":"p1","bank":"p1","name":"p1","limit":"0","#),
            "{json}"
        );
        // Every key, in this order.
        let written = [
            "product",
            "bank",
            "name",
            "limit",
            "binding",
            "bounds",
            "explanation",
            "rate_percent",
            "coverage",
            "term_gap_months",
        ];
        let mut at = 0;
        for key in written {
            let found = json.get(at..).and_then(|rest| rest.find(&format!("\"{key}\":")));
            at += found.unwrap_or_else(|| panic!("{key} after byte {at} of {json}"));
        }
        let object = serde_json::to_value(&offer).unwrap();
        assert_eq!(object.as_object().map(|o| o.len()), Some(written.len()), "{json}");
        let miss = NearMiss { product, failed: Vec::new(), plan_makes_eligible: true };
        assert_eq!(
            serde_json::to_string(&miss).unwrap(),
            r#"{"product":"p1","bank":"p1","name":"p1","failed":[],"plan_makes_eligible":true}"#
        );
        assert_eq!((miss.product(), miss.bank(), miss.name()), ("p1", "p1", "p1"));
    }

    #[test]
    fn a_grade_cap_of_a_grade_the_catalog_does_not_list_is_worded_at_once() {
        let bound = Bound { bound: BoundKind::GradeCap, value: Decimal::new(300_000, 0) };
        let e = crate::record::Enterprise::from_json(
            r#"{"uscc": "91350900587527783P", "name": "示例", "established_on": "2012-05-18"}"#,
        )
        .unwrap();
        let mut offer = Offer::blank(ProductRef::named("p1"));
        (offer.limit, offer.binding) = (bound.value, bound.bound);
        offer.explained = Explained::of(bound, (None, "AA"), &FirmAmounts::of(&e));
        assert_eq!(offer.explanation(), limit::explain_cap(bound, "AA"));
        assert_eq!(
            offer.explanation_in(Lang::En).to_string(),
            "estimated limit ¥300,000, set by the cap for credit grade AA"
        );
        // A figure's offer whose binding is changed to a cap is worded from the bound alone.
        offer.explained = Explained::Figure(Decimal::ONE);
        offer.binding = BoundKind::ProductCap;
        assert_eq!(
            offer.explanation(),
            limit::explain_cap(Bound { bound: BoundKind::ProductCap, ..bound }, "")
        );
    }
}
