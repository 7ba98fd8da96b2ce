#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family under random and mutated requests, from three
# kinds of sender at once, while a writer of valid updates keeps a model
# of its tables and SYNs cross a rule that uses one of them.
#
#   client ($c)               router ($r)                  server ($s)
#   synflood: SYNs to  ------ mangle FORWARD -p tcp -j ---- raw PREROUTING
#   10.0.2.2, chunk after     PMTUFIX --table-name mdl0    counts and drops
#   chunk until the end       --lookup dst; -p udp -j      the SYNs
#                             PMTUFIX --table-name fzrule
#                             nlfuzz model: valid updates of mdl0, mdl1,
#                               mdlx0..2, checked by dumps as it goes
#                             nlfuzz fuzz as root (NLFUZZ_ROOT messages)
#
#   unshare -Urn: nlfuzz fuzz as root of a user namespace of its own, in
#     its network namespace (NLFUZZ_USERNS messages), where
#     userns_max_tables (16) holds
#   initial namespace: nlfuzz fuzz -u as uid 65534 without capabilities
#     (NLFUZZ_UNPRIV messages): every request must fail
#
# tests/lib/nlfuzz.c says what the fuzzer sends and what the model does.
# At the end the module still answers, the tables read back with the
# pmtufix command equal the model's exactly, every SYN sent reached the
# server, and (checked by the VM run) the kernel logged no complaint.
#
# The fuzzers print their seed: `nlfuzz fuzz SEED COUNT' sends the same
# messages again (in a namespace with a table "mdl0" that a rule uses for
# the same setting); PMTUFIX_SEED=N chooses the seed of a run.

source "$(dirname "$0")/../lib/lib.sh"

NLFUZZ_ROOT=${NLFUZZ_ROOT:-60000}
NLFUZZ_USERNS=${NLFUZZ_USERNS:-25000}
NLFUZZ_UNPRIV=${NLFUZZ_UNPRIV:-20000}
MODEL_MIN_OPS=300
USERNS_MAX_TABLES=16

# syn_loop NS: SYN floods from the client, 2000 at a time, until the stop
# file exists; one JSON line each in $TMP/syn.
syn_loop() {
	until [ -e "$TMP/stop" ]; do
		ip netns exec "$1" "$TMP/synflood" 10.0.1.2 10.0.2.2 2000 0 ||
			return 1
	done >"$TMP/syn"
}

# server_syns: the SYNs the server's raw table counted (its only rule).
server_syns() {
	ip netns exec "$s" iptables -t raw -nvxL PREROUTING |
		awk 'NR == 3 { print $1 }'
}

# cli_model: the model's lines (see nlfuzz.c) of the tables named mdl*,
# as the pmtufix command reads them.
cli_model() {
	local t

	ip netns exec "$r" pmtufix table list -j |
		jq -r '.[] | select(.table | startswith("mdl")) |
			"table \(.table) mtu \(.mtu) floor4 \(.floor4)"' || return 1
	for t in $(ip netns exec "$r" pmtufix table list --names | grep '^mdl'); do
		ip netns exec "$r" pmtufix table show "$t" -j |
			jq -r --arg t "$t" '.entries[] |
				"entry \($t) \(.prefix) \(.mtu // "-") \(if .layers == "" then "-" else .layers end)"' ||
			return 1
	done
}

# summary FILE WHO: the fuzzer's JSON line, as an info line.
summary() {
	info "$2: $(jq -r '"\(.sent) messages (\(.datagrams) datagrams) in \(.seconds) s, \(.per_second)/s; \(.acks) acks, \(.replies) replies, \(.dumps_cut) dumps and \(.loads_cut) loads abandoned; errors \(.errors | to_entries | map("\(.key) \(.value)") | join(", "))"' "$1")"
}

