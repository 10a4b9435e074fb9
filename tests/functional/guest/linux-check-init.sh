#!/bin/sh
# /init of the run-linux.sh guest: checks issue 4's acceptance items inside
# Debian's kernel and prints one TERN-... line per result on the serial
# console, then powers off (the emulator exits with status 0).
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "TERN-SHELL-OK"
echo "TERN-CPUS=$(grep -c '^processor' /proc/cpuinfo)"
dmesg > /tmp/dmesg
grep -E 'BUG|WARNING|Oops|ACPI Error' /tmp/dmesg > /tmp/bad
echo "TERN-DMESG-BAD=$(wc -l < /tmp/bad)"
sed 's/^/TERN-DMESG-LINE: /' /tmp/bad | head -20
echo "TERN-SLEEP-START"
sleep 2
echo "TERN-SLEEP-END"
echo "TERN-CALC=$(( (6 * 7) * 1000 + 123 ))"
echo "TERN-POWEROFF"
poweroff -f
# not reached when the power-off works
sleep 5
echo "TERN-STILL-RUNNING"
