/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The log-scale histogram behind the stats percentiles: exact below 64,
 * within the stated relative error above, exact max, bounded size. */
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/histogram.h"

static sf_hist_t *new_hist(void)
{
    sf_hist_t *h = malloc(sizeof *h);
    assert_non_null(h);
    sf_hist_init(h);
    return h;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* 1..100: nearest-rank p50 = 50, p90 = 90, p99 = 99, max 100 */
static void test_known_sequence(void **state)
{
    (void)state;
    sf_hist_t *h = new_hist();
    assert_int_equal(sf_hist_percentile(h, 50), -1);
    for (int64_t v = 100; v >= 1; v--)
        sf_hist_add(h, v);
    sf_hist_add(h, -1); /* "not applicable": ignored */
    assert_int_equal(h->count, 100);
    assert_int_equal(h->min, 1);
    assert_int_equal(h->max, 100);
    /* 50 is below 64: exact. 90 and 99 lie in 2-wide buckets [90,91] and
     * [98,99]: the midpoint (integer) is within 1/128 of the truth. */
    assert_int_equal(sf_hist_percentile(h, 50), 50);
    int64_t p90 = sf_hist_percentile(h, 90), p99 = sf_hist_percentile(h, 99);
    assert_true(p90 >= 90 && p90 <= 91);
    assert_true(p99 >= 98 && p99 <= 99);
    assert_int_equal(sf_hist_percentile(h, 100), 100);
    free(h);
}

/* A sequence of millisecond timings over six decades: every percentile
 * within SF_HIST_RELATIVE_ERROR of the exact nearest-rank value. */
static void test_relative_error_bound(void **state)
{
    (void)state;
    enum { N = 20000 };
    int64_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    sf_hist_t *h = new_hist();
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v[i] = (int64_t)(x % 1000000) * (int64_t)(1 + (x >> 40) % 50);
        sf_hist_add(h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_i64); /* exact percentiles from the sorted values */
    static const double ps[] = {1, 10, 50, 90, 99, 99.9};
    for (size_t k = 0; k < sizeof ps / sizeof ps[0]; k++) {
        size_t rank = (size_t)(ps[k] / 100.0 * N + 0.999999);
        int64_t exact = v[rank - 1], got = sf_hist_percentile(h, ps[k]);
        double err = exact ? (double)llabs(got - exact) / (double)exact : (double)got;
        assert_true(err <= SF_HIST_RELATIVE_ERROR);
    }
    assert_int_equal(sf_hist_percentile(h, 100), v[N - 1]);
    free(v);
    free(h);
}

static void test_buckets_and_bounds(void **state)
{
    (void)state;
    for (int64_t v = 0; v < 64; v++)
        assert_int_equal(sf_hist_index(v), v);
    /* every bucket's range maps back to it, ranges tile the line */
    int64_t next = 0;
    for (uint32_t i = 0; i < SF_HIST_BUCKETS - 1; i++) {
        int64_t lo, hi;
        sf_hist_bucket_range(i, &lo, &hi);
        assert_int_equal(lo, next);
        assert_int_equal(sf_hist_index(lo), i);
        assert_int_equal(sf_hist_index(hi), i);
        assert_true((double)(hi - lo + 1) / (double)(lo ? lo : 1) <= 2 * SF_HIST_RELATIVE_ERROR ||
                    lo < 64);
        next = hi + 1;
    }
    /* huge values share the last bucket, the max stays exact */
    sf_hist_t *h = new_hist();
    sf_hist_add(h, INT64_MAX);
    sf_hist_add(h, 5);
    assert_int_equal(sf_hist_index(INT64_MAX), SF_HIST_BUCKETS - 1);
    assert_int_equal(sf_hist_percentile(h, 100), INT64_MAX);
    assert_int_equal(sf_hist_percentile(h, 50), 5);
    /* merge adds counts and keeps min/max */
    sf_hist_t *g = new_hist();
    sf_hist_add(g, 1);
    sf_hist_merge(g, h);
    assert_int_equal(g->count, 3);
    assert_int_equal(g->min, 1);
    assert_int_equal(g->max, INT64_MAX);
    assert_true(sizeof(sf_hist_t) < 16384);
    free(g);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_sequence),
        cmocka_unit_test(test_relative_error_bound),
        cmocka_unit_test(test_buckets_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
