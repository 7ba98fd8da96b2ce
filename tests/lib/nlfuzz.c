// SPDX-License-Identifier: GPL-2.0
/*
 * Random and mutated requests to the "pmtufix" generic netlink family, and
 * a writer of valid updates that checks the module against a model of its
 * own, for tests/netns/nlfuzz.sh.  Every random choice comes from one
 * seeded generator: the same seed sends the same messages.
 *
 * Usage:
 *   nlfuzz fuzz [-u] SEED COUNT
 *	COUNT messages to the family of the socket's network namespace:
 *	plausible requests of every command with values at and past their
 *	limits, then mutated (bits flipped, attribute lengths changed,
 *	truncated, garbage appended, attributes duplicated, nest flags set),
 *	or plain random bytes; truncated headers, unknown commands, flags
 *	and attribute types; several messages in one datagram; dumps
 *	abandoned by closing the socket after the first part; loads begun,
 *	fed a batch or two, then abandoned or raced by another socket.
 *	Never names a table whose name contains "mdl": those are the
 *	model's; and sends nothing to other families than this one and
 *	nlctrl.  With -u the caller lacks CAP_NET_ADMIN: any request of
 *	the family that succeeds is an error.  Prints one JSON line.
 *
 *   nlfuzz model SEED MIN_OPS STOPFILE
 *	valid updates of tables mdl0 (which a rule made, empty), mdl1 and
 *	mdlx0..mdlx2: entries added (with and without replace), deleted,
 *	loads in several messages (some with defaults, some abandoned),
 *	defaults changed, tables created and destroyed, requests that must
 *	fail (EEXIST, ENOENT, EBUSY), and every so often a dump of a table
 *	compared with the model.  Stops after MIN_OPS operations once
 *	STOPFILE exists.  Prints the model on standard output, one line a
 *	table ("table NAME mtu M floor4 F") and one an entry ("entry TABLE
 *	PREFIX MTU|- LAYER|-"), and a JSON summary on standard error.
 *	Exits 1 on the first answer the model did not predict.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pmtufix.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS		0x200
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MSG_MAX		16384
#define RX_MAX		65536
#define MAX_ATTRS	512

/* The generator: splitmix64. */
static uint64_t rng;

static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

/* True with probability @pct percent. */
static bool pct(unsigned int pct)
{
	return below(100) < pct;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Messages being built; attrs[] remembers where each attribute starts. */
struct msg {
	uint8_t d[MSG_MAX];
	size_t len;
	size_t attrs[MAX_ATTRS];
	unsigned int nattrs;
	unsigned int ntop;	/* attrs[] of the top level, for duplicates */
	size_t top[MAX_ATTRS];
};

static bool room(const struct msg *m, size_t n)
{
	return m->len + NLA_ALIGN(n) <= sizeof(m->d);
}

static void put_bytes(struct msg *m, const void *p, size_t n)
{
	if (!room(m, n))
		return;
	memcpy(m->d + m->len, p, n);
	memset(m->d + m->len + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_ALIGN(n);
}

static size_t attr_start(struct msg *m, uint16_t type, int depth)
{
	struct nlattr a = { .nla_len = NLA_HDRLEN, .nla_type = type };
	size_t off = m->len;

	if (!room(m, NLA_HDRLEN))
		return 0;
	if (m->nattrs < MAX_ATTRS)
		m->attrs[m->nattrs++] = off;
	if (!depth && m->ntop < MAX_ATTRS)
		m->top[m->ntop++] = off;
	put_bytes(m, &a, sizeof(a));
	return off;
}

/* A nest, flagged NLA_F_NESTED as strict validation wants. */
static size_t nest_start(struct msg *m, uint16_t type, int depth)
{
	return attr_start(m, type | NLA_F_NESTED, depth);
}

static void nest_end(struct msg *m, size_t off)
{
	struct nlattr *a = (struct nlattr *)(m->d + off);

	if (off)
		a->nla_len = m->len - off;
}

static void put_attr(struct msg *m, uint16_t type, const void *p, size_t n,
		     int depth)
{
	size_t off;

	if (!room(m, NLA_HDRLEN + n))
		return;
	off = attr_start(m, type, depth);
	memcpy(m->d + m->len, p, n);
	memset(m->d + m->len + n, 0, NLA_ALIGN(n) - n);
	m->len += NLA_ALIGN(n);
	/* The padding is not the attribute's. */
	((struct nlattr *)(m->d + off))->nla_len = NLA_HDRLEN + n;
}

static void put_u8(struct msg *m, uint16_t t, uint8_t v, int depth)
{
	put_attr(m, t, &v, 1, depth);
}

static void put_u16(struct msg *m, uint16_t t, uint16_t v, int depth)
{
	put_attr(m, t, &v, 2, depth);
}

static void put_u32(struct msg *m, uint16_t t, uint32_t v, int depth)
{
	put_attr(m, t, &v, 4, depth);
}

static void put_str(struct msg *m, uint16_t t, const char *s, int depth)
{
	put_attr(m, t, s, strlen(s) + 1, depth);
}

static void msg_init(struct msg *m, uint16_t type, uint16_t flags,
		     uint32_t seq, uint8_t cmd, uint8_t version)
{
	struct nlmsghdr nlh = {
		.nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq,
	};
	struct genlmsghdr g = { .cmd = cmd, .version = version };

	m->len = 0;
	m->nattrs = 0;
	m->ntop = 0;
	put_bytes(m, &nlh, sizeof(nlh));
	put_bytes(m, &g, sizeof(g));
}

static void msg_finish(struct msg *m)
{
	((struct nlmsghdr *)m->d)->nlmsg_len = m->len;
}

/* Sockets */

static int nl_open(int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("bind");
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (rcvbuf)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	return fd;
}

static void nl_send(int fd, const struct msg *m, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	/* Refused datagrams (EMSGSIZE, ...) are part of the game. */
	(void)!sendto(fd, m->d, len, 0, (struct sockaddr *)&sa, sizeof(sa));
}

/* The extended ack message of an NLMSG_ERROR, or "". */
static const char *ext_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *a;
	size_t off, len;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return "";
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		a = (const struct nlattr *)((const char *)nlh + off);
		len = a->nla_len;
		if (len < NLA_HDRLEN || off + len > nlh->nlmsg_len)
			break;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG)
			return (const char *)a + NLA_HDRLEN;
		off += NLA_ALIGN(len);
	}
	return "";
}

