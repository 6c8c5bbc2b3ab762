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
//!
//! Cards that bin plain numeric inputs by cut points also get a faster path for float columns
//! (see the `numeric` module): no decimal is built for an input unless it sits exactly on a cut
//! point's float. When every column of a batch is a float column, such cards are scored by a
//! columnar kernel (the `columnar` module): a chunk of rows at a time, one characteristic at a
//! time, with integer points, which is what [`CompiledScorecard::score_floats`] and
//! [`CompiledScorecard::score_totals`] are for.

mod columnar;
mod numeric;

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

/// A column of raw inputs for [`CompiledScorecard::score_batch`].
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// Values of any kind.
    Values(&'a [Value]),
    /// Floats, read as [`Value::from_f64`] reads them (`NaN` is missing).
    Floats(&'a [f64]),
}

/// Scratch space reused from row to row by [`CompiledScorecard::score_into`].
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    prepared: Vec<Value>,
    points: Vec<(u32, Decimal)>,
}

/// One row's total: from the kernel's buffers (row `r` of the last chunk), or the row path's
/// result.
enum Total<'a> {
    Kernel(&'a columnar::Kernel, &'a columnar::Buffers, usize),
    Row(Result<Scored>),
}

/// Buffers of the row path, reused from row to row of a batch.
#[derive(Debug, Default)]
struct RowPath<'v> {
    scratch: Scratch,
    fast: Vec<numeric::Input<'v>>,
    ranked: Vec<(u32, u32)>,
    floats: Vec<Value>,
}

