/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small open-addressing hash map from a 64-bit hash to an object
 * pointer (linear probing, backward-shift deletion: no tombstones, so
 * lookups stay short however many objects come and go). The caller keeps
 * the key in the object and confirms a candidate with its own comparison:
 * lookups iterate the candidates with the same hash. Internal to flow/. */
#ifndef SF_HASH_MAP_H
#define SF_HASH_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct sf_hmap_slot {
    uint64_t hash; /* 0 = empty (hashes are forced non-zero) */
    void *obj;
} sf_hmap_slot_t;

typedef struct sf_hmap {
    sf_hmap_slot_t *slots;
    uint32_t mask;  /* capacity - 1 */
    uint32_t count;
} sf_hmap_t;

bool sf_hmap_init(sf_hmap_t *m, uint32_t initial_capacity);
void sf_hmap_free(sf_hmap_t *m);

/* Eight bytes at p, unaligned. */
static inline uint64_t sf_load64(const void *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* 64x64 -> 128-bit multiply folded to 64 bits: one multiply mixes 16
 * input bytes (the multiply-fold step of wyhash-style hashes). */
static inline uint64_t sf_mix64(uint64_t a, uint64_t b)
{
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Four bytes at p, unaligned. */
static inline uint64_t sf_load32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#define SF_HASH_K0 0xa0761d6478bd642full
#define SF_HASH_K1 0xe7037ed1a0b428dbull
#define SF_HASH_K2 0x8ebc6af09c88c6e3ull
#define SF_HASH_K3 0x589965cc75374cc3ull

/* n <= 16 bytes at s as two words, with no byte loop: two overlapping
 * loads cover every byte (8..16: first and last eight; 4..7: first and
 * last four; 1..3: first, middle and last byte). For a given n this is
 * one-to-one, so n must be hashed too. Reads nothing when n is 0 (an
 * absent field is (NULL, 0)). */
static inline void sf_hash_short(const unsigned char *s, size_t n, uint64_t *a, uint64_t *b)
{
    if (n >= 8) {
        *a = sf_load64(s);
        *b = sf_load64(s + n - 8);
    } else if (n >= 4) {
        *a = sf_load32(s);
        *b = sf_load32(s + n - 4);
    } else if (n) {
        *a = ((uint64_t)s[0] << 16) | ((uint64_t)s[n >> 1] << 8) | s[n - 1];
        *b = 0;
    } else {
        *a = *b = 0;
    }
}

/* n bytes from s to d (not overlapping) for the keys built per message:
 * a bounded memcpy there became rep movsq, slow to start for 10-40 bytes.
 * 16-byte moves, the last one overlapping, as sf_hash_short reads. */
static inline void sf_key_copy(char *d, const char *s, size_t n)
{
    if (n >= 16) {
        size_t i = 0;
        for (; i + 16 < n; i += 16)
            memcpy(d + i, s + i, 16);
        memcpy(d + n - 16, s + n - 16, 16);
    } else if (n >= 8) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n) {
        d[0] = s[0];
        d[n >> 1] = s[n >> 1];
        d[n - 1] = s[n - 1];
    }
}

/* Absorbs n bytes at p into state h, for hashing a record field by field
 * without copying it into a buffer (transaction.c). n itself is not
 * absorbed: the caller absorbs the fields' lengths first (in a word),
 * which keeps the encoding unambiguous. One multiply per 16 bytes. */
static inline uint64_t sf_hash_absorb(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t a, b;
    if (n <= 16) {
        sf_hash_short(s, n, &a, &b);
    } else {
        for (; n > 16; s += 16, n -= 16)
            h = sf_mix64(sf_load64(s) ^ SF_HASH_K2, sf_load64(s + 8) ^ h);
        a = sf_load64(s + n - 16); /* the last 16 bytes, overlapping */
        b = sf_load64(s + n - 8);
    }
    return sf_mix64(a ^ SF_HASH_K1, b ^ h);
}

/* The end of a hash built with sf_hash_absorb (never 0). */
static inline uint64_t sf_hash_fix(uint64_t h)
{
    return h ? h : 1;
}

static inline uint64_t sf_hash_finish(uint64_t h)
{
    return sf_hash_fix(sf_mix64(h ^ SF_HASH_K0, SF_HASH_K3));
}

/* 64-bit multiply-fold hash of bytes (not cryptographic), never 0. */
uint64_t sf_hash_bytes(uint64_t seed, const void *p, size_t n);

/* Iterates objects stored under hash h: start with *it = 0, call until
 * NULL. Inline: every message looks up two or three tables, and the call
 * cost as much as the probe. */
static inline void *sf_hmap_next(const sf_hmap_t *m, uint64_t h, uint32_t *it)
{
    if (!m->slots) return NULL;
    /* *it counts probes already done from the home slot */
    for (uint32_t i = *it; i <= m->mask; i++) {
        const sf_hmap_slot_t *s = &m->slots[(uint32_t)(h + i) & m->mask];
        if (s->hash == 0) break;
        if (s->hash == h) {
            *it = i + 1;
            return s->obj;
        }
    }
    *it = m->mask + 1;
    return NULL;
}
/* Inserts (duplicates allowed). Returns false when out of memory. */
bool sf_hmap_insert(sf_hmap_t *m, uint64_t h, void *obj);
/* Removes the entry holding obj under hash h. */
bool sf_hmap_remove(sf_hmap_t *m, uint64_t h, const void *obj);

#endif
