//! Catalog validation: every problem found, each with its JSON path, in one pass.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::conditions::yuan;
use super::product::{Collateral, Product};
use crate::error::Problem;

struct Report(Vec<Problem>);

impl Report {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { path: path.into(), message: message.into() });
    }
}

/// Every problem of a list of products, checked against the model's grade codes (best first).
pub(super) fn problems(products: &[Product], grades: &[String]) -> Vec<Problem> {
    let mut r = Report(Vec::new());
    let mut seen = BTreeSet::new();
    for (i, p) in products.iter().enumerate() {
        let path = format!("products[{i}]");
        if p.id.trim().is_empty() {
            r.add(format!("{path}.id"), "the product id must not be empty");
        } else if !seen.insert(p.id.as_str()) {
            r.add(format!("{path}.id"), format!("product id `{}` is used twice", p.id));
        }
        for (field, value) in [("bank", &p.bank), ("name", &p.name)] {
            if value.trim().is_empty() {
                r.add(format!("{path}.{field}"), format!("the {field} must not be empty"));
            }
        }
        product(&mut r, &path, p, grades);
    }
    r.0
}

/// The products of a valid list that can never be offered, each with the JSON path of the
/// term that prevents it: whatever the firm, a bound of the limit stays below the smallest
/// loan, so every firm fails the limit condition. Such a product is most likely a slip in a
/// bank's data, which a catalog reader is told of without the catalog being refused (a
/// product withdrawn on purpose may look the same).
pub(super) fn never_offered(products: &[Product], grades: &[String]) -> Vec<Problem> {
    let mut r = Report(Vec::new());
    for (i, p) in products.iter().enumerate() {
        let min = p.amount.min.value();
        if min.is_zero() {
            // A limit of zero meets a smallest loan of zero.
            continue;
        }
        let (path, limit) = (format!("products[{i}].limit"), &p.limit);
        let never = "so the product is never offered";
        for (field, k) in [("k_tax", limit.k_tax), ("k_sales", limit.k_sales)] {
            if k.is_some_and(|k| k.is_zero()) {
                let below = format!("below the smallest loan {}", yuan(min));
                r.add(
                    format!("{path}.{field}"),
                    format!("a multiple of 0 gives a limit of 0, {below}, {never}"),
                );
            }
        }
        if let Some(debt) = limit.max_total_debt.filter(|d| d.value() < min) {
            r.add(
                format!("{path}.max_total_debt"),
                format!(
                    "the total debt allowed, {}, is below the smallest loan {}: the headroom \
                     never reaches it, {never}",
                    yuan(debt.value()),
                    yuan(min)
                ),
            );
        }
        let rank = |g: &str| grades.iter().position(|x| x == g);
        let admitted = match p.conditions.min_grade.as_deref().map(rank) {
            Some(Some(k)) => grades.get(..=k).unwrap_or_default(),
            Some(None) => &[],
            None => grades,
        };
        let caps: Option<Vec<_>> = admitted.iter().map(|g| limit.grade_caps.get(g)).collect();
        if let Some(caps) = caps.filter(|c| !c.is_empty() && c.iter().all(|c| c.value() < min)) {
            let highest = caps.iter().map(|c| c.value()).max().unwrap_or_default();
            r.add(
                format!("{path}.grade_caps"),
                format!(
                    "the cap of every grade admitted is below the smallest loan {} (at most \
                     {}), {never}",
                    yuan(min),
                    yuan(highest)
                ),
            );
        }
    }
    r.0
}

fn product(r: &mut Report, path: &str, p: &Product, grades: &[String]) {
    if p.amount.min > p.amount.max {
        r.add(
            format!("{path}.amount"),
            format!("min {} is above max {}", p.amount.min, p.amount.max),
        );
    }
    if p.amount.max.value().is_zero() {
        r.add(format!("{path}.amount.max"), "the largest loan must be above zero");
    }
    if p.term_months.min == 0 {
        r.add(format!("{path}.term_months.min"), "the shortest term must be at least 1 month");
    }
    if p.term_months.min > p.term_months.max {
        r.add(
            format!("{path}.term_months"),
            format!("min {} is above max {}", p.term_months.min, p.term_months.max),
        );
    }
    for (j, region) in p.regions.iter().enumerate() {
        if region.is_empty() || region.len() > 6 || !region.bytes().all(|b| b.is_ascii_digit()) {
            r.add(
                format!("{path}.regions[{j}]"),
                "a region is a prefix of a six-digit administrative code (1 to 6 digits)",
            );
        }
    }
    let c = &p.conditions;
    let rank = |g: &str| grades.iter().position(|x| x == g);
    let admitted = match &c.min_grade {
        Some(g) => match rank(g) {
            Some(k) => &grades[..=k],
            None => {
                r.add(format!("{path}.conditions.min_grade"), unknown(g, grades));
                &grades[..0]
            }
        },
        None => grades,
    };
    if c.tax_grades.as_ref().is_some_and(Vec::is_empty) {
        r.add(
            format!("{path}.conditions.tax_grades"),
            "an empty list admits no firm; omit the field to admit every tax grade",
        );
    }
    if c.tax_payment_within_months == Some(0) {
        r.add(format!("{path}.conditions.tax_payment_within_months"), "must be at least 1 month");
    }
    if c.max_guarantee_circle_size == Some(1) {
        r.add(
            format!("{path}.conditions.max_guarantee_circle_size"),
            "a guarantee circle has at least 2 firms; write 0 for \"in no circle\"",
        );
    }
    if c.guarantor_not_closely_linked && p.collateral == Collateral::Mortgage {
        r.add(
            format!("{path}.conditions.guarantor_not_closely_linked"),
            "the product requires a mortgage, so a guarantee-backed demand never qualifies \
             and the condition never applies; remove it or accept a guarantee",
        );
    }
    let limit = &p.limit;
    for g in limit.grade_caps.keys().filter(|g| rank(g).is_none()) {
        r.add(format!("{path}.limit.grade_caps.{g}"), unknown(g, grades));
    }
    if !limit.grade_caps.is_empty() {
        for g in admitted.iter().filter(|g| !limit.grade_caps.contains_key(*g)) {
            r.add(
                format!("{path}.limit.grade_caps"),
                format!("no cap for grade {g}, which the product admits"),
            );
        }
    }
    for (field, k) in [("k_tax", limit.k_tax), ("k_sales", limit.k_sales)] {
        if k.is_some_and(|k| k.is_sign_negative() && !k.is_zero()) {
            r.add(format!("{path}.limit.{field}"), "a multiple must not be negative");
        }
    }
    let rate = &p.rate;
    for g in rate.spread_by_grade.keys().filter(|g| rank(g).is_none()) {
        r.add(format!("{path}.rate.spread_by_grade.{g}"), unknown(g, grades));
    }
    let spreads = rate.spread.iter().chain(rate.spread_by_grade.values());
    if spreads.clone().any(|s| s.abs() > Decimal::from(100)) {
        r.add(format!("{path}.rate"), "a spread is at most 100 percentage points either way");
    }
    for g in admitted.iter().filter(|g| rate.spread_for(g).is_none()) {
        r.add(
            format!("{path}.rate.spread_by_grade"),
            format!("no spread for grade {g}, which the product admits; add it or a `spread`"),
        );
    }
}

fn unknown(grade: &str, grades: &[String]) -> String {
    let shown: String = grade.chars().take(20).collect();
    format!("`{shown}` is not a grade of the model ({})", grades.join(", "))
}
