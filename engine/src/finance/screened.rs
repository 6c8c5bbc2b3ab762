//! Matching through the compiled catalog: a screen per candidate in integers, offers priced
//! only for the eligible, and the near misses worded only for the few reported. The result
//! equals that of the reference path ([`matching::match_candidates`]) for every demand; a
//! demand or product outside the screen's exact range goes through the reference checks.

use std::sync::Arc;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::columns::{ChainColumns, ROW, RULE, SetCounts};
use super::compiled::CompiledCatalog;
use super::conditions::Firm;
use super::demand::Demand;
use super::gap::Gap;
use super::graph_facts::GraphFacts;
use super::index::CatalogIndex;
use super::limit::{self, Bound, BoundKind};
use super::matching::{self, DemandMatch, MatchOptions, RankKey, measure, worded_near_miss};
use super::offer::{Explained, NearMiss, Offer};
use super::product::{Catalog, Product};
use super::screen::{FirmFacts, Verdict, binding, least_bound, limit_gap, screen};
use crate::date::Date;
use crate::evaluate::{Evaluation, Evaluator};

/// The catalog as matching reads it: products and their compiled form, index for index, and
/// the candidate index.
pub(super) struct Compiled<'c> {
    pub catalog: &'c Catalog,
    /// The matcher's evaluator, which tells when part of a plan reaches a grade.
    pub evaluator: &'c Evaluator,
    pub compiled: &'c CompiledCatalog,
    pub index: &'c CatalogIndex,
}

/// A product the firm fails, by index, with how closely.
#[derive(Debug, Clone, Copy)]
struct Miss {
    index: usize,
    verdict: Verdict,
    /// Whether `verdict.closeness` is measured; the columns count failures only.
    measured: bool,
    /// The place of the product's id in id order, the last tie-break: read by [`closest`]
    /// for the misses left to choose from, 0 before.
    id_rank: u32,
}

impl Miss {
    /// A miss counted by the columns, its closeness still to be measured.
    fn unmeasured(index: usize, failed: u32) -> Miss {
        let verdict = Verdict { failed, closeness: 0.0, exact: false };
        Miss { index, verdict, measured: false, id_rank: 0 }
    }

    /// A miss measured already.
    fn measured(index: usize, verdict: Verdict) -> Miss {
        Miss { index, verdict, measured: true, id_rank: 0 }
    }
}

/// Closeness sums beyond this are left to the reference sum: far from any rounding of `f64`
/// that could reorder them, and far below where the `Decimal` sum saturates.
const TRUSTED_CLOSENESS: f64 = 1e12;

/// What a demand's candidates come to: eligible products and misses, with the scratch they
/// share.
struct Found {
    /// Indices of the eligible products, priced once ranked.
    eligible: Vec<usize>,
    misses: Vec<Miss>,
    /// Contenders set aside as distant (see [`SetCounts::set_aside_distant`]), unmeasured:
    /// screened only when fewer than the near misses asked for are closer than 1.
    distant: Vec<Miss>,
    buffer: Vec<Gap>,
}

/// The working vectors of matching, kept from one demand to the next so that a batch
/// allocates them once rather than per demand. What they still hold of a demand (the offers,
/// gap lists and id of a result handed back) is written over or emptied before it is read.
#[derive(Default)]
pub(super) struct MatchBuffers {
    eligible: Vec<usize>,
    misses: Vec<Miss>,
    distant: Vec<Miss>,
    buffer: Vec<Gap>,
    /// Per candidate of a chain: failed conditions, and the limit's mark.
    failed: Vec<u8>,
    limit: Vec<u8>,
    /// The chain's misses before the near misses are picked: index and failed count.
    pending: Vec<(u32, u8)>,
    ranked: Vec<RankedOffer>,
    /// The offers' packed ranking keys.
    order: Vec<u64>,
    /// The chain's candidates as sets, when its columns keep them.
    sets: SetCounts,
    /// The offers and near misses of a result handed back ([`MatchBuffers::recycle`]): the
    /// next result is written into them.
    spare_offers: Vec<Offer>,
    spare_near_misses: Vec<NearMiss>,
    /// The failed conditions' lists of the near misses handed back, emptied, and the id.
    spare_failed: Vec<Vec<Gap>>,
    spare_id: Option<String>,
}

impl MatchBuffers {
    /// Keeps the vectors of a result the caller has finished reading. The near misses are
    /// emptied here, their lists of gaps kept; the offers are kept as they are, for the next
    /// demand's offers to be written over field by field ([`Slots`]).
    pub(super) fn recycle(&mut self, used: DemandMatch) {
        /// At most this many lists of gaps are kept (a demand reports 3 near misses by
        /// default); a demand asking for more allocates the rest.
        const KEPT_LISTS: usize = 16;
        let DemandMatch { demand, eligible, mut near_misses, .. } = used;
        for miss in near_misses.drain(..) {
            if self.spare_failed.len() < KEPT_LISTS {
                let mut failed = miss.failed;
                failed.clear();
                self.spare_failed.push(failed);
            }
        }
        self.spare_offers = eligible;
        self.spare_near_misses = near_misses;
        self.spare_id = demand;
    }
}

/// An empty vector for `n` items: the spare one, else a new one.
fn spare<T>(spare: &mut Vec<T>, n: usize) -> Vec<T> {
    let mut items = std::mem::take(spare);
    items.clear();
    items.reserve(n);
    items
}

impl std::fmt::Debug for MatchBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchBuffers").finish_non_exhaustive()
    }
}

