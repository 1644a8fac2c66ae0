/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine: classifies each message into transaction, dialog, call and
 * registration, runs the capture-time timers, and emits events. */
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

void sf_engine_config_default(sf_engine_config_t *c)
{
    memset(c, 0, sizeof *c);
    c->t1_ns = 500000000; /* RFC 3261 17.1.1.1 */
    c->max_txns = 262144;
    c->max_dialogs = 131072;
    c->max_calls = 131072;
    c->call_idle_ns = 4LL * 3600 * 1000000000;
    c->max_arrows = 1000;
    c->max_call_frames = 4096;
    c->keep_ladder = true;
    c->keep_media = true;
    c->dup_window_ns = SF_DUP_DEFAULT_WINDOW_NS;
    c->dup_max = SF_DUP_DEFAULT_MAX;
}

sf_engine_t *sf_engine_create(const sf_engine_config_t *cfg, const sf_engine_sink_t *sink)
{
    sf_engine_t *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    if (cfg)
        e->cfg = *cfg;
    else
        sf_engine_config_default(&e->cfg);
    if (e->cfg.t1_ns <= 0) e->cfg.t1_ns = 500000000;
    if (e->cfg.call_idle_ns <= 0) e->cfg.call_idle_ns = 4LL * 3600 * 1000000000;
    if (e->cfg.max_call_frames == 0) e->cfg.max_call_frames = 4096;
    if (sink) e->sink = *sink;
    e->t1_ns = e->cfg.t1_ns;
    e->now = INT64_MIN;
    sf_pool_init(&e->txn_pool, sizeof(txn_t), 256);
    sf_pool_init(&e->dialog_pool, sizeof(dialog_t), 256);
    sf_pool_init(&e->call_pool, sizeof(call_t), 64);
    sf_pool_init(&e->reg_pool, sizeof(reg_t), 64);
    sf_pool_keep(&e->txn_pool, offsetof(txn_t, timer), sizeof(sf_timer_t));
    sf_pool_keep(&e->dialog_pool, offsetof(dialog_t, timer), sizeof(sf_timer_t));
    sf_pool_keep(&e->call_pool, offsetof(call_t, timer), sizeof(sf_timer_t));
    sf_pool_keep(&e->reg_pool, offsetof(reg_t, timer), sizeof(sf_timer_t));
    /* idle timeouts (hours) wait at most 96*T1 ahead (timer_queue.h):
     * past 64*T1, so RFC 3261's timers are placed at their deadline */
    e->timers.horizon = 96 * e->t1_ns;
    if (!sf_hmap_init(&e->txns, 1024) || !sf_hmap_init(&e->dialogs, 256) ||
        !sf_hmap_init(&e->calls, 256) || !sf_hmap_init(&e->regs, 64)) {
        sf_engine_destroy(e);
        return NULL;
    }
    if (e->cfg.dup_window_ns > 0) {
        sf_dup_config_t dc = {e->cfg.dup_window_ns, e->cfg.dup_max};
        if (!(e->dups = sf_dup_create(&dc))) {
            sf_engine_destroy(e);
            return NULL;
        }
    }
    return e;
}

/* ---- small helpers shared by the flow files ----------------------------- */

char *sf_flow_strdup_slice(sf_slice_t s)
{
    char *p = malloc(s.len + 1);
    if (!p) return NULL;
    if (s.len) memcpy(p, s.p, s.len);
    p[s.len] = 0;
    return p;
}

char *sf_flow_arena_slice(sf_arena_t *a, sf_slice_t s)
{
    if (!s.p) return NULL;
    return sf_arena_strndup(a, s.p, s.len);
}

sf_slice_t sf_flow_header_value(const sf_sip_msg_t *m, sf_sip_hdr_t id)
{
    const sf_sip_header_t *h = sf_sip_msg_header(m, id);
    return h ? h->value : SF_SLICE_NULL;
}

/* The URI of a name-addr or addr-spec (RFC 3261 20.10): what is inside
 * <...>, or up to the first ';' of an addr-spec. */
sf_slice_t sf_flow_uri_of(sf_slice_t v)
{
    /* v.p is NULL when the header is absent: NULL + 0 is undefined, so
     * check before computing end (same class as a fuzz finding). */
    if (!v.p) return v;
    const char *p = v.p, *end = v.p + v.len;
    const char *lt = memchr(p, '<', v.len);
    if (lt) {
        const char *gt = memchr(lt, '>', (size_t)(end - lt));
        if (gt) return (sf_slice_t){lt + 1, (uint32_t)(gt - lt - 1)};
        return (sf_slice_t){lt + 1, (uint32_t)(end - lt - 1)};
    }
    const char *semi = memchr(p, ';', v.len);
    const char *e = semi ? semi : end;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
    return (sf_slice_t){p, (uint32_t)(e - p)};
}

