#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmtufix-boot, what pmtufix.service runs, with the real command and
# module: every NAME.conf of its directory loaded into table NAME (a table
# a restored rule created already included), other files ignored, a bad
# file named in an error line while the others load and its table keeps
# its entries, and a reload that swaps the tables and touches nothing
# else.  The units themselves run under systemd in the VM of
# tests/vm/run.sh -m systemd.
#
#   namespace $a: tables, one rule, no traffic

source "$(dirname "$0")/../lib/lib.sh"

BOOT=$PMTUFIX_TOP/userspace/systemd/pmtufix-boot

# entries NS TABLE: the prefixes of TABLE, on one line.
entries() {
	ip netns exec "$1" pmtufix table show "$2" -j |
		jq -r '[.entries[].prefix] | join(" ")'
}

# boot NS ARG: runs the helper in NS on $TMP/conf; stderr in $TMP/err.
boot() {
	ip netns exec "$1" env PMTUFIX_CONFDIR="$TMP/conf" \
		PMTUFIX="$(command -v pmtufix)" "$BOOT" "$2" 2>"$TMP/err"
}

test_boot() {
	local rc

	[ -x "$BOOT" ] || {
		err "$BOOT is missing: make userspace builds it"
		return 1
	}
	setup_ns a || return 1
	ip netns exec "$a" pmtufix table create --exist probe 2>/dev/null
	[ $? = 2 ] && {
		info "pmtufix table create --exist is not there yet"
		return "$ksft_skip"
	}
	ip netns exec "$a" pmtufix table destroy probe || return 1
	# A rule restored before the tables: it created "edge" empty.
	ip netns exec "$a" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name edge || return 1

	rm -rf "$TMP/conf"
	mkdir -p "$TMP/conf"
	boot "$a" start || return 1
	check_eq "edge" "$(ip netns exec "$a" pmtufix table list --names)" \
		"tables after an empty directory" || return 1

	printf '%s\n' "192.0.2.10/32 ipip" "2001:db8::/32 ip6ip6" \
		>"$TMP/conf/edge.conf"
	echo "10.20.0.0/16 esp transport aes-gcm" >"$TMP/conf/lab.2.conf"
	echo "10.30.0.0/16 gre" >"$TMP/conf/README"
	boot "$a" start || { err "$(cat "$TMP/err")"; return 1; }
	check_eq "edge lab.2" "$(ip netns exec "$a" pmtufix table list --names |
		sort | xargs)" "tables after two files" || return 1
	check_eq "192.0.2.10/32 2001:db8::/32" "$(entries "$a" edge)" \
		"edge, which the rule had created" || return 1
	check_eq "10.20.0.0/16" "$(entries "$a" lab.2)" "lab.2" || return 1

	# A bad file: named, the others loaded, its table as it was.
	echo "192.0.2.20/32 ipip" >>"$TMP/conf/edge.conf"
	echo "10.21.0.0/16 ipipx" >"$TMP/conf/lab.2.conf"
	boot "$a" reload
	rc=$?
	check_eq 1 "$rc" "exit status with a bad file" || return 1
	grep -q "^<3>pmtufix-boot: $TMP/conf/lab.2.conf: table lab.2 not loaded, left as it was: .*lab.2.conf:1:14: unknown layer \`ipipx'$" \
		"$TMP/err" || { err "error lines: $(cat "$TMP/err")"; return 1; }
	check_eq "10.20.0.0/16" "$(entries "$a" lab.2)" "lab.2 kept" || return 1
	check_eq "192.0.2.10/32 192.0.2.20/32 2001:db8::/32" \
		"$(entries "$a" edge)" "edge reloaded" || return 1

	# A removed file leaves its table alone.
	rm "$TMP/conf/lab.2.conf"
	boot "$a" reload || return 1
	check_eq "10.20.0.0/16" "$(entries "$a" lab.2)" \
		"a table whose file is gone" || return 1
	check_eq 1 "$(ip netns exec "$a" pmtufix table list -j |
		jq '.[] | select(.table == "edge") | .rules')" \
		"the rule still uses edge" || return 1
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "pmtufix-boot: files into tables, a bad one named, reload" test_boot
exit_status
