#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP SYN and SYN-ACK out of captures, and their replay through a router.

  pcap.py list [--json] FILE...
      one line per extracted packet: file, index (frame number, from 1),
      family, TCP flags as tcpdump prints them, MSS options (strict walk:
      "-" none, "malformed", "truncated"), TCP header length, whether the
      TCP checksum verifies ("-" when the segment is not all there), the
      layers unwrapped, and notes.  --json prints one object per packet.
  pcap.py write [--tcp-header] [--prefix HEX] DIR FILE...
      each packet into DIR/<capture>_<index>[_<n>].bin: the IP packet, or
      with --tcp-header the TCP header only (as much as was captured);
      --prefix puts the given bytes first (for fuzzer corpora).
  pcap.py stream [-o OUT] FILE...
      all packets as one stream (format below), to stdout or OUT.
  pcap.py synth [-o OUT]
      a stream of crafted SYNs the captures lack (MSS at odd offsets,
      several MSS options, MSS after EOL, bad option lengths), each with a
      right checksum.
  pcap.py send IFACE SRCMAC DSTMAC STREAM [--marks SRC,DST]
      sends each packet of STREAM on IFACE (an AF_PACKET socket; run it in
      the namespace with `ip netns exec`) behind an Ethernet header.  With
      --marks, a marker (IPv4 UDP from SRC to DST, port 9) goes before each
      packet and after the last, so that what comes out of a router can be
      told apart packet by packet.  The sender stays on one CPU: the
      packets cannot overtake each other in the backlog queues.
  pcap.py capture IFACE SECONDS [-o OUT] [--stop-mark N]
      records the IPv4 and IPv6 packets arriving on IFACE as a stream,
      markers included, for at most SECONDS or until marker N arrived.
      Prints "ready" on stderr once the socket is bound.
  pcap.py explain SENT PLAIN TCPMSS [PMTUFIX] --mss4 N --mss6 N
      the replay verdict (see explain()): what the router forwarded with
      no rule (PLAIN), with -j TCPMSS --set-mss (TCPMSS) and with -j
      PMTUFIX (PMTUFIX), against models of both targets.  Exits 1 when an
      output is not what the model says, or the two targets differ in a
      way that is not one of the documented differences.
  pcap.py dump STREAM
      the labels and lengths of a stream, and the packets in hex.

Stream format: records of a 2-byte label length and a 4-byte packet length
(both big-endian), the label (UTF-8, e.g. "tcpdump__ssh.pcap#1") and the
packet, which starts at its IP header.

Packets are kept byte for byte as captured, bad checksums and truncated
TCP headers included, except for what follows the IP packet in the frame
(Ethernet padding, an FCS): an IP packet ends where its length field says,
when the capture holds that much.

Link layers: Ethernet, 802.1Q/802.1ad/QinQ, MPLS (with or without a
pseudowire control word), PPPoE session, Linux cooked (SLL and SLL2), raw
IP, null/loopback.  Encapsulations: GRE (IP, TEB, ERSPAN types I, II and
III, MPLS), GENEVE (UDP 6081), VXLAN (UDP 4789), IPv4 and IPv6 in IPv4 and
IPv6.  pcap (microsecond, nanosecond, both byte orders) and pcapng.
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD

# Link-layer header types (tcpdump.org/linktypes.html).
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW_ALIASES = (12, 14, 101)
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

MARK_MAGIC = b"PMTUFIX-MARK"

IPV6_EXT = (0, 43, 44, 51, 60, 135, 139, 140)


class CaptureError(Exception):
    pass


# ---------------------------------------------------------------------------
# Capture files


