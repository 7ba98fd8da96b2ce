/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Encapsulation overhead: the MTU left inside a stack of tunnel layers.
 *
 * Each layer takes the MTU it is sent with and gives the MTU of the packet
 * it carries.  For every layer but ESP that is a subtraction; ESP aligns
 * its payload to the cipher block and follows xfrm_state_mtu() exactly, so
 * a stack is always evaluated one layer at a time, outermost first, and
 * never by adding constants.
 *
 * A layer also needs to know the IP family of what it carries (ESP in
 * transport mode adjusts by that header) and decides the family of what
 * it puts on the wire; pmtufix_stack_mtu() works both out.
 */
#ifndef _PMTUFIX_CORE_LAYERS_H
#define _PMTUFIX_CORE_LAYERS_H

#include "types.h"
#include <linux/pmtufix.h>

/* IP families as the core names them: the IP version. */
#define PMTUFIX_IPV4	4
#define PMTUFIX_IPV6	6

struct pmtufix_layer {
	u16 type;	/* enum pmtufix_layer_type */
	u16 count;	/* raw bytes, mpls labels, geneve option bytes */
	u32 flags;	/* PMTUFIX_LAYER_F_* */
	u8 esp_mode;	/* enum pmtufix_esp_mode */
	u8 esp_cipher;	/* enum pmtufix_esp_cipher */
	u8 esp_integ;	/* enum pmtufix_esp_integ */
	u8 pad;
	u16 esp_icv;	/* ICV bits, 0 for the algorithm's default */
	u16 pad2;
};

/*
 * Checks one layer: its type, that only the flags and fields its type uses
 * are set, and their ranges.  Returns 0, or -1 with *why set to a message
 * fit for an extended ack or a command-line error.
 */
int pmtufix_layer_check(const struct pmtufix_layer *l, const char **why);

/*
 * The ICV length in bits of ESP layer @l when it gives none: its cipher's
 * (AEAD) or its integrity algorithm's.  @l's cipher and integrity
 * algorithm must be valid, as pmtufix_layer_check() makes them.
 */
u16 pmtufix_esp_default_icv(const struct pmtufix_layer *l);

/* The family of the header @l puts on the wire when it carries @family. */
unsigned int pmtufix_layer_outer_family(const struct pmtufix_layer *l,
					unsigned int family);

/*
 * The MTU of a packet of @family carried by @l, when @l is sent with @mtu.
 * 0 when nothing fits.  @l must have passed pmtufix_layer_check().
 */
u32 pmtufix_layer_mtu(const struct pmtufix_layer *l, unsigned int family,
		      u32 mtu);

/*
 * The inner MTU for packets of @family behind @n layers (outermost first)
 * sent with @base_mtu.  0 when nothing fits.
 */
u32 pmtufix_stack_mtu(const struct pmtufix_layer *layers, unsigned int n,
		      unsigned int family, u32 base_mtu);

/* The TCP MSS that fits in @mtu for @family: mtu - IP header - 20; 0 if none. */
u32 pmtufix_mtu_to_mss(unsigned int family, u32 mtu);

#endif /* _PMTUFIX_CORE_LAYERS_H */
