#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Lifecycle under load: SYN and data floods from both CPUs cross a router
# while its tables are replaced and changed, its PMTUFIX rules come and go
# in iptables-legacy and in iptables-nft, and namespaces with live tables,
# rules and traffic are created and destroyed beside it.  At the end every
# SYN is accounted for exactly once, none is lost, and nothing holds the
# module any more.
#
#   client ($c)                router ($r)                    server ($s)
#   synflood on CPU 0 -------- mangle FORWARD, legacy: ------ raw PREROUTING
#   synflood on CPU 1          1 --syn "seen": clear 0x100    counts SYNs and
#   (SYNs with MSS 1460        [2 PMTUFIX --table-name L      data, drops them
#   and data segments to        3 --syn MARK 0x100]  <- come
#   10.0.2.2, chunk after      4 --syn, no 0x100: "absent"       and go
#   chunk until the churn      the same in nft: table N, 0x200
#   ends)                      tables L and N: loads, adds, dels
#
#   namespaces x-N, one after another: a table, rules of both kinds in
#   OUTPUT, SYNs on loopback, deleted while the rules are there (some while
#   the SYNs still flow)
#
# Each PMTUFIX rule is inserted and deleted together with the MARK rule
# after it, in one commit of iptables-*-restore --noflush, so a SYN sees
# both or neither: it counts either in its table's syn or in "absent".
# Per kind of iptables:
#
#   seen = SYNs sent = SYNs at the server
#   table syn + absent = SYNs sent
#   table syn = clamped + unchanged + no_match (each SYN one outcome)
#
# Table L always holds 10.0.2.0/24 (MTU 1400 or 1500 after each load), so
# that entry's hits equal L's syn across every replacement (no_match 0);
# N's loads alternate with and without it.  Once the namespaces are gone,
# the module's reference count is what it was before the test.

source "$(dirname "$0")/../lib/lib.sh"

RULE_CHANGES=${STRESS_RULE_CHANGES:-40}
TABLE_CHANGES=${STRESS_TABLE_CHANGES:-40}
NAMESPACES=${STRESS_NAMESPACES:-12}
CHUNK=3000

refcnt() {
	cat /sys/module/xt_PMTUFIX/refcnt
}

# pair -I|-D POS TABLE BIT: the PMTUFIX rule and the MARK rule that go
# together, as iptables-restore lines.
pair() {
	local op=$1 pos=$2

	if [ "$op" = -I ]; then
		echo "-I FORWARD $pos -p tcp -j PMTUFIX --table-name $3 --lookup dst"
		echo "-I FORWARD $((pos + 1)) -p tcp --syn -j MARK --set-xmark $4/$4"
	else
		echo "-D FORWARD -p tcp -j PMTUFIX --table-name $3 --lookup dst"
		echo "-D FORWARD -p tcp --syn -j MARK --set-xmark $4/$4"
	fi
}

# rules_base IPT BIT: the rules that stay, in mangle FORWARD of the router.
rules_base() {
	ip netns exec "$r" "$1" -t mangle -A FORWARD -p tcp --syn \
		-m comment --comment seen -j MARK --set-xmark 0x0/"$2" &&
	ip netns exec "$r" "$1" -t mangle -A FORWARD -p tcp --syn \
		-m mark ! --mark "$2/$2" -m comment --comment absent
}

# rule_churn IPT TABLE BIT: the pair out and in, RULE_CHANGES times (even:
# it ends in, as it began).
rule_churn() {
	local i op

	for i in $(seq "$RULE_CHANGES"); do
		op=-I
		[ $((i % 2)) = 1 ] && op=-D
		printf '*mangle\n%s\nCOMMIT\n' "$(pair $op 2 "$2" "$3")" |
			ip netns exec "$r" "$1-restore" --noflush || {
			err "$1-restore $op, change $i"
			return 1
		}
	done
}

# table_churn: L and N replaced, added to and deleted from.
table_churn() {
	local i

	for i in $(seq "$TABLE_CHANGES"); do
		case $((i % 4)) in
		0) ip netns exec "$r" pmtufix table load L "$TMP/L1400" &&
		   ip netns exec "$r" pmtufix table load N "$TMP/N_with" ;;
		1) ip netns exec "$r" pmtufix table add L 10.99."$i".0/24 gre &&
		   ip netns exec "$r" pmtufix table load N "$TMP/N_without" ;;
		2) ip netns exec "$r" pmtufix table load L "$TMP/L1500" &&
		   ip netns exec "$r" pmtufix table add N 10.0.2.0/24 mtu 1300 ;;
		3) ip netns exec "$r" pmtufix table del L 10.99.$((i - 2)).0/24 2>/dev/null
		   ip netns exec "$r" pmtufix table del N 10.0.2.0/24 ;;
		esac || {
			err "table change $i failed"
			return 1
		}
	done
}