/// A score as the float nearest to it (whole scores directly, others through their text,
/// which Rust parses correctly rounded).
pub(crate) fn decimal_to_f64(score: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive;
    match score.fract().is_zero().then(|| score.to_i64()).flatten() {
        Some(whole) => whole as f64,
        None => score.to_string().parse().unwrap_or(f64::NAN),
    }
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
    /// The threshold form, when every input and characteristic qualifies.
    numeric: Option<numeric::NumericCard>,
    /// Why every row is an error: a missing or unseen policy that cannot be applied.
    refused: Option<Error>,
    /// The threshold form's columnar kernel, when its points fit exact scaled integers.
    kernel: Option<columnar::Kernel>,
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
    /// active read as missing, exactly as in [`Scorecard::score`]. Missing and unseen policies
    /// are compiled as the attributes they stand for (the same rewriting the row scorer
    /// applies); a policy that cannot be applied makes every row the error
    /// [`Scorecard::score`] gives.
    pub fn new(card: &Scorecard) -> CompiledScorecard {
        match super::policy::lower(card) {
            Ok(lowered) => CompiledScorecard::compile(&lowered, None),
            Err(refused) => CompiledScorecard::compile(card, Some(refused)),
        }
    }

    /// Compiles a card whose policies are already attributes (or are `refused`).
    fn compile(card: &Scorecard, refused: Option<Error>) -> CompiledScorecard {
        let active: Vec<&MiningField> =
            card.mining_fields.iter().filter(|m| m.usage_type == UsageType::Active).collect();
        let fields: Vec<String> = active.iter().map(|m| m.name.clone()).collect();
        let inputs: Vec<Input> = active
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
        let characteristics: Vec<Bins> = card
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
        let mut compiled = CompiledScorecard {
            fields,
            inputs,
            characteristics,
            numeric: None,
            kernel: None,
            reason_codes,
            initial_score: card.initial_score,
            use_reason_codes: card.use_reason_codes,
            algorithm: card.reasoncode_algorithm,
            refused,
        };
        if compiled.refused.is_none() {
            compiled.numeric =
                numeric::NumericCard::new(&compiled.inputs, &compiled.characteristics, &compiled);
            compiled.kernel = compiled
                .numeric
                .as_ref()
                .and_then(|card| columnar::Kernel::new(card, compiled.use_reason_codes));
        }
        compiled
    }

    /// The active fields, in the order rows and columns give their values.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// Whether float columns can take the threshold fast path (tests check that policies keep
    /// it).
    #[cfg(test)]
    pub(super) fn has_fast_path(&self) -> bool {
        self.numeric.is_some()
    }

    /// Every reason code the card can give; [`Scored::reason_codes`] indexes this list.
    pub fn reason_codes(&self) -> &[String] {
        &self.reason_codes
    }

    /// Scores one row: `values[i]` is the raw value of `fields()[i]`; values past the end are
    /// missing. Same results and errors as [`Scorecard::score`] on the same values.
    pub fn score(&self, values: &[Value]) -> Result<Scored> {
        let mut out = Scored::default();
        self.score_into(|i| values.get(i), &mut Scratch::default(), &mut out)?;
        Ok(out)
    }

    /// Scores every row of equally long columns given in `fields()` order (a missing column,
    /// or a short one, reads as missing values); one result per row of the longest column.
    pub fn score_columns(&self, columns: &[&[Value]]) -> Vec<Result<Scored>> {
        let rows = columns.iter().map(|c| c.len()).max().unwrap_or(0);
        let columns: Vec<Column<'_>> = columns.iter().map(|c| Column::Values(c)).collect();
        self.score_batch(&columns, rows)
    }

    /// Scores `rows` rows of columns given in `fields()` order (a missing or short column reads
    /// as missing values). Float columns of a card in threshold form take the fast path (the
    /// columnar kernel when every column is a float column); every row gets the same result as
    /// [`Scorecard::score`] on the same values.
    pub fn score_batch(&self, columns: &[Column<'_>], rows: usize) -> Vec<Result<Scored>> {
        let mut path = RowPath::default();
        let Some((kernel, floats)) = self.kernel_columns(columns, rows) else {
            return (0..rows).map(|row| self.score_row(columns, row, &mut path)).collect();
        };
        let mut out = Vec::with_capacity(rows);
        let mut buffers = kernel.buffers(true);
        let mut ranked = Vec::with_capacity(self.characteristics.len());
        for start in (0..rows).step_by(columnar::CHUNK) {
            let len = columnar::CHUNK.min(rows - start);
            kernel.chunk(&floats, start, len, &mut buffers, true);
            for r in 0..len {
                let score = (!columnar::Kernel::falls_back(&buffers, r))
                    .then(|| kernel.score(&buffers, r))
                    .flatten();
                let Some(score) = score else {
                    out.push(self.score_row(columns, start + r, &mut path));
                    continue;
                };
                let mut scored = Scored { score, reason_codes: Vec::new() };
                kernel.reasons(&buffers, r, &mut ranked, &mut scored.reason_codes);
                out.push(Ok(scored));
            }
        }
        out
    }

    /// The scores alone of `rows` rows of columns given as for [`CompiledScorecard::score_batch`]:
    /// the same totals and errors, without ranking reason codes (a card that gives them still
    /// refuses a row whose matched attribute lacks a code or baseline, as
    /// [`Scorecard::score`] does).
    pub fn score_totals(&self, columns: &[Column<'_>], rows: usize) -> Vec<Result<Decimal>> {
        let mut out = Vec::with_capacity(rows);
        self.totals(columns, rows, |total| {
            out.push(match total {
                Total::Row(result) => result.map(|s| s.score),
                Total::Kernel(kernel, buffers, r) => {
                    kernel.score(buffers, r).ok_or_else(|| overflow("score"))
                }
            });
        });
        out
    }

    /// The scores of `rows` rows (columns given as for [`CompiledScorecard::score_batch`]) as
    /// the floats nearest to the exact totals, written to `scores[..rows]` (`NaN` where a row
    /// has no valid result); the errors come back with their row numbers, in row order.
    ///
    /// This is the quickest way to score float columns: a card in threshold form scores them
    /// with its columnar kernel, without a decimal per row.
    pub fn score_floats<'v>(
        &self,
        columns: &[Column<'v>],
        scores: &mut [f64],
    ) -> Vec<(usize, Error)> {
        let mut errors = Vec::new();
        let mut path = RowPath::default();
        let rows = scores.len();
        let mut row_path = |row: usize, slot: &mut f64, path: &mut RowPath<'v>| {
            *slot = match self.score_row(columns, row, path) {
                Ok(scored) => decimal_to_f64(scored.score),
                Err(error) => {
                    errors.push((row, error));
                    f64::NAN
                }
            };
        };
        let Some((kernel, floats)) = self.kernel_columns(columns, rows) else {
            for (row, slot) in scores.iter_mut().enumerate() {
                row_path(row, slot, &mut path);
            }
            return errors;
        };
        let mut buffers = kernel.buffers(false);
        for (n, out) in scores.chunks_mut(columnar::CHUNK).enumerate() {
            let start = n * columnar::CHUNK;
            kernel.chunk(&floats, start, out.len(), &mut buffers, false);
            kernel.scores_f64(&buffers, out);
            if !columnar::Kernel::any_falls_back(&buffers) {
                continue;
            }
            for (r, slot) in out.iter_mut().enumerate() {
                if columnar::Kernel::falls_back(&buffers, r) {
                    row_path(start + r, slot, &mut path);
                }
            }
        }
        errors
    }

    /// [`CompiledScorecard::score_floats`] with each row's reason codes as well, without a
    /// vector per row: row `i`'s codes (most important first, as indices into
    /// [`CompiledScorecard::reason_codes`]) fill `codes[i * w..(i + 1) * w]`, `w` the number
    /// of characteristics (at most one code each), and `-1` pads the rest of the row (all of
    /// it for a row without a valid result). `codes` holds `w` slots per score.
    pub fn score_floats_with_codes<'v>(
        &self,
        columns: &[Column<'v>],
        scores: &mut [f64],
        codes: &mut [i32],
    ) -> Vec<(usize, Error)> {
        let width = self.characteristics.len();
        let mut errors = Vec::new();
        let mut path = RowPath::default();
        let rows = scores.len();
        let mut code_rows =
            codes.chunks_mut(width.max(1)).chain(std::iter::repeat_with(|| &mut [][..])).take(rows);
        let mut row_path =
            |row: usize, slot: &mut f64, codes: &mut [i32], path: &mut RowPath<'v>| {
                codes.fill(-1);
                *slot = match self.score_row(columns, row, path) {
                    Ok(scored) => {
                        for (code, &index) in codes.iter_mut().zip(&scored.reason_codes) {
                            *code = i32::try_from(index).unwrap_or(-1);
                        }
                        decimal_to_f64(scored.score)
                    }
                    Err(error) => {
                        errors.push((row, error));
                        f64::NAN
                    }
                };
            };
        let Some((kernel, floats)) = self.kernel_columns(columns, rows) else {
            for ((row, slot), codes) in scores.iter_mut().enumerate().zip(code_rows) {
                row_path(row, slot, codes, &mut path);
            }
            return errors;
        };
        let mut buffers = kernel.buffers(true);
        let mut ranked = Vec::with_capacity(width);
        for (n, out) in scores.chunks_mut(columnar::CHUNK).enumerate() {
            let start = n * columnar::CHUNK;
            kernel.chunk(&floats, start, out.len(), &mut buffers, true);
            kernel.scores_f64(&buffers, out);
            for ((r, slot), codes) in out.iter_mut().enumerate().zip(code_rows.by_ref()) {
                if columnar::Kernel::falls_back(&buffers, r) {
                    row_path(start + r, slot, codes, &mut path);
                } else {
                    kernel.reasons_into(&buffers, r, &mut ranked, codes);
                }
            }
        }
        errors
    }

    /// Calls `each` for every row in order, with the kernel's total for it or, for a row the
    /// kernel cannot score (or every row without a kernel for these columns), the row path's
    /// result.
    fn totals(&self, columns: &[Column<'_>], rows: usize, mut each: impl FnMut(Total<'_>)) {
        let mut path = RowPath::default();
        let Some((kernel, floats)) = self.kernel_columns(columns, rows) else {
            for row in 0..rows {
                each(Total::Row(self.score_row(columns, row, &mut path)));
            }
            return;
        };
        let mut buffers = kernel.buffers(false);
        for start in (0..rows).step_by(columnar::CHUNK) {
            let len = columnar::CHUNK.min(rows - start);
            kernel.chunk(&floats, start, len, &mut buffers, false);
            for r in 0..len {
                if columnar::Kernel::falls_back(&buffers, r) {
                    each(Total::Row(self.score_row(columns, start + r, &mut path)));
                } else {
                    each(Total::Kernel(kernel, &buffers, r));
                }
            }
        }
    }

    /// The kernel and its columns (one per input slot, `None` for an input missing in every
    /// row) when every column is a float column at least `rows` long, or absent or empty.
    fn kernel_columns<'c>(
        &self,
        columns: &[Column<'c>],
        rows: usize,
    ) -> Option<(&columnar::Kernel, Vec<Option<&'c [f64]>>)> {
        let kernel = self.kernel.as_ref()?;
        let floats = (0..self.inputs.len())
            .map(|slot| match columns.get(slot) {
                None => Some(None),
                Some(Column::Values([])) => Some(None),
                Some(Column::Floats(xs)) if xs.len() >= rows => Some(Some(*xs)),
                Some(_) => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some((kernel, floats))
    }

    /// One row through the numeric fast path, else the general path.
    fn score_row<'v>(
        &self,
        columns: &[Column<'v>],
        row: usize,
        path: &mut RowPath<'v>,
    ) -> Result<Scored> {
        let mut out = Scored::default();
        if let Some(card) = &self.numeric
            && self
                .score_fast(card, columns, row, &mut path.fast, &mut path.ranked, &mut out)
                .is_some()
        {
            return Ok(out);
        }
        // The general path: float inputs become the values the fast path stands for.
        path.floats.clear();
        path.floats.extend(columns.iter().map(|c| match c {
            Column::Floats(xs) => xs.get(row).map_or(Value::Missing, |&x| Value::from_f64(x)),
            Column::Values(_) => Value::Missing,
        }));
        let floats = &path.floats;
        let value = |i: usize| match columns.get(i) {
            Some(Column::Values(values)) => values.get(row),
            Some(Column::Floats(_)) => floats.get(i),
            None => None,
        };
        self.score_into(value, &mut path.scratch, &mut out).map(|()| out)
    }

    /// Scores the row whose raw values `value(i)` gives (`None`: missing) into `out`, with
    /// `scratch` reused from row to row, so that a caller looping over rows allocates nothing
    /// per row beyond the reason codes.
    pub fn score_into<'v>(
        &self,
        value: impl Fn(usize) -> Option<&'v Value>,
        scratch: &mut Scratch,
        out: &mut Scored,
    ) -> Result<()> {
        if let Some(refused) = &self.refused {
            return Err(refused.clone());
        }
        scratch.prepared.clear();
        for (i, input) in self.inputs.iter().enumerate() {
            let Some(field) = &input.field else {
                return Err(Error::field(
                    &input.mining.name,
                    "the mining field is not in the data dictionary",
                ));
            };
            let prepared = input.mining.prepare(field, value(i).unwrap_or(&Value::Missing))?;
            scratch.prepared.push(prepared);
        }
        let prepared = std::mem::take(&mut scratch.prepared);
        let result = self.total(
            |c| self.matched(&self.characteristics[c], &prepared),
            &mut scratch.points,
            out,
        );
        scratch.prepared = prepared;
        result
    }

    /// The fast path for one row: `None` when some input needs the general path.
    fn score_fast<'v>(
        &self,
        card: &numeric::NumericCard,
        columns: &[Column<'v>],
        row: usize,
        inputs: &mut Vec<numeric::Input<'v>>,
        ranked: &mut Vec<(u32, u32)>,
        out: &mut Scored,
    ) -> Option<()> {
        inputs.clear();
        for slot in 0..self.inputs.len() {
            inputs.push(card.input(slot, columns.get(slot), row)?);
        }
        card.score(inputs, ranked, out)
    }

    /// Adds up the initial score and each characteristic's points (`matched(c)` gives its bin)
    /// and ranks the reason codes: negative totals dropped, descending points, ties in the
    /// order the codes first appear (as [`Scorecard::score`] does).
    fn total<'c>(
        &'c self,
        matched: impl Fn(usize) -> Result<(&'c Bin, Decimal)>,
        points: &mut Vec<(u32, Decimal)>,
        out: &mut Scored,
    ) -> Result<()> {
        out.score = self.initial_score;
        out.reason_codes.clear();
        points.clear();
        for (index, c) in self.characteristics.iter().enumerate() {
            let (bin, partial) = matched(index)?;
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
        Err(no_match(&c.label))
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
            other => Err(super::policy::partial_score_error(label, expression, &other)),
        }
    }
}

fn no_match(label: &str) -> Error {
    Error::field(label, "no attribute applies to the input, so the result is invalid")
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

    /// Plain numeric inputs binned by cut points: the threshold form applies. The cuts include
    /// one written with 34 digits (a decimal that is not the float nearest to it), zero, and
    /// intervals; `b` is an integer field, `c` has a missing bin and no catch-all.
    const NUMERIC: &str = r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
  <DataDictionary>
    <DataField name="a" optype="continuous" dataType="double"/>
    <DataField name="b" optype="continuous" dataType="integer"/>
    <DataField name="c" optype="continuous" dataType="float"/>
  </DataDictionary>
  <Scorecard functionName="regression" initialScore="600" useReasonCodes="true" baselineScore="30">
    <MiningSchema>
      <MiningField name="a"/><MiningField name="b"/><MiningField name="c" missingValueTreatment="asIs"/>
    </MiningSchema>
    <Characteristics>
      <Characteristic name="A" reasonCode="RA">
        <Attribute partialScore="-10"><SimplePredicate field="a" operator="lessThan" value="0.1"/></Attribute>
        <Attribute partialScore="5"><SimplePredicate field="a" operator="lessOrEqual" value="0.1000000000000000055511151231257827"/></Attribute>
        <Attribute partialScore="12.5">
          <CompoundPredicate booleanOperator="and">
            <SimplePredicate field="a" operator="greaterThan" value="0.1000000000000000055511151231257827"/>
            <SimplePredicate field="a" operator="lessThan" value="13"/>
          </CompoundPredicate>
        </Attribute>
        <Attribute partialScore="20"><SimplePredicate field="a" operator="equal" value="13"/></Attribute>
        <Attribute partialScore="40"><True/></Attribute>
      </Characteristic>
      <Characteristic name="B" reasonCode="RB" baselineScore="10">
        <Attribute partialScore="0"><SimplePredicate field="b" operator="isMissing"/></Attribute>
        <Attribute partialScore="3"><SimplePredicate field="b" operator="lessOrEqual" value="-0"/></Attribute>
        <Attribute partialScore="7"><SimplePredicate field="b" operator="notEqual" value="100"/></Attribute>
        <Attribute partialScore="11"><True/></Attribute>
      </Characteristic>
      <Characteristic name="C" reasonCode="RC">
        <Attribute partialScore="1" reasonCode="RC1"><SimplePredicate field="c" operator="isMissing"/></Attribute>
        <Attribute partialScore="2"><SimplePredicate field="c" operator="greaterOrEqual" value="1e-9"/></Attribute>
        <Attribute partialScore="9"><SimplePredicate field="c" operator="lessThan" value="-1000000000000000000000000"/></Attribute>
      </Characteristic>
    </Characteristics>
  </Scorecard>
</PMML>"#;

    /// Floats around every cut point of [`NUMERIC`], on and off the fast path's range.
    fn float() -> impl Strategy<Value = f64> {
        let cuts: [f64; 6] = [0.1, 13.0, 0.0, 100.0, 1e-9, -1e24];
        let near = prop::sample::select(cuts.to_vec())
            .prop_flat_map(|x: f64| prop_oneof![Just(x), Just(x.next_up()), Just(x.next_down())]);
        let special = prop::sample::select(vec![
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -0.0,
            1e-12,
            1e-11,
            1e27,
            1e30,
            -1e30,
            0.30000000000000004,
            99.5,
            100.5,
            -2.0,
            5e-324,
        ]);
        let grid = (-400i32..400).prop_map(|h| f64::from(h) / 2.0);
        prop_oneof![near, special, grid, any::<f64>()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn float_columns_score_exactly_like_the_row_scorer(rows in prop::collection::vec((float(), float(), float()), 1..8)) {
            // The card as written, and with a reason code shared by two characteristics (whose
            // points then add up per row: the general path ranks them).
            // With an initial score of another scale that some rows cancel out exactly.
            let shared = NUMERIC.replace(r#"reasonCode="RC1""#, r#"reasonCode="RA""#);
            let cancelling = NUMERIC.replace(r#"initialScore="600""#, r#"initialScore="-13.50""#);
            for (text, threshold_form) in
                [(NUMERIC, true), (shared.as_str(), false), (cancelling.as_str(), true)]
            {
            let card = Scorecard::from_pmml(text).unwrap();
            let compiled = CompiledScorecard::new(&card);
            prop_assert_eq!(compiled.numeric.is_some(), threshold_form);
            prop_assert_eq!(compiled.kernel.is_some(), threshold_form);
            let columns: [Vec<f64>; 3] = [
                rows.iter().map(|r| r.0).collect(),
                rows.iter().map(|r| r.1).collect(),
                rows.iter().map(|r| r.2).collect(),
            ];
            let batch = compiled.score_batch(&columns.each_ref().map(|c| Column::Floats(c)), rows.len());
            prop_assert_eq!(batch.len(), rows.len());
            for (i, result) in batch.iter().enumerate() {
                let values: Vec<Value> = columns.iter().map(|c| Value::from_f64(c[i])).collect();
                let row: Row = compiled.fields().iter().cloned().zip(values).collect();
                let show = |r: Result<ScorecardResult>| match r {
                    Ok(r) => format!("{r:?}"),
                    Err(e) => format!("{}: {e}", e.kind()),
                };
                let fast = result.clone().map(|s| s.to_result(&compiled));
                prop_assert_eq!(show(fast), show(card.score(&row)), "row {:?}", rows[i]);
            }
            // The scores alone: the same totals and errors, exactly and as nearest floats.
            let columns = columns.each_ref().map(|c| Column::Floats(c));
            let totals = compiled.score_totals(&columns, rows.len());
            let mut floats = vec![0.0; rows.len()];
            let errors = compiled.score_floats(&columns, &mut floats);
            let mut expected_errors = Vec::new();
            for (i, (result, total)) in batch.iter().zip(&totals).enumerate() {
                let show = |r: Result<Decimal>| match r {
                    Ok(d) => format!("{d:?}"),
                    Err(e) => format!("{}: {e}", e.kind()),
                };
                let whole = result.clone().map(|s| s.score);
                prop_assert_eq!(show(total.clone()), show(whole.clone()), "row {:?}", rows[i]);
                match whole {
                    Ok(score) => prop_assert_eq!(floats[i].to_bits(), decimal_to_f64(score).to_bits()),
                    Err(e) => {
                        prop_assert!(floats[i].is_nan());
                        expected_errors.push(format!("{i} {e}"));
                    }
                }
            }
            let errors: Vec<String> = errors.iter().map(|(i, e)| format!("{i} {e}")).collect();
            prop_assert_eq!(&errors, &expected_errors);
            // With the reason codes in rows of slots: the same floats, errors and codes.
            let width = compiled.characteristics.len();
            let mut coded = vec![0.0; rows.len()];
            let mut codes = vec![7i32; rows.len() * width];
            let coded_errors = compiled.score_floats_with_codes(&columns, &mut coded, &mut codes);
            let coded_errors: Vec<String> =
                coded_errors.iter().map(|(i, e)| format!("{i} {e}")).collect();
            prop_assert_eq!(coded_errors, expected_errors);
            for (i, result) in batch.iter().enumerate() {
                prop_assert_eq!(coded[i].to_bits(), floats[i].to_bits());
                let mut want = vec![-1i32; width];
                if let Ok(scored) = result {
                    for (slot, &code) in want.iter_mut().zip(&scored.reason_codes) {
                        *slot = i32::try_from(code).unwrap();
                    }
                }
                prop_assert_eq!(&codes[i * width..(i + 1) * width], want.as_slice(), "row {:?}", rows[i]);
            }
            }
        }
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

    /// Rows over several kernel chunks, with an absent column: the kernel's results, its
    /// fallback rows included, are the row scorer's.
    #[test]
    fn the_kernel_scores_chunks_like_the_row_scorer() {
        let card = Scorecard::from_pmml(NUMERIC).unwrap();
        let compiled = CompiledScorecard::new(&card);
        assert!(compiled.kernel.is_some());
        let special = [f64::NAN, 0.1, 13.0, -0.0, 1e-9, 1e30, 100.0, 0.5, f64::INFINITY];
        let rows = 2 * columnar::CHUNK + 77;
        let a: Vec<f64> = (0..rows).map(|i| special[i % special.len()]).collect();
        let b: Vec<f64> = (0..rows).map(|i| f64::from(i as u32 % 211) - 105.0).collect();
        for c in [None, Some(&a)] {
            let mut columns = vec![Column::Floats(&a), Column::Floats(&b)];
            columns.extend(c.map(|c| Column::Floats(c)));
            let batch = compiled.score_batch(&columns, rows);
            let totals = compiled.score_totals(&columns, rows);
            let width = compiled.characteristics.len();
            let (mut floats, mut codes) = (vec![0.0; rows], vec![0i32; rows * width]);
            let errors = compiled.score_floats_with_codes(&columns, &mut floats, &mut codes);
            assert_eq!(errors.len(), batch.iter().filter(|r| r.is_err()).count());
            for (i, result) in batch.iter().enumerate() {
                let row = &codes[i * width..(i + 1) * width];
                let kept: Vec<u32> = row.iter().filter_map(|&c| u32::try_from(c).ok()).collect();
                match result {
                    Ok(scored) => {
                        assert_eq!(floats[i].to_bits(), decimal_to_f64(scored.score).to_bits());
                        assert_eq!(kept, scored.reason_codes, "row {i}");
                    }
                    Err(_) => assert!(floats[i].is_nan() && kept.is_empty(), "row {i}"),
                }
            }
            let mut fallbacks = 0;
            for (i, (result, total)) in batch.iter().zip(&totals).enumerate() {
                let mut row = Row::new();
                row.insert("a", Value::from_f64(a[i]));
                row.insert("b", Value::from_f64(b[i]));
                if let Some(c) = c {
                    row.insert("c", Value::from_f64(c[i]));
                }
                let expected = card.score(&row);
                fallbacks += usize::from(expected.is_err());
                let got = result.clone().map(|s| s.to_result(&compiled));
                assert_eq!(format!("{got:?}"), format!("{expected:?}"), "row {i}");
                let score = expected.map(|e| e.score);
                assert_eq!(format!("{total:?}"), format!("{score:?}"), "row {i}");
            }
            assert!(fallbacks > 0 && fallbacks < rows, "{fallbacks} errors");
        }
    }

    /// A card of one characteristic over `cuts` (`lessThan` each, then a catch-all), with
    /// whole points and one with a fraction, and a missing bin of `missing` points (without
    /// one, a missing input takes the catch-all).
    fn cut_card(cuts: &[i32], fraction: bool, missing: Option<i32>) -> Scorecard {
        let mut attributes = missing.map_or_else(String::new, |points| {
            format!(
                r#"<Attribute partialScore="{points}"><SimplePredicate field="x" operator="isMissing"/></Attribute>"#
            )
        });
        for (i, cut) in cuts.iter().enumerate() {
            let points =
                if fraction && i == 1 { "2.25".to_owned() } else { (i * 7 % 5).to_string() };
            let operator = if i % 2 == 0 { "lessThan" } else { "lessOrEqual" };
            attributes += &format!(
                r#"<Attribute partialScore="{points}"><SimplePredicate field="x" operator="{operator}" value="{cut}"/></Attribute>"#
            );
        }
        attributes += r#"<Attribute partialScore="-40"><True/></Attribute>"#;
        Scorecard::from_pmml(&format!(
            r#"<PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
            <DataDictionary><DataField name="x" optype="continuous" dataType="double"/>
            <DataField name="y" optype="continuous" dataType="double"/></DataDictionary>
            <Scorecard functionName="regression" initialScore="500.5" useReasonCodes="false">
            <MiningSchema><MiningField name="x" missingValueTreatment="asIs"/><MiningField name="y"/></MiningSchema>
            <Characteristics><Characteristic name="c">{attributes}</Characteristic>
            <Characteristic name="d"><Attribute partialScore="1"><SimplePredicate field="y" operator="greaterThan" value="0"/></Attribute>
            <Attribute partialScore="6"><True/></Attribute></Characteristic></Characteristics>
            </Scorecard></PMML>"#
        ))
        .unwrap()
    }

    /// The scores alone, for every count of cuts the kernel unrolls and beyond it, with points
    /// in steps (one scale) and in tables (a point of a finer scale than the initial score's),
    /// a missing input scored as its own bin, as the first bin (0 points) or as the last:
    /// every row's float is the row scorer's exact score, rounded once.
    #[test]
    fn scores_alone_match_the_row_scorer_for_any_count_of_cuts() {
        let rows = columnar::CHUNK + 300;
        let x: Vec<f64> = (0..rows)
            .map(|i| if i % 37 == 0 { f64::NAN } else { f64::from(i as u32 % 61) / 2.0 - 3.0 })
            .collect();
        let y: Vec<f64> = (0..rows).map(|i| f64::from(i as u32 % 3) - 1.0).collect();
        let cases = [1, 2, 3, 5, 8, 9, 14].into_iter().flat_map(|count| {
            [false, true].into_iter().flat_map(move |fraction| {
                [Some(-3), Some(0), None].map(|missing| (count, fraction, missing))
            })
        });
        for (count, fraction, missing_bin) in cases {
            let cuts: Vec<i32> = (0..count).map(|i| i * 3 - 2).collect();
            {
                let card = cut_card(&cuts, fraction, missing_bin);
                let compiled = CompiledScorecard::new(&card);
                let stepped = compiled.kernel.as_ref().map(columnar::Kernel::stepped_lanes);
                // The second characteristic always steps; the first unless a point is finer.
                assert_eq!(
                    stepped,
                    Some(if fraction && count > 1 { 1 } else { 2 }),
                    "{count} cuts"
                );
                let mut scores = vec![0.0; rows];
                let errors =
                    compiled.score_floats(&[Column::Floats(&x), Column::Floats(&y)], &mut scores);
                assert!(errors.is_empty(), "{count} cuts: {errors:?}");
                // Without the second column: it is missing in every row.
                let mut alone = vec![0.0; rows];
                let missing = compiled.score_floats(&[Column::Floats(&x)], &mut alone);
                for i in 0..rows {
                    let mut row = Row::new();
                    row.insert("x", Value::from_f64(x[i]));
                    let without = card.score(&row);
                    row.insert("y", Value::from_f64(y[i]));
                    let expected = decimal_to_f64(card.score(&row).unwrap().score);
                    assert_eq!(scores[i].to_bits(), expected.to_bits(), "{count} cuts, row {i}");
                    match without {
                        Ok(r) => assert_eq!(alone[i].to_bits(), decimal_to_f64(r.score).to_bits()),
                        Err(_) => {
                            assert!(alone[i].is_nan() && missing.iter().any(|(r, _)| *r == i))
                        }
                    }
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
