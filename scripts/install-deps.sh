#!/bin/bash
# Install the Debian packages Tern needs to build, test and benchmark,
# and only those that are missing. Quiet when nothing is missing.
#
#   scripts/install-deps.sh          install what is missing
#   scripts/install-deps.sh --list   print the package list
#   scripts/install-deps.sh --check  exit 1 (naming them) if some are missing
#
# This is the one list of packages: add a package here (with what needs it)
# rather than installing it by hand, so a fresh machine or CI has it too.
# Runs apt-get as root, or through sudo when not root. Set
# TERN_SKIP_DEPS=1 to skip it (e.g. on a non-Debian host with the tools
# installed another way).

set -e

packages=(
    # build
    build-essential meson ninja-build pkg-config
    libcapstone-dev        # disassembly for -d in_asm/out_asm
    zlib1g-dev             # qcow2 compressed clusters, migration
    libsdl2-dev            # -display sdl
    libpixman-1-dev        # display surfaces
    libjson-c-dev          # QMP
    libcmocka-dev          # unit tests that want mocks
    # tests: guest programs, reference emulator, firmware, guest images
    nasm                   # tests/tcg assembly programs
    qemu-user qemu-system-x86 qemu-utils   # oracles and benchmark baselines
    seabios                # BIOS for the PC emulator
    acpica-tools           # iasl: tests/unit/test-acpi disassembles and recompiles our ACPI tables
    busybox-static         # make run demo, functional-test initramfs
    cpio                   # building initramfs images
    xorriso e2fsprogs      # ISO and ext2 images for functional tests
    coreutils grep python3 xz-utils
    xxd bc                 # tests/tcg/run-random.sh (bytes to disassemble), tests/bench/user.sh
)

case "${1:-}" in
--list)
    printf '%s\n' "${packages[@]}"
    exit 0
    ;;
--check | "") ;;
*)
    echo "usage: $0 [--list|--check]" >&2
    exit 2
    ;;
esac

if [ "${TERN_SKIP_DEPS:-0}" = 1 ]; then
    exit 0
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: not a Debian-based system; install the equivalents of:" >&2
    echo "  ${packages[*]}" >&2
    echo "install-deps: then set TERN_SKIP_DEPS=1 to silence this" >&2
    exit 0
fi

# One dpkg-query for all packages; those it does not report as installed
# (including ones it has never heard of) are missing.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${packages[@]}" 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }' || true)
missing=()
for p in "${packages[@]}"; do
    if ! grep -qxF "$p" <<<"$installed"; then
        missing+=("$p")
    fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "${1:-}" = --check ]; then
    echo "install-deps: missing packages: ${missing[*]}" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "install-deps: missing packages: ${missing[*]}" >&2
    echo "install-deps: not root and no sudo: install them as root" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends "${missing[@]}"
