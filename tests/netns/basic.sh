#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PMTUFIX target in a router, through iptables-legacy and iptables-nft,
# IPv4 and IPv6.
#
#   client ($c) ---- router ($r) ---- server ($s)
#                    mangle FORWARD -p tcp --syn -j PMTUFIX
#
# - forward: TCP connections cross the router in both families and the
#   rule counts exactly their SYNs;
# - save/restore: iptables-save | iptables-restore gives back the rules
#   exactly, options included;
# - bad options: rejected with a message, nothing inserted;
# - tables: only the mangle table takes the target.

source "$(dirname "$0")/../lib/lib.sh"

BACKENDS="legacy nft"

# rule_packets NS BACKEND FAMILY: the packet counter of the PMTUFIX rule.
rule_packets() {
	local cmd=iptables

	[ "$3" = 6 ] && cmd=ip6tables
	ip netns exec "$1" "$cmd-$2" -t mangle -nvxL FORWARD |
		awk '/PMTUFIX/ { print $1 }'
}

test_forward() {
	local b fam addr n conns=3

	topo_crs || return 1
	probe_start "$c:veth0" "$s:veth0" || return 1
	for b in $BACKENDS; do
		ip netns exec "$r" iptables-$b -t mangle -A FORWARD \
			-p tcp --syn -j PMTUFIX || return 1
		ip netns exec "$r" ip6tables-$b -t mangle -A FORWARD \
			-p tcp --syn -j PMTUFIX || return 1

		for fam in 4 6; do
			addr=10.0.2.2
			[ $fam = 6 ] && addr=fd00:2::2
			for n in $(seq $conns); do
				probe $addr 100000 || {
					err "$b IPv$fam: transfer $n failed"
					return 1
				}
			done
			check_eq $conns "$(rule_packets "$r" $b $fam)" \
				"$b IPv$fam: SYNs counted by the rule" || return 1
		done
		ip netns exec "$r" iptables-$b -t mangle -F
		ip netns exec "$r" ip6tables-$b -t mangle -F
	done
}

test_save_restore() {
	local b cmd saved again

	setup_ns r || return 1
	for b in $BACKENDS; do
		for cmd in iptables ip6tables; do
			ip netns exec "$r" $cmd-$b-restore <<-EOF || return 1
			*mangle
			-A FORWARD -p tcp -m tcp --tcp-flags SYN,RST SYN -j PMTUFIX
			-A FORWARD -o veth1 -p tcp -m tcp --tcp-flags SYN,RST SYN -j PMTUFIX --table-name lvs-tun.1
			-A OUTPUT -p tcp -m tcp --tcp-flags SYN,RST SYN -j PMTUFIX --lookup src --missing-mss ignore
			-A POSTROUTING -p tcp -m tcp --tcp-flags SYN,RST SYN -j PMTUFIX --table-name ipsec --lookup dst
			-A FORWARD -j PMTUFIX --table-name edge --send-too-big --repair-icmp
			-A INPUT -j PMTUFIX --repair-icmp
			COMMIT
			EOF
			saved=$(ip netns exec "$r" $cmd-$b-save -t mangle |
				grep -- '-j PMTUFIX')
			check_eq 6 "$(grep -c . <<<"$saved")" \
				"$cmd-$b: saved rules" || return 1
			grep -q -- '-o veth1 .*-j PMTUFIX --table-name lvs-tun.1$' <<<"$saved" &&
			grep -q -- '-A OUTPUT .*-j PMTUFIX --lookup src --missing-mss ignore$' <<<"$saved" &&
			grep -q -- '-j PMTUFIX --table-name ipsec --lookup dst$' <<<"$saved" &&
			grep -q -- '-A FORWARD -j PMTUFIX --table-name edge --send-too-big --repair-icmp$' <<<"$saved" &&
			grep -q -- '-A INPUT -j PMTUFIX --repair-icmp$' <<<"$saved" || {
				err "$cmd-$b: options lost in save:"
				echo "$saved"
				return 1
			}

			ip netns exec "$r" $cmd-$b-save -t mangle >"$TMPDIR_T/saved"
			ip netns exec "$r" $cmd-$b -t mangle -F
			ip netns exec "$r" $cmd-$b-restore <"$TMPDIR_T/saved" || {
				err "$cmd-$b-restore refused its own save"
				return 1
			}
			again=$(ip netns exec "$r" $cmd-$b-save -t mangle |
				grep -- '-j PMTUFIX')
			check_eq "$saved" "$again" "$cmd-$b: save after restore" ||
				return 1

			# Rules compare equal to what iptables -D is given.
			ip netns exec "$r" $cmd-$b -t mangle -D POSTROUTING -p tcp \
				--tcp-flags SYN,RST SYN -j PMTUFIX \
				--table-name ipsec --lookup dst || {
				err "$cmd-$b: -D does not find the rule"
				return 1
			}
			ip netns exec "$r" $cmd-$b -t mangle -F
		done
	done
	if ip netns exec "$r" iptables-nft -t mangle -A FORWARD -p tcp \
		--syn -j PMTUFIX --table-name shown; then
		ip netns exec "$r" nft list ruleset | grep -q PMTUFIX || {
			err "nft list ruleset does not show the rule"
			ip netns exec "$r" nft list ruleset
			return 1
		}
	fi
}

