/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ladder as a Mermaid sequence diagram. Requests are solid arrows,
 * responses dashed, failures end in a cross. Text from the wire is
 * escaped with Mermaid's entity codes (#59; for ';' ...), so no label can
 * end a statement or open markup. */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "ladder_internal.h"

static void mm_text(FILE *f, const char *s)
{
    char clean[1024];
    sf_ladder_clean(s, false, clean, sizeof clean);
    for (const unsigned char *p = (const unsigned char *)clean; *p; p++) {
        if (*p >= 0x80 || isalnum(*p) || strchr(" .,:_@/()+-=*!?[]'", *p))
            fputc(*p, f);
        else
            fprintf(f, "#%d;", *p);
    }
}

void sf_ladder_mermaid(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o)
{
    char b[512];
    sf_ladder_call_title(c, b, sizeof b);
    fputs("sequenceDiagram\n    title ", f);
    mm_text(f, b);
    fputc('\n', f);
    for (uint32_t i = 0; i < c->n_endpoints; i++) {
        sf_ladder_endpoint_name(c, i, b, sizeof b);
        fprintf(f, "    participant P%" PRIu32 " as ", i + 1);
        mm_text(f, b);
        if (c->endpoints[i].agent) {
            fputs("<br/>", f);
            mm_text(f, c->endpoints[i].agent);
        }
        fputc('\n', f);
    }
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        const char *arrow = a->failure ? (a->request ? "-x" : "--x") : a->request ? "->>" : "-->>";
        fprintf(f, "    P%" PRIu32 "%sP%" PRIu32 ": ", a->from + 1, arrow, a->to + 1);
        mm_text(f, sf_ladder_label(a));
        char t[64], d[48];
        sf_ladder_time_of_day(a->ts, o->utc, t, sizeof t);
        sf_ladder_delta(i ? sf_ts_diff_ns(a->ts, c->arrows[i - 1].ts) : 0, d, sizeof d);
        fprintf(f, "%s (frame ", a->retransmission ? " [retr]" : "");
        if (a->file) fprintf(f, "%" PRIu32 ":", a->file); /* input file index, as in text */
        fprintf(f, "%" PRIu64, a->frame);
        if (a->copies) fprintf(f, " + %" PRIu32 ":%" PRIu64, a->copy_file, a->copy_frame);
        fprintf(f, ", %s ", t);
        mm_text(f, d);
        fputs(")\n", f);
    }
    if (c->arrows_omitted && c->n_endpoints)
        fprintf(f, "    Note over P1: %" PRIu32 " more messages not drawn\n", c->arrows_omitted);
    if (sf_call_diagnosis_text(c) && c->n_endpoints) {
        if (c->n_endpoints > 1)
            fprintf(f, "    Note over P1,P%" PRIu32 ": ", c->n_endpoints);
        else
            fputs("    Note over P1: ", f);
        mm_text(f, sf_call_diagnosis_text(c));
        fputc('\n', f);
    }
}
