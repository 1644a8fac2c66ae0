#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Selection options (--since/--until/--caller/--callee/--method/--code), the
SDP columns of `calls`, the extended `stats` (failure codes, percentiles,
registrations, anomalies, --by endpoint), CSV output against JSON, the
summary command (`sipflow FILE`) and the progress bar. Captures are built
here (tests/cli/sipcap.py) so every expectation is known exactly."""
import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sipcap  # noqa: E402

SRC = os.environ.get("SIPFLOW_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("SIPFLOW_BIN", os.path.join(SRC, "build", "sipflow"))
T0 = 1000000000  # 2001-09-09 01:46:40 UTC

A_UAC, A_UAS = ("203.0.113.5", 5060), ("198.51.100.7", 5060)
B_UAC, B_UAS = ("203.0.113.6", 5060), ("198.51.100.7", 5060)
REG = ("203.0.113.9", 5060)


def scenario():
    """Call 1 (t0): +49 30 12345678 calls 0301111111, answered, SDP offer with a
    private media address from a public source (NAT hint), re-INVITE puts
    it on hold, BYE. Call 2 (t0+10): anonymous with P-Asserted-Identity
    5551234 -> 486 with Reason and Warning. Call 3 (t0+20): alice -> 404.
    A REGISTER challenged (401) then accepted (200) at t0+30."""
    p = []
    m = sipcap.msg
    fa = "<sip:+493012345678@a.example>;tag=fa"
    ta = "<sip:0301111111@b.example>"
    via = "203.0.113.5:5060;branch=z9hG4bK"
    ruri = "sip:+49301111111@b.example"
    p.append((T0, A_UAC, A_UAS, m(f"INVITE {ruri} SIP/2.0", via + "a1", fa, ta, "call-a", "1 INVITE",
                                  body=sipcap.sdp("192.168.1.10", 4000))))
    p.append((T0 + 0.01, A_UAS, A_UAC, m("SIP/2.0 100 Trying", via + "a1", fa, ta, "call-a", "1 INVITE")))
    p.append((T0 + 0.2, A_UAS, A_UAC, m("SIP/2.0 180 Ringing", via + "a1", fa, ta + ";tag=tb", "call-a",
                                        "1 INVITE")))
    p.append((T0 + 1.0, A_UAS, A_UAC, m("SIP/2.0 200 OK", via + "a1", fa, ta + ";tag=tb", "call-a", "1 INVITE",
                                        extra="Contact: <sip:b@198.51.100.7>",
                                        body=sipcap.sdp("198.51.100.7", 5000, ((0, "PCMU/8000"),)))))
    p.append((T0 + 1.01, A_UAC, A_UAS, m("ACK sip:b@198.51.100.7 SIP/2.0", via + "a2", fa, ta + ";tag=tb",
                                         "call-a", "1 ACK")))
    p.append((T0 + 3.0, A_UAC, A_UAS, m("INVITE sip:b@198.51.100.7 SIP/2.0", via + "a3", fa, ta + ";tag=tb",
                                        "call-a", "2 INVITE",
                                        body=sipcap.sdp("192.168.1.10", 4000, direction="sendonly"))))
    p.append((T0 + 3.1, A_UAS, A_UAC, m("SIP/2.0 200 OK", via + "a3", fa, ta + ";tag=tb", "call-a", "2 INVITE",
                                        body=sipcap.sdp("198.51.100.7", 5000, ((0, "PCMU/8000"),),
                                                        direction="recvonly"))))
    p.append((T0 + 3.11, A_UAC, A_UAS, m("ACK sip:b@198.51.100.7 SIP/2.0", via + "a4", fa, ta + ";tag=tb",
                                         "call-a", "2 ACK")))
    p.append((T0 + 5.0, A_UAC, A_UAS, m("BYE sip:b@198.51.100.7 SIP/2.0", via + "a5", fa, ta + ";tag=tb",
                                        "call-a", "3 BYE")))
    p.append((T0 + 5.05, A_UAS, A_UAC, m("SIP/2.0 200 OK", via + "a5", fa, ta + ";tag=tb", "call-a", "3 BYE")))

    fb = "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=fb"
    tb = "<sip:bob@b.example>"
    vb = "203.0.113.6:5060;branch=z9hG4bK"
    p.append((T0 + 10, B_UAC, B_UAS, m("INVITE sip:bob@b.example SIP/2.0", vb + "b1", fb, tb, "call-b",
                                       "1 INVITE", extra="P-Asserted-Identity: <sip:5551234@a.example>",
                                       body=sipcap.sdp("203.0.113.6", 4002))))
    p.append((T0 + 10.3, B_UAS, B_UAC, m("SIP/2.0 486 Busy Here", vb + "b1", fb, tb + ";tag=x", "call-b",
                                         "1 INVITE",
                                         extra='Reason: Q.850;cause=17;text="User busy"\n'
                                               'Warning: 399 b.example "in a meeting"')))
    p.append((T0 + 10.31, B_UAC, B_UAS, m("ACK sip:bob@b.example SIP/2.0", vb + "b1", fb, tb + ";tag=x",
                                          "call-b", "1 ACK")))

    fc = "<sip:alice@a.example>;tag=fc"
    tc = "<sip:nobody@b.example>"
    vc = "203.0.113.5:5060;branch=z9hG4bK"
    p.append((T0 + 20, A_UAC, A_UAS, m("INVITE sip:nobody@b.example SIP/2.0", vc + "c1", fc, tc, "call-c",
                                       "1 INVITE")))
    p.append((T0 + 20.05, A_UAS, A_UAC, m("SIP/2.0 404 Not Found", vc + "c1", fc, tc + ";tag=y", "call-c",
                                          "1 INVITE")))
    p.append((T0 + 20.06, A_UAC, A_UAS, m("ACK sip:nobody@b.example SIP/2.0", vc + "c1", fc, tc + ";tag=y",
                                          "call-c", "1 ACK")))

    fr = "<sip:7000@b.example>;tag=fr"
    tr = "<sip:7000@b.example>"
    vr = "203.0.113.9:5060;branch=z9hG4bK"
    p.append((T0 + 30, REG, A_UAS, m("REGISTER sip:b.example SIP/2.0", vr + "r1", fr, tr, "reg-1", "1 REGISTER",
                                     extra="Contact: <sip:7000@203.0.113.9>\nExpires: 3600")))
    p.append((T0 + 30.02, A_UAS, REG, m("SIP/2.0 401 Unauthorized", vr + "r1", fr, tr + ";tag=r", "reg-1",
                                        "1 REGISTER", extra='WWW-Authenticate: Digest realm="b", nonce="n"')))
    p.append((T0 + 30.05, REG, A_UAS, m("REGISTER sip:b.example SIP/2.0", vr + "r2", fr, tr, "reg-1", "2 REGISTER",
                                        extra="Contact: <sip:7000@203.0.113.9>\nExpires: 3600\n"
                                              'Authorization: Digest username="7000", realm="b", nonce="n", '
                                              'uri="sip:b.example", response="0"')))
    p.append((T0 + 30.08, A_UAS, REG, m("SIP/2.0 200 OK", vr + "r2", fr, tr + ";tag=r", "reg-1", "2 REGISTER",
                                        extra="Contact: <sip:7000@203.0.113.9>;expires=3600")))
    return sipcap.pcap(p)


def run(*args, env=None):
    e = dict(os.environ, TZ="UTC", NO_COLOR="1")
    if env:
        e.update(env)
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, env=e)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8", "replace")


def jl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def flatten(o, path=""):
    """The stats CSV's key/value rows for a JSON value."""
    if isinstance(o, dict):
        for k, v in o.items():
            yield from flatten(v, f"{path}/{k}" if path else k)
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from flatten(v, f"{path}/{i}" if path else str(i))
    elif o is None:
        yield path, ""
    elif isinstance(o, bool):
        yield path, "true" if o else "false"
    else:
        yield path, o


