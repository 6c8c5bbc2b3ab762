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
use serde::ser::{Serialize, Serializer};

use super::conditions::{ConditionId, YuanText, serialize_label};
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
/// `text`. They are worded from what the check compared, which the gap keeps: changing a
/// public field does not change them. Two gaps are equal when they keep the same (the
/// figures compared, or the words of a kind worded when found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// Which condition.
    pub condition: ConditionId,
    /// How far off, in the condition's unit (yuan, years, months, records); `None` when the
    /// condition has no numeric measure.
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
    Against { threshold: Threshold, have: Decimal, limit: Decimal },
    /// Whole years since establishment against the years required.
    Years { have: u32, need: u32 },
    /// The collateral offered against the one required.
    Collateral { have: Collateral, need: Collateral },
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

/// A condition that one of the firm's figures stay on one side of a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Threshold {
    /// The amount requested, at least the product's smallest loan.
    AmountMin,
    /// Tax paid in 12 months, at least the product's floor.
    TaxPaid12m,
    /// The estimated limit, at least the product's smallest loan.
    Limit,
    /// Existing business loans, at most the product's ceiling.
    ExistingLoans,
    /// Registered capital, at most the size limit.
    RegisteredCapital,
    /// Staff with social insurance, at most the size limit.
    Staff,
    /// Revenue in 12 months, at most the size limit.
    Revenue12m,
}

/// Which side of its limit a figure must stay on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// At least the limit.
    Floor,
    /// At most the limit.
    Ceiling,
}

impl Threshold {
    pub fn condition(self) -> ConditionId {
        match self {
            Threshold::AmountMin => ConditionId::AmountMin,
            Threshold::TaxPaid12m => ConditionId::TaxPaid12m,
            Threshold::Limit => ConditionId::Limit,
            Threshold::ExistingLoans => ConditionId::ExistingLoans,
            Threshold::RegisteredCapital => ConditionId::RegisteredCapital,
            Threshold::Staff => ConditionId::Staff,
            Threshold::Revenue12m => ConditionId::Revenue12m,
        }
    }

    pub fn side(self) -> Side {
        match self {
            Threshold::AmountMin | Threshold::TaxPaid12m | Threshold::Limit => Side::Floor,
            Threshold::ExistingLoans
            | Threshold::RegisteredCapital
            | Threshold::Staff
            | Threshold::Revenue12m => Side::Ceiling,
        }
    }

    /// Whether the figures are yuan (all but staff).
    pub fn money(self) -> bool {
        self != Threshold::Staff
    }

    /// The figure's name, zh and en.
    pub fn what(self) -> [&'static str; 2] {
        match self {
            Threshold::AmountMin => ["申请金额", "amount requested"],
            Threshold::TaxPaid12m => ["近12个月纳税", "tax paid in 12 months"],
            Threshold::Limit => ["估算额度", "estimated limit"],
            Threshold::ExistingLoans => ["现有经营贷款", "existing business loans"],
            Threshold::RegisteredCapital => ["注册资本", "registered capital"],
            Threshold::Staff => ["参保人数", "staff with social insurance"],
            Threshold::Revenue12m => ["近12个月营业收入", "revenue in 12 months"],
        }
    }
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

    /// The firm's figure `have` on the wrong side of `limit`.
    pub(super) fn against(threshold: Threshold, have: Decimal, limit: Decimal) -> Gap {
        Gap::new(threshold.condition(), Words::Against { threshold, have, limit })
    }

    /// Whole years since establishment, `have` below `need`.
    pub(super) fn years(have: u32, need: u32) -> Gap {
        Gap::new(ConditionId::YearsEstablished, Words::Years { have, need })
    }

