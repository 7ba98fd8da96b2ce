// SPDX-License-Identifier: GPL-2.0
/*
 * Snapshots: the immutable contents of a table, and how a new one is built
 * from the current one and a request.
 *
 * Requests gather their entries in batches (struct pmtufix_batch), which
 * intern each distinct path (base MTU and layers) once as a profile.  A
 * build of a new base sorts the batches, merges them with the old
 * snapshot's sorted entries in one pass, computes what fits through every
 * profile and builds the longest-prefix-match arrays.  A change of a few
 * entries instead merges them with the old snapshot's delta only, and
 * shares its base.  table.c publishes the result and frees the old one;
 * nothing here touches a published snapshot.
 */
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "table.h"

/* Distinct paths (base MTU and layers) one table may hold. */
#define PMTUFIX_MAX_PROFILES	65536

/* An entry's profile is a u16 in the base: 2 bytes a prefix. */
static_assert(PMTUFIX_MAX_PROFILES - 1 <= U16_MAX);

/* Snapshots */

static void pmtufix_base_put(struct pmtufix_base *b)
{
	if (!b || !refcount_dec_and_test(&b->ref))
		return;
	kvfree(b->pfx4);
	kvfree(b->pfx6);
	kvfree(b->prof4);
	kvfree(b->prof6);
	kvfree(b->st4);
	kvfree(b->st6);
	kvfree(b->profiles);
	kvfree(b->fits);
	kvfree(b->lpm4.range);
	kvfree(b->lpm6.start);
	kvfree(b->lpm6.value);
	kvfree(b->index4);
	kvfree(b->index6);
	kfree(b);
}

/* The counters of @n delta entries that were allocated for the delta. */
static void pmtufix_dent_free_stats(const struct pmtufix_dent *e, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (e[i].own)
			kfree(e[i].st);
}

void pmtufix_snapshot_free(struct pmtufix_snapshot *d)
{
	u32 i;

	if (!d)
		return;
	for (i = 0; i < d->ndrop; i++)
		kfree(d->drop[i]);
	kvfree(d->drop);
	if (d->owns) {
		pmtufix_dent_free_stats(d->dent4, d->delta4.n);
		pmtufix_dent_free_stats(d->dent6, d->delta6.n);
	}
	kvfree(d->delta4.pfx);
	kvfree(d->delta4.res);
	kvfree(d->delta4.lpm.range);
	kvfree(d->delta6.pfx);
	kvfree(d->delta6.res);
	kvfree(d->delta6.lpm.start);
	kvfree(d->delta6.lpm.value);
	kvfree(d->dent4);
	kvfree(d->dent6);
	kvfree(d->dprofiles);
	kvfree(d->dfits);
	pmtufix_base_put(d->base);
	kfree(d);
}

void pmtufix_snapshot_supersede(struct pmtufix_snapshot *old,
				struct pmtufix_snapshot *d)
{
	old->owns = false;
	old->drop = d->drop;
	old->ndrop = d->ndrop;
	d->drop = NULL;
	d->ndrop = 0;
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

/* Sorts the batches of a request; either may be NULL. */
static int pmtufix_batches_sort(struct pmtufix_batch *add,
				struct pmtufix_batch *del,
				struct netlink_ext_ack *extack)
{
	int ret = add ? pmtufix_batch_sort(add, extack) : 0;

	if (!ret && del)
		ret = pmtufix_batch_sort(del, extack);
	return ret;
}

/* A build that ran out of room without saying why ran out of paths. */
static void pmtufix_paths_msg(int ret, struct netlink_ext_ack *extack)
{
	if (ret == -ENOSPC && extack && !extack->_msg)
		NL_SET_ERR_MSG(extack,
			       "too many distinct paths (base MTU and layers) in one table");
}

/* Reading a snapshot */

static void pmtufix_base_view(const struct pmtufix_snapshot *d,
			      unsigned int family, u32 i,
			      struct pmtufix_view *v)
{
	const struct pmtufix_base *b = d->base;
	u32 p;

