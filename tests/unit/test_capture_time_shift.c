/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --time-shift: parsing FILE=[+-]SECONDS (by name or position, bad values
 * rejected with a message), sf_ts_shift arithmetic, and the merge of two
 * inputs whose clocks disagree. */
#include "sf_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap_writer.h"
#include "sipflow/capture.h"

static const char *const paths[] = {"a.pcap", "dir/b.pcap"};

static void parse_ok(const char *arg, uint32_t want_idx, int64_t want_ns)
{
    uint32_t idx = 99;
    int64_t ns = 12345;
    char err[256] = "x";
    bool ok = sf_capture_parse_time_shift(arg, paths, 2, &idx, &ns, err, sizeof err);
    if (!ok) fprintf(stderr, "rejected %s: %s\n", arg, err);
    assert_true(ok);
    assert_int_equal(idx, want_idx);
    assert_int_equal(ns, want_ns);
}

static void parse_bad(const char *arg, const char *want_in_err)
{
    uint32_t idx = 99;
    int64_t ns = 12345;
    char err[256] = "";
    assert_false(sf_capture_parse_time_shift(arg, paths, 2, &idx, &ns, err, sizeof err));
    if (!strstr(err, want_in_err)) fprintf(stderr, "%s: error '%s'\n", arg, err);
    assert_non_null(strstr(err, want_in_err));
    assert_non_null(strstr(err, "--time-shift"));
    assert_int_equal(idx, 99); /* untouched */
}

static void test_parse_values(void **state)
{
    (void)state;
    parse_ok("a.pcap=1.5", 0, 1500000000);
    parse_ok("dir/b.pcap=-0.25", 1, -250000000);
    parse_ok("dir/b.pcap=+3", 1, 3000000000);
    parse_ok("a.pcap=0", 0, 0);
    parse_ok("a.pcap=-.5", 0, -500000000);
    parse_ok("a.pcap=0.000000001", 0, 1);
    parse_ok("a.pcap=1.0000000019", 0, 1000000001); /* past ns: truncated */
    parse_ok("a.pcap=-3600", 0, -3600000000000LL);
    parse_ok("a.pcap=1000000000", 0, 1000000000000000000LL);
    /* positions, 1-based, with or without '#' */
    parse_ok("2=-1", 1, -1000000000);
    parse_ok("#1=2", 0, 2000000000);
}

static void test_parse_name_wins(void **state)
{
    (void)state;
    /* an input really named "2" is meant by "2=", not the second input */
    const char *const p3[] = {"x.pcap", "y.pcap", "2"};
    uint32_t idx;
    int64_t ns;
    char err[128];
    assert_true(sf_capture_parse_time_shift("2=1", p3, 3, &idx, &ns, err, sizeof err));
    assert_int_equal(idx, 2);
    /* '=' inside the file name: the last '=' separates the number */
    const char *const pe[] = {"k=v.pcap"};
    assert_true(sf_capture_parse_time_shift("k=v.pcap=-2", pe, 1, &idx, &ns, err, sizeof err));
    assert_int_equal(idx, 0);
    assert_int_equal(ns, -2000000000);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    parse_bad("a.pcap", "want FILE=");
    parse_bad("=1", "want FILE=");
    parse_bad("a.pcap=", "not a number");
    parse_bad("a.pcap=1.", "not a number");
    parse_bad("a.pcap=1e3", "not a number");
    parse_bad("a.pcap=--1", "not a number");
    parse_bad("a.pcap=+", "not a number");
    parse_bad("a.pcap=1,5", "not a number");
    parse_bad("a.pcap= 1", "not a number");
    parse_bad("a.pcap=1000000001", "not a number"); /* beyond 10^9 s */
    parse_bad("a.pcap=99999999999999999999999", "not a number");
    parse_bad("c.pcap=1", "no input file 'c.pcap'");
    parse_bad("b.pcap=1", "no input file"); /* the name as given: dir/b.pcap */
    parse_bad("0=1", "no input file");
    parse_bad("3=1", "no input file");
    parse_bad("#=1", "no input file");
    char err[64];
    uint32_t idx;
    int64_t ns;
    assert_false(sf_capture_parse_time_shift(NULL, paths, 2, &idx, &ns, err, sizeof err));
}

