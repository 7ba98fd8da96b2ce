#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real tunnels, real incidents: TCP through the kernel's own encapsulation
# devices and xfrm states, with path MTU discovery black-holed, without and
# with PMTUFIX.
#
#  $c            $r                $h                  $e          $s
#  client        router            tunnel head         tail        server
#  veth0 ------- veth0  veth1 ---- veth0  ul ========= ul  es ----- veth0
#  10.0.1.2      10.0.1.1          10.0.2.2  tunnel K  10.0.3.1    10.0.3.2
#  fd00:1::2     fd00:1::1         fd00:2::2  pp ===== pp fd00:3::1 fd00:3::2
#                10.0.2.1          (pp: MTU 1492)                  lo:
#                fd00:2::1                                       10.50.K.2
#  TSO/GSO off   mangle FORWARD    OUTPUT drops ICMP             fd00:50:K::2
#                -p tcp -j PMTUFIX frag-needed and
#                --table-name t    packet-too-big
#
# Every link is 1500 bytes but pp (1492, as under PPPoE); the tunnels are
# the narrow part.  Tunnel K carries the traffic to the server's address
# 10.50.K.2 (or fd00:50:K::2) from $h to $e, between outer addresses of
# its own, 10.100.K.1 -> 10.100.K.2 (fd00:100:K::1 -> ::2 for an IPv6
# underlay, 10.101.K.1 -> .2 on pp); the answers come back in the clear.
# $h drops the ICMP fragmentation-needed and ICMPv6 packet-too-big it
# emits, as filtering routers do: no sender learns a tunnel's MTU.
#
#   K  name                IPv  the table entry's layers
#   1  ipip                 4   ipip
#   2  sit                  6   sit
#   3  ip6ip6               6   ip6ip6
#   4  gre                  4   gre key seq
#   5  gretap               4   gretap
#   6  ip6gre               6   ip6gre
#   7  vxlan                4   vxlan
#   8  geneve               6   geneve
#   9  wireguard            4   wireguard            (device MTU 1440)
#  10  esp-tunnel           4   esp tunnel aes-cbc hmac-sha256
#  11  esp-tunnel-natt      4   esp tunnel aes-gcm natt
#  12  esp-transport        4   esp transport aes-gcm gre key         (GRE
#  13  esp-transport-natt   6   esp transport aes-cbc hmac-sha256 natt gre key
#                                                          over IPsec)
#  14  mpls                 4   mpls                 (label 100, popped at $e)
#  15  pppoe                4   pppoe                (routed over pp)
#  16  pppoe-esp            4   pppoe esp tunnel aes-cbc hmac-sha256 (over pp)
#  17  wireguard6           4   wireguard6           (IPv6 underlay)
#  18  esp-tunnel6          6   esp tunnel6 chacha20-poly1305
#
# All tunnels are measured together by one probe (tests/lib/nettest, a
# process costs up to a second and a half under emulation; and so all the
# stalls share one timeout); then each tunnel's verdict is its own test:
#
# - without PMTUFIX: the handshake carries 1460 (IPv6: 1440), the first
#   full segment does not fit into the tunnel and the too-big error never
#   comes back: the transfer stalls, nothing reaches the server;
# - with the rule in $r and the one-line entry "PREFIX LAYERS" in table t:
#   the SYN at the server and the SYN-ACK at the client carry exactly the
#   MSS `pmtufix overhead --mtu 1500 LAYERS' gives, the transfer completes,
#   its largest inner packet is that inner MTU and its largest outer packet
#   fits the link unfragmented; where the layers add a fixed number of
#   bytes (all but ESP, whose padding rounds), that packet fills the link
#   exactly;
# - the path MTU a DF socket in $h gets toward the server (the device's,
#   the xfrm bundle's, or what GRE learns from its first packet over ESP)
#   is that inner MTU;
# - with table t replaced by what `pmtufix derive' prints in $h, the host
#   that owns the tunnels (its devices, routes, SAs and WireGuard peers,
#   nothing written by hand), the SYN and the SYN-ACK carry that same MSS
#   and the transfer completes.
#
# The IPsec incident: $c and $s, two hosts with ESP transport mode
# (rfc4106(gcm(aes)), 160-bit key, 128-bit ICV) between them, through $h
# which filters ICMP.  Their connections advertise 1460 (IPv6: 1440) on
# their own; with `iptables -t mangle -A OUTPUT -p tcp -j PMTUFIX
# --table-name i' (and ip6tables) in $c and the entries "10.0.3.2/32 esp
# transport aes-gcm", "fd00:3::2/128 esp transport aes-gcm", the SYN
# carries exactly the MSS of `pmtufix overhead', the transfer completes,
# and the MTU the kernel uses toward the peer is that inner MTU; and so it
# does with table i replaced by what `pmtufix derive' prints in $c.

