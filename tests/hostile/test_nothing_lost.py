#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Nothing lost (issue 6): on every capture of pcaps/ and the shared corpus
(the e2e groups project, sipp and public; not the benchmark's volume
capture) and on most adversarial captures of make_hostile.py (group
hostile, generated into a temporary directory), every SIP message tshark
finds (tests/e2e/tshark_ref.py's cached reference) is
  - reported by `sipflow messages` (same completing frame, method or status
    code, and Call-ID; or the same frame and key with a Call-ID rendered
    differently), or
  - listed by `sipflow anomalies` with a reason at that frame, or
  - a "tshark-only" line of the allow-list tests/e2e/tshark-allowlist.tsv
    (its loader and closed categories are reused; staleness is checked by
    compare_tshark.py).
And the user is told when something was skipped: the stderr summary counts
exactly the messages and anomalies printed, says "input read only in part"
exactly when the exit status is 3, and an exit 3 comes with a file-level
anomaly (file-truncated, file-corrupt or file-unreadable).

Usage: test_nothing_lost.py [--group G]... [--capture NAME]...
Exit: 0 ok, 1 failures, 77 skipped (no shared corpus / no tshark, outside
CI=true).
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "e2e"))
import compare_tshark  # noqa: E402
import e2e_common as ec  # noqa: E402
import tshark_ref  # noqa: E402

GROUPS = ec.GROUPS + ("hostile",)
# Adversarial captures (make_hostile.py) held against tshark too, except:
# empty-file (tshark cannot read it either), the two floods (minutes of
# tshark for nothing new), frag-v6-overlap (tshark reassembles overlapping
# IPv6 fragments, which RFC 5722 says to discard; sipflow reports the
# discard at the overlapping fragment, tshark shows the message at the last).
HOSTILE_SKIP = {"empty-file", "frag-flood", "tcp-stream-flood", "frag-v6-overlap"}
FILE_LEVEL = {"file-truncated", "file-corrupt", "file-unreadable"}
SUMMARY = re.compile(r"sipflow: (\d+) records, (\d+) SIP messages, (\d+) anomalies")


def run_json(cmd, path):
    """(exit code, objects, stderr) of `sipflow CMD --format json PATH`."""
    argv = [ec.sipflow_bin(), cmd, "--format", "json", path]
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=900)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode not in ec.SIPFLOW_OK:
        raise ec.ToolError(f"{' '.join(argv)}: exit {p.returncode}: {err.strip()[-800:]}")
    objs = [json.loads(line) for line in p.stdout.decode("utf-8").split("\n") if line]
    return p.returncode, objs, err


def key_of(o):
    if isinstance(o.get("method"), str):
        return o["method"]
    if isinstance(o.get("status"), int):
        return str(o["status"])
    return "(none)"


def check_summary(name, cmd, rc, err, n_msgs, n_anoms, out):
    ok = True
    m = SUMMARY.search(err)
    if not m:
        out.append(f"       {cmd}: no summary line on stderr: {err.strip()[-300:]!r}")
        return False
    if n_msgs is not None and int(m.group(2)) != n_msgs:
        out.append(f"       {cmd}: summary says {m.group(2)} SIP messages, {n_msgs} printed")
        ok = False
    if n_anoms is not None and int(m.group(3)) != n_anoms:
        out.append(f"       {cmd}: summary says {m.group(3)} anomalies, {n_anoms} printed")
        ok = False
    partial = "input read only in part" in err
    if partial != (rc == 3):
        out.append(f"       {cmd}: exit {rc} but stderr {'says' if partial else 'does not say'} "
                   "'input read only in part'")
        ok = False
    return ok


