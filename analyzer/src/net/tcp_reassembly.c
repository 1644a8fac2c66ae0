/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TCP stream reassembly (RFC 9293 3.4, 3.10.7.4): per direction, in-order
 * delivery of every byte exactly once.
 *
 * Sequence numbers are mapped to 64-bit absolute stream offsets with serial
 * arithmetic (RFC 1982): a segment's offset is the expected offset plus the
 * signed 32-bit distance of its sequence number from the expected one, so
 * wrap-around at 2^32 is invisible above this file.
 *
 * In-order data goes to the layer above straight from the packet (zero
 * copy). Only out-of-order payload is copied, into a per-direction queue of
 * non-overlapping ranges (tcp_segment_queue.c). Overlaps: the first copy of
 * a byte wins, like a receiving stack that keeps what it already queued;
 * differing bytes in an overlap with queued data are counted as a conflict.
 * Bytes already delivered are not kept (that would cost a copy of every
 * stream), so a retransmission of delivered data is skipped and counted but
 * cannot be compared.
 *
 * Queued bytes are charged their length plus SEG_OVERHEAD against the caps,
 * so memory stays bounded even for floods of tiny segments. Over the
 * per-direction cap, or when the direction closes with a hole, the hole is
 * declared lost: a gap is reported and the queued data after it delivered.
 * Over the total cap the direction that queued least recently is flushed
 * the same way. Connections live in a hash table (no GLib on this path) and
 * an LRU list touched per segment: idle expiry and eviction at max_streams
 * take the tail, in capture time, at O(1) per segment. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/tcp_reassembly.h"

#include "tcp_segment_queue.h"

#define SEG_OVERHEAD 64u
#define BUCKETS_MIN 64u
#define BUCKETS_MAX (1u << 24)

/* Endpoints as two 64-bit words (IPv4 in the first), for cheap ordering
 * and hashing; only the address bytes the family uses count, as in
 * sf_endpoint_eq(). */
typedef struct ep_words {
    uint64_t w0, w1;
    uint32_t fp; /* family << 16 | port */
} ep_words_t;

typedef enum dir_state {
    D_NONE = 0, /* no sequence number known yet */
    D_ACTIVE,
    D_CLOSED, /* FIN/RST done: later data is ignored */
} dir_state_t;

struct conn;

typedef struct dir {
    struct conn *c;
    uint8_t idx; /* 0: a -> b, 1: b -> a */
    uint8_t state;
    bool syn_seen, fin_seen, opened, in_plist;
    uint32_t isn;
    uint32_t next_seq; /* sequence number of the next byte to deliver */
    int64_t next_abs;  /* its absolute offset */
    int64_t fin_abs;   /* absolute offset of the FIN */
    void *app;
    sf_tcp_qseg_t *q;          /* out-of-order queue */
    uint64_t charged;          /* queued bytes + overhead */
    uint64_t queued;           /* queued payload bytes */
    struct dir *pprev, *pnext; /* list of directions with queued data */
} dir_t;

typedef struct conn {
    struct conn *hnext;
    struct conn *lprev, *lnext; /* LRU: head = most recently touched */
    uint32_t hash;
    uint32_t file;
    ep_words_t ka, kb;  /* canonical order: ka <= kb */
    sf_endpoint_t a, b; /* the same endpoints, for open() */
    sf_ts_t last_ts;
    uint64_t last_frame;
    dir_t d[2];
} conn_t;

struct sf_tcp_reasm {
    sf_tcp_config_t cfg;
    sf_tcp_callbacks_t cb;
    void *user;
    sf_anomaly_sink_t anomalies;
    sf_tcp_stats_t st;
    conn_t **buckets;
    uint32_t nbuckets; /* power of two */
    uint32_t nconn;
    conn_t *lru_head, *lru_tail;
    dir_t *p_head, *p_tail; /* head = queued to most recently */
    uint64_t charged_total;
    uint32_t rng;
};

