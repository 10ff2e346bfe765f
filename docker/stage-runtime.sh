#!/bin/sh
# Build stage helper: turn `make install DESTDIR=$1 PREFIX=/usr` output into
# exactly what the runtime image needs, and list the Debian packages that
# provide the shared libraries activd loads.
#
#   docker/stage-runtime.sh ROOT PKGLIST
#
# ROOT keeps the binary and anything else `make install` put under share/
# (web assets, if the daemon ever installs them); headers, static and
# development libraries go. libactiv.so* stays only if activd links to it.
# PKGLIST gets one package name per line (e.g. libmicrohttpd12), found with
# ldd + dpkg -S, so new link dependencies need no Dockerfile change.
set -eu
root=$1
pkglist=$2
bin="$root/usr/bin/activd"
[ -x "$bin" ] || { echo "stage-runtime: no $bin" >&2; exit 1; }

rm -rf "$root/usr/include" "$root/usr/lib/pkgconfig"
find "$root" -name '*.a' -delete
if ! ldd "$bin" | grep -q 'libactiv\.so'; then
    find "$root/usr/lib" -maxdepth 1 -name 'libactiv.so*' -delete
fi
find "$root" -depth -type d -empty -delete

# Shared libraries -> owning packages (skip the dynamic loader/vdso lines,
# and anything inside ROOT itself).
ldd "$bin" | awk '/=> \//{print $3}' | while read -r lib; do
    case "$lib" in "$root"/*) continue ;; esac
    base=$(basename "$lib")
    pkg=$(dpkg -S "*/$base" 2>/dev/null | cut -d: -f1 | sort -u | head -n 1)
    [ -n "$pkg" ] || { echo "stage-runtime: no package owns $lib" >&2; exit 1; }
    echo "$pkg"
done | sort -u >"$pkglist"
echo "stage-runtime: runtime packages: $(tr '\n' ' ' <"$pkglist")" >&2
