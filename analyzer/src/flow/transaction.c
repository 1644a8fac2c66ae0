/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transactions as an observer sees them (RFC 3261 17). */
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"

const char *sf_txn_state_name(sf_txn_state_t s)
{
    static const char *const names[SF_TXN_STATE_COUNT] = {
        "calling", "proceeding", "completed", "accepted", "confirmed", "terminated", "timeout"};
    return (unsigned)s < SF_TXN_STATE_COUNT ? names[s] : "unknown";
}

/* Key of a transaction, in a bounded buffer (hostile field lengths are cut;
 * only hostile input can collide then).
 * RFC 3261 17.1.3 / 17.2.3: branch + sent-by + method (ACK and CANCEL are
 * looked up with INVITE to find the INVITE they belong to).
 * RFC 2543 fallback (no magic cookie): Call-ID + CSeq number + From tag +
 * top Via (sent-by and branch, whatever it holds) + method. */
#define FIELD_MAX 240

/* ASCII A-Z of eight bytes to a-z at once (SWAR): for each byte below
 * 0x80, adding 0x3f sets its top bit from 'A' up and adding 0x25 from
 * past 'Z' up; no byte carries into the next. */
static inline uint64_t lower8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t low7 = x & ~high;
    uint64_t upper = (low7 + 0x3f * ones) & ~(low7 + 0x25 * ones) & ~x & high;
    return x | upper >> 2; /* 0x80 >> 2 is the case bit 0x20 */
}

static inline uint32_t lower4(uint32_t x)
{
    const uint32_t ones = 0x01010101u, high = 0x80808080u;
    uint32_t low7 = x & ~high;
    uint32_t upper = (low7 + 0x3f * ones) & ~(low7 + 0x25 * ones) & ~x & high;
    return x | upper >> 2;
}

/* n bytes of s to d, A-Z folded: the host of every message's Via went
 * through a byte loop here, a third of the key's cost. Words overlap at
 * the end (folding is idempotent) instead of a byte tail; nothing is read
 * outside s[0, n). */
