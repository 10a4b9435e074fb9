#!/bin/sh
# tern-system-x86_64's command line and monitor without running guest
# code: bad input gives one clear line and exit status 1 (never a crash),
# and with -S the monitor shows the machine (info pci/status/mtree/qtree,
# xp of the reset vector, screendump). TAP output.
#   tests/functional/run-machine-cli.sh BUILDDIR
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

# expect_error DESCRIPTION PATTERN ARGS...: exit status 1, one line matching PATTERN
expect_error() {
    desc=$1 pat=$2
    shift 2
    timeout 10 "$B" "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    lines=$(wc -l <"$T/err")
    if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && grep -q -- "$pat" "$T/err"; then
        ok "$desc"
    else
        nok "$desc (rc=$rc, stderr: $(head -c 300 "$T/err"))"
    fi
}

expect_error "unknown option" "-frobnicate: unknown option" -frobnicate
expect_error "missing argument" "-m: requires an argument" -m
expect_error "bad memory size" "-m: invalid RAM size" -m 12X
expect_error "unknown machine" "unsupported machine type" -machine q35
expect_error "unknown accelerator" "unsupported accelerator" -accel kvm
expect_error "bad -drive option" "-drive: unknown option 'frob'" -drive file=x,frob=1
expect_error "qcow2 format refused" "format 'qcow2' is not supported" -drive file=x,format=qcow2
expect_error "bad boot device" "invalid boot device" -boot z
expect_error "bad serial backend" "-serial:" -serial frob:x
expect_error "missing BIOS file" "cannot find BIOS file" -display none -bios "$T/nonexistent.bin"
head -c 1000 /dev/urandom >"$T/corrupt.bin"
expect_error "corrupt (truncated) BIOS" "is corrupt" -display none -bios "$T/corrupt.bin"
expect_error "nonexistent disk image" "$T/missing.img" -display none -hda "$T/missing.img"
expect_error "nonexistent -kernel" "cannot open kernel" -display none -kernel "$T/missing-kernel"
expect_error "-kernel that is no kernel" "neither a Linux bzImage" -display none -kernel "$0"
expect_error "-initrd without -kernel" "need -kernel" -display none -initrd "$0"
expect_error "too many CPUs" "-smp: at most 64 CPUs" -smp 65
expect_error "bad -accel property" "unknown property 'thread=frob'" -accel tcg,thread=frob
expect_error "unknown -device" "-device frob-device" -display none -S -device frob-device
expect_error "unknown -device property" "-device isa-debug-exit,frob=1" -display none -S \
    -device isa-debug-exit,frob=1

# -device help lists device types
if timeout 10 "$B" -device help </dev/null 2>&1 | grep -q isa-debug-exit; then
    ok "-device help lists isa-debug-exit"
else
    nok "-device help lists isa-debug-exit"
fi
if timeout 10 "$B" -version | grep -q "tern-system-x86_64 version"; then
    ok "-version"
else
    nok "-version"
fi

# The monitor on a socket, machine stopped (-S)
cat >"$T/monc.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
for i in range(100):
    try:
        s.connect(sys.argv[1]); break
    except OSError:
        time.sleep(0.1)
s.settimeout(1.0)
def rd():
    out = b''
    try:
        while True:
            d = s.recv(65536)
            if not d: break
            out += d
    except socket.timeout:
        pass
    return out.decode(errors='replace')
sys.stdout.write(rd())
for cmd in sys.argv[2:]:
    s.sendall((cmd + '\n').encode())
    sys.stdout.write(rd())
PY
timeout 20 "$B" -display none -serial none -S -monitor "unix:$T/mon.sock,server=on,wait=off" \
    </dev/null >"$T/qemu.out" 2>"$T/qemu.err" &
pid=$!
timeout 15 python3 "$T/monc.py" "$T/mon.sock" "info status" "info pci" "xp /2xw 0xfffffff0" \
    "info mtree" "info qtree" "screendump $T/screen.ppm" "frobnicate" "x /4xb" "info registers" \
    "quit" >"$T/mon.out" 2>&1
wait $pid
rc=$?
check() {
    if grep -q -- "$2" "$T/mon.out"; then ok "$1"; else nok "$1"; fi
}
check "monitor prompt" "(tern)"
check "info status: prelaunch with -S" "VM status: paused"
check "info pci: host bridge" "Host bridge: PCI device 8086:1237"
check "info pci: ISA bridge" "ISA bridge: PCI device 8086:7000"
check "info pci: IDE" "IDE controller: PCI device 8086:7010"
check "info pci: VGA" "VGA controller: PCI device 1234:1111"
check "xp reads the BIOS reset vector (far jmp opcode 0xea)" "00000000fffffff0: 0x......ea"
check "info mtree shows the BIOS ROM" "pc.bios"
check "info qtree shows the ISA bus" "isa"
check "unknown command is a message" "unknown command: 'frobnicate'"
check "x without an address is a message" "missing address"
check "info registers: reset state CS=f000" "CS =f000"
if [ -s "$T/screen.ppm" ] && head -c 2 "$T/screen.ppm" | grep -q P6; then
    ok "screendump writes a PPM"
else
    nok "screendump writes a PPM ($(cat "$T/mon.out" | grep screendump))"
fi
if [ $rc -eq 0 ]; then ok "quit exits with status 0"; else nok "quit exits with status 0 (rc=$rc)"; fi
echo "1..$n"
exit $fail
