/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Calls: the INVITE-initiated exchange for one Call-ID and From tag, its
 * outcome, timings, problems, frames and ladder. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_internal.h"
#include "sipflow/sdp.h"

static inline void call_account(sf_engine_t *e, call_t *c);

const char *sf_outcome_name(sf_outcome_t o)
{
    static const char *const names[SF_OUTCOME_COUNT] = {
        "answered",  "cancelled",  "busy",   "no_answer", "rejected",
        "not_found", "redirected", "failed", "timeout",   "unfinished"};
    return (unsigned)o < SF_OUTCOME_COUNT ? names[o] : "unknown";
}

bool sf_outcome_failed(sf_outcome_t o)
{
    return o != SF_OUTCOME_ANSWERED && o != SF_OUTCOME_UNFINISHED;
}

sf_outcome_t sf_outcome_from_code(int code, bool cancelled)
{
    if (code >= 200 && code < 300) return SF_OUTCOME_ANSWERED; /* a 2xx racing CANCEL wins */
    if (cancelled) return SF_OUTCOME_CANCELLED;
    switch (code) {
    case 486:
    case 600:
        return SF_OUTCOME_BUSY;
    case 408:
    case 480:
        return SF_OUTCOME_NO_ANSWER;
    case 403:
    case 603:
        return SF_OUTCOME_REJECTED;
    case 404:
    case 604:
        return SF_OUTCOME_NOT_FOUND;
    default:
        break;
    }
    if (code >= 300 && code < 400) return SF_OUTCOME_REDIRECTED;
    if (code >= 400 && code < 700) return SF_OUTCOME_FAILED;
    return SF_OUTCOME_UNFINISHED;
}

const char *sf_problem_name(unsigned bit)
{
    static const char *const names[] = {"2xx-not-acked", "session-expired", "reinvite-failed",
                                        "bye-failed", "in-dialog-failure"};
    return bit < sizeof names / sizeof names[0] ? names[bit] : NULL;
}

#define CKEY_MAX FLOW_CALL_KEY_MAX
/* keeps the calls table's hashes apart from the other tables' */
#define CALL_HASH_SEED 3
static size_t ckey(char *k, sf_slice_t cid, sf_slice_t tag)
{
    uint32_t a = cid.len > 400 ? 400 : cid.len, b = tag.len > 180 ? 180 : tag.len;
    sf_key_copy(k, cid.p, a);
    k[a] = 0;
    sf_key_copy(k + a + 1, tag.p, b);
    k[a + 1 + b] = 0;
    return a + b + 2;
}

void sf_flow_call_key(sf_engine_t *e, sf_slice_t cid, sf_slice_t tag, flow_keys_t *keys)
{
    keys->call.n = (uint32_t)ckey(keys->call_buf, cid, tag);
    keys->call.h = sf_hash_bytes(CALL_HASH_SEED, keys->call_buf, keys->call.n);
    sf_flow_prefetch_slot(&e->calls, keys->call.h);
}

static call_t *lookup(sf_engine_t *e, const char *k, size_t n, uint64_t h)
{
    uint32_t it = 0;
    call_t *c;
    while ((c = sf_hmap_next(&e->calls, h, &it)))
        if (c->keylen == n && memcmp(c->key, k, n) == 0) return c;
    return NULL;
}

call_t *sf_flow_call_find_key(sf_engine_t *e, const flow_keys_t *keys)
{
    return lookup(e, keys->call_buf, keys->call.n, keys->call.h);
}

call_t *sf_flow_call_find(sf_engine_t *e, sf_slice_t cid, sf_slice_t tag)
{
    char k[CKEY_MAX];
    size_t n = ckey(k, cid, tag);
    return lookup(e, k, n, sf_hash_bytes(CALL_HASH_SEED, k, n));
}

/* Zeroed only before its inline storage: the storage is written before
 * it is read (n_frames, n_endpoints, the arena's block header), and
 * zeroing it too doubled the bytes cleared per call (and past 2 KiB
 * glibc's memset turns to rep stosb, one instruction per byte under
 * callgrind). */
static call_t *call_get(sf_engine_t *e)
{
    return sf_flow_obj_get_part(e, &e->call_pool, offsetof(call_t, timer),
                                offsetof(call_t, frames_inline));
}

