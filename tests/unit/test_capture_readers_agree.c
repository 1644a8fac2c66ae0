/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Classic pcap files are read by sipflow's own reader (capture.c says
 * why); libpcap stays available through sf_capture_opts_t.libpcap. Both
 * must hand out the same records and report the same damage: every
 * bundled capture, every classic pcap of the shared corpus, and damaged
 * files written here (cut inside a record, inside a record header,
 * caplen over the snaplen, caplen over len, both byte orders and both
 * precisions) are read both ways and compared record by record. */
#include "sf_test.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap_writer.h"
#include "sipflow/capture.h"

#define MAX_ANOMS 8

typedef struct anoms {
    unsigned n;
    sf_anomaly_kind_t kind[MAX_ANOMS];
    uint64_t frame[MAX_ANOMS];
} anoms_t;

static void on_anom(void *user, const sf_anomaly_t *a)
{
    anoms_t *l = user;
    if (l->n < MAX_ANOMS) {
        l->kind[l->n] = a->kind;
        l->frame[l->n] = a->frame;
    }
    l->n++;
}

typedef struct reader {
    sf_capture_t *cap;
    anoms_t anoms;
} reader_t;

static void open_reader(reader_t *r, const char *path, bool libpcap)
{
    memset(r, 0, sizeof *r);
    sf_capture_opts_t o = {.anomalies = {on_anom, &r->anoms}, .libpcap = libpcap};
    char err[512];
    const char *paths[1] = {path};
    r->cap = sf_capture_open(paths, 1, &o, err, sizeof err);
    if (!r->cap) fail_msg("%s (%s): %s", path, libpcap ? "libpcap" : "own reader", err);
}

/* Returns the number of records compared. */
static uint64_t compare_readers(const char *path)
{
    reader_t own, lib;
    open_reader(&own, path, false);
    open_reader(&lib, path, true);
    uint64_t n = 0;
    for (;;) {
        sf_packet_t a, b;
        int ra = sf_capture_next(own.cap, &a), rb = sf_capture_next(lib.cap, &b);
        if (ra != rb)
            fail_msg("%s: record %llu: own reader %d, libpcap %d", path, (unsigned long long)n + 1,
                     ra, rb);
        if (ra != 1) break;
        n++;
        if (a.frame != b.frame || a.file != b.file || a.ts.sec != b.ts.sec ||
            a.ts.nsec != b.ts.nsec || a.ts.prec != b.ts.prec || a.linktype != b.linktype ||
            a.caplen != b.caplen || a.len != b.len || a.iface != b.iface ||
            memcmp(a.data, b.data, a.caplen) != 0)
            fail_msg("%s: record %llu differs (caplen %u/%u, len %u/%u, ts %lld.%09u/%lld.%09u)",
                     path, (unsigned long long)n, a.caplen, b.caplen, a.len, b.len,
                     (long long)a.ts.sec, a.ts.nsec, (long long)b.ts.sec, b.ts.nsec);
    }
    sf_capture_stats_t sa, sb;
    sf_capture_get_stats(own.cap, &sa);
    sf_capture_get_stats(lib.cap, &sb);
    assert_int_equal(sa.records, sb.records);
    assert_int_equal(sa.partial, sb.partial);
    if (own.anoms.n != lib.anoms.n)
        fail_msg("%s: %u anomalies from the own reader, %u from libpcap", path, own.anoms.n,
                 lib.anoms.n);
    for (unsigned i = 0; i < own.anoms.n && i < MAX_ANOMS; i++) {
        assert_int_equal(own.anoms.kind[i], lib.anoms.kind[i]);
        assert_int_equal(own.anoms.frame[i], lib.anoms.frame[i]);
    }
    sf_capture_close(own.cap);
    sf_capture_close(lib.cap);
    return n;
}

static bool is_classic_pcap(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    uint8_t m[4] = {0};
    size_t n = fread(m, 1, 4, f);
    fclose(f);
    return n == 4 && ((m[0] == 0xd4 && m[1] == 0xc3) || (m[0] == 0xa1 && m[1] == 0xb2) ||
                      (m[0] == 0x4d && m[1] == 0x3c));
}

