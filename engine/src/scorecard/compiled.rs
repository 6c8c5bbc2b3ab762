//! A scorecard compiled for scoring many rows.
//!
//! [`Scorecard::score`](super::Scorecard::score) reads a [`Row`](super::Row) keyed by field
//! name, which suits one case at a time. Scoring a column batch that way builds a map per row
//! and looks every field up by name in every predicate. [`CompiledScorecard`] resolves each
//! field to its position once, so a row is a slice of values in [`CompiledScorecard::fields`]
//! order, and reason codes come back as indices into [`CompiledScorecard::reason_codes`]
//! (no string per row). The predicates, comparisons, input treatment and ranking are the very
//! functions the row scorer uses; only the lookup differs, and a property test holds the two to
//! identical results, errors included.

use rust_decimal::Decimal;

use super::expr::{self, BooleanOperator, Expression, Operator, Predicate, SetOperator};
use super::{
    DataField, MiningField, PartialScore, ReasonCodeAlgorithm, Scorecard, ScorecardResult,
    UsageType, Value, overflow,
};
use crate::error::{Error, Result};

/// A predicate whose fields are positions in the row.
#[derive(Debug, Clone)]
enum Compiled {
    True,
    False,
    Simple { slot: usize, field: String, op: Operator, value: Option<Value> },
    SimpleSet { slot: usize, field: String, op: SetOperator, values: Vec<Value> },
    Compound { op: BooleanOperator, children: Vec<Compiled> },
}

impl Compiled {
    fn new(predicate: &Predicate, slot_of: &dyn Fn(&str) -> usize) -> Compiled {
        match predicate {
            Predicate::True => Compiled::True,
            Predicate::False => Compiled::False,
            Predicate::Simple { field, op, value } => Compiled::Simple {
                slot: slot_of(field),
                field: field.clone(),
                op: *op,
                value: value.clone(),
            },
            Predicate::SimpleSet { field, op, values } => Compiled::SimpleSet {
                slot: slot_of(field),
                field: field.clone(),
                op: *op,
                values: values.clone(),
            },
            Predicate::Compound { op, children } => Compiled::Compound {
                op: *op,
                children: children.iter().map(|c| Compiled::new(c, slot_of)).collect(),
            },
        }
    }

    fn evaluate(&self, inputs: &[Value]) -> Result<Option<bool>> {
        let at = |slot: usize| inputs.get(slot).unwrap_or(&Value::Missing);
        match self {
            Compiled::True => Ok(Some(true)),
            Compiled::False => Ok(Some(false)),
            Compiled::Simple { slot, field, op, value } => {
                expr::simple(field, *op, value.as_ref(), at(*slot))
            }
            Compiled::SimpleSet { slot, field, op, values } => {
                expr::simple_set(field, *op, values, at(*slot))
            }
            Compiled::Compound { op, children } => {
                expr::compound(*op, children.iter().map(|c| c.evaluate(inputs)))
            }
        }
    }
}

/// One bin, with what its reason code needs.
#[derive(Debug, Clone)]
struct Bin {
    predicate: Compiled,
    points: PartialScore,
    /// Index into `reason_codes`: the attribute's code, else the characteristic's.
    code: Option<u32>,
    /// The characteristic's baseline, else the scorecard's.
    baseline: Option<Decimal>,
}

#[derive(Debug, Clone)]
struct Bins {
    /// The characteristic's name, else `characteristics[i]`, as errors give it.
    label: String,
    bins: Vec<Bin>,
}

/// One active input: how it is typed and treated.
#[derive(Debug, Clone)]
struct Input {
    mining: MiningField,
    /// `None` when the data dictionary lacks the field (every row is then an error, as with
    /// the row scorer).
    field: Option<DataField>,
}

