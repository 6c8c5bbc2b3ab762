// Loads the xinyong WebAssembly module (the `--target web` build) and times its start-up.
//
// The pages live in `www/` and the build in `pkg/web/`, both under `bindings-wasm/`, so the
// module is found at `../pkg/web/` relative to this page whenever `bindings-wasm/` (or any
// directory above it) is the root of the static server.

const MODULE_URL = new URL('../../pkg/web/xinyong_wasm.js', import.meta.url);
// Given explicitly: a loader generated with wasm-bindgen's omit-default-module-path option
// has no URL of its own for the .wasm file (the build used here has none).
const WASM_URL = new URL('../../pkg/web/xinyong_wasm_bg.wasm', import.meta.url);

/** Start-up and per-call timings in milliseconds, read by the browser test (never asserted). */
export const timings = { instantiateMs: null, evaluateMs: null };
globalThis.xinyongTimings = timings;

let loading = null;

/**
 * Import the module and instantiate the wasm once; resolves to the module's exports.
 * `instantiateMs` covers fetching, compiling and instantiating the `.wasm` file.
 */
export function loadEngine() {
  if (!loading) {
    loading = (async () => {
      const wasm = await import(MODULE_URL.href);
      const start = performance.now();
      await wasm.default({ module_or_path: WASM_URL });
      timings.instantiateMs = performance.now() - start;
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
