/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sf_sip_start_line_check() and sf_sip_parse() on hand-written messages:
 * every eager field, compact forms, folding, bare LF, IPv6, quoting,
 * malformations and hostile sizes. Buffers are allocated at their exact
 * size so ASan catches any read past the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

typedef struct fixture {
    sf_sip_parser_t *p;
    char *buf;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->p = sf_sip_parser_create();
    assert_non_null(f->p);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    sf_sip_parser_destroy(f->p);
    free(f->buf);
    free(f);
    return 0;
}

/* Parses a copy of s held in an exactly-sized heap buffer (kept in the
 * fixture until the next call, so slices stay valid). */
static bool parse_n(fixture_t *f, const char *s, size_t n, sf_sip_msg_t *m)
{
    free(f->buf);
    f->buf = malloc(n ? n : 1);
    assert_non_null(f->buf);
    memcpy(f->buf, s, n);
    return sf_sip_parse(f->p, f->buf, (uint32_t)n, m);
}

static bool parse(fixture_t *f, const char *s, sf_sip_msg_t *m)
{
    return parse_n(f, s, strlen(s), m);
}

static void assert_slice(sf_slice_t s, const char *want)
{
    if (!sf_slice_eq(s, want)) {
        print_error("slice \"%.*s\" != \"%s\"\n", (int)s.len, s.p ? s.p : "", want);
        fail();
    }
}

static void assert_malformed(const sf_sip_msg_t *m, const char *sub)
{
    if (!m->malformed || !strstr(m->malformed, sub)) {
        print_error("malformed \"%s\" does not contain \"%s\"\n",
                    m->malformed ? m->malformed : "(null)", sub);
        fail();
    }
}

#define SDP_BODY                                                                                   \
    "v=0\r\n"                                                                                      \
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\n"                                         \
    "s=-\r\n"                                                                                      \
    "c=IN IP4 192.0.2.101\r\n"                                                                     \
    "t=0 0\r\n"                                                                                    \
    "m=audio 49172 RTP/AVP 0 8 101\r\n"                                                            \
    "a=rtpmap:0 PCMU/8000\r\n"                                                                     \
    "a=rtpmap:101 telephone-event/8000\r\n"                                                        \
    "a=ptime:20\r\n"                                                                               \
    "a=sendrecv\r\n"

static const char invite[] =
    "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com:5066;branch=z9hG4bK776asdhds;rport\r\n"
    "Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKabc, SIP/2.0/UDP h3;branch=z9hG4bKdef\r\n"
    "Max-Forwards: 70\r\n"
    "To: Bob <sip:bob@biloxi.example.com>\r\n"
    "From: \"Alice A.\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@pc33.atlanta.example.com>\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 201\r\n"
    "\r\n" SDP_BODY;

