/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow engine invariants: calls numbered 1..N in order of their first
 * message; every call ends exactly once (finish, idle expiry or eviction);
 * open state stays bounded as capture time passes (finished calls and
 * lingering transactions/dialogs are freed), checked on 100,000 calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

enum { ALICE = 1, BOB = 2 };

/* Every reported call number is in 1..n and reported once. */
static void check_each_once(const fh_t *h, uint32_t n)
{
    assert_int_equal(h->n_calls, n);
    uint8_t *seen = calloc(n + 1, 1);
    assert_non_null(seen);
    for (uint32_t i = 0; i < h->n_calls; i++) {
        uint32_t k = h->calls[i].number;
        assert_true(k >= 1 && k <= n);
        assert_int_equal(seen[k], 0);
        seen[k] = 1;
    }
    free(seen);
}

/* One short call with Call-ID "c<k>": kind 0 answered (INVITE 180 200 ACK
 * BYE 200), 1 busy after ringing (INVITE 180 486 ACK), 2 cancelled
 * (INVITE 180 CANCEL 200 487 ACK). */
static void short_call(fh_t *h, uint32_t k, int kind, int64_t t0)
{
    char cid[32], bi[48], bk[48], by[48];
    snprintf(cid, sizeof cid, "c%u", k);
    snprintf(bi, sizeof bi, "z9hG4bKi%u", k);
    snprintf(bk, sizeof bk, "z9hG4bKk%u", k);
    snprintf(by, sizeof by, "z9hG4bKy%u", k);
    FH_SIP(h, ALICE, BOB, t0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = bi,
           .cseq = "1 INVITE", .cid = cid);
    FH_SIP(h, BOB, ALICE, t0 + 50, .start = "SIP/2.0 180 Ringing", .branch = bi, .cseq = "1 INVITE",
           .ttag = "bt", .cid = cid);
    if (kind == 0) {
        FH_SIP(h, BOB, ALICE, t0 + 500, .start = "SIP/2.0 200 OK", .branch = bi, .cseq = "1 INVITE",
               .ttag = "bt", .cid = cid);
        FH_SIP(h, ALICE, BOB, t0 + 510, .start = "ACK sip:bob@b.example SIP/2.0", .branch = bk,
               .cseq = "1 ACK", .ttag = "bt", .cid = cid);
        FH_SIP(h, ALICE, BOB, t0 + 2000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = by,
               .cseq = "2 BYE", .ttag = "bt", .cid = cid);
        FH_SIP(h, BOB, ALICE, t0 + 2010, .start = "SIP/2.0 200 OK", .branch = by, .cseq = "2 BYE",
               .ttag = "bt", .cid = cid);
    } else if (kind == 1) {
        FH_SIP(h, BOB, ALICE, t0 + 500, .start = "SIP/2.0 486 Busy Here", .branch = bi,
               .cseq = "1 INVITE", .ttag = "bt", .cid = cid);
        FH_SIP(h, ALICE, BOB, t0 + 510, .start = "ACK sip:bob@b.example SIP/2.0", .branch = bi,
               .cseq = "1 ACK", .ttag = "bt", .cid = cid);
    } else {
        FH_SIP(h, ALICE, BOB, t0 + 400, .start = "CANCEL sip:bob@b.example SIP/2.0", .branch = bi,
               .cseq = "1 CANCEL", .cid = cid);
        FH_SIP(h, BOB, ALICE, t0 + 410, .start = "SIP/2.0 200 OK", .branch = bi, .cseq = "1 CANCEL",
               .ttag = "bt", .cid = cid);
        FH_SIP(h, BOB, ALICE, t0 + 420, .start = "SIP/2.0 487 Request Terminated", .branch = bi,
               .cseq = "1 INVITE", .ttag = "bt", .cid = cid);
        FH_SIP(h, ALICE, BOB, t0 + 430, .start = "ACK sip:bob@b.example SIP/2.0", .branch = bi,
               .cseq = "1 ACK", .ttag = "bt", .cid = cid);
    }
}

/* Interleaved calls: A starts, B starts, a partial call C (BYE for an
 * unknown dialog), B ends (busy) long before A, D starts and never gets a
 * response. Issue 3: numbers in order of the first message, so A=1, B=2,
 * C=3, D=4 whatever order they end in; each ends once; each message
 * carries its call's number. D's INVITE is followed by 100 s of capture:
 * Timer B expired, so timeout (not unfinished). */
