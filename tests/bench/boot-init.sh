#!/bin/sh
# /init of the tests/bench/boot.sh guest: prints TERN-BENCH-SHELL as soon
# as the shell runs, then times two CPU workloads with the guest's clock
# and prints TERN-BENCH-<name>-MS=<ms> (and each workload's result, so the
# host can check it), then powers off. Debian's busybox date has no %N,
# so the clock is /proc/uptime (10 ms resolution). TERN-BENCH-<name>-START
# and -END lines let the host time the same span with its own clock.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t devtmpfs devtmpfs /dev
echo "TERN-BENCH-SHELL"
mount -t tmpfs -o size=100m tmpfs /tmp
now_ms() {
    read -r up _ < /proc/uptime
    echo $(( ${up%.*} * 1000 + 1${up#*.} * 10 - 1000 ))
}
dd if=/dev/zero of=/tmp/zero bs=1M count=64 2>/dev/null
echo "TERN-BENCH-sha256-START"
t0=$(now_ms)
sum=$(sha256sum /tmp/zero)
t1=$(now_ms)
echo "TERN-BENCH-sha256-END"
echo "TERN-BENCH-sha256-RESULT=${sum%% *}"
echo "TERN-BENCH-sha256-MS=$((t1 - t0))"
rm -f /tmp/zero
echo "TERN-BENCH-awk-START"
t0=$(now_ms)
res=$(awk 'BEGIN { s = 0; for (i = 0; i < 1000000; i++) s = (s + i * i) % 1000003; print s }')
t1=$(now_ms)
echo "TERN-BENCH-awk-END"
echo "TERN-BENCH-awk-RESULT=$res"
echo "TERN-BENCH-awk-MS=$((t1 - t0))"
echo "TERN-BENCH-POWEROFF"
poweroff -f