void sf_tcp_config_default(sf_tcp_config_t *cfg)
{
    cfg->max_streams = 65536;
    cfg->max_pending_per_dir = 1u << 20;
    cfg->max_pending_total = 32u << 20;
    cfg->idle_timeout_ns = 300LL * 1000000000LL;
}

/* ---- keys and the hash table ---- */

static ep_words_t ep_words(const sf_endpoint_t *e)
{
    ep_words_t w = {0, 0, (uint32_t)e->family << 16 | e->port};
    if (e->family == 4) {
        uint32_t v4;
        memcpy(&v4, e->addr, 4);
        w.w0 = v4;
    } else {
        memcpy(&w.w0, e->addr, 8);
        memcpy(&w.w1, e->addr + 8, 8);
    }
    return w;
}

static int ep_cmp(const ep_words_t *x, const ep_words_t *y)
{
    if (x->w0 != y->w0) return x->w0 < y->w0 ? -1 : 1;
    if (x->w1 != y->w1) return x->w1 < y->w1 ? -1 : 1;
    if (x->fp != y->fp) return x->fp < y->fp ? -1 : 1;
    return 0;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v;
    h *= 0x9e3779b97f4a7c15ull;
    return h ^ (h >> 29);
}

static uint32_t key_hash(uint32_t file, const ep_words_t *a, const ep_words_t *b)
{
    uint64_t h = mix(file, a->w0);
    h = mix(h, a->w1);
    h = mix(h, (uint64_t)a->fp << 32 | b->fp);
    h = mix(h, b->w0);
    h = mix(h, b->w1);
    return (uint32_t)(h ^ (h >> 32));
}

static void table_grow(sf_tcp_reasm_t *r)
{
    uint32_t nb = r->nbuckets * 2;
    conn_t **b = calloc(nb, sizeof *b);
    if (!b) return; /* keep the old, longer chains */
    for (uint32_t i = 0; i < r->nbuckets; i++) {
        conn_t *c = r->buckets[i];
        while (c) {
            conn_t *next = c->hnext;
            c->hnext = b[c->hash & (nb - 1)];
            b[c->hash & (nb - 1)] = c;
            c = next;
        }
    }
    free(r->buckets);
    r->buckets = b;
    r->nbuckets = nb;
}

static void table_remove(sf_tcp_reasm_t *r, conn_t *c)
{
    conn_t **pp = &r->buckets[c->hash & (r->nbuckets - 1)];
    while (*pp && *pp != c)
        pp = &(*pp)->hnext;
    if (*pp) *pp = c->hnext;
}

/* ---- LRU and pending lists ---- */

static void lru_unlink(sf_tcp_reasm_t *r, conn_t *c)
{
    if (c->lprev)
        c->lprev->lnext = c->lnext;
    else
        r->lru_head = c->lnext;
    if (c->lnext)
        c->lnext->lprev = c->lprev;
    else
        r->lru_tail = c->lprev;
    c->lprev = c->lnext = NULL;
}

static void lru_push_head(sf_tcp_reasm_t *r, conn_t *c)
{
    c->lprev = NULL;
    c->lnext = r->lru_head;
    if (r->lru_head) r->lru_head->lprev = c;
    r->lru_head = c;
    if (!r->lru_tail) r->lru_tail = c;
}

static void plist_unlink(sf_tcp_reasm_t *r, dir_t *d)
{
    if (!d->in_plist) return;
    if (d->pprev)
        d->pprev->pnext = d->pnext;
    else
        r->p_head = d->pnext;
    if (d->pnext)
        d->pnext->pprev = d->pprev;
    else
        r->p_tail = d->pprev;
    d->pprev = d->pnext = NULL;
    d->in_plist = false;
}