source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tunnels.sh"

BYTES=40000
STALL_SECS=5
CLAMP_SECS=15

# name, IPv, the wire (interface and outer destination: its largest packet
# is measured), whether the largest segment must fill the link, layers.
TUNNELS='
ipip                4 ul 10.100.1.2     fill ipip
sit                 6 ul 10.100.2.2     fill sit
ip6ip6              6 ul fd00:100:3::2  fill ip6ip6
gre                 4 ul 10.100.4.2     fill gre key seq
gretap              4 ul 10.100.5.2     fill gretap
ip6gre              6 ul fd00:100:6::2  fill ip6gre
vxlan               4 ul 10.100.7.2     fill vxlan
geneve              6 ul 10.100.8.2     fill geneve
wireguard           4 ul 10.100.9.2     fill wireguard
esp-tunnel          4 ul 10.100.10.2    fits esp tunnel aes-cbc hmac-sha256
esp-tunnel-natt     4 ul 10.100.11.2    fits esp tunnel aes-gcm natt
esp-transport       4 ul 10.100.12.2    fits esp transport aes-gcm gre key
esp-transport-natt  6 ul 10.100.13.2    fits esp transport aes-cbc hmac-sha256 natt gre key
mpls                4 ul mpls           fill mpls
pppoe               4 pp 10.50.15.2     fill pppoe
pppoe-esp           4 pp 10.101.16.2    fits pppoe esp tunnel aes-cbc hmac-sha256
wireguard6          4 ul fd00:100:17::2 fill wireguard6
esp-tunnel6         6 ul fd00:100:18::2 fits esp tunnel6 chacha20-poly1305
'
INCIDENT4=10.0.3.2
INCIDENT6=fd00:3::2
INCIDENT_LAYERS="esp transport aes-gcm"

RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT

# server_addr K FAMILY, server_prefix K FAMILY
server_addr() {
	if [ "$2" = 6 ]; then echo "fd00:50:$1::2"; else echo "10.50.$1.2"; fi
}

server_prefix() {
	if [ "$2" = 6 ]; then echo "fd00:50:$1::/64"; else echo "10.50.$1.0/24"; fi
}

# Every tunnel the kernel can have here, "K NAME FAMILY IFACE OUTER FILL
# LAYERS" a line.
tunnels() {
	local k=0 name rest

	while read -r name rest; do
		[ -n "$name" ] || continue
		k=$((k + 1))
		[ "$name" = mpls ] && [ "$HAVE_MPLS" != 1 ] && continue
		echo "$k $name $rest"
	done <<<"$TUNNELS"
}

