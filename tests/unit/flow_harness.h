/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test harness for the flow engine: raw SIP message text in, every sink
 * event recorded (copied out, so nothing dangles after the engine frees its
 * objects). Header-only (static functions) so each test_flow_*.c links it
 * without a support library.
 *
 * Endpoints are small integers: party n is 10.0.0.n:5060. Times are in ms
 * of capture time. Frames are numbered 1.. in push order, file 0, UDP. */
#ifndef SF_FLOW_HARNESS_H
#define SF_FLOW_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/engine.h"
#include "sipflow/sip_msg.h"
#include "sipflow/stats.h"

typedef struct fh_msg {
    uint64_t frame;
    uint32_t call, dialog, txn, registration;
    bool retrans;
    sf_txn_state_t state;
    sf_dialog_state_t dstate; /* dialog state after the message */
} fh_msg_t;

typedef struct fh_call {
    uint32_t number;
    char call_id[128];
    sf_outcome_t outcome;
    int final_code;
    uint32_t challenges, redirects, problems, in_dialog_failures, n_dialogs;
    uint32_t messages, retransmissions, n_frames;
    int64_t pdd_ms, setup_ms, duration_ms;
    bool partial, has_bye, ended_by_caller;
    char *diagnosis_text; /* malloc'ed copy or NULL */
    bool offer, answer;   /* SDP offer / answer seen (keep_media) */
    char offer_codecs[96];
    uint32_t done_seq;    /* order of the call_done event */
} fh_call_t;

typedef struct fh_txn {
    uint32_t number;
    sf_sip_method_t method;
    sf_txn_state_t state;
    int final_code;
    uint32_t retransmissions, call;
} fh_txn_t;

typedef struct fh_reg {
    uint32_t number;
    char aor[128];
    sf_reg_outcome_t outcome;
    int final_code;
    uint32_t attempts, challenges, retransmissions;
    int64_t expires;
} fh_reg_t;

typedef struct fh {
    sf_engine_t *e;
    sf_sip_parser_t *p;
    sf_stats_t *stats;
    uint64_t frame;
    bool keep_messages; /* record fh_msg_t per message (default true) */
    fh_msg_t *msgs;
    uint32_t n_msgs, cap_msgs;
    fh_call_t *calls;
    uint32_t n_calls, cap_calls;
    fh_txn_t *txns;
    uint32_t n_txns, cap_txns;
    fh_reg_t *regs;
    uint32_t n_regs, cap_regs;
    uint32_t events;
    char *buf;
    size_t cap_buf;
} fh_t;

#define FH_GROW(arr, n, cap)                                                                       \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? (cap)*2 : 64;                                                          \
            void *np_ = realloc((arr), (size_t)(cap) * sizeof *(arr));                             \
            assert_non_null(np_);                                                                  \
            (arr) = np_;                                                                           \
        }                                                                                          \
    } while (0)

static inline void fh_on_message(void *u, const sf_msg_info_t *i)
{
    fh_t *h = u;
    sf_stats_on_message(h->stats, i);
    if (!h->keep_messages) return;
    FH_GROW(h->msgs, h->n_msgs, h->cap_msgs);
    h->msgs[h->n_msgs++] = (fh_msg_t){.frame = sf_msg_meta_last_frame(i->meta),
                                      .call = i->call,
                                      .dialog = i->dialog,
                                      .txn = i->txn,
                                      .registration = i->registration,
                                      .retrans = i->retransmission,
                                      .state = i->txn_state,
                                      .dstate = i->dialog_state};
}

static inline void fh_on_txn(void *u, const sf_txn_info_t *t)
{
    fh_t *h = u;
    sf_stats_on_txn(h->stats, t);
    if (!h->keep_messages) return;
    FH_GROW(h->txns, h->n_txns, h->cap_txns);
    h->txns[h->n_txns++] = (fh_txn_t){.number = t->number,
                                      .method = t->method,
                                      .state = t->state,
                                      .final_code = t->final_code,
                                      .retransmissions = t->retransmissions,
                                      .call = t->call};
}

