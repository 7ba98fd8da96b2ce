#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every tests/netns/*.sh (or DIR/*.sh) whose name matches PATTERN (a
# glob, default all), in the order of their names, each under a time
# limit, and prints TAP: one line per test, the plan, and a closing "N
# passed, N failed, N skipped".  Exit 0 only if no test failed and at
# least one passed.  Runs in the VM, or on any machine
# where xt_PMTUFIX can be loaded.
#
# Usage: tests/vm/suite.sh [-d DIR] [PATTERN]

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/tests/netns
if [ "${1:-}" = -d ]; then
	dir=$2
	shift 2
fi
pattern=${1:-*}
limit=${PMTUFIX_TEST_TIMEOUT:-600}

PMTUFIX_RESULTS=$(mktemp)
export PMTUFIX_RESULTS

echo "TAP version 13"
for t in "$dir"/*.sh; do
	name=$(basename "$t" .sh)
	# shellcheck disable=SC2053
	[[ $name == $pattern ]] || continue
	echo "# $name"
	before=$(wc -l <"$PMTUFIX_RESULTS")
	start=$(date +%s)
	timeout "$limit" bash "$t"
	rc=$?
	echo "# $name: $(($(date +%s) - start)) s"
	n=$(($(wc -l <"$PMTUFIX_RESULTS") + 1))
	if [ $rc -eq 124 ]; then
		echo "not ok $n - $name: timed out after ${limit}s"
		echo fail >>"$PMTUFIX_RESULTS"
	elif [ $rc -ne 0 ] && [ "$n" -eq $((before + 1)) ]; then
		echo "not ok $n - $name: exited $rc without running a test"
		echo fail >>"$PMTUFIX_RESULTS"
	fi
done

passed=$(grep -c '^pass$' "$PMTUFIX_RESULTS")
failed=$(grep -c '^fail$' "$PMTUFIX_RESULTS")
skipped=$(grep -c '^skip$' "$PMTUFIX_RESULTS")
echo "1..$((passed + failed + skipped))"
echo "# $passed passed, $failed failed, $skipped skipped"
rm -f "$PMTUFIX_RESULTS"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
