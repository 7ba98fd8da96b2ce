# SPDX-License-Identifier: GPL-2.0
"""TCP connections between two namespaces, with the handshake and the wire
measured.

  probe [--echo] [--reset] [--port PORT] CLIENT_NS[:IF] SERVER_NS[:IF]
        [WIRE_NS[:IF]]

One process serves, captures and connects: process start-up is what costs
most under emulation.  It listens on PORT (default 8000, IPv4 and IPv6) in
SERVER_NS, reads each connection to its end and answers with the count of
bytes it read, or with --echo sends every byte back as it comes.  It
captures what arrives on IF of CLIENT_NS and of SERVER_NS, and in WIRE_NS
on IF (every interface if IF is not given); prints "ready", then reads
commands, one a line:

  run SECONDS BYTES TARGET...
      one connection from CLIENT_NS to each TARGET, all at once, each
      sending BYTES (and with --echo waiting for them to come back) within
      SECONDS; then it is closed, or reset if it did not get that far or
      with --reset (as a client that gives up does: no FIN exchange on the
      wire or in the counters).  A TARGET is ADDR[,IFACE,OUTER]: IFACE and
      OUTER name the packets in WIRE_NS that carry ADDR's traffic (OUTER
      an address, or "mpls" for every MPLS frame).  One answer line per
      TARGET, in order.

  mtu NS ADDR...
      the path MTU toward each ADDR of a UDP socket in NS that may not
      fragment (IP_MTU or IPV6_MTU of a connected socket), after sending a
      datagram of that size, as often as the MTU then shrinks (a tunnel
      over IPsec learns its smaller MTU from its first large packet).  One
      line: the MTUs in order.

  encap NS
      keeps a UDP socket on port 4500 in NS with UDP_ENCAP_ESPINUDP, as an
      IKE daemon does for NAT-T; answers "ok".

  quit

The answer to run is a status, then KEY=VALUE words, always the same keys
in the same order, "-" for what was not seen or not asked:

  ok | stall | fail:REASON
                every byte got there (and back, with --echo) | not within
                SECONDS | no connection
  addr=ADDR     the target
  secs=S        seconds from the connect to the last byte (or to giving up)
  got=N         bytes the server read
  echoed=N      bytes that came back to the client (--echo)
  syn=MSS       MSS option of the SYN as it reached IF of SERVER_NS (inside
                IPIP if it came encapsulated); without IF, as the server's
                socket got it (TCP_SAVED_SYN)
  synack=MSS    MSS option of the SYN-ACK as it reached IF of CLIENT_NS
  csum=BOOL     "true" when the TCP checksums of both were right
  ipip=N        packets of the client's that reached IF of SERVER_NS inside
                IPIP
  plain=N       packets of the client's that reached it as they were
  tunmax=N      the largest of the IPIP ones, outer IP header included
  tunsrc=ADDR   their outer source address
  icmp=N        ICMP fragmentation-needed about the connection that reached
                IF of CLIENT_NS
  icmpmtu=N     the next-hop MTU the last of them announced
  watched=N     packets of the server's side of the connection that
                reached WIRE_NS
  inner=N       the largest IP packet to ADDR that arrived in WIRE_NS
  outer=N       the largest packet on IFACE to OUTER (for MPLS the label
                stack and what it carries) that arrived in WIRE_NS
  frags=N       how many of those were IP fragments
  lost=N        packets the captures lost during the run (the figures
                above are only complete when it is 0)

An MSS is written as in the option, comma-separated if there were several.
"""
import argparse
import os
import select
import socket
import struct
import sys
import threading
import time

from .capture import capture, drops
from .inet import (ETH_P_IP, ETH_P_IPV6, ETH_P_MPLS_UC, canonical,
                   family_of, ip_split, l3_of, mss_of, ntop, tcp_of, u16)
from .ns import enter

TCP_SAVE_SYN = 27
TCP_SAVED_SYN = 28
IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_MTU = 10, 2, 14
IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, IPV6_MTU, IPV6_DONTFRAG = 23, 2, 24, 62
UDP_ENCAP, UDP_ENCAP_ESPINUDP = 100, 2

