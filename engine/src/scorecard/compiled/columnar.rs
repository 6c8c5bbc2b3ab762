//! The columnar kernel of a card in threshold form.
//!
//! The numeric fast path still scores one row at a time, adding decimals and looking bins up
//! through each bin's list of comparisons. Over a batch of float columns most of that work is
//! the same for every row, so the kernel does it once, when the card is compiled:
//!
//! - per characteristic, the distinct floats `f_1 < … < f_k` of its cut points split the floats
//!   into `2k + 1` pieces: the open intervals between them and the cut points themselves. Every
//!   float inside one open interval compares alike with every cut (no float equality, so no
//!   exact decimal is needed), and a float equal to `f_i` is one known decimal, so the bin of
//!   each piece (and of a missing input) is found at compile time with the numeric path's own
//!   `bin_for`, and kept in a table;
//! - a float's piece is the number of cut floats below it plus the number at or below it: two
//!   comparisons per cut, without branches, over a chunk of one column at a time, which the
//!   compiler turns into vector instructions;
//! - for the scores alone, a lane whose pieces all share one decimal scale skips the table: the
//!   pieces are in order, and the comparisons that hold for a float are always the first ones
//!   of `x >= f_1, x > f_1, x >= f_2, …`, so its points are the first piece's plus one step per
//!   comparison that holds (the difference between consecutive pieces' points), and a missing
//!   input adds the step from the first piece to the missing entry. Compare, mask and add, with
//!   no lookup: the whole lane is one vectorised pass over the chunk, with one comparison per
//!   step that is not zero (see the `steps` module), which also checks its inputs' range;
//! - points are added as integers scaled by `10^s`, `s` the largest scale among the card's
//!   points: exact, as long as the largest possible total stays within `2^53` (checked at
//!   compile time; larger cards keep the row path). The total's decimal scale is the largest
//!   scale among the points the row matched, as with decimal addition.
//!
//! A row the tables cannot score (an input outside the fast path's range, a fraction in an
//! integer field, a missing input that is replaced or refused, or a piece where no bin applies)
//! is marked and scored again through the row path, which gives its exact result or error. The
//! range of a plain input (no integer field, a missing value stays missing) is checked for a
//! whole chunk at once, and its rows are marked one by one only when some value is out of it.

mod steps;

use rust_decimal::Decimal;

use super::numeric::{Input, NumericCard};
use steps::{Range, Steps};

/// Rows per chunk: a chunk of a column is 32 KiB and the totals as much, within L2 cache. A
/// lane reads its column's chunk in one sequential run, and longer runs let the hardware
/// prefetcher keep up with twenty columns read one after the other: 4096 rows scored the
/// twenty-characteristic benchmark 10 to 20 % faster than 1024 did.
pub(super) const CHUNK: usize = 4096;

/// A table entry's mark for "score this row through the row path"; above every decimal scale,
/// so that the per-row maximum of scales keeps it.
const FALLBACK: u8 = u8::MAX;

/// At most this many distinct cut floats per characteristic, so that a piece index (and the
/// missing entry after them) fits a byte.
const MAX_CUTS: usize = 120;

/// The largest total the kernel adds up: integers up to `2^53` are exact as floats too.
const LIMIT: i64 = 1 << 53;

/// One characteristic's tables, indexed by piece (see the module documentation).
#[derive(Debug, Clone)]
struct Lane {
    /// The input slot read, `None` when the bins read none (a constant bin).
    slot: Option<usize>,
    /// Sorted distinct cut floats.
    cuts: Vec<f64>,
    /// The entry of a missing input (`2k + 1`).
    missing: u8,
    /// Points scaled by `10^scale` of the kernel.
    points: Box<[i64; 256]>,
    /// The decimal scale of the points, or [`FALLBACK`].
    meta: Box<[u8; 256]>,
    /// Whether some entry's `meta` exceeds the initial score's scale (otherwise taking the
    /// per-row maximum with it changes nothing, and is skipped).
    meta_needed: bool,
    /// `(rank, code)` of the reason code a row keeps, `None` when it keeps none.
    reasons: Box<[Option<(u32, u32)>; 256]>,
    /// The steps of the points from piece to piece, when the lane can skip its tables.
    steps: Option<Steps>,
}

/// How an input is checked before the tables are trusted with it.
#[derive(Debug, Clone, Copy)]
struct Check {
    integer: bool,
    missing_stays: bool,
}

