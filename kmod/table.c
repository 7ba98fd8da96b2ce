// SPDX-License-Identifier: GPL-2.0
/*
 * Named per-namespace tables: their life, the rules that refer to them, and
 * the build-then-swap of their contents.
 *
 * Writers hold pmtufix_net.lock, build a complete new struct pmtufix_tdata
 * next to the old one and publish it with one rcu_assign_pointer(); the old
 * one is freed after a grace period.  Packets only ever read a published
 * snapshot, under the RCU read lock netfilter hooks run in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/user_namespace.h>
#include <net/netns/generic.h>

#include "pmtufix.h"

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

/* Distinct paths (base MTU and layers) one table may hold. */
#define PMTUFIX_MAX_PROFILES	65536

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

/* Snapshots */

static void pmtufix_tdata_free(struct pmtufix_tdata *d)
{
	if (!d)
		return;
	kvfree(d->pfx4);
	kvfree(d->pfx6);
	kvfree(d->prof4);
	kvfree(d->prof6);
	kvfree(d->st4);
	kvfree(d->st6);
	kvfree(d->profiles);
	kvfree(d->paths);
	kvfree(d->lpm4.start);
	kvfree(d->lpm4.value);
	kvfree(d->lpm6.start);
	kvfree(d->lpm6.value);
	kfree(d);
}

/*
 * Requests size these arrays: a failure is an answer to the request, not
 * something for the kernel log.
 */
#define PMTUFIX_GFP	(GFP_KERNEL_ACCOUNT | __GFP_NOWARN)

static void *pmtufix_alloc(size_t n, size_t size)
{
	/* Never zero bytes: a NULL array means allocation failure. */
	return kvcalloc(max_t(size_t, n, 1), size, PMTUFIX_GFP);
}

/* Batches */

/* An empty batch that may take @max entries. */
void pmtufix_batch_init(struct pmtufix_batch *b, u32 max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
	b->seed = get_random_u32();
}

void pmtufix_batch_free(struct pmtufix_batch *b)
{
	kvfree(b->ent);
	kvfree(b->profiles);
	kvfree(b->hash);
	pmtufix_batch_init(b, b->max);
}

