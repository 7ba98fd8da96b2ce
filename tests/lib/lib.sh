# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the namespace scenarios of tests/netns/, in the manner of the
# kernel's net selftests.  Source it; then for each test:
#
#	test_foo() {
#		setup_ns c r s		# unique names in $c $r $s
#		...
#		check_eq "$want" "$got" "MSS of the SYN" || return 1
#	}
#	run_test "what foo shows" test_foo
#
# run_test runs the function in a subshell that removes its namespaces on
# exit, buffers what it prints and shows that only on failure (or always
# with PMTUFIX_VERBOSE=1, which also traces every command).  A test returns
# 0 to pass, $ksft_skip to skip, anything else to fail.

ksft_skip=4

PMTUFIX_TOP=${PMTUFIX_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PMTUFIX_RESULTS=${PMTUFIX_RESULTS:-/dev/null}
SCRIPT_NAME=$(basename "$0" .sh)
NS_LIST=()
tests_failed=0

# setup_ns NAME...: a namespace per NAME, its unique name in the variable
# NAME, with loopback up and IPv6 duplicate address detection off.  One
# `ip -batch' for all of them: under emulation, starting a process is what
# costs most.
setup_ns() {
	local name lines

	ns_lines "$@"
	lines=$TOPO_NS
	for name in "$@"; do
		lines+="netns exec ${!name} ip link set lo up"$'\n'
	done
	ip -batch - <<<"$lines"
}

# ns_lines NAME...: setup_ns's part before loopback: stores the unique
# names and puts into TOPO_NS the `ip -batch' lines that create the
# namespaces.
ns_lines() {
	local name ns suffix

	TOPO_NS=''
	for name in "$@"; do
		printf -v suffix '%04x%04x' $RANDOM $RANDOM
		ns=$name-$suffix
		NS_LIST+=("$ns")
		printf -v "$name" '%s' "$ns"
		TOPO_NS+="netns add $ns"$'\n'
	done
	for name in "$@"; do
		TOPO_NS+="netns exec ${!name} sysctl -qw"
		TOPO_NS+=" net.ipv6.conf.all.accept_dad=0"
		TOPO_NS+=" net.ipv6.conf.default.accept_dad=0"$'\n'
	done
}

# cleanup_ns [PID...]: kills PID... and what runs in the namespaces of
# NS_LIST, and deletes them.
cleanup_ns() {
	[ $# -eq 0 ] || kill "$@" 2>/dev/null
	[ ${#NS_LIST[@]} -eq 0 ] && return 0
	printf 'netns pids %s\n' "${NS_LIST[@]}" | ip -force -batch - 2>/dev/null |
		xargs -r kill 2>/dev/null
	printf 'netns del %s\n' "${NS_LIST[@]}" | ip -force -batch - 2>/dev/null
	NS_LIST=()
}

err() {
	echo "FAIL: $*" >&2
}

# info MESSAGE: what a test measured; shown as a TAP comment whether the
# test passes or not.
info() {
	{ echo "#   $*" >&3; } 2>/dev/null
	echo "$*"
}

# check_eq WANT GOT WHAT
check_eq() {
	[ "$1" = "$2" ] && return 0
	err "$3: expected '$1', got '$2'"
	return 1
}

# check_refused WHAT PATTERN STATUS OUTPUT: a command was refused: its exit
# STATUS is not 0 and its OUTPUT matches PATTERN (grep -i).
check_refused() {
	[ "$3" -ne 0 ] || {
		err "$1: accepted"
		return 1
	}
	grep -qi -- "$2" <<<"$4" || {
		err "$1: exit $3, message '$4' lacks '$2'"
		return 1
	}
}

# ms: the time in milliseconds, for what a scenario measures.
ms() { date +%s%3N; }

# build NAME: tests/lib/NAME.c into $TMP/NAME.
build() {
	cc -O2 -Wall -I"$PMTUFIX_TOP/include/uapi" -o "$TMP/$1" \
		"$PMTUFIX_TOP/tests/lib/$1.c"
}

# neigh_known NS ADDR: NS knows the link-layer address of ADDR.
neigh_known() {
	ip -n "$1" neigh show "$2" | grep -q lladdr
}

# busywait TIMEOUT_MS CMD...: poll CMD until it succeeds or time runs out.
busywait() {
	local timeout_ms=$1 start now

	shift
	start=$(date +%s%3N)
	while true; do
		"$@" && return 0
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return 1
		sleep 0.05
	done
}

# listening NS PORT: a TCP socket listens on PORT in NS.
listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

# require_cmd CMD...: skip the test when a command is missing.
require_cmd() {
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null && continue
		echo "$c not available"
		return $ksft_skip
	done
}

run_test() {
	local name=$1 log rc n

	shift
	log=$(mktemp)
	(
		trap cleanup_ns EXIT
		[ -n "${PMTUFIX_VERBOSE:-}" ] && set -x
		"$@"
	) 3>&1 >"$log" 2>&1
	rc=$?
	n=$(($(wc -l <"$PMTUFIX_RESULTS") + 1))
	case $rc in
	0)
		echo "ok $n - $SCRIPT_NAME: $name"
		echo pass >>"$PMTUFIX_RESULTS"
		;;
	"$ksft_skip")
		echo "ok $n - $SCRIPT_NAME: $name # SKIP $(tail -n 1 "$log")"
		echo skip >>"$PMTUFIX_RESULTS"
		;;
	*)
		echo "not ok $n - $SCRIPT_NAME: $name"
		echo fail >>"$PMTUFIX_RESULTS"
		tests_failed=1
		;;
	esac
	if [ $rc -ne 0 ] && [ $rc -ne "$ksft_skip" ] ||
	   [ -n "${PMTUFIX_VERBOSE:-}" ]; then
		sed 's/^/#   /' "$log"
	fi
	rm -f "$log"
	return 0
}

# The test file's exit status: 1 if any test failed.
exit_status() {
	return $tests_failed
}

# topo: builds the topology its standard input declares, in the manner of
# the tables of the kernel's pmtu.sh.  One statement a line, `#' starts a
# comment; NS is a name given to `ns', whose variable holds the real name:
#
#   ns NAME...                  namespaces, as setup_ns
#   veth NS1 DEV1 NS2 DEV2 [MTU]
#                               a veth pair, both ends up
#   addr NS DEV ADDR/LEN...     addresses, IPv4 or IPv6 (nodad)
#   route NS DEST GW...         a route to DEST via each GW; DEST "default"
#                               is 0.0.0.0/0 or ::/0 after the GW's family
#   fwd NS...                   IPv4 and IPv6 forwarding on
#   sysctl NS NAME=VALUE...     set in NS (after the links exist)
#   ip NS ARGS...               any other `ip -batch' line for NS, in turn
#
# The namespaces, links and sysctls come from one `ip -batch', then each
# namespace's addresses, routes and `ip' lines from one `ip -n NS -batch',
# in the order of `ns': under emulation, starting a process is what costs
# most.
topo() {
	local t_word t_ns t_ns2 t_dev t_dev2 t_mtu t_dest t_gw t_a t_rest
	local t_lines='' t_links='' t_sysctls=''
	local -a t_order=()
	local -A t_batch=() t_sysv=()

	# Names of their own: ns_lines sets the caller's variables.
	while read -r t_word t_ns t_rest; do
		case $t_word in
		'' | '#'*) continue ;;
		ns)	# shellcheck disable=SC2086
			ns_lines $t_ns $t_rest
			t_lines+=$TOPO_NS
			for t_a in $t_ns $t_rest; do
				t_order+=("$t_a")
				t_batch[$t_a]="link set lo up"$'\n'
			done
			continue ;;
		esac
		[ -n "${t_batch[$t_ns]+set}" ] || {
			err "topo: $t_word: no namespace '$t_ns'"
			return 1
		}
		case $t_word in
		veth)	read -r t_dev t_ns2 t_dev2 t_mtu <<<"$t_rest"
			t_mtu=${t_mtu:+mtu $t_mtu}
			t_links+="link add $t_dev netns ${!t_ns} $t_mtu type veth"
			t_links+=" peer name $t_dev2 netns ${!t_ns2} $t_mtu"$'\n'
			t_batch[$t_ns]+="link set $t_dev up"$'\n'
			t_batch[$t_ns2]+="link set $t_dev2 up"$'\n' ;;
		addr)	read -r t_dev t_rest <<<"$t_rest"
			for t_a in $t_rest; do
				t_batch[$t_ns]+="addr add $t_a dev $t_dev"
				[[ $t_a == *:* ]] && t_batch[$t_ns]+=" nodad"
				t_batch[$t_ns]+=$'\n'
			done ;;
		route)	read -r t_dest t_rest <<<"$t_rest"
			for t_gw in $t_rest; do
				t_a=$t_dest
				[ "$t_a" = default ] && t_a=0.0.0.0/0
				[[ $t_a == 0.0.0.0/0 && $t_gw == *:* ]] && t_a=::/0
				t_batch[$t_ns]+="route add $t_a via $t_gw"$'\n'
			done ;;
		fwd)	for t_a in $t_ns $t_rest; do
				t_sysv[$t_a]+=" net.ipv4.ip_forward=1"
				t_sysv[$t_a]+=" net.ipv6.conf.all.forwarding=1"
			done ;;
		sysctl)	t_sysv[$t_ns]+=" $t_rest" ;;
		ip)	t_batch[$t_ns]+="$t_rest"$'\n' ;;
		*)	err "topo: unknown statement '$t_word'"
			return 1 ;;
		esac
	done
	for t_ns in "${t_order[@]}"; do
		[ -z "${t_sysv[$t_ns]:-}" ] ||
			t_sysctls+="netns exec ${!t_ns} sysctl -qw${t_sysv[$t_ns]}"$'\n'
	done
	ip -batch - <<<"$t_lines$t_links$t_sysctls" || {
		err "topo: namespaces, links or sysctls refused"
		return 1
	}
	for t_ns in "${t_order[@]}"; do
		ip -n "${!t_ns}" -batch - <<<"${t_batch[$t_ns]}" || {
			err "topo: the lines of $t_ns refused"
			return 1
		}
	done
}

