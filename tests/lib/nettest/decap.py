# SPDX-License-Identifier: GPL-2.0
"""Encapsulations unwrapped down to the TCP SYN they carry, and what a SYN
says.

Link layers: Ethernet, 802.1Q/802.1ad/QinQ, MPLS (with or without a
pseudowire control word), PPPoE session, Linux cooked (SLL and SLL2), raw
IP, null/loopback.  Encapsulations: GRE (IP, TEB, ERSPAN types I, II and
III, MPLS), GENEVE (UDP 6081), VXLAN (UDP 4789), IPv4 and IPv6 in IPv4 and
IPv6.

Packets are kept byte for byte as captured, bad checksums and truncated
TCP headers included, except for what follows the IP packet in the frame
(Ethernet padding, an FCS): an IP packet ends where its length field says,
when the capture holds that much.
"""
import os
import socket
import struct

from .inet import ETH_P_IP, ETH_P_IPV6, csum, u16
from .pcapfile import read_capture

# Link-layer header types (tcpdump.org/linktypes.html).
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW_ALIASES = (12, 14, 101)
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

IPV6_EXT = (0, 43, 44, 51, 60, 135, 139, 140)


# Unwrapping: every function takes bytes and the layers so far, and returns
# a list of (layers, IP packet carrying TCP).


def from_link(linktype, frame):
    if linktype == LINKTYPE_ETHERNET:
        return from_ethernet(frame, [])
    if linktype in LINKTYPE_RAW_ALIASES or linktype in (LINKTYPE_IPV4,
                                                         LINKTYPE_IPV6):
        return from_ip(frame, ["raw"])
    if linktype == LINKTYPE_LINUX_SLL and len(frame) >= 16:
        return from_ethertype(u16(frame, 14), frame[16:], ["sll"])
    if linktype == LINKTYPE_LINUX_SLL2 and len(frame) >= 20:
        return from_ethertype(u16(frame, 0), frame[20:], ["sll2"])
    if linktype in (LINKTYPE_NULL, LINKTYPE_LOOP) and len(frame) >= 4:
        # The address family, in the byte order of the capturing host
        # (NULL) or big-endian (LOOP): 2 is IPv4, 10/24/28/30 are IPv6.
        fam = struct.unpack("<I" if linktype == LINKTYPE_NULL and
                            frame[0] else ">I", frame[:4])[0]
        if fam == 2 or fam in (10, 24, 28, 30):
            return from_ip(frame[4:], ["null"])
    return []


def from_ethernet(frame, layers):
    if len(frame) < 14:
        return []
    return from_ethertype(u16(frame, 12), frame[14:], layers + ["eth"])


def from_ethertype(etype, b, layers):
    if etype == ETH_P_IP or etype == ETH_P_IPV6:
        return from_ip(b, layers)
    if etype in (0x8100, 0x88A8, 0x9100, 0x9200) and len(b) >= 4:
        return from_ethertype(u16(b, 2), b[4:], layers + ["vlan"])
    if etype in (0x8847, 0x8848):
        return from_mpls(b, layers + ["mpls"])
    if etype == 0x8864 and len(b) >= 8:
        return from_pppoe(b, layers + ["pppoe"])
    if etype == 0x6558:
        return from_ethernet(b, layers)
    return []


def from_mpls(b, layers):
    off = 0
    while off + 4 <= len(b):
        bottom = b[off + 2] & 1
        off += 4
        if bottom:
            break
    else:
        return []
    rest = b[off:]
    if not rest:
        return []
    if rest[0] >> 4 in (4, 6):
        return from_ip(rest, layers)
    if rest[0] >> 4 == 0:                   # pseudowire control word
        return from_ethernet(rest[4:], layers + ["pw"])
    return from_ethernet(rest, layers)


def from_pppoe(b, layers):
    if b[0] != 0x11 or b[1] != 0:           # version 1, type 1, session
        return []
    ppp = b[6:6 + u16(b, 4)]
    if len(ppp) >= 1 and ppp[0] & 1:        # protocol field compressed
        proto, ppp = ppp[0], ppp[1:]
    elif len(ppp) >= 2:
        proto, ppp = u16(ppp, 0), ppp[2:]
    else:
        return []
    if proto in (0x21, 0x57):
        return from_ip(ppp, layers)
    return []


