#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pmtufix derive: tables from the host's own configuration.
#
#   $a (the host that owns the configuration)       $b
#   veth0 10.0.0.1/24 fd00::1/64 ------------------ veth0 10.0.0.2/24 fd00::2/64
#   veth1 10.0.5.1/24 (MTU 1400) ------------------ veth1 10.0.5.2/24
#
# 1. What cannot be modelled (a device kind pmtufix does not know, an
#    external tunnel, one without a remote, ESP without integrity, BEET
#    mode, AH, an algorithm pmtufix does not have, a policy with no SA
#    yet, IPVS's GUE with remote checksum offload) gives a comment and no
#    entry, and a line on stderr; beside them, tunnels it models (IPVS
#    over GRE and GUE too) give their entries.  Without CAP_NET_ADMIN it
#    reads nothing and says why; an unprivileged user in namespaces of its
#    own sees those alone.
# 2. Drift: a table loaded from the derivation has none; a tunnel route,
#    an SA or a real server added, a real server over a narrower path, a
#    route removed: `derive --check' reports exactly that, exits 1, and
#    says it as gauges; loading the new derivation clears it.
# 3. --merge: a hand-written file's lines win and are said to; its
#    settings are kept; --check with the same file finds no drift.
#
# The traffic through what derive gives is in tunnels.sh (18 tunnel kinds
# and the IPsec incident) and lvs_tun.sh (IPVS).

source "$(dirname "$0")/../lib/lib.sh"
source "$(dirname "$0")/../lib/tunnels.sh"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

pmt() {
	ip netns exec "$a" pmtufix "$@"
}

setup() {
	topo <<-EOF
	ns	a b
	veth	a veth0		b veth0
	veth	a veth1		b veth1	1400
	addr	a veth0		10.0.0.1/24 fd00::1/64
	addr	b veth0		10.0.0.2/24 fd00::2/64
	addr	a veth1		10.0.5.1/24
	addr	b veth1		10.0.5.2/24
	EOF
}

# entry_of FILE PREFIX: the entry line for PREFIX in derive's output,
# without its comment; empty if there is none.
entry_of() {
	local line

	while IFS= read -r line; do
		[ "${line%% *}" = "$2" ] && echo "${line%%  #*}"
	done <"$1"
	return 0
}

# no_entry PREFIX PATTERN: derive's output ($TMP/out) has no entry for
# PREFIX, a comment saying why (matching PATTERN), and its stderr
# ($TMP/err) a line about it.
no_entry() {
	local got

	got=$(entry_of "$TMP/out" "$1")
	[ -z "$got" ] || {
		err "$1: an entry, where none should be: $got"
		return 1
	}
	grep -q "^# $1: no entry: .*$2" "$TMP/out" || {
		err "$1: no comment matching '$2' in the output"
		grep -F "$1" "$TMP/out" >&2
		return 1
	}
	grep -q "^pmtufix derive: $1: no entry: .*$2" "$TMP/err" || {
		err "$1: not said on stderr"
		return 1
	}
	info "$1: $(grep "^# $1: " "$TMP/out" | head -n 1)"
}

# has_entry PREFIX LINE: derive's output has exactly LINE for PREFIX.
has_entry() {
	check_eq "$2" "$(entry_of "$TMP/out" "$1")" "the entry for $1"
}