/// Matches a demand against its candidates from the catalog index: each is in the firm's
/// region by construction, so only its industry rule is checked here. The candidates'
/// failures are counted by the columns of their chain; a product or a firm the columns do
/// not hold is screened product by product.
pub(super) fn match_indexed(
    c: &Compiled<'_>,
    options: &MatchOptions,
    demand: &Demand,
    (evaluation, facts): (&Evaluation, GraphFacts),
    as_of: Date,
    scratch: &mut MatchBuffers,
) -> DemandMatch {
    let grades = c.catalog.grades();
    let e = &demand.enterprise;
    let decay = &c.evaluator.model().decay;
    let Some(figures) = FirmFacts::new(demand, evaluation, as_of, facts, (grades, decay)) else {
        let (firm, candidates) = ((evaluation, facts), c.index.candidates_iter(e));
        let (catalog, evaluator) = (c.catalog, c.evaluator);
        return matching::match_candidates(
            (catalog, evaluator, c.compiled),
            options,
            demand,
            firm,
            as_of,
            candidates,
        );
    };
    let evaluator = c.evaluator;
    let firm = Firm { demand, evaluation, evaluator, as_of, grades, facts, explain: false };
    let mut found = Found {
        eligible: std::mem::take(&mut scratch.eligible),
        misses: std::mem::take(&mut scratch.misses),
        distant: std::mem::take(&mut scratch.distant),
        buffer: std::mem::take(&mut scratch.buffer),
    };
    found.eligible.clear();
    found.misses.clear();
    found.distant.clear();
    let by_row = |found: &mut Found, index: usize| {
        screen_row(c, (&firm, &figures), index, found);
    };
    let columns = c.index.chain(e).and_then(|k| c.compiled.columns.get(k));
    let (failed, limit) = (&mut scratch.failed, &mut scratch.limit);
    let wanted = CatalogIndex::wanted_sections(e);
    let bound = match columns {
        Some(columns)
            if columns.count_by_sets(
                &figures,
                (wanted, columns.admitting_rules(figures.industry)),
                &mut scratch.sets,
            ) =>
        {
            let counts = &mut scratch.sets;
            file_by_sets(c, (&firm, &figures), columns, (&mut found, counts), options.near_misses)
        }
        Some(columns) if columns.count_failures(&figures, failed, limit) => {
            let pending = &mut scratch.pending;
            let mut histogram = [0_u32; COUNTS];
            file_chain(
                c,
                (&firm, &figures),
                columns,
                failed,
                (&mut found, pending, &mut histogram),
            );
            // The misses screened product by product count too.
            found.misses.iter().for_each(|m| histogram[bucket(m.verdict.failed)] += 1);
            let bound = fewest_in(&histogram, options.near_misses);
            // Only the misses that may be among the closest are kept, still unmeasured.
            let contending = pending.iter().filter(|m| u32::from(m.1) <= bound);
            found.misses.extend(contending.map(|&(index, failed)| {
                Miss::unmeasured(usize::try_from(index).unwrap_or(usize::MAX), u32::from(failed))
            }));
            bound
        }
        _ => {
            c.index.candidates_iter(e).for_each(|index| by_row(&mut found, index));
            fewest_failed(&found.misses, options.near_misses)
        }
    };
    let Found { eligible, misses, mut distant, mut buffer } = found;
    let (ranked, order) = (&mut scratch.ranked, &mut scratch.order);
    let into = &mut scratch.spare_offers;
    let offers = offers(c, options, (&firm, &figures), &eligible, (ranked, order), into);
    let mut misses = misses;
    let keep = options.near_misses;
    contenders(c, (&firm, &figures), (&mut misses, &mut distant), (bound, keep), &mut buffer);
    let closest = closest(c, (&firm, &figures), &mut misses, options.near_misses, &mut buffer);
    let mut near_misses = spare(&mut scratch.spare_near_misses, closest.len());
    near_misses.extend(
        (closest.into_iter())
            .filter_map(|i| Some((i, c.catalog.products().get(i)?, c.compiled.products.get(i)?)))
            .map(|(i, product, compiled)| {
                let named = compiled.product.clone();
                let failed = scratch.spare_failed.pop().unwrap_or_default();
                worded_near_miss(product, named, &firm, (limit_met(c, &figures, i), failed))
            }),
    );
    (scratch.eligible, scratch.misses, scratch.distant) = (eligible, misses, distant);
    scratch.buffer = buffer;
    let id = scratch.spare_id.take();
    match offers {
        Ranked::Ranked(offers) => {
            matching::result_ranked(options, demand, evaluation, as_of, (offers, near_misses, id))
        }
        Ranked::Unranked(offers) => {
            matching::result(options, demand, evaluation, as_of, (offers, near_misses, id))
        }
    }
}

/// Offers, ranked (and cut to [`MatchOptions::offers`]) or left to the general ranking.
enum Ranked {
    Ranked(Vec<Offer>),
    Unranked(Vec<Offer>),
}

/// The offers of the eligible products. Each is ranked by integer keys read from its screen
/// (coverage in millionths, the spread for the rate, the term gap, the id's place in the
/// catalog's id order) before it is priced, so that offers are built once, in order, and
/// only as many as reported. When a key does not fit, every offer is built and ranked by
/// the general ranking.
fn offers(
    c: &Compiled<'_>,
    options: &MatchOptions,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    eligible: &[usize],
    (ranked, order): (&mut Vec<RankedOffer>, &mut Vec<u64>),
    into: &mut Vec<Offer>,
) -> Ranked {
    let keys = matching::distinct_keys(&options.order);
    ranked.clear();
    ranked.reserve(eligible.len());
    let all_keyed = eligible.iter().all(|&index| {
        let key = rank_key(c, &keys, (firm, figures), index);
        key.map(|key| ranked.push(key)).is_some()
    });
    let take = options.offers.unwrap_or(usize::MAX);
    let amounts = limit::FirmAmounts::of(&firm.demand.enterprise);
    let build = |told: Told, offers: &mut Slots| {
        push_offer(c, options, (firm, figures, &amounts), told, offers);
    };
    if !all_keyed {
        let mut offers = Slots::of(into, eligible.len());
        for &index in eligible {
            build(Told { index, coverage: None, binding: None }, &mut offers);
        }
        return Ranked::Unranked(offers.written());
    }
    if let Some(packing) = Packing::of(ranked) {
        // The keys packed into one integer each: the sort compares and moves 8 bytes.
        let packed = &mut scratch_order(order);
        packed.extend(ranked.iter().enumerate().map(|(at, r)| packing.pack(r, at)));
        if take < packed.len() {
            packed.select_nth_unstable(take);
            packed.truncate(take);
        }
        packed.sort_unstable();
        let mut offers = Slots::of(into, packed.len());
        for r in packed.iter().filter_map(|&p| ranked.get(packing.place(p))) {
            build(r.told, &mut offers);
        }
        return Ranked::Ranked(offers.written());
    }
    if take < ranked.len() {
        ranked.select_nth_unstable_by_key(take, |r| (r.key, r.id_rank));
        ranked.truncate(take);
    }
    ranked.sort_unstable_by_key(|r| (r.key, r.id_rank));
    let mut offers = Slots::of(into, ranked.len());
    for r in ranked.iter() {
        build(r.told, &mut offers);
    }
    Ranked::Ranked(offers.written())
}

/// A demand's offers written into the vector of a result handed back: the first `len` are
/// this demand's, the rest a previous demand's. An offer is written over an old one field by
/// field rather than built whole and moved in: the move copied some 200 bytes that had just
/// been stored (about 2% of a streamed demand's time when offers were 240). Where this demand
/// has more offers, blank ones are added to write into; the old ones left over are dropped
/// at the end.
struct Slots {
    offers: Vec<Offer>,
    len: usize,
}

impl Slots {
    /// The vector `into` holds, for `n` offers.
    fn of(into: &mut Vec<Offer>, n: usize) -> Slots {
        let mut offers = std::mem::take(into);
        offers.reserve(n.saturating_sub(offers.len()));
        Slots { offers, len: 0 }
    }

    /// The offers written, in order.
    fn written(mut self) -> Vec<Offer> {
        self.offers.truncate(self.len);
        self.offers
    }
}

/// The order vector, emptied for a demand.
fn scratch_order(order: &mut Vec<u64>) -> &mut Vec<u64> {
    order.clear();
    order
}