static inline void fh_on_call(void *u, sf_call_t *c)
{
    fh_t *h = u;
    sf_stats_on_call(h->stats, c);
    FH_GROW(h->calls, h->n_calls, h->cap_calls);
    fh_call_t *x = &h->calls[h->n_calls++];
    memset(x, 0, sizeof *x);
    x->number = c->number;
    snprintf(x->call_id, sizeof x->call_id, "%s", c->call_id ? c->call_id : "");
    x->outcome = c->outcome;
    x->final_code = c->final_code;
    x->challenges = c->challenges;
    x->redirects = c->redirects;
    x->problems = c->problems;
    x->in_dialog_failures = c->in_dialog_failures;
    x->n_dialogs = c->n_dialogs;
    x->messages = c->messages;
    x->retransmissions = c->retransmissions;
    x->n_frames = c->n_frames;
    x->pdd_ms = c->pdd_ms;
    x->setup_ms = c->setup_ms;
    x->duration_ms = c->duration_ms;
    x->partial = c->partial;
    x->has_bye = c->has_bye;
    x->ended_by_caller = c->ended_by_caller;
    x->diagnosis_text = sf_call_diagnosis_text(c) ? strdup(sf_call_diagnosis_text(c)) : NULL;
    x->offer = c->offer.present;
    x->answer = c->answer.present;
    snprintf(x->offer_codecs, sizeof x->offer_codecs, "%s", c->offer.codecs);
    x->done_seq = ++h->events;
}

static inline void fh_on_reg(void *u, const sf_registration_t *r)
{
    fh_t *h = u;
    sf_stats_on_registration(h->stats, r);
    FH_GROW(h->regs, h->n_regs, h->cap_regs);
    fh_reg_t *x = &h->regs[h->n_regs++];
    memset(x, 0, sizeof *x);
    x->number = r->number;
    snprintf(x->aor, sizeof x->aor, "%s", r->aor ? r->aor : "");
    x->outcome = r->outcome;
    x->final_code = r->final_code;
    x->attempts = r->attempts;
    x->challenges = r->challenges;
    x->retransmissions = r->retransmissions;
    x->expires = r->expires;
}

static inline void fh_init_cfg(fh_t *h, const sf_engine_config_t *cfg)
{
    memset(h, 0, sizeof *h);
    h->keep_messages = true;
    h->p = sf_sip_parser_create();
    h->stats = sf_stats_create();
    assert_non_null(h->p);
    assert_non_null(h->stats);
    sf_engine_sink_t sink = {.message = fh_on_message,
                             .txn_done = fh_on_txn,
                             .call_done = fh_on_call,
                             .registration_done = fh_on_reg,
                             .user = h};
    h->e = sf_engine_create(cfg, &sink);
    assert_non_null(h->e);
}

static inline void fh_init(fh_t *h)
{
    fh_init_cfg(h, NULL);
}

static inline sf_endpoint_t fh_ep(int party)
{
    sf_endpoint_t ep;
    memset(&ep, 0, sizeof ep);
    ep.family = 4;
    ep.addr[0] = 10;
    ep.addr[3] = (uint8_t)party;
    ep.port = 5060;
    return ep;
}

/* Pushes one raw message (LF or CRLF line ends; LF-only lines get CRLF so
 * the parser sees wire format). Returns the frame number. */
static inline uint64_t fh_push_raw(fh_t *h, int src, int dst, int64_t ms, const char *text,
                                   size_t len)
{
    if (h->cap_buf < len * 2 + 1) {
        h->cap_buf = len * 2 + 1;
        free(h->buf);
        h->buf = malloc(h->cap_buf);
        assert_non_null(h->buf);
    }
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) h->buf[n++] = '\r';
        h->buf[n++] = text[i];
    }
    sf_sip_msg_t m;
    bool ok = sf_sip_parse(h->p, h->buf, (uint32_t)n, &m);
    if (!ok) print_error("not SIP: %.*s\n", (int)(len > 80 ? 80 : len), text);
    assert_true(ok);
    sf_msg_meta_t meta;
    memset(&meta, 0, sizeof meta);
    meta.file = 0;
    meta.frames[0] = ++h->frame;
    meta.n_frames = 1;
    meta.ts.sec = ms / 1000;
    meta.ts.nsec = (uint32_t)(ms % 1000) * 1000000u;
    meta.ts.prec = 6;
    meta.src = fh_ep(src);
    meta.dst = fh_ep(dst);
    meta.transport = SF_TRANSPORT_UDP;
    sf_engine_push(h->e, &meta, &m);
    return h->frame;
}

