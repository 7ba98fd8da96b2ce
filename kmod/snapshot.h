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
#include <linux/refcount.h>
#include <linux/workqueue.h>

#include "core/layers.h"
#include "core/limits.h"
#include "core/lpm.h"
#include "core/overlay.h"
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
 * A delta entry (see core/overlay.h): its path, the base entry of the same
 * prefix, and its counters.  A replaced base entry keeps the base's
 * counters; an added prefix, or one added again after its deletion, gets
 * its own, which follow it from delta to delta.
 */
struct pmtufix_dent {
	u32 profile;			/* the delta's; PMTUFIX_LPM_NONE: deleted */
	u32 base;			/* or PMTUFIX_LPM_NONE */
	struct pmtufix_entry_stats *st;	/* NULL when deleted */
	bool own;			/* st is not the base's */
};

/*
 * The large part of a table, built whole and never changed: entries sorted
 * by prefix, entry i of a family with prefix pfxN[i], path profile
 * profN[i] and counters stN[i].  Shared by the snapshots that change it
 * with a delta, and freed with the last of them.
 */
struct pmtufix_base {
	refcount_t ref;
	u32 n4, n6, nprofiles;
	struct pmtufix_pfx4 *pfx4;
	struct pmtufix_pfx6 *pfx6;
	u16 *prof4, *prof6;		/* below PMTUFIX_MAX_PROFILES */
	struct pmtufix_entry_stats *st4, *st6;
	struct pmtufix_profile *profiles;
	struct pmtufix_fit *fits;	/* per profile */
	struct pmtufix_lpm4 lpm4;
	struct pmtufix_lpm6 lpm6;
	u32 *index4, *index6;		/* the lookups' index slots */
	u64 lens4[PMTUFIX_LENS_WORDS], lens6[PMTUFIX_LENS_WORDS];
};

/*
 * The contents of a table: a base and a small delta over it, published
 * with rcu_assign_pointer() and never changed afterwards, so a packet sees
 * one version or the next, never a mix.  A change of a few entries makes a
 * new delta over the same base; a load, a change of settings or a delta
 * grown past PMTUFIX_DELTA_MAX makes a new base.
 */
struct pmtufix_snapshot {
	struct pmtufix_defaults def;
	struct pmtufix_base *base;
	u32 n4, n6;			/* live entries */
	struct pmtufix_delta4 delta4;
	struct pmtufix_delta6 delta6;
	struct pmtufix_dent *dent4, *dent6;
	struct pmtufix_profile *dprofiles;
	struct pmtufix_fit *dfits;
	u32 ndprofiles;
	/*
	 * A superseded snapshot frees, with itself, the counters its
	 * successor dropped (packets may count in them until then), and no
	 * others: the successor owns the rest.
	 */
	struct pmtufix_entry_stats **drop;
	u32 ndrop;
	bool owns;
	struct rcu_work free_work;
};

/* Most delta entries, both families, before a change makes a new base. */
#define PMTUFIX_DELTA_MAX	1024

/* An entry as readers see it, wherever it is. */
struct pmtufix_view {
	struct pmtufix_ent e;		/* profile: the index in its set */
	bool delta;			/* in the delta, profile in dprofiles */
	bool shadows;			/* a delta entry over a base one */
	const struct pmtufix_profile *profile;
	const struct pmtufix_fit *fit;
	struct pmtufix_entry_stats *st;
};

/* A position in a family's live entries, in base and delta order. */
struct pmtufix_pos {
	u32 bi, di;
};

/*
 * The entry at @pos, moving @pos past deleted ones; false past the last.
 * pmtufix_snapshot_step() then moves past it.
 */
bool pmtufix_snapshot_at(const struct pmtufix_snapshot *d, unsigned int family,
			 struct pmtufix_pos *pos, struct pmtufix_view *v);
void pmtufix_snapshot_step(struct pmtufix_pos *pos,
			   const struct pmtufix_view *v);

/* The entry a lookup referred to (see core/overlay.h). */
void pmtufix_snapshot_view(const struct pmtufix_snapshot *d,
			   unsigned int family, u32 ref,
			   struct pmtufix_view *v);

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
 * @pn), as a new base.  Sorts @add and @del.  Its entry counters start at
 * zero.
 */
struct pmtufix_snapshot *
pmtufix_snapshot_build(const struct pmtufix_snapshot *old,
		       struct pmtufix_batch *add, struct pmtufix_batch *del,
		       const struct pmtufix_defaults *def, unsigned int flags,
		       const struct pmtufix_net *pn,
		       struct netlink_ext_ack *extack);

/*
 * The same change as a new delta over @old's base, sharing @old's counters
 * (flags: PMTUFIX_UPDATE_REPLACE only); NULL when the delta would grow
 * past PMTUFIX_DELTA_MAX, or its paths and the base's past the table's
 * bound: then a new base must be built.  The counters it no longer uses
 * are in its drop list, for pmtufix_snapshot_supersede().
 */
struct pmtufix_snapshot *
pmtufix_snapshot_change(const struct pmtufix_snapshot *old,
			struct pmtufix_batch *add, struct pmtufix_batch *del,
			unsigned int flags, const struct pmtufix_net *pn,
			struct netlink_ext_ack *extack);

/* After @d, made by pmtufix_snapshot_change(), replaced @old. */
void pmtufix_snapshot_supersede(struct pmtufix_snapshot *old,
				struct pmtufix_snapshot *d);

void pmtufix_snapshot_free(struct pmtufix_snapshot *d);

/*
 * Entry counters follow their prefix from @old to @d, a new base: added,
 * once no packet can still be counting in @old, to what @d counted
 * meanwhile.
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

/* The reference of the entry matching @addr (network order), if any. */
static inline u32 pmtufix_lookup4(const struct pmtufix_snapshot *d,
				  const u8 *addr)
{
	const struct pmtufix_base *b = d->base;

	return pmtufix_overlay4_lookup(&b->lpm4, b->pfx4, &d->delta4,
				       pmtufix_addr4_from_bytes(addr));
}

static inline u32 pmtufix_lookup6(const struct pmtufix_snapshot *d,
				  const u8 *addr)
{
	const struct pmtufix_base *b = d->base;
	struct pmtufix_u128 a = pmtufix_addr6_from_bytes(addr);

	return pmtufix_overlay6_lookup(&b->lpm6, b->pfx6, &d->delta6, &a);
}

#endif /* _PMTUFIX_SNAPSHOT_H */
