# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs the real tshark with the freshly built sipflow plugin loaded from a
personal plugin directory ($HOME/.local/lib/wireshark/plugins/<abi>/epan/
with HOME a temporary folder).

As root (CI runs as root) Wireshark ignores the personal plugin directory,
and WIRESHARK_PLUGIN_DIR would replace the system one, so it is not used.
Instead tshark runs in a new user namespace (`unshare -U`, where it is not
root), or, where user namespaces are not allowed, as nobody (`setpriv`)
with the plugin and the inputs copied into a world-readable folder.
Neither working is a skip (exit 77), a failure under CI=true."""

import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def in_ci():
    return os.environ.get("CI", "").lower() == "true"


def skip(why):
    if in_ci():
        print(f"FAIL (CI=true, so no skipping): {why}", file=sys.stderr)
        sys.exit(1)
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(SKIP)


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


class Tshark:
    """tshark with the plugin. Use as a context manager (removes the
    temporary HOME)."""

    def __init__(self):
        self.plugin = os.environ.get("SIPFLOW_PLUGIN")
        self.abi = os.environ.get("SIPFLOW_WIRESHARK_ABI", "4.0")
        if not self.plugin:
            skip("the plugin is not part of this build: install libwireshark-dev and "
                 "re-run the cmake configure step")
        if not os.path.isfile(self.plugin):
            fail(f"{self.plugin} missing: build the sipflow_plugin target")
        self.tshark = shutil.which(os.environ.get("TSHARK") or "tshark")
        if not self.tshark:
            skip("tshark not found (Debian package 'tshark')")
        self.home = tempfile.mkdtemp(prefix="sipflow-plugin-home-")
        os.chmod(self.home, 0o755)
        pdir = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", self.abi, "epan")
        os.makedirs(pdir)
        for d in (os.path.join(self.home, ".local"), os.path.join(self.home, ".local", "lib"),
                  os.path.join(self.home, ".local", "lib", "wireshark"),
                  os.path.join(self.home, ".local", "lib", "wireshark", "plugins"),
                  os.path.dirname(pdir), pdir):
            os.chmod(d, 0o755)
        dst = os.path.join(pdir, "sipflow.so")
        shutil.copy(self.plugin, dst)
        os.chmod(dst, 0o755)
        self.extcap = os.path.join(self.home, "extcap")
        os.makedirs(self.extcap)
        os.chmod(self.extcap, 0o755)
        self.inputs = os.path.join(self.home, "inputs")
        os.makedirs(self.inputs)
        os.chmod(self.inputs, 0o755)
        self.prefix = self._choose_prefix()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.home, ignore_errors=True)

    def _env_prefix(self):
        # An empty extcap folder: -G plugins would otherwise start every
        # extcap helper (slow, and androiddump hangs with the sanitizer
        # runtimes preloaded).
        env = ["env", f"HOME={self.home}", f"WIRESHARK_EXTCAP_DIR={self.extcap}",
               "LC_ALL=C.UTF-8", "TZ=UTC"]
        preload = os.environ.get("SIPFLOW_PLUGIN_PRELOAD")
        if preload:
            # sanitizer build: runtimes first; tshark's own exit-time
            # allocations are not ours to report
            env += [f"LD_PRELOAD={preload}", "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1",
                    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"]
        return env

    def _loads(self, prefix):
        try:
            r = subprocess.run(prefix + [self.tshark, "-G", "plugins"], capture_output=True,
                               text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return any(line.split("\t")[0].strip() == "sipflow.so" for line in r.stdout.splitlines())

    def _choose_prefix(self):
        env = self._env_prefix()
        if os.geteuid() != 0:
            if self._loads(env):
                self.mode = "personal plugin dir"
                return env
        else:
            p = ["unshare", "-U"] + env
            if shutil.which("unshare") and self._loads(p):
                self.mode = "unshare -U"
                return p
            p = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + env
            if shutil.which("setpriv") and self._loads(p):
                self.mode = "setpriv (nobody)"
                self.copy_inputs = True
                return p
        skip("tshark does not load the plugin from a personal plugin directory "
             "(neither unshare -U nor setpriv worked)")
        return None

    copy_inputs = False
    mode = ""

    def input(self, path):
        """A path tshark can read in the chosen mode."""
        if not self.copy_inputs:
            return path
        dst = os.path.join(self.inputs, os.path.basename(path))
        if not os.path.exists(dst):
            shutil.copy(path, dst)
            os.chmod(dst, 0o644)
        return dst

    def run(self, args, check=True, timeout=600):
        r = subprocess.run(self.prefix + [self.tshark] + args, capture_output=True, text=True,
                           timeout=timeout)
        if check and r.returncode != 0:
            fail(f"tshark {' '.join(args)} exited {r.returncode}: {r.stderr.strip()[:2000]}")
        return r


def sipflow_json(cmd, path):
    """Runs `sipflow <cmd> --format json` on one capture; list of records."""
    import json

    b = os.environ.get("SIPFLOW_BIN")
    if not b or not os.path.isfile(b):
        skip(f"sipflow binary not found (SIPFLOW_BIN={b!r})")
    r = subprocess.run([b, cmd, "--format", "json", "-q", path], capture_output=True, text=True,
                       timeout=600)
    if r.returncode not in (0, 3):
        fail(f"sipflow {cmd} {path} exited {r.returncode}: {r.stderr[:500]}")
    return [json.loads(line) for line in r.stdout.splitlines() if line.strip()]


def sipflow_text(cmd, path):
    b = os.environ.get("SIPFLOW_BIN")
    r = subprocess.run([b, cmd, "-q", path], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, TZ="UTC"))
    if r.returncode not in (0, 3):
        fail(f"sipflow {cmd} {path} exited {r.returncode}: {r.stderr[:500]}")
    return r.stdout


def shared_dir():
    d = os.environ.get("SIPFLOW_SHARED")
    return d if d and os.path.isdir(os.path.join(d, "pcaps")) else None


EXCLUDED = {"volume-10k-calls.pcap"}


def captures():
    """Every capture of pcaps/ and the shared SIPp corpus (the volume one
    excepted: it adds minutes and no coverage)."""
    import glob

    src = os.environ.get("SIPFLOW_SOURCE") or os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    caps = sorted(glob.glob(os.path.join(src, "pcaps", "*.pcap*")))
    sd = shared_dir()
    if sd is None:
        skip("shared corpus not found (SIPFLOW_SHARED)")
    caps += sorted(glob.glob(os.path.join(sd, "pcaps", "sipp", "*.pcap")))
    return [c for c in caps if os.path.isfile(c) and os.path.basename(c) not in EXCLUDED]


def sipp_capture(name):
    sd = shared_dir()
    if sd is None:
        skip("shared corpus not found (SIPFLOW_SHARED)")
    p = os.path.join(sd, "pcaps", "sipp", name)
    if not os.path.isfile(p):
        skip(f"{p} missing")
    return p
