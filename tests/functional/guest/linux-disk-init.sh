#!/bin/sh
# /init of the run-linux-disk.sh guest: loads the IDE disk, CD-ROM, ext4
# and iso9660 drivers (modules listed in /lib/modules/load-order,
# dependencies first), mounts the ext2 filesystem on the whole IDE disk
# /dev/sda, checks the file the host put there, writes files of its own,
# unmounts; with tern.cd, reads the CD-ROM /dev/sr0 and a file on it; then
# powers off. Results are TERN-... lines on the serial console.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo "TERN-SHELL-OK"
echo "TERN-CPUS=$(grep -c '^processor' /proc/cpuinfo)"

# module.param=value words of the kernel command line go to the module's
# insmod, as modprobe would pass them (e.g. libata.dma=0)
params() {
    for w in $(cat /proc/cmdline); do
        case "$w" in "$1".*) echo "${w#"$1".}" ;; esac
    done
}
while read -r m; do
    # shellcheck disable=SC2046 # one word per parameter
    insmod "/lib/modules/$m" $(params "${m%.ko}") || echo "TERN-INSMOD-FAILED=$m"
done </lib/modules/load-order
echo "TERN-MODULES-LOADED"

# The disk (and with tern.cd on the command line the CD-ROM) shows up
# when the SCSI scan found it (asynchronous).
cd=false
grep -qw tern.cd /proc/cmdline && cd=true
i=0
while { [ ! -b /dev/sda ] || { $cd && [ ! -b /dev/sr0 ]; }; } && [ $i -lt 60 ]; do
    sleep 1
    i=$((i + 1))
done
# From here on kernel messages stay out of the console (they could split
# a result line); dmesg has them, printed at the end.
echo 1 > /proc/sys/kernel/printk
if [ -b /dev/sda ]; then
    echo "TERN-DISK=$(cat /sys/block/sda/size)"
    # The transfer mode libata chose (a DMA mode when the bus master works).
    echo "TERN-XFER=$(cat /sys/class/ata_device/dev1.0/xfer_mode 2>/dev/null)"
    # The whole disk through the block device (large requests, long
    # scatter/gather lists); the host compares it with the image it made.
    echo "TERN-RAW-SHA=$(sha256sum < /dev/sda | cut -d' ' -f1)"
    if mount -t ext2 /dev/sda /mnt; then
        echo "TERN-MOUNTED"
        echo "TERN-HOST-LINE=$(cat /mnt/hello.txt)"
        echo "TERN-HOST-SHA=$(sha256sum < /mnt/host.bin | cut -d' ' -f1)"
        # The guest's file: generated text of a few hundred KiB (many
        # sectors, DMA) and a short line; the host knows the recipe.
        { seq 1 60000; echo "written by the Tern guest"; } > /mnt/guest.txt
        sync
        echo "TERN-GUEST-SIZE=$(wc -c < /mnt/guest.txt)"
        # Read it back from the disk, not the page cache.
        # 4 MiB of random data in 64 KiB writes: the host checks it after
        # the power-off against the sha256 the guest computed before writing.
        dd if=/dev/urandom of=/tmp/big bs=65536 count=64 2>/dev/null
        echo "TERN-BIG-SHA=$(sha256sum < /tmp/big | cut -d' ' -f1)"
        dd if=/tmp/big of=/mnt/big.bin bs=65536 2>/dev/null
        rm /tmp/big
        sync
        echo 3 > /proc/sys/vm/drop_caches
        echo "TERN-GUEST-READBACK-SHA=$(sha256sum < /mnt/guest.txt | cut -d' ' -f1)"
        echo "TERN-BIG-READBACK-SHA=$(sha256sum < /mnt/big.bin | cut -d' ' -f1)"
        umount /mnt && echo "TERN-UMOUNTED"
    else
        echo "TERN-MOUNT-FAILED"
    fi
else
    echo "TERN-NO-DISK"
fi

if $cd; then
    # ATAPI: the whole medium through /dev/sr0, then the host's file on it
    if [ -b /dev/sr0 ]; then
        echo "TERN-CD-RAW-SHA=$(sha256sum < /dev/sr0 | cut -d' ' -f1)"
        mkdir -p /cdrom
        if mount -t iso9660 -o ro /dev/sr0 /cdrom; then
            echo "TERN-CD-HOST-SHA=$(sha256sum < /cdrom/host.bin | cut -d' ' -f1)"
            umount /cdrom
        fi
    else
        echo "TERN-NO-CD"
    fi
fi

dmesg > /tmp/dmesg
grep -E 'BUG|WARNING|Oops' /tmp/dmesg > /tmp/bad
echo "TERN-DMESG-BAD=$(wc -l < /tmp/bad)"
sed 's/^/TERN-DMESG-LINE: /' /tmp/bad | head -20
grep -E 'ata[0-9]|ata_piix|libata|scsi|sd [0-9]|sr [0-9]|\[sda\]|cdrom|ISO 9660|EXT4-fs|I/O error|blk_update' /tmp/dmesg | sed 's/^/TERN-DMESG-ATA: /'
echo "TERN-POWEROFF"
poweroff -f
sleep 5
echo "TERN-STILL-RUNNING"
