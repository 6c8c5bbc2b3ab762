#!/usr/bin/env bash
# Builds the WebAssembly package: compiles crate xinyong-wasm for wasm32-unknown-unknown (profile
# wasm-release) and runs wasm-bindgen for the browser (bindings-wasm/pkg/web, an ES module whose
# default export is `init`) and for Node (bindings-wasm/pkg/node, CommonJS).
#
# No wasm-opt pass: npm's binaryen 132 (-Oz) shrinks the raw module by 10% but makes the gzipped
# one 18% larger, and takes over a minute; Debian's binaryen breaks the module (docs/wasm.md).
#
# Prints the module's size raw and gzipped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")"

bindgen="$(scripts/ensure-wasm-tools.sh | tail -n 1)"

# Cargo's first build for a target probes it with `rustc -`, whose input cargo takes from
# /dev/null. In some containers /dev/null is a regular file, and build scripts that silence
# rustc fill it with a rustc error text, which the probe then reads as its program and fails on
# ("unknown start of token"). Emptying it first is harmless where it is the real device.
if [ -f /dev/null ] && [ -w /dev/null ]; then : >/dev/null; fi
cargo build -p xinyong-wasm --profile wasm-release --target wasm32-unknown-unknown
module="$target_dir/wasm32-unknown-unknown/wasm-release/xinyong_wasm.wasm"

size() { printf '%8d raw  %8d gzip  %s\n' "$(wc -c <"$1")" "$(gzip -9 -c "$1" | wc -c)" "$2"; }

# Each output is generated beside its folder and then swapped in, so a page or test that is
# reading the package while it is rebuilt sees the old files or the new ones, not a gap.
for target in web nodejs; do
    out="bindings-wasm/pkg/${target%js}"
    next="$out.next"
    rm -rf "$next"
    "$bindgen" --target "$target" --out-dir "$next" --remove-name-section \
        --remove-producers-section "$module"
    # The package is an ES module package; the Node build is CommonJS and says so.
    if [ "$target" = nodejs ]; then printf '{ "type": "commonjs" }\n' >"$next/package.json"; fi
    rm -rf "$out.old"
    if [ -d "$out" ]; then mv "$out" "$out.old"; fi
    mv "$next" "$out"
    rm -rf "$out.old"
done

echo "sizes:"
size "$module" "cargo output ($module)"
size bindings-wasm/pkg/web/xinyong_wasm_bg.wasm "after wasm-bindgen (pkg/web)"
size bindings-wasm/pkg/node/xinyong_wasm_bg.wasm "after wasm-bindgen (pkg/node)"
