// SPDX-License-Identifier: GPL-2.0
/*
 * TCP SYNs and data segments from a raw socket, as fast as the kernel
 * takes them, for the scenarios that count what crosses a router
 * (tests/netns/nlfuzz.sh, stress.sh).  Nothing answers them: the receiver
 * counts and drops them in its raw table.
 *
 * Usage: synflood SRC DST SYNS DATA
 *   SYNS SYNs (with an MSS option of 1460, source ports walking from
 *   1024) and DATA segments (ACK and PSH, 64 bytes of payload) from SRC to
 *   DST port 9, IPv4, the two kinds interleaved evenly.  Prints one JSON
 *   line: syn, data (as sent), seconds, per_second.  A send refused by the
 *   kernel is an error: the counts must be those that left.
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
		    uint16_t sport, int syn)
{
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + sizeof(*ip));
	size_t tcplen = syn ? sizeof(*th) + 4 : sizeof(*th) + PAYLOAD;
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
		memset(opt, 'x', PAYLOAD);
	}
	s = sum16(&ip->saddr, 8, IPPROTO_TCP + tcplen);
	th->check = fold(sum16(th, tcplen, s));
	return sizeof(*ip) + tcplen;
}

int main(int argc, char **argv)
{
	unsigned long syns, data, sent_syn = 0, sent_data = 0;
	struct sockaddr_in to = { .sin_family = AF_INET };
	struct in_addr src;
	uint8_t pkt[128];
	double t0, dt;
	size_t len;
	int fd, syn;

	if (argc != 5 || !inet_pton(AF_INET, argv[1], &src) ||
	    !inet_pton(AF_INET, argv[2], &to.sin_addr)) {
		fprintf(stderr, "usage: synflood SRC DST SYNS DATA\n");
		return 2;
	}
	syns = strtoul(argv[3], NULL, 0);
	data = strtoul(argv[4], NULL, 0);
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
		len = build(pkt, src, to.sin_addr,
			    1024 + (sent_syn + sent_data) % 64000, syn);
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
