//! The screen's first pass laid out by column: for each chain of the catalog index, one
//! small array per condition over the chain's products, so that a demand counts the failed
//! conditions of every candidate by streaming a few arrays, condition after condition, and
//! skips a condition outright when no candidate of the chain can fail it for this firm.
//!
//! Only the count is taken here, in the exact integer semantics of
//! [`screen`](super::screen::screen): a failed count decides offers and which misses may be
//! among the closest, and only those few are screened again, product by product, for the
//! sum of their gaps. Each condition is held as a threshold the firm's figure is compared
//! with; a condition a product does not set holds a threshold no figure fails. The limit
//! condition, a minimum of several bounds, becomes one threshold per bound on the firm's
//! figure (for `k · tax paid < floor`: `tax paid < ⌈floor / k⌉`), failed when any is.
//! A column of amounts is held as the ranks of its thresholds among the column's distinct
//! values: the firm's figure is ranked once, and the pass compares 16-bit ranks.
//!
//! A product the columns cannot hold exactly (no screen, a negative limit factor, a grade
//! rank beyond the masks) is marked [`ROW`] and screened product by product as before.

mod sets;

use sets::ChainSets;
pub(super) use sets::SetCounts;

use super::compiled::{IndustryRule, Screen};
use super::index::Candidate;
use super::product::Collateral;
use super::screen::FirmFacts;

/// Marks a candidate screened product by product rather than by the columns.
pub(super) const ROW: u8 = 1;
/// Marks a candidate whose industry rule must be read (it includes or excludes codes).
pub(super) const RULE: u8 = 2;

/// Flag bits of the conditions on records and the guarantor, in [`ChainColumns::flags`].
const NO_TAX_ARREARS: u8 = 1;
const NO_DISHONEST_LISTING: u8 = 2;
const UNLINKED_GUARANTOR: u8 = 4;

/// The firm's tax-grade bit when it has none: no product admits it.
const NO_TAX_GRADE: u32 = 1 << 31;

/// Grade ranks the masks hold; a catalog with more grades is screened product by product.
const GRADES: usize = 64;

/// Distinct industry rules a chain tells apart by one bit each; a candidate whose rule is
/// beyond them (none in practice) has its rule read from its screen.
const RULES: usize = 64;

/// A candidate's rule number when it has none among the chain's [`RULES`].
const NO_RULE: u8 = u8::MAX;

/// A column of thresholds held as their ranks among the column's distinct values, so that a
/// demand compares small integers that the baseline x86-64 target compares many at a time
/// (it has no vector comparison of `i64`): the firm's figure is ranked once per column by a
/// binary search, and `figure < threshold` becomes `rank(figure) < rank(threshold)`.
#[derive(Debug, Clone)]
struct Ranked<T> {
    /// The distinct thresholds, ascending.
    values: Vec<T>,
    ranks: Ranks,
}

/// Ranks of a column: 16 bits while the column has fewer distinct thresholds than that holds
/// (every chain in practice), 32 bits beyond.
#[derive(Debug, Clone)]
enum Ranks {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl<T: Copy + Ord> Ranked<T> {
    /// `rank(t)` is the place of `t` among the distinct values plus `offset`.
    fn new(thresholds: &[T], offset: usize) -> Ranked<T> {
        Ranked::of_width(thresholds, offset, false)
    }

    /// [`Ranked::new`], in 32 bits when `wide` or when 16 do not hold every rank.
    fn of_width(thresholds: &[T], offset: usize, wide: bool) -> Ranked<T> {
        let mut values = thresholds.to_vec();
        values.sort_unstable();
        values.dedup();
        let place = |t: &T| values.partition_point(|v| v < t) + offset;
        let ranks = if !wide && values.len() < usize::from(u16::MAX) {
            Ranks::Narrow(
                thresholds.iter().map(|t| u16::try_from(place(t)).unwrap_or(u16::MAX)).collect(),
            )
        } else {
            Ranks::Wide(
                thresholds.iter().map(|t| u32::try_from(place(t)).unwrap_or(u32::MAX)).collect(),
            )
        };
        Ranked { values, ranks }
    }

    /// The number of distinct values.
    fn len(&self) -> usize {
        self.values.len()
    }

    /// The rank of the candidate at `position` (0 beyond the column: never read there).
    fn rank_at(&self, position: usize) -> usize {
        match &self.ranks {
            Ranks::Narrow(ranks) => ranks.get(position).map_or(0, |&r| usize::from(r)),
            Ranks::Wide(ranks) => ranks.get(position).map_or(0, |&r| r as usize),
        }
    }

    /// Adds (or, with `mark`, ors) one for every candidate whose rank is below `rank`.
    fn below(&self, rank: usize, out: &mut [u8], mark: bool) {
        match &self.ranks {
            Ranks::Narrow(ranks) => {
                let rank = u16::try_from(rank).unwrap_or(u16::MAX);
                tally(out, ranks, |r| r < rank, mark);
            }
            Ranks::Wide(ranks) => {
                let rank = u32::try_from(rank).unwrap_or(u32::MAX);
                tally(out, ranks, |r| r < rank, mark);
            }
        }
    }

