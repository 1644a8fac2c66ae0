#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP inside HEP through the sipflow tool, on captures built here: a call
sent as HEPv3 over UDP to a collector, with HEP times running backwards
against capture order. Checks the inner addresses, transport and time, the
HEP packets' frame numbers, the reorder window (--hep-reorder), the
hep-late anomaly, the call the engine builds from it, and usage errors."""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import sipcap  # noqa: E402

SRC = os.environ.get("SIPFLOW_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SIPFLOW_BIN", os.path.join(SRC, "build", "sipflow"))

A, B = ("10.1.0.1", 5060), ("10.2.0.2", 5080)
AGENT, COLLECTOR = ("192.0.2.50", 40000), ("192.0.2.99", 9060)


def run(*args):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def hep3(payload, src, dst, t, proto=17, ptype=1):
    def chunk(typ, v):
        return struct.pack(">HHH", 0, typ, 6 + len(v)) + v

    def ip(a):
        return bytes(int(x) for x in a.split("."))
    sec = int(t)
    usec = int(round((t - sec) * 1e6))
    c = chunk(1, b"\x02") + chunk(2, bytes([proto])) + chunk(3, ip(src[0])) + chunk(4, ip(dst[0]))
    c += chunk(7, struct.pack(">H", src[1])) + chunk(8, struct.pack(">H", dst[1]))
    c += chunk(9, struct.pack(">I", sec)) + chunk(10, struct.pack(">I", usec))
    c += chunk(11, bytes([ptype])) + chunk(12, struct.pack(">I", 7)) + chunk(15, payload)
    return b"HEP3" + struct.pack(">H", 6 + len(c)) + c


def pcap(records):
    """records: [(capture time, HEP bytes)] from the agent to the collector."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for t, payload in records:
        frame = sipcap.udp_frame(AGENT, COLLECTOR, payload)
        out.append(struct.pack("<IIII", int(t), int(round((t - int(t)) * 1e6)), len(frame),
                               len(frame)) + frame)
    return b"".join(out)


def call_messages():
    cid, fa, tb = "hep-call-1@10.1.0.1", "<sip:alice@a>;tag=fa", "<sip:bob@b>"
    via = "10.1.0.1:5060;branch=z9hG4bK-1"
    inv = sipcap.msg("INVITE sip:bob@10.2.0.2:5080 SIP/2.0", via, fa, tb, cid, "1 INVITE",
                     "Contact: <sip:alice@10.1.0.1:5060>")
    ok = sipcap.msg("SIP/2.0 200 OK", via, fa, tb + ";tag=tb", cid, "1 INVITE",
                    "Contact: <sip:bob@10.2.0.2:5080>")
    ack = sipcap.msg("ACK sip:bob@10.2.0.2:5080 SIP/2.0", "10.1.0.1:5060;branch=z9hG4bK-2", fa,
                     tb + ";tag=tb", cid, "1 ACK")
    bye = sipcap.msg("BYE sip:alice@10.1.0.1:5060 SIP/2.0", "10.2.0.2:5080;branch=z9hG4bK-3",
                     tb + ";tag=tb", fa, cid, "1 BYE")
    bok = sipcap.msg("SIP/2.0 200 OK", "10.2.0.2:5080;branch=z9hG4bK-3", tb + ";tag=tb", fa, cid,
                     "1 BYE")
    return [(inv, A, B), (ok, B, A), (ack, A, B), (bye, B, A), (bok, A, B)]


class Hep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        m = call_messages()
        # HEP times 100.0 .. 100.4; the agent sent 200 OK before the INVITE
        # and the BYE's 200 after a log line; capture times ascend
        order = [1, 0, 2, 3, 4]
        recs = []
        for n, i in enumerate(order):
            text, src, dst = m[i]
            recs.append((500.0 + n, hep3(text.encode(), src, dst, 100.0 + i / 10)))
        recs.insert(3, (502.5, hep3(b"a log line", A, B, 100.25, ptype=100)))
        cls.call = cls.path("hep-call.pcap", pcap(recs))
        # 110.0 is released by 113.0; then 105.0 comes, older than a released
        # message: late (frame 9)
        extra = [(110.0, m[0][0].replace("1 INVITE", "2 INVITE")),
                 (113.0, m[0][0].replace("1 INVITE", "3 INVITE")),
                 (105.0, m[2][0].replace("1 ACK", "4 ACK"))]
        late = recs + [(510.0 + n, hep3(text.encode(), A, B, t)) for n, (t, text) in enumerate(extra)]
        cls.late = cls.path("hep-late.pcap", pcap(late))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name, data):
        p = os.path.join(cls.tmp.name, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def test_messages_inner_meta_in_hep_time_order(self):
        rc, out, err = run("messages", "--format", "json", self.call)
        self.assertEqual(rc, 0, err)
        msgs = json_lines(out)
        self.assertEqual([m["method"] or str(m["status"]) for m in msgs],
                         ["INVITE", "200", "ACK", "BYE", "200"])
        self.assertEqual([m["frames"] for m in msgs], [[2], [1], [3], [5], [6]])
        self.assertEqual(msgs[0]["src"], "10.1.0.1:5060")
        self.assertEqual(msgs[0]["dst"], "10.2.0.2:5080")
        self.assertEqual(msgs[1]["src"], "10.2.0.2:5080")
        self.assertEqual({m["transport"] for m in msgs}, {"udp"})
        self.assertEqual(msgs[0]["time"], "100.000000")
        self.assertEqual(msgs[4]["time"], "100.400000")
        self.assertRegex(err, r"6 records, 5 SIP messages, 0 anomalies")

    def test_window_off_keeps_capture_order(self):
        rc, out, err = run("messages", "--format", "json", "--hep-reorder", "0", self.call)
        self.assertEqual(rc, 0, err)
        self.assertEqual([m["frames"][0] for m in json_lines(out)], [1, 2, 3, 5, 6])

    def test_call_from_hep(self):
        rc, out, err = run("calls", "--format", "json", self.call)
        self.assertEqual(rc, 0, err)
        calls = json_lines(out)
        self.assertEqual(len(calls), 1, out)
        self.assertEqual(calls[0]["outcome"], "answered")

    def test_late_message_is_an_anomaly(self):
        rc, out, err = run("anomalies", "--format", "json", self.late)
        self.assertEqual(rc, 0, err)
        anoms = json_lines(out)
        self.assertEqual([(a["kind"], a["layer"], a["frame"]) for a in anoms], [("hep-late", "hep", 9)])
        rc, out, err = run("messages", "--format", "json", self.late)
        self.assertEqual([m["frames"][0] for m in json_lines(out)], [2, 1, 3, 5, 6, 7, 9, 8])

    def test_stats_count_hep_packets(self):
        """Non-SIP HEP payloads are counted and skipped: the stats say so."""
        rc, out, err = run("stats", self.call)
        self.assertEqual(rc, 0, err)
        self.assertIn("HEP: 6 packets (v1/v2 0, v3 6), 5 SIP payloads, 1 non-SIP skipped, "
                      "0 without payload, 0 compressed, 0 malformed, "
                      "0 late for the reorder window", out)
        rc, out, err = run("stats", self.late)
        self.assertRegex(out, r"HEP: 9 packets .* 1 late for the reorder window")

    def test_usage(self):
        for bad in ("-5", "x", "3600001"):
            rc, _, err = run("messages", "--hep-reorder", bad, self.call)
            self.assertEqual(rc, 2, bad)
            self.assertTrue(err.strip())


if __name__ == "__main__":
    unittest.main(verbosity=2)