KEYS = ("addr", "secs", "got", "echoed", "syn", "synack", "csum", "ipip",
        "plain", "tunmax", "tunsrc", "icmp", "icmpmtu", "watched", "inner",
        "outer", "frags", "lost")


def plain_addr(addr):
    return addr[7:] if addr.startswith("::ffff:") else addr


def saved_syn_mss(conn):
    try:
        hdr = conn.getsockopt(socket.IPPROTO_TCP, TCP_SAVED_SYN, 512)
    except OSError:
        return "-"
    if not hdr:
        return "-"
    tcp = hdr[(hdr[0] & 0xF) * 4 if hdr[0] >> 4 == 4 else 40:]
    return mss_of(tcp) if len(tcp) >= 20 else "-"


class Server:
    """Connections on port in this namespace, by (server address, client
    port): {"syn": MSS of the saved SYN, "got": bytes read}."""

    def __init__(self, port, echo):
        srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        srv.setsockopt(socket.IPPROTO_TCP, TCP_SAVE_SYN, 1)
        srv.bind(("::", port))
        srv.listen(128)
        self.srv, self.echo = srv, echo
        self.lock = threading.Lock()
        self.conns = {}
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            conn, peer = self.srv.accept()
            key = (plain_addr(conn.getsockname()[0]), peer[1])
            with self.lock:
                self.conns[key] = {"syn": saved_syn_mss(conn), "got": 0}
            threading.Thread(target=self.serve, args=(conn, key),
                             daemon=True).start()

    def serve(self, conn, key):
        conn.settimeout(120)
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.conns[key]["got"] += len(data)
                if self.echo:
                    conn.sendall(data)
            if not self.echo:
                conn.sendall(b"%d\n" % self.conns[key]["got"])
        except OSError:
            pass
        conn.close()


class Watcher:
    """Reads the captures in a thread of its own and keeps, by (server
    address, client port), what the answer to run reports."""

    def __init__(self, port, client, server, wire, quiet):
        self.port, self.quiet = port, quiet
        self.role = {client: self.on_client}
        if server:
            self.role[server] = self.on_server
        if wire:
            self.role[wire] = self.on_wire
        self.lock = threading.Lock()
        self.conns = {}
        self.wire = {}          # (ifname, dst) -> [largest, fragments]
        self.idle = threading.Event()
        threading.Thread(target=self.loop, daemon=True).start()

    def settle(self):
        """Waits until the captures have nothing left to read."""
        self.idle.clear()
        self.idle.wait(60)

    def reset(self):
        with self.lock:
            self.conns.clear()
            self.wire.clear()

    def lost(self):
        return sum(drops(s) for s in self.role)

    def conn(self, addr, cport):
        return self.conns.setdefault((addr, cport), {
            "syn": None, "synack": None, "ipip": 0, "plain": 0,
            "tunmax": None, "tunsrc": None, "icmp": 0, "icmpmtu": None,
            "watched": 0})

    def loop(self):
        socks = list(self.role)
        while True:
            ready = select.select(socks, [], [], self.quiet)[0]
            if not ready:
                self.idle.set()
            for s in ready:
                while True:
                    try:
                        frame, addr = s.recvfrom(65535)
                    except BlockingIOError:
                        break
                    etype, pkt = l3_of(frame, addr)
                    with self.lock:
                        try:
                            self.role[s](etype, pkt, addr[0])
                        except (IndexError, struct.error):
                            pass    # cut short: not one of ours

    def on_client(self, etype, pkt, _):
        t = tcp_of(pkt)
        if t and t[2] == self.port and t[4] & 0x12 == 0x12:
            c = self.conn(t[0], t[3])
            if c["synack"] is None:
                c["synack"] = t[5:7]
            return
        ip = ip_split(pkt)
        if etype != ETH_P_IP or not ip or ip[0] != 1 or len(ip[3]) < 36 or \
                ip[3][:2] != b"\x03\x04":
            return
        quoted = ip[3][8:]
        qihl = (quoted[0] & 0xF) * 4
        if quoted[9] == 6 and len(quoted) >= qihl + 4 and \
                u16(quoted, qihl + 2) == self.port:
            c = self.conn(ntop(quoted[16:20]), u16(quoted, qihl))
            c["icmp"] += 1
            c["icmpmtu"] = u16(ip[3], 6)

    def on_server(self, etype, pkt, _):
        ip = ip_split(pkt)
        if not ip:
            return
        tunnel = etype == ETH_P_IP and ip[0] == 4
        t = tcp_of(ip[3] if tunnel else pkt)
        if not t or t[3] != self.port:
            return
        c = self.conn(t[1], t[2])
        if tunnel:
            c["ipip"] += 1
            c["tunsrc"] = ntop(ip[1])
            c["tunmax"] = max(c["tunmax"] or 0, len(pkt))
        else:
            c["plain"] += 1
        if t[4] & 0x12 == 0x02 and c["syn"] is None:
            c["syn"] = t[5:7]

    def on_wire(self, etype, pkt, ifname):
        if etype == ETH_P_MPLS_UC:
            w = self.wire.setdefault((ifname, "mpls"), [0, 0])
            w[0] = max(w[0], len(pkt))
            return
        if etype not in (ETH_P_IP, ETH_P_IPV6):
            return
        if etype == ETH_P_IP and len(pkt) >= 20:
            dst, length = ntop(pkt[16:20]), u16(pkt, 2)
            frag = u16(pkt, 6) & 0x3FFF != 0
        elif etype == ETH_P_IPV6 and len(pkt) >= 40:
            dst, length = ntop(pkt[24:40]), 40 + u16(pkt, 4)
            frag = pkt[6] == 44
        else:
            return
        w = self.wire.setdefault((ifname, dst), [0, 0])
        w[0] = max(w[0], length)
        w[1] += frag
        t = None if frag else tcp_of(pkt)
        if t and t[2] == self.port:
            self.conn(t[0], t[3])["watched"] += 1


