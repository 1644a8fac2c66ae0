#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds the run-time seed corpora of the fuzz harnesses (never committed).

    seeds.py OUTDIR SRCDIR SHAREDDIR

OUTDIR/<harness>/ receives seeds made from the project's pcaps/ and, when
SHAREDDIR exists, from the shared corpus: RFC 4475 torture messages (.dat),
RFC 3665 and other flows (YAML blocks), the sipp and public captures.
Captures are converted to the record format of fuzz_packet_path.c
(flags, caplen, data) by pcap_records(); fuzz_capture_file gets the file
images themselves (cut to MAX_FILE bytes)."""
import hashlib
import os
import struct
import sys
import tarfile

MAX_FILE = 64 * 1024
LINK_INDEX = {1: 0, 101: 1, 228: 2, 229: 3, 113: 4, 276: 5, 0: 6, 108: 7, 9: 8}


def put(outdir, harness, data):
    d = os.path.join(outdir, harness)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def read_pcap(data):
    """(linktype, caplen-bytes, ts_ns) records of a pcap or pcapng image."""
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xD4, 0x4D) else ">"
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
        off = 24
        while off + 16 <= len(data):
            sec, frac, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
            off += 16
            if incl > len(data) - off:
                return
            yield link, data[off:off + incl], sec * 10**9 + (frac if nano else frac * 1000)
            off += incl
    elif magic == b"\x0a\x0d\x0d\x0a":
        e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
        links, off = [], 0
        while off + 12 <= len(data):
            btype, blen = struct.unpack(e + "II", data[off:off + 8])
            if blen < 12 or off + blen > len(data):
                return
            body = data[off + 8:off + blen - 4]
            if btype == 0x0A0D0D0A:
                links = []
            elif btype == 1 and len(body) >= 8:
                links.append(struct.unpack(e + "H", body[:2])[0])
            elif btype == 6 and len(body) >= 20:
                iface, hi, lo, cap, _orig = struct.unpack(e + "IIIII", body[:20])
                if iface < len(links):
                    yield links[iface], body[20:20 + cap], ((hi << 32) | lo) * 1000
            off += blen


def pcap_records(data, max_bytes=MAX_FILE):
    """The capture in fuzz_packet_path's format (byte 0 = config 0)."""
    out = bytearray(b"\x00")
    last = None
    for link, pkt, ts in read_pcap(data):
        if link not in LINK_INDEX or len(pkt) > 0xFFFF:
            continue
        step = 0 if last is None else ts - last
        last = ts
        # nearest time step of the harness's table (0 1us 1ms 20ms 0.5s 2s 9s 40s)
        steps = [0, 1000, 10**6, 2 * 10**7, 5 * 10**8, 2 * 10**9, 9 * 10**9, 4 * 10**10]
        sel = max(i for i, s in enumerate(steps) if s <= max(step, 0))
        out += bytes([LINK_INDEX[link] | sel << 5]) + struct.pack(">H", len(pkt)) + pkt
        if len(out) > max_bytes:
            break
    return bytes(out)


def sctp_records(data, max_bytes=MAX_FILE):
    """The SCTP packets (IPv4 or IPv6 over Ethernet or raw IP, no
    extension headers) of a capture in fuzz_sctp's format, or b"" when
    there are none. The first packet's source is direction 0."""
    out, first_src = bytearray(b"\x00"), None
    for link, pkt, _ts in read_pcap(data):
        off = 14 if link == 1 else 0 if link in (101, 228, 229) else None
        if off is None or len(pkt) < off + 40:
            continue
        if link == 1 and pkt[12:14] not in (b"\x08\x00", b"\x86\xdd"):
            continue
        ver = pkt[off] >> 4
        if ver == 4 and pkt[off + 9] == 132:
            ip_len, src = (pkt[off] & 15) * 4, pkt[off + 12:off + 16]
        elif ver == 6 and pkt[off + 6] == 132:
            ip_len, src = 40, pkt[off + 8:off + 24]
        else:
            continue
        sctp = pkt[off + ip_len:]
        first_src = first_src or src
        out += bytes([0 if src == first_src else 1]) + struct.pack(">H", len(sctp)) + sctp
        if len(out) > max_bytes:
            break
    return bytes(out) if len(out) > 1 else b""


def yaml_messages(text):
    """Messages of the php-sip YAML flows: '- |+' blocks, 2-space indented."""
    msgs, cur = [], None
    for line in text.splitlines():
        if line.startswith("- |"):
            if cur:
                msgs.append(cur)
            cur = []
        elif cur is not None and (line.startswith("  ") or line == ""):
            cur.append(line[2:])
        elif cur is not None:
            msgs.append(cur)
            cur = None
    if cur:
        msgs.append(cur)
    out = []
    for m in msgs:
        while m and m[-1] == "":
            m.pop()
        # headers end at the first empty line; keep it, body follows
        out.append(("\r\n".join(m) + "\r\n").encode("utf-8", "surrogateescape"))
    return out


def walk(d, suffixes):
    for root, _dirs, files in os.walk(d):
        for f in sorted(files):
            if f.endswith(suffixes):
                yield os.path.join(root, f)


def main():
    outdir, src, shared = sys.argv[1:4]
    messages = []  # raw SIP messages
    flows = []  # lists of messages of one flow
    captures = [p for p in walk(os.path.join(src, "pcaps"), (".pcap", ".pcapng"))]
    if os.path.isdir(shared):
        msgdir = os.path.join(shared, "pcaps", "public", "messages")
        for p in walk(msgdir, (".dat",)):
            with open(p, "rb") as f:
                messages.append(f.read())
        for p in walk(msgdir, (".yaml",)):
            with open(p, encoding="utf-8", errors="surrogateescape") as f:
                flow = yaml_messages(f.read())
            messages += flow
            flows.append(flow)
        protos = os.path.join(msgdir, "php-sip--protos-c07-sip.tar.gz")
        if os.path.exists(protos):  # PROTOS c07-sip INVITEs: every 8th of 4527
            with tarfile.open(protos) as t:
                members = [m for m in t.getmembers() if m.isfile()]
                for m in members[::8]:
                    messages.append(t.extractfile(m).read())
        stream = os.path.join(msgdir, "php-sip--stream-generic.txt")
        if os.path.exists(stream):
            with open(stream, "rb") as f:
                flows.append([f.read()])
        for sub in ("sipp", "public"):
            captures += [p for p in walk(os.path.join(shared, "pcaps", sub), (".pcap", ".pcapng"))]

    for m in messages:
        put(outdir, "fuzz_sip_parser", m)
        put(outdir, "fuzz_json", m[:4096])
        put(outdir, "fuzz_sip_stream", b"\x80\x00\x01\x00" + m)  # whole pushes
    for i, flow in enumerate(flows):
        data = b"\r\n".join(flow)
        put(outdir, "fuzz_sip_stream", bytes([0x80 | i % 2, i % 256, 0x10, 0]) + data)
        put(outdir, "fuzz_sip_stream", bytes([0x20, 0, 0x12, 0x02]) + data)
    for p in captures:
        with open(p, "rb") as f:
            data = f.read(4 * MAX_FILE)
        put(outdir, "fuzz_capture_file", data[:MAX_FILE])
        rec = pcap_records(data)
        if len(rec) > 1:
            put(outdir, "fuzz_packet_path", rec)
        sc = sctp_records(data)
        if sc:
            put(outdir, "fuzz_sctp", sc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
