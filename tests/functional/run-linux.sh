#!/bin/bash
# Issue 4 acceptance: Debian's kernel (scripts/fetch-guest.sh) boots with a
# busybox initramfs by direct kernel boot (-kernel/-initrd/-append) with
# -smp 1 and -smp 4 (a thread per vCPU; run-linux-rr.sh boots the same
# guest with all vCPUs in one thread, run-linux-seabios.sh through SeaBIOS).
# The guest's /init (guest/linux-check-init.sh) prints its results on the
# serial console; this script timestamps each serial line on the host to
# time the guest's "sleep 2", and checks: the shell runs, all CPUs are in
# /proc/cpuinfo, dmesg has no BUG/WARNING/Oops/ACPI Error, sleep 2 takes
# 1.5-3 s of host time, a shell computation, and "poweroff -f" ends the
# emulator with status 0. Each boot is bounded by a timeout; a guest that
# cannot be fetched or booted fails the tests (never skips).
#
#   tests/functional/run-linux.sh [BUILDDIR]
set -u
builddir=${1:-build}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$srcdir/tests/functional/linux-guest.sh"
linux_guest_setup linux "$srcdir/tests/functional/guest/linux-check-init.sh"

linux_boot_check smp1 1
linux_boot_check smp4 4

echo "1..$n"
exit $failed