static void plist_touch(sf_tcp_reasm_t *r, dir_t *d)
{
    if (d->in_plist && r->p_head == d) return;
    plist_unlink(r, d);
    d->pprev = NULL;
    d->pnext = r->p_head;
    if (r->p_head) r->p_head->pprev = d;
    r->p_head = d;
    if (!r->p_tail) r->p_tail = d;
    d->in_plist = true;
}

/* ---- delivery ---- */

static void emit(sf_tcp_reasm_t *r, const conn_t *c, uint64_t frame, sf_ts_t ts,
                 sf_anomaly_kind_t kind, const char *what, unsigned long long n)
{
    sf_anomaly_emit(&r->anomalies, c->file, frame, ts, kind, "%s: %llu bytes", what, n);
}

static void ensure_open(sf_tcp_reasm_t *r, dir_t *d, uint64_t frame, sf_ts_t ts)
{
    if (d->opened) return;
    conn_t *c = d->c;
    const sf_endpoint_t *src = d->idx ? &c->b : &c->a;
    const sf_endpoint_t *dst = d->idx ? &c->a : &c->b;
    d->app = r->cb.open ? r->cb.open(r->user, c->file, src, dst, frame, ts) : NULL;
    d->opened = true;
}

static void deliver(sf_tcp_reasm_t *r, dir_t *d, const uint8_t *p, uint32_t n, uint64_t frame,
                    sf_ts_t ts)
{
    if (n == 0) return;
    ensure_open(r, d, frame, ts);
    if (r->cb.data) r->cb.data(r->user, d->app, p, n, frame, ts);
    d->next_abs += n;
    d->next_seq += n;
    r->st.bytes_delivered += n;
}

static void uncharge(sf_tcp_reasm_t *r, dir_t *d, const sf_tcp_qseg_t *q)
{
    uint64_t ch = (uint64_t)q->len + SEG_OVERHEAD;
    d->charged -= ch;
    d->queued -= q->len;
    r->charged_total -= ch;
    r->st.pending_bytes -= q->len;
}

/* Pops and delivers queued segments that start at the expected offset.
 * Queued data is delivered with its own frame (where the bytes came from)
 * and the current time (when they became deliverable), so time seen above
 * never goes backwards. */
static void deliver_queued(sf_tcp_reasm_t *r, dir_t *d, sf_ts_t ts)
{
    sf_tcp_qseg_t *m;
    while ((m = sf_tcp_queue_min(d->q)) && m->start == d->next_abs) {
        sf_tcp_queue_pop_min(&d->q);
        uncharge(r, d, m);
        deliver(r, d, m->data, m->len, m->frame, ts);
        free(m);
    }
    if (!d->q) plist_unlink(r, d);
}

/* The bytes before the first queued segment are declared lost. */
static void flush_first_hole(sf_tcp_reasm_t *r, dir_t *d, sf_ts_t ts)
{
    sf_tcp_qseg_t *m = sf_tcp_queue_min(d->q);
    if (!m) return;
    if (m->start > d->next_abs) {
        uint64_t missing = (uint64_t)(m->start - d->next_abs);
        r->st.gaps++;
        r->st.gap_bytes += missing;
        emit(r, d->c, m->frame, ts, SF_ANOM_TCP_GAP, "bytes missing from the stream",
             (unsigned long long)missing);
        ensure_open(r, d, m->frame, ts);
        if (r->cb.gap) r->cb.gap(r->user, d->app, missing, m->frame, ts);
        d->next_abs = m->start;
        d->next_seq += (uint32_t)missing;
    }
    deliver_queued(r, d, ts);
}

/* Delivers what can be delivered (holes reported as gaps) and closes. */
static void close_dir(sf_tcp_reasm_t *r, dir_t *d, uint64_t frame, sf_ts_t ts)
{
    while (d->q)
        flush_first_hole(r, d, ts);
    plist_unlink(r, d);
    if (d->opened && r->cb.close) r->cb.close(r->user, d->app, frame, ts);
    d->opened = false;
    d->app = NULL;
    d->state = D_CLOSED;
}

