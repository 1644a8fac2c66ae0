/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON records of calls and the statistics document. */
#include <string.h>

#include "sipflow/message_format.h"

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
    sf_json_string(j, c->diagnosis_text);
    sf_json_key(j, "frames");
    sf_json_array_begin(j);
    for (uint32_t i = 0; i < c->n_frames; i++) sf_json_uint(j, c->frames[i]);
    sf_json_array_end(j);
    sf_json_key(j, "frames_omitted");
    sf_json_uint(j, c->frames_omitted);
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
    sf_json_object_end(j);
}
