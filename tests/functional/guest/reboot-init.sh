#!/bin/sh
# /init of the run-reboot.sh guest. Nothing persists across a reset (no
# disk), so the host counts boots on the serial console: each boot prints
# TERN-BOOTED once, then does what tern_mode= on the kernel command line
# asks: "reboot" runs reboot -f, "exit" ends init (the kernel panics with
# "Attempted to kill init", and panic=-1 makes it reboot).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mode=$(sed -n 's/.*tern_mode=\([a-z]*\).*/\1/p' /proc/cmdline)
echo "TERN-BOOTED mode=$mode"
case $mode in
reboot)
    echo "TERN-REBOOTING"
    reboot -f
    ;;
exit)
    echo "TERN-INIT-EXITING"
    exit 1
    ;;
esac
# not reached unless the mode is unknown or reboot -f returned
echo "TERN-UNEXPECTED"
poweroff -f
