// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots: the immutable contents of a table, and how a new one is built
 * from the current one and a request.
 *
 * Requests gather their entries in batches (struct pmtufix_batch), which
 * intern each distinct path (base MTU and layers) once as a profile.  A
 * build sorts the batches, merges them with the old snapshot's sorted
 * entries in one pass, computes what fits through every profile and builds
 * the longest-prefix-match arrays.  table.c publishes the result and
 * frees the old one; nothing here touches a published snapshot.
 */
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "table.h"

/* Distinct paths (base MTU and layers) one table may hold. */
#define PMTUFIX_MAX_PROFILES	65536

/* Snapshots */

void pmtufix_snapshot_free(struct pmtufix_snapshot *d)
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
	kvfree(d->fits);
	kvfree(d->lpm4.start);
	kvfree(d->lpm4.value);
	kvfree(d->lpm6.start);
	kvfree(d->lpm6.value);
	kvfree(d->index4);
	kvfree(d->index6);
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
static void pmtufix_snapshot_ent(const struct pmtufix_snapshot *d,
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
	const struct pmtufix_snapshot *old;	/* the base, or NULL */
	const struct pmtufix_batch *add;
	struct pmtufix_snapshot *d;
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
	struct pmtufix_snapshot *d = bld->d;

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
	const struct pmtufix_snapshot *old = bld->old;
	u32 i = 0, nold = 0, profile;
	struct pmtufix_ent oe;
	int c, ret;

	if (old && !all)
		nold = family == PMTUFIX_IPV4 ? old->n4 : old->n6;
	*out = 0;
	while (i < nold || a < a_end) {
		pmtufix_resched(*out);
		if (i < nold)
			pmtufix_snapshot_ent(old, family, i, &oe);
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

static int pmtufix_build_fits(struct pmtufix_snapshot *d,
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
		d->fits[i].mtu = mtu;
		d->fits[i].mss = min_t(u32, mss, U16_MAX);
	}
	return 0;
}

static int pmtufix_build_lpm(struct pmtufix_snapshot *d)
{
	d->lpm4.start = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n4),
				      sizeof(*d->lpm4.start));
	d->lpm4.value = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n4),
				      sizeof(*d->lpm4.value));
	d->lpm6.start = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n6),
				      sizeof(*d->lpm6.start));
	d->lpm6.value = pmtufix_alloc(pmtufix_lpm_max_ranges(d->n6),
				      sizeof(*d->lpm6.value));
	d->index4 = pmtufix_alloc(pmtufix_lpm_index_max_slots(d->n4),
				  sizeof(*d->index4));
	d->index6 = pmtufix_alloc(pmtufix_lpm_index_max_slots(d->n6),
				  sizeof(*d->index6));
	if (!d->lpm4.start || !d->lpm4.value || !d->index4 ||
	    !d->lpm6.start || !d->lpm6.value || !d->index6)
		return -ENOMEM;
	/* The merge gave sorted, unique, masked prefixes: cannot fail. */
	if (WARN_ON_ONCE(!pmtufix_lpm4_build(&d->lpm4, d->pfx4, d->n4) ||
			 !pmtufix_lpm6_build(&d->lpm6, d->pfx6, d->n6)))
		return -EINVAL;
	pmtufix_lpm4_index(&d->lpm4, d->index4);
	pmtufix_lpm6_index(&d->lpm6, d->index6);
	return 0;
}

static void pmtufix_entry_stats_add(struct pmtufix_entry_stats *to,
				    const struct pmtufix_entry_stats *from)
{
	int k;

	for (k = 0; k < PMTUFIX_EC_MAX; k++)
		atomic64_add(atomic64_read(&from->c[k]), &to->c[k]);
}

static void pmtufix_entry_stats_zero(struct pmtufix_entry_stats *st, u32 n)
{
	u32 i;
	int k;

	for (i = 0; i < n; i++) {
		pmtufix_resched(i);
		for (k = 0; k < PMTUFIX_EC_MAX; k++)
			atomic64_set(&st[i].c[k], 0);
	}
}