/* Every classic pcap in dir; returns how many files. */
static unsigned compare_dir(const char *dir, uint64_t *records)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    unsigned files = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 5, ".pcap") != 0) continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (!is_classic_pcap(path)) continue;
        *records += compare_readers(path);
        files++;
    }
    closedir(d);
    return files;
}

static void test_bundled_captures(void **state)
{
    (void)state;
    const char *src = getenv("SIPFLOW_SOURCE");
    assert_non_null(src);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/pcaps", src);
    uint64_t records = 0;
    unsigned files = compare_dir(dir, &records);
    assert_true(files >= 10);
    assert_true(records > 100);
}

static void test_shared_captures(void **state)
{
    (void)state;
    if (!sf_test_shared_dir()) sf_test_skip("../shared is missing");
    uint64_t records = 0;
    unsigned files = 0;
    const char *dirs[] = {"pcaps/sipp", "pcaps/public"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char *d = sf_test_shared_path(dirs[i]);
        files += compare_dir(d, &records);
        free(d);
    }
    assert_true(files >= 20);
    assert_true(records > 10000);
}

/* ---- damaged files ------------------------------------------------------ */

static char tmpdir[64];

static const char *tmp_path(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static int setup(void **state)
{
    (void)state;
    return sf_test_tmpdir(tmpdir, sizeof tmpdir, "sf-readers");
}

static int teardown(void **state)
{
    (void)state;
    return sf_test_rmtree(tmpdir);
}

/* Three records of 60..90 bytes, in the given header format. */
static uint64_t write_three(const char *path, const sf_pcap_writer_opts_t *o, uint64_t *third)
{
    sf_pcap_writer_t *w = sf_pcap_writer_open(path, o);
    assert_non_null(w);
    uint8_t f[96];
    for (int i = 0; i < 3; i++) {
        if (i == 2 && third) *third = sf_pcap_writer_offset(w);
        for (size_t k = 0; k < sizeof f; k++)
            f[k] = (uint8_t)(k * 7 + (size_t)i);
        sf_pcap_writer_packet(w, 1700000000 + i, 123456 + (uint32_t)i, f, 60 + 15 * (uint32_t)i);
    }
    uint64_t end = sf_pcap_writer_offset(w);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    return end;
}

static void test_formats_and_damage(void **state)
{
    (void)state;
    const sf_pcap_writer_opts_t forms[] = {
        {.linktype = 1},
        {.linktype = 1, .nano = true},
        {.linktype = 1, .big_endian = true},
        {.linktype = 101, .nano = true, .big_endian = true},
        {.linktype = 1, .snaplen = 70}, /* records over the snaplen */
        {.linktype = 147},              /* a link type sipflow does not decode */
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char name[32];
        snprintf(name, sizeof name, "form%zu.pcap", i);
        const char *p = tmp_path(name);
        uint64_t third = 0;
        uint64_t end = write_three(p, &forms[i], &third);
        assert_int_equal(compare_readers(p), 3);
        /* cut inside the third record's data, then inside its header */
        assert_int_equal(truncate(p, (off_t)(end - 5)), 0);
        assert_int_equal(compare_readers(p), 2);
        assert_int_equal(truncate(p, (off_t)(third + 7)), 0);
        assert_int_equal(compare_readers(p), 2);
        /* only the file header, then less */
        assert_int_equal(truncate(p, 24), 0);
        assert_int_equal(compare_readers(p), 0);
    }
    /* caplen over len */
    const char *p = tmp_path("caplen-over-len.pcap");
    sf_pcap_writer_t *w = sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 1});
    uint8_t f[80] = {0};
    sf_pcap_writer_packet(w, 1, 0, f, sizeof f);
    sf_pcap_writer_record(w, 2, 0, sizeof f, sizeof f - 10, f, sizeof f);
    sf_pcap_writer_packet(w, 3, 0, f, sizeof f);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    assert_int_equal(compare_readers(p), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundled_captures),
        cmocka_unit_test(test_formats_and_damage),
        cmocka_unit_test(test_shared_captures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
