#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""HEP-unwrapped copy of a capture, so tshark (4.0 has no HEP dissector) can
be the reference for SIP carried in HEP too. Written independently of
sipflow's decoder (analyzer/src/net/hep*.c): each Ethernet/IPv4/UDP record
whose payload is an uncompressed HEPv3 packet with payload type 1 (SIP), an
IPv4 inner address family and UDP inner protocol is replaced by an
Ethernet/IPv4/UDP frame built from the HEP chunks (inner addresses, ports,
HEP time as the record time, the SIP payload). Every other record is kept
as it is, so frame numbers stay the original capture's.

  unwrapped(path) -> path of the unwrapped copy (cached beside the tshark
                     references), or None when the capture holds no such HEP
"""
import hashlib
import os
import struct
import tempfile

import e2e_common as ec


def _chunks(p):
    """HEPv3 chunks {type: value} of generic vendor 0, or None."""
    if len(p) < 6 or p[:4] != b"HEP3":
        return None
    total = struct.unpack(">H", p[4:6])[0]
    if total > len(p):
        return None
    out, i = {}, 6
    while i + 6 <= total:
        vendor, typ, ln = struct.unpack(">HHH", p[i:i + 6])
        if ln < 6 or i + ln > total:
            return None
        if vendor == 0:
            out[typ] = p[i + 6:i + ln]
        i += ln
    return out


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f">{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def _inner(c):
    """(sec, usec, ipv4/udp packet) from HEP chunks, or None."""
    need = (1, 2, 3, 4, 7, 8, 9, 10, 11, 15)
    if any(t not in c for t in need):
        return None
    if c[1] != b"\x02" or c[2] != b"\x11" or c[11] != b"\x01":
        return None  # IPv4, UDP, SIP only
    sport, dport = struct.unpack(">H", c[7])[0], struct.unpack(">H", c[8])[0]
    sec, usec = struct.unpack(">I", c[9])[0], struct.unpack(">I", c[10])[0]
    payload = c[15]
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, c[3], c[4])
    ip = ip[:10] + struct.pack(">H", _csum(ip)) + ip[12:]
    return sec, usec, ip + udp


def _convert(data):
    """The unwrapped pcap bytes, or None when nothing was unwrapped."""
    if len(data) < 24 or data[:4] != b"\xd4\xc3\xb2\xa1" or struct.unpack("<I", data[20:24])[0] != 1:
        return None  # little-endian microsecond pcap, Ethernet only
    out, pos, changed = [data[:24]], 24, False
    while pos + 16 <= len(data):
        sec, usec, incl, orig = struct.unpack("<IIII", data[pos:pos + 16])
        rec = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        new = None
        if len(rec) >= 42 and rec[12:14] == b"\x08\x00" and rec[23] == 17:
            ihl = (rec[14] & 0x0F) * 4
            c = _chunks(rec[14 + ihl + 8:])
            new = _inner(c) if c else None
        if new:
            sec, usec, pkt = new
            rec = rec[:14] + pkt
            incl = orig = len(rec)
            changed = True
        out.append(struct.pack("<IIII", sec, usec, incl, orig) + rec)
    return b"".join(out) if changed else None


def unwrapped(path):
    with open(path, "rb") as f:
        data = f.read()
    conv = _convert(data)
    if conv is None:
        return None
    d = os.environ.get("SIPFLOW_REF_DIR") or os.path.join(ec.SOURCE, ".cache", "tshark-ref")
    os.makedirs(d, exist_ok=True)
    dst = os.path.join(d, "hep-unwrapped-" + hashlib.sha256(conv).hexdigest()[:16] + ".pcap")
    if not os.path.exists(dst):
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(conv)
        os.replace(tmp, dst)
    return dst
