/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The self-contained HTML report (sipflow report): a summary with inline
 * SVG charts (outcomes, response codes over time, PDD / setup time /
 * response time histograms), the call table (sortable and filterable by
 * the page's script) and, on click, each call's ladder and diagnosis.
 *
 * Streaming: the report is fed with the engine's events. Each call is
 * written when it ends to two unlinked temporary files (its table row, and
 * its ladder data as one JSON document in a <script type="application/json">
 * element that the page parses only when the call is opened), so RAM does
 * not grow with the number of calls. Message texts are read back from a
 * message spill file (sipflow/message_spill.h). sf_html_report_finish
 * assembles the page: head, charts (from bounded aggregates), the table and
 * the call data.
 *
 * Message texts: every message of failed or broken calls (those with a
 * diagnosis) is embedded while the report holds less than
 * SF_HTML_REPORT_TEXT_BUDGET bytes of text; messages of other calls while it
 * holds less than SF_HTML_REPORT_TEXT_BUDGET_OTHER bytes (checked per
 * message, so the page never holds more than SF_HTML_REPORT_TEXT_BUDGET
 * bytes of text). Each text is cut at SF_HTML_REPORT_TEXT_MAX bytes. A call whose texts were left
 * out says so in the page.
 *
 * Per-call JSON (short keys to keep the file small):
 *   n call number, id Call-ID, from, to, ruri, o outcome, code, reason,
 *   start (text), pdd/setup/dur (ms or null), msgs, retr, diag (sentence or
 *   null), partial, ep [[endpoint, agent|null]...],
 *   a [[from, to, frame, file, time of day, delta, label, detail, flags,
 *       msg seq, hop]...] with flags 1 retransmission, 2 failure, 4 request,
 *   ao arrows omitted, txt {seq: text or [cut text, full length]}, and nt
 *   when texts are missing (1: not a failed call and the budget for other
 *   calls used up; 2: the budget was used up, before or within this call). */
#ifndef SIPFLOW_HTML_REPORT_H
#define SIPFLOW_HTML_REPORT_H

#include <stdio.h>

#include "sipflow/engine.h"
#include "sipflow/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SF_HTML_REPORT_TEXT_BUDGET (16u << 20)      /* failed calls */
#define SF_HTML_REPORT_TEXT_BUDGET_OTHER (2u << 20) /* any call */
#define SF_HTML_REPORT_TEXT_MAX (16u << 10)         /* one message */

typedef struct sf_html_report_opts {
    bool utc;                  /* times in UTC (default local time) */
    const char *const *inputs; /* names shown in the page's heading */
    size_t n_inputs;
    const char *dir; /* temporary files (NULL: $TMPDIR, else /tmp) */
} sf_html_report_opts_t;

typedef struct sf_html_report sf_html_report_t;

/* NULL and a reason in err when a temporary file cannot be created. */
sf_html_report_t *sf_html_report_create(const sf_html_report_opts_t *o, char *err, size_t errlen);
void sf_html_report_destroy(sf_html_report_t *r);

/* Engine events (in the engine's order). */
void sf_html_report_on_message(sf_html_report_t *r, const sf_msg_info_t *info);
void sf_html_report_on_call(sf_html_report_t *r, const sf_call_t *c);

/* Writes the page to out. stats may be NULL (no ASR/NER line).
 * Returns 0, or -1 on a read or write error. */
int sf_html_report_finish(sf_html_report_t *r, const sf_stats_t *stats, FILE *out);

uint64_t sf_html_report_calls(const sf_html_report_t *r);

#ifdef __cplusplus
}
#endif

#endif
