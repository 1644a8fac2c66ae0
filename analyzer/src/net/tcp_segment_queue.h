/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Out-of-order queue of one TCP direction: non-overlapping byte ranges
 * keyed by absolute stream offset, in a treap (randomised search tree), so
 * insertion and lookup stay O(log n) even when a hostile or very lossy
 * stream queues many small segments. Private to analyzer/src/net. */
#ifndef SIPFLOW_TCP_SEGMENT_QUEUE_H
#define SIPFLOW_TCP_SEGMENT_QUEUE_H

#include <stdint.h>

/* A queued copy of out-of-order payload. */
typedef struct sf_tcp_qseg {
    struct sf_tcp_qseg *l, *r;
    int64_t start; /* absolute offset of data[0] in the direction's stream */
    uint64_t frame;
    uint32_t len;
    uint32_t prio;
    uint8_t data[];
} sf_tcp_qseg_t;

static inline int64_t sf_tcp_qseg_end(const sf_tcp_qseg_t *q)
{
    return q->start + q->len;
}

/* Node with the greatest start <= key, or NULL. */
sf_tcp_qseg_t *sf_tcp_queue_find_le(sf_tcp_qseg_t *root, int64_t key);
/* Node with the smallest start >= key, or NULL. */
sf_tcp_qseg_t *sf_tcp_queue_find_ge(sf_tcp_qseg_t *root, int64_t key);
/* Inserts n (start not yet present; n->prio set by the caller). */
void sf_tcp_queue_insert(sf_tcp_qseg_t **root, sf_tcp_qseg_t *n);
/* The node with the smallest start, or NULL. */
sf_tcp_qseg_t *sf_tcp_queue_min(sf_tcp_qseg_t *root);
/* Unlinks and returns the node with the smallest start (root non-NULL). */
sf_tcp_qseg_t *sf_tcp_queue_pop_min(sf_tcp_qseg_t **root);

#endif
