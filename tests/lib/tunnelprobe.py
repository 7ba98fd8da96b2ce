#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP transfers through tunnels, with the handshake and the wire measured.

  tunnelprobe.py CLIENT_NS CLIENT_IF SERVER_NS WIRE_NS [PORT]

One process for what a tunnel scenario measures, since process start-up is
what costs most under emulation.  It serves TCP on PORT (default 8080, IPv4
and IPv6) in SERVER_NS and keeps each connection's SYN as the server's
socket got it (TCP_SAVE_SYN); watches the SYN-ACKs arriving on CLIENT_IF;
records every packet arriving in WIRE_NS, on any interface; prints "ready",
then reads commands, one a line:

  run SECONDS BYTES TARGET...
      one connection from CLIENT_NS to each TARGET, all at once, each
      sending BYTES and waiting at most SECONDS for the server to count
      them.  A TARGET is ADDR[,IFACE,OUTER]: IFACE and OUTER name the
      packets in WIRE_NS that carry ADDR's traffic (OUTER an address, or
      "mpls" for every MPLS frame).  One answer line per TARGET, in order:

        ADDR STATUS SYN SYNACK GOT INNER OUTER FRAGS LOST

      STATUS   ok (the server got every byte), stall (connected, but not
               every byte within SECONDS) or fail:REASON
      SYN      the MSS option of the SYN as the server's socket saw it
      SYNACK   the MSS option of the SYN-ACK as it reached CLIENT_IF
      GOT      the bytes the server received
      INNER    the largest IP packet to ADDR that arrived in WIRE_NS
      OUTER    the largest packet on IFACE to OUTER (for MPLS the label
               stack and what it carries) that arrived in WIRE_NS
      FRAGS    how many of those were IP fragments
      LOST     how many packets the captures lost during the run (the
               figures above are only complete when it is 0)
      ("-" for what was not seen or not asked)

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
"""
import os
import select
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nsprobe import enter, mss_of, tcp_of  # noqa: E402

ETH_P_ALL = 0x0003
SOL_PACKET, PACKET_STATISTICS = 263, 6
SO_RCVBUFFORCE = 33
ARPHRD_ETHER = 1
TCP_SAVE_SYN = 27
TCP_SAVED_SYN = 28
IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_MTU = 10, 2, 14
IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, IPV6_MTU, IPV6_DONTFRAG = 23, 2, 24, 62
UDP_ENCAP, UDP_ENCAP_ESPINUDP = 100, 2

lock = threading.Lock()
accepted = {}   # (server addr, client port) -> {"syn": MSS, "got": bytes}
synacks = {}    # (server addr, client port) -> MSS
wire = {}       # (ifname, dst) -> [largest, fragments]
keep = []       # sockets that must stay open
idle = threading.Event()    # the captures have nothing left to read


def plain(addr):
    return addr[7:] if addr.startswith("::ffff:") else addr


def saved_syn_mss(conn):
    try:
        hdr = conn.getsockopt(socket.IPPROTO_TCP, TCP_SAVED_SYN, 512)
    except OSError:
        return "-"
    if not hdr:
        return "-"
    off = (hdr[0] & 0xF) * 4 if hdr[0] >> 4 == 4 else 40
    tcp = hdr[off:]
    if len(tcp) < 20:
        return "-"
    return mss_of(tcp[:(tcp[12] >> 4) * 4])


def serve_one(conn, key):
    with lock:
        accepted[key] = {"syn": saved_syn_mss(conn), "got": 0}
    conn.settimeout(120)
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            with lock:
                accepted[key]["got"] += len(data)
        conn.sendall(b"%d\n" % accepted[key]["got"])
    except OSError:
        pass
    conn.close()


def serve(srv):
    while True:
        conn, peer = srv.accept()
        key = (plain(conn.getsockname()[0]), peer[1])
        threading.Thread(target=serve_one, args=(conn, key),
                         daemon=True).start()


def ip_of(frame, addr):
    """(dst, length, fragment) of an IP frame, ("mpls", length, False) of
    an MPLS one, or None.  Frames of devices without a link-layer header
    (ipip, gre, wireguard...) start with the IP header."""
    if addr[3] == ARPHRD_ETHER:
        ethertype = struct.unpack("!H", frame[12:14])[0]
        pkt = frame[14:]
    else:
        ethertype, pkt = addr[1], frame
    if ethertype == 0x0800 and len(pkt) >= 20:
        frag = struct.unpack("!H", pkt[6:8])[0] & 0x3FFF != 0
        return (socket.inet_ntop(socket.AF_INET, pkt[16:20]),
                struct.unpack("!H", pkt[2:4])[0], frag)
    if ethertype == 0x86DD and len(pkt) >= 40:
        return (socket.inet_ntop(socket.AF_INET6, pkt[24:40]),
                40 + struct.unpack("!H", pkt[4:6])[0], pkt[6] == 44)
    if ethertype == 0x8847:
        return ("mpls", len(pkt), False)
    return None


def src_of(frame):
    if frame[12:14] == b"\x08\x00":
        return socket.inet_ntop(socket.AF_INET, frame[26:30])
    return socket.inet_ntop(socket.AF_INET6, frame[22:38])


def watch(client_cap, wire_cap):
    socks = [client_cap, wire_cap]
    while True:
        ready = select.select(socks, [], [], 0.2)[0]
        if not ready:
            idle.set()
        for s in ready:
            while True:
                try:
                    frame, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == socket.PACKET_OUTGOING or len(frame) < 20:
                    continue
                if s is client_cap:
                    t = tcp_of(frame)
                    if t and t[2] & 0x12 == 0x12:
                        with lock:
                            synacks[(src_of(frame), t[1])] = t[3]
                    continue
                ip = ip_of(frame, addr)
                if not ip:
                    continue
                with lock:
                    w = wire.setdefault((addr[0], ip[0]), [0, 0])
                    w[0] = max(w[0], ip[1])
                    w[1] += ip[2]


def packet_socket(ns, ifname=None):
    enter(ns)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 26)
    if ifname:
        s.bind((ifname, 0))
    s.setblocking(False)
    return s


def transfer(sock, addr, port, nbytes, seconds, result):
    deadline = time.monotonic() + seconds
    sock.settimeout(seconds)
    try:
        sock.connect((addr, port))
    except OSError as e:
        result["status"] = "fail:connect:" + str(e).replace(" ", "_")
        return
    result["port"] = sock.getsockname()[1]
    result["status"] = "stall"
    try:
        sock.sendall(os.urandom(nbytes))
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while not answer.endswith(b"\n"):
            sock.settimeout(max(deadline - time.monotonic(), 0.01))
            data = sock.recv(64)
            if not data:
                break
            answer += data
        if answer.strip() == str(nbytes).encode():
            result["status"] = "ok"
    except socket.timeout:
        pass
    except OSError as e:
        result["status"] = "fail:" + str(e).replace(" ", "_")
    finally:
        # Reset rather than leave an orphan retransmitting in the tunnel.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
        sock.close()


def lost(caps):
    """Packets the captures dropped since the last call."""
    return sum(struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS,
                                                8))[1] for s in caps)


def run(client_ns, caps, port, seconds, nbytes, targets):
    idle.clear()
    idle.wait(30)
    lost(caps)
    with lock:
        wire.clear()
    enter(client_ns)
    jobs = []
    for target in targets:
        addr, ifname, outer = (target.split(",") + [None, None])[:3]
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        result = {"status": "fail:no_result"}
        t = threading.Thread(target=transfer, daemon=True,
                             args=(socket.socket(fam, socket.SOCK_STREAM),
                                   addr, port, nbytes, seconds, result))
        t.start()
        jobs.append((addr, ifname, outer, t, result))
    for *_, t, _ in jobs:
        t.join(seconds + 10)
    # Every frame of the transfers read and counted.
    idle.clear()
    idle.wait(60)
    dropped = lost(caps)
    lines = []
    for addr, ifname, outer, _, r in jobs:
        key = (addr, r.get("port"))
        with lock:
            acc = accepted.get(key, {"syn": "-", "got": 0})
            inner = max((w[0] for (_, dst), w in wire.items()
                         if dst == addr), default="-")
            out = wire.get((ifname, outer), ["-", "-"]) if ifname \
                else ["-", "-"]
            lines.append(" ".join(str(x) for x in (
                addr, r["status"], acc["syn"], synacks.get(key, "-"),
                acc["got"], inner, out[0], out[1], dropped)))
    return "\n".join(lines)


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


def encap(ns):
    enter(ns)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", 4500))
    s.setsockopt(socket.IPPROTO_UDP, UDP_ENCAP, UDP_ENCAP_ESPINUDP)
    keep.append(s)
    return "ok"


def main(argv):
    if len(argv) not in (5, 6):
        print(__doc__, file=sys.stderr)
        return 2
    client_ns, client_if, server_ns, wire_ns = argv[1:5]
    port = int(argv[5]) if len(argv) == 6 else 8080

    enter(server_ns)
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.setsockopt(socket.IPPROTO_TCP, TCP_SAVE_SYN, 1)
    srv.bind(("::", port))
    srv.listen(128)
    threading.Thread(target=serve, args=(srv,), daemon=True).start()
    caps = (packet_socket(client_ns, client_if), packet_socket(wire_ns))
    threading.Thread(target=watch, args=caps, daemon=True).start()
    print("ready", flush=True)

    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        try:
            if words[0] == "run" and len(words) >= 4:
                out = run(client_ns, caps, port, float(words[1]),
                          int(words[2]), words[3:])
            elif words[0] == "mtu" and len(words) >= 3:
                enter(words[1])
                out = " ".join(path_mtu(a) for a in words[2:])
            elif words[0] == "encap" and len(words) == 2:
                out = encap(words[1])
            else:
                out = "fail unknown command " + line.strip()
        except OSError as e:
            out = "fail " + str(e)
        print(out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
