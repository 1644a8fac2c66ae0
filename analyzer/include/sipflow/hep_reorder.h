/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HEP reorder window. Capture agents send what they saw when they can,
 * so HEP time stamps can run backwards against capture order (several
 * agents, batching, TCP). Messages are held, copied into storage the
 * window owns, and released in (HEP time, arrival) order once the newest
 * HEP time seen is window_ns past them, or when a cap on the messages or
 * bytes held is reached (oldest time first), or at flush. A message older
 * than one already released cannot be put back in order: it is released
 * at once and reported (SF_ANOM_HEP_LATE). window_ns 0: off, every message
 * is released at once, in arrival order. */
#ifndef SIPFLOW_HEP_REORDER_H
#define SIPFLOW_HEP_REORDER_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_HEP_REORDER_DEFAULT_NS 2000000000LL /* 2 s of HEP time */

typedef struct sf_hep_window_config {
    int64_t window_ns;  /* 0 = off (default SF_HEP_REORDER_DEFAULT_NS) */
    uint32_t max_msgs;  /* messages held at once (default 1024) */
    uint32_t max_bytes; /* payload bytes held at once (default 4 MiB, at least 128 KiB) */
} sf_hep_window_config_t;

void sf_hep_window_config_default(sf_hep_window_config_t *cfg);

/* Receives each message. meta and bytes are valid only during the call. */
typedef struct sf_hep_release_sink {
    void (*release)(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len);
    void *user;
} sf_hep_release_sink_t;

typedef struct sf_hep_window_stats {
    uint64_t pushed;
    uint64_t reordered;  /* arrived behind a newer HEP time and put back in order */
    uint64_t late;       /* older than a released message: released at once, reported */
    uint64_t forced;     /* released early because a cap was reached */
    uint32_t held_peak;  /* most messages held at once */
    uint64_t bytes_peak; /* most payload bytes held at once */
} sf_hep_window_stats_t;

typedef struct sf_hep_window sf_hep_window_t;

sf_hep_window_t *sf_hep_window_create(const sf_hep_window_config_t *cfg,
                                      const sf_hep_release_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies);
/* meta->ts is the HEP time; the bytes are copied when the message is held. */
void sf_hep_window_push(sf_hep_window_t *w, const sf_msg_meta_t *meta, const uint8_t *p,
                        uint32_t len);
/* Releases everything held, in order (end of capture). */
void sf_hep_window_flush(sf_hep_window_t *w);
void sf_hep_window_get_stats(const sf_hep_window_t *w, sf_hep_window_stats_t *st);
/* Frees what is held without releasing it. */
void sf_hep_window_destroy(sf_hep_window_t *w);

#ifdef __cplusplus
}
#endif

#endif
