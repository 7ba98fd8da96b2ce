// SPDX-License-Identifier: GPL-2.0
/*
 * TCP SYNs and data segments from a raw socket, as fast as the kernel
 * takes them, for the scenarios that count what crosses a router
 * (tests/netns/nlfuzz.sh, stress.sh).  Nothing answers them: the receiver
 * counts and drops them in its raw table.
 *
 * Usage: synflood SRC DST SYNS DATA [COUNT STRIDE SIZE]
 *   SYNS SYNs (with an MSS option of 1460, source ports walking from
 *   1024) and DATA segments (ACK and PSH, 64 bytes of payload) from SRC to
 *   DST port 9, IPv4, the two kinds interleaved evenly.  With COUNT, each
 *   packet goes to a random host of one of COUNT /24s from DST on, STRIDE
 *   /24s apart, and a data segment is SIZE bytes long with DF set (the
 *   benchmarks of tests/bench/vm/).  Prints one JSON line: syn, data (as
 *   sent), seconds, per_second.  A send refused by the kernel is an error:
 *   the counts must be those that left.
 */
#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORT	9
#define PAYLOAD	64
#define MAXLEN	1500

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t sum16(const void *p, size_t n, uint32_t s)
{
	const uint8_t *b = p;

	for (; n > 1; n -= 2, b += 2)
		s += b[0] << 8 | b[1];
	if (n)
		s += b[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons(~s & 0xffff);
}

/* A SYN (or a data segment) in @pkt; its length. */
static size_t build(uint8_t *pkt, struct in_addr src, struct in_addr dst,
		    uint16_t sport, int syn, size_t payload, int df)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + sizeof(*ip));
	size_t tcplen = syn ? sizeof(*th) + 4 : sizeof(*th) + payload;
	uint8_t *opt = (uint8_t *)(th + 1);
	uint32_t s;

	memset(pkt, 0, sizeof(*ip) + tcplen);
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(sizeof(*ip) + tcplen);
	ip->saddr = src.s_addr;
	ip->daddr = dst.s_addr;
	th->source = htons(sport);
	th->dest = htons(PORT);
	th->seq = htonl(0x5eed0000u + sport);
	th->window = htons(64240);
	if (syn) {
		th->doff = 6;
		th->syn = 1;
		opt[0] = TCPOPT_MAXSEG;
		opt[1] = TCPOLEN_MAXSEG;
		opt[2] = 1460 >> 8;
		opt[3] = 1460 & 0xff;
	} else {
		th->doff = 5;
		th->ack = 1;
		th->psh = 1;
		th->ack_seq = htonl(1);
		memset(opt, 'x', payload);
		if (df)
			ip->frag_off = htons(IP_DF);
	}
	s = sum16(&ip->saddr, 8, IPPROTO_TCP + tcplen);
	th->check = fold(sum16(th, tcplen, s));
	return sizeof(*ip) + tcplen;
}

int main(int argc, char **argv)
{
	unsigned long syns, data, sent_syn = 0, sent_data = 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	unsigned long count = 0, stride = 1, size = 0;
	size_t len, payload = PAYLOAD;
	struct in_addr src, dst;
	uint64_t rnd = 0x9e3779b97f4a7c15ULL;
	uint8_t pkt[MAXLEN];
	double t0, dt;
	int fd, syn;

	if ((argc != 5 && argc != 8) || !inet_pton(AF_INET, argv[1], &src) ||
	    !inet_pton(AF_INET, argv[2], &dst)) {
		fprintf(stderr, "usage: synflood SRC DST SYNS DATA [COUNT STRIDE SIZE]\n");
		return 2;
	}
	syns = strtoul(argv[3], NULL, 0);
	data = strtoul(argv[4], NULL, 0);
	if (argc == 8) {
		count = strtoul(argv[5], NULL, 0);
		stride = strtoul(argv[6], NULL, 0);
		size = strtoul(argv[7], NULL, 0);
		if (size < sizeof(struct iphdr) + sizeof(struct tcphdr) ||
		    size > MAXLEN) {
			fprintf(stderr, "synflood: SIZE is 40 to %d\n", MAXLEN);
			return 2;
		}
		payload = size - sizeof(struct iphdr) - sizeof(struct tcphdr);
		rnd ^= getpid();
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("socket");
		return 2;
	}
	t0 = now();
	while (sent_syn < syns || sent_data < data) {
		/* The kind that is further behind its share goes next. */
		syn = sent_data >= data ||
		      (sent_syn < syns &&
		       (double)sent_syn / syns <= (double)sent_data / data);
		to.sin_addr = dst;
		if (count) {
			rnd ^= rnd << 13;
			rnd ^= rnd >> 7;
			rnd ^= rnd << 17;
			to.sin_addr.s_addr = htonl(ntohl(dst.s_addr) +
				(uint32_t)((rnd >> 32) % count * stride << 8) +
				(uint32_t)(rnd & 0xff));
		}
		len = build(pkt, src, to.sin_addr,
			    1024 + (sent_syn + sent_data) % 64000, syn, payload,
			    argc == 8);
		if (sendto(fd, pkt, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) != (ssize_t)len) {
			perror("sendto");
			return 1;
		}
		if (syn)
			sent_syn++;
		else
			sent_data++;
	}
	dt = now() - t0;
	printf("{\"syn\": %lu, \"data\": %lu, \"seconds\": %.3f, \"per_second\": %.0f}\n",
	       sent_syn, sent_data, dt, (sent_syn + sent_data) / dt);
	return 0;
}
