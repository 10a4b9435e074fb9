#!/bin/bash
# Issue 4 acceptance: a disk image with an ext2 filesystem, made on the
# host by mke2fs -d (e2fsprogs, no root needed), on the PIIX3 IDE primary
# master; Debian's kernel (scripts/fetch-guest.sh) loads its own ata_piix,
# sd_mod and ext4 modules from the initramfs (linux_guest_setup_modules),
# reads the whole of /dev/sda (compared with the image's sha256), mounts it
# as ext2, checks the host's files (a text line and 300 KiB of random
# data), writes a file of its own (~340 KiB of generated text and a short
# line) and 4 MiB of random data, syncs, reads both back from the disk
# (caches dropped), unmounts and powers off (guest/linux-disk-init.sh).
# After the power-off this script reads the guest's files out of the image
# with debugfs and compares them byte for byte with what is expected, and
# runs e2fsck -fn on the image, which must be clean. The guest's ata/scsi/
# ext4 messages must be free of errors, timeouts and failures. With -smp 1
# and -smp 2 (bus master DMA), and with libata.dma=0 (PIO); the last two
# also have an ISO 9660 CD-ROM (xorriso) on the secondary channel, which
# the guest reads whole through /dev/sr0 and mounts (ATAPI, sr_mod).
#
#   tests/functional/run-linux-disk.sh [BUILDDIR]
set -u
builddir=${1:-build}
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
. "$srcdir/tests/functional/linux-guest.sh"

for tool in mke2fs debugfs e2fsck; do
    if ! command -v "$tool" >/dev/null 2>&1 && ! [ -x "/sbin/$tool" ] && ! [ -x "/usr/sbin/$tool" ]; then
        not_ok "$tool (e2fsprogs) is installed (scripts/install-deps.sh)"
        echo "1..$n"
        exit 1
    fi
done
PATH=$PATH:/sbin:/usr/sbin

linux_guest_setup_modules disk "$srcdir/tests/functional/guest/linux-disk-init.sh"

# The host's files and the guest's expected one.
mkdir -p "$tmp/root"
echo "hello from the Tern host" >"$tmp/root/hello.txt"
head -c 307200 /dev/urandom >"$tmp/root/host.bin"
host_sha=$(sha256sum <"$tmp/root/host.bin" | cut -d' ' -f1)
{
    seq 1 60000
    echo "written by the Tern guest"
} >"$tmp/expected.txt"
expected_sha=$(sha256sum <"$tmp/expected.txt" | cut -d' ' -f1)
expected_size=$(wc -c <"$tmp/expected.txt")

# field KEY: the value of the guest's first KEY=... line in $log
field() { sed -n "s/^$1=//p" "$log" | head -n1; }

# The CD-ROM: an ISO 9660 image (xorriso) of the host's files.
iso=$tmp/cd.iso
if ! xorriso -as mkisofs -quiet -o "$iso" "$tmp/root" >"$tmp/xorriso.log" 2>&1; then
    not_ok "xorriso makes the ISO image (scripts/install-deps.sh)"
    sed 's/^/# /' "$tmp/xorriso.log"
    echo "1..$n"
    exit 1
fi
iso_sha=$(sha256sum <"$iso" | cut -d' ' -f1)

