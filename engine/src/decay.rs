//! How much a record still counts on a given date: disclosure periods, repair, residuals.
//!
//! A record counts with a factor in `[0, 1]`: 1 while it is within its disclosure period or the
//! list state is active, a configured residual factor for a short time after a list removal or a
//! payment, 0 afterwards. Every period is configuration ([`DecayRules`], part of the model) with
//! the national values as defaults.
//!
//! Conventions, chosen so the boundaries are unambiguous:
//! - a period of N months from a date D ends (exclusively) on D + N months, clamped to the end of
//!   the month (2024-02-29 + 12 months = 2025-02-28): the record counts on D + N months − 1 day and
//!   not on D + N months;
//! - a given disclosure end (`CF_GSJZQ`) or honour expiry is the last day that counts;
//! - a removal, repair or payment date is the first day the record no longer counts in full;
//! - repair ends a penalty's disclosure only once its minimum period is over: the record counts
//!   until `max(repaired_on, decided_on + min_months)`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::{Date, add_months};
use crate::evaluate::fixed;
use crate::record::{
    Arrears, Commitment, CommitmentStatus, Domain, Honour, HonourKind, ListKind, Listing, Measure,
    Penalty, RecordDetail, Severity,
};

/// Minimum and maximum disclosure period of a penalty, in months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Months before which repair cannot end the disclosure.
    pub min_months: u32,
    /// Months after which the penalty no longer counts, unless a disclosure end is given.
    pub max_months: u32,
}

/// Disclosure periods by severity, and the domains whose local rules differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PenaltyPeriods {
    /// Minor penalties (national default: up to 3 months).
    pub minor: Period,
    /// Ordinary penalties (national default: 3 months to 1 year).
    pub ordinary: Period,
    /// Serious penalties (national default: 1 to 3 years).
    pub serious: Period,
    /// Local rules by domain: a domain's period replaces the one above for each severity it
    /// names. Local practice differs from the national periods by domain (Shenzhen keeps safety
    /// and fire penalties disclosed for at least a year), so a platform states its own here.
    /// Empty by default, and then left out of the model's JSON.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_domain: BTreeMap<Domain, DomainPeriods>,
}

impl PenaltyPeriods {
    /// The period of a severity under the general rules (no domain's own).
    pub fn of(&self, severity: Severity) -> Period {
        match severity {
            Severity::Minor => self.minor,
            Severity::Ordinary => self.ordinary,
            Severity::Serious => self.serious,
        }
    }

    /// The period of a penalty of `severity` in `domain`: the domain's own when it sets one.
    pub fn of_domain(&self, domain: Domain, severity: Severity) -> Period {
        let local = self.by_domain.get(&domain).and_then(|d| d.of(severity));
        local.unwrap_or_else(|| self.of(severity))
    }
}

/// A domain's own disclosure periods: each severity given replaces the general period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DomainPeriods {
    /// Minor penalties in the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor: Option<Period>,
    /// Ordinary penalties in the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinary: Option<Period>,
    /// Serious penalties in the domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious: Option<Period>,
}

impl DomainPeriods {
    /// The domain's own period for a severity, if it sets one.
    pub fn of(&self, severity: Severity) -> Option<Period> {
        match severity {
            Severity::Minor => self.minor,
            Severity::Ordinary => self.ordinary,
            Severity::Serious => self.serious,
        }
    }
}

/// Which penalties cannot be repaired early: those matching all three lists (e.g. a serious
/// penalty that revoked a licence in food safety).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unrepairable {
    /// Severities concerned.
    pub severities: Vec<Severity>,
    /// Measures concerned.
    pub measures: Vec<Measure>,
    /// Domains concerned.
    pub domains: Vec<Domain>,
}

/// A short after-effect: for `months` after a removal or payment the record still counts with
/// `factor`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Residual {
    /// Length of the residual period in months (0: none).
    pub months: u32,
    /// Factor applied during it, in `[0, 1]`.
    #[serde(with = "crate::num::decimal")]
    pub factor: Decimal,
}

