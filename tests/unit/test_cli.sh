#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The pmtufix command where there is no module (this host, any build
# machine): `overhead` works, usage errors exit 2, -j and --help mean the
# same anywhere, table names cannot start with `-', `table check' and
# `load --check' report every error of a file without a netlink socket,
# and every command that needs the module says it is not loaded, with
# exit status 1.  Then the
# netlink layer, built from the command's sources into a harness: the
# messages for errors the kernel does not explain, per-CPU counters spread
# over several attributes, and replies larger than the receive buffer
# (through the host's own generic netlink controller).

top=$(cd "$(dirname "$0")/../.." && pwd)
pmtufix=$top/userspace/pmtufix/pmtufix
checks=0
failures=0

# expect STATUS STDOUT STDERR CMD...: exact exit status and outputs ("*"
# for any).
expect() {
	local status=$1 out=$2 errout=$3 got_out got_err rc

	shift 3
	got_out=$("$@" 2>/tmp/pmtufix-cli.$$)
	rc=$?
	got_err=$(cat /tmp/pmtufix-cli.$$)
	rm -f /tmp/pmtufix-cli.$$
	checks=$((checks + 1))
	if [ "$rc" != "$status" ] ||
	   { [ "$out" != "*" ] && [ "$got_out" != "$out" ]; } ||
	   { [ "$errout" != "*" ] && [ "$got_err" != "$errout" ]; }; then
		failures=$((failures + 1))
		echo "not ok - ${*#"$pmtufix"}"
		echo "#   exit $rc (want $status)"
		echo "#   stdout: $got_out"
		echo "#   stderr: $got_err"
	fi
}

[ -x "$pmtufix" ] || make -s -C "$top/userspace" >/dev/null || exit 1

# The calculator, without the module or root: the inner MTU and MSS of
# `esp transport aes-gcm` over 1500 are worked out in clamp.sh's comments.
expect 0 '{"base_mtu":1500,"layers":"esp transport aes-gcm","mtu":{"ipv4":1466,"ipv6":1466},"mss":{"ipv4":1426,"ipv6":1406}}' "" \
	"$pmtufix" overhead --mtu 1500 --json esp transport aes-gcm
expect 0 '{"base_mtu":1500,"layers":"pppoe esp tunnel aes-cbc hmac-sha256 natt","mtu":{"ipv4":1422,"ipv6":1422},"mss":{"ipv4":1382,"ipv6":1362}}' "" \
	"$pmtufix" -j overhead pppoe esp tunnel aes-cbc hmac-sha256 natt
expect 0 "$(printf '%s\n' \
	"base MTU  1400" \
	"layers    ipip" \
	"            IPv4   IPv6" \
	"inner MTU   1380   1380" \
	"MSS         1340   1320")" "" "$pmtufix" overhead --mtu 1400 ipip
expect 2 "" "pmtufix overhead: unknown layer \`ipipx'" \
	"$pmtufix" overhead ipipx
expect 2 "" "pmtufix overhead: esp: cipher aes-cbc needs an integrity algorithm" \
	"$pmtufix" overhead esp tunnel aes-cbc
expect 2 "" "*" "$pmtufix" overhead --mtu 0 ipip

# pmtufix nft, without the module or root: nested prefixes become disjoint
# intervals, each with the MSS the module writes (10.0.0.0/8: 1400 - 40;
# 10.1.0.0/16: 1500 - 20 - 40; 10.1.2.0/24 under floor4 1400: 1400;
# 2001:db8::/32 behind ip6ip6 and its 8-byte option: 1500 - 48 - 60),
# neighbours of one MSS merged.
nft_in=$(printf '%s\n' "set floor4 1400" "10.0.0.0/8 mtu 1400" "10.1.0.0/16 ipip" \
	"10.1.2.0/24 mtu 1300" "10.200.0.0/16 mtu 1400" "2001:db8::/32 ip6ip6")
expect 0 "$(printf '%s\n' \
	"add element inet pmtufix mss4 { 10.0.0.0-10.0.255.255 : 1400, 10.1.0.0-10.1.1.255 : 1440, 10.1.2.0-10.1.2.255 : 1400, 10.1.3.0-10.1.255.255 : 1440, 10.2.0.0-10.255.255.255 : 1400 }" \
	"add element inet pmtufix mss6 { 2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff : 1392 }" \
	"# 5 IPv4 and 1 IPv6 intervals")" "" \
	sh -c "echo '$nft_in' | '$pmtufix' nft - | grep '^add\|intervals'"
