/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

int sf_cli_parse(sf_cli_t *cli, const char *command, const char *summary,
                 const char *description, const GOptionEntry *extra,
                 const char *const *allowed_formats, int argc, char **argv)
{
    memset(cli, 0, sizeof *cli);
    cli->command = command;
    cli->keep_ladder = true;
    GOptionEntry common[] = {
        {"format", 'F', 0, G_OPTION_ARG_STRING, &cli->format_name, "Output format", "FMT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &cli->output, "Write to FILE instead of stdout",
         "FILE"},
        {"filter", 'f', 0, G_OPTION_ARG_STRING, &cli->bpf,
         "Capture filter (BPF, as tcpdump) applied per record; frame numbers are kept", "BPF"},
        {"utc", 0, 0, G_OPTION_ARG_NONE, &cli->utc, "Show times in UTC (default: local time)",
         NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &cli->quiet, "No anomaly summary on stderr", NULL},
        {"t1", 0, 0, G_OPTION_ARG_DOUBLE, &cli->t1_seconds,
         "SIP timer T1 in seconds (default 0.5; otherwise inferred from the first "
         "retransmission interval)",
         "SECONDS"},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cli->inputs, NULL, "FILE..."},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    char *param = g_strdup_printf("%s FILE... - %s", command, summary);
    GOptionContext *ctx = g_option_context_new(param);
    g_free(param);
    GString *desc = g_string_new(description ? description : "");
    g_string_append(desc, "\nFormats:");
    for (size_t i = 0; allowed_formats[i]; i++)
        g_string_append_printf(desc, " %s%s", allowed_formats[i], i == 0 ? " (default)" : "");
    g_string_append(desc,
                    "\nFILE is a pcap or pcapng capture, plain or gzip-compressed; '-' reads "
                    "stdin. Several files are merged by time.\n"
                    "Exit status: 0 input read whole, 1 nothing could be read, 2 usage error, "
                    "3 input read only in part.\n");
    g_option_context_set_description(ctx, desc->str);
    g_string_free(desc, TRUE);
    g_option_context_add_main_entries(ctx, common, NULL);
    if (extra) g_option_context_add_main_entries(ctx, extra, NULL);
    GError *err = NULL;
    int rc = SF_EXIT_OK;
    if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
        fprintf(stderr, "sipflow %s: %s (see 'sipflow %s --help')\n", command, err->message,
                command);
        g_error_free(err);
        rc = SF_EXIT_USAGE;
    } else if (!cli->inputs || !cli->inputs[0]) {
        fprintf(stderr, "sipflow %s: no input file (see 'sipflow %s --help')\n", command, command);
        rc = SF_EXIT_USAGE;
    } else {
        const char *f = cli->format_name ? cli->format_name : allowed_formats[0];
        size_t i;
        for (i = 0; allowed_formats[i]; i++)
            if (strcmp(f, allowed_formats[i]) == 0) break;
        if (!allowed_formats[i]) {
            fprintf(stderr, "sipflow %s: unknown format '%s'\n", command, f);
            rc = SF_EXIT_USAGE;
        } else {
            cli->format = strcmp(f, "json") == 0   ? SF_FMT_JSON
                          : strcmp(f, "none") == 0 ? SF_FMT_NONE
                                                   : SF_FMT_TEXT;
        }
    }
    g_option_context_free(ctx);
    return rc;
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    sf_cli_t *cli = user;
    if ((unsigned)a->kind < SF_ANOM_KIND_COUNT) cli->anomaly_count[a->kind]++;
    if (cli->anomalies_total++ == 0) {
        cli->first_anomaly = *a;
        g_strlcpy(cli->first_reason, a->reason ? a->reason : "", sizeof cli->first_reason);
        cli->first_anomaly.reason = cli->first_reason;
    }
    if (cli->on_anomaly) cli->on_anomaly(cli, a);
}

static void on_sip(void *user, const sf_msg_meta_t *meta, const sf_sip_msg_t *msg)
{
    sf_cli_t *cli = user;
    sf_engine_push(cli->engine, meta, msg);
}

static void on_message(void *user, const sf_msg_info_t *info)
{
    sf_cli_t *cli = user;
    if (cli->stats) sf_stats_on_message(cli->stats, info);
    if (cli->on_message) cli->on_message(cli, info);
}

static void on_txn(void *user, const sf_txn_info_t *t)
{
    sf_cli_t *cli = user;
    if (cli->stats) sf_stats_on_txn(cli->stats, t);
}

static void on_call(void *user, sf_call_t *c)
{
    sf_cli_t *cli = user;
    if (cli->stats) sf_stats_on_call(cli->stats, c);
    if (cli->on_call) cli->on_call(cli, c);
}