/*
 * Waits for the answer to request @seq: 0 for an ack, -errno; replies
 * before it are handed to @cb (may be NULL).  @why gets the extended ack.
 */
typedef void (*reply_cb)(const struct nlmsghdr *nlh, void *arg);

static int nl_wait(int fd, uint32_t seq, reply_cb cb, void *arg,
		   const char **why)
{
	static uint8_t rx[RX_MAX];
	static char msgbuf[256];
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(fd, rx, sizeof(rx), 0);
		if (n < 0)
			die("recv");
		len = n;
		for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(nlh);

				snprintf(msgbuf, sizeof(msgbuf), "%s",
					 ext_msg(nlh));
				if (why)
					*why = msgbuf;
				return e->error;
			}
			if (cb)
				cb(nlh, arg);
		}
	}
}

static uint32_t seqno = 1;

static int family_id(int fd)
{
	struct msg *m = calloc(1, sizeof(*m));
	static uint8_t rx[RX_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *a;
	int len, id = -1;
	ssize_t n;

	msg_init(m, GENL_ID_CTRL, NLM_F_REQUEST, seqno++, CTRL_CMD_GETFAMILY, 1);
	put_str(m, CTRL_ATTR_FAMILY_NAME, PMTUFIX_GENL_NAME, 0);
	msg_finish(m);
	nl_send(fd, m, m->len);
	n = recv(fd, rx, sizeof(rx), 0);
	free(m);
	if (n < 0)
		die("recv");
	len = n;
	nlh = (struct nlmsghdr *)rx;
	if (!NLMSG_OK(nlh, len) || nlh->nlmsg_type != GENL_ID_CTRL)
		return -1;
	for (a = (struct nlattr *)((char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     (char *)a + NLA_HDRLEN <= (char *)nlh + nlh->nlmsg_len &&
	     a->nla_len >= NLA_HDRLEN;
	     a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			id = *(uint16_t *)((char *)a + NLA_HDRLEN);
	return id;
}

/* The fuzzer */

static uint16_t family;
static bool unprivileged;

static struct {
	unsigned long sent, datagrams, acks, replies, done, errors[160];
	unsigned long granted;	/* -u: requests of the family that worked */
	unsigned long dumps_cut, loads_cut, loads_raced, rx_overrun;
} st;

/* Values at and past the limits of the family's u32 attributes. */
static uint32_t edgy32(void)
{
	static const uint32_t v[] = {
		0, 1, 2, 67, 68, 69, 535, 536, 576, 1219, 1220, 1279, 1280,
		1400, 1500, 9000, 65535, 65536, 1000000, 1000001, 0x7fffffff,
		0x80000000, 0xffffffff,
	};

	return pct(80) ? v[below(ARRAY_SIZE(v))] : (uint32_t)rnd();
}

static const char *const fuzz_tables[] = {
	"fz0", "fz1", "fz2", "fzrule", "fz.x-y_z",
	"abcdefghijklmnopqrstuvwxyz01234",	/* 31: the longest */
};

static void gen_table(struct msg *m, int depth)
{
	char s[48];
	size_t n, i;

	switch (below(10)) {
	case 0:	/* random bytes, NUL-terminated or not */
		n = below(sizeof(s));
		for (i = 0; i < n; i++)
			s[i] = rnd();
		put_attr(m, PMTUFIX_A_TABLE, s, n, depth);
		return;
	case 1:	/* too long, or bad characters */
		n = 32 + below(8);
		memset(s, 'q', n);
		s[n] = 0;
		if (pct(50))
			s[below(n)] = "-/ :\n"[below(5)];
		if (pct(50))
			s[0] = '-';
		put_str(m, PMTUFIX_A_TABLE, s, depth);
		return;
	case 2:	/* empty */
		put_attr(m, PMTUFIX_A_TABLE, "", pct(50), depth);
		return;
	default:
		put_str(m, PMTUFIX_A_TABLE,
			fuzz_tables[below(ARRAY_SIZE(fuzz_tables))], depth);
	}
}

static void gen_random_attr(struct msg *m, int depth);

static void gen_layer(struct msg *m, int depth)
{
	size_t nest = nest_start(m, pct(90) ? PMTUFIX_A_LAYER : below(4),
				 depth);

	if (pct(90))
		put_u16(m, PMTUFIX_LAYER_A_TYPE, pct(85) ?
			below(__PMTUFIX_LAYER_MAX + 2) : rnd(), depth + 1);
	if (pct(40))
		put_u32(m, PMTUFIX_LAYER_A_FLAGS, pct(80) ?
			below(PMTUFIX_LAYER_F_ALL + 1) : 1U << below(32),
			depth + 1);
	if (pct(40))
		put_u16(m, PMTUFIX_LAYER_A_COUNT, pct(80) ? below(300) : rnd(),
			depth + 1);
	if (pct(30))
		put_u8(m, PMTUFIX_LAYER_A_ESP_MODE, below(5), depth + 1);
	if (pct(30))
		put_u8(m, PMTUFIX_LAYER_A_ESP_CIPHER, below(11), depth + 1);
	if (pct(30))
		put_u8(m, PMTUFIX_LAYER_A_ESP_INTEG, below(10), depth + 1);
	if (pct(20))
		put_u16(m, PMTUFIX_LAYER_A_ESP_ICV, pct(50) ?
			32 * below(10) : rnd(), depth + 1);
	if (pct(5))
		gen_random_attr(m, depth + 1);
	nest_end(m, nest);
}

static void gen_entry(struct msg *m, int depth)
{
	size_t nest, layers;
	uint8_t addr[20];
	unsigned int i, n, alen, plen;

	nest = nest_start(m, pct(92) ? PMTUFIX_A_ENTRY : below(8), depth);
	if (pct(95))
		put_u16(m, PMTUFIX_ENTRY_A_FAMILY, pct(90) ?
			(pct(60) ? AF_INET : AF_INET6) : rnd(), depth + 1);
	alen = pct(90) ? (pct(60) ? 4 : 16) : below(21);
	plen = pct(90) ? below(alen * 8 + 1) : below(256);
	for (i = 0; i < alen; i++)
		addr[i] = rnd();
	if (pct(85)) {	/* host bits clear, most of the time */
		for (i = 0; i < alen; i++) {
			if (i * 8 >= plen)
				addr[i] = 0;
			else if (i * 8 + 8 > plen)
				addr[i] &= 0xff << (8 - plen % 8);
		}
	}
	if (pct(95))
		put_attr(m, PMTUFIX_ENTRY_A_ADDR, addr, alen, depth + 1);
	if (pct(95))
		put_u8(m, PMTUFIX_ENTRY_A_PLEN, plen, depth + 1);
	if (pct(50))
		put_u32(m, PMTUFIX_ENTRY_A_MTU, edgy32(), depth + 1);
	if (pct(50)) {
		layers = nest_start(m, PMTUFIX_ENTRY_A_LAYERS, depth + 1);
		n = pct(90) ? below(PMTUFIX_MAX_LAYERS + 1) : below(20);
		for (i = 0; i < n; i++)
			gen_layer(m, depth + 2);
		nest_end(m, layers);
	}
	if (pct(5))	/* an attribute only replies carry */
		put_u32(m, PMTUFIX_ENTRY_A_INNER_MTU + below(8), 1400,
			depth + 1);
	if (pct(5))
		gen_random_attr(m, depth + 1);
	nest_end(m, nest);
}

static void gen_entries(struct msg *m, int depth)
{
	size_t nest = nest_start(m, PMTUFIX_A_ENTRIES, depth);
	unsigned int i, n;

	n = pct(90) ? below(6) : below(120);
	for (i = 0; i < n && room(m, 256); i++)
		gen_entry(m, depth + 1);
	nest_end(m, nest);
}

/* Any attribute at all: unknown types, nested garbage. */
static void gen_random_attr(struct msg *m, int depth)
{
	uint8_t junk[64];
	uint16_t type;
	size_t nest, i, n;

	type = pct(70) ? below(PMTUFIX_A_MAX + 8) : rnd();
	if (depth < 4 && pct(30)) {
		nest = attr_start(m, type | (pct(50) ? NLA_F_NESTED : 0),
				  depth);
		n = below(4);
		for (i = 0; i < n; i++)
			gen_random_attr(m, depth + 1);
		nest_end(m, nest);
		return;
	}
	n = below(sizeof(junk));
	for (i = 0; i < n; i++)
		junk[i] = rnd();
	put_attr(m, type, junk, n, depth);
}

static void gen_defaults(struct msg *m)
{
	static const uint16_t a[] = {
		PMTUFIX_A_MTU, PMTUFIX_A_FLOOR4, PMTUFIX_A_FLOOR6,
		PMTUFIX_A_TOO_BIG_RATE, PMTUFIX_A_TOO_BIG_BURST,
		PMTUFIX_A_TOO_BIG_SRC_RATE, PMTUFIX_A_TOO_BIG_SRC_BURST,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(a); i++)
		if (pct(25))
			put_u32(m, a[i], edgy32(), 0);
}

/* A request of command @cmd, plausible but for what chance adds. */
static void gen_request(struct msg *m, uint8_t cmd)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	uint8_t addr[17];
	unsigned int i, n;

	if ((cmd == PMTUFIX_CMD_TABLE_GET || cmd == PMTUFIX_CMD_ENTRY_GET ||
	     cmd == PMTUFIX_CMD_STATS_GET || pct(3)) && pct(70))
		flags |= NLM_F_DUMP;
	if (pct(3))
		flags ^= 1U << below(16);
	msg_init(m, pct(98) ? family : pct(50) ? GENL_ID_CTRL : below(5),
		 flags, seqno++, cmd,
		 pct(95) ? PMTUFIX_GENL_VERSION - below(2) : rnd());
	if (pct(2))
		((struct genlmsghdr *)(m->d + NLMSG_HDRLEN))->reserved = rnd();

	if (pct(90))
		gen_table(m, 0);
	switch (cmd) {
	case PMTUFIX_CMD_TABLE_NEW:
	case PMTUFIX_CMD_TABLE_SET:
		gen_defaults(m);
		break;
	case PMTUFIX_CMD_ENTRY_ADD:
	case PMTUFIX_CMD_ENTRY_DEL:
		if (pct(90))
			gen_entries(m, 0);
		break;
	case PMTUFIX_CMD_TABLE_LOAD:
		if (pct(90))
			put_u32(m, PMTUFIX_A_LOAD, pct(85) ?
				below(PMTUFIX_LOAD_ALL + 1) : rnd(), 0);
		if (pct(70))
			gen_entries(m, 0);
		if (pct(20))
			gen_defaults(m);
		break;
	case PMTUFIX_CMD_LOOKUP:
		n = pct(80) ? (pct(50) ? 4 : 16) : below(18);
		for (i = 0; i < n; i++)
			addr[i] = rnd();
		if (pct(90))
			put_attr(m, PMTUFIX_A_ADDR, addr, n, 0);
		break;
	}
	if (pct(30))
		put_u32(m, PMTUFIX_A_FLAGS, pct(70) ?
			below(PMTUFIX_F_ALL + 1) : 1U << below(32), 0);
	n = pct(80) ? 0 : 1 + below(3);
	for (i = 0; i < n; i++)
		gen_random_attr(m, 0);
	msg_finish(m);
}

/* What chance does to a whole message after it was built. */
static void mutate(struct msg *m)
{
	struct nlattr *a;
	size_t off, n, i;

	switch (below(7)) {
	case 0:	/* bits flipped anywhere, headers included */
		n = 1 + below(4);
		for (i = 0; i < n; i++)
			m->d[below(m->len)] ^= 1U << below(8);
		break;
	case 1:	/* an attribute's length */
		if (!m->nattrs)
			break;
		a = (struct nlattr *)(m->d + m->attrs[below(m->nattrs)]);
		a->nla_len = pct(50) ? a->nla_len + below(9) - 4 :
				       below(m->len + 8);
		break;
	case 2:	/* truncated, the header saying so or not */
		m->len = below(m->len);
		if (m->len >= 4 && pct(50))
			((struct nlmsghdr *)m->d)->nlmsg_len = m->len;
		break;
	case 3:	/* garbage after it */
		n = 1 + below(64);
		if (!room(m, n))
			break;
		for (i = 0; i < n; i++)
			m->d[m->len + i] = rnd();
		m->len += n;
		if (pct(50))
			msg_finish(m);
		break;
	case 4:	/* a top-level attribute twice */
		if (!m->ntop)
			break;
		off = m->top[below(m->ntop)];
		a = (struct nlattr *)(m->d + off);
		n = NLA_ALIGN(a->nla_len);
		if (off + n <= m->len && room(m, n)) {
			memmove(m->d + m->len, m->d + off, n);
			m->len += n;
			msg_finish(m);
		}
		break;
	case 5:	/* nest and byte-order flags where they do not belong */
		if (!m->nattrs)
			break;
		a = (struct nlattr *)(m->d + m->attrs[below(m->nattrs)]);
		a->nla_type ^= pct(50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
		break;
	case 6:	/* an attribute's type */
		if (!m->nattrs)
			break;
		a = (struct nlattr *)(m->d + m->attrs[below(m->nattrs)]);
		a->nla_type = pct(50) ? a->nla_type + 1U : below(64);
		break;
	}
}

/* Random bytes after a header, or a header cut short. */
static void gen_garbage(struct msg *m)
{
	size_t i;

	m->len = pct(20) ? below(NLMSG_HDRLEN + GENL_HDRLEN) : below(512);
	for (i = 0; i < m->len; i++)
		m->d[i] = rnd();
	if (m->len >= NLMSG_HDRLEN) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)m->d;

		nlh->nlmsg_type = pct(90) ? family : nlh->nlmsg_type;
		nlh->nlmsg_flags |= NLM_F_REQUEST;
		if (pct(70))
			nlh->nlmsg_len = m->len;
	}
}

/* The type of the request of each sequence number, for -u. */
static uint16_t sent_type[1 << 16];

/*
 * What is sent stays with the family (or nlctrl, or the control types
 * netlink itself answers): other subsystems are not under test.  And the
 * model's tables are left alone: no "mdl" in anything sent.
 */
static void confine(struct msg *m)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)m->d;
	size_t i;

	if (m->len >= sizeof(nlh->nlmsg_len) + sizeof(nlh->nlmsg_type) &&
	    nlh->nlmsg_type != family && nlh->nlmsg_type != GENL_ID_CTRL &&
	    nlh->nlmsg_type >= NLMSG_MIN_TYPE)
		nlh->nlmsg_type = family;
	for (i = 0; i + 3 <= m->len; i++)
		if (!memcmp(m->d + i, "mdl", 3))
			m->d[i] = 'M';
	if (m->len >= NLMSG_HDRLEN)
		sent_type[nlh->nlmsg_seq & 0xffff] = nlh->nlmsg_type;
}