# spec_crs [CLIENT ROUTER SERVER [CLIENT_MTU [SERVER_MTU]]]: for topo, the
# topology most scenarios share; the names are c r s and the link MTUs
# 1500 unless given.
#
#   client ($c)               router ($r)                server ($s)
#   veth0 -------------------- veth0    veth1 ---------------- veth0
#   10.0.1.2/24          10.0.1.1/24    10.0.2.1/24          10.0.2.2/24
#   fd00:1::2/64          fd00:1::1/64  fd00:2::1/64          fd00:2::2/64
spec_crs() {
	local c=${1:-c} r=${2:-r} s=${3:-s} spec

	read -r -d '' spec <<-EOF
	ns	$c $r $s
	veth	$c veth0	$r veth0	${4:-1500}
	veth	$r veth1	$s veth0	${5:-1500}
	addr	$c veth0	10.0.1.2/24 fd00:1::2/64
	addr	$r veth0	10.0.1.1/24 fd00:1::1/64
	addr	$r veth1	10.0.2.1/24 fd00:2::1/64
	addr	$s veth0	10.0.2.2/24 fd00:2::2/64
	route	$c default	10.0.1.1 fd00:1::1
	route	$s default	10.0.2.1 fd00:2::1
	fwd	$r
	EOF
	echo "$spec"
}

