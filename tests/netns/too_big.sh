#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PMTU repair: --send-too-big answers packets too big for the tunnel ahead
# with the ICMP a black-holing path never delivers, and --repair-icmp
# lowers the MTU of too-big messages that promise more than the tunnel
# carries.  IPv4 and IPv6 in every test.
#
# - udp_tunnel: a tunnel router whose own too-big messages are filtered
#   (as on a path that eats ICMP) swallows DF datagrams of the full 1500
#   bytes; the router in front of it, with --send-too-big and the tunnel in
#   its table, answers them, the sender learns the tunnel's MTU and what it
#   sends then arrives.  IPv4 datagrams without DF are let through (the
#   tunnel router fragments them).
#
#   client ($c)     router ($r)         tunnel router ($tr)      server ($s)
#   veth0 -------- veth0   veth1 ----- veth0   veth1 ------------ veth0
#   10.0.1.2  10.0.1.1     10.0.2.1  10.0.2.2  10.0.3.1         10.0.3.2
#   fd00:1::2 fd00:1::1    fd00:2::1 fd00:2::2 fd00:3::1        fd00:3::2
#                                              tun4 === ipip === tun4
#                                              tun6 == ip6ip6 == tun6
#                                                  10.9.0.1/24, fd00:9::1/64
#                                    OUTPUT: too-big messages dropped
#   router: mangle FORWARD -j PMTUFIX --send-too-big, table "tunnel":
#     10.9.0.0/24 ipip     inner MTU 1480
#     fd00:9::/64 ip6ip6   inner MTU 1452 (40 + 8 for the encapsulation
#                          limit option, as the ip6tnl device has it)
#
# - repair: too-big messages sent from the far side to the client, quoting
#   the client's flows, cross the router's --repair-icmp rule: an MTU of
#   1500 or 0 toward a destination whose entry says 1446 reaches the
#   client as 1446 with right checksums; 1400 (smaller already), and 1450
#   toward a destination the table lacks, pass unchanged.  The client's
#   own rule in mangle INPUT repairs those about 10.6.0.0/24 and
#   fd00:6::/64 as they arrive.
#
#   client ($c) --------- router ($r) ------------- far side ($s)
#   10.0.1.2  fd00:1::2   mangle FORWARD            10.0.2.2  fd00:2::2
#   capture on veth0      -j PMTUFIX --repair-icmp  raw ICMP sockets
#   mangle INPUT          table "repair":
#   -j PMTUFIX              10.8.0.0/24 mtu 1446, fd00:8::/64 mtu 1446
#     --repair-icmp       routed to $s, not in the table:
#   table "local":          10.7.0.0/24, fd00:7::/64,
#     10.6.0.0/24 mtu 1446  10.6.0.0/24, fd00:6::/64
#     fd00:6::/64 mtu 1446
#
# - exempt: packets crafted at the client cross the router's
#   --send-too-big rule: ICMP errors, fragments, IPv4 without DF and
#   packets within the floor (576, 1280) toward an entry whose MTU they
#   exceed are forwarded; an echo request is refused like UDP.  A packet
#   over the floor toward an entry below it is refused with the floor.
#   Same topology and addresses as the flood below; table "exempt":
#   10.0.2.0/24 and fd00:2::/64 mtu 1400, 10.0.4.0/24 and fd00:4::/64 raw
#   1000 (routed to $s).
#
# - flood: 100000 oversize DF datagrams in a burst, table too-big-rate 100
#   too-big-burst 20: the too-big messages the client gets stay within
#   burst + rate x seconds (and reach 90% of the rate), the counters add up
#   to what the router saw, no oversize datagram gets through, and the
#   router keeps forwarding (small datagrams among the flood, TCP after it)
#   and answering (ping).
#
#   client ($c) ----------- router ($r) ----------- server ($s)
#   10.0.1.2  fd00:1::2     mangle FORWARD          10.0.2.2  fd00:2::2
#   AF_PACKET sender        -j PMTUFIX --send-too-big
#                           10.0.2.0/24 mtu 1400 (table flood4)
#                           fd00:2::/64 mtu 1400 (table flood6)
#
# In the router the kernel's own ICMP rate limits are off
# (net.ipv4.icmp_ratelimit=0, net.ipv4.icmp_ratemask=0; packet-too-big is
# never limited by IPv6), so that only the table's limiter counts.

