#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What one rule costs a forwarded packet: the FORWARD hook of a namespace
# run on prepared packets by tests/bench/kmod/pmtufix_bench.ko, once per
# ruleset, in one boot.  Rulesets, each in a namespace of its own so that
# the rounds can alternate between them:
#
#   none         no rule
#   xt-empty     iptables-legacy: one rule, no match, no target
#   tcpmss-set   -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1340
#   tcpmss-pmtu  the same with --clamp-mss-to-pmtu (route MTU 1400)
#   pmtufix-N    -j PMTUFIX --lookup dst, a table of N prefixes (1, 1000,
#                100,000, BENCH_N4; BENCH_N6 IPv6)
#   nft-empty    nftables: tcp flags & (syn|rst) == syn, no statement
#   nft-rt       the same, tcp option maxseg size set rt mtu
#   nft-map      the same, tcp option maxseg size set ip daddr map @mss,
#                the BENCH_N4 (BENCH_N6) prefixes as an interval map
#
# Packets: SYNs, bare ACKs and 1380-byte DF data segments (the largest
# every entry lets through), each to a random prefix of the ruleset's table
# (of the largest where it has none).  The data segments go also through
# pmtufix-1 and pmtufix-N with --send-too-big.  A figure is the median of
# BENCH_ROUNDS rounds of BENCH_PACKETS packets, less the time the module
# spends preparing them; the rounds alternate between rulesets.

source "$(dirname "$0")/../../lib/lib.sh"
source "$(dirname "$0")/lib.bash"

PACKETS=${BENCH_PACKETS:-100000}
ROUNDS=${BENCH_ROUNDS:-3}

nft_rule() {
	local label=$1 fam=$2

	shift 2
	ip netns exec "${NS[$label]}" nft -f - <<-EOF
	table $fam bench {
		chain f {
			type filter hook forward priority mangle;
			tcp flags & (syn | rst) == syn $*
		}
	}
	EOF
}

