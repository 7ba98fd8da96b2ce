# SPDX-License-Identifier: GPL-2.0
"""UDP, ICMP too-big messages and floods for tests/netns/too_big.sh.

One process does all the traffic of a test, moving between namespaces with
setns(2) (a socket stays in the namespace it was created in): process
start-up is what costs most under emulation.  Each command prints one JSON
object per address or case, on one line.

  toobig pmtu CLIENT_NS SERVER_NS [--count N] [--size BYTES] [--learn]
               ADDR[,dont]...
      a UDP receiver on ADDR (port 4000) in SERVER_NS; in CLIENT_NS a
      connected UDP socket with IP_PMTUDISC_DO / IPV6_PMTUDISC_DO (with
      ",dont", IPv4 only: IP_PMTUDISC_DONT, no DF) sends N rounds of one
      datagram of BYTES (default 1500, IP header included) and one small
      datagram.  With --learn it then waits for the path MTU of the socket
      (IP_MTU, IPV6_MTU) to fall below BYTES and sends N datagrams of that
      size (not with ",dont").  Keys: addr, df, mtu_before, big_sent,
      emsgsize, small_sent, mtu_after, learned_size, learned_sent, and
      what SERVER_NS received: big_recv, small_recv, learned_recv.

  toobig repair CLIENT_NS FAR_NS IFACE DST,MTU...
      for each case, a UDP socket in CLIENT_NS connected to DST (port 9)
      and, from FAR_NS, an ICMP fragmentation-needed (IPv4) or ICMPv6
      packet-too-big sent to the client, with MTU in its MTU field, quoting
      a 1500-byte packet of that socket's flow.  What arrives on IFACE of
      CLIENT_NS is captured.  Keys: dst, sent_mtu, seen_mtu (null if
      nothing arrived), csum_ok (the ICMP checksum verifies), same_rest
      (the ICMP message is as sent but for the MTU field and the checksum),
      ip_mtu (the socket's path MTU afterwards).

  toobig flood CLIENT_NS ROUTER_NS SERVER_NS COUNT DST,ROUTER...
      for each DST, COUNT frames of 1500-byte UDP datagrams (DF for IPv4)
      to DST port 9, built once and sent through an AF_PACKET socket on
      veth0 of CLIENT_NS to veth0 of ROUTER_NS, with a small datagram to
      DST port 7 after every 1000 (received in SERVER_NS: forwarding goes
      on during the flood); a TCP connection from the client to DST port 8
      before (it resolves the neighbours) and after the flood, and an echo
      request to ROUTER (an address of the router) after it.  The ICMP
      too-big messages arriving at the client are counted by an AF_PACKET
      socket.  Keys: dst, sent, elapsed (seconds from the first frame sent
      to the last), elapsed_ms (the same, rounded up), pps, icmp,
      icmp_mtus (the MTUs they carried, joined by "/"), capture_drops,
      probes_sent, probes_recv, tcp_before_ms, tcp_after_ms, ping_ms (null
      on failure).

  toobig craft CLIENT_NS ROUTER_NS SERVER_NS KIND,DST,SIZE...
      each packet (see craft.crafted() for the kinds) sent from veth0 of
      CLIENT_NS to veth0 of ROUTER_NS through an AF_PACKET socket, 20 ms
      apart; what arrives on veth0 of SERVER_NS and the too-big messages
      that come back to the client are captured.  Keys: case (as given),
      forwarded (it reached the server's link), too_big (the MTU of the
      too-big message quoting it, or null).
"""
import errno
import json
import math
import os
import socket
import struct
import time

from . import tool
from .capture import (SO_RCVBUFFORCE, capture, drops, eth, frames, hwaddr,
                      packet_tx, source_of, toward_router)
from .craft import crafted, udp_packet
from .inet import (ETH_P_IP, ETH_P_IPV6, checksum, family_of, icmp_csum_ok,
                   icmp_of, too_big_of)
