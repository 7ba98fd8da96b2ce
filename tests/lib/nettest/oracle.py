# SPDX-License-Identifier: GPL-2.0
"""Models of what -j TCPMSS and -j PMTUFIX make of a forwarded packet, and
the replay verdict: the router's outputs against the models, and each
difference between the two targets against the documented ones."""
import json
import socket
import struct

from .decap import describe, ip_upper, walk_options
from .inet import u16
from .pcapfile import read_stream
from .replay import split_by_marks


def fold16(x):
    while x >> 16:
        x = (x & 0xFFFF) + (x >> 16)
    return x


def kcsum_replace(check, old, new):
    """inet_proto_csum_replace2/4 on a checksum nobody offloads: RFC 1624
    eqn. 3 over the 16-bit words of old and new, taken as words wherever
    the field actually sits (which is the bug at odd offsets)."""
    acc = (~check) & 0xFFFF
    for i in range(0, len(old), 2):
        acc += (~u16(old, i)) & 0xFFFF
        acc += u16(new, i)
    return (~fold16(acc)) & 0xFFFF


def set16(b, off, v):
    b[off:off + 2] = struct.pack("!H", v)


def tcpmss_walk(hdr):
    """xt_TCPMSS: the first kind-2, length-4 option, walking past EOL and
    over zero lengths one byte at a time.  Its offset, or None."""
    i = 20
    while i <= len(hdr) - 4:
        if hdr[i] == 2 and hdr[i + 1] == 4:
            return i
        i += 1 if hdr[i] <= 1 or hdr[i + 1] == 0 else hdr[i + 1]
    return None


def insert_mss(pkt, thoff, fam, mss):
    """The MSS insertion of xt_TCPMSS (and PMTUFIX): option at offset 20,
    options moved by 4, data offset + 1, IP length + 4, checksums updated
    as the kernel does."""
    b = bytearray(pkt)
    seg_len = len(b) - thoff
    hdrlen = (b[thoff + 12] >> 4) * 4
    mss = min(mss, 536 if fam == 4 else 1220)
    old12 = bytes(b[thoff + 12:thoff + 14])
    opt = bytes([2, 4]) + struct.pack("!H", mss)
    b[thoff + 20:thoff + hdrlen] = opt + b[thoff + 20:thoff + hdrlen]
    c = u16(b, thoff + 16)
    c = kcsum_replace(c, struct.pack("!H", seg_len),
                      struct.pack("!H", seg_len + 4))
    c = kcsum_replace(c, b"\0\0\0\0", opt)
    b[thoff + 12] += 0x10
    c = kcsum_replace(c, old12, bytes(b[thoff + 12:thoff + 14]))
    set16(b, thoff + 16, c)
    if fam == 4:
        old = u16(b, 2)
        set16(b, 10, kcsum_replace(u16(b, 10), struct.pack("!H", old),
                                   struct.pack("!H", old + 4)))
        set16(b, 2, old + 4)
    else:
        set16(b, 4, u16(b, 4) + 4)
    return bytes(b)


def clamp16(pkt, thoff, off, mss):
    """The MSS option at off of the TCP header lowered to mss as TCPMSS
    and nft do, the checksum updated over the 16-bit field wherever it
    sits: (output, what happened)."""
    old = u16(pkt, thoff + off + 2)
    if old <= mss:
        return pkt, f"unchanged: MSS {old} at {off} not above {mss}"
    b = bytearray(pkt)
    set16(b, thoff + off + 2, mss)
    set16(b, thoff + 16, kcsum_replace(u16(b, thoff + 16),
                                       struct.pack("!H", old),
                                       struct.pack("!H", mss)))
    how = "MSS at an odd offset, checksum updated as if even" \
        if (off + 2) & 1 else "checksum right"
    return bytes(b), f"clamped MSS {old} at {off} to {mss} ({how})"


