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
. "$root/tests/common/script-daemon.sh"

cd "$here"
npm_ci_once "openapi test"
start_activd "openapi test"
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
