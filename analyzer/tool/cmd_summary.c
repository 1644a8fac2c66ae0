/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow FILE (or sipflow summary FILE): the statistics, then every
 * failed call with its ladder and diagnosis. Ladders are rendered as the
 * calls end into an unlinked temporary file (disk, not memory: one
 * ladder is at most max_arrows lines) and copied after the statistics,
 * which are only known at the end. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sipflow/ladder.h"

typedef struct {
    FILE *ladders;
    uint64_t failed;
    gboolean ascii;
    int width;
    sf_ladder_opts_t opts;
} summary_state_t;

static unsigned terminal_columns(FILE *out);

static void on_call(sf_cli_t *cli, sf_call_t *c)
{
    summary_state_t *st = cli->cmd;
    if (!sf_outcome_failed(c->outcome)) return;
    st->failed++;
    if (!st->ladders) return;
    if (!st->opts.width) st->opts.width = terminal_columns(cli->out);
    fputc('\n', st->ladders);
    sf_ladder_text(st->ladders, c, &st->opts);
}

static void after_run(sf_cli_t *cli)
{
    summary_state_t *st = cli->cmd;
    sf_stats_print(cli, cli->stats);
    fprintf(cli->out, "\nFailed calls: %" G_GUINT64_FORMAT "\n", st->failed);
    if (!st->ladders) return;
    rewind(st->ladders);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, st->ladders)) > 0)
        fwrite(buf, 1, n, cli->out);
}

static unsigned terminal_columns(FILE *out)
{
    const char *c = getenv("COLUMNS");
    int n = c ? atoi(c) : 0;
    if (n <= 0 && isatty(fileno(out))) n = 120;
    return n > 0 ? (unsigned)n : SF_LADDER_DEFAULT_WIDTH;
}

int sf_cmd_summary(int argc, char **argv)
{
    static const char *const formats[] = {"text", NULL};
    summary_state_t st;
    memset(&st, 0, sizeof st);
    GOptionEntry extra[] = {
        {"ascii", 0, 0, G_OPTION_ARG_NONE, &st.ascii, "Ladders in plain ASCII", NULL},
        {"width", 0, 0, G_OPTION_ARG_INT, &st.width,
         "Ladder width in columns (default: $COLUMNS, else 100)", "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    sf_cli_t cli;
    int rc = sf_cli_parse(&cli, "summary", "statistics, then every failed call's ladder",
                          "What 'sipflow FILE' prints: the statistics of 'sipflow stats', then "
                          "every failed call (every outcome but answered and unfinished) with "
                          "its ladder diagram and diagnosis, in the order the calls end.",
                          extra, formats, argc, argv);
    if (rc == SF_EXIT_OK) {
        cli.stats = sf_stats_create();
        st.ladders = tmpfile(); /* unlinked: gone when closed or on exit */
        if (!cli.stats) {
            fprintf(stderr, "sipflow: out of memory\n");
            rc = SF_EXIT_UNREADABLE;
        } else {
            st.opts.format = SF_LADDER_TEXT;
            st.opts.ascii = st.ascii;
            st.opts.utc = cli.utc;
            st.opts.width = st.width > 0 ? (unsigned)st.width : 0;
            cli.cmd = &st;
            cli.on_call = on_call;
            cli.after_run = after_run;
            cli.keep_ladder = true;
            if (!st.ladders) fprintf(stderr, "sipflow: no temporary file: ladders left out\n");
            rc = sf_cli_run(&cli);
        }
        if (st.ladders) fclose(st.ladders);
        sf_stats_destroy(cli.stats);
    }
    sf_cli_free(&cli);
    return rc;
}
