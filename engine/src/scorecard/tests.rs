//! Unit tests: three-valued predicates, reason-code ranking, input treatment and import errors.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::xml::array_entries;
use super::*;

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn num(text: &str) -> Value {
    Value::Number(d(text))
}

fn row(pairs: &[(&str, Value)]) -> Row {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

/// A PMML document with fields `a` and `b` (double) and `c` (string), the given mining-field
/// attributes for `a`, scorecard attributes, and characteristics.
fn pmml(mining_a: &str, card_attributes: &str, characteristics: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <Header/>
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double">
      <Interval closure="closedOpen" leftMargin="0" rightMargin="100"/>
    </DataField>
    <DataField name="b" optype="continuous" dataType="integer"/>
    <DataField name="c" optype="categorical" dataType="string">
      <Value value="x"/><Value value="y z"/><Value value="NA" property="missing"/>
    </DataField>
    <DataField name="score" optype="continuous" dataType="double"/>
  </DataDictionary>
  <Scorecard functionName="regression" {card_attributes}>
    <MiningSchema>
      <MiningField name="a" {mining_a}/>
      <MiningField name="b"/>
      <MiningField name="c" invalidValueTreatment="asMissing"/>
      <MiningField name="score" usageType="target"/>
    </MiningSchema>
    <Characteristics>{characteristics}</Characteristics>
  </Scorecard>
</PMML>"#
    )
}

/// One characteristic per `(code, baseline, attributes)`.
fn characteristics(list: &[(&str, &str, &str)]) -> String {
    list.iter()
        .map(|(code, baseline, attributes)| {
            format!(
                r#"<Characteristic name="{code}Score" reasonCode="{code}" baselineScore="{baseline}">{attributes}</Characteristic>"#
            )
        })
        .collect()
}

fn card(mining_a: &str, card_attributes: &str, list: &[(&str, &str, &str)]) -> Scorecard {
    Scorecard::from_pmml(&pmml(mining_a, card_attributes, &characteristics(list))).unwrap()
}

fn simple(field: &str, op: Operator, value: Option<Value>) -> Predicate {
    Predicate::Simple { field: field.to_string(), op, value }
}

fn compound(op: BooleanOperator, children: Vec<Predicate>) -> Predicate {
    Predicate::Compound { op, children }
}

const T: Option<bool> = Some(true);
const F: Option<bool> = Some(false);
const U: Option<bool> = None;

#[test]
fn simple_predicates_on_missing_fields_are_unknown_except_missing_tests() {
    let empty = Row::new();
    let gt = simple("a", Operator::GreaterThan, Some(num("1")));
    assert_eq!(gt.evaluate(&empty).unwrap(), U);
    assert_eq!(simple("a", Operator::NotEqual, Some(num("1"))).evaluate(&empty).unwrap(), U);
    assert_eq!(simple("a", Operator::IsMissing, None).evaluate(&empty).unwrap(), T);
    assert_eq!(simple("a", Operator::IsNotMissing, None).evaluate(&empty).unwrap(), F);
    let present = row(&[("a", num("1.0"))]);
    assert_eq!(simple("a", Operator::Equal, Some(num("1"))).evaluate(&present).unwrap(), T);
    assert_eq!(simple("a", Operator::LessOrEqual, Some(num("1"))).evaluate(&present).unwrap(), T);
    assert_eq!(gt.evaluate(&present).unwrap(), F);
    assert_eq!(simple("a", Operator::IsMissing, None).evaluate(&present).unwrap(), F);
    let set = Predicate::SimpleSet {
        field: "c".into(),
        op: SetOperator::IsNotIn,
        values: vec![Value::Text("x".into())],
    };
    assert_eq!(set.evaluate(&empty).unwrap(), U);
    assert_eq!(set.evaluate(&row(&[("c", Value::Text("y".into()))])).unwrap(), T);
}

