/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Treap of queued out-of-order TCP segments (see tcp_segment_queue.h).
 * Priorities are random (a per-reassembler PRNG), so the expected depth is
 * O(log n) whatever order the segments arrive in. */
#include <stddef.h>

#include "tcp_segment_queue.h"

sf_tcp_qseg_t *sf_tcp_queue_find_le(sf_tcp_qseg_t *t, int64_t key)
{
    sf_tcp_qseg_t *best = NULL;
    while (t) {
        if (t->start <= key) {
            best = t;
            t = t->r;
        } else {
            t = t->l;
        }
    }
    return best;
}

sf_tcp_qseg_t *sf_tcp_queue_find_ge(sf_tcp_qseg_t *t, int64_t key)
{
    sf_tcp_qseg_t *best = NULL;
    while (t) {
        if (t->start >= key) {
            best = t;
            t = t->l;
        } else {
            t = t->r;
        }
    }
    return best;
}

void sf_tcp_queue_insert(sf_tcp_qseg_t **root, sf_tcp_qseg_t *n)
{
    sf_tcp_qseg_t *t = *root;
    if (!t) {
        n->l = n->r = NULL;
        *root = n;
        return;
    }
    if (n->start < t->start) {
        sf_tcp_queue_insert(&t->l, n);
        if (t->l->prio > t->prio) { /* rotate right */
            sf_tcp_qseg_t *x = t->l;
            t->l = x->r;
            x->r = t;
            *root = x;
        }
    } else {
        sf_tcp_queue_insert(&t->r, n);
        if (t->r->prio > t->prio) { /* rotate left */
            sf_tcp_qseg_t *x = t->r;
            t->r = x->l;
            x->l = t;
            *root = x;
        }
    }
}

sf_tcp_qseg_t *sf_tcp_queue_min(sf_tcp_qseg_t *t)
{
    if (!t) return NULL;
    while (t->l)
        t = t->l;
    return t;
}

sf_tcp_qseg_t *sf_tcp_queue_pop_min(sf_tcp_qseg_t **root)
{
    sf_tcp_qseg_t **pp = root;
    while ((*pp)->l)
        pp = &(*pp)->l;
    sf_tcp_qseg_t *n = *pp;
    /* The leftmost node has no left child; its right subtree has lower
     * priorities than its parent, so it can take its place. */
    *pp = n->r;
    n->l = n->r = NULL;
    return n;
}
