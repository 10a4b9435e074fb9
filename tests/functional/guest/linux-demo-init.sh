#!/bin/sh
# /init of the `make run` demo guest: a busybox shell on the serial console.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
cat <<MSG

Tern demo: Debian's kernel $(uname -r) with a busybox shell, $(grep -c '^processor' /proc/cpuinfo) CPU(s).
Try: cat /proc/cpuinfo, dmesg | tail, free, echo \$((6*7)).
"poweroff -f" powers the machine off; Ctrl-a x leaves the emulator at once.

MSG
while true; do
    setsid cttyhack sh -l
    echo "(the shell exited; starting another; poweroff -f to stop)"
done
