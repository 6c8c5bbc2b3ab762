//! Financing matching: catalog validation, every condition failing alone, each limit bound, ties,
//! an improvement plan that makes a firm eligible, batch matching, goldens and invariants.
//!
//! Regenerate the goldens in `fixtures/finance/expected/` with `XINYONG_BLESS=1`; review the diff.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rust_decimal::Decimal;
use xinyong::date::{Date, parse_date};
use xinyong::finance::{
    BoundKind, Catalog, Collateral, ConditionId, Demand, DemandMatch, MatchOptions, Matcher,
    Product, RankKey,
};
use xinyong::record::TaxGrade;
use xinyong::{Evaluator, Model};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/finance")
}

fn as_of() -> Date {
    parse_date("2026-06-30").unwrap()
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn sample_catalog(evaluator: &Evaluator) -> Catalog {
    let text = std::fs::read_to_string(dir().join("catalog.json")).unwrap();
    Catalog::from_json(&text, evaluator.model()).unwrap()
}

fn sample_demands() -> Vec<Demand> {
    let text = std::fs::read_to_string(dir().join("demands.jsonl")).unwrap();
    text.lines().map(|l| Demand::from_json(l).unwrap()).collect()
}

/// The evaluator with grade A out of reach, so the clean firm is graded B.
fn strict() -> Evaluator {
    let mut model = Model::default_model();
    model.grades[0].min_points = d("1000");
    Evaluator::new(model).unwrap()
}

/// A Xiamen manufacturer (C3911) that passes every condition of [`base_product`]: tax grade A,
/// 11 years old, tax paid ¥150,000, revenue ¥12m, 25 staff, capital ¥5m, loans ¥1m.
fn base_demand() -> Demand {
    sample_demands().into_iter().next().unwrap()
}

fn base_product() -> Product {
    serde_json::from_str(
        r#"{"id": "base", "bank": "b", "name": "n",
            "amount": {"min": "10000", "max": "3000000"}, "term_months": {"min": 1, "max": 12},
            "conditions": {"tax_grades": ["A", "B"], "min_years_established": 2,
                "min_tax_paid_12m": "20000", "tax_payment_within_months": 3, "no_tax_arrears": true,
                "no_dishonest_listing": true, "max_existing_loans": "5000000",
                "max_registered_capital": "10000000", "max_staff": 300,
                "max_revenue_12m": "400000000"},
            "rate": {"spread": "0.5"}}"#,
    )
    .unwrap()
}

fn run(evaluator: &Evaluator, products: Vec<Product>, demand: &Demand) -> DemandMatch {
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let options = MatchOptions { near_misses: 100, ..MatchOptions::default() };
    Matcher::new(evaluator, &catalog, options).match_demand(demand, as_of()).unwrap()
}

fn record(demand: &mut Demand, json: &str) {
    demand.enterprise.records.push(serde_json::from_str(json).unwrap());
}

#[test]
fn every_condition_fails_alone() {
    type Change = fn(&mut Product, &mut Demand);
    let table: [(ConditionId, Change); 14] = [
        (ConditionId::AmountMin, |p, _| p.amount.min = "2000000".parse().unwrap()),
        (ConditionId::Collateral, |p, _| p.collateral = Collateral::Mortgage),
        (ConditionId::Grade, |p, _| p.conditions.min_grade = Some("A".into())),
        (ConditionId::TaxGrade, |p, _| p.conditions.tax_grades = Some(vec![TaxGrade::B])),
        (ConditionId::YearsEstablished, |p, _| p.conditions.min_years_established = Some(20)),
        (ConditionId::TaxPaid12m, |p, _| {
            p.conditions.min_tax_paid_12m = Some("200000".parse().unwrap())
        }),
        (ConditionId::RecentTaxPayment, |_, dm| {
            dm.enterprise.finance.last_tax_payment_on = parse_date("2026-01-10")
        }),
        (ConditionId::TaxArrears, |_, dm| {
            record(
                dm,
                r#"{"kind": "arrears", "arrears": "tax", "amount": "8000", "since": "2026-05-01"}"#,
            )
        }),
        (ConditionId::DishonestListing, |_, dm| {
            record(
                dm,
                r#"{"kind": "listing", "list": "major_tax_violation", "listed_on": "2026-03-01"}"#,
            )
        }),
        (ConditionId::ExistingLoans, |p, _| {
            p.conditions.max_existing_loans = Some("500000".parse().unwrap())
        }),
        (ConditionId::RegisteredCapital, |p, _| {
            p.conditions.max_registered_capital = Some("1000000".parse().unwrap())
        }),
        (ConditionId::Staff, |p, _| p.conditions.max_staff = Some(10)),
        (ConditionId::Revenue12m, |p, _| {
            p.conditions.max_revenue_12m = Some("1000000".parse().unwrap())
        }),
        (ConditionId::Limit, |p, _| p.limit.k_tax = Some(d("0.01"))),
    ];
    let evaluator = strict();
    let passing = run(&evaluator, vec![base_product()], &base_demand());
    assert_eq!(passing.grade.as_ref(), "B");
    assert_eq!(passing.eligible.len(), 1, "{}", passing.to_json_pretty());
    for (id, change) in table {
        let (mut product, mut demand) = (base_product(), base_demand());
        change(&mut product, &mut demand);
        let result = run(&evaluator, vec![product], &demand);
        assert!(result.eligible.is_empty(), "{id:?}");
        let failed: Vec<ConditionId> =
            result.near_misses[0].failed.iter().map(|g| g.condition).collect();
        assert_eq!(failed, vec![id], "{}", result.to_json_pretty());
    }
}