/* Make room for one more element in *@arr of *@cap elements, @n in use. */
static int pmtufix_grow(void **arr, u32 *cap, u32 n, size_t size)
{
	u32 ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (*cap >= U32_MAX / 2)
		return -ENOSPC;
	ncap = max_t(u32, 64, *cap * 2);
	p = kvmalloc_array(ncap, size, PMTUFIX_GFP);
	if (!p)
		return -ENOMEM;
	if (n)
		memcpy(p, *arr, (size_t)n * size);
	kvfree(*arr);
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Keyed, so that requests cannot choose which profiles collide. */
static u32 pmtufix_profile_hash(const struct pmtufix_batch *b,
				const struct pmtufix_profile *p)
{
	return jhash(p, sizeof(*p), b->seed);
}

static int pmtufix_rehash(struct pmtufix_batch *b, u32 size)
{
	u32 *hash, i, h;

	hash = kvcalloc(size, sizeof(*hash), PMTUFIX_GFP);
	if (!hash)
		return -ENOMEM;
	for (i = 0; i < b->nprofiles; i++) {
		h = pmtufix_profile_hash(b, &b->profiles[i]) & (size - 1);
		while (hash[h])
			h = (h + 1) & (size - 1);
		hash[h] = i + 1;
	}
	kvfree(b->hash);
	b->hash = hash;
	b->hash_mask = size - 1;
	return 0;
}

/* The index of @p in @b's profiles, added if new. */
static int pmtufix_batch_intern(struct pmtufix_batch *b,
				const struct pmtufix_profile *p, u32 *idx)
{
	u32 h;
	int ret;

	if (!b->hash || b->nprofiles * 2 >= b->hash_mask + 1) {
		ret = pmtufix_rehash(b, b->hash ? (b->hash_mask + 1) * 2 : 64);
		if (ret)
			return ret;
	}
	h = pmtufix_profile_hash(b, p) & b->hash_mask;
	while (b->hash[h]) {
		if (!memcmp(&b->profiles[b->hash[h] - 1], p, sizeof(*p))) {
			*idx = b->hash[h] - 1;
			return 0;
		}
		h = (h + 1) & b->hash_mask;
	}
	if (b->nprofiles >= PMTUFIX_MAX_PROFILES)
		return -ENOSPC;
	ret = pmtufix_grow((void **)&b->profiles, &b->capprofiles,
			   b->nprofiles, sizeof(*b->profiles));
	if (ret)
		return ret;
	b->profiles[b->nprofiles] = *p;
	b->hash[h] = b->nprofiles + 1;
	*idx = b->nprofiles++;
	return 0;
}

/*
 * Adds an entry; @profile may be NULL for a batch of prefixes to delete.
 * Prefix length and host bits are the caller's to check.
 */
int pmtufix_batch_add(struct pmtufix_batch *b, unsigned int family,
		      const u8 *addr, unsigned int plen,
		      const struct pmtufix_profile *profile)
{
	struct pmtufix_ent *e;
	u32 idx = 0;
	int ret;

	if (b->n >= b->max)
		return -ENOSPC;
	if (profile) {
		ret = pmtufix_batch_intern(b, profile, &idx);
		if (ret)
			return ret;
	}
	ret = pmtufix_grow((void **)&b->ent, &b->cap, b->n, sizeof(*b->ent));
	if (ret)
		return ret;
	e = &b->ent[b->n++];
	memset(e, 0, sizeof(*e));
	e->family = family;
	e->plen = plen;
	e->profile = idx;
	if (family == PMTUFIX_IPV4)
		e->addr.lo = pmtufix_addr4_from_bytes(addr);
	else
		e->addr = pmtufix_addr6_from_bytes(addr);
	return 0;
}

void pmtufix_load_free(struct pmtufix_load *load)
{
	if (!load)
		return;
	pmtufix_batch_free(&load->batch);
	kfree(load);
}

/* Building a snapshot */

static int pmtufix_u128_cmp(const struct pmtufix_u128 *a,
			    const struct pmtufix_u128 *b)
{
	if (a->hi != b->hi)
		return a->hi < b->hi ? -1 : 1;
	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	return 0;
}

/* Table order: family, address, shorter prefix first. */
static int pmtufix_ent_cmp(const void *pa, const void *pb)
{
	const struct pmtufix_ent *a = pa, *b = pb;
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = pmtufix_u128_cmp(&a->addr, &b->addr);
	if (c)
		return c;
	return (int)a->plen - (int)b->plen;
}

/* Sorts @b (already sorted, as the command sends it, costs one pass). */
static int pmtufix_batch_sort(struct pmtufix_batch *b,
			      struct netlink_ext_ack *extack)
{
	bool sorted = true;
	u32 i;

	for (i = 1; i < b->n && sorted; i++)
		sorted = pmtufix_ent_cmp(&b->ent[i - 1], &b->ent[i]) <= 0;
	if (!sorted)
		sort(b->ent, b->n, sizeof(*b->ent), pmtufix_ent_cmp, NULL);
	for (i = 1; i < b->n; i++) {
		if (!pmtufix_ent_cmp(&b->ent[i - 1], &b->ent[i])) {
			NL_SET_ERR_MSG(extack, "a prefix is given twice");
			return -EEXIST;
		}
	}
	return 0;
}

/* The old snapshot's entry @i of @family, as a batch entry. */
static void pmtufix_tdata_ent(const struct pmtufix_tdata *d,
			      unsigned int family, u32 i,
			      struct pmtufix_ent *e)
{
	memset(e, 0, sizeof(*e));
	e->family = family;
	if (family == PMTUFIX_IPV4) {
		e->addr.lo = d->pfx4[i].addr;
		e->plen = d->pfx4[i].plen;
		e->profile = d->prof4[i];
	} else {
		e->addr = d->pfx6[i].addr;
		e->plen = d->pfx6[i].plen;
		e->profile = d->prof6[i];
	}
}

/*
 * Everything the build keeps track of: the new snapshot, and the mapping
 * from the profile indexes of the old snapshot and of the added batch to
 * those of the new one (PMTUFIX_LPM_NONE until first used).
 */
struct pmtufix_build {
	const struct pmtufix_tdata *old;	/* the base, or NULL */
	const struct pmtufix_batch *add;
	struct pmtufix_tdata *d;
	struct pmtufix_batch profiles;		/* the new profile set */
	u32 *map_old, *map_add;
};

static int pmtufix_build_profile(struct pmtufix_build *bld,
				 const struct pmtufix_ent *e, bool added,
				 u32 *idx)
{
	const struct pmtufix_profile *p;
	u32 *map;
	int ret;

	map = added ? &bld->map_add[e->profile] : &bld->map_old[e->profile];
	if (*map == PMTUFIX_LPM_NONE) {
		p = added ? &bld->add->profiles[e->profile] :
			    &bld->old->profiles[e->profile];
		ret = pmtufix_batch_intern(&bld->profiles, p, map);
		if (ret)
			return ret;
	}
	*idx = *map;
	return 0;
}

static void pmtufix_build_emit(struct pmtufix_build *bld, u32 *n,
			       const struct pmtufix_ent *e, u32 profile)
{
	struct pmtufix_tdata *d = bld->d;

	if (e->family == PMTUFIX_IPV4) {
		d->pfx4[*n].addr = (u32)e->addr.lo;
		d->pfx4[*n].plen = e->plen;
		d->prof4[*n] = profile;
	} else {
		d->pfx6[*n].addr = e->addr;
		d->pfx6[*n].plen = e->plen;
		d->prof6[*n] = profile;
	}
	(*n)++;
}

/*
 * Merges, for one family, the sorted entries of the old snapshot (unless
 * @all), the sorted additions [@a, @a_end) and the sorted deletions
 * [@x, @x_end) into the new snapshot's arrays.
 */
static int pmtufix_build_family(struct pmtufix_build *bld,
				unsigned int family, bool all, bool replace,
				const struct pmtufix_ent *a,
				const struct pmtufix_ent *a_end,
				const struct pmtufix_ent *x,
				const struct pmtufix_ent *x_end, u32 *out,
				struct netlink_ext_ack *extack)
{
	const struct pmtufix_tdata *old = bld->old;
	u32 i = 0, nold = 0, profile;
	struct pmtufix_ent oe;
	int c, ret;

	if (old && !all)
		nold = family == PMTUFIX_IPV4 ? old->n4 : old->n6;
	*out = 0;
	while (i < nold || a < a_end) {
		pmtufix_resched(*out);
		if (i < nold)
			pmtufix_tdata_ent(old, family, i, &oe);
		if (i >= nold)
			c = 1;
		else if (a >= a_end)
			c = -1;
		else
			c = pmtufix_ent_cmp(&oe, a);

		if (c <= 0 && x < x_end && !pmtufix_ent_cmp(&oe, x)) {
			/* Deleted (and perhaps added again below). */
			x++;
			i++;
			continue;
		}
		if (c == 0 && !replace) {
			NL_SET_ERR_MSG(extack,
				       "a prefix is in the table already");
			return -EEXIST;
		}
		if (c < 0) {
			ret = pmtufix_build_profile(bld, &oe, false, &profile);
			if (ret)
				return ret;
			pmtufix_build_emit(bld, out, &oe, profile);
			i++;
			continue;
		}
		ret = pmtufix_build_profile(bld, a, true, &profile);
		if (ret)
			return ret;
		pmtufix_build_emit(bld, out, a, profile);
		a++;
		if (c == 0)
			i++;
	}
	if (x < x_end) {
		NL_SET_ERR_MSG(extack, "a prefix to delete is not in the table");
		return -ENOENT;
	}
	return 0;
}

/* The range [*@begin, *@end) of @b's sorted entries of @family. */
static void pmtufix_batch_family(const struct pmtufix_batch *b,
				 unsigned int family,
				 const struct pmtufix_ent **begin,
				 const struct pmtufix_ent **end)
{
	const struct pmtufix_ent *e = b ? b->ent : NULL;
	const struct pmtufix_ent *stop = b ? b->ent + b->n : NULL;

	while (e < stop && e->family < family)
		e++;
	*begin = e;
	while (e < stop && e->family == family)
		e++;
	*end = e;
}

static int pmtufix_build_paths(struct pmtufix_tdata *d,
			       struct netlink_ext_ack *extack)
{
	const struct pmtufix_profile *p;
	u32 i, base, mtu, mss;

	for (i = 0; i < d->nprofiles; i++) {
		p = &d->profiles[i];
		base = p->base_mtu ? p->base_mtu : d->def.mtu;
		mtu = pmtufix_stack_mtu(p->layers, p->nlayers, p->family, base);
		mss = pmtufix_mtu_to_mss(p->family, mtu);
		if (!mss) {
			NL_SET_ERR_MSG(extack,
				       "an entry's layers leave no room for TCP at its MTU");
			return -EINVAL;
		}
		d->paths[i].mtu = mtu;
		d->paths[i].mss = min_t(u32, mss, U16_MAX);
	}
	return 0;
}

static int pmtufix_build_lpm(struct pmtufix_tdata *d)
{
	d->lpm4.start = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n4),
				      sizeof(*d->lpm4.start));
	d->lpm4.value = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n4),
				      sizeof(*d->lpm4.value));
	d->lpm6.start = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n6),
				      sizeof(*d->lpm6.start));
	d->lpm6.value = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n6),
				      sizeof(*d->lpm6.value));
	if (!d->lpm4.start || !d->lpm4.value ||
	    !d->lpm6.start || !d->lpm6.value)
		return -ENOMEM;
	/* The merge gave sorted, unique, masked prefixes: cannot fail. */
	if (WARN_ON_ONCE(!pmtufix_lpm4_build(&d->lpm4, d->pfx4, d->n4) ||
			 !pmtufix_lpm6_build(&d->lpm6, d->pfx6, d->n6)))
		return -EINVAL;
	return 0;
}

