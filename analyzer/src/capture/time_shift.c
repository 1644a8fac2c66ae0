/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --time-shift: capture points whose clocks disagree. Each input's
 * timestamps are moved by a fixed offset before the merge (as
 * editcap -t does to one file), so the merged order and every timing
 * (response times, retransmission intervals, duplicate windows) use one
 * clock. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/capture.h"

#define NS_PER_S 1000000000LL
/* 10^9 s (31 years): far beyond any clock error, far inside int64 ns */
#define MAX_SHIFT_S 1000000000LL

sf_ts_t sf_ts_shift(sf_ts_t t, int64_t ns)
{
    int64_t n = (int64_t)(t.nsec % NS_PER_S) + ns % NS_PER_S;
    int64_t ds = ns / NS_PER_S;
    /* hostile pcapng timestamps may sit near the int64 limits: left as they are */
    if ((ds > 0 && t.sec > INT64_MAX - ds - 1) || (ds < 0 && t.sec < INT64_MIN - ds + 1)) return t;
    int64_t s = t.sec + ds;
    if (n < 0) {
        n += NS_PER_S;
        s--;
    } else if (n >= NS_PER_S) {
        n -= NS_PER_S;
        s++;
    }
    t.sec = s;
    t.nsec = (uint32_t)n;
    return t;
}

/* [+-]digits[.digits] -> ns; false on anything else. */
static bool parse_seconds(const char *p, int64_t *ns)
{
    bool neg = false;
    if (*p == '+' || *p == '-') neg = *p++ == '-';
    if (*p < '0' || *p > '9') {
        if (!(*p == '.' && p[1] >= '0' && p[1] <= '9')) return false;
    }
    int64_t sec = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        sec = sec * 10 + (*p - '0');
        if (sec > MAX_SHIFT_S) return false;
    }
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9') return false;
        int64_t scale = NS_PER_S / 10;
        /* digits past nanoseconds are ignored (truncated) */
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (*p - '0') * scale;
    }
    if (*p) return false;
    *ns = (sec * NS_PER_S + frac) * (neg ? -1 : 1);
    return true;
}

bool sf_capture_parse_time_shift(const char *arg, const char *const *paths, size_t n_paths,
                                 uint32_t *input, int64_t *ns, char *err, size_t errlen)
{
    if (errlen) err[0] = '\0';
    const char *eq = arg ? strrchr(arg, '=') : NULL;
    if (!eq || eq == arg) {
        snprintf(err, errlen, "--time-shift '%s': want FILE=[+-]SECONDS (e.g. b.pcap=-1.25)",
                 arg ? arg : "");
        return false;
    }
    size_t nlen = (size_t)(eq - arg);
    if (!parse_seconds(eq + 1, ns)) {
        snprintf(err, errlen,
                 "--time-shift '%s': '%s' is not a number of seconds (want [+-]S[.frac], at "
                 "most 1e9)",
                 arg, eq + 1);
        return false;
    }
    /* the name as given on the command line wins over a position */
    for (size_t i = 0; i < n_paths; i++) {
        if (paths[i] && strlen(paths[i]) == nlen && memcmp(paths[i], arg, nlen) == 0) {
            *input = (uint32_t)i;
            return true;
        }
    }
    const char *p = arg;
    if (*p == '#') p++;
    uint64_t pos = 0;
    int digits = 0;
    for (; p < eq && *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
        pos = pos * 10 + (uint64_t)(*p - '0');
    if (p == eq && digits && pos >= 1 && pos <= n_paths) {
        *input = (uint32_t)(pos - 1);
        return true;
    }
    snprintf(err, errlen,
             "--time-shift '%s': no input file '%.*s' (give it as on the command "
             "line, or its position 1..%zu)",
             arg, (int)(nlen > 200 ? 200 : nlen), arg, n_paths);
    return false;
}
