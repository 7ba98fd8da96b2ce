#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The same prefixes loaded three ways, in one boot: as a pmtufix table, as
# routes (`ip -batch') and as an nftables interval map (`nft -f'): load
# time, kernel memory, and one prefix added and deleted on the full table.
# And a fourth: the script `pmtufix nft' makes of the table, for hosts
# without the module, its making and its load with nft -f.
# BENCH_N4 IPv4 (default 1,000,000) and BENCH_N6 IPv6 (200,000) prefixes.
#
#   namespaces $p (pmtufix), $f (routes), $n (nftables): a dummy device
#   each, no traffic; $q4 and $q6: the scripts of `pmtufix nft'

source "$(dirname "$0")/../../lib/lib.sh"
source "$(dirname "$0")/lib.bash"

# One way of holding the prefixes: LABEL NS CGROUP LOAD... ; prints
# "LABEL ms KiB(meminfo) KiB(memcg)" to $TMP/rows.
measure_load() {
	local label=$1 ns=$2 cg=$3 before after t0 t1

	shift 3
	before=$(kernel_kib)
	t0=$(ms)
	memcg_run "$cg" ip netns exec "$ns" "$@" || {
		err "$label: the load failed"
		return 1
	}
	t1=$(ms)
	after=$(kernel_kib)
	echo "$label $((t1 - t0)) $((after - before)) $(memcg_kib "$cg")" >>"$TMP/rows"
	info "$label: $((t1 - t0)) ms, $((after - before)) KiB slab+vmalloc+percpu, $(memcg_kib "$cg") KiB charged"
}

# timed LABEL CMD...: the wall time of one command, in ms, to $TMP/ops.
timed() {
	local label=$1 t0 t1

	shift
	t0=$(ms)
	"$@" >/dev/null || {
		err "$label failed: $*"
		return 1
	}
	t1=$(ms)
	echo "$label $((t1 - t0))" >>"$TMP/ops"
}

load_family() {
	local fam=$1 count=$2 v=$3 probe=$4 mss=$5

	prefixes pmtufix "$fam" "$count" "$TMP/p$fam"
	prefixes ip "$fam" "$count" "$TMP/f$fam"
	prefixes nft "$fam" "$count" "$TMP/n$fam"
	measure_load "pmtufix-v$fam" "$p" "bench-p$fam" \
		pmtufix table load "big$fam" "$TMP/p$fam" || return 1
	# iproute2's batch mode keeps kilobytes a line until it exits:
	# 100,000 lines at a time.
	split -l 100000 "$TMP/f$fam" "$TMP/f$fam."
	measure_load "fib-v$fam" "$f" "bench-f$fam" sh -c \
		"for b in $TMP/f$fam.*; do ip -$fam -batch \$b || exit 1; done" ||
		return 1
	measure_load "nft-v$fam" "$n" "bench-n$fam" \
		nft -f "$TMP/n$fam" || return 1
	# The same table as `pmtufix nft' writes it for hosts without the
	# module (its intervals and MSS are the module's lookup's), made, then
	# loaded beside the map above.
	timed "pmtufix-nft-v$fam-make" sh -c \
		"pmtufix nft --table pmtufix$fam '$TMP/p$fam' >'$TMP/s$fam'" ||
		return 1
	info "pmtufix nft, IPv$fam: $(tail -n 1 "$TMP/s$fam"), $(($(stat -c %s "$TMP/s$fam") / 1024)) KiB of script"
	# A namespace of its own, one a family: nft -f first reads every
	# table there is, which takes minutes once one holds a million.
	local q=$q4
	[ "$fam" = 6 ] && q=$q6
	measure_load "pmtufix-nft-v$fam" "$q" "bench-s$fam" \
		nft -f "$TMP/s$fam" || return 1

	# One prefix outside the table, added and deleted again: five times,
	# but once for nft, whose commands read the whole map each time.
	local k
	for k in 1 2 3 4 5; do
		# shellcheck disable=SC2086 # the layer's words
		timed "pmtufix-v$fam-add" ip netns exec "$p" \
			pmtufix table add "big$fam" "$probe" mtu 1400 $v ||
			return 1
		timed "pmtufix-v$fam-del" ip netns exec "$p" \
			pmtufix table del "big$fam" "$probe" || return 1
		timed "fib-v$fam-add" ip -n "$f" "-$fam" route add "$probe" \
			dev bench0 mtu 1400 || return 1
		timed "fib-v$fam-del" ip -n "$f" "-$fam" route del "$probe" ||
			return 1
	done
	# The same requests alone, from one process: what the kernel takes.
	pytool delta time "$p" "big$fam" "$probe" 1400 5 >"$TMP/req" || {
		err "pmtufix-v$fam: timed requests failed"
		return 1
	}
	jq -r --arg f "$fam" '(.add_ms[] | "pmtufix-v\($f)-add-request \(.)"),
		(.del_ms[] | "pmtufix-v\($f)-del-request \(.)")' "$TMP/req" \
		>>"$TMP/ops"
	timed "nft-v$fam-add" ip netns exec "$n" nft add element \
		"$([ "$fam" = 4 ] && echo ip || echo ip6)" bench mss \
		"{ $probe : $mss }" || return 1
	timed "nft-v$fam-del" ip netns exec "$n" nft delete element \
		"$([ "$fam" = 4 ] && echo ip || echo ip6)" bench mss \
		"{ $probe }" || return 1
}

