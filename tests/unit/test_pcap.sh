#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pytool pcap (tests/lib/nettest) against the real captures: how many SYN
# and SYN-ACK it extracts from each, and what it says about the odd ones,
# as established with `tcpdump -nn -v -r` (the notes say where it sees
# more than tcpdump does).  Then the encapsulations the captures lack (VXLAN, ERSPAN
# II/III, 6in4, SLL2, null/loopback, an MPLS pseudowire, pcapng), wrapped
# here around a captured SYN and unwrapped again, and the stream and write
# modes.  Runs on the host; needs python3 and jq, not the module.
#
# Usage: tests/unit/test_pcap.sh [PCAP_DIR]   (default: $PMTUFIX_PCAPS or
# ../shared/pcaps next to the checkout).  Exit 0 pass, 1 fail, 4 skip.

top=$(cd "$(dirname "$0")/../.." && pwd)
pcaps=${1:-${PMTUFIX_PCAPS:-$top/../shared/pcaps}}
PMTUFIX_TOP=$top
source "$top/tests/lib/lib.sh"
checks=0
failures=0

for c in python3 jq; do
	command -v $c >/dev/null || { echo "ok pcap # SKIP $c missing"; exit 4; }
done
[ -d "$pcaps" ] || { echo "ok pcap # SKIP no captures in $pcaps"; exit 4; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	checks=$((checks + 1))
	[ "$1" = "$2" ] && return 0
	failures=$((failures + 1))
	echo "not ok - $3: expected '$1', got '$2'"
}

