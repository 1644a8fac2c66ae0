/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timer_heap.h"

#include <stdlib.h>

void sf_timer_heap_free(sf_timer_heap_t *h)
{
    free(h->items);
    h->items = NULL;
    h->n = h->cap = 0;
}

static void place(sf_timer_heap_t *h, uint32_t i, sf_timer_t *t)
{
    h->items[i] = t;
    t->index = i + 1;
}

static void sift_up(sf_timer_heap_t *h, uint32_t i)
{
    sf_timer_t *t = h->items[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (h->items[p]->deadline <= t->deadline) break;
        place(h, i, h->items[p]);
        i = p;
    }
    place(h, i, t);
}

static void sift_down(sf_timer_heap_t *h, uint32_t i)
{
    sf_timer_t *t = h->items[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= h->n) break;
        if (c + 1 < h->n && h->items[c + 1]->deadline < h->items[c]->deadline) c++;
        if (t->deadline <= h->items[c]->deadline) break;
        place(h, i, h->items[c]);
        i = c;
    }
    place(h, i, t);
}

bool sf_timer_set(sf_timer_heap_t *h, sf_timer_t *t, int64_t deadline)
{
    if (t->index) {
        int64_t old = t->deadline;
        t->deadline = deadline;
        if (deadline < old)
            sift_up(h, t->index - 1);
        else
            sift_down(h, t->index - 1);
        return true;
    }
    if (h->n == h->cap) {
        uint32_t nc = h->cap ? h->cap * 2 : 64;
        sf_timer_t **ni = realloc(h->items, nc * sizeof *ni);
        if (!ni) return false;
        h->items = ni;
        h->cap = nc;
    }
    t->deadline = deadline;
    place(h, h->n++, t);
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
    sf_timer_t *last = h->items[h->n];
    place(h, i, last);
    if (i > 0 && h->items[(i - 1) / 2]->deadline > last->deadline)
        sift_up(h, i);
    else
        sift_down(h, i);
}

sf_timer_t *sf_timer_pop_due(sf_timer_heap_t *h, int64_t now)
{
    if (h->n == 0 || h->items[0]->deadline > now) return NULL;
    sf_timer_t *t = h->items[0];
    sf_timer_cancel(h, t);
    return t;
}
