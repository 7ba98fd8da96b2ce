#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MSS clamping from the table, through a router, IPv4 and IPv6.
#
#   client ($c) ---------- router ($r) ---------- server ($s)
#   10.0.1.2  fd00:1::2    mangle FORWARD         10.0.2.2  fd00:2::2
#                          (or POSTROUTING)
#                          -p tcp -j PMTUFIX
#                          table "t": the server's (or client's) prefix
#                          and the layers toward it
#
# The client and server links have checksum offload off, so that the
# checksums seen at either end are complete and can be verified; the
# offload test turns it back on at the client.
#
# Expected values, base MTU 1500 (IPv4 MSS = inner - 40, IPv6 = inner - 60):
#   ipip / sit           20             inner 1480   MSS 1440 / 1420
#   gre key              20 + 4 + 4     inner 1472   MSS 1432 / 1412
#   vxlan (IPv4 under)   20 + 8 + 8 + 14 inner 1450  MSS 1410 / 1390
#   wireguard (IPv4)     20 + 8 + 32    inner 1440   MSS 1400 / 1380
#   pppoe                8              inner 1492   MSS 1452 / 1432
#   esp transport aes-gcm: header 8 + IV 8, ICV 16, block 4, net_adj 20/40
#     IPv4: ((1500 - 16 - 16 - 20) & ~3) + 20 - 2 = 1466   MSS 1426
#     IPv6: ((1500 - 16 - 16 - 40) & ~3) + 40 - 2 = 1466   MSS 1406
#   esp tunnel aes-cbc hmac-sha256 natt: header 8 + 16 + 20 + 8 = 52,
#     ICV 16, block 16: ((1500 - 52 - 16) & ~15) - 2 = 1422  MSS 1382 / 1362
#   pppoe, then that esp: ((1492 - 68) & ~15) - 2 = 1422 as well (adding
#     the constants would say 1414): MSS 1382 / 1362

source "$(dirname "$0")/../lib/lib.sh"

S4=10.0.2.2
S6=fd00:2::2
C4=10.0.1.2
C6=fd00:1::2

# setup [LOOKUP]: topology, offload off at the ends, the rules.
setup() {
	local lookup=${1:-both} ns

	topo_crs || return 1
	for ns in "$c" "$s"; do
		ip netns exec "$ns" ethtool -K veth0 tx off >/dev/null
	done
	ip netns exec "$r" pmtufix table create t || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name t --lookup "$lookup" || return 1
	ip netns exec "$r" ip6tables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name t --lookup "$lookup" || return 1
	probe_start "$c:veth0" "$s:veth0"
}

# handshake FAMILY: one connection from the client to the server; sets
# SYN_MSS (seen by the server), SYNACK_MSS (seen by the client) and CSUM
# (true when both checksums were right).
handshake() {
	local fam=$1 addr=$S4

	[ "$fam" = 6 ] && addr=$S6
	probe "$addr" 20000 || {
		err "IPv$fam connection failed"
		return 1
	}
	SYN_MSS=$PROBE_SYN
	SYNACK_MSS=$PROBE_SYNACK
	CSUM=$PROBE_CSUM
	info "IPv$fam: SYN at the server MSS $SYN_MSS, SYN-ACK at the client MSS $SYNACK_MSS, checksums ok: $CSUM"
}

# expect FAMILY SYN_MSS SYNACK_MSS WHAT
expect() {
	handshake "$1" || return 1
	check_eq "$2" "$SYN_MSS" "$4: IPv$1 SYN MSS" || return 1
	check_eq "$3" "$SYNACK_MSS" "$4: IPv$1 SYN-ACK MSS" || return 1
	check_eq true "$CSUM" "$4: IPv$1 checksums" || return 1
}

# layers_case WORDS MSS4 MSS6: the server's prefixes behind WORDS.
layers_case() {
	local v4words=$1 v6words=$2 mss4=$3 mss6=$4

	ip netns exec "$r" pmtufix table flush t
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 $v4words || return 1
	ip netns exec "$r" pmtufix table add t fd00:2::/64 $v6words || return 1
	expect 4 "$mss4" "$mss4" "$v4words" || return 1
	expect 6 "$mss6" "$mss6" "$v6words" || return 1
}

test_layers() {
	local esp_t="esp tunnel aes-cbc hmac-sha256 natt"

	setup || return 1
	# Nothing in the table: untouched.
	expect 4 1460 1460 "empty table" || return 1
	expect 6 1440 1440 "empty table" || return 1

	layers_case ipip sit 1440 1420 || return 1
	layers_case "gre key" "gre key" 1432 1412 || return 1
	layers_case vxlan vxlan 1410 1390 || return 1
	layers_case wireguard wireguard 1400 1380 || return 1
	layers_case pppoe pppoe 1452 1432 || return 1
	layers_case "esp transport aes-gcm" "esp transport aes-gcm" \
		1426 1406 || return 1
	layers_case "$esp_t" "$esp_t" 1382 1362 || return 1
	layers_case "pppoe $esp_t" "pppoe $esp_t" 1382 1362 || return 1

	# The counters saw all of it: 9 handshakes per family, the first
	# unmatched both ways, the 8 others clamped both ways.
	check_eq 4 "$(stat_of t no_match "$r")" "no_match" || return 1
	check_eq 32 "$(stat_of t clamped "$r")" "clamped" || return 1
	check_eq 18 "$(stat_of t syn "$r")" "syn" || return 1
	check_eq 18 "$(stat_of t synack "$r")" "synack" || return 1
}

