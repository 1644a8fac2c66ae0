/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "page_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define SF_PAGE_MAPPED 0
#else
#define SF_PAGE_MAPPED 1
#endif

static size_t mapped_size(size_t n)
{
    return (n + SF_HUGE_PAGE - 1) & ~(size_t)(SF_HUGE_PAGE - 1);
}

void *sf_page_alloc(size_t n)
{
    if (!SF_PAGE_MAPPED || n < SF_HUGE_PAGE) return calloc(1, n ? n : 1);
    size_t len = mapped_size(n);
    if (len < n) return NULL;
    /* one huge page more, to cut an aligned range out of it */
    char *raw =
        mmap(NULL, len + SF_HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)raw + SF_HUGE_PAGE - 1) & ~(uintptr_t)(SF_HUGE_PAGE - 1);
    char *p = (char *)a;
    if (p > raw) munmap(raw, (size_t)(p - raw));
    size_t tail = (size_t)(raw + len + SF_HUGE_PAGE - (p + len));
    if (tail) munmap(p + len, tail);
#ifdef MADV_HUGEPAGE
    /* advice only: without transparent huge pages it is plain memory */
    madvise(p, len, MADV_HUGEPAGE);
#endif
    return p;
}

void sf_page_free(void *p, size_t n)
{
    if (!p) return;
    if (!SF_PAGE_MAPPED || n < SF_HUGE_PAGE) {
        free(p);
        return;
    }
    munmap(p, mapped_size(n));
}
