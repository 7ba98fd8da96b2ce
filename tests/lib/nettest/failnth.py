# SPDX-License-Identifier: GPL-2.0
"""Allocation failures injected into the module's netlink requests
(tests/netns/failslab.sh).

Writing N to /proc/thread-self/fail-nth makes the N-th fault-injection
point the thread then reaches fail: a slab or page allocation, with
failslab and fail_page_alloc told not to spare the sleeping ones.  For
each request, N goes 1, 2, 3 ... until the request completes without
reaching its N-th point; every allocation it makes has then failed once.
After each try the tables, read back without faults, must be exactly as
before the request (it failed) or exactly as the request makes them (it
succeeded despite the failure, which a request may only do when the
allocation was optional); in between, the request is undone.

  failnth netlink NS
      runs the requests in NS and prints one JSON object per request:
      op, tries (faults injected), failed (tries that returned an
      error), succeeded, errors ({errno name: count}), bad (tries that
      left the tables in a state that is neither before nor after, with
      the first few described).  Exits 1 if any try was bad.

  failnth netns N
      creates a network namespace in a child with its N-th injection
      point failing, and exits; prints "injected" or "clean", then 0
      (created) or 1 and the error's name (refused).  No exec: a fault in
      an exec past its point of no return kills the process, which says
      nothing of the namespace.

  failnth run N CMD...
      runs CMD with its N-th injection point failing; prints "injected"
      or "clean" (whether the fault was reached), then CMD's exit status.

The scenario aims the faults at the module with failslab's and
fail_page_alloc's stack filter, so that only allocations made with the
module's code on the stack count.
"""
import ctypes
import errno
import json
import os
import socket
import struct
import subprocess
import sys

from . import tool
from .genl import (Genl, NetlinkError, attr, nest, parse_attrs, strz, u8, u16,
                   u32, uapi)
from .ns import CLONE_NEWNET, enter, libc

P = uapi()
COUNTERS = {P[n] for n in ("PMTUFIX_ENTRY_A_HITS", "PMTUFIX_ENTRY_A_CLAMPED",
                           "PMTUFIX_ENTRY_A_PAD",
                           "PMTUFIX_ENTRY_A_TOO_BIG_SENT",
                           "PMTUFIX_ENTRY_A_TOO_BIG_RATELIMITED",
                           "PMTUFIX_ENTRY_A_ICMP_REPAIRED")}
# The most injection points one request may reach before it is called
# endless.
LIMIT = 2000


class FailNth:
    """The calling thread's fail-nth (not seekable: opened for each
    access)."""

    PATH = "/proc/thread-self/fail-nth"

    def _write(self, value):
        fd = os.open(self.PATH, os.O_WRONLY)
        try:
            os.write(fd, value)
        finally:
            os.close(fd)

    def arm(self, n):
        self._write(str(n).encode())

    def disarm(self):
        """Whether the armed fault was injected; disarms it either way."""
        fd = os.open(self.PATH, os.O_RDONLY)
        try:
            left = int(os.read(fd, 32))
        finally:
            os.close(fd)
        self._write(b"0")
        return left == 0


def name_attr(table):
    return attr(P["PMTUFIX_A_TABLE"], strz(table))


def entry(prefix, mtu=None, layers=()):
    addr, plen = prefix.split("/")
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    a = [attr(P["PMTUFIX_ENTRY_A_FAMILY"], u16(fam)),
         attr(P["PMTUFIX_ENTRY_A_ADDR"], socket.inet_pton(fam, addr)),
         attr(P["PMTUFIX_ENTRY_A_PLEN"], u8(int(plen)))]
    if mtu:
        a.append(attr(P["PMTUFIX_ENTRY_A_MTU"], u32(mtu)))
    if layers:
        a.append(nest(P["PMTUFIX_ENTRY_A_LAYERS"], *(
            nest(P["PMTUFIX_A_LAYER"],
                 attr(P["PMTUFIX_LAYER_A_TYPE"], u16(P[t])))
            for t in layers)))
    return nest(P["PMTUFIX_A_ENTRY"], *a)


def entries(*specs):
    return nest(P["PMTUFIX_A_ENTRIES"], *(entry(*s) for s in specs))


# A table's contents: IPv4 and IPv6, nested prefixes, layers.
CONTENT = [("10.1.0.0/16", 1500, ("PMTUFIX_LAYER_IPIP",)),
           ("10.1.2.0/24", 1400, ("PMTUFIX_LAYER_GRE",)),
           ("192.0.2.0/24", 1492, ()),
           ("fd00:1::/48", 1500, ("PMTUFIX_LAYER_IP6IP6",)),
           ("fd00:1:2::/64", 1280, ())]
