#!/bin/sh
# An El Torito no-emulation CD-ROM built here with xorriso (boot image:
# tests/functional/guest/boot-cd.asm, which reads 2048-byte sectors with
# INT 13h AH=42h) boots from the PIIX IDE ATAPI drive under SeaBIOS, both
# with -cdrom/-boot d and with -drive ...,media=cdrom. TAP output.
#   tests/functional/run-boot-cd.sh BUILDDIR
B=${1:-build}/tern-system-x86_64
D=$(dirname "$0")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }

if [ ! -x "$B" ] || ! command -v nasm >/dev/null || ! command -v xorriso >/dev/null; then
    echo "not ok 1 - needs $B, nasm and xorriso"
    exit 1
fi
mkdir "$T/root"
nasm -f bin -I "$D/guest/" -o "$T/root/boot.bin" "$D/guest/boot-cd.asm" || { echo "not ok 1 - nasm"; exit 1; }
echo "a file on the CD" >"$T/root/readme.txt"
xorriso -as mkisofs -quiet -o "$T/cd.iso" -b boot.bin -no-emul-boot -boot-load-size 4 \
    -boot-info-table "$T/root" >"$T/xorriso.log" 2>&1 || { echo "not ok 1 - xorriso: $(cat "$T/xorriso.log")"; exit 1; }

# boot NAME ARGS...: run until isa-debug-exit, check status and serial
boot() {
    name=$1
    shift
    rm -f "$T/serial.txt"
    timeout 60 "$B" -display none -serial "file:$T/serial.txt" -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" </dev/null >"$T/out" 2>&1
    rc=$?
    if [ $rc -eq 33 ]; then ok "$name: isa-debug-exit status 33 (success)"; else nok "$name: exit status $rc, want 33 ($(head -c 300 "$T/out"))"; fi
    if grep -q "CD-BOOT-RESULT: OK" "$T/serial.txt" 2>/dev/null; then
        ok "$name: result on the serial port"
    else
        nok "$name: result on the serial port ($(cat "$T/serial.txt" 2>/dev/null))"
    fi
}
boot "-cdrom, -boot d" -cdrom "$T/cd.iso" -boot d
truncate -s 1M "$T/blank.img"
boot "-drive media=cdrom on index 2 after a blank disk, -boot order=cd" \
    -drive "file=$T/blank.img,format=raw,if=ide,index=0" \
    -drive "file=$T/cd.iso,format=raw,if=ide,index=2,media=cdrom" -boot order=cd
echo "1..$n"
exit $fail
