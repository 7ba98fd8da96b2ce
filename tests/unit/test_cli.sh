#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pmtufix command where there is no module (this host, any build
# machine): `overhead` works, usage errors exit 2, and every command that
# needs the module says it is not loaded, with exit status 1.

top=$(cd "$(dirname "$0")/../.." && pwd)
pmtufix=$top/userspace/pmtufix/pmtufix
checks=0
failures=0

# expect STATUS STDOUT STDERR CMD...: exact exit status and outputs ("*"
# for any).
expect() {
	local status=$1 out=$2 errout=$3 got_out got_err rc

	shift 3
	got_out=$("$@" 2>/tmp/pmtufix-cli.$$)
	rc=$?
	got_err=$(cat /tmp/pmtufix-cli.$$)
	rm -f /tmp/pmtufix-cli.$$
	checks=$((checks + 1))
	if [ "$rc" != "$status" ] ||
	   { [ "$out" != "*" ] && [ "$got_out" != "$out" ]; } ||
	   { [ "$errout" != "*" ] && [ "$got_err" != "$errout" ]; }; then
		failures=$((failures + 1))
		echo "not ok - ${*#"$pmtufix"}"
		echo "#   exit $rc (want $status)"
		echo "#   stdout: $got_out"
		echo "#   stderr: $got_err"
	fi
}

[ -x "$pmtufix" ] || make -s -C "$top/userspace" >/dev/null || exit 1

# The calculator, without the module or root: the inner MTU and MSS of
# `esp transport aes-gcm` over 1500 are worked out in clamp.sh's comments.
expect 0 '{"base_mtu":1500,"layers":"esp transport aes-gcm","mtu":{"ipv4":1466,"ipv6":1466},"mss":{"ipv4":1426,"ipv6":1406}}' "" \
	"$pmtufix" overhead --mtu 1500 --json esp transport aes-gcm
expect 0 '{"base_mtu":1500,"layers":"pppoe esp tunnel aes-cbc hmac-sha256 natt","mtu":{"ipv4":1422,"ipv6":1422},"mss":{"ipv4":1382,"ipv6":1362}}' "" \
	"$pmtufix" -j overhead pppoe esp tunnel aes-cbc hmac-sha256 natt
expect 0 "$(printf '%s\n' \
	"base MTU  1400" \
	"layers    ipip" \
	"            IPv4   IPv6" \
	"inner MTU   1380   1380" \
	"MSS         1340   1320")" "" "$pmtufix" overhead --mtu 1400 ipip
expect 2 "" "pmtufix overhead: unknown layer \`ipipx'" \
	"$pmtufix" overhead ipipx
expect 2 "" "pmtufix overhead: esp: cipher aes-cbc needs an integrity algorithm" \
	"$pmtufix" overhead esp tunnel aes-cbc
expect 2 "" "*" "$pmtufix" overhead --mtu 0 ipip
expect 0 "*" "" "$pmtufix" overhead --help

# Usage errors: exit 2, before any attempt to reach the kernel.
expect 2 "" "*" "$pmtufix"
expect 2 "" "*" "$pmtufix" frobnicate
expect 2 "" "*" "$pmtufix" table
expect 2 "" "*" "$pmtufix" table add t
expect 2 "" "pmtufix table add t: prefix length 33 is out of range for IPv4" \
	"$pmtufix" table add t 10.0.0.0/33 ipip
expect 2 "" "pmtufix table create a/b: invalid table name \`a/b' (1 to 31 letters, digits, \`_', \`.', \`-')" \
	"$pmtufix" table create a/b
expect 2 "" "*" "$pmtufix" stats --json --prometheus
expect 0 "*" "" "$pmtufix" help

# Without the module.
if [ ! -d /sys/module/xt_PMTUFIX ]; then
	for cmd in "table list" "table create t" "table show t" "stats" \
		   "lookup t 192.0.2.1" "stats reset"; do
		# shellcheck disable=SC2086
		expect 1 "" "pmtufix $cmd: the pmtufix kernel module is not loaded (modprobe xt_PMTUFIX)" \
			"$pmtufix" $cmd
	done
	expect 0 "$(printf 'pmtufix %s\nmodule: not loaded' "$(cat "$top/VERSION")")" "" \
		"$pmtufix" version
fi

echo "$([ $failures = 0 ] && echo ok || echo "not ok") cli: $checks checks, $failures failed"
[ $failures = 0 ]