source "$(dirname "$0")/../lib/lib.sh"

FLOOD=100000
RATE=100
BURST=20

# topo_chain [tunnel] [SPEC]: client, router and far side as in topo_crs,
# the kernel's ICMP rate limits off in the router, and SPEC (see topo).
# With "tunnel", the far side is the tunnel router $tr, with the server $s
# behind it.
topo_chain() {
	local tunnel=

	if [ "${1:-}" = tunnel ]; then
		shift
		read -r -d '' tunnel <<-EOF
		route	r 10.9.0.0/24	10.0.2.2
		route	r fd00:9::/64	fd00:2::2
		ns	s
		veth	tr veth1	s veth0
		addr	tr veth1	10.0.3.1/24 fd00:3::1/64
		ip	tr link add tun4 type ipip local 10.0.3.1 remote 10.0.3.2 dev veth1
		ip	tr link add tun6 type ip6tnl mode ip6ip6 local fd00:3::1 remote fd00:3::2 dev veth1
		ip	tr link set tun4 up
		ip	tr link set tun6 up
		ip	tr route add 10.9.0.0/24 dev tun4
		ip	tr route add fd00:9::/64 dev tun6
		fwd	tr
		addr	s veth0		10.0.3.2/24 fd00:3::2/64
		ip	s link add tun4 type ipip local 10.0.3.2 remote 10.0.3.1 dev veth0
		ip	s link add tun6 type ip6tnl mode ip6ip6 local fd00:3::2 remote fd00:3::1 dev veth0
		addr	s tun4		10.9.0.1/24
		addr	s tun6		fd00:9::1/64
		ip	s link set tun4 up
		ip	s link set tun6 up
		ip	s route add 0.0.0.0/0 dev tun4
		ip	s route add ::/0 dev tun6
		EOF
	fi
	topo <<-EOF || return 1
	$(if [ -n "$tunnel" ]; then spec_crs c r tr; else spec_crs; fi)
	sysctl	r net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0
	sysctl	r net.ipv6.icmp.ratelimit=0
	$tunnel
	${1:-}
	EOF
	[ -n "$tunnel" ] || return 0
	# The path eats the tunnel router's too-big messages.
	ip netns exec "$tr" iptables -A OUTPUT -p icmp \
		--icmp-type fragmentation-needed -j DROP || return 1
	ip netns exec "$tr" ip6tables -A OUTPUT -p icmpv6 \
		--icmpv6-type packet-too-big -j DROP
}

declare -A J CNT ROUTE_MTU

