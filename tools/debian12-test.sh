#!/bin/sh
# debian12-test.sh - the README's `make test` on a plain Debian 12 machine.
#
# Creates a Debian 12 root (tools/debian12-root.sh), copies a clean clone of
# this checkout's HEAD into it (or of DEBIAN12_TEST_REV), installs make, git
# and ca-certificates and nothing else, and runs `make test` there exactly:
# tools/deps.sh must install every other package from Debian 12 itself, and
# every suite must pass on Debian's nodejs 18. Then it checks that node is
# Debian's v18 and removes the root. Prints the wall time, removal included.
#
#   make debian12-test                       (as root; needs network for apt and npm)
#   DEBIAN12_TEST_REV=main make debian12-test
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
ROOTSH=$TOP/tools/debian12-root.sh
dir=${DEBIAN12_TEST_DIR:-$TOP/build/debian12-test}
rev=$(git -C "$TOP" rev-parse --verify "${DEBIAN12_TEST_REV:-HEAD}^{commit}")
t0=$(date +%s)

"$ROOTSH" destroy "$dir" # left over from an interrupted run
trap '"$ROOTSH" destroy "$dir"' EXIT INT TERM
"$ROOTSH" create "$dir"
# a copy, not a view of this checkout: no build/, no node_modules, no hardlinks
git clone -q --no-local --no-checkout "$TOP" "$dir/root/activ"
git -C "$dir/root/activ" checkout -q --detach "$rev"
echo "debian12-test: $(git -C "$TOP" log -1 --format='%h %s' "$rev")"

status=0
"$ROOTSH" run "$dir" sh -euc '
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null 2>&1
    apt-get install -y -q make git ca-certificates >/dev/null
    if command -v node >/dev/null; then echo "debian12-test: node before make test: $(node --version)"; fi
    cd /root/activ
    make test
    v=$(node --version)
    echo "debian12-test: node $v, npm $(npm --version), $(dpkg-query -W -f="nodejs \${Version}" nodejs)"
    case $v in v18.*) ;; *) echo "debian12-test: expected Debian 12'"'"'s node 18" >&2; exit 1 ;; esac
' || status=$?
t1=$(date +%s)
"$ROOTSH" destroy "$dir"
trap - EXIT INT TERM
t2=$(date +%s)
times="$((t2 - t0)) s wall ($((t1 - t0)) s to the end of make test, $((t2 - t1)) s to remove the root)"
if [ $status -eq 0 ]; then
    echo "debian12-test: make test passed on Debian 12 in $times"
else
    echo "debian12-test: FAILED (status $status) after $times"
fi
exit $status
