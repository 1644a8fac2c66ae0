/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Duplicate detection (sipflow/duplicate.h): a ring of recent messages
 * with a chained bucket index. Links carry the generation of the entry
 * they point to, so an entry the ring has reused simply ends the chain:
 * nothing is ever unlinked. */
#include "sipflow/duplicate.h"

#include <stdlib.h>
#include <string.h>

#include "hash_map.h"

/* Entries compared per lookup: a chain only grows long with many equal
 * hashes inside one window (a flood of one message), and then the cost
 * per message stays bounded; the rest are taken as new. */
#define DUP_MAX_WALK 64

/* A link carries the time of the entry it points to, so a lookup can tell
 * "nothing recent here" without touching the ring: the ring is far larger
 * than the window usually needs, and loading a stale entry was a cache
 * miss per message (measured: most of this stage's cost). */
typedef struct link {
    uint64_t gen; /* 0: none */
    int64_t ns;   /* capture time of that entry */
} link_t;

typedef struct entry {
    uint64_t gen; /* 1-based insertion number; 0: empty */
    uint64_t hash;
    link_t next; /* the older entry in the same bucket */
    int64_t ns;
    uint32_t len;
    uint32_t file, iface;
    uint16_t ip_id;
    bool has_ip_id;
    sf_dup_first_t first;
} entry_t;

struct sf_dup_table {
    int64_t window_ns;
    entry_t *ring;
    uint32_t mask; /* ring size - 1 */
    link_t *buckets;
    uint32_t bmask; /* buckets - 1 (a quarter of the ring) */
    uint64_t gen;   /* last generation handed out */
    sf_dup_stats_t st;
};

static uint32_t pow2_at_least(uint32_t n)
{
    uint32_t p = 16;
    while (p < n && p < (1u << 24))
        p <<= 1;
    return p;
}

sf_dup_table_t *sf_dup_create(const sf_dup_config_t *cfg)
{
    if (!cfg || cfg->window_ns <= 0) return NULL;
    sf_dup_table_t *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    uint32_t n = pow2_at_least(cfg->max_entries ? cfg->max_entries : SF_DUP_DEFAULT_MAX);
    t->window_ns = cfg->window_ns;
    t->mask = n - 1;
    /* Buckets are looked up at random once per message, so the index must
     * stay in cache: a quarter of the ring (64 KiB by default). Chains stay
     * short because only entries inside the window are walked: the ring
     * is sized for bursts, while a window usually holds a few hundred
     * messages. */
    t->bmask = n / 4 - 1;
    t->ring = calloc(n, sizeof *t->ring);
    t->buckets = calloc((size_t)t->bmask + 1, sizeof *t->buckets);
    if (!t->ring || !t->buckets) {
        sf_dup_destroy(t);
        return NULL;
    }
    return t;
}

void sf_dup_destroy(sf_dup_table_t *t)
{
    if (!t) return;
    free(t->ring);
    free(t->buckets);
    free(t);
}

#define K0 SF_HASH_K0
#define K1 SF_HASH_K1
#define K2 SF_HASH_K2
#define K3 SF_HASH_K3

/* Every message is hashed whole, so this must stay far below the engine's
 * per-message cost: four independent lanes over 64-byte blocks (each lane
 * a multiply per 16 bytes; the four multiplies overlap instead of waiting
 * on each other), then up to three 16-byte steps and the last 16 bytes as
 * two overlapping loads, with no byte loop. Not cryptographic (see
 * README's limits). */
uint64_t sf_dup_hash(const char *buf, uint32_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    uint64_t a, b, h;
    if (len <= 16) {
        sf_hash_short(s, len, &a, &b);
        h = K0;
    } else {
        uint64_t s0 = K0, s1 = K1, s2 = K2, s3 = K3;
        uint32_t n = len;
        /* one constant for every lane (the lanes differ by their start):
         * five live constants made the compiler spill in the loop */
        for (; n > 64; s += 64, n -= 64) {
            s0 = sf_mix64(sf_load64(s) ^ K2, sf_load64(s + 8) ^ s0);
            s1 = sf_mix64(sf_load64(s + 16) ^ K2, sf_load64(s + 24) ^ s1);
            s2 = sf_mix64(sf_load64(s + 32) ^ K2, sf_load64(s + 40) ^ s2);
            s3 = sf_mix64(sf_load64(s + 48) ^ K2, sf_load64(s + 56) ^ s3);
        }
        /* 1..64 bytes left: whole 16-byte steps but the last, which the
         * overlapping final load covers */
        if (n > 16) s0 = sf_mix64(sf_load64(s) ^ K2, sf_load64(s + 8) ^ s0);
        if (n > 32) s1 = sf_mix64(sf_load64(s + 16) ^ K2, sf_load64(s + 24) ^ s1);
        if (n > 48) s2 = sf_mix64(sf_load64(s + 32) ^ K2, sf_load64(s + 40) ^ s2);
        a = sf_load64(s + n - 16);
        b = sf_load64(s + n - 8);
        h = s0 ^ s1 ^ s2 ^ s3;
    }
    h = sf_mix64(a ^ K1, b ^ h);
    h = sf_mix64(h ^ K2, (uint64_t)len ^ K3);
    return h ? h : 1;
}

