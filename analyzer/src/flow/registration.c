/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Registrations (RFC 3261 10): REGISTER transactions grouped by
 * address-of-record (the To URI). A 401/407 followed by a new REGISTER is a
 * challenge inside the same registration; the registration ends with its
 * final response (after a linger that lets a challenged retry join it). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "flow_internal.h"

const char *sf_reg_outcome_name(sf_reg_outcome_t o)
{
    static const char *const names[SF_REG_OUTCOME_COUNT] = {"registered", "unregistered", "failed",
                                                            "timeout", "unfinished"};
    return (unsigned)o < SF_REG_OUTCOME_COUNT ? names[o] : "unknown";
}

static reg_t *reg_find(sf_engine_t *e, sf_slice_t aor, uint64_t h)
{
    uint32_t it = 0;
    reg_t *r;
    while ((r = sf_hmap_next(&e->regs, h, &it)))
        /* an empty AoR (no To) has no bytes to compare: memcmp wants a
         * pointer even for 0 bytes (fuzz finding) */
        if (r->keylen == aor.len && (aor.len == 0 || memcmp(r->key, aor.p, aor.len) == 0))
            return r;
    return NULL;
}

static reg_t *reg_create(sf_engine_t *e, sf_slice_t aor, uint64_t h, const sf_msg_meta_t *meta,
                         const sf_sip_msg_t *m)
{
    reg_t *r = sf_flow_obj_get(e, &e->reg_pool, offsetof(reg_t, timer));
    if (!r) return NULL;
    r->key = sf_flow_strdup_slice(aor);
    if (!r->key || !sf_hmap_insert(&e->regs, h, r)) {
        free(r->key);
        sf_pool_put(&e->reg_pool, r);
        return NULL;
    }
    r->keylen = aor.len;
    r->hash = h;
    sf_timer_init(&r->timer, TIMER_REG);
    r->pub.number = ++e->next_reg;
    r->pub.aor = sf_flow_strdup_slice(aor);
    r->pub.call_id = sf_flow_strdup_slice(m->call_id);
    r->pub.outcome = SF_REG_UNFINISHED;
    r->pub.expires = -1;
    r->pub.response_ms = -1;
    r->pub.start_time = meta->ts;
    r->pub.first_frame = sf_msg_meta_last_frame(meta);
    r->pub.file = meta->file;
    r->first_ns = ts_ns(meta->ts);
    e->stats.registrations++;
    r->accounted = 2 * (uint64_t)aor.len + m->call_id.len + 3;
    sf_flow_mem(e, (int64_t)r->accounted);
    return r;
}

static void attach(reg_t *r, txn_t *t)
{
    if (t->reg == r) return;
    sf_flow_reg_detach_txn(t);
    t->reg = r;
    t->reg_prev = NULL;
    t->reg_next = r->txns;
    if (r->txns) r->txns->reg_prev = t;
    r->txns = t;
}

void sf_flow_reg_detach_txn(txn_t *t)
{
    reg_t *r = t->reg;
    if (!r) return;
    if (t->reg_prev)
        t->reg_prev->reg_next = t->reg_next;
    else
        r->txns = t->reg_next;
    if (t->reg_next) t->reg_next->reg_prev = t->reg_prev;
    t->reg = NULL;
    t->reg_prev = t->reg_next = NULL;
}

/* Granted expiry: the Contact's expires parameter or the Expires header
 * of the 2xx (10.2.4). */
static int64_t granted_expires(const sf_sip_msg_t *m)
{
    sf_slice_t v = sf_flow_header_value(m, SF_HDR_CONTACT);
    /* No Contact: v.p is NULL, and NULL + 0 is undefined (fuzz finding). */
    const char *p = v.p, *end = v.p ? v.p + v.len : NULL;
    for (; p && p + 8 <= end; p++) {
        if ((p[0] == 'e' || p[0] == 'E') && strncasecmp(p, "expires=", 8) == 0 &&
            (p == v.p || p[-1] == ';' || p[-1] == ' ')) {
            int64_t x = 0;
            const char *q = p + 8;
            if (q >= end || *q < '0' || *q > '9') break;
            while (q < end && *q >= '0' && *q <= '9' && x < 100000000000) x = x * 10 + (*q++ - '0');
            return x;
        }
    }
    sf_slice_t ex = sf_flow_header_value(m, SF_HDR_EXPIRES);
    if (!ex.len || ex.p[0] < '0' || ex.p[0] > '9') return -1;
    int64_t x = 0;
    for (uint32_t i = 0; i < ex.len && ex.p[i] >= '0' && ex.p[i] <= '9' && x < 100000000000; i++)
        x = x * 10 + (ex.p[i] - '0');
    return x;
}

