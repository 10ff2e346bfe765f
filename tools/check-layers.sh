#!/bin/sh
# check-layers.sh - every #include "..." in lib/ and server/ goes to the
# same layer or one below it, and the includes form no circle
# (docs/architecture.md). Prints each violation; exit 1 if there is any.
#
# An include is resolved as the compiler does: the including file's folder
# first, then -Ilib/include, -Ilib, -Iserver (the Makefile's order).
set -eu
cd "$(dirname "$0")/.."

# rank PATH: the layer of a file, or nothing when it is in none.
rank() {
    case $1 in
    lib/include/*) echo 0 ;;
    lib/num/*) echo 1 ;;
    lib/fn/*) echo 3 ;;
    lib/*.h) echo 2 ;;
    lib/*.c) echo 4 ;;
    server/core/*) echo 10 ;;
    server/wire/*) echo 20 ;;
    server/decode/*) echo 30 ;;
    server/routes/*) echo 40 ;;
    server/main.c) echo 50 ;;
    esac
}

resolve() { # resolve FROM NAME
    for d in "$(dirname "$1")" lib/include lib server; do
        if [ -f "$d/$2" ]; then
            # normalise "a/b/../c" (no symlinks here)
            echo "$d/$2" | awk -F/ '{n=0; for(i=1;i<=NF;i++){ if($i==".."){n--} else if($i!="."){p[++n]=$i} } s=p[1]; for(i=2;i<=n;i++) s=s "/" p[i]; print s}'
            return
        fi
    done
}

bad=0
edges=$(mktemp)
trap 'rm -f "$edges"' EXIT
files=$(find lib server -name '*.[ch]' -o -name '*.cc' | sort)
for f in $files; do
    rf=$(rank "$f")
    if [ -z "$rf" ]; then
        echo "check-layers: $f is in no layer (docs/architecture.md)"
        bad=1
        continue
    fi
    for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        t=$(resolve "$f" "$inc")
        if [ -z "$t" ]; then
            echo "check-layers: $f includes \"$inc\", which is not in lib/ or server/"
            bad=1
            continue
        fi
        rt=$(rank "$t")
        echo "$f $t" >>"$edges"
        if [ -z "$rt" ]; then
            continue # reported as a file of its own
        elif [ "$rt" -gt "$rf" ]; then
            echo "check-layers: $f (layer $rf) includes $t (layer $rt): an include may not go up"
            bad=1
        elif [ "$rf" -lt 10 ] && [ "$rt" -ge 10 ]; then
            echo "check-layers: $f (libactiv) includes $t (the daemon)"
            bad=1
        elif [ "$rf" -ge 10 ] && [ "$rt" -ge 1 ] && [ "$rt" -lt 10 ]; then
            echo "check-layers: $f includes $t: the daemon sees only libactiv's public header"
            bad=1
        fi
    done
done
# A file including itself is a circle too; tsort reports the others.
if awk '$1 == $2 { print "check-layers: " $1 " includes itself"; found = 1 } END { exit !found }' "$edges"; then
    bad=1
fi
if ! out=$(tsort <"$edges" 2>&1 >/dev/null); then
    echo "check-layers: the includes form a circle:"
    echo "$out" | sed -e 's/^tsort: //' -e 's/^-: //' | sed 's/^/  /'
    bad=1
fi
[ $bad -eq 0 ] && echo "check-layers: $(echo "$files" | wc -l) files, $(wc -l <"$edges") includes, no include goes up, no circle"
exit $bad
