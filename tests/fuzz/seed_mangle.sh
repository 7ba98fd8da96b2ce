#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Remakes tests/fuzz/corpus_mangle from the captures: every SYN and SYN-ACK
# that tests/lib/nettest extracts from them, and the crafted ones of
# `pytool pcap synth`, cut to 16 bytes of payload and put behind flags 0
# and the limit 1400; then libFuzzer's -merge=1 keeps the smallest set with
# the same coverage, under the names of the packets it kept.  Inputs other
# than those (findings kept as regression seeds) stay.  Needs clang.
#
# Usage: tests/fuzz/seed_mangle.sh [PCAP_DIR]   (default: ../shared/pcaps
# next to the checkout)

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
pcaps=${1:-$top/../shared/pcaps}
corpus=$top/tests/fuzz/corpus_mangle
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

make -C "$top" -s build/fuzz/fuzz_mangle
PYTHONPATH=$top/tests/lib PYTHONDONTWRITEBYTECODE=1 python3 - "$tmp/all" \
	"$pcaps"/*.pcap <<'PY'
import os
import sys

from nettest.craft import synth_packets
from nettest.decap import extract_all, ip_upper

out = sys.argv[1]
os.makedirs(out)
pkts = [(label, pkt) for label, _, pkt in extract_all(sys.argv[2:])]
pkts += [("synth#" + label, pkt) for label, pkt in synth_packets()]
for label, pkt in pkts:
    up = ip_upper(pkt)
    if up and len(pkt) > up[1] + 12:
        pkt = pkt[:up[1] + max((pkt[up[1] + 12] >> 4) * 4, 20) + 16]
    name = label.replace("#", "_").replace(".pcapng", "") \
        .replace(".pcap", "").replace("/", "_") + ".bin"
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes.fromhex("000578") + pkt)
PY

# Drop the old seeds from the captures, keep the findings.
for f in "$corpus"/*.bin; do
	[ -e "$tmp/all/${f##*/}" ] && rm "$f"
done
mkdir "$tmp/merged"
"$top/build/fuzz/fuzz_mangle" -merge=1 "$tmp/merged" "$corpus" "$tmp/all" \
	2>&1 | grep -F 'MERGE-OUTER: ' | tail -1
for f in "$tmp/merged"/*; do
	sum=$(sha1sum <"$f" | cut -c1-40)
	for g in "$tmp/all"/*; do
		if [ "$(sha1sum <"$g" | cut -c1-40)" = "$sum" ]; then
			cp "$g" "$corpus/"
			break
		fi
	done
done
echo "$(find "$corpus" -type f | wc -l) inputs in $corpus"
