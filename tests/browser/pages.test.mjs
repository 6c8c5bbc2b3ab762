// Headless-Chromium tests of the browser pages (bindings-wasm/www/).
//
// Drives Debian's Chromium through playwright-core (never a downloaded browser) against the
// pages served on loopback, and checks what a person would see against the golden files in
// fixtures/: the self-check page's score, grade, reasons and evaluation JSON for every golden
// case, the relationship view's guarantee circles and beneficial owners, and the error kind
// shown for every bad input of the pages' surfaces. It also prints the wasm start-up and
// evaluation times measured inside the page (printed, never asserted: wall time is not a
// test result) and saves a screenshot of each page.
//
// Run: `make browser-test`, or with pages already served:
//   XINYONG_PAGES_URL=http://127.0.0.1:PORT/www/ node --test pages.test.mjs
// Without XINYONG_PAGES_URL the test serves bindings-wasm/ itself on a free loopback port.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const FIXTURES = join(ROOT, 'fixtures');
const ARTIFACTS = join(HERE, 'artifacts');
const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// The launch flags of the toolchain notes; playwright adds --headless and the user-data dir.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const cases = readJson(join(FIXTURES, 'cases.json')).cases;

let server = null;
let baseUrl = process.env.XINYONG_PAGES_URL ?? null;
let userDataDir = null;
let context = null;

// Serve bindings-wasm/ with Python's http.server on port 0 and read the port it reports.
function serve() {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', join(ROOT, 'bindings-wasm')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/port (\d+)/);
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}/www/` });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`http.server exited (${code}): ${output}`)));
  });
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM} (run scripts/ensure-chromium.sh)`);
  assert.ok(existsSync(join(ROOT, 'bindings-wasm', 'pkg', 'web', 'xinyong_wasm.js')), 'the wasm web build is missing (make wasm-build)');
  if (!baseUrl) {
    server = await serve();
    baseUrl = server.url;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  userDataDir = mkdtempSync(join(tmpdir(), 'xinyong-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
});

after(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  server?.child.kill();
});

// A fresh page with the engine loaded; page errors fail the test that caused them.
async function open(file, lang = 'zh') {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (err) => errors.push(err));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(new Error(msg.text()));
  });
  await page.goto(`${baseUrl}${file}?lang=${lang}`);
  await page.waitForFunction(() => document.body.dataset.engine === 'ready' || document.querySelector('#engine-status.error'), null, { timeout: 30_000 });
  const ready = await page.evaluate(() => document.body.dataset.engine === 'ready');
  assert.ok(ready, `the engine did not load: ${errors.map((e) => e.message).join('; ')}`);
  return { page, errors };
}

// Load an enterprise file through the page's file input on `asOf`; wait for the page's answer.
async function loadEnterprise(page, path, asOf) {
  await page.fill('#as-of', asOf);
  await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; });
  // Clear first: choosing the same file again would fire no change event.
  await page.setInputFiles('#json-file', []);
  await page.setInputFiles('#json-file', path);
  await page.waitForSelector('#result [data-testid="summary"], #result [data-testid="error"]', { timeout: 10_000 })
    .catch((err) => { throw new Error(`${path}: no result shown (${err.message})`); });
}

async function shownEvaluation(page) {
  return page.evaluate(() => ({
    score: document.querySelector('[data-testid="score"]')?.textContent ?? null,
    grade: document.querySelector('[data-testid="grade"]')?.textContent ?? null,
    reasons: [...document.querySelectorAll('[data-testid="reasons"] > li')].map((li) => ({
      code: li.dataset.code,
      pointsLost: li.dataset.pointsLost,
      text: li.querySelector('.reason-text').textContent,
    })),
    noReasons: document.querySelector('[data-testid="no-reasons"]') !== null,
    planSteps: document.querySelectorAll('[data-testid="plan"] tbody tr').length,
    json: document.querySelector('#evaluation-json')?.textContent ?? null,
    error: document.querySelector('[data-testid="error-kind"]')?.textContent ?? null,
  }));
}

function assertMatchesGolden(shown, golden, lang, name) {
  assert.equal(shown.error, null, `${name}: the page showed an error`);
  assert.equal(shown.score, golden.score, `${name}: score`);
  assert.equal(shown.grade, golden.grade, `${name}: grade`);
  assert.deepEqual(
    shown.reasons,
    golden.reasons.map((r) => ({ code: r.code, pointsLost: r.points_lost ?? '', text: r.text[lang] })),
    `${name}: reasons`,
  );
  assert.equal(shown.noReasons, golden.reasons.length === 0, `${name}: the "no reasons" note`);
  assert.equal(shown.planSteps, golden.plan.steps.length, `${name}: plan steps`);
}