call_t *sf_flow_call_create(sf_engine_t *e, const sf_msg_meta_t *meta, const sf_sip_msg_t *m,
                            const flow_keys_t *keys, bool partial)
{
    /* A partial call picked up in the middle is keyed by the From tag of
     * the request we saw: the callee's BYE has the callee's tag there. */
    const char *k = keys->call_buf;
    size_t n = keys->call.n;
    call_t *c = call_get(e);
    if (!c) return NULL;
    c->engine = e;
    e->call_pool_lent++;
    c->key = sf_flow_key_store(c->key_buf, k, n);
    c->hash = keys->call.h;
    if (!c->key || !sf_hmap_insert(&e->calls, c->hash, c)) {
        if (c->key) sf_flow_key_free(c->key_buf, c->key);
        e->call_pool_lent--;
        sf_pool_put(&e->call_pool, c);
        return NULL;
    }
    c->keylen = (uint32_t)n;
    sf_timer_init(&c->timer, TIMER_CALL);
    sf_arena_init(&c->arena, c->arena_inline, sizeof c->arena_inline);
    c->pub.frames = c->frames_inline;
    c->pub.frame_files = c->frame_files_inline;
    c->cap_frames = CALL_INLINE_FRAMES;
    c->pub.endpoints = c->endpoints_inline;
    c->cap_endpoints = CALL_INLINE_ENDPOINTS;
    c->pub.refcount = 1;
    c->pub.number = ++e->next_call;
    c->pub.partial = partial;
    c->pub.call_id = sf_flow_arena_slice(&c->arena, m->call_id);
    c->pub.from = sf_flow_arena_slice(&c->arena, m->from);
    c->pub.to = sf_flow_arena_slice(&c->arena, m->to);
    c->pub.from_tag = sf_flow_arena_slice(&c->arena, m->from_tag);
    c->pub.request_uri = m->is_request ? sf_flow_arena_slice(&c->arena, m->request_uri) : NULL;
    sf_slice_t pai =
        m->is_request ? sf_flow_header_value(m, SF_HDR_P_ASSERTED_IDENTITY) : SF_SLICE_NULL;
    c->pub.pai = pai.len ? sf_flow_arena_slice(&c->arena, pai) : NULL;
    c->pub.start_time = meta->ts;
    c->pub.pdd_ms = c->pub.setup_ms = c->pub.duration_ms = -1;
    c->first_ns = c->last_ns = ts_ns(meta->ts);
    c->invite_first_ns = -1;
    c->bye_ns = -1;
    c->min_hop = 0xffff;
    c->deep_code = 0;
    e->stats.calls++;
    e->stats.open_calls++;
    call_account(e, c);
    sf_timer_set(&e->timers, &c->timer, e->now + e->cfg.call_idle_ns);
    return c;
}

void sf_flow_call_attach_txn(call_t *c, txn_t *t)
{
    if (t->call == c) return;
    sf_flow_call_detach_txn(t);
    t->call = c;
    t->call_number = c->pub.number;
    t->call_prev = NULL;
    t->call_next = c->txns;
    if (c->txns) c->txns->call_prev = t;
    c->txns = t;
}

void sf_flow_call_detach_txn(txn_t *t)
{
    call_t *c = t->call;
    if (!c) return;
    if (t->call_prev)
        t->call_prev->call_next = t->call_next;
    else
        c->txns = t->call_next;
    if (t->call_next) t->call_next->call_prev = t->call_prev;
    t->call = NULL;
    t->call_number = 0;
    t->call_prev = t->call_next = NULL;
}

/* ---- per-message bookkeeping ------------------------------------------ */

/* The frame list past its capacity: out of the object onto the heap, or a
 * bigger heap array. */
static bool grow_frames(sf_engine_t *e, call_t *c)
{
    sf_call_t *p = &c->pub;
    uint32_t nc = c->cap_frames * 2;
    if (nc > e->cfg.max_call_frames) nc = e->cfg.max_call_frames;
    if (nc <= c->cap_frames) return false;
    if (p->frames == c->frames_inline) {
        uint64_t *nf = malloc(nc * sizeof *nf);
        uint32_t *nff = malloc(nc * sizeof *nff);
        if (!nf || !nff) {
            free(nf);
            free(nff);
            return false;
        }
        memcpy(nf, p->frames, p->n_frames * sizeof *nf);
        memcpy(nff, p->frame_files, p->n_frames * sizeof *nff);
        p->frames = nf;
        p->frame_files = nff;
    } else {
        uint64_t *nf = realloc(p->frames, nc * sizeof *nf);
        if (!nf) return false;
        p->frames = nf;
        uint32_t *nff = realloc(p->frame_files, nc * sizeof *nff);
        if (!nff) return false;
        p->frame_files = nff;
    }
    c->cap_frames = nc;
    return true;
}

static void add_frames_slow(sf_engine_t *e, call_t *c, const sf_msg_meta_t *meta)
{
    sf_call_t *p = &c->pub;
    for (uint32_t i = 0; i < meta->n_frames; i++) {
        if (p->n_frames >= e->cfg.max_call_frames) {
            p->frames_omitted += meta->n_frames - i;
            return;
        }
        if (p->n_frames == c->cap_frames && !grow_frames(e, c)) return;
        /* frames arrive nearly sorted (fragments/segments may reorder):
         * insertion keeps (file, frame) ascending and unique */
        uint32_t j = p->n_frames;
        uint64_t f = meta->frames[i];
        uint32_t fi = meta->file;
        while (j > 0 && (p->frame_files[j - 1] > fi ||
                         (p->frame_files[j - 1] == fi && p->frames[j - 1] > f)))
            j--;
        if (j > 0 && p->frame_files[j - 1] == fi && p->frames[j - 1] == f) continue;
        if (j < p->n_frames) { /* not the common append */
            memmove(&p->frames[j + 1], &p->frames[j], (p->n_frames - j) * sizeof *p->frames);
            memmove(&p->frame_files[j + 1], &p->frame_files[j],
                    (p->n_frames - j) * sizeof *p->frame_files);
        }
        p->frames[j] = f;
        p->frame_files[j] = fi;
        p->n_frames++;
    }
}

