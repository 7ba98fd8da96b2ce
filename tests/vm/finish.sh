# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
#
# The end of a test VM, for tests/vm/guest.sh and tests/vm/system.sh
# (source it): the module must unload once the rules are gone, and the
# kernel must have logged nothing bad.  Each check that fails adds its
# reason to the array `reasons'; verdict then prints the line
# tests/vm/run.sh looks for.

# unload_module: flushes the mangle rules of every iptables and nft, and
# unloads xt_PMTUFIX.  The scenarios delete their namespaces; the rules in
# them go with the namespace cleanup, which runs asynchronously.
unload_module() {
	local t

	for t in iptables-legacy ip6tables-legacy iptables-nft ip6tables-nft; do
		"$t" -t mangle -F 2>/dev/null
	done
	nft flush ruleset 2>/dev/null
	for _ in $(seq 100); do
		[ "$(cat /sys/module/xt_PMTUFIX/refcnt 2>/dev/null)" = 0 ] && break
		sleep 0.1
	done
	if [ -d /sys/module/xt_PMTUFIX ] && ! rmmod xt_PMTUFIX; then
		reasons+=("rmmod xt_PMTUFIX failed (refcnt $(cat /sys/module/xt_PMTUFIX/refcnt))")
	fi
}

# scan_dmesg: the kernel log, shown whole if it has a complaint.
scan_dmesg() {
	local bad

	bad=$(dmesg | grep -E 'WARNING:|BUG:|BUG [^ ]+ \((Not t|T)ainted|Oops|Slab cache still has objects|general protection fault|UBSAN:|KASAN:|ODEBUG:|refcount_t:|list_(add|del) corruption|possible circular locking dependency|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context')
	if [ -n "$bad" ]; then
		echo "# kernel log:"
		dmesg | sed 's/^/#   /'
		reasons+=("the kernel logged errors")
	fi
}

# kmemleak, where the kernel has it (the debug kernel of run.sh): what it
# finds unreferenced after the module has gone is the module's leak.  It
# reports an object only once it is 5 seconds old and was unreferenced in
# a scan without having changed since the scan before, hence the sleeps
# and the two scans.
KMEMLEAK=/sys/kernel/debug/kmemleak

kmemleak_scan() {
	sleep 6
	echo scan >"$KMEMLEAK"
	sleep 6
	echo scan >"$KMEMLEAK"
}

# kmemleak_start: forgets what the kernel leaked before the module was
# loaded (the boot's own leftovers are not ours to report).
kmemleak_start() {
	[ -w "$KMEMLEAK" ] || return 0
	kmemleak_scan
	echo clear >"$KMEMLEAK"
}

# kmemleak_check: after unload_module; the unreferenced objects, reported
# whole.
kmemleak_check() {
	local report n

	[ -w "$KMEMLEAK" ] || return 0
	kmemleak_scan
	report=$(cat "$KMEMLEAK")
	[ -n "$report" ] || return 0
	n=$(grep -c '^unreferenced object' <<<"$report")
	echo "# kmemleak:"
	printf '%s\n' "$report" | sed 's/^/#   /'
	reasons+=("kmemleak found $n unreferenced objects")
}

verdict() {
	if [ ${#reasons[@]} -eq 0 ]; then
		echo "PMTUFIX-VM: success"
	else
		echo "PMTUFIX-VM: failure ($(IFS=';'; echo "${reasons[*]}"))"
	fi
}
