//! Model validation: every problem found, each with its JSON path, in one pass.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::features::{CategoryFeature, NumericFeature};
use super::{Bin, Indicator, IndicatorKind, Model};
use crate::error::Problem;
use crate::record::{Domain, RecordClass};
use crate::scorecard::Scorecard;

struct Report(Vec<Problem>);

impl Report {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { path: path.into(), message: message.into() });
    }
}

/// Points and factors must fit the evaluator's exact fixed-point arithmetic.
fn check_numbers(r: &mut Report, model: &Model) {
    use crate::evaluate::fixed::{MAX_DECIMALS, MAX_FACTOR, MAX_POINTS, fits};
    let points = |r: &mut Report, path: String, v: Decimal| {
        if !fits(v, MAX_POINTS) {
            r.add(path, format!("points need at most {MAX_DECIMALS} decimal places and a size of at most {MAX_POINTS}"));
        }
    };
    let factor = |r: &mut Report, path: String, v: Decimal| {
        if !fits(v, MAX_FACTOR) {
            r.add(path, format!("factors need at most {MAX_DECIMALS} decimal places and a size of at most {MAX_FACTOR}"));
        }
    };
    for (d, dim) in model.dimensions.iter().enumerate() {
        let path = format!("dimensions[{d}]");
        points(r, format!("{path}.max_points"), dim.max_points);
        points(r, format!("{path}.base_points"), dim.base_points);
        for (i, ind) in dim.indicators.iter().enumerate() {
            let path = format!("{path}.indicators[{i}]");
            for (j, bin) in ind.bins.iter().flatten().enumerate() {
                points(r, format!("{path}.bins[{j}].points"), bin.points);
            }
            for (key, &v) in ind.points.iter().flatten() {
                points(r, format!("{path}.points.{key}"), v);
            }
            for (name, v) in [("other", ind.other), ("missing", ind.missing), ("cap", ind.cap)] {
                if let Some(v) = v {
                    points(r, format!("{path}.{name}"), v);
                }
            }
            for (j, f) in ind.amount_factors.iter().flatten().enumerate() {
                factor(r, format!("{path}.amount_factors[{j}].factor"), f.factor);
            }
            for (key, &v) in ind.domain_factors.iter().flatten() {
                factor(r, format!("{path}.domain_factors.{key}"), v);
            }
            for (part, v) in ind.related_party.iter().flat_map(related_party_points) {
                points(r, format!("{path}.related_party.{part}"), v);
            }
        }
    }
    for (i, band) in model.grades.iter().enumerate() {
        points(r, format!("grades[{i}].min_points"), band.min_points);
    }
    for (list, residual) in &model.decay.listing_residual {
        factor(r, format!("decay.listing_residual.{list}.factor"), residual.factor);
    }
    factor(r, "decay.arrears_residual.factor".into(), model.decay.arrears_residual.factor);
}

/// Every amount of a `related_party` indicator's parts, with its path below `related_party`.
fn related_party_points(rules: &super::RelatedPartyRules) -> Vec<(String, Decimal)> {
    let mut out = Vec::new();
    for (name, part) in [
        ("dishonest_one_hop", &rules.dishonest_one_hop),
        ("dishonest_two_hops", &rules.dishonest_two_hops),
    ] {
        if let Some(part) = part {
            out.push((format!("{name}.points"), part.points));
            out.extend(part.cap.map(|c| (format!("{name}.cap"), c)));
        }
    }
    out.extend(rules.dishonest_controller.map(|p| ("dishonest_controller".to_owned(), p)));
    for (name, bins) in [
        ("guarantee_circle_size", &rules.guarantee_circle_size),
        ("guarantee_exposure_ratio", &rules.guarantee_exposure_ratio),
        ("debt_rank_distress", &rules.debt_rank_distress),
    ] {
        for (i, bin) in bins.iter().flatten().enumerate() {
            out.push((format!("{name}[{i}].points"), bin.points));
        }
    }
    out
}

