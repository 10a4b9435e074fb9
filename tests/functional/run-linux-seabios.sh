#!/bin/bash
# Issue 4: Debian's kernel (scripts/fetch-guest.sh) boots THROUGH SeaBIOS
# with -kernel/-initrd/-append and -bios bios-256k.bin: the board publishes
# the kernel in fw_cfg, SeaBIOS runs our option ROM genroms/linuxboot.bin
# (pc-bios/optionrom/linuxboot.asm) as its first boot device, the ROM
# loads the pieces and enters the kernel's real-mode setup. -smp 1 and
# -smp 2 run the same checks as the direct boot (tests/functional/
# linux-guest.sh: the shell runs, all CPUs, dmesg clean (no ACPI Error),
# sleep 2 in 1.5-3 s, a computation, poweroff -f -> status 0), plus proof
# that the BIOS path was taken: SeaBIOS's banner and "Booting from ROM..."
# on the debug console (port 0x402; the direct boot runs no firmware at
# all), and the kernel finding the SMBIOS tables only SeaBIOS builds.
# With a bootable disk and -boot c the kernel still boots first; reboot -f
# boots the kernel again through SeaBIOS and the ROM. Bad
# kernels with -bios (not a bzImage, truncated, too big for -m) and a
# missing initrd give one line on stderr and exit status 1.
#
#   tests/functional/run-linux-seabios.sh [BUILDDIR]
set -u
builddir=${1:-build}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$srcdir/tests/functional/linux-guest.sh"

if [ ! -f /usr/share/seabios/bios-256k.bin ]; then
    not_ok "Debian's seabios package is installed (/usr/share/seabios/bios-256k.bin)"
    echo "1..$n"
    exit 1
fi
linux_guest_setup seabios "$srcdir/tests/functional/guest/linux-check-init.sh"

# seabios_path_check NAME: the boot NAME went through SeaBIOS and the ROM
seabios_path_check() {
    local name=$1
    check "$name: SeaBIOS ran (its banner on the debug console)" \
        grep -q "SeaBIOS (version" "$tmp/$name.debug"
    check "$name: SeaBIOS booted the linuxboot option ROM (\"Booting from ROM...\")" \
        grep -q "Booting from ROM\.\.\." "$tmp/$name.debug"
    check "$name: the kernel found SeaBIOS's SMBIOS tables" \
        grep -q " SMBIOS [0-9.]* present" "$tmp/$name.log"
    check "$name: the kernel read the command line the ROM copied" \
        grep -q "Command line: console=ttyS0 panic=-1" "$tmp/$name.log"
}

for cpus in 1 2; do
    linux_boot_check "seabios-smp$cpus" "$cpus" -bios bios-256k.bin \
        -debugcon "file:$tmp/seabios-smp$cpus.debug"
    seabios_path_check "seabios-smp$cpus"
done

# a bootable disk first in -boot order: the kernel still boots first (the
# ROM heads fw_cfg's bootorder); the disk's MBR would just spin
python3 -c "
d = bytearray(1 << 20)
d[0:2] = b'\xeb\xfe'
d[510:512] = b'\x55\xaa'
open('$tmp/disk.img', 'wb').write(d)"
timeout "$boot_timeout" "$emu" -bios bios-256k.bin -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 panic=-1" -m 256M -hda "$tmp/disk.img" -boot c -display none \
    -serial stdio -no-reboot -debugcon "file:$tmp/disk.debug" </dev/null >"$tmp/disk.log" 2>&1
st=$?
check "with a bootable disk and -boot c the kernel boots first (status $st)" \
    grep -q "TERN-POWEROFF" "$tmp/disk.log"
check "bootorder lists the ROM, then the disk; SeaBIOS never boots the disk" \
    eval 'grep -q "^1: /rom@genroms/linuxboot.bin" "$tmp/disk.debug" &&
        grep -q "^2: /pci@i0cf8/ide@1,1/drive@0/disk@0" "$tmp/disk.debug" &&
        ! grep -q "Booting from Hard Disk" "$tmp/disk.debug"'

# reboot -f: SeaBIOS runs again after the reset and the ROM loads the
# kernel again from fw_cfg (guest/reboot-init.sh prints TERN-BOOTED at
# every boot); stopped after the second boot
rb_initrd=$tmp/reboot-initrd.gz
if "$srcdir/tests/functional/guest/mkinitramfs.sh" "$busybox" \
    "$srcdir/tests/functional/guest/reboot-init.sh" "$rb_initrd"; then
    timeout "$boot_timeout" "$emu" -bios bios-256k.bin -kernel "$kernel" -initrd "$rb_initrd" \
        -append "console=ttyS0 panic=-1 tern_mode=reboot" -m 128M -display none \
        -serial stdio -debugcon "file:$tmp/reboot.debug" </dev/null >"$tmp/reboot.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null && [ "$(grep -c TERN-BOOTED "$tmp/reboot.log")" -lt 2 ]; do
        sleep 0.5
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    boots=$(grep -c TERN-BOOTED "$tmp/reboot.log")
    roms=$(grep -c "Booting from ROM\.\.\." "$tmp/reboot.debug")
    check "reboot -f through SeaBIOS: the kernel boots again (boots: $boots, ROM boots: $roms)" \
        [ "$boots" -ge 2 ] && [ "$roms" -ge 2 ]
else
    not_ok "build the reboot initramfs"
fi

# expect_error DESCRIPTION PATTERN ARGS...: exit status 1, one line on
# stderr matching PATTERN
expect_error() {
    local desc=$1 pat=$2 rc lines
    shift 2
    timeout 30 "$emu" -display none "$@" </dev/null >"$tmp/err.out" 2>"$tmp/err.txt"
    rc=$?
    lines=$(wc -l <"$tmp/err.txt")
    if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q -- "$pat" "$tmp/err.txt"; then
        ok "$desc"
    else
        not_ok "$desc (rc=$rc, stderr: $(head -c 300 "$tmp/err.txt"))"
    fi
}

printf 'this is not a kernel\n' >"$tmp/not-a-kernel"
head -c 100000 "$kernel" >"$tmp/truncated"
expect_error "-bios with a non-bzImage kernel: one-line error, status 1" \
    "is not a Linux bzImage" -bios bios-256k.bin -kernel "$tmp/not-a-kernel"
expect_error "-bios with a truncated kernel: one-line error, status 1" \
    "is truncated" -bios bios-256k.bin -kernel "$tmp/truncated"
expect_error "-bios with a missing initrd: one-line error, status 1" \
    "cannot open initrd" -bios bios-256k.bin -kernel "$kernel" -initrd "$tmp/nonexistent"
expect_error "-bios with a kernel that needs more RAM: one-line error, status 1" \
    "not enough guest RAM" -bios bios-256k.bin -kernel "$kernel" -m 8M

echo "1..$n"
exit $failed
