#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots Debian's own kernels under QEMU (software emulation) and runs the
# namespace scenarios of tests/netns/ against xt_PMTUFIX.ko built for each.
#
#   host                                    guest (one per kernel)
#   ----                                    ----------------------
#   apt-get download linux-image-<abi>      busybox initramfs: insmod virtio
#   dpkg-deb -x into build/vm/<abi>/root      and 9p, mount the host's / (ro)
#   build the module against                switch_root into it, modules from
#     /usr/src/linux-headers-<abi>            build/vm/<abi>/root (9p)
#   depmod, initramfs, qemu ------------->  tests/vm/guest.sh as PID 1:
#                                             the suite, rmmod, dmesg scan,
#   verdict from the console log  <-------    "PMTUFIX-VM: success" or not
#
# With -m systemd, the guest's root is an overlay of the host's with a
# tmpfs on top, systemd is PID 1 and boots into pmtufix-vm.target
# (tests/vm/systemd/), which runs the scenarios of tests/system/ from
# tests/vm/system.sh: packages, units, boot order, metrics.
#
# With -m bench, the guest runs the benchmarks of tests/bench/vm/ instead,
# with tests/bench/kmod/pmtufix_bench.ko beside the module and the slab
# allocator's own checks off; they print figures, and fail only when a
# measurement could not be made.
#
# -k 6.12-debug boots instead a kernel built from Debian's linux-source-6.12
# with KASAN, kmemleak, lockdep, debug objects, UBSAN and fault injection
# (tests/vm/kernel/: debug.config, and build.sh, which keeps it in
# ~/.cache/pmtufix/kernel/; the first build takes about an hour), the
# module built against its object tree.  It is not part of `all'.
#
# A kernel passes only when the guest printed the success line, the console
# shows no WARNING/BUG/Oops/leak line and QEMU did not time out.
#
# Usage: tests/vm/run.sh [-m netns|systemd|bench] [-k 6.1|6.12|6.12-debug|all]
#                        [-t PATTERN] [-T SECONDS] [-s DIR] [-a KERNEL_ARGS]
#                        [-e NAME=VALUE]... [-v]
#   -m  netns: tests/netns/ with tests/vm/guest.sh as PID 1 (the default);
#       systemd: tests/system/ under systemd; bench: tests/bench/vm/
#   -k  kernels to boot, separated by spaces (default: all, the Debian
#       kernels 6.1 and 6.12)
#   -s  build the module from the sources in DIR (default: this checkout)
#   -t  run only the scenarios whose file name matches PATTERN (a glob)
#   -T  time limit of one boot, in seconds (default 2700; 6.12-debug: 7200)
#   -a  more kernel command line (e.g. possible_cpus=400)
#   -e  set NAME to VALUE in the scenarios' environment (e.g. a smaller
#       STRESS_TABLE_CHANGES); VALUE without spaces or commas
#   -v  show every command the scenarios run

set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
out=${PMTUFIX_BUILD:-$top/build}/vm
kernels=all
pattern='*'
limit=
srcdir=$top
verbose=0
kargs=
env=
mode=netns

usage() {
	sed -n 's/^# \{0,1\}//; /^Usage:/,/^$/p' "$0" >&2
	exit 2
}

while getopts m:k:t:T:s:a:e:vh opt; do
	case $opt in
	m) mode=$OPTARG ;;
	s) srcdir=$(cd "$OPTARG" && pwd) ;;
	k) kernels=$OPTARG ;;
	t) pattern=$OPTARG ;;
	T) limit=$OPTARG ;;
	a) kargs=$OPTARG ;;
	e)
		[[ $OPTARG =~ ^[A-Z][A-Z0-9_]*=[^\ ,]*$ ]] || usage
		env+="${env:+,}$OPTARG"
		;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
[ "$kernels" = all ] && kernels="6.1 6.12"
case $mode in
netns) suffix= ;;
systemd) suffix=-systemd ;;
bench) suffix=-bench ;;
*) usage ;;
esac

case $top in
*[[:space:]]*)
	echo "vm: the checkout path must not contain spaces: $top" >&2
	exit 1 ;;
esac

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo

log() { printf 'vm: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case " $kernels " in
*-debug\ *) [ "$mode" = netns ] || die "-m $mode boots the Debian kernels only" ;;
esac

# The image metapackage of a kernel line, e.g. linux-image-6.12-amd64.
meta_of() {
	case $1 in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	*) die "unknown kernel line '$1' (known: 6.1, 6.12)" ;;
	esac
}

