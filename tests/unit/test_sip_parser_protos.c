/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Robustness: the 4,527 PROTOS c07-sip test cases (malformed INVITEs from
 * OUSPG's fuzzing suite) go through the parser and every on-demand
 * accessor without crashing or reading out of bounds (run under ASan).
 * The tarball is unpacked into a private temporary directory with tar.
 * Each file holds length-prefixed templates ("460 INVITE sip:<To> ...",
 * then the teardown request); the test parses the raw file and each
 * template with its <Placeholders> filled in and Content-Length computed. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_test.h"
#include "sipflow/sdp.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

static char tmpdir[64];
static bool unpacked;

static int setup(void **state)
{
    (void)state;
    char *tgz = sf_test_shared_path("pcaps/public/messages/php-sip--protos-c07-sip.tar.gz");
    if (!tgz || access(tgz, R_OK) != 0) {
        free(tgz);
        sf_test_skip("PROTOS c07-sip tarball missing");
    }
    if (sf_test_tmpdir(tmpdir, sizeof tmpdir, "sf-protos") != 0) {
        free(tgz);
        return -1;
    }
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "tar -xzf '%s' -C '%s'", tgz, tmpdir);
    free(tgz);
    if (system(cmd) != 0) return -1;
    unpacked = true;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return unpacked ? sf_test_rmtree(tmpdir) : 0;
}

/* Runs every accessor over the message; returns a number that depends on
 * what they found so the work cannot be optimised away. */
static size_t exercise(const sf_sip_msg_t *m)
{
    size_t acc = 0;
    for (int id = 1; id < SF_HDR_COUNT; id++) {
        sf_sip_values_iter_t it;
        sf_slice_t v;
        sf_sip_values_init(&it, m, (sf_sip_hdr_t)id);
        for (int guard = 0; guard < 10000 && sf_sip_values_next(&it, &v); guard++) {
            sf_sip_name_addr_t na;
            sf_sip_uri_t u;
            sf_sip_via_t via;
            sf_slice_t prm;
            if (!sf_sip_name_addr_parse(v, &na)) {
                acc += na.uri.len;
                if (!sf_sip_uri_parse(na.uri, &u)) acc += u.host.len + u.port;
                if (sf_sip_param_get(na.params, "tag", &prm)) acc += prm.len;
            }
            if (!sf_sip_via_parse(v, &via, &prm)) acc += via.host.len;
            sf_sip_warning_t w;
            if (!sf_sip_warning_parse(v, &w)) acc += w.code;
        }
        const sf_sip_header_t *h = sf_sip_msg_header(m, (sf_sip_hdr_t)id);
        if (!h) continue;
        sf_sip_rack_t r;
        sf_sip_reason_t rs;
        sf_sip_session_expires_t se;
        sf_sip_auth_t a;
        sf_slice_t av;
        uint32_t n;
        if (!sf_sip_rack_parse(h->value, &r)) acc += r.rseq;
        if (!sf_sip_reason_parse(h->value, &rs)) acc += rs.text.len;
        if (!sf_sip_session_expires_parse(h->value, &se)) acc += se.delta;
        if (!sf_sip_auth_parse(h->value, &a) && sf_sip_auth_param(&a, "nonce", &av)) acc += av.len;
        if (sf_sip_msg_uint(m, (sf_sip_hdr_t)id, &n)) acc += n;
    }
    sf_sip_uri_t u;
    if (!sf_sip_uri_parse(m->request_uri, &u)) acc += u.user.len;
    static sf_sdp_t sdp;
    if (sf_sdp_parse(m->body.p, m->body.len, &sdp)) acc += sdp.n_media;
    return acc;
}

static const struct {
    const char *name, *value;
} fills[] = {
    {"<To>", "bob@192.0.2.2"},       {"<From>", "alice@192.0.2.1"},
    {"<From-Address>", "192.0.2.1"}, {"<From-IP>", "192.0.2.1"},
    {"<Local-Port>", "5060"},        {"<Branch-ID>", "1"},
    {"<Call-ID>", "protos-call"},    {"<CSeq>", "1"},
    {"<Teardown-Method>", "CANCEL"}, {"<Content-Length>", "<Content-Length>"},
};

/* Fills the placeholders of one template; returns a malloc'ed message of
 * exactly *out_len bytes. <Content-Length> becomes the body length. */
