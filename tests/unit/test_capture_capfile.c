/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The capture-file reader (analyzer/src/capture/capfile_reader.c,
 * capfile_pcapng.c) on files built by tests/support/capfile_writer.c. */
#include "sf_test.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "../../analyzer/src/capture/capfile_reader.h"
#include "capfile_writer.h"

#define LT_ETHERNET 1
#define LT_RAW 101
#define BT_NRB 4
#define BT_ISB 5
#define BT_CUSTOM 0x00000bad
#define BT_UNKNOWN 0x12345678

typedef struct tctx {
    char dir[64];
    char path[128];
    char gzpath[160];
} tctx_t;

static int group_setup(void **state)
{
    tctx_t *t = calloc(1, sizeof *t);
    if (!t) return -1;
    snprintf(t->dir, sizeof t->dir, "/tmp/sf-capfile-XXXXXX");
    if (!mkdtemp(t->dir)) return -1;
    snprintf(t->path, sizeof t->path, "%s/f", t->dir);
    snprintf(t->gzpath, sizeof t->gzpath, "%s/f.gz", t->dir);
    *state = t;
    return 0;
}

static int group_teardown(void **state)
{
    tctx_t *t = *state;
    unlink(t->path);
    unlink(t->gzpath);
    rmdir(t->dir);
    free(t);
    return 0;
}

static const char *save(void **state, const sf_cw_t *w)
{
    tctx_t *t = *state;
    assert_true(sf_cw_save(w, t->path));
    return t->path;
}

static sf_capfile_t *open_ok(const char *path)
{
    char err[256];
    sf_capfile_t *f = sf_capfile_open(path, err, sizeof err);
    if (!f) fail_msg("open %s: %s", path, err);
    return f;
}

/* A payload whose bytes identify it: byte i is seed + i. */
static void fill(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i);
}

static void expect_rec(sf_capfile_t *f, int64_t sec, uint32_t nsec, uint8_t prec, uint32_t linktype,
                       uint32_t iface, uint32_t caplen, uint32_t len, uint32_t snaplen,
                       uint8_t seed)
{
    sf_capfile_record_t r;
    const char *why = NULL;
    int st = sf_capfile_next(f, &r, &why);
    if (st != SF_CAPFILE_RECORD) fail_msg("expected a record, got %d (%s)", st, why ? why : "-");
    assert_int_equal(r.ts.sec, sec);
    assert_int_equal(r.ts.nsec, nsec);
    assert_int_equal(r.ts.prec, prec);
    assert_int_equal(r.linktype, linktype);
    assert_int_equal(r.iface, iface);
    assert_int_equal(r.caplen, caplen);
    assert_int_equal(r.len, len);
    assert_int_equal(r.snaplen, snaplen);
    uint8_t want[512];
    uint32_t n = caplen < sizeof want ? caplen : (uint32_t)sizeof want;
    fill(want, n, seed);
    assert_memory_equal(r.data, want, n);
}

static void expect_status(sf_capfile_t *f, sf_capfile_status_t want, const char *why_has)
{
    sf_capfile_record_t r;
    const char *why = NULL;
    for (int i = 0; i < 2; i++) { /* the end state is sticky */
        int st = sf_capfile_next(f, &r, &why);
        if (st != (int)want) fail_msg("expected status %d, got %d (%s)", want, st, why ? why : "-");
        if (why_has) {
            assert_non_null(why);
            if (!strstr(why, why_has)) fail_msg("reason '%s' does not mention '%s'", why, why_has);
        }
    }
}

/* ---- classic pcap ------------------------------------------------------ */

static void build_pcap(sf_cw_t *w, bool be, bool nsec)
{
    uint8_t d[100];
    sf_cw_init(w, be);
    /* FCS bits in the upper bits must not leak into the link type. */
    sf_cw_pcap_header(w, nsec, 65535, 0x14000000u | LT_ETHERNET);
    fill(d, 60, 1);
    sf_cw_pcap_record(w, 1700000000, nsec ? 123456789 : 123456, d, 60, 60);
    fill(d, 10, 2);
    sf_cw_pcap_record(w, 1700000001, nsec ? 999999999 : 999999, d, 10, 100);
}

