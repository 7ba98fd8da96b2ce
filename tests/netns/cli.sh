#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pmtufix command against the module: every subcommand, the output
# formats, and bad input (the documented message and exit status, and the
# table left as it was).
#
#   client ($c) ---- router ($r) ---- server ($s)     (traffic for stats)
#                    tables and rules

source "$(dirname "$0")/../lib/lib.sh"

EXAMPLE='# prefix          [mtu N] layers, outermost first
192.0.2.10/32     ipip
198.51.100.0/24   gre key seq
10.20.0.0/16      esp transport aes-gcm
10.30.0.0/16      pppoe esp tunnel aes-cbc hmac-sha256 natt
10.40.0.0/16      esp tunnel6 aes-gcm icv 96
2001:db8::/32     ip6ip6
203.0.113.0/24    mtu 1400
203.0.114.0/24    mtu 1450 esp transport chacha20-poly1305'

# run_expect NS STATUS MESSAGE CMD...: CMD exits STATUS and prints MESSAGE
# (exactly, one line) on stderr.
run_expect() {
	local ns=$1 status=$2 msg=$3 out rc

	shift 3
	out=$(ip netns exec "$ns" "$@" 2>&1 >/dev/null)
	rc=$?
	check_eq "$status" "$rc" "exit status of '$*'" || return 1
	check_eq "$msg" "$out" "message of '$*'" || return 1
}

# mss_of NS TABLE ADDRESS: the MSS `pmtufix lookup` gives.
mss_of() {
	ip netns exec "$1" pmtufix lookup "$2" "$3" -j | jq -r '.entry.mss'
}

test_subcommands() {
	local out

	setup_ns a || return 1
	ip netns exec "$a" pmtufix table create t || return 1
	run_expect "$a" 1 "pmtufix table create t: the table exists" \
		pmtufix table create t || return 1
	echo "$EXAMPLE" >"$TMP/example"
	ip netns exec "$a" pmtufix table load t "$TMP/example" || return 1
	check_eq 8 "$(ip netns exec "$a" pmtufix table show t -j |
		jq '.entries | length')" "entries after load" || return 1

	# The MSS of each entry, worked out in the comments of clamp.sh and
	# tests/unit/test_layers.c.
	check_eq 1440 "$(mss_of "$a" t 192.0.2.10)" "ipip" || return 1
	check_eq 1428 "$(mss_of "$a" t 198.51.100.7)" "gre key seq" || return 1
	check_eq 1426 "$(mss_of "$a" t 10.20.1.1)" "esp transport" || return 1
	check_eq 1382 "$(mss_of "$a" t 10.30.1.1)" "pppoe esp" || return 1
	check_eq 1360 "$(mss_of "$a" t 203.0.113.9)" "mtu 1400" || return 1
	check_eq 1392 "$(mss_of "$a" t 2001:db8::1)" "ip6ip6 (IPv6)" ||
		return 1
	out=$(ip netns exec "$a" pmtufix lookup t 10.20.1.1)
	grep -q "^10.20.1.1 matches 10.20.0.0/16 in table t: esp transport aes-gcm$" \
		<<<"$out" && grep -q "inner MTU 1466, MSS 1426" <<<"$out" || {
		err "lookup text: $out"
		return 1
	}
	check_eq "null" "$(ip netns exec "$a" pmtufix lookup t 8.8.8.8 -j |
		jq -c .entry)" "lookup without a match" || return 1
	grep -q "matches no entry" <<<"$(ip netns exec "$a" pmtufix lookup t 8.8.8.8)" ||
		return 1

	# Single entries.
	ip netns exec "$a" pmtufix table add t 192.0.2.20/32 wireguard || return 1
	check_eq 1400 "$(mss_of "$a" t 192.0.2.20)" "added entry" || return 1
	run_expect "$a" 1 "pmtufix table add t: a prefix is in the table already" \
		pmtufix table add t 192.0.2.20/32 pppoe || return 1
	ip netns exec "$a" pmtufix table add t --replace 192.0.2.20/32 pppoe ||
		return 1
	check_eq 1452 "$(mss_of "$a" t 192.0.2.20)" "replaced entry" || return 1
	ip netns exec "$a" pmtufix table del t 192.0.2.20/32 || return 1
	run_expect "$a" 1 "pmtufix table del t: a prefix to delete is not in the table" \
		pmtufix table del t 192.0.2.20/32 || return 1
	check_eq 8 "$(ip netns exec "$a" pmtufix table show t -j |
		jq '.entries | length')" "entries after add and del" || return 1

	# Defaults.
	ip netns exec "$a" pmtufix table set t mtu 9000 || return 1
	check_eq 8940 "$(mss_of "$a" t 192.0.2.10)" "ipip under mtu 9000" ||
		return 1
	check_eq 1360 "$(mss_of "$a" t 203.0.113.9)" "an entry's own mtu" ||
		return 1
	ip netns exec "$a" pmtufix table show t | head -n 1 |
		grep -q "^table t: mtu 9000, floor4 536, floor6 1220, too-big-rate 1000, too-big-burst 50, too-big-src-rate 100, too-big-src-burst 10, 7 IPv4 and 1 IPv6 entries, 0 rules$" || {
		err "show header: $(ip netns exec "$a" pmtufix table show t | head -n 1)"
		return 1
	}
	ip netns exec "$a" pmtufix table list | grep -q "^t .* 9000 " || return 1
	ip netns exec "$a" pmtufix table set t too-big-rate 10 too-big-burst 3 ||
		return 1
	check_eq "10 3" "$(ip netns exec "$a" pmtufix table list -j |
		jq -r '.[0] | "\(.too_big_rate) \(.too_big_burst)"')" \
		"too-big bucket settings" || return 1

	ip netns exec "$a" pmtufix table flush t || return 1
	check_eq 0 "$(ip netns exec "$a" pmtufix table show t -j |
		jq '.entries | length')" "entries after flush" || return 1
	ip netns exec "$a" pmtufix table destroy t || return 1
	run_expect "$a" 1 "pmtufix table show t: no such table" \
		pmtufix table show t || return 1
	ip netns exec "$a" pmtufix version | grep -q "^module: xt_PMTUFIX " ||
		return 1
}