static void test_ts_shift(void **state)
{
    (void)state;
    sf_ts_t t = {10, 900000000, 6};
    sf_ts_t r = sf_ts_shift(t, 200000000);
    assert_int_equal(r.sec, 11);
    assert_int_equal(r.nsec, 100000000);
    assert_int_equal(r.prec, 6);
    r = sf_ts_shift((sf_ts_t){10, 50000000, 9}, -1950000000);
    assert_int_equal(r.sec, 8);
    assert_int_equal(r.nsec, 100000000);
    r = sf_ts_shift((sf_ts_t){0, 0, 9}, -1);
    assert_int_equal(r.sec, -1);
    assert_int_equal(r.nsec, 999999999);
    r = sf_ts_shift((sf_ts_t){5, 999999999, 9}, 1);
    assert_int_equal(r.sec, 6);
    assert_int_equal(r.nsec, 0);
    /* hostile seconds near the limits stay as they are, never overflow */
    r = sf_ts_shift((sf_ts_t){INT64_MAX, 5, 9}, 3000000000);
    assert_true(r.sec == INT64_MAX && r.nsec == 5);
    r = sf_ts_shift((sf_ts_t){INT64_MIN, 5, 9}, -3000000000);
    assert_true(r.sec == INT64_MIN && r.nsec == 5);
}

/* Two one-record inputs, B's clock 1 s behind: without a shift B's record
 * comes first; with +1.5 s for B it comes second, its time shifted, its
 * frame number unchanged. */
static void test_merge_with_shift(void **state)
{
    (void)state;
    char dir[] = "/tmp/sf-tshift-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char pa[64], pb[64];
    snprintf(pa, sizeof pa, "%s/a.pcap", dir);
    snprintf(pb, sizeof pb, "%s/b.pcap", dir);
    const uint8_t payload[4] = {1, 2, 3, 4};
    sf_pcap_writer_opts_t o = {.linktype = SF_LINKTYPE_RAW};
    sf_pcap_writer_t *w = sf_pcap_writer_open(pa, &o);
    assert_non_null(w);
    assert_int_equal(sf_pcap_writer_packet(w, 100, 0, payload, 4), 0);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    w = sf_pcap_writer_open(pb, &o);
    assert_non_null(w);
    assert_int_equal(sf_pcap_writer_packet(w, 99, 250000, payload, 4), 0);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    const char *const in[] = {pa, pb};
    char err[256];

    sf_capture_t *cap = sf_capture_open(in, 2, NULL, err, sizeof err);
    assert_non_null(cap);
    sf_packet_t pkt;
    assert_int_equal(sf_capture_next(cap, &pkt), 1);
    assert_int_equal(pkt.file, 1);
    assert_int_equal(pkt.ts.sec, 99);
    sf_capture_close(cap);

    const int64_t shift[2] = {0, 1500000000};
    sf_capture_opts_t opts = {.time_shift_ns = shift};
    cap = sf_capture_open(in, 2, &opts, err, sizeof err);
    assert_non_null(cap);
    assert_int_equal(sf_capture_next(cap, &pkt), 1);
    assert_int_equal(pkt.file, 0);
    assert_int_equal(pkt.ts.sec, 100);
    assert_int_equal(sf_capture_next(cap, &pkt), 1);
    assert_int_equal(pkt.file, 1);
    assert_int_equal(pkt.frame, 1);
    assert_int_equal(pkt.ts.sec, 100);
    assert_int_equal(pkt.ts.nsec, 750000000);
    assert_int_equal(pkt.iface, 0);
    assert_int_equal(sf_capture_next(cap, &pkt), 0);
    sf_capture_close(cap);
    unlink(pa);
    unlink(pb);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_values),     cmocka_unit_test(test_parse_name_wins),
        cmocka_unit_test(test_parse_rejects),    cmocka_unit_test(test_ts_shift),
        cmocka_unit_test(test_merge_with_shift),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