static void test_numbering_and_end_once(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKa",
           .cseq = "1 INVITE", .cid = "A");
    FH_SIP(&h, ALICE, BOB, 10, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKb",
           .cseq = "1 INVITE", .cid = "B");
    FH_SIP(&h, BOB, ALICE, 20, .start = "BYE sip:alice@a.example SIP/2.0", .branch = "z9hG4bKc",
           .cseq = "3 BYE", .ftag = "x", .ttag = "y", .cid = "C");
    FH_SIP(&h, BOB, ALICE, 30, .start = "SIP/2.0 486 Busy Here", .branch = "z9hG4bKb",
           .cseq = "1 INVITE", .ttag = "t", .cid = "B");
    FH_SIP(&h, ALICE, BOB, 40, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKb",
           .cseq = "1 ACK", .ttag = "t", .cid = "B");
    FH_SIP(&h, ALICE, BOB, 50, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKd",
           .cseq = "1 INVITE", .cid = "D");
    FH_SIP(&h, BOB, ALICE, 60, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKa", .cseq = "1 INVITE",
           .ttag = "t", .cid = "A");
    /* 100 s later: B's linger (64*T1) has passed, it must be reported now */
    FH_SIP(&h, ALICE, BOB, 100000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKa2",
           .cseq = "2 BYE", .ttag = "t", .cid = "A");
    assert_true(h.n_calls >= 2);
    bool b_done = false;
    for (uint32_t i = 0; i < h.n_calls; i++)
        if (strcmp(h.calls[i].call_id, "B") == 0) b_done = true;
    assert_true(b_done);
    fh_finish(&h);
    check_each_once(&h, 4);
    static const char *const ids[] = {"A", "B", "C", "D"};
    static const sf_outcome_t want[] = {SF_OUTCOME_ANSWERED, SF_OUTCOME_BUSY, SF_OUTCOME_ANSWERED,
                                        SF_OUTCOME_TIMEOUT};
    for (uint32_t k = 1; k <= 4; k++) {
        const fh_call_t *c = fh_call(&h, k);
        assert_string_equal(c->call_id, ids[k - 1]);
        assert_int_equal(c->outcome, want[k - 1]);
    }
    assert_true(fh_call(&h, 3)->partial);
    static const uint32_t msg_call[] = {1, 2, 3, 2, 2, 4, 1, 1};
    for (uint64_t f = 1; f <= 8; f++)
        assert_int_equal(fh_msg(&h, f)->call, msg_call[f - 1]);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.calls, 4);
    assert_int_equal(st.open_calls, 0);
    assert_int_equal(st.open_txns, 0);
    assert_int_equal(st.open_dialogs, 0);
    fh_free(&h);
}

/* Over the open-call cap the engine evicts (counted) and the evicted call
 * is still reported, once; nothing dangles (run under ASan). */
static void test_eviction_reports_once(void **s)
{
    (void)s;
    sf_engine_config_t cfg;
    sf_engine_config_default(&cfg);
    cfg.max_calls = 8;
    cfg.max_txns = 12;
    cfg.max_dialogs = 6;
    fh_t h;
    fh_init_cfg(&h, &cfg);
    for (uint32_t k = 1; k <= 60; k++) {
        char cid[16], br[32];
        snprintf(cid, sizeof cid, "e%u", k);
        snprintf(br, sizeof br, "z9hG4bKe%u", k);
        FH_SIP(&h, ALICE, BOB, (int64_t)k * 100, .start = "INVITE sip:bob@b.example SIP/2.0",
               .branch = br, .cseq = "1 INVITE", .cid = cid);
        FH_SIP(&h, BOB, ALICE, (int64_t)k * 100 + 10, .start = "SIP/2.0 180 Ringing", .branch = br,
               .cseq = "1 INVITE", .ttag = "bt", .cid = cid);
        sf_engine_stats_t st;
        sf_engine_get_stats(h.e, &st);
        assert_true(st.open_calls <= cfg.max_calls);
        assert_true(st.open_txns <= cfg.max_txns);
        assert_true(st.open_dialogs <= cfg.max_dialogs);
    }
    /* a late message of an evicted call must not crash or resurrect it as
     * the same number */
    FH_SIP(&h, BOB, ALICE, 7000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKe1",
           .cseq = "1 INVITE", .ttag = "bt", .cid = "e1");
    fh_finish(&h);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_true(st.calls_evicted + st.txns_evicted + st.dialogs_evicted > 0);
    check_each_once(&h, (uint32_t)st.calls);
    assert_true(st.calls >= 60);
    assert_int_equal(st.open_calls, 0);
    fh_free(&h);
}