# tunnel_lines SIDE K NAME FAMILY: the `ip -batch' lines of tunnel K in
# the head (SIDE h) or the tail (SIDE e).
tunnel_lines() {
	local side=$1 k=$2 name=$3 fam=$4 o=1 p=2 dev=tun$2 l r via=''

	[ "$side" = e ] && o=2 p=1
	case $name in
	pppoe*)	l=10.101.$k.$o r=10.101.$k.$p
		echo "addr add $l/24 dev pp" ;;
	ip6* | *6)
		l=fd00:100:$k::$o r=fd00:100:$k::$p
		echo "addr add $l/64 dev ul nodad" ;;
	*)	l=10.100.$k.$o r=10.100.$k.$p
		echo "addr add $l/24 dev ul" ;;
	esac
	case $name in
	ipip)	echo "link add $dev type ipip local $l remote $r" ;;
	sit)	echo "link add $dev type sit local $l remote $r" ;;
	ip6ip6)	echo "link add $dev type ip6tnl mode ip6ip6 local $l remote $r" ;;
	gre)	echo "link add $dev type gre local $l remote $r key $k seq" ;;
	gretap)	echo "link add $dev type gretap local $l remote $r"
		echo "addr add 10.60.$k.$o/30 dev $dev"
		via="via 10.60.$k.2" ;;
	ip6gre)	echo "link add $dev type ip6gre local $l remote $r" ;;
	vxlan)	echo "link add $dev type vxlan id $k local $l remote $r dev ul dstport 4789"
		echo "addr add 10.60.$k.$o/30 dev $dev"
		via="via 10.60.$k.2" ;;
	geneve)	echo "link add $dev type geneve id $k remote $r"
		echo "addr add fd00:60:$k::$o/64 dev $dev nodad"
		via="via fd00:60:$k::2" ;;
	wireguard)
		# ip link and wg-quick leave 80 bytes whatever the underlay;
		# over IPv4 the wire takes 60: the MTU that fills the link.
		echo "link add $dev mtu 1440 type wireguard" ;;
	wireguard6)
		echo "link add $dev type wireguard" ;;
	esp-tunnel | pppoe-esp)
		esp_tunnel_lines "$side" "$k" "$fam" "$l" "$r" 0 \
			aes-cbc hmac-sha256 ;;
	esp-tunnel-natt)
		esp_tunnel_lines "$side" "$k" "$fam" "$l" "$r" 1 aes-gcm ;;
	esp-tunnel6)
		esp_tunnel_lines "$side" "$k" "$fam" "$l" "$r" 0 \
			chacha20-poly1305 ;;
	esp-transport)
		gre_esp_lines "$side" "$k" "$l" "$r" 0 aes-gcm ;;
	esp-transport-natt)
		gre_esp_lines "$side" "$k" "$l" "$r" 1 aes-cbc hmac-sha256 ;;
	esac
	case $name in
	esp-tunnel* | pppoe* | mpls)
		via="via $r" ;;
	*)	echo "link set $dev up"
		# The tail hands every packet on as it came, not merged.
		[ "$side" = h ] || echo "link set $dev gro_max_size 0" ;;
	esac
	[ "$side" = h ] || return 0
	case $name in
	mpls)	echo "route add 10.50.$k.0/24 encap mpls 100 via $r dev ul" ;;
	*)	echo "route add $(server_prefix "$k" "$fam") ${via:-dev $dev}" ;;
	esac
}

# esp_tunnel_lines SIDE K FAMILY LOCAL REMOTE NATT WORDS...: an ESP tunnel
# from the head to the tail for the server's prefix; out policy in $h, fwd
# in $e.
esp_tunnel_lines() {
	local side=$1 k=$2 fam=$3 src=$4 dst=$5 natt=$6 dir=out any=0.0.0.0/0

	[ "$side" = e ] && dir=fwd src=$5 dst=$4
	[ "$fam" = 6 ] && any=::/0
	shift 6
	xfrm_state_line "$src" "$dst" "$k" tunnel "$natt" "$@"
	xfrm_policy_line "src $any dst $(server_prefix "$k" "$fam")" $dir \
		"$src" "$dst" "$k" tunnel
}

# gre_esp_lines SIDE K LOCAL REMOTE NATT WORDS...: GRE over ESP transport
# mode, as GRE over IPsec is deployed; out policy in $h, in in $e.
gre_esp_lines() {
	local side=$1 k=$2 l=$3 r=$4 natt=$5 dir=out src=$3 dst=$4

	[ "$side" = e ] && dir=in src=$4 dst=$3
	shift 5
	echo "link add tun$k type gre local $l remote $r key $k"
	xfrm_state_line "$src" "$dst" "$k" transport "$natt" "$@"
	xfrm_policy_line "src $src dst $dst proto gre" $dir "$src" "$dst" \
		"$k" transport
}

