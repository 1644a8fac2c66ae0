#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The flow engine against the SIPp corpus's ground truth
($SIPFLOW_SHARED/pcaps/sipp/manifest.json, read as JSON: Call-IDs change when
the corpus is regenerated, counts do not). For every capture, the 10k-call
volume capture included: call outcomes through the label mapping below,
requests per method, responses per method and code, the retransmission total,
registrations; and `calls --failed` lists exactly the failed calls."""
import json
import os
import subprocess
import sys

# manifest outcome label -> sipflow outcome (None: not a call)
LABELS = {
    "answered-200-bye-200": "answered",
    "rejected-486": "busy",
    "cancelled-487": "cancelled",
    "rejected-404": "not_found",
    "rejected-503": "failed",
    "no-final-response": "timeout",
    "OPTIONS-200": None,
    "registered-after-1-challenge": None,
}

SHARED = os.environ.get("SIPFLOW_SHARED", "")
BIN = os.environ["SIPFLOW_BIN"]


def skip(why):
    if os.environ.get("CI") == "true":
        print(f"FAIL (CI=true forbids skipping): {why}")
        sys.exit(1)
    print(f"SKIP: {why}")
    sys.exit(77)


def run_json(*args):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
    if p.returncode != 0:
        raise AssertionError(f"sipflow {' '.join(args)} exited {p.returncode}: {p.stderr.decode()}")
    return [json.loads(l) for l in p.stdout.decode().splitlines() if l.strip()]


def main():
    mpath = os.path.join(SHARED, "pcaps", "sipp", "manifest.json")
    if not os.path.exists(mpath):
        skip(f"{mpath} missing")
    manifest = json.load(open(mpath))
    failures = []
    for cap in manifest["captures"]:
        name, truth = cap["name"], cap["observed"]
        path = os.path.join(SHARED, "pcaps", "sipp", cap["file"] if "/" not in cap["file"] else os.path.basename(cap["file"]))
        stats = run_json("stats", "-q", "--format", "json", path)[0]
        calls = run_json("calls", "-q", "--format", "json", path)
        failed = run_json("calls", "-q", "--failed", "--format", "json", path)

        def check(what, got, want):
            if got != want:
                failures.append(f"{name}: {what}: sipflow {got} != ground truth {want}")

        want_outcomes = {}
        want_regs = 0
        for label, n in truth["outcomes"].items():
            if label not in LABELS:
                failures.append(f"{name}: unknown manifest label {label}")
                continue
            if LABELS[label]:
                want_outcomes[LABELS[label]] = want_outcomes.get(LABELS[label], 0) + n
            elif label.startswith("registered"):
                want_regs += n
        got_outcomes = {k: v for k, v in stats["outcomes"].items() if v}
        check("outcomes", got_outcomes, want_outcomes)
        check("calls", stats["calls"], sum(want_outcomes.values()))
        check("requests", stats["requests"], truth["requests"])
        check("responses", stats["responses"],
              {m: {c: n for c, n in codes.items()} for m, codes in truth["responses_by_method"].items()})
        check("retransmissions", stats["retransmissions"], truth["retransmissions"])
        if want_regs:
            check("registrations registered", stats["registrations"]["registered"], want_regs)
            check("registration challenges", stats["registrations"]["challenges"], want_regs)
        # calls --failed lists exactly the calls that are neither answered nor unfinished
        check("calls --failed", sorted(c["call"] for c in failed),
              sorted(c["call"] for c in calls if c["outcome"] not in ("answered", "unfinished")))
        check("failed flag", all(c["failed"] for c in failed), True)
        check("call numbers", sorted(c["call"] for c in calls), list(range(1, len(calls) + 1)))
        print(f"{name}: {len(calls)} calls {got_outcomes}, retransmissions {stats['retransmissions']}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(manifest['captures']) - len({f.split(':')[0] for f in failures})} passed, "
          f"{len({f.split(':')[0] for f in failures})} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
