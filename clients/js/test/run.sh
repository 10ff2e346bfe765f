#!/bin/sh
# clients/js/test/run.sh - the TypeScript client, type-checked, against activd.
#
# Installs openapi-fetch, openapi-typescript and typescript from
# package-lock.json once (npm ci; later runs are offline), compiles src/ and
# test/ with tsc (a type error fails the suite), starts $ACTIVD_BIN (default
# build/activd) on a free port and runs dist/test/client.test.js against it.
#
#   run.sh --generate   rewrite src/schema.ts from the daemon's /openapi.json
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/common/script-daemon.sh"

cd "$here"
npm_ci_once "js client"
if [ "${1:-}" = --generate ]; then
    start_activd "js client"
    node generate.mjs "http://127.0.0.1:$port/openapi.json" src/schema.ts
    echo "wrote clients/js/src/schema.ts"
    exit 0
fi
rm -rf dist
if ! node node_modules/typescript/bin/tsc -p .; then
    echo "js client: 0 passed, 1 failed (tsc)"
    exit 1
fi
start_activd "js client"
BASE=http://127.0.0.1:$port node dist/test/client.test.js
