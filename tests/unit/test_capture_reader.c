/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capture front end: small pcap files written to a temp dir, read back
 * through sf_capture (frame numbers, precision, byte order, merging, BPF,
 * filter warnings, damaged and missing files). */
#include "sf_test.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pcap_writer.h"
#include "sipflow/capture.h"

static char tmpdir[64];

/* ---- helpers ---------------------------------------------------------- */

#define MAX_ANOMS 16

typedef struct anom_log {
    unsigned n;
    sf_anomaly_t a[MAX_ANOMS];
    char reason[MAX_ANOMS][256];
} anom_log_t;

static void log_anomaly(void *user, const sf_anomaly_t *a)
{
    anom_log_t *l = user;
    if (l->n >= MAX_ANOMS) return;
    l->a[l->n] = *a;
    snprintf(l->reason[l->n], sizeof l->reason[0], "%s", a->reason);
    l->a[l->n].reason = l->reason[l->n];
    l->n++;
}

static const sf_anomaly_t *find_anom(const anom_log_t *l, sf_anomaly_kind_t kind)
{
    for (unsigned i = 0; i < l->n; i++)
        if (l->a[i].kind == kind) return &l->a[i];
    return NULL;
}

static unsigned count_anom(const anom_log_t *l, sf_anomaly_kind_t kind)
{
    unsigned c = 0;
    for (unsigned i = 0; i < l->n; i++)
        c += l->a[i].kind == kind;
    return c;
}

static char *tmp_path(const char *name)
{
    static char buf[8][128];
    static unsigned k;
    char *p = buf[k++ % 8];
    snprintf(p, sizeof buf[0], "%s/%s", tmpdir, name);
    return p;
}

static const uint8_t ip_a[4] = {192, 0, 2, 1}, ip_b[4] = {192, 0, 2, 2};

/* Ethernet/IPv4/UDP frame with a payload naming its index. */
static uint32_t frame_udp(uint8_t *buf, size_t cap, uint16_t dport, uint16_t vlan, int tag)
{
    char payload[32];
    int n = snprintf(payload, sizeof payload, "OPTIONS %d", tag);
    return (uint32_t)sf_build_eth_udp4(buf, cap, ip_a, ip_b, dport, dport, vlan, payload,
                                       (size_t)n);
}

/* Writes n Ethernet UDP records at sec = secs[i] (usec = i). */
static void write_file(const char *path, const sf_pcap_writer_opts_t *o, const int64_t *secs,
                       const uint16_t *ports, int n)
{
    sf_pcap_writer_t *w = sf_pcap_writer_open(path, o);
    assert_non_null(w);
    for (int i = 0; i < n; i++) {
        uint8_t f[128];
        uint32_t len = frame_udp(f, sizeof f, ports ? ports[i] : 5060, 0, i);
        assert_int_equal(sf_pcap_writer_packet(w, secs[i], (uint32_t)i, f, len), 0);
    }
    assert_int_equal(sf_pcap_writer_close(w), 0);
}

static sf_capture_t *open_caps(const char *const *paths, size_t n, const char *bpf, anom_log_t *log)
{
    sf_capture_opts_t o = {.bpf = bpf, .anomalies = {log_anomaly, log}};
    char err[512];
    sf_capture_t *c = sf_capture_open(paths, n, &o, err, sizeof err);
    if (!c) fail_msg("sf_capture_open: %s", err);
    return c;
}

static sf_capture_t *open1(const char *path, const char *bpf, anom_log_t *log)
{
    return open_caps(&path, 1, bpf, log);
}

/* ---- tests ------------------------------------------------------------ */

static void test_frame_numbers_micro(void **state)
{
    (void)state;
    const char *p = tmp_path("micro.pcap");
    int64_t secs[3] = {1000, 1001, 1002};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 3);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sf_capture_next(c, &pk), 1);
        assert_int_equal(pk.file, 0);
        assert_int_equal(pk.frame, i + 1);
        assert_int_equal(pk.ts.sec, secs[i]);
        assert_int_equal(pk.ts.nsec, i * 1000);
        assert_int_equal(pk.ts.prec, 6);
        assert_int_equal(pk.linktype, SF_LINKTYPE_ETHERNET);
        assert_int_equal(pk.caplen, pk.len);
        uint8_t f[128];
        uint32_t n = frame_udp(f, sizeof f, 5060, 0, i);
        assert_int_equal(pk.caplen, n);
        assert_memory_equal(pk.data, f, n);
    }
    assert_int_equal(sf_capture_next(c, &pk), 0);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_int_equal(st.records, 3);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.files_failed, 0);
    assert_false(st.partial);
    assert_int_equal(log.n, 0);
    assert_null(sf_capture_filter_warnings(c)[0]);
    assert_string_equal(sf_capture_input_name(c, 0), p);
    sf_capture_close(c);
}