# topo_crs [CLIENT_MTU [SERVER_MTU]]: that topology.
topo_crs() {
	topo <<<"$(spec_crs c r s "$@")"
}

# pytool [-n NS] TOOL ARGS...: runs the Python tool TOOL of
# tests/lib/nettest (see its __init__.py), in NS if given.
pytool() {
	local in_ns=()

	if [ "$1" = -n ]; then
		in_ns=(ip netns exec "$2")
		shift 2
	fi
	PYTHONPATH=$PMTUFIX_TOP/tests/lib${PYTHONPATH:+:$PYTHONPATH} \
	PYTHONDONTWRITEBYTECODE=1 "${in_ns[@]}" python3 -m "nettest.$1" "${@:2}"
}

# probe_start [--echo] [--reset] [--port PORT] CLIENT_NS[:IF]
# SERVER_NS[:IF] [WIRE_NS[:IF]]: starts the probe (tests/lib/nettest/probe.py), which
# serves in SERVER_NS and captures on the interfaces given; probe_run,
# probe_cmd and probe then talk to it without starting a process each
# time.
probe_start() {
	local line

	coproc PROBE { pytool probe "$@" 2>&1; }
	read -r -t 60 line <&"${PROBE[0]}"
	[ "$line" = ready ] || {
		err "the probe did not start: $line"
		return 1
	}
}

