//! A characteristic's points as steps over thresholds, added in one pass that also checks the
//! range of its inputs.
//!
//! A float's piece (see the parent module) is the number of cut floats below it plus the number
//! at or above which it sits, and its points grow by a known step each time it crosses one of
//! `x >= f_i`, `x > f_i`. Two rewrites make that one comparison per step that matters:
//!
//! - `x > f` is `x >= f.next_up()` for every float that is not NaN (both are false for NaN), so
//!   every comparison is "at or above a threshold", the thresholds in ascending order, and two
//!   equal thresholds are one (their steps added);
//! - a step of zero needs no comparison. With the usual cut `x < t` (or `x >= t`) the float of
//!   `t` itself lands in the piece above (or below) it, so half the steps are zero and a card of
//!   `k` cuts per characteristic compares each value `k` times, not `2k`.
//!
//! A missing input (NaN) fails every comparison `x >= t`, so a missing entry equal to the first
//! piece costs nothing; one equal to the last piece (a trailing `True` attribute, the usual way a
//! card catches missing values) uses `!(x < t)` instead, which every NaN passes: again no extra
//! work. Any other missing entry adds its own step where the input is NaN.
//!
//! The pass also keeps, per input, the smallest and largest magnitude that the tables may not
//! stand for, so that the input checks cost no pass of their own (see [`Range`]).

/// The thresholds of one pass: more than this many take several passes over the chunk.
const GROUP: usize = 8;

/// Below this magnitude (and above zero) a float's shortest text is not an exact decimal of at
/// most 28 places: the row path decides.
const TINY: f64 = 1e-11;

/// The float below [`TINY`]: a magnitude is below `TINY` when the float below it is below this.
const BELOW_TINY: f64 = TINY.next_down();

/// From this magnitude on (infinity included) the row path decides.
const HUGE: f64 = 1e27;

/// What a missing input (NaN) adds to the first piece's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    /// Nothing: a missing input scores as the first piece.
    First,
    /// Every step: a missing input scores as the last piece.
    Last,
    /// A step of its own.
    Own(i64),
}

/// A characteristic's points as steps: the first piece's points, plus `steps[j]` for each
/// `thresholds[j]` a float is at or above.
#[derive(Debug, Clone)]
pub(super) struct Steps {
    /// The points of the first piece (below every cut).
    pub(super) first: i64,
    /// Ascending, distinct.
    thresholds: Vec<f64>,
    /// Non-zero, one per threshold.
    steps: Vec<i64>,
    missing: Missing,
}

impl Steps {
    /// The steps of a lane from its sorted distinct `cuts` and the points of its `2k + 1`
    /// pieces followed by the missing entry; `None` when a step overflows.
    pub(super) fn new(cuts: &[f64], points: &[i64]) -> Option<Steps> {
        let (&missing, pieces) = points.split_last()?;
        if pieces.len() != 2 * cuts.len() + 1 {
            return None;
        }
        let first = *pieces.first()?;
        let mut thresholds: Vec<f64> = Vec::with_capacity(2 * cuts.len());
        let mut steps: Vec<i64> = Vec::with_capacity(2 * cuts.len());
        for (i, &cut) in cuts.iter().enumerate() {
            // Onto the cut (x >= cut), then off it (x > cut, that is x >= cut.next_up()).
            let onto = pieces.get(2 * i + 1)?.checked_sub(*pieces.get(2 * i)?)?;
            let off = pieces.get(2 * i + 2)?.checked_sub(*pieces.get(2 * i + 1)?)?;
            for (threshold, step) in [(cut, onto), (cut.next_up(), off)] {
                match (thresholds.last(), steps.last_mut()) {
                    (Some(&last), Some(sum)) if last == threshold => {
                        *sum = sum.checked_add(step)?;
                    }
                    _ => {
                        thresholds.push(threshold);
                        steps.push(step);
                    }
                }
            }
        }
        // Drop the steps that add nothing, and their comparisons.
        let kept: Vec<(f64, i64)> =
            thresholds.into_iter().zip(steps).filter(|&(_, step)| step != 0).collect();
        let (thresholds, steps): (Vec<f64>, Vec<i64>) = kept.into_iter().unzip();
        let last = pieces.last()?.checked_sub(first)?;
        let missing = match missing.checked_sub(first)? {
            0 => Missing::First,
            m if m == last => Missing::Last,
            m => Missing::Own(m),
        };
        Some(Steps { first, thresholds, steps, missing })
    }