def from_gre(b, layers):
    if len(b) < 4:
        return []
    flags, proto = u16(b, 0), u16(b, 2)
    version = flags & 7
    off = 4
    if flags & 0x8000 or flags & 0x4000:    # checksum, or routing present
        off += 4
    if flags & 0x2000:                      # key
        off += 4
    if flags & 0x1000:                      # sequence number
        off += 4
    if version == 1 and flags & 0x0080:     # enhanced GRE acknowledgment
        off += 4
    if version > 1 or off > len(b):
        return []
    b = b[off:]
    if proto in (ETH_P_IP, ETH_P_IPV6):
        return from_ip(b, layers + ["gre"])
    if proto == 0x6558:
        return from_ethernet(b, layers + ["gre"])
    if proto in (0x8847, 0x8848):
        return from_mpls(b, layers + ["gre", "mpls"])
    if proto == 0x88BE:
        # ERSPAN type II has an 8-byte header and GRE sequence numbers;
        # type I has neither.
        if flags & 0x1000:
            return from_ethernet(b[8:], layers + ["gre", "erspan2"])
        return from_ethernet(b, layers + ["gre", "erspan1"])
    if proto == 0x22EB and len(b) >= 12:
        hlen = 12 + (8 if b[11] & 1 else 0)  # O: platform sub-header
        return from_ethernet(b[hlen:], layers + ["gre", "erspan3"])
    if proto == 0x880B and version == 1:    # PPTP: PPP in enhanced GRE
        if b[:2] == b"\xff\x03":
            b = b[2:]
        if len(b) >= 2 and u16(b, 0) in (0x21, 0x57):
            return from_ip(b[2:], layers + ["gre", "ppp"])
    return []


def from_udp(b, layers):
    if len(b) < 8:
        return []
    sport, dport = u16(b, 0), u16(b, 2)
    pay = b[8:]
    if 4789 in (dport, sport) and len(pay) >= 8 and pay[0] & 0x08:
        return from_ethernet(pay[8:], layers + ["vxlan"])
    if 6081 in (dport, sport) and len(pay) >= 8 and pay[0] >> 6 == 0:
        hlen = 8 + (pay[0] & 0x3F) * 4
        proto = u16(pay, 2)
        if proto == 0x6558:
            return from_ethernet(pay[hlen:], layers + ["geneve"])
        if proto in (ETH_P_IP, ETH_P_IPV6):
            return from_ip(pay[hlen:], layers + ["geneve"])
    return []


def ip_upper(pkt):
    """(family, transport offset, protocol, first fragment?, more
    fragments?, IPv6 extension headers) of an IP packet, or None."""
    if len(pkt) >= 20 and pkt[0] >> 4 == 4:
        ihl = (pkt[0] & 0xF) * 4
        if ihl < 20 or ihl > len(pkt):
            return None
        frag = u16(pkt, 6)
        return 4, ihl, pkt[9], frag & 0x1FFF == 0, bool(frag & 0x2000), []
    if len(pkt) >= 40 and pkt[0] >> 4 == 6:
        nxt, off, exts, first, more = pkt[6], 40, [], True, False
        while nxt in IPV6_EXT and nxt != 135 and off + 8 <= len(pkt):
            exts.append(nxt)
            if nxt == 44:
                fo = u16(pkt, off + 2)
                first, more = fo & 0xFFF8 == 0, bool(fo & 1)
                nxt, off = pkt[off], off + 8
            elif nxt == 51:
                nxt, off = pkt[off], off + (pkt[off + 1] + 2) * 4
            else:
                nxt, off = pkt[off], off + (pkt[off + 1] + 1) * 8
        if nxt in IPV6_EXT or off > len(pkt):
            return None
        return 6, off, nxt, first, more, exts
    return None


def trim_ip(b):
    """The IP packet at the start of b, without what follows it."""
    if len(b) >= 20 and b[0] >> 4 == 4:
        total = u16(b, 2)
        if (b[0] & 0xF) * 4 <= total <= len(b):
            return b[:total]
    elif len(b) >= 40 and b[0] >> 4 == 6:
        plen = u16(b, 4)
        if plen and 40 + plen <= len(b):
            return b[:40 + plen]
    return b


def from_ip(b, layers):
    pkt = trim_ip(b)
    up = ip_upper(pkt)
    if up is None:
        return []
    fam, thoff, proto, first, _, _ = up
    layers = layers + [f"ipv{fam}"]
    if not first:
        return []
    if proto == 6:
        return [(layers, pkt)]
    if proto in (4, 41):
        return from_ip(pkt[thoff:], layers)
    if proto == 47:
        return from_gre(pkt[thoff:], layers)
    if proto == 17:
        return from_udp(pkt[thoff:], layers + ["udp"])
    return []


def tcp_flags(byte12, byte13):
    s = ""
    for bit, c in ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"),
                   (0x10, "."), (0x20, "U"), (0x40, "E"), (0x80, "W")):
        if byte13 & bit:
            s += c
    if byte12 & 1:
        s += "e"
    return s or "none"


def walk_options(hdr):
    """The options of a complete TCP header, walked strictly as PMTUFIX
    does: (list of (offset, kind, bytes)), or None when malformed."""
    opts, i = [], 20
    while i < len(hdr):
        kind = hdr[i]
        if kind == 0:
            opts.append((i, 0, b""))
            break
        if kind == 1:
            opts.append((i, 1, b""))
            i += 1
            continue
        if i + 1 >= len(hdr) or hdr[i + 1] < 2 or i + hdr[i + 1] > len(hdr):
            return None
        if kind == 2 and hdr[i + 1] != 4:
            return None
        opts.append((i, kind, hdr[i + 2:i + hdr[i + 1]]))
        i += hdr[i + 1]
    return opts


