#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages on a machine systemd booted (tests/vm/run.sh -m
# systemd): installed with dpkg, the module installed by DKMS, two tables
# loaded by pmtufix.service before netfilter-persistent restores the rules
# that use them, the same state after a reboot's worth of stop and start,
# a reload that swaps a table while SYNs flow, and a table derived from
# this machine's tunnels by pmtufix-derive.service, its drift in the
# metrics.
#
#   client ($c)              this machine (the router)              server ($s)
#   veth0 ------------------ pfx-c                  pfx-s ------------- veth0
#   10.0.1.2/24     10.0.1.1/24 fd00:1::1/64  10.0.2.1/24 fd00:2::1/64     10.0.2.2/24
#   fd00:1::2/64    mangle FORWARD (/etc/iptables/rules.v4, rules.v6):    fd00:2::2/64
#                     -o pfx-s -j PMTUFIX --table-name edge   (SYNs)
#                     -o pfx-c -j PMTUFIX --table-name core   (SYN-ACKs)
#
# PMTUFIX_BREAK (pmtufix_vm.break= on the kernel command line, words
# joined by commas) breaks what a test checks, to see that it fails:
# "order" drops the unit's ordering before netfilter-persistent.service
# (and its alias iptables.service),
# "reload" makes the reload flush the table before loading it.

source "$(dirname "$0")/../lib/lib.sh"

version=$(cat "$PMTUFIX_TOP/VERSION")
abi=$(uname -r)
build=${PMTUFIX_VM_BUILD:?the build directory of tests/vm/run.sh}
conf=/etc/pmtufix

# The MSS each table gives, from the MTUs below: 40 bytes of headers over
# IPv4, 60 over IPv6.
EDGE4=1360 EDGE6=1340 CORE4=1380 CORE6=1360
NEW4=1260 NEW6=1240

write_config() {
	mkdir -p "$conf" /etc/iptables
	printf '%s\n' "# toward the servers" "10.0.2.0/24 mtu ${1:-1400}" \
		"fd00:2::/64 mtu ${1:-1400}" >"$conf/edge.conf"
	printf '%s\n' "# toward the clients" "10.0.1.0/24 mtu 1420" \
		"fd00:1::/64 mtu 1420" "192.0.2.0/24 ipip" >"$conf/core.conf"
	cat >/etc/iptables/rules.v4 <<-EOF
	*mangle
	:PREROUTING ACCEPT [0:0]
	:INPUT ACCEPT [0:0]
	:FORWARD ACCEPT [0:0]
	:OUTPUT ACCEPT [0:0]
	:POSTROUTING ACCEPT [0:0]
	-A FORWARD -o pfx-s -p tcp -j PMTUFIX --table-name edge
	-A FORWARD -o pfx-c -p tcp -j PMTUFIX --table-name core
	COMMIT
	EOF
	cp /etc/iptables/rules.v4 /etc/iptables/rules.v6
}

