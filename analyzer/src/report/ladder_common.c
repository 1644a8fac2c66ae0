/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared pieces of the ladder renderers: names, escaping, times. */
#include <inttypes.h>
#include <string.h>

#include "ladder_internal.h"
#include "sipflow/markup_escape.h"
#include "sipflow/utf8.h"
#include "sipflow/message_format.h"

int sf_ladder_format_from_name(const char *name)
{
    static const char *const names[] = {"text", "svg", "html", "mermaid", "plantuml"};
    if (!name) return SF_LADDER_TEXT;
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(name, names[i]) == 0) return i;
    return -1;
}


void sf_ladder_clean(const char *s, bool ascii, char *out, size_t n)
{
    if (!n) return;
    size_t o = 0;
    if (s) {
        const unsigned char *p = (const unsigned char *)s;
        size_t len = strlen(s);
        for (size_t i = 0; i < len;) {
            uint32_t cp = 0;
            size_t k = sf_utf8_next(p + i, len - i, &cp);
            bool ok = k && cp >= 0x20 && cp != 0x7F && !(cp >= 0x80 && cp < 0xA0) &&
                      !(ascii && cp >= 0x80);
            size_t take = ok ? k : 1;
            size_t emit = ok ? k : 1;
            if (o + emit >= n) break;
            if (ok)
                memcpy(out + o, p + i, k);
            else
                out[o] = '?';
            o += emit;
            i += take;
        }
    }
    out[o] = 0;
}

void sf_ladder_xml_escape(FILE *f, const char *s, size_t max)
{
    sf_markup_escape(f, s, max, SF_MARKUP_CTRL_HEX);
}

void sf_ladder_time_of_day(sf_ts_t ts, bool utc, char *buf, size_t n)
{
    char full[64];
    sf_format_time_text(ts, utc, full, sizeof full);
    const char *sp = strchr(full, ' ');
    snprintf(buf, n, "%s", sp ? sp + 1 : full);
}

void sf_ladder_date(sf_ts_t ts, bool utc, char *buf, size_t n)
{
    char full[64];
    sf_format_time_text(ts, utc, full, sizeof full);
    char *sp = strchr(full, ' ');
    if (sp) *sp = 0;
    snprintf(buf, n, "%s", full);
}

void sf_ladder_delta(int64_t ns, char *buf, size_t n)
{
    if (ns < 0) ns = 0;
    snprintf(buf, n, "+%" PRId64 ".%06" PRId64, ns / 1000000000, (ns % 1000000000) / 1000);
}

void sf_ladder_endpoint_name(const sf_call_t *c, uint32_t i, char *buf, size_t n)
{
    if (i < c->n_endpoints)
        sf_endpoint_format(&c->endpoints[i].ep, buf, n);
    else
        snprintf(buf, n, "?");
}

void sf_ladder_call_title(const sf_call_t *c, char *buf, size_t n)
{
    char reason[128];
    sf_ladder_clean(c->reason_phrase, false, reason, sizeof reason);
    if (c->final_code)
        snprintf(buf, n, "Call %" PRIu32 ": %s, %d%s%s%s", c->number, sf_outcome_name(c->outcome),
                 c->final_code, reason[0] ? " " : "", reason, c->partial ? " (partial)" : "");
    else
        snprintf(buf, n, "Call %" PRIu32 ": %s%s", c->number, sf_outcome_name(c->outcome),
                 c->partial ? " (partial)" : "");
}
