#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Atomic replacement: a table replaced over and over while connections
# keep opening through the router.
#
#   client ($c) ---- router ($r) ---- server ($s)
#   churn: one short    table t, replaced  churn serve
#   connection after    REPLACES times,
#   another             alternating A and B
#
#   A: 10.0.1.0/24 mtu 1400, 10.0.2.0/24 mtu 1300
#   B: 10.0.1.0/24 mtu 1300, 10.0.2.0/24 mtu 1400
#
# With --lookup both, a SYN and its SYN-ACK look up the client's and the
# server's prefix and take the smaller: 1300 - 40 = 1260 under A and under
# B alike.  An empty table would let 1460 through, and half of the mixed
# tables (the client's entry from A, the server's from B) give 1360.  Every
# SYN must arrive once: a lost one would be retransmitted and show twice.

source "$(dirname "$0")/../lib/lib.sh"

REPLACES=${PMTUFIX_REPLACES:-1000}

test_replace_under_load() {
	local i n bad conns failed syns

	topo_crs || return 1
	for ns in "$c" "$s"; do
		ip netns exec "$ns" ethtool -K veth0 tx off >/dev/null
	done
	printf '10.0.1.0/24 mtu 1400\n10.0.2.0/24 mtu 1300\n' >"$TMP/A"
	printf '10.0.1.0/24 mtu 1300\n10.0.2.0/24 mtu 1400\n' >"$TMP/B"
	ip netns exec "$r" pmtufix table create t || return 1
	ip netns exec "$r" pmtufix table load t "$TMP/A" || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name t || return 1

	pytool -n "$s" churn serve 8000 &
	busywait 5000 listening "$s" 8000 || return 1
	capture_start "$s" veth0 "$TMP/cap_s" "tcp[tcpflags] & tcp-syn != 0" ||
		return 1
	capture_start "$c" veth0 "$TMP/cap_c" "tcp[tcpflags] & tcp-syn != 0" ||
		return 1
	pytool -n "$c" churn connect 10.0.2.2 8000 "$TMP/stop" >"$TMP/churn" &
	local churn=$!

	for i in $(seq "$REPLACES"); do
		if [ $((i % 2)) = 1 ]; then
			ip netns exec "$r" pmtufix table load t "$TMP/B"
		else
			ip netns exec "$r" pmtufix table load t "$TMP/A"
		fi || {
			err "replacement $i failed"
			touch "$TMP/stop"
			return 1
		}
	done
	touch "$TMP/stop"
	wait $churn
	capture_stop "$TMP/cap_s" || return 1
	capture_stop "$TMP/cap_c" || return 1
	capture_list "$TMP/cap_s" >"$TMP/syn.json" || return 1
	capture_list "$TMP/cap_c" >"$TMP/synack.json" || return 1

	read -r conns failed <"$TMP/churn"
	syns=$(jq -s '[.[] | select(.flags == "S")] | length' "$TMP/syn.json")
	info "$REPLACES replacements, $conns connections ($failed failed), $syns SYNs at the server"
	[ "$conns" -gt 0 ] || {
		err "no connection was made"
		return 1
	}
	check_eq 0 "$failed" "failed connections" || return 1
	check_eq "$conns" "$syns" "SYNs at the server (one per connection)" ||
		return 1
	bad=$(jq -s -c '[.[] | select(.mss != [1260])] | group_by(.mss) |
		map({mss: .[0].mss, n: length})' "$TMP/syn.json" "$TMP/synack.json")
	check_eq "[]" "$bad" "SYN and SYN-ACK with another MSS than 1260" ||
		return 1
	n=$(ip netns exec "$r" pmtufix table show t -j | jq '.entries | length')
	check_eq 2 "$n" "entries at the end" || return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "a table replaced $REPLACES times under load: no loss, no mix" \
	test_replace_under_load
exit_status
