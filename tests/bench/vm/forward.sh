#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packets per second a router namespace forwards, end to end: two raw
# socket senders in the client, one bound to each vCPU, the router's rules
# in FORWARD, the server dropping all in raw PREROUTING.  What the rules
# add shows diluted in the rest of the path (the senders' system calls,
# routing, two veth crossings), as it would on a host.
#
#   client ($c) veth0 ---- veth0 router ($r) veth1 ---- veth0 server ($s)
#                          16.0.0.0/4 via the server, MTU 1400
#
# Rulesets, swapped in the one router between runs: none, TCPMSS
# --set-mss 1340, PMTUFIX --lookup dst with 1 and BENCH_N4 prefixes, each
# also with --send-too-big, and an nft interval map of the same prefixes.  Packets: SYNs and 1380-byte DF data segments to random hosts
# of the ruleset's prefixes; BENCH_PACKETS from each sender a run.

source "$(dirname "$0")/../../lib/lib.sh"
source "$(dirname "$0")/lib.bash"

PACKETS=${BENCH_PACKETS:-100000}
ROUNDS=${BENCH_ROUNDS:-3}
RULESETS="none tcpmss-set pmtufix-1 pmtufix-1-stb pmtufix-big pmtufix-big-stb
	  nft-map"

# use RULESET: the router's FORWARD rules become RULESET's.
use() {
	local xt=(ip netns exec "$r" iptables-legacy -t mangle)

	"${xt[@]}" -F FORWARD || return 1
	ip netns exec "$r" nft delete chain ip bench f 2>/dev/null
	case $1 in
	none) ;;
	tcpmss-set) "${xt[@]}" -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --set-mss 1340 ;;
	pmtufix-1) "${xt[@]}" -A FORWARD -j PMTUFIX --table-name one \
			--lookup dst ;;
	pmtufix-1-stb) "${xt[@]}" -A FORWARD -j PMTUFIX --table-name one \
			--lookup dst --send-too-big ;;
	pmtufix-big) "${xt[@]}" -A FORWARD -j PMTUFIX --table-name big \
			--lookup dst ;;
	pmtufix-big-stb) "${xt[@]}" -A FORWARD -j PMTUFIX --table-name big \
			--lookup dst --send-too-big ;;
	nft-map) ip netns exec "$r" nft -f - <<-EOF ;;
		table ip bench {
			chain f {
				type filter hook forward priority mangle;
				tcp flags & (syn | rst) == syn tcp option maxseg size set ip daddr map @mss
			}
		}
		EOF
	esac
}

delivered() {
	ip netns exec "$s" iptables-legacy -t raw -nvxL PREROUTING |
		awk 'NR == 3 { print $1 }'
}

# run RULESET KIND: packets per second through the router, the sum of
# each sender's rate (so that one starting later does not count), checking
# that every packet sent arrived.
run() {
	local count=$BENCH_N4 syns=$PACKETS data=0 before got cpu

	[[ $1 == pmtufix-1* ]] && count=1
	[ "$2" = data ] && syns=0 data=$PACKETS
	use "$1" || return 1
	before=$(delivered)
	for cpu in 0 1; do
		ip netns exec "$c" taskset -c "$cpu" "$TMP/synflood" 10.0.1.2 \
			16.0.0.0 "$syns" "$data" "$count" "$STRIDE" 1380 \
			>"$TMP/send$cpu" &
	done
	wait -n && wait -n || {
		err "$1 $2: a sender failed"
		return 1
	}
	got=$(($(delivered) - before))
	check_eq "$((2 * PACKETS))" "$got" "$1 $2: packets at the server" ||
		return 1
	jq -s 'map(.syn + .data) as $n | map(.seconds) as $s |
		[range(2)] | map($n[.] / $s[.]) | add | round' \
		"$TMP/send0" "$TMP/send1"
}

# pps RULESET KIND: the median of the rounds.
pps() {
	median "$TMP/pps" "$1/$2"
}

test_forward() {
	local rs kind round res

	require_cmd cc jq taskset || return $?
	build synflood || return 1
	topo_crs || return 1
	STRIDE=$(python3 "$BENCH_DIR/prefixes.py" stride 4 "$BENCH_N4")
	ip -n "$r" route add 16.0.0.0/4 via 10.0.2.2 mtu 1400 &&
		ip netns exec "$s" iptables-legacy -t raw -A PREROUTING -j DROP ||
		return 1
	ip netns exec "$c" "$TMP/synflood" 10.0.1.2 16.0.0.1 1 0 >/dev/null &&
		busywait 5000 neigh_known "$r" 10.0.2.2 || return 1

	prefixes pmtufix 4 1 "$TMP/one"
	prefixes pmtufix 4 "$BENCH_N4" "$TMP/big"
	prefixes nft 4 "$BENCH_N4" "$TMP/map"
	ip netns exec "$r" pmtufix table load one "$TMP/one" &&
		ip netns exec "$r" pmtufix table load big "$TMP/big" &&
		ip netns exec "$r" nft -f "$TMP/map" || return 1

	: >"$TMP/pps"
	for ((round = 0; round < ROUNDS; round++)); do
		for kind in syn data; do
			for rs in $RULESETS; do
				res=$(run "$rs" "$kind") || return 1
				echo "$rs/$kind $res" >>"$TMP/pps"
			done
		done
	done
	use none || return 1
	# Every SYN through a table was clamped there.
	for rs in one big; do
		check_eq true "$(ip netns exec "$r" pmtufix stats "$rs" -j |
				 jq '.syn > 0 and .syn == .clamped')" \
			"$rs: every SYN clamped" || return 1
	done

	info "packets per second forwarded, 2 senders x $PACKETS, median of $ROUNDS rounds:"
	info "$(printf '%-18s %9s %7s %9s %7s' ruleset SYN 'x none' '1380 DF' 'x none')"
	for rs in $RULESETS; do
		info "$(printf '%-18s %9s %7s %9s %7s' "$rs" \
			"$(pps "$rs" syn)" "$(ratio "$(pps "$rs" syn)" "$(pps none syn)")" \
			"$(pps "$rs" data)" "$(ratio "$(pps "$rs" data)" "$(pps none data)")")"
	done
}

run_test "packets per second through a router, by ruleset" test_forward
exit_status
