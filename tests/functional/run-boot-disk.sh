#!/bin/sh
# A boot disk built here (tests/functional/guest/boot-mbr.asm: INT 10h,
# INT 13h, INT 15h E820, result on COM1, exit through isa-debug-exit)
# boots from the IDE disk under SeaBIOS. TAP output.
#   tests/functional/run-boot-disk.sh BUILDDIR
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
nasm -f bin -I "$D/guest/" -o "$T/boot.bin" "$D/guest/boot-mbr.asm" || { echo "not ok 1 - nasm"; exit 1; }
cp "$T/boot.bin" "$T/disk.img"
truncate -s 1M "$T/disk.img"
timeout 60 "$B" -display none -serial "file:$T/serial.txt" -no-reboot -boot c \
    -drive "file=$T/disk.img,format=raw,if=ide" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    </dev/null >"$T/out" 2>&1
rc=$?
if [ $rc -eq 33 ]; then ok "IDE boot: isa-debug-exit status 33 (success)"; else nok "IDE boot: exit status $rc, want 33"; fi
if grep -q "BOOT-RESULT: OK" "$T/serial.txt"; then ok "IDE boot: result on the serial port"; else nok "IDE boot: result on the serial port"; fi
echo "1..$n"
exit $fail