/// Every period of the decay model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecayRules {
    /// Penalty disclosure periods by severity.
    pub penalty: PenaltyPeriods,
    /// Penalties repair cannot end early; the national rule when absent (write empty lists to
    /// make every penalty repairable).
    #[serde(default = "national_unrepairable")]
    pub unrepairable: Unrepairable,
    /// Residual after removal, by list (lists not named have none).
    #[serde(default)]
    pub listing_residual: BTreeMap<ListKind, Residual>,
    /// How long a list keeps an entry, in months after `listed_on`: a listing without an
    /// earlier `removed_on` ends then, as if removed that day. Lists not named keep an entry
    /// until it is removed. The national terms when absent (write `{}` for none).
    #[serde(default = "national_listing_terms")]
    pub listing_max_months: BTreeMap<ListKind, u32>,
    /// Residual after arrears are paid.
    #[serde(default)]
    pub arrears_residual: Residual,
    /// Validity of an honour without an explicit expiry, in months (0 or absent: no expiry).
    #[serde(default)]
    pub honour_validity_months: BTreeMap<HonourKind, u32>,
    /// How long a fulfilled or breached commitment counts after it was resolved, in months.
    pub commitment_months: u32,
}

/// Serious penalties that revoked a licence or closed a business in food, drug, safety,
/// environment or special-equipment cases.
fn national_unrepairable() -> Unrepairable {
    Unrepairable {
        severities: vec![Severity::Serious],
        measures: vec![Measure::LicenceRevocation, Measure::Closure],
        domains: vec![
            Domain::Food,
            Domain::Drug,
            Domain::Safety,
            Domain::Environment,
            Domain::SpecialEquipment,
        ],
    }
}

/// The lists whose entries end by rule: the serious illegal and dishonest list (removed three
/// years after listing) and major tax violations (published for three years). A feed that has
/// not caught up with such a removal would otherwise keep the entry for ever.
fn national_listing_terms() -> BTreeMap<ListKind, u32> {
    BTreeMap::from([(ListKind::SeriousViolation, 36), (ListKind::MajorTaxViolation, 36)])
}

impl Default for DecayRules {
    /// The national defaults of DOMAIN section 3.
    fn default() -> Self {
        DecayRules {
            penalty: PenaltyPeriods {
                minor: Period { min_months: 0, max_months: 3 },
                ordinary: Period { min_months: 3, max_months: 12 },
                serious: Period { min_months: 12, max_months: 36 },
                by_domain: BTreeMap::new(),
            },
            unrepairable: national_unrepairable(),
            listing_residual: BTreeMap::new(),
            listing_max_months: national_listing_terms(),
            arrears_residual: Residual::default(),
            honour_validity_months: BTreeMap::new(),
            commitment_months: 36,
        }
    }
}

/// How a record stands on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Factor the record counts with, in `[0, 1]`.
    pub factor: Decimal,
    /// Whether it counts in full (active list state, penalty within disclosure), as opposed to a
    /// residual; vetoes look only at records in force.
    pub in_force: bool,
}

impl Standing {
    const NONE: Standing = Standing { factor: Decimal::ZERO, in_force: false };
    const FULL: Standing = Standing { factor: Decimal::ONE, in_force: true };

    /// Whether the record counts at all.
    pub fn counts(&self) -> bool {
        !self.factor.is_zero()
    }
}

/// How a record counts in the tally: not at all, in full, or as a residual whose factor is
/// already in the tally's fixed point ([`crate::evaluate::fixed::factor`] of
/// [`Standing::factor`]). The cut-offs of a date convert each residual factor once, so no record
/// reads a `Decimal`; [`Weight::of`] gives the same from a [`Standing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    /// The record does not count (a factor of zero).
    Nothing,
    /// The record counts in full (factor one, in force).
    InForce,
    /// A residual, not in force, counting with this factor at scale 10^4. A validated model's
    /// factors are at most 100 (10^6 here), so 64 bits hold them and the weight travels in two
    /// registers; a larger one saturates.
    Residual(i64),
}

/// A residual factor in the tally's fixed point, in 64 bits.
fn residual_factor(factor: Decimal) -> i64 {
    i64::try_from(fixed::factor(factor)).unwrap_or(if factor.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    })
}

impl Weight {
    /// The weight of a standing: what the tally reads of it.
    pub(crate) fn of(standing: Standing) -> Weight {
        if !standing.counts() {
            Weight::Nothing
        } else if standing.in_force {
            Weight::InForce
        } else {
            Weight::Residual(residual_factor(standing.factor))
        }
    }
}

impl DecayRules {
    /// How the record stands on `as_of`.
    pub fn standing(&self, record: &RecordDetail, as_of: Date) -> Standing {
        match record {
            RecordDetail::Penalty(p) => self.penalty_standing(p, as_of),
            RecordDetail::Listing(l) => self.listing_standing(l, as_of),
            RecordDetail::Arrears(a) => self.arrears_standing(a, as_of),
            RecordDetail::Honour(h) => self.honour_standing(h, as_of),
            RecordDetail::Commitment(c) => self.commitment_standing(c, as_of),
        }
    }

