// The bad-input catalogue (fixtures/bad/catalogue.json): every case whose surface this binding
// exposes must fail with the catalogue's error kind (or be accepted when the kind is null), as
// engine/tests/bad_catalogue.rs runs it in Rust.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Evaluator, Graph, Matcher, Scorecard, sampleCatalogJson, validateUscc } from 'xinyong';
import { FIXTURES } from './helpers.mjs';

const CATALOGUE = join(FIXTURES, 'bad', 'catalogue.json');

/** Surfaces this binding does not expose, with the reason. None at present. */
const evaluator = new Evaluator();
const matcher = new Matcher(sampleCatalogJson());

/** The case's input bytes: its file, or head + repeat × times + tail. */
function input(c) {
  if (c.file) return readFileSync(join(FIXTURES, 'bad', c.file));
  const { head, repeat, tail, times } = c.generate;
  if (!repeat.includes('{i}')) {
    return Buffer.concat([Buffer.from(head), Buffer.from(repeat.repeat(times)), Buffer.from(tail)]);
  }
  const parts = [head];
  for (let i = 0; i < times; i += 1) parts.push(repeat.replaceAll('{i}', String(i)));
  parts.push(tail);
  return Buffer.from(parts.join(''));
}

/** Text for the surfaces that take strings; a byte-order mark is kept, as the engine sees it. */
function text(bytes, name) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    assert.fail(`${name}: this surface takes text, and the case's bytes are not UTF-8`);
  }
}

/** Runs one case; returns the thrown error (or undefined when the surface accepts the input). */
function run(c, asOf) {
  const bytes = input(c);
  const attempt = (fn) => {
    try {
      fn();
      return undefined;
    } catch (e) {
      assert.ok(e instanceof Error, `${c.name}: threw a non-Error ${e}`);
      return e;
    }
  };
  switch (c.surface) {
    case 'enterprise':
      return attempt(() => evaluator.evaluateJson(text(bytes, c.name), asOf));
    case 'enterprise_jsonl': {
      const entries = evaluator.evaluateJsonl(new Uint8Array(bytes), asOf);
      assert.equal(entries.length, c.count, `${c.name}: count out equals count in`);
      entries.forEach((entry, i) => assert.equal(entry.index, i));
      for (const entry of entries) {
        if (entry.index !== c.index) assert.ok(entry.evaluation, `${c.name}: entry ${entry.index} evaluates`);
      }
      const bad = entries[c.index].error;
      return bad && Object.assign(new Error(bad.message), { name: bad.kind });
    }
    case 'model':
      return attempt(() => new Evaluator(text(bytes, c.name)));
    case 'uscc': {
      const first = text(bytes, c.name).split(/\r?\n/)[0];
      const checked = validateUscc(first);
      // validateUscc reports instead of throwing; a code it rejects is the engine's invalid_uscc.
      return checked.valid ? undefined : Object.assign(new Error(checked.error.message), { name: 'invalid_uscc' });
    }
    case 'graph_jsonl':
      return attempt(() => Graph.fromJsonl(text(bytes, c.name)).analysis());
    case 'graph_csv':
      return attempt(() => Graph.fromCsv(text(bytes, c.name)).analysis());
    case 'catalog':
      return attempt(() => new Matcher(text(bytes, c.name)));
    case 'demand':
      return attempt(() => matcher.matchJson(text(bytes, c.name), asOf));
    case 'pmml':
      return attempt(() => Scorecard.fromPmml(text(bytes, c.name)));
    default:
      return assert.fail(`${c.name}: unknown surface ${c.surface}`);
  }
}

const catalogue = existsSync(CATALOGUE) ? JSON.parse(readFileSync(CATALOGUE, 'utf8')) : null;

test('the bad-input catalogue exists and has cases', () => {
  assert.ok(catalogue, `missing ${CATALOGUE}`);
  assert.ok(catalogue.cases.length > 0);
});

for (const c of catalogue?.cases ?? []) {
  test(`bad ${c.surface}/${c.name}: ${c.kind ?? 'accepted'}`, () => {
    const error = run(c, c.as_of ?? catalogue.as_of);
    if (c.kind === null) {
      assert.equal(error, undefined, `${c.name}: should be accepted, got ${error?.name}: ${error?.message}`);
    } else {
      assert.ok(error, `${c.name}: expected ${c.kind}, the input was accepted`);
      assert.equal(error.name, c.kind, `${c.name}: ${error.message}`);
    }
  });
}