	memset(v, 0, sizeof(*v));
	v->e.family = family;
	if (family == PMTUFIX_IPV4) {
		v->e.addr.lo = b->pfx4[i].addr;
		v->e.plen = b->pfx4[i].plen;
		p = b->prof4[i];
		v->st = &b->st4[i];
	} else {
		v->e.addr = b->pfx6[i].addr;
		v->e.plen = b->pfx6[i].plen;
		p = b->prof6[i];
		v->st = &b->st6[i];
	}
	v->e.profile = p;
	v->profile = &b->profiles[p];
	v->fit = &b->fits[p];
}

/* Delta entry @k of @family, deleted or not. */
static const struct pmtufix_dent *
pmtufix_delta_view(const struct pmtufix_snapshot *d, unsigned int family,
		   u32 k, struct pmtufix_view *v)
{
	const struct pmtufix_dent *e;

	memset(v, 0, sizeof(*v));
	v->e.family = family;
	v->delta = true;
	if (family == PMTUFIX_IPV4) {
		v->e.addr.lo = d->delta4.pfx[k].addr;
		v->e.plen = d->delta4.pfx[k].plen;
		e = &d->dent4[k];
	} else {
		v->e.addr = d->delta6.pfx[k].addr;
		v->e.plen = d->delta6.pfx[k].plen;
		e = &d->dent6[k];
	}
	v->e.profile = e->profile;
	v->shadows = e->base != PMTUFIX_LPM_NONE;
	v->st = e->st;
	if (e->profile != PMTUFIX_LPM_NONE) {
		v->profile = &d->dprofiles[e->profile];
		v->fit = &d->dfits[e->profile];
	}
	return e;
}

void pmtufix_snapshot_view(const struct pmtufix_snapshot *d,
			   unsigned int family, u32 ref,
			   struct pmtufix_view *v)
{
	if (ref & PMTUFIX_REF_DELTA)
		pmtufix_delta_view(d, family, ref & ~PMTUFIX_REF_DELTA, v);
	else
		pmtufix_base_view(d, family, ref, v);
}

bool pmtufix_snapshot_at(const struct pmtufix_snapshot *d, unsigned int family,
			 struct pmtufix_pos *pos, struct pmtufix_view *v)
{
	u32 nb = family == PMTUFIX_IPV4 ? d->base->n4 : d->base->n6;
	u32 nd = family == PMTUFIX_IPV4 ? d->delta4.n : d->delta6.n;
	struct pmtufix_view bv;

	for (;;) {
		if (pos->di >= nd) {
			if (pos->bi >= nb)
				return false;
			pmtufix_base_view(d, family, pos->bi, v);
			return true;
		}
		pmtufix_delta_view(d, family, pos->di, v);
		if (pos->bi < nb) {
			pmtufix_base_view(d, family, pos->bi, &bv);
			if (pmtufix_ent_cmp(&bv.e, &v->e) < 0) {
				*v = bv;
				return true;
			}
		}
		if (v->e.profile != PMTUFIX_LPM_NONE)
			return true;
		/* Deleted: past it, and past the base entry it deletes. */
		if (v->shadows)
			pos->bi++;
		pos->di++;
	}
}

void pmtufix_snapshot_step(struct pmtufix_pos *pos,
			   const struct pmtufix_view *v)
{
	if (v->delta) {
		if (v->shadows)
			pos->bi++;
		pos->di++;
	} else {
		pos->bi++;
	}
}

/* Profiles */

/* A profile set's indexes in the new one, all PMTUFIX_LPM_NONE. */
static u32 *pmtufix_alloc_map(u32 n)
{
	u32 *map = pmtufix_alloc(n, sizeof(*map));

	if (map)
		memset(map, 0xff, (size_t)max_t(u32, n, 1) * sizeof(*map));
	return map;
}

/* Profile @i of @from as interned in @set, through the map of @from. */
static int pmtufix_map_profile(struct pmtufix_batch *set, u32 *map,
			       const struct pmtufix_profile *from, u32 i,
			       u32 *idx)
{
	int ret;

	if (map[i] == PMTUFIX_LPM_NONE) {
		ret = pmtufix_batch_intern(set, &from[i], &map[i]);
		if (ret)
			return ret;
	}
	*idx = map[i];
	return 0;
}

static int pmtufix_build_fits(const struct pmtufix_defaults *def,
			      const struct pmtufix_profile *profiles, u32 n,
			      struct pmtufix_fit *fits,
			      struct netlink_ext_ack *extack)
{
	const struct pmtufix_profile *p;
	u32 i, base, mtu, mss;