impl Check {
    /// Whether the range of the values is all there is to check (see [`Range`]).
    fn plain(self) -> bool {
        self.missing_stays && !self.integer
    }
}

/// The columnar kernel of a card in threshold form.
#[derive(Debug, Clone)]
pub(super) struct Kernel {
    checks: Vec<Check>,
    /// Per input slot, whether a lane with steps reads it (and so checks its range as it
    /// goes, when the scores alone are asked for).
    stepped: Vec<bool>,
    lanes: Vec<Lane>,
    /// `10^(s - t)` for every scale `t <= s`, `s` the common scale of the scaled points (the
    /// first entry is `10^s`).
    divisors: Vec<i64>,
    initial: i64,
    /// `initial` plus the first piece's points of every lane with steps: where the totals of
    /// a chunk start when the lanes take their steps.
    stepped_initial: i64,
    initial_scale: u8,
    use_reason_codes: bool,
}

/// Per-chunk buffers, reused from chunk to chunk.
#[derive(Debug, Clone)]
pub(super) struct Buffers {
    /// Scaled totals.
    pub(super) totals: Vec<i64>,
    /// The largest scale among the matched points, or [`FALLBACK`].
    pub(super) meta: Vec<u8>,
    /// Pieces, `CHUNK` per characteristic, kept for the reason codes.
    pieces: Vec<u8>,
    /// One characteristic's pieces as they are counted (wide lanes: no narrowing per cut).
    counts: Vec<u64>,
    /// Non-zero for a row whose inputs the tables cannot stand for (wide, like `counts`, so
    /// that the checks vectorise; narrowed into `meta` once per chunk).
    unreadable: Vec<u64>,
    /// Whether some row of the last chunk needs the row path.
    fallbacks: bool,
}

impl Kernel {
    /// The kernel of `card`, or `None` when a characteristic has too many cut points or the
    /// points do not fit exact scaled integers.
    pub(super) fn new(card: &NumericCard, use_reason_codes: bool) -> Option<Kernel> {
        let checks = card
            .input_rules()
            .map(|(integer, missing_stays)| Check { integer, missing_stays })
            .collect();
        let lanes: Vec<LaneEntries> = (0..card.characteristic_count())
            .map(|c| lane_entries(card, c))
            .collect::<Option<_>>()?;
        let initial = card.initial_score();
        if initial.is_zero() && initial.is_sign_negative() {
            return None;
        }
        let points = lanes.iter().flat_map(|(_, _, entries)| entries.iter().flatten());
        let scale = points.map(|e| e.points.scale()).chain([initial.scale()]).max()?;
        let divisors: Vec<i64> =
            (0..=scale).rev().map(|t| 10i64.checked_pow(t)).collect::<Option<_>>()?;
        let scaled = |d: Decimal| -> Option<i64> {
            let factor = *divisors.get(usize::try_from(d.scale()).ok()?)?;
            let scaled = i64::try_from(d.mantissa()).ok()?.checked_mul(factor)?;
            (scaled.abs() <= LIMIT).then_some(scaled)
        };
        let initial_scaled = scaled(initial)?;
        let mut bound = initial_scaled.abs();
        let mut built = Vec::with_capacity(lanes.len());
        for (slot, cuts, entries) in lanes {
            let mut lane = Lane {
                slot,
                missing: u8::try_from(entries.len() - 1).ok()?,
                cuts,
                points: Box::new([0; 256]),
                meta: Box::new([FALLBACK; 256]),
                meta_needed: false,
                reasons: Box::new([None; 256]),
                steps: None,
            };
            let mut largest = 0i64;
            for (i, entry) in entries.iter().enumerate() {
                let Some(entry) = entry else { continue };
                if entry.points.is_zero() && entry.points.is_sign_negative() {
                    return None;
                }
                let points = scaled(entry.points)?;
                largest = largest.max(points.abs());
                lane.points[i] = points;
                lane.meta[i] = u8::try_from(entry.points.scale()).ok()?;
                lane.reasons[i] = entry.reason;
            }
            bound = bound.checked_add(largest).filter(|b| *b <= LIMIT)?;
            let initial_scale = u8::try_from(initial.scale()).ok()?;
            lane.meta_needed = lane.meta.iter().take(entries.len()).any(|&m| m > initial_scale);
            if !lane.meta_needed {
                lane.steps = Steps::new(&lane.cuts, &lane.points[..entries.len()]);
            }
            built.push(lane);
        }
        let firsts = built.iter().filter_map(|lane| lane.steps.as_ref().map(|s| s.first));
        // Within the bound: each first piece's points are at most the lane's largest.
        let stepped_initial = firsts.fold(initial_scaled, i64::wrapping_add);
        let mut stepped = vec![false; card.input_rules().count()];
        for lane in built.iter().filter(|lane| lane.steps.is_some()) {
            if let Some(read) = lane.slot.and_then(|s| stepped.get_mut(s)) {
                *read = true;
            }
        }
        Some(Kernel {
            checks,
            stepped,
            lanes: built,
            divisors,
            initial: initial_scaled,
            stepped_initial,
            initial_scale: u8::try_from(initial.scale()).ok()?,
            use_reason_codes,
        })
    }

