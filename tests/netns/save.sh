#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tables as files: table save prints what table load and table restore
# read back exactly, settings included; the --exist forms of the commands
# a boot or a configuration run repeats.
#
#   namespace $a: tables, no rules, no traffic

source "$(dirname "$0")/../lib/lib.sh"

# pmt CMD...: pmtufix in namespace $a.
pmt() {
	ip netns exec "$a" pmtufix "$@"
}

# same FILE1 FILE2 WHAT: byte for byte, or the first difference.
same() {
	cmp -s "$1" "$2" && return 0
	err "$3: the files differ"
	diff "$1" "$2" | head -n 5 >&2
	return 1
}

# The settings of table $1 in namespace $a, as `table list -j' gives them.
settings_of() {
	pmt table list -j | jq -c --arg t "$1" '.[] | select(.table == $t) |
		[.mtu, .floor4, .floor6, .too_big_rate, .too_big_burst,
		 .too_big_src_rate, .too_big_src_burst]'
}

# entries N: N entries, IPv4 and IPv6 in turn, cycling through layer types,
# some with their own MTU.
entries() {
	awk -v n="$1" 'BEGIN {
		split("|ipip|gre key seq|mtu 1400 vxlan|esp tunnel aes-gcm|" \
		      "wireguard6|mpls 2|mtu 9000 geneve opt 8|raw 12 pppoe|" \
		      "esp transport aes-cbc hmac-sha256 natt|ip6gre key " \
		      "noencaplimit|sit", l, "|")
		for (i = 0; i < n; i++) {
			k = int(i / 2)
			if (i % 2 == 0)
				p = sprintf("10.%d.%d.%d/32", int(k / 65536) % 256,
					    int(k / 256) % 256, k % 256)
			else
				p = sprintf("2001:db8:%x:%x::/64", int(k / 65536),
					    k % 65536)
			print p " " l[i % 12 + 1]
		}
	}'
}

test_save_load_small() {
	local d

	d=$(mktemp -d)
	setup_ns a || return 1
	cat >"$d/in" <<-EOF
	# a table file with its settings
	set mtu 1400 floor4 600 floor6 1240
	set too-big-rate 7 too-big-burst 8 too-big-src-rate 9 too-big-src-burst 3
	192.0.2.0/24 ipip
	10.0.0.0/8 mtu 9000 vxlan
	2001:db8::/32 esp tunnel6 aes-gcm
	0.0.0.0/0 gre key
	EOF
	pmt table load edge "$d/in" || return 1
	check_eq '[1400,600,1240,7,8,9,3]' "$(settings_of edge)" \
		"settings applied by load" || return 1
	check_eq "table edge: mtu 1400, floor4 600, floor6 1240, too-big-rate 7, too-big-burst 8, too-big-src-rate 9, too-big-src-burst 3, 3 IPv4 and 1 IPv6 entries, 0 rules" \
		"$(pmt table show edge | head -n 1)" "table show" || return 1
	pmt table save edge >"$d/s1" || return 1
	check_eq "set mtu 1400 floor4 600 floor6 1240 too-big-rate 7 too-big-burst 8 too-big-src-rate 9 too-big-src-burst 3" \
		"$(head -n 1 "$d/s1")" "the set line" || return 1
	check_eq "0.0.0.0/0 gre key" "$(sed -n 2p "$d/s1")" \
		"the first entry, in table order" || return 1

	# Into a table with other settings and entries: the same again.
	pmt table create other mtu 1500 too-big-rate 0 || return 1
	pmt table add other 198.51.100.0/24 sit || return 1
	pmt table load other "$d/s1" || return 1
	pmt table save other >"$d/s2" || return 1
	same "$d/s1" "$d/s2" "save, load, save" || return 1

	# Settings refused with the entries: nothing changes.
	printf 'set mtu 100\n10.0.0.0/8 esp tunnel aes-cbc hmac-sha512\n' |
		pmt table load other - 2>/dev/null && {
		err "a load leaving an entry without room for TCP was accepted"
		return 1
	}
	pmt table save other >"$d/s3" || return 1
	same "$d/s1" "$d/s3" "a refused load changed the table"
}