static void test_start_line_check(void **state)
{
    (void)state;
    const char *req = "INVITE sip:bob@example.com SIP/2.0\r\n";
    uint32_t rl = (uint32_t)strlen(req);
    assert_int_equal(sf_sip_start_line_check(req, rl), rl);
    assert_int_equal(sf_sip_start_line_check(req, rl + 0), 36);
    /* every proper prefix needs more bytes */
    for (uint32_t i = 0; i < rl; i++)
        assert_int_equal(sf_sip_start_line_check(req, i), -1);
    assert_int_equal(sf_sip_start_line_check("INVITE sip:b SIP/2.0\nVia", 24), 21);
    assert_int_equal(sf_sip_start_line_check("INVITE sip:b sip/2.0\r\n", 22), 22);
    assert_int_equal(sf_sip_start_line_check("SIP/2.0 200 OK\r\n", 16), 16);
    assert_int_equal(sf_sip_start_line_check("sip/2.0 180 \r\n", 14), 14);
    const char *resp = "SIP/2.0 486 Busy Here\r\n";
    for (uint32_t i = 0; i < strlen(resp); i++)
        assert_int_equal(sf_sip_start_line_check(resp, i), -1);
    /* not SIP */
    assert_int_equal(sf_sip_start_line_check("GET / HTTP/1.1\r\n", 16), 0);
    assert_int_equal(sf_sip_start_line_check("HTTP/1.1 200 OK\r\n", 17), 0);
    assert_int_equal(sf_sip_start_line_check("\r\n", 2), 0);
    assert_int_equal(sf_sip_start_line_check("INVITE sip:b SIP/2.1\r\n", 22), 0);
    assert_int_equal(sf_sip_start_line_check("INVITE  sip:b SIP/2.0\r\n", 23), 0);
    assert_int_equal(sf_sip_start_line_check("INVITE sip:b SIP/2.0 \r\n", 23), 0);
    assert_int_equal(sf_sip_start_line_check("SIP/2.0 20 OK\r\n", 15), 0);
    assert_int_equal(sf_sip_start_line_check("SIP/2.0 200 OK\rX", 16), 0);
    assert_int_equal(sf_sip_start_line_check("INV\0TE sip:b SIP/2.0\r\n", 22), 0);
    assert_int_equal(sf_sip_start_line_check("SIP/2.0 200 O\0K\r\n", 17), 0);
    assert_int_equal(sf_sip_start_line_check("", 0), -1);
    /* a start line longer than the cap is not waited for forever */
    size_t n = 9000;
    char *big = malloc(n);
    memcpy(big, "INVITE sip:", 11);
    memset(big + 11, 'a', n - 11);
    assert_int_equal(sf_sip_start_line_check(big, 8000), -1);
    assert_int_equal(sf_sip_start_line_check(big, (uint32_t)n), 0);
    free(big);
}

static void test_method(void **state)
{
    (void)state;
    for (int m = SF_METHOD_INVITE; m < SF_METHOD_COUNT; m++) {
        const char *name = sf_sip_method_name((sf_sip_method_t)m);
        sf_slice_t s = {name, (uint32_t)strlen(name)};
        assert_int_equal(sf_sip_method_from(s), m);
    }
    assert_int_equal(sf_sip_method_from((sf_slice_t){"invite", 6}), SF_METHOD_UNKNOWN);
    assert_int_equal(sf_sip_method_from((sf_slice_t){"INVITEX", 7}), SF_METHOD_UNKNOWN);
    assert_int_equal(sf_sip_method_from(SF_SLICE_NULL), SF_METHOD_UNKNOWN);
    assert_string_equal(sf_sip_method_name(SF_METHOD_UNKNOWN), "");
    assert_string_equal(sf_sip_method_name(SF_METHOD_COUNT), "");
}

