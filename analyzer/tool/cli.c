/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "progress.h"
#include "sipflow/sip_headers.h"

/* ---- selection options ------------------------------------------------ */

bool sf_cli_parse_time(const char *s, bool utc, int64_t *ns)
{
    const char *p = s;
    while (*p == ' ')
        p++;
    int64_t sec = 0;
    uint32_t frac = 0;
    int y, mo, d, h = 0, mi = 0, se = 0, used = 0;
    if (sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3) {
        p += used;
        if (*p == ' ' || *p == 'T') {
            if (sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &se, &used) != 3) return false;
            p += 1 + used;
        }
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = se;
        tm.tm_isdst = -1;
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return false;
        time_t t = utc ? timegm(&tm) : mktime(&tm);
        if (t == (time_t)-1 && !(y == 1969 || y == 1970)) return false;
        sec = (int64_t)t;
    } else {
        if (*p < '0' || *p > '9') return false;
        for (int n = 0; *p >= '0' && *p <= '9'; p++, n++) {
            if (n > 12) return false;
            sec = sec * 10 + (*p - '0');
        }
    }
    if (*p == '.') {
        p++;
        uint32_t scale = 100000000;
        if (*p < '0' || *p > '9') return false;
        for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
            frac += (uint32_t)(*p - '0') * scale;
    }
    if (*p) return false;
    *ns = sec * 1000000000 + (int64_t)frac;
    return true;
}

/* Digits of s (a leading '+' dropped), into out; returns their count. */
static size_t digits_of(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (s[i] >= '0' && s[i] <= '9') out[k++] = s[i];
    out[k] = 0;
    return k;
}

bool sf_cli_number_match(const char *pattern, const char *user, size_t user_len)
{
    char pd[64], ud[64];
    size_t np = digits_of(pattern, strlen(pattern), pd, sizeof pd);
    if (!np)
        return strlen(pattern) == user_len && g_ascii_strncasecmp(pattern, user, user_len) == 0;
    size_t nu = digits_of(user, user_len, ud, sizeof ud);
    if (!nu) return false;
    if (np < 7 || nu < 7) return np == nu && memcmp(pd, ud, np) == 0;
    const char *sh = np <= nu ? pd : ud, *lg = np <= nu ? ud : pd;
    size_t ns = np <= nu ? np : nu, nl = np <= nu ? nu : np;
    if (memcmp(sh, lg + nl - ns, ns) == 0) return true;
    /* "0301234567" vs "+49301234567": a national trunk prefix '0' */
    return sh[0] == '0' && ns - 1 >= 7 && memcmp(sh + 1, lg + nl - (ns - 1), ns - 1) == 0;
}

/* The user part of a URI, or of the URI in a name-addr; tel: numbers too. */
static bool uri_user(sf_slice_t v, bool name_addr, sf_slice_t *user)
{
    sf_slice_t uri = v;
    if (name_addr) {
        sf_sip_name_addr_t na;
        if (sf_sip_name_addr_parse(v, &na)) return false;
        uri = na.uri;
    }
    sf_sip_uri_t u;
    if (sf_sip_uri_parse(uri, &u) || !u.user.len) return false;
    *user = u.user;
    return true;
}

static bool value_matches(const char *pattern, sf_slice_t v, bool name_addr)
{
    sf_slice_t user;
    return v.len && uri_user(v, name_addr, &user) && sf_cli_number_match(pattern, user.p, user.len);
}

/* Every element of a comma-separated header value (P-Asserted-Identity
 * may carry a sip: and a tel: URI, RFC 3325 9.1). */
static bool list_matches(const char *pattern, sf_slice_t v)
{
    sf_slice_t item;
    for (int n = 0; n < 8 && sf_sip_list_next(&v, &item); n++)
        if (value_matches(pattern, item, true)) return true;
    return false;
}

static sf_slice_t str_slice(const char *s)
{
    return s ? (sf_slice_t){s, (uint32_t)strlen(s)} : SF_SLICE_NULL;
}

static bool code_selected(const sf_cli_select_t *sel, int code)
{
    for (uint32_t i = 0; i < sel->n_codes; i++)
        if (code >= sel->codes[i].lo && code <= sel->codes[i].hi) return true;
    return false;
}

static bool method_name_selected(const sf_cli_select_t *sel, sf_slice_t name)
{
    for (uint32_t i = 0; i < sel->n_methods; i++)
        if (strlen(sel->methods[i]) == name.len &&
            g_ascii_strncasecmp(sel->methods[i], name.p, name.len) == 0)
            return true;
    return false;
}

