/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow engine: hand-written message sequences, each with the outcome issue
 * 3's definitions give and the reason. Parties: 1 Alice (caller), 2 Bob,
 * 3 a proxy, 4 a second callee (fork branch), 9 unrelated traffic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

enum { ALICE = 1, BOB = 2, PROXY = 3, BOB2 = 4, OTHER = 9 };

#define VIA_ALICE "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa1\n"

/* Unrelated traffic that moves capture time on (its own Call-ID). */
static void other_traffic(fh_t *h, int64_t ms, const char *cid)
{
    FH_SIP(h, OTHER, PROXY, ms, .start = "OPTIONS sip:p@p.example SIP/2.0", .branch = "z9hG4bKo1",
           .cseq = "1 OPTIONS", .ftag = "o1", .cid = cid);
    FH_SIP(h, PROXY, OTHER, ms + 1, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKo1",
           .cseq = "1 OPTIONS", .ftag = "o1", .ttag = "o2", .cid = cid);
}

/* INVITE, 100, 180, final; ACK (same branch for a non-2xx: 17.1.1.3; new
 * branch for a 2xx: 13.2.2.4); for a 2xx also BYE and its 200. */
static void simple_call(fh_t *h, const char *cid, int64_t t0, int code, const char *reason)
{
    /* branches unique per call (8.1.1.7: unique across space and time) */
    char st[64], bi[64], bk[64], by[64];
    snprintf(st, sizeof st, "SIP/2.0 %d %s", code, reason);
    snprintf(bi, sizeof bi, "z9hG4bKi-%s", cid);
    snprintf(bk, sizeof bk, "z9hG4bKk-%s", cid);
    snprintf(by, sizeof by, "z9hG4bKy-%s", cid);
    FH_SIP(h, ALICE, BOB, t0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = bi,
           .cseq = "1 INVITE", .cid = cid);
    FH_SIP(h, BOB, ALICE, t0 + 10, .start = "SIP/2.0 100 Trying", .branch = bi, .cseq = "1 INVITE",
           .cid = cid);
    FH_SIP(h, BOB, ALICE, t0 + 20, .start = "SIP/2.0 180 Ringing", .branch = bi, .cseq = "1 INVITE",
           .ttag = "bt", .cid = cid);
    FH_SIP(h, BOB, ALICE, t0 + 1000, .start = st, .branch = bi, .cseq = "1 INVITE", .ttag = "bt",
           .cid = cid);
    FH_SIP(h, ALICE, BOB, t0 + 1010, .start = "ACK sip:bob@b.example SIP/2.0",
           .branch = code < 300 ? bk : bi, .cseq = "1 ACK", .ttag = "bt", .cid = cid);
    if (code < 300) {
        FH_SIP(h, ALICE, BOB, t0 + 3000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = by,
               .cseq = "2 BYE", .ttag = "bt", .cid = cid);
        FH_SIP(h, BOB, ALICE, t0 + 3010, .start = "SIP/2.0 200 OK", .branch = by, .cseq = "2 BYE",
               .ttag = "bt", .cid = cid);
    }
}

static const fh_call_t *only_call(const fh_t *h)
{
    if (h->n_calls != 1) print_error("%u calls reported\n", h->n_calls);
    assert_int_equal(h->n_calls, 1);
    return &h->calls[0];
}

static void expect_outcome(const fh_call_t *c, sf_outcome_t o)
{
    if (c->outcome != o)
        print_error("call %u: outcome %s (code %d), expected %s\n", c->number,
                    sf_outcome_name(c->outcome), c->final_code, sf_outcome_name(o));
    assert_int_equal(c->outcome, o);
}

/* ---- forking ---------------------------------------------------------- */

/* A proxy forks Alice's INVITE: two 180s with different To tags (two early
 * dialogs, 12.1.1) and two 2xx (16.7 step 5 forwards every 2xx), both
 * ACKed and BYEd. Expected: one call (one Call-ID + From tag), answered,
 * two dialogs kept apart (issue 3: "several early dialogs and several 2xx
 * for one INVITE stay apart"). */
static void test_forking_two_dialogs(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    uint64_t f_inv = FH_SIP(&h, ALICE, PROXY, 0, .start = "INVITE sip:bob@b.example SIP/2.0",
                            .branch = "z9hG4bKa1", .cseq = "1 INVITE");
    uint64_t f_r1 = FH_SIP(&h, PROXY, ALICE, 100, .start = "SIP/2.0 180 Ringing",
                           .branch = "z9hG4bKa1", .cseq = "1 INVITE", .ttag = "b1");
    uint64_t f_r2 = FH_SIP(&h, PROXY, ALICE, 150, .start = "SIP/2.0 180 Ringing",
                           .branch = "z9hG4bKa1", .cseq = "1 INVITE", .ttag = "b2");
    uint64_t f_ok1 = FH_SIP(&h, PROXY, ALICE, 1000, .start = "SIP/2.0 200 OK",
                            .branch = "z9hG4bKa1", .cseq = "1 INVITE", .ttag = "b1");
    uint64_t f_ok2 = FH_SIP(&h, PROXY, ALICE, 1050, .start = "SIP/2.0 200 OK",
                            .branch = "z9hG4bKa1", .cseq = "1 INVITE", .ttag = "b2");
    FH_SIP(&h, ALICE, PROXY, 1100, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "b1");
    FH_SIP(&h, ALICE, PROXY, 1110, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk2",
           .cseq = "1 ACK", .ttag = "b2");
    /* 13.2.2.4: the UAC ends the extra dialog with a BYE */
    uint64_t f_bye2 = FH_SIP(&h, ALICE, PROXY, 1200, .start = "BYE sip:bob@b.example SIP/2.0",
                             .branch = "z9hG4bKy2", .cseq = "2 BYE", .ttag = "b2");
    FH_SIP(&h, PROXY, ALICE, 1210, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy2",
           .cseq = "2 BYE", .ttag = "b2");
    FH_SIP(&h, ALICE, PROXY, 5000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "3 BYE", .ttag = "b1");
    FH_SIP(&h, PROXY, ALICE, 5010, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy1",
           .cseq = "3 BYE", .ttag = "b1");
    fh_finish(&h);

    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->final_code, 200);
    assert_int_equal(c->n_dialogs, 2);
    assert_int_equal(c->retransmissions, 0); /* the second 200 has another To tag */
    assert_int_equal(c->messages, 11);
    assert_int_equal(c->setup_ms, 1000);
    assert_int_equal(c->pdd_ms, 100);
    assert_int_equal(fh_msg(&h, f_inv)->dialog, 0);
    uint32_t d1 = fh_msg(&h, f_r1)->dialog, d2 = fh_msg(&h, f_r2)->dialog;
    assert_true(d1 != 0 && d2 != 0 && d1 != d2);
    assert_int_equal(fh_msg(&h, f_ok1)->dialog, d1);
    assert_int_equal(fh_msg(&h, f_ok2)->dialog, d2);
    assert_int_equal(fh_msg(&h, f_bye2)->dialog, d2);
    /* the dialog state after each message (12.1: 180 with a To tag makes an
     * early dialog, 2xx confirms it, BYE ends it) */
    assert_int_equal(fh_msg(&h, f_r1)->dstate, SF_DIALOG_EARLY);
    assert_int_equal(fh_msg(&h, f_ok1)->dstate, SF_DIALOG_CONFIRMED);
    assert_int_equal(fh_msg(&h, f_bye2)->dstate, SF_DIALOG_TERMINATED);
    assert_false(fh_msg(&h, f_ok2)->retrans);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.dialogs, 2);
    fh_free(&h);
}

