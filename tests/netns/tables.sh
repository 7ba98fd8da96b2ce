#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Life of tables: per namespace, created by rules, kept while rules use
# them, freed with their namespace; permissions; the entry limit.
#
#   namespace $a: tables and rules, no traffic

source "$(dirname "$0")/../lib/lib.sh"

# The memory charged to a cgroup, in bytes.
charged() {
	cat "$1/memory.current"
}

# below CGROUP BYTES: less than BYTES are charged to it.
below() {
	[ "$(charged "$1")" -lt "$2" ]
}

test_rule_creates_table() {
	local out rc

	setup_ns a || return 1
	# Rules restored at boot, before any table is loaded.
	ip netns exec "$a" iptables-restore <<-EOF || return 1
	*mangle
	-A FORWARD -p tcp -j PMTUFIX --table-name boot
	COMMIT
	EOF
	check_eq "boot" "$(ip netns exec "$a" pmtufix table list --names)" \
		"table created by the rule" || return 1
	check_eq 1 "$(ip netns exec "$a" pmtufix table list -j |
		jq '.[0].rules')" "rules using it" || return 1

	out=$(ip netns exec "$a" pmtufix table destroy boot 2>&1)
	rc=$?
	check_eq 1 "$rc" "destroying a table in use: exit status" || return 1
	check_eq "pmtufix table destroy boot: iptables rules use the table" \
		"$out" "destroying a table in use: message" || return 1

	ip netns exec "$a" iptables -t mangle -F
	ip netns exec "$a" pmtufix table destroy boot || return 1
	check_eq "" "$(ip netns exec "$a" pmtufix table list --names)" \
		"no table left" || return 1

	# Tables are per namespace.
	ip netns exec "$a" pmtufix table create mine || return 1
	if pmtufix table list --names | grep -qx mine; then
		err "a table of namespace $a shows in the initial namespace"
		return 1
	fi
}

# unprivileged NS CMD...: CMD as nobody without capabilities, in NS; sets
# OUT to what it printed and returns its exit status.
unprivileged() {
	local ns=$1

	shift
	OUT=$(ip netns exec "$ns" setpriv --reuid 65534 --regid 65534 \
		--clear-groups --inh-caps=-all --bounding-set=-all \
		pmtufix "$@" 2>&1)
}

# Every command, reads included: the tables say which destinations sit
# behind which tunnels and SAs, and their counters follow other users'
# connections.
test_unprivileged() {
	local cmd

	require_cmd setpriv || return $?
	setup_ns a || return 1
	ip netns exec "$a" pmtufix table create t || return 1
	ip netns exec "$a" pmtufix table add t 192.0.2.0/24 ipip || return 1
	while read -r cmd; do
		# shellcheck disable=SC2086
		unprivileged "$a" $cmd
		check_eq 1 $? "unprivileged '$cmd': exit status" || return 1
		grep -q "Operation not permitted.*CAP_NET_ADMIN" <<<"$OUT" || {
			err "unprivileged '$cmd': '$OUT'"
			return 1
		}
	done <<-EOF
		table create u
		table add t 198.51.100.0/24 gre
		table del t 192.0.2.0/24
		table set t mtu 1400
		stats reset t
		table list
		table list -j
		table show t
		table show t -j
		lookup t 192.0.2.1
		stats
		stats t
		stats t --prometheus
		stats t --per-cpu
	EOF
	# Root in the namespace reads and sees nothing changed.
	check_eq "t 1" "$(ip netns exec "$a" pmtufix table list -j |
		jq -r '.[] | "\(.table) \(.entries4)"')" "tables as root" ||
		return 1
}

