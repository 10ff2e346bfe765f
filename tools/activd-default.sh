#!/bin/sh
# activd-default.sh ACTIVD - print /etc/default/activd from `ACTIVD --help`:
# each ACTIVD_* variable commented out with the daemon's own default, so the
# file never disagrees with the flag table in server/config.c.
set -eu
"$1" --help >/dev/null
cat <<'HEAD'
# /etc/default/activd - settings of activd.service (its EnvironmentFile).
#
# Each variable is one of activd's flags (activd(8), activd --help), shown
# commented out with the daemon's default. Uncomment and change a line, then
#   systemctl restart activd
# Listening on another address than loopback: ACTIVD_BIND=0.0.0.0 (IPv4) or
# ACTIVD_BIND=:: (IPv6).
HEAD
# Option lines are "  --name ARG   help", followed by "   env VAR[, default D]".
"$1" --help | awk '
    /^  --[a-z]/ { help = $0; sub(/^  --[^ ]+ [A-Z]+ +/, "", help); next }
    /^ +env ACTIVD_/ {
        line = $0; sub(/^ +env /, "", line)
        var = line; sub(/,.*/, "", var)
        def = ""
        if (line ~ /, default /) { def = line; sub(/.*, default /, "", def) }
        printf "\n"
        n = split(help, w, " "); out = "#"
        for (i = 1; i <= n; i++) {
            if (length(out) + 1 + length(w[i]) > 76) { print out; out = "#" }
            out = out " " w[i]
        }
        print out
        printf "#%s=%s\n", var, def
    }'
