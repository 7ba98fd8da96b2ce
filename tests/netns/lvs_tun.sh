#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The LVS-Tun incident, end to end.  A service at a virtual address (VIP)
# sits behind an IPVS director in tunnel mode: the director wraps each
# request in IPIP toward a real server, which answers the client directly.
# The client's firewall drops ICMP "fragmentation needed".  Small requests
# work; a request larger than one segment stalls, because the client's
# full-size packets (MSS 1460, 1500 bytes) become 1520-byte IPIP packets
# that do not fit the director's 1500-byte link, and the director's ICMP
# never arrives.  The one-line table "192.0.2.10/32 ipip" on the router
# fixes it: SYN and SYN-ACK are clamped to MSS 1440, and the segments fit
# the tunnel.  Clamping the SYN alone would not do: the client takes its
# MSS from the SYN-ACK.
#
#   client ($c)          router ($r)                    director ($d)
#   10.0.1.2             10.0.1.1    10.0.2.1           10.0.2.2, VIP 192.0.2.10
#   veth0 -------------- veth0       br0 --+-- veth1 -- veth0
#   INPUT -p icmp        mangle FORWARD    |            ipvsadm -A -t VIP:8000 -s rr
#   --icmp-type          -p tcp -j PMTUFIX |            ipvsadm -a -t VIP:8000
#   fragmentation-needed --table-name lvs  |                    -r 10.0.2.3 -i
#   -j DROP              VIP/32 dev br0    |
#                                          |            real server ($s)
#                                          |            10.0.2.3, VIP on tunl0
#                                          +-- veth2 -- veth0
#                                                       rp_filter 0, arp_ignore 1,
#                                                       arp_announce 2, TCP echo
#
#   request:  client -> router -> director =IPIP=> real server
#   answer:   real server -> router -> client (never through the director)
#
# The router finds the VIP by ARP on the LAN: only the director answers for
# it, since the real server holds it on tunl0 with arp_ignore 1 and never
# announces it (arp_announce 2), as in real LVS-Tun set-ups.  With
# --lookup both (the default) the client's SYN matches the entry by its
# destination and the real server's SYN-ACK by its source.
#
# The probe (tests/lib/nettest) serves the echo on the real server and
# watches the client's link (SYN-ACK, ICMP), the real server's (the SYN
# inside IPIP, the size of the IPIP packets) and the director's (answers
# that should not pass there).  Last, the router's table is replaced by
# what `pmtufix derive' prints on the director, from its IPVS service:
# the same request gets the same MSS and completes.  make demo runs this scenario and shows what it prints.

source "$(dirname "$0")/../lib/lib.sh"

VIP=192.0.2.10
DIP=10.0.2.2
RIP=10.0.2.3
BIG=4000		# bytes of the request that stalls
WAIT=4			# seconds a request may take

setup() {
	local line

	topo <<-EOF || return 1
	ns	c r d s
	veth	c veth0		r veth0
	veth	r veth1		d veth0
	veth	r veth2		s veth0
	addr	c veth0		10.0.1.2/24
	addr	r veth0		10.0.1.1/24
	ip	r link add br0 type bridge
	ip	r link set veth1 master br0
	ip	r link set veth2 master br0
	addr	r br0		10.0.2.1/24
	ip	r link set br0 up
	ip	r route add $VIP/32 dev br0
	addr	d veth0		$DIP/24 $VIP/32
	addr	s veth0		$RIP/24
	addr	s tunl0		$VIP/32
	ip	s link set tunl0 up
	route	c default	10.0.1.1
	route	d default	10.0.2.1
	route	s default	10.0.2.1
	sysctl	r net.ipv4.ip_forward=1
	sysctl	s net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.tunl0.rp_filter=0
	sysctl	s net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	EOF

	ip netns exec "$c" iptables -A INPUT -p icmp \
		--icmp-type fragmentation-needed -j DROP || return 1
	# One packet per segment, as a real client's NIC puts them on the
	# wire; otherwise its GSO packets cross every veth whole and the
	# real server's link sees 4000-byte IPIP packets, not 1500-byte ones.
	ip netns exec "$c" ethtool -K veth0 tso off gso off >/dev/null ||
		return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name lvs || return 1
	ip netns exec "$d" ipvsadm -R <<-EOF || return 1
	-A -t $VIP:8000 -s rr
	-a -t $VIP:8000 -r $RIP:8000 -i
	EOF

	probe_start --echo --reset "$c:veth0" "$s:veth0" "$d:veth0"
}