pub(super) fn problems(model: &Model) -> Vec<Problem> {
    let mut r = Report(Vec::new());
    check_numbers(&mut r, model);
    if model.id.trim().is_empty() {
        r.add("id", "the model needs an id");
    }
    if model.version.trim().is_empty() {
        r.add("version", "the model needs a version");
    }
    if model.max_reasons == 0 {
        r.add("max_reasons", "at least one reason must be reported");
    }
    if model.dimensions.is_empty() {
        r.add("dimensions", "the model needs at least one dimension");
    }
    let mut ids = BTreeSet::new();
    let mut claimed: BTreeMap<RecordClass, String> = BTreeMap::new();
    for (d, dim) in model.dimensions.iter().enumerate() {
        let path = format!("dimensions[{d}]");
        if !ids.insert(dim.id.as_str()) {
            r.add(format!("{path}.id"), format!("duplicate id `{}`", dim.id));
        }
        if dim.max_points <= Decimal::ZERO {
            r.add(format!("{path}.max_points"), "must be positive");
        }
        if dim.base_points < Decimal::ZERO || dim.base_points > dim.max_points {
            r.add(format!("{path}.base_points"), "must lie between 0 and max_points");
        }
        for (i, ind) in dim.indicators.iter().enumerate() {
            let path = format!("{path}.indicators[{i}]");
            if !ids.insert(ind.id.as_str()) {
                r.add(format!("{path}.id"), format!("duplicate id `{}`", ind.id));
            }
            check_indicator(&mut r, &path, ind, dim.max_points, &mut claimed);
        }
    }
    check_grades(&mut r, model);
    check_vetoes(&mut r, model, &mut ids);
    check_decay(&mut r, model);
    for (i, rule) in model.repairs.iter().enumerate() {
        if parse_selector(&rule.records).is_none() {
            r.add(format!("repairs[{i}].records"), selector_message(&rule.records));
        }
    }
    r.0
}

/// A record selector: a kind (`penalty`) or a class (`listing.dishonest_debtor`).
pub(crate) fn parse_selector(text: &str) -> Option<(&str, Option<RecordClass>)> {
    match text.split_once('.') {
        Some((kind, sub)) => RecordClass::from_names(kind, sub).map(|c| (c.kind(), Some(c))),
        None => RecordClass::KINDS.iter().find(|&&k| k == text).map(|&k| (k, None)),
    }
}

fn selector_message(text: &str) -> String {
    format!(
        "`{text}` is not a record kind ({}) or a class such as `listing.dishonest_debtor`",
        RecordClass::KINDS.join(", ")
    )
}

/// Every optional field of an indicator, in declaration order, with whether it is set. The
/// kinds differ only in which of these they read ([`fields_used`]); one check refuses the rest.
fn optional_fields(ind: &Indicator) -> [(&'static str, bool); 12] {
    [
        ("feature", ind.feature.is_some()),
        ("bins", ind.bins.is_some()),
        ("records", ind.records.is_some()),
        ("points", ind.points.is_some()),
        ("other", ind.other.is_some()),
        ("missing", ind.missing.is_some()),
        ("amount_factors", ind.amount_factors.is_some()),
        ("domain_factors", ind.domain_factors.is_some()),
        ("cap", ind.cap.is_some()),
        ("scorecard", ind.scorecard.is_some()),
        ("reason_codes", ind.reason_codes.is_some()),
        ("related_party", ind.related_party.is_some()),
    ]
}

/// The optional fields a kind reads; a new kind states its own here and nowhere else.
fn fields_used(kind: IndicatorKind) -> &'static [&'static str] {
    match kind {
        IndicatorKind::Bins => &["feature", "bins", "missing"],
        IndicatorKind::Category => &["feature", "points", "other", "missing"],
        IndicatorKind::Deduction | IndicatorKind::Bonus => {
            &["records", "points", "amount_factors", "domain_factors", "cap"]
        }
        IndicatorKind::Scorecard => &["scorecard", "reason_codes"],
        IndicatorKind::RelatedParty => &["cap", "related_party"],
    }
}

/// Refuses every set field the indicator's kind does not read, so a field meant for another kind
/// is never silently ignored.
fn refuse_unused_fields(r: &mut Report, path: &str, ind: &Indicator) {
    let used = fields_used(ind.kind);
    for (name, present) in optional_fields(ind) {
        if present && !used.contains(&name) {
            r.add(
                format!("{path}.{name}"),
                format!("`{name}` does not apply to a {:?} indicator", ind.kind).to_lowercase(),
            );
        }
    }
}