# disk_check NAME CPUS MODE [APPEND]: a fresh image, boot (APPEND added to
# the kernel command line; with tern.cd in it the ISO is the secondary
# master CD-ROM), check the console (libata's transfer mode contains MODE),
# then the image.
disk_check() {
    local name=$1 cpus=$2 mode=$3 append=${4:-}
    local cdargs=()
    case " $append " in *" tern.cd "*) cdargs=(-cdrom "$iso") ;; esac
    local img=$tmp/$name.img
    log=$tmp/$name.log
    rm -f "$img"
    if ! mke2fs -q -F -t ext2 -d "$tmp/root" "$img" 16M >"$tmp/mke2fs.log" 2>&1; then
        not_ok "$name: mke2fs -t ext2 -d makes the image"
        sed 's/^/# /' "$tmp/mke2fs.log"
        return
    fi
    local img_sha
    img_sha=$(sha256sum <"$img" | cut -d' ' -f1)
    timeout "$boot_timeout" "$emu" -kernel "$kernel" -initrd "$initrd" \
        -append "console=ttyS0 panic=-1${append:+ $append}" -m 256M -smp "$cpus" \
        -drive "file=$img,format=raw,if=ide" "${cdargs[@]}" \
        -display none -serial stdio -no-reboot </dev/null >"$log" 2>&1
    local status=$?
    sed -i 's/\r$//' "$log"

    check "$name: the guest shell runs" grep -q '^TERN-SHELL-OK' "$log"
    check "$name: /proc/cpuinfo lists $cpus CPUs (saw '$(field TERN-CPUS)')" \
        [ "$(field TERN-CPUS)" = "$cpus" ]
    local insmod_bad
    insmod_bad=$(sed -n 's/^TERN-INSMOD-FAILED=//p' "$log" | tr '\n' ' ')
    check "$name: insmod loads every module (failed: '${insmod_bad}')" \
        grep -q '^TERN-MODULES-LOADED' "$log" && [ -z "$insmod_bad" ]
    check "$name: /dev/sda is the 16 MiB disk (sectors '$(field TERN-DISK)')" \
        [ "$(field TERN-DISK)" = 32768 ]
    case "$(field TERN-XFER)" in
    *"$mode"*) ok "$name: libata uses $mode ($(field TERN-XFER))" ;;
    *) not_ok "$name: libata uses $mode (transfer mode '$(field TERN-XFER)')" ;;
    esac
    check "$name: the guest reads the whole disk as the host wrote it (sha256 of /dev/sda)" \
        [ "$(field TERN-RAW-SHA)" = "$img_sha" ]
    check "$name: mount -t ext2 /dev/sda" grep -q '^TERN-MOUNTED' "$log"
    check "$name: the guest reads the host's line ('$(field TERN-HOST-LINE)')" \
        [ "$(field TERN-HOST-LINE)" = "hello from the Tern host" ]
    check "$name: the guest reads the host's 300 KiB intact (sha256 $(field TERN-HOST-SHA))" \
        [ "$(field TERN-HOST-SHA)" = "$host_sha" ]
    check "$name: the guest wrote $expected_size bytes (saw '$(field TERN-GUEST-SIZE)')" \
        [ "$(field TERN-GUEST-SIZE)" = "$expected_size" ]
    check "$name: the guest reads its file back from the disk intact" \
        [ "$(field TERN-GUEST-READBACK-SHA)" = "$expected_sha" ]
    check "$name: the guest reads its 4 MiB file back from the disk intact" \
        [ -n "$(field TERN-BIG-SHA)" ] && [ "$(field TERN-BIG-READBACK-SHA)" = "$(field TERN-BIG-SHA)" ]
    check "$name: umount" grep -q '^TERN-UMOUNTED' "$log"
    if [ ${#cdargs[@]} -gt 0 ]; then
        check "$name: the guest reads the whole CD-ROM as the host made it (sha256 of /dev/sr0)" \
            [ "$(field TERN-CD-RAW-SHA)" = "$iso_sha" ]
        check "$name: the guest mounts the CD-ROM and reads the host's file on it" \
            [ "$(field TERN-CD-HOST-SHA)" = "$host_sha" ]
    fi
    check "$name: dmesg free of BUG/WARNING/Oops (bad lines: '$(field TERN-DMESG-BAD)')" \
        [ "$(field TERN-DMESG-BAD)" = 0 ]
    sed -n 's/^TERN-DMESG-LINE: /# /p' "$log"
    # The driver's messages go to the log; errors, timeouts, failures fail.
    sed -n 's/^TERN-DMESG-ATA: /# /p' "$log"
    local ata_bad
    ata_bad=$(sed -n 's/^TERN-DMESG-ATA: //p' "$log" | grep -ciE 'error|timeout|failed')
    check "$name: ata/scsi/ext4 messages free of error/timeout/failed ($ata_bad lines)" \
        [ "$ata_bad" = 0 ] && grep -q '^TERN-DMESG-ATA: .*\[sda\]' "$log"
    check "$name: poweroff -f ends the emulator with status 0 (status $status)" \
        [ "$status" = 0 ] && grep -q '^TERN-POWEROFF' "$log"
    if ! grep -q '^TERN-POWEROFF' "$log" || [ "$status" != 0 ]; then
        echo "# $name: last lines of the serial console:"
        tail -25 "$log" | sed 's/^/#   /'
    fi

    # After the power-off: the guest's file, read by the host.
    rm -f "$tmp/got.txt"
    debugfs -R "dump /guest.txt $tmp/got.txt" "$img" >"$tmp/debugfs.log" 2>&1
    check "$name: debugfs reads /guest.txt out of the image, equal to the expected bytes" \
        cmp -s "$tmp/got.txt" "$tmp/expected.txt"
    if ! cmp -s "$tmp/got.txt" "$tmp/expected.txt"; then
        sed 's/^/# debugfs: /' "$tmp/debugfs.log" | head -5
        cmp "$tmp/got.txt" "$tmp/expected.txt" 2>&1 | sed 's/^/# /'
    fi
    rm -f "$tmp/big.bin"
    debugfs -R "dump /big.bin $tmp/big.bin" "$img" >"$tmp/debugfs.log" 2>&1
    check "$name: debugfs reads /big.bin out of the image, as the guest wrote it" \
        [ -n "$(field TERN-BIG-SHA)" ] && [ -f "$tmp/big.bin" ] &&
        [ "$(sha256sum <"$tmp/big.bin" | cut -d' ' -f1)" = "$(field TERN-BIG-SHA)" ]
    local fsck_out fsck_status
    fsck_out=$(e2fsck -fn "$img" 2>&1)
    fsck_status=$?
    check "$name: e2fsck -fn finds the filesystem clean (status $fsck_status)" [ "$fsck_status" = 0 ]
    [ "$fsck_status" = 0 ] || sed 's/^/# e2fsck: /' <<<"$fsck_out"
}

disk_check disk-smp1 1 DMA
# with the CD-ROM: ATAPI through ata_piix and sr_mod
disk_check disk-smp2 2 DMA tern.cd
# libata.dma=0 (passed to libata's insmod): PIO, READ/WRITE MULTIPLE EXT
disk_check disk-pio 1 PIO "libata.dma=0 tern.cd"

echo "1..$n"
exit $failed
