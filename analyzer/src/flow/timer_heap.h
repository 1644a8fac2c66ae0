/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A min-heap of deadlines in capture time, intrusive: each timer lives in
 * the object it belongs to and knows its heap position, so a deadline can
 * move or be cancelled in O(log n) and an object can be freed safely after
 * sf_timer_cancel(). Internal to flow/. */
#ifndef SF_TIMER_HEAP_H
#define SF_TIMER_HEAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sf_timer {
    int64_t deadline; /* ns since the epoch, capture time: when it fires */
    int64_t key;      /* its place in the heap (<= deadline; see timer_heap.c) */
    uint32_t index;   /* position in the heap + 1; 0 = not armed */
    uint8_t kind;     /* what object holds it (owner-defined) */
} sf_timer_t;

/* The key is kept beside the pointer so comparisons never touch the
 * timers' owners (a heap of tens of thousands of calls and transactions
 * otherwise costs a cache miss per comparison). */
typedef struct sf_timer_slot {
    int64_t key;
    sf_timer_t *t;
} sf_timer_slot_t;

typedef struct sf_timer_heap {
    sf_timer_slot_t *items;
    uint32_t n, cap;
} sf_timer_heap_t;

void sf_timer_heap_free(sf_timer_heap_t *h);
/* Arms or moves t to deadline. Returns false when out of memory. */
bool sf_timer_set(sf_timer_heap_t *h, sf_timer_t *t, int64_t deadline);
void sf_timer_cancel(sf_timer_heap_t *h, sf_timer_t *t);
/* The earliest timer with deadline <= now, removed from the heap; NULL
 * when none is due. */
sf_timer_t *sf_timer_pop_due(sf_timer_heap_t *h, int64_t now);

#endif