def model_tcpmss(pkt, mss):
    """What -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss mss makes of
    a forwarded packet: (output or None, what happened)."""
    fam, thoff, proto, first, more, _ = ip_upper(pkt)
    seg = pkt[thoff:]
    if len(seg) < 20:
        return None, "dropped by the tcp match (TCP header not there)"
    if not seg[13] & 0x02 or seg[13] & 0x04:
        return pkt, "not matched (RST)"
    hdrlen = (seg[12] >> 4) * 4
    if hdrlen < 20 or len(seg) < hdrlen:
        return None, "dropped: TCP header longer than the packet"
    off = tcpmss_walk(seg[:hdrlen])
    if off is not None:
        return clamp16(pkt, thoff, off, mss)
    if len(seg) > hdrlen:
        return pkt, "unchanged: no MSS, data after the header"
    if hdrlen >= 60:
        return pkt, "unchanged: no MSS, no room"
    return insert_mss(pkt, thoff, fam, mss), "MSS inserted"


def model_pmtufix(pkt, mss):
    """What -j PMTUFIX with a table giving mss makes of a forwarded packet:
    (output, what happened, counters it bumps)."""
    fam, thoff, proto, first, more, _ = ip_upper(pkt)
    seg = pkt[thoff:]
    ev = {"packets": 1}
    if len(seg) < 20:
        return None, "dropped by the tcp match (TCP header not there)", {}
    if not seg[13] & 0x02 or seg[13] & 0x04:
        return pkt, "not matched (RST)", {}
    ev["synack" if seg[13] & 0x10 else "syn"] = 1
    hdrlen = (seg[12] >> 4) * 4
    if hdrlen < 20:
        ev["malformed"] = 1
        return pkt, "unchanged: data offset below 5", ev
    if len(seg) < hdrlen:
        ev["fragment" if more else "malformed"] = 1
        return pkt, "unchanged: TCP header longer than the packet" + \
            (" (first fragment)" if more else ""), ev
    opts = walk_options(seg[:hdrlen])
    if opts is None:
        ev["malformed"] = 1
        return pkt, "unchanged: malformed options", ev
    offs = [o[0] for o in opts if o[1] == 2]
    if not offs:
        if len(seg) > hdrlen or hdrlen > 56 or more:
            return pkt, "unchanged: no MSS, no insertion possible", ev
        ev["inserted"] = 1
        return insert_mss(pkt, thoff, fam, mss), "MSS inserted", ev
    b = bytearray(pkt)
    n = 0
    for off in offs:
        val = thoff + off + 2
        if u16(b, val) <= mss:
            continue
        start = (off + 2) & ~1
        wlen = 4 if (off + 2) & 1 else 2
        old = bytes(b[thoff + start:thoff + start + wlen])
        set16(b, val, mss)
        new = bytes(b[thoff + start:thoff + start + wlen])
        set16(b, thoff + 16, kcsum_replace(u16(b, thoff + 16), old, new))
        n += 1
    if n:
        ev["clamped"] = 1
        return bytes(b), f"clamped {n} of {len(offs)} MSS options", ev
    ev["unchanged"] = 1
    return pkt, "unchanged: MSS not above the limit", ev


def model_nft(pkt, mss):
    """What the script of `pmtufix nft' (tcp flags & (syn | rst) == syn tcp
    option maxseg size set ... map ...) makes of a forwarded packet, from
    nft_exthdr_tcp_set_eval(): (output, what happened).  Nothing is ever
    dropped: where nft cannot read what it needs, the rule stops."""
    up = ip_upper(pkt)
    if not up or up[2] != 6 or not up[3]:
        return pkt, "not matched (not TCP, or not its first fragment)"
    fam, thoff = up[0], up[1]
    seg = pkt[thoff:]
    if len(seg) < 14 or not seg[13] & 0x02 or seg[13] & 0x04:
        return pkt, "not matched (no SYN, or RST)"
    hdrlen = (seg[12] >> 4) * 4 if len(seg) >= 20 else 0
    if hdrlen < 20 or len(seg) < hdrlen:
        return pkt, "unchanged: the TCP header is not whole"
    i = 20
    while i < hdrlen - 1:
        optl = 1 if seg[i] <= 1 or seg[i + 1] == 0 else seg[i + 1]
        if seg[i] != 2:
            i += optl
            continue
        if i + optl > hdrlen or optl < 4:
            return pkt, (f"unchanged: the first MSS option, at {i}, is "
                         f"{optl} bytes long")
        return clamp16(pkt, thoff, i, mss)
    return pkt, "unchanged: no MSS option, none inserted"


