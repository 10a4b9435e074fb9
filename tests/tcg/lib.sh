# Shared shell helpers for tests/tcg/run-*.sh (sourced, not run).
#
# tcg_setup BUILD   sets TERN (the emulator command, an array), OUT (the
#                   build output dir) and exports TCG_FEATURES; returns 1
#                   (after printing a TAP skip) when there is no emulator.
# tcg_build FILE    builds FILE (.c or .asm) static into $OUT/NAME
# tcg_compare NAME CMD...   runs CMD natively and under $TERN, one TAP line
# ok/notok/tcg_done         TAP bookkeeping

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
tcg_done() {
    echo "1..$n"
    [ "$failed" = 0 ]
}

tcg_setup() {
    local build=$1 nat emu
    if [ -n "${TCG_EMULATOR:-}" ]; then
        read -r -a TERN <<<"$TCG_EMULATOR"
    else
        TERN=("$build/tern-x86_64")
        if [ ! -x "${TERN[0]}" ]; then
            echo "1..0 # SKIP ${TERN[0]} not built yet"
            return 1
        fi
    fi
    TCG_TIMEOUT=${TCG_TIMEOUT:-120}
    OUT=$(mkdir -p "$build/tests/tcg" && cd "$build/tests/tcg" && pwd)
    mkdir -p "$OUT/out"
    CFLAGS_GUEST=(-static -O1 -g -mno-red-zone -fno-pie -no-pie -Wall -Wextra
        -Wno-unused-function -I"$SRC")
    if ! tcg_build "$SRC/features.c"; then
        echo "Bail out! cannot build features.c: $(head -5 "$OUT/features.build.log")"
        return 1
    fi
    nat=$("$OUT/features")
    emu=$(tcg_emu "$TCG_TIMEOUT" "$OUT/features" 2>/dev/null)
    TCG_FEATURES=""
    local f
    for f in $nat; do
        case " $emu " in *" $f "*) TCG_FEATURES="$TCG_FEATURES${TCG_FEATURES:+ }$f" ;; esac
    done
    export TCG_FEATURES
    echo "# native features:   $nat"
    echo "# emulator features: $emu"
    return 0
}

# tcg_emu SECONDS CMD...: run CMD under the emulator with a time limit, in
# a session of its own, and kill whatever is left of that session after
# (a forked guest that hangs would otherwise outlive the timeout: timeout
# only kills its direct child). Returns the command's status (124: timed
# out).
tcg_emu() {
    local t=$1 st pgf
    shift
    pgf=$(mktemp "${TMPDIR:-/tmp}/tern-pgid.XXXXXX")
    setsid --wait bash -c 'echo $$ >"$0"; exec timeout -k 5 "$@"' "$pgf" "$t" "${TERN[@]}" "$@"
    st=$?
    [ -s "$pgf" ] && kill -KILL -- -"$(cat "$pgf")" 2>/dev/null
    rm -f "$pgf"
    return $st
}

# Build a guest program: C with gcc -static, nasm with nasm + ld.
tcg_build() {
    local f=$1 name
    name=$(basename "${f%.*}")
    # Rebuild only when the source (or a shared header) is newer.
    if [ -x "$OUT/$name" ] && [ "$OUT/$name" -nt "$f" ] && [ "$OUT/$name" -nt "$SRC/common.h" ]; then
        return 0
    fi
    case $f in
    *.c) gcc "${CFLAGS_GUEST[@]}" -o "$OUT/$name" "$f" -lm -lpthread >"$OUT/$name.build.log" 2>&1 ;;
    *.asm) nasm -f elf64 -I"$SRC/" -o "$OUT/$name.o" "$f" >"$OUT/$name.build.log" 2>&1 &&
        ld -o "$OUT/$name" "$OUT/$name.o" >>"$OUT/$name.build.log" 2>&1 ;;
    esac
}

# Run CMD natively and under the emulator; compare stdout and exit status.
tcg_compare() {
    local name=$1 st_n st_e
    shift
    timeout -k 5 60 "$@" >"$OUT/out/$name.native" 2>"$OUT/out/$name.native.err" </dev/null
    st_n=$?
    tcg_emu "$TCG_TIMEOUT" "$@" >"$OUT/out/$name.emu" 2>"$OUT/out/$name.emu.err" </dev/null
    st_e=$?
    if [ $st_n -eq 124 ]; then
        notok "$name: timed out natively (a broken test)"
    elif [ $st_e -eq 124 ] || [ $st_e -eq 137 ]; then
        notok "$name: timed out under the emulator after ${TCG_TIMEOUT}s"
        tcg_show_diff "$name"
    elif [ $st_n -ne $st_e ]; then
        notok "$name: exit status $st_e under the emulator, $st_n natively"
        tcg_show_diff "$name"
    elif ! cmp -s "$OUT/out/$name.native" "$OUT/out/$name.emu"; then
        notok "$name: output differs"
        tcg_show_diff "$name"
    else
        ok "$name ($(wc -l <"$OUT/out/$name.native") lines)"
    fi
    [ "${TCG_KEEP:-0}" = 1 ] || rm -f "$OUT/out/$name.native" "$OUT/out/$name.emu" \
        "$OUT/out/$name.native.err" "$OUT/out/$name.emu.err"
}

# The first differences (native '-', emulator '+') and the emulator's stderr.
tcg_show_diff() {
    local name=$1
    diff -u "$OUT/out/$name.native" "$OUT/out/$name.emu" | sed -n '3,40p' | sed 's/^/#   /'
    if [ -s "$OUT/out/$name.emu.err" ]; then
        echo "#   emulator stderr:"
        head -n 10 "$OUT/out/$name.emu.err" | sed 's/^/#   | /'
    fi
}
