#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark's view of the SIP messages in a capture: the reference the
end-to-end comparison (compare_tshark.py) holds sipflow against.

A reference is a multiset of (frame, key, call_id) tuples, one per SIP
message tshark's SIP dissector decoded: frame is the frame where tshark shows
the message (the last segment/fragment of a reassembled one), key is the
request method or the status code as a string, call_id the Call-ID header
value or None.

tshark runs two-pass with out-of-order TCP reassembly, and frames carrying
ICMP are dropped: an ICMP error quotes a datagram tshark then dissects as SIP,
which is not a message on the wire. Port mappings some captures need come from
tests/e2e/tshark-decode-as.txt.

Results are cached under SIPFLOW_REF_DIR (default <source>/.cache/tshark-ref)
keyed by the capture's SHA-256, the tshark version and the options, so the
normal and the sanitizer test suites share one computation.

Usage:
  tshark_ref.py FILE...               print the reference as TSV (frame, key, call_id)
  tshark_ref.py --group G... [-j N]   compute (or verify cached) references of
                                      whole capture groups (project, sipp, public)
"""

import argparse
import codecs
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import e2e_common as ec
import hep_unwrap

FORMAT = 3  # bump when the cached file layout or the extraction changes
DISPLAY_FILTER = "sip && !icmp && !icmpv6"
BASE_OPTS = ["-2", "-o", "tcp.reassemble_out_of_order:TRUE"]
# Field separator and aggregator. tshark writes a TAB inside a value as "\t",
# so the separator is safe; control bytes such as US pass raw, so a value may
# contain the aggregator: the pairing check in _fields_pass() then fails and
# the frame takes the PDML pass.
SEP = "\t"
AGG = "\x1f"
FIELDS = ["frame.number", "frame.time_epoch", "sip.Method", "sip.Status-Code", "sip.Call-ID"]
DECODE_AS_FILE = os.path.join(ec.HERE, "tshark-decode-as.txt")


def load_decode_as(path=DECODE_AS_FILE):
    """capture basename -> list of tshark -d arguments."""
    table = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or "==" not in parts[1] or "," not in parts[1]:
                raise SystemExit(f"{path}:{n}: expected '<capture> <layer>==<port>,<proto>'")
            table.setdefault(parts[0], []).append(parts[1])
    return table


_version = None


def tshark_version(tshark):
    global _version
    if _version is None:
        out = subprocess.run([tshark, "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        _version = out.stdout.decode("utf-8", "replace").splitlines()[0].strip()
    return _version


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ref_dir():
    d = os.environ.get("SIPFLOW_REF_DIR") or os.path.join(ec.SOURCE, ".cache", "tshark-ref")
    cache = os.path.join(ec.SOURCE, ".cache")
    if os.path.abspath(d).startswith(cache + os.sep):
        # Keep the cache out of git without touching the repo's .gitignore.
        os.makedirs(cache, exist_ok=True)
        gi = os.path.join(cache, ".gitignore")
        if not os.path.exists(gi):
            with open(gi, "w") as f:
                f.write("# sipflow test caches (tests/e2e/tshark_ref.py); never committed\n*\n")
    return d


# tshark exits 2 after printing what it read when a capture ends inside a
# record or is damaged; that output is still the reference (sipflow then
# exits 3, "read only in part").
PARTIAL_READ = ("cut short", "damaged or corrupt")


def _run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = p.stderr.decode("utf-8", "replace").strip()
    if p.returncode == 0 or (p.returncode == 2 and any(m in err for m in PARTIAL_READ)):
        return p.stdout
    raise RuntimeError(f"{' '.join(argv)}: exit {p.returncode}: {err[-2000:]}")


# tshark's field text is not the header's bytes once a Call-ID holds anything
# but printable ASCII: invalid UTF-8 becomes U+FFFD, TAB becomes "\\t", other
# control bytes pass raw (so they could even be the aggregator). Such frames
# take the PDML pass, which has the raw bytes.
NOT_PLAIN = re.compile(r"[^\x21-\x7e]|\\")


def _sipflow_text(raw):
    """Bytes rendered as sipflow's JSON strings decode (docs/json.md): valid
    UTF-8 kept, every other byte b becomes U+00b."""
    return raw.decode("utf-8", errors="sf_byte")


codecs.register_error("sf_byte", lambda e: (e.object[e.start : e.start + 1].decode("latin-1"), e.start + 1))


def _header_value(raw_line):
    """The value of a raw header line "Name: value CRLF" (RFC 3261 7.3.1:
    leading and trailing whitespace is not part of the value)."""
    colon = raw_line.find(b":")
    v = raw_line[colon + 1 :] if colon >= 0 else raw_line
    return v.strip(b" \t\r\n")


def _split(cell):
    return cell.split(AGG) if cell else []


def _fields_pass(tshark, path, decode_as):
    """The -T fields pass. Returns ({frame: [tuples]}, [ambiguous frames],
    {frame: epoch time string}).
    A frame is ambiguous when its lists cannot be paired up by position:
    methods and status codes come in two separate lists, so a frame mixing
    requests and responses of different Call-IDs, or one where a message
    lacks a Call-ID, needs the per-message PDML pass."""
    argv = [tshark] + BASE_OPTS + [a for d in decode_as for a in ("-d", d)]
    argv += ["-r", path, "-Y", DISPLAY_FILTER, "-T", "fields", "-E", "occurrence=a"]
    argv += ["-E", "separator=/t", "-E", f"aggregator={AGG}", "-E", "quote=n"]
    for f in FIELDS:
        argv += ["-e", f]
    out = _run(argv).decode("utf-8", "surrogateescape")
    frames, ambiguous, times = {}, [], {}
    # Only "\n" ends a record: str.splitlines() would also split at control
    # bytes (\x1c-\x1e, \x85) that tshark copies raw from a header.
    for line in out.split("\n"):
        if not line:
            continue
        cols = line.split(SEP)
        if len(cols) != len(FIELDS):
            raise RuntimeError(f"{path}: unexpected tshark line {line!r}")
        frame = int(cols[0])
        times[frame] = cols[1]
        methods, codes, cids = _split(cols[2]), _split(cols[3]), _split(cols[4])
        keys = methods + codes
        if not keys:
            continue  # "sip" matched (e.g. a TCP continuation) but no message
        if (
            len(cids) != len(keys)
            or (methods and codes and len(set(cids)) > 1)
            or any(NOT_PLAIN.search(c) for c in cids)
        ):
            ambiguous.append(frame)
            continue
        frames[frame] = [(frame, k, c) for k, c in zip(keys, cids)]
    return frames, ambiguous, times


def _pdml_pass(tshark, path, decode_as, wanted):
    """Per-message decode of the given frames: one <proto name="sip"> per
    message, so every key gets its own Call-ID (or None)."""
    argv = [tshark] + BASE_OPTS + [a for d in decode_as for a in ("-d", d)]
    filt = f"({DISPLAY_FILTER}) && frame.number in {{{', '.join(str(f) for f in wanted)}}}"
    argv += ["-r", path, "-Y", filt, "-T", "pdml", "-J", "sip"]
    root = ET.fromstring(_run(argv))
    frames = {}
    for pkt in root.iter("packet"):
        frame = None
        for fld in pkt.iter("field"):
            if fld.get("name") == "num" or fld.get("name") == "frame.number":
                frame = int(fld.get("show"))
                break
        if frame is None:
            raise RuntimeError(f"{path}: PDML packet without a frame number")
        msgs = []
        for proto in pkt.iter("proto"):
            if proto.get("name") != "sip":
                continue
            key = cid = None
            for fld in proto.iter("field"):
                name = fld.get("name")
                if key is None and name in ("sip.Method", "sip.Status-Code"):
                    key = fld.get("show")
                elif cid is None and name == "sip.Call-ID":
                    raw = fld.get("value")
                    try:
                        cid = _sipflow_text(_header_value(bytes.fromhex(raw))) if raw else None
                    except ValueError:
                        cid = None
                    if cid is None:
                        cid = fld.get("show")
            if key is not None:
                msgs.append((frame, key, cid))
        frames[frame] = msgs
    return frames


def compute(tshark, path, decode_as):
    frames, ambiguous, times = _fields_pass(tshark, path, decode_as)
    if ambiguous:
        frames.update(_pdml_pass(tshark, path, decode_as, ambiguous))
    tuples = [t for f in sorted(frames) for t in frames[f]]
    return tuples, ambiguous, {str(f): times[f] for f in sorted(frames)}


def cache_key(tshark, path, decode_as, digest=None, hep_unwrapped=False):
    opts = json.dumps(
        {"format": FORMAT, "tshark": tshark_version(tshark), "opts": BASE_OPTS,
         "filter": DISPLAY_FILTER, "fields": FIELDS, "decode_as": decode_as,
         "hep_unwrapped": hep_unwrapped},
        sort_keys=True,
    )
    digest = digest or sha256_file(path)
    return f"{digest}-{hashlib.sha256(opts.encode()).hexdigest()[:16]}.json"


def reference(path, tshark=None, table=None, verbose=False):
    """The cached or freshly computed reference of one capture: a dict with
    'tuples' (list of [frame, key, call_id]), 'times' ({"frame": epoch seconds
    string} of the frames with SIP), 'ambiguous_frames', 'decode_as',
    'tshark', 'cached'."""
    tshark = tshark or ec.tshark_or_skip()
    table = load_decode_as() if table is None else table
    decode_as = table.get(os.path.basename(path), [])
    d = ref_dir()
    os.makedirs(d, exist_ok=True)
    # SIP inside HEP: tshark 4.0 has no HEP dissector, so it reads a copy
    # with the HEP packets unwrapped (hep_unwrap.py, same frame numbers)
    src = hep_unwrap.unwrapped(path)
    cpath = os.path.join(d, cache_key(tshark, path, decode_as, hep_unwrapped=src is not None))
    try:
        with open(cpath, encoding="utf-8") as f:
            ref = json.load(f)
        ref["cached"] = True
        return ref
    except (OSError, ValueError):
        pass
    tuples, ambiguous, times = compute(tshark, src or path, decode_as)
    ref = {
        "capture": os.path.basename(path),
        "tshark": tshark_version(tshark),
        "decode_as": decode_as,
        "ambiguous_frames": ambiguous,
        "tuples": [list(t) for t in tuples],
        "times": times,
    }
    # Atomic publish: parallel suites may compute the same reference.
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as f:
        json.dump(ref, f, ensure_ascii=True)
    os.replace(tmp, cpath)
    ref["cached"] = False
    return ref


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--group", action="append", choices=ec.GROUPS, default=[])
    ap.add_argument("-j", "--jobs", type=int, default=2)
    args = ap.parse_args()
    tshark = ec.tshark_or_skip()
    table = load_decode_as()
    if args.files:
        for path in args.files:
            ref = reference(path, tshark, table)
            for frame, key, cid in ref["tuples"]:
                print(f"{frame}\t{key}\t{cid if cid is not None else '-'}")
        return 0
    if not args.group:
        ap.error("give capture files or --group")
    caps = []
    for g in args.group:
        c = ec.captures(g)
        if c is None:
            print(f"note: group {g}: shared corpus not found")
        else:
            caps += c
    if not caps:
        ec.skip("no captures found")

    def one(path):
        try:
            return path, reference(path, tshark, table), None
        except Exception as e:  # report every capture, then fail
            return path, None, e

    rc = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for path, ref, err in pool.map(one, caps):
            name = os.path.basename(path)
            if err:
                print(f"ERROR {name}: {err}")
                rc = 1
                continue
            extra = ""
            if ref["decode_as"]:
                extra += f" -d {' -d '.join(ref['decode_as'])}"
            if ref["ambiguous_frames"]:
                extra += f" (PDML for frames {ref['ambiguous_frames']})"
            state = "cached" if ref["cached"] else "computed"
            print(f"{name}: {len(ref['tuples'])} SIP messages, {state}{extra}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