/// How a demand's ranking keys pack into one `u64` that orders as `(key, id_rank)` does: each
/// key less its smallest value among the offers, in as many bits as its span needs, then the
/// id's place, then the offer's place in the list (never deciding: id places are unique).
#[derive(Debug, Clone, Copy)]
struct Packing {
    least: [i64; 3],
    /// Bits below each key, below the id's place and below the offer's place.
    shift: [u32; 3],
    id_shift: u32,
    place_bits: u32,
}

impl Packing {
    /// The packing of these offers, if their keys fit in 64 bits together.
    fn of(ranked: &[RankedOffer]) -> Option<Packing> {
        let bits = |span: u64| u64::BITS - span.leading_zeros();
        let mut least = [i64::MAX; 3];
        let mut most = [i64::MIN; 3];
        let mut ids = 0_u32;
        for r in ranked {
            for (slot, &k) in r.key.iter().enumerate() {
                least[slot] = least[slot].min(k);
                most[slot] = most[slot].max(k);
            }
            ids = ids.max(r.id_rank);
        }
        let place_bits = bits(u64::try_from(ranked.len()).ok()?);
        let id_shift = place_bits;
        let mut used = place_bits + bits(u64::from(ids));
        let mut shift = [0; 3];
        for slot in (0..3).rev() {
            let span = i128::from(most[slot]) - i128::from(least[slot]);
            shift[slot] = used;
            used += bits(u64::try_from(span.max(0)).ok()?);
        }
        (used <= u64::BITS).then_some(Packing { least, shift, id_shift, place_bits })
    }

    fn pack(&self, r: &RankedOffer, place: usize) -> u64 {
        let mut packed = u64::try_from(place).unwrap_or(0);
        packed |= u64::from(r.id_rank) << self.id_shift;
        for ((&k, &least), &shift) in r.key.iter().zip(&self.least).zip(&self.shift) {
            // `least` is the smallest key and the span fits in 64 bits (see `of`), so the
            // wrapping difference is the offset exactly.
            let offset = k.wrapping_sub(least).cast_unsigned();
            packed |= offset.checked_shl(shift).unwrap_or(0);
        }
        packed
    }

    /// The offer's place in the list, from its packed keys.
    fn place(&self, packed: u64) -> usize {
        let mask = (1_u64 << self.place_bits) - 1;
        usize::try_from(packed & mask).unwrap_or(usize::MAX)
    }
}

/// An eligible product's place in the ranking, before it is priced.
struct RankedOffer {
    /// The ranking keys, in the order's order.
    key: [i64; 3],
    /// The place of its id in id order: the last tie-break.
    id_rank: u32,
    told: Told,
}

/// An eligible product to price, with what its screen already told.
#[derive(Debug, Clone, Copy)]
struct Told {
    index: usize,
    /// The coverage the offer shows, when the keys already tell it (a limit covering the
    /// whole request, or a share that is not exact in 6 decimals); otherwise the offer
    /// divides.
    coverage: Option<Decimal>,
    /// The kind of the bound that sets the limit, when the screen told it.
    binding: Option<BoundKind>,
}

/// Requested amounts (in a product's scaled units) below this many units give coverages
/// whose rounding to millionths no decimal division's 28 decimals can move: a share
/// `l / r` that is not a midpoint lies at least `1 / (2·10^6·r)` from one.
const COVERAGE_UNITS: i128 = 1 << 40;

