#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The sipflow command line: exit codes, inputs (files, stdin, gzip, several
files), the stderr summary, --help and the man page. Uses only the project's own
captures in pcaps/ (no ../shared needed)."""
import gzip
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("SIPFLOW_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SIPFLOW_BIN", os.path.join(SRC, "build", "sipflow"))
CALL = os.path.join(SRC, "pcaps", "udp-basic-call.pcap")


def run(*args, stdin=None):
    p = subprocess.run([BIN, *args], input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def json_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def pcap_records(data):
    """(offset, length) of each record of a little-endian classic pcap."""
    off, out = 24, []
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        out.append((off, 16 + caplen))
        off += 16 + caplen
    return out


class Cli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(CALL, "rb") as f:
            cls.call = f.read()
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name, data):
        p = os.path.join(self.tmp.name, name)
        with open(p, "wb") as f:
            f.write(data)
        return p

    def test_usage_errors_exit_2(self):
        for args in ([], ["nosuchcommand"], ["messages"], ["messages", "--nosuch", CALL],
                     ["messages", "--format", "xml", CALL], ["anomalies", "--format", "none", CALL]):
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, args)
            self.assertTrue(err.strip(), args)

    def test_libpcap_reader_gives_the_same_report(self):
        """--libpcap reads classic pcap through libpcap: the same messages,
        calls and statistics as sipflow's own reader."""
        for cmd in ("messages", "calls", "stats"):
            rc1, own, _ = run(cmd, "--format", "json", CALL)
            rc2, lib, _ = run(cmd, "--format", "json", "--libpcap", CALL)
            self.assertEqual((rc1, rc2), (0, 0), cmd)
            self.assertTrue(own.strip(), cmd)
            self.assertEqual(own, lib, cmd)

    def test_help(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        self.assertIn("messages", out)
        self.assertIn("anomalies", out)

    def test_help_and_man_page_name_every_option(self):
        with open(os.path.join(SRC, "docs", "sipflow.1")) as f:
            man = f.read().replace("\\-", "-")
        for cmd in ("messages", "anomalies", "calls", "stats", "ladder"):
            rc, out, _ = run(cmd, "--help")
            self.assertEqual(rc, 0)
            opts = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", out, re.M)) - {"--help", "--help-all"}
            self.assertTrue({"--format", "--output", "--filter", "--utc", "--quiet", "--t1"} <= opts, opts)
            for o in opts:
                self.assertIn(o, man, f"man page lacks {o}")
            self.assertIn(f".B {cmd}", man)

    def test_messages_json_basic_call(self):
        rc, out, err = run("messages", "--format", "json", CALL)
        self.assertEqual(rc, 0, err)
        msgs = json_lines(out)
        self.assertEqual([m["method"] or str(m["status"]) for m in msgs],
                         ["INVITE", "100", "180", "200", "ACK", "BYE", "200"])
        self.assertEqual([m["frames"] for m in msgs], [[i] for i in range(1, 8)])
        self.assertEqual(len({m["call_id"] for m in msgs}), 1)
        for m in msgs:
            self.assertEqual(m["transport"], "udp")
            self.assertRegex(m["time"], r"^\d+\.\d{6}$")
            self.assertIsNone(m["malformed"])
        self.assertRegex(err, r"7 records, 7 SIP messages, 0 anomalies")

    def test_text_matches_json(self):
        rc, out, _ = run("messages", "--utc", CALL)
        self.assertEqual(rc, 0)
        lines = out.splitlines()
        self.assertEqual(len(lines), 7)
        self.assertRegex(lines[0], r"^1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} \S+ -> \S+ udp  INVITE sip:")
        self.assertIn("CSeq: 1 INVITE", lines[0])

    def test_output_file_and_quiet(self):
        out_path = os.path.join(self.tmp.name, "out.jsonl")
        rc, out, err = run("messages", "-q", "-F", "json", "-o", out_path, CALL)
        self.assertEqual((rc, out, err), (0, "", ""))
        with open(out_path) as f:
            self.assertEqual(len(json_lines(f.read())), 7)

    def test_stdin_and_gzip(self):
        rc, out, _ = run("messages", "-F", "json", "-", stdin=self.call)
        self.assertEqual(rc, 0)
        self.assertEqual(len(json_lines(out)), 7)
        gz = self.path("call.pcap.gz", gzip.compress(self.call))
        rc, out2, _ = run("messages", "-F", "json", gz)
        self.assertEqual(rc, 0)
        self.assertEqual(json_lines(out2), json_lines(out))

    def test_two_inputs_merged_with_file_index(self):
        rc, out, _ = run("messages", "-F", "json", CALL, CALL)
        self.assertEqual(rc, 0)
        msgs = json_lines(out)
        self.assertEqual(len(msgs), 14)
        # identical timestamps: ties keep input order
        self.assertEqual([m["file"] for m in msgs[:2]], [0, 1])
        self.assertEqual([m["frames"][-1] for m in msgs if m["file"] == 1], list(range(1, 8)))

    def test_missing_file_exit_1(self):
        rc, out, err = run("messages", os.path.join(self.tmp.name, "nope.pcap"))
        self.assertEqual(rc, 1)
        self.assertIn("nope.pcap", err)

    def test_empty_file_exit_1(self):
        rc, _, err = run("messages", self.path("empty.pcap", b""))
        self.assertEqual(rc, 1)

    def test_header_only_exit_0(self):
        rc, out, err = run("messages", self.path("hdr.pcap", self.call[:24]))
        self.assertEqual((rc, out), (0, ""))
        self.assertIn("0 records", err)

    def test_one_of_two_missing_exit_3(self):
        rc, out, err = run("messages", "-F", "json", CALL, os.path.join(self.tmp.name, "nope.pcap"))
        self.assertEqual(rc, 3)
        self.assertEqual(len(json_lines(out)), 7)
        rc, out, _ = run("anomalies", "-F", "json", CALL, os.path.join(self.tmp.name, "nope.pcap"))
        self.assertIn("file-unreadable", [a["kind"] for a in json_lines(out)])

    def test_truncated_file_exit_3_keeps_messages(self):
        recs = pcap_records(self.call)
        off, length = recs[5]
        for cut in (off + 7, off + 16 + 20):  # inside the record header, inside the data
            p = self.path(f"cut{cut}.pcap", self.call[:cut])
            rc, out, err = run("messages", "-F", "json", p)
            self.assertEqual(rc, 3, err)
            self.assertEqual(len(json_lines(out)), 5)
            self.assertIn("file-truncated", err)
            self.assertIn("frame 6", err)
            rc, out, _ = run("anomalies", "-F", "json", p)
            self.assertEqual(rc, 3)
            an = json_lines(out)
            self.assertEqual([(a["kind"], a["frame"], a["layer"]) for a in an],
                             [("file-truncated", 6, "capture")])

    def test_anomalies_clean_capture(self):
        rc, out, err = run("anomalies", CALL)
        self.assertEqual((rc, out), (0, ""))
        self.assertIn("0 anomalies", err)

    def test_bpf_filter_keeps_frame_numbers(self):
        rc, out, err = run("messages", "-F", "json", "-f", "src port 5060", CALL)
        self.assertEqual(rc, 0, err)
        frames = [m["frames"][-1] for m in json_lines(out)]
        self.assertEqual(frames, [2, 3, 4, 7])  # the UAS's responses keep their numbers
        rc, _, err = run("messages", "-f", "udp port 5060", CALL)
        self.assertEqual(rc, 0)
        self.assertIn("fragments", err)  # a port filter drops every fragment after the first
        self.assertIn("VLAN", err)
        rc, _, err = run("messages", "-f", "len > 0", CALL)
        self.assertNotIn("warning", err)
        rc, _, err = run("messages", "-f", "port (", CALL)
        self.assertEqual(rc, 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
