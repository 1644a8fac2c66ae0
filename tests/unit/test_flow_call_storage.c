/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A call's frames, endpoints and strings: most calls fit in the storage
 * inside the call object, bigger ones move to the heap. Either way the
 * reported call must hold every frame (ascending), every endpoint with its
 * agent, and its strings, and the engine's allocation count must give
 * back what it took. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

#define MAX_EPS 16
#define MAX_FRAMES 128

typedef struct seen {
    fh_t h;
    uint32_t calls;
    uint32_t n_frames, n_endpoints, n_arrows;
    uint64_t frames[MAX_FRAMES];
    uint32_t files[MAX_FRAMES];
    sf_endpoint_t eps[MAX_EPS];
    char agents[MAX_EPS][400];
    char call_id[128], from[128], to[128], request_uri[128];
    char last_label[64];
} seen_t;

static void on_message(void *u, const sf_msg_info_t *i)
{
    fh_on_message(&((seen_t *)u)->h, i);
}

static void on_txn(void *u, const sf_txn_info_t *t)
{
    fh_on_txn(&((seen_t *)u)->h, t);
}

static void on_reg(void *u, const sf_registration_t *r)
{
    fh_on_reg(&((seen_t *)u)->h, r);
}

static void on_call(void *u, sf_call_t *c)
{
    seen_t *s = u;
    fh_on_call(&s->h, c);
    s->calls++;
    assert_true(c->n_frames <= MAX_FRAMES);
    assert_true(c->n_endpoints <= MAX_EPS);
    s->n_frames = c->n_frames;
    memcpy(s->frames, c->frames, c->n_frames * sizeof *c->frames);
    memcpy(s->files, c->frame_files, c->n_frames * sizeof *c->frame_files);
    s->n_endpoints = c->n_endpoints;
    for (uint32_t i = 0; i < c->n_endpoints; i++) {
        s->eps[i] = c->endpoints[i].ep;
        snprintf(s->agents[i], sizeof s->agents[i], "%s",
                 c->endpoints[i].agent ? c->endpoints[i].agent : "");
    }
    s->n_arrows = c->n_arrows;
    if (c->n_arrows)
        snprintf(s->last_label, sizeof s->last_label, "%s", c->arrows[c->n_arrows - 1].label);
    snprintf(s->call_id, sizeof s->call_id, "%s", c->call_id ? c->call_id : "");
    snprintf(s->from, sizeof s->from, "%s", c->from ? c->from : "");
    snprintf(s->to, sizeof s->to, "%s", c->to ? c->to : "");
    snprintf(s->request_uri, sizeof s->request_uri, "%s", c->request_uri ? c->request_uri : "");
}

static void seen_init(seen_t *s, bool ladder)
{
    memset(s, 0, sizeof *s);
    sf_engine_config_t cfg;
    sf_engine_config_default(&cfg);
    cfg.keep_ladder = ladder;
    fh_init_cfg(&s->h, &cfg);
    /* the same engine with sinks that copy the call's arrays out */
    sf_engine_destroy(s->h.e);
    sf_engine_sink_t sink = {.message = on_message,
                             .txn_done = on_txn,
                             .call_done = on_call,
                             .registration_done = on_reg,
                             .user = s};
    s->h.e = sf_engine_create(&cfg, &sink);
    assert_non_null(s->h.e);
}

static uint64_t bytes_in_use(const seen_t *s)
{
    sf_engine_stats_t st;
    sf_engine_get_stats(s->h.e, &st);
    return st.bytes_in_use;
}

/* An agent string of party p, long enough that a few of them overflow the
 * call's first string block. */
static void agent_of(int p, char *buf, size_t n)
{
    int k = snprintf(buf, n, "agent-%d/", p);
    for (size_t i = (size_t)k; i + 1 < n && i < 300; i++)
        buf[i] = (char)('a' + (i + (size_t)p) % 26);
    buf[n - 1 < 300 ? n - 1 : 300] = 0;
}

