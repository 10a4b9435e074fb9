#!/bin/bash
# Random instruction streams (tests/tcg/randgen.c), run natively and under
# tern-x86_64 with the same seeds; one TAP line per seed. On a mismatch it
# prints the first differing sequence: its bytes, its disassembly, its
# initial registers and the state differences. Prints TAP.
#
#   tests/tcg/run-random.sh BUILD
#
# Environment: RANDGEN_SEEDS (default "1 2 3 4"), RANDGEN_COUNT (sequences
# per seed, default 3000), TCG_EMULATOR and TCG_TIMEOUT as in run-tcg.sh.
# To look at one sequence by hand:
#   BUILD/tests/tcg/randgen SEED 1 -only N
set -u
shopt -s nullglob
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/lib.sh"
tcg_setup "$BUILD" || exit 0

seeds=${RANDGEN_SEEDS:-1 2 3 4}
count=${RANDGEN_COUNT:-3000}

if ! tcg_build "$SRC/randgen.c"; then
    notok "randgen: build failed"
    sed 's/^/# /' "$OUT/randgen.build.log" | head -20
    tcg_done
    exit
fi
RG=$OUT/randgen

for seed in $seeds; do
    nat=$OUT/out/random-$seed.native
    emu=$OUT/out/random-$seed.emu
    timeout -k 5 120 "$RG" "$seed" "$count" >"$nat" 2>&1
    st_n=$?
    tcg_emu "$TCG_TIMEOUT" "$RG" "$seed" "$count" >"$emu" 2>"$emu.err"
    st_e=$?
    if [ $st_n -ne 0 ]; then
        notok "seed $seed: randgen failed natively (status $st_n)"
        tail -3 "$nat" | sed 's/^/#   /'
        continue
    fi
    if grep -q ' fault$' "$nat"; then
        notok "seed $seed: a sequence faults natively (a generator bug)"
        grep -m3 ' fault$' "$nat" | sed 's/^/#   /'
        continue
    fi
    if [ $st_e -ne 0 ] || ! cmp -s "$nat" "$emu"; then
        # The first differing line names the sequence.
        first=$(diff "$nat" "$emu" | sed -n 's/^< \([0-9][0-9]*\) .*/\1/p' | head -1)
        if [ -z "$first" ]; then
            notok "seed $seed: emulator exit status $st_e, output $(wc -l <"$emu") of $(wc -l <"$nat") lines"
            tail -5 "$emu.err" | sed 's/^/#   | /'
            continue
        fi
        ndiff=$(diff "$nat" "$emu" | grep -c '^<')
        notok "seed $seed: $ndiff of $count sequences differ; first: sequence $first"
        "$RG" "$seed" 1 -only "$first" >"$nat.one" 2>&1
        tcg_emu 60 "$RG" "$seed" 1 -only "$first" >"$emu.one" 2>&1
        sed -n 2p "$nat.one" | sed 's/^/#   /'
        sed -n 2p "$nat.one" | cut -d: -f3 | xxd -r -p >"$OUT/out/seq.bin" 2>/dev/null &&
            objdump -D -b binary -mi386:x86-64 "$OUT/out/seq.bin" 2>/dev/null |
            tail -n +8 | sed 's/^/#   /'
        grep '^initial' "$nat.one" | sed 's/^/#   /'
        echo "#   state: native '-', emulator '+'"
        diff "$nat.one" "$emu.one" | grep '^[<>]' | sed 's/^</-/; s/^>/+/; s/^/#   /' | head -30
        echo "#   reproduce: $RG $seed 1 -only $first"
    else
        ok "seed $seed: $count random sequences identical"
    fi
    [ "${TCG_KEEP:-0}" = 1 ] || rm -f "$nat" "$emu" "$emu.err" "$nat.one" "$emu.one"
done

tcg_done
