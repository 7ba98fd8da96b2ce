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

run_test "a table changed entry by entry answers like its model" \
	test_delta_against_model
exit_status
