/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sf_test.h"

#include <string.h>

#include "sipflow/anomaly.h"
#include "sipflow/msg_meta.h"
#include "sipflow/types.h"
#include "sipflow/utf8.h"

static void test_ts_format(void **state)
{
    (void)state;
    char b[SF_TS_STRLEN];
    sf_ts_t t = {.sec = 1764240189, .nsec = 123456789, .prec = 9};
    sf_ts_format(t, b, sizeof b);
    assert_string_equal(b, "1764240189.123456789");
    t.prec = 6;
    sf_ts_format(t, b, sizeof b);
    assert_string_equal(b, "1764240189.123456");
    t.nsec = 5000;
    sf_ts_format(t, b, sizeof b);
    assert_string_equal(b, "1764240189.000005");
    t.prec = 0;
    sf_ts_format(t, b, sizeof b);
    assert_string_equal(b, "1764240189");
}

static void test_ts_cmp_diff(void **state)
{
    (void)state;
    sf_ts_t a = {10, 500, 9}, b = {10, 400, 9}, c = {9, 999999999, 9};
    assert_int_equal(sf_ts_cmp(a, b), 1);
    assert_int_equal(sf_ts_cmp(c, b), -1);
    assert_int_equal(sf_ts_cmp(a, a), 0);
    assert_int_equal(sf_ts_diff_ns(a, c), 501);
    sf_ts_t huge = {INT64_MAX, 0, 9}, tiny = {INT64_MIN, 0, 9};
    assert_true(sf_ts_diff_ns(huge, tiny) == INT64_MAX);
    assert_true(sf_ts_diff_ns(tiny, huge) == INT64_MIN);
}

static void test_endpoint_format(void **state)
{
    (void)state;
    char b[SF_ENDPOINT_STRLEN];
    sf_endpoint_t v4 = {.family = 4, .addr = {192, 0, 2, 1}, .port = 5060};
    sf_endpoint_format(&v4, b, sizeof b);
    assert_string_equal(b, "192.0.2.1:5060");
    sf_endpoint_t v6 = {.family = 6, .addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 1}, .port = 5061};
    sf_endpoint_format(&v6, b, sizeof b);
    assert_string_equal(b, "[2001:db8::1]:5061");
    sf_endpoint_t v6b = v6;
    assert_true(sf_endpoint_eq(&v6, &v6b));
    v6b.port = 1;
    assert_false(sf_endpoint_eq(&v6, &v6b));
}

static void test_slice(void **state)
{
    (void)state;
    sf_slice_t s = {"Via", 3};
    assert_true(sf_slice_eq(s, "Via"));
    assert_false(sf_slice_eq(s, "VIA"));
    assert_true(sf_slice_ieq(s, "vIA"));
    assert_false(sf_slice_ieq(s, "Vi"));
}

static void test_meta_frames(void **state)
{
    (void)state;
    sf_msg_meta_t m;
    memset(&m, 0, sizeof m);
    sf_msg_meta_add_frame(&m, 5);
    sf_msg_meta_add_frame(&m, 3);
    sf_msg_meta_add_frame(&m, 9);
    sf_msg_meta_add_frame(&m, 5);
    assert_int_equal(m.n_frames, 3);
    assert_int_equal(m.frames[0], 3);
    assert_int_equal(m.frames[1], 5);
    assert_int_equal(sf_msg_meta_last_frame(&m), 9);
    sf_msg_meta_clear_frames(&m);
    for (uint64_t f = 1; f <= 100; f++) sf_msg_meta_add_frame(&m, f);
    assert_int_equal(m.n_frames, SF_MSG_MAX_FRAMES);
    assert_int_equal(m.frames_omitted, 100 - SF_MSG_MAX_FRAMES);
    assert_int_equal(m.frames[0], 1);
    assert_int_equal(sf_msg_meta_last_frame(&m), 100);
    for (uint32_t i = 1; i < m.n_frames; i++) assert_true(m.frames[i] > m.frames[i - 1]);
}

static int seen;
static void count_anom(void *user, const sf_anomaly_t *a)
{
    (void)user;
    assert_int_equal(a->layer, SF_LAYER_TCP);
    assert_string_equal(a->reason, "gap of 12 bytes");
    assert_int_equal(a->frame, 7);
    seen++;
}

static void test_anomaly(void **state)
{
    (void)state;
    sf_anomaly_sink_t sink = {count_anom, NULL};
    sf_anomaly_emit(&sink, 0, 7, (sf_ts_t){0, 0, 6}, SF_ANOM_TCP_GAP, "gap of %d bytes", 12);
    assert_int_equal(seen, 1);
    for (int k = 0; k < SF_ANOM_KIND_COUNT; k++) {
        assert_non_null(sf_anomaly_kind_name((sf_anomaly_kind_t)k));
        assert_string_not_equal(sf_anomaly_kind_name((sf_anomaly_kind_t)k), "unknown");
    }
    sf_anomaly_emit(NULL, 0, 0, (sf_ts_t){0, 0, 6}, SF_ANOM_TCP_GAP, "ignored");
}

static void test_utf8(void **state)
{
    (void)state;
    uint32_t cp = 0;
    assert_int_equal(sf_utf8_next((const unsigned char *)"A", 1, &cp), 1);
    assert_int_equal(cp, 'A');
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xc3\xa9", 2, &cp), 2);
    assert_int_equal(cp, 0xE9);
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xf0\x9f\x98\x80", 4, NULL), 4);
    /* RFC 3629 4: overlong, surrogate, past U+10FFFF, truncated, lone continuation */
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xc0\xaf", 2, NULL), 0);
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xe0\x80\xaf", 3, NULL), 0);
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xed\xa0\x80", 3, NULL), 0);
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xf4\x90\x80\x80", 4, NULL), 0);
    assert_int_equal(sf_utf8_next((const unsigned char *)"\xe2\x82", 2, NULL), 0);
    assert_int_equal(sf_utf8_next((const unsigned char *)"\x80", 1, NULL), 0);
    assert_int_equal(sf_utf8_next((const unsigned char *)"", 0, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ts_format),    cmocka_unit_test(test_ts_cmp_diff),
        cmocka_unit_test(test_endpoint_format), cmocka_unit_test(test_slice),
        cmocka_unit_test(test_meta_frames), cmocka_unit_test(test_utf8),  cmocka_unit_test(test_anomaly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
