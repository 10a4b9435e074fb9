#!/bin/sh
# Cross-check of Tern's ACPI tables on a reference machine: QEMU's pc
# with its own ACPI off (so it adds no tables) is given our
# etc/acpi/tables, etc/acpi/rsdp and etc/table-loader through -fw_cfg;
# SeaBIOS runs our linker/loader script and Debian's kernel
# (scripts/fetch-guest.sh) boots on the result. The kernel log must show
# our tables, the PCI root bridge with its windows, the four interrupt
# links, 4 CPUs from the MADT, the HPET, the PS/2 devices from the DSDT,
# S5 support, and no ACPI errors except the two that come from QEMU
# having no PM device with acpi=off (PM timer reads all-ones; RTC_EN
# cannot be cleared). TAP output.
#   tests/functional/run-acpi-qemu.sh BUILDDIR
BUILD=${1:-build}
TEST=$BUILD/tests/unit/test-acpi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if [ ! -x "$TEST" ] || ! command -v qemu-system-x86_64 >/dev/null; then
    echo "not ok 1 - needs $TEST and qemu-system-x86_64 (scripts/install-deps.sh)"
    exit 1
fi
if ! KERNEL=$("$(dirname "$0")/../../scripts/fetch-guest.sh" kernel 2>"$T/fetch.err"); then
    echo "not ok 1 - scripts/fetch-guest.sh kernel: $(cat "$T/fetch.err")"
    exit 1
fi
if ! TERN_ACPI_KEEP="$T/acpi" "$TEST" >"$T/test.out" 2>&1; then
    echo "not ok 1 - $TEST failed: $(grep 'not ok' "$T/test.out" | head -3)"
    exit 1
fi

timeout 120 qemu-system-x86_64 -machine pc,acpi=off -smp 4 -m 128M -display none \
    -serial "file:$T/serial.txt" -no-reboot -net none \
    -kernel "$KERNEL" -append "console=ttyS0 panic=-1 loglevel=7" \
    -fw_cfg name=etc/acpi/tables,file="$T/acpi/tables.bin" \
    -fw_cfg name=etc/acpi/rsdp,file="$T/acpi/rsdp.bin" \
    -fw_cfg name=etc/table-loader,file="$T/acpi/loader.bin" </dev/null >"$T/qemu.out" 2>&1

# expect DESCRIPTION PATTERN (grep -E on the kernel log)
expect() {
    if grep -qE -- "$2" "$T/serial.txt" 2>/dev/null; then ok "$1"; else nok "$1 (/$2/)"; fi
}
expect "SeaBIOS linked our RSDP, XSDT, FACP, DSDT, FACS, APIC, HPET" 'ACPI: RSDP .*v02 TERN'
expect "the XSDT is ours" 'ACPI: XSDT .*TERN +TERNPC'
expect "FADT revision 5" 'ACPI: FACP .*v05 TERN'
expect "PM timer at 0x608" 'ACPI: PM-Timer IO Port: 0x608'
expect "MADT: IRQ0 -> GSI 2" 'INT_SRC_OVR \(bus 0 bus_irq 0 global_irq 2 dfl dfl\)'
expect "MADT: SCI on GSI 9, high level" 'INT_SRC_OVR \(bus 0 bus_irq 9 global_irq 9 high level\)'
expect "MADT: 4 CPUs brought up" 'smp: Brought up 1 node, 4 CPUs'
expect "the DSDT loads" 'ACPI: 1 ACPI AML tables successfully acquired and loaded'
expect "S5 from \\_S5" 'ACPI: PM: \(supports S0 S5\)'
expect "PCI0 root bridge, buses 00-ff" 'ACPI: PCI Root Bridge \[PCI0\] \(domain 0000 \[bus 00-ff\]\)'
expect "PCI0 windows used" 'pci_bus 0000:00: root bus resource \[mem 0x08000000-0xfebfffff window\]'
expect "link LNKA routed by _SRS/_CRS" 'Interrupt link LNKA configured for IRQ'
expect "link LNKD routed by _SRS/_CRS" 'Interrupt link LNKD configured for IRQ'
expect "HPET from its table" 'hpet0: at MMIO 0xfed00000'
expect "PS/2 keyboard and mouse from the DSDT" 'i8042: PNP: PS/2 Controller \[PNP0303:KBD,PNP0f13:MOU\]'
expect "COM1 from the DSDT" '00:0[0-9]: ttyS0 at I/O 0x3f8 \(irq = 4'
grep -E 'ACPI (BIOS )?(Error|Warning)|Firmware Bug|ignoring host bridge window' "$T/serial.txt" |
    grep -v 'Could not disable RealTimeClock events' >"$T/errors.txt"
if [ -s "$T/errors.txt" ]; then
    nok "no ACPI errors or warnings: $(head -3 "$T/errors.txt" | tr '\n' ' ')"
else
    ok "no ACPI errors or warnings (besides QEMU's missing PM device)"
fi
echo "1..$n"
exit $fail
