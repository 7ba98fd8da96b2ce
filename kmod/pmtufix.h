/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PMTUFIX_H
#define _PMTUFIX_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/pmtufix.h>
#include <net/net_namespace.h>

#include "core/layers.h"
#include "core/limits.h"
#include "core/lpm.h"
#include "core/pmtu.h"

/* Table counters: index i is netlink attribute PMTUFIX_STATS_FIRST + i. */
enum pmtufix_counter {
	PMTUFIX_C_PACKETS,
	PMTUFIX_C_SYN,
	PMTUFIX_C_SYNACK,
	PMTUFIX_C_CLAMPED,
	PMTUFIX_C_UNCHANGED,
	PMTUFIX_C_INSERTED,
	PMTUFIX_C_NO_MATCH,
	PMTUFIX_C_MALFORMED,
	PMTUFIX_C_NOT_WRITABLE,
	PMTUFIX_C_FRAGMENT,
	PMTUFIX_C_TOO_BIG_SENT,
	PMTUFIX_C_TOO_BIG_RATELIMITED,
	PMTUFIX_C_ICMP_REPAIRED,
	PMTUFIX_C_TOO_BIG_UNSENT,
	PMTUFIX_C_MAX
};

struct pmtufix_pcpu_stats {
	u64_stats_t c[PMTUFIX_C_MAX];
	struct u64_stats_sync syncp;
	/* Values at the last reset, subtracted on read; under pmtufix_net.lock. */
	u64 base[PMTUFIX_C_MAX];
};

/* The path toward a prefix: base MTU and layers.  Compared with memcmp. */
struct pmtufix_profile {
	u32 base_mtu;			/* 0: the table's default */
	u8 family;			/* PMTUFIX_IPV4 or PMTUFIX_IPV6 */
	u8 nlayers;
	u16 pad;
	struct pmtufix_layer layers[PMTUFIX_MAX_LAYERS];
};

/* What a profile gives under the table's defaults. */
struct pmtufix_path {
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

struct pmtufix_defaults {
	u32 mtu;
	u32 floor4;
	u32 floor6;
	u32 too_big_rate;		/* a second; 0: no limit of its own */
	u32 too_big_burst;
	u32 too_big_src_rate;		/* a second per source; 0: none */
	u32 too_big_src_burst;
};

/*
 * The contents of a table: built whole by the writer, published with
 * rcu_assign_pointer() and never changed afterwards, so a packet sees one
 * version or the next, never a mix.  Entries are sorted by prefix; entry i
 * of a family has prefix pfxN[i], path profile profN[i] and counters stN[i].
 */
struct pmtufix_tdata {
	struct pmtufix_defaults def;
	u32 n4, n6, nprofiles;
	struct pmtufix_pfx4 *pfx4;
	struct pmtufix_pfx6 *pfx6;
	u32 *prof4, *prof6;
	struct pmtufix_entry_stats *st4, *st6;
	struct pmtufix_profile *profiles;
	struct pmtufix_path *paths;	/* per profile */
	struct pmtufix_lpm4 lpm4;
	struct pmtufix_lpm6 lpm6;
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

struct pmtufix_net;

struct pmtufix_table {
	struct list_head list;		/* in pmtufix_net.tables */
	struct pmtufix_net *pn;
	refcount_t ref;			/* the list's, and one per rule */
	unsigned int rules;		/* under pn->lock */
	u32 generation;			/* changes with every update */
	char name[PMTUFIX_TABLE_NAME_LEN];
	struct pmtufix_tdata __rcu *data;
	struct pmtufix_pcpu_stats __percpu *stats;
	struct pmtufix_load *load;
	/* Bound the too-big messages of the table's rules: all, per source. */
	spinlock_t too_big_lock;
	struct pmtufix_tbucket too_big;
	struct pmtufix_src_limit too_big_src;
	u32 too_big_src_seed;
	struct rcu_work free_work;
};

struct pmtufix_net {
	struct mutex lock;		/* tables, their contents and loads */
	struct list_head tables;
	struct net *net;
	/*
	 * Never 0: changes whenever a table is created, changed or
	 * destroyed, for consistent dumps.
	 */
	u32 generation;
	unsigned int ntables;
};

/* Most entries one table of @pn may hold; the message for going past it. */
u32 pmtufix_entry_limit(const struct pmtufix_net *pn);
void pmtufix_limit_msg(const struct pmtufix_net *pn,
		       struct netlink_ext_ack *extack);

/* table.c */
struct pmtufix_net *pmtufix_pernet(struct net *net);
int pmtufix_pernet_init(void);
void pmtufix_pernet_uninit(void);
struct pmtufix_table *pmtufix_table_find(struct pmtufix_net *pn,
					 const char *name);
struct pmtufix_table *pmtufix_table_create(struct pmtufix_net *pn,
					   const char *name,
					   const struct pmtufix_defaults *def,
					   struct netlink_ext_ack *extack);
void pmtufix_table_unlink(struct pmtufix_table *t);
void pmtufix_table_put(struct pmtufix_table *t);
struct pmtufix_table *pmtufix_table_get_for_rule(struct net *net,
						 const char *name);
void pmtufix_table_put_for_rule(struct pmtufix_table *t);

void pmtufix_batch_init(struct pmtufix_batch *b, u32 max);
void pmtufix_batch_free(struct pmtufix_batch *b);
int pmtufix_batch_add(struct pmtufix_batch *b, unsigned int family,
		      const u8 *addr, unsigned int plen,
		      const struct pmtufix_profile *profile);
void pmtufix_load_free(struct pmtufix_load *load);

/* Flags of pmtufix_table_update(). */
#define PMTUFIX_UPDATE_REPLACE	(1U << 0)	/* added prefixes may exist */
#define PMTUFIX_UPDATE_ALL	(1U << 1)	/* @add replaces every entry */

int pmtufix_table_update(struct pmtufix_table *t,
			 struct pmtufix_batch *add, struct pmtufix_batch *del,
			 const struct pmtufix_defaults *def, unsigned int flags,
			 struct netlink_ext_ack *extack);

static inline struct pmtufix_tdata *
pmtufix_table_data(const struct pmtufix_table *t)
{
	return rcu_dereference_protected(t->data,
					 lockdep_is_held(&t->pn->lock));
}

/* The table's MSS floor for @family. */
static inline u32 pmtufix_floor(const struct pmtufix_tdata *d,
				unsigned int family)
{
	return family == PMTUFIX_IPV4 ? d->def.floor4 : d->def.floor6;
}

void pmtufix_stats_read(const struct pmtufix_table *t, int cpu,
			u64 out[PMTUFIX_C_MAX]);
void pmtufix_stats_reset(struct pmtufix_table *t);

/* Index of the entry matching @addr (network order), or PMTUFIX_LPM_NONE. */
u32 pmtufix_lookup4(const struct pmtufix_tdata *d, const u8 *addr);
u32 pmtufix_lookup6(const struct pmtufix_tdata *d, const u8 *addr);

extern const struct pmtufix_defaults pmtufix_default_defaults;

/* target.c */
int pmtufix_target_init(void);
void pmtufix_target_uninit(void);

/* netlink.c */
int pmtufix_genl_init(void);
void pmtufix_genl_uninit(void);

#endif /* _PMTUFIX_H */