expect 0 "$(printf '\t\ttcp flags & (syn | rst) == syn tcp option maxseg size set ip saddr map @mss4\n\t\ttcp flags & (syn | rst) == syn tcp option maxseg size set ip6 saddr map @mss6')" "" \
	sh -c "echo '10.0.0.0/8 ipip' | '$pmtufix' nft --lookup src --hook output - | grep 'maxseg size set'"
expect 1 "" "pmtufix nft: 10.0.0.0/8 is in the file twice" \
	sh -c "printf '10.0.0.0/8 ipip\n10.0.0.0/8 gre\n' | '$pmtufix' nft -"
expect 1 "" "pmtufix nft: -:1:12: unknown layer \`ipipx'" \
	sh -c "echo '10.0.0.0/8 ipipx' | '$pmtufix' nft -"
expect 2 "" "pmtufix nft: --hook takes forward, output and postrouting, comma-separated, not \`input'" \
	"$pmtufix" nft --hook input -
expect 2 "" "pmtufix nft: \`1x' is no nftables table name (a letter, then letters, digits, _ and -)" \
	"$pmtufix" nft --table 1x -
expect 0 "*" "" "$pmtufix" overhead --help

# Usage errors: exit 2, before any attempt to reach the kernel.
expect 2 "" "*" "$pmtufix"
expect 2 "" "*" "$pmtufix" frobnicate
expect 2 "" "*" "$pmtufix" table
expect 2 "" "*" "$pmtufix" table add t
expect 2 "" "pmtufix table add t: prefix length 33 is out of range for IPv4" \
	"$pmtufix" table add t 10.0.0.0/33 ipip
expect 2 "" "pmtufix table create a/b: invalid table name \`a/b' (1 to 31 letters, digits, \`_', \`.', \`-', not starting with \`-')" \
	"$pmtufix" table create a/b
expect 2 "" "*" "$pmtufix" stats --json --prometheus
expect 2 "" "pmtufix table create t: too-big-src-burst \`0' is out of range (1..1000000)" \
	"$pmtufix" table create t too-big-src-burst 0
expect 2 "" "pmtufix table set t: too-big-src-rate \`4294967295' is out of range (0..4294967294)" \
	"$pmtufix" table set t too-big-src-rate 4294967295
expect 2 "" "pmtufix table set t: \`too-big-src-rate' needs a value" \
	"$pmtufix" table set t too-big-rate 0 too-big-src-rate
expect 2 "" "pmtufix table create t: unknown setting \`rate' (mtu, floor4, floor6, too-big-rate, too-big-burst, too-big-src-rate, too-big-src-burst)" \
	"$pmtufix" table create t rate 10
expect 2 "" "Usage: $pmtufix table set NAME [mtu N] [floor4 N] [floor6 N] [too-big-rate N] [too-big-burst N] [too-big-src-rate N] [too-big-src-burst N]" \
	"$pmtufix" table set t
expect 0 "*" "" "$pmtufix" help

# -j and --help mean the same anywhere: the subcommand's full help on
# stdout, exit 0, never a table name or a layer.
for sub in "table" "table create" "table load" "table save" "table restore" \
	   "table check" "table add" "table del" "table destroy" "lookup" \
	   "stats" "overhead" "version" "help"; do
	# shellcheck disable=SC2086
	help=$("$pmtufix" $sub --help 2>/dev/null)
	for form in "$sub -h" "--help $sub" "$sub x --help" "-j $sub -h"; do
		# shellcheck disable=SC2086
		expect 0 "$help" "" "$pmtufix" $form
	done
	case $help in
	Usage:\ "$pmtufix ${sub#help}"*) checks=$((checks + 1)) ;;
	*) checks=$((checks + 1)) failures=$((failures + 1))
	   echo "not ok - $sub --help: $help" ;;
	esac
