/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ladder as terminal text: a left margin with time of day, delta and
 * frame number, then one lifeline per endpoint and one row per arrow,
 * drawn in Unicode box drawing (or plain ASCII), fitted to a width.
 *
 * Rows are composed in an array of cells (one code point each) so labels
 * taken from the wire can be cut at a cell boundary and overlaid on the
 * lines without ever splitting a UTF-8 sequence. Every string from the
 * capture is cleaned first (no control characters reach the terminal). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ladder_internal.h"
#include "sipflow/message_format.h"

typedef struct {
    char b[4];
    uint8_t n;
} cell_t;

typedef struct {
    const char *v, *h, *h_retr, *head_r, *head_l, *send_r, *send_l, *self, *ellipsis;
} glyphs_t;

static const glyphs_t unicode_glyphs = {"│", "─", "┄", "▶", "◀", "├", "┤", "↺", "…"};
static const glyphs_t ascii_glyphs = {"|", "-", ".", ">", "<", "|", "|", "@", "~"};

#define MIN_SLOT 8u       /* columns per lifeline, at the least */
#define MIN_FULL_SLOT 20u /* below this the time and delta columns make way */
#define MAX_COLS 4096u

typedef struct {
    cell_t *cells;
    unsigned cols;
} row_t;

static void row_clear(row_t *r)
{
    for (unsigned i = 0; i < r->cols; i++) {
        r->cells[i].b[0] = ' ';
        r->cells[i].n = 1;
    }
}

static void put_glyph(row_t *r, unsigned col, const char *g)
{
    if (col >= r->cols) return;
    size_t n = strlen(g);
    if (n > 4) n = 4;
    memcpy(r->cells[col].b, g, n);
    r->cells[col].n = (uint8_t)n;
}

/* Number of code points (cells) of a cleaned string. */
static unsigned cells_of(const char *s)
{
    unsigned n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

/* Writes cleaned s from col on, at most max cells; a string that does not
 * fit ends in the ellipsis glyph. Returns the cells written. */
static unsigned put_str(row_t *r, unsigned col, const char *s, unsigned max, const glyphs_t *g)
{
    if (!max) return 0;
    unsigned total = cells_of(s), limit = total > max ? max - 1 : total, w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && w < limit) {
        size_t k = 1;
        while (k < 4 && (p[k] & 0xC0) == 0x80)
            k++;
        if (col + w < r->cols) {
            memcpy(r->cells[col + w].b, p, k);
            r->cells[col + w].n = (uint8_t)k;
        }
        p += k;
        w++;
    }
    if (total > max) put_glyph(r, col + w++, g->ellipsis);
    return w;
}

/* Copies cleaned s into out cut to max cells, the last one the ellipsis
 * when cut. */
static void cut_cells(const char *s, unsigned max, const glyphs_t *g, char *out, size_t n)
{
    unsigned total = cells_of(s);
    if (total <= max || max == 0) {
        snprintf(out, n, "%s", total <= max ? s : "");
        return;
    }
    size_t i = 0;
    for (unsigned w = 0; s[i] && w < max - 1; w++) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    snprintf(out, n, "%.*s%s", (int)i, s, g->ellipsis);
}

/* Centres s on column mid within [lo, hi). */
static void put_centred(row_t *r, unsigned mid, unsigned lo, unsigned hi, const char *s,
                        const glyphs_t *g)
{
    if (hi <= lo) return;
    unsigned room = hi - lo, len = cells_of(s);
    if (len > room) len = room;
    unsigned start = mid >= len / 2 ? mid - len / 2 : 0;
    if (start < lo) start = lo;
    if (start + len > hi) start = hi - len;
    put_str(r, start, s, len, g);
}

/* One row as one write: the cells are gathered into a line buffer first
 * (a write per cell was most of the text renderer's time). */
static void emit(FILE *f, const row_t *r, const char *colour)
{
    unsigned last = r->cols;
    while (last && r->cells[last - 1].n == 1 && r->cells[last - 1].b[0] == ' ')
        last--;
    char line[MAX_COLS * 4 + 1];
    size_t n = 0;
    for (unsigned i = 0; i < last; i++) {
        memcpy(line + n, r->cells[i].b, r->cells[i].n);
        n += r->cells[i].n;
    }
    line[n++] = '\n';
    if (colour && last) fputs(colour, f);
    if (colour && last) {
        fwrite(line, 1, n - 1, f);
        fputs("\033[0m\n", f);
    } else {
        fwrite(line, 1, n, f);
    }
}

/* A plain line of text cut to the width (cells). */
static void text_line(FILE *f, row_t *r, const char *prefix, const char *s, bool ascii,
                      const glyphs_t *g)
{
    char clean[1024];
    sf_ladder_clean(s, ascii, clean, sizeof clean);
    row_clear(r);
    unsigned w = put_str(r, 0, prefix, r->cols, g);
    if (w < r->cols) put_str(r, w, clean, r->cols - w, g);
    emit(f, r, NULL);
}