def check_capture(path, allow, tshark, table, out):
    name = os.path.basename(path)
    ref = tshark_ref.reference(path, tshark, table)
    try:
        rc_m, msgs, err_m = run_json("messages", path)
        rc_a, anoms, err_a = run_json("anomalies", path)
    except (ec.ToolError, subprocess.TimeoutExpired, ValueError) as e:
        out.append(f"FAIL {name}: {e}")
        return False
    ok = True
    if rc_m != rc_a:
        out.append(f"       exit {rc_m} for messages but {rc_a} for anomalies")
        ok = False
    ok &= check_summary(name, "messages", rc_m, err_m, len(msgs), None, out)
    ok &= check_summary(name, "anomalies", rc_a, err_a, None, len(anoms), out)
    kinds = collections.Counter(a.get("kind") for a in anoms)
    if rc_m == 3 and not FILE_LEVEL & set(kinds):
        out.append("       exit 3 without a file-level anomaly saying what was not read")
        ok = False
    if rc_m == 0 and FILE_LEVEL & set(kinds):
        out.append(f"       exit 0 despite {sorted(FILE_LEVEL & set(kinds))}")
        ok = False

    mine = collections.Counter((o["frames"][-1], key_of(o), o.get("call_id")) for o in msgs)
    theirs = collections.Counter(tuple(t) for t in ref["tuples"])
    missing = theirs - mine
    # A message both report whose Call-ID text differs (tshark cuts it at
    # a NUL, renders bytes differently) is reported, not lost; the text
    # itself is compare_tshark.py's business.
    spare = collections.Counter((f, k) for f, k, _ in (mine - theirs).elements())
    for t in sorted(missing.elements(), key=str):
        if spare[t[:2]] > 0:
            spare[t[:2]] -= 1
            missing[t] -= 1
    missing = +missing
    reasons = {}
    for a in anoms:
        if a.get("file") == 0 and a.get("reason"):
            reasons.setdefault(a.get("frame"), []).append(f"{a['kind']}: {a['reason']}")
    listed = allow.for_capture(name)
    lost, explained, allowed = [], 0, 0
    order = sorted(missing.items(), key=lambda x: (x[0][0], x[0][1], str(x[0][2])))
    for (frame, key, cid), n in order:
        if frame in reasons:
            explained += n
        elif (name, frame, key, "tshark-only") in listed:
            allowed += n
        else:
            lost.append((frame, key, cid, n))
    ok &= not lost
    reported = sum(theirs.values()) - sum(missing.values())
    out.insert(0, f"{'ok  ' if ok else 'FAIL'} {name}: tshark {sum(theirs.values())}, reported "
               f"{reported}, anomaly at the frame {explained}, "
               f"allow-listed {allowed}, lost {sum(n for *_, n in lost)}; exit {rc_m}; "
               f"anomalies {dict(kinds) if kinds else 0}")
    for frame, key, cid, n in lost:
        out.append(f"       lost: frame {frame} {key} call_id={cid!r}" + (f" x{n}" if n > 1 else "")
                   + " (neither reported nor an anomaly at that frame)")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--group", action="append", choices=GROUPS)
    ap.add_argument("--capture", action="append", default=[])
    args = ap.parse_args()
    groups = args.group or list(GROUPS)
    allow = compare_tshark.AllowList()
    if allow.errors:
        print("\n".join(allow.errors))
        return 1
    caps = []
    tmp = tempfile.TemporaryDirectory(prefix="sipflow-nothing-lost-")
    for g in groups:
        if g == "hostile":
            sys.path.insert(0, HERE)
            import make_hostile

            names = set(make_hostile.CASES) - HOSTILE_SKIP
            facts = make_hostile.generate(tmp.name, names)
            caps += sorted(f["path"] for f in facts.values())
            continue
        c = ec.captures(g)
        if c is None:
            shared = os.environ.get("SIPFLOW_SHARED", "")
            ec.skip(f"shared corpus not found (SIPFLOW_SHARED={shared!r})")
        caps += c
    if args.capture:
        caps = [p for p in caps if os.path.basename(p) in args.capture]
    if not caps:
        ec.skip("no captures")
    tshark = ec.tshark_or_skip()
    table = tshark_ref.load_decode_as()
    failed = 0
    for path in caps:
        out = []
        try:
            ok = check_capture(path, allow, tshark, table, out)
        except Exception as e:  # report every capture, then fail
            out.append(f"FAIL {os.path.basename(path)}: {type(e).__name__}: {e}")
            ok = False
        failed += not ok
        print("\n".join(out), flush=True)
    tmp.cleanup()
    print(f"== nothing lost: {len(caps)} captures, {len(caps) - failed} ok, {failed} fail")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
