#!/bin/sh
# Install the Debian packages the build and the tests need, when missing.
# Quick when everything is there (one dpkg-query); as root it runs apt-get,
# otherwise it names what is missing and fails.
set -e
PKGS="gcc g++ make pkg-config clang libclang-rt-14-dev \
libmicrohttpd-dev libjansson-dev libcurl4-openssl-dev check libmpfr-dev libgmp-dev \
libfast-float-dev libdragonbox-dev \
libxml2-dev curl ca-certificates nodejs chromium fonts-dejavu-core"
PKGS="$PKGS ${EXTRA_PKGS:-}"
# npm: NodeSource's nodejs ships it, Debian's needs the npm package; ask for
# the command, not the package, so the two never clash.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages:$missing (run: sudo apt-get install$missing)" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $missing >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q $missing; }