# vs FAMILY COLUMN: pmtufix's figure over the routes' and over nft's.
vs() {
	local p f n

	p=$(awk -v l="pmtufix-v$1" -v c="$2" '$1 == l { print $c }' "$TMP/rows")
	f=$(awk -v l="fib-v$1" -v c="$2" '$1 == l { print $c }' "$TMP/rows")
	n=$(awk -v l="nft-v$1" -v c="$2" '$1 == l { print $c }' "$TMP/rows")
	echo "pmtufix/fib $(ratio "$p" "$f"), pmtufix/nft $(ratio "$p" "$n")"
}

# row_ratio A B COLUMN: row A's figure over row B's.
row_ratio() {
	ratio "$(awk -v l="$1" -v c="$3" '$1 == l { print $c }' "$TMP/rows")" \
		"$(awk -v l="$2" -v c="$3" '$1 == l { print $c }' "$TMP/rows")"
}

test_tables() {
	local ns fam k

	[ -f /sys/fs/cgroup/cgroup.controllers ] &&
		grep -qw memory /sys/fs/cgroup/cgroup.controllers || {
		echo "no cgroup2 memory controller"
		return $ksft_skip
	}
	setup_ns p f n q4 q6 || return 1
	for ns in "$p" "$f" "$n"; do
		ip -n "$ns" link add bench0 type dummy || return 1
		ip -n "$ns" link set bench0 up || return 1
	done
	for fam in 4 6; do
		# One table a family: a load replaces a whole table.
		ip netns exec "$p" pmtufix table create "big$fam" || return 1
	done
	: >"$TMP/rows"
	: >"$TMP/ops"
	load_family 4 "$BENCH_N4" ipip 192.0.2.0/24 1340 || return 1
	load_family 6 "$BENCH_N6" "ip6ip6 noencaplimit" 2001:db8::/48 1300 ||
		return 1
	# What starting each command costs, for the single changes.
	for k in 1 2 3 4 5; do
		timed pmtufix-start ip netns exec "$p" pmtufix table list --names
		timed fib-start ip -n "$f" link show dev lo
	done
	timed nft-start ip netns exec "$n" nft list tables

	info ""
	info "$(printf '%-18s %10s %12s %14s %14s' load ms 'KiB kernel' 'B/prefix' 'B/prefix memcg')"
	while read -r label t kib cg; do
		local count=$BENCH_N4
		[[ $label == *v6 ]] && count=$BENCH_N6
		info "$(printf '%-18s %10d %12d %14d %14d' "$label" "$t" "$kib" \
			$((kib * 1024 / count)) $((cg * 1024 / count)))"
	done <"$TMP/rows"
	for fam in 4 6; do
		info "IPv$fam load time: $(vs "$fam" 2), memory charged: $(vs "$fam" 4), slab+vmalloc+percpu: $(vs "$fam" 3)"
		info "IPv$fam pmtufix nft's script over the module's table: load time $(row_ratio "pmtufix-nft-v$fam" "pmtufix-v$fam" 2), memory charged $(row_ratio "pmtufix-nft-v$fam" "pmtufix-v$fam" 4)"
	done
	info ""
	info "one prefix on the full table, ms, median of 5 (nft: 1), command start included:"
	info "$(for l in $(awk '{ print $1 }' "$TMP/ops" | awk '!seen[$0]++'); do
		printf '%s %s  ' "$l" "$(median "$TMP/ops" "$l")"
	done)"
	for ns in "$p" "$f" "$n" "$q4" "$q6"; do
		ip netns del "$ns"
	done
	NS_LIST=()
	rmdir /sys/fs/cgroup/bench-* 2>/dev/null
	return 0
}

run_test "load time and memory: pmtufix, routes, nftables map" test_tables
exit_status
