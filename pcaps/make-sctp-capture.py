#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write pcaps/sctp-basic-call.pcap: one answered SIP call over SCTP (RFC 4168).

Recording is not possible where the captures are made (the kernel has no SCTP:
socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) fails with EPROTONOSUPPORT, so SIPp
-t s1 cannot run), so this script builds the packets byte by byte, as the
Linux SCTP stack would send them between the record.sh addresses
(10.213.0.1:5061 caller, 10.213.0.2:5060 callee, 1500-byte MTU), with real
CRC32c checksums (RFC 9260 Appendix A). Deterministic: the same bytes every run.

Frames (> caller to callee, < callee to caller):
   1 > INIT                     2 < INIT ACK (state cookie)
   3 > COOKIE ECHO              4 < COOKIE ACK
   5 > DATA TSN a+0 B   INVITE, first 1452 bytes (the INVITE is over the MTU)
   6 > DATA TSN a+1 E   INVITE, the rest                 -> INVITE completes in 6
   7 < SACK + DATA TSN b+0 100 Trying (control chunk first, RFC 9260 6.10)
   8 < DATA TSN b+1 180 + DATA TSN b+2 200 (two DATA chunks in one packet)
   9 > SACK                     10 > DATA TSN a+2 ACK
  11 > DATA TSN a+2 ACK again (T3-rtx retransmission: the same TSN, not a new message)
  12 < SACK (reports the duplicate TSN)
  13 > DATA TSN a+3 BYE         14 < SACK + DATA TSN b+3 200 (BYE)
  15 > SACK                     16 > SHUTDOWN
  17 < SHUTDOWN ACK             18 > SHUTDOWN COMPLETE
SIP messages: INVITE 6, 100 7, 180 8, 200 8, ACK 10, BYE 13, 200 14.