from .ns import enter

IP_MTU_DISCOVER = 10
IP_PMTUDISC_DONT = 0
IP_PMTUDISC_DO = 2
IP_MTU = 14
IPV6_MTU_DISCOVER = 23
IPV6_PMTUDISC_DO = 2
IPV6_MTU = 24

PMTU_PORT = 4000
TIMEOUT = 5.0


def mtu_opt(fam):
    if fam == socket.AF_INET6:
        return socket.IPPROTO_IPV6, IPV6_MTU
    return socket.IPPROTO_IP, IP_MTU


def pmtu_discover_do(s, fam):
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)
    else:
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)


def send_counted(s, data, res):
    """Send; an EMSGSIZE (the too-big message reported to the socket, or
    a datagram over the path MTU) is counted.  True when sent."""
    try:
        s.send(data)
        return True
    except OSError as e:
        if e.errno != errno.EMSGSIZE:
            raise
        res["emsgsize"] += 1
        return False


def cmd_pmtu(args):
    count, size, learn, words = 5, 1500, False, []
    while args:
        word = args.pop(0)
        if word == "--count":
            count = int(args.pop(0))
        elif word == "--size":
            size = int(args.pop(0))
        elif word == "--learn":
            learn = True
        elif word.startswith("--"):
            raise SystemExit(f"unknown option {word}")
        else:
            words.append(word)
    cns, sns, addrs = words[0], words[1], words[2:]
    for spec in addrs:
        addr, _, mode = spec.partition(",")
        df = mode != "dont"
        fam = family_of(addr)
        hdr = 48 if fam == socket.AF_INET6 else 28
        enter(sns)
        rx = socket.socket(fam, socket.SOCK_DGRAM)
        rx.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        rx.bind((addr, PMTU_PORT))
        rx.setblocking(False)
        enter(cns)
        tx = socket.socket(fam, socket.SOCK_DGRAM)
        if df:
            pmtu_discover_do(tx, fam)
        else:
            tx.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
        tx.connect((addr, PMTU_PORT))
        res = {"addr": addr, "df": df,
               "mtu_before": tx.getsockopt(*mtu_opt(fam)),
               "big_sent": 0, "emsgsize": 0, "small_sent": 0,
               "big_recv": 0, "small_recv": 0, "mtu_after": None,
               "learned_size": None, "learned_sent": 0, "learned_recv": 0}
        big = b"B" * (size - hdr)
        small = b"s" * 64
        for _ in range(count):
            if send_counted(tx, big, res):
                res["big_sent"] += 1
            # A too-big message may be reported on this send: once more.
            if send_counted(tx, small, res) or send_counted(tx, small, res):
                res["small_sent"] += 1
            time.sleep(0.05)
        mtu = tx.getsockopt(*mtu_opt(fam))
        end = time.monotonic() + (3 if learn and df else 0)
        while mtu >= size and time.monotonic() < end:
            time.sleep(0.05)
            mtu = tx.getsockopt(*mtu_opt(fam))
        res["mtu_after"] = mtu
        if learn and df and mtu < size:
            res["learned_size"] = mtu
            learned = b"L" * (mtu - hdr)
            for _ in range(count):
                if send_counted(tx, learned, res) or \
                        send_counted(tx, learned, res):
                    res["learned_sent"] += 1
        def done():
            return res["small_recv"] >= res["small_sent"] and \
                res["learned_recv"] >= res["learned_sent"] and \
                (df or res["big_recv"] >= res["big_sent"])
        for data in frames(rx, 0.5, done=done):
            if data == big:
                res["big_recv"] += 1
            elif data == small:
                res["small_recv"] += 1
            elif data[:1] == b"L":
                res["learned_recv"] += 1
        print(json.dumps(res), flush=True)
        tx.close()
        rx.close()
    return 0


