/* SPDX-License-Identifier: GPL-2.0-or-later */
/* On-demand header accessors (sip_headers.h): lists, parameters, URIs,
 * name-addr, Via iteration and the structured single-value headers. */
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

static sf_slice_t S(const char *s)
{
    return (sf_slice_t){s, (uint32_t)strlen(s)};
}

static void assert_slice(sf_slice_t s, const char *want)
{
    if (!sf_slice_eq(s, want)) {
        print_error("slice \"%.*s\" != \"%s\"\n", (int)s.len, s.p ? s.p : "", want);
        fail();
    }
}

static void test_list_next(void **state)
{
    (void)state;
    sf_slice_t rest = S(" \"a, b\" <sip:x@y>;p=\"1,2\" , <sip:c,d@e> ,, last ,"), it;
    assert_true(sf_sip_list_next(&rest, &it));
    assert_slice(it, "\"a, b\" <sip:x@y>;p=\"1,2\"");
    assert_true(sf_sip_list_next(&rest, &it));
    assert_slice(it, "<sip:c,d@e>");
    assert_true(sf_sip_list_next(&rest, &it));
    assert_slice(it, "last");
    assert_false(sf_sip_list_next(&rest, &it));
    rest = S("\"unterminated, x");
    assert_true(sf_sip_list_next(&rest, &it));
    assert_slice(it, "\"unterminated, x");
    assert_false(sf_sip_list_next(&rest, &it));
    rest = SF_SLICE_NULL;
    assert_false(sf_sip_list_next(&rest, &it));
}

static void test_params(void **state)
{
    (void)state;
    sf_slice_t p = S(";Tag=abc ; lr;x=\"q;\\\"uo\\\"te\" ;maddr=[2001:db8::1];ttl=1");
    sf_slice_t v;
    assert_true(sf_sip_param_get(p, "tag", &v));
    assert_slice(v, "abc");
    assert_true(sf_sip_param_get(p, "LR", &v));
    assert_int_equal(v.len, 0);
    assert_true(sf_sip_param_get(p, "x", &v));
    assert_slice(v, "q;\\\"uo\\\"te");
    char buf[32];
    assert_int_equal(sf_sip_unquote(v, buf, sizeof buf), 8);
    assert_string_equal(buf, "q;\"uo\"te");
    assert_int_equal(sf_sip_unquote(v, buf, 4), 8);
    assert_string_equal(buf, "q;\"");
    assert_true(sf_sip_param_get(p, "maddr", &v));
    assert_slice(v, "[2001:db8::1]");
    assert_true(sf_sip_param_get(p, "ttl", &v));
    assert_slice(v, "1");
    assert_false(sf_sip_param_get(p, "missing", &v));
    assert_false(sf_sip_param_get(S(";x=\"open"), "x", &v));
    sf_sip_param_t prm;
    sf_slice_t rest = S("a=1;b;c=\"3\"");
    assert_true(sf_sip_param_next(&rest, &prm));
    assert_slice(prm.name, "a");
    assert_true(prm.has_value);
    assert_true(sf_sip_param_next(&rest, &prm));
    assert_slice(prm.name, "b");
    assert_false(prm.has_value);
    assert_true(sf_sip_param_next(&rest, &prm));
    assert_true(prm.quoted);
    assert_slice(prm.value, "3");
    assert_false(sf_sip_param_next(&rest, &prm));
    uint64_t n;
    assert_true(sf_sip_parse_uint(S(" 42 "), 100, &n));
    assert_int_equal(n, 42);
    assert_false(sf_sip_parse_uint(S("101"), 100, &n));
    assert_true(sf_sip_parse_uint(S("18446744073709551615"), UINT64_MAX, &n));
    assert_false(sf_sip_parse_uint(S("18446744073709551616"), UINT64_MAX, &n));
    assert_false(sf_sip_parse_uint(S("4x"), 100, &n));
    assert_false(sf_sip_parse_uint(S(""), 100, &n));
}