    /// Whether repair can end this penalty's disclosure early.
    pub fn repairable(&self, p: &Penalty) -> bool {
        let u = &self.unrepairable;
        !(u.severities.contains(&p.severity)
            && p.measure.is_some_and(|m| u.measures.contains(&m))
            && u.domains.contains(&p.domain))
    }

    /// The first day the penalty no longer counts.
    pub fn penalty_end(&self, p: &Penalty) -> Date {
        let period = self.penalty.of_domain(p.domain, p.severity);
        let natural = match p.disclosure_end {
            Some(last) => last.succ_opt().unwrap_or(last),
            None => add_months(p.decided_on, period.max_months),
        };
        match p.repaired_on {
            Some(repaired) if self.repairable(p) => {
                natural.min(repaired.max(add_months(p.decided_on, period.min_months)))
            }
            _ => natural,
        }
    }

    /// The earliest date repair can take effect for this penalty (end of the minimum period).
    pub fn penalty_repair_from(&self, p: &Penalty) -> Date {
        add_months(p.decided_on, self.penalty.of_domain(p.domain, p.severity).min_months)
    }

    fn penalty_standing(&self, p: &Penalty, as_of: Date) -> Standing {
        // Most penalties in a registry are long past: no month is longer than 31 days, so one
        // subtraction rules them out before any calendar arithmetic.
        let max_days = i64::from(self.penalty.of_domain(p.domain, p.severity).max_months) * 31;
        if p.disclosure_end.is_none() && (as_of - p.decided_on).num_days() > max_days {
            return Standing::NONE;
        }
        if p.decided_on <= as_of && as_of < self.penalty_end(p) {
            Standing::FULL
        } else {
            Standing::NONE
        }
    }

    /// The first day the listing is no longer in force: its removal, or the end of its list's
    /// term if that comes first; `None` while neither is known.
    pub fn listing_end(&self, l: &Listing) -> Option<Date> {
        let term = self.listing_max_months.get(&l.list).map(|&m| add_months(l.listed_on, m));
        match (l.removed_on, term) {
            (Some(removed), Some(term)) => Some(removed.min(term)),
            (removed, term) => removed.or(term),
        }
    }

    fn listing_standing(&self, l: &Listing, as_of: Date) -> Standing {
        let residual = self.listing_residual.get(&l.list).copied().unwrap_or_default();
        state_standing(l.listed_on, self.listing_end(l), residual, as_of)
    }

    fn arrears_standing(&self, a: &Arrears, as_of: Date) -> Standing {
        state_standing(a.since, a.paid_on, self.arrears_residual, as_of)
    }

    fn honour_standing(&self, h: &Honour, as_of: Date) -> Standing {
        let valid = match h.expires_on {
            Some(last) => as_of <= last,
            None => match self.honour_validity_months.get(&h.honour) {
                Some(&months) if months > 0 => as_of < add_months(h.awarded_on, months),
                _ => true,
            },
        };
        if h.awarded_on <= as_of && valid { Standing::FULL } else { Standing::NONE }
    }

    fn commitment_standing(&self, c: &Commitment, as_of: Date) -> Standing {
        match (c.status, c.resolved_on) {
            (CommitmentStatus::Fulfilled | CommitmentStatus::Breached, Some(resolved))
                if resolved <= as_of && as_of < add_months(resolved, self.commitment_months) =>
            {
                Standing::FULL
            }
            _ => Standing::NONE,
        }
    }
}

/// The first date `d` for which `add_months(d, months)` is after `as_of`: a record dated `d`
/// still counts on `as_of` for a period of `months` exactly when `d` is on or after it.
///
/// `add_months` never decreases as its date advances, so the dates that count form a suffix.
/// `as_of − months` never maps past `as_of`; a month-end clamp makes at most three more days map
/// onto the same date, so a few steps forward find the first one that maps after it. `None` when
/// that does not hold near the ends of the calendar (callers then use the rules directly).
fn first_counting(as_of: Date, months: u32) -> Option<Date> {
    let mut day = as_of.checked_sub_months(chrono::Months::new(months))?;
    if add_months(day, months) > as_of {
        return None;
    }
    for _ in 0..8 {
        day = day.succ_opt()?;
        if add_months(day, months) > as_of {
            return Some(day);
        }
    }
    None
}

/// How many domains a penalty can have: the cut-offs keep a row for each.
const DOMAINS: usize = Domain::ALL.len();