	for (i = 0; i < n; i++) {
		p = &profiles[i];
		base = p->base_mtu ? p->base_mtu : def->mtu;
		mtu = pmtufix_stack_mtu(p->layers, p->nlayers, p->family, base);
		mss = pmtufix_mtu_to_mss(p->family, mtu);
		if (!mss) {
			NL_SET_ERR_MSG(extack,
				       "an entry's layers leave no room for TCP at its MTU");
			return -EINVAL;
		}
		fits[i].mtu = mtu;
		fits[i].mss = min_t(u32, mss, U16_MAX);
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

#define for_each_family(f) \
	for (f = PMTUFIX_IPV4; f; f = f == PMTUFIX_IPV4 ? PMTUFIX_IPV6 : 0)

/* Building a base */

/*
 * Everything the build keeps track of: the new snapshot and base, and the
 * mapping from the profile indexes of the old base, the old delta and the
 * added batch to those of the new base.
 */
struct pmtufix_build {
	const struct pmtufix_snapshot *old;	/* or NULL */
	const struct pmtufix_batch *add;
	struct pmtufix_snapshot *d;
	struct pmtufix_base *b;
	struct pmtufix_batch profiles;		/* the new profile set */
	u32 *map_base, *map_delta, *map_add;
};

static void pmtufix_build_emit(struct pmtufix_base *b, u32 *n,
			       const struct pmtufix_ent *e, u32 profile)
{
	if (e->family == PMTUFIX_IPV4) {
		b->pfx4[*n].addr = (u32)e->addr.lo;
		b->pfx4[*n].plen = e->plen;
		b->prof4[*n] = profile;
	} else {
		b->pfx6[*n].addr = e->addr;
		b->pfx6[*n].plen = e->plen;
		b->prof6[*n] = profile;
	}
	(*n)++;
}

/* The old snapshot's entry @v as interned in the new profile set. */
static int pmtufix_build_old_profile(struct pmtufix_build *bld,
				     const struct pmtufix_view *v, u32 *idx)
{
	const struct pmtufix_snapshot *old = bld->old;

	if (v->delta)
		return pmtufix_map_profile(&bld->profiles, bld->map_delta,
					   old->dprofiles, v->e.profile, idx);
	return pmtufix_map_profile(&bld->profiles, bld->map_base,
				   old->base->profiles, v->e.profile, idx);
}

/*
 * Merges, for one family, the live entries of the old snapshot (unless
 * @all), the sorted additions [@a, @a_end) and the sorted deletions
 * [@x, @x_end) into the new base's arrays.
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
	struct pmtufix_pos pos = { 0, 0 };
	struct pmtufix_view v;
	u32 profile;
	bool more;
	int c, ret;

	more = old && !all && pmtufix_snapshot_at(old, family, &pos, &v);
	*out = 0;
	while (more || a < a_end) {
		pmtufix_resched(*out);
		if (!more)
			c = 1;
		else if (a >= a_end)
			c = -1;
		else
			c = pmtufix_ent_cmp(&v.e, a);

		if (c <= 0 && x < x_end && !pmtufix_ent_cmp(&v.e, x)) {
			/* Deleted (and perhaps added again below). */
			x++;
			pmtufix_snapshot_step(&pos, &v);
			more = pmtufix_snapshot_at(old, family, &pos, &v);
			continue;
		}
		if (c == 0 && !replace) {
			NL_SET_ERR_MSG(extack,
				       "a prefix is in the table already");
			return -EEXIST;
		}
		if (c < 0) {
			ret = pmtufix_build_old_profile(bld, &v, &profile);
			if (ret)
				return ret;
			pmtufix_build_emit(bld->b, out, &v.e, profile);
			pmtufix_snapshot_step(&pos, &v);
			more = pmtufix_snapshot_at(old, family, &pos, &v);
			continue;
		}
		ret = pmtufix_map_profile(&bld->profiles, bld->map_add,
					  bld->add->profiles, a->profile,
					  &profile);
		if (ret)
			return ret;
		pmtufix_build_emit(bld->b, out, a, profile);
		a++;
		if (c == 0) {
			pmtufix_snapshot_step(&pos, &v);
			more = pmtufix_snapshot_at(old, family, &pos, &v);
		}
	}
	if (x < x_end) {
		NL_SET_ERR_MSG(extack, "a prefix to delete is not in the table");
		return -ENOENT;
	}
	return 0;
}

/*
 * @arr of @cap elements of @size with @n in use, or a copy of those @n
 * when that gives back a quarter or more.  Ranges are allocated for the
 * most n prefixes can make, 2n + 1; adjacent prefixes make about n.
 */
