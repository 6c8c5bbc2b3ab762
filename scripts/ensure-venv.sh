#!/usr/bin/env bash
# Make sure .venv exists and holds the pinned packages of the given requirement files
# (default: tests/requirements.txt).
#
# Usage: scripts/ensure-venv.sh [REQUIREMENTS_FILE...]
#
# Idempotent: the virtual environment is created only when missing (or broken), and pip runs
# only when `pip freeze` does not already list every pinned requirement. Silent when there is
# nothing to do.
#
# Environment: PYTHON (interpreter used to create the venv, default python3),
#              VENV (location, default .venv at the repository root).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
venv="${VENV:-$root/.venv}"
if [ "$#" -eq 0 ]; then
    set -- "$root/tests/requirements.txt"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1

if ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "creating Python virtual environment at $venv"
    if ! "$python" -m venv --clear "$venv"; then
        echo "error: '$python -m venv' failed (on Debian, install the python3-venv package)" >&2
        exit 1
    fi
fi

# Lower-case and collapse runs of '-', '_' and '.' (PEP 503 names), so `Pygments==2.21.0`
# in the requirements matches `pygments==2.21.0` from pip freeze.
normalize() {
    sed -e 's/[[:space:]]*#.*$//' -e 's/[[:space:]]//g' -e '/^$/d' \
        | awk -F'==' '{ name = tolower($1); gsub(/[-_.]+/, "-", name); print name "==" $2 }' \
        | sort -u
}

wanted="$(cat "$@" | normalize)"
installed="$("$venv/bin/python" -m pip freeze --all 2>/dev/null | normalize)"
missing="$(comm -23 <(printf '%s\n' "$wanted") <(printf '%s\n' "$installed"))"

if [ -n "$missing" ]; then
    echo "installing pinned requirements into $venv:" $missing
    args=()
    for file in "$@"; do args+=(-r "$file"); done
    "$venv/bin/python" -m pip install --quiet "${args[@]}"
fi
