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

/* 64-bit multiply-fold hash of bytes (not cryptographic), never 0. */
uint64_t sf_hash_bytes(uint64_t seed, const void *p, size_t n);
static inline uint64_t sf_hash_fix(uint64_t h)
{
    return h ? h : 1;
}

/* Iterates objects stored under hash h: start with *it = 0, call until
 * NULL. */
void *sf_hmap_next(const sf_hmap_t *m, uint64_t h, uint32_t *it);
/* Inserts (duplicates allowed). Returns false when out of memory. */
bool sf_hmap_insert(sf_hmap_t *m, uint64_t h, void *obj);
/* Removes the entry holding obj under hash h. */
bool sf_hmap_remove(sf_hmap_t *m, uint64_t h, const void *obj);

#endif
