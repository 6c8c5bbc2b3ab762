// Every golden evaluation of fixtures/cases.json through the Node build, byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator } from 'xinyong';
import { fixture, fixtureJson } from './helpers.mjs';

const { cases } = fixtureJson('cases.json');
const evaluator = new Evaluator();

test('the golden case list is not empty', () => {
  assert.ok(cases.length >= 20, `only ${cases.length} cases`);
});

for (const c of cases) {
  test(`golden ${c.name}: evaluateJson equals ${c.expected} byte for byte`, () => {
    const golden = fixture(c.expected);
    assert.equal(evaluator.evaluateJson(fixture(c.enterprise), c.as_of), golden);
  });

  test(`golden ${c.name}: evaluate of the object equals the parsed golden`, () => {
    const golden = JSON.parse(fixture(c.expected));
    const evaluation = evaluator.evaluate(JSON.parse(fixture(c.enterprise)), c.as_of);
    assert.deepEqual(evaluation, golden);
    // The hand-computed pins, read as engine/tests/golden.rs reads them.
    const pinned = {
      score: evaluation.score,
      grade: evaluation.grade,
      grade_by_score: evaluation.grade_by_score,
      plan_score_after: evaluation.plan.score_after,
      plan_steps: evaluation.plan.steps.length,
    };
    const expect = c.expect ?? {};
    for (const field of Object.keys(expect)) {
      assert.ok(field in pinned, `unknown pin ${field}`);
      assert.equal(pinned[field], expect[field], `pinned ${field}`);
    }
  });
}

test('evaluateMany returns one entry per item, in order, errors included', () => {
  const items = cases.map((c) => fixture(c.enterprise));
  // A check character off by one is an invalid code; a number is not an enterprise.
  const badCode = { ...JSON.parse(items[0]), uscc: '91350200155000013A' };
  items.splice(3, 0, badCode, 42);
  const asOf = '2026-06-30';
  const entries = evaluator.evaluateMany(items, asOf);
  assert.equal(entries.length, items.length);
  entries.forEach((entry, i) => assert.equal(entry.index, i));
  assert.equal(entries.filter((e) => 'error' in e).length, 2);
  assert.equal(entries[3].error.kind, 'invalid_uscc');
  assert.equal(entries[4].error.kind, 'invalid_field');
  const first = entries[0].evaluation;
  assert.deepEqual(first, evaluator.evaluate(items[0], asOf));
});

test('evaluateJsonl accepts text and bytes and keeps line numbers', () => {
  const lines = cases.slice(0, 3).map((c) => JSON.stringify(JSON.parse(fixture(c.enterprise))));
  const text = `${lines[0]}\n\n${lines[1]}\n{"uscc": 1}\n${lines[2]}\n`;
  for (const input of [text, new TextEncoder().encode(text)]) {
    const entries = evaluator.evaluateJsonl(input, '2026-06-30');
    assert.deepEqual(entries.map((e) => [e.index, e.line]), [[0, 1], [1, 3], [2, 4], [3, 5]]);
    assert.equal(entries[2].error.kind, 'invalid_field');
    assert.equal(entries[3].evaluation.uscc, JSON.parse(lines[2]).uscc);
  }
});

test('explain writes the report in both languages', () => {
  const c = cases.find((x) => x.name === 'minor_penalty') ?? cases[0];
  const golden = JSON.parse(fixture(c.expected));
  const zh = evaluator.explain(fixture(c.enterprise), c.as_of, 'zh');
  const en = evaluator.explain(JSON.parse(fixture(c.enterprise)), c.as_of, 'en');
  for (const report of [zh, en]) {
    assert.ok(report.includes(golden.uscc), 'names the firm');
    assert.ok(report.includes(String(golden.score)), 'shows the score');
  }
  assert.notEqual(zh, en);
  assert.match(zh, /[\u4e00-\u9fff]/, 'the Chinese report has Chinese text');
});

test('the model hash is the one stamped on evaluations', () => {
  const golden = JSON.parse(fixture(cases[0].expected));
  assert.equal(evaluator.modelHash(), golden.model.hash);
  assert.match(evaluator.modelHash(), /^sha256:[0-9a-f]{64}$/);
});
