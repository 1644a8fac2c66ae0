/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON and CSV records of calls and the statistics document. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sipflow/csv.h"
#include "sipflow/message_format.h"

static void media_json(sf_json_t *j, const char *key, const sf_call_media_t *m)
{
    char b[SF_ENDPOINT_STRLEN];
    sf_json_key(j, key);
    if (!m->present) {
        sf_json_null(j);
        return;
    }
    sf_json_object_begin(j);
    sf_json_key(j, "codecs");
    sf_json_array_begin(j);
    const char *p = m->codecs;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        sf_json_string_len(j, p, n);
        p += n + (e ? 1 : 0);
    }
    sf_json_array_end(j);
    sf_json_key(j, "addr");
    sf_json_string(j, m->addr[0] ? m->addr : NULL);
    sf_json_key(j, "port");
    sf_json_uint(j, m->port);
    sf_json_key(j, "direction");
    sf_json_string(j, m->direction[0] ? m->direction : NULL);
    sf_json_key(j, "hold");
    sf_json_bool(j, m->hold);
    sf_json_key(j, "nat");
    sf_json_bool(j, m->nat);
    sf_json_key(j, "signalling");
    sf_endpoint_format(&m->signalling, b, sizeof b);
    sf_json_string(j, b);
    sf_json_object_end(j);
}

static bool call_hold(const sf_call_t *c)
{
    return c->offer.hold || c->answer.hold || c->held;
}

static void opt_ms(sf_json_t *j, const char *key, int64_t v)
{
    sf_json_key(j, key);
    if (v >= 0)
        sf_json_int(j, v);
    else
        sf_json_null(j);
}

void sf_format_call_json(sf_json_t *j, const sf_call_t *c)
{
    char b[SF_TS_STRLEN];
    sf_json_key(j, "schema_version");
    sf_json_int(j, SF_JSON_SCHEMA_VERSION);
    sf_json_key(j, "call");
    sf_json_uint(j, c->number);
    sf_json_key(j, "call_id");
    sf_json_string(j, c->call_id);
    sf_json_key(j, "outcome");
    sf_json_string(j, sf_outcome_name(c->outcome));
    sf_json_key(j, "failed");
    sf_json_bool(j, sf_outcome_failed(c->outcome));
    sf_json_key(j, "final_code");
    if (c->final_code)
        sf_json_int(j, c->final_code);
    else
        sf_json_null(j);
    sf_json_key(j, "reason_phrase");
    sf_json_string(j, c->final_code ? c->reason_phrase : NULL);
    sf_json_key(j, "reason_header");
    if (c->reason_header.protocol) {
        sf_json_object_begin(j);
        sf_json_key(j, "protocol");
        sf_json_string(j, c->reason_header.protocol);
        sf_json_key(j, "cause");
        if (c->reason_header.cause >= 0)
            sf_json_int(j, c->reason_header.cause);
        else
            sf_json_null(j);
        sf_json_key(j, "text");
        sf_json_string(j, c->reason_header.text);
        sf_json_object_end(j);
    } else {
        sf_json_null(j);
    }
    sf_json_key(j, "from");
    sf_json_string(j, c->from);
    sf_json_key(j, "to");
    sf_json_string(j, c->to);
    sf_json_key(j, "request_uri");
    sf_json_string(j, c->request_uri);
    sf_json_key(j, "start_time");
    sf_ts_format(c->start_time, b, sizeof b);
    sf_json_string(j, b);
    opt_ms(j, "pdd_ms", c->pdd_ms);
    opt_ms(j, "setup_ms", c->setup_ms);
    opt_ms(j, "duration_ms", c->duration_ms);
    sf_json_key(j, "messages");
    sf_json_uint(j, c->messages);
    sf_json_key(j, "retransmissions");
    sf_json_uint(j, c->retransmissions);
    sf_json_key(j, "duplicates");
    sf_json_uint(j, c->duplicates);
    sf_json_key(j, "challenges");
    sf_json_uint(j, c->challenges);
    sf_json_key(j, "redirects");
    sf_json_uint(j, c->redirects);
    sf_json_key(j, "in_dialog_failures");
    sf_json_uint(j, c->in_dialog_failures);
    sf_json_key(j, "dialogs");
    sf_json_uint(j, c->n_dialogs);
    sf_json_key(j, "partial");
    sf_json_bool(j, c->partial);
    sf_json_key(j, "problems");
    sf_json_array_begin(j);
    for (unsigned bit = 0; sf_problem_name(bit); bit++)
        if (c->problems & (1u << bit)) sf_json_string(j, sf_problem_name(bit));
    sf_json_array_end(j);
    sf_json_key(j, "diagnosis");
    sf_json_string(j, sf_call_diagnosis_text(c));
    sf_json_key(j, "frames");
    sf_json_array_begin(j);
    for (uint32_t i = 0; i < c->n_frames; i++)
        sf_json_uint(j, c->frames[i]);
    sf_json_array_end(j);
    sf_json_key(j, "frames_omitted");
    sf_json_uint(j, c->frames_omitted);
    sf_json_key(j, "pai");
    sf_json_string(j, c->pai);
    media_json(j, "offer", &c->offer);
    media_json(j, "answer", &c->answer);
    sf_json_key(j, "hold");
    sf_json_bool(j, call_hold(c));
    sf_json_key(j, "nat");
    sf_json_bool(j, c->offer.nat || c->answer.nat);
}

