//! Properties of evaluation over synthetic enterprises with arbitrary extra records: scores stay
//! in bounds and add up, negative records never help, record order and repetition change
//! nothing, everything round-trips through JSON, single-character USCC typos are always caught,
//! improvement plans never lose points, and a batch yields one item per non-blank line.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;
use xinyong::batch::LineLimits;
use xinyong::date::Date;
use xinyong::record::{
    Arrears, ArrearsKind, Commitment, CommitmentStatus, Domain, Honour, HonourKind, ListKind,
    Listing, Measure, Penalty, Severity,
};
use xinyong::synth::{SynthConfig, enterprise};
use xinyong::uscc::ALPHABET;
use xinyong::{
    Amount, Decimal, Enterprise, Evaluation, Evaluator, Model, Record, RecordDetail, Uscc,
};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, ..ProptestConfig::default() }
}

fn evaluator() -> &'static Evaluator {
    static EVALUATOR: std::sync::OnceLock<Evaluator> = std::sync::OnceLock::new();
    EVALUATOR.get_or_init(Evaluator::default_model)
}

/// Position of a grade in the model's list: 0 is the best.
fn rank(grade: &str) -> usize {
    let grades = &evaluator().model().grades;
    grades.iter().position(|g| g.grade == grade).unwrap_or_else(|| panic!("unknown grade {grade}"))
}

fn before(date: Date, days: u64) -> Date {
    date.checked_sub_days(Days::new(days)).unwrap()
}

fn after(date: Date, days: u64) -> Date {
    date.checked_add_days(Days::new(days)).unwrap()
}

/// Evaluation dates from 2018 to 2031.
fn as_of() -> impl Strategy<Value = Date> {
    (0u64..5000).prop_map(|d| after(NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(), d))
}

fn amount() -> impl Strategy<Value = Amount> {
    (0i64..10_000_000_000, 0u32..4)
        .prop_map(|(n, scale)| Amount::new(Decimal::new(n, scale)).unwrap())
}

fn id() -> impl Strategy<Value = Option<String>> {
    proptest::option::of("[A-Z]-[0-9]{1,4}")
}

/// A record of any kind whose dates are consistent and not after `as_of` (disclosure ends and
/// expiry, which look forward, may be).
fn record(as_of: Date) -> BoxedStrategy<Record> {
    let penalty = (
        (
            0u64..2000,
            select(Severity::ALL),
            select(Domain::ALL),
            proptest::option::of(select(Measure::ALL)),
        ),
        (proptest::option::of(amount()), proptest::option::of("\\PC{0,6}")),
        (proptest::option::of(0u64..1500), proptest::option::of(any::<u64>())),
    )
        .prop_map(
            move |((age, severity, domain, measure), (amount, authority), (end, repair))| {
                let decided_on = before(as_of, age);
                RecordDetail::Penalty(Penalty {
                    decided_on,
                    severity,
                    domain,
                    measure,
                    amount,
                    authority,
                    disclosure_end: end.map(|d| after(decided_on, d)),
                    repaired_on: repair.map(|r| after(decided_on, r % (age + 1))),
                })
            },
        );
    let listing = (0u64..2000, select(ListKind::ALL), proptest::option::of(any::<u64>()))
        .prop_flat_map(move |(age, list, removal)| {
            let listed_on = before(as_of, age);
            let removed_on = removal.map(|r| after(listed_on, r % (age + 1)));
            (proptest::option::of("[a-z_]{1,12}"), proptest::option::of(amount())).prop_map(
                move |(ground, amount)| {
                    RecordDetail::Listing(Listing { list, listed_on, removed_on, ground, amount })
                },
            )
        });
    let arrears =
        (0u64..2000, select(ArrearsKind::ALL), amount(), proptest::option::of(any::<u64>()))
            .prop_map(move |(age, kind, amount, paid)| {
                let since = before(as_of, age);
                let paid_on = paid.map(|p| after(since, p % (age + 1)));
                RecordDetail::Arrears(Arrears { arrears: kind, amount, since, paid_on })
            });
    let honour = (0u64..3000, select(HonourKind::ALL), proptest::option::of(0u64..2000)).prop_map(
        move |(age, honour, valid)| {
            let awarded_on = before(as_of, age);
            let expires_on = valid.map(|v| after(awarded_on, v));
            RecordDetail::Honour(Honour { honour, awarded_on, expires_on })
        },
    );
    let commitment = (0u64..2000, select(CommitmentStatus::ALL), any::<u64>()).prop_map(
        move |(age, status, resolve)| {
            let made_on = before(as_of, age);
            let resolved_on =
                (status != CommitmentStatus::Pending).then(|| after(made_on, resolve % (age + 1)));
            RecordDetail::Commitment(Commitment { made_on, status, resolved_on })
        },
    );
    (id(), prop_oneof![penalty, listing, arrears, honour, commitment])
        .prop_map(|(id, detail)| Record { id, detail })
        .boxed()
}

