//! WebAssembly bindings of the `xinyong` engine, for Node (`--target nodejs`) and the browser
//! (`--target web`).
//!
//! Every exported function converts its JavaScript inputs, calls one engine function and converts
//! the result back: plain JSON-compatible objects (decimals as strings, dates as `YYYY-MM-DD`),
//! and engine errors thrown as real `Error` objects whose `name` is the engine's error kind. The
//! modules mirror the engine's: [`uscc`], [`model`], [`evaluate`], [`graph`], [`finance`],
//! [`scorecard`], [`metrics`] and [`synth`] (synthetic registries, demands and catalogs). The
//! JavaScript API is documented in `docs/wasm.md`.

pub mod evaluate;
pub mod finance;
pub mod graph;
pub mod metrics;
pub mod model;
pub mod scorecard;
pub mod synth;
pub mod uscc;

/// The object shapes every export is typed against (see `types/xinyong.d.ts`).
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../types/xinyong.d.ts");

mod convert;
mod error;

use wasm_bindgen::prelude::wasm_bindgen;

/// The engine version this module was built from (the workspace version).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every engine error kind, as the `name` of thrown errors may be; for callers that handle each.
#[wasm_bindgen(js_name = errorKinds, unchecked_return_type = "ErrorKind[]")]
pub fn error_kinds() -> Vec<String> {
    xinyong::Error::KINDS.iter().map(|k| (*k).to_owned()).collect()
}