# probe_stop: ends the probe, if it runs.
probe_stop() {
	[ -n "${PROBE_PID:-}" ] || return 0
	{ echo quit >&"${PROBE[1]}"; } 2>/dev/null
	wait "$PROBE_PID" 2>/dev/null
	return 0
}

# probe_run SECONDS BYTES TARGET...: connections to every TARGET at once;
# PROBE_LINES gets the probe's answer line for each TARGET, in order.
probe_run() {
	local secs=${1%.*} n=$(($# - 2)) line

	echo "run $*" >&"${PROBE[1]}"
	PROBE_LINES=()
	while [ ${#PROBE_LINES[@]} -lt $n ]; do
		read -r -t $((secs + 90)) line <&"${PROBE[0]}" || {
			err "the probe gave no answer to run $*"
			return 1
		}
		PROBE_LINES+=("$line")
	done
}

# probe_cmd CMD...: one other command (mtu, encap); its answer in
# PROBE_LINE.
probe_cmd() {
	echo "$*" >&"${PROBE[1]}"
	read -r -t 60 PROBE_LINE <&"${PROBE[0]}" || {
		err "the probe gave no answer to $*"
		return 1
	}
	case $PROBE_LINE in
	fail*) err "probe $*: $PROBE_LINE"; return 1 ;;
	esac
}

# probe_field LINE [VAR=]KEY...: sets VAR (by default KEY) to the value of
# KEY in the answer LINE of probe_run; the key "status" is its first word.
probe_field() {
	local _pf_arg _pf_word _pf_words

	read -r -a _pf_words <<<"$1"
	shift
	for _pf_arg in "$@"; do
		printf -v "${_pf_arg%%=*}" '%s' ''
		[ "${_pf_arg#*=}" = status ] &&
			printf -v "${_pf_arg%%=*}" '%s' "${_pf_words[0]}"
		for _pf_word in "${_pf_words[@]:1}"; do
			[ "${_pf_word%%=*}" = "${_pf_arg#*=}" ] &&
				printf -v "${_pf_arg%%=*}" '%s' "${_pf_word#*=}"
		done
	done
}

# probe ADDR [BYTES]: one connection from the client to ADDR, sending
# BYTES; sets PROBE_SYN and PROBE_SYNACK (the MSS of the SYN at the server
# and of the SYN-ACK at the client) and PROBE_CSUM (true if their checksums
# were right).
probe() {
	local status

	probe_run 10 "${2:-0}" "$1" || return 1
	probe_field "${PROBE_LINES[0]}" status PROBE_SYN=syn \
		PROBE_SYNACK=synack PROBE_CSUM=csum
	[ "$status" = ok ] || {
		err "connection to $1: ${PROBE_LINES[0]}"
		return 1
	}
}

# capture_start NS IFACE FILE FILTER: records what arrives on IFACE in NS
# and matches the tcpdump FILTER into the pcap FILE, until capture_stop
# FILE; capture_list FILE then prints one JSON object per SYN or SYN-ACK
# (see pytool pcap list).
capture_start() {
	local ns=$1 ifc=$2 file=$3 filter=$4

	# Immediate mode: packets are handed over as they come, not a ring
	# block at a time, so none are still in the ring at capture_stop.
	ip netns exec "$ns" tcpdump -i "$ifc" -Q in -U --immediate-mode \
		-s 256 -w "$file" "$filter" 2>"$file.err" &
	echo $! >"$file.pid"
	busywait 30000 grep -q "listening on" "$file.err" || {
		err "capture on $ifc did not start: $(cat "$file.err")"
		return 1
	}
}

capture_stop() {
	local file=$1

	# Packets still on their way through the namespaces get there.
	sleep 0.3
	kill -INT "$(cat "$file.pid")" 2>/dev/null
	wait "$(cat "$file.pid")" 2>/dev/null
	grep -q "^0 packets dropped by kernel" "$file.err" || {
		err "the capture into $file lost packets: $(cat "$file.err")"
		return 1
	}
	rm -f "$file.pid" "$file.err"
}

capture_list() {
	pytool pcap list --json "$1"
}

# stat_of TABLE COUNTER [NS]: one counter of a table, from pmtufix stats.
stat_of() {
	local ns=${3:-}

	if [ -n "$ns" ]; then
		ip netns exec "$ns" pmtufix stats "$1" --json | jq -r ".$2"
	else
		pmtufix stats "$1" --json | jq -r ".$2"
	fi
}
