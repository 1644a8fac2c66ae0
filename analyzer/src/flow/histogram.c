/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sipflow/histogram.h"

#include <string.h>

#define SUB (1u << SF_HIST_SUB_BITS)

void sf_hist_init(sf_hist_t *h)
{
    memset(h, 0, sizeof *h);
}

static unsigned log2_floor(uint64_t v)
{
    return 63u - (unsigned)__builtin_clzll(v);
}

uint32_t sf_hist_index(int64_t v)
{
    if (v < 0) v = 0;
    uint64_t u = (uint64_t)v;
    if (u < SUB) return (uint32_t)u;
    unsigned e = log2_floor(u);
    if (e >= SF_HIST_MAX_BITS) return SF_HIST_BUCKETS - 1;
    /* octave e (>= SUB_BITS) has SUB buckets of width 2^(e - SUB_BITS) */
    uint32_t sub = (uint32_t)(u >> (e - SF_HIST_SUB_BITS)) - SUB;
    return SUB + (e - SF_HIST_SUB_BITS) * SUB + sub;
}

void sf_hist_bucket_range(uint32_t index, int64_t *lo, int64_t *hi)
{
    if (index < SUB) {
        *lo = *hi = index;
        return;
    }
    if (index >= SF_HIST_BUCKETS) index = SF_HIST_BUCKETS - 1;
    uint32_t e = (index - SUB) / SUB + SF_HIST_SUB_BITS, sub = (index - SUB) % SUB;
    uint64_t width = 1ull << (e - SF_HIST_SUB_BITS);
    *lo = (int64_t)((1ull << e) + sub * width);
    *hi = *lo + (int64_t)width - 1;
}

void sf_hist_add(sf_hist_t *h, int64_t v)
{
    if (v < 0) return;
    if (!h->count || v < h->min) h->min = v;
    if (!h->count || v > h->max) h->max = v;
    h->count++;
    h->sum += (double)v;
    uint32_t *b = &h->buckets[sf_hist_index(v)];
    if (*b != UINT32_MAX) (*b)++;
}

void sf_hist_merge(sf_hist_t *a, const sf_hist_t *b)
{
    if (!b->count) return;
    if (!a->count || b->min < a->min) a->min = b->min;
    if (!a->count || b->max > a->max) a->max = b->max;
    a->count += b->count;
    a->sum += b->sum;
    for (uint32_t i = 0; i < SF_HIST_BUCKETS; i++) {
        uint64_t s = (uint64_t)a->buckets[i] + b->buckets[i];
        a->buckets[i] = s > UINT32_MAX ? UINT32_MAX : (uint32_t)s;
    }
}

int64_t sf_hist_percentile(const sf_hist_t *h, double p)
{
    if (!h->count) return -1;
    if (!(p > 0)) p = 0;
    if (p > 100) p = 100;
    double r = p / 100.0 * (double)h->count;
    uint64_t rank = (uint64_t)r;
    if ((double)rank < r) rank++; /* ceil without libm */
    if (rank < 1) rank = 1;
    if (rank >= h->count) return h->max; /* p100 and small samples: exact */
    uint64_t seen = 0;
    for (uint32_t i = 0; i < SF_HIST_BUCKETS; i++) {
        seen += h->buckets[i];
        if (seen < rank) continue;
        int64_t lo, hi;
        sf_hist_bucket_range(i, &lo, &hi);
        int64_t mid = lo + (hi - lo) / 2;
        if (mid < h->min) mid = h->min;
        if (mid > h->max) mid = h->max;
        return mid;
    }
    return h->max; /* only when bucket counts saturated */
}
