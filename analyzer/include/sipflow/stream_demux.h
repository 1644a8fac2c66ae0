/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Stream demultiplexer: one per TCP stream direction. It looks at the first
 * bytes of the direction once (a few byte compares, no copy when the first
 * chunk holds 16 bytes or more) and picks the stream application that
 * reads the rest: SIP framing (the default, RFC 3261 18.3), HEP3 (Homer
 * encapsulation, "HEP3" magic), WebSocket (RFC
 * 6455 / RFC 7118: an HTTP Upgrade request or its 101 answer, or frames of
 * SIP picked up mid-stream) or TLS (a TLS record header; reported as
 * encrypted SIP, not analysed). The choice is final for the direction.
 *
 * Adding a stream kind: add an SF_STREAM_* value before
 * SF_STREAM_KIND_COUNT, write an sf_stream_app_ops_t (detect on the first
 * bytes, create/push/gap/finish/destroy) and add one row to the table in
 * analyzer/src/net/stream_demux.c, above the kinds it must win against. */
#ifndef SIPFLOW_STREAM_DEMUX_H
#define SIPFLOW_STREAM_DEMUX_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"
#include "sipflow/sip_framing.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_stream_kind {
    SF_STREAM_UNDECIDED = 0, /* fewer bytes seen than a decision needs */
    SF_STREAM_SIP,
    SF_STREAM_WS,
    SF_STREAM_TLS,
    SF_STREAM_HEP, /* HEP3 packets (Homer), framed by their own length */
    SF_STREAM_KIND_COUNT
} sf_stream_kind_t;

/* "undecided", "sip", "ws", "tls", "hep". */
const char *sf_stream_kind_name(sf_stream_kind_t kind);

typedef enum sf_detect {
    SF_DETECT_NO = 0, /* not this kind */
    SF_DETECT_MAYBE,  /* these bytes are a prefix of this kind: need more */
    SF_DETECT_YES,
} sf_detect_t;

/* What every stream application is created with. The pointers must stay
 * valid while the application lives (the packet path owns them). */
typedef struct sf_stream_env {
    sf_msg_meta_t meta;           /* file, src, dst, transport, vlan of the direction */
    const sf_sip_raw_sink_t *sip; /* receives the SIP messages found */
    const sf_anomaly_sink_t *anomalies;
    uint32_t max_message;           /* largest message buffered (0: 256 KiB) */
    struct sf_tls_peers *tls_peers; /* SIP-over-TLS host pairs (tls.h), or NULL */
    /* receives the HEP3 packets of a HEP stream (hep_stream.h); NULL: HEP
     * is not looked for */
    const struct sf_hep_packet_sink *hep;
    struct sf_hep_input *hep_input; /* counts what HEP streams skipped, or NULL */
} sf_stream_env_t;

/* One stream application: how to recognise it and how to feed it. */
typedef struct sf_stream_app_ops {
    sf_stream_kind_t kind;
    /* Looks at the first len bytes of the direction (len >= 1). */
    sf_detect_t (*detect)(const uint8_t *p, uint32_t len, const sf_stream_env_t *env);
    /* `first` is the detector's bytes (the start of the stream), for kinds
     * that start in a different state depending on them (may be ignored). */
    void *(*create)(const sf_stream_env_t *env, const uint8_t *first, uint32_t len);
    void (*push)(void *app, const uint8_t *p, uint32_t len, uint64_t frame, sf_ts_t ts);
    void (*gap)(void *app, uint64_t missing, uint64_t frame, sf_ts_t ts);
    void (*finish)(void *app, uint64_t frame, sf_ts_t ts);
    void (*destroy)(void *app);
} sf_stream_app_ops_t;

/* Bytes the demux holds at most while undecided (a chunk this long always
 * decides: every detector answers within it, else SIP). */
#define SF_STREAM_DETECT_MAX 24u

/* Classifies the first bytes of a direction: the first kind in table
 * order answering YES; UNDECIDED while some kind answers MAYBE and fewer
 * than SF_STREAM_DETECT_MAX bytes are known; otherwise SIP. */
sf_stream_kind_t sf_stream_classify(const uint8_t *p, uint32_t len, const sf_stream_env_t *env);

typedef struct sf_stream_demux sf_stream_demux_t;

/* env is copied. Returns NULL on allocation failure. */
sf_stream_demux_t *sf_stream_demux_create(const sf_stream_env_t *env);
void sf_stream_demux_push(sf_stream_demux_t *d, const uint8_t *p, uint32_t len, uint64_t frame,
                          sf_ts_t ts);
void sf_stream_demux_gap(sf_stream_demux_t *d, uint64_t missing, uint64_t frame, sf_ts_t ts);
void sf_stream_demux_finish(sf_stream_demux_t *d, uint64_t frame, sf_ts_t ts);
sf_stream_kind_t sf_stream_demux_kind(const sf_stream_demux_t *d);
void sf_stream_demux_destroy(sf_stream_demux_t *d);

#ifdef __cplusplus
}
#endif

#endif
