#!/bin/bash
# Build a busybox initramfs (gzip'd newc cpio) around an init script:
#   mkinitramfs.sh BUSYBOX INIT OUT [EXTRA]
# The archive holds /bin/busybox (Debian's static busybox), /init (the
# script, run by busybox sh) and the mount points; it is built as an
# ordinary user (cpio -R 0:0 makes the files root's). EXTRA, a directory,
# is copied over the archive's root as it is (e.g. EXTRA/lib/modules/...
# becomes /lib/modules/...).
set -euo pipefail
busybox=$1 init=$2 out=$3 extra=${4:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tern-initramfs.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,sbin,proc,sys,dev,tmp,mnt,root,etc}
cp "$busybox" "$dir/bin/busybox"
chmod 755 "$dir/bin/busybox"
ln -s busybox "$dir/bin/sh"
cp "$init" "$dir/init"
chmod 755 "$dir/init"
if [ -n "$extra" ]; then
    [ -d "$extra" ] || { echo "mkinitramfs.sh: $extra is not a directory" >&2; exit 1; }
    cp -R "$extra/." "$dir/"
fi
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 > "$out"
