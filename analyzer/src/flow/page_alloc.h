/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Zeroed memory for the engine's large, randomly accessed arrays (object
 * pool chunks, hash table slots). From 2 MiB on it is mapped on 2 MiB
 * boundaries and advised for transparent huge pages: the engine touches
 * tens of MB of state at random, one cache line per object, and with 4 KiB
 * pages nearly every such access also missed the TLB (a page walk, costly
 * in a virtual machine). Smaller requests, and every request under
 * AddressSanitizer (whose checks need its own allocator), use calloc. The
 * caller passes the size back to free. Internal to flow/. */
#ifndef SF_PAGE_ALLOC_H
#define SF_PAGE_ALLOC_H

#include <stddef.h>

#define SF_HUGE_PAGE (2u * 1024 * 1024)

void *sf_page_alloc(size_t n);
void sf_page_free(void *p, size_t n);

#endif
