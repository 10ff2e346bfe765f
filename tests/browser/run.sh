#!/bin/sh
# tests/browser/run.sh - the web page in Debian's headless Chromium.
#
# Starts $ACTIVD_BIN (default build/activd) on a free port, installs
# playwright-core from package-lock.json once (npm ci; later runs are
# offline), and runs page.test.mjs against it. The screenshot goes to
# tests/artifacts/page.png. Needs the Debian packages chromium and nodejs
# (tools/deps.sh installs them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "browser test: $chromium not found (apt-get install chromium)" >&2; exit 1; }
. "$root/tests/common/script-daemon.sh"

cd "$here"
npm_ci_once "browser test"
start_activd "browser test"

mkdir -p "$root/tests/artifacts"
BASE=http://127.0.0.1:$port CHROMIUM=$chromium ARTIFACTS=$root/tests/artifacts node page.test.mjs
