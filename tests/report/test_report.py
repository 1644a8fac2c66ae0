#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""sipflow report and sipflow extract, end to end.

  html     `report` on every capture (project pcaps/, shared sipp/ and
           public/): clean `xmllint --html`, one table row per call of
           `calls --format json` (same numbers), per-call JSON that parses,
           one arrow per message of the call, no network reference.
  browser  the report in headless Chromium (--dump-dom): the DOM holds the
           call table, and after a scripted click on call 1's row (the page's
           #click=1&arrow=K hook dispatches real click events) a ladder with
           one arrow per message of call 1 and the clicked message's text.
  extract  `extract --call N` round trip: the new capture, read back by
           `sipflow messages` and by tshark, holds exactly call N's messages.
  perf     `report` on volume-10k-calls.pcap: <= 10 s and <= 30 MB.

A missing shared corpus, chromium or tshark skips (77), except under CI=true,
where it fails."""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import e2e_common as ec  # noqa: E402

ENV = dict(os.environ, TZ="UTC", NO_COLOR="1", LC_ALL="C.UTF-8")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


def run(args, timeout=300):
    p = subprocess.run([ec.sipflow_bin()] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=ENV, timeout=timeout)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def calls_json(cap):
    rc, out, err = run(["calls", "--format", "json", "-q", cap])
    if rc not in ec.SIPFLOW_OK:
        raise ec.ToolError(f"calls {cap}: exit {rc}: {err}")
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def messages_json(cap):
    rc, out, err = run(["messages", "--format", "json", "-q", cap])
    if rc not in ec.SIPFLOW_OK:
        raise ec.ToolError(f"messages {cap}: exit {rc}: {err}")
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


def report(cap, path):
    rc, _, err = run(["report", "-q", "-o", path, cap])
    check(rc in ec.SIPFLOW_OK, f"report {cap}: exit {rc}: {err}")
    with open(path, "rb") as f:
        return f.read().decode("utf-8")


def all_captures():
    caps = list(ec.captures("project") or [])
    for group in ("sipp", "public"):
        more = ec.captures(group)
        if more is None:
            ec.skip("shared corpus not found (SIPFLOW_SHARED)")
        caps += more
    return caps


def udp_pcap(path, messages):
    """A classic pcap of Ethernet/IPv4/UDP datagrams: (src, sport, dst, dport, bytes)."""
    import socket
    import struct
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for i, (src, sp, dst, dp, payload) in enumerate(messages):
        udp = struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i, 0, 64, 17, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
        csum = sum(struct.unpack("!10H", ip))
        csum = (csum & 0xFFFF) + (csum >> 16)
        csum = (csum & 0xFFFF) + (csum >> 16)
        ip = ip[:10] + struct.pack("!H", ~csum & 0xFFFF) + ip[12:]
        frame = b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + udp
        out.append(struct.pack("<IIII", 1800000000 + i, 0, len(frame), len(frame)) + frame)
    with open(path, "wb") as f:
        f.write(b"".join(out))


HOSTILE_ID = "</script><script>document.title='pwned'</script><!--\xff\xfe"


def hostile_capture(tmp):
    """One call whose Call-ID, From, reason phrase and body try to break
    out of the page's elements, with bytes that are not UTF-8."""
    cid = HOSTILE_ID.encode("latin-1")
    frm = b'"<b>&amp;\'x</b>" <sip:a@192.0.2.1>;tag=1'
    inv = (b"INVITE sip:b@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
           b"From: " + frm + b"\r\nTo: <sip:b@192.0.2.2>\r\nCall-ID: " + cid +
           b"\r\nCSeq: 1 INVITE\r\nContent-Length: 26\r\n\r\n</pre></div><script>x</script>")
    resp = (b"SIP/2.0 486 Busy </td></tr></table>\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
            b"From: " + frm + b"\r\nTo: <sip:b@192.0.2.2>;tag=2\r\nCall-ID: " + cid +
            b"\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")
    ack = (b"ACK sip:b@192.0.2.2 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
           b"From: " + frm + b"\r\nTo: <sip:b@192.0.2.2>;tag=2\r\nCall-ID: " + cid +
           b"\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n")
    path = os.path.join(tmp, "hostile.pcap")
    udp_pcap(path, [("192.0.2.1", 5060, "192.0.2.2", 5060, inv),
                    ("192.0.2.2", 5060, "192.0.2.1", 5060, resp),
                    ("192.0.2.1", 5060, "192.0.2.2", 5060, ack)])
    return path


