#!/bin/sh
# make bench: activd's own benchmark, one table. Needs wrk and curl (Debian).
#
#   small / plot        POST /eval sigmoid with 8 / 800 numbers: wrk req/s
#   MHD ceiling         the smallest libmicrohttpd server (tools/mhd_static.c,
#                       epoll and a thread pool, the same thread count, SCHED_BATCH
#                       like activd): its static-answer rate
#   healthz             GET /healthz: the static-response rate of activd itself
#   plot p99 @ half     the 800-number request paced at half its peak rate
#   bulk json           one 1,000,000-number request: seconds (best of 3) and the
#                       daemon's peak RSS during it vs the body size
#   bulk binary         1,000,000 float64 as application/octet-stream: seconds
#
# Environment: ACTIVD (binary), SECS (wrk seconds, 8), CONNS (32), THREADS,
# LOG (the daemon's --log, default json: measured as users run it).
set -eu
ACTIVD=${ACTIVD:-build/activd}
GENLOAD=${GENLOAD:-build/genload}
MHD_STATIC=${MHD_STATIC:-build/mhd_static}
SECS=${SECS:-8}
CONNS=${CONNS:-32}
LOG=${LOG:-json}
WORK=$(mktemp -d)
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo "$1"
}
PORT=$(free_port 18555)
URL=http://127.0.0.1:$PORT
trap 'kill $PID $SPID 2>/dev/null || true; rm -rf "$WORK"' EXIT

$GENLOAD "$WORK"
$ACTIVD --port "$PORT" --log "$LOG" ${THREADS:+--threads $THREADS} >/dev/null 2>&1 &
PID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "$URL/healthz" && break; sleep 0.05; done

rps() { # url [lua]
    wrk -t1 -c"$CONNS" -d"${SECS}s" ${2:+-s "$2"} "$1" | awk '/Requests\/sec/ {print $2}'
}
best() { # command printing seconds, run 3 times: the fastest
    b=; for _ in 1 2 3; do t=$("$@"); if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi; done; echo "$b"
}
bulk_json() {
    curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' \
        --data-binary @"$WORK/bulk.json" "$URL/eval"
}
bulk_bin() {
    curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/octet-stream' \
        --data-binary @"$WORK/bulk.f64" "$URL/eval?activation=sigmoid"
}

# the MHD ceiling first, alone on the machine, under the CPU policy activd
# runs with by default (--sched batch), so the ratio compares like with like
SPORT=$(free_port 18556)
BATCH=; command -v chrt >/dev/null && BATCH="chrt -b 0"
$BATCH $MHD_STATIC "$SPORT" "${THREADS:-$(nproc)}" &
SPID=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$SPORT/" && break; sleep 0.05; done
mhd=$(rps "http://127.0.0.1:$SPORT/")
kill $SPID; wait $SPID 2>/dev/null || true
ceiling=$(rps "$URL/healthz")
small=$(rps "$URL/eval" "$WORK/small.lua")
plot=$(rps "$URL/eval" "$WORK/plot.lua")

# p99 at half the peak rate: each connection waits an exponentially
# distributed time between requests (mean CONNS/rate minus the service time),
# so the arrivals are close to Poisson rather than 32 requests in lockstep
half=$(echo "$plot / 2" | bc -l)
mean_ms=$(echo "1000 * $CONNS / $half - 0.2" | bc -l)
{ echo "math.randomseed(1)"
  echo "function delay() return -math.log(1 - math.random()) * $mean_ms end"
  cat "$WORK/plot.lua"; } > "$WORK/paced.lua"
paced=$(wrk -t1 -c"$CONNS" -d"${SECS}s" --latency -s "$WORK/paced.lua" "$URL/eval")
p99=$(echo "$paced" | awk '$1 == "99%" {print $2}')
paced_rate=$(echo "$paced" | awk '/Requests\/sec/ {print $2}')

# peak RSS during the bulk request: reset the high-water mark first
echo 5 > /proc/$PID/clear_refs 2>/dev/null || true
base_rss=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
bulk=$(best bulk_json)
peak_rss=$(awk '/VmHWM/ {print $2}' /proc/$PID/status)
body_kb=$(( $(stat -c %s "$WORK/bulk.json") / 1024 ))
binary=$(best bulk_bin)

printf '\nactivd %s, %s, %s CPUs, wrk -t1 -c%s -d%ss, --log %s\n' \
    "$($ACTIVD --version | cut -d' ' -f2)" "$(uname -m)" "$(nproc)" "$CONNS" "$SECS" "$LOG"
printf '%-40s %14s\n' workload result
printf '%-40s %14.0f\n' "MHD static ceiling (mhd_static), req/s" "$mhd"
printf '%-40s %14.0f\n' "activd GET /healthz, req/s" "$ceiling"
printf '%-40s %14.0f   %.2f of the MHD ceiling\n' "small (8 numbers), req/s" "$small" "$(echo "$small / $mhd" | bc -l)"
printf '%-40s %14.0f\n' "plot (800 numbers), req/s" "$plot"
printf '%-40s %14s   at %.0f req/s\n' "plot p99 latency at half peak" "$p99" "$paced_rate"
printf '%-40s %14.3f   peak RSS %d MB = %.2f x body (%d MB), idle %d MB\n' "bulk 1e6 JSON, s" "$bulk" \
    $((peak_rss / 1024)) "$(echo "$peak_rss / $body_kb" | bc -l)" $((body_kb / 1024)) $((base_rss / 1024))
printf '%-40s %14.4f\n' "bulk 1e6 float64 binary, s" "$binary"