static void test_uri(void **state)
{
    (void)state;
    sf_sip_uri_t u;
    assert_null(sf_sip_uri_parse(
        S("sips:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=x&a=b"), &u));
    assert_slice(u.scheme, "sips");
    assert_slice(u.user, "alice");
    assert_slice(u.password, "secret");
    assert_slice(u.host, "atlanta.com");
    assert_int_equal(u.port, 5061);
    assert_slice(u.params, ";transport=tcp;lr");
    assert_slice(u.headers, "subject=x&a=b");
    sf_slice_t v;
    assert_true(sf_sip_param_get(u.params, "transport", &v));
    assert_slice(v, "tcp");
    assert_null(sf_sip_uri_parse(S("sip:[2001:db8::1]:5070;maddr=x"), &u));
    assert_true(u.ipv6);
    assert_slice(u.host, "2001:db8::1");
    assert_int_equal(u.port, 5070);
    assert_int_equal(u.user.len, 0);
    assert_null(sf_sip_uri_parse(S("SIP:+1-212-555;phone-context=x?y@gw.example.com"), &u));
    assert_slice(u.user, "+1-212-555;phone-context=x?y");
    assert_slice(u.host, "gw.example.com");
    assert_null(sf_sip_uri_parse(S("tel:+1-201-555-0123;ext=1"), &u));
    assert_slice(u.scheme, "tel");
    assert_slice(u.user, "+1-201-555-0123");
    assert_slice(u.params, ";ext=1");
    assert_null(sf_sip_uri_parse(S("mailto:a@b"), &u));
    assert_slice(u.user, "a@b");
    assert_non_null(sf_sip_uri_parse(S("nocolon"), &u));
    assert_non_null(sf_sip_uri_parse(S("sip:"), &u));
    assert_non_null(sf_sip_uri_parse(S("sip:a@b:99999"), &u));
    assert_non_null(sf_sip_uri_parse(S("sip:a@[::1"), &u));
    assert_non_null(sf_sip_uri_parse(S("sip:a b@c"), &u));
}

static void test_name_addr(void **state)
{
    (void)state;
    sf_sip_name_addr_t na;
    assert_null(
        sf_sip_name_addr_parse(S("\"A \\\"q\\\" ;tag=x\" <sip:a@b;tag=u>;tag=t;expires=3"), &na));
    assert_true(na.display_quoted);
    assert_slice(na.display, "A \\\"q\\\" ;tag=x");
    assert_slice(na.uri, "sip:a@b;tag=u");
    assert_slice(na.params, ";tag=t;expires=3");
    assert_null(sf_sip_name_addr_parse(S("Alice  Smith <tel:+1>"), &na));
    assert_slice(na.display, "Alice  Smith");
    assert_false(na.display_quoted);
    assert_true(na.angle);
    assert_null(sf_sip_name_addr_parse(S("sip:a@b;tag=1"), &na));
    assert_false(na.angle);
    assert_slice(na.uri, "sip:a@b");
    assert_slice(na.params, ";tag=1");
    assert_null(sf_sip_name_addr_parse(S(" * "), &na));
    assert_true(na.star);
    assert_string_equal(sf_sip_name_addr_parse(S("\"open <sip:a@b>"), &na),
                        "unterminated quoted string");
    assert_string_equal(sf_sip_name_addr_parse(S("<sip:a@b"), &na), "missing '>'");
    assert_string_equal(sf_sip_name_addr_parse(S("< sip:a@b >"), &na), "white space inside <URI>");
    assert_string_equal(sf_sip_name_addr_parse(S("Bell, A <sip:a@b>"), &na),
                        "display name is not a token or quoted string");
    assert_non_null(sf_sip_name_addr_parse(S(""), &na));
}