static bool in_window(const sf_cli_select_t *sel, sf_ts_t ts)
{
    int64_t t = ts.sec * 1000000000 + ts.nsec;
    return (!sel->has_since || t >= sel->since_ns) && (!sel->has_until || t < sel->until_ns);
}

bool sf_cli_call_selected(const sf_cli_t *cli, const sf_call_t *c)
{
    const sf_cli_select_t *sel = &cli->select;
    if (!sel->any) return true;
    if (!in_window(sel, c->start_time)) return false;
    if (sel->caller && !value_matches(sel->caller, str_slice(c->from), true) &&
        !(c->pai && list_matches(sel->caller, str_slice(c->pai))))
        return false;
    if (sel->callee && !value_matches(sel->callee, str_slice(c->to), true) &&
        !value_matches(sel->callee, str_slice(c->request_uri), false))
        return false;
    if (sel->n_codes && !code_selected(sel, c->final_code)) return false;
    if (sel->n_methods) {
        bool any = false;
        for (int m = 1; m < SF_METHOD_COUNT && !any; m++)
            if (c->methods_seen & (1u << m))
                any = method_name_selected(sel, str_slice(sf_sip_method_name((sf_sip_method_t)m)));
        if (!any) return false;
    }
    return true;
}

bool sf_cli_message_selected(const sf_cli_t *cli, const sf_msg_info_t *info)
{
    const sf_cli_select_t *sel = &cli->select;
    if (!sel->any) return true;
    const sf_sip_msg_t *m = info->msg;
    if (info->meta && !in_window(sel, info->meta->ts)) return false;
    if (sel->n_codes && (m->is_request || !code_selected(sel, m->status))) return false;
    if (sel->n_methods && !method_name_selected(sel, m->is_request ? m->method : m->cseq_method))
        return false;
    if (sel->caller) {
        bool ok = value_matches(sel->caller, m->from, true);
        sf_sip_values_iter_t it;
        sf_slice_t v;
        sf_sip_values_init(&it, m, SF_HDR_P_ASSERTED_IDENTITY);
        for (int n = 0; !ok && n < 8 && sf_sip_values_next(&it, &v); n++)
            ok = value_matches(sel->caller, v, true);
        if (!ok) return false;
    }
    if (sel->callee && !value_matches(sel->callee, m->to, true) &&
        !(m->is_request && value_matches(sel->callee, m->request_uri, false)))
        return false;
    return true;
}

/* "486", "4xx", "180,183": ranges of status codes. */
static bool parse_codes(sf_cli_select_t *sel, char **args)
{
    for (char **a = args; a && *a; a++) {
        gchar **parts = g_strsplit(*a, ",", -1);
        bool ok = true;
        for (gchar **p = parts; ok && *p; p++) {
            const char *x = g_strstrip(*p);
            if (!*x) continue;
            ok = strlen(x) == 3 && x[0] >= '1' && x[0] <= '6' && sel->n_codes < SF_CLI_MAX_CHOICES;
            if (!ok) break;
            sf_cli_code_range_t r;
            if ((x[1] == 'x' || x[1] == 'X') && (x[2] == 'x' || x[2] == 'X')) {
                r.lo = (x[0] - '0') * 100;
                r.hi = r.lo + 99;
            } else if (x[1] >= '0' && x[1] <= '9' && x[2] >= '0' && x[2] <= '9') {
                r.lo = r.hi = atoi(x);
            } else {
                ok = false;
                break;
            }
            sel->codes[sel->n_codes++] = r;
        }
        g_strfreev(parts);
        if (!ok) return false;
    }
    return true;
}

static bool parse_methods(sf_cli_select_t *sel, char **args)
{
    for (char **a = args; a && *a; a++) {
        gchar **parts = g_strsplit(*a, ",", -1);
        for (gchar **p = parts; *p; p++) {
            const char *x = g_strstrip(*p);
            if (!*x) continue;
            if (sel->n_methods == SF_CLI_MAX_CHOICES) {
                g_strfreev(parts);
                return false;
            }
            sel->methods[sel->n_methods++] = g_strdup(x);
        }
        g_strfreev(parts);
    }
    return true;
}

