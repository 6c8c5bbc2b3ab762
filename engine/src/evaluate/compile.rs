//! Compiling a validated [`Model`] into lookup tables: indicators resolved to features and
//! record classes, bins and categories as arrays, labels shared as `Arc<str>`.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::fixed::{self, Factor, Points, RecordPoints, Threshold};

use super::output::{Label, ModelStamp};
use crate::decay::DecayRules;
use crate::model::features::{CategoryFeature, NumericFeature};
use crate::model::{Indicator, IndicatorKind, Model, Text};
use crate::record::{Domain, RecordClass};

pub(super) struct Compiled {
    pub stamp: ModelStamp,
    /// The model's highest score, as printed.
    pub max_score: Decimal,
    pub max_reasons: usize,
    pub dimensions: Vec<Dim>,
    pub indicators: Vec<Ind>,
    /// For each record class: the indicator that counts it and its points per record.
    pub class_table: [Option<(usize, RecordPoints)>; RecordClass::COUNT],
    pub grades: Vec<Grade>,
    pub vetoes: Vec<VetoRule>,
    /// For each record class: how it can be repaired, if at all.
    pub repairs: [Option<Repair>; RecordClass::COUNT],
    pub decay: DecayRules,
    /// An empty text, standing in for a grade code out of range and in a result not yet filled.
    pub blank: Arc<str>,
    /// Per indicator: the index of its contribution in an evaluation without a related-party
    /// context, which leaves the `related_party` indicators out (`usize::MAX` for those).
    /// With a context every indicator has one, at its own index.
    pub slot_without_related: Vec<usize>,
    /// The contributions an evaluation with a related-party context lists: every indicator,
    /// in model order, with the texts its contribution shows.
    pub listed_with_related: Vec<Listed>,
    /// The contributions an evaluation without a related-party context lists: the same but
    /// the related-party indicators.
    pub listed_without_related: Vec<Listed>,
    /// Per indicator: how its raw points count and in which dimension.
    pub counting: Vec<Counting>,
    /// Per indicator: what it can cost, for the reasons.
    pub ceilings: Vec<Ceiling>,
    /// The indicators the tally reads from the enterprise itself are all but the record
    /// indicators, which only sum their records' points. Bins and categories, the most of them,
    /// are copied apart with their tables, so reading them matches no rule; they cannot fail, so
    /// they are read before the others without changing which error a firm meets first.
    pub read_bins: Vec<BinsRead>,
    /// The category indicators, as [`Compiled::read_bins`].
    pub read_categories: Vec<CategoryRead>,
    /// The rest of the indicators read directly (cards, related parties), in model order.
    pub read_others: Vec<usize>,
    /// The record indicators, in model order: the only ones whose points change when records
    /// are taken away.
    pub summed: Vec<usize>,
    /// Per grade, best first: its lowest score, apart from the grades' texts so finding the
    /// grade of a score walks a short array.
    pub grade_mins: Vec<Points>,
    /// Bit `i` set: record class with index `i` triggers some veto (the union of the vetoes'
    /// `classes`), so most records skip the vetoes altogether.
    pub veto_classes: u32,
}

/// A bins indicator as the tally reads it: its index and a copy of its rule's fields.
pub(super) struct BinsRead {
    pub indicator: usize,
    pub feature: NumericFeature,
    pub bins: Vec<(Option<Threshold>, Points)>,
    pub missing: Points,
}

/// A category indicator as the tally reads it: its index and a copy of its rule's fields.
pub(super) struct CategoryRead {
    pub indicator: usize,
    pub feature: CategoryFeature,
    pub table: Vec<Points>,
    pub missing: Points,
}

