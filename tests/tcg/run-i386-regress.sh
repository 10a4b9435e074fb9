#!/bin/bash
# Regression cases of the x86 translator (tests/tcg/i386-regress.c): built
# static into BUILD/tests/tcg/, run natively and under tern-x86_64 (with
# a timeout), outputs and exit statuses compared. Prints TAP.
#
#   tests/tcg/run-i386-regress.sh BUILD
set -u
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/lib.sh"
tcg_setup "$BUILD" || exit 0

for f in "$SRC/i386-regress.c"; do
    name=$(basename "${f%.*}")
    if ! tcg_build "$f"; then
        notok "$name: build failed"
        sed 's/^/# /' "$OUT/$name.build.log" | head -20
        continue
    fi
    tcg_compare "$name" "$OUT/$name"
done

tcg_done
