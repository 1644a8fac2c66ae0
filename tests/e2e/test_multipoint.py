#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Several capture points (README "Several capture points"): the call in
pcaps/udp-two-points-{a,b}.pcap was recorded at both ends of a veth at once
(pcaps/record.sh rec_udp_two_points), its 200 OK retransmitted once.

- each file alone gives the call: 8 messages, 1 retransmission, 0 copies;
- both files merged give ONE call: 8 messages, the same 1 retransmission,
  8 duplicates (every message seen twice, each copy naming its twin), shown
  once in the ladder with both frames;
- with file b's clock 2.5 s ahead (editcap -t), the merge is wrong without
  --time-shift (copies become false retransmissions) and right with it,
  by name or by position; --dup-window 0 turns detection off;
- bad --time-shift / --dup-window values are usage errors with a message;
- the shared heplify FAX capture, whose 10.35.40.x leg was captured twice,
  gives 23 duplicates and no retransmission, and every copy has its first
  copy's IPv4 ID (tshark), less than 2 ms later."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import e2e_common as common

BIN = common.sipflow_bin()
PCAPS = os.path.join(common.SOURCE, "pcaps")
A = os.path.join(PCAPS, "udp-two-points-a.pcap")
B = os.path.join(PCAPS, "udp-two-points-b.pcap")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def run(*args, ok=(0,)):
    p = subprocess.run([BIN, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if p.returncode not in ok:
        raise SystemExit(f"sipflow {' '.join(args)}: exit {p.returncode}\n{p.stderr.decode()}")
    return p


def jsonl(*args):
    return [json.loads(x) for x in run(*args, "--format", "json", "-q").stdout.splitlines()]


def one_call(label, *paths, msgs=8, retr=1, dups=0, extra=()):
    calls = jsonl("calls", *extra, *paths)
    if not check(len(calls) == 1, f"{label}: {len(calls)} calls, want 1"):
        return
    c = calls[0]
    check(c["outcome"] == "answered", f"{label}: outcome {c['outcome']}")
    got = (c["messages"], c["retransmissions"], c["duplicates"])
    check(got == (msgs, retr, dups), f"{label}: messages/retransmissions/duplicates {got}, "
          f"want {(msgs, retr, dups)}")
    st = json.loads(run("stats", "--format", "json", "-q", *extra, *paths).stdout)
    check((st["retransmissions"], st["duplicates"]) == (retr, dups),
          f"{label}: stats retransmissions/duplicates {st['retransmissions']}/"
          f"{st['duplicates']}, want {retr}/{dups}")


def merged_messages(label, *paths, extra=()):
    ms = jsonl("messages", *extra, *paths)
    check(len(ms) == 16, f"{label}: {len(ms)} messages, want 16")
    dups = [m for m in ms if m["duplicate_of"]]
    check(len(dups) == 8, f"{label}: {len(dups)} duplicates, want 8")
    for m in dups:
        f = m["duplicate_of"]
        # both ends of the veth number the call's frames alike: the twin
        # is the same frame number in the other file
        check(f["file"] != m["file"] and f["frame"] == m["frames"][-1],
              f"{label}: copy file {m['file']} frame {m['frames']} names {f}")
        check(not m["retransmission"], f"{label}: copy {m['frames']} is a retransmission")
    retr = [m for m in ms if m["retransmission"]]
    check(len(retr) == 1 and retr[0]["status"] == 200 and retr[0]["frames"] == [5],
          f"{label}: retransmissions {[(m['file'], m['frames']) for m in retr]}, want the "
          "200 OK of frame 5 once")
    check(len({m["call"] for m in ms}) == 1, f"{label}: several calls")


def main():
    for p in (A, B):
        if not os.path.exists(p):
            raise SystemExit(f"missing {p}")
    one_call("a alone", A)
    one_call("b alone", B)
    one_call("a+b", A, B, dups=8)
    merged_messages("a+b", A, B)

    lad = run("ladder", "--call", "1", "--width", "100", "-q", A, B).stdout.decode()
    # arrow rows: "15:30:10.317788 +0.000000 0:1+1:1  ├── INVITE ──▶│"
    frames = [m.group(1) for m in re.finditer(r"^\d\d:\d\d:\d\d\.\d+ +[+-][\d.]+ +(\S+)", lad,
                                              re.M)]
    check(len(frames) == 8, f"ladder a+b: {len(frames)} arrows, want 8:\n" + lad)
    check(all(re.fullmatch(r"([01]):(\d+)\+(?!\1)[01]:\2", f) for f in frames),
          f"ladder a+b: an arrow lacks its two frame references {frames}:\n" + lad)

    if shutil.which("editcap"):
        with tempfile.TemporaryDirectory() as tmp:
            bs = os.path.join(tmp, "b-ahead.pcap")
            subprocess.run(["editcap", "-t", "2.5", B, bs], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            calls = jsonl("calls", A, bs)
            check(len(calls) == 1 and calls[0]["retransmissions"] > 1
                  and calls[0]["duplicates"] == 0,
                  f"a+b shifted, no --time-shift: want false retransmissions and no "
                  f"duplicates, got {[(c['retransmissions'], c['duplicates']) for c in calls]}")
            one_call("a+b shifted, --time-shift by name", A, bs, dups=8,
                     extra=("--time-shift", bs + "=-2.5"))
            one_call("a+b shifted, --time-shift by position", A, bs, dups=8,
                     extra=("--time-shift", "2=-2.5"))
            one_call("a+b shifted, a moved instead", A, bs, dups=8,
                     extra=("--time-shift", "1=+2.500000"))
            merged_messages("a+b shifted, --time-shift", A, bs, extra=("--time-shift", "#2=-2.5"))
    else:
        common.skip("editcap not found (Debian package 'tshark')")

    one_call("a+b --dup-window 0", A, B, msgs=16, retr=9, dups=0, extra=("--dup-window", "0"))

    for bad, why in ((["--time-shift", "2.5"], "want FILE=[+-]SECONDS"),
                     (["--time-shift", "c.pcap=1"], "no input file 'c.pcap'"),
                     (["--time-shift", "3=1"], "no input file '3'"),
                     (["--time-shift", "1=1.2.3"], "not a number of seconds"),
                     (["--time-shift", "1=abc"], "not a number of seconds"),
                     (["--time-shift", "1=1", "--time-shift", A + "=2"], "given twice"),
                     (["--dup-window", "-5"], "--dup-window"),
                     (["--dup-window", "1e9"], "--dup-window")):
        p = run("calls", *bad, A, B, ok=(2,))
        check(why in p.stderr.decode(), f"{bad}: stderr {p.stderr.decode()!r} lacks {why!r}")

    fax()
    if failures:
        for f in failures:
            print("FAIL", f, file=sys.stderr)
        return 1
    print("ok: two capture points, time shift, duplicates vs retransmissions")
    return 0


def fax():
    sd = common.shared_dir()
    if sd is None:
        common.skip("shared corpus missing")
    path = os.path.join(sd, "pcaps", "public", "heplify--FAX-Call-t38-CA-TDM-SIP-FB-1.pcap")
    if not os.path.exists(path):
        common.skip(f"missing {path}")
    ms = jsonl("messages", path)
    dups = [m for m in ms if m["duplicate_of"]]
    check(len(dups) == 23, f"FAX: {len(dups)} duplicates, want 23")
    check(not any(m["retransmission"] for m in ms), "FAX: a retransmission")
    tshark = common.tshark_or_skip()
    out = subprocess.run([tshark, "-n", "-r", path, "-Y", "sip", "-T", "fields", "-e",
                          "frame.number", "-e", "ip.id", "-e", "frame.time_epoch"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True)
    info = {}
    for ln in out.stdout.decode().splitlines():
        n, ipid, t = ln.split("\t")
        info[int(n)] = (ipid, float(t))
    for m in dups:
        a, b = info[m["duplicate_of"]["frame"]], info[m["frames"][-1]]
        check(a[0] == b[0] and 0 <= b[1] - a[1] < 0.002,
              f"FAX: copy {m['frames']} of {m['duplicate_of']}: IP ID/time {b} vs {a}")


if __name__ == "__main__":
    sys.exit(main())
