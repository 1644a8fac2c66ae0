/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/stats.h"

sf_stats_t *sf_stats_create(void)
{
    sf_stats_t *s = calloc(1, sizeof(sf_stats_t));
    /* calloc'ed histograms are valid empty histograms (sf_hist_init) */
    return s;
}

bool sf_stats_enable_pairs(sf_stats_t *s)
{
    if (!s->pairs) s->pairs = calloc(SF_STATS_MAX_PAIRS, sizeof *s->pairs);
    return s->pairs != NULL;
}

void sf_stats_destroy(sf_stats_t *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < SF_STATS_N_METHOD_SLOTS; i++)
        free(s->methods[i]);
    free(s->pairs);
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

static uint32_t ep_hash(uint32_t h, const sf_endpoint_t *ep)
{
    /* FNV-1a over the bytes that identify the endpoint */
    h = (h ^ ep->family) * 16777619u;
    for (int i = 0; i < 16; i++)
        h = (h ^ ep->addr[i]) * 16777619u;
    h = (h ^ (ep->port & 0xff)) * 16777619u;
    return (h ^ (ep->port >> 8)) * 16777619u;
}

/* The client -> server row, or the "other" row once the table is full. */
static sf_stats_pair_t *pair(sf_stats_t *s, const sf_endpoint_t *client,
                             const sf_endpoint_t *server)
{
    const uint32_t slots = 2 * SF_STATS_MAX_PAIRS;
    uint32_t h = ep_hash(ep_hash(2166136261u, client), server) % slots;
    for (uint32_t n = 0; n < slots; n++, h = (h + 1) % slots) {
        uint16_t ix = s->pair_index[h];
        if (!ix) {
            if (s->n_pairs == SF_STATS_MAX_PAIRS) break;
            sf_stats_pair_t *p = &s->pairs[s->n_pairs++];
            p->client = *client;
            p->server = *server;
            s->pair_index[h] = (uint16_t)s->n_pairs;
            return p;
        }
        sf_stats_pair_t *p = &s->pairs[ix - 1];
        if (sf_endpoint_eq(&p->client, client) && sf_endpoint_eq(&p->server, server)) return p;
    }
    return &s->pair_other;
}

/* One message on the wire, from the engine's message event or from a
 * selected call's ladder arrow. */
static void count_message(sf_stats_t *s, bool request, sf_sip_method_t method_id, sf_slice_t method,
                          bool has_method, int status, bool retrans, const sf_endpoint_t *src,
                          const sf_endpoint_t *dst)
{
    s->messages++;
    if (retrans) s->retransmissions++;
    if (s->pairs && src && dst) {
        sf_stats_pair_t *p = request ? pair(s, src, dst) : pair(s, dst, src);
        p->messages++;
        if (retrans) p->retransmissions++;
        if (request) {
            p->requests++;
        } else {
            p->responses++;
            if (status >= 100 && status <= 699) p->responses_by_class[status / 100 - 1]++;
        }
    }
    if (request) {
        s->requests++;
        sf_stats_method_t *x = slot(s, method_id, method);
        if (x) {
            x->requests++;
            if (retrans) x->requests_retransmitted++;
        }
        return;
    }
    s->responses++;
    if (!has_method) {
        s->unclassified++;
        return;
    }
    sf_stats_method_t *x = slot(s, method_id, method);
    if (x && status >= 100 && status <= 699) {
        x->responses[status]++;
        if (retrans) x->responses_retrans[status]++;
    }
}

void sf_stats_on_message(sf_stats_t *s, const sf_msg_info_t *info)
{
    const sf_sip_msg_t *m = info->msg;
    if (m->malformed) s->malformed++;
    if (info->duplicate_of) s->duplicates++;
    const sf_endpoint_t *src = info->meta ? &info->meta->src : NULL;
    const sf_endpoint_t *dst = info->meta ? &info->meta->dst : NULL;
    if (m->is_request)
        count_message(s, true, m->method_id, m->method, true, 0, info->retransmission, src, dst);
    else
        count_message(s, false, m->cseq_method_id, m->cseq_method, m->has_cseq, m->status,
                      info->retransmission, src, dst);
}

void sf_stats_on_call_messages(sf_stats_t *s, const sf_call_t *c)
{
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        const sf_endpoint_t *src = a->from < c->n_endpoints ? &c->endpoints[a->from].ep : NULL;
        const sf_endpoint_t *dst = a->to < c->n_endpoints ? &c->endpoints[a->to].ep : NULL;
        /* requests are labelled with their method, responses' detail is
         * "CSeq N METHOD" (the engine's ladder labels) */
        sf_slice_t method = SF_SLICE_NULL;
        const char *t = a->request ? a->label : a->detail;
        if (t && !a->request) {
            const char *sp = strrchr(t, ' ');
            t = sp && strncmp(a->detail, "CSeq ", 5) == 0 ? sp + 1 : NULL;
        }
        if (t) method = (sf_slice_t){t, (uint32_t)strlen(t)};
        /* an arrow stands for the message and its copies (duplicate.h) */
        for (uint32_t k = 0; k <= a->copies && k <= 64; k++)
            count_message(s, a->request, t ? sf_sip_method_from(method) : SF_METHOD_UNKNOWN, method,
                          t != NULL, a->status, a->retransmission && k == 0, src, dst);
        s->duplicates += a->copies;
    }
}

