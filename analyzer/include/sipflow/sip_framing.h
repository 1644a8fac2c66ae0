/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SIP message framing (RFC 3261 18.3). A datagram carries one message:
 * bytes after the declared body are discarded and counted. A stream carries
 * a sequence: end of headers (CRLF CRLF) plus Content-Length (or compact
 * "l") delimits each; CRLF keep-alives (RFC 5626 4.4.1) between messages are
 * skipped. A stream message without Content-Length is taken as having no
 * body and flagged; bytes that do not start a message are skipped until
 * the next SIP start line (resynchronisation, counted). */
#ifndef SIPFLOW_SIP_FRAMING_H
#define SIPFLOW_SIP_FRAMING_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A complete message. buf/len hold exactly one message (start line to end
 * of body) and are valid only during the call. defect is NULL, or a static
 * string describing a framing defect that makes the message malformed
 * ("no Content-Length on a stream transport", "body shorter than
 * Content-Length", ...). */
typedef struct sf_sip_raw_sink {
    void (*message)(void *user, const sf_msg_meta_t *meta, const char *buf, uint32_t len,
                    const char *defect);
    void *user;
} sf_sip_raw_sink_t;

/* Datagram framing: when data starts with a SIP start line (after optional
 * leading CRLFs, which are skipped), computes the message length from
 * Content-Length. Returns false when the datagram is not SIP (or is only a
 * keep-alive). On true, *start is the offset of the start line, *msg_len
 * the message length (never past len), *trailing the bytes after the
 * declared body (discarded, to be counted by the caller), *defect NULL or
 * a framing defect. */
bool sf_sip_frame_datagram(const char *data, uint32_t len, uint32_t *start, uint32_t *msg_len,
                           uint32_t *trailing, const char **defect);

typedef struct sf_sip_stream_config {
    uint32_t max_message;  /* largest message buffered (default 256 KiB) */
} sf_sip_stream_config_t;

typedef struct sf_sip_stream_stats {
    uint64_t messages;
    uint64_t keepalives;
    uint64_t resync_bytes;     /* skipped while looking for a start line */
    uint64_t too_large;
    uint64_t buffered_copies;  /* messages that needed the stream buffer */
} sf_sip_stream_stats_t;

/* One direction of one stream. meta_template gives file, src, dst,
 * transport and vlan for every message of the stream (frames/ts are filled
 * by the framer). */
typedef struct sf_sip_stream sf_sip_stream_t;

sf_sip_stream_t *sf_sip_stream_create(const sf_sip_stream_config_t *cfg,
                                      const sf_msg_meta_t *meta_template,
                                      const sf_sip_raw_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies);
/* In-order bytes of the stream, from capture frame `frame`. Complete
 * messages lying wholly in data are passed on without copying. */
void sf_sip_stream_push(sf_sip_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                        sf_ts_t ts);
/* Bytes are missing before the next push: a partial message is reported
 * (truncated) and dropped, and the framer hunts for the next start line. */
void sf_sip_stream_gap(sf_sip_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts);
/* End of stream: a buffered partial message is reported as truncated. */
void sf_sip_stream_finish(sf_sip_stream_t *s, uint64_t frame, sf_ts_t ts);
void sf_sip_stream_get_stats(const sf_sip_stream_t *s, sf_sip_stream_stats_t *st);
void sf_sip_stream_destroy(sf_sip_stream_t *s);

#ifdef __cplusplus
}
#endif

#endif
