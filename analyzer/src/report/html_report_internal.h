/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the HTML report's files: the bounded aggregates behind the
 * summary charts, the chart renderers and the page's embedded assets. */
#ifndef SIPFLOW_HTML_REPORT_INTERNAL_H
#define SIPFLOW_HTML_REPORT_INTERNAL_H

#include <stdio.h>

#include "sipflow/markup_escape.h"

#include "sipflow/engine.h"

/* Response codes over time: a fixed number of buckets whose width doubles
 * (merging neighbours) whenever a response falls past the last one, so the
 * chart covers any capture length in bounded memory. */
#define SF_HR_TIME_BUCKETS 60
#define SF_HR_CODE_CLASSES 6 /* 1xx..6xx */

typedef struct sf_hr_timeline {
    bool started;
    sf_ts_t origin;
    int64_t width_ns;
    uint32_t used; /* buckets up to the latest response */
    uint64_t counts[SF_HR_TIME_BUCKETS][SF_HR_CODE_CLASSES];
} sf_hr_timeline_t;

void sf_hr_timeline_add(sf_hr_timeline_t *t, sf_ts_t ts, int status);

/* Timing histograms on fixed log-spaced edges (milliseconds). */
#define SF_HR_HIST_BUCKETS 13
typedef struct sf_hr_hist {
    uint64_t counts[SF_HR_HIST_BUCKETS];
    uint64_t n;
    int64_t max_ms;
} sf_hr_hist_t;

void sf_hr_hist_add(sf_hr_hist_t *h, int64_t ms);

/* Charts as standalone SVG documents. */
void sf_hr_chart_outcomes(FILE *f, const uint64_t counts[SF_OUTCOME_COUNT]);
void sf_hr_chart_timeline(FILE *f, const sf_hr_timeline_t *t, bool utc);
void sf_hr_chart_hist(FILE *f, const sf_hr_hist_t *h);

/* HTML text escaping (& < > " become entities; bytes that are not
 * well-formed UTF-8, and control characters, become U+FFFD) of at most n
 * bytes of s. */
/* HTML text: sf_markup_escape with U+FFFD for what cannot be shown;
 * n == (size_t)-1: up to the NUL */
static inline void sf_hr_escape(FILE *f, const char *s, size_t n)
{
    sf_markup_escape(f, s, n, SF_MARKUP_CTRL_REPLACE);
}
static inline void sf_hr_escape_str(FILE *f, const char *s)
{
    if (s) sf_hr_escape(f, s, (size_t)-1);
}

/* The page's style sheet and script (hand-written, no network). */
extern const char sf_hr_css[];
extern const char sf_hr_js[];

#endif