    /// How many lanes take steps instead of tables.
    #[cfg(test)]
    pub(super) fn stepped_lanes(&self) -> usize {
        self.lanes.iter().filter(|lane| lane.steps.is_some()).count()
    }

    /// Empty buffers for [`Kernel::chunk`].
    pub(super) fn buffers(&self, with_reasons: bool) -> Buffers {
        let lanes = if with_reasons { self.lanes.len() } else { 0 };
        Buffers {
            totals: vec![0; CHUNK],
            meta: vec![0; CHUNK],
            pieces: vec![0; CHUNK * lanes],
            counts: vec![0; CHUNK],
            unreadable: vec![0; CHUNK],
            fallbacks: false,
        }
    }

    /// Scores rows `start..start + len` (`len <= CHUNK`) of `columns` (one per input slot,
    /// `None` for an input missing in every row, each at least `start + len` long) into the
    /// first `len` entries of `buffers`; with `with_reasons`, every characteristic's pieces are
    /// kept for [`Kernel::reasons`], else the lanes with steps take them instead of tables.
    pub(super) fn chunk(
        &self,
        columns: &[Option<&[f64]>],
        start: usize,
        len: usize,
        buffers: &mut Buffers,
        with_reasons: bool,
    ) {
        let totals = &mut buffers.totals[..len];
        let meta = &mut buffers.meta[..len];
        totals.fill(if with_reasons { self.initial } else { self.stepped_initial });
        meta.fill(self.initial_scale);
        // The magnitudes of the plain inputs, checked once for the whole chunk.
        let mut range = Range::EMPTY;
        // Whether some row's `meta` may hold FALLBACK.
        let mut marked = false;
        let counts = &mut buffers.counts[..len];
        for (l, lane) in self.lanes.iter().enumerate() {
            let xs = lane.slot.and_then(|s| columns.get(s).copied().flatten());
            let xs = xs.map(|xs| &xs[start..start + len]);
            if let (false, Some(steps)) = (with_reasons, &lane.steps) {
                match xs {
                    Some(xs) => steps.add(xs, totals, &mut range),
                    None => {
                        let missing = steps.missing();
                        totals.iter_mut().for_each(|t| *t = t.wrapping_add(missing));
                    }
                }
                continue;
            }
            let (points, metas) = (&*lane.points, &*lane.meta);
            match xs {
                Some(xs) => locate(lane, xs, counts),
                None => counts.fill(u64::from(lane.missing)),
            }
            for (total, &piece) in totals.iter_mut().zip(counts.iter()) {
                *total = total.wrapping_add(points[(piece & 0xFF) as usize]);
            }
            if lane.meta_needed {
                marked = true;
                for (m, &piece) in meta.iter_mut().zip(counts.iter()) {
                    *m = (*m).max(metas[(piece & 0xFF) as usize]);
                }
            }
            if with_reasons {
                let at = l * CHUNK;
                for (kept, &piece) in buffers.pieces[at..at + len].iter_mut().zip(counts.iter()) {
                    *kept = (piece & 0xFF) as u8;
                }
            }
        }
        // The inputs no pass above checked: plain ones by their range, others row by row.
        let mut strict = false;
        for ((check, column), &stepped) in self.checks.iter().zip(columns).zip(&self.stepped) {
            match column {
                None => strict |= !check.missing_stays,
                Some(xs) if check.plain() => {
                    if with_reasons || !stepped {
                        range.widen(&xs[start..start + len]);
                    }
                }
                Some(_) => strict = true,
            }
        }
        if strict || !range.readable() {
            // Some rows may not read on the fast path: find them.
            let unreadable = &mut buffers.unreadable[..len];
            unreadable.fill(0);
            for (check, column) in self.checks.iter().zip(columns) {
                match column {
                    None if !check.missing_stays => unreadable.fill(1),
                    None => {}
                    Some(xs) => validate(*check, &xs[start..start + len], unreadable),
                }
            }
            for (m, &bad) in meta.iter_mut().zip(unreadable.iter()) {
                *m = if bad != 0 { FALLBACK } else { *m };
            }
            marked = true;
        }
        buffers.fallbacks = marked && meta.contains(&FALLBACK);
    }