static void check_nano(const char *name, bool big_endian)
{
    const char *p = tmp_path(name);
    sf_pcap_writer_t *w = sf_pcap_writer_open(
        p, &(sf_pcap_writer_opts_t){.linktype = 1, .nano = true, .big_endian = big_endian});
    uint8_t f[128];
    uint32_t n = frame_udp(f, sizeof f, 5060, 0, 0);
    sf_pcap_writer_packet(w, 1764240189, 123456789, f, n);
    sf_pcap_writer_record(w, 1764240190, 999999999, n - 10, n, f, n - 10);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.ts.sec, 1764240189);
    assert_int_equal(pk.ts.nsec, 123456789);
    assert_int_equal(pk.ts.prec, 9);
    assert_memory_equal(pk.data, f, n);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 2);
    assert_int_equal(pk.ts.nsec, 999999999);
    assert_int_equal(pk.caplen, n - 10);
    assert_int_equal(pk.len, n);
    char ts[SF_TS_STRLEN];
    sf_ts_format(pk.ts, ts, sizeof ts);
    assert_string_equal(ts, "1764240190.999999999");
    assert_int_equal(sf_capture_next(c, &pk), 0);
    assert_int_equal(log.n, 0);
    sf_capture_close(c);
}

static void test_nanosecond_precision(void **state)
{
    (void)state;
    check_nano("nano.pcap", false);
}

static void test_big_endian(void **state)
{
    (void)state;
    check_nano("nano-be.pcap", true);
    /* Big-endian microsecond file too. */
    const char *p = tmp_path("micro-be.pcap");
    int64_t secs[2] = {7, 8};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1, .big_endian = true}, secs, NULL, 2);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.ts.sec, 8);
    assert_int_equal(pk.ts.nsec, 1000);
    assert_int_equal(pk.ts.prec, 6);
    assert_int_equal(pk.linktype, 1);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    sf_capture_close(c);
}

/* Regression: seconds are unsigned 32-bit in a pcap file; libpcap's
 * signed field made 3215500952 (frame 5 of heplify--sip_ipv6_udp.pcap)
 * negative. Both readers (plain file: libpcap; gzip: own reader) agree. */
static void test_seconds_past_2038(void **state)
{
    (void)state;
    const char *p = tmp_path("y2106.pcap");
    int64_t secs[2] = {3215500952LL, 4294967295LL};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 2);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_true(pk.ts.sec == 3215500952LL);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_true(pk.ts.sec == 4294967295LL);
    sf_capture_close(c);
}

static void test_merge_two_files(void **state)
{
    (void)state;
    const char *a = tmp_path("merge-a.pcap"), *b = tmp_path("merge-b.pcap");
    int64_t sa[3] = {1, 3, 5}, sb[3] = {2, 3, 4};
    /* usec = record index: a's second record (3.000001) vs b's (3.000001):
     * a tie, which keeps input order. */
    write_file(a, &(sf_pcap_writer_opts_t){.linktype = 1}, sa, NULL, 3);
    /* b is a nanosecond file with fractions i*1000 ns: the tie at 3 s is exact. */
    sf_pcap_writer_t *w =
        sf_pcap_writer_open(b, &(sf_pcap_writer_opts_t){.linktype = 1, .nano = true});
    for (int i = 0; i < 3; i++) {
        uint8_t f[128];
        uint32_t n = frame_udp(f, sizeof f, 5060, 0, 10 + i);
        sf_pcap_writer_packet(w, sb[i], (uint32_t)i * 1000, f, n);
    }
    assert_int_equal(sf_pcap_writer_close(w), 0);
    const char *paths[2] = {a, b};
    anom_log_t log = {0};
    sf_capture_t *c = open_caps(paths, 2, NULL, &log);
    static const struct {
        uint32_t file;
        uint64_t frame;
        int64_t sec;
        uint8_t prec;
    } want[6] = {{0, 1, 1, 6}, {1, 1, 2, 9}, {0, 2, 3, 6},
                 {1, 2, 3, 9}, {1, 3, 4, 9}, {0, 3, 5, 6}};
    sf_packet_t pk;
    for (int i = 0; i < 6; i++) {
        assert_int_equal(sf_capture_next(c, &pk), 1);
        assert_int_equal(pk.file, want[i].file);
        assert_int_equal(pk.frame, want[i].frame);
        assert_int_equal(pk.ts.sec, want[i].sec);
        assert_int_equal(pk.ts.prec, want[i].prec);
        /* Zero-copy: the payload still matches its own record. */
        uint8_t f[128];
        int tag = (int)(want[i].frame - 1) + (want[i].file ? 10 : 0);
        uint32_t n = frame_udp(f, sizeof f, 5060, 0, tag);
        assert_int_equal(pk.caplen, n);
        assert_memory_equal(pk.data, f, n);
    }
    assert_int_equal(sf_capture_next(c, &pk), 0);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_int_equal(st.records, 6);
    assert_int_equal(st.files, 2);
    assert_string_equal(sf_capture_input_name(c, 1), b);
    assert_null(sf_capture_input_name(c, 2));
    sf_capture_close(c);
}

