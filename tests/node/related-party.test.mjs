// The related-party goldens of fixtures/related_party/cases.json through the Node build, byte for
// byte, and evaluation without a context unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator } from 'xinyong';
import { fixture, fixtureJson, throwsKind } from './helpers.mjs';

const { cases } = fixtureJson('related_party', 'cases.json');
const evaluator = new Evaluator();

test('the related-party case list is not empty', () => {
  assert.ok(cases.length >= 6, `only ${cases.length} cases`);
});

for (const c of cases) {
  test(`related-party golden ${c.name}: evaluateJson equals ${c.expected} byte for byte`, () => {
    const golden = fixture(c.expected);
    assert.equal(evaluator.evaluateJson(fixture(c.enterprise), c.as_of, fixture(c.related_party)), golden);
  });

  test(`related-party golden ${c.name}: evaluate of the objects equals the parsed golden`, () => {
    const golden = JSON.parse(fixture(c.expected));
    const context = JSON.parse(fixture(c.related_party));
    const evaluation = evaluator.evaluate(JSON.parse(fixture(c.enterprise)), c.as_of, context);
    assert.deepEqual(evaluation, golden);
    assert.equal(evaluation.score, c.expect.score);
    assert.equal(evaluation.grade, c.expect.grade);
    // Without a context: no related-party contribution, as before the indicator existed.
    const plain = evaluator.evaluate(JSON.parse(fixture(c.enterprise)), c.as_of);
    assert.ok(!plain.contributions.some((x) => x.indicator === 'related_parties'));
    assert.deepEqual(evaluator.evaluate(fixture(c.enterprise), c.as_of, undefined), plain);
    assert.deepEqual(evaluator.evaluate(fixture(c.enterprise), c.as_of, null), plain);
  });
}

test('explain reads the context too', () => {
  const c = cases.find((x) => x.name === 'capped_graph_firm');
  const report = evaluator.explain(fixture(c.enterprise), c.as_of, 'en', fixture(c.related_party));
  assert.ok(report.includes('790'), report);
  assert.ok(report.includes('dishonest firms one tie away 1 (-30): 91320500MA000004XT'), report);
});

test('an inconsistent context is an invalid_field error with its path', () => {
  const c = cases[0];
  const bad = { dishonest_within_1: 2, dishonest_within_2: 1 };
  const error = throwsKind(() => evaluator.evaluate(fixture(c.enterprise), c.as_of, bad), 'invalid_field');
  assert.equal(error.path, 'related_party.dishonest_within_2');
});

test('evaluateMany and evaluateJsonl take each firm its context by USCC', () => {
  const c = cases.find((x) => x.name === 'one_hop');
  const clean = JSON.parse(fixture(c.enterprise));
  const other = JSON.parse(fixture('enterprises/honours.json'));
  const context = JSON.parse(fixture(c.related_party));
  const golden = JSON.parse(fixture(c.expected));
  const related = { [clean.uscc.toLowerCase()]: context };
  const many = evaluator.evaluateMany([clean, other], c.as_of, related);
  assert.equal(many.length, 2);
  assert.deepEqual(many[0].evaluation, golden);
  assert.deepEqual(many[1].evaluation, evaluator.evaluate(other, c.as_of));
  const text = `${JSON.stringify(clean)}\n\n${JSON.stringify(other)}\n`;
  for (const input of [text, new TextEncoder().encode(text)]) {
    const lines = evaluator.evaluateJsonl(input, c.as_of, { [clean.uscc]: fixture(c.related_party) });
    assert.deepEqual(lines.map((l) => l.line), [1, 3]);
    assert.deepEqual(lines[0].evaluation, golden);
    assert.deepEqual(lines[1].evaluation, evaluator.evaluate(other, c.as_of));
    const plain = evaluator.evaluateJsonl(input, c.as_of);
    assert.deepEqual(plain[0].evaluation, evaluator.evaluate(clean, c.as_of));
    assert.notDeepEqual(plain[0].evaluation, golden);
  }
  assert.deepEqual(evaluator.evaluateMany([clean], c.as_of, null)[0].evaluation, evaluator.evaluate(clean, c.as_of));
});

test('bad relatedParties are refused whole, with the entry named', () => {
  const c = cases[0];
  const clean = JSON.parse(fixture(c.enterprise));
  assert.throws(() => evaluator.evaluateMany([clean], c.as_of, [1]), TypeError);
  assert.throws(() => evaluator.evaluateJsonl(fixture(c.enterprise), c.as_of, 'x'), TypeError);
  const bad = { [clean.uscc]: { dishonest_within_1: 2, dishonest_within_2: 1 } };
  const error = throwsKind(() => evaluator.evaluateMany([clean], c.as_of, bad), 'invalid_field');
  assert.equal(error.path, `relatedParties.${clean.uscc}.related_party.dishonest_within_2`);
  throwsKind(() => evaluator.evaluateMany([clean], c.as_of, { 'not a code': {} }), 'invalid_uscc');
});
