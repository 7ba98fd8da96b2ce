#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `pmtufix overhead ... esp' against the MTU the kernel's xfrm enforces:
# every cipher suite below in transport, tunnel and tunnel6 mode over a
# 1437-byte link, the two with the largest blocks also over 1500, 1400,
# 1280 and 9000, and two with NAT-T in each mode over 1500 and 1437.
#
#   $a (sender)                                  $b (receiver)
#   lo 10.9.1.1 fd00:9:1::1                      lo 10.9.2.1 fd00:9:2::1
#   veth0 10.1.0.1 fd00:1::1  ---- MTU M ----    veth0 10.1.0.2 fd00:1::2
#     ip xfrm state/policy out                     ip xfrm state/policy in
#
#   transport  UDP between the veth addresses, each family over its own SA
#   tunnel     UDP between the lo addresses, both families over one SA with
#              an IPv4 outer header
#   tunnel6    likewise with an IPv6 outer header
#   natt       the same with `encap espinudp 4500 4500'
#
# The measure: a UDP socket in $a connected to $b, with DF (IPv4
# IP_PMTUDISC_DO, IPv6 IPV6_DONTFRAG).  Its IP_MTU/IPV6_MTU is the MTU of
# the xfrm bundle, which xfrm_init_pmtu() sets from xfrm_state_mtu(); TCP
# takes its segment size from the same bundle.  Then, to be sure that this
# is exactly what fits on the wire:
# - a datagram of exactly that MTU is sent, must leave without being
#   fragmented (FragCreates unchanged) and must reach $b's socket;
# - a datagram one byte larger must be refused (EMSGSIZE) or need
#   fragmentation (FragCreates or FragFails grows): the MTU is exact, not
#   merely safe.  Debian's 6.1 and 6.12 refuse it in every mode.
# Every value must equal `pmtufix overhead --mtu M esp MODE SUITE'.

source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tunnels.sh"

MTUS="1500 1400 1280 9000 1437"
PORT=9000

COMPARISONS=$(mktemp)
trap 'rm -f "$COMPARISONS"' EXIT

setup() {
	local ma mb

	topo <<-EOF || return 1
	ns	a b
	veth	a veth0		b veth0
	addr	a veth0		10.1.0.1/24 fd00:1::1/64
	addr	b veth0		10.1.0.2/24 fd00:1::2/64
	addr	a lo		10.9.1.1/32 fd00:9:1::1/128
	addr	b lo		10.9.2.1/32 fd00:9:2::1/128
	ip	a route add 10.9.2.1/32 via 10.1.0.2 src 10.9.1.1
	ip	a route add fd00:9:2::1/128 via fd00:1::2 src fd00:9:1::1
	route	b 10.9.1.1/32	10.1.0.1
	route	b fd00:9:1::1/128 fd00:1::1
	EOF
	# Known neighbours: no resolution delays the first datagram.
	ma=$(mac "$a") mb=$(mac "$b")
	ip -n "$a" -batch - <<-EOF &&
	neigh add 10.1.0.2 lladdr $mb dev veth0
	neigh add fd00:1::2 lladdr $mb dev veth0
	EOF
	ip -n "$b" -batch - <<-EOF
	neigh add 10.1.0.1 lladdr $ma dev veth0
	neigh add fd00:1::1 lladdr $ma dev veth0
	EOF
}

mac() {
	ip -n "$1" -j link show dev veth0 | jq -r '.[0].address'
}

set_mtu() {
	ip -n "$a" link set veth0 mtu "$1"
	ip -n "$b" link set veth0 mtu "$1"
}

# xfrm MODE NATT ALGO...: one SA from $a to $b per outer family the mode
# uses, the same state in both, out policies in $a and in policies in $b.
# Written as one `ip -batch' per namespace: this runs a few hundred times.
xfrm() {
	local mode=$1 natt=$2 ns

	shift 2
	for ns in "$a" "$b"; do
		xfrm_lines "$ns" "$mode" "$natt" "$@" | ip -n "$ns" -batch - ||
			return 1
	done
}

xfrm_lines() {
	local ns=$1 mode=$2 natt=$3 o1=10.1.0.1 o2=10.1.0.2 any=0.0.0.0

	shift 3
	[ "$mode" = tunnel6 ] && o1=fd00:1::1 o2=fd00:1::2 any=::
	echo "xfrm state flush"
	echo "xfrm policy flush"
	case $mode in
	transport)
		sa 10.1.0.1 10.1.0.2 0x101 transport "$natt" 0.0.0.0 "$@"
		pol "$ns" 10.1.0.1 10.1.0.2 10.1.0.1 10.1.0.2 0x101 transport
		sa fd00:1::1 fd00:1::2 0x102 transport "$natt" :: "$@"
		pol "$ns" fd00:1::1 fd00:1::2 fd00:1::1 fd00:1::2 0x102 transport
		;;
	*)
		sa $o1 $o2 0x100 tunnel "$natt" $any "$@" flag af-unspec
		pol "$ns" 10.9.1.1 10.9.2.1 $o1 $o2 0x100 tunnel
		pol "$ns" fd00:9:1::1 fd00:9:2::1 $o1 $o2 0x100 tunnel
		;;
	esac
}

