/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "sipflow/stats.h"

sf_stats_t *sf_stats_create(void)
{
    return calloc(1, sizeof(sf_stats_t));
}

void sf_stats_destroy(sf_stats_t *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++) free(s->methods[i]);
    free(s);
}

static sf_stats_method_t *slot(sf_stats_t *s, sf_sip_method_t id, sf_slice_t name)
{
    uint32_t i;
    if (id != SF_METHOD_UNKNOWN && id < SF_METHOD_COUNT) {
        i = id;
    } else {
        uint32_t len = name.len < 31 ? name.len : 31;
        for (i = SF_METHOD_COUNT; i < SF_METHOD_COUNT + s->n_ext; i++)
            if (strlen(s->methods[i]->name) == len && memcmp(s->methods[i]->name, name.p, len) == 0)
                return s->methods[i];
        if (s->n_ext < SF_STATS_MAX_EXT_METHODS && len) {
            i = SF_METHOD_COUNT + s->n_ext;
            s->methods[i] = calloc(1, sizeof(sf_stats_method_t));
            if (!s->methods[i]) return NULL;
            memcpy(s->methods[i]->name, name.p, len);
            s->n_ext++;
            return s->methods[i];
        }
        i = SF_STATS_N_METHOD_SLOTS - 1; /* "other": bounded, whatever comes */
    }
    if (!s->methods[i]) {
        s->methods[i] = calloc(1, sizeof(sf_stats_method_t));
        if (!s->methods[i]) return NULL;
        const char *n = i == SF_STATS_N_METHOD_SLOTS - 1 ? "other" : sf_sip_method_name(id);
        strncpy(s->methods[i]->name, n, sizeof s->methods[i]->name - 1);
    }
    return s->methods[i];
}

const char *sf_stats_method_name(const sf_stats_t *s, uint32_t i)
{
    return i < SF_STATS_N_METHOD_SLOTS && s->methods[i] ? s->methods[i]->name : NULL;
}

void sf_stats_on_message(sf_stats_t *s, const sf_msg_info_t *info)
{
    const sf_sip_msg_t *m = info->msg;
    s->messages++;
    if (m->malformed) s->malformed++;
    if (info->retransmission) s->retransmissions++;
    if (m->is_request) {
        s->requests++;
        sf_stats_method_t *x = slot(s, m->method_id, m->method);
        if (x) {
            x->requests++;
            if (info->retransmission) x->requests_retransmitted++;
        }
        return;
    }
    s->responses++;
    if (!m->has_cseq) {
        s->unclassified++;
        return;
    }
    sf_stats_method_t *x = slot(s, m->cseq_method_id, m->cseq_method);
    if (x && m->status >= 100 && m->status <= 699) {
        x->responses[m->status]++;
        if (info->retransmission) x->responses_retrans[m->status]++;
    }
}

void sf_stats_on_txn(sf_stats_t *s, const sf_txn_info_t *t)
{
    if ((unsigned)t->state < SF_TXN_STATE_COUNT) s->txn_states[t->state]++;
    if (t->state == SF_TXN_TIMEOUT) {
        if (t->method == SF_METHOD_INVITE)
            s->txn_timeouts_invite++;
        else
            s->txn_timeouts_non_invite++;
    }
}

void sf_stats_on_call(sf_stats_t *s, const sf_call_t *c)
{
    s->calls++;
    if ((unsigned)c->outcome < SF_OUTCOME_COUNT) s->outcomes[c->outcome]++;
    if (c->partial) s->partial_calls++;
    s->challenges += c->challenges;
    s->redirects += c->redirects;
}

void sf_stats_on_registration(sf_stats_t *s, const sf_registration_t *r)
{
    s->registrations++;
    if ((unsigned)r->outcome < SF_REG_OUTCOME_COUNT) s->reg_outcomes[r->outcome]++;
    s->reg_challenges += r->challenges;
}

static double ratio(const sf_stats_t *s, uint64_t num)
{
    uint64_t den = s->calls - s->outcomes[SF_OUTCOME_UNFINISHED];
    return den ? (double)num / (double)den : -1.0;
}

double sf_stats_asr(const sf_stats_t *s)
{
    return ratio(s, s->outcomes[SF_OUTCOME_ANSWERED]);
}

double sf_stats_ner(const sf_stats_t *s)
{
    const uint64_t *o = s->outcomes;
    return ratio(s, o[SF_OUTCOME_ANSWERED] + o[SF_OUTCOME_BUSY] + o[SF_OUTCOME_NO_ANSWER] +
                        o[SF_OUTCOME_CANCELLED] + o[SF_OUTCOME_REJECTED]);
}
