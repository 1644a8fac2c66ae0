/* SPDX-License-Identifier: GPL-2.0-or-later */
/* RFC 4475 torture messages: each file's outcome must match the checked-in
 * table tests/unit/data/rfc4475-expected.txt (decided from RFC 4475's own
 * verdicts), the table and the directory must list the same files, and
 * every prefix of every message parses without reading out of bounds. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sf_test.h"
#include "sipflow/sip_headers.h"
#include "sipflow/sip_msg.h"

#define MAX_ENTRIES 256

typedef struct entry {
    char file[64];
    char outcome[16];
    char reason[128];
    bool seen;
} entry_t;

static entry_t entries[MAX_ENTRIES];
static size_t n_entries;
static char msg_dir[4096];

static void table_path(char *buf, size_t n)
{
    const char *src = getenv("SIPFLOW_SOURCE");
    if (src) {
        snprintf(buf, n, "%s/tests/unit/data/rfc4475-expected.txt", src);
        return;
    }
    /* fall back to this file's own directory */
    snprintf(buf, n, "%s", __FILE__);
    char *slash = strrchr(buf, '/');
    if (slash) snprintf(slash, n - (size_t)(slash - buf), "/data/rfc4475-expected.txt");
}

static void copy_str(char *dst, size_t n, const char *src)
{
    size_t l = strlen(src);
    assert_true(l < n);
    memcpy(dst, src, l + 1);
}

static void load_table(void)
{
    char path[4096];
    table_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0') continue;
        assert_true(n_entries < MAX_ENTRIES);
        entry_t *e = &entries[n_entries++];
        char *tab1 = strchr(line, '\t');
        assert_non_null(tab1);
        *tab1 = '\0';
        char *tab2 = strchr(tab1 + 1, '\t');
        if (tab2) *tab2 = '\0';
        copy_str(e->file, sizeof e->file, line);
        copy_str(e->outcome, sizeof e->outcome, tab1 + 1);
        copy_str(e->reason, sizeof e->reason, tab2 ? tab2 + 1 : "");
        assert_true(strcmp(e->outcome, "accepted") == 0 || strcmp(e->outcome, "rejected") == 0 ||
                    (strcmp(e->outcome, "flagged") == 0 && e->reason[0]));
    }
    fclose(f);
}

static entry_t *find_entry(const char *file)
{
    for (size_t i = 0; i < n_entries; i++)
        if (strcmp(entries[i].file, file) == 0) return &entries[i];
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    char *d = sf_test_shared_path("pcaps/public/messages/php-sip--rfc4475");
    DIR *dir = d ? opendir(d) : NULL;
    if (!dir) {
        free(d);
        sf_test_skip("shared RFC 4475 messages missing");
    }
    closedir(dir);
    snprintf(msg_dir, sizeof msg_dir, "%s", d);
    free(d);
    return 0;
}

/* Reads a file into a buffer of exactly its size, so ASan sees any read
 * past the end. */
static char *read_exact(const char *path, uint32_t *len)
{
    size_t n;
    uint8_t *raw = sf_test_read_file(path, &n);
    assert_non_null(raw);
    char *b = malloc(n ? n : 1);
    assert_non_null(b);
    memcpy(b, raw, n);
    free(raw);
    *len = (uint32_t)n;
    return b;
}

static void test_table_matches_files(void **state)
{
    (void)state;
    load_table();
    assert_true(n_entries >= 49);
    DIR *dir = opendir(msg_dir);
    assert_non_null(dir);
    sf_sip_parser_t *p = sf_sip_parser_create();
    assert_non_null(p);
    struct dirent *de;
    size_t files = 0, failures = 0;
    while ((de = readdir(dir)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".dat") != 0) continue;
        files++;
        entry_t *e = find_entry(de->d_name);
        if (!e) {
            print_error("%s: missing from rfc4475-expected.txt\n", de->d_name);
            failures++;
            continue;
        }
        e->seen = true;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", msg_dir, de->d_name);
        uint32_t len;
        char *buf = read_exact(path, &len);
        sf_sip_msg_t m;
        bool sip = sf_sip_parse(p, buf, len, &m);
        bool ok;
        if (strcmp(e->outcome, "rejected") == 0)
            ok = !sip;
        else if (strcmp(e->outcome, "accepted") == 0)
            ok = sip && m.malformed == NULL;
        else
            ok = sip && m.malformed && strstr(m.malformed, e->reason);
        if (!ok) {
            print_error("%s: expected %s %s, got %s %s\n", e->file, e->outcome, e->reason,
                        sip ? "sip" : "not-sip", sip && m.malformed ? m.malformed : "");
            failures++;
        }
        if (sip && m.malformed) assert_true(m.malformed_offset <= len);
        free(buf);
    }
    closedir(dir);
    for (size_t i = 0; i < n_entries; i++) {
        if (!entries[i].seen) {
            print_error("%s: stale entry in rfc4475-expected.txt (no such file)\n",
                        entries[i].file);
            failures++;
        }
    }
    sf_sip_parser_destroy(p);
    assert_int_equal(files, n_entries);
    assert_int_equal(failures, 0);
}

