# SPDX-License-Identifier: GPL-2.0-or-later
"""Shared helpers for the end-to-end tests: which captures to run, where the
tools are, and the skip rule (exit 77 when an optional input is missing,
except under CI=true where a missing input is a failure)."""

import glob
import json
import os
import shutil
import subprocess
import sys

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.environ.get("SIPFLOW_SOURCE") or os.path.dirname(os.path.dirname(HERE))

# The 10k-call capture is the benchmark's volume input: 26 MB and 63,500
# messages add minutes (more under the sanitizers) and no coverage.
EXCLUDED = {"volume-10k-calls.pcap"}

GROUPS = ("project", "sipp", "public")


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def skip(why):
    """Skips the test (77), or fails it under CI=true."""
    if in_ci():
        print(f"FAIL (CI=true, so no skipping): {why}", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(SKIP)


def shared_dir():
    d = os.environ.get("SIPFLOW_SHARED") or os.path.join(os.path.dirname(SOURCE), "shared")
    return d if os.path.isdir(os.path.join(d, "pcaps")) else None


def captures(group):
    """Sorted capture paths of one group; None when the group's directory
    is missing (the shared corpus is not there)."""
    if group == "project":
        pattern = os.path.join(SOURCE, "pcaps", "*.pcap*")
    else:
        sd = shared_dir()
        if sd is None:
            return None
        if group == "sipp":
            pattern = os.path.join(sd, "pcaps", "sipp", "*.pcap")
        elif group == "public":
            pattern = os.path.join(sd, "pcaps", "public", "*.pcap*")
        else:
            raise ValueError(f"unknown capture group {group!r}")
    return sorted(
        p for p in glob.glob(pattern) if os.path.isfile(p) and os.path.basename(p) not in EXCLUDED
    )


def captures_or_skip(group):
    caps = captures(group)
    if caps is None:
        skip(f"shared corpus not found (SIPFLOW_SHARED={os.environ.get('SIPFLOW_SHARED', '')!r})")
    if not caps:
        skip(f"no captures in group {group!r}")
    return caps


def tshark_or_skip():
    t = shutil.which(os.environ.get("TSHARK") or "tshark")
    if not t:
        skip("tshark not found (Debian package 'tshark')")
    return t


def sipflow_bin():
    b = os.environ.get("SIPFLOW_BIN")
    if not b:
        cand = os.path.join(os.environ.get("SIPFLOW_BUILD", ""), "sipflow")
        b = cand if os.path.exists(cand) else "sipflow"
    return b


# sipflow exit codes (the tool's contract): 0 input read whole, 1 nothing
# readable, 2 usage error, 3 read only in part.
SIPFLOW_OK = (0, 3)


class ToolError(Exception):
    pass


def run_sipflow_json(cmd, path, timeout=600):
    """Runs `sipflow CMD --format json PATH` and returns (exit code, list of
    decoded objects, raw stdout lines). Raises ToolError on a crash, an
    unexpected exit code or a line that is not a JSON object."""
    return run_sipflow_json_multi(cmd, [path], timeout)


def run_sipflow_json_multi(cmd, paths, timeout=600):
    argv = [sipflow_bin(), cmd, "--format", "json"] + list(paths)
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ToolError(f"{' '.join(argv)}: timed out after {timeout} s")
    except OSError as e:
        raise ToolError(f"{' '.join(argv)}: {e}")
    if p.returncode not in SIPFLOW_OK:
        tail = p.stderr.decode("utf-8", "replace").strip().splitlines()[-15:]
        raise ToolError(
            f"{' '.join(argv)}: exit {p.returncode}" + "".join("\n    " + t for t in tail)
        )
    raw = p.stdout.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    elif raw:
        raise ToolError(f"{' '.join(argv)}: output does not end in a newline")
    objs = []
    for i, line in enumerate(raw, 1):
        try:
            o = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise ToolError(f"{' '.join(argv)}: line {i} is not UTF-8 JSON: {e}: {line[:200]!r}")
        if not isinstance(o, dict):
            raise ToolError(f"{' '.join(argv)}: line {i} is not a JSON object")
        objs.append(o)
    return p.returncode, objs, raw
