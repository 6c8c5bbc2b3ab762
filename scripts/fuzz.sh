#!/usr/bin/env bash
# Runs every cargo-fuzz target (or those named) for FUZZ_SECONDS seconds each (default 60),
# seeded with the fixture folders listed in fuzz/seeds.tsv. New corpus entries go to
# fuzz/corpus/<target>/ (not committed); a crash is left by libFuzzer in fuzz/artifacts/<target>/:
# copy it to fuzz/regressions/<target>/ and commit it, so `cargo test` replays it for good.
#
# Needs the nightly toolchain; installs cargo-fuzz when it is missing.
# Usage: scripts/fuzz.sh [TARGET...]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-60}"

if ! rustup toolchain list | grep -q '^nightly'; then
    echo "error: fuzzing needs the nightly toolchain (rustup toolchain install nightly)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
    mapfile -t targets < <(grep -v '^#' fuzz/seeds.tsv | cut -f1 | sed '/^$/d')
fi

status=0
for target in "${targets[@]}"; do
    seeds="$(awk -F'\t' -v t="$target" '$1 == t { print $2 }' fuzz/seeds.tsv)"
    if [ -z "$seeds" ]; then
        echo "error: no target '$target' in fuzz/seeds.tsv" >&2
        exit 1
    fi
    mkdir -p "fuzz/corpus/$target"
    echo "==> fuzz $target for ${seconds}s"
    # shellcheck disable=SC2086 # the seed folders are meant to split
    if ! cargo +nightly fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" $seeds -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        2> >(tee "fuzz/$target.log" >&2); then
        echo "fuzz $target FAILED: see fuzz/artifacts/$target/ and fuzz/$target.log" >&2
        status=1
    fi
done
exit "$status"
