//! Eligibility conditions checked one by one, every failure with its [`Gap`]: what was
//! required, what the firm has, how far it is off, and whether the improvement plan could
//! close it.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use super::demand::Demand;
use super::gap::{Gap, Side, Threshold};
use super::graph_facts::{self, GraphFacts};
use super::product::Product;
use crate::date::{Date, whole_months, whole_years};
use crate::decay::DecayRules;
use crate::evaluate::{Evaluation, Evaluator, Label, Lang};
use crate::num::DecimalText;
use crate::record::{ArrearsKind, ListKind, Ratings, RecordDetail, TaxGrade};

/// Which condition failed; stable snake_case ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionId {
    /// The amount requested is below the product's smallest loan.
    AmountMin,
    /// The collateral offered is weaker than the product requires.
    Collateral,
    /// The credit grade of the evaluation is worse than the product's minimum.
    Grade,
    /// The latest tax grade is not among those admitted.
    TaxGrade,
    /// Too few years since establishment.
    YearsEstablished,
    /// Too little tax paid in the last 12 months.
    #[serde(rename = "tax_paid_12m")]
    TaxPaid12m,
    /// No tax payment recently enough.
    RecentTaxPayment,
    /// Outstanding tax arrears.
    TaxArrears,
    /// An active entry on a serious-dishonesty list.
    DishonestListing,
    /// Too many outstanding business loans.
    ExistingLoans,
    /// Registered capital above the size limit.
    RegisteredCapital,
    /// Staff above the size limit.
    Staff,
    /// Revenue above the size limit.
    #[serde(rename = "revenue_12m")]
    Revenue12m,
    /// In a guarantee circle larger than the product allows.
    GuaranteeCircle,
    /// The guarantor named is closely linked to the firm.
    GuarantorCloseLink,
    /// The estimated limit is below the product's smallest loan.
    Limit,
}

/// What the checks read besides the product.
pub(super) struct Firm<'a> {
    pub demand: &'a Demand,
    pub evaluation: &'a Evaluation,
    /// The evaluator of `evaluation`: it tells when part of the plan reaches a grade.
    pub evaluator: &'a Evaluator,
    pub as_of: Date,
    /// Model grades, best first.
    pub grades: &'a [String],
    /// Relationship-graph facts, from the matcher's graph or the demand.
    pub facts: GraphFacts,
    /// Whether the gaps that cost words when found are worded (the rarer kinds, the grade
    /// with its shared texts, the date the plan closes a grade gap) or only measured. The
    /// others keep their figures either way and are worded when read.
    pub explain: bool,
}

/// The grade whose cap the limit condition reads: the firm's grade, unless the firm fails
/// the product's minimum grade and the improvement plan's grade meets it. The plan's grade is
/// then the grade the firm would apply with: its cap, not the cap of a grade the product does
/// not admit (zero, for a product that caps each admitted grade), tells whether the limit
/// would reach the smallest loan, so that the grade gap alone says what keeps the product out
/// and whether the plan closes it.
pub(super) fn limit_grade<'a>(product: &Product, firm: &Firm<'a>) -> &'a str {
    let ev = firm.evaluation;
    let rank = |g: &str| firm.grades.iter().position(|x| x == g);
    if let Some(need) = product.conditions.min_grade.as_deref().and_then(rank) {
        let fails = rank(&ev.grade).is_none_or(|h| h > need);
        if fails && rank(&ev.plan.grade_after).is_some_and(|h| h <= need) {
            return &ev.plan.grade_after;
        }
    }
    &ev.grade
}

/// Writes yuan with thousands separators: `¥1,250,000.5`.
pub fn yuan(value: Decimal) -> String {
    YuanText::of(value).as_str().to_owned()
}

/// [`yuan`]'s text without a string of its own for an amount not below zero (every amount
/// in practice): an offer's explanation and a gap's text are worded straight into the output
/// they are written to.
pub(super) enum YuanText {
    Laid(DecimalText),
    /// Below zero, as [`yuan`] has always grouped it.
    Signed(String),
}