# in_ns_or_gone NS PID: PID runs in NS, or has ended already.
in_ns_or_gone() {
	ip netns pids "$1" | grep -qx "$2" || ! kill -0 "$2" 2>/dev/null
}

# ns_churn: namespaces with a table, rules of both kinds and SYNs on
# loopback, destroyed with all of it in place.
ns_churn() {
	local i ns pid

	for i in $(seq "$NAMESPACES"); do
		ns=stress-x-$i-$RANDOM
		echo "$ns" >>"$TMP/extra_ns"
		ip netns add "$ns" &&
		ip -n "$ns" link set lo up &&
		ip netns exec "$ns" pmtufix table load X - <<<"127.0.0.0/8 mtu 1400" &&
		ip netns exec "$ns" iptables-legacy -t mangle -A OUTPUT -p tcp \
			-j PMTUFIX --table-name X &&
		ip netns exec "$ns" iptables-nft -t mangle -A OUTPUT -p tcp \
			-j PMTUFIX --table-name Y || {
			err "namespace $i: setup failed"
			return 1
		}
		if [ $((i % 2)) = 0 ]; then
			ip netns exec "$ns" "$TMP/synflood" 127.0.0.1 127.0.0.1 \
				300 300 >/dev/null || return 1
			ip netns del "$ns"
		else
			# Gone from the names while SYNs still flow in it.
			ip netns exec "$ns" "$TMP/synflood" 127.0.0.1 127.0.0.1 \
				3000 3000 >/dev/null &
			pid=$!
			busywait 10000 in_ns_or_gone "$ns" $pid
			ip netns del "$ns"
			wait $pid || return 1
		fi
	done
}

extra_ns_del() {
	local ns

	while read -r ns; do
		ip netns del "$ns" 2>/dev/null
	done <"$TMP/extra_ns"
	: >"$TMP/extra_ns"
}

# flood CPU: SYN and data floods from the client, pinned to CPU, until the
# stop file exists; one JSON line a chunk.
flood() {
	until [ -e "$TMP/stop" ]; do
		ip netns exec "$c" taskset -c "$1" "$TMP/synflood" \
			10.0.1.2 10.0.2.2 $CHUNK $CHUNK || return 1
	done >"$TMP/flood$1"
}

# counter IPT COMMENT: the packets of the router's rule with that comment.
counter() {
	ip netns exec "$r" "$1-save" -c -t mangle |
		sed -n "s/^\[\([0-9]*\):.*--comment \"\{0,1\}$2\"\{0,1\}\( .*\)\{0,1\}$/\1/p"
}

# server_count SYN|DATA: what the server counted.
server_count() {
	ip netns exec "$s" iptables -t raw -nvxL PREROUTING |
		awk -v n="$([ "$1" = SYN ] && echo 3 || echo 4)" 'NR == n { print $1 }'
}

# check_kind IPT TABLE SENT: the accounts of one kind of iptables.
check_kind() {
	local ipt=$1 t=$2 sent=$3 seen absent json syn

	seen=$(counter "$ipt" seen)
	absent=$(counter "$ipt" absent)
	json=$(ip netns exec "$r" pmtufix stats "$t" -j) || return 1
	syn=$(jq .syn <<<"$json")
	info "$ipt: seen $seen, absent $absent; table $t: $(jq -c '{syn, clamped, unchanged, no_match, malformed, not_writable}' <<<"$json")"
	check_eq "$sent" "$seen" "$ipt: SYNs seen in FORWARD" || return 1
	check_eq "$sent" "$((syn + absent))" \
		"$ipt: table $t's syn + SYNs while its rule was absent" ||
		return 1
	check_eq "$syn" "$(jq '.clamped + .unchanged + .no_match' <<<"$json")" \
		"$ipt: table $t: clamped + unchanged + no_match against syn" ||
		return 1
	check_eq 0 "$(jq '.malformed + .not_writable' <<<"$json")" \
		"$ipt: table $t: malformed and not_writable" || return 1
	[ "$syn" -gt 0 ] && [ "$absent" -gt 0 ] || {
		err "$ipt: the SYNs did not meet both states of the rule (syn $syn, absent $absent)"
		return 1
	}
}

