# SPDX-License-Identifier: GPL-2.0
"""AF_PACKET sockets: what arrives on an interface, and whole frames sent
out of one.  Each works in the namespace of the thread that opens it."""
import fcntl
import select
import socket
import struct
import time

from .inet import ETH_P_ALL, ETH_P_IP, ETH_P_IPV6, family_of
from .ns import enter

SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_QDISC_BYPASS = 20
PACKET_IGNORE_OUTGOING = 23
SO_RCVBUFFORCE = 33
SIOCGIFHWADDR = 0x8927


def capture(ifname=None):
    """A non-blocking socket for what arrives on ifname (every interface
    when None), not what leaves, with a receive buffer large enough for a
    flood."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
    if ifname:
        s.bind((ifname, 0))
    s.setblocking(False)
    return s


def drops(s):
    """Frames the socket dropped since the last call."""
    return struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS,
                                            8))[1]


def frames(s, quiet, limit=5.0, done=None):
    """Frames (or datagrams) from s until none came for quiet seconds and
    done() says all that was expected is there, or limit seconds passed."""
    end = time.monotonic() + limit
    while True:
        now = time.monotonic()
        if now >= end:
            return
        r, _, _ = select.select([s], [], [], min(quiet, end - now))
        if not r:
            if done is None or done():
                return
            continue
        while True:
            try:
                yield s.recv(65535)
            except BlockingIOError:
                break


def hwaddr(ifname):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        info = fcntl.ioctl(s.fileno(), SIOCGIFHWADDR,
                           struct.pack("256s", ifname.encode()))
    finally:
        s.close()
    return info[18:24]


def packet_tx(ifname, bypass=True):
    """A socket that sends whole frames on ifname, past the qdisc unless
    bypass is False."""
    tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    tx.bind((ifname, 0))
    if bypass:
        tx.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    return tx


def eth(dmac, tx, dst):
    """The Ethernet header of a frame from tx to dmac carrying an IP packet
    to dst."""
    etype = ETH_P_IPV6 if ":" in dst else ETH_P_IP
    return dmac + tx.getsockname()[4] + struct.pack("!H", etype)


def source_of(dst):
    """The address this namespace sends from toward dst."""
    u = socket.socket(family_of(dst), socket.SOCK_DGRAM)
    u.connect((dst, 9))
    src = u.getsockname()[0]
    u.close()
    return src


def toward_router(cns, rns, sns=None, bypass=True):
    """For frames sent from veth0 of cns to veth0 of rns: (the router's
    MAC, a packet_tx on the client's veth0, a capture on veth0 of sns if
    given).  The calling thread is left in cns."""
    enter(rns)
    rmac = hwaddr("veth0")
    cap = None
    if sns:
        enter(sns)
        cap = capture("veth0")
    enter(cns)
    return rmac, packet_tx("veth0", bypass), cap
