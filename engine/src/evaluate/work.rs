//! Counting the evaluation's steps, for tests only.
//!
//! A firm may carry up to `EvaluationLimits::max_records` records, so every loop over its
//! records must stay linear (sorting, `n log n`). A wall-clock test cannot prove that on a
//! shared machine, and a quadratic loop still finishes quickly at test sizes; so each loop whose
//! length depends on the records reports its iterations here, and the tests assert how the count
//! grows with the number of records. Outside `cfg(test)` [`step`] compiles to nothing.

#[cfg(test)]
thread_local! {
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Record `n` iterations of a loop over records, hits, plan steps or their comparisons.
#[inline(always)]
pub(crate) fn step(n: usize) {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + n as u64));
    #[cfg(not(test))]
    let _ = n;
}

/// The steps counted on this thread since the last call.
#[cfg(test)]
pub(crate) fn take() -> u64 {
    STEPS.with(|s| s.replace(0))
}

#[cfg(test)]
mod tests {
    use super::take;
    use crate::date::{Date, parse_date};
    use crate::evaluate::Evaluator;
    use crate::record::Enterprise;

    fn as_of() -> Date {
        parse_date("2026-06-30").unwrap_or_default()
    }

    /// Makes the JSON of record `i` of a firm, given a recent date.
    type MakeRecord = fn(usize, Date) -> String;

    /// A firm whose `n` records are made by `record(i, day)`, `day` a recent date.
    fn firm(n: usize, record: MakeRecord) -> Enterprise {
        let records: Vec<String> =
            (0..n).map(|i| record(i, as_of() - chrono::Days::new(1 + (i % 300) as u64))).collect();
        let json = format!(
            r#"{{"uscc": "91350100M000100Y43", "name": "t", "established_on": "2001-01-01",
                "registered_capital": "1000000", "records": [{}]}}"#,
            records.join(",")
        );
        Enterprise::from_json(&json).unwrap()
    }

    fn penalty(i: usize, day: Date) -> String {
        let severity = ["minor", "ordinary", "serious"][i % 3];
        format!(r#"{{"kind": "penalty", "severity": "{severity}", "decided_on": "{day}"}}"#)
    }

    fn dishonest(_: usize, day: Date) -> String {
        format!(r#"{{"kind": "listing", "list": "dishonest_debtor", "listed_on": "{day}"}}"#)
    }

    fn every_kind(i: usize, day: Date) -> String {
        match i % 5 {
            0 => penalty(i, day),
            1 => format!(
                r#"{{"kind": "listing", "list": "abnormal_operation", "listed_on": "{day}"}}"#
            ),
            2 => format!(
                r#"{{"kind": "arrears", "arrears": "tax", "amount": "1000", "since": "{day}"}}"#
            ),
            3 => format!(
                r#"{{"kind": "commitment", "made_on": "2020-01-01", "status": "breached", "resolved_on": "{day}"}}"#
            ),
            _ => format!(r#"{{"kind": "honour", "honour": "high_tech", "awarded_on": "{day}"}}"#),
        }
    }

    fn long_past(_: usize, day: Date) -> String {
        let day = day - chrono::Days::new(6000);
        format!(r#"{{"kind": "penalty", "severity": "ordinary", "decided_on": "{day}"}}"#)
    }

    /// Steps one evaluation of `firm` takes.
    fn steps(evaluator: &Evaluator, firm: &Enterprise) -> u64 {
        take();
        let evaluation = evaluator.evaluate(firm, as_of());
        assert!(evaluation.is_ok(), "{:?}", evaluation.err());
        take()
    }

    /// Doubling the records at most doubles the work, give or take the `log n` of sorting and
    /// searching (a quadratic loop would quadruple it); checked on every adversarial shape from
    /// 1,000 to 64,000 records, where the limit is 100,000.
    #[test]
    fn evaluation_work_grows_linearly_with_the_records() {
        let evaluator = Evaluator::default_model();
        let shapes: [(&str, MakeRecord); 4] = [
            ("penalties in force, each a plan step", penalty),
            ("dishonesty listings, each holding the veto", dishonest),
            ("a record of every kind in turn", every_kind),
            ("penalties long past their disclosure", long_past),
        ];
        for (shape, record) in shapes {
            let mut n = 1_000;
            let mut before = steps(&evaluator, &firm(n, record));
            assert!(
                before >= n as u64,
                "{shape}: {before} steps for {n} records counts too little"
            );
            while n < 64_000 {
                n *= 2;
                let after = steps(&evaluator, &firm(n, record));
                let growth = after as f64 / before as f64;
                assert!(
                    growth <= 2.5,
                    "{shape}: {before} steps at {} records, {after} at {n}: grew {growth:.2}x",
                    n / 2
                );
                before = after;
            }
        }
    }

    /// The check above fails on quadratic work: the same doubling applied to a loop that visits
    /// every pair of records grows four-fold.
    #[test]
    fn a_quadratic_loop_would_fail_the_growth_check() {
        let pairs = |n: usize| {
            take();
            (0..n).for_each(|_| super::step(n));
            take()
        };
        assert!(pairs(2_000) as f64 / pairs(1_000) as f64 > 2.5);
    }
}
