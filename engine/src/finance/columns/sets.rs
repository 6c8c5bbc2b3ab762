//! The columns' conditions again as sets of a chain's candidates, one bit per candidate, so
//! that a demand counts every candidate's failed conditions a machine word (64 candidates) at
//! a time, and tells eligible products and the misses that may be among the closest by a few
//! word operations instead of a pass over each candidate.
//!
//! Each column keeps, for every rank a firm's figure can take, the set of candidates that
//! figure fails. A demand adds the sets of the conditions it fails into counters held bit
//! sliced (bit `s` of each candidate's count in slice `s`), so that "fails nothing" and "fails
//! exactly `k`" are again sets. A chain whose tables would be large (many distinct thresholds
//! in a long chain) keeps only the rank columns.

use super::super::index::Candidate;
use super::super::screen::{FirmFacts, Verdict};
use super::{ChainColumns, Figures, GRADES, NO_RULE, ROW, RULE, Ranked, Thresholds};

/// Bits of a failed count: more than the conditions a candidate can fail (at most 19).
const SLICES: usize = 5;

/// The most words of tables one chain keeps (1 MiB); a chain beyond keeps the rank columns.
const BUDGET_WORDS: usize = 1 << 17;

/// Sets of candidates laid out one after the other, each `words` long.
#[derive(Debug, Clone, Default)]
struct Table {
    sets: Vec<u64>,
}

impl Table {
    /// The `i`-th set, empty when there is none.
    fn get(&self, i: usize, words: usize) -> &[u64] {
        self.sets.get(i * words..(i + 1) * words).unwrap_or(&[])
    }

    /// The table of `count` sets, the `i`-th holding the positions `member(i, position)`
    /// names, out of `n`.
    fn build(count: usize, n: usize, member: impl Fn(usize, usize) -> bool) -> Table {
        let words = n.div_ceil(64);
        let mut sets = vec![0_u64; count * words];
        for (i, set) in sets.chunks_mut(words.max(1)).enumerate().take(count) {
            for position in (0..n).filter(|&p| member(i, p)) {
                if let Some(w) = set.get_mut(position / 64) {
                    *w |= 1 << (position % 64);
                }
            }
        }
        Table { sets }
    }
}

/// Per column of thresholds, the candidates each rank of the firm's figure fails.
#[derive(Debug, Clone)]
struct Failing(Table);

impl Failing {
    /// For a floor (ranks from 1): the figure of rank `r` fails the candidates ranked above
    /// `r`, for `r` below the number of distinct thresholds.
    fn floor<T: Copy + Ord>(column: &Ranked<T>, n: usize) -> Failing {
        Failing(Table::build(column.len(), n, |r, p| column.rank_at(p) > r))
    }

    /// For a ceiling (ranks from 0): the figure of rank `r` (from 1) fails the candidates
    /// ranked below it; set `r - 1` holds them.
    fn ceiling<T: Copy + Ord>(column: &Ranked<T>, n: usize) -> Failing {
        Failing(Table::build(column.len(), n, |r, p| column.rank_at(p) < r + 1))
    }
}

/// A chain's candidates as sets: the failing sets of every condition, and the sets that
/// decide scope, rows screened apart, and pricing.
#[derive(Debug, Clone)]
pub(in crate::finance) struct ChainSets {
    words: usize,
    amount_min: Failing,
    collateral: Failing,
    min_grade: Failing,
    min_years: Failing,
    min_tax_paid: Failing,
    payment_within: Failing,
    max_loans: Failing,
    max_capital: Failing,
    max_staff: Failing,
    max_revenue: Failing,
    max_circle: Failing,
    tax_floor: Failing,
    sales_floor: Failing,
    loans_ceiling: Failing,
    /// By tax-grade bit: the candidates that do not admit it.
    tax_grade: Table,
    /// By flag bit (0 to 2): the candidates that set it.
    flags: Table,
    /// By grade rank: the candidates whose limit is below the smallest loan at that grade
    /// whatever the figures.
    limit_grades: Table,
    /// By grade rank: the candidates that price it.
    priced: Table,
    /// By section bit (0 to 31): the candidates whose include list admits it or is empty.
    sections: Table,
    /// By rule place: the candidates with that industry rule.
    rules: Table,
    /// The candidates screened product by product.
    rows: Table,
}