static void on_registration(void *user, const sf_registration_t *r)
{
    sf_cli_t *cli = user;
    if (cli->stats) sf_stats_on_registration(cli->stats, r);
}

/* One line on stderr so a user always knows what was skipped. */
static void print_summary(const sf_cli_t *cli)
{
    if (cli->quiet) return;
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "sipflow: %" PRIu64 " records, %" PRIu64 " SIP messages, %" PRIu64
                              " anomalies",
                           cli->cap_stats.records, cli->path_stats.sip_messages,
                           cli->anomalies_total);
    if (cli->anomalies_total) {
        g_string_append(s, " (");
        int n = 0;
        for (int k = 0; k < SF_ANOM_KIND_COUNT; k++) {
            if (!cli->anomaly_count[k]) continue;
            g_string_append_printf(s, "%s%s %" PRIu64, n++ ? ", " : "",
                                   sf_anomaly_kind_name((sf_anomaly_kind_t)k),
                                   cli->anomaly_count[k]);
        }
        const sf_anomaly_t *a = &cli->first_anomaly;
        g_string_append_printf(s, "); first: file %" PRIu32 " frame %" PRIu64 ": %s", a->file,
                               a->frame, a->reason);
        if (strcmp(cli->command, "anomalies") != 0)
            g_string_append(s, "; 'sipflow anomalies' lists them all");
    }
    if (cli->cap_stats.partial) g_string_append(s, "; input read only in part");
    fprintf(stderr, "%s\n", s->str);
    g_string_free(s, TRUE);
}

int sf_cli_run(sf_cli_t *cli)
{
    cli->out = stdout;
    if (cli->output && strcmp(cli->output, "-") != 0) {
        cli->out = fopen(cli->output, "w");
        if (!cli->out) {
            fprintf(stderr, "sipflow %s: cannot write %s: %s\n", cli->command, cli->output,
                    strerror(errno));
            return SF_EXIT_USAGE;
        }
    }
    size_t n = g_strv_length(cli->inputs);
    sf_anomaly_sink_t asink = {on_anomaly, cli};
    sf_capture_opts_t copts = {.bpf = cli->bpf, .anomalies = asink};
    char err[512] = "";
    sf_capture_t *cap = sf_capture_open((const char *const *)cli->inputs, n, &copts, err, sizeof err);
    if (!cap) {
        fprintf(stderr, "sipflow %s: %s\n", cli->command, err[0] ? err : "cannot read input");
        return SF_EXIT_UNREADABLE;
    }
    for (const char *const *w = sf_capture_filter_warnings(cap); w && *w; w++)
        fprintf(stderr, "sipflow: warning: %s\n", *w);

    sf_packet_path_config_t pcfg;
    sf_packet_path_config_default(&pcfg);
    sf_engine_config_t ecfg;
    sf_engine_config_default(&ecfg);
    ecfg.keep_ladder = cli->keep_ladder;
    if (cli->t1_seconds > 0) {
        ecfg.t1_ns = (int64_t)(cli->t1_seconds * 1e9);
        ecfg.t1_fixed = true;
    }
    sf_engine_sink_t esink = {on_message, on_txn, on_call, on_registration, cli};
    cli->engine = sf_engine_create(&ecfg, &esink);
    sf_sip_sink_t ssink = {on_sip, cli};
    sf_packet_path_t *pp = sf_packet_path_create(&pcfg, &ssink, &asink);
    sf_packet_t pkt;
    while (sf_capture_next(cap, &pkt) == 1) sf_packet_path_push(pp, &pkt);
    sf_packet_path_finish(pp);
    sf_engine_finish(cli->engine);
    sf_engine_get_stats(cli->engine, &cli->engine_stats);
    sf_engine_destroy(cli->engine);
    cli->engine = NULL;
    sf_packet_path_get_stats(pp, &cli->path_stats);
    sf_capture_get_stats(cap, &cli->cap_stats);
    sf_packet_path_destroy(pp);
    sf_capture_close(cap);

    int rc = SF_EXIT_OK;
    if (cli->cap_stats.partial || cli->cap_stats.files_failed) rc = SF_EXIT_PARTIAL;
    if (cli->after_run) cli->after_run(cli);
    if (fflush(cli->out) != 0 || ferror(cli->out)) {
        fprintf(stderr, "sipflow %s: write error: %s\n", cli->command, strerror(errno));
        rc = SF_EXIT_UNREADABLE;
    }
    print_summary(cli);
    return rc;
}

void sf_cli_free(sf_cli_t *cli)
{
    if (cli->out && cli->out != stdout) fclose(cli->out);
    cli->out = NULL;
    g_free(cli->bpf);
    g_free(cli->output);
    g_free(cli->format_name);
    g_strfreev(cli->inputs);
}
