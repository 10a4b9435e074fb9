#!/bin/bash
# Fetch the guest artifacts the functional tests and `make run` boot:
# Debian's kernel (linux-image-amd64 -> /boot/vmlinuz-*) and busybox
# (busybox-static -> /bin/busybox), from Debian packages only.
#
#   scripts/fetch-guest.sh            fetch both; print KERNEL=... and BUSYBOX=...
#                                     (and MODULES=... when the modules can be had)
#   scripts/fetch-guest.sh kernel     fetch the kernel; print its path
#   scripts/fetch-guest.sh busybox    fetch busybox; print its path
#   scripts/fetch-guest.sh modules    fetch the kernel modules; print MODULES=<dir>
#
# Modules: the guest tests that need drivers Debian builds as modules
# (ata_piix, sd_mod, ext4, sr_mod, isofs for the IDE disk and CD-ROM test)
# get them from the same kernel package. The roots are
# ${TERN_GUEST_MODULES:-ata_piix sd_mod ext4 crc32c_generic sr_mod isofs};
# their dependencies are resolved from each module's own
# "depends=" (.modinfo section; the .deb ships no modules.dep, depmod makes
# it at install time). The cache entry <dir> holds the .ko files (a
# compressed .ko.xz/.ko.zst is decompressed here: busybox insmod takes
# plain ELF) and <dir>/load-order, the file names in an order where each
# module comes after the ones it depends on. Soft dependencies
# ("softdep=pre: crc32c") name aliases, which are not resolved: list the
# module that provides one among the roots (crc32c_generic above).
#
# The packages are the candidates apt knows for the installed release
# (`apt-get download`); each .deb is checked against the SHA256 in apt's
# package lists before dpkg-deb -x extracts the one file we need.
#
# Cache: ${TERN_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/tern}, outside the
# clone, so a fresh clone reuses it. Layout:
#   <pkg>_<version>/<file>     the extracted file (vmlinuz-*, busybox)
#   <pkg>_<version>/sha256     the verified .deb checksum
#   modules_<pkg>_<version>/   the modules (*.ko, load-order, roots, sha256)
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

# "VERSION SHA256" of package PKG's candidate (empty if unknown): one
# apt-cache run, which is slow on a loaded machine.
apt_version_sha() {
    apt-cache show --no-all-versions "$1" 2>/dev/null |
        awk '$1 == "Version:" && v == "" { v = $2 } $1 == "SHA256:" && h == "" { h = $2 }
             END { if (v != "" && h != "") print v, h }'
}

# The versioned kernel package linux-image-amd64 depends on.
kernel_package() {
    if [ -n "${TERN_KERNEL_PKG:-}" ]; then
        echo "$TERN_KERNEL_PKG"
        return
    fi
    apt_field linux-image-amd64 Depends | grep -o 'linux-image-[^ ,()]*-amd64' | head -n1
}

# download_deb PKG VERSION SHA TMP: download PKG=VERSION into the empty
# directory TMP, check it against SHA and extract it into TMP/x.
download_deb() {
    local pkg=$1 version=$2 sha=$3 tmp=$4 deb got
    msg "downloading $pkg $version"
    local aptopts=()
    # As root apt drops to _apt, which cannot write a private temp dir.
    [ "$(id -u)" -eq 0 ] && aptopts=(-o APT::Sandbox::User=root)
    (cd "$tmp" && apt-get download -q "${aptopts[@]}" "$pkg=$version" >&2) ||
        die "apt-get download $pkg=$version failed"
    deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
    [ -n "$deb" ] || die "apt-get download left no .deb for $pkg"
    got=$(sha256sum "$deb" | cut -d' ' -f1)
    [ "$got" = "$sha" ] || die "$pkg: checksum mismatch (apt lists $sha, the .deb has $got)"
    mkdir "$tmp/x"
    dpkg-deb -x "$deb" "$tmp/x" || die "dpkg-deb -x failed on $deb"
    rm -f "$deb"
}

# fetch PKG PATTERN: make sure the file matching PATTERN (a path inside the
# package, shell glob) is cached; print its cached path.
fetch() {
    local pkg=$1 pattern=$2 version sha dir tmp deb file
    read -r version sha <<<"$(apt_version_sha "$pkg")"
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
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    download_deb "$pkg" "$version" "$sha" "$tmp"
    file=$(store_file "$pkg" "$tmp/x" "$pattern" "$dir" "$sha")
    rm -rf "$tmp"
    trap - EXIT
    exec 9>&-
    echo "$file"
}

