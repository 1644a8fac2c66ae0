/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sipflow ladder: a ladder diagram per chosen call, rendered when the
 * engine reports the call over (call_done). Message texts, needed by the
 * HTML page only, go to a spill file at each message event and are read
 * back at render time, so nothing grows with the capture in RAM. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "call_select.h"
#include "cli.h"
#include "sipflow/ladder.h"
#include "sipflow/message_spill.h"

typedef struct {
    /* options */
    char **calls; /* --call, repeatable */
    gboolean failed, all, ascii;
    gint width;
    /* run */
    sf_ladder_opts_t opts;
    sf_ladder_writer_t *writer;
    sf_message_spill_t *spill;
    bool write_error;
} ladder_state_t;

static bool selected(const ladder_state_t *st, const sf_call_t *c)
{
    if (st->failed && !sf_outcome_failed(c->outcome)) return false;
    if (sf_call_select_any(st->calls)) return sf_call_select_call(st->calls, c);
    return st->all || sf_outcome_failed(c->outcome);
}

/* The spill only needs messages that can end up in a drawn call: with
 * --call only the named calls' messages are kept. */
static bool wanted_message(const ladder_state_t *st, const sf_msg_info_t *info)
{
    if (!info->call) return false;
    if (!sf_call_select_any(st->calls)) return true;
    return sf_call_select_message(st->calls, info->call, info->msg->call_id);
}

static void on_message(sf_cli_t *cli, const sf_msg_info_t *info)
{
    ladder_state_t *st = cli->cmd;
    if (st->spill && info->msg && wanted_message(st, info))
        sf_message_spill_append(st->spill, info->seq, info->msg->buf, info->msg->len);
}

static int ensure_writer(sf_cli_t *cli, ladder_state_t *st)
{
    if (st->writer) return 0;
    st->writer = sf_ladder_writer_create(cli->out, &st->opts);
    if (!st->writer) {
        fprintf(stderr, "sipflow ladder: cannot start the output: %s\n", strerror(errno));
        st->write_error = true;
        return -1;
    }
    return 0;
}

static void on_call(sf_cli_t *cli, sf_call_t *c)
{
    ladder_state_t *st = cli->cmd;
    if (!selected(st, c) || ensure_writer(cli, st) != 0) return;
    if (sf_ladder_writer_add(st->writer, c) != 0) st->write_error = true;
}

static void after_run(sf_cli_t *cli)
{
    ladder_state_t *st = cli->cmd;
    if (ensure_writer(cli, st) != 0) return;
    if (sf_ladder_writer_finish(st->writer) != 0) st->write_error = true;
    if (!sf_ladder_writer_calls(st->writer) && !cli->quiet) {
        if (st->calls && st->calls[0])
            fprintf(stderr, "sipflow ladder: no call matches --call\n");
        else if (!st->all)
            fprintf(stderr, "sipflow ladder: no failed calls ('--all' draws every call)\n");
        else
            fprintf(stderr, "sipflow ladder: no calls\n");
    }
    if (st->spill && !cli->quiet) {
        sf_message_spill_stats_t ss;
        sf_message_spill_get_stats(st->spill, &ss);
        if (ss.dropped)
            fprintf(stderr,
                    "sipflow ladder: %llu message texts not kept (spill file limit reached)\n",
                    (unsigned long long)ss.dropped);
    }
}

/* Colour only on a terminal, and never when NO_COLOR is set to anything
 * (https://no-color.org). */
static bool use_colour(FILE *out)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc) return false;
    return isatty(fileno(out)) == 1;
}

static unsigned terminal_width(FILE *out)
{
    struct winsize ws;
    if (isatty(fileno(out)) == 1 && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col)
        return ws.ws_col < SF_LADDER_MIN_WIDTH ? SF_LADDER_MIN_WIDTH : ws.ws_col;
    return SF_LADDER_DEFAULT_WIDTH;
}

/* The output is opened by sf_cli_run; the writer starts at the first
 * call, so colour and width are decided on the real output stream. */