    /// The scores of the first `len` rows of the last chunk as the floats nearest to them,
    /// into `out` (a fallback row's entry is left for the row path to overwrite): both the
    /// total and `10^s` are exact floats, so one correctly rounded division gives each.
    pub(super) fn scores_f64(&self, buffers: &Buffers, out: &mut [f64]) {
        let totals = buffers.totals.iter();
        match self.divisors.first() {
            Some(&unit) if unit > 1 => {
                // Exact: 10^s <= 10^22 is a float without rounding.
                let unit = unit as f64;
                out.iter_mut().zip(totals).for_each(|(o, &t)| *o = t as f64 / unit);
            }
            _ => out.iter_mut().zip(totals).for_each(|(o, &t)| *o = t as f64),
        }
    }

    /// Whether row `r` of the last chunk needs the row path.
    pub(super) fn falls_back(buffers: &Buffers, r: usize) -> bool {
        buffers.meta[r] == FALLBACK
    }

    /// Whether some row of the last chunk needs the row path.
    pub(super) fn any_falls_back(buffers: &Buffers) -> bool {
        buffers.fallbacks
    }

    /// The exact score of row `r` of the last chunk (not a fallback row).
    pub(super) fn score(&self, buffers: &Buffers, r: usize) -> Option<Decimal> {
        let scale = buffers.meta[r];
        let divisor = *self.divisors.get(usize::from(scale))?;
        Decimal::try_new(buffers.totals[r] / divisor, u32::from(scale)).ok()
    }

    /// [`Kernel::reasons`] into a row of `width` slots: the codes as indices, then `-1` in
    /// the slots left (no vector per row: `ranked` is scratch space reused from row to row).
    pub(super) fn reasons_into(
        &self,
        buffers: &Buffers,
        r: usize,
        ranked: &mut Vec<(u32, usize, u32)>,
        slots: &mut [i32],
    ) {
        ranked.clear();
        if self.use_reason_codes {
            for (l, lane) in self.lanes.iter().enumerate() {
                let piece = buffers.pieces[l * CHUNK + r];
                if let Some((rank, code)) = lane.reasons[usize::from(piece)] {
                    ranked.push((rank, l, code));
                }
            }
            // Rank, then the characteristic's position: the stable order of the row path.
            ranked.sort_unstable();
        }
        let mut codes = ranked.iter().map(|&(_, _, code)| i32::try_from(code).unwrap_or(-1));
        for slot in slots {
            *slot = codes.next().unwrap_or(-1);
        }
    }

    /// The ranked reason codes of row `r` of the last chunk (scored `with_reasons`), into
    /// `codes`: descending points, ties in the order of the characteristics. `ranked` is
    /// scratch space reused from row to row.
    pub(super) fn reasons(
        &self,
        buffers: &Buffers,
        r: usize,
        ranked: &mut Vec<(u32, usize, u32)>,
        codes: &mut Vec<u32>,
    ) {
        codes.clear();
        ranked.clear();
        if !self.use_reason_codes {
            return;
        }
        for (l, lane) in self.lanes.iter().enumerate() {
            let piece = buffers.pieces[l * CHUNK + r];
            if let Some((rank, code)) = lane.reasons[usize::from(piece)] {
                ranked.push((rank, l, code));
            }
        }
        // Rank, then the characteristic's position: the stable order of the row path.
        ranked.sort_unstable();
        codes.extend(ranked.iter().map(|&(_, _, code)| code));
    }
}

/// A table entry before scaling: `None` when the row path must decide.
#[derive(Debug, Clone, Copy)]
struct Entry {
    points: Decimal,
    reason: Option<(u32, u32)>,
}

/// A characteristic's slot, sorted cut floats, and the entry of every piece and of a missing
/// input (last).
type LaneEntries = (Option<usize>, Vec<f64>, Vec<Option<Entry>>);

