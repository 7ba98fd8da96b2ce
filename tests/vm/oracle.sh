#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checks the checker: builds the module with a fault planted on purpose and
# expects tests/vm/run.sh to fail for the right reason.  A VM suite that
# passes a module which WARNs on every packet, or which cannot be unloaded,
# proves nothing.
#
# Usage: tests/vm/oracle.sh [-k KERNEL]   (default kernel: 6.12)

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
kernel=6.12
[ "${1:-}" = -k ] && kernel=$2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# fault NAME SED-SCRIPT EXPECTED: plant the fault in kmod/target.c, boot,
# and expect failure with EXPECTED in the output.
failed=0
fault() {
	local name=$1 script=$2 expected=$3 out rc

	rm -rf "$work/src"
	mkdir -p "$work/src"
	cp -a "$top/Kbuild" "$top/VERSION" "$top/kmod" "$top/include" "$work/src/"
	sed -i "$script" "$work/src/kmod/target.c"
	if cmp -s "$top/kmod/target.c" "$work/src/kmod/target.c"; then
		echo "not ok - $name: the fault could not be planted"
		failed=1
		return
	fi
	out=$("$top/tests/vm/run.sh" -k "$kernel" -t basic -s "$work/src" 2>&1)
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
	'/^static unsigned int pmtufix_tg4(/,/^}/ s/^\treturn verdict;/\tWARN_ON(1);\n&/' \
	"WARNING:"

# A module reference taken per rule and never dropped: rmmod must fail.
fault "leaked module reference" \
	'/^static int pmtufix_tg_check(/,/^}/ s/^\treturn 0;/\t__module_get(THIS_MODULE);\n&/' \
	"rmmod xt_PMTUFIX failed"

exit $failed