    /// Adds (or, with `mark`, ors) one for every candidate whose rank is above `rank`.
    fn above(&self, rank: usize, out: &mut [u8], mark: bool) {
        match &self.ranks {
            Ranks::Narrow(ranks) => {
                let rank = u16::try_from(rank).unwrap_or(u16::MAX);
                tally(out, ranks, |r| r > rank, mark);
            }
            Ranks::Wide(ranks) => {
                let rank = u32::try_from(rank).unwrap_or(u32::MAX);
                tally(out, ranks, |r| r > rank, mark);
            }
        }
    }
}

/// One pass over a column: `out[i] += test(ranks[i])`, or `|=` when `mark`; two loops so that
/// each is a plain vector loop.
#[inline(always)]
fn tally<R: Copy>(out: &mut [u8], ranks: &[R], test: impl Fn(R) -> bool, mark: bool) {
    if mark {
        for (o, &r) in out.iter_mut().zip(ranks) {
            *o |= u8::from(test(r));
        }
    } else {
        for (o, &r) in out.iter_mut().zip(ranks) {
            *o += u8::from(test(r));
        }
    }
}

/// A condition failed when the firm's figure is below the product's threshold.
#[derive(Debug, Clone)]
struct Floor<T>(Ranked<T>);

/// A condition failed when the firm's figure is above the product's threshold.
#[derive(Debug, Clone)]
struct Ceiling<T>(Ranked<T>);

impl<T: Copy + Ord> Floor<T> {
    /// Ranks from 1: `figure < t` exactly when fewer than `rank(t)` values are at most
    /// `figure`.
    fn new(values: &[T]) -> Floor<T> {
        Floor(Ranked::new(values, 1))
    }

    /// The threshold of the candidate at `position`.
    fn threshold_at(&self, position: usize) -> Option<T> {
        self.0.values.get(self.0.rank_at(position).checked_sub(1)?).copied()
    }

    /// The figure's rank: how many distinct thresholds are at most it; `None` when it is at
    /// or above them all, and fails no candidate.
    fn rank(&self, figure: T) -> Option<usize> {
        let r = self.0.values.partition_point(|&v| v <= figure);
        (r < self.0.len()).then_some(r)
    }

    /// Which of the column's failing sets (see `sets`) holds the candidates `figure` fails:
    /// set `r` for rank `r`.
    fn failing_set(&self, figure: T) -> Option<usize> {
        self.rank(figure)
    }

    /// Adds one to the count of every candidate whose threshold `figure` is below.
    fn count(&self, figure: T, failed: &mut [u8]) {
        if let Some(r) = self.rank(figure) {
            self.0.above(r, failed, false);
        }
    }

    /// Marks every candidate whose threshold `figure` is below.
    fn mark(&self, figure: T, marked: &mut [u8]) {
        if let Some(r) = self.rank(figure) {
            self.0.above(r, marked, true);
        }
    }
}

impl<T: Copy + Ord> Ceiling<T> {
    /// Ranks from 0: `figure > t` exactly when more than `rank(t)` values are below
    /// `figure`.
    fn new(values: &[T]) -> Ceiling<T> {
        Ceiling(Ranked::new(values, 0))
    }

    /// The threshold of the candidate at `position`.
    fn threshold_at(&self, position: usize) -> Option<T> {
        self.0.values.get(self.0.rank_at(position)).copied()
    }

    /// The figure's rank: how many distinct thresholds are below it; `None` when none is,
    /// and it fails no candidate.
    fn rank(&self, figure: T) -> Option<usize> {
        let r = self.0.values.partition_point(|&v| v < figure);
        (r > 0).then_some(r)
    }

    /// Which of the column's failing sets (see `sets`) holds the candidates `figure` fails:
    /// a figure that fails any has a rank of at least 1, so set `r - 1` for rank `r`.
    fn failing_set(&self, figure: T) -> Option<usize> {
        self.0.values.partition_point(|&v| v < figure).checked_sub(1)
    }

    /// Adds one to the count of every candidate whose threshold `figure` is above.
    fn count(&self, figure: T, failed: &mut [u8]) {
        if let Some(r) = self.rank(figure) {
            self.0.below(r, failed, false);
        }
    }