# The tail's ends of the tunnels exist before the head's: a GRE device
# whose first packets (the head's IPv6 autoconfiguration) drew ICMP errors
# from a tail not yet there reports the next ones unreachable to their
# senders for 30 seconds.  So $e comes before $h.
tunnels_spec() {
	local k name fam _ side line spec

	read -r -d '' spec <<-EOF
	ns	r e h c s
	veth	r veth0		c veth0
	veth	r veth1		h veth0
	veth	e es		s veth0
	veth	e ul		h ul
	veth	e pp		h pp	1492
	addr	r veth0		10.0.1.1/24 fd00:1::1/64
	addr	r veth1		10.0.2.1/24 fd00:2::1/64
	route	r 10.50.0.0/16	10.0.2.2
	route	r 10.0.3.0/24	10.0.2.2
	route	r fd00:50::/32	fd00:2::2
	route	r fd00:3::/64	fd00:2::2
	addr	e ul		10.100.0.2/24 fd00:100::2/64
	addr	e es		10.0.3.1/24 fd00:3::1/64
	route	e 10.0.1.0/24	10.100.0.1
	route	e fd00:1::/64	fd00:100::1
	route	e 10.50.0.0/16	10.0.3.2
	route	e fd00:50::/32	fd00:3::2
	addr	h veth0		10.0.2.2/24 fd00:2::2/64
	addr	h ul		10.100.0.1/24 fd00:100::1/64
	route	h default	10.0.2.1 fd00:2::1
	route	h 10.0.3.0/24	10.100.0.2
	route	h fd00:3::/64	fd00:100::2
	addr	c veth0		10.0.1.2/24 fd00:1::2/64
	route	c default	10.0.1.1 fd00:1::1
	addr	s veth0		10.0.3.2/24 fd00:3::2/64
	route	s default	10.0.3.1 fd00:3::1
	fwd	r h e
	EOF
	echo "$spec"
	[ "$HAVE_MPLS" = 1 ] &&
		echo "sysctl e net.mpls.platform_labels=1000 net.mpls.conf.ul.input=1"
	while read -r k name fam _; do
		echo "addr s lo $(server_addr "$k" "$fam")/$((fam == 6 ? 128 : 32))"
		for side in e h; do
			while read -r line; do
				echo "ip $side $line"
			done <<<"$(tunnel_lines $side "$k" "$name" "$fam")"
		done
	done <<<"$(tunnels)"
}

# The incident's ESP transport SAs between $c and $s, both ways and both
# families; SIDE c or s says whose policies.
incident_lines() {
	local a4=10.0.1.2 b4=$INCIDENT4 a6=fd00:1::2 b6=$INCIDENT6 out=out in=in

	[ "$1" = s ] && out=in in=out
	xfrm_state_line $a4 "$b4" 0x201 transport 0 aes-gcm
	xfrm_state_line "$b4" $a4 0x202 transport 0 aes-gcm
	xfrm_state_line $a6 "$b6" 0x203 transport 0 aes-gcm
	xfrm_state_line "$b6" $a6 0x204 transport 0 aes-gcm
	xfrm_policy_line "src $a4 dst $b4" $out $a4 "$b4" 0x201 transport
	xfrm_policy_line "src $b4 dst $a4" $in "$b4" $a4 0x202 transport
	xfrm_policy_line "src $a6 dst $b6" $out $a6 "$b6" 0x203 transport
	xfrm_policy_line "src $b6 dst $a6" $in "$b6" $a6 0x204 transport
}

# batch NS FUNCTION [ARG...]: one `ip -batch' in NS of what FUNCTION prints.
batch() {
	local out

	out=$("${@:2}" | ip -n "$1" -batch - 2>&1) || {
		err "ip -batch in $1 (${*:2}): $out"
		return 1
	}
}

# wg_setup: keys, ports and peers of the WireGuard tunnels, one `wg
# setconf' per device.
wg_setup() {
	local k name fam _ ep

	while read -r k name fam _; do
		case $name in
		wireguard) ep=10.100.$k.2:$((51800 + k)) ;;
		wireguard6) ep="[fd00:100:$k::2]:$((51800 + k))" ;;
		*) continue ;;
		esac
		wg_config "$WG_PRIV2" $((51800 + k)) "$WG_PUB1" 10.0.1.0/24 |
			ip netns exec "$e" wg setconf "tun$k" /proc/self/fd/0 ||
			return 1
		wg_config "$WG_PRIV1" - "$WG_PUB2" \
			"$(server_prefix "$k" "$fam")" "$ep" |
			ip netns exec "$h" wg setconf "tun$k" /proc/self/fd/0 ||
			return 1
	done <<<"$(tunnels)"
}