/* Every message: most carry one frame that comes after every frame the
 * call has and fits, and then this is an append. */
static inline void add_frames(sf_engine_t *e, call_t *c, const sf_msg_meta_t *meta)
{
    sf_call_t *p = &c->pub;
    uint32_t n = p->n_frames, fi = meta->file;
    if (meta->n_frames == 1 && n < c->cap_frames && n < e->cfg.max_call_frames &&
        (n == 0 || p->frame_files[n - 1] < fi ||
         (p->frame_files[n - 1] == fi && p->frames[n - 1] < meta->frames[0]))) {
        p->frames[n] = meta->frames[0];
        p->frame_files[n] = fi;
        p->n_frames = n + 1;
        return;
    }
    add_frames_slow(e, c, meta);
}

/* sf_endpoint_eq(), inlined: it runs twice per message for every
 * endpoint the call has seen, and a call was the cost of the compare. */
static inline bool endpoint_eq(const sf_endpoint_t *a, const sf_endpoint_t *b)
{
    if (a->family != b->family || a->port != b->port) return false;
    return a->family == 4 ? memcmp(a->addr, b->addr, 4) == 0 : memcmp(a->addr, b->addr, 16) == 0;
}

/* A new endpoint of the call (endpoint_index). */
static uint32_t endpoint_add(call_t *c, const sf_endpoint_t *ep)
{
    sf_call_t *p = &c->pub;
    if (p->n_endpoints == c->cap_endpoints) {
        uint32_t nc = c->cap_endpoints * 2;
        sf_call_endpoint_t *ne;
        if (p->endpoints == c->endpoints_inline) {
            ne = malloc(nc * sizeof *ne);
            if (ne) memcpy(ne, p->endpoints, p->n_endpoints * sizeof *ne);
        } else {
            ne = realloc(p->endpoints, nc * sizeof *ne);
        }
        if (!ne) return 0;
        p->endpoints = ne;
        c->cap_endpoints = nc;
    }
    p->endpoints[p->n_endpoints].ep = *ep;
    p->endpoints[p->n_endpoints].agent = NULL;
    return p->n_endpoints++;
}

/* Twice per message: the search inline, the rare append out of line. */
static inline uint32_t endpoint_index(call_t *c, const sf_endpoint_t *ep)
{
    sf_call_t *p = &c->pub;
    for (uint32_t i = 0; i < p->n_endpoints; i++)
        if (endpoint_eq(&p->endpoints[i].ep, ep)) return i;
    return endpoint_add(c, ep);
}

/* Decimal digits of v into b (no terminator); returns the length. */
static size_t put_uint(char *b, uint32_t v)
{
    char t[10];
    size_t n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        b[i] = t[n - 1 - i];
    return n;
}

static void add_arrow(sf_engine_t *e, call_t *c, txn_t *t, dialog_t *d, const sf_msg_meta_t *meta,
                      const sf_sip_msg_t *m, bool retrans, uint64_t seq)
{
    sf_call_t *p = &c->pub;
    uint32_t from = endpoint_index(c, &meta->src), to = endpoint_index(c, &meta->dst);
    /* who is who: the agent string names the endpoint that sent it */
    sf_slice_t agent = sf_flow_header_value(m, m->is_request ? SF_HDR_USER_AGENT : SF_HDR_SERVER);
    if (agent.len && from < p->n_endpoints && !p->endpoints[from].agent)
        p->endpoints[from].agent = sf_flow_arena_slice(&c->arena, agent);
    if (!e->cfg.keep_ladder) return;
    if (p->n_arrows >= e->cfg.max_arrows) {
        p->arrows_omitted++;
        return;
    }
    if (p->n_arrows == c->cap_arrows) {
        uint32_t nc = c->cap_arrows ? c->cap_arrows * 2 : 8;
        if (nc > e->cfg.max_arrows) nc = e->cfg.max_arrows;
        sf_arrow_t *na = realloc(p->arrows, nc * sizeof *na);
        if (!na) return;
        p->arrows = na;
        c->cap_arrows = nc;
    }
    sf_arrow_t *a = &p->arrows[p->n_arrows++];
    memset(a, 0, sizeof *a);
    a->from = from;
    a->to = to;
    a->frame = sf_msg_meta_last_frame(meta);
    a->file = meta->file;
    a->ts = meta->ts;
    a->txn = t ? t->number : 0;
    a->dialog = d ? d->number : 0;
    a->retransmission = retrans;
    a->request = m->is_request;
    a->status = m->is_request ? 0 : m->status;
    a->hop = t ? t->hop : 0;
    a->msg_seq = seq;
    /* Labels are built by hand: this runs for every message of every call,
     * and printf was a tenth of the engine's time. Known methods use their
     * static names. */
    char buf[160];
    size_t n;
    if (m->is_request) {
        const char *known =
            m->method_id != SF_METHOD_UNKNOWN ? sf_sip_method_name(m->method_id) : NULL;
        a->label = known ? known : sf_flow_arena_slice(&c->arena, m->method);
    } else {
        n = put_uint(buf, m->status);
        uint32_t rl = m->reason.len > 100 ? 100 : m->reason.len;
        if (rl) {
            buf[n++] = ' ';
            memcpy(buf + n, m->reason.p, rl);
            n += rl;
        }
        a->label = sf_arena_strndup(&c->arena, buf, n);
        a->failure = m->status >= 400;
    }
    memcpy(buf, "CSeq ", 5);
    n = 5 + put_uint(buf + 5, m->cseq);
    uint32_t ml = m->cseq_method.len > 40 ? 40 : m->cseq_method.len;
    buf[n++] = ' ';
    if (ml) memcpy(buf + n, m->cseq_method.p, ml);
    n += ml;
    a->detail = sf_arena_strndup(&c->arena, buf, n);
}

