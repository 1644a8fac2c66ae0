/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bounded IPv4/IPv6 fragment reassembly; policies in sipflow/ip_defrag.h.
 *
 * A small chained hash table (intrusive bucket chains) finds the pending
 * datagram; a doubly linked age list ordered by first fragment serves both
 * the idle timeout (expire from the old end) and eviction at the caps
 * (evict from the old end). Each datagram holds its fragments in a list
 * sorted by offset with a tail pointer, so in-order arrival appends in
 * O(1). Stored ranges never overlap, so the datagram is complete exactly
 * when the last fragment is known and the stored bytes add up to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/ip_defrag.h"

#define DEFRAG_MAX_LEN 65535u
#define MAX_BUCKETS (1u << 20)
#define FREE_LIST_MAX 64u

typedef struct frag_node {
    struct frag_node *next;
    uint32_t off, len;
    uint64_t frame;
    uint8_t data[];
} frag_node_t;

typedef struct dgram {
    struct dgram *hnext;         /* bucket chain */
    struct dgram *older, *newer; /* age list */
    uint32_t hash;
    uint8_t version;
    uint8_t key_proto; /* IPv4 key part; 0 for IPv6 */
    uint8_t proto;     /* protocol from the offset-0 fragment */
    bool has_last, dead;
    uint8_t src[16], dst[16];
    uint32_t id, file;
    uint16_t vlan;
    uint32_t total;    /* valid when has_last */
    uint32_t received; /* payload bytes held */
    uint64_t held;     /* bytes charged against max_bytes */
    frag_node_t *head, *tail;
    uint64_t first_frame;
    sf_ts_t first_ts;
} dgram_t;

struct sf_defrag {
    sf_defrag_config_t cfg;
    sf_anomaly_sink_t sink;
    dgram_t **buckets;
    uint32_t mask;
    dgram_t *oldest, *newest;
    dgram_t *free_list;
    uint32_t n_free;
    sf_defrag_stats_t st;
    uint8_t buf[DEFRAG_MAX_LEN + 1];
};

void sf_defrag_config_default(sf_defrag_config_t *cfg)
{
    cfg->max_bytes = 16u << 20;
    cfg->max_datagrams = 8192;
    cfg->timeout_ns = 30LL * 1000000000LL;
}

sf_defrag_t *sf_defrag_create(const sf_defrag_config_t *cfg, const sf_anomaly_sink_t *anomalies)
{
    sf_defrag_t *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    if (cfg)
        d->cfg = *cfg;
    else
        sf_defrag_config_default(&d->cfg);
    if (d->cfg.max_datagrams == 0) d->cfg.max_datagrams = 1;
    if (anomalies) d->sink = *anomalies;
    uint32_t nb = 16;
    while (nb < d->cfg.max_datagrams && nb < MAX_BUCKETS)
        nb <<= 1;
    d->buckets = calloc(nb, sizeof *d->buckets);
    if (!d->buckets) {
        free(d);
        return NULL;
    }
    d->mask = nb - 1;
    return d;
}

static uint32_t key_hash(const sf_defrag_frag_t *f)
{
    /* FNV-1a over the key fields. */
    uint32_t h = 2166136261u;
    unsigned alen = f->version == 4 ? 4 : 16;
#define MIX(b) (h = (h ^ (uint8_t)(b)) * 16777619u)
    for (unsigned i = 0; i < alen; i++)
        MIX(f->src[i]);
    for (unsigned i = 0; i < alen; i++)
        MIX(f->dst[i]);
    for (unsigned i = 0; i < 32; i += 8)
        MIX(f->id >> i);
    for (unsigned i = 0; i < 32; i += 8)
        MIX(f->file >> i);
    MIX(f->vlan);
    MIX(f->vlan >> 8);
    MIX(f->version == 4 ? f->proto : 0);
    MIX(f->version);
#undef MIX
    return h;
}