/* Spot checks of what RFC 4475 says the valid messages contain. */
static void test_valid_content(void **state)
{
    (void)state;
    sf_sip_parser_t *p = sf_sip_parser_create();
    char path[8192];
    uint32_t len;
    sf_sip_msg_t m;

    snprintf(path, sizeof path, "%s/wsinv.dat", msg_dir);
    char *b = read_exact(path, &len);
    assert_true(sf_sip_parse(p, b, len, &m));
    assert_null(m.malformed);
    assert_int_equal(m.method_id, SF_METHOD_INVITE);
    assert_int_equal(m.n_via, 3);
    assert_true(sf_slice_eq(m.via.host, "192.0.2.2"));
    assert_true(sf_slice_eq(m.via.transport, "UDP"));
    assert_true(sf_slice_eq(m.via.branch, "390skdjuw"));
    assert_false(m.via.rfc3261_branch);
    assert_true(sf_slice_eq(m.from_tag, "98asjd8"));
    assert_true(sf_slice_eq(m.to_tag, "1918181833n"));
    assert_true(sf_slice_eq(m.call_id, "wsinv.ndaksdj@192.0.2.1"));
    assert_int_equal(m.cseq, 9);
    assert_int_equal(m.cseq_method_id, SF_METHOD_INVITE);
    assert_int_equal(m.content_length, 150);
    assert_int_equal(m.body.len, 150);
    free(b);

    snprintf(path, sizeof path, "%s/transports.dat", msg_dir);
    b = read_exact(path, &len);
    assert_true(sf_sip_parse(p, b, len, &m));
    assert_int_equal(m.n_via, 5);
    sf_sip_values_iter_t it;
    sf_sip_values_init(&it, &m, SF_HDR_VIA);
    sf_sip_via_t v;
    const char *err;
    const char *want[] = {"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"};
    for (int i = 0; i < 5; i++) {
        assert_true(sf_sip_via_next(&it, &v, &err));
        assert_null(err);
        assert_true(sf_slice_eq(v.transport, want[i]));
    }
    assert_false(sf_sip_via_next(&it, &v, &err));
    free(b);

    snprintf(path, sizeof path, "%s/intmeth.dat", msg_dir);
    b = read_exact(path, &len);
    assert_true(sf_sip_parse(p, b, len, &m));
    assert_int_equal(m.method_id, SF_METHOD_UNKNOWN);
    assert_true(sf_slice_eq(m.method, "!interesting-Method0123456789_*+`.%indeed'~"));
    sf_sip_uri_t u;
    assert_null(sf_sip_uri_parse(m.request_uri, &u));
    assert_true(sf_slice_eq(u.host, "example.com"));
    free(b);

    snprintf(path, sizeof path, "%s/noreason.dat", msg_dir);
    b = read_exact(path, &len);
    assert_true(sf_sip_parse(p, b, len, &m));
    assert_false(m.is_request);
    assert_int_equal(m.status, 100);
    assert_int_equal(m.reason.len, 0);
    free(b);
    sf_sip_parser_destroy(p);
}

/* Every prefix of every message: never crashes, never reads past len. */
static void test_every_prefix(void **state)
{
    (void)state;
    DIR *dir = opendir(msg_dir);
    assert_non_null(dir);
    sf_sip_parser_t *p = sf_sip_parser_create();
    struct dirent *de;
    size_t parsed = 0;
    while ((de = readdir(dir)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 5 || strcmp(de->d_name + nl - 4, ".dat") != 0) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", msg_dir, de->d_name);
        uint32_t len;
        char *full = read_exact(path, &len);
        for (uint32_t cut = 0; cut <= len; cut++) {
            char *b = malloc(cut ? cut : 1);
            assert_non_null(b);
            memcpy(b, full, cut);
            sf_sip_msg_t m;
            if (sf_sip_parse(p, b, cut, &m)) {
                assert_true(m.body.len <= cut);
                assert_true(m.start_line.len <= cut);
                parsed++;
            }
            (void)sf_sip_start_line_check(b, cut);
            free(b);
        }
        free(full);
    }
    closedir(dir);
    sf_sip_parser_destroy(p);
    assert_true(parsed > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_matches_files),
        cmocka_unit_test(test_valid_content),
        cmocka_unit_test(test_every_prefix),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
