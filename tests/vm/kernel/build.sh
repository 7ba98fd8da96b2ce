#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the debug kernel of tests/vm/run.sh -k 6.12-debug from Debian's
# linux-source-6.12 and prints the directory that holds it:
#
#   bzImage, System.map, config    the kernel
#   release                        its `uname -r', e.g. 6.12.117-pmtufix-debug
#   modules/lib/modules/RELEASE/   modules_install (all of it is built in)
#   build/                         the object tree, for make -C build M=DIR
#
# The directory is PMTUFIX_CACHE (default ~/.cache/pmtufix)/kernel/KEY,
# outside the checkout, where KEY hashes debug.config, this script and the
# versions of linux-source-6.12 and gcc: the kernel is built again only
# when one of those changes.  It is built in a temporary directory beside
# it and renamed into place when complete, so a build killed half-way
# leaves nothing that looks finished.  run.sh starts it when needed.
#
# The configuration is debug.config and nothing else (allnoconfig with
# it); Kconfig drops what a dependency forbids without a word, so every
# line of debug.config must be in the final .config as written, and no
# option may be a module.
#
# Usage: tests/vm/kernel/build.sh [-k]
#   -k  print the key only
#
# Environment: PMTUFIX_CACHE, PMTUFIX_KERNEL_JOBS (make -j, default 2).

set -eu

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug.config
tarball=/usr/src/linux-source-6.12.tar.xz
pkg=linux-source-6.12
base=${PMTUFIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pmtufix}/kernel
jobs=${PMTUFIX_KERNEL_JOBS:-2}

log() { printf 'kernel: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) ||
	die "$pkg is not installed (tests/deps.sh test installs it)"
[ -f "$tarball" ] || die "no $tarball"
compiler=$(gcc --version | head -n 1)
key=$({
	cat "$fragment" "$0"
	echo "$pkg $version"
	echo "$compiler"
} | sha256sum | cut -c 1-16)

if [ "${1:-}" = -k ]; then
	echo "$key"
	exit 0
fi

dest=$base/$key
if [ -f "$dest/bzImage" ]; then
	echo "$dest"
	exit 0
fi

mkdir -p "$base"
# One build at a time; whoever waited finds the kernel built.
exec 9>"$base/.lock"
flock 9
if [ -f "$dest/bzImage" ]; then
	echo "$dest"
	exit 0
fi

# What a build killed outright (no trap ran) left.
rm -rf "$base"/.build-*
tmp=$(mktemp -d "$base/.build-$key.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "building $pkg $version with debug.config in $tmp (key $key, -j$jobs)"
start=$(date +%s)

tar -xaf "$tarball" -C "$tmp"
src=$tmp/linux-source-6.12
[ -f "$src/Makefile" ] || die "$tarball has no linux-source-6.12/Makefile"
kmake() { make -C "$src" -s "$@"; }

kmake ARCH=x86_64 KCONFIG_ALLCONFIG="$fragment" allnoconfig

bad=0
while read -r line; do
	case $line in
	'# CONFIG_'*' is not set')
		sym=${line#\# }
		sym=${sym%% *}
		got=$(grep "^$sym=" "$src/.config" || true)
		[ -z "$got" ] && continue ;;
	CONFIG_*=*)
		sym=${line%%=*}
		grep -qxF -- "$line" "$src/.config" && continue
		got=$(grep "^$sym=" "$src/.config" || echo "$sym unset") ;;
	*) continue ;;
	esac
	log "debug.config asks for '$line', the .config has '$got'"
	bad=1
done <"$fragment"
if grep -q '=m$' "$src/.config"; then
	log "options built as modules (debug.config must make them y or n):"
	grep '=m$' "$src/.config" >&2
	bad=1
fi
[ "$bad" = 0 ] || die "the configuration is not what debug.config asks for"

nice -n 10 make -C "$src" -s -j"$jobs" bzImage modules >"$tmp/build.log" 2>&1 || {
	tail -n 50 "$tmp/build.log" >&2
	die "the kernel build failed (log: $tmp/build.log, deleted on exit)"
}
release=$(kmake kernelrelease)

out=$tmp/out
mkdir -p "$out"
make -C "$src" -s INSTALL_MOD_PATH="$out/modules" modules_install >/dev/null
rm -f "$out/modules/lib/modules/$release/build"
cp "$src/arch/x86/boot/bzImage" "$src/System.map" "$out/"
cp "$src/.config" "$out/config"
cp "$tmp/build.log" "$out/"
echo "$release" >"$out/release"

# What an out-of-tree module build reads: the Makefiles, scripts/ and
# its programs, the headers (include/ and arch/x86/include/, the
# generated ones among them), .config, Module.symvers, objtool.  The rest
# of the tree is sources and objects, most of its size.
(
	cd "$src"
	find . -mindepth 1 -maxdepth 1 \
		! -name Makefile ! -name Kbuild ! -name .config \
		! -name Module.symvers ! -name modules.order \
		! -name System.map ! -name include ! -name scripts \
		! -name arch ! -name tools -exec rm -rf {} +
	find arch -mindepth 1 -maxdepth 1 ! -name x86 -exec rm -rf {} +
	find arch/x86 -mindepth 1 -maxdepth 1 ! -name 'Makefile*' \
		! -name include -exec rm -rf {} +
	mv tools/objtool/objtool objtool.keep
	rm -rf tools
	mkdir -p tools/objtool
	mv objtool.keep tools/objtool/objtool
	find . \( -name '*.o' -o -name '.*.cmd' -o -name '*.a' \) -delete
)
mv "$src" "$out/build"
echo "$(($(date +%s) - start))" >"$out/build-seconds"

mv -T "$out" "$dest"
log "built $release in $(cat "$dest/build-seconds") s: $dest ($(du -sh "$dest" | cut -f 1))"
echo "$dest"