    /// What a missing input adds to the first piece's points.
    pub(super) fn missing(&self) -> i64 {
        match self.missing {
            Missing::First => 0,
            Missing::Last => self.steps.iter().fold(0i64, |sum, &s| sum.wrapping_add(s)),
            Missing::Own(m) => m,
        }
    }

    /// How many comparisons a value takes.
    #[cfg(test)]
    pub(super) fn comparisons(&self) -> usize {
        self.thresholds.len()
    }

    /// Adds each value's steps (its points beyond the first piece's) to `totals`, and widens
    /// `range` by the values.
    pub(super) fn add(&self, xs: &[f64], totals: &mut [i64], range: &mut Range) {
        let mut groups = self.thresholds.chunks(GROUP).zip(self.steps.chunks(GROUP));
        // The first group takes the missing entry; the others add nothing for NaN, or (when a
        // missing input scores as the last piece) every one of their steps.
        let rest = match self.missing {
            Missing::Last => Missing::Last,
            _ => Missing::First,
        };
        let Some((thresholds, steps)) = groups.next() else {
            // No thresholds: the points differ only for a missing input.
            let missing = self.missing();
            let empty = Group::<0> { thresholds: [], steps: [], missing };
            return pass::<0, OWN>(&empty, xs, totals, range);
        };
        group(thresholds, steps, self.missing, xs, totals, range);
        for (thresholds, steps) in groups {
            group(thresholds, steps, rest, xs, totals, range);
        }
    }
}

/// Whether some value seen may not read on the fast path: anything but zero, a magnitude in
/// `[1e-11, 1e27)`, or NaN (whether a missing input is allowed is checked apart).
#[derive(Debug, Clone, Copy)]
pub(super) struct Range {
    /// Non-zero when some value is out of range.
    out: u64,
}

impl Range {
    /// No value seen.
    pub(super) const EMPTY: Range = Range { out: 0 };

    /// Whether every value seen reads on the fast path.
    pub(super) fn readable(&self) -> bool {
        self.out == 0
    }

    /// Widens the range by `xs` (no pass of the steps reads them).
    pub(super) fn widen(&mut self, xs: &[f64]) {
        let mut out = 0u64;
        for &x in xs {
            out |= outside(x);
        }
        self.out |= out;
    }
}

/// Non-zero when `x` does not read on the fast path (see [`Range`]), without branches.
///
/// One, not a mask of all ones: with the mask the compiler stopped vectorising the pass (it
/// made a branchy scalar loop of it); the shift the one costs is cheaper.
#[inline(always)]
fn outside(x: f64) -> u64 {
    let magnitude = x.abs();
    // The float just below a positive magnitude; zero becomes NaN (all ones but the sign),
    // which fails every comparison, as NaN does.
    let below = f64::from_bits(magnitude.to_bits().wrapping_sub(1));
    u64::from((below < BELOW_TINY) | (magnitude >= HUGE))
}

/// How a pass treats NaN: adds nothing (`FIRST`), every step (`LAST`), or its own step (`OWN`).
const FIRST: u8 = 0;
const LAST: u8 = 1;
const OWN: u8 = 2;

/// Up to [`GROUP`] thresholds and their steps as fixed-size arrays.
struct Group<const J: usize> {
    thresholds: [f64; J],
    steps: [i64; J],
    /// The step of a missing input, for `OWN` passes.
    missing: i64,
}