static void test_invite_eager_fields(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    assert_true(parse(f, invite, &m));
    assert_null(m.malformed);
    assert_true(m.is_request);
    assert_slice(m.method, "INVITE");
    assert_int_equal(m.method_id, SF_METHOD_INVITE);
    assert_slice(m.request_uri, "sip:bob@biloxi.example.com");
    assert_slice(m.version, "SIP/2.0");
    assert_slice(m.start_line, "INVITE sip:bob@biloxi.example.com SIP/2.0");
    assert_true(m.via.present);
    assert_slice(m.via.transport, "UDP");
    assert_slice(m.via.host, "pc33.atlanta.example.com");
    assert_int_equal(m.via.port, 5066);
    assert_slice(m.via.branch, "z9hG4bK776asdhds");
    assert_true(m.via.rfc3261_branch);
    assert_non_null(m.via.rport.p);
    assert_int_equal(m.via.rport.len, 0);
    assert_null(m.via.received.p);
    assert_int_equal(m.n_via, 3);
    assert_slice(m.from, "\"Alice A.\" <sip:alice@atlanta.example.com>;tag=1928301774");
    assert_slice(m.from_tag, "1928301774");
    assert_slice(m.to, "Bob <sip:bob@biloxi.example.com>");
    assert_int_equal(m.to_tag.len, 0);
    assert_slice(m.call_id, "a84b4c76e66710@pc33.atlanta.example.com");
    assert_true(m.has_cseq);
    assert_int_equal(m.cseq, 314159);
    assert_slice(m.cseq_method, "INVITE");
    assert_int_equal(m.cseq_method_id, SF_METHOD_INVITE);
    assert_int_equal(m.content_length, 201);
    assert_int_equal(m.body.len, 201);
    assert_memory_equal(m.body.p, SDP_BODY, 201);
    assert_int_equal(m.n_headers, 10);
    assert_int_equal(m.headers[0].id, SF_HDR_VIA);
    assert_slice(m.headers[2].name, "Max-Forwards");
    assert_int_equal(m.headers[2].id, SF_HDR_MAX_FORWARDS);
    assert_slice(m.headers[2].value, "70");
    const sf_sip_header_t *h = sf_sip_msg_header(&m, SF_HDR_VIA);
    assert_ptr_equal(h, &m.headers[0]);
    h = sf_sip_msg_header_next(&m, h);
    assert_ptr_equal(h, &m.headers[1]);
    assert_null(sf_sip_msg_header_next(&m, h));
    h = sf_sip_msg_header_by_name(&m, "content-TYPE");
    assert_non_null(h);
    assert_slice(h->value, "application/sdp");
    assert_null(sf_sip_msg_header_by_name(&m, "X-None"));
    assert_null(sf_sip_msg_header(&m, SF_HDR_ROUTE));
}

static void test_response(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    const char *r = "SIP/2.0 180 Ringing\r\n"
                    "Via: SIP/2.0/UDP [2001:db8::9]:5070;branch=z9hG4bKnashds8;"
                    "received=2001:db8::1;rport=5071\r\n"
                    "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
                    "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
                    "Call-ID: a84b4c76e66710\r\n"
                    "CSeq: 314159 INVITE\r\n"
                    "Content-Length: 0\r\n\r\n";
    assert_true(parse(f, r, &m));
    assert_null(m.malformed);
    assert_false(m.is_request);
    assert_int_equal(m.status, 180);
    assert_slice(m.reason, "Ringing");
    assert_slice(m.via.host, "2001:db8::9");
    assert_int_equal(m.via.port, 5070);
    assert_slice(m.via.received, "2001:db8::1");
    assert_slice(m.via.rport, "5071");
    assert_slice(m.to_tag, "a6c85cf");
    assert_int_equal(m.content_length, 0);
    assert_int_equal(m.body.len, 0);
    assert_int_equal(m.method.len, 0);
}

