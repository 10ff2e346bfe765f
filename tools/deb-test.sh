#!/bin/sh
# deb-test.sh - make deb-test: the packages of make deb, checked as a Debian
# user gets them.
#
#   1. lintian on the build (.changes: the packages, their -dbgsym, the
#      .buildinfo): no error, no warning; info and pedantic tags are shown
#   2. a clean Debian 12 root (tools/debian12-root.sh): dpkg -i the three,
#      apt-get install -f for what they declare, nothing else; activd
#      --version before any other package is there
#   3. then test tools in that root (gcc, pkg-config, curl, systemd, man-db):
#      pkg-config, a C program against the shared and the static library,
#      activd in the background answering /healthz and /eval and stopping
#      cleanly on SIGTERM, systemd-analyze verify and security on the unit
#   4. the root booted with systemd-nspawn (its own network): the unit
#      starts at boot, serves, runs hardened (dynamic user, seccomp, no
#      capabilities, SCHED_BATCH kept), stops with exit 0, reads
#      /etc/default/activd, and is not restarted after a bad value
#
# Each check prints ok or FAIL; any FAIL fails the script. Env: VERSION,
# DEB_DIR (build/deb), DEB_TEST_KEEP=1 keeps the root ($DEB_DIR/root).
set -eu
cd "$(dirname "$0")/.."
: "${VERSION:?run make deb-test}"
DEB_DIR=${DEB_DIR:-build/deb}
ROOT=$DEB_DIR/root
ARCH=$(dpkg --print-architecture)
PKGS="libactiv1 libactiv-dev activd"
passed=0
failed=0
t0=$(date +%s)

say() { echo "deb-test: $*"; }
ok() { passed=$((passed + 1)); say "ok   $*"; }
bad() { failed=$((failed + 1)); say "FAIL $*"; }
# check NAME CMD...: CMD's output is shown indented when it fails;
# show NAME CMD...: always
check() {
    name=$1
    shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name"; printf '%s\n' "$out" | sed 's/^/    /'; fi
}
show() {
    name=$1
    shift
    if out=$("$@" 2>&1); then ok "$name"; else bad "$name"; fi
    printf '%s\n' "$out" | sed 's/^/    /'
}
in_root() { tools/debian12-root.sh run "$ROOT" "$@"; }
finish() {
    [ "${DEB_TEST_KEEP:-0}" = 1 ] || tools/debian12-root.sh destroy "$ROOT" 2>/dev/null || true
    say "$(($(date +%s) - t0)) s"
    echo "deb-test: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
trap 'tools/debian12-root.sh destroy "$ROOT" 2>/dev/null || true' INT TERM

debs=""
for p in $PKGS; do
    f=$DEB_DIR/${p}_${VERSION}_$ARCH.deb
    [ -f "$f" ] || { say "no $f (make deb)"; exit 1; }
    debs="$debs $f"
done

# ---- 1. lintian -----------------------------------------------------------------
# --fail-on error,warning: info and pedantic tags are printed, not fatal.
lint=$(lintian --fail-on error,warning --display-info --display-experimental --pedantic "$DEB_DIR/activ_${VERSION}_$ARCH.changes" 2>&1) && st=0 || st=$?
printf '%s\n' "$lint" | grep -v 'running with root privileges' | sed 's/^/    lintian: /'
if [ "$st" -eq 0 ]; then ok "lintian: no errors, no warnings"; else bad "lintian (exit $st)"; fi

# ---- 2. install into a clean Debian 12 ---------------------------------------------
tools/debian12-root.sh destroy "$ROOT"
s=$(date +%s)
tools/debian12-root.sh create "$ROOT"
say "clean Debian 12 root in $ROOT ($(($(date +%s) - s)) s)"
mkdir -p "$ROOT/tmp/debs"
cp $debs "$ROOT/tmp/debs/"
s=$(date +%s)
# dpkg -i leaves activd unconfigured until its dependencies are there: that
# is what install -f is for, so dpkg's own status is not the check.
in_root sh -c 'dpkg -i /tmp/debs/*.deb' >"$DEB_DIR/dpkg-i.log" 2>&1 || true
check "apt-get install -f (declared dependencies only)" in_root sh -c \
    'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -f -y -q --no-install-recommends'
for p in $PKGS; do
    check "$p installed" in_root sh -c \
        "dpkg-query -W -f='\${Status}' $p | grep -qx 'install ok installed' || { dpkg-query -W -f='\${Status}\n' $p; exit 1; }"
done
say "installed in $(($(date +%s) - s)) s"
show "activd --version is $VERSION" in_root sh -c \
    "activd --version | tee /dev/stderr | grep -q '^activd $VERSION '"
check "/etc/default/activd is a conffile" in_root sh -c \
    "dpkg-query -W -f='\${Conffiles}' activd | grep -q '^ /etc/default/activd '"
check "/etc/default/activd sets nothing" in_root sh -c \
    "! grep -v '^#' /etc/default/activd | grep -q ."

# ---- 3. the packages in use -----------------------------------------------------------
s=$(date +%s)
check "test tools: gcc pkg-config curl systemd man-db" in_root sh -c \
    'DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
         gcc libc6-dev pkg-config curl systemd systemd-sysv man-db'
say "test tools in $(($(date +%s) - s)) s"
show "pkg-config --cflags --libs activ" in_root sh -c \
    "pkg-config --cflags --libs activ | grep . && [ \"\$(pkg-config --modversion activ)\" = $VERSION ] &&
     pkg-config --libs activ | grep -q -- '-lactiv'"
cat >"$ROOT/tmp/t.c" <<'EOF'
#include <activ.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    double x[3] = {-1, 0, 1}, y[3], g[3];
    activ_params p;
    if (activ_params_init(&p, activ_find("Sigmoid")) || activ_params_check(&p, NULL) ||
        activ_eval(&p, x, y, 3, 0, NULL) || activ_grad(&p, x, NULL, g, 3, 0, NULL))
        return 1;
    printf("libactiv %s: sigmoid(0) = %.17g, sigmoid'(0) = %.17g, %zu functions\n",
           activ_version(), y[1], g[1], activ_count());
    return strcmp(activ_version(), ACTIV_VERSION_STRING) != 0 || y[1] != 0.5 || g[1] != 0.25 ||
           y[0] + y[2] != 1;
}
EOF
show "a C program against libactiv.so.1" in_root sh -c \
    'cd /tmp && gcc -Wall -Werror t.c $(pkg-config --cflags --libs activ) -o t && ./t &&
     ldd ./t | grep "libactiv.so.1 => /.*/libactiv.so.1.0.0\|libactiv.so.1 => /.*/libactiv.so.1 "'
