/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP decapsulation for the packet path: one HEP packet (a UDP datagram, or
 * a packet framed from a TCP stream by hep_stream.h) in, the encapsulated
 * SIP payload out, through the reorder window (hep_reorder.h), with the
 * ORIGINAL addresses, ports, transport (UDP/TCP/SCTP from the HEP IP
 * protocol) and time from the HEP chunks; file and frame numbers stay the
 * HEP packet's. Compressed payloads are inflated (bounded). Payloads that
 * are not SIP (payload type != 1: RTCP, logs, ...) and keep-alives without
 * payload are counted and skipped; a defective packet is counted and
 * reported (SF_ANOM_HEP_MALFORMED). */
#ifndef SIPFLOW_HEP_INPUT_H
#define SIPFLOW_HEP_INPUT_H

#include "sipflow/anomaly.h"
#include "sipflow/hep_reorder.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_hep_config {
    sf_hep_window_config_t window;
    uint32_t max_inflate; /* inflated payload cap (default 256 KiB) */
} sf_hep_config_t;

void sf_hep_config_default(sf_hep_config_t *cfg);

typedef struct sf_hep_stats {
    uint64_t packets;    /* HEP packets decoded or rejected */
    uint64_t v2, v3;     /* by version (v1 counted with v2) */
    uint64_t sip;        /* SIP payloads passed on */
    uint64_t non_sip;    /* payload type not SIP: skipped */
    uint64_t no_payload; /* keep-alives and packets without a payload chunk */
    uint64_t compressed; /* payloads inflated */
    uint64_t malformed;  /* packets rejected (reported) */
    uint64_t unknown_chunks;
    uint64_t tcp_streams;    /* TCP stream directions framed as HEP */
    uint64_t stream_skipped; /* stream bytes skipped hunting for a magic */
    sf_hep_window_stats_t window;
} sf_hep_stats_t;

typedef struct sf_hep_input sf_hep_input_t;

/* sip receives each SIP payload with its inner metadata (ts = HEP time). */
sf_hep_input_t *sf_hep_input_create(const sf_hep_config_t *cfg, const sf_hep_release_sink_t *sip,
                                    const sf_anomaly_sink_t *anomalies);
/* One HEP packet. outer: the carrying datagram's (or stream's) metadata:
 * file, frames, capture time; its addresses are used only when the HEP
 * packet names none. */
void sf_hep_input_packet(sf_hep_input_t *in, const sf_msg_meta_t *outer, const uint8_t *p,
                         uint32_t len);
/* Releases what the reorder window holds (end of capture). */
void sf_hep_input_finish(sf_hep_input_t *in);
/* Stream bookkeeping for the statistics (hep_stream.h users). */
void sf_hep_input_count_stream(sf_hep_input_t *in, uint64_t skipped_bytes);
void sf_hep_input_get_stats(const sf_hep_input_t *in, sf_hep_stats_t *st);
void sf_hep_input_destroy(sf_hep_input_t *in);

#ifdef __cplusplus
}
#endif

#endif