test_stats() {
	local c4 prom

	topo_crs || return 1
	ip netns exec "$r" pmtufix table create t &&
	ip netns exec "$r" pmtufix table add t 10.0.2.0/24 ipip &&
	ip netns exec "$r" pmtufix table create other || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name t || return 1
	probe_start "$c:veth0" "$s:veth0" || return 1
	probe 10.0.2.2 1000 || return 1
	probe 10.0.2.2 1000 || return 1

	c4=$(ip netns exec "$r" pmtufix stats t -j)
	info "stats t: $c4"
	check_eq 4 "$(jq .clamped <<<"$c4")" "clamped" || return 1
	check_eq 2 "$(jq .syn <<<"$c4")" "syn" || return 1
	check_eq 2 "$(jq .synack <<<"$c4")" "synack" || return 1
	check_eq "packets syn synack clamped unchanged inserted no_match malformed not_writable fragment too_big_sent too_big_ratelimited icmp_repaired too_big_unsent" \
		"$(jq -r 'del(.table) | keys_unsorted | join(" ")' <<<"$c4")" \
		"JSON keys" || return 1
	[ "$(jq .packets <<<"$c4")" -gt 4 ] || return 1

	# Per CPU: each counter is the sum of its CPUs.
	check_eq true "$(ip netns exec "$r" pmtufix stats t --per-cpu -j | jq '
		. as $t | [.per_cpu[]] as $p |
		all(["packets","syn","synack","clamped"][]; . as $k |
		    ([$p[][$k]] | add) == $t[$k])')" "per-CPU sums" || return 1
	ip netns exec "$r" pmtufix stats t --per-cpu | grep -q "cpu0" || return 1

	# Every table, text and JSON.
	check_eq "other t" "$(ip netns exec "$r" pmtufix stats -j |
		jq -r '[.[].table] | sort | join(" ")')" "stats of every table" ||
		return 1
	ip netns exec "$r" pmtufix stats | grep -q "^  clamped .* 4$" || return 1

	prom=$(ip netns exec "$r" pmtufix stats --prometheus)
	grep -qx 'pmtufix_clamped_total{table="t"} 4' <<<"$prom" || {
		err "prometheus: $prom"
		return 1
	}
	if command -v promtool >/dev/null; then
		promtool check metrics <<<"$prom" || {
			err "promtool rejects the metrics"
			return 1
		}
	else
		info "promtool not available: format checked by hand only"
	fi

	# Entry counters.
	check_eq "4 4" "$(ip netns exec "$r" pmtufix table show t -j |
		jq -r '.entries[0] | "\(.hits) \(.clamped)"')" \
		"entry hits and clamped" || return 1

	ip netns exec "$r" pmtufix stats reset t || return 1
	check_eq 0 "$(ip netns exec "$r" pmtufix stats t -j | jq .clamped)" \
		"clamped after reset" || return 1
	check_eq "0 0" "$(ip netns exec "$r" pmtufix table show t -j |
		jq -r '.entries[0] | "\(.hits) \(.clamped)"')" \
		"entry counters after reset" || return 1
	probe 10.0.2.2 1000 || return 1
	check_eq 2 "$(ip netns exec "$r" pmtufix stats t -j | jq .clamped)" \
		"counting again after reset" || return 1
}

