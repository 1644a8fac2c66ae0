/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HEP reorder window (sipflow/hep_reorder.h): a binary min-heap of
 * held messages keyed by (HEP time, arrival number). Each held message
 * sits in a slot that owns a byte buffer; slots and their buffers are
 * reused, so after warm-up holding a message costs a memcpy, no malloc.
 * Memory is bounded: at most max_msgs slots, at most max_bytes payload
 * bytes held, and a slot buffer grown for a large message is freed when
 * the message leaves (so idle slots keep at most SLOT_KEEP bytes each). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/hep_reorder.h"

#define SLOT_KEEP 4096u
#define MIN_BYTES (128u * 1024u)

typedef struct slot {
    sf_msg_meta_t meta;
    uint64_t seq; /* arrival order: equal times keep it */
    uint8_t *buf;
    uint32_t cap, len;
} slot_t;

struct sf_hep_window {
    sf_hep_window_config_t cfg;
    sf_hep_release_sink_t sink;
    sf_anomaly_sink_t anom;
    slot_t *slots;     /* n_slots allocated, the first n_held in use as heap nodes */
    uint32_t *heap;    /* slot indices; heap[0] is the oldest */
    uint32_t *free_ix; /* free slot indices (a stack) */
    uint32_t n_slots, n_free, n_held;
    uint64_t bytes_held, seq;
    bool have_hwm, have_released;
    sf_ts_t hwm;           /* newest HEP time pushed */
    sf_ts_t last_released; /* time of the last message released in order */
    sf_hep_window_stats_t st;
};

void sf_hep_window_config_default(sf_hep_window_config_t *cfg)
{
    cfg->window_ns = SF_HEP_REORDER_DEFAULT_NS;
    cfg->max_msgs = 1024;
    cfg->max_bytes = 4u * 1024u * 1024u;
}

sf_hep_window_t *sf_hep_window_create(const sf_hep_window_config_t *cfg,
                                      const sf_hep_release_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies)
{
    sf_hep_window_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    if (cfg)
        w->cfg = *cfg;
    else
        sf_hep_window_config_default(&w->cfg);
    if (w->cfg.window_ns < 0) w->cfg.window_ns = 0;
    if (w->cfg.max_msgs == 0) w->cfg.max_msgs = 1;
    /* a whole HEP packet (64 KiB) always fits once the window is empty */
    if (w->cfg.max_bytes < MIN_BYTES) w->cfg.max_bytes = MIN_BYTES;
    if (sink) w->sink = *sink;
    if (anomalies) w->anom = *anomalies;
    return w;
}

static bool before(const sf_hep_window_t *w, uint32_t a, uint32_t b)
{
    int c = sf_ts_cmp(w->slots[a].meta.ts, w->slots[b].meta.ts);
    return c < 0 || (c == 0 && w->slots[a].seq < w->slots[b].seq);
}

static void sift_up(sf_hep_window_t *w, uint32_t i)
{
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!before(w, w->heap[i], w->heap[parent])) break;
        uint32_t t = w->heap[i];
        w->heap[i] = w->heap[parent];
        w->heap[parent] = t;
        i = parent;
    }
}

static void sift_down(sf_hep_window_t *w, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < w->n_held && before(w, w->heap[l], w->heap[m])) m = l;
        if (r < w->n_held && before(w, w->heap[r], w->heap[m])) m = r;
        if (m == i) return;
        uint32_t t = w->heap[i];
        w->heap[i] = w->heap[m];
        w->heap[m] = t;
        i = m;
    }
}

static void deliver(sf_hep_window_t *w, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    if (w->sink.release) w->sink.release(w->sink.user, meta, p, len);
}

/* Releases the oldest held message. */
static void release_min(sf_hep_window_t *w)
{
    uint32_t ix = w->heap[0];
    w->n_held--;
    w->heap[0] = w->heap[w->n_held];
    if (w->n_held) sift_down(w, 0);
    slot_t *s = &w->slots[ix];
    w->bytes_held -= s->len;
    w->last_released = s->meta.ts;
    w->have_released = true;
    deliver(w, &s->meta, s->buf, s->len);
    if (s->cap > SLOT_KEEP) {
        free(s->buf);
        s->buf = NULL;
        s->cap = 0;
    }
    w->free_ix[w->n_free++] = ix;
}

