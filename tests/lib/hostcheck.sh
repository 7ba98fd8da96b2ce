# SPDX-License-Identifier: GPL-2.0
#
# Counted checks for the test scripts that run on the host, without the
# VM (tests/unit/*.sh, tests/pkg/*.sh), and their one summary line:
#
#   check WHAT CMD...   CMD succeeds; "not ok - WHAT" if not (and "ok -
#                       WHAT" when CHECK_SHOW_OK=1); the status is CMD's
#   same WANT GOT       the strings are equal, the difference shown if not
#   summary NAME        "ok NAME: N checks, 0 failed" or "not ok ...";
#                       status 0 only if every check passed

checks=0
failures=0

check() {
	local what=$1

	shift
	checks=$((checks + 1))
	if "$@"; then
		[ "${CHECK_SHOW_OK:-0}" = 1 ] && echo "ok - $what"
		return 0
	fi
	failures=$((failures + 1))
	echo "not ok - $what"
	return 1
}

same() {
	[ "$1" = "$2" ] && return 0
	diff <(echo "$1") <(echo "$2") | sed 's/^/#   /'
	return 1
}

summary() {
	echo "$([ $failures = 0 ] && echo ok || echo "not ok") $1: $checks checks, $failures failed"
	[ $failures = 0 ]
}
