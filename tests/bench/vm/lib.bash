# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the VM benchmarks: sourced after tests/lib/lib.sh.

BENCH_N4=${BENCH_N4:-1000000}
BENCH_N6=${BENCH_N6:-200000}
BENCH_DIR=$(dirname "${BASH_SOURCE[0]}")

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# prefixes FORMAT FAMILY COUNT FILE
prefixes() {
	python3 "$BENCH_DIR/prefixes.py" "$1" "$2" "$3" >"$4"
}

# The kernel's own memory, in KiB: unreclaimable slab, vmalloc and per-CPU
# areas.  Not pages it takes straight from the page allocator (kmalloc
# above 8 KiB), which the memory cgroup's charge does count.
kernel_kib() {
	awk '/^SUnreclaim:/ { s = $2 } /^VmallocUsed:/ { v = $2 }
	     /^Percpu:/ { p = $2 } END { print s + v + p }' /proc/meminfo
}

# memcg_run CGROUP CMD...: CMD in a memory cgroup of its own, created
# empty; afterwards memory.current is what CMD left charged.
memcg_run() {
	local cg=/sys/fs/cgroup/$1

	shift
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	rmdir "$cg" 2>/dev/null
	mkdir "$cg" || return 1
	(
		echo "$BASHPID" >"$cg/cgroup.procs"
		exec "$@"
	)
}

memcg_kib() {
	echo $(($(cat "/sys/fs/cgroup/$1/memory.current") / 1024))
}

# median FILE KEY: the median of KEY's values in FILE's "KEY VALUE" lines.
median() {
	awk -v k="$2" '$1 == k { print $2 }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ratio A B: A / B with two decimals.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
}

RUN=/sys/module/pmtufix_bench/parameters/run
RESULT=/sys/module/pmtufix_bench/parameters/result

bench_module() {
	modprobe pmtufix_bench && return 0
	echo "pmtufix_bench.ko is not there (tests/vm/run.sh -m bench)"
	return "$ksft_skip"
}

declare -A NS COUNT

# ruleset LABEL: a namespace for it, with the devices and routes a
# forwarded packet from 10.0.0.1 / 2001:db8:1::1 to 16.0.0.0/4 / 3000::/20
# would find.
ruleset() {
	local var=ns_${1//-/_}

	setup_ns "$var" || return 1
	NS[$1]=${!var}
	ip -n "${NS[$1]}" -batch - <<-EOF
	link add in0 type dummy
	link add out0 type dummy
	link set in0 up
	link set out0 up
	route add 10.0.0.0/8 dev in0
	route add 16.0.0.0/4 dev out0 mtu 1400
	route add 2001:db8:1::/64 dev in0
	route add 3000::/20 dev out0 mtu 1400
	EOF
}

# xt LABEL FAMILY RULE...: an iptables-legacy rule in LABEL's namespace.
xt() {
	local label=$1 cmd=iptables-legacy

	[ "$2" = 6 ] && cmd=ip6tables-legacy
	shift 2
	ip netns exec "${NS[$label]}" "$cmd" -t mangle "$@"
}
