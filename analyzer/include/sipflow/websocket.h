/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP over WebSocket (RFC 7118) on one direction of a TCP stream: the HTTP
 * Upgrade handshake (RFC 6455 4: a GET with "Upgrade: websocket" from the
 * client, "HTTP/1.1 101" from the server; Sec-WebSocket-Protocol "sip"),
 * then frames (RFC 6455 5.2: 7/16/64-bit lengths, client frames masked),
 * fragmented messages with continuation frames and control frames (ping,
 * pong, close) interleaved. Each text or binary message is one SIP message
 * (RFC 7118 5.2), handed to the raw sink with transport SF_TRANSPORT_WS and
 * the capture frames it was built from.
 *
 * Bounded: a message is assembled (unmasked) in a buffer the decoder owns,
 * at most max_message bytes; a larger one is skipped (sip-too-large). A
 * frame that breaks RFC 6455 is a ws-malformed anomaly; after a gap or a
 * frame header that cannot be trusted the decoder skips to the next frame
 * whose shape is plausible and whose payload starts with a SIP start line
 * (ws-resync). */
#ifndef SIPFLOW_WEBSOCKET_H
#define SIPFLOW_WEBSOCKET_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"
#include "sipflow/sip_framing.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the direction begins. */
typedef enum sf_ws_start {
    SF_WS_START_REQUEST = 0, /* "GET ... Upgrade: websocket" (client side) */
    SF_WS_START_RESPONSE,    /* "HTTP/1.1 101" (server side) */
    SF_WS_START_FRAMES,      /* picked up mid-stream at a frame */
} sf_ws_start_t;

typedef struct sf_ws_stats {
    uint64_t frames;
    uint64_t messages; /* text/binary messages completed */
    uint64_t control;  /* ping, pong, close frames */
    uint64_t resync_bytes;
} sf_ws_stats_t;

typedef struct sf_ws_stream sf_ws_stream_t;

/* meta_template gives file, src, dst and vlan (transport is set to ws).
 * max_message 0: 256 KiB. */
sf_ws_stream_t *sf_ws_stream_create(sf_ws_start_t start, uint32_t max_message,
                                    const sf_msg_meta_t *meta_template,
                                    const sf_sip_raw_sink_t *sink,
                                    const sf_anomaly_sink_t *anomalies);
void sf_ws_stream_push(sf_ws_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                       sf_ts_t ts);
/* Bytes are missing before the next push (sf_sip_stream_gap semantics). */
void sf_ws_stream_gap(sf_ws_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts);
/* End of stream: a partial message is reported as truncated. */
void sf_ws_stream_finish(sf_ws_stream_t *s, uint64_t frame, sf_ts_t ts);
void sf_ws_stream_get_stats(const sf_ws_stream_t *s, sf_ws_stats_t *st);
/* True once the handshake showed the stream is not WebSocket or not SIP
 * (Sec-WebSocket-Protocol without "sip"): the rest is ignored. */
bool sf_ws_stream_ignored(const sf_ws_stream_t *s);
void sf_ws_stream_destroy(sf_ws_stream_t *s);

/* Content detection on the first bytes of a direction (cheap). */
/* "GET " (a prefix of it: MAYBE) - the handshake is checked later. */
bool sf_ws_looks_request(const uint8_t *p, uint32_t len, bool *need_more);
/* "HTTP/1.1 101" (a prefix of it: need_more). */
bool sf_ws_looks_response(const uint8_t *p, uint32_t len, bool *need_more);
/* A data frame header (FIN or not, text/binary, RSV 0, a length that fits
 * max_len) whose (unmasked) payload starts with a SIP start line prefix:
 * "SIP/2.0 " or an upper-case method and a space. *need_more when the
 * bytes end before that could be decided. */
bool sf_ws_looks_sip_frame(const uint8_t *p, uint32_t len, uint64_t max_len, bool *need_more);

#ifdef __cplusplus
}
#endif

#endif
