/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ladder as a PlantUML sequence diagram (@startuml ... @enduml per
 * call). Requests are solid arrows, responses dashed, failures red. */
#include <inttypes.h>
#include <string.h>

#include "ladder_internal.h"

/* Cleaned text; '"' would end a quoted name and a backslash starts an
 * escape (\n), so both are replaced. */
static void pu_text(FILE *f, const char *s)
{
    char clean[1024];
    sf_ladder_clean(s, false, clean, sizeof clean);
    for (char *p = clean; *p; p++) {
        if (*p == '"') *p = '\'';
        if (*p == '\\') *p = '/';
    }
    fputs(clean, f);
}

void sf_ladder_plantuml(FILE *f, const sf_call_t *c, const sf_ladder_opts_t *o)
{
    char b[512];
    sf_ladder_call_title(c, b, sizeof b);
    fputs("@startuml\ntitle ", f);
    pu_text(f, b);
    fputc('\n', f);
    for (uint32_t i = 0; i < c->n_endpoints; i++) {
        sf_ladder_endpoint_name(c, i, b, sizeof b);
        fputs("participant \"", f);
        pu_text(f, b);
        if (c->endpoints[i].agent) {
            fputs("\\n", f);
            pu_text(f, c->endpoints[i].agent);
        }
        fprintf(f, "\" as P%" PRIu32 "\n", i + 1);
    }
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        const char *arrow = a->failure   ? (a->request ? "-[#red]>" : "-[#red]->")
                            : a->request ? "->"
                                         : "-->";
        fprintf(f, "P%" PRIu32 " %s P%" PRIu32 " : ", a->from + 1, arrow, a->to + 1);
        pu_text(f, sf_ladder_label(a));
        char t[64], d[48];
        sf_ladder_time_of_day(a->ts, o->utc, t, sizeof t);
        sf_ladder_delta(i ? sf_ts_diff_ns(a->ts, c->arrows[i - 1].ts) : 0, d, sizeof d);
        fprintf(f, "%s (frame ", a->retransmission ? " [retr]" : "");
        if (a->file) fprintf(f, "%" PRIu32 ":", a->file); /* input file index, as in text */
        fprintf(f, "%" PRIu64, a->frame);
        if (a->copies) fprintf(f, " + %" PRIu32 ":%" PRIu64, a->copy_file, a->copy_frame);
        fprintf(f, ", %s %s)\n", t, d);
    }
    if (c->arrows_omitted && c->n_endpoints)
        fprintf(f, "note over P1 : %" PRIu32 " more messages not drawn\n", c->arrows_omitted);
    if (sf_call_diagnosis_text(c) && c->n_endpoints) {
        if (c->n_endpoints > 1)
            fprintf(f, "note over P1, P%" PRIu32 " : ", c->n_endpoints);
        else
            fputs("note over P1 : ", f);
        pu_text(f, sf_call_diagnosis_text(c));
        fputc('\n', f);
    }
    fputs("@enduml\n", f);
}
