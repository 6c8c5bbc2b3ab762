//! Every policy on every scoring path (row scorer, compiled values, float columns), and through
//! the PMML and JSON round trips.

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::scorecard::{Column, CompiledScorecard, Policy, Row, Scorecard, ScorecardResult, Value};

/// Two plain numeric inputs, so float columns take the threshold fast path. `A` leaves
/// `[50, 80)` unbinned and has a characteristic code `RA` plus an attribute code `RA_LOW`;
/// `B` bins every number.
const CARD: &str = r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="double"/>
  </DataDictionary>
  <Scorecard functionName="regression" initialScore="100" useReasonCodes="true">
    <MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
    <Characteristics>
      <Characteristic name="A" reasonCode="RA" baselineScore="20">
        <Attribute partialScore="5" reasonCode="RA_LOW"><SimplePredicate field="a" operator="lessThan" value="10"/></Attribute>
        <Attribute partialScore="20">
          <CompoundPredicate booleanOperator="and">
            <SimplePredicate field="a" operator="greaterOrEqual" value="10"/>
            <SimplePredicate field="a" operator="lessThan" value="50"/>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="30"><SimplePredicate field="a" operator="greaterOrEqual" value="80"/></Attribute>
      </Characteristic>
      <Characteristic name="B" reasonCode="RB" baselineScore="10">
        <Attribute partialScore="0"><SimplePredicate field="b" operator="lessThan" value="0"/></Attribute>
        <Attribute partialScore="10"><SimplePredicate field="b" operator="greaterOrEqual" value="0"/></Attribute>
      </Characteristic>
    </Characteristics>
  </Scorecard>
</PMML>"#;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn base() -> Scorecard {
    Scorecard::from_pmml(CARD).unwrap()
}

fn with(missing: Option<Policy>, unseen: Option<Policy>) -> Scorecard {
    let mut card = base();
    card.characteristics[0].missing = missing;
    card.characteristics[0].unseen = unseen;
    card
}

fn show(result: &crate::error::Result<ScorecardResult>) -> String {
    match result {
        Ok(r) => format!("{} {:?}", r.score.normalize(), r.reason_codes),
        Err(e) => format!("{}: {e}", e.kind()),
    }
}

/// The outcome on every path, checked equal: the row scorer's, as text.
fn outcome(card: &Scorecard, a: f64, b: f64) -> String {
    let values = [Value::from_f64(a), Value::from_f64(b)];
    let row: Row = ["a", "b"].iter().map(|f| f.to_string()).zip(values.iter().cloned()).collect();
    let reference = show(&card.score(&row));
    let compiled = CompiledScorecard::new(card);
    let single = show(&compiled.score(&values).map(|s| s.to_result(&compiled)));
    let columns: Vec<Vec<Value>> = values.iter().map(|v| vec![v.clone()]).collect();
    let slices: Vec<&[Value]> = columns.iter().map(Vec::as_slice).collect();
    let batch = compiled.score_columns(&slices).pop().map(|r| r.map(|s| s.to_result(&compiled)));
    let floats = [[a], [b]];
    let float_batch = compiled
        .score_batch(&floats.each_ref().map(|c| Column::Floats(c)), 1)
        .pop()
        .map(|r| r.map(|s| s.to_result(&compiled)));
    assert_eq!(single, reference, "compiled values, a={a} b={b}");
    assert_eq!(batch.as_ref().map(show), Some(reference.clone()), "columns, a={a} b={b}");
    assert_eq!(float_batch.as_ref().map(show), Some(reference.clone()), "floats, a={a} b={b}");
    reference
}

