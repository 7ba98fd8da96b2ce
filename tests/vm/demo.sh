#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: the LVS-Tun incident, replayed in QEMU and told in plain
# words.  Runs tests/vm/run.sh for one kernel and the one scenario
# tests/netns/lvs_tun.sh, and shows what the scenario reports as it goes
# (its TAP comments) without the TAP framing and the kernel's console.
# The exit status is run.sh's: 0 only if the scenario passed, the module
# unloaded and the kernel logged nothing bad.
#
# Usage: tests/vm/demo.sh [-k 6.1|6.12]   (default 6.12)

set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
scenario=$top/tests/netns/lvs_tun.sh
kernel=6.12

while getopts k:h opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	*) sed -n 's/^# \{0,1\}//; /^Usage:/p' "$0" >&2; exit 2 ;;
	esac
done

cat <<'EOF'
PMTUFIX demo: the LVS-Tun incident

A service at 192.0.2.10 sits behind an IPVS director in tunnel mode
(LVS-Tun): the director wraps each request in IPIP, 20 bytes more, toward
a real server, which answers the client directly.  Clients could connect
and send small requests, but any request larger than one segment hung:
their 1500-byte packets became 1520 bytes in IPIP, too big for the
director's 1500-byte link, and the director's ICMP "fragmentation needed"
(MTU 1480) never reached them, their firewalls dropping it.

PMTUFIX on the router in front of the director, with a one-line table,

    192.0.2.10/32 ipip

lowers the MSS of the SYN toward 192.0.2.10 and of the SYN-ACK from it to
1440, so that the client's packets fit the tunnel.  The network, built
from namespaces inside a VM:

EOF
# The topology, from the scenario's own header; "($c)" and the like are
# the shell variables that hold the namespaces' names.
sed -n '/^#   client (\$c)/,/^#   answer:/ { s/^#//; s/(\$[a-z])/    /g; s/ *$//; p }' \
	"$scenario"
cat <<EOF

Building the module, then booting Debian's $kernel kernel in QEMU (software
emulation: a minute or two, more the first time, when the kernel is
downloaded)...

EOF

booted=0
verdict=0
complaint='WARNING:|BUG:|Oops|Kernel panic|Slab cache still has objects|general protection fault|UBSAN:|KASAN:'

# What run.sh prints, made readable: before the boot everything (package
# installation, build errors), then only the scenario's comments, its
# verdict and run.sh's own lines.  stdbuf: run.sh passes the console
# through tr, which would otherwise hold it back in 4 KiB blocks.
stdbuf -oL "$top/tests/vm/run.sh" -k "$kernel" -t lvs_tun 2>&1 |
while IFS= read -r line; do
	case $line in
	"vm: booting "*)
		booted=1
		echo "$line" ;;
	"#   "*)
		echo "  ${line#\#   }" ;;
	"# kernel "*)
		printf '%s\n\n' "${line#\# }, booted" ;;
	"# lvs_tun: "*)
		echo "  (the scenario took ${line#\# lvs_tun: })" ;;
	"ok "*)
		printf '\nPASS: %s\n' "${line#*: }" ;;
	"not ok "*)
		printf '\nFAIL: %s\n' "${line#*- }" ;;
	"PMTUFIX-VM: initramfs")
		;;
	"PMTUFIX-VM: failure"*)
		echo "$line" ;;
	vm:*)
		if [ "$booted" = 1 ] && [ "$verdict" = 0 ]; then
			echo
			verdict=1
		fi
		echo "$line" ;;
	"["*)
		[[ $line =~ $complaint ]] && echo "$line" ;;
	*)
		[ "$booted" = 0 ] && echo "$line" ;;
	esac
done
rc=${PIPESTATUS[0]}

echo
if [ "$rc" = 0 ]; then
	echo "Demo passed: without PMTUFIX the request stalled; with the one-line table it went through, MSS 1440."
else
	echo "Demo FAILED (exit $rc). The guest's whole console is in"
	echo "${PMTUFIX_BUILD:-$top/build}/vm/<kernel>/console.log."
fi
exit "$rc"
