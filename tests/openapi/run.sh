#!/bin/sh
# tests/openapi/run.sh - lint the OpenAPI document activd serves.
#
# Starts $ACTIVD_BIN (default build/activd) on a free port, fetches
# /openapi.json (docs/openapi.json completed with the registry's names and
# the problem types) and runs `redocly lint` on it with redocly.yaml
# (recommended-strict: OpenAPI 3.1 structure, examples valid against their
# schemas, every operation with a 4xx, no unused components; warnings fail).
# @redocly/cli comes from package-lock.json via npm ci, once; later runs are
# offline.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${ACTIVD_BIN:-build/activd}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
command -v npm >/dev/null || { echo "openapi test: npm not found" >&2; exit 1; }

cd "$here"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error --prefer-offline
fi

tmp=$(mktemp -d)
: >"$tmp/log" # exists before the daemon writes it: sed below must not race the redirection
"$bin" --bind 127.0.0.1 --port 0 --log off 2>"$tmp/log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/log")
    [ -n "$port" ] && break
    kill -0 $pid 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }
    sleep 0.05
done
[ -n "$port" ] || { echo "openapi test: activd did not start" >&2; exit 1; }
curl -sf "http://127.0.0.1:$port/openapi.json" -o "$tmp/openapi.json"

# no telemetry or update check: the machine is offline, and a test must not phone home
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
if node node_modules/@redocly/cli/bin/cli.js lint --config redocly.yaml --format=stylish \
    "$tmp/openapi.json" >"$tmp/out" 2>&1; then
    grep -v '^ *[║╔╚]' "$tmp/out" | grep -v '^$'
    echo "openapi: 1 passed, 0 failed"
else
    cat "$tmp/out"
    echo "openapi: 0 passed, 1 failed"
    exit 1
fi
