/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The HEP decoder, inflater, decapsulation, reorder window and HEP3 stream
 * framer on hand-built packets: HEPv1/v2/v3, IPv4 and IPv6, compressed
 * payloads (zlib, gzip, a bomb over the cap), every truncation and chunk
 * defect, non-SIP payloads, out-of-order and late HEP times, caps, and
 * HEP3 over a stream coalesced, split at every byte and after garbage. */
#include "sf_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipflow/hep.h"
#include "sipflow/hep_input.h"
#include "sipflow/hep_reorder.h"
#include "sipflow/hep_stream.h"
#include "test_hep_build.h"

static const char SIP1[] = HEP_SIP_OPTIONS("1");

/* ---- decoder ------------------------------------------------------------ */

static void test_sniff(void **state)
{
    (void)state;
    uint8_t b[2048];
    hep_spec_t s = {4, 17, 5060, 5070, 1700000000, 5, 1, 0, SIP1};
    uint32_t n = b_hep3(b, &s);
    assert_true(sf_hep_sniff(b, n));
    assert_false(sf_hep_sniff(b, 3));
    assert_false(sf_hep_sniff((const uint8_t *)SIP1, sizeof SIP1 - 1));
    assert_false(sf_hep_sniff((const uint8_t *)"HEP2xxxx", 8));
    n = b_hep2(b, 2, &s);
    assert_true(sf_hep_sniff(b, n));
    s.family = 6;
    n = b_hep2(b, 1, &s);
    assert_true(sf_hep_sniff(b, n));
    b[2] = 2; /* IPv6 header length with the IPv4 family: not HEP */
    assert_false(sf_hep_sniff(b, n));
    /* an RTP-looking datagram is not HEPv2 */
    const uint8_t rtp[12] = {0x80, 0x00, 0x12, 0x34};
    assert_false(sf_hep_sniff(rtp, sizeof rtp));
}

static void test_v3_ipv4(void **state)
{
    (void)state;
    uint8_t b[2048];
    hep_spec_t s = {4, 17, 5060, 5070, 1700000000, 123456, 1, 0, SIP1};
    uint32_t n = b_hep3(b, &s);
    sf_hep_msg_t m;
    const char *why;
    assert_true(sf_hep_decode(b, n, &m, &why));
    assert_int_equal(m.version, 3);
    assert_int_equal(m.length, n);
    assert_int_equal(m.src.family, 4);
    assert_memory_equal(m.src.addr, HS4, 4);
    assert_memory_equal(m.dst.addr, HD4, 4);
    assert_int_equal(m.src.port, 5060);
    assert_int_equal(m.dst.port, 5070);
    assert_int_equal(m.ip_proto, 17);
    assert_true(m.has_ts);
    assert_int_equal(m.ts.sec, 1700000000);
    assert_int_equal(m.ts.nsec, 123456000);
    assert_int_equal(m.ts.prec, 6);
    assert_true(m.has_proto_type);
    assert_int_equal(m.proto_type, SF_HEP_PROTO_SIP);
    assert_int_equal(m.capture_id, 2001);
    assert_int_equal(m.unknown_chunks, 2); /* the vendor chunk and type 0x99 */
    assert_true(sf_slice_eq(m.correlation_id, "corr-1"));
    assert_false(m.compressed);
    assert_int_equal(m.payload_len, sizeof SIP1 - 1);
    assert_memory_equal(m.payload, SIP1, sizeof SIP1 - 1);
    /* bytes after the declared length are not part of the packet */
    b[n] = 'x';
    assert_true(sf_hep_decode(b, n + 1, &m, &why));
    assert_int_equal(m.length, n);
}

