# tests/common/script-daemon.sh - sourced by the shell-driven suites
# (tests/openapi, tests/browser): install their npm packages once and run
# activd on a free port for them.
#
#   . "$root/tests/common/script-daemon.sh"
#   npm_ci_once            # in the suite's folder; later runs are offline
#   start_activd NAME [ARGS]  # sets $port; the daemon and $tmp go away on exit
#                             # ARGS: more activd flags; ACTIVD_VMEM_KB: ulimit -v
#                             # for the daemon alone (provokes its out-of-memory path)

# npm ci only when node_modules is missing or older than the lockfile.
# --ignore-scripts: no suite needs an install script, and none of the
# packages' code runs before the suite itself does.
npm_ci_once() {
    command -v npm >/dev/null || { echo "$1: npm not found" >&2; exit 1; }
    if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error --prefer-offline --ignore-scripts
    fi
}

# $ACTIVD_BIN (default build/activd, relative to $root) with --port 0: the
# port is read from its "listening on" line.
start_activd() {
    name=$1
    shift
    bin=${ACTIVD_BIN:-build/activd}
    case $bin in /*) ;; *) bin=$root/$bin ;; esac
    tmp=$(mktemp -d)
    : >"$tmp/log"
    (
        if [ -n "${ACTIVD_VMEM_KB:-}" ]; then ulimit -v "$ACTIVD_VMEM_KB"; fi
        exec "$bin" --bind 127.0.0.1 --port 0 --log off "$@" 2>"$tmp/log"
    ) &
    pid=$!
    trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
    port=
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/log")
        [ -n "$port" ] && return 0
        kill -0 $pid 2>/dev/null || { cat "$tmp/log" >&2; exit 1; }
        sleep 0.05
    done
    echo "$name: activd did not start" >&2
    cat "$tmp/log" >&2
    exit 1
}
