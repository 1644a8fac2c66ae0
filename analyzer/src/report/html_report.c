/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HTML report: collects calls as they end into two unlinked temporary
 * files (table rows, per-call JSON) plus bounded chart aggregates, and
 * assembles one self-contained page at the end (sipflow/html_report.h). */
#include "sipflow/html_report.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html_report_internal.h"
#include "sipflow/json_writer.h"
#include "sipflow/message_format.h"
#include "sipflow/message_spill.h"

struct sf_html_report {
    sf_html_report_opts_t o;
    FILE *rows; /* <tr> elements, one per call */
    FILE *data; /* <script type="application/json"> elements, one per call */
    sf_message_spill_t *spill;
    sf_json_t json;
    char *text_buf;      /* SF_HTML_REPORT_TEXT_MAX bytes */
    uint64_t text_bytes; /* message text embedded so far */
    uint64_t calls, calls_with_text, calls_without_text;
    uint64_t outcomes[SF_OUTCOME_COUNT];
    sf_hr_timeline_t timeline;
    sf_hr_hist_t pdd, setup, resp;
    bool write_failed;
};

static FILE *temp_file(const char *dir, char *err, size_t errlen)
{
    char path[4096];
    int r = snprintf(path, sizeof path, "%s/sipflow-report-XXXXXX", dir);
    if (r < 0 || (size_t)r >= sizeof path) {
        snprintf(err, errlen, "temporary directory name too long");
        return NULL;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create a temporary file in %s: %s", dir, strerror(errno));
        return NULL;
    }
    unlink(path); /* gone with the process, whatever happens */
    FILE *f = fdopen(fd, "w+");
    if (!f) {
        snprintf(err, errlen, "cannot open a temporary file: %s", strerror(errno));
        close(fd);
    }
    return f;
}

sf_html_report_t *sf_html_report_create(const sf_html_report_opts_t *o, char *err, size_t errlen)
{
    sf_html_report_t *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (o) r->o = *o;
    const char *dir = r->o.dir ? r->o.dir : getenv("TMPDIR");
    if (!dir || !*dir) dir = "/tmp";
    sf_json_init(&r->json);
    r->text_buf = malloc(SF_HTML_REPORT_TEXT_MAX);
    sf_message_spill_config_t scfg = {.dir = dir};
    if (!r->text_buf || !(r->rows = temp_file(dir, err, errlen)) ||
        !(r->data = temp_file(dir, err, errlen)) ||
        !(r->spill = sf_message_spill_create(&scfg, err, errlen))) {
        if (!r->text_buf) snprintf(err, errlen, "out of memory");
        sf_html_report_destroy(r);
        return NULL;
    }
    return r;
}

void sf_html_report_destroy(sf_html_report_t *r)
{
    if (!r) return;
    if (r->rows) fclose(r->rows);
    if (r->data) fclose(r->data);
    sf_message_spill_destroy(r->spill);
    sf_json_free(&r->json);
    free(r->text_buf);
    free(r);
}

uint64_t sf_html_report_calls(const sf_html_report_t *r)
{
    return r->calls;
}

void sf_html_report_on_message(sf_html_report_t *r, const sf_msg_info_t *info)
{
    const sf_sip_msg_t *m = info->msg;
    if (!m) return;
    if (m->buf && m->len) sf_message_spill_append(r->spill, info->seq, m->buf, m->len);
    if (!m->is_request && !info->retransmission && info->meta)
        sf_hr_timeline_add(&r->timeline, info->meta->ts, m->status);
}

/* JSON inside <script>: "<" only occurs in strings, where \u003c means the
 * same, so neither "</script" nor "<!--" can end or change the element. */
static void write_script_safe(FILE *f, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '<') continue;
        fwrite(s + start, 1, i - start, f);
        fputs("\\u003c", f);
        start = i + 1;
    }
    fwrite(s + start, 1, n - start, f);
}

static void json_ms(sf_json_t *j, const char *key, int64_t ms)
{
    sf_json_key(j, key);
    if (ms >= 0)
        sf_json_int(j, ms);
    else
        sf_json_null(j);
}

