#!/bin/sh
# deb-unit-check.sh - run by tools/deb-test.sh inside the Debian 12 root
# booted with systemd-nspawn, after activd.service started at boot: does the
# hardened unit really run the daemon? One "ok"/"FAIL" line per check on
# stdout, then "unit-check: done".
set -u
failed=0
ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; failed=1; }
check() { # name cmd...
    name=$1
    shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name"; printf '%s\n' "$out" | sed 's/^/  /'; fi
}
wait_http() { # url
    for _ in $(seq 100); do
        curl -s -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    return 1
}
prop() { systemctl show -P "$1" activd.service; }

check "activd.service started at boot (enabled by the package)" systemctl is-active activd.service
check "answers on the daemon's default 127.0.0.1:8080" wait_http http://127.0.0.1:8080/readyz
check "POST /eval" sh -c "curl -sS --fail localhost:8080/eval -H 'Content-Type: application/json' \
    -d '{\"activation\":\"gelu\",\"x\":[0,1]}' | grep -q '\"y\":\[0,0.8413447460685429\]'"
# 300,000 numbers: parsed in slices and computed on every thread, in big
# buffers faulted in with madvise (the paths a small request never takes)
awk 'BEGIN { printf "{\"activation\":\"tanh\",\"x\":["; for (i = 0; i < 300000; i++)
             printf "%s%.3f", i ? "," : "", i / 1000 - 150; printf "]}" }' >/tmp/big.json
check "POST /grad of 300000 numbers" sh -c "curl -sS --fail -o /tmp/big.out localhost:8080/grad \
    -H 'Content-Type: application/json' --data-binary @/tmp/big.json && [ \$(grep -o '\"grad\":\[[^]]*\]' /tmp/big.out | tr -cd , | wc -c) -eq 299999 ]"
check "binary POST /eval" sh -c "printf '\\000\\000\\000\\000\\000\\000\\000\\000' |
    curl -sS --fail --data-binary @- -H 'Content-Type: application/octet-stream' \
        'localhost:8080/eval?activation=sigmoid' | od -A n -t x1 | tr -d ' \\n' | grep -qx 000000000000e03f"

pid=$(prop MainPID)
status=/proc/$pid/status
# every check of the process fails, rather than passes, without one
[ "$pid" -gt 0 ] && [ -r "$status" ] || { bad "no main process (MainPID=$pid)"; status=/nonexistent; pid=1; }
check "runs as a dynamic user, not root" sh -c "uid=\$(awk '/^Uid:/ {print \$2}' $status); echo uid \$uid; [ \$uid -ge 61184 ] && [ \$uid -le 65519 ]"
check "no capabilities" sh -c "[ -r $status ] && grep -E '^Cap(Eff|Prm|Bnd|Amb):' $status && ! grep -E '^Cap(Eff|Prm|Bnd|Amb):' $status | grep -qv '0000000000000000'"
check "NoNewPrivs and a seccomp filter" sh -c "grep -E '^(NoNewPrivs|Seccomp):' $status; grep -q '^NoNewPrivs:[[:space:]]*1' $status && grep -q '^Seccomp:[[:space:]]*2' $status"
check "SCHED_BATCH kept under the system-call filter" sh -c "chrt -p $pid; chrt -p $pid | grep -q SCHED_BATCH &&
    ! journalctl -b -u activd.service | grep 'using the normal policy'"
check "ProtectSystem=strict: / is read-only for the service" sh -c "awk '\$5 == \"/\" {print \$6}' /proc/$pid/mountinfo | grep -q '^ro'"
check "ProtectHome: /root is empty for the service" sh -c "[ -r $status ] && [ -n \"\$(ls -A /root)\" ] && [ -z \"\$(nsenter -t $pid -m ls -A /root 2>/dev/null)\" ]"

check "systemctl stop: drained, exit 0" sh -c "systemctl stop activd.service; systemctl show -p Result -p ExecMainStatus activd.service |
    tee /dev/stderr | sort | tr '\\n' ' ' | grep -q 'ExecMainStatus=0 Result=success'"

# /etc/default/activd is read (EnvironmentFile=)
sed -i 's/^#ACTIVD_PORT=.*/ACTIVD_PORT=8081/' /etc/default/activd
systemctl start activd.service
check "ACTIVD_PORT=8081 from /etc/default/activd" wait_http http://127.0.0.1:8081/healthz

# a bad value: exit 2, and RestartPreventExitStatus=2 keeps it from looping
sed -i 's/^ACTIVD_PORT=.*/ACTIVD_PORT=eighty/' /etc/default/activd
systemctl restart activd.service
sleep 3
check "a bad value: failed with exit 2, not restarted" sh -c "systemctl show -p ActiveState -p ExecMainStatus -p NRestarts activd.service |
    tee /dev/stderr | sort | tr '\\n' ' ' | grep -q 'ActiveState=failed ExecMainStatus=2 NRestarts=0'"
journalctl -b -u activd.service --no-pager -o cat | grep 'ACTIVD_PORT' | sed 's/^/  journal: /'

# killed: Restart=on-failure brings it back
sed -i 's/^ACTIVD_PORT=.*/#ACTIVD_PORT=8080/' /etc/default/activd
systemctl reset-failed activd.service
systemctl start activd.service
wait_http http://127.0.0.1:8080/healthz
pid=$(prop MainPID)
[ "$pid" -gt 0 ] && kill -KILL "$pid" # never kill 0: that is this script's group
sleep 2
check "killed by SIGKILL: restarted" sh -c "[ \$(systemctl show -P NRestarts activd.service) -ge 1 ] &&
    curl -sS --fail --retry 20 --retry-delay 1 --retry-connrefused -o /dev/null localhost:8080/healthz"
if [ $failed -ne 0 ]; then
    echo "activd.service's journal:"
    journalctl -b -u activd.service --no-pager -o short-monotonic | tail -n 25 | sed 's/^/  /'
fi
echo "unit-check: done"
