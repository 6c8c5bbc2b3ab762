// Loads the xinyong WebAssembly module (the `--target web` build) and times its start-up.
//
// The pages live in `www/` and the build in `pkg/web/`, both under `bindings-wasm/`, so the
// module is found at `../pkg/web/` relative to this page whenever `bindings-wasm/` (or any
// directory above it) is the root of the static server.

const MODULE_URL = new URL('../../pkg/web/xinyong_wasm.js', import.meta.url);
// Given explicitly: a loader generated with wasm-bindgen's omit-default-module-path option
// has no URL of its own for the .wasm file (the build used here has none).
const WASM_URL = new URL('../../pkg/web/xinyong_wasm_bg.wasm', import.meta.url);

/**
 * Start-up and per-call timings in milliseconds, read by the browser test (never asserted).
 * `fetchMs` is the download of the `.wasm` file (a matter of the server and the network);
 * `instantiateMs` is what the engine itself costs before its first call: compiling and
 * instantiating the downloaded bytes; `warmUpMs` is the one evaluation run right after, while
 * the page is still loading (see `WARM_UP_FIRM`).
 */
export const timings = { fetchMs: null, instantiateMs: null, warmUpMs: null, evaluateMs: null };

/**
 * A small firm evaluated once as soon as the module is ready. The browser compiles each wasm
 * function the first time it runs, which makes a cold first evaluation take milliseconds
 * instead of a fraction of one; paying that during page load keeps the user's first result
 * as fast as every later one.
 */
const WARM_UP_FIRM = JSON.stringify({
  uscc: '913502001550002245',
  name: 'warm-up',
  established_on: '2015-03-10',
  status: 'operating',
  registered_capital: '5000000',
  industry: 'C3911',
  size: 'small',
  ratings: { tax_grades: { 2024: 'A', 2025: 'B' }, samr_risk: 'B' },
  finance: {
    tax_paid_12m: '150000', revenue_12m: '12000000', last_tax_payment_on: '2026-06-15',
    social_insurance_headcount: 25, social_insurance_months_paid_12m: 11,
  },
  // One record of each kind, so that every evaluation path has run once.
  records: [
    { kind: 'penalty', severity: 'ordinary', domain: 'safety', amount: '150000', decided_on: '2026-02-01' },
    { kind: 'listing', list: 'dishonest_debtor', listed_on: '2026-01-01' },
    { kind: 'arrears', arrears: 'tax', amount: '1000', since: '2026-03-01' },
    { kind: 'commitment', made_on: '2025-01-01', status: 'breached', resolved_on: '2025-12-01' },
    { kind: 'honour', honour: 'high_tech', awarded_on: '2023-05-01' },
  ],
});
const WARM_UP_AS_OF = '2026-06-30';
globalThis.xinyongTimings = timings;

let loading = null;

/**
 * Import the module and instantiate the wasm once; resolves to the module's exports.
 * The bytes are downloaded first and compiled from memory, so the two costs are timed apart.
 */
export function loadEngine() {
  if (!loading) {
    loading = (async () => {
      const wasm = await import(MODULE_URL.href);
      const start = performance.now();
      const response = await fetch(WASM_URL);
      if (!response.ok) throw new Error(`${WASM_URL.href}: HTTP ${response.status}`);
      const bytes = await response.arrayBuffer();
      const fetched = performance.now();
      await wasm.default({ module_or_path: bytes });
      timings.fetchMs = fetched - start;
      timings.instantiateMs = performance.now() - fetched;
      const ready = performance.now();
      const evaluator = new wasm.Evaluator();
      try {
        evaluator.evaluate(WARM_UP_FIRM, WARM_UP_AS_OF);
      } finally {
        evaluator.free();
      }
      timings.warmUpMs = performance.now() - ready;
      globalThis.xinyong = wasm;
      return wasm;
    })();
  }
  return loading;
}

/** Run `fn` and record its duration as the evaluation time. */
export function timed(fn) {
  const start = performance.now();
  const result = fn();
  timings.evaluateMs = performance.now() - start;
  return result;
}

/**
 * An engine error as {kind, message, path, index}. The module throws `Error` objects whose
 * `name` is the engine's error kind; anything else (a JSON syntax error of the page's own
 * parsing, say) keeps its own name.
 */
export function describeError(err) {
  if (err && typeof err === 'object') {
    return {
      kind: String(err.name ?? 'error'),
      message: String(err.message ?? err),
      path: err.path ?? null,
      index: err.index ?? null,
    };
  }
  return { kind: 'error', message: String(err), path: null, index: null };
}
