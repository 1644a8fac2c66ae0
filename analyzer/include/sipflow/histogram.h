/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A bounded log-scale histogram of non-negative integers (milliseconds in
 * sipflow) for percentiles in constant memory, in the manner of HDR
 * histograms: values below 2^SF_HIST_SUB_BITS have a bucket each (exact);
 * above, every power of two is split into 2^SF_HIST_SUB_BITS equal
 * buckets, so a bucket is at most 1/64 of its lower bound wide. A
 * percentile is reported as the midpoint of its bucket, clamped to the
 * exact minimum and maximum seen: its relative error is at most
 * 1/128 (0.78 %). Values at or above 2^SF_HIST_MAX_BITS (about 35 years
 * in ms) share the last bucket; the maximum stays exact. Fixed size, no
 * allocation. */
#ifndef SIPFLOW_HISTOGRAM_H
#define SIPFLOW_HISTOGRAM_H

#include "sipflow/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_HIST_SUB_BITS 6
#define SF_HIST_MAX_BITS 40
#define SF_HIST_BUCKETS ((SF_HIST_MAX_BITS - SF_HIST_SUB_BITS + 1) << SF_HIST_SUB_BITS)
/* Upper bound of the relative error of sf_hist_percentile(). */
#define SF_HIST_RELATIVE_ERROR (1.0 / (double)(2 << SF_HIST_SUB_BITS))

typedef struct sf_hist {
    uint64_t count;
    int64_t min, max; /* exact; meaningless while count is 0 */
    double sum;
    uint32_t buckets[SF_HIST_BUCKETS]; /* saturating counts */
} sf_hist_t;

void sf_hist_init(sf_hist_t *h);
/* Negative values are ignored (they mean "not applicable" in sipflow). */
void sf_hist_add(sf_hist_t *h, int64_t v);
/* Nearest-rank percentile (0 < p <= 100): the smallest bucket holding at
 * least ceil(p/100 * count) values. -1 when the histogram is empty. */
int64_t sf_hist_percentile(const sf_hist_t *h, double p);
/* Adds b into a. */
void sf_hist_merge(sf_hist_t *a, const sf_hist_t *b);

/* Bucket index of v and the bucket's [lo, hi] value range (for tests). */
uint32_t sf_hist_index(int64_t v);
void sf_hist_bucket_range(uint32_t index, int64_t *lo, int64_t *hi);

#ifdef __cplusplus
}
#endif

#endif
