/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fixed-size object pools for the engine's transactions, dialogs, calls and
 * registrations. A capture creates and ends objects at the call rate; with
 * malloc/calloc per object (objects of 100 B to 1 KB) the allocator was a
 * fifth of the engine's time. A pool hands out objects from chunks and takes
 * them back on a free list: the memory held is the peak of objects open at
 * once (memory follows open state, not capture size), and it is returned
 * in one step when the engine finishes. Objects in a pool also stay
 * addressable until then, which the timer queue's lazy cancellation relies on
 * (timer_queue.c). */
#ifndef SF_POOL_H
#define SF_POOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct sf_pool_chunk {
    struct sf_pool_chunk *next;
    size_t bytes; /* of the chunk, header included */
} sf_pool_chunk_t;

typedef struct sf_pool {
    size_t size;        /* object size, rounded to max_align_t */
    uint32_t per_chunk; /* objects in the first chunk */
    uint32_t next_count; /* objects in the next chunk: doubling up to a huge page */
    void *free_list;    /* objects handed back, linked through their first bytes */
    sf_pool_chunk_t *chunks;
    char *fresh; /* next never-used object of the newest chunk */
    uint32_t fresh_left;
    uint64_t bytes; /* obtained from malloc, chunk headers included */
    /* bytes of an object that stay readable while it is in the pool (its
     * timer: timer_queue.c checks stale entries there); under
     * AddressSanitizer the rest is poisoned, so a use after "free" of a
     * pooled object is still caught */
    size_t keep_off, keep_len;
} sf_pool_t;

void sf_pool_init(sf_pool_t *p, size_t size, uint32_t per_chunk);
/* Marks bytes [off, off + len) of every object as read while pooled. */
void sf_pool_keep(sf_pool_t *p, size_t off, size_t len);
/* An object of p->size bytes, contents undefined; NULL when out of memory. */
void *sf_pool_get(sf_pool_t *p);
void sf_pool_put(sf_pool_t *p, void *obj);
/* Frees every chunk: every object obtained from p is gone after this. */
void sf_pool_release(sf_pool_t *p);

#endif