/* ---- SDP: codecs, media address, hold, NAT hint ------------------------ */

static const char *static_pt_name(unsigned pt)
{
    /* RFC 3551 table 4: static payload types with no rtpmap needed */
    switch (pt) {
    case 0:
        return "PCMU";
    case 3:
        return "GSM";
    case 4:
        return "G723";
    case 8:
        return "PCMA";
    case 9:
        return "G722";
    case 13:
        return "CN";
    case 18:
        return "G729";
    default:
        return NULL;
    }
}

/* RFC 1918, RFC 6598 shared space, RFC 4193 unique local, link-local */
static bool private_addr(const uint8_t *a, int family)
{
    if (family == 4)
        return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
               (a[0] == 100 && (a[1] & 0xc0) == 64) || (a[0] == 169 && a[1] == 254);
    return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);
}

static void append(char *b, size_t n, const char *s, size_t len)
{
    size_t used = strlen(b);
    if (used && used + 1 < n) b[used++] = ',';
    if (used + len >= n) len = n - 1 - used;
    memcpy(b + used, s, len);
    b[used + len] = 0;
}

static void media_from_sdp(sf_call_media_t *out, const sf_msg_meta_t *meta, const sf_sip_msg_t *m)
{
    sf_sdp_t sdp;
    if (!sf_sdp_parse(m->body.p, m->body.len, &sdp) || !sdp.n_media) return;
    const sf_sdp_media_t *md = &sdp.media[0];
    for (uint8_t i = 0; i < sdp.n_media; i++)
        if (sf_slice_eq(sdp.media[i].media, "audio")) {
            md = &sdp.media[i];
            break;
        }
    memset(out, 0, sizeof *out);
    out->present = true;
    out->port = md->port;
    out->signalling = meta->src;
    for (uint8_t i = 0; i < md->n_fmt; i++) {
        unsigned pt = 0;
        sf_slice_t f = md->fmt[i];
        for (uint32_t k = 0; k < f.len && k < 3 && f.p[k] >= '0' && f.p[k] <= '9'; k++)
            pt = pt * 10 + (unsigned)(f.p[k] - '0');
        const sf_sdp_rtpmap_t *rm = pt < 128 ? sf_sdp_media_rtpmap(md, (uint8_t)pt) : NULL;
        const char *st = static_pt_name(pt);
        if (rm && rm->encoding.len)
            append(out->codecs, sizeof out->codecs, rm->encoding.p, rm->encoding.len);
        else if (st)
            append(out->codecs, sizeof out->codecs, st, strlen(st));
        else
            append(out->codecs, sizeof out->codecs, f.p, f.len);
    }
    sf_sdp_dir_t dir = sf_sdp_media_dir(&sdp, md);
    const char *dn = sf_sdp_dir_name(dir);
    size_t dl = strlen(dn);
    if (dl >= sizeof out->direction) dl = sizeof out->direction - 1;
    memcpy(out->direction, dn, dl);
    out->direction[dl] = 0;
    const sf_sdp_conn_t *conn = sf_sdp_media_conn(&sdp, md);
    uint8_t a[16];
    bool parsed = false;
    if (conn && conn->addr.len && conn->addr.len < sizeof out->addr) {
        memcpy(out->addr, conn->addr.p, conn->addr.len);
        out->addr[conn->addr.len] = 0;
        parsed = inet_pton(conn->family == 6 ? AF_INET6 : AF_INET, out->addr, a) == 1;
    }
    bool zero = parsed && conn->family != 6 && !a[0] && !a[1] && !a[2] && !a[3];
    out->hold = dir == SF_SDP_DIR_SENDONLY || dir == SF_SDP_DIR_INACTIVE || zero;
    out->nat = parsed && !zero && private_addr(a, conn->family == 6 ? 6 : 4) &&
               !private_addr(meta->src.addr, meta->src.family);
}

