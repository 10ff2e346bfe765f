#!/bin/sh
# deb-build.sh - make deb: the Debian packages, built by dpkg-buildpackage
# (debian/, debhelper 13) on a copy of the tree, so that neither the build
# nor debhelper's own files (debian/tmp, debian/.debhelper, ...) touch the
# tree, and the packages land in $DEB_DIR (build/deb):
#
#   libactiv1_V_ARCH.deb  libactiv-dev_V_ARCH.deb  activd_V_ARCH.deb
#   (+ -dbgsym .ddeb files, activ_V_ARCH.buildinfo and .changes)
#
# The copy holds the files git knows plus new ones not ignored, as
# `make test` would see them. Env: VERSION (from lib/include/activ.h, set
# by make), DEB_DIR.
set -eu
cd "$(dirname "$0")/.."
: "${VERSION:?run make deb}"
DEB_DIR=${DEB_DIR:-build/deb}
say() { echo "deb: $*"; }

# One version: activ.h's. The changelog must have an entry for it.
changelog=$(dpkg-parsechangelog -l debian/changelog -S Version)
if [ "$changelog" != "$VERSION" ]; then
    say "debian/changelog is at $changelog, lib/include/activ.h at $VERSION:" \
        "add an entry (dch -v $VERSION)" >&2
    exit 1
fi

src="$DEB_DIR/activ-$VERSION"
rm -rf "$src" "$DEB_DIR"/*.deb "$DEB_DIR"/*.ddeb "$DEB_DIR"/*.buildinfo "$DEB_DIR"/*.changes
mkdir -p "$src"
if git rev-parse --git-dir >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
        xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf - | tar -C "$src" -xf -
else
    tar --exclude=./build --exclude=node_modules -cf - . | tar -C "$src" -xf -
fi

say "dpkg-buildpackage in $src"
start=$(date +%s)
(cd "$src" && dpkg-buildpackage -b -us -uc -j"$(nproc)") >"$DEB_DIR/build.log" 2>&1 || {
    tail -n 40 "$DEB_DIR/build.log"
    say "FAIL dpkg-buildpackage (log: $DEB_DIR/build.log)"
    exit 1
}
rm -rf "$src"
say "built in $(($(date +%s) - start)) s (log: $DEB_DIR/build.log):"
ls -l "$DEB_DIR"/*.deb | sed 's/^/deb:   /'
