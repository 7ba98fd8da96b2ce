# SPDX-License-Identifier: GPL-2.0
"""Traffic and netlink clients for tests/netns/hardening.sh.

As in toobig, one process does the work of a test, moving between
namespaces with setns(2) (a socket stays in the namespace it was created
in).  Each command prints one JSON object per line.

  hardening stall NS
      a NETLINK_GENERIC socket in NS asks nlctrl to resolve the "pmtufix"
      family again and again, 10 ms apart, recording each round trip;
      prints "ready" once the first has been answered, then reads one line
      "stop T0 T1" (milliseconds since the epoch) on standard input.  Keys:
      samples (requests made), inside (requests in flight at some time
      between T0 and T1), worst_ms (the longest of those), worst_at_ms
      (when it was sent, from T0), median_ms.

  hardening dumpintr NS COUNT
      creates COUNT tables in NS, then for each of the dumps of every
      table (TABLE_GET, STATS_GET): starts the dump on a socket that
      receives into 4096 bytes (so the dump comes in several parts),
      creates one more table through a second socket once the first part
      has been read, and reads the rest.  Keys: dump, parts, messages,
      tables (as many as the dump named), intr_parts (the parts, counted
      from 1, that carry NLM_F_DUMP_INTR).

  hardening fair A_NS B_NS ROUTER_NS A_RIF B_RIF SECONDS DST...
      from veth0 of A_NS, 1500-byte UDP datagrams (DF for IPv4) to each
      DST in turn, as fast as an AF_PACKET socket sends them, for SECONDS,
      to the router's interface A_RIF; meanwhile, from veth0 of B_NS to
      B_RIF, three such datagrams to each DST, 100 ms apart, from
      SECONDS / 4 on, each from a source port of its own, sent from the
      other CPU.  The too-big messages arriving at A and B are counted.
      Keys: dst, a_sent, elapsed, pps, a_icmp, a_mtus, b_sent, b_answered
      (B's datagrams a too-big message quoted), b_mtus, a_drops, b_drops
      (capture drops).

  hardening frag6 CLIENT_NS ROUTER_NS SERVER_NS DST
      one IPv6 fragment that is not the first (offset 1480, next header
      TCP) from veth0 of CLIENT_NS to veth0 of ROUTER_NS; what arrives on
      veth0 of SERVER_NS is captured.  Keys: dst, forwarded, same (the
      packet as sent but for the hop limit, one less), hlim_sent,
      hlim_seen.

  hardening swap CLIENT_NS ROUTER_NS TABLE COUNT CHANGES DST
      TCP SYNs to DST from veth0 of CLIENT_NS to veth0 of ROUTER_NS, as
      fast as an AF_PACKET socket sends them, while a thread on the other
      CPU adds 10.99.0.0/24 to TABLE of ROUTER_NS and deletes it again,
      over and over; the SYNs go on until at least COUNT were sent and the
      table changed at least CHANGES times (or a minute passed).  Keys:
      sent, elapsed, pps, changes (table changes made while sending).

  hardening mdsyn A_NS B_NS PEER ADDR...
      a TCP connection attempt from A_NS to each ADDR (port 8000), given
      up once its SYN has arrived in B_NS (before any retransmission); raw
      sockets in B_NS see what is delivered there.  Then an echo request
      from A_NS to PEER.  Keys: addr, seen (whether the SYN arrived), mss
      (its MSS option on arrival, after PREROUTING), ping_ms (the echo's
      round trip, null without an answer).
"""
import json
import os
import select
import socket
import statistics
import struct
import sys
import threading
import time

from . import tool
from .capture import (capture, drops, eth, frames, hwaddr, packet_tx,
                      source_of, toward_router)
from .craft import syn4, udp_packet
from .genl import (CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, NLM_F_DUMP,
                   NLM_F_DUMP_INTR, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR,
                   Genl, attr, get_str, nest, parse_attrs, strz, u8, u16, u32,
                   uapi)