test_unmodelled() {
	local fails=0 f line ipvs

	require_cmd jq || return $?
	modprobe -a ip_vti ip_gre ipip ip6_tunnel vxlan fou xfrm_user esp4 ah4 \
		2>/dev/null
	setup || return 1
	ip -n "$a" -batch - <<-EOF || return 1
	link add vti1 type vti local 10.0.0.1 remote 10.0.0.2 key 5
	link add vx1 type vxlan dstport 4790 external
	link add ip1 type ipip local 10.0.0.1
	link add ers1 type erspan local 10.0.0.1 remote 10.0.0.2 seq key 10 erspan_ver 1 erspan 12
	link add gre1 type gre local 10.0.0.1 remote 10.0.0.2 key 7 csum
	link add t6 type ip6tnl mode ip6ip6 local fd00::1 remote fd00::2 encaplimit none
	link add gue1 type ipip local 10.0.0.1 remote 10.0.0.2 encap gue encap-sport auto encap-dport 5556
	link set vti1 up
	link set vx1 up
	link set ip1 up
	link set ers1 up
	link set gre1 up
	link set t6 up
	link set gue1 up
	route add 10.71.0.0/24 dev vti1
	route add 10.72.0.0/24 dev vx1
	route add 10.73.0.0/24 dev ip1
	route add 10.74.0.0/24 dev ers1
	route add 10.79.0.0/24 dev gre1
	route add fd79::/64 dev t6
	route add 10.80.0.0/24 dev gue1
	route add 10.81.0.0/24 via 10.0.5.2
	EOF
	ip -n "$a" -batch - <<-EOF || return 1
	xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x101 reqid 0x101 mode tunnel enc 'cbc(aes)' $ESP_K16
	xfrm policy add src 0.0.0.0/0 dst 10.75.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 0x101 mode tunnel
	xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x102 reqid 0x102 mode beet aead 'rfc4106(gcm(aes))' $ESP_K20 128 sel src 10.0.0.1 dst 10.0.0.2
	xfrm policy add src 0.0.0.0/0 dst 10.76.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 0x102 mode beet
	xfrm state add src 10.0.0.1 dst 10.0.0.2 proto ah spi 0x103 reqid 0x103 mode tunnel auth 'hmac(sha1)' $ESP_K20
	xfrm policy add src 0.0.0.0/0 dst 10.77.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto ah reqid 0x103 mode tunnel
	xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x104 reqid 0x104 mode tunnel enc 'cbc(twofish)' $ESP_K16 auth 'hmac(sha1)' $ESP_K20
	xfrm policy add src 0.0.0.0/0 dst 10.78.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 0x104 mode tunnel
	xfrm policy add src 0.0.0.0/0 dst 10.82.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 0x105 mode tunnel
	xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x106 reqid 0x106 mode tunnel aead 'rfc4106(gcm(aes))' $ESP_K20 96
	xfrm policy add src 0.0.0.0/0 dst 10.83.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 0x106 mode tunnel
	EOF

	# IPVS tunnelling by GRE and GUE, where ipvsadm has them.
	ipvs=0
	if command -v ipvsadm >/dev/null && modprobe -a ip_vs 2>/dev/null; then
		ip netns exec "$a" ipvsadm -R <<-EOF && ipvs=1
		-A -t 192.0.2.81:80 -s rr
		-a -t 192.0.2.81:80 -r 10.0.0.2:80 -i --tun-type gre --tun-csum
		-A -t 192.0.2.82:80 -s rr
		-a -t 192.0.2.82:80 -r 10.0.0.2:80 -i --tun-type gue --tun-port 6080
		-A -t 192.0.2.83:80 -s rr
		-a -t 192.0.2.83:80 -r 10.0.0.2:80 -i --tun-type gue --tun-port 6080 --tun-remcsum
		EOF
	fi

	pmt derive >"$TMP/out" 2>"$TMP/err" || {
		err "pmtufix derive failed: $(cat "$TMP/err")"
		return 1
	}
	sed 's/^/# derive: /' "$TMP/out"
	if [ $ipvs = 1 ]; then
		has_entry 192.0.2.81/32 "192.0.2.81/32 mtu 1500 gre csum" || fails=$((fails + 1))
		has_entry 192.0.2.82/32 "192.0.2.82/32 mtu 1500 ipip gue" || fails=$((fails + 1))
		no_entry 192.0.2.83/32 "gue with remote checksum offload" || fails=$((fails + 1))
	else
		info "ipvsadm without --tun-type: IPVS over GRE and GUE not checked"
	fi
	no_entry 10.71.0.0/24 "of kind vti, which pmtufix does not model" || fails=$((fails + 1))
	no_entry 10.72.0.0/24 "external (collect_md) vxlan" || fails=$((fails + 1))
	no_entry 10.73.0.0/24 "without a remote address" || fails=$((fails + 1))
	no_entry 10.74.0.0/24 "of kind erspan" || fails=$((fails + 1))
	no_entry 10.75.0.0/24 "ESP without integrity" || fails=$((fails + 1))
	no_entry 10.76.0.0/24 "xfrm mode 4" || fails=$((fails + 1))
	no_entry 10.77.0.0/24 "applies AH, which pmtufix does not model" || fails=$((fails + 1))
	no_entry 10.78.0.0/24 "cipher cbc(twofish)" || fails=$((fails + 1))
	no_entry 10.82.0.0/24 "no SA installed yet" || fails=$((fails + 1))
	# Beside them, what it models.
	has_entry 10.79.0.0/24 "10.79.0.0/24 mtu 1500 gre key csum" || fails=$((fails + 1))
	has_entry fd79::/64 "fd79::/64 mtu 1500 ip6ip6 noencaplimit" || fails=$((fails + 1))
	has_entry 10.80.0.0/24 "10.80.0.0/24 mtu 1500 ipip gue" || fails=$((fails + 1))
	has_entry 10.81.0.0/24 "10.81.0.0/24 mtu 1400" || fails=$((fails + 1))
	has_entry 10.0.5.0/24 "10.0.5.0/24 mtu 1400" || fails=$((fails + 1))
	has_entry 10.83.0.0/24 "10.83.0.0/24 mtu 1500 esp tunnel aes-gcm icv 96" ||
		fails=$((fails + 1))
	grep -q '^10.83.0.0/24 .*# xfrm policy [0-9]* out: veth0 (mtu 1500); SA spi 0x00000106 tunnel to 10.0.0.2 (aead rfc4106(gcm(aes)) icv 96)' \
		"$TMP/out" || {
		err "the comment of 10.83.0.0/24 does not name the SA and its algorithm"
		fails=$((fails + 1))
	}
	# Nothing else: the wide link needs no entry.
	check_eq 0 "$(grep -c '^10\.0\.0\.' "$TMP/out")" "entries for the 1500-byte link" ||
		fails=$((fails + 1))
	# Without CAP_NET_ADMIN nothing is read; in a namespace of its own an
	# unprivileged user reads that namespace alone.
	ip netns exec "$a" setpriv --reuid 65534 --regid 65534 --clear-groups \
		pmtufix derive >/dev/null 2>"$TMP/err"
	check_eq 2 $? "derive without CAP_NET_ADMIN: exit status" || fails=$((fails + 1))
	grep -q 'xfrm policies and states: Operation not permitted (reading them needs CAP_NET_ADMIN' "$TMP/err" || {
		err "derive without CAP_NET_ADMIN: $(cat "$TMP/err")"
		fails=$((fails + 1))
	}
	line=$(ip netns exec "$a" setpriv --reuid 65534 --regid 65534 --clear-groups \
		unshare -Urn pmtufix derive 2>"$TMP/err")
	check_eq 0 $? "derive in a user and network namespace of its own: exit status" ||
		fails=$((fails + 1))
	check_eq "" "$line" "derive in a user and network namespace of its own: what it sees" ||
		fails=$((fails + 1))
	# IPVS answers the initial user namespace's CAP_NET_ADMIN alone.
	check_eq "pmtufix derive: IPVS services: not readable without CAP_NET_ADMIN in the initial user namespace: no IPVS entries" \
		"$(cat "$TMP/err")" "derive in a user and network namespace of its own: stderr" ||
		fails=$((fails + 1))

	# The output loads as it is, and its JSON says the same.
	pmt table create d || return 1
	pmt table load d "$TMP/out" || fails=$((fails + 1))
	line=$(pmt derive -j 2>/dev/null | jq -r '.[] | select(.prefix == "10.83.0.0/24") |
		"\(.entry) \(.mtu) \(.layers) \(.inner_mtu) \(.mss)"')
	f=$(pmt lookup d 10.83.0.1 -j | jq -r '"\(.entry.inner_mtu) \(.entry.mss)"')
	check_eq "true 1500 esp tunnel aes-gcm icv 96 $f" "$line" \
		"derive -j for 10.83.0.0/24, against the table's lookup" ||
		fails=$((fails + 1))
	[ $fails -eq 0 ]
}

# drift WHAT LINES...: `derive --check t' exits 1 and prints exactly
# LINES (in its order: missing, extra, mtu), or exits 0 and prints nothing
# when LINES is empty.
drift() {
	local what=$1 rc want got

	shift
	pmt derive --check t >"$TMP/check" 2>"$TMP/err"
	rc=$?
	got=$(sed 's/  #.*//' "$TMP/check")
	want=$(printf '%s\n' "$@")
	[ $# -eq 0 ] && want=''
	info "$what: derive --check t exits $rc: ${got:-no drift}"
	check_eq $(($# ? 1 : 0)) "$rc" "$what: the exit status of derive --check" &&
	check_eq "$want" "$got" "$what: the drift"
}

# reload: the table t from a new derivation.
reload() {
	pmt derive >"$TMP/t.conf" 2>/dev/null && pmt table load t "$TMP/t.conf"
}

test_drift() {
	local fails=0 prom

	require_cmd ipvsadm || return $?
	modprobe -a ip_vs ipip ip_gre xfrm_user esp4 2>/dev/null || {
		echo "no ip_vs, ipip or ip_gre module"
		return "$ksft_skip"
	}
	setup || return 1
	ip -n "$a" -batch - <<-EOF || return 1
	link add gre1 type gre local 10.0.0.1 remote 10.0.0.2 key 1 seq
	link set gre1 up
	route add 10.91.0.0/24 dev gre1
	EOF
	pmt table create t || return 1
	reload || return 1
	drift "a table loaded from the derivation" || return 1

	ip -n "$a" route add 10.92.0.0/24 dev gre1 || return 1
	drift "a tunnel route added" "missing    10.92.0.0/24 mtu 1500 gre key seq" ||
		fails=$((fails + 1))
	reload && drift "reloaded" || fails=$((fails + 1))

	ip -n "$a" -batch - <<-EOF || return 1
	xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x201 reqid 0x201 mode tunnel aead 'rfc4106(gcm(aes))' $ESP_K20 128
	xfrm policy add src 0.0.0.0/0 dst 10.93.0.0/24 dir out tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 0x201 mode tunnel
	EOF
	drift "an SA and its policy added" "missing    10.93.0.0/24 mtu 1500 esp tunnel aes-gcm" ||
		fails=$((fails + 1))
	reload && drift "reloaded" || fails=$((fails + 1))

	ip netns exec "$a" ipvsadm -A -t 192.0.2.80:80 -s rr || return 1
	ip netns exec "$a" ipvsadm -a -t 192.0.2.80:80 -r 10.0.0.2:80 -i || return 1
	drift "a real server reached by IPIP added" "missing    192.0.2.80/32 mtu 1500 ipip" ||
		fails=$((fails + 1))
	reload && drift "reloaded" || fails=$((fails + 1))

	ip netns exec "$a" ipvsadm -a -t 192.0.2.80:80 -r 10.0.5.2:80 -i || return 1
	drift "a second real server, over the 1400-byte link" \
		"mtu        192.0.2.80/32: the table gives inner MTU 1480, the system 1380: 192.0.2.80/32 mtu 1400 ipip" ||
		fails=$((fails + 1))

	ip -n "$a" route del 10.92.0.0/24 || return 1
	drift "and a tunnel route removed" \
		"extra      10.92.0.0/24 mtu 1500 gre key seq" \
		"mtu        192.0.2.80/32: the table gives inner MTU 1480, the system 1380: 192.0.2.80/32 mtu 1400 ipip" ||
		fails=$((fails + 1))
	prom=$(pmt derive --check t --prometheus 2>/dev/null | grep -v '^#' | sort)
	check_eq 'pmtufix_derive_drift{table="t",kind="extra"} 1
pmtufix_derive_drift{table="t",kind="missing"} 0
pmtufix_derive_drift{table="t",kind="mtu"} 1
pmtufix_derive_drift{table="t",kind="unmodelled"} 0' "$prom" "the drift as gauges" ||
		fails=$((fails + 1))
	reload && drift "reloaded" || fails=$((fails + 1))
	[ $fails -eq 0 ]
}

test_merge() {
	local fails=0 line

	modprobe -a ip_gre 2>/dev/null
	setup || return 1
	ip -n "$a" -batch - <<-EOF || return 1
	link add gre1 type gre local 10.0.0.1 remote 10.0.0.2
	link set gre1 up
	route add 10.91.0.0/24 dev gre1
	route add 10.92.0.0/24 dev gre1
	EOF
	cat >"$TMP/hand.conf" <<-EOF
	# what derive cannot know: the PPPoE beyond the modem
	set floor4 600
	10.92.0.0/24 mtu 1400 gre
	10.99.0.0/16 pppoe
	EOF
	pmt derive --merge "$TMP/hand.conf" >"$TMP/out" 2>"$TMP/err" || {
		err "derive --merge failed: $(cat "$TMP/err")"
		return 1
	}
	sed 's/^/# derive: /' "$TMP/out"
	check_eq "set floor4 600" "$(head -n 1 "$TMP/out")" "the file's settings, first" ||
		fails=$((fails + 1))
	has_entry 10.91.0.0/24 "10.91.0.0/24 mtu 1500 gre" || fails=$((fails + 1))
	has_entry 10.92.0.0/24 "10.92.0.0/24 mtu 1400 gre" || fails=$((fails + 1))
	has_entry 10.99.0.0/16 "10.99.0.0/16 pppoe" || fails=$((fails + 1))
	line="$TMP/hand.conf line 3 overrides the derived 10.92.0.0/24 mtu 1500 gre"
	grep -qF "# $line" "$TMP/out" || {
		err "the output does not say what the file overrode"
		fails=$((fails + 1))
	}
	grep -qF "pmtufix derive: 10.92.0.0/24: $TMP/hand.conf line 3 overrides the derived entry" \
		"$TMP/err" || {
		err "stderr does not say what the file overrode"
		fails=$((fails + 1))
	}
	pmt table create t || return 1
	pmt table load t "$TMP/out" || fails=$((fails + 1))
	check_eq 600 "$(pmt table list -j | jq '.[] | select(.table == "t") | .floor4')" \
		"the table's floor4 from the merged file" || fails=$((fails + 1))
	pmt derive --check t --merge "$TMP/hand.conf" >"$TMP/check" 2>&1 || {
		err "derive --check with the same file: drift: $(cat "$TMP/check")"
		fails=$((fails + 1))
	}
	[ $fails -eq 0 ]
}

run_test "what cannot be modelled: a comment, no entry, a line on stderr" test_unmodelled
run_test "drift: tunnel routes, SAs and real servers added or removed" test_drift
run_test "--merge: a hand-written file's lines win, and say so" test_merge
exit_status