static void pmtufix_entry_stats_add(struct pmtufix_entry_stats *to,
				    const struct pmtufix_entry_stats *from)
{
	int k;

	for (k = 0; k < PMTUFIX_EC_MAX; k++)
		atomic64_add(atomic64_read(&from->c[k]), &to->c[k]);
}

static void pmtufix_entry_stats_zero(struct pmtufix_entry_stats *st)
{
	int k;

	for (k = 0; k < PMTUFIX_EC_MAX; k++)
		atomic64_set(&st->c[k], 0);
}

/* The counters of entry @i of @family in @d. */
static struct pmtufix_entry_stats *
pmtufix_tdata_stats(const struct pmtufix_tdata *d, unsigned int family, u32 i)
{
	return family == PMTUFIX_IPV4 ? &d->st4[i] : &d->st6[i];
}

/*
 * Entry counters follow their prefix from @old to @d: added, once no
 * packet can still be counting in @old, to what @d counted meanwhile.
 */
static void pmtufix_fold_stats(const struct pmtufix_tdata *old,
			       struct pmtufix_tdata *d, unsigned int family)
{
	u32 nold = family == PMTUFIX_IPV4 ? old->n4 : old->n6;
	u32 nnew = family == PMTUFIX_IPV4 ? d->n4 : d->n6;
	struct pmtufix_ent oe, ne;
	u32 i = 0, j = 0;
	int c;

