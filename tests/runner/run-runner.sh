#!/bin/bash
# Tests of tests/run-tests.sh itself: counting TAP lines, judging crashes,
# timeouts, unmet plans and missing TAP, filters, and the closing line.
# Builds a fake build directory of small shell "unit tests" and runs the
# runner on it with a filter that selects only them (so the runner does not
# find this script again).
#   tests/runner/run-runner.sh BUILDDIR   (BUILDDIR is not used)

set -u
runner="$(cd "$(dirname "$0")/.." && pwd)/run-tests.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/tern-runner-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
n=0
failed=0

ok() { # ok COND-EXIT-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=1
    fi
}

# fake NAME BODY: an executable test-fake-NAME in a fresh fake build dir set.
fake() {
    printf '#!/bin/sh\n%s\n' "$2" >"$work/b/tests/unit/test-fake-$1"
    chmod +x "$work/b/tests/unit/test-fake-$1"
}

# run [env...]: run the runner on the fake build dir; output in $out, status in $rc.
run() {
    out=$(env "$@" "$runner" "$work/b" test-fake- 2>&1)
    rc=$?
}

reset() {
    rm -rf "$work/b"
    mkdir -p "$work/b/tests/unit"
}

last_line() { printf '%s\n' "$out" | tail -n 1; }

reset
fake pass 'echo "ok 1 - a"; echo "ok 2 - b"; echo "1..2"'
fake notap 'exit 0'
run
ok $([ "$rc" -eq 0 ]; echo $?) "all passing: exit status 0"
ok $([ "$(last_line)" = "3 passed, 0 failed" ]; echo $?) "closing line counts TAP lines and a TAP-less program as one"

reset
fake pass 'echo "ok 1"'
fake notok 'echo "ok 1"; echo "not ok 2 - broken"; exit 1'
run
ok $([ "$rc" -ne 0 ]; echo $?) "a not ok line: exit status non-zero"
ok $([ "$(last_line)" = "2 passed, 1 failed" ]; echo $?) "a not ok line counts once, even with exit 1"
ok $(grep -q "FAIL  test-fake-notok" <<<"$out"; echo $?) "the failing program is named"
ok $(grep -q "not ok 2 - broken" <<<"$out"; echo $?) "its not ok line is shown"

reset
fake crash 'echo "ok 1"; kill -SEGV $$'
run
ok $([ "$(last_line)" = "1 passed, 1 failed" ] && [ "$rc" -ne 0 ]; echo $?) "a crash after ok lines is a failure"
ok $(grep -q "signal 11" <<<"$out"; echo $?) "the signal is named"

reset
fake exit3 'echo "ok 1"; exit 3'
fake notapfail 'echo hello; exit 2'
run
ok $([ "$(last_line)" = "1 passed, 2 failed" ]; echo $?) "non-zero exit without not ok fails, TAP-less or not"
ok $(grep -q "hello" <<<"$out"; echo $?) "the tail of the output is shown"

reset
fake plan 'echo "1..3"; echo "ok 1"'
run
ok $([ "$(last_line)" = "1 passed, 1 failed" ]; echo $?) "an unmet plan is a failure"

reset
fake bail 'echo "ok 1"; echo "Bail out! no disk"'
run
ok $([ "$(last_line)" = "1 passed, 1 failed" ]; echo $?) "Bail out! is a failure"

reset
fake slow 'echo "ok 1"; sleep 20'
start=$(date +%s)
run TEST_TIMEOUT=1
ok $([ "$(last_line)" = "1 passed, 1 failed" ] && grep -q "timed out" <<<"$out"; echo $?) \
    "a timeout is a failure"
ok $([ $(($(date +%s) - start)) -lt 15 ]; echo $?) "the timeout stops the program"

reset
fake skipall 'echo "1..0 # SKIP no disk image"'
fake skipone 'echo "ok 1 - a"; echo "ok 2 - b # SKIP no sound"; echo "1..2"'
run
ok $([ "$(last_line)" = "1 passed, 0 failed, 2 skipped" ] && [ "$rc" -eq 0 ]; echo $?) \
    "skips are counted apart from passes and do not fail"
ok $(grep -q "SKIP  test-fake-skipall  (no disk image)" <<<"$out"; echo $?) "a skipped program shows its reason"

reset
# A test that leaves a child running: the runner must kill it when the
# test ends, or it would slow down every later test.
fake orphan 'sleep 300 & echo $! >'"$work"'/orphan.pid; echo "ok 1"'
run
orphan=$(cat "$work/orphan.pid" 2>/dev/null)
sleep 1
# Gone, or a zombie waiting for init to reap it: either way not running.
state=$(ps -o stat= -p "${orphan:-1}" 2>/dev/null)
ok $([ -n "$orphan" ] && case "$state" in "" | Z*) true ;; *) false ;; esac; echo $?) \
    "processes a test leaves behind in its session are killed"

reset
fake one 'echo "ok 1"'
fake two 'echo "ok 1"; echo "ok 2"'
out=$("$runner" "$work/b" test-fake-two 2>&1)
rc=$?
ok $([ "$(last_line)" = "2 passed, 0 failed" ] && [ "$rc" -eq 0 ]; echo $?) "a filter selects by name"
out=$("$runner" "$work/b" test-fake-nothing 2>&1)
rc=$?
ok $([ "$rc" -ne 0 ] && [ "$(last_line)" = "0 passed, 1 failed" ]; echo $?) \
    "a filter matching nothing fails"
out=$("$runner" "$work/nonexistent" 2>&1)
ok $([ $? -ne 0 ]; echo $?) "a missing build directory fails"

reset
for i in 1 2 3 4 5; do fake "par$i" 'sleep 1; echo "ok 1"'; done
start=$(date +%s)
run TEST_JOBS=5
ok $([ "$(last_line)" = "5 passed, 0 failed" ]; echo $?) "parallel runs count every program"
ok $([ $(($(date +%s) - start)) -lt 4 ]; echo $?) "TEST_JOBS runs programs in parallel"

echo "1..$n"
exit $failed