/* Request to first final response per transaction, from the ladder. */
static void add_response_times(sf_html_report_t *r, const sf_call_t *c)
{
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        if (!a->request || a->retransmission || !a->txn) continue;
        for (uint32_t k = i + 1; k < c->n_arrows; k++) {
            const sf_arrow_t *b = &c->arrows[k];
            if (b->txn != a->txn || b->request || b->status < 200) continue;
            sf_hr_hist_add(&r->resp, sf_ts_diff_ns(b->ts, a->ts) / 1000000);
            break;
        }
    }
}

/* Whether the call's message texts go into the page; *why is the page's
 * note number when not (1: not a failed call and the budget for other
 * calls is used up, 2: the whole budget is used up). */
static bool wants_text(const sf_html_report_t *r, const sf_call_t *c, int *why)
{
    bool failed = sf_outcome_failed(c->outcome) || sf_call_diagnosis_text(c);
    if (failed && r->text_bytes < SF_HTML_REPORT_TEXT_BUDGET) return true;
    if (r->text_bytes < SF_HTML_REPORT_TEXT_BUDGET_OTHER) return true;
    *why = failed ? 2 : 1;
    return false;
}

static void call_json(sf_html_report_t *r, const sf_call_t *c)
{
    sf_json_t *j = &r->json;
    char t[64];
    sf_json_reset(j);
    sf_json_object_begin(j);
    sf_json_key(j, "n");
    sf_json_uint(j, c->number);
    sf_json_key(j, "id");
    sf_json_string(j, c->call_id);
    sf_json_key(j, "from");
    sf_json_string(j, c->from);
    sf_json_key(j, "to");
    sf_json_string(j, c->to);
    sf_json_key(j, "ruri");
    sf_json_string(j, c->request_uri);
    sf_json_key(j, "o");
    sf_json_string(j, sf_outcome_name(c->outcome));
    sf_json_key(j, "code");
    sf_json_int(j, c->final_code);
    sf_json_key(j, "reason");
    sf_json_string(j, c->final_code ? c->reason_phrase : NULL);
    sf_json_key(j, "start");
    sf_format_time_text(c->start_time, r->o.utc, t, sizeof t);
    sf_json_string(j, t);
    json_ms(j, "pdd", c->pdd_ms);
    json_ms(j, "setup", c->setup_ms);
    json_ms(j, "dur", c->duration_ms);
    sf_json_key(j, "msgs");
    sf_json_uint(j, c->messages);
    sf_json_key(j, "retr");
    sf_json_uint(j, c->retransmissions);
    sf_json_key(j, "diag");
    sf_json_string(j, sf_call_diagnosis_text(c));
    sf_json_key(j, "partial");
    sf_json_bool(j, c->partial);
    sf_json_key(j, "ep");
    sf_json_array_begin(j);
    for (uint32_t i = 0; i < c->n_endpoints; i++) {
        char ep[SF_ENDPOINT_STRLEN];
        sf_endpoint_format(&c->endpoints[i].ep, ep, sizeof ep);
        sf_json_array_begin(j);
        sf_json_string(j, ep);
        sf_json_string(j, c->endpoints[i].agent);
        sf_json_array_end(j);
    }
    sf_json_array_end(j);
    sf_json_key(j, "a");
    sf_json_array_begin(j);
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        sf_json_array_begin(j);
        sf_json_uint(j, a->from);
        sf_json_uint(j, a->to);
        sf_json_uint(j, a->frame);
        sf_json_uint(j, a->file);
        sf_format_time_text(a->ts, r->o.utc, t, sizeof t);
        const char *sp = strchr(t, ' ');
        sf_json_string(j, sp ? sp + 1 : t);
        int64_t d = i ? sf_ts_diff_ns(a->ts, c->arrows[i - 1].ts) : 0;
        snprintf(t, sizeof t, "+%.6f", (double)d / 1e9);
        sf_json_string(j, t);
        sf_json_string(j, a->label);
        sf_json_string(j, a->detail);
        sf_json_uint(j, (a->retransmission ? 1u : 0u) | (a->failure ? 2u : 0u) |
                            (a->request ? 4u : 0u));
        sf_json_uint(j, a->msg_seq);
        sf_json_uint(j, a->hop);
        sf_json_array_end(j);
    }
    sf_json_array_end(j);
    sf_json_key(j, "ao");
    sf_json_uint(j, c->arrows_omitted);
    int why = 0;
    if (wants_text(r, c, &why)) {
        /* the budget bounds every message, so one huge call cannot overshoot it */
        uint64_t limit = sf_outcome_failed(c->outcome) || sf_call_diagnosis_text(c)
                             ? SF_HTML_REPORT_TEXT_BUDGET
                             : SF_HTML_REPORT_TEXT_BUDGET_OTHER;
        r->calls_with_text++;
        sf_json_key(j, "txt");
        sf_json_object_begin(j);
        uint64_t prev = 0;
        for (uint32_t i = 0; i < c->n_arrows; i++) {
            uint64_t seq = c->arrows[i].msg_seq;
            if (!seq || seq == prev) continue;
            prev = seq;
            int64_t len = sf_message_spill_length(r->spill, seq);
            int64_t got =
                len > 0 ? sf_message_spill_read(r->spill, seq, r->text_buf, SF_HTML_REPORT_TEXT_MAX)
                        : -1;
            if (got < 0) continue;
            if (r->text_bytes + (uint64_t)got > limit) {
                why = 2; /* the rest of this call's texts did not fit */
                break;
            }
            char key[24];
            snprintf(key, sizeof key, "%" PRIu64, seq);
            sf_json_key(j, key);
            if (got < len) {
                /* cut: say so inside the text */
                sf_json_array_begin(j);
                sf_json_string_len(j, r->text_buf, (size_t)got);
                sf_json_int(j, len);
                sf_json_array_end(j);
            } else {
                sf_json_string_len(j, r->text_buf, (size_t)got);
            }
            r->text_bytes += (uint64_t)got;
        }
        sf_json_object_end(j);
    } else {
        r->calls_without_text++;
    }
    if (why) {
        sf_json_key(j, "nt");
        sf_json_int(j, why);
    }
    sf_json_object_end(j);
    fprintf(r->data, "<script type=\"application/json\" id=\"d-%" PRIu32 "\">", c->number);
    write_script_safe(r->data, j->buf, j->len);
    fputs("</script>\n", r->data);
}

