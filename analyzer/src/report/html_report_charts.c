/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTML report's summary charts, drawn as inline SVG in C so the page
 * shows them without running any script. */
#include <inttypes.h>
#include <string.h>

#include "html_report_internal.h"
#include "sipflow/message_format.h"
#include "sipflow/utf8.h"

/* ---- aggregates ------------------------------------------------------- */

void sf_hr_timeline_add(sf_hr_timeline_t *t, sf_ts_t ts, int status)
{
    int cls = status / 100 - 1;
    if (cls < 0 || cls >= SF_HR_CODE_CLASSES) return;
    if (!t->started) {
        t->started = true;
        t->origin = ts;
        t->width_ns = 1000000000; /* 1 s to start with */
    }
    int64_t rel = sf_ts_diff_ns(ts, t->origin);
    if (rel < 0) rel = 0; /* merged inputs may step back a little */
    /* Bounded: each round doubles the width, and rel < 2^63. */
    while (rel / t->width_ns >= SF_HR_TIME_BUCKETS && t->width_ns < INT64_MAX / 2) {
        for (uint32_t i = 0; i < SF_HR_TIME_BUCKETS; i++)
            for (int k = 0; k < SF_HR_CODE_CLASSES; k++) {
                uint64_t v = 0;
                if (2 * i < SF_HR_TIME_BUCKETS) v += t->counts[2 * i][k];
                if (2 * i + 1 < SF_HR_TIME_BUCKETS) v += t->counts[2 * i + 1][k];
                t->counts[i][k] = v;
            }
        t->used = (t->used + 1) / 2;
        t->width_ns *= 2;
    }
    int64_t b = rel / t->width_ns;
    if (b >= SF_HR_TIME_BUCKETS) b = SF_HR_TIME_BUCKETS - 1;
    t->counts[b][cls]++;
    if ((uint32_t)b + 1 > t->used) t->used = (uint32_t)b + 1;
}

/* Upper edges in ms; the last bucket is open. */
static const int64_t hist_edges[SF_HR_HIST_BUCKETS - 1] = {10,   20,   50,   100,   200,   500,
                                                           1000, 2000, 5000, 10000, 20000, 60000};
/* Bucket labels, already escaped for XML text. */
static const char *const hist_labels[SF_HR_HIST_BUCKETS] = {
    "&lt;10ms", "&lt;20ms", "&lt;50ms", "&lt;0.1s", "&lt;0.2s", "&lt;0.5s", "&lt;1s",
    "&lt;2s",   "&lt;5s",   "&lt;10s",  "&lt;20s",  "&lt;60s",  "&gt;=60s"};

void sf_hr_hist_add(sf_hr_hist_t *h, int64_t ms)
{
    if (ms < 0) return;
    int b = 0;
    while (b < SF_HR_HIST_BUCKETS - 1 && ms >= hist_edges[b])
        b++;
    h->counts[b]++;
    h->n++;
    if (ms > h->max_ms) h->max_ms = ms;
}

/* ---- charts ------------------------------------------------------------- */

/* A standalone SVG document (shown through <img>, so it carries its own
 * style sheet: the page's does not reach into it). */
static void svg_begin(FILE *f, unsigned w, unsigned h)
{
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%u\"><style>"
            "text{font:11px sans-serif;fill:#222}.small{font-size:9px}.axis{stroke:#888}"
            ".bar{fill:#4a7bd0}rect{fill:#d9534f}.o-answered{fill:#3a9d4a}"
            ".o-unfinished{fill:#999}.c1{fill:#bbb}.c2{fill:#3a9d4a}.c3{fill:#d0a23a}"
            ".c4{fill:#d9534f}.c5{fill:#8e3b9e}.c6{fill:#333}</style>",
            w, h);
}

static uint64_t max_u64(const uint64_t *v, size_t n)
{
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m) m = v[i];
    return m;
}

void sf_hr_chart_outcomes(FILE *f, const uint64_t counts[SF_OUTCOME_COUNT])
{
    const unsigned bar_h = 18, left = 110, width = 420;
    unsigned rows = 0;
    for (int o = 0; o < SF_OUTCOME_COUNT; o++)
        if (counts[o]) rows++;
    uint64_t max = max_u64(counts, SF_OUTCOME_COUNT);
    unsigned h = 30 + (rows ? rows : 1) * (bar_h + 4);
    svg_begin(f, left + width + 60, h);
    if (!rows) fputs("<text x=\"10\" y=\"20\">no calls</text>", f);
    unsigned y = 10;
    for (int o = 0; o < SF_OUTCOME_COUNT; o++) {
        if (!counts[o]) continue;
        unsigned w = (unsigned)((double)counts[o] / (double)max * width);
        if (w < 1) w = 1;
        const char *name = sf_outcome_name((sf_outcome_t)o);
        fprintf(f,
                "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">%s</text>"
                "<rect class=\"o-%s\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>"
                "<text x=\"%u\" y=\"%u\">%" PRIu64 "</text>",
                left - 6, y + 13, name, name, left, y, w, bar_h, left + w + 4, y + 13, counts[o]);
        y += bar_h + 4;
    }
    fputs("</svg>", f);
}

