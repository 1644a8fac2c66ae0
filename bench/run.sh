#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh - throughput benchmark: sipflow against a bare libpcap loop and tshark.
#
# 1. builds the big capture if it is missing (make-big-capture.py: the shared
#    volume-10k-calls.pcap repeated with unique Call-IDs; every packet is one
#    SIP message over UDP, so packets/s = SIP messages/s),
# 2. compiles bench/bare_loop.c with cc -O2 (no CMake needed),
# 3. measures, in this one run, on the same file (page cache warm):
#      bare loop  : pcap_next_ex only (best of 3)       = the ceiling
#      sipflow    : "$SIPFLOW" messages --format none FILE (best of 2)
#      tshark     : tshark -r SLICE -Y sip -T fields -e frame.number, on the
#                   first --slice-packets packets (editcap), scaled to the file
#    wall time by clock, peak RSS by /usr/bin/time -v.  On this capture
#    tshark gets slower per packet as it goes (measured on a busy 2-CPU
#    machine: 10k packets 8.6 s,
#    20k 29 s, 50k 126 s; about half of it goes away with
#    --disable-protocol sdp: every call offers the same SDP media address),
#    so the linearly scaled tshark time is a lower bound; tshark is killed
#    after --tshark-timeout s (default 1800),
# 4. prints a table with the ratios and writes bench/RESULTS.md.
#
# Usage: bench/run.sh [--size-mb MB] [--sipflow PATH] [--slice-packets N]
#                     [--no-tshark] [--tshark-timeout S] [--results PATH]
#   --size-mb 1024 (default) uses bench/work/big.pcap; another size uses
#   bench/work/big-<MB>mb.pcap.  SIPFLOW=PATH works like --sipflow; without
#   either, build/sipflow and then sipflow on PATH are tried.  A sipflow that
#   is missing or fails is reported in the table and the run goes on.
# Needs: python3 (/usr/bin/python3), cc, libpcap-dev, tshark + editcap,
#        /usr/bin/time, and $SIPFLOW_SHARED (default /work/shared).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
WORK=$HERE/work
SIZE_MB=1024
SLICE=200000
TS_TIMEOUT=1800
DO_TSHARK=1
RESULTS=$HERE/RESULTS.md
SIPFLOW=${SIPFLOW:-}

while [ $# -gt 0 ]; do
    case $1 in
    --size-mb) SIZE_MB=$2; shift 2 ;;
    --sipflow) SIPFLOW=$2; shift 2 ;;
    --slice-packets) SLICE=$2; shift 2 ;;
    --no-tshark) DO_TSHARK=0; shift ;;
    --tshark-timeout) TS_TIMEOUT=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ $SIZE_MB =~ ^[0-9]+$ ]] || { echo "--size-mb wants whole MB" >&2; exit 2; }
