#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The systemd units and their helpers, on this host, without systemd as
# PID 1 or the module: pmtufix-boot against a stand-in pmtufix and
# modprobe (which files it loads, in which order, with which commands; a
# failing file named in an error line, the others still loaded, exit 1; an
# empty directory loads nothing and succeeds; derived tables, merged,
# after the plain ones; `check' naming the tables no rule uses),
# pmtufix-metrics (derived tables' drift; the file
# replaced whole, written when the command fails, a temporary file never
# left behind) with the real command, and `systemd-analyze verify` on the
# units as installed.  The VM lane boots systemd and runs them for real.

top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/lib/hostcheck.sh
source "$top/tests/lib/hostcheck.sh"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

make -s -C "$top/userspace" >/dev/null || exit 1
boot=$top/userspace/systemd/pmtufix-boot
metrics=$top/userspace/systemd/pmtufix-metrics

# Stand-ins: each call is logged; FAIL_LOAD names a table whose load fails
# as the parser would, FAIL_MODPROBE makes modprobe fail.
mkdir -p "$tmp/bin" "$tmp/conf"
cat >"$tmp/bin/pmtufix" <<'EOF'
#!/bin/sh
case "$1 $2" in
"table load")
	# The file a derived table is loaded from is a temporary one.
	echo "pmtufix table load $3 $(cat "$4")" >>"$CALLS"
	if [ "$3" = "${FAIL_LOAD:-}" ]; then
		echo "$4:2:12: unknown layer \`ipipx'" >&2
		exit 2
	fi ;;
"table list")
	echo "pmtufix $*" >>"$CALLS"
	printf '%-24s %6s %6s %6s %10s %10s %6s\n' TABLE MTU FLOOR4 FLOOR6 IPV4 IPV6 RULES
	printf '%-24s %6u %6u %6u %10u %10u %6u\n' edge 1500 536 1220 4 1 2
	printf '%-24s %6u %6u %6u %10u %10u %6u\n' lab.2 1500 536 1220 1 0 "${LAB_RULES:-0}"
	printf '%-24s %6u %6u %6u %10u %10u %6u\n' other 1500 536 1220 1 0 0 ;;
"derive "*)
	echo "pmtufix $*" >>"$CALLS"
	if [ -n "${FAIL_DERIVE:-}" ]; then
		echo "pmtufix derive: links and routes: Operation not permitted" >&2
		exit 1
	fi
	echo "10.50.1.0/24 mtu 1500 ipip  # route: ul (mtu 1500); ipip tun1 to 10.100.1.2"
	echo "pmtufix derive: 10.71.0.0/24: no entry: route: device vti1: a device of kind vti, which pmtufix does not model" >&2
	;;
*)
	echo "pmtufix $*" >>"$CALLS" ;;
esac
EOF
cat >"$tmp/bin/modprobe" <<'EOF'
#!/bin/sh
echo "modprobe $*" >>"$CALLS"
if [ -n "${FAIL_MODPROBE:-}" ]; then
	echo "modprobe: FATAL: Module xt_PMTUFIX not found in directory /lib/modules/6.1.0-99-amd64" >&2
	exit 1
fi
EOF
chmod +x "$tmp/bin/pmtufix" "$tmp/bin/modprobe"
export CALLS=$tmp/calls PMTUFIX=$tmp/bin/pmtufix MODPROBE=$tmp/bin/modprobe
export PMTUFIX_CONFDIR=$tmp/conf

# run_boot ARGS...: the helper's exit status in rc, stderr in err.
run_boot() {
	: >"$CALLS"
	err=$("$boot" "$@" 2>&1 >/dev/null)
	rc=$?
}

run_boot start
check "empty directory: success" test "$rc" = 0
check "empty directory: the module, nothing else" \
	same "modprobe xt_PMTUFIX" "$(cat "$CALLS")"
check "empty directory: says so" \
	same "<6>pmtufix-boot: 0 table(s) loaded from $tmp/conf" "$err"