impl YuanText {
    pub fn of(value: Decimal) -> YuanText {
        if value.is_sign_negative() && !value.is_zero() {
            let mut text = String::new();
            push_yuan_signed(&mut text, value);
            return YuanText::Signed(text);
        }
        YuanText::Laid(DecimalText::of(value, true).prefixed("¥"))
    }

    pub fn as_str(&self) -> &str {
        match self {
            YuanText::Laid(text) => text.as_str(),
            YuanText::Signed(text) => text,
        }
    }
}

/// The text of `value.normalize().to_string()` (`20000`, `1.5`), read from the mantissa as
/// [`yuan`] is: a gap's requirement not reported is worded with it.
pub(super) fn plain(value: Decimal) -> String {
    DecimalText::of(value, false).as_str().to_owned()
}

/// [`yuan`] of a value below zero: no figure in matching is, and the text keeps the grouping
/// it always had.
fn push_yuan_signed(out: &mut String, value: Decimal) {
    let text = value.normalize().to_string();
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    // The integer part is ASCII (a sign and digits), so bytes are characters.
    let digits = int.as_bytes();
    out.push('¥');
    for (i, &c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) && c.is_ascii_digit() {
            out.push(',');
        }
        out.push(char::from(c));
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
}

pub(super) fn label(zh: String, en: String) -> Label {
    Label { zh: Arc::from(zh), en: Arc::from(en) }
}

/// Writes two texts as a [`Label`] serializes, each `text(lang)` written in place: how an
/// offer's explanation and a gap's text reach the output without strings of their own.
pub(super) fn serialize_label<S: serde::Serializer, T: Serialize>(
    s: S,
    text: impl Fn(Lang) -> T,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut label = s.serialize_struct("Label", 2)?;
    label.serialize_field("zh", &text(Lang::Zh))?;
    label.serialize_field("en", &text(Lang::En))?;
    label.end()
}

/// A gap whose words (`required`, `actual`, the zh and en texts) are written only when
/// `explain` holds, for the kinds worded when found: a batch words the few near misses it
/// reports, not every product a firm fails.
macro_rules! worded {
    ($explain:expr, $id:expr, $required:expr, $actual:expr, $zh:expr, $en:expr $(,)?) => {
        if $explain {
            $crate::finance::gap::Gap::given(
                $id,
                $required,
                $actual,
                $crate::finance::conditions::label($zh, $en),
            )
        } else {
            $crate::finance::gap::Gap::unworded($id)
        }
    };
}
pub(super) use worded;

/// A figure the firm must keep on one side of `limit` ([`Threshold`]). A figure not
/// reported fails, worded when `explain` holds; one reported keeps its figures, which word it
/// when read.
fn check_figure(
    explain: bool,
    threshold: Threshold,
    limit: Decimal,
    actual: Option<Decimal>,
) -> Option<Gap> {
    let id = threshold.condition();
    let Some(have) = actual else {
        return Some(unknown(explain, id, threshold.what(), || {
            let shown = if threshold.money() { yuan(limit) } else { plain(limit) };
            let need = match threshold.side() {
                Side::Floor => [format!("至少 {shown}"), format!("{shown} required")],
                Side::Ceiling => [format!("不超过 {shown}"), format!("at most {shown}")],
            };
            (plain(limit), need)
        }));
    };
    let by = match threshold.side() {
        Side::Floor if have < limit => limit - have,
        Side::Ceiling if have > limit => have - limit,
        _ => return None,
    };
    Some(Gap::against(threshold, have, limit).measured(by, limit))
}

/// A condition on a figure the firm did not report; `words` gives the requirement as
/// `required` and in Chinese and English.
fn unknown(
    explain: bool,
    id: ConditionId,
    [zh, en]: [&str; 2],
    words: impl FnOnce() -> (String, [String; 2]),
) -> Gap {
    if !explain {
        return Gap::unworded(id);
    }
    let (required, [need_zh, need_en]) = words();
    let text =
        label(format!("{zh}未报送（要求：{need_zh}）"), format!("{en} not reported ({need_en})"));
    Gap::given(id, required, None, text)
}

