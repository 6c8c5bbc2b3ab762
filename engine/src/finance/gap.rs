//! A failed condition and its gap, kept as the figures the check compared and worded when it
//! is read or written.
//!
//! Every demand reports its nearest misses, each with its gaps, and most gaps are a figure
//! against a floor or a ceiling, a credit grade, whole years or a collateral. Kept as those
//! figures, a gap allocates no text: a caller words it (`text_in` into its own buffer), and
//! output writes each text straight into the stream. The rarer kinds (records in force, the
//! last tax payment, the tax grade, graph facts, figures not reported) are worded when found.

use std::fmt;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::conditions::{ConditionId, YuanText};
use super::product::Collateral;
use crate::date::Date;
use crate::evaluate::{Label, Lang};
use crate::num::DecimalText;

/// One failed condition.
///
/// What was required, what the firm has and the gap explained are worded on each call of
/// [`required`](Gap::required), [`actual`](Gap::actual) and [`text`](Gap::text) (or
/// [`text_in`](Gap::text_in), which writes one language without a string of its own), and
/// when the gap is serialized: JSON carries them as the fields `required`, `actual` and
/// `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Which condition.
    pub condition: ConditionId,
    /// How far off, in the condition's unit (yuan, years, months, records); `None` when the
    /// condition has no numeric measure. A gap against a floor or a ceiling, and one in
    /// years, shows this figure as its shortfall.
    pub short: Option<Decimal>,
    /// Whether taking every step of the evaluation's improvement plan would close the gap.
    pub closable_by_plan: bool,
    /// The first date on which the plan's steps needed could all have taken effect.
    pub closable_from: Option<Date>,
    /// What `short` is measured against (zero when not numeric): `short / measure` orders
    /// near misses. Kept rather than divided here, since only the ranking of misses reads
    /// the ratio, not the worded gaps of the misses reported.
    pub(crate) measure: Decimal,
    words: Words,
}

/// What a gap is worded from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Words {
    /// Nothing: a gap measured only to rank the products a firm fails.
    Unworded,
    /// The firm's figure against a floor or a ceiling.
    Against { what: [&'static str; 2], side: Side, have: Decimal, limit: Decimal },
    /// Whole years since establishment against the years required.
    Years { have: u32, need: u32 },
    /// The collateral offered against the one required.
    Collateral { need: Collateral, have: Collateral },
    /// The firm's credit grade against the product's minimum.
    Grade { have: Arc<str>, need: Arc<str> },
    /// Worded when found.
    Given(Box<Given>),
}

/// A gap worded when found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Given {
    required: String,
    actual: Option<String>,
    text: Label,
}

/// Which side of its limit a figure must stay on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// At least the limit, in yuan.
    Floor,
    /// At most the limit; `money` shows the figures in yuan, else as plain numbers.
    Ceiling { money: bool },
}

impl Gap {
    fn new(condition: ConditionId, words: Words) -> Gap {
        Gap {
            condition,
            short: None,
            closable_by_plan: false,
            closable_from: None,
            measure: Decimal::ZERO,
            words,
        }
    }

    /// A gap with its measures but no words, for ranking.
    pub(super) fn unworded(condition: ConditionId) -> Gap {
        Gap::new(condition, Words::Unworded)
    }

    /// A gap worded now: `required`, `actual` and the text in both languages.
    pub(super) fn given(
        condition: ConditionId,
        required: String,
        actual: Option<String>,
        text: Label,
    ) -> Gap {
        Gap::new(condition, Words::Given(Box::new(Given { required, actual, text })))
    }

