// Measures the WebAssembly package in Node: module size, compile + instantiate time, the first
// Evaluator (compiling the default model), and one evaluation (median of many after warm-up).
// Not a test: run `node tests/node/measure.mjs` after `make wasm-build`; docs/wasm.md records
// the numbers. Each run is a fresh process, so the instantiate time is a cold one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { FIXTURES } from './helpers.mjs';

// XINYONG_WASM_WEB_DIR measures another web build (e.g. one made with a different opt-level).
const pkg = process.env.XINYONG_WASM_WEB_DIR
  ? new URL(`file://${join(process.env.XINYONG_WASM_WEB_DIR, '/')}`)
  : new URL('../../bindings-wasm/pkg/web/', import.meta.url);
const bytes = readFileSync(new URL('xinyong_wasm_bg.wasm', pkg));
const web = await import(new URL('xinyong_wasm.js', pkg).href);

const ms = (t0) => (performance.now() - t0).toFixed(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

let t0 = performance.now();
web.initSync({ module: bytes });
const instantiate = ms(t0);

t0 = performance.now();
const evaluator = new web.Evaluator();
const firstEvaluator = ms(t0);

const enterpriseJson = readFileSync(join(FIXTURES, 'enterprises', 'every_negative.json'), 'utf8');
const enterprise = JSON.parse(enterpriseJson);
t0 = performance.now();
evaluator.evaluate(enterprise, '2026-06-30');
const firstEvaluation = ms(t0);

function timeEach(fn, n) {
  for (let i = 0; i < 200; i += 1) fn();
  const times = [];
  for (let i = 0; i < n; i += 1) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times).toFixed(3);
}

const result = {
  wasm_bytes: bytes.length,
  wasm_gzip_bytes: gzipSync(bytes, { level: 9 }).length,
  instantiate_ms: Number(instantiate),
  first_evaluator_ms: Number(firstEvaluator),
  first_evaluation_ms: Number(firstEvaluation),
  evaluate_object_median_ms: Number(timeEach(() => evaluator.evaluate(enterprise, '2026-06-30'), 2000)),
  evaluate_json_median_ms: Number(timeEach(() => evaluator.evaluateJson(enterpriseJson, '2026-06-30'), 2000)),
  node: process.version,
};
console.log(JSON.stringify(result));
