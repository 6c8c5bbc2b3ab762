//! Grade migration: how enterprises moved between grades from one evaluation to the next.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{require_non_empty, require_same_len, round_metric};
use crate::error::{Error, Result};

/// A grade migration matrix with its summary shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MigrationMatrix {
    /// The grades, best first; rows and columns follow this order.
    pub grades: Vec<String>,
    /// `counts[i][j]`: enterprises that were in grade `i` and are now in grade `j`.
    pub counts: Vec<Vec<u64>>,
    /// `counts[i][j]` divided by the row total; a row with no enterprises is all zero.
    pub row_shares: Vec<Vec<f64>>,
    /// Enterprises counted.
    pub total: u64,
    /// Enterprises now in a better grade than before.
    pub upgrades: u64,
    /// Enterprises now in a worse grade than before.
    pub downgrades: u64,
    /// Enterprises in the same grade.
    pub stable: u64,
    /// `upgrades / total`.
    pub upgrade_share: f64,
    /// `downgrades / total`.
    pub downgrade_share: f64,
    /// `stable / total`: the sum of the diagonal.
    pub stable_share: f64,
}

/// Counts the moves of each enterprise from `from_grades[i]` to `to_grades[i]`.
///
/// `grades` lists every grade, best first (e.g. `["A", "B", "C", "D"]`): a move to an earlier
/// grade is an upgrade, to a later one a downgrade.
///
/// Errors: empty or mismatched input, an empty or repeated name in `grades`, a grade not in
/// `grades`.
///
/// ```
/// use xinyong::metrics::migration;
/// let m = migration(&["A", "B", "B", "C"], &["A", "A", "C", "C"], &["A", "B", "C", "D"])?;
/// assert_eq!((m.upgrades, m.downgrades, m.stable), (1, 1, 2));
/// assert_eq!(m.counts[1], vec![1, 0, 1, 0]);
/// assert_eq!(m.row_shares[1], vec![0.5, 0.0, 0.5, 0.0]);
/// # Ok::<(), xinyong::Error>(())
/// ```
pub fn migration(
    from_grades: &[&str],
    to_grades: &[&str],
    grades: &[&str],
) -> Result<MigrationMatrix> {
    require_non_empty("grades", grades)?;
    require_non_empty("from_grades", from_grades)?;
    require_same_len("from_grades", from_grades, "to_grades", to_grades)?;
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, grade) in grades.iter().enumerate() {
        if grade.is_empty() {
            return Err(Error::field(format!("grades[{i}]"), "must not be empty"));
        }
        if index.insert(grade, i).is_some() {
            return Err(Error::field(format!("grades[{i}]"), format!("`{grade}` is repeated")));
        }
    }
    let position = |name: &str, i: usize, grade: &str| {
        index.get(grade).copied().ok_or_else(|| {
            Error::field(format!("{name}[{i}]"), format!("`{grade}` is not one of the grades"))
        })
    };
    let k = grades.len();
    let mut counts = vec![vec![0u64; k]; k];
    let (mut upgrades, mut downgrades, mut stable) = (0u64, 0u64, 0u64);
    for (i, (from, to)) in from_grades.iter().zip(to_grades).enumerate() {
        let f = position("from_grades", i, from)?;
        let t = position("to_grades", i, to)?;
        if let Some(cell) = counts.get_mut(f).and_then(|row| row.get_mut(t)) {
            *cell += 1;
        }
        match t.cmp(&f) {
            std::cmp::Ordering::Less => upgrades += 1,
            std::cmp::Ordering::Greater => downgrades += 1,
            std::cmp::Ordering::Equal => stable += 1,
        }
    }
    let total = from_grades.len() as u64;
    let share = |part: u64, whole: u64| {
        if whole == 0 { 0.0 } else { round_metric(part as f64 / whole as f64) }
    };
    let row_shares = counts
        .iter()
        .map(|row| {
            let row_total: u64 = row.iter().sum();
            row.iter().map(|c| share(*c, row_total)).collect()
        })
        .collect();
    Ok(MigrationMatrix {
        grades: grades.iter().map(|g| (*g).to_owned()).collect(),
        counts,
        row_shares,
        total,
        upgrades,
        downgrades,
        stable,
        upgrade_share: share(upgrades, total),
        downgrade_share: share(downgrades, total),
        stable_share: share(stable, total),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GRADES: [&str; 4] = ["A", "B", "C", "D"];

    #[test]
    fn counts_and_shares() {
        let from = ["A", "A", "A", "B", "B", "C", "D", "D"];
        let to = ["A", "A", "B", "A", "B", "D", "D", "C"];
        let m = migration(&from, &to, &GRADES).unwrap();
        assert_eq!(
            m.counts,
            vec![vec![2, 1, 0, 0], vec![1, 1, 0, 0], vec![0, 0, 0, 1], vec![0, 0, 1, 1]]
        );
        assert_eq!(
            m.row_shares[0],
            vec![round_metric(2.0 / 3.0), round_metric(1.0 / 3.0), 0.0, 0.0]
        );
        assert_eq!((m.total, m.upgrades, m.downgrades, m.stable), (8, 2, 2, 4));
        assert_eq!((m.upgrade_share, m.downgrade_share, m.stable_share), (0.25, 0.25, 0.5));
    }

    #[test]
    fn empty_rows_have_zero_shares() {
        let m = migration(&["A"], &["D"], &GRADES).unwrap();
        assert_eq!(m.row_shares[1], vec![0.0; 4]);
        assert_eq!(m.row_shares[0], vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(m.downgrade_share, 1.0);
    }

    #[test]
    fn bad_input_names_the_offending_entry() {
        let path = |r: Result<MigrationMatrix>| r.unwrap_err().path().map(str::to_owned);
        assert_eq!(
            path(migration(&["A", "X"], &["A", "B"], &GRADES)),
            Some("from_grades[1]".into())
        );
        assert_eq!(path(migration(&["A"], &["E"], &GRADES)), Some("to_grades[0]".into()));
        assert_eq!(path(migration(&["A"], &["A"], &["A", "B", "A"])), Some("grades[2]".into()));
        assert_eq!(path(migration(&["A"], &["A"], &["A", ""])), Some("grades[1]".into()));
        assert_eq!(path(migration(&["A"], &[], &GRADES)), Some("to_grades".into()));
        assert_eq!(path(migration(&[], &[], &GRADES)), Some("from_grades".into()));
        assert_eq!(path(migration(&["A"], &["A"], &[])), Some("grades".into()));
    }
}