static void test_pcap_variants(void **state)
{
    for (int v = 0; v < 4; v++) {
        bool be = v & 1, nsec = v & 2;
        sf_cw_t w;
        build_pcap(&w, be, nsec);
        sf_capfile_t *f = open_ok(save(state, &w));
        assert_int_equal(sf_capfile_format(f), SF_CAPFILE_PCAP);
        assert_false(sf_capfile_compressed(f));
        uint8_t prec = nsec ? 9 : 6;
        expect_rec(f, 1700000000, nsec ? 123456789 : 123456000, prec, LT_ETHERNET, 0, 60, 60, 65535,
                   1);
        expect_rec(f, 1700000001, nsec ? 999999999 : 999999000, prec, LT_ETHERNET, 0, 10, 100,
                   65535, 2);
        expect_status(f, SF_CAPFILE_END, NULL);
        assert_int_equal(sf_capfile_offset(f), w.len);
        sf_capfile_close(f);
        sf_cw_free(&w);
    }
}

/* A fraction of a second or more is carried into the seconds. */
static void test_pcap_fraction_carry(void **state)
{
    sf_cw_t w;
    uint8_t d[4];
    fill(d, 4, 7);
    sf_cw_init(&w, false);
    sf_cw_pcap_header(&w, false, 0, LT_RAW);
    sf_cw_pcap_record(&w, 10, 2500000, d, 4, 4);
    sf_capfile_t *f = open_ok(save(state, &w));
    expect_rec(f, 12, 500000000, 6, LT_RAW, 0, 4, 4, 0, 7);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);
    sf_cw_free(&w);
}

/* caplen beyond 256 KiB: the first 256 KiB are delivered, the rest skipped;
 * the next record is read normally. */
static void test_pcap_oversized_record(void **state)
{
    uint32_t big = 300000;
    uint8_t *d = malloc(big);
    assert_non_null(d);
    fill(d, big, 3);
    sf_cw_t w;
    sf_cw_init(&w, false);
    sf_cw_pcap_header(&w, false, 262144, LT_ETHERNET);
    sf_cw_pcap_record(&w, 1, 0, d, big, big);
    sf_cw_pcap_record(&w, 2, 0, d, 20, 20);
    sf_capfile_t *f = open_ok(save(state, &w));
    expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 262144, big, 262144, 3);
    expect_rec(f, 2, 0, 6, LT_ETHERNET, 0, 20, 20, 262144, 3);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);
    /* the same file cut inside the skipped tail */
    w.len = 24 + 16 + 280000;
    f = open_ok(save(state, &w));
    expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 262144, big, 262144, 3);
    expect_status(f, SF_CAPFILE_TRUNCATED, NULL);
    sf_capfile_close(f);
    sf_cw_free(&w);
    free(d);
}

static void test_pcap_corrupt_caplen(void **state)
{
    static const uint32_t bad[] = {0x80000000u, 16u * 1024 * 1024 + 1, 0xffffffffu};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sf_cw_t w;
        uint8_t d[8];
        fill(d, 8, 0);
        sf_cw_init(&w, i == 1);
        sf_cw_pcap_header(&w, false, 65535, LT_ETHERNET);
        sf_cw_pcap_record(&w, 1, 0, d, 8, 8);
        sf_cw_u32(&w, 2);
        sf_cw_u32(&w, 0);
        sf_cw_u32(&w, bad[i]);
        sf_cw_u32(&w, 60);
        sf_cw_bytes(&w, d, 8);
        sf_capfile_t *f = open_ok(save(state, &w));
        expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 8, 8, 65535, 0);
        expect_status(f, SF_CAPFILE_CORRUPT, "caplen");
        sf_capfile_close(f);
        sf_cw_free(&w);
    }
}

/* ---- pcapng ------------------------------------------------------------ */

/* Ethernet (snaplen 65535, default 10^-6) and raw IP (snaplen 1500,
 * 10^-9) interfaces in one section: libpcap 1.10 refuses such a file. */
