/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "timer_queue.h"

#include <stdlib.h>
#include <string.h>

/* Stale entries leave when they come due (64*T1 of capture time after
 * they went stale, at most the idle timeout); only while capture time
 * stands still could they pile up, and then they are compacted once they
 * outnumber twice the live ones and this floor. */
#define STALE_FLOOR 4096
/* A lane that empties gives its array back when it grew past this (a
 * burst), so memory follows the usual load, not the peak. */
#define LANE_KEEP 65536

static bool live(const sf_timer_entry_t *s)
{
    return s->t->armed && s->t->gen == s->gen;
}

/* (key, placing order): the wrap-around difference orders placing numbers
 * less than 2^31 apart, which entries alive at once are. */
static bool before(const sf_timer_entry_t *a, const sf_timer_entry_t *b)
{
    return a->key < b->key || (a->key == b->key && (int32_t)(a->seq - b->seq) < 0);
}

/* ---- the heap, for entries no lane takes in order ----------------------- */

static void sift_up(sf_timer_queue_t *q, uint32_t i)
{
    sf_timer_entry_t x = q->heap[i];
    while (i > 0) {
        uint32_t p = (i - 1) / 4;
        if (!before(&x, &q->heap[p])) break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = x;
}

static void sift_down(sf_timer_queue_t *q, uint32_t i)
{
    sf_timer_entry_t x = q->heap[i];
    for (;;) {
        uint32_t first = 4 * i + 1; /* 4-ary: half the depth of a binary heap */
        if (first >= q->n_heap) break;
        uint32_t c = first, last = first + 4 < q->n_heap ? first + 4 : q->n_heap;
        for (uint32_t k = first + 1; k < last; k++)
            if (before(&q->heap[k], &q->heap[c])) c = k;
        if (!before(&q->heap[c], &x)) break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    q->heap[i] = x;
}

static bool heap_push(sf_timer_queue_t *q, const sf_timer_entry_t *e)
{
    if (q->n_heap == q->cap_heap) {
        uint32_t nc = q->cap_heap ? q->cap_heap * 2 : 64;
        if (nc < q->cap_heap) return false;
        sf_timer_entry_t *nv = realloc(q->heap, (size_t)nc * sizeof *nv);
        if (!nv) return false;
        q->heap = nv;
        q->cap_heap = nc;
    }
    q->heap[q->n_heap] = *e;
    sift_up(q, q->n_heap++);
    return true;
}

static void heap_drop_top(sf_timer_queue_t *q)
{
    if (--q->n_heap) {
        q->heap[0] = q->heap[q->n_heap];
        sift_down(q, 0);
    }
}

/* ---- lanes -------------------------------------------------------------- */

static sf_timer_entry_t *lane_at(const sf_timer_lane_t *l, uint32_t i)
{
    return &l->v[(l->head + i) & (l->cap - 1)];
}

static bool lane_push(sf_timer_lane_t *l, const sf_timer_entry_t *e)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 64;
        if (nc < l->cap) return false;
        sf_timer_entry_t *nv = malloc((size_t)nc * sizeof *nv);
        if (!nv) return false;
        for (uint32_t i = 0; i < l->n; i++)
            nv[i] = *lane_at(l, i);
        free(l->v);
        l->v = nv;
        l->cap = nc;
        l->head = 0;
    }
    *lane_at(l, l->n++) = *e;
    l->tail_key = e->key;
    return true;
}

static void lane_emptied(sf_timer_lane_t *l)
{
    l->head = 0;
    if (l->cap > LANE_KEEP) {
        free(l->v);
        *l = (sf_timer_lane_t){0};
    }
}

static void lane_drop_head(sf_timer_lane_t *l)
{
    l->head = (l->head + 1) & (l->cap - 1);
    if (--l->n == 0) lane_emptied(l);
}

/* The lane whose tail is the latest not after e (appending keeps it
 * sorted and leaves the others for later deadlines), else an empty lane,
 * else the heap. An entry placed now has the newest placing number, so
 * "not after" is a comparison of keys alone. */
