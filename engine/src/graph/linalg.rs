//! Dense inversion of the small matrices `I − W_SS` of ownership cycles.
//!
//! Floating point is used here on purpose: the inverse of a cycle matrix has no finite decimal
//! form in general (1 / 0.94), and Gaussian elimination with partial pivoting in `f64` is
//! accurate to about 1e-15 on the well-conditioned matrices that leaking cycles give. Results
//! are rounded to six decimals before they leave the engine.

/// Pivots smaller than this mean the matrix is singular for our purposes.
const PIVOT_EPSILON: f64 = 1e-12;

/// Inverts the `m × m` row-major matrix `a`; `None` if it is singular.
pub(crate) fn invert(mut a: Vec<f64>, m: usize) -> Option<Vec<f64>> {
    if a.len() != m * m {
        return None;
    }
    let mut inv = vec![0.0; m * m];
    for i in 0..m {
        inv[i * m + i] = 1.0;
    }
    for col in 0..m {
        let pivot_row =
            (col..m).max_by(|&r, &s| a[r * m + col].abs().total_cmp(&a[s * m + col].abs()))?;
        let pivot = a[pivot_row * m + col];
        if !pivot.is_finite() || pivot.abs() < PIVOT_EPSILON {
            return None;
        }
        if pivot_row != col {
            for k in 0..m {
                a.swap(pivot_row * m + k, col * m + k);
                inv.swap(pivot_row * m + k, col * m + k);
            }
        }
        for k in 0..m {
            a[col * m + k] /= pivot;
            inv[col * m + k] /= pivot;
        }
        for r in 0..m {
            let factor = a[r * m + col];
            if r == col || factor == 0.0 {
                continue;
            }
            for k in 0..m {
                a[r * m + k] -= factor * a[col * m + k];
                inv[r * m + k] -= factor * inv[col * m + k];
            }
        }
    }
    inv.iter().all(|v| v.is_finite()).then_some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverts_a_two_by_two_and_refuses_a_singular_one() {
        // I − W for A and B holding 30% and 20% of each other.
        let inv = invert(vec![1.0, -0.3, -0.2, 1.0], 2).unwrap();
        let expect = [1.0 / 0.94, 0.3 / 0.94, 0.2 / 0.94, 1.0 / 0.94];
        for (a, b) in inv.iter().zip(expect) {
            assert!((a - b).abs() < 1e-15);
        }
        assert!(invert(vec![1.0, -1.0, -1.0, 1.0], 2).is_none());
        // A zero on the diagonal needs a row swap.
        let inv = invert(vec![0.0, 1.0, 1.0, 0.0], 2).unwrap();
        assert_eq!(inv, vec![0.0, 1.0, 1.0, 0.0]);
    }
}