/// The indicators read directly, split by how: bins, categories, and the others in model order.
fn reads_of(indicators: &[Ind]) -> (Vec<BinsRead>, Vec<CategoryRead>, Vec<usize>) {
    let (mut bins, mut categories, mut others) = (Vec::new(), Vec::new(), Vec::new());
    for (indicator, ind) in indicators.iter().enumerate() {
        match &ind.rule {
            Rule::Bins { feature, bins: table, missing } => bins.push(BinsRead {
                indicator,
                feature: *feature,
                bins: table.clone(),
                missing: *missing,
            }),
            Rule::Category { feature, table, missing } => categories.push(CategoryRead {
                indicator,
                feature: *feature,
                table: table.clone(),
                missing: *missing,
            }),
            Rule::Records { .. } => {}
            Rule::Scorecard(_) | Rule::RelatedParty(_) => others.push(indicator),
        }
    }
    (bins, categories, others)
}

/// One contribution as the assembly writes it: the indicator it reports, with its id and its
/// dimension's id looked up once per model rather than per evaluation.
pub(super) struct Listed {
    pub indicator: usize,
    pub id: Arc<str>,
    pub dimension: Arc<str>,
}

/// The contributions listed with a related-party context (`true`) or without one.
fn listed(indicators: &[Ind], dimensions: &[Dim], related_context: bool) -> Vec<Listed> {
    let evaluated = |ind: &Ind| related_context || !matches!(ind.rule, Rule::RelatedParty(_));
    indicators
        .iter()
        .enumerate()
        .filter(|(_, ind)| evaluated(ind))
        .map(|(indicator, ind)| Listed {
            indicator,
            id: ind.id.clone(),
            dimension: dimensions
                .get(ind.dimension)
                .map_or_else(|| Arc::from(""), |d| d.id.clone()),
        })
        .collect()
}

/// How an indicator's raw points become its contribution, and its dimension: the values the
/// outcome reads for every indicator of every evaluation, kept in one short array apart from
/// the rules so that loop neither matches a rule nor walks the indicators' larger records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Counting {
    /// A record indicator's cap (`Points::MAX` when it has none); unused otherwise.
    pub cap: Points,
    pub dimension: usize,
    pub kind: CountKind,
}

/// Whether an indicator's raw points are its contribution, or a record indicator's capped sum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CountKind {
    /// Bins, categories, cards and related parties: the raw points as they are.
    AsIs,
    /// Records that add points, up to the cap.
    Bonus,
    /// Records that take points away, up to the cap.
    Deduction,
}

impl Counting {
    fn of(ind: &Ind) -> Counting {
        let (kind, cap) = match &ind.rule {
            Rule::Records { bonus: true, cap, .. } => (CountKind::Bonus, *cap),
            Rule::Records { bonus: false, cap, .. } => (CountKind::Deduction, *cap),
            _ => (CountKind::AsIs, None),
        };
        Counting { cap: cap.unwrap_or(Points::MAX), dimension: ind.dimension, kind }
    }

    /// What the indicator contributes with `raw` points: for a record indicator (`raw` the sum
    /// of its records'), at most its cap, taken away unless it is a bonus; the points
    /// themselves otherwise.
    #[inline]
    pub fn contribution(&self, raw: Points) -> Points {
        match self.kind {
            CountKind::AsIs => raw,
            CountKind::Bonus => raw.min(self.cap),
            CountKind::Deduction => -raw.min(self.cap),
        }
    }
}

/// What an indicator can cost the score, given its contribution: a reason is the difference
/// from the most it could give (never more than its dimension could still gain).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ceiling {
    /// The most it could contribute: a capped bonus's cap, nothing for a deduction, the best
    /// bin or category otherwise.
    Best(Points),
    /// A bonus without a cap, which never falls short of what it could give.
    Reached,
    /// A card that explains its points lost code by code.
    Itemised,
}

impl Ceiling {
    fn of(ind: &Ind) -> Ceiling {
        match &ind.rule {
            Rule::Records { bonus: true, cap: Some(cap), .. } => Ceiling::Best(*cap),
            Rule::Records { bonus: true, cap: None, .. } => Ceiling::Reached,
            Rule::Records { bonus: false, .. } => Ceiling::Best(0),
            Rule::Scorecard(card) if card.itemised() => Ceiling::Itemised,
            _ => Ceiling::Best(ind.best),
        }
    }
}

