/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Duplicate detection: the same SIP message seen twice, because it was
 * captured at two points (two input files, two interfaces of one pcapng)
 * or twice at one point (the Linux "any" device, both ends of a bridge).
 * Such a copy is one message, not a SIP retransmission (RFC 3261 17.1.1.2
 * retransmits a *new* datagram, T1 = 500 ms or more later).
 *
 * A copy is identical SIP bytes (64-bit hash and length) seen within a
 * short window of the first copy, and either
 *   - from another input file or another interface, or
 *   - from the same file and interface with the same IPv4 Identification
 *     (a packet captured twice; a resent datagram gets a new ID, and an
 *     IPv6 or TCP message without one is never taken for a copy there).
 *
 * Bounded: a ring of the most recent max_entries messages indexed by a
 * bucket array (allocated once at create; nothing per message). Messages
 * arrive in capture-time order, so the chains are newest first and a walk
 * stops at the first entry older than the window. When the ring wraps
 * over an entry still inside the window (a flood), that entry is dropped
 * and counted in evicted: a later copy of it is then taken as new. */
#ifndef SIPFLOW_DUPLICATE_H
#define SIPFLOW_DUPLICATE_H

#include "sipflow/engine.h"
#include "sipflow/msg_meta.h"
#include "sipflow/sip_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_DUP_DEFAULT_WINDOW_NS 100000000LL /* 100 ms: far below T1 */
#define SF_DUP_DEFAULT_MAX 16384

typedef struct sf_dup_config {
    int64_t window_ns;    /* <= 0: no detection */
    uint32_t max_entries; /* recent messages remembered (rounded up to 2^n, >= 16) */
} sf_dup_config_t;

/* What the engine decided about the first copy; a copy reports the same. */
typedef struct sf_dup_first {
    uint64_t seq; /* sf_msg_info_t.seq, 0 while unknown */
    uint32_t file;
    uint64_t frame; /* completing frame */
    uint32_t call, dialog, txn, registration;
    uint16_t hop;
    sf_txn_state_t txn_state;
    sf_dialog_state_t dialog_state;
    bool retransmission;
} sf_dup_first_t;

typedef struct sf_dup_stats {
    uint64_t checked;    /* messages looked up */
    uint64_t duplicates; /* found to be a copy */
    uint64_t evicted;    /* dropped from the ring while inside the window */
} sf_dup_stats_t;

typedef struct sf_dup_table sf_dup_table_t;

/* NULL when out of memory or when cfg->window_ns <= 0 (detection off). */
sf_dup_table_t *sf_dup_create(const sf_dup_config_t *cfg);
void sf_dup_destroy(sf_dup_table_t *t);

/* Hash of the SIP bytes (not cryptographic; never 0). */
uint64_t sf_dup_hash(const char *buf, uint32_t len);

/* Starts fetching the index entry for hash h (sf_dup_hash of the message),
 * so that sf_dup_check() on it, a little later, does not wait for memory. */
void sf_dup_prefetch(const sf_dup_table_t *t, uint64_t h);

/* Looks msg up; h is sf_dup_hash(msg->buf, msg->len). A copy: returns its
 * first copy's record (valid until the next call). New: remembers it, sets
 * *slot for sf_dup_note and returns NULL. */
const sf_dup_first_t *sf_dup_check(sf_dup_table_t *t, const sf_msg_meta_t *meta,
                                   const sf_sip_msg_t *msg, uint64_t h, uint64_t *slot);
/* Records the engine's classification of the message remembered in slot
 * (ignored when slot is no longer that message). */
void sf_dup_note(sf_dup_table_t *t, uint64_t slot, const sf_msg_info_t *info);

void sf_dup_get_stats(const sf_dup_table_t *t, sf_dup_stats_t *st);

#ifdef __cplusplus
}
#endif

#endif