echo "192.0.2.10/32 ipip" >"$tmp/conf/edge.conf"
echo "10.0.0.0/8 gre" >"$tmp/conf/lab.2.conf"
echo "10.0.0.0/8 gre" >"$tmp/conf/zz.conf"
echo "not a table" >"$tmp/conf/README"
echo "10.0.0.0/8 gre" >"$tmp/conf/old.conf.dpkg-old"
plain_calls=(
	"modprobe xt_PMTUFIX"
	"pmtufix table create --exist edge"
	"pmtufix table load edge 192.0.2.10/32 ipip"
	"pmtufix table create --exist lab.2"
	"pmtufix table load lab.2 10.0.0.0/8 gre"
	"pmtufix table create --exist zz"
	"pmtufix table load zz 10.0.0.0/8 gre"
)
run_boot start
check "three files: success" test "$rc" = 0
check "three files: create --exist, then load, each in order" \
	same "$(printf '%s\n' "${plain_calls[@]}")" "$(cat "$CALLS")"

FAIL_LOAD=lab.2 run_boot start
check "a bad file: exit status 1" test "$rc" = 1
check "a bad file: the others still loaded" \
	same 3 "$(grep -c '^pmtufix table load' "$CALLS")"
check "a bad file: an error line naming the file and the cause, and a total" \
	same "$(printf '%s\n' \
	"<3>pmtufix-boot: $tmp/conf/lab.2.conf: table lab.2 not loaded, left as it was: $tmp/conf/lab.2.conf:2:12: unknown layer \`ipipx'" \
	"<3>pmtufix-boot: 1 file(s) of $tmp/conf failed, 2 loaded")" "$err"

FAIL_MODPROBE=1 run_boot start
check "no module: exit status 1" test "$rc" = 1
check "no module: no table touched" same "modprobe xt_PMTUFIX" "$(cat "$CALLS")"
check "no module: the error says why and where to look" \
	grep -q "^<3>pmtufix-boot: modprobe xt_PMTUFIX failed, no table loaded: modprobe: FATAL: Module xt_PMTUFIX not found .*dkms status" <<<"$err"

run_boot reload
check "reload: success" test "$rc" = 0
check "reload: the loads alone" same 0 "$(grep -c modprobe "$CALLS")"
check "reload: every file" same 3 "$(grep -c '^pmtufix table load' "$CALLS")"

run_boot
check "no argument: usage, exit status 2" test "$rc" = 2

# check: every table of the files loaded and used by a rule (lab.2 has no
# rule, zz is not loaded; other is no file's and not checked).
run_boot check
check "check: exit status 1" test "$rc" = 1
check "check: the command's list alone" same "pmtufix table list" "$(cat "$CALLS")"
check "check: a line for each table not in use" same "$(printf '%s\n' \
	"<3>pmtufix-boot: table lab.2 of $tmp/conf: no rule uses it (were the PMTUFIX rules flushed, as nftables' \`flush ruleset' does?)" \
	"<3>pmtufix-boot: table zz of $tmp/conf is not loaded")" "$err"
mv "$tmp/conf/zz.conf" "$tmp/zz.conf"
LAB_RULES=1 run_boot check
check "check: all in use, success" test "$rc" = 0
check "check: says so" same "<6>pmtufix-boot: 2 table(s) of $tmp/conf loaded and in use" "$err"
mv "$tmp/zz.conf" "$tmp/conf/zz.conf"

# Derived tables: NAME.derive holds derive's options; NAME.conf beside it
# is merged, not loaded alone; they come after the plain tables.
printf '%s\n' "# the tunnels of this gateway" "--from tunnels,xfrm  # not ipvs" \
	>"$tmp/conf/core.derive"
echo "--mtu 9000" >"$tmp/conf/dc.derive"
echo "10.99.0.0/16 pppoe" >"$tmp/conf/core.conf"
derived_calls=(
	"pmtufix derive --from tunnels,xfrm --merge $tmp/conf/core.conf"
	"pmtufix table create --exist core"
	"pmtufix table load core 10.50.1.0/24 mtu 1500 ipip  # route: ul (mtu 1500); ipip tun1 to 10.100.1.2"
	"pmtufix derive --mtu 9000"
	"pmtufix table create --exist dc"
	"pmtufix table load dc 10.50.1.0/24 mtu 1500 ipip  # route: ul (mtu 1500); ipip tun1 to 10.100.1.2"
)
run_boot start
check "derived tables: success" test "$rc" = 0
check "derived tables: derive with the file's options, merged with NAME.conf, after the plain tables" \
	same "$(printf '%s\n' "${plain_calls[@]}" "${derived_calls[@]}")" \
	"$(cat "$CALLS")"
check "derived tables: what derive could not model, logged as a warning" \
	grep -qx "<4>pmtufix-boot: $tmp/conf/dc.derive: pmtufix derive: 10.71.0.0/24: no entry: route: device vti1: a device of kind vti, which pmtufix does not model" \
	<<<"$err"
check "derived tables: five loaded" \
	grep -qx "<6>pmtufix-boot: 5 table(s) loaded from $tmp/conf" <<<"$err"

run_boot derive
check "derive: success" test "$rc" = 0
check "derive: the derived tables alone" same "$(printf '%s\n' \
	"${derived_calls[@]}")" "$(cat "$CALLS")"

FAIL_DERIVE=1 run_boot reload
check "derive failing: exit status 1" test "$rc" = 1
check "derive failing: no derived table loaded, the plain ones are" \
	same "edge lab.2 zz" "$(sed -n 's/^pmtufix table load \([^ ]*\) .*/\1/p' "$CALLS" | xargs)"
check "derive failing: an error line naming the file and the cause, and a total" \
	same "$(printf '%s\n' \
	"<3>pmtufix-boot: $tmp/conf/core.derive: table core not derived, left as it was: pmtufix derive: links and routes: Operation not permitted" \
	"<3>pmtufix-boot: $tmp/conf/dc.derive: table dc not derived, left as it was: pmtufix derive: links and routes: Operation not permitted" \
	"<3>pmtufix-boot: 2 file(s) of $tmp/conf failed, 3 loaded")" "$err"
rm "$tmp/conf/core.derive" "$tmp/conf/dc.derive" "$tmp/conf/core.conf"

# pmtufix-metrics, with the real command (no module here: pmtufix_up 0).
unset PMTUFIX
export PMTUFIX_TEXTFILE_DIR=$tmp/textfile
mkdir -p "$PMTUFIX_TEXTFILE_DIR"
prom=$PMTUFIX_TEXTFILE_DIR/pmtufix.prom
if [ ! -d /sys/module/xt_PMTUFIX ]; then
	PMTUFIX=$top/userspace/pmtufix/pmtufix "$metrics"
	check "metrics without the module: success" test $? = 0
	check "metrics without the module: pmtufix_up 0 written" grep -qx "pmtufix_up 0" "$prom"
	check "metrics: mode 0644" same 644 "$(stat -c %a "$prom")"
	if command -v promtool >/dev/null; then
		check "metrics: promtool check metrics" promtool check metrics <"$prom"
	fi
fi
cat >"$tmp/bin/pmtufix-fail" <<'EOF'
#!/bin/sh
printf 'pmtufix_up 0\n'
echo "pmtufix stats: Operation not permitted" >&2
exit 1
EOF
cat >"$tmp/bin/pmtufix-silent" <<'EOF'
#!/bin/sh
exit 1
EOF
chmod +x "$tmp/bin/pmtufix-fail" "$tmp/bin/pmtufix-silent"
PMTUFIX=$tmp/bin/pmtufix-fail "$metrics" 2>/dev/null
check "metrics, the command failing: exit status 1" test $? = 1
check "metrics, the command failing: the file written all the same" \
	same "pmtufix_up 0" "$(cat "$prom")"
echo "old" >"$prom"
PMTUFIX=$tmp/bin/pmtufix-silent "$metrics" 2>/dev/null
check "metrics, no output: exit status 1" test $? = 1
check "metrics, no output: the file left as it was" same old "$(cat "$prom")"
check "metrics: no temporary file left" \
	same "pmtufix.prom" "$(ls -A "$PMTUFIX_TEXTFILE_DIR")"

# The drift of derived tables: derive --check per NAME.derive, with its
# options and NAME.conf, one HELP and TYPE for all.
cat >"$tmp/bin/pmtufix-drift" <<'EOF'
#!/bin/sh
echo "pmtufix $*" >>"$CALLS"
case $1 in
stats) printf 'pmtufix_up 1\n' ;;
derive)
	printf '# HELP pmtufix_derive_drift Entries where a table and pmtufix derive differ, by kind.\n'
	printf '# TYPE pmtufix_derive_drift gauge\n'
	printf 'pmtufix_derive_drift{table="%s",kind="missing"} 1\n' "$3"
	exit 1 ;;
esac
EOF
chmod +x "$tmp/bin/pmtufix-drift"
echo "--from xfrm" >"$tmp/conf/core.derive"
echo "10.99.0.0/16 pppoe" >"$tmp/conf/core.conf"
: >"$tmp/conf/dc.derive"
: >"$CALLS"
PMTUFIX=$tmp/bin/pmtufix-drift "$metrics"
check "metrics with derived tables: the status of stats" test $? = 0
check "metrics with derived tables: derive --check for each" same "$(printf '%s\n' \
	"pmtufix stats --prometheus" \
	"pmtufix derive --check core --prometheus --from xfrm --merge $tmp/conf/core.conf" \
	"pmtufix derive --check dc --prometheus")" "$(cat "$CALLS")"
check "metrics with derived tables: their drift, HELP and TYPE once" same "$(printf '%s\n' \
	"pmtufix_up 1" \
	"# HELP pmtufix_derive_drift Entries where a table and pmtufix derive differ, by kind." \
	"# TYPE pmtufix_derive_drift gauge" \
	'pmtufix_derive_drift{table="core",kind="missing"} 1' \
	'pmtufix_derive_drift{table="dc",kind="missing"} 1')" "$(cat "$prom")"
rm "$tmp/conf/core.derive" "$tmp/conf/dc.derive" "$tmp/conf/core.conf"

# The units as installed (below a PREFIX of their own, so that the
# helpers and man pages they name exist), verified by systemd.
make -s -C "$top/userspace" install PREFIX="$tmp/p" >/dev/null || exit 1
units=$tmp/p/lib/systemd/system
out=$(MANPATH=$tmp/p/share/man systemd-analyze verify \
	"$units/pmtufix.service" "$units/pmtufix-metrics.service" \
	"$units/pmtufix-derive.service" \
	"$units/pmtufix-metrics.timer" 2>&1)
check "systemd-analyze verify: the units, silent" same "" "$out"
make -s -C "$top/userspace" >/dev/null	# back to the paths of /usr
# The interface other units and the VM lane rely on.
u=$units/pmtufix.service
check "pmtufix.service: what it promises" same "$(printf '%s\n' \
	"DefaultDependencies=no" "Wants=network-pre.target" \
	"After=systemd-modules-load.service local-fs.target" \
	"Before=network-pre.target netfilter-persistent.service nftables.service iptables.service ip6tables.service" \
	"Conflicts=shutdown.target" "Before=shutdown.target" \
	"Type=oneshot" "RemainAfterExit=yes" \
	"ExecStart=$tmp/p/libexec/pmtufix/pmtufix-boot start" \
	"ExecReload=$tmp/p/libexec/pmtufix/pmtufix-boot reload" \
	"WantedBy=sysinit.target")" "$(grep -E '^(Default|Wants|After|Before|Conflicts|Type|Remain|Exec|WantedBy)' "$u")"
check "pmtufix-derive.service: after the tables and the network" same "$(printf '%s\n' \
	"Wants=pmtufix.service network-online.target" \
	"After=pmtufix.service network-online.target" \
	"Type=oneshot" "RemainAfterExit=yes" \
	"ExecStart=$tmp/p/libexec/pmtufix/pmtufix-boot derive" \
	"ExecReload=$tmp/p/libexec/pmtufix/pmtufix-boot derive" \
	"WantedBy=multi-user.target")" \
	"$(grep -E '^(Wants|After|Type|Remain|Exec|WantedBy)' "$units/pmtufix-derive.service")"
check "the timer: every 15 s" grep -qx "OnUnitActiveSec=15s" "$units/pmtufix-metrics.timer"

summary units