# request BYTES: one connection from the client to VIP:8000, BYTES echoed
# back; sets T_STATUS and T_<key> from the probe's answer.
request() {
	probe_run "$WAIT" "$1" "$VIP" || return 1
	probe_field "${PROBE_LINES[0]}" T_STATUS=status T_secs=secs \
		T_echoed=echoed T_served=got T_synack=synack T_syn=syn \
		T_plain=plain T_outer=tunmax T_tunsrc=tunsrc T_icmp=icmp \
		T_icmpmtu=icmpmtu T_watched=watched
	echo "request of $1 bytes: ${PROBE_LINES[0]}"
}

# The path the request took: into the director, wrapped in IPIP to the
# real server, and the answer not back through the director.
check_path() {
	check_eq "$DIP" "$T_tunsrc" "$1: source of the IPIP packets at the real server" &&
	check_eq 0 "$T_plain" "$1: packets at the real server outside IPIP" &&
	check_eq 0 "$T_watched" "$1: answers of the real server seen at the director"
}

# stat_line TEXT NAME: the value of counter NAME in pmtufix stats TEXT.
stat_line() {
	local name value

	while read -r name value; do
		[ "$name" = "$2" ] && echo "$value" && return
	done <<<"$1"
}

# shown NS WHO CMD...: runs CMD in NS and shows it, and what it printed,
# as a transcript; leaves the output in OUT.
shown() {
	local ns=$1 who=$2 line

	shift 2
	info "   $who# $*"
	OUT=$(ip netns exec "$ns" "$@") || {
		err "$who: $* failed"
		return 1
	}
	[ -z "$OUT" ] && return 0
	while IFS= read -r line; do
		info "     $line"
	done <<<"$OUT"
}

