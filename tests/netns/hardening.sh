#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regression tests of the module's defenses: what a namespace of a
# non-initial user namespace may hold, consistent dumps, fragments, fair
# and truthfully counted too-big messages, exact entry counters, no
# host-wide netlink stall, and packets from collect_md tunnels.  Who may
# read tables is in tables.sh.
#
# - userns_limits: in a network namespace owned by a user namespace of its
#   own (unshare -Urn, so not the initial one) 16 tables can be created
#   and the 17th is refused naming userns_max_tables; with
#   userns_max_entries at 1000, a load of 1001 entries is refused naming
#   it and leaves the table as it was, one of 1000 goes in.  max_entries
#   takes only 1..16777216.  The parameters are restored afterwards.
#
#   holder process: unshare -Urn   --- nsenter -U -n: pmtufix as root there
#   /sys/module/xt_PMTUFIX/parameters/{userns_max_tables,userns_max_entries,
#                                      max_entries}
#
# - dump_intr: the dumps of every table (TABLE_GET, STATS_GET) come in
#   parts; a table created between two parts sets NLM_F_DUMP_INTR on a
#   later part.
#
#   namespace $a: 300 tables; socket 1 dumps, receiving into 4096 bytes;
#   socket 2 creates one more table after the first part
#
# - frag6: a non-first IPv6 fragment of TCP (fragment header, offset 1480,
#   next header TCP) crossing the rule, without conntrack (so without
#   reassembly), is counted in "fragment" and forwarded as it was.
#
#   client ($c) -------------- router ($r) -------------- server ($s)
#   fd00:1::2 AF_PACKET        mangle FORWARD -p tcp      fd00:2::2
#                              -j PMTUFIX (table frag6)   capture on veth0
#
# - fair_too_big: each source has a too-big bucket of its own (too-big-src-
#   rate 100/s, too-big-src-burst 10 by default) under the table's (1000/s,
#   50): while client A floods the server's prefix with 1500-byte DF
#   datagrams for 2 s, client B's three oversize datagrams each get their
#   too-big message, and A gets no more than 10 + 100/s.  IPv4 and IPv6 at
#   once.
#
#   client A ($a)             router ($r)                  server ($s)
#   veth0 ------------------- veth0        veth1 ------------- veth0
#   10.0.1.2  fd00:1::2       10.0.1.1     10.0.2.1            10.0.2.2
#   AF_PACKET flood           fd00:1::1    fd00:2::1           fd00:2::2
#
#   client B ($b)             mangle FORWARD -j PMTUFIX --send-too-big,
#   veth0 ------------------- veth2  table "fair": 10.0.2.0/24 and
#   10.0.3.2  fd00:3::2       10.0.3.1       fd00:2::/64 mtu 1400
#   three oversize datagrams  fd00:3::1  kernel ICMP rate limits off
#
# - too_big_unsent: a refused packet whose source the router has no route
#   back to gets no too-big message (icmp_send() declines): it counts in
#   too_big_unsent, not too_big_sent; one from a routed source counts as
#   sent.
#
#   client ($c) ------------ router ($r) ------------- server ($s)
#   10.0.1.2, 198.51.100.7   no route to 198.51.100.7  10.0.2.2
#   fd00:1::2, 2001:db8:77::7 or 2001:db8:77::/48      fd00:2::2
#   1500-byte DF datagrams   FORWARD -j PMTUFIX --send-too-big,
#                            table "unsent": 10.0.2.0/24, fd00:2::/64
#                            mtu 1400
#
# - swap_counters: every change of a table builds a new snapshot; SYNs
#   still counting in the old one must not be lost.  20000 SYNs or more
#   cross the router while 10.99.0.0/24 is added and deleted 20 times or
#   more: the entry's hits equal the SYNs the table saw, and every SYN
#   sent.
#
#   client ($c) -------------- router ($r) -------------- server ($s)
#   10.0.1.2 AF_PACKET SYNs    mangle FORWARD -p tcp      10.0.2.2
#   to 10.0.2.2 port 9         -j PMTUFIX --lookup dst    raw PREROUTING
#                              table "swap": 10.0.2.0/24  DROP
#                              mtu 1400 and 20000 /24s
#                              after it; netlink client
#                              changing it
#
# - genl_stall: a 1,000,000-entry load in namespace $x while, in $y, a
#   client resolves the pmtufix family through nlctrl again and again: no
#   round trip during the load takes 100 ms or more (the module's commands
#   do not hold the host-wide generic netlink lock).
#
#   namespace $x: pmtufix table load big (1,000,000 IPv4 /24s)
#   namespace $y: CTRL_CMD_GETFAMILY "pmtufix" every 10 ms
#
# - profile_hash: the hash that finds a load's distinct profiles (base MTU
#   and layers) is keyed with a random seed, so a request cannot choose
#   profiles that collide.  4096 profiles whose hashes under seed 0 (the
#   old fixed seed) share one bucket load no slower than 4096 ordinary
#   ones: at most 2.5 times as long, each load the best of three (with
#   seed 0: 4.9 times on 6.12, 4.1 on 6.1).  tests/lib/collide.c chooses
#   them.
#
#   namespace $a: pmtufix table load of "10.X.Y.0/24 mtu M raw R" lines
#
# - metadata_dst: packets received on a collect_md tunnel carry in
#   PREROUTING a metadata dst, no route (its device is NULL): the target
#   clamps to the table without taking an MTU from it.  SYNs from A reach
#   B with MSS 1400 - 40 and 1400 - 60 and the kernel lives on.  The old
#   module oopsed here: this test comes last.
#
#   A ($a)                                      B ($b)
#   veth0 10.0.0.1/24 ------------------------ veth0 10.0.0.2/24
#   vx0 vxlan id 42 remote 10.0.0.2            vx0 vxlan external (collect_md)
#   192.168.42.1/24 fd42::1/64                 192.168.42.2/24 fd42::2/64
#   static neighbours for B's                  mangle PREROUTING -j PMTUFIX
#   overlay addresses                          table "md": 192.168.42.0/24
#                                              and fd42::/64 mtu 1400
#   (B's answers, without tunnel metadata, are not sent: no handshake.)