/* INVITE 1 -> 2 answered, then in-dialog INFOs from parties 3..3+n_more-1
 * (each with its 200), each request carrying its sender's User-Agent. */
static uint64_t big_call(seen_t *s, int n_more, int rounds)
{
    fh_t *h = &s->h;
    char ua[400], extra[512];
    agent_of(1, ua, sizeof ua);
    snprintf(extra, sizeof extra, "User-Agent: %s\n", ua);
    FH_SIP(h, 1, 2, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKinv",
           .cseq = "1 INVITE", .cid = "big@a.example", .extra = extra);
    FH_SIP(h, 2, 1, 10, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKinv", .cseq = "1 INVITE",
           .ttag = "bt", .cid = "big@a.example");
    FH_SIP(h, 1, 2, 20, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKack",
           .cseq = "1 ACK", .ttag = "bt", .cid = "big@a.example");
    uint64_t frames = 3;
    uint32_t cseq = 2;
    for (int r = 0; r < rounds; r++) {
        for (int p = 3; p < 3 + n_more; p++, cseq++) {
            char br[64], cs[32];
            snprintf(br, sizeof br, "z9hG4bKinfo%u", cseq);
            snprintf(cs, sizeof cs, "%u INFO", cseq);
            agent_of(p, ua, sizeof ua);
            snprintf(extra, sizeof extra, "User-Agent: %s\n", ua);
            FH_SIP(h, p, 2, 100 + cseq, .start = "INFO sip:bob@b.example SIP/2.0", .branch = br,
                   .cseq = cs, .ttag = "bt", .cid = "big@a.example", .extra = extra);
            FH_SIP(h, 2, p, 100 + cseq, .start = "SIP/2.0 200 OK", .branch = br, .cseq = cs,
                   .ttag = "bt", .cid = "big@a.example");
            frames += 2;
        }
    }
    return frames;
}

static void check_call(const seen_t *s, uint64_t frames, int parties)
{
    assert_int_equal(s->calls, 1);
    assert_int_equal(s->n_frames, frames);
    for (uint32_t i = 0; i < s->n_frames; i++) {
        assert_int_equal(s->frames[i], i + 1); /* every frame, ascending */
        assert_int_equal(s->files[i], 0);
    }
    assert_int_equal(s->n_endpoints, parties);
    for (int i = 0; i < parties; i++) {
        /* endpoints in order of appearance: 1, 2, then 3.. */
        sf_endpoint_t want = fh_ep(i + 1);
        assert_true(sf_endpoint_eq(&s->eps[i], &want));
        char ua[400] = "";
        if (i + 1 != 2) agent_of(i + 1, ua, sizeof ua); /* Bob sends no User-Agent */
        assert_string_equal(s->agents[i], ua);
    }
    assert_string_equal(s->call_id, "big@a.example");
    assert_string_equal(s->from, "Alice <sip:alice@a.example>;tag=ft1");
    assert_string_equal(s->to, "Bob <sip:bob@b.example>");
    assert_string_equal(s->request_uri, "sip:bob@b.example");
}

/* A small call stays in the object: nothing counted but the pools. */
static void test_small_call_inline(void **st)
{
    (void)st;
    seen_t *s = malloc(sizeof *s);
    assert_non_null(s);
    seen_init(s, false);
    uint64_t frames = big_call(s, 1, 1); /* 3 parties, 5 frames */
    uint64_t open = bytes_in_use(s);
    fh_finish(&s->h);
    check_call(s, frames, 3);
    /* what the open call held beyond the pools is given back */
    assert_true(open >= bytes_in_use(s));
    fh_free(&s->h);
    free(s);
}

/* Past the inline capacity (16 frames, 4 endpoints, 512 bytes of strings):
 * everything moves to the heap, is counted, and is given back. */