/* ---- re-INVITE ---------------------------------------------------------- */

static void answered_prefix(fh_t *h)
{
    FH_SIP(h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    FH_SIP(h, BOB, ALICE, 500, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1", .cseq = "1 INVITE",
           .ttag = "bt");
    FH_SIP(h, ALICE, BOB, 510, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "bt");
}

static void bye_suffix(fh_t *h, int64_t t)
{
    FH_SIP(h, ALICE, BOB, t, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "9 BYE", .ttag = "bt");
    FH_SIP(h, BOB, ALICE, t + 10, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy1", .cseq = "9 BYE",
           .ttag = "bt");
}

/* re-INVITE (To tag present, 14.1) answered 200: it attaches to the same
 * call and dialog; responses to in-dialog requests never change the
 * outcome. Expected: answered, one dialog, no in-dialog failure. */
static void test_reinvite_answered(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    answered_prefix(&h);
    uint64_t f = FH_SIP(&h, BOB, ALICE, 2000, .start = "INVITE sip:alice@a.example SIP/2.0",
                        .branch = "z9hG4bKr1", .cseq = "7 INVITE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, ALICE, BOB, 2100, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKr1",
           .cseq = "7 INVITE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, BOB, ALICE, 2110, .start = "ACK sip:alice@a.example SIP/2.0", .branch = "z9hG4bKr2",
           .cseq = "7 ACK", .ftag = "bt", .ttag = "ft1");
    bye_suffix(&h, 4000);
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->n_dialogs, 1);
    assert_int_equal(c->in_dialog_failures, 0);
    assert_int_equal(c->problems, 0);
    assert_int_equal(c->messages, 8);
    assert_int_equal(c->duration_ms, 3500);
    assert_true(c->ended_by_caller);
    assert_int_equal(fh_msg(&h, f)->call, 1);
    assert_int_equal(fh_msg(&h, f)->dialog, fh_msg(&h, 2)->dialog);
    assert_true(fh_msg(&h, f)->txn != fh_msg(&h, 1)->txn);
    assert_null(c->diagnosis_text);
    fh_free(&h);
}

/* 488 to a re-INVITE: the session goes on unchanged (14.1); issue 3:
 * "responses to in-dialog requests never change the outcome (they are
 * counted as in-dialog failures)", and only "481/408 on re-INVITE" make an
 * answered call broken. Expected: answered, in_dialog_failures 1, no
 * problem. */
static void test_reinvite_488(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    answered_prefix(&h);
    FH_SIP(&h, ALICE, BOB, 2000, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKr1",
           .cseq = "2 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 2100, .start = "SIP/2.0 488 Not Acceptable Here", .branch = "z9hG4bKr1",
           .cseq = "2 INVITE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 2110, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKr1",
           .cseq = "2 ACK", .ttag = "bt");
    bye_suffix(&h, 4000);
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->final_code, 200);
    assert_int_equal(c->in_dialog_failures, 1);
    assert_int_equal(c->problems, 0);
    assert_true(c->has_bye);
    fh_free(&h);
}

/* 481 to a re-INVITE: the dialog is gone (12.2.1.2); issue 3 lists it as
 * "answered but broken". Expected: answered, problem reinvite-failed, a
 * diagnosis sentence. */
static void test_reinvite_481(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    answered_prefix(&h);
    FH_SIP(&h, ALICE, BOB, 2000, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKr1",
           .cseq = "2 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 2100, .start = "SIP/2.0 481 Call/Transaction Does Not Exist",
           .branch = "z9hG4bKr1", .cseq = "2 INVITE", .ttag = "bt");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->in_dialog_failures, 1);
    assert_int_equal(c->problems, SF_PROBLEM_REINVITE_FAILED);
    assert_non_null(c->diagnosis_text);
    assert_non_null(strstr(c->diagnosis_text, "re-INVITE"));
    fh_free(&h);
}

/* ---- retransmissions ------------------------------------------------------ */

/* INVITE sent 3 times (T1 = 500 ms, Timer A doubling), 200 re-sent once
 * before the ACK (13.3.1.4), BYE re-sent once: a retransmission is a
 * message whose (source, destination, branch, CSeq, method/status, To tag)
 * was already seen. Expected: answered, 4 retransmissions, each flagged
 * on its own message only; T1 inferred as 500 ms; no 2xx-not-acked
 * problem (the ACK came). */
