/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A chunked bump allocator: many small strings of one call live and die
 * together, so they come from a few blocks instead of one malloc each.
 * Pointers stay valid until sf_arena_free(). Internal to flow/. */
#ifndef SF_ARENA_H
#define SF_ARENA_H

#include <stdalign.h>
#include <stddef.h>
#include <string.h>

typedef struct sf_arena_block {
    struct sf_arena_block *next;
    size_t used, size;
    /* data follows, max_align_t aligned */
} sf_arena_block_t;

/* A block's header, rounded so its data is max_align_t aligned. */
#define SF_ARENA_HDR                                                                               \
    ((sizeof(sf_arena_block_t) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

typedef struct sf_arena {
    sf_arena_block_t *head;
    size_t total;          /* bytes obtained from malloc */
    sf_arena_block_t *own; /* the owner's first block (sf_arena_init), never freed */
} sf_arena_t;

/* Starts an arena on the owner's own memory (len bytes, max_align_t
 * aligned, at least SF_ARENA_HDR + 16): most owners need only that, and
 * then the arena costs no malloc at all. A zeroed arena works too (every
 * block from malloc). */
void sf_arena_init(sf_arena_t *a, void *mem, size_t len);
void *sf_arena_alloc(sf_arena_t *a, size_t n);
char *sf_arena_strndup_slow(sf_arena_t *a, const char *s, size_t n);

/* A copy of n bytes plus a terminator (strings are not aligned). Inline
 * while the newest block has room: about one string per message. */
static inline char *sf_arena_strndup(sf_arena_t *a, const char *s, size_t n)
{
    sf_arena_block_t *b = a->head;
    if (!b || b->size - b->used <= n) return sf_arena_strndup_slow(a, s, n);
    char *p = (char *)b + SF_ARENA_HDR + b->used;
    b->used += n + 1;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}
/* Frees the malloc'ed blocks; the arena is empty (and zeroed) after. */
void sf_arena_free(sf_arena_t *a);

#endif