/// Every failed condition of `product` for the firm, in [`ConditionId`] order, appended to
/// `gaps`: a batch reuses one list for every candidate, and one per near miss reported.
pub(super) fn check_into(product: &Product, firm: &Firm<'_>, gaps: &mut Vec<Gap>) {
    let d = firm.demand;
    let e = &d.enterprise;
    let c = &product.conditions;
    let x = firm.explain;
    let requested = Some(d.amount.value());
    gaps.extend(check_figure(x, Threshold::AmountMin, product.amount.min.value(), requested));
    if d.collateral < product.collateral {
        gaps.push(Gap::collateral(d.collateral, product.collateral));
    }
    if let Some(g) = grade(c.min_grade.as_deref(), firm) {
        gaps.push(g);
    }
    if let Some(admitted) = &c.tax_grades {
        let in_force = e.ratings.tax_grade_on(firm.as_of).map(|(_, g)| g);
        if !in_force.is_some_and(|g| admitted.contains(&g)) {
            gaps.push(tax_grade(x, admitted, &e.ratings, firm.as_of));
        }
    }
    if let Some(years) = c.min_years_established {
        let have = whole_years(e.established_on, firm.as_of);
        if have < years {
            let g = Gap::years(have, years);
            gaps.push(g.measured(Decimal::from(years - have), Decimal::from(years)));
        }
    }
    let f = &e.finance;
    let value = |a: Option<crate::num::Amount>| a.map(|a| a.value());
    if let Some(min) = c.min_tax_paid_12m {
        gaps.extend(check_figure(x, Threshold::TaxPaid12m, min.value(), value(f.tax_paid_12m)));
    }
    if let Some(months) = c.tax_payment_within_months {
        gaps.extend(recent_payment(x, months, f.last_tax_payment_on, firm.as_of));
    }
    if c.no_tax_arrears {
        gaps.extend(records(
            ConditionId::TaxArrears,
            firm,
            |r| owes_tax(r, firm.as_of),
            ["欠税", "outstanding tax arrears"],
        ));
    }
    if c.no_dishonest_listing {
        gaps.extend(records(
            ConditionId::DishonestListing,
            firm,
            |r| dishonest_listing(r, &firm.evaluator.model().decay, firm.as_of),
            ["严重失信名单在列", "active serious-dishonesty listing"],
        ));
    }
    if let Some(max) = c.max_existing_loans {
        gaps.extend(check_figure(
            x,
            Threshold::ExistingLoans,
            max.value(),
            value(f.existing_loans),
        ));
    }
    if let Some(max) = c.max_registered_capital {
        gaps.extend(check_figure(
            x,
            Threshold::RegisteredCapital,
            max.value(),
            value(e.registered_capital),
        ));
    }
    if let Some(max) = c.max_staff {
        gaps.extend(check_figure(
            x,
            Threshold::Staff,
            Decimal::from(max),
            f.social_insurance_headcount.map(Decimal::from),
        ));
    }
    if let Some(max) = c.max_revenue_12m {
        gaps.extend(check_figure(x, Threshold::Revenue12m, max.value(), value(f.revenue_12m)));
    }
    gaps.extend(graph_facts::check(product, firm));
}

/// Whether a record is tax arrears still unpaid on `as_of`.
pub(super) fn owes_tax(r: &RecordDetail, as_of: Date) -> bool {
    matches!(r, RecordDetail::Arrears(a) if a.arrears == ArrearsKind::Tax && a.paid_on.is_none_or(|p| p > as_of))
}

/// Whether a record is an entry on a serious-dishonesty list in force on `as_of`, as the
/// model's `decay` has the evaluation count it (listed, neither removed nor past its list's
/// term; a residual after either is not in force).
pub(super) fn dishonest_listing(r: &RecordDetail, decay: &DecayRules, as_of: Date) -> bool {
    let serious = matches!(r, RecordDetail::Listing(l) if matches!(l.list, ListKind::DishonestDebtor | ListKind::SeriousViolation | ListKind::MajorTaxViolation));
    serious && decay.standing(r, as_of).in_force
}

