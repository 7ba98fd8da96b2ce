#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP echo between two namespaces, with what crossed the links on the way.

  tunprobe.py CLIENT_NS CLIENT_IF SERVER_NS SERVER_IF [WATCH_NS WATCH_IF]

For paths through an IPIP tunnel (an IPVS director in tunnel mode, say),
where the server's side sees the client's packets encapsulated and its
answers may take another way back.  One process, because process start-up
is what costs most under emulation.  It serves TCP echo on port 8000
(IPv4, every address) in SERVER_NS, captures what arrives on CLIENT_IF,
SERVER_IF and WATCH_IF, prints "ready", then reads commands:

  echo ADDR BYTES SECONDS   from CLIENT_NS, connect to ADDR port 8000, send
                            BYTES and wait at most SECONDS (from the start
                            of the connect) for all of them to come back;
                            then reset the connection
  quit

and answers each with one line, a status and KEY=VALUE words:

  ok | stall | fail     every byte came back | not in time | no connection
  secs=S        seconds from the connect to the last byte back, or to
                giving up
  echoed=N      bytes that came back to the client
  served=N      bytes the server's socket read
  synack=MSS    MSS option of the SYN-ACK as it reached CLIENT_IF
  syn=MSS       MSS option of the SYN as it reached SERVER_IF, inside IPIP
                if it came encapsulated
  ipip=N        packets of the client's that reached SERVER_IF inside IPIP
  plain=N       packets of the client's that reached SERVER_IF as they were
  outer=N       the largest of the IPIP ones, outer IP header included
  tunsrc=ADDR   outer source address of the IPIP ones
  icmp=N        ICMP fragmentation-needed about the connection that reached
                CLIENT_IF
  icmpmtu=N     the next-hop MTU the last of them announced
  watched=N     packets from the server's side of the connection (source
                port 8000) that reached WATCH_IF

A value that was not seen is "-".
"""
import os
import select
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nsprobe import enter  # noqa: E402

ETH_P_ALL = 0x0003
PORT = 8000




def capture(ns, ifname):
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.bind((ifname, 0))
    s.setblocking(False)
    return s


def frames(sock, wait):
    """The frames that arrived on sock, waiting up to wait s for more."""
    out = []
    while True:
        while True:
            try:
                frame, addr = sock.recvfrom(65535)
            except BlockingIOError:
                break
            if addr[2] != socket.PACKET_OUTGOING:
                out.append(frame)
        if wait <= 0 or not select.select([sock], [], [], wait)[0]:
            return out


def mss_of(seg):
    doff = (seg[12] >> 4) * 4
    i = 20
    while i < min(doff, len(seg)):
        kind = seg[i]
        if kind == 0:
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= len(seg) or seg[i + 1] < 2:
            break
        if kind == 2 and seg[i + 1] == 4 and i + 4 <= len(seg):
            return str(struct.unpack("!H", seg[i + 2:i + 4])[0])
        i += seg[i + 1]
    return "-"


def ipv4(frame):
    """The IPv4 packet in an Ethernet frame, or None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    return frame[14:]


def split(pkt):
    """(protocol, source, payload) of an IPv4 packet."""
    ihl = (pkt[0] & 0xF) * 4
    end = struct.unpack("!H", pkt[2:4])[0]
    return pkt[9], socket.inet_ntoa(pkt[12:16]), pkt[ihl:end]


class Server(threading.Thread):
    """Echo, one thread per connection; bytes read by client port."""

    def __init__(self, srv):
        super().__init__(daemon=True)
        self.srv = srv
        self.served = {}

    def run(self):
        while True:
            conn, peer = self.srv.accept()
            self.served[peer[1]] = 0
            threading.Thread(target=self.echo, args=(conn, peer[1]),
                             daemon=True).start()

    def echo(self, conn, port):
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                self.served[port] += len(data)
                conn.sendall(data)
        except OSError:
            pass
        conn.close()