/* Returns an error message or NULL. */
static const char *parse_selection(sf_cli_t *cli)
{
    sf_cli_select_t *sel = &cli->select;
    if (cli->since_arg) {
        if (!sf_cli_parse_time(cli->since_arg, cli->utc, &sel->since_ns))
            return "--since: want epoch seconds or \"YYYY-MM-DD HH:MM:SS[.frac]\"";
        sel->has_since = true;
    }
    if (cli->until_arg) {
        if (!sf_cli_parse_time(cli->until_arg, cli->utc, &sel->until_ns))
            return "--until: want epoch seconds or \"YYYY-MM-DD HH:MM:SS[.frac]\"";
        sel->has_until = true;
    }
    if (cli->caller_arg) sel->caller = g_strdup(cli->caller_arg);
    if (cli->callee_arg) sel->callee = g_strdup(cli->callee_arg);
    if (!parse_codes(sel, cli->code_args)) return "--code: want a status code (486) or class (4xx)";
    if (!parse_methods(sel, cli->method_args)) return "--method: too many methods";
    sel->any = sel->has_since || sel->has_until || sel->caller || sel->callee || sel->n_codes ||
               sel->n_methods;
    return NULL;
}

/* ---- options, run ------------------------------------------------------ */

int sf_cli_parse(sf_cli_t *cli, const char *command, const char *summary, const char *description,
                 const GOptionEntry *extra, const char *const *allowed_formats, int argc,
                 char **argv)
{
    memset(cli, 0, sizeof *cli);
    cli->command = command;
    cli->dup_window_ms = -1;
    cli->keep_ladder = true;
    cli->keep_media = true;
    cli->hep_reorder_ms = -1;
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
        {"hep-reorder", 0, 0, G_OPTION_ARG_INT, &cli->hep_reorder_ms,
         "HEP reorder window in ms of HEP time (default 2000; 0: off, HEP messages in "
         "capture order)",
         "MS"},
        {"since", 0, 0, G_OPTION_ARG_STRING, &cli->since_arg,
         "Only calls starting (messages sent) at or after TIME: epoch seconds or "
         "\"YYYY-MM-DD HH:MM:SS[.frac]\" (local time; UTC with --utc)",
         "TIME"},
        {"until", 0, 0, G_OPTION_ARG_STRING, &cli->until_arg,
         "Only calls starting (messages sent) before TIME", "TIME"},
        {"caller", 0, 0, G_OPTION_ARG_STRING, &cli->caller_arg,
         "Only calls (messages) whose From or P-Asserted-Identity user is NUMBER (digits "
         "compared, 7 or more as a suffix)",
         "NUMBER"},
        {"callee", 0, 0, G_OPTION_ARG_STRING, &cli->callee_arg,
         "Only calls (messages) whose To or Request-URI user is NUMBER", "NUMBER"},
        {"method", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->method_args,
         "Only calls with a request of METHOD (messages: request method or CSeq method); "
         "repeat or separate with commas",
         "METHOD"},
        {"code", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->code_args,
         "Only calls with this final code (messages: responses with it): 486 or 4xx; repeat "
         "or separate with commas",
         "CODE"},
        {"time-shift", 0, 0, G_OPTION_ARG_STRING_ARRAY, &cli->time_shift_args,
         "Add [+-]SECONDS (fractions allowed) to every time of input FILE (its name as given, or "
         "its position 1..N) before the merge; repeatable",
         "FILE=SECONDS"},
        {"dup-window", 0, 0, G_OPTION_ARG_DOUBLE, &cli->dup_window_ms,
         "The same SIP bytes seen again within MS milliseconds from another file or interface "
         "(or the same IPv4 datagram twice) is one message seen twice, not a retransmission "
         "(default 100; 0 turns this off)",
         "MS"},
        {"libpcap", 0, 0, G_OPTION_ARG_NONE, &cli->libpcap,
         "Read classic pcap files with libpcap instead of sipflow's own reader (the same "
         "records, several times slower; for comparing)",
         NULL},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cli->inputs, NULL, "FILE..."},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    /* GLib prints "<prgname> [OPTION...] <param>": argv[0] is the command */
    char *param = g_strdup_printf("- %s", summary);
    char *prg = g_strdup_printf("sipflow %s", command);
    g_set_prgname(prg);
    g_free(prg);
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
                          : strcmp(f, "csv") == 0  ? SF_FMT_CSV
                                                   : SF_FMT_TEXT;
        }
        const char *why = rc == SF_EXIT_OK ? parse_selection(cli) : NULL;
        if (!why && (cli->hep_reorder_ms < -1 || cli->hep_reorder_ms > 3600000))
            why = "--hep-reorder: MS must be 0 (off) to 3600000";
        if (why) {
            fprintf(stderr, "sipflow %s: %s\n", command, why);
            rc = SF_EXIT_USAGE;
        }
        if (rc == SF_EXIT_OK && !sf_cli_parse_multipoint(cli)) rc = SF_EXIT_USAGE;
    }
    g_option_context_free(ctx);
    return rc;
}

