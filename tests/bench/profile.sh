#!/bin/bash
# Profile tern-system-x86_64 booting the tests/bench/boot.sh guest (to the
# shell, the sha256 and awk workloads, power-off) under `perf record -e
# cpu-clock` (no hardware counters needed) and print a flat profile:
# tern's functions by name, libc and the host kernel by symbol, and the
# generated code as TBs named by guest pc (tern writes /tmp/perf-<pid>.map
# when TERN_PERFMAP=1), with totals for guest kernel (pc >= 2^63) and
# guest user code. Not part of `make check`.
#
#   tests/bench/profile.sh [BUILD [TOP]]   (default BUILD=build, TOP=40)
# Environment: PROFILE_SMP (default 1), PROFILE_MEM (default 256M),
# PROFILE_APPEND (extra kernel arguments, e.g. nokaslr to keep kernel pcs
# stable between runs), PROFILE_OUT (keep perf.data there).
set -u
BUILD=${1:-build}
TOP=${2:-40}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
TERN=$BUILD/tern-system-x86_64

if [ ! -x "$TERN" ]; then
    echo "profile.sh: $TERN not built" >&2
    exit 1
fi
if ! command -v perf >/dev/null 2>&1; then
    echo "profile.sh: perf not found (apt-get install linux-perf)" >&2
    exit 1
fi
paths=$("$srcdir/scripts/fetch-guest.sh") || exit 1
kernel=$(sed -n 's/^KERNEL=//p' <<<"$paths")
busybox=$(sed -n 's/^BUSYBOX=//p' <<<"$paths")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tern-profile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$srcdir/tests/functional/guest/mkinitramfs.sh" "$busybox" \
    "$srcdir/tests/bench/boot-init.sh" "$tmp/initrd.gz" || exit 1
data=${PROFILE_OUT:-$tmp/perf.data}

TERN_PERFMAP=1 timeout 600 perf record -q -e cpu-clock -o "$data" \
    "$TERN" -kernel "$kernel" -initrd "$tmp/initrd.gz" \
    -append "console=ttyS0 panic=-1 ${PROFILE_APPEND:-}" \
    -m "${PROFILE_MEM:-256M}" -smp "${PROFILE_SMP:-1}" \
    -display none -serial stdio -no-reboot >"$tmp/serial.log" 2>&1
st=$?
grep -a 'TERN-BENCH-.*-MS=' "$tmp/serial.log"
if [ $st -ne 0 ]; then
    echo "profile.sh: the guest run ended with status $st; serial tail:" >&2
    tail -5 "$tmp/serial.log" >&2
fi

# perf may not resolve tern's own symbols (newer DWARF than it reads):
# those are mapped through nm here
perf report -i "$data" --no-children --sort dso,sym -g none 2>/dev/null | grep '%' |
python3 -c '
import bisect, collections, subprocess, sys
binary, top = sys.argv[1], int(sys.argv[2])
addrs, names = [], []
for l in subprocess.run(["nm", "-n", "--defined-only", binary], capture_output=True,
                        text=True).stdout.splitlines():
    p = l.split()
    if len(p) == 3 and p[1] in "tTwW":
        addrs.append(int(p[0], 16))
        names.append(p[2])
cnt = collections.Counter()
for l in sys.stdin:
    p = l.replace("[JIT] tid ", "[JIT]").split()
    if len(p) < 3:
        continue
    pct, dso, sym = float(p[0].rstrip("%")), p[1], p[3] if len(p) > 3 else "?"
    if dso.startswith("[JIT]"):
        if sym.startswith("tb_"):
            kernel = int(sym[3:], 16) >= 1 << 63
            cnt["= generated code, guest " + ("kernel" if kernel else "user")] += pct
            cnt["TB " + sym[3:]] += pct
        else:
            cnt["= generated code, unnamed"] += pct
    elif dso == "tern-system-x86_64" and sym.startswith("0x"):
        i = bisect.bisect_right(addrs, int(sym, 16)) - 1
        cnt["tern " + (names[i] if i >= 0 else sym)] += pct
    else:
        cnt[dso + " " + sym] += pct
for k, v in cnt.most_common(top):
    print("%6.2f%%  %s" % (v, k))
' "$TERN" "$TOP"