topology() {
	topo <<<"$(tunnels_spec)" || return 1
	if [ "$HAVE_MPLS" = 1 ]; then
		ip -n "$e" -f mpls route add 100 via inet 10.0.3.2 dev es ||
			return 1
	fi
	wg_setup || return 1
	# Segments leave the client as they are sent: what crosses each link
	# is a packet of the wire, not a GSO train.
	ip netns exec "$c" ethtool -K veth0 tx off tso off gso off || return 1
	icmp_blackhole "$h"
}

# What `pmtufix overhead' gives for every tunnel, over 1500 bytes (the
# pppoe layer is in the entries), as "NAME MTU4 MTU6 MSS4 MSS6" lines.
expectations() {
	local k name fam ifc outer fill layers

	while read -r k name fam ifc outer fill layers; do
		# shellcheck disable=SC2086
		overhead_of 1500 $layers &&
			echo "$name $OVH_MTU4 $OVH_MTU6 $OVH_MSS4 $OVH_MSS6"
	done <<<"$(tunnels)"
	# shellcheck disable=SC2086
	overhead_of 1500 $INCIDENT_LAYERS &&
		echo "incident $OVH_MTU4 $OVH_MTU6 $OVH_MSS4 $OVH_MSS6"
}

# save NAME VAR=VALUE...: appends to NAME's results, read by loaded.
save() {
	local f=$RESULTS/$1 kv

	shift
	for kv in "$@"; do
		printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$f"
	done
}

# run_clamped KEY WHAT: the transfers of test_measure's targets, each
# tunnel's saved under KEY.
run_clamped() {
	local i n=0 st

	probe_run $CLAMP_SECS $BYTES "${targets[@]}" || return 1
	for i in "${!names[@]}"; do
		save "${names[i]}" "$1=${PROBE_LINES[i]}"
		probe_field "${PROBE_LINES[i]}" st=status
		[ "$st" = ok ] && n=$((n + 1))
	done
	info "$2, $n transfers of $BYTES bytes completed"
}

# derive_in NS FILE: what pmtufix derive prints in NS, into FILE.
derive_in() {
	ip netns exec "$1" pmtufix derive >"$2" 2>"$2.err" || {
		err "pmtufix derive in $1: $(cat "$2.err")"
		return 1
	}
}