def ipv6_pseudo_addrs(pkt, thoff):
    """Source and final destination for the IPv6 pseudo-header: a home
    address option replaces the source, a routing header with segments
    left gives the destination (RFC 8200 8.1, RFC 6275 6.3)."""
    src, dst = pkt[8:24], pkt[24:40]
    nxt, off = pkt[6], 40
    while off < thoff and nxt in IPV6_EXT:
        if nxt == 60:
            end, i = min(off + (pkt[off + 1] + 1) * 8, thoff), off + 2
            while i + 1 < end:
                if pkt[i] == 0:
                    i += 1
                    continue
                if pkt[i] == 0xC9 and pkt[i + 1] == 16 and i + 18 <= end:
                    src = pkt[i + 2:i + 18]
                i += 2 + pkt[i + 1]
        if nxt == 43 and pkt[off + 3]:
            rtype, n = pkt[off + 2], pkt[off + 1] // 2
            if rtype in (0, 2) and n:
                dst = pkt[off + 8 + 16 * (n - 1):off + 8 + 16 * n]
            elif rtype == 4 and n:
                dst = pkt[off + 8:off + 24]
        if nxt == 44:
            nxt, off = pkt[off], off + 8
        elif nxt == 51:
            nxt, off = pkt[off], off + (pkt[off + 1] + 2) * 4
        else:
            nxt, off = pkt[off], off + (pkt[off + 1] + 1) * 8
    return src, dst


def describe(pkt, layers=None):
    """What list shows about an extracted packet, as a dict."""
    fam, thoff, proto, first, more, exts = ip_upper(pkt)
    seg = pkt[thoff:]
    d = {"family": fam, "layers": "/".join(layers or []), "ext": exts,
         "ip_len": len(pkt), "tcp_avail": len(seg), "frag": more,
         "src": socket.inet_ntop(socket.AF_INET if fam == 4 else
                                 socket.AF_INET6,
                                 pkt[12:16] if fam == 4 else pkt[8:24]),
         "dst": socket.inet_ntop(socket.AF_INET if fam == 4 else
                                 socket.AF_INET6,
                                 pkt[16:20] if fam == 4 else pkt[24:40])}
    if fam == 4:
        d["ttl"] = pkt[8]
        d["ip_csum_ok"] = csum(pkt[:thoff]) == 0xFFFF
        d["ip_truncated"] = u16(pkt, 2) > len(pkt)
    else:
        d["ttl"] = pkt[7]
        d["ip_truncated"] = bool(u16(pkt, 4)) and 40 + u16(pkt, 4) > len(pkt)
    if len(seg) < 14:
        d.update(flags="?", tcp_hdrlen=None, mss=None, opts="truncated",
                 csum=None, payload=None, wscale=None, options=None)
        return d
    hdrlen = (seg[12] >> 4) * 4
    d["sport"], d["dport"] = u16(seg, 0), u16(seg, 2)
    d["flags"] = tcp_flags(seg[12], seg[13])
    d["tcp_hdrlen"] = hdrlen
    d["payload"] = max(len(seg) - hdrlen, 0)
    d["mss"], d["wscale"], d["options"] = None, None, None
    if hdrlen < 20:
        d["opts"] = "malformed"
    elif hdrlen > len(seg):
        d["opts"] = "truncated"
    else:
        opts = walk_options(seg[:hdrlen])
        if opts is None:
            d["opts"] = "malformed"
        else:
            d["opts"] = "ok"
            d["options"] = [[o[1], len(o[2]) + 2 if o[1] > 1 else 1]
                            for o in opts]
            d["mss"] = [u16(o[2], 0) for o in opts if o[1] == 2]
            d["mss_off"] = [o[0] for o in opts if o[1] == 2]
            ws = [o[2][0] for o in opts if o[1] == 3 and len(o[2]) == 1]
            d["wscale"] = ws[0] if ws else None
    d["csum"] = None
    complete = not more and not d["ip_truncated"] and len(seg) >= 20
    if complete:
        if fam == 4:
            ph = pkt[12:20] + struct.pack("!BBH", 0, 6, len(seg))
        else:
            src, dst = ipv6_pseudo_addrs(pkt, thoff)
            ph = src + dst + struct.pack("!IxxxB", len(seg), 6)
        d["csum"] = "ok" if csum(ph + seg) == 0xFFFF else "bad"
    return d


def extract(path):
    """Every TCP packet with SYN set in a capture: (index, layers, pkt)."""
    out = []
    for n, linktype, frame in read_capture(path):
        for layers, pkt in from_link(linktype, frame):
            fam, thoff, _, first, _, _ = ip_upper(pkt)
            if first and len(pkt) >= thoff + 14 and pkt[thoff + 13] & 0x02:
                out.append((n, layers, pkt))
    return out


def label_of(path, n, k=0):
    base = os.path.basename(path)
    return f"{base}#{n}" + (f".{k}" if k else "")


def extract_all(paths):
    """(label, layers, pkt) of every file, frames in order."""
    res = []
    for p in paths:
        seen = {}
        for n, layers, pkt in extract(p):
            k = seen.get(n, 0)
            seen[n] = k + 1
            res.append((label_of(p, n, k), layers, pkt))
    return res
