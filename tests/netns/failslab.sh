#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Allocation failures aimed at the module: every allocation a request
# makes with the module's code on the stack fails once, in turn
# (/proc/<pid>/fail-nth, failslab and fail_page_alloc with their stack
# filter set to the module's text).  Each request must then fail cleanly
# (an error to the caller, the tables as they were) or succeed whole, and
# the kernel must not complain; kmemleak, where the kernel has it, looks
# for leaks after the suite.
#
#   netlink: every command, dumps and a load in three messages included
#   rules:   a PMTUFIX rule inserted with iptables-legacy and iptables-nft
#   swap:    a table replaced under a rule: after a failed replacement
#            SYNs still get the MSS of the old contents
#   netns:   namespaces created while their allocations fail: the
#            module's own (none today: its per-namespace state is the
#            core's), then a sample of the slab allocations of all;
#            each creation fails or succeeds, and the module still
#            serves a new namespace
#
# Needs a kernel with FAULT_INJECTION_STACKTRACE_FILTER, FAILSLAB and
# FAIL_PAGE_ALLOC (the debug kernel of tests/vm/run.sh -k 6.12-debug);
# skips elsewhere.

source "$(dirname "$0")/../lib/lib.sh"

DBG=/sys/kernel/debug
ATTRS="failslab fail_page_alloc"

# aim: faults only where the module's text is on the stack, never by
# chance (probability 0: only fail-nth injects), sleeping allocations
# included.
aim() {
	local lo hi a range

	range=$(awk '$4 == "[xt_PMTUFIX]" && $2 ~ /^[tT]$/ { print $1 }' \
		/proc/kallsyms | sort | sed -n '1p;$p' | tr '\n' ' ')
	read -r lo hi <<<"$range"
	[ -n "$lo" ] && [ -n "$hi" ] || {
		err "no text of xt_PMTUFIX in /proc/kallsyms"
		return 1
	}
	for a in $ATTRS; do
		echo 0 >"$DBG/$a/probability"
		echo N >"$DBG/$a/ignore-gfp-wait"
		echo "0x$lo" >"$DBG/$a/require-start"
		# The last function's end: a page is more than any of ours.
		printf '0x%x\n' $((0x$hi + 4096)) >"$DBG/$a/require-end"
		echo 0 >"$DBG/$a/verbose"
	done
	echo N >"$DBG/fail_page_alloc/ignore-gfp-highmem"
	echo 0 >"$DBG/fail_page_alloc/min-order"
}

# aim_slab: every slab allocation, for the core's share of a namespace
# that the module's code runs among; none of the page allocator's (a
# page fault that fails calls the OOM killer).
aim_slab() {
	echo 0 >"$DBG/failslab/require-start"
	echo 0xffffffffffffffff >"$DBG/failslab/require-end"
	echo 1 >"$DBG/fail_page_alloc/require-start"
	echo 2 >"$DBG/fail_page_alloc/require-end"
}

unaim() {
	local a

	for a in $ATTRS; do
		echo 0 >"$DBG/$a/require-start"
		echo 0xffffffffffffffff >"$DBG/$a/require-end"
		echo 2 >"$DBG/$a/verbose"
	done
}

# report JSON-LINES: each op's figures; fails if one was bad, or if no
# fault was reached at all (some requests allocate nothing of their own:
# a dump's messages are the netlink core's).
report() {
	local line bad=0 tries=0

	while read -r line; do
		info "$(jq -r '"\(.op): \(.tries) faults, \(.failed) failed, \(.succeeded) succeeded\(if .errors then " \(.errors)" else "" end)"' <<<"$line")"
		if [ "$(jq .bad <<<"$line")" != 0 ]; then
			err "$(jq -r '"\(.op): \(.bad) bad: \(.why | join("; "))"' <<<"$line")"
			bad=1
		fi
		tries=$((tries + $(jq .tries <<<"$line")))
	done <<<"$1"
	[ "$tries" -gt 0 ] || {
		err "no allocation of the module failed"
		bad=1
	}
	return $bad
}

test_netlink() {
	local out

	setup_ns r || return 1
	aim || return 1
	out=$(pytool failnth netlink "$r")
	report "$out"
}

# rules_of NS BACKEND: the PMTUFIX rules of the mangle table.
rules_of() {
	ip netns exec "$1" iptables-"$2" -t mangle -S | grep -c -- '-j PMTUFIX'
}

# faulted LAST TRIES SUMMARY: after a loop of failnth run, whose last
# answer was LAST: the command ended without reaching its fault, and
# faults were reached before.
faulted() {
	[ "$1" = "clean 0" ] || {
		err "still faulting after $2 faults ($1)"
		return 1
	}
	info "$3"
	[ "$2" -gt 0 ] || {
		err "no allocation of the module failed"
		return 1
	}
}

# table_of NS: "absent", or the rules the module counts for table a.
table_of() {
	local j

	j=$(ip netns exec "$1" pmtufix table show a -j 2>/dev/null) || {
		echo absent
		return
	}
	jq .rules <<<"$j"
}