	while (i < nold && j < nnew) {
		pmtufix_resched(i);
		pmtufix_tdata_ent(old, family, i, &oe);
		pmtufix_tdata_ent(d, family, j, &ne);
		c = pmtufix_ent_cmp(&oe, &ne);
		if (!c)
			pmtufix_entry_stats_add(pmtufix_tdata_stats(d, family, j),
						pmtufix_tdata_stats(old, family, i));
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
}

static int pmtufix_build_alloc(struct pmtufix_build *bld,
			       const struct pmtufix_batch *add, bool all)
{
	const struct pmtufix_tdata *old = bld->old;
	u32 max4 = 0, max6 = 0, i, nold_prof = old ? old->nprofiles : 0;
	struct pmtufix_tdata *d = bld->d;

	if (old && !all) {
		max4 = old->n4;
		max6 = old->n6;
	}
	for (i = 0; add && i < add->n; i++) {
		if (add->ent[i].family == PMTUFIX_IPV4)
			max4++;
		else
			max6++;
	}
	d->pfx4 = pmtufix_alloc(max4, sizeof(*d->pfx4));
	d->prof4 = pmtufix_alloc(max4, sizeof(*d->prof4));
	d->pfx6 = pmtufix_alloc(max6, sizeof(*d->pfx6));
	d->prof6 = pmtufix_alloc(max6, sizeof(*d->prof6));
	bld->map_old = pmtufix_alloc(nold_prof, sizeof(u32));
	bld->map_add = pmtufix_alloc(add ? add->nprofiles : 0, sizeof(u32));
	if (!d->pfx4 || !d->prof4 || !d->pfx6 || !d->prof6 ||
	    !bld->map_old || !bld->map_add)
		return -ENOMEM;
	memset(bld->map_old, 0xff, max_t(u32, nold_prof, 1) * sizeof(u32));
	memset(bld->map_add, 0xff,
	       max_t(u32, add ? add->nprofiles : 0, 1) * sizeof(u32));
	return 0;
}

static struct pmtufix_tdata *
pmtufix_tdata_build(const struct pmtufix_tdata *old, struct pmtufix_batch *add,
		    struct pmtufix_batch *del, const struct pmtufix_defaults *def,
		    unsigned int flags, const struct pmtufix_net *pn,
		    struct netlink_ext_ack *extack)
{
	u32 max = pn ? pmtufix_entry_limit(pn) : 0;
	bool all = flags & PMTUFIX_UPDATE_ALL;
	bool replace = flags & PMTUFIX_UPDATE_REPLACE;
	const struct pmtufix_ent *a, *a_end, *x, *x_end;
	struct pmtufix_build bld = { .old = old, .add = add };
	struct pmtufix_tdata *d;
	int ret;

