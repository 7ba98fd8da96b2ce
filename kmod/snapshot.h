/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contents of a table as packets read them (struct pmtufix_snapshot),
 * and the batches of entries a request gathers to build the next one; see
 * snapshot.c.
 */
#ifndef _PMTUFIX_SNAPSHOT_H
#define _PMTUFIX_SNAPSHOT_H

#include <linux/atomic.h>
#include <linux/netlink.h>
#include <linux/pmtufix.h>

#include "core/layers.h"
#include "core/limits.h"
#include "core/lpm.h"
#include "core/pmtu.h"

/* The path toward a prefix: base MTU and layers.  Compared with memcmp. */
struct pmtufix_profile {
	u32 base_mtu;			/* 0: the table's default */
	u8 family;			/* PMTUFIX_IPV4 or PMTUFIX_IPV6 */
	u8 nlayers;
	u16 pad;
	struct pmtufix_layer layers[PMTUFIX_MAX_LAYERS];
};

/* What fits through a profile under the table's defaults: inner MTU, MSS. */
struct pmtufix_fit {
	u32 mtu;
	u16 mss;
};

/*
 * An entry in a request, either family: IPv4 addresses sit in addr.lo.
 * Batches sort these by family, address and prefix length.
 */
struct pmtufix_ent {
	struct pmtufix_u128 addr;
	u8 family;
	u8 plen;
	u16 pad;
	u32 profile;
};

/* Entry counters, in the order of their PMTUFIX_ENTRY_A_* attributes. */
enum pmtufix_entry_counter {
	PMTUFIX_EC_HITS,
	PMTUFIX_EC_CLAMPED,
	PMTUFIX_EC_TOO_BIG_SENT,
	PMTUFIX_EC_TOO_BIG_RATELIMITED,
	PMTUFIX_EC_ICMP_REPAIRED,
	PMTUFIX_EC_MAX
};

struct pmtufix_entry_stats {
	atomic64_t c[PMTUFIX_EC_MAX];
};

#define PMTUFIX_NR_DEFAULTS	7

/* A table's settings; each is one u32 attribute, in this order. */
struct pmtufix_defaults {
	union {
		struct {
			u32 mtu;
			u32 floor4;
			u32 floor6;
			u32 too_big_rate;	/* a second; 0: no own limit */
			u32 too_big_burst;
			u32 too_big_src_rate;	/* a second per source; 0: none */
			u32 too_big_src_burst;
		};
		u32 v[PMTUFIX_NR_DEFAULTS];
	};
};

/*
 * The contents of a table: built whole by the writer, published with
 * rcu_assign_pointer() and never changed afterwards, so a packet sees one
 * version or the next, never a mix.  Entries are sorted by prefix; entry i
 * of a family has prefix pfxN[i], path profile profN[i] and counters stN[i].
 */
struct pmtufix_snapshot {
	struct pmtufix_defaults def;
	u32 n4, n6, nprofiles;
	struct pmtufix_pfx4 *pfx4;
	struct pmtufix_pfx6 *pfx6;
	u32 *prof4, *prof6;
	struct pmtufix_entry_stats *st4, *st6;
	struct pmtufix_profile *profiles;
	struct pmtufix_fit *fits;	/* per profile */
	struct pmtufix_lpm4 lpm4;
	struct pmtufix_lpm6 lpm6;
	u32 *index4, *index6;		/* the lookups' index slots */
};

/* Entries gathered from requests before they are merged into a table. */
struct pmtufix_batch {
	struct pmtufix_ent *ent;
	struct pmtufix_profile *profiles;
	u32 n, cap, nprofiles, capprofiles;
	u32 max;			/* most entries it may hold */
	u32 *hash;			/* profile index + 1, 0 = empty */
	u32 hash_mask;
	u32 seed;			/* of the profile hash */
};

/* A multi-message PMTUFIX_CMD_TABLE_LOAD in progress. */
struct pmtufix_load {
	u32 portid;
	struct pmtufix_batch batch;
};

void pmtufix_batch_init(struct pmtufix_batch *b, u32 max);
void pmtufix_batch_free(struct pmtufix_batch *b);
int pmtufix_batch_add(struct pmtufix_batch *b, unsigned int family,
		      const u8 *addr, unsigned int plen,
		      const struct pmtufix_profile *profile);
void pmtufix_load_free(struct pmtufix_load *load);

/* Flags of pmtufix_snapshot_build() and pmtufix_table_update(). */
#define PMTUFIX_UPDATE_REPLACE	(1U << 0)	/* added prefixes may exist */
#define PMTUFIX_UPDATE_ALL	(1U << 1)	/* @add replaces every entry */

struct pmtufix_net;

/*
 * A new snapshot: @old (may be NULL) minus the prefixes of @del, plus the
 * entries of @add, under @def, within @pn's entry limit (no limit without
 * @pn).  Sorts @add and @del.  Its entry counters start at zero.
 */
struct pmtufix_snapshot *
pmtufix_snapshot_build(const struct pmtufix_snapshot *old,
		       struct pmtufix_batch *add, struct pmtufix_batch *del,
		       const struct pmtufix_defaults *def, unsigned int flags,
		       const struct pmtufix_net *pn,
		       struct netlink_ext_ack *extack);
void pmtufix_snapshot_free(struct pmtufix_snapshot *d);

/*
 * Entry counters follow their prefix from @old to @d: added, once no
 * packet can still be counting in @old, to what @d counted meanwhile.
 */
void pmtufix_snapshot_carry_stats(const struct pmtufix_snapshot *old,
				  struct pmtufix_snapshot *d);
void pmtufix_snapshot_zero_stats(struct pmtufix_snapshot *d);

/* The table's MSS floor for @family. */
static inline u32 pmtufix_floor(const struct pmtufix_snapshot *d,
				unsigned int family)
{
	return family == PMTUFIX_IPV4 ? d->def.floor4 : d->def.floor6;
}

/* Index of the entry matching @addr (network order), or PMTUFIX_LPM_NONE. */
static inline u32 pmtufix_lookup4(const struct pmtufix_snapshot *d,
				  const u8 *addr)
{
	return pmtufix_lpm4_lookup(&d->lpm4, pmtufix_addr4_from_bytes(addr));
}

static inline u32 pmtufix_lookup6(const struct pmtufix_snapshot *d,
				  const u8 *addr)
{
	struct pmtufix_u128 a = pmtufix_addr6_from_bytes(addr);

	return pmtufix_lpm6_lookup(&d->lpm6, &a);
}

#endif /* _PMTUFIX_SNAPSHOT_H */
