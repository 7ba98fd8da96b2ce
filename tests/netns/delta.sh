#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tables changed entry by entry: a change of a few entries makes a small
# delta over the table's large base instead of a new table, and what
# packets, lookups and dumps see must be the same as if it had.
#
#   client ($c) ---------- router ($r) ---------- server ($s)
#   SYNs to random         table t, rule:          captures the
#   addresses (raw)        FORWARD --lookup dst    SYNs' MSS
#
# tests/lib/nettest/delta.py loads 2,000 nested prefixes, then changes
# them for DELTA_ROUNDS rounds (adds, deletions, replacements, prefixes
# added again; now and then new settings, an addition past the delta's
# bound and a whole load, which build a new base) and checks each SYN's
# MSS and every entry and its hits against its own model.

source "$(dirname "$0")/../lib/lib.sh"

ROUNDS=${DELTA_ROUNDS:-9}

test_delta_against_model() {
	local out kinds mac ipt

	topo_crs || return 1
	ip -n "$r" route add 172.16.0.0/12 via 10.0.2.2 || return 1
	ip -n "$r" route add 198.18.0.0/16 via 10.0.2.2 || return 1
	ip -n "$r" -6 route add fd10::/16 via fd00:2::2 || return 1
	ip -n "$r" -6 route add fd20::/16 via fd00:2::2 || return 1
	# The server's address known at once: no SYN waits for resolution.
	mac=$(ip -n "$s" -j link show veth0 | jq -r '.[0].address')
	ip -n "$r" neigh replace 10.0.2.2 lladdr "$mac" dev veth1 || return 1
	ip -n "$r" neigh replace fd00:2::2 lladdr "$mac" dev veth1 || return 1
	ip netns exec "$r" pmtufix table create t || return 1
	for ipt in iptables ip6tables; do
		ip netns exec "$r" "$ipt" -t mangle -A FORWARD -p tcp --syn \
			-j PMTUFIX --table-name t --lookup dst || return 1
	done

	out=$(pytool delta run "$c" "$r" "$s" t 7 "$ROUNDS")
	local rc=$?
	grep mismatch <<<"$out" | head -n 20 >&2
	jq -c 'select(.round != null)' <<<"$out" | while read -r l; do
		info "$l"
	done
	check_eq 0 "$rc" "the delta tool's status" || return 1
	check_eq "$ROUNDS" "$(jq -s '[.[] | select(.round != null)] | length' \
		<<<"$out")" "rounds checked" || return 1
	# Every kind of change happened, and no SYN went unchecked.
	kinds=$(jq -s -c '[.[] | select(.round != null)] |
		{add: (map(.add) | add), readd: (map(.readd) | add),
		 delete: (map(.delete) | add), replace: (map(.replace) | add),
		 set: (map(.set) | add), big_add: (map(.big_add) | add),
		 load: (map(.load) | add)} | [.[] | select(. == 0)] | length' \
		<<<"$out")
	check_eq 0 "$kinds" "kinds of change that never happened" || return 1
}

# A table holds at most 65,536 distinct paths (base MTU and layers).  A
# delta with paths of its own could pass that bound unseen, and a table
# past it could never build a new base again: every later change that
# needed one would fail.  A change whose paths might pass the bound must
# be counted exactly instead, and refused only if they do.
test_delta_path_bound() {
	local out rc

	setup_ns a || return 1
	# 64,256 MTUs without layers and 1,280 behind IPIP: 65,536 paths.
	awk 'BEGIN {
		for (i = 0; i < 65536; i++) {
			a = sprintf("10.%d.%d.0/24", int(i / 256), i % 256)
			if (i < 64256)
				print a, "mtu", 1280 + i
			else
				print a, "mtu", 1280 + i - 64256, "ipip"
		}
	}' >"$TMP/paths"
	ip netns exec "$a" pmtufix table load t "$TMP/paths" || return 1
	out=$(ip netns exec "$a" pmtufix table add t 192.0.2.0/24 mtu 1400 gre 2>&1)
	rc=$?
	check_refused "a 65,537th path" "distinct paths" "$rc" "$out" ||
		return 1
	ip netns exec "$a" pmtufix table add t 192.0.2.0/24 mtu 1400 ||
		return 1
	ip netns exec "$a" pmtufix table del t 10.0.0.0/24 || return 1
	# The path of 10.0.0.0/24 (MTU 1280 alone) is gone: room for one.
	ip netns exec "$a" pmtufix table add t 192.0.3.0/24 mtu 1400 gre ||
		return 1
	check_eq 1336 "$(ip netns exec "$a" pmtufix lookup t 192.0.3.1 -j |
		jq .entry.mss)" "the new path's MSS" || return 1
	check_eq 65537 "$(ip netns exec "$a" pmtufix table list -j |
		jq '.[0].entries4')" "entries" || return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "a table changed entry by entry answers like its model" \
	test_delta_against_model
run_test "paths of a delta count against the table's bound" \
	test_delta_path_bound
exit_status
