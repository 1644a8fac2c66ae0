#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the small committed seeds in tests/fuzz/corpus/ (made here, not
taken from anywhere). Re-run after changing a harness's input format:
    tests/fuzz/make-corpus.py"""
import gzip
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- fuzz_engine: 8 bytes per message (see fuzz_engine.c) -----------------
M = {"INVITE": 0, "ACK": 1, "BYE": 2, "CANCEL": 3, "OPTIONS": 4, "REGISTER": 5, "PRACK": 6}
CODES = [100, 180, 181, 183, 199, 200, 202, 300, 301, 302, 380, 400, 401, 403, 404, 407, 408,
         420, 422, 480, 481, 482, 483, 486, 487, 488, 491, 500, 502, 503, 504, 600, 603, 604,
         606, 699]


def req(method, callid=0, ftag=0, ttag=0, sdp=False, branch=0, cseq=1, src=0, dst_far=True,
        step=1, extra=0, val=0, tcp=False):
    b1 = callid | ftag << 2 | ttag << 4 | (0x80 if sdp else 0)
    b5 = src | (4 if dst_far else 0) | step << 4 | (0x80 if tcp else 0)
    return bytes([M[method], b1, branch | extra << 6, cseq - 1, 0, b5, val, 0])


def rsp(code, method, callid=0, ftag=0, ttag=1, sdp=False, branch=0, cseq=1, src=2,
        dst_far=False, step=1, extra=0, val=0, tcp=False):
    b0 = 144 + CODES.index(code)  # 144 % 36 == 0
    b1 = callid | ftag << 2 | ttag << 4 | (0x80 if sdp else 0)
    b5 = src | (4 if dst_far else 0) | step << 4 | (0x80 if tcp else 0)
    return bytes([b0, b1, branch | extra << 6, cseq - 1, M[method], b5, val, 0])


basic = b"\x00" + req("INVITE", sdp=True, branch=1) + rsp(100, "INVITE", ttag=0, branch=1) + \
    rsp(180, "INVITE", branch=1) + rsp(200, "INVITE", branch=1, sdp=True, extra=3, val=90) + \
    req("ACK", ttag=1, branch=2) + req("BYE", ttag=1, branch=3, cseq=2, extra=2, val=16) + \
    rsp(200, "BYE", branch=3, cseq=2)
put("fuzz_engine", "basic-call", basic)
cancel = b"\x00" + req("INVITE", branch=1) + rsp(180, "INVITE", branch=1) + \
    req("CANCEL", branch=1) + rsp(200, "CANCEL", branch=1) + rsp(487, "INVITE", branch=1) + \
    req("ACK", ttag=1, branch=1)
put("fuzz_engine", "cancel", cancel)
register = b"\x01" + req("REGISTER", branch=4, extra=1, val=60, dst_far=False) + \
    rsp(401, "REGISTER", branch=4, src=1, dst_far=True) + \
    req("REGISTER", branch=5, cseq=2, extra=1, val=60, dst_far=False) + \
    rsp(200, "REGISTER", branch=5, cseq=2, src=1, dst_far=True, extra=1, val=60)
put("fuzz_engine", "register-challenge", register)
busy = b"\x02" + req("INVITE", branch=1, tcp=True) + req("INVITE", branch=1, step=3, tcp=True) + \
    rsp(486, "INVITE", branch=1, tcp=True) + rsp(486, "INVITE", branch=1, step=3, tcp=True) + \
    req("ACK", ttag=1, branch=1, tcp=True) + rsp(200, "BYE", callid=3, branch=6)
put("fuzz_engine", "busy-retransmitted", busy)

# ---- fuzz_sip_parser / fuzz_sip_stream / fuzz_json -------------------------
INVITE = (
    "INVITE sip:bob@example.com;transport=tcp SIP/2.0\r\n"
    "Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;rport;received=192.0.2.9\r\n"
    "v: SIP/2.0/TCP p.example.com;branch=z9hG4bK2, SIP/2.0/UDP q;branch=x\r\n"
    "f: \"A \\\"q\\\" b\" <sip:alice:pw@example.com:5070;user=phone?x=y>;tag=ab\r\n"
    "t: sip:bob@example.com;tag=cd\r\n"
    "i: abc@h\r\nCSeq: 7 INVITE\r\nMax-Forwards: 70\r\nExpires: 120\r\n"
    "m: <sips:c@[::1]:1>;expires=5, *\r\n"
    "Route: <sip:r1;lr>,<sip:r2;lr>\r\nRecord-Route: <sip:rr;lr>\r\n"
    "Authorization: Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"\r\n"
    "Reason: Q.850;cause=16;text=\"Normal\"\r\nWarning: 399 h \"w1\", 307 g \"w2\"\r\n"
    "Session-Expires: 1800;refresher=uas\r\nRSeq: 3\r\nRAck: 3 7 INVITE\r\n"
    "P-Asserted-Identity: <tel:+15551234;phone-context=x>\r\n"
    "Subject: folded\r\n  line\r\n"
    "c: application/sdp\r\nl: 132\r\n\r\n"
    "v=0\r\no=- 1 2 IN IP6 ::1\r\ns=-\r\nc=IN IP4 224.2.1.1/127/3\r\nt=0 0\r\n"
    "m=audio 4000/2 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=recvonly\r\n")
put("fuzz_sip_parser", "many-headers", INVITE.encode())
RESP = ("SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\n"
        "To: <sip:b@h>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
put("fuzz_sip_parser", "response", RESP.encode())
stream = ("\r\n\r\n" + RESP + INVITE + "garbage\r\n" + RESP.replace("Content-Length: 0\r\n", "")
          + RESP).encode()
put("fuzz_sip_stream", "three-messages-chunks", b"\x10\x12\x34\x03" + stream)
put("fuzz_sip_stream", "three-messages-whole", b"\x80\x00\x01\x00" + stream)
put("fuzz_json", "utf8", "plain \"q\" \\ \t\n é € 𝄞 ".encode() + b"\x00\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xff")


# ---- fuzz_capture_file / fuzz_packet_path: one SIP/UDP packet --------------
def udp_ipv4(payload, src=(192, 0, 2, 1), dst=(192, 0, 2, 2), sport=5060, dport=5060):
    udp = struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(src),
                     bytes(dst))
    return ip + udp


ip = udp_ipv4(RESP.encode())
eth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip
pcap = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
pcap += struct.pack("<IIII", 1700000000, 5, len(eth), len(eth)) + eth
put("fuzz_capture_file", "pcap-eth", pcap)
put("fuzz_capture_file", "pcap-gzip", gzip.compress(pcap, mtime=0))


def block(btype, body):
    body += b"\x00" * (-len(body) % 4)
    return struct.pack("<II", btype, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))


ng = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
ng += block(1, struct.pack("<HHI", 1, 0, 65535))
ng += block(1, struct.pack("<HHI", 101, 0, 128) + struct.pack("<HHB3x", 9, 1, 9) + b"\x00" * 4)
ng += block(6, struct.pack("<IIIII", 0, 0, 1000, len(eth), len(eth)) + eth)
ng += block(6, struct.pack("<IIIII", 1, 0, 2000, 128, len(ip)) + ip[:128])
ng += block(3, struct.pack("<I", len(ip)) + ip)
put("fuzz_capture_file", "pcapng-two-ifaces", ng)
put("fuzz_packet_path", "eth-and-raw", b"\x00" + bytes([0x20]) + struct.pack(">H", len(eth)) + eth
    + bytes([0x21 | 0x10]) + struct.pack(">H", 60) + ip[:60])

# ---- fuzz_ws_stream: 4 control bytes (mode<<6 | cap, seed, gaps) + stream ---
def ws_frame(payload, op=1, fin=True, key=None):
    n = len(payload)
    m = 0x80 if key else 0
    hdr = bytes([(0x80 if fin else 0) | op])
    if n < 126:
        hdr += bytes([m | n])
    elif n < 65536:
        hdr += bytes([m | 126]) + struct.pack(">H", n)
    else:
        hdr += bytes([m | 127]) + struct.pack(">Q", n)
    if key:
        payload = bytes(c ^ key[i % 4] for i, c in enumerate(payload))
        hdr += key
    return hdr + payload


WS_SIP = (b"OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/WS x.invalid;branch=z9hG4bK1\r\n"
          b"Call-ID: f1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
WS_REQ = (b"GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          b"Sec-WebSocket-Protocol: sip\r\n\r\n")
WS_RESP = b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: sip\r\n\r\n"
K = b"\x12\x34\x56\x78"
client = WS_REQ + ws_frame(WS_SIP[:50], fin=False, key=K) + ws_frame(b"hi", op=9, key=K) + \
    ws_frame(WS_SIP[50:], op=0, key=K) + ws_frame(WS_SIP * 2, key=K)
put("fuzz_ws_stream", "client-fragmented-ping", b"\x20\x10\x35\x00" + client)
server = WS_RESP + ws_frame(WS_SIP) + ws_frame(b"", op=10) + ws_frame(WS_SIP * 3, op=2) + \
    ws_frame(b"\x03\xe8", op=8)
put("fuzz_ws_stream", "server-16bit", b"\x60\x00\x01\x00" + server)
put("fuzz_ws_stream", "midstream-gaps", b"\xa0\x77\x12\x05" + ws_frame(WS_SIP, key=K) * 4)
put("fuzz_ws_stream", "demux-ws", b"\xe0\x00\x01\x00" + client)
sni = b"sip.example.com"
ext = struct.pack(">HHHBH", 0, len(sni) + 5, len(sni) + 3, 0, len(sni)) + sni + \
    bytes([0, 43, 0, 5, 4, 3, 4, 3, 3])
body = b"\x03\x03" + b"\x42" * 32 + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + \
    struct.pack(">H", len(ext)) + ext
hello = b"\x16\x03\x01" + struct.pack(">H", len(body) + 4) + b"\x01\x00" + \
    struct.pack(">H", len(body)) + body
put("fuzz_ws_stream", "demux-tls-hello", b"\xe0\x00\x05\x00" + hello + b"\x17\x03\x03\x00\x02ab")

# ---- fuzz_sctp: flags(1) len(2) SCTP packet (see fuzz_sctp.c) --------------
def sctp(vtag, chunks):
    return struct.pack(">HHII", 5061, 5060, vtag, 0) + b"".join(chunks)


def sctp_chunk(ctype, flags, value):
    c = struct.pack(">BBH", ctype, flags, 4 + len(value)) + value
    return c + b"\x00" * (-len(c) % 4)


def sctp_data(tsn, stream, flags, payload, ppid=0):
    return sctp_chunk(0, flags, struct.pack(">IHHI", tsn, stream, 0, ppid) + payload)


def sctp_idata(tsn, stream, mid, flags, ppid_fsn, payload):
    return sctp_chunk(64, flags, struct.pack(">IHHII", tsn, stream, 0, mid, ppid_fsn) + payload)


def sctp_records(recs):
    out = b"\x00"
    for flags, pkt in recs:
        out += bytes([flags]) + struct.pack(">H", len(pkt)) + pkt
    return out


inv = RESP.encode()
half = len(inv) // 2
put("fuzz_sctp", "fragments-bundles-retransmission", sctp_records([
    (0, sctp(7, [sctp_data(1, 0, 2, inv[:half])])),
    (0, sctp(7, [sctp_data(2, 0, 1, inv[half:]), sctp_data(3, 1, 3, inv)])),
    (0, sctp(7, [sctp_data(3, 1, 3, inv)])),
    (1, sctp(9, [sctp_chunk(3, 0, struct.pack(">IIHH", 3, 65536, 0, 0)),
                 sctp_idata(1, 2, 0, 2, 0, inv[:half]), sctp_idata(2, 2, 0, 1, 1, inv[half:])])),
    (0xE1, sctp(9, [sctp_chunk(6, 0, b"")])),
]))

# ---- fuzz_hep: ctl byte, cap byte, then HEP bytes (see fuzz_hep.c) ----------
def hep3(payload, sec=1700000000, usec=0, ptype=1, proto=17, v6=False, zipped=False, extra=b""):
    def chunk(t, v):
        return struct.pack(">HHH", 0, t, 6 + len(v)) + v
    c = chunk(1, bytes([10 if v6 else 2])) + chunk(2, bytes([proto]))
    if v6:
        c += chunk(5, b"\x20\x01\x0d\xb8" + b"\x00" * 11 + b"\x01")
        c += chunk(6, b"\x20\x01\x0d\xb8" + b"\x00" * 11 + b"\x02")
    else:
        c += chunk(3, bytes([10, 0, 0, 1])) + chunk(4, bytes([10, 0, 0, 2]))
    c += chunk(7, struct.pack(">H", 5060)) + chunk(8, struct.pack(">H", 5062))
    c += chunk(9, struct.pack(">I", sec)) + chunk(10, struct.pack(">I", usec))
    c += chunk(11, bytes([ptype])) + chunk(12, struct.pack(">I", 2001))
    c += chunk(17, b"corr-id") + struct.pack(">HHH", 0x1234, 1, 8) + b"vd" + extra
    c += chunk(16, zlib.compress(payload)) if zipped else chunk(15, payload)
    return b"HEP3" + struct.pack(">H", 6 + len(c)) + c


def hep2(payload, sec=1700000000, usec=0, version=2):
    h = bytes([version, 16, 2, 17]) + struct.pack(">HH", 5060, 5062)
    h += bytes([10, 0, 0, 1, 10, 0, 0, 2])
    if version == 2:
        h += struct.pack("<IIHxx", sec, usec, 2001)
    return h + payload


SIPB = INVITE.encode()
put("fuzz_hep", "hep3-whole", b"\x80\x03" + hep3(RESP.encode()))
put("fuzz_hep", "hep3-v6-zlib", b"\x80\x03" + hep3(SIPB, v6=True, zipped=True, proto=6))
put("fuzz_hep", "hep3-stream-split-reordered",
    b"\x47\x02" + hep3(RESP.encode(), usec=500000) + hep3(SIPB, usec=100000)
    + hep3(b"rtcp", ptype=5) + hep3(RESP.encode(), sec=1700000003))
put("fuzz_hep", "hep2-v4", b"\x40\x07" + hep2(SIPB))
put("fuzz_hep", "hep3-garbage-gap", b"\xa5\x01" + b"xxHE" + hep3(RESP.encode()) + hep3(SIPB))
heth = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + udp_ipv4(hep3(RESP.encode()), dport=9060)
put("fuzz_packet_path", "hep3-udp", b"\x00" + bytes([0x20]) + struct.pack(">H", len(heth)) + heth)
