#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes pcaps/ws-call.pcap: one answered call of SIP over WebSocket
(RFC 7118), synthesised byte by byte (stdlib only, deterministic).

Client 10.213.0.1:50312 (a browser-like UA) talks to a proxy at
10.213.0.2:8080 (tshark decodes HTTP there, then WebSocket, then SIP):
TCP handshake, the HTTP Upgrade request (Sec-WebSocket-Protocol: sip) and
the 101 answer, then the call INVITE / 100 / 180 / 200 / ACK / BYE / 200.
What it exercises:
- client frames masked (RFC 6455 5.3) with a different key per frame;
- the INVITE sent as a fragmented message: a text frame without FIN, a
  ping (control frame) between the fragments, then a continuation frame
  with FIN; its first fragment split across two TCP segments; the server
  answers the ping with a pong;
- the 200 OK (with SDP) over 125 bytes: a 16-bit payload length;
- a 100 Trying and a 180 Ringing written in one TCP segment (two frames);
- Close frames from both sides, then FIN.
Checksums are correct.  Usage: /usr/bin/python3 pcaps/make-ws-capture.py [OUT]
"""
import struct
import sys

CLI = (bytes([10, 213, 0, 1]), 50312)
SRV = (bytes([10, 213, 0, 2]), 8080)
MAC_C = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")
T0 = 1764240000 * 1000000  # 2025-11-27 10:40:00 UTC, in microseconds

CALL_ID = "ws-call-1@df7jal23ls0d.invalid"
VIA = "SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-ws1-{}"
FROM = "<sip:alice@example.com>;tag=wsuac1"
TO = "<sip:bob@example.com>"
TO_T = TO + ";tag=wsuas1"
SDP_C = ("v=0\r\no=- 2890844526 2890844526 IN IP4 10.213.0.1\r\ns=-\r\nc=IN IP4 10.213.0.1\r\n"
         "t=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
SDP_S = SDP_C.replace("10.213.0.1", "10.213.0.2").replace("49170", "3456")


def sip(start, via_kind, cseq, to, extra="", body=""):
    h = [start, "Via: " + VIA.format(via_kind), "Max-Forwards: 70" if not start.startswith("SIP") else None,
         "From: " + FROM, "To: " + to, "Call-ID: " + CALL_ID, "CSeq: " + cseq]
    h = [x for x in h if x]
    if extra:
        h.append(extra)
    if body:
        h.append("Content-Type: application/sdp")
    h.append("Content-Length: %d" % len(body.encode()))
    return ("\r\n".join(h) + "\r\n\r\n" + body).encode()


INVITE = sip("INVITE sip:bob@example.com SIP/2.0", "inv", "1 INVITE", TO,
             "Contact: <sip:alice@df7jal23ls0d.invalid;transport=ws>", SDP_C)
TRYING = sip("SIP/2.0 100 Trying", "inv", "1 INVITE", TO)
RINGING = sip("SIP/2.0 180 Ringing", "inv", "1 INVITE", TO_T)
OK_INV = sip("SIP/2.0 200 OK", "inv", "1 INVITE", TO_T, "Contact: <sip:bob@10.213.0.2:8080;transport=ws>",
             SDP_S)
ACK = sip("ACK sip:bob@10.213.0.2:8080;transport=ws SIP/2.0", "ack", "1 ACK", TO_T)
BYE = sip("BYE sip:bob@10.213.0.2:8080;transport=ws SIP/2.0", "bye", "2 BYE", TO_T)
OK_BYE = sip("SIP/2.0 200 OK", "bye", "2 BYE", TO_T)

UPGRADE = (b"GET / HTTP/1.1\r\nHost: 10.213.0.2:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           b"Origin: https://example.com\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           b"Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Version: 13\r\n\r\n")
SWITCH = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: sip\r\n\r\n")


def ws_frame(payload, op=1, fin=True, key=None):
    """RFC 6455 5.2; key: 4-byte masking key (client frames)."""
    b0 = (0x80 if fin else 0) | op
    m = 0x80 if key else 0
    n = len(payload)
    if n < 126:
        hdr = bytes([b0, m | n])
    elif n < 65536:
        hdr = bytes([b0, m | 126]) + struct.pack("!H", n)
    else:
        hdr = bytes([b0, m | 127]) + struct.pack("!Q", n)
    if key:
        payload = bytes(c ^ key[i % 4] for i, c in enumerate(payload))
        hdr += key
    return hdr + payload


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Conn:
    def __init__(self):
        self.seq = {CLI: 1000, SRV: 5000}
        self.ipid = {CLI: 0x1000, SRV: 0x2000}
        self.frames = []
        self.t = T0

    def seg(self, src, payload=b"", flags=0x18, dt=0.001):
        dst = SRV if src == CLI else CLI
        self.t += int(round(dt * 1e6))
        ack = self.seq[dst] if flags & 0x10 else 0
        tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], self.seq[src], ack, 5 << 4, flags,
                          64240, 0, 0) + payload
        pseudo = src[0] + dst[0] + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        self.ipid[src] += 1
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), self.ipid[src], 0x4000, 64, 6, 0,
                         src[0], dst[0])
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        eth = (MAC_S if dst == SRV else MAC_C) + (MAC_C if src == CLI else MAC_S) + b"\x08\x00"
        self.frames.append((self.t, eth + ip + tcp))
        self.seq[src] = (self.seq[src] + len(payload) + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF


def build():
    c = Conn()
    # TCP handshake (the SYN and SYN-ACK consume a sequence number)
    c.seq[CLI] -= 1
    c.seg(CLI, flags=0x02)
    c.seq[CLI], c.seq[SRV] = 1000, 4999
    c.seg(SRV, flags=0x12)
    c.seq[SRV] = 5000
    c.seg(CLI, flags=0x10)
    c.seg(CLI, UPGRADE)                                   # 4
    c.seg(SRV, SWITCH)                                    # 5
    # INVITE: fragmented (text without FIN, ping, continuation with FIN);
    # the first fragment's frame split over two TCP segments
    part1, part2 = INVITE[:300], INVITE[300:]
    f1 = ws_frame(part1, op=1, fin=False, key=b"\x11\x22\x33\x44")
    c.seg(CLI, f1[:150], dt=0.2)                         # 6
    c.seg(CLI, f1[150:])                                 # 7
    c.seg(CLI, ws_frame(b"keepalive", op=9, key=b"\x0a\x0b\x0c\x0d"))  # 8 ping
    c.seg(SRV, ws_frame(b"keepalive", op=10))            # 9 pong
    c.seg(CLI, ws_frame(part2, op=0, fin=True, key=b"\xde\xad\xbe\xef"))  # 10
    # 100 and 180 written together
    c.seg(SRV, ws_frame(TRYING) + ws_frame(RINGING))     # 11
    c.seg(SRV, ws_frame(OK_INV), dt=1.5)                 # 12: 16-bit length
    c.seg(CLI, ws_frame(ACK, key=b"\x01\x02\x03\x04"))   # 13
    c.seg(CLI, ws_frame(BYE, key=b"\x55\x66\x77\x88"), dt=3.0)  # 14
    c.seg(SRV, ws_frame(OK_BYE))                         # 15
    c.seg(CLI, ws_frame(b"\x03\xe8", op=8, key=b"\x99\x88\x77\x66"), dt=0.1)  # 16 close
    c.seg(SRV, ws_frame(b"\x03\xe8", op=8))              # 17 close
    c.seg(SRV, flags=0x11)                               # 18 FIN
    c.seg(CLI, flags=0x11)                               # 19 FIN
    c.seg(SRV, flags=0x10)                               # 20
    return c.frames


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else __file__.rsplit("/", 1)[0] + "/ws-call.pcap"
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in build():
            sec, usec = divmod(t, 1000000)
            f.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)


if __name__ == "__main__":
    main()