static void test_v3_ipv6(void **state)
{
    (void)state;
    uint8_t b[2048];
    hep_spec_t s = {6, 6, 5061, 5062, 1700000001, 999999, 1, 0, SIP1};
    uint32_t n = b_hep3(b, &s);
    sf_hep_msg_t m;
    const char *why;
    assert_true(sf_hep_decode(b, n, &m, &why));
    assert_int_equal(m.src.family, 6);
    assert_int_equal(m.dst.family, 6);
    assert_memory_equal(m.src.addr, HS6, 16);
    assert_memory_equal(m.dst.addr, HD6, 16);
    assert_int_equal(m.src.port, 5061);
    assert_int_equal(m.ip_proto, 6);
    assert_int_equal(m.ts.nsec, 999999000);
}

static void test_v2_v1(void **state)
{
    (void)state;
    uint8_t b[2048];
    sf_hep_msg_t m;
    const char *why;
    hep_spec_t s = {4, 17, 5060, 5080, 1600000000, 42, 1, 0, SIP1};
    uint32_t n = b_hep2(b, 2, &s);
    assert_true(sf_hep_decode(b, n, &m, &why));
    assert_int_equal(m.version, 2);
    assert_int_equal(m.src.family, 4);
    assert_memory_equal(m.src.addr, HS4, 4);
    assert_memory_equal(m.dst.addr, HD4, 4);
    assert_int_equal(m.dst.port, 5080);
    assert_true(m.has_ts);
    assert_int_equal(m.ts.sec, 1600000000);
    assert_int_equal(m.ts.nsec, 42000);
    assert_int_equal(m.capture_id, 2001);
    assert_int_equal(m.proto_type, SF_HEP_PROTO_SIP);
    assert_int_equal(m.payload_len, sizeof SIP1 - 1);
    assert_memory_equal(m.payload, SIP1, sizeof SIP1 - 1);
    s.family = 6;
    n = b_hep2(b, 2, &s);
    assert_true(sf_hep_decode(b, n, &m, &why));
    assert_int_equal(m.src.family, 6);
    assert_memory_equal(m.dst.addr, HD6, 16);
    assert_int_equal(m.payload_len, sizeof SIP1 - 1);
    /* v1: no time header */
    n = b_hep2(b, 1, &s);
    assert_true(sf_hep_decode(b, n, &m, &why));
    assert_int_equal(m.version, 1);
    assert_false(m.has_ts);
    assert_memory_equal(m.payload, SIP1, sizeof SIP1 - 1);
    /* a v2 header cut before the end of its time header */
    n = b_hep2(b, 2, &s);
    assert_false(sf_hep_decode(b, 40 + 11, &m, &why));
    assert_non_null(why);
    /* microseconds out of range */
    s.family = 4;
    s.usec = 1000000;
    n = b_hep2(b, 2, &s);
    assert_false(sf_hep_decode(b, n, &m, &why));
}

/* Every prefix of a valid packet is rejected (its total length runs past
 * the data), and so is every smaller declared length (a chunk is cut);
 * nothing reads past the buffer (ASan). */
static void test_v3_truncations(void **state)
{
    (void)state;
    uint8_t b[2048];
    hep_spec_t s = {4, 17, 5060, 5070, 1700000000, 5, 1, 0, SIP1};
    uint32_t n = b_hep3(b, &s);
    sf_hep_msg_t m;
    const char *why;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *c = malloc(i ? i : 1);
        memcpy(c, b, i);
        assert_false(sf_hep_decode(c, i, &m, &why));
        assert_non_null(why);
        free(c);
    }
    for (uint32_t t = 0; t < n; t++) {
        hb_put16(b + 4, t);
        bool ok = sf_hep_decode(b, n, &m, &why);
        /* a declared length that ends exactly between chunks is a valid,
         * shorter packet (without the payload chunk) */
        if (ok) assert_null(m.payload);
    }
}