/* Word-wraps cleaned s to the width, continuation lines indented. */
static void wrapped(FILE *f, unsigned width, const char *prefix, const char *s, bool ascii)
{
    size_t cap = strlen(s) + 1;
    char *clean = malloc(cap);
    if (!clean) return;
    sf_ladder_clean(s, ascii, clean, cap);
    unsigned indent = cells_of(prefix), used = indent;
    fputs(prefix, f);
    const char *p = clean;
    /* bound: every pass consumes at least one byte */
    for (size_t guard = 0; *p && guard < cap; guard++) {
        while (*p == ' ')
            p++;
        if (!*p) break;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        char word[1024];
        size_t wl = (size_t)(e - p) < sizeof word - 1 ? (size_t)(e - p) : sizeof word - 1;
        memcpy(word, p, wl);
        word[wl] = 0;
        unsigned wc = cells_of(word);
        if (used > indent && used + 1 + wc > width) {
            fprintf(f, "\n%*s", (int)indent, "");
            used = indent;
        }
        if (used > indent) {
            fputc(' ', f);
            used++;
        }
        fputs(word, f);
        used += wc;
        p = e;
    }
    fputc('\n', f);
    free(clean);
}

static void frame_text(const sf_arrow_t *a, bool files, char *buf, size_t n)
{
    int k;
    if (files)
        k = snprintf(buf, n, "%" PRIu32 ":%" PRIu64, a->file, a->frame);
    else
        k = snprintf(buf, n, "%" PRIu64, a->frame);
    /* the same message seen again (duplicate.h): "24+26", "0:24+1:24" */
    if (a->copies && k > 0 && (size_t)k < n) {
        if (files)
            snprintf(buf + k, n - (size_t)k, "+%" PRIu32 ":%" PRIu64 "%s", a->copy_file,
                     a->copy_frame, a->copies > 1 ? "+" : "");
        else
            snprintf(buf + k, n - (size_t)k, "+%" PRIu64 "%s", a->copy_frame,
                     a->copies > 1 ? "+" : "");
    }
}