/// The decay rules on one evaluation date, with every "until N months after a date" test
/// turned into a comparison with a cut-off date computed once. A batch evaluates every
/// enterprise on the same date, so the calendar arithmetic runs once per batch instead of once
/// per record; [`DecayOn::standing`] always equals [`DecayRules::standing`] on that date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecayOn {
    as_of: Date,
    /// Per domain and severity (at `3 · domain + severity`, declaration orders): the first
    /// decision date within the maximum period, and the first within the minimum period
    /// (repair cannot end it yet).
    penalty: [(Date, Date); 3 * DOMAINS],
    /// Per list (declaration order): its residual factor (fixed point) and the first removal
    /// date still in it; `None` when the list has no residual, or one of factor zero.
    listing: Vec<Option<(i64, Date)>>,
    /// Per list (declaration order): the first listing date still within the list's term;
    /// `None` when the list keeps entries until removed.
    listing_term: Vec<Option<Date>>,
    /// The arrears residual, as for a list.
    arrears: Option<(i64, Date)>,
    /// Per honour (declaration order): the first award date still valid when no expiry is given.
    honour: Vec<Option<Date>>,
    /// First resolution date of a commitment that still counts.
    commitment: Date,
}

impl DecayOn {
    /// The cut-offs of `rules` on `as_of`; `None` at the far ends of the calendar, where the
    /// rules are applied directly.
    pub(crate) fn new(rules: &DecayRules, as_of: Date) -> Option<DecayOn> {
        let cut_offs = |period: Period| -> Option<(Date, Date)> {
            Some((
                first_counting(as_of, period.max_months)?,
                first_counting(as_of, period.min_months)?,
            ))
        };
        let mut general = [(as_of, as_of); 3];
        for (cut, &severity) in general.iter_mut().zip(Severity::ALL) {
            *cut = cut_offs(rules.penalty.of(severity))?;
        }
        // Every domain as the general rules say, then the few with rules of their own.
        let mut penalty: [(Date, Date); 3 * DOMAINS] = std::array::from_fn(|at| general[at % 3]);
        for (&domain, local) in &rules.penalty.by_domain {
            for (i, &severity) in Severity::ALL.iter().enumerate() {
                let at = 3 * domain as usize + i;
                if let (Some(period), Some(cut)) = (local.of(severity), penalty.get_mut(at)) {
                    *cut = cut_offs(period)?;
                }
            }
        }
        // A residual of factor zero counts nothing, as no residual does.
        let residual = |r: Residual| -> Option<Option<(i64, Date)>> {
            if r.months == 0 || r.factor.is_zero() {
                return Some(None);
            }
            first_counting(as_of, r.months).map(|cut| Some((residual_factor(r.factor), cut)))
        };
        let listing = ListKind::ALL
            .iter()
            .map(|kind| residual(rules.listing_residual.get(kind).copied().unwrap_or_default()))
            .collect::<Option<Vec<_>>>()?;
        let listing_term = ListKind::ALL
            .iter()
            .map(|kind| match rules.listing_max_months.get(kind) {
                Some(&months) => first_counting(as_of, months).map(Some),
                None => Some(None),
            })
            .collect::<Option<Vec<_>>>()?;
        let honour = HonourKind::ALL
            .iter()
            .map(|kind| match rules.honour_validity_months.get(kind) {
                Some(&months) if months > 0 => first_counting(as_of, months).map(Some),
                _ => Some(None),
            })
            .collect::<Option<Vec<_>>>()?;
        Some(DecayOn {
            as_of,
            penalty,
            listing,
            listing_term,
            arrears: residual(rules.arrears_residual)?,
            honour,
            commitment: first_counting(as_of, rules.commitment_months)?,
        })
    }