ROW = re.compile(r'<tr class="call[^"]*" id="r-(\d+)" data-n="\d+">')
DATA = re.compile(r'<script type="application/json" id="d-(\d+)">(.*?)</script>', re.S)


def help_and_man():
    """Every option of `report --help` and `extract --help` is in the man page."""
    with open(os.path.join(ec.SOURCE, "docs", "sipflow.1")) as f:
        man = f.read().replace("\\-", "-")
    for cmd in ("report", "extract"):
        rc, out, _ = run([cmd, "--help"])
        check(rc == 0, f"{cmd} --help: exit {rc}")
        opts = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", out.decode(), re.M))
        check({"--output", "--filter", "--utc"} <= opts, f"{cmd} --help: {opts}")
        for o in opts - {"--help", "--help-all"}:
            check(o in man, f"man page lacks {cmd} {o}")
        check(f".B sipflow {cmd}" in man and f".B {cmd}" in man, f"man page lacks {cmd}")


def test_html(tmp):
    if not shutil.which("xmllint"):
        ec.skip("xmllint missing (Debian package libxml2-utils)")
    help_and_man()
    for cap in all_captures() + [hostile_capture(tmp)]:
        name = os.path.basename(cap)
        path = os.path.join(tmp, name + ".html")
        page = report(cap, path)
        calls = calls_json(cap)
        p = subprocess.run(["xmllint", "--html", "--noout", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        check(p.returncode == 0 and not p.stderr.strip(),
              f"{name}: xmllint --html: {p.stderr.decode('utf-8', 'replace')[:500]}")
        rows = [int(n) for n in ROW.findall(page)]
        check(sorted(rows) == sorted(c["call"] for c in calls),
              f"{name}: table rows {len(rows)} != calls {len(calls)}")
        data = {int(n): body for n, body in DATA.findall(page)}
        check(sorted(data) == sorted(rows), f"{name}: per-call data does not match the rows")
        for c in calls:
            body = data.get(c["call"])
            if body is None:
                continue
            check("<" not in body, f"{name}: call {c['call']}: '<' inside script data")
            d = json.loads(body)
            check(d["n"] == c["call"] and d["id"] == c["call_id"] and d["o"] == c["outcome"],
                  f"{name}: call {c['call']}: data differs from calls --format json")
            check(len(d["a"]) + d["ao"] == c["messages"],
                  f"{name}: call {c['call']}: {len(d['a'])}+{d['ao']} arrows, "
                  f"{c['messages']} messages")
            if c["failed"] and "nt" not in d:
                check(len(d["txt"]) > 0, f"{name}: failed call {c['call']} without texts")
        check(not re.search(r'(src|href)="(https?:)?//', page), f"{name}: network reference")
        charts = re.findall(r'src="data:image/svg\+xml;base64,([^"]*)"', page)
        check(len(charts) == 5, f"{name}: {len(charts)} charts, want 5")
        for i, b in enumerate(charts):
            try:
                ET.fromstring(base64.b64decode(b))
            except ET.ParseError as e:
                check(False, f"{name}: chart {i} is not well-formed SVG: {e}")
        if name == "hostile.pcap":
            check(len(rows) == 1 and page.count("<script") == 2 and
                  "&lt;/script&gt;&lt;script&gt;document.title" in page,
                  f"{name}: markup from the capture got into the page unescaped")
            check(data[rows[0]].count("\\u003c/script>") >= 1 if rows else False,
                  f"{name}: the hostile Call-ID is not kept as data")
        print(f"ok {name}: {len(rows)} rows")


def chromium_or_skip():
    for b in ("chromium", "chromium-browser"):
        if shutil.which(b):
            return shutil.which(b)
    ec.skip("chromium missing (Debian package chromium)")


def dump_dom(browser, url, tmp):
    profile = tempfile.mkdtemp(dir=tmp)
    argv = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-background-networking", f"--user-data-dir={profile}",
            "--dump-dom", "--virtual-time-budget=5000", url]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=90)
    except subprocess.TimeoutExpired:
        check(False, f"chromium timed out on {url}")
        return ""
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    check(p.returncode == 0, f"chromium exit {p.returncode} on {url}")
    return p.stdout.decode("utf-8", "replace")