static bool conn_live(const conn_t *c)
{
    return c->d[0].state == D_ACTIVE || c->d[1].state == D_ACTIVE || c->d[0].opened ||
           c->d[1].opened;
}

static void dir_reset(dir_t *d, conn_t *c, uint8_t idx)
{
    memset(d, 0, sizeof *d);
    d->c = c;
    d->idx = idx;
}

/* Closes both directions, unlinks and frees the connection. */
static void conn_drop(sf_tcp_reasm_t *r, conn_t *c)
{
    for (int i = 0; i < 2; i++)
        close_dir(r, &c->d[i], c->last_frame, c->last_ts);
    table_remove(r, c);
    lru_unlink(r, c);
    r->nconn--;
    r->st.streams_open = r->nconn;
    free(c);
}

/* ---- queueing out-of-order data ---- */

static uint64_t count_diff(const uint8_t *x, const uint8_t *y, uint32_t n)
{
    if (memcmp(x, y, n) == 0) return 0;
    uint64_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        k += x[i] != y[i];
    return k;
}

static bool queue_piece(sf_tcp_reasm_t *r, dir_t *d, int64_t start, const uint8_t *p, uint32_t n,
                        uint64_t frame)
{
    sf_tcp_qseg_t *q = malloc(sizeof *q + n);
    if (!q) return false;
    q->start = start;
    q->len = n;
    q->frame = frame;
    r->rng ^= r->rng << 13;
    r->rng ^= r->rng >> 17;
    r->rng ^= r->rng << 5;
    q->prio = r->rng;
    memcpy(q->data, p, n);
    sf_tcp_queue_insert(&d->q, q);
    uint64_t ch = (uint64_t)n + SEG_OVERHEAD;
    d->charged += ch;
    d->queued += n;
    r->charged_total += ch;
    r->st.pending_bytes += n;
    if (r->st.pending_bytes > r->st.pending_peak) r->st.pending_peak = r->st.pending_bytes;
    return true;
}

/* Queues the parts of [s, s+len) not already queued (the first copy wins)
 * and returns the number of overlapping bytes that differed. */
static uint64_t queue_segment(sf_tcp_reasm_t *r, dir_t *d, int64_t s, const uint8_t *p,
                              uint32_t len, uint64_t frame, bool *any_new)
{
    int64_t e = s + len;
    int64_t pos = s;
    uint64_t diff = 0;
    sf_tcp_qseg_t *pred = sf_tcp_queue_find_le(d->q, pos);
    if (pred && sf_tcp_qseg_end(pred) > pos) {
        int64_t ov_end = sf_tcp_qseg_end(pred) < e ? sf_tcp_qseg_end(pred) : e;
        diff += count_diff(pred->data + (pos - pred->start), p, (uint32_t)(ov_end - pos));
        pos = ov_end;
    }
    /* Each round consumes at least one queued node or ends: bounded. */
    while (pos < e) {
        sf_tcp_qseg_t *nx = sf_tcp_queue_find_ge(d->q, pos);
        if (nx && nx->start < e) {
            if (nx->start > pos) {
                if (!queue_piece(r, d, pos, p + (pos - s), (uint32_t)(nx->start - pos), frame))
                    r->st.pending_dropped_bytes += (uint64_t)(nx->start - pos);
                else
                    *any_new = true;
            }
            int64_t ov_end = sf_tcp_qseg_end(nx) < e ? sf_tcp_qseg_end(nx) : e;
            diff += count_diff(nx->data, p + (nx->start - s), (uint32_t)(ov_end - nx->start));
            pos = ov_end;
        } else {
            if (!queue_piece(r, d, pos, p + (pos - s), (uint32_t)(e - pos), frame))
                r->st.pending_dropped_bytes += (uint64_t)(e - pos);
            else
                *any_new = true;
            pos = e;
        }
    }
    return diff;
}

/* Data starting exactly at the expected offset: delivered in place, except
 * where bytes are already queued (those were first and win). */