static bool key_eq(const dgram_t *g, const sf_defrag_frag_t *f, uint32_t h)
{
    unsigned alen = f->version == 4 ? 4 : 16;
    return g->hash == h && g->version == f->version && g->id == f->id && g->file == f->file &&
           g->vlan == f->vlan && g->key_proto == (f->version == 4 ? f->proto : 0) &&
           memcmp(g->src, f->src, alen) == 0 && memcmp(g->dst, f->dst, alen) == 0;
}

static void free_nodes(sf_defrag_t *d, dgram_t *g)
{
    for (frag_node_t *n = g->head, *next; n; n = next) {
        next = n->next;
        free(n);
    }
    g->head = g->tail = NULL;
    d->st.pending_bytes -= g->held;
    g->held = 0;
    g->received = 0;
}

static void release(sf_defrag_t *d, dgram_t *g)
{
    free_nodes(d, g);
    dgram_t **pp = &d->buckets[g->hash & d->mask];
    while (*pp && *pp != g)
        pp = &(*pp)->hnext;
    if (*pp) *pp = g->hnext;
    if (g->older)
        g->older->newer = g->newer;
    else
        d->oldest = g->newer;
    if (g->newer)
        g->newer->older = g->older;
    else
        d->newest = g->older;
    d->st.pending_datagrams--;
    if (d->n_free < FREE_LIST_MAX) {
        g->hnext = d->free_list;
        d->free_list = g;
        d->n_free++;
    } else {
        free(g);
    }
}

static void report(sf_defrag_t *d, const dgram_t *g, sf_anomaly_kind_t kind, const char *what)
{
    char total[16] = "?";
    if (g->has_last) snprintf(total, sizeof total, "%u", g->total);
    sf_anomaly_emit(&d->sink, g->file, g->first_frame, g->first_ts, kind,
                    "IPv%u datagram id 0x%x %s (%u of %s bytes held)", g->version, g->id, what,
                    g->received, total);
}

static void evict(sf_defrag_t *d, dgram_t *g)
{
    if (!g->dead) {
        d->st.evicted++;
        report(d, g, SF_ANOM_FRAG_EVICTED, "evicted at the fragment memory cap");
    }
    release(d, g);
}

void sf_defrag_expire(sf_defrag_t *d, sf_ts_t now)
{
    while (d->oldest && sf_ts_diff_ns(now, d->oldest->first_ts) > d->cfg.timeout_ns) {
        dgram_t *g = d->oldest;
        if (!g->dead) {
            d->st.incomplete++;
            report(d, g, SF_ANOM_FRAG_INCOMPLETE, "timed out incomplete");
        }
        release(d, g);
    }
}

static dgram_t *create_dgram(sf_defrag_t *d, const sf_defrag_frag_t *f, uint32_t h)
{
    while (d->st.pending_datagrams >= d->cfg.max_datagrams && d->oldest)
        evict(d, d->oldest);
    dgram_t *g = d->free_list;
    if (g) {
        d->free_list = g->hnext;
        d->n_free--;
    } else {
        g = malloc(sizeof *g);
        if (!g) return NULL;
    }
    memset(g, 0, sizeof *g);
    unsigned alen = f->version == 4 ? 4 : 16;
    g->hash = h;
    g->version = f->version;
    g->key_proto = f->version == 4 ? f->proto : 0;
    memcpy(g->src, f->src, alen);
    memcpy(g->dst, f->dst, alen);
    g->id = f->id;
    g->file = f->file;
    g->vlan = f->vlan;
    g->first_frame = f->frame;
    g->first_ts = f->ts;
    g->hnext = d->buckets[h & d->mask];
    d->buckets[h & d->mask] = g;
    g->older = d->newest;
    if (d->newest)
        d->newest->newer = g;
    else
        d->oldest = g;
    d->newest = g;
    d->st.pending_datagrams++;
    return g;
}

/* Makes room for `need` more held bytes, evicting the oldest datagrams
 * other than g. False when even that is not enough. */
