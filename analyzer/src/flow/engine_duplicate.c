/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's side of duplicate detection (sipflow/duplicate.h): a copy
 * of a message is reported with its first copy's classification, joins
 * that call's frames and ladder arrow, and changes no transaction, dialog
 * or call state (it is not a retransmission, RFC 3261 17.1.1.2). */
#include "flow_internal.h"

bool sf_flow_duplicate(sf_engine_t *e, const sf_msg_meta_t *meta, const sf_sip_msg_t *m,
                       uint64_t hash, uint64_t *slot)
{
    const sf_dup_first_t *f = sf_dup_check(e->dups, meta, m, hash, slot);
    if (!f) return false;
    e->stats.messages++;
    e->stats.duplicates++;
    sf_msg_info_t info = {
        .seq = e->stats.messages,
        .meta = meta,
        .msg = m,
        .call = f->call,
        .dialog = f->dialog,
        .txn = f->txn,
        .registration = f->registration,
        .retransmission = false,
        .txn_state = f->txn_state,
        .dialog_state = f->dialog_state,
        .hop = f->hop,
        .duplicate_of = f->seq,
        .first_file = f->file,
        .first_frame = f->frame,
    };
    if (f->call) {
        /* the call is found again by its key, never by a kept pointer: it
         * may have ended since the first copy */
        call_t *c = sf_flow_call_find(e, m->call_id, m->from_tag);
        if ((!c || c->pub.number != f->call) && m->to_tag.len)
            c = sf_flow_call_find(e, m->call_id, m->to_tag);
        if ((!c || c->pub.number != f->call) && !m->is_request) {
            /* a response joins its call through the transaction (17.1.3),
             * whatever its Call-ID says; looking a response up creates
             * nothing */
            bool is_new = false;
            flow_keys_t keys;
            sf_flow_txn_key(e, m, &keys);
            txn_t *t = sf_flow_txn_match(e, m, &keys, &is_new, NULL);
            if (t) c = t->call;
        }
        if ((!c || c->pub.number != f->call) && m->to_tag.len && m->from_tag.len) {
            dialog_t *d = sf_flow_dialog_find(e, m->call_id, m->from_tag, m->to_tag);
            if (d) c = d->call;
        }
        if (c && c->pub.number == f->call) sf_flow_call_duplicate(e, c, meta, f->seq);
    }
    if (e->sink.message) e->sink.message(e->sink.user, &info);
    return true;
}