# json_read LINE: the members of the flat JSON object LINE into J[NAME]
# (strings unquoted), without starting a process.
json_read() {
	local rest=${1#\{} v

	J=()
	while [[ $rest =~ ^\ *\"([^\"]+)\":\ *(\"[^\"]*\"|[^,\}]*)[,\}](.*)$ ]]; do
		v=${BASH_REMATCH[2]}
		v=${v#\"}
		J[${BASH_REMATCH[1]}]=${v%\"}
		rest=${BASH_REMATCH[3]}
	done
}

# route_mtus NS ADDR...: the MTU `ip route get' shows for each ADDR in NS
# into ROUTE_MTU[ADDR] ("-" for none), from one ip process.
route_mtus() {
	local ns=$1 a rest

	shift
	ROUTE_MTU=()
	while read -r a rest; do
		ROUTE_MTU[$a]=-
		[[ " $rest " =~ \ mtu\ ([0-9]+)\  ]] && ROUTE_MTU[$a]=${BASH_REMATCH[1]}
	done <<<"$(printf 'route get %s\n' "$@" | ip -o -n "$ns" -batch -)"
}

# counters NS TABLE...: the counters of each TABLE of NS into
# CNT[TABLE/NAME] (pmtufix stats) and CNT[TABLE/PREFIX/NAME] (its entries,
# pmtufix table show).
counters() {
	local ns=$1 name k v

	shift
	CNT=()
	while read -r k v; do
		CNT[$k]=$v
	done <<<"$({
		ip netns exec "$ns" pmtufix stats -j
		for name in "$@"; do
			ip netns exec "$ns" pmtufix table show "$name" -j
		done
	} | jq -r '
		if type == "array" then
			.[] | .table as $t | to_entries[] |
			"\($t)/\(.key) \(.value)"
		else
			.table as $t | .entries[] | .prefix as $p |
			to_entries[] | "\($t)/\($p)/\(.key) \(.value)"
		end')"
}

# rule_option_supported: iptables knows the rule options of the feature.
rule_option_supported() {
	iptables -j PMTUFIX --help 2>/dev/null | grep -q -- --send-too-big || {
		echo "the PMTUFIX extension lacks --send-too-big and --repair-icmp"
		return $ksft_skip
	}
}

test_udp_tunnel() {
	local out line addr sent total=0
	local -A inner=([10.9.0.1]=1480 [fd00:9::1]=1452)
	local -A prefix=([10.9.0.1]=10.9.0.0/24 [fd00:9::1]=fd00:9::/64)
	local -A big_sent

	require_cmd python3 jq || return $?
	topo_chain tunnel || return 1

	# Without PMTUFIX: the full-size datagrams vanish in the tunnel router
	# and the client learns nothing.
	out=$(pytool -n "$c" toobig pmtu "$c" "$s" --count 5 \
		10.9.0.1 fd00:9::1) || { err "toobig pmtu failed: $out"; return 1; }
	route_mtus "$c" 10.9.0.1 fd00:9::1
	while read -r line; do
		json_read "$line"
		addr=${J[addr]}
		info "no rule, $addr: 1500-byte datagrams sent ${J[big_sent]}, received ${J[big_recv]}; small ones received ${J[small_recv]} of ${J[small_sent]}; IP_MTU ${J[mtu_after]}, route mtu ${ROUTE_MTU[$addr]}"
		check_eq 5 "${J[big_sent]}" \
			"no rule, $addr: 1500-byte datagrams sent" || return 1
		check_eq 0 "${J[big_recv]}" \
			"no rule, $addr: 1500-byte datagrams received" || return 1
		check_eq 5 "${J[small_recv]}" \
			"no rule, $addr: small datagrams received" || return 1
		check_eq 1500 "${J[mtu_after]}" \
			"no rule, $addr: path MTU of the socket" || return 1
		check_eq - "${ROUTE_MTU[$addr]}" \
			"no rule, $addr: MTU in ip route get" || return 1
	done <<<"$out"

	rule_option_supported || return $?
	ip netns exec "$r" pmtufix table load tunnel - <<-EOF || return 1
	10.9.0.0/24 ipip
	fd00:9::/64 ip6ip6
	EOF
	ip netns exec "$r" iptables -t mangle -A FORWARD \
		-j PMTUFIX --table-name tunnel --send-too-big || return 1
	ip netns exec "$r" ip6tables -t mangle -A FORWARD \
		-j PMTUFIX --table-name tunnel --send-too-big || return 1

	# First without DF (IPv4): the tunnel router may fragment those, the
	# rule lets them through.  Then with DF, as before.
	out=$(pytool -n "$c" toobig pmtu "$c" "$s" --count 5 \
		--learn 10.9.0.1,dont 10.9.0.1 fd00:9::1) || {
		err "toobig pmtu failed: $out"
		return 1
	}
	route_mtus "$c" 10.9.0.1 fd00:9::1
	while read -r line; do
		json_read "$line"
		addr=${J[addr]}
		if [ "${J[df]}" = false ]; then
			info "PMTUFIX, $addr without DF: 1500-byte datagrams sent ${J[big_sent]}, received ${J[big_recv]}; IP_MTU ${J[mtu_after]}"
			check_eq 5 "${J[big_sent]}" \
				"$addr without DF: 1500-byte datagrams sent" ||
				return 1
			check_eq 5 "${J[big_recv]}" \
				"$addr without DF: 1500-byte datagrams received" ||
				return 1
			check_eq 1500 "${J[mtu_after]}" \
				"$addr without DF: path MTU of the socket" || return 1
			continue
		fi
		sent=${J[big_sent]}
		big_sent[$addr]=$sent
		total=$((total + sent))
		info "PMTUFIX, $addr: 1500-byte datagrams sent $sent (EMSGSIZE ${J[emsgsize]}), received ${J[big_recv]}; IP_MTU ${J[mtu_before]} -> ${J[mtu_after]}, route mtu ${ROUTE_MTU[$addr]}; datagrams of ${J[learned_size]} bytes received ${J[learned_recv]} of ${J[learned_sent]}"
		[ "$sent" -ge 1 ] || {
			err "$addr: no 1500-byte datagram left the client"
			return 1
		}
		check_eq 0 "${J[big_recv]}" \
			"$addr: 1500-byte datagrams received" || return 1
		check_eq "${inner[$addr]}" "${J[mtu_after]}" \
			"$addr: IP_MTU after the too-big message" || return 1
		check_eq "${inner[$addr]}" "${ROUTE_MTU[$addr]}" \
			"$addr: MTU in ip route get" || return 1
		check_eq 5 "${J[learned_sent]}" \
			"$addr: datagrams sent at the learned size" || return 1
		check_eq 5 "${J[learned_recv]}" \
			"$addr: datagrams received at the learned size" || return 1
	done <<<"$out"

	# One too-big message for each datagram that reached the router: the
	# client sends no more of that size once it has the first.
	counters "$r" tunnel
	info "too_big_sent ${CNT[tunnel/too_big_sent]}, too_big_ratelimited ${CNT[tunnel/too_big_ratelimited]}"
	check_eq "$total" "${CNT[tunnel/too_big_sent]}" "too_big_sent" || return 1
	check_eq 0 "${CNT[tunnel/too_big_ratelimited]}" "too_big_ratelimited" ||
		return 1
	for addr in 10.9.0.1 fd00:9::1; do
		check_eq "${big_sent[$addr]}" \
			"${CNT[tunnel/${prefix[$addr]}/too_big_sent]}" \
			"too_big_sent of ${prefix[$addr]}" || return 1
	done
}

test_repair() {
	local out line dst n=0
	# The MTU field as the client's capture sees it, and the path MTU the
	# client takes from the message.
	local -A wire=(
		[10.8.0.1]=1446 [10.8.0.2]=1446 [10.8.0.3]=1400 [10.7.0.1]=1450
		[fd00:8::1]=1446 [fd00:8::2]=1446 [fd00:8::3]=1400 [fd00:7::1]=1450
		[10.6.0.1]=1500 [fd00:6::1]=1500
	)
	local -A pmtu=(
		[10.8.0.1]=1446 [10.8.0.2]=1446 [10.8.0.3]=1400 [10.7.0.1]=1450
		[fd00:8::1]=1446 [fd00:8::2]=1446 [fd00:8::3]=1400 [fd00:7::1]=1450
		[10.6.0.1]=1446 [fd00:6::1]=1446
	)

	require_cmd python3 jq || return $?
	topo_chain "
		route r 10.8.0.0/24 10.0.2.2
		route r 10.7.0.0/24 10.0.2.2
		route r 10.6.0.0/24 10.0.2.2
		route r fd00:8::/64 fd00:2::2
		route r fd00:7::/64 fd00:2::2
		route r fd00:6::/64 fd00:2::2" || return 1
	rule_option_supported || return $?
	ip netns exec "$r" pmtufix table load repair - <<-EOF || return 1
	10.8.0.0/24 mtu 1446
	fd00:8::/64 mtu 1446
	EOF
	ip netns exec "$r" iptables -t mangle -A FORWARD \
		-j PMTUFIX --table-name repair --repair-icmp || return 1
	ip netns exec "$r" ip6tables -t mangle -A FORWARD \
		-j PMTUFIX --table-name repair --repair-icmp || return 1
	# 10.6.0.0/24 and fd00:6::/64 are repaired on arrival at the client
	# (mangle INPUT, after its capture).
	ip netns exec "$c" pmtufix table load local - <<-EOF || return 1
	10.6.0.0/24 mtu 1446
	fd00:6::/64 mtu 1446
	EOF
	ip netns exec "$c" iptables -t mangle -A INPUT \
		-j PMTUFIX --table-name local --repair-icmp || return 1
	ip netns exec "$c" ip6tables -t mangle -A INPUT \
		-j PMTUFIX --table-name local --repair-icmp || return 1

	# 1500 and 0 are repaired, 1400 is smaller already, 10.7.0.0/24 and
	# fd00:7::/64 have no entry.
	out=$(pytool -n "$c" toobig repair "$c" "$s" veth0 \
		10.8.0.1,1500 10.8.0.2,0 10.8.0.3,1400 10.7.0.1,1450 \
		10.6.0.1,1500 \
		fd00:8::1,1500 fd00:8::2,0 fd00:8::3,1400 fd00:7::1,1450 \
		fd00:6::1,1500) || {
		err "toobig repair failed: $out"
		return 1
	}
	route_mtus "$c" "${!pmtu[@]}"
	while read -r line; do
		json_read "$line"
		dst=${J[dst]}
		n=$((n + 1))
		info "$dst: MTU ${J[sent_mtu]} sent, ${J[seen_mtu]} at the client, checksum right ${J[csum_ok]}, rest as sent ${J[same_rest]}; IP_MTU ${J[ip_mtu]}, route mtu ${ROUTE_MTU[$dst]}"
		check_eq "${wire[$dst]}" "${J[seen_mtu]}" \
			"$dst: MTU field at the client" || return 1
		check_eq true "${J[csum_ok]}" "$dst: ICMP checksum at the client" ||
			return 1
		check_eq true "${J[same_rest]}" "$dst: the rest of the message" ||
			return 1
		check_eq "${pmtu[$dst]}" "${J[ip_mtu]}" \
			"$dst: IP_MTU of the client's socket" || return 1
		check_eq "${pmtu[$dst]}" "${ROUTE_MTU[$dst]}" \
			"$dst: MTU in ip route get" || return 1
	done <<<"$out"
	check_eq ${#pmtu[@]} $n "cases reported" || return 1

	counters "$r" repair
	info "router: icmp_repaired ${CNT[repair/icmp_repaired]}, ${CNT[repair/10.8.0.0/24/icmp_repaired]} for 10.8.0.0/24, ${CNT[repair/fd00:8::/64/icmp_repaired]} for fd00:8::/64"
	check_eq 4 "${CNT[repair/icmp_repaired]}" "icmp_repaired" || return 1
	check_eq 0 "${CNT[repair/too_big_sent]}" "too_big_sent" || return 1
	check_eq 2 "${CNT[repair/10.8.0.0/24/icmp_repaired]}" \
		"icmp_repaired of 10.8.0.0/24" || return 1
	check_eq 2 "${CNT[repair/fd00:8::/64/icmp_repaired]}" \
		"icmp_repaired of fd00:8::/64" || return 1
	counters "$c"
	info "client: icmp_repaired ${CNT[local/icmp_repaired]}"
	check_eq 2 "${CNT[local/icmp_repaired]}" "icmp_repaired at the client" ||
		return 1
}

test_exempt() {
	local out line item n=0
	local -a order
	local -A expect
	# Each crafted packet and what it should meet: "-" forwarded, or the
	# MTU of the too-big message that refuses it.
	local cases="
		udp,10.0.2.2,1500=1400 udp,10.0.2.2,1400=-
		echo,10.0.2.2,1500=1400 icmperr,10.0.2.2,1500=-
		frag,10.0.2.2,1500=- nodf,10.0.2.2,1500=-
		udp,10.0.4.1,576=- udp,10.0.4.1,577=576
		udp,fd00:2::2,1500=1400 udp,fd00:2::2,1400=-
		echo,fd00:2::2,1500=1400 icmperr,fd00:2::2,1500=-
		frag,fd00:2::2,1500=-
		udp,fd00:4::1,1280=- udp,fd00:4::1,1281=1280"

	for item in $cases; do
		order+=("${item%=*}")
		expect[${item%=*}]=${item#*=}
	done
	require_cmd python3 jq || return $?
	topo_chain "route r 10.0.4.0/24 10.0.2.2
		route r fd00:4::/64 fd00:2::2" || return 1
	rule_option_supported || return $?
	# raw 1000 leaves 500 bytes: below the floors, 536 + 40 and 1280.
	ip netns exec "$r" pmtufix table load exempt - <<-EOF || return 1
	10.0.2.0/24 mtu 1400
	fd00:2::/64 mtu 1400
	10.0.4.0/24 raw 1000
	fd00:4::/64 raw 1000
	EOF
	ip netns exec "$r" iptables -t mangle -A FORWARD \
		-j PMTUFIX --table-name exempt --send-too-big || return 1
	ip netns exec "$r" ip6tables -t mangle -A FORWARD \
		-j PMTUFIX --table-name exempt --send-too-big || return 1

	out=$(pytool -n "$c" toobig craft "$c" "$r" "$s" \
		"${order[@]}") || {
		err "toobig craft failed: $out"
		return 1
	}
	while read -r line; do
		json_read "$line"
		n=$((n + 1))
		info "${J[case]}: forwarded ${J[forwarded]}, too-big MTU ${J[too_big]}"
		if [ "${expect[${J[case]}]}" = - ]; then
			check_eq true/null "${J[forwarded]}/${J[too_big]}" \
				"${J[case]}: forwarded/too-big MTU" || return 1
		else
			check_eq "false/${expect[${J[case]}]}" \
				"${J[forwarded]}/${J[too_big]}" \
				"${J[case]}: forwarded/too-big MTU" || return 1
		fi
	done <<<"$out"
	check_eq ${#expect[@]} $n "cases reported" || return 1
	counters "$r"
	check_eq 6 "${CNT[exempt/too_big_sent]}" "too_big_sent" || return 1
}

# saved_count SAVE CHAIN MATCH: the packet counter of the rule of CHAIN
# whose line contains MATCH, in iptables-save -c output.
saved_count() {
	local line

	while read -r line; do
		[[ $line == *"-A $2 "*"$3"* ]] || continue
		line=${line%%:*}
		echo "${line#[}"
		return 0
	done <<<"$1"
	echo none
}

test_flood() {
	local out line dst fam tbl pfx seen leaked icmp sent limited bound low v
	local ipt
	local -A saved
	local -A prefix=([4]=10.0.2.0/24 [6]=fd00:2::/64)

	require_cmd python3 jq || return $?
	topo_chain || return 1
	rule_option_supported || return $?
	for fam in 4 6; do
		ipt=iptables
		[ $fam = 6 ] && ipt=ip6tables
		ip netns exec "$r" pmtufix table load flood$fam - \
			<<<"${prefix[$fam]} mtu 1400" &&
		ip netns exec "$r" pmtufix table set flood$fam \
			too-big-rate $RATE too-big-burst $BURST || return 1
		# Counting rules around the target: oversize datagrams seen,
		# and oversize datagrams that got through.
		ip netns exec "$r" $ipt-restore -n <<-EOF || return 1
		*mangle
		-A FORWARD -i veth0 -p udp -m udp --dport 9 -m length --length 1500
		-A FORWARD -j PMTUFIX --table-name flood$fam --send-too-big
		-A POSTROUTING -o veth1 -p udp -m udp --dport 9
		COMMIT
		EOF
	done

	out=$(pytool -n "$c" toobig flood "$c" "$r" "$s" $FLOOD \
		10.0.2.2,10.0.1.1 fd00:2::2,fd00:1::1) || {
		err "toobig flood failed: $out"
		return 1
	}
	saved[4]=$(ip netns exec "$r" iptables-save -c -t mangle)
	saved[6]=$(ip netns exec "$r" ip6tables-save -c -t mangle)
	counters "$r" flood4 flood6
	while read -r line; do
		json_read "$line"
		dst=${J[dst]}
		fam=4
		[[ $dst == *:* ]] && fam=6
		tbl=flood$fam
		pfx=${prefix[$fam]}
		seen=$(saved_count "${saved[$fam]}" FORWARD "length 1500")
		leaked=$(saved_count "${saved[$fam]}" POSTROUTING "dport 9")
		icmp=${J[icmp]}
		sent=${CNT[$tbl/too_big_sent]}
		limited=${CNT[$tbl/too_big_ratelimited]}
		# burst + rate x seconds, rounded up, and 2 for clock granularity;
		# at least the burst and 90% of the rate (the router handles
		# each frame as it is sent: its clock sees the same seconds).
		bound=$((BURST + (RATE * J[elapsed_ms] + 999) / 1000 + 2))
		low=$((BURST + RATE * J[elapsed_ms] * 9 / 10000 - 2))
		info "$dst: ${J[sent]} sent in ${J[elapsed]} s (${J[pps]} packets/s), $seen seen by the router, $leaked got through"
		info "$dst: $icmp too-big messages at the client (MTU ${J[icmp_mtus]}, capture drops ${J[capture_drops]}), $low to $bound expected; too_big_sent $sent, too_big_ratelimited $limited"
		info "$dst: probes during the flood ${J[probes_recv]} of ${J[probes_sent]}; TCP before ${J[tcp_before_ms]} ms, after ${J[tcp_after_ms]} ms; ping to the router ${J[ping_ms]} ms"

		check_eq $FLOOD "${J[sent]}" "$dst: datagrams sent" || return 1
		[ "$seen" -gt $((FLOOD / 2)) ] || {
			err "$dst: the router saw only $seen of $FLOOD datagrams"
			return 1
		}
		check_eq 0 "$leaked" "$dst: oversize datagrams forwarded" ||
			return 1
		check_eq "$seen" "$((sent + limited))" \
			"$dst: too_big_sent + too_big_ratelimited" || return 1
		check_eq 0 "${J[capture_drops]}" \
			"$dst: capture drops at the client" || return 1
		check_eq "$sent" "$icmp" "$dst: too-big messages at the client" ||
			return 1
		check_eq 1400 "${J[icmp_mtus]}" \
			"$dst: MTU of the too-big messages" || return 1
		[ "$icmp" -le "$bound" ] || {
			err "$dst: $icmp too-big messages in ${J[elapsed]} s, more than $BURST + $RATE/s allow ($bound)"
			return 1
		}
		[ "$icmp" -ge "$low" ] || {
			err "$dst: $icmp too-big messages in ${J[elapsed]} s, fewer than $BURST + 90% of $RATE/s ($low)"
			return 1
		}
		check_eq "${J[probes_sent]}" "${J[probes_recv]}" \
			"$dst: probes forwarded during the flood" || return 1
		for v in tcp_before_ms tcp_after_ms ping_ms; do
			[ "${J[$v]}" != null ] || {
				err "$dst: ${v%_ms} failed"
				return 1
			}
		done
		check_eq "$sent" "${CNT[$tbl/$pfx/too_big_sent]}" \
			"$dst: too_big_sent of $pfx" || return 1
		check_eq "$limited" "${CNT[$tbl/$pfx/too_big_ratelimited]}" \
			"$dst: too_big_ratelimited of $pfx" || return 1
	done <<<"$out"
	check_eq 2 "$(grep -c . <<<"$out")" "floods reported" || return 1
}

run_test "UDP through a tunnel that eats ICMP: the sender learns the MTU" \
	test_udp_tunnel
run_test "too-big messages of MTU 1500 or 0 repaired in transit and on arrival" \
	test_repair
run_test "never for ICMP errors, fragments, IPv4 without DF, within the floor" \
	test_exempt
run_test "$FLOOD oversize datagrams: rate limit, counters, responsiveness" \
	test_flood
exit_status
