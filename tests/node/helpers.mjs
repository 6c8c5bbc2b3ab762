// Shared by the Node tests: where the fixtures are, and how an engine error must look.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `fixtures/` folder, read by every surface. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures');

/** A fixture file as text. */
export function fixture(...parts) {
  return readFileSync(join(FIXTURES, ...parts), 'utf8');
}

/** A fixture file as parsed JSON. */
export function fixtureJson(...parts) {
  return JSON.parse(fixture(...parts));
}

/**
 * Runs `fn` and asserts it throws a real `Error` whose `name` is the engine error `kind`, with a
 * message; returns the error for further checks.
 */
export function throwsKind(fn, kind) {
  let caught;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught !== undefined, `expected a ${kind} error, nothing was thrown`);
  assert.ok(caught instanceof Error, `expected an Error object, got ${typeof caught}: ${caught}`);
  assert.equal(caught.name, kind, `error kind (message: ${caught.message})`);
  assert.ok(caught.message.length > 0, 'the error has a message');
  return caught;
}
