#!/bin/bash
# Build a gzip-compressed cpio (newc) initramfs around busybox, without root.
#
#   scripts/build-initramfs.sh -o OUT.cpio.gz [--init SCRIPT] [--busybox PATH]
#                              [--file SRC:DEST]...
#
#   -o OUT            the initramfs to write
#   --init SCRIPT     the guest's /init (a shell script run by busybox sh);
#                     default: a demo init that mounts /proc, /sys and /dev
#                     (devtmpfs), prints a banner and runs a shell on the
#                     console, powering off when the shell exits
#   --busybox PATH    the static busybox to use; default: the one
#                     scripts/fetch-guest.sh caches from Debian's busybox-static
#   --file SRC:DEST   also put host file SRC at /DEST in the image
#
# The archive is written by a small Python cpio writer rather than
# cpio(1): it needs device nodes (/dev/console, /dev/null) that mknod
# cannot make without root, and it makes the output deterministic: the
# same inputs give the same bytes (owner root, mtime 0, sorted entries,
# inode numbers in order, gzip without name or time).

set -euo pipefail

srcdir=$(cd "$(dirname "$0")/.." && pwd)
out="" init="" busybox=""
extra=()

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
    -o) out=${2:?}; shift 2 ;;
    --init) init=${2:?}; shift 2 ;;
    --busybox) busybox=${2:?}; shift 2 ;;
    --file) extra+=("${2:?}"); shift 2 ;;
    -h | --help) usage ;;
    *) echo "build-initramfs: unknown option '$1'" >&2; usage ;;
    esac
done
[ -n "$out" ] || usage
if [ -z "$busybox" ]; then
    busybox=$("$srcdir/scripts/fetch-guest.sh" busybox)
fi
[ -x "$busybox" ] || { echo "build-initramfs: busybox '$busybox' is not executable" >&2; exit 1; }
if [ -n "$init" ] && [ ! -f "$init" ]; then
    echo "build-initramfs: init script '$init' not found" >&2
    exit 1
fi
for f in "${extra[@]}"; do
    [ -f "${f%%:*}" ] || { echo "build-initramfs: --file: '${f%%:*}' not found" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "build-initramfs: needs python3" >&2; exit 1; }

# The applets and where busybox installs them (bin/sh, sbin/poweroff, ...).
# busybox is static: it runs on the host to tell us.
applets=$("$busybox" --list-full) || { echo "build-initramfs: '$busybox --list-full' failed" >&2; exit 1; }

default_init='#!/bin/sh
# Tern demo init (scripts/build-initramfs.sh)
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /tmp
mount -t tmpfs tmpfs /tmp
echo
echo "=============================================="
echo " Tern: Linux $(uname -r) booted with busybox"
echo " $(grep -c ^processor /proc/cpuinfo) CPU(s), $(free -m | awk "/Mem:/ {print \$2}") MiB RAM"
echo " exit the shell (or run poweroff -f) to power off"
echo "=============================================="
setsid cttyhack sh -l
poweroff -f
'

tmp=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if [ -n "$init" ]; then
    cp "$init" "$tmp/init"
else
    printf '%s' "$default_init" >"$tmp/init"
fi
printf '%s\n' "$applets" >"$tmp/applets"
printf '%s\n' "${extra[@]}" >"$tmp/extra"

python3 - "$busybox" "$tmp/init" "$tmp/applets" "$tmp/extra" "$tmp/initramfs.cpio" <<'EOF'
import os, stat, sys

busybox, init, applets_file, extra_file, out = sys.argv[1:]
entries = {}   # path -> (mode, data, rdev)

def add_dir(path):
    parts = path.split('/')
    for i in range(1, len(parts) + 1):
        p = '/'.join(parts[:i])
        if p and p not in entries:
            entries[p] = (stat.S_IFDIR | 0o755, b'', (0, 0))

def add(path, mode, data=b'', rdev=(0, 0)):
    path = path.strip('/')
    if '/' in path:
        add_dir(path.rsplit('/', 1)[0])
    entries[path] = (mode, data, rdev)

for d in ('proc', 'sys', 'dev', 'tmp', 'root', 'etc', 'mnt', 'run', 'var/log'):
    add_dir(d)
entries['tmp'] = (stat.S_IFDIR | 0o1777, b'', (0, 0))
entries['root'] = (stat.S_IFDIR | 0o700, b'', (0, 0))
# the console exists before devtmpfs is mounted: the kernel opens it for init
add('dev/console', stat.S_IFCHR | 0o600, rdev=(5, 1))
add('dev/null', stat.S_IFCHR | 0o666, rdev=(1, 3))
add('bin/busybox', stat.S_IFREG | 0o755, open(busybox, 'rb').read())
for line in open(applets_file).read().split():
    path = line.strip('/')
    if path and path != 'bin/busybox' and path not in entries:
        depth = path.count('/')
        add(path, stat.S_IFLNK | 0o777, ('../' * depth + 'bin/busybox').encode())
add('init', stat.S_IFREG | 0o755, open(init, 'rb').read())
add('etc/passwd', stat.S_IFREG | 0o644, b'root:x:0:0:root:/root:/bin/sh\n')
add('etc/group', stat.S_IFREG | 0o644, b'root:x:0:\n')
add('etc/hostname', stat.S_IFREG | 0o644, b'tern\n')
add('etc/profile', stat.S_IFREG | 0o644,
    b'export PATH=/sbin:/bin:/usr/sbin:/usr/bin\nexport PS1="tern:\\w# "\n')
for spec in open(extra_file).read().split('\n'):
    if spec:
        src, _, dest = spec.partition(':')
        mode = os.stat(src).st_mode & 0o777
        add(dest or os.path.basename(src), stat.S_IFREG | mode, open(src, 'rb').read())

def pad4(n):
    return (4 - n % 4) % 4

with open(out, 'wb') as f:
    def entry(ino, name, mode, data, rdev, nlink):
        nameb = name.encode() + b'\0'
        hdr = '070701' + ''.join('%08X' % v for v in (
            ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(nameb), 0))
        f.write(hdr.encode() + nameb + b'\0' * pad4(110 + len(nameb)))
        f.write(data + b'\0' * pad4(len(data)))
    # sorted: a directory comes before what it holds
    for ino, path in enumerate(sorted(entries), start=1):
        mode, data, rdev = entries[path]
        entry(ino, path, mode, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
    entry(0, 'TRAILER!!!', 0, b'', (0, 0), 1)
EOF

gzip -n -9 -c "$tmp/initramfs.cpio" >"$out.tmp"
mv "$out.tmp" "$out"
echo "build-initramfs: wrote $out ($(wc -c <"$out") bytes)" >&2