source "$(dirname "$0")/../lib/lib.sh"

PARAMS=/sys/module/xt_PMTUFIX/parameters

# userns_ready PID: PID runs in a user and a network namespace of its own.
userns_ready() {
	[ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)" ] &&
	[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

# inns CMD...: CMD as root of the holder's user namespace, in its network
# namespace.
inns() {
	nsenter -t "$HOLDER" -U -n "$@"
}

# refused WHAT STATUS OUTPUT WORD: the command was refused (STATUS not 0)
# with a message naming WORD.
refused() {
	info "$1: exit status $2: $3"
	check_refused "$1" "$4" "$2" "$3"
}

# param_write NAME VALUE: writes a module parameter; fails as the write does.
param_write() {
	echo "$2" 2>/dev/null >"$PARAMS/$1"
}

restore_params() {
	local p

	for p in "${!SAVED[@]}"; do
		[ "$(cat "$PARAMS/$p")" = "${SAVED[$p]}" ] ||
			param_write "$p" "${SAVED[$p]}"
	done
	[ -n "${HOLDER:-}" ] && kill "$HOLDER" 2>/dev/null
	cleanup_ns
}

test_userns_limits() {
	local i out rc before now p

	require_cmd unshare nsenter jq || return $?
	declare -gA SAVED=()
	trap restore_params EXIT
	for p in max_entries userns_max_entries userns_max_tables; do
		[ -f "$PARAMS/$p" ] && SAVED[$p]=$(cat "$PARAMS/$p")
	done

	unshare -Urn sleep 300 &
	HOLDER=$!
	busywait 10000 userns_ready "$HOLDER" || {
		err "unshare -Urn did not start"
		return 1
	}

	# Tables: 16, then no more.
	for i in $(seq 16); do
		out=$(inns pmtufix table create "t$i" 2>&1) || {
			err "table $i of 16: $out"
			return 1
		}
	done
	out=$(inns pmtufix table create t17 2>&1)
	refused "17th table in the user namespace" $? "$out" \
		userns_max_tables || return 1

	# Entries: at most userns_max_entries in one table.
	[ -f "$PARAMS/userns_max_entries" ] || {
		err "no module parameter userns_max_entries"
		return 1
	}
	param_write userns_max_entries 1000 || {
		err "cannot set userns_max_entries to 1000"
		return 1
	}
	awk 'BEGIN { for (i = 0; i < 1001; i++)
		printf "10.%d.%d.0/24 mtu 1400\n", int(i / 256), i % 256 }' \
		>"$TMP/e1001"
	head -n 1000 "$TMP/e1001" >"$TMP/e1000"
	inns pmtufix table load t1 - <<-EOF || return 1
	192.0.2.0/24 mtu 1400
	198.51.100.0/24 ipip
	EOF
	before=$(inns pmtufix table show t1 -j)
	out=$(inns pmtufix table load t1 "$TMP/e1001" 2>&1)
	refused "1001 entries with userns_max_entries 1000" $? "$out" \
		userns_max_entries || return 1
	check_eq "$before" "$(inns pmtufix table show t1 -j)" \
		"the table after the refused load" || return 1
	out=$(inns pmtufix table load t1 "$TMP/e1000" 2>&1) || {
		err "1000 entries with userns_max_entries 1000: $out"
		return 1
	}
	check_eq 1000 "$(inns pmtufix table list -j |
		jq '.[] | select(.table == "t1") | .entries4')" \
		"entries after loading 1000" || return 1

	# max_entries: 1..16777216, nothing else.
	before=$(cat "$PARAMS/max_entries")
	for i in 4294967295 16777217 0; do
		param_write max_entries "$i"
		rc=$?
		now=$(cat "$PARAMS/max_entries")
		info "max_entries: writing $i: exit status $rc, value $now"
		[ "$now" = "$before" ] || param_write max_entries "$before"
		[ $rc -ne 0 ] || {
			err "max_entries accepted $i"
			return 1
		}
		check_eq "$before" "$now" "max_entries after writing $i" ||
			return 1
	done
	param_write max_entries 16777216 || {
		err "max_entries refused 16777216"
		return 1
	}
	param_write max_entries "$before"
}

