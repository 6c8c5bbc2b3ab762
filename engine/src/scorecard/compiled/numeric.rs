//! The numeric fast path of a compiled scorecard.
//!
//! Most scorecards bin numeric inputs with comparisons against cut points. When every input of a
//! card is a plain number (no valid ranges, listed values or replacement that input treatment
//! would apply) and every characteristic is a list of such comparisons on one input, a row can
//! be scored straight from floats, without building a decimal for each input:
//!
//! - a float `x` stands for the decimal `d` of its shortest round-trip text
//!   ([`Value::from_f64`]), and `x` is the float nearest to `d`;
//! - rounding a decimal to the nearest float never reverses an order, so for a cut point `t`
//!   whose nearest float is `f`: `x < f` implies `d < t`, and `x > f` implies `d > t`;
//! - only when `x == f` is the exact decimal needed, and then it is computed.
//!
//! Inputs outside the range where the round-trip text is an exact decimal of at most 28 places
//! (and every input of a card that does not qualify) take the general path, which gives the
//! same results by construction: a property test checks that the two agree.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::{Bins, Column, Compiled, Input as FieldInput};
use crate::scorecard::expr::{BooleanOperator, Operator, holds};
use crate::scorecard::{DataType, MissingValueTreatment, PartialScore, ReasonCodeAlgorithm, Value};

/// One comparison with a cut point, kept exact and as its nearest float.
#[derive(Debug, Clone)]
struct Cut {
    op: Operator,
    exact: Decimal,
    float: f64,
}

/// When a bin applies.
#[derive(Debug, Clone)]
enum Test {
    Always,
    Never,
    /// `isMissing` (true) or `isNotMissing` (false).
    Missing(bool),
    /// Every comparison holds (a single one, or an `and` of several on the same input).
    All(Vec<Cut>),
}

/// A characteristic in threshold form: its input and, per bin, its test and what it adds.
#[derive(Debug, Clone)]
struct Thresholds {
    /// `None` when no bin reads an input (only `True`/`False` bins).
    slot: Option<usize>,
    tests: Vec<Test>,
    bins: Vec<Outcome>,
}

/// What a bin adds: its points and its reason code with the code's points against the
/// baseline, which are fixed per bin.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    points: Decimal,
    /// `None` when the card gives no reason codes.
    reason: Option<Reason>,
}

#[derive(Debug, Clone, Copy)]
struct Reason {
    code: u32,
    points: Decimal,
    /// Position of `points` among every bin's, highest first (equal points, equal rank), so
    /// that ranking the codes of a row compares integers.
    rank: u32,
}

/// How one input is read on the fast path.
#[derive(Debug, Clone, Copy)]
struct Plain {
    /// An `integer` field: a fractional number is invalid (general path).
    integer: bool,
    /// A missing input stays missing (no replacement, not `returnInvalid`).
    missing_stays: bool,
}

/// A prepared input on the fast path.
#[derive(Debug, Clone, Copy)]
pub(super) enum Input<'v> {
    Float(f64),
    Number(&'v Decimal),
    Missing,
}

/// A card every row of which can be scored on the fast path (inputs permitting).
#[derive(Debug, Clone)]
pub(super) struct NumericCard {
    inputs: Vec<Plain>,
    characteristics: Vec<Thresholds>,
    initial_score: Decimal,
}

impl NumericCard {
    /// The card in threshold form, or `None` when some input or characteristic does not
    /// qualify, or when two characteristics share a reason code (their points would add up per
    /// row; the general path ranks such sums).
    pub(super) fn new(
        inputs: &[FieldInput],
        characteristics: &[Bins],
        card: &super::CompiledScorecard,
    ) -> Option<NumericCard> {
        let inputs = inputs.iter().map(plain).collect::<Option<Vec<_>>>()?;
        let mut thresholds =
            characteristics.iter().map(|c| thresholds(c, card)).collect::<Option<Vec<_>>>()?;
        // Each code belongs to one characteristic.
        let mut owner: Vec<Option<usize>> = vec![None; card.reason_codes.len()];
        for (c, t) in thresholds.iter().enumerate() {
            for reason in t.bins.iter().filter_map(|b| b.reason) {
                let slot = owner.get_mut(reason.code as usize)?;
                if slot.is_some_and(|o| o != c) {
                    return None;
                }
                *slot = Some(c);
            }
        }
        // Rank every bin's reason points, highest first.
        let mut all: Vec<Decimal> = thresholds
            .iter()
            .flat_map(|t| t.bins.iter().filter_map(|b| b.reason))
            .map(|r| r.points)
            .collect();
        all.sort_by(|a, b| b.cmp(a));
        all.dedup();
        let reasons = thresholds.iter_mut().flat_map(|t| t.bins.iter_mut());
        for reason in reasons.filter_map(|b| b.reason.as_mut()) {
            let rank = all.binary_search_by(|p| reason.points.cmp(p)).ok()?;
            reason.rank = u32::try_from(rank).ok()?;
        }
        Some(NumericCard { inputs, characteristics: thresholds, initial_score: card.initial_score })
    }