    /// How the record counts on the date: [`Weight::of`] what [`DecayRules::standing`]
    /// says. Inlined: the tally calls it once per record.
    #[inline]
    pub(crate) fn weight(&self, rules: &DecayRules, record: &RecordDetail) -> Weight {
        let as_of = self.as_of;
        let full = |counts: bool| if counts { Weight::InForce } else { Weight::Nothing };
        match record {
            RecordDetail::Penalty(p) => {
                // Both come from closed vocabularies the table is sized by.
                let at = 3 * p.domain as usize + p.severity as usize;
                let (max_cut, min_cut) = self.penalty.get(at).copied().unwrap_or((as_of, as_of));
                let natural = match p.disclosure_end {
                    Some(last) => as_of < last.succ_opt().unwrap_or(last),
                    None => p.decided_on >= max_cut,
                };
                let repair_open = match p.repaired_on {
                    Some(repaired) if rules.repairable(p) => {
                        as_of < repaired || p.decided_on >= min_cut
                    }
                    _ => true,
                };
                full(p.decided_on <= as_of && natural && repair_open)
            }
            RecordDetail::Listing(l) => {
                let residual = self.listing.get(l.list as usize).copied().flatten();
                // Only an entry older than its list's term needs the end worked out.
                let term = self.listing_term.get(l.list as usize).copied().flatten();
                let end = match term {
                    Some(first) if l.listed_on < first => rules.listing_end(l),
                    _ => l.removed_on,
                };
                self.state(l.listed_on, end, residual)
            }
            RecordDetail::Arrears(a) => self.state(a.since, a.paid_on, self.arrears),
            RecordDetail::Honour(h) => {
                let valid = match (h.expires_on, self.honour.get(h.honour as usize)) {
                    (Some(last), _) => as_of <= last,
                    (None, Some(Some(first))) => h.awarded_on >= *first,
                    (None, _) => true,
                };
                full(h.awarded_on <= as_of && valid)
            }
            RecordDetail::Commitment(c) => full(match (c.status, c.resolved_on) {
                (CommitmentStatus::Fulfilled | CommitmentStatus::Breached, Some(resolved)) => {
                    resolved <= as_of && resolved >= self.commitment
                }
                _ => false,
            }),
        }
    }

    /// [`state_standing`] with the residual's end as a cut-off.
    fn state(&self, start: Date, end: Option<Date>, residual: Option<(i64, Date)>) -> Weight {
        if self.as_of < start {
            return Weight::Nothing;
        }
        match end {
            None => Weight::InForce,
            Some(end) if self.as_of < end => Weight::InForce,
            Some(end) => match residual {
                Some((factor, first)) if end >= first => Weight::Residual(factor),
                _ => Weight::Nothing,
            },
        }
    }
}