/// One pass over `xs` for the thresholds of one group (at most [`GROUP`]).
fn group(
    thresholds: &[f64],
    steps: &[i64],
    missing: Missing,
    xs: &[f64],
    totals: &mut [i64],
    range: &mut Range,
) {
    macro_rules! sized {
        ($($j:literal)*) => {
            match thresholds.len() {
                $($j => sized::<$j>(thresholds, steps, missing, xs, totals, range),)*
                _ => {}
            }
        };
    }
    sized!(1 2 3 4 5 6 7 8);
}

/// [`group`] for exactly `J` thresholds.
fn sized<const J: usize>(
    thresholds: &[f64],
    steps: &[i64],
    missing: Missing,
    xs: &[f64],
    totals: &mut [i64],
    range: &mut Range,
) {
    let (Ok(thresholds), Ok(steps)) =
        (<[f64; J]>::try_from(thresholds), <[i64; J]>::try_from(steps))
    else {
        return;
    };
    match missing {
        Missing::First => {
            pass::<J, FIRST>(&Group { thresholds, steps, missing: 0 }, xs, totals, range);
        }
        Missing::Last => {
            pass::<J, LAST>(&Group { thresholds, steps, missing: 0 }, xs, totals, range);
        }
        Missing::Own(m) => {
            pass::<J, OWN>(&Group { thresholds, steps, missing: m }, xs, totals, range);
        }
    }
}

/// The points `x` adds beyond the first piece's, for a group of `J` thresholds.
#[inline(always)]
fn points<const J: usize, const NAN: u8>(group: &Group<J>, x: f64) -> i64 {
    let mut points = if NAN == OWN && x.is_nan() { group.missing } else { 0 };
    for (&threshold, &step) in group.thresholds.iter().zip(&group.steps) {
        // `!(x < t)` is `x >= t` but for NaN, which passes it: one comparison either way.
        #[allow(clippy::neg_cmp_op_on_partial_ord)] // the negation is the point: NaN passes
        let at_or_above = if NAN == LAST { !(x < threshold) } else { x >= threshold };
        points = points.wrapping_add(if at_or_above { step } else { 0 });
    }
    points
}