static void test_big_call_spills(void **st)
{
    (void)st;
    seen_t *s = malloc(sizeof *s);
    assert_non_null(s);
    seen_init(s, false);
    uint64_t frames = big_call(s, 1, 1);
    uint64_t small = bytes_in_use(s);
    /* then 7 parties x 4 rounds, but the first exchange big_call sent */
    fh_t *h = &s->h;
    char ua[400], extra[512];
    uint32_t cseq = 100;
    for (int r = 0; r < 4; r++)
        for (int p = 3; p < 10; p++, cseq++) {
            if (r == 0 && p == 3) continue;
            char br[64], cs[32];
            snprintf(br, sizeof br, "z9hG4bKmore%u", cseq);
            snprintf(cs, sizeof cs, "%u INFO", cseq);
            agent_of(p, ua, sizeof ua);
            snprintf(extra, sizeof extra, "User-Agent: %s\n", ua);
            FH_SIP(h, p, 2, 1000 + cseq, .start = "INFO sip:bob@b.example SIP/2.0", .branch = br,
                   .cseq = cs, .ttag = "bt", .cid = "big@a.example", .extra = extra);
            FH_SIP(h, 2, p, 1000 + cseq, .start = "SIP/2.0 200 OK", .branch = br, .cseq = cs,
                   .ttag = "bt", .cid = "big@a.example");
            frames += 2;
        }
    uint64_t big = bytes_in_use(s);
    /* frames (64 x 12 bytes at least), 16 endpoints x 32, the agents */
    assert_true(big > small + 1000);
    fh_finish(&s->h);
    check_call(s, frames, 9);
    fh_free(&s->h);
    free(s);
}

/* The ladder too (arrows, their labels in the arena). */
static void test_big_call_ladder(void **st)
{
    (void)st;
    seen_t *s = malloc(sizeof *s);
    assert_non_null(s);
    seen_init(s, true);
    uint64_t frames = big_call(s, 7, 3);
    fh_finish(&s->h);
    check_call(s, frames, 9);
    assert_int_equal(s->n_arrows, frames);
    assert_string_equal(s->last_label, "200 OK");
    fh_free(&s->h);
    free(s);
}

/* Many calls, small and big, one after the other: objects reused from the
 * pool start clean (no frame, endpoint or string of the call before). */
static void test_reuse(void **st)
{
    (void)st;
    seen_t *s = malloc(sizeof *s);
    assert_non_null(s);
    seen_init(s, false);
    for (int k = 0; k < 40; k++) {
        char cid[64];
        snprintf(cid, sizeof cid, "reuse-%d@a.example", k);
        int parties = k % 3 == 0 ? 8 : 2;
        int64_t t0 = (int64_t)k * 100000;
        fh_t *h = &s->h;
        FH_SIP(h, 1, 2, t0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = cid,
               .cseq = "1 INVITE", .cid = cid);
        FH_SIP(h, 2, 1, t0 + 10, .start = "SIP/2.0 486 Busy Here", .branch = cid,
               .cseq = "1 INVITE", .ttag = "bt", .cid = cid);
        for (int p = 3; p <= parties; p++) {
            char br[96];
            snprintf(br, sizeof br, "%s-%d", cid, p);
            FH_SIP(h, p, 1, t0 + 20 + p, .start = "SIP/2.0 486 Busy Here", .branch = cid,
                   .cseq = "1 INVITE", .ttag = "bt", .cid = cid);
        }
        FH_SIP(h, 1, 2, t0 + 100, .start = "ACK sip:bob@b.example SIP/2.0", .branch = cid,
               .cseq = "1 ACK", .ttag = "bt", .cid = cid);
        /* 64*T1 later the call has been reported */
        FH_SIP(h, 9, 8, t0 + 90000, .start = "OPTIONS sip:x@x.example SIP/2.0", .branch = cid,
               .cseq = "1 OPTIONS", .cid = "opt@x.example");
        assert_int_equal(s->calls, (uint32_t)k + 1);
        assert_string_equal(s->call_id, cid);
        assert_int_equal(s->n_endpoints, (uint32_t)parties);
        assert_int_equal(s->n_frames, (uint32_t)parties + 1);
    }
    fh_finish(&s->h);
    fh_free(&s->h);
    free(s);
}