    /// Marks every candidate whose threshold `figure` is above.
    fn mark(&self, figure: T, marked: &mut [u8]) {
        if let Some(r) = self.rank(figure) {
            self.0.below(r, marked, true);
        }
    }
}

/// One chain's candidates, condition by condition, in chain order.
#[derive(Debug, Clone)]
pub(super) struct ChainColumns {
    /// The product's index in the catalog.
    pub index: Vec<u32>,
    /// The sections of the product's include list, as the index holds them.
    pub sections: Vec<u32>,
    /// [`ROW`] and [`RULE`] marks.
    pub kind: Vec<u8>,
    /// Bit `r` set when the product prices the grade of rank `r`.
    pub priced: Vec<u64>,
    /// The distinct industry rules of the chain's [`RULE`] candidates: a demand decides each
    /// once ([`ChainColumns::admitting_rules`]) rather than once per product that has it.
    rules: Vec<IndustryRule>,
    /// Per candidate: its rule's place in `rules`, [`NO_RULE`] when it has none there.
    rule_of: Vec<u8>,
    /// The same conditions as sets of candidates, when the chain's tables are small enough.
    sets: Option<ChainSets>,
    amount_min: Floor<i64>,
    collateral: Floor<u8>,
    min_grade: Ceiling<u8>,
    /// Tax grades admitted, a mask; every bit when the product sets none.
    tax_grades: Vec<u32>,
    any_tax_grades: bool,
    min_years: Floor<u32>,
    min_tax_paid: Floor<i64>,
    /// Failed when the months since the last payment are above the threshold (the months
    /// allowed less one).
    payment_within: Ceiling<i64>,
    /// [`NO_TAX_ARREARS`], [`NO_DISHONEST_LISTING`], [`UNLINKED_GUARANTOR`].
    flags: Vec<u8>,
    any_flags: u8,
    max_loans: Ceiling<i64>,
    max_capital: Ceiling<i64>,
    max_staff: Ceiling<i64>,
    max_revenue: Ceiling<i64>,
    max_circle: Ceiling<i64>,
    /// Bit `r` set when the limit is below the smallest loan at grade rank `r` whatever
    /// the firm's figures (a cap below it).
    limit_grades: Vec<u64>,
    /// Per candidate: its minimum grade's rank (`u8::MAX` when it sets none), read where
    /// the limit's grade may be the plan's ([`FirmFacts::limit_grade`]).
    min_grades: Vec<u8>,
    /// Whether some candidate both sets a minimum grade and has a limit that depends on the
    /// grade: only then can the plan's grade change whether a limit fails.
    plan_limits: bool,
    /// The limit is below the smallest loan when tax paid (0 if unknown) is below this.
    tax_floor: Floor<i64>,
    /// Likewise for revenue.
    sales_floor: Floor<i64>,
    /// Likewise when existing loans (unknown: above every threshold) are above this.
    loans_ceiling: Ceiling<i64>,
}

/// One candidate's thresholds, gathered before they are laid out by column.
#[derive(Debug, Clone, Copy)]
struct Thresholds {
    kind: u8,
    priced: u64,
    amount_min: i64,
    collateral: u8,
    min_grade: u8,
    tax_grades: u32,
    min_years: u32,
    min_tax_paid: i64,
    payment_within: i64,
    flags: u8,
    max_loans: i64,
    max_capital: i64,
    max_staff: i64,
    max_revenue: i64,
    max_circle: i64,
    limit_grades: u64,
    tax_floor: i64,
    sales_floor: i64,
    loans_ceiling: i64,
}

/// Thresholds no firm fails: those of a product screened product by product.
const NEUTRAL: Thresholds = Thresholds {
    kind: ROW,
    priced: 0,
    amount_min: i64::MIN,
    collateral: 0,
    min_grade: u8::MAX,
    tax_grades: u32::MAX,
    min_years: 0,
    min_tax_paid: i64::MIN,
    payment_within: i64::MAX,
    flags: 0,
    max_loans: i64::MAX,
    max_capital: i64::MAX,
    max_staff: i64::MAX,
    max_revenue: i64::MAX,
    max_circle: i64::MAX,
    limit_grades: 0,
    tax_floor: i64::MIN,
    sales_floor: i64::MIN,
    loans_ceiling: i64::MAX,
};

fn collateral_rank(c: Collateral) -> u8 {
    match c {
        Collateral::None => 0,
        Collateral::Guarantee => 1,
        Collateral::Mortgage => 2,
    }
}

/// A money threshold in `i64` (amounts are below 2^62 fen), `none` when not set.
fn money(value: Option<i128>, none: i64) -> Option<i64> {
    value.map_or(Some(none), |v| i64::try_from(v).ok())
}

/// The least whole figure `x` with `k · x >= floor`, for `k > 0`, held in `i64`: a
/// threshold beyond the figures' range (below 2^62 in size) is clamped, failing all or none.
fn least_figure(floor: i128, k: i128) -> i64 {
    let ceiling = -(-floor).div_euclid(k);
    i64::try_from(ceiling).unwrap_or(if ceiling > 0 { i64::MAX } else { i64::MIN })
}

impl Thresholds {
    /// The thresholds of a screened product, if the columns hold it exactly.
    fn of(s: &Screen, grades: usize) -> Option<Thresholds> {
        if grades > GRADES {
            return None;
        }
        let all_grades = u64::MAX;
        let mut limit_grades = if s.cap < s.floor { all_grades } else { 0 };
        for (rank, &cap) in s.grade_caps.iter().enumerate() {
            if cap < s.floor {
                limit_grades |= 1 << rank;
            }
        }
        let mut multiple = |k: Option<super::compiled::Factor>| -> Option<i64> {
            match k.map(|k| i128::from(k.scaled)) {
                None => Some(i64::MIN),
                Some(k) if k > 0 => Some(least_figure(s.floor, k)),
                Some(0) => {
                    // `0 · x < floor` for every figure, or for none.
                    if 0 < s.floor {
                        limit_grades = all_grades;
                    }
                    Some(i64::MIN)
                }
                Some(_) => None,
            }
        };
        let (tax_floor, sales_floor) = (multiple(s.k_tax)?, multiple(s.k_sales)?);
        let loans_ceiling = match s.max_debt.get() {
            Some(max) if s.amount_min > 0 => i64::try_from(max - i128::from(s.amount_min)).ok()?,
            _ => i64::MAX,
        };
        let tax_grades = s.tax_grades.unwrap_or(u32::MAX);
        if s.tax_grades.is_some() && tax_grades & NO_TAX_GRADE != 0 {
            return None;
        }
        let min_grade = match s.min_grade {
            None => u8::MAX,
            Some(r) => u8::try_from(r).ok().filter(|&r| r < u8::MAX)?,
        };
        let mut flags = 0;
        for (set, bit) in [
            (s.no_tax_arrears, NO_TAX_ARREARS),
            (s.no_dishonest_listing, NO_DISHONEST_LISTING),
            (s.unlinked_guarantor, UNLINKED_GUARANTOR),
        ] {
            if set {
                flags |= bit;
            }
        }
        let plain = s.industries.admits_every_code();
        Some(Thresholds {
            kind: if plain { 0 } else { RULE },
            priced: s.priced_grades,
            amount_min: s.amount_min,
            collateral: collateral_rank(s.collateral),
            min_grade,
            tax_grades,
            min_years: s.min_years.unwrap_or(0),
            min_tax_paid: money(s.min_tax_paid.get(), i64::MIN)?,
            payment_within: s.payment_within_months.map_or(i64::MAX, |m| i64::from(m) - 1),
            flags,
            max_loans: money(s.max_loans.get(), i64::MAX)?,
            max_capital: money(s.max_capital.get(), i64::MAX)?,
            max_staff: s.max_staff.map_or(i64::MAX, i64::from),
            max_revenue: money(s.max_revenue.get(), i64::MAX)?,
            max_circle: s.max_circle.map_or(i64::MAX, i64::from),
            limit_grades,
            tax_floor,
            sales_floor,
            loans_ceiling,
        })
    }
}

impl ChainColumns {
    /// The columns of one chain; `screens` and `grades` as in the compiled catalog.
    pub fn new(chain: &[Candidate], screens: &[Option<Screen>], grades: usize) -> ChainColumns {
        let rows: Vec<Thresholds> = chain
            .iter()
            .map(|c| {
                let screen = usize::try_from(c.index).ok().and_then(|i| screens.get(i));
                screen.and_then(Option::as_ref).and_then(|s| Thresholds::of(s, grades))
            })
            .map(|t| t.unwrap_or(NEUTRAL))
            .collect();
        let col = |f: fn(&Thresholds) -> i64| rows.iter().map(f).collect::<Vec<i64>>();
        let narrow = |f: fn(&Thresholds) -> u8| rows.iter().map(f).collect::<Vec<u8>>();
        let flags: Vec<u8> = rows.iter().map(|t| t.flags).collect();
        let (rules, rule_of) = distinct_rules(chain, screens, &rows);
        let mut columns = ChainColumns {
            rules,
            rule_of,
            sets: None,
            index: chain.iter().map(|c| c.index).collect(),
            sections: chain.iter().map(|c| c.sections).collect(),
            kind: rows.iter().map(|t| t.kind).collect(),
            priced: rows.iter().map(|t| t.priced).collect(),
            amount_min: Floor::new(&col(|t| t.amount_min)),
            collateral: Floor::new(&narrow(|t| t.collateral)),
            min_grade: Ceiling::new(&narrow(|t| t.min_grade)),
            any_tax_grades: rows.iter().any(|t| t.tax_grades != u32::MAX),
            tax_grades: rows.iter().map(|t| t.tax_grades).collect(),
            min_years: Floor::new(&rows.iter().map(|t| t.min_years).collect::<Vec<u32>>()),
            min_tax_paid: Floor::new(&col(|t| t.min_tax_paid)),
            payment_within: Ceiling::new(&col(|t| t.payment_within)),
            any_flags: flags.iter().fold(0, |m, &f| m | f),
            flags,
            max_loans: Ceiling::new(&col(|t| t.max_loans)),
            max_capital: Ceiling::new(&col(|t| t.max_capital)),
            max_staff: Ceiling::new(&col(|t| t.max_staff)),
            max_revenue: Ceiling::new(&col(|t| t.max_revenue)),
            max_circle: Ceiling::new(&col(|t| t.max_circle)),
            limit_grades: rows.iter().map(|t| t.limit_grades).collect(),
            min_grades: narrow(|t| t.min_grade),
            plan_limits: rows.iter().any(|t| {
                t.min_grade != u8::MAX && t.limit_grades != 0 && t.limit_grades != u64::MAX
            }),
            tax_floor: Floor::new(&col(|t| t.tax_floor)),
            sales_floor: Floor::new(&col(|t| t.sales_floor)),
            loans_ceiling: Ceiling::new(&col(|t| t.loans_ceiling)),
        };
        columns.sets = ChainSets::new(&columns, chain, &rows, grades);
        columns
    }