/// A scorecard compiled for batches: see the module documentation.
///
/// ```
/// use xinyong::scorecard::{CompiledScorecard, Scorecard, Value};
/// use xinyong::Decimal;
///
/// let pmml = r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
///   <DataDictionary><DataField name="age" optype="continuous" dataType="integer"/></DataDictionary>
///   <Scorecard functionName="regression" initialScore="10">
///     <MiningSchema><MiningField name="age"/></MiningSchema>
///     <Characteristics>
///       <Characteristic name="ageScore" reasonCode="AGE" baselineScore="5">
///         <Attribute partialScore="1"><SimplePredicate field="age" operator="lessThan" value="30"/></Attribute>
///         <Attribute partialScore="8"><True/></Attribute>
///       </Characteristic>
///     </Characteristics>
///   </Scorecard>
/// </PMML>"#;
/// let card = CompiledScorecard::new(&Scorecard::from_pmml(pmml)?);
/// assert_eq!(card.fields(), ["age"]);
/// let ages = [Value::Number(Decimal::from(25)), Value::Number(Decimal::from(40))];
/// let scored = card.score_columns(&[&ages]);
/// let first = scored[0].as_ref().unwrap();
/// assert_eq!(first.score, Decimal::from(11));
/// assert_eq!(card.reason_codes()[first.reason_codes[0] as usize], "AGE");
/// assert_eq!(scored[1].as_ref().unwrap().score, Decimal::from(18));
/// # Ok::<(), xinyong::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CompiledScorecard {
    fields: Vec<String>,
    inputs: Vec<Input>,
    characteristics: Vec<Bins>,
    reason_codes: Vec<String>,
    initial_score: Decimal,
    use_reason_codes: bool,
    algorithm: ReasonCodeAlgorithm,
}

/// The outcome of scoring one row with a [`CompiledScorecard`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scored {
    /// Initial score plus every characteristic's partial score.
    pub score: Decimal,
    /// Reason codes, most important first, as indices into
    /// [`CompiledScorecard::reason_codes`].
    pub reason_codes: Vec<u32>,
}

impl CompiledScorecard {
    /// Compiles `card`. Fields the characteristics mention but the mining schema does not make
    /// active read as missing, exactly as in [`Scorecard::score`].
    pub fn new(card: &Scorecard) -> CompiledScorecard {
        let active: Vec<&MiningField> =
            card.mining_fields.iter().filter(|m| m.usage_type == UsageType::Active).collect();
        let fields: Vec<String> = active.iter().map(|m| m.name.clone()).collect();
        let inputs = active
            .iter()
            .map(|m| Input {
                mining: (*m).clone(),
                field: card.data_fields.iter().find(|f| f.name == m.name).cloned(),
            })
            .collect();
        // A later duplicate of a field name replaces the earlier value in a row, so the last
        // position wins; a name that is not active gets a position past the end (missing).
        let slot_of = |name: &str| fields.iter().rposition(|f| f == name).unwrap_or(usize::MAX);
        let mut reason_codes: Vec<String> = Vec::new();
        let mut code_index = |code: &str| -> u32 {
            let at = reason_codes.iter().position(|c| c == code).unwrap_or_else(|| {
                reason_codes.push(code.to_owned());
                reason_codes.len() - 1
            });
            u32::try_from(at).unwrap_or(u32::MAX)
        };
        let characteristics = card
            .characteristics
            .iter()
            .enumerate()
            .map(|(index, c)| Bins {
                label: c.label(index),
                bins: c
                    .attributes
                    .iter()
                    .map(|a| Bin {
                        predicate: Compiled::new(&a.predicate, &slot_of),
                        points: a.partial_score.clone(),
                        code: a
                            .reason_code
                            .as_deref()
                            .or(c.reason_code.as_deref())
                            .map(&mut code_index),
                        baseline: c.baseline_score.or(card.baseline_score),
                    })
                    .collect(),
            })
            .collect();
        CompiledScorecard {
            fields,
            inputs,
            characteristics,
            reason_codes,
            initial_score: card.initial_score,
            use_reason_codes: card.use_reason_codes,
            algorithm: card.reasoncode_algorithm,
        }
    }

    /// The active fields, in the order rows and columns give their values.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Every reason code the card can give; [`Scored::reason_codes`] indexes this list.
    pub fn reason_codes(&self) -> &[String] {
        &self.reason_codes
    }