/* A message of the call with its own frame list and file (a reassembled
 * message has several frames; merged captures have several files). */
static void push_frames(seen_t *s, int64_t ms, const char *text, uint32_t file,
                        const uint64_t *frames, uint32_t n)
{
    size_t len = strlen(text);
    char *buf = malloc(len * 2 + 1);
    assert_non_null(buf);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') buf[k++] = '\r';
        buf[k++] = text[i];
    }
    sf_sip_msg_t m;
    assert_true(sf_sip_parse(s->h.p, buf, (uint32_t)k, &m));
    sf_msg_meta_t meta;
    memset(&meta, 0, sizeof meta);
    meta.file = file;
    memcpy(meta.frames, frames, n * sizeof *frames);
    meta.n_frames = n;
    meta.ts.sec = ms / 1000;
    meta.ts.nsec = (uint32_t)(ms % 1000) * 1000000u;
    meta.ts.prec = 6;
    meta.src = fh_ep(1);
    meta.dst = fh_ep(2);
    meta.transport = SF_TRANSPORT_TCP;
    sf_engine_push(s->h.e, &meta, &m);
    free(buf);
}

/* Frames out of order, several per message, repeated, and from two files:
 * the call's list stays ascending by (file, frame) without duplicates,
 * inside the object and past it. */
static void test_frames_order(void **st)
{
    (void)st;
    seen_t *s = malloc(sizeof *s);
    assert_non_null(s);
    seen_init(s, false);
    char text[512];
    uint32_t want_n = 0;
    for (uint32_t k = 0; k < 12; k++) {
        snprintf(text, sizeof text,
                 "%s sip:bob@b.example SIP/2.0\n"
                 "Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKord%u\n"
                 "From: <sip:alice@a.example>;tag=ft1\n"
                 "To: <sip:bob@b.example>%s\n"
                 "Call-ID: order@a.example\n"
                 "CSeq: %u %s\n"
                 "Content-Length: 0\n\n",
                 k ? "INFO" : "INVITE", k, k ? ";tag=bt" : "", k + 1, k ? "INFO" : "INVITE");
        /* file 1 frames 200 - 10k, file 0 frames 50 - k and 20 + k: each
         * message goes before some of the call's frames, and frame 7 of
         * file 0 comes again in every message */
        uint64_t f1[3] = {200 - 10 * k, 201 - 10 * k, 7};
        push_frames(s, (int64_t)k * 10, text, 1, f1, 2);
        uint64_t f0[3] = {7, 20 + k, 50 - k};
        push_frames(s, (int64_t)k * 10 + 1, text, 0, f0, 3);
        want_n += 4 + (k == 0); /* frame 7 of file 0 once */
    }
    fh_finish(&s->h);
    assert_int_equal(s->calls, 1);
    assert_int_equal(s->n_frames, want_n);
    for (uint32_t i = 1; i < s->n_frames; i++) {
        bool ascending = s->files[i - 1] < s->files[i] ||
                         (s->files[i - 1] == s->files[i] && s->frames[i - 1] < s->frames[i]);
        assert_true(ascending);
    }
    assert_int_equal(s->files[0], 0);
    assert_int_equal(s->frames[0], 7);
    assert_int_equal(s->files[s->n_frames - 1], 1);
    assert_int_equal(s->frames[s->n_frames - 1], 201);
    fh_free(&s->h);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_call_inline), cmocka_unit_test(test_big_call_spills),
        cmocka_unit_test(test_big_call_ladder),   cmocka_unit_test(test_reuse),
        cmocka_unit_test(test_frames_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
