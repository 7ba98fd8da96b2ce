// SPDX-License-Identifier: GPL-2.0
/*
 * What a network namespace's FORWARD hook costs a packet, whatever its
 * rules are: iptables-legacy, iptables-nft or native nftables.  Built for
 * the benchmarks of tests/bench/vm/ only, never installed.
 *
 * A process in the namespace to measure writes a request to
 * /sys/module/pmtufix_bench/parameters/run:
 *
 *   FAMILY KIND SRC DST COUNT STRIDE IN OUT PACKETS [CPUS [LATENCY]]
 *
 *   FAMILY	4 or 6
 *   KIND	syn (a Linux SYN: MSS 1460, SACK, timestamps, window scale),
 *		ack (a bare ACK with timestamps) or full (1500 bytes of data,
 *		DF set)
 *   SRC, DST	addresses; with COUNT > 0, each packet goes to a random one
 *		of COUNT prefixes (/24 or /48) from DST on, STRIDE prefixes
 *		apart, at a random host address within it
 *   IN, OUT	the devices the packet comes in on and leaves by
 *   PACKETS	how many, on each CPU
 *   CPUS	1 (the default): in the writer; more: at once on CPUs 0 to
 *		CPUS - 1, a thread bound to each with a packet of its own,
 *		until PACKETS each or until a signal interrupts the writer
 *   LATENCY	1: time each pass on its own as well, for the worst
 *
 * and reads the answer from .../result:
 *
 *   PACKETS HOOK_NS LOOP_NS ACCEPTED LOWERED WORST_NS
 *
 * summed over the CPUs: PACKETS is those that went into the hook, fewer
 * than asked for after a signal.  LOWERED counts the SYNs that left the
 * hook with a smaller MSS; WORST_NS is the longest pass with LATENCY, 0
 * without.  A run that fails leaves "none".
 * The packet is one skb, prepared once with a route to DST attached as
 * forwarding would; before each pass through the hook its headers are
 * written back from a template and the destination is changed, with both
 * checksums updated.  That preparation is timed on its own, in alternating
 * chunks with the passes, so that HOOK_NS - LOOP_NS is the hook's own time.
 * A pass the hook does not accept ends the run (ACCEPTED is lower).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/route.h>

#define BENCH_CHUNK	4096
#define BENCH_HDR	(sizeof(struct ipv6hdr) + 60)

struct bench_req {
	unsigned int family, count, stride, packets, cpus, latency;
	char kind[8], in[IFNAMSIZ], out[IFNAMSIZ];
	union {
		__be32 a4;
		struct in6_addr a6;
	} src, dst;
};

struct bench_run {
	struct bench_req r;
	struct net *net;
	struct net_device *in, *out;
	struct sk_buff *skb;
	unsigned int hlen;		/* network + TCP header */
	unsigned int mss_off;		/* of a SYN's MSS value, or 0 */
	u8 tmpl[BENCH_HDR];
	u64 rnd;
	/* What the run measured. */
	u64 hook_ns, loop_ns, worst_ns;
	unsigned int attempted, done, lowered;
	int err;
	bool stop;			/* asked to end early */
	struct completion finished;	/* of a run in a thread */
};

static DEFINE_MUTEX(bench_lock);
static char bench_result[128] = "none\n";

static u64 bench_rand(struct bench_run *b)
{
	b->rnd ^= b->rnd << 13;
	b->rnd ^= b->rnd >> 7;
	b->rnd ^= b->rnd << 17;
	return b->rnd;
}

static int bench_parse(struct bench_req *r, const char *val)
{
	char src[48], dst[48];

	r->cpus = 1;
	if (sscanf(val, "%u %7s %47s %47s %u %u %15s %15s %u %u %u",
		   &r->family, r->kind, src, dst, &r->count, &r->stride, r->in,
		   r->out, &r->packets, &r->cpus, &r->latency) < 9 ||
	    !r->cpus || r->cpus > num_online_cpus())
		return -EINVAL;
	if (r->family == 4)
		return in4_pton(src, -1, (u8 *)&r->src.a4, -1, NULL) &&
		       in4_pton(dst, -1, (u8 *)&r->dst.a4, -1, NULL) ?
		       0 : -EINVAL;
	if (r->family == 6)
		return in6_pton(src, -1, r->src.a6.s6_addr, -1, NULL) &&
		       in6_pton(dst, -1, r->dst.a6.s6_addr, -1, NULL) ?
		       0 : -EINVAL;
	return -EINVAL;
}