def read_pcap(data):
    """(frame number, link type, frame bytes) of a classic pcap file."""
    magic = data[:4]
    table = {
        b"\xd4\xc3\xb2\xa1": ("<", 16), b"\xa1\xb2\xc3\xd4": (">", 16),
        b"\x4d\x3c\xb2\xa1": ("<", 16), b"\xa1\xb2\x3c\x4d": (">", 16),
        # Alexey Kuznetzov's patched format: 8 more bytes per record.
        b"\x34\xcd\xb2\xa1": ("<", 24), b"\xa1\xb2\xcd\x34": (">", 24),
    }
    if magic not in table or len(data) < 24:
        raise CaptureError("not a pcap file")
    end, rec = table[magic]
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off, n = 24, 0
    while off + rec <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        off += rec
        n += 1
        if off + caplen > len(data):
            raise CaptureError(f"frame {n} cut short")
        yield n, linktype, data[off:off + caplen]
        off += caplen


def read_pcapng(data):
    """(frame number, link type, frame bytes) of a pcapng file."""
    off, n, end, links = 0, 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8:off + 12]
            end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            if struct.unpack(end + "I", data[off + 8:off + 12])[0] != \
                    0x1A2B3C4D:
                raise CaptureError("pcapng: bad byte-order magic")
            links = []
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if blen < 12 or blen % 4 or off + blen > len(data):
            raise CaptureError(f"pcapng: bad block length at {off}")
        body = data[off + 8:off + blen - 4]
        if btype == 1:                      # interface description
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6:                    # enhanced packet
            ifid, _, _, caplen, _ = struct.unpack(end + "IIIII", body[:20])
            n += 1
            yield n, links[ifid], body[20:20 + caplen]
        elif btype == 3:                    # simple packet
            n += 1
            caplen = min(struct.unpack(end + "I", body[:4])[0],
                         len(body) - 4)
            yield n, links[0], body[4:4 + caplen]
        elif btype == 2:                    # packet (obsolete)
            ifid, _, _, _, caplen, _ = struct.unpack(end + "HHIIII",
                                                     body[:20])
            n += 1
            yield n, links[ifid], body[20:20 + caplen]
        off += blen


