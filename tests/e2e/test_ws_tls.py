#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""SIP over WebSocket and TLS through the sipflow tool (issue 7):
- pcaps/ws-call.pcap (made by pcaps/make-ws-capture.py): 7 messages, all
  transport ws, the fragmented INVITE built from frames 6, 7 and 10, no
  anomalies, one answered call;
- heplify--sip_tcp_websocket.pcap (shared): the 39 SIP messages tshark finds,
  11 of them over WebSocket, no anomalies;
- sample-captures--sip-tls-1.3-and-rtcp--sip.pcap (shared): one
  tls-encrypted notice per TLS connection, in `anomalies`, the stderr
  summary and `stats`: frame 4, the client's endpoints -> :5061, no SNI,
  its frames; and frame 4545, the server connecting back to the client's
  port 15081 (no SIP port, no SNI, but the same two hosts)."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import SOURCE, ToolError, run_sipflow_json, shared_dir, sipflow_bin, skip  # noqa

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def project_ws():
    path = os.path.join(SOURCE, "pcaps", "ws-call.pcap")
    _, msgs, _ = run_sipflow_json("messages", path)
    check(len(msgs) == 7, f"ws-call: {len(msgs)} messages, want 7")
    check(all(m["transport"] == "ws" for m in msgs), "ws-call: a message not over ws")
    inv = [m for m in msgs if m["method"] == "INVITE"]
    check(inv and inv[0]["frames"] == [6, 7, 10], f"ws-call: INVITE frames {inv and inv[0]['frames']}")
    check([m["frames"][-1] for m in msgs] == [10, 11, 11, 12, 13, 14, 15], "ws-call: frames")
    _, anoms, _ = run_sipflow_json("anomalies", path)
    check(anoms == [], f"ws-call: anomalies {anoms}")
    _, calls, _ = run_sipflow_json("calls", path)
    check(len(calls) == 1 and calls[0]["outcome"] == "answered", f"ws-call: calls {calls}")


def shared_ws(sd):
    path = os.path.join(sd, "pcaps", "public", "heplify--sip_tcp_websocket.pcap")
    if not os.path.isfile(path):
        skip(f"{path} missing")
    _, msgs, _ = run_sipflow_json("messages", path)
    check(len(msgs) == 39, f"heplify websocket: {len(msgs)} messages, tshark finds 39")
    ws = [m for m in msgs if m["transport"] == "ws"]
    check(len(ws) == 11, f"heplify websocket: {len(ws)} over ws, want 11")
    check(all(m["src"].endswith(":8080") or m["dst"].endswith(":8080") for m in ws),
          "heplify websocket: ws message not on port 8080")
    _, anoms, _ = run_sipflow_json("anomalies", path)
    check(anoms == [], f"heplify websocket: anomalies {anoms}")


def shared_tls(sd):
    path = os.path.join(sd, "pcaps", "public", "sample-captures--sip-tls-1.3-and-rtcp--sip.pcap")
    if not os.path.isfile(path):
        skip(f"{path} missing")
    _, anoms, _ = run_sipflow_json("anomalies", path)
    tls = [a for a in anoms if a["kind"] == "tls-encrypted"]
    if check(len(tls) == 2, f"tls: {len(tls)} tls-encrypted notices, want 2"):
        a, b = tls
        check(a["frame"] == 4 and a["layer"] == "tcp", f"tls: notice {a}")
        for part in ("encrypted SIP, not analysed", "217.12.247.98:59360 -> 217.12.244.34:5061",
                     "no SNI", "frames 4-26", "TLS 1.3"):
            check(part in a["reason"], f"tls: '{part}' not in {a['reason']!r}")
        check(b["frame"] == 4545, f"tls: second notice {b}")
        for part in ("217.12.244.34:51504 -> 217.12.247.98:15081",
                     "earlier SIP-over-TLS connection", "frames 4545-4550"):
            check(part in b["reason"], f"tls: '{part}' not in {b['reason']!r}")
    p = subprocess.run([sipflow_bin(), "stats", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    err, out = p.stderr.decode(), p.stdout.decode()
    check("tls-encrypted 2" in err, f"tls: summary line lacks the notice: {err!r}")
    check("Encrypted SIP, not analysed: 2 TLS connections" in out, "tls: stats lacks the notice")


def main():
    try:
        project_ws()
        sd = shared_dir()
        if sd is None:
            if failures:
                raise ToolError("\n".join(failures))
            skip("shared corpus not found (SIPFLOW_SHARED)")
        shared_ws(sd)
        shared_tls(sd)
    except ToolError as e:
        failures.append(str(e))
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
