# SPDX-License-Identifier: GPL-2.0
"""Packets made to order: SYNs with the options the captures lack, UDP
and ICMP of a given size, each with right checksums."""
import socket
import struct

from .decap import ip_upper, ipv6_pseudo_addrs
from .inet import checksum, ip4_header, ip6_header, pseudo6


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
    seg[16:18] = struct.pack("!H", checksum(bytes(ph + seg)))
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
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
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


def crafted(kind, src, dst, size, tag):
    """A packet of size bytes from src to dst, told apart by tag (the IPv4
    identification, the IPv6 flow label).  Kinds: udp (DF for IPv4), nodf
    (IPv4 UDP without DF), echo (ICMP echo request, DF), icmperr (ICMP
    port unreachable, DF), frag (the first fragment of a UDP datagram,
    with DF for IPv4)."""
    body = bytes(i & 0xFF for i in range(size))
    if ":" not in dst:
        frag = {"nodf": 0, "frag": 0x6000}.get(kind, 0x4000)
        plen = size - 20
        if kind in ("udp", "nodf", "frag"):
            proto = 17
            pl = struct.pack("!HHHH", 40000, 9, plen + 1000 * (kind == "frag"),
                             0) + body[:plen - 8]
        else:
            proto = 1
            pl = struct.pack("!BBHI", 8 if kind == "echo" else 3,
                             0 if kind == "echo" else 3, 0, tag) + \
                body[:plen - 8]
            pl = pl[:2] + struct.pack("!H", checksum(pl)) + pl[4:]
        return ip4_header(src, dst, size, proto, ident=tag, frag=frag) + pl
    plen = size - 40
    if kind == "frag":
        ulen = plen - 8
        uh = struct.pack("!HHHH", 40000, 9, ulen + 1000, 0)
        pl = struct.pack("!BBHI", 17, 0, 1, tag) + uh + body[:ulen - 8]
        return ip6_header(src, dst, plen, 44, flow=tag) + pl
    if kind == "udp":
        uh = struct.pack("!HHHH", 40000, 9, plen, 0)
        pl = uh + body[:plen - 8]
        proto = 17
        c = 6
    else:
        pl = struct.pack("!BBHI", 128 if kind == "echo" else 1,
                         0 if kind == "echo" else 4, 0, tag) + body[:plen - 8]
        proto = 58
        c = 2
    csum_ = checksum(pseudo6(src, dst, plen, proto) + pl) or 0xFFFF
    pl = pl[:c] + struct.pack("!H", csum_) + pl[c + 2:]
    return ip6_header(src, dst, plen, proto, flow=tag) + pl


def udp_packet(src, dst, sport, dport, total, ttl=64):
    """A whole IPv4 (DF) or IPv6 UDP packet of total bytes."""
    if ":" in dst:
        ulen = total - 40
        body = bytes(i & 0xFF for i in range(ulen - 8))
        uh = struct.pack("!HHHH", sport, dport, ulen, 0)
        c = checksum(pseudo6(src, dst, ulen, 17) + uh + body) or 0xFFFF
        uh = struct.pack("!HHHH", sport, dport, ulen, c)
        return ip6_header(src, dst, ulen, 17, ttl) + uh + body
    ulen = total - 20
    body = bytes(i & 0xFF for i in range(ulen - 8))
    uh = struct.pack("!HHHH", sport, dport, ulen, 0)
    return ip4_header(src, dst, total, 17, ttl) + uh + body


def syn4(src, dst, sport, dport):
    """An IPv4 TCP SYN with an MSS option of 1460 and right checksums."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 0x01020304, 0, 6 << 4,
                      0x02, 64240, 0, 0) + b"\x02\x04\x05\xb4"
    pseudo = socket.inet_pton(socket.AF_INET, src) + \
        socket.inet_pton(socket.AF_INET, dst) + struct.pack("!BBH", 0, 6,
                                                             len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    return ip4_header(src, dst, 20 + len(tcp), 6) + tcp
