/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmtufix derive: table entries from what the kernel says about the host's
 * encapsulation, read over netlink: xfrm policies and states, tunnel
 * devices and the routes through them, IPVS services tunnelling to their
 * real servers.  derive.c is the command (output, merging with a
 * hand-written file, comparing with a loaded table); derive_sys.c reads
 * the kernel (derive_xfrm.c its policies and SAs, derive_nl.c the
 * attributes) and works out each entry.
 */
#ifndef _PMTUFIX_DERIVE_H
#define _PMTUFIX_DERIVE_H

#include <stddef.h>

#include "parse.h"

/* The sources, for --from. */
#define DV_XFRM		(1U << 0)
#define DV_TUNNELS	(1U << 1)
#define DV_IPVS		(1U << 2)
#define DV_ALL		(DV_XFRM | DV_TUNNELS | DV_IPVS)

/*
 * What an entry came from, in the order of precedence at one prefix: a
 * hand-written line wins over anything derived; an xfrm policy applies on
 * top of the route to the same prefix; a route through a tunnel device
 * tells more than a route through a narrow link.
 */
enum dv_rank {
	DV_RANK_LINK,		/* a route through a link narrower than --mtu */
	DV_RANK_TUNNEL,		/* a route through a tunnel device or encap */
	DV_RANK_IPVS,		/* an IPVS virtual service */
	DV_RANK_XFRM,		/* an outbound xfrm policy */
	DV_RANK_FILE,		/* a line of the --merge file */
};

struct dv_entry {
	struct pmtufix_entry_spec spec;
	/*
	 * 0: what the kernel said cannot be modelled, or not whole: @note
	 * says why, and the prefix gets no entry.
	 */
	int ok;
	enum dv_rank rank;
	u32 inner;		/* the inner MTU for the prefix's family */
	char note[640];		/* what it came from, or why no entry */
};

struct dv_list {
	struct dv_entry *v;
	size_t n, cap;
};

/* Appends a zeroed entry; NULL when memory is short. */
struct dv_entry *dv_add(struct dv_list *l);

struct dv_options {
	unsigned int from;	/* DV_* */
	u32 mtu;		/* links narrower than this get an entry */
};

/*
 * Reads the kernel and appends what @o's sources give to @out, unsorted;
 * several entries may share a prefix.  Prints what it cannot read on
 * stderr.  0, or -1 when a source could not be read at all.
 */
int dv_derive(const struct dv_options *o, struct dv_list *out);

#endif /* _PMTUFIX_DERIVE_H */
