#!/bin/bash
# Container HEALTHCHECK for activd without curl: bash's /dev/tcp sends
# GET /healthz to the daemon's own port and wants "HTTP/1.x 200".
# The HEALTHCHECK --timeout bounds it; exit 0 healthy, 1 unhealthy.
port=${ACTIVD_PORT:-8080}
host=${ACTIVD_BIND:-127.0.0.1}
case "$host" in 0.0.0.0 | "" | "::" | "[::]") host=127.0.0.1 ;; esac
exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 2 proto status _ <&3 || exit 1
exec 3<&-
[ "$status" = 200 ] || exit 1
