// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/pmtufix.h>

#include "genl.h"

/*
 * Replies start with this buffer, enough for the messages of a dump; a
 * larger one (per-CPU counters on a machine with many CPUs) grows it.
 */
#define PMTUFIX_NL_RBUF	(64 * 1024)
/* Requests: large loads are split into messages of about this size. */
#define PMTUFIX_NL_BUF	(32 * 1024)

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, CTRL_ATTR_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1] = {};
	struct pmtufix_nl *h = data;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb, tb);
	if (tb[CTRL_ATTR_FAMILY_ID])
		h->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION])
		h->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	return MNL_CB_OK;
}

struct talk_ctx {
	struct pmtufix_nl *h;
	mnl_cb_t cb;
	void *data;
};

static int ext_ack_cb(const struct nlattr *attr, void *data)
{
	struct pmtufix_nl *h = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(h->error, sizeof(h->error), "%s",
			 mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* An NLMSG_ERROR: remember the kernel's message, return the errno. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct pmtufix_nl *h = ((struct talk_ctx *)data)->h;
	unsigned int off = sizeof(*err);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += mnl_nlmsg_get_payload_len(&err->msg);
		mnl_attr_parse(nlh, off, ext_ack_cb, h);
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pmtufix_nl *h = ((struct talk_ctx *)data)->h;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		h->dump_intr = 1;
	return MNL_CB_STOP;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;

	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		ctx->h->dump_intr = 1;
	return ctx->cb ? ctx->cb(nlh, ctx->data) : MNL_CB_OK;
}

/*
 * Makes h->rbuf large enough for the next datagram, which the kernel may
 * send larger than any buffer given so far: mnl_socket_recvfrom() fails
 * with ENOSPC on a truncated one.
 */
static int reserve_rbuf(struct pmtufix_nl *h)
{
	ssize_t n;
	char *p;

	n = recv(mnl_socket_get_fd(h->sock), NULL, 0, MSG_PEEK | MSG_TRUNC);
	if (n < 0)
		return -errno;
	if ((size_t)n <= h->rbuflen)
		return 0;
	p = realloc(h->rbuf, n);
	if (!p)
		return -ENOMEM;
	h->rbuf = p;
	h->rbuflen = n;
	return 0;
}

/* Receives the next datagram into h->rbuf: its length, or -errno. */
static ssize_t recv_datagram(struct pmtufix_nl *h)
{
	int ret = reserve_rbuf(h);
	ssize_t n;

	if (ret)
		return ret;
	n = mnl_socket_recvfrom(h->sock, h->rbuf, h->rbuflen);
	return n < 0 ? -errno : n;
}

/*
 * libmnl fails with EINTR at the first message of a dump that the kernel
 * marked NLM_F_DUMP_INTR (the tables changed during it), before any
 * callback sees it.  Read the dump to its end, the @n bytes in h->rbuf
 * first, so that nothing of it is left on the socket, and say so in
 * h->dump_intr: the callers run the dump again.
 */
static int finish_interrupted_dump(struct pmtufix_nl *h, uint32_t seq, int n)
{
	const struct nlmsghdr *nlh;
	const struct nlmsgerr *err;
	ssize_t got;

	h->dump_intr = 1;
	for (;;) {
		for (nlh = (const struct nlmsghdr *)h->rbuf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = mnl_nlmsg_get_payload(nlh);
				return err->error;
			}
		}
		got = recv_datagram(h);
		if (got < 0)
			return got;
		n = got;
	}
}