/* 100,000 short calls, one every 10 ms (a mix of answered, busy after
 * ringing and cancelled): open calls, transactions and dialogs stay
 * bounded because finished ones are freed as capture time passes (a
 * finished call lingers 64*T1 = 32 s, i.e. ~3,200 calls at this rate).
 * Every call is reported exactly once with the outcome of its kind. */
static void test_100k_calls_bounded(void **s)
{
    (void)s;
    const uint32_t n = 100000;
    fh_t h;
    fh_init(&h);
    h.keep_messages = false;
    uint32_t max_calls = 0, max_txns = 0, max_dialogs = 0;
    for (uint32_t k = 1; k <= n; k++) {
        short_call(&h, k, (int)(k % 3), (int64_t)k * 10);
        if (k % 500 == 0) {
            sf_engine_stats_t st;
            sf_engine_get_stats(h.e, &st);
            if (st.open_calls > max_calls) max_calls = st.open_calls;
            if (st.open_txns > max_txns) max_txns = st.open_txns;
            if (st.open_dialogs > max_dialogs) max_dialogs = st.open_dialogs;
        }
    }
    print_message("100k calls: peak open calls %u, txns %u, dialogs %u\n", max_calls, max_txns,
                  max_dialogs);
    assert_true(max_calls < 5000);
    assert_true(max_txns < 15000);
    assert_true(max_dialogs < 5000);
    /* most calls were already reported while the capture ran */
    assert_true(h.n_calls > n - 5000);
    fh_finish(&h);
    check_each_once(&h, n);
    uint32_t by_kind[3] = {0, 0, 0};
    for (uint32_t i = 0; i < h.n_calls; i++) {
        const fh_call_t *c = &h.calls[i];
        uint32_t k = (uint32_t)strtoul(c->call_id + 1, NULL, 10);
        static const sf_outcome_t want[3] = {SF_OUTCOME_ANSWERED, SF_OUTCOME_BUSY,
                                             SF_OUTCOME_CANCELLED};
        assert_int_equal(c->outcome, want[k % 3]);
        assert_int_equal(c->number, k); /* one call per Call-ID, in order */
        by_kind[k % 3]++;
    }
    assert_int_equal(by_kind[0] + by_kind[1] + by_kind[2], n);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.open_calls, 0);
    assert_int_equal(st.open_txns, 0);
    assert_int_equal(st.open_dialogs, 0);
    assert_int_equal(st.calls_evicted + st.txns_evicted + st.dialogs_evicted, 0);
    assert_int_equal(st.retransmissions, 0);
    /* the engine's own allocation count: everything given back, and the
     * high-water mark follows the ~3,200 open calls, not the 100,000 */
    assert_int_equal(st.bytes_in_use, 0);
    print_message("100k calls: engine memory peak %llu bytes\n",
                  (unsigned long long)st.bytes_peak);
    assert_true(st.bytes_peak > 0);
    assert_true(st.bytes_peak < 16u * 1024 * 1024);
    assert_int_equal(h.stats->outcomes[SF_OUTCOME_ANSWERED], by_kind[0]);
    fh_free(&h);
}

/* Forked calls where a second branch rang (early dialog, 12.1.1) but only
 * the first answered: the losing early dialog never gets a final on the
 * caller's leg. Once the call has ended and been reported, its dialogs
 * must not outlive it by hours (issue 3: "memory bounded by open
 * transactions and dialogs: finished calls go to sinks and are freed"):
 * open dialogs stay bounded by the 64*T1 linger. */
