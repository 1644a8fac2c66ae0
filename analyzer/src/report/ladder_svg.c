/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ladder as SVG: participant boxes with lifelines, one arrow group per
 * message (class arrow, plus req/resp, fail, prov, retr; data-msg holds
 * the message sequence number so the HTML page can show its text), the
 * time, delta and frame in a left margin, the diagnosis underneath.
 * Self-contained: no fonts, images or scripts are referenced. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ladder_internal.h"
#include "sipflow/message_format.h"

#define MARGIN 200u   /* left: time, delta, frame */
#define COL 220u      /* per endpoint */
#define TOP 84u       /* title lines */
#define BOX_H 38u     /* participant box */
#define ROW 30u       /* per arrow */
#define LINE_H 16u    /* diagnosis lines */
#define CHAR_W 7u     /* approximate glyph width at 12px monospace */
#define LABEL_MAX 40u /* label code points drawn */
#define MAX_ENDPOINTS 1024u

const char sf_ladder_svg_css[] = ".ladder text{font:12px monospace;fill:#222}"
                                 ".ladder .title{font-weight:bold;font-size:14px}"
                                 ".ladder .meta,.ladder .head{fill:#555}"
                                 ".ladder .ep{text-anchor:middle;font-weight:bold}"
                                 ".ladder .agent{text-anchor:middle;fill:#555;font-size:11px}"
                                 ".ladder .endpoint rect{fill:#eef3f8;stroke:#5b7fa6}"
                                 ".ladder .life{stroke:#999;stroke-dasharray:4 3}"
                                 ".ladder .line{stroke:#333;stroke-width:1.5;fill:none}"
                                 ".ladder .label{text-anchor:middle}"
                                 ".ladder .num{text-anchor:end}"
                                 ".ladder .retr .line{stroke-dasharray:6 4}"
                                 ".ladder .prov text{fill:#888}"
                                 ".ladder .fail text{fill:#c62828}"
                                 ".ladder .fail .line{stroke:#c62828}"
                                 ".ladder .hit{fill:transparent;stroke:none}"
                                 ".ladder .arrow{cursor:pointer}"
                                 ".ladder .arrow:hover .hit,.ladder .arrow.sel .hit{fill:#fff3c4}"
                                 ".ladder .diag{fill:#c62828}";

typedef struct {
    unsigned width, height, rows_y, diag_y, diag_chars;
    uint32_t n_ep;
} layout_t;

/* Word-wraps the diagnosis into <text> lines of at most chars bytes (a
 * longer word gets a line of its own). With f NULL only counts lines, so
 * the layout and the drawing agree. */
static unsigned wrap_text(FILE *f, const char *s, unsigned x, unsigned y, unsigned chars)
{
    if (!s || !*s) return 0;
    size_t cap = strlen(s) + 1;
    char *clean = malloc(cap);
    if (!clean) return 0;
    sf_ladder_clean(s, false, clean, cap);
    unsigned lines = 0;
    const char *p = clean;
    size_t prefix = strlen("Diagnosis: ");
    /* bound: every pass consumes at least one word */
    for (size_t guard = 0; *p && guard < cap; guard++) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        const char *end = p;
        while (*end && *end != ' ')
            end++; /* at least one word */
        for (;;) {
            const char *e = end;
            while (*e == ' ')
                e++;
            if (!*e) break;
            while (*e && *e != ' ')
                e++;
            if ((size_t)(e - p) + (lines ? 0 : prefix) > chars) break;
            end = e;
        }
        if (f) {
            fprintf(f, "<text class=\"diag\" x=\"%u\" y=\"%u\">", x, y);
            if (!lines) fputs("Diagnosis: ", f);
            sf_ladder_xml_escape(f, p, (size_t)(end - p));
            fputs("</text>\n", f);
        }
        y += LINE_H;
        lines++;
        p = end;
    }
    free(clean);
    return lines;
}