done
expect 0 "$(printf '%s\n' \
	"Usage: $pmtufix table create [--exist] NAME [mtu N] [floor4 N] [floor6 N] [too-big-rate N] [too-big-burst N] [too-big-src-rate N] [too-big-src-burst N]" \
	"" \
	"Creates an empty table with the settings given (the others take" \
	"their defaults).  With --exist, a table that exists with the" \
	"settings given is no error." \
	"" \
	"-j or --json, anywhere, gives JSON where there is output (not" \
	"for save, whose format is text).  See pmtufix(8), TABLE FILE FORMAT.")" "" \
	"$pmtufix" table create --help
expect 0 '{"base_mtu":1500,"layers":"gre key","mtu":{"ipv4":1472,"ipv6":1472},"mss":{"ipv4":1432,"ipv6":1412}}' "" \
	"$pmtufix" overhead gre key -j
expect 0 '{"base_mtu":1400,"layers":"gre key","mtu":{"ipv4":1372,"ipv6":1372},"mss":{"ipv4":1332,"ipv6":1312}}' "" \
	"$pmtufix" overhead gre --json key --mtu 1400
expect 2 "" "pmtufix table save: the save format is text; table show -j gives JSON" \
	"$pmtufix" table save -j

# Table names starting with `-': an unknown option, whatever the command.
expect 2 "" "pmtufix table create: unknown option \`-x' (table names cannot start with \`-')" \
	"$pmtufix" table create -x
expect 2 "" "pmtufix table create: unknown option \`--exists' (table names cannot start with \`-')" \
	"$pmtufix" table create --exists edge
expect 2 "" "pmtufix table load: unknown option \`-edge' (table names cannot start with \`-')" \
	"$pmtufix" table load -edge /dev/null
expect 2 "" "pmtufix table show: unknown option \`-x' (table names cannot start with \`-')" \
	"$pmtufix" table show -x
expect 2 "" "pmtufix table destroy: unknown option \`-x' (table names cannot start with \`-')" \
	"$pmtufix" table destroy --exist -x
expect 2 "" "pmtufix lookup: unknown option \`-x' (table names cannot start with \`-')" \
	"$pmtufix" lookup -x 192.0.2.1

# Check mode: every error of every file, FILE:LINE:COLUMN, exit 1; no
# kernel needed (this host has no module), so no netlink socket either.
tmpf=$(mktemp)
cat >"$tmpf" <<'EOF2'
# edge: settings, then entries
set mtu 1400 floor4 536 too-big-burst 0
192.0.2.0/24 ipip
10.0.0.0/33 gre
2001:db8::/32 gre keyx

set mtu 1400 rate 10
192.0.2.0/24 sit
table other
10.1.0.0/16 mtu 1400 esp tunnel aes-cbc
192.0.2.0/24 gre
EOF2
bad="$tmpf:2:39: too-big-burst \`0' is out of range (1..1000000)
$tmpf:4:1: prefix length 33 is out of range for IPv4
$tmpf:5:19: unknown layer \`keyx'
$tmpf:7:14: unknown setting \`rate' (mtu, floor4, floor6, too-big-rate, too-big-burst, too-big-src-rate, too-big-src-burst)
$tmpf:8:1: duplicate prefix 192.0.2.0/24 (first on line 3)
$tmpf:9:1: \`table' lines belong in restore files (table restore)
$tmpf:10:22: esp: cipher aes-cbc needs an integrity algorithm
$tmpf:11:1: duplicate prefix 192.0.2.0/24 (first on line 3)"
expect 1 "" "$bad" "$pmtufix" table check "$tmpf"
expect 1 "" "$bad" "$pmtufix" table load --check edge "$tmpf"
expect 1 "" "$bad" "$pmtufix" table load edge --check "$tmpf"
expect 1 "" "${bad//$tmpf/<stdin>}" "$pmtufix" table load --check edge - <"$tmpf"
# Without --check the same errors refuse the load before the kernel.
expect 2 "" "$bad" "$pmtufix" table load edge "$tmpf"
printf 'set mtu 9000 too-big-src-rate 0\n10.0.0.0/8 ipip\n::/0 mtu 1280\n' >"$tmpf"
expect 0 "" "" "$pmtufix" table check "$tmpf"
expect 0 "" "" "$pmtufix" table load --check edge "$tmpf"
expect 0 "" "" "$pmtufix" -j table check /dev/null "$tmpf"
# No netlink socket at all in check mode (a load opens one to fail).
if command -v strace >/dev/null &&
   strace -f -qq -e trace=socket -o "$tmpf.trace" true 2>/dev/null; then
	for cmd in "table check $tmpf" "table load --check edge $tmpf" \
		   "table load edge $tmpf"; do
		# shellcheck disable=SC2086
		strace -f -qq -e trace=socket -o "$tmpf.trace" "$pmtufix" $cmd \
			>/dev/null 2>&1
		n=$(grep -c 'AF_NETLINK' "$tmpf.trace")
		checks=$((checks + 1))
		case $cmd:$n in
		"table load edge"*:0 | "table check"*:[1-9]* | *--check*:[1-9]*)
			failures=$((failures + 1))
			echo "not ok - $cmd: $n netlink sockets" ;;
		esac
	done
	rm -f "$tmpf.trace"
else
	echo "# SKIP netlink sockets of check mode: no strace here"
fi
expect 1 "" "pmtufix table check: cannot read /nonexistent: No such file or directory" \
	"$pmtufix" table check /nonexistent
# Restore files: `table NAME' lines first; check takes either kind.
printf 'table a\nset mtu 1400\n10.0.0.0/8 ipip\ntable b\n10.0.0.0/8 gre\ntable a\n' >"$tmpf"
expect 1 "" "$tmpf:6:7: table a given twice (first on line 1)" \
	"$pmtufix" table check "$tmpf"
