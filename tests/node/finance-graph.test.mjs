// The graph-condition goldens of fixtures/finance/graph/ (recipe: fixtures/finance/README.md):
// each demand matched with the graph of relations.jsonl (`withGraph`, guarantees in force on
// as_of) and without it (the facts the demand states), byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph, Matcher } from 'xinyong';
import { fixture, throwsKind } from './helpers.mjs';

const AS_OF = '2026-06-30';
const demands = fixture('finance', 'graph', 'demands.jsonl').split('\n').filter((l) => l.trim() !== '');
const ids = demands.map((l) => JSON.parse(l).id);
const graph = Graph.fromJsonl(fixture('finance', 'graph', 'relations.jsonl'));
const plain = new Matcher(fixture('finance', 'graph', 'catalog.json'));
const linked = plain.withGraph(graph);
const matchers = { 'with-graph': linked, 'without-graph': plain };

function golden(id, suffix) {
  return fixture('finance', 'graph', 'expected', `${id}.${suffix}.json`);
}

test('there is every graph demand', () => {
  assert.deepEqual(ids, ['g-circle', 'g-linked', 'g-no-guarantor', 'g-stated']);
  assert.equal(linked.hasGraph, true);
  assert.equal(plain.hasGraph, false);
});

for (const [suffix, matcher] of Object.entries(matchers)) {
  demands.forEach((line, i) => {
    const id = ids[i];
    test(`graph golden ${id} ${suffix}: matchJson equals expected/${id}.${suffix}.json byte for byte`, () => {
      assert.equal(matcher.matchJson(line, AS_OF), golden(id, suffix));
    });
    test(`graph golden ${id} ${suffix}: matchDemand of the object equals the parsed golden`, () => {
      assert.deepEqual(matcher.matchDemand(JSON.parse(line), AS_OF), JSON.parse(golden(id, suffix)));
    });
  });
  test(`graph goldens ${suffix}: matchMany gives every golden in order`, () => {
    const entries = matcher.matchMany(demands, AS_OF);
    assert.deepEqual(entries.map((e) => e.match), ids.map((id) => JSON.parse(golden(id, suffix))));
  });
}

test('the graph overrides the facts a demand states', () => {
  const stated = JSON.parse(demands[ids.indexOf('g-stated')]);
  assert.ok(stated.graph_facts);
  assert.deepEqual(plain.matchDemand(stated, AS_OF).eligible.map((o) => o.product), ['circle-capped', 'unrelated-guarantor']);
  const miss = linked.matchDemand(stated, AS_OF).near_misses.find((m) => m.product === 'circle-capped');
  assert.deepEqual([miss.failed[0].required, miss.failed[0].actual], ['2', '3']);
});

test("the graph's guarantees count on each call's date", () => {
  // The guarantee closing the cycle ends on 2027-05-31: the next day there is no circle.
  const circle = demands[ids.indexOf('g-circle')];
  const products = (asOf) => linked.matchDemand(circle, asOf).eligible.map((o) => o.product);
  assert.ok(!products(AS_OF).includes('circle-capped'));
  assert.ok(products('2027-06-01').includes('circle-capped'));
});

test('the graph is shared: the matcher keeps it after the Graph object is freed', () => {
  const own = Graph.fromJsonl(fixture('finance', 'graph', 'relations.jsonl'));
  const matcher = plain.withGraph(own);
  own.free();
  assert.equal(matcher.matchJson(demands[0], AS_OF), golden(ids[0], 'with-graph'));
});

test('withGraph takes a Graph, and a bad date still throws', () => {
  assert.throws(() => plain.withGraph({}), Error);
  throwsKind(() => linked.matchJson(demands[0], '2026-13-01'), 'invalid_field');
});