# pass LABEL FAMILY KIND PACKETS: "HOOK_NS LOOP_NS" of one run, in total.
pass() {
	local label=$1 fam=$2 kind=$3 n=$4 count=${COUNT[$1/$2]:-${COUNT[big/$2]}}
	local src=10.0.0.1 dst=16.0.0.0 stride hook loop acc lowered want

	[ "$fam" = 6 ] && src=2001:db8:1::1 dst=3000::
	stride=$(python3 "$BENCH_DIR/prefixes.py" stride "$fam" "$count")
	ip netns exec "${NS[$label]}" sh -c \
		"echo '$fam $kind $src $dst $count $stride in0 out0 $n' >$RUN" ||
		return 1
	read -r _ hook loop acc lowered _ <"$RESULT"
	[ "$acc" = "$n" ] || {
		err "$label: IPv$fam $kind: the hook accepted $acc of $n packets"
		return 1
	}
	# A figure is worth something only if the rule did its work: every
	# SYN lowered by a clamping rule, none by the others.
	case $kind/$label in
	syn/none | syn/*-empty) want=0 ;;
	syn/*) want=$n ;;
	*) want=0 ;;
	esac
	[ "$lowered" = "$want" ] || {
		err "$label: IPv$fam $kind: $lowered of $n packets left with a lower MSS, expected $want"
		return 1
	}
	echo "$hook $loop"
}

# measure KIND FAMILY LABEL...: each ruleset's ns per packet, the median
# of the rounds, to $TMP/cost as "LABEL/FAMILY/KIND NS".
measure() {
	local kind=$1 fam=$2 label r res hook loop

	shift 2
	for ((r = 0; r < ROUNDS; r++)); do
		for label in "$@"; do
			res=$(pass "$label" "$fam" "$kind" "$PACKETS") || return 1
			read -r hook loop <<<"$res"
			echo "$label/$fam/$kind $(((hook - loop) * 10 / PACKETS))" \
				>>"$TMP/rounds"
		done
	done
	for label in "$@"; do
		median "$TMP/rounds" "$label/$fam/$kind" |
			awk -v k="$label/$fam/$kind" '{ printf "%s %.1f\n", k, $1 / 10 }' \
			>>"$TMP/cost"
	done
}

# The figure of LABEL/FAMILY/KIND: the last measured.
cost() {
	awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$TMP/cost"
}

# load_table LABEL N4 [N6]: one load, as it replaces the whole table.
load_table() {
	prefixes pmtufix 4 "$2" "$TMP/t"
	COUNT[$1/4]=$2
	if [ -n "${3:-}" ]; then
		prefixes pmtufix 6 "$3" "$TMP/t6"
		cat "$TMP/t6" >>"$TMP/t"
		COUNT[$1/6]=$3
	fi
	ip netns exec "${NS[$1]}" pmtufix table load t "$TMP/t"
}

test_packet_cost() {
	local big=$BENCH_N4 big6=$BENCH_N6 l f
	local syn4=() syn6=()

	bench_module || return
	COUNT[big/4]=$big
	COUNT[big/6]=$big6
	for l in none xt-empty tcpmss-set tcpmss-pmtu pmtufix-1 pmtufix-1k \
		 pmtufix-100k pmtufix-big nft-empty nft-rt nft-map; do
		ruleset "$l" || return 1
	done
	for f in 4 6; do
		xt xt-empty "$f" -A FORWARD || return 1
		xt tcpmss-set "$f" -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --set-mss 1340 || return 1
		xt tcpmss-pmtu "$f" -A FORWARD -p tcp --tcp-flags SYN,RST SYN \
			-j TCPMSS --clamp-mss-to-pmtu || return 1
	done
	for l in pmtufix-1 pmtufix-1k pmtufix-100k pmtufix-big; do
		ip netns exec "${NS[$l]}" pmtufix table create t || return 1
		for f in 4 6; do
			xt "$l" "$f" -A FORWARD -j PMTUFIX --table-name t \
				--lookup dst || return 1
		done
	done
	load_table pmtufix-1 1 1 && load_table pmtufix-1k 1000 &&
		load_table pmtufix-100k 100000 &&
		load_table pmtufix-big "$big" "$big6" || return 1
	nft_rule nft-empty ip "" && nft_rule nft-empty ip6 "" &&
		nft_rule nft-rt ip "tcp option maxseg size set rt mtu" &&
		nft_rule nft-rt ip6 "tcp option maxseg size set rt mtu" ||
		return 1
	for f in 4 6; do
		prefixes nft "$f" "${COUNT[big/$f]}" "$TMP/m$f"
		ip netns exec "${NS[nft-map]}" nft -f "$TMP/m$f" || return 1
	done
	nft_rule nft-map ip "tcp option maxseg size set ip daddr map @mss" &&
		nft_rule nft-map ip6 "tcp option maxseg size set ip6 daddr map @mss" ||
		return 1

	: >"$TMP/rounds"
	: >"$TMP/cost"
	syn4=(none xt-empty tcpmss-set tcpmss-pmtu pmtufix-1 pmtufix-1k
	      pmtufix-100k pmtufix-big nft-empty nft-rt nft-map)
	syn6=(none xt-empty tcpmss-set tcpmss-pmtu pmtufix-1 pmtufix-big
	      nft-empty nft-rt nft-map)
	measure syn 4 "${syn4[@]}" && measure syn 6 "${syn6[@]}" &&
		measure ack 4 none xt-empty tcpmss-set pmtufix-1 pmtufix-big \
			nft-empty nft-map &&
		measure 1380 4 none xt-empty pmtufix-1 pmtufix-big || return 1
	for l in pmtufix-1 pmtufix-big; do
		xt "$l" 4 -R FORWARD 1 -j PMTUFIX --table-name t --lookup dst \
			--send-too-big || return 1
		# The rows of --send-too-big go by their own name.
		NS[$l-stb]=${NS[$l]}
		COUNT[$l-stb/4]=${COUNT[$l/4]}
	done
	measure 1380 4 xt-empty pmtufix-1-stb pmtufix-big-stb || return 1
	report
}

report() {
	local l f

	info "ns per packet in the FORWARD hook ($PACKETS packets, median of $ROUNDS rounds):"
	info "$(printf '%-18s %9s %9s %9s %9s' ruleset 'SYN v4' 'SYN v6' 'ACK v4' '1380 DF')"
	for l in none xt-empty tcpmss-set tcpmss-pmtu pmtufix-1 pmtufix-1k \
		 pmtufix-100k pmtufix-big pmtufix-1-stb pmtufix-big-stb \
		 nft-empty nft-rt nft-map; do
		info "$(printf '%-18s %9s %9s %9s %9s' "$l" \
			"$(cost "$l/4/syn")" "$(cost "$l/6/syn")" \
			"$(cost "$l/4/ack")" "$(cost "$l/4/1380")")"
	done
	# A rule's own cost: its hook less the same framework's empty one.
	own() {
		awk -v a="$(cost "$1")" -v b="$(cost "$2")" \
			'BEGIN { printf "%.1f", a - b }'
	}
	local p t c m l1k
	for f in 4 6; do
		p=$(own "pmtufix-big/$f/syn" "xt-empty/$f/syn")
		t=$(own "tcpmss-set/$f/syn" "xt-empty/$f/syn")
		c=$(own "tcpmss-pmtu/$f/syn" "xt-empty/$f/syn")
		m=$(own "nft-map/$f/syn" "nft-empty/$f/syn")
		info "IPv$f SYN, the rule's own ns: pmtufix-big $p, tcpmss-set $t, tcpmss-pmtu $c, nft-map $m"
		info "IPv$f SYN: pmtufix-big / tcpmss-set $(ratio "$p" "$t") (goal <= 1.0), / tcpmss-pmtu $(ratio "$p" "$c") (<= 0.5), / nft-map $(ratio "$p" "$m") (<= 0.5)"
	done
	l1k=$(own pmtufix-1k/4/syn xt-empty/4/syn)
	p=$(own pmtufix-big/4/syn xt-empty/4/syn)
	info "IPv4 SYN: pmtufix-big / pmtufix-1k $(ratio "$p" "$l1k") (goal <= 2)"
	info "ACK: pmtufix-big / xt-empty $(ratio "$(cost pmtufix-big/4/ack)" "$(cost xt-empty/4/ack)") (goal <= 1.05)"
	info "1380 DF, --send-too-big: pmtufix-big-stb / xt-empty $(ratio "$(cost pmtufix-big-stb/4/1380)" "$(cost xt-empty/4/1380)") (goal <= 1.5)"
}

run_test "per-packet cost of PMTUFIX, TCPMSS and nftables rules" test_packet_cost
rmmod pmtufix_bench 2>/dev/null
exit_status