/// A demand's working sets, kept by the scratch of a batch.
#[derive(Debug, Default)]
pub(in crate::finance) struct SetCounts {
    /// Per word of candidates: the bit slices of their failed counts.
    counts: Vec<[u64; SLICES]>,
    /// Candidates in scope (not screened apart).
    scope: Vec<u64>,
    /// The limit's failing candidates.
    limit: Vec<u64>,
    /// Eligible candidates, then contenders.
    eligible: Vec<u64>,
    misses: Vec<u64>,
    /// Misses with no more failed conditions than the bound so far.
    within: Vec<u64>,
    /// Candidates failing a condition whose gap alone adds at least 1 to the closeness (a
    /// condition met or not, with no measure; a count of records; a figure of zero or
    /// unknown against a threshold): see [`SetCounts::set_aside_distant`].
    distant: Vec<u64>,
    /// The contenders set aside as distant.
    set_aside: Vec<u64>,
    /// The failing set of each condition a candidate's gap can be read off the columns for
    /// (see [`ChainColumns::single_gap`]), when the firm fails any.
    singles: [Option<usize>; SINGLES],
}

/// The conditions whose gap [`ChainColumns::single_gap`] reads off their thresholds, by
/// place in [`SetCounts::singles`].
const SINGLES: usize = 10;
const AMOUNT_MIN: usize = 0;
const MIN_GRADE: usize = 1;
const MIN_YEARS: usize = 2;
const MIN_TAX_PAID: usize = 3;
const PAYMENT_WITHIN: usize = 4;
const MAX_LOANS: usize = 5;
const MAX_CAPITAL: usize = 6;
const MAX_STAFF: usize = 7;
const MAX_REVENUE: usize = 8;
const MAX_CIRCLE: usize = 9;

impl ChainSets {
    /// The sets of a chain, `None` when its tables would pass the budget or when a
    /// candidate's industry rule is not among the chain's.
    pub(super) fn new(
        columns: &ChainColumns,
        chain: &[Candidate],
        rows: &[Thresholds],
        grades: usize,
    ) -> Option<ChainSets> {
        let n = chain.len();
        let words = n.div_ceil(64);
        let unruled =
            rows.iter().zip(&columns.rule_of).any(|(t, &r)| t.kind & RULE != 0 && r == NO_RULE);
        let distinct = [
            columns.amount_min.0.len(),
            columns.collateral.0.len(),
            columns.min_grade.0.len(),
            columns.min_years.0.len(),
            columns.min_tax_paid.0.len(),
            columns.payment_within.0.len(),
            columns.max_loans.0.len(),
            columns.max_capital.0.len(),
            columns.max_staff.0.len(),
            columns.max_revenue.0.len(),
            columns.max_circle.0.len(),
            columns.tax_floor.0.len(),
            columns.sales_floor.0.len(),
            columns.loans_ceiling.0.len(),
        ];
        let fixed = 32 + 3 + 2 * grades.min(GRADES) + 32 + columns.rules.len() + 1;
        let tables = distinct.iter().sum::<usize>() + fixed;
        if unruled || n == 0 || tables.saturating_mul(words) > BUDGET_WORDS {
            return None;
        }
        let grades = grades.min(GRADES);
        let row = |p: usize| rows.get(p);
        let bit = |mask: u64, b: usize| b < 64 && mask >> b & 1 != 0;
        Some(ChainSets {
            words,
            amount_min: Failing::floor(&columns.amount_min.0, n),
            collateral: Failing::floor(&columns.collateral.0, n),
            min_grade: Failing::ceiling(&columns.min_grade.0, n),
            min_years: Failing::floor(&columns.min_years.0, n),
            min_tax_paid: Failing::floor(&columns.min_tax_paid.0, n),
            payment_within: Failing::ceiling(&columns.payment_within.0, n),
            max_loans: Failing::ceiling(&columns.max_loans.0, n),
            max_capital: Failing::ceiling(&columns.max_capital.0, n),
            max_staff: Failing::ceiling(&columns.max_staff.0, n),
            max_revenue: Failing::ceiling(&columns.max_revenue.0, n),
            max_circle: Failing::ceiling(&columns.max_circle.0, n),
            tax_floor: Failing::floor(&columns.tax_floor.0, n),
            sales_floor: Failing::floor(&columns.sales_floor.0, n),
            loans_ceiling: Failing::ceiling(&columns.loans_ceiling.0, n),
            tax_grade: Table::build(32, n, |b, p| {
                row(p).is_some_and(|t| t.tax_grades >> b & 1 == 0)
            }),
            flags: Table::build(3, n, |b, p| row(p).is_some_and(|t| t.flags >> b & 1 != 0)),
            limit_grades: Table::build(grades, n, |g, p| {
                row(p).is_some_and(|t| bit(t.limit_grades, g))
            }),
            priced: Table::build(grades, n, |g, p| row(p).is_some_and(|t| bit(t.priced, g))),
            sections: Table::build(32, n, |b, p| {
                chain.get(p).is_some_and(|c| c.sections == 0 || c.sections >> b & 1 != 0)
            }),
            rules: Table::build(columns.rules.len(), n, |r, p| {
                columns.rule_of.get(p).is_some_and(|&x| usize::from(x) == r)
            }),
            rows: Table::build(1, n, |_, p| row(p).is_some_and(|t| t.kind & ROW != 0)),
        })
    }
}

