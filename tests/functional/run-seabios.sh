#!/bin/sh
# Debian's SeaBIOS boots on tern-system-x86_64: with -nographic its banner
# reaches the serial console (SeaBIOS's sercon, enabled through fw_cfg's
# etc/sercon-port), and with no bootable disk it reports so. TAP output.
#   tests/functional/run-seabios.sh BUILDDIR
B=${1:-build}/tern-system-x86_64
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if [ ! -x "$B" ]; then
    echo "not ok 1 - $B is not built"
    exit 1
fi
if [ ! -f /usr/share/seabios/bios-256k.bin ]; then
    echo "not ok 1 - Debian's seabios package is not installed (/usr/share/seabios)"
    exit 1
fi

# wait_for FILE PATTERN SECONDS
wait_for() {
    i=0
    while [ $i -lt $(($3 * 10)) ]; do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

"$B" -nographic -serial "file:$T/serial.txt" -monitor none -debugcon "file:$T/debug.txt" \
    </dev/null >"$T/out" 2>&1 &
pid=$!
if wait_for "$T/serial.txt" "SeaBIOS (version" 30; then
    ok "SeaBIOS banner on the serial console"
else
    nok "SeaBIOS banner on the serial console"
fi
if wait_for "$T/serial.txt" "No bootable device" 30; then
    ok "SeaBIOS finds no bootable device"
else
    nok "SeaBIOS finds no bootable device"
fi
# host bridge, ISA bridge, IDE, PIIX4 PM, VGA
if grep -q "Found 5 PCI devices" "$T/debug.txt"; then
    ok "SeaBIOS sees 5 PCI devices (debugcon)"
else
    nok "SeaBIOS sees 5 PCI devices (debugcon)"
fi
# the ACPI tables through fw_cfg's table-loader: SeaBIOS finds the FADT
if grep -q "table(50434146)=.*via xsdt" "$T/debug.txt"; then
    ok "SeaBIOS loads Tern's ACPI tables (FACP via the XSDT)"
else
    nok "SeaBIOS loads Tern's ACPI tables (FACP via the XSDT)"
fi
if kill -0 $pid 2>/dev/null; then
    kill -TERM $pid
    wait $pid
    rc=$?
    if [ $rc -eq 0 ]; then ok "SIGTERM shuts down cleanly"; else nok "SIGTERM shuts down cleanly (rc=$rc)"; fi
else
    nok "the emulator is still running after the boot"
fi
echo "1..$n"
exit $fail
