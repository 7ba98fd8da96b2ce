# SPDX-License-Identifier: GPL-2.0
"""The Python side of the namespace scenarios (tests/netns/).

Run a tool with lib.sh's `pytool [-n NS] TOOL ARGS...', which is
`python3 -m nettest.TOOL' with tests/lib on the module path.

Library:
  ns        entering a network namespace (setns)
  inet      Internet checksum; IP, TCP and ICMP headers parsed and built
  capture   AF_PACKET sockets: capturing, sending whole frames
  tool      the command dispatch of the tools
  genl      a generic netlink client
  pcapfile  capture files (pcap, pcapng) and the packet stream format
  decap     encapsulations unwrapped, and what a SYN says (describe)
  craft     packets made to order
  replay    packets sent through a router and captured behind it
  oracle    models of -j TCPMSS and -j PMTUFIX, and the replay verdict

Tools:
  probe     TCP connections between namespaces, with the handshake and
            the wire measured
  toobig    UDP, ICMP too-big messages and floods (too_big.sh)
  hardening traffic and netlink clients of hardening.sh
  churn     short connections one after another (replace.sh)
  delta     tables changed entry by entry, against a model (delta.sh)
  nftdiff   one table through the module and as `pmtufix nft' (nft.sh)
  pcap      the SYNs of captures: listed, written, replayed, judged
"""