[[ $SLICE =~ ^[0-9]+$ ]] || { echo "--slice-packets wants a number" >&2; exit 2; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
mkdir -p "$WORK"
if [ "$SIZE_MB" = 1024 ]; then BIG=$WORK/big.pcap; else BIG=$WORK/big-${SIZE_MB}mb.pcap; fi

# ---------------------------------------------------------------- inputs
if [ ! -s "$BIG" ]; then
    log "building $BIG ($SIZE_MB MB)"
    /usr/bin/python3 "$HERE/make-big-capture.py" --size-mb "$SIZE_MB" "$BIG"
fi
log "compiling bare_loop"
read -r -a PCAP_FLAGS <<<"$(pkg-config --cflags --libs libpcap)"
cc -O2 -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wshadow -Wstrict-prototypes -Wvla -o "$WORK/bare_loop" \
    "$HERE/bare_loop.c" "${PCAP_FLAGS[@]}"

FILE_BYTES=$(stat -c %s "$BIG")
cat "$BIG" >/dev/null # warm the page cache: every tool reads from memory

now_ns() { date +%s%N; }
# rss_kb LOGFILE : peak RSS from /usr/bin/time -v output
rss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# ---------------------------------------------------------------- bare loop
log "bare loop (best of 3)"
BARE_S='' BARE_LINE='' BARE_RSS=''
for _ in 1 2 3; do
    line=$(/usr/bin/time -v -o "$WORK/time-bare.txt" "$WORK/bare_loop" "$BIG")
    s=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$line")
    if [ -z "$BARE_S" ] || awk -v a="$s" -v b="$BARE_S" 'BEGIN{exit !(a<b)}'; then
        BARE_S=$s BARE_LINE=$line BARE_RSS=$(rss_kb "$WORK/time-bare.txt")
    fi
done
PACKETS=$(sed -n 's/.* packets=\([0-9]*\).*/\1/p' <<<"$BARE_LINE")
log "  $BARE_LINE"

# ---------------------------------------------------------------- sipflow
if [ -z "$SIPFLOW" ]; then
    if [ -x "$ROOT/build/sipflow" ]; then SIPFLOW=$ROOT/build/sipflow
    elif command -v sipflow >/dev/null; then SIPFLOW=$(command -v sipflow); fi
fi
SF_S='' SF_RSS='' SF_NOTE=''
if [ -z "$SIPFLOW" ] || [ ! -x "$SIPFLOW" ]; then
    SF_NOTE="not measured: no sipflow binary (give --sipflow PATH or SIPFLOW=PATH)"
else
    log "sipflow: $SIPFLOW messages --format none (best of 2)"
    for _ in 1 2; do
        t0=$(now_ns)
        rc=0
        /usr/bin/time -v -o "$WORK/time-sipflow.txt" "$SIPFLOW" messages --format none "$BIG" \
            >"$WORK/sipflow.out" 2>"$WORK/sipflow.err" || rc=$?
        if [ $rc -ne 0 ]; then
            SF_NOTE="not measured: '$SIPFLOW messages --format none FILE' exited with status $rc; stderr: $(head -c 200 "$WORK/sipflow.err" | tr '\n' ' ')"
            SF_S=
            break
        fi
        s=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN{printf "%.3f", (b-a)/1e9}')
        if [ -z "$SF_S" ] || awk -v a="$s" -v b="$SF_S" 'BEGIN{exit !(a<b)}'; then
            SF_S=$s SF_RSS=$(rss_kb "$WORK/time-sipflow.txt")
        fi
    done
    if [ -n "$SF_S" ] && [ -s "$WORK/sipflow.out" ]; then
        SF_NOTE="note: printed $(stat -c %s "$WORK/sipflow.out") bytes although --format none"
    fi
fi
[ -z "$SF_NOTE" ] || log "  sipflow $SF_NOTE"

# ---------------------------------------------------------------- tshark
TS_S='' TS_RSS='' TS_PACKETS=0 TS_NOTE='' TS_BYTES=0
if [ "$DO_TSHARK" = 1 ]; then
    [ "$SLICE" -le "$PACKETS" ] || SLICE=$PACKETS
    editcap -r "$BIG" "$WORK/slice.pcap" "1-$SLICE"
    TS_PACKETS=$SLICE
    TS_BYTES=$(stat -c %s "$WORK/slice.pcap")
    log "tshark on the first $SLICE packets ($TS_BYTES bytes)"
    t0=$(now_ns)
    rc=0
    timeout "$TS_TIMEOUT" /usr/bin/time -v -o "$WORK/time-tshark.txt" tshark -r "$WORK/slice.pcap" \
        -Y sip -T fields -e frame.number >/dev/null 2>"$WORK/tshark.err" || rc=$?
    TS_S=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN{printf "%.3f", (b-a)/1e9}')
    TS_RSS=$(rss_kb "$WORK/time-tshark.txt")
    if [ $rc -eq 124 ]; then
        TS_NOTE="did NOT finish $SLICE packets within ${TS_TIMEOUT} s (killed): its real rate is below the one shown"
    elif [ $rc -ne 0 ]; then
        TS_NOTE="exited with status $rc (see $WORK/tshark.err); figures unreliable"
    else
        TS_NOTE="measured on the first $SLICE packets, time scaled linearly to the whole file"
    fi
    # tshark is slower per packet the longer it runs on this capture (see
    # the header), so linear scaling flatters it.
    TS_NOTE="$TS_NOTE; tshark slows down per packet as the slice grows on this capture, so the scaled time is a lower bound"
else
    TS_NOTE="not measured (--no-tshark)"
fi

# ---------------------------------------------------------------- layers
# sipflow_bench (built beside the sipflow binary, bench/sipflow_bench) times
# the packet path alone (capture -> parsed SIP) and the path plus the flow
# engine with a statistics sink, with no output formatting; tshark -z
# sip,stat on the slice is the engine's reference.
LAYERS='' ZS_NOTE=''
BENCH_BIN=${SIPFLOW_BENCH:-$(dirname "${SIPFLOW:-/nonexistent}")/bench/sipflow_bench}
if [ -x "$BENCH_BIN" ]; then
    for mode in path engine; do
        best=''
        for _ in 1 2 3; do
            row=$("$BENCH_BIN" "$mode" "$BIG") || { best="| sipflow_bench $mode | failed |"; break; }
            s=$(echo "$row" | awk -F'|' '{gsub(/ /, "", $3); print $3}')
            if [ -z "$best" ] || awk -v a="$s" -v b="$(echo "$best" | awk -F'|' '{gsub(/ /, "", $3); print $3}')" 'BEGIN{exit !(a < b)}'; then best=$row; fi
        done
        LAYERS="$LAYERS$best"$'\n'
        log "  $best"
    done
else
    LAYERS="| sipflow_bench | not built ($BENCH_BIN) |"$'\n'
fi
# each layer's rate against the bare loop's packet rate, measured above
LAYER_RATIOS=$(printf '%s' "$LAYERS" | awk -F'|' -v pk="$PACKETS" -v bs="$BARE_S" '
    $4 ~ /[0-9]/ { name = $2; gsub(/^ +| +$/, "", name); rate = $4 + 0
                   printf "- %s: %.2f M messages/s = %.1f%% of the bare loop'"'"'s %.2f M packets/s\n", name, rate / 1e6, 100 * rate / (pk / bs), pk / bs / 1e6 }')
# The same ratio from back-to-back pairs: this shared machine has slow and
# fast phases lasting seconds to minutes, and a bare loop timed in a fast
# phase against a path timed in a slow one (or the reverse) moves the
# ratio by 10 points or more. Each pair is the bare loop then the path,
# run right after each other; the median pair is the figure.
PAIRS=''
if [ -x "$BENCH_BIN" ]; then
    for _ in 1 2 3 4 5; do
        b=$("$WORK/bare_loop" "$BIG" | sed -n 's/.* seconds=\([0-9.]*\).*/\1/p')
        p=$("$BENCH_BIN" path "$BIG" | awk -F'|' '{gsub(/ /, "", $4); print $4}') || p=''
        [ -n "$b" ] && [ -n "$p" ] && PAIRS="$PAIRS $(awk -v pk="$PACKETS" -v b="$b" -v p="$p" 'BEGIN{printf "%.1f", 100 * p / (pk / b)}')"
    done
    log "  path / bare loop, back-to-back pairs (%):$PAIRS"
fi
PAIR_NOTE=$(echo "$PAIRS" | tr ' ' '\n' | grep . | sort -n | awk '{v[NR] = $1} END {
    if (NR) { printf "- path / bare loop in %d back-to-back pairs: median %.1f%% (each pair: ", NR, v[int((NR + 1) / 2)]
              for (i = 1; i <= NR; i++) printf "%s%s%%", (i > 1 ? ", " : ""), v[i]; print ", sorted)" } }')
# Peak RSS of the engine as the capture grows at its steady call rate
# (issue 3: flat): the first eighth, quarter and half of the file, and all.
RSS_NOTE=''
if [ -x "$BENCH_BIN" ]; then
    for div in 8 4 2 1; do
        n=$((PACKETS / div))
        r=$("$BENCH_BIN" engine "$BIG" "$n" | awk -F'|' '{gsub(/ /, "", $6); print $6}') || r=''
        [ -n "$r" ] && RSS_NOTE="$RSS_NOTE${RSS_NOTE:+, }$r MB after $n packets"
    done
    log "  engine peak RSS by capture length: $RSS_NOTE"
fi
if [ "$DO_TSHARK" = 1 ] && [ -f "$WORK/slice.pcap" ]; then
    t0=$(now_ns)
    timeout "$TS_TIMEOUT" tshark -r "$WORK/slice.pcap" -q -z sip,stat >/dev/null 2>&1 || true
    ZS_S=$(awk -v a="$t0" -v b="$(now_ns)" 'BEGIN{printf "%.3f", (b-a)/1e9}')
    ZS_NOTE=$(awk -v n="$TS_PACKETS" -v s="$ZS_S" 'BEGIN{printf "tshark -q -z sip,stat on the same %d-packet slice: %.2f s, %.0f messages/s", n, s, n / s}')
fi

# ---------------------------------------------------------------- report
TABLE=$(awk -v pk="$PACKETS" -v fb="$FILE_BYTES" \
    -v bs="$BARE_S" -v brss="$BARE_RSS" \
    -v ss="$SF_S" -v srss="$SF_RSS" -v snote="$SF_NOTE" \
    -v ts="$TS_S" -v trss="$TS_RSS" -v tpk="$TS_PACKETS" -v tb="$TS_BYTES" -v tnote="$TS_NOTE" '
function row(name, secs, pps, mbps, rss, rel) {
    printf "| %-22s | %10.2f | %12.0f | %9.1f | %8.1f | %12s |\n", name, secs, pps, mbps, rss / 1024, rel
}
BEGIN {
    print "| tool                   | wall s (file) | packets/s | MB/s | peak RSS MB | speed vs bare |"
    print "|---|---:|---:|---:|---:|---:|"
    bpps = pk / bs
    row("bare libpcap loop", bs, bpps, fb / 1e6 / bs, brss, "1")
    if (ss != "") {
        spps = pk / ss
        row("sipflow messages", ss, spps, fb / 1e6 / ss, srss, sprintf("%.3f", spps / bpps))
    } else printf "| %-22s | %s |  |  |  |  |\n", "sipflow messages", snote
    if (ts != "") {
        tpps = tpk / ts
        row("tshark -Y sip (scaled)", pk / tpps, tpps, tb / 1e6 / ts, trss, sprintf("%.5f", tpps / bpps))
    } else printf "| %-22s | %s |  |  |  |  |\n", "tshark", tnote
    print ""
    if (ss != "" && ts != "") printf "sipflow is %.1fx as fast as tshark (packets/s; every packet is one SIP message).\n", spps / tpps
    if (ss != "") printf "sipflow: %.2f M SIP messages/s (target >= 1 M/s on one core).\n", spps / 1e6
    if (ss != "" && snote != "") printf "sipflow %s\n", snote
    if (ts != "") printf "tshark %s.\n", tnote
}')

CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
{
    echo "# sipflow throughput benchmark"
    echo
    echo "Generated by \`bench/run.sh --size-mb $SIZE_MB\` on $(date -u +%Y-%m-%dT%H:%M:%SZ)."
    echo
    echo "- Machine: $(nproc) CPUs, ${CPU:-unknown CPU}, $(awk '/MemTotal/ {printf "%.1f GB RAM", $2/1048576}' /proc/meminfo), Linux $(uname -r); load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg) (other jobs on the machine slow every figure down)"
    echo "- Input: $(basename "$BIG"), $FILE_BYTES bytes, $PACKETS packets (UDP/IPv4, one SIP message each), built by make-big-capture.py from volume-10k-calls.pcap; read from the page cache"
    echo "- Tools: $(tshark -v 2>/dev/null | head -1); libpcap $(pkg-config --modversion libpcap); sipflow: ${SIPFLOW:-none}"
    echo "- Wall time by clock (best of 3 for the bare loop, best of 2 for sipflow, 1 run of tshark), peak RSS by /usr/bin/time -v; MB = 10^6 bytes of the pcap file"
    echo
    echo "$TABLE"
    echo
    echo "## Per layer (same run; best of 3; no output formatting)"
    echo
    echo "| layer | seconds | SIP messages/s | MB/s | peak RSS MB | input |"
    echo "|---|---:|---:|---:|---:|---|"
    printf '%s' "$LAYERS"
    echo
    [ -z "$LAYER_RATIOS" ] || echo "$LAYER_RATIOS"
    [ -z "$PAIR_NOTE" ] || echo "$PAIR_NOTE"
    [ -z "$RSS_NOTE" ] || echo "- engine peak RSS as the capture grows (the first eighth, quarter, half, all): $RSS_NOTE"
    echo
    echo "- path = capture -> link -> IP/defrag -> UDP/TCP -> framing -> parsed SIP message (issue target: >= 50% of the bare loop's packet rate, RSS <= 64 MB); sipflow reads classic pcap with its own reader (records in place from large reads), the bare loop with libpcap"
    echo "- engine = path + transactions, dialogs, calls, registrations and the statistics sink, what \`sipflow stats\` runs (target: >= 1 M messages/s, RSS <= 64 MB)"
    [ -z "$ZS_NOTE" ] || echo "- $ZS_NOTE"
    echo
    echo "Commands: \`bench/work/bare_loop FILE\`; \`\$SIPFLOW messages --format none FILE\`; \`editcap -r FILE slice.pcap 1-$SLICE\` then \`tshark -r slice.pcap -Y sip -T fields -e frame.number > /dev/null\`."
} >"$RESULTS"
echo
echo "$TABLE"
log "wrote $RESULTS"
