# SPDX-License-Identifier: GPL-2.0
"""Tables changed entry by entry, against a model (tests/netns/delta.sh).

  delta run CLIENT_NS ROUTER_NS SERVER_NS TABLE SEED ROUNDS

TABLE in ROUTER_NS gets nested random prefixes of 172.16.0.0/12 and
fd10::/16, each with its own MTU, loaded whole (the router routes these,
and 198.18.0.0/16 and fd20::/16 which no entry covers, to the server).  Each round then changes
it through the family's requests, the way operators do between loads:
entries added (new prefixes, and deleted ones again), deleted (so
addresses fall back to the prefix around them) and replaced, with now and
then a change of settings, an addition too large for a delta, or a whole
load, which make a new base.  The model follows: the longest live prefix
of an address gives its MSS (MTU - 40 for IPv4, - 60 for IPv6), and an
entry's hits go on when it is replaced or the table is rebuilt around it,
and start at 0 when its prefix is added again.

After each round, SYNs with an MSS of 1460 go from veth0 of CLIENT_NS
through the router (whose PMTUFIX rule looks up the destination) to
addresses at both ends of live and deleted prefixes and at random; the
MSS each carries on veth0 of SERVER_NS must be the model's, and every
entry of the dump must be the model's, hits included.  Prints one JSON
line per round (ops, kinds of change, SYNs checked) and one per mismatch;
exits 1 on any mismatch.

  delta time NS TABLE PREFIX MTU COUNT

COUNT times, one request adding PREFIX (with MTU) to TABLE in NS and one
deleting it, each timed from the request to its answer, in one process
(no command start).  Prints add_ms and del_ms, the lists of times.
"""
import ipaddress
import json
import random
import socket
import struct
import time

from . import tool
from .capture import capture, eth, frames, toward_router
from .craft import syn4, tcp_checksum
from .genl import (NLA_TYPE_MASK, Genl, attr, get_u64, nest, parse_attrs,
                   strz, u8, u16, u32, uapi)
from .ns import enter

P = uapi()
NET4 = ipaddress.ip_network("172.16.0.0/12")
NET6 = ipaddress.ip_network("fd10::/16")
OUT4 = ipaddress.ip_network("198.18.0.0/16")
OUT6 = ipaddress.ip_network("fd20::/16")
SRC4, SRC6 = "10.0.1.2", "fd00:1::2"
SYN_MSS = 1460
# Past PMTUFIX_DELTA_MAX in one request: the change makes a new base.
BIG_ADD = 1100


def rand_prefix(rng, net, anchors):
    """A prefix near one of a few anchors, so that prefixes nest."""
    width = net.max_prefixlen
    a = int(rng.choice(anchors))
    plen = rng.choice([net.prefixlen + 2, width // 2, width // 2 + 4,
                       width - 8, width - 4, width - 1, width,
                       rng.randint(net.prefixlen + 1, width)])
    if rng.random() < 0.6:
        k = rng.randint(max(net.prefixlen, plen - 6), plen - 1)
        a ^= 1 << (width - 1 - k)
    return ipaddress.ip_network((a, plen), strict=False)


def mss_of(pfx, mtu):
    return mtu - (40 if pfx.version == 4 else 60)


class Model:
    def __init__(self):
        self.mtu = {}   # prefix -> MTU
        self.hits = {}  # prefix -> hits

    def lookup(self, addr):
        best = None
        for plen in range(addr.max_prefixlen, -1, -1):
            p = ipaddress.ip_network((int(addr), plen), strict=False)
            if p in self.mtu:
                best = p
                break
        return best


def entry_attr(pfx, mtu=None):
    fam = socket.AF_INET if pfx.version == 4 else socket.AF_INET6
    a = [attr(P["PMTUFIX_ENTRY_A_FAMILY"], u16(fam)),
         attr(P["PMTUFIX_ENTRY_A_ADDR"], pfx.network_address.packed),
         attr(P["PMTUFIX_ENTRY_A_PLEN"], u8(pfx.prefixlen))]
    if mtu:
        a.append(attr(P["PMTUFIX_ENTRY_A_MTU"], u32(mtu)))
    return nest(P["PMTUFIX_A_ENTRY"], *a)


