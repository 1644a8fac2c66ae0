# SPDX-License-Identifier: GPL-2.0-or-later
"""The sipflow Wireshark plugin inside the real tshark, held against the
sipflow tool on the same captures. One check per invocation:

  load         tshark -G plugins lists sipflow.so
  fields       tshark -G fields lists every sipflow field of issue 5
  install      cmake --install puts sipflow.so into Wireshark's plugin dir
  agree        per SIP message: tshark -2 fields == sipflow messages/calls
  single-pass  every field present without -2 equals its -2 value
  stat         -2 -q -z sipflow,stat == sipflow stats --format json
  calls        -2 -q -z sipflow,calls == sipflow calls (text, without media lines)
  failed       -2 -Y sipflow.call.failed == frames of the failed calls
  expert       -2 -q -z expert lists the expected items
  flow         -2 -q -z flow,sipflow,standard == the golden file
"""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plugin_run as pr  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

FIELDS = [
    "sipflow.call.num", "sipflow.call.outcome", "sipflow.call.final_code",
    "sipflow.call.failed", "sipflow.call.pdd_ms", "sipflow.call.setup_ms",
    "sipflow.call.duration_ms", "sipflow.call.diagnosis", "sipflow.dialog.num",
    "sipflow.dialog.state", "sipflow.txn.num", "sipflow.txn.state",
    "sipflow.txn.request_frame", "sipflow.txn.final_frame", "sipflow.txn.response_ms",
    "sipflow.txn.timeout", "sipflow.msg.retransmission", "sipflow.msg.duplicate_of",
]

AGREE_FIELDS = ["frame.number", "sipflow.call.num", "sipflow.call.outcome", "sipflow.txn.num",
                "sipflow.msg.retransmission"]


def t_load(ts):
    r = ts.run(["-G", "plugins"])
    rows = [line.split("\t") for line in r.stdout.splitlines()]
    mine = [row for row in rows if row and row[0].strip() == "sipflow.so"]
    if len(mine) != 1:
        pr.fail(f"sipflow.so not listed once by -G plugins:\n{r.stdout}")
    if mine[0][2].strip() != "dissector" or not mine[0][3].strip().startswith(ts.home):
        pr.fail(f"unexpected plugin row {mine[0]!r} (want a dissector from {ts.home})")
    print(f"loaded via {ts.mode}: {mine[0]}")


def t_fields(ts):
    r = ts.run(["-G", "fields"])
    have = {}
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        if len(cols) >= 4 and cols[0] == "F":
            have[cols[2]] = cols[3]
        if len(cols) >= 3 and cols[0] == "P" and cols[2] == "sipflow":
            have["sipflow"] = "protocol"
    missing = [f for f in ["sipflow"] + FIELDS if f not in have]
    if missing:
        pr.fail(f"fields not registered: {missing}")
    if have["sipflow.call.failed"] != "FT_BOOLEAN" or have["sipflow.call.num"] != "FT_UINT32":
        pr.fail("unexpected field types")
    print(f"{len(FIELDS)} fields listed")


def t_install(ts):
    """cmake --install puts the plugin into Wireshark's plugin directory
    (staged under DESTDIR, so the test needs no write access to /usr)."""
    import shutil
    import subprocess
    import tempfile

    build = os.environ.get("SIPFLOW_BUILD")
    dest = os.environ.get("SIPFLOW_PLUGIN_INSTALL_DIR")
    cmake = shutil.which("cmake")
    if not build or not dest or not cmake:
        pr.fail("SIPFLOW_BUILD / SIPFLOW_PLUGIN_INSTALL_DIR / cmake missing")
    stage = tempfile.mkdtemp(prefix="sipflow-install-")
    try:
        r = subprocess.run([cmake, "--install", build], capture_output=True, text=True,
                           env=dict(os.environ, DESTDIR=stage), timeout=300)
        if r.returncode != 0:
            pr.fail(f"cmake --install failed: {r.stderr[:2000]}")
        so = stage + os.path.join(dest, "sipflow.so")
        if not os.path.isfile(so):
            pr.fail(f"{so} not installed:\n{r.stdout}")
        with open(so, "rb") as a, open(ts.plugin, "rb") as b:
            if a.read() != b.read():
                pr.fail("installed plugin differs from the built one")
        print(f"installed into {dest}/sipflow.so")
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def tshark_fields(ts, cap, fields, two_pass=True, extra=()):
    args = ["-r", ts.input(cap), "-n", "-T", "fields", "-E", "occurrence=a",
            "-E", "aggregator=,"]
    if two_pass:
        args.append("-2")
    for f in fields:
        args += ["-e", f]
    r = ts.run(args + list(extra))
    rows = {}
    for line in r.stdout.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(fields) - len(cols))
        rows[int(cols[0])] = cols[1:]
    return rows


