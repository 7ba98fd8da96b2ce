#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real SYNs and SYN-ACKs, replayed through a router: first through the
# kernel's own TCPMSS target, the oracle, then through PMTUFIX with a table
# that gives the same MSS, and compared byte for byte.
#
#   client ($c)            router ($r)                     server ($s)
#   veth0 --------------- veth0           veth1 ---------- veth0
#   pytool pcap send      203.0.113.1/30  198.51.100.1/30  pytool pcap capture
#   (AF_PACKET, to the    default routes (v4 and v6) via   (AF_PACKET, no
#   router's MAC)         veth1 to a static neighbour      addresses)
#                         with the server's MAC
#                         mangle FORWARD -p tcp
#                         --tcp-flags SYN,RST SYN -j ...
#
# The packets are the SYN and SYN-ACK that `pytool pcap' extracts from
# the captures in $PMTUFIX_PCAPS (default ../shared/pcaps beside the
# checkout, else their copy in tests/data/pcap-syns.stream), unwrapped
# from their link layers and tunnels but otherwise byte for byte as
# captured, plus the crafted ones of `pcap synth` (MSS at odd offsets,
# several MSS options, MSS after EOL, bad option lengths).  Their addresses
# stay as they are: the default routes take any destination to the server
# side.  Each packet follows a marker packet, so what came out is known
# packet by packet.
#
# Every packet goes through three times: with no rule (what the router
# itself does: decrement the TTL, drop martians and bad IPv4 header
# checksums), with -j TCPMSS --set-mss (1360 for IPv4, 1340 for IPv6), and
# with -j PMTUFIX over a table whose only entries, 0.0.0.0/0 and ::/0, have
# mtu 1400 (MSS = mtu - 40 for IPv4, mtu - 60 for IPv6).  `pcap explain`
# holds a model of each target: the output of each run must be what the
# model makes of the no-rule output, and where TCPMSS and PMTUFIX differ
# the difference must be one of these:
#
# - TCPMSS drops a packet whose TCP header is longer than the packet (a
#   data offset past the end, the first fragment of a fragmented SYN);
#   PMTUFIX forwards it unchanged.
# - Malformed options (a length of 0 or 1, an MSS option that is not 4
#   bytes long): TCPMSS walks on and rewrites an MSS option it finds after
#   them; PMTUFIX leaves the packet alone.
# - An MSS option after EOL: TCPMSS walks past EOL and clamps it; PMTUFIX
#   stops at EOL, sees no MSS option and inserts one.
# - Several MSS options: TCPMSS looks at the first only; PMTUFIX clamps
#   every one above the limit.
# - An MSS option at an odd offset (after one NOP): TCPMSS updates the TCP
#   checksum as if the field were aligned and gets it wrong (unless the
#   change happens to be a multiple of 257); PMTUFIX updates the aligned
#   32-bit word around the field and gets it right.
#
# Both targets clamp SYN-ACKs as well as SYNs (the rule matches both), and
# both insert an MSS option (536 for IPv4, 1220 for IPv6 at most) into a
# SYN that has none, no data and room for it.
#
# Last, the same table as the nftables script `pmtufix nft' makes of it,
# loaded alone: the output must be what a model of nft_exthdr makes of the
# no-rule output, and where it differs from PMTUFIX's the difference must
# be one of these: nft inserts no MSS option; it walks over malformed
# lengths and past EOL (and so clamps an MSS there); it clamps the first
# of several MSS options; at an odd offset it gets the TCP checksum wrong
# as TCPMSS does.
#

source "$(dirname "$0")/../lib/lib.sh"

PCAPS=${PMTUFIX_PCAPS:-$PMTUFIX_TOP/../shared/pcaps}
MTU=1400
MSS4=$((MTU - 40))
MSS6=$((MTU - 60))
R_IN4=203.0.113.1
C_ADDR4=203.0.113.2
R_OUT4=198.51.100.1
NH4=198.51.100.2
NH6=fe80::2