# The client's prefix is behind the tunnel: --lookup says which packets
# find it.
test_lookup() {
	local mode syn synack

	for mode in src dst both; do
		probe_stop
		cleanup_ns
		setup "$mode" || return 1
		ip netns exec "$r" pmtufix table add t 10.0.1.0/24 ipip
		ip netns exec "$r" pmtufix table add t fd00:1::/64 sit
		case $mode in
		src)	syn=1440 synack=1460 ;;	# the SYN comes from the client
		dst)	syn=1460 synack=1440 ;;	# the SYN-ACK goes to it
		both)	syn=1440 synack=1440 ;;
		esac
		expect 4 "$syn" "$synack" "--lookup $mode" || return 1
		expect 6 $((syn - 20)) $((synack - 20)) "--lookup $mode" ||
			return 1
	done
}

test_nested() {
	setup || return 1
	# None of these covers the client's addresses.
	ip netns exec "$r" pmtufix table add t 10.0.2.0/23 mtu 1400
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 ipip
	ip netns exec "$r" pmtufix table add t 10.0.2.2/32 gre key
	ip netns exec "$r" pmtufix table add t 10.0.2.3/32 pppoe
	ip netns exec "$r" pmtufix table add t fd00:2::/48 mtu 1400
	ip netns exec "$r" pmtufix table add t fd00:2::/64 sit
	ip netns exec "$r" pmtufix table add t fd00:2::2/128 gre key
	# The /32 and /128 win over the /24, /64, /23 and /48.
	expect 4 1432 1432 "nested prefixes" || return 1
	expect 6 1412 1412 "nested prefixes" || return 1
	ip netns exec "$r" pmtufix table del t 10.0.2.2/32 fd00:2::2/128
	expect 4 1440 1440 "after deleting the /32" || return 1
	expect 6 1420 1420 "after deleting the /128" || return 1
	ip netns exec "$r" pmtufix table del t 10.0.2.0/24 fd00:2::/64
	expect 4 1360 1360 "the /23" || return 1
	expect 6 1340 1340 "the /48" || return 1
}

test_never_increase() {
	setup || return 1
	# The client's link is 1400: it advertises 1360 / 1340 itself.
	ip -n "$c" link set veth0 mtu 1400
	ip -n "$r" link set veth0 mtu 1400
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 ipip
	ip netns exec "$r" pmtufix table add t fd00:2::/64 sit
	# The SYN keeps 1360; the server's SYN-ACK is clamped to the table
	# (1440), and by the route back to the client (1400 - 40).
	expect 4 1360 1360 "small MSS kept" || return 1
	expect 6 1340 1340 "small MSS kept" || return 1
	check_eq 2 "$(stat_of t unchanged "$r")" "unchanged" || return 1
}

test_floor() {
	setup || return 1
	# raw 1000: inner 500, MSS 460 / 440, below the floors.
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 raw 1000
	ip netns exec "$r" pmtufix table add t fd00:2::/64 raw 1000
	expect 4 536 536 "default floor" || return 1
	expect 6 1220 1220 "default floor" || return 1
	ip netns exec "$r" pmtufix table set t floor4 1000 floor6 1300
	expect 4 1000 1000 "floor4 1000" || return 1
	expect 6 1300 1300 "floor6 1300" || return 1
	ip netns exec "$r" pmtufix table set t floor4 0 floor6 0
	expect 4 460 460 "no floor" || return 1
	expect 6 440 440 "no floor" || return 1
}

test_offload() {
	setup || return 1
	# The client leaves checksums to offload (CHECKSUM_PARTIAL reaches
	# the router); the router's egress completes them in software.
	ip netns exec "$c" ethtool -K veth0 tx on >/dev/null
	ip netns exec "$r" ethtool -K veth1 tx off >/dev/null
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 gre key
	ip netns exec "$r" pmtufix table add t fd00:2::/64 gre key
	# The SYN-ACK (from the server, offload off) is complete anyway.
	expect 4 1432 1432 "offloaded IPv4 SYN" || return 1
	expect 6 1412 1412 "offloaded IPv6 SYN" || return 1
}

# The rule in mangle POSTROUTING with --lookup dst: the SYN going to the
# server's entry is clamped there, the SYN-ACK going to the client is not.
test_postrouting() {
	local ipt

	setup dst || return 1
	for ipt in iptables ip6tables; do
		ip netns exec "$r" $ipt -t mangle -F FORWARD &&
		ip netns exec "$r" $ipt -t mangle -A POSTROUTING -p tcp \
			-j PMTUFIX --table-name t --lookup dst || return 1
	done
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 ipip
	ip netns exec "$r" pmtufix table add t fd00:2::/64 sit
	expect 4 1440 1460 "POSTROUTING --lookup dst" || return 1
	expect 6 1420 1440 "POSTROUTING --lookup dst" || return 1
	check_eq 2 "$(stat_of t clamped "$r")" "clamped" || return 1
	check_eq 2 "$(stat_of t no_match "$r")" "no_match"
}

run_test "each layer type gives its exact MSS, IPv4 and IPv6" test_layers
run_test "--lookup src, dst and both" test_lookup
run_test "the longest prefix wins, deletes fall back" test_nested
run_test "an MSS is never increased" test_never_increase
run_test "the floor is honoured, and settable" test_floor
run_test "checksums stay right with offload" test_offload
run_test "a rule in POSTROUTING clamps toward the entry only" test_postrouting
exit_status
