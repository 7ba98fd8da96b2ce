#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The machine tests/vm/run.sh -m systemd boots: systemd is PID 1, reached
# pmtufix-vm.target with nothing failed and nothing of what the host
# enabled, the journal takes messages, and the kernel's modules load.

source "$(dirname "$0")/../lib/lib.sh"

test_systemd() {
	local exe state unit

	exe=$(readlink /proc/1/exe)
	check_eq systemd "${exe##*/}" "PID 1" || return 1
	# The target comes up right after basic.target, beside this test.
	busywait 10000 systemctl -q is-active pmtufix-vm.target
	check_eq active "$(systemctl is-active pmtufix-vm.target)" \
		"pmtufix-vm.target" || return 1
	state=$(systemctl list-units --failed --plain --no-legend)
	check_eq "" "$state" "failed units" || return 1
	# The one job left: this test's own unit, still starting.
	state=$(systemctl list-jobs --plain --no-legend | awk '{ print $2 }')
	check_eq pmtufix-vm.service "$state" "the units still starting" ||
		return 1
	for unit in postgresql.service prometheus.service apt-daily.timer; do
		state=$(systemctl is-active "$unit")
		check_eq inactive "$state" "$unit, which the host enabled" ||
			return 1
	done
	info "$(systemd-analyze time | head -n 1)"
}

test_journal() {
	local word=pmtufix-vm-$RANDOM

	logger -t pmtufix-vm "$word" || return 1
	busywait 10000 eval 'journalctl -q -t pmtufix-vm -o cat | grep -qx "$word"' || {
		err "the journal did not get '$word'"
		return 1
	}
}

test_modprobe() {
	modprobe xt_PMTUFIX || return 1
	check_eq 1 "$(lsmod | grep -c '^xt_PMTUFIX ')" "xt_PMTUFIX loaded" ||
		return 1
	rmmod xt_PMTUFIX
}

run_test "systemd is PID 1 and reached pmtufix-vm.target alone" test_systemd
run_test "the journal takes messages" test_journal
run_test "modprobe loads xt_PMTUFIX from /lib/modules" test_modprobe
exit_status