/// A record that is in force on `as_of` and can only cost points: a recent penalty, a listing
/// not removed nor past its list's term, arrears not paid.
fn negative(as_of: Date) -> BoxedStrategy<Record> {
    let penalty = (
        (
            0u64..=30,
            select(Severity::ALL),
            select(Domain::ALL),
            proptest::option::of(select(Measure::ALL)),
        ),
        (proptest::option::of(amount()), proptest::option::of(0u64..400)),
    )
        .prop_map(move |((age, severity, domain, measure), (amount, end))| {
            RecordDetail::Penalty(Penalty {
                decided_on: before(as_of, age),
                severity,
                domain,
                measure,
                amount,
                authority: None,
                disclosure_end: end.map(|d| after(as_of, d)),
                repaired_on: None,
            })
        });
    let listing = (0u64..3000, select(ListKind::ALL), proptest::option::of(amount())).prop_map(
        move |(age, list, amount)| {
            // Within its list's term, if the list has one (three years, over 1,000 days).
            let term = xinyong::decay::DecayRules::default().listing_max_months.contains_key(&list);
            let listed_on = before(as_of, if term { age % 1000 } else { age });
            RecordDetail::Listing(Listing {
                list,
                listed_on,
                removed_on: None,
                ground: None,
                amount,
            })
        },
    );
    let arrears =
        (0u64..3000, select(ArrearsKind::ALL), amount()).prop_map(move |(age, kind, amount)| {
            RecordDetail::Arrears(Arrears {
                arrears: kind,
                amount,
                since: before(as_of, age),
                paid_on: None,
            })
        });
    (id(), prop_oneof![penalty, listing, arrears])
        .prop_map(|(id, detail)| Record { id, detail })
        .boxed()
}

/// A synthetic enterprise (any seed, index and record density) plus extra generated records,
/// and the date to evaluate it on.
fn firm() -> impl Strategy<Value = (Enterprise, Date)> {
    (any::<u64>(), 0usize..100_000, 0u32..=12, as_of()).prop_flat_map(
        |(seed, index, mean_records, as_of)| {
            let cfg = SynthConfig { mean_records, ..SynthConfig::new(1, seed, as_of) };
            let base = enterprise(&cfg, index);
            proptest::collection::vec(record(as_of), 0..8).prop_map(move |extra| {
                let mut e = base.clone();
                e.records.extend(extra);
                (e, as_of)
            })
        },
    )
}

fn evaluate(e: &Enterprise, as_of: Date) -> Evaluation {
    evaluator().evaluate(e, as_of).unwrap_or_else(|err| panic!("{err}: {}", e.to_json()))
}

/// Deterministic Fisher-Yates shuffle driven by a proptest-chosen seed.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = ((seed >> 33) % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// The parts of an evaluation that must not depend on record order.
type OrderFree = (
    Decimal,
    String,
    String,
    Vec<(String, Decimal)>,
    Vec<String>,
    Vec<(String, Option<Decimal>)>,
    Decimal,
);