static void test_bpf_keeps_frame_numbers(void **state)
{
    (void)state;
    const char *p = tmp_path("bpf.pcap");
    int64_t secs[5] = {1, 2, 3, 4, 5};
    uint16_t ports[5] = {5060, 53, 53, 5060, 123};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, ports, 5);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, "udp port 5060", &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 1);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 4);
    assert_int_equal(pk.ts.sec, 4);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_int_equal(st.records, 5);
    assert_int_equal(st.filtered_out, 3);
    assert_true(st.bytes > 0);
    sf_capture_close(c);
}

static void test_bpf_invalid(void **state)
{
    (void)state;
    const char *p = tmp_path("bpf-bad.pcap");
    int64_t secs[1] = {1};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 1);
    char err[512] = "";
    sf_capture_opts_t o = {.bpf = "udp port nonsense and ("};
    assert_null(sf_capture_open(&p, 1, &o, err, sizeof err));
    assert_non_null(strstr(err, "udp port nonsense"));
    assert_true(strlen(err) > 30); /* pcap's own message follows */
}

static bool has_warning(sf_capture_t *c, const char *needle)
{
    for (const char *const *w = sf_capture_filter_warnings(c); *w; w++)
        if (strstr(*w, needle)) return true;
    return false;
}

static void test_filter_warnings(void **state)
{
    (void)state;
    const char *p = tmp_path("warn.pcap");
    int64_t secs[1] = {1};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 1);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, "udp port 5060", &log);
    assert_true(has_warning(c, "fragments"));
    assert_true(has_warning(c, "VLAN"));
    sf_capture_close(c);

    c = open1(p, "port 5060 or (ip[6:2] & 0x1fff != 0)", &log);
    assert_false(has_warning(c, "fragments"));
    assert_true(has_warning(c, "VLAN"));
    sf_capture_close(c);

    c = open1(p, "port 5060 or (vlan and port 5060)", &log);
    assert_true(has_warning(c, "fragments"));
    assert_false(has_warning(c, "VLAN"));
    sf_capture_close(c);

    /* 'host' alone would drop tagged frames too (rightly warned). */
    c = open1(p, "host 192.0.2.1 or (vlan and host 192.0.2.1)", &log);
    assert_null(sf_capture_filter_warnings(c)[0]);
    sf_capture_close(c);

    /* IPv6: 'udp port 5060' does not walk the fragment header. */
    c = open1(p, "udp port 5060", &log);
    assert_true(has_warning(c, "IPv6"));
    sf_capture_close(c);
    c = open1(p, "udp port 5060 or (ip6 and ip6[6] == 44)", &log);
    assert_false(has_warning(c, "IPv6"));
    sf_capture_close(c);

    /* Ports named in the filter are probed, not only 5060. 'vlan' comes
     * last: it shifts the offsets of everything after it (pcap-filter(7)),
     * which the fragment check would catch. */
    c = open1(p, "udp port 5080", &log);
    assert_true(has_warning(c, "fragments"));
    assert_true(has_warning(c, "VLAN"));
    assert_true(has_warning(c, "IPv6"));
    sf_capture_close(c);
    c = open1(p,
              "udp port 5080 or (ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44) or "
              "(vlan and udp port 5080)",
              &log);
    assert_null(sf_capture_filter_warnings(c)[0]);
    sf_capture_close(c);

    /* Raw IP captures: fragments are checked (no VLAN there). */
    const char *r = tmp_path("warn-raw.pcap");
    sf_pcap_writer_t *w = sf_pcap_writer_open(r, &(sf_pcap_writer_opts_t){.linktype = 101});
    assert_int_equal(sf_pcap_writer_close(w), 0);
    c = open1(r, "udp port 5060", &log);
    assert_true(has_warning(c, "fragments"));
    assert_false(has_warning(c, "VLAN"));
    sf_capture_close(c);
    assert_int_equal(log.n, 0);
}