impl Compiled {
    /// The index of indicator `i`'s contribution, `None` when it has none: worked out once per
    /// model rather than per evaluation.
    #[inline]
    pub fn contribution_slot(&self, i: usize, related_context: bool) -> Option<usize> {
        if related_context {
            (i < self.indicators.len()).then_some(i)
        } else {
            self.slot_without_related.get(i).copied().filter(|&k| k != usize::MAX)
        }
    }

    /// The contributions an evaluation lists, in order.
    #[inline]
    pub fn listed(&self, related_context: bool) -> &[Listed] {
        if related_context { &self.listed_with_related } else { &self.listed_without_related }
    }
}

/// Per indicator, its contribution's index when the `related_party` indicators are left out.
fn slots_without_related(indicators: &[Ind]) -> Vec<usize> {
    let mut next = 0;
    indicators
        .iter()
        .map(|ind| {
            if matches!(ind.rule, Rule::RelatedParty(_)) {
                usize::MAX
            } else {
                next += 1;
                next - 1
            }
        })
        .collect()
}

pub(super) struct Dim {
    pub id: Arc<str>,
    pub max: Points,
    /// `max` as printed.
    pub max_decimal: Decimal,
    pub base: Points,
}

pub(super) struct Ind {
    pub id: Arc<str>,
    pub dimension: usize,
    pub rule: Rule,
    /// Most points a bins or category indicator can give (0 for record rules).
    pub best: Points,
    pub reason: Label,
}

pub(super) enum Rule {
    Bins {
        feature: NumericFeature,
        /// Upper bounds (exclusive; `None` for the last, unbounded bin) and points.
        bins: Vec<(Option<Threshold>, Points)>,
        missing: Points,
    },
    Category {
        feature: CategoryFeature,
        table: Vec<Points>,
        missing: Points,
    },
    Records {
        bonus: bool,
        cap: Option<Points>,
        /// Amount tiers, ascending: from this amount on, this factor.
        amount: Vec<(Threshold, Factor)>,
        domain: Vec<Factor>,
    },
    Scorecard(Box<super::card::CardRule>),
    /// Points deducted for related parties; applies only with a related-party context.
    RelatedParty(Box<super::related::RelatedRule>),
}

pub(super) struct Grade {
    pub code: Arc<str>,
    pub min: Points,
    pub label: Label,
}

pub(super) struct VetoRule {
    pub id: Arc<str>,
    pub cap: usize,
    pub cap_code: Arc<str>,
    /// Bit `i` set: record class with index `i` triggers the veto.
    pub classes: u32,
    pub feature: Option<(CategoryFeature, Vec<usize>)>,
    pub reason: Label,
}

#[derive(Clone)]
pub(super) struct Repair {
    pub after_months: Option<u32>,
    pub action: Label,
}

pub(super) fn label(t: &Text) -> Label {
    Label { zh: Arc::from(t.zh.as_str()), en: Arc::from(t.en.as_str()) }
}

