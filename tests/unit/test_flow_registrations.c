/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Flow engine registrations (issue 3: "REGISTER grouped by
 * address-of-record; a 401/407 followed by success is a success with a
 * challenge counted; failures and expiries reported"). Party 1 is the UA,
 * 5 the registrar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_harness.h"

enum { UA = 1, REGISTRAR = 5, OTHER = 9 };

#define REG_LINE "REGISTER sip:registrar.b.example SIP/2.0"

static void reg_req(fh_t *h, int64_t ms, const char *branch, const char *cseq, const char *extra)
{
    FH_SIP(h, UA, REGISTRAR, ms, .start = REG_LINE, .branch = branch, .cseq = cseq,
           .cid = "reg-1@a.example", .ftag = "r1",
           .extra = extra ? extra : "Contact: <sip:bob@10.0.0.1>\nExpires: 3600\n");
}

static void reg_resp(fh_t *h, int64_t ms, const char *status, const char *branch, const char *cseq,
                     const char *extra)
{
    FH_SIP(h, REGISTRAR, UA, ms, .start = status, .branch = branch, .cseq = cseq,
           .cid = "reg-1@a.example", .ftag = "r1", .ttag = "rt", .extra = extra);
}

/* 407 then REGISTER with credentials then 200 with expires=3600, and the
 * first REGISTER re-sent once: registered, one challenge, two attempts,
 * one retransmission, granted expiry 3600; no call. */
static void test_challenge_registered(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    reg_req(&h, 0, "z9hG4bKr1", "1 REGISTER", NULL);
    reg_req(&h, 500, "z9hG4bKr1", "1 REGISTER", NULL);
    reg_resp(&h, 600, "SIP/2.0 407 Proxy Authentication Required", "z9hG4bKr1", "1 REGISTER", NULL);
    reg_req(&h, 700, "z9hG4bKr2", "2 REGISTER", NULL);
    reg_resp(&h, 800, "SIP/2.0 200 OK", "z9hG4bKr2", "2 REGISTER",
             "Contact: <sip:bob@10.0.0.1>;expires=3600\n");
    fh_finish(&h);
    assert_int_equal(h.n_calls, 0);
    assert_int_equal(h.n_regs, 1);
    const fh_reg_t *r = &h.regs[0];
    assert_int_equal(r->outcome, SF_REG_REGISTERED);
    assert_int_equal(r->challenges, 1);
    assert_int_equal(r->attempts, 2);
    assert_int_equal(r->retransmissions, 1);
    assert_int_equal(r->expires, 3600);
    assert_int_equal(r->final_code, 200);
    assert_string_equal(r->aor, "sip:bob@b.example");
    for (uint64_t f = 1; f <= 5; f++)
        assert_int_equal(fh_msg(&h, f)->registration, 1);
    assert_int_equal(h.stats->reg_challenges, 1);
    fh_free(&h);
}

/* 403 without a retry: failed, no challenge. */
static void test_forbidden_failed(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    reg_req(&h, 0, "z9hG4bKr1", "1 REGISTER", NULL);
    reg_resp(&h, 100, "SIP/2.0 403 Forbidden", "z9hG4bKr1", "1 REGISTER", NULL);
    fh_finish(&h);
    assert_int_equal(h.n_regs, 1);
    assert_int_equal(h.regs[0].outcome, SF_REG_FAILED);
    assert_int_equal(h.regs[0].final_code, 403);
    assert_int_equal(h.regs[0].challenges, 0);
    fh_free(&h);
}

/* A REGISTER never answered, other traffic 40 s later: Timer F (64*T1)
 * fired: timeout. */
static void test_timeout(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    reg_req(&h, 0, "z9hG4bKr1", "1 REGISTER", NULL);
    FH_SIP(&h, OTHER, REGISTRAR, 40000, .start = "OPTIONS sip:r@b.example SIP/2.0",
           .branch = "z9hG4bKo1", .cseq = "1 OPTIONS", .cid = "o");
    fh_finish(&h);
    assert_int_equal(h.n_regs, 1);
    assert_int_equal(h.regs[0].outcome, SF_REG_TIMEOUT);
    assert_int_equal(h.regs[0].final_code, 0);
    fh_free(&h);
}

/* Registration, then a refresh an hour later (same AoR and Call-ID,
 * higher CSeq): two registrations, both registered, numbered 1 and 2. */
static void test_refresh_is_new_registration(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    reg_req(&h, 0, "z9hG4bKr1", "1 REGISTER", NULL);
    reg_resp(&h, 100, "SIP/2.0 200 OK", "z9hG4bKr1", "1 REGISTER",
             "Contact: <sip:bob@10.0.0.1>;expires=3600\n");
    reg_req(&h, 3500000, "z9hG4bKr2", "2 REGISTER", NULL);
    reg_resp(&h, 3500100, "SIP/2.0 200 OK", "z9hG4bKr2", "2 REGISTER",
             "Contact: <sip:bob@10.0.0.1>;expires=3600\n");
    fh_finish(&h);
    assert_int_equal(h.n_regs, 2);
    for (uint32_t i = 0; i < 2; i++) {
        assert_int_equal(h.regs[i].number, i + 1);
        assert_int_equal(h.regs[i].outcome, SF_REG_REGISTERED);
        assert_int_equal(h.regs[i].challenges, 0);
    }
    fh_free(&h);
}

/* De-registration of one binding (Contact ...;expires=0) answered by a 200
 * that still lists another device's binding: the request asked for expiry
 * 0 (10.2.2), so unregistered. */
static void test_deregister_one_binding(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    reg_req(&h, 0, "z9hG4bKr1", "1 REGISTER", "Contact: <sip:bob@10.0.0.1>;expires=0\n");
    reg_resp(&h, 100, "SIP/2.0 200 OK", "z9hG4bKr1", "1 REGISTER",
             "Contact: <sip:bob@10.0.0.7>;expires=1200\n");
    fh_finish(&h);
    assert_int_equal(h.n_regs, 1);
    assert_int_equal(h.regs[0].outcome, SF_REG_UNREGISTERED);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_challenge_registered),
        cmocka_unit_test(test_forbidden_failed),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_refresh_is_new_registration),
        cmocka_unit_test(test_deregister_one_binding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
