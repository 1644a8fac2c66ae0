/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow stats: requests per method, responses per method and code (with
 * retransmissions apart), call outcomes with ASR and NER, top failure
 * codes, timing percentiles, transactions, registrations, anomalies, and
 * optionally the same split per client/server endpoint pair. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "sipflow/csv.h"
#include "sipflow/message_format.h"

typedef struct {
    char *by;
} stats_opts_t;

static void timing_text(FILE *f, const char *name, const sf_hist_t *h)
{
    if (!h->count) {
        fprintf(f, "  %-12s %8s\n", name, "0");
        return;
    }
    fprintf(f, "  %-12s %8" PRIu64 " %9" PRId64 " %9" PRId64 " %9" PRId64 " %9" PRId64 "\n", name,
            h->count, sf_hist_percentile(h, 50), sf_hist_percentile(h, 90),
            sf_hist_percentile(h, 99), h->max);
}

static void failures_text(FILE *f, const sf_stats_t *s)
{
    const sf_stats_failure_t *top[SF_STATS_TOP_FAILURES];
    uint64_t other = 0;
    uint32_t n = sf_stats_top_failures(s, top, SF_STATS_TOP_FAILURES, &other);
    fprintf(f, "\nTop failure codes (failed calls with a final code: %" PRIu64 ")\n",
            s->failed_calls);
    if (!s->failed_calls) return;
    fprintf(f, "  %-4s %8s  %s\n", "code", "calls", "reason phrase / Reason / Warning");
    for (uint32_t i = 0; i < n; i++) {
        const sf_stats_failure_t *x = top[i];
        fprintf(f, "  %-4d %8" PRIu64 "  %s", x->code, x->calls, x->reason_phrase);
        if (x->reason[0]) fprintf(f, "  Reason: %s", x->reason);
        if (x->warning[0]) fprintf(f, "  Warning: %s", x->warning);
        fputc('\n', f);
    }
    if (other) fprintf(f, "  %-4s %8" PRIu64 "\n", "other", other);
}

static void pairs_text(FILE *f, const sf_stats_t *s)
{
    const sf_stats_pair_t *rows[SF_STATS_MAX_PAIRS];
    uint32_t n = sf_stats_sorted_pairs(s, rows);
    fprintf(f, "\nBy endpoint (client -> server, at most %d pairs)\n", SF_STATS_MAX_PAIRS);
    fprintf(f, "  %-46s %-46s %8s %8s %8s %7s %6s %6s %6s %6s %6s %6s %6s %6s\n", "client",
            "server", "msgs", "reqs", "resps", "retrans", "2xx", "3xx", "4xx", "5xx", "6xx",
            "calls", "answ", "failed");
    for (uint32_t i = 0; i <= n; i++) {
        const sf_stats_pair_t *p = i < n ? rows[i] : &s->pair_other;
        char a[SF_ENDPOINT_STRLEN] = "other", b[SF_ENDPOINT_STRLEN] = "";
        if (i < n) {
            sf_endpoint_format(&p->client, a, sizeof a);
            sf_endpoint_format(&p->server, b, sizeof b);
        } else if (!p->messages && !p->calls) {
            break;
        }
        fprintf(f,
                "  %-46s %-46s %8" PRIu64 " %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %6" PRIu64
                " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %6" PRIu64
                " %6" PRIu64 "\n",
                a, b, p->messages, p->requests, p->responses, p->retransmissions,
                p->responses_by_class[1], p->responses_by_class[2], p->responses_by_class[3],
                p->responses_by_class[4], p->responses_by_class[5], p->calls, p->answered,
                p->failed);
    }
}