#[test]
fn gaps_are_measured_and_worded() {
    let mut product = base_product();
    product.conditions.min_tax_paid_12m = Some("200000".parse().unwrap());
    let result = run(&strict(), vec![product], &base_demand());
    let gap = &result.near_misses[0].failed[0];
    assert_eq!((gap.required().as_str(), gap.actual().as_deref()), ("200000", Some("150000")));
    assert_eq!(gap.short, Some(d("50000")));
    assert_eq!(
        gap.text().en.as_ref(),
        "tax paid in 12 months ¥150,000 < ¥200,000 required: short ¥50,000"
    );
    assert!(gap.text().zh.contains("差 ¥50,000"));
    assert!(!gap.closable_by_plan);
}

#[test]
fn a_tax_grade_no_longer_in_force_admits_nobody() {
    let evaluator = strict();
    let catalog = Catalog::new(vec![base_product()], evaluator.model()).unwrap();
    let options = MatchOptions { near_misses: 100, ..MatchOptions::default() };
    let matcher = Matcher::new(&evaluator, &catalog, options);
    let with_grades = |grades: &[(u16, TaxGrade)]| {
        let mut demand = base_demand();
        demand.enterprise.ratings.tax_grades = grades.iter().copied().collect();
        let result = matcher.match_demand(&demand, as_of()).unwrap();
        assert_eq!(result, matcher.match_demand_full_scan(&demand, as_of()).unwrap());
        result
    };
    // On 2026-06-30 a 2024 grade is still in force (the 2025 one may be late); 2023 is not.
    assert_eq!(with_grades(&[(2024, TaxGrade::A)]).eligible.len(), 1);
    let result = with_grades(&[(2022, TaxGrade::A), (2023, TaxGrade::A)]);
    assert!(result.eligible.is_empty());
    let [gap] = &result.near_misses[0].failed[..] else { panic!("{result:?}") };
    assert_eq!(gap.condition, ConditionId::TaxGrade);
    assert_eq!((gap.required().as_str(), gap.actual().as_deref()), ("A|B", None));
    assert_eq!(gap.text().en.as_ref(), "no tax grade in force (latest: A for 2023), A|B required");
}