static void layout(const sf_call_t *c, layout_t *l)
{
    l->n_ep = c->n_endpoints < MAX_ENDPOINTS ? c->n_endpoints : MAX_ENDPOINTS;
    unsigned cols = l->n_ep ? l->n_ep : 1;
    l->width = MARGIN + cols * COL;
    if (l->width < 600) l->width = 600;
    l->rows_y = TOP + BOX_H + 24;
    unsigned rows = c->n_arrows + (c->arrows_omitted ? 1 : 0);
    l->diag_y = l->rows_y + rows * ROW + 16;
    l->diag_chars = (l->width - 20) / CHAR_W;
    l->height =
        l->diag_y + wrap_text(NULL, sf_call_diagnosis_text(c), 0, 0, l->diag_chars) * LINE_H + 12;
}

void sf_ladder_svg_size(const sf_call_t *c, unsigned *width, unsigned *height)
{
    layout_t l;
    layout(c, &l);
    *width = l.width;
    *height = l.height;
}

static unsigned col_x(uint32_t i)
{
    return MARGIN + COL * (i < MAX_ENDPOINTS ? i : 0) + COL / 2;
}

/* Cleaned, escaped text, cut to max code points ("…" when cut). */
static void text_cut(FILE *f, const char *s, unsigned max)
{
    char clean[1024];
    sf_ladder_clean(s, false, clean, sizeof clean);
    unsigned n = 0;
    size_t i = 0;
    for (; clean[i]; i++) {
        if (((unsigned char)clean[i] & 0xC0) != 0x80) {
            if (n == max) break;
            n++;
        }
    }
    sf_ladder_xml_escape(f, clean, i);
    if (clean[i]) fputs("…", f);
}