test_dump_intr() {
	local out line

	require_cmd python3 jq || return $?
	setup_ns a || return 1
	out=$(pytool hardening dumpintr "$a" 300) || {
		err "dumpintr failed: $out"
		return 1
	}
	while read -r line; do
		info "$(jq -r '"\(.dump) dump: \(.parts) parts, \(.messages) messages (\(.tables) tables), NLM_F_DUMP_INTR in parts \(.intr_parts)"' <<<"$line")"
		[ "$(jq .parts <<<"$line")" -ge 3 ] || {
			err "$line: too few parts to change the tables between them"
			return 1
		}
		[ "$(jq '.intr_parts | length' <<<"$line")" -gt 0 ] || {
			err "$(jq -r .dump <<<"$line"): a table was created during the dump, and no part says NLM_F_DUMP_INTR"
			return 1
		}
	done <<<"$out"
	check_eq 2 "$(grep -c . <<<"$out")" "dumps reported" || return 1
}

test_frag6() {
	local out

	require_cmd python3 jq || return $?
	topo_crs || return 1
	ip netns exec "$r" pmtufix table load frag6 - <<<"fd00:2::/64 mtu 1400" ||
		return 1
	ip netns exec "$r" ip6tables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name frag6 || return 1
	out=$(pytool hardening frag6 "$c" "$r" "$s" fd00:2::2) || {
		err "frag6 failed: $out"
		return 1
	}
	info "non-first fragment: $out"
	info "router: packets $(stat_of frag6 packets "$r"), fragment $(stat_of frag6 fragment "$r")"
	check_eq true "$(jq .forwarded <<<"$out")" "fragment forwarded" ||
		return 1
	check_eq true "$(jq .same <<<"$out")" "fragment unchanged" || return 1
	check_eq 1 "$(stat_of frag6 packets "$r")" "packets" || return 1
	check_eq 1 "$(stat_of frag6 fragment "$r")" "fragment" || return 1
}

# Defaults of a table's too-big buckets, per source and for all.
SRC_RATE=100
SRC_BURST=10

# refuse_to_server NS TABLE: in NS, TABLE says the server's prefixes take
# 1400 bytes, and FORWARD refuses what is larger with a too-big message.
refuse_to_server() {
	ip netns exec "$1" pmtufix table load "$2" - <<-EOF || return 1
	10.0.2.0/24 mtu 1400
	fd00:2::/64 mtu 1400
	EOF
	ip netns exec "$1" iptables -t mangle -A FORWARD \
		-j PMTUFIX --table-name "$2" --send-too-big &&
	ip netns exec "$1" ip6tables -t mangle -A FORWARD \
		-j PMTUFIX --table-name "$2" --send-too-big
}
FLOOD_SECONDS=2

test_fair_too_big() {
	local out line dst bound

	require_cmd python3 jq || return $?
	# A is the client of the usual topology, B a second one.
	topo <<-EOF || return 1
	$(spec_crs a r s)
	ns	b
	veth	b veth0		r veth2
	addr	b veth0		10.0.3.2/24 fd00:3::2/64
	addr	r veth2		10.0.3.1/24 fd00:3::1/64
	route	b default	10.0.3.1 fd00:3::1
	sysctl	r net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0
	sysctl	r net.ipv6.icmp.ratelimit=0
	EOF
	refuse_to_server "$r" fair || return 1

	out=$(pytool hardening fair "$a" "$b" "$r" veth0 veth2 $FLOOD_SECONDS \
		10.0.2.2 fd00:2::2) || {
		err "fair failed: $out"
		return 1
	}
	while read -r line; do
		dst=$(jq -r .dst <<<"$line")
		# The burst, the rate over the flood, and 50 ms for the frames
		# the router was still handling when the flood ended.
		bound=$(jq "$SRC_BURST + ($SRC_RATE * (.elapsed + 0.05) | ceil)" <<<"$line")
		info "$(jq -r '"\(.dst): A sent \(.a_sent) in \(.elapsed) s (\(.pps)/s), got \(.a_icmp) too-big messages (MTU \(.a_mtus)); B sent \(.b_sent), \(.b_answered) answered (MTU \(.b_mtus)); capture drops \(.a_drops)/\(.b_drops)"' <<<"$line")"
		check_eq 0 "$(jq '.a_drops + .b_drops' <<<"$line")" \
			"$dst: capture drops" || return 1
		check_eq 3 "$(jq .b_sent <<<"$line")" "$dst: B's datagrams sent" ||
			return 1
		check_eq 3 "$(jq .b_answered <<<"$line")" \
			"$dst: B's datagrams answered during A's flood" || return 1
		check_eq 1400 "$(jq -r .b_mtus <<<"$line")" \
			"$dst: MTU of B's too-big messages" || return 1
		[ "$(jq .a_icmp <<<"$line")" -le "$bound" ] || {
			err "$dst: A got $(jq .a_icmp <<<"$line") too-big messages, more than $SRC_BURST + $SRC_RATE/s allow ($bound)"
			return 1
		}
		[ "$(jq .a_icmp <<<"$line")" -ge $SRC_BURST ] || {
			err "$dst: A got only $(jq .a_icmp <<<"$line") too-big messages"
			return 1
		}
	done <<<"$out"
	check_eq 2 "$(grep -c . <<<"$out")" "floods reported" || return 1
}