static void td_ms(FILE *f, int64_t ms)
{
    if (ms < 0)
        fputs("<td class=\"num\" data-v=\"-1\">-</td>", f);
    else
        fprintf(f, "<td class=\"num\" data-v=\"%" PRId64 "\">%.3f</td>", ms, (double)ms / 1000.0);
}

static void call_row(sf_html_report_t *r, const sf_call_t *c)
{
    FILE *f = r->rows;
    const char *o = sf_outcome_name(c->outcome);
    char t[64];
    sf_format_time_text(c->start_time, r->o.utc, t, sizeof t);
    fprintf(f,
            "<tr class=\"call o-%s%s\" id=\"r-%" PRIu32 "\" data-n=\"%" PRIu32
            "\"><td class=\"num\">%" PRIu32 "</td><td>%s</td><td>",
            o, sf_outcome_failed(c->outcome) ? " failed" : "", c->number, c->number, c->number, t);
    sf_hr_escape_str(f, c->from);
    fputs("</td><td>", f);
    sf_hr_escape_str(f, c->to);
    fprintf(f, "</td><td class=\"o-%s\">%s</td><td class=\"num\" data-v=\"%d\">", o, o,
            c->final_code);
    if (c->final_code) {
        fprintf(f, "%d ", c->final_code);
        sf_hr_escape_str(f, c->reason_phrase);
    } else {
        fputs("-", f);
    }
    fputs("</td>", f);
    td_ms(f, c->pdd_ms);
    td_ms(f, c->setup_ms);
    td_ms(f, c->duration_ms);
    fprintf(f, "<td class=\"num\">%" PRIu32 "</td><td class=\"num\">%" PRIu32 "</td><td>",
            c->messages, c->retransmissions);
    sf_hr_escape_str(f, c->call_id);
    fputs("</td></tr>\n", f);
}