# The ABI name the metapackage currently points to, e.g. 6.1.0-56-amd64.
resolve_abi() {
	local meta abi

	meta=$(meta_of "$1")
	abi=$(apt-cache depends "$meta" 2>/dev/null |
	      sed -n 's/^ *|\{0,1\}Depends: linux-image-\(.*-amd64\)$/\1/p' |
	      head -n 1)
	[ -n "$abi" ] || die "cannot resolve $meta: run apt-get update"
	echo "$abi"
}

# The kernel image package, unpacked under build/vm/<abi>/root, not installed.
fetch_kernel() {
	local abi=$1 dir=$out/$1 deb

	[ -f "$dir/root/.unpacked" ] && return 0
	mkdir -p "$out/cache"
	deb=$(ls "$out/cache/linux-image-${abi}_"*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		log "downloading linux-image-$abi"
		(cd "$out/cache" && apt-get download -q "linux-image-$abi" \
			>/dev/null 2>&1) || die "apt-get download linux-image-$abi failed"
		deb=$(ls "$out/cache/linux-image-${abi}_"*.deb | head -n 1)
	fi
	rm -rf "$dir/root" "$dir/root.tmp"
	mkdir -p "$dir/root.tmp"
	dpkg-deb -x "$deb" "$dir/root.tmp"
	touch "$dir/root.tmp/.unpacked"
	mv "$dir/root.tmp" "$dir/root"
}

ensure_headers() {
	local abi=$1

	[ -f "/usr/src/linux-headers-$abi/Makefile" ] && return 0
	log "installing linux-headers-$abi"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends "linux-headers-$abi" >/dev/null ||
		die "apt-get install linux-headers-$abi failed"
}

# debug_kernel LINE: the debug kernel of LINE (6.12), built or taken from
# the cache by tests/vm/kernel/build.sh, laid out as fetch_kernel does a
# Debian one (build/vm/<release>/root: the kernel and a copy of its
# modules directory, for xt_PMTUFIX and depmod to write into).  Prints
# its release; kbuild_<release> names the object tree to build against.
debug_kernel() {
	local kdir abi root

	[ "$1" = 6.12 ] || die "no debug kernel for '$1' (known: 6.12-debug)"
	kdir=$("$top/tests/vm/kernel/build.sh") || die "the debug kernel did not build"
	abi=$(cat "$kdir/release")
	root=$out/$abi/root
	rm -rf "$root"
	mkdir -p "$root/boot" "$root/lib/modules"
	cp "$kdir/bzImage" "$root/boot/vmlinuz-$abi"
	cp -a "$kdir/modules/lib/modules/$abi" "$root/lib/modules/"
	echo "$kdir/build" >"$out/$abi/kbuild"
	echo "$abi"
}

# kbuild_clean KBUILD DIR WHAT: the out-of-tree modules in DIR, with W=1
# and sparse (C=2); any compiler or sparse warning fails.
kbuild_clean() {
	if ! make -s -C "$1" M="$2" W=1 C=2 modules >"$2/build.log" 2>&1; then
		cat "$2/build.log" >&2
		die "the build of $3 failed"
	fi
	if grep -Eq 'warning:|error:' "$2/build.log"; then
		cat "$2/build.log" >&2
		die "the build of $3 has warnings"
	fi
}

# Out-of-tree builds for two kernels cannot share one object tree: build a
# copy of the sources per kernel.
build_module() {
	local abi=$1 src=$out/$1/src mods kbuild=/usr/src/linux-headers-$1

	[ -f "$out/$abi/kbuild" ] && kbuild=$(cat "$out/$abi/kbuild")
	rm -rf "$src"
	mkdir -p "$src"
	cp -a "$srcdir/Kbuild" "$srcdir/VERSION" "$srcdir/kmod" \
		"$srcdir/include" "$src/"
	log "building xt_PMTUFIX.ko for $abi"
	kbuild_clean "$kbuild" "$src" "xt_PMTUFIX.ko for $abi"

	mods=$out/$abi/root/lib/modules/$abi
	mkdir -p "$mods/updates"
	cp "$src/xt_PMTUFIX.ko" "$mods/updates/"
	rm -f "$mods/updates/pmtufix_bench.ko"
	if [ "$mode" = bench ]; then
		cp -a "$srcdir/tests/bench/kmod" "$src/bench"
		kbuild_clean "$kbuild" "$src/bench" "pmtufix_bench.ko for $abi"
		cp "$src/bench/pmtufix_bench.ko" "$mods/updates/"
	fi
	depmod -b "$out/$abi/root" "$abi"
}

# -m systemd: the packages of `make deb' in build/vm/debs, for the guest to
# install, and the source pmtufix-dkms installs, in build/vm/dkms/src.
build_debs() {
	local v

	log "building the packages"
	mkdir -p "$out"
	make -s -C "$srcdir" deb >"$out/deb.log" 2>&1 || {
		cat "$out/deb.log" >&2
		die "make deb failed"
	}
	v=$(cat "$srcdir/VERSION")
	rm -rf "$out/debs" "$out/dkms"
	mkdir -p "$out/debs" "$out/dkms/tree"
	cp "$srcdir/build/deb/pmtufix_${v}_amd64.deb" \
		"$srcdir/build/deb/pmtufix-dkms_${v}_all.deb" "$out/debs/"
	dpkg-deb -x "$out/debs/pmtufix-dkms_${v}_all.deb" "$out/dkms/root"
	dkms add -m pmtufix -v "$v" --dkmstree "$out/dkms/tree" \
		--sourcetree "$out/dkms/root/usr/src" >/dev/null ||
		die "dkms add failed"
}

# dkms_build ABI: xt_PMTUFIX built by DKMS from the package's source, in a
# DKMS tree of its own (build/vm/dkms/tree): under emulation a build in the
# guest would take minutes, so the guest's DKMS installs this one.
dkms_build() {
	local abi=$1 v

	v=$(cat "$srcdir/VERSION")
	log "building xt_PMTUFIX for $abi with DKMS"
	dkms build -m pmtufix -v "$v" -k "$abi" --dkmstree "$out/dkms/tree" \
		--sourcetree "$out/dkms/root/usr/src" >"$out/dkms/$abi.log" 2>&1 || {
		cat "$out/dkms/$abi.log" >&2
		die "dkms build for $abi failed"
	}
}

# busybox, the modules that mount the host's root, and tests/vm/init.  A
# kernel that has them built in (6.12-debug) gets none: modprobe shows
# them as "builtin".
build_initramfs() {
	local abi=$1 dir=$out/$1 stage=$out/$1/initramfs path name n=0

	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/modules"
	cp /bin/busybox "$stage/bin/"
	cp "$top/tests/vm/init" "$stage/init"
	chmod 0755 "$stage/init"
	modprobe -d "$dir/root" -S "$abi" -a --show-depends \
		virtio_pci 9pnet_virtio 9p overlay |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' |
	while read -r path; do
		n=$((n + 1))
		name=$(printf '%02d-%s' "$n" "$(basename "$path")")
		case $path in
		*.xz) xz -dc "$path" >"$stage/modules/${name%.xz}" ;;
		*.zst) zstd -qdc "$path" >"$stage/modules/${name%.zst}" ;;
		*) cp "$path" "$stage/modules/$name" ;;
		esac
	done
	(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) \
		>"$dir/initramfs.cpio.gz"
}