static bool insert(sf_timer_queue_t *q, int64_t key, sf_timer_t *t, uint32_t gen)
{
    /* built in place: composing it on the stack and copying it whole was
     * a store-forwarding stall on every arming */
    const sf_timer_entry_t e = {key, t, gen, ++q->seq};
    int best = -1, empty = -1;
    for (int i = 0; i < SF_TIMER_LANES; i++) {
        const sf_timer_lane_t *l = &q->lanes[i];
        if (!l->n) {
            if (empty < 0) empty = i;
        } else if (l->tail_key <= e.key && (best < 0 || q->lanes[best].tail_key < l->tail_key)) {
            best = i;
        }
    }
    int lane = best >= 0 ? best : empty;
    bool ok = lane >= 0 ? lane_push(&q->lanes[lane], &e) : heap_push(q, &e);
    if (!ok) return false;
    q->entries++;
    if (e.key < q->due_from) q->due_from = e.key;
    return true;
}

/* The source of the earliest entry: a lane, SF_TIMER_LANES for the heap,
 * -1 when empty. */
static int first_source(const sf_timer_queue_t *q)
{
    int src = -1;
    const sf_timer_entry_t *m = NULL;
    for (int i = 0; i < SF_TIMER_LANES; i++) {
        const sf_timer_lane_t *l = &q->lanes[i];
        if (l->n && (!m || before(&l->v[l->head], m))) {
            m = &l->v[l->head];
            src = i;
        }
    }
    if (q->n_heap && (!m || before(&q->heap[0], m))) src = SF_TIMER_LANES;
    return src;
}

static const sf_timer_entry_t *source_head(const sf_timer_queue_t *q, int src)
{
    return src == SF_TIMER_LANES ? &q->heap[0] : &q->lanes[src].v[q->lanes[src].head];
}

static void drop(sf_timer_queue_t *q, int src)
{
    q->entries--;
    q->taken++;
    if (src == SF_TIMER_LANES)
        heap_drop_top(q);
    else
        lane_drop_head(&q->lanes[src]);
}

/* ---- arming ------------------------------------------------------------- */

void sf_timer_queue_clear(sf_timer_queue_t *q)
{
    for (int i = 0; i < SF_TIMER_LANES; i++) {
        q->lanes[i].n = 0;
        lane_emptied(&q->lanes[i]);
    }
    q->n_heap = 0;
    q->entries = q->stale = 0;
    q->due_from = INT64_MAX;
}

void sf_timer_queue_free(sf_timer_queue_t *q)
{
    for (int i = 0; i < SF_TIMER_LANES; i++)
        free(q->lanes[i].v);
    free(q->heap);
    memset(q, 0, sizeof *q);
}

uint64_t sf_timer_queue_entries(const sf_timer_queue_t *q)
{
    return q->entries;
}

static void compact(sf_timer_queue_t *q)
{
    q->entries = 0;
    for (int i = 0; i < SF_TIMER_LANES; i++) {
        sf_timer_lane_t *l = &q->lanes[i];
        uint32_t j = 0;
        for (uint32_t k = 0; k < l->n; k++) {
            sf_timer_entry_t e = *lane_at(l, k);
            if (live(&e)) *lane_at(l, j++) = e; /* j <= k: order kept */
        }
        l->n = j;
        if (!j) lane_emptied(l);
        q->entries += j;
    }
    uint32_t j = 0;
    for (uint32_t k = 0; k < q->n_heap; k++)
        if (live(&q->heap[k])) q->heap[j++] = q->heap[k];
    q->n_heap = j;
    for (uint32_t k = q->n_heap / 4 + 1; k-- > 0;)
        if (k < q->n_heap) sift_down(q, k);
    q->entries += j;
    q->stale = 0;
    q->due_from = INT64_MIN; /* found again by the next pop */
}

static void note_stale(sf_timer_queue_t *q)
{
    /* (a timer whose entries were cleared adds none) */
    if (++q->stale > q->entries) q->stale = q->entries;
    if (q->stale > STALE_FLOOR && q->stale > q->entries - q->stale) compact(q);
}