# send_df NS SRC DST: one 1500-byte datagram from SRC to DST that may not
# be fragmented.
send_df() {
	ip netns exec "$1" python3 - "$2" "$3" <<-'EOF'
	import socket, sys
	IP_MTU_DISCOVER, IPV6_MTU_DISCOVER, PMTUDISC_DO = 10, 23, 2
	src, dst = sys.argv[1:]
	v6 = ":" in dst
	s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET,
	                  socket.SOCK_DGRAM)
	if v6:
	    s.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, PMTUDISC_DO)
	else:
	    s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, PMTUDISC_DO)
	s.bind((src, 0))
	s.sendto(bytes(1500 - (48 if v6 else 28)), (dst, 9))
	EOF
}

test_too_big_unsent() {
	topo <<-EOF || return 1
	$(spec_crs)
	addr	c veth0		198.51.100.7/32 2001:db8:77::7/128
	EOF
	refuse_to_server "$r" unsent || return 1

	send_df "$c" 198.51.100.7 10.0.2.2 || return 1
	send_df "$c" 2001:db8:77::7 fd00:2::2 || return 1
	busywait 5000 eval '[ "$(stat_of unsent too_big_unsent "$r")" = 2 ]'
	info "no route back: $(ip netns exec "$r" pmtufix stats unsent -j |
		jq -c '{too_big_sent, too_big_unsent, too_big_ratelimited}')"
	check_eq 2 "$(stat_of unsent too_big_unsent "$r")" \
		"too_big_unsent, no route back" || return 1
	check_eq 0 "$(stat_of unsent too_big_sent "$r")" \
		"too_big_sent, no route back" || return 1

	send_df "$c" 10.0.1.2 10.0.2.2 || return 1
	send_df "$c" fd00:1::2 fd00:2::2 || return 1
	busywait 5000 eval '[ "$(stat_of unsent too_big_sent "$r")" = 2 ]'
	check_eq 2 "$(stat_of unsent too_big_sent "$r")" \
		"too_big_sent, routed source" || return 1
	check_eq 2 "$(stat_of unsent too_big_unsent "$r")" \
		"too_big_unsent, routed source" || return 1
}

SWAP_SYNS=20000
SWAP_CHANGES=20
SWAP_FILLER=20000

# entry_hits NS TABLE ADDR: the hits of the entry ADDR matches.
entry_hits() {
	ip netns exec "$1" pmtufix lookup "$2" "$3" -j | jq .entry.hits
}

hits_settled() {
	[ "$(entry_hits "$r" swap 10.0.2.2)" = "$(stat_of swap syn "$r")" ]
}

test_swap_counters() {
	local out hits syn

	require_cmd python3 jq || return $?
	topo_crs || return 1
	ip netns exec "$s" iptables -t raw -A PREROUTING -p tcp -j DROP ||
		return 1
	# The server's /24 first, then many entries whose counters are
	# carried over after it on every change.
	awk -v n=$SWAP_FILLER 'BEGIN {
		print "10.0.2.0/24 mtu 1400"
		for (i = 0; i < n; i++)
			printf "10.%d.%d.0/24 mtu 1300\n", 128 + int(i / 256), i % 256
	}' >"$TMP/swap"
	ip netns exec "$r" pmtufix table load swap "$TMP/swap" || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name swap --lookup dst || return 1

	out=$(pytool hardening swap "$c" "$r" swap $SWAP_SYNS $SWAP_CHANGES \
		10.0.2.2) || {
		err "swap failed: $out"
		return 1
	}
	busywait 3000 hits_settled
	hits=$(entry_hits "$r" swap 10.0.2.2)
	syn=$(stat_of swap syn "$r")
	info "$(jq -r '"\(.sent) SYNs in \(.elapsed) s (\(.pps)/s), \(.changes) table changes meanwhile"' <<<"$out")"
	info "router: syn $syn, hits of 10.0.2.0/24 $hits"
	[ "$(jq .changes <<<"$out")" -ge $SWAP_CHANGES ] || {
		err "only $(jq .changes <<<"$out") table changes while the SYNs were sent"
		return 1
	}
	check_eq "$syn" "$hits" "hits of 10.0.2.0/24 against the table's syn" ||
		return 1
	check_eq "$(jq .sent <<<"$out")" "$syn" "SYNs the router saw" ||
		return 1
}