is_debug() {
	[ -f "$out/$1/kbuild" ]
}

boot() {
	local abi=$1 dir=$out/$1 rc cmdline mem=4096 machine=pc

	cmdline="console=ttyS0 loglevel=5 panic=-1 panic_on_warn=1 oops=panic"
	cmdline+=" mitigations=off"
	if is_debug "$abi"; then
		# KASAN checks every access to the slab (and its shadow takes
		# an eighth of the memory), kmemleak keeps a record per object.
		mem=6144
		# Its ACPI interpreter, slowed by lockdep, runs out of loop
		# iterations in the i440FX's PCI routing method, 30 s a
		# device.  The Q35's routing is a plain table.  (acpi=noirq
		# would leave a kernel without MPS support with one CPU.)
		machine=q35
	elif [ "$mode" = bench ]; then
		# A million prefixes in each of three forms, and the tools
		# that load them.
		mem=12288
	else
		# The slab allocator checks itself: red zones, poison,
		# consistency.
		cmdline+=" slub_debug=FZP"
	fi
	cmdline+=" pmtufix_vm.top=$top pmtufix_vm.abi=$abi"
	cmdline+=" pmtufix_vm.pattern=$pattern pmtufix_vm.verbose=$verbose"
	cmdline+="${env:+ pmtufix_vm.env=$env}"
	[ "$mode" = bench ] && cmdline+=" pmtufix_vm.mode=bench"
	if [ "$mode" = systemd ]; then
		cmdline+=" pmtufix_vm.mode=systemd pmtufix_vm.build=$out"
		cmdline+=" systemd.unit=pmtufix-vm.target systemd.show_status=0"
	fi
	cmdline+="${kargs:+ $kargs}"

	log "booting $abi ($mode)"
	set +e
	timeout --foreground "$(limit_of "$abi")" qemu-system-x86_64 \
		-machine "$machine" -nodefaults -no-user-config \
		-accel "${PMTUFIX_QEMU_ACCEL:-tcg}" \
		-cpu "${PMTUFIX_QEMU_CPU:-max}" -smp 2 -m "$mem" \
		-display none -serial stdio -no-reboot \
		-kernel "$dir/root/boot/vmlinuz-$abi" \
		-initrd "$dir/initramfs.cpio.gz" \
		-append "$cmdline" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$dir/root/lib/modules/$abi,mount_tag=kmods,security_model=none,readonly=on,multidevs=remap" \
		</dev/null 2>&1 | sed -u 's/\r$//' | tee "$dir/console$suffix.log"
	rc=${PIPESTATUS[0]}
	set -e
	return "$rc"
}