/* VLAN-tagged and untagged SIP through a filter that accepts both. */
static void test_filter_vlan_records(void **state)
{
    (void)state;
    const char *p = tmp_path("vlan.pcap");
    sf_pcap_writer_t *w = sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 1});
    uint8_t f[128];
    uint32_t n = frame_udp(f, sizeof f, 5060, 0, 0);
    sf_pcap_writer_packet(w, 1, 0, f, n);
    n = frame_udp(f, sizeof f, 5060, 42, 1);
    sf_pcap_writer_packet(w, 2, 0, f, n);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, "udp port 5060", &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 1);
    assert_int_equal(sf_capture_next(c, &pk), 0); /* the tagged one is dropped, as warned */
    sf_capture_close(c);
    c = open1(p, "udp port 5060 or (vlan and udp port 5060)", &log);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 2);
    sf_capture_close(c);
}

/* Writes 3 records and cuts the file at cut bytes from its end of the
 * third record's header start + cut_in_third. */
static void check_truncated(const char *name, uint32_t cut_in_third)
{
    const char *p = tmp_path(name);
    sf_pcap_writer_t *w = sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 1});
    uint8_t f[128];
    uint64_t third = 0;
    for (int i = 0; i < 3; i++) {
        if (i == 2) third = sf_pcap_writer_offset(w);
        uint32_t n = frame_udp(f, sizeof f, 5060, 0, i);
        sf_pcap_writer_packet(w, 10 + i, 0, f, n);
    }
    assert_int_equal(sf_pcap_writer_close(w), 0);
    assert_int_equal(truncate(p, (off_t)(third + cut_in_third)), 0);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 1);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 2);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_FILE_TRUNCATED);
    assert_non_null(a);
    assert_int_equal(a->frame, 3);
    assert_int_equal(a->file, 0);
    assert_int_equal(a->layer, SF_LAYER_CAPTURE);
    assert_int_equal(log.n, 1);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_true(st.partial);
    assert_int_equal(st.records, 2);
    sf_capture_close(c);
}

static void test_truncated_file(void **state)
{
    (void)state;
    check_truncated("trunc-record.pcap", 16 + 20); /* inside the data */
    check_truncated("trunc-header.pcap", 8);       /* inside the record header */
}

static void test_caplen_over_len(void **state)
{
    (void)state;
    const char *p = tmp_path("caplen.pcap");
    sf_pcap_writer_t *w =
        sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 1, .snaplen = 65535});
    uint8_t f[128];
    uint32_t n = frame_udp(f, sizeof f, 5060, 0, 0);
    sf_pcap_writer_packet(w, 1, 0, f, n);
    sf_pcap_writer_record(w, 2, 0, n, n - 10, f, n); /* caplen > len */
    sf_pcap_writer_packet(w, 3, 0, f, n);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 2);
    assert_int_equal(pk.caplen, n); /* still delivered, all bytes present */
    assert_int_equal(pk.len, n - 10);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_RECORD_INVALID);
    assert_non_null(a);
    assert_int_equal(a->frame, 2);
    assert_non_null(strstr(a->reason, "original length"));
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 3);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    assert_int_equal(count_anom(&log, SF_ANOM_RECORD_INVALID), 1);
    sf_capture_close(c);
}

