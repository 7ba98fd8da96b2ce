// SPDX-License-Identifier: GPL-2.0
/*
 * What the entry counters cost a SYN when several CPUs clamp toward one
 * entry.  The module keeps one struct pmtufix_entry_stats (five atomic64_t,
 * 40 bytes, packed one after the other) per entry; a clamped SYN does two
 * atomic increments on it (hits, clamped).  Here threads pinned to distinct
 * CPUs do the same increments with the same layout, toward:
 *
 *   one entry          both threads on the same counters
 *   adjacent entries   entries i and i + 1, which may share a cache line
 *   distant entries    entries 64 apart: no sharing at all
 *   per-CPU copies     plain increments of per-thread counters, what
 *                      per-CPU entry counters would cost
 *
 * and one thread alone as the reference.  Figures only: ns per SYN (wall
 * time over the SYNs one thread made) and the ratio to distant entries.
 *
 *   bench_counters [millions-of-SYNs-per-thread]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define COUNTERS	5	/* PMTUFIX_EC_MAX */
#define HITS		0
#define CLAMPED		1
#define ENTRIES		256
#define ROUNDS		3

struct entry_stats {
	int64_t c[COUNTERS];
};

enum mode { SHARED, PERCPU };

struct worker {
	pthread_t thread;
	int cpu;
	enum mode mode;
	struct entry_stats *st;
	unsigned long syns;
	pthread_barrier_t *start;
};

static struct entry_stats stats[ENTRIES] __attribute__((aligned(64)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct entry_stats *st = w->st;
	unsigned long i;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(w->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(w->start);
	if (w->mode == PERCPU) {
		for (i = 0; i < w->syns; i++) {
			/* As this_cpu_inc(): a plain add the compiler keeps. */
			__atomic_store_n(&st->c[HITS], st->c[HITS] + 1,
					 __ATOMIC_RELAXED);
			__atomic_store_n(&st->c[CLAMPED], st->c[CLAMPED] + 1,
					 __ATOMIC_RELAXED);
		}
	} else {
		for (i = 0; i < w->syns; i++) {
			/* As atomic64_inc(): a locked add. */
			__atomic_fetch_add(&st->c[HITS], 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&st->c[CLAMPED], 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

/* ns per SYN with one thread per entry of @entries (CPUs 0, 1, ...). */
static double run(unsigned int nthreads, const unsigned int *entries,
		  enum mode mode, unsigned long syns)
{
	static struct entry_stats own[8][8] __attribute__((aligned(64)));
	struct worker w[8];
	pthread_barrier_t start;
	double t0, best = 0;
	unsigned int i, r;

	for (r = 0; r < ROUNDS; r++) {
		pthread_barrier_init(&start, NULL, nthreads + 1);
		for (i = 0; i < nthreads; i++) {
			w[i] = (struct worker){
				.cpu = i, .mode = mode, .syns = syns,
				.st = mode == PERCPU ? &own[i][0] :
						       &stats[entries[i]],
				.start = &start,
			};
			pthread_create(&w[i].thread, NULL, work, &w[i]);
		}
		pthread_barrier_wait(&start);
		t0 = now();
		for (i = 0; i < nthreads; i++)
			pthread_join(w[i].thread, NULL);
		t0 = (now() - t0) * 1e9 / syns;
		if (!r || t0 < best)
			best = t0;
		pthread_barrier_destroy(&start);
	}
	return best;
}

int main(int argc, char **argv)
{
	static const unsigned int one[] = { 0, 0 }, adjacent[] = { 1, 2 },
				  distant[] = { 0, 64 };
	unsigned long syns = 20;
	double ref, t;

	if (argc > 1)
		syns = strtoul(argv[1], NULL, 0);
	syns *= 1000000;
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		printf("bench_counters: needs two CPUs\n");
		return 0;
	}
	printf("entry counters, 2 increments per SYN, %lu M SYNs per thread, best of %d:\n",
	       syns / 1000000, ROUNDS);
	ref = run(2, distant, SHARED, syns);
	t = run(1, one, SHARED, syns);
	printf("  %-34s %6.2f ns/SYN  %5.2fx\n", "1 CPU", t, t / ref);
	printf("  %-34s %6.2f ns/SYN  %5.2fx\n", "2 CPUs, distant entries", ref,
	       1.0);
	t = run(2, adjacent, SHARED, syns);
	printf("  %-34s %6.2f ns/SYN  %5.2fx\n",
	       "2 CPUs, adjacent entries", t, t / ref);
	t = run(2, one, SHARED, syns);
	printf("  %-34s %6.2f ns/SYN  %5.2fx\n", "2 CPUs, one entry", t,
	       t / ref);
	t = run(2, one, PERCPU, syns);
	printf("  %-34s %6.2f ns/SYN  %5.2fx\n",
	       "2 CPUs, one entry, per-CPU copies", t, t / ref);
	return 0;
}