    /// A collateral `have` weaker than `need`.
    pub(super) fn collateral(have: Collateral, need: Collateral) -> Gap {
        Gap::new(ConditionId::Collateral, Words::Collateral { have, need })
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
        if let Words::Given(given) = &self.words {
            return given.text.clone();
        }
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
        match &self.words {
            Words::Unworded => (Shown::Text(""), None),
            Words::Against { have, limit, .. } => {
                (Shown::Number(*limit), Some(Shown::Number(*have)))
            }
            Words::Years { have, need } => (Shown::Count(*need), Some(Shown::Count(*have))),
            Words::Collateral { have, need } => {
                (Shown::Text(need.as_str()), Some(Shown::Text(have.as_str())))
            }
            Words::Grade { have, need } => (Shown::Text(need), Some(Shown::Text(have))),
            Words::Given(given) => {
                (Shown::Text(&given.required), given.actual.as_deref().map(Shown::Text))
            }
        }
    }

    /// The figures of the text, laid out once for both languages: the firm's, the limit's
    /// and how far apart they are. Figures are never below zero (amounts, counts and an
    /// estimated limit), so the difference is exact.
    fn laid(&self) -> Laid<'_> {
        let figures = match self.words {
            Words::Against { threshold, have, limit } => {
                let by = match threshold.side() {
                    Side::Floor => limit.saturating_sub(have),
                    Side::Ceiling => have.saturating_sub(limit),
                };
                Some([have, limit, by].map(|v| FigureText::of(v, threshold.money())))
            }
            Words::Years { have, need } => {
                let figures = [have, need, need.saturating_sub(have)].map(Decimal::from);
                Some(figures.map(|v| FigureText::of(v, false)))
            }
            _ => None,
        };
        Laid { gap: self, figures }
    }
}

/// A gap's text with its figures (the firm's, the limit's and the shortfall) laid out.
struct Laid<'a> {
    gap: &'a Gap,
    figures: Option<[FigureText; 3]>,
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
            Words::Against { threshold, .. } => {
                let [before, after] = match (threshold.side(), zh) {
                    (Side::Floor, true) => ["，低于要求的 ", "，差 "],
                    (Side::Floor, false) => [" < ", " required: short "],
                    (Side::Ceiling, true) => ["，超过上限 ", "，超出 "],
                    (Side::Ceiling, false) => [" > ", " allowed: over by "],
                };
                let [what_zh, what_en] = threshold.what();
                &[if zh { what_zh } else { what_en }, " ", have, before, need, after, by]
            }
            Words::Years { .. } if zh => {
                &["成立 ", have, " 年，要求至少 ", need, " 年，差 ", by, " 年"]
            }
            Words::Years { .. } => {
                &[have, " whole years since establishment, ", need, " required: short ", by]
            }
            Words::Collateral { have, need } if zh => {
                &["需要担保方式：", need.name_zh(), "，企业提供：", have.name_zh()]
            }
            Words::Collateral { have, need } => {
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
enum FigureText {
    Yuan(YuanText),
    Plain(DecimalText),
}

impl FigureText {
    fn of(value: Decimal, money: bool) -> FigureText {
        if money {
            FigureText::Yuan(YuanText::of(value))
        } else {
            FigureText::Plain(DecimalText::of(value, false))
        }
    }

    fn as_str(&self) -> &str {
        match self {
            FigureText::Yuan(text) => text.as_str(),
            FigureText::Plain(text) => text.as_str(),
        }
    }
}

/// `required` or `actual`, laid out only as it is written (`required()` alone lays out no
/// `actual`).
enum Shown<'a> {
    Text(&'a str),
    Number(Decimal),
    Count(u32),
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Text(text) => f.write_str(text),
            Shown::Number(value) => f.write_str(DecimalText::of(*value, false).as_str()),
            Shown::Count(n) => write!(f, "{n}"),
        }
    }
}