static void test_v3_chunk_defects(void **state)
{
    (void)state;
    uint8_t b[256];
    sf_hep_msg_t m;
    const char *why;
    /* chunk length shorter than its header */
    uint32_t o = hep3_begin(b);
    o = hep3_u8(b, o, SF_HEP3_IP_FAMILY, 2);
    hb_put16(b + o - 7 + 4, 3);
    hep3_end(b, o);
    assert_false(sf_hep_decode(b, o, &m, &why));
    assert_string_equal(why, "HEP3 chunk length shorter than the chunk header");
    /* chunk length past the total */
    o = hep3_begin(b);
    o = hep3_chunk(b, o, SF_HEP3_PAYLOAD, "abc", 3);
    hb_put16(b + 6 + 4, 200);
    hep3_end(b, o);
    assert_false(sf_hep_decode(b, o, &m, &why));
    assert_string_equal(why, "HEP3 chunk length past the total length");
    /* a chunk header cut by the total length */
    o = hep3_begin(b);
    o = hep3_chunk(b, o, SF_HEP3_PAYLOAD, "abc", 3);
    memset(b + o, 0, 4);
    hep3_end(b, o + 4);
    assert_false(sf_hep_decode(b, o + 4, &m, &why));
    assert_string_equal(why, "HEP3 chunk header cut by the total length");
    /* a port of 3 bytes */
    o = hep3_begin(b);
    o = hep3_chunk(b, o, SF_HEP3_SRC_PORT, "abc", 3);
    hep3_end(b, o);
    assert_false(sf_hep_decode(b, o, &m, &why));
    assert_string_equal(why, "HEP3 chunk value has the wrong size for its type");
    /* total length under the header */
    o = hep3_begin(b);
    hb_put16(b + 4, 5);
    assert_false(sf_hep_decode(b, 6, &m, &why));
    /* microseconds over 999999 */
    o = hep3_begin(b);
    o = hep3_u32(b, o, SF_HEP3_TS_SEC, 1);
    o = hep3_u32(b, o, SF_HEP3_TS_USEC, 1000000);
    hep3_end(b, o);
    assert_false(sf_hep_decode(b, o, &m, &why));
    /* a keep-alive: valid, no payload */
    o = hep3_begin(b);
    o = hep3_u16(b, o, SF_HEP3_KEEPALIVE, 30);
    o = hep3_chunk(b, o, SF_HEP3_AUTH_KEY, "secret", 6);
    hep3_end(b, o);
    assert_true(sf_hep_decode(b, o, &m, &why));
    assert_null(m.payload);
    assert_int_equal(m.keepalive, 30);
    assert_true(sf_slice_eq(m.auth_key, "secret"));
    assert_int_equal(m.src.family, 0);
    /* not HEP at all */
    assert_false(sf_hep_decode((const uint8_t *)"SIP/2.0 200 OK", 14, &m, &why));
}

/* ---- inflater ----------------------------------------------------------- */

static void test_inflate(void **state)
{
    (void)state;
    uint8_t z[8192];
    const uint8_t *out;
    uint32_t out_len;
    const char *why;
    sf_hep_inflater_t *zi = sf_hep_inflater_create(64 * 1024);
    assert_non_null(zi);
    for (int gz = 0; gz < 2; gz++) {
        uint32_t zl = hb_compress(SIP1, sizeof SIP1 - 1, z, sizeof z, gz);
        assert_true(zl > 0);
        assert_true(sf_hep_inflate(zi, z, zl, &out, &out_len, &why));
        assert_int_equal(out_len, sizeof SIP1 - 1);
        assert_memory_equal(out, SIP1, out_len);
        /* cut: the stream does not end */
        assert_false(sf_hep_inflate(zi, z, zl / 2, &out, &out_len, &why));
        assert_non_null(why);
    }
    /* garbage */
    assert_false(sf_hep_inflate(zi, (const uint8_t *)"not zlib at all", 15, &out, &out_len, &why));
    /* a bomb: 1 MiB of zeros stops at the 64 KiB cap */
    char *zeros = calloc(1, 1 << 20);
    uLongf bl = compressBound(1 << 20);
    uint8_t *bomb = malloc(bl);
    assert_int_equal(compress(bomb, &bl, (const Bytef *)zeros, 1 << 20), Z_OK);
    assert_false(sf_hep_inflate(zi, bomb, (uint32_t)bl, &out, &out_len, &why));
    assert_string_equal(why, "compressed HEP payload inflates past the size cap");
    /* and the inflater still works afterwards */
    uint32_t zl = hb_compress(SIP1, sizeof SIP1 - 1, z, sizeof z, 0);
    assert_true(sf_hep_inflate(zi, z, zl, &out, &out_len, &why));
    assert_int_equal(out_len, sizeof SIP1 - 1);
    free(zeros);
    free(bomb);
    sf_hep_inflater_destroy(zi);
}