static inline entry_t *by_gen(const sf_dup_table_t *t, uint64_t gen)
{
    /* a generation more than a ring's length old has been overwritten */
    if (!gen || t->gen - gen > t->mask) return NULL;
    entry_t *e = &t->ring[gen & t->mask];
    return e->gen == gen ? e : NULL;
}

static inline int64_t meta_ns(const sf_msg_meta_t *m)
{
    /* capture times past +-292 years do not occur in real files; clamp so
     * hostile ones cannot overflow */
    int64_t s = m->ts.sec;
    if (s > 4000000000LL) s = 4000000000LL;
    if (s < -4000000000LL) s = -4000000000LL;
    return s * 1000000000 + (int64_t)(m->ts.nsec % 1000000000u);
}

static bool is_copy(const entry_t *e, const sf_msg_meta_t *m)
{
    if (e->file != m->file || e->iface != m->iface) return true; /* another point */
    /* the same point: only the very same datagram, captured twice */
    return e->has_ip_id && m->has_ip_id && e->ip_id == m->ip_id;
}

void sf_dup_prefetch(const sf_dup_table_t *t, uint64_t h)
{
    if (t) __builtin_prefetch(&t->buckets[h & t->bmask]);
}

const sf_dup_first_t *sf_dup_check(sf_dup_table_t *t, const sf_msg_meta_t *meta,
                                   const sf_sip_msg_t *msg, uint64_t h, uint64_t *slot)
{
    t->st.checked++;
    int64_t now = meta_ns(meta);
    link_t *b = &t->buckets[h & t->bmask];
    /* newest first */
    link_t l = *b;
    for (uint32_t n = 0; n < DUP_MAX_WALK; n++) {
        int64_t age = now - l.ns;
        if (age > t->window_ns) break; /* the rest is older still */
        const entry_t *e = by_gen(t, l.gen);
        if (!e) break;
        if (e->hash == h && e->len == msg->len && age >= -t->window_ns && is_copy(e, meta)) {
            t->st.duplicates++;
            return &e->first;
        }
        l = e->next;
    }
    /* new: take the oldest ring slot */
    uint64_t gen = ++t->gen;
    entry_t *e = &t->ring[gen & t->mask];
    if (e->gen && now - e->ns <= t->window_ns) t->st.evicted++;
    memset(e, 0, sizeof *e);
    e->gen = gen;
    e->hash = h;
    e->next = *b;
    e->ns = now;
    e->len = msg->len;
    e->file = meta->file;
    e->iface = meta->iface;
    e->ip_id = meta->ip_id;
    e->has_ip_id = meta->has_ip_id;
    e->first.file = meta->file;
    e->first.frame = sf_msg_meta_last_frame(meta);
    b->gen = gen;
    b->ns = now;
    *slot = gen;
    return NULL;
}

void sf_dup_note(sf_dup_table_t *t, uint64_t slot, const sf_msg_info_t *info)
{
    entry_t *e = by_gen(t, slot);
    if (!e) return;
    sf_dup_first_t *f = &e->first;
    f->seq = info->seq;
    f->call = info->call;
    f->dialog = info->dialog;
    f->txn = info->txn;
    f->registration = info->registration;
    f->hop = info->hop;
    f->txn_state = info->txn_state;
    f->dialog_state = info->dialog_state;
    f->retransmission = info->retransmission;
}

void sf_dup_get_stats(const sf_dup_table_t *t, sf_dup_stats_t *st)
{
    *st = t->st;
}
