/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ladder as a self-contained HTML page: per call an inline SVG ladder
 * and the full text of each of its messages (read back from the spill
 * file), hidden until its arrow is clicked. No external scripts, styles,
 * fonts or network. The page is also well-formed XML (XHTML polyglot) so
 * xmllint can check it and an XML parser can read it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ladder_internal.h"

/* A message larger than this shows its first bytes and a note. */
#define HTML_MAX_MESSAGE (1u << 20)

static const char page_css[] =
    "body{font:14px sans-serif;margin:0;padding:12px 12px 40vh 12px;color:#222}"
    "h1{font-size:18px}h2{font-size:15px;margin:24px 0 6px}"
    "section.call{border-top:1px solid #ccc}"
    "#pane{position:fixed;left:0;right:0;bottom:0;height:36vh;overflow:auto;margin:0;"
    "background:#fafafa;border-top:2px solid #5b7fa6;padding:8px 12px}"
    "#pane pre{margin:0;font:12px monospace;white-space:pre-wrap}"
    "#pane .hint{color:#777}";

/* The click handler: an arrow (g.arrow) shows the <pre> with the same
 * data-msg in its call's section. Written without '<' and '&' so it is
 * also plain character data for an XML parser. */
static const char page_js[] =
    "document.addEventListener('click',function(ev){\n"
    "  var g=ev.target.closest?ev.target.closest('g.arrow'):null;\n"
    "  if(!g)return;\n"
    "  var sec=g.closest('section');\n"
    "  var seq=g.getAttribute('data-msg');\n"
    "  var src=sec?sec.querySelector('pre[data-msg=\"'+seq+'\"]'):null;\n"
    "  var old=document.querySelectorAll('g.arrow.sel');\n"
    "  for(var i=0;i!==old.length;i++)old[i].classList.remove('sel');\n"
    "  g.classList.add('sel');\n"
    "  var pane=document.getElementById('msgtext');\n"
    "  pane.className='';\n"
    "  pane.textContent=src?src.textContent:'(message text not kept)';\n"
    "  document.getElementById('msghead').textContent=(sec?sec.getAttribute('data-title'):'')+\n"
    "    ', frame '+g.getAttribute('data-frame');\n"
    "});\n";

void sf_ladder_html_head(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
          "<head>\n<meta charset=\"utf-8\"/>\n<title>",
          f);
    sf_ladder_xml_escape(f, title ? title : "sipflow ladder", SIZE_MAX);
    fprintf(f, "</title>\n<style>%s%s</style>\n</head>\n<body>\n<h1>", page_css, sf_ladder_svg_css);
    sf_ladder_xml_escape(f, title ? title : "sipflow ladder", SIZE_MAX);
    fputs("</h1>\n<p>Click an arrow to see its message.</p>\n", f);
}

static void message_text(FILE *f, const sf_arrow_t *a, sf_message_spill_t *spill)
{
    int64_t len = spill ? sf_message_spill_length(spill, a->msg_seq) : -1;
    fprintf(f, "<pre data-msg=\"%" PRIu64 "\">", a->msg_seq);
    if (len < 0) {
        fputs("(message text not kept)", f);
    } else {
        size_t want = (size_t)len > HTML_MAX_MESSAGE ? HTML_MAX_MESSAGE : (size_t)len;
        char *buf = malloc(want ? want : 1);
        int64_t got = buf ? sf_message_spill_read(spill, a->msg_seq, buf, want) : -1;
        if (got < 0)
            fputs("(message text could not be read back)", f);
        else
            sf_ladder_xml_escape(f, buf, (size_t)got);
        if (got >= 0 && (size_t)len > want)
            fprintf(f, "\n(%" PRId64 " more bytes not shown)", len - (int64_t)want);
        free(buf);
    }
    fputs("</pre>\n", f);
}

void sf_ladder_html_call(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o)
{
    char title[512];
    sf_ladder_call_title(c, title, sizeof title);
    fprintf(f, "<section class=\"call\" id=\"call-%" PRIu32 "\" data-title=\"", c->number);
    sf_ladder_xml_escape(f, title, SIZE_MAX);
    fputs("\">\n<h2>", f);
    sf_ladder_xml_escape(f, title, SIZE_MAX);
    fputs("</h2>\n", f);
    char px[32];
    snprintf(px, sizeof px, "c%" PRIu32 "-", c->number);
    sf_ladder_svg_element(f, c, o, px, NULL);
    fputs("<div class=\"msgs\" hidden=\"hidden\">\n", f);
    for (uint32_t i = 0; i < c->n_arrows; i++)
        message_text(f, &c->arrows[i], o->spill);
    fputs("</div>\n</section>\n", f);
}

void sf_ladder_html_tail(FILE *f)
{
    fprintf(f,
            "<div id=\"pane\"><div id=\"msghead\" class=\"hint\"></div><pre id=\"msgtext\" "
            "class=\"hint\">No message selected.</pre></div>\n<script>//<![CDATA[\n%s//]]>"
            "</script>\n</body>\n</html>\n",
            page_js);
}
