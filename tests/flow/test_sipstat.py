#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`sipflow stats` against tshark's `-z sip,stat` on every capture (project,
SIPp corpus with the 10k-call capture, public corpus): requests per method,
responses per status code and the resent count must be equal, or the
difference must be listed in sipstat-allowlist.tsv with its reason. Unlisted
differences fail, and so do stale entries (listed but no longer different)."""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import e2e_common as common  # noqa: E402
import hep_unwrap  # noqa: E402

BIN = os.environ["SIPFLOW_BIN"]
CATEGORIES = {
    # tshark finds SIP only on its ports and heuristics; sipflow by content anywhere
    "tshark-misses-nonstandard-port",
    # SIP inside HEP / WebSocket: a later issue teaches sipflow these transports
    "needs-hep", "needs-websocket",
    # tshark's "resent" flag compares (Call-ID, CSeq, method/status, From tag...)
    # across the whole capture without source/destination; sipflow follows the
    # RFC 3261 observer definition in docs (same src, dst, branch, CSeq, To tag)
    "resend-definition",
    # a packet captured twice (same bytes and IPv4 ID, within --dup-window) is one
    # message seen twice for sipflow (stats "duplicates"); tshark's resend flag
    # counts the second copy of a request or final response as resent
    "tshark-counts-capture-duplicates",
    # tshark counts a message sipflow flags and keeps elsewhere, or vice versa
    "tshark-decodes-non-sip", "sipflow-stricter-start-line",
    # SIP quoted inside ICMP errors: not a message (tshark -z sip,stat counts it)
    "tshark-counts-icmp-quoted",
}


_VERSION = []


def tshark_version():
    if not _VERSION:
        _VERSION.append(subprocess.run(["tshark", "--version"], stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL).stdout.decode().splitlines()[0])
    return _VERSION[0]


def tshark_stat(path):
    """tshark's -z sip,stat figures, cached like the e2e references (keyed by
    the capture's sha256 and tshark's version) so the normal and the
    sanitizer suites run tshark once."""
    import hashlib
    import json
    ref = os.environ.get("SIPFLOW_REF_DIR") or os.path.join(common.SOURCE, ".cache", "tshark-ref")
    h = hashlib.sha256(open(path, "rb").read()).hexdigest()
    ver = tshark_version()
    # SIP inside HEP: tshark 4.0 has no HEP dissector; it reads a copy with
    # the HEP packets unwrapped (tests/e2e/hep_unwrap.py)
    src = hep_unwrap.unwrapped(path)
    tag = "-hep" if src else ""
    key = os.path.join(ref, f"sipstat-{h}{tag}-{hashlib.sha256(ver.encode()).hexdigest()[:12]}.json")
    if os.path.exists(key):
        return json.load(open(key))
    got = tshark_stat_run(src or path)
    os.makedirs(ref, exist_ok=True)
    with open(key + ".tmp", "w") as f:
        json.dump(got, f)
    os.replace(key + ".tmp", key)
    return got


def tshark_stat_run(path):
    p = subprocess.run(["tshark", "-n", "-2", "-o", "tcp.reassemble_out_of_order:TRUE", "-r", path,
                        "-q", "-z", "sip,stat"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       timeout=600)
    out = p.stdout.decode("utf-8", "replace")
    codes, methods, resent, section = {}, {}, 0, None
    for line in out.splitlines():
        if "Status Codes" in line:
            section = "codes"
        elif "Request methods" in line:
            section = "methods"
        elif line.startswith("* "):
            section = None
        m = re.match(r"Number of resent SIP messages: (\d+)", line)
        if m:
            resent = int(m.group(1))
        m = re.match(r"\s+SIP (\d{3}) .*:\s+(\d+) Packets", line)
        if m and section == "codes":
            codes[m.group(1)] = codes.get(m.group(1), 0) + int(m.group(2))
        m = re.match(r"\s+(\S+)\s+:\s+(\d+) Packets", line)
        if m and section == "methods":
            methods[m.group(1)] = int(m.group(2))
    return {"requests": methods, "responses": codes, "resent": resent}


def sipflow_stat(path):
    import json
    p = subprocess.run([BIN, "stats", "-q", "--format", "json", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=600)
    if p.returncode not in (0, 3):
        raise AssertionError(f"sipflow stats {path}: exit {p.returncode} {p.stderr.decode()}")
    s = json.loads(p.stdout)
    codes = {}
    for _, per in s["responses"].items():
        for code, n in per.items():
            codes[code] = codes.get(code, 0) + n
    return {"requests": s["requests"], "responses": codes, "resent": s["retransmissions"]}


def load_allowlist():
    entries = {}
    with open(os.path.join(HERE, "sipstat-allowlist.tsv")) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4 or cols[2] not in CATEGORIES:
                raise SystemExit(f"sipstat-allowlist.tsv:{n}: need capture, field, category "
                                 f"(one of {sorted(CATEGORIES)}), note")
            entries[(cols[0], cols[1])] = cols[2]
    return entries


def main():
    common.tshark_or_skip()
    paths = []
    for g in common.GROUPS:
        caps = common.captures(g)
        if caps is None:
            common.skip("shared corpus missing")
        paths += caps
    vol = os.path.join(common.shared_dir(), "pcaps", "sipp", "volume-10k-calls.pcap")
    if os.path.exists(vol):
        paths.append(vol)
    allow = load_allowlist()
    used, bad = set(), []
    for path in paths:
        name = os.path.basename(path)
        t, s = tshark_stat(path), sipflow_stat(path)
        diffs = []
        for field in ("requests", "responses"):
            for k in sorted(set(t[field]) | set(s[field])):
                if t[field].get(k, 0) != s[field].get(k, 0):
                    diffs.append((f"{field}.{k}", t[field].get(k, 0), s[field].get(k, 0)))
        if t["resent"] != s["resent"]:
            diffs.append(("resent", t["resent"], s["resent"]))
        for field, tv, sv in diffs:
            if (name, field) in allow:
                used.add((name, field))
            else:
                bad.append(f"{name}: {field}: tshark {tv} sipflow {sv}")
        print(f"{name}: {'agree' if not diffs else f'{len(diffs)} difference(s)'}")
    stale = sorted(set(allow) - used)
    for b in bad:
        print("UNLISTED", b)
    for s in stale:
        print("STALE allow-list entry", s)
    print(f"{len(paths) - len({b.split(':')[0] for b in bad})} passed, "
          f"{len({b.split(':')[0] for b in bad}) + len(stale)} failed")
    sys.exit(1 if bad or stale else 0)


if __name__ == "__main__":
    main()