class Table:
    def __init__(self, g, name):
        self.g = g
        self.name = attr(P["PMTUFIX_A_TABLE"], strz(name))

    def add(self, items, replace=False):
        flags = attr(P["PMTUFIX_A_FLAGS"],
                     u32(P["PMTUFIX_F_REPLACE"])) if replace else b""
        self.g.request(P["PMTUFIX_CMD_ENTRY_ADD"], self.name + flags +
                       nest(P["PMTUFIX_A_ENTRIES"],
                            *(entry_attr(p, m) for p, m in items)))

    def delete(self, prefixes):
        self.g.request(P["PMTUFIX_CMD_ENTRY_DEL"], self.name +
                       nest(P["PMTUFIX_A_ENTRIES"],
                            *(entry_attr(p) for p in prefixes)))

    def load(self, items):
        """A whole load, in messages of up to 800 entries (a nest's
        length is 16 bits)."""
        flag = P["PMTUFIX_LOAD_BEGIN"]
        for i in range(0, len(items), 800):
            if i + 800 >= len(items):
                flag |= P["PMTUFIX_LOAD_COMMIT"]
            self.g.request(P["PMTUFIX_CMD_TABLE_LOAD"], self.name +
                           attr(P["PMTUFIX_A_LOAD"], u32(flag)) +
                           nest(P["PMTUFIX_A_ENTRIES"],
                                *(entry_attr(p, m)
                                  for p, m in items[i:i + 800])))
            flag = 0

    def set_floor(self, floor4):
        self.g.request(P["PMTUFIX_CMD_TABLE_SET"], self.name +
                       attr(P["PMTUFIX_A_FLOOR4"], u32(floor4)))

    def dump(self):
        """{prefix: (mtu, mss, hits)}."""
        out = {}
        for _, m in self.g.dump(P["PMTUFIX_CMD_ENTRY_GET"], self.name):
            data = m.get(P["PMTUFIX_A_ENTRIES"], b"")
            off = 0
            while off + 4 <= len(data):
                alen, atype = struct.unpack_from("=HH", data, off)
                e = parse_attrs(data[off + 4:off + alen])
                off += (alen + 3) & ~3
                # Every attribute of the nest a whole entry: none cut off
                # where a message filled up.
                if (atype & NLA_TYPE_MASK != P["PMTUFIX_A_ENTRY"] or
                        P["PMTUFIX_ENTRY_A_HITS"] not in e):
                    raise ValueError(f"not a whole entry: type {atype}, "
                                     f"attributes {sorted(e)}")
                addr = ipaddress.ip_address(e[P["PMTUFIX_ENTRY_A_ADDR"]])
                pfx = ipaddress.ip_network(
                    (addr, e[P["PMTUFIX_ENTRY_A_PLEN"]][0]))
                mtu = struct.unpack("=I", e[P["PMTUFIX_ENTRY_A_MTU"]])[0]
                mss = struct.unpack("=I", e[P["PMTUFIX_ENTRY_A_MSS"]])[0]
                out[pfx] = (mtu, mss, get_u64(e, P["PMTUFIX_ENTRY_A_HITS"]))
        return out


def syn6(src, dst, sport, dport):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 0x01020304, 0, 6 << 4,
                      0x02, 64240, 0, 0) + struct.pack("!BBH", 2, 4, SYN_MSS)
    ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, 64,
                     socket.inet_pton(socket.AF_INET6, src),
                     socket.inet_pton(socket.AF_INET6, dst))
    return tcp_checksum(ip + tcp)


