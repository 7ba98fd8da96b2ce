#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-CPU counters of a machine with more possible CPUs than one netlink
# attribute can describe.  A CPU's counters take 180 bytes (14 u64 and the
# CPU number, in a nest), so from 365 possible CPUs they no longer fit in
# the 65535 bytes of one attribute: the reply must split them into several
# PMTUFIX_A_STATS_PERCPU nests and the command must read them all.
#
# Skipped unless the kernel has that many possible CPUs: the VM runs it on
# a boot of its own with possible_cpus=400 (which 6.1 honours; 6.12 only
# lowers the count, and QEMU's q35 offers at most 288).
#
#   namespace $a: table "t", a rule in OUTPUT, datagrams on loopback

source "$(dirname "$0")/../lib/lib.sh"

NEED_CPUS=365

possible_cpus() {
	local last

	last=$(sed 's/.*-//' /sys/devices/system/cpu/possible)
	echo $((last + 1))
}

test_many_cpus() {
	local n json

	n=$(possible_cpus)
	if [ "$n" -lt $NEED_CPUS ]; then
		echo "$n possible CPUs, fewer than $NEED_CPUS"
		return $ksft_skip
	fi
	setup_ns a || return 1
	ip netns exec "$a" pmtufix table create t || return 1
	ip netns exec "$a" iptables -t mangle -A OUTPUT -j PMTUFIX \
		--table-name t || return 1
	# Six datagrams to a closed port: they and the port-unreachable
	# answers cross OUTPUT.
	ip netns exec "$a" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(6):
    s.sendto(b"x", ("127.0.0.1", 9))' || return 1

	json=$(ip netns exec "$a" pmtufix stats t --per-cpu -j) || return 1
	info "$n possible CPUs: $(jq '.per_cpu | length' <<<"$json") in the reply, packets $(jq .packets <<<"$json")"
	check_eq true "$(jq --argjson n "$n" \
		'[.per_cpu[].cpu] == [range($n)]' <<<"$json")" \
		"every possible CPU once, in order" || return 1
	check_eq true "$(jq '.packets >= 6 and
		([.per_cpu[].packets] | add) == .packets' <<<"$json")" \
		"the per-CPU packets add up to the table's" || return 1
	# The text form lists the last CPU too.
	ip netns exec "$a" pmtufix stats t --per-cpu |
		grep -q "cpu$((n - 1))\b" || return 1
}

run_test "counters of $NEED_CPUS+ possible CPUs in several nests" \
	test_many_cpus
exit_status
