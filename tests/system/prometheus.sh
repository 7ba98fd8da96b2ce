#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian's prometheus-node-exporter, its textfile collector reading what
# pmtufix-metrics.service writes, scraped over HTTP on loopback: every
# pmtufix_ sample equals what `pmtufix stats -j' and `pmtufix table list
# -j' say, and promtool finds nothing to say about them.  After
# packages.sh, which installs the packages and loads the tables (and whose
# traffic the counters hold).

source "$(dirname "$0")/../lib/lib.sh"

url=http://127.0.0.1:9100/metrics

# compare SCRAPE STATS TABLES VERSION: the pmtufix_ samples of the SCRAPE
# against the JSON of stats -j and table list -j; prints what differs.
compare() {
	python3 - "$@" <<-'EOF'
	import json, re, sys

	scrape, stats, tables, version = sys.argv[1:5]
	want = {"pmtufix_up": 1,
	        'pmtufix_build_info{version="%s",module_version="%s"}'
	        % (version, version): 1}
	for s in json.load(open(stats)):
	    for k, v in s.items():
	        if k != "table":
	            want['pmtufix_%s_total{table="%s"}' % (k, s["table"])] = v
	for t in json.load(open(tables)):
	    want['pmtufix_table_rules{table="%s"}' % t["table"]] = t["rules"]
	    for fam, attr in (("ipv4", "entries4"), ("ipv6", "entries6")):
	        want['pmtufix_table_entries{table="%s",family="%s"}'
	             % (t["table"], fam)] = t[attr]
	def key(sample):
	        """The sample's name and labels, the labels in sorted order."""
	        m = re.fullmatch(r'(\w+)(?:\{(.*)\})?', sample)
	        labels = re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or "")
	        return m.group(1) + str(sorted(labels))

	want = {key(k): v for k, v in want.items()}
	got = {}
	for line in open(scrape):
	    if line.startswith("pmtufix_"):
	        name, value = line.rsplit(" ", 1)
	        got[key(name)] = float(value)
	bad = 0
	for k in sorted(set(want) | set(got)):
	    if want.get(k) != got.get(k):
	        print("%s: pmtufix says %s, the scrape %s"
	              % (k, want.get(k), got.get(k)))
	        bad += 1
	print("%d samples, %d differ" % (len(got), bad), file=sys.stderr)
	sys.exit(1 if bad or not got else 0)
	EOF
}

test_scrape() {
	local out n

	require_cmd promtool curl || return $?
	systemctl is-active -q pmtufix.service || {
		err "pmtufix.service is not active (packages.sh ran first?)"
		return 1
	}
	# The timer would rewrite the file between the scrape and stats -j.
	systemctl stop pmtufix-metrics.timer
	systemctl start prometheus-node-exporter.service || return 1
	busywait 30000 curl -sf -o /dev/null "$url" || {
		err "the node exporter does not answer on $url"
		return 1
	}
	systemctl start pmtufix-metrics.service || {
		journalctl -b -q --no-pager -u pmtufix-metrics
		return 1
	}
	curl -sf "$url" >"$TMP/scrape" || return 1
	pmtufix stats -j >"$TMP/stats" || return 1
	pmtufix table list -j >"$TMP/tables" || return 1
	n=$(grep -c '^node_textfile_scrape_error 0$' "$TMP/scrape")
	check_eq 1 "$n" "node_textfile_scrape_error 0 in the scrape" || return 1
	out=$(compare "$TMP/scrape" "$TMP/stats" "$TMP/tables" \
		"$(cat "$PMTUFIX_TOP/VERSION")" 2>"$TMP/count") || {
		err "the scrape and pmtufix differ:"
		echo "$out"
		cat "$TMP/count"
		return 1
	}
	info "$(cat "$TMP/count")"
	n=$(jq '[.[].syn] | add' "$TMP/stats")
	[ "$n" -gt 0 ] || {
		err "no SYN counted: nothing to compare"
		return 1
	}

	# promtool lints the node exporter's own names too (camelCase in
	# node_memory_*): what is pmtufix's must be clean.
	grep -E '^(# (HELP|TYPE) )?pmtufix_' "$TMP/scrape" >"$TMP/pmtufix"
	out=$(promtool check metrics <"$TMP/pmtufix" 2>&1)
	check_eq "" "$out" "promtool check metrics on the pmtufix_ families" ||
		return 1
	out=$(promtool check metrics <"$TMP/scrape" 2>&1 | grep pmtufix_)
	check_eq "" "$out" "promtool check metrics on the whole scrape"
}

TMP=$(mktemp -d)
run_test "the node exporter serves pmtufix_ metrics equal to pmtufix stats -j" test_scrape
rm -rf "$TMP"
exit_status