def read_capture(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    return read_pcap(data)


# ---------------------------------------------------------------------------
# Unwrapping: every function takes bytes and the layers so far, and returns
# a list of (layers, IP packet carrying TCP).


def u16(b, off):
    return struct.unpack("!H", b[off:off + 2])[0]


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


# ---------------------------------------------------------------------------
# TCP


def csum(data, start=0):
    if len(data) % 2:
        data += b"\0"
    total = start + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


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


# ---------------------------------------------------------------------------
# Streams


def write_stream(f, records):
    for label, pkt in records:
        lb = label.encode()
        f.write(struct.pack("!HI", len(lb), len(pkt)) + lb + pkt)


def read_stream(path):
    with open(path, "rb") as f:
        data = f.read()
    res, off = [], 0
    while off + 6 <= len(data):
        llen, plen = struct.unpack("!HI", data[off:off + 6])
        off += 6
        label = data[off:off + llen].decode()
        off += llen
        res.append((label, data[off:off + plen]))
        off += plen
    if off != len(data):
        raise CaptureError(f"{path}: stream cut short")
    return res


def out_file(path):
    if path in (None, "-"):
        return sys.stdout.buffer
    return open(path, "wb")


# ---------------------------------------------------------------------------
# Crafted packets


def tcp_checksum(pkt):
    """pkt with a right TCP checksum (whole segment present)."""
    fam, thoff, _, _, _, _ = ip_upper(pkt)
    seg = bytearray(pkt[thoff:])
    seg[16:18] = b"\0\0"
    if fam == 4:
        ph = pkt[12:20] + struct.pack("!BBH", 0, 6, len(seg))
    else:
        src, dst = ipv6_pseudo_addrs(pkt, thoff)
        ph = src + dst + struct.pack("!IxxxB", len(seg), 6)
    seg[16:18] = struct.pack("!H", 0xFFFF - csum(bytes(ph + seg)))
    return bytes(pkt[:thoff]) + bytes(seg)


def craft(fam, opts, flags=0x02, payload=b"", sport=40000):
    """A SYN (or other flags) with the given option bytes, padded with EOL
    to a multiple of 4."""
    opts = opts + b"\0" * (-len(opts) % 4)
    tcp = struct.pack("!HHIIBBHHH", sport, 80, 0x01020304,
                      0x0A0B0C0D if flags & 0x10 else 0,
                      (20 + len(opts)) // 4 << 4, flags, 64240, 0, 0)
    seg = tcp + opts + payload
    if fam == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 0x1234,
                         0x4000, 64, 6, 0, bytes([192, 0, 2, 10]),
                         bytes([198, 18, 0, 10]))
        ip = ip[:10] + struct.pack("!H", 0xFFFF - csum(ip)) + ip[12:]
    else:
        ip = struct.pack("!IHBB16s16s", 0x60000000, len(seg), 6, 64,
                         socket.inet_pton(socket.AF_INET6, "2001:db8::10"),
                         socket.inet_pton(socket.AF_INET6,
                                          "2001:db8:ffff::10"))
    return tcp_checksum(ip + seg)


def synth_packets():
    mss = lambda v: b"\x02\x04" + struct.pack("!H", v)  # noqa: E731
    nop, eol = b"\x01", b"\x00"
    ts = b"\x08\x0a\x00\x00\x10\x00\x00\x00\x00\x00"
    ws = b"\x03\x03\x07"
    c = [
        ("odd-mss-v4", craft(4, nop + mss(1460) + nop + nop + nop + ts)),
        ("odd-mss-v6", craft(6, nop + mss(1460) + nop + nop + nop + ts)),
        ("odd-mss-synack-v4", craft(4, nop + mss(8960) + ws, 0x12, b"",
                                    40001)),
        ("odd-mss-end-v4", craft(4, nop + nop + nop + mss(65535) + nop)),
        ("odd-mss-257-v4", craft(4, nop + mss(1360 + 257) + nop + nop +
                                 nop)),
        ("two-mss-v4", craft(4, mss(1460) + mss(1500))),
        ("two-mss-low-first-v6", craft(6, mss(1200) + nop + mss(9000) +
                                       nop + nop + nop)),
        ("mss-after-eol-v4", craft(4, nop + eol + nop + nop + mss(1460))),
        ("len1-before-mss-v4", craft(4, b"\x1e\x01" + nop + nop +
                                     mss(1460))),
        ("len0-before-mss-v6", craft(6, b"\x1e\x00" + nop + nop +
                                     mss(1460))),
        ("mss-len3-v4", craft(4, b"\x02\x03\x05" + nop + mss(1460))),
        ("no-mss-v4", craft(4, nop + nop + ws)),
        ("no-mss-v6", craft(6, ts)),
        ("no-mss-data-v4", craft(4, ws + nop, 0x02, b"hello")),
        ("mss-low-v4", craft(4, mss(536) + ws + nop)),
        ("syn-rst-v4", craft(4, mss(1460), 0x06)),
    ]
    return [(f"synthetic#{i + 1}.{name}", pkt)
            for i, (name, pkt) in enumerate(c)]


# ---------------------------------------------------------------------------
# Send and capture


def mac_bytes(text):
    b = bytes(int(x, 16) for x in text.split(":"))
    if len(b) != 6:
        raise ValueError(f"bad MAC address '{text}'")
    return b


def marker(n, src, dst):
    pay = MARK_MAGIC + struct.pack("!I", n)
    udp = struct.pack("!HHHH", 9, 9, 8 + len(pay), 0) + pay
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF,
                     0, 64, 17, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", 0xFFFF - csum(ip)) + ip[12:]
    return ip + udp


def marker_index(pkt):
    """The number of a marker packet, or None."""
    if len(pkt) >= 28 and pkt[0] == 0x45 and pkt[9] == 17:
        pay = pkt[28:]
        if pay.startswith(MARK_MAGIC) and len(pay) >= len(MARK_MAGIC) + 4:
            return struct.unpack("!I", pay[len(MARK_MAGIC):][:4])[0]
    return None


def cmd_send(a):
    recs = read_stream(a.stream)
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except OSError:
        pass
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    eth = mac_bytes(a.dstmac) + mac_bytes(a.srcmac)
    marks = a.marks.split(",") if a.marks else None

    def tx(pkt):
        etype = ETH_P_IPV6 if pkt and pkt[0] >> 4 == 6 else ETH_P_IP
        s.send(eth + struct.pack("!H", etype) + pkt)
        time.sleep(a.gap)

    for i, (_, pkt) in enumerate(recs):
        if marks:
            tx(marker(i, *marks))
        tx(pkt)
    if marks:
        tx(marker(len(recs), *marks))
    print(f"sent {len(recs)} packets", file=sys.stderr)
    return 0


def cmd_capture(a):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.bind((a.iface, 0))
    out = out_file(a.output)
    print("ready", file=sys.stderr, flush=True)
    deadline = time.monotonic() + a.seconds
    n = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            break
        frame, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 14:
            continue
        etype = u16(frame, 12)
        if etype not in (ETH_P_IP, ETH_P_IPV6):
            continue
        pkt = frame[14:]
        m = marker_index(pkt)
        label = f"mark#{m}" if m is not None else f"rx#{n}"
        write_stream(out, [(label, pkt)])
        out.flush()
        n += 1
        if m is not None and a.stop_mark is not None and m >= a.stop_mark:
            break
    return 0


# ---------------------------------------------------------------------------
# The replay verdict


def split_by_marks(recs, count, what):
    """What arrived between marker i and marker i + 1, for each i: the TCP
    packets (anything else, ICMP errors, neighbour discovery, is set
    aside)."""
    res = [None] * count
    cur = None
    for label, pkt in recs:
        m = marker_index(pkt)
        if m is not None:
            if m < count:
                res[m] = []
            cur = m
            continue
        up = ip_upper(pkt)
        if cur is None or cur >= count or up is None or up[2] != 6:
            continue
        res[cur].append(pkt)
    for i, r in enumerate(res):
        if r is None:
            raise CaptureError(f"{what}: marker {i} never arrived")
    if count and not any(marker_index(p) == count for _, p in recs):
        raise CaptureError(f"{what}: the last marker never arrived")
    return res


def fold16(x):
    while x >> 16:
        x = (x & 0xFFFF) + (x >> 16)
    return x


def kcsum_replace(check, old, new):
    """inet_proto_csum_replace2/4 on a checksum nobody offloads: RFC 1624
    eqn. 3 over the 16-bit words of old and new, taken as words wherever
    the field actually sits (which is the bug at odd offsets)."""
    acc = (~check) & 0xFFFF
    for i in range(0, len(old), 2):
        acc += (~u16(old, i)) & 0xFFFF
        acc += u16(new, i)
    return (~fold16(acc)) & 0xFFFF


def set16(b, off, v):
    b[off:off + 2] = struct.pack("!H", v)


def tcpmss_walk(hdr):
    """xt_TCPMSS: the first kind-2, length-4 option, walking past EOL and
    over zero lengths one byte at a time.  Its offset, or None."""
    i = 20
    while i <= len(hdr) - 4:
        if hdr[i] == 2 and hdr[i + 1] == 4:
            return i
        i += 1 if hdr[i] <= 1 or hdr[i + 1] == 0 else hdr[i + 1]
    return None


def insert_mss(pkt, thoff, fam, mss):
    """The MSS insertion of xt_TCPMSS (and PMTUFIX): option at offset 20,
    options moved by 4, data offset + 1, IP length + 4, checksums updated
    as the kernel does."""
    b = bytearray(pkt)
    seg_len = len(b) - thoff
    hdrlen = (b[thoff + 12] >> 4) * 4
    mss = min(mss, 536 if fam == 4 else 1220)
    old12 = bytes(b[thoff + 12:thoff + 14])
    opt = bytes([2, 4]) + struct.pack("!H", mss)
    b[thoff + 20:thoff + hdrlen] = opt + b[thoff + 20:thoff + hdrlen]
    c = u16(b, thoff + 16)
    c = kcsum_replace(c, struct.pack("!H", seg_len),
                      struct.pack("!H", seg_len + 4))
    c = kcsum_replace(c, b"\0\0\0\0", opt)
    b[thoff + 12] += 0x10
    c = kcsum_replace(c, old12, bytes(b[thoff + 12:thoff + 14]))
    set16(b, thoff + 16, c)
    if fam == 4:
        old = u16(b, 2)
        set16(b, 10, kcsum_replace(u16(b, 10), struct.pack("!H", old),
                                   struct.pack("!H", old + 4)))
        set16(b, 2, old + 4)
    else:
        set16(b, 4, u16(b, 4) + 4)
    return bytes(b)


def model_tcpmss(pkt, mss):
    """What -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss mss makes of
    a forwarded packet: (output or None, what happened)."""
    fam, thoff, proto, first, more, _ = ip_upper(pkt)
    seg = pkt[thoff:]
    if len(seg) < 20:
        return None, "dropped by the tcp match (TCP header not there)"
    if not seg[13] & 0x02 or seg[13] & 0x04:
        return pkt, "not matched (RST)"
    hdrlen = (seg[12] >> 4) * 4
    if hdrlen < 20 or len(seg) < hdrlen:
        return None, "dropped: TCP header longer than the packet"
    off = tcpmss_walk(seg[:hdrlen])
    if off is not None:
        old = u16(seg, off + 2)
        if old <= mss:
            return pkt, f"unchanged: MSS {old} at {off} not above {mss}"
        b = bytearray(pkt)
        set16(b, thoff + off + 2, mss)
        set16(b, thoff + 16, kcsum_replace(u16(b, thoff + 16),
                                           struct.pack("!H", old),
                                           struct.pack("!H", mss)))
        how = "MSS at an odd offset, checksum updated as if even" \
            if (off + 2) & 1 else "checksum right"
        return bytes(b), f"clamped MSS {old} at {off} to {mss} ({how})"
    if len(seg) > hdrlen:
        return pkt, "unchanged: no MSS, data after the header"
    if hdrlen >= 60:
        return pkt, "unchanged: no MSS, no room"
    return insert_mss(pkt, thoff, fam, mss), "MSS inserted"


def model_pmtufix(pkt, mss):
    """What -j PMTUFIX with a table giving mss makes of a forwarded packet:
    (output, what happened, counters it bumps)."""
    fam, thoff, proto, first, more, _ = ip_upper(pkt)
    seg = pkt[thoff:]
    ev = {"packets": 1}
    if len(seg) < 20:
        return None, "dropped by the tcp match (TCP header not there)", {}
    if not seg[13] & 0x02 or seg[13] & 0x04:
        return pkt, "not matched (RST)", {}
    ev["synack" if seg[13] & 0x10 else "syn"] = 1
    hdrlen = (seg[12] >> 4) * 4
    if hdrlen < 20:
        ev["malformed"] = 1
        return pkt, "unchanged: data offset below 5", ev
    if len(seg) < hdrlen:
        ev["fragment" if more else "malformed"] = 1
        return pkt, "unchanged: TCP header longer than the packet" + \
            (" (first fragment)" if more else ""), ev
    opts = walk_options(seg[:hdrlen])
    if opts is None:
        ev["malformed"] = 1
        return pkt, "unchanged: malformed options", ev
    offs = [o[0] for o in opts if o[1] == 2]
    if not offs:
        if len(seg) > hdrlen or hdrlen > 56 or more:
            return pkt, "unchanged: no MSS, no insertion possible", ev
        ev["inserted"] = 1
        return insert_mss(pkt, thoff, fam, mss), "MSS inserted", ev
    b = bytearray(pkt)
    n = 0
    for off in offs:
        val = thoff + off + 2
        if u16(b, val) <= mss:
            continue
        start = (off + 2) & ~1
        wlen = 4 if (off + 2) & 1 else 2
        old = bytes(b[thoff + start:thoff + start + wlen])
        set16(b, val, mss)
        new = bytes(b[thoff + start:thoff + start + wlen])
        set16(b, thoff + 16, kcsum_replace(u16(b, thoff + 16), old, new))
        n += 1
    if n:
        ev["clamped"] = 1
        return bytes(b), f"clamped {n} of {len(offs)} MSS options", ev
    ev["unchanged"] = 1
    return pkt, "unchanged: MSS not above the limit", ev


def why_not_forwarded(pkt):
    """Why a packet does not reach the server side: (reason, whether it
    passes the FORWARD hook all the same)."""
    d = describe(pkt)
    if d["family"] == 6 and d["dst"].startswith("fe80:"):
        # A link-local destination is routed back out of the interface it
        # came in on (where the router finds no neighbour for it), and that
        # path skips the check on link-local sources.
        return ("link-local destination: routed back toward the client, "
                "through FORWARD"), True
    return why_dropped(d), False


def why_dropped(d):
    """A guess at why a router drops a packet before any FORWARD rule."""
    fam = d["family"]
    if d["ip_truncated"]:
        return "the IP length says more than the packet holds"
    if fam == 4:
        src, dst = socket.inet_aton(d["src"]), socket.inet_aton(d["dst"])
        if not d["ip_csum_ok"]:
            return "bad IPv4 header checksum"
        if src[0] in (0, 127) or dst[0] in (0, 127):
            return "loopback or zero address (martian)"
        if dst == b"\xff" * 4 or dst[0] >= 224 or src[0] >= 224:
            return "broadcast or multicast address"
    else:
        src = socket.inet_pton(socket.AF_INET6, d["src"])
        dst = socket.inet_pton(socket.AF_INET6, d["dst"])
        if src[:2] == b"\xfe\x80":
            return "link-local source leaving by another interface"
        if dst[0] == 0xFF:
            return "multicast destination"
    if d["ttl"] <= 1:
        return "TTL or hop limit exhausted"
    return None


def tcp_csum_ok(pkt):
    d = describe(pkt)
    return d["csum"]


def difference(inp, t, f):
    """Why the TCPMSS output t and the PMTUFIX output f of the forwarded
    packet inp differ, or None when the difference is none of the
    documented ones."""
    fam, thoff, _, _, more, _ = ip_upper(inp)
    seg = inp[thoff:]
    hdrlen = (seg[12] >> 4) * 4 if len(seg) >= 20 else 0
    if t is None and f is not None:
        if f == inp and (hdrlen < 20 or len(seg) < hdrlen):
            return ("TCPMSS drops a packet whose TCP header is longer than "
                    "the packet; PMTUFIX forwards it unchanged")
        return None
    if t is None or f is None:
        return None
    opts = walk_options(seg[:hdrlen])
    if opts is None:
        if f == inp:
            return ("malformed options: TCPMSS walks them leniently and "
                    "rewrites; PMTUFIX leaves the packet alone")
        return None
    toff = tcpmss_walk(seg[:hdrlen])
    strict = [o[0] for o in opts if o[1] == 2]
    if toff is not None and toff not in strict:
        return ("TCPMSS takes an MSS option after EOL; PMTUFIX ends the "
                "walk at EOL" + (" and inserts one" if not strict else ""))
    if len(strict) > 1:
        return ("several MSS options: TCPMSS looks at the first only, "
                "PMTUFIX clamps each one above the limit")
    if toff is not None and (toff + 2) & 1 and t[:thoff + 16] == \
            f[:thoff + 16] and t[thoff + 18:] == f[thoff + 18:] and \
            tcp_csum_ok(t) == "bad" and tcp_csum_ok(f) == "ok":
        return ("MSS at an odd offset: TCPMSS updates the checksum as if "
                "the field were word-aligned and gets it wrong; PMTUFIX "
                "updates the aligned 32-bit word around it")
    return None


def explain(a):
    sent = read_stream(a.sent)
    n = len(sent)
    runs = {"plain": split_by_marks(read_stream(a.plain), n, "plain")}
    runs["tcpmss"] = split_by_marks(read_stream(a.tcpmss), n, "TCPMSS")
    if a.pmtufix:
        runs["pmtufix"] = split_by_marks(read_stream(a.pmtufix), n,
                                         "PMTUFIX")
    bad = 0
    counters = {}
    stats = {"forwarded": 0, "not forwarded": 0, "tcpmss differs": 0,
             "tcpmss odd-offset checksum wrong": 0, "differences": 0}

    def fail(msg):
        nonlocal bad
        bad += 1
        print(f"FAIL {msg}")

    for i, (label, pkt) in enumerate(sent):
        outs = {k: v[i] for k, v in runs.items()}
        for k, v in outs.items():
            if len(v) > 1:
                fail(f"{label}: {k}: {len(v)} packets came out of one")
        p = outs["plain"][0] if outs["plain"] else None
        if p is None:
            stats["not forwarded"] += 1
            why, through_forward = why_not_forwarded(pkt)
            if why is None:
                fail(f"{label}: the router alone did not forward it, for "
                     "no known reason")
            line = f"{label}: not forwarded to the server ({why})"
            if through_forward and "pmtufix" in outs:
                mss = a.mss4 if ip_upper(pkt)[0] == 4 else a.mss6
                _, f_why, ev = model_pmtufix(pkt, mss)
                for k, v in ev.items():
                    counters[k] = counters.get(k, 0) + v
                line += f"; PMTUFIX (unseen) {f_why}"
            for k in ("tcpmss", "pmtufix"):
                if k in outs and outs[k]:
                    fail(f"{label}: {k} forwarded what the router alone "
                         "did not")
            print(line)
            continue
        stats["forwarded"] += 1
        mss = a.mss4 if ip_upper(p)[0] == 4 else a.mss6
        t_want, t_why = model_tcpmss(p, mss)
        t = outs["tcpmss"][0] if outs["tcpmss"] else None
        if t != t_want:
            fail(f"{label}: TCPMSS output is not what its model says "
                 f"({t_why})\n  got  {t.hex() if t else None}\n"
                 f"  want {t_want.hex() if t_want else None}")
        if t is not None and t != p:
            stats["tcpmss differs"] += 1
            if "odd offset" in t_why and tcp_csum_ok(t) == "bad":
                stats["tcpmss odd-offset checksum wrong"] += 1
        line = f"{label}: TCPMSS {t_why}"
        if "pmtufix" in outs:
            f_want, f_why, ev = model_pmtufix(p, mss)
            f = outs["pmtufix"][0] if outs["pmtufix"] else None
            for k, v in ev.items():
                counters[k] = counters.get(k, 0) + v
            if f != f_want:
                fail(f"{label}: PMTUFIX output is not what its model says "
                     f"({f_why})\n  got  {f.hex() if f else None}\n"
                     f"  want {f_want.hex() if f_want else None}")
            line += f"; PMTUFIX {f_why}"
            if f is not None and tcp_csum_ok(f) == "bad" and \
                    tcp_csum_ok(p) == "ok":
                fail(f"{label}: PMTUFIX broke a right TCP checksum")
            if t != f:
                stats["differences"] += 1
                why = difference(p, t, f)
                if why is None:
                    fail(f"{label}: TCPMSS and PMTUFIX differ for no "
                         "documented reason")
                else:
                    line += f"; DIFFERENT: {why}"
        print(line)
    for k, v in stats.items():
        print(f"# {k}: {v}")
    if a.pmtufix:
        print("# expected counters: " + json.dumps(counters, sort_keys=True))
        if a.counters:
            with open(a.counters) as f:
                got = json.load(f)
            for k, v in counters.items():
                if got.get(k) != v:
                    fail(f"counter {k}: expected {v}, got {got.get(k)}")
            for k in ("no_match", "not_writable"):
                if got.get(k, 0):
                    fail(f"counter {k}: expected 0, got {got.get(k)}")
    if stats["forwarded"] == 0:
        fail("nothing was forwarded at all")
    print(f"# {bad} problems")
    return 1 if bad else 0


# ---------------------------------------------------------------------------
# Command line


def fmt_line(label, d):
    if d["opts"] == "ok":
        mss = ",".join(str(m) for m in d["mss"]) or "-"
    else:
        mss = d["opts"]
    notes = []
    if d["frag"]:
        notes.append("first-fragment")
    if d["ext"]:
        notes.append("ext=" + ",".join(str(e) for e in d["ext"]))
    if d["family"] == 4 and not d["ip_csum_ok"]:
        notes.append("ip-csum-bad")
    if d["ip_truncated"]:
        notes.append("ip-truncated")
    if d.get("payload"):
        notes.append(f"data={d['payload']}")
    if d.get("wscale") is not None:
        notes.append(f"wscale={d['wscale']}")
    file, _, index = label.rpartition("#")
    return (f"{file} {index} {d['family']} {d['flags']} {mss} "
            f"{d['tcp_hdrlen'] if d['tcp_hdrlen'] is not None else '-'} "
            f"{d['csum'] or '-'} {d['layers']} {' '.join(notes)}").rstrip()


def cmd_list(a):
    for label, layers, pkt in extract_all(a.files):
        d = describe(pkt, layers)
        if a.json:
            file, _, index = label.rpartition("#")
            d.update(file=file, index=index)
            print(json.dumps(d, sort_keys=True))
        else:
            print(fmt_line(label, d))
    return 0


def cmd_write(a):
    os.makedirs(a.dir, exist_ok=True)
    prefix = bytes.fromhex(a.prefix) if a.prefix else b""
    for label, _, pkt in extract_all(a.files):
        body = pkt
        if a.tcp_header:
            thoff = ip_upper(pkt)[1]
            seg = pkt[thoff:]
            body = seg[:max((seg[12] >> 4) * 4, 20)]
        name = label.replace("#", "_").replace(".pcapng", "") \
            .replace(".pcap", "") + ".bin"
        with open(os.path.join(a.dir, name), "wb") as f:
            f.write(prefix + body)
    return 0


def cmd_stream(a):
    recs = [(label, pkt) for label, _, pkt in extract_all(a.files)]
    write_stream(out_file(a.output), recs)
    return 0


def cmd_synth(a):
    write_stream(out_file(a.output), synth_packets())
    return 0


def cmd_dump(a):
    for label, pkt in read_stream(a.stream):
        print(f"{label} {len(pkt)} {pkt.hex()}")
    return 0


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("write")
    p.add_argument("--tcp-header", action="store_true")
    p.add_argument("--prefix")
    p.add_argument("dir")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("stream")
    p.add_argument("-o", "--output")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("synth")
    p.add_argument("-o", "--output")
    p = sub.add_parser("send")
    p.add_argument("iface")
    p.add_argument("srcmac")
    p.add_argument("dstmac")
    p.add_argument("stream")
    p.add_argument("--marks")
    p.add_argument("--gap", type=float, default=0.002)
    p = sub.add_parser("capture")
    p.add_argument("iface")
    p.add_argument("seconds", type=float)
    p.add_argument("-o", "--output")
    p.add_argument("--stop-mark", type=int)
    p = sub.add_parser("explain")
    p.add_argument("sent")
    p.add_argument("plain")
    p.add_argument("tcpmss")
    p.add_argument("pmtufix", nargs="?")
    p.add_argument("--mss4", type=int, required=True)
    p.add_argument("--mss6", type=int, required=True)
    p.add_argument("--counters")
    p = sub.add_parser("dump")
    p.add_argument("stream")
    a = ap.parse_args(argv[1:])
    try:
        return {"list": cmd_list, "write": cmd_write, "stream": cmd_stream,
                "synth": cmd_synth, "send": cmd_send, "capture": cmd_capture,
                "explain": explain, "dump": cmd_dump}[a.cmd](a)
    except (CaptureError, OSError, ValueError) as e:
        print(f"pcap.py: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
