/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define HDR ((sizeof(sf_arena_block_t) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void *sf_arena_alloc(sf_arena_t *a, size_t n)
{
    n = (n + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
    sf_arena_block_t *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = b ? b->size * 2 : 512;
        if (size > 65536) size = 65536;
        if (size < n) size = n;
        b = malloc(HDR + size);
        if (!b) return NULL;
        b->used = 0;
        b->size = size;
        b->next = a->head;
        a->head = b;
        a->total += HDR + size;
    }
    void *p = (char *)b + HDR + b->used;
    b->used += n;
    return p;
}

char *sf_arena_strndup(sf_arena_t *a, const char *s, size_t n)
{
    char *p = sf_arena_alloc(a, n + 1);
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
        free(b);
        b = n;
    }
    a->head = NULL;
    a->total = 0;
}