static void stats_text(FILE *f, const sf_stats_t *s)
{
    if (s->calls_selected)
        fprintf(f, "Selected calls only: message counts are those of the selected calls.\n");
    fprintf(f,
            "SIP messages: %" PRIu64 " (%" PRIu64 " requests, %" PRIu64 " responses, %" PRIu64
            " retransmissions, %" PRIu64 " malformed)\n",
            s->messages, s->requests, s->responses, s->retransmissions, s->malformed);
    if (s->duplicates)
        fprintf(f,
                "Seen twice: %" PRIu64 " of them are copies of another (several capture points "
                "or a packet captured twice), not retransmissions\n",
                s->duplicates);
    fputc('\n', f);
    fprintf(f, "%-12s %10s %10s\n", "Requests", "count", "retrans");
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++) {
        const sf_stats_method_t *m = s->methods[i];
        if (m && m->requests)
            fprintf(f, "%-12s %10" PRIu64 " %10" PRIu64 "\n", m->name, m->requests,
                    m->requests_retransmitted);
    }
    fprintf(f, "\n%-12s %-6s %10s %10s\n", "Responses", "code", "count", "retrans");
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++) {
        const sf_stats_method_t *m = s->methods[i];
        if (!m) continue;
        for (int code = 100; code <= 699; code++)
            if (m->responses[code])
                fprintf(f, "%-12s %-6d %10" PRIu64 " %10" PRIu64 "\n", m->name, code,
                        m->responses[code], m->responses_retrans[code]);
    }
    fprintf(f, "\nCalls: %" PRIu64 "\n", s->calls);
    for (int o = 0; o < SF_OUTCOME_COUNT; o++)
        if (s->outcomes[o])
            fprintf(f, "  %-12s %8" PRIu64 "\n", sf_outcome_name((sf_outcome_t)o), s->outcomes[o]);
    double asr = sf_stats_asr(s), ner = sf_stats_ner(s);
    if (asr >= 0) fprintf(f, "  ASR %.1f%%  NER %.1f%%\n", asr * 100, ner * 100);
    failures_text(f, s);
    fprintf(f, "\nTimings in ms (percentiles within %.2f%%)\n", SF_HIST_RELATIVE_ERROR * 100);
    fprintf(f, "  %-12s %8s %9s %9s %9s %9s\n", "", "count", "p50", "p90", "p99", "max");
    timing_text(f, "response", &s->response_ms);
    timing_text(f, "PDD", &s->pdd_ms);
    timing_text(f, "setup", &s->setup_ms);
    timing_text(f, "duration", &s->duration_ms);
    fprintf(f, "\nTransactions timed out: %" PRIu64 " INVITE, %" PRIu64 " non-INVITE\n",
            s->txn_timeouts_invite, s->txn_timeouts_non_invite);
    fprintf(f, "Registrations: %" PRIu64, s->registrations);
    for (int o = 0; o < SF_REG_OUTCOME_COUNT; o++)
        if (s->reg_outcomes[o])
            fprintf(f, ", %s %" PRIu64, sf_reg_outcome_name((sf_reg_outcome_t)o),
                    s->reg_outcomes[o]);
    fprintf(f, " (%" PRIu64 " successes, %" PRIu64 " challenges, %" PRIu64 " failures)\n",
            s->reg_outcomes[SF_REG_REGISTERED] + s->reg_outcomes[SF_REG_UNREGISTERED],
            s->reg_challenges, s->reg_outcomes[SF_REG_FAILED] + s->reg_outcomes[SF_REG_TIMEOUT]);
    fprintf(f, "Capture anomalies: %" PRIu64, s->anomalies_total);
    for (int k = 0, n = 0; k < SF_ANOM_KIND_COUNT; k++)
        if (s->anomalies[k])
            fprintf(f, "%s%s %" PRIu64, n++ ? ", " : " (",
                    sf_anomaly_kind_name((sf_anomaly_kind_t)k), s->anomalies[k]);
    fprintf(f, "%s\n", s->anomalies_total ? ")" : "");
    if (s->anomalies[SF_ANOM_TLS_ENCRYPTED])
        fprintf(f,
                "Encrypted SIP, not analysed: %" PRIu64 " TLS connection%s (no decryption; "
                "'sipflow anomalies' gives endpoints, SNI and frames)\n",
                s->anomalies[SF_ANOM_TLS_ENCRYPTED],
                s->anomalies[SF_ANOM_TLS_ENCRYPTED] == 1 ? "" : "s");
    if (s->pairs) pairs_text(f, s);
}