void sf_html_report_on_call(sf_html_report_t *r, const sf_call_t *c)
{
    r->calls++;
    if ((unsigned)c->outcome < SF_OUTCOME_COUNT) r->outcomes[c->outcome]++;
    sf_hr_hist_add(&r->pdd, c->pdd_ms);
    sf_hr_hist_add(&r->setup, c->setup_ms);
    add_response_times(r, c);
    call_row(r, c);
    call_json(r, c);
    if (ferror(r->rows) || ferror(r->data)) r->write_failed = true;
}

static int copy_file(FILE *from, FILE *to)
{
    char buf[65536];
    if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0) return -1;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, from)) > 0)
        if (fwrite(buf, 1, n, to) != n) return -1;
    return ferror(from) ? -1 : 0;
}

/* A chart as <img> of a base64 SVG document: the page stays plain HTML
 * (HTML parsers without SVG support, xmllint --html, read it cleanly) and
 * the charts show without running any script. */
static void chart_img(FILE *f, const char *caption, const char *alt, char *svg, size_t len)
{
    fputs("<div class=\"chart\"><div class=\"cap\">", f);
    sf_hr_escape_str(f, caption);
    fputs("</div><img alt=\"", f);
    sf_hr_escape_str(f, alt);
    fputs("\" src=\"data:image/svg+xml;base64,", f);
    gchar *b64 = g_base64_encode((const guchar *)svg, len);
    if (b64) fputs(b64, f);
    g_free(b64);
    fputs("\"></div>\n", f);
}

typedef struct {
    char *buf;
    size_t len;
    FILE *f;
} mem_t;

static FILE *mem_open(mem_t *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    return m->f;
}

static void mem_close(mem_t *m)
{
    fclose(m->f);
    m->f = NULL;
}

static void hist_chart(FILE *f, const sf_hr_hist_t *h, const char *title)
{
    mem_t m;
    if (!mem_open(&m)) return;
    sf_hr_chart_hist(m.f, h);
    mem_close(&m);
    char cap[200];
    snprintf(cap, sizeof cap, "%s: %" PRIu64 " values, max %" PRId64 " ms", title, h->n, h->max_ms);
    chart_img(f, cap, cap, m.buf, m.len);
    free(m.buf);
}

static void summary(sf_html_report_t *r, const sf_stats_t *stats, FILE *f)
{
    fprintf(f, "<div id=\"summary\"><h2>Summary</h2><p>%" PRIu64 " calls", r->calls);
    uint64_t failed = 0;
    for (int o = 0; o < SF_OUTCOME_COUNT; o++)
        if (sf_outcome_failed((sf_outcome_t)o)) failed += r->outcomes[o];
    fprintf(f, ", %" PRIu64 " failed", failed);
    if (stats) {
        fprintf(f, "; %" PRIu64 " SIP messages (%" PRIu64 " retransmissions)", stats->messages,
                stats->retransmissions);
        double asr = sf_stats_asr(stats), ner = sf_stats_ner(stats);
        if (asr >= 0) fprintf(f, "; ASR %.1f%%, NER %.1f%%", asr * 100, ner * 100);
        fprintf(f, "; %" PRIu64 " registrations", stats->registrations);
    }
    fputs(".</p>\n<p id=\"outcomes\">", f);
    GString *alt = g_string_new("call outcomes:");
    for (int o = 0; o < SF_OUTCOME_COUNT; o++)
        if (r->outcomes[o]) {
            fprintf(f, "<span class=\"o-%s\">%s %" PRIu64 "</span> ",
                    sf_outcome_name((sf_outcome_t)o), sf_outcome_name((sf_outcome_t)o),
                    r->outcomes[o]);
            g_string_append_printf(alt, " %s %" PRIu64, sf_outcome_name((sf_outcome_t)o),
                                   r->outcomes[o]);
        }
    fputs("</p><div class=\"charts\">\n", f);
    mem_t m;
    if (mem_open(&m)) {
        sf_hr_chart_outcomes(m.f, r->outcomes);
        mem_close(&m);
        chart_img(f, "Call outcomes", alt->str, m.buf, m.len);
        free(m.buf);
    }
    g_string_free(alt, TRUE);
    if (mem_open(&m)) {
        sf_hr_chart_timeline(m.f, &r->timeline, r->o.utc);
        mem_close(&m);
        chart_img(f, "Responses over time by class (retransmissions excluded)",
                  "responses over time", m.buf, m.len);
        free(m.buf);
    }
    hist_chart(f, &r->pdd, "Post-dial delay (INVITE to first 18x)");
    hist_chart(f, &r->setup, "Setup time (INVITE to 200)");
    hist_chart(f, &r->resp, "Response time (request to final response, call transactions)");
    fputs("</div></div>\n", f);
}