class Filters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cap = os.path.join(cls.tmp.name, "scenario.pcap")
        with open(cls.cap, "wb") as f:
            f.write(scenario())

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def calls(self, *args):
        rc, out, err = run("calls", "-q", "-F", "json", *args, self.cap)
        self.assertEqual(rc, 0, err)
        return [c["call_id"] for c in jl(out)]

    def test_call_by_number_or_numeric_call_id(self):
        """--call takes a call number or a Call-ID, and an all-digit value may
        be either (ladder once read it as a number only)."""
        m = sipcap.msg
        a, b = ("192.0.2.1", 5060), ("192.0.2.2", 5060)
        p = []
        for i, cid in enumerate(("7", "abc")):
            f, t, v = f"<sip:a@x>;tag=f{i}", "<sip:b@y>", f"192.0.2.1:5060;branch=z9hG4bKn{i}"
            p.append((T0 + i, a, b, m("INVITE sip:b@y SIP/2.0", v, f, t, cid, "1 INVITE")))
            p.append((T0 + i + 0.1, b, a, m("SIP/2.0 486 Busy Here", v, f, t + ";tag=u", cid, "1 INVITE")))
        cap = os.path.join(self.tmp.name, "numeric-call-id.pcap")
        with open(cap, "wb") as fh:
            fh.write(sipcap.pcap(p))
        for value, want in (("7", ["7"]), ("2", ["abc"]), ("abc", ["abc"]), ("1", ["7"])):
            rc, out, err = run("ladder", "-q", "-F", "mermaid", "--call", value, cap)
            self.assertEqual(rc, 0, err)
            numbers = {"7": 1, "abc": 2}
            self.assertEqual(re.findall(r"title Call (\d+):", out), [str(numbers[c]) for c in want],
                             (value, out))
            outp = os.path.join(self.tmp.name, f"x-{value}.pcap")
            rc, out, err = run("extract", "-q", "--call", value, "-w", outp, cap)
            self.assertEqual(rc, 0, err)
            rc, out, err = run("calls", "-q", "-F", "json", outp)
            self.assertEqual([c["call_id"] for c in jl(out)], want, value)

    def test_scenario_baseline(self):
        self.assertEqual(self.calls(), ["call-a", "call-b", "call-c"])

    def test_caller_digits_suffix_prefix_pai(self):
        self.assertEqual(self.calls("--caller", "+49 30 12345678"), ["call-a"])
        self.assertEqual(self.calls("--caller", "12345678"), ["call-a"])  # suffix, >= 7 digits
        self.assertEqual(self.calls("--caller", "030-12345678"), ["call-a"])  # national 0 prefix
        self.assertEqual(self.calls("--caller", "5551234"), ["call-b"])  # P-Asserted-Identity
        self.assertEqual(self.calls("--caller", "551234"), [])  # short: exact only
        self.assertEqual(self.calls("--caller", "ALICE"), ["call-c"])  # no digits: user name

    def test_callee_to_and_request_uri(self):
        self.assertEqual(self.calls("--callee", "0301111111"), ["call-a"])  # To
        self.assertEqual(self.calls("--callee", "+49 301111111"), ["call-a"])  # Request-URI
        self.assertEqual(self.calls("--callee", "bob"), ["call-b"])

    def test_code_and_class(self):
        self.assertEqual(self.calls("--code", "486"), ["call-b"])
        self.assertEqual(self.calls("--code", "4xx"), ["call-b", "call-c"])
        self.assertEqual(self.calls("--code", "200,404"), ["call-a", "call-c"])
        rc, _, err = run("calls", "--code", "99", self.cap)
        self.assertEqual(rc, 2)

    def test_method(self):
        self.assertEqual(self.calls("--method", "BYE"), ["call-a"])
        self.assertEqual(self.calls("--method", "REGISTER"), [])
        rc, out, _ = run("messages", "-q", "-F", "json", "--method", "register", self.cap)
        self.assertEqual([m["method"] or m["status"] for m in jl(out)], ["REGISTER", 401, "REGISTER", 200])

    def test_messages_selection(self):
        rc, out, _ = run("messages", "-q", "-F", "json", "--code", "401", self.cap)
        self.assertEqual([m["status"] for m in jl(out)], [401])
        rc, out, _ = run("messages", "-q", "-F", "json", "--caller", "5551234", self.cap)
        self.assertEqual([m["call_id"] for m in jl(out)], ["call-b"])  # only the INVITE carries PAI
        rc, out, _ = run("messages", "-q", "-F", "json", "--callee", "bob", self.cap)
        self.assertEqual(len(jl(out)), 3)
        rc, out, _ = run("messages", "-q", "-F", "json", "--since", str(T0 + 30), self.cap)
        self.assertEqual({m["call_id"] for m in jl(out)}, {"reg-1"})

    def test_time_window(self):
        self.assertEqual(self.calls("--since", str(T0 + 5)), ["call-b", "call-c"])
        self.assertEqual(self.calls("--until", str(T0 + 15)), ["call-a", "call-b"])
        self.assertEqual(self.calls("--since", f"{T0 + 10}.5"), ["call-c"])
        self.assertEqual(self.calls("--utc", "--since", "2001-09-09 01:46:50", "--until", "2001-09-09T01:47:00"),
                         ["call-b"])
        # local time: the same instant in Berlin (CEST, UTC+2)
        rc, out, _ = run("calls", "-q", "-F", "json", "--since", "2001-09-09 03:46:50", self.cap,
                         env={"TZ": "Europe/Berlin"})
        if os.path.exists("/usr/share/zoneinfo/Europe/Berlin"):
            self.assertEqual([c["call_id"] for c in jl(out)], ["call-b", "call-c"])
        rc, _, err = run("calls", "--since", "yesterday", self.cap)
        self.assertEqual(rc, 2)
        self.assertIn("--since", err)

    def test_calls_sdp(self):
        rc, out, _ = run("calls", "-q", "-F", "json", self.cap)
        a, b, c = jl(out)
        self.assertEqual(a["offer"]["codecs"], ["PCMU", "telephone-event"])
        self.assertEqual((a["offer"]["addr"], a["offer"]["port"]), ("192.168.1.10", 4000))
        self.assertTrue(a["offer"]["nat"])  # private media address, public signalling
        self.assertEqual(a["offer"]["signalling"], "203.0.113.5:5060")
        self.assertEqual(a["answer"]["codecs"], ["PCMU"])
        self.assertFalse(a["answer"]["nat"])
        self.assertEqual(a["answer"]["direction"], "sendrecv")
        self.assertTrue(a["hold"])  # the re-INVITE's sendonly
        self.assertTrue(a["nat"])
        self.assertFalse(b["hold"])
        self.assertIsNone(b["answer"])
        self.assertEqual(b["pai"], "<sip:5551234@a.example>")
        self.assertIsNone(c["offer"])
        rc, out, _ = run("calls", "-q", self.cap)
        self.assertRegex(out, r"media: offer PCMU,telephone-event 192\.168\.1\.10:4000 sendrecv \(NAT\?")
        self.assertIn("later put on hold", out)

    def test_calls_csv_matches_json(self):
        rc, out, _ = run("calls", "-q", "-F", "json", self.cap)
        js = jl(out)
        rc, out, _ = run("calls", "-q", "-F", "csv", self.cap)
        self.assertEqual(rc, 0)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), len(js))
        for r, j in zip(rows, js):
            for k in ("call", "start_time", "outcome", "final_code", "reason_phrase", "call_id", "from", "to",
                      "request_uri", "pdd_ms", "setup_ms", "duration_ms", "messages", "retransmissions",
                      "duplicates", "diagnosis", "hold", "nat", "failed"):
                v = j[k]
                want = "" if v is None else ("true" if v is True else "false" if v is False else str(v))
                self.assertEqual(r[k], want, k)
            for side in ("offer", "answer"):
                m = j[side]
                self.assertEqual(r[f"{side}_codecs"], ",".join(m["codecs"]) if m else "")
                self.assertEqual(r[f"{side}_port"], str(m["port"]) if m else "")
        self.assertIn('""', out)  # the quoted display name "Anonymous" is doubled

    def stats(self, *args):
        rc, out, err = run("stats", "-q", "-F", "json", *args, self.cap)
        self.assertEqual(rc, 0, err)
        return json.loads(out)

    def test_stats_extended(self):
        s = self.stats()
        self.assertFalse(s["selected_calls_only"])
        f = s["failures"]
        self.assertEqual(f["calls"], 2)
        top = {x["code"]: x for x in f["top"]}
        self.assertEqual(top[486]["reason"], 'Q.850;cause=17;text="User busy"')
        self.assertIn("in a meeting", top[486]["warning"])
        self.assertEqual(top[486]["reason_phrase"], "Busy Here")
        self.assertIsNone(top[404]["reason"])
        self.assertEqual(f["other"], 0)
        r = s["registrations"]
        self.assertEqual((r["successes"], r["challenges"], r["failures"]), (1, 1, 0))
        t = s["timings"]
        self.assertEqual(t["relative_error"], 1 / 128)
        self.assertEqual(t["setup_ms"]["count"], 1)
        self.assertEqual(t["setup_ms"]["p50"], 1000)  # exact below 64 or within 1/128: 1000 -> [992,1007]
        self.assertEqual(t["pdd_ms"]["max"], 300)
        self.assertEqual(t["duration_ms"]["max"], 4000)
        self.assertEqual(t["response_ms"]["count"], 3)  # BYE and two REGISTERs
        self.assertEqual(s["anomalies"], {"total": 0})

    def test_stats_by_endpoint(self):
        s = self.stats("--by", "endpoint")
        pairs = {(p["client"], p["server"]): p for p in s["by_endpoint"]["pairs"]}
        a = pairs[("203.0.113.5:5060", "198.51.100.7:5060")]
        self.assertEqual((a["calls"], a["answered"], a["failed"]), (2, 1, 1))
        self.assertEqual(a["requests"], 7)  # call 1: INVITE ACK INVITE ACK BYE; call 3: INVITE ACK
        self.assertEqual(a["responses_by_class"]["4xx"], 1)
        self.assertEqual(pairs[("203.0.113.9:5060", "198.51.100.7:5060")]["responses"], 2)
        self.assertEqual(sum(p["messages"] for p in pairs.values()) + s["by_endpoint"]["other"]["messages"],
                         s["messages"])
        self.assertNotIn("by_endpoint", self.stats())
        rc, _, _ = run("stats", "--by", "planet", self.cap)
        self.assertEqual(rc, 2)

    def test_stats_with_call_filter(self):
        s = self.stats("--code", "486")
        self.assertTrue(s["selected_calls_only"])
        self.assertEqual(s["calls"], 1)
        self.assertEqual(s["outcomes"]["busy"], 1)
        self.assertEqual(s["requests"], {"INVITE": 1, "ACK": 1})
        self.assertEqual(s["responses"], {"INVITE": {"486": 1}})
        self.assertEqual(s["messages"], 3)
        self.assertEqual(s["registrations"]["total"], 1)  # not a call: whole capture
        s = self.stats("--caller", "12345678", "--by", "endpoint")
        self.assertEqual(s["messages"], 10)
        self.assertEqual(s["by_endpoint"]["pairs"][0]["calls"], 1)

    def test_stats_csv_matches_json(self):
        for args in ([], ["--by", "endpoint"]):
            js = self.stats(*args)
            rc, out, _ = run("stats", "-q", "-F", "csv", *args, self.cap)
            self.assertEqual(rc, 0)
            rows = list(csv.reader(io.StringIO(out)))
            self.assertEqual(rows[0], ["key", "value"])
            want = list(flatten(js))
            self.assertEqual([r[0] for r in rows[1:]], [k for k, _ in want])
            for (k, v), r in zip(want, rows[1:]):
                if isinstance(v, float):  # printed with 17 digits: the same double
                    self.assertEqual(float(r[1]), v, k)
                else:
                    self.assertEqual(r[1], str(v), k)

    def test_stats_text(self):
        rc, out, _ = run("stats", "-q", "--by", "endpoint", self.cap)
        self.assertRegex(out, r"486\s+1\s+Busy Here  Reason: Q\.850;cause=17")
        self.assertRegex(out, r"setup\s+1\s+1000\s+1000\s+1000\s+1000")
        self.assertIn("1 successes, 1 challenges, 0 failures", out)
        self.assertIn("By endpoint", out)

    def test_summary_default_command(self):
        rc, out, err = run(self.cap, "--width", "100")
        self.assertEqual(rc, 0, err)
        self.assertIn("Calls: 3", out)
        self.assertIn("Failed calls: 2", out)
        # the two failed calls' ladders with their diagnoses, not the answered one
        self.assertEqual(len(re.findall(r"^Diagnosis: ", out, re.M)), 2)
        self.assertIn("Call-ID call-b", out)
        self.assertNotIn("Call-ID call-a", out)
        rc2, out2, _ = run("summary", "--width", "100", self.cap)
        self.assertEqual((rc2, out2), (rc, out))
        rc, out, _ = run("--code", "404", "-q", self.cap)
        self.assertIn("Failed calls: 1", out)

    def test_help_and_man_name_every_option(self):
        with open(os.path.join(SRC, "docs", "sipflow.1")) as f:
            man = f.read().replace("\\-", "-")
        for cmd in ("messages", "calls", "stats", "summary"):
            rc, out, _ = run(cmd, "--help")
            self.assertEqual(rc, 0)
            opts = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", out, re.M)) - {"--help", "--help-all"}
            self.assertTrue({"--since", "--until", "--caller", "--callee", "--method", "--code"} <= opts, opts)
            for o in opts:
                self.assertIn(o, man, f"man page lacks {o}")
        self.assertIn("csv", run("calls", "--help")[1])
        self.assertIn("--by", run("stats", "--help")[1])

    def test_no_progress_bar_in_pipes(self):
        rc, _, err = run("stats", self.cap, env={"SIPFLOW_PROGRESS_INTERVAL_MS": "0"})
        self.assertNotIn("\r", err)
        self.assertNotIn("ETA", err)

    def test_progress_bar_on_a_terminal(self):
        big = os.path.join(self.tmp.name, "big.pcap")
        with open(self.cap, "rb") as f:
            data = f.read()
        recs = data[24:]
        with open(big, "wb") as f:
            f.write(data[:24] + recs * 120)  # 2400 records: redraws come every 1024
        master, slave = pty.openpty()
        env = dict(os.environ, TZ="UTC", SIPFLOW_PROGRESS_INTERVAL_MS="0")
        p = subprocess.Popen([BIN, "stats", big], stdout=subprocess.DEVNULL, stderr=slave, env=env)
        os.close(slave)
        err = b""
        while True:
            r, _, _ = select.select([master], [], [], 60)
            if not r:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            err += chunk
        p.wait(timeout=60)
        os.close(master)
        text = err.decode("utf-8", "replace")
        self.assertRegex(text, r"\r.*sipflow: \[[#.]{24}\]\s+\d+\.\d%.* of .*/s  ETA \d+:\d\d")
        self.assertIn("\r\x1b[K", text)  # cleared at the end


if __name__ == "__main__":
    unittest.main(verbosity=2)