/// Adds one to the count of every candidate of `set`: a ripple of carries through the slices.
fn add(counts: &mut [[u64; SLICES]], set: &[u64]) {
    for (slices, &member) in counts.iter_mut().zip(set) {
        let mut carry = member;
        for slice in slices.iter_mut() {
            let next = *slice & carry;
            *slice ^= carry;
            carry = next;
        }
    }
}

/// The candidates of one word whose failed count, held in `slices`, is exactly `k`.
fn failing_exactly(slices: &[u64; SLICES], k: usize) -> u64 {
    (slices.iter().enumerate())
        .fold(u64::MAX, |set, (s, &slice)| set & if k >> s & 1 != 0 { slice } else { !slice })
}

/// `into |= set`.
fn or_into(into: &mut [u64], set: &[u64]) {
    into.iter_mut().zip(set).for_each(|(a, &b)| *a |= b);
}

impl SetCounts {
    /// Empties the sets for a chain of `words` words.
    fn reset(&mut self, words: usize) {
        for v in [&mut self.scope, &mut self.limit, &mut self.eligible, &mut self.misses] {
            v.clear();
            v.resize(words, 0);
        }
        for v in [&mut self.within, &mut self.distant, &mut self.set_aside] {
            v.clear();
            v.resize(words, 0);
        }
        self.counts.clear();
        self.counts.resize(words, [0; SLICES]);
    }

    /// The failed count of the candidate at `position`.
    #[cfg(test)]
    pub fn failed_at(&self, position: usize) -> u8 {
        let (w, b) = (position / 64, position % 64);
        let slices = self.counts.get(w).copied().unwrap_or_default();
        (slices.iter().enumerate()).fold(0, |n, (s, &slice)| n | (((slice >> b) & 1) as u8) << s)
    }

    /// Calls `f` with the position of each candidate in scope that is screened product by
    /// product, ascending.
    pub fn each_row_in_scope(&self, sets: &ChainSets, f: impl FnMut(usize)) {
        let rows = sets.rows.get(0, sets.words);
        each_position(self.scope.iter().zip(rows).map(|(&s, &r)| s & r), f);
    }

