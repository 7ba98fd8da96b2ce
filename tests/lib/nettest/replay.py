# SPDX-License-Identifier: GPL-2.0
"""Packets sent through a router and captured behind it.

The sender puts a marker (IPv4 UDP to port 9, its number after
MARK_MAGIC) before each packet and after the last, so that what comes out
of the router can be told apart packet by packet.
"""
import os
import select
import socket
import struct
import sys
import time

from .capture import capture
from .decap import ip_upper
from .inet import ETH_P_IP, ETH_P_IPV6, checksum, u16
from .pcapfile import CaptureError, out_file, read_stream, write_stream

MARK_MAGIC = b"PMTUFIX-MARK"


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
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def marker_index(pkt):
    """The number of a marker packet, or None."""
    if len(pkt) >= 28 and pkt[0] == 0x45 and pkt[9] == 17:
        pay = pkt[28:]
        if pay.startswith(MARK_MAGIC) and len(pay) >= len(MARK_MAGIC) + 4:
            return struct.unpack("!I", pay[len(MARK_MAGIC):][:4])[0]
    return None


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
    s = capture(a.iface)
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
        frame = s.recv(65535)
        if len(frame) < 14:
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
