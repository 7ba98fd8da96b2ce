#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Connections between two namespaces, with the handshake captured.

  nsprobe.py CLIENT_NS CLIENT_IF SERVER_NS SERVER_IF [PORT]

One process does what would otherwise take a server, a client and two
captures per connection (process start-up is what costs most under
emulation).  It listens on PORT (default 8000, IPv4 and IPv6) in SERVER_NS,
captures on CLIENT_IF and SERVER_IF, prints "ready", then reads commands:

  connect ADDR [BYTES]   connect from CLIENT_NS to ADDR:PORT, send BYTES
                         (default 0) and check the server got them all
  quit

and answers each with one line:

  ok SYN_MSS SYNACK_MSS CSUM_OK
  fail REASON

SYN_MSS is the MSS option of the SYN as it reached SERVER_IF, SYNACK_MSS
that of the SYN-ACK as it reached CLIENT_IF (comma-separated if several,
"-" if none), CSUM_OK "true" when the TCP checksums of both were right.
"""
import ctypes
import os
import select
import socket
import struct
import sys
import threading
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
TIMEOUT = float(os.environ.get("NSPROBE_TIMEOUT", "5"))

libc = ctypes.CDLL(None, use_errno=True)


def enter(ns):
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {ns}")
    finally:
        os.close(fd)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def mss_of(hdr):
    found = []
    i = 20
    while i < len(hdr):
        if hdr[i] == 0:
            break
        if hdr[i] == 1:
            i += 1
            continue
        if i + 1 >= len(hdr) or hdr[i + 1] < 2:
            break
        if hdr[i] == 2 and hdr[i + 1] == 4 and i + 4 <= len(hdr):
            found.append(str(struct.unpack("!H", hdr[i + 2:i + 4])[0]))
        i += hdr[i + 1]
    return ",".join(found) or "-"


def tcp_of(frame):
    """(sport, dport, flags, mss, csum_ok) of a TCP frame, or None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack("!H", frame[12:14])[0]
    pkt = frame[14:]
    if ethertype == 0x0800 and len(pkt) >= 20 and pkt[9] == 6:
        ihl = (pkt[0] & 0xF) * 4
        seg = pkt[ihl:struct.unpack("!H", pkt[2:4])[0]]
        pseudo = pkt[12:20] + struct.pack("!BBH", 0, 6, len(seg))
    elif ethertype == 0x86DD and len(pkt) >= 40 and pkt[6] == 6:
        seg = pkt[40:40 + struct.unpack("!H", pkt[4:6])[0]]
        pseudo = pkt[8:40] + struct.pack("!IxxxB", len(seg), 6)
    else:
        return None
    if len(seg) < 20:
        return None
    sport, dport = struct.unpack("!HH", seg[:4])
    doff = (seg[12] >> 4) * 4
    return (sport, dport, seg[13], mss_of(seg[:doff]),
            csum(pseudo + seg) == 0xFFFF)


def capture(ns, ifname):
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def drain(sock, want_flags, port, key):
    """The first frame on sock with want_flags and port at position key."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        r, _, _ = select.select([sock], [], [], 0.2)
        if not r:
            continue
        while True:
            try:
                frame, addr = sock.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            t = tcp_of(frame)
            if t and t[2] & 0x12 == want_flags and t[key] == port:
                return t
    return None


class Server(threading.Thread):
    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv = srv
        self.got = {}

    def run(self):
        while True:
            conn, peer = self.srv.accept()
            conn.settimeout(TIMEOUT)
            n = 0
            try:
                while True:
                    data = conn.recv(65536)
                    if not data:
                        break
                    n += len(data)
                conn.sendall(b"k")
            except OSError:
                pass
            conn.close()
            self.got[peer[1]] = n


def connect(cns, server, cap_c, cap_s, addr, port, nbytes):
    enter(cns)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    c = socket.socket(family, socket.SOCK_STREAM)
    c.settimeout(TIMEOUT)
    try:
        c.connect((addr, port))
        lport = c.getsockname()[1]
        c.sendall(os.urandom(nbytes))
        c.shutdown(socket.SHUT_WR)
        if c.recv(1) != b"k":
            return "fail no answer"
    except OSError as e:
        return f"fail {e}"
    finally:
        c.close()
    deadline = time.monotonic() + TIMEOUT
    while lport not in server.got and time.monotonic() < deadline:
        time.sleep(0.01)
    if server.got.get(lport) != nbytes:
        return f"fail server got {server.got.get(lport)} of {nbytes} bytes"
    syn = drain(cap_s, 0x02, lport, 0)
    synack = drain(cap_c, 0x12, lport, 1)
    if not syn or not synack:
        return "fail handshake not captured"
    return f"ok {syn[3]} {synack[3]} {str(syn[4] and synack[4]).lower()}"


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    cns, cif, sns, sif = argv[1:5]
    port = int(argv[5]) if len(argv) == 6 else 8000
    cap_s = capture(sns, sif)
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(64)
    server = Server(srv)
    server.start()
    cap_c = capture(cns, cif)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "connect" and len(words) in (2, 3):
            nbytes = int(words[2]) if len(words) == 3 else 0
            print(connect(cns, server, cap_c, cap_s, words[1], port,
                          nbytes), flush=True)
        else:
            print(f"fail unknown command {line.strip()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