/// An eligible product's ranking keys in `keys`' order, its id's place and the coverage it
/// shows, if they fit.
fn rank_key(
    c: &Compiled<'_>,
    keys: &[RankKey],
    (firm, figures): (&Firm<'_>, &FirmFacts),
    index: usize,
) -> Option<RankedOffer> {
    let s = c.compiled.screens.get(index)?.as_ref()?;
    let (limit, kind) = binding(s, figures)?;
    // Both fit in 64 bits in practice, and their product then in one widening multiply
    // (the checked product of two `i128`s took some forty instructions per offer).
    let requested = match (i64::try_from(figures.amount), i64::try_from(s.unit)) {
        (Ok(amount), Ok(unit)) => i128::from(amount) * i128::from(unit),
        _ => figures.amount.checked_mul(s.unit)?,
    };
    if limit < 0 || requested <= 0 || requested >= COVERAGE_UNITS {
        return None;
    }
    let (part, whole) = (u64::try_from(limit.min(requested)).ok()?, u64::try_from(requested).ok()?);
    let (share, exact) = millionths(part, whole);
    let share = i64::try_from(share).ok()?;
    // As `matching::coverage` shows it: a limit covering the whole request is exactly 1; a
    // share strictly between 0 and 1 that is not exact in 6 decimals is rounded to scale 6;
    // the others keep the decimal path's scale.
    let coverage = if part == whole {
        Some(Decimal::ONE)
    } else {
        // A share of at most 1 in millionths fits the low word of a decimal's mantissa.
        let low = u32::try_from(share).ok()?;
        (0 < part && !exact).then(|| Decimal::from_parts(low, 0, 0, false, 6))
    };
    let mut key = [0; 3];
    for (slot, k) in key.iter_mut().zip(keys) {
        *slot = match k {
            RankKey::Coverage => -share,
            RankKey::Rate => c.compiled.rate_keys.as_ref()?.get(index, figures.grade)?,
            RankKey::TermFit => i64::from(matching::term_gap(
                &c.compiled.products.get(index)?.term_months,
                firm.demand,
            )),
        };
    }
    let told = Told { index, coverage, binding: Some(kind) };
    Some(RankedOffer { key, id_rank: *c.compiled.id_rank.get(index)?, told })
}

/// `part / whole` in millionths, rounded half to even, for `part <= whole < 2^40` (so that
/// `part · 10^6` fits): the value of the coverage the offer shows; and whether it is exact.
fn millionths(part: u64, whole: u64) -> (u64, bool) {
    // A limit covering the request, as many do: no division (one costs tens of cycles).
    if part == whole {
        return (1_000_000, true);
    }
    let n = part * 1_000_000;
    let (q, rest) = (n / whole, n % whole);
    let rounded = if 2 * rest > whole || (2 * rest == whole && q % 2 == 1) { q + 1 } else { q };
    (rounded, rest == 0)
}

/// Screens one candidate product by product (its screen, or the reference checks when it
/// has none or the screen cannot decide), and files it as an offer or a miss.
fn screen_row(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    index: usize,
    found: &mut Found,
) {
    let e = &firm.demand.enterprise;
    let screen_of = c.compiled.screens.get(index).and_then(Option::as_ref);
    if let Some(s) = screen_of {
        if !s.industries.admits(figures.industry) {
            return;
        }
        if let Some(verdict) = screen(s, figures, false)
            && !(verdict.failed == 0 && figures.priced(s))
        {
            // The common case, read from the screen alone: a miss.
            found.misses.push(Miss::measured(index, verdict));
            return;
        }
    }
    let Some(product) = c.catalog.products().get(index) else { return };
    if screen_of.is_none() && !product.industries.admits(e.industry.as_ref()) {
        return;
    }
    let verdict = match screen_of.and_then(|s| screen(s, figures, false)) {
        Some(v) => v,
        None => {
            let (count, sum) = measure(product, firm, &mut found.buffer);
            let failed = u32::try_from(count).unwrap_or(u32::MAX);
            Verdict { failed, closeness: sum.to_f64().unwrap_or(f64::MAX), exact: false }
        }
    };
    take(c, figures, index, verdict, found);
}

/// Files a screened candidate: an offer when it fails nothing and prices the firm's grade,
/// a miss otherwise.
fn take(c: &Compiled<'_>, figures: &FirmFacts, index: usize, verdict: Verdict, found: &mut Found) {
    match c.compiled.terms.get(index, figures.grade).and_then(|g| g.spread) {
        Some(_) if verdict.failed == 0 => found.eligible.push(index),
        _ => found.misses.push(Miss::measured(index, verdict)),
    }
}

/// The misses that may be among the closest: those with no more failed conditions than
/// `bound` (the `keep`-th fewest, see [`fewest_failed`]), each with its closeness measured by
/// its screen (the columns only counted), and whether it is exact: ties among the closest are
/// common, and exactness is what lets the screen's sums order them. A miss with more failures
/// is never among them.
fn contenders(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    (misses, distant): (&mut Vec<Miss>, &mut Vec<Miss>),
    (bound, keep): (u32, usize),
    buffer: &mut Vec<Gap>,
) {
    misses.retain(|m| m.verdict.failed <= bound);
    measure_contenders(c, (firm, figures), misses, buffer);
    if distant.is_empty() {
        return;
    }
    // The distant contenders fail `bound` conditions with a closeness of at least 1: enough
    // misses closer than that (in exact terms: the margin is far above the error of an
    // `f64` quotient) leave none of them among the closest.
    let closer = |m: &&Miss| {
        let v = m.verdict;
        v.failed < bound || (v.failed == bound && v.closeness < 1.0 - DISTANT_MARGIN)
    };
    if misses.iter().filter(closer).count() >= keep {
        distant.clear();
        return;
    }
    let from = misses.len();
    misses.append(distant);
    if let Some(rest) = misses.get_mut(from..) {
        measure_contenders(c, (firm, figures), rest, buffer);
    }
}

/// How far below 1 a miss's `f64` closeness must be to be closer, in exact terms, than a
/// distant contender.
const DISTANT_MARGIN: f64 = 1e-9;

/// Screens the contenders not yet measured.
fn measure_contenders(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    misses: &mut [Miss],
    buffer: &mut Vec<Gap>,
) {
    for m in misses.iter_mut().filter(|m| !m.measured) {
        let screen_of = c.compiled.screens.get(m.index).and_then(Option::as_ref);
        m.verdict = match screen_of.and_then(|s| screen(s, figures, true)) {
            Some(v) => v,
            None => match c.catalog.products().get(m.index) {
                // Not reached: the columns hold only products their screen decides.
                Some(product) => {
                    let (count, sum) = measure(product, firm, buffer);
                    let failed = u32::try_from(count).unwrap_or(u32::MAX);
                    Verdict { failed, closeness: sum.to_f64().unwrap_or(f64::MAX), exact: false }
                }
                None => m.verdict,
            },
        };
        m.measured = true;
    }
}

/// Whether the screen tells that a product's estimated limit reaches its smallest loan: the
/// limit condition, compared in integers as the screen counts it, so that a reported near
/// miss is worded without the limit's bounds in decimals.
fn limit_met(c: &Compiled<'_>, figures: &FirmFacts, index: usize) -> bool {
    let screen_of = c.compiled.screens.get(index).and_then(Option::as_ref);
    screen_of.is_some_and(|s| least_bound(s, figures).is_some_and(|least| least >= s.floor))
}

/// The failed count of the `keep`-th miss by failed count (`u32::MAX` when there are no
/// more than `keep` misses, or counts beyond those the histogram holds).
fn fewest_failed(misses: &[Miss], keep: usize) -> u32 {
    let mut histogram = [0_u32; COUNTS];
    misses.iter().for_each(|m| histogram[bucket(m.verdict.failed)] += 1);
    fewest_in(&histogram, keep)
}

/// Failed counts a histogram of misses tells apart; the last bucket holds every count from
/// there on.
const COUNTS: usize = 24;

/// The bucket of a failed count.
fn bucket(failed: u32) -> usize {
    usize::try_from(failed).map_or(COUNTS - 1, |f| f.min(COUNTS - 1))
}

/// [`fewest_failed`] from the histogram of the misses' failed counts.
fn fewest_in(histogram: &[u32; COUNTS], keep: usize) -> u32 {
    if keep == 0 {
        return 0;
    }
    let mut seen = 0_usize;
    for (failed, &n) in histogram.iter().enumerate().take(COUNTS - 1) {
        seen += usize::try_from(n).unwrap_or(usize::MAX);
        if seen >= keep {
            return u32::try_from(failed).unwrap_or(u32::MAX);
        }
    }
    u32::MAX
}

/// Files the candidates of a chain whose failures its sets counted
/// ([`ChainColumns::count_by_sets`]): those screened product by product into `found`, the
/// eligible products by index, and, as unmeasured misses, only the misses that may be among
/// the `keep` closest (no more failed conditions than the `keep`-th fewest), told apart a
/// word of candidates at a time. Returns that bound, as [`fewest_failed`] would.
fn file_by_sets(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    columns: &ChainColumns,
    (found, counts): (&mut Found, &mut SetCounts),
    keep: usize,
) -> u32 {
    let index_at = |position: usize| columns.index.get(position).map(|&i| i as usize);
    columns.each_row_in_scope(counts, |position| {
        if let Some(at) = index_at(position) {
            screen_row(c, (firm, figures), at, found);
        }
    });
    counts.each_eligible(|position| found.eligible.extend(index_at(position)));
    let mut screened = [0_u32; COUNTS];
    found.misses.iter().for_each(|m| screened[bucket(m.verdict.failed)] += 1);
    let mut seen = 0_usize;
    let mut bound = u32::MAX;
    for (failed, &apart) in screened.iter().enumerate().take(COUNTS - 1) {
        let n = apart + counts.take_misses_failing(failed);
        seen += usize::try_from(n).unwrap_or(usize::MAX);
        if seen >= keep {
            bound = u32::try_from(failed).unwrap_or(u32::MAX);
            break;
        }
    }
    if bound == u32::MAX {
        counts.take_every_miss();
    }
    if bound == 1 {
        counts.set_aside_distant();
        counts.each_set_aside(|position| {
            if let Some(index) = index_at(position) {
                found.distant.push(Miss::unmeasured(index, 1));
            }
        });
    }
    // A contender failing one condition a threshold measures is measured off the columns,
    // one failing nothing (its grade not priced) is at no distance; the others are screened.
    columns.measure_single_gaps(figures, counts, |position, verdict| {
        if let Some(index) = index_at(position) {
            found.misses.push(Miss::measured(index, verdict));
        }
    });
    // A contender failing only its limit: the limit's gap, its other conditions unread.
    counts.take_limit_only(|position| {
        if let Some(index) = index_at(position) {
            let screen_of = c.compiled.screens.get(index).and_then(Option::as_ref);
            found.misses.push(match screen_of.and_then(|s| limit_gap(s, figures)) {
                Some(verdict) => Miss::measured(index, verdict),
                None => Miss::unmeasured(index, 1),
            });
        }
    });
    counts.each_contender(|position, failed| {
        if let Some(index) = index_at(position) {
            found.misses.push(match failed {
                0 => Miss::measured(index, Verdict::PASSED),
                _ => Miss::unmeasured(index, u32::from(failed)),
            });
        }
    });
    bound
}

/// Files the candidates of a chain whose failures the columns counted: an eligible product
/// by index; a miss, unmeasured, as its index and failed count in `pending`, counted in
/// `histogram` (far more misses than the few that can be reported); a candidate the columns
/// do not hold, screened product by product into `found`. Out-of-scope candidates (another
/// industry section, or excluded by the product's industry rule) are skipped.
fn file_chain(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    columns: &ChainColumns,
    failed: &[u8],
    (found, pending, histogram): (&mut Found, &mut Vec<(u32, u8)>, &mut [u32; COUNTS]),
) {
    pending.clear();
    let wanted = CatalogIndex::wanted_sections(&firm.demand.enterprise);
    let grade_bit = if figures.grade < 64 { 1_u64 << figures.grade } else { 0 };
    let admitting = columns.admitting_rules(figures.industry);
    let rows = columns.index.iter().zip(&columns.sections).zip(&columns.kind);
    for (position, (((&index, &sections), &kind), (&priced, &failed))) in
        rows.zip(columns.priced.iter().zip(failed)).enumerate()
    {
        if sections != 0 && sections & wanted == 0 {
            continue;
        }
        if kind != 0 {
            let Ok(at) = usize::try_from(index) else { continue };
            if kind & ROW != 0 {
                screen_row(c, (firm, figures), at, found);
                continue;
            }
            if kind & RULE != 0 && !admitted(c, columns, (position, at), (admitting, figures)) {
                continue;
            }
        }
        if failed == 0 && priced & grade_bit != 0 {
            // Eligible: the grade's bit is set exactly when the product has a spread for it,
            // so its compiled product is not read until its offer is built.
            let Ok(at) = usize::try_from(index) else { continue };
            found.eligible.push(at);
        } else {
            pending.push((index, failed));
            histogram[bucket(u32::from(failed))] += 1;
        }
    }
}

/// Whether the candidate at `position` of the chain (product `at`) is admitted by its
/// industry rule: by the rules the firm's industry was checked against once, or by the
/// product's screen when its rule is not among them.
fn admitted(
    c: &Compiled<'_>,
    columns: &ChainColumns,
    (position, at): (usize, usize),
    (admitting, figures): (u64, &FirmFacts),
) -> bool {
    columns.admitted(position, admitting).unwrap_or_else(|| {
        let screen_of = c.compiled.screens.get(at).and_then(Option::as_ref);
        screen_of.is_some_and(|s| s.industries.admits(figures.industry))
    })
}

/// The offer of an eligible product, written field by field over an old offer (or a blank
/// one) in the offers rather than built and moved in (an offer is some 200 bytes, and moving
/// it cost two copies): the bounds priced from the compiled terms, the binding one as its
/// screen tells it, the rate added once for the catalog and the coverage from the ranking
/// when it told it. Its explanation is left to be worded when read. A product the compiled
/// catalog does not price adds nothing.
fn push_offer(
    c: &Compiled<'_>,
    options: &MatchOptions,
    (firm, figures, amounts): (&Firm<'_>, &FirmFacts, &limit::FirmAmounts),
    told: Told,
    offers: &mut Slots,
) {
    let Told { index, coverage, binding: kind } = told;
    let Some(compiled) = c.compiled.products.get(index) else { return };
    let Some(terms) = c.compiled.terms.get(index, figures.grade) else { return };
    let Some(spread) = terms.spread else { return };
    let demand = firm.demand;
    let at = offers.len;
    if at == offers.offers.len() {
        offers.offers.push(Offer::blank(compiled.product.clone()));
    }
    let Some(offer) = offers.offers.get_mut(at) else { return };
    offers.len += 1;
    // The same product in the same place as in the previous demand keeps its handle as it is.
    if !Arc::ptr_eq(&offer.product, &compiled.product) {
        offer.product.clone_from(&compiled.product);
    }
    limit::refill_bounds(&mut offer.bounds, &compiled.limit, terms.cap, amounts);
    let kind = kind.or_else(|| {
        let screen_of = c.compiled.screens.get(index).and_then(Option::as_ref);
        screen_of.and_then(|s| binding(s, figures)).map(|(_, kind)| kind)
    });
    let binding = binding_among(&offer.bounds, kind);
    offer.limit = binding.value;
    offer.binding = binding.bound;
    offer.explained = Explained::of(binding, (Some(figures.grade), ""), amounts);
    offer.coverage =
        coverage.unwrap_or_else(|| matching::coverage(binding.value, demand.amount.value()));
    offer.rate_percent =
        terms.rate.unwrap_or_else(|| matching::rate(options.reference_rate.percent, spread));
    offer.term_gap_months = matching::term_gap(&compiled.term_months, demand);
}

/// The bound of `kind` when the screen told it; otherwise the smallest, the first in order
/// winning a tie, as `limit::binding_of` picks it.
fn binding_among(bounds: &[Bound], kind: Option<BoundKind>) -> Bound {
    let least = |m: Bound, b: Bound| if b.value < m.value { b } else { m };
    match kind.and_then(|k| bounds.iter().find(|b| b.bound == k)) {
        Some(b) => *b,
        None => bounds
            .iter()
            .copied()
            .reduce(least)
            .unwrap_or(Bound { bound: BoundKind::ProductCap, value: Decimal::ZERO }),
    }
}

/// How many near misses a demand keeps in a small sorted array while scanning its misses;
/// beyond, the misses are partially sorted in place.
const FEW: usize = 8;

/// The first `keep` misses in `order` (all of them when there are fewer), sorted; and
/// the misses that may come after them. At most [`FEW`] are copied into `few` while the
/// misses are scanned once (one comparison for most), and all the misses may come after
/// them; more are moved to the front of `misses` by a partial sort, and the rest follow.
fn first_in_order<'a>(
    misses: &'a mut [Miss],
    keep: usize,
    order: impl Fn(&Miss, &Miss) -> std::cmp::Ordering,
    few: &'a mut [Miss; FEW + 1],
) -> (&'a mut [Miss], &'a mut [Miss]) {
    if keep > FEW {
        if keep < misses.len() {
            misses.select_nth_unstable_by(keep - 1, &order);
        }
        let (first, rest) = misses.split_at_mut(keep.min(misses.len()));
        first.sort_unstable_by(&order);
        return (first, rest);
    }
    let mut len = 0;
    for m in misses.iter() {
        let kept = few.get(..len).unwrap_or(&[]);
        if len == keep && kept.last().is_some_and(|last| order(m, last).is_ge()) {
            continue;
        }
        let at = kept.partition_point(|b| order(b, m).is_le());
        // Shift the farther ones one place (the last falls off when `keep` are held).
        if let Some(tail) = few.get_mut(at..=len) {
            tail.rotate_right(1);
            if let Some(first) = tail.first_mut() {
                *first = *m;
            }
        }
        len = (len + 1).min(keep);
    }
    (few.get_mut(..len).unwrap_or_default(), misses)
}

/// The indices of the `keep` closest misses, closest first: fewest failed conditions, then
/// smallest sum of relative gaps, then product id, as the reference orders them.
///
/// The screen's `f64` sums pick the contenders: every miss that could rank among the first
/// `keep` once rounding is accounted for. When all contenders' sums are exact, they order
/// them; otherwise the contenders are measured again by the reference path, in `Decimal`.
fn closest(
    c: &Compiled<'_>,
    (firm, figures): (&Firm<'_>, &FirmFacts),
    misses: &mut Vec<Miss>,
    keep: usize,
    buffer: &mut Vec<Gap>,
) -> Vec<usize> {
    let keep = keep.min(misses.len());
    if keep == 0 {
        return Vec::new();
    }
    let approx = |a: &Miss, b: &Miss| {
        (a.verdict.failed.cmp(&b.verdict.failed))
            .then(a.verdict.closeness.total_cmp(&b.verdict.closeness))
    };
    // Ids are unique in a catalog: their places in id order compare as the ids do, without
    // reading the strings (ties at a closeness of exactly 1 can keep dozens of contenders).
    // Read once here, the orders below compare them in place.
    let mut trusted = true;
    for m in misses.iter_mut() {
        trusted &= m.verdict.closeness < TRUSTED_CLOSENESS;
        m.id_rank = c.compiled.id_rank.get(m.index).copied().unwrap_or(u32::MAX);
    }
    let order = |a: &Miss, b: &Miss| approx(a, b).then(a.id_rank.cmp(&b.id_rank));
    let mut few = [Miss::unmeasured(0, 0); FEW + 1];
    let (first, rest) = first_in_order(misses, keep, order, &mut few);
    let Some(&last) = first.last() else { return Vec::new() };
    if trusted {
        // A contender whose exactness was not asked (screened product by product) is
        // screened again when it is in a near tie.
        let exact = |m: &mut Miss| {
            if !m.verdict.exact {
                let screen_of = c.compiled.screens.get(m.index).and_then(Option::as_ref);
                if let Some(v) = screen_of.and_then(|s| screen(s, figures, true)) {
                    m.verdict = v;
                }
            }
            m.verdict.exact
        };
        if settled(first, rest, order, exact) {
            return first.iter().map(|m| m.index).collect();
        }
    }
    // The contenders: every miss that could rank among the first `keep` once rounding is
    // accounted for.
    let (failed, sum) = (last.verdict.failed, last.verdict.closeness);
    let margin = sum + 1e-9 * sum.abs().max(1.0);
    misses.retain(|m| {
        let v = m.verdict;
        v.failed < failed || (v.failed == failed && (!trusted || v.closeness <= margin))
    });
    // The screen again, now telling whether each contender's closeness is exact.
    for m in misses.iter_mut() {
        let screen_of = c.compiled.screens.get(m.index).and_then(Option::as_ref);
        if let Some(v) = screen_of.and_then(|s| screen(s, figures, true)) {
            m.verdict = v;
        }
    }
    if misses.iter().all(|m| m.verdict.exact) {
        misses.sort_unstable_by(order);
        return misses.iter().take(keep).map(|m| m.index).collect();
    }
    // The reference measures of the contenders whose closeness is not exact; an exact
    // closeness is already the reference sum, and its count the reference count.
    let mut measured: Vec<(usize, Decimal, &Product, usize)> = misses
        .iter()
        .filter_map(|m| {
            let product = c.catalog.products().get(m.index)?;
            let exact = m.verdict.exact.then(|| exact_sum(m.verdict.closeness)).flatten();
            let (count, sum) = match (exact, usize::try_from(m.verdict.failed)) {
                (Some(sum), Ok(count)) => (count, sum),
                _ => measure(product, firm, buffer),
            };
            Some((count, sum, product, m.index))
        })
        .collect();
    let order = |a: &(usize, Decimal, &Product, usize), b: &(usize, Decimal, &Product, usize)| {
        (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id))
    };
    measured.sort_unstable_by(order);
    measured.iter().take(keep).map(|m| m.3).collect()
}

/// Whether the first contenders, sorted in `order` (failed count, closeness, id), are those
/// of the reference order, in its order. `rest` holds the misses that may come after them
/// (and may hold copies of the first). Neighbours whose sums differ by more than the margin
/// of [`closest`] are ordered alike by both sums, and so is everything either side of them;
/// only a run of near-equal sums reaching into the first needs every closeness in it
/// `exact`. Then the `f64` sums are the reference sums, and ties fall to the id as there.
///
/// The rest are not sorted: dozens of contenders often tie at a closeness of exactly 1, and
/// sorting them all cost about 3% of a demand's instructions. The run that goes on past the
/// first is found among them by its sums alone (see [`run_end`]).
fn settled(
    first: &mut [Miss],
    rest: &mut [Miss],
    order: impl Fn(&Miss, &Miss) -> std::cmp::Ordering,
    mut exact: impl FnMut(&mut Miss) -> bool,
) -> bool {
    let mut start = 0;
    while start < first.len() {
        let run = first.get(start..).unwrap_or(&[]);
        let len = 1 + run.windows(2).take_while(|w| matches!(w, [a, b] if near(a, b))).count();
        let tied = first.get_mut(start..start + len).unwrap_or(&mut []);
        if len > 1 && !tied.iter_mut().all(&mut exact) {
            return false;
        }
        start += len;
    }
    let Some(last) = first.last_mut() else { return true };
    let after = *last;
    let (failed, sum) = (after.verdict.failed, after.verdict.closeness);
    // Most often nothing after the last is near it: one pass tells, finding the next larger
    // sum and whether any miss ties the last's sum exactly.
    let (mut next, mut same_sum_after) = (f64::INFINITY, false);
    for m in rest.iter().filter(|m| m.verdict.failed == failed) {
        if m.verdict.closeness > sum {
            next = next.min(m.verdict.closeness);
        } else {
            same_sum_after |= order(m, &after).is_gt();
        }
    }
    let end = if near_next(sum, next) {
        let Some(end) = run_end(failed, next, rest) else { return false };
        end
    } else if same_sum_after {
        sum
    } else {
        return true;
    };
    let mut beyond = (rest.iter_mut())
        .filter(|m| {
            let v = m.verdict;
            v.failed == failed && v.closeness <= end && order(m, &after).is_gt()
        })
        .peekable();
    beyond.peek().is_none() || (exact(last) && beyond.all(&mut exact))
}

/// Whether two neighbours in the screen's order have near-equal sums: so near that the
/// reference sums might order them otherwise.
fn near(a: &Miss, b: &Miss) -> bool {
    a.verdict.failed == b.verdict.failed && near_sums(a.verdict.closeness, b.verdict.closeness)
}

/// Whether the sum `y`, not below `x`, is within the margin of [`closest`] of it.
fn near_sums(x: f64, y: f64) -> bool {
    y - x <= 1e-9 * x.abs().max(y.abs()).max(1.0)
}

/// Whether `next`, the next larger sum (infinite when there is none), is near `sum`.
fn near_next(sum: f64, next: f64) -> bool {
    next.is_finite() && near_sums(sum, next)
}

/// How far a run of near-equal sums goes on among the unsorted `rest`, from `end`, a sum of
/// misses failing `failed` conditions already in it: the largest closeness it reaches among
/// them, stepping from a sum to the next larger one while they are near (the order's
/// neighbours); `None` after more steps than near ties in practice take, leaving it
/// unsettled.
fn run_end(failed: u32, mut end: f64, rest: &[Miss]) -> Option<f64> {
    /// Distinct sums followed past `end`: near ties of distinct sums are rare, and equal
    /// sums (the common ties) take no step.
    const STEPS: usize = 4;
    for _ in 0..STEPS {
        let next = (rest.iter().map(|m| m.verdict))
            .filter(|v| v.failed == failed && v.closeness > end)
            .fold(f64::INFINITY, |least, v| least.min(v.closeness));
        if !near_next(end, next) {
            return Some(end);
        }
        end = next;
    }
    None
}

/// The `Decimal` value of an exact closeness: a multiple of 2^-16 (see [`Verdict::exact`]),
/// `n / 2^16 = n · 5^16 / 10^16`, which a decimal holds exactly.
#[allow(clippy::cast_possible_truncation)]
fn exact_sum(closeness: f64) -> Option<Decimal> {
    let units = closeness * 65_536.0;
    // Whole and well inside `i64`, so the conversion below is exact.
    if units.fract() != 0.0 || units.abs() >= 9.0e15 {
        return None;
    }
    let n = i128::from(units as i64).checked_mul(152_587_890_625)?;
    Decimal::try_from_i128_with_scale(n, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn an_exact_closeness_is_its_decimal_value(n in -(1_i64 << 52)..(1_i64 << 52)) {
            #[allow(clippy::cast_precision_loss)]
            let closeness = n as f64 / 65_536.0;
            let expected = Decimal::from(n) / Decimal::from(65_536);
            prop_assert_eq!(exact_sum(closeness), Some(expected));
        }
    }

    proptest! {
        #[test]
        fn millionths_are_the_coverage_the_offer_shows(
            whole in 1_u64..(1 << 40), share in 0_u64..=1_000_000, scale in 0_u32..11,
        ) {
            let part = u64::try_from(u128::from(whole) * u128::from(share) / 1_000_000).unwrap();
            let at = |n: u64| Decimal::from_i128_with_scale(i128::from(n), scale);
            let shown = matching::coverage(at(part), at(whole));
            let (share, exact) = millionths(part, whole);
            let expected = Decimal::from(share) / Decimal::from(1_000_000);
            prop_assert_eq!(shown, expected);
            if 0 < part && part < whole && !exact {
                // The decimal the offer then shows without dividing: same value, same scale.
                let given = Decimal::from_i128_with_scale(i128::from(share), 6);
                prop_assert_eq!(shown.to_string(), given.to_string());
            }
            if part == whole {
                // A limit covering the whole request, which the ranking tells as 1.
                prop_assert_eq!(shown.to_string(), Decimal::ONE.to_string());
            }
        }
    }

    proptest! {
        #[test]
        fn packed_keys_order_as_the_keys_and_id_places(
            drawn in proptest::collection::vec(
                (prop_oneof![-3_i64..3, Just(i64::MIN), Just(i64::MAX)], -1_000_000_i64..0, 0_i64..40),
                0..60),
            wide in any::<bool>(),
        ) {
            let ranked: Vec<RankedOffer> = drawn
                .iter()
                .enumerate()
                .map(|(i, &(a, b, t))| RankedOffer {
                    key: if wide { [a, b, t] } else { [b, t, 0] },
                    id_rank: u32::try_from(drawn.len() - i).unwrap(),
                    told: Told { index: i, coverage: None, binding: None },
                })
                .collect();
            let mut expected: Vec<usize> = (0..ranked.len()).collect();
            expected.sort_by_key(|&i| (ranked[i].key, ranked[i].id_rank));
            match Packing::of(&ranked) {
                Some(packing) => {
                    let mut packed: Vec<u64> =
                        ranked.iter().enumerate().map(|(at, r)| packing.pack(r, at)).collect();
                    packed.sort_unstable();
                    let found: Vec<usize> = packed.iter().map(|&p| packing.place(p)).collect();
                    prop_assert_eq!(found, expected);
                }
                // Only a key spanning about the whole of `i64` leaves no room.
                None => prop_assert!(
                    wide && drawn.iter().any(|d| d.0 == i64::MIN || d.0 == i64::MAX)
                ),
            }
        }
    }

    /// A miss failing conditions short by these ratios, with its closeness summed as the
    /// screen sums it, and the reference sum in `Decimal`.
    fn ratios_miss(index: usize, ratios: &[(i64, i64)]) -> (Miss, Decimal) {
        let mut verdict = Verdict { failed: 0, closeness: 0.0, exact: true };
        let mut reference = Decimal::ZERO;
        for &(short, required) in ratios {
            #[allow(clippy::cast_precision_loss)]
            let term = short as f64 / required as f64;
            verdict.failed += 1;
            verdict.closeness += term;
            let (s, r) = (i128::from(short), i128::from(required));
            verdict.exact &= s * 65_536 % r == 0;
            reference += Decimal::from(short) / Decimal::from(required);
        }
        (Miss::measured(index, verdict), reference)
    }

    /// The screen's order: failed count, closeness, then the id (here the index).
    fn screen_order(a: &Miss, b: &Miss) -> std::cmp::Ordering {
        (a.verdict.failed.cmp(&b.verdict.failed))
            .then(a.verdict.closeness.total_cmp(&b.verdict.closeness))
            .then(a.index.cmp(&b.index))
    }

    /// [`settled`] as it was before it left the rest unsorted: every contender sorted, each
    /// run of near-equal sums starting in the first `keep` followed to its end.
    fn settled_by_sorting(misses: &mut [Miss], keep: usize) -> bool {
        misses.sort_by(screen_order);
        let mut start = 0;
        while start < keep {
            let run = &misses[start..];
            let len = 1 + run.windows(2).take_while(|w| near(&w[0], &w[1])).count();
            if len > 1 && !misses[start..start + len].iter().all(|m| m.verdict.exact) {
                return false;
            }
            start += len;
        }
        true
    }

    /// Misses of these ratios, in drawn order turned by `turn` (ids and order differ).
    fn drawn_misses(drawn: &[Vec<(i64, i64)>], turn: usize) -> (Vec<Miss>, Vec<Decimal>) {
        let (mut misses, sums): (Vec<Miss>, Vec<Decimal>) =
            drawn.iter().enumerate().map(|(i, ratios)| ratios_miss(i, ratios)).unzip();
        let len = misses.len();
        misses.rotate_left(turn % len.max(1));
        (misses, sums)
    }

    /// Contenders failing 1 to 3 conditions short by small ratios (near and exact ties
    /// among them), how many to keep, and how far to turn their order.
    fn drawn_contenders() -> impl Strategy<Value = (Vec<Vec<(i64, i64)>>, usize, usize)> {
        let ratios = proptest::collection::vec((1_i64..7, 1_i64..13), 1..4);
        (proptest::collection::vec(ratios, 1..40), 1usize..12, 0usize..40)
    }

    /// The first `keep` misses in the screen's order, if settled, as [`closest`] picks them.
    fn settle(misses: &mut [Miss], keep: usize) -> Option<Vec<usize>> {
        let mut few = [Miss::unmeasured(0, 0); FEW + 1];
        let (first, rest) = first_in_order(misses, keep, screen_order, &mut few);
        let exact = |m: &mut Miss| m.verdict.exact;
        settled(first, rest, screen_order, exact).then(|| first.iter().map(|m| m.index).collect())
    }

    proptest! {
        #[test]
        fn settled_contenders_are_those_of_the_reference_order(
            (drawn, keep, turn) in drawn_contenders(),
        ) {
            let (mut misses, sums) = drawn_misses(&drawn, turn);
            let keep = keep.min(misses.len());
            let mut expected: Vec<usize> = (0..drawn.len()).collect();
            expected.sort_by_key(|&i| (drawn[i].len(), sums[i], i));
            expected.truncate(keep);
            if let Some(found) = settle(&mut misses, keep) {
                prop_assert_eq!(found, expected);
            }
        }

        #[test]
        fn settling_the_first_few_is_settling_them_all_sorted(
            (drawn, keep, turn) in drawn_contenders(),
        ) {
            let (mut misses, _) = drawn_misses(&drawn, turn);
            let keep = keep.min(misses.len());
            let mut sorted = misses.clone();
            let expected = settled_by_sorting(&mut sorted, keep);
            let first: Vec<usize> = sorted.iter().take(keep).map(|m| m.index).collect();
            prop_assert_eq!(settle(&mut misses, keep), expected.then_some(first));
        }

        #[test]
        fn the_first_few_are_those_of_the_sorted_misses(
            drawn in proptest::collection::vec((0u32..4, 0u32..6), 1..60),
            keep in 1usize..12,
        ) {
            let mut misses: Vec<Miss> = drawn
                .iter()
                .enumerate()
                .map(|(index, &(failed, quarters))| {
                    let closeness = f64::from(quarters) / 4.0;
                    Miss::measured(index, Verdict { failed, closeness, exact: true })
                })
                .collect();
            let keep = keep.min(misses.len());
            let mut sorted = misses.clone();
            sorted.sort_by(screen_order);
            let mut few = [Miss::unmeasured(0, 0); FEW + 1];
            let (first, rest) = first_in_order(&mut misses, keep, screen_order, &mut few);
            let indices = |m: &[Miss]| m.iter().map(|m| m.index).collect::<Vec<_>>();
            prop_assert_eq!(indices(first), indices(&sorted[..keep]));
            // What may come after them holds every other miss.
            let mut after = indices(rest);
            after.retain(|i| !indices(&sorted[..keep]).contains(i));
            after.sort_unstable();
            let mut others = indices(&sorted[keep..]);
            others.sort_unstable();
            prop_assert_eq!(after, others);
        }
    }

    #[test]
    fn near_ties_are_settled_only_when_exact() {
        let drawn = |ratios: &[&[(i64, i64)]]| -> Vec<Miss> {
            ratios.iter().enumerate().rev().map(|(i, r)| ratios_miss(i, r).0).collect()
        };
        // Quarters are exact: their ties fall to the id.
        assert_eq!(settle(&mut drawn(&[&[(1, 4)], &[(2, 8)], &[(3, 4)]]), 2), Some(vec![0, 1]));
        // Thirds are not: a third and two sixths may or may not tie in decimals.
        assert_eq!(settle(&mut drawn(&[&[(1, 3)], &[(2, 6)], &[(3, 4)]]), 2), None);
        // Nor when the tie reaches past the first `keep` from its last.
        assert_eq!(settle(&mut drawn(&[&[(1, 7)], &[(1, 3)], &[(2, 6)]]), 2), None);
        // Unless the tie is past the first `keep`, or the sums are far apart.
        assert_eq!(settle(&mut drawn(&[&[(1, 7)], &[(1, 3)], &[(2, 6)]]), 1), Some(vec![0]));
        let far = settle(&mut drawn(&[&[(1, 7)], &[(1, 3)], &[(5, 6)]]), 3);
        assert_eq!(far, Some(vec![0, 1, 2]));
    }

    #[test]
    fn a_run_of_near_sums_is_followed_past_the_first_few_step_by_step() {
        let miss = |index, closeness, exact| {
            Miss::measured(index, Verdict { failed: 1, closeness, exact })
        };
        // 0.5, then sums each within the margin of the one before, the last inexact: the run
        // from the first reaches it, so one kept is not settled.
        let step = 0.9e-9;
        let chain = |last_exact| {
            vec![
                miss(4, 0.5 + 3.0 * step, last_exact),
                miss(2, 0.5 + step, true),
                miss(1, 0.5, true),
                miss(3, 0.5 + 2.0 * step, true),
                miss(5, 0.7, false),
            ]
        };
        assert_eq!(settle(&mut chain(false), 1), None);
        assert_eq!(settle(&mut chain(true), 1), Some(vec![1]));
        // Beyond the steps followed, a run is left unsettled.
        let long: Vec<Miss> =
            (0..8_u32).map(|i| miss(i as usize, 0.5 + f64::from(i) * step, true)).collect();
        assert_eq!(settle(&mut long.clone(), 1), None);
        assert!(settled_by_sorting(&mut long.clone(), 1));
    }
}