/*
 * -u: did a request of the family get past the permission check?  Only a
 * malformed header (EINVAL) or an unknown command (EOPNOTSUPP) is refused
 * before it, with anything but EPERM; a dump that ends or a reply means it
 * ran.
 */
static void check_granted(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e;
	int err;

	if (!unprivileged)
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		/* Netlink acks what is not a request without looking. */
		e = NLMSG_DATA(nlh);
		err = -e->error;
		if (e->msg.nlmsg_type != family ||
		    !(e->msg.nlmsg_flags & NLM_F_REQUEST) ||
		    (err && (err == EPERM || err == EINVAL ||
			     err == EOPNOTSUPP)))
			return;
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		if (sent_type[nlh->nlmsg_seq & 0xffff] != family)
			return;
	} else if (nlh->nlmsg_type != family) {
		return;
	}
	if (!st.granted++)
		fprintf(stderr, "nlfuzz: unprivileged request past the permission check (seq %u, answer type %u)\n",
			nlh->nlmsg_seq, nlh->nlmsg_type);
}

/* Reads what the kernel answered, without waiting; @limit reads at most. */
static void drain(int fd, unsigned int limit)
{
	static uint8_t rx[RX_MAX];
	const struct nlmsgerr *e;
	struct nlmsghdr *nlh;
	ssize_t n;
	int len;

	while (limit--) {
		n = recv(fd, rx, sizeof(rx), MSG_DONTWAIT);
		if (n < 0) {
			if (errno == ENOBUFS) {
				st.rx_overrun++;
				continue;
			}
			return;
		}
		len = n;
		for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			check_granted(nlh);
			if (nlh->nlmsg_type == NLMSG_DONE) {
				st.done++;
			} else if (nlh->nlmsg_type == NLMSG_ERROR) {
				e = NLMSG_DATA(nlh);
				if (!e->error)
					st.acks++;
				else if (-e->error < 160)
					st.errors[-e->error]++;
			} else {
				st.replies++;
			}
		}
	}
}