STALL_ENTRIES=1000000
STALL_MAX_MS=100

test_genl_stall() {
	local line t0 t1

	require_cmd python3 jq awk || return $?
	setup_ns x y || return 1
	awk -v n=$STALL_ENTRIES 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%d.%d.%d.0/24 ipip\n", 10 + int(i / 65536),
				int(i / 256) % 256, i % 256
	}' >"$TMP/big"

	coproc STALL { pytool hardening stall "$y" 2>&1; }
	read -r -t 60 line <&"${STALL[0]}"
	[ "$line" = ready ] || {
		err "the netlink client did not start: $line"
		return 1
	}
	t0=$(ms)
	ip netns exec "$x" pmtufix table load big "$TMP/big" || return 1
	t1=$(ms)
	echo "stop $t0 $t1" >&"${STALL[1]}"
	read -r -t 60 line <&"${STALL[0]}"
	info "load of $STALL_ENTRIES entries: $((t1 - t0)) ms"
	info "$(jq -r '"other namespace: \(.inside) requests during the load, median \(.median_ms) ms, worst \(.worst_ms) ms (sent \(.worst_at_ms) ms into it)"' <<<"$line")"
	check_eq $STALL_ENTRIES "$(ip netns exec "$x" pmtufix table list -j |
		jq '.[0].entries4')" "entries loaded" || return 1
	[ "$(jq .inside <<<"$line")" -ge 20 ] || {
		err "only $(jq .inside <<<"$line") requests during the load"
		return 1
	}
	[ "$(jq ".worst_ms < $STALL_MAX_MS" <<<"$line")" = true ] || {
		err "a generic netlink request in another namespace waited $(jq .worst_ms <<<"$line") ms during the load"
		return 1
	}
}

# 4096 profiles make the load grow its profile hash to 16384 buckets, so
# colliding on the low 14 bits collides in every size it passes through.
PROFILE_HASH_N=4096
PROFILE_HASH_BITS=14

# best_load_ms NS TABLE FILE: the fastest of three loads of FILE, in ms.
best_load_ms() {
	local i t0 t1 best=

	for i in 1 2 3; do
		t0=$(ms)
		ip netns exec "$1" pmtufix table load "$2" "$3" || return 1
		t1=$(ms)
		[ -z "$best" ] || [ $((t1 - t0)) -lt "$best" ] && best=$((t1 - t0))
	done
	echo "$best"
}

test_profile_hash() {
	local plain crafted

	require_cmd cc || return $?
	setup_ns a || return 1
	cc -O2 -I"$PMTUFIX_TOP/include/uapi" -o "$TMP/collide" \
		"$PMTUFIX_TOP/tests/lib/collide.c" || return 1
	"$TMP/collide" $PROFILE_HASH_N 0 >"$TMP/plain" || return 1
	"$TMP/collide" $PROFILE_HASH_N $PROFILE_HASH_BITS >"$TMP/crafted" ||
		return 1
	ip netns exec "$a" pmtufix table create p || return 1
	plain=$(best_load_ms "$a" p "$TMP/plain") || return 1
	crafted=$(best_load_ms "$a" p "$TMP/crafted") || return 1
	info "load of $PROFILE_HASH_N distinct profiles: $plain ms; of as many colliding under seed 0: $crafted ms"
	check_eq $PROFILE_HASH_N "$(ip netns exec "$a" pmtufix table list -j |
		jq '.[0].entries4')" "entries loaded" || return 1
	[ $((2 * crafted)) -le $((5 * (plain + 1))) ] || {
		err "colliding profiles load $crafted ms against $plain ms: the profile hash is predictable"
		return 1
	}
}