static void build_two_ifaces(sf_cw_t *w)
{
    uint8_t d[64];
    sf_cw_init(w, false);
    sf_cw_shb(w);
    sf_cw_idb(w, LT_ETHERNET, 65535, -1, false, 0);
    sf_cw_idb(w, LT_RAW, 1500, 9, false, 0);
    fill(d, 64, 10);
    sf_cw_epb(w, 0, 1700000000123456ull, d, 64, 64);
    fill(d, 40, 11);
    sf_cw_epb(w, 1, 1700000001123456789ull, d, 40, 40);
    fill(d, 60, 12);
    sf_cw_epb(w, 0, 1700000002000001ull, d, 60, 1514);
}

static void test_pcapng_two_ifaces(void **state)
{
    sf_cw_t w;
    build_two_ifaces(&w);
    const char *path = save(state, &w);
    sf_capfile_t *f = open_ok(path);
    assert_int_equal(sf_capfile_format(f), SF_CAPFILE_PCAPNG);
    expect_rec(f, 1700000000, 123456000, 6, LT_ETHERNET, 0, 64, 64, 65535, 10);
    expect_rec(f, 1700000001, 123456789, 9, LT_RAW, 1, 40, 40, 1500, 11);
    expect_rec(f, 1700000002, 1000, 6, LT_ETHERNET, 0, 60, 1514, 65535, 12);
    expect_status(f, SF_CAPFILE_END, NULL);
    assert_int_equal(sf_capfile_offset(f), w.len);
    sf_capfile_close(f);

    /* What libpcap makes of the same file: the reason this reader exists. */
    char err[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, err);
    int n = 0;
    if (p) {
        struct pcap_pkthdr *h;
        const u_char *data;
        while (n < 10 && pcap_next_ex(p, &h, &data) == 1)
            n++;
        pcap_close(p);
    }
    if (strstr(pcap_lib_version(), "version 1.10.")) assert_int_equal(n, 0);
    assert_true(n <= 3);
    sf_cw_free(&w);
}

static void test_pcapng_tsresol(void **state)
{
    uint8_t d[16];
    fill(d, 16, 20);
    sf_cw_t w;
    sf_cw_init(&w, false);
    sf_cw_shb(&w);
    sf_cw_idb(&w, LT_ETHERNET, 0, 9, false, 0);           /* 0: 10^-9 */
    sf_cw_idb(&w, LT_ETHERNET, 0, 0x80 | 20, false, 0);   /* 1: 2^-20 */
    sf_cw_idb(&w, LT_ETHERNET, 0, -1, true, 1000);        /* 2: 10^-6 + 1000 s */
    sf_cw_idb(&w, LT_ETHERNET, 0, 0x80 | 40, true, -100); /* 3: 2^-40 - 100 s */
    sf_cw_idb(&w, LT_ETHERNET, 0, 3, false, 0);           /* 4: 10^-3 */
    sf_cw_idb(&w, LT_ETHERNET, 0, 12, false, 0);          /* 5: 10^-12 */
    sf_cw_epb(&w, 0, 1700000000999999999ull, d, 16, 16);
    sf_cw_epb(&w, 1, (1700000000ull << 20) | (1u << 19), d, 16, 16);
    sf_cw_epb(&w, 1, (5ull << 20) | 1u, d, 16, 16); /* 1e9/2^20 = 953.67 */
    sf_cw_epb(&w, 2, 1700000000000001ull, d, 16, 16);
    sf_cw_epb(&w, 3, (200ull << 40) | (1ull << 39) | 1u, d, 16, 16);
    sf_cw_epb(&w, 3, (200ull << 40) | ((1ull << 40) - 1), d, 16, 16);
    sf_cw_epb(&w, 3, (7ull << 40) | 0x123456789aull, d, 16, 16);
    sf_cw_epb(&w, 4, 1700000000007ull, d, 16, 16);
    sf_cw_epb(&w, 5, 17000000001234567891ull, d, 16, 16);
    sf_capfile_t *f = open_ok(save(state, &w));
    expect_rec(f, 1700000000, 999999999, 9, LT_ETHERNET, 0, 16, 16, 0, 20);
    expect_rec(f, 1700000000, 500000000, 9, LT_ETHERNET, 1, 16, 16, 0, 20);
    expect_rec(f, 5, 953, 9, LT_ETHERNET, 1, 16, 16, 0, 20);
    expect_rec(f, 1700001000, 1000, 6, LT_ETHERNET, 2, 16, 16, 0, 20);
    expect_rec(f, 100, 500000000, 9, LT_ETHERNET, 3, 16, 16, 0, 20);
    /* (2^40 - 1) * 1e9 / 2^40 = 999999999.9990905: truncated, not rounded */
    expect_rec(f, 100, 999999999, 9, LT_ETHERNET, 3, 16, 16, 0, 20);
    /* 0x123456789a * 1e9 / 2^40 = 71111111.11: exact, where shifting
     * the fraction down first would give 71111110 */
    expect_rec(f, 7 - 100, 71111111, 9, LT_ETHERNET, 3, 16, 16, 0, 20);
    expect_rec(f, 1700000000, 7000000, 3, LT_ETHERNET, 4, 16, 16, 0, 20);
    /* 10^-12: picoseconds truncated to nanoseconds */
    expect_rec(f, 17000000, 1234567, 9, LT_ETHERNET, 5, 16, 16, 0, 20);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);
    sf_cw_free(&w);
}

