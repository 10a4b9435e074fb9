#!/bin/sh
# The A20 gate (hw/i386/pc.c): a boot sector (guest/boot-a20.asm) checks
# that physical address bit 20 is forced to 0 for the CPU exactly while
# both port 0x92 bit 1 and the i8042 output port bit 1 are clear. TAP.
#   tests/functional/run-a20.sh BUILDDIR
B=${1:-build}/tern-system-x86_64
D=$(dirname "$0")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if [ ! -x "$B" ] || ! command -v nasm >/dev/null; then
    echo "not ok 1 - needs $B and nasm"
    exit 1
fi
nasm -f bin -o "$T/disk.img" "$D/guest/boot-a20.asm" || { echo "not ok 1 - nasm"; exit 1; }
truncate -s 1M "$T/disk.img"
timeout 60 "$B" -display none -serial "file:$T/serial.txt" -no-reboot -hda "$T/disk.img" \
    -device isa-debug-exit,iobase=0xf4,iosize=0x04 -d guest_errors -D "$T/log.txt" \
    </dev/null >"$T/out" 2>&1
rc=$?
if [ $rc -eq 33 ]; then ok "A20 boot sector: isa-debug-exit status 33"; else nok "A20 boot sector: exit status $rc, want 33"; fi
if grep -q "A20-RESULT: OK" "$T/serial.txt"; then
    ok "A20: no wrap while either gate is open, wrap at 1 MiB while both are closed"
else
    nok "A20: $(tr '\r\n' '  ' <"$T/serial.txt")"
fi
if [ "$(grep -c 'pc: A20 masked' "$T/log.txt")" -eq 2 ] && [ "$(grep -c 'pc: A20 enabled' "$T/log.txt")" -eq 2 ]; then
    ok "A20 masked twice and enabled twice (the guest's four gate changes)"
else
    nok "A20 gate changes in the log: $(grep 'pc: A20' "$T/log.txt" | tr '\n' ';')"
fi
echo "1..$n"
exit $fail
