# Sourced by the functional tests that boot Debian's kernel: TAP helpers
# and the guest setup they share. Expects builddir and srcdir set; sets emu
# (the emulator in builddir) and, unless the test chose one, boot_timeout
# (seconds per boot: TERN_LINUX_TIMEOUT, default 180).
#   linux_guest_setup NAME INIT  fetches the kernel and busybox
#   (scripts/fetch-guest.sh) and builds an initramfs whose /init is INIT;
#   sets tmp, kernel, busybox and initrd, or prints a failing TAP line and
#   exits: a guest that cannot be had is a failure, never a skip.
#   linux_boot_check NAME CPUS [ARGS...]  boots it and checks the results
emu=$builddir/tern-system-x86_64
boot_timeout=${boot_timeout:-${TERN_LINUX_TIMEOUT:-180}}
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

# linux_boot_check NAME CPUS [EXTRA ARGS...]: boot the guest built by
# linux_guest_setup with guest/linux-check-init.sh as /init (extra
# emulator arguments after CPUS), then check what it printed: the shell
# ran, all CPUs online, dmesg clean, sleep 2 in 1.5-3 s, the computation,
# poweroff -f -> exit status 0. Uses boot_timeout (seconds).
linux_boot_check() {
    local name=$1 cpus=$2
    shift 2
    local log=$tmp/$name.log
    {
        timeout "$boot_timeout" "$emu" -kernel "$kernel" -initrd "$initrd" \
            -append "console=ttyS0 panic=-1" -m 256M -smp "$cpus" "$@" \
            -display none -serial stdio -no-reboot </dev/null 2>&1
        echo "TERN-EXIT=$?"
    } | while IFS= read -r line; do
        # bash's clock, not a date(1) per line: under load the forks fell
        # seconds behind the guest and squeezed "sleep 2" to a few ms
        local now=${EPOCHREALTIME//[.,]/}
        printf '%s %s\n' "${now}000" "${line%$'\r'}"
    done >"$log"

    local exit_status shell cpus_seen bad calc t0 t1 ms
    exit_status=$(sed -n 's/^[0-9]* TERN-EXIT=//p' "$log")
    shell=$(grep -c ' TERN-SHELL-OK' "$log")
    cpus_seen=$(sed -n 's/^[0-9]* TERN-CPUS=//p' "$log")
    bad=$(sed -n 's/^[0-9]* TERN-DMESG-BAD=//p' "$log")
    calc=$(sed -n 's/^[0-9]* TERN-CALC=//p' "$log")
    t0=$(awk '/ TERN-SLEEP-START$/ { print $1 }' "$log")
    t1=$(awk '/ TERN-SLEEP-END$/ { print $1 }' "$log")
    ms=-1
    if [ -n "$t0" ] && [ -n "$t1" ]; then
        ms=$(( (t1 - t0) / 1000000 ))
    fi

    check "$name: boots to the busybox shell" [ "$shell" -ge 1 ]
    check "$name: /proc/cpuinfo lists $cpus CPUs (saw '${cpus_seen}')" [ "$cpus_seen" = "$cpus" ]
    check "$name: dmesg free of BUG/WARNING/Oops/ACPI Error (bad lines: '${bad}')" [ "$bad" = 0 ]
    grep ' TERN-DMESG-LINE' "$log" | cut -d' ' -f2- | sed 's/^/# /'
    check "$name: sleep 2 takes 1.5-3 s of host time (${ms} ms)" \
        [ "$ms" -ge 1500 ] && [ "$ms" -le 3000 ]
    check "$name: shell computation (6*7)*1000+123 = 42123 (got '${calc}')" [ "$calc" = 42123 ]
    check "$name: poweroff -f ends the emulator with status 0 (status '${exit_status}')" \
        [ "$exit_status" = 0 ] && grep -q ' TERN-POWEROFF' "$log"
    if [ "$shell" -lt 1 ] || [ "$exit_status" != 0 ]; then
        echo "# $name: last lines of the serial console:"
        tail -25 "$log" | cut -d' ' -f2- | sed 's/^/#   /'
    fi
}

# linux_guest_setup_modules NAME INIT: linux_guest_setup, plus the kernel
# modules from scripts/fetch-guest.sh (the drivers Debian builds as
# modules: ata_piix, sd_mod, ext4 and what they depend on) in the
# initramfs as /lib/modules/*.ko, with /lib/modules/load-order listing
# them dependencies first, for INIT to insmod. Also sets modules (the
# cached modules directory).
linux_guest_setup_modules() {
    local name=$1 init=$2 paths m
    linux_guest_setup "$name" "$init"
    if ! paths=$("$srcdir/scripts/fetch-guest.sh" modules 2>"$tmp/fetch-modules.err"); then
        not_ok "fetch the kernel modules (scripts/fetch-guest.sh modules)"
        sed 's/^/# /' "$tmp/fetch-modules.err"
        echo "1..$n"
        exit 1
    fi
    modules=$(sed -n 's/^MODULES=//p' <<<"$paths")
    mkdir -p "$tmp/extra/lib/modules"
    cp "$modules/load-order" "$tmp/extra/lib/modules/"
    while IFS= read -r m; do
        cp "$modules/$m" "$tmp/extra/lib/modules/" || break
    done <"$modules/load-order"
    if ! "$srcdir/tests/functional/guest/mkinitramfs.sh" "$busybox" "$init" "$initrd" "$tmp/extra"; then
        not_ok "build the busybox initramfs with the kernel modules"
        echo "1..$n"
        exit 1
    fi
}