/* Reason (RFC 3326): protocol *(; cause=N | text="...") */
void sf_flow_reason_header(sf_arena_t *a, const sf_sip_msg_t *m, sf_reason_hdr_t *out)
{
    memset(out, 0, sizeof *out);
    out->cause = -1;
    sf_slice_t v = sf_flow_header_value(m, SF_HDR_REASON);
    if (!v.len) return;
    const char *p = v.p, *end = v.p + v.len;
    const char *q = p;
    while (q < end && *q != ';' && *q != ' ' && *q != '\t' && *q != ',') q++;
    out->protocol = sf_arena_strndup(a, p, (size_t)(q - p));
    while (q < end && *q != ',') {
        while (q < end && (*q == ';' || *q == ' ' || *q == '\t')) q++;
        if (end - q > 6 && strncmp(q, "cause=", 6) == 0) {
            q += 6;
            int c = 0, digits = 0;
            while (q < end && *q >= '0' && *q <= '9' && digits < 6) c = c * 10 + (*q++ - '0'), digits++;
            if (digits) out->cause = c;
        } else if (end - q > 5 && strncmp(q, "text=", 5) == 0) {
            q += 5;
            const char *s = q;
            if (q < end && *q == '"') {
                s = ++q;
                while (q < end && *q != '"') q += (*q == '\\' && q + 1 < end) ? 2 : 1;
                out->text = sf_arena_strndup(a, s, (size_t)((q < end ? q : end) - s));
                if (q < end) q++;
            } else {
                while (q < end && *q != ';' && *q != ',') q++;
                out->text = sf_arena_strndup(a, s, (size_t)(q - s));
            }
        } else {
            while (q < end && *q != ';' && *q != ',') q++;
        }
    }
}

/* ---- timers ------------------------------------------------------------- */

static void fire(sf_engine_t *e, sf_timer_t *t)
{
    switch (t->kind) {
    case TIMER_TXN: sf_flow_txn_expire(e, (txn_t *)t); break;
    case TIMER_CALL:
        sf_flow_call_expire(e, (call_t *)((char *)t - offsetof(call_t, timer)));
        break;
    case TIMER_DIALOG: sf_flow_dialog_expire(e, (dialog_t *)t); break;
    case TIMER_REG: sf_flow_reg_expire(e, (reg_t *)((char *)t - offsetof(reg_t, timer))); break;
    }
}

/* The objects whose timers come next are cold (armed 64*T1 of capture
 * time ago) and fire within the next messages; ending one touches the
 * object and its table slot. A two-step pipeline: the timer's line of the
 * ones after the next is fetched now; for the next ones, fetched at an
 * earlier message, the whole object and its table slot follow. An
 * object's fields other than its timer are read only while its timer is
 * armed: a pooled object is poisoned under AddressSanitizer. */
static void prefetch_timers(sf_engine_t *e)
{
    sf_timer_upcoming_t u;
    sf_timer_upcoming(&e->timers, &u);
    for (uint32_t i = 0; i < u.n_soon; i++) __builtin_prefetch(u.soon[i]);
    for (uint32_t i = 0; i < u.n_next; i++) {
        sf_timer_t *t = u.next[i];
        if (!t->armed) continue;
        switch (t->kind) {
        case TIMER_TXN: {
            const txn_t *x = (const txn_t *)t;
            sf_flow_prefetch_range(x, sizeof *x);
            sf_flow_prefetch_slot(&e->txns, x->hash);
            break;
        }
        case TIMER_DIALOG: {
            const dialog_t *d = (const dialog_t *)t;
            sf_flow_prefetch_range(d, sizeof *d);
            sf_flow_prefetch_slot(&e->dialogs, d->hash);
            break;
        }
        case TIMER_CALL: {
            const call_t *c = (const call_t *)((const char *)t - offsetof(call_t, timer));
            /* ending it reads what comes before its inline storage */
            sf_flow_prefetch_range(c, offsetof(call_t, frames_inline));
            sf_flow_prefetch_slot(&e->calls, c->hash);
            break;
        }
        default:
            break;
        }
    }
}