static uint64_t deliver_inorder(sf_tcp_reasm_t *r, dir_t *d, const uint8_t *p, uint32_t len,
                                uint64_t frame, sf_ts_t ts)
{
    int64_t s0 = d->next_abs;
    int64_t e = s0 + len;
    uint64_t diff = 0;
    for (;;) {
        sf_tcp_qseg_t *m = sf_tcp_queue_min(d->q);
        if (d->next_abs < e && (!m || m->start > d->next_abs)) {
            int64_t lim = m && m->start < e ? m->start : e;
            deliver(r, d, p + (d->next_abs - s0), (uint32_t)(lim - d->next_abs), frame, ts);
            continue;
        }
        if (m && m->start == d->next_abs) {
            if (d->next_abs < e) {
                int64_t ov_end = sf_tcp_qseg_end(m) < e ? sf_tcp_qseg_end(m) : e;
                diff +=
                    count_diff(m->data, p + (d->next_abs - s0), (uint32_t)(ov_end - d->next_abs));
            }
            sf_tcp_queue_pop_min(&d->q);
            uncharge(r, d, m);
            deliver(r, d, m->data, m->len, m->frame, ts);
            free(m);
            continue;
        }
        break;
    }
    if (!d->q) plist_unlink(r, d);
    return diff;
}

static void enforce_caps(sf_tcp_reasm_t *r, dir_t *d, uint64_t frame, sf_ts_t ts)
{
    if (d->q && d->charged > r->cfg.max_pending_per_dir) {
        emit(r, d->c, frame, ts, SF_ANOM_TCP_BUFFER_FULL, "out-of-order data over the stream cap",
             (unsigned long long)d->queued);
        while (d->q && d->charged > r->cfg.max_pending_per_dir)
            flush_first_hole(r, d, ts);
    }
    while (r->charged_total > r->cfg.max_pending_total && r->p_tail) {
        dir_t *v = r->p_tail;
        emit(r, v->c, frame, ts, SF_ANOM_TCP_BUFFER_FULL, "out-of-order data over the total cap",
             (unsigned long long)v->queued);
        while (v->q)
            flush_first_hole(r, v, ts);
        plist_unlink(r, v);
    }
}

static void process_data(sf_tcp_reasm_t *r, dir_t *d, uint32_t seq, const uint8_t *p, uint32_t len,
                         uint64_t frame, sf_ts_t ts)
{
    /* RFC 1982 serial arithmetic: the signed distance from the expected
     * sequence number places the segment, across wrap-around. */
    int64_t s = d->next_abs + (int32_t)(seq - d->next_seq);
    int64_t e = s + len;
    if (e <= d->next_abs) {
        r->st.retransmitted_segments++;
        return;
    }
    if (s < d->next_abs) { /* partly retransmitted: keep the new tail */
        uint32_t off = (uint32_t)(d->next_abs - s);
        p += off;
        len -= off;
        s = d->next_abs;
    }
    uint64_t diff;
    if (s == d->next_abs) {
        diff = deliver_inorder(r, d, p, len, frame, ts);
    } else {
        bool any_new = false;
        diff = queue_segment(r, d, s, p, len, frame, &any_new);
        if (any_new)
            plist_touch(r, d);
        else
            r->st.retransmitted_segments++;
    }
    if (diff) {
        r->st.conflicts += diff;
        emit(r, d->c, frame, ts, SF_ANOM_TCP_CONFLICT,
             "retransmitted bytes differ from the first copy (kept)", (unsigned long long)diff);
    }
    enforce_caps(r, d, frame, ts);
}

/* ---- connections ---- */

static conn_t *conn_find(sf_tcp_reasm_t *r, uint32_t file, const ep_words_t *ka,
                         const ep_words_t *kb, uint32_t h)
{
    for (conn_t *c = r->buckets[h & (r->nbuckets - 1)]; c; c = c->hnext)
        if (c->hash == h && c->file == file && ep_cmp(&c->ka, ka) == 0 && ep_cmp(&c->kb, kb) == 0)
            return c;
    return NULL;
}