    /// The firm's figure `have` on the wrong `side` of `limit`; `what` names it in zh and
    /// en. Measure it with the shortfall it shows ([`measured`](Gap::measured)).
    pub(super) fn against(
        condition: ConditionId,
        what: [&'static str; 2],
        side: Side,
        [have, limit]: [Decimal; 2],
    ) -> Gap {
        Gap::new(condition, Words::Against { what, side, have, limit })
    }

    /// Whole years since establishment, `have` below `need`.
    pub(super) fn years(have: u32, need: u32) -> Gap {
        Gap::new(ConditionId::YearsEstablished, Words::Years { have, need })
    }

    /// A collateral `have` weaker than `need`.
    pub(super) fn collateral(need: Collateral, have: Collateral) -> Gap {
        Gap::new(ConditionId::Collateral, Words::Collateral { need, have })
    }

    /// A credit grade `have` worse than the minimum `need`.
    pub(super) fn grade(have: Arc<str>, need: Arc<str>) -> Gap {
        Gap::new(ConditionId::Grade, Words::Grade { have, need })
    }

    /// The gap with `short` in the unit of its requirement and what that is measured
    /// against, for ordering.
    pub(super) fn measured(mut self, short: Decimal, measure: Decimal) -> Gap {
        self.short = Some(short);
        self.measure = measure;
        self
    }

    /// `short` relative to what is required (1 when not numeric): orders near misses.
    pub(super) fn relative(&self) -> Decimal {
        match self.short {
            Some(short) if !self.measure.is_zero() => {
                short.checked_div(self.measure).unwrap_or(Decimal::ONE)
            }
            _ => Decimal::ONE,
        }
    }

    /// What the product requires, as text (`20000`, `A`, `A|B`, `mortgage`).
    pub fn required(&self) -> String {
        self.shown().0.to_string()
    }

    /// What the firm has, as text; `None` when it does not report the value (unknown never
    /// passes).
    pub fn actual(&self) -> Option<String> {
        self.shown().1.map(|a| a.to_string())
    }

    /// The gap explained in both languages ("tax paid in 12 months ¥15,000 < ¥20,000
    /// required: short ¥5,000").
    pub fn text(&self) -> Label {
        let laid = self.laid();
        let text = |lang| Arc::from(laid.in_lang(lang).to_string());
        Label { zh: text(Lang::Zh), en: text(Lang::En) }
    }

    /// The gap explained in one language, worded as it is written: `to_string()` for the
    /// text, or format it into a buffer or writer of the caller's (width and fill are not
    /// applied).
    pub fn text_in(&self, lang: Lang) -> impl fmt::Display + '_ {
        TextIn { gap: self, lang }
    }

    /// `required` and `actual` as they are written.
    fn shown(&self) -> (Shown<'_>, Option<Shown<'_>>) {
        let number = |v: Decimal| Shown::Number(DecimalText::of(v, false));
        match &self.words {
            Words::Unworded => (Shown::Text(""), None),
            Words::Against { have, limit, .. } => (number(*limit), Some(number(*have))),
            Words::Years { have, need } => (Shown::Count(*need), Some(Shown::Count(*have))),
            Words::Collateral { need, have } => {
                (Shown::Text(need.as_str()), Some(Shown::Text(have.as_str())))
            }
            Words::Grade { have, need } => (Shown::Text(need), Some(Shown::Text(have))),
            Words::Given(given) => {
                (Shown::Text(&given.required), given.actual.as_deref().map(Shown::Text))
            }
        }
    }

    /// The shortfall a gap against a limit or in years shows: `short`, or when a caller has
    /// cleared it, the difference of the figures compared.
    fn shortfall(&self, computed: impl FnOnce() -> Decimal) -> Decimal {
        self.short.unwrap_or_else(computed)
    }

    /// The figures of the text, laid out once for both languages.
    fn laid(&self) -> Laid<'_> {
        let figures = match self.words {
            Words::Against { side, have, limit, .. } => {
                let money = !matches!(side, Side::Ceiling { money: false });
                let by = self.shortfall(|| {
                    match side {
                        Side::Floor => limit.checked_sub(have),
                        Side::Ceiling { .. } => have.checked_sub(limit),
                    }
                    .unwrap_or_default()
                });
                Some([have, limit, by].map(|v| Figure::of(v, money)))
            }
            Words::Years { have, need } => {
                let by = self.shortfall(|| Decimal::from(need.saturating_sub(have)));
                Some([Decimal::from(have), Decimal::from(need), by].map(|v| Figure::of(v, false)))
            }
            _ => None,
        };
        Laid { gap: self, figures }
    }
}

