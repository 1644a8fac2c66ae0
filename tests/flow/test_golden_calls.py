#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Golden call lists and statistics for every capture in pcaps/: `sipflow calls`
(json, text, csv) and `sipflow stats` (text, csv, json) are compared byte for
byte with tests/flow/golden/<capture>.<command>.<format>; the call list is
checked semantically against pcaps/ground-truth.json (number of calls per
outcome; every SIP message of the capture belongs to a call; every frame of a
call's messages is listed). `--update` rewrites the goldens (review the diff)."""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("SIPFLOW_SOURCE", os.path.dirname(os.path.dirname(HERE)))
BIN = os.environ.get("SIPFLOW_BIN", os.path.join(SRC, "build", "sipflow"))
LABELS = {"answered-200-bye-200": "answered", "rejected-486": "busy",
          "cancelled-487": "cancelled", "rejected-404": "not_found",
          "rejected-503": "failed", "no-final-response": "timeout"}


def main():
    update = "--update" in sys.argv
    truth = json.load(open(os.path.join(SRC, "pcaps", "ground-truth.json")))["captures"]
    failures = []
    caps = sorted(glob.glob(os.path.join(SRC, "pcaps", "*.pcap")))
    for path in caps:
        name = os.path.basename(path)
        p = subprocess.run([BIN, "calls", "-q", "--format", "json", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=120)
        if p.returncode != 0:
            failures.append(f"{name}: exit {p.returncode}: {p.stderr.decode()}")
            continue
        # every output format of calls and stats, byte for byte (TZ=UTC,
        # NO_COLOR=1 come from ctest's environment; --utc pins text times)
        outputs = {".calls.jsonl": p.stdout}
        for suffix, args in ((".calls.txt", ["calls", "--utc"]),
                             (".calls.csv", ["calls", "--utc", "--format", "csv"]),
                             (".stats.txt", ["stats"]),
                             (".stats.csv", ["stats", "--format", "csv"]),
                             (".stats.json", ["stats", "--format", "json"])):
            q = subprocess.run([BIN, args[0], "-q", *args[1:], path], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=120,
                               env={**os.environ, "TZ": "UTC", "NO_COLOR": "1"})
            if q.returncode != 0:
                failures.append(f"{name}: {' '.join(args)} exit {q.returncode}")
            outputs[suffix] = q.stdout
        for suffix, out in outputs.items():
            golden = os.path.join(HERE, "golden", name + suffix)
            if update:
                with open(golden, "wb") as f:
                    f.write(out)
            elif not os.path.exists(golden) or open(golden, "rb").read() != out:
                failures.append(f"{name}: output differs from {os.path.relpath(golden, SRC)} "
                                f"(run {sys.argv[0]} --update and review the diff)")
        calls = [json.loads(l) for l in p.stdout.decode().splitlines()]
        t = truth.get(name)
        if t is None:
            failures.append(f"{name}: not in pcaps/ground-truth.json")
            continue
        want = {}
        for label, n in t["outcomes"].items():
            want[LABELS[label]] = want.get(LABELS[label], 0) + n
        got = {}
        for c in calls:
            got[c["outcome"]] = got.get(c["outcome"], 0) + 1
        if got != want:
            failures.append(f"{name}: outcomes {got} != ground truth {want}")
        if sum(c["messages"] for c in calls) != t["sip_messages"]:
            failures.append(f"{name}: messages in calls {sum(c['messages'] for c in calls)} "
                            f"!= {t['sip_messages']}")
        want_frames = set()
        for m in t["messages"]:
            want_frames.add(m["frame"])
            want_frames.update(m.get("ip_fragment_frames") or [])
            want_frames.update(m.get("tcp_segment_frames") or [])
            want_frames.update(m.get("sctp_fragment_frames") or [])
        got_frames = set(f for c in calls for f in c["frames"])
        if got_frames != want_frames:
            failures.append(f"{name}: call frames {sorted(got_frames)} != {sorted(want_frames)}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(caps) - len({f.split(':')[0] for f in failures})} passed, "
          f"{len({f.split(':')[0] for f in failures})} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