static void fold_lower(char *d, const char *s, uint32_t n)
{
    if (n >= 8) {
        uint32_t i = 0;
        for (; i + 8 <= n; i += 8) {
            uint64_t w = lower8(sf_load64(s + i));
            memcpy(d + i, &w, 8);
        }
        if (i < n) {
            uint64_t w = lower8(sf_load64(s + n - 8));
            memcpy(d + n - 8, &w, 8);
        }
    } else if (n >= 4) {
        uint32_t a = lower4((uint32_t)sf_load32(s)), b = lower4((uint32_t)sf_load32(s + n - 4));
        memcpy(d + n - 4, &b, 4);
        memcpy(d, &a, 4);
    } else {
        for (uint32_t i = 0; i < n; i++) {
            char c = s[i];
            d[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
    }
}

static size_t build_key(char *k, const sf_sip_msg_t *m, sf_slice_t method)
{
    size_t n = 0;
    const sf_sip_via_t *v = &m->via;
    if (v->rfc3261_branch) {
        k[n++] = 'B';
        n = sf_key_put(k, n, v->branch, FIELD_MAX);
    } else {
        k[n++] = 'C';
        n = sf_key_put(k, n, m->call_id, FIELD_MAX);
        memcpy(k + n, &m->cseq, sizeof m->cseq);
        n += sizeof m->cseq;
        n = sf_key_put(k, n, m->from_tag, FIELD_MAX);
        n = sf_key_put(k, n, v->branch, FIELD_MAX);
    }
    /* sent-by: the host is case-insensitive (RFC 3261 19.1.4), fold it */
    uint32_t hl = v->host.len > FIELD_MAX ? FIELD_MAX : v->host.len;
    fold_lower(k + n, v->host.p, hl);
    n += hl;
    k[n++] = 0;
    memcpy(k + n, &v->port, sizeof v->port);
    n += sizeof v->port;
    n = sf_key_put(k, n, method, FIELD_MAX);
    return n;
}

static txn_t *lookup(sf_engine_t *e, const char *k, size_t n, uint64_t h)
{
    uint32_t it = 0;
    txn_t *t;
    while ((t = sf_hmap_next(&e->txns, h, &it)))
        if (t->keylen == n && memcmp(t->key, k, n) == 0) return t;
    return NULL;
}

static const sf_slice_t S_INVITE = {"INVITE", 6};

/* The first key a message looks up: a response's CSeq method (17.1.3);
 * the INVITE's for ACK and CANCEL; else the request's own method. */
void sf_flow_txn_key(sf_engine_t *e, const sf_sip_msg_t *m, flow_keys_t *keys)
{
    sf_slice_t method = m->method;
    if (!m->is_request)
        method = m->cseq_method;
    else if (m->method_id == SF_METHOD_ACK || m->method_id == SF_METHOD_CANCEL)
        method = S_INVITE;
    keys->txn.n = (uint32_t)build_key(keys->txn_buf, m, method);
    keys->txn.h = sf_hash_bytes(0, keys->txn_buf, keys->txn.n);
    sf_flow_prefetch_slot(&e->txns, keys->txn.h);
}

txn_t *sf_flow_txn_match(sf_engine_t *e, const sf_sip_msg_t *m, flow_keys_t *keys, bool *is_new,
                         txn_t **invite)
{
    *is_new = false;
    if (invite) *invite = NULL;
    if (!m->is_request && m->cseq_method_id == SF_METHOD_ACK) return NULL;
    char *k = keys->txn_buf;
    size_t n = keys->txn.n;
    uint64_t h = keys->txn.h;
    txn_t *t = lookup(e, k, n, h);

    /* 17.1.3: a response matches by top Via branch + sent-by + CSeq method */
    if (!m->is_request) return t;
    if (m->method_id == SF_METHOD_ACK || m->method_id == SF_METHOD_CANCEL) {
        txn_t *inv = t;
        if (m->method_id == SF_METHOD_ACK && inv && inv->final_code >= 300) {
            /* 17.1.1.3: the ACK for a non-2xx final is part of the INVITE
             * transaction (same branch). For RFC 2543 the To tag must be
             * the one the final response carried: the key covers Call-ID,
             * CSeq, From tag and Via, which is as close as an observer gets. */
                return inv;
        }
        if (m->method_id == SF_METHOD_CANCEL && invite) *invite = inv;
        /* the ACK or CANCEL's own transaction: the key buffer is reused */
        n = build_key(k, m, m->method);
        h = sf_hash_bytes(0, k, n);
        t = lookup(e, k, n, h);
    }
    if (t) return t;

    t = sf_flow_obj_get(e, &e->txn_pool, offsetof(txn_t, timer));
    if (!t) return NULL;
    t->key = sf_flow_key_store(t->key_buf, k, n);
    if (!t->key || !sf_hmap_insert(&e->txns, h, t)) {
        if (t->key) sf_flow_key_free(t->key_buf, t->key);
        sf_pool_put(&e->txn_pool, t);
        return NULL;
    }
    t->keylen = (uint32_t)n;
    t->hash = h;
    t->fp = t->fp_inline;
    sf_timer_init(&t->timer, TIMER_TXN);
    t->number = ++e->next_txn;
    t->method = m->method_id;
    uint32_t ml = m->method.len < sizeof t->method_name - 1 ? m->method.len
                                                             : (uint32_t)sizeof t->method_name - 1;
    memcpy(t->method_name, m->method.p, ml);
    t->method_name[ml] = 0;
    t->invite = m->method_id == SF_METHOD_INVITE;
    t->in_dialog = m->to_tag.len > 0;
    t->initial = t->invite && !t->in_dialog;
    t->cseq = m->cseq;
    t->hop = (uint16_t)(m->n_via > 0 ? (m->n_via - 1 > 0xffff ? 0xffff : m->n_via - 1) : 0);
    t->state = SF_TXN_CALLING;
    e->stats.txns++;
    e->stats.open_txns++;
    if (t->key != t->key_buf) sf_flow_mem(e, (int64_t)n);
    *is_new = true;
    return t;
}

/* RFC 3261 observer definition of a retransmission: same source,
 * destination, transaction (branch), CSeq, method or status, To tag, and
 * for reliable provisionals the RSeq (RFC 3262). */
static inline uint32_t field_len(sf_slice_t s)
{
    return s.len > FIELD_MAX ? FIELD_MAX : s.len;
}

bool sf_flow_txn_seen(sf_engine_t *e, txn_t *t, const sf_msg_meta_t *meta, const sf_sip_msg_t *m)
{
    /* This runs for every message: the fields are hashed where they are
     * instead of being copied into one buffer first. The fixed-size ones
     * and the three strings' lengths go in whole words, so each string can
     * then be absorbed without its length (sf_hash_absorb); the strings go
     * in three independent lanes. The endpoints are hashed as their bytes,
     * as the buffer held them. */
    _Static_assert(sizeof(sf_endpoint_t) == 20, "endpoint words below");
    sf_slice_t first; /* the method, or a reliable provisional's RSeq */
    uint64_t status = 0;
    if (m->is_request) {
        first = m->method;
    } else {
        status = m->status;
        first = m->status > 100 && m->status < 200 ? sf_flow_header_value(m, SF_HDR_RSEQ)
                                                   : SF_SLICE_NULL;
    }
    uint32_t l1 = field_len(first), l2 = field_len(m->cseq_method), l3 = field_len(m->to_tag);
    const unsigned char *src = (const unsigned char *)&meta->src;
    const unsigned char *dst = (const unsigned char *)&meta->dst;
    uint64_t tails = sf_load32(src + 16) | sf_load32(dst + 16) << 32;
    uint64_t nums = m->cseq | status << 32 | (uint64_t)m->is_request << 48;
    uint64_t lens = l1 | (uint64_t)l2 << 16 | (uint64_t)l3 << 32;
    uint64_t h0 = sf_mix64(sf_load64(src) ^ SF_HASH_K2, sf_load64(src + 8) ^ SF_HASH_K0);
    uint64_t h1 = sf_mix64(sf_load64(dst) ^ SF_HASH_K2, sf_load64(dst + 8) ^ SF_HASH_K1);
    uint64_t h2 = sf_mix64(tails ^ SF_HASH_K3, nums ^ SF_HASH_K2);
    h0 = sf_hash_absorb(h0 ^ lens, first.p, l1);
    h1 = sf_hash_absorb(h1, m->cseq_method.p, l2);
    h2 = sf_hash_absorb(h2, m->to_tag.p, l3);
    uint64_t h = sf_hash_finish(h0 ^ h1 ^ h2);
    for (uint32_t i = 0; i < t->n_fp; i++)
        if (t->fp[i] == h) return true;
    if (t->n_fp == TXN_INLINE_FP) {
        uint64_t *more = malloc(TXN_MAX_FP * sizeof *more);
        if (!more) return false;
        memcpy(more, t->fp_inline, sizeof t->fp_inline);
        t->fp = more;
        sf_flow_mem(e, TXN_MAX_FP * sizeof *more);
    }
    if (t->n_fp < TXN_MAX_FP) t->fp[t->n_fp++] = h;
    return false;
}

static void arm(sf_engine_t *e, txn_t *t)
{
    int64_t d;
    if (t->final_code || t->timed_out)
        d = (t->final_code ? t->final_ns : e->now) + T64(e); /* absorb retransmissions */
    else if (t->invite && t->first_resp_ns)
        d = e->now + e->cfg.call_idle_ns; /* proceeding: no Timer B any more */
    else
        d = t->first_ns + T64(e); /* Timer B / Timer F */
    sf_timer_set(&e->timers, &t->timer, d);
}

void sf_flow_txn_update(sf_engine_t *e, txn_t *t, const sf_msg_meta_t *meta,
                        const sf_sip_msg_t *m, bool retrans)
{
    int64_t now = ts_ns(meta->ts);
    if (retrans) t->retransmissions++;
    if (m->is_request) {
        if (m->method_id == SF_METHOD_ACK && t->invite) {
            t->acked = true;
            if (t->state == SF_TXN_COMPLETED) t->state = SF_TXN_CONFIRMED;
        } else {
            if (t->req_sent == 0) {
                t->first_ns = now;
                t->file = meta->file;
                t->req_frame = sf_msg_meta_last_frame(meta);
                t->req_src = meta->src;
                t->req_dst = meta->dst;
            } else if (t->req_sent == 1 && retrans && !e->cfg.t1_fixed && !e->t1_inferred &&
                       meta->transport == SF_TRANSPORT_UDP) {
                /* 17.1.1.2 / 17.1.2.2: the first retransmission comes T1
                 * after the request (Timers A and E start at T1). */
                int64_t iv = now - t->first_ns;
                if (iv >= 50000000 && iv <= 10000000000) {
                    e->t1_ns = (iv + 500000) / 1000000 * 1000000;
                    e->t1_inferred = true;
                }
            }
            t->req_sent++;
            t->last_req_ns = now;
        }
    } else {
        if (!t->first_resp_ns) t->first_resp_ns = now;
        if (m->status < 200) {
            if (t->state == SF_TXN_CALLING) t->state = SF_TXN_PROCEEDING;
        } else if (!t->final_code) {
            t->final_code = m->status;
            t->final_ns = now;
            t->final_frame = sf_msg_meta_last_frame(meta);
            if (t->invite)
                t->state = m->status < 300 ? SF_TXN_ACCEPTED
                                           : (t->acked ? SF_TXN_CONFIRMED : SF_TXN_COMPLETED);
            else
                t->state = SF_TXN_COMPLETED;
        }
    }
    arm(e, t);
}

void sf_flow_txn_emit(sf_engine_t *e, txn_t *t)
{
    if (t->emitted) return;
    t->emitted = true;
    if (!e->sink.txn_done) return;
    sf_txn_info_t info = {
        .number = t->number,
        .method = t->method,
        .method_name = t->method_name,
        .state = t->timed_out ? SF_TXN_TIMEOUT
                 : (t->final_code || t->method == SF_METHOD_ACK) ? SF_TXN_TERMINATED
                                                                 : t->state,
        .final_code = t->final_code,
        .request_frame = t->req_frame,
        .final_frame = t->final_frame,
        .file = t->file,
        .response_ms = t->final_code && t->req_sent ? (t->final_ns - t->first_ns) / 1000000 : -1,
        .retransmissions = t->retransmissions,
        .call = t->call_number,
    };
    e->sink.txn_done(e->sink.user, &info);
}

void sf_flow_txn_free(sf_engine_t *e, txn_t *t)
{
    sf_flow_txn_emit(e, t);
    sf_flow_call_detach_txn(t);
    sf_flow_reg_detach_txn(t);
    sf_timer_cancel(&e->timers, &t->timer);
    sf_hmap_remove(&e->txns, t->hash, t);
    e->stats.open_txns--;
    if (t->key != t->key_buf) sf_flow_mem(e, -(int64_t)t->keylen);
    sf_flow_key_free(t->key_buf, t->key);
    if (t->fp != t->fp_inline) {
        free(t->fp);
        sf_flow_mem(e, -(int64_t)(TXN_MAX_FP * sizeof *t->fp));
    }
    sf_pool_put(&e->txn_pool, t);
}

void sf_flow_txn_expire(sf_engine_t *e, txn_t *t)
{
    bool waiting = !t->final_code && !t->timed_out && t->req_sent &&
                   t->method != SF_METHOD_ACK && !(t->invite && t->first_resp_ns);
    if (waiting && e->now - t->first_ns >= T64(e)) {
        /* Timer B (INVITE without any response) / Timer F (non-INVITE
         * without a final response) */
        t->timed_out = true;
        t->state = SF_TXN_TIMEOUT;
        if (t->call) sf_flow_call_txn_timeout(e, t->call, t);
        if (t->reg) sf_flow_reg_txn_timeout(e, t->reg, t);
        arm(e, t);
        return;
    }
    sf_flow_txn_free(e, t);
}
