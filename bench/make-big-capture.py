#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build a large classic pcap for throughput benchmarks.

The source is the shared SIPp capture volume-10k-calls.pcap (10,000 calls,
63,500 UDP/IPv4 packets, one SIP message each).  It is written N times in a
row; in repetition r every Call-ID, From/To tag and Via branch is made unique
by overwriting the SIPp process id inside it, a fixed-width field, with a
value derived from r of the SAME width:

    Call-ID: 17-19828@127.0.0.39          ->  Call-ID: 17-10003@127.0.0.39
    tag=19828SIPpTag0017 (caller)         ->  tag=10003SIPpTag0017
    tag=19820SIPpTag0117 (callee)         ->  tag=20003SIPpTag0117
    branch=z9hG4bK-19828-17-1             ->  branch=z9hG4bK-10003-17-1

(r = 3, width 5: caller ids start with 1, callee ids with 2.)  No length
changes, so frame, IP and UDP lengths stay valid; UDP checksums were already
wrong in the source (checksum offload) and are left alone.  Timestamps of
repetition r are shifted by r * (source duration + 1 s), so the repetitions
follow each other in time order.

The replacements are literal byte strings with their context ("-PID@",
"tag=PIDSIPpTag", "z9hG4bK-PID-"), so a call number that happens to contain
the PID digits is not touched; every repetition is checked to contain
exactly as many replacements as the source has SIP occurrences.

Streams: holds the source (26 MB) and one repetition at a time, never the
output.  Writes to PATH.tmp and renames it when complete.

Usage: make-big-capture.py [--size-mb MB | --reps N] [--source PCAP] [OUT]
       default OUT bench/work/big.pcap, default size 1024 MB (1 GiB).
"""
import argparse
import os
import re
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = os.path.join(os.environ.get("SIPFLOW_SHARED", "/work/shared"),
                              "pcaps", "sipp", "volume-10k-calls.pcap")
DEFAULT_OUT = os.path.join(HERE, "work", "big.pcap")

MAGIC = {b"\xd4\xc3\xb2\xa1": ("<", 1_000_000), b"\xa1\xb2\xc3\xd4": (">", 1_000_000),
         b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000), b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000)}


def read_source(path):
    """(file header, list of (ts in sub-second units, record header offset),
    whole file as bytes, endianness, units per second)."""
    data = open(path, "rb").read()
    if len(data) < 24 or data[:4] not in MAGIC:
        sys.exit(f"{path}: not a classic pcap file")
    endian, units = MAGIC[data[:4]]
    rec = struct.Struct(endian + "IIII")
    off, recs = 24, []
    while off + 16 <= len(data):
        sec, frac, incl, _orig = rec.unpack_from(data, off)
        if off + 16 + incl > len(data):
            sys.exit(f"{path}: truncated record at offset {off}")
        recs.append((sec * units + frac, off))
        off += 16 + incl
    if off != len(data) or not recs:
        sys.exit(f"{path}: trailing bytes or no packets")
    return data, recs, endian, units


def find_ids(data):
    """The caller and callee PIDs SIPp put into Call-IDs, tags and branches."""
    caller = set(re.findall(rb"Call-ID: \d+-(\d+)@", data))
    caller |= set(re.findall(rb"branch=z9hG4bK-(\d+)-", data))
    tags = set(re.findall(rb"tag=(\d+)SIPpTag0[01]", data))
    callee = tags - caller
    if len(caller) != 1 or len(callee) != 1:
        sys.exit(f"expected one caller and one callee id, found {caller} / {callee}")
    c, s = caller.pop(), callee.pop()
    if len(c) != len(s):
        sys.exit("caller and callee ids differ in width")
    return c, s


def patterns(caller, callee, rep):
    """(old, new) literal replacements for repetition rep."""
    w = len(caller)
    if rep >= 10 ** (w - 1):
        sys.exit(f"too many repetitions for {w}-digit ids")
    nc = b"1" + str(rep).zfill(w - 1).encode()
    ns = b"2" + str(rep).zfill(w - 1).encode()
    return [(b"-" + caller + b"@", b"-" + nc + b"@"),
            (b"tag=" + caller + b"SIPpTag", b"tag=" + nc + b"SIPpTag"),
            (b"tag=" + callee + b"SIPpTag", b"tag=" + ns + b"SIPpTag"),
            (b"z9hG4bK-" + caller + b"-", b"z9hG4bK-" + nc + b"-")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?", default=DEFAULT_OUT)
    ap.add_argument("--source", default=DEFAULT_SOURCE)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--size-mb", type=float, default=1024.0,
                   help="smallest output size in MiB (default 1024)")
    g.add_argument("--reps", type=int, help="number of repetitions instead of a size")
    a = ap.parse_args()

    t0 = time.monotonic()
    data, recs, endian, units = read_source(a.source)
    caller, callee = find_ids(data)
    body = len(data) - 24
    reps = a.reps if a.reps else max(1, -(-int(a.size_mb * 1024 * 1024 - 24) // body))
    # how often each pattern occurs in the source: every repetition must match
    expect = [data.count(old) for old, _ in patterns(caller, callee, 0)]
    if 0 in expect:
        sys.exit(f"source lacks some id form: counts {expect}")
    first, last = recs[0][0], recs[-1][0]
    period = (last - first) + units  # duration + 1 s
    hdr = struct.Struct(endian + "II")
    template = bytearray(data[24:])  # one repetition, patched in place
    offs = [off - 24 for _, off in recs]
    ts = [t for t, _ in recs]

    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    with open(tmp, "wb", buffering=1 << 20) as f:
        f.write(data[:24])
        for r in range(reps):
            shift = r * period
            for t, o in zip(ts, offs):
                hdr.pack_into(template, o, *divmod(t + shift, units))
            chunk = bytes(template)
            for (old, new), n in zip(patterns(caller, callee, r), expect):
                got = chunk.count(old)
                if got != n:
                    sys.exit(f"repetition {r}: {got} x {old!r}, expected {n}")
                chunk = chunk.replace(old, new)
            f.write(chunk)
    os.replace(tmp, a.out)
    size = os.path.getsize(a.out)
    print(f"{a.out}: {reps} repetitions, {reps * len(recs)} packets, {size} bytes, "
          f"{reps * 10000 if 'volume-10k' in a.source else '?'} calls, "
          f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