static int resolve(int fd)
{
	int id = family_id(fd);

	if (id < 0) {
		fprintf(stderr, "nlfuzz: no family %s\n", PMTUFIX_GENL_NAME);
		return -1;
	}
	family = id;
	return 0;
}

static const uint8_t commands[] = {
	PMTUFIX_CMD_UNSPEC, PMTUFIX_CMD_TABLE_NEW, PMTUFIX_CMD_TABLE_DEL,
	PMTUFIX_CMD_TABLE_SET, PMTUFIX_CMD_TABLE_GET, PMTUFIX_CMD_ENTRY_ADD,
	PMTUFIX_CMD_ENTRY_DEL, PMTUFIX_CMD_ENTRY_GET, PMTUFIX_CMD_TABLE_LOAD,
	PMTUFIX_CMD_LOOKUP, PMTUFIX_CMD_STATS_GET, PMTUFIX_CMD_STATS_RESET,
	__PMTUFIX_CMD_MAX, 0xff,
};

static uint8_t gen_cmd(void)
{
	if (pct(96))
		return 1 + below(PMTUFIX_CMD_MAX);
	return pct(50) ? commands[below(ARRAY_SIZE(commands))] : rnd();
}

static void send_one(int fd, struct msg *m)
{
	confine(m);
	nl_send(fd, m, m->len);
	st.sent++;
	st.datagrams++;
}

