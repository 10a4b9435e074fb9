#!/bin/bash
# The `make run` demo: boots Debian's stock kernel (fetched from Debian's
# linux-image-amd64 package by scripts/fetch-guest.sh into ~/.cache/tern)
# with a busybox initramfs (Debian's busybox-static) in tern-system-x86_64,
# by direct kernel boot, to a busybox shell on this terminal (the serial
# console; -nographic). Leave with "poweroff -f" in the guest or Ctrl-a x.
#
#   scripts/run-demo.sh [BUILDDIR] [EMULATOR OPTIONS...]   (default: build)
# e.g. scripts/run-demo.sh build -smp 4 -m 1G
set -euo pipefail

builddir=${1:-build}
[ $# -gt 0 ] && shift
srcdir=$(cd "$(dirname "$0")/.." && pwd)
emu=$builddir/tern-system-x86_64

if [ ! -x "$emu" ]; then
    echo "run-demo: $emu does not exist: build it with 'make' first" >&2
    exit 1
fi
if ! paths=$("$srcdir/scripts/fetch-guest.sh"); then
    echo "run-demo: could not fetch Debian's kernel and busybox (see above)" >&2
    exit 1
fi
kernel=$(sed -n 's/^KERNEL=//p' <<<"$paths")
busybox=$(sed -n 's/^BUSYBOX=//p' <<<"$paths")
cache=${TERN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tern}
mkdir -p "$cache"
initrd=$cache/demo-initrd.gz
"$srcdir/tests/functional/guest/mkinitramfs.sh" "$busybox" \
    "$srcdir/tests/functional/guest/linux-demo-init.sh" "$initrd"

cat <<MSG
Tern demo: booting Debian's kernel ($(basename "$kernel")) with a busybox
initramfs in $emu (direct kernel boot, serial console on this terminal).
Leave: type "poweroff -f" in the guest shell, or press Ctrl-a x at any time
(Ctrl-a c switches to the (tern) monitor and back; Ctrl-a h lists the keys).
MSG
exec "$emu" -kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 panic=-1 quiet" \
    -m 512M -smp 2 -nographic "$@"
