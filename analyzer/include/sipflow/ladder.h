/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Ladder (sequence) diagrams of calls, rendered from the engine's ladder
 * model (sf_call_t endpoints and arrows): one column per endpoint, one
 * arrow per message, the diagnosis under the diagram. The renderers only
 * format what the engine computed.
 *
 * A writer renders calls one at a time as they end (call_done) and keeps
 * nothing of a call after sf_ladder_writer_add returns, so memory does not
 * grow with the capture. SVG keeps the rendered body in an unlinked
 * temporary file until finish, because the document's size is only known
 * after the last call. */
#ifndef SIPFLOW_LADDER_H
#define SIPFLOW_LADDER_H

#include <stdio.h>

#include "sipflow/engine.h"
#include "sipflow/message_spill.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sf_ladder_format {
    SF_LADDER_TEXT = 0,
    SF_LADDER_SVG,
    SF_LADDER_HTML,
    SF_LADDER_MERMAID,
    SF_LADDER_PLANTUML,
} sf_ladder_format_t;

/* "text", "svg", "html", "mermaid", "plantuml"; -1 when unknown. */
int sf_ladder_format_from_name(const char *name);

#define SF_LADDER_MIN_WIDTH 40
#define SF_LADDER_DEFAULT_WIDTH 100

typedef struct sf_ladder_opts {
    sf_ladder_format_t format;
    bool ascii;     /* text: plain ASCII instead of Unicode box drawing */
    bool color;     /* text: ANSI colours (failures red, provisional dim) */
    unsigned width; /* text: columns (SF_LADDER_MIN_WIDTH at least) */
    bool utc;       /* times in UTC (default local time) */
    /* html: where message texts are read back by sf_arrow_t.msg_seq (may
     * be NULL: the page then says the text was not kept) */
    sf_message_spill_t *spill;
} sf_ladder_opts_t;

typedef struct sf_ladder_writer sf_ladder_writer_t;

/* out stays owned by the caller. NULL when out of memory or the SVG body
 * file cannot be created. */
sf_ladder_writer_t *sf_ladder_writer_create(FILE *out, const sf_ladder_opts_t *opts);
/* Renders one call. Returns 0, or -1 on a write error. */
int sf_ladder_writer_add(sf_ladder_writer_t *w, const sf_call_t *c);
/* Closes the document (HTML/SVG). Returns 0, or -1 on a write error. */
int sf_ladder_writer_finish(sf_ladder_writer_t *w);
uint64_t sf_ladder_writer_calls(const sf_ladder_writer_t *w);
void sf_ladder_writer_destroy(sf_ladder_writer_t *w);

/* Per-format renderers (used by the writer; the report reuses them). */
void sf_ladder_text(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o);
void sf_ladder_mermaid(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o);
void sf_ladder_plantuml(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o);
/* One <svg> element (no XML declaration) placed at y = 0, id_prefix makes
 * element ids unique within a page ("c12-"). Returns its height and, in
 * *width, its width, in pixels. Arrows carry data-msg="SEQ". */
unsigned sf_ladder_svg_element(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o,
                               const char *id_prefix, unsigned *width);
/* Size sf_ladder_svg_element will use, without rendering. */
void sf_ladder_svg_size(const sf_call_t *c, unsigned *width, unsigned *height);

/* HTML page parts: head (styles, script), one call, tail. */
void sf_ladder_html_head(FILE *f, const char *title);
void sf_ladder_html_call(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o);
void sf_ladder_html_tail(FILE *f);

/* XML text escaping that always yields well-formed UTF-8 XML: & < > " '
 * become entities, bytes not part of well-formed UTF-8 and control
 * characters XML 1.0 forbids become "\xNN" (visible), at most max bytes
 * of s are read (SIZE_MAX: up to the NUL). */
void sf_ladder_xml_escape(FILE *f, const char *s, size_t max);

/* "12:58:33.782642" (time of day, capture precision) and
 * "2026-11-27" (date) of ts. */
void sf_ladder_time_of_day(sf_ts_t ts, bool utc, char *buf, size_t n);
void sf_ladder_date(sf_ts_t ts, bool utc, char *buf, size_t n);
/* "+0.000413" seconds since the previous arrow (6 decimals). */
void sf_ladder_delta(int64_t ns, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif
