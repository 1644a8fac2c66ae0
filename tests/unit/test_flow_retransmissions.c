/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What makes a message of a transaction a retransmission (the observer's
 * reading of RFC 3261 17: the same source, destination, method or status,
 * CSeq, To tag, and for a reliable provisional the RSeq of RFC 3262), one
 * field at a time: the fingerprint hashes each field where it is, so each
 * one must count. Parties: 1 Alice, 2 Bob, 3 a second address of Bob. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

#define INV "INVITE sip:bob@b.example SIP/2.0"

static bool retrans(const fh_t *h, uint64_t f)
{
    return fh_msg(h, f)->retrans;
}

/* The request: again from the same place is a retransmission; the same
 * bytes from another source or to another destination are not. */
static void test_request_fields(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    uint64_t f1 = FH_SIP(&h, 1, 2, 0, .start = INV, .branch = "z9hG4bKr1", .cseq = "1 INVITE");
    uint64_t f2 = FH_SIP(&h, 1, 2, 500, .start = INV, .branch = "z9hG4bKr1", .cseq = "1 INVITE");
    uint64_t f3 = FH_SIP(&h, 3, 2, 600, .start = INV, .branch = "z9hG4bKr1", .cseq = "1 INVITE",
                         .via_host = "10.0.0.1:5060");
    uint64_t f4 = FH_SIP(&h, 1, 3, 700, .start = INV, .branch = "z9hG4bKr1", .cseq = "1 INVITE");
    uint64_t f5 = FH_SIP(&h, 1, 3, 800, .start = INV, .branch = "z9hG4bKr1", .cseq = "1 INVITE");
    fh_finish(&h);
    assert_false(retrans(&h, f1));
    assert_true(retrans(&h, f2));
    assert_false(retrans(&h, f3)); /* another source */
    assert_false(retrans(&h, f4)); /* another destination */
    assert_true(retrans(&h, f5));
    assert_int_equal(fh_msg(&h, f3)->txn, fh_msg(&h, f1)->txn);
    fh_free(&h);
}

/* Responses: the status, the To tag and the RSeq each make another
 * message; the same again is a retransmission. */
static void test_response_fields(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
#define RESP(ms, st, tag, ...)                                                                     \
    FH_SIP(&h, 2, 1, ms, .start = st, .branch = "z9hG4bKr2", .cseq = "1 INVITE", .ttag = tag,      \
           __VA_ARGS__)
    FH_SIP(&h, 1, 2, 0, .start = INV, .branch = "z9hG4bKr2", .cseq = "1 INVITE");
    uint64_t r100 = RESP(10, "SIP/2.0 100 Trying", NULL, .extra = NULL);
    uint64_t r100b = RESP(20, "SIP/2.0 100 Trying", NULL, .extra = NULL);
    uint64_t r180a = RESP(30, "SIP/2.0 180 Ringing", "ta", .extra = NULL);
    uint64_t r180b = RESP(40, "SIP/2.0 180 Ringing", "tb", .extra = NULL); /* fork */
    uint64_t r180a2 = RESP(50, "SIP/2.0 180 Ringing", "ta", .extra = NULL);
    uint64_t r183 = RESP(60, "SIP/2.0 183 Session Progress", "ta", .extra = NULL);
    uint64_t rs1 = RESP(70, "SIP/2.0 183 Session Progress", "ta", .extra = "RSeq: 1\n");
    uint64_t rs2 = RESP(80, "SIP/2.0 183 Session Progress", "ta", .extra = "RSeq: 2\n");
    uint64_t rs1b = RESP(90, "SIP/2.0 183 Session Progress", "ta", .extra = "RSeq: 1\n");
    uint64_t r200 = RESP(100, "SIP/2.0 200 OK", "ta", .extra = NULL);
    uint64_t r200b = RESP(200, "SIP/2.0 200 OK", "ta", .extra = NULL);
    /* the same reason phrase but another status */
    uint64_t r202 = RESP(210, "SIP/2.0 202 OK", "ta", .extra = NULL);
#undef RESP
    fh_finish(&h);
    assert_false(retrans(&h, r100));
    assert_true(retrans(&h, r100b));
    assert_false(retrans(&h, r180a));
    assert_false(retrans(&h, r180b));
    assert_true(retrans(&h, r180a2));
    assert_false(retrans(&h, r183));
    assert_false(retrans(&h, rs1));
    assert_false(retrans(&h, rs2));
    assert_true(retrans(&h, rs1b));
    assert_false(retrans(&h, r200));
    assert_true(retrans(&h, r200b));
    assert_false(retrans(&h, r202));
    fh_free(&h);
}

/* The CSeq number and method count too: an RFC 2543 transaction (no magic
 * cookie) keys by Call-ID + CSeq, so vary what the fingerprint alone
 * sees: a non-INVITE request with the same branch and another CSeq
 * method is another transaction, and the INVITE's ACK for a failure (same
 * branch, 17.1.1.3) is not a retransmission of the INVITE. */
static void test_cseq_fields(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    uint64_t inv = FH_SIP(&h, 1, 2, 0, .start = INV, .branch = "z9hG4bKr3", .cseq = "1 INVITE");
    FH_SIP(&h, 2, 1, 10, .start = "SIP/2.0 486 Busy Here", .branch = "z9hG4bKr3",
           .cseq = "1 INVITE", .ttag = "bt");
    uint64_t ack = FH_SIP(&h, 1, 2, 20, .start = "ACK sip:bob@b.example SIP/2.0",
                          .branch = "z9hG4bKr3", .cseq = "1 ACK", .ttag = "bt");
    uint64_t ack2 = FH_SIP(&h, 1, 2, 30, .start = "ACK sip:bob@b.example SIP/2.0",
                           .branch = "z9hG4bKr3", .cseq = "1 ACK", .ttag = "bt");
    /* 8.1.3.5-style retry: same everything but the CSeq number (RFC 2543
     * branch-less, so it is the same Via and Call-ID) */
    uint64_t o1 = FH_SIP(&h, 1, 2, 40, .start = "OPTIONS sip:bob@b.example SIP/2.0",
                         .branch = "r3o", .cseq = "5 OPTIONS");
    uint64_t o2 = FH_SIP(&h, 1, 2, 50, .start = "OPTIONS sip:bob@b.example SIP/2.0",
                         .branch = "r3o", .cseq = "5 OPTIONS");
    uint64_t o3 = FH_SIP(&h, 1, 2, 60, .start = "OPTIONS sip:bob@b.example SIP/2.0",
                         .branch = "r3o", .cseq = "6 OPTIONS");
    fh_finish(&h);
    assert_false(retrans(&h, inv));
    assert_false(retrans(&h, ack));
    assert_true(retrans(&h, ack2));
    assert_int_equal(fh_msg(&h, ack)->txn, fh_msg(&h, inv)->txn);
    assert_false(retrans(&h, o1));
    assert_true(retrans(&h, o2));
    assert_false(retrans(&h, o3));
    fh_free(&h);
}

/* A 180 with To tag `tag`, written out (the harness cuts long tags). */
static uint64_t ringing(fh_t *h, int64_t ms, const char *tag)
{
    char text[1024];
    int n = snprintf(text, sizeof text,
                     "SIP/2.0 180 Ringing\n"
                     "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr4\n"
                     "From: Alice <sip:alice@a.example>;tag=ft1\n"
                     "To: Bob <sip:bob@b.example>;tag=%s\n"
                     "Call-ID: call-1@a.example\n"
                     "CSeq: 1 INVITE\n"
                     "Content-Length: 0\n"
                     "\n",
                     tag);
    assert_true(n > 0 && (size_t)n < sizeof text);
    return fh_push_raw(h, 2, 1, ms, text, (size_t)n);
}

/* Hostile field lengths: every field is taken up to 240 bytes (as the
 * fingerprint always did), so tags that differ only past that are one
 * tag; tags that differ within it are two. */
static void test_long_fields(void **s)
{
    (void)s;
    char t1[320], t2[320], t3[320];
    memset(t1, 'a', sizeof t1 - 1);
    t1[sizeof t1 - 1] = 0;
    memcpy(t2, t1, sizeof t1);
    memcpy(t3, t1, sizeof t1);
    t2[300] = 'b'; /* past 240 */
    t3[100] = 'b';
    fh_t h;
    fh_init(&h);
    FH_SIP(&h, 1, 2, 0, .start = INV, .branch = "z9hG4bKr4", .cseq = "1 INVITE");
    uint64_t a = ringing(&h, 10, t1);
    uint64_t b = ringing(&h, 20, t2);
    uint64_t c = ringing(&h, 30, t3);
    uint64_t d = ringing(&h, 40, t3);
    fh_finish(&h);
    assert_false(retrans(&h, a));
    assert_true(retrans(&h, b));
    assert_false(retrans(&h, c));
    assert_true(retrans(&h, d));
    assert_int_equal(fh_msg(&h, c)->txn, fh_msg(&h, a)->txn);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_fields),
        cmocka_unit_test(test_response_fields),
        cmocka_unit_test(test_cseq_fields),
        cmocka_unit_test(test_long_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