static void test_missing_input(void **state)
{
    (void)state;
    const char *good = tmp_path("good.pcap");
    int64_t secs[2] = {1, 2};
    write_file(good, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 2);
    const char *paths[2] = {tmp_path("does-not-exist.pcap"), good};
    anom_log_t log = {0};
    sf_capture_t *c = open_caps(paths, 2, NULL, &log);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_FILE_UNREADABLE);
    assert_non_null(a);
    assert_int_equal(a->file, 0);
    assert_int_equal(a->frame, 0);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.file, 1);
    assert_int_equal(pk.frame, 1);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.files_failed, 1);
    assert_string_equal(sf_capture_input_name(c, 0), paths[0]);
    sf_capture_close(c);

    /* Nothing opens: NULL with a message naming the input. A file that is
     * not a capture counts as unopenable too. */
    const char *junk = tmp_path("junk.txt");
    FILE *f = fopen(junk, "w");
    assert_non_null(f);
    fputs("this is not a capture file at all\n", f);
    fclose(f);
    const char *bad[2] = {tmp_path("missing-1.pcap"), junk};
    char err[512] = "";
    sf_capture_opts_t o = {0};
    assert_null(sf_capture_open(bad, 2, &o, err, sizeof err));
    assert_non_null(strstr(err, "missing-1.pcap"));
}

static void test_unsupported_linktype(void **state)
{
    (void)state;
    const char *p = tmp_path("lt147.pcap");
    sf_pcap_writer_t *w = sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 147});
    uint8_t d[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    sf_pcap_writer_packet(w, 1, 0, d, 8);
    sf_pcap_writer_packet(w, 2, 0, d, 8);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.linktype, 147);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    assert_int_equal(count_anom(&log, SF_ANOM_LINKTYPE_UNSUPPORTED), 1);
    assert_non_null(strstr(find_anom(&log, SF_ANOM_LINKTYPE_UNSUPPORTED)->reason, "147"));
    sf_capture_close(c);
}

/* LINKTYPE_RAW (101) is DLT_RAW (12) inside libpcap: packets must carry
 * the file's value and the filter must compile for it. */
static void test_raw_linktype(void **state)
{
    (void)state;
    const char *p = tmp_path("raw.pcap");
    sf_pcap_writer_t *w = sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 101});
    uint8_t f[128];
    uint32_t n = frame_udp(f, sizeof f, 5060, 0, 0);
    sf_pcap_writer_packet(w, 1, 0, f + 14, n - 14);
    n = frame_udp(f, sizeof f, 53, 0, 1);
    sf_pcap_writer_packet(w, 2, 0, f + 14, n - 14);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, "udp port 5060", &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.linktype, SF_LINKTYPE_RAW);
    assert_int_equal(pk.data[0], 0x45);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    assert_int_equal(log.n, 0);
    sf_capture_close(c);
}

/* gzip-compressed pcap goes through the own reader with the same result. */
static void test_gzip_input(void **state)
{
    (void)state;
    const char *plain = tmp_path("gz-src.pcap"), *gz = tmp_path("gz.pcap.gz");
    int64_t secs[3] = {5, 6, 7};
    write_file(plain, &(sf_pcap_writer_opts_t){.linktype = 1, .nano = true}, secs, NULL, 3);
    size_t len = 0;
    uint8_t *bytes = sf_test_read_file(plain, &len);
    assert_non_null(bytes);
    gzFile g = gzopen(gz, "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, bytes, (unsigned)len), (int)len);
    assert_int_equal(gzclose(g), Z_OK);
    free(bytes);
    anom_log_t log = {0};
    sf_capture_t *c = open1(gz, "udp port 5060", &log);
    sf_packet_t pk;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(sf_capture_next(c, &pk), 1);
        assert_int_equal(pk.frame, i + 1);
        assert_int_equal(pk.ts.sec, secs[i]);
        assert_int_equal(pk.ts.nsec, i);
        assert_int_equal(pk.ts.prec, 9);
        uint8_t f[128];
        uint32_t n = frame_udp(f, sizeof f, 5060, 0, i);
        assert_int_equal(pk.caplen, n);
        assert_memory_equal(pk.data, f, n);
    }
    assert_int_equal(sf_capture_next(c, &pk), 0);
    assert_true(has_warning(c, "fragments"));
    assert_int_equal(log.n, 0);
    sf_capture_close(c);
}

/* Minimal pcapng writer (little-endian): SHB, IDBs, EPBs. */
static void ng_block(FILE *f, uint32_t type, const uint8_t *body, uint32_t n)
{
    uint32_t pad = (4 - n % 4) % 4, total = 12 + n + pad;
    static const uint8_t zero[4];
    fwrite(&type, 4, 1, f);
    fwrite(&total, 4, 1, f);
    fwrite(body, 1, n, f);
    fwrite(zero, 1, pad, f);
    fwrite(&total, 4, 1, f);
}

