#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check sipflow's own captures and write pcaps/ground-truth.json.

For every capture recorded by record.sh this lists the SIP messages that
tshark (two-pass, with IP and TCP reassembly) finds, in order, each with the
number of the frame that completes it, and compares the list with the ladder
the capture was built to contain (EXPECTED below, fixed by the scenarios and
the command lines in record.sh).  Any difference is printed and makes the
exit status 1, so a bad re-recording is noticed before it is committed.

Usage:  /usr/bin/python3 pcaps/make-ground-truth.py [DIR]   (default: pcaps/)
Needs:  tshark.  Stdlib only.
"""
import hashlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

CALL = ["INVITE", "100", "180", "200", "ACK", "BYE", "200"]

# name -> what record.sh builds; "ladder" is the message order on the wire.
EXPECTED = {
    "udp-basic-call": {
        "description": "One answered call over UDP/IPv4 (scenarios uac-call.xml -> uas-call.xml).",
        "transport": "UDP/IPv4",
        "ladder": CALL,
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 0,
    },
    "tcp-basic-call": {
        "description": "The same call over one TCP connection (SIPp -t t1); one SIP message per segment.",
        "transport": "TCP/IPv4",
        "ladder": CALL,
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 0,
    },
    "udp-fragmented": {
        "description": "Answered call over UDP/IPv4 whose 3.3 kB INVITE (uac-big.xml) is sent as "
        "3 IPv4 fragments on a 1500-byte MTU veth.",
        "transport": "UDP/IPv4",
        "ladder": CALL,
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 1,
    },
    "ipv6-basic-call": {
        "description": "One answered call over UDP/IPv6 between fd00:5f::1 and fd00:5f::2.",
        "transport": "UDP/IPv6",
        "ladder": CALL,
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 0,
    },
    "udp-busy-486": {
        "description": "Rejected call over UDP/IPv4: 486 Busy Here, ACKed in the INVITE transaction.",
        "transport": "UDP/IPv4",
        "ladder": ["INVITE", "100", "486", "ACK"],
        "outcomes": {"rejected-486": 1},
        "fragmented_messages": 0,
    },
    "udp-cancel-487": {
        "description": "Call cancelled while ringing, UDP/IPv4: CANCEL answered 200, INVITE 487, ACK.",
        "transport": "UDP/IPv4",
        "ladder": ["INVITE", "100", "180", "CANCEL", "200", "487", "ACK"],
        "outcomes": {"cancelled-487": 1},
        "fragmented_messages": 0,
    },
    "tcp-multi": {
        "description": "3 answered calls on one TCP connection; each 3.3 kB INVITE spans 3 "
        "segments; the callee writes 100+180+200 at once with a 688-byte MSS, so one "
        "segment carries the 100, the 180 and the head of the 200.",
        "transport": "TCP/IPv4",
        "ladder": CALL * 3,
        "outcomes": {"answered-200-bye-200": 3},
        "fragmented_messages": 0,
    },
    "ws-call": {
        "description": "One answered call of SIP over WebSocket (RFC 7118), synthesised by "
        "make-ws-capture.py (not record.sh): HTTP Upgrade on TCP 8080 with "
        "Sec-WebSocket-Protocol: sip, masked client frames, the INVITE as a fragmented message "
        "(its first fragment over two TCP segments, a ping between the fragments), 100 and 180 "
        "in one segment, a 200 OK with a 16-bit length, Close frames.",
        "transport": "WS/IPv4",
        "ladder": CALL,
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 0,
        "link_type": "Ethernet",
        "checksums": "correct (synthesised)",
    },
    "sctp-basic-call": {
        "description": "One answered call over SCTP (RFC 4168), built by make-sctp-capture.py "
        "(no SCTP in the recording kernel): INIT/INIT-ACK/COOKIE handshake, a 2.5 kB INVITE "
        "in two DATA fragments (frames 5, 6), 180 and 200 bundled in one packet, SACKs "
        "bundled with DATA, the ACK's DATA chunk retransmitted (frame 11, same TSN: no new "
        "message), SHUTDOWN.",
        "transport": "SCTP/IPv4",
        "ladder": CALL,
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 0,
        "link_type": "Ethernet (generated)",
        "checksums": "SCTP CRC32c checksums are correct (generated)",
    },
}
# One call captured at two points at once (record.sh rec_udp_two_points):
# both ends of the veth; the 200 OK is retransmitted once (late ACK).
for _point, _where in (("a", "sfpc0, the caller's end"), ("b", "sfpc1, the callee's end")):
    EXPECTED["udp-two-points-" + _point] = {
        "description": f"Capture point {_point} ({_where} of the veth) of one answered UDP/IPv4 "
        "call recorded at two points at once; the caller ACKs 700 ms late (uac-slow-ack.xml) "
        "so the 200 OK is retransmitted once. Merged with its twin: one call, every message "
        "seen twice (8 duplicates), 1 retransmission.",
        "transport": "UDP/IPv4",
        "ladder": ["INVITE", "100", "180", "200", "200", "ACK", "BYE", "200"],
        "outcomes": {"answered-200-bye-200": 1},
        "fragmented_messages": 0,
    }


def fields(elem, name):
    """All 'show' values of fields called name below elem, in document order."""
    return [f.get("show") for f in elem.iter("field") if f.get("name") == name]


def first(elem, name):
    v = fields(elem, name)
    return v[0] if v else None


def dissect(path):
    """Frames and SIP messages as tshark sees them (two-pass, reassembly on)."""
    out = subprocess.run(
        ["tshark", "-2", "-r", path, "-T", "pdml",
         "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "ip.defragment:TRUE"],
        check=True, capture_output=True).stdout
    root = ET.fromstring(out)
    frames, msgs = 0, []
    segs_of = {}  # frame -> TCP segments of a PDU it completes (WebSocket fragments)
    for pkt in root.iter("packet"):
        frames += 1
        protos = list(pkt)
        frame_no = int(first(pkt, "frame.number"))
        t = float(first(pkt, "frame.time_relative"))
        src = first(pkt, "ip.src") or "[%s]" % first(pkt, "ipv6.src")
        dst = first(pkt, "ip.dst") or "[%s]" % first(pkt, "ipv6.dst")
        names = {p.get("name") for p in protos}
        l4 = "TCP" if "tcp" in names else "SCTP" if "sctp" in names else "UDP"
        ws = "websocket" in names
        sport = first(pkt, l4.lower() + ".srcport")
        dport = first(pkt, l4.lower() + ".dstport")
        chunks = [int(x) for x in fields(pkt, "sctp.fragment")]  # DATA fragments
        ipfrags = [int(x) for x in fields(pkt, "ip.fragment")]
        segs = []  # tcp.segment list that precedes a reassembled SIP PDU
        for p in protos:
            if p.get("name") == "fake-field-wrapper" or p.get("name") == "tcp.segments":
                segs = [int(x) for x in fields(p, "tcp.segment")]
                if segs:
                    segs_of[frame_no] = segs
                # a fragmented WebSocket message: the frames of its fragments
                # and the TCP segments each of them was reassembled from
                wsf = [int(x) for x in fields(p, "websocket.fragment")]
                if wsf:
                    segs = sorted({s for f in wsf for s in segs_of.get(f, [f])} | set(segs))
                continue
            if p.get("name") != "sip":
                continue
            method = first(p, "sip.Method")
            status = first(p, "sip.Status-Code")
            msgs.append({
                "frame": frame_no,
                "time": round(t, 6),
                "src": f"{src}:{sport}",
                "dst": f"{dst}:{dport}",
                "message": method if method else status,
                "cseq": first(p, "sip.CSeq"),
                "call_id": first(p, "sip.Call-ID"),
                "branch": first(p, "sip.Via.branch"),
                "ip_fragment_frames": ipfrags,
                "tcp_segment_frames": segs if segs else [frame_no] if l4 == "TCP" else [],
                "transport": "WS" if ws else l4,
            })
            if l4 == "SCTP":
                msgs[-1]["sctp_fragment_frames"] = chunks
                chunks = []
            segs = []
    return frames, msgs


def outcomes(msgs):
    """Per Call-ID outcome, named as in /work/shared/pcaps/sipp/MANIFEST.md."""
    by_call = {}
    for m in msgs:
        by_call.setdefault(m["call_id"], []).append(m)
    res = {}
    for cid, ms in by_call.items():
        inv_final = [m["message"] for m in ms
                     if m["message"].isdigit() and int(m["message"]) >= 200
                     and m["cseq"].endswith(" INVITE")]
        bye_ok = any(m["message"] == "200" and m["cseq"].endswith(" BYE") for m in ms)
        cancel = any(m["message"] == "CANCEL" for m in ms)
        if inv_final and inv_final[0] == "200":
            o = "answered-200-bye-200" if bye_ok else "answered-200"
        elif inv_final and inv_final[0] == "487" and cancel:
            o = "cancelled-487"
        elif inv_final:
            o = "rejected-" + inv_final[0]
        else:
            o = "no-final-response"
        res[o] = res.get(o, 0) + 1
    return res


def main():
    here = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    truth, problems = {}, []
    for name, exp in EXPECTED.items():
        path = os.path.join(here, name + ".pcap")
        if not os.path.exists(path):
            problems.append(f"{name}: file missing")
            continue
        data = open(path, "rb").read()
        frames, msgs = dissect(path)
        ladder = [m["message"] for m in msgs]
        got_out = outcomes(msgs)
        transports = sorted({m["transport"] + ("/IPv6" if m["src"].startswith("[") else "/IPv4")
                             for m in msgs})
        nfrag = sum(1 for m in msgs if len(m["ip_fragment_frames"]) > 1)
        multi_seg = sum(1 for m in msgs if len(m["tcp_segment_frames"]) > 1)
        multi_chunk = sum(1 for m in msgs if len(m.get("sctp_fragment_frames", [])) > 1)
        per_frame = {}
        for m in msgs:
            per_frame[m["frame"]] = per_frame.get(m["frame"], 0) + 1
        if ladder != exp["ladder"]:
            problems.append(f"{name}: ladder {ladder} != expected {exp['ladder']}")
        if got_out != exp["outcomes"]:
            problems.append(f"{name}: outcomes {got_out} != expected {exp['outcomes']}")
        if transports != [exp["transport"]]:
            problems.append(f"{name}: transports {transports} != {exp['transport']}")
        if nfrag != exp["fragmented_messages"]:
            problems.append(f"{name}: {nfrag} fragmented messages, expected "
                            f"{exp['fragmented_messages']}")
        truth[name + ".pcap"] = {
            "description": exp["description"],
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "frames": frames,
            "link_type": exp.get("link_type", "Ethernet (veth)"),
            "transport": exp["transport"],
            "sip_messages": len(msgs),
            "call_ids": len({m["call_id"] for m in msgs}),
            "outcomes": got_out,
            "ip_fragmented_messages": nfrag,
            "tcp_messages_over_several_segments": multi_seg,
            "frames_completing_several_messages": sorted(f for f, n in per_frame.items() if n > 1),
            "checksums": exp.get("checksums",
                                 "UDP/TCP checksums are wrong (checksum offload: captured before "
                                 "the kernel fills them in), except a fragmented UDP datagram's; "
                                 "ignore them"),
            "messages": msgs,
        }
        if multi_chunk:
            truth[name + ".pcap"]["sctp_messages_over_several_chunks"] = multi_chunk
    out = os.path.join(here, "ground-truth.json")
    with open(out, "w") as f:
        json.dump({"generator": "pcaps/record.sh + pcaps/make-ground-truth.py",
                   "frame_numbers": "1-based; the frame that completes the message "
                                    "(last IP fragment / last TCP segment)",
                   "captures": truth}, f, indent=1)
        f.write("\n")
    for p in problems:
        print("MISMATCH", p, file=sys.stderr)
    print(f"wrote {out}: {len(truth)} captures, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