/* RFC 3264 offer/answer on the initial INVITE (RFC 3261 13.2.1): the offer
 * is in the INVITE, else in the first reliable response and the answer in
 * the ACK; later offers (re-INVITE, UPDATE) only tell about hold. */
static void call_sdp(call_t *c, txn_t *t, const sf_msg_meta_t *meta, const sf_sip_msg_t *m)
{
    sf_call_t *p = &c->pub;
    bool invite =
        m->is_request ? m->method_id == SF_METHOD_INVITE : m->cseq_method_id == SF_METHOD_INVITE;
    bool initial = invite && t && t->initial;
    if (!p->offer.present && initial && (m->is_request || (m->status >= 180 && m->status < 300))) {
        media_from_sdp(&p->offer, meta, m);
    } else if (p->offer.present && !p->answer.present &&
               ((initial && !m->is_request && m->status > 100 && m->status < 300) ||
                (m->is_request && m->method_id == SF_METHOD_ACK))) {
        media_from_sdp(&p->answer, meta, m);
    } else if (p->answer.present && !p->held &&
               (m->method_id == SF_METHOD_INVITE || m->method_id == SF_METHOD_UPDATE) &&
               m->is_request) {
        sf_call_media_t later;
        memset(&later, 0, sizeof later);
        media_from_sdp(&later, meta, m);
        p->held = later.hold;
    }
}

static void attempt_reset(call_t *c, attempt_t *a)
{
    (void)c; /* strings live in the call's arena until the call ends */
    memset(a, 0, sizeof *a);
}

/* The deciding response is the final response to the last initial INVITE
 * on the most upstream hop seen (hop = number of Vias below the top). */
static void on_initial_invite(sf_engine_t *e, call_t *c, txn_t *t, int64_t now)
{
    (void)e;
    if (c->invite_first_ns < 0) c->invite_first_ns = now;
    if (c->cur.present && t->number == c->cur.txn) return;
    if (t->hop > c->min_hop) return; /* a downstream copy of the request */
    if (c->cur.present && t->hop == c->min_hop) {
        /* a new attempt on the same hop: after a challenge or redirect */
        int prev = c->cur.final_code;
        if (prev == 401 || prev == 407)
            c->pub.challenges++;
        else if (prev >= 300 && prev < 400)
            c->pub.redirects++;
    }
    c->min_hop = t->hop;
    attempt_reset(c, &c->cur);
    c->cur.present = true;
    c->cur.txn = t->number;
    c->cur.hop = t->hop;
    c->cur.cseq = t->cseq;
    c->cur.first_ns = now;
    c->cur.cancelled = t->cancelled;
}

static void set_deadline(sf_engine_t *e, call_t *c)
{
    int64_t d = c->last_ns + e->cfg.call_idle_ns;
    if (c->ended)
        d = c->last_ns + T64(e); /* absorb retransmitted BYE/200 */
    else if (c->cur.present && c->cur.final_code >= 300)
        d = c->cur.final_ns + T64(e); /* a challenge or redirect may follow */
    else if (c->cur.timed_out)
        d = c->last_ns + T64(e);
    sf_timer_set(&e->timers, &c->timer, d);
}

/* RFC 4028 4: Session-Expires = delta-seconds *(;se-params) */
static int64_t session_expires_ns(const sf_sip_msg_t *m)
{
    sf_slice_t v = sf_flow_header_value(m, SF_HDR_SESSION_EXPIRES);
    int64_t x = 0;
    uint32_t i = 0;
    for (; i < v.len && i < 10 && v.p[i] >= '0' && v.p[i] <= '9'; i++)
        x = x * 10 + (v.p[i] - '0');
    return i ? x * 1000000000 : 0;
}

/* RFC 4028 10: without a refresh, the UA sends BYE "the minimum of 32
 * seconds and one third of the session interval" before the session
 * expires. A BYE at or past that point with no refresh since the last
 * 2xx is the session timer running out (1 s tolerance for clocks). */
static bool session_expired_at(const call_t *c, int64_t now)
{
    if (c->se_ns <= 0) return false;
    int64_t margin = c->se_ns / 3 < 32000000000 ? c->se_ns / 3 : 32000000000;
    return now - c->se_at_ns >= c->se_ns - margin - 1000000000;
}

static bool dialog_ending_code(int code)
{
    /* 12.2.1.2: 481 or 408 to an in-dialog request ends the dialog */
    return code == 481 || code == 408;
}