def nft_difference(inp, f, n):
    """Why the PMTUFIX output f and the nft output n of the forwarded
    packet inp differ, or None when it is none of the documented ones."""
    fam, thoff, _, _, _, _ = ip_upper(inp)
    seg = inp[thoff:]
    hdrlen = (seg[12] >> 4) * 4 if len(seg) >= 20 else 0
    opts = walk_options(seg[:hdrlen])
    if opts is None:
        if f == inp:
            return ("malformed options: nft walks over them (a length of "
                    "0 or 1 as 1) and rewrites the MSS after them; PMTUFIX "
                    "leaves the packet alone")
        return None
    strict = [o[0] for o in opts if o[1] == 2]
    if not strict:
        if n == inp and len(f) == len(inp) + 4:
            return "no MSS option: PMTUFIX inserts one, nft does not"
        if n != inp:
            return ("an MSS option after EOL: nft walks past EOL and "
                    "clamps it; PMTUFIX ends the walk at EOL" +
                    (" and inserts one" if len(f) == len(inp) + 4 else ""))
        return None
    if len(strict) > 1:
        return ("several MSS options: nft clamps the first only, PMTUFIX "
                "each one above the limit")
    if (strict[0] + 2) & 1 and f[:thoff + 16] == n[:thoff + 16] and \
            f[thoff + 18:] == n[thoff + 18:] and \
            tcp_csum_ok(n) == "bad" and tcp_csum_ok(f) == "ok":
        return ("an MSS at an odd offset: nft updates the checksum as if "
                "the field were word-aligned and gets it wrong; PMTUFIX "
                "updates the aligned 32-bit word around it")
    return None


def nft_verdict(a):
    """The replay verdict of `pmtufix nft': the nft output of every
    forwarded packet is what model_nft() says, and where it differs from
    PMTUFIX's the difference is a documented one."""
    n = len(read_stream(a.sent))
    runs = {k: split_by_marks(read_stream(path), n, k) for k, path in
            (("plain", a.plain), ("pmtufix", a.pmtufix), ("nft", a.nft))}
    bad = same = 0
    why_count = {}
    for i, (label, _) in enumerate(read_stream(a.sent)):
        p = runs["plain"][i][0] if runs["plain"][i] else None
        f = runs["pmtufix"][i][0] if runs["pmtufix"][i] else None
        nf = runs["nft"][i][0] if runs["nft"][i] else None
        if p is None:
            if nf is not None:
                bad += 1
                print(f"FAIL {label}: nft forwarded what the router alone "
                      "did not")
            continue
        mss = a.mss4 if ip_upper(p)[0] == 4 else a.mss6
        want, why = model_nft(p, mss)
        if nf != want:
            bad += 1
            print(f"FAIL {label}: the nft output is not what its model "
                  f"says ({why})\n  got  {nf.hex() if nf else None}\n"
                  f"  want {want.hex()}")
            continue
        if nf == f:
            same += 1
            continue
        diff = nft_difference(p, f, nf)
        if diff is None:
            bad += 1
            print(f"FAIL {label}: nft and PMTUFIX differ for no documented "
                  f"reason (nft: {why})")
            continue
        why_count[diff] = why_count.get(diff, 0) + 1
        print(f"{label}: nft {why}; DIFFERENT: {diff}")
    for k, v in sorted(why_count.items()):
        print(f"# {v} packets: {k}")
    print(f"# {same} packets the same through nft and PMTUFIX, "
          f"{sum(why_count.values())} different, {bad} problems")
    return 1 if bad or not same else 0


def why_not_forwarded(pkt):
    """Why a packet does not reach the server side: (reason, whether it
    passes the FORWARD hook all the same)."""
    d = describe(pkt)
    if d["family"] == 6 and d["dst"].startswith("fe80:"):
        # A link-local destination is routed back out of the interface it
        # came in on (where the router finds no neighbour for it), and that
        # path skips the check on link-local sources.
        return ("link-local destination: routed back toward the client, "
                "through FORWARD"), True
    return why_dropped(d), False