static conn_t *conn_create(sf_tcp_reasm_t *r, uint32_t file, const sf_endpoint_t *a,
                           const sf_endpoint_t *b, const ep_words_t *ka, const ep_words_t *kb,
                           uint32_t h, uint64_t frame, sf_ts_t ts)
{
    uint32_t cap = r->cfg.max_streams ? r->cfg.max_streams : 1;
    while (r->nconn >= cap && r->lru_tail) {
        conn_t *v = r->lru_tail;
        if (conn_live(v)) {
            r->st.streams_evicted++;
            sf_anomaly_emit(&r->anomalies, v->file, frame, ts, SF_ANOM_TCP_EVICTED,
                            "stream state dropped at the %u-stream cap", cap);
        }
        conn_drop(r, v);
    }
    conn_t *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->file = file;
    c->a = *a;
    c->b = *b;
    c->ka = *ka;
    c->kb = *kb;
    c->hash = h;
    dir_reset(&c->d[0], c, 0);
    dir_reset(&c->d[1], c, 1);
    if (r->nconn >= r->nbuckets && r->nbuckets < BUCKETS_MAX) table_grow(r);
    conn_t **bk = &r->buckets[h & (r->nbuckets - 1)];
    c->hnext = *bk;
    *bk = c;
    lru_push_head(r, c);
    r->nconn++;
    r->st.streams_opened++;
    r->st.streams_open = r->nconn;
    return c;
}

static void expire_idle(sf_tcp_reasm_t *r, sf_ts_t now)
{
    if (r->cfg.idle_timeout_ns <= 0) return;
    while (r->lru_tail && sf_ts_diff_ns(now, r->lru_tail->last_ts) > r->cfg.idle_timeout_ns) {
        conn_t *c = r->lru_tail;
        if (conn_live(c)) r->st.streams_idle_closed++;
        conn_drop(r, c);
    }
}

sf_tcp_reasm_t *sf_tcp_reasm_create(const sf_tcp_config_t *cfg, const sf_tcp_callbacks_t *cb,
                                    void *user, const sf_anomaly_sink_t *anomalies)
{
    sf_tcp_reasm_t *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (cfg)
        r->cfg = *cfg;
    else
        sf_tcp_config_default(&r->cfg);
    if (cb) r->cb = *cb;
    r->user = user;
    if (anomalies) r->anomalies = *anomalies;
    r->nbuckets = BUCKETS_MIN;
    r->buckets = calloc(r->nbuckets, sizeof *r->buckets);
    if (!r->buckets) {
        free(r);
        return NULL;
    }
    r->rng = 0x9e3779b9u;
    return r;
}