/* A dump of any kind, abandoned after its first part. */
static void cut_dump(struct msg *m)
{
	static const uint8_t dumps[] = {
		PMTUFIX_CMD_TABLE_GET, PMTUFIX_CMD_STATS_GET,
		PMTUFIX_CMD_ENTRY_GET,
	};
	int fd = nl_open(pct(50) ? 1024 : 0);
	uint8_t cmd = dumps[below(ARRAY_SIZE(dumps))];

	msg_init(m, family, NLM_F_REQUEST | NLM_F_DUMP, seqno++, cmd, 1);
	if (cmd == PMTUFIX_CMD_ENTRY_GET || pct(30))
		gen_table(m, 0);
	msg_finish(m);
	send_one(fd, m);
	drain(fd, below(3));
	close(fd);
	st.dumps_cut++;
}

/* A load of a table (BEGIN, a batch or two) left unfinished. */
static void cut_load(struct msg *m)
{
	const char *table = fuzz_tables[below(3)];
	int fd = nl_open(0), other = -1;
	unsigned int i, n = below(3);

	for (i = 0; i <= n; i++) {
		msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK, seqno++,
			 PMTUFIX_CMD_TABLE_LOAD, 1);
		put_str(m, PMTUFIX_A_TABLE, table, 0);
		put_u32(m, PMTUFIX_A_LOAD, i ? 0 : PMTUFIX_LOAD_BEGIN, 0);
		gen_entries(m, 0);
		msg_finish(m);
		if (pct(10))
			mutate(m);
		send_one(fd, m);
		drain(fd, 4);
	}
	if (pct(40)) {
		/* Another socket wants the same table meanwhile. */
		other = nl_open(0);
		msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK, seqno++,
			 PMTUFIX_CMD_TABLE_LOAD, 1);
		put_str(m, PMTUFIX_A_TABLE, table, 0);
		put_u32(m, PMTUFIX_A_LOAD, PMTUFIX_LOAD_BEGIN, 0);
		msg_finish(m);
		send_one(other, m);
		drain(other, 4);
		st.loads_raced++;
	}
	close(fd);
	if (other >= 0)
		close(other);
	st.loads_cut++;
}

/* A few requests in one datagram. */
static void send_batch(int fd, struct msg *m)
{
	static struct msg one;
	unsigned int i, n = 2 + below(3);

	m->len = 0;
	for (i = 0; i < n; i++) {
		gen_request(&one, gen_cmd());
		if (m->len + one.len > sizeof(m->d))
			break;
		confine(&one);
		memcpy(m->d + m->len, one.d, one.len);
		m->len += one.len;
	}
	nl_send(fd, m, m->len);
	st.sent += i;
	st.datagrams++;
}

static int fuzz(uint64_t seed, unsigned long count)
{
	static struct msg m;
	double t0 = now(), dt;
	unsigned int i, k;
	int fd;

	rng = seed;
	fd = nl_open(1 << 20);
	if (resolve(fd))
		return 2;
	while (st.sent < count) {
		switch (below(100)) {
		case 0 ... 2:
			cut_dump(&m);
			break;
		case 3 ... 5:
			cut_load(&m);
			break;
		case 6:
			send_batch(fd, &m);
			break;
		case 7 ... 11:
			gen_garbage(&m);
			send_one(fd, &m);
			break;
		default:
			gen_request(&m, gen_cmd());
			if (pct(35))
				mutate(&m);
			send_one(fd, &m);
		}
		drain(fd, 64);
		/* Now and then the fuzzer's own tables go, as they come. */
		if (!(st.datagrams % 4096)) {
			for (i = 0; i < 3; i++) {
				msg_init(&m, family, NLM_F_REQUEST | NLM_F_ACK,
					 seqno++, PMTUFIX_CMD_TABLE_DEL, 1);
				put_str(&m, PMTUFIX_A_TABLE, fuzz_tables[i], 0);
				msg_finish(&m);
				send_one(fd, &m);
			}
			drain(fd, 64);
		}
	}
	drain(fd, 1024);
	close(fd);
	dt = now() - t0;

	printf("{\"seed\": %llu, \"sent\": %lu, \"datagrams\": %lu, \"seconds\": %.2f, \"per_second\": %.0f, \"acks\": %lu, \"replies\": %lu, \"dump_done\": %lu, \"dumps_cut\": %lu, \"loads_cut\": %lu, \"loads_raced\": %lu, \"rx_overrun\": %lu, \"granted\": %lu, \"errors\": {",
	       (unsigned long long)seed, st.sent, st.datagrams, dt,
	       st.sent / dt, st.acks, st.replies, st.done, st.dumps_cut,
	       st.loads_cut, st.loads_raced, st.rx_overrun, st.granted);
	for (i = 0, k = 0; i < 160; i++)
		if (st.errors[i])
			printf("%s\"%s\": %lu", k++ ? ", " : "",
			       strerror(i), st.errors[i]);
	printf("}}\n");
	return unprivileged && st.granted ? 1 : 0;
}

/* The model */

#define POOL4	24
#define POOL	(POOL4 + 12)
#define NTABLES	5

static const char *const layer_names[] = { "-", "ipip", "gre" };
static const uint16_t layer_types[] = {
	0, PMTUFIX_LAYER_IPIP, PMTUFIX_LAYER_GRE,
};

struct mentry {
	bool present;
	uint32_t mtu;		/* 0: the table's */
	unsigned int layer;	/* index in layer_names */
};

struct mtable {
	const char *name;
	bool exists, fixed;	/* fixed: never destroyed */
	uint32_t mtu, floor4;
	struct mentry e[POOL];
};

static struct mtable tables[NTABLES] = {
	{ .name = "mdl0", .fixed = true },
	{ .name = "mdl1", .fixed = true },
	{ .name = "mdlx0" }, { .name = "mdlx1" }, { .name = "mdlx2" },
};

/*
 * Prefix @i of the pool: 10.0.2.0/24 (the server's, which SYNs cross),
 * 10.100.X.0/24 and fd00:99:X::/48.
 */