static const char msg_text[] =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP a.example.com:5060;branch=z9hG4bK1, SIP/2.0/TCP [::1];branch=z9hG4bK2\r\n"
    "v: SIP/2.0/SCTP c.example.com;branch=z9hG4bK3;received=192.0.2.7\r\n"
    "From: <sip:a@example.com>;tag=f\r\nTo: <sip:b@example.com>\r\nCall-ID: cid\r\n"
    "CSeq: 10 INVITE\r\n"
    "Contact: \"Mr, X\" <sip:x@192.0.2.1:5062;transport=tcp>;expires=60;q=0.5, <sip:y@h>\r\n"
    "m: sip:z@h\r\n"
    "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
    "Route: <sip:r1;lr>\r\nRoute: <sip:r2;lr>\r\n"
    "P-Asserted-Identity: \"Alice\" <sip:alice@example.com>, <tel:+15551234>\r\n"
    "Diversion: <sip:d@x>;reason=unconditional;counter=1\r\n"
    "History-Info: <sip:h1@x>;index=1, <sip:h2@x?Reason=SIP%3Bcause%3D302>;index=1.1\r\n"
    "Expires: 3600\r\nMax-Forwards: 69\r\nRSeq: 988789\r\nMin-SE: 90;x=1\r\n"
    "RAck: 776656 1 INVITE\r\n"
    "Reason: Q.850 ;cause=16 ;text=\"Terminated, normal\"\r\n"
    "Warning: 307 isi.edu \"Session parameter 'foo' not understood\", "
    "301 isi.edu \"Incompatible network address type 'E.164'\"\r\n"
    "User-Agent: softphone/1.0 (beta)\r\n"
    "Server: Acme SBC\r\n"
    "Session-Expires: 1800;refresher=uac\r\n"
    "Proxy-Authorization: Digest username=\"alice\", realm=\"atlanta.example.com\",\r\n"
    " nonce=\"wf84f1ceczx41ae6cbe5aea9c8e88d359\", opaque=\"\", algorithm=MD5\r\n"
    "WWW-Authenticate: Digest realm=\"biloxi.com\", qop=\"auth,auth-int\", nonce=\"n1\"\r\n"
    "Content-Length: 0\r\n\r\n";

