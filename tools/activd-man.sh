#!/bin/sh
# activd-man.sh ACTIVD VERSION OUT - activd(8) from `ACTIVD --help` (help2man)
# and the hand-written sections of docs/man/activd.h2m, so the man page's
# option list is the daemon's own flag table.
#
# --help has no "Options:" heading, so help2man leaves the options under
# DESCRIPTION: an OPTIONS heading goes before the first flag. Each option's
# "env ACTIVD_..., default ..." line starts a line of its own.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
help2man --no-info --section 8 --version-string "$2" --include "$here/../docs/man/activd.h2m" "$1" |
    awk '
        NR > 1 {
            if (!done && prev == ".TP" && $0 ~ /^\\fB\\-\\-/) { print ".SH OPTIONS"; done = 1 }
            print prev
        }
        { prev = $0 }
        END { print prev }' |
    sed 's/^env \(ACTIVD_[A-Z_]*\)/.br\nenvironment \\fB\1\\fR/' >"$3.tmp"
grep -q '^\.SH OPTIONS' "$3.tmp" || { echo "activd-man.sh: no options in $1 --help" >&2; exit 1; }
mv "$3.tmp" "$3"
