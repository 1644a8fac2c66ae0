/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture-time timers of the engine's objects: a 4-ary min-heap of
 * (key, timer, generation) entries. Entries are cancelled lazily: the
 * heap never writes into the objects while it sifts (a write per level
 * into a cold object was the engine's top cost), so an entry may outlive
 * its arming; the generation tells a live entry from a stale one. The
 * objects must therefore stay addressable while the heap holds entries
 * for them: the engine keeps them in pools (pool.h) until it finishes. */
#ifndef SF_TIMER_HEAP_H
#define SF_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_timer {
    int64_t deadline; /* ns since the epoch, capture time: when it fires */
    int64_t key;      /* the live entry's place in the heap (<= deadline) */
    uint32_t gen;     /* generation of the live entry; kept across pool reuse */
    bool armed;
    uint8_t kind; /* what object holds it (owner-defined) */
} sf_timer_t;

typedef struct sf_timer_slot {
    int64_t key;
    sf_timer_t *t;
    uint32_t gen;
} sf_timer_slot_t;

typedef struct sf_timer_heap {
    sf_timer_slot_t *items;
    uint32_t n, cap;
    uint32_t stale; /* entries whose timer was cancelled or moved earlier */
} sf_timer_heap_t;

/* Prepares a timer in a (re)used object: disarmed, generation kept. */
static inline void sf_timer_init(sf_timer_t *t, uint8_t kind)
{
    uint32_t gen = t->gen;
    *t = (sf_timer_t){.gen = gen + 1, .kind = kind};
}

static inline bool sf_timer_armed(const sf_timer_t *t)
{
    return t->armed;
}

/* Fetches the object of the timer due next into cache: it is usually
 * cold (armed tens of seconds of capture time ago) and fires within the
 * next few messages, so the fetch overlaps their work. */
static inline void sf_timer_prefetch_next(const sf_timer_heap_t *h, size_t bytes)
{
    if (!h->n) return;
    const char *o = (const char *)h->items[0].t;
    for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(o + off);
}

void sf_timer_heap_free(sf_timer_heap_t *h);
/* Drops every entry (the objects are being released). */
void sf_timer_heap_clear(sf_timer_heap_t *h);
bool sf_timer_set(sf_timer_heap_t *h, sf_timer_t *t, int64_t deadline);
void sf_timer_cancel(sf_timer_heap_t *h, sf_timer_t *t);
/* The armed timer whose deadline is <= now and earliest, disarmed; NULL. */
sf_timer_t *sf_timer_pop_due(sf_timer_heap_t *h, int64_t now);
/* The armed timer with the earliest deadline, disarmed; NULL when none. */
sf_timer_t *sf_timer_pop_first(sf_timer_heap_t *h);

#endif
