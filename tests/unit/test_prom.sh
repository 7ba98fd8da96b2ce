#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `pmtufix stats --prometheus` prints, without a module: the command
# itself on this host (pmtufix_up 0, the versions, exit status 0), then
# the printer of stats.c, built into a harness, for a module with two
# tables.  Every output must satisfy `promtool check metrics`, the linter
# of Prometheus's own text format, and name the metrics the alert rules of
# userspace/examples/pmtufix-alerts.yml use.

top=$(cd "$(dirname "$0")/../.." && pwd)
pmtufix=$top/userspace/pmtufix/pmtufix
version=$(cat "$top/VERSION")
# shellcheck source=tests/lib/hostcheck.sh
source "$top/tests/lib/hostcheck.sh"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# has FILE LINE...: FILE holds each LINE, whole.
has() {
	local f=$1 l

	shift
	for l in "$@"; do
		grep -qxF -- "$l" "$f" || { echo "# missing: $l"; return 1; }
	done
}

lint() {
	local out

	command -v promtool >/dev/null || { echo "# SKIP promtool is not installed"; return 0; }
	out=$(promtool check metrics <"$1" 2>&1) && [ -z "$out" ] && return 0
	echo "# $out"
	return 1
}

[ -x "$pmtufix" ] || make -s -C "$top/userspace" >/dev/null || exit 1

# The command, where no module is loaded.
if [ ! -d /sys/module/xt_PMTUFIX ]; then
	"$pmtufix" stats --prometheus >"$tmp/down" 2>"$tmp/down.err"
	check "without the module: exit status 0" test $? = 0
	check "without the module: nothing on stderr" test ! -s "$tmp/down.err"
	check "without the module: pmtufix_up 0 and the versions" has "$tmp/down" \
		"pmtufix_up 0" \
		"pmtufix_build_info{version=\"$version\",module_version=\"\"} 1"
	check "without the module: no counters" \
		test "$(grep -c '^pmtufix_' "$tmp/down")" = 2
	check "without the module: promtool check metrics" lint "$tmp/down"
else
	echo "# SKIP the command without the module: xt_PMTUFIX is loaded here"
fi

# The printer, for two tables of a module that answered.
cat >"$tmp/harness.c" <<'EOF'
#include "stats.c"

const char *prog = "pmtufix";
int pmtufix_json;

int main(int argc, char *argv[])
{
	struct pmtufix_table_reply t[2] = {
		{ .name = "edge", .count4 = 4, .count6 = 1, .rules = 2 },
		{ .name = "lab.2", .count4 = 0, .count6 = 3, .rules = 0 },
	};
	struct stats s[2] = { { .table = "edge" }, { .table = "lab.2" } };
	struct stats_list l = { .s = s, .n = 2 };
	struct prom_state p = {
		.up = 1, .version = "1.2.3", .module_version = "1.2.\"3\\",
		.t = t, .nt = 2,
	};
	unsigned int i;

	for (i = 0; i < PMTUFIX_STATS_COUNT; i++) {
		s[0].c[i] = 1000 + i;
		s[1].c[i] = i;
	}
	if (argc > 1) {		/* down */
		p.up = 0;
		p.module_version = "";
	}
	print_prometheus(stdout, &p, &l);
	return 0;
}
EOF
# shellcheck disable=SC2046
if ! "${CC:-cc}" -std=gnu11 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-D_GNU_SOURCE -DPMTUFIX_VERSION='"test"' -I"$top/userspace/pmtufix" \
	-I"$top/include/uapi" -I"$top/kmod" \
	$(pkg-config --cflags libmnl) -o "$tmp/harness" "$tmp/harness.c" \
	"$top"/userspace/pmtufix/{genl,json,parse,print,request}.c \
	"$top"/kmod/core/*.c $(pkg-config --libs libmnl); then
	echo "not ok - the harness does not build"
	exit 1
fi

"$tmp/harness" >"$tmp/up"
check "up: the printer runs" test $? = 0
check "up: pmtufix_up, build info (label escaped), entries, rules" has "$tmp/up" \
	"pmtufix_up 1" \
	'pmtufix_build_info{version="1.2.3",module_version="1.2.\"3\\"} 1' \
	'pmtufix_table_entries{table="edge",family="ipv4"} 4' \
	'pmtufix_table_entries{table="edge",family="ipv6"} 1' \
	'pmtufix_table_entries{table="lab.2",family="ipv4"} 0' \
	'pmtufix_table_entries{table="lab.2",family="ipv6"} 3' \
	'pmtufix_table_rules{table="edge"} 2' \
	'pmtufix_table_rules{table="lab.2"} 0' \
	'# TYPE pmtufix_up gauge' \
	'# TYPE pmtufix_build_info gauge' \
	'# TYPE pmtufix_table_entries gauge' \
	'# TYPE pmtufix_table_rules gauge'
# The counters keep their names: pmtufix_<counter>_total, one per table.
counters=$(sed -n 's/^\t{ "\([a-z_]*\)", "[A-Z].*/\1/p' "$top/userspace/pmtufix/stats.c")
i=0
for c in $counters; do
	check "up: counter $c" has "$tmp/up" "# TYPE pmtufix_${c}_total counter" \
		"pmtufix_${c}_total{table=\"edge\"} $((1000 + i))" \
		"pmtufix_${c}_total{table=\"lab.2\"} $i"
	i=$((i + 1))
done
check "up: 14 counters" test "$i" = 14
check "up: promtool check metrics" lint "$tmp/up"

"$tmp/harness" down >"$tmp/down2"
check "down: pmtufix_up 0 and build info alone" test \
	"$(grep -v '^#' "$tmp/down2")" = "$(printf '%s\n' 'pmtufix_up 0' \
	'pmtufix_build_info{version="1.2.3",module_version=""} 1')"
check "down: promtool check metrics" lint "$tmp/down2"

# Every metric the alert rules use is one the command prints (or the node
# exporter's own): stats, or derive --check, which needs tables to compare
# and so is read from its source.
alerts=$top/userspace/examples/pmtufix-alerts.yml
for m in $(grep -o 'pmtufix_[a-z0-9_]*' "$alerts" | sort -u); do
	case $m in
	pmtufix_derive_*)
		check "the alert rules' $m is printed by derive --check" \
			grep -q "\"$m{table=" "$top/userspace/pmtufix/derive.c" ;;
	*)	check "the alert rules' $m is printed" grep -q "^$m[{ ]" "$tmp/up" ;;
	esac
done

summary prometheus
