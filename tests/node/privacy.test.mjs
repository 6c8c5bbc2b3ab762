// personKey and redact: resident ID numbers are pseudonymised before they reach a graph, and
// redacted from text; the same pseudonyms as the Rust engine and the Python package give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph, personKey, redact } from 'xinyong';
import { throwsKind } from './helpers.mjs';

// A made-up number with a valid GB 11643 check character (born 1990-03-07).
const ID = '11010119900307109X';
const SECRET = 'platform secret of 32 bytes ....';

test('person keys are keyed, stable and normalised; bytes and strings agree', () => {
  const key = personKey(ID, SECRET);
  assert.match(key, /^pid-[0-9a-f]{32}$/);
  assert.equal(personKey(' 11010119900307109x ', SECRET), key);
  assert.equal(personKey(ID, new TextEncoder().encode(SECRET)), key);
  assert.notEqual(personKey(ID, 'another secret, 32 bytes long...'), key);
});

test('a person key builds a graph where the raw number is refused', () => {
  const firm = '91210100MA1ENJ9KXL';
  const lines = (p) => `{"node": {"person": "${p}"}}\n{"edge": {"kind": "shareholding", "from": "${p}", "to": "${firm}", "share": "0.6"}}\n`;
  const refused = throwsKind(() => Graph.fromJsonl(lines(ID)), 'invalid_field');
  assert.ok(!refused.message.includes(ID), 'the number is not repeated');
  const key = personKey(ID, SECRET);
  const owners = Graph.fromJsonl(lines(key)).beneficialOwners(firm);
  assert.deepEqual(owners.owners.map((o) => o.person), [key]);
});

test('bad numbers, short secrets and wrong types are refused', () => {
  const wrong = `${ID.slice(0, -1)}1`;
  const e = throwsKind(() => personKey(wrong, SECRET), 'invalid_field');
  assert.ok(!e.message.includes(wrong));
  throwsKind(() => personKey(ID, 'short'), 'invalid_field');
  assert.throws(() => personKey(ID, 32), TypeError);
});

test('redact removes numbers that check and keeps everything else', () => {
  assert.equal(redact(`holder ${ID} of 60%`), 'holder [ID number redacted] of 60%');
  assert.equal(redact('91350900587527783P 0.041183184069848354'), '91350900587527783P 0.041183184069848354');
});
