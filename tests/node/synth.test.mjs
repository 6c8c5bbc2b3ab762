// Synthetic registries, demands and catalogs through the Node build: the fixtures of
// fixtures/synth/ (made with `xinyong synth`, recipe in its README.md), byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Matcher, synthCatalogJson, synthDemands, synthDemandsJsonl, synthRegistry, synthRegistryJsonl,
} from 'xinyong';
import { fixture, throwsKind } from './helpers.mjs';

// The flags of the fixtures: `--enterprises 5 --seed 7 --mean-records 3`, default `--as-of`.
const AS_OF = '2026-06-30';
const lines = (name) => fixture('synth', name).split('\n').filter((l) => l !== '');

test('synthRegistryJsonl is fixtures/synth/registry.jsonl byte for byte', () => {
  assert.equal(synthRegistryJsonl(5, 7, undefined, 3), fixture('synth', 'registry.jsonl'));
  assert.equal(synthRegistryJsonl(5, 7, AS_OF, 3), fixture('synth', 'registry.jsonl'));
});

test('synthRegistry objects are the fixture lines, JSON.stringify gives their bytes', () => {
  const registry = synthRegistry(5, 7, AS_OF, 3);
  assert.equal(registry.length, 5);
  const expected = lines('registry.jsonl');
  assert.deepEqual(registry, expected.map((l) => JSON.parse(l)));
  // Enterprise lines are compact JSON, so the objects (member order kept) stringify to them.
  assert.deepEqual(registry.map((e) => JSON.stringify(e)), expected);
});

test('synthDemandsJsonl is fixtures/synth/demands.jsonl byte for byte', () => {
  assert.equal(synthDemandsJsonl(5, 7, AS_OF, 3), fixture('synth', 'demands.jsonl'));
});

test('synthDemands objects are the parsed fixture lines', () => {
  // A demand line separates its own members with ", " and ": " around the compact enterprise,
  // so the parsed documents are compared (member order included).
  const demands = synthDemands(5, 7, AS_OF, 3);
  const expected = lines('demands.jsonl').map((l) => JSON.parse(l));
  assert.deepEqual(demands, expected);
  assert.deepEqual(demands.map((d) => Object.keys(d)), expected.map((d) => Object.keys(d)));
  assert.deepEqual(demands.map((d) => d.enterprise), synthRegistry(5, 7, AS_OF, 3));
  assert.deepEqual(demands.map((d) => d.id), ['d-000000', 'd-000001', 'd-000002', 'd-000003', 'd-000004']);
});

test('synthCatalogJson is fixtures/synth/catalog.json byte for byte', () => {
  assert.equal(synthCatalogJson(4, 7), fixture('synth', 'catalog.json'));
  const products = JSON.parse(synthCatalogJson(4, 7)).products;
  assert.deepEqual(products.map((p) => p.id), ['syn-00000', 'syn-00001', 'syn-00002', 'syn-00003']);
});

test('the synthetic catalog matches the synthetic demands', () => {
  const matcher = new Matcher(synthCatalogJson(4, 7));
  const entries = matcher.matchMany(synthDemands(5, 7, AS_OF, 3), AS_OF);
  assert.equal(entries.length, 5);
  assert.ok(entries.every((e) => 'match' in e), JSON.stringify(entries.filter((e) => 'error' in e)));
});

test('defaults are the command line defaults', () => {
  // `xinyong synth`: --seed 1 --as-of 2026-06-30 --mean-records 0; `synth catalog`: --seed 1.
  assert.equal(synthRegistryJsonl(3), synthRegistryJsonl(3, 1, '2026-06-30', 0));
  assert.equal(synthDemandsJsonl(3), synthDemandsJsonl(3, 1, '2026-06-30', 0));
  assert.equal(synthCatalogJson(3), synthCatalogJson(3, 1));
  assert.deepEqual(synthRegistry(0), []);
  assert.equal(synthDemandsJsonl(0), '');
});

test('a seed may be a bigint, the whole 64-bit range', () => {
  assert.equal(synthRegistryJsonl(2, 7n), synthRegistryJsonl(2, 7));
  assert.equal(synthRegistry(1, 2n ** 64n - 1n).length, 1);
  assert.notEqual(synthRegistryJsonl(2, 8), synthRegistryJsonl(2, 7));
});

test('bad arguments are invalid_field errors with their path', () => {
  assert.equal(throwsKind(() => synthRegistry(1, 7, '2026-13-01'), 'invalid_field').path, 'as_of');
  assert.equal(throwsKind(() => synthDemands(-1), 'invalid_field').path, 'enterprises');
  assert.equal(throwsKind(() => synthRegistryJsonl(1.5), 'invalid_field').path, 'enterprises');
  assert.equal(throwsKind(() => synthCatalogJson(-1), 'invalid_field').path, 'products');
  assert.equal(throwsKind(() => synthRegistry(1, -1), 'invalid_field').path, 'seed');
  assert.equal(throwsKind(() => synthRegistry(1, 2n ** 64n), 'invalid_field').path, 'seed');
  assert.equal(throwsKind(() => synthRegistry(1, 1, AS_OF, -3), 'invalid_field').path, 'mean_records');
  assert.throws(() => synthRegistry(1, '7'), TypeError);
});

test('a catalog is checked against the model given', () => {
  throwsKind(() => synthCatalogJson(2, 1, '{'), 'malformed_json');
});
