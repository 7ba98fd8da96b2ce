#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nftables: the same table through the module and as the script `pmtufix
# nft' makes of it, for hosts where the module cannot load.
#
#   client ($c)             router ($r)                      server ($s)
#   veth0 ------------------ veth0              veth1 ------------ veth0
#   10.0.1.2, fd00:1::2      routes 172.16.0.0/12, 198.18.0.0/16,   10.0.2.2
#   (nettest nftdiff send)   fd10::/16, fd20::/16 to the server     fd00:2::2
#
# A table of 400 random nested prefixes of 172.16.0.0/12 and fd10::/16,
# with MTUs of their own or the table's, layers, and a floor4 some fall
# under.  From the client: a SYN to, and a SYN-ACK from, each end of every
# prefix, the addresses just outside, and random ones inside and outside
# every prefix, each with MSS 9000 (lowered where an entry matches) and
# MSS 1000 (which nothing raises).  Once through
#   mangle FORWARD -p tcp --tcp-flags SYN,RST SYN -j PMTUFIX --table-name t
# (--lookup both: the smaller of what source and destination give), once
# through `pmtufix nft FILE | nft -f -' alone: every packet must come out
# with the same MSS.  What nft does to packets the module treats otherwise
# (no MSS option, malformed options) is in replay.sh.
#
# Then nftables hosts that use the module: the PMTUFIX rules through
# iptables-nft (in the tables ip and ip6 mangle, chain FORWARD at priority
# mangle), as README.md advises (a chain of their own, filled by
# iptables-restore --noflush), beside a native ruleset loaded and
# reloaded with nft -f from a file that replaces its own table alone:
# SYNs and SYN-ACKs stay clamped.  A file beginning with `flush ruleset',
# as Debian's stock /etc/nftables.conf does, removes the PMTUFIX rules
# with the rest: nothing is clamped any more, and `pmtufix-boot check'
# (what pmtufix-rules.service runs) fails naming the table; the rules
# restored, it passes and SYNs are clamped again.

source "$(dirname "$0")/../lib/lib.sh"

SEED=${NFT_SEED:-11}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

setup() {
	local mac

	topo_crs || return 1
	ip -n "$r" -batch - <<-EOF || return 1
	route add 172.16.0.0/12 via 10.0.2.2
	route add 198.18.0.0/16 via 10.0.2.2
	route add fd10::/16 via fd00:2::2
	route add fd20::/16 via fd00:2::2
	EOF
	# SYN-ACKs come from the table's addresses, on the client's side.
	ip netns exec "$r" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.veth0.rp_filter=0 || return 1
	mac=$(ip -n "$s" -j link show veth0 | jq -r '.[0].address')
	ip -n "$r" neigh replace 10.0.2.2 lladdr "$mac" dev veth1 &&
	ip -n "$r" neigh replace fd00:2::2 lladdr "$mac" dev veth1
}

test_differential() {
	local ipt out

	require_cmd nft jq python3 || return $?
	setup || return 1
	pytool nftdiff table "$SEED" 400 "$TMP/t.conf" || return 1
	ip netns exec "$r" pmtufix table load t "$TMP/t.conf" || return 1
	for ipt in iptables ip6tables; do
		ip netns exec "$r" "$ipt" -t mangle -A FORWARD -p tcp \
			--tcp-flags SYN,RST SYN -j PMTUFIX --table-name t || return 1
	done
	pytool nftdiff send "$c" "$r" "$s" "$TMP/t.conf" "$SEED" \
		>"$TMP/module.json" || return 1
	for ipt in iptables ip6tables; do
		ip netns exec "$r" "$ipt" -t mangle -F FORWARD || return 1
	done

	ip netns exec "$r" pmtufix nft "$TMP/t.conf" >"$TMP/t.nft" || return 1
	info "pmtufix nft: $(tail -n 1 "$TMP/t.nft")"
	ip netns exec "$r" nft -f "$TMP/t.nft" || return 1
	pytool nftdiff send "$c" "$r" "$s" "$TMP/t.conf" "$SEED" \
		>"$TMP/nft.json" || return 1
	out=$(pytool nftdiff compare "$TMP/module.json" "$TMP/nft.json")
	local rc=$?
	info "$(tail -n 1 <<<"$out")"
	head -n -1 <<<"$out" >&2
	check_eq 0 "$rc" "packets whose MSS differs" || return 1
	# Not vacuous: most were forwarded, many lowered, none lost.
	out=$(tail -n 1 <<<"$out")
	check_eq "$(jq .packets <<<"$out")" "$(jq .forwarded <<<"$out")" \
		"packets forwarded" || return 1
	[ "$(jq .lowered <<<"$out")" -gt 1000 ] || {
		err "too few packets lowered: $out"
		return 1
	}
	# Loaded again, the script replaces its table: one of each map.
	ip netns exec "$r" nft -f "$TMP/t.nft" || return 1
	check_eq 2 "$(ip netns exec "$r" nft -j list maps | jq '[.nftables[] | select(.map)] | length')" \
		"maps after a second load" || return 1
}

# The SYN's MSS at the server and the SYN-ACK's at the client, of one
# connection of each family; WHAT says when.
expect_clamp() {
	probe 10.0.2.2 || return 1
	check_eq "$1/$1" "$PROBE_SYN/$PROBE_SYNACK" "$3: IPv4 SYN/SYN-ACK MSS" ||
		return 1
	probe fd00:2::2 || return 1
	check_eq "$2/$2" "$PROBE_SYN/$PROBE_SYNACK" "$3: IPv6 SYN/SYN-ACK MSS"
}