    /// Scores a row whose inputs are read (`input` for every slot) into `out`; `None` when it
    /// needs the general path (an exact comparison out of reach, no bin applies, an overflow).
    pub(super) fn score(
        &self,
        inputs: &[Input<'_>],
        ranked: &mut Vec<(u32, u32)>,
        out: &mut super::Scored,
    ) -> Option<()> {
        out.score = self.initial_score;
        out.reason_codes.clear();
        ranked.clear();
        for (c, thresholds) in self.characteristics.iter().enumerate() {
            let outcome = thresholds.bins.get(self.bin(c, inputs)??)?;
            out.score = out.score.checked_add(outcome.points)?;
            // Negative points are dropped, zero kept (as the row scorer does).
            let kept = |r: &Reason| !r.points.is_sign_negative() || r.points.is_zero();
            if let Some(reason) = outcome.reason.filter(kept) {
                ranked.push((reason.rank, reason.code));
            }
        }
        // Stable: equal points keep the order of the characteristics.
        ranked.sort_by_key(|&(rank, _)| rank);
        out.reason_codes.extend(ranked.iter().map(|&(_, code)| code));
        Some(())
    }

    /// Input `slot` of `row` from `column`; `None` when it needs the general path.
    pub(super) fn input<'v>(
        &self,
        slot: usize,
        column: Option<&Column<'v>>,
        row: usize,
    ) -> Option<Input<'v>> {
        let plain = self.inputs.get(slot)?;
        let input = match column {
            None => Input::Missing,
            Some(Column::Floats(xs)) => match xs.get(row) {
                None => Input::Missing,
                Some(x) if x.is_nan() => Input::Missing,
                // Zero, or a magnitude whose shortest text has at most 28 decimals and
                // 28 digits: the decimal is exact (see the module documentation).
                Some(&x) if x == 0.0 || (1e-11..1e27).contains(&x.abs()) => {
                    if plain.integer && x.fract() != 0.0 {
                        return None;
                    }
                    Input::Float(x)
                }
                Some(_) => return None,
            },
            Some(Column::Values(values)) => match values.get(row) {
                None | Some(Value::Missing) => Input::Missing,
                Some(Value::Number(d)) if !plain.integer || d.fract().is_zero() => Input::Number(d),
                Some(_) => return None,
            },
        };
        match input {
            Input::Missing if !plain.missing_stays => None,
            input => Some(input),
        }
    }

    /// The first bin of characteristic `c` that applies to `inputs`: `Some(None)` when none
    /// does, `None` when an exact comparison needs the general path.
    pub(super) fn bin(&self, c: usize, inputs: &[Input<'_>]) -> Option<Option<usize>> {
        let input = match self.characteristics.get(c)?.slot {
            Some(slot) => *inputs.get(slot)?,
            None => Input::Missing,
        };
        self.bin_for(c, input)
    }

    /// The first bin of characteristic `c` that applies to its own input `input`, as
    /// [`NumericCard::bin`] gives it.
    pub(super) fn bin_for(&self, c: usize, input: Input<'_>) -> Option<Option<usize>> {
        let thresholds = self.characteristics.get(c)?;
        for (i, test) in thresholds.tests.iter().enumerate() {
            let applies = match test {
                Test::Always => true,
                Test::Never => false,
                Test::Missing(expected) => matches!(input, Input::Missing) == *expected,
                // A comparison with a missing input is UNKNOWN: the bin does not apply.
                Test::All(_) if matches!(input, Input::Missing) => false,
                Test::All(cuts) => {
                    let mut all = true;
                    for cut in cuts {
                        all &= holds(cut.op, compare(input, cut)?);
                    }
                    all
                }
            };
            if applies {
                return Some(Some(i));
            }
        }
        Some(None)
    }
}