/* ---- decapsulation + window ------------------------------------------- */

#define MAXREL 32

typedef struct rel {
    uint32_t n;
    sf_msg_meta_t meta[MAXREL];
    char text[MAXREL][64]; /* first line of the payload */
    uint32_t anomalies[SF_ANOM_KIND_COUNT];
    uint64_t anom_frame[SF_ANOM_KIND_COUNT];
} rel_t;

static void on_release(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    rel_t *r = user;
    if (r->n < MAXREL) {
        r->meta[r->n] = *meta;
        uint32_t k = 0;
        while (k < len && k < 63 && p[k] != '\r' && p[k] != '\n')
            k++;
        memcpy(r->text[r->n], p, k);
        r->text[r->n][k] = 0;
    }
    r->n++;
}

static void on_anom(void *user, const sf_anomaly_t *a)
{
    rel_t *r = user;
    r->anomalies[a->kind]++;
    r->anom_frame[a->kind] = a->frame;
    assert_int_equal(a->layer, SF_LAYER_HEP);
}

static sf_msg_meta_t outer_meta(uint64_t frame, int64_t sec)
{
    sf_msg_meta_t m;
    memset(&m, 0, sizeof m);
    m.frames[0] = frame;
    m.n_frames = 1;
    m.ts = (sf_ts_t){sec, 0, 6};
    m.src.family = m.dst.family = 4;
    m.src.addr[0] = 127;
    m.dst.addr[0] = 127;
    m.src.port = 40000;
    m.dst.port = 9060;
    return m;
}

