#!/bin/bash
# Issue 4: the round-robin vCPU mode (-accel tcg,thread=single: one host
# thread runs every vCPU in turn, see softmmu/cpus.c) boots Debian's kernel
# with the busybox initramfs of run-linux.sh, with -smp 1 and -smp 4, and
# passes the same checks (shell, all CPUs online, dmesg clean, sleep 2 in
# 1.5-3 s, a computation, poweroff -f -> status 0). Until its scheduler
# cleared the exit requests a waiting vCPU collected, -smp 4 livelocked
# now and then in early boot under host load (a vCPU holding a lock with
# interrupts masked never ran again: tests/unit/test-cpus-rr.c has the
# model of it). Each boot is bounded by a timeout; a guest that cannot be
# fetched or booted fails the tests (never skips).
#
#   tests/functional/run-linux-rr.sh [BUILDDIR]
set -u
builddir=${1:-build}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$srcdir/tests/functional/linux-guest.sh"
linux_guest_setup linux-rr "$srcdir/tests/functional/guest/linux-check-init.sh"

linux_boot_check rr-smp1 1 -accel tcg,thread=single
linux_boot_check rr-smp4 4 -accel tcg,thread=single

echo "1..$n"
exit $failed