/* Two sections, the second big-endian with its own interface list. */
static void test_pcapng_sections(void **state)
{
    uint8_t d[32];
    sf_cw_t w;
    sf_cw_init(&w, false);
    sf_cw_shb(&w);
    sf_cw_idb(&w, LT_ETHERNET, 65535, -1, false, 0);
    fill(d, 32, 30);
    sf_cw_epb(&w, 0, 1000000, d, 32, 32);
    w.be = true;
    sf_cw_shb(&w);
    sf_cw_idb(&w, LT_RAW, 2000, 9, false, 0);
    fill(d, 30, 31);
    sf_cw_epb(&w, 0, 2000000001, d, 30, 30);
    sf_cw_opb(&w, 0, 3000000002, d, 30, 31);
    sf_capfile_t *f = open_ok(save(state, &w));
    expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 32, 32, 65535, 30);
    expect_rec(f, 2, 1, 9, LT_RAW, 0, 30, 30, 2000, 31);
    expect_rec(f, 3, 2, 9, LT_RAW, 0, 30, 31, 2000, 31);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);

    /* The second section does not inherit the first one's interface 1. */
    sf_cw_free(&w);
    sf_cw_init(&w, true);
    sf_cw_shb(&w);
    sf_cw_idb(&w, LT_ETHERNET, 0, -1, false, 0);
    sf_cw_idb(&w, LT_ETHERNET, 0, -1, false, 0);
    sf_cw_epb(&w, 1, 5, d, 30, 30);
    w.be = false;
    sf_cw_shb(&w);
    sf_cw_idb(&w, LT_RAW, 0, -1, false, 0);
    sf_cw_epb(&w, 1, 6, d, 30, 30);
    f = open_ok(save(state, &w));
    expect_rec(f, 0, 5000, 6, LT_ETHERNET, 1, 30, 30, 0, 31);
    expect_status(f, SF_CAPFILE_CORRUPT, "interface 1");
    sf_capfile_close(f);
    sf_cw_free(&w);
}

/* SPB (interface 0, length from the block and the snaplen), OPB, and
 * blocks the reader skips. */
