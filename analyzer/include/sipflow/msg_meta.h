/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where a SIP message came from: input file, the capture frames it was built
 * from, its time, addresses and transport. Filled by the transport layers
 * (UDP datagram, TCP stream framer), read by the SIP layer and above. */
#ifndef SIPFLOW_MSG_META_H
#define SIPFLOW_MSG_META_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A message keeps at most this many frame numbers; the rest are counted in
 * frames_omitted. The last (completing) frame is always kept as the final
 * entry, so frames[n_frames - 1] is the frame where the message ended. */
#define SF_MSG_MAX_FRAMES 32

typedef struct sf_msg_meta {
    uint32_t file;                      /* input index, 0-based */
    uint64_t frames[SF_MSG_MAX_FRAMES]; /* ascending, 1-based, no duplicates */
    uint32_t n_frames;                  /* >= 1 */
    uint32_t frames_omitted;            /* frames dropped from the list */
    sf_ts_t ts;                         /* time of the last (completing) frame */
    sf_endpoint_t src, dst;
    sf_transport_t transport;
    uint16_t vlan;                      /* outermost VLAN id, 0 when none */
    /* for duplicate detection (flow/duplicate.c): the pcapng interface of
     * the completing frame, and the IPv4 Identification of a datagram
     * (UDP; not for TCP streams nor IPv6) */
    uint32_t iface;
    uint16_t ip_id;
    bool has_ip_id;
} sf_msg_meta_t;

/* The frame the message was completed in. */
static inline uint64_t sf_msg_meta_last_frame(const sf_msg_meta_t *m)
{
    return m->n_frames ? m->frames[m->n_frames - 1] : 0;
}

/* Adds a frame number, keeping the list ascending and unique. When full,
 * the middle entries are dropped (counted) so the first and the latest
 * frames stay visible. */
void sf_msg_meta_add_frame(sf_msg_meta_t *m, uint64_t frame);

/* Resets the frame list (n_frames = 0, frames_omitted = 0). */
void sf_msg_meta_clear_frames(sf_msg_meta_t *m);

#ifdef __cplusplus
}
#endif

#endif
