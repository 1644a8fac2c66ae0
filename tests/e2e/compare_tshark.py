#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""End-to-end comparison of `sipflow messages --format json` with tshark.

For every capture of the chosen groups both sides become a multiset of
(frame, key, call_id): frame is the frame that completed the message (the last
of sipflow's "frames"; tshark shows a reassembled message in the same frame),
key the method or the status code as a string. Every difference must be
explained by a line of tests/e2e/tshark-allowlist.tsv; the test fails on an
unexplained difference and on a stale allow-list line (listed, not different).

Usage: compare_tshark.py --group {project,sipp,public} [--capture NAME]...
       compare_tshark.py --lint        check the allow-list file only
Exit: 0 agree, 1 differences or errors, 77 skipped (no corpus / no tshark,
outside CI=true).
"""

import argparse
import collections
import decimal
import os
import re
import sys

import e2e_common as ec
import tshark_ref

ALLOWLIST = os.path.join(ec.HERE, "tshark-allowlist.tsv")
DIRECTIONS = ("sipflow-only", "tshark-only")
COLUMNS = ("capture", "frame", "key", "direction", "category", "note")


class AllowList:
    def __init__(self, path=ALLOWLIST):
        self.path = path
        self.categories = {}
        self.entries = {}  # (capture, frame, key, direction) -> (category, note, line)
        self.errors = []
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        for n, line in enumerate(lines, 1):
            m = re.match(r"^#\s*category:\s*(\S+)\s+(.*)$", line)
            if m:
                self.categories[m.group(1)] = m.group(2)
                continue
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            where = f"{path}:{n}"
            if len(cols) != len(COLUMNS):
                self.errors.append(f"{where}: {len(cols)} tab-separated columns, want {len(COLUMNS)} ({', '.join(COLUMNS)})")
                continue
            capture, frame, key, direction, category, note = (c.strip() for c in cols)
            if not frame.isdigit() or int(frame) < 1:
                self.errors.append(f"{where}: frame {frame!r} is not a 1-based frame number")
                continue
            if direction not in DIRECTIONS:
                self.errors.append(f"{where}: direction {direction!r} not in {DIRECTIONS}")
            if category not in self.categories:
                self.errors.append(f"{where}: unknown category {category!r} (the closed list is in the file header)")
            if len(note) < 10:
                self.errors.append(f"{where}: the note must say who is right and why")
            if not key or re.search(r"\s", key):
                self.errors.append(f"{where}: bad key {key!r}")
            k = (capture, int(frame), key, direction)
            if k in self.entries:
                self.errors.append(f"{where}: duplicate of line {self.entries[k][2]}")
            self.entries[k] = (category, note, n)
        if not self.categories:
            self.errors.append(f"{path}: no '# category: NAME description' lines in the header")

    def for_capture(self, name):
        return {k: v for k, v in self.entries.items() if k[0] == name}


def sipflow_multiset(path):
    """Returns (Counter of (frame, key, call_id), {(frame, key): start_line},
    problems)."""
    rc, objs, _ = ec.run_sipflow_json("messages", path)
    problems = []
    if rc != 0:
        problems.append(f"note: sipflow exit {rc} (read only in part)")
    ms = collections.Counter()
    lines = {}
    times = {}
    for i, o in enumerate(objs, 1):
        frames = o.get("frames")
        if not isinstance(frames, list) or not frames or not all(isinstance(f, int) for f in frames):
            problems.append(f"error: line {i}: bad frames {frames!r}")
            continue
        if o.get("file") != 0:
            problems.append(f"error: line {i}: file {o.get('file')!r}, want 0 (one input)")
        if isinstance(o.get("method"), str):
            key = o["method"]
        elif isinstance(o.get("status"), int):
            key = str(o["status"])
        else:
            key = "(none)"
        t = (frames[-1], key, o.get("call_id"))
        ms[t] += 1
        lines.setdefault((frames[-1], key), o.get("start_line"))
        times.setdefault(frames[-1], o.get("time"))
    return ms, lines, times, problems


def same_time(mine, theirs):
    try:
        return decimal.Decimal(mine) == decimal.Decimal(theirs)
    except (decimal.InvalidOperation, TypeError):
        return False


def compare_capture(path, allow, tshark, table, out):
    """Compares one capture; returns (ok, set of allow-list keys used)."""
    name = os.path.basename(path)
    used = set()
    try:
        ref = tshark_ref.reference(path, tshark, table)
    except Exception as e:
        out.append(f"FAIL {name}: tshark reference: {e}")
        return False, used
    try:
        mine, start_lines, my_times, problems = sipflow_multiset(path)
    except ec.ToolError as e:
        out.append(f"FAIL {name}: {e}")
        return False, used
    theirs = collections.Counter(tuple(t) for t in ref["tuples"])
    only_mine = mine - theirs
    only_theirs = theirs - mine
    listed = allow.for_capture(name)
    unlisted = []
    for direction, diff in (("sipflow-only", only_mine), ("tshark-only", only_theirs)):
        for (frame, key, cid), n in sorted(diff.items(), key=lambda x: (x[0][0], x[0][1], str(x[0][2]))):
            k = (name, frame, key, direction)
            if k in listed:
                used.add(k)
            else:
                unlisted.append((frame, key, direction, cid, n))
    stale = sorted(set(listed) - used)
    # The completing frame's time must be the one tshark reads from the
    # capture: the same instant, whatever the number of digits.
    for frame, t in sorted(my_times.items()):
        ref_t = ref["times"].get(str(frame))
        if ref_t is not None and not same_time(t, ref_t):
            problems.append(f"error: frame {frame}: time {t!r}, tshark frame.time_epoch {ref_t!r}")
    errors = [p for p in problems if p.startswith("error")]
    ok = not unlisted and not stale and not errors
    common = sum((mine & theirs).values())
    status = "ok  " if ok else "FAIL"
    out.append(
        f"{status} {name}: sipflow {sum(mine.values())}, tshark {sum(theirs.values())}, "
        f"same {common}, allowed {len(used)}, unlisted {len(unlisted)}, stale {len(stale)}"
    )
    for p in problems:
        out.append(f"       {p}")
    for frame, key, direction, cid, n in unlisted:
        ctx = start_lines.get((frame, key)) if direction == "sipflow-only" else None
        times = f" x{n}" if n > 1 else ""
        out.append(
            f"       unlisted: {name}\t{frame}\t{key}\t{direction}\t?\tcall_id={cid!r}{times}"
            + (f" start_line={ctx!r}" if ctx else "")
        )
    for k in stale:
        out.append(f"       stale allow-list line {allow.entries[k][2]}: {k[0]} frame {k[1]} {k[2]} {k[3]} (no such difference now)")
    return ok, used


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--group", choices=ec.GROUPS)
    ap.add_argument("--capture", action="append", default=[], help="only this capture (basename)")
    ap.add_argument("--lint", action="store_true", help="only check the allow-list file")
    args = ap.parse_args()

    allow = AllowList()
    if allow.errors:
        for e in allow.errors:
            print(e)
        return 1
    if args.lint:
        # Every line must name a capture that exists in some group.
        known, missing_group = set(), False
        for g in ec.GROUPS:
            c = ec.captures(g)
            if c is None:
                missing_group = True
            else:
                known.update(os.path.basename(p) for p in c)
        unknown = sorted({k[0] for k in allow.entries} - known)
        if unknown and missing_group:
            ec.skip("shared corpus not found; cannot check the capture names")
        for u in unknown:
            print(f"{ALLOWLIST}: capture {u!r} is in no test group")
        print(f"allow-list: {len(allow.entries)} lines, {len(allow.categories)} categories")
        return 1 if unknown else 0
    if not args.group:
        ap.error("--group or --lint is required")

    caps = ec.captures_or_skip(args.group)
    if args.capture:
        caps = [p for p in caps if os.path.basename(p) in args.capture]
        if not caps:
            print(f"no capture named {args.capture} in group {args.group}")
            return 1
    tshark = ec.tshark_or_skip()
    table = tshark_ref.load_decode_as()
    out, failed = [], 0
    for path in caps:
        ok, _ = compare_capture(path, allow, tshark, table, out)
        failed += not ok
        print("\n".join(out), flush=True)
        out.clear()
    print(f"== {args.group}: {len(caps)} captures, {len(caps) - failed} agree (after the allow-list), {failed} fail")
    if failed:
        print("Unlisted differences: read the packets (tshark -r F -Y frame.number==N -V) and either fix "
              "sipflow or add a line to tests/e2e/tshark-allowlist.tsv saying who is right and why.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