#[test]
fn a_listing_past_its_list_term_no_longer_bars_a_loan() {
    let evaluator = strict();
    let catalog = Catalog::new(vec![base_product()], evaluator.model()).unwrap();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let listed = |on: &str| {
        let mut demand = base_demand();
        let json =
            format!(r#"{{"kind": "listing", "list": "major_tax_violation", "listed_on": "{on}"}}"#);
        record(&mut demand, &json);
        let result = matcher.match_demand(&demand, as_of()).unwrap();
        assert_eq!(result, matcher.match_demand_full_scan(&demand, as_of()).unwrap());
        result
    };
    // Published for three years: on 2026-06-30, an entry of 2023-06-30 has gone, one of
    // 2023-07-01 has not.
    assert_eq!(listed("2023-06-30").eligible.len(), 1);
    let barred = listed("2023-07-01");
    assert!(barred.eligible.is_empty());
    let failed: Vec<ConditionId> =
        barred.near_misses[0].failed.iter().map(|g| g.condition).collect();
    assert_eq!(failed, [ConditionId::DishonestListing]);
}

#[test]
fn a_code_too_coarse_to_rule_out_an_excluded_industry_is_out_of_scope() {
    let evaluator = strict();
    let mut product = base_product();
    product.industries.exclude = vec![xinyong::record::Industry::parse("C3911").unwrap()];
    let catalog = Catalog::new(vec![product], evaluator.model()).unwrap();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let coded = |code: &str| {
        let mut demand = base_demand();
        demand.enterprise.industry = xinyong::record::Industry::parse(code);
        let result = matcher.match_demand(&demand, as_of()).unwrap();
        assert_eq!(result, matcher.match_demand_full_scan(&demand, as_of()).unwrap());
        (result.eligible.len(), result.near_misses.len())
    };
    // Neither an offer nor a near miss: the bank cannot tell a "C" firm is not in C3911.
    for code in ["C", "C39", "C391", "C3911"] {
        assert_eq!(coded(code), (0, 0), "{code}");
    }
    assert_eq!(coded("C3912"), (1, 0));
}

#[test]
fn each_bound_binds_in_turn() {
    // Every bound is ¥3m: the tie goes to the product cap, the first in order.
    let mut product = base_product();
    let m = |t: &str| t.parse().unwrap();
    product.limit.grade_caps = ["A", "B", "C", "D"].map(|g| (g.to_owned(), m("3000000"))).into();
    product.limit.k_tax = Some(d("20")); // 20 × 150,000
    product.limit.k_sales = Some(d("0.25")); // 0.25 × 12,000,000
    product.limit.max_total_debt = Some(m("4000000")); // 4m − 1m loans
    let evaluator = strict();
    let tied = run(&evaluator, vec![product.clone()], &base_demand());
    assert_eq!(tied.eligible[0].binding, BoundKind::ProductCap);
    assert_eq!(tied.eligible[0].limit, d("3000000"));
    type Tighten = fn(&mut Product);
    let cases: [(BoundKind, &str, Tighten); 5] = [
        (BoundKind::ProductCap, "400000", |p| p.amount.max = "400000".parse().unwrap()),
        (BoundKind::GradeCap, "700000", |p| {
            p.limit.grade_caps.insert("B".into(), "700000".parse().unwrap());
        }),
        (BoundKind::TaxMultiple, "450000", |p| p.limit.k_tax = Some(d("3"))),
        (BoundKind::SalesMultiple, "600000", |p| p.limit.k_sales = Some(d("0.05"))),
        (BoundKind::DebtHeadroom, "800000", |p| {
            p.limit.max_total_debt = Some("1800000".parse().unwrap())
        }),
    ];
    for (kind, limit, tighten) in cases {
        let mut p = product.clone();
        tighten(&mut p);
        let offer = run(&evaluator, vec![p], &base_demand()).eligible.remove(0);
        assert_eq!((offer.binding, offer.limit), (kind, d(limit)), "{kind:?}");
        assert_eq!(offer.bounds.len(), 5);
        if kind == BoundKind::DebtHeadroom {
            let why = "estimated limit ¥800,000, set by debt ceiling ¥1,800,000 − existing loans ¥1,000,000";
            assert_eq!(offer.explanation().en.as_ref(), why);
        }
        assert_eq!(offer.coverage, d(limit) / d("1000000"));
    }
}

#[test]
fn ties_fall_to_the_product_id_and_the_order_is_configurable() {
    let mk = |id: &str, spread: &str, max: &str, term_max: u32| {
        let mut p = base_product();
        p.id = id.into();
        p.rate.spread = Some(d(spread));
        p.amount.max = max.parse().unwrap();
        p.term_months.max = term_max;
        p
    };
    let products = vec![
        mk("z-same", "0.5", "3000000", 12),
        mk("a-same", "0.5", "3000000", 12),
        mk("cheap-small", "0.1", "500000", 12),
        mk("short-term", "0.5", "3000000", 6),
    ];
    let evaluator = strict();
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let ids = |order: Vec<RankKey>| {
        let options = MatchOptions { order, ..MatchOptions::default() };
        let result = Matcher::new(&evaluator, &catalog, options)
            .match_demand(&base_demand(), as_of())
            .unwrap();
        result.eligible.iter().map(|o| o.product().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(MatchOptions::default().order),
        ["a-same", "z-same", "short-term", "cheap-small"]
    );
    assert_eq!(ids(vec![RankKey::Rate]), ["cheap-small", "a-same", "short-term", "z-same"]);
    assert_eq!(ids(vec![]), ["a-same", "cheap-small", "short-term", "z-same"]);
}

#[test]
fn the_improvement_plan_would_make_a_listed_firm_eligible() {
    let evaluator = Evaluator::default_model();
    let catalog = sample_catalog(&evaluator);
    let demand = &sample_demands()[2];
    let matcher =
        Matcher::new(&evaluator, &catalog, MatchOptions { near_misses: 20, ..Default::default() });
    let result = matcher.match_demand(demand, as_of()).unwrap();
    assert_eq!(result.grade.as_ref(), "D");
    assert!(result.eligible.is_empty());
    let ccb = result.near_misses.iter().find(|m| m.product() == "ccb-tax-cloud").unwrap();
    let failed: Vec<ConditionId> = ccb.failed.iter().map(|g| g.condition).collect();
    assert_eq!(failed, [ConditionId::Grade, ConditionId::DishonestListing]);
    assert!(ccb.failed.iter().all(|g| g.closable_by_plan && g.closable_from == Some(as_of())));
    assert!(ccb.plan_makes_eligible);
    // Without the listing, the same firm is eligible.
    let mut cured = demand.clone();
    cured.enterprise.records.clear();
    let after = matcher.match_demand(&cured, as_of()).unwrap();
    assert!(after.eligible.iter().any(|o| o.product() == "ccb-tax-cloud"));
}

/// A product that caps the limit by grade, for the grades it admits only, turns away a firm
/// below its minimum grade for its grade alone: the limit is read at the grade the plan would
/// give, so the plan still closes the near miss. Both paths, screened and reference, agree.
#[test]
fn a_grade_cap_does_not_keep_out_a_firm_the_plan_would_admit() {
    let evaluator = Evaluator::default_model();
    let demand = &sample_demands()[2];
    let uncapped: Product = serde_json::from_str(
        r#"{"id": "uncapped", "bank": "b", "name": "n",
            "amount": {"min": "10000", "max": "1000000"}, "term_months": {"min": 1, "max": 36},
            "conditions": {"min_grade": "C"}, "rate": {"spread": "0.5"}}"#,
    )
    .unwrap();
    let mut capped = uncapped.clone();
    capped.id = "capped".into();
    capped.limit.grade_caps = [("A", "1000000"), ("B", "500000"), ("C", "200000")]
        .into_iter()
        .map(|(g, a)| (g.to_owned(), xinyong::Amount::new(d(a)).unwrap()))
        .collect();
    // Capped below the smallest loan at the plan's grade: the limit still fails.
    let mut short = capped.clone();
    short.id = "short".into();
    short.limit.grade_caps.insert("A".into(), xinyong::Amount::new(d("5000")).unwrap());
    let catalog = Catalog::new(vec![uncapped, capped, short], evaluator.model()).unwrap();
    let options = MatchOptions { near_misses: 10, ..MatchOptions::default() };
    let matcher = Matcher::new(&evaluator, &catalog, options);
    let result = matcher.match_demand(demand, as_of()).unwrap();
    assert_eq!(result, matcher.match_demand_full_scan(demand, as_of()).unwrap());
    assert_eq!((result.grade.as_ref(), result.plan_grade_after.as_ref()), ("D", "A"));
    let miss = |id: &str| result.near_misses.iter().find(|m| m.product() == id).unwrap();
    for id in ["uncapped", "capped"] {
        let failed: Vec<ConditionId> = miss(id).failed.iter().map(|g| g.condition).collect();
        assert_eq!(failed, [ConditionId::Grade], "{id}");
        assert!(miss(id).plan_makes_eligible, "{id}");
    }
    let short = miss("short");
    let failed: Vec<ConditionId> = short.failed.iter().map(|g| g.condition).collect();
    assert_eq!(failed, [ConditionId::Grade, ConditionId::Limit]);
    assert_eq!(short.failed[1].actual().as_deref(), Some("5000"));
    assert!(!short.plan_makes_eligible);
}

/// A grade gap closes on the first date by which enough of the plan's steps are possible,
/// not on the date of the last step: here the listing's repair (2026-12-01) already lifts the
/// grade to B, while the penalty's (2027-03-01) is not needed.
#[test]
fn a_grade_gap_closes_when_the_steps_it_needs_are_possible() {
    let evaluator = Evaluator::default_model();
    let mut demand = base_demand();
    for json in [
        r#"{"kind": "arrears", "id": "A1", "amount": "50000", "arrears": "tax", "since": "2026-01-10"}"#,
        r#"{"kind": "penalty", "id": "P1", "severity": "serious", "domain": "tax", "measure": "fine",
            "amount": "200000", "decided_on": "2026-03-01"}"#,
        r#"{"kind": "listing", "id": "L1", "list": "serious_violation", "listed_on": "2025-12-01"}"#,
        r#"{"kind": "listing", "id": "L2", "list": "abnormal_operation", "listed_on": "2026-05-01",
            "ground": "no_annual_report"}"#,
    ] {
        record(&mut demand, json);
    }
    let product: Product = serde_json::from_str(
        r#"{"id": "g", "bank": "b", "name": "n", "amount": {"min": "10000", "max": "3000000"},
            "term_months": {"min": 1, "max": 12}, "conditions": {"min_grade": "B"},
            "rate": {"spread": "0.5"}}"#,
    )
    .unwrap();
    let catalog = Catalog::new(vec![product], evaluator.model()).unwrap();
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let result = matcher.match_demand(&demand, as_of()).unwrap();
    assert_eq!(result, matcher.match_demand_full_scan(&demand, as_of()).unwrap());
    let evaluation = evaluator.evaluate(&demand.enterprise, as_of()).unwrap();
    let dates: Vec<Date> = evaluation.plan.steps.iter().map(|s| s.possible_from).collect();
    assert_eq!(dates.iter().max(), Some(&parse_date("2027-03-01").unwrap()), "{dates:?}");
    // With every record but the penalty repaired, the firm is graded B already.
    let mut only_penalty = demand.enterprise.clone();
    only_penalty.records.retain(|r| r.id.as_deref() == Some("P1"));
    assert_eq!(evaluator.evaluate(&only_penalty, as_of()).unwrap().grade.as_ref(), "B");
    let gap = &result.near_misses[0].failed[0];
    assert_eq!((gap.condition, gap.closable_by_plan), (ConditionId::Grade, true));
    assert_eq!(gap.closable_from, Some(parse_date("2026-12-01").unwrap()));
}