# A rule naming a table that does not exist creates it: faults in that
# creation as well as in the rule's own check.
test_rules() {
	local b n out tries failed

	setup_ns r || return 1
	aim || return 1
	for b in legacy nft; do
		tries=0 failed=0
		for n in $(seq 200); do
			out=$(pytool failnth run "$n" ip netns exec "$r" \
				iptables-"$b" -t mangle -A FORWARD -p tcp \
				-j PMTUFIX --table-name a) || return 1
			case $out in
			"clean 0") break ;;
			clean*) err "$b: unfaulted insertion: $out"; return 1 ;;
			"injected 0")
				check_eq 1 "$(rules_of "$r" $b)" \
					"$b: rules after fault $n, inserted" &&
				check_eq 1 "$(table_of "$r")" \
					"$b: rules counted by the table" || return 1
				;;
			*)
				failed=$((failed + 1))
				check_eq 0 "$(rules_of "$r" $b)" \
					"$b: rules after fault $n, refused" &&
				check_eq absent "$(table_of "$r")" \
					"$b: the table after fault $n" || return 1
				;;
			esac
			tries=$n
			ip netns exec "$r" iptables-"$b" -t mangle -F &&
			{ [ "$(table_of "$r")" = absent ] ||
			  ip netns exec "$r" pmtufix table destroy a; } ||
				return 1
		done
		faulted "$out" "$tries" "$b: $tries faults, $failed insertions refused" ||
			return 1
		check_eq 1 "$(table_of "$r")" "$b: the rule at the end" ||
			return 1
		ip netns exec "$r" iptables-"$b" -t mangle -F &&
		ip netns exec "$r" pmtufix table destroy a || return 1
	done
}

# syn_mss: the MSS of a SYN from the client as the server sees it.
syn_mss() {
	probe 10.0.2.2 || return 1
	echo "$PROBE_SYN"
}

test_swap() {
	local n out tries=0 failed=0

	topo_crs || return 1
	printf '10.0.2.0/24 mtu 1400\n' >"$TMP/old"
	printf '10.0.2.0/24 mtu 1300\n10.9.0.0/16 mtu 1200\n' >"$TMP/new"
	ip netns exec "$r" pmtufix table create a &&
	ip netns exec "$r" pmtufix table load a "$TMP/old" &&
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp --syn \
		-j PMTUFIX --table-name a || return 1
	probe_start "$c:veth0" "$s:veth0" || return 1
	check_eq 1360 "$(syn_mss)" "MSS before any fault" || return 1
	aim || return 1
	for n in $(seq 200); do
		out=$(pytool failnth run "$n" ip netns exec "$r" \
			pmtufix table load a "$TMP/new") || return 1
		tries=$n
		case $out in
		"clean 0") tries=$((n - 1)); break ;;
		clean*) err "unfaulted load: $out"; return 1 ;;
		"injected 0")
			# Loaded despite the fault: all of it, then back.
			check_eq 2 "$(ip netns exec "$r" pmtufix table show a -j |
				jq '.entries | length')" \
				"entries after fault $n, loaded" &&
			ip netns exec "$r" pmtufix table load a "$TMP/old" ||
				return 1
			;;
		*)
			failed=$((failed + 1))
			check_eq 1360 "$(syn_mss)" \
				"MSS after fault $n, load refused" || return 1
			;;
		esac
	done
	faulted "$out" "$tries" "$tries faults, $failed loads refused" ||
		return 1
	check_eq 1260 "$(syn_mss)" "MSS after the last load" || return 1
}

# points: how many injection points a namespace's creation reaches
# (doubling, then bisection; each try creates one).
points() {
	local lo=0 hi=1 mid

	while [ "$(pytool failnth netns "$hi")" != "clean 0" ]; do
		lo=$hi
		hi=$((hi * 2))
		[ "$hi" -le 65536 ] || {
			echo "$hi"
			return
		}
	done
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if [ "$(pytool failnth netns "$mid")" = "clean 0" ]; then
			hi=$mid
		else
			lo=$mid
		fi
	done
	echo "$lo"
}

# create_at WHAT N...: a namespace created with its N-th injection point
# failing, for each N: refused with an error or made, never anything else
# (which error is the core's business).
create_at() {
	local what=$1 n out refused=0 errors=

	shift
	for n; do
		out=$(pytool failnth netns "$n") || return 1
		case $out in
		"injected 0" | "clean 0") ;;
		"injected 1 "?*)
			refused=$((refused + 1))
			errors+=" ${out#injected 1 }"
			;;
		*) err "$what: fault $n: $out"; return 1 ;;
		esac
	done
	info "$what: $# faults, $refused creations refused$(
		[ -z "$errors" ] || tr ' ' '\n' <<<"${errors# }" | sort |
			uniq -c | awk '{ printf " %s %s", $2, $1 }')"
}

test_netns() {
	local n all

	aim || return 1
	n=$(points)
	create_at "the module's allocations" $(seq "$n") || return 1
	aim_slab
	all=$(points)
	[ "$all" -lt 65536 ] || {
		err "a namespace's creation reaches $all injection points or more"
		return 1
	}
	info "a namespace's creation reaches $all injection points"
	create_at "every allocation" \
		$(seq 1 $(((all + 39) / 40)) "$all") || return 1
	unaim
	setup_ns r &&
	ip netns exec "$r" pmtufix table create a &&
	ip netns exec "$r" pmtufix table add a 10.0.2.0/24 mtu 1400 &&
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name a || return 1
	check_eq 1 "$(table_of "$r")" "rules of a new namespace's table"
}

mountpoint -q "$DBG" || mount -t debugfs debugfs "$DBG" 2>/dev/null

TMP=$(mktemp -d)
trap 'unaim 2>/dev/null; rm -rf "$TMP"' EXIT

skip_without_faults() {
	info "no fault injection with a stack filter in this kernel"
	return "$ksft_skip"
}

if [ -e /proc/self/fail-nth ] && [ -e "$DBG/failslab/require-start" ] &&
   [ -e "$DBG/fail_page_alloc/require-start" ]; then
	run_test "netlink requests under allocation failures" test_netlink
	run_test "rule insertion under allocation failures" test_rules
	run_test "a failed table replacement leaves the old one serving" \
		test_swap
	run_test "namespaces created under allocation failures" test_netns
else
	run_test "allocation failures" skip_without_faults
fi
exit_status