MORE = [("10.9.%d.0/24" % i, 1400 + i, ("PMTUFIX_LAYER_IPIP",))
        for i in range(40)]
EXTRA = ("10.7.0.0/16", 1450, ("PMTUFIX_LAYER_GRE",))


def nests(data):
    """The payloads of the attributes in data, in order (parse_attrs
    keeps one per type)."""
    out = []
    off = 0
    while off + 4 <= len(data):
        alen = struct.unpack_from("=H", data, off)[0]
        if alen < 4:
            break
        out.append(data[off + 4:off + alen])
        off += (alen + 3) & ~3
    return out


def state(g):
    """Every table, its defaults and its entries without their counters,
    read without faults."""
    out = {}
    for _, a in g.dump(P["PMTUFIX_CMD_TABLE_GET"]):
        name = a[P["PMTUFIX_A_TABLE"]]
        out[name] = {"table": sorted(
            (k, v) for k, v in a.items()
            if k not in (P["PMTUFIX_A_GENERATION"], P["PMTUFIX_A_RULES"]))}
        rows = []
        for _, m in g.dump(P["PMTUFIX_CMD_ENTRY_GET"],
                           attr(P["PMTUFIX_A_TABLE"], name)):
            for e in nests(m.get(P["PMTUFIX_A_ENTRIES"], b"")):
                rows.append(sorted((k, v) for k, v in parse_attrs(e).items()
                                   if k not in COUNTERS))
        out[name]["entries"] = rows
    return out


def load(g, table, content, split=False):
    """TABLE_LOAD of content into table: one message, or BEGIN, a batch
    and COMMIT."""
    name = name_attr(table)
    flags = P["PMTUFIX_A_LOAD"]
    if not split:
        g.request(P["PMTUFIX_CMD_TABLE_LOAD"],
                  name + attr(flags, u32(P["PMTUFIX_LOAD_BEGIN"] |
                                         P["PMTUFIX_LOAD_COMMIT"])) +
                  entries(*content))
        return
    half = len(content) // 2
    g.request(P["PMTUFIX_CMD_TABLE_LOAD"],
              name + attr(flags, u32(P["PMTUFIX_LOAD_BEGIN"])) +
              entries(*content[:half]))
    g.request(P["PMTUFIX_CMD_TABLE_LOAD"],
              name + attr(flags, u32(0)) + entries(*content[half:]))
    g.request(P["PMTUFIX_CMD_TABLE_LOAD"],
              name + attr(flags, u32(P["PMTUFIX_LOAD_COMMIT"])) +
              attr(P["PMTUFIX_A_MTU"], u32(1480)))


def reset(g):
    """The starting point: table "a" with CONTENT, table "b" empty."""
    for _, a in g.dump(P["PMTUFIX_CMD_TABLE_GET"]):
        g.request(P["PMTUFIX_CMD_TABLE_DEL"],
                  attr(P["PMTUFIX_A_TABLE"], a[P["PMTUFIX_A_TABLE"]]))
    for t in ("a", "b"):
        g.request(P["PMTUFIX_CMD_TABLE_NEW"], name_attr(t))
    load(g, "a", CONTENT)


def requests():
    """(name, the request on a socket)."""
    def new(g):
        g.request(P["PMTUFIX_CMD_TABLE_NEW"], name_attr("c") +
                  attr(P["PMTUFIX_A_MTU"], u32(9000)))

    def set_(g):
        g.request(P["PMTUFIX_CMD_TABLE_SET"], name_attr("a") +
                  attr(P["PMTUFIX_A_FLOOR4"], u32(600)))

    def add(g):
        g.request(P["PMTUFIX_CMD_ENTRY_ADD"], name_attr("a") + entries(EXTRA))

    def replace(g):
        g.request(P["PMTUFIX_CMD_ENTRY_ADD"], name_attr("a") +
                  attr(P["PMTUFIX_A_FLAGS"], u32(P["PMTUFIX_F_REPLACE"])) +
                  entries(("10.1.2.0/24", 1300, ("PMTUFIX_LAYER_IPIP",))))

    def delete(g):
        g.request(P["PMTUFIX_CMD_ENTRY_DEL"], name_attr("a") +
                  entries(("10.1.2.0/24",)))

    def destroy(g):
        g.request(P["PMTUFIX_CMD_TABLE_DEL"], name_attr("a"))

    def load_one(g):
        load(g, "b", CONTENT + MORE)

    def swap(g):
        load(g, "a", MORE + [EXTRA])

    def load_split(g):
        load(g, "b", CONTENT + MORE, split=True)

    def lookup(g):
        g.request(P["PMTUFIX_CMD_LOOKUP"], name_attr("a") +
                  attr(P["PMTUFIX_A_ADDR"], socket.inet_pton(
                      socket.AF_INET, "10.1.2.3")))

    def dump_entries(g):
        g.dump(P["PMTUFIX_CMD_ENTRY_GET"], name_attr("a"))

    def dump_stats(g):
        g.dump(P["PMTUFIX_CMD_STATS_GET"])

    return [("table new", new), ("table set", set_), ("entry add", add),
            ("entry replace", replace), ("entry del", delete),
            ("table del", destroy), ("load", load_one), ("swap", swap),
            ("load in three messages", load_split), ("lookup", lookup),
            ("entry dump", dump_entries), ("stats dump", dump_stats)]


