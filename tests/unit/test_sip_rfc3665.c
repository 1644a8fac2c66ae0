/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 3665 call flows (php-sip YAML fixtures, one message per "- |+" block
 * item): every message parses cleanly with its start line, Call-ID, CSeq,
 * From tag and top Via branch; Contact/Route/Record-Route values parse as
 * name-addr with a valid URI; SDP bodies parse. The other php-sip--misc
 * flows (RFC 3327, 3515, 4916, 5626) get the same checks. A few fixture
 * messages lack the empty line after the headers or Content-Length, and
 * RFC 5626 section 9 abbreviates its messages (no Via): those defects are
 * counted and bounded instead of failing. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sdp.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

static char misc_dir[4096];

static int setup(void **state)
{
    (void)state;
    char *d = sf_test_shared_path("pcaps/public/messages/php-sip--misc");
    DIR *dir = d ? opendir(d) : NULL;
    if (!dir) {
        free(d);
        sf_test_skip("shared php-sip--misc messages missing");
    }
    closedir(dir);
    snprintf(misc_dir, sizeof misc_dir, "%s", d);
    free(d);
    return 0;
}

typedef struct counts {
    size_t messages, requests, responses, sdp, contacts, routes, auth;
    size_t unterminated; /* fixtures cut after the headers (no empty line) */
    size_t no_cl;        /* body without Content-Length */
    size_t flagged;      /* other defects (non-strict flows only) */
    bool strict;         /* RFC 3665: every body is SDP */
} counts_t;

static bool has_sdp_type(const sf_sip_msg_t *m)
{
    const sf_sip_header_t *ct = sf_sip_msg_header(m, SF_HDR_CONTENT_TYPE);
    return ct && ct->value.len >= 15 && strncmp(ct->value.p, "application/sdp", 15) == 0;
}

static void check_name_addrs(const sf_sip_msg_t *m, sf_sip_hdr_t id, const char *file,
                             size_t *count)
{
    sf_sip_values_iter_t it;
    sf_slice_t v;
    sf_sip_values_init(&it, m, id);
    while (sf_sip_values_next(&it, &v)) {
        sf_sip_name_addr_t na;
        sf_sip_uri_t u;
        const char *e = sf_sip_name_addr_parse(v, &na);
        if (!e && !na.star) e = sf_sip_uri_parse(na.uri, &u);
        if (e)
            print_error("%s: %s value \"%.*s\": %s\n", file, sf_sip_hdr_name(id), (int)v.len, v.p,
                        e);
        assert_null(e);
        if (!na.star && !(u.host.len > 0 || !sf_slice_ieq(u.scheme, "sip")))
            print_error("%s: no host in \"%.*s\"\n", file, (int)v.len, v.p);
        if (!na.star) assert_true(u.host.len > 0 || !sf_slice_ieq(u.scheme, "sip"));
        (*count)++;
    }
}

static void check_message(sf_sip_parser_t *p, const char *file, const char *text, size_t n,
                          counts_t *c)
{
    /* a fixture cut right after its headers gets its empty line back */
    bool cut = true;
    for (size_t i = 0; i + 4 <= n && cut; i++)
        if (memcmp(text + i, "\r\n\r\n", 4) == 0) cut = false;
    char *buf = malloc(n + 2);
    memcpy(buf, text, n);
    if (cut) {
        memcpy(buf + n, "\r\n", 2);
        n += 2;
        c->unterminated++;
    }
    sf_sip_msg_t m;
    assert_true(sf_sip_parse(p, buf, (uint32_t)n, &m));
    if (m.malformed && !c->strict) { /* RFC 5626 9 abbreviates messages */
        c->flagged++;
        c->messages++;
        free(buf);
        return;
    }
    if (m.malformed)
        print_error("%s: message %zu: %s at %u\n", file, c->messages + 1, m.malformed,
                    m.malformed_offset);
    assert_null(m.malformed);
    c->messages++;
    if (m.is_request) {
        c->requests++;
        assert_true(m.method.len > 0);
        assert_true(m.request_uri.len > 0);
        sf_sip_uri_t u;
        assert_null(sf_sip_uri_parse(m.request_uri, &u));
        assert_true(m.method_id != SF_METHOD_UNKNOWN);
        assert_int_equal(m.cseq_method_id, m.method_id);
    } else {
        c->responses++;
        assert_true(m.status >= 100 && m.status <= 699);
        /* every response but 100 Trying carries a To tag (RFC 3261
         * 8.2.6.2); RFC 3665 omits it on 200 OK to CANCEL */
        if (m.status > 100 && m.cseq_method_id != SF_METHOD_CANCEL) assert_true(m.to_tag.len > 0);
    }
    assert_true(m.call_id.len > 0);
    assert_true(m.has_cseq);
    assert_true(m.cseq > 0);
    assert_true(m.from_tag.len > 0);
    assert_true(m.via.present);
    assert_true(m.n_via >= 1);
    assert_true(m.via.rfc3261_branch);
    assert_true(m.via.branch.len > 7);
    /* every Via value parses */
    sf_sip_values_iter_t it;
    sf_sip_via_t v;
    const char *err;
    uint32_t nv = 0;
    sf_sip_values_init(&it, &m, SF_HDR_VIA);
    while (sf_sip_via_next(&it, &v, &err)) {
        assert_null(err);
        nv++;
    }
    assert_int_equal(nv, m.n_via);
    check_name_addrs(&m, SF_HDR_CONTACT, file, &c->contacts);
    check_name_addrs(&m, SF_HDR_ROUTE, file, &c->routes);
    check_name_addrs(&m, SF_HDR_RECORD_ROUTE, file, &c->routes);
    static const sf_sip_hdr_t auth[] = {SF_HDR_AUTHORIZATION, SF_HDR_PROXY_AUTHORIZATION,
                                        SF_HDR_WWW_AUTHENTICATE, SF_HDR_PROXY_AUTHENTICATE};
    for (size_t i = 0; i < 4; i++) {
        const sf_sip_header_t *h = sf_sip_msg_header(&m, auth[i]);
        if (!h) continue;
        sf_sip_auth_t a;
        sf_slice_t realm;
        assert_null(sf_sip_auth_parse(h->value, &a));
        assert_true(sf_slice_eq(a.scheme, "Digest"));
        assert_true(sf_sip_auth_param(&a, "realm", &realm));
        assert_true(realm.len > 0);
        c->auth++;
    }
    if (m.body.len > 0 && c->strict) assert_true(has_sdp_type(&m));
    if (m.body.len > 0 && m.content_length < 0) {
        c->no_cl++;
    } else if (m.body.len > 0 && has_sdp_type(&m)) {
        assert_int_equal(m.body.len, m.content_length);
        static sf_sdp_t sdp;
        assert_true(sf_sdp_parse(m.body.p, m.body.len, &sdp));
        assert_null(sdp.malformed);
        assert_true(sdp.origin.present);
        assert_true(sdp.n_media >= 1);
        assert_true(sf_sdp_media_conn(&sdp, &sdp.media[0]) != NULL);
        c->sdp++;
    }
    free(buf);
}

