/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SCTP user-message reassembly (sipflow/sctp.h).
 *
 * A DATA chunk with both B and E set (the common case for SIP) is handed
 * on in place: no copy, no allocation. Only fragments are copied, into a
 * per-direction array sorted by (group, sequence): for DATA the group is
 * the stream and the sequence the TSN, because the fragments of one user
 * message take consecutive TSNs (RFC 9260 6.9); for I-DATA the group is
 * (stream, U, MID) and the sequence the FSN (RFC 8260 2.1), since I-DATA
 * fragments of different messages interleave. A message is complete when
 * a run of consecutive sequence numbers goes from a B fragment to an E
 * fragment; it is then copied into one scratch buffer and handed on.
 *
 * Retransmissions: every DATA chunk's TSN is checked against a window of
 * the last SF_SCTP_TSN_WINDOW TSNs of its direction (RFC 1982 serial
 * arithmetic); a TSN seen before is a retransmission, never a new message.
 *
 * Bounds: fragment count and bytes per direction, bytes in total, bytes per
 * message, directions tracked, idle timeout in capture time; whatever is
 * dropped is a counted anomaly with the frame. */
#include <stdlib.h>
#include <string.h>

#include "sipflow/sctp.h"

#define SF_SCTP_TSN_WINDOW 1024u
#define N_BUCKETS 4096u

typedef struct dir_key {
    uint32_t file;
    uint16_t vlan;
    uint8_t family;
    uint8_t pad;
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
} dir_key_t;

typedef struct frag {
    bool idata;
    uint8_t flags;
    uint16_t stream;
    uint32_t mid;
    uint32_t seq; /* DATA: TSN; I-DATA: FSN */
    uint32_t tsn;
    uint32_t ppid;
    uint32_t len;
    uint32_t n_frames;
    uint64_t frames[]; /* then len bytes of user data */
} frag_t;

typedef struct dir {
    dir_key_t key;
    uint32_t hash;
    struct dir *hnext;
    struct dir *prev, *next; /* LRU, oldest first */
    sf_ts_t last;
    uint32_t vtag;
    bool has_vtag;
    bool tsn_any;
    uint32_t tsn_hi;
    uint64_t tsn_bits[SF_SCTP_TSN_WINDOW / 64];
    frag_t **frags; /* sorted by frag_cmp */
    uint32_t n_frags, cap_frags;
    uint64_t bytes;
} dir_t;

struct sf_sctp_reasm {
    sf_sctp_config_t cfg;
    sf_sctp_sink_t sink;
    sf_anomaly_sink_t anom;
    dir_t *buckets[N_BUCKETS];
    uint32_t n_dirs;
    dir_t *oldest, *newest;
    uint64_t bytes;
    uint8_t *scratch;
    uint32_t scratch_cap;
    sf_msg_meta_t out;
    sf_sctp_stats_t st;
};

void sf_sctp_config_default(sf_sctp_config_t *cfg)
{
    cfg->max_message = 256u * 1024u;
    cfg->max_assoc_bytes = 1024u * 1024u;
    cfg->max_fragments = 1024;
    cfg->max_bytes = 16u * 1024u * 1024u;
    cfg->max_directions = 65536;
    cfg->timeout_ns = 120LL * 1000000000LL;
}

sf_sctp_reasm_t *sf_sctp_reasm_create(const sf_sctp_config_t *cfg, const sf_sctp_sink_t *sink,
                                      const sf_anomaly_sink_t *anomalies)
{
    sf_sctp_reasm_t *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (cfg)
        r->cfg = *cfg;
    else
        sf_sctp_config_default(&r->cfg);
    if (r->cfg.max_fragments == 0) r->cfg.max_fragments = 1;
    if (r->cfg.max_directions == 0) r->cfg.max_directions = 1;
    if (sink) r->sink = *sink;
    if (anomalies) r->anom = *anomalies;
    return r;
}

static void emit(sf_sctp_reasm_t *r, const sf_msg_meta_t *m, sf_anomaly_kind_t kind,
                 const char *why)
{
    sf_anomaly_emit(&r->anom, m->file, sf_msg_meta_last_frame(m), m->ts, kind, "%s", why);
}