check "the same against libactiv.a" in_root sh -c \
    'cd /tmp && gcc -Wall -Werror t.c $(pkg-config --cflags activ) -Wl,-Bstatic -lactiv -Wl,-Bdynamic \
         $(pkg-config --static --libs-only-l activ | sed "s/-lactiv//") -o ts && ./ts && ! ldd ./ts | grep -q libactiv'
cat >"$ROOT/tmp/serve.sh" <<'EOF'
set -eu
activd --bind 127.0.0.1 --port 0 --log off 2>/tmp/activd.log &
pid=$!
port=
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' /tmp/activd.log)
    [ -n "$port" ] && break
    sleep 0.05
done
[ -n "$port" ] || { cat /tmp/activd.log; exit 1; }
curl -sS --fail "http://127.0.0.1:$port/healthz" | tee /dev/stderr | grep -q '"ok"'
curl -sS --fail "http://127.0.0.1:$port/eval" -H 'Content-Type: application/json' \
    -d '{"activation":"sigmoid","x":[-1,0,1]}' | tee /dev/stderr | grep -q '"y":\[0.2689414213699951,0.5,0.7310585786300049\]'
kill -TERM $pid
wait $pid
EOF
show "activd serves /healthz and /eval, exits 0 on SIGTERM" in_root sh /tmp/serve.sh
check "systemd-analyze verify activd.service" in_root sh -c \
    'out=$(systemd-analyze verify activd.service 2>&1); st=$?; printf "%s" "$out"; [ $st -eq 0 ] && [ -z "$out" ]'
sec=$(in_root systemd-analyze security --offline=yes --threshold=20 activd.service 2>&1) && st=0 || st=$?
printf '%s\n' "$sec" | grep -E '^✗|Overall' | sed 's/^/    security: /'
if [ "$st" -eq 0 ]; then ok "systemd-analyze security: exposure at most 2.0"; else bad "systemd-analyze security (exit $st)"; fi

# ---- 4. the unit under systemd ----------------------------------------------------------
# A oneshot unit runs tools/deb-unit-check.sh once activd.service has
# started at boot, writes its verdicts to /root/unit.out and powers off.
cp tools/deb-unit-check.sh "$ROOT/root/unit-check.sh"
cat >"$ROOT/etc/systemd/system/unit-check.service" <<'EOF'
[Unit]
Description=deb-test: check activd.service
After=activd.service
[Service]
Type=oneshot
ExecStart=/bin/sh -c '/bin/sh /root/unit-check.sh >/root/unit.out 2>&1; systemctl --no-block poweroff'
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/unit-check.service "$ROOT/etc/systemd/system/multi-user.target.wants/"
# logind waits for a seat it never gets in a container; nothing here logs in
ln -sf /dev/null "$ROOT/etc/systemd/system/systemd-logind.service"
s=$(date +%s)
timeout 300 systemd-nspawn -q -D "$ROOT" --register=no --keep-unit --private-network \
    --console=read-only -b >"$DEB_DIR/nspawn.log" 2>&1 || true
say "booted, checked and powered off in $(($(date +%s) - s)) s (console: $DEB_DIR/nspawn.log)"
if [ -s "$ROOT/root/unit.out" ]; then
    while IFS= read -r line; do
        case $line in
        "ok "*) ok "unit: ${line#ok }" ;;
        "FAIL "*) bad "unit: ${line#FAIL }" ;;
        *) echo "    $line" ;;
        esac
    done <"$ROOT/root/unit.out"
    grep -q '^unit-check: done' "$ROOT/root/unit.out" || bad "unit: the check did not finish"
else
    bad "unit: systemd-nspawn did not run the check"
    tail -n 30 "$DEB_DIR/nspawn.log" | sed 's/^/    /'
fi
finish