# store_file PKG TREE PATTERN DIR SHA: make DIR the cache entry of the file
# matching PATTERN in the extracted package TREE; print its cached path.
store_file() {
    local pkg=$1 tree=$2 pattern=$3 dir=$4 sha=$5 file
    # shellcheck disable=SC2086 # the pattern is a glob on purpose
    file=$(cd "$tree" && ls -1d $pattern 2>/dev/null | head -n1 || true)
    [ -n "$file" ] && [ -f "$tree/$file" ] || die "$pkg has no $pattern"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$tree/$file" "$dir/"
    # The checksum goes last: an interrupted fetch leaves an invalid entry.
    echo "$sha" >"$dir/sha256"
    msg "cached $dir/$(basename "$file")"
    echo "$dir/$(basename "$file")"
}

# The kernel package to use; offline, the newest one already cached.
resolve_kernel_package() {
    local pkg
    pkg=$(kernel_package)
    if [ -z "$pkg" ]; then
        pkg=$(ls -1d "$cache"/linux-image-*-amd64_* 2>/dev/null | sort -V | tail -n1 || true)
        pkg=$(basename "${pkg%%_*}")
        [ -n "$pkg" ] || die "cannot resolve linux-image-amd64 to a kernel package (run apt-get update?)"
    fi
    echo "$pkg"
}

fetch_kernel() {
    local pkg
    pkg=$(resolve_kernel_package)
    fetch "$pkg" 'boot/vmlinuz-*'
}

module_roots() {
    echo "${TERN_GUEST_MODULES:-ata_piix sd_mod ext4 crc32c_generic sr_mod isofs}"
}

# modinfo_field KO FIELD: FIELD's value in the module's .modinfo section
# (NUL-separated "key=value" strings).
modinfo_field() {
    local ko=$1 field=$2 sec
    sec=$(mktemp "${TMPDIR:-/tmp}/tern-modinfo.XXXXXX")
    if ! objcopy -O binary --only-section=.modinfo "$ko" "$sec" 2>/dev/null; then
        rm -f "$sec"
        die "objcopy cannot read the .modinfo section of $ko"
    fi
    tr '\0' '\n' <"$sec" | sed -n "s/^$field=//p" | head -n1
    rm -f "$sec"
}

# extract_modules TREE OUT ROOT...: copy the ROOT modules and everything
# they depend on from the extracted kernel package TREE into OUT (plain
# .ko), and write OUT/load-order (dependencies first).
extract_modules() {
    local tree=$1 out=$2
    shift 2
    local kdir f name
    kdir=$(ls -1d "$tree"/lib/modules/*/kernel 2>/dev/null | head -n1 || true)
    [ -n "$kdir" ] && [ -d "$kdir" ] || die "the kernel package has no lib/modules/*/kernel"
    command -v objcopy >/dev/null 2>&1 || die "needs objcopy (binutils) to read module dependencies"
    # Module names use '_' where the file name may have '-' (crc32c-intel.ko is crc32c_intel).
    declare -A mod_path=() mod_state=()
    while IFS= read -r f; do
        name=${f##*/}
        name=${name%%.ko*}
        mod_path[${name//-/_}]=$f
    done < <(find "$kdir" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \))
    mkdir -p "$out"
    : >"$out/load-order"

    # Depth-first: a module is listed after all of its dependencies.
    add_module() {
        local m=${1//-/_} src dep deps
        case "${mod_state[$m]:-}" in
        done) return ;;
        visiting) die "module dependency cycle through $m" ;;
        esac
        src=${mod_path[$m]:-}
        if [ -z "$src" ]; then
            # Built into the kernel: nothing to load.
            if grep -q "/${m}\.ko\$\|/${m//_/-}\.ko\$" "$kdir/../modules.builtin" 2>/dev/null; then
                mod_state[$m]="done"
                return
            fi
            die "module $m not found in the kernel package"
        fi
        mod_state[$m]=visiting
        case "$src" in
        *.ko.xz) xz -dc "$src" >"$out/$m.ko" || die "xz cannot decompress $src" ;;
        *.ko.zst) zstd -qdc "$src" >"$out/$m.ko" || die "zstd cannot decompress $src" ;;
        *.ko.gz) gzip -dc "$src" >"$out/$m.ko" || die "gzip cannot decompress $src" ;;
        *) cp "$src" "$out/$m.ko" ;;
        esac
        deps=$(modinfo_field "$out/$m.ko" depends)
        for dep in ${deps//,/ }; do
            add_module "$dep"
        done
        mod_state[$m]="done"
        echo "$m.ko" >>"$out/load-order"
    }
    for name in "$@"; do
        add_module "$name"
    done
}

