#!/bin/bash
# Run the qtest device tests (tests/hw/test-*.c) against the system
# emulator of a build directory and print TAP.
#
#   tests/hw/run-hw.sh BUILDDIR
#
# Each test's own TAP lines are renumbered into one stream and prefixed
# with the test's name. Nothing is skipped: a missing emulator, a missing
# test executable, a crash, a timeout (HW_TEST_TIMEOUT seconds, 60) or a
# test that printed no result is a failure. Exit status 0 iff all passed.

set -u
[ $# -ge 1 ] || { echo "usage: $0 BUILDDIR" >&2; exit 2; }
builddir=$(cd "$1" 2>/dev/null && pwd) || { echo "not ok 1 - build directory '$1' missing"; echo "1..1"; exit 1; }
srcdir=$(cd "$(dirname "$0")" && pwd)
tmo=${HW_TEST_TIMEOUT:-60}
n=0
failed=0

emit() {  # emit OK|NOTOK description
    n=$((n + 1))
    if [ "$1" = OK ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        failed=$((failed + 1))
    fi
}

emu=$builddir/tern-system-x86_64
if [ ! -x "$emu" ]; then
    emit NOTOK "system emulator $emu is missing"
    echo "1..$n"
    exit 1
fi
export QTEST_TERN_BINARY=$emu
export QTEST_TIMEOUT=${QTEST_TIMEOUT:-20}

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for src in "$srcdir"/test-*.c; do
    name=$(basename "$src" .c)
    exe=$builddir/tests/hw/$name
    if [ ! -x "$exe" ]; then
        emit NOTOK "$name: executable $exe not built"
        continue
    fi
    timeout -k 5 "$tmo" "$exe" >"$out" 2>&1
    rc=$?
    results=0
    bad=0
    while IFS= read -r line; do
        case "$line" in
        "ok "*)
            results=$((results + 1))
            emit OK "$name: ${line#ok * - }"
            ;;
        "not ok "*)
            results=$((results + 1))
            bad=$((bad + 1))
            emit NOTOK "$name: ${line#not ok * - }"
            ;;
        "1.."*) ;;
        *) echo "# $name: $line" ;;
        esac
    done <"$out"
    if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
        emit NOTOK "$name: timed out after ${tmo}s"
    elif [ $rc -ne 0 ] && [ $bad -eq 0 ]; then
        emit NOTOK "$name: exited with status $rc"
    elif [ $results -eq 0 ]; then
        emit NOTOK "$name: printed no results"
    fi
done
echo "1..$n"
[ $failed -eq 0 ]
