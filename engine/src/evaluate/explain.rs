//! A readable report of one evaluation, in Chinese or English.

use std::fmt::Write;

use super::{Evaluation, Evaluator, Lang, RelatedPartyPart};

/// Fixed words of the report, by language.
struct Words {
    title: &'static str,
    as_of: &'static str,
    model: &'static str,
    score: &'static str,
    grade: &'static str,
    by_score: &'static str,
    dimensions: &'static str,
    reasons: &'static str,
    none: &'static str,
    veto: &'static str,
    plan: &'static str,
    /// Where the date goes: `{}` is replaced by it.
    from: &'static str,
    record: &'static str,
    after_all: &'static str,
    no_steps: &'static str,
    /// Summary of the steps that gain nothing alone: `{}` is replaced by their count.
    only_together: &'static str,
}

const ZH: Words = Words {
    title: "企业公共信用评价报告",
    as_of: "评价日期",
    model: "评价模型",
    score: "得分",
    grade: "等级",
    by_score: "按得分应为",
    dimensions: "维度得分",
    reasons: "主要原因",
    none: "无",
    veto: "等级封顶",
    plan: "改进计划",
    from: "{} 起可办理",
    record: "记录",
    after_all: "全部完成后",
    no_steps: "暂无可办理的修复事项",
    only_together: "另有 {} 项修复单独办理不加分（该项扣分已达上限），需与其他修复一并办理",
};

const EN: Words = Words {
    title: "Enterprise public-credit evaluation",
    as_of: "As of",
    model: "Model",
    score: "Score",
    grade: "Grade",
    by_score: "by score alone",
    dimensions: "Dimensions",
    reasons: "Principal reasons",
    none: "none",
    veto: "grade capped",
    plan: "Improvement plan",
    from: "possible from {}",
    record: "record",
    after_all: "After every step",
    no_steps: "no repair step is available",
    only_together: "{} more repairs gain nothing alone (their indicator's cap still binds) and count only together",
};

/// What a part of a related-party deduction measured, in the report's language.
fn part_label(part: RelatedPartyPart, lang: Lang) -> &'static str {
    let (zh, en) = match part {
        RelatedPartyPart::DishonestOneHop => ("一度关联失信企业", "dishonest firms one tie away"),
        RelatedPartyPart::DishonestTwoHops => ("二度关联失信企业", "dishonest firms two ties away"),
        RelatedPartyPart::DishonestController => {
            ("失信的实际控制人或受益所有人", "dishonest controllers or beneficial owners")
        }
        RelatedPartyPart::GuaranteeCircleSize => ("担保圈规模", "guarantee circle size"),
        RelatedPartyPart::GuaranteeExposureRatio => {
            ("对外担保与净资产之比", "guarantees given over net assets")
        }
        RelatedPartyPart::DebtRankDistress => ("DebtRank 风险传染压力", "DebtRank distress"),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A ten-cell bar for a share of a maximum.
fn bar(points: rust_decimal::Decimal, max: rust_decimal::Decimal) -> String {
    let cells = if max.is_zero() {
        0
    } else {
        (points * rust_decimal::Decimal::TEN / max)
            .round()
            .to_string()
            .parse::<usize>()
            .unwrap_or(0)
    };
    let cells = cells.min(10);
    format!("{}{}", "█".repeat(cells), "·".repeat(10 - cells))
}

impl Evaluator {
    /// A readable report of an evaluation this evaluator produced: score, grade, dimensions,
    /// principal reasons and the improvement plan.
    pub fn explain(&self, ev: &Evaluation, lang: Lang) -> String {
        let w = match lang {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        };
        let text = |t: &crate::model::Text| match lang {
            Lang::Zh => t.zh.clone(),
            Lang::En => t.en.clone(),
        };
        let mut out = String::new();
        let _ = writeln!(out, "{}", w.title);
        let _ = writeln!(out, "{} ({})", ev.name, ev.uscc);
        let _ = writeln!(
            out,
            "{}: {}   {}: {} {}",
            w.as_of, ev.as_of, w.model, ev.model.id, ev.model.version
        );
        let _ = write!(
            out,
            "{}: {} / {}   {}: {} {}",
            w.score,
            ev.score,
            ev.max_score,
            w.grade,
            ev.grade,
            ev.grade_label.get(lang)
        );
        if ev.grade != ev.grade_by_score {
            let _ = write!(out, " ({} {})", w.by_score, ev.grade_by_score);
        }
        let _ = writeln!(out, "\n\n{}", w.dimensions);
        for d in &ev.dimensions {
            let name = self
                .model()
                .dimensions
                .iter()
                .find(|m| *m.id == *d.id)
                .map_or_else(|| d.id.to_string(), |m| text(&m.name));
            let _ = writeln!(
                out,
                "  {} {:>5} / {:<5} {}",
                bar(d.points, d.max_points),
                d.points,
                d.max_points,
                name
            );
        }
        let _ = writeln!(out, "\n{}", w.reasons);
        if ev.reasons.is_empty() {
            let _ = writeln!(out, "  {}", w.none);
        }
        for (i, r) in ev.reasons.iter().enumerate() {
            let cost = r.points_lost.map_or_else(|| format!("[{}]", w.veto), |p| format!("-{p}"));
            let _ = writeln!(out, "  {}. {} ({cost})", i + 1, r.text.get(lang));
            // A related-party reason names what caused it, part by part.
            let causes = ev.contributions.iter().filter(|c| c.indicator == r.code);
            for cause in causes.flat_map(|c| &c.related) {
                let parties = if cause.parties.is_empty() {
                    String::new()
                } else {
                    format!(": {}", cause.parties.join(", "))
                };
                let part = part_label(cause.part, lang);
                let _ = writeln!(out, "     {part} {} (-{}){parties}", cause.value, cause.points);
            }
        }
        let _ = writeln!(out, "\n{}", w.plan);
        if ev.plan.steps.is_empty() {
            let _ = writeln!(out, "  {}", w.no_steps);
        }
        // Steps that gain nothing alone are summarised, not listed: the JSON keeps them all.
        let (listed, together): (Vec<_>, Vec<_>) =
            ev.plan.steps.iter().partition(|s| !s.gain.is_zero() || s.grade_after != ev.grade);
        for (i, s) in listed.iter().enumerate() {
            let id = s.record_id.as_deref().map(|id| format!(" {id}")).unwrap_or_default();
            let from = w.from.replace("{}", &s.possible_from.to_string());
            let _ = writeln!(
                out,
                "  {}. {} [{} #{}{id}, {}]\n     {from}: +{} -> {} {}",
                i + 1,
                s.action.get(lang),
                w.record,
                s.record,
                s.class,
                s.gain,
                s.score_after,
                s.grade_after
            );
        }
        if !together.is_empty() {
            let _ =
                writeln!(out, "  {}", w.only_together.replace("{}", &together.len().to_string()));
        }
        if !ev.plan.steps.is_empty() {
            let _ =
                writeln!(out, "  {}: {} {}", w.after_all, ev.plan.score_after, ev.plan.grade_after);
        }
        out
    }
}