static void test_retransmissions_both_sides(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    const char *inv = "INVITE sip:bob@b.example SIP/2.0";
    FH_SIP(&h, ALICE, BOB, 0, .start = inv, .branch = "z9hG4bKi1", .cseq = "1 INVITE");
    FH_SIP(&h, ALICE, BOB, 500, .start = inv, .branch = "z9hG4bKi1", .cseq = "1 INVITE");
    FH_SIP(&h, ALICE, BOB, 1500, .start = inv, .branch = "z9hG4bKi1", .cseq = "1 INVITE");
    FH_SIP(&h, BOB, ALICE, 1600, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 3000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 3500, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 3600, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 9000, .start = "BYE sip:alice@a.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "1 BYE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, BOB, ALICE, 9500, .start = "BYE sip:alice@a.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "1 BYE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, ALICE, BOB, 9510, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy1", .cseq = "1 BYE",
           .ftag = "bt", .ttag = "ft1");
    fh_finish(&h);
    static const bool flag[] = {false, true, true, false, false, true, false, false, true, false};
    assert_int_equal(h.n_msgs, 10);
    for (uint64_t f = 1; f <= 10; f++)
        assert_int_equal(fh_msg(&h, f)->retrans, flag[f - 1]);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->retransmissions, 4);
    assert_int_equal(c->messages, 10);
    assert_int_equal(c->problems, 0);
    assert_int_equal(c->setup_ms, 3000);
    assert_int_equal(c->duration_ms, 6000);
    assert_false(c->ended_by_caller); /* Bob sent the BYE */
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.retransmissions, 4);
    assert_int_equal(st.t1_ns, 500000000);
    /* statistics count every message on the wire, retransmissions apart */
    const sf_stats_method_t *im = h.stats->methods[SF_METHOD_INVITE];
    assert_non_null(im);
    assert_int_equal(im->requests, 3);
    assert_int_equal(im->requests_retransmitted, 2);
    assert_int_equal(im->responses[200], 2);
    assert_int_equal(im->responses_retrans[200], 1);
    assert_int_equal(h.stats->retransmissions, 4);
    /* the INVITE transaction counts its own: 2 requests + 1 response */
    const fh_txn_t *t = fh_txn(&h, fh_msg(&h, 1)->txn);
    assert_int_equal(t->retransmissions, 3);
    assert_int_equal(t->final_code, 200);
    fh_free(&h);
}

/* A 2xx never ACKed: Bob re-sends the 200 (13.3.1.4: T1, 2T1, ... capped
 * at T2) 6 times, then gives up and sends BYE (Timer H analogue). Issue 3:
 * still answered, with the 2xx-not-acked problem. */
static void test_2xx_never_acked(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    FH_SIP(&h, BOB, ALICE, 100, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    static const int64_t at[] = {1000, 1500, 2500, 4500, 8500, 12500, 16500};
    for (int i = 0; i < 7; i++)
        FH_SIP(&h, BOB, ALICE, at[i], .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
               .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 33000, .start = "BYE sip:alice@a.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "1 BYE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, ALICE, BOB, 33010, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy1", .cseq = "1 BYE",
           .ftag = "bt", .ttag = "ft1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->problems, SF_PROBLEM_2XX_NOT_ACKED);
    assert_int_equal(c->retransmissions, 6);
    assert_true(c->has_bye);
    assert_non_null(c->diagnosis_text);
    assert_non_null(strstr(c->diagnosis_text, "ACK"));
    fh_free(&h);
}

/* ---- RFC 2543 ------------------------------------------------------------ */

/* No z9hG4bK cookie (and no branch at all): responses still match on
 * Call-ID, CSeq, From tag and top Via; the ACK for the 486 joins the
 * INVITE transaction (17.1.1.3, issue 3). Expected: busy, the ACK is in
 * the INVITE's transaction. */
static void test_rfc2543_busy(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    uint64_t f_inv =
        FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .cseq = "1 INVITE");
    uint64_t f_100 = FH_SIP(&h, BOB, ALICE, 50, .start = "SIP/2.0 100 Trying", .cseq = "1 INVITE");
    uint64_t f_486 = FH_SIP(&h, BOB, ALICE, 900, .start = "SIP/2.0 486 Busy Here",
                            .cseq = "1 INVITE", .ttag = "bt");
    uint64_t f_ack = FH_SIP(&h, ALICE, BOB, 910, .start = "ACK sip:bob@b.example SIP/2.0",
                            .cseq = "1 ACK", .ttag = "bt");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_BUSY);
    assert_int_equal(c->final_code, 486);
    uint32_t t = fh_msg(&h, f_inv)->txn;
    assert_true(t != 0);
    assert_int_equal(fh_msg(&h, f_100)->txn, t);
    assert_int_equal(fh_msg(&h, f_486)->txn, t);
    assert_int_equal(fh_msg(&h, f_ack)->txn, t);
    assert_int_equal(fh_msg(&h, f_ack)->state, SF_TXN_CONFIRMED);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.orphan_responses, 0);
    assert_int_equal(st.txns, 1);
    fh_free(&h);
}

/* RFC 2543 branch without the cookie: an answered call, the 2xx's ACK is
 * its own request in the dialog (not the INVITE transaction). */
static void test_rfc2543_answered(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    uint64_t f_inv = FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0",
                            .branch = "old1", .cseq = "1 INVITE");
    uint64_t f_ok = FH_SIP(&h, BOB, ALICE, 900, .start = "SIP/2.0 200 OK", .branch = "old1",
                           .cseq = "1 INVITE", .ttag = "bt");
    uint64_t f_ack = FH_SIP(&h, ALICE, BOB, 910, .start = "ACK sip:bob@b.example SIP/2.0",
                            .branch = "old2", .cseq = "1 ACK", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 2000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "old3",
           .cseq = "2 BYE", .ttag = "bt");
    uint64_t f_bok = FH_SIP(&h, BOB, ALICE, 2010, .start = "SIP/2.0 200 OK", .branch = "old3",
                            .cseq = "2 BYE", .ttag = "bt");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(fh_msg(&h, f_ok)->txn, fh_msg(&h, f_inv)->txn);
    assert_true(fh_msg(&h, f_ack)->txn != fh_msg(&h, f_inv)->txn);
    assert_int_equal(fh_msg(&h, f_bok)->txn, fh_msg(&h, 4)->txn);
    assert_int_equal(c->duration_ms, 1100);
    assert_int_equal(c->messages, 5);
    fh_free(&h);
}

/* ---- partial, timeouts, unfinished --------------------------------------- */

/* Mid-call capture: BYE + 200 for a dialog never seen. Issue 3: "a BYE for
 * an unknown dialog starts a partial call (partial: true), not an error";
 * the in-dialog request proves a dialog existed: answered. */
