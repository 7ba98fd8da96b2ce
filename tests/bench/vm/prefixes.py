#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The prefixes of the VM benchmarks, in the form each tool loads.

    prefixes.py FORMAT FAMILY COUNT

IPv4: COUNT /24s evenly spread over the 1,048,576 /24s of 16.0.0.0/4,
STRIDE apart; IPv6: COUNT /48s evenly spread over the 2**28 /48s of
3000::/20.  Prefix j has the MTU 1400 + j % 100 behind an IPIP layer
(ip6ip6 without encapsulation limit for IPv6): an MSS of that less 60
(IPv4) or 100 (IPv6).

FORMAT is one of
    stride   the STRIDE alone (for the benchmark module's requests)
    pmtufix  a table file for `pmtufix table load'
    ip       `ip -batch' lines: a route per prefix, with that MTU
    nft      an nftables script: table ip(6) bench, interval map @mss
             from address to MSS
"""
import sys

SLOTS = {4: 1 << 20, 6: 1 << 28}


def stride(family, count):
    return max(1, SLOTS[family] // max(count, 1))


def prefix(family, j, step):
    slot = j * step
    if family == 4:
        a = 0x10000000 + (slot << 8)
        return f"{a >> 24}.{a >> 16 & 255}.{a >> 8 & 255}.0/24"
    hi = 0x3000_0000_0000 + slot
    return f"{hi >> 32:x}:{hi >> 16 & 0xffff:x}:{hi & 0xffff:x}::/48"


def main():
    fmt, family, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    step = stride(family, count)
    if fmt == "stride":
        print(step)
        return
    out = sys.stdout
    hdr = 20 if family == 4 else 40
    if fmt == "nft":
        fam = "ip" if family == 4 else "ip6"
        out.write(f"table {fam} bench {{\n\tmap mss {{\n"
                  f"\t\ttypeof {fam} daddr : tcp option maxseg size\n"
                  "\t\tflags interval\n\t\telements = {\n")
    for j in range(count):
        mtu = 1400 + j % 100
        p = prefix(family, j, step)
        if fmt == "pmtufix":
            out.write(f"{p} mtu {mtu} {'ipip' if family == 4 else 'ip6ip6 noencaplimit'}\n")
        elif fmt == "ip":
            out.write(f"route add {p} dev bench0 mtu {mtu}\n")
        elif fmt == "nft":
            mss = mtu - hdr - (20 if family == 4 else 40) - 20
            out.write(f"\t\t\t{p} : {mss},\n")
    if fmt == "nft":
        out.write("\t\t}\n\t}\n}\n")


main()