def test_browser(tmp):
    browser = chromium_or_skip()
    caps = list(ec.captures("project") or [])
    sipp = ec.captures("sipp")
    if sipp is None:
        ec.skip("shared corpus not found (SIPFLOW_SHARED)")
    # a proxy (three columns), retransmissions, a timeout
    caps += [c for c in sipp if os.path.basename(c) in
             ("proxy-call.pcap", "udp-retransmit.pcap", "udp-timeout.pcap")]
    for cap in caps + [hostile_capture(tmp)]:
        name = os.path.basename(cap)
        path = os.path.join(tmp, name + ".html")
        report(cap, path)
        calls = calls_json(cap)
        msgs = messages_json(cap)
        if not calls:
            continue
        first = min(calls, key=lambda c: c["call"])
        n = first["call"]
        dom = dump_dom(browser, f"file://{path}#click={n}&arrow=0", tmp)
        check("<title>sipflow report</title>" in dom, f"{name}: the page title changed (script ran?)")
        rows = re.findall(r'<tr class="call[^"]*" id="r-\d+"', dom)
        check(len(rows) == len(calls), f"{name}: DOM has {len(rows)} rows, {len(calls)} calls")
        check(re.search(rf'id="r-{n}"[^>]*>', dom) and
              re.search(rf'<tr class="call[^"]*\bsel\b[^"]*" id="r-{n}"', dom),
              f"{name}: row {n} not selected after the click")
        m = re.search(r'<div id="ladder" data-call="(\d+)" data-arrows="(\d+)">(.*?)</svg>', dom,
                      re.S)
        if not check(m, f"{name}: no ladder after clicking call {n}"):
            continue
        arrows = re.findall(r'<g class="arrow[^"]*"', m.group(3))
        check(int(m.group(1)) == n, f"{name}: ladder of call {m.group(1)}, not {n}")
        check(len(arrows) == first["messages"],
              f"{name}: {len(arrows)} arrows for {first['messages']} messages of call {n}")
        labels = re.findall(r'<text class="lbl"[^>]*>([^<]*)</text>', m.group(3))
        mine = [x for x in msgs if x.get("call") == n]
        want = [(x["method"] or x["start_line"].split(" ", 2)[1]) for x in mine]
        got = [lab.split(" ")[0] for lab in labels]
        check(got[:len(want)] == want[:len(got)],
              f"{name}: arrow labels {got} != messages {want}")
        pre = re.search(r'<pre id="msg">(.*?)</pre>', dom, re.S)
        check(pre and mine and mine[0]["start_line"].replace("<", "&lt;") in pre.group(1),
              f"{name}: the first arrow's message text is not shown")
        print(f"ok {name}: {len(rows)} rows, call {n}: {len(arrows)} arrows")


