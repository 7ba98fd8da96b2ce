// SPDX-License-Identifier: GPL-2.0
/*
 * Named per-namespace tables: their life, the rules that refer to them, and
 * the build-then-swap of their contents.
 *
 * Writers hold pmtufix_net.lock, build a complete new struct pmtufix_snapshot
 * next to the old one and publish it with one rcu_assign_pointer(); the old
 * one is freed after a grace period.  Packets only ever read a published
 * snapshot, under the RCU read lock netfilter hooks run in.
 *
 * A change of a few entries makes a snapshot that shares the old one's base
 * and counters: it is published without waiting, and the old one freed by
 * RCU work.  A new base is built after waiting out the readers of the old
 * snapshot, whose counters are then carried over.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/netns/generic.h>

#include "table.h"

/*
 * Limits.  Memory is charged to the writer's memory cgroup; these bound
 * what one request can ask for at all, and what a network namespace owned
 * by a user namespace other than the initial one (a container, or any
 * user with unshare -Urn) may hold.
 */
#define PMTUFIX_MAX_ENTRIES_LIMIT	(1U << 24)
#define PMTUFIX_MAX_TABLES_LIMIT	65536

static unsigned int pmtufix_max_entries = 4000000;
static unsigned int pmtufix_userns_max_entries = 100000;
static unsigned int pmtufix_userns_max_tables = 16;

static int pmtufix_param_set(const char *val, const struct kernel_param *kp,
			     unsigned int min, unsigned int max)
{
	unsigned int n;
	int ret;

	ret = kstrtouint(val, 0, &n);
	if (ret)
		return ret;
	if (n < min || n > max)
		return -EINVAL;
	WRITE_ONCE(*(unsigned int *)kp->arg, n);
	return 0;
}

static int pmtufix_set_max_entries(const char *val,
				   const struct kernel_param *kp)
{
	return pmtufix_param_set(val, kp, 1, PMTUFIX_MAX_ENTRIES_LIMIT);
}

static int pmtufix_set_userns_entries(const char *val,
				      const struct kernel_param *kp)
{
	return pmtufix_param_set(val, kp, 0, PMTUFIX_MAX_ENTRIES_LIMIT);
}

static int pmtufix_set_userns_tables(const char *val,
				     const struct kernel_param *kp)
{
	return pmtufix_param_set(val, kp, 0, PMTUFIX_MAX_TABLES_LIMIT);
}

static const struct kernel_param_ops pmtufix_max_entries_ops = {
	.set = pmtufix_set_max_entries,
	.get = param_get_uint,
};

static const struct kernel_param_ops pmtufix_userns_entries_ops = {
	.set = pmtufix_set_userns_entries,
	.get = param_get_uint,
};

static const struct kernel_param_ops pmtufix_userns_tables_ops = {
	.set = pmtufix_set_userns_tables,
	.get = param_get_uint,
};

module_param_cb(max_entries, &pmtufix_max_entries_ops, &pmtufix_max_entries,
		0644);
MODULE_PARM_DESC(max_entries,
		 "Most entries, IPv4 and IPv6 together, one table may hold (default 4000000, at most 16777216)");
module_param_cb(userns_max_entries, &pmtufix_userns_entries_ops,
		&pmtufix_userns_max_entries, 0644);
MODULE_PARM_DESC(userns_max_entries,
		 "Most entries one table may hold in a network namespace of a non-initial user namespace (default 100000)");
module_param_cb(userns_max_tables, &pmtufix_userns_tables_ops,
		&pmtufix_userns_max_tables, 0644);
MODULE_PARM_DESC(userns_max_tables,
		 "Most tables a network namespace of a non-initial user namespace may hold (default 16)");

/* The extended ack message for a table past the entry limit of @pn. */
void pmtufix_limit_msg(const struct pmtufix_net *pn,
		       struct netlink_ext_ack *extack)
{
	if (pmtufix_entry_limit(pn) < READ_ONCE(pmtufix_max_entries))
		NL_SET_ERR_MSG(extack,
			       "the table would exceed the entry limit of its namespace (module parameter userns_max_entries)");
	else
		NL_SET_ERR_MSG(extack,
			       "the table would exceed the entry limit (module parameter max_entries)");
}

static bool pmtufix_userns_limited(const struct pmtufix_net *pn)
{
	return pn->net->user_ns != &init_user_ns;
}

u32 pmtufix_entry_limit(const struct pmtufix_net *pn)
{
	u32 max = READ_ONCE(pmtufix_max_entries);

	if (pmtufix_userns_limited(pn))
		max = min_t(u32, max, READ_ONCE(pmtufix_userns_max_entries));
	return max;
}

