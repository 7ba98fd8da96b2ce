/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pmtufix: the generic netlink protocol between the xt_PMTUFIX module and
 * the pmtufix command.
 *
 * Family
 * ------
 * The family is PMTUFIX_GENL_NAME ("pmtufix"), version PMTUFIX_GENL_VERSION,
 * which the family's CTRL_ATTR_VERSION tells.  Each version only adds to
 * the last; version 2 added the defaults of TABLE_LOAD's COMMIT message,
 * which version 1 ignores, so a client checks the version before sending
 * them.
 * Resolving it (CTRL_CMD_GETFAMILY) loads the module on demand.  Every
 * request acts on the network namespace of the socket that sent it.  Every
 * command, reads included, needs CAP_NET_ADMIN in the user namespace owning
 * that network namespace (GENL_UNS_ADMIN_PERM), as in nftables, ipset, xfrm
 * and WireGuard: a table tells what sits behind which tunnel.  Without it
 * the request fails with EPERM and no extended ack message.
 * Attributes are validated strictly: unknown attributes, unknown flag bits
 * and trailing data are rejected with EINVAL and an extended ack message.
 * The commands run in parallel with those of other families, serialized
 * per network namespace by a lock of the module's own.
 *
 * Limits
 * ------
 * Module parameters (/sys/module/xt_PMTUFIX/parameters/) bound what a
 * network namespace may hold:
 *
 *   max_entries          entries of one table, IPv4 and IPv6 together
 *                        (1..16777216, default 4000000; writing another
 *                        value fails with EINVAL)
 *   userns_max_tables    tables of a network namespace owned by a user
 *                        namespace other than the initial one (16)
 *   userns_max_entries   entries of one table in such a namespace (100000)
 *
 * A command that would go past one fails with ENOSPC and an extended ack
 * message naming the parameter.
 *
 * Tables
 * ------
 * A table is named (1 to PMTUFIX_TABLE_NAME_LEN - 1 bytes of
 * [A-Za-z0-9_.-], not starting with '-') and belongs to one network
 * namespace; it goes with it.
 * It holds IPv4 and IPv6 entries and its defaults:
 *
 *   PMTUFIX_A_MTU      base MTU of entries that give none (default 1500)
 *   PMTUFIX_A_FLOOR4   lowest MSS ever written into an IPv4 SYN (536)
 *   PMTUFIX_A_FLOOR6   lowest MSS ever written into an IPv6 SYN (1220)
 *   PMTUFIX_A_TOO_BIG_RATE   too-big messages the table's rules may send
 *                            a second, all sources together, 0 for no
 *                            table-wide limit (1000)
 *   PMTUFIX_A_TOO_BIG_BURST  and in a burst, 1..PMTUFIX_MAX_TOO_BIG_BURST
 *                            (50)
 *   PMTUFIX_A_TOO_BIG_SRC_RATE   too-big messages one source address may
 *                                get from the table's rules a second, 0
 *                                for no per-source limit (100)
 *   PMTUFIX_A_TOO_BIG_SRC_BURST  and in a burst,
 *                                1..PMTUFIX_MAX_TOO_BIG_BURST (10)
 *
 * All are u32.  Each source address has a token bucket of its own,
 * checked first; the table's bucket is a ceiling over all sources.  A
 * packet refused for want of a token in either is dropped without a
 * message, counted in PMTUFIX_STATS_A_TOO_BIG_RATELIMITED and in
 * PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED.  The per-source buckets are
 * kept in a small set-associative cache of each table (256 sources, the
 * least recently used evicted); a source not in it starts with a full
 * bucket, so a sender forging many source addresses is held only by the
 * table's bucket.  These buckets are the only limits on too-big messages:
 * the kernel never rate-limits ICMP fragmentation needed, nor ICMPv6
 * packet too big unless net.ipv6.icmp.ratemask includes type 2.
 *
 * The floors also bound path-MTU signalling: a packet no larger than
 * floor + IP header + 20 (576 and 1280 by default, and never less than 68
 * and 1280) is never refused, and no too-big message announces less.
 *
 * A PMTUFIX rule naming a table that does not exist creates it empty, so
 * rules can be restored before the tables are loaded.  A table that rules
 * refer to cannot be destroyed (EBUSY).
 *
 * Entries
 * -------
 * An entry maps a prefix to the path toward it: a base MTU (its own or the
 * table's) and up to PMTUFIX_MAX_LAYERS encapsulation layers, outermost
 * first.  Its inner MTU is computed layer by layer, each layer taking the
 * MTU it is sent with and giving the MTU of what it carries; ESP follows
 * the kernel's xfrm_state_mtu() exactly.  The MSS for a SYN of family F
 * matched by the entry is inner MTU - (20 for IPv4, 40 for IPv6) - 20.
 * A packet's addresses are matched against the entries of its own family,
 * longest prefix first.  The target then writes the smallest MSS its
 * looked-up addresses allow, no larger than the packet's route allows and
 * no smaller than the table's floor, and never raises an MSS.
 *
 *   PMTUFIX_A_ENTRIES           nest, a list of:
 *     PMTUFIX_A_ENTRY           nest:
 *       PMTUFIX_ENTRY_A_FAMILY    u16, AF_INET or AF_INET6
 *       PMTUFIX_ENTRY_A_ADDR      binary, 4 or 16 bytes, network order;
 *                                 bits past the prefix length must be 0
 *       PMTUFIX_ENTRY_A_PLEN      u8, 0..32 or 0..128
 *       PMTUFIX_ENTRY_A_MTU       u32, base MTU, 68..65535 (optional)
 *       PMTUFIX_ENTRY_A_LAYERS    nest, a list of PMTUFIX_A_LAYER nests
 *                                 (optional: an entry without layers is a
 *                                 plain path MTU)
 *       in replies only:
 *       PMTUFIX_ENTRY_A_INNER_MTU u32
 *       PMTUFIX_ENTRY_A_MSS       u32, what the entry clamps to: the MSS
 *                                 of its inner MTU, raised to the floor
 *       PMTUFIX_ENTRY_A_HITS      u64, SYN and SYN-ACK with an address
 *                                 that matched this entry
 *       PMTUFIX_ENTRY_A_CLAMPED   u64, SYN and SYN-ACK clamped to it
 *       PMTUFIX_ENTRY_A_TOO_BIG_SENT        u64, too-big messages sent
 *       PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED u64, oversize packets dropped
 *                                 without a message, a bucket being empty
 *       PMTUFIX_ENTRY_A_ICMP_REPAIRED       u64, too-big messages whose
 *                                 MTU was lowered to the entry's
 *
 *   PMTUFIX_A_LAYER             nest:
 *     PMTUFIX_LAYER_A_TYPE        u16, enum pmtufix_layer_type
 *     PMTUFIX_LAYER_A_FLAGS       u32, PMTUFIX_LAYER_F_* valid for the type
 *     PMTUFIX_LAYER_A_COUNT       u16, raw: bytes; mpls: labels (1..8);
 *                                 geneve: option bytes (multiple of 4, <= 252)
 *     PMTUFIX_LAYER_A_ESP_MODE    u8, enum pmtufix_esp_mode
 *     PMTUFIX_LAYER_A_ESP_CIPHER  u8, enum pmtufix_esp_cipher
 *     PMTUFIX_LAYER_A_ESP_INTEG   u8, enum pmtufix_esp_integ; required with
 *                                 a cipher that is not AEAD, refused with one
 *     PMTUFIX_LAYER_A_ESP_ICV     u16, ICV length in bits (optional; the
 *                                 algorithm's default otherwise)
 *
 * Commands
 * --------
 * PMTUFIX_CMD_TABLE_NEW     PMTUFIX_A_TABLE, optional defaults.  EEXIST if
 *                           the table exists, ENOSPC past
 *                           userns_max_tables.
 * PMTUFIX_CMD_TABLE_DEL     PMTUFIX_A_TABLE.  ENOENT, or EBUSY while rules
 *                           use it.
 * PMTUFIX_CMD_TABLE_SET     PMTUFIX_A_TABLE and the defaults to change.
 *                           EINVAL (nothing changed) if an entry would be
 *                           left without room for TCP.
 * PMTUFIX_CMD_TABLE_GET     doit with PMTUFIX_A_TABLE, or dump of every
 *                           table.  Replies carry PMTUFIX_A_TABLE, the
 *                           defaults, PMTUFIX_A_COUNT4, PMTUFIX_A_COUNT6,
 *                           PMTUFIX_A_RULES (rules using the table) and
 *                           PMTUFIX_A_GENERATION.
 * PMTUFIX_CMD_ENTRY_ADD     PMTUFIX_A_TABLE, PMTUFIX_A_ENTRIES.  All or
 *                           nothing: EEXIST if a prefix is in the table
 *                           already (unless PMTUFIX_F_REPLACE is set in
 *                           PMTUFIX_A_FLAGS), ENOSPC past max_entries or
 *                           userns_max_entries.
 * PMTUFIX_CMD_ENTRY_DEL     PMTUFIX_A_TABLE, PMTUFIX_A_ENTRIES holding
 *                           family, address and prefix length.  All or
 *                           nothing: ENOENT if one is missing.
 * PMTUFIX_CMD_ENTRY_GET     dump of PMTUFIX_A_TABLE's entries with their
 *                           counters, IPv4 first, each family in address
 *                           order.  Resumable; each message carries
 *                           PMTUFIX_A_GENERATION, and a table changed
 *                           during the dump sets NLM_F_DUMP_INTR.
 * PMTUFIX_CMD_TABLE_LOAD    replaces every entry of PMTUFIX_A_TABLE at
 *                           once.  PMTUFIX_A_LOAD holds PMTUFIX_LOAD_*
 *                           flags: the first message has BEGIN, the last
 *                           COMMIT (one message may have both); entries
 *                           come in PMTUFIX_A_ENTRIES of any of them.
 *                           The message with COMMIT may also carry
 *                           defaults (PMTUFIX_A_MTU ... as TABLE_SET
 *                           takes them; EINVAL in any other message of a
 *                           load): they are checked against the new
 *                           entries and applied with them.
 *                           Until COMMIT nothing is visible; on COMMIT the
 *                           new contents (and defaults) replace the old in
 *                           one step, so packets see either.  Any error
 *                           discards the load and leaves the table as it
 *                           was (ENOSPC past max_entries or
 *                           userns_max_entries).  A load
 *                           belongs to the socket that began it and is
 *                           dropped if that socket closes; another BEGIN
 *                           on the same table meanwhile gets EBUSY.
 * PMTUFIX_CMD_LOOKUP        PMTUFIX_A_TABLE, PMTUFIX_A_ADDR (4 or 16
 *                           bytes).  The reply holds PMTUFIX_A_ENTRY, the
 *                           longest match with its inner MTU and MSS, or
 *                           no PMTUFIX_A_ENTRY when nothing matches.
 * PMTUFIX_CMD_STATS_GET     doit with PMTUFIX_A_TABLE, or dump of every
 *                           table: PMTUFIX_A_TABLE and PMTUFIX_A_STATS,
 *                           a nest of PMTUFIX_STATS_A_* u64 counters; with
 *                           PMTUFIX_F_PERCPU in the request also one or
 *                           more PMTUFIX_A_STATS_PERCPU, each a list of at
 *                           most 64 such nests with PMTUFIX_STATS_A_CPU,
 *                           all of them together every possible CPU in
 *                           order (a nest cannot exceed 64 KiB).  Such a
 *                           reply may exceed 64 KiB too: peek at its size
 *                           (MSG_PEEK | MSG_TRUNC) before receiving it.
 * PMTUFIX_CMD_STATS_RESET   zeroes the counters, table and entries, of
 *                           PMTUFIX_A_TABLE, or of every table without it.
 *
 * Errors other than those listed: ENOENT for a table that does not exist,
 * EINVAL with an extended ack message for a malformed request, EPERM
 * without CAP_NET_ADMIN, ENOSPC past a limit (see Limits).
 */
#ifndef _UAPI_LINUX_PMTUFIX_H
#define _UAPI_LINUX_PMTUFIX_H

#define PMTUFIX_GENL_NAME	"pmtufix"
#define PMTUFIX_GENL_VERSION	2

#define PMTUFIX_TABLE_NAME_LEN	32
#define PMTUFIX_MAX_LAYERS	8

#define PMTUFIX_DEFAULT_MTU	1500
#define PMTUFIX_DEFAULT_FLOOR4	536
#define PMTUFIX_DEFAULT_FLOOR6	1220
#define PMTUFIX_DEFAULT_TOO_BIG_RATE	1000
#define PMTUFIX_DEFAULT_TOO_BIG_BURST	50
#define PMTUFIX_MAX_TOO_BIG_BURST	1000000
#define PMTUFIX_DEFAULT_TOO_BIG_SRC_RATE	100
#define PMTUFIX_DEFAULT_TOO_BIG_SRC_BURST	10

enum pmtufix_cmd {
	PMTUFIX_CMD_UNSPEC,
	PMTUFIX_CMD_TABLE_NEW,
	PMTUFIX_CMD_TABLE_DEL,
	PMTUFIX_CMD_TABLE_SET,
	PMTUFIX_CMD_TABLE_GET,
	PMTUFIX_CMD_ENTRY_ADD,
	PMTUFIX_CMD_ENTRY_DEL,
	PMTUFIX_CMD_ENTRY_GET,
	PMTUFIX_CMD_TABLE_LOAD,
	PMTUFIX_CMD_LOOKUP,
	PMTUFIX_CMD_STATS_GET,
	PMTUFIX_CMD_STATS_RESET,
	__PMTUFIX_CMD_MAX
};
#define PMTUFIX_CMD_MAX (__PMTUFIX_CMD_MAX - 1)

enum pmtufix_attr {
	PMTUFIX_A_UNSPEC,
	PMTUFIX_A_TABLE,	/* NUL-terminated string */
	PMTUFIX_A_FLAGS,	/* u32, PMTUFIX_F_* */
	PMTUFIX_A_MTU,		/* u32 */
	PMTUFIX_A_FLOOR4,	/* u32 */
	PMTUFIX_A_FLOOR6,	/* u32 */
	PMTUFIX_A_ENTRIES,	/* nest of PMTUFIX_A_ENTRY */
	PMTUFIX_A_ENTRY,	/* nest of PMTUFIX_ENTRY_A_* */
	PMTUFIX_A_ADDR,		/* binary, 4 or 16 bytes */
	PMTUFIX_A_LOAD,		/* u32, PMTUFIX_LOAD_* */
	PMTUFIX_A_COUNT4,	/* u32 */
	PMTUFIX_A_COUNT6,	/* u32 */
	PMTUFIX_A_RULES,	/* u32 */
	PMTUFIX_A_GENERATION,	/* u32 */
	PMTUFIX_A_STATS,	/* nest of PMTUFIX_STATS_A_* */
	PMTUFIX_A_STATS_PERCPU,	/* nest of PMTUFIX_A_STATS */
	PMTUFIX_A_PAD,
	PMTUFIX_A_TOO_BIG_RATE,	/* u32 */
	PMTUFIX_A_TOO_BIG_BURST, /* u32 */
	PMTUFIX_A_TOO_BIG_SRC_RATE,	/* u32 */
	PMTUFIX_A_TOO_BIG_SRC_BURST,	/* u32 */
	__PMTUFIX_A_MAX
};
#define PMTUFIX_A_MAX (__PMTUFIX_A_MAX - 1)

/* PMTUFIX_A_FLAGS */
#define PMTUFIX_F_REPLACE	(1U << 0)	/* ENTRY_ADD: overwrite same prefix */
#define PMTUFIX_F_PERCPU	(1U << 1)	/* STATS_GET: per-CPU counters too */
#define PMTUFIX_F_ALL		(PMTUFIX_F_REPLACE | PMTUFIX_F_PERCPU)

/* PMTUFIX_A_LOAD */
#define PMTUFIX_LOAD_BEGIN	(1U << 0)
#define PMTUFIX_LOAD_COMMIT	(1U << 1)
#define PMTUFIX_LOAD_ALL	(PMTUFIX_LOAD_BEGIN | PMTUFIX_LOAD_COMMIT)

enum pmtufix_entry_attr {
	PMTUFIX_ENTRY_A_UNSPEC,
	PMTUFIX_ENTRY_A_FAMILY,		/* u16 */
	PMTUFIX_ENTRY_A_ADDR,		/* binary, 4 or 16 bytes */
	PMTUFIX_ENTRY_A_PLEN,		/* u8 */
	PMTUFIX_ENTRY_A_MTU,		/* u32 */
	PMTUFIX_ENTRY_A_LAYERS,		/* nest of PMTUFIX_A_LAYER */
	PMTUFIX_ENTRY_A_INNER_MTU,	/* u32, replies only */
	PMTUFIX_ENTRY_A_MSS,		/* u32, replies only */
	PMTUFIX_ENTRY_A_HITS,		/* u64, replies only */
	PMTUFIX_ENTRY_A_CLAMPED,	/* u64, replies only */
	PMTUFIX_ENTRY_A_PAD,
	PMTUFIX_ENTRY_A_TOO_BIG_SENT,	/* u64, replies only */
	PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED, /* u64, replies only */
	PMTUFIX_ENTRY_A_ICMP_REPAIRED,	/* u64, replies only */
	__PMTUFIX_ENTRY_A_MAX
};
#define PMTUFIX_ENTRY_A_MAX (__PMTUFIX_ENTRY_A_MAX - 1)

/* In PMTUFIX_ENTRY_A_LAYERS, each layer is a nest of this type. */
#define PMTUFIX_A_LAYER		1

enum pmtufix_layer_attr {
	PMTUFIX_LAYER_A_UNSPEC,
	PMTUFIX_LAYER_A_TYPE,		/* u16 */
	PMTUFIX_LAYER_A_FLAGS,		/* u32 */
	PMTUFIX_LAYER_A_COUNT,		/* u16 */
	PMTUFIX_LAYER_A_ESP_MODE,	/* u8 */
	PMTUFIX_LAYER_A_ESP_CIPHER,	/* u8 */
	PMTUFIX_LAYER_A_ESP_INTEG,	/* u8 */
	PMTUFIX_LAYER_A_ESP_ICV,	/* u16, bits */
	__PMTUFIX_LAYER_A_MAX
};
#define PMTUFIX_LAYER_A_MAX (__PMTUFIX_LAYER_A_MAX - 1)

/*
 * Encapsulation layers and the bytes they add, as the kernel's own drivers
 * put them on the wire.
 */
enum pmtufix_layer_type {
	PMTUFIX_LAYER_UNSPEC,
	PMTUFIX_LAYER_RAW,	/* COUNT bytes */
	PMTUFIX_LAYER_IPIP,	/* IPv4 in IPv4: 20 */
	PMTUFIX_LAYER_SIT,	/* IPv6 in IPv4: 20 */
	PMTUFIX_LAYER_IP6IP6,	/* IPv6 in IPv6: 40, + 8 encapsulation limit */
	PMTUFIX_LAYER_IPIP6,	/* IPv4 in IPv6: 40, + 8 encapsulation limit */
	PMTUFIX_LAYER_GRE,	/* 20 + 4, + 4 each for key, seq, csum */
	PMTUFIX_LAYER_GRETAP,	/* gre + 14 */
	PMTUFIX_LAYER_IP6GRE,	/* 40 + 4, + 8 encapsulation limit, + options */
	PMTUFIX_LAYER_IP6GRETAP, /* ip6gre + 14 */
	PMTUFIX_LAYER_VXLAN,	/* 20 + 8 + 8 + 14; 40 + ... over IPv6 */
	PMTUFIX_LAYER_GENEVE,	/* as vxlan, + COUNT option bytes */
	PMTUFIX_LAYER_WIREGUARD, /* 20 + 8 + 32; 40 + ... over IPv6 */
	PMTUFIX_LAYER_PPPOE,	/* 8 */
	PMTUFIX_LAYER_MPLS,	/* 4 per label, COUNT labels */
	PMTUFIX_LAYER_FOU,	/* 8: UDP added to an ipip/sit/gre layer */
	PMTUFIX_LAYER_GUE,	/* 12: UDP and GUE header, likewise */
	PMTUFIX_LAYER_ESP,	/* xfrm_state_mtu() */
	__PMTUFIX_LAYER_MAX
};

/* PMTUFIX_LAYER_A_FLAGS */
#define PMTUFIX_LAYER_F_GRE_KEY		(1U << 0)	/* gre, gretap, ip6gre... */
#define PMTUFIX_LAYER_F_GRE_SEQ		(1U << 1)
#define PMTUFIX_LAYER_F_GRE_CSUM	(1U << 2)
#define PMTUFIX_LAYER_F_NO_ENCAPLIMIT	(1U << 3)	/* ip6 tunnels */
#define PMTUFIX_LAYER_F_UNDERLAY6	(1U << 4)	/* vxlan, geneve, wireguard */
#define PMTUFIX_LAYER_F_NATT		(1U << 5)	/* esp: UDP encapsulation */
#define PMTUFIX_LAYER_F_ALL		((1U << 6) - 1)

enum pmtufix_esp_mode {
	PMTUFIX_ESP_TRANSPORT = 1,
	PMTUFIX_ESP_TUNNEL,		/* IPv4 outer header */
	PMTUFIX_ESP_TUNNEL6,		/* IPv6 outer header */
	__PMTUFIX_ESP_MODE_MAX
};

enum pmtufix_esp_cipher {
	PMTUFIX_ESP_AES_GCM = 1,	/* rfc4106(gcm(aes)): AEAD */
	PMTUFIX_ESP_AES_CCM,		/* rfc4309(ccm(aes)): AEAD */
	PMTUFIX_ESP_CHACHA20_POLY1305,	/* rfc7539esp(chacha20,poly1305): AEAD */
	PMTUFIX_ESP_AES_GMAC,		/* rfc4543(gcm(aes)): AEAD, no encryption */
	PMTUFIX_ESP_AES_CBC,		/* cbc(aes) */
	PMTUFIX_ESP_AES_CTR,		/* rfc3686(ctr(aes)) */
	PMTUFIX_ESP_3DES_CBC,		/* cbc(des3_ede) */
	PMTUFIX_ESP_NULL,		/* ecb(cipher_null) */
	__PMTUFIX_ESP_CIPHER_MAX
};

enum pmtufix_esp_integ {
	PMTUFIX_ESP_INTEG_NONE,		/* with AEAD ciphers */
	PMTUFIX_ESP_HMAC_MD5,		/* 96-bit ICV */
	PMTUFIX_ESP_HMAC_SHA1,		/* 96 */
	PMTUFIX_ESP_HMAC_SHA256,	/* 128 (RFC 4868) */
	PMTUFIX_ESP_HMAC_SHA384,	/* 192 */
	PMTUFIX_ESP_HMAC_SHA512,	/* 256 */
	PMTUFIX_ESP_AES_XCBC,		/* 96 */
	PMTUFIX_ESP_AES_CMAC,		/* 96 */
	__PMTUFIX_ESP_INTEG_MAX
};

/*
 * Counters, as attributes of PMTUFIX_A_STATS: every attribute from
 * PMTUFIX_STATS_FIRST on is a u64 counter; new counters are appended.
 */
enum pmtufix_stats_attr {
	PMTUFIX_STATS_A_UNSPEC,
	PMTUFIX_STATS_A_PAD,
	PMTUFIX_STATS_A_CPU,		/* u32, in PMTUFIX_A_STATS_PERCPU */
	PMTUFIX_STATS_A_PACKETS,	/* packets the target saw */
	PMTUFIX_STATS_A_SYN,		/* SYN without ACK */
	PMTUFIX_STATS_A_SYNACK,		/* SYN-ACK */
	PMTUFIX_STATS_A_CLAMPED,	/* MSS lowered */
	PMTUFIX_STATS_A_UNCHANGED,	/* matched, MSS already small enough */
	PMTUFIX_STATS_A_INSERTED,	/* MSS option added where there was none */
	PMTUFIX_STATS_A_NO_MATCH,	/* no entry for the looked-up addresses */
	PMTUFIX_STATS_A_MALFORMED,	/* bad TCP header or options: untouched */
	PMTUFIX_STATS_A_NOT_WRITABLE,	/* could not make the header writable */
	PMTUFIX_STATS_A_FRAGMENT,	/* fragment without the whole header */
	PMTUFIX_STATS_A_TOO_BIG_SENT,	/* too-big messages sent */
	PMTUFIX_STATS_A_TOO_BIG_RATELIMITED, /* oversize, dropped, no message */
	PMTUFIX_STATS_A_ICMP_REPAIRED,	/* too-big messages given a lower MTU */
	PMTUFIX_STATS_A_TOO_BIG_UNSENT,	/* oversize, dropped, the kernel sent
					 * no message (no route back, ...)
					 */
	__PMTUFIX_STATS_A_MAX
};
#define PMTUFIX_STATS_A_MAX (__PMTUFIX_STATS_A_MAX - 1)
#define PMTUFIX_STATS_FIRST	PMTUFIX_STATS_A_PACKETS
#define PMTUFIX_STATS_COUNT	(__PMTUFIX_STATS_A_MAX - PMTUFIX_STATS_FIRST)

#endif /* _UAPI_LINUX_PMTUFIX_H */
