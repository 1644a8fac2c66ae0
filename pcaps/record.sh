#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# record.sh - re-record sipflow's own small test captures with SIPp.
#
# Every capture is real SIP traffic between two SIPp instances through the
# Linux network stack.  Each capture gets two fresh network namespaces of
# this script's own, joined by a veth pair with a 1500-byte MTU:
#
#     sfpcap-a: sfpc0 10.213.0.1/24 fd00:5f::1/64   (caller, UAC; capture here)
#     sfpcap-b: sfpc1 10.213.0.2/24 fd00:5f::2/64   (callee, UAS)
#
# No other address is ever used: nothing leaves the namespaces, and the
# capture (dumpcap in sfpcap-a, classic pcap, with a capture filter) sees
# only this traffic.  Segmentation offload is switched off on the veth
# (gso_max_size 1500) so TCP segments are captured at wire size.
#
# Usage:  sudo pcaps/record.sh                    # every capture
#         sudo pcaps/record.sh udp-busy-486 ...   # just these
#         KEEP_WORK=1 sudo pcaps/record.sh ...    # keep SIPp/dumpcap logs
# Needs:  root, sipp (Debian: sip-tester), dumpcap and tshark (Debian:
#         tshark), ip (iproute2), python3.
# Output: pcaps/<name>.pcap, then pcaps/ground-truth.json is rebuilt by
#         make-ground-truth.py, which also checks every capture against the
#         ladder it was built to contain (exit status 1 on a mismatch).
# Each capture takes 2-4 s.  Every process this script starts and both
# namespaces are removed on exit (trap), also on Ctrl-C or an error.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SC=$HERE/scenarios
OUT=${OUT:-$HERE}
WORK=$(mktemp -d -t sipflow-pcaps.XXXXXX)
# overridable, so two recordings on one machine do not share namespaces
NS_A=${SF_NS_A:-sfpcap-a}
NS_B=${SF_NS_B:-sfpcap-b}
IF_A=${SF_IF_A:-sfpc0}
IF_B=${SF_IF_B:-sfpc1}
A4=10.213.0.1
B4=10.213.0.2
A6=fd00:5f::1
B6=fd00:5f::2
PIDS=() # background processes started here, stopped by cleanup()

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

ns_down() {
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
}

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    ns_down
    if [ -n "${KEEP_WORK:-}" ]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

forget() { # forget PID: it has been waited for
    local p keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]+"${keep[@]}"}")
}

# ns_up [ADVMSS] : fresh namespaces + veth pair.  With ADVMSS, sfpcap-a
# advertises that MSS to its peer (route advmss), so the callee's TCP
# segments are at most ADVMSS bytes of payload.
ns_up() {
    local advmss=${1:-}
    ns_down
    ip netns add "$NS_A"
    ip netns add "$NS_B"
    ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B"
    ip -n "$NS_A" addr add "$A4/24" dev "$IF_A"
    ip -n "$NS_B" addr add "$B4/24" dev "$IF_B"
    # nodad: usable at once, and no DAD probes to wait for
    ip -n "$NS_A" -6 addr add "$A6/64" dev "$IF_A" nodad
    ip -n "$NS_B" -6 addr add "$B6/64" dev "$IF_B" nodad
    local ns dev
    for ns in "$NS_A" "$NS_B"; do
        if [ "$ns" = "$NS_A" ]; then dev=$IF_A; else dev=$IF_B; fi
        ip -n "$ns" link set lo up
        ip -n "$ns" link set "$dev" mtu 1500 gso_max_segs 1 gso_max_size 1500
        ip -n "$ns" link set "$dev" up
    done
    if [ -n "$advmss" ]; then
        ip -n "$NS_A" route replace 10.213.0.0/24 dev "$IF_A" src "$A4" advmss "$advmss"
    fi
    sleep 0.3
}

