#!/bin/sh
# Our own protected-mode and long-mode test kernels (guest/pm-kernel.asm,
# guest/lm-kernel.asm, loaded from an IDE disk by the boot sector in
# guest/loader.inc under SeaBIOS) exercise paging, exceptions, privilege
# changes and the PIT interrupt; each step reports on COM1 and the kernel
# ends through isa-debug-exit. TAP output.
#   tests/functional/run-kernels.sh BUILDDIR
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

# run_kernel NAME: build guest/NAME.asm into a disk, boot it, check exit status
run_kernel() {
    if ! nasm -f bin -I "$D/" -o "$T/$1.img" "$D/$1.asm" 2>"$T/nasm.err"; then
        nok "$1: nasm ($(cat "$T/nasm.err"))"
        return
    fi
    truncate -s 1M "$T/$1.img"
    timeout 60 "$B" -display none -serial "file:$T/$1.txt" -no-reboot -m 64M \
        -hda "$T/$1.img" -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$T/$1.out" 2>&1
    rc=$?
    if [ $rc -eq 33 ]; then
        ok "$1: isa-debug-exit status 33 (success)"
    else
        nok "$1: exit status $rc, want 33 (serial: $(tail -2 "$T/$1.txt" 2>/dev/null | tr '\r\n' '  '); stderr: $(head -c 200 "$T/$1.out"))"
    fi
}
# expect NAME LINE: the kernel reported LINE on COM1
expect() {
    if grep -qF -- "$2" "$T/$1.txt" 2>/dev/null; then ok "$1: $2"; else nok "$1: $2"; fi
}

run_kernel pm-kernel
expect pm-kernel "PM: protected mode"
expect pm-kernel "PM: #DE ok"
expect pm-kernel "PM: paging, #PF, WP ok"
expect pm-kernel "PM: PIT IRQ0 wakes HLT ok"
expect pm-kernel "PM: ring 3, #GP, user #PF, INT 0x80 ok"
expect pm-kernel "PM: PIT IRQ0 in ring 3 ok"
expect pm-kernel "KERNEL-RESULT: OK"

run_kernel lm-kernel
expect lm-kernel "LM: long mode"
expect lm-kernel "LM: #DE ok"
expect lm-kernel "LM: non-canonical #GP on IST1 ok"
expect lm-kernel "LM: paging, 2M page, #PF, WP, NX ok"
expect lm-kernel "LM: PIT IRQ0 wakes HLT ok"
expect lm-kernel "LM: ring 3, #GP, user #PF, INT 0x80 on RSP0 ok"
expect lm-kernel "LM: PIT IRQ0 in ring 3 ok"
expect lm-kernel "LM: CPUID x2APIC, TSC-deadline, invariant 2 GHz TSC ok"
expect lm-kernel "LM: CR8 is the APIC TPR ok"
expect lm-kernel "LM: TSC-deadline timer ok"
expect lm-kernel "LM: x2APIC MSRs and self IPI ok"
expect lm-kernel "KERNEL-RESULT: OK"
echo "1..$n"
exit $fail