def why_dropped(d):
    """A guess at why a router drops a packet before any FORWARD rule."""
    fam = d["family"]
    if d["ip_truncated"]:
        return "the IP length says more than the packet holds"
    if fam == 4:
        src, dst = socket.inet_aton(d["src"]), socket.inet_aton(d["dst"])
        if not d["ip_csum_ok"]:
            return "bad IPv4 header checksum"
        if src[0] in (0, 127) or dst[0] in (0, 127):
            return "loopback or zero address (martian)"
        if dst == b"\xff" * 4 or dst[0] >= 224 or src[0] >= 224:
            return "broadcast or multicast address"
    else:
        src = socket.inet_pton(socket.AF_INET6, d["src"])
        dst = socket.inet_pton(socket.AF_INET6, d["dst"])
        if src[:2] == b"\xfe\x80":
            return "link-local source leaving by another interface"
        if dst[0] == 0xFF:
            return "multicast destination"
    if d["ttl"] <= 1:
        return "TTL or hop limit exhausted"
    return None


def tcp_csum_ok(pkt):
    d = describe(pkt)
    return d["csum"]


def difference(inp, t, f):
    """Why the TCPMSS output t and the PMTUFIX output f of the forwarded
    packet inp differ, or None when the difference is none of the
    documented ones."""
    fam, thoff, _, _, more, _ = ip_upper(inp)
    seg = inp[thoff:]
    hdrlen = (seg[12] >> 4) * 4 if len(seg) >= 20 else 0
    if t is None and f is not None:
        if f == inp and (hdrlen < 20 or len(seg) < hdrlen):
            return ("TCPMSS drops a packet whose TCP header is longer than "
                    "the packet; PMTUFIX forwards it unchanged")
        return None
    if t is None or f is None:
        return None
    opts = walk_options(seg[:hdrlen])
    if opts is None:
        if f == inp:
            return ("malformed options: TCPMSS walks them leniently and "
                    "rewrites; PMTUFIX leaves the packet alone")
        return None
    toff = tcpmss_walk(seg[:hdrlen])
    strict = [o[0] for o in opts if o[1] == 2]
    if toff is not None and toff not in strict:
        return ("TCPMSS takes an MSS option after EOL; PMTUFIX ends the "
                "walk at EOL" + (" and inserts one" if not strict else ""))
    if len(strict) > 1:
        return ("several MSS options: TCPMSS looks at the first only, "
                "PMTUFIX clamps each one above the limit")
    if toff is not None and (toff + 2) & 1 and t[:thoff + 16] == \
            f[:thoff + 16] and t[thoff + 18:] == f[thoff + 18:] and \
            tcp_csum_ok(t) == "bad" and tcp_csum_ok(f) == "ok":
        return ("MSS at an odd offset: TCPMSS updates the checksum as if "
                "the field were word-aligned and gets it wrong; PMTUFIX "
                "updates the aligned 32-bit word around it")
    return None