/* The TCP header and options of @kind at @th; its length. */
static unsigned int bench_tcp(struct tcphdr *th, const char *kind)
{
	static const u8 syn_opts[] = {
		2, 4, 0x05, 0xb4,		/* MSS 1460 */
		4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0,	/* SACK, TS */
		1, 3, 3, 7,			/* NOP, window scale 7 */
	};
	static const u8 ts_opts[] = { 1, 1, 8, 10, 0, 0, 0, 2, 0, 0, 0, 1 };
	bool syn = !strcmp(kind, "syn");
	const u8 *opts = syn ? syn_opts : ts_opts;
	unsigned int olen = syn ? sizeof(syn_opts) : sizeof(ts_opts);

	memset(th, 0, sizeof(*th));
	th->source = htons(40000);
	th->dest = htons(443);
	th->seq = htonl(1);
	th->doff = (sizeof(*th) + olen) / 4;
	th->window = htons(64240);
	if (syn) {
		th->syn = 1;
	} else {
		th->ack = 1;
		th->ack_seq = htonl(1);
		th->psh = !strcmp(kind, "full");
	}
	memcpy(th + 1, opts, olen);
	return sizeof(*th) + olen;
}

static int bench_prepare(struct bench_run *b)
{
	const struct bench_req *r = &b->r;
	unsigned int tcplen, len, payload = 0;
	struct dst_entry *dst;
	struct tcphdr *th;
	__wsum csum;

	b->in = dev_get_by_name(b->net, r->in);
	b->out = dev_get_by_name(b->net, r->out);
	if (!b->in || !b->out)
		return -ENODEV;

	b->skb = alloc_skb(LL_MAX_HEADER + 1500, GFP_KERNEL);
	if (!b->skb)
		return -ENOMEM;
	skb_reserve(b->skb, LL_MAX_HEADER);
	b->hlen = r->family == 4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	th = (struct tcphdr *)(b->tmpl + b->hlen);
	tcplen = bench_tcp(th, r->kind);
	if (!strcmp(r->kind, "full"))
		payload = 1500 - b->hlen - tcplen;
	len = b->hlen + tcplen + payload;

	skb_put_zero(b->skb, len);
	skb_reset_network_header(b->skb);
	skb_set_transport_header(b->skb, b->hlen);
	b->skb->dev = b->in;
	b->skb->ip_summed = CHECKSUM_NONE;
	csum = csum_partial(th, tcplen, 0);

	if (r->family == 4) {
		struct iphdr *iph = (struct iphdr *)b->tmpl;
		struct flowi4 fl4 = { .daddr = r->dst.a4 };
		struct rtable *rt;

		iph->version = 4;
		iph->ihl = 5;
		iph->tot_len = htons(len);
		iph->frag_off = htons(IP_DF);
		iph->ttl = 63;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = r->src.a4;
		iph->daddr = r->dst.a4;
		iph->check = ip_fast_csum(iph, iph->ihl);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr,
					      tcplen + payload, IPPROTO_TCP,
					      csum);
		b->skb->protocol = htons(ETH_P_IP);
		rt = ip_route_output_key(b->net, &fl4);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		dst = &rt->dst;
	} else {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)b->tmpl;
		struct flowi6 fl6 = { .daddr = r->dst.a6 };

		ip6h->version = 6;
		ip6h->payload_len = htons(tcplen + payload);
		ip6h->nexthdr = IPPROTO_TCP;
		ip6h->hop_limit = 63;
		ip6h->saddr = r->src.a6;
		ip6h->daddr = r->dst.a6;
		th->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr,
					    tcplen + payload, IPPROTO_TCP,
					    csum);
		b->skb->protocol = htons(ETH_P_IPV6);
		dst = ip6_route_output(b->net, NULL, &fl6);
		if (dst->error) {
			int err = dst->error;

			dst_release(dst);
			return err;
		}
	}
	skb_dst_set(b->skb, dst);
	if (th->syn)
		b->mss_off = b->hlen + sizeof(*th) + 2;
	b->hlen += tcplen;
	return 0;
}