static void ng_idb(FILE *f, uint16_t linktype, uint8_t tsresol)
{
    uint8_t b[16] = {0};
    memcpy(b, &linktype, 2);
    uint32_t n = 8;
    if (tsresol) { /* if_tsresol option (code 9, length 1), then opt_endofopt */
        b[8] = 9;
        b[10] = 1;
        b[12] = tsresol;
        n = 16;
    }
    ng_block(f, 1, b, n);
}

static void ng_epb(FILE *f, uint32_t iface, uint64_t ts, const uint8_t *data, uint32_t n)
{
    uint8_t b[256];
    uint32_t hi = (uint32_t)(ts >> 32), lo = (uint32_t)ts;
    memcpy(b, &iface, 4);
    memcpy(b + 4, &hi, 4);
    memcpy(b + 8, &lo, 4);
    memcpy(b + 12, &n, 4);
    memcpy(b + 16, &n, 4);
    memcpy(b + 20, data, n);
    ng_block(f, 6, b, 20 + n);
}

/* pcapng with Ethernet, raw IP (nanosecond) and an undecodable interface:
 * per-record link types, per-link-type filters, one unsupported report. */
static void test_pcapng_mixed_linktypes(void **state)
{
    (void)state;
    const char *p = tmp_path("mixed.pcapng");
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    uint8_t shb[16] = {0x4d, 0x3c, 0x2b, 0x1a, 1,    0,    0,    0,
                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    ng_block(f, 0x0a0d0d0a, shb, sizeof shb);
    ng_idb(f, 1, 0);
    ng_idb(f, 101, 9);
    ng_idb(f, 147, 0);
    uint8_t fr[128];
    uint32_t n = frame_udp(fr, sizeof fr, 5060, 0, 0);
    ng_epb(f, 0, 1000000ull, fr, n);              /* 1 s, usec */
    ng_epb(f, 1, 2000000123ull, fr + 14, n - 14); /* 2.000000123 s */
    ng_epb(f, 2, 3000000ull, fr, 8);              /* unsupported */
    uint32_t n53 = frame_udp(fr, sizeof fr, 53, 0, 1);
    ng_epb(f, 1, 4000000000ull, fr + 14, n53 - 14); /* filtered out */
    ng_epb(f, 2, 5000000ull, fr, 8);                /* unsupported again */
    fclose(f);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, "udp port 5060 or not ip", &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 1);
    assert_int_equal(pk.linktype, SF_LINKTYPE_ETHERNET);
    assert_int_equal(pk.ts.prec, 6);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 2);
    assert_int_equal(pk.linktype, SF_LINKTYPE_RAW);
    assert_int_equal(pk.ts.sec, 2);
    assert_int_equal(pk.ts.nsec, 123);
    assert_int_equal(pk.ts.prec, 9);
    /* Frames 3 and 5 (link type 147): 'ip' cannot compile there, so
     * they are filtered out (and reported); frame 4 is port 53. */
    assert_int_equal(sf_capture_next(c, &pk), 0);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_int_equal(st.records, 5);
    assert_int_equal(st.filtered_out, 3);
    assert_int_equal(count_anom(&log, SF_ANOM_FILE_TRUNCATED), 0);
    assert_int_equal(count_anom(&log, SF_ANOM_LINKTYPE_UNSUPPORTED), 2);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_LINKTYPE_UNSUPPORTED);
    assert_int_equal(a->frame, 3);
    assert_non_null(strstr(a->reason, "147"));
    assert_true(has_warning(c, "fragments"));
    sf_capture_close(c);
}

/* A record header with an impossible length ends the file as corrupt;
 * the record before it is delivered. libpcap and the own reader (gzip)
 * agree. */
static void check_corrupt(const char *name, bool gz)
{
    const char *p = tmp_path(name);
    sf_pcap_writer_t *w = sf_pcap_writer_open(p, &(sf_pcap_writer_opts_t){.linktype = 1});
    uint8_t f[128];
    uint32_t n = frame_udp(f, sizeof f, 5060, 0, 0);
    sf_pcap_writer_packet(w, 1, 0, f, n);
    sf_pcap_writer_record(w, 2, 0, 0x7fffffffu, n, f, n);
    sf_pcap_writer_packet(w, 3, 0, f, n);
    assert_int_equal(sf_pcap_writer_close(w), 0);
    const char *path = p;
    if (gz) {
        size_t len = 0;
        uint8_t *bytes = sf_test_read_file(p, &len);
        assert_non_null(bytes);
        path = tmp_path("corrupt.pcap.gz");
        gzFile g = gzopen(path, "wb");
        assert_non_null(g);
        assert_int_equal(gzwrite(g, bytes, (unsigned)len), (int)len);
        gzclose(g);
        free(bytes);
    }
    anom_log_t log = {0};
    sf_capture_t *c = open1(path, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 1);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_FILE_CORRUPT);
    assert_non_null(a);
    assert_int_equal(a->frame, 2);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_true(st.partial);
    sf_capture_close(c);
}