test_stress() {
	local base pids=() p rc=0 syn data hits

	require_cmd cc jq taskset iptables-legacy iptables-nft \
		iptables-legacy-restore iptables-nft-restore || return $?
	build synflood || return 1
	base=$(refcnt)
	: >"$TMP/extra_ns"
	trap 'touch "$TMP/stop"; extra_ns_del; cleanup_ns' EXIT

	topo_crs || return 1
	# The neighbours are known before the first SYN that counts.
	ip netns exec "$c" "$TMP/synflood" 10.0.1.2 10.0.2.2 1 0 >/dev/null &&
	busywait 5000 neigh_known "$r" 10.0.2.2 || return 1
	ip netns exec "$s" iptables -t raw -A PREROUTING -p tcp --syn -j DROP &&
	ip netns exec "$s" iptables -t raw -A PREROUTING -p tcp -j DROP ||
		return 1
	awk 'BEGIN { for (i = 0; i < 500; i++)
		printf "10.%d.%d.0/24 mtu 1300\n", 200 + int(i / 256), i % 256 }' \
		>"$TMP/filler"
	{ echo "10.0.2.0/24 mtu 1400"; cat "$TMP/filler"; } >"$TMP/L1400"
	{ echo "10.0.2.0/24 mtu 1500"; cat "$TMP/filler"; } >"$TMP/L1500"
	cp "$TMP/L1400" "$TMP/N_with"
	cp "$TMP/filler" "$TMP/N_without"
	ip netns exec "$r" pmtufix table load L "$TMP/L1400" &&
	ip netns exec "$r" pmtufix table load N "$TMP/N_with" || return 1
	rules_base iptables-legacy 0x100 && rules_base iptables-nft 0x200 ||
		return 1
	printf '*mangle\n%s\nCOMMIT\n' "$(pair -I 2 L 0x100)" |
		ip netns exec "$r" iptables-legacy-restore --noflush &&
	printf '*mangle\n%s\nCOMMIT\n' "$(pair -I 2 N 0x200)" |
		ip netns exec "$r" iptables-nft-restore --noflush || return 1

	flood 0 &
	local f0=$!
	flood 1 &
	local f1=$!
	rule_churn iptables-legacy L 0x100 &
	pids+=($!)
	rule_churn iptables-nft N 0x200 &
	pids+=($!)
	table_churn &
	pids+=($!)
	ns_churn &
	pids+=($!)
	for p in "${pids[@]}"; do
		wait "$p" || rc=1
	done
	touch "$TMP/stop"
	wait $f0 || rc=1
	wait $f1 || rc=1
	[ $rc = 0 ] || return 1

	syn=$(cat "$TMP/flood0" "$TMP/flood1" | jq -s 'map(.syn) | add')
	data=$(cat "$TMP/flood0" "$TMP/flood1" | jq -s 'map(.data) | add')
	info "sent $syn SYNs and $data data segments, $(cat "$TMP/flood0" "$TMP/flood1" | jq -s 'map(.per_second) | add / length | round')/s a sender on average, from CPU 0 and 1"
	info "$RULE_CHANGES rule changes each in legacy and nft, $TABLE_CHANGES table changes, $NAMESPACES namespaces"
	check_eq "$syn" "$(server_count SYN)" "SYNs at the server" || return 1
	check_eq "$data" "$(server_count DATA)" "data segments at the server" ||
		return 1
	check_kind iptables-legacy L "$syn" || return 1
	check_kind iptables-nft N "$syn" || return 1
	check_eq 0 "$(stat_of L no_match "$r")" "no_match of L" || return 1
	hits=$(ip netns exec "$r" pmtufix lookup L 10.0.2.2 -j | jq .entry.hits)
	check_eq "$(stat_of L syn "$r")" "$hits" \
		"hits of 10.0.2.0/24 in L against L's syn" || return 1

	# Nothing of it holds the module once the namespaces are gone.
	cleanup_ns
	extra_ns_del
	busywait 30000 eval '[ "$(refcnt)" = "$base" ]' || {
		err "module reference count $(refcnt), $base before the test"
		return 1
	}
	info "module reference count back to $base"
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "floods across rules, tables and namespaces that come and go: every SYN counted once" \
	test_stress
exit_status