test_metadata_dst() {
	local out line bmac addr
	local -A want=([192.168.42.2]=1360 [fd42::2]=1340)

	require_cmd python3 jq || return $?
	topo <<-EOF || return 1
	ns	a b
	veth	a veth0		b veth0
	addr	a veth0		10.0.0.1/24
	ip	a link add vx0 type vxlan id 42 remote 10.0.0.2 local 10.0.0.1 dstport 4789 dev veth0
	addr	a vx0		192.168.42.1/24 fd42::1/64
	ip	a link set vx0 up
	addr	b veth0		10.0.0.2/24
	ip	b link add vx0 type vxlan external dstport 4789
	addr	b vx0		192.168.42.2/24 fd42::2/64
	ip	b link set vx0 up
	EOF
	bmac=$(ip -n "$b" -j link show vx0 | jq -r '.[0].address')
	ip -n "$a" -batch - <<-EOF || return 1
	neigh add 192.168.42.2 lladdr $bmac dev vx0 nud permanent
	neigh add fd42::2 lladdr $bmac dev vx0 nud permanent
	EOF
	ip netns exec "$b" pmtufix table load md - <<-EOF || return 1
	192.168.42.0/24 mtu 1400
	fd42::/64 mtu 1400
	EOF
	ip netns exec "$b" iptables -t mangle -A PREROUTING \
		-j PMTUFIX --table-name md || return 1
	ip netns exec "$b" ip6tables -t mangle -A PREROUTING \
		-j PMTUFIX --table-name md || return 1

	out=$(pytool hardening mdsyn "$a" "$b" 10.0.0.2 192.168.42.2 fd42::2) || {
		err "mdsyn failed: $out"
		return 1
	}
	while read -r line; do
		addr=$(jq -r .addr <<<"$line")
		info "SYN to $addr over the tunnel: arrived $(jq .seen <<<"$line"), MSS $(jq -r .mss <<<"$line") after PREROUTING; then echo over the underlay $(jq .ping_ms <<<"$line") ms"
		check_eq true "$(jq .seen <<<"$line")" "SYN to $addr arrived" ||
			return 1
		check_eq "${want[$addr]}" "$(jq -r .mss <<<"$line")" \
			"MSS of the SYN to $addr" || return 1
		# Still alive: B answers over the underlay.
		[ "$(jq .ping_ms <<<"$line")" != null ] || {
			err "no echo reply from B after the SYN to $addr"
			return 1
		}
	done <<<"$out"
	check_eq 2 "$(grep -c . <<<"$out")" "SYNs reported" || return 1
	info "table md: $(ip netns exec "$b" pmtufix stats md -j | jq -c 'del(.table)')"
	check_eq 2 "$(stat_of md syn "$b")" "syn" || return 1
	check_eq 2 "$(stat_of md clamped "$b")" "clamped" || return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "limits of a non-initial user namespace, max_entries bounds" \
	test_userns_limits
run_test "NLM_F_DUMP_INTR when tables change during a dump of every table" \
	test_dump_intr
run_test "a non-first IPv6 fragment of TCP is counted and let through" \
	test_frag6
run_test "too-big messages: one flooding source does not starve another" \
	test_fair_too_big
run_test "too-big messages the kernel declines are not counted as sent" \
	test_too_big_unsent
run_test "entry counters lose nothing across table changes" \
	test_swap_counters
run_test "a 1,000,000-entry load does not stall generic netlink" \
	test_genl_stall
run_test "profiles chosen to collide in a fixed-seed hash load as fast as any" \
	test_profile_hash
run_test "SYNs from a collect_md tunnel: clamped, no oops (metadata dst)" \
	test_metadata_dst
exit_status
