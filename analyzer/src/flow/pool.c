/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pool.h"

#include <stdalign.h>
#include <stdlib.h>

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void sf_pool_init(sf_pool_t *p, size_t size, uint32_t per_chunk)
{
    p->size = ALIGN_UP(size < sizeof(void *) ? sizeof(void *) : size);
    p->per_chunk = per_chunk ? per_chunk : 64;
    p->free_list = NULL;
    p->chunks = NULL;
    p->fresh = NULL;
    p->fresh_left = 0;
    p->bytes = 0;
}

void *sf_pool_get(sf_pool_t *p)
{
    if (p->free_list) {
        void *o = p->free_list;
        p->free_list = *(void **)o;
        return o;
    }
    if (!p->fresh_left) {
        size_t hdr = ALIGN_UP(sizeof(sf_pool_chunk_t));
        size_t bytes = hdr + p->size * p->per_chunk;
        sf_pool_chunk_t *c = calloc(1, bytes); /* zeroed: timer generations start at 0 */
        if (!c) return NULL;
        c->next = p->chunks;
        p->chunks = c;
        p->bytes += bytes;
        p->fresh = (char *)c + hdr;
        p->fresh_left = p->per_chunk;
    }
    void *o = p->fresh;
    p->fresh += p->size;
    p->fresh_left--;
    return o;
}

void sf_pool_put(sf_pool_t *p, void *obj)
{
    if (!obj) return;
    *(void **)obj = p->free_list;
    p->free_list = obj;
}

void sf_pool_release(sf_pool_t *p)
{
    sf_pool_chunk_t *c = p->chunks;
    while (c) {
        sf_pool_chunk_t *n = c->next;
        free(c);
        c = n;
    }
    sf_pool_init(p, p->size, p->per_chunk);
}