static void test_input_classify(void **state)
{
    (void)state;
    rel_t *r = calloc(1, sizeof *r);
    sf_hep_release_sink_t rs = {on_release, r};
    sf_anomaly_sink_t an = {on_anom, r};
    sf_hep_config_t cfg;
    sf_hep_config_default(&cfg);
    cfg.window.window_ns = 0; /* in arrival order */
    sf_hep_input_t *in = sf_hep_input_create(&cfg, &rs, &an);
    uint8_t b[4096];
    hep_spec_t s = {4, 6, 5060, 5070, 1700000000, 250000, 1, 0, SIP1};
    sf_msg_meta_t o = outer_meta(7, 42);
    sf_hep_input_packet(in, &o, b, b_hep3(b, &s));
    assert_int_equal(r->n, 1);
    assert_int_equal(r->meta[0].transport, SF_TRANSPORT_TCP); /* HEP says TCP */
    assert_memory_equal(r->meta[0].src.addr, HS4, 4);
    assert_int_equal(r->meta[0].src.port, 5060);
    assert_int_equal(r->meta[0].dst.port, 5070);
    assert_int_equal(r->meta[0].ts.sec, 1700000000);
    assert_int_equal(r->meta[0].ts.nsec, 250000000);
    assert_int_equal(sf_msg_meta_last_frame(&r->meta[0]), 7);
    assert_string_equal(r->text[0], "OPTIONS sip:bob@example.com SIP/2.0");
    /* compressed */
    s.compress = 1;
    s.ip_proto = 17;
    sf_hep_input_packet(in, &o, b, b_hep3(b, &s));
    assert_int_equal(r->n, 2);
    assert_int_equal(r->meta[1].transport, SF_TRANSPORT_UDP);
    assert_string_equal(r->text[1], "OPTIONS sip:bob@example.com SIP/2.0");
    /* RTCP and a log: counted, skipped */
    s.compress = 0;
    s.proto_type = SF_HEP_PROTO_RTCP;
    sf_hep_input_packet(in, &o, b, b_hep3(b, &s));
    s.proto_type = SF_HEP_PROTO_LOG;
    sf_hep_input_packet(in, &o, b, b_hep3(b, &s));
    assert_int_equal(r->n, 2);
    /* a compressed payload that is garbage: malformed, reported */
    uint32_t x = hep3_begin(b);
    x = hep3_u8(b, x, SF_HEP3_PROTO_TYPE, 1);
    x = hep3_chunk(b, x, SF_HEP3_PAYLOAD_ZIP, "garbage!", 8);
    o = outer_meta(9, 43);
    sf_hep_input_packet(in, &o, b, hep3_end(b, x));
    assert_int_equal(r->anomalies[SF_ANOM_HEP_MALFORMED], 1);
    assert_int_equal(r->anom_frame[SF_ANOM_HEP_MALFORMED], 9);
    /* truncated: reported with its frame */
    uint32_t n = b_hep3(b, &s);
    o = outer_meta(10, 44);
    sf_hep_input_packet(in, &o, b, n - 1);
    assert_int_equal(r->anomalies[SF_ANOM_HEP_MALFORMED], 2);
    assert_int_equal(r->anom_frame[SF_ANOM_HEP_MALFORMED], 10);
    /* v2: SIP, with its own time */
    s.proto_type = 1;
    sf_hep_input_packet(in, &o, b, b_hep2(b, 2, &s));
    assert_int_equal(r->n, 3);
    assert_int_equal(r->meta[2].ts.sec, 1700000000);
    sf_hep_stats_t st;
    sf_hep_input_get_stats(in, &st);
    assert_int_equal(st.packets, 7);
    assert_int_equal(st.sip, 3);
    assert_int_equal(st.non_sip, 2);
    assert_int_equal(st.compressed, 1);
    assert_int_equal(st.malformed, 2);
    assert_int_equal(st.v2, 1);
    assert_int_equal(st.v3, 5);
    sf_hep_input_destroy(in);
    free(r);
}

static void push_at(sf_hep_window_t *w, uint64_t frame, int64_t sec, uint32_t ms, const char *txt)
{
    sf_msg_meta_t m = outer_meta(frame, sec);
    m.ts.nsec = ms * 1000000u;
    sf_hep_window_push(w, &m, (const uint8_t *)txt, (uint32_t)strlen(txt));
}

static void test_window_reorders(void **state)
{
    (void)state;
    rel_t *r = calloc(1, sizeof *r);
    sf_hep_release_sink_t rs = {on_release, r};
    sf_anomaly_sink_t an = {on_anom, r};
    sf_hep_window_config_t cfg;
    sf_hep_window_config_default(&cfg);
    assert_int_equal(cfg.window_ns, 2000000000LL);
    sf_hep_window_t *w = sf_hep_window_create(&cfg, &rs, &an);
    /* HEP times run backwards against arrival */
    push_at(w, 1, 100, 500, "B");
    push_at(w, 2, 100, 100, "A");
    push_at(w, 3, 101, 0, "C");
    push_at(w, 4, 100, 900, "B2");
    assert_int_equal(r->n, 0);    /* all within 2 s of the newest */
    push_at(w, 5, 102, 600, "D"); /* releases everything up to 100.6 */
    assert_int_equal(r->n, 2);
    assert_string_equal(r->text[0], "A");
    assert_string_equal(r->text[1], "B");
    /* 100.2: older than B, already released: late, delivered at once */
    push_at(w, 6, 100, 200, "late");
    assert_int_equal(r->n, 3);
    assert_string_equal(r->text[2], "late");
    assert_int_equal(r->anomalies[SF_ANOM_HEP_LATE], 1);
    assert_int_equal(r->anom_frame[SF_ANOM_HEP_LATE], 6);
    sf_hep_window_flush(w);
    assert_int_equal(r->n, 6);
    assert_string_equal(r->text[3], "B2");
    assert_string_equal(r->text[4], "C");
    assert_string_equal(r->text[5], "D");
    assert_int_equal(sf_msg_meta_last_frame(&r->meta[3]), 4);
    sf_hep_window_stats_t st;
    sf_hep_window_get_stats(w, &st);
    assert_int_equal(st.pushed, 6);
    assert_int_equal(st.reordered, 2); /* A and B2 */
    assert_int_equal(st.late, 1);
    assert_int_equal(st.held_peak, 5);
    sf_hep_window_destroy(w);
    free(r);
}

