#!/bin/bash
# Quality of the code the x86-64 backend generates, measured on a few guest
# programs run under tern-x86_64:
#
#   static   translation blocks, guest insns translated, host code bytes and
#            host insns per guest insn (from -d in_asm,out_asm)
#   profile  where the run's time goes (perf, cpu-clock samples): generated
#            code, helpers (helper_*), TB lookup (helper_lookup_tb_ptr behind
#            goto_ptr: indirect jumps and returns), translation (decoder, IR,
#            optimizer, liveness, backend, disassembly), the rest of the
#            emulator, libc, kernel; "TB time" splits the first three
#   hot      with --hot N: the N blocks with the most samples (from a
#            second perf run with logging on); with --keep DIR their guest
#            and host code is left in DIR/WORKLOAD.hot.txt
#   time     median wall time of RUNS runs of tern-x86_64, and of
#            qemu-x86_64 when it is installed
#
#   tests/bench/tcg-codegen.sh BUILD [--runs N] [--hot N] [--keep DIR] [WORKLOAD...]
#
# WORKLOAD: sha256 (sha256sum of a 64 MiB file), python (a generator sum in
# CPython), gzip (gzip -6 of 16 MiB of text), sort (sort of the same text:
# glibc's memcmp and friends, qsort); default: all. Not part of
# tests/run-tests.sh (it is a measurement, not a test); perf is optional.
set -u

usage() {
    sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
BUILD=$(cd "$1" && pwd) || exit 2
shift
RUNS=3
HOT=0
KEEP=
works=()
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --hot) HOT=$2; shift 2 ;;
    --keep) KEEP=$2; shift 2 ;;
    -h | --help) usage ;;
    *) works+=("$1"); shift ;;
    esac
done
[ ${#works[@]} -gt 0 ] || works=(sha256 python gzip sort)
export LC_ALL=C

TERN=$BUILD/tern-x86_64
[ -x "$TERN" ] || { echo "tcg-codegen: $TERN not built" >&2; exit 2; }
QEMU=$(command -v qemu-x86_64 || true)
if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP" && TMP=$(cd "$KEEP" && pwd) || exit 2
else
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/tcg-codegen.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
fi

have_perf=0
if command -v perf >/dev/null &&
    perf record -q -e cpu-clock -o "$TMP/probe.data" true >/dev/null 2>&1; then
    have_perf=1
fi

# Inputs, made once.
data_inputs() {
    [ -f "$TMP/64m.bin" ] || head -c 67108864 /dev/zero >"$TMP/64m.bin"
    if [ ! -f "$TMP/text.txt" ]; then
        python3 - "$TMP/text.txt" <<'EOF'
import random, sys
r = random.Random(1)
words = [''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(r.randint(2, 11)))
         for _ in range(5000)]
with open(sys.argv[1], 'w') as f:
    n = 0
    while n < 16 << 20:
        line = ' '.join(r.choice(words) for _ in range(r.randint(3, 16))) + '\n'
        f.write(line)
        n += len(line)
EOF
    fi
}

# The guest command line of a workload, into the array cmd.
workload_cmd() {
    case "$1" in
    sha256) cmd=(/usr/bin/sha256sum "$TMP/64m.bin") ;;
    python) cmd=(/usr/bin/python3 -c 'sum(i*i for i in range(3*10**6))') ;;
    gzip) cmd=(/usr/bin/gzip -6 -c "$TMP/text.txt") ;;
    sort) cmd=(/usr/bin/sort --parallel=1 -S 256M "$TMP/text.txt") ;;
    *) return 1 ;;
    esac
}