static const char *const class_names[SF_HR_CODE_CLASSES] = {"1xx", "2xx", "3xx",
                                                            "4xx", "5xx", "6xx"};

void sf_hr_chart_timeline(FILE *f, const sf_hr_timeline_t *t, bool utc)
{
    const unsigned left = 50, top = 24, plot_w = 480, plot_h = 160;
    svg_begin(f, left + plot_w + 20, top + plot_h + 40);
    uint64_t max = 0;
    for (uint32_t b = 0; b < t->used; b++) {
        uint64_t sum = 0;
        for (int k = 0; k < SF_HR_CODE_CLASSES; k++)
            sum += t->counts[b][k];
        if (sum > max) max = sum;
    }
    /* legend */
    for (int k = 0; k < SF_HR_CODE_CLASSES; k++)
        fprintf(f,
                "<rect class=\"c%d\" x=\"%u\" y=\"4\" width=\"10\" height=\"10\"/>"
                "<text x=\"%u\" y=\"13\">%s</text>",
                k + 1, left + (unsigned)k * 60, left + (unsigned)k * 60 + 14, class_names[k]);
    if (!t->used || !max) {
        fprintf(f, "<text x=\"%u\" y=\"%u\">no responses</text></svg>", left, top + 30);
        return;
    }
    unsigned bw = plot_w / SF_HR_TIME_BUCKETS;
    for (uint32_t b = 0; b < t->used; b++) {
        unsigned y = top + plot_h;
        for (int k = 0; k < SF_HR_CODE_CLASSES; k++) {
            uint64_t v = t->counts[b][k];
            if (!v) continue;
            unsigned h = (unsigned)((double)v / (double)max * plot_h + 0.5);
            if (h < 1) h = 1;
            if (h > y - top) h = y - top;
            y -= h;
            fprintf(f,
                    "<rect class=\"c%d\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\">"
                    "<title>%s: %" PRIu64 "</title></rect>",
                    k + 1, left + b * bw, y, bw > 1 ? bw - 1 : 1, h, class_names[k], v);
        }
    }
    char t0[64], t1[64];
    sf_format_time_text(t->origin, utc, t0, sizeof t0);
    sf_ts_t end = t->origin;
    int64_t span = t->width_ns * (int64_t)t->used;
    end.sec += span / 1000000000;
    end.nsec += (uint32_t)(span % 1000000000);
    if (end.nsec >= 1000000000) {
        end.sec++;
        end.nsec -= 1000000000;
    }
    sf_format_time_text(end, utc, t1, sizeof t1);
    fprintf(f,
            "<line class=\"axis\" x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\"/>"
            "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">%" PRIu64 "</text>"
            "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">0</text>"
            "<text x=\"%u\" y=\"%u\">%s</text>"
            "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">%s</text>"
            "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">bar = %.3f s</text>",
            left, top + plot_h, left + plot_w, top + plot_h, left - 4, top + 10, max, left - 4,
            top + plot_h, left, top + plot_h + 16, t0, left + plot_w, top + plot_h + 16, t1,
            left + plot_w, top + plot_h + 32, (double)t->width_ns / 1e9);
    fputs("</svg>", f);
}

void sf_hr_chart_hist(FILE *f, const sf_hr_hist_t *h)
{
    const unsigned left = 40, top = 10, bw = 34, plot_h = 120;
    unsigned plot_w = bw * SF_HR_HIST_BUCKETS;
    svg_begin(f, left + plot_w + 10, top + plot_h + 30);
    uint64_t max = max_u64(h->counts, SF_HR_HIST_BUCKETS);
    for (int b = 0; b < SF_HR_HIST_BUCKETS; b++) {
        unsigned x = left + (unsigned)b * bw;
        if (h->counts[b] && max) {
            unsigned bh = (unsigned)((double)h->counts[b] / (double)max * plot_h + 0.5);
            if (bh < 1) bh = 1;
            fprintf(f,
                    "<rect class=\"bar\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\">"
                    "<title>%s: %" PRIu64 "</title></rect>",
                    x, top + plot_h - bh, bw - 2, bh, hist_labels[b], h->counts[b]);
        }
        fprintf(f, "<text class=\"small\" x=\"%u\" y=\"%u\" text-anchor=\"middle\">%s</text>",
                x + bw / 2, top + plot_h + 14, hist_labels[b]);
    }
    fprintf(f,
            "<line class=\"axis\" x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\"/>"
            "<text x=\"%u\" y=\"%u\" text-anchor=\"end\">%" PRIu64 "</text>",
            left, top + plot_h, left + plot_w, top + plot_h, left - 4, top + 10, max);
    fputs("</svg>", f);
}