    /// Calls `f` with the position of each eligible candidate, ascending.
    pub fn each_eligible(&self, f: impl FnMut(usize)) {
        each_position(self.eligible.iter().copied(), f);
    }

    /// Calls `f` with the position and failed count of each miss with no more failed
    /// conditions than the bound, ascending; each word's slices are read once.
    pub fn each_contender(&self, mut f: impl FnMut(usize, u8)) {
        for (w, (&within, slices)) in self.within.iter().zip(&self.counts).enumerate() {
            let mut bits = within;
            while bits != 0 {
                let b = bits.trailing_zeros();
                let count = slices.iter().rev().fold(0, |n, &slice| n << 1 | (slice >> b) & 1);
                f(w * 64 + b as usize, count as u8);
                bits &= bits - 1;
            }
        }
    }

    /// The number of misses with exactly `k` failed conditions, which joins them to the
    /// contenders.
    pub fn take_misses_failing(&mut self, k: usize) -> u32 {
        let mut total = 0;
        for ((within, &miss), slices) in self.within.iter_mut().zip(&self.misses).zip(&self.counts)
        {
            let exactly = miss & failing_exactly(slices, k);
            *within |= exactly;
            total += exactly.count_ones();
        }
        total
    }

    /// Every miss joins the contenders (the bound is beyond every count).
    pub fn take_every_miss(&mut self) {
        self.within.copy_from_slice(&self.misses);
    }

    /// Sets aside the contenders that fail a distant condition, for a bound of one failed
    /// condition: each of them then fails that condition alone, so its closeness is at least
    /// 1, and none is among the closest once enough other misses are closer than 1. Most
    /// contenders are such (a collateral or tax grade not admitted, a record count, an
    /// unknown figure), and setting them aside spares their screens.
    pub fn set_aside_distant(&mut self) {
        let parts = self.within.iter_mut().zip(&mut self.set_aside).zip(&self.distant);
        for ((within, aside), &distant) in parts {
            *aside = *within & distant;
            *within &= !distant;
        }
    }

    /// Takes out of the contenders those whose one failed condition is the limit, and calls
    /// `f` with the position of each: its gap needs the product's bounds, which the columns
    /// do not keep, but not its other conditions.
    #[inline(never)]
    pub fn take_limit_only(&mut self, mut f: impl FnMut(usize)) {
        let parts = self.within.iter_mut().zip(&self.limit).zip(&self.counts);
        for (w, ((within, &limit), slices)) in parts.enumerate() {
            let mut bits = *within & limit & failing_exactly(slices, 1);
            *within &= !bits;
            while bits != 0 {
                f(w * 64 + bits.trailing_zeros() as usize);
                bits &= bits - 1;
            }
        }
    }

    /// Calls `f` with the position of each contender set aside, ascending.
    pub fn each_set_aside(&self, f: impl FnMut(usize)) {
        each_position(self.set_aside.iter().copied(), f);
    }
}

