#!/bin/bash
# Run Tern's test suite and end with one line: "N passed, N failed".
#
#   tests/run-tests.sh BUILDDIR [FILTER...]
#
# Tests are
#   - every executable BUILDDIR/tests/unit/test-*   (run 2 at a time)
#   - every executable script tests/*/run-*.sh, given BUILDDIR as $1
#     (run one at a time: they are the heavy ones)
# Each prints TAP lines ("ok N - ...", "not ok N - ..."); N counts those
# lines over all tests. A test that prints no TAP line counts as one test,
# passed iff it exits 0. A crash, a timeout or a nonzero exit without any
# "not ok" line adds one failure; so does a "1..N" plan that was not met.
# Skips ("ok N # SKIP why", or a lone plan "1..0 # SKIP why") are counted
# apart and add ", N skipped" to the closing line.
# FILTER selects tests whose name contains it (e.g. test-tcg-ops,
# tcg/run-alu.sh, run-alu). Exit status: 0 iff nothing failed.
#
# Environment: TEST_TIMEOUT (seconds per test, default 300),
# TEST_JOBS (parallel unit tests, default 2), TEST_TAIL (lines of output
# shown for a failing test, default 40), TEST_VERBOSE=1 (show all output).

set -u

usage() {
    echo "usage: $0 BUILDDIR [FILTER...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac
builddir=$1
shift
filters=("$@")

if [ ! -d "$builddir" ]; then
    echo "run-tests: build directory '$builddir' does not exist (run make first)" >&2
    exit 2
fi
builddir=$(cd "$builddir" && pwd)
srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir" || exit 2

timeout_s=${TEST_TIMEOUT:-300}
jobs_max=${TEST_JOBS:-2}
tail_n=${TEST_TAIL:-40}
verbose=${TEST_VERBOSE:-0}

logdir=$(mktemp -d "${TMPDIR:-/tmp}/tern-tests.XXXXXX")
trap 'rm -rf "$logdir"' EXIT
trap 'echo "run-tests: interrupted" >&2; exit 130' INT TERM

# Does test NAME pass the filters?
selected() {
    local name=$1 f
    [ ${#filters[@]} -eq 0 ] && return 0
    for f in "${filters[@]}"; do
        case "$name" in *"$f"*) return 0 ;; esac
    done
    return 1
}

# Collect tests: parallel arrays of display name and command.
names=()
cmds=()
kinds=()
for t in "$builddir"/tests/unit/test-*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=$(basename "$t")
    selected "$name" || continue
    names+=("$name"); cmds+=("$t"); kinds+=(unit)
done
for t in tests/*/run-*.sh; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    name=${t#tests/}
    selected "$name" || continue
    names+=("$name"); cmds+=("$srcdir/$t"); kinds+=(script)
done

if [ ${#names[@]} -eq 0 ]; then
    if [ ${#filters[@]} -gt 0 ]; then
        echo "run-tests: no test matches: ${filters[*]}" >&2
    else
        echo "run-tests: no tests found in $builddir/tests/unit or tests/*/run-*.sh" >&2
    fi
    echo "0 passed, 1 failed"
    exit 1
fi

# Run test I; its output and exit status go to files. Each test runs in a
# session of its own, so that whatever it leaves behind (a hung emulator
# child, a guest process that put itself in another process group) can be
# found by session id and killed when the test ends: leftovers would
# otherwise eat the CPU of every later test.
run_one() {
    local i=$1 args=()
    [ "${kinds[$i]}" = unit ] || args=("$builddir")
    # The subshell's stderr is dropped so that bash's own "Segmentation
    # fault" notice does not clutter the report; report_one says it.
    (
        setsid -w bash -c 'echo $$ >"$0"; exec timeout -k 10 "$@"' "$logdir/$i.sid" \
            "$timeout_s" "${cmds[$i]}" "${args[@]}" >"$logdir/$i.log" 2>&1 </dev/null
        echo $? >"$logdir/$i.rc"
        sid=$(cat "$logdir/$i.sid" 2>/dev/null)
        if [ -n "$sid" ] && [ "$sid" -gt 1 ] 2>/dev/null; then
            left=$(pgrep -s "$sid" | wc -l)
            if [ "$left" -gt 0 ]; then
                pkill -KILL -s "$sid"
                echo "# run-tests: killed $left process(es) the test left running" >>"$logdir/$i.log"
            fi
        fi
    ) 2>/dev/null
}

total_pass=0
total_fail=0
total_skip=0
failed_names=()

# Count test I's results and print its summary line (and its failures).
report_one() {
    local i=$1 name=${names[$1]} log="$logdir/$1.log"
    local rc ok notok skip plan pass fail bad=0 why="" skipwhy
    rc=$(cat "$logdir/$i.rc" 2>/dev/null || echo 255)
    ok=$(grep -cE '^ok( |$)' "$log")
    notok=$(grep -cE '^not ok( |$)' "$log")
    # "ok N - x # SKIP reason": counted as skipped, not passed.
    skip=$(grep -ciE '^ok( [^#]*)?#[[:space:]]*skip' "$log")
    plan=$(sed -nE 's/^1\.\.([0-9]+).*/\1/p' "$log" | tail -n 1)

    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        why="timed out after ${timeout_s}s"; bad=1
    elif [ "$rc" -gt 128 ]; then
        why="killed by signal $((rc - 128))"; bad=1
    elif [ "$rc" -ne 0 ]; then
        why="exit status $rc"; bad=1
    fi
    if grep -qE '^Bail out!' "$log"; then
        why="${why:+$why, }bailed out"; bad=1
    fi
    if [ -n "$plan" ] && [ $((ok + notok)) -ne "$plan" ] && [ $((ok + notok)) -gt 0 ]; then
        why="${why:+$why, }planned $plan, ran $((ok + notok))"; bad=1
    fi

    pass=$((ok - skip))
    fail=$notok
    if [ "$ok" -eq 0 ] && [ "$notok" -eq 0 ]; then
        if [ "$bad" -eq 0 ] && [ "$plan" = 0 ]; then
            # "1..0 # SKIP reason": the whole program skipped itself.
            skip=1
        elif [ "$bad" -eq 0 ]; then
            pass=1 # no TAP output: one test, judged by the exit status
        fi
    fi
    # A bad end counts as one more failure unless a "not ok" already tells.
    if [ "$bad" -eq 1 ] && [ "$notok" -eq 0 ]; then
        fail=$((fail + 1))
    fi

    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    total_skip=$((total_skip + skip))
    if [ "$fail" -gt 0 ]; then
        failed_names+=("$name")
        echo "FAIL  $name  ($pass passed, $fail failed${why:+; $why})"
        if [ "$verbose" = 1 ]; then
            sed 's/^/    | /' "$log"
        else
            # The failing cases first, then the end of the output.
            grep -E '^not ok( |$)' "$log" | head -n 20 | sed 's/^/    | /'
            echo "    | --- last $tail_n lines of output ---"
            tail -n "$tail_n" "$log" | sed 's/^/    | /'
        fi
    elif [ "$pass" -eq 0 ] && [ "$skip" -gt 0 ]; then
        skipwhy=$(grep -m1 -iE '#[[:space:]]*skip' "$log" | sed -E 's/.*#[[:space:]]*[Ss][Kk][Ii][Pp][[:space:]]*//')
        echo "SKIP  $name  (${skipwhy:-no reason given})"
        [ "$verbose" = 1 ] && sed 's/^/    | /' "$log"
    else
        if [ "$skip" -gt 0 ]; then
            echo "PASS  $name  ($pass passed, $skip skipped)"
        else
            echo "PASS  $name  ($pass passed)"
        fi
        [ "$verbose" = 1 ] && sed 's/^/    | /' "$log"
    fi
    return 0
}

# Unit tests: small and independent, so a few at a time.
for i in "${!names[@]}"; do
    [ "${kinds[$i]}" = unit ] || continue
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n
    done
    run_one "$i" &
done
wait
for i in "${!names[@]}"; do
    [ "${kinds[$i]}" = unit ] && report_one "$i"
done

# Script tests: one at a time, reported as each finishes.
for i in "${!names[@]}"; do
    [ "${kinds[$i]}" = script ] || continue
    run_one "$i"
    report_one "$i"
done

if [ ${#failed_names[@]} -gt 0 ]; then
    echo "failed: ${failed_names[*]}"
fi
# Skips are shown, never hidden in the passed count.
if [ "$total_skip" -gt 0 ]; then
    echo "$total_pass passed, $total_fail failed, $total_skip skipped"
else
    echo "$total_pass passed, $total_fail failed"
fi
[ "$total_fail" -eq 0 ]