/// What the columnar kernel reads of a card in threshold form.
impl NumericCard {
    /// How input `slot` is read: whether it is an integer field, and whether a missing value
    /// stays missing (otherwise the general path gives its replacement or error).
    pub(super) fn input_rules(&self) -> impl Iterator<Item = (bool, bool)> + '_ {
        self.inputs.iter().map(|p| (p.integer, p.missing_stays))
    }

    /// The number of characteristics.
    pub(super) fn characteristic_count(&self) -> usize {
        self.characteristics.len()
    }

    /// The input slot characteristic `c` reads (`None`: none, its bins are constant).
    pub(super) fn slot(&self, c: usize) -> Option<usize> {
        self.characteristics.get(c).and_then(|t| t.slot)
    }

    /// The nearest floats of every cut point of characteristic `c`, in no particular order.
    pub(super) fn cut_floats(&self, c: usize) -> Vec<f64> {
        let tests = self.characteristics.get(c).map(|t| t.tests.as_slice()).unwrap_or_default();
        tests
            .iter()
            .flat_map(|t| match t {
                Test::All(cuts) => cuts.as_slice(),
                _ => &[],
            })
            .map(|cut| cut.float)
            .collect()
    }

    /// Bin `bin` of characteristic `c`: its points, and its reason code as `(rank, code)` when
    /// the row keeps it (the card gives codes and the code's points are not negative).
    pub(super) fn outcome(&self, c: usize, bin: usize) -> Option<(Decimal, Option<(u32, u32)>)> {
        let outcome = self.characteristics.get(c)?.bins.get(bin)?;
        let kept = |r: &Reason| !r.points.is_sign_negative() || r.points.is_zero();
        Some((outcome.points, outcome.reason.filter(kept).map(|r| (r.rank, r.code))))
    }

    /// The card's initial score.
    pub(super) fn initial_score(&self) -> Decimal {
        self.initial_score
    }
}

/// How the input compares with the cut point; `None` when the exact decimal is out of reach.
fn compare(input: Input<'_>, cut: &Cut) -> Option<Ordering> {
    match input {
        Input::Float(x) if x < cut.float => Some(Ordering::Less),
        Input::Float(x) if x > cut.float => Some(Ordering::Greater),
        Input::Float(x) => match Value::from_f64(x) {
            Value::Number(d) => Some(d.cmp(&cut.exact)),
            _ => None,
        },
        Input::Number(d) => Some(d.cmp(&cut.exact)),
        Input::Missing => None,
    }
}

fn plain(input: &FieldInput) -> Option<Plain> {
    let field = input.field.as_ref()?;
    let numeric = matches!(field.data_type, DataType::Double | DataType::Float | DataType::Integer);
    if !numeric || !field.intervals.is_empty() || !field.values.is_empty() {
        return None;
    }
    let mining = &input.mining;
    Some(Plain {
        integer: field.data_type == DataType::Integer,
        missing_stays: mining.missing_value_replacement.is_none()
            && mining.missing_value_treatment != Some(MissingValueTreatment::ReturnInvalid),
    })
}

fn thresholds(c: &Bins, card: &super::CompiledScorecard) -> Option<Thresholds> {
    let mut slot = None;
    let mut same_slot = |s: usize| match slot {
        None => {
            slot = Some(s);
            true
        }
        Some(t) => t == s,
    };
    let mut tests = Vec::with_capacity(c.bins.len());
    let mut bins = Vec::with_capacity(c.bins.len());
    for bin in &c.bins {
        let PartialScore::Fixed(points) = bin.points else { return None };
        let reason = if card.use_reason_codes {
            // A bin without a baseline or a code is an error when it matches: general path.
            let (baseline, code) = (bin.baseline?, bin.code?);
            let points = match card.algorithm {
                ReasonCodeAlgorithm::PointsBelow => baseline.checked_sub(points)?,
                ReasonCodeAlgorithm::PointsAbove => points.checked_sub(baseline)?,
            };
            Some(Reason { code, points, rank: 0 })
        } else {
            None
        };
        bins.push(Outcome { points, reason });
        let test = match &bin.predicate {
            Compiled::True => Test::Always,
            Compiled::False => Test::Never,
            Compiled::Simple { slot: s, op: Operator::IsMissing, .. } if same_slot(*s) => {
                Test::Missing(true)
            }
            Compiled::Simple { slot: s, op: Operator::IsNotMissing, .. } if same_slot(*s) => {
                Test::Missing(false)
            }
            Compiled::Simple { slot: s, op, value, .. } if same_slot(*s) => {
                Test::All(vec![cut(*op, value.as_ref())?])
            }
            Compiled::Compound { op: BooleanOperator::And, children } => {
                let mut cuts = Vec::with_capacity(children.len());
                for child in children {
                    match child {
                        Compiled::Simple { slot: s, op, value, .. } if same_slot(*s) => {
                            cuts.push(cut(*op, value.as_ref())?);
                        }
                        _ => return None,
                    }
                }
                Test::All(cuts)
            }
            _ => return None,
        };
        tests.push(test);
    }
    Some(Thresholds { slot, tests, bins })
}

/// A comparison with a number (not `isMissing`/`isNotMissing`, not a text).
fn cut(op: Operator, value: Option<&Value>) -> Option<Cut> {
    if matches!(op, Operator::IsMissing | Operator::IsNotMissing) {
        return None;
    }
    match value {
        // The nearest float, by correctly rounded parsing of the exact text.
        Some(Value::Number(exact)) => {
            Some(Cut { op, exact: *exact, float: exact.to_string().parse().ok()? })
        }
        _ => None,
    }
}