expect 1 "" "$tmpf:6:7: table a given twice (first on line 1)" \
	"$pmtufix" table restore --check "$tmpf"
printf '10.0.0.0/8 ipip\ntable b\n' >"$tmpf"
expect 1 "" "$tmpf:1:1: a \`table NAME' line must come first" \
	"$pmtufix" table restore --check "$tmpf"
printf '# saved\ntable a\nset mtu 1400\ntable b\n10.0.0.0/8 gre\n' >"$tmpf"
expect 0 "" "" "$pmtufix" table restore --check "$tmpf"
expect 0 "" "" "$pmtufix" table restore --check - <"$tmpf"
expect 0 "" "" "$pmtufix" table check "$tmpf"
rm -f "$tmpf"

# Without the module.
if [ ! -d /sys/module/xt_PMTUFIX ]; then
	for cmd in "table list" "table create t" "table show t" "stats" \
		   "lookup t 192.0.2.1" "stats reset"; do
		# shellcheck disable=SC2086
		expect 1 "" "pmtufix $cmd: the pmtufix kernel module is not loaded (modprobe xt_PMTUFIX)" \
			"$pmtufix" $cmd
	done
	expect 0 "$(printf 'pmtufix %s\nmodule: not loaded' "$(cat "$top/VERSION")")" "" \
		"$pmtufix" version
fi

# The harness: stats.c and table.c included whole for their static reply
# parsers and printers, the other sources linked as they are, sanitizers
# as for the unit tests.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/harness.c" <<'EOF'
#include <errno.h>

#include "stats.c"
#include "table.c"

const char *prog = "pmtufix";
int pmtufix_json;

/* A TABLE_GET reply, parsed, then as table list and table show print it. */
static int test_table(void)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct pmtufix_table_reply t;
	struct show_ctx ctx = { .out = stdout };
	struct json j;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, "edge");
	mnl_attr_put_u32(nlh, PMTUFIX_A_MTU, 1500);
	mnl_attr_put_u32(nlh, PMTUFIX_A_FLOOR4, 536);
	mnl_attr_put_u32(nlh, PMTUFIX_A_FLOOR6, 1220);
	mnl_attr_put_u32(nlh, PMTUFIX_A_COUNT4, 4);
	mnl_attr_put_u32(nlh, PMTUFIX_A_RULES, 2);
	mnl_attr_put_u32(nlh, PMTUFIX_A_TOO_BIG_RATE, 1000);
	mnl_attr_put_u32(nlh, PMTUFIX_A_TOO_BIG_BURST, 50);
	mnl_attr_put_u32(nlh, PMTUFIX_A_TOO_BIG_SRC_RATE, 100);
	mnl_attr_put_u32(nlh, PMTUFIX_A_TOO_BIG_SRC_BURST, 10);
	if (pmtufix_parse_reply_table(nlh, &t))
		return 1;
	list_text(&t, 1);
	list_json(&t, 1);
	show_head(&ctx, &t);
	json_init(&j, stdout);
	ctx.j = &j;
	show_head(&ctx, &t);
	json_array_end(&j);
	json_object_end(&j);
	return 0;
}