#[test]
fn compound_predicates_follow_three_valued_logic() {
    let t = || Predicate::True;
    let f = || Predicate::False;
    let u = || simple("missing", Operator::Equal, Some(num("1")));
    let cases = [
        (BooleanOperator::And, vec![t(), t()], T),
        (BooleanOperator::And, vec![t(), u()], U),
        (BooleanOperator::And, vec![u(), f()], F),
        (BooleanOperator::Or, vec![f(), f()], F),
        (BooleanOperator::Or, vec![f(), u()], U),
        (BooleanOperator::Or, vec![u(), t()], T),
        (BooleanOperator::Xor, vec![t(), f(), t()], F),
        (BooleanOperator::Xor, vec![t(), f(), f()], T),
        (BooleanOperator::Xor, vec![t(), u()], U),
        (BooleanOperator::Surrogate, vec![u(), f(), t()], F),
        (BooleanOperator::Surrogate, vec![u(), t()], T),
        (BooleanOperator::Surrogate, vec![u(), u()], U),
    ];
    for (op, children, expected) in cases {
        let p = compound(op, children);
        assert_eq!(p.evaluate(&Row::new()).unwrap(), expected, "{p:?}");
    }
}

#[test]
fn unknown_does_not_win_and_no_match_names_the_characteristic() {
    let c = card(
        "",
        "",
        &[(
            "A",
            "0",
            r#"<Attribute partialScore="1"><SimplePredicate field="a" operator="lessThan" value="5"/></Attribute>"#,
        )],
    );
    assert_eq!(c.score(&row(&[("a", num("1"))])).unwrap().score, d("1"));
    let error = c.score(&Row::new()).unwrap_err();
    assert_eq!(error.kind(), "invalid_field");
    assert_eq!(error.path(), Some("AScore"));
    assert_eq!(c.score(&row(&[("a", num("7"))])).unwrap_err().path(), Some("AScore"));
}

const CATCH_ALL: &str = r#"<Attribute partialScore="{}"><True/></Attribute>"#;

fn fixed(points: &str) -> String {
    CATCH_ALL.replace("{}", points)
}

#[test]
fn shared_codes_are_summed_negatives_dropped_zero_kept_ties_in_document_order() {
    // pointsBelow: baseline − partial. A: 10−4 = 6 and 3−6 = −3 share a code: total 3.
    // B: 5−2 = 3 ties with A; A appeared first. C: 1−2 = −1 dropped. D: 2−2 = 0 kept last.
    let c = card(
        "",
        "",
        &[
            ("A", "10", &fixed("4")),
            ("B", "5", &fixed("2")),
            ("A", "3", &fixed("6")),
            ("C", "1", &fixed("2")),
            ("D", "2", &fixed("2")),
        ],
    );
    let result = c.score(&Row::new()).unwrap();
    assert_eq!(result.score, d("16"));
    assert_eq!(result.reason_codes, ["A", "B", "D"]);
}

