/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The parser's fast paths for the usual From/To ("<URI>;tag=",
 * "display <URI>;tag=") and top Via ("SIP/2.0/UDP host:port;branch=")
 * shapes, against values just outside those shapes, where the full checks
 * must decide. The expected fields and defects are what the parser gave
 * before the fast paths existed (RFC 3261 20.10, 20.20, 20.39, 20.42). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

/* From value, To value, Via line(s) */
static const char *const cases[][3] = {
    {"sipp <sip:a@h>;tag=1", "<sip:b@h>", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-1"},
    {"<sip:a@h>;tag=1", "<sip:b@h>;tag=2", "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-1"},
    {"*<sip:a@h>;tag=1", "<sip:b@h>", "SIP/2.0/UDP h:5060;branch=x;rport"},
    {"<sip:a@h> ;tag=1", "<sip:b@h>  ;tag=2 ", "SIP/2.0/UDP h:5060;branch= z9hG4bK-1"},
    {"< sip:a@h>;tag=1", "<sip:b@h >", "SIP/2.0/UDP h:5060;branch=\"q\""},
    {"<>;tag=1", "x <sip:b@h>x", "SIP/2.0/UDP h:5060;branch=a,SIP/2.0/TCP g;branch=b"},
    {"a b <sip:a@h>;tag=1", "\"B\" <sip:b@h>;tag=2",
     "SIP/2.0/UDP h:5060;branch=a;received=1.2.3.4"},
    {"<sip:a@h;tag=9>;tag=1", "<sip:b@h", "SIP/2.0/UDP h:5060;BRANCH=z9hG4bK-Q"},
    {"sip:a@h;tag=1", "<sip:b@h>;tag=\"2\"", "SIP/2.0/UDP h:5060;branch=z9hG4bK-1 ;rport"},
    {"<sip:a@h>;tag=1;x=2", "<sip:b@h>;tag=", "SIP/2.0/UDP h:99999;branch=z9hG4bK-1"},
    {"<sip:a@h>;tag=a?b", "<sip:b@h>;tag", "SIP/2.0/UDP h_1.example-2.com:5060;branch=z9hG4bK,"},
    {"<sip:a@h>;tag=1", "<sip:b@h>;tag=2",
     "SIP/2.0/UDP h:5060;branch=z9hG4bK-1\r\nVia: SIP/2.0/UDP g;branch=y, SIP/2.0/UDP k"},
    {"<sip:a@h>;tag=1", "<sip:b@h>;tag=2", "SIP/2.0/UDP h\xc3\xa9:5060;branch=z9hG4bK-1"},
    {"<sip:a@h>;tag=1", "<sip:b@h>;tag=2", "SIP/2.0/UDP [::1]:5060;branch=z9hG4bK0123456789abcdef"},
    {"<sip:a@h>;tag=1", "<sip:b@h>;tag=2", "SIP/2.0/UDP 127.0.0.1:00005060;branch=z9hG4bK-1"},
    {"<sip:a@h>;tag=1", "<sip:b@h>;tag=2",
     "SIP/2.0/UDP a-very-long-host-name.example.com:5060;branch=z9hG4bK"},
};

typedef struct expect {
    const char *from_tag, *to_tag, *branch, *host; /* NULL: absent */
    uint32_t n_via;
    uint16_t port;
    bool rfc3261;
    const char *malformed;
    uint32_t offset;
} expect_t;

static const expect_t want[] = {
    {"1", NULL, "z9hG4bK-1", "10.0.0.1", 1, 5060, 1, NULL, 0},
    {"1", "2", "z9hG4bK-1", "10.0.0.1", 1, 0, 1, NULL, 0},
    {NULL, NULL, "x", "h", 1, 5060, 0, NULL, 0},
    {"1", "2", "z9hG4bK-1", "h", 1, 5060, 1, NULL, 0},
    {"1", NULL, "q", "h", 1, 5060, 0, "From: white space inside <URI>", 66},
    {"1", NULL, "a", "h", 2, 5060, 0, "From: empty URI", 87},
    {"1", "2", "a", "h", 1, 5060, 0, NULL, 0},
    {"1", NULL, "z9hG4bK-Q", "h", 1, 5060, 1, "To: missing '>'", 99},
    {"1", "2", "z9hG4bK-1", "h", 1, 5060, 1, NULL, 0},
    {"1", "", NULL, "h", 1, 0, 0, "Via: bad port", 29},
    {"a", NULL, "z9hG4bK", "h_1.example-2.com", 1, 5060, 1, NULL, 0},
    {"1", "2", "z9hG4bK-1", "h", 3, 5060, 1, NULL, 0},
    {"1", "2", NULL, "h", 1, 0, 0, "Via: unexpected characters after sent-by", 29},
    {"1", "2", "z9hG4bK0123456789abcdef", "::1", 1, 5060, 1, NULL, 0},
    {"1", "2", "z9hG4bK-1", "127.0.0.1", 1, 5060, 1, NULL, 0},
    {"1", "2", "z9hG4bK", "a-very-long-host-name.example.com", 1, 5060, 1, NULL, 0},
};

static void check_slice(size_t i, const char *what, sf_slice_t s, const char *w)
{
    bool ok = w ? (s.p && sf_slice_eq(s, w)) : s.p == NULL;
    if (!ok) {
        print_error("case %zu %s: \"%.*s\" (%s), want %s\n", i, what, (int)s.len, s.p ? s.p : "",
                    s.p ? "set" : "NULL", w ? w : "NULL");
        fail();
    }
}

static void shapes(void **state)
{
    (void)state;
    assert_int_equal(sizeof cases / sizeof cases[0], sizeof want / sizeof want[0]);
    sf_sip_parser_t *p = sf_sip_parser_create();
    assert_non_null(p);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char tmp[1024];
        int n = snprintf(tmp, sizeof tmp,
                         "INVITE sip:x@h SIP/2.0\r\nVia: %s\r\nFrom: %s\r\nTo: %s\r\n"
                         "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
                         cases[i][2], cases[i][0], cases[i][1]);
        assert_true(n > 0 && (size_t)n < sizeof tmp);
        /* exactly sized, so ASan sees any read past the end */
        char *buf = malloc((size_t)n);
        assert_non_null(buf);
        memcpy(buf, tmp, (size_t)n);
        sf_sip_msg_t m;
        assert_true(sf_sip_parse(p, buf, (uint32_t)n, &m));
        const expect_t *w = &want[i];
        check_slice(i, "from tag", m.from_tag, w->from_tag);
        check_slice(i, "to tag", m.to_tag, w->to_tag);
        check_slice(i, "branch", m.via.branch, w->branch);
        check_slice(i, "host", m.via.host, w->host);
        assert_int_equal(m.n_via, w->n_via);
        assert_int_equal(m.via.port, w->port);
        assert_int_equal(m.via.rfc3261_branch, w->rfc3261);
        if (w->malformed) {
            assert_non_null(m.malformed);
            assert_string_equal(m.malformed, w->malformed);
            assert_int_equal(m.malformed_offset, w->offset);
        } else if (m.malformed) {
            print_error("case %zu: unexpected defect \"%s\"\n", i, m.malformed);
            fail();
        }
        free(buf);
    }
    sf_sip_parser_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
