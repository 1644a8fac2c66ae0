/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture-time timers of the engine's objects. Almost every timer is armed
 * a fixed delay after "now", and capture time only moves forward: 64*T1
 * for RFC 3261 Timers B, F, D, J, L, M, the idle timeout for open calls
 * and dialogs. Deadlines armed with one delay therefore come in ascending
 * order, and a FIFO keeps them sorted for free. The queue has a few such
 * lanes (one per delay, in practice) and a 4-ary min-heap for the rest
 * (deadlines behind every lane's tail, such as a re-placed timer). A
 * timer is appended at a lane's hot tail and taken from a lane's head in
 * order, where a single heap of tens of thousands of entries sifted
 * through cold memory on every pop.
 *
 * Entries are cancelled lazily: nothing writes into an object while
 * entries move, so an entry may outlive its arming; the generation tells a
 * live entry from a stale one. The objects must therefore stay addressable
 * while the queue holds entries for them: the engine keeps them in pools
 * (pool.h) until it finishes.
 *
 * Order: timers fire in deadline order; equal deadlines in the order their
 * entries were placed (each carries a placing number), never in an address
 * order, so runs are reproducible. */
#ifndef SF_TIMER_QUEUE_H
#define SF_TIMER_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sf_timer {
    int64_t deadline; /* ns since the epoch, capture time: when it fires */
    int64_t key;      /* the live entry's place (<= deadline) */
    uint32_t gen;     /* generation of the live entry; kept across pool reuse */
    bool armed;
    uint8_t kind; /* what object holds it (owner-defined) */
} sf_timer_t;

typedef struct sf_timer_entry {
    int64_t key;
    sf_timer_t *t;
    uint32_t gen;
    uint32_t seq; /* placing order, for equal keys */
} sf_timer_entry_t;

/* A ring of entries in ascending (key, seq) order. */
typedef struct sf_timer_lane {
    sf_timer_entry_t *v;
    uint32_t head, n, cap; /* cap: a power of two */
    int64_t tail_key;      /* the last entry's key, while n > 0 */
} sf_timer_lane_t;

#define SF_TIMER_LANES 4

typedef struct sf_timer_queue {
    sf_timer_lane_t lanes[SF_TIMER_LANES];
    sf_timer_entry_t *heap; /* 4-ary min-heap of the others */
    uint32_t n_heap, cap_heap;
    uint64_t entries; /* stale included */
    uint64_t stale;   /* entries whose timer was cancelled or moved earlier */
    uint64_t taken;   /* entries taken out so far (the heads changed) */
    int64_t due_from; /* no entry has an earlier key */
    /* Deadlines further than this past the latest "now" (idle timeouts of
     * hours) are placed at now + horizon and re-placed from there: most
     * of them move earlier before they are due (the call ends), and the
     * entry left behind is then dropped within the horizon instead of
     * waiting hours, stale, for a compaction that reads every object.
     * 0: off. */
    int64_t horizon;
    int64_t now; /* the latest now given to sf_timer_pop_due() */
    bool has_now;
    uint32_t seq;
} sf_timer_queue_t;

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

void sf_timer_queue_free(sf_timer_queue_t *q);
/* Drops every entry (the objects are being released). */
void sf_timer_queue_clear(sf_timer_queue_t *q);
/* Entries held, stale included: at most twice the armed timers plus a
 * floor (stale entries are compacted away). */
uint64_t sf_timer_queue_entries(const sf_timer_queue_t *q);
bool sf_timer_set(sf_timer_queue_t *q, sf_timer_t *t, int64_t deadline);
void sf_timer_cancel(sf_timer_queue_t *q, sf_timer_t *t);
/* The armed timer whose deadline is <= now and earliest, disarmed; NULL. */
sf_timer_t *sf_timer_pop_due(sf_timer_queue_t *q, int64_t now);
/* The armed timer with the earliest deadline, disarmed; NULL when none
 * (deadlines past the horizon come after the others, in the order their
 * entries were placed: this is for evicting under a cap, where "soonest
 * due" is a heuristic). */
sf_timer_t *sf_timer_pop_first(sf_timer_queue_t *q);
/* The timers whose entries come next, for prefetching their objects:
 * those are usually cold (armed 64*T1 of capture time ago) and fire
 * within the next few messages. next: each lane's head and the heap's
 * top (one of them is due first); soon: the ones after each lane's head
 * (several entries, stale ones among them, may be taken at one message). */
#define SF_TIMER_SOON 8
typedef struct sf_timer_upcoming {
    sf_timer_t *next[SF_TIMER_LANES + 1];
    sf_timer_t *soon[SF_TIMER_SOON * SF_TIMER_LANES];
    uint32_t n_next, n_soon;
} sf_timer_upcoming_t;
void sf_timer_upcoming(const sf_timer_queue_t *q, sf_timer_upcoming_t *u);

#endif