def tshark_sip(tshark, path):
    """(Call-ID, CSeq) of every SIP message tshark decodes in path."""
    p = subprocess.run([tshark, "-n", "-r", path, "-Y", "sip", "-T", "fields", "-E",
                        "occurrence=a", "-E", "aggregator=\x1f", "-e", "sip.Call-ID", "-e",
                        "sip.CSeq"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    check(p.returncode == 0, f"tshark {path}: {p.stderr.decode('utf-8', 'replace')[:300]}")
    out = []
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        ids, cseqs = (line.split("\t") + [""])[:2]
        out += list(zip(ids.split("\x1f"), cseqs.split("\x1f")))
    return out


def key(m):
    return (m["call_id"], m["start_line"], m["cseq"]["seq"] if m["cseq"] else None)


STREAMS = ("tcp", "ws", "sctp")
# public captures with calls over a stream transport, round-tripped too
EXTRACT_PUBLIC = ("heplify--sip_tcp_websocket.pcap",)


def conn_key(m):
    """The message's connection, both directions alike (TCP for ws)."""
    proto = "sctp" if m["transport"] == "sctp" else "tcp" if m["transport"] in STREAMS else None
    return (m["file"], proto, tuple(sorted((m["src"], m["dst"]))))


def extract_round_trip(tshark, tmp, cap, c, msgs):
    """`extract --call N` on cap holds call N's messages (and those of the
    records and connections it shares with other calls), for sipflow and
    tshark."""
    name = os.path.basename(cap)
    out = os.path.join(tmp, name + f".call{c['call']}.pcap")
    rc, _, err = run(["extract", "-q", "--call", str(c["call"]), "-w", out, cap])
    if not check(rc in ec.SIPFLOW_OK and os.path.exists(out), f"{name}: extract exit {rc}: {err}"):
        return
    mine = [m for m in msgs if m.get("call") == c["call"]]
    frames = {(m["file"], f) for m in mine for f in m["frames"]}
    # A record is copied whole: a TCP segment that also carries (part of)
    # another call's message brings that message along; so does every
    # record of a TCP/WebSocket connection (or SCTP association) that
    # carries one of the call's messages.
    conns = {conn_key(m) for m in mine if m["transport"] in STREAMS}
    extras = [m for m in msgs if m.get("call") != c["call"] and
              (frames & {(m["file"], f) for f in m["frames"]} or conn_key(m) in conns)]
    got = sorted(key(m) for m in messages_json(out))
    if not extras:
        check(got == sorted(key(m) for m in mine),
              f"{name}: call {c['call']}: extracted messages {got} != {mine}")
    else:
        # records are copied whole, so a TCP segment shared with another
        # call brings (a part of) that call's message along
        left = sorted(key(m) for m in mine + extras)
        for g in got:
            if check(g in left, f"{name}: extracted message {g} is foreign"):
                left.remove(g)
        check(not set(key(m) for m in mine) & set(left),
              f"{name}: call {c['call']}: messages missing from the extracted capture: {left}")
    check(len(mine) == c["messages"], f"{name}: call {c['call']} has {c['messages']} "
          f"messages, messages --format json shows {len(mine)}")
    ts = sorted(tshark_sip(tshark, out))

    def ts_key(m):
        return (m["call_id"], f"{m['cseq']['seq']} {m['cseq']['method']}")

    if not extras:
        want_ts = sorted(ts_key(m) for m in mine)
        check(ts == want_ts, f"{name}: tshark reads {ts} from the extracted capture, "
              f"want {want_ts}")
    else:
        # the capture starts inside another call's message: tshark may not
        # find the first message boundary in that segment, but sees
        # nothing foreign and every message outside shared segments
        shared = {(m["file"], f) for m in extras for f in m["frames"]}
        left = [ts_key(m) for m in mine + extras]
        for t in ts:
            if check(t in left, f"{name}: tshark reads {t}, not a message of call "
                     f"{c['call']} or of a shared segment"):
                left.remove(t)
        need = [ts_key(m) for m in mine if not shared & {(m["file"], f) for f in m["frames"]}]
        for k in set(need):
            check(ts.count(k) >= need.count(k), f"{name}: tshark misses {k}")
        print(f"note {name}: {len(extras)} message(s) of other calls share segments; "
              f"tshark misses {left}")
    print(f"ok {name}: call {c['call']}: {len(got)} messages")


def test_extract(tmp):
    tshark = ec.tshark_or_skip()
    caps = list(ec.captures("project") or [])
    sipp = ec.captures("sipp")
    if sipp is None:
        ec.skip("shared corpus not found (SIPFLOW_SHARED)")
    caps += sipp
    public = ec.captures("public") or []
    caps += [p for p in public if os.path.basename(p) in EXTRACT_PUBLIC]
    check(len([p for p in public if os.path.basename(p) in EXTRACT_PUBLIC]) ==
          len(EXTRACT_PUBLIC), f"public captures missing: {EXTRACT_PUBLIC}")
    for cap in caps:
        name = os.path.basename(cap)
        calls = calls_json(cap)
        if not calls:
            continue
        msgs = messages_json(cap)
        # the last call: in a multi-call capture it has neighbours on both
        # sides; and every call with a message over WebSocket
        ws = {m.get("call") for m in msgs if m["transport"] == "ws"}
        last = max(c["call"] for c in calls)
        for c in calls:
            if c["call"] == last or c["call"] in ws:
                extract_round_trip(tshark, tmp, cap, c, msgs)
    # by Call-ID, and every failed call of a capture with several outcomes
    cap = os.path.join(ec.SOURCE, "pcaps", "udp-busy-486.pcap")
    calls = calls_json(cap)
    out = os.path.join(tmp, "by-callid.pcap")
    rc, _, err = run(["extract", "-q", "--call", calls[0]["call_id"], "-w", out, cap])
    check(rc == 0 and sorted(key(m) for m in messages_json(out)) ==
          sorted(key(m) for m in messages_json(cap) if m.get("call") == calls[0]["call"]),
          f"extract by Call-ID: exit {rc}: {err}")
    out = os.path.join(tmp, "failed.pcapng")
    rc, _, err = run(["extract", "-q", "--failed", "-w", out, cap])
    with open(out, "rb") as f:
        check(f.read(4) == b"\x0a\x0d\x0d\x0a", "a .pcapng name gives pcapng")
    n_failed = sum(c["messages"] for c in calls if c["failed"])
    check(len(messages_json(out)) == n_failed,
          "extract --failed: not every message of the failed calls")
    check(len(tshark_sip(tshark, out)) == n_failed, "tshark does not read the pcapng back")
    out = os.path.join(tmp, "forced.pcap")
    rc, _, err = run(["extract", "-q", "--failed", "--format", "pcapng", "-w", out, cap])
    with open(out, "rb") as f:
        check(rc == 0 and f.read(4) == b"\x0a\x0d\x0d\x0a", "--format pcapng gives pcapng")
    rc, _, err = run(["extract", "-q", "--call", "999999", "-w", os.path.join(tmp, "none.pcap"),
                      cap])
    check(rc == 1 and not os.path.exists(os.path.join(tmp, "none.pcap")),
          f"no matching call: exit {rc}, file left behind")
    rc, _, _ = run(["extract", "-q", "-w", os.path.join(tmp, "x.pcap"), cap])
    check(rc == 2, "extract without --call or --failed is a usage error")


def test_perf(tmp):
    sd = ec.shared_dir()
    if sd is None:
        ec.skip("shared corpus not found (SIPFLOW_SHARED)")
    cap = os.path.join(sd, "pcaps", "sipp", "volume-10k-calls.pcap")
    path = os.path.join(tmp, "volume.html")
    t0 = time.monotonic()
    rc, _, err = run(["report", "-q", "-o", path, cap], timeout=120)
    dt = time.monotonic() - t0
    size = os.path.getsize(path) if os.path.exists(path) else 0
    print(f"report volume-10k-calls.pcap: {dt:.2f} s, {size / 1e6:.1f} MB")
    check(rc == 0, f"exit {rc}: {err}")
    if os.environ.get("ASAN_OPTIONS"):
        print("sanitizer build: the time bound is not checked")
    else:
        check(dt <= 10.0, f"report took {dt:.2f} s (> 10 s)")
    check(0 < size <= 30 * 1000 * 1000, f"report is {size} bytes (> 30 MB)")
    with open(path, "rb") as f:
        page = f.read().decode("utf-8")
    check(len(ROW.findall(page)) == 10000, "not 10000 rows")


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "html"
    tests = {"html": test_html, "browser": test_browser, "extract": test_extract,
             "perf": test_perf}
    with tempfile.TemporaryDirectory(prefix="sipflow-report-test-") as tmp:
        try:
            tests[mode](tmp)
        except ec.ToolError as e:
            check(False, str(e))
    if failures:
        print(f"{len(failures)} failure(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