static void run_timers(sf_engine_t *e)
{
    sf_timer_t *t;
    /* every fire either frees its object or re-arms it later than now */
    for (uint32_t guard = 0; guard < 1000000 && (t = sf_timer_pop_due(&e->timers, e->now)); guard++)
        fire(e, t);
    if (e->timers.taken != e->prefetched_at) {
        e->prefetched_at = e->timers.taken; /* new heads */
        prefetch_timers(e);
    }
}

/* Over a cap: the objects closest to their deadline go first. */
static void enforce_caps(sf_engine_t *e)
{
    for (uint32_t guard = 0; guard < 1024; guard++) {
        bool over = e->stats.open_txns > e->cfg.max_txns ||
                    e->stats.open_dialogs > e->cfg.max_dialogs ||
                    e->stats.open_calls > e->cfg.max_calls;
        if (!over) return;
        sf_timer_t *t = sf_timer_pop_first(&e->timers);
        if (!t) return;
        switch (t->kind) {
        case TIMER_TXN: e->stats.txns_evicted++; sf_flow_txn_free(e, (txn_t *)t); break;
        case TIMER_CALL:
            e->stats.calls_evicted++;
            sf_flow_call_expire(e, (call_t *)((char *)t - offsetof(call_t, timer)));
            break;
        case TIMER_DIALOG: e->stats.dialogs_evicted++; sf_flow_dialog_free(e, (dialog_t *)t); break;
        case TIMER_REG: sf_flow_reg_end(e, (reg_t *)((char *)t - offsetof(reg_t, timer))); break;
        }
    }
}

/* ---- classification ----------------------------------------------------- */

static bool dialog_creating(sf_sip_method_t m)
{
    /* 12.1: INVITE creates dialogs; SUBSCRIBE (RFC 6665) and REFER
     * (RFC 3515) create them too */
    return m == SF_METHOD_INVITE || m == SF_METHOD_SUBSCRIBE || m == SF_METHOD_REFER;
}

static bool starts_partial_call(sf_sip_method_t m)
{
    return m == SF_METHOD_BYE || m == SF_METHOD_INVITE || m == SF_METHOD_UPDATE ||
           m == SF_METHOD_PRACK || m == SF_METHOD_INFO;
}

/* Every message event goes through here, so the duplicate stage learns how
 * the first copy was classified. */
static void emit_message(sf_engine_t *e, const sf_msg_info_t *info, uint64_t dup_slot)
{
    if (e->dups) sf_dup_note(e->dups, dup_slot, info);
    if (e->sink.message) e->sink.message(e->sink.user, info);
}

