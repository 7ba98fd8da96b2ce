#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks the checker: builds the module with a fault planted on purpose and
# expects tests/vm/run.sh to fail for the right reason.  A VM suite that
# passes a module which WARNs on every packet, which cannot be unloaded,
# which drops a SYN now and then or loses counts at a table swap or a
# replacement proves nothing.
#
# On the debug kernel (-k 6.12-debug), also the faults only its checkers
# see: a use-after-free (KASAN), a leak (kmemleak) and two locks taken in
# both orders (lockdep).
#
# Usage: tests/vm/oracle.sh [-k KERNEL]   (default kernel: 6.12)

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.12
[ "${1:-}" = -k ] && kernel=$2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fault NAME SED-SCRIPT EXPECTED [FILE [SCENARIO [RUN-ARGS...]]]: plant
# the fault in kmod/FILE (default target.c), boot, run SCENARIO (default
# basic) with tests/vm/run.sh's RUN-ARGS, and expect failure with EXPECTED
# in the output.
failed=0
fault() {
	local name=$1 script=$2 expected=$3 file=kmod/${4:-target.c}
	local scenario=${5:-basic} out rc

	shift $(($# < 5 ? $# : 5))

	rm -rf "$work/src"
	mkdir -p "$work/src"
	cp -a "$top/Kbuild" "$top/VERSION" "$top/kmod" "$top/include" "$work/src/"
	sed -i "$script" "$work/src/$file"
	if cmp -s "$top/$file" "$work/src/$file"; then
		echo "not ok - $name: the fault could not be planted"
		failed=1
		return
	fi
	out=$("$top/tests/vm/run.sh" -k "$kernel" -t "$scenario" -s "$work/src" \
		"$@" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$expected" <<<"$out"; then
		echo "ok - $name: the suite fails ($expected)"
	else
		echo "not ok - $name: exit $rc, expected a failure with '$expected'"
		tail -n 30 <<<"$out" | sed 's/^/#   /'
		failed=1
	fi
}

# A WARN on the packet path: panic_on_warn stops the guest.
fault "WARN_ON in the target" \
	'/^static unsigned int pmtufix_tg(/,/^}/ s/^\treturn verdict;/\tWARN_ON(1);\n&/' \
	"WARNING:"

# A module reference taken per rule and never dropped: rmmod must fail.
fault "leaked module reference" \
	'/^static int pmtufix_tg_check(/,/^}/ s/^\treturn 0;/\t__module_get(THIS_MODULE);\n&/' \
	"rmmod xt_PMTUFIX failed"

# The stress scenario, smaller: floods on both CPUs while tables and rules
# change and namespaces come and go.
stress=(stress -e STRESS_RULE_CHANGES=12 -e STRESS_TABLE_CHANGES=12
	-e STRESS_NAMESPACES=3)

# One forwarded SYN in 2048 dropped: the stress scenario's SYN count must
# see it.  (In OUTPUT the sender would see the drop itself, as EPERM.)
fault "a SYN lost now and then" \
	'/^static unsigned int pmtufix_tg(/,/^}/ s/^\tpmtufix_count(info->priv, pkt.events);/\tif (xt_hooknum(par) == NF_INET_FORWARD \&\&\n\t    !(get_random_u32() % 2048))\n\t\treturn NF_DROP;\n&/' \
	"SYNs at the server: expected" target.c "${stress[@]}"

# The counts of a replaced snapshot's entries not carried into the new one:
# an entry's hits fall behind its table's SYNs.
fault "entry counters lost at a swap" \
	'/^int pmtufix_table_update(/,/^}/ { /^\tpmtufix_snapshot_carry_stats(old, d);$/d }' \
	"against L's syn: expected" table.c "${stress[@]}"

# The same in a delta: an entry replaced by a change of a few entries gets
# new counters instead of keeping its own.
fault "entry counters restarted by a replacement" \
	'/^static int pmtufix_change_one(/,/^}/ s/^\t\tif (live \&\& !del) {$/\t\tif (live \&\& !del \&\& !replace) {/' \
	'"mismatch": "hits"' snapshot.c delta

case $kernel in
*-debug) ;;
*) exit $failed ;;
esac

# The old snapshot freed without waiting for the packets that may still
# read it.  The netlink fuzzer replaces tables thousands of times while
# SYNs flow from both CPUs; the stress scenario's few dozen replacements
# never met a reader.
fault "snapshot freed without waiting for readers" \
	'/^int pmtufix_table_update(/,/^}/ { /^\tsynchronize_rcu();$/d }' \
	"KASAN: slab-use-after-free" table.c nlfuzz -e NLFUZZ_ROOT=20000 \
	-e NLFUZZ_USERNS=2000 -e NLFUZZ_UNPRIV=1000

# A copy of every new table's name that nothing points to.
fault "leaked allocation" \
	'/^struct pmtufix_table \*pmtufix_table_create(/,/^}/ s/^\treturn t;/\tif (!kstrdup(name, GFP_KERNEL))\n\t\tpr_debug("no memory\\n");\n&/' \
	"kmemleak found" table.c boot

# pn->lock then the RTNL in the commands, the RTNL then pn->lock when a
# netlink socket is released.
fault "lock order inversion" \
	's/^#include <linux\/notifier.h>/&\n#include <linux\/rtnetlink.h>/; /^static int pmtufix_nl_do_table(/,/^}/ s/^\tmutex_lock(&pn->lock);/&\n\trtnl_lock();\n\trtnl_unlock();/; /^static int pmtufix_nl_notify(/,/^}/ { s/^\tmutex_lock(&pn->lock);/\trtnl_lock();\n&/; s/^\tmutex_unlock(&pn->lock);/&\n\trtnl_unlock();/ }' \
	"possible circular locking dependency" netlink.c boot

exit $failed