def expected_rows(cap):
    """Per completing frame, the values the plugin must show: each field
    lists the messages of the frame that carry it, in message order."""
    msgs = pr.sipflow_json("messages", cap)
    calls = {c["call"]: c for c in pr.sipflow_json("calls", cap)}
    per_frame = {}
    for m in msgs:
        per_frame.setdefault(m["frames"][-1], []).append(m)
    exp = {}
    for frame, ms in per_frame.items():
        call = [str(m["call"]) for m in ms if m["call"]]
        outcome = [calls[m["call"]]["outcome"] for m in ms if m["call"] and m["call"] in calls]
        txn = [str(m["txn"]) for m in ms if m["txn"]]
        retr = ["1" for m in ms if m["retransmission"]]
        exp[frame] = [",".join(call), ",".join(outcome), ",".join(txn), ",".join(retr)]
    return exp, len(msgs)


def t_agree(ts):
    total = 0
    bad = []
    for cap in pr.captures():
        got = tshark_fields(ts, cap, AGREE_FIELDS)
        exp, n = expected_rows(cap)
        total += n
        if not got:
            bad.append(f"{os.path.basename(cap)}: tshark printed no frames")
            continue
        for frame in sorted(set(got) | set(exp)):
            g = got.get(frame, ["", "", "", ""])
            e = exp.get(frame, ["", "", "", ""])
            if g != e:
                bad.append(f"{os.path.basename(cap)} frame {frame}: plugin "
                           f"{dict(zip(AGREE_FIELDS[1:], g))} != sipflow "
                           f"{dict(zip(AGREE_FIELDS[1:], e))}")
        print(f"{os.path.basename(cap)}: {n} messages compared")
    if bad:
        pr.fail(f"{len(bad)} differences:\n" + "\n".join(bad[:60]))
    print(f"OK: {total} messages agree")


def t_single_pass(ts):
    """Without -2 a field is shown only when its value is final."""
    bad = []
    compared = 0
    fields = ["frame.number"] + FIELDS
    for cap in pr.captures():
        one = tshark_fields(ts, cap, fields, two_pass=False)
        two = tshark_fields(ts, cap, fields, two_pass=True)
        for frame, vals in one.items():
            for name, v1, v2 in zip(fields[1:], vals, two.get(frame, [])):
                compared += bool(v1)
                if v1 and v1 != v2:
                    bad.append(f"{os.path.basename(cap)} frame {frame} {name}: single pass "
                               f"{v1!r}, -2 {v2!r}")
    if bad:
        pr.fail("\n".join(bad[:60]))
    if not compared:
        pr.fail("single pass showed no sipflow field at all")
    print(f"OK: {compared} single-pass field values equal their -2 values")


def parse_stat_table(out):
    """-z sipflow,stat output -> {table title: [[cells]]}."""
    tables = {}
    cur = None
    inside = False
    for line in out.splitlines():
        if line.startswith("====="):
            inside = not inside
            continue
        if not inside or line.startswith("sipflow statistics:") or line.startswith("Filter"):
            continue
        if line.startswith("Name |"):
            continue
        if "|" not in line:
            cur = tables.setdefault(line.strip(), [])
            continue
        cells = [c.strip() for c in line.split("|")]
        if cells and cells[-1] == "":
            cells.pop()
        cur.append(cells)
    return tables