def explain(a):
    sent = read_stream(a.sent)
    n = len(sent)
    runs = {"plain": split_by_marks(read_stream(a.plain), n, "plain")}
    runs["tcpmss"] = split_by_marks(read_stream(a.tcpmss), n, "TCPMSS")
    if a.pmtufix:
        runs["pmtufix"] = split_by_marks(read_stream(a.pmtufix), n,
                                         "PMTUFIX")
    bad = 0
    counters = {}
    stats = {"forwarded": 0, "not forwarded": 0, "tcpmss differs": 0,
             "tcpmss odd-offset checksum wrong": 0, "differences": 0}

    def fail(msg):
        nonlocal bad
        bad += 1
        print(f"FAIL {msg}")

    for i, (label, pkt) in enumerate(sent):
        outs = {k: v[i] for k, v in runs.items()}
        for k, v in outs.items():
            if len(v) > 1:
                fail(f"{label}: {k}: {len(v)} packets came out of one")
        p = outs["plain"][0] if outs["plain"] else None
        if p is None:
            stats["not forwarded"] += 1
            why, through_forward = why_not_forwarded(pkt)
            if why is None:
                fail(f"{label}: the router alone did not forward it, for "
                     "no known reason")
            line = f"{label}: not forwarded to the server ({why})"
            if through_forward and "pmtufix" in outs:
                mss = a.mss4 if ip_upper(pkt)[0] == 4 else a.mss6
                _, f_why, ev = model_pmtufix(pkt, mss)
                for k, v in ev.items():
                    counters[k] = counters.get(k, 0) + v
                line += f"; PMTUFIX (unseen) {f_why}"
            for k in ("tcpmss", "pmtufix"):
                if k in outs and outs[k]:
                    fail(f"{label}: {k} forwarded what the router alone "
                         "did not")
            print(line)
            continue
        stats["forwarded"] += 1
        mss = a.mss4 if ip_upper(p)[0] == 4 else a.mss6
        t_want, t_why = model_tcpmss(p, mss)
        t = outs["tcpmss"][0] if outs["tcpmss"] else None
        if t != t_want:
            fail(f"{label}: TCPMSS output is not what its model says "
                 f"({t_why})\n  got  {t.hex() if t else None}\n"
                 f"  want {t_want.hex() if t_want else None}")
        if t is not None and t != p:
            stats["tcpmss differs"] += 1
            if "odd offset" in t_why and tcp_csum_ok(t) == "bad":
                stats["tcpmss odd-offset checksum wrong"] += 1
        line = f"{label}: TCPMSS {t_why}"
        if "pmtufix" in outs:
            f_want, f_why, ev = model_pmtufix(p, mss)
            f = outs["pmtufix"][0] if outs["pmtufix"] else None
            for k, v in ev.items():
                counters[k] = counters.get(k, 0) + v
            if f != f_want:
                fail(f"{label}: PMTUFIX output is not what its model says "
                     f"({f_why})\n  got  {f.hex() if f else None}\n"
                     f"  want {f_want.hex() if f_want else None}")
            line += f"; PMTUFIX {f_why}"
            if f is not None and tcp_csum_ok(f) == "bad" and \
                    tcp_csum_ok(p) == "ok":
                fail(f"{label}: PMTUFIX broke a right TCP checksum")
            if t != f:
                stats["differences"] += 1
                why = difference(p, t, f)
                if why is None:
                    fail(f"{label}: TCPMSS and PMTUFIX differ for no "
                         "documented reason")
                else:
                    line += f"; DIFFERENT: {why}"
        print(line)
    for k, v in stats.items():
        print(f"# {k}: {v}")
    if a.pmtufix:
        print("# expected counters: " + json.dumps(counters, sort_keys=True))
        if a.counters:
            with open(a.counters) as f:
                got = json.load(f)
            for k, v in counters.items():
                if got.get(k) != v:
                    fail(f"counter {k}: expected {v}, got {got.get(k)}")
            for k in ("no_match", "not_writable"):
                if got.get(k, 0):
                    fail(f"counter {k}: expected 0, got {got.get(k)}")
    if stats["forwarded"] == 0:
        fail("nothing was forwarded at all")
    print(f"# {bad} problems")
    return 1 if bad else 0


def has_mss(pkt):
    """False only for a whole TCP header whose options hold no MSS."""
    up = ip_upper(pkt)
    if not up or up[2] != 6 or len(pkt) < up[1] + 20:
        return True
    hdr = pkt[up[1]:up[1] + (pkt[up[1] + 12] >> 4) * 4]
    opts = walk_options(hdr) if len(hdr) >= 20 else None
    return opts is None or any(k == 2 for _, k, _ in opts)


def ignored(a):
    """The verdict of --missing-mss ignore (IGNORE): what carries no MSS
    option comes out as the router alone forwards it (PLAIN), the rest as
    with the default (PMTUFIX)."""
    n = len(read_stream(a.sent))
    runs = {k: split_by_marks(read_stream(path), n, k) for k, path in
            (("plain", a.plain), ("pmtufix", a.pmtufix),
             ("ignore", a.ignore))}
    kept = clamped = bad = 0
    for i in range(n):
        plain, ign = runs["plain"][i], runs["ignore"][i]
        if plain and not has_mss(plain[0]):
            kept += 1
            want = plain
        else:
            clamped += 1
            want = runs["pmtufix"][i]
        if ign != want:
            bad += 1
            print(f"packet {i}: not as expected with --missing-mss ignore")
    print(f"{kept} packets without an MSS option left alone, {clamped} "
          "others as with insert")
    return 1 if bad or not kept else 0
