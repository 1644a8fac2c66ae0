/* SPDX-License-Identifier: GPL-2.0-or-later */
/* HEP over TCP: one direction of a stream whose first bytes are "HEP3" is
 * cut into HEP3 packets by their own 16-bit total length (several packets
 * per segment, one packet over several segments). HEPv1/v2 have no length
 * field covering the payload and cannot be framed on a stream.
 *
 * Zero-copy for a packet lying wholly in one pushed chunk; only a packet
 * split over chunks is copied, into one buffer of at most 64 KiB the stream
 * owns. Bytes that do not start a HEP3 packet (after a gap, a bad length)
 * are skipped up to the next "HEP3" magic (SF_ANOM_HEP_MALFORMED). */
#ifndef SIPFLOW_HEP_STREAM_H
#define SIPFLOW_HEP_STREAM_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives each HEP3 packet: p[0..len) holds exactly one packet, meta the
 * stream's template with the frames the packet came from and the time of
 * the completing frame. Both valid only during the call. */
typedef struct sf_hep_packet_sink {
    void (*packet)(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len);
    void *user;
} sf_hep_packet_sink_t;

typedef struct sf_hep_stream sf_hep_stream_t;

/* True when a stream's first bytes are a HEP3 header (the magic). */
bool sf_hep_stream_sniff(const uint8_t *p, uint32_t len);

sf_hep_stream_t *sf_hep_stream_create(const sf_msg_meta_t *meta_template,
                                      const sf_hep_packet_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies);
void sf_hep_stream_push(sf_hep_stream_t *s, const uint8_t *data, uint32_t len, uint64_t frame,
                        sf_ts_t ts);
/* Bytes lost before the next push: a partial packet is dropped (reported),
 * the stream hunts for the next magic. */
void sf_hep_stream_gap(sf_hep_stream_t *s, uint64_t missing, uint64_t frame, sf_ts_t ts);
/* End of stream: a partial packet is reported. */
void sf_hep_stream_finish(sf_hep_stream_t *s, uint64_t frame, sf_ts_t ts);
/* Bytes skipped while hunting for a magic. */
uint64_t sf_hep_stream_skipped(const sf_hep_stream_t *s);
void sf_hep_stream_destroy(sf_hep_stream_t *s);

#ifdef __cplusplus
}
#endif

#endif
