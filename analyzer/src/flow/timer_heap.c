/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timer_heap.h"

#include <stdlib.h>

void sf_timer_heap_free(sf_timer_heap_t *h)
{
    free(h->items);
    h->items = NULL;
    h->n = h->cap = 0;
}

static void place(sf_timer_heap_t *h, uint32_t i, sf_timer_slot_t slot)
{
    h->items[i] = slot;
    slot.t->index = i + 1;
}

static void sift_up(sf_timer_heap_t *h, uint32_t i)
{
    sf_timer_slot_t x = h->items[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 4;
        if (h->items[p].key <= x.key) break;
        place(h, i, h->items[p]);
        i = p;
    }
    place(h, i, x);
}

static void sift_down(sf_timer_heap_t *h, uint32_t i)
{
    sf_timer_slot_t x = h->items[i];
    for (;;) {
        /* 4-ary: half the depth of a binary heap, and the four children's
         * keys share one cache line */
        uint32_t first = 4 * i + 1;
        if (first >= h->n) break;
        uint32_t c = first, last = first + 4 < h->n ? first + 4 : h->n;
        for (uint32_t k = first + 1; k < last; k++)
            if (h->items[k].key < h->items[c].key) c = k;
        if (x.key <= h->items[c].key) break;
        place(h, i, h->items[c]);
        i = c;
    }
    place(h, i, x);
}

/* Lazy re-arming: most calls move a deadline later (every message of a
 * transaction or call pushes its timeout further out). Moving the heap
 * entry each time cost a sift-down through a large heap per message, the
 * engine's top cost; instead the entry keeps its earlier key and, when it
 * comes due, is re-inserted at the real deadline (sf_timer_pop_due). Only
 * an earlier deadline moves the entry at once. */
bool sf_timer_set(sf_timer_heap_t *h, sf_timer_t *t, int64_t deadline)
{
    if (t->index) {
        t->deadline = deadline;
        if (deadline < t->key) {
            t->key = deadline;
            h->items[t->index - 1].key = deadline;
            sift_up(h, t->index - 1);
        }
        return true;
    }
    if (h->n == h->cap) {
        uint32_t nc = h->cap ? h->cap * 2 : 64;
        sf_timer_slot_t *ni = realloc(h->items, nc * sizeof *ni);
        if (!ni) return false;
        h->items = ni;
        h->cap = nc;
    }
    t->deadline = deadline;
    t->key = deadline;
    place(h, h->n++, (sf_timer_slot_t){deadline, t});
    sift_up(h, h->n - 1);
    return true;
}

void sf_timer_cancel(sf_timer_heap_t *h, sf_timer_t *t)
{
    if (!t->index) return;
    uint32_t i = t->index - 1;
    t->index = 0;
    h->n--;
    if (i == h->n) return;
    sf_timer_slot_t last = h->items[h->n];
    place(h, i, last);
    if (i > 0 && h->items[(i - 1) / 4].key > last.key)
        sift_up(h, i);
    else
        sift_down(h, i);
}

sf_timer_t *sf_timer_pop_due(sf_timer_heap_t *h, int64_t now)
{
    while (h->n > 0 && h->items[0].key <= now) {
        sf_timer_t *t = h->items[0].t;
        if (t->deadline == t->key) {
            sf_timer_cancel(h, t);
            return t;
        }
        /* moved later since it was placed: re-place it at its deadline
         * first, so due timers still fire in deadline order */
        t->key = t->deadline;
        h->items[0].key = t->deadline;
        sift_down(h, 0);
    }
    return NULL;
}