def seen_syn(frame):
    """(destination, source port, MSS) of a captured TCP SYN, or None."""
    etype = struct.unpack_from("!H", frame, 12)[0]
    pkt = frame[14:]
    if etype == 0x0800 and len(pkt) >= 20 and pkt[9] == 6:
        dst = socket.inet_ntop(socket.AF_INET, pkt[16:20])
        tcp = pkt[(pkt[0] & 15) * 4:]
    elif etype == 0x86DD and len(pkt) >= 40 and pkt[6] == 6:
        dst = socket.inet_ntop(socket.AF_INET6, pkt[24:40])
        tcp = pkt[40:]
    else:
        return None
    if len(tcp) < 20 or not tcp[13] & 0x02:
        return None
    sport = struct.unpack_from("!H", tcp, 0)[0]
    opts, i, mss = tcp[20:(tcp[12] >> 4) * 4], 0, None
    while i < len(opts):
        if opts[i] == 0:
            break
        if opts[i] == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            break
        if opts[i] == 2 and opts[i + 1] == 4:
            mss = struct.unpack_from("!H", opts, i + 2)[0]
        i += opts[i + 1]
    return ipaddress.ip_address(dst), sport, mss


class Run:
    def __init__(self, cns, rns, sns, table, seed):
        self.rng = random.Random(seed)
        self.model = Model()
        self.deleted = set()
        self.bad = 0
        self.sport = 1024
        enter(rns)
        self.t = Table(Genl("pmtufix"), table)
        self.rmac, self.tx, self.cap = toward_router(cns, rns, sns)
        self.anchors4 = [NET4.network_address + self.rng.randrange(
            NET4.num_addresses) for _ in range(48)]
        self.anchors6 = [NET6.network_address + self.rng.randrange(
            NET6.num_addresses) for _ in range(24)]

    def fresh(self, v6=None):
        """A prefix not in the table."""
        while True:
            six = self.rng.random() < 0.3 if v6 is None else v6
            p = rand_prefix(self.rng, NET6 if six else NET4,
                            self.anchors6 if six else self.anchors4)
            if p not in self.model.mtu:
                return p

    def mtu(self):
        return self.rng.randint(1280, 1499)

    def mismatch(self, what, **kw):
        self.bad += 1
        print(json.dumps(dict(mismatch=what, **{k: str(v) for k, v in
                                                 kw.items()})), flush=True)

    def load(self, n):
        items = {}
        while len(items) < n:
            items[self.fresh()] = self.mtu()
        self.do_load(list(items.items()))

    def do_load(self, items):
        self.t.load(items)
        old = self.model.hits
        self.model.mtu = dict(items)
        self.model.hits = {p: old.get(p, 0) for p in self.model.mtu}

    def big_add(self):
        """BIG_ADD /28s anywhere in NET4, in one request."""
        items = {}
        while len(items) < BIG_ADD:
            p = ipaddress.ip_network((int(NET4.network_address) +
                                      (self.rng.randrange(1 << 16) << 4), 28))
            if p not in self.model.mtu:
                items[p] = self.mtu()
        self.t.add(list(items.items()))
        for p, mtu in items.items():
            self.model.mtu[p], self.model.hits[p] = mtu, 0
            self.deleted.discard(p)

    def one_change(self, kind, kinds):
        m = self.model
        live = list(m.mtu)
        if kind in ("add", "readd"):
            if kind == "readd" and self.deleted:
                p = self.rng.choice(sorted(self.deleted, key=str))
            else:
                kind, p = "add", self.fresh()
            mtu = self.mtu()
            self.t.add([(p, mtu)])
            self.deleted.discard(p)
            m.mtu[p], m.hits[p] = mtu, 0
        elif kind == "delete":
            p = self.rng.choice(live)
            self.t.delete([p])
            del m.mtu[p], m.hits[p]
            self.deleted.add(p)
        elif kind == "replace":
            p = self.rng.choice(live)
            m.mtu[p] = self.mtu()
            self.t.add([(p, m.mtu[p])], replace=True)
        elif kind == "set":
            self.t.set_floor(500 + self.rng.randint(0, 36))
        elif kind == "big_add":
            self.big_add()
        else:
            self.do_load(list(m.mtu.items()))
        kinds[kind] += 1

    def change(self, nops, kinds, forced):
        """nops changes of one entry each, then the forced one."""
        for _ in range(nops):
            r = self.rng.random()
            kind = ("add" if r < 0.2 else "readd" if r < 0.33 else
                    "delete" if r < 0.66 else "replace")
            self.one_change(kind, kinds)
        if forced:
            self.one_change(forced, kinds)

    def probes(self):
        """Addresses to send SYNs to: ends of live and deleted prefixes,
        and random ones near the anchors."""
        out = set()
        pfx = list(self.model.mtu) + list(self.deleted)
        self.rng.shuffle(pfx)
        for p in pfx[:150]:
            out.add(p.network_address)
            out.add(p.broadcast_address)
        for a in self.anchors4[:8] + self.anchors6[:4]:
            for _ in range(8):
                out.add(a + self.rng.randrange(-4096, 4096)
                        if a.version == 4 else
                        a + self.rng.randrange(-(1 << 40), 1 << 40))
        # Outside every prefix: the SYN keeps its MSS.
        for _ in range(4):
            out.add(OUT4.network_address + self.rng.randrange(1 << 16))
            out.add(OUT6.network_address + self.rng.randrange(1 << 64))
        return [a for a in out if a in NET4 or a in NET6 or a in OUT4 or
                a in OUT6]

    def send_and_check(self):
        sent = {}
        for a in self.probes():
            self.sport = self.sport + 1 if self.sport < 65000 else 1024
            src = SRC4 if a.version == 4 else SRC6
            pkt = (syn4 if a.version == 4 else syn6)(src, str(a),
                                                      self.sport, 80)
            self.tx.send(eth(self.rmac, self.tx, str(a)) + pkt)
            sent[(a, self.sport)] = self.model.lookup(a)
        seen = {}
        for f in frames(self.cap, 0.5, limit=30.0,
                        done=lambda: len(seen) >= len(sent)):
            s = seen_syn(f)
            if s and (s[0], s[1]) in sent:
                seen[(s[0], s[1])] = s[2]
        for key, p in sent.items():
            want = SYN_MSS if p is None else mss_of(p, self.model.mtu[p])
            if key not in seen:
                self.mismatch("SYN not forwarded", addr=key[0])
            elif seen[key] != want:
                self.mismatch("MSS", addr=key[0], want=want, got=seen[key],
                              prefix=p)
            if p is not None:
                self.model.hits[p] += 1
        return len(sent)

    def check_dump(self):
        got = self.t.dump()
        m = self.model
        if set(got) != set(m.mtu):
            self.mismatch("entries", missing=len(set(m.mtu) - set(got)),
                          extra=len(set(got) - set(m.mtu)),
                          example=sorted(set(m.mtu) ^ set(got), key=str)[:3])
        for p in set(got) & set(m.mtu):
            mtu, mss, hits = got[p]
            if mtu != m.mtu[p] or mss != mss_of(p, m.mtu[p]):
                self.mismatch("entry", prefix=p, want=m.mtu[p], got=mtu,
                              mss=mss)
            if hits != m.hits[p]:
                self.mismatch("hits", prefix=p, want=m.hits[p], got=hits)
        return len(got)