# cap_start NAME FILTER [NS IF] : dumpcap on sfpc0 inside sfpcap-a (or on
# IF inside NS), classic pcap (-P)
cap_start() {
    local name=$1 filter=$2 ns=${3:-$NS_A} ifc=${4:-$IF_A}
    ip netns exec "$ns" dumpcap -q -i "$ifc" -f "$filter" -P -w "$WORK/$name.pcap" \
        >"$WORK/dumpcap-$name.log" 2>&1 &
    CAP_PID=$!
    PIDS+=("$CAP_PID")
    local i=0
    until grep -q "Capturing on" "$WORK/dumpcap-$name.log" 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
        if [ $i -gt 100 ] || ! kill -0 "$CAP_PID" 2>/dev/null; then
            cat "$WORK/dumpcap-$name.log" >&2
            return 1
        fi
    done
    sleep 0.3
}

# cap_stop NAME : SIGINT makes dumpcap flush and close the file
cap_stop() {
    local name=$1
    sleep 0.3
    kill -INT "$CAP_PID" 2>/dev/null || true
    wait "$CAP_PID" 2>/dev/null || true
    forget "$CAP_PID"
    install -m 644 "$WORK/$name.pcap" "$OUT/$name.pcap"
    log "  -> $OUT/$name.pcap ($(stat -c %s "$OUT/$name.pcap") bytes)"
}

SIPP=(sipp -nostdin -trace_err -timeout 10s -timeout_error)

# sipp_pair NAME UAS_ARGS... -- UAC_ARGS... : callee in sfpcap-b (background),
# caller in sfpcap-a; both are bounded by -timeout and by timeout(1).
sipp_pair() {
    local name=$1
    shift
    local uas=() uac=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do
        uas+=("$1")
        shift
    done
    shift
    uac=("$@")
    (cd "$WORK" && exec ip netns exec "$NS_B" timeout 15 "${SIPP[@]}" "${uas[@]}") \
        >"$WORK/$name-uas.log" 2>&1 &
    local uas_pid=$!
    PIDS+=("$uas_pid")
    sleep 0.5
    (cd "$WORK" && exec ip netns exec "$NS_A" timeout 15 "${SIPP[@]}" "${uac[@]}") \
        >"$WORK/$name-uac.log" 2>&1 &
    local uac_pid=$! rc=0
    PIDS+=("$uac_pid")
    wait "$uac_pid" || rc=$?
    forget "$uac_pid"
    local uas_rc=0
    wait "$uas_pid" || uas_rc=$?
    forget "$uas_pid"
    # The callee's status is only reported: over TCP it counts the call as
    # failed when the caller closes the connection during its timewait.
    # make-ground-truth.py checks what was really captured.
    [ $uas_rc -eq 0 ] || log "  note: SIPp callee exit status $uas_rc"
    if [ $rc -ne 0 ]; then
        log "  SIPp caller failed (status $rc); logs kept in $WORK"
        KEEP_WORK=1
        return 1
    fi
}

# ---------------------------------------------------------------- captures
UAS4=(-i "$B4" -p 5060 -bind_local)
UAC4=("$B4:5060" -i "$A4" -p 5061 -bind_local)
F4="host $A4 and host $B4"

rec_udp_basic_call() {
    ns_up
    cap_start udp-basic-call "udp and $F4"
    sipp_pair udp-basic-call -sf "$SC/uas-call.xml" "${UAS4[@]}" -m 1 -- \
        -sf "$SC/uac-call.xml" -s alice "${UAC4[@]}" -m 1 -d 200
    cap_stop udp-basic-call
}

rec_tcp_basic_call() {
    ns_up
    cap_start tcp-basic-call "tcp and $F4"
    sipp_pair tcp-basic-call -sf "$SC/uas-call.xml" -t t1 "${UAS4[@]}" -m 1 -- \
        -sf "$SC/uac-call.xml" -s alice -t t1 "${UAC4[@]}" -m 1 -d 200
    cap_stop tcp-basic-call
}

rec_udp_fragmented() {
    ns_up
    # "ip" (not "udp"): non-first fragments carry no UDP header
    cap_start udp-fragmented "ip and $F4"
    sipp_pair udp-fragmented -sf "$SC/uas-call.xml" "${UAS4[@]}" -m 1 -- \
        -sf "$SC/uac-big.xml" -s alice "${UAC4[@]}" -m 1 -d 200
    cap_stop udp-fragmented
}