# Tables are charged to the memory cgroup of whoever loaded them: load a
# big one from a cgroup of our own, delete the namespace, and watch the
# charge go.
test_netns_frees_tables() {
	local cg=/sys/fs/cgroup/pmtufix-tables base loaded after limit n=200000

	[ -f /sys/fs/cgroup/cgroup.controllers ] &&
		grep -qw memory /sys/fs/cgroup/cgroup.controllers || {
		echo "no cgroup2 memory controller"
		return $ksft_skip
	}
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
	setup_ns a || return 1
	python3 - "$TMP/big" "$n" <<-'EOF'
	import sys
	with open(sys.argv[1], "w") as f:
	    for i in range(int(sys.argv[2])):
	        f.write(f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}/32 ipip\n")
	EOF
	ip netns exec "$a" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name big || return 1
	mkdir -p "$cg"
	base=$(charged "$cg")
	(
		echo "$BASHPID" >"$cg/cgroup.procs"
		ip netns exec "$a" pmtufix table load big "$TMP/big"
	) || return 1
	loaded=$(charged "$cg")
	info "memory charged for $n entries: $(((loaded - base) / 1024)) KiB"
	[ $((loaded - base)) -gt $((n * 20)) ] || {
		err "a $n-entry table is charged only $((loaded - base)) bytes"
		return 1
	}
	ip netns del "$a"
	NS_LIST=()
	limit=$((base + (loaded - base) / 10))
	busywait 20000 below "$cg" "$limit" || {
		after=$(charged "$cg")
		err "the table outlived its namespace: $after bytes still charged"
		return 1
	}
	info "after deleting the namespace: $(((($(charged "$cg")) - base) / 1024)) KiB"
	rmdir "$cg"
}

test_entry_limit() {
	local param=/sys/module/xt_PMTUFIX/parameters/max_entries old out

	setup_ns a || return 1
	old=$(cat "$param")
	echo 3 >"$param"
	printf '192.0.2.%d/32 ipip\n' 1 2 3 4 >"$TMP/four"
	ip netns exec "$a" pmtufix table create t
	ip netns exec "$a" pmtufix table add t 198.51.100.0/24 gre
	out=$(ip netns exec "$a" pmtufix table load t "$TMP/four" 2>&1)
	local rc=$?
	echo "$old" >"$param"
	check_eq 1 "$rc" "load past the limit: exit status" || return 1
	grep -q "max_entries" <<<"$out" || {
		err "load past the limit: '$out'"
		return 1
	}
	check_eq "198.51.100.0/24" "$(ip netns exec "$a" pmtufix table show t -j |
		jq -r '.entries[].prefix')" "the table is as it was" || return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# A dump that a table change interrupts (NLM_F_DUMP_INTR) is read to its
# end and run again: the command neither fails nor shows a mix.  The
# change comes from tests/lib/after_recv.c, right after the first part
# (by then the kernel has filled the second, so the third part is the
# first to see it: the dumps need at least three parts of up to 32 KiB).
test_dump_interrupted() {
	local so i n

	so=$(mktemp -d)/after_recv.so
	cc -shared -fPIC -o "$so" "$PMTUFIX_TOP/tests/lib/after_recv.c" \
		-ldl || return 1
	setup_ns a || return 1
	# Dumps of several parts: 2000 tables (rules create them in one
	# process), and one of 2000 entries.
	for i in $(seq 2000); do
		echo "-A FORWARD -j PMTUFIX --table-name t$i"
	done | { echo '*mangle'; cat; echo COMMIT; } |
		ip netns exec "$a" iptables-restore || return 1
	for i in $(seq 0 1999); do
		echo "10.$((i / 256)).$((i % 256)).0/24 ipip"
	done | ip netns exec "$a" pmtufix table load t1 - || return 1

	n=$(ip netns exec "$a" env AFTER_RECV="pmtufix table create x1" \
		LD_PRELOAD="$so" pmtufix table list --names | wc -l)
	check_eq 2001 "$n" "table list: tables" || return 1
	n=$(ip netns exec "$a" env AFTER_RECV="pmtufix table create x2" \
		LD_PRELOAD="$so" pmtufix stats -j | jq length)
	check_eq 2002 "$n" "stats: tables" || return 1
	n=$(ip netns exec "$a" env AFTER_RECV="pmtufix table add t1 192.0.2.0/24 gre" \
		LD_PRELOAD="$so" pmtufix table show t1 -j | jq '.entries | length')
	check_eq 2001 "$n" "table show: entries" || return 1
}

run_test "a rule creates its table; a used table cannot go" test_rule_creates_table
run_test "every command, reads included, needs CAP_NET_ADMIN" test_unprivileged
run_test "deleting a namespace frees its tables" test_netns_frees_tables
run_test "the entry limit gives ENOSPC and changes nothing" test_entry_limit
run_test "a dump interrupted by a table change is run again" \
	test_dump_interrupted
exit_status