/// Calls `f` with the positions of the set bits of a run of words, ascending.
fn each_position(words: impl Iterator<Item = u64>, mut f: impl FnMut(usize)) {
    for (w, mut bits) in words.enumerate() {
        while bits != 0 {
            f(w * 64 + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
}

impl ChainColumns {
    /// Counts, by the chain's sets, every candidate's failed conditions for the firm, and
    /// splits the candidates in scope (section `wanted`, industry rules `admitting`) into
    /// eligible ones (failing nothing, pricing the firm's grade) and misses; the candidates
    /// screened product by product are left out of both ([`SetCounts::rows_in_scope`]).
    /// `false` when the chain has no sets or a figure is beyond their range: the rank
    /// columns decide then.
    // Out of line, as are the single gaps and the limit-only contenders: each is a loop of
    // its own, and inlined into the matching loop (as the compiler decides anew with every
    // unrelated change) they cost more instructions there.
    #[inline(never)]
    pub fn count_by_sets(
        &self,
        f: &FirmFacts,
        (wanted, admitting): (u32, u64),
        out: &mut SetCounts,
    ) -> bool {
        let Some(sets) = self.sets.as_ref() else { return false };
        let Some(figures) = Figures::of(f) else { return false };
        let tax_bit = figures.tax_grade.trailing_zeros() as usize;
        if figures.tax_grade.count_ones() != 1 || usize::from(figures.grade) >= GRADES {
            return false;
        }
        let words = sets.words;
        out.reset(words);
        out.singles = [
            self.amount_min.failing_set(figures.amount),
            self.min_grade.failing_set(figures.grade),
            self.min_years.failing_set(f.years),
            self.min_tax_paid.failing_set(figures.tax_paid),
            self.payment_within.failing_set(figures.since_payment),
            self.max_loans.failing_set(figures.loans),
            self.max_capital.failing_set(figures.capital),
            self.max_staff.failing_set(figures.staff),
            self.max_revenue.failing_set(figures.revenue),
            self.max_circle.failing_set(figures.circle),
        ];
        let singles = out.singles;
        let (counts, distant) = (&mut out.counts[..], &mut out.distant[..]);
        // Each failed condition adds one to the count; a distant one (its gap alone adds at
        // least 1 to the closeness, as `screen` measures it) also joins `distant`.
        let mut count = |failing: &Failing, set: Option<usize>, far: bool| {
            if let Some(r) = set {
                let set = failing.0.get(r, words);
                add(counts, set);
                if far {
                    or_into(distant, set);
                }
            }
        };
        count(&sets.amount_min, singles[AMOUNT_MIN], false);
        // Not admitted: a gap of 1.
        count(&sets.collateral, self.collateral.failing_set(figures.collateral), true);
        count(&sets.min_grade, singles[MIN_GRADE], false);
        // Below the least years, with none: `years / years`.
        count(&sets.min_years, singles[MIN_YEARS], f.years == 0);
        // Tax paid unknown (a gap of 1) or none (`min / min`).
        let no_tax = f.tax_paid.is_none_or(|t| t == 0);
        count(&sets.min_tax_paid, singles[MIN_TAX_PAID], no_tax);
        let since = singles[PAYMENT_WITHIN];
        count(&sets.payment_within, since, f.months_since_payment.is_none());
        // Above a ceiling with the figure unknown: a gap of 1.
        count(&sets.max_loans, singles[MAX_LOANS], f.loans.is_none());
        count(&sets.max_capital, singles[MAX_CAPITAL], f.capital.is_none());
        count(&sets.max_staff, singles[MAX_STAFF], f.staff.is_none());
        count(&sets.max_revenue, singles[MAX_REVENUE], f.revenue.is_none());
        count(&sets.max_circle, singles[MAX_CIRCLE], f.circle.is_none());
        // A tax grade not admitted, and the record conditions (a count of records, or the
        // guarantor's link): each a gap of at least 1.
        if self.any_tax_grades {
            add(counts, sets.tax_grade.get(tax_bit, words));
            or_into(distant, sets.tax_grade.get(tax_bit, words));
        }
        for flag in 0..3 {
            if (self.any_flags & figures.flags) >> flag & 1 != 0 {
                add(counts, sets.flags.get(flag, words));
                or_into(distant, sets.flags.get(flag, words));
            }
        }
        // The limit, counted once when any of its bounds is below the smallest loan.
        let grade = usize::from(figures.grade);
        let plan = usize::from(figures.plan_grade);
        let now = sets.limit_grades.get(grade, words);
        let fails_now = singles[MIN_GRADE].map(|r| sets.min_grade.0.get(r, words));
        match fails_now {
            // Where the firm fails the minimum grade and the plan meets it, the limit's grade
            // cap is read at the plan's grade (`FirmFacts::limit_grade`).
            Some(fails_now) if plan < grade && self.plan_limits => {
                let at_plan = sets.limit_grades.get(plan, words);
                let fails_plan = self.min_grade.failing_set(figures.plan_grade);
                let fails_plan = fails_plan.map(|r| sets.min_grade.0.get(r, words));
                for (w, limit) in out.limit.iter_mut().enumerate() {
                    let word = |set: &[u64]| set.get(w).copied().unwrap_or(0);
                    let closes = word(fails_now) & !fails_plan.map_or(0, word);
                    *limit |= word(now) & !closes | word(at_plan) & closes;
                }
            }
            _ => or_into(&mut out.limit, now),
        }
        let mut mark = |failing: &Failing, set: Option<usize>| {
            if let Some(r) = set {
                or_into(&mut out.limit, failing.0.get(r, words));
            }
        };
        mark(&sets.tax_floor, self.tax_floor.failing_set(figures.tax_or_zero));
        mark(&sets.sales_floor, self.sales_floor.failing_set(figures.revenue_or_zero));
        mark(&sets.loans_ceiling, self.loans_ceiling.failing_set(figures.loans));
        add(&mut out.counts, &out.limit);
        // Scope: the section, then the industry rules that turn the firm away.
        match wanted.count_ones() {
            1 => {
                or_into(&mut out.scope, sets.sections.get(wanted.trailing_zeros() as usize, words))
            }
            _ => out.scope.iter_mut().for_each(|s| *s = u64::MAX),
        }
        if let Some(last) = out.scope.last_mut() {
            let tail = self.len() % 64;
            if tail != 0 {
                *last &= (1 << tail) - 1;
            }
        }
        for r in (0..self.rules.len()).filter(|&r| admitting >> r & 1 == 0) {
            let rule = sets.rules.get(r, words);
            out.scope.iter_mut().zip(rule).for_each(|(s, &x)| *s &= !x);
        }
        let priced = sets.priced.get(grade, words);
        let rows = sets.rows.get(0, words);
        let parts = out.eligible.iter_mut().zip(out.misses.iter_mut());
        for (w, (eligible, miss)) in parts.enumerate() {
            let (scope, slices) = (out.scope.get(w), out.counts.get(w));
            let (Some(&scope), Some(slices)) = (scope, slices) else { continue };
            let scope = scope & !rows.get(w).copied().unwrap_or(0);
            let failing = slices.iter().fold(0, |any, &s| any | s);
            *eligible = scope & !failing & priced.get(w).copied().unwrap_or(0);
            *miss = scope & !*eligible;
        }
        true
    }
}

impl ChainColumns {
    /// Measures off the columns, instead of screening them, the contenders that fail exactly
    /// one condition a threshold measures, and takes them out of the contenders: `each` is
    /// called with the position and verdict of each, condition after condition. The gap is
    /// the one `screen` measures, from the same threshold and figure. The limit (whose
    /// bounds the columns do not keep), a collateral, a tax grade and the record conditions
    /// are left to the screen.
    #[inline(never)]
    pub fn measure_single_gaps(
        &self,
        f: &FirmFacts,
        counts: &mut SetCounts,
        mut each: impl FnMut(usize, Verdict),
    ) {
        let Some(sets) = self.sets.as_ref() else { return };
        let columns = [
            &sets.amount_min,
            &sets.min_grade,
            &sets.min_years,
            &sets.min_tax_paid,
            &sets.payment_within,
            &sets.max_loans,
            &sets.max_capital,
            &sets.max_staff,
            &sets.max_revenue,
            &sets.max_circle,
        ];
        for (slot, failing) in columns.into_iter().enumerate() {
            let Some(Some(r)) = counts.singles.get(slot).copied() else { continue };
            let set = failing.0.get(r, sets.words);
            for (w, (&members, (within, slices))) in
                set.iter().zip(counts.within.iter_mut().zip(&counts.counts)).enumerate()
            {
                let mut bits = members & *within & failing_exactly(slices, 1);
                while bits != 0 {
                    let position = w * 64 + bits.trailing_zeros() as usize;
                    if let Some(v) = self.single_gap(slot, f, position) {
                        *within &= !(bits & bits.wrapping_neg());
                        each(position, v);
                    }
                    bits &= bits - 1;
                }
            }
        }
    }

    /// The verdict of the candidate at `position` failing only the condition at `slot` of
    /// [`SetCounts::singles`], from its threshold.
    fn single_gap(&self, slot: usize, f: &FirmFacts, position: usize) -> Option<Verdict> {
        let mut v = Verdict::PASSED;
        // A floor as `screen` measures it: `required − actual` relative to `required`.
        let below = |v: &mut Verdict, required: i128, actual: Option<i128>| match actual {
            Some(a) => v.short(required - a, required, true),
            None => v.fail(),
        };
        // A ceiling: `actual − allowed` relative to `allowed`.
        let above = |v: &mut Verdict, allowed: i64, actual: Option<i128>| match actual {
            Some(a) => v.short(a - i128::from(allowed), i128::from(allowed), true),
            None => v.fail(),
        };
        match slot {
            AMOUNT_MIN => {
                let required = i128::from(self.amount_min.threshold_at(position)?);
                below(&mut v, required, Some(f.amount));
            }
            MIN_GRADE => {
                let need = usize::from(self.min_grade.threshold_at(position)?);
                let short = i128::try_from(f.grade.checked_sub(need)?).ok()?;
                v.short(short, i128::try_from(f.grade_count).ok()?, true);
            }
            MIN_YEARS => {
                let years = i128::from(self.min_years.threshold_at(position)?);
                below(&mut v, years, Some(i128::from(f.years)));
            }
            MIN_TAX_PAID => {
                below(&mut v, i128::from(self.min_tax_paid.threshold_at(position)?), f.tax_paid);
            }
            PAYMENT_WITHIN => {
                // The column holds the months allowed less one; `screen` measures
                // `since + 1 − months` relative to `months`.
                let months = self.payment_within.threshold_at(position)?.checked_add(1)?;
                above(&mut v, months, f.months_since_payment.map(|s| i128::from(s) + 1));
            }
            MAX_LOANS => above(&mut v, self.max_loans.threshold_at(position)?, f.loans),
            MAX_CAPITAL => above(&mut v, self.max_capital.threshold_at(position)?, f.capital),
            MAX_STAFF => {
                above(&mut v, self.max_staff.threshold_at(position)?, f.staff.map(i128::from));
            }
            MAX_REVENUE => above(&mut v, self.max_revenue.threshold_at(position)?, f.revenue),
            MAX_CIRCLE => {
                above(&mut v, self.max_circle.threshold_at(position)?, f.circle.map(i128::from));
            }
            _ => return None,
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_the_set_bits_in_order() {
        let words = [0b1010_u64, 0, 1 << 63 | 1];
        let mut got = Vec::new();
        each_position(words.iter().copied(), |p| got.push(p));
        assert_eq!(got, vec![1, 3, 128, 191]);
    }

    #[test]
    fn bit_sliced_counts_add_up() {
        let mut counts = vec![[0_u64; SLICES]; 2];
        let sets: [[u64; 2]; 3] = [[0b111, 1], [0b110, 1], [0b100, 0]];
        for set in &sets {
            add(&mut counts, set);
        }
        let out = SetCounts { counts, ..SetCounts::default() };
        assert_eq!((0..3).map(|p| out.failed_at(p)).collect::<Vec<_>>(), vec![1, 2, 3]);
        assert_eq!(out.failed_at(64), 2);
        assert_eq!(out.failed_at(65), 0);
    }

    #[test]
    fn a_table_holds_its_members() {
        let table = Table::build(2, 70, |i, p| (p + i) % 3 == 0);
        let words = 2;
        for i in 0..2 {
            let set = table.get(i, words);
            for p in 0..70 {
                assert_eq!(set[p / 64] >> (p % 64) & 1 != 0, (p + i) % 3 == 0);
            }
        }
        assert!(table.get(2, words).is_empty());
    }
}
