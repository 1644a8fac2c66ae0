/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-file analysis state: one libsipflow engine fed on the first pass, and
 * the results of its events kept in wmem file scope so later passes (GUI,
 * tshark -2) render them. */
#include "sipflow_plugin.h"

#include <string.h>

#include "sipflow/sip_msg.h"

static sfp_state_t *g_state; /* the open file's; see sipflow_plugin.h */

static char *dup_or_null(const char *s)
{
    return s ? wmem_strdup(wmem_file_scope(), s) : NULL;
}

static void on_message(void *user, const sf_msg_info_t *info)
{
    sfp_state_t *st = user;
    sf_stats_on_message(st->stats, info);
    sfp_msg_t *m = st->cur;
    if (!m) return;
    m->seq = info->seq;
    m->call = info->call;
    m->dialog = info->dialog;
    m->txn = info->txn;
    m->registration = info->registration;
    m->txn_state = info->txn_state;
    m->dialog_state = info->dialog_state;
    m->retransmission = info->retransmission;
    m->duplicate_of = info->duplicate_of ? info->first_frame : 0;
    m->is_request = info->msg->is_request;
    m->status = info->msg->is_request ? 0 : info->msg->status;
    m->malformed = info->msg->malformed;
    /* the engine matched it to no transaction although it could have
     * (Call-ID and CSeq present): a response without its request */
    m->orphan_response =
        !m->is_request && !info->txn && info->msg->call_id.len && info->msg->has_cseq;
}

static void on_txn(void *user, const sf_txn_info_t *t)
{
    sfp_state_t *st = user;
    sf_stats_on_txn(st->stats, t);
    sfp_txn_t *r = wmem_new0(wmem_file_scope(), sfp_txn_t);
    r->number = t->number;
    r->state = t->state;
    r->final_code = t->final_code;
    r->request_frame = t->request_frame;
    r->final_frame = t->final_frame;
    r->response_ms = t->response_ms;
    r->call = t->call;
    r->method = t->method;
    wmem_map_insert(st->txns, GUINT_TO_POINTER(t->number), r);
    if (t->call && t->method == SF_METHOD_INVITE) {
        gpointer key = GUINT_TO_POINTER(t->call);
        guint prev = GPOINTER_TO_UINT(wmem_map_lookup(st->call_first_invite, key));
        if (!prev || t->number < prev)
            wmem_map_insert(st->call_first_invite, key, GUINT_TO_POINTER(t->number));
    }
}

static void on_call(void *user, sf_call_t *c)
{
    sfp_state_t *st = user;
    sf_stats_on_call(st->stats, c);
    sfp_call_t *r = wmem_new0(wmem_file_scope(), sfp_call_t);
    r->number = c->number;
    r->outcome = c->outcome;
    r->final_code = c->final_code;
    r->failed = sf_outcome_failed(c->outcome);
    r->partial = c->partial;
    r->pdd_ms = c->pdd_ms;
    r->setup_ms = c->setup_ms;
    r->duration_ms = c->duration_ms;
    r->messages = c->messages;
    r->retransmissions = c->retransmissions;
    r->start_time = c->start_time;
    r->call_id = dup_or_null(c->call_id);
    r->from = dup_or_null(c->from);
    r->to = dup_or_null(c->to);
    r->diagnosis = dup_or_null(sf_call_diagnosis_text(c));
    wmem_map_insert(st->calls, GUINT_TO_POINTER(c->number), r);
    wmem_array_append_one(st->call_order, c->number);
    /* arrow labels for the Flow Graph, by message number */
    for (uint32_t i = 0; i < c->n_arrows; i++) {
        const sf_arrow_t *a = &c->arrows[i];
        if (a->label && a->msg_seq)
            wmem_map_insert(st->arrow_labels, GSIZE_TO_POINTER((gsize)a->msg_seq),
                            wmem_strdup(wmem_file_scope(), a->label));
    }
}

static void on_registration(void *user, const sf_registration_t *r)
{
    sfp_state_t *st = user;
    sf_stats_on_registration(st->stats, r);
}

void sfp_state_reset(int64_t t1_ns)
{
    sfp_state_cleanup();
    sfp_state_t *st = g_new0(sfp_state_t, 1);
    sf_engine_config_t cfg;
    sf_engine_config_default(&cfg);
    if (t1_ns > 0) {
        cfg.t1_ns = t1_ns;
        cfg.t1_fixed = true;
    }
    sf_engine_sink_t sink = {on_message, on_txn, on_call, on_registration, st};
    st->engine = sf_engine_create(&cfg, &sink);
    st->parser = sf_sip_parser_create();
    st->stats = sf_stats_create();
    st->calls = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    st->txns = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    st->arrow_labels = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    st->call_first_invite = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    st->call_order = wmem_array_new(wmem_file_scope(), sizeof(uint32_t));
    g_state = st;
}

void sfp_state_cleanup(void)
{
    sfp_state_t *st = g_state;
    if (!st) return;
    g_state = NULL;
    if (st->engine) sf_engine_destroy(st->engine);
    if (st->parser) sf_sip_parser_destroy(st->parser);
    if (st->stats) sf_stats_destroy(st->stats);
    g_free(st); /* the maps belong to the file scope, freed with it */
}

sfp_state_t *sfp_state_get(void)
{
    return g_state;
}

void sfp_state_finish(sfp_state_t *st)
{
    if (!st || st->finished) return;
    st->finished = true;
    st->cur = NULL;
    sf_engine_finish(st->engine);
}
