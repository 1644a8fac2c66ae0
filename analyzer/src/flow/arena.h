/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A chunked bump allocator: many small strings of one call live and die
 * together, so they come from a few blocks instead of one malloc each.
 * Pointers stay valid until sf_arena_free(). Internal to flow/. */
#ifndef SF_ARENA_H
#define SF_ARENA_H

#include <stddef.h>

typedef struct sf_arena_block {
    struct sf_arena_block *next;
    size_t used, size;
    /* data follows, max_align_t aligned */
} sf_arena_block_t;

typedef struct sf_arena {
    sf_arena_block_t *head;
    size_t total; /* bytes obtained from malloc */
} sf_arena_t;

void *sf_arena_alloc(sf_arena_t *a, size_t n);
char *sf_arena_strndup(sf_arena_t *a, const char *s, size_t n);
void sf_arena_free(sf_arena_t *a);

#endif