fn order_free(ev: &Evaluation) -> OrderFree {
    (
        ev.score,
        ev.grade.to_string(),
        ev.grade_by_score.to_string(),
        ev.dimensions.iter().map(|d| (d.id.to_string(), d.points)).collect(),
        ev.vetoes.iter().map(|v| v.id.to_string()).collect(),
        ev.reasons.iter().map(|r| (r.code.to_string(), r.points_lost)).collect(),
        ev.plan.score_after,
    )
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn score_is_bounded_and_is_the_sum_of_dimensions((e, as_of) in firm()) {
        let ev = evaluate(&e, as_of);
        let model = evaluator().model();
        prop_assert_eq!(ev.max_score, model.max_points());
        prop_assert!(ev.score >= Decimal::ZERO && ev.score <= ev.max_score, "score {}", ev.score);
        let sum: Decimal = ev.dimensions.iter().map(|d| d.points).sum();
        prop_assert_eq!(ev.score, sum);
        prop_assert_eq!(ev.dimensions.len(), model.dimensions.len());
        for (d, m) in ev.dimensions.iter().zip(&model.dimensions) {
            prop_assert_eq!(d.id.as_ref(), m.id.as_str());
            prop_assert_eq!(d.max_points, m.max_points);
            prop_assert!(d.points >= Decimal::ZERO && d.points <= d.max_points, "{:?}", d);
        }
        prop_assert!(rank(&ev.grade) >= rank(&ev.grade_by_score), "vetoes only lower the grade");
    }

    #[test]
    fn a_negative_record_never_helps(
        (e, as_of, bad, at) in firm().prop_flat_map(|(e, as_of)| (Just(e), Just(as_of), negative(as_of), any::<usize>()))
    ) {
        let before = evaluate(&e, as_of);
        let mut worse = e.clone();
        let at = at % (worse.records.len() + 1);
        worse.records.insert(at, bad.clone());
        let after = evaluate(&worse, as_of);
        let added = serde_json::to_string(&bad).unwrap();
        let counted = after.contributions.iter().any(|c| c.records.contains(&(at as u32)));
        prop_assert!(counted, "{} is in force but not counted", added);
        prop_assert!(after.score <= before.score, "{} -> {} adding {}", before.score, after.score, added);
        prop_assert!(rank(&after.grade) >= rank(&before.grade), "{} -> {} adding {}", before.grade, after.grade, added);
        prop_assert!(rank(&after.grade_by_score) >= rank(&before.grade_by_score));
        for (a, b) in after.dimensions.iter().zip(&before.dimensions) {
            prop_assert!(a.points <= b.points, "{} {} -> {}", a.id, b.points, a.points);
        }
    }

    #[test]
    fn record_order_does_not_matter(((e, as_of), seed) in (firm(), any::<u64>())) {
        let mut shuffled = e.clone();
        shuffle(&mut shuffled.records, seed);
        prop_assert_eq!(order_free(&evaluate(&e, as_of)), order_free(&evaluate(&shuffled, as_of)));
    }

    #[test]
    fn evaluation_is_deterministic((e, as_of) in firm()) {
        let first = evaluate(&e, as_of).to_json();
        prop_assert_eq!(&first, &evaluate(&e, as_of).to_json());
        prop_assert_eq!(&first, &evaluator().clone().evaluate(&e.clone(), as_of).unwrap().to_json());
    }

    #[test]
    fn everything_round_trips_through_json((e, as_of) in firm()) {
        let text = e.to_json();
        prop_assert_eq!(&Enterprise::from_json(&text).unwrap(), &e);
        prop_assert_eq!(&serde_json::from_str::<Enterprise>(&text).unwrap(), &e);
        for r in &e.records {
            let text = serde_json::to_string(r).unwrap();
            prop_assert_eq!(&serde_json::from_str::<Record>(&text).unwrap(), r);
        }
        let ev = evaluate(&e, as_of);
        let text = serde_json::to_string(&ev).unwrap();
        let back: Evaluation = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back, &ev);
        prop_assert_eq!(back.to_json(), text);
        let code = serde_json::to_string(&e.uscc).unwrap();
        prop_assert_eq!(serde_json::from_str::<Uscc>(&code).unwrap(), e.uscc);
        prop_assert_eq!(Uscc::parse(e.uscc.as_str()), Ok(e.uscc));
        prop_assert_eq!(Uscc::parse(&e.uscc.as_str().to_lowercase()), Ok(e.uscc));
    }

    #[test]
    fn plan_steps_never_lose_points((e, as_of) in firm()) {
        let ev = evaluate(&e, as_of);
        for step in &ev.plan.steps {
            prop_assert!(step.gain >= Decimal::ZERO, "{:?}", step);
            prop_assert_eq!(step.score_after, ev.score + step.gain);
            prop_assert!((step.record as usize) < e.records.len());
        }
        prop_assert!(ev.plan.steps.windows(2).all(|w| w[0].gain >= w[1].gain), "most valuable first");
        prop_assert!(ev.plan.score_after >= ev.score);
        // Oracle: a step's outcome is the evaluation without its record, and the plan's is the
        // evaluation without every step's record.
        let without = |dropped: &[u32]| {
            let mut rest = e.clone();
            rest.records = (0..e.records.len() as u32)
                .filter(|i| !dropped.contains(i))
                .map(|i| e.records[i as usize].clone())
                .collect();
            evaluate(&rest, as_of)
        };
        for step in &ev.plan.steps {
            let alone = without(&[step.record]);
            prop_assert_eq!((step.score_after, &step.grade_after), (alone.score, &alone.grade), "{:?}", step);
        }
        let all: Vec<u32> = ev.plan.steps.iter().map(|s| s.record).collect();
        let rest = without(&all);
        prop_assert_eq!((ev.plan.score_after, &ev.plan.grade_after), (rest.score, &rest.grade));
        prop_assert!(rank(&ev.plan.grade_after) <= rank(&ev.grade));
    }
}