impl Serialize for Shown<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Text(text) => s.serialize_str(text),
            Shown::Number(value) => s.serialize_str(DecimalText::of(*value, false).as_str()),
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
        serialize_label(s, |lang| laid.in_lang(lang))
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

    /// JSON writes what the methods word, in the order a gap has always been written, and
    /// one language worded alone is that language of both.
    fn assert_written_as_read(gap: &Gap) {
        let json = serde_json::to_value(gap).unwrap();
        let text = gap.text();
        assert_eq!(json["required"], gap.required(), "{gap:?}");
        assert_eq!(json["actual"], serde_json::json!(gap.actual()), "{gap:?}");
        assert_eq!(json["text"], serde_json::json!({"zh": &*text.zh, "en": &*text.en}));
        let line = serde_json::to_string(gap).unwrap();
        let keys = ["condition", "required", "actual", "short", "text", "closable_by_plan"];
        let at: Vec<usize> = keys.iter().map(|k| line.find(&format!("\"{k}\"")).unwrap()).collect();
        assert!(at.is_sorted(), "{line}");
        for lang in [Lang::Zh, Lang::En] {
            assert_eq!(gap.text_in(lang).to_string(), text.get(lang));
        }
    }

    #[test]
    fn each_kind_is_worded_as_it_always_was() {
        let floor = Gap::against(Threshold::TaxPaid12m, dec("15000"), dec("20000.00"))
            .measured(dec("5000.00"), dec("20000.00"));
        assert_eq!(
            floor.text().en.as_ref(),
            "tax paid in 12 months ¥15,000 < ¥20,000 required: short ¥5,000"
        );
        assert_eq!(floor.text().zh.as_ref(), "近12个月纳税 ¥15,000，低于要求的 ¥20,000，差 ¥5,000");
        assert_eq!((floor.required(), floor.actual()), ("20000".into(), Some("15000".into())));

        let loans = Gap::against(Threshold::ExistingLoans, dec("1200000.50"), dec("1000000"));
        assert_eq!(
            loans.text().en.as_ref(),
            "existing business loans ¥1,200,000.5 > ¥1,000,000 allowed: over by ¥200,000.5"
        );
        assert_eq!(
            (loans.required(), loans.actual()),
            ("1000000".into(), Some("1200000.5".into()))
        );

        let years = Gap::years(1, 3).measured(dec("2"), dec("3"));
        assert_eq!(
            years.text().en.as_ref(),
            "1 whole years since establishment, 3 required: short 2"
        );
        assert_eq!(years.text().zh.as_ref(), "成立 1 年，要求至少 3 年，差 2 年");
        assert_eq!((years.required(), years.actual()), ("3".into(), Some("1".into())));

        let collateral = Gap::collateral(Collateral::None, Collateral::Mortgage);
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
            en: Arc::from("outstanding tax arrears: 1 found, none allowed"),
        };
        let given =
            Gap::given(ConditionId::TaxArrears, "0".into(), Some("1".into()), label.clone());
        assert_eq!(given.text(), label);
        assert_eq!((given.required(), given.actual()), ("0".into(), Some("1".into())));

        let unworded = Gap::unworded(ConditionId::Grade);
        assert_eq!((unworded.required(), unworded.actual()), (String::new(), None));
        assert_eq!((unworded.text().zh.as_ref(), unworded.text().en.as_ref()), ("", ""));

        for gap in [&floor, &loans, &years, &collateral, &grade, &given, &unworded] {
            assert_written_as_read(gap);
        }
    }

    /// The bytes a gap has always been written as, for a plain-figure ceiling that the plan
    /// closes from a date.
    #[test]
    fn a_gap_is_written_as_it_always_was() {
        let mut staff = Gap::against(Threshold::Staff, Decimal::from(1200), Decimal::from(1000))
            .measured(Decimal::from(200), Decimal::from(1000));
        staff.closable_by_plan = true;
        staff.closable_from = crate::date::parse_date("2026-09-30");
        assert_eq!(
            serde_json::to_string(&staff).unwrap(),
            r#"{"condition":"staff","required":"1000","actual":"1200","short":"200","text":{"zh":"参保人数 1200，超过上限 1000，超出 200","en":"staff with social insurance 1200 > 1000 allowed: over by 200"},"closable_by_plan":true,"closable_from":"2026-09-30"}"#
        );
        let unworded = Gap::unworded(ConditionId::Grade);
        assert_eq!(
            serde_json::to_string(&unworded).unwrap(),
            r#"{"condition":"grade","required":"","actual":null,"short":null,"text":{"zh":"","en":""},"closable_by_plan":false}"#
        );
    }

    #[test]
    fn a_changed_field_does_not_change_the_words() {
        let mut gap = Gap::years(1, 3).measured(dec("2"), dec("3"));
        let words = gap.text();
        gap.short = Some(dec("5"));
        gap.closable_by_plan = true;
        assert_eq!(gap.text(), words);
        gap.short = None;
        assert_eq!(gap.text(), words);
        assert_eq!(serde_json::to_value(&gap).unwrap()["short"], serde_json::Value::Null);
    }

    #[test]
    fn a_grade_gap_shares_the_model_s_grade_text() {
        let evaluator = crate::Evaluator::default_model();
        let firm = crate::record::Enterprise::from_json(
            r#"{"uscc": "91350900587527783P", "name": "t", "established_on": "2010-01-01"}"#,
        )
        .unwrap();
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let ev = evaluator.evaluate(&firm, as_of).unwrap();
        let shared = evaluator.grade_code(&ev.grade).unwrap();
        assert!(Arc::ptr_eq(shared, &ev.grade));
        assert_eq!(evaluator.grade_code("no such grade"), None);
    }

    proptest::proptest! {
        /// A figure against its limit reads as the text formatted whole from the same
        /// figures (the wording before gaps kept their figures), in JSON as by the methods.
        #[test]
        fn a_figure_against_its_limit_reads_as_formatted_whole(
            a in 0u64..10_000_000_000, a_scale in 0u32..4,
            b in 0u64..10_000_000_000, b_scale in 0u32..4,
            threshold in proptest::sample::select(vec![
                Threshold::AmountMin, Threshold::TaxPaid12m, Threshold::Limit,
                Threshold::ExistingLoans, Threshold::RegisteredCapital, Threshold::Staff,
                Threshold::Revenue12m,
            ]),
        ) {
            let (a, b) = (Decimal::new(a as i64, a_scale), Decimal::new(b as i64, b_scale));
            proptest::prop_assume!(a != b);
            let (low, high) = (a.min(b), a.max(b));
            // A failed check: below a floor, above a ceiling.
            let (have, limit) = match threshold.side() {
                Side::Floor => (low, high),
                Side::Ceiling => (high, low),
            };
            let by = high - low;
            let gap = Gap::against(threshold, have, limit).measured(by, limit);
            let shown = |v: Decimal| if threshold.money() { yuan(v) } else { plain(v) };
            let (lt, between) = match threshold.side() {
                Side::Floor => ([" < ", " required: short "], ["，低于要求的 ", "，差 "]),
                Side::Ceiling => ([" > ", " allowed: over by "], ["，超过上限 ", "，超出 "]),
            };
            let [what_zh, what_en] = threshold.what();
            let (have, limit, by) = (shown(have), shown(limit), shown(by));
            let en = format!("{what_en} {have}{}{limit}{}{by}", lt[0], lt[1]);
            let zh = format!("{what_zh} {have}{}{limit}{}{by}", between[0], between[1]);
            let text = gap.text();
            proptest::prop_assert_eq!(text.en.as_ref(), en.as_str());
            proptest::prop_assert_eq!(text.zh.as_ref(), zh.as_str());
            proptest::prop_assert_eq!(gap.required(), plain(gap_limit(&gap)));
            assert_written_as_read(&gap);
        }
    }

    /// The limit a gap against a figure compared.
    fn gap_limit(gap: &Gap) -> Decimal {
        match gap.words {
            Words::Against { limit, .. } => limit,
            _ => Decimal::ZERO,
        }
    }
}