Usage: /usr/bin/python3 pcaps/make-sctp-capture.py [OUT.pcap]
"""
import os
import struct
import sys

A, B = bytes([10, 213, 0, 1]), bytes([10, 213, 0, 2])
PA, PB = 5061, 5060
MAC_A, MAC_B = bytes.fromhex("02005f000001"), bytes.fromhex("02005f000002")
TAG_A, TAG_B = 0x5F1A0001, 0x5F1B0002  # initiate tags (the peer puts them in vtag)
TSN_A, TSN_B = 1000, 7000              # initial TSNs
T0 = 1767225600                        # 2026-01-01T00:00:00Z
CALL_ID = "1-sctp@10.213.0.1"
MTU = 1500
DATA_ROOM = MTU - 20 - 12 - 16         # IPv4 + common header + DATA chunk header


def crc32c(data):
    """CRC32c (Castagnoli), reflected, as RFC 9260 Appendix A."""
    table = crc32c.table
    if table is None:
        table = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            table.append(c)
        crc32c.table = table
    c = 0xFFFFFFFF
    for b in data:
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


crc32c.table = None


def chunk(ctype, flags, value):
    c = struct.pack("!BBH", ctype, flags, 4 + len(value)) + value
    return c + b"\0" * (-len(c) % 4)  # RFC 9260 3.2: padded to 4 bytes


def data_chunk(tsn, ssn, payload, flags=0x03, stream=0, ppid=0):
    return chunk(0, flags, struct.pack("!IHHI", tsn, stream, ssn, ppid) + payload)


def sack(cum_tsn, dups=()):
    v = struct.pack("!IIHH", cum_tsn, 106496, 0, len(dups))
    for d in dups:
        v += struct.pack("!I", d)
    return chunk(3, 0, v)


def sctp_packet(sport, dport, vtag, chunks):
    body = b"".join(chunks)
    hdr = struct.pack("!HHII", sport, dport, vtag, 0)
    crc = crc32c(hdr + body)
    # the CRC32c is stored little-endian on the wire (RFC 9260 Appendix A)
    return struct.pack("!HHI", sport, dport, vtag) + struct.pack("<I", crc) + body


IP_ID = [0x4000]


def ipv4(src, dst, payload):
    IP_ID[0] = (IP_ID[0] + 1) & 0xFFFF
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0x02, 20 + len(payload), IP_ID[0], 0x4000, 64, 132,
                    0, src, dst)
    s = sum(struct.unpack("!10H", h))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    h = h[:10] + struct.pack("!H", ~s & 0xFFFF) + h[12:]
    return h + payload


def frame(a_to_b, vtag, chunks):
    src, dst = (A, B) if a_to_b else (B, A)
    sp, dp = (PA, PB) if a_to_b else (PB, PA)
    ip = ipv4(src, dst, sctp_packet(sp, dp, vtag, chunks))
    eth = (MAC_B + MAC_A if a_to_b else MAC_A + MAC_B) + b"\x08\x00"
    return eth + ip


def sip(lines, body=""):
    head = "\r\n".join(lines + [f"Content-Length: {len(body.encode())}"]) + "\r\n\r\n"
    return (head + body).encode()


VIA = "Via: SIP/2.0/SCTP 10.213.0.1:5061;branch=z9hG4bK-sf1-"
FROM = 'From: "sipflow caller" <sip:caller@10.213.0.1:5061;transport=sctp>;tag=sfuac1'
TO = "To: <sip:alice@10.213.0.2:5060;transport=sctp>"
TO_T = TO + ";tag=sfuas1"
CID = "Call-ID: " + CALL_ID
CONTACT_A = "Contact: <sip:caller@10.213.0.1:5061;transport=sctp>"
CONTACT_B = "Contact: <sip:callee@10.213.0.2:5060;transport=sctp>"


def sdp():
    lines = ["v=0", "o=caller 2890844526 2890844526 IN IP4 10.213.0.1", "s=-",
             "c=IN IP4 10.213.0.1", "t=0 0",
             "m=audio 6000 RTP/AVP 0 8 9 18 101", "a=rtpmap:0 PCMU/8000",
             "a=rtpmap:8 PCMA/8000", "a=rtpmap:9 G722/8000", "a=rtpmap:18 G729/8000",
             "a=fmtp:18 annexb=no", "a=rtpmap:101 telephone-event/8000",
             "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv",
             "m=video 6002 RTP/AVP 96 97", "a=rtpmap:96 H264/90000",
             "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1",
             "a=rtpmap:97 VP8/90000", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:97 nack pli",
             "a=sendrecv"]
    return "\r\n".join(lines) + "\r\n"


def messages():
    # a long INVITE, as the one record.sh's uac-big.xml sends, so that it
    # exceeds the path MTU and SCTP fragments it (RFC 9260 6.9)
    pad = ["X-Sipflow-Padding-%02d: %s" % (i, "sctp-fragmentation-test-" * 3)
           for i in range(16)]
    invite = sip(["INVITE sip:alice@10.213.0.2:5060;transport=sctp SIP/2.0", VIA + "inv",
                  "Max-Forwards: 70", FROM, TO, CID, "CSeq: 1 INVITE", CONTACT_A,
                  "Subject: sipflow test call over SCTP", "User-Agent: sipflow-sctp-generator",
                  "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS"] + pad +
                 ["Content-Type: application/sdp"], sdp())
    trying = sip(["SIP/2.0 100 Trying", VIA + "inv", FROM, TO, CID, "CSeq: 1 INVITE"])
    ringing = sip(["SIP/2.0 180 Ringing", VIA + "inv", FROM, TO_T, CID, "CSeq: 1 INVITE",
                   CONTACT_B])
    answer = sdp().replace("caller", "callee").replace("10.213.0.1", "10.213.0.2")
    ok = sip(["SIP/2.0 200 OK", VIA + "inv", FROM, TO_T, CID, "CSeq: 1 INVITE", CONTACT_B,
              "Content-Type: application/sdp"], answer)
    ack = sip(["ACK sip:callee@10.213.0.2:5060;transport=sctp SIP/2.0", VIA + "ack",
               "Max-Forwards: 70", FROM, TO_T, CID, "CSeq: 1 ACK", CONTACT_A])
    bye = sip(["BYE sip:callee@10.213.0.2:5060;transport=sctp SIP/2.0", VIA + "bye",
               "Max-Forwards: 70", FROM, TO_T, CID, "CSeq: 2 BYE", CONTACT_A])
    bye_ok = sip(["SIP/2.0 200 OK", VIA + "bye", FROM, TO_T, CID, "CSeq: 2 BYE", CONTACT_B])
    return invite, trying, ringing, ok, ack, bye, bye_ok


def build():
    invite, trying, ringing, ok, ack, bye, bye_ok = messages()
    assert DATA_ROOM < len(invite) <= 2 * DATA_ROOM, len(invite)
    cookie = b"sipflow-state-cookie-" + bytes(range(43))
    init_v = struct.pack("!IIHHI", TAG_A, 106496, 10, 65535, TSN_A)
    init_ack_v = struct.pack("!IIHHI", TAG_B, 106496, 10, 10, TSN_B)
    init_ack_v += struct.pack("!HH", 7, 4 + len(cookie)) + cookie  # State Cookie (RFC 9260 3.3.3)
    a, b = TSN_A, TSN_B
    frames = [  # (seconds after T0, a_to_b, vtag, chunks)
        (0.000000, True, 0, [chunk(1, 0, init_v)]),
        (0.000210, False, TAG_A, [chunk(2, 0, init_ack_v)]),
        (0.000390, True, TAG_B, [chunk(10, 0, cookie)]),
        (0.000520, False, TAG_A, [chunk(11, 0, b"")]),
        (0.001000, True, TAG_B, [data_chunk(a, 0, invite[:DATA_ROOM], flags=0x02)]),
        (0.001040, True, TAG_B, [data_chunk(a + 1, 0, invite[DATA_ROOM:], flags=0x01)]),
        (0.001900, False, TAG_A, [sack(a + 1), data_chunk(b, 0, trying)]),
        (0.052000, False, TAG_A, [data_chunk(b + 1, 1, ringing), data_chunk(b + 2, 2, ok)]),
        (0.052300, True, TAG_B, [sack(b + 2)]),
        (0.060000, True, TAG_B, [data_chunk(a + 2, 1, ack)]),
        (1.060000, True, TAG_B, [data_chunk(a + 2, 1, ack)]),  # T3-rtx: same TSN
        (1.060250, False, TAG_A, [sack(a + 2, dups=[a + 2])]),
        (1.260000, True, TAG_B, [data_chunk(a + 3, 2, bye)]),
        (1.260900, False, TAG_A, [sack(a + 3), data_chunk(b + 3, 3, bye_ok)]),
        (1.261200, True, TAG_B, [sack(b + 3)]),
        (1.300000, True, TAG_B, [chunk(7, 0, struct.pack("!I", b + 3))]),
        (1.300300, False, TAG_A, [chunk(8, 0, b"")]),
        (1.300500, True, TAG_B, [chunk(14, 0, b"")]),
    ]
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)  # pcap, Ethernet
    for t, a_to_b, vtag, chunks in frames:
        f = frame(a_to_b, vtag, chunks)
        usec = round(t * 1e6)
        out += struct.pack("<IIII", T0 + usec // 1000000, usec % 1000000, len(f), len(f)) + f
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "sctp-basic-call.pcap")
    with open(path, "wb") as f:
        f.write(build())
    print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