/* A message built from its parts (see FH_SIP below). */
typedef struct fh_m {
    const char *start;    /* "INVITE sip:bob@b.example SIP/2.0" or "SIP/2.0 200 OK" */
    const char *branch;   /* top Via branch; NULL: no branch parameter (RFC 2543) */
    const char *cseq;     /* "1 INVITE" */
    const char *ftag;     /* From tag (default "ft1") */
    const char *ttag;     /* To tag, NULL: none */
    const char *cid;      /* Call-ID (default "call-1@a.example") */
    const char *vias;     /* further Via lines below the top one ("Via: ...\n"), or NULL */
    const char *via_host; /* top Via sent-by; default 10.0.0.<request sender> */
    const char *extra;    /* more header lines ("Reason: ...\n"), or NULL */
} fh_m_t;

static inline uint64_t fh_sip(fh_t *h, int src, int dst, int64_t ms, const fh_m_t *m)
{
    bool req = strncmp(m->start, "SIP/2.0 ", 8) != 0;
    char host[64];
    /* the top Via names the request's sender: for a response, its receiver */
    if (m->via_host)
        snprintf(host, sizeof host, "%s", m->via_host);
    else
        snprintf(host, sizeof host, "10.0.0.%d:5060", req ? src : dst);
    char branch[128] = "";
    if (m->branch) snprintf(branch, sizeof branch, ";branch=%s", m->branch);
    char tt[128] = "";
    if (m->ttag) snprintf(tt, sizeof tt, ";tag=%s", m->ttag);
    char text[4096];
    int n = snprintf(text, sizeof text,
                     "%s\n"
                     "Via: SIP/2.0/UDP %s%s\n"
                     "%s"
                     "Max-Forwards: 70\n"
                     "From: Alice <sip:alice@a.example>;tag=%s\n"
                     "To: Bob <sip:bob@b.example>%s\n"
                     "Call-ID: %s\n"
                     "CSeq: %s\n"
                     "%s"
                     "Content-Length: 0\n"
                     "\n",
                     m->start, host, branch, m->vias ? m->vias : "", m->ftag ? m->ftag : "ft1", tt,
                     m->cid ? m->cid : "call-1@a.example", m->cseq, m->extra ? m->extra : "");
    assert_true(n > 0 && (size_t)n < sizeof text);
    return fh_push_raw(h, src, dst, ms, text, (size_t)n);
}

#define FH_SIP(h, src, dst, ms, ...) fh_sip((h), (src), (dst), (ms), &(fh_m_t){__VA_ARGS__})

static inline void fh_finish(fh_t *h)
{
    sf_engine_finish(h->e);
}

static inline void fh_free(fh_t *h)
{
    sf_engine_destroy(h->e);
    sf_sip_parser_destroy(h->p);
    sf_stats_destroy(h->stats);
    for (uint32_t i = 0; i < h->n_calls; i++)
        free(h->calls[i].diagnosis_text);
    free(h->calls);
    free(h->msgs);
    free(h->txns);
    free(h->regs);
    free(h->buf);
    memset(h, 0, sizeof *h);
}

/* The recorded message of a frame (frames are 1-based push order). */
static inline const fh_msg_t *fh_msg(const fh_t *h, uint64_t frame)
{
    assert_true(frame >= 1 && frame <= h->n_msgs);
    return &h->msgs[frame - 1];
}

static inline const fh_call_t *fh_call(const fh_t *h, uint32_t number)
{
    for (uint32_t i = 0; i < h->n_calls; i++)
        if (h->calls[i].number == number) return &h->calls[i];
    print_error("call %u not reported\n", number);
    fail();
    return NULL;
}

static inline const fh_txn_t *fh_txn(const fh_t *h, uint32_t number)
{
    for (uint32_t i = 0; i < h->n_txns; i++)
        if (h->txns[i].number == number) return &h->txns[i];
    print_error("transaction %u not reported\n", number);
    fail();
    return NULL;
}

#endif