int sf_html_report_finish(sf_html_report_t *r, const sf_stats_t *stats, FILE *out)
{
    FILE *f = out;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"generator\" content=\"sipflow\"><title>sipflow report</title><style>",
          f);
    fputs(sf_hr_css, f);
    fputs("</style></head>\n<body>\n<h1>sipflow report</h1><p class=\"inputs\">", f);
    for (size_t i = 0; i < r->o.n_inputs; i++) {
        if (i) fputs(", ", f);
        sf_hr_escape_str(f, r->o.inputs[i]);
    }
    fputs("</p>\n", f);
    summary(r, stats, f);
    fprintf(f, "<div id=\"calls-section\"><h2>Calls</h2>"
               "<form id=\"filters\" onsubmit=\"return false\">"
               "<label>Outcome <select id=\"f-outcome\"><option value=\"\">all</option>"
               "<option value=\"failed\">failed</option>");
    for (int o = 0; o < SF_OUTCOME_COUNT; o++)
        if (r->outcomes[o])
            fprintf(f, "<option value=\"o-%s\">%s</option>", sf_outcome_name((sf_outcome_t)o),
                    sf_outcome_name((sf_outcome_t)o));
    fprintf(f,
            "</select></label> <label>Code <input id=\"f-code\" size=\"4\" "
            "placeholder=\"486\"></label> <label>Number / text <input id=\"f-text\" size=\"24\" "
            "placeholder=\"caller, callee, Call-ID\"></label> <span id=\"shown\"></span></form>\n"
            "<p class=\"note\">Click a row for the call's ladder and diagnosis, an arrow for the "
            "message text. Message texts are embedded for failed calls (up to %u MiB in all) and "
            "for other calls up to %u MiB, each cut at %u KiB; %" PRIu64
            " calls have them, %" PRIu64 " do not.</p>\n"
            "<div id=\"detail\" hidden></div>\n"
            "<table id=\"calls\"><thead><tr><th data-k=\"n\">#</th><th>start</th><th>from</th>"
            "<th>to</th><th>outcome</th><th data-k=\"n\">code</th><th data-k=\"n\">PDD s</th>"
            "<th data-k=\"n\">setup s</th><th data-k=\"n\">duration s</th>"
            "<th data-k=\"n\">msgs</th><th data-k=\"n\">retr</th><th>Call-ID</th></tr></thead>"
            "\n<tbody id=\"rows\">\n",
            SF_HTML_REPORT_TEXT_BUDGET >> 20, SF_HTML_REPORT_TEXT_BUDGET_OTHER >> 20,
            SF_HTML_REPORT_TEXT_MAX >> 10, r->calls_with_text, r->calls_without_text);
    int rc = copy_file(r->rows, f);
    fputs("</tbody></table></div>\n<div id=\"call-data\">\n", f);
    if (copy_file(r->data, f) != 0) rc = -1;
    fputs("</div>\n<script>", f);
    fputs(sf_hr_js, f);
    fputs("</script>\n</body></html>\n", f);
    if (r->write_failed || ferror(f)) rc = -1;
    return rc;
}
