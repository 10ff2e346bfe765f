#!/bin/sh
# make scale-test: activd scaled out behind nginx, on loopback, with a replica
# killed mid-run. Uses docker/nginx.conf itself (Debian's nginx), changing
# only the lines marked "scale-test:" (upstream servers, listen address, log
# and pid paths) plus temp paths under build/.
#
#   1. one replica, wrk straight at it                     (baseline, 10 s)
#   2. three replicas through nginx                        (10 s)
#   3. three replicas through nginx for 20 s; replica 2 is SIGKILLed at 5 s
#      and restarted at 10 s, replica 3 is stopped with SIGTERM (drain) at
#      13 s and restarted at 16 s: every request must get a 2xx with a "y"
#      in it -- wrk's socket errors + non-2xx + bad bodies = 0
#
# Env: ACTIVD (binary, default build/activd), BUILD (build), SCALE_SECONDS
#      (20), SCALE_CONNECTIONS (32), SCALE_THREADS (wrk threads, 2)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
ACTIVD=${ACTIVD:-build/activd}
BUILD=${BUILD:-build}
SECS=${SCALE_SECONDS:-20}
CONNS=${SCALE_CONNECTIONS:-32}
WRK_THREADS=${SCALE_THREADS:-2}
dir="$repo/$BUILD/scale-test"
lua="$here/scale-eval.lua"

say() { echo "scale-test: $*"; }

# ---- tools -----------------------------------------------------------------------
need=""
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need="$need nginx"
command -v wrk >/dev/null || need="$need wrk"
command -v curl >/dev/null || need="$need curl"
if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ]; then say "missing Debian packages:$need"; exit 1; fi
    say "installing:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q $need >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q $need >/dev/null; }
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$ACTIVD" ] || { say "no $ACTIVD (make $ACTIVD)"; exit 1; }

