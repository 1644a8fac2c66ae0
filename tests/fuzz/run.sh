#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds and runs the libFuzzer harnesses (clang 14, ASan + UBSan).
#
#   tests/fuzz/run.sh SECONDS [HARNESS...]  build, then fuzz each harness for
#                                           SECONDS (FUZZ_JOBS at a time, default 1)
#   tests/fuzz/run.sh build                 build only
#   tests/fuzz/run.sh ci HARNESS            replay the committed corpus, the
#                                           regressions and the pcaps/ seeds
#                                           (-runs=0), then a 10 s smoke run
#
# Seeds come from tests/fuzz/corpus/<harness>/ (committed), regressions/
# (committed findings) and, built at run time by seeds.py (never committed),
# the project's pcaps/ and ${SIPFLOW_SHARED:-<repo>/../shared}/pcaps/.
# Everything built or found goes to ${SIPFLOW_FUZZ_OUT:-tests/fuzz/out}:
# crashes in out/artifacts/<harness>/ (minimise with -minimize_crash=1, fix,
# then add to regressions/<harness>/), logs in out/logs/.
# Without clang or its libFuzzer runtime: exit 77 (skip), a failure under CI=true.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
OUT=${SIPFLOW_FUZZ_OUT:-$HERE/out}
SHARED=${SIPFLOW_SHARED:-$SRC/../shared}
HARNESSES=(fuzz_sip_parser fuzz_sip_stream fuzz_packet_path fuzz_capture_file fuzz_engine fuzz_json
           fuzz_ws_stream fuzz_sctp fuzz_hep)
JOBS=${FUZZ_JOBS:-1}

max_len() {
    case $1 in
    fuzz_engine) echo 4096 ;;
    fuzz_packet_path | fuzz_capture_file) echo 65536 ;;
    *) echo 65536 ;;
    esac
}

skip() {
    echo "fuzz: $*" >&2
    if [ "${CI:-}" = true ]; then
        echo "fuzz: CI=true: a missing fuzz toolchain is a failure (install clang libclang-rt-14-dev)" >&2
        exit 1
    fi
    exit 77
}

build() {
    local cc=${FUZZ_CC:-}
    if [ -z "$cc" ]; then
        for c in clang-14 clang; do
            if command -v "$c" >/dev/null; then cc=$c && break; fi
        done
    fi
    [ -n "$cc" ] || skip "clang not found (Debian packages clang, libclang-rt-14-dev)"
    mkdir -p "$OUT"
    # the libFuzzer runtime is a separate package (libclang-rt-14-dev)
    if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}' |
        "$cc" -x c -fsanitize=fuzzer,address,undefined - -o "$OUT/.probe" 2>/dev/null; then
        skip "$cc cannot link -fsanitize=fuzzer (Debian package libclang-rt-14-dev)"
    fi
    rm -f "$OUT/.probe"
    local mk=(make --no-print-directory -s -f "$HERE/fuzz.mk" SRC="$SRC" OUT="$OUT" CC="$cc" -j2)
    if ! "${mk[@]}" -k objs; then
        # under CI every analyzer source must compile with clang too
        [ "${CI:-}" = true ] && return 1
        echo "fuzz: warning: some analyzer sources do not compile with $cc; building from the rest" >&2
    fi
    "${mk[@]}" PARTIAL=1 all
}

seeds() { # $1: shared dir ("" = project pcaps only) $2: out dir
    rm -rf "$2"
    /usr/bin/python3 "$HERE/seeds.py" "$2" "$SRC" "${1:-/nonexistent}"
}

dirs_of() { # committed seed dirs of harness $1 that exist
    local d
    for d in "$HERE/corpus/$1" "$HERE/regressions/$1"; do
        if [ -d "$d" ]; then echo "$d"; fi
    done
}