void pmtufix_snapshot_zero_stats(struct pmtufix_snapshot *d)
{
	pmtufix_entry_stats_zero(d->st4, d->n4);
	pmtufix_entry_stats_zero(d->st6, d->n6);
}

/* The counters of entry @i of @family in @d. */
static struct pmtufix_entry_stats *
pmtufix_snapshot_stats(const struct pmtufix_snapshot *d, unsigned int family, u32 i)
{
	return family == PMTUFIX_IPV4 ? &d->st4[i] : &d->st6[i];
}

static void pmtufix_fold_stats(const struct pmtufix_snapshot *old,
			       struct pmtufix_snapshot *d, unsigned int family)
{
	u32 nold = family == PMTUFIX_IPV4 ? old->n4 : old->n6;
	u32 nnew = family == PMTUFIX_IPV4 ? d->n4 : d->n6;
	struct pmtufix_ent oe, ne;
	u32 i = 0, j = 0;
	int c;

	while (i < nold && j < nnew) {
		pmtufix_resched(i);
		pmtufix_snapshot_ent(old, family, i, &oe);
		pmtufix_snapshot_ent(d, family, j, &ne);
		c = pmtufix_ent_cmp(&oe, &ne);
		if (!c)
			pmtufix_entry_stats_add(pmtufix_snapshot_stats(d, family, j),
						pmtufix_snapshot_stats(old, family, i));
		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
	}
}

void pmtufix_snapshot_carry_stats(const struct pmtufix_snapshot *old,
				  struct pmtufix_snapshot *d)
{
	pmtufix_fold_stats(old, d, PMTUFIX_IPV4);
	pmtufix_fold_stats(old, d, PMTUFIX_IPV6);
}

static int pmtufix_build_alloc(struct pmtufix_build *bld,
			       const struct pmtufix_batch *add, bool all)
{
	const struct pmtufix_snapshot *old = bld->old;
	u32 max4 = 0, max6 = 0, i, nold_prof = old ? old->nprofiles : 0;
	struct pmtufix_snapshot *d = bld->d;

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

struct pmtufix_snapshot *
pmtufix_snapshot_build(const struct pmtufix_snapshot *old,
		       struct pmtufix_batch *add, struct pmtufix_batch *del,
		       const struct pmtufix_defaults *def, unsigned int flags,
		       const struct pmtufix_net *pn,
		       struct netlink_ext_ack *extack)
{
	u32 max = pn ? pmtufix_entry_limit(pn) : 0;
	bool all = flags & PMTUFIX_UPDATE_ALL;
	bool replace = flags & PMTUFIX_UPDATE_REPLACE;
	const struct pmtufix_ent *a, *a_end, *x, *x_end;
	struct pmtufix_build bld = { .old = old, .add = add };
	struct pmtufix_snapshot *d;
	unsigned int family;
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

	for (family = PMTUFIX_IPV4; family; family = family == PMTUFIX_IPV4 ?
					     PMTUFIX_IPV6 : 0) {
		pmtufix_batch_family(add, family, &a, &a_end);
		pmtufix_batch_family(del, family, &x, &x_end);
		ret = pmtufix_build_family(&bld, family, all, replace,
					   a, a_end, x, x_end,
					   family == PMTUFIX_IPV4 ? &d->n4 : &d->n6,
					   extack);
		if (ret)
			goto err;
	}
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
	d->fits = pmtufix_alloc(d->nprofiles, sizeof(*d->fits));
	d->st4 = pmtufix_alloc(d->n4, sizeof(*d->st4));
	d->st6 = pmtufix_alloc(d->n6, sizeof(*d->st6));
	if (!d->fits || !d->st4 || !d->st6) {
		ret = -ENOMEM;
		goto err;
	}
	ret = pmtufix_build_fits(d, extack);
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
	pmtufix_snapshot_free(d);
	return ERR_PTR(ret);
}
