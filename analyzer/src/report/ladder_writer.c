/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Streams calls into one ladder document of the chosen format. */
#include <stdlib.h>
#include <string.h>

#include "ladder_internal.h"

struct sf_ladder_writer {
    FILE *out;
    sf_ladder_opts_t o;
    uint64_t calls;
    /* SVG: the body goes to an unlinked temporary file until the total
     * size is known; memory stays flat however many calls there are */
    FILE *body;
    uint64_t svg_height;
    unsigned svg_width;
};

sf_ladder_writer_t *sf_ladder_writer_create(FILE *out, const sf_ladder_opts_t *opts)
{
    sf_ladder_writer_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->out = out;
    w->o = *opts;
    if (w->o.format == SF_LADDER_SVG) {
        w->body = tmpfile();
        if (!w->body) {
            free(w);
            return NULL;
        }
    } else if (w->o.format == SF_LADDER_HTML) {
        sf_ladder_html_head(out, "sipflow ladder");
    }
    return w;
}

int sf_ladder_writer_add(sf_ladder_writer_t *w, const sf_call_t *c)
{
    switch (w->o.format) {
    case SF_LADDER_TEXT:
        if (w->calls) fputc('\n', w->out);
        sf_ladder_text(w->out, c, &w->o);
        break;
    case SF_LADDER_MERMAID:
        if (w->calls) fputc('\n', w->out);
        sf_ladder_mermaid(w->out, c, &w->o);
        break;
    case SF_LADDER_PLANTUML:
        if (w->calls) fputc('\n', w->out);
        sf_ladder_plantuml(w->out, c, &w->o);
        break;
    case SF_LADDER_SVG: {
        unsigned width = 0;
        /* calls are stacked with a 16px gap */
        fprintf(w->body, "<g transform=\"translate(0,%llu)\">\n",
                (unsigned long long)w->svg_height);
        char px[32];
        snprintf(px, sizeof px, "c%lu-", (unsigned long)c->number);
        unsigned h = sf_ladder_svg_element(w->body, c, &w->o, px, &width);
        fputs("</g>\n", w->body);
        w->svg_height += h + 16;
        if (width > w->svg_width) w->svg_width = width;
        break;
    }
    case SF_LADDER_HTML:
        sf_ladder_html_call(w->out, c, &w->o);
        break;
    }
    w->calls++;
    return ferror(w->out) || (w->body && ferror(w->body)) ? -1 : 0;
}

int sf_ladder_writer_finish(sf_ladder_writer_t *w)
{
    if (w->o.format == SF_LADDER_SVG) {
        unsigned width = w->svg_width ? w->svg_width : 400;
        unsigned long long height = w->calls ? w->svg_height : 40;
        fprintf(w->out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "
                "xmlns=\"http://www.w3.org/2000/svg\" width=\"%u\" height=\"%llu\" "
                "viewBox=\"0 0 %u %llu\">\n<style>%s</style>\n<rect width=\"100%%\" "
                "height=\"100%%\" fill=\"#fff\"/>\n",
                width, height, width, height, sf_ladder_svg_css);
        if (!w->calls)
            fputs("<text x=\"10\" y=\"24\" font-family=\"monospace\">No calls to draw.</text>\n",
                  w->out);
        rewind(w->body);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, w->body)) > 0)
            fwrite(buf, 1, n, w->out);
        if (ferror(w->body)) return -1;
        fputs("</svg>\n", w->out);
    } else if (w->o.format == SF_LADDER_HTML) {
        if (!w->calls) fputs("<p>No calls to draw.</p>\n", w->out);
        sf_ladder_html_tail(w->out);
    }
    return ferror(w->out) ? -1 : 0;
}

uint64_t sf_ladder_writer_calls(const sf_ladder_writer_t *w)
{
    return w->calls;
}

void sf_ladder_writer_destroy(sf_ladder_writer_t *w)
{
    if (!w) return;
    if (w->body) fclose(w->body);
    free(w);
}