    /// The number of candidates in the chain.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Bit `r` set when the chain's `r`-th distinct industry rule admits the firm's industry
    /// (packed by `industry_code`).
    pub fn admitting_rules(&self, industry: Option<u64>) -> u64 {
        (self.rules.iter().enumerate())
            .filter(|(_, rule)| rule.admits(industry))
            .fold(0, |mask, (r, _)| mask | 1 << r)
    }

    /// Calls `f` with the position of each candidate in scope that is screened product by
    /// product, once [`ChainColumns::count_by_sets`] has counted the demand.
    pub fn each_row_in_scope(&self, counts: &SetCounts, f: impl FnMut(usize)) {
        if let Some(sets) = &self.sets {
            counts.each_row_in_scope(sets, f);
        }
    }

    /// Whether the candidate at `position` is admitted by its industry rule, told by the
    /// firm's `admitting` rules ([`ChainColumns::admitting_rules`]); `None` when its rule is
    /// not among the chain's and must be read from its screen.
    pub fn admitted(&self, position: usize, admitting: u64) -> Option<bool> {
        let r = *self.rule_of.get(position)?;
        (r != NO_RULE).then(|| admitting >> r & 1 != 0)
    }

    /// Counts, per candidate, the conditions the firm fails (the limit counted once), as
    /// [`screen`](super::screen::screen) counts them; `limit` is scratch. Meaningless for a
    /// [`ROW`] candidate. `false` when a figure of the firm is beyond the columns' range,
    /// and the demand is screened product by product.
    pub fn count_failures(&self, f: &FirmFacts, failed: &mut Vec<u8>, limit: &mut Vec<u8>) -> bool {
        let Some(figures) = Figures::of(f) else { return false };
        let n = self.len();
        failed.clear();
        failed.resize(n, 0);
        let failed = &mut failed[..];
        self.amount_min.count(figures.amount, failed);
        self.collateral.count(figures.collateral, failed);
        self.min_grade.count(figures.grade, failed);
        if self.any_tax_grades {
            for (c, &admitted) in failed.iter_mut().zip(&self.tax_grades) {
                *c += u8::from(admitted & figures.tax_grade == 0);
            }
        }
        self.min_years.count(f.years, failed);
        self.min_tax_paid.count(figures.tax_paid, failed);
        self.payment_within.count(figures.since_payment, failed);
        if self.any_flags & figures.flags != 0 {
            for (c, &flags) in failed.iter_mut().zip(&self.flags) {
                // At most three bits.
                *c += (flags & figures.flags).count_ones() as u8;
            }
        }
        self.max_loans.count(figures.loans, failed);
        self.max_capital.count(figures.capital, failed);
        self.max_staff.count(figures.staff, failed);
        self.max_revenue.count(figures.revenue, failed);
        self.max_circle.count(figures.circle, failed);
        // The limit: below the smallest loan when any bound is; its grade's cap read at the
        // plan's grade where the firm fails the minimum grade and the plan meets it.
        limit.clear();
        let bit = 1_u64 << figures.grade;
        limit.extend(self.limit_grades.iter().map(|&g| u8::from(g & bit != 0)));
        if figures.plan_grade < figures.grade && self.plan_limits {
            let plan_bit = 1_u64 << figures.plan_grade;
            let read = limit.iter_mut().zip(self.limit_grades.iter().zip(&self.min_grades));
            for (l, (&g, &need)) in read {
                if figures.grade > need && figures.plan_grade <= need {
                    *l = u8::from(g & plan_bit != 0);
                }
            }
        }
        self.tax_floor.mark(figures.tax_or_zero, limit);
        self.sales_floor.mark(figures.revenue_or_zero, limit);
        self.loans_ceiling.mark(figures.loans, limit);
        for (c, &l) in failed.iter_mut().zip(limit.iter()) {
            *c += l;
        }
        true
    }
}

/// The distinct industry rules of a chain's [`RULE`] candidates (at most [`RULES`]), and each
/// candidate's place among them.
fn distinct_rules(
    chain: &[Candidate],
    screens: &[Option<Screen>],
    rows: &[Thresholds],
) -> (Vec<IndustryRule>, Vec<u8>) {
    let mut rules: Vec<IndustryRule> = Vec::new();
    let rule_of = chain
        .iter()
        .zip(rows)
        .map(|(c, t)| {
            let screen = usize::try_from(c.index).ok().and_then(|i| screens.get(i));
            let rule = match screen.and_then(Option::as_ref) {
                Some(s) if t.kind & RULE != 0 => s.industries,
                _ => return NO_RULE,
            };
            let place = rules.iter().position(|r| *r == rule).or_else(|| {
                (rules.len() < RULES).then(|| {
                    rules.push(rule);
                    rules.len() - 1
                })
            });
            place.and_then(|p| u8::try_from(p).ok()).unwrap_or(NO_RULE)
        })
        .collect();
    (rules, rule_of)
}

/// The firm's figures in the columns' encoding: an unknown figure fails every threshold a
/// product sets and none it does not.
struct Figures {
    amount: i64,
    collateral: u8,
    grade: u8,
    /// The plan's grade, never worse than `grade`.
    plan_grade: u8,
    tax_grade: u32,
    tax_paid: i64,
    since_payment: i64,
    flags: u8,
    loans: i64,
    capital: i64,
    staff: i64,
    revenue: i64,
    circle: i64,
    tax_or_zero: i64,
    revenue_or_zero: i64,
}

impl Figures {
    fn of(f: &FirmFacts) -> Option<Figures> {
        let amount = |a: Option<i128>, none: i64| a.map_or(Some(none), |a| i64::try_from(a).ok());
        let grade = u8::try_from(f.grade).ok().filter(|&g| usize::from(g) < GRADES)?;
        let mut flags = 0;
        if f.tax_arrears > 0 {
            flags |= NO_TAX_ARREARS;
        }
        if f.dishonest_listings > 0 {
            flags |= NO_DISHONEST_LISTING;
        }
        if f.guarantee_backed && f.guarantor_closely_linked != Some(false) {
            flags |= UNLINKED_GUARANTOR;
        }
        Some(Figures {
            amount: i64::try_from(f.amount).ok()?,
            collateral: collateral_rank(f.collateral),
            grade,
            plan_grade: u8::try_from(f.plan_grade.min(f.grade)).unwrap_or(grade),
            tax_grade: if f.tax_grade == 0 { NO_TAX_GRADE } else { f.tax_grade },
            tax_paid: amount(f.tax_paid, i64::MIN)?,
            // Unknown: above every threshold a product sets (at most 2^32 − 2).
            since_payment: f.months_since_payment.map_or(i64::MAX - 1, i64::from),
            flags,
            loans: amount(f.loans, i64::MAX)?,
            capital: amount(f.capital, i64::MAX)?,
            staff: f.staff.map_or(i64::MAX, i64::from),
            revenue: amount(f.revenue, i64::MAX)?,
            circle: f.circle.map_or(i64::MAX, i64::from),
            tax_or_zero: amount(f.tax_paid.or(Some(0)), 0)?,
            revenue_or_zero: amount(f.revenue.or(Some(0)), 0)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::compiled::{Factor, Fen, IndustryRule};
    use super::super::screen::{limit_gap, screen};
    use super::*;
    use proptest::prelude::*;

    /// Thresholds near the figures below, so that both outcomes of each are drawn, and a
    /// condition left unset one time in three.
    fn amount() -> impl Strategy<Value = Option<i128>> {
        prop_oneof![Just(None), (-2_i128..40).prop_map(|a| Some(a * 500))]
    }

    fn small() -> impl Strategy<Value = Option<u32>> {
        prop_oneof![Just(None), (0_u32..6).prop_map(Some)]
    }

    prop_compose! {
        fn a_screen()(
            amount_min in -2_i128..30, span in -3_i128..40, collateral in 0_u8..3,
            grades in (0_u64..16, prop_oneof![Just(None), (0_usize..4).prop_map(Some)]),
            tax_grades in prop_oneof![Just(None), (0_u32..16).prop_map(Some)],
            counts in (small(), small(), small(), small()),
            money in (amount(), amount(), amount(), amount(), amount()),
            flags in (any::<bool>(), any::<bool>(), any::<bool>()),
            caps in proptest::collection::vec(-2_i128..40, 0..2),
            factors in (prop_oneof![Just(None), (0_i128..30).prop_map(Some)],
                        prop_oneof![Just(None), (0_i128..30).prop_map(Some)]),
            unit in 0_u32..3,
        ) -> Screen {
            let unit = 10_i128.pow(unit);
            let (min, max) = (amount_min * 1000, (amount_min + span) * 1000);
            let (staff, circle, years, months) = counts;
            let (tax, loans, capital, revenue, debt) = money;
            let caps = if caps.is_empty() { Vec::new() } else { (0..4).map(|r| (caps[0] + r) * 700 * unit).collect() };
            Screen {
                amount_min: i64::try_from(min).unwrap(),
                collateral: [Collateral::None, Collateral::Guarantee, Collateral::Mortgage][usize::from(collateral)],
                industries: IndustryRule::default(),
                priced_grades: grades.0,
                min_grade: grades.1,
                tax_grades,
                min_years: years,
                min_tax_paid: Fen::new(tax).unwrap(),
                payment_within_months: months,
                no_tax_arrears: flags.0,
                no_dishonest_listing: flags.1,
                max_loans: Fen::new(loans).unwrap(),
                max_capital: Fen::new(capital).unwrap(),
                max_staff: staff,
                max_revenue: Fen::new(revenue).unwrap(),
                max_circle: circle,
                unlinked_guarantor: flags.2,
                unit,
                cap: max * unit,
                floor: min * unit,
                grade_caps: caps,
                k_tax: factors.0.map(|k| Factor { scaled: i64::try_from(k * unit / 10).unwrap() }),
                k_sales: factors.1.map(|k| Factor { scaled: i64::try_from(k * unit / 10).unwrap() }),
                max_debt: Fen::new(debt).unwrap(),
            }
        }
    }

    prop_compose! {
        fn a_firm()(
            amount in -2_i128..40, collateral in 0_u8..3, grade in 0_usize..4, plan_grade in 0_usize..4,
            tax_grade in prop_oneof![Just(0_u32), (0_u32..4).prop_map(|b| 1 << b)],
            counts in (small(), small(), small(), 0_u32..30),
            money in (amount(), amount(), amount(), amount()),
            records in (0_u32..2, 0_u32..2),
            guarantee in (any::<bool>(), prop_oneof![Just(None), any::<bool>().prop_map(Some)]),
        ) -> FirmFacts {
            let (staff, circle, since, years) = counts;
            let (tax_paid, loans, capital, revenue) = money;
            FirmFacts {
                industry: None,
                amount: amount * 1000,
                collateral: [Collateral::None, Collateral::Guarantee, Collateral::Mortgage][usize::from(collateral)],
                grade,
                plan_grade,
                grade_count: 4,
                tax_grade,
                years: years % 8,
                tax_paid,
                months_since_payment: since,
                tax_arrears: records.0,
                dishonest_listings: records.1,
                loans,
                capital,
                staff,
                revenue,
                circle,
                guarantee_backed: guarantee.0,
                guarantor_closely_linked: guarantee.1,
            }
        }
    }

    proptest! {
        #[test]
        fn ranked_thresholds_compare_as_the_values(
            thresholds in proptest::collection::vec(-6_i64..6, 1..40),
            figure in -8_i64..8, wide in any::<bool>(),
        ) {
            let floor = Floor(Ranked::of_width(&thresholds, 1, wide));
            let ceiling = Ceiling(Ranked::of_width(&thresholds, 0, wide));
            let n = thresholds.len();
            let (mut below, mut above) = (vec![0_u8; n], vec![0_u8; n]);
            floor.count(figure, &mut below);
            ceiling.count(figure, &mut above);
            let (mut below_marked, mut above_marked) = (vec![1_u8; n], vec![0_u8; n]);
            floor.mark(figure, &mut below_marked);
            ceiling.mark(figure, &mut above_marked);
            for (i, &t) in thresholds.iter().enumerate() {
                prop_assert_eq!(below[i], u8::from(figure < t));
                prop_assert_eq!(above[i], u8::from(figure > t));
                prop_assert_eq!(below_marked[i], 1);
                prop_assert_eq!(above_marked[i], u8::from(figure > t));
            }
        }
    }

    proptest! {
        #[test]
        fn the_columns_count_what_the_screen_counts(
            screens in proptest::collection::vec(a_screen(), 1..12),
            firms in proptest::collection::vec(a_firm(), 1..6),
        ) {
            let chain: Vec<Candidate> = (0..screens.len())
                .map(|i| Candidate { index: u32::try_from(i).unwrap(), sections: 0 })
                .collect();
            let screens: Vec<Option<Screen>> = screens.into_iter().map(Some).collect();
            let columns = ChainColumns::new(&chain, &screens, 4);
            let (mut failed, mut limit) = (Vec::new(), Vec::new());
            for firm in &firms {
                prop_assert!(columns.count_failures(firm, &mut failed, &mut limit));
                for (i, s) in screens.iter().enumerate() {
                    let s = s.as_ref().unwrap();
                    if columns.kind[i] & ROW != 0 {
                        continue;
                    }
                    let verdict = screen(s, firm, false).unwrap();
                    prop_assert_eq!(u32::from(failed[i]), verdict.failed, "{:?} {:?}", s, firm);
                }
            }
        }
    }

    /// Industry rules to draw from: every code, a section, a class, an exclusion.
    fn rules() -> Vec<IndustryRule> {
        use super::super::product::Industries;
        use crate::record::Industry;
        let codes = |c: &[&str]| c.iter().map(|c| Industry::parse(c).unwrap()).collect();
        [
            Industries::default(),
            Industries { include: codes(&["C"]), exclude: Vec::new() },
            Industries { include: codes(&["C39", "A"]), exclude: Vec::new() },
            Industries { include: Vec::new(), exclude: codes(&["K70"]) },
        ]
        .iter()
        .map(|i| IndustryRule::new(i).unwrap())
        .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_sets_file_candidates_as_the_columns_and_scope_rules_do(
            drawn in proptest::collection::vec(
                (a_screen(), prop_oneof![Just(0_u32), (0_u32..3).prop_map(|b| 1 << b)], 0_usize..4),
                1..150,
            ),
            rows in proptest::collection::vec(any::<bool>(), 150),
            firms in proptest::collection::vec(
                (a_firm(), prop_oneof![Just(u32::MAX), (0_u32..3).prop_map(|b| 1 << b)], 0_usize..4),
                1..5,
            ),
            keep in 0_usize..6,
        ) {
            let rules = rules();
            let chain: Vec<Candidate> = (0..drawn.len())
                .map(|i| Candidate { index: u32::try_from(i).unwrap(), sections: drawn[i].1 })
                .collect();
            // Some products the columns cannot hold (a grade beyond the masks is one way):
            // they are screened product by product.
            let screens: Vec<Option<Screen>> = drawn
                .iter()
                .zip(&rows)
                .map(|((s, _, r), &row)| {
                    let mut s = s.clone();
                    s.industries = rules[*r];
                    if row && s.tax_grades.is_some() {
                        s.tax_grades = Some(NO_TAX_GRADE);
                    }
                    Some(s)
                })
                .collect();
            let columns = ChainColumns::new(&chain, &screens, 4);
            prop_assert!(columns.sets.is_some());
            let codes = [None, Some("C3911"), Some("A0111"), Some("K7010")];
            let (mut failed, mut limit) = (Vec::new(), Vec::new());
            let mut counts = SetCounts::default();
            for (firm, wanted, code) in &firms {
                let mut firm = firm.clone();
                firm.industry = codes[*code].map(|c| {
                    super::super::compiled::industry_code(&crate::record::Industry::parse(c).unwrap()).unwrap()
                });
                let admitting = columns.admitting_rules(firm.industry);
                prop_assert!(columns.count_failures(&firm, &mut failed, &mut limit));
                prop_assert!(columns.count_by_sets(&firm, (*wanted, admitting), &mut counts));
                let in_scope = |p: usize| {
                    let c = &chain[p];
                    let rule = screens[p].as_ref().unwrap().industries;
                    (c.sections == 0 || c.sections & wanted != 0)
                        && (columns.kind[p] & ROW != 0 || rule.admits(firm.industry))
                };
                let row = |p: usize| columns.kind[p] & ROW != 0;
                let n = chain.len();
                let expected_rows: Vec<usize> = (0..n).filter(|&p| in_scope(p) && row(p)).collect();
                let mut rows_found = Vec::new();
                columns.each_row_in_scope(&counts, |p| rows_found.push(p));
                prop_assert_eq!(rows_found, expected_rows);
                let grade_bit = 1_u64 << firm.grade;
                let eligible = |p: usize| failed[p] == 0 && columns.priced[p] & grade_bit != 0;
                let expected: Vec<usize> =
                    (0..n).filter(|&p| in_scope(p) && !row(p) && eligible(p)).collect();
                let mut found = Vec::new();
                counts.each_eligible(|p| found.push(p));
                prop_assert_eq!(found, expected);
                let misses: Vec<usize> =
                    (0..n).filter(|&p| in_scope(p) && !row(p) && !eligible(p)).collect();
                for &p in &misses {
                    prop_assert_eq!(counts.failed_at(p), failed[p]);
                }
                // The misses with no more failures than the `keep`-th fewest.
                let mut sorted: Vec<u8> = misses.iter().map(|&p| failed[p]).collect();
                sorted.sort_unstable();
                let bound = match keep {
                    0 => Some(0),
                    k => sorted.get(k - 1).copied(),
                };
                let mut seen = 0;
                let mut reached = false;
                for k in 0..23 {
                    seen += counts.take_misses_failing(k) as usize;
                    if seen >= keep {
                        prop_assert_eq!(Some(u8::try_from(k).unwrap()), bound);
                        reached = true;
                        break;
                    }
                }
                if !reached {
                    prop_assert_eq!(bound, None);
                    counts.take_every_miss();
                }
                let expected: Vec<usize> = misses
                    .iter()
                    .copied()
                    .filter(|&p| bound.is_none_or(|b| failed[p] <= b))
                    .collect();
                let mut contenders = Vec::new();
                counts.each_contender(|p, failed_here| {
                    contenders.push(p);
                    assert_eq!(failed_here, failed[p]);
                });
                prop_assert_eq!(&contenders, &expected);
                // Set aside, the distant contenders and the others are the contenders still;
                // a distant one failing a single condition is at a closeness of 1 or more.
                counts.set_aside_distant();
                let (mut aside, mut near) = (Vec::new(), Vec::new());
                counts.each_set_aside(|p| aside.push(p));
                counts.each_contender(|p, _| near.push(p));
                let mut both = [aside.clone(), near].concat();
                both.sort_unstable();
                prop_assert_eq!(&both, &expected);
                for &p in aside.iter().filter(|&&p| failed[p] == 1) {
                    let v = screen(screens[p].as_ref().unwrap(), &firm, false).unwrap();
                    prop_assert!(v.closeness >= 1.0, "{p}: {}", v.closeness);
                }
                // The contenders failing one condition a threshold measures, measured off
                // the columns as the screen measures them, and the rest left to screen.
                let mut measured = Vec::new();
                columns.measure_single_gaps(&firm, &mut counts, |p, v| measured.push((p, v)));
                let mut left = Vec::new();
                counts.each_contender(|p, _| left.push(p));
                for &(p, v) in &measured {
                    prop_assert_eq!(failed[p], 1);
                    prop_assert_eq!(Some(v), screen(screens[p].as_ref().unwrap(), &firm, true));
                }
                let mut all = [aside, left, measured.iter().map(|m| m.0).collect()].concat();
                all.sort_unstable();
                prop_assert_eq!(all, expected);
            }
        }
    }

    /// `s` with every condition but the one at `slot` of the single gaps (see
    /// `sets::SINGLES`) set so that no firm fails it, the limit included.
    fn failing_only(mut s: Screen, slot: usize) -> Screen {
        let neutral = Screen {
            amount_min: -(1 << 40),
            collateral: Collateral::None,
            min_grade: None,
            tax_grades: None,
            min_years: None,
            min_tax_paid: Fen::new(None).unwrap(),
            payment_within_months: None,
            no_tax_arrears: false,
            no_dishonest_listing: false,
            max_loans: Fen::new(None).unwrap(),
            max_capital: Fen::new(None).unwrap(),
            max_staff: None,
            max_revenue: Fen::new(None).unwrap(),
            max_circle: None,
            unlinked_guarantor: false,
            grade_caps: Vec::new(),
            k_tax: None,
            k_sales: None,
            max_debt: Fen::new(None).unwrap(),
            ..s.clone()
        };
        let kept = s.clone();
        s = neutral;
        match slot {
            0 => s.amount_min = kept.amount_min,
            1 => s.min_grade = kept.min_grade,
            2 => s.min_years = kept.min_years,
            3 => s.min_tax_paid = kept.min_tax_paid,
            4 => s.payment_within_months = kept.payment_within_months,
            5 => s.max_loans = kept.max_loans,
            6 => s.max_capital = kept.max_capital,
            7 => s.max_staff = kept.max_staff,
            8 => s.max_revenue = kept.max_revenue,
            9 => s.max_circle = kept.max_circle,
            // The limit, and the smallest loan with it.
            _ => {
                s.amount_min = kept.amount_min;
                (s.grade_caps, s.k_tax, s.k_sales, s.max_debt) =
                    (kept.grade_caps, kept.k_tax, kept.k_sales, kept.max_debt);
                return s;
            }
        }
        // The smallest loan within the cap: the limit holds.
        s.floor = i128::from(s.amount_min) * s.unit;
        s.cap = s.cap.max(s.floor);
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn a_single_gap_off_the_columns_is_the_screens(
            drawn in proptest::collection::vec((a_screen(), 0_usize..11), 1..100),
            firms in proptest::collection::vec(a_firm(), 1..6),
        ) {
            let chain: Vec<Candidate> = (0..drawn.len())
                .map(|i| Candidate { index: u32::try_from(i).unwrap(), sections: 0 })
                .collect();
            let screens: Vec<Option<Screen>> =
                drawn.iter().map(|(s, slot)| Some(failing_only(s.clone(), *slot))).collect();
            let columns = ChainColumns::new(&chain, &screens, 4);
            prop_assert!(columns.sets.is_some());
            let mut counts = SetCounts::default();
            for firm in &firms {
                prop_assert!(columns.count_by_sets(firm, (u32::MAX, u64::MAX), &mut counts));
                counts.take_every_miss();
                let mut measured = Vec::new();
                columns.measure_single_gaps(firm, &mut counts, |p, v| measured.push((p, v)));
                for &(p, v) in &measured {
                    prop_assert_eq!(Some(v), screen(screens[p].as_ref().unwrap(), firm, true));
                }
                // Those failing only their limit: its gap is the screen's.
                let mut limit_only = Vec::new();
                counts.take_limit_only(|p| limit_only.push(p));
                for &p in &limit_only {
                    let s = screens[p].as_ref().unwrap();
                    prop_assert_eq!(limit_gap(s, firm), screen(s, firm, true));
                    prop_assert_eq!(limit_gap(s, firm).unwrap().failed, 1);
                }
                // Every candidate failing one condition is measured off the columns or by its
                // limit alone; a product keeping its limit may also fail its smallest amount.
                let mut left = Vec::new();
                counts.each_contender(|p, failed| left.push((p, failed)));
                prop_assert!(left.iter().all(|&(_, failed)| failed != 1), "{left:?}");
                for (p, s) in screens.iter().enumerate() {
                    let failed = screen(s.as_ref().unwrap(), firm, false).unwrap().failed;
                    prop_assert!(failed <= 1 || drawn[p].1 == 10);
                    let single = measured.iter().any(|m| m.0 == p) || limit_only.contains(&p);
                    prop_assert_eq!(single, failed == 1, "{}", p);
                }
            }
        }
    }
}
