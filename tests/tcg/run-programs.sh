#!/bin/bash
# Real programs under tern-x86_64, each output compared with the same
# program run natively: static busybox running a shell script (sh, sort,
# sed, awk, sha256sum, gzip/gunzip, find...), Debian's dynamically linked
# coreutils and grep (using the host's own /lib), python3 with big
# integers, floats, json and re, and a multithreaded C program (pthreads,
# atomics, futex) that checks its own result. Prints TAP.
#
#   tests/tcg/run-programs.sh BUILD
#
# Each program runs in its own fresh directory, natively and emulated,
# with the same input files. TCG_EMULATOR as in run-tcg.sh; TCG_TIMEOUT
# defaults to 30 seconds per program here. A missing host program is a failure, not a skip: install it
# with scripts/install-deps.sh.
set -u
BUILD=${1:-build}
SRC=$(cd "$(dirname "$0")" && pwd)
. "$SRC/lib.sh"
TCG_TIMEOUT=${TCG_TIMEOUT:-30}
tcg_setup "$BUILD" || exit 0
T=$(mktemp -d "${TMPDIR:-/tmp}/tern-programs.XXXXXX")
trap 'rm -rf "$T"' EXIT

# make_inputs DIR: the same input files for both runs.
make_inputs() {
    local d=$1 i
    mkdir -p "$d/sub/deeper"
    for i in $(seq 1 400); do
        echo "row $((i * 37 % 401)) $(printf '%x' $((i * 7919))) item$((i % 17))"
    done >"$d/rows.txt"
    printf 'alpha\nBeta\ngamma\nDelta\nepsilon\n' >"$d/words.txt"
    for i in 1 2 3; do echo "file $i" >"$d/sub/f$i.txt"; done
    echo deep >"$d/sub/deeper/x.dat"
    head -c 100000 /dev/zero | tr '\0' 'z' >"$d/big.txt"
}

# prog NAME CMD...: run CMD in a fresh dir natively and under the emulator.
prog() {
    local name=$1 st_n st_e
    shift
    rm -rf "$T/nat" "$T/emu"
    make_inputs "$T/nat"
    make_inputs "$T/emu"
    (cd "$T/nat" && timeout -k 5 120 "$@" >"$T/out.nat" 2>"$T/err.nat" </dev/null)
    st_n=$?
    (cd "$T/emu" && tcg_emu "$TCG_TIMEOUT" "$@" >"$T/out.emu" 2>"$T/err.emu" </dev/null)
    st_e=$?
    if [ $st_n -ne 0 ]; then
        notok "$name: fails natively (status $st_n): a broken test or a missing program"
        head -5 "$T/err.nat" | sed 's/^/#   | /'
    elif [ $st_e -ne 0 ]; then
        notok "$name: exit status $st_e under the emulator"
        diff "$T/out.nat" "$T/out.emu" | head -10 | sed 's/^/#   /'
        tail -5 "$T/err.emu" | sed 's/^/#   | /'
    elif ! cmp -s "$T/out.nat" "$T/out.emu"; then
        notok "$name: output differs"
        diff "$T/out.nat" "$T/out.emu" | head -20 | sed 's/^/#   /'
    else
        ok "$name ($(wc -l <"$T/out.nat") lines)"
    fi
}

need() {
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
        notok "$1 is not installed (scripts/install-deps.sh)"
        return 1
    fi
}

# busybox (static)
if need /bin/busybox; then
    prog "busybox sh script" /bin/busybox sh "$SRC/progs/busybox.sh"
    prog "busybox applets directly" /bin/busybox sh -c \
        'busybox sort -k2,2n rows.txt | busybox md5sum; busybox ls -1 sub; busybox wc -c big.txt'
fi

# dynamically linked coreutils and grep
for p in ls cat wc sort sha256sum grep; do
    need "/usr/bin/$p" || true
done
prog "ls" /usr/bin/ls -1 -a -R .
prog "ls -l sizes" /usr/bin/ls -s -1 sub
prog "cat" /usr/bin/cat rows.txt words.txt sub/f1.txt
prog "wc" /usr/bin/wc rows.txt words.txt big.txt
prog "sort" /usr/bin/sort -t' ' -k3,3 -k2,2n rows.txt
prog "sort -f -r" /usr/bin/sort -f -r words.txt
prog "sha256sum" /usr/bin/sha256sum rows.txt big.txt words.txt
prog "grep -E -c" /usr/bin/grep -E -c 'item(1|3)$' rows.txt
prog "grep -o -i" /usr/bin/grep -o -i -n 'd[a-z]*a' words.txt
prog "grep -r" /usr/bin/grep -r -l file sub
prog "sort | uniq via sh" /bin/sh -c '/usr/bin/cut -d" " -f4 rows.txt | /usr/bin/sort | /usr/bin/uniq -c'

# python3 (Debian's, dynamically linked)
if need /usr/bin/python3; then
    prog "python3 script" /usr/bin/python3 -S -E "$SRC/progs/script.py"
fi

# multithreaded C
if gcc -O1 -pthread -static -o "$OUT/threads" "$SRC/progs/threads.c" >"$OUT/threads.build.log" 2>&1; then
    prog "pthreads, atomics, futex" "$OUT/threads"
else
    notok "threads.c: build failed"
    head -5 "$OUT/threads.build.log" | sed 's/^/#   /'
fi

tcg_done
