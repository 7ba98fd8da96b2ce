/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the pmtufix generic netlink family with libmnl: requests with
 * acknowledgements, dumps, and the kernel's extended ack messages.
 */
#ifndef _PMTUFIX_GENL_H
#define _PMTUFIX_GENL_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "parse.h"

struct pmtufix_nl {
	struct mnl_socket *sock;
	uint16_t family;
	uint32_t version;	/* the module's PMTUFIX_GENL_VERSION */
	uint32_t portid;
	uint32_t seq;
	char *buf;		/* requests */
	size_t buflen;
	char *rbuf;		/* replies: grown to the largest one */
	size_t rbuflen;
	/* The kernel's message for the last failed request, or "". */
	char error[256];
	/* Set when a dump was interrupted by a change: the caller retries. */
	int dump_intr;
};

/*
 * Opens a socket and resolves the family, loading the module if it can.
 * On failure prints "pmtufix ACTION: ..." (the module not being loaded, or
 * the cause) and returns -1.
 */
int pmtufix_nl_open(struct pmtufix_nl *h, const char *action);

/*
 * A socket on netlink bus @bus (NETLINK_ROUTE, ...) with the buffers
 * pmtufix_nl_talk() uses, and no family: 0, or -1 after printing "pmtufix
 * ACTION: ...".
 */
int pmtufix_nl_socket(struct pmtufix_nl *h, int bus, const char *action);

/*
 * On a NETLINK_GENERIC socket, resolves generic netlink family @name into
 * h->family (and h->version): 0, -ENOENT when the kernel has no such
 * family, or another negative errno.
 */
int pmtufix_nl_family(struct pmtufix_nl *h, const char *name);
void pmtufix_nl_close(struct pmtufix_nl *h);

/* Starts a request for @cmd in h->buf with @flags besides NLM_F_REQUEST. */
struct nlmsghdr *pmtufix_nl_request(struct pmtufix_nl *h, uint8_t cmd,
				    uint16_t flags);

/*
 * Sends @nlh and reads replies until the ack or the end of the dump,
 * handing each message to @cb (may be NULL).  Returns 0 or a negative
 * errno; h->error then holds the kernel's explanation when it gave one.
 */
int pmtufix_nl_talk(struct pmtufix_nl *h, struct nlmsghdr *nlh,
		    mnl_cb_t cb, void *data);

/*
 * Prints "pmtufix ACTION: CAUSE" for a failed pmtufix_nl_talk(): the
 * kernel's message when it gave one, otherwise the errno with a hint for
 * those whose cause is known (EPERM, ENOSPC).
 */
void pmtufix_nl_perror(const struct pmtufix_nl *h, const char *action,
		       int err);

/* Puts one entry nest (PMTUFIX_A_ENTRY); with_path adds MTU and layers. */
int pmtufix_put_request_entry(struct nlmsghdr *nlh, size_t buflen,
			      const struct pmtufix_entry_spec *e,
			      int with_path);

/* Parses a PMTUFIX_A_ENTRY nest of a reply. */
struct pmtufix_entry_reply {
	struct pmtufix_entry_spec spec;
	uint32_t inner_mtu;
	uint32_t mss;
	uint64_t hits;
	uint64_t clamped;
	uint64_t too_big_sent;
	uint64_t too_big_ratelimited;
	uint64_t icmp_repaired;
};

int pmtufix_parse_reply_entry(const struct nlattr *nest,
			      struct pmtufix_entry_reply *r);

/* The table attributes of a TABLE_GET reply. */
struct pmtufix_table_reply {
	char name[PMTUFIX_TABLE_NAME_LEN];
	uint32_t mtu, floor4, floor6, count4, count6, rules, generation;
	uint32_t too_big_rate, too_big_burst;
	uint32_t too_big_src_rate, too_big_src_burst;
};

int pmtufix_parse_reply_table(const struct nlmsghdr *nlh,
			      struct pmtufix_table_reply *t);

#endif /* _PMTUFIX_GENL_H */