static void test_corrupt_file(void **state)
{
    (void)state;
    check_corrupt("corrupt.pcap", false);
    check_corrupt("corrupt-gz-src.pcap", true);
}

/* Own reader: a truncated gzip stream ends as FILE_TRUNCATED; a truncated
 * input among two leaves the other intact. */
static void test_truncated_gzip_merge(void **state)
{
    (void)state;
    const char *src = tmp_path("tgz-src.pcap"), *gzp = tmp_path("tgz.pcap.gz");
    const char *other = tmp_path("tgz-other.pcap");
    int64_t secs[3] = {1, 2, 3};
    write_file(src, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 3);
    write_file(other, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 3);
    size_t len = 0;
    uint8_t *bytes = sf_test_read_file(src, &len);
    assert_non_null(bytes);
    gzFile g = gzopen(gzp, "wb");
    assert_non_null(g);
    /* Cut inside the third record (the gzip stream itself is complete). */
    assert_int_equal(gzwrite(g, bytes, (unsigned)(len - 5)), (int)(len - 5));
    gzclose(g);
    free(bytes);
    const char *paths[2] = {gzp, other};
    anom_log_t log = {0};
    sf_capture_t *c = open_caps(paths, 2, NULL, &log);
    sf_packet_t pk;
    int from[2] = {0, 0};
    while (sf_capture_next(c, &pk) == 1)
        from[pk.file]++;
    assert_int_equal(from[0], 2);
    assert_int_equal(from[1], 3);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_FILE_TRUNCATED);
    assert_non_null(a);
    assert_int_equal(a->file, 0);
    assert_int_equal(a->frame, 3);
    sf_capture_stats_t st;
    sf_capture_get_stats(c, &st);
    assert_true(st.partial);
    assert_int_equal(st.records, 5);
    sf_capture_close(c);
}

/* "-" reads stdin through the own reader; a second "-" is unreadable. */
static void test_stdin_input(void **state)
{
    (void)state;
    const char *p = tmp_path("stdin.pcap");
    int64_t secs[2] = {1, 2};
    write_file(p, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 2);
    int saved = dup(0);
    int fd = open(p, O_RDONLY);
    assert_true(saved >= 0 && fd >= 0);
    assert_int_equal(dup2(fd, 0), 0);
    close(fd);
    const char *paths[2] = {"-", "-"};
    anom_log_t log = {0};
    sf_capture_t *c = open_caps(paths, 2, NULL, &log);
    sf_packet_t pk;
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.file, 0);
    assert_int_equal(sf_capture_next(c, &pk), 1);
    assert_int_equal(pk.frame, 2);
    assert_int_equal(sf_capture_next(c, &pk), 0);
    const sf_anomaly_t *a = find_anom(&log, SF_ANOM_FILE_UNREADABLE);
    assert_non_null(a);
    assert_int_equal(a->file, 1);
    sf_capture_close(c);
    assert_int_equal(dup2(saved, 0), 0);
    close(saved);
}

/* Damaged files (random bytes overwritten, fixed seed) through libpcap and
 * through the own reader (gzip): every run ends, every record delivered is
 * inside its buffer, frame numbers count up. */
