/* SPDX-License-Identifier: GPL-2.0-or-later */
/* IPv4 (RFC 791 3.2) and IPv6 (RFC 8200 4.5) fragment reassembly, bounded.
 *
 * Key: version, source, destination, Identification, (IPv4: Protocol), and
 * the input file and outer VLAN, so captures merged from several files or
 * VLANs never mix.
 *
 * Policies (docs/anomalies.md):
 * - A fragment with the same offset and length as one already held is a
 *   duplicate: ignored, not an anomaly (counted in stats.duplicates).
 * - IPv4 overlap: the first copy of every byte wins (what the receiving
 *   stack had queued; Linux approximates this); only the bytes not yet held
 *   are kept. Counted once per overlapping fragment, SF_ANOM_FRAG_OVERLAP.
 * - IPv6 overlap: the whole datagram is discarded (RFC 5722 section 4),
 *   SF_ANOM_FRAG_OVERLAP; later fragments of it are absorbed silently until
 *   its timeout.
 * - A fragment that ends past 65535 (RFC 791 / RFC 8200 4.5 Payload Length
 *   bound): the whole datagram is discarded, SF_ANOM_FRAG_TOO_BIG.
 * - A non-last fragment whose length is not a multiple of 8, a second last
 *   fragment with a different end, data past the end: the fragment is
 *   ignored, SF_ANOM_IP_MALFORMED.
 * - Caps: at max_datagrams pending datagrams or max_bytes held (fragment
 *   bytes plus per-fragment bookkeeping), the OLDEST pending datagrams (by
 *   first fragment) are evicted, SF_ANOM_FRAG_EVICTED with their first
 *   frame, so traffic after a flood still reassembles.
 * - Idle timeout in capture time, counted from a datagram's first fragment
 *   (as Linux ipfrag_time): SF_ANOM_FRAG_INCOMPLETE with its first frame.
 *   At sf_defrag_finish every pending datagram is reported the same way.
 *
 * Unfragmented traffic never touches this module. Fragment data is copied
 * (one allocation per stored fragment); the reassembled datagram is built
 * in a buffer owned by the table. */
#ifndef SIPFLOW_IP_DEFRAG_H
#define SIPFLOW_IP_DEFRAG_H

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"
#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sf_defrag_config {
    uint64_t max_bytes;     /* held fragment bytes, all datagrams */
    uint32_t max_datagrams; /* pending datagrams */
    int64_t timeout_ns;     /* capture time from the first fragment */
} sf_defrag_config_t;

/* 16 MiB, 8192 datagrams, 30 s. */
void sf_defrag_config_default(sf_defrag_config_t *cfg);

/* One fragment, as parsed by sf_ipv4_parse / sf_ipv6_parse. */
typedef struct sf_defrag_frag {
    uint8_t version;    /* 4 or 6 */
    uint8_t proto;      /* protocol of the fragmentable part */
    const uint8_t *src; /* 4 or 16 bytes */
    const uint8_t *dst;
    uint32_t id;
    uint32_t file;
    uint16_t vlan;
    uint32_t offset;     /* bytes */
    bool more;           /* MF / M flag */
    uint32_t hdr_len;    /* sf_ip_hdr_t.frag_hdr_len */
    const uint8_t *data; /* fragment payload, copied when kept */
    uint32_t len;
    uint64_t frame;
    sf_ts_t ts;
} sf_defrag_frag_t;

typedef enum sf_defrag_result {
    SF_DEFRAG_PENDING = 0, /* kept (or ignored); nothing to deliver yet */
    SF_DEFRAG_DONE,        /* *out holds the reassembled payload */
    SF_DEFRAG_DROPPED,     /* the fragment or its datagram was discarded */
} sf_defrag_result_t;

/* A reassembled datagram payload (the fragmentable part). data is valid
 * until the next sf_defrag_push() on the same table. */
typedef struct sf_defrag_out {
    const uint8_t *data;
    uint32_t len;
    uint8_t proto; /* from the offset-0 fragment */
} sf_defrag_out_t;

typedef struct sf_defrag_stats {
    uint64_t fragments;   /* fragments pushed */
    uint64_t reassembled; /* datagrams completed */
    uint64_t duplicates;
    uint64_t overlaps;
    uint64_t too_big;
    uint64_t malformed;
    uint64_t incomplete;        /* timed out or pending at finish */
    uint64_t evicted;           /* dropped at a cap */
    uint32_t pending_datagrams; /* now */
    uint64_t pending_bytes;     /* now */
    uint64_t pending_peak;      /* the most pending_bytes has been */
} sf_defrag_stats_t;

typedef struct sf_defrag sf_defrag_t;

sf_defrag_t *sf_defrag_create(const sf_defrag_config_t *cfg, const sf_anomaly_sink_t *anomalies);
/* Expires timed-out datagrams (relative to f->ts), then adds f. On DONE,
 * every frame of the datagram's fragments is added to *frames (when
 * non-NULL) with sf_msg_meta_add_frame. */
sf_defrag_result_t sf_defrag_push(sf_defrag_t *d, const sf_defrag_frag_t *f, sf_defrag_out_t *out,
                                  sf_msg_meta_t *frames);
/* Reports datagrams idle since before now - timeout as incomplete. */
void sf_defrag_expire(sf_defrag_t *d, sf_ts_t now);
/* End of capture: every pending datagram is reported incomplete. */
void sf_defrag_finish(sf_defrag_t *d);
void sf_defrag_get_stats(const sf_defrag_t *d, sf_defrag_stats_t *st);
void sf_defrag_destroy(sf_defrag_t *d);

#ifdef __cplusplus
}
#endif

#endif