# sa SRC DST SPI MODE NATT ANY ALGO...: a state line.
sa() {
	local src=$1 dst=$2 spi=$3 mode=$4 natt=$5 any=$6 encap=

	shift 6
	[ "$natt" = 1 ] && encap="encap espinudp 4500 4500 $any"
	echo "xfrm state add src $src dst $dst proto esp spi $spi reqid $spi" \
		"mode $mode $* $encap"
}

# pol NS SEL_SRC SEL_DST OUTER_SRC OUTER_DST REQID MODE: a policy line, out
# in $a and in in $b, for the test's UDP port only: neighbour discovery
# stays in the clear, and so does ESP in UDP on port 4500, which the
# receiving socket checks against the in policies before decapsulating.
pol() {
	local dir=out

	[ "$1" = "$b" ] && dir=in
	echo "xfrm policy add src $2 dst $3 proto udp dport $PORT dir $dir" \
		"tmpl src $4 dst $5 proto esp reqid $6 mode $7"
}

# Runs in $b: prints "FAMILY LENGTH" for each datagram to $PORT, and keeps
# UDP encapsulation sockets on 4500 for NAT-T.
receiver() {
	ip netns exec "$b" python3 -u - "$PORT" <<-'EOF'
	import select, socket, sys
	port = int(sys.argv[1])
	socks = {}
	for fam, any6 in ((socket.AF_INET, '0.0.0.0'), (socket.AF_INET6, '::')):
	    for p, label in ((port, 4 if fam == socket.AF_INET else 6),
	                     (4500, None)):
	        s = socket.socket(fam, socket.SOCK_DGRAM)
	        if fam == socket.AF_INET6:
	            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
	        s.bind((any6, p))
	        if not label:
	            s.setsockopt(socket.IPPROTO_UDP, 100, 2)  # UDP_ENCAP_ESPINUDP
	        socks[s] = label
	print('ready', flush=True)
	while True:
	    for s in select.select(list(socks), [], [])[0]:
	        data = s.recv(70000)
	        if socks[s]:
	            print(socks[s], len(data), flush=True)
	EOF
}

# The measuring side, in $a, one request a line: "FAMILY DST" gives
# "MTU FIT PLUS1" (see the top), on a new socket each time.
SENDER='
import errno, socket, sys

def counters(fam):
    if fam == "4":
        rows = [l.split() for l in open("/proc/net/snmp") if l.startswith("Ip:")]
        d = dict(zip(rows[0], rows[1]))
        return int(d["FragCreates"]), int(d["FragFails"])
    d = dict(l.split() for l in open("/proc/net/snmp6"))
    return int(d["Ip6FragCreates"]), int(d["Ip6FragFails"])

def send(s, fam, hdr, n):
    before = counters(fam)
    try:
        s.send(b"x" * (n - hdr))
    except OSError as e:
        return "refused" if e.errno == errno.EMSGSIZE else e.strerror
    after = counters(fam)
    if after[0] > before[0]:
        return "fragmented"
    if after[1] > before[1]:
        return "toobig"
    return "whole"

def measure(fam, dst, port):
    if fam == "4":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IP, 10, 2)        # IP_PMTUDISC_DO
        hdr, opt = 28, (socket.IPPROTO_IP, 14)        # IP_MTU
    else:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.setsockopt(socket.IPPROTO_IPV6, 23, 2)      # IPV6_PMTUDISC_DO
        s.setsockopt(socket.IPPROTO_IPV6, 62, 1)      # IPV6_DONTFRAG
        hdr, opt = 48, (socket.IPPROTO_IPV6, 24)      # IPV6_MTU
    try:
        s.connect((dst, port))
        mtu = s.getsockopt(*opt)
        return "%d %s %s" % (mtu, send(s, fam, hdr, mtu),
                             send(s, fam, hdr, mtu + 1))
    except OSError as e:
        return "0 %s -" % e.strerror.replace(" ", "_")
    finally:
        s.close()

for line in sys.stdin:
    fam, dst = line.split()
    print(measure(fam, dst, int(sys.argv[1])), flush=True)
'