void sf_flow_call_message(sf_engine_t *e, call_t *c, txn_t *t, dialog_t *d,
                          const sf_msg_meta_t *meta, const sf_sip_msg_t *m, bool retrans,
                          uint64_t seq)
{
    int64_t now = ts_ns(meta->ts);
    sf_call_t *p = &c->pub;
    p->messages++;
    if (retrans) p->retransmissions++;
    c->last_ns = now;
    add_frames(e, c, meta);
    add_arrow(e, c, t, d, meta, m, retrans, seq);
    /* SDP parsing was a fifth of the engine's instructions: a front end
     * that shows no media turns it off */
    if (m->body.len && !retrans && e->cfg.keep_media) call_sdp(c, t, meta, m);

    if (m->is_request) {
        if (m->method_id < 32) p->methods_seen |= 1u << m->method_id;
        switch (m->method_id) {
        case SF_METHOD_INVITE:
            if (t && t->initial) {
                if (!retrans) {
                    if (!p->request_uri)
                        p->request_uri = sf_flow_arena_slice(&c->arena, m->request_uri);
                    on_initial_invite(e, c, t, now);
                }
                if (c->cur.present && t->number == c->cur.txn) c->cur.req_sent = t->req_sent;
            }
            break;
        case SF_METHOD_CANCEL:
            if (c->cur.present && t && t->cseq == c->cur.cseq && t->hop == c->cur.hop)
                c->cur.cancelled = true;
            break;
        case SF_METHOD_ACK:
            if (!t || !t->invite) c->ack_for_2xx = true;
            break;
        case SF_METHOD_BYE:
            if (!retrans && c->bye_ns < 0) {
                c->bye_ns = now;
                if (session_expired_at(c, now)) p->problems |= SF_PROBLEM_SESSION_EXPIRED;
                p->has_bye = true;
                p->ended_by_caller = p->from_tag && m->from_tag.len == strlen(p->from_tag) &&
                                     memcmp(m->from_tag.p, p->from_tag, m->from_tag.len) == 0;
                if (p->partial) p->ended_by_caller = false; /* unknown who called */
            }
            c->ended = true;
            if (d) sf_flow_dialog_set_state(e, d, SF_DIALOG_TERMINATED);
            break;
        default:
            break;
        }
    } else {
        int code = m->status;
        bool to_initial = t && t->initial;
        if (to_initial && c->cur.present && t->number == c->cur.txn) {
            attempt_t *a = &c->cur;
            a->got_response = true;
            if (retrans) a->resp_retrans++;
            if (code < 200) {
                if (!a->first_prov_ns) a->first_prov_ns = now;
                if ((code == 180 || code == 183) && !a->ringing_ns) a->ringing_ns = now;
                if ((code == 180 || code == 183) && p->pdd_ms < 0 && c->invite_first_ns >= 0)
                    p->pdd_ms = (now - c->invite_first_ns) / 1000000;
            } else if (!a->final_code) {
                a->final_code = code;
                a->final_ns = now;
                if (code < 300) a->answer_ns = now;
                a->reason_phrase = sf_flow_arena_slice(&c->arena, m->reason);
                sf_flow_reason_header(&c->arena, m, &a->reason);
                sf_slice_t w = sf_flow_header_value(m, SF_HDR_WARNING);
                a->warning = w.len ? sf_flow_arena_slice(&c->arena, w) : NULL;
                a->final_from = meta->src;
                sf_slice_t srv = sf_flow_header_value(m, SF_HDR_SERVER);
                a->final_agent = srv.len ? sf_flow_arena_slice(&c->arena, srv) : NULL;
            } else if (code >= 200 && code < 300 && retrans && !c->ack_for_2xx) {
                c->twoxx_retrans++;
            }
        }
        if (code >= 200 && code < 300 && !retrans && t &&
            (m->cseq_method_id == SF_METHOD_INVITE || m->cseq_method_id == SF_METHOD_UPDATE) &&
            (t->in_dialog || (to_initial && c->cur.present && t->number == c->cur.txn))) {
            /* RFC 4028 7.2/9: each 2xx to an INVITE/UPDATE (re)starts the
             * session timer; a 2xx without Session-Expires turns it off */
            c->se_ns = session_expires_ns(m);
            c->se_at_ns = now;
        }
        if (to_initial && code >= 200 && t->hop >= c->deep_hop) {
            /* the deepest leg's final, to see what a proxy translated (16.7) */
            if (!(t->hop == c->deep_hop && c->deep_code)) {
                c->deep_hop = t->hop;
                c->deep_code = code;
                c->deep_from = meta->src;
                sf_slice_t srv = sf_flow_header_value(m, SF_HDR_SERVER);
                c->deep_agent = srv.len ? sf_flow_arena_slice(&c->arena, srv) : NULL;
            }
        }
        if (!to_initial && code >= 300 && !retrans && t && t->in_dialog && code != 401 &&
            code != 407 && code != 491) {
            p->in_dialog_failures++;
            if (m->cseq_method_id == SF_METHOD_INVITE && dialog_ending_code(code))
                p->problems |= SF_PROBLEM_REINVITE_FAILED;
            else if (m->cseq_method_id == SF_METHOD_BYE && dialog_ending_code(code))
                p->problems |= SF_PROBLEM_BYE_FAILED;
            else if (m->cseq_method_id != SF_METHOD_INVITE && m->cseq_method_id != SF_METHOD_BYE)
                p->problems |= SF_PROBLEM_IN_DIALOG_FAILURE;
            /* Any other failure of a re-INVITE (488, 500 ...) leaves the
             * session as it was (RFC 3261 14.1): counted as an in-dialog
             * failure only; issue 3 names just 481/408 as "broken". */
            if (dialog_ending_code(code)) {
                c->ended = true;
                if (d) sf_flow_dialog_set_state(e, d, SF_DIALOG_TERMINATED);
            }
        }
    }
    call_account(e, c);
    set_deadline(e, c);
}