static void test_status_codes(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    const char *tail = "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
                       "To: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
    char buf[512];
    const struct {
        const char *line;
        uint16_t status;
        const char *why;
    } cases[] = {
        {"SIP/2.0 100 Trying", 100, NULL},
        {"SIP/2.0 699 Whatever", 699, NULL},
        {"SIP/2.0 099 Low", 99, "status code out of range"},
        {"SIP/2.0 999 High", 999, "status code out of range"},
        {"SIP/2.0 700 High", 700, "status code out of range"},
        {"SIP/2.0 000 Zero", 0, "status code out of range"},
        {"SIP/2.0 0 Zero", 0, "status code not 3 digits"},
        {"SIP/2.0 4294967301 Big", 65535, "status code not 3 digits"},
        {"SIP/2.0 abc Letters", 0, "missing status code"},
        {"SIP/3.0 200 OK", 200, "unsupported SIP version"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(buf, sizeof buf, "%s%s", cases[i].line, tail);
        assert_true(parse(f, buf, &m));
        assert_false(m.is_request);
        assert_int_equal(m.status, cases[i].status);
        if (cases[i].why)
            assert_malformed(&m, cases[i].why);
        else
            assert_null(m.malformed);
        assert_slice(m.call_id, "x"); /* still parsed */
    }
}

static void test_compact_forms(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    const char *s = "OPTIONS sip:x@y SIP/2.0\r\n"
                    "v: SIP/2.0/TCP a.example;branch=z9hG4bK9\r\n"
                    "f: sip:a@b;tag=ft\r\n"
                    "t: sip:c@d;tag=tt\r\n"
                    "i: cid-1\r\n"
                    "CSeq: 7 OPTIONS\r\n"
                    "m: <sip:a@1.2.3.4>\r\nc: text/plain\r\ne: gzip\r\ns: hi\r\nk: 100rel\r\n"
                    "o: dialog\r\nu: talk\r\nr: <sip:r@x>\r\nb: <sip:b@x>\r\nx: 90\r\ny: abc\r\n"
                    "l: 4\r\n\r\nbody";
    assert_true(parse(f, s, &m));
    assert_null(m.malformed);
    assert_slice(m.via.transport, "TCP");
    assert_slice(m.from_tag, "ft");
    assert_slice(m.to_tag, "tt");
    assert_slice(m.call_id, "cid-1");
    assert_int_equal(m.content_length, 4);
    assert_slice(m.body, "body");
    const sf_sip_hdr_t ids[] = {SF_HDR_VIA,
                                SF_HDR_FROM,
                                SF_HDR_TO,
                                SF_HDR_CALL_ID,
                                SF_HDR_CSEQ,
                                SF_HDR_CONTACT,
                                SF_HDR_CONTENT_TYPE,
                                SF_HDR_CONTENT_ENCODING,
                                SF_HDR_SUBJECT,
                                SF_HDR_SUPPORTED,
                                SF_HDR_EVENT,
                                SF_HDR_ALLOW_EVENTS,
                                SF_HDR_REFER_TO,
                                SF_HDR_REFERRED_BY,
                                SF_HDR_SESSION_EXPIRES,
                                SF_HDR_IDENTITY,
                                SF_HDR_CONTENT_LENGTH};
    assert_int_equal(m.n_headers, sizeof ids / sizeof ids[0]);
    for (size_t i = 0; i < m.n_headers; i++)
        assert_int_equal(m.headers[i].id, ids[i]);
    /* every long name maps to its id, case-insensitively */
    for (int id = 1; id < SF_HDR_COUNT; id++) {
        const char *n = sf_sip_hdr_name((sf_sip_hdr_t)id);
        char low[64];
        size_t k = strlen(n);
        for (size_t j = 0; j <= k; j++)
            low[j] = (char)((n[j] >= 'A' && n[j] <= 'Z') ? n[j] + 32 : n[j]);
        assert_int_equal(sf_sip_hdr_from_name(n, (uint32_t)k), id);
        assert_int_equal(sf_sip_hdr_from_name(low, (uint32_t)k), id);
    }
    assert_int_equal(sf_sip_hdr_from_name("X-Foo", 5), SF_HDR_OTHER);
    assert_int_equal(sf_sip_hdr_from_name("q", 1), SF_HDR_OTHER);
}

static void test_folding_and_bare_lf(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    const char *s = "INVITE sip:x@y SIP/2.0\n"
                    "Via  : SIP  /  2.0\n  /UDP\n\t192.0.2.2;branch=z9hG4bKf\n"
                    "Subject: first\r\n second\r\n"
                    "From: <sip:a@b>\n ;tag=fold\n"
                    "To: <sip:c@d>\n"
                    "Call-ID: \n  folded-cid\n"
                    "CSeq: 1\n INVITE\n"
                    "\nBODY";
    assert_true(parse(f, s, &m));
    assert_null(m.malformed);
    assert_slice(m.via.transport, "UDP");
    assert_slice(m.via.host, "192.0.2.2");
    assert_slice(m.via.branch, "z9hG4bKf");
    assert_slice(m.headers[0].name, "Via");
    assert_slice(m.headers[1].value, "first\r\n second");
    assert_slice(m.from_tag, "fold");
    assert_slice(m.call_id, "folded-cid");
    assert_int_equal(m.cseq, 1);
    assert_slice(m.cseq_method, "INVITE");
    assert_int_equal(m.content_length, -1);
    assert_slice(m.body, "BODY"); /* no Content-Length: the rest */
}

static void test_tags(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    const char *s = "BYE sip:x@y SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP h;x=\"a;branch=no\";branch=z9hG4bKyes\r\n"
                    "From: \"Eve ;tag=fake\\\" <x>\" <sip:e@x;tag=uriparam>;tag=real;q=1\r\n"
                    "To: <sip:t@x;tag=uri-only>\r\n"
                    "Call-ID: c\r\nCSeq: 2 BYE\r\n\r\n";
    assert_true(parse(f, s, &m));
    assert_null(m.malformed);
    assert_slice(m.via.branch, "z9hG4bKyes");
    assert_slice(m.from_tag, "real");
    assert_int_equal(m.to_tag.len, 0);
    /* addr-spec form: every ';' parameter is a header parameter */
    s = "BYE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: sip:e@x;tag=t1\r\n"
        "To: Bob Smith <sip:t@x> ; TAG = \"q\"\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n\r\n";
    assert_true(parse(f, s, &m));
    assert_null(m.malformed);
    assert_slice(m.from_tag, "t1");
    assert_slice(m.to_tag, "q");
    assert_int_equal(m.via.branch.len, 0);
    assert_false(m.via.rfc3261_branch);
    /* unterminated quote */
    s = "BYE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: \"Eve <sip:e@x>;tag=t1\r\n"
        "To: <sip:t@x>\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n\r\n";
    assert_true(parse(f, s, &m));
    assert_malformed(&m, "From: unterminated quoted string");
    assert_int_equal(m.malformed_offset, (uint32_t)(strstr(s, "\"Eve") - s));
    assert_slice(m.call_id, "c");
    /* the direct ";tag=" read and the general parameter scan agree: each
     * form below leaves the direct read for the general one */
    static const struct {
        const char *to, *tag;
    } forms[] = {
        {"<sip:t@x>;tag=plain", "plain"},     /* direct */
        {"<sip:t@x>;tag=a;other=1", "a"},     /* more parameters */
        {"<sip:t@x>;tag=a ;x", "a"},          /* white space after */
        {"<sip:t@x>;tag=\"qq\"", "qq"},       /* quoted */
        {"<sip:t@x>;Tag=Mixed", "Mixed"},     /* case of the name */
        {"<sip:t@x>;x=1;tag=later", "later"}, /* not first */
        {"<sip:t@x>;tag=", ""},               /* empty value */
        {"<sip:t@x>;tagx=1", NULL},           /* another name */
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char buf[256];
        snprintf(buf, sizeof buf,
                 "BYE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nFrom: <sip:e@x>;tag=f\r\n"
                 "To: %s\r\nCall-ID: c\r\nCSeq: 2 BYE\r\n\r\n",
                 forms[i].to);
        assert_true(parse(f, buf, &m));
        assert_slice(m.from_tag, "f");
        if (forms[i].tag)
            assert_slice(m.to_tag, forms[i].tag);
        else
            assert_int_equal(m.to_tag.len, 0);
    }
}

static const char *base_tail = "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\n"
                               "To: <sip:c@d>\r\n";

static void expect(fixture_t *f, const char *extra, const char *why)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "INVITE sip:x@y SIP/2.0\r\n%s%s\r\n", base_tail, extra);
    sf_sip_msg_t m;
    assert_true(parse(f, buf, &m));
    if (why)
        assert_malformed(&m, why);
    else
        assert_null(m.malformed);
}