/// A state from `start` until `end` (exclusive), then a residual.
fn state_standing(start: Date, end: Option<Date>, residual: Residual, as_of: Date) -> Standing {
    if as_of < start {
        return Standing::NONE;
    }
    match end {
        None => Standing::FULL,
        Some(end) if as_of < end => Standing::FULL,
        Some(end) if residual.months > 0 && as_of < add_months(end, residual.months) => {
            Standing { factor: residual.factor, in_force: false }
        }
        Some(_) => Standing::NONE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    fn penalty(severity: Severity, decided: &str) -> Penalty {
        Penalty {
            decided_on: d(decided),
            severity,
            domain: Domain::Other,
            measure: Some(Measure::Fine),
            amount: None,
            authority: None,
            disclosure_end: None,
            repaired_on: None,
        }
    }

    fn counts(rules: &DecayRules, p: &Penalty, on: &str) -> bool {
        rules.standing(&RecordDetail::Penalty(p.clone()), d(on)).counts()
    }

    #[test]
    fn ordinary_penalty_counts_one_year_from_decision() {
        let rules = DecayRules::default();
        let p = penalty(Severity::Ordinary, "2025-03-15");
        assert!(!counts(&rules, &p, "2025-03-14"));
        assert!(counts(&rules, &p, "2025-03-15"));
        assert!(counts(&rules, &p, "2026-03-14"));
        assert!(!counts(&rules, &p, "2026-03-15"));
    }

    #[test]
    fn serious_penalty_counts_three_years() {
        let rules = DecayRules::default();
        let p = penalty(Severity::Serious, "2023-07-01");
        assert!(counts(&rules, &p, "2026-06-30"));
        assert!(!counts(&rules, &p, "2026-07-01"));
    }

    #[test]
    fn given_disclosure_end_is_the_last_day_that_counts() {
        let rules = DecayRules::default();
        let mut p = penalty(Severity::Ordinary, "2025-03-15");
        p.disclosure_end = Some(d("2025-09-30"));
        assert!(counts(&rules, &p, "2025-09-29"));
        assert!(counts(&rules, &p, "2025-09-30"));
        assert!(!counts(&rules, &p, "2025-10-01"));
    }

    #[test]
    fn repair_ends_counting_only_after_the_minimum_period() {
        let rules = DecayRules::default();
        // Repaired after the 3-month minimum: stops counting on the repair date.
        let mut late = penalty(Severity::Ordinary, "2025-01-10");
        late.repaired_on = Some(d("2025-06-01"));
        assert!(counts(&rules, &late, "2025-05-31"));
        assert!(!counts(&rules, &late, "2025-06-01"));
        // Repaired before the minimum: still counts until the minimum period is over.
        let mut early = penalty(Severity::Ordinary, "2025-01-10");
        early.repaired_on = Some(d("2025-02-01"));
        assert!(counts(&rules, &early, "2025-04-09"));
        assert!(!counts(&rules, &early, "2025-04-10"));
        assert_eq!(rules.penalty_repair_from(&early), d("2025-04-10"));
    }

    #[test]
    fn unrepairable_penalties_ignore_repair() {
        let rules = DecayRules::default();
        let mut p = penalty(Severity::Serious, "2024-01-10");
        p.domain = Domain::Food;
        p.measure = Some(Measure::LicenceRevocation);
        p.repaired_on = Some(d("2025-06-01"));
        assert!(!rules.repairable(&p));
        assert!(counts(&rules, &p, "2026-01-09"));
        p.domain = Domain::Other;
        assert!(rules.repairable(&p));
        assert!(!counts(&rules, &p, "2025-06-01"));
    }

    #[test]
    fn list_states_count_while_active_then_residual() {
        let mut rules = DecayRules::default();
        rules.listing_residual.insert(
            ListKind::AbnormalOperation,
            Residual { months: 6, factor: Decimal::new(5, 1) },
        );
        let listing = |removed: Option<&str>| {
            RecordDetail::Listing(Listing {
                list: ListKind::AbnormalOperation,
                listed_on: d("2025-01-01"),
                removed_on: removed.map(d),
                ground: None,
                amount: None,
            })
        };
        let active = listing(None);
        assert_eq!(rules.standing(&active, d("2024-12-31")), Standing::NONE);
        assert_eq!(rules.standing(&active, d("2025-01-01")), Standing::FULL);
        let removed = listing(Some("2025-05-01"));
        assert_eq!(rules.standing(&removed, d("2025-04-30")), Standing::FULL);
        let residual = rules.standing(&removed, d("2025-05-01"));
        assert_eq!((residual.factor, residual.in_force), (Decimal::new(5, 1), false));
        assert!(rules.standing(&removed, d("2025-10-31")).counts());
        assert!(!rules.standing(&removed, d("2025-11-01")).counts());
    }

    /// The serious-violation list lets an entry go three years after listing, as if removed
    /// that day: the residual follows, and an earlier removal still wins.
    #[test]
    fn a_list_with_a_term_ends_its_entries_by_itself() {
        let mut rules = DecayRules::default();
        let half = Residual { months: 12, factor: Decimal::new(5, 1) };
        rules.listing_residual.insert(ListKind::SeriousViolation, half);
        let listing = |list, removed: Option<&str>| {
            let (listed_on, removed_on) = (d("2023-03-01"), removed.map(d));
            let l = Listing { list, listed_on, removed_on, ground: None, amount: None };
            (RecordDetail::Listing(l.clone()), l)
        };
        let (record, l) = listing(ListKind::SeriousViolation, None);
        assert_eq!(rules.listing_end(&l), Some(d("2026-03-01")));
        assert_eq!(rules.standing(&record, d("2026-02-28")), Standing::FULL);
        let residual = rules.standing(&record, d("2026-03-01"));
        assert_eq!((residual.factor, residual.in_force), (Decimal::new(5, 1), false));
        assert!(!rules.standing(&record, d("2027-03-01")).counts());
        let (_, early) = listing(ListKind::SeriousViolation, Some("2024-06-01"));
        assert_eq!(rules.listing_end(&early), Some(d("2024-06-01")));
        // A dishonest judgment debtor has no national term; `{}` lifts every term.
        let (debtor, _) = listing(ListKind::DishonestDebtor, None);
        assert_eq!(rules.standing(&debtor, d("2030-01-01")), Standing::FULL);
        rules.listing_max_months.clear();
        assert_eq!(rules.standing(&record, d("2030-01-01")), Standing::FULL);
    }

    #[test]
    fn honours_expire() {
        let mut rules = DecayRules::default();
        rules.honour_validity_months.insert(HonourKind::HighTech, 36);
        let honour = |expires: Option<&str>| {
            RecordDetail::Honour(Honour {
                honour: HonourKind::HighTech,
                awarded_on: d("2023-12-01"),
                expires_on: expires.map(d),
            })
        };
        assert!(rules.standing(&honour(None), d("2026-11-30")).counts());
        assert!(!rules.standing(&honour(None), d("2026-12-01")).counts());
        assert!(rules.standing(&honour(Some("2026-06-30")), d("2026-06-30")).counts());
        assert!(!rules.standing(&honour(Some("2026-06-30")), d("2026-07-01")).counts());
    }

    #[test]
    fn commitments_count_after_resolution() {
        let rules = DecayRules::default();
        let c = |status, resolved: Option<&str>| {
            RecordDetail::Commitment(Commitment {
                made_on: d("2024-01-01"),
                status,
                resolved_on: resolved.map(d),
            })
        };
        assert!(!rules.standing(&c(CommitmentStatus::Pending, None), d("2025-01-01")).counts());
        let kept = c(CommitmentStatus::Fulfilled, Some("2024-06-01"));
        assert!(rules.standing(&kept, d("2027-05-31")).counts());
        assert!(!rules.standing(&kept, d("2027-06-01")).counts());
    }

    /// Every record shape, dated on every day of the 40 months before each of a set of
    /// awkward evaluation dates (month ends, leap days): the cut-offs agree with the rules.
    #[test]
    fn cut_offs_agree_with_the_rules_on_every_day() {
        let mut rules = DecayRules::default();
        let half = Residual { months: 6, factor: Decimal::new(5, 1) };
        rules.listing_residual.insert(ListKind::AbnormalOperation, half);
        // A residual of factor zero counts nothing; one finer than the fixed point's scale
        // counts, with a factor of zero there.
        let nothing = Residual { months: 6, factor: Decimal::ZERO };
        rules.listing_residual.insert(ListKind::JudgmentDebtor, nothing);
        let fine = Residual { months: 2, factor: Decimal::new(1, 5) };
        rules.listing_residual.insert(ListKind::ConsumptionRestriction, fine);
        rules.arrears_residual = Residual { months: 1, factor: Decimal::new(25, 2) };
        rules.honour_validity_months.insert(HonourKind::HighTech, 36);
        rules.honour_validity_months.insert(HonourKind::ContractAbiding, 0);
        // Terms: one with a residual after it, one without (the national serious-violation
        // term), and lists that keep entries until removed.
        rules.listing_max_months.insert(ListKind::AbnormalOperation, 13);
        // Local rules for two domains, one severity each, and none for the others.
        let year = Period { min_months: 12, max_months: 12 };
        let safety = DomainPeriods { ordinary: Some(year), ..DomainPeriods::default() };
        rules.penalty.by_domain.insert(Domain::Safety, safety);
        let food = DomainPeriods {
            serious: Some(Period { min_months: 6, max_months: 60 }),
            ..DomainPeriods::default()
        };
        rules.penalty.by_domain.insert(Domain::Food, food);
        let dates = [
            "2024-02-28",
            "2024-02-29",
            "2024-03-01",
            "2024-03-31",
            "2024-04-30",
            "2025-02-28",
            "2025-03-01",
            "2025-03-29",
            "2025-03-30",
            "2025-03-31",
            "2025-05-31",
            "2025-12-31",
            "2026-01-01",
            "2026-06-30",
            "2028-02-29",
        ];
        let mut compared = 0;
        for as_of in dates.map(d) {
            let on = DecayOn::new(&rules, as_of).unwrap();
            let mut day = as_of.checked_sub_months(chrono::Months::new(40)).unwrap();
            while day <= as_of {
                let later = |days: u64| day.checked_add_days(chrono::Days::new(days)).unwrap();
                let mut details = Vec::new();
                for severity in Severity::ALL.iter().copied() {
                    for repaired in [None, Some(later(20)), Some(later(200)), Some(later(500))] {
                        for (domain, measure) in [
                            (Domain::Other, Measure::Fine),
                            (Domain::Food, Measure::Closure),
                            (Domain::Safety, Measure::Fine),
                        ] {
                            let mut p = penalty(severity, "2000-01-01");
                            (p.decided_on, p.domain, p.measure) = (day, domain, Some(measure));
                            p.repaired_on = repaired;
                            details.push(RecordDetail::Penalty(p.clone()));
                            p.disclosure_end = Some(later(90));
                            details.push(RecordDetail::Penalty(p));
                        }
                    }
                }
                let lists = [
                    ListKind::AbnormalOperation,
                    ListKind::SeriousViolation,
                    ListKind::DishonestDebtor,
                    ListKind::JudgmentDebtor,
                    ListKind::ConsumptionRestriction,
                ];
                for list in lists {
                    for removed in [None, Some(day), Some(later(5)), Some(later(400))] {
                        details.push(RecordDetail::Listing(Listing {
                            list,
                            listed_on: day,
                            removed_on: removed,
                            ground: None,
                            amount: None,
                        }));
                    }
                }
                details.push(RecordDetail::Arrears(Arrears {
                    arrears: crate::record::ArrearsKind::Tax,
                    amount: crate::num::Amount::ZERO,
                    since: day,
                    paid_on: Some(later(10)),
                }));
                for honour in [HonourKind::HighTech, HonourKind::ContractAbiding] {
                    for expires_on in [None, Some(later(30))] {
                        details.push(RecordDetail::Honour(Honour {
                            honour,
                            awarded_on: day,
                            expires_on,
                        }));
                    }
                }
                for status in CommitmentStatus::ALL.iter().copied() {
                    let resolved_on = (status != CommitmentStatus::Pending).then_some(day);
                    details.push(RecordDetail::Commitment(Commitment {
                        made_on: day,
                        status,
                        resolved_on,
                    }));
                }
                for detail in &details {
                    assert_eq!(
                        on.weight(&rules, detail),
                        Weight::of(rules.standing(detail, as_of)),
                        "{detail:?} on {as_of}"
                    );
                    compared += 1;
                }
                day = later(1);
            }
        }
        assert!(compared > 500_000, "{compared}");
    }

    /// A domain's own periods replace the general ones for the severities it names, and only
    /// for its penalties: a Shenzhen-style one-year minimum for safety and fire.
    #[test]
    fn a_domain_may_keep_its_penalties_disclosed_longer() {
        let mut rules = DecayRules::default();
        let year = DomainPeriods {
            ordinary: Some(Period { min_months: 12, max_months: 12 }),
            ..DomainPeriods::default()
        };
        rules.penalty.by_domain.insert(Domain::Safety, year);
        rules.penalty.by_domain.insert(Domain::Fire, year);
        let repaired = |domain: Domain, severity: Severity| {
            let mut p = penalty(severity, "2025-03-15");
            (p.domain, p.repaired_on) = (domain, Some(d("2025-07-15")));
            p
        };
        // Repaired after four months: the general rule ends it then; the local rule keeps it
        // for its year, to the last day.
        let general = repaired(Domain::Environment, Severity::Ordinary);
        assert!(!counts(&rules, &general, "2025-07-15"));
        for domain in [Domain::Safety, Domain::Fire] {
            let local = repaired(domain, Severity::Ordinary);
            assert!(counts(&rules, &local, "2026-03-14"), "{domain}");
            assert!(!counts(&rules, &local, "2026-03-15"), "{domain}");
            assert_eq!(rules.penalty_repair_from(&local), d("2026-03-15"));
        }
        // Severities the domain does not name keep the general periods.
        let minor = repaired(Domain::Safety, Severity::Minor);
        assert_eq!(rules.penalty.of_domain(Domain::Safety, Severity::Minor), rules.penalty.minor);
        assert!(!counts(&rules, &minor, "2025-06-15"));
        // The rules read and write as the model file states them, and validation checks each.
        let json = serde_json::to_value(&rules.penalty).unwrap();
        assert_eq!(
            json["by_domain"]["fire"],
            serde_json::json!({"ordinary": {"min_months": 12, "max_months": 12}})
        );
        let back: PenaltyPeriods = serde_json::from_value(json).unwrap();
        assert_eq!(back, rules.penalty);
        let general = serde_json::to_value(&DecayRules::default().penalty).unwrap();
        assert!(general.get("by_domain").is_none(), "left out when empty: {general}");
        let unknown = r#"{"minor": {"min_months": 0, "max_months": 3},
            "ordinary": {"min_months": 3, "max_months": 12},
            "serious": {"min_months": 12, "max_months": 36},
            "by_domain": {"fire": {"grave": {"min_months": 1, "max_months": 2}}}}"#;
        assert!(serde_json::from_str::<PenaltyPeriods>(unknown).is_err());
    }

    #[test]
    fn cut_offs_give_way_at_the_end_of_the_calendar() {
        assert!(DecayOn::new(&DecayRules::default(), Date::MAX).is_none());
        let on = DecayOn::new(&DecayRules::default(), d("2026-06-30")).unwrap();
        assert_eq!(on.as_of, d("2026-06-30"));
        assert_eq!(first_counting(d("2025-03-31"), 1), Some(d("2025-03-01")));
        assert_eq!(first_counting(d("2025-02-28"), 12), Some(d("2024-03-01")));
        assert_eq!(first_counting(d("2025-02-27"), 12), Some(d("2024-02-28")));
    }
}
