/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timer_heap.h"

#include <stdlib.h>

void sf_timer_heap_free(sf_timer_heap_t *h)
{
    free(h->items);
    h->items = NULL;
    h->n = h->cap = h->stale = 0;
}

void sf_timer_heap_clear(sf_timer_heap_t *h)
{
    h->n = h->stale = 0;
}

static bool live(const sf_timer_slot_t *s)
{
    return s->t->armed && s->t->gen == s->gen;
}

static void sift_up(sf_timer_heap_t *h, uint32_t i)
{
    sf_timer_slot_t x = h->items[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 4;
        if (h->items[p].key <= x.key) break;
        h->items[i] = h->items[p];
        i = p;
    }
    h->items[i] = x;
}

static void sift_down(sf_timer_heap_t *h, uint32_t i)
{
    sf_timer_slot_t x = h->items[i];
    for (;;) {
        /* 4-ary: half the depth of a binary heap */
        uint32_t first = 4 * i + 1;
        if (first >= h->n) break;
        uint32_t c = first, last = first + 4 < h->n ? first + 4 : h->n;
        for (uint32_t k = first + 1; k < last; k++)
            if (h->items[k].key < h->items[c].key) c = k;
        if (x.key <= h->items[c].key) break;
        h->items[i] = h->items[c];
        i = c;
    }
    h->items[i] = x;
}

static void remove_top(sf_timer_heap_t *h)
{
    h->n--;
    if (h->n) {
        h->items[0] = h->items[h->n];
        sift_down(h, 0);
    }
}

/* Stale entries are dropped when they outnumber the live ones, so the heap
 * stays within twice the armed timers (plus a floor). */
static void compact(sf_timer_heap_t *h)
{
    uint32_t j = 0;
    for (uint32_t i = 0; i < h->n; i++)
        if (live(&h->items[i])) h->items[j++] = h->items[i];
    h->n = j;
    h->stale = 0;
    for (uint32_t i = h->n / 4 + 1; i-- > 0;)
        if (i < h->n) sift_down(h, i);
}

static void note_stale(sf_timer_heap_t *h)
{
    h->stale++;
    if (h->stale > 4096 && h->stale > h->n / 2) compact(h);
}

static bool push(sf_timer_heap_t *h, sf_timer_t *t, int64_t key)
{
    if (h->n == h->cap) {
        uint32_t nc = h->cap ? h->cap * 2 : 64;
        sf_timer_slot_t *ni = realloc(h->items, (size_t)nc * sizeof *ni);
        if (!ni) return false;
        h->items = ni;
        h->cap = nc;
    }
    h->items[h->n] = (sf_timer_slot_t){key, t, t->gen};
    sift_up(h, h->n++);
    return true;
}

/* Lazy re-arming: most calls move a deadline later (every message of a
 * transaction or call pushes its timeout further out). Such a move only
 * records the new deadline; when the old entry comes due it is re-placed
 * at the real deadline (sf_timer_pop_due). An earlier deadline adds a new
 * entry and leaves the old one stale. */
bool sf_timer_set(sf_timer_heap_t *h, sf_timer_t *t, int64_t deadline)
{
    if (t->armed) {
        t->deadline = deadline;
        if (deadline >= t->key) return true;
        t->gen++;
        note_stale(h);
    } else {
        t->gen++;
    }
    t->armed = true;
    t->deadline = deadline;
    t->key = deadline;
    if (push(h, t, deadline)) return true;
    t->armed = false;
    return false;
}

void sf_timer_cancel(sf_timer_heap_t *h, sf_timer_t *t)
{
    if (!t->armed) return;
    t->armed = false;
    t->gen++;
    note_stale(h);
}

static sf_timer_t *pop(sf_timer_heap_t *h, int64_t now, bool any)
{
    /* each turn removes an entry or moves one to a later key: bounded by
     * the entries plus the re-placements */
    while (h->n > 0 && (any || h->items[0].key <= now)) {
        sf_timer_slot_t *s = &h->items[0];
        sf_timer_t *t = s->t;
        if (!live(s)) {
            remove_top(h);
            if (h->stale) h->stale--;
            continue;
        }
        if (t->deadline != s->key) {
            /* moved later since it was placed: re-place it first, so
             * timers still fire in deadline order */
            s->key = t->key = t->deadline;
            sift_down(h, 0);
            continue;
        }
        remove_top(h);
        t->armed = false;
        t->gen++;
        return t;
    }
    return NULL;
}

sf_timer_t *sf_timer_pop_due(sf_timer_heap_t *h, int64_t now)
{
    return pop(h, now, false);
}

sf_timer_t *sf_timer_pop_first(sf_timer_heap_t *h)
{
    return pop(h, 0, true);
}