static void test_window_caps_and_off(void **state)
{
    (void)state;
    rel_t *r = calloc(1, sizeof *r);
    sf_hep_release_sink_t rs = {on_release, r};
    sf_anomaly_sink_t an = {on_anom, r};
    sf_hep_window_config_t cfg = {.window_ns = 10000000000LL, .max_msgs = 3, .max_bytes = 0};
    sf_hep_window_t *w = sf_hep_window_create(&cfg, &rs, &an);
    push_at(w, 1, 10, 3, "m3");
    push_at(w, 2, 10, 1, "m1");
    push_at(w, 3, 10, 2, "m2");
    push_at(w, 4, 10, 4, "m4"); /* cap of 3: the oldest (m1) goes */
    assert_int_equal(r->n, 1);
    assert_string_equal(r->text[0], "m1");
    /* a big message: the byte cap (raised to 128 KiB) releases everything */
    char *big = malloc(100 * 1024 + 1);
    memset(big, 'x', 100 * 1024);
    big[100 * 1024] = 0;
    push_at(w, 5, 10, 5, big);
    push_at(w, 6, 10, 6, big);
    sf_hep_window_stats_t st;
    sf_hep_window_get_stats(w, &st);
    assert_true(st.forced >= 3);
    assert_true(st.bytes_peak <= 128 * 1024);
    assert_true(st.held_peak <= 3);
    sf_hep_window_flush(w);
    assert_int_equal(r->n, 6);
    assert_string_equal(r->text[1], "m2");
    assert_string_equal(r->text[2], "m3");
    assert_string_equal(r->text[3], "m4");
    assert_int_equal(r->anomalies[SF_ANOM_HEP_LATE], 0);
    sf_hep_window_destroy(w);
    /* off: arrival order, no anomaly for times running backwards */
    memset(r, 0, sizeof *r);
    cfg = (sf_hep_window_config_t){.window_ns = 0, .max_msgs = 3, .max_bytes = 0};
    w = sf_hep_window_create(&cfg, &rs, &an);
    push_at(w, 1, 10, 3, "x3");
    push_at(w, 2, 9, 1, "x1");
    assert_int_equal(r->n, 2);
    assert_string_equal(r->text[0], "x3");
    assert_int_equal(r->anomalies[SF_ANOM_HEP_LATE], 0);
    /* destroy with nothing held, and a window destroyed while holding */
    sf_hep_window_destroy(w);
    cfg.window_ns = 1000;
    w = sf_hep_window_create(&cfg, &rs, &an);
    push_at(w, 1, 10, 3, big);
    sf_hep_window_destroy(w);
    free(big);
    free(r);
}

/* ---- HEP3 over a stream --------------------------------------------------- */

typedef struct pk {
    uint32_t n;
    uint32_t len[MAXREL];
    uint64_t first_frame[MAXREL], last_frame[MAXREL];
    uint32_t n_frames[MAXREL];
    uint32_t anomalies;
} pk_t;

