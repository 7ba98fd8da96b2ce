// SPDX-License-Identifier: GPL-2.0
/*
 * Table lines whose path profiles all land in one bucket of the module's
 * profile hash, were that hash keyed with a seed known in advance (0, as it
 * once was): the input a request would send to make every profile lookup
 * of a load walk one long probe sequence.
 *
 * Usage: collide N BITS
 *   N lines "10.X.Y.0/24 mtu 65535 raw 1 raw 1 ... raw R5 raw R6 raw R7",
 *   each with its own profile of eight layers.  With BITS > 0 the
 *   profiles' hashes under seed 0 agree on their low BITS bits (cover the
 *   largest bucket mask the load reaches); with BITS 0 they are simply the
 *   first N.  Only the last layers differ, so that telling two profiles
 *   apart compares most of their bytes, as an attacker would choose.
 *
 * The hash is jhash (lookup3) over struct pmtufix_profile of kmod/snapshot.h
 * as the module fills it: base_mtu, family 4, the layers' type and count.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pmtufix.h>

#define LAYER_SIZE	16
#define PROFILE_SIZE	(8 + LAYER_SIZE * PMTUFIX_MAX_LAYERS)
#define RAW_MAX		1024
#define MTU		65535

static uint32_t rol32(uint32_t w, unsigned int s)
{
	return (w << s) | (w >> (32 - s));
}

static void mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c; *a ^= rol32(*c, 4);  *c += *b;
	*b -= *a; *b ^= rol32(*a, 6);  *a += *c;
	*c -= *b; *c ^= rol32(*b, 8);  *b += *a;
	*a -= *c; *a ^= rol32(*c, 16); *c += *b;
	*b -= *a; *b ^= rol32(*a, 19); *a += *c;
	*c -= *b; *c ^= rol32(*b, 4);  *b += *a;
}

static void final(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*c ^= *b; *c -= rol32(*b, 14);
	*a ^= *c; *a -= rol32(*c, 11);
	*b ^= *a; *b -= rol32(*a, 25);
	*c ^= *b; *c -= rol32(*b, 16);
	*a ^= *c; *a -= rol32(*c, 4);
	*b ^= *a; *b -= rol32(*a, 14);
	*c ^= *b; *c -= rol32(*b, 24);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* lookup3's hashlittle() as the kernel's jhash() computes it. */
static uint32_t jhash(const uint8_t *k, uint32_t len, uint32_t seed)
{
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + len + seed;
	for (; len > 12; len -= 12, k += 12) {
		a += le32(k);
		b += le32(k + 4);
		c += le32(k + 8);
		mix(&a, &b, &c);
	}
	if (!len)
		return c;
	/* The tail, zero-padded to 12 bytes. */
	{
		uint8_t t[12] = { 0 };

		memcpy(t, k, len);
		a += le32(t);
		b += le32(t + 4);
		c += le32(t + 8);
	}
	final(&a, &b, &c);
	return c;
}

/* Eight raw layers; @raw gives the counts of the last three. */
static uint32_t profile_hash(const unsigned int raw[3])
{
	uint8_t p[PROFILE_SIZE] = { 0 }, *l;
	unsigned int i, count;

	p[0] = MTU & 0xff;		/* base_mtu */
	p[1] = MTU >> 8;
	p[4] = 4;			/* family */
	p[5] = PMTUFIX_MAX_LAYERS;	/* nlayers */
	for (i = 0; i < PMTUFIX_MAX_LAYERS; i++) {
		l = p + 8 + i * LAYER_SIZE;
		count = i < PMTUFIX_MAX_LAYERS - 3 ? 1 :
			raw[i - (PMTUFIX_MAX_LAYERS - 3)];
		l[0] = PMTUFIX_LAYER_RAW;	/* type */
		l[2] = count & 0xff;		/* count */
		l[3] = count >> 8;
	}
	return jhash(p, sizeof(p), 0);
}

/* The next counts, the last layer's first; 0 when all were taken. */
static int next(unsigned int raw[3])
{
	int i;

	for (i = 2; i >= 0; i--) {
		if (++raw[i] <= RAW_MAX)
			return 1;
		raw[i] = 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int raw[3] = { 1, 1, 1 }, j;
	unsigned long n, bits, i = 0;
	uint32_t mask;

	if (argc != 3)
		goto usage;
	n = strtoul(argv[1], NULL, 0);
	bits = strtoul(argv[2], NULL, 0);
	if (!n || n > 65536 || bits > 24)
		goto usage;
	mask = (1u << bits) - 1;
	do {
		if (profile_hash(raw) & mask)
			continue;
		printf("10.%lu.%lu.0/24 mtu %u", i >> 8, i & 255, MTU);
		for (j = 0; j < PMTUFIX_MAX_LAYERS; j++)
			printf(" raw %u", j < PMTUFIX_MAX_LAYERS - 3 ? 1 :
			       raw[j - (PMTUFIX_MAX_LAYERS - 3)]);
		printf("\n");
		i++;
	} while (i < n && next(raw));
	return i == n ? 0 : 1;
usage:
	fprintf(stderr, "usage: collide N BITS (N <= 65536, BITS <= 24)\n");
	return 2;
}