rec_ipv6_basic_call() {
    ns_up
    cap_start ipv6-basic-call "ip6 and udp and host $A6 and host $B6"
    sipp_pair ipv6-basic-call -sf "$SC/uas-call.xml" -i "$B6" -p 5060 -bind_local -m 1 -- \
        -sf "$SC/uac-call.xml" -s alice "[$B6]:5060" -i "$A6" -p 5061 -bind_local -m 1 -d 200
    cap_stop ipv6-basic-call
}

rec_udp_busy_486() {
    ns_up
    cap_start udp-busy-486 "udp and $F4"
    sipp_pair udp-busy-486 -sf "$SC/uas-busy.xml" "${UAS4[@]}" -m 1 -- \
        -sf "$SC/uac-busy.xml" -s bob "${UAC4[@]}" -m 1
    cap_stop udp-busy-486
}

rec_udp_cancel_487() {
    ns_up
    cap_start udp-cancel-487 "udp and $F4"
    sipp_pair udp-cancel-487 -sf "$SC/uas-cancel.xml" "${UAS4[@]}" -m 1 -- \
        -sf "$SC/uac-cancel.xml" -s carol "${UAC4[@]}" -m 1
    cap_stop udp-cancel-487
}

rec_tcp_multi() {
    # 3 calls, one TCP connection.  The callee writes 100+180+200 with one
    # send() (uas-coalesce.xml) and may send at most 700 bytes per segment
    # (advmss), so one segment carries the 100, the 180 and the head of the
    # 200, the next one the 200's tail; the caller's 3.3 kB INVITEs span 3.
    ns_up 700
    cap_start tcp-multi "tcp and $F4"
    sipp_pair tcp-multi -sf "$SC/uas-coalesce.xml" -t t1 "${UAS4[@]}" -m 3 -- \
        -sf "$SC/uac-big.xml" -s alice -t t1 "${UAC4[@]}" -m 3 -r 5 -d 100
    cap_stop tcp-multi
}

rec_udp_two_points() {
    # One call seen at two capture points: both ends of the veth (sfpc0 in
    # sfpcap-a -> udp-two-points-a, sfpc1 in sfpcap-b -> udp-two-points-b),
    # so each point sees every message.  The caller acknowledges the 200 OK
    # 700 ms late (uac-slow-ack.xml): the callee retransmits it once, a real
    # retransmission at both points.  Merged, sipflow must show one call
    # whose every message is seen twice, and that one retransmission.
    ns_up
    cap_start udp-two-points-a "udp and $F4"
    local pid_a=$CAP_PID
    cap_start udp-two-points-b "udp and $F4" "$NS_B" "$IF_B"
    sipp_pair udp-two-points -sf "$SC/uas-call.xml" "${UAS4[@]}" -m 1 -- \
        -sf "$SC/uac-slow-ack.xml" -s dave "${UAC4[@]}" -m 1
    cap_stop udp-two-points-b
    CAP_PID=$pid_a
    cap_stop udp-two-points-a
}

ALL=(udp-basic-call tcp-basic-call udp-fragmented ipv6-basic-call
    udp-busy-486 udp-cancel-487 tcp-multi udp-two-points)

[ "$(id -u)" = 0 ] || {
    log "run as root (network namespaces, packet capture)"
    exit 1
}
for t in sipp dumpcap tshark ip /usr/bin/python3; do
    command -v "$t" >/dev/null || {
        log "missing tool: $t"
        exit 1
    }
done
SELECTED=("$@")
[ ${#SELECTED[@]} -gt 0 ] || SELECTED=("${ALL[@]}")
for c in "${SELECTED[@]}"; do
    [[ " ${ALL[*]} " == *" $c "* ]] || {
        log "unknown capture '$c'; known: ${ALL[*]}"
        exit 2
    }
done
for c in "${SELECTED[@]}"; do
    log "recording $c"
    "rec_${c//-/_}"
done
ns_down
log "checking captures and writing ground-truth.json"
/usr/bin/python3 "$HERE/make-ground-truth.py" "$OUT"