# measure MTU MODE NATT WORDS FAMILY DST WANT LOG: one comparison.
measure() {
	local mtu=$1 mode=$2 natt=$3 words=$4 fam=$5 dst=$6 want=$7 log=$8
	local got fit plus1 what payload

	[ "$natt" = 1 ] && words="$words natt"
	what="link $mtu: esp $mode $words, IPv$fam inside"
	: >"$log"
	echo "$fam $dst" >&"${SENDER_IO[1]}"
	read -r -t 20 got fit plus1 <&"${SENDER_IO[0]}"
	if [ -z "$want" ] || [ "$want" != "$got" ]; then
		echo "FAIL $what: pmtufix $want, kernel $got ($fit)" >>"$COMPARISONS"
		err "$what: pmtufix $want, kernel $got ($fit)"
		return 1
	fi
	payload=$((got - (fam == 4 ? 28 : 48)))
	if [ "$fit" != whole ] || ! received "$log" "$fam $payload"; then
		echo "FAIL $what: $got-byte datagram: $fit, not received" >>"$COMPARISONS"
		err "$what: a $got-byte datagram was not carried whole ($fit)"
		return 1
	fi
	case $plus1 in
	refused | fragmented | toobig) ;;
	*)
		echo "FAIL $what: $((got + 1)) bytes: $plus1" >>"$COMPARISONS"
		err "$what: $((got + 1)) bytes also fit ($plus1)"
		return 1
		;;
	esac
	echo "ok   $what: $got (+1 $plus1)" >>"$COMPARISONS"
}

# received LOG LINE: the receiver logged LINE, within 3 seconds.  Bash
# only: this runs for every datagram.
received() {
	local i line

	for ((i = 0; i < 60; i++)); do
		while read -r line; do
			[ "$line" = "$2" ] && return 0
		done <"$1"
		sleep 0.05
	done
	return 1
}

# wanted MTU MODE NATT WORDS: "IPV4 IPV6" from pmtufix overhead's table.
wanted() {
	local words=$4 label

	[ "$3" = 1 ] && words="$words natt"
	# shellcheck disable=SC2086
	pmtufix overhead --mtu "$1" esp "$2" $words |
	while read -r label rest; do
		[ "$label" = inner ] && echo "${rest#MTU }"
	done
}

# The matrix, kept to what a slow emulated machine runs in minutes: every
# suite over the odd MTU (each suite's header, ICV and block size), the
# two suites with the largest blocks over every MTU (the alignment), and
# NAT-T, which only adds 8 bytes of header, with two suites.
FULL_MTUS=" 1437 "
SHORT="|aes-cbc hmac-sha256|3des-cbc hmac-sha1|"
NATT_MTUS=" 1500 1437 "
NATT="|aes-gcm|aes-cbc hmac-sha256|"

selected() {
	local mtu=$1 natt=$2 words=$3

	if [ "$natt" = 1 ]; then
		[[ $NATT_MTUS == *" $mtu "* && $NATT == *"|$words|"* ]]
	else
		[[ $FULL_MTUS == *" $mtu "* || $SHORT == *"|$words|"* ]]
	fi
}

# test_mode MODE NATT: the suites at every link MTU.
test_mode() {
	local mode=$1 natt=$2 mtu words algo log pid fails=0 n=0 d4 d6 w4 w6
	local -a w

	require_cmd python3 jq || return $?
	setup || return 1
	log=$(mktemp)
	receiver >>"$log" &
	pid=$!
	busywait 10000 grep -q ready "$log" || { err "no receiver"; return 1; }
	coproc SENDER_IO { ip netns exec "$a" python3 -u -c "$SENDER" "$PORT"; }
	d4=10.9.2.1 d6=fd00:9:2::1
	[ "$mode" = transport ] && d4=10.1.0.2 d6=fd00:1::2
	for mtu in $MTUS; do
		set_mtu "$mtu"
		while IFS='|' read -r words algo; do
			[ -n "$words" ] || continue
			read -r -a w <<<"$words"
			words="${w[*]}"
			selected "$mtu" "$natt" "$words" || continue
			# shellcheck disable=SC2086
			xfrm "$mode" "$natt" $algo || {
				err "esp $mode $words: ip xfrm refused the SA"
				fails=$((fails + 1))
				continue
			}
			read -r w4 w6 <<<"$(wanted "$mtu" "$mode" "$natt" "$words")"
			measure "$mtu" "$mode" "$natt" "$words" 4 $d4 "$w4" "$log" ||
				fails=$((fails + 1))
			measure "$mtu" "$mode" "$natt" "$words" 6 $d6 "$w6" "$log" ||
				fails=$((fails + 1))
			n=$((n + 2))
		done <<<"$ESP_SUITES"
	done
	kill "$pid" "$SENDER_IO_PID" 2>/dev/null
	rm -f "$log"
	[ $n -gt 0 ] || { err "nothing measured"; return 1; }
	[ $fails -eq 0 ]
}

# run NAME ARGS...: run_test, then the comparisons it made as comments.
run() {
	run_test "$@"
	sed 's/^/# /' "$COMPARISONS"
	: >"$COMPARISONS"
}

run "esp transport" test_mode transport 0
run "esp tunnel (IPv4 outer)" test_mode tunnel 0
run "esp tunnel6 (IPv6 outer)" test_mode tunnel6 0
run "esp transport with NAT-T" test_mode transport 1
run "esp tunnel with NAT-T" test_mode tunnel 1
run "esp tunnel6 with NAT-T" test_mode tunnel6 1
exit_status
