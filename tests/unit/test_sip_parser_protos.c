/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Robustness: the 4,527 PROTOS c07-sip test cases (malformed INVITEs from
 * OUSPG's fuzzing suite) go through the parser and every on-demand
 * accessor without crashing or reading out of bounds (run under ASan).
 * The tarball is unpacked into a private temporary directory with tar. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sf_test.h"
#include "sipflow/sdp.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

static char tmpdir[] = "/tmp/sf-protos-XXXXXX";
static bool unpacked;

static int setup(void **state)
{
    (void)state;
    char *tgz = sf_test_shared_path("pcaps/public/messages/php-sip--protos-c07-sip.tar.gz");
    if (!tgz || access(tgz, R_OK) != 0) {
        free(tgz);
        sf_test_skip("PROTOS c07-sip tarball missing");
    }
    if (!mkdtemp(tmpdir)) {
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
    if (unpacked) {
        char cmd[256];
        /* tmpdir is our own mkdtemp() directory */
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0) return -1;
    }
    return 0;
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

static void test_protos(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s/protos", tmpdir);
    DIR *d = opendir(dir);
    assert_non_null(d);
    sf_sip_parser_t *p = sf_sip_parser_create();
    struct dirent *de;
    size_t files = 0, sip = 0, flagged = 0, acc = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n;
        uint8_t *raw = sf_test_read_file(path, &n);
        assert_non_null(raw);
        char *buf = malloc(n ? n : 1); /* exact size for ASan */
        memcpy(buf, raw, n);
        free(raw);
        sf_sip_msg_t m;
        files++;
        (void)sf_sip_start_line_check(buf, (uint32_t)n);
        if (sf_sip_parse(p, buf, (uint32_t)n, &m)) {
            sip++;
            if (m.malformed) {
                flagged++;
                assert_true(m.malformed_offset <= n);
            }
            assert_true(m.body.len <= n);
            acc += exercise(&m);
        }
        free(buf);
    }
    closedir(d);
    sf_sip_parser_destroy(p);
    print_message("PROTOS: %zu files, %zu SIP, %zu flagged (checksum %zu)\n", files, sip, flagged,
                  acc);
    assert_int_equal(files, 4527);
    assert_true(sip > 4000); /* nearly all cases keep a valid start line */
    assert_true(flagged > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protos),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