/// The limit condition, checked once the limit is known.
pub(super) fn limit_gap(product: &Product, limit: Decimal) -> Option<Gap> {
    // A figure always known: `explain` does not apply.
    check_figure(false, Threshold::Limit, product.amount.min.value(), Some(limit))
}

/// The gap of a firm whose tax grade in force on `as_of` is not `admitted`. A firm whose
/// latest grade is too old to be in force is told which grade that is.
fn tax_grade(explain: bool, admitted: &[TaxGrade], ratings: &Ratings, as_of: Date) -> Gap {
    if !explain {
        return Gap::unworded(ConditionId::TaxGrade);
    }
    let need: Vec<&str> = admitted.iter().map(|g| g.as_str()).collect();
    let need = need.join("|");
    let Some((_, have)) = ratings.tax_grade_on(as_of) else {
        if let Some((year, old)) = ratings.latest_tax_grade() {
            let text = label(
                format!("纳税信用等级无有效评价（最近为 {year} 年度 {old}），要求 {need}"),
                format!("no tax grade in force (latest: {old} for {year}), {need} required"),
            );
            return Gap::given(ConditionId::TaxGrade, need, None, text);
        }
        // No grade given: worded as every unreported figure is.
        let words = || (need.clone(), [need.clone(), format!("{need} required")]);
        return unknown(true, ConditionId::TaxGrade, ["纳税信用等级", "tax grade"], words);
    };
    let text = label(
        format!("纳税信用等级 {have}，要求 {need}"),
        format!("tax grade {have}, {need} required"),
    );
    Gap::given(ConditionId::TaxGrade, need, Some(have.as_str().to_owned()), text)
}

fn grade(min: Option<&str>, firm: &Firm<'_>) -> Option<Gap> {
    let min = min?;
    let rank = |g: &str| firm.grades.iter().position(|x| x == g);
    let need = rank(min)?;
    let ev = firm.evaluation;
    let have = rank(&ev.grade);
    if have.is_some_and(|h| h <= need) {
        return None;
    }
    let mut g = if firm.explain {
        // The minimum as the model's evaluations share it; a catalog read against another
        // model's grades has its own text.
        let shared = firm.evaluator.grade_code(min).cloned();
        Gap::grade(ev.grade.clone(), shared.unwrap_or_else(|| Arc::from(min)))
    } else {
        Gap::unworded(ConditionId::Grade)
    };
    if let Some(h) = have {
        g = g.measured(Decimal::from(h - need), Decimal::from(firm.grades.len().max(1)));
    }
    if rank(&ev.plan.grade_after).is_some_and(|h| h <= need) {
        g.closable_by_plan = true;
        if firm.explain {
            g.closable_from =
                grade_reached_on(firm, &|grade| rank(grade).is_some_and(|h| h <= need));
        }
    }
    Some(g)
}

/// The first date on which the plan's steps possible by then reach a grade that `meets`:
/// steps are taken in the order of their dates, all those of one date together, and the grade
/// after them computed as the plan computes its own. The whole plan reaches it (the caller
/// knows), so the last date is the latest answer; a plan whose steps share one date needs no
/// count again.
fn grade_reached_on(firm: &Firm<'_>, meets: &dyn Fn(&str) -> bool) -> Option<Date> {
    let steps = &firm.evaluation.plan.steps;
    let mut dates: Vec<Date> = steps.iter().map(|s| s.possible_from).collect();
    dates.sort_unstable();
    dates.dedup();
    let last = dates.pop()?;
    let e = &firm.demand.enterprise;
    let mut taken = vec![false; e.records.len()];
    for date in dates {
        for step in steps.iter().filter(|s| s.possible_from == date) {
            if let Some(flag) = taken.get_mut(step.record as usize) {
                *flag = true;
            }
        }
        // The grade was reached on this evaluation, so the same count cannot fail.
        let grade = firm.evaluator.grade_without(e, firm.as_of, &taken).ok()?;
        if meets(&grade) {
            return Some(date);
        }
    }
    Some(last)
}

