/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A very small test harness: each test file is one program, each CHECK a
 * TAP line only when it fails, one summary line per program.  The exit
 * status is 0 only when every check passed.
 */
#ifndef _PMTUFIX_UNIT_H
#define _PMTUFIX_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long unit_checks, unit_failures;

#define CHECK(cond, ...) do {						\
	unit_checks++;							\
	if (!(cond)) {							\
		unit_failures++;					\
		printf("not ok - %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

#define CHECK_EQ(a, b, ...) do {					\
	long long _a = (long long)(a), _b = (long long)(b);		\
	unit_checks++;							\
	if (_a != _b) {							\
		unit_failures++;					\
		printf("not ok - %s:%d: %s == %s: %lld != %lld: ",	\
		       __FILE__, __LINE__, #a, #b, _a, _b);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static inline int unit_done(const char *name)
{
	printf("%s %s: %lu checks, %lu failed\n",
	       unit_failures ? "not ok" : "ok", name, unit_checks,
	       unit_failures);
	return unit_failures ? 1 : 0;
}

/* xorshift64*: reproducible random input from a printed seed. */
static uint64_t unit_rng_state = 0x9e3779b97f4a7c15ULL;

static inline void unit_seed(uint64_t seed)
{
	unit_rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t unit_rand(void)
{
	unit_rng_state ^= unit_rng_state >> 12;
	unit_rng_state ^= unit_rng_state << 25;
	unit_rng_state ^= unit_rng_state >> 27;
	return unit_rng_state * 0x2545f4914f6cdd1dULL;
}

static inline uint64_t unit_seed_from_env(void)
{
	const char *s = getenv("PMTUFIX_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 1;

	unit_seed(seed);
	return seed;
}

#endif
