# Sourced by the functional tests that boot Debian's kernel: TAP helpers
# and the guest setup they share. Expects builddir, srcdir and emu set.
#   linux_guest_setup NAME INIT  fetches the kernel and busybox
#   (scripts/fetch-guest.sh) and builds an initramfs whose /init is INIT;
#   sets tmp, kernel, busybox and initrd, or prints a failing TAP line and
#   exits: a guest that cannot be had is a failure, never a skip.
n=0
failed=0

ok() {
    n=$((n + 1))
    echo "ok $n - $1"
}
not_ok() {
    n=$((n + 1))
    failed=1
    echo "not ok $n - $1"
}
check() { # check DESCRIPTION COMMAND...
    local d=$1
    shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}

linux_guest_setup() {
    local name=$1 init=$2 paths
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/tern-$name.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    if [ ! -x "$emu" ]; then
        not_ok "$emu exists (build first)"
        echo "1..$n"
        exit 1
    fi
    if ! paths=$("$srcdir/scripts/fetch-guest.sh" 2>"$tmp/fetch.err"); then
        not_ok "fetch Debian's kernel and busybox (scripts/fetch-guest.sh)"
        sed 's/^/# /' "$tmp/fetch.err"
        echo "1..$n"
        exit 1
    fi
    kernel=$(sed -n 's/^KERNEL=//p' <<<"$paths")
    busybox=$(sed -n 's/^BUSYBOX=//p' <<<"$paths")
    initrd=$tmp/initrd.gz
    if ! "$srcdir/tests/functional/guest/mkinitramfs.sh" "$busybox" "$init" "$initrd"; then
        not_ok "build the busybox initramfs"
        echo "1..$n"
        exit 1
    fi
}