static void decide_output(sf_cli_t *cli, ladder_state_t *st)
{
    st->opts.color = st->opts.format == SF_LADDER_TEXT && use_colour(cli->out);
    st->opts.width = st->width > 0 ? (unsigned)st->width : terminal_width(cli->out);
}

static void on_call_first(sf_cli_t *cli, sf_call_t *c)
{
    decide_output(cli, cli->cmd);
    cli->on_call = on_call;
    on_call(cli, c);
}

static void after_run_first(sf_cli_t *cli)
{
    ladder_state_t *st = cli->cmd;
    if (!st->writer) decide_output(cli, st);
    after_run(cli);
}

int sf_cmd_ladder(int argc, char **argv)
{
    static const char *const formats[] = {"text", "svg", "html", "mermaid", "plantuml", NULL};
    ladder_state_t st;
    memset(&st, 0, sizeof st);
    GOptionEntry extra[] = {
        {"call", 'c', 0, G_OPTION_ARG_STRING_ARRAY, &st.calls,
         "Draw this call: its number or its Call-ID (repeatable)", "N|CALL-ID"},
        {"failed", 0, 0, G_OPTION_ARG_NONE, &st.failed,
         "Only failed calls (the default without --call or --all)", NULL},
        {"all", 'a', 0, G_OPTION_ARG_NONE, &st.all, "Every call", NULL},
        {"ascii", 0, 0, G_OPTION_ARG_NONE, &st.ascii,
         "text: plain ASCII instead of Unicode box drawing", NULL},
        {"width", 'w', 0, G_OPTION_ARG_INT, &st.width,
         "text: fit this many columns (default: the terminal's, else 100; at least 40)", "N"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    sf_cli_t cli;
    int rc = sf_cli_parse(
        &cli, "ladder", "ladder diagrams of calls",
        "A ladder (sequence) diagram per call: one column per endpoint (address and port, with "
        "its User-Agent or Server), one arrow per message with its method or status, time of "
        "day, delta and frame number; retransmissions are marked [retr], failures '!' (red on a "
        "terminal; NO_COLOR turns colour off), the diagnosis under the diagram.\n"
        "Without --call or --all only failed calls are drawn.\n"
        "svg and html are self-contained; in html clicking an arrow shows the message. Message "
        "texts for html are kept in a temporary file (deleted on exit, at most 2 GiB).",
        extra, formats, argc, argv);
    if (rc == SF_EXIT_OK && st.all && st.failed) {
        fprintf(stderr, "sipflow ladder: --all and --failed exclude each other\n");
        rc = SF_EXIT_USAGE;
    }
    if (rc == SF_EXIT_OK && st.width && st.width < SF_LADDER_MIN_WIDTH) {
        fprintf(stderr, "sipflow ladder: --width must be at least %d\n", SF_LADDER_MIN_WIDTH);
        rc = SF_EXIT_USAGE;
    }
    if (rc == SF_EXIT_OK) {
        int fmt = sf_ladder_format_from_name(cli.format_name);
        st.opts.format = fmt < 0 ? SF_LADDER_TEXT : (sf_ladder_format_t)fmt;
        st.opts.ascii = st.ascii;
        st.opts.utc = cli.utc;
        if (st.opts.format == SF_LADDER_HTML) {
            char err[512];
            st.spill = sf_message_spill_create(NULL, err, sizeof err);
            if (!st.spill) {
                fprintf(stderr, "sipflow ladder: %s\n", err);
                rc = SF_EXIT_UNREADABLE;
            }
            st.opts.spill = st.spill;
        }
    }
    if (rc == SF_EXIT_OK) {
        cli.cmd = &st;
        cli.on_message = on_message;
        cli.on_call = on_call_first;
        cli.after_run = after_run_first;
        rc = sf_cli_run(&cli);
        if (st.write_error && rc == SF_EXIT_OK) rc = SF_EXIT_UNREADABLE;
    }
    sf_ladder_writer_destroy(st.writer);
    sf_message_spill_destroy(st.spill);
    g_strfreev(st.calls);
    sf_cli_free(&cli);
    return rc;
}