/* Where an entry for deadline goes (see horizon in timer_queue.h). */
static int64_t place(const sf_timer_queue_t *q, int64_t deadline)
{
    /* unsigned difference: hostile capture times span 2^63 ns */
    if (q->horizon <= 0 || !q->has_now || deadline <= q->now ||
        (uint64_t)deadline - (uint64_t)q->now <= (uint64_t)q->horizon)
        return deadline;
    return q->now + q->horizon; /* < deadline, so no overflow */
}

/* Lazy re-arming: most calls move a deadline later (every message of a
 * transaction or call pushes its timeout further out). Such a move only
 * records the new deadline; when the old entry comes due it is re-placed
 * at the real deadline. An earlier deadline adds a new entry and leaves
 * the old one stale. */
bool sf_timer_set(sf_timer_queue_t *q, sf_timer_t *t, int64_t deadline)
{
    if (t->armed) {
        t->deadline = deadline;
        if (deadline >= t->key) return true;
        t->gen++;
        note_stale(q);
    } else {
        t->gen++;
    }
    t->armed = true;
    t->deadline = deadline;
    t->key = place(q, deadline);
    if (insert(q, t->key, t, t->gen)) return true;
    t->armed = false;
    return false;
}

void sf_timer_cancel(sf_timer_queue_t *q, sf_timer_t *t)
{
    if (!t->armed) return;
    t->armed = false;
    t->gen++;
    note_stale(q);
}

/* ---- firing ------------------------------------------------------------- */

/* An entry taken out: dropped when stale, re-placed when its timer moved
 * later, else its timer fires (returned). */
static sf_timer_t *settle(sf_timer_queue_t *q, int64_t key, sf_timer_t *t, uint32_t gen)
{
    if (!t->armed || t->gen != gen) {
        if (q->stale) q->stale--;
        return NULL;
    }
    int64_t next = t->deadline != key ? place(q, t->deadline) : key;
    if (next > key) {
        /* moved later since it was placed, or past the horizon:
         * re-placed, so timers still fire in deadline order (only
         * sf_timer_pop_first() takes an entry before the horizon reached
         * it, and then it fires) */
        t->key = next;
        if (!insert(q, next, t, gen)) {
            t->armed = false;
            t->gen++;
        }
        return NULL;
    }
    t->armed = false;
    t->gen++;
    return t;
}

static sf_timer_t *pop(sf_timer_queue_t *q, int64_t now, bool any)
{
    /* each turn removes an entry or moves one to a later key: bounded by
     * the entries plus the re-placements */
    if (!any && now < q->due_from) return NULL; /* most messages */
    for (;;) {
        int src = first_source(q);
        if (src < 0) {
            q->due_from = INT64_MAX;
            return NULL;
        }
        const sf_timer_entry_t *h = source_head(q, src);
        int64_t key = h->key;
        if (!any && key > now) {
            q->due_from = key;
            return NULL;
        }
        sf_timer_t *t = h->t;
        uint32_t gen = h->gen;
        drop(q, src);
        if ((t = settle(q, key, t, gen))) return t;
    }
}

sf_timer_t *sf_timer_pop_due(sf_timer_queue_t *q, int64_t now)
{
    if (!q->has_now || now > q->now) {
        q->now = now;
        q->has_now = true;
    }
    return pop(q, now, false);
}

sf_timer_t *sf_timer_pop_first(sf_timer_queue_t *q)
{
    return pop(q, 0, true);
}

void sf_timer_upcoming(const sf_timer_queue_t *q, sf_timer_upcoming_t *u)
{
    /* no merge: the fetches' order does not matter, only that they are
     * issued a few messages ahead */
    u->n_next = u->n_soon = 0;
    for (int i = 0; i < SF_TIMER_LANES; i++) {
        const sf_timer_lane_t *l = &q->lanes[i];
        if (l->n) u->next[u->n_next++] = lane_at(l, 0)->t;
        for (uint32_t k = 1; k < l->n && k <= SF_TIMER_SOON; k++)
            u->soon[u->n_soon++] = lane_at(l, k)->t;
    }
    if (q->n_heap) u->next[u->n_next++] = q->heap[0].t;
}
