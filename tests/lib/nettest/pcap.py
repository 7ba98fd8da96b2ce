# SPDX-License-Identifier: GPL-2.0
"""TCP SYN and SYN-ACK out of captures, and their replay through a router.

  pcap list [--json] FILE...
      one line per extracted packet: file, index (frame number, from 1),
      family, TCP flags as tcpdump prints them, MSS options (strict walk:
      "-" none, "malformed", "truncated"), TCP header length, whether the
      TCP checksum verifies ("-" when the segment is not all there), the
      layers unwrapped, and notes.  --json prints one object per packet.
  pcap write [--tcp-header] [--prefix HEX] DIR FILE...
      each packet into DIR/<capture>_<index>[_<n>].bin: the IP packet, or
      with --tcp-header the TCP header only (as much as was captured);
      --prefix puts the given bytes first (for fuzzer corpora).
  pcap stream [-o OUT] FILE...
      all packets as one stream (see pcapfile), to stdout or OUT.
  pcap synth [-o OUT]
      a stream of crafted SYNs the captures lack (MSS at odd offsets,
      several MSS options, MSS after EOL, bad option lengths), each with a
      right checksum.
  pcap send IFACE SRCMAC DSTMAC STREAM [--marks SRC,DST]
      sends each packet of STREAM on IFACE (an AF_PACKET socket; run it in
      the namespace) behind an Ethernet header.  With --marks, a marker
      (IPv4 UDP from SRC to DST, port 9) goes before each packet and after
      the last, so that what comes out of a router can be told apart
      packet by packet.  The sender stays on one CPU: the packets cannot
      overtake each other in the backlog queues.
  pcap capture IFACE SECONDS [-o OUT] [--stop-mark N]
      records the IPv4 and IPv6 packets arriving on IFACE as a stream,
      markers included, for at most SECONDS or until marker N arrived.
      Prints "ready" on stderr once the socket is bound.
  pcap explain SENT PLAIN TCPMSS [PMTUFIX] --mss4 N --mss6 N
      the replay verdict (see oracle.explain()): what the router forwarded
      with no rule (PLAIN), with -j TCPMSS --set-mss (TCPMSS) and with -j
      PMTUFIX (PMTUFIX), against models of both targets.  Exits 1 when an
      output is not what the model says, or the two targets differ in a
      way that is not one of the documented differences.
  pcap ignored SENT PLAIN PMTUFIX IGNORE
      the verdict of --missing-mss ignore (see oracle.ignored()).
  pcap nft SENT PLAIN PMTUFIX NFT --mss4 N --mss6 N
      the verdict of `pmtufix nft' (see oracle.nft_verdict()): NFT, the
      output through the script nft loaded, against a model of nft, and
      each difference from PMTUFIX against the documented ones.
  pcap dump STREAM
      the labels and lengths of a stream, and the packets in hex.

The capture formats and encapsulations read are those of pcapfile and
decap.
"""
import argparse
import json
import os
import sys

from .craft import synth_packets
from .decap import describe, extract_all, ip_upper
from .oracle import explain, ignored, nft_verdict
from .pcapfile import CaptureError, out_file, read_stream, write_stream
from .replay import cmd_capture, cmd_send


def fmt_line(label, d):
    if d["opts"] == "ok":
        mss = ",".join(str(m) for m in d["mss"]) or "-"
    else:
        mss = d["opts"]
    notes = []
    if d["frag"]:
        notes.append("first-fragment")
    if d["ext"]:
        notes.append("ext=" + ",".join(str(e) for e in d["ext"]))
    if d["family"] == 4 and not d["ip_csum_ok"]:
        notes.append("ip-csum-bad")
    if d["ip_truncated"]:
        notes.append("ip-truncated")
    if d.get("payload"):
        notes.append(f"data={d['payload']}")
    if d.get("wscale") is not None:
        notes.append(f"wscale={d['wscale']}")
    file, _, index = label.rpartition("#")
    return (f"{file} {index} {d['family']} {d['flags']} {mss} "
            f"{d['tcp_hdrlen'] if d['tcp_hdrlen'] is not None else '-'} "
            f"{d['csum'] or '-'} {d['layers']} {' '.join(notes)}").rstrip()


def cmd_list(a):
    for label, layers, pkt in extract_all(a.files):
        d = describe(pkt, layers)
        if a.json:
            file, _, index = label.rpartition("#")
            d.update(file=file, index=index)
            print(json.dumps(d, sort_keys=True))
        else:
            print(fmt_line(label, d))
    return 0


def cmd_write(a):
    os.makedirs(a.dir, exist_ok=True)
    prefix = bytes.fromhex(a.prefix) if a.prefix else b""
    for label, _, pkt in extract_all(a.files):
        body = pkt
        if a.tcp_header:
            thoff = ip_upper(pkt)[1]
            seg = pkt[thoff:]
            body = seg[:max((seg[12] >> 4) * 4, 20)]
        name = label.replace("#", "_").replace(".pcapng", "") \
            .replace(".pcap", "") + ".bin"
        with open(os.path.join(a.dir, name), "wb") as f:
            f.write(prefix + body)
    return 0


def cmd_stream(a):
    recs = [(label, pkt) for label, _, pkt in extract_all(a.files)]
    write_stream(out_file(a.output), recs)
    return 0


def cmd_synth(a):
    write_stream(out_file(a.output), synth_packets())
    return 0


def cmd_dump(a):
    for label, pkt in read_stream(a.stream):
        print(f"{label} {len(pkt)} {pkt.hex()}")
    return 0


def main(argv):
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("write")
    p.add_argument("--tcp-header", action="store_true")
    p.add_argument("--prefix")
    p.add_argument("dir")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("stream")
    p.add_argument("-o", "--output")
    p.add_argument("files", nargs="+")
    p = sub.add_parser("synth")
    p.add_argument("-o", "--output")
    p = sub.add_parser("send")
    p.add_argument("iface")
    p.add_argument("srcmac")
    p.add_argument("dstmac")
    p.add_argument("stream")
    p.add_argument("--marks")
    p.add_argument("--gap", type=float, default=0.002)
    p = sub.add_parser("capture")
    p.add_argument("iface")
    p.add_argument("seconds", type=float)
    p.add_argument("-o", "--output")
    p.add_argument("--stop-mark", type=int)
    p = sub.add_parser("explain")
    p.add_argument("sent")
    p.add_argument("plain")
    p.add_argument("tcpmss")
    p.add_argument("pmtufix", nargs="?")
    p.add_argument("--mss4", type=int, required=True)
    p.add_argument("--mss6", type=int, required=True)
    p.add_argument("--counters")
    p = sub.add_parser("nft")
    p.add_argument("sent")
    p.add_argument("plain")
    p.add_argument("pmtufix")
    p.add_argument("nft")
    p.add_argument("--mss4", type=int, required=True)
    p.add_argument("--mss6", type=int, required=True)
    p = sub.add_parser("ignored")
    p.add_argument("sent")
    p.add_argument("plain")
    p.add_argument("pmtufix")
    p.add_argument("ignore")
    p = sub.add_parser("dump")
    p.add_argument("stream")
    a = ap.parse_args(argv[1:])
    try:
        return {"list": cmd_list, "write": cmd_write, "stream": cmd_stream,
                "synth": cmd_synth, "send": cmd_send, "capture": cmd_capture,
                "explain": explain, "ignored": ignored, "nft": nft_verdict,
                "dump": cmd_dump}[a.cmd](a)
    except (CaptureError, OSError, ValueError) as e:
        print(f"pcap: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