static void pool_prefix(unsigned int i, int *fam, uint8_t addr[16],
			unsigned int *plen)
{
	memset(addr, 0, 16);
	if (i < POOL4) {
		*fam = AF_INET;
		*plen = 24;
		addr[0] = 10;
		addr[1] = i ? 100 : 0;
		addr[2] = i ? i : 2;
		return;
	}
	*fam = AF_INET6;
	*plen = 48;
	addr[0] = 0xfd;
	addr[3] = 0x99;
	addr[5] = i - POOL4;
}

static void pool_str(unsigned int i, char *s, size_t n)
{
	uint8_t addr[16];
	unsigned int plen;
	char a[INET6_ADDRSTRLEN];
	int fam;

	pool_prefix(i, &fam, addr, &plen);
	inet_ntop(fam, addr, a, sizeof(a));
	snprintf(s, n, "%s/%u", a, plen);
}

static void put_entry(struct msg *m, unsigned int i, const struct mentry *e)
{
	uint8_t addr[16];
	unsigned int plen;
	size_t nest, layers, layer;
	int fam;

	pool_prefix(i, &fam, addr, &plen);
	nest = nest_start(m, PMTUFIX_A_ENTRY, 1);
	put_u16(m, PMTUFIX_ENTRY_A_FAMILY, fam, 2);
	put_attr(m, PMTUFIX_ENTRY_A_ADDR, addr, fam == AF_INET ? 4 : 16, 2);
	put_u8(m, PMTUFIX_ENTRY_A_PLEN, plen, 2);
	if (e && e->mtu)
		put_u32(m, PMTUFIX_ENTRY_A_MTU, e->mtu, 2);
	if (e && e->layer) {
		layers = nest_start(m, PMTUFIX_ENTRY_A_LAYERS, 2);
		layer = nest_start(m, PMTUFIX_A_LAYER, 3);
		put_u16(m, PMTUFIX_LAYER_A_TYPE, layer_types[e->layer], 4);
		nest_end(m, layer);
		nest_end(m, layers);
	}
	nest_end(m, nest);
}

static void random_entry(struct mentry *e)
{
	e->present = true;
	e->mtu = pct(30) ? 0 : 1280 + below(221);
	e->layer = below(3);
}

static unsigned long ops, checks;
static int model_fd;

static void expect(int got, int want, const char *what,
		   const struct mtable *t, const char *why)
{
	if (got == want)
		return;
	fprintf(stderr, "nlfuzz model: operation %lu, %s on %s: expected %s, got %s (%s)\n",
		ops, what, t->name, want ? strerror(-want) : "success",
		got ? strerror(-got) : "success", why ? why : "");
	exit(1);
}

/* One request to the family on @fd, answered: 0 or -errno. */
static int request(int fd, struct msg *m, reply_cb cb, void *arg,
		   const char **why)
{
	uint32_t seq = ((struct nlmsghdr *)m->d)->nlmsg_seq;

	msg_finish(m);
	nl_send(fd, m, m->len);
	return nl_wait(fd, seq, cb, arg, why);
}

static void start(struct msg *m, uint8_t cmd, const struct mtable *t,
		  uint16_t flags)
{
	msg_init(m, family, NLM_F_REQUEST | NLM_F_ACK | flags, seqno++, cmd,
		 PMTUFIX_GENL_VERSION);
	put_str(m, PMTUFIX_A_TABLE, t->name, 0);
}

static struct mtable *pick_table(bool existing)
{
	struct mtable *t;

	do
		t = &tables[below(NTABLES)];
	while (existing && !t->exists);
	return t;
}

static void op_add(struct msg *m, struct mtable *t)
{
	struct mentry next[POOL];
	bool replace = pct(50), chosen[POOL] = { false };
	unsigned int i, k, n = 1 + below(6), tries;
	size_t nest;
	const char *why = NULL;

	memcpy(next, t->e, sizeof(next));
	start(m, PMTUFIX_CMD_ENTRY_ADD, t, 0);
	if (replace)
		put_u32(m, PMTUFIX_A_FLAGS, PMTUFIX_F_REPLACE, 0);
	nest = nest_start(m, PMTUFIX_A_ENTRIES, 0);
	for (k = 0; k < n; k++) {
		for (tries = 0; tries < 8; tries++) {
			i = below(POOL);
			if (!chosen[i] && (replace || !t->e[i].present))
				break;
		}
		if (tries == 8)
			continue;
		chosen[i] = true;
		random_entry(&next[i]);
		put_entry(m, i, &next[i]);
	}
	nest_end(m, nest);
	for (i = 0; i < POOL && !chosen[i]; i++)
		;
	if (i == POOL)
		return;
	/* Without replace, a prefix the table has: EEXIST, nothing changes. */
	if (!replace && pct(10)) {
		for (i = 0; i < POOL && !t->e[i].present; i++)
			;
		if (i < POOL) {
			m->len = nest;
			nest = nest_start(m, PMTUFIX_A_ENTRIES, 0);
			put_entry(m, i, &t->e[i]);
			nest_end(m, nest);
			expect(request(model_fd, m, NULL, NULL, &why), -EEXIST,
			       "adding a prefix it has", t, why);
			return;
		}
	}
	expect(request(model_fd, m, NULL, NULL, &why), 0, "entry add", t, why);
	memcpy(t->e, next, sizeof(next));
}

static void op_del(struct msg *m, struct mtable *t)
{
	bool absent = pct(10), del[POOL] = { false };
	unsigned int i, k, n = 1 + below(4);
	const char *why = NULL;
	size_t nest;

	start(m, PMTUFIX_CMD_ENTRY_DEL, t, 0);
	nest = nest_start(m, PMTUFIX_A_ENTRIES, 0);
	for (k = 0; k < n; k++) {
		i = below(POOL);
		if (del[i] || t->e[i].present == absent)
			continue;
		del[i] = true;
		put_entry(m, i, NULL);
		if (absent)
			break;
	}
	nest_end(m, nest);
	for (i = 0; i < POOL && !del[i]; i++)
		;
	if (i == POOL)
		return;
	expect(request(model_fd, m, NULL, NULL, &why), absent ? -ENOENT : 0,
	       absent ? "deleting a prefix it lacks" : "entry del", t, why);
	if (absent)
		return;
	for (i = 0; i < POOL; i++)
		if (del[i])
			t->e[i].present = false;
}

