/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The packet path: capture record -> link layer -> IPv4/IPv6 (+ tunnels,
 * fragment reassembly) -> UDP datagram / TCP stream reassembly -> SIP
 * framing -> parsed SIP message. It owns the per-layer state (fragment
 * table, TCP streams, stream framers, the SIP parser) and hands every SIP
 * message, with its frames, time and addresses, to one sink. */
#ifndef SIPFLOW_PACKET_PATH_H
#define SIPFLOW_PACKET_PATH_H

#include "sipflow/anomaly.h"
#include "sipflow/capture.h"
#include "sipflow/hep_input.h"
#include "sipflow/msg_meta.h"
#include "sipflow/sctp.h"
#include "sipflow/sip_msg.h"
#include "sipflow/tcp_reassembly.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives every SIP message in capture order of its completing frame,
 * except SIP from HEP, which passes the HEP reorder window (HEP time order,
 * released up to the window later). meta and msg (and every slice in msg)
 * are valid only during the call. */
typedef struct sf_sip_sink {
    void (*message)(void *user, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg);
    void *user;
} sf_sip_sink_t;

typedef struct sf_packet_path_config {
    /* fragment reassembly (IPv4 and IPv6) */
    uint64_t frag_max_bytes;      /* pending fragment bytes, all datagrams (default 16 MiB) */
    uint32_t frag_max_datagrams;  /* pending datagrams (default 8192) */
    int64_t frag_timeout_ns;      /* capture time (default 30 s, as Linux ipfrag_time) */
    sf_tcp_config_t tcp;
    uint32_t sip_max_message;     /* stream framer buffer cap (default 256 KiB) */
    uint32_t max_tunnel_depth;    /* nested encapsulations (default 8) */
    sf_hep_config_t hep;          /* HEP decapsulation, reorder window (hep_input.h) */
} sf_packet_path_config_t;

void sf_packet_path_config_default(sf_packet_path_config_t *cfg);

typedef struct sf_packet_path_stats {
    uint64_t packets;
    uint64_t ipv4, ipv6;
    uint64_t non_ip;
    uint64_t tunnelled;
    uint64_t fragments;
    uint64_t reassembled;        /* datagrams completed from fragments */
    uint64_t frag_incomplete;    /* never completed */
    uint64_t frag_evicted;
    uint64_t frag_overlaps;
    uint64_t frag_pending_peak;  /* most fragment bytes held at once */
    uint64_t udp, tcp, icmp;
    uint64_t sip_messages;
    uint64_t sip_malformed;
    uint64_t sip_trailing_bytes; /* UDP bytes after the declared body */
    sf_tcp_stats_t tcp_stats;
    uint64_t sctp;               /* SCTP packets */
    sf_sctp_stats_t sctp_stats;
    sf_hep_stats_t hep;
} sf_packet_path_stats_t;

typedef struct sf_packet_path sf_packet_path_t;

sf_packet_path_t *sf_packet_path_create(const sf_packet_path_config_t *cfg,
                                        const sf_sip_sink_t *sink,
                                        const sf_anomaly_sink_t *anomalies);
void sf_packet_path_push(sf_packet_path_t *pp, const sf_packet_t *pkt);
/* End of capture: flushes TCP streams and framers and the HEP reorder
 * window, reports fragments that never completed. */
void sf_packet_path_finish(sf_packet_path_t *pp);
void sf_packet_path_get_stats(const sf_packet_path_t *pp, sf_packet_path_stats_t *st);
void sf_packet_path_destroy(sf_packet_path_t *pp);

#ifdef __cplusplus
}
#endif

#endif