fn rule_of(ind: &Indicator, dim_max: Points) -> (Rule, Points) {
    let missing = fixed::points(ind.missing.unwrap_or_default());
    match ind.kind {
        IndicatorKind::Scorecard => {
            let rule = super::card::CardRule::new(ind, label(&ind.reason));
            let best = rule.best().unwrap_or(dim_max);
            (Rule::Scorecard(Box::new(rule)), best)
        }
        IndicatorKind::RelatedParty => {
            let rule = super::related::RelatedRule::new(ind.related_party.as_ref(), ind.cap);
            (Rule::RelatedParty(Box::new(rule)), 0)
        }
        IndicatorKind::Bins => {
            let bins: Vec<_> = ind
                .bins
                .iter()
                .flatten()
                .map(|b| (b.to.map(Threshold::new), fixed::points(b.points)))
                .collect();
            let best = bins.iter().map(|b| b.1).chain([missing]).max().unwrap_or_default();
            let feature = ind
                .feature
                .as_deref()
                .and_then(NumericFeature::from_name)
                .unwrap_or(NumericFeature::AgeYears);
            (Rule::Bins { feature, bins, missing }, best)
        }
        IndicatorKind::Category => {
            let feature = ind
                .feature
                .as_deref()
                .and_then(CategoryFeature::from_name)
                .unwrap_or(CategoryFeature::Status);
            let other = fixed::points(ind.other.unwrap_or_default());
            let points = ind.points.clone().unwrap_or_default();
            let table: Vec<Points> = feature
                .values()
                .iter()
                .map(|v| points.get(*v).map_or(other, |&p| fixed::points(p)))
                .collect();
            let best = table.iter().copied().chain([missing]).max().unwrap_or_default();
            (Rule::Category { feature, table, missing }, best)
        }
        IndicatorKind::Deduction | IndicatorKind::Bonus => {
            let factors = ind.domain_factors.clone().unwrap_or_default();
            let domain = Domain::ALL
                .iter()
                .map(|d| fixed::factor(factors.get(d.as_str()).copied().unwrap_or(Decimal::ONE)))
                .collect();
            let amount = ind
                .amount_factors
                .iter()
                .flatten()
                .map(|f| (Threshold::new(f.from), fixed::factor(f.factor)))
                .collect();
            let rule = Rule::Records {
                bonus: ind.kind == IndicatorKind::Bonus,
                cap: ind.cap.map(fixed::points),
                amount,
                domain,
            };
            (rule, 0)
        }
    }
}

/// Compiles a model that has passed validation.
pub(super) fn compile(model: &Model) -> Compiled {
    let mut dimensions = Vec::new();
    let mut indicators = Vec::new();
    let mut class_table = [None; RecordClass::COUNT];
    for (d, dim) in model.dimensions.iter().enumerate() {
        dimensions.push(Dim {
            id: Arc::from(dim.id.as_str()),
            max: fixed::points(dim.max_points),
            max_decimal: fixed::to_decimal(fixed::points(dim.max_points)),
            base: fixed::points(dim.base_points),
        });
        for ind in &dim.indicators {
            let index = indicators.len();
            if let (Some(kind), Some(points)) = (&ind.records, &ind.points) {
                for (sub, &p) in points {
                    if let Some(class) = RecordClass::from_names(kind, sub) {
                        class_table[class.index()] = Some((index, fixed::per_record(p)));
                    }
                }
            }
            let (rule, best) = rule_of(ind, fixed::points(dim.max_points));
            indicators.push(Ind {
                id: Arc::from(ind.id.as_str()),
                dimension: d,
                rule,
                best,
                reason: label(&ind.reason),
            });
        }
    }
    let grades: Vec<Grade> = model
        .grades
        .iter()
        .map(|g| Grade {
            code: Arc::from(g.grade.as_str()),
            min: fixed::points(g.min_points),
            label: label(&g.label),
        })
        .collect();
    let vetoes: Vec<VetoRule> = model
        .vetoes
        .iter()
        .map(|v| {
            let cap = grades
                .iter()
                .position(|g| *g.code == *v.cap)
                .unwrap_or(grades.len().saturating_sub(1));
            let classes = v
                .records
                .iter()
                .filter_map(|c| crate::model::parse_selector(c).and_then(|(_, class)| class))
                .fold(0u32, |mask, class| mask | (1 << class.index()));
            let feature = v.feature.as_deref().and_then(CategoryFeature::from_name).map(|f| {
                let values = f.values();
                let hits =
                    v.values.iter().filter_map(|x| values.iter().position(|y| y == x)).collect();
                (f, hits)
            });
            VetoRule {
                id: Arc::from(v.id.as_str()),
                cap,
                cap_code: Arc::from(v.cap.as_str()),
                classes,
                feature,
                reason: label(&v.reason),
            }
        })
        .collect();
    let repairs = repair_table(model);
    let slot_without_related = slots_without_related(&indicators);
    let listed_with_related = listed(&indicators, &dimensions, true);
    let listed_without_related = listed(&indicators, &dimensions, false);
    let counting = indicators.iter().map(Counting::of).collect();
    let ceilings = indicators.iter().map(Ceiling::of).collect();
    let (read_bins, read_categories, read_others) = reads_of(&indicators);
    let veto_classes = vetoes.iter().fold(0, |mask, v| mask | v.classes);
    let summed = (0..indicators.len())
        .filter(|&i| matches!(indicators[i].rule, Rule::Records { .. }))
        .collect();
    let grade_mins = grades.iter().map(|g| g.min).collect();
    Compiled {
        stamp: ModelStamp {
            id: Arc::from(model.id.as_str()),
            version: Arc::from(model.version.as_str()),
            hash: Arc::from(model.content_hash()),
        },
        max_score: fixed::to_decimal(fixed::points(model.max_points())),
        max_reasons: model.max_reasons,
        dimensions,
        indicators,
        class_table,
        grades,
        vetoes,
        repairs,
        decay: model.decay.clone(),
        blank: Arc::from(""),
        listed_with_related,
        listed_without_related,
        slot_without_related,
        counting,
        ceilings,
        read_bins,
        read_categories,
        read_others,
        summed,
        grade_mins,
        veto_classes,
    }
}