def quoted_packet(src, dst, sport, dport):
    """The first 128 bytes of a 1500-byte UDP packet of a flow, as a router
    one hop further would have received it."""
    return udp_packet(src, dst, sport, dport, 1500, ttl=63)[:128]


def cmd_repair(args):
    cns, fns, ifname, cases = args[0], args[1], args[2], args[3:]
    enter(cns)
    cap = capture(ifname)
    sent = []
    for case in cases:
        dst, mtu = case.split(",")
        mtu = int(mtu)
        fam = family_of(dst)
        enter(cns)
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.connect((dst, 9))
        src, sport = u.getsockname()[:2]
        quote = quoted_packet(src, dst, sport, 9)
        enter(fns)
        if fam == socket.AF_INET6:
            raw = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
            # The kernel fills in the checksum of ICMPv6 raw sockets.
            msg = struct.pack("!BBHI", 2, 0, 0, mtu) + quote
        else:
            raw = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMP)
            msg = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + quote
            msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
        raw.sendto(msg, (src, 0))
        raw.close()
        sent.append({"dst": dst, "sent_mtu": mtu, "msg": msg, "sock": u,
                     "fam": fam, "seen": None})
    for frame in frames(cap, 0.5,
                        done=lambda: all(s["seen"] for s in sent)):
        icmp = icmp_of(frame)
        if not icmp:
            continue
        fam, src, dst, msg = icmp
        tb = too_big_of(fam, msg)
        if not tb:
            continue
        for s in sent:
            if s["dst"] == tb[1] and s["seen"] is None:
                s["seen"] = (tb[0], icmp_csum_ok(fam, src, dst, msg),
                             msg[:2] + msg[8:] == s["msg"][:2] + s["msg"][8:]
                             and (fam == 6 or msg[4:6] == b"\0\0"))
                break
    time.sleep(0.1)
    for s in sent:
        seen = s["seen"] or (None, None, None)
        print(json.dumps({"dst": s["dst"], "sent_mtu": s["sent_mtu"],
                          "seen_mtu": seen[0], "csum_ok": seen[1],
                          "same_rest": seen[2],
                          "ip_mtu": s["sock"].getsockopt(
                              *mtu_opt(s["fam"]))}), flush=True)
    return 0


