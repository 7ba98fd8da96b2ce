// SPDX-License-Identifier: GPL-2.0
/*
 * TCP option walk and MSS rewrite.
 *
 * Every offset is checked against @hdrlen before the byte is read, so the
 * functions never look past the header they are given, whatever it holds.
 */
#include "tcpopt.h"

static bool hdrlen_valid(unsigned int hdrlen)
{
	return hdrlen >= PMTUFIX_TCPHDR_MIN && hdrlen <= PMTUFIX_TCPHDR_MAX &&
	       !(hdrlen & 3);
}

int pmtufix_tcp_scan(const u8 *tcph, unsigned int hdrlen,
		     struct pmtufix_tcp_opts *opts)
{
	unsigned int i = PMTUFIX_TCPHDR_MIN, len;

	opts->nmss = 0;
	if (!hdrlen_valid(hdrlen))
		return -1;

	while (i < hdrlen) {
		if (tcph[i] == PMTUFIX_TCPOPT_EOL)
			break;
		if (tcph[i] == PMTUFIX_TCPOPT_NOP) {
			i++;
			continue;
		}
		if (hdrlen - i < 2)
			goto malformed;
		len = tcph[i + 1];
		if (len < 2 || len > hdrlen - i)
			goto malformed;
		if (tcph[i] == PMTUFIX_TCPOPT_MSS) {
			if (len != PMTUFIX_TCPOLEN_MSS)
				goto malformed;
			/* Cannot overflow: each takes 4 of at most 40 bytes. */
			if (opts->nmss < PMTUFIX_MAX_MSS_OPTS)
				opts->off[opts->nmss++] = i;
		}
		i += len;
	}
	return 0;

malformed:
	/* Nothing to clamp, even for a caller that ignores the verdict. */
	opts->nmss = 0;
	return -1;
}

/* An offset from a scan of this header: an MSS option that fits in it. */
static bool mss_opt_at(const u8 *tcph, unsigned int hdrlen, unsigned int off)
{
	return off >= PMTUFIX_TCPHDR_MIN && off <= hdrlen &&
	       hdrlen - off >= PMTUFIX_TCPOLEN_MSS &&
	       tcph[off] == PMTUFIX_TCPOPT_MSS &&
	       tcph[off + 1] == PMTUFIX_TCPOLEN_MSS;
}

bool pmtufix_tcp_clamp_one(u8 *tcph, unsigned int hdrlen, unsigned int off,
			   u16 mss, struct pmtufix_csum_edit *e)
{
	unsigned int val = off + 2, start, wlen, k;

	if (!mss_opt_at(tcph, hdrlen, off) ||
	    pmtufix_get_be16(tcph + val) <= mss)
		return false;
	/*
	 * A value at an odd offset needs the window from the byte before it
	 * to the byte after it.  The byte after it is in the header: the
	 * value then ends at an odd offset and a header ends at a multiple
	 * of 4.  Check all the same rather than report a byte past hdrlen.
	 */
	wlen = pmtufix_csum_window(val, 2, &start);
	if (start + wlen > hdrlen)
		return false;
	e->off = start;
	e->len = wlen;
	for (k = 0; k < wlen; k++)
		e->from[k] = tcph[start + k];
	pmtufix_put_be16(tcph + val, mss);
	for (k = 0; k < wlen; k++)
		e->to[k] = tcph[start + k];
	return true;
}

unsigned int pmtufix_tcp_clamp(u8 *tcph, unsigned int hdrlen,
			       const struct pmtufix_tcp_opts *opts, u16 mss,
			       struct pmtufix_csum_edit *edits)
{
	unsigned int i, n = 0;

	for (i = 0; i < opts->nmss && i < PMTUFIX_MAX_MSS_OPTS; i++)
		if (pmtufix_tcp_clamp_one(tcph, hdrlen, opts->off[i], mss,
					  &edits[n]))
			n++;
	return n;
}

int pmtufix_tcp_insert_mss(u8 *tcph, unsigned int hdrlen, u16 mss)
{
	u8 *opt = tcph + PMTUFIX_TCPHDR_MIN;

	if (!hdrlen_valid(hdrlen) ||
	    hdrlen > PMTUFIX_TCPHDR_MAX - PMTUFIX_TCPOLEN_MSS)
		return -1;
	memmove(opt + PMTUFIX_TCPOLEN_MSS, opt, hdrlen - PMTUFIX_TCPHDR_MIN);
	opt[0] = PMTUFIX_TCPOPT_MSS;
	opt[1] = PMTUFIX_TCPOLEN_MSS;
	pmtufix_put_be16(opt + 2, mss);
	/* Data offset, in 32-bit words, is the high nibble of byte 12. */
	tcph[12] += (PMTUFIX_TCPOLEN_MSS / 4) << 4;
	return 0;
}
