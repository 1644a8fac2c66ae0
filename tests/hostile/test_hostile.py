#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Adversarial captures (issue 6): sipflow on every case make_hostile.py
generates, checked against what EXPECT below says it must do.

For every case and every command (messages, anomalies, calls, stats, all
with --format json):
- the exit status is the one stated (0 read whole, 3 read in part, 1 not at
  all), never a signal; stderr carries no sanitizer report; every stdout
  line is a JSON object;
- peak RSS <= 64 MB (skipped in a sanitizer build: SIPFLOW_SANITIZE=1);
- in every build, the library's own allocation high-water marks (engine objects,
  TCP out-of-order queue, IP fragment table; SIPFLOW_MEMSTATS) stay <= 64 MiB;
- the stated anomaly kinds are reported at the stated frames;
- every message of the embedded real call is reported, in order, from the
  frames that carried it, not flagged, and `calls` shows it answered;
- the stated other messages are reported (or, for "accounted", each of
  them is either reported or has an anomaly at its frame).
Hangs are caught by the ctest TIMEOUT (and a generous per-run timeout).

Usage: test_hostile.py [CASE...]    (SIPFLOW_BIN, SIPFLOW_RSS_RUN from ctest;
without SIPFLOW_RSS_RUN the RSS is measured with os.wait4 here, which
also counts this process's own RSS at fork time)
"""

import json
import re
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_hostile as mh  # noqa: E402

RSS_LIMIT_KB = 64 * 1024
# the engine's, TCP queue's and fragment table's own counts, all builds
ALLOC_LIMIT = 64 * 1024 * 1024
RUN_TIMEOUT = 600  # seconds per command: hang detection only
COMMANDS = ("messages", "anomalies", "calls", "stats")
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "UndefinedBehaviorSanitizer", "AddressSanitizer:")

# What sipflow must do with each case.
#   exit       exit status of every command
#   anomalies  [(kind, where, count)]: where is a mark name from the facts
#              (an anomaly of that kind at exactly that frame), ">=NAME" (at
#              or after it), or None (any frame); count: at least 1 when
#              None, else exactly that many (an int or a facts key)
#   only       the anomaly kinds listed are the only ones allowed
#   real       the embedded real call must be reported whole
#   reported   names from facts["msgs"]: a message must complete there
#   malformed  names from facts["msgs"]: that message is flagged malformed
#   accounted  every facts["msgs"] frame has a message or an anomaly
#   stderr     text the stderr summary must contain
EXPECT = {
    "empty-file": dict(exit=1, real=False, stderr=["empty-file.pcap"]),
    "header-only-pcap": dict(exit=0, real=False, only=True),
    "header-only-pcapng": dict(exit=0, real=False, only=True),
    "truncated-mid-record": dict(exit=3, anomalies=[("file-truncated", "cut", 1)], only=True,
                                 stderr=["input read only in part"]),
    "truncated-mid-header": dict(exit=3, anomalies=[("file-truncated", "cut", 1)], only=True,
                                 stderr=["input read only in part"]),
    # docs/anomalies.md: record-invalid, "the bytes present are used"
    "caplen-invalid": dict(exit=0, anomalies=[("record-invalid", "gt_snaplen", 1),
                                              ("record-invalid", "gt_len", 1),
                                              ("record-invalid", "gt_both", 1)]),
    "snaplen-cut-sip": dict(exit=0, anomalies=[("ip-truncated", "cut", 1),
                                               ("sip-truncated", "cut", 1)],
                            only=True, reported=["cut"], malformed=["cut"]),
    "pcapng-interfaces": dict(exit=0, anomalies=[("linktype-unsupported", "unsupported", 1)],
                              only=True),
    "frag-v4-overlap": dict(exit=0, anomalies=[("frag-overlap", "overlap", 1),
                                               ("ip-malformed", "conflict_last", 1)],
                            reported=["frag_opt"]),
    "frag-v6-overlap": dict(exit=0, anomalies=[("frag-overlap", "overlap", 1)], only=True),
    # 100,000 datagrams: each one evicted at the cap or reported incomplete
    "frag-flood": dict(exit=0, anomalies=[("frag-evicted", "first", 1), ("frag-evicted", None, 0),
                                          ("frag-incomplete", None, 0)],
                       total={"frag-evicted": 0, "frag-incomplete": 0, "=": 100_000}, only=True),
    "frag-too-big": dict(exit=0, anomalies=[("frag-too-big", "big4", 1),
                                            ("frag-too-big", "big6", 1)]),
    "tcp-cl-huge": dict(exit=0, anomalies=[("sip-malformed", "bad", 1)], reported=["bad"],
                        malformed=["bad"]),
    "tcp-cl-nonnumeric": dict(exit=0, anomalies=[("sip-malformed", "bad", 1)], reported=["bad"],
                              malformed=["bad"]),
    "tcp-headers-endless": dict(exit=0, anomalies=[("sip-too-large", ">=first", 1)]),
    "tcp-one-byte-segments": dict(exit=0, anomalies=[("tcp-conflict", "conflict0", 1),
                                                     ("tcp-conflict", "conflict_last", 1),
                                                     ("tcp-conflict", None, "conflicts")],
                                  only=True, messages=392),
    "tcp-seq-wrap": dict(exit=0, only=True),
    # every never-finished request is reported, none silently dropped
    "tcp-stream-flood": dict(exit=0, anomalies=[("sip-truncated", None, 50_000)], only=True),
    "tcp-midstream-gap": dict(exit=0, anomalies=[("tcp-gap", "gap", 1)], reported=["opt1"]),
    "tcp-huge-headers": dict(exit=0, reported=["many", "long"]),
    "sip-garbage": dict(exit=0, accounted=True,
                        reported=["nul", "nul_callid", "bad_utf8", "bad_utf8_raw",
                                  "unknown_method", "status_099", "status_999", "no_cseq",
                                  "two_callids", "orphan_200", "orphan_486", "ack_unknown",
                                  "bye_unknown", "cancel_unknown", "empty_cl_body"],
                        malformed=["status_099", "status_999", "no_cseq", "two_callids",
                                   "empty_cl_body"]),
}


def sipflow_bin():
    b = os.environ.get("SIPFLOW_BIN")
    if not b:
        b = os.path.join(os.environ.get("SIPFLOW_BUILD", ""), "sipflow")
    return b


def run(cmd, path, tmp):
    """Runs one command; returns (exit code or -signal, stdout lines,
    stderr text, peak RSS in KB, whether that RSS is the program's own)."""
    out, err, stat = (os.path.join(tmp, n) for n in ("out", "err", "stat"))
    launcher = os.environ.get("SIPFLOW_RSS_RUN")
    argv = [sipflow_bin(), cmd, "--format", "json", path]
    if launcher and os.path.exists(launcher):
        argv = [launcher, stat] + argv
    with open(out, "wb") as fo, open(err, "wb") as fe:
        # SIPFLOW_MEMSTATS: the tool prints the library's own allocation
        # high-water marks, checked below in every build (the only memory
        # figure that means something under ASan)
        p = subprocess.Popen(argv, stdout=fo, stderr=fe, env={**os.environ, "SIPFLOW_MEMSTATS": "1"})
        if argv[0] != launcher:
            # No launcher (run by hand): wait4 here. The figure then
            # includes this Python process's RSS at fork time, so it is
            # shown but not checked.
            _, st, ru = os.wait4(p.pid, 0)
            p.returncode = os.waitstatus_to_exitcode(st)
            rss_direct = ru.ru_maxrss
        else:
            try:
                p.wait(timeout=RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                raise AssertionError(f"{' '.join(argv)}: no result after {RUN_TIMEOUT} s (hang?)")
    rss = None
    if argv[0] != launcher:
        rss = rss_direct
    if argv[0] == launcher:
        if p.returncode != 0:
            raise AssertionError(f"rss_run failed ({p.returncode})")
        with open(stat) as f:
            kv = dict(x.split("=") for x in f.read().split())
        st = int(kv["status"])
        rc = os.waitstatus_to_exitcode(st)
        rss = int(kv["maxrss_kb"])
    else:
        rc = p.returncode
    with open(out, "rb") as f:
        lines = f.read().split(b"\n")
    with open(err, "rb") as f:
        errtext = f.read().decode("utf-8", "replace")
    if lines and lines[-1] == b"":
        lines.pop()
    return rc, lines, errtext, rss, argv[0] == launcher


def check_case(name, fx, exp, tmp, sanitize):
    """Returns (list of failures, peak RSS KB over the commands)."""
    fails = []
    path = fx["path"]
    results = {}
    peak = 0
    exact = False
    for cmd in COMMANDS:
        try:
            rc, lines, err, rss, exact = run(cmd, path, tmp)
        except AssertionError as e:
            fails.append(f"{cmd}: {e}")
            continue
        if rc < 0:
            fails.append(f"{cmd}: killed by signal {-rc}")
        elif rc != exp["exit"]:
            fails.append(f"{cmd}: exit {rc}, want {exp['exit']}")
        for m in SANITIZER_MARKS:
            if m in err:
                fails.append(f"{cmd}: sanitizer report in stderr: {err[err.index(m):][:300]!r}")
                break
        for s in exp.get("stderr", []):
            if s not in err:
                fails.append(f"{cmd}: stderr lacks {s!r}: {err.strip()[:300]!r}")
        m = re.search(r"memory peak: engine (\d+) bytes, tcp out-of-order (\d+) bytes, "
                      r"ip fragments (\d+) bytes", err)
        if rc >= 0 and rc != 1 and not m:
            fails.append(f"{cmd}: no 'memory peak' line on stderr")
        elif m and sum(int(x) for x in m.groups()) > ALLOC_LIMIT:
            fails.append(f"{cmd}: library allocation high-water {m.groups()} bytes > 64 MiB")
        if rss is not None:
            peak = max(peak, rss)
            if exact and not sanitize and rss > RSS_LIMIT_KB:
                fails.append(f"{cmd}: peak RSS {rss // 1024} MB > 64 MB")
        objs = []
        for i, line in enumerate(lines, 1):
            try:
                o = json.loads(line.decode("utf-8"))
                assert isinstance(o, dict)
                objs.append(o)
            except (UnicodeDecodeError, ValueError, AssertionError):
                fails.append(f"{cmd}: line {i} is not a UTF-8 JSON object: {line[:120]!r}")
                break
        results[cmd] = objs
    msgs = results.get("messages", [])
    anoms = results.get("anomalies", [])
    marks = fx["marks"]

    # anomalies
    by_kind = {}
    for a in anoms:
        by_kind.setdefault(a.get("kind"), []).append(a.get("frame"))
        if not a.get("reason"):
            fails.append(f"anomaly without a reason: {a}")
    for kind, where, count in exp.get("anomalies", []):
        frames = by_kind.get(kind, [])
        if isinstance(count, str):
            count = fx[count]
        if where is None:
            n = len(frames)
            if (count and n != count) or (not count and n < 1):
                fails.append(f"{kind}: {n} reported, want {count or 'at least 1'}")
            continue
        if where.startswith(">="):
            f0 = marks[where[2:]]
            if not any(f >= f0 for f in frames):
                fails.append(f"{kind}: none at or after frame {f0} (got frames {frames[:10]})")
            continue
        f0 = marks[where]
        n = frames.count(f0)
        if n != count:
            fails.append(f"{kind}: {n} at frame {f0}, want {count} (got frames {frames[:10]})")
    if exp.get("only"):
        allowed = {k for k, _, _ in exp.get("anomalies", [])}
        extra = sorted(set(by_kind) - allowed)
        if extra:
            fails.append(f"unexpected anomaly kinds {extra}: "
                         + "; ".join(f"{a['frame']} {a['kind']} {a['reason']}" for a in anoms
                                     if a["kind"] in extra)[:400])
    tot = exp.get("total")
    if tot:
        n = sum(len(by_kind.get(k, [])) for k in tot if k != "=")
        if n != tot["="]:
            fails.append(f"{'+'.join(k for k in tot if k != '=')}: {n}, want {tot['=']}")

    # the real call
    cid = None
    if exp.get("real", True):
        cid = next((m["call_id"] for m in msgs
                    if (m.get("call_id") or "").startswith("real-")), None)
        mine = [m for m in msgs if cid and m.get("call_id") == cid]
        keys = [m["method"] if m.get("method") else str(m.get("status")) for m in mine]
        frames = [m["frames"][-1] for m in mine]
        if keys != mh.REAL_KEYS:
            fails.append(f"real call: messages {keys}, want {mh.REAL_KEYS}")
        elif frames != fx["real_frames"]:
            fails.append(f"real call: completing frames {frames}, want {fx['real_frames']}")
        for m in mine:
            if m.get("malformed") or m.get("retransmission"):
                fails.append(f"real call: frame {m['frames'][-1]} flagged: malformed "
                             f"{m.get('malformed')!r}, retransmission {m.get('retransmission')}")
        calls = [c for c in results.get("calls", []) if cid and c.get("call_id") == cid]
        if len(calls) != 1 or calls[0].get("outcome") != "answered":
            got = [c.get("outcome") for c in calls]
            fails.append(f"real call: calls shows {got}, want one answered")
    if "messages" in exp and len(msgs) != exp["messages"]:
        fails.append(f"{len(msgs)} messages, want {exp['messages']}")

    # other messages
    done = {}
    for m in msgs:
        done.setdefault(m["frames"][-1], []).append(m)
    anom_frames = {a.get("frame") for a in anoms}
    for n in exp.get("reported", []):
        if fx["msgs"][n] not in done:
            fails.append(f"message {n!r} (frame {fx['msgs'][n]}) not reported")
    for n in exp.get("malformed", []):
        ms = done.get(fx["msgs"][n], [])
        if not any(m.get("malformed") for m in ms):
            fails.append(f"message {n!r} (frame {fx['msgs'][n]}) not flagged malformed")
    if exp.get("accounted"):
        for n, f in fx["msgs"].items():
            if f not in done and f not in anom_frames:
                fails.append(f"message {n!r} (frame {f}) neither reported nor an anomaly: lost")
    return fails, peak, exact


def main(argv):
    names = argv[1:] or list(EXPECT)
    unknown = [n for n in names if n not in EXPECT]
    missing = [n for n in mh.CASES if n not in EXPECT]
    if unknown or missing:
        print(f"cases without an expectation: {missing}; unknown names: {unknown}")
        return 1
    b = sipflow_bin()
    if not os.path.exists(b):
        print(f"sipflow binary not found: {b}")
        return 1
    sanitize = os.environ.get("SIPFLOW_SANITIZE") == "1"
    failed = 0
    with tempfile.TemporaryDirectory(prefix="sipflow-hostile-") as tmp:
        facts = mh.generate(os.path.join(tmp, "caps"), set(names))
        for name in names:
            fails, peak, exact = check_case(name, facts[name], EXPECT[name], tmp, sanitize)
            rss = f"{peak / 1024:.1f} MB" if peak else "n/a"
            if sanitize:
                rss += " (sanitizer build: not checked)"
            elif not exact:
                rss += " (no SIPFLOW_RSS_RUN: includes Python's own RSS, not checked)"
            print(f"{'ok  ' if not fails else 'FAIL'} {name}: peak RSS {rss}", flush=True)
            for f in fails:
                print(f"       {f}")
            failed += bool(fails)
            os.unlink(facts[name]["path"])  # keep the temp dir small
    print(f"== hostile: {len(names)} cases, {len(names) - failed} ok, {failed} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
