#!/bin/bash
# Linux boot benchmark (issue 4): boots Debian's kernel with a busybox
# initramfs (tests/bench/boot-init.sh as /init) under tern-system-x86_64
# and under Debian's qemu-system-x86_64 -accel tcg, with the same kernel,
# initramfs, -m and -smp (1 and 4), interleaved in the same run, and prints
# the median of RUNS runs of:
#   shell     host seconds from the emulator's start to the init shell's
#             first line on the serial console
#   poweroff  host seconds from start to the emulator's exit after the
#             guest's poweroff -f
#   sha256    sha256sum of a 64 MiB file in tmpfs, timed by the guest
#   awk       a 1M-iteration busybox awk loop, timed by the guest
#   sha256/awk (host)  the same spans timed on the host from the serial lines
# with the ratio tern/qemu (below 1: Tern is faster). Each run's workload
# results are checked against the host's; a failed or wrong run shows FAIL.
# Not part of `make check`.
#
#   tests/bench/boot.sh [BUILD]    (default BUILD=build)
# Environment: BENCH_RUNS (default 3), BENCH_TIMEOUT (seconds per boot,
# default 300), BENCH_SMP (default "1 4"), BENCH_MEM (default 256M),
# QEMU (default qemu-system-x86_64).
set -u
BUILD=${1:-build}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
TERN=$BUILD/tern-system-x86_64
QEMU=${QEMU:-qemu-system-x86_64}
RUNS=${BENCH_RUNS:-3}
LIMIT=${BENCH_TIMEOUT:-300}
SMPS=${BENCH_SMP:-1 4}
MEM=${BENCH_MEM:-256M}

if [ ! -x "$TERN" ]; then
    echo "boot.sh: $TERN not built" >&2
    exit 1
fi
if ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "boot.sh: $QEMU not found (apt-get install qemu-system-x86)" >&2
    exit 1
fi
paths=$("$srcdir/scripts/fetch-guest.sh") || exit 1
kernel=$(sed -n 's/^KERNEL=//p' <<<"$paths")
busybox=$(sed -n 's/^BUSYBOX=//p' <<<"$paths")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tern-bootbench.XXXXXX")
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$tmp"' EXIT
initrd=$tmp/initrd.gz
"$srcdir/tests/functional/guest/mkinitramfs.sh" "$busybox" \
    "$srcdir/tests/bench/boot-init.sh" "$initrd" || exit 1

# the results the guest must print, computed on the host
want_sha=$(head -c 64M /dev/zero | sha256sum | cut -d' ' -f1)
want_awk=$(sed -n "s/.*res=\$(awk '\(.*\)')\$/\1/p" "$srcdir/tests/bench/boot-init.sh")
want_awk=$(awk "$want_awk")

# run EMU SMP OUT: one boot; writes "metric value" lines (seconds) to OUT,
# or "metric FAIL"
run() {
    local emu=$1 smp=$2 out=$3 cmd
    if [ "$emu" = tern ]; then
        cmd=("$TERN")
    else
        cmd=("$QEMU" -accel tcg)
    fi
    cmd+=(-kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 panic=-1"
          -m "$MEM" -smp "$smp" -display none -serial stdio -no-reboot)
    # each serial line gets the host's monotonic time since the start;
    # the last line is the emulator's exit time and status
    python3 -u -c '
import subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
for line in p.stdout:
    t = time.monotonic() - t0
    print("%.3f %s" % (t, line.decode(errors="replace").rstrip("\r\n")))
st = p.wait()
print("%.3f TERN-EXIT=%d" % (time.monotonic() - t0, st))
' timeout "$LIMIT" "${cmd[@]}" >"$out.log"
    python3 - "$out.log" "$want_sha" "$want_awk" >"$out" <<'PY'
import re, sys
log, want_sha, want_awk = sys.argv[1:]
t = {}
for line in open(log, errors="replace"):
    ts, _, rest = line.rstrip("\n").partition(" ")
    if rest.startswith("TERN-"):
        # a kernel message from another CPU can share the line: keep only
        # the value's first word (digits for times)
        k, _, v = rest.partition("=")
        t[k] = (float(ts), re.match(r"[0-9a-f]*", v).group(0))
ok_exit = t.get("TERN-EXIT", (0, "x"))[1] == "0" and "TERN-BENCH-POWEROFF" in t
def get(k): return t[k] if k in t else None
res = {}
res["shell"] = get("TERN-BENCH-SHELL")[0] if get("TERN-BENCH-SHELL") else None
res["poweroff"] = t["TERN-EXIT"][0] if ok_exit else None
for w, want in (("sha256", want_sha), ("awk", want_awk)):
    good = get("TERN-BENCH-%s-RESULT" % w) and t["TERN-BENCH-%s-RESULT" % w][1] == want
    ms = get("TERN-BENCH-%s-MS" % w)
    res[w] = int(ms[1]) / 1000 if good and ms else None
    s, e = get("TERN-BENCH-%s-START" % w), get("TERN-BENCH-%s-END" % w)
    res[w + "(host)"] = e[0] - s[0] if good and s and e else None
for k, v in res.items():
    print(k, "FAIL" if v is None else "%.3f" % v)
PY
}

metrics="shell poweroff sha256 awk sha256(host) awk(host)"
for smp in $SMPS; do
    for i in $(seq "$RUNS"); do
        for emu in tern qemu; do
            echo "# run $i smp $smp $emu" >&2
            run "$emu" "$smp" "$tmp/$emu.$smp.$i"
            if grep -q FAIL "$tmp/$emu.$smp.$i"; then
                echo "# $emu smp $smp run $i failed somewhere; serial tail:" >&2
                tail -8 "$tmp/$emu.$smp.$i.log" | sed 's/^/#   /' >&2
            fi
        done
    done
done

# the table: medians (a run that failed counts as FAIL if most did)
python3 - "$tmp" "$RUNS" "$SMPS" "$metrics" <<'PY'
import sys
tmp, runs, smps, metrics = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4].split()
def median(emu, smp, m):
    vals = []
    for i in range(1, runs + 1):
        for line in open("%s/%s.%s.%d" % (tmp, emu, smp, i)):
            k, v = line.split()
            if k == m and v != "FAIL":
                vals.append(float(v))
    if len(vals) * 2 <= runs:
        return None
    vals.sort()
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2
print("%-14s %4s %10s %10s %11s" % ("metric", "smp", "tern (s)", "qemu (s)", "tern/qemu"))
for smp in smps:
    for m in metrics:
        a, b = median("tern", smp, m), median("qemu", smp, m)
        fa = "FAIL" if a is None else "%.2f" % a
        fb = "FAIL" if b is None else "%.2f" % b
        r = "-" if a is None or b is None or b == 0 else "%.2f" % (a / b)
        print("%-14s %4s %10s %10s %11s" % (m, smp, fa, fb, r))
print("(median of %d runs; shell/poweroff and (host) rows: host clock; sha256/awk: guest clock)" % runs)
PY
