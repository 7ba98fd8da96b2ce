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

# setup_ns NAME...: create a namespace per NAME, with loopback up, and store
# its unique name in the variable NAME.
setup_ns() {
	local name ns

	for name in "$@"; do
		ns="$name-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
		NS_LIST+=("$ns")
		eval "$name=$ns"
	done
}

cleanup_ns() {
	local ns

	for ns in "${NS_LIST[@]}"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
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

# Topology shared by most scenarios:
#
#   client ($c)               router ($r)                server ($s)
#   veth0 -------------------- veth0    veth1 ---------------- veth0
#   10.0.1.2/24          10.0.1.1/24    10.0.2.1/24          10.0.2.2/24
#   fd00:1::2/64          fd00:1::1/64  fd00:2::1/64          fd00:2::2/64
#
# The link MTUs are 1500 unless given: topo_crs [CLIENT_MTU [SERVER_MTU]].
topo_crs() {
	local mtu_c=${1:-1500} mtu_s=${2:-1500}

	setup_ns c r s || return 1
	ip link add veth0 netns "$c" mtu "$mtu_c" type veth \
		peer name veth0 netns "$r" mtu "$mtu_c" || return 1
	ip link add veth1 netns "$r" mtu "$mtu_s" type veth \
		peer name veth0 netns "$s" mtu "$mtu_s" || return 1

	ip -n "$c" addr add 10.0.1.2/24 dev veth0
	ip -n "$c" addr add fd00:1::2/64 dev veth0 nodad
	ip -n "$r" addr add 10.0.1.1/24 dev veth0
	ip -n "$r" addr add fd00:1::1/64 dev veth0 nodad
	ip -n "$r" addr add 10.0.2.1/24 dev veth1
	ip -n "$r" addr add fd00:2::1/64 dev veth1 nodad
	ip -n "$s" addr add 10.0.2.2/24 dev veth0
	ip -n "$s" addr add fd00:2::2/64 dev veth0 nodad
	for ns in "$c" "$r" "$s"; do
		ip -n "$ns" link set veth0 up
	done
	ip -n "$r" link set veth1 up
	ip -n "$c" route add default via 10.0.1.1
	ip -n "$c" -6 route add default via fd00:1::1
	ip -n "$s" route add default via 10.0.2.1
	ip -n "$s" -6 route add default via fd00:2::1
	ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
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
