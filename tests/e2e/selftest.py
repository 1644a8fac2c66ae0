#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Tests of the end-to-end machinery itself: the allow-list parser rejects
what it must, the comparison catches unlisted differences, stale lines and
wrong times, and tshark's two extraction passes (fields, PDML) agree.

A fake sipflow (a script printing chosen JSON lines) stands in for the tool,
so a bug in the comparison cannot hide behind a tool that happens to agree.
Exit 77 when tshark or the captures are missing (outside CI=true)."""

import json
import os
import stat
import sys
import tempfile
import unittest

import compare_tshark as ct
import e2e_common as ec
import tshark_ref

HEADER = "# category: needs-hep  SIP in HEP\n# category: needs-websocket  SIP over WebSocket\n"


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


class AllowListParsing(unittest.TestCase):
    def parse(self, body):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.tsv")
            write(p, HEADER + body)
            return ct.AllowList(p)

    def test_good_line(self):
        a = self.parse("x.pcap\t3\tINVITE\ttshark-only\tneeds-websocket\ttshark is right: SIP in WS frames\n")
        self.assertEqual(a.errors, [])
        self.assertIn(("x.pcap", 3, "INVITE", "tshark-only"), a.entries)

    def test_unknown_category(self):
        a = self.parse("x.pcap\t3\tINVITE\ttshark-only\tbecause\ttshark is right: made up category\n")
        self.assertTrue(any("unknown category" in e for e in a.errors), a.errors)

    def test_bad_direction_frame_columns_note(self):
        a = self.parse(
            "x.pcap\t3\tINVITE\tboth\tneeds-hep\tsomething long enough\n"
            "x.pcap\t0\tINVITE\ttshark-only\tneeds-hep\tsomething long enough\n"
            "x.pcap\t3\tINVITE\ttshark-only\tneeds-hep\n"
            "x.pcap\t4\tINVITE\ttshark-only\tneeds-hep\tshort\n"
        )
        msgs = " | ".join(a.errors)
        for want in ("direction", "frame", "columns", "note"):
            self.assertIn(want, msgs)

    def test_duplicate(self):
        line = "x.pcap\t3\t200\tsipflow-only\tneeds-hep\tsipflow is right: HEP3 payload\n"
        a = self.parse(line + line)
        self.assertTrue(any("duplicate" in e for e in a.errors), a.errors)

    def test_no_categories(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "a.tsv")
            write(p, "# nothing here\n")
            self.assertTrue(ct.AllowList(p).errors)

    def test_checked_in_list_is_valid(self):
        self.assertEqual(ct.AllowList().errors, [])


class Comparison(unittest.TestCase):
    """compare_capture() against a fake sipflow built from tshark's own
    reference, then disturbed."""

    @classmethod
    def setUpClass(cls):
        cls.tshark = ec.tshark_or_skip()
        caps = ec.captures("project") or ec.captures("sipp") or []
        caps = [c for c in caps if os.path.basename(c) == "udp-basic-call.pcap"]
        if not caps:
            ec.skip("udp-basic-call.pcap not found")
        cls.cap = caps[0]
        cls.name = os.path.basename(cls.cap)
        cls.tmp = tempfile.TemporaryDirectory()
        cls.ref = tshark_ref.reference(cls.cap, cls.tshark, {})

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def fake(self, tuples, time_of=None):
        """A fake sipflow printing one message per tuple."""
        lines = []
        for frame, key, cid in tuples:
            req = not key.isdigit()
            t = (time_of or {}).get(frame) or self.ref["times"][str(frame)]
            lines.append(json.dumps({
                "schema_version": 1, "file": 0, "frames": [frame], "frames_omitted": 0,
                "time": t, "src": "10.0.0.1:5060", "dst": "10.0.0.2:5060", "transport": "udp",
                "start_line": f"{key} sip:a SIP/2.0" if req else f"SIP/2.0 {key} X",
                "method": key if req else None, "status": None if req else int(key),
                "call_id": cid, "cseq": None, "malformed": None,
            }))
        out = os.path.join(self.tmp.name, "out.jsonl")
        write(out, "".join(l + "\n" for l in lines))
        prog = os.path.join(self.tmp.name, "sipflow")
        write(prog, f"#!/bin/sh\ncat '{out}'\n")
        os.chmod(prog, stat.S_IRWXU)
        os.environ["SIPFLOW_BIN"] = prog

    def run_compare(self, allow_body=""):
        p = os.path.join(self.tmp.name, "allow.tsv")
        write(p, HEADER + allow_body)
        allow = ct.AllowList(p)
        self.assertEqual(allow.errors, [])
        out = []
        ok, used = ct.compare_capture(self.cap, allow, self.tshark, {}, out)
        return ok, used, "\n".join(out)

    def test_reference_shape(self):
        self.assertGreaterEqual(len(self.ref["tuples"]), 2)
        for frame, key, cid in self.ref["tuples"]:
            self.assertIsInstance(frame, int)
            self.assertTrue(key)
            self.assertIn(str(frame), self.ref["times"])

    def test_agreement(self):
        self.fake([tuple(t) for t in self.ref["tuples"]])
        ok, used, out = self.run_compare()
        self.assertTrue(ok, out)
        self.assertIn("unlisted 0, stale 0", out)

    def test_unlisted_and_stale(self):
        tuples = [tuple(t) for t in self.ref["tuples"]]
        missing = tuples[0]
        extra = (tuples[-1][0], "PUBLISH", "made-up")
        self.fake(tuples[1:] + [extra])
        # The missing message is listed; the extra one is not; one line is stale.
        body = (f"{self.name}\t{missing[0]}\t{missing[1]}\ttshark-only\tneeds-hep\texplained for this test\n"
                f"{self.name}\t{missing[0]}\tBYE\tsipflow-only\tneeds-hep\tstale line for this test\n")
        ok, used, out = self.run_compare(body)
        self.assertFalse(ok)
        self.assertIn("allowed 1, unlisted 1, stale 1", out)
        self.assertIn("PUBLISH\tsipflow-only", out)
        self.assertEqual(used, {(self.name, missing[0], missing[1], "tshark-only")})

    def test_call_id_matters(self):
        tuples = [tuple(t) for t in self.ref["tuples"]]
        self.fake([(tuples[0][0], tuples[0][1], "other")] + tuples[1:])
        ok, _, out = self.run_compare()
        self.assertFalse(ok)
        self.assertIn("unlisted 2", out)

    def test_wrong_time(self):
        tuples = [tuple(t) for t in self.ref["tuples"]]
        self.fake(tuples, {tuples[0][0]: "-1.5"})
        ok, _, out = self.run_compare()
        self.assertFalse(ok)
        self.assertIn("time '-1.5'", out)

    def test_same_time_any_digits(self):
        self.assertTrue(ct.same_time("1.500000", "1.500000000"))
        self.assertFalse(ct.same_time("-1.5", "4294967294.5"))


class Schemas(unittest.TestCase):
    """The schemas accept a good record and reject each kind of bad one."""

    GOOD = {
        "schema_version": 1, "file": 0, "frames": [3, 4], "frames_omitted": 0,
        "time": "1764240189.123456789", "src": "[2001:db8::1]:5060", "dst": "10.0.0.2:5080",
        "transport": "tcp", "start_line": "SIP/2.0 180 Ringing", "method": None, "status": 180,
        "call_id": "a@b", "cseq": {"seq": 1, "method": "INVITE"}, "malformed": None,
        "call": 1, "dialog": None, "txn": 1, "retransmission": False,
    }

    @classmethod
    def setUpClass(cls):
        import validate_schema
        cls.vals = validate_schema.load_validators()

    def bad(self, cmd, obj):
        self.assertFalse(self.vals[cmd].is_valid(obj), obj)

    def test_message(self):
        v = self.vals["messages"]
        self.assertTrue(v.is_valid(self.GOOD), list(v.iter_errors(self.GOOD)))
        for k, val in [("time", "-1.5"), ("time", "1.5e3"), ("transport", "tls"), ("status", "180"),
                       ("frames", []), ("frames", [0]), ("src", "10.0.0.1"), ("src", "[::1]"),
                       ("src", "300.0.0.1:5060"), ("src", "[2001:DB8::1]:5060"), ("method", "INV ITE"),
                       ("cseq", {"seq": -1, "method": "INVITE"}), ("malformed", ""), ("call", 0),
                       ("retransmission", 0), ("schema_version", 2), ("file", -1)]:
            self.bad("messages", dict(self.GOOD, **{k: val}))
        self.bad("messages", dict(self.GOOD, extra=1))
        self.bad("messages", {k: v for k, v in self.GOOD.items() if k != "call_id"})
        self.bad("messages", dict(self.GOOD, method=None, status=None))  # neither, not malformed
        self.assertTrue(v.is_valid(dict(self.GOOD, method=None, status=None, malformed="bad start line")))

    def test_anomaly(self):
        good = {"schema_version": 1, "file": 0, "frame": 7, "time": "1.000001", "layer": "ip",
                "kind": "frag-overlap", "reason": "overlap at offset 8"}
        self.assertTrue(self.vals["anomalies"].is_valid(good))
        self.assertTrue(self.vals["anomalies"].is_valid(dict(good, frame=0, time=None)))
        self.bad("anomalies", dict(good, layer="tcp"))  # kind of another layer
        self.bad("anomalies", dict(good, kind="frag-weird"))
        self.bad("anomalies", dict(good, frame=0))  # whole-file anomaly with a time
        self.bad("anomalies", dict(good, time=None))  # frame anomaly without one
        self.bad("anomalies", dict(good, reason=""))

    def test_consistency_checks_fire(self):
        import validate_schema as vs
        msg = dict(self.GOOD, call=1, retransmission=True)
        stats = {"messages": 2, "malformed": 0, "retransmissions": 1, "calls": 1,
                 "outcomes": {"answered": 1}, "requests": {}}
        call = {"call": 1, "messages": 1, "frames": [3]}
        r = {"messages": [msg], "calls": [call], "anomalies": [], "stats": [stats]}
        self.assertEqual(vs.check_consistency(r), ["stats.messages vs messages records: 2, want 1"])
        r["stats"] = [dict(stats, messages=1)]
        self.assertEqual(vs.check_consistency(r), [])
        r["calls"] = [dict(call, call=2)]
        self.assertTrue(any("numbered" in x for x in vs.check_consistency(r)))


class TsharkPasses(unittest.TestCase):
    def test_fields_and_pdml_agree_on_multi_message_frames(self):
        tshark = ec.tshark_or_skip()
        sd = ec.shared_dir()
        if sd is None:
            self.skipTest("shared corpus not found")
        cap = os.path.join(sd, "pcaps", "sipp", "tcp-segmented.pcap")
        frames, _, _ = tshark_ref._fields_pass(tshark, cap, [])
        multi = sorted(f for f, ts in frames.items() if len(ts) > 1)
        self.assertGreaterEqual(len(multi), 2, "tcp-segmented.pcap has frames with several messages")
        pdml = tshark_ref._pdml_pass(tshark, cap, [], multi)
        for f in multi:
            self.assertEqual(frames[f], pdml[f], f"frame {f}")

    def test_call_id_bytes_survive(self):
        """Call-IDs with invalid UTF-8, TAB, control bytes and the aggregator
        character come out as sipflow renders them (docs/json.md)."""
        tshark = ec.tshark_or_skip()
        cids = [b"caf\xc3\xa9-\xff\xfe-x\\y\"z", b"tab\there\x01ctl", b"comma,1\x1fus", b"plain@host"]
        want = ["caf\u00e9-\u00ff\u00fe-x\\y\"z", "tab\there\x01ctl", "comma,1\x1fus", "plain@host"]
        with tempfile.TemporaryDirectory() as d:
            cap = os.path.join(d, "cids.pcap")
            write_udp_pcap(cap, [
                b"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK%d\r\n"
                b"Call-ID: %s \r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n" % (i, c)
                for i, c in enumerate(cids)])
            tuples, ambiguous, _ = tshark_ref.compute(tshark, cap, [])
        self.assertEqual([t[2] for t in tuples], want)
        self.assertEqual(ambiguous, [1, 2, 3, 4])  # 4: trailing space in tshark text

    def test_header_value(self):
        self.assertEqual(tshark_ref._header_value(b"i:\t a@b \r\n"), b"a@b")
        self.assertEqual(tshark_ref._sipflow_text(b"\xc3\xa9\xc0\xaf\x00"), "\u00e9\u00c0\u00af\x00")


def write_udp_pcap(path, payloads):
    """A classic pcap of IPv4/UDP 5060 datagrams, one per payload."""
    import struct
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, pl in enumerate(payloads):
            udp = struct.pack(">HHHH", 5060, 5060, 8 + len(pl), 0) + pl
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                             bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
            frame = bytes(12) + b"\x08\x00" + ip + udp
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    prog = unittest.main(exit=False, verbosity=2)
    r = prog.result
    sys.exit(0 if r.wasSuccessful() else 1)
