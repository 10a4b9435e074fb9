#!/bin/sh
# A hostile guest never crashes the emulator: guest/garbage.asm writes
# pseudo-random values to every I/O port and every MMIO page (bounded: a
# few seconds) and must still report and exit through isa-debug-exit; and
# each way a guest can reset the PC (port 0x92, 0xcf9, i8042 0xfe, triple
# fault) ends a -no-reboot run with status 0 (logged with -d int). TAP.
#   tests/functional/run-bad-guest.sh BUILDDIR
B=${1:-build}/tern-system-x86_64
D=$(dirname "$0")/guest
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

nasm -f bin -I "$D/" -o "$T/garbage.img" "$D/garbage.asm" || { echo "not ok 1 - nasm"; exit 1; }
truncate -s 1M "$T/garbage.img"
timeout 120 "$B" -display none -serial "file:$T/serial.txt" -no-reboot -m 64M \
    -hda "$T/garbage.img" -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$T/out" 2>&1
rc=$?
if [ $rc -eq 33 ]; then
    ok "garbage to every I/O port and MMIO page: the guest survives to isa-debug-exit"
else
    nok "garbage guest: exit status $rc, want 33 ($(tail -c 300 "$T/out"))"
fi
if grep -q "GARBAGE-RESULT: survived" "$T/serial.txt" 2>/dev/null; then
    ok "garbage guest: result on COM1 after restoring it"
else
    nok "garbage guest: result on COM1"
fi

for m in 1:"port 0x92 bit 0" 2:"0xcf9 reset control" 3:"i8042 pulse reset (0xfe)" 4:"triple fault"; do
    num=${m%%:*}
    desc=${m#*:}
    nasm -f bin -DMETHOD="$num" -o "$T/reset.img" "$D/boot-reset.asm" || { nok "$desc: nasm"; continue; }
    truncate -s 1M "$T/reset.img"
    rm -f "$T/serial.txt"
    rm -f "$T/log"
    timeout 60 "$B" -display none -serial "file:$T/serial.txt" -no-reboot -hda "$T/reset.img" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -d int -D "$T/log" </dev/null >"$T/out" 2>&1
    rc=$?
    if [ $rc -eq 0 ] && grep -q "reset requested with -no-reboot" "$T/log"; then
        ok "$desc: -no-reboot exits with status 0 (the -d int log says why)"
    else
        nok "$desc: exit status $rc ($(tr '\n' ' ' <"$T/out" | head -c 200); serial: $(cat "$T/serial.txt" 2>/dev/null))"
    fi
done
echo "1..$n"
exit $fail
