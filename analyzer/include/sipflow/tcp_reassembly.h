/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP stream reassembly, per direction (RFC 9293 sequence space): delivers
 * each direction's bytes in order, exactly once, to the layer above.
 * Handles out-of-order segments, retransmissions and overlaps (the first
 * copy of a byte wins, as the receiving stack keeps what it queued; a
 * retransmission carrying different bytes is counted as a conflict),
 * sequence wrap-around, connections picked up mid-stream (no SYN), gaps from
 * lost segments (reported, then delivery resumes after the gap), FIN/RST and
 * idle clean-up (capture time), with caps per stream and in total.
 * A TCP retransmission is never delivered twice, so it can never become a
 * SIP retransmission. */
#ifndef SIPFLOW_TCP_REASSEMBLY_H
#define SIPFLOW_TCP_REASSEMBLY_H

#include "sipflow/anomaly.h"
#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SF_TCP_FIN = 0x01,
    SF_TCP_SYN = 0x02,
    SF_TCP_RST = 0x04,
    SF_TCP_PSH = 0x08,
    SF_TCP_ACK = 0x10,
};

typedef struct sf_tcp_segment {
    uint32_t file;
    uint64_t frame;
    sf_ts_t ts;
    sf_endpoint_t src, dst; /* ports filled */
    uint32_t seq, ack;
    uint8_t flags;          /* SF_TCP_* */
    uint16_t window;
    const uint8_t *payload; /* valid only during sf_tcp_reasm_segment() */
    uint32_t len;
} sf_tcp_segment_t;

/* Callbacks to the layer above, one "app" state per stream direction.
 * open() is called when a direction first has data to deliver; the pointer
 * it returns is passed back to data/gap/close. close() is called exactly
 * once for every direction that was opened (FIN/RST, idle timeout,
 * eviction at a cap, or sf_tcp_reasm_finish/destroy); the app state is not
 * used after it. Data pointers are valid only during the call. */
typedef struct sf_tcp_callbacks {
    void *(*open)(void *user, uint32_t file, const sf_endpoint_t *src, const sf_endpoint_t *dst,
                  uint64_t frame, sf_ts_t ts);
    void (*data)(void *user, void *app, const uint8_t *p, uint32_t len, uint64_t frame,
                 sf_ts_t ts);
    /* missing bytes were skipped; the next data() does not continue the
     * previous one. frame is the frame whose data comes after the gap. */
    void (*gap)(void *user, void *app, uint64_t missing, uint64_t frame, sf_ts_t ts);
    void (*close)(void *user, void *app, uint64_t frame, sf_ts_t ts);
} sf_tcp_callbacks_t;

typedef struct sf_tcp_config {
    uint32_t max_streams;        /* connections tracked at once */
    uint32_t max_pending_per_dir;/* out-of-order bytes queued per direction */
    uint64_t max_pending_total;  /* out-of-order bytes queued in all */
    int64_t idle_timeout_ns;     /* capture time without a segment */
} sf_tcp_config_t;

/* 65536 streams, 1 MiB per direction, 32 MiB total, 300 s idle. */
void sf_tcp_config_default(sf_tcp_config_t *cfg);

typedef struct sf_tcp_stats {
    uint64_t segments;
    uint64_t bytes_delivered;
    uint64_t retransmitted_segments; /* wholly already-seen data */
    uint64_t conflicts;              /* overlapping bytes that differed */
    uint64_t gaps;
    uint64_t gap_bytes;
    uint64_t streams_opened;
    uint64_t streams_evicted;        /* at max_streams */
    uint64_t streams_idle_closed;
    uint64_t pending_dropped_bytes;  /* out-of-order data dropped at caps */
    uint32_t streams_open;           /* now */
    uint64_t pending_bytes;          /* now */
    uint64_t pending_peak;           /* the most pending_bytes has been */
} sf_tcp_stats_t;

typedef struct sf_tcp_reasm sf_tcp_reasm_t;

sf_tcp_reasm_t *sf_tcp_reasm_create(const sf_tcp_config_t *cfg, const sf_tcp_callbacks_t *cb,
                                    void *user, const sf_anomaly_sink_t *anomalies);
void sf_tcp_reasm_segment(sf_tcp_reasm_t *r, const sf_tcp_segment_t *seg);
/* End of capture: delivers what can be delivered (queued data after a gap
 * is delivered after reporting the gap), then closes every stream. */
void sf_tcp_reasm_finish(sf_tcp_reasm_t *r);
void sf_tcp_reasm_get_stats(const sf_tcp_reasm_t *r, sf_tcp_stats_t *st);
/* Closes whatever is still open (close() callbacks run), frees all. */
void sf_tcp_reasm_destroy(sf_tcp_reasm_t *r);

#ifdef __cplusplus
}
#endif

#endif