// Load a graph (a file through the file input, or pasted text) and wait for the page's answer.
async function loadGraph(page, { path, text, format = 'auto', asOf }) {
  await page.fill('#graph-as-of', asOf);
  await page.selectOption('#graph-format', format);
  await page.evaluate(() => { document.querySelector('#graph-result').innerHTML = ''; });
  if (path) {
    await page.setInputFiles('#graph-file', path);
  } else {
    await page.fill('#graph-text', text);
    await page.click('#graph-draw');
  }
  await page.waitForSelector('#graph-result [data-testid="graph-summary"], #graph-result [data-testid="error"]');
}

describe('self-check page', () => {
  test('every golden case: displayed score, grade, reasons and JSON equal fixtures/expected', async () => {
    const { page, errors } = await open('index.html');
    for (const c of cases) {
      await loadEnterprise(page, join(FIXTURES, c.enterprise), c.as_of);
      const shown = await shownEvaluation(page);
      const goldenText = readFileSync(join(FIXTURES, c.expected), 'utf8');
      assertMatchesGolden(shown, JSON.parse(goldenText), 'zh', c.name);
      assert.equal(shown.json, goldenText, `${c.name}: the evaluation JSON shown is the golden bytes`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('English: the reasons are shown in English after the language switch', async () => {
    const { page, errors } = await open('index.html');
    const c = cases.find((x) => x.name === 'every_negative') ?? cases[0];
    await loadEnterprise(page, join(FIXTURES, c.enterprise), c.as_of);
    await page.click('#lang-switch');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assertMatchesGolden(await shownEvaluation(page), readJson(join(FIXTURES, c.expected)), 'en', c.name);
    await page.click('#lang-switch');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assertMatchesGolden(await shownEvaluation(page), readJson(join(FIXTURES, c.expected)), 'zh', c.name);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the form round-trips: re-evaluating what the form holds gives the same golden bytes', async () => {
    const { page, errors } = await open('index.html');
    for (const name of ['every_negative', 'repair_after_minimum', 'honours', 'commitments']) {
      const c = cases.find((x) => x.name === name);
      assert.ok(c, `golden case ${name} exists`);
      await loadEnterprise(page, join(FIXTURES, c.enterprise), c.as_of);
      // An edit that changes nothing (retype the name) makes the form the source of the next run.
      const nameValue = await page.inputValue('[data-path="name"]');
      await page.fill('[data-path="name"]', nameValue);
      await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; });
      await page.click('#evaluate');
      await page.waitForSelector('#result [data-testid="summary"], #result [data-testid="error"]');
      const shown = await shownEvaluation(page);
      assert.equal(shown.json, readFileSync(join(FIXTURES, c.expected), 'utf8'), `${name}: form round trip`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('records can be added and removed in the form, and the engine sees them', async () => {
    const { page, errors } = await open('index.html');
    const c = cases.find((x) => x.name === 'clean');
    await loadEnterprise(page, join(FIXTURES, c.enterprise), c.as_of);
    const clean = await shownEvaluation(page);
    // The ordinary environmental penalty of docs/records.md.
    await page.click('button[data-action="add-record"][data-kind="penalty"]');
    const last = await page.evaluate(() => document.querySelectorAll('[data-record]').length - 1);
    await page.selectOption(`[data-path="records[${last}].severity"]`, 'ordinary');
    await page.fill(`[data-path="records[${last}].decided_on"]`, '2026-03-02');
    await page.selectOption(`[data-path="records[${last}].domain"]`, 'environment');
    await page.fill(`[data-path="records[${last}].amount"]`, '50000');
    await page.click('#evaluate');
    await page.waitForSelector('[data-testid="reasons"] li[data-code="administrative_penalties"]');
    const withPenalty = await shownEvaluation(page);
    assert.equal(Number(clean.score) - Number(withPenalty.score), 36, 'an ordinary environmental penalty costs 30 x 1.2');
    await page.click(`button[data-action="remove-record"][data-index="${last}"]`);
    await page.click('#evaluate');
    await page.waitForFunction((score) => document.querySelector('[data-testid="score"]')?.textContent === score, clean.score);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('matching products from the sample catalog equal the finance goldens', async () => {
    const { page, errors } = await open('index.html');
    // xm-dishonest of fixtures/finance/demands.jsonl: its enterprise, amount, term and collateral.
    const lines = readFileSync(join(FIXTURES, 'finance', 'demands.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const id of ['xm-dishonest', 'xm-clean']) {
      const demand = lines.find((d) => d.id === id);
      const golden = readJson(join(FIXTURES, 'finance', 'expected', `${id}.json`));
      await page.fill('#demand-amount', String(demand.amount));
      await page.fill('#demand-term', String(demand.term_months));
      await page.selectOption('#demand-collateral', demand.collateral ?? 'none');
      await page.fill('#json-text', JSON.stringify(demand.enterprise));
      await page.fill('#as-of', golden.as_of);
      await page.evaluate(() => { document.querySelector('#result').innerHTML = ''; });
      await page.click('#json-apply');
      await page.waitForSelector('[data-testid="products"]');
      const shown = await page.evaluate(() => ({
        offers: [...document.querySelectorAll('[data-testid="offers"] .product')].map((p) => p.dataset.product),
        misses: [...document.querySelectorAll('[data-testid="near-misses"] .product')].map((p) => ({
          product: p.dataset.product,
          conditions: [...p.querySelectorAll('li')].map((li) => li.dataset.condition),
        })),
      }));
      assert.deepEqual(shown.offers, golden.eligible.map((o) => o.product), `${id}: eligible products`);
      assert.deepEqual(shown.misses, golden.near_misses.map((m) => ({ product: m.product, conditions: m.failed.map((g) => g.condition) })), `${id}: near misses and their gaps`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('timings: wasm instantiate and one evaluation, measured in the page (printed, not asserted)', async () => {
    const { page } = await open('index.html');
    const c = cases.find((x) => x.name === 'every_negative') ?? cases[0];
    const text = readFileSync(join(FIXTURES, c.enterprise), 'utf8');
    const measured = await page.evaluate(([doc, asOf]) => {
      const { Evaluator } = globalThis.xinyong;
      const evaluator = new Evaluator();
      const runs = [];
      for (let i = 0; i < 201; i += 1) {
        const start = performance.now();
        evaluator.evaluate(doc, asOf);
        runs.push(performance.now() - start);
      }
      evaluator.free();
      const first = runs.shift();
      runs.sort((a, b) => a - b);
      return {
        fetchMs: globalThis.xinyongTimings.fetchMs,
        warmUpMs: globalThis.xinyongTimings.warmUpMs,
        instantiateMs: globalThis.xinyongTimings.instantiateMs,
        firstEvaluationMs: first,
        medianEvaluationMs: runs[Math.floor(runs.length / 2)],
        p95EvaluationMs: runs[Math.floor(runs.length * 0.95)],
      };
    }, [text, c.as_of]);
    // The same module again, split into its steps: fetch (now from the HTTP cache), compile, and
    // instantiate with inert imports (nothing is called during instantiation).
    const steps = await page.evaluate(async () => {
      const url = new URL('../pkg/web/xinyong_wasm_bg.wasm', location.href);
      const t0 = performance.now();
      const bytes = await (await fetch(url)).arrayBuffer();
      const t1 = performance.now();
      const module = await WebAssembly.compile(bytes);
      const t2 = performance.now();
      const imports = {};
      for (const { module: name, name: field } of WebAssembly.Module.imports(module)) {
        imports[name] ??= {};
        imports[name][field] = () => undefined;
      }
      let instantiateMs = null;
      try {
        const t3 = performance.now();
        await WebAssembly.instantiate(module, imports);
        instantiateMs = performance.now() - t3;
      } catch {
        // A module that needs a real import while instantiating: only fetch and compile are shown.
      }
      return { bytes: bytes.byteLength, fetchMs: t1 - t0, compileMs: t2 - t1, instantiateMs };
    });
    assert.ok(Number.isFinite(measured.instantiateMs) && measured.instantiateMs >= 0, 'instantiate time was measured');
    assert.ok(Number.isFinite(measured.fetchMs) && measured.fetchMs >= 0, 'fetch time was measured');
    assert.ok(Number.isFinite(measured.warmUpMs) && measured.warmUpMs >= 0, 'the warm-up evaluation ran');
    assert.ok(steps.bytes > 0, 'the module was fetched');
    assert.ok(Number.isFinite(measured.medianEvaluationMs), 'evaluation time was measured');
    const budget = (value, limit) => `${value.toFixed(3)} ms (budget ${limit} ms: ${value < limit ? 'within' : 'OVER'})`;
    console.log(`wasm instantiate (compile + instantiate of the fetched bytes): ${budget(measured.instantiateMs, 50)}; fetch before it ${measured.fetchMs.toFixed(1)} ms; warm-up evaluation after it ${measured.warmUpMs.toFixed(1)} ms`);
    console.log(`  of which, measured again: fetch ${steps.fetchMs.toFixed(1)} ms (cached), compile ${steps.compileMs.toFixed(1)} ms, instantiate ${steps.instantiateMs === null ? 'n/a' : `${steps.instantiateMs.toFixed(1)} ms`}; module ${steps.bytes} bytes`);
    console.log(`first evaluation of ${c.name} after the warm-up: ${budget(measured.firstEvaluationMs, 1)}`);
    console.log(`evaluation, median of 200: ${budget(measured.medianEvaluationMs, 1)}; p95 ${measured.p95EvaluationMs.toFixed(3)} ms`);
    await page.close();
  });

  test('screenshot of the self-check page', async () => {
    const { page, errors } = await open('index.html');
    // A firm with reasons, a two-step plan that lifts it from B to A, offers and near misses.
    const c = cases.find((x) => x.name === 'judgment_debtor') ?? cases[0];
    await loadEnterprise(page, join(FIXTURES, c.enterprise), c.as_of);
    await page.evaluate(() => document.querySelector('#load-json').removeAttribute('open'));
    await screenshot(page, 'self-check.png');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('relationship view', () => {
  const shownCircles = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid="circle"]')].map((li) => ({
    id: Number(li.dataset.circle),
    members: li.dataset.members.split(' '),
    listed: [...li.querySelectorAll('.member-list > li')].map((m) => m.dataset.key),
  })));

  test('circle_of_five: the circles listed and highlighted equal the golden analysis', async () => {
    const { page, errors } = await open('graph.html');
    const golden = readJson(join(FIXTURES, 'graph', 'circle_of_five.expected.json'));
    await loadGraph(page, { path: join(FIXTURES, 'graph', 'circle_of_five.jsonl'), asOf: golden.config.as_of });
    const circles = await shownCircles(page);
    assert.deepEqual(circles, golden.circles.map((c) => ({ id: c.id, members: c.members, listed: c.members })));
    const highlighted = await page.evaluate(() => [...document.querySelectorAll('[data-testid="graph-svg"] g[data-circle]')].map((g) => g.dataset.key).sort());
    assert.deepEqual(highlighted, golden.circles.flatMap((c) => c.members).sort(), 'circle members are highlighted in the drawing');
    const drawn = await page.evaluate(() => document.querySelectorAll('[data-testid="graph-svg"] g[data-key]').length);
    assert.equal(drawn, 8, 'every node is drawn');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the same graph as a CSV edge table gives the same circles', async () => {
    const { page, errors } = await open('graph.html');
    const golden = readJson(join(FIXTURES, 'graph', 'circle_of_five.expected.json'));
    const columns = ['kind', 'from', 'to', 'amount', 'start', 'end', 'status'];
    const edges = readFileSync(join(FIXTURES, 'graph', 'circle_of_five.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((line) => JSON.parse(line)).filter((l) => l.edge).map((l) => columns.map((c) => l.edge[c] ?? '').join(','));
    await loadGraph(page, { text: [columns.join(','), ...edges].join('\n'), format: 'auto', asOf: golden.config.as_of });
    assert.deepEqual(await shownCircles(page), golden.circles.map((c) => ({ id: c.id, members: c.members, listed: c.members })));
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('ownership goldens: the beneficial owners listed equal each expected analysis', async () => {
    const { page, errors } = await open('graph.html');
    for (const name of ['worked_example', 'closed_ring', 'cycle_with_leakage', 'pyramid']) {
      const golden = readJson(join(FIXTURES, 'graph', `${name}.expected.json`));
      await loadGraph(page, { path: join(FIXTURES, 'graph', `${name}.jsonl`), asOf: '2026-06-30' });
      const shown = await page.evaluate(() => [...document.querySelectorAll('[data-testid="owners"]')].map((li) => ({
        firm: li.dataset.firm,
        basis: li.dataset.basis,
        owners: [...li.querySelectorAll('[data-person]')].map((o) => o.dataset.person),
      })));
      const expected = golden.firms.map((f) => f.beneficial_owners)
        .filter((b) => b.owners.length || b.controllers.length)
        .map((b) => ({ firm: b.firm, basis: b.basis, owners: b.owners.map((o) => o.person) }));
      assert.deepEqual(shown, expected, `${name}: beneficial owners`);
      const marked = await page.evaluate(() => [...document.querySelectorAll('[data-testid="graph-svg"] g[data-owner]')].map((g) => g.dataset.key).sort());
      assert.deepEqual(marked, [...new Set(expected.flatMap((b) => b.owners))].sort(), `${name}: owners highlighted`);
      const unresolvable = await page.evaluate(() => document.querySelectorAll('[data-testid="unresolvable"]').length);
      assert.equal(unresolvable, golden.unresolvable.length, `${name}: unresolvable cycles listed`);
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('groups: the group clients listed and marked equal the engine on the groups fixture', async () => {
    const { page, errors } = await open('graph.html');
    // The golden fixes a cap of two firms per key person; the page uses the engine's default
    // (20), so x's three firms form a fifth group (fixtures/graph/README.md).
    const golden = readJson(join(FIXTURES, 'graph', 'groups.expected.json'));
    await loadGraph(page, { path: join(FIXTURES, 'graph', 'groups.jsonl'), asOf: '2026-06-30' });
    const shown = await page.evaluate(() => [...document.querySelectorAll('[data-testid="group"]')]
      .map((li) => li.dataset.members.split(' ')));
    const x = ['91330100MA00007017', '91330100MA00007797', '91330100MA0000840X'];
    const expected = [...golden.groups.map((g) => g.members), x].sort((a, b) => a[0].localeCompare(b[0]));
    assert.deepEqual(shown, expected);
    const marked = await page.evaluate(() => [...document.querySelectorAll('[data-testid="graph-svg"] g[data-group]')].map((g) => g.dataset.key).sort());
    assert.deepEqual(marked, expected.flat().sort(), 'group members are marked in the drawing');
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('screenshot of the relationship view', async () => {
    const { page, errors } = await open('graph.html');
    const golden = readJson(join(FIXTURES, 'graph', 'circle_of_five.expected.json'));
    await loadGraph(page, { path: join(FIXTURES, 'graph', 'circle_of_five.jsonl'), asOf: golden.config.as_of });
    await screenshot(page, 'graph.png');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('accessibility basics', () => {
  // Every control has an accessible name from a <label> (or aria-label), results are announced,
  // and the document language follows the switch.
  const unlabelled = (page) => page.evaluate(() => [...document.querySelectorAll('input, select, textarea, button')]
    .filter((el) => !el.hidden && el.type !== 'hidden')
    .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent.trim())))
    .map((el) => el.id || el.outerHTML.slice(0, 80)));

  test('self-check page: labelled controls, a live result region, a language attribute', async () => {
    const { page } = await open('index.html');
    const c = cases.find((x) => x.name === 'every_negative') ?? cases[0];
    await loadEnterprise(page, join(FIXTURES, c.enterprise), c.as_of);
    assert.deepEqual(await unlabelled(page), []);
    assert.equal(await page.getAttribute('#result', 'aria-live'), 'polite');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    // An engine error is announced and moves focus to the field it names.
    await page.fill('[data-path="established_on"]', '2026-02-30');
    await page.click('#evaluate');
    await page.waitForSelector('[data-testid="error"][role="alert"]');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.path), 'established_on');
    assert.equal(await page.getAttribute('[data-path="established_on"]', 'aria-invalid'), 'true');
    await page.close();
  });

  test('relationship view: labelled controls and a labelled drawing', async () => {
    const { page } = await open('graph.html');
    await loadGraph(page, { path: join(FIXTURES, 'graph', 'pyramid.jsonl'), asOf: '2026-06-30' });
    assert.deepEqual(await unlabelled(page), []);
    assert.match(await page.getAttribute('[data-testid="graph-svg"]', 'aria-label'), /5/);
    assert.equal(await page.getAttribute('#graph-result', 'aria-live'), 'polite');
    await page.close();
  });
});

// ---- the bad-input catalogue -------------------------------------------------------------------

const CATALOGUE = join(FIXTURES, 'bad', 'catalogue.json');

// Surfaces the pages do not offer, and why; every other surface must be run below.
const NOT_APPLICABLE = {
  enterprise_jsonl: 'the self-check page evaluates one enterprise document, never a JSON Lines batch (tests/node covers batches)',
  model: 'the pages always use the embedded default model; there is no model input',
  uscc: 'the pages take a USCC only inside an enterprise or a graph, whose cases are run here; the bare-code check is tested in tests/node',
  catalog: 'the self-check page matches against the bundled sample catalog only',
  demand: 'the page builds the demand from its own amount, term and collateral fields around the enterprise; demand documents are tested in tests/node',
  pmml: 'the pages have no scorecard import',
};
// Cases of a surface the pages offer that are still not run in the browser, and why.
const CASE_NOT_APPLICABLE = {
  hub_with_a_million_holders: 'a generated 2,000,001-line (about 110 MB) graph is a scale test of the reader; pasting it into a page textarea tests the browser, not the engine (the Rust and Node suites run it)',
};

// The catalogue is committed: a missing file fails here rather than skipping the suite.
describe('bad-input catalogue (fixtures/bad/)', () => {
  const catalogue = readJson(CATALOGUE);
  const defaultAsOf = catalogue.as_of ?? '2026-06-30';

  test('every surface of the catalogue is either run here or listed as not applicable', () => {
    const known = new Set(['enterprise', 'graph_jsonl', 'graph_csv', ...Object.keys(NOT_APPLICABLE)]);
    for (const c of catalogue.cases) assert.ok(known.has(c.surface), `${c.name}: unknown surface ${c.surface}`);
    for (const name of Object.keys(CASE_NOT_APPLICABLE)) {
      assert.ok(catalogue.cases.some((c) => c.name === name), `${name} is listed as not applicable but is not in the catalogue`);
    }
    const skipped = catalogue.cases.filter((c) => NOT_APPLICABLE[c.surface] || CASE_NOT_APPLICABLE[c.name]);
    for (const c of skipped) console.log(`not applicable: ${c.surface}/${c.name}: ${CASE_NOT_APPLICABLE[c.name] ?? NOT_APPLICABLE[c.surface]}`);
  });

  test('enterprise documents: the self-check page shows the expected error kind', async () => {
    const { page } = await open('index.html');
    const run = catalogue.cases.filter((c) => c.surface === 'enterprise' && !CASE_NOT_APPLICABLE[c.name]);
    assert.ok(run.length > 0);
    for (const c of run) {
      assert.ok(c.file, `${c.name}: enterprise cases are files`);
      await loadEnterprise(page, join(FIXTURES, 'bad', c.file), c.as_of ?? defaultAsOf);
      const shown = await shownEvaluation(page);
      if (c.kind === null) {
        assert.equal(shown.error, null, `${c.name}: accepted`);
      } else {
        assert.equal(shown.error, c.kind, `${c.name}: ${c.why}`);
      }
    }
    console.log(`${run.length} enterprise cases run in the page`);
    await page.close();
  });

  test('graph files: the relationship view shows the expected error kind', async () => {
    const { page } = await open('graph.html');
    const run = catalogue.cases.filter((c) => (c.surface === 'graph_jsonl' || c.surface === 'graph_csv') && !CASE_NOT_APPLICABLE[c.name]);
    assert.ok(run.length > 0);
    for (const c of run) {
      assert.ok(c.file, `${c.name}: a file case (generated cases must be listed as not applicable)`);
      await loadGraph(page, { path: join(FIXTURES, 'bad', c.file), format: c.surface === 'graph_csv' ? 'csv' : 'jsonl', asOf: defaultAsOf });
      const error = await page.evaluate(() => document.querySelector('[data-testid="error-kind"]')?.textContent ?? null);
      assert.equal(error, c.kind, `${c.name}: ${c.why}`);
    }
    console.log(`${run.length} graph cases run in the page`);
    await page.close();
  });
});

async function screenshot(page, name) {
  // No focus ring from the test's typing, and fonts settled: the page as a reader first sees it.
  // The footer's timings change from run to run; hidden, the committed pictures stay stable.
  await page.evaluate(() => document.activeElement?.blur());
  await page.evaluate(() => { document.querySelector('#timings').style.visibility = 'hidden'; });
  await page.evaluate(() => document.fonts.ready);
  const artifact = join(ARTIFACTS, name);
  await page.screenshot({ path: artifact, fullPage: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  copyFileSync(artifact, join(SCREENSHOTS, name));
  console.log(`screenshot: ${artifact}`);
}