/// A gap's text with its figures (the firm's, the limit's and the shortfall) laid out.
struct Laid<'a> {
    gap: &'a Gap,
    figures: Option<[Figure; 3]>,
}

impl Laid<'_> {
    /// Writes the text in `lang`, piece by piece rather than through a format string, whose
    /// arguments would each be padded.
    fn write(&self, lang: Lang, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zh = lang == Lang::Zh;
        let [have, need, by] = match &self.figures {
            Some([have, need, by]) => [have.as_str(), need.as_str(), by.as_str()],
            None => [""; 3],
        };
        let pieces: &[&str] = match &self.gap.words {
            Words::Unworded => &[],
            Words::Given(given) => &[given.text.get(lang)],
            Words::Against { what, side, .. } => {
                let [before, after] = match (side, zh) {
                    (Side::Floor, true) => ["，低于要求的 ", "，差 "],
                    (Side::Floor, false) => [" < ", " required: short "],
                    (Side::Ceiling { .. }, true) => ["，超过上限 ", "，超出 "],
                    (Side::Ceiling { .. }, false) => [" > ", " allowed: over by "],
                };
                &[what[usize::from(!zh)], " ", have, before, need, after, by]
            }
            Words::Years { .. } if zh => {
                &["成立 ", have, " 年，要求至少 ", need, " 年，差 ", by, " 年"]
            }
            Words::Years { .. } => {
                &[have, " whole years since establishment, ", need, " required: short ", by]
            }
            Words::Collateral { need, have } if zh => {
                &["需要担保方式：", need.name_zh(), "，企业提供：", have.name_zh()]
            }
            Words::Collateral { need, have } => {
                &["collateral ", need.as_str(), " required, ", have.as_str(), " offered"]
            }
            Words::Grade { have, need } if zh => &["信用等级 ", have, "，要求 ", need, " 或更好"],
            Words::Grade { have, need } => {
                &["credit grade ", have, ", ", need, " or better required"]
            }
        };
        pieces.iter().try_for_each(|piece| f.write_str(piece))
    }

    /// The text in `lang`, as it is written.
    fn in_lang(&self, lang: Lang) -> LaidIn<'_> {
        LaidIn { laid: self, lang }
    }
}

/// A gap's text in one language, its figures laid out.
struct LaidIn<'a> {
    laid: &'a Laid<'a>,
    lang: Lang,
}

impl fmt::Display for LaidIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.laid.write(self.lang, f)
    }
}

impl Serialize for LaidIn<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.laid.gap.words {
            Words::Unworded => s.serialize_str(""),
            Words::Given(given) => s.serialize_str(given.text.get(self.lang)),
            _ => s.collect_str(self),
        }
    }
}

/// A figure in a gap's text: in yuan, or plain.
enum Figure {
    Yuan(YuanText),
    Plain(DecimalText),
}

impl Figure {
    fn of(value: Decimal, money: bool) -> Figure {
        if money {
            Figure::Yuan(YuanText::of(value))
        } else {
            Figure::Plain(DecimalText::of(value, false))
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Figure::Yuan(text) => text.as_str(),
            Figure::Plain(text) => text.as_str(),
        }
    }
}

/// `required` or `actual` as it is written.
enum Shown<'a> {
    Text(&'a str),
    Number(DecimalText),
    Count(u32),
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Text(text) => f.write_str(text),
            Shown::Number(text) => f.write_str(text.as_str()),
            Shown::Count(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Text(text) => s.serialize_str(text),
            Shown::Number(text) => s.serialize_str(text.as_str()),
            Shown::Count(_) => s.collect_str(self),
        }
    }
}

/// A gap's text in one language, as [`Gap::text_in`] gives it.
struct TextIn<'a> {
    gap: &'a Gap,
    lang: Lang,
}

impl fmt::Display for TextIn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.gap.laid().in_lang(self.lang).fmt(f)
    }
}

/// A gap's text as a [`Label`] serializes: both languages, each written in place from
/// figures laid out once.
struct TextLabel<'a>(&'a Gap);

