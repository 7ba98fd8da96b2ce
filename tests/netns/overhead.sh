#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `pmtufix overhead' against the kernel's own tunnel drivers: for every
# tunnel type the kernel has, the MTU it gives a device created over a link
# of a given MTU must be what pmtufix computes for the same layers.
#
#   $a                                         $b
#   veth0 (MTU 1500, 1400, 1280, 9000, 1437) -- veth0
#   10.1.0.1/24  fd00:1::1/64                  10.1.0.2/24  fd00:1::2/64
#     ipip sit ip6tnl gre gretap ip6gre ip6gretap vxlan geneve (+fou/gue)
#     created with `remote' on $b (and `dev veth0'), one at a time
#
# - devices: the device MTU (ip -j link) of each type and option set; the
#   drivers derive it from the lower device exactly as they fill the wire.
#   Where the kernel raises it to a floor (IPv6 tunnels never go below
#   1280; the outer packet is fragmented then) the floor is reported and
#   not compared;
# - stacked: vxlan over a gre device, derived from the gre device's MTU;
# - mpls: a route with `encap mpls' lowers the route MTU (IP_MTU of a
#   connected socket) by 4 bytes a label;
# - wireguard: the device MTU is not derived from the lower device; its
#   default, 1500 - 80, is wireguard6 over 1500.
#
# Not measurable here: pppoe (needs a PPPoE server), geneve options (only
# with metadata-mode devices, per packet), raw.

source "$(dirname "$0")/../lib/lib.sh"

MTUS="1500 1400 1280 9000 1437"
L4=10.1.0.1 R4=10.1.0.2 L6=fd00:1::1 R6=fd00:1::2

COMPARISONS=$(mktemp)
trap 'rm -f "$COMPARISONS"' EXIT

# expected MTU LAYERS...: the inner MTU pmtufix computes (IPv4 inside; only
# ESP depends on the family carried), read from its table without forking
# more: this runs a few hundred times on an emulated machine.
expected() {
	local mtu=$1 label rest

	shift
	pmtufix overhead --mtu "$mtu" "$@" |
	while read -r label rest; do
		[ "$label" = inner ] && read -r _ rest <<<"$rest" &&
			echo "${rest%% *}"
	done
}

