#!/bin/sh
# tests/prism/run.sh - activd behind an independent validating proxy.
#
# Starts $ACTIVD_BIN (default build/activd) on a free port, saves the
# /openapi.json it serves, and runs contract.test.mjs: every curl example of
# README.md and docs/api.md and one request for every problem type goes
# through Stoplight Prism (`prism proxy --errors`), which checks the request
# and the daemon's answer against that document. @stoplight/prism-cli comes
# from package-lock.json via npm ci, once; later runs are offline.
#
# The daemon runs with --max-buffer 4096 (so a 5 KB body provokes 503
# unavailable) and, unless it is a sanitizer build, under ulimit -v 600000
# (so a 16Mi-element answer provokes 500 internal; small requests need
# ~250 MB of address space).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/common/script-daemon.sh"

cd "$here"
npm_ci_once "prism test"
bin=${ACTIVD_BIN:-build/activd}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
# ASan reserves terabytes of address space: no ulimit -v for it
if grep -qa __asan_init "$bin"; then
    OOM=0
else
    OOM=1
    ACTIVD_VMEM_KB=600000
    export ACTIVD_VMEM_KB
fi
start_activd "prism test" --threads 2 --max-buffer 4096
curl -sf "http://127.0.0.1:$port/openapi.json" -o "$tmp/openapi.json"

DAEMON=http://127.0.0.1:$port DOC=$tmp/openapi.json ROOT=$root OOM=$OOM \
    node contract.test.mjs