unsigned sf_ladder_svg_element(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o,
                               const char *id_prefix, unsigned *width)
{
    layout_t l;
    layout(c, &l);
    const char *px = id_prefix ? id_prefix : "";
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ladder\" width=\"%u\" "
            "height=\"%u\" viewBox=\"0 0 %u %u\" data-call=\"%" PRIu32 "\" data-arrows=\"%" PRIu32
            "\">\n",
            l.width, l.height, l.width, l.height, c->number, c->n_arrows);
    fprintf(f,
            "<defs><marker id=\"%sh\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
            "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
            "fill=\"#333\"/></marker><marker id=\"%shf\" viewBox=\"0 0 10 10\" refX=\"10\" "
            "refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path "
            "d=\"M0,0L10,5L0,10z\" fill=\"#c62828\"/></marker></defs>\n",
            px, px);
    char b[512];
    sf_ladder_call_title(c, b, sizeof b);
    fputs("<text class=\"title\" x=\"10\" y=\"20\">", f);
    sf_ladder_xml_escape(f, b, SIZE_MAX);
    fputs("</text>\n<text class=\"meta\" x=\"10\" y=\"40\">Call-ID ", f);
    text_cut(f, c->call_id, 120);
    fputs("</text>\n<text class=\"meta\" x=\"10\" y=\"56\">From ", f);
    text_cut(f, c->from, 80);
    fputs(" to ", f);
    text_cut(f, c->to, 80);
    sf_format_time_text(c->start_time, o->utc, b, sizeof b);
    fprintf(f,
            "</text>\n<text class=\"meta\" x=\"10\" y=\"72\">Start %s, %" PRIu32
            " messages, %" PRIu32 " retransmissions</text>\n",
            b, c->messages, c->retransmissions);

    unsigned bottom = l.diag_y - 8;
    for (uint32_t i = 0; i < l.n_ep; i++) {
        unsigned x = col_x(i);
        fprintf(f,
                "<g class=\"endpoint\"><line class=\"life\" x1=\"%u\" y1=\"%u\" x2=\"%u\" "
                "y2=\"%u\"/><rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" rx=\"4\"/>"
                "<text class=\"ep\" x=\"%u\" y=\"%u\">",
                x, TOP + BOX_H, x, bottom, x - COL / 2 + 8, TOP, COL - 16, BOX_H, x, TOP + 16);
        sf_ladder_endpoint_name(c, i, b, sizeof b);
        sf_ladder_xml_escape(f, b, SIZE_MAX);
        fprintf(f, "</text><text class=\"agent\" x=\"%u\" y=\"%u\">", x, TOP + 31);
        text_cut(f, c->endpoints[i].agent, 28);
        fputs("</text></g>\n", f);
    }
    fprintf(f,
            "<text class=\"head\" x=\"10\" y=\"%u\">time</text><text class=\"head\" x=\"120\" "
            "y=\"%u\">delta</text><text class=\"head num\" x=\"%u\" y=\"%u\">frame</text>\n",
            l.rows_y - 10, l.rows_y - 10, MARGIN - 14, l.rows_y - 10);
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        unsigned y = l.rows_y + i * ROW + 18;
        unsigned x1 = col_x(a->from), x2 = col_x(a->to);
        fprintf(f,
                "<g class=\"arrow %s%s%s%s\" id=\"%sa%" PRIu32 "\" data-msg=\"%" PRIu64
                "\" data-frame=\"%" PRIu64 "\">",
                a->request ? "req" : "resp", a->failure ? " fail" : "",
                sf_ladder_provisional(a) ? " prov" : "", a->retransmission ? " retr" : "", px,
                i + 1, a->msg_seq, a->frame);
        char t[64], d[48];
        sf_ladder_time_of_day(a->ts, o->utc, t, sizeof t);
        sf_ladder_delta(i ? sf_ts_diff_ns(a->ts, c->arrows[i - 1].ts) : 0, d, sizeof d);
        fprintf(f,
                "<rect class=\"hit\" x=\"0\" y=\"%u\" width=\"%u\" height=\"%u\"/>"
                "<text class=\"time\" x=\"10\" y=\"%u\">%s</text><text class=\"time\" x=\"120\" "
                "y=\"%u\">%s</text><text class=\"time num\" x=\"%u\" y=\"%u\">",
                y - 18, l.width, ROW, y + 4, t, y + 4, d, MARGIN - 14, y + 4);
        if (a->file) fprintf(f, "%" PRIu32 ":", a->file);
        fprintf(f, "%" PRIu64 "%s</text>", a->frame, a->failure ? " !" : "");
        const char *mk = a->failure ? "hf" : "h";
        unsigned lx;
        if (x1 == x2) {
            fprintf(f,
                    "<path class=\"line\" d=\"M%u,%u h40 v10 h-40\" fill=\"none\" "
                    "marker-end=\"url(#%s%s)\"/>",
                    x1, y - 4, px, mk);
            lx = x1 + 46;
            fprintf(f, "<text class=\"label\" x=\"%u\" y=\"%u\" text-anchor=\"start\">", lx, y);
        } else {
            unsigned xe = x2 > x1 ? x2 - 1 : x2 + 1;
            fprintf(f,
                    "<line class=\"line\" x1=\"%u\" y1=\"%u\" x2=\"%u\" y2=\"%u\" "
                    "marker-end=\"url(#%s%s)\"/>",
                    x1, y, xe, y, px, mk);
            lx = (x1 + x2) / 2;
            fprintf(f, "<text class=\"label\" x=\"%u\" y=\"%u\">", lx, y - 5);
        }
        text_cut(f, sf_ladder_label(a), LABEL_MAX);
        fprintf(f, "%s</text></g>\n", a->retransmission ? " [retr]" : "");
    }
    if (c->arrows_omitted)
        fprintf(f,
                "<text class=\"meta\" x=\"10\" y=\"%u\">%" PRIu32
                " more messages not drawn</text>\n",
                l.rows_y + c->n_arrows * ROW + 18, c->arrows_omitted);
    if (sf_call_diagnosis_text(c))
        wrap_text(f, sf_call_diagnosis_text(c), 10, l.diag_y + 12, l.diag_chars);
    fputs("</svg>\n", f);
    if (width) *width = l.width;
    return l.height;
}
