#!/bin/bash
# Differential guest tests: every tests/tcg/*.c and *.asm program (except
# the helpers features.c and randgen.c) is built static into
# BUILD/tests/tcg/, run natively and under tern-x86_64, and the two
# outputs (and exit statuses) must be byte-identical. Prints TAP.
#
#   tests/tcg/run-tcg.sh BUILD [NAME...]
#
# NAME limits the run to those programs (e.g. alu x87). Environment:
#   TCG_EMULATOR  the emulator command (default BUILD/tern-x86_64); e.g.
#                 TCG_EMULATOR=qemu-x86_64 checks the tests themselves
#   TCG_TIMEOUT   seconds per emulated run (default 120)
#   TCG_KEEP=1    keep the outputs (in BUILD/tests/tcg/out/)
# The CPUID features the programs may use are those reported both natively
# and under the emulator (see common.h), passed as TCG_FEATURES.
set -u
shopt -s nullglob
BUILD=${1:-build}
shift || true
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/lib.sh"
tcg_setup "$BUILD" || exit 0

progs=()
for f in "$SRC"/*.c "$SRC"/*.asm; do
    name=$(basename "${f%.*}")
    case $name in features | randgen) continue ;; esac
    if [ $# -gt 0 ]; then
        case " $* " in *" $name "*) ;; *) continue ;; esac
    fi
    progs+=("$f")
done

for f in "${progs[@]}"; do
    name=$(basename "${f%.*}")
    if ! tcg_build "$f"; then
        notok "$name: build failed"
        sed 's/^/# /' "$OUT/$name.build.log" | head -20
        continue
    fi
    tcg_compare "$name" "$OUT/$name"
done

tcg_done