pytool pcap list --json "$pcaps"/*.pcap >"$tmp/all.json" ||
	check 0 $? "pcap list"

# q JQ-FILTER: one line per result over all extracted packets.
q() {
	jq -r "$1" "$tmp/all.json"
}

# The packet FILE#INDEX, as a JSON object.
pkt() {
	jq -c --arg f "$1" --arg i "$2" \
		'select(.file == $f and .index == $i)' "$tmp/all.json"
}

# field FILE INDEX JQ-PATH
field() {
	pkt "$1" "$2" | jq -r "$3"
}

# Packets with the SYN bit per capture: the count of `tcpdump -nn -v -r`
# lines with S in "Flags [...]" (tcpdump decodes all of these
# encapsulations too).
declare -A want=(
	[sv__bug-4810_pppoe-session-http.pcap]=2
	[sv__bug-5633-gre-02_gre-sample.pcap]=2
	[sv__bug-6402-01_input.pcap]=2
	[sv__bug-76_input.pcap]=4
	[sv__bug-814_input.pcap]=2
	[sv__issue-3341-tcphdr-01_urgent11_cve_2019_12260.pcap]=5
	[sv__mac-eve-packet_test.pcap]=2
	[sv__tcp-fastopen-07_tcp_fastopen_segmentation.pcap]=4
	[sv__tcp-fastopen-10-syn-data-ignore_input.pcap]=20
	[sv__tcp-hdr-keyword_input.pcap]=1
	[sv__tcp-mss-keyword_input.pcap]=1
	[tcpdump__accecn_handshake.pcap]=2
	[tcpdump__geneve.pcap]=2
	[tcpdump__mptcp-dss-oobr.pcap]=1
	[tcpdump__mptcp-v0.pcap]=4
	[tcpdump__mptcp-v1.pcap]=2
	[tcpdump__scps_invalid.pcap]=2
	[tcpdump__ssh.pcap]=2
	[tcpdump__tcp-handshake-nano.pcap]=2
	[tcpdump__tfo-5c1fa7f9ae91.pcap]=5
	[zeek__chksums_ip6-hoa-tcp-good-chksum.pcap]=1
	[zeek__chksums_ip6-route0-tcp-good-chksum.pcap]=1
	[zeek__erspan.pcap]=10
	[zeek__ipv4_fragmented-syn.pcap]=1
	[zeek__ipv6-http-atomic-frag.pcap]=8
	[zeek__mixed-vlan-mpls.pcap]=5
	[zeek__pppoe-over-qinq.pcap]=2
	[zeek__tcp_option-27.pcap]=1
	[zeek__tcp_options.pcap]=2
	[zeek__tcp_payload-syn.pcap]=2
	[zeek__tcp_syn-bad.pcap]=1
	[zeek__tcp_syn.pcap]=1
	[zeek__tcp_window-scale-range.pcap]=2
	[zeek__tunnels_4in6.pcap]=1
	[zeek__tunnels_geneve-many-options.pcap]=2
)
for f in "${!want[@]}"; do
	if [ ! -f "$pcaps/$f" ]; then
		check present missing "$f"
		continue
	fi
	check "${want[$f]}" "$(jq -r --arg f "$f" 'select(.file == $f) | .file' \
		"$tmp/all.json" | wc -l)" "SYNs in $f"
	if command -v tcpdump >/dev/null; then
		check "${want[$f]}" "$(tcpdump -nn -v -r "$pcaps/$f" 2>/dev/null |
			grep -c 'Flags \[[A-Z.]*S')" "tcpdump's count for $f"
	fi
done
check 107 "$(q .file | wc -l)" "SYNs in all captures"
check 44 "$(q 'select(.flags | contains(".")) | .file' | wc -l)" "SYN-ACKs"
check 12 "$(q 'select(.family == 6) | .file' | wc -l)" "IPv6 SYNs"

# MSS 8: after a NOP (odd offset 21) in one capture, first in the other.
check "sv__tcp-hdr-keyword_input.pcap 21
sv__tcp-mss-keyword_input.pcap 20" \
	"$(q 'select(.mss == [8]) | "\(.file) \(.mss_off[0])"')" "MSS 8"
# No capture holds MSS 65535 (only windows of 65535); the largest MSS is
# the 16396 of a loopback SYN.
check 0 "$(q 'select(.mss != null) | .mss[] | select(. == 65535)' | wc -l)" \
	"MSS 65535"
check 16396 "$(q 'select(.mss != null) | .mss[]' | sort -n | tail -n 1)" \
	"largest MSS"
check "zeek__tcp_window-scale-range.pcap#1" \
	"$(q 'select(.wscale == 255) | "\(.file)#\(.index)"')" "wscale 255"
check 11 "$(field tcpdump__ssh.pcap 2 '[.options[] | select(.[0] == 1)] | length')" \
	"11 NOPs in a row"

# The SYN split across IPv4 fragments: the first fragment carries 24 of
# the 40 header bytes.
check "true 40 24 truncated null" \
	"$(field zeek__ipv4_fragmented-syn.pcap 1 '"\(.frag) \(.tcp_hdrlen) \(.tcp_avail) \(.opts) \(.csum)"')" \
	"fragmented SYN"
# Headers longer than the packet: "bad hdr length" in tcpdump.
check "24 20 truncated" \
	"$(field sv__mac-eve-packet_test.pcap 1 '"\(.tcp_hdrlen) \(.tcp_avail) \(.opts)"')" \
	"mac-eve header length"
check "SPUW 40 32 truncated" \
	"$(field sv__bug-76_input.pcap 46 '"\(.flags) \(.tcp_hdrlen) \(.tcp_avail) \(.opts)"')" \
	"bug-76 header length"
check 4 "$(q 'select(.opts == "truncated") | .file' | wc -l)" \
	"truncated headers"
check 0 "$(q 'select(.opts == "malformed") | .file' | wc -l)" \
	"malformed options in the captures"

# IPv6 extension headers: routing header type 0 with 2 segments left (the
# checksum verifies only over the final destination), home address
# option (verifies only with the home address as source, which tcpdump
# does not do), and the atomic-fragment capture's fragment, hop-by-hop and
# routing headers.
check "[43] ok" "$(field zeek__chksums_ip6-route0-tcp-good-chksum.pcap 1 '"\(.ext) \(.csum)"')" \
	"routing header"
check "[60] ok" "$(field zeek__chksums_ip6-hoa-tcp-good-chksum.pcap 1 '"\(.ext) \(.csum)"')" \
	"home address option"
check "[44] [0] [43] [60]" \
	"$(for i in 13 23 33 4; do field zeek__ipv6-http-atomic-frag.pcap $i '.ext|tostring'; done | xargs)" \
	"atomic fragment, hop-by-hop, routing, destination options"
check "false" "$(field zeek__ipv6-http-atomic-frag.pcap 13 .frag)" \
	"an atomic fragment is not a first fragment"

# TCP checksums that do not verify: tcpdump says "incorrect" for all but
# the last four, where it cannot tell (header longer than the packet, or
# a record longer than the snapshot length, which tcpdump cuts).
bad="sv__bug-76_input.pcap#2 sv__bug-76_input.pcap#3
	sv__tcp-fastopen-07_tcp_fastopen_segmentation.pcap#2
	sv__tcp-fastopen-07_tcp_fastopen_segmentation.pcap#10
	tcpdump__accecn_handshake.pcap#1 tcpdump__mptcp-v1.pcap#1
	tcpdump__mptcp-v1.pcap#2 tcpdump__scps_invalid.pcap#1
	tcpdump__scps_invalid.pcap#2 zeek__erspan.pcap#97 zeek__erspan.pcap#98
	zeek__erspan.pcap#166 zeek__erspan.pcap#167 zeek__erspan.pcap#169
	zeek__erspan.pcap#170 zeek__erspan.pcap#172 zeek__erspan.pcap#173
	zeek__erspan.pcap#275 zeek__erspan.pcap#276
	zeek__mixed-vlan-mpls.pcap#12 zeek__mixed-vlan-mpls.pcap#13
	zeek__tcp_syn-bad.pcap#1 zeek__tunnels_geneve-many-options.pcap#1
	sv__bug-76_input.pcap#46 sv__mac-eve-packet_test.pcap#1
	sv__mac-eve-packet_test.pcap#2 tcpdump__mptcp-dss-oobr.pcap#1"
check "$(printf '%s\n' $bad | sort | xargs)" \
	"$(q 'select(.csum == "bad") | "\(.file)#\(.index)"' | sort | xargs)" \
	"bad TCP checksums"
check "ok bad" "$(field zeek__tcp_syn.pcap 1 .csum) $(field zeek__tcp_syn-bad.pcap 1 .csum)" \
	"the good/bad checksum pair"
check "zeek__mixed-vlan-mpls.pcap#12 zeek__mixed-vlan-mpls.pcap#13" \
	"$(q 'select(.ip_csum_ok == false) | "\(.file)#\(.index)"' | xargs)" \
	"bad IPv4 header checksums"

# SYNs carrying data (TCP Fast Open, and a crafted one with 100 bytes).
check "$(echo sv__tcp-fastopen-07_tcp_fastopen_segmentation.pcap#1=65 \
	sv__tcp-fastopen-07_tcp_fastopen_segmentation.pcap#9=70 \
	sv__tcp-fastopen-10-syn-data-ignore_input.pcap#1=517 \
	tcpdump__tfo-5c1fa7f9ae91.pcap#13=4 zeek__tcp_payload-syn.pcap#1=100)" \
	"$(q 'select(.payload > 0) | "\(.file)#\(.index)=\(.payload)"' | xargs)" \
	"SYNs with data"

# Layers unwrapped.
for l in "sv__bug-4810_pppoe-session-http.pcap 1 eth/pppoe/ipv4" \
	 "zeek__pppoe-over-qinq.pcap 1 eth/vlan/vlan/pppoe/ipv4" \
	 "sv__bug-5633-gre-02_gre-sample.pcap 11 eth/ipv4/gre/ipv4" \
	 "sv__bug-6402-01_input.pcap 1 eth/ipv4/udp/geneve/ipv4/gre/ipv4" \
	 "tcpdump__geneve.pcap 3 eth/ipv4/udp/geneve/eth/ipv4" \
	 "zeek__tunnels_geneve-many-options.pcap 1 eth/ipv4/udp/geneve/eth/ipv4" \
	 "zeek__erspan.pcap 97 eth/ipv4/gre/eth/ipv4" \
	 "zeek__mixed-vlan-mpls.pcap 1 eth/mpls/ipv4" \
	 "zeek__mixed-vlan-mpls.pcap 34 eth/vlan/ipv4" \
	 "sv__bug-814_input.pcap 1 eth/vlan/ipv6" \
	 "tcpdump__mptcp-v1.pcap 1 sll/ipv4" \
	 "tcpdump__scps_invalid.pcap 1 raw/ipv4" \
	 "zeek__tunnels_4in6.pcap 1 eth/ipv6/ipv4"; do
	set -- $l
	check "$3" "$(field "$1" "$2" .layers)" "layers of $1#$2"
done
check "70.55.213.211 192.88.99.1" \
	"$(field zeek__tunnels_4in6.pcap 1 '"\(.src) \(.dst)"')" "4in6 inner"

# The list output, one line as documented.
check "zeek__tcp_window-scale-range.pcap 1 4 S 1460 28 ok eth/ipv4 wscale=255" \
	"$(pytool pcap list "$pcaps/zeek__tcp_window-scale-range.pcap" | sed -n 1p)" \
	"list line"

# Byte-exact: the IP packet as in the frame, Ethernet padding cut.
pytool pcap stream -o "$tmp/syn.stream" "$pcaps/zeek__tcp_syn.pcap" \
	"$pcaps/sv__mac-eve-packet_test.pcap"
check "zeek__tcp_syn.pcap#1 64 $(echo 4500 0040 df8e 4000 4006 6dd3 8d8e e405 \
	c096 bb2b e9d0 0050 fe21 323a 0000 0000 b002 ffff 3bc0 0000 0204 05b4 \
	0103 0304 0101 080a 164a dd20 0000 0000 0402 0000 | tr -d ' ')" \
	"$(pytool pcap dump "$tmp/syn.stream" | sed -n 1p)" \
	"stream of tcp_syn.pcap, as tcpdump -xx shows it"
check "sv__mac-eve-packet_test.pcap#1 40" \
	"$(pytool pcap dump "$tmp/syn.stream" | sed -n 2p | cut -d' ' -f1,2)" \
	"Ethernet padding cut"

pytool pcap write --tcp-header --prefix 000578 "$tmp/w" \
	"$pcaps/zeek__tcp_syn.pcap" "$pcaps/zeek__ipv4_fragmented-syn.pcap"
check "47 27" "$(stat -c %s "$tmp/w/zeek__tcp_syn_1.bin") $(stat -c %s "$tmp/w/zeek__ipv4_fragmented-syn_1.bin")" \
	"write --tcp-header sizes"

# What the captures lack, wrapped around tcp_syn.pcap's SYN.
out=$(PYTHONPATH=$top/tests/lib PYTHONDONTWRITEBYTECODE=1 python3 - \
	"$pcaps/zeek__tcp_syn.pcap" "$tmp/wrapped.pcapng" <<'EOF'
import struct
import sys

from nettest.decap import extract

syn = extract(sys.argv[1])[0][2]
eth = bytes(6) + bytes.fromhex("020000000001")
inner = eth + b"\x08\x00" + syn


def ip4(proto, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0, 64,
                    proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return h + payload


def udp(dport, payload):
    return struct.pack("!HHHH", 5555, dport, 8 + len(payload), 0) + payload


frames = [
    (1, eth + b"\x08\x00" + ip4(17, udp(4789, bytes.fromhex(
        "0800000000123400") + inner)), "eth/ipv4/udp/vxlan/eth/ipv4"),
    (1, eth + b"\x08\x00" + ip4(47, bytes.fromhex("100088be00000007") +
        bytes.fromhex("1001000000000005") + inner),
     "eth/ipv4/gre/erspan2/eth/ipv4"),
    (1, eth + b"\x08\x00" + ip4(47, bytes.fromhex("000022eb") +
        bytes.fromhex("200100010000000000000001") + bytes(8) + inner),
     "eth/ipv4/gre/erspan3/eth/ipv4"),
    (1, eth + b"\x86\xdd" + struct.pack("!IHBB", 0x60000000, len(syn), 4,
                                        64) + bytes(32) + syn,
     "eth/ipv6/ipv4"),
    (1, eth + b"\x08\x00" + ip4(41, struct.pack(
        "!IHBB", 0x60000000, 0, 59, 64) + bytes(32)), None),
    (276, b"\x08\x00" + bytes(18) + syn, "sll2/ipv4"),
    (0, struct.pack("<I", 2) + syn, "null/ipv4"),
    (108, struct.pack(">I", 2) + syn, "null/ipv4"),
    (1, eth + b"\x88\x47" + bytes.fromhex("0001d0400001e1ff") +
     bytes(4) + inner, "eth/mpls/pw/eth/ipv4"),
    (1, eth + b"\x88\x64" + bytes.fromhex("11000001") +
     struct.pack("!H", len(syn) + 1) + b"\x21" + syn, "eth/pppoe/ipv4"),
    (1, eth + b"\x81\x00\x00\x05\x88\xa8\x00\x06\x08\x00" + syn +
     b"\0" * 8, "eth/vlan/vlan/ipv4"),
]

# pcapng, big-endian, two interfaces per link type used.
blocks, links = [], []
shb = struct.pack(">IHHq", 0x1A2B3C4D, 1, 0, -1)
blocks.append(struct.pack(">II", 0x0A0D0D0A, 12 + len(shb)) + shb +
              struct.pack(">I", 12 + len(shb)))
for lt, _, _ in frames:
    if lt not in links:
        links.append(lt)
        body = struct.pack(">HHI", lt, 0, 0)
        blocks.append(struct.pack(">II", 1, 12 + len(body)) + body +
                      struct.pack(">I", 12 + len(body)))
for lt, f, _ in frames:
    pad = f + b"\0" * (-len(f) % 4)
    body = struct.pack(">IIIII", links.index(lt), 0, 0, len(f), len(f)) + pad
    blocks.append(struct.pack(">II", 6, 12 + len(body)) + body +
                  struct.pack(">I", 12 + len(body)))
with open(sys.argv[2], "wb") as out:
    out.write(b"".join(blocks))

got = extract(sys.argv[2])
want = [(i + 1, w) for i, (_, _, w) in enumerate(frames) if w]
for (n, w), (gn, layers, p) in zip(want, got):
    if gn != n or "/".join(layers) != w or p != syn:
        print(f"frame {n}: got #{gn} {'/'.join(layers)}, want {w}"
              f"{'' if p == syn else ', packet differs'}")
if len(got) != len(want):
    print(f"{len(got)} packets extracted, {len(want)} wanted")
print("done")
EOF
)
check "done" "$out" "synthetic encapsulations"

if [ $failures -eq 0 ]; then
	echo "ok pcap: $checks checks, 0 failed"
	exit 0
fi
echo "not ok pcap: $checks checks, $failures failed"
exit 1
