/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void sf_arena_init(sf_arena_t *a, void *mem, size_t len)
{
    sf_arena_block_t *b = mem;
    b->next = NULL;
    b->used = 0;
    b->size = len - SF_ARENA_HDR;
    a->head = a->own = b;
    a->total = 0; /* the owner counts its own memory */
}

/* n bytes at the given alignment (a power of two up to max_align_t) from
 * the newest block, or from a new one twice the size of the last. */
static void *take(sf_arena_t *a, size_t n, size_t align)
{
    sf_arena_block_t *b = a->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->size || b->size - at < n) {
        size_t size = b ? b->size * 2 : 512;
        if (size > 65536) size = 65536;
        if (size < n) size = ALIGN_UP(n);
        b = malloc(SF_ARENA_HDR + size);
        if (!b) return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
        a->total += SF_ARENA_HDR + size;
        at = 0;
    }
    void *p = (char *)b + SF_ARENA_HDR + at;
    b->used = at + n;
    return p;
}

void *sf_arena_alloc(sf_arena_t *a, size_t n)
{
    return take(a, n, alignof(max_align_t));
}

char *sf_arena_strndup_slow(sf_arena_t *a, const char *s, size_t n)
{
    /* strings need no alignment: packed, a call's strings fit in its
     * first block far more often */
    char *p = take(a, n + 1, 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void sf_arena_free(sf_arena_t *a)
{
    sf_arena_block_t *b = a->head;
    while (b) {
        sf_arena_block_t *n = b->next;
        if (b != a->own) free(b);
        b = n;
    }
    a->head = a->own = NULL;
    a->total = 0;
}