test_measure() {
	local k name fam ifc outer fill layers i line table='' pid n=0 st
	local -a targets addrs names mtus

	line=$(require_cmd python3 wg ethtool iptables ip6tables) || {
		echo "$line" >"$RESULTS/skip"
		echo "$line"
		return $ksft_skip
	}
	HAVE_MPLS=1
	modprobe -a mpls_router mpls_iptunnel 2>/dev/null || HAVE_MPLS=0
	[ "$HAVE_MPLS" = 1 ] ||
		save mpls SKIP="the kernel has no mpls_router/mpls_iptunnel"
	topology || return 1
	probe_start --reset --port 8080 "$c:veth0" "$s" "$e" || return 1
	probe_cmd encap "$e" || return 1

	while read -r k name fam ifc outer fill layers; do
		addrs+=("$(server_addr "$k" "$fam")")
		targets+=("${addrs[-1]},$ifc,$outer")
		names+=("$name")
		table+="$(server_prefix "$k" "$fam") $layers"$'\n'
		save "$name" FAM="$fam" IFACE="$ifc" FILL="$fill" \
			LAYERS="$layers" PREFIX="$(server_prefix "$k" "$fam")"
	done <<<"$(tunnels)"
	expectations >"$RESULTS/expect" &
	pid=$!

	# Without PMTUFIX, and the plain path to $s as a control.
	probe_run $STALL_SECS $BYTES 10.0.3.2,ul,10.0.3.2 \
		"${targets[@]}" || return 1
	save control STALL="${PROBE_LINES[0]}"
	for i in "${!names[@]}"; do
		save "${names[i]}" STALL="${PROBE_LINES[i + 1]}"
		probe_field "${PROBE_LINES[i + 1]}" st=status
		[ "$st" = stall ] && n=$((n + 1))
	done
	info "${#names[@]} tunnels; without PMTUFIX, $n transfers stalled" \
		"within ${STALL_SECS}s"

	# With it.
	ip netns exec "$r" pmtufix table load t - <<<"$table" || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name t || return 1
	ip netns exec "$r" ip6tables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name t || return 1
	run_clamped CLAMP "with PMTUFIX" || return 1

	# The MTU the kernel enforces from the head, after the transfers.
	probe_cmd mtu "$h" "${addrs[@]}" || return 1
	read -r -a mtus <<<"$PROBE_LINE"
	for i in "${!names[@]}"; do
		save "${names[i]}" KMTU="${mtus[i]}"
	done

	# The same transfers with a table only `pmtufix derive' wrote, on the
	# head, from its own devices, routes and SAs.
	derive_in "$h" "$RESULTS/derived" || return 1
	ip netns exec "$r" pmtufix table load t "$RESULTS/derived" || return 1
	run_clamped DERIVED "with the derived table" || return 1

	# The incident: ESP transport between $c and $s.
	batch "$c" incident_lines c || return 1
	batch "$s" incident_lines s || return 1
	targets=("$INCIDENT4,ul,$INCIDENT4" "$INCIDENT6,ul,$INCIDENT6")
	probe_run $CLAMP_SECS $BYTES "${targets[@]}" || return 1
	save incident NORULE4="${PROBE_LINES[0]}" NORULE6="${PROBE_LINES[1]}"
	printf '%s/32 %s\n%s/128 %s\n' "$INCIDENT4" "$INCIDENT_LAYERS" \
		"$INCIDENT6" "$INCIDENT_LAYERS" |
		ip netns exec "$c" pmtufix table load i - || return 1
	ip netns exec "$c" iptables -t mangle -A OUTPUT -p tcp \
		-j PMTUFIX --table-name i || return 1
	ip netns exec "$c" ip6tables -t mangle -A OUTPUT -p tcp \
		-j PMTUFIX --table-name i || return 1
	probe_run $CLAMP_SECS $BYTES "${targets[@]}" || return 1
	save incident CLAMP4="${PROBE_LINES[0]}" CLAMP6="${PROBE_LINES[1]}"
	probe_cmd mtu "$c" "$INCIDENT4" "$INCIDENT6" || return 1
	read -r -a mtus <<<"$PROBE_LINE"
	save incident KMTU4="${mtus[0]}" KMTU6="${mtus[1]}"
	# And with the table $c derives from its own SAs.
	derive_in "$c" "$RESULTS/derived.c" || return 1
	ip netns exec "$c" pmtufix table load i "$RESULTS/derived.c" || return 1
	probe_run $CLAMP_SECS $BYTES "${targets[@]}" || return 1
	save incident DERIVED4="${PROBE_LINES[0]}" DERIVED6="${PROBE_LINES[1]}" \
		DLINES="$(grep -v '^#' "$RESULTS/derived.c")"

	wait $pid
	while read -r name line; do
		save "$name" EXPECT="$line"
	done <"$RESULTS/expect"
	probe_stop
	cleanup_ns
}

# loaded NAME: NAME's results; fails if there are none, or no expectations.
loaded() {
	SKIP='' EXPECT='' FAM=4
	if [ -f "$RESULTS/skip" ]; then
		SKIP=$(<"$RESULTS/skip")
		return 0
	fi
	[ -f "$RESULTS/$1" ] || {
		err "$1 was not measured: the set-up failed"
		return 1
	}
	# shellcheck disable=SC1090
	source "$RESULTS/$1"
	[ -n "$SKIP" ] || [ "$1" = control ] || [ -n "$EXPECT" ] || {
		err "pmtufix overhead gave nothing for $1"
		return 1
	}
}

# wanted FAMILY: MTU and MSS of the family from EXPECT, and PLAIN, the MSS
# of a 1500-byte link.
wanted() {
	local m4 m6 s4 s6

	read -r m4 m6 s4 s6 <<<"$EXPECT"
	if [ "$1" = 6 ]; then
		MTU=$m6 MSS=$s6 PLAIN=1440
	else
		MTU=$m4 MSS=$s4 PLAIN=1460
	fi
}