/// A reference rate is checked where it is made, for every surface.
#[test]
fn a_negative_reference_rate_is_refused() {
    use xinyong::finance::ReferenceRate;
    let since = parse_date("2026-05-20").unwrap();
    assert_eq!(ReferenceRate::new(d("3.5"), since).unwrap().percent, d("3.5"));
    assert!(ReferenceRate::new(d("-0"), since).is_ok());
    let error = ReferenceRate::new(d("-0.5"), since).unwrap_err();
    assert_eq!((error.kind(), error.path()), ("invalid_field", Some("reference_rate.percent")));
}

#[test]
fn catalog_problems_are_all_reported_with_paths() {
    let text = r#"{"products": [
        {"id": "p", "bank": "b", "name": "n", "amount": {"min": "900", "max": "100"},
         "term_months": {"min": 12, "max": 6}, "regions": ["31x"],
         "conditions": {"min_grade": "AAA", "tax_grades": []},
         "limit": {"k_tax": "-1", "grade_caps": {"Z": "1"}}, "rate": {"spread": "0.5"}},
        {"id": "p", "bank": "b", "name": "n", "amount": {"min": "1", "max": "100"},
         "term_months": {"min": 1, "max": 6}, "conditions": {"min_grade": "B"},
         "rate": {"spread_by_grade": {"A": "0.1"}}}]}"#;
    let err = Catalog::from_json(text, Evaluator::default_model().model()).unwrap_err();
    let xinyong::Error::InvalidModel { problems } = &err else { panic!("{err}") };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    for want in [
        "products[0].amount",
        "products[0].term_months",
        "products[0].regions[0]",
        "products[0].conditions.min_grade",
        "products[0].conditions.tax_grades",
        "products[0].limit.grade_caps.Z",
        "products[0].limit.k_tax",
        "products[1].id",
        "products[1].rate.spread_by_grade",
    ] {
        assert!(paths.contains(&want), "{want} missing from {paths:?}");
    }
    let shape =
        Catalog::from_json(r#"{"products": [{"id": 1}]}"#, Evaluator::default_model().model());
    assert_eq!(shape.unwrap_err().kind(), "invalid_field");
}