# bad FILE-CONTENT MESSAGE: loading it fails with exit status 2 and MESSAGE
# (FILE:LINE:COLUMN: ...), and the table stays as it was.
bad() {
	printf '%s\n' "$1" >"$TMP/bad"
	run_expect "$a" 2 "$TMP/bad:$2" pmtufix table load t "$TMP/bad" ||
		return 1
	check_eq "$BEFORE" "$(ip netns exec "$a" pmtufix table show t -j)" \
		"table after a bad load" || return 1
}

test_bad_input() {
	setup_ns a || return 1
	echo "$EXAMPLE" >"$TMP/example"
	ip netns exec "$a" pmtufix table load t "$TMP/example" || return 1
	BEFORE=$(ip netns exec "$a" pmtufix table show t -j)

	bad "192.0.2.0/24 ipipx" "1:14: unknown layer \`ipipx'" || return 1
	bad "192.0.2.300/24 ipip" \
		"1:1: \`192.0.2.300' is not an IPv4 or IPv6 address" || return 1
	bad "192.0.2.0/33 ipip" \
		"1:1: prefix length 33 is out of range for IPv4" || return 1
	bad "192.0.2.0/24 mtu 0 ipip" \
		"1:18: mtu 0 is out of range (68..65535)" || return 1
	bad "$(printf '192.0.2.0/24 ipip\n10.0.0.0/8 gre\n192.0.2.0/24 gre')" \
		"3:1: duplicate prefix 192.0.2.0/24 (first on line 1)" || return 1
	bad "192.0.2.0/24 esp tunnel aes-cbc" \
		"1:14: esp: cipher aes-cbc needs an integrity algorithm" ||
		return 1
	bad "192.0.2.1/24 ipip" \
		"1:1: 192.0.2.1/24 has host bits set (network: 192.0.2.0/24)" ||
		return 1

	# The same words through `table add`, and usage errors.
	run_expect "$a" 2 "pmtufix table add t: unknown layer \`ipipx'" \
		pmtufix table add t 10.9.0.0/16 ipipx || return 1
	run_expect "$a" 2 "pmtufix table add t: prefix length 33 is out of range for IPv4" \
		pmtufix table add t 10.9.0.0/33 ipip || return 1
	run_expect "$a" 2 "Usage: pmtufix table add [--exist] [--replace] NAME PREFIX [mtu N] [LAYER...]" \
		pmtufix table add t || return 1
	run_expect "$a" 2 "pmtufix table set t: mtu \`0' is out of range (68..65535)" \
		pmtufix table set t mtu 0 || return 1
	run_expect "$a" 2 "pmtufix table set t: too-big-burst \`0' is out of range (1..1000000)" \
		pmtufix table set t too-big-burst 0 || return 1
	check_eq "$BEFORE" "$(ip netns exec "$a" pmtufix table show t -j)" \
		"table after the bad commands" || return 1
	# A default MTU that leaves an entry no room is refused whole.
	run_expect "$a" 1 "pmtufix table set t: an entry's layers leave no room for TCP at its MTU" \
		pmtufix table set t mtu 68 || return 1
	check_eq "$BEFORE" "$(ip netns exec "$a" pmtufix table show t -j)" \
		"table after a refused set" || return 1
}

# `pmtufix overhead` (in userspace) and the module compute with the same
# code: they agree for every layer type.
test_overhead_agrees() {
	local stack v4 v6 want4 want6 i=0

	setup_ns a || return 1
	ip netns exec "$a" pmtufix table create t || return 1
	while read -r stack; do
		i=$((i + 1))
		want4=$(pmtufix overhead --mtu 1500 -j $stack | jq .mtu.ipv4)
		want6=$(pmtufix overhead --mtu 1500 -j $stack | jq .mtu.ipv6)
		ip netns exec "$a" pmtufix table add t "10.$i.0.0/16" $stack &&
		ip netns exec "$a" pmtufix table add t "2001:db8:$i::/48" $stack ||
			return 1
		v4=$(ip netns exec "$a" pmtufix lookup t "10.$i.0.1" -j |
			jq .entry.inner_mtu)
		v6=$(ip netns exec "$a" pmtufix lookup t "2001:db8:$i::1" -j |
			jq .entry.inner_mtu)
		check_eq "$want4 $want6" "$v4 $v6" "inner MTU of '$stack'" ||
			return 1
	done <<-EOF
	raw 100
	ipip
	sit
	ip6ip6
	ipip6 noencaplimit
	gre key seq csum
	gretap key
	ip6gre
	ip6gretap seq
	vxlan
	vxlan6
	geneve opt 8
	geneve6
	wireguard
	wireguard6
	pppoe
	mpls 3
	ipip fou
	gre gue
	esp transport aes-gcm
	esp tunnel aes-cbc hmac-sha256 natt
	esp tunnel6 3des-cbc hmac-sha1
	esp transport aes-ccm icv 64
	esp tunnel chacha20-poly1305 natt
	esp transport aes-gmac
	esp tunnel aes-ctr aes-xcbc
	esp transport null hmac-sha512
	pppoe esp tunnel aes-cbc hmac-sha256 natt
	mpls 2 gre key esp transport aes-cbc hmac-md5
	EOF
	info "$i stacks agree"
}