/* ---- calls as CSV --------------------------------------------------------- */

static const char *const call_columns[] = {"call",
                                           "start_time",
                                           "outcome",
                                           "failed",
                                           "final_code",
                                           "reason_phrase",
                                           "call_id",
                                           "from",
                                           "to",
                                           "request_uri",
                                           "pdd_ms",
                                           "setup_ms",
                                           "duration_ms",
                                           "messages",
                                           "retransmissions",
                                           "duplicates",
                                           "offer_codecs",
                                           "offer_addr",
                                           "offer_port",
                                           "offer_direction",
                                           "answer_codecs",
                                           "answer_addr",
                                           "answer_port",
                                           "answer_direction",
                                           "hold",
                                           "nat",
                                           "diagnosis",
                                           NULL};

void sf_format_call_csv_header(FILE *f)
{
    for (size_t i = 0; call_columns[i]; i++)
        sf_csv_str(f, call_columns[i], i == 0);
    fputc('\n', f);
}

static void csv_int(FILE *f, int64_t v, bool present)
{
    char b[24];
    snprintf(b, sizeof b, "%" PRId64, v);
    sf_csv_str(f, present ? b : NULL, false);
}

static void csv_first_uint(FILE *f, uint32_t v)
{
    char b[16];
    snprintf(b, sizeof b, "%" PRIu32, v);
    sf_csv_str(f, b, true);
}

static void csv_media(FILE *f, const sf_call_media_t *m)
{
    sf_csv_str(f, m->present ? m->codecs : NULL, false);
    sf_csv_str(f, m->present && m->addr[0] ? m->addr : NULL, false);
    csv_int(f, m->port, m->present);
    sf_csv_str(f, m->present && m->direction[0] ? m->direction : NULL, false);
}

void sf_format_call_csv(FILE *f, const sf_call_t *c)
{
    char b[SF_TS_STRLEN];
    csv_first_uint(f, c->number);
    sf_ts_format(c->start_time, b, sizeof b);
    sf_csv_str(f, b, false);
    sf_csv_str(f, sf_outcome_name(c->outcome), false);
    sf_csv_str(f, sf_outcome_failed(c->outcome) ? "true" : "false", false);
    csv_int(f, c->final_code, c->final_code != 0);
    sf_csv_str(f, c->final_code ? c->reason_phrase : NULL, false);
    sf_csv_str(f, c->call_id, false);
    sf_csv_str(f, c->from, false);
    sf_csv_str(f, c->to, false);
    sf_csv_str(f, c->request_uri, false);
    csv_int(f, c->pdd_ms, c->pdd_ms >= 0);
    csv_int(f, c->setup_ms, c->setup_ms >= 0);
    csv_int(f, c->duration_ms, c->duration_ms >= 0);
    csv_int(f, c->messages, true);
    csv_int(f, c->retransmissions, true);
    csv_int(f, c->duplicates, true);
    csv_media(f, &c->offer);
    csv_media(f, &c->answer);
    sf_csv_str(f, call_hold(c) ? "true" : "false", false);
    sf_csv_str(f, c->offer.nat || c->answer.nat ? "true" : "false", false);
    sf_csv_str(f, sf_call_diagnosis_text(c), false);
    fputc('\n', f);
}

static void code_map(sf_json_t *j, const uint64_t *counts)
{
    char k[8];
    sf_json_object_begin(j);
    for (int code = 100; code <= 699; code++) {
        if (!counts[code]) continue;
        k[0] = (char)('0' + code / 100);
        k[1] = (char)('0' + code / 10 % 10);
        k[2] = (char)('0' + code % 10);
        k[3] = 0;
        sf_json_key(j, k);
        sf_json_uint(j, counts[code]);
    }
    sf_json_object_end(j);
}

static bool any(const uint64_t *counts)
{
    for (int code = 100; code <= 699; code++)
        if (counts[code]) return true;
    return false;
}