# Run "$@" (a guest command) RUNS times under emulator $1; print the median
# wall time in seconds.
median_time() {
    local emu=$1 i t
    shift
    for ((i = 0; i < RUNS; i++)); do
        /usr/bin/time -o "$TMP/time.out" -f %e "$emu" "$@" >/dev/null 2>&1
        tail -1 "$TMP/time.out"
    done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# Static numbers from an in_asm,out_asm log.
static_stats() {
    python3 - "$1" <<'EOF'
import re, sys
tbs = ginsn = hbytes = hinsn = 0
mode = None
for line in open(sys.argv[1], errors='replace'):
    if line.startswith('IN:'):
        mode = 'in'; tbs += 1; continue
    m = re.match(r'OUT: \[size=(\d+)\]', line)
    if m:
        mode = 'out'; hbytes += int(m.group(1)); continue
    if re.match(r'0x[0-9a-f]+:', line):
        if mode == 'in':
            ginsn += 1
        elif mode == 'out':
            hinsn += 1
    elif not line.strip():
        mode = None
if ginsn == 0:
    print('  static: no blocks logged'); sys.exit()
print('  static: %d TBs, %d guest insns, %d host bytes: %.1f bytes and %.2f host insns '
      'per guest insn' % (tbs, ginsn, hbytes, hbytes / ginsn, hinsn / ginsn))
EOF
}

# Time split of a perf.data of tern-x86_64.
profile_split() {
    perf report -i "$1" --sort dso,sym --stdio 2>/dev/null | python3 -c '
import re, sys
cats = {}
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+(\S.*?)\s+\[(.)\]\s+(\S+)", line)
    if not m:
        continue
    pct, dso, kind, sym = float(m.group(1)), m.group(2).strip(), m.group(3), m.group(4)
    if re.match(r"\[JIT\]|\[unknown\]|//anon|/tmp/perf-\d+\.map", dso):
        c = "generated code"
    elif kind == "k" or dso.startswith("[kernel"):
        c = "kernel"
    elif "tern-x86_64" in dso and re.search(r"lookup_tb_ptr|get_tb_cpu_state|tb_htable_lookup|^tb_lookup|^qht_", sym):
        c = "TB lookup"
    elif "tern-x86_64" in dso:
        if sym.startswith("helper_") or re.match(r"(x87|sse|fpu|cc_compute|compute_)", sym):
            c = "helpers"
        elif re.match(r"(tcg_|ra_|x86_|la_|tci_|temp_|emit_|gen_|op_|decode|translat|disas|cs_|fold|opt_|tb_gen|reg_|load_input|pick_reg|first_free)", sym):
            c = "translation"
        else:
            c = "emulator (other)"
    elif "capstone" in dso:
        c = "translation"
    elif "libc" in dso or "libm" in dso or "ld-linux" in dso:
        c = "libc/libm"
    else:
        c = "other"
    cats[c] = cats.get(c, 0) + pct
order = ["generated code", "helpers", "TB lookup", "translation", "emulator (other)", "libc/libm",
         "kernel", "other"]
print("  profile: " + ", ".join("%s %.1f%%" % (c, cats[c]) for c in order if cats.get(c, 0) >= 0.05))
tb = ["generated code", "helpers", "TB lookup"]
hj = sum(cats.get(c, 0) for c in tb)
if hj:
    print("  TB time: " + ", ".join("%.1f%% %s" % (100 * cats.get(c, 0) / hj, c) for c in tb))
'
}

# The hottest blocks of a perf.data whose run logged in_asm,out_asm.
hot_blocks() {
    perf script -i "$1" -F ip,dso 2>/dev/null | python3 -c '
import bisect, re, sys
log, n = sys.argv[1], int(sys.argv[2])
blocks = []  # (host start, size, guest text, host text)
cur_in, cur_out, start, size, mode = [], [], None, 0, None
def flush():
    global cur_in, cur_out, start
    if start is not None:
        blocks.append((start, size, cur_in, cur_out))
    cur_in, cur_out, start = [], [], None
for line in open(log, errors="replace"):
    if line.startswith("IN:"):
        flush(); mode = "in"; cur_in = [line.rstrip()]; continue
    m = re.match(r"OUT: \[size=(\d+)\]", line)
    if m:
        mode = "out"; size = int(m.group(1)); continue
    m = re.match(r"0x([0-9a-f]+):", line)
    if m and mode == "out" and start is None:
        start = int(m.group(1), 16)
    if line.strip():
        (cur_in if mode == "in" else cur_out).append(line.rstrip())
flush()
blocks.sort()
starts = [b[0] for b in blocks]
hits, total = {}, 0
for line in sys.stdin:
    f = line.split()
    if len(f) < 2 or not re.search(r"JIT|unknown|perf-\d+\.map|anon", f[1]):
        continue
    ip = int(f[0], 16)
    total += 1
    i = bisect.bisect_right(starts, ip) - 1
    if i >= 0 and ip < blocks[i][0] + blocks[i][1]:
        hits[i] = hits.get(i, 0) + 1
out = open(sys.argv[3], "w")
for i, c in sorted(hits.items(), key=lambda kv: -kv[1])[:n]:
    st, sz, gi, ho = blocks[i]
    head = "%.1f%% of generated-code samples: %s, %d guest insns, %d host bytes (%.1f/insn)" % (
        100.0 * c / total, gi[0][4:], len(gi) - 1, sz, sz / max(1, len(gi) - 1))
    print("  hot: " + head)
    out.write("--- " + head + "\n")
    for l in gi + ho:
        out.write("    " + l + "\n")
' "$2" "$HOT" "$3"
}

data_inputs
echo "tern: $TERN"
[ -n "$QEMU" ] && echo "qemu: $QEMU"
[ $have_perf = 1 ] || echo "(perf not usable: no profile)"
for w in "${works[@]}"; do
    workload_cmd "$w" || { echo "unknown workload $w" >&2; continue; }
    set -- "${cmd[@]}"
    echo "== $w: $*"
    log=$TMP/$w.log
    if [ $have_perf = 1 ] && [ "$HOT" -gt 0 ]; then
        perf record -q -e cpu-clock -F 2000 -o "$TMP/$w.hot.data" \
            "$TERN" -d in_asm,out_asm -D "$log" "$@" >/dev/null 2>&1
    else
        "$TERN" -d in_asm,out_asm -D "$log" "$@" >/dev/null 2>&1
    fi
    static_stats "$log"
    if [ $have_perf = 1 ]; then
        perf record -q -e cpu-clock -F 2000 -o "$TMP/$w.data" "$TERN" "$@" >/dev/null 2>&1
        profile_split "$TMP/$w.data"
        if [ "$HOT" -gt 0 ]; then
            hot_blocks "$TMP/$w.hot.data" "$log" "$TMP/$w.hot.txt"
            [ -n "$KEEP" ] && echo "  (their code: $TMP/$w.hot.txt)"
        fi
    fi
    tt=$(median_time "$TERN" "$@")
    if [ -n "$QEMU" ]; then
        qt=$(median_time "$QEMU" "$@")
        echo "  time: tern ${tt}s, qemu-x86_64 ${qt}s (median of $RUNS)"
    else
        echo "  time: tern ${tt}s (median of $RUNS)"
    fi
done
