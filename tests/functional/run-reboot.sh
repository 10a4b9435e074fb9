#!/bin/bash
# Issue 4: resets. Debian's kernel boots a busybox initramfs whose /init
# (guest/reboot-init.sh) prints TERN-BOOTED and then, as tern_mode= on the
# command line says, runs "reboot -f" or exits (a kernel panic, with
# panic=-1 an immediate reboot). Nothing persists across a reset, so boots
# are counted on the serial console (the kernel's "Linux version" banner
# and TERN-BOOTED):
#   - reboot -f resets the machine and the kernel boots a second time;
#   - with -no-reboot, reboot -f ends the emulator with status 0 instead;
#   - init exiting with panic=-1 panics and the machine boots again.
# Every emulator run is bounded by a timeout; a guest that cannot be
# fetched or booted fails the tests (never skips).
#
#   tests/functional/run-reboot.sh [BUILDDIR]
set -u
builddir=${1:-build}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
boot_timeout=${TERN_REBOOT_TIMEOUT:-60}
. "$srcdir/tests/functional/linux-guest.sh"
linux_guest_setup reboot "$srcdir/tests/functional/guest/reboot-init.sh"

count() { # count PATTERN LOG: lines matching the fixed string
    grep -cF -- "$1" "$2"
}

# run_until LOG BOOTS MODE [EXTRA ARGS...]: run the guest with its serial
# console in LOG until it has printed TERN-BOOTED BOOTS times (then stop
# it: without -no-reboot it would boot forever), it exits by itself, or
# the timeout ends it. Sets st to the emulator's exit status, or "stopped".
run_until() {
    local log=$1 boots=$2 mode=$3
    shift 3
    timeout "$boot_timeout" "$emu" -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyS0 panic=-1 tern_mode=$mode" -m 128M \
        -display none -serial stdio "$@" </dev/null >"$log" 2>&1 &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if [ "$(count TERN-BOOTED "$log")" -ge "$boots" ]; then
            # the next boot's banner would only show more of the same
            sleep 0.5
            kill "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            st=stopped
            return
        fi
        sleep 0.2
    done
    wait "$pid"
    st=$?
}

show_tail() { # show_tail NAME LOG
    echo "# $1: last lines of the serial console:"
    tail -20 "$2" | tr -d '\r' | sed 's/^/#   /'
}

# 1. reboot -f resets and boots again
log=$tmp/reboot.log
run_until "$log" 2 reboot -smp 1
banners=$(count 'Linux version' "$log")
booted=$(count TERN-BOOTED "$log")
check "reboot -f: the guest reached init (TERN-BOOTED seen $booted times)" [ "$booted" -ge 1 ]
check "reboot -f: the kernel boots a second time (banner seen $banners times, TERN-BOOTED $booted, emulator '$st')" \
    [ "$banners" -ge 2 ] && [ "$booted" -ge 2 ] && [ "$st" = stopped ]
[ "$booted" -ge 2 ] || show_tail reboot "$log"

# 2. -no-reboot: reboot -f ends the emulator with status 0
log=$tmp/noreboot.log
run_until "$log" 2 reboot -smp 1 -no-reboot
banners=$(count 'Linux version' "$log")
check "reboot -f with -no-reboot: the emulator exits with status 0 (status '$st')" \
    [ "$st" = 0 ] && grep -qF TERN-REBOOTING "$log"
check "reboot -f with -no-reboot: the kernel booted once (banner seen $banners times)" \
    [ "$banners" = 1 ]
[ "$st" = 0 ] || show_tail no-reboot "$log"

# 3. init exits -> kernel panic; panic=-1 reboots
log=$tmp/panic.log
run_until "$log" 2 exit -smp 1
banners=$(count 'Linux version' "$log")
booted=$(count TERN-BOOTED "$log")
check "init exits: the kernel panics (Attempted to kill init)" \
    grep -qF 'Attempted to kill init' "$log"
check "panic=-1: the kernel boots a second time (banner seen $banners times, TERN-BOOTED $booted, emulator '$st')" \
    [ "$banners" -ge 2 ] && [ "$booted" -ge 2 ] && [ "$st" = stopped ]
[ "$booted" -ge 2 ] || show_tail panic "$log"

echo "1..$n"
exit $failed
