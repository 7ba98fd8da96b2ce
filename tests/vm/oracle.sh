#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks the checker: builds the module with a fault planted on purpose and
# expects tests/vm/run.sh to fail for the right reason.  A VM suite that
# passes a module which WARNs on every packet, or which cannot be unloaded,
# proves nothing.
#
# With -d, the faults only a debug kernel sees, on the debug kernel: a
# use-after-free for KASAN, a leak for kmemleak, two locks taken in both
# orders for lockdep; with -c as well, each also on the stock 6.12, to
# show what it misses.
#
# Usage: tests/vm/oracle.sh [-k KERNEL] [-d [-c]]   (default kernel: 6.12)

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.12
debug=0
stock=0
while getopts k:dc opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	d) debug=1 kernel=6.12-debug ;;
	c) stock=1 ;;
	*) sed -n 's/^# \{0,1\}//; /^Usage:/p' "$0" >&2; exit 2 ;;
	esac
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# plant FILE SED-SCRIPT: a copy of the module's sources in $work/src with
# the fault planted in kmod/FILE.
plant() {
	rm -rf "$work/src"
	mkdir -p "$work/src"
	cp -a "$top/Kbuild" "$top/VERSION" "$top/kmod" "$top/include" "$work/src/"
	sed -i "$2" "$work/src/kmod/$1"
	! cmp -s "$top/kmod/$1" "$work/src/kmod/$1"
}

# fault NAME FILE SED-SCRIPT SCENARIOS EXPECTED: plant the fault, boot
# KERNEL with the scenarios matching SCENARIOS, and expect failure with
# EXPECTED in the output; with -c, say whether the stock 6.12 passes.
failed=0
fault() {
	local name=$1 file=$2 script=$3 tests=$4 expected=$5 out rc

	if ! plant "$file" "$script"; then
		echo "not ok - $name: the fault could not be planted"
		failed=1
		return
	fi
	out=$("$top/tests/vm/run.sh" -k "$kernel" -t "$tests" -s "$work/src" 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$expected" <<<"$out"; then
		echo "ok - $name: the suite fails on $kernel ($expected)"
	else
		echo "not ok - $name: exit $rc on $kernel, expected a failure with '$expected'"
		tail -n 30 <<<"$out" | sed 's/^/#   /'
		failed=1
	fi
	[ $stock = 1 ] || return 0
	if "$top/tests/vm/run.sh" -k 6.12 -t "$tests" -s "$work/src" >/dev/null 2>&1; then
		echo "# $name: the stock 6.12 misses it"
	else
		echo "# $name: the stock 6.12 fails as well"
	fi
}

if [ $debug = 0 ]; then
	# A WARN on the packet path: panic_on_warn stops the guest.
	fault "WARN_ON in the target" target.c \
		'/^static unsigned int pmtufix_tg(/,/^}/ s/^\treturn verdict;$/\tWARN_ON(1);\n&/' \
		basic "WARNING:"

	# A module reference taken per rule and never dropped: rmmod must fail.
	fault "leaked module reference" target.c \
		'/^static int pmtufix_tg_check(/,/^}/ s/^\treturn 0;/\t__module_get(THIS_MODULE);\n&/' \
		basic "rmmod xt_PMTUFIX failed"
	exit $failed
fi

# The old snapshot freed without waiting for the packets that may still
# read it, and its counters then read.
fault "use after free of a replaced snapshot" table.c \
	'/^\tsynchronize_rcu();$/,/^\tpmtufix_snapshot_free(old);$/c\
\tpmtufix_snapshot_free(old);\
\tpmtufix_snapshot_carry_stats(old, d);' \
	tables "KASAN: .*use-after-free"

# One array of every snapshot never freed.
fault "leaked snapshot array" snapshot.c \
	'/^\tkvfree(d->fits);$/d' \
	tables "unreferenced object"

# A lock taken before the namespace's lock when a rule comes and after it
# when the rule goes.
fault "two locks taken in both orders" table.c \
	's/^\/\* For checkentry: /static DEFINE_MUTEX(pmtufix_oracle_lock);\n\n&/
	 /^struct pmtufix_table \*pmtufix_table_get_for_rule(/,/^}/ {
		s/^\tmutex_lock(&pn->lock);/\tmutex_lock(\&pmtufix_oracle_lock);\n&/
		s/^\tmutex_unlock(&pn->lock);/&\n\tmutex_unlock(\&pmtufix_oracle_lock);/
	 }
	 /^void pmtufix_table_put_for_rule(/,/^}/ {
		s/^\tmutex_lock(&pn->lock);/&\n\tmutex_lock(\&pmtufix_oracle_lock);/
		s/^\tmutex_unlock(&pn->lock);/\tmutex_unlock(\&pmtufix_oracle_lock);\n&/
	 }' \
	basic "possible circular locking dependency"

exit $failed
