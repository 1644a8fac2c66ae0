#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validates the JSON output of `sipflow messages|anomalies|calls|stats` on
every capture of a group against docs/schemas/*.schema.json, plus what a
schema cannot say: frames strictly ascending, messages in capture order of
their completing frame, start line agreeing with method/status, no lone
surrogates, ports in range, input indices of a two-file run.

It also checks that the schemas' anomaly kinds and layers are exactly those
of analyzer/src/common/anomaly.c, so a new kind cannot ship undocumented.

Usage: validate_schema.py --group {project,sipp,public}
       validate_schema.py --schemas-only
Exit: 0 valid, 1 invalid, 77 skipped.
"""

import argparse
import json
import os
import re
import sys

import e2e_common as ec

SCHEMA_DIR = os.path.join(ec.SOURCE, "docs", "schemas")
ANOMALY_C = os.path.join(ec.SOURCE, "analyzer", "src", "common", "anomaly.c")
SURROGATE = re.compile("[\ud800-\udfff]")
MAX_REPORT = 20  # problems printed per capture and command
COMMANDS = ("messages", "anomalies", "calls", "stats")
FLOW_DIR = os.path.join(ec.SOURCE, "analyzer", "src", "flow")


def load_validators():
    try:
        import jsonschema
    except ImportError:
        ec.skip("python3-jsonschema is not installed (Debian package 'python3-jsonschema')")
    vals = {}
    for cmd in COMMANDS:
        with open(os.path.join(SCHEMA_DIR, f"{cmd}.schema.json"), encoding="utf-8") as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        if not schema.get("$id", "").endswith(":v1:" + cmd):
            raise SystemExit(f"{cmd}.schema.json: $id {schema.get('$id')!r} does not name version 1")
        vals[cmd] = cls(schema)
    return vals


def c_names(path, func):
    """The string table of a name function such as sf_outcome_name() in
    analyzer/src/flow/<path>."""
    with open(os.path.join(FLOW_DIR, path), encoding="utf-8") as f:
        src = f.read()
    m = re.search(re.escape(func) + r"\([^)]*\)\s*\{[^{]*?names\[[^\]]*\]\s*=\s*\{([^}]*)\}", src, re.S)
    return re.findall(r'"([^"]+)"', m.group(1)) if m else None


def check_flow_names_match_source():
    """Closed lists in calls/stats schemas must equal the C tables."""
    def load(name):
        with open(os.path.join(SCHEMA_DIR, f"{name}.schema.json"), encoding="utf-8") as f:
            return json.load(f)
    calls, stats = load("calls"), load("stats")
    sp = stats["properties"]
    pairs = [
        ("call outcomes", c_names("call.c", "sf_outcome_name"), calls["properties"]["outcome"]["enum"]),
        ("stats outcomes", c_names("call.c", "sf_outcome_name"), sp["outcomes"]["required"]),
        ("call problems", c_names("call.c", "sf_problem_name"), calls["properties"]["problems"]["items"]["enum"]),
        ("transaction states", c_names("transaction.c", "sf_txn_state_name"),
         [k for k in sp["transactions"]["required"] if not k.startswith("timeouts_")]),
        ("registration outcomes", c_names("registration.c", "sf_reg_outcome_name"),
         [k for k in sp["registrations"]["required"] if k not in ("total", "challenges")]),
    ]
    return [f"{what}: schema {schema} != source {src}" for what, src, schema in pairs if src != schema]


def check_kinds_match_source():
    """The anomalies schema's kind enum and kind->layer rules must equal the
    table in anomaly.c."""
    with open(ANOMALY_C, encoding="utf-8") as f:
        src = f.read()
    pairs = re.findall(r'\{"([a-z0-9-]+)",\s*SF_LAYER_([A-Z]+)\}', src)
    with open(os.path.join(SCHEMA_DIR, "anomalies.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    problems = []
    if [k for k, _ in pairs] != schema["properties"]["kind"]["enum"]:
        problems.append(
            f"kind enum {schema['properties']['kind']['enum']} != anomaly.c {[k for k, _ in pairs]}"
        )
    layer_of = {}
    for rule in schema.get("allOf", []):
        kinds = rule.get("if", {}).get("properties", {}).get("kind", {}).get("enum")
        if kinds:
            for k in kinds:
                layer_of[k] = rule["then"]["properties"]["layer"]["const"]
    for k, layer in pairs:
        if layer_of.get(k) != layer.lower():
            problems.append(f"kind {k}: schema layer {layer_of.get(k)!r}, anomaly.c {layer.lower()!r}")
    return problems


def strings_of(o):
    if isinstance(o, str):
        yield o
    elif isinstance(o, dict):
        for k, v in o.items():
            yield k
            yield from strings_of(v)
    elif isinstance(o, list):
        for v in o:
            yield from strings_of(v)


def port_ok(ep):
    return 0 <= int(ep.rsplit(":", 1)[1]) <= 65535


def check_message(o, prev_last):
    """Checks beyond the schema; returns a list of problems."""
    p = []
    frames = o["frames"]
    if any(b <= a for a, b in zip(frames, frames[1:])):
        p.append(f"frames not strictly ascending: {frames}")
    if o["frames_omitted"] > 0 and len(frames) != 32:
        p.append(f"frames_omitted {o['frames_omitted']} with only {len(frames)} frames listed")
    if prev_last is not None and frames[-1] < prev_last:
        p.append(f"out of capture order: completed in frame {frames[-1]} after one completed in {prev_last}")
    for ep in (o["src"], o["dst"]):
        if not port_ok(ep):
            p.append(f"port out of range in {ep!r}")
    if o["malformed"] is None:
        sl = o["start_line"]
        if o["method"] is not None and not sl.startswith(o["method"] + " "):
            p.append(f"start_line {sl!r} does not begin with method {o['method']!r}")
        if o["status"] is not None and not re.match(rf"^SIP/2\.0 {o['status']:03d}( |$)", sl, re.I):
            p.append(f"start_line {sl!r} does not carry status {o['status']}")
    return p


def run_and_validate(cmd, path, validator, out):
    try:
        rc, objs, raw = ec.run_sipflow_json(cmd, path)
    except ec.ToolError as e:
        out.append(f"  {cmd}: {e}")
        return None
    problems = []
    prev_last = None
    for i, o in enumerate(objs, 1):
        errs = sorted(validator.iter_errors(o), key=lambda e: list(e.path))
        for e in errs[:3]:
            problems.append(f"line {i}: {'/'.join(str(x) for x in e.path) or '(object)'}: {e.message}")
        if any(SURROGATE.search(s) for s in strings_of(o)):
            problems.append(f"line {i}: a string holds a lone surrogate (not valid UTF-8 text)")
        if errs:
            continue
        if o.get("file", 0) != 0:
            problems.append(f"line {i}: file {o['file']}, want 0")
        if cmd == "messages":
            problems += [f"line {i}: {m}" for m in check_message(o, prev_last)]
            prev_last = o["frames"][-1]
    for m in problems[:MAX_REPORT]:
        out.append(f"  {cmd}: {m}")
    if len(problems) > MAX_REPORT:
        out.append(f"  {cmd}: ... {len(problems) - MAX_REPORT} more")
    return None if problems else (rc, objs)


# Numbers sipflow gives per run (calls, dialogs, transactions), not per file.
RUN_NUMBERING = ("call", "dialog", "txn")


def same_but_numbering(single, multi):
    """None when multi equals single except for run-scoped numbers, which
    must map one-to-one; otherwise the first difference."""
    if len(single) != len(multi):
        return f"{len(multi)} objects, {len(single)} when run alone"
    maps = {k: ({}, {}) for k in RUN_NUMBERING}
    for i, (s, m) in enumerate(zip(single, multi), 1):
        if {k: v for k, v in s.items() if k not in RUN_NUMBERING} != {
            k: v for k, v in m.items() if k not in RUN_NUMBERING
        }:
            return f"object {i} differs from the single-file run"
        for k, (fwd, back) in maps.items():
            x, y = s.get(k), m.get(k)
            if (x is None) != (y is None) or fwd.setdefault(x, y) != y or back.setdefault(y, x) != x:
                return f"object {i}: {k} {y!r} does not map one-to-one to {x!r} of the single-file run"
    return None


def check_consistency(r):
    """What the four commands say about one capture must add up."""
    p = []
    msgs, calls, anoms = r["messages"], r["calls"], r["anomalies"]
    if len(r["stats"]) != 1:
        return [f"stats printed {len(r['stats'])} documents, want 1"]
    st = r["stats"][0]

    def want(what, got, exp):
        if got != exp:
            p.append(f"{what}: {got}, want {exp}")

    want("stats.messages vs messages records", st["messages"], len(msgs))
    want("stats.malformed vs malformed messages", st["malformed"], sum(m["malformed"] is not None for m in msgs))
    want("stats.retransmissions vs retransmission flags", st["retransmissions"], sum(m["retransmission"] for m in msgs))
    want("stats.calls vs calls records", st["calls"], len(calls))
    want("sum of stats.outcomes vs stats.calls", sum(st["outcomes"].values()), st["calls"])
    want("stats.requests total vs requests", sum(st["requests"].values()),
         sum(m["method"] is not None for m in msgs))
    want("calls numbered 1..n", sorted(c["call"] for c in calls), list(range(1, len(calls) + 1)))
    in_msgs = {m["call"] for m in msgs if m["call"] is not None}
    want("call numbers in messages vs calls records", sorted(in_msgs), sorted(c["call"] for c in calls))
    per_call, copies = {}, {}
    for m in msgs:
        if m["call"] is not None:
            # a copy of a message seen again (duplicate_of) is not a new message of the call
            d = copies if m.get("duplicate_of") else per_call
            d[m["call"]] = d.get(m["call"], 0) + 1
    for c in calls:
        want(f"call {c['call']}: messages vs records carrying it", c["messages"], per_call.get(c["call"], 0))
        want(f"call {c['call']}: duplicates vs copies carrying it", c.get("duplicates", 0),
             copies.get(c["call"], 0))
        fr = c["frames"]
        if any(b <= a for a, b in zip(fr, fr[1:])):
            p.append(f"call {c['call']}: frames not strictly ascending")
    # a message is flagged malformed with one of these (docs/anomalies.md):
    # sip-truncated for a body shorter than Content-Length (the HEP capture
    # hep-wireshark--hep.pcap has two), sip-no-content-length on streams
    flagging = ("sip-malformed", "sip-truncated", "sip-no-content-length")
    sip_anoms = sum(a["layer"] == "sip" and a["kind"] in flagging for a in anoms)
    if sip_anoms < st["malformed"]:
        p.append(f"{st['malformed']} malformed messages but only {sip_anoms} flagging anomalies "
                 f"({', '.join(flagging)})")
    return p


def as_file0(o):
    """A second input's object as its own run shows it: file 0, and a
    message's duplicate_of (its first copy, in the same file) too."""
    d = dict(o, file=0)
    if d.get("duplicate_of") and d["duplicate_of"].get("file") == 1:
        d["duplicate_of"] = dict(d["duplicate_of"], file=0)
    return d


def check_two_inputs(caps, vals, out):
    """One run over two inputs: the second file's objects are its own run's
    objects with "file": 1, and the exit code is the worse of the two."""
    if len(caps) < 2:
        return True
    a, b = caps[0], caps[1]
    ok = True
    for cmd in ("messages", "anomalies"):
        try:
            _, one_b, _ = ec.run_sipflow_json(cmd, b)
            _, one_a, _ = ec.run_sipflow_json(cmd, a)
            rc, both, _ = ec.run_sipflow_json_multi(cmd, [a, b])
        except ec.ToolError as e:
            out.append(f"  two inputs: {e}")
            return False
        got_a = [o for o in both if o.get("file") == 0]
        got_b = [as_file0(o) for o in both if o.get("file") == 1]
        # Whole-file anomalies (frame 0) may differ with several inputs;
        # everything tied to a frame must be the same.
        if cmd == "anomalies":
            got_a, got_b, one_a, one_b = (
                [o for o in x if o.get("frame")] for x in (got_a, got_b, one_a, one_b)
            )
        why = None
        if len(got_a) + len(got_b) != len([o for o in both if cmd == "messages" or o.get("frame")]):
            why = "objects with a file index other than 0 or 1"
        for single, multi in ((one_a, got_a), (one_b, got_b)):
            why = why or same_but_numbering(single, multi)
        if why:
            out.append(f"  two inputs ({os.path.basename(a)}, {os.path.basename(b)}): {cmd}: {why}")
            ok = False
        for i, o in enumerate(both, 1):
            if not vals[cmd].is_valid(o):
                out.append(f"  two inputs: {cmd} line {i} invalid")
                ok = False
                break
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--group", choices=ec.GROUPS)
    ap.add_argument("--schemas-only", action="store_true")
    args = ap.parse_args()
    vals = load_validators()
    problems = check_kinds_match_source() + check_flow_names_match_source()
    for p in problems:
        print(f"docs/schemas: {p}")
    if args.schemas_only:
        print("schemas: valid draft-07, closed lists match the C tables" if not problems else "schemas: FAIL")
        return 1 if problems else 0
    if not args.group:
        ap.error("--group or --schemas-only is required")
    caps = ec.captures_or_skip(args.group)
    failed = 1 if problems else 0
    for path in caps:
        out = []
        counts = []
        results = {}
        for cmd in COMMANDS:
            r = run_and_validate(cmd, path, vals[cmd], out)
            if r is not None:
                results[cmd] = r[1]
                counts.append(f"{len(r[1])} {cmd}")
        if len(results) == len(COMMANDS):
            out += [f"  consistency: {m}" for m in check_consistency(results)]
        ok = not out
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(path)}: {', '.join(counts)}")
        for line in out:
            print(line)
    out = []
    if not check_two_inputs(caps, vals, out):
        failed += 1
    print("\n".join(out) if out else "ok   two-input run matches the single-file runs")
    print(f"== {args.group}: {len(caps)} captures, {failed} failures")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