#[test]
fn products_never_offered_are_named_and_the_catalog_kept() {
    let evaluator = Evaluator::default_model();
    let with = |id: &str, limit: &str, extra: &str| -> Product {
        let mut p = base_product();
        p.id = id.to_owned();
        p.limit = serde_json::from_str(limit).unwrap();
        if !extra.is_empty() {
            p.conditions.min_grade = Some(extra.to_owned());
        }
        p
    };
    let caps = r#"{"grade_caps": {"A": "9000", "B": "5000", "C": "1", "D": "1"}}"#;
    let products = vec![
        // Listed out of id order: paths follow the input.
        with("z-tax-zero", r#"{"k_tax": "0"}"#, ""),
        with("a-ok", r#"{"k_tax": "5", "max_total_debt": "10000"}"#, ""),
        with("m-debt", r#"{"k_sales": "0", "max_total_debt": "9999.99"}"#, ""),
        with("b-caps", caps, ""),
        // Grade A alone admitted, and its cap reaches the smallest loan.
        with("c-caps-ok", r#"{"grade_caps": {"A": "10000"}}"#, "A"),
    ];
    let mut free = with("d-zero-min", r#"{"k_tax": "0"}"#, "");
    free.amount.min = xinyong::num::Amount::ZERO;
    let mut products = products;
    products.push(free);
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let found: Vec<(&str, &str)> =
        (catalog.never_offered().iter()).map(|p| (p.path.as_str(), p.message.as_str())).collect();
    let paths: Vec<&str> = found.iter().map(|f| f.0).collect();
    assert_eq!(
        paths,
        [
            "products[0].limit.k_tax",
            "products[2].limit.k_sales",
            "products[2].limit.max_total_debt",
            "products[3].limit.grade_caps",
        ]
    );
    assert!(found[0].1.contains("below the smallest loan ¥10,000"), "{found:?}");
    assert!(found[2].1.contains("¥9,999.99"), "{found:?}");
    assert!(found[3].1.contains("at most ¥9,000"), "{found:?}");
    // Kept and matched: never offered, at most a near miss for the limit.
    assert_eq!(catalog.products().len(), 6);
    let m = run(&evaluator, catalog.products().to_vec(), &base_demand());
    let never = ["z-tax-zero", "m-debt", "b-caps"];
    assert!(m.eligible.iter().all(|o| !never.contains(&o.product())), "{:?}", m.eligible);
    assert!(sample_catalog(&evaluator).never_offered().is_empty());
}

#[test]
fn demand_errors_point_into_the_demand() {
    let bad_uscc_date = r#"{"amount": "1", "term_months": 1, "enterprise":
        {"uscc": "91350900587527783P", "name": "t", "established_on": "2010-13-01"}}"#;
    let err = Demand::from_json(bad_uscc_date).unwrap_err();
    assert_eq!((err.kind(), err.path()), ("invalid_field", Some("enterprise.established_on")));
    let zero = r#"{"amount": "0", "term_months": 1, "enterprise": {}}"#;
    assert_eq!(Demand::from_json(zero).unwrap_err().path(), Some("amount"));
}

#[test]
fn a_batch_keeps_going_and_the_index_equals_a_full_scan() {
    let evaluator = Evaluator::default_model();
    let catalog = sample_catalog(&evaluator);
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let text = std::fs::read_to_string(dir().join("demands.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(1, "{not json");
    let future = r#"{"amount": "1", "term_months": 1, "enterprise":
        {"uscc": "91350900587527783P", "name": "t", "established_on": "2027-01-01"}}"#;
    lines.push(future);
    let results = matcher.match_texts(lines.iter().copied(), as_of());
    assert_eq!(results.len(), lines.len());
    assert_eq!(results[1].as_ref().unwrap_err().kind(), "malformed_json");
    assert_eq!(results.last().unwrap().as_ref().unwrap_err().kind(), "future_date");
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 4);
    for demand in sample_demands() {
        let indexed = matcher.match_demand(&demand, as_of()).unwrap();
        assert_eq!(indexed, matcher.match_demand_full_scan(&demand, as_of()).unwrap());
    }
}

#[test]
fn sample_demands_match_their_goldens_and_hand_computation() {
    let bless = std::env::var_os("XINYONG_BLESS").is_some();
    let evaluator = Evaluator::default_model();
    let catalog = sample_catalog(&evaluator);
    assert!(catalog.products().len() >= 12);
    let matcher = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let mut failures = Vec::new();
    for demand in sample_demands() {
        let result = matcher.match_demand(&demand, as_of()).unwrap();
        let actual = result.to_json_pretty() + "\n";
        let path = dir().join(format!("expected/{}.json", demand.id.clone().unwrap()));
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != actual {
            failures.push(path.display().to_string());
        }
    }
    assert!(failures.is_empty(), "goldens differ (bless with XINYONG_BLESS=1):\n{failures:?}");
    // Hand-computed for `xm-clean` (grade A, tax ¥150,000, revenue ¥12m, loans ¥1m, asks ¥1m).
    let result = matcher.match_demand(&sample_demands()[0], as_of()).unwrap();
    let offers: Vec<(&str, String, BoundKind, String)> = result
        .eligible
        .iter()
        .map(|o| {
            (
                o.product(),
                o.limit.normalize().to_string(),
                o.binding,
                o.rate_percent.normalize().to_string(),
            )
        })
        .collect();
    let want = [
        ("ccb-tax-cloud", "1500000", BoundKind::TaxMultiple, "3.25"), // 10 × 150,000
        ("fj-xinyidai", "1200000", BoundKind::TaxMultiple, "3.35"),   // 8 × 150,000
        ("xm-tech-credit", "2400000", BoundKind::SalesMultiple, "3.45"), // 0.2 × 12m
        ("tax-m-starter", "300000", BoundKind::ProductCap, "3.8"),    // cap below 20 × 150,000
    ];
    let got: Vec<(&str, String, BoundKind, String)> = offers;
    let want: Vec<(&str, String, BoundKind, String)> =
        want.iter().map(|&(p, l, b, r)| (p, l.to_owned(), b, r.to_owned())).collect();
    assert_eq!(got, want);
    let misses: Vec<&str> = result.near_misses.iter().map(|m| m.product()).collect();
    // One failure each; the relative gap of tax paid (0.5) is smaller than a collateral miss (1).
    assert_eq!(misses, ["specialised-sme", "guarantee-line", "mortgage-line"]);
}

/// Eligible product ids for each sample demand.
fn eligible_ids(evaluator: &Evaluator, catalog: &Catalog) -> Vec<Vec<String>> {
    let matcher = Matcher::new(evaluator, catalog, MatchOptions::default());
    sample_demands()
        .iter()
        .map(|dm| {
            let r = matcher.match_demand(dm, as_of()).unwrap();
            r.eligible.into_iter().map(|o| o.product().to_string()).collect()
        })
        .collect()
}

/// Makes one condition or limit factor of a product stricter.
fn tighten(p: &mut Product, kind: u8, step: u32) {
    let c = &mut p.conditions;
    let money = |v: u32| Decimal::from(v) * d("1000");
    let amount = |v: Decimal| v.to_string().parse().unwrap();
    match kind {
        0 => {
            let rank = c
                .min_grade
                .as_deref()
                .map_or(3, |g| ["A", "B", "C", "D"].iter().position(|x| *x == g).unwrap());
            c.min_grade =
                Some(["A", "B", "C", "D"][rank.saturating_sub(1 + step as usize % 2)].into());
        }
        1 => {
            let now = c.min_tax_paid_12m.map_or(Decimal::ZERO, |a| a.value());
            c.min_tax_paid_12m = Some(amount(now + money(step)));
        }
        2 => c.min_years_established = Some(c.min_years_established.unwrap_or(0) + step % 8),
        3 => {
            let cap = money(step * 20);
            c.max_existing_loans =
                Some(amount(c.max_existing_loans.map_or(cap, |a| a.value().min(cap))));
        }
        4 => c.max_staff = Some(c.max_staff.map_or(step % 40, |s| s.min(step % 40))),
        5 => {
            let k = Decimal::from(step % 25);
            p.limit.k_tax = Some(p.limit.k_tax.map_or(k, |now| now.min(k)));
        }
        6 => {
            p.amount.min =
                amount((p.amount.min.value() + money(step * 2)).min(p.amount.max.value()))
        }
        7 => {
            let mut grades = c.tax_grades.clone().unwrap_or_else(|| TaxGrade::ALL.to_vec());
            if grades.len() > 1 {
                grades.remove(step as usize % grades.len());
            }
            c.tax_grades = Some(grades);
        }
        8 => {
            c.no_tax_arrears = true;
            c.no_dishonest_listing = true;
            c.tax_payment_within_months =
                Some(c.tax_payment_within_months.unwrap_or(12).min(1 + step % 12));
        }
        _ => {
            let cap = money(step * 10);
            p.limit.max_total_debt =
                Some(amount(p.limit.max_total_debt.map_or(cap, |a| a.value().min(cap))));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn tightening_a_condition_never_adds_a_match(i in 0usize..12, kind in 0u8..10, step in 0u32..500) {
        let evaluator = Evaluator::default_model();
        let catalog = sample_catalog(&evaluator);
        let before = eligible_ids(&evaluator, &catalog);
        let mut products = catalog.products().to_vec();
        tighten(&mut products[i], kind, step);
        let tighter = Catalog::new(products, evaluator.model()).unwrap();
        let after = eligible_ids(&evaluator, &tighter);
        for (b, a) in before.iter().zip(&after) {
            prop_assert!(a.iter().all(|id| b.contains(id)), "{a:?} not within {b:?}");
        }
    }

    #[test]
    fn the_limit_never_exceeds_any_bound(
        k_tax in proptest::option::of(0u32..40),
        k_sales in proptest::option::of(0u32..100),
        debt in proptest::option::of(0u32..6000),
        caps in proptest::option::of([1u32..3000, 1u32..3000, 1u32..3000, 1u32..3000]),
        max in 1u32..5000,
    ) {
        let evaluator = Evaluator::default_model();
        let k = |v: u32, scale: u32| Decimal::new(i64::from(v), scale);
        let mut p = base_product();
        p.conditions = Default::default();
        p.amount.min = "0".parse().unwrap();
        p.amount.max = (k(max, 0) * d("1000")).to_string().parse().unwrap();
        p.limit.k_tax = k_tax.map(|v| k(v, 0));
        p.limit.k_sales = k_sales.map(|v| k(v, 2));
        p.limit.max_total_debt = debt.map(|v| (k(v, 0) * d("1000")).to_string().parse().unwrap());
        if let Some(caps) = caps {
            p.limit.grade_caps = ["A", "B", "C", "D"]
                .iter()
                .zip(caps)
                .map(|(g, c)| ((*g).to_owned(), (k(c, 0) * d("1000")).to_string().parse().unwrap()))
                .collect();
        }
        for demand in sample_demands() {
            let result = run(&evaluator, vec![p.clone()], &demand);
            for offer in &result.eligible {
                prop_assert!(offer.bounds.iter().all(|b| offer.limit <= b.value));
                prop_assert!(offer.bounds.iter().any(|b| b.bound == offer.binding && b.value == offer.limit));
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_catalog_order(
        order in Just((0..12usize).collect::<Vec<_>>()).prop_shuffle()
    ) {
        let evaluator = Evaluator::default_model();
        let catalog = sample_catalog(&evaluator);
        let shuffled: Vec<Product> = order.iter().map(|&i| catalog.products()[i].clone()).collect();
        let shuffled = Catalog::new(shuffled, evaluator.model()).unwrap();
        let (a, b) = (
            Matcher::new(&evaluator, &catalog, MatchOptions::default()),
            Matcher::new(&evaluator, &shuffled, MatchOptions::default()),
        );
        for demand in sample_demands() {
            prop_assert_eq!(a.match_demand(&demand, as_of()).unwrap(), b.match_demand(&demand, as_of()).unwrap());
        }
    }
}

/// The screened path (the index, integer checks, words only for what is reported) against the
/// reference full scan, on a synthetic catalog and registry with the awkward cases mixed in:
/// amounts that are not whole fen (whole demand or product through the reference checks), a
/// fine sales multiple (ratios without a short binary form), graph facts stated or missing,
/// guarantee-backed demands, and more near misses reported than usual.
#[test]
fn the_screened_match_equals_the_reference_scan_on_synthetic_data() {
    use xinyong::Amount;
    use xinyong::finance::GraphFacts;
    use xinyong::synth::{CatalogConfig, SynthConfig, catalog, demands};
    let evaluator = Evaluator::default_model();
    let mut products = catalog(&CatalogConfig::new(400, 7));
    for (i, p) in products.iter_mut().enumerate() {
        if i % 13 == 0 {
            p.amount.min = Amount::new(p.amount.min.value() + d("0.005")).unwrap();
        }
        if i % 17 == 0 {
            p.limit.k_sales = Some(d("0.123456789"));
        }
        if i % 19 == 0 {
            p.conditions.max_guarantee_circle_size = Some(3);
            p.conditions.guarantor_not_closely_linked = p.collateral == Collateral::Guarantee;
        }
    }
    let catalog = Catalog::new(products, evaluator.model()).unwrap();
    let mut all: Vec<Demand> = demands(&SynthConfig::new(160, 3, as_of())).collect();
    for (i, demand) in all.iter_mut().enumerate() {
        match i % 6 {
            1 => {
                let size = u32::try_from(i % 7).unwrap();
                demand.graph_facts = GraphFacts {
                    guarantee_circle_size: Some(size),
                    guarantor_closely_linked: Some(i % 4 == 1),
                };
            }
            2 => {
                demand.collateral = Collateral::Guarantee;
                demand.guarantor = (i % 4 == 2).then(|| "91350200155000013M".to_owned());
            }
            3 => demand.amount = Amount::new(demand.amount.value() + d("0.001")).unwrap(),
            4 => {
                let f = &mut demand.enterprise.finance;
                f.tax_paid_12m = f.tax_paid_12m.map(|t| Amount::new(t.value() + d("0.5")).unwrap());
            }
            // No assessment since 2023: the older grades, if any, are no longer in force.
            5 => demand.enterprise.ratings.tax_grades.retain(|&year, _| year <= 2023),
            _ => {}
        }
    }
    let (mut offers, mut misses) = (0, 0);
    for near_misses in [3, 12] {
        let options = MatchOptions { near_misses, ..MatchOptions::default() };
        let matcher = Matcher::new(&evaluator, &catalog, options);
        for demand in &all {
            let screened = matcher.match_demand(demand, as_of()).unwrap();
            let reference = matcher.match_demand_full_scan(demand, as_of()).unwrap();
            assert_eq!(screened, reference, "{:?}", demand.id);
            assert_eq!(screened.to_json_pretty(), reference.to_json_pretty());
            offers += screened.eligible.len();
            misses += screened.near_misses.len();
        }
    }
    // The data exercise both outcomes, many times over.
    assert!(offers > 1000 && misses > 1000, "{offers} offers, {misses} near misses");
    // Reporting only the best offers keeps the first of the full ranking, on both paths.
    let every = Matcher::new(&evaluator, &catalog, MatchOptions::default());
    let mut cut = 0;
    for best in [0, 1, 4] {
        let options = MatchOptions { offers: Some(best), ..MatchOptions::default() };
        let matcher = Matcher::new(&evaluator, &catalog, options);
        for demand in &all {
            let screened = matcher.match_demand(demand, as_of()).unwrap();
            assert_eq!(screened, matcher.match_demand_full_scan(demand, as_of()).unwrap());
            let mut full = every.match_demand(demand, as_of()).unwrap();
            cut += full.eligible.len().saturating_sub(best);
            full.eligible.truncate(best);
            assert_eq!(screened, full, "{:?}", demand.id);
        }
    }
    assert!(cut > 1000, "{cut} offers cut");
}