def run_one(op, fn, fail):
    """fn under every fault in turn."""
    g = Genl("pmtufix")
    reset(g)
    before = state(g)
    g.close()
    # Unfaulted, on a socket of its own: what success looks like.
    g = Genl("pmtufix")
    fn(g)
    g.close()
    g = Genl("pmtufix")
    after = state(g)
    reset(g)
    result = {"op": op, "tries": 0, "failed": 0, "succeeded": 0,
              "errors": {}, "bad": 0, "why": []}
    for n in range(1, LIMIT + 1):
        # A fresh socket per try: a load abandoned by a failure must not
        # stand in the way of the next.
        s = Genl("pmtufix")
        err = None
        fail.arm(n)
        try:
            fn(s)
        except (NetlinkError, OSError) as e:
            err = e
        injected = fail.disarm()
        s.close()
        if not injected:
            if err is not None:
                result["bad"] += 1
                result["why"].append(f"unfaulted: {err}")
            break
        result["tries"] += 1
        if err is not None:
            result["failed"] += 1
            name = errno.errorcode.get(err.errno, str(err.errno))
            result["errors"][name] = result["errors"].get(name, 0) + 1
        else:
            result["succeeded"] += 1
        now = state(g)
        if now != before and now != after:
            result["bad"] += 1
            if len(result["why"]) < 3:
                result["why"].append(f"fault {n}: tables neither as before "
                                     f"nor as after ({err})")
        if now != before:
            reset(g)
    else:
        result["bad"] += 1
        result["why"].append(f"still faulting after {LIMIT} points")
    g.close()
    return result


def cmd_netlink(args):
    enter(args[0])
    fail = FailNth()
    bad = 0
    for op, fn in requests():
        r = run_one(op, fn, fail)
        bad += r["bad"]
        print(json.dumps(r), flush=True)
    g = Genl("pmtufix")
    for _, a in g.dump(P["PMTUFIX_CMD_TABLE_GET"]):
        g.request(P["PMTUFIX_CMD_TABLE_DEL"],
                  attr(P["PMTUFIX_A_TABLE"], a[P["PMTUFIX_A_TABLE"]]))
    return 1 if bad else 0


def netns_try(n):
    """In a child: unshare(CLONE_NEWNET) with fault n armed, then exit
    with 0 (created) or 1 (refused, the error's name printed), plus 10 if
    the fault was not reached.  The fail-nth files are opened first, so that nothing but
    the unshare runs armed."""
    w = os.open(FailNth.PATH, os.O_WRONLY)
    r = os.open(FailNth.PATH, os.O_RDONLY)
    os.write(w, str(n).encode())
    ret = libc.unshare(CLONE_NEWNET)
    err = ctypes.get_errno()
    left = int(os.read(r, 32))
    os.write(w, b"0")
    if ret != 0:
        print(errno.errorcode.get(err, str(err)), flush=True)
    os._exit((ret != 0) + (10 if left else 0))


def cmd_netns(args):
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(rd)
            os.dup2(wr, 1)
            netns_try(int(args[0]))
        finally:
            os._exit(3)
    os.close(wr)
    with os.fdopen(rd) as f:
        why = f.read().strip()
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    print(" ".join(["clean" if status >= 10 else "injected",
                    str(status % 10)] + why.split()), flush=True)
    return 0


def cmd_run(args):
    n, cmd = int(args[0]), args[1:]

    def arm():
        with open(FailNth.PATH, "w") as f:
            f.write(str(n))

    p = subprocess.Popen(cmd, preexec_fn=arm, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    # Its fail-nth is read while it is a zombie, before it is reaped: the
    # kernel logs no injection into an allocation that asked for no
    # warning.
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    with open(f"/proc/{p.pid}/fail-nth") as f:
        left = int(f.read())
    rc = p.wait()
    print("injected" if left == 0 else "clean", rc)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    tool.run(__doc__, {"netlink": cmd_netlink, "netns": cmd_netns,
                       "run": cmd_run})
