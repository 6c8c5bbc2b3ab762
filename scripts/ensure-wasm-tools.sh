#!/usr/bin/env bash
# Installs what building the WebAssembly package needs, skipping whatever is already present:
#   - the wasm32-unknown-unknown Rust target;
#   - a wasm-bindgen command line of exactly the version of the `wasm-bindgen` crate in
#     Cargo.lock (the generated JavaScript and the module must come from the same version).
#
# The command line is built from tools/wasm-bindgen, a small binary over the
# wasm-bindgen-cli-support library (identical output to the official CLI, a fraction of its
# build time). It lands in $CARGO_TARGET_DIR (default target/)/wasm-tools/release/wasm-bindgen; a
# `wasm-bindgen` already on PATH with the right version is used instead.
#
# Prints the path of the wasm-bindgen to use on its last line of stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target_dir="$(realpath -m "${CARGO_TARGET_DIR:-target}")"

log() { printf '%s\n' "$*" >&2; }

# The version of one package in Cargo.lock.
locked_version() {
    awk -v name="$1" '
        $0 == "[[package]]" { in_pkg = 0 }
        $0 == "name = \"" name "\"" { in_pkg = 1; next }
        in_pkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock
}

if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "wasm32-unknown-unknown: installed"
else
    log "wasm32-unknown-unknown: adding"
    rustup target add wasm32-unknown-unknown >&2
fi

version="$(locked_version wasm-bindgen)"
if [ -z "$version" ]; then
    log "no wasm-bindgen in Cargo.lock: run cargo build -p xinyong-wasm first"
    exit 1
fi

if command -v wasm-bindgen >/dev/null 2>&1 && [ "$(wasm-bindgen --version)" = "wasm-bindgen $version" ]; then
    log "wasm-bindgen $version: on PATH"
    command -v wasm-bindgen
    exit 0
fi

tool="$target_dir/wasm-tools/release/wasm-bindgen"
# The tool pins the library with `=`; it must name the locked version.
pinned="$(sed -n 's/^wasm-bindgen-cli-support = "=\(.*\)"$/\1/p' tools/wasm-bindgen/Cargo.toml)"
if [ "$pinned" != "$version" ]; then
    log "tools/wasm-bindgen pins wasm-bindgen-cli-support $pinned but Cargo.lock has wasm-bindgen $version:"
    log "update the pin (and the package version) in tools/wasm-bindgen/Cargo.toml"
    exit 1
fi
# Cargo makes this a sub-second no-op when the tool is up to date, and rebuilds it when its
# source changed: cheaper and safer than guessing from the binary alone.
log "wasm-bindgen $version: building tools/wasm-bindgen (no-op when up to date)"
start=$SECONDS
# A target directory of its own means a new target probe: see scripts/build-wasm.sh on why
# /dev/null is emptied first.
if [ -f /dev/null ] && [ -w /dev/null ]; then : >/dev/null; fi
cargo build --release --locked --manifest-path tools/wasm-bindgen/Cargo.toml \
    --target-dir "$target_dir/wasm-tools" >&2
log "wasm-bindgen $version: built in $((SECONDS - start)) s"
if [ "$("$tool" --version)" != "wasm-bindgen $version" ]; then
    log "tools/wasm-bindgen reports $("$tool" --version); its package version must equal $version"
    exit 1
fi
echo "$tool"