static void test_forked_early_dialogs_freed(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    h.keep_messages = false;
    const uint32_t n = 3000;
    uint32_t max_dialogs = 0;
    for (uint32_t k = 1; k <= n; k++) {
        char cid[32], bi[48], bk[48], by[48];
        int64_t t0 = (int64_t)k * 100;
        snprintf(cid, sizeof cid, "f%u", k);
        snprintf(bi, sizeof bi, "z9hG4bKi%u", k);
        snprintf(bk, sizeof bk, "z9hG4bKk%u", k);
        snprintf(by, sizeof by, "z9hG4bKy%u", k);
        FH_SIP(&h, ALICE, BOB, t0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = bi,
               .cseq = "1 INVITE", .cid = cid);
        FH_SIP(&h, BOB, ALICE, t0 + 5, .start = "SIP/2.0 180 Ringing", .branch = bi,
               .cseq = "1 INVITE", .ttag = "b1", .cid = cid);
        FH_SIP(&h, BOB, ALICE, t0 + 6, .start = "SIP/2.0 180 Ringing", .branch = bi,
               .cseq = "1 INVITE", .ttag = "b2", .cid = cid);
        FH_SIP(&h, BOB, ALICE, t0 + 20, .start = "SIP/2.0 200 OK", .branch = bi, .cseq = "1 INVITE",
               .ttag = "b1", .cid = cid);
        FH_SIP(&h, ALICE, BOB, t0 + 21, .start = "ACK sip:bob@b.example SIP/2.0", .branch = bk,
               .cseq = "1 ACK", .ttag = "b1", .cid = cid);
        FH_SIP(&h, ALICE, BOB, t0 + 50, .start = "BYE sip:bob@b.example SIP/2.0", .branch = by,
               .cseq = "2 BYE", .ttag = "b1", .cid = cid);
        FH_SIP(&h, BOB, ALICE, t0 + 51, .start = "SIP/2.0 200 OK", .branch = by, .cseq = "2 BYE",
               .ttag = "b1", .cid = cid);
        sf_engine_stats_t st;
        sf_engine_get_stats(h.e, &st);
        if (st.open_dialogs > max_dialogs) max_dialogs = st.open_dialogs;
    }
    print_message("forked calls: peak open dialogs %u\n", max_dialogs);
    /* one call every 100 ms, each lingering ~64*T1 = 32 s after its BYE:
     * ~330 calls and at most twice that in dialogs */
    assert_true(max_dialogs < 1000);
    assert_true(h.n_calls > n - 400);
    fh_finish(&h);
    check_each_once(&h, n);
    for (uint32_t i = 0; i < h.n_calls; i++) {
        assert_int_equal(h.calls[i].outcome, SF_OUTCOME_ANSWERED);
        assert_int_equal(h.calls[i].n_dialogs, 2);
    }
    fh_free(&h);
}

/* Hostile timestamps (a pcapng interface with a 1 s resolution can carry
 * 64-bit seconds; captures may go back in time): no overflow (UBSan), no
 * crash, every call still reported once. */
static void test_hostile_timestamps(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    static const int64_t secs[] = {0, 40000000000LL, -5000000000LL, INT64_MAX / 2, 1, INT64_MAX};
    for (uint32_t k = 0; k < sizeof secs / sizeof secs[0]; k++) {
        char cid[16], br[32];
        snprintf(cid, sizeof cid, "t%u", k);
        snprintf(br, sizeof br, "z9hG4bKt%u", k);
        sf_sip_msg_t m;
        char text[512];
        int n =
            snprintf(text, sizeof text,
                     "INVITE sip:bob@b.example SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=%s\r\n"
                     "From: <sip:a@a.example>;tag=x\r\nTo: <sip:b@b.example>\r\n"
                     "Call-ID: %s\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
                     br, cid);
        assert_true(sf_sip_parse(h.p, text, (uint32_t)n, &m));
        sf_msg_meta_t meta;
        memset(&meta, 0, sizeof meta);
        meta.frames[0] = k + 1;
        meta.n_frames = 1;
        meta.ts.sec = secs[k];
        meta.ts.nsec = 999999999;
        meta.ts.prec = 9;
        meta.src = fh_ep(ALICE);
        meta.dst = fh_ep(BOB);
        sf_engine_push(h.e, &meta, &m);
    }
    fh_finish(&h);
    check_each_once(&h, 6);
    fh_free(&h);
}

/* Destroying the engine without finish frees every open object (ASan's
 * leak check) and emits nothing more. */
static void test_destroy_without_finish(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    short_call(&h, 1, 0, 0);
    short_call(&h, 2, 1, 100);
    FH_SIP(&h, ALICE, BOB, 200, .start = "INVITE sip:bob@b.example SIP/2.0",
           .branch = "z9hG4bKopen", .cseq = "1 INVITE", .cid = "open");
    FH_SIP(&h, ALICE, BOB, 210, .start = "REGISTER sip:b.example SIP/2.0", .branch = "z9hG4bKreg",
           .cseq = "1 REGISTER", .cid = "reg");
    uint32_t before = h.n_calls;
    sf_engine_destroy(h.e);
    h.e = NULL;
    assert_int_equal(h.n_calls, before);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbering_and_end_once),
        cmocka_unit_test(test_eviction_reports_once),
        cmocka_unit_test(test_100k_calls_bounded),
        cmocka_unit_test(test_forked_early_dialogs_freed),
        cmocka_unit_test(test_hostile_timestamps),
        cmocka_unit_test(test_destroy_without_finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