/* The template back into the packet, toward a fresh destination. */
static void bench_rewrite(struct bench_run *b)
{
	const struct bench_req *r = &b->r;
	struct sk_buff *skb = b->skb;
	struct tcphdr *th;
	u64 slot = 0, host = bench_rand(b);

	memcpy(skb->data, b->tmpl, b->hlen);
	if (!r->count)
		return;
	slot = (host >> 32) % r->count * r->stride;
	th = tcp_hdr(skb);
	if (r->family == 4) {
		struct iphdr *iph = ip_hdr(skb);
		__be32 old = iph->daddr;

		iph->daddr = htonl(ntohl(old) + ((u32)slot << 8) + (host & 0xff));
		csum_replace4(&iph->check, old, iph->daddr);
		inet_proto_csum_replace4(&th->check, skb, old, iph->daddr,
					 true);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct in6_addr old = ip6h->daddr;
		u64 hi = ((u64)ntohl(old.s6_addr32[0]) << 32 |
			  ntohl(old.s6_addr32[1])) + (slot << 16);

		ip6h->daddr.s6_addr32[0] = htonl(hi >> 32);
		ip6h->daddr.s6_addr32[1] = htonl((u32)hi);
		ip6h->daddr.s6_addr32[2] = htonl(host >> 32);
		ip6h->daddr.s6_addr32[3] = htonl((u32)host);
		inet_proto_csum_replace16(&th->check, skb, old.s6_addr32,
					  ip6h->daddr.s6_addr32, true);
	}
}

static int bench_hook(struct bench_run *b)
{
	const struct nf_hook_entries *e;
	struct nf_hook_state state;
	u8 pf;

	if (b->r.family == 4) {
		pf = NFPROTO_IPV4;
		e = rcu_dereference(b->net->nf.hooks_ipv4[NF_INET_FORWARD]);
	} else {
		pf = NFPROTO_IPV6;
		e = rcu_dereference(b->net->nf.hooks_ipv6[NF_INET_FORWARD]);
	}
	if (!e)
		return 1;
	nf_hook_state_init(&state, NF_INET_FORWARD, pf, b->in, b->out, NULL,
			   b->net, NULL);
	return nf_hook_slow(b->skb, &state, e, 0);
}

static u16 bench_be16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

/* @n passes, through the hook or not; their time in ns, or -1. */
static s64 bench_chunk(struct bench_run *b, unsigned int n, bool hook)
{
	unsigned int i;
	u64 t0, t1;
	int ret = 1;

	local_bh_disable();
	rcu_read_lock();
	t0 = ktime_get_ns();
	for (i = 0; i < n && ret == 1; i++) {
		bench_rewrite(b);
		if (!hook)
			continue;
		if (b->r.latency) {
			u64 p0 = ktime_get_ns();

			ret = bench_hook(b);
			b->worst_ns = max(b->worst_ns, ktime_get_ns() - p0);
		} else {
			ret = bench_hook(b);
		}
		if (ret == 1 && b->mss_off &&
		    bench_be16(b->skb->data + b->mss_off) <
		    bench_be16(b->tmpl + b->mss_off))
			b->lowered++;
	}
	t1 = ktime_get_ns();
	rcu_read_unlock();
	local_bh_enable();
	if (ret != 1) {
		/* Not accepted: the hook has freed or kept the skb. */
		b->skb = NULL;
		return -1;
	}
	return t1 - t0;
}

/* One run, in alternating chunks: see the top of the file. */
static void bench_loop(struct bench_run *b)
{
	unsigned int n;
	s64 t;

	b->err = bench_prepare(b);
	while (!b->err && b->done < b->r.packets && !READ_ONCE(b->stop)) {
		n = min(b->r.packets - b->done, BENCH_CHUNK);
		b->attempted += n;
		b->loop_ns += bench_chunk(b, n, false);
		t = bench_chunk(b, n, true);
		if (t < 0)
			break;
		b->hook_ns += t;
		b->done += n;
		cond_resched();
	}
}