# What the metrics timer writes, with the module: pmtufix_up 1, the
# versions of the command and of the module, the entries of each table by
# family and the rules that use it, then the counters; promtool accepts
# it, and pmtufix-metrics (the timer's helper) writes it through a rename.
test_prometheus_state() {
	local prom modver dir=$TMP/textfile
	local helper=$PMTUFIX_TOP/userspace/systemd/pmtufix-metrics

	setup_ns a || return 1
	ip netns exec "$a" pmtufix table create t &&
	ip netns exec "$a" pmtufix table add t 192.0.2.0/24 ipip &&
	ip netns exec "$a" pmtufix table add t 198.51.100.0/24 gre &&
	ip netns exec "$a" pmtufix table add t 2001:db8::/32 ip6ip6 &&
	ip netns exec "$a" pmtufix table create empty &&
	ip netns exec "$a" iptables -t mangle -A OUTPUT -p tcp \
		-j PMTUFIX --table-name t || return 1
	modver=$(cat /sys/module/xt_PMTUFIX/version)

	prom=$(ip netns exec "$a" pmtufix stats --prometheus) || {
		err "stats --prometheus failed: $prom"
		return 1
	}
	info "$(grep -c '^pmtufix_' <<<"$prom") samples"
	local want
	for want in "pmtufix_up 1" \
		"pmtufix_build_info{version=\"$(cat "$PMTUFIX_TOP/VERSION")\",module_version=\"$modver\"} 1" \
		'pmtufix_table_entries{table="t",family="ipv4"} 2' \
		'pmtufix_table_entries{table="t",family="ipv6"} 1' \
		'pmtufix_table_entries{table="empty",family="ipv4"} 0' \
		'pmtufix_table_rules{table="t"} 1' \
		'pmtufix_table_rules{table="empty"} 0' \
		'pmtufix_packets_total{table="t"} 0' \
		'pmtufix_malformed_total{table="empty"} 0'; do
		grep -qxF "$want" <<<"$prom" || {
			err "missing '$want' in: $prom"
			return 1
		}
	done
	check_eq 2 "$(ip netns exec "$a" pmtufix stats t --prometheus |
		grep -c '^pmtufix_table_entries{table="t"')" \
		"entries of the one table asked for" || return 1
	check_eq 0 "$(ip netns exec "$a" pmtufix stats t --prometheus |
		grep -c 'table="empty"')" "no other table" || return 1
	if command -v promtool >/dev/null; then
		promtool check metrics <<<"$prom" || {
			err "promtool rejects: $prom"
			return 1
		}
	else
		info "promtool not available: format checked by hand only"
	fi

	[ -x "$helper" ] || {
		err "$helper is missing: make userspace builds it"
		return 1
	}
	mkdir -p "$dir"
	ip netns exec "$a" env PMTUFIX_TEXTFILE_DIR="$dir" \
		PMTUFIX="$(command -v pmtufix)" "$helper" || return 1
	check_eq "pmtufix.prom" "$(ls -A "$dir")" "textfile directory" || return 1
	grep -qx "pmtufix_up 1" "$dir/pmtufix.prom" || return 1
	grep -qxF 'pmtufix_table_rules{table="t"} 1' "$dir/pmtufix.prom"
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "every table subcommand" test_subcommands
run_test "stats: text, JSON, per CPU, Prometheus, reset" test_stats
run_test "bad input: message, exit status, table unchanged" test_bad_input
run_test "pmtufix overhead agrees with the module" test_overhead_agrees
run_test "stats --prometheus: up, versions, entries, rules, promtool" \
	test_prometheus_state
exit_status
