/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The statistics' capped tables: top failure codes with an "other" row,
 * client/server pairs with an "other" row, timings, anomalies, and the
 * message counters taken from a selected call's ladder arrows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/stats.h"

static sf_call_t failed_call(int code, const char *phrase, const char *warning)
{
    sf_call_t c;
    memset(&c, 0, sizeof c);
    c.outcome = sf_outcome_from_code(code, false);
    c.final_code = code;
    c.reason_phrase = (char *)phrase;
    c.reason_header.cause = -1;
    c.diagnosis.warning = (char *)warning;
    c.pdd_ms = c.setup_ms = c.duration_ms = -1;
    return c;
}

static void test_top_failures_and_other(void **state)
{
    (void)state;
    sf_stats_t *s = sf_stats_create();
    assert_non_null(s);
    /* 12 distinct codes: code 400+i seen i+1 times */
    for (int i = 0; i < 12; i++) {
        sf_call_t c = failed_call(400 + i, "X", NULL);
        for (int k = 0; k <= i; k++)
            sf_stats_on_call(s, &c);
    }
    /* the same code with a Warning is a key of its own */
    sf_call_t w = failed_call(411, "X", "399 x \"why\"");
    sf_stats_on_call(s, &w);
    const sf_stats_failure_t *top[SF_STATS_TOP_FAILURES];
    uint64_t other = 0;
    uint32_t n = sf_stats_top_failures(s, top, SF_STATS_TOP_FAILURES, &other);
    assert_int_equal(n, 10);
    assert_int_equal(top[0]->code, 411);
    assert_int_equal(top[0]->calls, 12);
    assert_string_equal(top[0]->warning, "");
    assert_int_equal(top[9]->code, 402);
    /* not shown: 400 (1), 401 (2), 411 with Warning (1) */
    assert_int_equal(other, 4);
    assert_int_equal(s->failed_calls, 79);
    /* answered calls are no failures; timings collected */
    sf_call_t ok = failed_call(200, "OK", NULL);
    ok.outcome = SF_OUTCOME_ANSWERED;
    ok.setup_ms = 1500;
    sf_stats_on_call(s, &ok);
    assert_int_equal(s->failed_calls, 79);
    assert_int_equal(s->setup_ms.count, 1);
    assert_int_equal(sf_hist_percentile(&s->setup_ms, 50), 1500); /* one sample: exact */
    sf_stats_destroy(s);
}

static void test_failure_keys_capped(void **state)
{
    (void)state;
    sf_stats_t *s = sf_stats_create();
    char warn[32];
    for (int i = 0; i < SF_STATS_MAX_FAILURE_KEYS + 5; i++) {
        snprintf(warn, sizeof warn, "399 h \"%d\"", i);
        sf_call_t c = failed_call(500, "E", warn);
        sf_stats_on_call(s, &c);
    }
    assert_int_equal(s->n_failures, SF_STATS_MAX_FAILURE_KEYS);
    assert_int_equal(s->failures_other, 5);
    uint64_t other = 0;
    const sf_stats_failure_t *top[SF_STATS_TOP_FAILURES];
    sf_stats_top_failures(s, top, SF_STATS_TOP_FAILURES, &other);
    assert_int_equal(other, SF_STATS_MAX_FAILURE_KEYS + 5 - SF_STATS_TOP_FAILURES);
    sf_stats_destroy(s);
}

static void test_pairs_capped_with_other(void **state)
{
    (void)state;
    sf_stats_t *s = sf_stats_create();
    assert_true(sf_stats_enable_pairs(s));
    sf_call_endpoint_t eps[2];
    memset(eps, 0, sizeof eps);
    sf_arrow_t arrows[2];
    memset(arrows, 0, sizeof arrows);
    arrows[0].from = 0;
    arrows[0].to = 1;
    arrows[0].request = true;
    arrows[0].label = "INVITE";
    arrows[1].from = 1;
    arrows[1].to = 0;
    arrows[1].status = 486;
    arrows[1].label = "486 Busy Here";
    arrows[1].detail = "CSeq 1 INVITE";
    for (int i = 0; i < SF_STATS_MAX_PAIRS + 3; i++) {
        sf_call_t c = failed_call(486, "Busy Here", NULL);
        eps[0].ep.family = eps[1].ep.family = 4;
        eps[0].ep.addr[3] = (uint8_t)i;
        eps[0].ep.port = eps[1].ep.port = 5060;
        eps[1].ep.addr[3] = 200;
        c.n_endpoints = 2;
        c.endpoints = eps;
        c.n_arrows = 2;
        c.arrows = arrows;
        sf_stats_on_call(s, &c);
        sf_stats_on_call_messages(s, &c);
    }
    assert_int_equal(s->n_pairs, SF_STATS_MAX_PAIRS);
    assert_int_equal(s->pair_other.calls, 3);
    assert_int_equal(s->pair_other.messages, 6);
    assert_int_equal(s->pair_other.responses_by_class[3], 3);
    const sf_stats_pair_t *rows[SF_STATS_MAX_PAIRS];
    assert_int_equal(sf_stats_sorted_pairs(s, rows), SF_STATS_MAX_PAIRS);
    assert_int_equal(rows[0]->requests, 1);
    assert_int_equal(rows[0]->failed, 1);
    /* counters from the arrows: request by label, response by CSeq method */
    assert_int_equal(s->messages, 2 * (SF_STATS_MAX_PAIRS + 3));
    assert_int_equal(s->methods[SF_METHOD_INVITE]->requests, SF_STATS_MAX_PAIRS + 3);
    assert_int_equal(s->methods[SF_METHOD_INVITE]->responses[486], SF_STATS_MAX_PAIRS + 3);
    sf_stats_on_anomaly(s, SF_ANOM_TCP_GAP);
    sf_stats_on_anomaly(s, SF_ANOM_KIND_COUNT); /* out of range: total only */
    assert_int_equal(s->anomalies[SF_ANOM_TCP_GAP], 1);
    assert_int_equal(s->anomalies_total, 2);
    sf_stats_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_top_failures_and_other),
        cmocka_unit_test(test_failure_keys_capped),
        cmocka_unit_test(test_pairs_capped_with_other),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