/// Each policy, what it gives `A` (score with `B` = 10, and the ranked codes: `B` always has
/// 0 reason points, kept as a zero total).
fn table() -> Vec<(Policy, &'static str)> {
    vec![
        (Policy::Neutral, r#"130 ["RA", "RB"]"#),
        (Policy::Min, r#"115 ["RA_LOW", "RB"]"#),
        (Policy::Max, r#"140 ["RB"]"#),
        (Policy::Points(d("12.5")), r#"122.5 ["RA", "RB"]"#),
        (Policy::Attribute(0), r#"115 ["RA_LOW", "RB"]"#),
        (Policy::Attribute(2), r#"140 ["RB"]"#),
    ]
}

#[test]
fn without_policies_a_missing_or_unseen_input_is_an_error() {
    let card = base();
    assert!(outcome(&card, f64::NAN, 5.0).contains("no attribute applies"));
    assert!(outcome(&card, 60.0, 5.0).contains("no attribute applies"));
    assert_eq!(outcome(&card, 20.0, 5.0), r#"130 ["RA", "RB"]"#);
}

#[test]
fn every_missing_policy_on_every_path() {
    for (policy, expected) in table() {
        let card = with(Some(policy.clone()), None);
        assert!(CompiledScorecard::new(&card).has_fast_path(), "{policy}");
        assert_eq!(outcome(&card, f64::NAN, 5.0), expected, "missing {policy}");
        // The unseen case is untouched.
        assert!(outcome(&card, 60.0, 5.0).contains("no attribute applies"), "{policy}");
        // Binned values are untouched.
        assert_eq!(outcome(&card, 90.0, 5.0), r#"140 ["RB"]"#, "{policy}");
    }
    let refusing = with(Some(Policy::Error), None);
    let refused = outcome(&refusing, f64::NAN, 5.0);
    assert!(refused.starts_with("invalid_field"), "{refused}");
    assert!(
        refused.contains("`A`: the input is missing and the missing policy is `error`"),
        "{refused}"
    );
    assert_eq!(outcome(&refusing, 20.0, 5.0), r#"130 ["RA", "RB"]"#);
}

#[test]
fn every_unseen_policy_on_every_path() {
    for (policy, expected) in table() {
        let card = with(None, Some(policy.clone()));
        assert!(CompiledScorecard::new(&card).has_fast_path(), "{policy}");
        assert_eq!(outcome(&card, 60.0, 5.0), expected, "unseen {policy}");
        // Just below and at the edges of the gap.
        assert_eq!(outcome(&card, 50.0, 5.0), expected, "unseen {policy}");
        assert_eq!(outcome(&card, 79.99, 5.0), expected, "unseen {policy}");
        assert_eq!(outcome(&card, 49.99, 5.0), r#"130 ["RA", "RB"]"#, "{policy}");
        // A missing input is not unseen: still an error without a missing policy.
        assert!(outcome(&card, f64::NAN, 5.0).contains("no attribute applies"), "{policy}");
    }
    let card = with(None, Some(Policy::Error));
    assert!(outcome(&card, 60.0, 5.0).contains("no attribute applies"));
}

#[test]
fn a_missing_policy_decides_before_the_cards_own_missing_bin() {
    let mut card = base();
    let missing_bin = crate::scorecard::Attribute {
        predicate: crate::scorecard::Predicate::Simple {
            field: "b".into(),
            op: crate::scorecard::Operator::IsMissing,
            value: None,
        },
        partial_score: crate::scorecard::PartialScore::Fixed(d("3")),
        reason_code: None,
    };
    card.characteristics[1].attributes.insert(0, missing_bin);
    assert_eq!(outcome(&card, 20.0, f64::NAN), r#"123 ["RB", "RA"]"#);
    card.characteristics[1].missing = Some(Policy::Points(d("7")));
    assert_eq!(outcome(&card, 20.0, f64::NAN), r#"127 ["RB", "RA"]"#);
}

#[test]
fn neutral_without_any_baseline_is_zero_points() {
    let mut card = with(Some(Policy::Neutral), Some(Policy::Neutral));
    card.use_reason_codes = false;
    card.characteristics[0].baseline_score = None;
    assert_eq!(outcome(&card, f64::NAN, 5.0), "110 []");
    assert_eq!(outcome(&card, 60.0, 5.0), "110 []");
}

#[test]
fn a_characteristic_reading_two_fields_applies_its_missing_policy_when_either_is_missing() {
    let mut card = base();
    let both = crate::scorecard::Predicate::Compound {
        op: crate::scorecard::BooleanOperator::And,
        children: vec![
            crate::scorecard::Predicate::Simple {
                field: "a".into(),
                op: crate::scorecard::Operator::LessThan,
                value: Some(Value::Number(d("1000"))),
            },
            crate::scorecard::Predicate::Simple {
                field: "b".into(),
                op: crate::scorecard::Operator::LessThan,
                value: Some(Value::Number(d("1000"))),
            },
        ],
    };
    card.characteristics[1].attributes = vec![crate::scorecard::Attribute {
        predicate: both,
        partial_score: crate::scorecard::PartialScore::Fixed(d("10")),
        reason_code: None,
    }];
    card.characteristics[1].missing = Some(Policy::Points(d("1")));
    card.characteristics[1].unseen = Some(Policy::Points(d("2")));
    assert_eq!(outcome(&card, 20.0, 5.0), r#"130 ["RA", "RB"]"#);
    assert_eq!(outcome(&card, 20.0, f64::NAN), r#"121 ["RB", "RA"]"#);
    assert_eq!(outcome(&card, 2000.0, 5.0), r#"132 ["RB"]"#);
    assert_eq!(outcome(&card, 20.0, 5000.0), r#"122 ["RB", "RA"]"#);
}

#[test]
fn a_policy_that_cannot_apply_is_an_error_naming_the_characteristic() {
    for (policy, why) in [
        (Policy::Attribute(3), "the policy names attribute 3 but the characteristic has 3"),
        (Policy::Min, "needs an attribute with a fixed partial score"),
    ] {
        let mut card = with(Some(policy.clone()), None);
        if policy == Policy::Min {
            for attribute in &mut card.characteristics[0].attributes {
                attribute.partial_score = crate::scorecard::PartialScore::Complex(
                    crate::scorecard::Expression::Constant { value: Value::Number(d("1")) },
                );
            }
        }
        let error = card.check_policies().unwrap_err();
        assert_eq!(error.kind(), "invalid_field");
        assert!(error.to_string().contains(why), "{error}");
        // Every row, on every path, even one the policy would not touch.
        let shown = outcome(&card, 20.0, 5.0);
        assert!(shown.contains(why), "{shown}");
        // The PMML importer refuses it.
        let error = Scorecard::from_pmml(&card.to_pmml()).unwrap_err();
        assert!(error.to_string().contains(why), "{error}");
    }
}

#[test]
fn policies_survive_pmml_and_json_round_trips() {
    let mut policies: Vec<Policy> = table().into_iter().map(|(p, _)| p).collect();
    policies.push(Policy::Error);
    for policy in policies {
        let card = with(Some(policy.clone()), Some(policy.clone()));
        let xml = card.to_pmml();
        let extension =
            format!(r#"<Extension extender="xinyong" name="missing" value="{policy}"/>"#);
        assert!(xml.contains(&extension), "{xml}");
        let back = Scorecard::from_pmml(&xml).unwrap();
        assert_eq!(back, card, "{policy}");
        let json = serde_json::to_string(&card).unwrap();
        let again: Scorecard = serde_json::from_str(&json).unwrap();
        assert_eq!(again, card, "{policy}");
        for (a, b) in [(f64::NAN, 5.0), (60.0, 5.0), (20.0, -1.0)] {
            assert_eq!(outcome(&back, a, b), outcome(&card, a, b), "{policy}");
            assert_eq!(outcome(&again, a, b), outcome(&card, a, b), "{policy}");
        }
    }
}

#[test]
fn the_json_form_of_each_policy() {
    let spelled = [
        (Policy::Error, r#""error""#),
        (Policy::Neutral, r#""neutral""#),
        (Policy::Min, r#""min""#),
        (Policy::Max, r#""max""#),
        (Policy::Points(d("-12.50")), r#"{"points":"-12.5"}"#),
        (Policy::Attribute(2), r#"{"attribute":2}"#),
    ];
    for (policy, json) in spelled {
        assert_eq!(serde_json::to_string(&policy).unwrap(), json);
        assert_eq!(serde_json::from_str::<Policy>(json).unwrap(), policy);
        assert_eq!(Policy::parse(&policy.to_string()), Some(policy));
    }
    // A card without policies writes no policy members (existing JSON stays as it was).
    let json = serde_json::to_string(&base()).unwrap();
    assert!(!json.contains("missing\":") && !json.contains("unseen"), "{json}");
    // A misspelt member is refused rather than dropped.
    let misspelt = json.replacen(r#""attributes""#, r#""mising":"min","attributes""#, 1);
    let error = serde_json::from_str::<Scorecard>(&misspelt).unwrap_err();
    assert!(error.to_string().contains("unknown field `mising`"), "{error}");
    for bad in ["median", "points:", "points:x", "attribute:-1", "attribute:+1", "attribute"] {
        assert_eq!(Policy::parse(bad), None, "{bad}");
    }
}

#[test]
fn the_importer_reads_our_extensions_and_refuses_bad_ones() {
    let with_extension = |extension: &str| {
        CARD.replace(
            r#"<Characteristic name="A" reasonCode="RA" baselineScore="20">"#,
            &format!(r#"<Characteristic name="A" reasonCode="RA" baselineScore="20">{extension}"#),
        )
    };
    let card = Scorecard::from_pmml(&with_extension(
        r#"<Extension extender="xinyong" name="unseen" value="points:7"/><Extension extender="other" name="missing" value="whatever"/>"#,
    ))
    .unwrap();
    assert_eq!(card.characteristics[0].unseen, Some(Policy::Points(d("7"))));
    assert_eq!(card.characteristics[0].missing, None);
    for (extension, why) in [
        (r#"<Extension extender="xinyong" name="missing" value="median"/>"#, "`median`"),
        (r#"<Extension extender="xinyong" name="absent" value="min"/>"#, "`absent`"),
        (r#"<Extension extender="xinyong" name="missing"/>"#, "missing attribute `value`"),
        (
            r#"<Extension extender="xinyong" name="missing" value="min"/><Extension extender="xinyong" name="missing" value="max"/>"#,
            "given twice",
        ),
    ] {
        let error = Scorecard::from_pmml(&with_extension(extension)).unwrap_err();
        assert!(error.to_string().contains(why), "{extension}: {error}");
        assert!(error.to_string().contains("Characteristic[1]/Extension"), "{error}");
    }
}

fn policy() -> impl Strategy<Value = Option<Policy>> {
    prop_oneof![
        Just(None),
        Just(Some(Policy::Error)),
        Just(Some(Policy::Neutral)),
        Just(Some(Policy::Min)),
        Just(Some(Policy::Max)),
        (-400i64..400).prop_map(|p| Some(Policy::Points(Decimal::new(p, 1)))),
        (0usize..3).prop_map(|i| Some(Policy::Attribute(i))),
    ]
}

fn input() -> impl Strategy<Value = f64> {
    let edges = prop::sample::select(vec![f64::NAN, 10.0, 50.0, 80.0, 0.0, -0.0, 49.999, 79.5]);
    prop_oneof![edges, (-200i32..200).prop_map(|h| f64::from(h) / 2.0), any::<f64>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    /// Whatever the policies, the three paths agree (`outcome` asserts it), a policy other
    /// than `error` never leaves a missing or unseen input without a score, and binned inputs
    /// score as without policies.
    #[test]
    fn policies_agree_on_every_path(
        missing in policy(),
        unseen in policy(),
        a in input(),
        b in input(),
    ) {
        let card = with(missing.clone(), unseen.clone());
        let shown = outcome(&card, a, b);
        let plain = outcome(&base(), a, b);
        let b_scores = matches!(Value::from_f64(b), Value::Number(_));
        let a_unseen = (50.0..80.0).contains(&a);
        let decided = match (a.is_nan(), a_unseen) {
            (true, _) => missing.as_ref(),
            (false, true) => unseen.as_ref(),
            (false, false) => None,
        };
        if a.is_nan() || a_unseen {
            if b_scores && decided.is_some_and(|p| *p != Policy::Error) {
                prop_assert!(!shown.starts_with("invalid_field"), "{shown}");
            }
        } else {
            prop_assert_eq!(shown, plain);
        }
    }
}
