// The score-only path through the Node build: `grade` and `gradeMany` give the score, grades and
// veto ids of the golden evaluations, contexts included, with the batch rules of `evaluateMany`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator } from 'xinyong';
import { fixture, fixtureJson, throwsKind } from './helpers.mjs';

const { cases } = fixtureJson('cases.json');
const related = fixtureJson('related_party', 'cases.json').cases;
const evaluator = new Evaluator();

/** The grading a full evaluation (or golden document) implies. */
function gradingOf(evaluation) {
  return {
    uscc: evaluation.uscc,
    score: evaluation.score,
    grade: evaluation.grade,
    grade_by_score: evaluation.grade_by_score,
    vetoes: evaluation.vetoes.map((v) => v.id),
  };
}

test('the golden cases include vetoes', () => {
  assert.ok(cases.some((c) => JSON.parse(fixture(c.expected)).vetoes.length > 0));
});

for (const c of cases) {
  test(`golden ${c.name}: grade equals the golden's score, grades and vetoes`, () => {
    const golden = JSON.parse(fixture(c.expected));
    assert.deepEqual(evaluator.grade(JSON.parse(fixture(c.enterprise)), c.as_of), gradingOf(golden));
    assert.deepEqual(evaluator.grade(fixture(c.enterprise), c.as_of), gradingOf(golden));
  });
}

for (const c of related) {
  test(`related-party golden ${c.name}: grade reads the context`, () => {
    const golden = JSON.parse(fixture(c.expected));
    const context = JSON.parse(fixture(c.related_party));
    const firm = JSON.parse(fixture(c.enterprise));
    assert.deepEqual(evaluator.grade(firm, c.as_of, context), gradingOf(golden));
    const [entry] = evaluator.gradeMany([firm], c.as_of, { [firm.uscc]: context });
    assert.deepEqual(entry, { index: 0, grading: gradingOf(golden) });
  });
}

test('gradeMany returns one entry per item, in order, errors in place', () => {
  const items = cases.map((c) => fixture(c.enterprise));
  const badCode = { ...JSON.parse(items[0]), uscc: '91350200155000013A' };
  items.splice(3, 0, badCode, '{not json');
  const asOf = '2026-06-30';
  const graded = evaluator.gradeMany(items, asOf);
  const full = evaluator.evaluateMany(items, asOf);
  assert.equal(graded.length, items.length);
  graded.forEach((entry, i) => {
    assert.equal(entry.index, i);
    if (full[i].error) {
      assert.deepEqual(entry.error, full[i].error);
      assert.equal(entry.grading, undefined);
    } else {
      assert.deepEqual(entry.grading, gradingOf(full[i].evaluation));
    }
  });
  assert.equal(graded[3].error.kind, 'invalid_uscc');
  assert.equal(graded[4].error.kind, 'malformed_json');
});

test('grade throws the engine error of a bad record or date', () => {
  const badCode = { ...JSON.parse(fixture(cases[0].enterprise)), uscc: '91350200155000013A' };
  throwsKind(() => evaluator.grade(badCode, '2026-06-30'), 'invalid_uscc');
  assert.equal(throwsKind(() => evaluator.grade(fixture(cases[0].enterprise), '2026-02-30'), 'invalid_field').path, 'as_of');
});