static void *pmtufix_shrink(void *arr, size_t n, size_t size, size_t cap)
{
	void *p;

	if (n * 4 > cap * 3)
		return arr;
	p = pmtufix_alloc(n, size);
	if (!p)
		return arr;
	memcpy(p, arr, n * size);
	kvfree(arr);
	return p;
}

static int pmtufix_build_lpm(struct pmtufix_base *b)
{
	size_t cap4 = pmtufix_lpm_max_ranges(b->n4);
	size_t cap6 = pmtufix_lpm_max_ranges(b->n6);

	b->lpm4.range = pmtufix_alloc(cap4, sizeof(*b->lpm4.range));
	b->lpm6.start = pmtufix_alloc(cap6, sizeof(*b->lpm6.start));
	b->lpm6.value = pmtufix_alloc(cap6, sizeof(*b->lpm6.value));
	b->index4 = pmtufix_alloc(pmtufix_lpm_index_max_slots(b->n4),
				  sizeof(*b->index4));
	b->index6 = pmtufix_alloc(pmtufix_lpm_index_max_slots(b->n6),
				  sizeof(*b->index6));
	if (!b->lpm4.range || !b->index4 ||
	    !b->lpm6.start || !b->lpm6.value || !b->index6)
		return -ENOMEM;
	/* The merge gave sorted, unique, masked prefixes: cannot fail. */
	if (WARN_ON_ONCE(!pmtufix_lpm4_build(&b->lpm4, b->pfx4, b->n4) ||
			 !pmtufix_lpm6_build(&b->lpm6, b->pfx6, b->n6)))
		return -EINVAL;
	b->lpm4.range = pmtufix_shrink(b->lpm4.range, b->lpm4.n,
				       sizeof(*b->lpm4.range), cap4);
	b->lpm6.start = pmtufix_shrink(b->lpm6.start, b->lpm6.n,
				       sizeof(*b->lpm6.start), cap6);
	b->lpm6.value = pmtufix_shrink(b->lpm6.value, b->lpm6.n,
				       sizeof(*b->lpm6.value), cap6);
	pmtufix_lpm4_index(&b->lpm4, b->index4);
	pmtufix_lpm6_index(&b->lpm6, b->index6);
	pmtufix_pfx4_lengths(b->pfx4, b->n4, b->lens4);
	pmtufix_pfx6_lengths(b->pfx6, b->n6, b->lens6);
	return 0;
}

/* Counters */

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

static void pmtufix_dent_zero_stats(const struct pmtufix_dent *e, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (e[i].st)
			pmtufix_entry_stats_zero(e[i].st, 1);
}

void pmtufix_snapshot_zero_stats(struct pmtufix_snapshot *d)
{
	pmtufix_entry_stats_zero(d->base->st4, d->base->n4);
	pmtufix_entry_stats_zero(d->base->st6, d->base->n6);
	pmtufix_dent_zero_stats(d->dent4, d->delta4.n);
	pmtufix_dent_zero_stats(d->dent6, d->delta6.n);
}

static void pmtufix_fold_stats(const struct pmtufix_snapshot *old,
			       struct pmtufix_snapshot *d, unsigned int family)
{
	u32 nnew = family == PMTUFIX_IPV4 ? d->base->n4 : d->base->n6, j = 0;
	struct pmtufix_pos pos = { 0, 0 };
	struct pmtufix_view ov, nv;
	bool more;
	int c;