/// A valid code built from a random prefix of the right shape.
fn uscc() -> impl Strategy<Value = Uscc> {
    let any_char = select(ALPHABET.to_vec());
    (
        select(b"123456789AGJNQY".to_vec()),
        any_char.clone(),
        proptest::collection::vec(select(b"0123456789".to_vec()), 6),
        proptest::collection::vec(any_char, 8),
    )
        .prop_map(|(authority, category, region, organisation)| {
            let mut prefix = vec![authority, category];
            prefix.extend(region);
            prefix.extend(organisation);
            Uscc::complete(std::str::from_utf8(&prefix).unwrap()).unwrap()
        })
}

proptest! {
    #![proptest_config(config(256))]

    /// The mod-31 check detects every single substitution: position i contributes
    /// `value * 3^(i-1) mod 31`, every weight is invertible mod 31 and two different symbols
    /// differ by less than 31, so the weighted sum always changes.
    #[test]
    fn every_single_character_substitution_is_rejected(code in uscc()) {
        prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code));
        for position in 0..18 {
            for &c in ALPHABET.iter().filter(|&&c| c != code.as_str().as_bytes()[position]) {
                let mut typo = code.as_str().as_bytes().to_vec();
                typo[position] = c;
                let typo = String::from_utf8(typo).unwrap();
                prop_assert!(Uscc::parse(&typo).is_err(), "{} accepted (from {})", typo, code);
            }
        }
    }
}

/// One line of a batch input.
#[derive(Debug, Clone)]
enum Line {
    Valid(u64, usize),
    BadUscc(u64, usize),
    Garbage(String),
    Blank(String),
}

fn line() -> impl Strategy<Value = Line> {
    prop_oneof![
        3 => (any::<u64>(), 0usize..10_000).prop_map(|(s, i)| Line::Valid(s, i)),
        1 => (any::<u64>(), 0usize..10_000).prop_map(|(s, i)| Line::BadUscc(s, i)),
        2 => "[!-~][^\n\r]{0,40}".prop_map(Line::Garbage),
        2 => "[ \t]{0,3}\r?".prop_map(Line::Blank),
    ]
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn a_batch_gives_one_item_per_non_blank_line(lines in proptest::collection::vec(line(), 0..24), end_newline: bool) {
        let as_of = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        let cfg = SynthConfig::new(1, 0, as_of);
        let texts: Vec<String> = lines
            .iter()
            .map(|l| match l {
                Line::Valid(seed, i) => enterprise(&SynthConfig { seed: *seed, ..cfg }, *i).to_json(),
                Line::BadUscc(seed, i) => {
                    let e = enterprise(&SynthConfig { seed: *seed, ..cfg }, *i);
                    let code = e.uscc.as_str();
                    let wrong = if code.ends_with('0') { "1" } else { "0" };
                    e.to_json().replace(code, &format!("{}{wrong}", &code[..17]))
                }
                Line::Garbage(s) | Line::Blank(s) => s.clone(),
            })
            .collect();
        let mut input = texts.join("\n");
        if end_newline {
            input.push('\n');
        }
        let mut items = Vec::new();
        let summary = evaluator()
            .evaluate_jsonl(input.as_bytes(), as_of, LineLimits::default(), |item| {
                items.push(item);
                Ok(())
            })
            .unwrap();
        let expected: Vec<(usize, &Line)> =
            lines.iter().enumerate().filter(|(_, l)| !matches!(l, Line::Blank(_))).map(|(i, l)| (i + 1, l)).collect();
        prop_assert_eq!(items.len(), expected.len());
        prop_assert_eq!(summary.records, expected.len());
        prop_assert_eq!(summary.evaluated + summary.failed, expected.len());
        for (index, (item, (line, kind))) in items.iter().zip(&expected).enumerate() {
            prop_assert_eq!((item.index, item.line), (index, *line));
            match kind {
                Line::Valid(..) => prop_assert!(item.result.is_ok(), "line {}: {:?}", line, item.result),
                Line::BadUscc(..) => prop_assert_eq!(item.result.as_ref().map_err(|e| e.kind()).err(), Some("invalid_uscc")),
                _ => prop_assert!(item.result.is_err(), "line {} evaluated", line),
            }
        }
        let ok = items.iter().filter(|i| i.result.is_ok()).count();
        prop_assert_eq!(summary.evaluated, ok);
    }
}

#[test]
fn the_default_model_round_trips() {
    let model = Model::default_model();
    let back = Model::from_json(&model.to_json_pretty()).unwrap();
    assert_eq!(back, model);
    assert_eq!(back.content_hash(), model.content_hash());
    assert_eq!(Model::from_json(xinyong::model::DEFAULT_MODEL_JSON).unwrap(), model);
    assert!(model.problems().is_empty());
    assert_eq!(evaluator().stamp().hash.as_ref(), model.content_hash());
}
