/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A temporary spill file of SIP message texts, so renderers that run when
 * a call ends (long after its messages were seen) can show each message's
 * full text without keeping the capture's messages in RAM.
 *
 * Each message's raw bytes are appended at its message event under its
 * sequence number (sf_msg_info_t.seq, 1-based, ascending). The file is
 * created with mkstemp() in $TMPDIR (else /tmp) and unlinked at once, so
 * it disappears with the process whatever happens.
 *
 * Bounds: disk use is at most max_bytes (default 2 GiB); the index costs
 * 8 bytes of RAM per message (offset and length packed into one uint64_t,
 * allocated in blocks of 64 Ki entries) for at most max_messages messages
 * (default 8 Mi: 64 MiB). Messages past either bound, or longer than
 * SF_SPILL_MAX_MESSAGE, are not kept and are counted in `dropped`; reading
 * them back reports "not kept". */
#ifndef SIPFLOW_MESSAGE_SPILL_H
#define SIPFLOW_MESSAGE_SPILL_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_SPILL_MAX_MESSAGE ((1u << 24) - 1) /* length field: 24 bits */

typedef struct sf_message_spill_config {
    uint64_t max_bytes;    /* disk bound (0: default 2 GiB; at most 2^40 - 1) */
    uint64_t max_messages; /* index bound (0: default 8 Mi) */
    const char *dir;       /* NULL: $TMPDIR, else /tmp */
} sf_message_spill_config_t;

typedef struct sf_message_spill_stats {
    uint64_t messages;    /* kept */
    uint64_t dropped;     /* not kept (a bound was reached) */
    uint64_t bytes;       /* on disk */
    uint64_t index_bytes; /* RAM of the index */
} sf_message_spill_stats_t;

typedef struct sf_message_spill sf_message_spill_t;

/* Returns NULL and a reason in err when the temporary file cannot be
 * created. cfg may be NULL (defaults). */
sf_message_spill_t *sf_message_spill_create(const sf_message_spill_config_t *cfg, char *err,
                                            size_t errlen);
void sf_message_spill_destroy(sf_message_spill_t *s);

/* Appends message seq. seq must be larger than every seq appended before
 * (gaps are allowed: skipped numbers read back as not kept). Returns 0 when
 * kept, -1 when not kept (bound reached, out of order, or a write error). */
int sf_message_spill_append(sf_message_spill_t *s, uint64_t seq, const char *p, size_t n);

/* Length of message seq, or -1 when it was not kept. */
int64_t sf_message_spill_length(const sf_message_spill_t *s, uint64_t seq);

/* Copies message seq into buf (at most cap bytes). Returns the number of
 * bytes copied, or -1 when the message was not kept or cannot be read. */
int64_t sf_message_spill_read(sf_message_spill_t *s, uint64_t seq, char *buf, size_t cap);

void sf_message_spill_get_stats(const sf_message_spill_t *s, sf_message_spill_stats_t *st);

#ifdef __cplusplus
}
#endif

#endif