static char *fill(const char *t, size_t n, size_t *out_len)
{
    size_t cap = n * 4 + 64, w = 0;
    char *o = malloc(cap);
    assert_non_null(o);
    for (size_t i = 0; i < n;) {
        size_t k = 0, nf = sizeof fills / sizeof fills[0];
        for (; k < nf; k++) {
            size_t l = strlen(fills[k].name);
            if (i + l <= n && memcmp(t + i, fills[k].name, l) == 0) break;
        }
        const char *src = k < nf ? fills[k].value : t + i;
        size_t sl = k < nf ? strlen(fills[k].value) : 1;
        if (w + sl + 16 > cap) {
            cap = cap * 2 + sl;
            o = realloc(o, cap);
            assert_non_null(o);
        }
        memcpy(o + w, src, sl);
        w += sl;
        i += k < nf ? strlen(fills[k].name) : 1;
    }
    /* Content-Length: the bytes after the first empty line */
    size_t body = 0;
    for (size_t i = 0; i + 4 <= w; i++)
        if (memcmp(o + i, "\r\n\r\n", 4) == 0) {
            body = w - i - 4;
            break;
        }
    char num[24];
    int nl = snprintf(num, sizeof num, "%zu", body);
    const char *ph = "<Content-Length>";
    for (size_t i = 0; i + 16 <= w; i++) {
        if (memcmp(o + i, ph, 16) != 0) continue;
        memmove(o + i + nl, o + i + 16, w - i - 16);
        memcpy(o + i, num, (size_t)nl);
        w -= 16 - (size_t)nl;
        /* the body length did not change: the placeholder is in the headers */
    }
    char *exact = malloc(w ? w : 1); /* exact size for ASan */
    memcpy(exact, o, w);
    free(o);
    *out_len = w;
    return exact;
}

typedef struct tally {
    size_t parsed, sip, flagged, clean, acc;
} tally_t;

static void run(sf_sip_parser_t *p, const char *buf, size_t n, tally_t *t)
{
    sf_sip_msg_t m;
    t->parsed++;
    (void)sf_sip_start_line_check(buf, (uint32_t)n);
    if (!sf_sip_parse(p, buf, (uint32_t)n, &m)) return;
    t->sip++;
    if (m.malformed) {
        t->flagged++;
        assert_true(m.malformed_offset <= n);
    } else {
        t->clean++;
    }
    assert_true(m.body.len <= n);
    t->acc += exercise(&m);
}

static void test_protos(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s/protos", tmpdir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    sf_sip_parser_t *p = sf_sip_parser_create();
    struct dirent *de;
    size_t files = 0;
    tally_t raw_t = {0}, first_t = {0}, other_t = {0};
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n;
        uint8_t *raw = sf_test_read_file(path, &n);
        assert_non_null(raw);
        char *buf = malloc(n ? n : 1); /* exact size for ASan */
        memcpy(buf, raw, n);
        files++;
        run(p, buf, n, &raw_t);
        /* the length-prefixed templates */
        size_t pos = 0;
        for (int rec = 0; rec < 16 && pos < n; rec++) {
            size_t len = 0, i = pos;
            while (i < n && raw[i] >= '0' && raw[i] <= '9' && len < 100000000)
                len = len * 10 + (size_t)(raw[i++] - '0');
            if (i == pos || i >= n || raw[i] != ' ' || len > n - i - 1) break;
            size_t ml;
            char *msg = fill((const char *)raw + i + 1, len, &ml);
            run(p, msg, ml, rec == 0 ? &first_t : &other_t);
            if (rec == 0 && strcmp(de->d_name, "0000000") == 0) {
                sf_sip_msg_t m;
                assert_true(sf_sip_parse(p, msg, (uint32_t)ml, &m));
                assert_null(m.malformed); /* case 0 is the valid reference INVITE */
                assert_true(sf_slice_eq(m.call_id, "protos-call@192.0.2.1"));
                assert_int_equal(m.content_length, m.body.len);
                assert_true(m.body.len > 0);
            }
            free(msg);
            pos = i + 1 + len;
        }
        free(raw);
        free(buf);
    }
    closedir(d);
    sf_sip_parser_destroy(p);
    print_message("PROTOS: %zu files; raw: %zu SIP, %zu flagged; test INVITEs: %zu, %zu SIP, "
                  "%zu clean, %zu flagged; teardowns: %zu, %zu clean (checksum %zu)\n",
                  files, raw_t.sip, raw_t.flagged, first_t.parsed, first_t.sip, first_t.clean,
                  first_t.flagged, other_t.parsed, other_t.clean,
                  raw_t.acc + first_t.acc + other_t.acc);
    assert_int_equal(files, 4527);
    assert_int_equal(first_t.parsed, 4527);
    assert_true(first_t.flagged > 500); /* most cases break the syntax somewhere */
    assert_true(first_t.clean > 100);
    /* teardowns repeat the case's fuzzed From/To/Via, so only most are clean */
    assert_true(other_t.clean * 10 >= other_t.parsed * 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protos),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
