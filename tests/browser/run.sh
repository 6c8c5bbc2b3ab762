#!/usr/bin/env bash
# Serve bindings-wasm/ on a free loopback port, run the browser test against it, stop the server.
# Called by `make browser-test` once Chromium, the npm packages, the wasm build and the samples
# are in place. The server picks its own port (port 0), so two runs never collide.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"

log="$(mktemp)"
"$python" -u -m http.server 0 --bind 127.0.0.1 --directory "$root/bindings-wasm" >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$log"
}
trap cleanup EXIT INT TERM

# http.server prints "Serving HTTP on 127.0.0.1 port N (...)" once it listens.
port=""
for _ in $(seq 1 100); do
    port="$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$log" | head -n 1)"
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "the static server exited" >&2; exit 1; }
    sleep 0.1
done
if [ -z "$port" ]; then
    cat "$log" >&2
    echo "the static server did not report its port" >&2
    exit 1
fi

echo "serving bindings-wasm/ on http://127.0.0.1:$port/"
cd "$here"
XINYONG_PAGES_URL="http://127.0.0.1:$port/www/" node --test --test-concurrency=1 pages.test.mjs