static void test_pcapng_spb_opb_skip(void **state)
{
    uint8_t d[128];
    uint8_t junk[20] = {1, 2, 3};
    sf_cw_t w;
    sf_cw_init(&w, false);
    sf_cw_shb(&w);
    sf_cw_block(&w, BT_UNKNOWN, junk, sizeof junk);
    sf_cw_idb(&w, LT_RAW, 64, 9, false, 0);
    sf_cw_block(&w, BT_NRB, junk, 12);
    fill(d, 128, 40);
    sf_cw_spb(&w, d, 10, 10);  /* padded to 12: caplen = len = 10 */
    sf_cw_spb(&w, d, 80, 100); /* more than the snaplen: caplen 64 */
    sf_cw_spb(&w, d, 30, 80);  /* block holds 32 bytes: caplen 32 */
    sf_cw_block(&w, BT_CUSTOM, junk, 7);
    sf_cw_opb(&w, 0, 42000000000ull, d, 50, 50);
    sf_cw_block(&w, BT_ISB, junk, 16);
    sf_capfile_t *f = open_ok(save(state, &w));
    expect_rec(f, 0, 0, 9, LT_RAW, 0, 10, 10, 64, 40);
    expect_rec(f, 0, 0, 9, LT_RAW, 0, 64, 100, 64, 40);
    sf_capfile_record_t r;
    assert_int_equal(sf_capfile_next(f, &r, NULL), SF_CAPFILE_RECORD);
    assert_int_equal(r.caplen, 32);
    assert_int_equal(r.len, 80);
    expect_rec(f, 42, 0, 9, LT_RAW, 0, 50, 50, 64, 40);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);
    sf_cw_free(&w);

    /* SPB before any IDB */
    sf_cw_init(&w, false);
    sf_cw_shb(&w);
    sf_cw_spb(&w, d, 10, 10);
    f = open_ok(save(state, &w));
    expect_status(f, SF_CAPFILE_CORRUPT, "SPB");
    sf_capfile_close(f);
    sf_cw_free(&w);
}

/* Blocks longer than the reader's buffer: a 2 MiB EPB (delivered capped at
 * 256 KiB) and a 2 MiB unknown block, both followed by a normal EPB. */
static void test_pcapng_oversized_blocks(void **state)
{
    uint32_t big = 2u * 1024 * 1024;
    uint8_t *d = malloc(big);
    assert_non_null(d);
    fill(d, big, 50);
    sf_cw_t w;
    sf_cw_init(&w, false);
    sf_cw_shb(&w);
    sf_cw_idb(&w, LT_ETHERNET, 0, -1, false, 0);
    sf_cw_epb(&w, 0, 1000000, d, big, big);
    sf_cw_block(&w, BT_UNKNOWN, d, big);
    sf_cw_epb(&w, 0, 2000000, d, 20, 20);
    sf_capfile_t *f = open_ok(save(state, &w));
    expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 262144, big, 0, 50);
    expect_rec(f, 2, 0, 6, LT_ETHERNET, 0, 20, 20, 0, 50);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);

    /* a wrong trailing length on the big EPB is found after it */
    size_t epb_end = 28 + 32 + 28 + big + 4; /* SHB, IDB (eth, no opts), EPB */
    uint8_t save4[4];
    memcpy(save4, w.p + epb_end - 4, 4);
    memset(w.p + epb_end - 4, 0xee, 4);
    f = open_ok(save(state, &w));
    expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 262144, big, 0, 50);
    expect_status(f, SF_CAPFILE_CORRUPT, "trailing length");
    sf_capfile_close(f);
    memcpy(w.p + epb_end - 4, save4, 4);

    /* cut inside the big unknown block */
    w.len = epb_end + big / 2;
    f = open_ok(save(state, &w));
    expect_rec(f, 1, 0, 6, LT_ETHERNET, 0, 262144, big, 0, 50);
    expect_status(f, SF_CAPFILE_TRUNCATED, NULL);
    sf_capfile_close(f);
    sf_cw_free(&w);
    free(d);
}

/* Patches the 32-bit value at off in w's byte order. */
static void patch32(sf_cw_t *w, size_t off, uint32_t v)
{
    size_t end = w->len;
    w->len = off;
    sf_cw_u32(w, v);
    w->len = end;
}

