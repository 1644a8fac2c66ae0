/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pool.h"

#include <stdalign.h>
#include <stdlib.h>

#include "page_alloc.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(a, n) ASAN_POISON_MEMORY_REGION(a, n)
#define UNPOISON(a, n) ASAN_UNPOISON_MEMORY_REGION(a, n)
#else
#define POISON(a, n) ((void)sizeof(a), (void)sizeof(n))
#define UNPOISON(a, n) ((void)sizeof(a), (void)sizeof(n))
#endif

#define ALIGN_UP(n) (((n) + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1))

void sf_pool_init(sf_pool_t *p, size_t size, uint32_t per_chunk)
{
    p->size = ALIGN_UP(size < sizeof(void *) ? sizeof(void *) : size);
    p->per_chunk = per_chunk ? per_chunk : 64;
    p->next_count = p->per_chunk;
    p->free_list = NULL;
    p->chunks = NULL;
    p->fresh = NULL;
    p->fresh_left = 0;
    p->bytes = 0;
    p->keep_off = p->keep_len = 0;
}

void sf_pool_keep(sf_pool_t *p, size_t off, size_t len)
{
    p->keep_off = off;
    p->keep_len = len;
}

/* The free-list link lives in the first pointer of a pooled object; the
 * kept region must not overlap it (the engine keeps the timer, whose
 * first member is not read while pooled). */
static void poison_pooled(const sf_pool_t *p, char *o)
{
    size_t link = sizeof(void *);
    if (p->keep_len && p->keep_off >= link) {
        POISON(o + link, p->keep_off - link);
        POISON(o + p->keep_off + p->keep_len, p->size - p->keep_off - p->keep_len);
    } else if (p->keep_len && p->keep_off + p->keep_len > link) {
        POISON(o + p->keep_off + p->keep_len, p->size - p->keep_off - p->keep_len);
    } else {
        POISON(o + link, p->size - link);
    }
}

void *sf_pool_get(sf_pool_t *p)
{
    if (p->free_list) {
        void *o = p->free_list;
        p->free_list = *(void **)o;
        UNPOISON(o, p->size);
        return o;
    }
    if (!p->fresh_left) {
        /* Chunks double until one fills a huge page (page_alloc.h): a small
         * capture keeps small chunks, a busy one gets its objects on a few
         * huge pages instead of thousands of small ones. */
        size_t hdr = ALIGN_UP(sizeof(sf_pool_chunk_t));
        uint32_t count = p->next_count;
        size_t bytes = hdr + p->size * count;
        size_t huge_count = (SF_HUGE_PAGE - hdr) / p->size;
        if (bytes >= SF_HUGE_PAGE / 2 && huge_count) {
            count = (uint32_t)huge_count;
            bytes = SF_HUGE_PAGE;
        } else if (count <= UINT32_MAX / 2) {
            p->next_count = count * 2;
        }
        sf_pool_chunk_t *c = sf_page_alloc(bytes); /* zeroed: timer generations start at 0 */
        if (!c) return NULL;
        c->next = p->chunks;
        c->bytes = bytes;
        p->chunks = c;
        p->bytes += bytes;
        p->fresh = (char *)c + hdr;
        p->fresh_left = count;
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
    poison_pooled(p, obj);
}

void sf_pool_release(sf_pool_t *p)
{
    sf_pool_chunk_t *c = p->chunks;
    size_t hdr = ALIGN_UP(sizeof(sf_pool_chunk_t));
    while (c) {
        UNPOISON((char *)c + hdr, c->bytes - hdr);
        sf_pool_chunk_t *n = c->next;
        sf_page_free(c, c->bytes);
        c = n;
    }
    size_t off = p->keep_off, len = p->keep_len;
    sf_pool_init(p, p->size, p->per_chunk);
    sf_pool_keep(p, off, len);
}
