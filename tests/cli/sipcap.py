# SPDX-License-Identifier: GPL-2.0-or-later
"""Builds small classic pcap files (Ethernet, IPv4, UDP) from SIP message
texts, for the command-line tests."""
import struct


def _ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def _addr(a):
    return bytes(int(x) for x in a.split("."))


def udp_frame(src, dst, payload):
    """src/dst: ("192.0.2.1", 5060)."""
    udp = struct.pack("!HHHH", src[1], dst[1], 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     _addr(src[0]), _addr(dst[0]))
    ip = ip[:10] + struct.pack("!H", _ip_checksum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


def pcap(packets):
    """packets: [(time_seconds_float, src, dst, sip_text)] -> pcap bytes."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for t, src, dst, text in packets:
        body = text.replace("\r\n", "\n").replace("\n", "\r\n").encode()
        frame = udp_frame(src, dst, body)
        sec = int(t)
        usec = int(round((t - sec) * 1e6))
        out.append(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
    return b"".join(out)


def sdp(addr, port, codecs=((0, "PCMU/8000"), (101, "telephone-event/8000")), direction=None):
    lines = ["v=0", f"o=- 1 1 IN IP4 {addr}", "s=-", f"c=IN IP4 {addr}", "t=0 0",
             f"m=audio {port} RTP/AVP " + " ".join(str(pt) for pt, _ in codecs)]
    lines += [f"a=rtpmap:{pt} {name}" for pt, name in codecs]
    if direction:
        lines.append(f"a={direction}")
    return "\r\n".join(lines) + "\r\n"


def msg(start, via, frm, to, cid, cseq, extra="", body=""):
    """One SIP message: start line, the usual headers, optional body."""
    hdr = [start, f"Via: SIP/2.0/UDP {via}", f"From: {frm}", f"To: {to}", f"Call-ID: {cid}",
           f"CSeq: {cseq}", "Max-Forwards: 70"]
    if extra:
        hdr += extra.strip("\n").split("\n")
    if body:
        hdr.append("Content-Type: application/sdp")
    hdr.append(f"Content-Length: {len(body.encode())}")
    return "\r\n".join(hdr) + "\r\n\r\n" + body
