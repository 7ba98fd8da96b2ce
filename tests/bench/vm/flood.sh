#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SYN floods from both vCPUs at once, through the FORWARD hook run by
# tests/bench/kmod/pmtufix_bench.ko on a thread bound to each CPU.
#
#   contention  ns per SYN on one CPU and on two, toward one entry (whose
#               counters both CPUs write) and spread over BENCH_N4 entries;
#               TCPMSS --set-mss, which shares nothing, for what two CPUs
#               give under this emulator at all
#   swap        the BENCH_N4-entry table replaced while both CPUs flood
#               it, from 1 s before the load to 1 s after: the load's
#               time, SYNs that left unclamped (must be 0) and the longest
#               single pass through the hook, against the same flood with
#               no load

source "$(dirname "$0")/../../lib/lib.sh"
source "$(dirname "$0")/lib.bash"

PACKETS=${BENCH_PACKETS:-100000}
ROUNDS=${BENCH_ROUNDS:-3}

# flood LABEL COUNT PACKETS CPUS LATENCY: IPv4 SYNs to the first COUNT
# prefixes' spread; prints "NS_PER_SYN WORST_NS PACKETS" after checking
# that every SYN was accepted and lowered.  With PACKETS "until", the flood
# goes on until flood_stop.
flood() {
	local label=$1 count=$2 n=$3 cpus=$4 lat=$5 stride total
	local hook loop acc lowered worst

	stride=$(python3 "$BENCH_DIR/prefixes.py" stride 4 "$BENCH_N4")
	if [ "$n" = until ]; then
		# The writer's pid, for flood_stop; the signal that ends the
		# write ends the shell too.
		ip netns exec "${NS[$label]}" sh -c "echo \$\$ >$TMP/flood.pid; echo '4 syn 10.0.0.1 16.0.0.0 $count $stride in0 out0 4000000000 $cpus $lat' >$RUN"
	else
		ip netns exec "${NS[$label]}" sh -c "echo '4 syn 10.0.0.1 16.0.0.0 $count $stride in0 out0 $n $cpus $lat' >$RUN" ||
			return 1
	fi
	read -r total hook loop acc lowered worst <"$RESULT"
	[ "$total" != none ] && [ "$acc" = "$total" ] &&
		[ "$lowered" = "$total" ] || {
		err "$label: $cpus CPUs: ${acc:-0} of $total SYNs accepted, ${lowered:-0} lowered"
		return 1
	}
	awk -v h="$hook" -v l="$loop" -v n="$total" -v w="$worst" \
		'BEGIN { printf "%.1f %d %d\n", (h - l) / n, w, n }'
}

flood_stop() {
	kill -TERM "$(cat "$TMP/flood.pid")"
}

# contention LABEL: "ONE1 ONE2 SPREAD1 SPREAD2", ns per SYN toward one
# entry and spread, on one CPU and on two, each the median of the rounds.
contention() {
	local label=$1 r case res count cpus

	: >"$TMP/c"
	for ((r = 0; r < ROUNDS; r++)); do
		for case in "1 1" "1 2" "$BENCH_N4 1" "$BENCH_N4 2"; do
			read -r count cpus <<<"$case"
			res=$(flood "$label" "$count" "$PACKETS" "$cpus" 0) ||
				return 1
			echo "$count/$cpus ${res%% *}" >>"$TMP/c"
		done
	done
	for case in 1/1 1/2 "$BENCH_N4/1" "$BENCH_N4/2"; do
		printf '%s ' "$(median "$TMP/c" "$case")"
	done
}

test_contention() {
	local res t p

	bench_module || return
	ruleset tcpmss && ruleset pmtufix || return 1
	xt tcpmss 4 -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
		-j TCPMSS --set-mss 1340 || return 1
	prefixes pmtufix 4 "$BENCH_N4" "$TMP/t"
	ip netns exec "${NS[pmtufix]}" pmtufix table load t "$TMP/t" &&
		xt pmtufix 4 -A FORWARD -j PMTUFIX --table-name t --lookup dst ||
		return 1

	res=$(contention tcpmss) || return 1
	read -ra t <<<"$res"
	res=$(contention pmtufix) || return 1
	read -ra p <<<"$res"
	info "ns per SYN, $PACKETS SYNs per CPU, median of $ROUNDS rounds:"
	info "$(printf '%-14s %9s %9s %9s %9s' '' 'one 1CPU' 'one 2CPU' 'all 1CPU' 'all 2CPU')"
	info "$(printf '%-14s %9s %9s %9s %9s' tcpmss-set "${t[@]}")"
	info "$(printf '%-14s %9s %9s %9s %9s' pmtufix "${p[@]}")"
	info "two CPUs / one: tcpmss-set $(ratio "${t[1]}" "${t[0]}"), pmtufix one entry $(ratio "${p[1]}" "${p[0]}"), pmtufix $BENCH_N4 entries $(ratio "${p[3]}" "${p[2]}")"
	info "two CPUs on one entry / spread over $BENCH_N4: $(ratio "${p[1]}" "${p[3]}")"
}

# mss LABEL: the MSS the table gives the first prefix.
mss() {
	ip netns exec "${NS[$1]}" pmtufix lookup t 16.0.0.1 -j |
		jq -r '.entry.mss'
}

test_swap() {
	local t0 idle busy base swap swap_worst worst n pid before

	bench_module || return
	ruleset swap || return 1
	prefixes pmtufix 4 "$BENCH_N4" "$TMP/a"
	# The same prefixes, 100 bytes less MTU each: both tables clamp.
	sed 's/ mtu 14/ mtu 13/' "$TMP/a" >"$TMP/b"
	t0=$(ms)
	ip netns exec "${NS[swap]}" pmtufix table load t "$TMP/a" || return 1
	idle=$(($(ms) - t0))
	before=$(mss swap)
	xt swap 4 -A FORWARD -j PMTUFIX --table-name t --lookup dst || return 1

	base=$(flood swap "$BENCH_N4" "$PACKETS" 2 1) || return 1
	read -r _ worst _ <<<"$base"
	rm -f "$TMP/flood.pid"
	flood swap "$BENCH_N4" until 2 1 >"$TMP/swap" &
	pid=$!
	busywait 10000 test -s "$TMP/flood.pid" || return 1
	sleep 1
	t0=$(ms)
	ip netns exec "${NS[swap]}" pmtufix table load t "$TMP/b" || return 1
	busy=$(($(ms) - t0))
	sleep 1
	flood_stop && wait "$pid" || return 1
	check_eq "$((before - 100))" "$(mss swap)" "MSS after the swap" ||
		return 1
	read -r swap swap_worst n <"$TMP/swap"
	info "load of $BENCH_N4 entries: idle $idle ms, under a 2-CPU SYN flood $busy ms"
	info "flood of $n SYNs from 1 s before the load to 1 s after: every SYN clamped (0 lost), $swap ns per SYN"
	info "longest pass through the hook: $worst ns with no load ($((2 * PACKETS)) SYNs), $swap_worst ns across the swap"
}

run_test "SYN floods from two CPUs toward one entry and many" test_contention
run_test "a table replaced under a SYN flood from two CPUs" test_swap
rmmod pmtufix_bench 2>/dev/null
exit_status