mac_of() {
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# setup: the namespaces and links above; sets CMAC, RMAC and SMAC.
setup() {
	topo <<-EOF || return 1
	ns	c r s
	veth	c veth0		r veth0
	veth	r veth1		s veth0
	addr	r veth0		$R_IN4/30
	addr	r veth1		$R_OUT4/30
	fwd	r
	sysctl	r net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	sysctl	r net.ipv4.conf.veth0.rp_filter=0 net.ipv4.conf.veth1.rp_filter=0
	EOF
	CMAC=$(mac_of "$c" veth0)
	RMAC=$(mac_of "$r" veth0)
	SMAC=$(mac_of "$s" veth0)
	ip -n "$r" -batch - <<-EOF
	neigh add $NH4 lladdr $SMAC dev veth1 nud permanent
	route add default via $NH4 dev veth1
	neigh add $NH6 lladdr $SMAC dev veth1 nud permanent
	route add ::/0 via $NH6 dev veth1
	EOF
}

# replay NAME: sends every packet through the router as it is set up now,
# and records what arrives at the server in $TMPDIR_T/NAME.stream.
replay() {
	local out=$TMPDIR_T/$1.stream n pid

	n=$(pytool pcap dump "$TMPDIR_T/sent.stream" | wc -l)
	: >"$out.err"
	pytool -n "$s" pcap capture veth0 120 -o "$out" \
		--stop-mark "$n" 2>"$out.err" &
	pid=$!
	busywait 30000 grep -q ready "$out.err" || {
		err "$1: capture did not start: $(cat "$out.err")"
		return 1
	}
	pytool -n "$c" pcap send veth0 "$CMAC" "$RMAC" \
		"$TMPDIR_T/sent.stream" --marks $C_ADDR4,$NH4 || {
		err "$1: sending failed"
		kill $pid
		return 1
	}
	wait $pid
	info "$1: $(pytool pcap dump "$out" | wc -l) packets captured"
}

rules_tcpmss() {
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		--tcp-flags SYN,RST SYN -j TCPMSS --set-mss $MSS4 &&
	ip netns exec "$r" ip6tables -t mangle -A FORWARD -p tcp \
		--tcp-flags SYN,RST SYN -j TCPMSS --set-mss $MSS6
}

# rules_pmtufix [insert|ignore]: the table and the rules.
rules_pmtufix() {
	local missing=${1:-insert}

	ip netns exec "$r" pmtufix table create T &&
	ip netns exec "$r" pmtufix table add T 0.0.0.0/0 mtu $MTU &&
	ip netns exec "$r" pmtufix table add T ::/0 mtu $MTU &&
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		--tcp-flags SYN,RST SYN -j PMTUFIX --table-name T \
		--missing-mss "$missing" &&
	ip netns exec "$r" ip6tables -t mangle -A FORWARD -p tcp \
		--tcp-flags SYN,RST SYN -j PMTUFIX --table-name T \
		--missing-mss "$missing"
}

flush_rules() {
	ip netns exec "$r" iptables -t mangle -F FORWARD
	ip netns exec "$r" ip6tables -t mangle -F FORWARD
}

# The router alone, then TCPMSS: both outputs must be what the model of
# TCPMSS says, packet by packet.
test_tcpmss() {
	setup || return 1
	replay plain || return 1
	rules_tcpmss || {
		err "cannot add the TCPMSS rules"
		return 1
	}
	replay tcpmss || return 1
	flush_rules
	pytool pcap explain "$TMPDIR_T/sent.stream" \
		"$TMPDIR_T/plain.stream" "$TMPDIR_T/tcpmss.stream" \
		--mss4 $MSS4 --mss6 $MSS6 >"$TMPDIR_T/tcpmss.txt"
	local rc=$?
	cat "$TMPDIR_T/tcpmss.txt"
	return $rc
}

# The same, then PMTUFIX: its output must be what its model says, its
# counters must add up, and each difference from TCPMSS must be one of the
# documented ones.
test_pmtufix() {
	setup || return 1
	# The runs without a rule and with TCPMSS, from the test before.
	[ -s "$TMPDIR_T/plain.stream" ] && [ -s "$TMPDIR_T/tcpmss.stream" ] || {
		err "the TCPMSS test left no output to compare with"
		return 1
	}
	rules_pmtufix || {
		err "cannot set up the PMTUFIX table and rules"
		return 1
	}
	replay pmtufix || return 1
	ip netns exec "$r" pmtufix stats T --json >"$TMPDIR_T/counters.json" || {
		err "pmtufix stats T --json failed"
		return 1
	}
	info "counters: $(cat "$TMPDIR_T/counters.json")"
	pytool pcap explain "$TMPDIR_T/sent.stream" \
		"$TMPDIR_T/plain.stream" "$TMPDIR_T/tcpmss.stream" \
		"$TMPDIR_T/pmtufix.stream" --mss4 $MSS4 --mss6 $MSS6 \
		--counters "$TMPDIR_T/counters.json"
}

# With --missing-mss ignore, what carries no MSS option comes out as the
# router alone forwards it, and what does is clamped as with the default.
test_missing_ignore() {
	setup || return 1
	[ -s "$TMPDIR_T/plain.stream" ] && [ -s "$TMPDIR_T/pmtufix.stream" ] || {
		err "the tests before left no output to compare with"
		return 1
	}
	rules_pmtufix ignore || return 1
	replay ignore || return 1
	pytool pcap ignored "$TMPDIR_T/sent.stream" "$TMPDIR_T/plain.stream" \
		"$TMPDIR_T/pmtufix.stream" "$TMPDIR_T/ignore.stream"
}

# The same table as the script of `pmtufix nft', loaded with nft -f alone:
# its output must be what a model of nft_exthdr says, and each difference
# from PMTUFIX one of the documented ones.
test_nft() {
	setup || return 1
	[ -s "$TMPDIR_T/plain.stream" ] && [ -s "$TMPDIR_T/pmtufix.stream" ] || {
		err "the tests before left no output to compare with"
		return 1
	}
	require_cmd nft || return $?
	printf '%s\n' "0.0.0.0/0 mtu $MTU" "::/0 mtu $MTU" >"$TMPDIR_T/t.conf"
	ip netns exec "$r" pmtufix nft "$TMPDIR_T/t.conf" >"$TMPDIR_T/t.nft" &&
	ip netns exec "$r" nft -f "$TMPDIR_T/t.nft" || {
		err "cannot load the script of pmtufix nft"
		return 1
	}
	replay nft || return 1
	pytool pcap nft "$TMPDIR_T/sent.stream" "$TMPDIR_T/plain.stream" \
		"$TMPDIR_T/pmtufix.stream" "$TMPDIR_T/nft.stream" \
		--mss4 $MSS4 --mss6 $MSS6 >"$TMPDIR_T/nft.txt"
	local rc=$?
	cat "$TMPDIR_T/nft.txt"
	grep '^# ' "$TMPDIR_T/nft.txt" | while read -r line; do
		info "${line#\# }"
	done
	return $rc
}

TMPDIR_T=$(mktemp -d)
trap 'rm -rf "$TMPDIR_T"' EXIT

# The packets: every capture's SYNs (from the captures when they are
# around, else as extracted into tests/data/), then the crafted ones.
prepare() {
	local files=()

	shopt -s nullglob
	files=("$PCAPS"/*.pcap "$PCAPS"/*.pcapng)
	shopt -u nullglob
	if [ ${#files[@]} -gt 0 ]; then
		pytool pcap stream -o "$TMPDIR_T/real.stream" "${files[@]}" ||
			return 1
	else
		cp "$PMTUFIX_TOP/tests/data/pcap-syns.stream" \
			"$TMPDIR_T/real.stream" || return 1
	fi
	pytool pcap synth -o "$TMPDIR_T/synth.stream" &&
	cat "$TMPDIR_T/real.stream" "$TMPDIR_T/synth.stream" \
		>"$TMPDIR_T/sent.stream" &&
	info "$(pytool pcap dump "$TMPDIR_T/sent.stream" | wc -l) packets"
}

run_test "extract the SYNs of the captures" prepare
if [ -s "$TMPDIR_T/sent.stream" ]; then
	run_test "TCPMSS --set-mss through a router matches its model" test_tcpmss
	run_test "PMTUFIX through a router: model, counters, differences from TCPMSS" \
		test_pmtufix
	run_test "--missing-mss ignore leaves SYNs without MSS alone" \
		test_missing_ignore
	run_test "pmtufix nft through a router: its model, differences from PMTUFIX" \
		test_nft
fi
exit_status