void sf_stats_on_txn(sf_stats_t *s, const sf_txn_info_t *t)
{
    if ((unsigned)t->state < SF_TXN_STATE_COUNT) s->txn_states[t->state]++;
    if (t->method != SF_METHOD_INVITE && t->final_code >= 200)
        sf_hist_add(&s->response_ms, t->response_ms);
    if (t->state == SF_TXN_TIMEOUT) {
        if (t->method == SF_METHOD_INVITE)
            s->txn_timeouts_invite++;
        else
            s->txn_timeouts_non_invite++;
    }
}

static void copy_text(char *dst, size_t n, const char *src)
{
    size_t len = src ? strlen(src) : 0;
    if (len >= n) len = n - 1;
    if (len) memcpy(dst, src, len);
    dst[len] = 0;
}

/* Failed calls keyed by what the caller was told: the final code, the
 * Reason header (RFC 3326) and the Warning (RFC 3261 20.43). */
static void count_failure(sf_stats_t *s, const sf_call_t *c)
{
    char reason[128] = "", warning[128];
    const sf_reason_hdr_t *r = &c->reason_header;
    if (r->protocol) {
        int n = snprintf(reason, sizeof reason, "%s", r->protocol);
        if (r->cause >= 0 && n >= 0 && (size_t)n < sizeof reason)
            n += snprintf(reason + n, sizeof reason - (size_t)n, ";cause=%d", r->cause);
        if (r->text && n >= 0 && (size_t)n < sizeof reason)
            snprintf(reason + n, sizeof reason - (size_t)n, ";text=\"%s\"", r->text);
    }
    copy_text(warning, sizeof warning, c->diagnosis.warning);
    s->failed_calls++;
    for (uint32_t i = 0; i < s->n_failures; i++) {
        sf_stats_failure_t *f = &s->failures[i];
        if (f->code == c->final_code && strcmp(f->reason, reason) == 0 &&
            strcmp(f->warning, warning) == 0) {
            f->calls++;
            return;
        }
    }
    if (s->n_failures == SF_STATS_MAX_FAILURE_KEYS) {
        s->failures_other++;
        return;
    }
    sf_stats_failure_t *f = &s->failures[s->n_failures++];
    f->code = c->final_code;
    copy_text(f->reason_phrase, sizeof f->reason_phrase, c->reason_phrase);
    memcpy(f->reason, reason, sizeof reason);
    memcpy(f->warning, warning, sizeof warning);
    f->calls = 1;
}

void sf_stats_on_call(sf_stats_t *s, const sf_call_t *c)
{
    s->calls++;
    if ((unsigned)c->outcome < SF_OUTCOME_COUNT) s->outcomes[c->outcome]++;
    if (c->partial) s->partial_calls++;
    s->challenges += c->challenges;
    s->redirects += c->redirects;
    sf_hist_add(&s->pdd_ms, c->pdd_ms);
    sf_hist_add(&s->setup_ms, c->setup_ms);
    sf_hist_add(&s->duration_ms, c->duration_ms);
    bool failed = sf_outcome_failed(c->outcome);
    if (s->pairs && c->n_endpoints >= 2) {
        sf_stats_pair_t *p = pair(s, &c->endpoints[0].ep, &c->endpoints[1].ep);
        p->calls++;
        if (c->outcome == SF_OUTCOME_ANSWERED) p->answered++;
        if (failed) p->failed++;
    }
    if (failed && c->final_code >= 300) count_failure(s, c);
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

void sf_stats_on_anomaly(sf_stats_t *s, sf_anomaly_kind_t kind)
{
    s->anomalies_total++;
    if ((unsigned)kind < SF_ANOM_KIND_COUNT) s->anomalies[kind]++;
}

static int failure_cmp(const void *a, const void *b)
{
    const sf_stats_failure_t *x = *(const sf_stats_failure_t *const *)a;
    const sf_stats_failure_t *y = *(const sf_stats_failure_t *const *)b;
    if (x->calls != y->calls) return x->calls > y->calls ? -1 : 1;
    if (x->code != y->code) return x->code < y->code ? -1 : 1;
    int r = strcmp(x->reason, y->reason);
    return r ? r : strcmp(x->warning, y->warning);
}

uint32_t sf_stats_top_failures(const sf_stats_t *s, const sf_stats_failure_t **out, uint32_t n,
                               uint64_t *other)
{
    const sf_stats_failure_t *all[SF_STATS_MAX_FAILURE_KEYS];
    for (uint32_t i = 0; i < s->n_failures; i++)
        all[i] = &s->failures[i];
    qsort(all, s->n_failures, sizeof all[0], failure_cmp);
    uint32_t k = n < s->n_failures ? n : s->n_failures;
    uint64_t shown = 0;
    for (uint32_t i = 0; i < k; i++) {
        out[i] = all[i];
        shown += all[i]->calls;
    }
    if (other) *other = s->failed_calls - shown;
    return k;
}

static int pair_cmp(const void *a, const void *b)
{
    const sf_stats_pair_t *x = *(const sf_stats_pair_t *const *)a;
    const sf_stats_pair_t *y = *(const sf_stats_pair_t *const *)b;
    if (x->messages != y->messages) return x->messages > y->messages ? -1 : 1;
    if (x->calls != y->calls) return x->calls > y->calls ? -1 : 1;
    return x < y ? -1 : x > y; /* first seen first */
}

uint32_t sf_stats_sorted_pairs(const sf_stats_t *s, const sf_stats_pair_t **out)
{
    if (!s->pairs) return 0;
    for (uint32_t i = 0; i < s->n_pairs; i++)
        out[i] = &s->pairs[i];
    qsort(out, s->n_pairs, sizeof out[0], pair_cmp);
    return s->n_pairs;
}