static void test_mid_call_capture(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, BOB, ALICE, 0, .start = "BYE sip:alice@a.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "5 BYE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, ALICE, BOB, 10, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy1", .cseq = "5 BYE",
           .ftag = "bt", .ttag = "ft1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_true(c->partial);
    assert_true(c->has_bye);
    assert_int_equal(c->messages, 2);
    assert_int_equal(fh_msg(&h, 2)->call, 1);
    assert_int_equal(c->setup_ms, -1);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.orphan_responses, 0);
    fh_free(&h);
}

/* Timer B: the INVITE retransmitted (T1 = 500 ms doubling) and never
 * answered; unrelated traffic 40 s later passes 64*T1 = 32 s. Expected:
 * timeout ("no response of any kind: Timer B expired"), the INVITE
 * transaction ends in state timeout. */
static void test_timer_b(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    static const int64_t at[] = {0, 500, 1500, 3500, 7500, 15500, 31500};
    for (int i = 0; i < 7; i++)
        FH_SIP(&h, ALICE, BOB, at[i], .start = "INVITE sip:bob@b.example SIP/2.0",
               .branch = "z9hG4bKi1", .cseq = "1 INVITE");
    other_traffic(&h, 40000, "other-1");
    assert_int_equal(fh_msg(&h, 8)->call, 0);
    fh_finish(&h);
    const fh_txn_t *t = fh_txn(&h, fh_msg(&h, 1)->txn);
    assert_int_equal(t->state, SF_TXN_TIMEOUT);
    assert_int_equal(t->final_code, 0);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_TIMEOUT);
    assert_int_equal(c->retransmissions, 6);
    assert_int_equal(c->final_code, 0);
    assert_non_null(c->diagnosis_text);
    assert_int_equal(h.stats->txn_timeouts_invite, 1);
    fh_free(&h);
}

/* Timer F: an OPTIONS never answered, later traffic past 64*T1. Expected:
 * the transaction times out; no call (OPTIONS is not INVITE-initiated). */
static void test_timer_f(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "OPTIONS sip:bob@b.example SIP/2.0", .branch = "z9hG4bKq1",
           .cseq = "1 OPTIONS");
    other_traffic(&h, 40000, "other-1");
    fh_finish(&h);
    /* sent once: only Timer F firing at 32 s (not the end-of-capture rule
     * for retransmitted requests) can make this a timeout */
    const fh_txn_t *t = fh_txn(&h, fh_msg(&h, 1)->txn);
    assert_int_equal(t->state, SF_TXN_TIMEOUT);
    assert_int_equal(t->method, SF_METHOD_OPTIONS);
    assert_int_equal(h.n_calls, 0);
    assert_int_equal(h.stats->txn_timeouts_non_invite, 1);
    assert_int_equal(h.stats->txn_timeouts_invite, 0);
    fh_free(&h);
}

/* An INVITE that got a 180 and then nothing, capture goes on 40 s:
 * Timer B only runs before any provisional, so not a timeout; "a
 * provisional but no final when the capture ended": unfinished. */