test_control() {
	local st syn synack got inner outer frags lost

	loaded control || return 1
	if [ -n "$SKIP" ]; then
		echo "$SKIP"
		return $ksft_skip
	fi
	probe_field "$STALL" st=status syn synack got inner outer frags lost
	info "plain path, no rule: SYN MSS $syn, SYN-ACK MSS $synack;" \
		"$got of $BYTES bytes ($st); packets up to $outer bytes on ul"
	check_eq ok "$st" "the transfer on the plain path" || return 1
	check_eq 1460 "$syn" "the SYN's MSS on the plain path" || return 1
	check_eq 1500 "$outer" "the largest packet on the plain path" ||
		return 1
}

test_tunnel() {
	local name=$1 link=1500 fails=0 st syn synack got inner outer frags lost

	loaded "$name" || return 1
	if [ -n "$SKIP" ]; then
		echo "$SKIP"
		return $ksft_skip
	fi
	wanted "$FAM"
	[ "$IFACE" = pp ] && link=1492
	info "pmtufix overhead $LAYERS: inner MTU $MTU, MSS $MSS (IPv$FAM)"

	probe_field "$STALL" st=status syn synack got inner outer frags lost
	info "without PMTUFIX: SYN MSS $syn, SYN-ACK MSS $synack;" \
		"$got of $BYTES bytes within ${STALL_SECS}s ($st)"
	check_eq stall "$st" "without PMTUFIX, the transfer" ||
		fails=$((fails + 1))
	check_eq "$PLAIN" "$syn" "without PMTUFIX, the SYN's MSS" ||
		fails=$((fails + 1))

	probe_field "$CLAMP" st=status syn synack got inner outer frags lost
	info "with PMTUFIX: SYN MSS $syn, SYN-ACK MSS $synack;" \
		"$got of $BYTES bytes ($st)"
	info "the wire: largest inner packet $inner; largest outer packet" \
		"$outer on $IFACE (MTU $link), $frags fragments"
	info "the kernel's path MTU from the tunnel head: $KMTU"
	check_eq "$MSS" "$syn" "with PMTUFIX, the SYN's MSS at the server" ||
		fails=$((fails + 1))
	check_eq "$MSS" "$synack" "with PMTUFIX, the SYN-ACK's MSS at the client" ||
		fails=$((fails + 1))
	check_eq ok "$st" "with PMTUFIX, the transfer" || fails=$((fails + 1))
	check_eq 0 "$lost" "packets the captures lost" || fails=$((fails + 1))
	check_eq 0 "$frags" "outer fragments" || fails=$((fails + 1))
	if [ "$outer" = - ] || [ "$outer" -gt $link ]; then
		err "the largest outer packet, $outer, does not fit the link's $link"
		fails=$((fails + 1))
	fi
	if [ "$FILL" = fill ]; then
		check_eq $link "$outer" "the largest outer packet" ||
			fails=$((fails + 1))
	fi
	# The largest inner packet is a full segment (MPLS hides it).
	if [ "$inner" != - ]; then
		check_eq "$MTU" "$inner" "the largest inner packet" ||
			fails=$((fails + 1))
	fi
	check_eq "$MTU" "$KMTU" "the kernel's path MTU from the tunnel head" ||
		fails=$((fails + 1))

	# The table pmtufix derive wrote from the head's configuration.
	derived_line "$PREFIX"
	info "derived in the head: ${DLINE:-nothing}"
	probe_field "$DERIVED" st=status syn synack got inner outer frags lost
	info "with the derived table: SYN MSS $syn, SYN-ACK MSS $synack;" \
		"$got of $BYTES bytes ($st)"
	[ -n "$DLINE" ] || {
		err "pmtufix derive gave no entry for $PREFIX"
		fails=$((fails + 1))
	}
	check_eq "$MSS" "$syn" "with the derived table, the SYN's MSS at the server" ||
		fails=$((fails + 1))
	check_eq "$MSS" "$synack" "with the derived table, the SYN-ACK's MSS at the client" ||
		fails=$((fails + 1))
	check_eq ok "$st" "with the derived table, the transfer" ||
		fails=$((fails + 1))
	[ $fails -eq 0 ]
}