	if (add) {
		ret = pmtufix_batch_sort(add, extack);
		if (ret)
			return ERR_PTR(ret);
	}
	if (del) {
		ret = pmtufix_batch_sort(del, extack);
		if (ret)
			return ERR_PTR(ret);
	}

	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return ERR_PTR(-ENOMEM);
	bld.d = d;
	d->def = *def;
	pmtufix_batch_init(&bld.profiles, 0);
	ret = pmtufix_build_alloc(&bld, add, all);
	if (ret)
		goto err;

	pmtufix_batch_family(add, PMTUFIX_IPV4, &a, &a_end);
	pmtufix_batch_family(del, PMTUFIX_IPV4, &x, &x_end);
	ret = pmtufix_build_family(&bld, PMTUFIX_IPV4, all, replace,
				   a, a_end, x, x_end, &d->n4, extack);
	if (ret)
		goto err;
	pmtufix_batch_family(add, PMTUFIX_IPV6, &a, &a_end);
	pmtufix_batch_family(del, PMTUFIX_IPV6, &x, &x_end);
	ret = pmtufix_build_family(&bld, PMTUFIX_IPV6, all, replace,
				   a, a_end, x, x_end, &d->n6, extack);
	if (ret)
		goto err;
	/* A limit lowered later never stands in the way of a deletion. */
	if (add && (u64)d->n4 + d->n6 > max) {
		pmtufix_limit_msg(pn, extack);
		ret = -ENOSPC;
		goto err;
	}