/// Class rules win over kind rules, whatever their order in the file.
fn repair_table(model: &Model) -> [Option<Repair>; RecordClass::COUNT] {
    let mut table: [Option<Repair>; RecordClass::COUNT] = std::array::from_fn(|_| None);
    let all_classes = RecordClass::KINDS.iter().flat_map(|&k| {
        RecordClass::subtypes_of(k).into_iter().filter_map(move |s| RecordClass::from_names(k, s))
    });
    for class in all_classes {
        let mut found: Option<(bool, &crate::model::RepairRule)> = None;
        for rule in &model.repairs {
            match crate::model::parse_selector(&rule.records) {
                Some((_, Some(c))) if c == class => found = Some((true, rule)),
                Some((k, None)) if k == class.kind() && !found.is_some_and(|f| f.0) => {
                    found = Some((false, rule));
                }
                _ => {}
            }
        }
        table[class.index()] = found.map(|(_, rule)| Repair {
            after_months: rule.after_months,
            action: label(&rule.action),
        });
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule read directly: what an indicator with `raw` points contributes.
    fn contribution_by_rule(ind: &Ind, raw: Points) -> Points {
        match &ind.rule {
            Rule::Records { bonus, cap, .. } => {
                let capped = cap.map_or(raw, |cap| raw.min(cap));
                if *bonus { capped } else { -capped }
            }
            _ => raw,
        }
    }

    /// The rule read directly: what an indicator contributing `points` costs (before the
    /// dimension's headroom), `None` for an itemised card.
    fn loss_by_rule(ind: &Ind, points: Points) -> Option<Points> {
        Some(match &ind.rule {
            Rule::Records { bonus: true, cap, .. } => cap.unwrap_or(points) - points,
            Rule::Records { bonus: false, .. } => -points,
            Rule::Scorecard(card) if card.itemised() => return None,
            _ => ind.best - points,
        })
    }

    /// Models with every kind of indicator, including an uncapped bonus and itemised cards.
    fn models() -> Vec<Compiled> {
        let mut uncapped = Model::default_model();
        for ind in uncapped.dimensions.iter_mut().flat_map(|d| d.indicators.iter_mut()) {
            ind.cap = None;
        }
        let card = include_str!("../../../fixtures/scorecard_model/model.json");
        let mut models = vec![compile(&Model::default_model()), compile(&uncapped)];
        models.push(compile(&Model::from_json(card).unwrap()));
        models
    }

    /// The tally reads every indicator but the record ones, in model order, and lets a record
    /// skip the vetoes only when no veto names its class.
    #[test]
    fn the_tally_reads_the_indicators_that_are_not_sums_of_records() {
        for c in models() {
            let others: Vec<usize> = (0..c.indicators.len())
                .filter(|&i| !matches!(c.indicators[i].rule, Rule::Records { .. }))
                .collect();
            let mut read: Vec<usize> = c.read_bins.iter().map(|r| r.indicator).collect();
            read.extend(c.read_categories.iter().map(|r| r.indicator));
            read.extend(&c.read_others);
            read.sort_unstable();
            assert_eq!(read, others);
            assert!(c.read_others.is_sorted());
            // The copies hold what the rules hold.
            for r in &c.read_bins {
                let Rule::Bins { feature, bins, missing } = &c.indicators[r.indicator].rule else {
                    panic!("{} is not a bins indicator", r.indicator);
                };
                assert_eq!((feature, bins, missing), (&r.feature, &r.bins, &r.missing));
            }
            for r in &c.read_categories {
                let Rule::Category { feature, table, missing } = &c.indicators[r.indicator].rule
                else {
                    panic!("{} is not a category indicator", r.indicator);
                };
                assert_eq!((feature, table, missing), (&r.feature, &r.table, &r.missing));
            }
            for &i in &c.read_others {
                let rule = &c.indicators[i].rule;
                assert!(matches!(rule, Rule::Scorecard(_) | Rule::RelatedParty(_)), "{i}");
            }
            let records: Vec<usize> =
                (0..c.indicators.len()).filter(|i| !others.contains(i)).collect();
            assert_eq!(c.summed, records);
            let mins: Vec<Points> = c.grades.iter().map(|g| g.min).collect();
            assert_eq!(c.grade_mins, mins);
            assert!(read.len() < c.indicators.len());
            for class in 0..RecordClass::COUNT {
                let named = c.vetoes.iter().any(|v| v.classes & (1 << class) != 0);
                assert_eq!(c.veto_classes & (1 << class) != 0, named, "class {class}");
            }
        }
    }

    proptest! {
        /// The compact per-indicator tables give what the rules give.
        #[test]
        fn counting_and_ceilings_agree_with_the_rules(raw in -2_000i128..2_000, frac in 0i128..4) {
            let raw = raw * 10i128.pow(16) + frac * 10i128.pow(15);
            let models = models();
            prop_assert!(models.iter().any(|c| c.ceilings.contains(&Ceiling::Itemised)));
            prop_assert!(models.iter().any(|c| c.ceilings.contains(&Ceiling::Reached)));
            for c in models {
                for (i, ind) in c.indicators.iter().enumerate() {
                    let counting = c.counting[i];
                    prop_assert_eq!(counting.dimension, ind.dimension);
                    prop_assert_eq!(counting.contribution(raw), contribution_by_rule(ind, raw));
                    let loss = match c.ceilings[i] {
                        Ceiling::Best(best) => Some(best - raw),
                        Ceiling::Reached => Some(0),
                        Ceiling::Itemised => None,
                    };
                    prop_assert_eq!(loss, loss_by_rule(ind, raw));
                }
            }
        }
    }

    /// The slots worked out once per model are what numbering the evaluated indicators in model
    /// order gives, with and without a related-party context.
    #[test]
    fn contribution_slots_number_the_evaluated_indicators_in_order() {
        let c = compile(&Model::default_model());
        for context in [false, true] {
            let evaluated: Vec<usize> = (0..c.indicators.len())
                .filter(|&i| context || !matches!(c.indicators[i].rule, Rule::RelatedParty(_)))
                .collect();
            assert!(context || evaluated.len() < c.indicators.len());
            let listed: Vec<usize> = c.listed(context).iter().map(|l| l.indicator).collect();
            assert_eq!(listed, evaluated);
            for l in c.listed(context) {
                let ind = &c.indicators[l.indicator];
                assert!(Arc::ptr_eq(&l.id, &ind.id));
                assert!(Arc::ptr_eq(&l.dimension, &c.dimensions[ind.dimension].id));
            }
            for i in 0..c.indicators.len() + 2 {
                let expected = evaluated.iter().position(|&j| j == i);
                assert_eq!(c.contribution_slot(i, context), expected, "{i} {context}");
            }
        }
    }
}