class Probe:
    def __init__(self, a):
        self.echo, self.reset, self.port = a.echo, a.reset, a.port
        self.client_ns, client_if = (a.client.split(":") + [None])[:2]
        server_ns, server_if = (a.server.split(":") + [None])[:2]
        enter(server_ns)
        self.server = Server(a.port, a.echo)
        server_cap = capture(server_if) if server_if else None
        self.saved_syn = server_cap is None
        self.wired = bool(a.wire)
        wire_cap = None
        if a.wire:
            wire_ns, wire_if = (a.wire.split(":") + [None])[:2]
            enter(wire_ns)
            wire_cap = capture(wire_if)
        enter(self.client_ns)
        client_cap = capture(client_if)
        # The figures of the wire need every frame: wait longer for the
        # last ones there.
        self.watch = Watcher(a.port, client_cap, server_cap, wire_cap,
                             0.2 if wire_cap else 0.05)
        self.keep = []

    def transfer(self, sock, addr, nbytes, seconds, r):
        start = time.monotonic()
        deadline = start + seconds
        sock.settimeout(seconds)
        try:
            sock.connect((addr, self.port))
        except OSError as e:
            r["status"] = "fail:connect:" + str(e).replace(" ", "_")
            r["secs"] = f"{time.monotonic() - start:.2f}"
            sock.close()
            return
        r["cport"] = sock.getsockname()[1]
        r["status"] = "stall"
        try:
            sock.sendall(os.urandom(nbytes))
            if self.echo:
                r["echoed"] = 0
                while r["echoed"] < nbytes:
                    sock.settimeout(max(deadline - time.monotonic(), 0.01))
                    data = sock.recv(65536)
                    if not data:
                        break
                    r["echoed"] += len(data)
                ok = r["echoed"] == nbytes
            else:
                sock.shutdown(socket.SHUT_WR)
                answer = b""
                while not answer.endswith(b"\n"):
                    sock.settimeout(max(deadline - time.monotonic(), 0.01))
                    data = sock.recv(64)
                    if not data:
                        break
                    answer += data
                ok = answer.strip() == str(nbytes).encode()
            if ok:
                r["status"] = "ok"
        except socket.timeout:
            pass
        except OSError as e:
            r["status"] = "fail:" + str(e).replace(" ", "_")
        finally:
            r["secs"] = f"{time.monotonic() - start:.2f}"
            if self.reset or r["status"] != "ok":
                # Not an orphan retransmitting into a tunnel either.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
            sock.close()

    def run(self, seconds, nbytes, targets):
        self.watch.settle()
        self.watch.lost()
        self.watch.reset()
        with self.server.lock:
            self.server.conns.clear()
        enter(self.client_ns)
        jobs = []
        for target in targets:
            addr, ifname, outer = (target.split(",") + [None, None])[:3]
            addr = canonical(addr)
            r = {"status": "fail:no_result", "addr": addr}
            sock = socket.socket(family_of(addr), socket.SOCK_STREAM)
            t = threading.Thread(target=self.transfer, daemon=True,
                                 args=(sock, addr, nbytes, seconds, r))
            t.start()
            jobs.append((t, r, ifname, outer))
        for t, *_ in jobs:
            t.join(seconds + 10)
        self.watch.settle()
        lost = self.watch.lost()
        return "\n".join(self.answer(r, ifname, outer, lost)
                         for _, r, ifname, outer in jobs)

    def answer(self, r, ifname, outer, lost):
        addr = r["addr"]
        key = (addr, r.get("cport"))
        with self.server.lock:
            acc = dict(self.server.conns.get(key, {"syn": "-", "got": 0}))
        w = self.watch
        with w.lock:
            c = dict(w.conns.get(key) or w.conn(*key))
            inner = max((v[0] for (_, dst), v in w.wire.items()
                         if dst == addr), default=None)
            out = w.wire.get((ifname, outer), [None, None]) if ifname \
                else [None, None]
        syn = acc["syn"] if self.saved_syn else \
            c["syn"][0] if c["syn"] else None
        csum = None
        if c["syn"] and c["synack"]:
            csum = str(c["syn"][1] and c["synack"][1]).lower()
        v = {"addr": addr, "secs": r.get("secs"), "got": acc["got"],
             "echoed": r.get("echoed"), "syn": syn,
             "synack": c["synack"][0] if c["synack"] else None,
             "csum": csum, "icmp": c["icmp"], "icmpmtu": c["icmpmtu"],
             "lost": lost}
        if not self.saved_syn:
            v.update({k: c[k] for k in ("ipip", "plain", "tunmax",
                                         "tunsrc")})
        if self.wired:
            v.update({"watched": c["watched"], "inner": inner,
                      "outer": out[0], "frags": out[1]})
        return r["status"] + "".join(
            f" {k}={'-' if v.get(k) is None else v[k]}" for k in KEYS)

    def encap(self, ns):
        enter(ns)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", 4500))
        s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
        self.keep.append(s)
        return "ok"