	more = pmtufix_snapshot_at(old, family, &pos, &ov);
	while (more && j < nnew) {
		pmtufix_resched(j);
		pmtufix_base_view(d, family, j, &nv);
		c = pmtufix_ent_cmp(&ov.e, &nv.e);
		if (!c)
			pmtufix_entry_stats_add(nv.st, ov.st);
		if (c <= 0) {
			pmtufix_snapshot_step(&pos, &ov);
			more = pmtufix_snapshot_at(old, family, &pos, &ov);
		}
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
	struct pmtufix_base *b = bld->b;
	u32 max4 = 0, max6 = 0, i;

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
	b->pfx4 = pmtufix_alloc(max4, sizeof(*b->pfx4));
	b->prof4 = pmtufix_alloc(max4, sizeof(*b->prof4));
	b->pfx6 = pmtufix_alloc(max6, sizeof(*b->pfx6));
	b->prof6 = pmtufix_alloc(max6, sizeof(*b->prof6));
	bld->map_base = pmtufix_alloc_map(old ? old->base->nprofiles : 0);
	bld->map_delta = pmtufix_alloc_map(old ? old->ndprofiles : 0);
	bld->map_add = pmtufix_alloc_map(add ? add->nprofiles : 0);
	if (!b->pfx4 || !b->prof4 || !b->pfx6 || !b->prof6 ||
	    !bld->map_base || !bld->map_delta || !bld->map_add)
		return -ENOMEM;
	return 0;
}

/* An empty snapshot owning a new base, under @def. */
static struct pmtufix_snapshot *
pmtufix_snapshot_alloc(const struct pmtufix_defaults *def)
{
	struct pmtufix_snapshot *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return NULL;
	d->base = kzalloc(sizeof(*d->base), GFP_KERNEL_ACCOUNT);
	if (!d->base) {
		kfree(d);
		return NULL;
	}
	refcount_set(&d->base->ref, 1);
	d->def = *def;
	d->owns = true;
	return d;
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
	struct pmtufix_base *b;
	unsigned int family;
	int ret;

	ret = pmtufix_batches_sort(add, del, extack);
	if (ret)
		return ERR_PTR(ret);

	d = pmtufix_snapshot_alloc(def);
	if (!d)
		return ERR_PTR(-ENOMEM);
	b = d->base;
	bld.d = d;
	bld.b = b;
	pmtufix_batch_init(&bld.profiles, 0);
	ret = pmtufix_build_alloc(&bld, add, all);
	if (ret)
		goto err;

	for_each_family(family) {
		pmtufix_batch_family(add, family, &a, &a_end);
		pmtufix_batch_family(del, family, &x, &x_end);
		ret = pmtufix_build_family(&bld, family, all, replace,
					   a, a_end, x, x_end,
					   family == PMTUFIX_IPV4 ? &b->n4 : &b->n6,
					   extack);
		if (ret)
			goto err;
	}
	d->n4 = b->n4;
	d->n6 = b->n6;
	/* A limit lowered later never stands in the way of a deletion. */
	if (add && (u64)d->n4 + d->n6 > max) {
		pmtufix_limit_msg(pn, extack);
		ret = -ENOSPC;
		goto err;
	}

	/* The interned set becomes the base's profiles. */
	b->profiles = bld.profiles.profiles;
	b->nprofiles = bld.profiles.nprofiles;
	bld.profiles.profiles = NULL;
	b->fits = pmtufix_alloc(b->nprofiles, sizeof(*b->fits));
	b->st4 = pmtufix_alloc(b->n4, sizeof(*b->st4));
	b->st6 = pmtufix_alloc(b->n6, sizeof(*b->st6));
	if (!b->fits || !b->st4 || !b->st6) {
		ret = -ENOMEM;
		goto err;
	}
	ret = pmtufix_build_fits(&d->def, b->profiles, b->nprofiles, b->fits,
				 extack);
	if (ret)
		goto err;
	ret = pmtufix_build_lpm(b);
	if (ret)
		goto err;

	pmtufix_batch_free(&bld.profiles);
	kvfree(bld.map_base);
	kvfree(bld.map_delta);
	kvfree(bld.map_add);
	return d;

err:
	pmtufix_paths_msg(ret, extack);
	pmtufix_batch_free(&bld.profiles);
	kvfree(bld.map_base);
	kvfree(bld.map_delta);
	kvfree(bld.map_add);
	pmtufix_snapshot_free(d);
	return ERR_PTR(ret);
}

/* Building a delta */

/* Everything a delta build keeps track of. */
struct pmtufix_change {
	const struct pmtufix_snapshot *old;
	const struct pmtufix_batch *add;
	struct pmtufix_snapshot *d;
	struct pmtufix_batch profiles;		/* the new delta's */
	u32 *map_old, *map_add;
	struct pmtufix_entry_stats **fresh;	/* allocated for added ones */
	u32 nfresh;
};

static u32 pmtufix_base_find(const struct pmtufix_base *b,
			     const struct pmtufix_ent *e)
{
	struct pmtufix_pfx4 k4 = { .addr = (u32)e->addr.lo, .plen = e->plen };
	struct pmtufix_pfx6 k6 = { .addr = e->addr, .plen = e->plen };

	if (e->family == PMTUFIX_IPV4)
		return pmtufix_pfx4_find(b->pfx4, b->n4, &k4);
	return pmtufix_pfx6_find(b->pfx6, b->n6, &k6);
}

static void pmtufix_change_emit(struct pmtufix_snapshot *d,
				const struct pmtufix_ent *e,
				const struct pmtufix_dent *de)
{
	u32 k;

	if (e->family == PMTUFIX_IPV4) {
		k = d->delta4.n++;
		d->delta4.pfx[k].addr = (u32)e->addr.lo;
		d->delta4.pfx[k].plen = e->plen;
		d->dent4[k] = *de;
	} else {
		k = d->delta6.n++;
		d->delta6.pfx[k].addr = e->addr;
		d->delta6.pfx[k].plen = e->plen;
		d->dent6[k] = *de;
	}
}

/* @o leaves the delta, or is added again: its own counters go. */
static void pmtufix_change_drop(struct pmtufix_change *ch,
				const struct pmtufix_dent *o)
{
	if (o && o->own)
		ch->d->drop[ch->d->ndrop++] = o->st;
}

/* What a change does to one prefix: see pmtufix_change_family(). */
static int pmtufix_change_one(struct pmtufix_change *ch, bool replace,
			      const struct pmtufix_ent *p,
			      const struct pmtufix_dent *o,
			      const struct pmtufix_ent *a, bool del,
			      struct netlink_ext_ack *extack)
{
	const struct pmtufix_base *b = ch->old->base;
	struct pmtufix_dent ne = { .profile = PMTUFIX_LPM_NONE };
	bool live;
	int ret;