int pmtufix_nl_talk(struct pmtufix_nl *h, struct nlmsghdr *nlh, mnl_cb_t cb,
		    void *data)
{
	struct talk_ctx ctx = { .h = h, .cb = cb, .data = data };
	/* mnl_cb_run2() hands &ctx to these too. */
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	h->error[0] = '\0';
	h->dump_intr = 0;
	if (mnl_socket_sendto(h->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = recv_datagram(h);
		if (n < 0)
			return n;
		ret = mnl_cb_run2(h->rbuf, n, seq, h->portid, data_cb, &ctx,
				  ctl, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR && errno == EINTR &&
		    nlh->nlmsg_flags & NLM_F_DUMP)
			return finish_interrupted_dump(h, seq, n);
		if (ret == MNL_CB_ERROR)
			return -errno;
	} while (ret > MNL_CB_STOP);
	return 0;
}

struct nlmsghdr *pmtufix_nl_request(struct pmtufix_nl *h, uint8_t cmd,
				    uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(h->buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = h->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++h->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = PMTUFIX_GENL_VERSION;
	return nlh;
}

int pmtufix_nl_socket(struct pmtufix_nl *h, int bus, const char *action)
{
	int one = 1;

	memset(h, 0, sizeof(*h));
	h->buflen = PMTUFIX_NL_BUF;
	h->rbuflen = PMTUFIX_NL_RBUF;
	h->buf = malloc(h->buflen);
	h->rbuf = malloc(h->rbuflen);
	if (!h->buf || !h->rbuf) {
		fprintf(stderr, "pmtufix %s: out of memory\n", action);
		goto err;
	}
	h->sock = mnl_socket_open(bus);
	if (!h->sock || mnl_socket_bind(h->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "pmtufix %s: cannot open a netlink socket: %s\n",
			action, strerror(errno));
		goto err;
	}
	mnl_socket_setsockopt(h->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(h->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	h->portid = mnl_socket_get_portid(h->sock);
	h->seq = time(NULL);
	return 0;
err:
	pmtufix_nl_close(h);
	return -1;
}

int pmtufix_nl_family(struct pmtufix_nl *h, const char *name)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int ret;

	nlh = mnl_nlmsg_put_header(h->buf);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++h->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	h->family = 0;
	ret = pmtufix_nl_talk(h, nlh, family_cb, h);
	if (!ret && !h->family)
		ret = -ENOENT;
	return ret;
}

int pmtufix_nl_open(struct pmtufix_nl *h, const char *action)
{
	int ret;

	if (pmtufix_nl_socket(h, NETLINK_GENERIC, action))
		return -1;
	ret = pmtufix_nl_family(h, PMTUFIX_GENL_NAME);
	if (ret == -ENOENT) {
		fprintf(stderr,
			"pmtufix %s: the pmtufix kernel module is not loaded (modprobe xt_PMTUFIX)\n",
			action);
		goto err;
	}
	if (ret) {
		pmtufix_nl_perror(h, action, ret);
		goto err;
	}
	return 0;
err:
	pmtufix_nl_close(h);
	return -1;
}

void pmtufix_nl_close(struct pmtufix_nl *h)
{
	if (h->sock)
		mnl_socket_close(h->sock);
	free(h->buf);
	free(h->rbuf);
	memset(h, 0, sizeof(*h));
}

void pmtufix_nl_perror(const struct pmtufix_nl *h, const char *action,
		       int err)
{
	const char *hint = "";

	if (h->error[0]) {
		fprintf(stderr, "pmtufix %s: %s\n", action, h->error);
		return;
	}
	/* The kernel says nothing more when it refuses for these. */
	if (err == -EPERM)
		hint = " (reading or changing pmtufix tables needs CAP_NET_ADMIN in the network namespace: run as root)";
	else if (err == -ENOSPC)
		hint = " (a limit of the module: see MODULE PARAMETERS in pmtufix(8))";
	fprintf(stderr, "pmtufix %s: %s%s\n", action, strerror(-err), hint);
}

static int put_layer(struct nlmsghdr *nlh, size_t buflen,
		     const struct pmtufix_layer *l)
{
	struct nlattr *nest;

	nest = mnl_attr_nest_start_check(nlh, buflen, PMTUFIX_A_LAYER);
	if (!nest)
		return -1;
	if (!mnl_attr_put_u16_check(nlh, buflen, PMTUFIX_LAYER_A_TYPE,
				    l->type))
		goto full;
	if (l->flags && !mnl_attr_put_u32_check(nlh, buflen,
						PMTUFIX_LAYER_A_FLAGS,
						l->flags))
		goto full;
	if (l->count && !mnl_attr_put_u16_check(nlh, buflen,
						PMTUFIX_LAYER_A_COUNT,
						l->count))
		goto full;
	if (l->type == PMTUFIX_LAYER_ESP &&
	    (!mnl_attr_put_u8_check(nlh, buflen, PMTUFIX_LAYER_A_ESP_MODE,
				    l->esp_mode) ||
	     !mnl_attr_put_u8_check(nlh, buflen, PMTUFIX_LAYER_A_ESP_CIPHER,
				    l->esp_cipher) ||
	     !mnl_attr_put_u8_check(nlh, buflen, PMTUFIX_LAYER_A_ESP_INTEG,
				    l->esp_integ) ||
	     (l->esp_icv &&
	      !mnl_attr_put_u16_check(nlh, buflen, PMTUFIX_LAYER_A_ESP_ICV,
				      l->esp_icv))))
		goto full;
	mnl_attr_nest_end(nlh, nest);
	return 0;
full:
	mnl_attr_nest_cancel(nlh, nest);
	return -1;
}

int pmtufix_put_request_entry(struct nlmsghdr *nlh, size_t buflen,
			      const struct pmtufix_entry_spec *e,
			      int with_path)
{
	struct nlattr *nest, *layers;
	unsigned int i;
	int v4 = e->family == PMTUFIX_IPV4;

	nest = mnl_attr_nest_start_check(nlh, buflen, PMTUFIX_A_ENTRY);
	if (!nest)
		return -1;
	if (!mnl_attr_put_u16_check(nlh, buflen, PMTUFIX_ENTRY_A_FAMILY,
				    v4 ? AF_INET : AF_INET6) ||
	    !mnl_attr_put_check(nlh, buflen, PMTUFIX_ENTRY_A_ADDR,
				v4 ? 4 : 16, e->addr) ||
	    !mnl_attr_put_u8_check(nlh, buflen, PMTUFIX_ENTRY_A_PLEN, e->plen))
		goto full;
	if (with_path && e->mtu &&
	    !mnl_attr_put_u32_check(nlh, buflen, PMTUFIX_ENTRY_A_MTU, e->mtu))
		goto full;
	if (with_path && e->nlayers) {
		layers = mnl_attr_nest_start_check(nlh, buflen,
						   PMTUFIX_ENTRY_A_LAYERS);
		if (!layers)
			goto full;
		for (i = 0; i < e->nlayers; i++)
			if (put_layer(nlh, buflen, &e->layers[i]))
				goto full;
		mnl_attr_nest_end(nlh, layers);
	}
	mnl_attr_nest_end(nlh, nest);
	return 0;
full:
	mnl_attr_nest_cancel(nlh, nest);
	return -1;
}

struct attr_table {
	const struct nlattr **tb;
	int max;
};

static int attr_table_cb(const struct nlattr *attr, void *data)
{
	struct attr_table *at = data;
	int type = mnl_attr_get_type(attr);

	/* Attributes newer than this program are skipped. */
	if (type <= at->max)
		at->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_layer(const struct nlattr *nest, struct pmtufix_layer *l)
{
	const struct nlattr *tb[PMTUFIX_LAYER_A_MAX + 1] = {};
	struct attr_table at = { tb, PMTUFIX_LAYER_A_MAX };

	if (mnl_attr_parse_nested(nest, attr_table_cb, &at) < 0 ||
	    !tb[PMTUFIX_LAYER_A_TYPE])
		return -1;
	memset(l, 0, sizeof(*l));
	l->type = mnl_attr_get_u16(tb[PMTUFIX_LAYER_A_TYPE]);
	if (tb[PMTUFIX_LAYER_A_FLAGS])
		l->flags = mnl_attr_get_u32(tb[PMTUFIX_LAYER_A_FLAGS]);
	if (tb[PMTUFIX_LAYER_A_COUNT])
		l->count = mnl_attr_get_u16(tb[PMTUFIX_LAYER_A_COUNT]);
	if (tb[PMTUFIX_LAYER_A_ESP_MODE])
		l->esp_mode = mnl_attr_get_u8(tb[PMTUFIX_LAYER_A_ESP_MODE]);
	if (tb[PMTUFIX_LAYER_A_ESP_CIPHER])
		l->esp_cipher = mnl_attr_get_u8(tb[PMTUFIX_LAYER_A_ESP_CIPHER]);
	if (tb[PMTUFIX_LAYER_A_ESP_INTEG])
		l->esp_integ = mnl_attr_get_u8(tb[PMTUFIX_LAYER_A_ESP_INTEG]);
	if (tb[PMTUFIX_LAYER_A_ESP_ICV])
		l->esp_icv = mnl_attr_get_u16(tb[PMTUFIX_LAYER_A_ESP_ICV]);
	return 0;
}

int pmtufix_parse_reply_entry(const struct nlattr *nest,
			      struct pmtufix_entry_reply *r)
{
	const struct nlattr *tb[PMTUFIX_ENTRY_A_MAX + 1] = {};
	struct attr_table at = { tb, PMTUFIX_ENTRY_A_MAX };
	struct pmtufix_entry_spec *e = &r->spec;
	const struct nlattr *l;
	size_t alen;

	memset(r, 0, sizeof(*r));
	if (mnl_attr_parse_nested(nest, attr_table_cb, &at) < 0 ||
	    !tb[PMTUFIX_ENTRY_A_FAMILY] || !tb[PMTUFIX_ENTRY_A_ADDR] ||
	    !tb[PMTUFIX_ENTRY_A_PLEN])
		return -1;
	e->family = mnl_attr_get_u16(tb[PMTUFIX_ENTRY_A_FAMILY]) == AF_INET ?
		    PMTUFIX_IPV4 : PMTUFIX_IPV6;
	alen = mnl_attr_get_payload_len(tb[PMTUFIX_ENTRY_A_ADDR]);
	if (alen != (e->family == PMTUFIX_IPV4 ? 4 : 16))
		return -1;
	memcpy(e->addr, mnl_attr_get_payload(tb[PMTUFIX_ENTRY_A_ADDR]), alen);
	e->plen = mnl_attr_get_u8(tb[PMTUFIX_ENTRY_A_PLEN]);
	if (tb[PMTUFIX_ENTRY_A_MTU])
		e->mtu = mnl_attr_get_u32(tb[PMTUFIX_ENTRY_A_MTU]);
	if (tb[PMTUFIX_ENTRY_A_LAYERS]) {
		mnl_attr_for_each_nested(l, tb[PMTUFIX_ENTRY_A_LAYERS]) {
			if (e->nlayers == PMTUFIX_MAX_LAYERS ||
			    parse_layer(l, &e->layers[e->nlayers]))
				return -1;
			e->nlayers++;
		}
	}
	if (tb[PMTUFIX_ENTRY_A_INNER_MTU])
		r->inner_mtu = mnl_attr_get_u32(tb[PMTUFIX_ENTRY_A_INNER_MTU]);
	if (tb[PMTUFIX_ENTRY_A_MSS])
		r->mss = mnl_attr_get_u32(tb[PMTUFIX_ENTRY_A_MSS]);
	if (tb[PMTUFIX_ENTRY_A_HITS])
		r->hits = mnl_attr_get_u64(tb[PMTUFIX_ENTRY_A_HITS]);
	if (tb[PMTUFIX_ENTRY_A_CLAMPED])
		r->clamped = mnl_attr_get_u64(tb[PMTUFIX_ENTRY_A_CLAMPED]);
	if (tb[PMTUFIX_ENTRY_A_TOO_BIG_SENT])
		r->too_big_sent =
			mnl_attr_get_u64(tb[PMTUFIX_ENTRY_A_TOO_BIG_SENT]);
	if (tb[PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED])
		r->too_big_ratelimited =
			mnl_attr_get_u64(tb[PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED]);
	if (tb[PMTUFIX_ENTRY_A_ICMP_REPAIRED])
		r->icmp_repaired =
			mnl_attr_get_u64(tb[PMTUFIX_ENTRY_A_ICMP_REPAIRED]);
	return 0;
}

int pmtufix_parse_reply_table(const struct nlmsghdr *nlh,
			      struct pmtufix_table_reply *t)
{
	const struct nlattr *tb[PMTUFIX_A_MAX + 1] = {};
	struct attr_table at = { tb, PMTUFIX_A_MAX };

	memset(t, 0, sizeof(*t));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), attr_table_cb, &at);
	if (!tb[PMTUFIX_A_TABLE])
		return -1;
	snprintf(t->name, sizeof(t->name), "%s",
		 mnl_attr_get_str(tb[PMTUFIX_A_TABLE]));
#define GET32(field, attr) \
	do { if (tb[attr]) t->field = mnl_attr_get_u32(tb[attr]); } while (0)
	GET32(mtu, PMTUFIX_A_MTU);
	GET32(floor4, PMTUFIX_A_FLOOR4);
	GET32(floor6, PMTUFIX_A_FLOOR6);
	GET32(count4, PMTUFIX_A_COUNT4);
	GET32(count6, PMTUFIX_A_COUNT6);
	GET32(rules, PMTUFIX_A_RULES);
	GET32(generation, PMTUFIX_A_GENERATION);
	GET32(too_big_rate, PMTUFIX_A_TOO_BIG_RATE);
	GET32(too_big_burst, PMTUFIX_A_TOO_BIG_BURST);
	GET32(too_big_src_rate, PMTUFIX_A_TOO_BIG_SRC_RATE);
	GET32(too_big_src_burst, PMTUFIX_A_TOO_BIG_SRC_BURST);
#undef GET32
	return 0;
}