static void test_message_accessors(void **state)
{
    (void)state;
    size_t n = sizeof msg_text - 1;
    char *buf = malloc(n);
    memcpy(buf, msg_text, n);
    sf_sip_parser_t *p = sf_sip_parser_create();
    sf_sip_msg_t m;
    assert_true(sf_sip_parse(p, buf, (uint32_t)n, &m));
    assert_null(m.malformed);
    assert_int_equal(m.n_via, 3);

    sf_sip_values_iter_t it;
    sf_sip_via_t via;
    const char *err;
    sf_sip_values_init(&it, &m, SF_HDR_VIA);
    assert_true(sf_sip_via_next(&it, &via, &err));
    assert_null(err);
    assert_slice(via.host, "a.example.com");
    assert_int_equal(via.port, 5060);
    assert_true(sf_sip_via_next(&it, &via, &err));
    assert_slice(via.host, "::1");
    assert_slice(via.transport, "TCP");
    assert_slice(via.branch, "z9hG4bK2");
    assert_true(sf_sip_via_next(&it, &via, &err));
    assert_slice(via.transport, "SCTP");
    assert_slice(via.received, "192.0.2.7");
    assert_false(sf_sip_via_next(&it, &via, &err));

    /* Contact: three values over two lines (compact form included) */
    sf_slice_t v;
    sf_sip_name_addr_t na;
    sf_sip_uri_t u;
    sf_sip_values_init(&it, &m, SF_HDR_CONTACT);
    assert_true(sf_sip_values_next(&it, &v));
    assert_null(sf_sip_name_addr_parse(v, &na));
    assert_slice(na.display, "Mr, X");
    assert_null(sf_sip_uri_parse(na.uri, &u));
    assert_slice(u.host, "192.0.2.1");
    assert_int_equal(u.port, 5062);
    sf_slice_t e;
    assert_true(sf_sip_param_get(na.params, "expires", &e));
    assert_slice(e, "60");
    assert_true(sf_sip_values_next(&it, &v));
    assert_slice(v, "<sip:y@h>");
    assert_true(sf_sip_values_next(&it, &v));
    assert_slice(v, "sip:z@h");
    assert_false(sf_sip_values_next(&it, &v));

    const struct {
        sf_sip_hdr_t id;
        int count;
    } lists[] = {
        {SF_HDR_RECORD_ROUTE, 2}, {SF_HDR_ROUTE, 2},        {SF_HDR_P_ASSERTED_IDENTITY, 2},
        {SF_HDR_DIVERSION, 1},    {SF_HDR_HISTORY_INFO, 2}, {SF_HDR_WARNING, 2},
        {SF_HDR_REFER_TO, 0}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        int c = 0;
        sf_sip_values_init(&it, &m, lists[i].id);
        while (sf_sip_values_next(&it, &v)) {
            if (lists[i].id != SF_HDR_WARNING) {
                assert_null(sf_sip_name_addr_parse(v, &na));
                assert_true(na.angle);
                assert_null(sf_sip_uri_parse(na.uri, &u));
            }
            c++;
        }
        assert_int_equal(c, lists[i].count);
    }
    sf_sip_values_init(&it, &m, SF_HDR_ROUTE);
    assert_true(sf_sip_values_next(&it, &v));
    assert_true(sf_sip_values_next(&it, &v));
    assert_slice(v, "<sip:r2;lr>");
    sf_sip_values_init(&it, &m, SF_HDR_DIVERSION);
    assert_true(sf_sip_values_next(&it, &v));
    assert_null(sf_sip_name_addr_parse(v, &na));
    assert_true(sf_sip_param_get(na.params, "reason", &e));
    assert_slice(e, "unconditional");

    uint32_t num;
    assert_true(sf_sip_msg_uint(&m, SF_HDR_EXPIRES, &num));
    assert_int_equal(num, 3600);
    assert_true(sf_sip_msg_uint(&m, SF_HDR_MAX_FORWARDS, &num));
    assert_int_equal(num, 69);
    assert_true(sf_sip_msg_uint(&m, SF_HDR_RSEQ, &num));
    assert_int_equal(num, 988789);
    assert_true(sf_sip_msg_uint(&m, SF_HDR_MIN_SE, &num));
    assert_int_equal(num, 90);
    assert_false(sf_sip_msg_uint(&m, SF_HDR_SUBJECT, &num));

    sf_sip_rack_t rack;
    assert_null(sf_sip_rack_parse(sf_sip_msg_header(&m, SF_HDR_RACK)->value, &rack));
    assert_int_equal(rack.rseq, 776656);
    assert_int_equal(rack.cseq, 1);
    assert_slice(rack.method, "INVITE");
    assert_non_null(sf_sip_rack_parse(S("1 x INVITE"), &rack));

    sf_sip_reason_t rs;
    assert_null(sf_sip_reason_parse(sf_sip_msg_header(&m, SF_HDR_REASON)->value, &rs));
    assert_slice(rs.protocol, "Q.850");
    assert_int_equal(rs.cause, 16);
    assert_slice(rs.text, "Terminated, normal");
    assert_null(sf_sip_reason_parse(S("SIP;text=\"x\""), &rs));
    assert_int_equal(rs.cause, -1);

    sf_sip_warning_t w;
    sf_sip_values_init(&it, &m, SF_HDR_WARNING);
    assert_true(sf_sip_values_next(&it, &v));
    assert_null(sf_sip_warning_parse(v, &w));
    assert_int_equal(w.code, 307);
    assert_slice(w.agent, "isi.edu");
    assert_slice(w.text, "Session parameter 'foo' not understood");
    assert_true(sf_sip_values_next(&it, &v));
    assert_null(sf_sip_warning_parse(v, &w));
    assert_int_equal(w.code, 301);
    assert_non_null(sf_sip_warning_parse(S("30 x \"y\""), &w));
    assert_non_null(sf_sip_warning_parse(S("300 x \"y"), &w));

    assert_slice(sf_sip_msg_header(&m, SF_HDR_USER_AGENT)->value, "softphone/1.0 (beta)");
    assert_slice(sf_sip_msg_header(&m, SF_HDR_SERVER)->value, "Acme SBC");

    sf_sip_session_expires_t se;
    assert_null(
        sf_sip_session_expires_parse(sf_sip_msg_header(&m, SF_HDR_SESSION_EXPIRES)->value, &se));
    assert_int_equal(se.delta, 1800);
    assert_slice(se.refresher, "uac");
    assert_null(sf_sip_session_expires_parse(S("90"), &se));
    assert_int_equal(se.refresher.len, 0);
    assert_non_null(sf_sip_session_expires_parse(S("x;refresher=uas"), &se));

    sf_sip_auth_t a;
    assert_null(sf_sip_auth_parse(sf_sip_msg_header(&m, SF_HDR_PROXY_AUTHORIZATION)->value, &a));
    assert_slice(a.scheme, "Digest");
    assert_true(sf_sip_auth_param(&a, "realm", &v));
    assert_slice(v, "atlanta.example.com");
    assert_true(sf_sip_auth_param(&a, "NONCE", &v));
    assert_slice(v, "wf84f1ceczx41ae6cbe5aea9c8e88d359");
    assert_true(sf_sip_auth_param(&a, "opaque", &v));
    assert_int_equal(v.len, 0);
    assert_true(sf_sip_auth_param(&a, "algorithm", &v));
    assert_slice(v, "MD5");
    assert_false(sf_sip_auth_param(&a, "qop", &v));
    assert_null(sf_sip_auth_parse(sf_sip_msg_header(&m, SF_HDR_WWW_AUTHENTICATE)->value, &a));
    assert_true(sf_sip_auth_param(&a, "qop", &v));
    assert_slice(v, "auth,auth-int");
    assert_non_null(sf_sip_auth_parse(S(""), &a));

    sf_sip_parser_destroy(p);
    free(buf);
}