void sf_flow_call_txn_timeout(sf_engine_t *e, call_t *c, txn_t *t)
{
    if (c->cur.present && t->number == c->cur.txn) c->cur.timed_out = true;
    if (t->method == SF_METHOD_BYE) {
        c->ended = true;
        c->pub.problems |= SF_PROBLEM_BYE_FAILED;
    }
    set_deadline(e, c);
}

/* ---- the end of a call -------------------------------------------------- */

static void decide(sf_engine_t *e, call_t *c, bool capture_ended)
{
    sf_call_t *p = &c->pub;
    attempt_t *a = &c->cur;
    p->final_code = a->final_code;
    p->reason_phrase = a->reason_phrase;
    p->reason_header = a->reason;
    if (!a->present) {
        /* mid-call pick-up: in-dialog requests prove a dialog existed */
        p->outcome = p->partial ? SF_OUTCOME_ANSWERED : SF_OUTCOME_UNFINISHED;
    } else if (a->answer_ns) {
        p->outcome = SF_OUTCOME_ANSWERED;
    } else if (a->final_code >= 300) {
        p->outcome = sf_outcome_from_code(a->final_code, a->cancelled);
    } else if (a->cancelled) {
        p->outcome = SF_OUTCOME_CANCELLED;
    } else if (a->got_response) {
        p->outcome = SF_OUTCOME_UNFINISHED;
    } else if (a->timed_out || e->now - a->first_ns >= T64(e)) {
        p->outcome = SF_OUTCOME_TIMEOUT; /* Timer B */
    } else if (capture_ended && a->req_sent > 1) {
        p->outcome = SF_OUTCOME_TIMEOUT; /* retransmitted, never answered */
    } else {
        p->outcome = SF_OUTCOME_UNFINISHED;
    }
    /* timings from the first INVITE, before any challenge */
    int64_t t0 = c->invite_first_ns;
    if (t0 >= 0) {
        if (p->pdd_ms < 0 && a->final_code) p->pdd_ms = (a->final_ns - t0) / 1000000;
        if (a->answer_ns) p->setup_ms = (a->answer_ns - t0) / 1000000;
    }
    if (a->answer_ns && c->bye_ns >= 0 && c->bye_ns >= a->answer_ns)
        p->duration_ms = (c->bye_ns - a->answer_ns) / 1000000;
    if (p->outcome == SF_OUTCOME_ANSWERED && c->twoxx_retrans && !c->ack_for_2xx)
        p->problems |= SF_PROBLEM_2XX_NOT_ACKED;

    sf_diagnosis_t *dg = &p->diagnosis;
    memset(dg, 0, sizeof *dg);
    /* a call decided again drops the sentence of its earlier decision */
    if (p->diagnosis_pending) free(p->diagnosis_text);
    p->diagnosis_text = NULL;
    p->diagnosis_pending = false;
    if (sf_outcome_failed(p->outcome) || p->problems) {
        dg->present = true;
        dg->outcome = p->outcome;
        dg->code = a->final_code;
        dg->reason_phrase = a->reason_phrase;
        dg->failed_by = a->final_from;
        dg->failed_by_agent = a->final_agent;
        if (c->deep_code && c->deep_hop > a->hop && c->deep_code != a->final_code) {
            dg->origin_code = c->deep_code;
            dg->origin_by = c->deep_from;
            dg->origin_agent = c->deep_agent;
        }
        dg->reason = a->reason;
        dg->warning = a->warning;
        int64_t end = a->final_ns ? a->final_ns : e->now;
        dg->elapsed_ms = a->present ? (end - a->first_ns) / 1000000 : 0;
        dg->invite_retransmissions = a->req_sent > 1 ? a->req_sent - 1 : 0;
        dg->response_retransmissions = a->resp_retrans;
        dg->problems = p->problems;
        dg->cancelled_by_caller = a->cancelled;
        p->diagnosis_pending = true; /* sf_call_diagnosis_text() */
    }
}