/* A free slot, growing the slot table (doubling, up to max_msgs). */
static bool take_slot(sf_hep_window_t *w, uint32_t *ix)
{
    if (!w->n_free) {
        if (w->n_slots >= w->cfg.max_msgs) return false;
        uint32_t n = w->n_slots ? w->n_slots * 2 : 16;
        if (n > w->cfg.max_msgs) n = w->cfg.max_msgs;
        slot_t *ns = realloc(w->slots, (size_t)n * sizeof *ns);
        if (!ns) return false;
        w->slots = ns;
        uint32_t *nh = realloc(w->heap, (size_t)n * sizeof *nh);
        if (!nh) return false;
        w->heap = nh;
        uint32_t *nf = realloc(w->free_ix, (size_t)n * sizeof *nf);
        if (!nf) return false;
        w->free_ix = nf;
        for (uint32_t i = w->n_slots; i < n; i++) {
            memset(&w->slots[i], 0, sizeof w->slots[i]);
            w->free_ix[w->n_free++] = n - 1 - (i - w->n_slots);
        }
        w->n_slots = n;
    }
    *ix = w->free_ix[--w->n_free];
    return true;
}

void sf_hep_window_push(sf_hep_window_t *w, const sf_msg_meta_t *meta, const uint8_t *p,
                        uint32_t len)
{
    w->st.pushed++;
    if (w->cfg.window_ns == 0) {
        deliver(w, meta, p, len);
        return;
    }
    if (w->have_released && sf_ts_cmp(meta->ts, w->last_released) < 0) {
        /* too late to be put back in order */
        int64_t behind = sf_ts_diff_ns(w->last_released, meta->ts);
        w->st.late++;
        sf_anomaly_emit(&w->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                        SF_ANOM_HEP_LATE,
                        "HEP time %" PRId64 " ms before a message already released (reorder "
                        "window %" PRId64 " ms): delivered out of time order",
                        behind / 1000000, w->cfg.window_ns / 1000000);
        deliver(w, meta, p, len);
        return;
    }
    if (w->have_hwm && sf_ts_cmp(meta->ts, w->hwm) < 0)
        w->st.reordered++;
    else
        w->hwm = meta->ts;
    w->have_hwm = true;

    /* room: a cap reached releases the oldest first */
    uint32_t ix = 0;
    while (w->n_held && (w->bytes_held + len > w->cfg.max_bytes || w->n_held >= w->cfg.max_msgs)) {
        w->st.forced++;
        release_min(w);
    }
    slot_t *s = NULL;
    if (len <= w->cfg.max_bytes && take_slot(w, &ix)) {
        s = &w->slots[ix];
        if (s->cap < len) {
            uint32_t ncap = len < 256 ? 256 : len;
            uint8_t *nb = realloc(s->buf, ncap);
            if (!nb) {
                w->free_ix[w->n_free++] = ix;
                s = NULL;
            } else {
                s->buf = nb;
                s->cap = ncap;
            }
        }
    }
    if (!s) { /* cannot hold it (out of memory): pass it on unordered */
        deliver(w, meta, p, len);
        return;
    }
    s->meta = *meta;
    s->seq = w->seq++;
    s->len = len;
    if (len) memcpy(s->buf, p, len);
    w->heap[w->n_held] = ix;
    sift_up(w, w->n_held++);
    w->bytes_held += len;
    if (w->n_held > w->st.held_peak) w->st.held_peak = w->n_held;
    if (w->bytes_held > w->st.bytes_peak) w->st.bytes_peak = w->bytes_held;

    /* release what the newest time has left window_ns behind */
    while (w->n_held && sf_ts_diff_ns(w->hwm, w->slots[w->heap[0]].meta.ts) >= w->cfg.window_ns)
        release_min(w);
}

void sf_hep_window_flush(sf_hep_window_t *w)
{
    while (w->n_held)
        release_min(w);
}

void sf_hep_window_get_stats(const sf_hep_window_t *w, sf_hep_window_stats_t *st)
{
    *st = w->st;
}

void sf_hep_window_destroy(sf_hep_window_t *w)
{
    if (!w) return;
    for (uint32_t i = 0; i < w->n_slots; i++)
        free(w->slots[i].buf);
    free(w->slots);
    free(w->heap);
    free(w->free_ix);
    free(w);
}