fn check_indicator(
    r: &mut Report,
    path: &str,
    ind: &Indicator,
    dim_max: Decimal,
    claimed: &mut BTreeMap<RecordClass, String>,
) {
    if ind.id.trim().is_empty() {
        r.add(format!("{path}.id"), "the indicator needs an id");
    }
    let in_range = |v: Decimal| v >= Decimal::ZERO && v <= dim_max;
    let range_msg = format!("points must lie between 0 and the dimension's maximum {dim_max}");
    refuse_unused_fields(r, path, ind);
    match ind.kind {
        IndicatorKind::Bins => {
            match ind.feature.as_deref() {
                Some(f) if NumericFeature::from_name(f).is_some() => {}
                Some(f) => r.add(
                    format!("{path}.feature"),
                    format!(
                        "`{f}` is not a numeric feature ({})",
                        NumericFeature::names().collect::<Vec<_>>().join(", ")
                    ),
                ),
                None => r.add(format!("{path}.feature"), "a bins indicator needs `feature`"),
            }
            match &ind.bins {
                Some(bins) => check_bins(r, &format!("{path}.bins"), bins, &in_range, &range_msg),
                None => r.add(format!("{path}.bins"), "a bins indicator needs `bins`"),
            }
            if ind.missing.is_some_and(|m| !in_range(m)) {
                r.add(format!("{path}.missing"), range_msg.clone());
            }
        }
        IndicatorKind::Category => {
            let feature = ind.feature.as_deref().and_then(CategoryFeature::from_name);
            if feature.is_none() {
                r.add(
                    format!("{path}.feature"),
                    format!(
                        "a category indicator needs `feature`, one of {}",
                        CategoryFeature::names().collect::<Vec<_>>().join(", ")
                    ),
                );
            }
            match (&ind.points, feature) {
                (None, _) => r.add(format!("{path}.points"), "a category indicator needs `points`"),
                (Some(points), f) => {
                    let values = f.map(CategoryFeature::values).unwrap_or_default();
                    for (key, &v) in points {
                        if f.is_some() && !values.contains(&key.as_str()) {
                            r.add(
                                format!("{path}.points.{key}"),
                                format!(
                                    "`{key}` is not a value of this feature ({})",
                                    values.join(", ")
                                ),
                            );
                        }
                        if !in_range(v) {
                            r.add(format!("{path}.points.{key}"), range_msg.clone());
                        }
                    }
                }
            }
            for (name, v) in [("other", ind.other), ("missing", ind.missing)] {
                if v.is_some_and(|v| !in_range(v)) {
                    r.add(format!("{path}.{name}"), range_msg.clone());
                }
            }
        }
        IndicatorKind::Deduction | IndicatorKind::Bonus => {
            check_record_rule(r, path, ind, dim_max, claimed);
        }
        IndicatorKind::Scorecard => match &ind.scorecard {
            Some(card) => check_scorecard(r, path, ind, card),
            None => r.add(format!("{path}.scorecard"), "a scorecard indicator needs `scorecard`"),
        },
        IndicatorKind::RelatedParty => {
            check_related_party(r, path, ind, &in_range, &range_msg);
        }
    }
}