static void responses(sf_json_t *j, const sf_stats_t *s, bool retrans)
{
    sf_json_object_begin(j);
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++) {
        const sf_stats_method_t *m = s->methods[i];
        if (!m) continue;
        const uint64_t *counts = retrans ? m->responses_retrans : m->responses;
        if (!any(counts)) continue;
        sf_json_key(j, m->name);
        code_map(j, counts);
    }
    sf_json_object_end(j);
}

static void timing(sf_json_t *j, const char *key, const sf_hist_t *h)
{
    static const struct {
        const char *name;
        double p;
    } ps[] = {{"p50", 50}, {"p90", 90}, {"p99", 99}};
    sf_json_key(j, key);
    sf_json_object_begin(j);
    sf_json_key(j, "count");
    sf_json_uint(j, h->count);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        sf_json_key(j, ps[i].name);
        if (h->count)
            sf_json_int(j, sf_hist_percentile(h, ps[i].p));
        else
            sf_json_null(j);
    }
    sf_json_key(j, "min");
    if (h->count)
        sf_json_int(j, h->min);
    else
        sf_json_null(j);
    sf_json_key(j, "max");
    if (h->count)
        sf_json_int(j, h->max);
    else
        sf_json_null(j);
    sf_json_key(j, "mean");
    if (h->count)
        sf_json_double(j, h->sum / (double)h->count);
    else
        sf_json_null(j);
    sf_json_object_end(j);
}

static void failures(sf_json_t *j, const sf_stats_t *s)
{
    const sf_stats_failure_t *top[SF_STATS_TOP_FAILURES];
    uint64_t other = 0;
    uint32_t n = sf_stats_top_failures(s, top, SF_STATS_TOP_FAILURES, &other);
    sf_json_key(j, "failures");
    sf_json_object_begin(j);
    sf_json_key(j, "calls");
    sf_json_uint(j, s->failed_calls);
    sf_json_key(j, "top");
    sf_json_array_begin(j);
    for (uint32_t i = 0; i < n; i++) {
        sf_json_object_begin(j);
        sf_json_key(j, "code");
        sf_json_int(j, top[i]->code);
        sf_json_key(j, "reason_phrase");
        sf_json_string(j, top[i]->reason_phrase);
        sf_json_key(j, "reason");
        sf_json_string(j, top[i]->reason[0] ? top[i]->reason : NULL);
        sf_json_key(j, "warning");
        sf_json_string(j, top[i]->warning[0] ? top[i]->warning : NULL);
        sf_json_key(j, "calls");
        sf_json_uint(j, top[i]->calls);
        sf_json_object_end(j);
    }
    sf_json_array_end(j);
    sf_json_key(j, "other");
    sf_json_uint(j, other);
    sf_json_object_end(j);
}

static void pair_json(sf_json_t *j, const sf_stats_pair_t *p, bool named)
{
    static const char *const cls[6] = {"1xx", "2xx", "3xx", "4xx", "5xx", "6xx"};
    char b[SF_ENDPOINT_STRLEN];
    sf_json_object_begin(j);
    if (named) {
        sf_json_key(j, "client");
        sf_endpoint_format(&p->client, b, sizeof b);
        sf_json_string(j, b);
        sf_json_key(j, "server");
        sf_endpoint_format(&p->server, b, sizeof b);
        sf_json_string(j, b);
    }
    sf_json_key(j, "messages");
    sf_json_uint(j, p->messages);
    sf_json_key(j, "requests");
    sf_json_uint(j, p->requests);
    sf_json_key(j, "responses");
    sf_json_uint(j, p->responses);
    sf_json_key(j, "retransmissions");
    sf_json_uint(j, p->retransmissions);
    sf_json_key(j, "responses_by_class");
    sf_json_object_begin(j);
    for (int k = 0; k < 6; k++) {
        sf_json_key(j, cls[k]);
        sf_json_uint(j, p->responses_by_class[k]);
    }
    sf_json_object_end(j);
    sf_json_key(j, "calls");
    sf_json_uint(j, p->calls);
    sf_json_key(j, "answered");
    sf_json_uint(j, p->answered);
    sf_json_key(j, "failed");
    sf_json_uint(j, p->failed);
    sf_json_object_end(j);
}