test_nlfuzz() {
	local seed pids=() rc=0 sent total syns got f

	require_cmd cc jq unshare setpriv || return $?
	build nlfuzz || return 1
	build synflood || return 1
	seed=${PMTUFIX_SEED:-$(( $(date +%s%N) % 1000000007 ))}
	info "seed $seed (root: $seed, user namespace: $((seed + 1)), unprivileged: $((seed + 2)))"

	topo_crs || return 1
	# The neighbours are known before the first SYN that counts.
	ip netns exec "$c" "$TMP/synflood" 10.0.1.2 10.0.2.2 1 0 >/dev/null &&
	busywait 5000 neigh_known "$r" 10.0.2.2 || return 1
	ip netns exec "$s" iptables -t raw -A PREROUTING -p tcp --syn \
		-j DROP || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p tcp \
		-j PMTUFIX --table-name mdl0 --lookup dst || return 1
	ip netns exec "$r" iptables -t mangle -A FORWARD -p udp \
		-j PMTUFIX --table-name fzrule || return 1

	syn_loop "$c" &
	local synpid=$!
	ip netns exec "$r" "$TMP/nlfuzz" model "$seed" $MODEL_MIN_OPS \
		"$TMP/stop" >"$TMP/model" 2>"$TMP/model.err" &
	local modelpid=$!

	ip netns exec "$r" "$TMP/nlfuzz" fuzz "$seed" "$NLFUZZ_ROOT" \
		>"$TMP/root.json" &
	pids+=($!)
	unshare -Urn sh -c '"$1" fuzz "$2" "$3" && pmtufix table list --names' \
		- "$TMP/nlfuzz" $((seed + 1)) "$NLFUZZ_USERNS" \
		>"$TMP/userns.out" &
	pids+=($!)
	setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
		--bounding-set=-all "$TMP/nlfuzz" fuzz -u $((seed + 2)) \
		"$NLFUZZ_UNPRIV" >"$TMP/unpriv.json" &
	pids+=($!)
	for f in "${pids[@]}"; do
		wait "$f" || rc=1
	done
	touch "$TMP/stop"
	wait "$modelpid" || {
		err "the model's writer failed: $(cat "$TMP/model.err")"
		rc=1
	}
	wait "$synpid" || {
		err "the SYN flood failed"
		rc=1
	}
	head -n 1 "$TMP/userns.out" >"$TMP/userns.json"

	summary "$TMP/root.json" "root in the router's namespace"
	summary "$TMP/userns.json" "root of a user namespace"
	summary "$TMP/unpriv.json" "uid 65534 in the initial namespace"
	info "model: $(tail -n 1 "$TMP/model.err")"
	[ $rc -eq 0 ] || return 1

	total=0
	for f in root userns unpriv; do
		sent=$(jq .sent "$TMP/$f.json") || return 1
		total=$((total + sent))
	done
	[ "$total" -ge 100000 ] || {
		err "only $total messages sent"
		return 1
	}
	check_eq 0 "$(jq .granted "$TMP/unpriv.json")" \
		"requests granted to uid 65534" || return 1
	[ "$(jq '.errors["Operation not permitted"]' "$TMP/unpriv.json")" -gt 0 ] || {
		err "no request of uid 65534 was refused with EPERM"
		return 1
	}
	f=$(tail -n +2 "$TMP/userns.out" | grep -c .)
	info "tables left in the user namespace: $f"
	[ "$f" -le $USERNS_MAX_TABLES ] || {
		err "$f tables in a user namespace, more than userns_max_tables"
		return 1
	}

	# The module still answers, and holds exactly what the model built.
	ip netns exec "$r" pmtufix table list >/dev/null || {
		err "the module does not answer any more"
		return 1
	}
	sort "$TMP/model" >"$TMP/want"
	cli_model | sort >"$TMP/got" || return 1
	info "model: $(grep -c '^table' "$TMP/want") tables, $(grep -c '^entry' "$TMP/want") entries"
	diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" || {
		err "the tables differ from the model (- model, + module):"
		cat "$TMP/diff"
		return 1
	}

	syns=$(jq -s 'map(.syn) | add' "$TMP/syn")
	got=$(server_syns)
	info "SYNs: $syns sent through table mdl0 (syn $(stat_of mdl0 syn "$r") after the fuzzers' resets), $got at the server"
	check_eq "$syns" "$got" "SYNs at the server" || return 1
}

TMP=$(mktemp -d)
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT

run_test "random and mutated requests from root, a user namespace and an unprivileged user beside valid updates" \
	test_nlfuzz
exit_status