void sf_engine_push(sf_engine_t *e, const sf_msg_meta_t *meta, const sf_sip_msg_t *m)
{
    int64_t now = ts_ns(meta->ts);
    if (now > e->now) e->now = now;
    /* Without Call-ID and CSeq nothing can be matched (8.1.1); the message
     * is still reported. */
    bool matchable = m->call_id.len && m->has_cseq && !(m->is_request && !m->method.len);
    /* The duplicate index entry first: its hash covers the whole message,
     * and the key building and timers below overlap its fetch. */
    uint64_t dup_hash = 0;
    if (e->dups) {
        dup_hash = sf_dup_hash(m->buf, m->len);
        sf_dup_prefetch(e->dups, dup_hash);
    }
    /* keys before the timers and the duplicate check: see flow_keys_t */
    flow_keys_t keys;
    keys.txn.n = keys.dialog.n = keys.call.n = 0;
    bool new_call = m->is_request && m->method_id == SF_METHOD_INVITE && !m->to_tag.len;
    if (matchable) {
        sf_flow_txn_key(e, m, &keys);
        if (m->to_tag.len && m->from_tag.len)
            sf_flow_dialog_key(e, m->call_id, m->from_tag, m->to_tag, &keys);
        if (new_call) sf_flow_call_key(e, m->call_id, m->from_tag, &keys);
    }
    run_timers(e);
    if (keys.txn.n) sf_flow_prefetch_obj(&e->txns, keys.txn.h, sizeof(txn_t));
    if (keys.dialog.n) sf_flow_prefetch_obj(&e->dialogs, keys.dialog.h, sizeof(dialog_t));
    uint64_t dup_slot = 0;
    if (e->dups && sf_flow_duplicate(e, meta, m, dup_hash, &dup_slot)) return;
    e->stats.messages++;

    sf_msg_info_t info = {.seq = e->stats.messages, .meta = meta, .msg = m};
    if (!matchable) {
        emit_message(e, &info, dup_slot);
        return;
    }

    bool is_new = false;
    txn_t *inv = NULL;
    txn_t *t = sf_flow_txn_match(e, m, &keys, &is_new, &inv);
    bool retrans = false;
    if (t) {
        retrans = sf_flow_txn_seen(e, t, meta, m) && !is_new;
        sf_flow_txn_update(e, t, meta, m, retrans);
        if (inv && m->method_id == SF_METHOD_CANCEL) inv->cancelled = true;
    } else if (!m->is_request) {
        e->stats.orphan_responses++;
    }
    if (retrans) e->stats.retransmissions++;

    /* dialog */
    dialog_t *d = NULL;
    if (m->to_tag.len && m->from_tag.len) {
        d = sf_flow_dialog_find_key(e, &keys);
        if (!d && !m->is_request && m->status > 100 && m->status < 300 &&
            dialog_creating(m->cseq_method_id) && t && !t->in_dialog) {
            /* 12.1.1: 101-199 with a To tag -> early, 2xx -> confirmed */
            d = sf_flow_dialog_create(e, &keys);
        }
        if (!d && m->is_request && m->method_id == SF_METHOD_NOTIFY) {
            /* RFC 6665 4.1.2.4: NOTIFY may arrive before the SUBSCRIBE's 2xx */
            d = sf_flow_dialog_create(e, &keys);
        }
        if (d && !m->is_request && m->status >= 200 && m->status < 300 && t && !t->in_dialog &&
            dialog_creating(m->cseq_method_id))
            sf_flow_dialog_set_state(e, d, SF_DIALOG_CONFIRMED);
        else if (d && m->is_request && m->method_id == SF_METHOD_NOTIFY)
            sf_flow_dialog_set_state(e, d, SF_DIALOG_CONFIRMED);
        else if (d)
            sf_flow_dialog_set_state(e, d, d->state);
    }

    /* call */
    call_t *c = t ? t->call : NULL;
    if (!c && d) c = d->call;
    if (!c) {
        bool invite_family = m->is_request ? (m->method_id == SF_METHOD_INVITE ||
                                              m->method_id == SF_METHOD_CANCEL ||
                                              m->method_id == SF_METHOD_ACK)
                                           : m->cseq_method_id == SF_METHOD_INVITE;
        if (invite_family || (m->to_tag.len && starts_partial_call(m->is_request ? m->method_id
                                                                             : m->cseq_method_id))) {
            if (!keys.call.n) sf_flow_call_key(e, m->call_id, m->from_tag, &keys);
            c = sf_flow_call_find_key(e, &keys);
            if (!c && m->to_tag.len) c = sf_flow_call_find(e, m->call_id, m->to_tag);
        }
        if (!c && new_call) {
            c = sf_flow_call_create(e, meta, m, &keys, false);
        } else if (!c && m->is_request && m->to_tag.len && starts_partial_call(m->method_id)) {
            if (!keys.call.n) sf_flow_call_key(e, m->call_id, m->from_tag, &keys);
            c = sf_flow_call_create(e, meta, m, &keys, true); /* mid-call capture */
        }
    }
    if (c) {
        if (t) sf_flow_call_attach_txn(c, t);
        if (d && !d->call && m->cseq_method_id == SF_METHOD_INVITE) sf_flow_dialog_attach(c, d);
        if (d && !d->call && c->pub.partial) sf_flow_dialog_attach(c, d);
        if (d && d->state == SF_DIALOG_EARLY && !m->is_request && m->status >= 300 &&
            t && t->initial)
            sf_flow_dialog_set_state(e, d, SF_DIALOG_TERMINATED);
        sf_flow_call_message(e, c, t, d, meta, m, retrans, info.seq);
    } else if (t && (t->method == SF_METHOD_REGISTER || (!m->is_request && m->cseq_method_id ==
                                                                             SF_METHOD_REGISTER))) {
        sf_flow_reg_message(e, t, meta, m, retrans);
    }

    info.txn = t ? t->number : 0;
    info.txn_state = t ? t->state : SF_TXN_CALLING;
    info.hop = t ? t->hop : 0;
    info.dialog = d ? d->number : 0;
    info.dialog_state = d ? d->state : SF_DIALOG_EARLY;
    info.call = c ? c->pub.number : 0;
    info.registration = (t && t->reg) ? t->reg->pub.number : 0;
    info.retransmission = retrans;
    emit_message(e, &info, dup_slot);
    enforce_caps(e);
}