# ---- processes ---------------------------------------------------------------------
rm -rf "$dir"
mkdir -p "$dir/logs" "$dir/tmp"
pids=""
cleanup() {
    for f in "$dir"/*.pid; do
        [ -f "$f" ] || continue
        p=$(cat "$f" 2>/dev/null || true)
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    for p in $pids; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Free loopback ports, found in this shell (not a subshell) so that each is
# handed out once: scan upward from a per-run base.
next_port=$((20000 + $$ % 20000))
free_port() { # variable
    while ss -Htln "sport = :$next_port" | grep -q .; do next_port=$((next_port + 1)); done
    eval "$1=$next_port"
    next_port=$((next_port + 1))
}

wait_ready() { # url what
    i=0
    while [ $i -lt 100 ]; do
        [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$1" || true)" = 200 ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    say "FAIL $2 not ready at $1"
    return 1
}

start_replica() { # n port
    "$ACTIVD" --bind 127.0.0.1 --port "$2" --log off >>"$dir/logs/activd$1.log" 2>&1 &
    echo $! >"$dir/activd$1.pid"
    wait_ready "http://127.0.0.1:$2/readyz" "activd replica $1" &&
        kill -0 "$(cat "$dir/activd$1.pid")" 2>/dev/null ||
        { say "FAIL activd replica $1 did not start:"; tail -n 5 "$dir/logs/activd$1.log"; return 1; }
}

# wrk run; prints its WRK line, leaves it in $dir/$name.wrk
run_wrk() { # name url seconds
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$3s" --timeout 5s -s "$lua" "$2" >"$dir/$1.wrk" 2>&1 || true
    grep '^WRK ' "$dir/$1.wrk" || { cat "$dir/$1.wrk"; say "FAIL wrk gave no result"; exit 1; }
}
field() { # file key
    grep '^WRK ' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

free_port P1
free_port P2
free_port P3
free_port PN
for n in 1 2 3; do
    eval "start_replica $n \$P$n"
done
say "activd replicas on 127.0.0.1:$P1 :$P2 :$P3 ($($ACTIVD --version 2>/dev/null | head -n 1))"

# ---- nginx: the shipped config, pointed at loopback ------------------------------------
conf="$dir/nginx.conf"
sed -e "s|^\( *\)server activd:8080 \(.*\); # scale-test: servers|\1server 127.0.0.1:$P1 \2;\n\1server 127.0.0.1:$P2 \2;\n\1server 127.0.0.1:$P3 \2;|" \
    -e "s|^\( *\)listen 8080; # scale-test: listen|\1listen 127.0.0.1:$PN;|" \
    -e "s|^error_log .*# scale-test: error_log|error_log $dir/logs/error.log warn;|" \
    -e "s|^pid .*# scale-test: pid|pid $dir/nginx.pid.run;|" \
    -e "s|^\( *\)access_log .*# scale-test: access_log|\1log_format scale '\$status \$upstream_status \$upstream_addr';\n\1access_log $dir/logs/access.log scale buffer=256k;|" \
    -e "/^http {/a\\
    client_body_temp_path $dir/tmp/body;\\
    proxy_temp_path $dir/tmp/proxy;\\
    fastcgi_temp_path $dir/tmp/fastcgi;\\
    uwsgi_temp_path $dir/tmp/uwsgi;\\
    scgi_temp_path $dir/tmp/scgi;" \
    docker/nginx.conf >"$conf"
grep -q "server 127.0.0.1:$P3" "$conf" && grep -q "listen 127.0.0.1:$PN" "$conf" ||
    { say "FAIL could not adapt docker/nginx.conf"; exit 1; }
"$NGINX" -p "$dir" -c "$conf" -t >"$dir/logs/nginx-t.log" 2>&1 || { cat "$dir/logs/nginx-t.log"; exit 1; }
"$NGINX" -p "$dir" -c "$conf" -g 'daemon off;' >>"$dir/logs/nginx.out" 2>&1 &
echo $! >"$dir/nginx.pid"
wait_ready "http://127.0.0.1:$PN/nginx-healthz" nginx
wait_ready "http://127.0.0.1:$PN/readyz" "activd through nginx"
say "nginx $("$NGINX" -v 2>&1 | sed 's/.*version: //') on 127.0.0.1:$PN with docker/nginx.conf (adapted: $conf)"
say "workload: POST /eval, sigmoid of 256 numbers; wrk -t$WRK_THREADS -c$CONNS; $(nproc) CPUs shared by wrk, nginx and activd"

# ---- 1. one replica directly ------------------------------------------------------------
say "1/3 one replica directly, 10 s"
run_wrk one "http://127.0.0.1:$P1" 10

# ---- 2. three replicas through nginx -------------------------------------------------------
say "2/3 three replicas through nginx, 10 s"
run_wrk three "http://127.0.0.1:$PN" 10

# ---- 3. through nginx while replica 2 is killed and restarted ----------------------------------
# reopen flushes the workers' log buffers; then phase 3 starts on an empty log
"$NGINX" -p "$dir" -c "$conf" -s reopen 2>/dev/null || true
sleep 1
: >"$dir/logs/access.log"
kill_at=$((SECS / 4))
back_at=$((SECS / 2))
term_at=$((SECS * 13 / 20))
back3_at=$((SECS * 16 / 20))
say "3/3 three replicas through nginx, $SECS s: SIGKILL replica 2 at ${kill_at} s, restart at ${back_at} s;" \
    "SIGTERM replica 3 at ${term_at} s, restart at ${back3_at} s"
event() { echo "$(date +%T.%N | cut -c1-12) $*" >>"$dir/events"; }
(
    sleep "$kill_at"
    kill -KILL "$(cat "$dir/activd2.pid")"
    event "SIGKILL replica 2 (pid $(cat "$dir/activd2.pid"))"
    sleep $((back_at - kill_at))
    start_replica 2 "$P2" && event "replica 2 back (pid $(cat "$dir/activd2.pid"))"
    sleep $((term_at - back_at))
    p3=$(cat "$dir/activd3.pid")
    kill -TERM "$p3"
    event "SIGTERM replica 3 (pid $p3)"
    while kill -0 "$p3" 2>/dev/null; do sleep 0.05; done
    event "replica 3 exited"
    sleep $((back3_at - term_at))
    start_replica 3 "$P3" && event "replica 3 back (pid $(cat "$dir/activd3.pid"))"
) &
chaos=$!
pids="$pids $chaos"
run_wrk kill "http://127.0.0.1:$PN" "$SECS"
wait "$chaos" || true
sed 's/^/scale-test:   /' "$dir/events" 2>/dev/null || true

# nginx's view: which replica answered, and how many requests it replayed.
"$NGINX" -p "$dir" -c "$conf" -s reopen 2>/dev/null || true
sleep 0.5
if [ -s "$dir/logs/access.log" ]; then
    retried=$(grep -c ',' "$dir/logs/access.log" || true)
    per=$(awk '{c[$NF]++} END{for (k in c) printf "%s=%d ", k, c[k]}' \
        "$dir/logs/access.log" | tr ' ' '\n' | sort | tr '\n' ' ')
    why=$(awk '/,/ {sub(/,$/, "", $2); c[$2]++} END{for (k in c) printf "%s=%d ", k, c[k]}' "$dir/logs/access.log")
    say "nginx replayed $retried request(s) on another replica (first replica's status: ${why:-none}; 502 = connection failed, 503 = draining)"
    say "answered by: $per"
fi

# ---- verdict ---------------------------------------------------------------------------
one=$(field "$dir/one.wrk" rps)
three=$(field "$dir/three.wrk" rps)
k=$dir/kill.wrk
kr=$(field "$k" rps)
req=$(field "$k" requests)
non2xx=$(field "$k" non2xx)
badbody=$(field "$k" badbody)
sock=$(($(field "$k" connect) + $(field "$k" read) + $(field "$k" write) + $(field "$k" timeout)))
say "throughput: one replica directly     $one req/s (p99 $(field "$dir/one.wrk" p99_ms) ms)"
say "throughput: three replicas via nginx $three req/s (p99 $(field "$dir/three.wrk" p99_ms) ms)"
say "throughput: three via nginx, replicas killed/stopped and restarted: $kr req/s (p99 $(field "$k" p99_ms) ms, max $(field "$k" max_ms) ms)"
say "kill run: $req requests, $non2xx non-2xx, $badbody bad bodies, $sock socket errors"

passed=0
failed=0
verdict() { # message test...
    msg=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)) && say "FAIL $msg"; fi
}
verdict "no requests completed" [ "$req" -gt 0 ]
verdict "$non2xx non-2xx answers" [ "$non2xx" -eq 0 ]
verdict "$badbody 2xx answers without y" [ "$badbody" -eq 0 ]
verdict "$sock socket errors" [ "$sock" -eq 0 ]
for n in 2 3; do
    back=$(eval curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:\$P$n/readyz" || true)
    verdict "replica $n not back (/readyz $back)" [ "$back" = 200 ]
done
echo "scale-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
