#!/usr/bin/env bash
# Make sure Debian's Chromium (and a font that covers Chinese) is installed, for the headless
# browser test. Idempotent: does nothing when both are present. Never downloads a browser build
# of its own: the test drives the distribution's binary through playwright-core's executablePath.
set -euo pipefail

# A CJK font: without one the pages' Chinese text renders as empty boxes in screenshots.
font_pkg=fonts-wqy-microhei

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg-query -W -f='${Status}' "$font_pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$font_pkg")

# The package version, not `chromium --version`: Debian's wrapper script prints shell noise.
version() { dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo 'not from a package'; }

if [ "${#missing[@]}" -eq 0 ]; then
    echo "chromium present: $(version)"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "missing ${missing[*]} and no apt-get to install them" >&2
    exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi

echo "installing ${missing[*]} from the distribution's packages"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "chromium installed: $(version)"
