/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdio.h>

#include "sipflow/types.h"

int sf_ts_cmp(sf_ts_t a, sf_ts_t b)
{
    if (a.sec != b.sec) return a.sec < b.sec ? -1 : 1;
    if (a.nsec != b.nsec) return a.nsec < b.nsec ? -1 : 1;
    return 0;
}

int64_t sf_ts_diff_ns(sf_ts_t a, sf_ts_t b)
{
    /* Saturate instead of overflowing: timestamps in hostile files can be
     * anything, and a wrapped difference would reorder everything. */
    const int64_t lim = INT64_MAX / 1000000000 - 1;
    int64_t ds;
    if (__builtin_sub_overflow(a.sec, b.sec, &ds)) return a.sec > b.sec ? INT64_MAX : INT64_MIN;
    if (ds > lim) return INT64_MAX;
    if (ds < -lim) return INT64_MIN;
    return ds * 1000000000 + ((int64_t)a.nsec - (int64_t)b.nsec);
}

size_t sf_ts_format(sf_ts_t ts, char *buf, size_t n)
{
    static const uint32_t div[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                     10000,      1000,      100,      10,      1};
    unsigned prec = ts.prec > 9 ? 9 : ts.prec;
    int r;
    if (prec == 0) {
        r = snprintf(buf, n, "%" PRId64, ts.sec);
    } else {
        /* The fraction is truncated to the capture's own precision: the
         * digits are exactly the ones in the file. */
        uint32_t frac = ts.nsec / div[prec];
        r = snprintf(buf, n, "%" PRId64 ".%0*" PRIu32, ts.sec, (int)prec, frac);
    }
    return r < 0 ? 0 : (size_t)r;
}