/// A `related_party` indicator: at least one part; every amount deducted lies between 0 and the
/// dimension's maximum; bins as for a `bins` indicator.
fn check_related_party(
    r: &mut Report,
    path: &str,
    ind: &Indicator,
    in_range: &dyn Fn(Decimal) -> bool,
    range_msg: &str,
) {
    if ind.cap.is_some_and(|c| !in_range(c)) {
        r.add(format!("{path}.cap"), range_msg);
    }
    let Some(rules) = &ind.related_party else {
        r.add(format!("{path}.related_party"), "a related_party indicator needs `related_party`");
        return;
    };
    let path = format!("{path}.related_party");
    if rules.is_empty() {
        r.add(path.as_str(), "at least one part is needed");
    }
    for (name, part) in [
        ("dishonest_one_hop", &rules.dishonest_one_hop),
        ("dishonest_two_hops", &rules.dishonest_two_hops),
    ] {
        let Some(part) = part else { continue };
        if !in_range(part.points) {
            r.add(format!("{path}.{name}.points"), range_msg);
        }
        if part.cap.is_some_and(|c| !in_range(c)) {
            r.add(format!("{path}.{name}.cap"), range_msg);
        }
    }
    if rules.dishonest_controller.is_some_and(|p| !in_range(p)) {
        r.add(format!("{path}.dishonest_controller"), range_msg);
    }
    for (name, bins) in [
        ("guarantee_circle_size", &rules.guarantee_circle_size),
        ("guarantee_exposure_ratio", &rules.guarantee_exposure_ratio),
        ("debt_rank_distress", &rules.debt_rank_distress),
    ] {
        if let Some(bins) = bins {
            check_bins(r, &format!("{path}.{name}"), bins, in_range, range_msg);
        }
    }
}

/// A scorecard indicator: its card must be scorable (every active input in the data
/// dictionary, every policy applicable) and its reason texts must name codes the card gives.
fn check_scorecard(r: &mut Report, indicator: &str, ind: &Indicator, card: &Scorecard) {
    let path = format!("{indicator}.scorecard");
    for (i, mining) in card.mining_fields.iter().enumerate() {
        if !card.data_fields.iter().any(|f| f.name == mining.name) {
            r.add(
                format!("{path}.mining_fields[{i}]"),
                format!("`{}` is not in the data dictionary", mining.name),
            );
        }
    }
    if card.characteristics.is_empty() {
        r.add(format!("{path}.characteristics"), "at least one characteristic is needed");
    }
    if let Err(e) = card.check_policies() {
        r.add(format!("{path}.characteristics"), e.to_string());
    }
    let codes = card_reason_codes(card);
    for (c, characteristic) in card.characteristics.iter().enumerate() {
        for (a, attribute) in characteristic.attributes.iter().enumerate() {
            let coded = attribute.reason_code.is_some() || characteristic.reason_code.is_some();
            if card.use_reason_codes && !coded {
                r.add(
                    format!("{path}.characteristics[{c}].attributes[{a}]"),
                    "a card that uses reason codes needs one for every attribute",
                );
            }
        }
        let baseline = characteristic.baseline_score.or(card.baseline_score);
        if card.use_reason_codes && baseline.is_none() {
            r.add(
                format!("{path}.characteristics[{c}].baseline_score"),
                "a card that uses reason codes needs a baseline for every characteristic",
            );
        }
    }
    for code in ind.reason_codes.iter().flat_map(|m| m.keys()) {
        if !codes.contains(code.as_str()) {
            r.add(
                format!("{indicator}.reason_codes.{code}"),
                format!("`{code}` is not a reason code of the card"),
            );
        }
    }
}

/// Every reason code a card can give.
fn card_reason_codes(card: &Scorecard) -> BTreeSet<&str> {
    let characteristic = card.characteristics.iter().filter_map(|c| c.reason_code.as_deref());
    let attribute = card
        .characteristics
        .iter()
        .flat_map(|c| &c.attributes)
        .filter_map(|a| a.reason_code.as_deref());
    characteristic.chain(attribute).collect()
}

fn check_bins(
    r: &mut Report,
    path: &str,
    bins: &[Bin],
    in_range: &dyn Fn(Decimal) -> bool,
    range_msg: &str,
) {
    if bins.is_empty() {
        r.add(path, "at least one bin is needed");
        return;
    }
    if bins.first().is_some_and(|b| b.from.is_some_and(|f| f > Decimal::ZERO)) {
        r.add(format!("{path}[0].from"), "the first bin must start at 0 or be unbounded (null)");
    }
    if bins.last().is_some_and(|b| b.to.is_some()) {
        r.add(format!("{path}[{}].to", bins.len() - 1), "the last bin must be unbounded (null)");
    }
    for (i, bin) in bins.iter().enumerate() {
        if let (Some(from), Some(to)) = (bin.from, bin.to)
            && from >= to
        {
            r.add(format!("{path}[{i}]"), format!("empty bin: from {from} is not below to {to}"));
        }
        if !in_range(bin.points) {
            r.add(format!("{path}[{i}].points"), range_msg);
        }
        if let Some(next) = bins.get(i + 1) {
            match (bin.to, next.from) {
                (Some(to), Some(from)) if to < from => r.add(
                    format!("{path}[{}]", i + 1),
                    format!("gap: values from {to} up to {from} fall in no bin"),
                ),
                (Some(to), Some(from)) if to > from => r.add(
                    format!("{path}[{}]", i + 1),
                    format!("overlap: values from {from} up to {to} fall in two bins"),
                ),
                (Some(_), Some(_)) => {}
                _ => r.add(
                    format!("{path}[{}]", i + 1),
                    "only the first bin may start unbounded and only the last may end unbounded",
                ),
            }
        }
    }
}

