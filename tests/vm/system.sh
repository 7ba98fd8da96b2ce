#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The scenarios of tests/system/ on a machine that systemd booted: started
# by pmtufix-vm.service (tests/vm/systemd/) in the VM of tests/vm/run.sh
# -m systemd, on an overlay of the host's root.  Prints "PMTUFIX-VM:
# success" only if they passed, the module unloads and the kernel logged
# nothing bad; the unit then powers the machine off.  The scenarios use
# what the packages install, not this checkout's builds.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1

arg() {
	sed -n "s/.*pmtufix_vm\.$1=\([^ ]*\).*/\1/p" /proc/cmdline
}

top=$(arg top)
reasons=()
# shellcheck source=tests/vm/finish.sh
source "$top/tests/vm/finish.sh"

PMTUFIX_VM_BUILD=$(arg build)
PMTUFIX_BREAK=$(arg break)
export PMTUFIX_TOP=$top PMTUFIX_VM_BUILD PMTUFIX_BREAK
[ "$(arg verbose)" = 1 ] && export PMTUFIX_VERBOSE=1

echo "# kernel $(uname -r), $(nproc) CPUs, $(systemctl --version | head -n 1)"
echo "# $(systemctl is-system-running) after $(cut -d ' ' -f 1 /proc/uptime) s"

"$top/tests/vm/suite.sh" -d "$top/tests/system" "$(arg pattern)" ||
	reasons+=("tests failed")

unload_module
scan_dmesg
verdict