static void test_malformations(void **state)
{
    fixture_t *f = *state;
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\n", NULL);
    expect(f, "Call-ID: c\r\n", "CSeq missing");
    expect(f, "CSeq: 1 INVITE\r\n", "Call-ID missing");
    expect(f, "Call-ID: c\r\nCSeq: abc INVITE\r\n", "CSeq: not a number");
    expect(f, "Call-ID: c\r\nCSeq: 2147483648 INVITE\r\n", "CSeq: number out of range");
    expect(f, "Call-ID: c\r\nCSeq: 2147483647 INVITE\r\n", NULL);
    expect(f, "Call-ID: c\r\nCSeq: 1\r\n", "CSeq: missing method");
    expect(f, "Call-ID: c\r\nCSeq: 1 BYE\r\n", "CSeq: method does not match");
    expect(f, "Call-ID: c\r\nCall-ID: d\r\nCSeq: 1 INVITE\r\n",
           "two Call-ID headers with different values");
    expect(f, "Call-ID: c\r\ni: c\r\nCSeq: 1 INVITE\r\n", NULL);
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: x1\r\n",
           "Content-Length: not a number");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: -1\r\n",
           "Content-Length: not a number");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 99999999999\r\n",
           "Content-Length: too large");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nContent-Length: 10\r\n",
           "Content-Length larger than the body");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nNoColonHere\r\n", "header line without colon");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nBad Name: x\r\n", "header name is not a token");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nVia: SIP/2.0/UDP\r\n", NULL); /* not top */
    expect(f, "Call-ID:\r\nCSeq: 1 INVITE\r\n", "Call-ID: empty value");
    expect(f, "Call-ID: c\r\nCSeq: 1 INVITE\r\nFrom: <sip:z@z>\r\n", "two From headers");

    sf_sip_msg_t m;
    assert_true(parse(f,
                      "INVITE sip:x@y SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
                      "Call-ID: c\r\nCSeq: 1 INVITE\r\n\r\n",
                      &m));
    assert_malformed(&m, "Via missing");
    assert_false(m.via.present);
    assert_true(parse(f,
                      "INVITE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP [::1;branch=z9hG4bK\r\n"
                      "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: c\r\n"
                      "CSeq: 1 INVITE\r\n\r\n",
                      &m));
    assert_malformed(&m, "Via: unterminated IPv6");
    assert_true(parse(f,
                      "INVITE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h:99999\r\n"
                      "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: c\r\n"
                      "CSeq: 1 INVITE\r\n\r\n",
                      &m));
    assert_malformed(&m, "Via: bad port");
    /* headers never terminated by an empty line */
    assert_true(parse(f, "INVITE sip:x@y SIP/2.0\r\nCall-ID: c\r\n", &m));
    assert_malformed(&m, "no empty line after the headers");
    /* first defect (in message order) wins */
    assert_true(parse(f,
                      "INVITE sip:x@y SIP/2.0\r\nCSeq: x INVITE\r\nCall-ID: a\r\nCall-ID: b\r\n"
                      "\r\n",
                      &m));
    assert_malformed(&m, "CSeq: not a number");
    assert_int_equal(m.malformed_offset, 24);
    /* not SIP at all */
    assert_false(parse(f, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", &m));
    assert_false(parse(f, "", &m));
    assert_false(parse(f, "\r\n\r\n", &m));
    assert_false(parse(f, "hello", &m));
    /* lenient start lines: still SIP, flagged */
    assert_true(parse(f, "INVITE  sip:x@y  SIP/2.0\r\n\r\n", &m));
    assert_malformed(&m, "request line: extra white space");
    assert_slice(m.request_uri, "sip:x@y");
    assert_true(parse(f, "INVITE sip:x@y SIP/7.0\r\n\r\n", &m));
    assert_malformed(&m, "unsupported SIP version");
    assert_true(parse(f, "INVITE <sip:x@y> SIP/2.0\r\n\r\n", &m));
    assert_malformed(&m, "Request-URI enclosed in <>");
}

static void test_body_length(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    char buf[512];
    snprintf(buf, sizeof buf,
             "MESSAGE sip:x@y SIP/2.0\r\n%sCall-ID: c\r\nCSeq: 1 MESSAGE\r\n"
             "Content-Length: 5\r\n\r\nhello trailing",
             base_tail);
    assert_true(parse(f, buf, &m));
    assert_null(m.malformed);
    assert_slice(m.body, "hello"); /* min(Content-Length, present) */
    snprintf(buf, sizeof buf,
             "MESSAGE sip:x@y SIP/2.0\r\n%sCall-ID: c\r\nCSeq: 1 MESSAGE\r\nl: 9\r\n\r\nhel",
             base_tail);
    assert_true(parse(f, buf, &m));
    assert_malformed(&m, "Content-Length larger than the body");
    assert_slice(m.body, "hel");
    assert_int_equal(m.content_length, 9);
}

static void test_many_headers(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    const char *head = "OPTIONS sip:x@y SIP/2.0\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n";
    const char *line = "X-H: v\r\n";
    /* 9995 + 5 = exactly the cap (clean); one more is flagged */
    const int totals[] = {9995, 9996, 12000};
    for (size_t t = 0; t < sizeof totals / sizeof totals[0]; t++) {
        int total = totals[t];
        /* head has 2 headers, base_tail 3: total + 5 header lines */
        size_t n = strlen(head) + strlen(base_tail) + (size_t)total * strlen(line) + 2 + 4;
        char *b = malloc(n + 1);
        char *w = b;
        w += sprintf(w, "%s%s", head, base_tail);
        for (int i = 0; i < total; i++)
            w += sprintf(w, "%s", line);
        w += sprintf(w, "\r\nbody");
        assert_int_equal((size_t)(w - b), n);
        assert_true(parse_n(f, b, n, &m));
        if (total + 5 <= 10000) {
            assert_null(m.malformed);
            assert_int_equal(m.n_headers, total + 5);
        } else {
            assert_malformed(&m, "too many headers");
            assert_int_equal(m.n_headers, 10000);
        }
        assert_slice(m.body, "body"); /* scanning went on past the cap */
        assert_slice(m.call_id, "c");
        assert_slice(m.headers[m.n_headers - 1].value, "v");
        free(b);
    }
    /* the parser keeps working on small messages afterwards */
    assert_true(parse(f, invite, &m));
    assert_null(m.malformed);
    assert_int_equal(m.n_headers, 10);
}

static void test_long_line_and_nul(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    size_t big = 60 * 1024;
    const char *pre = "OPTIONS sip:x@y SIP/2.0\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n";
    size_t n = strlen(pre) + strlen(base_tail) + 10 + big + 4;
    char *b = malloc(n);
    char *w = b;
    memcpy(w, pre, strlen(pre));
    w += strlen(pre);
    memcpy(w, base_tail, strlen(base_tail));
    w += strlen(base_tail);
    memcpy(w, "Subject: ", 9);
    w += 9;
    memset(w, 'z', big);
    w += big;
    memcpy(w, "\r\n\r\n", 4);
    w += 4;
    n = (size_t)(w - b);
    assert_true(parse_n(f, b, n, &m));
    assert_null(m.malformed);
    const sf_sip_header_t *h = sf_sip_msg_header(&m, SF_HDR_SUBJECT);
    assert_non_null(h);
    assert_int_equal(h->value.len, big);
    free(b);

    /* NUL bytes inside values and the body: kept as bytes, no crash */
    const char nul[] = "MESSAGE sip:x@y SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK\0x\r\n"
                       "From: <sip:a@b>;tag=\0\r\nTo: <sip:c@d>\r\nCall-ID: c\0d\r\n"
                       "CSeq: 1 MESSAGE\r\nContent-Length: 3\r\n\r\na\0b";
    assert_true(parse_n(f, nul, sizeof nul - 1, &m));
    assert_int_equal(m.call_id.len, 3);
    assert_int_equal(m.body.len, 3);
    /* NUL in the start line */
    const char nul2[] = "INVITE sip:x\0y SIP/2.0\r\n\r\n";
    (void)parse_n(f, nul2, sizeof nul2 - 1, &m);
    const char nul3[] = "SIP/2.0 200 O\0K\r\n\r\n";
    assert_true(parse_n(f, nul3, sizeof nul3 - 1, &m));
    assert_non_null(m.malformed);
    /* high bytes everywhere */
    char junk[256];
    for (int i = 0; i < 256; i++)
        junk[i] = (char)(255 - i);
    memcpy(junk, "SIP/2.0 200 OK\r\n", 16);
    assert_true(parse_n(f, junk, sizeof junk, &m));
    assert_non_null(m.malformed);
}

static void test_truncation_every_offset(void **state)
{
    fixture_t *f = *state;
    sf_sip_msg_t m;
    size_t n = strlen(invite);
    size_t sip = 0;
    for (size_t cut = 0; cut <= n; cut++) {
        bool ok = parse_n(f, invite, cut, &m);
        if (!ok) continue;
        sip++;
        assert_true(m.body.len <= cut);
        assert_true(m.body.p == NULL ||
                    (m.body.p >= f->buf && m.body.p + m.body.len <= f->buf + cut));
        for (uint32_t i = 0; i < m.n_headers; i++)
            assert_true(m.headers[i].value.p + m.headers[i].value.len <= f->buf + cut);
        if (cut < n)
            assert_non_null(m.malformed);
        else
            assert_null(m.malformed);
    }
    /* recognised as (flagged) SIP as soon as the version begins with "SIP/" */
    assert_int_equal(sip, n + 1 - strlen("INVITE sip:bob@biloxi.example.com SIP/"));
}

/* Deterministic random mutations of the INVITE (bytes replaced by SIP
 * delimiters, NUL, high bytes; random cuts): the parser and the accessors
 * never crash or read out of bounds (checked by ASan). */
static void test_random_mutations(void **state)
{
    fixture_t *f = *state;
    static const char special[] = "\r\n \t,;:\"<>[]@=\\/?%\0\xff";
    uint64_t x = 0x9e3779b97f4a7c15ull;
    size_t n = strlen(invite), flagged = 0;
    char *tmp = malloc(n);
    for (int iter = 0; iter < 20000; iter++) {
        memcpy(tmp, invite, n);
        int edits = 1 + (int)(x % 8);
        for (int e = 0; e < edits; e++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t at = (size_t)(x % n);
            tmp[at] = (x >> 32) & 1 ? special[(x >> 40) % (sizeof special - 1)] : (char)(x >> 48);
        }
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        size_t cut = (x & 3) == 0 ? (size_t)((x >> 8) % (n + 1)) : n;
        sf_sip_msg_t m;
        if (!parse_n(f, tmp, cut, &m)) continue;
        if (m.malformed) flagged++;
        sf_sip_values_iter_t it;
        sf_sip_via_t v;
        const char *err;
        sf_sip_values_init(&it, &m, SF_HDR_VIA);
        for (int g = 0; g < 100 && sf_sip_via_next(&it, &v, &err); g++)
            assert_true(v.host.len <= cut);
        sf_sip_hdr_t ids[] = {SF_HDR_FROM, SF_HDR_TO, SF_HDR_CONTACT};
        for (int k = 0; k < 3; k++) {
            sf_slice_t val;
            sf_sip_values_init(&it, &m, ids[k]);
            for (int g = 0; g < 100 && sf_sip_values_next(&it, &val); g++) {
                sf_sip_name_addr_t na;
                sf_sip_uri_t u;
                if (!sf_sip_name_addr_parse(val, &na)) (void)sf_sip_uri_parse(na.uri, &u);
            }
        }
    }
    free(tmp);
    assert_true(flagged > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_line_check),
        cmocka_unit_test(test_method),
        cmocka_unit_test_setup_teardown(test_invite_eager_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_codes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compact_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_folding_and_bare_lf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_length, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_headers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_line_and_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncation_every_offset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_random_mutations, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