static void test_provisional_then_nothing(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    FH_SIP(&h, BOB, ALICE, 100, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    other_traffic(&h, 40000, "other-1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_UNFINISHED);
    assert_int_equal(c->pdd_ms, 100);
    assert_null(c->diagnosis_text); /* unfinished is not a failed call */
    assert_int_equal(h.stats->txn_timeouts_invite, 0);
    const fh_txn_t *t = fh_txn(&h, fh_msg(&h, 1)->txn);
    assert_int_equal(t->state, SF_TXN_PROCEEDING);
    fh_free(&h);
}

/* A single INVITE right before the capture ends: "a single unanswered
 * INVITE with too little capture after it": unfinished. */
static void test_single_invite_at_end(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    other_traffic(&h, 0, "other-1");
    FH_SIP(&h, ALICE, BOB, 1000, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_UNFINISHED);
    assert_int_equal(c->final_code, 0);
    assert_int_equal(h.stats->txn_timeouts_invite, 0);
    fh_free(&h);
}

/* ---- challenges, CANCEL races ---------------------------------------------- */

/* 401, ACK, INVITE with credentials (same Call-ID/From tag, CSeq 2), 180,
 * 200: answered with one counted challenge; timings from the FIRST INVITE
 * ("before any challenge"): pdd to the 180, setup to the 200. */
static void test_challenge_then_answer(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    const char *inv = "INVITE sip:bob@b.example SIP/2.0";
    FH_SIP(&h, ALICE, BOB, 0, .start = inv, .branch = "z9hG4bKi1", .cseq = "1 INVITE");
    FH_SIP(&h, BOB, ALICE, 100, .start = "SIP/2.0 401 Unauthorized", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "x1");
    FH_SIP(&h, ALICE, BOB, 150, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 ACK", .ttag = "x1");
    FH_SIP(&h, ALICE, BOB, 1000, .start = inv, .branch = "z9hG4bKi2", .cseq = "2 INVITE");
    FH_SIP(&h, BOB, ALICE, 1200, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKi2",
           .cseq = "2 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 2000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi2",
           .cseq = "2 INVITE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 2010, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "2 ACK", .ttag = "bt");
    bye_suffix(&h, 5000);
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->challenges, 1);
    assert_int_equal(c->setup_ms, 2000);
    assert_int_equal(c->pdd_ms, 1200);
    assert_int_equal(c->duration_ms, 3000);
    assert_int_equal(c->messages, 9);
    assert_int_equal(c->n_dialogs, 1); /* the 401's tag makes no dialog */
    assert_int_equal(h.stats->challenges, 1);
    fh_free(&h);
}

/* CANCEL crosses the 200: Bob answered before it saw the CANCEL; issue 3:
 * "a 2xx that races a CANCEL wins". Expected: answered. */
static void test_2xx_races_cancel(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    FH_SIP(&h, BOB, ALICE, 100, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 3000, .start = "CANCEL sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 CANCEL");
    FH_SIP(&h, BOB, ALICE, 3001, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 3010, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 CANCEL", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 3020, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "bt");
    bye_suffix(&h, 3100);
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->final_code, 200);
    assert_int_equal(c->setup_ms, 3001);
    assert_int_equal(c->messages, 8);
    fh_free(&h);
}

/* The capture sits on the proxy: Alice's INVITE (hop 0) forked to Bob and
 * Bob2 (hop 1); Bob answers, the proxy CANCELs Bob2's branch (16.7 step
 * 10), Bob2 sends 487. Issue 3: "a proxy's CANCEL of losing fork branches
 * does not make the call cancelled" and per-branch finals do not decide:
 * the caller leg got 200, answered. */
static void test_proxy_cancels_losing_branch(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, PROXY, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKa1",
           .cseq = "1 INVITE");
    FH_SIP(&h, PROXY, BOB, 10, .start = "INVITE sip:bob@10.0.0.2 SIP/2.0", .branch = "z9hG4bKp1",
           .cseq = "1 INVITE", .vias = VIA_ALICE);
    FH_SIP(&h, PROXY, BOB2, 11, .start = "INVITE sip:bob@10.0.0.4 SIP/2.0", .branch = "z9hG4bKp2",
           .cseq = "1 INVITE", .vias = VIA_ALICE);
    FH_SIP(&h, BOB, PROXY, 100, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKp1",
           .cseq = "1 INVITE", .ttag = "b1", .vias = VIA_ALICE);
    FH_SIP(&h, PROXY, ALICE, 110, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKa1",
           .cseq = "1 INVITE", .ttag = "b1");
    FH_SIP(&h, BOB2, PROXY, 120, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKp2",
           .cseq = "1 INVITE", .ttag = "b2", .vias = VIA_ALICE);
    FH_SIP(&h, PROXY, ALICE, 130, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKa1",
           .cseq = "1 INVITE", .ttag = "b2");
    FH_SIP(&h, BOB, PROXY, 2000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKp1",
           .cseq = "1 INVITE", .ttag = "b1", .vias = VIA_ALICE);
    FH_SIP(&h, PROXY, ALICE, 2010, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKa1",
           .cseq = "1 INVITE", .ttag = "b1");
    FH_SIP(&h, PROXY, BOB2, 2020, .start = "CANCEL sip:bob@10.0.0.4 SIP/2.0", .branch = "z9hG4bKp2",
           .cseq = "1 CANCEL", .vias = VIA_ALICE);
    FH_SIP(&h, BOB2, PROXY, 2030, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKp2",
           .cseq = "1 CANCEL", .ttag = "b2", .vias = VIA_ALICE);
    FH_SIP(&h, BOB2, PROXY, 2040, .start = "SIP/2.0 487 Request Terminated", .branch = "z9hG4bKp2",
           .cseq = "1 INVITE", .ttag = "b2", .vias = VIA_ALICE);
    FH_SIP(&h, PROXY, BOB2, 2050, .start = "ACK sip:bob@10.0.0.4 SIP/2.0", .branch = "z9hG4bKp2",
           .cseq = "1 ACK", .ttag = "b2", .vias = VIA_ALICE);
    FH_SIP(&h, ALICE, PROXY, 2100, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "b1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->final_code, 200);
    assert_int_equal(c->messages, 14);
    assert_int_equal(c->setup_ms, 2010);
    assert_int_equal(c->pdd_ms, 110);
    assert_int_equal(c->problems, 0);
    fh_free(&h);
}

/* ---- one final code each ---------------------------------------------- */

/* Caller's CANCEL after 180, 200 to the CANCEL, 487 to the INVITE:
 * cancelled ("the caller's CANCEL, normally 487"). */
static void test_cancel_487(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    FH_SIP(&h, BOB, ALICE, 100, .start = "SIP/2.0 180 Ringing", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    uint64_t f_c = FH_SIP(&h, ALICE, BOB, 5000, .start = "CANCEL sip:bob@b.example SIP/2.0",
                          .branch = "z9hG4bKi1", .cseq = "1 CANCEL");
    FH_SIP(&h, BOB, ALICE, 5010, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 CANCEL", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 5020, .start = "SIP/2.0 487 Request Terminated", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 5030, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 ACK", .ttag = "bt");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_CANCELLED);
    assert_int_equal(c->final_code, 487);
    assert_int_equal(c->pdd_ms, 100);
    assert_int_equal(c->setup_ms, -1);
    /* the observer's transaction states after each message (17.1.1,
     * 17.1.2): INVITE calling, 180 proceeding, CANCEL calling (its own
     * transaction), 200/CANCEL completed, 487 completed, ACK confirmed */
    static const sf_txn_state_t st[] = {SF_TXN_CALLING,   SF_TXN_PROCEEDING, SF_TXN_CALLING,
                                        SF_TXN_COMPLETED, SF_TXN_COMPLETED,  SF_TXN_CONFIRMED};
    for (uint64_t f = 1; f <= 6; f++)
        assert_int_equal(fh_msg(&h, f)->state, st[f - 1]);
    /* CANCEL is its own transaction (9.1) */
    assert_true(fh_msg(&h, f_c)->txn != fh_msg(&h, 1)->txn);
    assert_int_equal(fh_msg(&h, 6)->txn, fh_msg(&h, 1)->txn);
    assert_non_null(c->diagnosis_text);
    fh_free(&h);
}

typedef struct code_case {
    int code;
    const char *reason;
    sf_outcome_t outcome;
} code_case_t;

/* 486 -> busy, 600 -> busy, 603 -> rejected, 403 -> rejected, 404 ->
 * not_found, 604 -> not_found, 408/480 -> no_answer (no CANCEL), a final
 * 302 not followed -> redirected, 500 / 503 / 488 -> failed: the code ->
 * outcome table of issue 3, each on the final response to the initial
 * INVITE, and each a failed call with a diagnosis sentence. */
static void test_final_codes(void **s)
{
    (void)s;
    static const code_case_t cases[] = {
        {486, "Busy Here", SF_OUTCOME_BUSY},
        {600, "Busy Everywhere", SF_OUTCOME_BUSY},
        {603, "Decline", SF_OUTCOME_REJECTED},
        {403, "Forbidden", SF_OUTCOME_REJECTED},
        {404, "Not Found", SF_OUTCOME_NOT_FOUND},
        {604, "Does Not Exist Anywhere", SF_OUTCOME_NOT_FOUND},
        {408, "Request Timeout", SF_OUTCOME_NO_ANSWER},
        {480, "Temporarily Unavailable", SF_OUTCOME_NO_ANSWER},
        {302, "Moved Temporarily", SF_OUTCOME_REDIRECTED},
        {500, "Server Internal Error", SF_OUTCOME_FAILED},
        {503, "Service Unavailable", SF_OUTCOME_FAILED},
        {488, "Not Acceptable Here", SF_OUTCOME_FAILED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fh_t h;
        fh_init(&h);
        simple_call(&h, "call-1@a.example", 0, cases[i].code, cases[i].reason);
        fh_finish(&h);
        const fh_call_t *c = only_call(&h);
        expect_outcome(c, cases[i].outcome);
        assert_int_equal(c->final_code, cases[i].code);
        assert_int_equal(c->messages, 5);
        assert_int_equal(c->pdd_ms, 20);
        assert_true(sf_outcome_failed(c->outcome));
        assert_non_null(c->diagnosis_text);
        char num[8];
        snprintf(num, sizeof num, "%d", cases[i].code);
        assert_non_null(strstr(c->diagnosis_text, num));
        assert_int_equal(c->redirects, 0); /* a 3xx not followed is no counted redirect */
        fh_free(&h);
    }
}

/* A response matching no transaction (its request not captured): counted,
 * no crash, no call (only a request can start one). */
static void test_orphan_response(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, BOB, ALICE, 0, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKzz", .cseq = "1 OPTIONS",
           .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 10, .start = "SIP/2.0 486 Busy Here", .branch = "z9hG4bKzy",
           .cseq = "1 INVITE", .ttag = "bt", .cid = "call-2@a.example");
    fh_finish(&h);
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.orphan_responses, 2);
    assert_int_equal(st.messages, 2);
    assert_int_equal(h.n_msgs, 2);
    assert_int_equal(fh_msg(&h, 1)->txn, 0);
    assert_int_equal(h.n_calls, 0);
    fh_free(&h);
}

/* ASR = answered / (calls - unfinished); NER = (answered + busy +
 * no_answer + cancelled + rejected) / (calls - unfinished). Mix: answered,
 * busy, no_answer (480), not_found, failed (500), cancelled, and one
 * unfinished: 7 calls, 6 finished; ASR = 1/6, NER = 4/6. */
static void test_stats_asr_ner(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    simple_call(&h, "c1", 0, 200, "OK");
    simple_call(&h, "c2", 10000, 486, "Busy Here");
    simple_call(&h, "c3", 20000, 480, "Temporarily Unavailable");
    simple_call(&h, "c4", 30000, 404, "Not Found");
    simple_call(&h, "c5", 40000, 500, "Server Internal Error");
    FH_SIP(&h, ALICE, BOB, 50000, .start = "INVITE sip:bob@b.example SIP/2.0",
           .branch = "z9hG4bKc6", .cseq = "1 INVITE", .cid = "c6");
    FH_SIP(&h, ALICE, BOB, 50100, .start = "CANCEL sip:bob@b.example SIP/2.0",
           .branch = "z9hG4bKc6", .cseq = "1 CANCEL", .cid = "c6");
    FH_SIP(&h, BOB, ALICE, 50110, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKc6",
           .cseq = "1 CANCEL", .ttag = "x", .cid = "c6");
    FH_SIP(&h, BOB, ALICE, 50120, .start = "SIP/2.0 487 Request Terminated", .branch = "z9hG4bKc6",
           .cseq = "1 INVITE", .ttag = "x", .cid = "c6");
    FH_SIP(&h, ALICE, BOB, 60000, .start = "INVITE sip:bob@b.example SIP/2.0",
           .branch = "z9hG4bKc7", .cseq = "1 INVITE", .cid = "c7");
    FH_SIP(&h, BOB, ALICE, 60100, .start = "SIP/2.0 183 Session Progress", .branch = "z9hG4bKc7",
           .cseq = "1 INVITE", .ttag = "x", .cid = "c7");
    fh_finish(&h);
    assert_int_equal(h.n_calls, 7);
    static const sf_outcome_t want[] = {
        SF_OUTCOME_ANSWERED, SF_OUTCOME_BUSY,      SF_OUTCOME_NO_ANSWER, SF_OUTCOME_NOT_FOUND,
        SF_OUTCOME_FAILED,   SF_OUTCOME_CANCELLED, SF_OUTCOME_UNFINISHED};
    for (uint32_t i = 0; i < 7; i++) {
        const fh_call_t *c = fh_call(&h, i + 1);
        char cid[8];
        snprintf(cid, sizeof cid, "c%u", i + 1);
        assert_string_equal(c->call_id, cid);
        expect_outcome(c, want[i]);
    }
    assert_int_equal(h.stats->calls, 7);
    assert_int_equal(h.stats->outcomes[SF_OUTCOME_UNFINISHED], 1);
    assert_true(sf_stats_asr(h.stats) > 1.0 / 6 - 1e-9 && sf_stats_asr(h.stats) < 1.0 / 6 + 1e-9);
    assert_true(sf_stats_ner(h.stats) > 4.0 / 6 - 1e-9 && sf_stats_ner(h.stats) < 4.0 / 6 + 1e-9);
    fh_free(&h);
}

/* No finished call: ASR/NER undefined (negative). */
static void test_stats_empty(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE");
    fh_finish(&h);
    expect_outcome(only_call(&h), SF_OUTCOME_UNFINISHED);
    assert_true(sf_stats_asr(h.stats) < 0);
    assert_true(sf_stats_ner(h.stats) < 0);
    fh_free(&h);
}

/* T1 is "inferred from the first retransmission interval when one is
 * seen": an OPTIONS re-sent after 250 ms sets T1 = 250 ms, so Timer F for
 * another OPTIONS (sent once) fires after 64*T1 = 16 s, before the 18 s
 * traffic. With --t1 fixed at 500 ms it does not (32 s not reached). */
static void t1_case(bool fixed)
{
    sf_engine_config_t cfg;
    sf_engine_config_default(&cfg);
    cfg.t1_fixed = fixed;
    fh_t h;
    fh_init_cfg(&h, &cfg);
    const char *opt = "OPTIONS sip:bob@b.example SIP/2.0";
    FH_SIP(&h, ALICE, BOB, 0, .start = opt, .branch = "z9hG4bKq1", .cseq = "1 OPTIONS");
    FH_SIP(&h, ALICE, BOB, 250, .start = opt, .branch = "z9hG4bKq1", .cseq = "1 OPTIONS");
    FH_SIP(&h, BOB, ALICE, 300, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKq1",
           .cseq = "1 OPTIONS", .ttag = "x");
    uint64_t f = FH_SIP(&h, ALICE, BOB, 1000, .start = opt, .branch = "z9hG4bKq2",
                        .cseq = "2 OPTIONS", .cid = "call-2@a.example");
    other_traffic(&h, 18000, "other-1");
    sf_engine_stats_t st;
    sf_engine_get_stats(h.e, &st);
    assert_int_equal(st.t1_ns, fixed ? 500000000 : 250000000);
    fh_finish(&h);
    const fh_txn_t *t = fh_txn(&h, fh_msg(&h, f)->txn);
    assert_int_equal(t->state, fixed ? SF_TXN_CALLING : SF_TXN_TIMEOUT);
    assert_int_equal(fh_txn(&h, fh_msg(&h, 1)->txn)->retransmissions, 1);
    assert_int_equal(h.n_calls, 0);
    fh_free(&h);
}

static void test_t1_inferred(void **s)
{
    (void)s;
    t1_case(false);
    t1_case(true);
}

/* Reliable provisionals (RFC 3262): two 183s with RSeq 1 and 2 are two
 * messages, the same RSeq re-sent is a retransmission (issue 3: "for
 * reliable provisional responses also the same RSeq"); PRACK belongs to
 * the call and the early dialog. Expected: answered, 1 retransmission. */
static void test_prack_rseq(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .extra = "Supported: 100rel\n");
    uint64_t f1 =
        FH_SIP(&h, BOB, ALICE, 100, .start = "SIP/2.0 183 Session Progress", .branch = "z9hG4bKi1",
               .cseq = "1 INVITE", .ttag = "bt", .extra = "Require: 100rel\nRSeq: 1\n");
    uint64_t f1r =
        FH_SIP(&h, BOB, ALICE, 600, .start = "SIP/2.0 183 Session Progress", .branch = "z9hG4bKi1",
               .cseq = "1 INVITE", .ttag = "bt", .extra = "Require: 100rel\nRSeq: 1\n");
    uint64_t fp = FH_SIP(&h, ALICE, BOB, 610, .start = "PRACK sip:bob@b.example SIP/2.0",
                         .branch = "z9hG4bKp1", .cseq = "2 PRACK", .ttag = "bt",
                         .extra = "RAck: 1 1 INVITE\n");
    FH_SIP(&h, BOB, ALICE, 620, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKp1", .cseq = "2 PRACK",
           .ttag = "bt");
    uint64_t f2 =
        FH_SIP(&h, BOB, ALICE, 700, .start = "SIP/2.0 183 Session Progress", .branch = "z9hG4bKi1",
               .cseq = "1 INVITE", .ttag = "bt", .extra = "Require: 100rel\nRSeq: 2\n");
    FH_SIP(&h, BOB, ALICE, 1000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 1010, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "bt");
    fh_finish(&h);
    assert_false(fh_msg(&h, f1)->retrans);
    assert_true(fh_msg(&h, f1r)->retrans);
    assert_false(fh_msg(&h, f2)->retrans);
    assert_int_equal(fh_msg(&h, fp)->call, 1);
    assert_int_equal(fh_msg(&h, fp)->dialog, fh_msg(&h, f1)->dialog);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->retransmissions, 1);
    assert_int_equal(c->pdd_ms, 100);
    assert_int_equal(c->n_dialogs, 1);
    fh_free(&h);
}