void sf_format_stats_json(sf_json_t *j, const sf_stats_t *s)
{
    sf_json_key(j, "schema_version");
    sf_json_int(j, SF_JSON_SCHEMA_VERSION);
    sf_json_key(j, "messages");
    sf_json_uint(j, s->messages);
    sf_json_key(j, "requests");
    sf_json_object_begin(j);
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++)
        if (s->methods[i] && s->methods[i]->requests) {
            sf_json_key(j, s->methods[i]->name);
            sf_json_uint(j, s->methods[i]->requests);
        }
    sf_json_object_end(j);
    sf_json_key(j, "responses");
    responses(j, s, false);
    sf_json_key(j, "responses_retransmitted");
    responses(j, s, true);
    sf_json_key(j, "retransmissions");
    sf_json_uint(j, s->retransmissions);
    sf_json_key(j, "duplicates");
    sf_json_uint(j, s->duplicates);
    sf_json_key(j, "malformed");
    sf_json_uint(j, s->malformed);
    sf_json_key(j, "calls");
    sf_json_uint(j, s->calls);
    sf_json_key(j, "outcomes");
    sf_json_object_begin(j);
    for (int o = 0; o < SF_OUTCOME_COUNT; o++) {
        sf_json_key(j, sf_outcome_name((sf_outcome_t)o));
        sf_json_uint(j, s->outcomes[o]);
    }
    sf_json_object_end(j);
    double asr = sf_stats_asr(s), ner = sf_stats_ner(s);
    sf_json_key(j, "asr");
    if (asr >= 0)
        sf_json_double(j, asr);
    else
        sf_json_null(j);
    sf_json_key(j, "ner");
    if (ner >= 0)
        sf_json_double(j, ner);
    else
        sf_json_null(j);
    sf_json_key(j, "challenges");
    sf_json_uint(j, s->challenges);
    sf_json_key(j, "transactions");
    sf_json_object_begin(j);
    for (int st = 0; st < SF_TXN_STATE_COUNT; st++) {
        sf_json_key(j, sf_txn_state_name((sf_txn_state_t)st));
        sf_json_uint(j, s->txn_states[st]);
    }
    sf_json_key(j, "timeouts_invite");
    sf_json_uint(j, s->txn_timeouts_invite);
    sf_json_key(j, "timeouts_non_invite");
    sf_json_uint(j, s->txn_timeouts_non_invite);
    sf_json_object_end(j);
    sf_json_key(j, "registrations");
    sf_json_object_begin(j);
    sf_json_key(j, "total");
    sf_json_uint(j, s->registrations);
    for (int o = 0; o < SF_REG_OUTCOME_COUNT; o++) {
        sf_json_key(j, sf_reg_outcome_name((sf_reg_outcome_t)o));
        sf_json_uint(j, s->reg_outcomes[o]);
    }
    sf_json_key(j, "challenges");
    sf_json_uint(j, s->reg_challenges);
    sf_json_key(j, "successes");
    sf_json_uint(j, s->reg_outcomes[SF_REG_REGISTERED] + s->reg_outcomes[SF_REG_UNREGISTERED]);
    sf_json_key(j, "failures");
    sf_json_uint(j, s->reg_outcomes[SF_REG_FAILED] + s->reg_outcomes[SF_REG_TIMEOUT]);
    sf_json_object_end(j);
    sf_json_key(j, "selected_calls_only");
    sf_json_bool(j, s->calls_selected);
    sf_json_key(j, "timings");
    sf_json_object_begin(j);
    sf_json_key(j, "relative_error");
    sf_json_double(j, SF_HIST_RELATIVE_ERROR);
    timing(j, "response_ms", &s->response_ms);
    timing(j, "pdd_ms", &s->pdd_ms);
    timing(j, "setup_ms", &s->setup_ms);
    timing(j, "duration_ms", &s->duration_ms);
    sf_json_object_end(j);
    failures(j, s);
    sf_json_key(j, "anomalies");
    sf_json_object_begin(j);
    sf_json_key(j, "total");
    sf_json_uint(j, s->anomalies_total);
    for (int k = 0; k < SF_ANOM_KIND_COUNT; k++) {
        if (!s->anomalies[k]) continue;
        sf_json_key(j, sf_anomaly_kind_name((sf_anomaly_kind_t)k));
        sf_json_uint(j, s->anomalies[k]);
    }
    sf_json_object_end(j);
    if (s->pairs) {
        const sf_stats_pair_t *rows[SF_STATS_MAX_PAIRS];
        uint32_t n = sf_stats_sorted_pairs(s, rows);
        sf_json_key(j, "by_endpoint");
        sf_json_object_begin(j);
        sf_json_key(j, "cap");
        sf_json_uint(j, SF_STATS_MAX_PAIRS);
        sf_json_key(j, "pairs");
        sf_json_array_begin(j);
        for (uint32_t i = 0; i < n; i++)
            pair_json(j, rows[i], true);
        sf_json_array_end(j);
        sf_json_key(j, "other");
        pair_json(j, &s->pair_other, false);
        sf_json_object_end(j);
    }
}