from .inet import (ETH_P_IPV6, family_of, icmp_of, ip6_header, mss_of,
                   too_big_of)
from .ns import enter
from .toobig import ping

P = uapi()


def pin(cpu):
    """Keeps the calling thread on one CPU, when there is more than one:
    a sender then fills only its own CPU's backlog queue."""
    if os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {cpu % os.cpu_count()})


def cmd_stall(args):
    enter(args[0])
    g = Genl("nlctrl")
    req = attr(CTRL_ATTR_FAMILY_NAME, strz("pmtufix"))
    samples = []
    ready = False
    while True:
        if ready:
            r, _, _ = select.select([sys.stdin], [], [], 0.01)
            if r:
                break
        wall = time.time() * 1000
        start = time.monotonic()
        g.request(CTRL_CMD_GETFAMILY, req)
        rtt = (time.monotonic() - start) * 1000
        samples.append((wall, wall + rtt, rtt))
        if not ready:
            print("ready", flush=True)
            ready = True
    words = sys.stdin.readline().split()
    t0, t1 = float(words[1]), float(words[2])
    inside = [s for s in samples if s[0] < t1 and s[1] > t0]
    worst = max(inside, key=lambda s: s[2]) if inside else None
    print(json.dumps({
        "samples": len(samples), "inside": len(inside),
        "worst_ms": round(worst[2], 1) if worst else None,
        "worst_at_ms": round(worst[0] - t0) if worst else None,
        "median_ms": round(statistics.median(s[2] for s in inside), 1)
        if inside else None}), flush=True)
    return 0


def table_new(g, name):
    g.request(P["PMTUFIX_CMD_TABLE_NEW"], attr(P["PMTUFIX_A_TABLE"],
                                                strz(name)))


def cmd_dumpintr(args):
    enter(args[0])
    count = int(args[1])
    g = Genl("pmtufix")
    for i in range(count):
        table_new(g, f"d{i:04d}")
    for n, cmd in enumerate(("TABLE_GET", "STATS_GET")):
        # A socket that has never received into more than 4096 bytes: the
        # kernel then fills a dump part up to about that much.
        d = Genl(g.family, bufsize=4096)
        seq = d.send(P[f"PMTUFIX_CMD_{cmd}"],
                     flags=NLM_F_REQUEST | NLM_F_DUMP)
        parts, intr, messages, tables, done = 0, [], 0, set(), False
        while not done:
            msgs = [m for m in d.recv() if m[2] == seq]
            if not msgs:
                continue
            parts += 1
            if any(m[1] & NLM_F_DUMP_INTR for m in msgs):
                intr.append(parts)
            for mtype, _, _, payload in msgs:
                if mtype == NLMSG_ERROR:
                    Genl.error_of(0, payload)
                    done = True
                elif mtype == NLMSG_DONE:
                    done = True
                else:
                    messages += 1
                    tables.add(get_str(parse_attrs(payload[4:]),
                                       P["PMTUFIX_A_TABLE"]))
            if parts == 1:
                table_new(g, f"x{n}")
        d.close()
        print(json.dumps({"dump": cmd, "parts": parts, "messages": messages,
                          "tables": len(tables), "intr_parts": intr}),
              flush=True)
    return 0


def quoted_of(fam, msg):
    """(quoted destination, quoted UDP source port) of a too-big message."""
    q = msg[8:]
    if fam == 4:
        ihl = (q[0] & 0xF) * 4
        return (socket.inet_ntop(socket.AF_INET, q[16:20]),
                struct.unpack("!H", q[ihl:ihl + 2])[0])
    return (socket.inet_ntop(socket.AF_INET6, q[24:40]),
            struct.unpack("!H", q[40:42])[0])


