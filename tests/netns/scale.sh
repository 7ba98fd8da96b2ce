#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A table of 1,000,000 IPv4 and 200,000 IPv6 prefixes: it loads in one
# atomic replace across many messages, answers lookups, and is replaced
# and freed again.  Prints the times it took (in the VM: emulated CPU).
#
#   namespace $a: table "big", no traffic

source "$(dirname "$0")/../lib/lib.sh"

N4=${PMTUFIX_SCALE_N4:-1000000}
N6=${PMTUFIX_SCALE_N6:-200000}

test_big_table() {
	local t0 t1 got

	setup_ns a || return 1
	# IPv4: 10.0.0.0/24 ... one /24 per i, every 4th a /28 nested in
	# the previous /24; IPv6: 2001:db8:I::/48.
	python3 - "$TMP/big" "$N4" "$N6" <<-'EOF'
	import sys
	path, n4, n6 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	with open(path, "w") as f:
	    i = 0
	    while i < n4:
	        a = 0x0A000000 + (i << 8)
	        f.write(f"{a >> 24}.{a >> 16 & 255}.{a >> 8 & 255}.0/24 ipip\n")
	        i += 1
	        if i % 4 == 0 and i < n4:
	            f.write(f"{a >> 24}.{a >> 16 & 255}.{a >> 8 & 255}.16/28 gre key\n")
	            i += 1
	    for j in range(n6):
	        f.write(f"2001:db8:{j >> 16:x}:{j & 0xffff:x}::/64 esp transport aes-gcm\n")
	EOF
	info "$(wc -l <"$TMP/big") lines, $(du -h "$TMP/big" | cut -f1)"

	t0=$(ms)
	ip netns exec "$a" pmtufix table load big "$TMP/big" || return 1
	t1=$(ms)
	info "load: $((t1 - t0)) ms"
	got=$(ip netns exec "$a" pmtufix table list -j |
		jq -r '.[0] | "\(.entries4) \(.entries6)"')
	check_eq "$N4 $N6" "$got" "entries in the kernel" || return 1

	# 10.0.3.16/28 is nested in 10.0.3.0/24 (i = 3 then 4).
	check_eq 1432 "$(ip netns exec "$a" pmtufix lookup big 10.0.3.17 -j |
		jq .entry.mss)" "lookup in a nested /28" || return 1
	check_eq 1440 "$(ip netns exec "$a" pmtufix lookup big 10.0.3.200 -j |
		jq .entry.mss)" "lookup in its /24" || return 1
	check_eq null "$(ip netns exec "$a" pmtufix lookup big 11.0.0.1 -j |
		jq .entry)" "lookup outside" || return 1
	check_eq 1406 "$(ip netns exec "$a" pmtufix lookup big 2001:db8:2:3::1 -j |
		jq .entry.mss)" "IPv6 lookup" || return 1

	t0=$(ms)
	ip netns exec "$a" pmtufix table add big 192.0.2.0/24 pppoe || return 1
	t1=$(ms)
	info "one add to the big table: $((t1 - t0)) ms"

	t0=$(ms)
	ip netns exec "$a" pmtufix table load big "$TMP/big" || return 1
	t1=$(ms)
	info "replace: $((t1 - t0)) ms"

	t0=$(ms)
	# Text (a header, a title line, then one line per entry): jq on a
	# 1,200,000-entry document takes minutes under emulation.
	got=$(($(ip netns exec "$a" pmtufix table show big | wc -l) - 2))
	t1=$(ms)
	check_eq $((N4 + N6)) "$got" "entries dumped" || return 1
	info "dump: $((t1 - t0)) ms"
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

run_test "1,000,000 IPv4 and 200,000 IPv6 prefixes" test_big_table
exit_status
