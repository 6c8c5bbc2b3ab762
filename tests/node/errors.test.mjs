// Every engine error kind reaches JavaScript as a real Error whose name is the kind, with its
// context as properties; kinds the binding reports per batch entry, or cannot meet, are listed
// with the reason, and the list is checked against the engine's own list of kinds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Evaluator, Graph, Matcher, errorKinds, sampleCatalogJson, validateModel, validateUscc } from 'xinyong';
import { fixture, throwsKind } from './helpers.mjs';

const AS_OF = '2026-06-30';
const evaluator = new Evaluator();
const clean = JSON.parse(fixture('enterprises', 'clean.json'));
const withRecords = (...records) => ({ ...clean, records });

/** Kinds thrown by a call: each with the call and the context it must carry. */
const THROWN = {
  invalid_uscc: () => {
    const e = throwsKind(() => evaluator.evaluate({ ...clean, uscc: '91350200155000013A' }, AS_OF), 'invalid_uscc');
    assert.equal(e.reason, 'check_character');
    assert.equal(e.position, 18);
  },
  malformed_json: () => {
    const e = throwsKind(() => evaluator.evaluateJson('{"uscc": ', AS_OF), 'malformed_json');
    assert.equal(e.line, 1);
    assert.ok(e.column > 0);
  },
  invalid_field: () => {
    const e = throwsKind(() => evaluator.evaluate({ ...clean, registered_capital: true }, AS_OF), 'invalid_field');
    assert.equal(e.path, 'registered_capital');
    assert.equal(throwsKind(() => evaluator.evaluate(clean, '2026-02-30'), 'invalid_field').path, 'as_of');
    assert.equal(throwsKind(() => evaluator.explain(clean, AS_OF, 'fr'), 'invalid_field').path, 'lang');
  },
  unknown_record_kind: () => {
    const e = throwsKind(() => evaluator.evaluate(withRecords({ kind: 'lottery_win' }), AS_OF), 'unknown_record_kind');
    assert.equal(e.path, 'records[0]');
  },
  inconsistent_dates: () => {
    const penalty = { kind: 'penalty', severity: 'minor', decided_on: '2026-01-01', repaired_on: '2025-12-31' };
    const e = throwsKind(() => evaluator.evaluate(withRecords(penalty), AS_OF), 'inconsistent_dates');
    assert.match(e.path, /^records\[0\]/);
  },
  future_date: () => {
    const e = throwsKind(() => evaluator.evaluate(clean, '2000-01-01'), 'future_date');
    assert.equal(e.as_of, '2000-01-01');
    assert.equal(e.date, clean.established_on);
    assert.equal(e.path, 'established_on');
  },
  invalid_model: () => {
    const model = JSON.parse(fixture('bad', 'model', 'grades_out_of_order.json'));
    const e = throwsKind(() => new Evaluator(JSON.stringify(model)), 'invalid_model');
    assert.ok(Array.isArray(e.problems) && e.problems.length > 0);
    assert.deepEqual(validateModel(JSON.stringify(model)), e.problems);
    throwsKind(() => new Matcher(sampleCatalogJson(), undefined, JSON.stringify(model)), 'invalid_model');
  },
  limit_exceeded: () => {
    // A graph line that is not a node or an edge is read again as a generic JSON value, to
    // say what is wrong with it, and that reading has a nesting limit.
    const deep = `{"node": ${'['.repeat(200)}${']'.repeat(200)}}`;
    const e = throwsKind(() => Graph.fromJsonl(deep), 'limit_exceeded');
    assert.equal(e.what, 'JSON nesting depth');
    assert.ok(e.found > e.limit);
  },
};

/** Kinds that a batch reports in its entries instead of throwing, so one bad line never stops it. */
const PER_ENTRY = {
  line_too_long: () => {
    const long = `{"name": "${'x'.repeat(16 * 1024 * 1024)}"}`;
    const entries = evaluator.evaluateJsonl(`${long}\n${JSON.stringify(clean)}\n`, AS_OF);
    assert.equal(entries.length, 2);
    assert.equal(entries[0].error.kind, 'line_too_long');
    assert.equal(entries[1].evaluation.uscc, clean.uscc);
  },
  invalid_utf8: () => {
    const good = new TextEncoder().encode(`${JSON.stringify(clean)}\n`);
    const bytes = new Uint8Array([...good, 0x7b, 0xff, 0xfe, 0x7d, 0x0a, ...good]);
    const entries = evaluator.evaluateJsonl(bytes, AS_OF);
    assert.deepEqual(entries.map((e) => e.error?.kind ?? 'ok'), ['ok', 'invalid_utf8', 'ok']);
  },
};

/** Kinds no call of this binding can meet, and why. */
const UNREACHABLE = {
  io: 'the binding reads no files or streams: every input is already in memory',
};

test('every engine kind is thrown, reported per entry, or explained as unreachable', () => {
  const listed = [...Object.keys(THROWN), ...Object.keys(PER_ENTRY), ...Object.keys(UNREACHABLE)];
  assert.deepEqual([...listed].sort(), [...errorKinds()].sort());
});

for (const [kind, check] of Object.entries(THROWN)) {
  test(`${kind} is thrown as an Error named ${kind}`, check);
}

for (const [kind, check] of Object.entries(PER_ENTRY)) {
  test(`${kind} is reported in the batch entry of the line`, check);
}

test('wrong argument types are TypeErrors, not engine errors', () => {
  assert.throws(() => evaluator.evaluate(undefined, AS_OF), TypeError);
  assert.throws(() => evaluator.evaluateJsonl(42, AS_OF), TypeError);
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => evaluator.evaluate(cyclic, AS_OF), TypeError);
});

test('validateUscc reports rather than throws', () => {
  const good = validateUscc(' 91350200155000013m ');
  assert.equal(good.valid, true);
  assert.equal(good.normalized, '91350200155000013M');
  assert.equal(good.error, null);
  const bad = validateUscc('91350200155000013A');
  assert.deepEqual(
    { valid: bad.valid, normalized: bad.normalized, kind: bad.error.kind, position: bad.error.position },
    { valid: false, normalized: null, kind: 'check_character', position: 18 },
  );
});

test('a graph error names the offending line', () => {
  const e = throwsKind(() => Graph.fromJsonl('{"node": {"enterprise": "123"}}'), 'invalid_uscc');
  assert.ok(e.message.length > 0);
});