	ne.base = o ? o->base : pmtufix_base_find(b, p);
	live = o ? o->profile != PMTUFIX_LPM_NONE : ne.base != PMTUFIX_LPM_NONE;
	if (del && !live) {
		NL_SET_ERR_MSG(extack, "a prefix to delete is not in the table");
		return -ENOENT;
	}
	if (a && !del && live && !replace) {
		NL_SET_ERR_MSG(extack, "a prefix is in the table already");
		return -EEXIST;
	}
	if (a) {
		ret = pmtufix_map_profile(&ch->profiles, ch->map_add,
					  ch->add->profiles, a->profile,
					  &ne.profile);
		if (ret)
			return ret;
		if (live && !del) {
			/* Replaced: its counters go on. */
			if (o) {
				ne.st = o->st;
				ne.own = o->own;
			} else {
				ne.st = p->family == PMTUFIX_IPV4 ?
					&b->st4[ne.base] : &b->st6[ne.base];
			}
		} else {
			ne.st = kzalloc(sizeof(*ne.st), PMTUFIX_GFP);
			if (!ne.st)
				return -ENOMEM;
			ne.own = true;
			ch->fresh[ch->nfresh++] = ne.st;
			pmtufix_change_drop(ch, o);
		}
	} else if (del) {
		pmtufix_change_drop(ch, o);
		/* Not in the base: it leaves no trace. */
		if (ne.base == PMTUFIX_LPM_NONE)
			return 0;
	} else {
		if (o->profile != PMTUFIX_LPM_NONE) {
			ret = pmtufix_map_profile(&ch->profiles, ch->map_old,
						  ch->old->dprofiles,
						  o->profile, &ne.profile);
			if (ret)
				return ret;
		}
		ne.st = o->st;
		ne.own = o->own;
	}
	pmtufix_change_emit(ch->d, p, &ne);
	return 0;
}

/*
 * Merges, for one family, the old delta with the sorted additions
 * [@a, @a_end) and deletions [@x, @x_end).  A prefix of the base that is
 * deleted stays in the delta as deleted; one that only the delta held
 * leaves it.
 */
static int pmtufix_change_family(struct pmtufix_change *ch,
				 unsigned int family, bool replace,
				 const struct pmtufix_ent *a,
				 const struct pmtufix_ent *a_end,
				 const struct pmtufix_ent *x,
				 const struct pmtufix_ent *x_end,
				 struct netlink_ext_ack *extack)
{
	const struct pmtufix_snapshot *old = ch->old;
	u32 nold = family == PMTUFIX_IPV4 ? old->delta4.n : old->delta6.n;
	const struct pmtufix_dent *o;
	struct pmtufix_view ov;
	struct pmtufix_ent p;
	bool have, ea, ex;
	u32 i = 0;
	int ret;