/* RFC 4028 session timer: the 200 grants Session-Expires 90 s. Case 1:
 * no refresh and Bob's BYE 60 s after the 200 (RFC 4028 10: BYE min(32,
 * 90/3) = 30 s before expiry): issue 3's "expired session timer", still
 * answered with the session-expired problem. Case 2: a re-INVITE refresh
 * at 45 s, BYE at 100 s (55 s after the refresh): healthy. Case 3: no
 * Session-Expires at all, BYE after 1000 s: healthy. */
static void session_timer_case(int which)
{
    fh_t h;
    fh_init(&h);
    const char *se = which == 3 ? NULL : "Session-Expires: 90;refresher=uac\n";
    FH_SIP(&h, ALICE, BOB, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .extra = se);
    FH_SIP(&h, BOB, ALICE, 1000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
           .cseq = "1 INVITE", .ttag = "bt", .extra = se);
    FH_SIP(&h, ALICE, BOB, 1010, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKk1",
           .cseq = "1 ACK", .ttag = "bt");
    int64_t bye = which == 1 ? 61000 : which == 2 ? 101000 : 1001000;
    if (which == 2) {
        FH_SIP(&h, ALICE, BOB, 46000, .start = "INVITE sip:bob@b.example SIP/2.0",
               .branch = "z9hG4bKr1", .cseq = "2 INVITE", .ttag = "bt", .extra = se);
        FH_SIP(&h, BOB, ALICE, 46100, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKr1",
               .cseq = "2 INVITE", .ttag = "bt", .extra = se);
        FH_SIP(&h, ALICE, BOB, 46110, .start = "ACK sip:bob@b.example SIP/2.0",
               .branch = "z9hG4bKk2", .cseq = "2 ACK", .ttag = "bt");
    }
    FH_SIP(&h, BOB, ALICE, bye, .start = "BYE sip:alice@a.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "1 BYE", .ftag = "bt", .ttag = "ft1");
    FH_SIP(&h, ALICE, BOB, bye + 10, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKy1",
           .cseq = "1 BYE", .ftag = "bt", .ttag = "ft1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->problems, which == 1 ? SF_PROBLEM_SESSION_EXPIRED : 0);
    assert_int_equal(c->diagnosis_text != NULL, which == 1);
    if (which == 1) assert_non_null(strstr(c->diagnosis_text, "session timer"));
    fh_free(&h);
}

static void test_session_timer(void **s)
{
    (void)s;
    session_timer_case(1);
    session_timer_case(2);
    session_timer_case(3);
}

/* 481 to BYE: "481/408 on re-INVITE or BYE" is answered but broken:
 * answered, problem bye-failed, one in-dialog failure. */
static void test_bye_481(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    answered_prefix(&h);
    FH_SIP(&h, ALICE, BOB, 3000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "2 BYE", .ttag = "bt");
    FH_SIP(&h, BOB, ALICE, 3010, .start = "SIP/2.0 481 Call/Transaction Does Not Exist",
           .branch = "z9hG4bKy1", .cseq = "2 BYE", .ttag = "bt");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->problems, SF_PROBLEM_BYE_FAILED);
    assert_int_equal(c->in_dialog_failures, 1);
    assert_true(c->has_bye);
    assert_int_equal(c->duration_ms, 2500);
    assert_non_null(c->diagnosis_text);
    fh_free(&h);
}

/* A BYE never answered (re-sent, then Timer F after 64*T1): the same as a
 * 408 to BYE, answered with problem bye-failed; the BYE transaction ends
 * in state timeout. */
static void test_bye_timeout(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    answered_prefix(&h);
    uint64_t f = FH_SIP(&h, ALICE, BOB, 3000, .start = "BYE sip:bob@b.example SIP/2.0",
                        .branch = "z9hG4bKy1", .cseq = "2 BYE", .ttag = "bt");
    FH_SIP(&h, ALICE, BOB, 3500, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKy1",
           .cseq = "2 BYE", .ttag = "bt");
    other_traffic(&h, 60000, "other-1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->problems, SF_PROBLEM_BYE_FAILED);
    assert_int_equal(c->retransmissions, 1);
    assert_int_equal(fh_txn(&h, fh_msg(&h, f)->txn)->state, SF_TXN_TIMEOUT);
    fh_free(&h);
}

/* The capture sits on the proxy: Bob's 503 (hop 1) becomes a 500 towards
 * Alice (hop 0), with a Reason header. The outcome is decided by the final
 * on the most upstream leg (500: failed); the diagnosis names the
 * originating response on the deepest leg (16.7: a proxy translated it)
 * and the Reason (RFC 3326). */
static void test_proxy_translated_failure(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, ALICE, PROXY, 0, .start = "INVITE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKa1",
           .cseq = "1 INVITE");
    FH_SIP(&h, PROXY, BOB, 10, .start = "INVITE sip:bob@10.0.0.2 SIP/2.0", .branch = "z9hG4bKp1",
           .cseq = "1 INVITE", .vias = VIA_ALICE);
    FH_SIP(&h, BOB, PROXY, 500, .start = "SIP/2.0 503 Service Unavailable", .branch = "z9hG4bKp1",
           .cseq = "1 INVITE", .ttag = "b1", .vias = VIA_ALICE, .extra = "Server: BobPBX/1.0\n");
    FH_SIP(&h, PROXY, BOB, 510, .start = "ACK sip:bob@10.0.0.2 SIP/2.0", .branch = "z9hG4bKp1",
           .cseq = "1 ACK", .ttag = "b1", .vias = VIA_ALICE);
    FH_SIP(&h, PROXY, ALICE, 520, .start = "SIP/2.0 500 Server Internal Error",
           .branch = "z9hG4bKa1", .cseq = "1 INVITE", .ttag = "p1",
           .extra = "Reason: Q.850;cause=41;text=\"Temporary failure\"\n");
    FH_SIP(&h, ALICE, PROXY, 530, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKa1",
           .cseq = "1 ACK", .ttag = "p1");
    fh_finish(&h);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_FAILED);
    assert_int_equal(c->final_code, 500);
    assert_non_null(c->diagnosis_text);
    assert_non_null(strstr(c->diagnosis_text, "500"));
    assert_non_null(strstr(c->diagnosis_text, "translated it from 503"));
    assert_non_null(strstr(c->diagnosis_text, "BobPBX/1.0"));
    assert_non_null(strstr(c->diagnosis_text, "Q.850 cause 41"));
    assert_int_equal(c->messages, 6);
    fh_free(&h);
}