def run(args):
    cns, rns, sns, table, seed, rounds = args
    r = Run(cns, rns, sns, table, int(seed))
    r.load(2000)
    for i in range(int(rounds)):
        kinds = dict.fromkeys(("add", "readd", "delete", "replace", "set",
                               "big_add", "load"), 0)
        if i:
            r.change(60, kinds, (None, "set", "big_add", "load")[i % 4])
        syns = r.send_and_check()
        entries = r.check_dump()
        print(json.dumps(dict(round=i, entries=entries, syns=syns,
                              mismatches=r.bad, **kinds)), flush=True)
    return 1 if r.bad else 0


def timed(args):
    """Wall time of COUNT requests adding PREFIX to TABLE in NS and as many
    deleting it, one request at a time."""
    ns, table, prefix, mtu, count = args
    enter(ns)
    t = Table(Genl("pmtufix"), table)
    p = ipaddress.ip_network(prefix)
    add, delete = [], []
    for _ in range(int(count)):
        t0 = time.monotonic()
        t.add([(p, int(mtu))])
        t1 = time.monotonic()
        t.delete([p])
        t2 = time.monotonic()
        add.append(round((t1 - t0) * 1000, 2))
        delete.append(round((t2 - t1) * 1000, 2))
    print(json.dumps(dict(add_ms=add, del_ms=delete)))
    return 0


if __name__ == "__main__":
    tool.run(__doc__, {"run": run, "time": timed})