/* A load in 1..3 messages on a socket of its own; some are abandoned. */
static void op_load(struct msg *m, struct mtable *t)
{
	struct mentry next[POOL] = { { 0 } };
	unsigned int i, part, parts = 1 + below(3);
	bool abandon = pct(15);
	uint32_t mtu = pct(30) ? 1280 + below(221) : 0;
	const char *why = NULL;
	size_t nest;
	int fd = nl_open(0), ret;

	for (i = 0; i < POOL; i++)
		if (pct(40))
			random_entry(&next[i]);
	for (part = 0; part < parts; part++) {
		start(m, PMTUFIX_CMD_TABLE_LOAD, t, 0);
		put_u32(m, PMTUFIX_A_LOAD, (part ? 0 : PMTUFIX_LOAD_BEGIN) |
			(part == parts - 1 && !abandon ?
			 PMTUFIX_LOAD_COMMIT : 0), 0);
		if (mtu && part == parts - 1 && !abandon)
			put_u32(m, PMTUFIX_A_MTU, mtu, 0);
		nest = nest_start(m, PMTUFIX_A_ENTRIES, 0);
		for (i = 0; i < POOL; i++)
			if (next[i].present && i % parts == part)
				put_entry(m, i, &next[i]);
		nest_end(m, nest);
		ret = request(fd, m, NULL, NULL, &why);
		expect(ret, 0, abandon ? "load to abandon" : "load", t, why);
	}
	close(fd);
	if (abandon)
		return;
	memcpy(t->e, next, sizeof(next));
	if (mtu)
		t->mtu = mtu;
}

static void op_set(struct msg *m, struct mtable *t)
{
	uint32_t mtu = t->mtu, floor4 = t->floor4;
	const char *why = NULL;

	start(m, PMTUFIX_CMD_TABLE_SET, t, 0);
	if (pct(70)) {
		mtu = 1280 + below(221);
		put_u32(m, PMTUFIX_A_MTU, mtu, 0);
	}
	if (pct(50)) {
		floor4 = 536 + below(100);
		put_u32(m, PMTUFIX_A_FLOOR4, floor4, 0);
	}
	expect(request(model_fd, m, NULL, NULL, &why), 0, "table set", t, why);
	t->mtu = mtu;
	t->floor4 = floor4;
}

static void table_reset(struct mtable *t, uint32_t mtu)
{
	memset(t->e, 0, sizeof(t->e));
	t->mtu = mtu;
	t->floor4 = PMTUFIX_DEFAULT_FLOOR4;
}

static void op_life(struct msg *m, struct mtable *t)
{
	const char *why = NULL;
	uint32_t mtu = PMTUFIX_DEFAULT_MTU;

	if (t->fixed || !t->exists || pct(10)) {
		start(m, PMTUFIX_CMD_TABLE_NEW, t, 0);
		if (!t->exists && pct(30)) {
			mtu = 1280 + below(221);
			put_u32(m, PMTUFIX_A_MTU, mtu, 0);
		}
		expect(request(model_fd, m, NULL, NULL, &why),
		       t->exists ? -EEXIST : 0, "table new", t, why);
		if (!t->exists)
			table_reset(t, mtu);
		t->exists = true;
		return;
	}
	start(m, PMTUFIX_CMD_TABLE_DEL, t, 0);
	expect(request(model_fd, m, NULL, NULL, &why), 0, "table del", t, why);
	t->exists = false;
}

/* A dump of @t's entries, compared with the model. */
struct seen {
	bool present[POOL];
	uint32_t mtu[POOL];
	unsigned int layer[POOL], n, bad;
};

static void dumped_entry(const struct nlattr *nest, struct seen *s)
{
	const struct nlattr *a, *l, *la;
	uint8_t addr[16] = { 0 }, want[16];
	unsigned int i, plen = 0, wplen, layer = 0, alen = 0;
	uint32_t mtu = 0;
	int fam = 0, wfam;

	for (a = (const void *)((const char *)nest + NLA_HDRLEN);
	     (const char *)a < (const char *)nest + nest->nla_len;
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		const void *p = (const char *)a + NLA_HDRLEN;

		switch (a->nla_type & NLA_TYPE_MASK) {
		case PMTUFIX_ENTRY_A_FAMILY:
			fam = *(const uint16_t *)p;
			break;
		case PMTUFIX_ENTRY_A_ADDR:
			alen = a->nla_len - NLA_HDRLEN;
			memcpy(addr, p, alen > 16 ? 16 : alen);
			break;
		case PMTUFIX_ENTRY_A_PLEN:
			plen = *(const uint8_t *)p;
			break;
		case PMTUFIX_ENTRY_A_MTU:
			mtu = *(const uint32_t *)p;
			break;
		case PMTUFIX_ENTRY_A_LAYERS:
			for (l = p; (const char *)l < (const char *)a + a->nla_len;
			     l = (const void *)((const char *)l + NLA_ALIGN(l->nla_len))) {
				layer += 10;	/* more than one: no match */
				for (la = (const void *)((const char *)l + NLA_HDRLEN);
				     (const char *)la < (const char *)l + l->nla_len;
				     la = (const void *)((const char *)la + NLA_ALIGN(la->nla_len)))
					if ((la->nla_type & NLA_TYPE_MASK) ==
					    PMTUFIX_LAYER_A_TYPE)
						layer += *(const uint16_t *)
							((const char *)la + NLA_HDRLEN);
			}
			break;
		}
	}
	for (i = 0; i < POOL; i++) {
		pool_prefix(i, &wfam, want, &wplen);
		if (fam == wfam && plen == wplen &&
		    !memcmp(addr, want, wfam == AF_INET ? 4 : 16))
			break;
	}
	s->n++;
	if (i == POOL || s->present[i]) {
		s->bad++;
		return;
	}
	s->present[i] = true;
	s->mtu[i] = mtu;
	s->layer[i] = layer;
}

static void dumped(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *a, *e;
	const char *end = (const char *)nlh + nlh->nlmsg_len;

	for (a = (const void *)((const char *)NLMSG_DATA(nlh) + GENL_HDRLEN);
	     (const char *)a + NLA_HDRLEN <= end && a->nla_len >= NLA_HDRLEN;
	     a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) != PMTUFIX_A_ENTRIES)
			continue;
		for (e = (const void *)((const char *)a + NLA_HDRLEN);
		     (const char *)e < (const char *)a + a->nla_len &&
		     e->nla_len >= NLA_HDRLEN;
		     e = (const void *)((const char *)e + NLA_ALIGN(e->nla_len)))
			dumped_entry(e, arg);
	}
}