# expect_reject NS WHAT MESSAGE ARGS...: the command fails with exit 2 and
# MESSAGE on stderr, and adds no rule.
expect_reject() {
	local ns=$1 what=$2 msg=$3 out rc

	shift 3
	out=$(ip netns exec "$ns" "$@" 2>&1)
	rc=$?
	check_refused "$what" "$msg" $rc "$out"
}

test_bad_options() {
	local b cmd long

	setup_ns r || return 1
	long=$(printf 'x%.0s' $(seq 32))
	for b in $BACKENDS; do
		for cmd in iptables-$b ip6tables-$b; do
			expect_reject "$r" "$cmd bad lookup" "unknown --lookup \`sideways'" \
				$cmd -t mangle -A FORWARD -p tcp --syn -j PMTUFIX \
				--lookup sideways || return 1
			expect_reject "$r" "$cmd bad table name" "invalid table name" \
				$cmd -t mangle -A FORWARD -p tcp --syn -j PMTUFIX \
				--table-name 'a/b' || return 1
			expect_reject "$r" "$cmd long table name" "maximum length of 31" \
				$cmd -t mangle -A FORWARD -p tcp --syn -j PMTUFIX \
				--table-name "$long" || return 1
			expect_reject "$r" "$cmd --send-too-big in PREROUTING" "" \
				$cmd -t mangle -A PREROUTING -j PMTUFIX \
				--send-too-big || return 1
			expect_reject "$r" "$cmd filter table" "" \
				$cmd -t filter -A FORWARD -p tcp --syn -j PMTUFIX ||
				return 1
			check_eq 0 "$(ip netns exec "$r" $cmd-save 2>/dev/null |
				grep -c PMTUFIX)" "$cmd: rules after rejects" ||
				return 1
		done
	done
	ip netns exec "$r" iptables -j PMTUFIX --help | grep -q -- '--lookup src|dst|both' || {
		err "iptables -j PMTUFIX --help does not explain --lookup"
		return 1
	}
	ip netns exec "$r" iptables -j PMTUFIX --help | grep -q -- '--send-too-big' || {
		err "iptables -j PMTUFIX --help does not explain --send-too-big"
		return 1
	}
}

TMPDIR_T=$(mktemp -d)
trap 'rm -rf "$TMPDIR_T"' EXIT

run_test "TCP over IPv4 and IPv6 through the rule, legacy and nft" test_forward
run_test "iptables-save | iptables-restore round trip" test_save_restore
run_test "bad options are rejected and add nothing" test_bad_options
exit_status