void sf_stats_print(sf_cli_t *cli, const sf_stats_t *s)
{
    if (cli->format == SF_FMT_JSON || cli->format == SF_FMT_CSV) {
        sf_json_t j;
        sf_json_init(&j);
        sf_json_object_begin(&j);
        sf_format_stats_json(&j, s);
        sf_json_object_end(&j);
        if (cli->format == SF_FMT_JSON)
            sf_json_flush_line(&j, cli->out);
        else if (!j.failed)
            sf_csv_flatten_json(cli->out, j.buf, j.len);
        sf_json_free(&j);
    } else {
        stats_text(cli->out, s);
        /* what the HEP decapsulation saw (issue 7: non-SIP payloads are
         * counted and skipped, so say how many) */
        const sf_hep_stats_t *h = &cli->path_stats.hep;
        if (h->packets)
            fprintf(cli->out,
                    "HEP: %" PRIu64 " packets (v1/v2 %" PRIu64 ", v3 %" PRIu64 "), %" PRIu64
                    " SIP payloads, %" PRIu64 " non-SIP skipped, %" PRIu64
                    " without payload, %" PRIu64 " compressed, %" PRIu64 " malformed, %" PRIu64
                    " late for the reorder window\n",
                    h->packets, h->v2, h->v3, h->sip, h->non_sip, h->no_payload, h->compressed,
                    h->malformed, h->window.late);
    }
}

static void print_stats(sf_cli_t *cli)
{
    sf_stats_print(cli, cli->stats);
}

int sf_cmd_stats(int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", "csv", NULL};
    stats_opts_t o;
    memset(&o, 0, sizeof o);
    GOptionEntry extra[] = {
        {"by", 0, 0, G_OPTION_ARG_STRING, &o.by,
         "Also split per client -> server endpoint pair (at most 64, the rest in an \"other\" "
         "row): --by endpoint",
         "endpoint"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    sf_cli_t cli;
    int rc = sf_cli_parse(
        &cli, "stats", "error-code statistics and call outcomes",
        "Requests per method; responses per CSeq method and code, counting every message on the "
        "wire (as tshark -z sip,stat) with retransmissions also counted apart; call outcomes "
        "with ASR and NER; the top failure codes of failed calls with their Reason and Warning "
        "texts (10 rows and \"other\"); p50/p90/p99/max of the non-INVITE response time, "
        "post-dial delay, set-up time and duration, from a log-scale histogram within 0.78 % "
        "of the exact value; transaction timeouts; registrations; capture anomalies by kind.\n"
        "Selection options select calls: calls, outcomes, failure codes, call timings and the "
        "request/response counters (and --by endpoint rows) then cover the selected calls and "
        "their messages only; registrations, transactions, non-INVITE response times, "
        "malformed messages and anomalies still cover the whole capture.\n"
        "json: one document (docs/schemas/stats.schema.json); csv: that document as key,value "
        "rows (key = JSON path joined with '/').",
        extra, formats, argc, argv);
    if (rc == SF_EXIT_OK && o.by && strcmp(o.by, "endpoint") != 0) {
        fprintf(stderr, "sipflow stats: --by takes 'endpoint'\n");
        rc = SF_EXIT_USAGE;
    }
    if (rc == SF_EXIT_OK) {
        cli.stats = sf_stats_create();
        if (!cli.stats || (o.by && !sf_stats_enable_pairs(cli.stats))) {
            fprintf(stderr, "sipflow stats: out of memory\n");
            rc = SF_EXIT_UNREADABLE;
        } else {
            cli.after_run = print_stats;
            cli.keep_ladder = false;
            cli.keep_media = false; /* no statistic reads codecs or hold */
            rc = sf_cli_run(&cli);
        }
        sf_stats_destroy(cli.stats);
    }
    g_free(o.by);
    sf_cli_free(&cli);
    return rc;
}