    /// Scores one row: `values[i]` is the raw value of `fields()[i]`; values past the end are
    /// missing. Same results and errors as [`Scorecard::score`] on the same values.
    pub fn score(&self, values: &[Value]) -> Result<Scored> {
        let mut prepared = Vec::with_capacity(self.inputs.len());
        let mut out = Scored::default();
        self.score_into(|i| values.get(i), &mut prepared, &mut out)?;
        Ok(out)
    }

    /// Scores every row of equally long columns given in `fields()` order (a missing column,
    /// or a short one, reads as missing values); one result per row of the longest column.
    pub fn score_columns(&self, columns: &[&[Value]]) -> Vec<Result<Scored>> {
        let rows = columns.iter().map(|c| c.len()).max().unwrap_or(0);
        let mut prepared = Vec::with_capacity(self.inputs.len());
        (0..rows)
            .map(|row| {
                let mut out = Scored::default();
                let value = |i: usize| columns.get(i).and_then(|c| c.get(row));
                self.score_into(value, &mut prepared, &mut out).map(|()| out)
            })
            .collect()
    }

    /// Scores the row whose raw values `value(i)` gives (`None`: missing) into `out`, with
    /// `prepared` as scratch space, so that a caller looping over rows allocates nothing per
    /// row beyond the reason codes.
    pub fn score_into<'v>(
        &self,
        value: impl Fn(usize) -> Option<&'v Value>,
        prepared: &mut Vec<Value>,
        out: &mut Scored,
    ) -> Result<()> {
        prepared.clear();
        for (i, input) in self.inputs.iter().enumerate() {
            let Some(field) = &input.field else {
                return Err(Error::field(
                    &input.mining.name,
                    "the mining field is not in the data dictionary",
                ));
            };
            prepared.push(input.mining.prepare(field, value(i).unwrap_or(&Value::Missing))?);
        }
        out.score = self.initial_score;
        out.reason_codes.clear();
        let mut points: Vec<(u32, Decimal)> = Vec::new();
        for c in &self.characteristics {
            let (bin, partial) = self.matched(c, prepared)?;
            out.score = out.score.checked_add(partial).ok_or_else(|| overflow(&c.label))?;
            if !self.use_reason_codes {
                continue;
            }
            let baseline = bin
                .baseline
                .ok_or_else(|| Error::field(&c.label, "no baselineScore for reason codes"))?;
            let code = bin
                .code
                .ok_or_else(|| Error::field(&c.label, "no reasonCode for the matched attribute"))?;
            let difference = match self.algorithm {
                ReasonCodeAlgorithm::PointsBelow => baseline.checked_sub(partial),
                ReasonCodeAlgorithm::PointsAbove => partial.checked_sub(baseline),
            }
            .ok_or_else(|| overflow(&c.label))?;
            match points.iter_mut().find(|(c, _)| *c == code) {
                Some((_, total)) => {
                    *total = total.checked_add(difference).ok_or_else(|| overflow(&c.label))?;
                }
                None => points.push((code, difference)),
            }
        }
        // As `rank`: negative totals dropped, descending points, ties in first-seen order.
        points.retain(|(_, total)| !total.is_sign_negative() || total.is_zero());
        points.sort_by_key(|&(_, total)| std::cmp::Reverse(total));
        out.reason_codes.extend(points.iter().map(|&(code, _)| code));
        Ok(())
    }

    /// The first bin whose predicate is TRUE, with its points.
    fn matched<'c>(&self, c: &'c Bins, inputs: &[Value]) -> Result<(&'c Bin, Decimal)> {
        for bin in &c.bins {
            if bin.predicate.evaluate(inputs)? != Some(true) {
                continue;
            }
            let points = match &bin.points {
                PartialScore::Fixed(points) => *points,
                PartialScore::Complex(expression) => self.complex(expression, inputs, &c.label)?,
            };
            return Ok((bin, points));
        }
        Err(Error::field(&c.label, "no attribute applies to the input, so the result is invalid"))
    }

    fn complex(&self, expression: &Expression, inputs: &[Value], label: &str) -> Result<Decimal> {
        let get = |name: &str| {
            self.fields
                .iter()
                .rposition(|f| f == name)
                .and_then(|slot| inputs.get(slot))
                .unwrap_or(&Value::Missing)
        };
        match expression.evaluate_with(&get, label)? {
            Value::Number(points) => Ok(points),
            other => Err(Error::field(label, format!("the partial score is {}", other.describe()))),
        }
    }
}