static void test_pcapng_corrupt(void **state)
{
    uint8_t d[16];
    fill(d, 16, 0);
    /* SHB 28, IDB 32 (no tsresol/offset: if_name only), EPB at 60 */
    const size_t epb = 28 + 32;
    struct {
        size_t off;
        uint32_t v;
        const char *why;
    } cases[] = {
        {epb + 4, 13, "invalid length"},          /* not a multiple of 4 */
        {epb + 4, 8, "invalid length"},           /* below 12 */
        {epb + 4, 0x7ffffff0u, "invalid length"}, /* above 16 MiB */
        {epb + 4, 44, "trailing length"},         /* disagrees with the trailer */
        {epb + 44, 52, "trailing length"},        /* the trailer disagrees */
        {epb + 8, 7, "interface 7"},              /* undefined interface */
        {epb + 20, 17, "captured length"},        /* caplen beyond the block */
        {28 + 12, 0xffffffffu, NULL},             /* IDB: fine, snaplen only */
        {8, 0x01020304u, "byte-order"},           /* SHB BOM... see below */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sf_cw_t w;
        sf_cw_init(&w, i % 2 == 1);
        sf_cw_shb(&w);
        sf_cw_idb(&w, LT_ETHERNET, 0, -1, false, 0);
        sf_cw_epb(&w, 0, 1, d, 16, 16);
        assert_int_equal(w.len, epb + 48);
        /* the BOM case goes into a second section: the first SHB's BOM is
         * checked by sf_capfile_open already */
        size_t off = cases[i].off;
        if (off == 8) {
            size_t s2 = w.len;
            sf_cw_shb(&w);
            off = s2 + 8;
        }
        patch32(&w, off, cases[i].v);
        sf_capfile_t *f = open_ok(save(state, &w));
        if (cases[i].why == NULL) {
            expect_rec(f, 0, 1000, 6, LT_ETHERNET, 0, 16, 16, 0xffffffffu, 0);
            expect_status(f, SF_CAPFILE_END, NULL);
        } else if (off > epb + 48) {
            expect_rec(f, 0, 1000, 6, LT_ETHERNET, 0, 16, 16, 0, 0);
            expect_status(f, SF_CAPFILE_CORRUPT, cases[i].why);
        } else {
            expect_status(f, SF_CAPFILE_CORRUPT, cases[i].why);
        }
        sf_capfile_close(f);
        sf_cw_free(&w);
    }
}

/* ---- truncation at every byte offset ---------------------------------- */

/* Reads the file cut at each offset: the records wholly present, then END
 * when the cut falls on a block/record boundary, TRUNCATED otherwise.
 * ends[] holds every boundary; is_rec[] says which close a record. */
static void check_every_cut(void **state, const sf_cw_t *w, const size_t *ends, const bool *is_rec,
                            size_t n_ends)
{
    tctx_t *t = *state;
    for (size_t cut = 0; cut <= w->len; cut++) {
        sf_cw_t part = *w;
        part.len = cut;
        assert_true(sf_cw_save(&part, t->path));
        char err[256];
        sf_capfile_t *f = sf_capfile_open(t->path, err, sizeof err);
        if (cut < 4) { /* not even a magic number */
            assert_null(f);
            continue;
        }
        if (!f) fail_msg("cut %zu: open failed: %s", cut, err);
        int want_recs = 0;
        bool boundary = false;
        for (size_t i = 0; i < n_ends; i++) {
            if (ends[i] <= cut && is_rec[i]) want_recs++;
            if (ends[i] == cut) boundary = true;
        }
        int got = 0, st;
        sf_capfile_record_t r;
        const char *why = NULL;
        while ((st = sf_capfile_next(f, &r, &why)) == SF_CAPFILE_RECORD) {
            assert_true(r.caplen <= 32);
            got++;
            assert_true(got <= want_recs);
        }
        if (got != want_recs || st != (boundary ? SF_CAPFILE_END : SF_CAPFILE_TRUNCATED))
            fail_msg("cut %zu: %d records, status %d (%s); want %d, %s", cut, got, st,
                     why ? why : "-", want_recs, boundary ? "END" : "TRUNCATED");
        sf_capfile_close(f);
    }
}