fn check_record_rule(
    r: &mut Report,
    path: &str,
    ind: &Indicator,
    dim_max: Decimal,
    claimed: &mut BTreeMap<RecordClass, String>,
) {
    let kind = match ind.records.as_deref() {
        Some(k) if RecordClass::KINDS.contains(&k) => Some(k),
        Some(k) => {
            r.add(
                format!("{path}.records"),
                format!("`{k}` is not a record kind ({})", RecordClass::KINDS.join(", ")),
            );
            None
        }
        None => {
            r.add(format!("{path}.records"), "a deduction or bonus indicator needs `records`");
            None
        }
    };
    match &ind.points {
        None => r.add(format!("{path}.points"), "points by record subtype are needed"),
        Some(points) if points.is_empty() => {
            r.add(format!("{path}.points"), "no subtype is given points")
        }
        Some(points) => {
            for (sub, &v) in points {
                let sub_path = format!("{path}.points.{sub}");
                if v < Decimal::ZERO {
                    r.add(sub_path.clone(), "points per record must not be negative");
                }
                let Some(kind) = kind else { continue };
                match RecordClass::from_names(kind, sub) {
                    None => r.add(
                        sub_path,
                        format!(
                            "`{sub}` is not a {kind} subtype ({})",
                            RecordClass::subtypes_of(kind).join(", ")
                        ),
                    ),
                    Some(class) => {
                        if let Some(other) = claimed.insert(class, ind.id.clone()) {
                            r.add(
                                sub_path,
                                format!(
                                    "{class} records are already counted by indicator `{other}`"
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
    match ind.cap {
        Some(cap) if cap < Decimal::ZERO => r.add(format!("{path}.cap"), "must not be negative"),
        Some(cap) if cap > dim_max => r.add(
            format!("{path}.cap"),
            format!("cap {cap} is above the dimension's maximum {dim_max}"),
        ),
        Some(_) => {}
        None if ind.kind == IndicatorKind::Bonus => {
            r.add(format!("{path}.cap"), "a bonus indicator needs a cap");
        }
        None => {}
    }
    if let Some(factors) = &ind.amount_factors {
        for (i, f) in factors.iter().enumerate() {
            if f.factor < Decimal::ZERO {
                r.add(format!("{path}.amount_factors[{i}].factor"), "must not be negative");
            }
            if i > 0 && factors[i - 1].from >= f.from {
                r.add(format!("{path}.amount_factors[{i}].from"), "must be strictly ascending");
            }
        }
    }
    if let Some(factors) = &ind.domain_factors {
        for (domain, &f) in factors {
            if Domain::from_name(domain).is_none() {
                r.add(
                    format!("{path}.domain_factors.{domain}"),
                    format!("`{domain}` is not a penalty domain"),
                );
            }
            if f < Decimal::ZERO {
                r.add(format!("{path}.domain_factors.{domain}"), "must not be negative");
            }
        }
    }
}

fn check_grades(r: &mut Report, model: &Model) {
    if model.grades.is_empty() {
        r.add("grades", "at least one grade band is needed");
        return;
    }
    let mut seen = BTreeSet::new();
    for (i, band) in model.grades.iter().enumerate() {
        if band.grade.trim().is_empty() || !seen.insert(band.grade.as_str()) {
            r.add(format!("grades[{i}].grade"), "grade codes must be non-empty and unique");
        }
        if i > 0 && model.grades[i - 1].min_points <= band.min_points {
            r.add(
                format!("grades[{i}].min_points"),
                "bands must be ordered best first, strictly descending",
            );
        }
    }
    let max = model.max_points();
    if model.grades.first().is_some_and(|g| g.min_points > max) {
        r.add(
            "grades[0].min_points",
            format!("the best band starts above the highest possible score {max}"),
        );
    }
    if model.grades.last().is_some_and(|b| b.min_points != Decimal::ZERO) {
        r.add(
            format!("grades[{}].min_points", model.grades.len() - 1),
            "the last band must start at 0 so every score has a grade",
        );
    }
}

fn check_vetoes<'m>(r: &mut Report, model: &'m Model, ids: &mut BTreeSet<&'m str>) {
    for (i, veto) in model.vetoes.iter().enumerate() {
        let path = format!("vetoes[{i}]");
        if !ids.insert(veto.id.as_str()) {
            r.add(format!("{path}.id"), format!("duplicate id `{}`", veto.id));
        }
        if !model.grades.iter().any(|g| g.grade == veto.cap) {
            r.add(format!("{path}.cap"), format!("`{}` is not a grade of this model", veto.cap));
        }
        for (j, class) in veto.records.iter().enumerate() {
            if !matches!(parse_selector(class), Some((_, Some(_)))) {
                r.add(
                    format!("{path}.records[{j}]"),
                    format!("`{class}` is not a record class such as `listing.dishonest_debtor`"),
                );
            }
        }
        match (&veto.feature, veto.values.is_empty()) {
            (Some(f), _) => match CategoryFeature::from_name(f) {
                None => {
                    r.add(format!("{path}.feature"), format!("`{f}` is not a categorical feature"))
                }
                Some(feature) => {
                    let values = feature.values();
                    for (j, v) in veto.values.iter().enumerate() {
                        if !values.contains(&v.as_str()) {
                            r.add(
                                format!("{path}.values[{j}]"),
                                format!("`{v}` is not a value of `{f}`"),
                            );
                        }
                    }
                    if veto.values.is_empty() {
                        r.add(format!("{path}.values"), "a feature veto needs values");
                    }
                }
            },
            (None, false) => r.add(format!("{path}.values"), "values need a `feature`"),
            (None, true) => {}
        }
        if veto.records.is_empty() && veto.feature.is_none() {
            r.add(path, "a veto needs `records` or a `feature`");
        }
    }
}

fn check_decay(r: &mut Report, model: &Model) {
    let p = &model.decay.penalty;
    let general =
        [("minor", Some(p.minor)), ("ordinary", Some(p.ordinary)), ("serious", Some(p.serious))];
    let local = p.by_domain.iter().flat_map(|(domain, d)| {
        [("minor", d.minor), ("ordinary", d.ordinary), ("serious", d.serious)]
            .map(|(name, period)| (format!("by_domain.{domain}.{name}"), period))
    });
    let periods = general.map(|(name, period)| (name.to_owned(), period)).into_iter().chain(local);
    for (name, period) in periods {
        if period.is_some_and(|period| period.min_months > period.max_months) {
            r.add(format!("decay.penalty.{name}"), "min_months must not exceed max_months");
        }
    }
    let unit = |f: Decimal| f >= Decimal::ZERO && f <= Decimal::ONE;
    for (list, residual) in &model.decay.listing_residual {
        if !unit(residual.factor) {
            r.add(format!("decay.listing_residual.{list}.factor"), "must lie between 0 and 1");
        }
    }
    if !unit(model.decay.arrears_residual.factor) {
        r.add("decay.arrears_residual.factor", "must lie between 0 and 1");
    }
    for (list, _) in model.decay.listing_max_months.iter().filter(|&(_, &months)| months == 0) {
        r.add(
            format!("decay.listing_max_months.{list}"),
            "a term of 0 months would never count the list: leave the list out to keep its entries until removed",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default model and the scorecard-model fixture: every indicator kind is among them.
    fn models() -> [Model; 2] {
        let card_model = include_str!("../../../fixtures/scorecard_model/model.json");
        [Model::default_model(), Model::from_json(card_model).expect("fixture model parses")]
    }

    /// One indicator with every optional field set, borrowed from [`models`].
    fn indicator_with_every_field() -> Indicator {
        let models = models();
        let all: Vec<&Indicator> =
            models.iter().flat_map(|m| &m.dimensions).flat_map(|d| &d.indicators).collect();
        let find = |f: &dyn Fn(&Indicator) -> bool| {
            all.iter().copied().find(|i| f(i)).expect("an indicator with the field").clone()
        };
        let mut ind = find(&|i| i.bins.is_some());
        let category = find(&|i| i.points.is_some() && i.feature.is_some());
        let amounts = find(&|i| i.amount_factors.is_some());
        let domains = find(&|i| i.domain_factors.is_some());
        let capped = find(&|i| i.cap.is_some());
        let deduction = find(&|i| i.records.is_some());
        let card = find(&|i| i.scorecard.is_some());
        let related = find(&|i| i.related_party.is_some());
        ind.missing = Some(Decimal::ZERO);
        ind.points = category.points;
        ind.other = Some(Decimal::ZERO);
        ind.records = deduction.records;
        ind.amount_factors = amounts.amount_factors;
        ind.domain_factors = domains.domain_factors;
        ind.cap = capped.cap;
        ind.scorecard = card.scorecard;
        ind.reason_codes = Some(card.reason_codes.unwrap_or_default());
        ind.related_party = related.related_party;
        assert!(optional_fields(&ind).iter().all(|&(_, set)| set));
        ind
    }

    /// Which fields each kind refuses, written out in full so that a change of [`fields_used`]
    /// shows here.
    #[test]
    fn each_kind_refuses_exactly_the_fields_it_does_not_read() {
        let expected: [(IndicatorKind, &[&str]); 6] = [
            (
                IndicatorKind::Bins,
                &[
                    "records",
                    "points",
                    "other",
                    "amount_factors",
                    "domain_factors",
                    "cap",
                    "scorecard",
                    "reason_codes",
                    "related_party",
                ],
            ),
            (
                IndicatorKind::Category,
                &[
                    "bins",
                    "records",
                    "amount_factors",
                    "domain_factors",
                    "cap",
                    "scorecard",
                    "reason_codes",
                    "related_party",
                ],
            ),
            (
                IndicatorKind::Deduction,
                &[
                    "feature",
                    "bins",
                    "other",
                    "missing",
                    "scorecard",
                    "reason_codes",
                    "related_party",
                ],
            ),
            (
                IndicatorKind::Bonus,
                &[
                    "feature",
                    "bins",
                    "other",
                    "missing",
                    "scorecard",
                    "reason_codes",
                    "related_party",
                ],
            ),
            (
                IndicatorKind::Scorecard,
                &[
                    "feature",
                    "bins",
                    "records",
                    "points",
                    "other",
                    "missing",
                    "amount_factors",
                    "domain_factors",
                    "cap",
                    "related_party",
                ],
            ),
            (
                IndicatorKind::RelatedParty,
                &[
                    "feature",
                    "bins",
                    "records",
                    "points",
                    "other",
                    "missing",
                    "amount_factors",
                    "domain_factors",
                    "scorecard",
                    "reason_codes",
                ],
            ),
        ];
        let mut ind = indicator_with_every_field();
        for (kind, refused) in expected {
            ind.kind = kind;
            let mut report = Report(Vec::new());
            refuse_unused_fields(&mut report, "x", &ind);
            let paths: Vec<String> = report.0.iter().map(|p| p.path.clone()).collect();
            let want: Vec<String> = refused.iter().map(|f| format!("x.{f}")).collect();
            assert_eq!(paths, want, "{kind:?}");
            let name = format!("{kind:?}").to_lowercase();
            for p in &report.0 {
                assert!(p.message.ends_with(&format!("does not apply to a {name} indicator")));
            }
        }
    }

    #[test]
    fn an_indicator_with_only_its_own_fields_has_no_unused_field() {
        for model in models() {
            for ind in model.dimensions.iter().flat_map(|d| &d.indicators) {
                let mut report = Report(Vec::new());
                refuse_unused_fields(&mut report, "x", ind);
                assert!(report.0.is_empty(), "{}: {:?}", ind.id, report.0);
            }
        }
    }
}
