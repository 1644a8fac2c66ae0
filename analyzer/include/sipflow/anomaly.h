/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Anomalies: malformed or incomplete input becomes data, never a silent drop
 * and never a crash. Every layer reports through an sf_anomaly_sink_t; the
 * kinds form a closed, documented list (docs/anomalies.md). Adding a kind
 * means adding it here, to sf_anomaly_kind_name() and to the doc. */
#ifndef SIPFLOW_ANOMALY_H
#define SIPFLOW_ANOMALY_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_layer {
    SF_LAYER_CAPTURE = 0, /* file format, records */
    SF_LAYER_LINK,        /* link layers and tunnels */
    SF_LAYER_IP,          /* IPv4/IPv6 and fragment reassembly */
    SF_LAYER_UDP,
    SF_LAYER_TCP,
    SF_LAYER_SCTP,        /* SCTP chunks and user-message reassembly */
    SF_LAYER_HEP,         /* HEP encapsulation (Homer) */
    SF_LAYER_SIP,
    SF_LAYER_COUNT
} sf_layer_t;

typedef enum sf_anomaly_kind {
    /* capture */
    SF_ANOM_FILE_UNREADABLE = 0, /* cannot open / not a capture file */
    SF_ANOM_FILE_TRUNCATED,      /* file ends inside a record or block */
    SF_ANOM_FILE_CORRUPT,        /* a block/record header makes no sense */
    SF_ANOM_RECORD_INVALID,      /* caplen > snaplen or caplen > len */
    SF_ANOM_LINKTYPE_UNSUPPORTED,
    /* link */
    SF_ANOM_LINK_TRUNCATED,   /* frame shorter than its link/tunnel headers */
    SF_ANOM_LINK_MALFORMED,   /* header fields that cannot be right */
    SF_ANOM_TUNNEL_TOO_DEEP,  /* encapsulation nesting over the bound */
    /* ip */
    SF_ANOM_IP_MALFORMED,     /* bad version/IHL/length, bad ext header chain */
    SF_ANOM_IP_TRUNCATED,     /* captured bytes shorter than the IP length (snaplen) */
    SF_ANOM_FRAG_OVERLAP,     /* overlapping fragment (policy applied, see doc) */
    SF_ANOM_FRAG_INCOMPLETE,  /* datagram never completed (timeout / end of capture) */
    SF_ANOM_FRAG_EVICTED,     /* pending datagram dropped at the memory cap */
    SF_ANOM_FRAG_TOO_BIG,     /* reassembled size over 65535 */
    /* udp / tcp */
    SF_ANOM_UDP_MALFORMED,
    SF_ANOM_TCP_MALFORMED,
    SF_ANOM_TCP_GAP,          /* bytes missing from a stream (lost segments) */
    SF_ANOM_TCP_CONFLICT,     /* retransmitted bytes differ from the first copy */
    SF_ANOM_TCP_EVICTED,      /* stream state dropped at a cap */
    SF_ANOM_TCP_BUFFER_FULL,  /* out-of-order data over the per-stream cap */
    /* sctp (RFC 9260, RFC 4168) */
    SF_ANOM_SCTP_MALFORMED,   /* bad common header, chunk length or DATA chunk */
    SF_ANOM_SCTP_INCOMPLETE,  /* user message never completed (idle, ABORT, end) */
    SF_ANOM_SCTP_EVICTED,     /* fragments dropped at a reassembly cap */
    SF_ANOM_SCTP_CONFLICT,    /* retransmitted DATA with different bytes */
    /* hep */
    SF_ANOM_HEP_MALFORMED,    /* bad HEP header/chunk/length, payload that does not inflate */
    SF_ANOM_HEP_LATE,         /* HEP time behind the reorder window: delivered out of order */
    /* sip */
    SF_ANOM_SIP_MALFORMED,       /* kept, flagged: reason names header/byte */
    SF_ANOM_SIP_NO_CONTENT_LENGTH, /* stream message without Content-Length */
    SF_ANOM_SIP_TRAILING_BYTES,  /* UDP bytes after the declared body (RFC 3261 18.3) */
    SF_ANOM_SIP_TRUNCATED,       /* body shorter than Content-Length */
    SF_ANOM_SIP_TOO_LARGE,       /* message over the framer's size cap */
    SF_ANOM_SIP_RESYNC,          /* stream bytes skipped to find a start line */
    /* stream applications on TCP (layer tcp): WebSocket, TLS */
    SF_ANOM_WS_MALFORMED,  /* a WebSocket frame or handshake breaking RFC 6455 */
    SF_ANOM_WS_RESYNC,     /* WebSocket bytes skipped to find the next frame */
    SF_ANOM_TLS_ENCRYPTED, /* notice: SIP over TLS, not analysed (no decryption) */
    SF_ANOM_KIND_COUNT
} sf_anomaly_kind_t;

typedef struct sf_anomaly {
    uint32_t file;   /* input index, 0-based */
    uint64_t frame;  /* 1-based frame number in that file; 0 = whole file */
    sf_ts_t ts;
    sf_layer_t layer;
    sf_anomaly_kind_t kind;
    const char *reason; /* valid only during the callback */
} sf_anomaly_t;

typedef struct sf_anomaly_sink {
    void (*fn)(void *user, const sf_anomaly_t *a);
    void *user;
} sf_anomaly_sink_t;

/* Formats the reason (printf) into a stack buffer and calls the sink.
 * A sink with fn == NULL ignores everything. The layer is implied by the
 * kind. */
void sf_anomaly_emit(const sf_anomaly_sink_t *sink, uint32_t file, uint64_t frame, sf_ts_t ts,
                     sf_anomaly_kind_t kind, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Stable names for output: "file-truncated", "frag-overlap", ... */
const char *sf_anomaly_kind_name(sf_anomaly_kind_t kind);
sf_layer_t sf_anomaly_kind_layer(sf_anomaly_kind_t kind);
/* "capture", "link", "ip", "udp", "tcp", "sctp", "hep", "sip". */
const char *sf_layer_name(sf_layer_t layer);

#ifdef __cplusplus
}
#endif

#endif