def tcp_probe(cns, sns, dst, port):
    """Milliseconds a TCP connection from the client and one byte each way
    take, or None."""
    enter(sns)
    fam = family_of(dst)
    srv = socket.socket(fam, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((dst, port))
    srv.listen(1)
    srv.settimeout(TIMEOUT)
    enter(cns)
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.settimeout(TIMEOUT)
    start = time.monotonic()
    try:
        c.connect((dst, port))
        conn, _ = srv.accept()
        conn.settimeout(TIMEOUT)
        c.sendall(b"?")
        if conn.recv(1) != b"?":
            return None
        conn.sendall(b"!")
        if c.recv(1) != b"!":
            return None
        conn.close()
    except OSError:
        return None
    finally:
        c.close()
        srv.close()
    return round((time.monotonic() - start) * 1000, 1)


def ping(cns, addr):
    """Milliseconds an echo request from the client to addr takes to be
    answered, or None."""
    enter(cns)
    fam = family_of(addr)
    if fam == socket.AF_INET6:
        s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        req, reply = 128, 129
    else:
        s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        req, reply = 8, 0
    ident = os.getpid() & 0xFFFF
    msg = struct.pack("!BBHHH", req, 0, 0, ident, 1) + b"pmtufix"
    if fam == socket.AF_INET:
        msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
    start = time.monotonic()
    s.sendto(msg, (addr, 0))
    s.settimeout(0.2)
    while time.monotonic() < start + TIMEOUT:
        try:
            data = s.recv(65535)
        except socket.timeout:
            continue
        if fam == socket.AF_INET:
            data = data[(data[0] & 0xF) * 4:]
        if len(data) >= 8 and data[0] == reply and \
                struct.unpack("!H", data[4:6])[0] == ident:
            s.close()
            return round((time.monotonic() - start) * 1000, 1)
    s.close()
    return None


def cmd_flood(args):
    cns, rns, sns, count, dsts = args[0], args[1], args[2], int(args[3]), \
        args[4:]
    enter(rns)
    rmac = hwaddr("veth0")
    for case in dsts:
        dst, router = case.split(",")
        fam = family_of(dst)
        enter(sns)
        probe = socket.socket(fam, socket.SOCK_DGRAM)
        probe.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)
        probe.bind((dst, 7))
        probe.setblocking(False)
        enter(cns)
        src = source_of(dst)
        res = {"dst": dst, "tcp_before_ms": tcp_probe(cns, sns, dst, 8)}
        enter(cns)
        tx = packet_tx("veth0")
        hdr = eth(rmac, tx, dst)
        big = hdr + udp_packet(src, dst, 40000, 9, 1500)
        small = hdr + udp_packet(src, dst, 40000, 7, 100)
        cap = capture("veth0")
        send = tx.send
        probes = 0
        start = time.monotonic()
        for i in range(count):
            send(big)
            if i % 1000 == 999:
                send(small)
                probes += 1
        elapsed = time.monotonic() - start
        res.update({"sent": count, "elapsed": round(elapsed, 3),
                    "elapsed_ms": math.ceil(elapsed * 1000),
                    "pps": round(count / elapsed)})
        icmp, mtus = 0, set()
        for frame in frames(cap, 0.5, 30):
            m = icmp_of(frame)
            tb = m and too_big_of(m[0], m[3])
            if tb and tb[1] == dst:
                icmp += 1
                mtus.add(tb[0])
        got = [0]
        for _ in frames(probe, 0.2, done=lambda: got[0] >= probes):
            got[0] += 1
        res.update({"icmp": icmp,
                    "icmp_mtus": "/".join(map(str, sorted(mtus))),
                    "capture_drops": drops(cap),
                    "probes_sent": probes, "probes_recv": got[0]})
        res["tcp_after_ms"] = tcp_probe(cns, sns, dst, 8)
        res["ping_ms"] = ping(cns, router)
        print(json.dumps(res), flush=True)
        cap.close()
        tx.close()
        probe.close()
    return 0


def tag_of(pkt):
    """The tag crafted() put in an IP packet."""
    if pkt[0] >> 4 == 4:
        return struct.unpack("!H", pkt[4:6])[0]
    return struct.unpack("!I", pkt[:4])[0] & 0xFFFFF


def cmd_craft(args):
    cns, rns, sns, cases = args[0], args[1], args[2], args[3:]
    rmac, tx, cap_s = toward_router(cns, rns, sns, bypass=False)
    cap_c = capture("veth0")
    res = {}
    for n, case in enumerate(cases, 1):
        kind, dst, size = case.split(",")
        tag = 0x5000 + n
        tx.send(eth(rmac, tx, dst) +
                crafted(kind, source_of(dst), dst, int(size), tag))
        res[tag] = {"case": case, "forwarded": False, "too_big": None}
        time.sleep(0.02)
    for frame in frames(cap_s, 0.5):
        if len(frame) > 14 and struct.unpack("!H", frame[12:14])[0] in \
                (ETH_P_IP, ETH_P_IPV6):
            r = res.get(tag_of(frame[14:]))
            if r:
                r["forwarded"] = True
    for frame in frames(cap_c, 0.2):
        icmp = icmp_of(frame)
        if not icmp or not too_big_of(icmp[0], icmp[3]):
            continue
        r = res.get(tag_of(icmp[3][8:]))
        if r:
            r["too_big"] = too_big_of(icmp[0], icmp[3])[0]
    for r in res.values():
        print(json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    tool.run(__doc__, {"pmtu": cmd_pmtu, "repair": cmd_repair,
                       "flood": cmd_flood, "craft": cmd_craft})