# derived_line PREFIX: DLINE, the line of the head's derivation for
# PREFIX, with its comment.
derived_line() {
	local line

	DLINE=''
	while IFS= read -r line; do
		[ "${line%% *}" = "$1" ] && DLINE=$line
	done <"$RESULTS/derived"
	return 0
}

# incident_case FAMILY NORULE CLAMP KMTU DERIVED PREFIX: one family's
# verdict; DERIVED is the transfer with the derived table, which must
# have an entry for PREFIX.
incident_case() {
	local fam=$1 kmtu=$4 fails=0 st syn synack got inner outer frags lost

	wanted "$fam"
	info "IPv$fam: pmtufix overhead $INCIDENT_LAYERS: inner MTU $MTU, MSS $MSS"
	probe_field "$2" st=status syn synack got inner outer frags lost
	info "IPv$fam without PMTUFIX: SYN MSS $syn at the server; $got of" \
		"$BYTES bytes ($st); ESP packets up to $outer bytes"
	check_eq "$PLAIN" "$syn" "IPv$fam without PMTUFIX, the SYN's MSS" ||
		fails=$((fails + 1))
	check_eq ok "$st" "IPv$fam without PMTUFIX, the transfer" ||
		fails=$((fails + 1))
	probe_field "$3" st=status syn synack got inner outer frags lost
	info "IPv$fam with the OUTPUT rule: SYN MSS $syn at the server; $got" \
		"of $BYTES bytes ($st); ESP packets up to $outer bytes," \
		"$frags fragments"
	info "IPv$fam: the kernel's MTU toward the peer (the xfrm bundle): $kmtu"
	check_eq "$MSS" "$syn" "IPv$fam with the OUTPUT rule, the SYN's MSS" ||
		fails=$((fails + 1))
	check_eq ok "$st" "IPv$fam with the OUTPUT rule, the transfer" ||
		fails=$((fails + 1))
	check_eq 0 "$frags" "IPv$fam ESP fragments" || fails=$((fails + 1))
	check_eq 0 "$lost" "packets the captures lost" || fails=$((fails + 1))
	if [ "$outer" = - ] || [ "$outer" -gt 1500 ]; then
		err "IPv$fam: the largest ESP packet, $outer, does not fit 1500"
		fails=$((fails + 1))
	fi
	check_eq "$MTU" "$kmtu" "IPv$fam: the kernel's MTU toward the peer" ||
		fails=$((fails + 1))
	probe_field "$5" st=status syn synack got inner outer frags lost
	info "IPv$fam with the table the client derived from its SAs: SYN MSS" \
		"$syn at the server; $got of $BYTES bytes ($st)"
	[[ $'\n'$DLINES == *$'\n'$6' '* ]] || {
		err "IPv$fam: pmtufix derive gave no entry for $6"
		fails=$((fails + 1))
	}
	check_eq "$MSS" "$syn" "IPv$fam with the derived table, the SYN's MSS" ||
		fails=$((fails + 1))
	check_eq ok "$st" "IPv$fam with the derived table, the transfer" ||
		fails=$((fails + 1))
	[ $fails -eq 0 ]
}

test_incident() {
	local fails=0 line

	loaded incident || return 1
	if [ -n "$SKIP" ]; then
		echo "$SKIP"
		return $ksft_skip
	fi
	info "derived in the client:"
	while IFS= read -r line; do
		info "  $line"
	done <<<"$DLINES"
	incident_case 4 "$NORULE4" "$CLAMP4" "$KMTU4" "$DERIVED4" \
		"$INCIDENT4/32" || fails=1
	incident_case 6 "$NORULE6" "$CLAMP6" "$KMTU6" "$DERIVED6" \
		"$INCIDENT6/128" || fails=1
	[ $fails -eq 0 ]
}

run_test "set-up, transfers through every tunnel without and with PMTUFIX" \
	test_measure
run_test "control: the plain path carries 1500-byte packets" test_control
k=0
while read -r name fam _ _ _ layers; do
	[ -n "$name" ] || continue
	k=$((k + 1))
	run_test "$name: $(server_prefix $k "$fam") $layers" test_tunnel "$name"
done <<<"$TUNNELS"
run_test "IPsec incident: ESP transport hosts, OUTPUT rule, ICMP filtered" \
	test_incident
exit_status