static void on_packet(void *user, const sf_msg_meta_t *meta, const uint8_t *p, uint32_t len)
{
    pk_t *k = user;
    sf_hep_msg_t m;
    const char *why;
    assert_true(sf_hep_decode(p, len, &m, &why));
    assert_int_equal(m.length, len);
    if (k->n < MAXREL) {
        k->len[k->n] = len;
        k->first_frame[k->n] = meta->frames[0];
        k->last_frame[k->n] = sf_msg_meta_last_frame(meta);
        k->n_frames[k->n] = meta->n_frames;
    }
    k->n++;
}

static void on_stream_anom(void *user, const sf_anomaly_t *a)
{
    pk_t *k = user;
    assert_int_equal(a->kind, SF_ANOM_HEP_MALFORMED);
    k->anomalies++;
}

static uint32_t three_packets(uint8_t *b, uint32_t *l)
{
    hep_spec_t s = {4, 6, 5060, 5070, 1700000000, 1, 1, 0, SIP1};
    uint32_t n = 0;
    for (int i = 0; i < 3; i++) {
        s.usec = (uint32_t)i;
        l[i] = b_hep3(b + n, &s);
        n += l[i];
    }
    return n;
}

static void test_stream_coalesced_and_split(void **state)
{
    (void)state;
    uint8_t b[8192];
    uint32_t l[3];
    uint32_t n = three_packets(b, l);
    assert_true(sf_hep_stream_sniff(b, n));
    assert_false(sf_hep_stream_sniff((const uint8_t *)SIP1, 10));
    sf_ts_t ts = {1, 0, 6};
    /* all three in one chunk */
    pk_t k = {0};
    sf_hep_packet_sink_t ps = {on_packet, &k};
    sf_anomaly_sink_t an = {on_stream_anom, &k};
    sf_hep_stream_t *s = sf_hep_stream_create(NULL, &ps, &an);
    sf_hep_stream_push(s, b, n, 1, ts);
    assert_int_equal(k.n, 3);
    assert_int_equal(k.len[2], l[2]);
    assert_int_equal(k.last_frame[2], 1);
    sf_hep_stream_finish(s, 2, ts);
    sf_hep_stream_destroy(s);
    /* split in two at every offset */
    for (uint32_t cut = 1; cut < n; cut++) {
        memset(&k, 0, sizeof k);
        s = sf_hep_stream_create(NULL, &ps, &an);
        sf_hep_stream_push(s, b, cut, 1, ts);
        sf_hep_stream_push(s, b + cut, n - cut, 2, ts);
        sf_hep_stream_finish(s, 3, ts);
        assert_int_equal(k.n, 3);
        assert_int_equal(k.anomalies, 0);
        for (int i = 0; i < 3; i++)
            assert_int_equal(k.len[i], l[i]);
        /* the packet spanning the cut names both frames */
        uint32_t at = 0;
        for (int i = 0; i < 3; i++) {
            bool spans = cut > at && cut < at + l[i];
            assert_int_equal(k.n_frames[i], spans ? 2 : 1);
            at += l[i];
        }
        sf_hep_stream_destroy(s);
    }
    /* one byte per push */
    memset(&k, 0, sizeof k);
    s = sf_hep_stream_create(NULL, &ps, &an);
    for (uint32_t i = 0; i < n; i++)
        sf_hep_stream_push(s, b + i, 1, i + 1, ts);
    assert_int_equal(k.n, 3);
    assert_int_equal(k.anomalies, 0);
    assert_int_equal(k.first_frame[0], 1);
    assert_int_equal(k.n_frames[0], SF_MSG_MAX_FRAMES); /* capped list */
    sf_hep_stream_destroy(s);
    /* a packet near the 64 KiB maximum in 1000-byte pushes: the buffer
     * grows with the bytes held */
    uint8_t *big = malloc(65535);
    uint32_t o = hep3_begin(big);
    o = hep3_u8(big, o, SF_HEP3_PROTO_TYPE, 1);
    o = hep3_chunk(big, o, SF_HEP3_PAYLOAD, "", 0); /* header; value written here: */
    hb_put16(big + o - 2, 65535 - o + 6);
    memset(big + o, 'x', 65535 - o);
    o = 65535;
    assert_int_equal(hep3_end(big, o), 65535);
    memset(&k, 0, sizeof k);
    s = sf_hep_stream_create(NULL, &ps, &an);
    for (uint32_t off = 0; off < 65535; off += 1000)
        sf_hep_stream_push(s, big + off, 65535 - off < 1000 ? 65535 - off : 1000, off / 1000 + 1,
                           ts);
    assert_int_equal(k.n, 1);
    assert_int_equal(k.len[0], 65535);
    assert_int_equal(k.anomalies, 0);
    sf_hep_stream_destroy(s);
    free(big);
}

