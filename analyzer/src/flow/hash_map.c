/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "hash_map.h"

#include <stdlib.h>
#include <string.h>

#include "page_alloc.h"

bool sf_hmap_init(sf_hmap_t *m, uint32_t cap)
{
    uint32_t c = 16;
    while (c < cap && c < (1u << 30)) c <<= 1;
    m->slots = sf_page_alloc((size_t)c * sizeof *m->slots);
    m->mask = c - 1;
    m->count = 0;
    return m->slots != NULL;
}

void sf_hmap_free(sf_hmap_t *m)
{
    if (m->slots) sf_page_free(m->slots, ((size_t)m->mask + 1) * sizeof *m->slots);
    memset(m, 0, sizeof *m);
}

uint64_t sf_hash_bytes(uint64_t seed, const void *p, size_t n)
{
    /* Keys are Call-IDs, tags and branches of 20-120 bytes, hashed several
     * times per message: sixteen bytes per multiply, in two independent
     * lanes (the multiplies overlap instead of waiting on each other), the
     * last 1-16 bytes as two overlapping loads instead of a byte loop, and
     * the length folded in at the end (wyhash's layout). */
    const unsigned char *s = p;
    uint64_t h = seed ^ SF_HASH_K0, a, b;
    if (n <= 16) {
        sf_hash_short(s, n, &a, &b);
    } else {
        uint64_t h1 = SF_HASH_K1;
        size_t i = n;
        for (; i > 32; s += 32, i -= 32) {
            h = sf_mix64(sf_load64(s) ^ SF_HASH_K2, sf_load64(s + 8) ^ h);
            h1 = sf_mix64(sf_load64(s + 16) ^ SF_HASH_K3, sf_load64(s + 24) ^ h1);
        }
        if (i > 16) {
            h = sf_mix64(sf_load64(s) ^ SF_HASH_K2, sf_load64(s + 8) ^ h);
            s += 16;
            i -= 16;
        }
        a = sf_load64(s + i - 16); /* the last 16 bytes, overlapping */
        b = sf_load64(s + i - 8);
        h ^= h1;
    }
    h = sf_mix64(a ^ SF_HASH_K1, b ^ h);
    return sf_hash_fix(sf_mix64(h ^ SF_HASH_K2, (uint64_t)n ^ SF_HASH_K1));
}

static bool grow(sf_hmap_t *m)
{
    uint32_t ncap = (m->mask + 1) * 2;
    if (ncap == 0 || ncap > (1u << 30)) return false;
    sf_hmap_slot_t *ns = sf_page_alloc((size_t)ncap * sizeof *ns);
    if (!ns) return false;
    for (uint32_t i = 0; i <= m->mask; i++) {
        sf_hmap_slot_t s = m->slots[i];
        if (!s.hash) continue;
        uint32_t j = (uint32_t)s.hash & (ncap - 1);
        while (ns[j].hash)
            j = (j + 1) & (ncap - 1);
        ns[j] = s;
    }
    sf_page_free(m->slots, ((size_t)m->mask + 1) * sizeof *m->slots);
    m->slots = ns;
    m->mask = ncap - 1;
    return true;
}

bool sf_hmap_insert(sf_hmap_t *m, uint64_t h, void *obj)
{
    /* keep the load factor under 1/2: probes stay short */
    if ((m->count + 1) * 2 > m->mask + 1 && !grow(m)) return false;
    uint32_t j = (uint32_t)h & m->mask;
    while (m->slots[j].hash)
        j = (j + 1) & m->mask;
    m->slots[j].hash = h;
    m->slots[j].obj = obj;
    m->count++;
    return true;
}

bool sf_hmap_remove(sf_hmap_t *m, uint64_t h, const void *obj)
{
    if (!m->slots) return false;
    uint32_t j = (uint32_t)h & m->mask;
    for (uint32_t n = 0; n <= m->mask; n++, j = (j + 1) & m->mask) {
        if (!m->slots[j].hash) return false;
        if (m->slots[j].hash == h && m->slots[j].obj == obj) break;
        if (n == m->mask) return false;
    }
    /* backward-shift deletion (Knuth 6.4 algorithm R) */
    uint32_t hole = j;
    for (;;) {
        j = (j + 1) & m->mask;
        sf_hmap_slot_t s = m->slots[j];
        if (!s.hash) break;
        uint32_t home = (uint32_t)s.hash & m->mask;
        /* can s move into the hole? only if home is not cyclically in (hole, j] */
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (stays) continue;
        m->slots[hole] = s;
        hole = j;
    }
    m->slots[hole].hash = 0;
    m->slots[hole].obj = NULL;
    m->count--;
    return true;
}