static bool make_room(sf_defrag_t *d, dgram_t *g, uint64_t need)
{
    dgram_t *v = d->oldest;
    while (d->st.pending_bytes + need > d->cfg.max_bytes && v) {
        dgram_t *next = v->newer;
        if (v != g) evict(d, v);
        v = next;
    }
    return d->st.pending_bytes + need <= d->cfg.max_bytes;
}

static bool add_node(sf_defrag_t *d, dgram_t *g, frag_node_t *prev, const sf_defrag_frag_t *f,
                     uint32_t off, uint32_t len)
{
    frag_node_t *n = malloc(sizeof *n + len);
    if (!n) return false;
    n->off = off;
    n->len = len;
    n->frame = f->frame;
    memcpy(n->data, f->data + (off - f->offset), len);
    if (prev) {
        n->next = prev->next;
        prev->next = n;
    } else {
        n->next = g->head;
        g->head = n;
    }
    if (!n->next) g->tail = n;
    uint64_t cost = sizeof *n + len;
    g->held += cost;
    g->received += len;
    d->st.pending_bytes += cost;
    if (d->st.pending_bytes > d->st.pending_peak) d->st.pending_peak = d->st.pending_bytes;
    return true;
}

static void malformed(sf_defrag_t *d, const sf_defrag_frag_t *f, const char *why)
{
    d->st.malformed++;
    sf_anomaly_emit(&d->sink, f->file, f->frame, f->ts, SF_ANOM_IP_MALFORMED,
                    "IPv%u fragment id 0x%x offset %u length %u: %s", f->version, f->id, f->offset,
                    f->len, why);
}

/* Inserts f's range; returns -1 on a duplicate, 1 when it overlapped,
 * 0 otherwise. With reject_overlap nothing is stored on an overlap. */
static int insert(sf_defrag_t *d, dgram_t *g, const sf_defrag_frag_t *f, bool reject_overlap)
{
    uint32_t s = f->offset, e = f->offset + f->len;
    /* Fast path: in-order arrival appends after the tail. */
    if (!g->tail || s >= g->tail->off + g->tail->len) {
        add_node(d, g, g->tail, f, s, f->len);
        return 0;
    }
    frag_node_t *prev = NULL, *n = g->head;
    while (n && n->off + n->len <= s) {
        prev = n;
        n = n->next;
    }
    /* n is the first node ending after s. */
    if (n && n->off == s && n->len == f->len) return -1;
    bool overlap = n && n->off < e;
    if (!overlap) {
        add_node(d, g, prev, f, s, f->len);
        return 0;
    }
    if (reject_overlap) return 1;
    /* First copy wins: store only the holes inside [s, e). */
    while (s < e) {
        if (!n || n->off >= e) {
            add_node(d, g, prev, f, s, e - s);
            break;
        }
        if (n->off > s) {
            if (!add_node(d, g, prev, f, s, n->off - s)) break;
            s = n->off;
        }
        uint32_t nend = n->off + n->len;
        s = nend < e ? nend : e;
        prev = n;
        n = n->next;
    }
    return 1;
}