static void on_anomaly(void *user, const sf_anomaly_t *a)
{
    sf_cli_t *cli = user;
    if ((unsigned)a->kind < SF_ANOM_KIND_COUNT) cli->anomaly_count[a->kind]++;
    if (cli->stats) sf_stats_on_anomaly(cli->stats, a->kind);
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
    if (cli->stats && !cli->stats->calls_selected)
        sf_stats_on_message(cli->stats, info);
    else if (cli->stats && info->msg->malformed)
        cli->stats->malformed++; /* whole capture even when calls are selected */
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
    if (!sf_cli_call_selected(cli, c)) return;
    if (cli->stats) {
        sf_stats_on_call(cli->stats, c);
        if (cli->stats->calls_selected) sf_stats_on_call_messages(cli->stats, c);
    }
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
    g_string_append_printf(
        s, "sipflow: %" PRIu64 " records, %" PRIu64 " SIP messages, %" PRIu64 " anomalies",
        cli->cap_stats.records, cli->path_stats.sip_messages, cli->anomalies_total);
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
    size_t n = g_strv_length(cli->inputs), n_inputs = n;
    sf_anomaly_sink_t asink = {on_anomaly, cli};
    sf_capture_opts_t copts = {.bpf = cli->bpf,
                               .anomalies = asink,
                               .time_shift_ns = cli->time_shift_ns,
                               .libpcap = cli->libpcap};
    char err[512] = "";
    sf_capture_t *cap =
        sf_capture_open((const char *const *)cli->inputs, n, &copts, err, sizeof err);
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
    ecfg.keep_media = cli->keep_media;
    if (cli->stats && cli->select.any) {
        /* with a call filter the statistics count the selected calls'
         * messages, read from their ladders when the call ends */
        cli->stats->calls_selected = true;
        ecfg.keep_ladder = true;
    }
    if (cli->hep_reorder_ms >= 0) pcfg.hep.window.window_ns = cli->hep_reorder_ms * 1000000LL;
    if (cli->dup_window_ms >= 0) ecfg.dup_window_ns = (int64_t)(cli->dup_window_ms * 1e6);
    if (cli->t1_seconds > 0) {
        ecfg.t1_ns = (int64_t)(cli->t1_seconds * 1e9);
        ecfg.t1_fixed = true;
    }
    sf_engine_sink_t esink = {on_message, on_txn, on_call, on_registration, cli};
    cli->engine = sf_engine_create(&ecfg, &esink);
    sf_sip_sink_t ssink = {on_sip, cli};
    sf_packet_path_t *pp = sf_packet_path_create(&pcfg, &ssink, &asink);
    sf_packet_t pkt;
    sf_progress_t progress;
    sf_progress_start(&progress, cli->inputs, !cli->quiet);
    for (uint64_t recs = 1; sf_capture_next(cap, &pkt) == 1; recs++) {
        sf_packet_path_push(pp, &pkt);
        if (progress.on && (recs & 1023) == 0) {
            sf_capture_get_stats(cap, &cli->cap_stats);
            /* file position estimate: records' data plus their 16-byte
             * headers and the 24-byte file headers (pcap) */
            sf_progress_update(&progress, cli->cap_stats.bytes + 16 * cli->cap_stats.records +
                                              24ull * n_inputs);
        }
    }
    sf_progress_end(&progress);
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
    if (getenv("SIPFLOW_MEMSTATS")) {
        /* the library's own allocation counts (tests/hostile holds the
         * sanitizer build to a cap with them, where RSS means nothing) */
        fprintf(stderr,
                "sipflow: memory peak: engine %" PRIu64 " bytes, tcp out-of-order %" PRIu64
                " bytes, ip fragments %" PRIu64 " bytes; tcp streams open at the end %" PRIu32
                "\n",
                cli->engine_stats.bytes_peak, cli->path_stats.tcp_stats.pending_peak,
                cli->path_stats.frag_pending_peak, cli->path_stats.tcp_stats.streams_open);
    }
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
    g_free(cli->since_arg);
    g_free(cli->until_arg);
    g_free(cli->caller_arg);
    g_free(cli->callee_arg);
    g_strfreev(cli->method_args);
    g_strfreev(cli->code_args);
    g_strfreev(cli->time_shift_args);
    g_free(cli->time_shift_ns);
    g_free(cli->select.caller);
    g_free(cli->select.callee);
    for (uint32_t i = 0; i < cli->select.n_methods; i++)
        g_free(cli->select.methods[i]);
    memset(&cli->select, 0, sizeof cli->select);
}
