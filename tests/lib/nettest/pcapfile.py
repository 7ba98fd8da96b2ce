# SPDX-License-Identifier: GPL-2.0
"""Capture files and the packet stream format.

pcap (microsecond, nanosecond, both byte orders, and the patched format)
and pcapng are read frame by frame.  A stream is what the pcap tool passes
between its commands: records of a 2-byte label length and a 4-byte packet
length (both big-endian), the label (UTF-8, e.g. "tcpdump__ssh.pcap#1") and
the packet, which starts at its IP header.
"""
import struct
import sys


class CaptureError(Exception):
    pass


def read_pcap(data):
    """(frame number, link type, frame bytes) of a classic pcap file."""
    magic = data[:4]
    table = {
        b"\xd4\xc3\xb2\xa1": ("<", 16), b"\xa1\xb2\xc3\xd4": (">", 16),
        b"\x4d\x3c\xb2\xa1": ("<", 16), b"\xa1\xb2\x3c\x4d": (">", 16),
        # Alexey Kuznetzov's patched format: 8 more bytes per record.
        b"\x34\xcd\xb2\xa1": ("<", 24), b"\xa1\xb2\xcd\x34": (">", 24),
    }
    if magic not in table or len(data) < 24:
        raise CaptureError("not a pcap file")
    end, rec = table[magic]
    linktype = struct.unpack(end + "I", data[20:24])[0] & 0x0FFFFFFF
    off, n = 24, 0
    while off + rec <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        off += rec
        n += 1
        if off + caplen > len(data):
            raise CaptureError(f"frame {n} cut short")
        yield n, linktype, data[off:off + caplen]
        off += caplen


def read_pcapng(data):
    """(frame number, link type, frame bytes) of a pcapng file."""
    off, n, end, links = 0, 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            bom = data[off + 8:off + 12]
            end = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            if struct.unpack(end + "I", data[off + 8:off + 12])[0] != \
                    0x1A2B3C4D:
                raise CaptureError("pcapng: bad byte-order magic")
            links = []
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        if blen < 12 or blen % 4 or off + blen > len(data):
            raise CaptureError(f"pcapng: bad block length at {off}")
        body = data[off + 8:off + blen - 4]
        if btype == 1:                      # interface description
            links.append(struct.unpack(end + "H", body[:2])[0])
        elif btype == 6:                    # enhanced packet
            ifid, _, _, caplen, _ = struct.unpack(end + "IIIII", body[:20])
            n += 1
            yield n, links[ifid], body[20:20 + caplen]
        elif btype == 3:                    # simple packet
            n += 1
            caplen = min(struct.unpack(end + "I", body[:4])[0],
                         len(body) - 4)
            yield n, links[0], body[4:4 + caplen]
        elif btype == 2:                    # packet (obsolete)
            ifid, _, _, _, caplen, _ = struct.unpack(end + "HHIIII",
                                                     body[:20])
            n += 1
            yield n, links[ifid], body[20:20 + caplen]
        off += blen


def read_capture(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        return read_pcapng(data)
    return read_pcap(data)


def write_stream(f, records):
    for label, pkt in records:
        lb = label.encode()
        f.write(struct.pack("!HI", len(lb), len(pkt)) + lb + pkt)


def read_stream(path):
    with open(path, "rb") as f:
        data = f.read()
    res, off = [], 0
    while off + 6 <= len(data):
        llen, plen = struct.unpack("!HI", data[off:off + 6])
        off += 6
        label = data[off:off + llen].decode()
        off += llen
        res.append((label, data[off:off + plen]))
        off += plen
    if off != len(data):
        raise CaptureError(f"{path}: stream cut short")
    return res


def out_file(path):
    if path in (None, "-"):
        return sys.stdout.buffer
    return open(path, "wb")