# boot_check: pmtufix-boot check over the files of $TMP/conf; its status.
boot_check() {
	ip netns exec "$r" env PMTUFIX_CONFDIR="$TMP/conf" \
		PMTUFIX="$(command -v pmtufix)" \
		"$PMTUFIX_TOP/userspace/systemd/pmtufix-boot" check 2>"$TMP/check"
}

test_coexistence() {
	local ipt chain rc

	require_cmd nft jq python3 iptables-restore || return $?
	[[ $(iptables -V) == *nf_tables* ]] || {
		echo "iptables is not iptables-nft here"
		return "$ksft_skip"
	}
	setup || return 1
	mkdir -p "$TMP/conf"
	printf '%s\n' "10.0.2.0/24 mtu 1400" "fd00:2::/64 mtu 1400" >"$TMP/conf/t.conf"
	ip netns exec "$r" pmtufix table load t "$TMP/conf/t.conf" || return 1
	# As README.md and pmtufix(8) advise: the main rules jump to a chain,
	# a file of their own fills it.
	printf '%s\n' "*mangle" ":PMTUFIX-CLAMP - [0:0]" \
		"-A PMTUFIX-CLAMP -p tcp --tcp-flags SYN,RST SYN -j PMTUFIX --table-name t" \
		"COMMIT" >"$TMP/rules"
	for ipt in iptables ip6tables; do
		ip netns exec "$r" "$ipt" -t mangle -N PMTUFIX-CLAMP &&
		ip netns exec "$r" "$ipt" -t mangle -A FORWARD -j PMTUFIX-CLAMP &&
		ip netns exec "$r" "$ipt-restore" --noflush "$TMP/rules" || return 1
	done
	# Where iptables-nft put them: tables ip and ip6 mangle, base chain
	# FORWARD at priority mangle (-150), beside native tables.
	chain=$(ip netns exec "$r" nft -j list chain ip mangle FORWARD |
		jq -c '.nftables[] | select(.chain) | .chain | [.hook, .prio]')
	check_eq '["forward",-150]' "$chain" "iptables-nft's FORWARD chain" ||
		return 1
	chain=$(ip netns exec "$r" nft list chain ip mangle PMTUFIX-CLAMP |
		grep PMTUFIX | grep -v chain)
	info "nft list ruleset shows the rule as: ${chain#"${chain%%[![:space:]]*}"}"
	[[ $chain == *xt*PMTUFIX* ]] || {
		err "nft list does not show the rule as an xt target"
		return 1
	}
	# Its options are not in the listing, so the listing does not load.
	ip netns exec "$r" nft list ruleset >"$TMP/listed.nft" || return 1
	if ip netns exec "$r" nft -c -f "$TMP/listed.nft" 2>"$TMP/listed.err"; then
		err "nft took its own listing of the PMTUFIX rule back"
		return 1
	fi
	info "nft -f of that listing: $(grep -m 1 -i error "$TMP/listed.err")"

	probe_start "$c:veth0" "$s:veth0" || return 1
	expect_clamp 1360 1340 "iptables-nft rules" || return 1
	boot_check || {
		err "pmtufix-boot check with the rules in place: $(cat "$TMP/check")"
		return 1
	}

	# A native ruleset loaded and reloaded as nftables.service does, from
	# a file that replaces its own table and nothing else.
	cat >"$TMP/native.nft" <<-EOF
	table inet filter
	delete table inet filter
	table inet filter {
		chain forward {
			type filter hook forward priority filter; policy accept;
			ct state established,related counter accept
			tcp dport 0-65535 counter accept
		}
	}
	EOF
	ip netns exec "$r" nft -f "$TMP/native.nft" &&
	ip netns exec "$r" nft -f "$TMP/native.nft" || return 1
	expect_clamp 1360 1340 "beside a native ruleset, reloaded" || return 1
	boot_check || {
		err "pmtufix-boot check beside a native ruleset: $(cat "$TMP/check")"
		return 1
	}

	# Debian's stock /etc/nftables.conf begins with `flush ruleset': the
	# PMTUFIX rules go with everything else, silently.
	{ echo "flush ruleset"; tail -n +3 "$TMP/native.nft"; } >"$TMP/stock.nft"
	ip netns exec "$r" nft -f "$TMP/stock.nft" || return 1
	expect_clamp 1460 1440 "after flush ruleset (nothing clamps)" || return 1
	boot_check
	rc=$?
	info "after flush ruleset, pmtufix-boot check: $(cat "$TMP/check")"
	check_eq 1 "$rc" "pmtufix-boot check after flush ruleset" || return 1
	grep -q "table t of $TMP/conf: no rule uses it" "$TMP/check" || {
		err "pmtufix-boot check does not name table t"
		return 1
	}

	# What pmtufix-rules.service does on a reload of nftables.service.
	for ipt in iptables ip6tables; do
		ip netns exec "$r" "$ipt" -t mangle -N PMTUFIX-CLAMP &&
		ip netns exec "$r" "$ipt" -t mangle -A FORWARD -j PMTUFIX-CLAMP &&
		ip netns exec "$r" "$ipt-restore" --noflush "$TMP/rules" || return 1
	done
	expect_clamp 1360 1340 "the rules restored" || return 1
	boot_check || {
		err "pmtufix-boot check with the rules restored: $(cat "$TMP/check")"
		return 1
	}
	probe_stop
}

run_test "the module and pmtufix nft give every SYN and SYN-ACK the same MSS" test_differential
run_test "iptables-nft rules beside a native ruleset; flush ruleset caught" test_coexistence
exit_status