impl Scored {
    /// The same result as [`Scorecard::score`] gives, with the codes as text.
    pub fn to_result(&self, card: &CompiledScorecard) -> ScorecardResult {
        ScorecardResult {
            score: self.score,
            reason_codes: self
                .reason_codes
                .iter()
                .filter_map(|&i| card.reason_codes.get(i as usize).cloned())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::scorecard::Row;

    /// Every conformance card, and one that uses every input treatment, compound operator,
    /// set predicate, partial-score expression and reason-code failure the importer accepts.
    fn cards() -> Vec<(String, Scorecard)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/pmml");
        let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "pmml"));
        names.sort();
        assert!(names.len() >= 6, "the conformance cards are missing from {}", dir.display());
        let mut cards: Vec<(String, Scorecard)> = names
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap_or_default();
                (
                    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                    Scorecard::from_pmml(&text).unwrap(),
                )
            })
            .collect();
        cards.push(("every construct".into(), Scorecard::from_pmml(EVERY_CONSTRUCT).unwrap()));
        cards
    }

    const EVERY_CONSTRUCT: &str = r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double">
      <Interval closure="closedOpen" leftMargin="0" rightMargin="100"/>
    </DataField>
    <DataField name="b" optype="continuous" dataType="integer">
      <Value value="-1" property="missing"/><Value value="13" property="invalid"/>
    </DataField>
    <DataField name="c" optype="categorical" dataType="string">
      <Value value="x"/><Value value="y z"/><Value value="NA" property="missing"/>
    </DataField>
    <DataField name="d" optype="continuous" dataType="double"/>
  </DataDictionary>
  <Scorecard functionName="regression" initialScore="7.5" useReasonCodes="true"
             reasonCodeAlgorithm="pointsAbove" baselineScore="2">
    <MiningSchema>
      <MiningField name="a" invalidValueTreatment="asIs"/>
      <MiningField name="b" missingValueReplacement="4" invalidValueTreatment="asMissing"/>
      <MiningField name="c" invalidValueTreatment="asMissing"/>
      <MiningField name="d" missingValueTreatment="returnInvalid"/>
    </MiningSchema>
    <Characteristics>
      <Characteristic name="A" reasonCode="RA">
        <Attribute partialScore="1">
          <CompoundPredicate booleanOperator="and">
            <SimplePredicate field="a" operator="greaterOrEqual" value="10"/>
            <SimplePredicate field="a" operator="lessThan" value="20.5"/>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="3" reasonCode="RA2">
          <CompoundPredicate booleanOperator="surrogate">
            <SimplePredicate field="a" operator="lessOrEqual" value="50"/>
            <SimplePredicate field="b" operator="greaterThan" value="3"/>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="-2"><SimplePredicate field="a" operator="isMissing"/></Attribute>
        <Attribute>
          <SimplePredicate field="a" operator="notEqual" value="70"/>
          <ComplexPartialScore>
            <Apply function="/"><FieldRef field="a"/><Apply function="-"><FieldRef field="b" mapMissingTo="1"/><Constant>2</Constant></Apply></Apply>
          </ComplexPartialScore>
        </Attribute>
      </Characteristic>
      <Characteristic name="B" reasonCode="RB" baselineScore="0">
        <Attribute partialScore="5">
          <CompoundPredicate booleanOperator="xor">
            <SimplePredicate field="b" operator="equal" value="4"/>
            <SimpleSetPredicate field="c" booleanOperator="isIn"><Array type="string">x "y z"</Array></SimpleSetPredicate>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="1">
          <CompoundPredicate booleanOperator="or">
            <SimplePredicate field="b" operator="lessThan" value="0"/>
            <SimpleSetPredicate field="c" booleanOperator="isNotIn"><Array type="string">x</Array></SimpleSetPredicate>
          </CompoundPredicate>
        </Attribute>
      </Characteristic>
      <Characteristic name="C">
        <Attribute partialScore="4" reasonCode="RC"><SimplePredicate field="d" operator="greaterThan" value="0"/></Attribute>
        <Attribute partialScore="0" reasonCode="RC0"><True/></Attribute>
      </Characteristic>
    </Characteristics>
  </Scorecard>