test_incident() {
	local out drops entry when

	require_cmd ipvsadm ethtool python3 || return $?
	modprobe -a ip_vs ipip 2>/dev/null || {
		echo "no ip_vs or ipip module"
		return $ksft_skip
	}
	setup || return 1
	cd "$TMP" || return 1
	info "the service: $VIP:8000 (TCP echo), behind the IPVS director $DIP in tunnel mode, real server $RIP"
	info "the client, 10.0.1.2, drops ICMP fragmentation-needed; the router has the rule -j PMTUFIX --table-name lvs, and lvs is empty"

	request 100 || return 1
	info "1. without PMTUFIX, a 100-byte request: $T_echoed bytes echoed in $T_secs s"
	info "   SYN-ACK MSS at the client $T_synack; the request reached the real server inside IPIP from $T_tunsrc, $T_watched answers passed the director"
	check_eq ok "$T_STATUS" "100 bytes, no table entry" || return 1
	check_path "100 bytes, no table entry" || return 1

	request $BIG || return 1
	out=$(ip netns exec "$c" iptables -nvxL INPUT) || return 1
	drops=$(while read -r pkts _ target _; do
		[ "$target" = DROP ] && echo "$pkts"; done <<<"$out")
	info "2. without PMTUFIX, a $BIG-byte request: $T_echoed bytes echoed after $T_secs s ($T_STATUS; the real server read $T_served)"
	info "   the SYN-ACK told the client MSS $T_synack: its full-size packets, 1500 bytes, are 1520 in IPIP;"
	info "   the director answered $T_icmp times ICMP fragmentation-needed, MTU $T_icmpmtu, and the client's firewall dropped $drops"
	info "   only the short last segment reached the real server (the largest IPIP packet there: $T_outer bytes)"
	check_eq stall "$T_STATUS" "$BIG bytes, no table entry" || return 1
	check_eq 0 "$T_echoed" "$BIG bytes, no table entry: bytes echoed" || return 1
	check_eq 1460 "$T_synack" "$BIG bytes, no table entry: SYN-ACK MSS" || return 1
	check_eq 1480 "$T_icmpmtu" "$BIG bytes, no table entry: MTU in the director's ICMP" || return 1
	[ "${drops:-0}" -ge 1 ] || {
		err "the client's firewall dropped no ICMP: '$drops'"
		return 1
	}
	check_path "$BIG bytes, no table entry" || return 1

	info "3. one line in the router's table lvs:"
	echo "$VIP/32 ipip" >lvs.conf
	info "   router# cat lvs.conf"
	info "     $(<lvs.conf)"
	shown "$r" router pmtufix table load lvs lvs.conf || return 1
	shown "$r" router pmtufix lookup lvs $VIP || return 1

	request $BIG || return 1
	when=in
	[ "$T_STATUS" = ok ] || when=after
	info "4. with PMTUFIX, the same $BIG-byte request: $T_echoed bytes echoed $when $T_secs s ($T_STATUS)"
	info "   MSS $T_synack in the SYN-ACK at the client, $T_syn in the SYN at the real server;"
	info "   the largest IPIP packet at the real server: $T_outer bytes; ICMP fragmentation-needed: $T_icmp"
	check_eq ok "$T_STATUS" "$BIG bytes, table entry" || return 1
	check_eq $BIG "$T_echoed" "$BIG bytes, table entry: bytes echoed" || return 1
	check_eq 1440 "$T_synack" "$BIG bytes, table entry: SYN-ACK MSS at the client" || return 1
	check_eq 1440 "$T_syn" "$BIG bytes, table entry: SYN MSS at the real server" || return 1
	check_eq 1500 "$T_outer" "$BIG bytes, table entry: largest IPIP packet" || return 1
	check_eq 0 "$T_icmp" "$BIG bytes, table entry: ICMP fragmentation-needed" || return 1
	check_path "$BIG bytes, table entry" || return 1

	# Three connections: two before the table had the entry (SYN and
	# SYN-ACK matched nothing), one after (both clamped, one hit each).
	info "5. what the router counted:"
	shown "$r" router pmtufix stats lvs || return 1
	check_eq 3 "$(stat_line "$OUT" syn)" "syn counter" || return 1
	check_eq 3 "$(stat_line "$OUT" synack)" "synack counter" || return 1
	check_eq 4 "$(stat_line "$OUT" no_match)" "no_match counter" || return 1
	check_eq 2 "$(stat_line "$OUT" clamped)" "clamped counter" || return 1
	shown "$r" router pmtufix table show lvs || return 1
	entry=$(while read -r prefix mtu inner mss hits clamped layers; do
		[ "$prefix" = "$VIP/32" ] &&
			echo "$mtu $inner $mss $hits $clamped $layers"
	done <<<"$OUT")
	check_eq "- 1480 1440 2 2 ipip" "$entry" \
		"table show: MTU, inner MTU, MSS, hits, clamped, layers of $VIP/32" ||
		return 1

	info "6. the table from the director's own configuration instead:"
	shown "$d" director pmtufix derive || return 1
	echo "$OUT" >derived.conf
	shown "$r" router pmtufix table load lvs derived.conf || return 1
	request $BIG || return 1
	info "   the same $BIG-byte request: $T_echoed bytes echoed ($T_STATUS);" \
		"MSS $T_synack in the SYN-ACK, $T_syn in the SYN"
	check_eq ok "$T_STATUS" "$BIG bytes, derived table" || return 1
	check_eq 1440 "$T_synack" "$BIG bytes, derived table: SYN-ACK MSS at the client" || return 1
	check_eq 1440 "$T_syn" "$BIG bytes, derived table: SYN MSS at the real server" || return 1
	check_path "$BIG bytes, derived table" || return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "LVS-Tun: a stall without PMTUFIX, MSS 1440 and no stall with VIP/32 ipip" test_incident
exit_status