fn recent_payment(explain: bool, months: u32, last: Option<Date>, as_of: Date) -> Option<Gap> {
    let need = || format!("within {months} months");
    let Some(last) = last else {
        return Some(unknown(
            explain,
            ConditionId::RecentTaxPayment,
            ["最近纳税日期", "date of the last tax payment"],
            || (need(), [format!("{months} 个月内"), need()]),
        ));
    };
    let since = whole_months(last, as_of);
    if since < months {
        return None;
    }
    let over = since + 1 - months;
    let g = worded!(
        explain,
        ConditionId::RecentTaxPayment,
        need(),
        Some(last.to_string()),
        format!("最近一次纳税在 {since} 个月前（{last}），要求 {months} 个月内"),
        format!(
            "last tax payment {since} months ago ({last}), one within {months} months required"
        ),
    );
    Some(g.measured(Decimal::from(over), Decimal::from(months)))
}

/// A condition that no record of a kind be in force: closable when the plan removes them all.
fn records(
    id: ConditionId,
    firm: &Firm<'_>,
    hit: impl Fn(&RecordDetail) -> bool,
    [zh, en]: [&str; 2],
) -> Option<Gap> {
    let found: Vec<u32> = (firm.demand.enterprise.records.iter().enumerate())
        .filter(|(_, r)| hit(&r.detail))
        .map(|(i, _)| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();
    if found.is_empty() {
        return None;
    }
    let n = found.len();
    let g = worded!(
        firm.explain,
        id,
        "0".to_owned(),
        Some(n.to_string()),
        format!("{zh} {n} 条，要求无"),
        format!("{en}: {n} found, none allowed"),
    );
    let mut g = g.measured(Decimal::from(n), Decimal::ONE);
    let steps = &firm.evaluation.plan.steps;
    let dates: Option<Vec<Date>> = found
        .iter()
        .map(|r| steps.iter().find(|s| s.record == *r).map(|s| s.possible_from))
        .collect();
    if let Some(dates) = dates {
        g.closable_by_plan = true;
        g.closable_from = dates.into_iter().max();
    }
    Some(g)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_groups_thousands_and_keeps_fractions() {
        let y = |t: &str| yuan(t.parse().unwrap());
        assert_eq!(y("0"), "¥0");
        assert_eq!(y("999"), "¥999");
        assert_eq!(y("1000"), "¥1,000");
        assert_eq!(y("15000.00"), "¥15,000");
        assert_eq!(y("1250000.5"), "¥1,250,000.5");
        assert_eq!(y("123456789"), "¥123,456,789");
        assert_eq!(y("0.05"), "¥0.05");
        assert_eq!(y("-0.00"), "¥0");
        assert_eq!(y("1234.5600"), "¥1,234.56");
        assert_eq!(y("79228162514264337593543950335"), "¥79,228,162,514,264,337,593,543,950,335");
        assert_eq!(y("0.0000000000000000000000000001"), "¥0.0000000000000000000000000001");
    }

    /// The text as the decimal's own formatting gives it, grouped (the path negative values
    /// take): what [`yuan`] reads from the mantissa instead.
    fn yuan_from_display(value: Decimal) -> String {
        let mut out = String::new();
        push_yuan_signed(&mut out, value);
        out
    }

    proptest::prop_compose! {
        /// Any decimal, and half the time a short one (at most ten digits, scale below 9),
        /// with the short one's digits as `small`.
        fn a_decimal()(
            lo in proptest::num::u32::ANY, mid in proptest::num::u32::ANY,
            hi in proptest::num::u32::ANY, negative in proptest::bool::ANY, scale in 0u32..=28,
            small in 0u64..10_000_000_000, short in proptest::bool::ANY,
        ) -> (Decimal, u64) {
            let value = if short {
                Decimal::from_i128_with_scale(i128::from(small), scale % 9)
            } else {
                Decimal::from_parts(lo, mid, hi, negative, scale)
            };
            (value, small)
        }
    }

    proptest::proptest! {
        #[test]
        fn yuan_reads_the_mantissa_as_the_display_does((value, _) in a_decimal()) {
            proptest::prop_assert_eq!(yuan(value), yuan_from_display(value));
            proptest::prop_assert_eq!(plain(value), value.normalize().to_string());
            // Laid out in place, as an offer's explanation writes it.
            let laid = YuanText::of(value);
            proptest::prop_assert_eq!(laid.as_str(), yuan(value));
        }
    }

    #[test]
    fn unreported_figures_are_explained_in_each_language_alone() {
        use crate::evaluate::Lang;
        let cap: Decimal = "5000000".parse().unwrap();
        let gap = check_figure(true, Threshold::ExistingLoans, cap, None).unwrap();
        assert_eq!(gap.text().get(Lang::Zh), "现有经营贷款未报送（要求：不超过 ¥5,000,000）");
        assert_eq!(
            gap.text().get(Lang::En),
            "existing business loans not reported (at most ¥5,000,000)"
        );
        assert_eq!((gap.required().as_str(), gap.actual()), ("5000000", None));
        let gap = check_figure(true, Threshold::Staff, Decimal::from(50), None).unwrap();
        assert_eq!(
            gap.text().get(Lang::En),
            "staff with social insurance not reported (at most 50)"
        );
        let floor: Decimal = "20000".parse().unwrap();
        let gap = check_figure(true, Threshold::TaxPaid12m, floor, None).unwrap();
        assert_eq!(gap.text().get(Lang::Zh), "近12个月纳税未报送（要求：至少 ¥20,000）");
        assert_eq!(
            gap.text().get(Lang::En),
            "tax paid in 12 months not reported (¥20,000 required)"
        );
        // Unworded when not explaining; met or failed, a reported figure keeps its figures.
        let quiet = check_figure(false, Threshold::TaxPaid12m, floor, None).unwrap();
        assert_eq!((quiet.text().get(Lang::En), quiet.required().as_str()), ("", ""));
        assert_eq!(check_figure(false, Threshold::TaxPaid12m, floor, Some(floor)), None);
        let short = check_figure(false, Threshold::TaxPaid12m, floor, Some(Decimal::from(5)));
        assert_eq!(
            short.unwrap().text().get(Lang::En),
            "tax paid in 12 months ¥5 < ¥20,000 required: short ¥19,995"
        );
        let as_of = crate::date::parse_date("2026-06-30").unwrap();
        let graded = |grades: &[(u16, TaxGrade)]| Ratings {
            tax_grades: grades.iter().copied().collect(),
            ..Ratings::default()
        };
        let gap = tax_grade(true, &[TaxGrade::A, TaxGrade::B], &graded(&[]), as_of);
        assert_eq!(gap.text().get(Lang::Zh), "纳税信用等级未报送（要求：A|B）");
        assert_eq!(gap.text().get(Lang::En), "tax grade not reported (A|B required)");
        assert_eq!((gap.required().as_str(), gap.actual().as_deref()), ("A|B", None));
        let gap = tax_grade(true, &[TaxGrade::A], &graded(&[(2024, TaxGrade::M)]), as_of);
        assert_eq!(gap.text().get(Lang::En), "tax grade M, A required");
        // The 2023 grade is no longer in force in 2026: the firm is told which grade it has.
        let stale = graded(&[(2022, TaxGrade::A), (2023, TaxGrade::B)]);
        let gap = tax_grade(true, &[TaxGrade::A, TaxGrade::B], &stale, as_of);
        assert_eq!(
            gap.text().get(Lang::En),
            "no tax grade in force (latest: B for 2023), A|B required"
        );
        assert_eq!(
            gap.text().get(Lang::Zh),
            "纳税信用等级无有效评价（最近为 2023 年度 B），要求 A|B"
        );
        assert_eq!((gap.required().as_str(), gap.actual().as_deref()), ("A|B", None));
        let gap = recent_payment(true, 3, None, as_of).unwrap();
        assert!(
            gap.text().get(Lang::Zh).ends_with("（要求：3 个月内）"),
            "{}",
            gap.text().get(Lang::Zh)
        );
    }
}