/* A STATS_GET reply for @ncpu CPUs, 64 to a PMTUFIX_A_STATS_PERCPU. */
static struct nlmsghdr *percpu_reply(char *buf, unsigned int ncpu)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *list = NULL, *nest;
	unsigned int cpu;

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct genlmsghdr));
	mnl_attr_put_strz(nlh, PMTUFIX_A_TABLE, "edge");
	nest = mnl_attr_nest_start(nlh, PMTUFIX_A_STATS);
	mnl_attr_put_u64(nlh, PMTUFIX_STATS_A_SYN, ncpu);
	mnl_attr_nest_end(nlh, nest);
	for (cpu = 0; cpu < ncpu; cpu++) {
		if (cpu % 64 == 0) {
			if (list)
				mnl_attr_nest_end(nlh, list);
			list = mnl_attr_nest_start(nlh, PMTUFIX_A_STATS_PERCPU);
		}
		nest = mnl_attr_nest_start(nlh, PMTUFIX_A_STATS);
		mnl_attr_put_u32(nlh, PMTUFIX_STATS_A_CPU, cpu);
		mnl_attr_put_u64(nlh, PMTUFIX_STATS_A_SYN, cpu + 1);
		mnl_attr_nest_end(nlh, nest);
	}
	mnl_attr_nest_end(nlh, list);
	return nlh;
}

/* Prints the message's size and how many CPUs came out, in order. */
static int test_percpu(unsigned int ncpu)
{
	const unsigned int syn = PMTUFIX_STATS_A_SYN - PMTUFIX_STATS_FIRST;
	char *buf = calloc(1, 1 << 20);
	struct nlmsghdr *nlh = percpu_reply(buf, ncpu);
	struct stats_list l = {};
	unsigned int k, ok;

	ok = stats_cb(nlh, &l) == MNL_CB_OK && l.n == 1 &&
	     l.s[0].ncpu == ncpu && l.s[0].c[syn] == ncpu;
	for (k = 0; ok && k < ncpu; k++)
		ok = l.s[0].percpu[k].cpu == k &&
		     l.s[0].percpu[k].c[syn] == k + 1;
	if (ok)
		printf("%u bytes, %u cpus\n", nlh->nlmsg_len, ncpu);
	free(l.n ? l.s[0].percpu : NULL);
	free(l.s);
	free(buf);
	return !ok;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(*(unsigned int *)data)++;
	return MNL_CB_OK;
}

/*
 * Counts the generic netlink families, starting with @len to receive:
 * 1 without a netlink socket here, -1 if the dump fails.
 */
static int families(size_t len, unsigned int *n, size_t *grown)
{
	struct pmtufix_nl h = { .buflen = 4096, .rbuflen = len };
	int ret = 1;

	h.buf = malloc(h.buflen);
	h.rbuf = malloc(h.rbuflen);
	h.sock = mnl_socket_open(NETLINK_GENERIC);
	h.family = GENL_ID_CTRL;
	*n = 0;
	if (h.sock && mnl_socket_bind(h.sock, 0, MNL_SOCKET_AUTOPID) == 0) {
		h.portid = mnl_socket_get_portid(h.sock);
		ret = pmtufix_nl_talk(&h, pmtufix_nl_request(&h,
				CTRL_CMD_GETFAMILY, NLM_F_DUMP), count_cb, n);
		if (ret)
			fprintf(stderr, "dump: %s\n", strerror(-ret));
		ret = ret ? -1 : 0;
	}
	*grown = h.rbuflen;
	pmtufix_nl_close(&h);
	return ret;
}

static int test_rbuf(void)
{
	unsigned int small, big;
	size_t grown, unused;
	int ret;

	ret = families(64 * 1024, &big, &unused);
	if (ret)
		return ret > 0 ? 4 : 1;
	if (families(16, &small, &grown) || small != big || grown <= 16)
		return 1;
	printf("%u families through a buffer grown to %zu bytes\n", small,
	       grown);
	return 0;
}

