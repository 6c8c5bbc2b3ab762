// The financing goldens of fixtures/finance/ (recipe: fixtures/finance/README.md).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Matcher, sampleCatalogJson } from 'xinyong';
import { fixture, throwsKind } from './helpers.mjs';

const AS_OF = '2026-06-30';
const demands = fixture('finance', 'demands.jsonl').split('\n').filter((l) => l.trim() !== '');
const matcher = new Matcher(sampleCatalogJson());

test('the bundled sample catalog is fixtures/finance/catalog.json', () => {
  assert.equal(sampleCatalogJson(), fixture('finance', 'catalog.json'));
});

test('there are demands to match', () => {
  assert.ok(demands.length >= 4);
});

for (const line of demands) {
  const id = JSON.parse(line).id;
  test(`finance golden ${id}: matchJson equals expected/${id}.json byte for byte`, () => {
    assert.equal(matcher.matchJson(line, AS_OF), fixture('finance', 'expected', `${id}.json`));
  });
  test(`finance golden ${id}: matchDemand of the object equals the parsed golden`, () => {
    const golden = JSON.parse(fixture('finance', 'expected', `${id}.json`));
    assert.deepEqual(matcher.matchDemand(JSON.parse(line), AS_OF), golden);
  });
}

test('matchMany: count out equals count in, errors in place', () => {
  const items = [...demands, '{"amount": 1}', ...demands.map((d) => JSON.parse(d))];
  const entries = matcher.matchMany(items, AS_OF);
  assert.equal(entries.length, items.length);
  entries.forEach((e, i) => assert.equal(e.index, i));
  assert.equal(entries[demands.length].error.kind, 'invalid_field');
  assert.deepEqual(entries[0].match, entries[demands.length + 1].match);
  assert.deepEqual(entries[0].match, JSON.parse(fixture('finance', 'expected', `${JSON.parse(demands[0]).id}.json`)));
});

test('options change only the members given', () => {
  const demand = demands[0];
  const fewer = new Matcher(sampleCatalogJson(), { near_misses: 0 });
  assert.deepEqual(fewer.matchDemand(demand, AS_OF).near_misses, []);
  const golden = matcher.matchDemand(demand, AS_OF);
  assert.ok(golden.near_misses.length > 0, 'the default reports near misses');
  const e = throwsKind(() => new Matcher(sampleCatalogJson(), { near_misses: 'many' }), 'invalid_field');
  assert.equal(e.path, 'options');
  // A reference rate comes whole, with the date it was set, and is not negative.
  const rate = { percent: '3.5', since: '2026-05-20' };
  const quoted = new Matcher(sampleCatalogJson(), { reference_rate: rate });
  assert.deepEqual(quoted.matchDemand(demand, AS_OF).reference_rate, rate);
  throwsKind(() => new Matcher(sampleCatalogJson(), { reference_rate: { percent: '3.5' } }), 'invalid_field');
  const negative = { reference_rate: { percent: '-0.5', since: '2026-05-20' } };
  const n = throwsKind(() => new Matcher(sampleCatalogJson(), negative), 'invalid_field');
  assert.equal(n.path, 'options.reference_rate.percent');
});

test('offers keeps the best ranked offers and every near miss', () => {
  const demand = demands[0];
  const every = matcher.matchDemand(demand, AS_OF);
  assert.ok(every.eligible.length >= 2, 'the first demand has several offers');
  for (const n of [0, 1, 2, 50]) {
    const best = new Matcher(sampleCatalogJson(), { offers: n }).matchDemand(demand, AS_OF);
    assert.deepEqual(best.eligible, every.eligible.slice(0, n));
    assert.deepEqual(best.near_misses, every.near_misses);
  }
  const unset = new Matcher(sampleCatalogJson(), { offers: null }).matchDemand(demand, AS_OF);
  assert.deepEqual(unset, every);
});

test('a catalog is checked against the model', () => {
  throwsKind(() => new Matcher('{"products": ['), 'malformed_json');
  throwsKind(() => new Matcher(sampleCatalogJson(), undefined, '{"id": 1}'), 'invalid_field');
});