# The client and the server, routed through this machine.
topo_router() {
	setup_ns c s || return 1
	ip -batch - <<-EOF || return 1
	link add pfx-c type veth peer name veth0 netns $c
	link add pfx-s type veth peer name veth0 netns $s
	addr add 10.0.1.1/24 dev pfx-c
	addr add fd00:1::1/64 dev pfx-c nodad
	addr add 10.0.2.1/24 dev pfx-s
	addr add fd00:2::1/64 dev pfx-s nodad
	link set pfx-c up
	link set pfx-s up
	EOF
	ip -n "$c" -batch - <<-EOF || return 1
	addr add 10.0.1.2/24 dev veth0
	addr add fd00:1::2/64 dev veth0 nodad
	link set veth0 up
	route add default via 10.0.1.1
	route add default via fd00:1::1
	EOF
	ip -n "$s" -batch - <<-EOF || return 1
	addr add 10.0.2.2/24 dev veth0
	addr add fd00:2::2/64 dev veth0 nodad
	link set veth0 up
	route add default via 10.0.2.1
	route add default via fd00:2::1
	EOF
	sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# expect_mss SYN4 SYNACK4 SYN6 SYNACK6: one connection of each family
# through this machine; the MSS of the SYN at the server and of the
# SYN-ACK at the client.
expect_mss() {
	probe_start "$c:veth0" "$s:veth0" || return 1
	probe 10.0.2.2 || return 1
	check_eq "$1/$2" "$PROBE_SYN/$PROBE_SYNACK" "IPv4 SYN/SYN-ACK MSS" ||
		return 1
	probe fd00:2::2 || return 1
	check_eq "$3/$4" "$PROBE_SYN/$PROBE_SYNACK" "IPv6 SYN/SYN-ACK MSS" ||
		return 1
	probe_stop
}

# boot_units: both units started by one transaction, as a boot starts them
# (sysinit.target pulls pmtufix.service in, multi-user.target
# netfilter-persistent.service): a target that wants both.  `systemctl
# start A B' would not do: each unit is a transaction of its own, and the
# first starts before the second is even queued.  The tables must be loaded
# before the rules are restored.
boot_units() {
	local loaded restoring

	printf '%s\n' '[Unit]' 'Description=pmtufix and the firewall, as at boot' \
		'Wants=netfilter-persistent.service pmtufix.service' \
		'After=netfilter-persistent.service pmtufix.service' \
		>/run/systemd/system/pmtufix-boot-test.target
	systemctl daemon-reload
	systemctl start pmtufix-boot-test.target || {
		journalctl -b -q --no-pager -u pmtufix -u netfilter-persistent
		return 1
	}
	loaded=$(systemctl show -P ActiveEnterTimestampMonotonic pmtufix.service)
	restoring=$(systemctl show -P InactiveExitTimestampMonotonic \
		netfilter-persistent.service)
	[ "$loaded" -gt 0 ] && [ "$loaded" -le "$restoring" ] || {
		err "netfilter-persistent started at ${restoring} us, before pmtufix.service had loaded the tables (${loaded} us)"
		return 1
	}
	info "tables loaded $(((restoring - loaded) / 1000)) ms before netfilter-persistent started"
}

# The state a boot leaves: the tables, their entries, the rules.
state() {
	pmtufix table save || return 1
	for t in edge core; do
		pmtufix table show "$t" -j | jq -S -c \
			'walk(if type == "object" then del(.hits, .clamped) else . end)' ||
			return 1
	done
	for ipt in iptables-save ip6tables-save; do
		$ipt -t mangle | sed '/^#/d; s/ \[[0-9]*:[0-9]*\]$//'
	done
}

test_install() {
	local mod status start=$SECONDS

	# A machine without the headers: DKMS installs the module it built on
	# the host (tests/vm/run.sh, dkms build) instead of building one here.
	# The module tests/vm/run.sh built goes (dkms install runs depmod).
	rm -f /lib/modules/*/build "/lib/modules/$abi/updates/xt_PMTUFIX.ko"
	# man-db's trigger would index every page under emulation.
	rm -f /var/lib/man-db/auto-update
	DEBIAN_FRONTEND=noninteractive dpkg -i \
		"$build/debs/pmtufix_${version}_amd64.deb" \
		"$build/debs/pmtufix-dkms_${version}_all.deb" || return 1
	info "dpkg -i: $((SECONDS - start)) s"
	cp -a "$build/dkms/tree/pmtufix/$version/$abi" \
		"/var/lib/dkms/pmtufix/$version/" || return 1
	dkms install -m pmtufix -v "$version" -k "$abi" || return 1
	info "dkms install: $((SECONDS - start)) s"
	status=$(dkms status -m pmtufix -v "$version" -k "$abi")
	check_eq "pmtufix/$version, $abi, x86_64: installed" "$status" \
		"dkms status" || return 1
	mod=$(modinfo -n xt_PMTUFIX)
	check_eq "/lib/modules/$abi/updates/dkms/xt_PMTUFIX.ko" "${mod%.xz}" \
		"the module modprobe finds" || return 1
	check_eq /usr/sbin/pmtufix "$(command -v pmtufix)" "pmtufix" ||
		return 1
	check_eq enabled "$(systemctl is-enabled pmtufix.service)" \
		"pmtufix.service" || return 1

	case ,${PMTUFIX_BREAK:-}, in
	*,order,*)
		# iptables.service is an alias of netfilter-persistent.service.
		sed -E '/^Before=/s/ (netfilter-persistent|ip6?tables)\.service//g' \
			/lib/systemd/system/pmtufix.service \
			>/etc/systemd/system/pmtufix.service ;;&
	*,reload,*)
		mkdir -p /etc/systemd/system/pmtufix.service.d
		printf '%s\n' '#!/bin/sh' 'pmtufix table flush edge' 'sleep 1' \
			'pmtufix table load edge /etc/pmtufix/edge.conf' \
			>/etc/pmtufix-reload
		chmod +x /etc/pmtufix-reload
		printf '%s\n' '[Service]' 'ExecReload=' \
			'ExecReload=/etc/pmtufix-reload' \
			>/etc/systemd/system/pmtufix.service.d/break.conf ;;
	esac
	systemctl daemon-reload
}

test_boot_order() {
	local n

	topo_router || return 1
	write_config
	boot_units || return 1
	check_eq active "$(systemctl is-active pmtufix.service)" \
		pmtufix.service || return 1
	n=$(pmtufix table list -j | jq -c '[.[] | {(.table): .rules}] | add')
	check_eq '{"core":2,"edge":2}' "$n" "rules using each table" ||
		return 1
	n=$(pmtufix table show edge -j | jq '.entries | length')
	check_eq 2 "$n" "entries of edge" || return 1
	expect_mss $EDGE4 $CORE4 $EDGE6 $CORE6
}

test_reboot() {
	local before after t

	topo_router || return 1
	before=$(state) || return 1
	systemctl stop netfilter-persistent.service pmtufix.service || return 1
	# What a reboot clears.
	for t in iptables ip6tables; do
		$t -t mangle -F || return 1
	done
	pmtufix table destroy edge && pmtufix table destroy core || return 1
	rmmod xt_PMTUFIX || return 1
	boot_units || return 1
	after=$(state) || return 1
	check_eq "$before" "$after" "tables and rules after the restart" ||
		return 1
	expect_mss $EDGE4 $CORE4 $EDGE6 $CORE6
}

test_reload() {
	local conns failed syns bad seq server

	topo_router || return 1
	for ns in "$c" "$s"; do
		ip netns exec "$ns" ethtool -K veth0 tx off >/dev/null
	done
	pytool -n "$s" churn serve 8000 &
	server=$!
	busywait 10000 listening "$s" 8000 || return 1
	capture_start "$s" veth0 "$TMP/cap" \
		"tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn" || return 1
	pytool -n "$c" churn connect 10.0.2.2 8000 "$TMP/stop" >"$TMP/churn" &
	local churn=$!

	sleep 3
	write_config 1300
	systemctl reload pmtufix.service || {
		err "systemctl reload pmtufix failed"
		touch "$TMP/stop"
		return 1
	}
	sleep 3
	touch "$TMP/stop"
	wait $churn
	capture_stop "$TMP/cap" || return 1
	capture_list "$TMP/cap" >"$TMP/syn.json" || return 1

	read -r conns failed <"$TMP/churn"
	syns=$(jq -s 'length' "$TMP/syn.json")
	# The MSS of the SYNs in the order they came, runs of one value
	# joined: the old table's, then the new one's, nothing else.
	seq=$(jq -s -r '[.[].mss[0]] | reduce .[] as $m ([];
		if length > 0 and .[-1] == $m then . else . + [$m] end) |
		map(tostring) | join(" ")' "$TMP/syn.json")
	bad=$(jq -s -c --argjson a $EDGE4 --argjson b $NEW4 \
		'[.[] | select(.mss != [$a] and .mss != [$b])] | length' "$TMP/syn.json")
	info "$conns connections ($failed failed), $syns SYNs at the server, MSS $seq"
	check_eq 0 "$failed" "failed connections" || return 1
	check_eq "$conns" "$syns" "SYNs at the server (one per connection)" ||
		return 1
	check_eq 0 "$bad" "SYNs with another MSS than $EDGE4 or $NEW4" ||
		return 1
	check_eq "$EDGE4 $NEW4" "$seq" "the MSS of the SYNs in turn" ||
		return 1
	# The probe serves on the same port.
	kill $server
	ip netns pids "$s" | xargs -r kill
	busywait 10000 eval '! listening "$s" 8000' || return 1
	expect_mss $NEW4 $CORE4 $NEW6 $CORE6
}

# The drift pmtufix-metrics writes for table $1, kind $2.
drift_of() {
	local prom=/var/lib/prometheus/node-exporter/pmtufix.prom

	systemctl start pmtufix-metrics.service || return 1
	sed -n "s/^pmtufix_derive_drift{table=\"$1\",kind=\"$2\"} //p" "$prom"
}

test_derive() {
	local saved fails=0

	check_eq enabled "$(systemctl is-enabled pmtufix-derive.service)" \
		"pmtufix-derive.service" || return 1
	# The tunnel's remote is the server's address.
	topo_router || return 1
	ip -batch - <<-EOF || return 1
	link add pfx-g type gre local 10.0.2.1 remote 10.0.2.2 key 3
	link set pfx-g up
	route add 10.77.0.0/24 dev pfx-g
	EOF
	printf '%s\n' "# this router's tunnels" "--from tunnels" >"$conf/tun.derive"
	echo "10.99.0.0/16 pppoe" >"$conf/tun.conf"
	systemctl restart pmtufix-derive.service || {
		journalctl -b -q --no-pager -u pmtufix-derive
		return 1
	}
	saved=$(pmtufix table save tun | grep -v '^set') || return 1
	info "table tun, derived: ${saved//$'\n'/; }"
	check_eq "10.77.0.0/24 mtu 1500 gre key
10.99.0.0/16 pppoe" "$(grep -E '^10\.(77|99)\.' <<<"$saved")" \
		"the derived entry and the merged one" || fails=$((fails + 1))
	check_eq 0 "$(drift_of tun missing)" "drift after the derivation" ||
		fails=$((fails + 1))

	ip route add 10.78.0.0/24 dev pfx-g || return 1
	check_eq 1 "$(drift_of tun missing)" "drift after a tunnel route was added" ||
		fails=$((fails + 1))
	systemctl reload pmtufix-derive.service || return 1
	check_eq 0 "$(drift_of tun missing)" "drift after reload pmtufix-derive" ||
		fails=$((fails + 1))

	rm -f "$conf/tun.derive" "$conf/tun.conf"
	ip link del pfx-g
	pmtufix table destroy tun
	systemctl start pmtufix-metrics.service
	[ $fails -eq 0 ]
}

test_verify() {
	local out

	out=$(systemd-analyze verify /lib/systemd/system/pmtufix.service \
		/lib/systemd/system/pmtufix-derive.service \
		/lib/systemd/system/pmtufix-metrics.service \
		/lib/systemd/system/pmtufix-metrics.timer 2>&1)
	check_eq "" "$out" "systemd-analyze verify"
}

# timed TEST: the test, and how long it took under emulation.
timed() {
	local start=$SECONDS rc

	"$@"
	rc=$?
	info "$1: $((SECONDS - start)) s"
	return $rc
}

TMP=$(mktemp -d)
run_test "dpkg installs the packages, DKMS the module" timed test_install
run_test "pmtufix.service loads edge and core before netfilter-persistent restores the rules" timed test_boot_order
run_test "a stop and start of both units, as a reboot, gives the same state" timed test_reboot
run_test "systemctl reload pmtufix swaps a table while SYNs flow, none lost" timed test_reload
run_test "pmtufix-derive.service derives a table, the metrics show its drift" timed test_derive
run_test "systemd-analyze verify is clean on the units" timed test_verify
rm -rf "$TMP"
exit_status