int main(int argc, char *argv[])
{
	struct pmtufix_nl h = {};

	if (argc == 3 && !strcmp(argv[1], "percpu"))
		return test_percpu(atoi(argv[2]));
	if (argc == 2 && !strcmp(argv[1], "rbuf"))
		return test_rbuf();
	if (argc == 2 && !strcmp(argv[1], "table"))
		return test_table();
	pmtufix_nl_perror(&h, "stats", -EPERM);
	pmtufix_nl_perror(&h, "table add edge", -ENOSPC);
	snprintf(h.error, sizeof(h.error), "%s",
		 "the table would exceed the entry limit of its namespace (module parameter userns_max_entries)");
	pmtufix_nl_perror(&h, "table load edge", -ENOSPC);
	return 0;
}
EOF
harness=$tmp/harness
# shellcheck disable=SC2046
if "${CC:-cc}" -std=gnu11 -g -Wall -Wextra -Werror -Wno-unused-parameter \
      -fsanitize=address,undefined -fno-sanitize-recover=all \
      -D_GNU_SOURCE -DPMTUFIX_VERSION='"test"' -I"$top/userspace/pmtufix" \
      -I"$top/include/uapi" -I"$top/kmod" \
      $(pkg-config --cflags libmnl) -o "$harness" "$tmp/harness.c" \
      "$top"/userspace/pmtufix/{genl,json,parse,print,request,tablefile}.c \
      "$top"/kmod/core/*.c $(pkg-config --libs libmnl); then
	# EPERM and an ENOSPC without a message: the kernel explains neither.
	expect 0 "" "$(printf '%s\n' \
		"pmtufix stats: Operation not permitted (reading or changing pmtufix tables needs CAP_NET_ADMIN in the network namespace: run as root)" \
		"pmtufix table add edge: No space left on device (a limit of the module: see MODULE PARAMETERS in pmtufix(8))" \
		"pmtufix table load edge: the table would exceed the entry limit of its namespace (module parameter userns_max_entries)")" \
		"$harness" perror
	expect 0 "$(printf '%s\n' \
		"TABLE                       MTU FLOOR4 FLOOR6       IPV4       IPV6  RULES      TOO-BIG   PER-SOURCE" \
		"edge                       1500    536   1220          4          0      2      1000/50       100/10" \
		'[{"table":"edge","mtu":1500,"floor4":536,"floor6":1220,"too_big_rate":1000,"too_big_burst":50,"too_big_src_rate":100,"too_big_src_burst":10,"entries4":4,"entries6":0,"rules":2}]' \
		"table edge: mtu 1500, floor4 536, floor6 1220, too-big-rate 1000, too-big-burst 50, too-big-src-rate 100, too-big-src-burst 10, 4 IPv4 and 0 IPv6 entries, 2 rules" \
		"PREFIX                                        MTU INNER   MSS         HITS      CLAMPED  LAYERS" \
		'{"table":"edge","mtu":1500,"floor4":536,"floor6":1220,"too_big_rate":1000,"too_big_burst":50,"too_big_src_rate":100,"too_big_src_burst":10,"rules":2,"entries":[]}')" \
		"" "$harness" table
	# Three attributes; then 64, in a message larger than 64 KiB.
	expect 0 "3180 bytes, 130 cpus" "" "$harness" percpu 130
	expect 0 "98608 bytes, 4096 cpus" "" "$harness" percpu 4096
	got=$("$harness" rbuf 2>&1)
	case $? in
	0) checks=$((checks + 1)); echo "# $got" ;;
	4) echo "# SKIP replies larger than the buffer: no generic netlink here" ;;
	*) checks=$((checks + 1)) failures=$((failures + 1))
	   echo "not ok - a dump through a 16-byte buffer: $got" ;;
	esac
else
	checks=$((checks + 1)) failures=$((failures + 1))
	echo "not ok - the netlink harness does not build"
fi

echo "$([ $failures = 0 ] && echo ok || echo "not ok") cli: $checks checks, $failures failed"
[ $failures = 0 ]
