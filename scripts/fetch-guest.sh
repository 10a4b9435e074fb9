#!/bin/bash
# Fetch the guest artifacts the functional tests and `make run` boot:
# Debian's kernel (linux-image-amd64 -> /boot/vmlinuz-*) and busybox
# (busybox-static -> /bin/busybox), from Debian packages only.
#
#   scripts/fetch-guest.sh            fetch both; print KERNEL=... and BUSYBOX=...
#   scripts/fetch-guest.sh kernel     fetch the kernel; print its path
#   scripts/fetch-guest.sh busybox    fetch busybox; print its path
#
# The packages are the candidates apt knows for the installed release
# (`apt-get download`); each .deb is checked against the SHA256 in apt's
# package lists before dpkg-deb -x extracts the one file we need.
#
# Cache: ${TERN_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/tern}, outside the
# clone, so a fresh clone reuses it. Layout:
#   <pkg>_<version>/<file>     the extracted file (vmlinuz-*, busybox)
#   <pkg>_<version>/sha256     the verified .deb checksum
# An entry is valid when its file exists and its recorded checksum is the
# one apt lists now: then nothing is downloaded. When apt knows no
# candidate (no package lists, e.g. offline), the newest cached entry is
# used with a warning. Progress goes to stderr; stdout only has the paths.
# Set TERN_KERNEL_PKG to pick another kernel package (e.g. a
# linux-image-6.1.0-NN-amd64 version).

set -euo pipefail

cache=${TERN_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tern}

msg() { echo "fetch-guest: $*" >&2; }
die() {
    msg "$*"
    exit 1
}

# apt field FIELD of package PKG's candidate version (empty if unknown)
apt_field() {
    apt-cache show --no-all-versions "$1" 2>/dev/null |
        awk -v f="$2:" '$1 == f { sub(/^[^ ]+ /, ""); print; exit }'
}

# The versioned kernel package linux-image-amd64 depends on.
kernel_package() {
    if [ -n "${TERN_KERNEL_PKG:-}" ]; then
        echo "$TERN_KERNEL_PKG"
        return
    fi
    apt_field linux-image-amd64 Depends | grep -o 'linux-image-[^ ,()]*-amd64' | head -n1
}

# fetch PKG PATTERN: make sure the file matching PATTERN (a path inside the
# package, shell glob) is cached; print its cached path.
fetch() {
    local pkg=$1 pattern=$2 version sha dir tmp deb file
    version=$(apt_field "$pkg" Version)
    sha=$(apt_field "$pkg" SHA256)
    if [ -z "$version" ] || [ -z "$sha" ]; then
        # Offline or no package lists: fall back on what the cache has.
        dir=$(ls -1d "$cache/${pkg}_"* 2>/dev/null | sort -V | tail -n1 || true)
        if [ -n "$dir" ] && [ -f "$dir/sha256" ]; then
            file=$(find "$dir" -maxdepth 1 -type f ! -name sha256 | head -n1)
            if [ -n "$file" ]; then
                msg "apt knows no candidate for $pkg (run apt-get update?); using the cached $file"
                echo "$file"
                return
            fi
        fi
        die "apt knows no candidate for $pkg and nothing is cached: run 'apt-get update' (Debian sources needed)"
    fi
    # Debian versions may hold an epoch "1:"; keep it out of the directory name.
    dir="$cache/${pkg}_${version#*:}"
    if [ -f "$dir/sha256" ] && [ "$(cat "$dir/sha256")" = "$sha" ]; then
        file=$(find "$dir" -maxdepth 1 -type f ! -name sha256 | head -n1)
        if [ -n "$file" ]; then
            echo "$file"
            return
        fi
    fi

    # Parallel test runs fetch into the same cache: one at a time, and
    # whoever waited looks again before downloading.
    mkdir -p "$cache"
    exec 9>"$cache/.lock"
    flock 9
    if [ -f "$dir/sha256" ] && [ "$(cat "$dir/sha256")" = "$sha" ]; then
        file=$(find "$dir" -maxdepth 1 -type f ! -name sha256 | head -n1)
        if [ -n "$file" ]; then
            exec 9>&-
            echo "$file"
            return
        fi
    fi
    msg "downloading $pkg $version"
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    local aptopts=()
    # As root apt drops to _apt, which cannot write a private temp dir.
    [ "$(id -u)" -eq 0 ] && aptopts=(-o APT::Sandbox::User=root)
    (cd "$tmp" && apt-get download -q "${aptopts[@]}" "$pkg=$version" >&2) ||
        die "apt-get download $pkg=$version failed"
    deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
    [ -n "$deb" ] || die "apt-get download left no .deb for $pkg"
    local got
    got=$(sha256sum "$deb" | cut -d' ' -f1)
    [ "$got" = "$sha" ] || die "$pkg: checksum mismatch (apt lists $sha, the .deb has $got)"
    mkdir "$tmp/x"
    dpkg-deb -x "$deb" "$tmp/x" || die "dpkg-deb -x failed on $deb"
    # shellcheck disable=SC2086 # the pattern is a glob on purpose
    file=$(cd "$tmp/x" && ls -1d $pattern 2>/dev/null | head -n1 || true)
    [ -n "$file" ] && [ -f "$tmp/x/$file" ] || die "$pkg has no $pattern"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$tmp/x/$file" "$dir/"
    # The checksum goes last: an interrupted fetch leaves an invalid entry.
    echo "$sha" >"$dir/sha256"
    rm -rf "$tmp"
    trap - EXIT
    exec 9>&-
    msg "cached $dir/$(basename "$file")"
    echo "$dir/$(basename "$file")"
}

fetch_kernel() {
    local pkg
    pkg=$(kernel_package)
    if [ -z "$pkg" ]; then
        # Offline: the newest kernel package already cached, if any.
        pkg=$(ls -1d "$cache"/linux-image-*-amd64_* 2>/dev/null | sort -V | tail -n1 || true)
        pkg=$(basename "${pkg%%_*}")
        [ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (run apt-get update?)"
    fi
    fetch "$pkg" 'boot/vmlinuz-*'
}

fetch_busybox() {
    fetch busybox-static 'bin/busybox'
}

command -v apt-cache >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    die "needs apt-cache, apt-get and dpkg-deb (a Debian system)"

case "${1:-all}" in
kernel) fetch_kernel ;;
busybox) fetch_busybox ;;
all)
    k=$(fetch_kernel)
    b=$(fetch_busybox)
    echo "KERNEL=$k"
    echo "BUSYBOX=$b"
    ;;
*)
    echo "usage: $0 [kernel|busybox]" >&2
    exit 2
    ;;
esac
