/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The engine's keep_media switch: with it (the default) a call carries its
 * SDP offer and answer (RFC 3264 on the initial INVITE, RFC 3261 13.2.1);
 * without it (what `sipflow stats` runs, since no statistic reads media)
 * no SDP is parsed, and everything else about the call stays the same. */
#include <stdio.h>
#include <string.h>

#include "flow_harness.h"

enum { ALICE = 1, BOB = 2 };

static void push_with_sdp(fh_t *h, int src, int dst, int64_t ms, const char *start,
                          const char *branch, const char *cseq, const char *ttag, const char *ip)
{
    char sdp[256];
    int sl = snprintf(sdp, sizeof sdp,
                      "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                      "m=audio 4000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\n",
                      ip, ip);
    char tt[64] = "";
    if (ttag) snprintf(tt, sizeof tt, ";tag=%s", ttag);
    char text[1024];
    int n = snprintf(text, sizeof text,
                     "%s\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=%s\r\n"
                     "From: <sip:alice@a.example>;tag=ft1\r\nTo: <sip:bob@b.example>%s\r\n"
                     "Call-ID: media-1@a.example\r\nCSeq: %s\r\n"
                     "Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s",
                     start, branch, tt, cseq, sl, sdp);
    assert_true(n > 0 && (size_t)n < sizeof text);
    fh_push_raw(h, src, dst, ms, text, (size_t)n);
}

static void run_call(fh_t *h)
{
    push_with_sdp(h, ALICE, BOB, 0, "INVITE sip:bob@b.example SIP/2.0", "z9hG4bKm1", "1 INVITE",
                  NULL, "10.0.0.1");
    push_with_sdp(h, BOB, ALICE, 100, "SIP/2.0 200 OK", "z9hG4bKm1", "1 INVITE", "bt", "10.0.0.2");
    FH_SIP(h, ALICE, BOB, 110, .start = "ACK sip:bob@b.example SIP/2.0", .branch = "z9hG4bKm2",
           .cseq = "1 ACK", .ttag = "bt", .cid = "media-1@a.example");
    FH_SIP(h, ALICE, BOB, 2000, .start = "BYE sip:bob@b.example SIP/2.0", .branch = "z9hG4bKm3",
           .cseq = "2 BYE", .ttag = "bt", .cid = "media-1@a.example");
    FH_SIP(h, BOB, ALICE, 2010, .start = "SIP/2.0 200 OK", .branch = "z9hG4bKm3", .cseq = "2 BYE",
           .ttag = "bt", .cid = "media-1@a.example");
    fh_finish(h);
}

static void test_media_kept_by_default(void **s)
{
    (void)s;
    fh_t h;
    fh_init(&h);
    run_call(&h);
    assert_int_equal(h.n_calls, 1);
    assert_int_equal(h.calls[0].outcome, SF_OUTCOME_ANSWERED);
    assert_true(h.calls[0].offer);
    assert_true(h.calls[0].answer);
    assert_string_equal(h.calls[0].offer_codecs, "PCMA,PCMU");
    fh_free(&h);
}

static void test_media_off_changes_nothing_else(void **s)
{
    (void)s;
    sf_engine_config_t cfg;
    sf_engine_config_default(&cfg);
    cfg.keep_media = false;
    fh_t h;
    fh_init_cfg(&h, &cfg);
    run_call(&h);
    assert_int_equal(h.n_calls, 1);
    assert_false(h.calls[0].offer);
    assert_false(h.calls[0].answer);
    assert_string_equal(h.calls[0].offer_codecs, "");
    /* the rest of the call is what the default engine reports */
    fh_t d;
    fh_init(&d);
    run_call(&d);
    assert_int_equal(h.calls[0].outcome, d.calls[0].outcome);
    assert_int_equal(h.calls[0].messages, d.calls[0].messages);
    assert_int_equal(h.calls[0].setup_ms, d.calls[0].setup_ms);
    assert_int_equal(h.calls[0].duration_ms, d.calls[0].duration_ms);
    assert_int_equal(h.calls[0].n_dialogs, d.calls[0].n_dialogs);
    assert_int_equal(h.n_msgs, d.n_msgs);
    fh_free(&d);
    fh_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_media_kept_by_default),
        cmocka_unit_test(test_media_off_changes_nothing_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