/* Empty slices with p == NULL are legal input everywhere. */
static void test_null_slices(void **state)
{
    (void)state;
    sf_slice_t z = SF_SLICE_NULL, v;
    sf_sip_param_t prm;
    sf_sip_uri_t u;
    sf_sip_name_addr_t na;
    sf_sip_via_t via;
    sf_sip_rack_t r;
    sf_sip_reason_t rs;
    sf_sip_warning_t w;
    sf_sip_session_expires_t se;
    sf_sip_auth_t a;
    uint64_t n;
    char buf[4];
    assert_int_equal(sf_sip_trim(z).len, 0);
    sf_slice_t rest = z;
    assert_false(sf_sip_list_next(&rest, &v));
    rest = z;
    assert_false(sf_sip_param_next(&rest, &prm));
    assert_false(sf_sip_param_get(z, "tag", &v));
    assert_int_equal(sf_sip_unquote(z, buf, sizeof buf), 0);
    assert_false(sf_sip_parse_uint(z, 10, &n));
    assert_non_null(sf_sip_uri_parse(z, &u));
    assert_non_null(sf_sip_name_addr_parse(z, &na));
    assert_non_null(sf_sip_via_parse(z, &via, &v));
    assert_non_null(sf_sip_rack_parse(z, &r));
    assert_non_null(sf_sip_reason_parse(z, &rs));
    assert_non_null(sf_sip_warning_parse(z, &w));
    assert_non_null(sf_sip_session_expires_parse(z, &se));
    assert_non_null(sf_sip_auth_parse(z, &a));
    assert_false(sf_sip_auth_param(&a, "realm", &v));
    assert_int_equal(sf_sip_hdr_from_name(NULL, 0), SF_HDR_OTHER);
    assert_string_equal(sf_sip_hdr_name(SF_HDR_COUNT), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_next),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_uri),
        cmocka_unit_test(test_name_addr),
        cmocka_unit_test(test_message_accessors),
        cmocka_unit_test(test_null_slices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
