#!/bin/sh
# make container-test: build the image from the unchanged docker/Dockerfile
# with podman (docker format, so HEALTHCHECK survives), run it the way the
# Kubernetes manifests do (read-only root, no capabilities, its numeric
# non-root user), and check it serves, is healthy and stops cleanly.
#
#   1. podman set-up when needed (docker/podman-setup.sh)
#   2. podman build --format docker -f docker/Dockerfile .
#   3. image size <= ACTIVD_IMAGE_MAX_MB (100, in 10^6 bytes)
#   4. GET /healthz 200, POST /eval sigmoid [0] -> y [0.5], runs as uid 10001
#   5. the image's HEALTHCHECK reports healthy
#   6. SIGTERM (podman stop): exit code 0 within 5 s
#
# Env: ACTIVD_IMAGE (default localhost/activd:test), ACTIVD_IMAGE_MAX_MB,
#      CONTAINER_TEST_RMI=1 removes the image afterwards (kept by default),
#      CONTAINER_TEST_PRUNE=0 keeps untagged images of earlier builds (by
#      default they are pruned; the build stage is kept as <image>-build:cache).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
IMAGE=${ACTIVD_IMAGE:-localhost/activd:test}
MAX_MB=${ACTIVD_IMAGE_MAX_MB:-100}
NAME=activd-container-test-$$
STOP_LIMIT=5
fails=0

say() { echo "container-test: $*"; }
passes=0
ok() { echo "container-test: ok   $*"; passes=$((passes + 1)); }
bad() { echo "container-test: FAIL $*"; fails=$((fails + 1)); }

cleanup() {
    podman rm -f -t 0 "$NAME" >/dev/null 2>&1 || true
    if [ "${CONTAINER_TEST_RMI:-0}" = 1 ]; then podman rmi -f "$IMAGE" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT INT TERM

for t in curl; do
    command -v $t >/dev/null || { say "needs $t"; exit 1; }
done

# ---- 1. set-up -------------------------------------------------------------------
sh "$here/podman-setup.sh"

# ---- 2. build ------------------------------------------------------------------
version=$(sed -n 's/^#define ACTIV_VERSION_STRING "\(.*\)"/\1/p' lib/include/activ.h)
revision=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
log="$repo/build/container-build.log"
mkdir -p "$repo/build"
say "building $IMAGE (log: build/container-build.log)"
# The host's extra CA for node/npm (a TLS-intercepting proxy in front of the
# npm registry), passed to the build stage's `make test` when there is one.
set --
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then
    set -- -v "$NODE_EXTRA_CA_CERTS:/run/build-ca.crt:ro" --build-arg NODE_EXTRA_CA_CERTS=/run/build-ca.crt
    say "passing the host's NODE_EXTRA_CA_CERTS to the build stage"
fi
t0=$(date +%s)
if ! podman build --format docker -f docker/Dockerfile -t "$IMAGE" "$@" \
    --build-arg VERSION="$version" --build-arg REVISION="$revision" . >"$log" 2>&1; then
    tail -n 40 "$log"
    say "FAIL podman build (full log: $log)"
    exit 1
fi
grep -E '^(== |make test:|stage-runtime:|build-test:)' "$log" | sed 's/^/  build: /' || true
say "built in $(($(date +%s) - t0)) s"
# Keep disk use bounded over many runs: name the build stage (a cache hit,
# about a second) so its layers -- the -dev packages above all -- stay
# cached, then drop the untagged images older builds left behind.
if [ "${CONTAINER_TEST_PRUNE:-1}" = 1 ]; then
    podman build --format docker -f docker/Dockerfile --target build -t "${IMAGE%:*}-build:cache" "$@" \
        --build-arg VERSION="$version" --build-arg REVISION="$revision" . >>"$log" 2>&1 &&
        podman image prune -f >/dev/null 2>&1 || true
fi

# ---- 3. size -------------------------------------------------------------------
size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
size_mb=$(awk -v s="$size" 'BEGIN{printf "%.1f", s/1e6}')
if [ "$size" -le $((MAX_MB * 1000000)) ]; then
    ok "image size $size_mb MB ($size bytes, limit $MAX_MB MB)"
else
    bad "image size $size_mb MB ($size bytes) is over $MAX_MB MB"
fi
user=$(podman image inspect --format '{{.Config.User}}' "$IMAGE")
hc=$(podman image inspect --format '{{json .HealthCheck}}' "$IMAGE")
case "$hc" in *Test*) ok "image has HEALTHCHECK $hc" ;; *) bad "image has no HEALTHCHECK ($hc)" ;; esac
stopsig=$(podman image inspect --format '{{.Config.StopSignal}}' "$IMAGE")
[ "$stopsig" = SIGTERM ] && ok "STOPSIGNAL $stopsig" || bad "STOPSIGNAL is '$stopsig'"