/* ---- directions: hash table + LRU list ---- */

static void key_make(dir_key_t *k, const sf_msg_meta_t *m, bool reverse)
{
    const sf_endpoint_t *s = reverse ? &m->dst : &m->src;
    const sf_endpoint_t *d = reverse ? &m->src : &m->dst;
    memset(k, 0, sizeof *k);
    k->file = m->file;
    k->vlan = m->vlan;
    k->family = s->family;
    memcpy(k->src, s->addr, 16);
    memcpy(k->dst, d->addr, 16);
    k->sport = s->port;
    k->dport = d->port;
}

static uint32_t key_hash(const dir_key_t *k)
{
    const uint8_t *p = (const uint8_t *)k;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < sizeof *k; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static dir_t *dir_find(sf_sctp_reasm_t *r, const dir_key_t *k, uint32_t h)
{
    for (dir_t *d = r->buckets[h % N_BUCKETS]; d; d = d->hnext)
        if (d->hash == h && memcmp(&d->key, k, sizeof *k) == 0) return d;
    return NULL;
}

static void lru_unlink(sf_sctp_reasm_t *r, dir_t *d)
{
    if (d->prev)
        d->prev->next = d->next;
    else
        r->oldest = d->next;
    if (d->next)
        d->next->prev = d->prev;
    else
        r->newest = d->prev;
    d->prev = d->next = NULL;
}

static void lru_append(sf_sctp_reasm_t *r, dir_t *d)
{
    d->prev = r->newest;
    d->next = NULL;
    if (r->newest)
        r->newest->next = d;
    else
        r->oldest = d;
    r->newest = d;
}

static void frags_free(sf_sctp_reasm_t *r, dir_t *d)
{
    for (uint32_t i = 0; i < d->n_frags; i++)
        free(d->frags[i]);
    r->bytes -= d->bytes;
    d->bytes = 0;
    d->n_frags = 0;
}

/* Drops a direction's pending fragments, reported as kind. */
static void frags_drop(sf_sctp_reasm_t *r, dir_t *d, const sf_msg_meta_t *m, sf_anomaly_kind_t kind,
                       const char *why)
{
    if (d->n_frags == 0) return;
    if (kind == SF_ANOM_SCTP_EVICTED)
        r->st.evicted += d->n_frags;
    else
        r->st.incomplete += d->n_frags;
    sf_anomaly_emit(&r->anom, m->file, sf_msg_meta_last_frame(m), m->ts, kind,
                    "%u fragment(s), %llu bytes of unfinished user messages dropped: %s",
                    d->n_frags, (unsigned long long)d->bytes, why);
    frags_free(r, d);
}

static void dir_remove(sf_sctp_reasm_t *r, dir_t *d)
{
    dir_t **pp = &r->buckets[d->hash % N_BUCKETS];
    while (*pp && *pp != d)
        pp = &(*pp)->hnext;
    if (*pp) *pp = d->hnext;
    lru_unlink(r, d);
    frags_free(r, d);
    free(d->frags);
    free(d);
    r->n_dirs--;
}

static void expire(sf_sctp_reasm_t *r, const sf_msg_meta_t *m)
{
    /* the LRU list is in last-seen order: stop at the first live one */
    for (uint32_t n = r->n_dirs, i = 0; i < n && r->oldest; i++) {
        dir_t *d = r->oldest;
        if (sf_ts_diff_ns(m->ts, d->last) <= r->cfg.timeout_ns) break;
        frags_drop(r, d, m, SF_ANOM_SCTP_INCOMPLETE, "association idle past the timeout");
        dir_remove(r, d);
    }
}

static dir_t *dir_get(sf_sctp_reasm_t *r, const sf_msg_meta_t *m)
{
    dir_key_t k;
    key_make(&k, m, false);
    uint32_t h = key_hash(&k);
    dir_t *d = dir_find(r, &k, h);
    if (d) {
        lru_unlink(r, d);
        lru_append(r, d);
        d->last = m->ts;
        return d;
    }
    if (r->n_dirs >= r->cfg.max_directions && r->oldest) {
        frags_drop(r, r->oldest, m, SF_ANOM_SCTP_EVICTED, "association table full");
        dir_remove(r, r->oldest);
    }
    d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->key = k;
    d->hash = h;
    d->last = m->ts;
    d->hnext = r->buckets[h % N_BUCKETS];
    r->buckets[h % N_BUCKETS] = d;
    lru_append(r, d);
    r->n_dirs++;
    if (r->n_dirs > r->st.directions_peak) r->st.directions_peak = r->n_dirs;
    return d;
}

/* ABORT / SHUTDOWN COMPLETE: both directions of the association end. */
static void assoc_close(sf_sctp_reasm_t *r, const sf_msg_meta_t *m, const char *why)
{
    for (int rev = 0; rev < 2; rev++) {
        dir_key_t k;
        key_make(&k, m, rev != 0);
        dir_t *d = dir_find(r, &k, key_hash(&k));
        if (!d) continue;
        frags_drop(r, d, m, SF_ANOM_SCTP_INCOMPLETE, why);
        dir_remove(r, d);
    }
}

/* ---- retransmission detection ---- */

static bool tsn_bit(const dir_t *d, uint32_t tsn)
{
    uint32_t i = tsn % SF_SCTP_TSN_WINDOW;
    return (d->tsn_bits[i / 64] >> (i % 64)) & 1u;
}

static void tsn_set(dir_t *d, uint32_t tsn, bool on)
{
    uint32_t i = tsn % SF_SCTP_TSN_WINDOW;
    if (on)
        d->tsn_bits[i / 64] |= (uint64_t)1 << (i % 64);
    else
        d->tsn_bits[i / 64] &= ~((uint64_t)1 << (i % 64));
}

/* Marks tsn seen; true when it was seen before (a retransmission). A TSN
 * older than the window is taken as a late retransmission. */
static bool tsn_seen(dir_t *d, uint32_t tsn)
{
    if (!d->tsn_any) {
        d->tsn_any = true;
        d->tsn_hi = tsn;
        memset(d->tsn_bits, 0, sizeof d->tsn_bits);
        tsn_set(d, tsn, true);
        return false;
    }
    int32_t delta = (int32_t)(tsn - d->tsn_hi); /* RFC 1982 */
    if (delta > 0) {
        if ((uint32_t)delta >= SF_SCTP_TSN_WINDOW) {
            memset(d->tsn_bits, 0, sizeof d->tsn_bits);
        } else {
            for (uint32_t t = d->tsn_hi + 1; t != tsn; t++)
                tsn_set(d, t, false);
        }
        d->tsn_hi = tsn;
        tsn_set(d, tsn, true);
        return false;
    }
    if (delta <= -(int32_t)SF_SCTP_TSN_WINDOW) return true;
    if (tsn_bit(d, tsn)) return true;
    tsn_set(d, tsn, true);
    return false;
}

/* ---- fragments ---- */

static int frag_cmp(const frag_t *a, const frag_t *b)
{
    if (a->idata != b->idata) return a->idata ? 1 : -1;
    if (a->stream != b->stream) return a->stream < b->stream ? -1 : 1;
    if (a->idata) {
        uint8_t ua = a->flags & SF_SCTP_FLAG_U, ub = b->flags & SF_SCTP_FLAG_U;
        if (ua != ub) return ua < ub ? -1 : 1;
        if (a->mid != b->mid) return a->mid < b->mid ? -1 : 1;
    }
    int32_t delta = (int32_t)(a->seq - b->seq);
    return delta < 0 ? -1 : delta > 0;
}

/* b follows a in the same message group */
static bool frag_next(const frag_t *a, const frag_t *b)
{
    if (a->idata != b->idata || a->stream != b->stream) return false;
    if (a->idata &&
        (a->mid != b->mid || (a->flags & SF_SCTP_FLAG_U) != (b->flags & SF_SCTP_FLAG_U)))
        return false;
    return b->seq == a->seq + 1u;
}

static uint8_t *frag_data(frag_t *f)
{
    return (uint8_t *)(f->frames + f->n_frames);
}

static bool grow_scratch(sf_sctp_reasm_t *r, uint32_t need)
{
    if (need <= r->scratch_cap) return true;
    uint32_t cap = r->scratch_cap ? r->scratch_cap : 4096;
    while (cap < need)
        cap = cap > UINT32_MAX / 2 ? need : cap * 2;
    uint8_t *p = realloc(r->scratch, cap);
    if (!p) return false;
    r->scratch = p;
    r->scratch_cap = cap;
    return true;
}

static void deliver(sf_sctp_reasm_t *r, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len,
                    uint32_t ppid, uint16_t stream, uint8_t flags, uint32_t fragments)
{
    if (ppid != SF_SCTP_PPID_UNSPECIFIED) {
        r->st.other_ppid++;
        return;
    }
    r->st.messages++;
    if (fragments > 1) r->st.reassembled++;
    sf_sctp_message_t msg = {
        .meta = meta,
        .data = p,
        .len = len,
        .ppid = ppid,
        .stream = stream,
        .unordered = (flags & SF_SCTP_FLAG_U) != 0,
        .fragments = fragments,
    };
    if (r->sink.message) r->sink.message(r->sink.user, &msg);
}

/* Removes frags[a..b] (inclusive) from d, freeing them. */
static void frags_remove_run(sf_sctp_reasm_t *r, dir_t *d, uint32_t a, uint32_t b)
{
    for (uint32_t i = a; i <= b; i++) {
        d->bytes -= d->frags[i]->len;
        r->bytes -= d->frags[i]->len;
        free(d->frags[i]);
    }
    memmove(&d->frags[a], &d->frags[b + 1], (d->n_frags - b - 1) * sizeof d->frags[0]);
    d->n_frags -= b - a + 1;
}

/* After inserting frags[i]: a complete run B..E through it is delivered. */
static void try_complete(sf_sctp_reasm_t *r, dir_t *d, const sf_msg_meta_t *meta, uint32_t i)
{
    uint32_t a = i, b = i;
    while (!(d->frags[a]->flags & SF_SCTP_FLAG_B)) {
        if (a == 0 || !frag_next(d->frags[a - 1], d->frags[a])) return;
        a--;
        if (d->frags[a]->flags & SF_SCTP_FLAG_E) return; /* an earlier message's end */
    }
    while (!(d->frags[b]->flags & SF_SCTP_FLAG_E)) {
        if (b + 1 >= d->n_frags || !frag_next(d->frags[b], d->frags[b + 1])) return;
        b++;
        if (d->frags[b]->flags & SF_SCTP_FLAG_B) return; /* a later message's start */
    }
    uint64_t total = 0;
    for (uint32_t j = a; j <= b; j++)
        total += d->frags[j]->len;
    if (total > r->cfg.max_message || !grow_scratch(r, (uint32_t)total)) {
        r->st.evicted += b - a + 1;
        sf_anomaly_emit(&r->anom, meta->file, sf_msg_meta_last_frame(meta), meta->ts,
                        SF_ANOM_SCTP_EVICTED, "user message of %llu bytes over the %u-byte cap",
                        (unsigned long long)total, r->cfg.max_message);
        frags_remove_run(r, d, a, b);
        return;
    }
    sf_msg_meta_t *out = &r->out;
    *out = *meta;
    out->transport = SF_TRANSPORT_SCTP;
    sf_msg_meta_clear_frames(out);
    uint32_t off = 0;
    for (uint32_t j = a; j <= b; j++) {
        frag_t *f = d->frags[j];
        memcpy(r->scratch + off, frag_data(f), f->len);
        off += f->len;
        for (uint32_t k = 0; k < f->n_frames; k++)
            sf_msg_meta_add_frame(out, f->frames[k]);
    }
    frag_t *first = d->frags[a];
    uint32_t ppid = first->ppid, n = b - a + 1;
    uint16_t stream = first->stream;
    uint8_t flags = first->flags;
    frags_remove_run(r, d, a, b);
    deliver(r, out, r->scratch, off, ppid, stream, flags, n);
}

/* Position where f belongs (first element not less than f). */
static uint32_t frag_lower_bound(const dir_t *d, const frag_t *f)
{
    uint32_t lo = 0, hi = d->n_frags;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (frag_cmp(d->frags[mid], f) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Makes room for len more bytes in d and in total, evicting (counted). */
static bool make_room(sf_sctp_reasm_t *r, dir_t *d, const sf_msg_meta_t *m, uint32_t len)
{
    if (len > r->cfg.max_message || len > r->cfg.max_assoc_bytes || len > r->cfg.max_bytes) {
        r->st.evicted++;
        emit(r, m, SF_ANOM_SCTP_EVICTED, "DATA fragment larger than the reassembly caps");
        return false;
    }
    if (d->n_frags >= r->cfg.max_fragments || d->bytes + len > r->cfg.max_assoc_bytes)
        frags_drop(r, d, m, SF_ANOM_SCTP_EVICTED, "per-association fragment cap reached");
    /* oldest associations give way first; bounded by the table size */
    for (uint32_t i = 0; i <= r->n_dirs && r->bytes + len > r->cfg.max_bytes; i++) {
        dir_t *o = r->oldest;
        while (o && o->n_frags == 0)
            o = o->next;
        if (!o) break;
        frags_drop(r, o, m, SF_ANOM_SCTP_EVICTED, "total fragment memory cap reached");
    }
    if (d->n_frags == d->cap_frags) {
        uint32_t cap = d->cap_frags ? d->cap_frags * 2 : 8;
        if (cap > r->cfg.max_fragments) cap = r->cfg.max_fragments;
        frag_t **nf = realloc(d->frags, cap * sizeof *nf);
        if (!nf) return false;
        d->frags = nf;
        d->cap_frags = cap;
    }
    return true;
}

static void store_fragment(sf_sctp_reasm_t *r, dir_t *d, const sf_msg_meta_t *m,
                           const sf_sctp_data_t *c)
{
    if (!make_room(r, d, m, c->len)) return;
    uint32_t nfr = m->n_frames ? m->n_frames : 1;
    frag_t *f = malloc(sizeof *f + nfr * sizeof f->frames[0] + c->len);
    if (!f) return;
    f->idata = c->idata;
    f->flags = c->flags;
    f->stream = c->stream;
    f->mid = c->mid;
    f->seq = c->idata ? c->fsn : c->tsn;
    f->tsn = c->tsn;
    f->ppid = c->ppid;
    f->len = c->len;
    f->n_frames = nfr;
    if (m->n_frames)
        memcpy(f->frames, m->frames, nfr * sizeof f->frames[0]);
    else
        f->frames[0] = 0;
    memcpy(frag_data(f), c->data, c->len);
    uint32_t i = frag_lower_bound(d, f);
    if (i < d->n_frags && frag_cmp(d->frags[i], f) == 0) {
        /* same position, different TSN: two chunks claim one place in a
         * message (I-DATA FSN reused, or TSN reuse across a wrap) */
        r->st.conflicts++;
        emit(r, m, SF_ANOM_SCTP_CONFLICT, "two DATA chunks claim the same place in a message");
        free(f);
        return;
    }
    memmove(&d->frags[i + 1], &d->frags[i], (d->n_frags - i) * sizeof d->frags[0]);
    d->frags[i] = f;
    d->n_frags++;
    d->bytes += c->len;
    r->bytes += c->len;
    if (r->bytes > r->st.pending_peak) r->st.pending_peak = r->bytes;
    try_complete(r, d, m, i);
}

static void on_data(sf_sctp_reasm_t *r, const sf_msg_meta_t *m, uint32_t vtag,
                    const sf_sctp_data_t *c)
{
    r->st.data_chunks++;
    /* DATA of another protocol is skipped at once; I-DATA is judged at
     * delivery, since only its first fragment carries the PPID */
    if (c->ppid != SF_SCTP_PPID_UNSPECIFIED && !c->idata) {
        r->st.other_ppid++;
        return;
    }
    dir_t *d = dir_get(r, m);
    if (!d) return;
    if (d->has_vtag && d->vtag != vtag) {
        frags_drop(r, d, m, SF_ANOM_SCTP_INCOMPLETE,
                   "verification tag changed: association restarted (RFC 9260 5.2.4)");
        d->tsn_any = false;
    }
    d->vtag = vtag;
    d->has_vtag = true;
    if (tsn_seen(d, c->tsn)) {
        r->st.duplicates++;
        /* a retransmitted fragment still pending must carry the same bytes */
        for (uint32_t i = 0; i < d->n_frags; i++) {
            frag_t *f = d->frags[i];
            if (f->tsn != c->tsn) continue;
            if (f->len != c->len || memcmp(frag_data(f), c->data, c->len) != 0) {
                r->st.conflicts++;
                emit(r, m, SF_ANOM_SCTP_CONFLICT,
                     "retransmitted DATA chunk differs from the first copy (first copy kept)");
            }
            break;
        }
        return;
    }
    uint8_t be = SF_SCTP_FLAG_B | SF_SCTP_FLAG_E;
    if ((c->flags & be) == be) {
        /* a whole message in one chunk: in place */
        deliver(r, m, c->data, c->len, c->ppid, c->stream, c->flags, 1);
        return;
    }
    store_fragment(r, d, m, c);
}

void sf_sctp_reasm_packet(sf_sctp_reasm_t *r, const sf_msg_meta_t *meta, const uint8_t *p,
                          uint32_t len, bool truncated)
{
    r->st.packets++;
    expire(r, meta);
    sf_sctp_header_t h;
    if (!sf_sctp_parse_header(p, len, &h)) {
        if (!truncated) {
            r->st.malformed++;
            emit(r, meta, SF_ANOM_SCTP_MALFORMED, "SCTP common header cut short");
        }
        return;
    }
    uint32_t off = SF_SCTP_HEADER_LEN;
    /* every chunk takes at least 4 bytes: the walk is bounded by len / 4 */
    for (uint32_t guard = 0; guard <= len / 4; guard++) {
        sf_sctp_chunk_t c;
        const char *why = NULL;
        sf_sctp_result_t res = sf_sctp_next_chunk(p, len, &off, &c, &why);
        if (res == SF_SCTP_END) break;
        if (res != SF_SCTP_OK) {
            /* a snaplen cut is reported as ip-truncated already */
            if (res == SF_SCTP_TRUNCATED && truncated) break;
            r->st.malformed++;
            emit(r, meta, SF_ANOM_SCTP_MALFORMED, why);
            break;
        }
        r->st.chunks++;
        switch (c.type) {
        case SF_SCTP_CHUNK_DATA:
        case SF_SCTP_CHUNK_I_DATA: {
            sf_sctp_data_t dc;
            if (sf_sctp_parse_data(&c, &dc, &why) != SF_SCTP_OK) {
                r->st.malformed++;
                emit(r, meta, SF_ANOM_SCTP_MALFORMED, why);
                continue;
            }
            on_data(r, meta, h.vtag, &dc);
            break;
        }
        case SF_SCTP_CHUNK_ABORT:
            assoc_close(r, meta, "association aborted (ABORT)");
            break;
        case SF_SCTP_CHUNK_SHUTDOWN_COMPLETE:
            assoc_close(r, meta, "association shut down (SHUTDOWN COMPLETE)");
            break;
        default:
            break; /* INIT, SACK, HEARTBEAT, ...: nothing to reassemble */
        }
    }
}

void sf_sctp_reasm_finish(sf_sctp_reasm_t *r)
{
    while (r->oldest) {
        dir_t *d = r->oldest;
        if (d->n_frags) {
            sf_msg_meta_t m;
            memset(&m, 0, sizeof m);
            m.file = d->key.file;
            m.ts = d->last;
            /* the last frame that brought a fragment of this direction */
            for (uint32_t i = 0; i < d->n_frags; i++) {
                frag_t *f = d->frags[i];
                uint64_t fr = f->frames[f->n_frames - 1];
                if (m.n_frames == 0 || fr > m.frames[0]) m.frames[0] = fr;
                m.n_frames = 1;
            }
            frags_drop(r, d, &m, SF_ANOM_SCTP_INCOMPLETE, "end of capture");
        }
        dir_remove(r, d);
    }
}

void sf_sctp_reasm_get_stats(const sf_sctp_reasm_t *r, sf_sctp_stats_t *st)
{
    *st = r->st;
}

void sf_sctp_reasm_destroy(sf_sctp_reasm_t *r)
{
    if (!r) return;
    while (r->oldest)
        dir_remove(r, r->oldest);
    free(r->scratch);
    free(r);
}
