// The validation-metric reference vectors of fixtures/metrics/ (computed by scikit-learn, SciPy
// and NumPy), with the tolerance of engine/tests/metrics.rs: |engine - reference| <=
// 1e-9 * |reference| + 5e-11. Thresholds, cut points, counts and readings must match exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as xy from 'xinyong';
import { fixtureJson, throwsKind } from './helpers.mjs';

function cases(file) {
  const doc = fixtureJson('metrics', file);
  assert.match(doc._recipe, /^scripts\/metrics_reference\.py/);
  assert.ok(doc.cases.length > 0, `${file}: no cases`);
  return doc.cases;
}

function close(actual, reference, what) {
  const allowed = 1e-9 * Math.abs(reference) + 5e-11;
  assert.ok(Math.abs(actual - reference) <= allowed, `${what}: engine ${actual}, reference ${reference}`);
}

function closeAll(actual, reference, what) {
  assert.equal(actual.length, reference.length, `${what}: length`);
  actual.forEach((a, i) => close(a, reference[i], `${what}[${i}]`));
}

test('discrimination matches SciPy and scikit-learn', () => {
  for (const c of cases('discrimination.json')) {
    const k = xy.ks(c.scores, c.bads);
    close(k.statistic, c.ks, `${c.name}: ks`);
    assert.equal(k.threshold, c.ks_threshold, `${c.name}: threshold`);
    close(k.bad_share, c.ks_bad_share, `${c.name}: bad share`);
    close(k.good_share, c.ks_good_share, `${c.name}: good share`);
    for (const direction of ['higher_is_bad', 'higher_is_good']) {
      close(xy.auc(c.scores, c.bads, direction), c[`auc_${direction}`], `${c.name}: auc`);
      close(xy.gini(c.scores, c.bads, direction), c[`gini_${direction}`], `${c.name}: gini`);
    }
  }
});

test('stability matches NumPy', () => {
  for (const c of cases('stability.json')) {
    let p;
    if (c.kind === 'bins') {
      p = xy.psi(c.expected, c.actual);
      closeAll(p.bins.map((b) => b.expected_share), c.expected_shares, `${c.name}: e shares`);
      closeAll(p.bins.map((b) => b.actual_share), c.actual_shares, `${c.name}: a shares`);
      if ([...c.expected, ...c.actual].every(Number.isInteger)) {
        assert.deepEqual(xy.csi(c.expected, c.actual), p, `${c.name}: csi`);
      }
    } else {
      assert.equal(c.kind, 'scores', `${c.name}: kind`);
      const s = xy.psi(c.expected_scores, c.actual_scores, c.bins);
      assert.deepEqual(s.cut_points, c.cut_points, `${c.name}: cut points`);
      assert.deepEqual(s.expected_counts, c.expected_counts, `${c.name}: expected counts`);
      assert.deepEqual(s.actual_counts, c.actual_counts, `${c.name}: actual counts`);
      p = s.psi;
    }
    close(p.value, c.psi, `${c.name}: psi`);
    closeAll(p.bins.map((b) => b.contribution), c.contributions, `${c.name}: contributions`);
  }
});

test('WOE and IV match NumPy in both conventions', () => {
  const scorecardpy = { convention: 'bad_over_good', zero_count: 0.9 };
  for (const c of cases('woe.json')) {
    for (const [label, options] of [['default', undefined], ['scorecardpy', scorecardpy]]) {
      const reference = c[label];
      const t = xy.woeIv(c.goods, c.bads, options);
      const what = `${c.name} (${label})`;
      close(t.iv, reference.iv, `${what}: iv`);
      closeAll(t.bins.map((b) => b.woe), reference.woe, `${what}: woe`);
      closeAll(t.bins.map((b) => b.iv), reference.bin_iv, `${what}: bin iv`);
      closeAll(t.bins.map((b) => b.good_share), reference.good_shares, `${what}: good shares`);
      closeAll(t.bins.map((b) => b.bad_share), reference.bad_shares, `${what}: bad shares`);
    }
  }
});

test('Brier and Hosmer-Lemeshow match scikit-learn and SciPy', () => {
  let tested = 0;
  for (const c of cases('calibration.json')) {
    close(xy.brier(c.probabilities, c.outcomes), c.brier, `${c.name}: brier`);
    const reference = c.hosmer_lemeshow;
    if (reference === null) continue;
    tested += 1;
    const hl = xy.hosmerLemeshow(c.probabilities, c.outcomes, reference.groups);
    close(hl.statistic, reference.statistic, `${c.name}: HL`);
    assert.equal(hl.degrees_of_freedom, reference.degrees_of_freedom);
    close(hl.p_value, reference.p_value, `${c.name}: HL p`);
    assert.equal(hl.groups.length, reference.table.length, `${c.name}: groups`);
    hl.groups.forEach((g, i) => {
      assert.equal(g.count, reference.table[i].count);
      assert.equal(g.observed, reference.table[i].observed);
      close(g.expected, reference.table[i].expected, `${c.name}: expected`);
    });
  }
  assert.ok(tested >= 3);
});

test('the binomial test matches SciPy', () => {
  for (const c of cases('binomial.json')) {
    const what = `binomial(${c.defaults}, ${c.n}, ${c.pd})`;
    const b = xy.binomialTest(c.defaults, c.n, c.pd);
    close(b.p_value, c.p_value, `${what}: binom.sf`);
    close(b.p_value, c.p_value_binomtest, `${what}: binomtest`);
    close(b.cumulative, c.cumulative, `${what}: cdf`);
    assert.equal(b.light, c.light, `${what}: light`);
  }
});

test('cut-offs match brute force', () => {
  for (const c of cases('cutoffs.json')) {
    assert.deepEqual(xy.calibrateCutoffs(c.scores, c.target_shares), c.cutoffs, c.name);
  }
});

test('migration counts moves between gradings', () => {
  const m = xy.migration(['A', 'B', 'B', 'C'], ['A', 'A', 'C', 'C'], ['A', 'B', 'C', 'D']);
  assert.deepEqual([m.upgrades, m.downgrades, m.stable], [1, 1, 2]);
  assert.deepEqual(m.counts[1], [1, 0, 1, 0]);
});

test('bad metric inputs name the offending element', () => {
  assert.equal(throwsKind(() => xy.ks([1, 2], [0, 2]), 'invalid_field').path, 'labels[1]');
  assert.equal(throwsKind(() => xy.auc([1, 2], [0, 1], 'up'), 'invalid_field').path, 'direction');
  assert.equal(throwsKind(() => xy.csi([1, 0.5], [1, 1]), 'invalid_field').path, 'expected_counts[1]');
  throwsKind(() => xy.psi([], []), 'invalid_field');
  // Counts are checked before they reach the engine: -1 must not wrap to 2^32 - 1.
  assert.equal(throwsKind(() => xy.psi([1, 2, 3], [1, 2, 3], -1), 'invalid_field').path, 'bins');
  assert.equal(throwsKind(() => xy.hosmerLemeshow([0.1, 0.2, 0.3], [0, 1, 0], 2.5), 'invalid_field').path, 'groups');
});
