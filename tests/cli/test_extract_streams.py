#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sipflow extract on calls over stream transports: every record of the
call's TCP connection is copied (handshake, HTTP Upgrade, WebSocket ping/
pong/close between fragments; RFC 6455 4, 5.4), and nothing of other
connections, so the extracted capture decodes again in sipflow and tshark.
Input: pcaps/ws-call.pcap (one SIP-over-WebSocket call), alone and mixed
with a UDP call and a foreign TCP connection built here."""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import sipcap  # noqa: E402

SRC = os.environ.get("SIPFLOW_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SIPFLOW_BIN", os.path.join(SRC, "build", "sipflow"))
WS_CALL = os.path.join(SRC, "pcaps", "ws-call.pcap")
ENV = dict(os.environ, TZ="UTC", NO_COLOR="1", LC_ALL="C.UTF-8")


def run(*args):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                       timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def records(path):
    """[(sec, usec, frame bytes)] of a little-endian microsecond pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, linktype = struct.unpack_from("<IHHiIII", data, 0)
    assert magic == 0xA1B2C3D4 and linktype == 1, path
    out, off = [], 24
    while off + 16 <= len(data):
        sec, usec, caplen, _ = struct.unpack_from("<IIII", data, off)
        out.append((sec, usec, data[off + 16:off + 16 + caplen]))
        off += 16 + caplen
    return out


def write_pcap(path, recs):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for sec, usec, frame in recs:
            f.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def key(m):
    return (m["call_id"], m["start_line"], m["cseq"]["seq"], m["transport"], m["src"], m["dst"])


class ExtractStreams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.tshark = shutil.which(os.environ.get("TSHARK") or "tshark")
        ws = records(WS_CALL)
        cls.ws_records = ws
        # a UDP call between other hosts, interleaved in time
        a, b = ("192.0.2.10", 5060), ("192.0.2.20", 5060)
        cid = "udp-neighbour@x"
        inv = sipcap.msg("INVITE sip:b@192.0.2.20 SIP/2.0", "192.0.2.10:5060;branch=z9hG4bK1",
                         "<sip:a@x>;tag=1", "<sip:b@x>", cid, "1 INVITE")
        busy = sipcap.msg("SIP/2.0 486 Busy Here", "192.0.2.10:5060;branch=z9hG4bK1",
                          "<sip:a@x>;tag=1", "<sip:b@x>;tag=2", cid, "1 INVITE")
        ack = sipcap.msg("ACK sip:b@192.0.2.20 SIP/2.0", "192.0.2.10:5060;branch=z9hG4bK1",
                         "<sip:a@x>;tag=1", "<sip:b@x>;tag=2", cid, "1 ACK")
        t0 = ws[0][0] + ws[0][1] / 1e6
        udp = []
        for dt, src, dst, text in ((0.1005, a, b, inv), (0.2065, b, a, busy), (1.0, a, b, ack)):
            t = t0 + dt
            body = text.encode()
            udp.append((int(t), int(round((t - int(t)) * 1e6)), sipcap.udp_frame(src, dst, body)))
        # another TCP connection between the same hosts (source port 50999):
        # the WebSocket connection's SYN with the port rewritten
        syn = bytearray(ws[0][2])
        struct.pack_into("!H", syn, 34, 50999)
        foreign = [(ws[0][0], ws[0][1] + 500, bytes(syn))]
        mixed = sorted(ws + udp + foreign, key=lambda r: (r[0], r[1]))
        cls.mixed = os.path.join(cls.tmp.name, "mixed.pcap")
        write_pcap(cls.mixed, mixed)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def extract(self, cap, call, name):
        out = os.path.join(self.tmp.name, name)
        rc, _, err = run("extract", "-q", "--call", str(call), "-w", out, cap)
        self.assertEqual(rc, 0, err)
        return out

    def ws_call(self, cap):
        rc, out, err = run("messages", "-q", "--format", "json", cap)
        self.assertEqual(rc, 0, err)
        msgs = [m for m in json_lines(out) if m["transport"] == "ws"]
        self.assertEqual(len(msgs), 7)
        self.assertEqual(len({m["call"] for m in msgs}), 1)
        return msgs[0]["call"], sorted(key(m) for m in msgs)

    def check_ws_round_trip(self, cap, name):
        call, want = self.ws_call(cap)
        out = self.extract(cap, call, name)
        # every record of the connection, nothing else
        self.assertEqual(records(out), self.ws_records)
        rc, text, err = run("messages", "-q", "--format", "json", out)
        self.assertEqual(rc, 0, err)
        self.assertEqual(sorted(key(m) for m in json_lines(text)), want)
        rc, text, err = run("anomalies", "-q", "--format", "json", out)
        self.assertEqual(json_lines(text), [], "the extracted capture decodes cleanly")
        if not self.tshark:
            if os.environ.get("CI") == "true":
                self.fail("tshark not found")
            return
        p = subprocess.run([self.tshark, "-n", "-r", out, "-Y", "sip", "-T", "fields", "-E",
                            "occurrence=a", "-E", "aggregator=|", "-e", "sip.CSeq"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        cseqs = [c for line in p.stdout.decode().splitlines() for c in line.split("|") if c]
        self.assertEqual(len(cseqs), 7, cseqs)
        self.assertEqual(sorted(cseqs), sorted(["1 INVITE"] * 4 + ["1 ACK"] + ["2 BYE"] * 2))

    def test_ws_call_alone(self):
        self.check_ws_round_trip(WS_CALL, "ws-alone.pcap")

    def test_ws_call_among_others(self):
        self.check_ws_round_trip(self.mixed, "ws-mixed.pcap")

    def test_udp_call_gets_no_stream_records(self):
        rc, out, err = run("calls", "-q", "--format", "json", self.mixed)
        self.assertEqual(rc, 0, err)
        udp = [c for c in json_lines(out) if c["call_id"] == "udp-neighbour@x"]
        self.assertEqual(len(udp), 1)
        got = records(self.extract(self.mixed, udp[0]["call"], "udp.pcap"))
        self.assertEqual(len(got), 3)
        self.assertTrue(all(r[2][23] == 17 for r in got), "only UDP records")


if __name__ == "__main__":
    unittest.main(verbosity=2)