#[test]
fn points_above_measures_gains_and_codes_can_be_switched_off() {
    let list = [("A", "10", fixed("4")), ("B", "5", fixed("8"))];
    let list: Vec<(&str, &str, &str)> = list.iter().map(|(a, b, c)| (*a, *b, c.as_str())).collect();
    let above = card("", r#"reasonCodeAlgorithm="pointsAbove" initialScore="1.5""#, &list);
    let result = above.score(&Row::new()).unwrap();
    assert_eq!(result.score, d("13.5"));
    assert_eq!(result.reason_codes, ["B"]);
    let below = card("", "", &list);
    assert_eq!(below.score(&Row::new()).unwrap().reason_codes, ["A"]);
    let off = card("", r#"useReasonCodes="false""#, &list);
    assert!(off.score(&Row::new()).unwrap().reason_codes.is_empty());
}

#[test]
fn attribute_codes_override_characteristic_codes() {
    let attributes = r#"<Attribute partialScore="1" reasonCode="OWN"><SimplePredicate field="b" operator="isMissing"/></Attribute>
        <Attribute partialScore="2"><True/></Attribute>"#;
    let c = card("", "", &[("A", "5", attributes)]);
    assert_eq!(c.score(&Row::new()).unwrap().reason_codes, ["OWN"]);
    assert_eq!(c.score(&row(&[("b", num("3"))])).unwrap().reason_codes, ["A"]);
}

#[test]
fn inputs_are_typed_validated_and_treated_per_mining_field() {
    let attributes = r#"<Attribute partialScore="1"><SimplePredicate field="a" operator="isMissing"/></Attribute>
        <Attribute partialScore="2"><SimplePredicate field="a" operator="lessThan" value="50"/></Attribute>
        <Attribute partialScore="3"><True/></Attribute>"#;
    let list = [("A", "0", attributes)];
    // Default invalidValueTreatment is returnInvalid: 100 is outside [0, 100).
    let strict = card("", "", &list);
    assert_eq!(strict.score(&row(&[("a", num("100"))])).unwrap_err().path(), Some("a"));
    assert_eq!(
        strict.score(&row(&[("a", Value::Text("x".into()))])).unwrap_err().path(),
        Some("a")
    );
    assert_eq!(strict.score(&row(&[("a", Value::Text(" 7 ".into()))])).unwrap().score, d("2"));
    let as_missing = card(r#"invalidValueTreatment="asMissing""#, "", &list);
    assert_eq!(as_missing.score(&row(&[("a", num("100"))])).unwrap().score, d("1"));
    let as_is = card(r#"invalidValueTreatment="asIs""#, "", &list);
    assert_eq!(as_is.score(&row(&[("a", num("100"))])).unwrap().score, d("3"));
    assert!(as_is.score(&row(&[("a", Value::Text("x".into()))])).is_err());
    let replaced =
        card(r#"missingValueReplacement="10" missingValueTreatment="asMean""#, "", &list);
    assert_eq!(replaced.score(&Row::new()).unwrap().score, d("2"));
    let refused = card(r#"missingValueTreatment="returnInvalid""#, "", &list);
    assert_eq!(refused.score(&Row::new()).unwrap_err().path(), Some("a"));
}

#[test]
fn integers_refuse_fractions_and_strings_take_numbers_as_text() {
    let attributes = r#"<Attribute partialScore="1"><SimpleSetPredicate field="c" booleanOperator="isIn"><Array n="2" type="string">x "y z"</Array></SimpleSetPredicate></Attribute>
        <Attribute partialScore="2"><SimplePredicate field="c" operator="isMissing"/></Attribute>
        <Attribute partialScore="3"><SimplePredicate field="b" operator="greaterOrEqual" value="2"/></Attribute>"#;
    let c = card("", "", &[("A", "0", attributes)]);
    assert_eq!(c.score(&row(&[("c", Value::Text("y z".into()))])).unwrap().score, d("1"));
    // "NA" is a missing marker; "w" is not a valid value and c treats invalid as missing.
    assert_eq!(c.score(&row(&[("c", Value::Text("NA".into()))])).unwrap().score, d("2"));
    assert_eq!(c.score(&row(&[("c", Value::Text("w".into()))])).unwrap().score, d("2"));
    assert_eq!(c.score(&row(&[("b", num("2.5"))])).unwrap_err().path(), Some("b"));
    assert_eq!(Value::Text("5".into()), DataType::String.convert(&num("5.0")).unwrap());
    assert_eq!(array_entries(r#" a "b \"c\"" d "#), ["a", r#"b "c""#, "d"]);
}

#[test]
fn complex_partial_scores_are_exact_and_missing_results_are_invalid() {
    let attributes = r#"<Attribute><True/><ComplexPartialScore>
        <Apply function="/"><FieldRef field="a"/><Constant>3</Constant></Apply>
        </ComplexPartialScore></Attribute>"#;
    let c = card("", "", &[("A", "0", attributes)]);
    let third = c.score(&row(&[("a", num("1"))])).unwrap().score;
    assert_eq!(third, d("1") / d("3"));
    assert_eq!(c.score(&Row::new()).unwrap_err().path(), Some("AScore"));
    let zero = attributes.replace("<Constant>3</Constant>", "<Constant>0</Constant>");
    let by_zero = card("", "", &[("A", "0", &zero)]);
    assert_eq!(by_zero.score(&row(&[("a", num("1"))])).unwrap_err().path(), Some("AScore"));
    let mapped = attributes.replace(r#"field="a"/>"#, r#"field="a" mapMissingTo="6"/>"#);
    let mapped = card("", "", &[("A", "0", &mapped)]);
    assert_eq!(mapped.score(&Row::new()).unwrap().score, d("2"));
}

fn import_error(xml: &str) -> (String, String) {
    match Scorecard::from_pmml(xml).unwrap_err() {
        Error::InvalidField { path, message } => (path, message),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn unsupported_elements_are_refused_with_their_path() {
    let attributes = format!(
        "{}{}",
        fixed("1"),
        r#"<Attribute partialScore="2"><SimplePredicate field="a" operator="isMissing"/><Note/></Attribute>"#
    );
    let xml = pmml("", "", &characteristics(&[("A", "0", &fixed("0")), ("B", "0", &attributes)]));
    let (path, message) = import_error(&xml);
    assert_eq!(path, "PMML/Scorecard/Characteristics/Characteristic[2]/Attribute[2]/Note");
    assert_eq!(message, "unsupported element `Note`");
    let xml = pmml("", "", &characteristics(&[("A", "0", &fixed("0"))]))
        .replace("<MiningSchema>", "<LocalTransformations/><MiningSchema>");
    assert_eq!(import_error(&xml).0, "PMML/Scorecard/LocalTransformations");
    let apply = r#"<Attribute><True/><ComplexPartialScore><Apply function="exp"><Constant>1</Constant></Apply></ComplexPartialScore></Attribute>"#;
    let xml = pmml("", "", &characteristics(&[("A", "0", apply)]));
    let (path, message) = import_error(&xml);
    assert_eq!(
        path,
        "PMML/Scorecard/Characteristics/Characteristic[1]/Attribute[1]/ComplexPartialScore/Apply"
    );
    assert!(message.contains("`exp`"), "{message}");
}

#[test]
fn malformed_or_inconsistent_documents_are_refused() {
    let (path, message) = import_error("<PMML version=\"4.4\"><DataDictionary></PMML>");
    assert_eq!(path, "PMML");
    assert!(!message.is_empty());
    assert_eq!(import_error("<Model/>").0, "Model");
    let unknown_field = r#"<Attribute partialScore="1"><SimplePredicate field="zz" operator="isMissing"/></Attribute>"#;
    let xml = pmml("", "", &characteristics(&[("A", "0", unknown_field)]));
    let (path, message) = import_error(&xml);
    assert!(path.ends_with("Attribute[1]/SimplePredicate"), "{path}");
    assert!(message.contains("`zz`"), "{message}");
    let no_baseline = pmml(
        "",
        "",
        r#"<Characteristic reasonCode="A"><Attribute partialScore="1"><True/></Attribute></Characteristic>"#,
    );
    assert_eq!(import_error(&no_baseline).0, "PMML/Scorecard/Characteristics/Characteristic[1]");
    let not_number = pmml("", "", &characteristics(&[("A", "0", &fixed("lots"))]));
    assert!(import_error(&not_number).1.contains("partialScore"));
}

/// A card that exercises every construct and every character XML must escape.
fn tricky_card() -> Scorecard {
    let name = "a & \"b\" <c> 'd'\tе";
    let field = |data_type, optype| DataField {
        name: name.to_string(),
        optype,
        data_type,
        intervals: Vec::new(),
        values: vec![
            FieldValue { value: "x y".into(), property: ValueProperty::Valid },
            FieldValue { value: "q\"\\".into(), property: ValueProperty::Valid },
            FieldValue { value: "N/A\n".into(), property: ValueProperty::Missing },
        ],
    };
    let mut number = field(DataType::Double, OpType::Continuous);
    number.name = "n".into();
    number.values.clear();
    number.intervals.push(Interval {
        closure: Closure::OpenClosed,
        left_margin: None,
        right_margin: Some(d("1.5")),
    });
    let text = |s: &str| Value::Text(s.to_string());
    let set = Predicate::SimpleSet {
        field: name.into(),
        op: SetOperator::IsNotIn,
        values: vec![text("x y"), text("q\"")],
    };
    let complex = Expression::Apply {
        function: Function::Divide,
        args: vec![
            Expression::FieldRef { field: "n".into(), map_missing_to: Some(num("2")) },
            Expression::Constant { value: Value::Missing },
        ],
        map_missing_to: Some(num("-1")),
    };
    let attributes = vec![
        Attribute {
            predicate: compound(
                BooleanOperator::Surrogate,
                vec![set, simple("n", Operator::GreaterOrEqual, Some(num("0.25")))],
            ),
            partial_score: PartialScore::Complex(complex),
            reason_code: Some("<&>\r\n".into()),
        },
        Attribute {
            predicate: Predicate::True,
            partial_score: PartialScore::Fixed(d("-7.5")),
            reason_code: None,
        },
    ];
    Scorecard {
        model_name: Some(name.into()),
        initial_score: d("600"),
        use_reason_codes: true,
        reasoncode_algorithm: ReasonCodeAlgorithm::PointsAbove,
        baseline_method: BaselineMethod::Neutral,
        baseline_score: Some(d("3")),
        data_fields: vec![field(DataType::String, OpType::Categorical), number],
        mining_fields: vec![
            MiningField {
                name: name.into(),
                usage_type: UsageType::Active,
                missing_value_treatment: Some(MissingValueTreatment::AsMode),
                missing_value_replacement: Some(text(" x y")),
                invalid_value_treatment: InvalidValueTreatment::AsIs,
            },
            MiningField {
                name: "n".into(),
                usage_type: UsageType::Active,
                missing_value_treatment: None,
                missing_value_replacement: None,
                invalid_value_treatment: InvalidValueTreatment::ReturnInvalid,
            },
        ],
        characteristics: vec![Characteristic {
            name: Some("&c".into()),
            reason_code: Some("R'".into()),
            baseline_score: None,
            attributes,
            missing: None,
            unseen: None,
        }],
        scaling: Some(Scaling {
            pdo: d("20"),
            rate: d("2"),
            odds: d("0.0526"),
            odds_direction: OddsDirection::BadToGood,
            points: d("600"),
            intercept: InterceptPlacement::Spread,
            rounding: Rounding::Integer,
        }),
    }
}

#[test]
fn pmml_export_escapes_text_and_reads_back_equal() {
    let card = tricky_card();
    let xml = card.to_pmml();
    assert!(xml.contains("a &amp; &quot;b&quot; &lt;c&gt; &apos;d&apos;&#9;е"), "{xml}");
    assert_eq!(Scorecard::from_pmml(&xml).unwrap(), card);
    let json = serde_json::to_string(&card).unwrap();
    assert_eq!(serde_json::from_str::<Scorecard>(&json).unwrap(), card);
    // The missing constant makes the division missing, mapped to −1: 600 − 1.
    assert_eq!(card.score(&row(&[("n", num("1"))])).unwrap().score, d("599"));
}

#[test]
fn scaling_survives_pmml_and_json_and_leaves_scores_alone() {
    let mut card = tricky_card();
    let xml = card.to_pmml();
    assert!(xml.contains(r#"<Extension extender="xinyong" name="scaling">"#), "{xml}");
    assert!(xml.contains(r#"oddsDirection="badToGood""#), "{xml}");
    let back = Scorecard::from_pmml(&xml).unwrap();
    assert_eq!(back.scaling, card.scaling);
    let json = serde_json::to_string(&back).unwrap();
    assert_eq!(serde_json::from_str::<Scorecard>(&json).unwrap().scaling, card.scaling);
    let input = row(&[("n", num("1"))]);
    let scored = card.score(&input).unwrap();
    card.scaling = None;
    assert_eq!(card.score(&input).unwrap(), scored);
    assert_eq!(Scorecard::from_pmml(&card.to_pmml()).unwrap().scaling, None);
    // Cards saved before scaling existed read as unscaled.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("scaling");
    assert_eq!(serde_json::from_value::<Scorecard>(old).unwrap().scaling, None);
}

#[test]
fn a_bad_scaling_extension_is_refused_with_its_path() {
    let xml = tricky_card().to_pmml().replace(r#"pdo="20""#, r#"pdo="-1""#);
    let (path, message) = import_error(&xml);
    assert_eq!(path, "PMML/Scorecard/Extension/Scaling", "{message}");
    assert!(message.contains("scaling.pdo"), "{message}");
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let depth = 10_000;
    let open = r#"<CompoundPredicate booleanOperator="and"><True/>"#.repeat(depth);
    let close = "</CompoundPredicate>".repeat(depth);
    let attribute = format!(r#"<Attribute partialScore="1">{open}<True/>{close}</Attribute>"#);
    let xml = pmml("", "", &characteristics(&[("A", "0", &attribute)]));
    let (path, message) = import_error(&xml);
    assert_eq!(path.matches("/CompoundPredicate").count(), 64, "{path}");
    assert!(message.contains("nested deeper"), "{message}");
}
