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
bin=${ACTIVD_BIN:-build/activd}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "browser test: $chromium not found (apt-get install chromium)" >&2; exit 1; }
command -v npm >/dev/null || { echo "browser test: npm not found" >&2; exit 1; }

cd "$here"
# npm ci only when node_modules is missing or older than the lockfile
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error --prefer-offline
fi

log=$(mktemp)
"$bin" --bind 127.0.0.1 --port 0 --log off 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT INT TERM
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$log")
    [ -n "$port" ] && break
    kill -0 $pid 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.05
done
[ -n "$port" ] || { echo "browser test: activd did not start" >&2; cat "$log" >&2; exit 1; }

mkdir -p "$root/tests/artifacts"
BASE=http://127.0.0.1:$port CHROMIUM=$chromium ARTIFACTS=$root/tests/artifacts node page.test.mjs