def table_vs_json(t, j):
    """Differences between the -z sipflow,stat tables and the JSON document
    of `sipflow stats` (docs/schemas/stats.schema.json)."""
    diffs = []

    def eq(what, got, want):
        if got != want:
            diffs.append(f"{what}: plugin {got!r}, sipflow {want!r}")

    def rows(name):
        if name not in t:
            diffs.append(f"table {name!r} missing")
        return t.get(name, [])

    msg = {r[0]: int(r[2]) for r in rows("SIP messages")}
    eq("messages", msg.get("messages"), j["messages"])
    eq("requests", msg.get("requests"), sum(j["requests"].values()))
    eq("responses", msg.get("responses"),
       sum(n for codes in j["responses"].values() for n in codes.values()))
    eq("retransmissions", msg.get("retransmissions"), j["retransmissions"])
    eq("malformed", msg.get("malformed"), j["malformed"])
    eq("requests per method", {r[0]: int(r[2]) for r in rows("Requests")}, j["requests"])
    resp, retr = {}, {}
    for r in rows("Responses"):
        resp.setdefault(r[0], {})[r[1]] = int(r[2])
        if int(r[3]):
            retr.setdefault(r[0], {})[r[1]] = int(r[3])
    eq("responses per method and code", resp, j["responses"])
    eq("responses retransmitted", retr, j["responses_retransmitted"])
    calls = rows("Calls")
    eq("calls", int(calls[0][2]) if calls else None, j["calls"])
    eq("outcomes", {r[0]: int(r[2]) for r in calls[1:] if r[0] not in ("ASR", "NER")},
       {k: v for k, v in j["outcomes"].items() if v})
    ratio = {r[0]: r[1] for r in calls if r[0] in ("ASR", "NER")}
    for k in ("asr", "ner"):
        want = None if j[k] is None else "%.1f%%" % (j[k] * 100)
        eq(k, ratio.get(k.upper()), want)
    if "failures" in j:
        f = rows("Top failure codes")
        eq("failed calls", int(f[0][2]) if f else None, j["failures"]["calls"])
        top = [r for r in f[1:] if r[0] != "other"]
        want = []
        for x in j["failures"]["top"]:
            name = x["reason_phrase"] or ""
            if x.get("reason"):
                name += f"  Reason: {x['reason']}"
            if x.get("warning"):
                name += f"  Warning: {x['warning']}"
            want.append([name, str(x["code"]), str(x["calls"])])
        eq("top failures", [r[:3] for r in top], want)
        eq("failures other", sum(int(r[2]) for r in f[1:] if r[0] == "other"),
           j["failures"]["other"])
    if "timings" in j:
        tm = {r[0]: r for r in rows("Timings in ms")}
        for name, key in (("response", "response_ms"), ("PDD", "pdd_ms"), ("setup", "setup_ms"),
                          ("duration", "duration_ms")):
            h = j["timings"][key]
            want = "" if not h["count"] else (f"p50 {h['p50']}, p90 {h['p90']}, "
                                              f"p99 {h['p99']}, max {h['max']}")
            r = tm.get(name, [name, None, None])
            eq(f"timing {name}", (r[1], int(r[2]) if r[2] else None), (want, h["count"]))
    to = {r[0]: int(r[2]) for r in rows("Transactions timed out")}
    eq("INVITE timeouts", to.get("INVITE"), j["transactions"]["timeouts_invite"])
    eq("non-INVITE timeouts", to.get("non-INVITE"), j["transactions"]["timeouts_non_invite"])
    regs = {r[0]: int(r[2]) for r in rows("Registrations")}
    jr = j["registrations"]
    eq("registrations", regs.get("registrations"), jr["total"])
    for k in ("registered", "unregistered", "failed", "timeout", "unfinished"):
        eq(f"registrations {k}", regs.get(k, 0), jr[k])
    eq("registration challenges", regs.get("challenges"), jr["challenges"])
    for k in ("successes", "failures"):
        if k in jr:
            eq(f"registration {k}", regs.get(k), jr[k])
    return diffs


def t_stat(ts):
    bad = []
    for cap in pr.captures():
        r = ts.run(["-r", ts.input(cap), "-n", "-2", "-q", "-z", "sipflow,stat"])
        want = pr.sipflow_json("stats", cap)[0]
        diffs = table_vs_json(parse_stat_table(r.stdout), want)
        if diffs:
            bad.append(f"{os.path.basename(cap)}: " + "; ".join(diffs))
        else:
            print(f"{os.path.basename(cap)}: statistics equal")
    if bad:
        pr.fail("\n".join(bad[:20]))


def t_calls(ts):
    bad = []
    for cap in pr.captures():
        r = ts.run(["-r", ts.input(cap), "-n", "-2", "-q", "-z", "sipflow,calls"])
        m = re.search(r"sipflow calls:\nFilter for statistics: [^\n]*\n(.*?)=====", r.stdout, re.S)
        got = m.group(1) if m else None
        # the media line (SDP) of the tool's list is not in the plugin's
        # (its formatter lives in analyzer/tool, not in libsipflow)
        want = "".join(line for line in pr.sipflow_text("calls", cap).splitlines(True)
                       if not line.startswith("       media:"))
        if got != want:
            bad.append(f"{os.path.basename(cap)}:\n--- plugin\n{got}--- sipflow calls\n{want}")
    if bad:
        pr.fail("\n".join(bad[:10]))
    print("OK: -z sipflow,calls equals sipflow calls")