def cmd_fair(args):
    a_ns, b_ns, r_ns, a_rif, b_rif = args[:5]
    seconds = float(args[5])
    dsts = args[6:]
    enter(r_ns)
    a_rmac, b_rmac = hwaddr(a_rif), hwaddr(b_rif)

    enter(a_ns)
    a_tx = packet_tx("veth0")
    a_cap = capture("veth0")
    a_frames = [eth(a_rmac, a_tx, d) +
                udp_packet(source_of(d), d, 40000, 9, 1500) for d in dsts]
    enter(b_ns)
    b_tx = packet_tx("veth0")
    b_cap = capture("veth0")
    b_frames = [(d, 41000 + k, eth(b_rmac, b_tx, d) +
                 udp_packet(source_of(d), d, 41000 + k, 9, 1500))
                for k in range(3) for d in dsts]

    res = {d: {"dst": d, "a_sent": 0, "a_icmp": 0, "a_mtus": set(),
               "b_sent": 0, "b_answered": set(), "b_mtus": set()}
           for d in dsts}
    start = time.monotonic()

    def b_sender():
        pin(1)
        for i, (d, sport, frame) in enumerate(b_frames):
            when = start + seconds / 4 + 0.1 * (i // len(dsts))
            time.sleep(max(0.0, when - time.monotonic()))
            b_tx.send(frame)
            res[d]["b_sent"] += 1

    pin(0)
    b = threading.Thread(target=b_sender)
    b.start()
    send = a_tx.send
    rounds = 0
    while True:
        for frame in a_frames:
            send(frame)
        rounds += 1
        if not rounds & 63 and time.monotonic() - start >= seconds:
            break
    elapsed = time.monotonic() - start
    b.join()

    for frame in frames(a_cap, 0.5):
        m = icmp_of(frame)
        tb = m and too_big_of(m[0], m[3])
        if tb and tb[1] in res:
            res[tb[1]]["a_icmp"] += 1
            res[tb[1]]["a_mtus"].add(tb[0])
    for frame in frames(b_cap, 0.5):
        m = icmp_of(frame)
        tb = m and too_big_of(m[0], m[3])
        if tb and tb[1] in res:
            res[tb[1]]["b_answered"].add(quoted_of(m[0], m[3])[1])
            res[tb[1]]["b_mtus"].add(tb[0])
    for d in dsts:
        r = res[d]
        r.update({"a_sent": rounds, "elapsed": round(elapsed, 3),
                  "pps": round(rounds / elapsed),
                  "a_mtus": "/".join(map(str, sorted(r["a_mtus"]))),
                  "b_answered": len(r["b_answered"]),
                  "b_mtus": "/".join(map(str, sorted(r["b_mtus"]))),
                  "a_drops": drops(a_cap),
                  "b_drops": drops(b_cap)})
        print(json.dumps(r), flush=True)
    return 0


def cmd_frag6(args):
    cns, rns, sns, dst = args
    rmac, tx, cap = toward_router(cns, rns, sns)
    ident = 0x5EED0001
    payload = bytes((i * 7) & 0xFF for i in range(64))
    # Offset 185 (x 8 = 1480 bytes), no more fragments, next header TCP.
    frag = struct.pack("!BBHI", 6, 0, 185 << 3, ident)
    pkt = ip6_header(source_of(dst), dst, len(frag) + len(payload), 44) + \
        frag + payload
    tx.send(eth(rmac, tx, dst) + pkt)
    res = {"dst": dst, "forwarded": False, "same": False,
           "hlim_sent": pkt[7], "hlim_seen": None}
    for frame in frames(cap, 0.5, done=lambda: res["forwarded"]):
        got = frame[14:]
        if struct.unpack("!H", frame[12:14])[0] != ETH_P_IPV6 or \
                len(got) < 48 or got[6] != 44 or \
                struct.unpack("!I", got[44:48])[0] != ident:
            continue
        res["forwarded"] = True
        res["hlim_seen"] = got[7]
        res["same"] = got[:7] == pkt[:7] and got[8:] == pkt[8:] and \
            got[7] == pkt[7] - 1
    print(json.dumps(res), flush=True)
    return 0


def entry4(prefix, mtu=None):
    addr, plen = prefix.split("/")
    a = [attr(P["PMTUFIX_ENTRY_A_FAMILY"], u16(socket.AF_INET)),
         attr(P["PMTUFIX_ENTRY_A_ADDR"],
              socket.inet_pton(socket.AF_INET, addr)),
         attr(P["PMTUFIX_ENTRY_A_PLEN"], u8(int(plen)))]
    if mtu:
        a.append(attr(P["PMTUFIX_ENTRY_A_MTU"], u32(mtu)))
    return nest(P["PMTUFIX_A_ENTRY"], *a)


def cmd_swap(args):
    cns, rns, table, dst = args[0], args[1], args[2], args[5]
    count, min_changes = int(args[3]), int(args[4])
    enter(rns)
    rmac = hwaddr("veth0")
    g = Genl("pmtufix")
    name = attr(P["PMTUFIX_A_TABLE"], strz(table))
    add = name + nest(P["PMTUFIX_A_ENTRIES"], entry4("10.99.0.0/24", 1300))
    delete = name + nest(P["PMTUFIX_A_ENTRIES"], entry4("10.99.0.0/24"))
    enter(cns)
    tx = packet_tx("veth0")
    frame = eth(rmac, tx, dst) + syn4(source_of(dst), dst, 40000, 9)

    stop = threading.Event()
    changes = [0]

    def churn():
        pin(1)
        while not stop.is_set():
            g.request(P["PMTUFIX_CMD_ENTRY_ADD"], add)
            g.request(P["PMTUFIX_CMD_ENTRY_DEL"], delete)
            changes[0] += 2

    pin(0)
    t = threading.Thread(target=churn)
    t.start()
    send = tx.send
    sent = 0
    start = time.monotonic()
    while sent < count or changes[0] < min_changes:
        for _ in range(256):
            send(frame)
        sent += 256
        if time.monotonic() - start > 60:
            break
    elapsed = time.monotonic() - start
    stop.set()
    t.join()
    print(json.dumps({"sent": sent, "elapsed": round(elapsed, 3),
                      "pps": round(sent / elapsed),
                      "changes": changes[0]}), flush=True)
    return 0


def tcp_syn_of(fam, data):
    """(sport, dport, MSS) of a SYN as a raw socket of the family gets it
    (IPv4 with its IP header, IPv6 without), or None."""
    if fam == socket.AF_INET:
        data = data[(data[0] & 0xF) * 4:]
    if len(data) < 20 or data[13] & 0x12 != 0x02:
        return None
    sport, dport = struct.unpack("!HH", data[:4])
    return sport, dport, mss_of(data[:(data[12] >> 4) * 4])


def cmd_mdsyn(args):
    a_ns, b_ns, peer, addrs = args[0], args[1], args[2], args[3:]
    enter(b_ns)
    raw = {}
    for fam in (socket.AF_INET, socket.AF_INET6):
        raw[fam] = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP)
        raw[fam].setblocking(False)
    enter(a_ns)
    for addr in addrs:
        fam = family_of(addr)
        c = socket.socket(fam, socket.SOCK_STREAM)
        c.setblocking(False)
        c.connect_ex((addr, 8000))
        sport = c.getsockname()[1]
        res = {"addr": addr, "seen": False, "mss": None}
        # The first retransmission comes a second later: give up before.
        for data in frames(raw[fam], 0.05, 0.8, done=lambda: res["seen"]):
            syn = tcp_syn_of(fam, data)
            if syn and syn[:2] == (sport, 8000):
                res.update({"seen": True, "mss": syn[2]})
        c.close()
        res["ping_ms"] = ping(a_ns, peer)
        print(json.dumps(res), flush=True)
    return 0


if __name__ == "__main__":
    tool.run(__doc__, {"stall": cmd_stall, "dumpintr": cmd_dumpintr,
                       "fair": cmd_fair, "frag6": cmd_frag6, "swap": cmd_swap,
                       "mdsyn": cmd_mdsyn})
