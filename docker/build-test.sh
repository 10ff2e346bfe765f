#!/bin/sh
# Build stage of docker/Dockerfile: `make test`, every suite this Debian can
# run. The one exception, said out loud in the build log: the web-page suite
# (tests/browser/run.sh, playwright-core) needs Node.js >= 20 and bookworm's
# nodejs is 18; it runs in CI on the host, against the same sources.
set -eu
extra=$(make -s --no-print-directory --eval 'print-extra-tests: ; @echo $(EXTRA_TESTS)' print-extra-tests)
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
keep=""
for t in $extra; do
    case "$t" in
    tests/browser/*)
        if [ "$node_major" -lt 20 ]; then
            echo "build-test: skipping $t: needs Node.js >= 20, this image has $(node --version 2>/dev/null || echo none)"
            continue
        fi
        ;;
    esac
    keep="$keep $t"
done
exec make -j"$(nproc)" test EXTRA_TESTS="${keep# }"