static void test_stream_resync(void **state)
{
    (void)state;
    uint8_t b[8192], g[9000];
    uint32_t l[3];
    uint32_t n = three_packets(b, l);
    sf_ts_t ts = {1, 0, 6};
    pk_t k = {0};
    sf_hep_packet_sink_t ps = {on_packet, &k};
    sf_anomaly_sink_t an = {on_stream_anom, &k};
    /* garbage (with a false "HE" start) before the packets */
    memcpy(g, "HEHxxHEP", 8);
    memcpy(g + 8, b, n);
    sf_hep_stream_t *s = sf_hep_stream_create(NULL, &ps, &an);
    sf_hep_stream_push(s, (const uint8_t *)"xyzHE", 5, 1, ts); /* magic split over chunks */
    sf_hep_stream_push(s, b + 2, n - 2, 2, ts);
    assert_int_equal(k.n, 3);
    assert_int_equal(k.anomalies, 1);
    assert_int_equal(sf_hep_stream_skipped(s), 3);
    sf_hep_stream_destroy(s);
    for (uint32_t cut = 1; cut < 12; cut++) {
        memset(&k, 0, sizeof k);
        s = sf_hep_stream_create(NULL, &ps, &an);
        sf_hep_stream_push(s, g, cut, 1, ts);
        sf_hep_stream_push(s, g + cut, 8 + n - cut, 2, ts);
        assert_int_equal(k.n, 3);
        assert_true(k.anomalies >= 1);
        sf_hep_stream_destroy(s);
    }
    /* a gap inside the first packet: dropped and reported, the next
     * packets are found again */
    memset(&k, 0, sizeof k);
    s = sf_hep_stream_create(NULL, &ps, &an);
    sf_hep_stream_push(s, b, 20, 1, ts);
    sf_hep_stream_gap(s, 10, 2, ts);
    sf_hep_stream_push(s, b + 30, n - 30, 2, ts);
    assert_int_equal(k.n, 2);
    assert_int_equal(k.anomalies, 1);
    /* a partial packet at the end */
    sf_hep_stream_push(s, b, 10, 3, ts);
    sf_hep_stream_finish(s, 4, ts);
    assert_int_equal(k.anomalies, 2);
    sf_hep_stream_destroy(s);
    /* a total length under 6 */
    memset(&k, 0, sizeof k);
    s = sf_hep_stream_create(NULL, &ps, &an);
    uint8_t bad[6] = {'H', 'E', 'P', '3', 0, 2};
    sf_hep_stream_push(s, bad, 6, 1, ts);
    sf_hep_stream_push(s, b, n, 2, ts);
    assert_int_equal(k.n, 3);
    assert_int_equal(k.anomalies, 1);
    sf_hep_stream_destroy(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_v3_ipv4),
        cmocka_unit_test(test_v3_ipv6),
        cmocka_unit_test(test_v2_v1),
        cmocka_unit_test(test_v3_truncations),
        cmocka_unit_test(test_v3_chunk_defects),
        cmocka_unit_test(test_inflate),
        cmocka_unit_test(test_input_classify),
        cmocka_unit_test(test_window_reorders),
        cmocka_unit_test(test_window_caps_and_off),
        cmocka_unit_test(test_stream_coalesced_and_split),
        cmocka_unit_test(test_stream_resync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