void sf_ladder_text(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o)
{
    const glyphs_t *g = o->ascii ? &ascii_glyphs : &unicode_glyphs;
    unsigned width = o->width < SF_LADDER_MIN_WIDTH ? SF_LADDER_MIN_WIDTH : o->width;
    if (width > MAX_COLS) width = MAX_COLS;
    uint32_t n_ep = c->n_endpoints ? c->n_endpoints : 1;

    /* margin widths over the whole call, so the columns line up */
    bool files = false;
    unsigned tw = 4, dw = 5, fw = 5;
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        if (a->file || (a->copies && a->copy_file)) files = true;
        char b[64];
        sf_ladder_time_of_day(a->ts, o->utc, b, sizeof b);
        if (strlen(b) > tw) tw = (unsigned)strlen(b);
        sf_ladder_delta(i ? sf_ts_diff_ns(a->ts, c->arrows[i - 1].ts) : 0, b, sizeof b);
        if (strlen(b) > dw) dw = (unsigned)strlen(b);
    }
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        char b[48];
        frame_text(&c->arrows[i], files, b, sizeof b);
        if (strlen(b) > fw) fw = (unsigned)strlen(b);
    }
    /* time, delta, frame, failure flag; dropped to frame + flag when the
     * lifelines would not get MIN_FULL_SLOT columns each */
    bool full = true;
    unsigned margin = tw + 1 + dw + 1 + fw + 1 + 1 + 1;
    if (margin >= width || (width - margin) / n_ep < MIN_FULL_SLOT) {
        full = false;
        margin = fw + 1 + 1 + 1;
    }
    unsigned slot = width > margin ? (width - margin) / n_ep : 0;
    if (slot < MIN_SLOT) slot = MIN_SLOT; /* too many endpoints: wider than asked */
    unsigned cols = margin + slot * n_ep;
    if (cols < width) cols = width;
    if (cols > MAX_COLS) cols = MAX_COLS;
    row_t r = {calloc(cols, sizeof(cell_t)), cols};
    if (!r.cells) return;
    row_t rw = r; /* header lines use the asked width */
    rw.cols = width < cols ? width : cols;

    /* header */
    char title[512], t[64];
    sf_ladder_call_title(c, title, sizeof title);
    text_line(f, &rw, "", title, o->ascii, g);
    text_line(f, &rw, "Call-ID ", c->call_id, o->ascii, g);
    text_line(f, &rw, "From    ", c->from, o->ascii, g);
    text_line(f, &rw, "To      ", c->to, o->ascii, g);
    sf_format_time_text(c->start_time, o->utc, t, sizeof t);
    char stats[160];
    snprintf(stats, sizeof stats, "%s, %" PRIu32 " messages, %" PRIu32 " retransmissions", t,
             c->messages, c->retransmissions);
    text_line(f, &rw, "Start   ", stats, o->ascii, g);
    fputc('\n', f);

    unsigned pos[MAX_COLS / MIN_SLOT];
    uint32_t n_pos = n_ep < MAX_COLS / MIN_SLOT ? n_ep : MAX_COLS / MIN_SLOT;
    for (uint32_t i = 0; i < n_pos; i++)
        pos[i] = margin + slot * i + slot / 2;

    /* column titles: address, then agent */
    for (int line = 0; line < 2; line++) {
        row_clear(&r);
        bool any = false;
        for (uint32_t i = 0; i < n_pos && i < c->n_endpoints; i++) {
            char raw[SF_ENDPOINT_STRLEN], clean[256];
            if (line == 0) sf_ladder_endpoint_name(c, i, raw, sizeof raw);
            const char *src = line == 0 ? raw : c->endpoints[i].agent;
            if (!src) continue;
            sf_ladder_clean(src, o->ascii, clean, sizeof clean);
            unsigned lo = pos[i] > slot / 2 ? pos[i] - slot / 2 : 0;
            put_centred(&r, pos[i], lo, lo + slot - 1, clean, g);
            any = true;
        }
        if (any) emit(f, &r, NULL);
    }
    row_clear(&r);
    if (full) {
        put_str(&r, 0, "time", 4, g);
        put_str(&r, tw + 1 + dw - 5, "delta", 5, g);
        put_str(&r, tw + 1 + dw + 1 + fw - 5, "frame", 5, g);
    } else {
        put_str(&r, fw - 5, "frame", 5, g);
    }
    for (uint32_t i = 0; i < n_pos; i++)
        put_glyph(&r, pos[i], g->v);
    emit(f, &r, NULL);

    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        row_clear(&r);
        char b[64];
        unsigned x = 0;
        if (full) {
            sf_ladder_time_of_day(a->ts, o->utc, b, sizeof b);
            put_str(&r, 0, b, tw, g);
            sf_ladder_delta(i ? sf_ts_diff_ns(a->ts, c->arrows[i - 1].ts) : 0, b, sizeof b);
            put_str(&r, tw + 1 + dw - (unsigned)strlen(b), b, dw, g);
            x = tw + 1 + dw + 1;
        }
        frame_text(a, files, b, sizeof b);
        put_str(&r, x + fw - (unsigned)strlen(b), b, fw, g);
        if (a->failure) put_glyph(&r, x + fw + 1, "!");
        for (uint32_t k = 0; k < n_pos; k++)
            put_glyph(&r, pos[k], g->v);

        /* the label is cut before the [retr] mark, so the mark survives */
        char label[224], clean[160], cut[168];
        sf_ladder_clean(sf_ladder_label(a), o->ascii, clean, sizeof clean);
        const char *mark = a->retransmission ? " [retr]" : "";
        uint32_t fi = a->from < n_pos ? a->from : 0, ti = a->to < n_pos ? a->to : 0;
        unsigned pa = pos[fi], pb = pos[ti];
        unsigned span = pa == pb ? slot : pa > pb ? pa - pb : pb - pa;
        unsigned room = span > 3 ? span - 3 : 0; /* cells between the ends */
        unsigned want = (unsigned)strlen(mark) + 2;
        cut_cells(clean, room > want ? room - want : 1, g, cut, sizeof cut);
        snprintf(label, sizeof label, " %s%s ", cut, mark);
        const char *line = a->retransmission ? g->h_retr : g->h;
        if (pa == pb) {
            /* a message to itself (same address and port on both sides) */
            put_glyph(&r, pa, g->send_r);
            put_glyph(&r, pa + 1, line);
            put_glyph(&r, pa + 2, g->self);
            unsigned end = pa + 3 + slot > cols ? cols : pa + 3 + slot;
            put_str(&r, pa + 3, label, end > pa + 3 ? end - pa - 3 : 0, g);
        } else {
            unsigned lo = pa < pb ? pa : pb, hi = pa < pb ? pb : pa;
            for (unsigned k = lo + 1; k < hi; k++)
                put_glyph(&r, k, line);
            if (pa < pb) {
                put_glyph(&r, pa, g->send_r);
                put_glyph(&r, pb - 1, g->head_r);
            } else {
                put_glyph(&r, pa, g->send_l);
                put_glyph(&r, pb + 1, g->head_l);
            }
            /* the label sits on the line, between the two ends */
            if (hi - lo > 4) put_centred(&r, (lo + hi + 1) / 2, lo + 2, hi - 1, label, g);
        }
        const char *colour = NULL;
        if (o->color)
            colour = a->failure ? "\033[31m" : sf_ladder_provisional(a) ? "\033[2m" : NULL;
        emit(f, &r, colour);
    }
    if (c->arrows_omitted)
        fprintf(f, "(%" PRIu32 " more messages not drawn: the ladder keeps %" PRIu32 ")\n",
                c->arrows_omitted, c->n_arrows);
    if (sf_call_diagnosis_text(c)) {
        fputc('\n', f);
        wrapped(f, width, "Diagnosis: ", sf_call_diagnosis_text(c), o->ascii);
    }
    free(r.cells);
}
