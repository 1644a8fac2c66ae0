/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow stats: requests per method, responses per method and code (with
 * retransmissions apart), call outcomes with ASR and NER, transactions,
 * registrations. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "sipflow/message_format.h"

static void stats_text(FILE *f, const sf_stats_t *s)
{
    fprintf(f, "SIP messages: %" PRIu64 " (%" PRIu64 " requests, %" PRIu64 " responses, %" PRIu64
               " retransmissions, %" PRIu64 " malformed)\n\n",
            s->messages, s->requests, s->responses, s->retransmissions, s->malformed);
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
    fprintf(f, "\nTransactions timed out: %" PRIu64 " INVITE, %" PRIu64 " non-INVITE\n",
            s->txn_timeouts_invite, s->txn_timeouts_non_invite);
    fprintf(f, "Registrations: %" PRIu64, s->registrations);
    for (int o = 0; o < SF_REG_OUTCOME_COUNT; o++)
        if (s->reg_outcomes[o])
            fprintf(f, ", %s %" PRIu64, sf_reg_outcome_name((sf_reg_outcome_t)o), s->reg_outcomes[o]);
    fprintf(f, " (%" PRIu64 " challenges)\n", s->reg_challenges);
}

static void print_stats(sf_cli_t *cli)
{
    if (cli->format == SF_FMT_JSON) {
        sf_json_t j;
        sf_json_init(&j);
        sf_json_object_begin(&j);
        sf_format_stats_json(&j, cli->stats);
        sf_json_object_end(&j);
        sf_json_flush_line(&j, cli->out);
        sf_json_free(&j);
    } else {
        stats_text(cli->out, cli->stats);
    }
}

int sf_cmd_stats(int argc, char **argv)
{
    static const char *const formats[] = {"text", "json", NULL};
    sf_cli_t cli;
    int rc = sf_cli_parse(&cli, "stats", "error-code statistics and call outcomes",
                          "Requests per method; responses per CSeq method and code, counting "
                          "every message on the wire (as tshark -z sip,stat) with "
                          "retransmissions also counted apart; call outcomes with ASR and NER; "
                          "transaction timeouts; registrations.\n"
                          "json: one document (docs/schemas/stats.schema.json).",
                          NULL, formats, argc, argv);
    if (rc == SF_EXIT_OK) {
        cli.stats = sf_stats_create();
        cli.after_run = print_stats;
        cli.keep_ladder = false;
        rc = sf_cli_run(&cli);
        sf_stats_destroy(cli.stats);
    }
    sf_cli_free(&cli);
    return rc;
}
