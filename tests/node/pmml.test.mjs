// The PMML scorecard conformance vectors of fixtures/pmml/ (recipe: fixtures/pmml/README.md),
// row for row as engine/tests/pmml.rs reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scorecard } from 'xinyong';
import { fixture, throwsKind } from './helpers.mjs';

const CSV_FILES = ['jpmml_scorecard_expected.csv', 'kie_scorecard_expected.csv'];
const NUMBER = /^-?\d+(\.\d+)?$/;

/** One CSV row as an object; the files hold no quoted cells. */
function readCsv(file) {
  const [header, ...lines] = fixture('pmml', file).split('\n').filter((l) => l.trim() !== '');
  const columns = header.split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    assert.equal(cells.length, columns.length, `${file}: ${line}`);
    return Object.fromEntries(columns.map((c, i) => [c, cells[i]]));
  });
}

/** Input columns: everything that is not bookkeeping or an expectation; numbers as numbers. */
function inputs(row) {
  const entries = Object.entries(row).filter(
    ([c, v]) => v !== '' && !c.startsWith('expect') && c !== 'pmml_file' && c !== 'source_assertion',
  );
  return Object.fromEntries(entries.map(([c, v]) => [c, NUMBER.test(v) ? Number(v) : v]));
}

/**
 * Reason codes of the rows whose source asserts only the score, derived by hand in
 * engine/tests/pmml.rs (`derived_codes`): RC1 and RC2 always, RC3 when income is missing or 1500.
 */
function derivedCodes(file, income) {
  if (file !== 'jpmml_ComplexPartialScoreTest.pmml') return null;
  const codes = { '': ['RC1', 'RC2', 'RC3'], 1500: ['RC1', 'RC2', 'RC3'], 1000: ['RC1', 'RC2'], 3000: ['RC1', 'RC2'] };
  assert.ok(income in codes, `no derivation for income ${income}`);
  return codes[income];
}

const rows = CSV_FILES.flatMap((file) => readCsv(file));
const cards = new Map();
const card = (file) => {
  if (!cards.has(file)) cards.set(file, Scorecard.fromPmml(fixture('pmml', file)));
  return cards.get(file);
};

test('the vectors hold 23 rows', () => {
  assert.equal(rows.length, 23);
});

for (const row of rows) {
  test(`pmml ${row.pmml_file}: ${row.source_assertion}`, () => {
    const input = inputs(row);
    if (row.expect_error === 'true') {
      const e = throwsKind(() => card(row.pmml_file).score(input), 'invalid_field');
      assert.ok(e.path in row, `the error names an input column, got ${e.path}`);
      return;
    }
    const result = card(row.pmml_file).score(input);
    const expected = row.expected_score ?? row.expected_final_score;
    assert.equal(Number(result.score), Number(expected), 'score');
    assert.equal(typeof result.score, 'string', 'the score is a decimal string');
    const written = Object.entries(row)
      .filter(([c, v]) => c.startsWith('expected_reason_code_') && v !== '')
      .map(([, v]) => v);
    const derived = derivedCodes(row.pmml_file, row.income ?? '');
    if (derived) assert.deepEqual(written, [], 'derived codes only for rows that assert none');
    assert.deepEqual(result.reason_codes, derived ?? written);
  });
}

test('every scorecard survives a PMML round trip', () => {
  for (const file of new Set(rows.map((r) => r.pmml_file))) {
    const written = card(file).toPmml();
    const back = Scorecard.fromPmml(written);
    assert.equal(back.toPmml(), written, `${file}: writing is deterministic`);
  }
});

test('rows are checked like the engine checks JSON rows', () => {
  const mixed = card('kie_SimpleScorecardMixedVariables.pmml');
  const e = throwsKind(() => mixed.score({ input1: 10, input2: 'classA', unused: [1] }), 'invalid_field');
  assert.equal(e.path, 'unused');
  const result = mixed.score({ input1: 10, input2: 'classA', other: null });
  assert.deepEqual(result, { score: '-15', reason_codes: ['Input1ReasonCode', 'Input2ReasonCode'] });
  throwsKind(() => Scorecard.fromPmml('<PMML'), 'invalid_field');
});
