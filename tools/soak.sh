#!/bin/sh
# soak.sh - activd under wrk for SOAK_SECONDS (default 600) at SOAK_CONNS
# (256) connections with a mixed workload (tools/soak.lua: small JSON,
# query string, binary, /grad softmax, an 800-point range, /plot SVG, and
# three error types). Prints the counts per type and status, socket
# errors, requests/s, latency percentiles and the daemon's RSS after a
# warm-up and at the end (sampled every 10 s in between).
#
# Fails (exit 1) on any response whose status is not the one its type
# expects (so 0 non-2xx for the valid types), any socket error or timeout,
# RSS growth over SOAK_RSS_SLACK_KB (16384), a dead daemon, or a non-zero
# exit on SIGTERM.
#
#   ACTIVD=build/activd SOAK_SECONDS=30 tools/soak.sh
set -eu
ACTIVD=${ACTIVD:-build/activd}
SECONDS_=${SOAK_SECONDS:-600}
CONNS=${SOAK_CONNS:-256}
THREADS=${SOAK_THREADS:-2}
SLACK=${SOAK_RSS_SLACK_KB:-16384}
PORT=${SOAK_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18089)}
DIR=$(cd "$(dirname "$0")" && pwd)
OUT=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; kill $sampler 2>/dev/null || true; rm -rf "$OUT"' EXIT
sampler=

"$ACTIVD" --bind 127.0.0.1 --port "$PORT" --log json > /dev/null 2> "$OUT/activd.err" &
pid=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null; do
    i=$((i + 1)); [ $i -lt 100 ] || { echo "soak: activd did not start"; cat "$OUT/activd.err"; exit 1; }
    sleep 0.1
done
rss() { awk '/^VmRSS/ {print $2}' /proc/$pid/status; }

echo "soak: activd pid $pid on port $PORT; warm-up 10 s, then ${SECONDS_} s at $CONNS connections"
wrk -t"$THREADS" -c"$CONNS" -d10s -s "$DIR/soak.lua" "http://127.0.0.1:$PORT" > "$OUT/warm.txt"
rss_start=$(rss)
(while sleep 10; do rss >> "$OUT/rss.txt" 2>/dev/null || exit 0; done) &
sampler=$!
wrk -t"$THREADS" -c"$CONNS" -d"${SECONDS_}s" --timeout 5s --latency -s "$DIR/soak.lua" \
    "http://127.0.0.1:$PORT" > "$OUT/wrk.txt"
kill $sampler 2>/dev/null || true
alive=1; kill -0 $pid 2>/dev/null || alive=0
rss_end=$( [ $alive = 1 ] && rss || echo 0)
grep '^SOAK' "$OUT/wrk.txt"
grep -E 'Requests/sec|Latency  ' "$OUT/wrk.txt" || true
samples=$(tr '\n' ' ' < "$OUT/rss.txt" 2>/dev/null || true)
rss_min=$(sort -n "$OUT/rss.txt" 2>/dev/null | head -1); rss_max=$(sort -n "$OUT/rss.txt" 2>/dev/null | tail -1)
echo "SOAK rss_kb start=$rss_start end=$rss_end min=${rss_min:-?} max=${rss_max:-?} (every 10 s: $samples)"

fail=0
[ $alive = 1 ] || { echo "soak: FAIL: activd died"; cat "$OUT/activd.err"; fail=1; }
unexpected=$(sed -n 's/^SOAK unexpected=//p' "$OUT/wrk.txt")
[ "${unexpected:-1}" = 0 ] || { echo "soak: FAIL: $unexpected responses with an unexpected status"; fail=1; }
grep -q '^SOAK socket_errors connect=0 read=0 write=0 timeout=0$' "$OUT/wrk.txt" ||
    { echo "soak: FAIL: socket errors or timeouts"; fail=1; }
if [ $alive = 1 ] && [ $((rss_end - rss_start)) -gt "$SLACK" ]; then
    echo "soak: FAIL: RSS grew by $((rss_end - rss_start)) kB (slack $SLACK kB)"; fail=1
fi
if [ $alive = 1 ]; then
    kill -TERM $pid; st=0; wait $pid || st=$?
    [ $st = 0 ] || { echo "soak: FAIL: activd exited $st on SIGTERM"; fail=1; }
fi
[ $fail = 0 ] && echo "soak: passed" || echo "soak: FAILED"
exit $fail