	while (i < nold || a < a_end || x < x_end) {
		/* The least prefix of the three, and which of them hold it. */
		o = NULL;
		have = false;
		if (i < nold) {
			o = pmtufix_delta_view(old, family, i, &ov);
			p = ov.e;
			have = true;
		}
		if (a < a_end && (!have || pmtufix_ent_cmp(a, &p) < 0)) {
			p = *a;
			have = true;
		}
		if (x < x_end && (!have || pmtufix_ent_cmp(x, &p) < 0))
			p = *x;
		if (o && pmtufix_ent_cmp(&ov.e, &p))
			o = NULL;
		ea = a < a_end && !pmtufix_ent_cmp(a, &p);
		ex = x < x_end && !pmtufix_ent_cmp(x, &p);

		ret = pmtufix_change_one(ch, replace, &p, o, ea ? a : NULL, ex,
					 extack);
		if (ret)
			return ret;
		if (o)
			i++;
		if (ea)
			a++;
		if (ex)
			x++;
	}
	return 0;
}

static int pmtufix_change_alloc(struct pmtufix_change *ch,
				const struct pmtufix_batch *add,
				const struct pmtufix_batch *del)
{
	const struct pmtufix_snapshot *old = ch->old;
	struct pmtufix_snapshot *d = ch->d;
	u32 max4 = old->delta4.n, max6 = old->delta6.n, i;

	for (i = 0; add && i < add->n; i++) {
		if (add->ent[i].family == PMTUFIX_IPV4)
			max4++;
		else
			max6++;
	}
	for (i = 0; del && i < del->n; i++) {
		if (del->ent[i].family == PMTUFIX_IPV4)
			max4++;
		else
			max6++;
	}
	d->delta4.pfx = pmtufix_alloc(max4, sizeof(*d->delta4.pfx));
	d->delta4.res = pmtufix_alloc(max4, sizeof(*d->delta4.res));
	d->dent4 = pmtufix_alloc(max4, sizeof(*d->dent4));
	d->delta4.lpm.range = pmtufix_alloc(pmtufix_lpm_max_ranges(max4),
					    sizeof(*d->delta4.lpm.range));
	d->delta6.pfx = pmtufix_alloc(max6, sizeof(*d->delta6.pfx));
	d->delta6.res = pmtufix_alloc(max6, sizeof(*d->delta6.res));
	d->dent6 = pmtufix_alloc(max6, sizeof(*d->dent6));
	d->delta6.lpm.start = pmtufix_alloc(pmtufix_lpm_max_ranges(max6),
					    sizeof(*d->delta6.lpm.start));
	d->delta6.lpm.value = pmtufix_alloc(pmtufix_lpm_max_ranges(max6),
					    sizeof(*d->delta6.lpm.value));
	d->drop = pmtufix_alloc(old->delta4.n + old->delta6.n,
				sizeof(*d->drop));
	ch->fresh = pmtufix_alloc(add ? add->n : 0, sizeof(*ch->fresh));
	ch->map_old = pmtufix_alloc_map(old->ndprofiles);
	ch->map_add = pmtufix_alloc_map(add ? add->nprofiles : 0);
	if (!d->delta4.pfx || !d->delta4.res || !d->dent4 ||
	    !d->delta4.lpm.range ||
	    !d->delta6.pfx || !d->delta6.res || !d->dent6 ||
	    !d->delta6.lpm.start || !d->delta6.lpm.value ||
	    !d->drop || !ch->fresh || !ch->map_old || !ch->map_add)
		return -ENOMEM;
	return 0;
}

/* Live entries of a family: the base's, less those the delta changed. */
static u32 pmtufix_change_count(u32 nbase, const struct pmtufix_dent *e,
				u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (e[i].base != PMTUFIX_LPM_NONE)
			nbase--;
		if (e[i].profile != PMTUFIX_LPM_NONE)
			nbase++;
	}
	return nbase;
}

