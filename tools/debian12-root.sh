#!/bin/sh
# debian12-root.sh - a plain Debian 12 (bookworm) root file system for tests
# that must run on "a fresh Debian 12 machine": only Debian's own packages
# (its nodejs is 18), nothing this host happens to have installed.
#
#   tools/debian12-root.sh create DIR      fresh minbase system in DIR
#   tools/debian12-root.sh run DIR CMD...  CMD as root inside DIR, with /proc,
#                                          /sys, /dev, /dev/shm, resolv.conf and
#                                          the host's local CA certificates
#   tools/debian12-root.sh destroy DIR     unmount what run left and remove DIR
#
# The first create runs debootstrap (a few minutes, needs root and network)
# and keeps a tarball in build/debian12-minbase.tar; later ones extract it.
set -eu
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${DEBIAN12_CACHE:-$TOP/build/debian12-minbase.tar}

need_root() {
    [ "$(id -u)" = 0 ] || { echo "debian12-root.sh: must run as root" >&2; exit 2; }
}

ensure_cache() {
    [ -f "$CACHE" ] && return
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
    tmp=$(mktemp -d)
    chmod 755 "$tmp" # it becomes /: mktemp's 700 would shut every other user out
    echo "debian12-root.sh: debootstrap bookworm (once; cached in $CACHE)" >&2
    debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" >/dev/null
    # the security and update suites, as an installed Debian 12 has them
    cat >"$tmp/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://security.debian.org/debian-security bookworm-security main
EOF
    mkdir -p "$(dirname "$CACHE")"
    tar -C "$tmp" -cf "$CACHE.part" . && mv "$CACHE.part" "$CACHE"
    rm -rf "$tmp"
}

mounted() { grep -q " $1 " /proc/mounts; }

unmount_all() {
    for m in dev/shm dev/pts dev sys proc; do
        if mounted "$1/$m"; then umount -R "$1/$m" 2>/dev/null || umount -l "$1/$m"; fi
    done
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n '2,13p' "$0" >&2; exit 2; }
need_root
case $cmd in
create)
    ensure_cache
    [ ! -e "$dir" ] || { echo "debian12-root.sh: $dir exists" >&2; exit 2; }
    mkdir -p "$dir"
    tar -C "$dir" -xf "$CACHE"
    chmod 755 "$dir" # caches made before the chmod above have / at 700
    ;;
run)
    shift 2
    dir=$(cd "$dir" && pwd)
    for m in proc sys dev; do mounted "$dir/$m" || mount --rbind "/$m" "$dir/$m"; done
    mkdir -p "$dir/dev/shm"
    mounted "$dir/dev/shm" || mount -t tmpfs -o mode=1777 tmpfs "$dir/dev/shm"
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    # CAs the site added to this host (a network that inspects TLS, as this
    # one does for the package registries): a machine on it has them too.
    # The ca-certificates package picks them up when it is installed.
    if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
        mkdir -p "$dir/usr/local/share/ca-certificates"
        cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
        if [ -x "$dir/usr/sbin/update-ca-certificates" ]; then
            chroot "$dir" /usr/sbin/update-ca-certificates >/dev/null 2>&1 || true
        fi
    fi
    status=0
    chroot "$dir" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        TERM=dumb "$@" || status=$?
    unmount_all "$dir"
    exit $status
    ;;
destroy)
    [ -d "$dir" ] || exit 0
    unmount_all "$dir"
    rm -rf --one-file-system "$dir"
    ;;
*)
    sed -n '2,13p' "$0" >&2
    exit 2
    ;;
esac