const struct pmtufix_defaults pmtufix_default_defaults = {
	.mtu = PMTUFIX_DEFAULT_MTU,
	.floor4 = PMTUFIX_DEFAULT_FLOOR4,
	.floor6 = PMTUFIX_DEFAULT_FLOOR6,
	.too_big_rate = PMTUFIX_DEFAULT_TOO_BIG_RATE,
	.too_big_burst = PMTUFIX_DEFAULT_TOO_BIG_BURST,
	.too_big_src_rate = PMTUFIX_DEFAULT_TOO_BIG_SRC_RATE,
	.too_big_src_burst = PMTUFIX_DEFAULT_TOO_BIG_SRC_BURST,
};

static unsigned int pmtufix_net_id __read_mostly;
static struct workqueue_struct *pmtufix_wq;

struct pmtufix_net *pmtufix_pernet(struct net *net)
{
	return net_generic(net, pmtufix_net_id);
}

/* A new generation of @pn's tables: never 0, which dumps take as unset. */
static u32 pmtufix_net_changed(struct pmtufix_net *pn)
{
	lockdep_assert_held(&pn->lock);
	if (!++pn->generation)
		pn->generation = 1;
	return pn->generation;
}

static void pmtufix_snapshot_free_work(struct work_struct *work)
{
	pmtufix_snapshot_free(container_of(to_rcu_work(work),
					   struct pmtufix_snapshot, free_work));
}

/*
 * Replaces @t's contents with those of its current snapshot, minus the
 * prefixes in @del, plus the entries of @add, under @def (NULL: unchanged).
 * All or nothing.
 */
int pmtufix_table_update(struct pmtufix_table *t, struct pmtufix_batch *add,
			 struct pmtufix_batch *del,
			 const struct pmtufix_defaults *def, unsigned int flags,
			 struct netlink_ext_ack *extack)
{
	struct pmtufix_snapshot *old = pmtufix_table_snapshot(t), *d = NULL;

	if (!def && !(flags & PMTUFIX_UPDATE_ALL))
		d = pmtufix_snapshot_change(old, add, del, flags, t->pn, extack);
	if (IS_ERR(d))
		return PTR_ERR(d);
	if (d) {
		/*
		 * A new delta over the same base, sharing the counters of
		 * every entry it kept.  Packets that found @old may still
		 * read it and count in what @d dropped: both go after a
		 * grace period, without waiting here.
		 */
		rcu_assign_pointer(t->data, d);
		t->generation = pmtufix_net_changed(t->pn);
		pmtufix_snapshot_supersede(old, d);
		INIT_RCU_WORK(&old->free_work, pmtufix_snapshot_free_work);
		queue_rcu_work(pmtufix_wq, &old->free_work);
		return 0;
	}

	d = pmtufix_snapshot_build(old, add, del, def ? def : &old->def, flags,
				   t->pn, extack);
	if (IS_ERR(d))
		return PTR_ERR(d);
	rcu_assign_pointer(t->data, d);
	t->generation = pmtufix_net_changed(t->pn);

	/*
	 * A new base.  Packets that found @old may still count in it.  Wait
	 * for them, then carry its counters over: every reader of counters
	 * holds pn->lock, so none sees them in between.
	 */
	synchronize_rcu();
	pmtufix_snapshot_carry_stats(old, d);
	pmtufix_snapshot_free(old);
	return 0;
}

/* Counters */

void pmtufix_stats_read(const struct pmtufix_table *t, int cpu,
			u64 out[PMTUFIX_C_MAX])
{
	const struct pmtufix_pcpu_stats *s;
	u64 v[PMTUFIX_C_MAX];
	unsigned int start;
	int c, i;

	memset(out, 0, sizeof(u64) * PMTUFIX_C_MAX);
	for_each_possible_cpu(c) {
		if (cpu >= 0 && c != cpu)
			continue;
		s = per_cpu_ptr(t->stats, c);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PMTUFIX_C_MAX; i++)
				v[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < PMTUFIX_C_MAX; i++)
			out[i] += v[i] - s->base[i];
	}
}

void pmtufix_stats_reset(struct pmtufix_table *t)
{
	struct pmtufix_snapshot *d = pmtufix_table_snapshot(t);
	struct pmtufix_pcpu_stats *s;
	unsigned int start;
	int c, i;

	for_each_possible_cpu(c) {
		s = per_cpu_ptr(t->stats, c);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PMTUFIX_C_MAX; i++)
				s->base[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
	}
	pmtufix_snapshot_zero_stats(d);
}

/* Tables */