/* A snapshot of a table's objects, so ending one object may change the
 * table without disturbing the walk. */
static void **snapshot(const sf_hmap_t *m, uint32_t *n)
{
    *n = 0;
    void **v = malloc((m->count ? m->count : 1) * sizeof *v);
    if (!v) return NULL;
    for (uint32_t i = 0; i <= m->mask && m->slots; i++)
        if (m->slots[i].hash) v[(*n)++] = m->slots[i].obj;
    return v;
}

static int by_call_number(const void *a, const void *b)
{
    const call_t *x = *(const call_t *const *)a, *y = *(const call_t *const *)b;
    return x->pub.number < y->pub.number ? -1 : x->pub.number > y->pub.number;
}

/* Every object is back in its pool once the tables are empty: the queue's
 * remaining entries are all stale, and the pools' memory can go. A pool
 * that still lends objects (allocation failures left the tables
 * inconsistent, or a caller still holds a call) is kept until destroy. */
static void release_pools(sf_engine_t *e)
{
    if (e->txns.count || e->dialogs.count || e->calls.count || e->regs.count) return;
    sf_timer_queue_clear(&e->timers);
    sf_pool_t *pools[] = {&e->txn_pool, &e->dialog_pool, &e->reg_pool};
    for (size_t i = 0; i < sizeof pools / sizeof pools[0]; i++) {
        sf_flow_mem(e, -(int64_t)pools[i]->bytes);
        sf_pool_release(pools[i]);
    }
    if (e->call_pool_lent == 0) {
        sf_flow_mem(e, -(int64_t)e->call_pool.bytes);
        sf_pool_release(&e->call_pool);
    }
}

void sf_engine_finish(sf_engine_t *e)
{
    uint32_t n;
    void **v;
    run_timers(e);
    /* No timer fires from here on: the entries go now, so freeing every
     * object does not leave them stale to be compacted (a read of every
     * object's timer). */
    sf_timer_queue_clear(&e->timers);
    /* Transactions first, while they still know their call: one that was
     * retransmitted until the capture ended is a Timer B/F timeout. */
    if ((v = snapshot(&e->txns, &n))) {
        for (uint32_t i = 0; i < n; i++) {
            txn_t *t = v[i];
            if (!t->final_code && !t->timed_out && t->method != SF_METHOD_ACK && t->req_sent > 1 &&
                !(t->invite && t->first_resp_ns)) {
                t->timed_out = true;
                t->state = SF_TXN_TIMEOUT;
                if (t->reg) sf_flow_reg_txn_timeout(e, t->reg, t);
            }
            sf_flow_txn_free(e, t);
        }
        free(v);
    }
    /* what is still open is decided with "the capture ended" */
    if ((v = snapshot(&e->calls, &n))) {
        /* in call-number order, so output is stable */
        qsort(v, n, sizeof *v, by_call_number);
        for (uint32_t i = 0; i < n; i++) sf_flow_call_end(e, v[i]);
        free(v);
    }
    if ((v = snapshot(&e->regs, &n))) {
        for (uint32_t i = 0; i < n; i++) sf_flow_reg_end(e, v[i]);
        free(v);
    }
    if ((v = snapshot(&e->dialogs, &n))) {
        for (uint32_t i = 0; i < n; i++) sf_flow_dialog_free(e, v[i]);
        free(v);
    }
    release_pools(e);
}

void sf_engine_get_stats(const sf_engine_t *e, sf_engine_stats_t *st)
{
    *st = e->stats;
    st->t1_ns = e->t1_ns;
    if (e->dups) {
        sf_dup_stats_t ds;
        sf_dup_get_stats(e->dups, &ds);
        st->dup_evicted = ds.evicted;
    }
}

void sf_engine_destroy(sf_engine_t *e)
{
    if (!e) return;
    /* no events after destroy: drop the sink, then free everything */
    memset(&e->sink, 0, sizeof e->sink);
    if (e->calls.slots) sf_engine_finish(e);
    sf_hmap_free(&e->txns);
    sf_hmap_free(&e->dialogs);
    sf_hmap_free(&e->calls);
    sf_hmap_free(&e->regs);
    sf_timer_queue_free(&e->timers);
    sf_pool_release(&e->txn_pool);
    sf_pool_release(&e->dialog_pool);
    sf_pool_release(&e->call_pool);
    sf_pool_release(&e->reg_pool);
    sf_dup_destroy(e->dups);
    free(e);
}