# modules_valid DIR SHA ROOTS: DIR is a complete modules entry for ROOTS
# (from the .deb with checksum SHA; empty SHA: any).
modules_valid() {
    local dir=$1 sha=$2 roots=$3
    [ -f "$dir/sha256" ] && [ -f "$dir/load-order" ] && [ -f "$dir/roots" ] || return 1
    [ "$(cat "$dir/roots")" = "$roots" ] || return 1
    [ -z "$sha" ] || [ "$(cat "$dir/sha256")" = "$sha" ]
}

# Make sure the kernel modules (see the top) are cached; print their directory.
fetch_modules() {
    local pkg version sha roots dir tmp kdir
    pkg=$(resolve_kernel_package)
    roots=$(module_roots)
    read -r version sha <<<"$(apt_version_sha "$pkg")"
    if [ -z "$version" ] || [ -z "$sha" ]; then
        dir=$(ls -1d "$cache/modules_${pkg}_"* 2>/dev/null | sort -V | tail -n1 || true)
        if [ -n "$dir" ] && modules_valid "$dir" "" "$roots"; then
            msg "apt knows no candidate for $pkg (run apt-get update?); using the cached $dir"
            echo "$dir"
            return
        fi
        die "apt knows no candidate for $pkg and no modules for '$roots' are cached: run 'apt-get update'"
    fi
    dir="$cache/modules_${pkg}_${version#*:}"
    if modules_valid "$dir" "$sha" "$roots"; then
        echo "$dir"
        return
    fi
    mkdir -p "$cache"
    exec 9>"$cache/.lock"
    flock 9
    if modules_valid "$dir" "$sha" "$roots"; then
        exec 9>&-
        echo "$dir"
        return
    fi
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    download_deb "$pkg" "$version" "$sha" "$tmp"
    # shellcheck disable=SC2086 # the roots are a list of names
    extract_modules "$tmp/x" "$tmp/m" $roots
    echo "$roots" >"$tmp/m/roots"
    rm -rf "$dir"
    mv "$tmp/m" "$dir"
    # The checksum goes last: an interrupted fetch leaves an invalid entry.
    echo "$sha" >"$dir/sha256"
    msg "cached $(wc -l <"$dir/load-order") modules in $dir"
    # One download serves the kernel entry too when it is missing.
    kdir="$cache/${pkg}_${version#*:}"
    if ! [ -f "$kdir/sha256" ] || [ "$(cat "$kdir/sha256")" != "$sha" ]; then
        store_file "$pkg" "$tmp/x" 'boot/vmlinuz-*' "$kdir" "$sha" >/dev/null
    fi
    rm -rf "$tmp"
    trap - EXIT
    exec 9>&-
    echo "$dir"
}

fetch_busybox() {
    fetch busybox-static 'bin/busybox'
}

command -v apt-cache >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1 ||
    die "needs apt-cache, apt-get and dpkg-deb (a Debian system)"

case "${1:-all}" in
kernel) fetch_kernel ;;
busybox) fetch_busybox ;;
modules)
    m=$(fetch_modules)
    echo "MODULES=$m"
    ;;
all)
    # The modules first: when nothing is cached one download of the kernel
    # package fills both entries. Only the tests that boot with modules
    # need them, so a failure here is a warning (and no MODULES= line).
    if ! m=$(fetch_modules); then
        msg "warning: no kernel modules (the guest tests that need them will fail)"
        m=
    fi
    k=$(fetch_kernel)
    b=$(fetch_busybox)
    echo "KERNEL=$k"
    echo "BUSYBOX=$b"
    [ -z "$m" ] || echo "MODULES=$m"
    ;;
*)
    echo "usage: $0 [kernel|busybox|modules]" >&2
    exit 2
    ;;
esac