test_save_load_million() {
	local d t0 t1 t2 t3 t4 n

	d=$(mktemp -d)
	setup_ns a || return 1
	{
		echo "set mtu 1450 floor4 500 floor6 1230 too-big-rate 123 too-big-burst 45 too-big-src-rate 67 too-big-src-burst 8"
		entries 1000000
	} >"$d/in"
	t0=$(date +%s%3N)
	pmt table load big "$d/in" || return 1
	t1=$(date +%s%3N)
	pmt table save big >"$d/s1" || return 1
	t2=$(date +%s%3N)
	pmt table load big2 "$d/s1" || return 1
	pmt table save big2 >"$d/s2" || return 1
	t3=$(date +%s%3N)
	n=$(pmt table list -j | jq '.[] | select(.table == "big2") |
		.entries4 + .entries6')
	check_eq 1000000 "$n" "entries loaded" || return 1
	check_eq 1000001 "$(wc -l <"$d/s1")" "lines saved" || return 1
	check_eq '[1450,500,1230,123,45,67,8]' "$(settings_of big2)" \
		"settings" || return 1
	same "$d/s1" "$d/s2" "1,000,000 entries: save, load, save" || return 1
	# What of a load is the command's own parsing, without the kernel.
	pmt table check "$d/s1" || return 1
	t4=$(date +%s%3N)
	info "1,000,000 entries: load $((t1 - t0)) ms, save $((t2 - t1)) ms, load and save again $((t3 - t2)) ms; table check alone $((t4 - t3)) ms"
}

test_restore() {
	local d

	d=$(mktemp -d)
	setup_ns a || return 1
	pmt table create a1 mtu 1400 || return 1
	pmt table add a1 192.0.2.0/24 ipip || return 1
	pmt table create b2 floor6 1280 too-big-src-rate 0 || return 1
	entries 1000 | pmt table load b2 - || return 1
	pmt table create empty || return 1
	pmt table save >"$d/all" || return 1
	check_eq "table a1" "$(head -n 1 "$d/all")" "the first line" || return 1
	check_eq 3 "$(grep -c '^table ' "$d/all")" "tables saved" || return 1

	# Into a fresh namespace, where none exists, and again over them.
	setup_ns a || return 1
	pmt table restore <"$d/all" || return 1
	pmt table restore "$d/all" || return 1
	pmt table save >"$d/again" || return 1
	same "$d/all" "$d/again" "save, restore, save" || return 1

	# Tables not in the file are left alone; those in it take its state.
	pmt table create keep || return 1
	pmt table add empty 10.0.0.0/8 ipip || return 1
	pmt table restore "$d/all" || return 1
	check_eq "a1 b2 empty keep" "$(pmt table list --names | sort | xargs)" \
		"tables after a restore" || return 1
	pmt table save empty >"$d/empty" || return 1
	check_eq 1 "$(wc -l <"$d/empty")" "a restored empty table" || return 1
}

test_save_changing() {
	local so d

	require_cmd cc || return
	d=$(mktemp -d)
	so=$d/after_recv.so
	cc -shared -fPIC -o "$so" "$PMTUFIX_TOP/tests/lib/after_recv.c" \
		-ldl || return 1
	setup_ns a || return 1
	entries 4000 | pmt table load t - || return 1
	# A change between two parts of the dump: saved after it, whole.
	ip netns exec "$a" env AFTER_RECV="pmtufix table add t 192.0.2.0/24 gre" \
		LD_PRELOAD="$so" pmtufix table save t >"$d/s1" || return 1
	pmt table save t >"$d/s2" || return 1
	same "$d/s2" "$d/s1" "a save during a change" || return 1
	grep -qx "192.0.2.0/24 gre" "$d/s1" || {
		err "the entry added during the save is missing"
		return 1
	}
}

test_exist() {
	local out

	setup_ns a || return 1
	# What a boot runs, twice.
	out=$(pmt table create --exist edge) || return 1
	check_eq "table edge: created" "$out" "create --exist" || return 1
	out=$(pmt table create --exist edge) || return 1
	check_eq "table edge: exists, unchanged" "$out" \
		"create --exist again" || return 1
	printf 'set mtu 1400\n192.0.2.0/24 ipip\n' >"/tmp/edge.$$"
	pmt table load edge "/tmp/edge.$$" || return 1
	pmt table create --exist edge >/dev/null || return 1
	pmt table load edge "/tmp/edge.$$" || return 1
	rm -f "/tmp/edge.$$"
	out=$(pmt -j table create edge --exist mtu 1400) || return 1
	check_eq '{"table":"edge","changed":false}' "$out" \
		"create --exist -j, same settings" || return 1
	out=$(pmt table create --exist edge mtu 1500 2>&1)
	check_refused "create --exist, other settings" "exists with other settings (mtu 1400)" \
		$? "$out" || return 1

	out=$(pmt table add --exist edge 10.0.0.0/8 gre key) || return 1
	check_eq "table edge: added" "$out" "add --exist" || return 1
	out=$(pmt table add edge --exist 10.0.0.0/8 gre key) || return 1
	check_eq "table edge: exists, unchanged" "$out" \
		"add --exist again" || return 1
	# Shadowed by a longer prefix at its address: still found.
	pmt table add edge 10.0.0.0/16 ipip || return 1
	out=$(pmt table add --exist edge 10.0.0.0/8 gre key) || return 1
	check_eq "table edge: exists, unchanged" "$out" \
		"add --exist under a longer prefix" || return 1
	out=$(pmt table add --exist edge 10.0.0.0/8 ipip 2>&1)
	check_refused "add --exist, another path" "holds 10.0.0.0/8 gre key" \
		$? "$out" || return 1

	out=$(pmt table del --exist edge 10.0.0.0/8 172.16.0.0/12) || return 1
	check_eq "table edge: deleted" "$out" "del --exist, one missing" ||
		return 1
	out=$(pmt table del --exist edge 10.0.0.0/8) || return 1
	check_eq "table edge: absent, unchanged" "$out" "del --exist again" ||
		return 1
	check_eq "192.0.2.0/24 ipip 10.0.0.0/16 ipip" \
		"$(pmt table save edge | tail -n +2 | sort -r | xargs)" \
		"entries left" || return 1

	out=$(pmt table destroy --exist edge) || return 1
	check_eq "table edge: destroyed" "$out" "destroy --exist" || return 1
	out=$(pmt table destroy --exist edge) || return 1
	check_eq "table edge: absent, unchanged" "$out" \
		"destroy --exist again" || return 1
	out=$(pmt table del --exist edge 10.0.0.0/8) || return 1
	check_eq "table edge: absent, unchanged" "$out" \
		"del --exist without the table" || return 1
	out=$(pmt table destroy edge 2>&1)
	check_refused "destroy without --exist" "no such table" $? "$out"
}

# Names starting with `-': refused by the iptables extension as well.
test_dash_names() {
	local out

	setup_ns a || return 1
	out=$(ip netns exec "$a" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name=-x 2>&1)
	check_refused "iptables --table-name=-x" "invalid table name" $? \
		"$out" || return 1
	out=$(pmt table create -x 2>&1)
	check_refused "table create -x" "table names cannot start with" $? \
		"$out" || return 1
	check_eq "" "$(pmt table list --names)" "tables" || return 1
}

run_test "save, load, save: identical, settings included" test_save_load_small
run_test "1,000,000 entries: save, load, save identical" test_save_load_million
run_test "restore: every table saved, created where missing" test_restore
run_test "a table changed during a save is saved whole" test_save_changing
run_test "--exist: create, add, del, destroy twice" test_exist
run_test "table names cannot start with -" test_dash_names
exit_status