# ---- 4. run and serve -----------------------------------------------------------
# Read-only root and no capabilities, as deploy/k8s runs it. (podman prints a
# harmless error about systemd timers for the healthcheck on machines without
# systemd; step 5 runs the check by hand.)
podman run -d --name "$NAME" --read-only --cap-drop=all \
    --security-opt=no-new-privileges -p 127.0.0.1::8080 "$IMAGE" >/dev/null 2>"$repo/build/container-run.err" ||
    { cat "$repo/build/container-run.err"; say "FAIL podman run"; exit 1; }
port=$(podman port "$NAME" 8080/tcp | sed -n 's/.*:\([0-9]*\)$/\1/p' | head -n 1)
[ -n "$port" ] || { say "FAIL no published port"; podman logs "$NAME"; exit 1; }
base="http://127.0.0.1:$port"
say "container $NAME serves on $base"

code=000
i=0
while [ $i -lt 100 ]; do # 10 s
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$base/healthz" || true)
    [ "$code" = 200 ] && break
    sleep 0.1
    i=$((i + 1))
done
if [ "$code" = 200 ]; then ok "GET /healthz -> 200"; else
    bad "GET /healthz -> $code"
    podman logs "$NAME" 2>&1 | tail -n 20
fi

body=$(curl -s --max-time 5 -H 'Content-Type: application/json' \
    -d '{"activation":"sigmoid","x":[0]}' "$base/eval" || true)
if printf '%s' "$body" | tr -d ' \n' | grep -q '"y":\[0\.5\]'; then
    ok "POST /eval sigmoid [0] -> $body"
else
    bad "POST /eval sigmoid [0] -> '$body' (want y [0.5])"
fi

uid=$(podman exec "$NAME" sh -c 'id -u' 2>/dev/null || echo '?')
[ "$uid" != 0 ] && [ "$uid" != '?' ] && ok "runs as uid $uid (image USER $user)" ||
    bad "runs as uid '$uid' (image USER $user)"

# ---- 5. the image's own health check ----------------------------------------------
hstatus=unknown
i=0
while [ $i -lt 5 ]; do
    if podman healthcheck run "$NAME" >/dev/null 2>&1; then
        hstatus=$(podman inspect --format '{{.State.Health.Status}}' "$NAME" 2>/dev/null ||
            podman inspect --format '{{.State.Healthcheck.Status}}' "$NAME")
        [ "$hstatus" = healthy ] && break
    fi
    sleep 1
    i=$((i + 1))
done
[ "$hstatus" = healthy ] && ok "health status: $hstatus" || bad "health status: $hstatus"

# ---- 6. SIGTERM stop -------------------------------------------------------------
t0=$(date +%s%N)
podman stop -t 30 "$NAME" >/dev/null 2>>"$repo/build/container-run.err"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
exitcode=$(podman inspect --format '{{.State.ExitCode}}' "$NAME")
secs=$(awk -v m="$ms" 'BEGIN{printf "%.2f", m/1000}')
# when the process itself ended, as podman recorded it (podman stop also
# spends time on its own clean-up)
fin=$(podman inspect --format '{{.State.FinishedAt}}' "$NAME" | sed 's/ +0000 UTC$/ UTC/')
fin_ns=$(date -d "$fin" +%s%N 2>/dev/null || echo "")
exited=""
[ -n "$fin_ns" ] && exited=" (process exited $(awk -v n=$((fin_ns - t0)) 'BEGIN{printf "%.2f", n/1e9}') s after the stop began)"
if [ "$exitcode" = 0 ] && [ "$ms" -le $((STOP_LIMIT * 1000)) ]; then
    ok "SIGTERM stop: exit code $exitcode, podman stop took $secs s$exited (limit $STOP_LIMIT s)"
else
    bad "SIGTERM stop: exit code $exitcode, podman stop took $secs s$exited (want 0 within $STOP_LIMIT s)"
fi
podman logs "$NAME" 2>&1 | tail -n 3 | sed 's/^/  log: /'

say "image $IMAGE, $size_mb MB"
echo "container-test: $passes passed, $fails failed"
[ $fails -eq 0 ]
