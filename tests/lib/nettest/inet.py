# SPDX-License-Identifier: GPL-2.0
"""The Internet checksum, and IP, TCP and ICMP headers parsed and built."""
import socket
import struct

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_P_MPLS_UC = 0x8847
ARPHRD_ETHER = 1


def u16(b, off):
    return struct.unpack("!H", b[off:off + 2])[0]


def csum(data, start=0):
    """The ones' complement sum of data, folded to 16 bits: 0xFFFF over
    data that carries a right checksum."""
    if len(data) % 2:
        data += b"\0"
    total = start + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def checksum(data):
    """The value of a checksum field over data (the field zero)."""
    return 0xFFFF - csum(data)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def ntop(raw):
    """A 4- or 16-byte address as text."""
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else
                            socket.AF_INET6, raw)


def canonical(addr):
    """addr written as inet_ntop writes it."""
    fam = family_of(addr)
    return socket.inet_ntop(fam, socket.inet_pton(fam, addr))


def ip4_header(src, dst, total, proto, ttl=64, ident=0x1234, frag=0x4000):
    """An IPv4 header; frag is the flags and offset word (DF by default)."""
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, frag, ttl,
                      proto, 0, socket.inet_pton(socket.AF_INET, src),
                      socket.inet_pton(socket.AF_INET, dst))
    return hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]


def ip6_header(src, dst, plen, nexthdr, hlim=64, flow=0):
    return struct.pack("!IHBB16s16s", 6 << 28 | flow, plen, nexthdr, hlim,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst))


def pseudo6(src, dst, length, proto):
    return (socket.inet_pton(socket.AF_INET6, src) +
            socket.inet_pton(socket.AF_INET6, dst) +
            struct.pack("!IxxxB", length, proto))


def l3_of(frame, addr):
    """(ethertype, packet) of a frame received with addr on an AF_PACKET
    socket.  Frames of devices without a link-layer header (ipip, gre,
    wireguard...) start with the IP header."""
    if addr[3] != ARPHRD_ETHER:
        return addr[1], frame
    if len(frame) < 14:
        return None, b""
    return u16(frame, 12), frame[14:]


def ip_split(pkt):
    """(protocol, source, destination, payload) of an IPv4 or IPv6
    packet without extension headers, addresses as bytes, or None."""
    if len(pkt) >= 20 and pkt[0] >> 4 == 4:
        ihl = (pkt[0] & 0xF) * 4
        return pkt[9], pkt[12:16], pkt[16:20], pkt[ihl:u16(pkt, 2)]
    if len(pkt) >= 40 and pkt[0] >> 4 == 6:
        return pkt[6], pkt[8:24], pkt[24:40], pkt[40:40 + u16(pkt, 4)]
    return None


def mss_of(hdr):
    """The MSS options of a TCP header: "1460", "1460,1400", or "-"."""
    found = []
    i = 20
    end = min((hdr[12] >> 4) * 4, len(hdr)) if len(hdr) > 12 else 0
    while i < end:
        if hdr[i] == 0:
            break
        if hdr[i] == 1:
            i += 1
            continue
        if i + 1 >= end or hdr[i + 1] < 2:
            break
        if hdr[i] == 2 and hdr[i + 1] == 4 and i + 4 <= end:
            found.append(str(u16(hdr, i + 2)))
        i += hdr[i + 1]
    return ",".join(found) or "-"


def tcp_of(pkt):
    """(source, destination, sport, dport, flags, MSS, checksum right?) of
    an IPv4 or IPv6 TCP packet, addresses as text, or None."""
    ip = ip_split(pkt)
    if not ip or ip[0] != 6 or len(ip[3]) < 20:
        return None
    _, src, dst, seg = ip
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(seg))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(seg), 6)
    return (ntop(src), ntop(dst), u16(seg, 0), u16(seg, 2), seg[13],
            mss_of(seg), csum(pseudo + seg) == 0xFFFF)


def icmp_of(frame):
    """(family, src, dst, icmp message) of an ICMP or ICMPv6 Ethernet
    frame."""
    if len(frame) < 14:
        return None
    ethertype = u16(frame, 12)
    pkt = frame[14:]
    if ethertype == ETH_P_IP and len(pkt) >= 20 and pkt[9] == 1:
        ihl = (pkt[0] & 0xF) * 4
        return 4, ntop(pkt[12:16]), ntop(pkt[16:20]), pkt[ihl:u16(pkt, 2)]
    if ethertype == ETH_P_IPV6 and len(pkt) >= 40 and pkt[6] == 58:
        return (6, ntop(pkt[8:24]), ntop(pkt[24:40]),
                pkt[40:40 + u16(pkt, 4)])
    return None


def icmp_csum_ok(fam, src, dst, msg):
    if fam == 4:
        return csum(msg) == 0xFFFF
    return csum(pseudo6(src, dst, len(msg), 58) + msg) == 0xFFFF


def too_big_of(fam, msg):
    """(MTU field, quoted destination) of a too-big message, or None."""
    if fam == 4 and len(msg) >= 28 and msg[0] == 3 and msg[1] == 4:
        return u16(msg, 6), ntop(msg[24:28])
    if fam == 6 and len(msg) >= 48 and msg[0] == 2 and msg[1] == 0:
        return struct.unpack("!I", msg[4:8])[0], ntop(msg[32:48])
    return None
