# SPDX-License-Identifier: GPL-2.0
"""One table through the module and as `pmtufix nft' (tests/netns/nft.sh).

  nftdiff table SEED N FILE

A table file of N random nested prefixes of 172.16.0.0/12 and fd10::/16,
each with an MTU of its own or the table's, some behind layers, and a
floor4 that some entries fall under.

  nftdiff send CLIENT_NS ROUTER_NS SERVER_NS FILE SEED

From veth0 of CLIENT_NS through the router to veth0 of SERVER_NS: for
addresses at both ends of the file's prefixes, just outside them, at
random inside and outside every prefix, a SYN to the address and a SYN-ACK
from it, each once with MSS 9000 and once with MSS 1000 (which no entry
raises).  Prints one JSON object: "kind address mss-sent" -> the MSS seen
behind the router (null: not forwarded).

  nftdiff compare A B

Prints the keys where the two runs differ, and a summary; exits 1 if any.
"""
import ipaddress
import json
import random
import socket
import struct

from . import tool
from .capture import eth, frames, toward_router
from .craft import tcp_checksum
from .delta import rand_prefix
from .inet import checksum

NET4 = ipaddress.ip_network("172.16.0.0/12")
NET6 = ipaddress.ip_network("fd10::/16")
OUT4 = ipaddress.ip_network("198.18.0.0/16")
OUT6 = ipaddress.ip_network("fd20::/16")
CLIENT = {4: "10.0.1.2", 6: "fd00:1::2"}
SERVER = {4: "10.0.2.2", 6: "fd00:2::2"}
LAYERS = ["", "", "ipip", "gre key", "esp tunnel aes-gcm", "vxlan",
          "pppoe esp transport aes-cbc hmac-sha256 natt", "ip6ip6", "mpls 2"]


def table(args):
    seed, n, path = int(args[0]), int(args[1]), args[2]
    # Written here, read by pmtufix and by send below.
    rng = random.Random(seed)
    anchors = {4: [NET4.network_address + rng.randrange(NET4.num_addresses)
                   for _ in range(24)],
               6: [NET6.network_address + rng.randrange(NET6.num_addresses)
                   for _ in range(12)]}
    seen = set()
    lines = ["set mtu 1500 floor4 1300 floor6 1220"]
    while len(seen) < n:
        six = rng.random() < 0.35
        p = rand_prefix(rng, NET6 if six else NET4, anchors[6 if six else 4])
        if p in seen:
            continue
        seen.add(p)
        words = [str(p)]
        if rng.random() < 0.7:
            words += ["mtu", str(rng.randint(1280, 1500))]
        layers = rng.choice(LAYERS)
        if layers:
            words.append(layers)
        lines.append(" ".join(words))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


def prefixes(path):
    out = []
    for line in open(path):
        w = line.split()
        if w and w[0] not in ("set", "#"):
            out.append(ipaddress.ip_network(w[0]))
    return out


def addresses(path, rng):
    out = set()
    for p in prefixes(path):
        for a in (p.network_address, p.broadcast_address):
            out.add(a)
            for d in (-1, 1):
                try:
                    out.add(a + d)
                except ValueError:
                    pass
        out.add(p.network_address + rng.randrange(p.num_addresses))
    for net in (NET4, NET6, OUT4, OUT6):
        for _ in range(24):
            out.add(net.network_address + rng.randrange(net.num_addresses))
    return sorted((a for a in out if any(a in n for n in
                                         (NET4, NET6, OUT4, OUT6))), key=str)


def segment(src, dst, sport, flags, mss):
    tcp = struct.pack("!HHIIBBHHH", sport, 80, 0x01020304,
                      0x0A0B0C0D if flags & 0x10 else 0, 6 << 4, flags,
                      64240, 0, 0) + struct.pack("!BBH", 2, 4, mss)
    if ":" in src:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, 64,
                         socket.inet_pton(socket.AF_INET6, src),
                         socket.inet_pton(socket.AF_INET6, dst))
    else:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000,
                         64, 6, 0, socket.inet_aton(src),
                         socket.inet_aton(dst))
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return tcp_checksum(ip + tcp)


def seen(frame):
    """(source port, MSS) of a captured TCP segment with SYN, or None."""
    etype = struct.unpack_from("!H", frame, 12)[0]
    pkt = frame[14:]
    if etype == 0x0800 and len(pkt) >= 20 and pkt[9] == 6:
        tcp = pkt[(pkt[0] & 15) * 4:]
    elif etype == 0x86DD and len(pkt) >= 40 and pkt[6] == 6:
        tcp = pkt[40:]
    else:
        return None
    if len(tcp) < 24 or not tcp[13] & 0x02 or tcp[20:22] != b"\x02\x04":
        return None
    return struct.unpack_from("!H", tcp, 0)[0], \
        struct.unpack_from("!H", tcp, 22)[0]


def send(args):
    cns, rns, sns, path, seed = args
    rng = random.Random(int(seed))
    rmac, tx, cap = toward_router(cns, rns, sns)
    sent, sport = {}, 1024
    for a in addresses(path, rng):
        fam = a.version
        for kind in ("syn", "synack"):
            for mss in (9000, 1000):
                sport += 1
                if kind == "syn":
                    src, dst, flags = CLIENT[fam], str(a), 0x02
                else:
                    src, dst, flags = str(a), SERVER[fam], 0x12
                tx.send(eth(rmac, tx, dst) + segment(src, dst, sport, flags,
                                                     mss))
                sent[sport] = f"{kind} {a} {mss}"
    got = {}
    for f in frames(cap, 0.5, limit=60.0, done=lambda: len(got) >= len(sent)):
        s = seen(f)
        if s and s[0] in sent:
            got[s[0]] = s[1]
    print(json.dumps({key: got.get(port) for port, key in sent.items()}))
    return 0


def compare(args):
    a, b = (json.load(open(p)) for p in args)
    bad = [k for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    for k in bad[:20]:
        print(json.dumps({"differs": k, "module": a.get(k), "nft": b.get(k)}))
    lowered = sum(1 for k in a if a[k] is not None and
                  a[k] < int(k.rsplit(" ", 1)[1]))
    print(json.dumps({"packets": len(a), "lowered": lowered,
                      "forwarded": sum(v is not None for v in a.values()),
                      "differ": len(bad)}))
    return 1 if bad else 0


if __name__ == "__main__":
    tool.run(__doc__, {"table": table, "send": send, "compare": compare})
