/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Regressions found by the fuzz harnesses (tests/fuzz/regressions/) in the
 * SIP layer. The sanitizer build of this test fails if the undefined
 * behaviour UBSan reported comes back. */
#include <string.h>

#include "sf_test.h"
#include "sipflow/sdp.h"
#include "sipflow/sip_msg.h"

/* fuzz_sip_parser sdp-rtpmap-without-value: "a=rtpmap" with no colon and
 * no value gave field() a NULL slice, and NULL + 0 is undefined. The SDP
 * is still parsed; nothing is invented for the empty rtpmap. */
static void test_sdp_rtpmap_without_value(void **s)
{
    (void)s;
    static const char body[] = "v=p\x10\na=rtpmap";
    sf_sdp_t sdp;
    assert_true(sf_sdp_parse(body, (uint32_t)strlen(body), &sdp));
    assert_int_equal(sdp.n_media, 0);

    /* the minimised fuzz input itself, through the parser */
    static const char msg[] = " SIP/\xff\n\nv=p\x10\na=rtpmap";
    sf_sip_parser_t *p = sf_sip_parser_create();
    assert_non_null(p);
    sf_sip_msg_t m;
    if (sf_sip_parse(p, msg, (uint32_t)strlen(msg), &m) && m.body.len)
        assert_true(sf_sdp_parse(m.body.p, m.body.len, &sdp));
    sf_sip_parser_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdp_rtpmap_without_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