	/* The interned set becomes the snapshot's profiles. */
	d->profiles = bld.profiles.profiles;
	d->nprofiles = bld.profiles.nprofiles;
	bld.profiles.profiles = NULL;
	d->paths = pmtufix_alloc(d->nprofiles, sizeof(*d->paths));
	d->st4 = pmtufix_alloc(d->n4, sizeof(*d->st4));
	d->st6 = pmtufix_alloc(d->n6, sizeof(*d->st6));
	if (!d->paths || !d->st4 || !d->st6) {
		ret = -ENOMEM;
		goto err;
	}
	ret = pmtufix_build_paths(d, extack);
	if (ret)
		goto err;
	ret = pmtufix_build_lpm(d);
	if (ret)
		goto err;

	pmtufix_batch_free(&bld.profiles);
	kvfree(bld.map_old);
	kvfree(bld.map_add);
	return d;

err:
	if (ret == -ENOSPC && extack && !extack->_msg)
		NL_SET_ERR_MSG(extack,
			       "too many distinct paths (base MTU and layers) in one table");
	pmtufix_batch_free(&bld.profiles);
	kvfree(bld.map_old);
	kvfree(bld.map_add);
	pmtufix_tdata_free(d);
	return ERR_PTR(ret);
}

/* A new generation of @pn's tables: never 0, which dumps take as unset. */
static u32 pmtufix_net_changed(struct pmtufix_net *pn)
{
	lockdep_assert_held(&pn->lock);
	if (!++pn->generation)
		pn->generation = 1;
	return pn->generation;
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
	struct pmtufix_tdata *old = pmtufix_table_data(t), *d;

	d = pmtufix_tdata_build(old, add, del, def ? def : &old->def, flags,
				t->pn, extack);
	if (IS_ERR(d))
		return PTR_ERR(d);
	rcu_assign_pointer(t->data, d);
	t->generation = pmtufix_net_changed(t->pn);

	/*
	 * Packets that found @old may still count in it.  Wait for them,
	 * then carry its counters over: every reader of counters holds
	 * pn->lock, so none sees them in between.
	 */
	synchronize_rcu();
	pmtufix_fold_stats(old, d, PMTUFIX_IPV4);
	pmtufix_fold_stats(old, d, PMTUFIX_IPV6);
	pmtufix_tdata_free(old);
	return 0;
}

u32 pmtufix_lookup4(const struct pmtufix_tdata *d, const u8 *addr)
{
	return pmtufix_lpm4_lookup(&d->lpm4, pmtufix_addr4_from_bytes(addr));
}

u32 pmtufix_lookup6(const struct pmtufix_tdata *d, const u8 *addr)
{
	struct pmtufix_u128 a = pmtufix_addr6_from_bytes(addr);

	return pmtufix_lpm6_lookup(&d->lpm6, &a);
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
	struct pmtufix_tdata *d = pmtufix_table_data(t);
	struct pmtufix_pcpu_stats *s;
	unsigned int start;
	int c, i;
	u32 j;

	for_each_possible_cpu(c) {
		s = per_cpu_ptr(t->stats, c);
		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < PMTUFIX_C_MAX; i++)
				s->base[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
	}
	for (j = 0; j < d->n4; j++) {
		pmtufix_resched(j);
		pmtufix_entry_stats_zero(&d->st4[j]);
	}
	for (j = 0; j < d->n6; j++) {
		pmtufix_resched(j);
		pmtufix_entry_stats_zero(&d->st6[j]);
	}
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

	pmtufix_tdata_free(rcu_dereference_protected(t->data, true));
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
	struct pmtufix_tdata *d;
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

	d = pmtufix_tdata_build(NULL, NULL, NULL, def, 0, NULL, NULL);
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