# limit_of ABI: the time limit of its boot: -T, or under the debug
# kernel's checks, where the scenarios take up to seven times as long,
# more.
limit_of() {
	if [ -n "$limit" ]; then
		echo "$limit"
	elif is_debug "$1"; then
		echo 7200
	else
		echo 2700
	fi
}

# What the kernel prints when something is wrong: WARN and BUG (which
# lockdep's, RCU's and the debug objects' reports start with as well),
# oopses, slab corruption, the sanitizers, kmemleak's report (printed by
# tests/vm/finish.sh).
BAD='WARNING:|BUG:|BUG [^ ]+ \((Not t|T)ainted|Oops|Kernel panic|Slab cache still has objects|general protection fault|UBSAN:|KASAN:|ODEBUG:'
BAD+='|possible circular locking dependency|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context'
BAD+='|unreferenced object 0x'

verdict() {
	local abi=$1 rc=$2 log=$out/$1/console$suffix.log bad

	if [ "$rc" = 124 ]; then
		log "$abi: FAIL: no verdict within $(limit_of "$abi")s (hang)"
		return 1
	fi
	bad=$(grep -E "$BAD" "$log" || true)
	if [ -n "$bad" ]; then
		log "$abi: FAIL: the kernel complained:"
		printf '%s\n' "$bad" >&2
		return 1
	fi
	if ! grep -q '^PMTUFIX-VM: success' "$log"; then
		log "$abi: FAIL: $(grep '^PMTUFIX-VM: failure' "$log" || echo 'the guest gave no verdict')"
		return 1
	fi
	log "$abi: PASS"
}

"$top/tests/deps.sh" test
make -s -C "$top/userspace" >/dev/null

# early_crash ABI: the kernel crashed before the initramfs ran, so before
# anything of ours: under TCG, rarely, a fault while it patches its own
# code at boot.
early_crash() {
	local log=$out/$1/console$suffix.log

	! grep -q '^PMTUFIX-VM: initramfs' "$log" &&
		grep -Eq 'Oops|Kernel panic|BUG:' "$log"
}

# boot_timed ABI: boots (again, once, after an early crash), and records
# the exit status and the seconds.
boot_timed() {
	local abi=$1 start rc=0

	start=$(date +%s)
	boot "$abi" || rc=$?
	if early_crash "$abi"; then
		cp "$out/$abi/console$suffix.log" "$out/$abi/early-crash$suffix.log"
		log "$abi: the kernel crashed before the initramfs ran (see early-crash$suffix.log); booting again"
		rc=0
		boot "$abi" || rc=$?
	fi
	echo "$rc $(($(date +%s) - start))" >"$out/$abi/boot$suffix.result"
}

abis=()
[ "$mode" = systemd ] && build_debs
for k in $kernels; do
	case $k in
	*-debug)
		abi=$(debug_kernel "${k%-debug}") ;;
	*)
		abi=$(resolve_abi "$k")
		rm -f "$out/$abi/kbuild"
		fetch_kernel "$abi"
		ensure_headers "$abi" ;;
	esac
	build_module "$abi"
	[ "$mode" = systemd ] && dkms_build "$abi"
	build_initramfs "$abi"
	abis+=("$abi")
done

# One after the other: under emulation the CPUs are the limit, and two
# guests side by side only make each twice as slow.
for abi in "${abis[@]}"; do
	boot_timed "$abi"
done

failed=0
summary=()
for abi in "${abis[@]}"; do
	read -r rc secs <"$out/$abi/boot$suffix.result"
	if verdict "$abi" "$rc"; then
		summary+=("PASS $abi (${secs}s)")
	else
		summary+=("FAIL $abi (${secs}s)")
		failed=1
	fi
done

printf 'vm: %s\n' "${summary[@]}" >&2
exit $failed
