/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow report: one self-contained HTML page (sipflow/html_report.h). */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sipflow/html_report.h"

typedef struct {
    sf_html_report_t *report;
    bool failed;
} report_state_t;

static void on_message(sf_cli_t *cli, const sf_msg_info_t *info)
{
    sf_html_report_on_message(((report_state_t *)cli->cmd)->report, info);
}

static void on_call(sf_cli_t *cli, sf_call_t *c)
{
    sf_html_report_on_call(((report_state_t *)cli->cmd)->report, c);
}

static void after_run(sf_cli_t *cli)
{
    report_state_t *st = cli->cmd;
    if (sf_html_report_finish(st->report, cli->stats, cli->out) != 0) {
        fprintf(stderr, "sipflow report: cannot write the report\n");
        st->failed = true;
    }
}

int sf_cmd_report(int argc, char **argv)
{
    static const char *const formats[] = {"html", NULL};
    sf_cli_t cli;
    int rc = sf_cli_parse(
        &cli, "report", "one self-contained HTML report",
        "A summary with charts (call outcomes, responses over time, post-dial delay, setup time "
        "and response time histograms), the call table (sortable; filter by outcome, code, "
        "number or text) and, on click, each call's ladder and diagnosis, with the message text "
        "on click of an arrow. No external scripts, fonts or network. Message texts are "
        "embedded for failed calls (up to 16 MiB) and for other calls up to 2 MiB, each cut at "
        "16 KiB. Opening REPORT.html#call=N shows call N. Write it with -o FILE.",
        NULL, formats, argc, argv);
    if (rc == SF_EXIT_OK && (!cli.output || strcmp(cli.output, "-") == 0) &&
        isatty(STDOUT_FILENO)) {
        fprintf(stderr, "sipflow report: give the HTML file with -o FILE\n");
        rc = SF_EXIT_USAGE;
    }
    if (rc == SF_EXIT_OK) {
        char err[512] = "";
        sf_html_report_opts_t o = {
            .utc = cli.utc,
            .inputs = (const char *const *)cli.inputs,
            .n_inputs = g_strv_length(cli.inputs),
        };
        sf_html_report_t *r = sf_html_report_create(&o, err, sizeof err);
        if (!r) {
            fprintf(stderr, "sipflow report: %s\n", err);
            rc = SF_EXIT_UNREADABLE;
        } else {
            report_state_t st = {r, false};
            cli.cmd = &st;
            cli.stats = sf_stats_create();
            cli.on_message = on_message;
            cli.on_call = on_call;
            cli.after_run = after_run;
            rc = sf_cli_run(&cli);
            if (st.failed) rc = SF_EXIT_UNREADABLE;
            sf_stats_destroy(cli.stats);
            sf_html_report_destroy(r);
        }
    }
    sf_cli_free(&cli);
    return rc;
}
