/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Named tables of a network namespace: their life, the rules that use
 * them, their counters, and the publication of their snapshots; see
 * table.c.
 */
#ifndef _PMTUFIX_TABLE_H
#define _PMTUFIX_TABLE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "snapshot.h"

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

struct pmtufix_table {
	struct list_head list;		/* in pmtufix_net.tables */
	struct pmtufix_net *pn;
	refcount_t ref;			/* the list's, and one per rule */
	unsigned int rules;		/* under pn->lock */
	u32 generation;			/* changes with every update */
	char name[PMTUFIX_TABLE_NAME_LEN];
	struct pmtufix_snapshot __rcu *data;
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

struct pmtufix_net *pmtufix_pernet(struct net *net);
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

/* Flags: PMTUFIX_UPDATE_*, see snapshot.h. */
int pmtufix_table_update(struct pmtufix_table *t,
			 struct pmtufix_batch *add, struct pmtufix_batch *del,
			 const struct pmtufix_defaults *def, unsigned int flags,
			 struct netlink_ext_ack *extack);

static inline struct pmtufix_snapshot *
pmtufix_table_snapshot(const struct pmtufix_table *t)
{
	return rcu_dereference_protected(t->data,
					 lockdep_is_held(&t->pn->lock));
}

void pmtufix_stats_read(const struct pmtufix_table *t, int cpu,
			u64 out[PMTUFIX_C_MAX]);
void pmtufix_stats_reset(struct pmtufix_table *t);

extern const struct pmtufix_defaults pmtufix_default_defaults;

/* The parts main.c starts and stops. */
int pmtufix_pernet_init(void);
void pmtufix_pernet_uninit(void);
int pmtufix_target_init(void);
void pmtufix_target_uninit(void);

int pmtufix_genl_init(void);
void pmtufix_genl_uninit(void);

#endif /* _PMTUFIX_TABLE_H */
