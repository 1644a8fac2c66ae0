#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Adversarial captures for the hostile-input tests (issue 6), generated at
test time into a temporary directory and never committed (the large ones are
megabytes).

generate(outdir) writes one capture per case and returns {case: facts}:
  path        the capture file
  real_call   Call-ID of the embedded well-formed call (INVITE/100/180/200/
              ACK/BYE/200) or None
  marks       {name: frame} frames the test expects an anomaly at
  msgs        {name: frame} frames of other messages the test follows
What sipflow must do with each case is stated in test_hostile.py's table.

Usage: make_hostile.py OUTDIR [CASE...]   writes the captures, prints the facts
"""

import json
import os
import struct
import sys

# ---------------------------------------------------------------- containers

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113
LINKTYPE_USER0 = 147  # a link type sipflow does not decode


class Pcap:
    """A classic microsecond pcap, built in memory. add() returns the frame
    number (1-based, as Wireshark numbers records)."""

    def __init__(self, linktype=LINKTYPE_ETHERNET, snaplen=65535):
        self.snaplen = snaplen
        self.parts = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, linktype)]
        self.frames = 0
        self.t = 1_764_000_000.0  # capture time, seconds

    def add(self, data, dt=0.001, caplen=None, origlen=None, cut_to_snaplen=True):
        self.t += dt
        sec = int(self.t)
        usec = int(round((self.t - sec) * 1e6)) % 1_000_000
        origlen = len(data) if origlen is None else origlen
        if caplen is None:
            caplen = min(len(data), self.snaplen) if cut_to_snaplen else len(data)
        self.parts.append(struct.pack("<IIII", sec, usec, caplen, origlen))
        self.parts.append(data[:caplen])
        self.frames += 1
        return self.frames

    def raw(self, b):
        self.parts.append(b)

    def write(self, path):
        with open(path, "wb") as f:
            for p in self.parts:
                f.write(p)


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


class Pcapng:
    """A pcapng section with several interfaces (link type, snaplen)."""

    def __init__(self, interfaces):
        self.parts = [self._block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
        for linktype, snaplen in interfaces:
            self.parts.append(self._block(1, struct.pack("<HHI", linktype, 0, snaplen)))
        self.snaplens = [s for _, s in interfaces]
        self.frames = 0
        self.t = 1_764_000_000.0

    @staticmethod
    def _block(btype, body):
        body = _pad4(body)
        n = len(body) + 12
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)

    def add(self, iface, data, dt=0.001):
        self.t += dt
        ts = int(self.t * 1e6)  # default if_tsresol: microseconds
        cap = min(len(data), self.snaplens[iface])
        body = struct.pack("<IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, cap, len(data)) + data[:cap]
        self.parts.append(self._block(6, body))
        self.frames += 1
        return self.frames

    def write(self, path):
        with open(path, "wb") as f:
            for p in self.parts:
                f.write(p)


# ----------------------------------------------------------------- packets


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return bytes(int(x) for x in a.split("."))


def ip6(a):
    # only the short forms used below: "2001:db8::N"
    head, tail = a.split("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    return struct.pack("!8H", *(h + [0] * (8 - len(h) - len(t)) + t))


def ether(payload, ethertype=0x0800):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ident=1, mf=False, offset=0, total=None):
    total = 20 + len(payload) if total is None else total
    fl = (0x2000 if mf else 0) | (offset // 8)
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, ident, fl, 64, proto, 0, ip4(src), ip4(dst))
    h = h[:10] + struct.pack("!H", _csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, frag=None):
    """frag = (ident, offset, more) adds a Fragment header (RFC 8200 4.5)."""
    if frag is not None:
        ident, offset, more = frag
        payload = struct.pack("!BBHI", nh, 0, offset | (1 if more else 0), ident) + payload
        nh = 44
    h = struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, ip6(src), ip6(dst))
    return h + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50, flags,
                       65535, 0, 0) + payload


FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

A = ("10.6.0.1", 5060)
B = ("10.6.0.2", 5060)


def eth_udp4(a, b, payload):
    return ether(ipv4(a[0], b[0], 17, udp(a[1], b[1], payload)))


# ------------------------------------------------------------------- SIP


def sip(start, callid, cseq, headers=(), body=b"", via=("10.6.0.1", 5060), branch="z9hG4bKh1",
        ftag="ft1", ttag=None, transport="UDP", contact=True):
    """A well-formed SIP message (RFC 3261 7, 8.1.1)."""
    h = [start,
         f"Via: SIP/2.0/{transport} {via[0]}:{via[1]};branch={branch}",
         "Max-Forwards: 70",
         f"From: <sip:alice@{A[0]}>;tag={ftag}",
         f"To: <sip:bob@{B[0]}>" + (f";tag={ttag}" if ttag else ""),
         f"Call-ID: {callid}",
         f"CSeq: {cseq}"]
    if contact:
        h.append(f"Contact: <sip:alice@{A[0]}:{A[1]}>")
    h += list(headers)
    h.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(h) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body


REAL_KEYS = ["INVITE", "100", "180", "200", "ACK", "BYE", "200"]


def real_call(callid, transport="UDP"):
    """The well-formed call each case embeds: [(direction, bytes)], direction
    'ab' (caller to callee) or 'ba'."""
    x = []
    sdp = (b"v=0\r\no=- 1 1 IN IP4 10.6.0.1\r\ns=-\r\nc=IN IP4 10.6.0.1\r\nt=0 0\r\n"
           b"m=audio 4000 RTP/AVP 0\r\n")
    ct = ["Content-Type: application/sdp"]
    br1, br2, br3 = "z9hG4bKrc1" + callid[:6], "z9hG4bKrc2" + callid[:6], "z9hG4bKrc3" + callid[:6]
    kw = dict(transport=transport)
    inv, ack, bye = (f"{m} sip:bob@{B[0]} SIP/2.0" for m in ("INVITE", "ACK", "BYE"))
    return [
        ("ab", sip(inv, callid, "1 INVITE", ct + x, sdp, branch=br1, **kw)),
        ("ba", sip("SIP/2.0 100 Trying", callid, "1 INVITE", x, branch=br1, contact=False, **kw)),
        ("ba", sip("SIP/2.0 180 Ringing", callid, "1 INVITE", x, branch=br1, ttag="tt1", **kw)),
        ("ba", sip("SIP/2.0 200 OK", callid, "1 INVITE", ct + x, sdp, branch=br1, ttag="tt1",
                   **kw)),
        ("ab", sip(ack, callid, "1 ACK", x, branch=br2, ttag="tt1", **kw)),
        ("ab", sip(bye, callid, "2 BYE", x, branch=br3, ttag="tt1", **kw)),
        ("ba", sip("SIP/2.0 200 OK", callid, "2 BYE", x, branch=br3, ttag="tt1", contact=False,
                   **kw)),
    ]


def add_real_call_udp(pc, callid, a=A, b=B):
    frames = []
    for d, m in real_call(callid):
        s, t = (a, b) if d == "ab" else (b, a)
        frames.append(pc.add(eth_udp4(s, t, m)))
    return frames


class TcpConn:
    """One TCP connection between a and b, written into a Pcap."""

    def __init__(self, pc, a, b, isn_a=1000, isn_b=5000, handshake=True):
        self.pc, self.a, self.b = pc, a, b
        self.seq = {"ab": isn_a, "ba": isn_b}
        if handshake:
            self.seg("ab", b"", SYN, seq=isn_a - 1)
            self.seg("ba", b"", SYN | ACK, seq=isn_b - 1)
            self.seg("ab", b"", ACK)

    def seg(self, d, data, flags=ACK | PSH, seq=None, dt=0.0001):
        s, t = (self.a, self.b) if d == "ab" else (self.b, self.a)
        o = "ba" if d == "ab" else "ab"
        sq = self.seq[d] if seq is None else seq
        pkt = ether(ipv4(s[0], t[0], 6, tcp(s[1], t[1], sq, self.seq[o], flags, data)))
        return self.pc.add(pkt, dt=dt)

    def send(self, d, data, mss=1400, dt=0.0001):
        """Sends data in order in segments of at most mss; returns frames."""
        frames = []
        for i in range(0, len(data), mss):
            frames.append(self.seg(d, data[i:i + mss], dt=dt))
            self.seq[d] += len(data[i:i + mss])
        return frames

    def fin(self):
        for d in ("ab", "ba"):
            self.seg(d, b"", FIN | ACK)
            self.seq[d] += 1


def add_real_call_tcp(conn, callid):
    frames = []
    for d, m in real_call(callid, transport="TCP"):
        frames.append(conn.send(d, m)[-1])
    return frames


# ------------------------------------------------------------------- cases

CASES = {}


def case(fn):
    CASES[fn.__name__.replace("_", "-")] = fn
    return fn


@case
def empty_file(path):
    open(path, "wb").close()
    return {}


@case
def header_only_pcap(path):
    Pcap().write(path)
    return {}


@case
def header_only_pcapng(path):
    Pcapng([(LINKTYPE_ETHERNET, 65535)]).write(path)
    return {}


@case
def truncated_mid_record(path):
    pc = Pcap()
    f = add_real_call_udp(pc, "real-trunc-rec")
    m = sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "cut-options", "1 OPTIONS")
    pc.add(eth_udp4(A, B, m))
    pc.parts[-1] = pc.parts[-1][:40]  # the file ends 40 bytes into its data
    return {"real_frames": f, "marks": {"cut": pc.frames}, "pc": pc}


@case
def truncated_mid_header(path):
    pc = Pcap()
    f = add_real_call_udp(pc, "real-trunc-hdr")
    pc.raw(struct.pack("<IIII", 1, 2, 3, 4)[:9])  # 9 of a record header's 16 bytes
    return {"real_frames": f, "marks": {"cut": pc.frames + 1}, "pc": pc}


@case
def caplen_invalid(path):
    """Records whose captured length exceeds the snaplen, the original
    length, or both; the bytes are all there."""
    pc = Pcap(snaplen=400)
    msgs = real_call("real-caplen")
    f = []
    for i, (d, m) in enumerate(msgs):
        s, t = (A, B) if d == "ab" else (B, A)
        pkt = eth_udp4(s, t, m)
        if i == 0:  # caplen > snaplen (and = len)
            f.append(pc.add(pkt, caplen=len(pkt), cut_to_snaplen=False))
        elif i == 2:  # caplen > len (but <= snaplen)
            f.append(pc.add(pkt, origlen=len(pkt) - 40))
        elif i == 3:  # caplen > snaplen and > len
            f.append(pc.add(pkt, caplen=len(pkt), origlen=len(pkt) - 40, cut_to_snaplen=False))
        else:
            f.append(pc.add(pkt, cut_to_snaplen=False, caplen=len(pkt)))
    marks = {"gt_snaplen": f[0], "gt_len": f[2], "gt_both": f[3]}
    assert len(msgs[0][1]) + 42 > 400 and len(msgs[3][1]) + 42 > 400
    for i in (1, 4, 5, 6):
        assert len(msgs[i][1]) + 42 <= 400, "keep the other messages under the snaplen"
    return {"real_frames": f, "marks": marks, "pc": pc}


@case
def snaplen_cut_sip(path):
    """A 2 KB OPTIONS cut by a 1000-byte snaplen; the real call's messages
    are shorter than the snaplen."""
    pc = Pcap(snaplen=1000)
    cut = pc.add(eth_udp4(A, B, sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "snap-cut", "1 OPTIONS",
                                    headers=["X-Big: " + "b" * 2000])))
    f = add_real_call_udp(pc, "real-snaplen")
    return {"real_frames": f, "marks": {"cut": cut}, "msgs": {"cut": cut}, "pc": pc}


def sll(payload, proto=0x0800):
    return struct.pack("!HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\x01\0\0", proto) + payload


@case
def pcapng_interfaces(path):
    """Four interfaces: Ethernet 65535, raw IPv4 1500, Linux SLL 2000, and a
    link type sipflow does not decode."""
    ng = Pcapng([(LINKTYPE_ETHERNET, 65535), (LINKTYPE_RAW, 1500), (LINKTYPE_LINUX_SLL, 2000),
                 (LINKTYPE_USER0, 128)])
    f = []
    unsupported = None
    for i, (d, m) in enumerate(real_call("real-pcapng")):
        s, t = (A, B) if d == "ab" else (B, A)
        ip = ipv4(s[0], t[0], 17, udp(s[1], t[1], m))
        iface = i % 3
        if i == 2:
            unsupported = ng.add(3, b"\0" * 16 + ip)
        f.append(ng.add(iface, ether(ip) if iface == 0 else ip if iface == 1 else sll(ip)))
    ng.write(path)
    return {"real_frames": f, "marks": {"unsupported": unsupported}}


def frag4(src, dst, payload, ident, pieces):
    """IPv4 fragments of a UDP datagram: pieces = [(offset, length, more)]
    over udp(...) bytes (payload already holds the UDP header)."""
    return [ipv4(src, dst, 17, payload[o:o + n], ident=ident, mf=mf, offset=o)
            for o, n, mf in pieces]


@case
def frag_v4_overlap(path):
    """The real INVITE in three IPv4 fragments, the middle one sent again
    overlapping both neighbours with different bytes: the first copy of
    every byte wins (docs/anomalies.md), so the INVITE is intact."""
    pc = Pcap()
    msgs = real_call("real-frag4")
    f = []
    inv = udp(A[1], B[1], msgs[0][1])
    n = len(inv)
    a, b = 128, 256
    pcs = frag4(A[0], B[0], inv, 77, [(0, a, True), (a, b - a, True)])
    f1 = pc.add(ether(pcs[0]))
    pc.add(ether(pcs[1]))
    bad = bytearray(inv)
    for i in range(a - 64, b):  # only bytes already held differ
        bad[i] = 0x58  # 'X'
    over = pc.add(ether(ipv4(A[0], B[0], 17, bytes(bad[a - 64:b + 64]), ident=77, mf=True,
                             offset=a - 64)))
    last = pc.add(ether(ipv4(A[0], B[0], 17, inv[b:], ident=77, offset=b)))
    assert n > b + 64
    f.append(last)
    for d, m in msgs[1:]:
        s, t = (A, B) if d == "ab" else (B, A)
        f.append(pc.add(eth_udp4(s, t, m)))
    # a second datagram whose last fragment comes twice with different
    # ends before the datagram completes: the second is a conflicting last
    # fragment (ip-malformed) and is ignored; the datagram then completes
    opt = udp(A[1], B[1], sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "frag-opt", "1 OPTIONS"))
    o1 = pc.add(ether(ipv4(A[0], B[0], 17, opt[128:], ident=78, offset=128)))
    o2 = pc.add(ether(ipv4(A[0], B[0], 17, opt[128:len(opt) - 8], ident=78, offset=128)))
    o3 = pc.add(ether(ipv4(A[0], B[0], 17, opt[:128], ident=78, mf=True)))
    return {"real_frames": f, "marks": {"overlap": over, "first": f1, "conflict_last": o2},
            "msgs": {"frag_opt": o3}, "pc": pc}


@case
def frag_v6_overlap(path):
    """An IPv6 OPTIONS in fragments with an overlap: the datagram is
    discarded (RFC 5722); then the real call, its INVITE fragmented cleanly."""
    pc = Pcap()
    a6, b6 = ("2001:db8::1", 5060), ("2001:db8::2", 5060)
    opt = udp(5060, 5060, sip("OPTIONS sip:bob@[2001:db8::2] SIP/2.0", "frag6-opt", "1 OPTIONS"))
    pc.add(ether(ipv6(a6[0], b6[0], 17, opt[:128], frag=(99, 0, True)), 0x86DD))
    over = pc.add(ether(ipv6(a6[0], b6[0], 17, opt[64:192], frag=(99, 64, True)), 0x86DD))
    pc.add(ether(ipv6(a6[0], b6[0], 17, opt[128:], frag=(99, 128, False)), 0x86DD))
    f = []
    for i, (d, m) in enumerate(real_call("real-frag6")):
        s, t = (a6, b6) if d == "ab" else (b6, a6)
        u = udp(s[1], t[1], m)
        if i == 0:
            pc.add(ether(ipv6(s[0], t[0], 17, u[:200], frag=(100, 0, True)), 0x86DD))
            f.append(pc.add(ether(ipv6(s[0], t[0], 17, u[200:], frag=(100, 200, False)), 0x86DD)))
        else:
            f.append(pc.add(ether(ipv6(s[0], t[0], 17, u), 0x86DD)))
    return {"real_frames": f, "marks": {"overlap": over}, "pc": pc}


@case
def frag_flood(path):
    """100,000 first fragments that never complete (distinct IDs, within two
    seconds, so the caps evict rather than the timeout), then the real call
    with a fragmented INVITE."""
    pc = Pcap()
    filler = b"F" * 64
    first = None
    for i in range(100_000):
        src = f"10.7.{(i >> 8) & 0xFF}.{i & 0xFF}"
        fr = pc.add(ether(ipv4(src, B[0], 17, udp(5060, 5060, filler), ident=i & 0xFFFF, mf=True)),
                    dt=0.00001)
        first = first or fr
    f = []
    for i, (d, m) in enumerate(real_call("real-flood")):
        s, t = (A, B) if d == "ab" else (B, A)
        u = udp(s[1], t[1], m)
        if i == 0:
            pc.add(ether(ipv4(s[0], t[0], 17, u[:200], ident=4242, mf=True)))
            f.append(pc.add(ether(ipv4(s[0], t[0], 17, u[200:], ident=4242, offset=200))))
        else:
            f.append(pc.add(eth_udp4(s, t, m)))
    return {"real_frames": f, "marks": {"first": first}, "pc": pc}


@case
def frag_too_big(path):
    """IPv4 and IPv6 fragments that reach past 65,535 bytes."""
    pc = Pcap()
    big4 = pc.add(ether(ipv4(A[0], B[0], 17, b"Z" * 64, ident=5, offset=65528)))
    pc.add(ether(ipv4(A[0], B[0], 17, udp(5060, 5060, b"a" * 56), ident=5, mf=True)))
    a6, b6 = "2001:db8::1", "2001:db8::2"
    big6 = pc.add(ether(ipv6(a6, b6, 17, b"Z" * 64, frag=(6, 65528, False)), 0x86DD))
    f = add_real_call_udp(pc, "real-toobig")
    return {"real_frames": f, "marks": {"big4": big4, "big6": big6}, "pc": pc}


def _bad_cl_stream(path, cl, name):
    pc = Pcap()
    c = TcpConn(pc, A, B)
    bad = sip("INVITE sip:bob@10.6.0.2 SIP/2.0", name, "1 INVITE", transport="TCP")
    bad = bad.replace(b"Content-Length: 0", b"Content-Length: " + cl)
    badf = c.send("ab", bad + b"hello\r\n")[-1]
    f = add_real_call_tcp(c, "real-" + name)
    c.fin()
    return {"real_frames": f, "marks": {"bad": badf}, "msgs": {"bad": badf}, "pc": pc}


@case
def tcp_cl_huge(path):
    return _bad_cl_stream(path, b"2147483648", "cl-huge")


@case
def tcp_cl_nonnumeric(path):
    return _bad_cl_stream(path, b"twelve", "cl-nan")


@case
def tcp_headers_endless(path):
    """A header section that never ends (300 KB of header lines, no blank
    line, then FIN) on one connection; the real call on another."""
    pc = Pcap()
    c = TcpConn(pc, A, B)
    head = b"INVITE sip:bob@10.6.0.2 SIP/2.0\r\nCall-ID: endless\r\n"
    first = c.send("ab", head)[-1]
    c.send("ab", b"X-Endless: yes\r\n" * 20000)
    c.fin()
    c2 = TcpConn(pc, ("10.6.0.1", 5070), B, isn_a=9000, isn_b=19000)
    f = add_real_call_tcp(c2, "real-endless")
    c2.fin()
    return {"real_frames": f, "marks": {"first": first}, "pc": pc}


@case
def tcp_one_byte_segments(path):
    """About 100,000 one-byte segments (about 385 OPTIONS, then the real
    call, requests one way and responses the other) with conflicting
    retransmissions: of queued out-of-order bytes (every 97th; a counted
    tcp-conflict) and of delivered bytes (every 89th; tcp_reassembly.c keeps
    no copy of delivered data, so these are skipped uncompared). The first
    copy wins: every message is intact."""
    pc = Pcap()
    c = TcpConn(pc, A, B)
    stream = []
    for i in range(385):
        stream.append(("ab", sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", f"opt-{i}", f"{i + 1} OPTIONS",
                                 transport="TCP", branch=f"z9hG4bKo{i}")))
    stream += real_call("real-onebyte", transport="TCP")
    conflicts, f, total = [], [], 0
    for d, m in stream:
        last = None
        j = 0
        while j < len(m):
            total += 1
            if total % 97 == 0 and j + 1 < len(m):
                # byte j+1 first (queued out of order), then a different
                # copy of it (conflicts with the queued one, which wins),
                # then byte j, which delivers both
                sq = c.seq[d]
                c.seg(d, m[j + 1:j + 2], seq=sq + 1, dt=0.00001)
                alt = b"#" if m[j + 1:j + 2] != b"#" else b"$"
                conflicts.append(c.seg(d, alt, seq=sq + 1, dt=0.00001))
                last = c.seg(d, m[j:j + 1], dt=0.00001)
                c.seq[d] += 2
                j += 2
                total += 1
                continue
            last = c.seg(d, m[j:j + 1], dt=0.00001)
            if total % 89 == 0:  # a retransmission of delivered data, differing
                c.seg(d, b"%", dt=0.00001)
            c.seq[d] += 1
            j += 1
        f.append(last)
    c.fin()
    assert total >= 100_000, total
    return {"real_frames": f[-7:],
            "marks": {"conflict0": conflicts[0], "conflict_last": conflicts[-1]},
            "conflicts": len(conflicts), "pc": pc}


@case
def tcp_seq_wrap(path):
    """Sequence numbers wrap past 2^32 in the middle of the INVITE and in
    the middle of the 200 (RFC 9293 3.4 modular arithmetic)."""
    pc = Pcap()
    c = TcpConn(pc, A, B, isn_a=0xFFFFFFFF - 300, isn_b=0xFFFFFFFF - 400)
    f = []
    for d, m in real_call("real-wrap", transport="TCP"):
        f.append(c.send(d, m, mss=100)[-1])
    c.fin()
    return {"real_frames": f, "marks": {}, "pc": pc}


@case
def tcp_stream_flood(path):
    """50,000 connections that open, carry the start of a request and never
    close, then the real call on one more."""
    pc = Pcap()
    part = b"REGISTER sip:10.6.0.2 SIP/2.0\r\nVia: SIP/2.0/TCP 10.8.0.1;branch=z9hG4bKf\r\n"
    first = None
    for i in range(50_000):
        a = (f"10.8.{(i >> 8) & 0xFF}.{i & 0xFF}", 10000 + (i % 50000))
        s = ether(ipv4(a[0], B[0], 6, tcp(a[1], B[1], 100, 0, SYN)))
        fr = pc.add(s, dt=0.00001)
        first = first or fr
        pc.add(ether(ipv4(a[0], B[0], 6, tcp(a[1], B[1], 101, 1, ACK | PSH, part))), dt=0.00001)
    c = TcpConn(pc, A, B)
    f = add_real_call_tcp(c, "real-streamflood")
    c.fin()
    return {"real_frames": f, "marks": {"first": first}, "pc": pc}


@case
def tcp_midstream_gap(path):
    """The capture starts in the middle of a message's body (no SYN), and a
    segment inside a later OPTIONS is missing; the real call follows on the
    same connection."""
    pc = Pcap()
    c = TcpConn(pc, A, B, handshake=False)
    c.send("ab", b"a=rtpmap:0 PCMU/8000\r\n")  # tail of some earlier message
    o1 = sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "gap-opt1", "1 OPTIONS", transport="TCP")
    ok1 = c.send("ab", o1)[-1]
    o2 = sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "gap-opt2", "2 OPTIONS", transport="TCP",
             headers=["X-Long: " + "g" * 300])
    c.seg("ab", o2[:100])
    c.seq["ab"] += len(o2) - 100  # the rest of o2 is never captured
    after = None
    f = []
    for d, m in real_call("real-gap", transport="TCP"):
        fr = c.send(d, m)
        after = after or fr[0]
        f.append(fr[-1])
    c.fin()
    return {"real_frames": f, "marks": {"midstream": 1, "gap": after}, "msgs": {"opt1": ok1},
            "pc": pc}


@case
def tcp_huge_headers(path):
    """A message with 10,000 header lines and one with a 60 KB header line,
    both well-formed, on TCP; then the real call."""
    pc = Pcap()
    c = TcpConn(pc, A, B)
    many = sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "many-headers", "1 OPTIONS", transport="TCP",
               headers=[f"X-H{i}: {i}" for i in range(10_000)])
    long_ = sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "long-line", "2 OPTIONS", transport="TCP",
                headers=["X-Long: " + "L" * 60_000], branch="z9hG4bKlong")
    fm = c.send("ab", many)[-1]
    fl = c.send("ab", long_)[-1]
    f = add_real_call_tcp(c, "real-huge-hdr")
    c.fin()
    return {"real_frames": f, "marks": {}, "msgs": {"many": fm, "long": fl}, "pc": pc}


@case
def sip_garbage(path):
    """UDP messages that are odd or malformed one way each; then the real
    call. Every one must be reported as a message or as an anomaly at its
    frame."""
    pc = Pcap()
    m = {}

    def put(name, data, s=A, t=B):
        m[name] = pc.add(eth_udp4(s, t, data))

    put("nul", sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "nul-id", "1 OPTIONS",
                   headers=["Subject: a\0b\0c"]))
    put("nul_callid", sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "nul\0id", "1 OPTIONS",
                          branch="z9hG4bKn2"))
    put("bad_utf8", sip("MESSAGE sip:bob@10.6.0.2 SIP/2.0", "utf8-\udcff", "1 MESSAGE",
                        headers=["Subject: \udcff\udcfe caf\udce9"]))
    put("bad_utf8_raw", b"MESSAGE sip:bob@10.6.0.2 SIP/2.0\r\n"
        b"Call-ID: raw-\xc0\xaf-\xed\xa0\x80\r\n"
        b"CSeq: 1 MESSAGE\r\nFrom: \xff\xfe <sip:a@b>;tag=1\r\nTo: <sip:b@c>\r\n"
        b"Via: SIP/2.0/UDP 10.6.0.1;branch=z9hG4bKu\r\nContent-Length: 0\r\n\r\n")
    put("unknown_method", sip("FROBNICATE sip:bob@10.6.0.2 SIP/2.0", "unk-method", "1 FROBNICATE"))
    for code in ("0", "099", "999"):
        put(f"status_{code}", sip(f"SIP/2.0 {code} Odd", f"status-{code}", "1 OPTIONS"), B, A)
    no_cseq = sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "no-cseq", "1 OPTIONS")
    put("no_cseq", no_cseq.replace(b"CSeq: 1 OPTIONS\r\n", b""))
    put("two_callids", sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "two-1", "1 OPTIONS",
                           headers=["Call-ID: two-2"], branch="z9hG4bKtwo"))
    put("orphan_200", sip("SIP/2.0 200 OK", "orphan", "7 INVITE", ttag="x"), B, A)
    put("orphan_486", sip("SIP/2.0 486 Busy Here", "orphan2", "1 INVITE", ttag="x"), B, A)
    put("ack_unknown", sip("ACK sip:bob@10.6.0.2 SIP/2.0", "unknown-ack", "1 ACK", ttag="y"))
    put("bye_unknown", sip("BYE sip:bob@10.6.0.2 SIP/2.0", "unknown-bye", "5 BYE", ttag="y"))
    put("cancel_unknown", sip("CANCEL sip:bob@10.6.0.2 SIP/2.0", "unknown-cancel", "1 CANCEL"))
    put("empty_cl_body", sip("OPTIONS sip:bob@10.6.0.2 SIP/2.0", "cl-short", "1 OPTIONS")
        .replace(b"Content-Length: 0", b"Content-Length: 500"))
    f = add_real_call_udp(pc, "real-garbage")
    return {"real_frames": f, "marks": {}, "msgs": m, "pc": pc}


def generate(outdir, only=None):
    os.makedirs(outdir, exist_ok=True)
    facts = {}
    for name, fn in CASES.items():
        if only and name not in only:
            continue
        ext = ".pcapng" if "pcapng" in name else ".pcap"
        path = os.path.join(outdir, name + ext)
        fx = fn(path) or {}
        pc = fx.pop("pc", None)
        if pc is not None:
            pc.write(path)
        fx["path"] = path
        fx.setdefault("real_frames", [])
        fx.setdefault("marks", {})
        fx.setdefault("msgs", {})
        facts[name] = fx
    return facts


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    facts = generate(argv[1], set(argv[2:]) or None)
    print(json.dumps(facts, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