FAILED_CAPS = ["udp-busy-486.pcap", "udp-cancel-487.pcap", "udp-options-404-503.pcap"]


def t_failed(ts):
    for name in FAILED_CAPS:
        cap = pr.sipp_capture(name)
        calls = pr.sipflow_json("calls", cap)
        want = sorted({f for c in calls if c["failed"] for f in c["frames"]})
        r = ts.run(["-r", ts.input(cap), "-n", "-2", "-Y", "sipflow.call.failed", "-T", "fields",
                    "-e", "frame.number"])
        got = sorted(int(x) for x in r.stdout.split())
        if got != want:
            pr.fail(f"{name}: -Y sipflow.call.failed gives frames {got}, failed calls have {want}")
        print(f"{name}: {len(got)} frames of {sum(c['failed'] for c in calls)} failed calls")


def expert_items(ts, cap):
    r = ts.run(["-r", ts.input(cap), "-n", "-2", "-q", "-z", "expert"])
    items = []
    sev = None
    for line in r.stdout.splitlines():
        m = re.match(r"^(Errors|Warns|Notes|Chats|Comments) \(\d+\)", line)
        if m:
            sev = m.group(1)
            continue
        m = re.match(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$", line)
        if m and m.group(3) == "sipflow":
            items.append((sev, int(m.group(1)), m.group(2), m.group(4)))
    return items


def t_expert(ts):
    cap = pr.sipp_capture("udp-busy-486.pcap")
    calls = pr.sipflow_json("calls", cap)
    items = expert_items(ts, cap)
    want = [("Warns", 1, "Response", calls[0]["diagnosis"])]
    if items != want:
        pr.fail(f"busy: expert items {items} != {want}")
    cap = pr.sipp_capture("udp-timeout.pcap")
    calls = pr.sipflow_json("calls", cap)
    msgs = pr.sipflow_json("messages", cap)
    retr = sum(1 for m in msgs if m["retransmission"])
    items = expert_items(ts, cap)
    want = sorted([
        ("Warns", 1, "Response", calls[0]["diagnosis"]),
        ("Warns", 1, "Sequence",
         "Request never answered: transaction 1 timed out (RFC 3261 17.1: Timer B)"),
        ("Notes", retr, "Sequence", "Retransmission (transaction 1)"),
    ])
    if sorted(items) != want:
        pr.fail(f"timeout: expert items {items} != {want}")
    print("OK: expert items on the busy and timeout captures")


def t_flow(ts):
    golden_dir = os.path.join(HERE, "golden")
    regen = os.environ.get("SIPFLOW_REGEN_GOLDEN") == "1"
    for name in ["udp-busy-486.pcap", "udp-basic-call.pcap"]:
        cap = pr.sipp_capture(name)
        r = ts.run(["-r", ts.input(cap), "-n", "-2", "-q", "-z", "flow,sipflow,standard"])
        arrows = sum(1 for line in r.stdout.splitlines() if re.search(r"-->|<--", line))
        n = len(pr.sipflow_json("messages", cap))
        if arrows != n:
            pr.fail(f"{name}: {arrows} arrows for {n} SIP messages:\n{r.stdout}")
        golden = os.path.join(golden_dir, name.replace(".pcap", ".flow.txt"))
        if regen:
            os.makedirs(golden_dir, exist_ok=True)
            with open(golden, "w") as f:
                f.write(r.stdout)
            continue
        with open(golden) as f:
            want = f.read()
        if r.stdout != want:
            pr.fail(f"{name}: flow graph differs from {golden}:\n{r.stdout}")
    print("OK: flow graphs match the golden files")


TESTS = {
    "load": t_load, "fields": t_fields, "install": t_install, "agree": t_agree, "single-pass": t_single_pass,
    "stat": t_stat, "calls": t_calls, "failed": t_failed, "expert": t_expert, "flow": t_flow,
}


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in TESTS:
        print(f"usage: {sys.argv[0]} {'|'.join(TESTS)}", file=sys.stderr)
        return 2
    with pr.Tshark() as ts:
        TESTS[sys.argv[1]](ts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
