/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sf_test.h"

#include <string.h>

#include "sipflow/json_writer.h"

static char *render(sf_json_t *j)
{
    sf_json_raw(j, "", 0);
    j->buf[j->len] = 0; /* reserve() always keeps one spare byte */
    return j->buf;
}

static void test_structure(void **state)
{
    (void)state;
    sf_json_t j;
    sf_json_init(&j);
    sf_json_object_begin(&j);
    sf_json_key(&j, "a");
    sf_json_int(&j, -5);
    sf_json_key(&j, "b");
    sf_json_array_begin(&j);
    sf_json_uint(&j, 1);
    sf_json_uint(&j, 18446744073709551615ull);
    sf_json_array_begin(&j);
    sf_json_array_end(&j);
    sf_json_null(&j);
    sf_json_bool(&j, true);
    sf_json_array_end(&j);
    sf_json_key(&j, "c");
    sf_json_object_begin(&j);
    sf_json_object_end(&j);
    sf_json_key(&j, "d");
    sf_json_slice(&j, SF_SLICE_NULL);
    sf_json_object_end(&j);
    assert_string_equal(render(&j),
                        "{\"a\":-5,\"b\":[1,18446744073709551615,[],null,true],\"c\":{},\"d\":null}");
    sf_json_free(&j);
}

static void test_escaping(void **state)
{
    (void)state;
    sf_json_t j;
    sf_json_init(&j);
    /* quotes, backslash, control, NUL, valid UTF-8 (é, €, U+1F600), invalid
     * bytes (lone continuation, overlong, surrogate, truncated sequence) */
    const char in[] = "q\"b\\\n\t\x01\0"
                      "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                      "\x80\xc0\xaf\xed\xa0\x80\xe2\x82";
    sf_json_string_len(&j, in, sizeof in - 1);
    assert_string_equal(render(&j), "\"q\\\"b\\\\\\n\\t\\u0001\\u0000"
                                    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                                    "\\u0080\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e2\\u0082\"");
    sf_json_free(&j);
}

static void test_flush(void **state)
{
    (void)state;
    sf_json_t j;
    sf_json_init(&j);
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 3; i++) {
        sf_json_object_begin(&j);
        sf_json_key(&j, "i");
        sf_json_int(&j, i);
        sf_json_object_end(&j);
        assert_int_equal(sf_json_flush_line(&j, f), 0);
    }
    rewind(f);
    char buf[64] = {0};
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    assert_string_equal(buf, "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
    fclose(f);
    sf_json_free(&j);
}

static void test_deep_nesting_bounded(void **state)
{
    (void)state;
    sf_json_t j;
    sf_json_init(&j);
    for (int i = 0; i < 100; i++) sf_json_array_begin(&j);
    for (int i = 0; i < 100; i++) sf_json_array_end(&j);
    assert_int_equal(j.depth, 0);
    assert_int_equal(j.len, 200);
    sf_json_free(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_deep_nesting_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