/* Extracts the "- |+" block items of a php-sip YAML fixture: lines indented
 * by two spaces (or empty) belong to the current item; each line gets a
 * CRLF, as on the wire. Returns the number of messages checked. */
static size_t check_yaml(sf_sip_parser_t *p, const char *path, const char *file, counts_t *c)
{
    size_t len;
    char *text = (char *)sf_test_read_file(path, &len);
    assert_non_null(text);
    char *msg = malloc(len * 2 + 2);
    size_t mlen = 0, before = c->messages;
    bool in = false;
    size_t pos = 0;
    while (pos <= len) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - line) : len - pos;
        bool last = nl == NULL;
        bool item = ll >= 3 && strncmp(line, "- |", 3) == 0;
        if (in && (item || last || (ll > 0 && strncmp(line, "  ", 2) != 0))) {
            if (last && ll >= 2 && strncmp(line, "  ", 2) == 0) {
                memcpy(msg + mlen, line + 2, ll - 2);
                mlen += ll - 2;
            }
            check_message(p, file, msg, mlen, c);
            in = false;
        }
        if (item) {
            in = true;
            mlen = 0;
        } else if (in) {
            if (ll >= 2) {
                memcpy(msg + mlen, line + 2, ll - 2);
                mlen += ll - 2;
            }
            msg[mlen++] = '\r';
            msg[mlen++] = '\n';
        }
        if (last) break;
        pos += ll + 1;
    }
    free(msg);
    free(text);
    return c->messages - before;
}

static size_t check_dir(const char *sub, counts_t *c)
{
    char d[8192];
    snprintf(d, sizeof d, "%s/%s", misc_dir, sub);
    DIR *dir = opendir(d);
    assert_non_null(dir);
    sf_sip_parser_t *p = sf_sip_parser_create();
    struct dirent *de;
    size_t files = 0;
    while ((de = readdir(dir)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 6 || strcmp(de->d_name + nl - 5, ".yaml") != 0) continue;
        char path[8192 + 256];
        snprintf(path, sizeof path, "%s/%s", d, de->d_name);
        assert_true(check_yaml(p, path, de->d_name, c) >= 1);
        files++;
    }
    closedir(dir);
    sf_sip_parser_destroy(p);
    return files;
}

static void test_rfc3665(void **state)
{
    (void)state;
    counts_t c = {.strict = true};
    assert_int_equal(check_dir("rfc3665", &c), 16);
    print_message("rfc3665: %zu messages (%zu requests, %zu responses), %zu SDP, %zu Contact, "
                  "%zu Route/Record-Route, %zu auth, %zu cut, %zu without Content-Length\n",
                  c.messages, c.requests, c.responses, c.sdp, c.contacts, c.routes, c.auth,
                  c.unterminated, c.no_cl);
    assert_int_equal(c.messages, 193);
    assert_int_equal(c.requests, 101);
    assert_int_equal(c.responses, 92);
    assert_int_equal(c.sdp, 63);
    assert_int_equal(c.contacts, 98);
    assert_int_equal(c.routes, 111);
    assert_int_equal(c.auth, 31);
    /* the fixtures drop the empty line after a few bodiless messages */
    assert_true(c.unterminated <= 4);
    /* one fixture (3.11 F1) lost its Content-Length and "v=0" */
    assert_true(c.no_cl <= 1);
}

static void test_other_flows(void **state)
{
    (void)state;
    counts_t c = {0};
    const char *dirs[] = {"rfc3327", "rfc3515", "rfc4916", "rfc5626"};
    for (size_t i = 0; i < 4; i++)
        check_dir(dirs[i], &c);
    assert_true(c.messages >= 20);
    assert_true(c.flagged * 3 <= c.messages);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc3665),
        cmocka_unit_test(test_other_flows),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
