// The relationship-graph goldens of fixtures/graph/ (recipe: fixtures/graph/README.md), compared
// as JSON values like engine/tests/graph.rs and engine/tests/graph_guarantee.rs.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Graph } from 'xinyong';
import { FIXTURES, fixture, fixtureJson, throwsKind } from './helpers.mjs';

// circle_of_five (guarantee circles) and groups (group clients) are documents with their own
// recipes (below).
const OWN_RECIPES = ['circle_of_five.expected.json', 'groups.expected.json'];
const OWNERSHIP_CASES = readdirSync(join(FIXTURES, 'graph'))
  .filter((f) => f.endsWith('.expected.json') && !OWN_RECIPES.includes(f))
  .map((f) => f.replace('.expected.json', ''));

test('the ownership golden cases are found', () => {
  assert.ok(OWNERSHIP_CASES.length >= 4, OWNERSHIP_CASES.join(', '));
});

for (const name of OWNERSHIP_CASES) {
  test(`graph golden ${name}: analysis() equals ${name}.expected.json`, () => {
    const graph = Graph.fromJsonl(fixture('graph', `${name}.jsonl`));
    assert.deepEqual(graph.analysis(), fixtureJson('graph', `${name}.expected.json`));
  });
}

test('graph golden circle_of_five: guaranteeCircles on 2025-06-30 with the net assets', () => {
  const graph = Graph.fromJsonl(fixture('graph', 'circle_of_five.jsonl'));
  // Net assets F1 = 700, F2 = 450, F6 = -10, as the recipe passes them.
  const netAssets = {
    '91320500MA0000015D': '700',
    '91320500MA00000238': '450',
    '91320500MA0000066M': '-10',
  };
  const expected = fixtureJson('graph', 'circle_of_five.expected.json');
  assert.deepEqual(graph.guaranteeCircles('2025-06-30', netAssets), expected);
  // Numbers are read as decimals too.
  const numeric = { '91320500MA0000015D': 700, '91320500MA00000238': 450, '91320500MA0000066M': -10 };
  assert.deepEqual(graph.guaranteeCircles('2025-06-30', numeric), expected);
});

test('worked example: per-firm queries agree with the analysis document', () => {
  const graph = Graph.fromJsonl(fixture('graph', 'worked_example.jsonl'));
  const doc = graph.analysis();
  const a = '91210100MA1ENJ9KXL';
  const firm = doc.firms.find((f) => f.ownership.firm === a);
  assert.deepEqual(graph.ownership(a), firm.ownership);
  assert.deepEqual(graph.beneficialOwners(a), firm.beneficial_owners);
  assert.deepEqual(graph.unresolvable(), doc.unresolvable);
  assert.deepEqual(graph.report(), doc.report);
  // Hand-computed in fixtures/graph/README.md: p1 holds 0.6 / 0.94 of A and controls it.
  assert.equal(graph.ownership(a).owners.find((o) => o.owner === 'p1').integrated, '0.638298');
  assert.deepEqual(graph.controllers(a), ['p1']);
});

test('nodes and edges describe the drawing', () => {
  const graph = Graph.fromJsonl(fixture('graph', 'circle_of_five.jsonl'));
  const nodes = graph.nodes();
  assert.ok(nodes.some((n) => n.key === '91320500MA0000015D' && n.name === 'F1' && !n.person));
  const edges = graph.edges();
  const keys = new Set(nodes.map((n) => n.key));
  for (const e of edges) {
    assert.ok(keys.has(e.from) && keys.has(e.to), `${e.from} -> ${e.to} joins known nodes`);
  }
  const guarantees = edges.filter((e) => e.relation === 'guarantee');
  assert.ok(guarantees.length >= 4);
  const first = guarantees.find((e) => e.from === '91320500MA0000015D' && e.to === '91320500MA00000238');
  assert.equal(first.amount, '100');
  assert.equal(first.status, 'active');
  const holdings = Graph.fromJsonl(fixture('graph', 'pyramid.jsonl')).edges();
  assert.ok(holdings.some((e) => e.relation === 'shareholding' && typeof e.share === 'string'));
});

test('contagion runs DebtRank from the seeds', () => {
  const graph = Graph.fromJsonl(fixture('graph', 'circle_of_five.jsonl'));
  const seed = '91320500MA0000015D';
  const result = graph.contagion('2025-06-30', [seed]);
  const seeded = result.firms.find((f) => f.firm === seed);
  assert.equal(seeded.seed, true);
  assert.equal(seeded.distress, '1');
  assert.equal(result.weights, 'uniform');
  const none = graph.contagion('2025-06-30');
  assert.deepEqual(none.firms, []);
  throwsKind(() => graph.contagion('2025-06-30', ['nobody']), 'invalid_field');
});

test('CSV edges build the same graph as JSON Lines', () => {
  const a = '91210100MA1ENJ9KXL';
  const b = '91210100MA1G966FX9';
  const csv = `kind,from,to,share\nshareholding,${b},${a},0.2\nshareholding,${a},${b},0.3\n`;
  const graph = Graph.fromCsv(csv);
  assert.deepEqual(graph.report().implied_enterprises, [a, b]);
  assert.equal(graph.ownership(a).owners.find((o) => o.owner === b).integrated, '0.212766');
});

test('build policies are read and checked', () => {
  const a = '91210100MA1ENJ9KXL';
  const b = '91210100MA1G966FX9';
  const over = [
    `{"edge": {"kind": "shareholding", "from": "${b}", "to": "${a}", "share": "0.7"}}`,
    `{"edge": {"kind": "shareholding", "from": "91210100MA1KJ8MK67", "to": "${a}", "share": "0.6"}}`,
  ].join('\n');
  throwsKind(() => Graph.fromJsonl(over), 'invalid_field');
  const kept = Graph.fromJsonl(over, { oversubscribed: 'renormalise' });
  assert.equal(kept.report().oversubscribed.length, 1);
  const e = throwsKind(() => Graph.fromJsonl(over, { oversubscribed: 'ignore' }), 'invalid_field');
  assert.equal(e.path, 'policy.oversubscribed');
  throwsKind(() => Graph.fromJsonl(over, { unknown: true }), 'invalid_field');
});

test('graph golden groups: groups on 2026-06-30 with a cap of two firms per key person', () => {
  const graph = Graph.fromJsonl(fixture('graph', 'groups.jsonl'));
  const expected = fixtureJson('graph', 'groups.expected.json');
  assert.deepEqual(graph.groups('2026-06-30', { max_person_firms: 2 }), expected);
  // Two state firms never merge; switching the state rule off joins them under the state body.
  const trusting = graph.groups('2026-06-30', { max_person_firms: 2, state_by_authority: false });
  assert.deepEqual(trusting.groups[0].members, [
    '11330100000000019E',
    '91330100MA00000740',
    '91330100MA0000146Q',
  ]);
  throwsKind(() => graph.groups('2026-06-30', { max_persons: 2 }), 'invalid_field');
  throwsKind(() => graph.groups('2026-02-30'), 'invalid_field');
});