static void op_check(struct msg *m, struct mtable *t)
{
	struct seen s = { .n = 0 };
	const char *why = NULL;
	unsigned int i, want_layer;
	char pfx[64];

	msg_init(m, family, NLM_F_REQUEST | NLM_F_DUMP, seqno++,
		 PMTUFIX_CMD_ENTRY_GET, PMTUFIX_GENL_VERSION);
	put_str(m, PMTUFIX_A_TABLE, t->name, 0);
	expect(request(model_fd, m, dumped, &s, &why), 0, "entry dump", t,
	       why);
	checks++;
	for (i = 0; i < POOL; i++) {
		want_layer = t->e[i].layer ? 10 + layer_types[t->e[i].layer] : 0;
		if (s.present[i] == t->e[i].present && (!s.present[i] ||
		    (s.mtu[i] == t->e[i].mtu && s.layer[i] == want_layer)))
			continue;
		pool_str(i, pfx, sizeof(pfx));
		fprintf(stderr, "nlfuzz model: operation %lu: %s of %s: dumped %s mtu %u layer code %u, the model has %s mtu %u layer code %u\n",
			ops, pfx, t->name, s.present[i] ? "present" : "absent",
			s.mtu[i], s.layer[i],
			t->e[i].present ? "present" : "absent", t->e[i].mtu,
			want_layer);
		exit(1);
	}
	if (s.bad) {
		fprintf(stderr, "nlfuzz model: operation %lu: %u entries of %s outside the model or twice\n",
			ops, s.bad, t->name);
		exit(1);
	}
}

/* Requests that must be refused, and change nothing. */
static void op_refused(struct msg *m)
{
	const char *why = NULL;

	/* A rule uses mdl0. */
	start(m, PMTUFIX_CMD_TABLE_DEL, &tables[0], 0);
	expect(request(model_fd, m, NULL, NULL, &why), -EBUSY,
	       "deleting a table a rule uses", &tables[0], why);
	/* Settings go with the COMMIT of a load only. */
	start(m, PMTUFIX_CMD_TABLE_LOAD, &tables[1], 0);
	put_u32(m, PMTUFIX_A_LOAD, PMTUFIX_LOAD_BEGIN, 0);
	put_u32(m, PMTUFIX_A_MTU, 1400, 0);
	expect(request(model_fd, m, NULL, NULL, &why), -EINVAL,
	       "settings without COMMIT", &tables[1], why);
	/* A batch without a BEGIN on this socket. */
	start(m, PMTUFIX_CMD_TABLE_LOAD, &tables[1], 0);
	put_u32(m, PMTUFIX_A_LOAD, PMTUFIX_LOAD_COMMIT, 0);
	expect(request(model_fd, m, NULL, NULL, &why), -EINVAL,
	       "COMMIT without BEGIN", &tables[1], why);
}


/* One operation, drawn with these weights (in 100). */
static const struct {
	unsigned int weight;
	void (*op)(struct msg *m, struct mtable *t);
} model_ops[] = {
	{ 30, op_add },
	{ 20, op_del },
	{ 15, op_load },
	{ 8, op_set },
	{ 10, op_life },	/* on any table, existing or not */
	{ 2, NULL },		/* a request that must be refused */
	{ 15, op_check },
};

static void model_step(struct msg *m)
{
	unsigned int r = below(100), k;

	for (k = 0; k < ARRAY_SIZE(model_ops) - 1; k++) {
		if (r < model_ops[k].weight)
			break;
		r -= model_ops[k].weight;
	}
	if (model_ops[k].op == op_life)
		op_life(m, pick_table(false));
	else if (model_ops[k].op)
		model_ops[k].op(m, pick_table(true));
	else
		op_refused(m);
}

static int model(uint64_t seed, unsigned long min_ops, const char *stop)
{
	static struct msg m;
	struct mtable *t;
	unsigned int i, k;
	double t0 = now();
	char pfx[64];

	rng = seed;
	model_fd = nl_open(1 << 20);
	if (resolve(model_fd))
		return 2;
	/* mdl0 comes from the rule: there, empty, with the defaults. */
	table_reset(&tables[0], PMTUFIX_DEFAULT_MTU);
	tables[0].exists = true;
	op_life(&m, &tables[1]);

	for (ops = 0; ops < min_ops || access(stop, F_OK); ops++)
		model_step(&m);
	for (k = 0; k < NTABLES; k++)
		if (tables[k].exists)
			op_check(&m, &tables[k]);
	close(model_fd);

	for (k = 0; k < NTABLES; k++) {
		t = &tables[k];
		if (!t->exists)
			continue;
		printf("table %s mtu %u floor4 %u\n", t->name, t->mtu,
		       t->floor4);
		for (i = 0; i < POOL; i++) {
			if (!t->e[i].present)
				continue;
			pool_str(i, pfx, sizeof(pfx));
			printf("entry %s %s ", t->name, pfx);
			if (t->e[i].mtu)
				printf("%u", t->e[i].mtu);
			else
				printf("-");
			printf(" %s\n", layer_names[t->e[i].layer]);
		}
	}
	fprintf(stderr, "{\"seed\": %llu, \"operations\": %lu, \"checks\": %lu, \"seconds\": %.2f}\n",
		(unsigned long long)seed, ops, checks, now() - t0);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: nlfuzz fuzz [-u] SEED COUNT\n"
			"       nlfuzz model SEED MIN_OPS STOPFILE\n");
	return 2;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "fuzz")) {
		argv++;
		argc--;
		if (argc >= 2 && !strcmp(argv[1], "-u")) {
			unprivileged = true;
			argv++;
			argc--;
		}
		if (argc != 3)
			return usage();
		return fuzz(strtoull(argv[1], NULL, 0),
			    strtoul(argv[2], NULL, 0));
	}
	if (argc == 5 && !strcmp(argv[1], "model"))
		return model(strtoull(argv[2], NULL, 0),
			     strtoul(argv[3], NULL, 0), argv[4]);
	return usage();
}