impl Serialize for TextLabel<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let laid = self.0.laid();
        let mut label = s.serialize_struct("Label", 2)?;
        label.serialize_field("zh", &laid.in_lang(Lang::Zh))?;
        label.serialize_field("en", &laid.in_lang(Lang::En))?;
        label.end()
    }
}

impl Serialize for Gap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        #[serde(rename = "Gap")]
        struct Wire<'a> {
            condition: ConditionId,
            required: Shown<'a>,
            actual: Option<Shown<'a>>,
            #[serde(with = "crate::num::opt_decimal")]
            short: Option<Decimal>,
            text: TextLabel<'a>,
            closable_by_plan: bool,
            #[serde(with = "crate::date::opt_iso", skip_serializing_if = "Option::is_none")]
            closable_from: Option<Date>,
        }
        let (required, actual) = self.shown();
        Wire {
            condition: self.condition,
            required,
            actual,
            short: self.short,
            text: TextLabel(self),
            closable_by_plan: self.closable_by_plan,
            closable_from: self.closable_from,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finance::conditions::{plain, yuan};

    fn dec(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    /// The gap as JSON, and its texts and figures as the methods give them.
    fn written(gap: &Gap) -> (serde_json::Value, serde_json::Value) {
        let json = serde_json::to_value(gap).unwrap();
        let text = gap.text();
        let read = serde_json::json!({
            "required": gap.required(),
            "actual": gap.actual(),
            "text": {"zh": &*text.zh, "en": &*text.en},
        });
        (json, read)
    }

    /// JSON writes what the methods word, in the order a gap has always been written.
    fn assert_written_as_read(gap: &Gap) {
        let (json, read) = written(gap);
        for key in ["required", "actual", "text"] {
            assert_eq!(json[key], read[key], "{key} of {gap:?}");
        }
        let line = serde_json::to_string(gap).unwrap();
        let keys = ["condition", "required", "actual", "short", "text", "closable_by_plan"];
        let at: Vec<usize> = keys.iter().map(|k| line.find(&format!("\"{k}\"")).unwrap()).collect();
        assert!(at.is_sorted(), "{line}");
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(gap.text_in(lang).to_string(), gap.text().get(lang));
        }
    }

    #[test]
    fn each_kind_is_worded_as_it_always_was() {
        let floor = Gap::against(
            ConditionId::TaxPaid12m,
            ["近12个月纳税", "tax paid in 12 months"],
            Side::Floor,
            [dec("15000"), dec("20000.00")],
        )
        .measured(dec("5000.00"), dec("20000.00"));
        assert_eq!(
            floor.text().en.as_ref(),
            "tax paid in 12 months ¥15,000 < ¥20,000 required: short ¥5,000"
        );
        assert_eq!(floor.text().zh.as_ref(), "近12个月纳税 ¥15,000，低于要求的 ¥20,000，差 ¥5,000");
        assert_eq!((floor.required(), floor.actual()), ("20000".into(), Some("15000".into())));

        let staff = Gap::against(
            ConditionId::Staff,
            ["参保人数", "staff with social insurance"],
            Side::Ceiling { money: false },
            [dec("1200"), dec("1000")],
        )
        .measured(dec("200"), dec("1000"));
        assert_eq!(
            staff.text().en.as_ref(),
            "staff with social insurance 1200 > 1000 allowed: over by 200"
        );
        assert_eq!(staff.text().zh.as_ref(), "参保人数 1200，超过上限 1000，超出 200");

        let years = Gap::years(1, 3).measured(dec("2"), dec("3"));
        assert_eq!(
            years.text().en.as_ref(),
            "1 whole years since establishment, 3 required: short 2"
        );
        assert_eq!(years.text().zh.as_ref(), "成立 1 年，要求至少 3 年，差 2 年");
        assert_eq!((years.required(), years.actual()), ("3".into(), Some("1".into())));

        let collateral = Gap::collateral(Collateral::Mortgage, Collateral::None);
        assert_eq!(collateral.text().en.as_ref(), "collateral mortgage required, none offered");
        assert_eq!(collateral.text().zh.as_ref(), "需要担保方式：抵押，企业提供：信用（无担保）");
        assert_eq!(
            (collateral.required(), collateral.actual()),
            ("mortgage".into(), Some("none".into()))
        );

        let grade = Gap::grade(Arc::from("C"), Arc::from("B"));
        assert_eq!(grade.text().en.as_ref(), "credit grade C, B or better required");
        assert_eq!(grade.text().zh.as_ref(), "信用等级 C，要求 B 或更好");
        assert_eq!((grade.required(), grade.actual()), ("B".into(), Some("C".into())));

        let label = Label {
            zh: Arc::from("欠税 1 条，要求无"),
            en: Arc::from("tax arrears: 1 found, none allowed"),
        };
        let given =
            Gap::given(ConditionId::TaxArrears, "0".into(), Some("1".into()), label.clone());
        assert_eq!(given.text(), label);

        let unworded = Gap::unworded(ConditionId::Grade);
        assert_eq!((unworded.required(), unworded.actual()), (String::new(), None));
        assert_eq!(unworded.text().en.as_ref(), "");

        for gap in [&floor, &staff, &years, &collateral, &grade, &given, &unworded] {
            assert_written_as_read(gap);
        }
    }

    #[test]
    fn a_changed_shortfall_is_worded_as_changed() {
        let mut gap = Gap::years(1, 3).measured(dec("2"), dec("3"));
        gap.short = Some(dec("5"));
        assert!(gap.text().en.ends_with("short 5"), "{}", gap.text().en);
        // Cleared, the shortfall is the difference of the figures compared.
        gap.short = None;
        assert!(gap.text().en.ends_with("short 2"), "{}", gap.text().en);
        let what = ["近12个月营业收入", "revenue in 12 months"];
        let figures = [dec("1200000"), dec("1000000")];
        let mut over =
            Gap::against(ConditionId::Revenue12m, what, Side::Ceiling { money: true }, figures);
        assert!(over.text().en.ends_with("over by ¥200,000"), "{}", over.text().en);
        over.short = Some(dec("1"));
        assert!(over.text().zh.ends_with("超出 ¥1"), "{}", over.text().zh);
    }

    proptest::proptest! {
        /// A figure against a limit reads as the text formatted whole from the same figures
        /// (the wording before gaps kept their figures), in JSON as by the methods.
        #[test]
        fn a_figure_against_its_limit_reads_as_formatted_whole(
            have in 0u64..10_000_000_000, have_scale in 0u32..4,
            limit in 0u64..10_000_000_000, limit_scale in 0u32..4,
            ceiling in proptest::bool::ANY, money in proptest::bool::ANY,
        ) {
            let have = Decimal::new(i64::try_from(have).unwrap(), have_scale);
            let limit = Decimal::new(i64::try_from(limit).unwrap(), limit_scale);
            let (side, by) = if ceiling {
                (Side::Ceiling { money }, have - limit)
            } else {
                (Side::Floor, limit - have)
            };
            let shown = |v: Decimal| if money || !ceiling { yuan(v) } else { plain(v) };
            let what = ["现有经营贷款", "existing business loans"];
            let gap = Gap::against(ConditionId::ExistingLoans, what, side, [have, limit])
                .measured(by, limit);
            let (lt, between) = if ceiling {
                ([" > ", " allowed: over by "], ["，超过上限 ", "，超出 "])
            } else {
                ([" < ", " required: short "], ["，低于要求的 ", "，差 "])
            };
            let en = format!("{} {}{}{}{}{}", what[1], shown(have), lt[0], shown(limit), lt[1], shown(by));
            let zh = format!("{} {}{}{}{}{}", what[0], shown(have), between[0], shown(limit), between[1], shown(by));
            let text = gap.text();
            proptest::prop_assert_eq!(text.en.as_ref(), en.as_str());
            proptest::prop_assert_eq!(text.zh.as_ref(), zh.as_str());
            proptest::prop_assert_eq!(gap.required(), plain(limit));
            proptest::prop_assert_eq!(gap.actual(), Some(plain(have)));
            let (json, read) = written(&gap);
            proptest::prop_assert_eq!(&json["text"], &read["text"]);
            proptest::prop_assert_eq!(&json["required"], &read["required"]);
        }
    }
}
