#!/bin/sh
# Make podman usable on a Debian 12 machine that has no Docker engine and no
# registry access (CI, developer machines): idempotent, a fast no-op when
# everything is already there.
#
#   1. apt packages podman, runc, debootstrap (when missing; needs root)
#   2. docker/containers.conf (runc, cgroupfs, default_ulimits) -- callers
#      export CONTAINERS_CONF to it; this script only checks it exists
#   3. the base image docker.io/library/debian:bookworm-slim, made locally
#      with debootstrap --variant=minbase from the Debian mirror apt already
#      uses, slimmed like the official -slim image, and `podman import`ed
#
# Usage: . docker/podman-setup.sh  or  sh docker/podman-setup.sh
# Env:   ACTIVD_BASE_IMAGE   image name to create (default below)
#        DEBIAN_MIRROR       override the mirror read from apt's sources
#        PODMAN_SETUP_WORK   scratch dir (default build/podman)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
BASE_IMAGE=${ACTIVD_BASE_IMAGE:-docker.io/library/debian:bookworm-slim}
WORK=${PODMAN_SETUP_WORK:-$repo/build/podman}
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

log() { echo "podman-setup: $*" >&2; }

# ---- 1. packages ---------------------------------------------------------------
need=""
for p in podman runc debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
    if [ "$(id -u)" != 0 ]; then
        log "missing Debian packages:$need (run: sudo apt-get install$need)"
        exit 1
    fi
    log "installing:$need"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q $need >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null && apt-get install -y -q $need >/dev/null; }
fi

# ---- 2. containers.conf --------------------------------------------------------
[ -r "$CONTAINERS_CONF" ] || { log "no $CONTAINERS_CONF"; exit 1; }

# ---- 3. base image ---------------------------------------------------------------
if podman image exists "$BASE_IMAGE"; then
    exit 0
fi

# The mirror as apt's sources name it (deb822 .sources or one-line .list).
mirror_of() { # $1: suffix regex, e.g. 'debian' or 'debian-security'
    { cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
          sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p'; } |
        grep -E "^https?://[^ ]*/$1/?\$" | head -n 1 | sed 's:/*$::'
}
MIRROR=${DEBIAN_MIRROR:-$(mirror_of debian)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY=$(mirror_of debian-security)
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}

log "building $BASE_IMAGE: debootstrap --variant=minbase bookworm from $MIRROR"
rootfs="$WORK/rootfs"
rm -rf "$rootfs"
mkdir -p "$WORK"
debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 20 "$WORK/debootstrap.log" >&2; log "debootstrap failed (log: $WORK/debootstrap.log)"; exit 1; }

# Slim it the way the official debian:*-slim images are (debuerreotype's
# slimify): no docs, man pages, locales; apt keeps no caches or lists.
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d" "$rootfs/etc/apt/apt.conf.d"
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
Acquire::Languages "none";
EOF
cat >"$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests" <<'EOF'
Apt::AutoRemove::SuggestsImportant "false";
EOF
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
(
    cd "$rootfs"
    find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
    find usr/share/doc -mindepth 1 -type d -empty -delete 2>/dev/null || true
    rm -rf usr/share/man/* usr/share/groff/* usr/share/info/* usr/share/lintian/* usr/share/linda/*
    find usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
    rm -rf var/cache/apt/* var/lib/apt/lists/* var/log/*.log var/log/apt/* tmp/* \
        var/cache/debconf/*-old var/lib/dpkg/*-old
    : >etc/machine-id
    echo "debian" >etc/hostname
)

tar -C "$rootfs" --numeric-owner -cf "$WORK/rootfs.tar" .
podman import -q --change 'CMD ["bash"]' "$WORK/rootfs.tar" "$BASE_IMAGE" >/dev/null
rm -rf "$rootfs" "$WORK/rootfs.tar"
log "imported $BASE_IMAGE ($(podman image inspect --format '{{.Size}}' "$BASE_IMAGE") bytes)"