/* The delta's ranges, and what each deleted prefix resolves to. */
static int pmtufix_change_lpm(struct pmtufix_snapshot *d)
{
	const struct pmtufix_base *b = d->base;
	u32 k;

	if (WARN_ON_ONCE(!pmtufix_lpm4_build(&d->delta4.lpm, d->delta4.pfx,
					     d->delta4.n) ||
			 !pmtufix_lpm6_build(&d->delta6.lpm, d->delta6.pfx,
					     d->delta6.n)))
		return -EINVAL;
	for (k = 0; k < d->delta4.n; k++)
		d->delta4.res[k] = d->dent4[k].profile == PMTUFIX_LPM_NONE ?
				   PMTUFIX_LPM_NONE : PMTUFIX_REF_DELTA | k;
	for (k = 0; k < d->delta6.n; k++)
		d->delta6.res[k] = d->dent6[k].profile == PMTUFIX_LPM_NONE ?
				   PMTUFIX_LPM_NONE : PMTUFIX_REF_DELTA | k;
	pmtufix_delta4_resolve(&d->delta4, b->pfx4, b->n4, b->lens4);
	pmtufix_delta6_resolve(&d->delta6, b->pfx6, b->n6, b->lens6);
	return 0;
}

struct pmtufix_snapshot *
pmtufix_snapshot_change(const struct pmtufix_snapshot *old,
			struct pmtufix_batch *add, struct pmtufix_batch *del,
			unsigned int flags, const struct pmtufix_net *pn,
			struct netlink_ext_ack *extack)
{
	u32 max = pn ? pmtufix_entry_limit(pn) : 0, i;
	const struct pmtufix_ent *a, *a_end, *x, *x_end;
	struct pmtufix_change ch = { .old = old, .add = add };
	struct pmtufix_snapshot *d;
	unsigned int family;
	int ret;

	if ((u64)old->delta4.n + old->delta6.n + (add ? add->n : 0) +
	    (del ? del->n : 0) > PMTUFIX_DELTA_MAX)
		return NULL;
	ret = pmtufix_batches_sort(add, del, extack);
	if (ret)
		return ERR_PTR(ret);

	d = kzalloc(sizeof(*d), GFP_KERNEL_ACCOUNT);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->def = old->def;
	d->base = old->base;
	refcount_inc(&d->base->ref);
	ch.d = d;
	pmtufix_batch_init(&ch.profiles, 0);
	ret = pmtufix_change_alloc(&ch, add, del);
	if (ret)
		goto err;

	for_each_family(family) {
		pmtufix_batch_family(add, family, &a, &a_end);
		pmtufix_batch_family(del, family, &x, &x_end);
		ret = pmtufix_change_family(&ch, family,
					    flags & PMTUFIX_UPDATE_REPLACE,
					    a, a_end, x, x_end, extack);
		if (ret)
			goto err;
	}
	d->n4 = pmtufix_change_count(d->base->n4, d->dent4, d->delta4.n);
	d->n6 = pmtufix_change_count(d->base->n6, d->dent6, d->delta6.n);
	if (add && (u64)d->n4 + d->n6 > max) {
		pmtufix_limit_msg(pn, extack);
		ret = -ENOSPC;
		goto err;
	}

	/*
	 * Together with the base's, the profiles could pass the table's
	 * bound: a new base counts them exactly, and refuses as it would.
	 */
	if (d->base->nprofiles + ch.profiles.nprofiles > PMTUFIX_MAX_PROFILES) {
		ret = 0;
		goto err;
	}
	d->dprofiles = ch.profiles.profiles;
	d->ndprofiles = ch.profiles.nprofiles;
	ch.profiles.profiles = NULL;
	d->dfits = pmtufix_alloc(d->ndprofiles, sizeof(*d->dfits));
	if (!d->dfits) {
		ret = -ENOMEM;
		goto err;
	}
	ret = pmtufix_build_fits(&d->def, d->dprofiles, d->ndprofiles,
				 d->dfits, extack);
	if (ret)
		goto err;
	ret = pmtufix_change_lpm(d);
	if (ret)
		goto err;

	d->owns = true;
	pmtufix_batch_free(&ch.profiles);
	kvfree(ch.fresh);
	kvfree(ch.map_old);
	kvfree(ch.map_add);
	return d;

err:
	pmtufix_paths_msg(ret, extack);
	/* Only what this change allocated is its to free. */
	for (i = 0; i < ch.nfresh; i++)
		kfree(ch.fresh[i]);
	d->ndrop = 0;
	pmtufix_batch_free(&ch.profiles);
	kvfree(ch.fresh);
	kvfree(ch.map_old);
	kvfree(ch.map_add);
	pmtufix_snapshot_free(d);
	return ret ? ERR_PTR(ret) : NULL;
}