void sf_tcp_reasm_segment(sf_tcp_reasm_t *r, const sf_tcp_segment_t *seg)
{
    r->st.segments++;
    expire_idle(r, seg->ts);

    const sf_endpoint_t *a = &seg->src, *b = &seg->dst;
    ep_words_t ka = ep_words(a), kb = ep_words(b);
    uint8_t idx = 0;
    if (ep_cmp(&ka, &kb) > 0) {
        const sf_endpoint_t *t = a;
        a = b;
        b = t;
        ep_words_t tw = ka;
        ka = kb;
        kb = tw;
        idx = 1;
    }
    uint32_t h = key_hash(seg->file, &ka, &kb);
    conn_t *c = conn_find(r, seg->file, &ka, &kb, h);
    if (!c) {
        /* A pure ACK/FIN/RST of an unknown connection has nothing to
         * deliver and would only fill the table. */
        if (!(seg->flags & SF_TCP_SYN) && (seg->len == 0 || (seg->flags & SF_TCP_RST))) return;
        c = conn_create(r, seg->file, a, b, &ka, &kb, h, seg->frame, seg->ts);
        if (!c) return;
    } else if (r->lru_head != c) {
        lru_unlink(r, c);
        lru_push_head(r, c);
    }
    c->last_ts = seg->ts;
    c->last_frame = seg->frame;
    dir_t *d = &c->d[idx];

    uint32_t dseq = seg->seq;
    if (seg->flags & SF_TCP_SYN) {
        if (d->state != D_NONE && !(d->syn_seen && d->isn == seg->seq)) {
            /* A new ISN on a known connection: a new incarnation (port
             * reuse, or a FIN/RST we never saw). */
            close_dir(r, &c->d[0], seg->frame, seg->ts);
            close_dir(r, &c->d[1], seg->frame, seg->ts);
            dir_reset(&c->d[0], c, 0);
            dir_reset(&c->d[1], c, 1);
        }
        if (d->state == D_NONE) {
            d->state = D_ACTIVE;
            d->syn_seen = true;
            d->isn = seg->seq;
            d->next_seq = seg->seq + 1;
            d->next_abs = 0;
        }
        dseq = seg->seq + 1; /* SYN data (TFO, RFC 7413) follows the SYN */
    }
    if (seg->flags & SF_TCP_RST) {
        /* RFC 9293 3.10.7: the connection is gone; any text an RST carries
         * (RFC 9293 3.5.3) is not stream data. */
        close_dir(r, &c->d[0], seg->frame, seg->ts);
        close_dir(r, &c->d[1], seg->frame, seg->ts);
        return;
    }
    if (seg->flags & SF_TCP_ACK) {
        /* The peer acknowledges bytes of the other direction (RFC 9293
         * 3.4): a hole below that point reached the receiver but not the
         * capture, so it is lost for good. Declaring it now (before this
         * segment's own data, which the peer sent after receiving those
         * bytes), not at the per-direction cap or at close, keeps the
         * messages after a capture loss in capture order (issue 6,
         * tests/hostile case tcp-midstream-gap). */
        dir_t *o = &c->d[idx ^ 1];
        if (o->state == D_ACTIVE) {
            int64_t ack_abs = o->next_abs + (int32_t)(seg->ack - o->next_seq);
            sf_tcp_qseg_t *m;
            while ((m = sf_tcp_queue_min(o->q)) && m->start > o->next_abs && m->start <= ack_abs)
                flush_first_hole(r, o, seg->ts);
        }
    }
    if (seg->len > 0 && seg->payload) {
        if (d->state == D_NONE) { /* picked up mid-stream */
            d->state = D_ACTIVE;
            d->next_seq = dseq;
            d->next_abs = 0;
        }
        if (d->state == D_ACTIVE)
            process_data(r, d, dseq, seg->payload, seg->len, seg->frame, seg->ts);
        else
            r->st.retransmitted_segments++; /* after FIN/RST: nothing to add */
    }
    if (seg->flags & SF_TCP_FIN) {
        if (d->state == D_NONE) {
            d->state = D_CLOSED;
        } else if (d->state == D_ACTIVE && !d->fin_seen) {
            d->fin_seen = true;
            d->fin_abs = d->next_abs + (int32_t)(dseq + seg->len - d->next_seq);
        }
    }
    if (d->state == D_ACTIVE && d->fin_seen && d->next_abs >= d->fin_abs)
        close_dir(r, d, seg->frame, seg->ts);
}

void sf_tcp_reasm_finish(sf_tcp_reasm_t *r)
{
    while (r->lru_tail)
        conn_drop(r, r->lru_tail);
}

void sf_tcp_reasm_get_stats(const sf_tcp_reasm_t *r, sf_tcp_stats_t *st)
{
    *st = r->st;
}

void sf_tcp_reasm_destroy(sf_tcp_reasm_t *r)
{
    if (!r) return;
    sf_tcp_reasm_finish(r);
    free(r->buckets);
    free(r);
}