/// Characteristic `c`'s [`LaneEntries`].
fn lane_entries(card: &NumericCard, c: usize) -> Option<LaneEntries> {
    let mut cuts = card.cut_floats(c);
    cuts.sort_by(f64::total_cmp);
    // -0.0 and 0.0 compare equal with every float: one cut.
    cuts.dedup_by(|a, b| a == b);
    if cuts.len() > MAX_CUTS {
        return None;
    }
    let entry = |input: Option<Input<'_>>| -> Option<Entry> {
        let bin = card.bin_for(c, input?)??;
        let (points, reason) = card.outcome(c, bin)?;
        Some(Entry { points, reason })
    };
    let k = cuts.len();
    let mut entries = Vec::with_capacity(2 * k + 2);
    for i in 0..=k {
        // The open interval below cuts[i] (above the last cut when i == k): any float in it.
        let inside = match (i.checked_sub(1).and_then(|j| cuts.get(j)), cuts.get(i)) {
            (None, None) => Some(0.0),
            (None, Some(high)) => Some(high.next_down()),
            (Some(low), None) => Some(low.next_up()),
            (Some(low), Some(high)) => Some(low.next_up()).filter(|x| x < high),
        };
        entries.push(entry(inside.map(Input::Float)));
        if let Some(&cut) = cuts.get(i) {
            entries.push(entry(Some(Input::Float(cut))));
        }
    }
    entries.push(entry(Some(Input::Missing)));
    Some((card.slot(c), cuts, entries))
}

/// Marks (non-zero) the rows whose input the tables cannot stand for (as
/// `NumericCard::input` decides).
fn validate(check: Check, xs: &[f64], unreadable: &mut [u64]) {
    // Without branches (`&`, `|` on booleans), on wide lanes, so that the loops vectorise.
    for (bad, &x) in unreadable.iter_mut().zip(xs) {
        let magnitude = x.abs();
        // Zero, a magnitude in [1e-11, 1e27), or missing (NaN) reads on the fast path.
        let readable = (magnitude == 0.0) | (1e-11..1e27).contains(&magnitude) | x.is_nan();
        let refused = !check.missing_stays & x.is_nan();
        *bad |= u64::from(!readable | refused);
    }
    if check.integer {
        for (bad, &x) in unreadable.iter_mut().zip(xs) {
            *bad |= u64::from(!x.is_nan() & (x.fract() != 0.0));
        }
    }
}

/// Each row's piece of `lane` for the floats `xs` (the missing entry for NaN).
///
/// Cards rarely have more than a handful of cuts per characteristic: for up to eight, the cuts
/// are a fixed-size array, the loop over them unrolls, and one vectorised pass over the rows
/// does all the comparisons; more cuts take one pass per cut.
fn locate(lane: &Lane, xs: &[f64], counts: &mut [u64]) {
    let missing = u64::from(lane.missing);
    match lane.cuts.len() {
        1 => locate_few::<1>(&lane.cuts, missing, xs, counts),
        2 => locate_few::<2>(&lane.cuts, missing, xs, counts),
        3 => locate_few::<3>(&lane.cuts, missing, xs, counts),
        4 => locate_few::<4>(&lane.cuts, missing, xs, counts),
        5 => locate_few::<5>(&lane.cuts, missing, xs, counts),
        6 => locate_few::<6>(&lane.cuts, missing, xs, counts),
        7 => locate_few::<7>(&lane.cuts, missing, xs, counts),
        8 => locate_few::<8>(&lane.cuts, missing, xs, counts),
        _ => locate_many(&lane.cuts, missing, xs, counts),
    }
}

/// [`locate`] for exactly `K` cuts, in one pass.
fn locate_few<const K: usize>(cuts: &[f64], missing: u64, xs: &[f64], counts: &mut [u64]) {
    let Ok(cuts) = <&[f64; K]>::try_from(cuts) else {
        return locate_many(cuts, missing, xs, counts);
    };
    for (count, &x) in counts.iter_mut().zip(xs) {
        let mut piece = 0u64;
        for &cut in cuts {
            piece += u64::from(x > cut) + u64::from(x >= cut);
        }
        *count = if x.is_nan() { missing } else { piece };
    }
}

/// [`locate`] for any number of cuts, one pass per cut.
fn locate_many(cuts: &[f64], missing: u64, xs: &[f64], counts: &mut [u64]) {
    counts.fill(0);
    for &cut in cuts {
        for (count, &x) in counts.iter_mut().zip(xs) {
            *count += u64::from(x > cut) + u64::from(x >= cut);
        }
    }
    for (count, &x) in counts.iter_mut().zip(xs) {
        *count = if x.is_nan() { missing } else { *count };
    }
}