void sf_flow_reg_message(sf_engine_t *e, txn_t *t, const sf_msg_meta_t *meta,
                         const sf_sip_msg_t *m, bool retrans)
{
    reg_t *r = t->reg;
    int64_t now = ts_ns(meta->ts);
    if (!r) {
        if (!m->is_request) return; /* response to a REGISTER not seen */
        sf_slice_t aor = sf_flow_uri_of(m->to);
        uint64_t h = sf_hash_bytes(11, aor.p, aor.len);
        r = reg_find(e, aor, h);
        if (r && r->done && !(r->last_code == 401 || r->last_code == 407)) {
            /* a refresh later on is a new registration */
            sf_flow_reg_end(e, r);
            r = NULL;
        }
        if (!r) r = reg_create(e, aor, h, meta, m);
        if (!r) return;
        if (r->last_code == 401 || r->last_code == 407) r->pub.challenges++;
        r->done = false;
        r->pub.attempts++;
        attach(r, t);
    }
    sf_registration_t *p = &r->pub;
    if (retrans) p->retransmissions++;
    /* RFC 3261 10.2.2: Expires 0 (or a Contact expires=0, or "Contact: *"
     * with Expires 0) removes bindings. The 2xx lists the bindings that
     * remain, often none (RFC 3665 2.4), so the request says what a 2xx
     * means. */
    if (m->is_request && !retrans) r->dereg = granted_expires(m) == 0;
    p->last_frame = sf_msg_meta_last_frame(meta);
    if (!m->is_request && m->status >= 200 && !retrans && t->final_code == m->status &&
        t->final_frame == p->last_frame) {
        r->last_code = m->status;
        p->final_code = m->status;
        p->response_ms = (now - t->first_ns) / 1000000;
        if (m->status < 300) {
            p->expires = granted_expires(m);
            p->outcome = (p->expires == 0 || r->dereg) ? SF_REG_UNREGISTERED : SF_REG_REGISTERED;
        } else {
            p->outcome = SF_REG_FAILED;
        }
        r->done = true;
    }
    /* linger after the final: a challenged REGISTER is normally re-sent at
     * once; otherwise the registration is over */
    sf_timer_set(&e->timers, &r->timer,
                 r->done ? now + T64(e) : now + e->cfg.call_idle_ns);
}

void sf_flow_reg_txn_timeout(sf_engine_t *e, reg_t *r, txn_t *t)
{
    (void)t;
    if (!r->done) {
        r->pub.outcome = SF_REG_TIMEOUT;
        r->done = true;
        sf_timer_set(&e->timers, &r->timer, e->now + T64(e));
    }
}

void sf_flow_reg_end(sf_engine_t *e, reg_t *r)
{
    if (!r->done && r->pub.outcome == SF_REG_UNFINISHED) {
        /* retransmitted and never answered: Timer F would have fired */
        for (txn_t *t = r->txns; t; t = t->reg_next)
            if (!t->final_code && t->req_sent > 1) r->pub.outcome = SF_REG_TIMEOUT;
    }
    if (e->sink.registration_done) e->sink.registration_done(e->sink.user, &r->pub);
    while (r->txns) sf_flow_reg_detach_txn(r->txns);
    sf_timer_cancel(&e->timers, &r->timer);
    sf_hmap_remove(&e->regs, r->hash, r);
    free(r->key);
    free(r->pub.aor);
    free(r->pub.call_id);
    sf_flow_mem(e, -(int64_t)r->accounted);
    sf_pool_put(&e->reg_pool, r);
}

void sf_flow_reg_expire(sf_engine_t *e, reg_t *r)
{
    sf_flow_reg_end(e, r);
}