sf_defrag_result_t sf_defrag_push(sf_defrag_t *d, const sf_defrag_frag_t *f, sf_defrag_out_t *out,
                                  sf_msg_meta_t *frames)
{
    d->st.fragments++;
    sf_defrag_expire(d, f->ts);
    if (f->len == 0) {
        malformed(d, f, "empty fragment");
        return SF_DEFRAG_DROPPED;
    }
    /* RFC 8200 4.5: every fragment but the last is a multiple of 8 long
     * (RFC 791 implies the same for IPv4). */
    if (f->more && (f->len & 7u)) {
        malformed(d, f, "non-last fragment length not a multiple of 8");
        return SF_DEFRAG_DROPPED;
    }
    uint32_t h = key_hash(f);
    dgram_t *g = d->buckets[h & d->mask];
    while (g && !key_eq(g, f, h))
        g = g->hnext;
    if (!g) g = create_dgram(d, f, h);
    if (!g) return SF_DEFRAG_DROPPED;
    if (g->dead) return SF_DEFRAG_DROPPED;

    uint64_t end = (uint64_t)f->offset + f->len;
    if (f->hdr_len + end > DEFRAG_MAX_LEN) {
        d->st.too_big++;
        sf_anomaly_emit(&d->sink, f->file, f->frame, f->ts, SF_ANOM_FRAG_TOO_BIG,
                        "IPv%u fragment id 0x%x ends at %llu, past 65535: datagram discarded",
                        f->version, f->id, (unsigned long long)(f->hdr_len + end));
        free_nodes(d, g);
        g->dead = true;
        return SF_DEFRAG_DROPPED;
    }
    uint32_t max_end = g->tail ? g->tail->off + g->tail->len : 0;
    if (!f->more) {
        if (g->has_last && g->total != end) {
            malformed(d, f, "second last fragment with a different end");
            return SF_DEFRAG_DROPPED;
        }
        if (!g->has_last && max_end > end) {
            malformed(d, f, "last fragment ends before data already held");
            return SF_DEFRAG_DROPPED;
        }
    } else if (g->has_last && end > g->total) {
        malformed(d, f, "fragment past the end of the datagram");
        return SF_DEFRAG_DROPPED;
    }

    if (!make_room(d, g, sizeof(frag_node_t) + f->len)) {
        evict(d, g);
        return SF_DEFRAG_DROPPED;
    }
    int r = insert(d, g, f, f->version == 6);
    if (r < 0) {
        d->st.duplicates++;
        return SF_DEFRAG_PENDING;
    }
    if (r > 0) {
        d->st.overlaps++;
        if (f->version == 6) {
            /* RFC 5722 4: discard the whole datagram. */
            sf_anomaly_emit(&d->sink, f->file, f->frame, f->ts, SF_ANOM_FRAG_OVERLAP,
                            "IPv6 fragment id 0x%x offset %u overlaps: datagram discarded "
                            "(RFC 5722)",
                            f->id, f->offset);
            free_nodes(d, g);
            g->dead = true;
            return SF_DEFRAG_DROPPED;
        }
        sf_anomaly_emit(&d->sink, f->file, f->frame, f->ts, SF_ANOM_FRAG_OVERLAP,
                        "IPv4 fragment id 0x%x offset %u length %u overlaps: first copy kept",
                        f->id, f->offset, f->len);
    }
    if (!f->more) {
        g->has_last = true;
        g->total = (uint32_t)end;
    }
    if (f->offset == 0) g->proto = f->proto;
    if (!g->has_last || g->received != g->total) return SF_DEFRAG_PENDING;

    uint32_t pos = 0;
    for (const frag_node_t *n = g->head; n; n = n->next) {
        memcpy(d->buf + pos, n->data, n->len);
        pos += n->len;
        if (frames) sf_msg_meta_add_frame(frames, n->frame);
    }
    if (frames) sf_msg_meta_add_frame(frames, f->frame);
    out->data = d->buf;
    out->len = pos;
    out->proto = g->proto;
    d->st.reassembled++;
    release(d, g);
    return SF_DEFRAG_DONE;
}

void sf_defrag_finish(sf_defrag_t *d)
{
    while (d->oldest) {
        dgram_t *g = d->oldest;
        if (!g->dead) {
            d->st.incomplete++;
            report(d, g, SF_ANOM_FRAG_INCOMPLETE, "incomplete at end of capture");
        }
        release(d, g);
    }
}

void sf_defrag_get_stats(const sf_defrag_t *d, sf_defrag_stats_t *st)
{
    *st = d->st;
}

void sf_defrag_destroy(sf_defrag_t *d)
{
    if (!d) return;
    while (d->oldest)
        release(d, d->oldest);
    while (d->free_list) {
        dgram_t *g = d->free_list;
        d->free_list = g->hnext;
        free(g);
    }
    free(d->buckets);
    free(d);
}
