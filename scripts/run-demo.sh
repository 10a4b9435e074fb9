#!/bin/bash
# The `make run` demo. The PC emulator (tern-system-x86_64) does not exist
# yet, so for now this runs an interactive busybox shell (Debian's
# busybox-static, a static x86-64 Linux program) under Tern's linux-user
# emulator, build/tern-x86_64: every instruction of the shell and of the
# busybox commands you type is translated and run by Tern.
#
#   scripts/run-demo.sh [BUILDDIR]      (default: build)
# Extra arguments after BUILDDIR are passed to busybox instead of "sh",
# e.g. scripts/run-demo.sh build uname -a

set -e

builddir=${1:-build}
[ $# -gt 0 ] && shift
emu=$builddir/tern-x86_64
busybox=/bin/busybox

if [ ! -x "$emu" ]; then
    echo "run-demo: $emu does not exist yet." >&2
    echo "run-demo: the linux-user emulator has not been built (or not written yet);" >&2
    echo "run-demo: build it with 'make' and try again." >&2
    exit 1
fi
if [ ! -x "$busybox" ]; then
    echo "run-demo: $busybox is missing: install Debian's busybox-static" >&2
    echo "run-demo: (scripts/install-deps.sh does that)" >&2
    exit 1
fi

if [ $# -gt 0 ]; then
    exec "$emu" "$busybox" "$@"
fi

cat <<MSG
Tern demo: an interactive busybox shell running under $emu
(linux-user emulation: the x86-64 code of busybox is translated by Tern).
The PC emulator, tern-system-x86_64, is not there yet; this is what runs today.
Try: ls /, uname -a, echo \$((6*7)), busybox --list.  Leave with: exit
MSG
exec env PS1='tern-demo$ ' "$emu" "$busybox" sh