static int bench_thread(void *arg)
{
	struct bench_run *b = arg;

	bench_loop(b);
	kthread_complete_and_exit(&b->finished, 0);
}

static void bench_free(struct bench_run *b)
{
	kfree_skb(b->skb);
	dev_put(b->in);
	dev_put(b->out);
	kfree(b);
}

static int bench_run_set(const char *val, const struct kernel_param *kp)
{
	unsigned int cpu, i, attempted = 0, done = 0, lowered = 0;
	u64 hook_ns = 0, loop_ns = 0, worst_ns = 0;
	struct task_struct *task;
	struct bench_req r = {};
	struct bench_run **run;
	int ret;

	ret = bench_parse(&r, val);
	if (ret)
		return ret;
	run = kcalloc(r.cpus, sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;

	mutex_lock(&bench_lock);
	strscpy(bench_result, "none\n", sizeof(bench_result));
	for (cpu = 0; cpu < r.cpus; cpu++) {
		run[cpu] = kzalloc(sizeof(*run[cpu]), GFP_KERNEL);
		if (!run[cpu]) {
			ret = -ENOMEM;
			goto out;
		}
		run[cpu]->r = r;
		run[cpu]->net = current->nsproxy->net_ns;
		run[cpu]->rnd = 0x9e3779b97f4a7c15ULL * (cpu + 1);
		init_completion(&run[cpu]->finished);
	}
	if (r.cpus == 1) {
		bench_loop(run[0]);
	} else {
		for (cpu = 0; cpu < r.cpus; cpu++) {
			task = kthread_create_on_cpu(bench_thread, run[cpu], cpu,
						     "pmtufix_bench/%u");
			if (IS_ERR(task)) {
				run[cpu]->err = PTR_ERR(task);
				complete(&run[cpu]->finished);
			} else {
				wake_up_process(task);
			}
		}
		/* A signal ends the runs early: the last of a flood. */
		for (cpu = 0; cpu < r.cpus; cpu++)
			if (wait_for_completion_interruptible(&run[cpu]->finished))
				break;
		for (i = cpu; i < r.cpus; i++)
			WRITE_ONCE(run[i]->stop, true);
		for (; cpu < r.cpus; cpu++)
			wait_for_completion(&run[cpu]->finished);
	}
	for (cpu = 0; cpu < r.cpus; cpu++) {
		ret = ret ?: run[cpu]->err;
		attempted += run[cpu]->attempted;
		hook_ns += run[cpu]->hook_ns;
		loop_ns += run[cpu]->loop_ns;
		done += run[cpu]->done;
		lowered += run[cpu]->lowered;
		worst_ns = max(worst_ns, run[cpu]->worst_ns);
	}
	if (!ret)
		snprintf(bench_result, sizeof(bench_result),
			 "%u %llu %llu %u %u %llu\n", attempted, hook_ns,
			 loop_ns, done, lowered, worst_ns);
out:
	mutex_unlock(&bench_lock);
	for (cpu = 0; cpu < r.cpus; cpu++)
		if (run[cpu])
			bench_free(run[cpu]);
	kfree(run);
	return ret;
}

static int bench_result_get(char *buffer, const struct kernel_param *kp)
{
	int ret;

	mutex_lock(&bench_lock);
	ret = scnprintf(buffer, PAGE_SIZE, "%s", bench_result);
	mutex_unlock(&bench_lock);
	return ret;
}

static const struct kernel_param_ops bench_run_ops = {
	.set = bench_run_set,
};

static const struct kernel_param_ops bench_result_ops = {
	.get = bench_result_get,
};

module_param_cb(run, &bench_run_ops, NULL, 0200);
MODULE_PARM_DESC(run,
		 "FAMILY KIND SRC DST COUNT STRIDE IN OUT PACKETS [CPUS [LATENCY]]");
module_param_cb(result, &bench_result_ops, NULL, 0444);
MODULE_PARM_DESC(result,
		 "PACKETS HOOK_NS LOOP_NS ACCEPTED LOWERED WORST_NS of the last run");

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Cost of the FORWARD hook on prepared packets (benchmarks)");