/// Adds the points of `group` for each of `xs` to `totals`, and widens `range` by `xs`: one
/// pass, which the compiler vectorises (comparisons as masks on the steps, the range as a
/// reduction).
fn pass<const J: usize, const NAN: u8>(
    group: &Group<J>,
    xs: &[f64],
    totals: &mut [i64],
    range: &mut Range,
) {
    let mut out = 0u64;
    for (total, &x) in totals.iter_mut().zip(xs) {
        *total = total.wrapping_add(points::<J, NAN>(group, x));
        out |= outside(x);
    }
    range.out |= out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The points beyond the first piece's by the definition: the piece is the number of cuts
    /// at or below `x` plus the number below it, NaN the missing entry.
    fn by_pieces(cuts: &[f64], points: &[i64], x: f64) -> i64 {
        let (missing, pieces) = points.split_last().unwrap();
        let piece: usize = cuts.iter().map(|&c| usize::from(x >= c) + usize::from(x > c)).sum();
        let entry = if x.is_nan() { *missing } else { pieces[piece] };
        entry - pieces[0]
    }

    fn added(steps: &Steps, xs: &[f64]) -> (Vec<i64>, bool) {
        let mut totals = vec![0; xs.len()];
        let mut range = Range::EMPTY;
        steps.add(xs, &mut totals, &mut range);
        (totals, range.readable())
    }

    #[test]
    fn usual_cuts_compare_once_and_missing_costs_nothing_when_it_is_an_end() {
        let cuts = [1.0, 2.5, 4.0];
        // `x < t` bins: the float of a cut lands in the piece above it.
        let above = [10, 20, 20, 30, 30, 45, 45];
        for (missing, mode) in [(10, Missing::First), (45, Missing::Last), (7, Missing::Own(-3))] {
            let points: Vec<i64> = above.iter().copied().chain([missing]).collect();
            let steps = Steps::new(&cuts, &points).unwrap();
            assert_eq!(steps.comparisons(), 3);
            assert_eq!(steps.missing, mode);
            assert_eq!(steps.missing(), missing - 10);
        }
        // `x <= t` bins: it lands in the piece below.
        let steps = Steps::new(&cuts, &[10, 10, 20, 20, 30, 30, 45, 0]).unwrap();
        assert_eq!(steps.comparisons(), 3);
        // Every piece its own points: two comparisons per cut.
        let steps = Steps::new(&cuts, &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        assert_eq!(steps.comparisons(), 6);
        // Equal points everywhere: no comparison at all.
        let steps = Steps::new(&cuts, &[5; 8]).unwrap();
        assert_eq!((steps.comparisons(), steps.missing), (0, Missing::First));
        // Consecutive floats as cuts: `x > a` and `x >= a.next_up()` are one threshold.
        let a: f64 = 3.0;
        let steps = Steps::new(&[a, a.next_up()], &[0, 1, 2, 3, 4, 9]).unwrap();
        assert_eq!(steps.comparisons(), 3);
        let xs = [a.next_down(), a, a.next_up(), a.next_up().next_up(), f64::NAN];
        assert_eq!(added(&steps, &xs).0, [0, 1, 3, 4, 9]);
        // A piece count that does not match the cuts is refused.
        assert!(Steps::new(&cuts, &[1, 2, 3]).is_none());
    }

    #[test]
    fn the_range_marks_what_the_fast_path_cannot_read() {
        let readable = [0.0, -0.0, f64::NAN, 1e-11, -1e-11, 1.0, 1e27f64.next_down(), -99.5];
        let unreadable = [
            5e-324,
            -5e-324,
            1e-11f64.next_down(),
            1e-300,
            1e27,
            -1e27,
            1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let steps = Steps::new(&[1.0], &[0, 1, 2, 0]).unwrap();
        for x in readable {
            let mut range = Range::EMPTY;
            range.widen(&[x]);
            assert!(range.readable(), "{x:e}");
            // Among others, and through a pass of the steps.
            let xs = [1.0, x, 2.0, 0.0, 3.0];
            assert!(added(&steps, &xs).1, "{x:e}");
        }
        for x in unreadable {
            let mut range = Range::EMPTY;
            range.widen(&[x]);
            assert!(!range.readable(), "{x:e}");
            let xs = [1.0, 2.0, 0.0, 3.0, x];
            assert!(!added(&steps, &xs).1, "{x:e}");
        }
    }

    /// Sorted distinct cuts (the kernel dedups -0.0 and 0.0) and the points of their pieces.
    fn lane() -> impl Strategy<Value = (Vec<f64>, Vec<i64>)> {
        let cut = prop_oneof![
            (-40i32..40).prop_map(|h| f64::from(h) / 4.0),
            Just(0.1),
            Just(0.1f64.next_up()),
            Just(1e-11),
            Just(-1e26)
        ];
        prop::collection::vec(cut, 0..20).prop_flat_map(|mut cuts| {
            cuts.sort_by(f64::total_cmp);
            cuts.dedup_by(|a, b| a == b);
            let pieces = 2 * cuts.len() + 2;
            // Few distinct points, so that many steps are zero and ends repeat.
            (Just(cuts), prop::collection::vec(-3i64..4, pieces))
        })
    }

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            (-44i32..44).prop_map(|h| f64::from(h) / 4.0),
            (-44i32..44).prop_map(|h| (f64::from(h) / 4.0).next_up()),
            (-44i32..44).prop_map(|h| (f64::from(h) / 4.0).next_down()),
            prop::sample::select(vec![f64::NAN, -0.0, 0.1, 1e-11, -1e26, 1e26]),
            any::<f64>()
        ]
    }

    proptest! {
        #[test]
        fn steps_add_each_pieces_points(
            (cuts, points) in lane(),
            xs in prop::collection::vec(value(), 0..40),
        ) {
            let steps = Steps::new(&cuts, &points).unwrap();
            let (totals, _) = added(&steps, &xs);
            for (&x, &total) in xs.iter().zip(&totals) {
                prop_assert_eq!(total, by_pieces(&cuts, &points, x), "x = {:e}", x);
            }
        }
    }
}
