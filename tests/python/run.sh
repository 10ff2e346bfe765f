#!/bin/sh
# tests/python/run.sh - the Python client's suite (part of make test) against
# an activd on a free port. Debian's python3; with python3-numpy (installed
# here when root) the binary fast path is tested too.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
EXTRA_PKGS="python3 python3-numpy" tools/deps.sh || true
PY=${PYTHON:-/usr/bin/python3}
[ -x "$PY" ] || { echo "tests/python: no $PY (apt-get install python3)" >&2; exit 1; }
. "$root/tests/common/script-daemon.sh"
start_activd tests/python
ACTIV_URL=http://127.0.0.1:$port "$PY" tests/python/test_activ_client.py