/* The ACK got lost: Bob re-sends the 200, Alice re-sends the same ACK
 * (13.2.2.4). Issue 3: "a 2xx re-sent by the UAS core until its ACK
 * arrives and a re-sent ACK count as retransmissions too". Expected:
 * answered, 2 retransmissions (the 200 and the ACK), no 2xx-not-acked
 * problem since an ACK was seen. */
static void test_ack_retransmitted(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    answered_prefix(&h);
    uint64_t f_ok = FH_SIP(&h, BOB, ALICE, 1000, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKi1",
                           .cseq = "1 INVITE", .ttag = "bt");
    uint64_t f_ack = FH_SIP(&h, ALICE, BOB, 1010, .start = "ACK sip:bob@b.example SIP/2.0",
                            .branch = "z9hG4bKk1", .cseq = "1 ACK", .ttag = "bt");
    bye_suffix(&h, 3000);
    fh_finish(&h);
    assert_true(fh_msg(&h, f_ok)->retrans);
    assert_true(fh_msg(&h, f_ack)->retrans);
    assert_int_equal(fh_msg(&h, f_ack)->txn, fh_msg(&h, 3)->txn);
    const fh_call_t *c = only_call(&h);
    expect_outcome(c, SF_OUTCOME_ANSWERED);
    assert_int_equal(c->retransmissions, 2);
    assert_int_equal(c->problems, 0);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forking_two_dialogs),
        cmocka_unit_test(test_reinvite_answered),
        cmocka_unit_test(test_reinvite_488),
        cmocka_unit_test(test_reinvite_481),
        cmocka_unit_test(test_retransmissions_both_sides),
        cmocka_unit_test(test_2xx_never_acked),
        cmocka_unit_test(test_rfc2543_busy),
        cmocka_unit_test(test_rfc2543_answered),
        cmocka_unit_test(test_mid_call_capture),
        cmocka_unit_test(test_timer_b),
        cmocka_unit_test(test_timer_f),
        cmocka_unit_test(test_provisional_then_nothing),
        cmocka_unit_test(test_single_invite_at_end),
        cmocka_unit_test(test_challenge_then_answer),
        cmocka_unit_test(test_2xx_races_cancel),
        cmocka_unit_test(test_proxy_cancels_losing_branch),
        cmocka_unit_test(test_cancel_487),
        cmocka_unit_test(test_final_codes),
        cmocka_unit_test(test_orphan_response),
        cmocka_unit_test(test_stats_asr_ner),
        cmocka_unit_test(test_stats_empty),
        cmocka_unit_test(test_t1_inferred),
        cmocka_unit_test(test_prack_rseq),
        cmocka_unit_test(test_session_timer),
        cmocka_unit_test(test_bye_481),
        cmocka_unit_test(test_bye_timeout),
        cmocka_unit_test(test_proxy_translated_failure),
        cmocka_unit_test(test_ack_retransmitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