struct pmtufix_table *pmtufix_table_find(struct pmtufix_net *pn,
					 const char *name)
{
	struct pmtufix_table *t;

	lockdep_assert_held(&pn->lock);
	list_for_each_entry(t, &pn->tables, list)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

static void pmtufix_table_free_work(struct work_struct *work)
{
	struct pmtufix_table *t = container_of(to_rcu_work(work),
					       struct pmtufix_table, free_work);

	pmtufix_snapshot_free(rcu_dereference_protected(t->data, true));
	free_percpu(t->stats);
	kfree(t);
}

void pmtufix_table_put(struct pmtufix_table *t)
{
	if (!refcount_dec_and_test(&t->ref))
		return;
	pmtufix_load_free(t->load);
	INIT_RCU_WORK(&t->free_work, pmtufix_table_free_work);
	queue_rcu_work(pmtufix_wq, &t->free_work);
}

struct pmtufix_table *pmtufix_table_create(struct pmtufix_net *pn,
					   const char *name,
					   const struct pmtufix_defaults *def,
					   struct netlink_ext_ack *extack)
{
	struct pmtufix_snapshot *d;
	struct pmtufix_table *t;
	int cpu;

	lockdep_assert_held(&pn->lock);
	if (pmtufix_userns_limited(pn) &&
	    pn->ntables >= READ_ONCE(pmtufix_userns_max_tables)) {
		NL_SET_ERR_MSG(extack,
			       "the namespace has as many tables as it may (module parameter userns_max_tables)");
		return ERR_PTR(-ENOSPC);
	}
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return ERR_PTR(-ENOMEM);
	t->stats = alloc_percpu_gfp(struct pmtufix_pcpu_stats,
				    GFP_KERNEL_ACCOUNT);
	if (!t->stats) {
		kfree(t);
		return ERR_PTR(-ENOMEM);
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(t->stats, cpu)->syncp);

	d = pmtufix_snapshot_build(NULL, NULL, NULL, def, 0, NULL, NULL);
	if (IS_ERR(d)) {
		free_percpu(t->stats);
		kfree(t);
		return ERR_CAST(d);
	}
	RCU_INIT_POINTER(t->data, d);
	strscpy(t->name, name, sizeof(t->name));
	refcount_set(&t->ref, 1);
	spin_lock_init(&t->too_big_lock);
	t->too_big_src_seed = get_random_u32();
	t->pn = pn;
	t->generation = pmtufix_net_changed(pn);
	pn->ntables++;
	list_add_tail(&t->list, &pn->tables);
	return t;
}

/* Takes @t out of its namespace's list and drops the list's reference. */
void pmtufix_table_unlink(struct pmtufix_table *t)
{
	lockdep_assert_held(&t->pn->lock);
	list_del_init(&t->list);
	t->pn->ntables--;
	pmtufix_net_changed(t->pn);
	pmtufix_load_free(t->load);
	t->load = NULL;
	pmtufix_table_put(t);
}

/* For checkentry: the table called @name, created empty if need be. */
struct pmtufix_table *pmtufix_table_get_for_rule(struct net *net,
						 const char *name)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_table *t;

	mutex_lock(&pn->lock);
	t = pmtufix_table_find(pn, name);
	if (!t)
		t = pmtufix_table_create(pn, name, &pmtufix_default_defaults,
					 NULL);
	if (!IS_ERR(t)) {
		t->rules++;
		refcount_inc(&t->ref);
	}
	mutex_unlock(&pn->lock);
	return t;
}

/*
 * For destroy.  Rules can outlive pmtufix_net_exit() (the tables of
 * iptables go in their own exit method, in any order with ours) but not
 * the pernet storage, which is freed after every exit method has run.
 */
void pmtufix_table_put_for_rule(struct pmtufix_table *t)
{
	struct pmtufix_net *pn = t->pn;

	mutex_lock(&pn->lock);
	t->rules--;
	mutex_unlock(&pn->lock);
	pmtufix_table_put(t);
}

static int __net_init pmtufix_net_init(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);

	mutex_init(&pn->lock);
	INIT_LIST_HEAD(&pn->tables);
	pn->net = net;
	return 0;
}

static void __net_exit pmtufix_net_exit(struct net *net)
{
	struct pmtufix_net *pn = pmtufix_pernet(net);
	struct pmtufix_table *t, *next;

	mutex_lock(&pn->lock);
	list_for_each_entry_safe(t, next, &pn->tables, list)
		pmtufix_table_unlink(t);
	mutex_unlock(&pn->lock);
}

static struct pernet_operations pmtufix_net_ops = {
	.init = pmtufix_net_init,
	.exit = pmtufix_net_exit,
	.id = &pmtufix_net_id,
	.size = sizeof(struct pmtufix_net),
};

int __init pmtufix_pernet_init(void)
{
	int ret;

	pmtufix_wq = alloc_workqueue("pmtufix", 0, 0);
	if (!pmtufix_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&pmtufix_net_ops);
	if (ret)
		destroy_workqueue(pmtufix_wq);
	return ret;
}

void pmtufix_pernet_uninit(void)
{
	unregister_pernet_subsys(&pmtufix_net_ops);
	/* Let pending frees queue themselves, then run them. */
	rcu_barrier();
	destroy_workqueue(pmtufix_wq);
}