static void test_pcap_every_cut(void **state)
{
    uint8_t d[32];
    sf_cw_t w;
    size_t ends[8];
    bool rec[8];
    size_t n = 0;
    sf_cw_init(&w, true);
    sf_cw_pcap_header(&w, true, 65535, LT_ETHERNET);
    ends[n] = w.len, rec[n++] = false;
    for (int i = 0; i < 3; i++) {
        fill(d, 32, (uint8_t)i);
        sf_cw_pcap_record(&w, 100 + (uint32_t)i, 5, d, 17 + (uint32_t)i, 60);
        ends[n] = w.len, rec[n++] = true;
    }
    check_every_cut(state, &w, ends, rec, n);
    sf_cw_free(&w);
}

static void test_pcapng_every_cut(void **state)
{
    uint8_t d[32];
    uint8_t junk[8] = {9};
    sf_cw_t w;
    size_t ends[16];
    bool rec[16];
    size_t n = 0;
    fill(d, 32, 60);
    sf_cw_init(&w, false);
#define MARK(r) (ends[n] = w.len, rec[n++] = (r))
    sf_cw_shb(&w);
    MARK(false);
    sf_cw_idb(&w, LT_ETHERNET, 65535, 9, true, 5);
    MARK(false);
    sf_cw_epb(&w, 0, 123, d, 21, 21);
    MARK(true);
    sf_cw_block(&w, BT_UNKNOWN, junk, 8);
    MARK(false);
    sf_cw_spb(&w, d, 13, 13);
    MARK(true);
    w.be = true;
    sf_cw_shb(&w);
    MARK(false);
    sf_cw_idb(&w, LT_RAW, 100, -1, false, 0);
    MARK(false);
    sf_cw_opb(&w, 0, 456, d, 9, 9);
    MARK(true);
#undef MARK
    check_every_cut(state, &w, ends, rec, n);
    sf_cw_free(&w);
}

/* ---- gzip -------------------------------------------------------------- */

static const char *save_gz(void **state, const sf_cw_t *w)
{
    tctx_t *t = *state;
    gzFile gz = gzopen(t->gzpath, "wb9");
    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, w->p, (unsigned)w->len), (int)w->len);
    assert_int_equal(gzclose(gz), Z_OK);
    return t->gzpath;
}

static void test_gzip(void **state)
{
    sf_cw_t w;
    build_pcap(&w, false, true);
    sf_capfile_t *f = open_ok(save_gz(state, &w));
    assert_int_equal(sf_capfile_format(f), SF_CAPFILE_PCAP);
    assert_true(sf_capfile_compressed(f));
    expect_rec(f, 1700000000, 123456789, 9, LT_ETHERNET, 0, 60, 60, 65535, 1);
    expect_rec(f, 1700000001, 999999999, 9, LT_ETHERNET, 0, 10, 100, 65535, 2);
    expect_status(f, SF_CAPFILE_END, NULL);
    assert_int_equal(sf_capfile_offset(f), w.len); /* decompressed bytes */
    sf_capfile_close(f);
    sf_cw_free(&w);

    build_two_ifaces(&w);
    f = open_ok(save_gz(state, &w));
    assert_int_equal(sf_capfile_format(f), SF_CAPFILE_PCAPNG);
    assert_true(sf_capfile_compressed(f));
    expect_rec(f, 1700000000, 123456000, 6, LT_ETHERNET, 0, 64, 64, 65535, 10);
    expect_rec(f, 1700000001, 123456789, 9, LT_RAW, 1, 40, 40, 1500, 11);
    expect_rec(f, 1700000002, 1000, 6, LT_ETHERNET, 0, 60, 1514, 65535, 12);
    expect_status(f, SF_CAPFILE_END, NULL);
    sf_capfile_close(f);

    /* a cut gzip stream: what was decompressed, then an error status */
    tctx_t *t = *state;
    size_t glen = 0;
    uint8_t *gzbytes = sf_test_read_file(save_gz(state, &w), &glen);
    assert_non_null(gzbytes);
    sf_cw_t cut = {.p = gzbytes, .len = glen / 2, .cap = glen};
    assert_true(sf_cw_save(&cut, t->path));
    f = sf_capfile_open(t->path, NULL, 0);
    if (f) { /* half a stream may not hold even the magic */
        sf_capfile_record_t r;
        int st, k = 0;
        while ((st = sf_capfile_next(f, &r, NULL)) == SF_CAPFILE_RECORD)
            k++;
        assert_true(k < 3);
        assert_true(st == SF_CAPFILE_TRUNCATED || st == SF_CAPFILE_CORRUPT);
        sf_capfile_close(f);
    }
    free(gzbytes);
    sf_cw_free(&w);
}

