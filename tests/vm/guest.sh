#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM, on the host's root shared read-only.  Runs the
# namespace suite, then checks that the module unloads and that the kernel
# logged nothing bad.  Prints "PMTUFIX-VM: success" only if all of that
# holds, then powers the VM off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1

arg() {
	sed -n "s/.*pmtufix_vm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline
}

top=$(arg top)
reasons=()
# shellcheck source=tests/vm/finish.sh
source "$top/tests/vm/finish.sh"

# PID 1 must not exit while the power-off completes, and must not start a
# program from the 9p root either, which may already be gone: wait with a
# builtin on the console.
poweroff_now() {
	sync
	echo o >/proc/sysrq-trigger
	while :; do
		read -r -t 60 _ </dev/console
	done
}
trap poweroff_now EXIT

mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /var/tmp 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname pmtufix-vm
ip link set lo up

xtlibdir=$(pkg-config --variable=xtlibdir xtables 2>/dev/null)
export XTABLES_LIBDIR=$top/userspace/libxt:${xtlibdir:-/usr/lib/x86_64-linux-gnu/xtables}
export PMTUFIX_TOP=$top
export PATH=$top/userspace/pmtufix:$PATH
[ "$(arg verbose)" = 1 ] && export PMTUFIX_VERBOSE=1
IFS=, read -r -a vars <<<"$(arg env)"
for v in "${vars[@]}"; do
	export "${v?}"
done

echo "# kernel $(uname -r), $(nproc) CPUs"

kmemleak_start
if modprobe xt_PMTUFIX; then
	# Under the debug kernel's checks a scenario takes up to seven
	# times as long as on Debian's: its time limit grows with it.
	case $(uname -r) in
	*-pmtufix-debug) export PMTUFIX_TEST_TIMEOUT=4200 ;;
	esac
	dir=$top/tests/netns
	if [ "$(arg mode)" = bench ]; then
		dir=$top/tests/bench/vm
		# A million prefixes loaded three ways, and changed one by
		# one: nft takes minutes for each.
		export PMTUFIX_TEST_TIMEOUT=3600
	fi
	"$top/tests/vm/suite.sh" -d "$dir" "$(arg pattern)" ||
		reasons+=("tests failed")
else
	reasons+=("modprobe xt_PMTUFIX failed")
fi

unload_module
kmemleak_check
scan_dmesg
verdict