# dev_mtu NS DEV: the device's MTU, from `ip -o link'.
dev_mtu() {
	local line

	line=$(ip -n "$1" -o link show dev "$2")
	line=${line#* mtu }
	echo "${line%% *}"
}

# compare WHAT WANT GOT FLOOR: equal, or the kernel's floor above a smaller
# computed value.
compare() {
	local what=$1 want=$2 got=$3 floor=$4 line

	line="$what: pmtufix $want, kernel $got"
	if [ "$want" = "$got" ]; then
		echo "ok   $line" >>"$COMPARISONS"
		return 0
	fi
	if [ "$want" -lt "$floor" ] && [ "$got" = "$floor" ]; then
		echo "ok   $line (kernel floor $floor, outer packet fragmented)" \
			>>"$COMPARISONS"
		return 0
	fi
	echo "FAIL $line" >>"$COMPARISONS"
	err "$line"
	return 1
}

setup_link() {
	topo <<-EOF
	ns	a b
	veth	a veth0		b veth0		$1
	addr	a veth0		$L4/24 $L6/64
	addr	b veth0		$R4/24 $R6/64
	EOF
}

# Each case: LAYERS | FLOOR | ip link add arguments after the device name.
# $L4 $R4 $L6 $R6 are expanded when the case runs.
CASES='
ipip                         |   68 | type ipip local $L4 remote $R4 dev veth0
sit                          | 1280 | type sit local $L4 remote $R4 dev veth0
ip6ip6                       | 1280 | type ip6tnl mode ip6ip6 local $L6 remote $R6 dev veth0
ip6ip6 noencaplimit          | 1280 | type ip6tnl mode ip6ip6 local $L6 remote $R6 dev veth0 encaplimit none
ipip6                        | 1280 | type ip6tnl mode ipip6 local $L6 remote $R6 dev veth0
ipip6 noencaplimit           | 1280 | type ip6tnl mode ipip6 local $L6 remote $R6 dev veth0 encaplimit none
gre                          |   68 | type gre local $L4 remote $R4 dev veth0
gre key                      |   68 | type gre local $L4 remote $R4 dev veth0 key 7
gre seq                      |   68 | type gre local $L4 remote $R4 dev veth0 seq
gre csum                     |   68 | type gre local $L4 remote $R4 dev veth0 csum
gre key seq                  |   68 | type gre local $L4 remote $R4 dev veth0 key 7 seq
gre key seq csum             |   68 | type gre local $L4 remote $R4 dev veth0 key 7 seq csum
gretap                       |   68 | type gretap local $L4 remote $R4 dev veth0
gretap key csum              |   68 | type gretap local $L4 remote $R4 dev veth0 key 7 csum
gretap key seq csum          |   68 | type gretap local $L4 remote $R4 dev veth0 key 7 seq csum
ip6gre                       | 1280 | type ip6gre local $L6 remote $R6 dev veth0
ip6gre key                   | 1280 | type ip6gre local $L6 remote $R6 dev veth0 key 7
ip6gre seq csum              | 1280 | type ip6gre local $L6 remote $R6 dev veth0 seq csum
ip6gre noencaplimit          | 1280 | type ip6gre local $L6 remote $R6 dev veth0 encaplimit none
ip6gre key seq csum noencaplimit | 1280 | type ip6gre local $L6 remote $R6 dev veth0 key 7 seq csum encaplimit none
ip6gretap                    | 1280 | type ip6gretap local $L6 remote $R6 dev veth0
ip6gretap key noencaplimit   | 1280 | type ip6gretap local $L6 remote $R6 dev veth0 key 7 encaplimit none
ip6gretap key seq csum       | 1280 | type ip6gretap local $L6 remote $R6 dev veth0 key 7 seq csum
vxlan                        |   68 | type vxlan id 42 local $L4 remote $R4 dev veth0 dstport 4789
vxlan6                       |   68 | type vxlan id 43 local $L6 remote $R6 dev veth0 dstport 4789
geneve                       |   68 | type geneve id 44 remote $R4
geneve6                      |   68 | type geneve id 45 remote $R6
ipip fou                     |   68 | type ipip local $L4 remote $R4 dev veth0 encap fou encap-sport auto encap-dport 5555
ipip gue                     |   68 | type ipip local $L4 remote $R4 dev veth0 encap gue encap-sport auto encap-dport 5556
sit fou                      | 1280 | type sit local $L4 remote $R4 dev veth0 encap fou encap-sport auto encap-dport 5555
gre fou                      |   68 | type gre local $L4 remote $R4 dev veth0 encap fou encap-sport auto encap-dport 5555
gre key gue                  |   68 | type gre local $L4 remote $R4 dev veth0 key 7 encap gue encap-sport auto encap-dport 5556
'

# The kernel has the type (module loaded on demand), or the case is skipped.
have_type() {
	local ns=$1 args=$2

	ip -n "$ns" link add probe $args 2>/dev/null || return 1
	ip -n "$ns" link del probe
}

test_devices() {
	local mtu=$1 layers floor args want got fails=0 n=0

	setup_link "$mtu" || return 1
	# fou and gue register their encapsulation with the fou module.
	modprobe fou 2>/dev/null
	while IFS='|' read -r layers floor args; do
		[ -n "$layers" ] || continue
		read -r layers <<<"$layers"
		read -r floor <<<"$floor"
		eval "args=\"$args\""
		if ! ip -n "$a" link add tun0 $args 2>/dev/null; then
			if have_type "$a" "$(echo "$args" | awk '{ print $1, $2 }')"; then
				err "$layers: ip link add tun0 $args failed"
				fails=$((fails + 1))
			else
				echo "skip $layers: the kernel lacks it" >>"$COMPARISONS"
			fi
			continue
		fi
		# shellcheck disable=SC2086
		want=$(expected "$mtu" $layers)
		got=$(dev_mtu "$a" tun0)
		compare "lower MTU $mtu: $layers" "$want" "$got" "$floor" ||
			fails=$((fails + 1))
		ip -n "$a" link del tun0
		n=$((n + 1))
	done <<<"$CASES"
	[ $n -gt 20 ] || { err "only $n device types could be created"; return 1; }
	[ $fails -eq 0 ]
}

# vxlan over a gre device: the vxlan device takes the gre device's MTU as
# its lower MTU.
test_stacked() {
	local mtu=1437 got

	setup_link $mtu || return 1
	ip -n "$a" link add gre1 type gre local $L4 remote $R4 dev veth0 key 9 ||
		return 1
	ip -n "$a" addr add 10.77.0.1/30 dev gre1
	ip -n "$a" link set gre1 up
	ip -n "$a" link add vx1 type vxlan id 77 local 10.77.0.1 \
		remote 10.77.0.2 dev gre1 dstport 4789 || return 1
	got=$(dev_mtu "$a" vx1)
	compare "lower MTU $mtu: gre key vxlan" \
		"$(expected $mtu gre key vxlan)" "$got" 68 || return 1
	ip -n "$a" link add gt1 type gretap local 10.77.0.1 remote 10.77.0.2 \
		dev gre1 seq || return 1
	compare "lower MTU $mtu: gre key gretap seq" \
		"$(expected $mtu gre key gretap seq)" "$(dev_mtu "$a" gt1)" 68
}

# route_mtus NS ADDR...: the path MTU a connected UDP socket in NS gets
# toward each ADDR (IP_MTU, IPV6_MTU), one a line.
route_mtus() {
	local ns=$1

	shift
	ip netns exec "$ns" python3 - "$@" <<-'EOF'
	import socket, sys
	for addr in sys.argv[1:]:
	    if ':' in addr:
	        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
	        opt = (socket.IPPROTO_IPV6, 24)  # IPV6_MTU
	    else:
	        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	        opt = (socket.IPPROTO_IP, 14)  # IP_MTU
	    s.connect((addr, 9))
	    print(s.getsockopt(*opt))
	EOF
}

test_mpls() {
	local mtu labels stack fails=0 got4 got6
	local -a got

	modprobe mpls_iptunnel 2>/dev/null || {
		echo "mpls_iptunnel not available"
		return $ksft_skip
	}
	for mtu in $MTUS; do
		setup_link "$mtu" || return 1
		for labels in 1 3 8; do
			stack=$(seq -s / 100 $((99 + labels)))
			ip -n "$a" route add 10.99.$labels.0/24 encap mpls "$stack" \
				via $R4 dev veth0 || return 1
			ip -n "$a" -6 route add fd00:99:$labels::/64 encap mpls \
				"$stack" via inet6 $R6 dev veth0 || return 1
		done
		mapfile -t got <<<"$(route_mtus "$a" 10.99.1.1 fd00:99:1::1 \
			10.99.3.1 fd00:99:3::1 10.99.8.1 fd00:99:8::1)"
		for labels in 1 3 8; do
			got4=${got[0]} got6=${got[1]}
			got=("${got[@]:2}")
			compare "lower MTU $mtu: mpls $labels, IPv4 route" \
				"$(expected "$mtu" mpls $labels)" "$got4" 68 ||
				fails=$((fails + 1))
			compare "lower MTU $mtu: mpls $labels, IPv6 route" \
				"$(expected "$mtu" mpls $labels)" "$got6" 68 ||
				fails=$((fails + 1))
		done
		cleanup_ns
	done
	[ $fails -eq 0 ]
}

# wg_setup() gives every device ETH_DATA_LEN - 80 (IPv6, UDP, WireGuard
# header and tag) whatever the lower device: only that default compares.
test_wireguard() {
	setup_ns a || return 1
	ip -n "$a" link add wg0 type wireguard 2>/dev/null || {
		echo "wireguard not available"
		return $ksft_skip
	}
	compare "wireguard default (lower MTU 1500, IPv6 underlay)" \
		"$(expected 1500 wireguard6)" "$(dev_mtu "$a" wg0)" 68
}

# run NAME ARGS...: run_test, then the comparisons it made as comments.
run() {
	run_test "$@"
	sed 's/^/# /' "$COMPARISONS"
	: >"$COMPARISONS"
}

for mtu in $MTUS; do
	run "tunnel device MTUs over a $mtu-byte link" test_devices "$mtu"
done
run "vxlan and gretap over a gre device" test_stacked
run "mpls encap routes, 1 to 8 labels" test_mpls
run "wireguard default MTU" test_wireguard
exit_status