static void test_mutated_files(void **state)
{
    (void)state;
    const char *src = tmp_path("mut-src.pcap");
    int64_t secs[6] = {1, 2, 3, 4, 5, 6};
    write_file(src, &(sf_pcap_writer_opts_t){.linktype = 1}, secs, NULL, 6);
    size_t len = 0;
    uint8_t *orig = sf_test_read_file(src, &len);
    assert_non_null(orig);
    uint8_t *buf = malloc(len);
    assert_non_null(buf);
    uint64_t x = 88172645463325252ull;
    for (int iter = 0; iter < 120; iter++) {
        memcpy(buf, orig, len);
        for (int k = 0; k < 1 + iter % 4; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* Keep the magic so both readers get past the file header. */
            size_t at = 4 + (size_t)(x % (len - 4));
            buf[at] = (uint8_t)(x >> 32);
        }
        bool gz = iter % 2;
        const char *p = tmp_path(gz ? "mut.pcap.gz" : "mut.pcap");
        if (gz) {
            gzFile g = gzopen(p, "wb");
            assert_non_null(g);
            gzwrite(g, buf, (unsigned)len);
            gzclose(g);
        } else {
            FILE *f = fopen(p, "wb");
            assert_non_null(f);
            assert_int_equal(fwrite(buf, 1, len, f), len);
            fclose(f);
        }
        anom_log_t log = {0};
        sf_capture_opts_t o = {.bpf = "udp", .anomalies = {log_anomaly, &log}};
        char err[512];
        sf_capture_t *c = sf_capture_open(&p, 1, &o, err, sizeof err);
        if (!c) continue; /* a damaged file header may be refused */
        sf_packet_t pk;
        uint64_t last = 0, n = 0;
        while (sf_capture_next(c, &pk) == 1) {
            assert_true(pk.frame > last);
            last = pk.frame;
            /* Touch every byte: ASan checks they are all inside the buffer. */
            uint32_t sum = 0;
            for (uint32_t i = 0; i < pk.caplen; i++)
                sum += pk.data[i];
            assert_true(sum <= 255u * pk.caplen);
            assert_true(++n <= 6);
        }
        sf_capture_stats_t st;
        sf_capture_get_stats(c, &st);
        assert_true(st.records <= 6 + 1);
        sf_capture_close(c);
    }
    free(buf);
    free(orig);
}

static void test_shared_udp_basic_call(void **state)
{
    (void)state;
    /* Skipped (not the whole file) when the shared corpus is missing;
     * under CI=true a missing corpus is a failure, as sf_test_skip() does. */
    if (!sf_test_shared_dir()) {
        const char *ci = getenv("CI");
        if (ci && strcmp(ci, "true") == 0) fail_msg("shared corpus missing under CI=true");
        skip();
    }
    char *p = sf_test_shared_path("pcaps/sipp/udp-basic-call.pcap");
    assert_non_null(p);
    anom_log_t log = {0};
    sf_capture_t *c = open1(p, NULL, &log);
    sf_packet_t pk;
    uint64_t n = 0;
    sf_ts_t prev = {0, 0, 0};
    while (sf_capture_next(c, &pk) == 1) {
        n++;
        assert_int_equal(pk.frame, n);
        assert_true(sf_ts_cmp(pk.ts, prev) >= 0);
        assert_true(pk.caplen > 0 && pk.caplen <= pk.len);
        assert_non_null(sf_linktype_name(pk.linktype));
        prev = pk.ts;
    }
    assert_int_equal(n, 7);
    assert_int_equal(log.n, 0);
    sf_capture_close(c);
    free(p);
}

static int setup(void **state)
{
    (void)state;
    return sf_test_tmpdir(tmpdir, sizeof tmpdir, "sf-capture-test");
}

static int teardown(void **state)
{
    (void)state;
    return sf_test_rmtree(tmpdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_numbers_micro),
        cmocka_unit_test(test_nanosecond_precision),
        cmocka_unit_test(test_big_endian),
        cmocka_unit_test(test_seconds_past_2038),
        cmocka_unit_test(test_merge_two_files),
        cmocka_unit_test(test_bpf_keeps_frame_numbers),
        cmocka_unit_test(test_bpf_invalid),
        cmocka_unit_test(test_filter_warnings),
        cmocka_unit_test(test_filter_vlan_records),
        cmocka_unit_test(test_truncated_file),
        cmocka_unit_test(test_caplen_over_len),
        cmocka_unit_test(test_missing_input),
        cmocka_unit_test(test_unsupported_linktype),
        cmocka_unit_test(test_raw_linktype),
        cmocka_unit_test(test_gzip_input),
        cmocka_unit_test(test_pcapng_mixed_linktypes),
        cmocka_unit_test(test_stdin_input),
        cmocka_unit_test(test_corrupt_file),
        cmocka_unit_test(test_truncated_gzip_merge),
        cmocka_unit_test(test_mutated_files),
        cmocka_unit_test(test_shared_udp_basic_call),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
