/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one XML/HTML escaper (ladders and the HTML report). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/markup_escape.h"

static char *esc(const char *s, size_t n, sf_markup_ctrl_t ctrl)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    sf_markup_escape(f, s, n, ctrl);
    fclose(f);
    return buf;
}

static void check(const char *s, size_t n, sf_markup_ctrl_t ctrl, const char *want)
{
    char *got = esc(s, n, ctrl);
    assert_string_equal(got, want);
    free(got);
}

static void test_markup_escape(void **state)
{
    (void)state;
    /* markup characters, both modes */
    check("a&b<c>d\"e'f", SIZE_MAX, SF_MARKUP_CTRL_HEX, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    check("a&b<c>d\"e'f", SIZE_MAX, SF_MARKUP_CTRL_REPLACE, "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    /* TAB, LF, CR kept; other controls shown or replaced; DEL only replaced */
    check("x\t\n\r\x01\x7fy", SIZE_MAX, SF_MARKUP_CTRL_HEX, "x\t\n\r\\x01\x7fy");
    check("x\t\n\r\x01\x7fy", SIZE_MAX, SF_MARKUP_CTRL_REPLACE, "x\t\n\r\xEF\xBF\xBD\xEF\xBF\xBDy");
    /* well-formed UTF-8 kept, a stray continuation byte is not */
    check("caf\xC3\xA9 \x80!", SIZE_MAX, SF_MARKUP_CTRL_HEX, "caf\xC3\xA9 \\x80!");
    check("caf\xC3\xA9 \x80!", SIZE_MAX, SF_MARKUP_CTRL_REPLACE, "caf\xC3\xA9 \xEF\xBF\xBD!");
    /* U+FFFF is not an XML character */
    check("\xEF\xBF\xBF", SIZE_MAX, SF_MARKUP_CTRL_HEX, "?");
    check("\xEF\xBF\xBF", SIZE_MAX, SF_MARKUP_CTRL_REPLACE, "\xEF\xBF\xBD");
    /* an explicit length covers NUL bytes and stops inside the string */
    check("a\0b", 3, SF_MARKUP_CTRL_HEX, "a\\x00b");
    check("abcdef", 3, SF_MARKUP_CTRL_REPLACE, "abc");
    /* a sequence cut by the length is not half-written */
    check("\xC3\xA9", 1, SF_MARKUP_CTRL_HEX, "\\xC3");
    check(NULL, SIZE_MAX, SF_MARKUP_CTRL_HEX, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_markup_escape)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