/* ---- open errors ------------------------------------------------------- */

static void test_open_errors(void **state)
{
    tctx_t *t = *state;
    char err[256];
    char missing[200];
    snprintf(missing, sizeof missing, "%s/missing.pcap", t->dir);
    assert_null(sf_capfile_open(missing, err, sizeof err));
    assert_non_null(strstr(err, "missing.pcap"));

    sf_cw_t w;
    sf_cw_init(&w, false);
    assert_null(sf_capfile_open(save(state, &w), err, sizeof err)); /* empty */
    assert_non_null(strstr(err, "empty"));
    sf_cw_bytes(&w, "INVITE sip:bob@example.com SIP/2.0\r\n", 36);
    assert_null(sf_capfile_open(save(state, &w), err, sizeof err));
    assert_non_null(strstr(err, "not a pcap"));
    sf_cw_free(&w);
    /* "\n\r\r\n" followed by text is not pcapng */
    sf_cw_init(&w, false);
    sf_cw_bytes(&w, "\n\r\r\nhello world\n", 16);
    assert_null(sf_capfile_open(save(state, &w), err, sizeof err));
    assert_non_null(strstr(err, "byte-order"));
    sf_cw_free(&w);
}

/* ---- shared corpus: counts and first timestamps from tshark ------------ */

static void check_shared(const char *rel, int want, int64_t sec, uint32_t nsec, uint32_t caplen)
{
    char *path = sf_test_shared_path(rel);
    assert_non_null(path);
    sf_capfile_t *f = open_ok(path);
    sf_capfile_record_t r;
    int n = 0, st;
    const char *why = NULL;
    while ((st = sf_capfile_next(f, &r, &why)) == SF_CAPFILE_RECORD) {
        if (n == 0) {
            assert_int_equal(r.ts.sec, sec);
            assert_int_equal(r.ts.nsec, nsec);
            assert_int_equal(r.ts.prec, 6);
            assert_int_equal(r.caplen, caplen);
            assert_int_equal(r.linktype, LT_ETHERNET);
        }
        n++;
    }
    if (st != SF_CAPFILE_END) fail_msg("%s: status %d (%s)", rel, st, why ? why : "-");
    assert_int_equal(n, want);
    sf_capfile_close(f);
    free(path);
}

static void test_shared_pcapng(void **state)
{
    (void)state;
    if (!sf_test_shared_dir()) sf_test_skip("shared capture corpus missing");
    /* tshark -r F -T fields -e frame.time_epoch -e frame.cap_len | head -1; wc -l */
    check_shared("pcaps/public/heplify--erspan_sip_ipv4_udp.pcapng", 140, 1526006114, 962510000,
                 759);
    /* nine interfaces, one packet */
    check_shared("pcaps/public/ndpi--gre.pcapng", 1, 1483501349, 95788000, 384);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcap_variants),
        cmocka_unit_test(test_pcap_fraction_carry),
        cmocka_unit_test(test_pcap_oversized_record),
        cmocka_unit_test(test_pcap_corrupt_caplen),
        cmocka_unit_test(test_pcapng_two_ifaces),
        cmocka_unit_test(test_pcapng_tsresol),
        cmocka_unit_test(test_pcapng_sections),
        cmocka_unit_test(test_pcapng_spb_opb_skip),
        cmocka_unit_test(test_pcapng_oversized_blocks),
        cmocka_unit_test(test_pcapng_corrupt),
        cmocka_unit_test(test_pcap_every_cut),
        cmocka_unit_test(test_pcapng_every_cut),
        cmocka_unit_test(test_gzip),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_shared_pcapng),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