class Probe:
    def __init__(self, cns, cif, sns, sif, wns, wif):
        self.cap_s = capture(sns, sif)
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("0.0.0.0", PORT))
        srv.listen(64)
        self.server = Server(srv)
        self.server.start()
        self.cap_w = capture(wns, wif) if wns else None
        self.cap_c = capture(cns, cif)
        self.cns = cns

    def caps(self):
        return [c for c in (self.cap_c, self.cap_s, self.cap_w) if c]

    def echo(self, addr, nbytes, seconds):
        for c in self.caps():
            frames(c, 0)
        enter(self.cns)
        r = {"secs": "-", "echoed": 0, "served": "-"}
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        start = time.monotonic()
        deadline = start + seconds
        lport = None
        status = "stall"
        try:
            c.settimeout(seconds)
            c.connect((addr, PORT))
            lport = c.getsockname()[1]
            c.sendall(os.urandom(nbytes))
            while r["echoed"] < nbytes:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                c.settimeout(left)
                data = c.recv(65536)
                if not data:
                    break
                r["echoed"] += len(data)
            if r["echoed"] == nbytes:
                status = "ok"
        except socket.timeout:
            pass
        except OSError as e:
            status = "fail"
            r["error"] = str(e).replace(" ", "_")
        r["secs"] = f"{time.monotonic() - start:.2f}"
        if lport is None:
            lport = c.getsockname()[1]
        if lport in self.server.served:
            r["served"] = self.server.served[lport]
        c.close()
        r.update(self.watch(lport))
        return status + "".join(f" {k}={v}" for k, v in r.items())

    def watch(self, lport):
        r = {"synack": "-", "syn": "-", "ipip": 0, "plain": 0, "outer": "-",
             "tunsrc": "-", "icmp": 0, "icmpmtu": "-"}
        for pkt in filter(None, map(ipv4, frames(self.cap_c, 0.1))):
            proto, _, seg = split(pkt)
            if proto == 6 and len(seg) >= 20:
                sport, dport = struct.unpack("!HH", seg[:4])
                if (sport, dport) == (PORT, lport) and \
                        seg[13] & 0x12 == 0x12 and r["synack"] == "-":
                    r["synack"] = mss_of(seg)
            elif proto == 1 and len(seg) >= 36 and seg[0:2] == b"\x03\x04":
                quoted = seg[8:]
                qihl = (quoted[0] & 0xF) * 4
                if quoted[9] == 6 and len(quoted) >= qihl + 4 and \
                        struct.unpack("!HH", quoted[qihl:qihl + 4]) == \
                        (lport, PORT):
                    r["icmp"] += 1
                    r["icmpmtu"] = struct.unpack("!H", seg[6:8])[0]
        for pkt in filter(None, map(ipv4, frames(self.cap_s, 0.05))):
            proto, src, seg = split(pkt)
            outer = len(pkt)
            tunnel = proto == 4 and len(seg) >= 20
            if tunnel:
                proto, _, seg = split(seg)
            if proto != 6 or len(seg) < 20 or \
                    struct.unpack("!HH", seg[:4]) != (lport, PORT):
                continue
            if tunnel:
                r["ipip"] += 1
                r["tunsrc"] = src
                if r["outer"] == "-" or outer > r["outer"]:
                    r["outer"] = outer
            else:
                r["plain"] += 1
            if seg[13] & 0x12 == 0x02 and r["syn"] == "-":
                r["syn"] = mss_of(seg)
        if self.cap_w:
            r["watched"] = 0
            for pkt in filter(None, map(ipv4, frames(self.cap_w, 0.05))):
                proto, _, seg = split(pkt)
                if proto == 6 and len(seg) >= 20 and \
                        struct.unpack("!HH", seg[:4]) == (PORT, lport):
                    r["watched"] += 1
        return r


def main(argv):
    if len(argv) not in (5, 7):
        print(__doc__, file=sys.stderr)
        return 2
    wns, wif = argv[5:7] if len(argv) == 7 else (None, None)
    probe = Probe(argv[1], argv[2], argv[3], argv[4], wns, wif)
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "echo" and len(words) == 4:
            print(probe.echo(words[1], int(words[2]), float(words[3])),
                  flush=True)
        else:
            print(f"fail unknown command {line.strip()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