def path_mtu(addr):
    if ":" in addr:
        fam, hdr = socket.AF_INET6, 48
        opts = [(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO),
                (socket.IPPROTO_IPV6, IPV6_DONTFRAG, 1)]
        get = (socket.IPPROTO_IPV6, IPV6_MTU)
    else:
        fam, hdr = socket.AF_INET, 28
        opts = [(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)]
        get = (socket.IPPROTO_IP, IP_MTU)
    last = mtu = 0
    for _ in range(4):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        for o in opts:
            s.setsockopt(*o)
        try:
            s.connect((addr, 9))
            mtu = s.getsockopt(*get)
            if mtu == last:
                return str(mtu)
            s.send(b"x" * (mtu - hdr))
        except OSError:
            pass
        finally:
            s.close()
        last = mtu
    return str(last)


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--echo", action="store_true")
    ap.add_argument("--reset", action="store_true")
    ap.add_argument("--port", type=int, default=8000)
    ap.add_argument("client")
    ap.add_argument("server")
    ap.add_argument("wire", nargs="?")
    probe = Probe(ap.parse_args())
    print("ready", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        try:
            if words[0] == "run" and len(words) >= 4:
                out = probe.run(float(words[1]), int(words[2]), words[3:])
            elif words[0] == "mtu" and len(words) >= 3:
                enter(words[1])
                out = " ".join(path_mtu(a) for a in words[2:])
            elif words[0] == "encap" and len(words) == 2:
                out = probe.encap(words[1])
            else:
                out = "fail unknown command " + line.strip()
        except (OSError, ValueError) as e:
            out = "fail " + str(e)
        print(out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