</PMML>"#;

    fn value() -> impl Strategy<Value = Value> {
        let number = (-40i64..240).prop_map(|halves| Value::Number(Decimal::new(halves * 5, 1)));
        let text = prop::sample::select(vec![
            "x",
            "y z",
            "NA",
            "",
            "engineering",
            "marketing",
            "business",
            "classA",
            "classB",
            "13",
            "-1",
            "2.5",
            "abc",
        ])
        .prop_map(|t| Value::Text(t.to_owned()));
        prop_oneof![Just(Value::Missing), number, text]
    }

    /// The same outcome from both scorers: equal results, or errors equal in kind and text.
    fn same(
        card: &Scorecard,
        compiled: &CompiledScorecard,
        values: &[Value],
    ) -> Result<(), String> {
        let row: Row = compiled.fields().iter().cloned().zip(values.iter().cloned()).collect();
        let reference = card.score(&row);
        let fast = compiled.score(values).map(|s| s.to_result(compiled));
        let column: Vec<Vec<Value>> = values.iter().map(|v| vec![v.clone()]).collect();
        let columns: Vec<&[Value]> = column.iter().map(Vec::as_slice).collect();
        let batch =
            compiled.score_columns(&columns).pop().map(|r| r.map(|s| s.to_result(compiled)));
        let show = |r: &Result<ScorecardResult>| match r {
            Ok(r) => format!("{r:?}"),
            Err(e) => format!("{}: {e}", e.kind()),
        };
        if show(&reference) != show(&fast) || batch.as_ref().map(show) != Some(show(&fast)) {
            return Err(format!(
                "{values:?}: row scorer {}, compiled {}, columns {:?}",
                show(&reference),
                show(&fast),
                batch.as_ref().map(show)
            ));
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        #[test]
        fn compiled_cards_score_exactly_like_the_row_scorer(values in prop::collection::vec(value(), 4)) {
            for (name, card) in cards() {
                let compiled = CompiledScorecard::new(&card);
                prop_assert!(compiled.fields().len() <= values.len(), "{name}");
                let values = &values[..compiled.fields().len()];
                if let Err(why) = same(&card, &compiled, values) {
                    prop_assert!(false, "{}: {}", name, why);
                }
            }
        }
    }

    #[test]
    fn the_rich_card_reaches_each_outcome() {
        let card = Scorecard::from_pmml(EVERY_CONSTRUCT).unwrap();
        let compiled = CompiledScorecard::new(&card);
        assert_eq!(compiled.fields(), ["a", "b", "c", "d"]);
        assert_eq!(compiled.reason_codes(), ["RA", "RA2", "RB", "RC", "RC0"]);
        let n = |x: i64| Value::Number(Decimal::from(x));
        let t = |x: &str| Value::Text(x.to_owned());
        // a=15 in [10, 20.5): 1 point; b=4 XOR c in {x, "y z"} is false; c not "x": 1 point; d>0.
        let s = compiled.score(&[n(15), n(4), t("y z"), n(1)]).unwrap();
        assert_eq!(s.score, Decimal::new(75, 1) + Decimal::from(1 + 1 + 4));
        // pointsAbove: RC 4-2=2, RB 1-0=1, RA 1-2<0 dropped.
        assert_eq!(s.to_result(&compiled).reason_codes, ["RC", "RB"]);
        // d missing: returnInvalid.
        let err = compiled.score(&[n(15), n(4), t("x"), Value::Missing]).unwrap_err();
        assert_eq!(err.kind(), "invalid_field");
        assert!(err.to_string().contains('d'), "{err}");
        // a=70 matches nothing: the fourth bin excludes it and 70 > 50 with b=3 (not > 3).
        let err = compiled.score(&[n(70), n(3), t("x"), n(1)]).unwrap_err();
        assert!(err.to_string().contains("no attribute applies"), "{err}");
        // The expression divides by b - 2 = 0.
        let err = compiled.score(&[n(60), n(2), t("x"), n(1)]).unwrap_err();
        assert!(err.to_string().contains("division by zero"), "{err}");
    }
}