/* What a call holds now, for the engine's allocation count. */
static inline uint64_t call_bytes(const call_t *c)
{
    /* the inline arrays are the pool's, counted when the pool grew */
    const sf_call_t *p = &c->pub;
    uint64_t frames = p->frames != c->frames_inline ? c->cap_frames : 0;
    uint64_t eps = p->endpoints != c->endpoints_inline ? c->cap_endpoints : 0;
    return (c->key != c->key_buf ? c->keylen : 0) + c->arena.total +
           frames * (sizeof(uint64_t) + sizeof(uint32_t)) +
           (uint64_t)c->cap_arrows * sizeof(sf_arrow_t) + eps * sizeof(sf_call_endpoint_t);
}

static inline void call_account(sf_engine_t *e, call_t *c)
{
    uint64_t now = call_bytes(c);
    sf_flow_mem(e, (int64_t)now - (int64_t)c->accounted);
    c->accounted = now;
}

static void call_free(sf_engine_t *e, call_t *c)
{
    sf_flow_mem(e, -(int64_t)c->accounted);
    c->accounted = 0;
    while (c->txns)
        sf_flow_call_detach_txn(c->txns);
    while (c->dialogs) {
        dialog_t *d = c->dialogs;
        c->dialogs = d->call_next;
        d->call = NULL;
        d->call_next = NULL;
        /* The call is reported: its dialogs only absorb stragglers now.
         * An early dialog of a losing fork branch never sees a final on
         * the caller's leg (RFC 3261 13.2.2.4 ends it 64*T1 after the
         * first 2xx), and a confirmed one whose BYE was not captured
         * would otherwise wait for the idle timeout (hours): both linger
         * 64*T1, so memory follows open calls. */
        if (!sf_timer_armed(&d->timer) || d->timer.deadline > e->now + T64(e))
            sf_timer_set(&e->timers, &d->timer, e->now + T64(e));
    }
    sf_timer_cancel(&e->timers, &c->timer);
    sf_hmap_remove(&e->calls, c->hash, c);
    e->stats.open_calls--;
    sf_flow_key_free(c->key_buf, c->key);
    c->key = NULL;
    sf_call_unref(&c->pub);
}

const char *sf_call_diagnosis_text(const sf_call_t *p)
{
    if (!p) return NULL;
    if (p->diagnosis_pending && !p->diagnosis_text) {
        /* the cache is the call's own; callers hold it const only because
         * the text is all they read */
        sf_call_t *w = (sf_call_t *)(uintptr_t)p;
        w->diagnosis_text = sf_diagnosis_sentence(p);
    }
    return p->diagnosis_text;
}

void sf_call_ref(sf_call_t *p)
{
    p->refcount++;
}

void sf_call_unref(sf_call_t *p)
{
    if (--p->refcount > 0) return;
    call_t *c = (call_t *)p; /* pub is the first member */
    if (p->frames != c->frames_inline) {
        free(p->frames);
        free(p->frame_files);
    }
    if (p->endpoints != c->endpoints_inline) free(p->endpoints);
    free(p->arrows);
    if (p->diagnosis_pending) free(p->diagnosis_text);
    sf_arena_free(&c->arena);
    c->engine->call_pool_lent--;
    sf_pool_put(&c->engine->call_pool, c);
}

static void end_call(sf_engine_t *e, call_t *c, bool capture_ended)
{
    /* the INVITE's own transactions may still be pending: fold their
     * request counts into the attempt before deciding */
    for (txn_t *t = c->txns; t; t = t->call_next)
        if (c->cur.present && t->number == c->cur.txn) c->cur.req_sent = t->req_sent;
    decide(e, c, capture_ended);
    if (e->sink.call_done) e->sink.call_done(e->sink.user, &c->pub);
    call_free(e, c);
}

void sf_flow_call_end(sf_engine_t *e, call_t *c)
{
    end_call(e, c, true);
}

void sf_flow_call_expire(sf_engine_t *e, call_t *c)
{
    end_call(e, c, false);
}

/* The same message seen again (sipflow/duplicate.h): not a new message of
 * the call, but its frames join the call's and its arrow names the copy. */
void sf_flow_call_duplicate(sf_engine_t *e, call_t *c, const sf_msg_meta_t *meta, uint64_t seq)
{
    c->pub.duplicates++;
    add_frames(e, c, meta);
    call_account(e, c);
    /* the first copy is recent (inside the duplicate window): look back a
     * bounded number of arrows */
    for (uint32_t i = c->pub.n_arrows, n = 0; i > 0 && n < 256; i--, n++) {
        sf_arrow_t *a = &c->pub.arrows[i - 1];
        if (a->msg_seq != seq) continue;
        if (a->copies++ == 0) {
            a->copy_file = meta->file;
            a->copy_frame = sf_msg_meta_last_frame(meta);
        }
        break;
    }
}