summary() { # $1 harness $2 log
    local execs cov ft rate
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$2" | tail -1 | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$2" | tail -1 | grep -o '[0-9]*$' || true)
    ft=$(grep -o 'ft: [0-9]*' "$2" | tail -1 | grep -o '[0-9]*$' || true)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$2" | tail -1 | grep -o '[0-9]*$' || true)
    printf '%-18s executions=%s cov=%s ft=%s exec/s=%s\n' "$1" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${rate:-?}"
}

fuzz_one() { # $1 harness $2 seconds
    local h=$1 work="$OUT/work/$1" art="$OUT/artifacts/$1/" log="$OUT/logs/$1.log" rc=0
    mkdir -p "$work" "$art" "$OUT/logs"
    local extra=()
    if [ -d "$SEEDS/$h" ]; then extra+=("$SEEDS/$h"); fi
    # shellcheck disable=SC2046
    "$OUT/$h" -max_total_time="$2" -timeout=25 -rss_limit_mb=2048 -max_len="$(max_len "$h")" \
        -dict="$HERE/sip.dict" -print_final_stats=1 -artifact_prefix="$art" \
        "$work" "${extra[@]}" $(dirs_of "$h") >"$log" 2>&1 || rc=$?
    summary "$h" "$log"
    if [ $rc -ne 0 ]; then
        echo "  FINDING (exit $rc): see $log and $art" >&2
        grep -m3 -E 'ERROR|SUMMARY|invariant' "$log" >&2 || true
    fi
    return $rc
}

ci_one() { # replay (-runs=0), then a smoke run on a temporary copy
    local h=$1 tmp rc=0
    [ -x "$OUT/$h" ] || build
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    seeds "" "$tmp/pcap-seeds"
    local replay=()
    mapfile -t replay < <(dirs_of "$h")
    [ -d "$tmp/pcap-seeds/$h" ] && replay+=("$tmp/pcap-seeds/$h")
    echo "fuzz: replaying ${replay[*]}"
    FUZZ_PRINT_REACH=1 "$OUT/$h" -runs=0 -timeout=25 -max_len="$(max_len "$h")" "${replay[@]}" \
        >"$tmp/replay.log" 2>&1 || rc=$?
    grep -E 'fuzz reach|INITED|DONE|ERROR|SUMMARY|invariant' "$tmp/replay.log" || true
    if [ $rc -ne 0 ]; then
        tail -40 "$tmp/replay.log"
        return 1
    fi
    mkdir -p "$tmp/smoke"
    for d in "${replay[@]}"; do cp -r "$d/." "$tmp/smoke/"; done
    "$OUT/$h" -max_total_time=8 -timeout=25 -max_len="$(max_len "$h")" -dict="$HERE/sip.dict" \
        -print_final_stats=1 -artifact_prefix="$tmp/" "$tmp/smoke" >"$tmp/smoke.log" 2>&1 || rc=$?
    summary "$h (smoke)" "$tmp/smoke.log"
    if [ $rc -ne 0 ]; then
        tail -60 "$tmp/smoke.log"
        ls "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* 2>/dev/null || true
        return 1
    fi
}

case ${1:-} in
build) build ;;
ci)
    [ $# -eq 2 ] || { echo "usage: $0 ci HARNESS" >&2; exit 2; }
    ci_one "$2"
    ;;
'' | -h | --help)
    sed -n '3,20p' "$0"
    exit 2
    ;;
*)
    secs=$1
    shift
    [ $# -gt 0 ] && HARNESSES=("$@")
    build
    # seeds per invocation: two run.sh may fuzz side by side
    SEEDS="$OUT/seeds.$$"
    trap 'rm -rf "$SEEDS"' EXIT
    seeds "$SHARED" "$SEEDS"
    fail=0
    running=0
    for h in "${HARNESSES[@]}"; do
        fuzz_one "$h" "$secs" &
        running=$((running + 1))
        if [ "$running" -ge "$JOBS" ]; then
            wait -n || fail=1
            running=$((running - 1))
        fi
    done
    while [ "$running" -gt 0 ]; do
        wait -n || fail=1
        running=$((running - 1))
    done
    exit $fail
    ;;
esac
