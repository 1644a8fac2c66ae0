/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow calls: one row (or JSON Lines record) per call, in call-number
 * order as the calls end. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "sipflow/csv.h"
#include "sipflow/message_format.h"

typedef struct {
    sf_json_t json;
    gboolean failed_only;
    uint64_t rows;
} calls_state_t;

static void ms_text(FILE *f, int64_t ms)
{
    if (ms < 0)
        fprintf(f, " %9s", "-");
    else
        fprintf(f, " %9.3f", (double)ms / 1000.0);
}

static void side_text(FILE *f, const char *what, const sf_call_media_t *m)
{
    if (!m->present) return;
    bool v6 = strchr(m->addr, ':') != NULL;
    fprintf(f, " %s %s %s%s%s:%u %s%s%s", what, m->codecs[0] ? m->codecs : "-", v6 ? "[" : "",
            m->addr[0] ? m->addr : "-", v6 ? "]" : "", m->port, m->direction,
            m->hold ? " (hold)" : "",
            m->nat ? " (NAT? private media address behind a public one)" : "");
}

/* "media: offer PCMU,PCMA 10.0.0.1:4000 sendrecv; answer PCMU ..." */
static void media_text(FILE *f, const sf_call_t *c)
{
    if (!c->offer.present) return;
    fputs("       media:", f);
    side_text(f, "offer", &c->offer);
    if (c->answer.present) fputc(';', f);
    side_text(f, "answer", &c->answer);
    if (c->held) fputs("; later put on hold", f);
    fputc('\n', f);
}

static void on_call(sf_cli_t *cli, sf_call_t *c)
{
    calls_state_t *st = cli->cmd;
    if (st->failed_only && !sf_outcome_failed(c->outcome)) return;
    st->rows++;
    if (cli->format == SF_FMT_JSON) {
        sf_json_object_begin(&st->json);
        sf_format_call_json(&st->json, c);
        sf_json_object_end(&st->json);
        sf_json_flush_line(&st->json, cli->out);
        return;
    }
    if (cli->format == SF_FMT_NONE) return;
    FILE *f = cli->out;
    if (cli->format == SF_FMT_CSV) {
        if (st->rows == 1) sf_format_call_csv_header(f);
        sf_format_call_csv(f, c);
        return;
    }
    if (st->rows == 1)
        fprintf(f, "%5s  %-26s %-10s %4s %9s %9s %9s %5s %5s  %s\n", "call", "start", "outcome",
                "code", "pdd_s", "setup_s", "dur_s", "msgs", "retr", "call-id / from -> to");
    char t[64];
    sf_format_time_text(c->start_time, cli->utc, t, sizeof t);
    fprintf(f, "%5" PRIu32 "  %-26s %-10s ", c->number, t, sf_outcome_name(c->outcome));
    if (c->final_code)
        fprintf(f, "%4d", c->final_code);
    else
        fprintf(f, "%4s", "-");
    ms_text(f, c->pdd_ms);
    ms_text(f, c->setup_ms);
    ms_text(f, c->duration_ms);
    fprintf(f, " %5" PRIu32 " %5" PRIu32 "  %s  %s -> %s%s\n", c->messages, c->retransmissions,
            c->call_id ? c->call_id : "-", c->from ? c->from : "-", c->to ? c->to : "-",
            c->partial ? "  [partial]" : "");
    media_text(f, c);
    if (sf_call_diagnosis_text(c)) fprintf(f, "       %s\n", sf_call_diagnosis_text(c));
}

int sf_cmd_calls(int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", "csv", "none", NULL};
    calls_state_t st;
    memset(&st, 0, sizeof st);
    GOptionEntry extra[] = {
        {"failed", 0, 0, G_OPTION_ARG_NONE, &st.failed_only,
         "Only failed calls (every outcome but answered and unfinished)", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    sf_cli_t cli;
    int rc = sf_cli_parse(&cli, "calls", "list every call with its outcome",
                          "One row per call: number, start time, outcome, final code, post-dial "
                          "delay, setup time, duration, messages, retransmissions, Call-ID, From "
                          "and To, the media of the SDP offer and answer (codecs, address and "
                          "port, direction, hold, a NAT hint when a media address is private but "
                          "its sender's is not), and the diagnosis of failed or broken calls.\n"
                          "json: JSON Lines (docs/schemas/calls.schema.json); csv: a header row "
                          "and one row per call, columns named as the JSON keys.\n"
                          "Selection options keep the calls that match all of them.",
                          extra, formats, argc, argv);
    if (rc == SF_EXIT_OK) {
        sf_json_init(&st.json);
        cli.cmd = &st;
        cli.on_call = on_call;
        cli.keep_ladder = false;
        rc = sf_cli_run(&cli);
        sf_json_free(&st.json);
    }
    sf_cli_free(&cli);
    return rc;
}
