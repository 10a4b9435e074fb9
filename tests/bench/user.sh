#!/bin/bash
# User-mode benchmark: times the same workloads natively, under
# tern-x86_64 and under qemu-x86_64 (Debian's qemu-user), in one run, and
# prints a table of wall-clock seconds with the ratios tern/qemu and
# tern/native. Not part of `make check`.
#
#   tests/bench/user.sh [BUILD]       (default BUILD=build)
#
# Workloads (inputs generated deterministically in a temp dir):
#   sha256sum  of 64 MiB
#   xz -9      of 16 MiB (text-like, compressible)
#   sort       of 1M lines
#   python3    a CPU-bound loop of about a second natively
# Environment: BENCH_RUNS (best of N, default 1), BENCH_TIMEOUT (seconds
# per run, default 600), QEMU (default qemu-x86_64). Each emulated run's
# output is checked against the native one; a wrong or failed run is
# reported as FAIL instead of a time.
set -u
BUILD=${1:-build}
TERN=$BUILD/tern-x86_64
QEMU=${QEMU:-qemu-x86_64}
RUNS=${BENCH_RUNS:-1}
LIMIT=${BENCH_TIMEOUT:-600}

if [ ! -x "$TERN" ]; then
    echo "user.sh: $TERN not built (make first)" >&2
    exit 1
fi
have_qemu=1
command -v "$QEMU" >/dev/null 2>&1 || have_qemu=0

T=$(mktemp -d "${TMPDIR:-/tmp}/tern-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT

# Deterministic inputs.
echo "generating inputs in $T ..." >&2
python3 - "$T" <<'PY'
import random, sys
d = sys.argv[1]
r = random.Random(12345)
with open(d + "/64m.bin", "wb") as f:
    f.write(r.randbytes(64 << 20))
words = ["tern", "emulator", "block", "cache", "x86", "flags", "page", "signal",
         "thread", "vector", "float", "translate", "guest", "host", "zero"]
with open(d + "/16m.txt", "w") as f:
    n = 0
    while n < (16 << 20):
        line = " ".join(r.choice(words) for _ in range(r.randint(3, 12))) + " %d\n" % r.randint(0, 99999)
        f.write(line)
        n += len(line)
with open(d + "/1m-lines.txt", "w") as f:
    for i in range(1000000):
        f.write("%08x %s\n" % (r.getrandbits(32), r.choice(words)))
PY
truncate -s $((16 << 20)) "$T/16m.txt"
cat >"$T/cpu.py" <<'PY'
# About a second of interpreter work natively: integer and float loops,
# dicts and strings.
import math
acc = 0
d = {}
for i in range(5000000):
    acc = (acc * 31 + i) & 0xffffffff
    if i % 7 == 0:
        d[i % 1000] = d.get(i % 1000, 0) + 1
x = sum(math.sqrt(i) for i in range(1200000))
s = "".join(chr(97 + i % 26) for i in range(800000))
print(acc, len(d), round(x, 3), s.count("abc"))
PY

names=(sha256sum "xz -9" sort python3)
cmds=(
    "/usr/bin/sha256sum $T/64m.bin"
    "/usr/bin/xz -9 -c -T1 $T/16m.txt"
    "/usr/bin/sort --parallel=1 -S 256M $T/1m-lines.txt"
    "/usr/bin/python3 -S $T/cpu.py"
)

# time_run OUTFILE PREFIX... -- CMD: best wall time over RUNS, or FAIL.
time_run() {
    local out=$1 best="" i t0 t1 st el
    shift
    for ((i = 0; i < RUNS; i++)); do
        t0=$(date +%s.%N)
        timeout -k 5 "$LIMIT" "$@" >"$out" 2>/dev/null
        st=$?
        t1=$(date +%s.%N)
        if [ $st -ne 0 ]; then
            echo FAIL
            return
        fi
        el=$(echo "$t1 - $t0" | bc -l)
        if [ -z "$best" ] || [ "$(echo "$el < $best" | bc -l)" = 1 ]; then
            best=$el
        fi
    done
    printf '%.2f\n' "$best"
}

# For xz the output is compared by size+hash; for the others directly.
check() {
    cmp -s "$1" "$2"
}

ratio() {
    case "$1$2" in *FAIL* | *-*) echo "-" ;; *) printf '%.1f' "$(echo "$1 / $2" | bc -l)" ;; esac
}

printf '%-10s %10s %10s %10s %10s %12s\n' workload native tern qemu tern/qemu tern/native
for i in "${!names[@]}"; do
    read -r -a cmd <<<"${cmds[$i]}"
    tn=$(time_run "$T/out.native" "${cmd[@]}")
    te=$(time_run "$T/out.tern" "$TERN" "${cmd[@]}")
    if [ "$te" != FAIL ] && ! check "$T/out.native" "$T/out.tern"; then
        te=FAIL
    fi
    if [ $have_qemu = 1 ]; then
        tq=$(time_run "$T/out.qemu" "$QEMU" "${cmd[@]}")
        if [ "$tq" != FAIL ] && ! check "$T/out.native" "$T/out.qemu"; then
            tq=FAIL
        fi
    else
        tq=-
    fi
    printf '%-10s %10s %10s %10s %10s %12s\n' "${names[$i]}" "$tn" "$te" "$tq" \
        "$(ratio "$te" "$tq")" "$(ratio "$te" "$tn")"
done
